//! The measurements of a charting round: one table gives each numeric
//! field's name, label, unit and allowed range; the input type (as typed by
//! people and programs), the validated values and the validation are all
//! made from it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Consciousness, Shift, WarningSign};
use crate::error::FieldError;
use crate::vocabulary::Vocabulary;

/// A numeric measurement and its physiologically possible range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    /// UCUM unit as stored.
    pub unit: &'static str,
    pub min: f64,
    pub max: f64,
    /// Whole numbers only.
    pub integer: bool,
    /// Where the form groups it.
    pub group: Group,
    /// How other systems name it: a LOINC code, or empty where LOINC has
    /// none for it (then [`LOCAL_CODES`] with the field's name).
    pub loinc: &'static str,
    /// Its FHIR observation category.
    pub category: Category,
}

/// FHIR observation categories of the measurements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    VitalSigns,
    Laboratory,
    Exam,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::VitalSigns, Category::Laboratory, Category::Exam];

    /// The code of the FHIR observation-category code system.
    pub fn code(self) -> &'static str {
        match self {
            Category::VitalSigns => "vital-signs",
            Category::Laboratory => "laboratory",
            Category::Exam => "exam",
        }
    }

    pub fn display(self) -> &'static str {
        match self {
            Category::VitalSigns => "Vital Signs",
            Category::Laboratory => "Laboratory",
            Category::Exam => "Exam",
        }
    }
}

/// LOINC's code system.
pub const LOINC: &str = "http://loinc.org";
/// The code system of measurements LOINC has no code for; codes are the
/// field names.
pub const LOCAL_CODES: &str = "urn:vitalboard:measure";
/// The blood pressure panel whose components are systolic and diastolic.
pub const BLOOD_PRESSURE_LOINC: &str = "85354-9";
/// Level of responsiveness (ACVPU), coded in [`CONSCIOUSNESS_CODES`].
pub const CONSCIOUSNESS_LOINC: &str = "67775-7";
/// The code system of the ACVPU levels.
pub const CONSCIOUSNESS_CODES: &str = "urn:vitalboard:acvpu";
/// Breathing air or supplemental oxygen, a local code of [`LOCAL_CODES`].
pub const ON_OXYGEN_CODE: &str = "on_oxygen";

/// The groups of the round form and table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Vitals,
    Fluids,
    Labs,
    Other,
}

impl FieldSpec {
    /// The unit as people write it (`°C` for UCUM `Cel`).
    pub fn display_unit(&self) -> &'static str {
        match self.unit {
            "Cel" => "°C",
            "mm[Hg]" => "mmHg",
            "10*3/uL" => "×10³/µL",
            "d" => "",
            "{score}" => "",
            other => other,
        }
    }

    /// The allowed range as people read it, e.g. `25–45 °C`.
    pub fn range(&self) -> String {
        format!("{}–{} {}", self.min, self.max, self.display_unit())
            .trim_end()
            .to_owned()
    }

    /// Checks one typed value; an empty one is absent, not an error.
    pub fn parse(&self, text: &str) -> Result<Option<f64>, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let error = || {
            FieldError::new(
                self.name,
                format!(
                    "must be {} between {} (got '{}')",
                    if self.integer {
                        "a whole number"
                    } else {
                        "a number"
                    },
                    self.range(),
                    truncate(text, 20)
                ),
            )
        };
        let value: f64 = text.replace(',', ".").parse().map_err(|_| error())?;
        if !value.is_finite() || value < self.min || value > self.max {
            return Err(error());
        }
        if self.integer && value.fract() != 0.0 {
            return Err(error());
        }
        Ok(Some(value))
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

macro_rules! numeric_fields {
    ($( $name:ident : $ty:ident = $label:literal, $unit:literal, $min:tt ..= $max:tt, $group:ident, $category:ident $loinc:literal; )*) => {
        /// A round as typed by people and programs: JSON sends numbers and
        /// booleans, a form their text (an empty one is absent); both are
        /// kept as typed for validation. Fields not listed here are refused.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
        #[serde(default, deny_unknown_fields)]
        pub struct RoundInput {
            /// RFC 3339, or `YYYY-MM-DDTHH:MM` in the hospital's time; not
            /// more than 5 minutes ahead; empty means now.
            #[schema(value_type = Option<crate::rules::TimeText>)]
            pub measured_at: Option<String>,
            /// `day`, `evening` or `night`; empty means from the time.
            #[schema(value_type = Option<Shift>)]
            pub shift: Option<String>,
            /// On supplemental oxygen.
            #[serde(deserialize_with = "crate::wire::text")]
            #[schema(value_type = Option<bool>)]
            pub on_oxygen: Option<String>,
            /// ACVPU: `A`, `C`, `V`, `P` or `U`.
            #[schema(value_type = Option<Consciousness>)]
            pub consciousness: Option<String>,
            /// Codes of WHO 2009 dengue warning signs.
            #[schema(value_type = Vec<WarningSign>)]
            pub warning_signs: Vec<String>,
            /// Up to 4000 characters.
            #[schema(max_length = 4000)]
            pub clinical_notes: Option<String>,
            /// Up to 4000 characters.
            #[schema(max_length = 4000)]
            pub medical_advice: Option<String>,
            $(
                #[serde(deserialize_with = "crate::wire::text")]
                #[schema(value_type = Option<$ty>, minimum = $min, maximum = $max)]
                pub $name: Option<String>,
            )*
        }

        /// A validated round: typed values in stored units.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
        pub struct RoundValues {
            pub measured_at: DateTime<Utc>,
            pub shift: Shift,
            pub on_oxygen: Option<bool>,
            pub consciousness: Option<Consciousness>,
            pub warning_signs: Vec<WarningSign>,
            pub clinical_notes: Option<String>,
            pub medical_advice: Option<String>,
            $( pub $name: Option<$ty>, )*
        }

        /// Every numeric field, in form order.
        pub const NUMERIC_FIELDS: &[FieldSpec] = &[
            $( FieldSpec {
                name: stringify!($name),
                label: $label,
                unit: $unit,
                min: $min as f64,
                max: $max as f64,
                integer: numeric_fields!(@integer $ty),
                group: Group::$group,
                loinc: $loinc,
                category: Category::$category,
            }, )*
        ];

        impl RoundInput {
            /// The typed text of a numeric field by name.
            pub fn numeric(&self, name: &str) -> Option<&str> {
                match name {
                    $( stringify!($name) => self.$name.as_deref(), )*
                    _ => None,
                }
            }

            /// Sets the typed text of a numeric field by name (unknown names
            /// are ignored).
            pub fn set_numeric(&mut self, name: &str, text: Option<String>) {
                match name {
                    $( stringify!($name) => self.$name = text, )*
                    _ => {}
                }
            }

            /// Validates every field (see `parse`), collecting an error for
            /// each bad one.
            pub(super) fn parse_numeric(&self, values: &mut RoundValues, errors: &mut Vec<FieldError>) {
                let mut specs = NUMERIC_FIELDS.iter();
                $(
                    let spec = specs.next().expect("one spec per field");
                    if let Some(text) = &self.$name {
                        match spec.parse(text) {
                            Ok(value) => values.$name = value.map(|v| v as $ty),
                            Err(e) => errors.push(e),
                        }
                    }
                )*
            }
        }

        impl RoundValues {
            /// Values at `measured_at` with nothing measured.
            pub fn empty(measured_at: DateTime<Utc>) -> Self {
                Self {
                    measured_at,
                    shift: Shift::of(measured_at),
                    on_oxygen: None,
                    consciousness: None,
                    warning_signs: Vec::new(),
                    clinical_notes: None,
                    medical_advice: None,
                    $( $name: None, )*
                }
            }

            /// A numeric value by field name.
            pub fn numeric(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($name) => self.$name.map(|v| v as f64), )*
                    _ => None,
                }
            }

            /// Sets a numeric value by field name (unknown names are ignored).
            pub fn set_numeric(&mut self, name: &str, value: Option<f64>) {
                match name {
                    $( stringify!($name) => self.$name = value.map(|v| v as $ty), )*
                    _ => {}
                }
            }

            /// The values as they would be typed into the form again, times
            /// in `zone`.
            pub fn to_input(&self, zone: &crate::zones::Zone) -> RoundInput {
                RoundInput {
                    measured_at: Some(zone.local(self.measured_at).format("%Y-%m-%dT%H:%M:%S").to_string()),
                    shift: Some(self.shift.code().to_owned()),
                    on_oxygen: self.on_oxygen.map(|b| b.to_string()),
                    consciousness: self.consciousness.map(|c| c.code().to_owned()),
                    warning_signs: self.warning_signs.iter().map(|w| w.code().to_owned()).collect(),
                    clinical_notes: self.clinical_notes.clone(),
                    medical_advice: self.medical_advice.clone(),
                    $( $name: self.$name.map(|v| v.to_string()), )*
                }
            }
        }
    };
    (@integer i32) => { true };
    (@integer f64) => { false };
}

numeric_fields! {
    temperature_c: f64 = "Temperature", "Cel", 25 ..= 45, Vitals, VitalSigns "8310-5";
    pulse_per_min: i32 = "Pulse", "/min", 20 ..= 300, Vitals, VitalSigns "8867-4";
    respiration_per_min: i32 = "Respiration", "/min", 0 ..= 80, Vitals, VitalSigns "9279-1";
    systolic_mmhg: i32 = "Systolic BP", "mm[Hg]", 40 ..= 300, Vitals, VitalSigns "8480-6";
    diastolic_mmhg: i32 = "Diastolic BP", "mm[Hg]", 20 ..= 200, Vitals, VitalSigns "8462-4";
    spo2_percent: i32 = "SpO2", "%", 50 ..= 100, Vitals, VitalSigns "59408-5";
    intake_oral_ml: i32 = "Intake oral", "mL", 0 ..= 10000, Fluids, Exam "9000-1";
    intake_iv_ml: i32 = "Intake IV", "mL", 0 ..= 10000, Fluids, Exam "";
    intake_other_ml: i32 = "Intake other", "mL", 0 ..= 10000, Fluids, Exam "";
    output_urine_ml: i32 = "Output urine", "mL", 0 ..= 10000, Fluids, Exam "9187-6";
    output_emesis_ml: i32 = "Output emesis", "mL", 0 ..= 10000, Fluids, Exam "9137-1";
    output_drainage_ml: i32 = "Output drainage", "mL", 0 ..= 10000, Fluids, Exam "";
    output_other_ml: i32 = "Output other", "mL", 0 ..= 10000, Fluids, Exam "";
    hematocrit_percent: f64 = "Hematocrit", "%", 10 ..= 80, Labs, Laboratory "4544-3";
    platelets_k_per_ul: f64 = "Platelets", "10*3/uL", 0 ..= 2000, Labs, Laboratory "777-3";
    wbc_k_per_ul: f64 = "WBC", "10*3/uL", 0 ..= 200, Labs, Laboratory "6690-2";
    day_of_fever: i32 = "Day of fever", "d", 1 ..= 30, Other, Exam "";
    pain_score: i32 = "Pain score", "{score}", 0 ..= 10, Other, Exam "72514-3";
    abdominal_circumference_cm: f64 = "Abdominal circumference", "cm", 30 ..= 250, Other, Exam "";
    weight_kg: f64 = "Weight", "kg", 0.5 ..= 400, Other, VitalSigns "29463-7";
}

/// The numeric field named `name`, one of [`NUMERIC_FIELDS`].
pub fn spec(name: &str) -> FieldSpec {
    *NUMERIC_FIELDS
        .iter()
        .find(|f| f.name == name)
        .expect("a field of the round table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_the_product_brief() {
        let t = spec("temperature_c");
        assert_eq!(t.parse("25").unwrap(), Some(25.0));
        assert_eq!(t.parse("45").unwrap(), Some(45.0));
        assert!(t.parse("24.9").is_err());
        assert!(t.parse("45.1").is_err());
        assert_eq!(t.parse("38,5").unwrap(), Some(38.5), "decimal comma");
        let p = spec("pulse_per_min");
        assert!(p.parse("19").is_err());
        assert!(p.parse("301").is_err());
        assert!(p.parse("80.5").is_err(), "whole numbers only");
        assert!(spec("spo2_percent").parse("49").is_err());
        assert!(spec("intake_iv_ml").parse("10001").is_err());
        assert!(spec("respiration_per_min").parse("0").is_ok());
    }

    #[test]
    fn empty_is_absent_and_garbage_is_named() {
        assert_eq!(spec("pulse_per_min").parse("  ").unwrap(), None);
        let err = spec("pulse_per_min").parse("fast").unwrap_err();
        assert_eq!(err.field, "pulse_per_min");
        assert_eq!(
            err.message,
            "must be a whole number between 20–300 /min (got 'fast')"
        );
        assert!(spec("temperature_c").parse("NaN").is_err());
        assert!(spec("temperature_c").parse("inf").is_err());
    }
}
