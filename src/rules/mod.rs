//! The clinical rules, pure and shared by server and browser: the round's
//! fields and their allowed ranges, NEWS2, the dengue phase, and the
//! vocabularies they speak in. Nothing here reads a database or a clock.

pub mod course;
pub mod fields;
pub mod frequency;
pub mod news2;
pub mod phase;

use chrono::{DateTime, Duration, NaiveDateTime, SubsecRound, Timelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};
use crate::vocabulary::Vocabulary;
use crate::zones::Zone;
pub use fields::{FieldSpec, Group, NUMERIC_FIELDS, RoundInput, RoundValues};

/// How far in the future a measurement time may lie (clock drift between
/// bedside devices and the server).
pub const FUTURE_TOLERANCE_MINUTES: i64 = 5;
/// The longest clinical note or medical advice.
pub const NOTE_MAX: usize = 4000;

/// The nursing shift a round belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Shift {
    /// 06:00–14:00
    Day,
    /// 14:00–22:00
    Evening,
    /// 22:00–06:00
    Night,
}

impl Shift {
    pub fn label(self) -> &'static str {
        match self {
            Shift::Day => "Day",
            Shift::Evening => "Evening",
            Shift::Night => "Night",
        }
    }

    /// The shift of a time of day (the hospital's wall clock).
    pub fn of(at: impl Timelike) -> Self {
        match at.hour() {
            6..=13 => Shift::Day,
            14..=21 => Shift::Evening,
            _ => Shift::Night,
        }
    }
}

/// Level of consciousness on the ACVPU scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
pub enum Consciousness {
    #[serde(rename = "A")]
    #[strum(serialize = "A")]
    Alert,
    #[serde(rename = "C")]
    #[strum(serialize = "C")]
    NewConfusion,
    #[serde(rename = "V")]
    #[strum(serialize = "V")]
    Voice,
    #[serde(rename = "P")]
    #[strum(serialize = "P")]
    Pain,
    #[serde(rename = "U")]
    #[strum(serialize = "U")]
    Unresponsive,
}

impl Consciousness {
    pub fn label(self) -> &'static str {
        match self {
            Consciousness::Alert => "Alert",
            Consciousness::NewConfusion => "New confusion",
            Consciousness::Voice => "Responds to voice",
            Consciousness::Pain => "Responds to pain",
            Consciousness::Unresponsive => "Unresponsive",
        }
    }
}

/// The WHO 2009 dengue warning signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum WarningSign {
    AbdominalPain,
    PersistentVomiting,
    FluidAccumulation,
    MucosalBleeding,
    Lethargy,
    LiverEnlargement,
    HematocritRise,
}

impl WarningSign {
    pub fn label(self) -> &'static str {
        match self {
            WarningSign::AbdominalPain => "Abdominal pain or tenderness",
            WarningSign::PersistentVomiting => "Persistent vomiting",
            WarningSign::FluidAccumulation => "Clinical fluid accumulation",
            WarningSign::MucosalBleeding => "Mucosal bleeding",
            WarningSign::Lethargy => "Lethargy or restlessness",
            WarningSign::LiverEnlargement => "Liver enlargement > 2 cm",
            WarningSign::HematocritRise => "Rising hematocrit with rapid platelet fall",
        }
    }
}

fn optional_text(
    field: &str,
    value: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let text = value.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > NOTE_MAX {
        errors.push(FieldError::new(
            field,
            format!("must be at most {NOTE_MAX} characters"),
        ));
        return None;
    }
    Some(text.to_owned())
}

crate::text!(
    /// A date and time: RFC 3339, or `YYYY-MM-DDTHH:MM[:SS]` in the
    /// hospital's time; empty for none.
    TimeText,
    schema = crate::wire::formatted_or_empty(utoipa::openapi::schema::KnownFormat::DateTime),
);

/// Reads a time: RFC 3339, or `YYYY-MM-DDTHH:MM[:SS]` as a wall-clock time
/// of `zone` (the hospital's).
pub fn parse_time(text: &str, zone: &Zone) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
                .map(|t| zone.instant(t))
        })
}

/// Breathing as typed: `true`, `on` or `yes` is oxygen, `false`, `off` or
/// `no` air; anything else is not a reading.
pub fn read_on_oxygen(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "on" | "yes" => Some(true),
        "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

impl RoundInput {
    /// Validates the whole round against the rules of the product brief.
    /// Every offending field is named with what is allowed; `now` bounds
    /// the measurement time, written in `zone` unless it has an offset.
    pub fn parse(&self, now: DateTime<Utc>, zone: &Zone) -> Result<RoundValues, AppError> {
        let mut errors = Vec::new();
        // Times are kept to the second, as the form shows them.
        let now = now.trunc_subsecs(0);
        let measured_at = match self
            .measured_at
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => now,
            Some(text) => {
                match parse_time(text, zone) {
                    Some(t) if t > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) => {
                        errors.push(FieldError::new(
                        "measured_at",
                        format!("must not be more than {FUTURE_TOLERANCE_MINUTES} minutes in the future"),
                    ));
                        now
                    }
                    Some(t) => t.trunc_subsecs(0),
                    None => {
                        errors.push(FieldError::new(
                            "measured_at",
                            "must be a date and time such as 2026-11-30T14:05 (the hospital's time) or RFC 3339",
                        ));
                        now
                    }
                }
            }
        };
        let mut values = RoundValues::empty(measured_at);
        match self
            .shift
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => values.shift = Shift::of(zone.local(measured_at)),
            Some(text) => match Shift::parse(text) {
                Some(shift) => values.shift = shift,
                None => errors.push(FieldError::new("shift", "must be day, evening or night")),
            },
        }
        match self
            .on_oxygen
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => {}
            Some(text) => match read_on_oxygen(text) {
                Some(on) => values.on_oxygen = Some(on),
                None => errors.push(FieldError::new("on_oxygen", "must be true or false")),
            },
        }
        match self
            .consciousness
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => {}
            Some(code) => match Consciousness::parse(code) {
                Some(c) => values.consciousness = Some(c),
                None => errors.push(FieldError::new(
                    "consciousness",
                    format!("must be one of {} (ACVPU)", Consciousness::codes()),
                )),
            },
        }
        for code in self
            .warning_signs
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            match WarningSign::parse(code) {
                Some(sign) if !values.warning_signs.contains(&sign) => {
                    values.warning_signs.push(sign)
                }
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "warning_signs",
                    format!(
                        "unknown sign '{}'; use {}",
                        code.chars().take(40).collect::<String>(),
                        WarningSign::codes()
                    ),
                )),
            }
        }
        values.warning_signs.sort();
        values.clinical_notes = optional_text("clinical_notes", &self.clinical_notes, &mut errors);
        values.medical_advice = optional_text("medical_advice", &self.medical_advice, &mut errors);
        self.parse_numeric(&mut values, &mut errors);
        if let (Some(sys), Some(dia)) = (values.systolic_mmhg, values.diastolic_mmhg)
            && dia >= sys
        {
            errors.push(FieldError::new(
                "diastolic_mmhg",
                "must be lower than the systolic pressure",
            ));
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// Where a patient stands: dengue phase and NEWS2, each with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClinicalStatus {
    pub phase: phase::Assessment,
    /// Scored from the parameters recent enough to count.
    pub news2: news2::News2,
    /// The newest value of each NEWS2 parameter, however old.
    pub observations: news2::Observations,
    /// Parameters too old to count in the score.
    #[serde(default)]
    pub stale: Vec<course::StaleParameter>,
    /// The dengue fluid and shock targets.
    #[serde(default)]
    pub fluids: course::Fluids,
}

/// How old a NEWS2 parameter may be and still count: 24 h, or the
/// A length of time at a glance, e.g. `12 min`, `2 h 05 min`, `3 days`.
pub fn lasting(length: Duration) -> String {
    match length.num_minutes().max(0) {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h {:02} min", m / 60, m % 60),
        m => format!("{} days", m / (24 * 60)),
    }
}

/// patient's set interval between rounds when that is shorter.
pub fn counting_age(set_hours: i32) -> Duration {
    Duration::hours(i64::from(set_hours.clamp(1, 24)))
}

impl RoundValues {
    /// Total fluid intake of the round, in mL.
    pub fn intake_ml(&self) -> i32 {
        [self.intake_oral_ml, self.intake_iv_ml, self.intake_other_ml]
            .iter()
            .flatten()
            .sum()
    }

    /// Total fluid output of the round, in mL.
    pub fn output_ml(&self) -> i32 {
        [
            self.output_urine_ml,
            self.output_emesis_ml,
            self.output_drainage_ml,
            self.output_other_ml,
        ]
        .iter()
        .flatten()
        .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_without_an_offset_are_read_in_the_hospital_zone() {
        let plus_seven = Zone::fixed("Asia/Ho_Chi_Minh", 7 * 3600);
        let expected = "2026-11-30T14:05:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(parse_time("2026-11-30T21:05", &plus_seven), Some(expected));
        assert_eq!(
            parse_time("2026-11-30T14:05:00Z", &plus_seven),
            Some(expected)
        );
        assert_eq!(
            parse_time("2026-11-30T14:05", &Zone::default()),
            Some(expected)
        );
        assert_eq!(parse_time("yesterday", &plus_seven), None);
    }
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
    }

    fn input() -> RoundInput {
        RoundInput {
            measured_at: Some("2026-11-30T09:30".into()),
            temperature_c: Some("38.4".into()),
            pulse_per_min: Some("112".into()),
            systolic_mmhg: Some("100".into()),
            diastolic_mmhg: Some("70".into()),
            weight_kg: Some(String::new()),
            on_oxygen: Some("false".into()),
            consciousness: Some("A".into()),
            warning_signs: vec![
                "lethargy".into(),
                "abdominal_pain".into(),
                "lethargy".into(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_round_parses_into_typed_values() {
        let values = input().parse(now(), &Zone::default()).unwrap();
        assert_eq!(
            values.measured_at,
            Utc.with_ymd_and_hms(2026, 11, 30, 9, 30, 0).unwrap()
        );
        assert_eq!(values.shift, Shift::Day);
        assert_eq!(values.temperature_c, Some(38.4));
        assert_eq!(values.pulse_per_min, Some(112));
        assert_eq!(values.weight_kg, None);
        assert_eq!(values.on_oxygen, Some(false));
        assert_eq!(values.consciousness, Some(Consciousness::Alert));
        assert_eq!(
            values.warning_signs,
            [WarningSign::AbdominalPain, WarningSign::Lethargy]
        );
        assert_eq!(values.numeric("pulse_per_min"), Some(112.0));
        assert_eq!(
            values
                .to_input(&Zone::default())
                .parse(now(), &Zone::default())
                .unwrap(),
            values,
            "typed back in, the same"
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = RoundInput {
            measured_at: Some("2026-11-30T10:06".into()),
            temperature_c: Some("50".into()),
            pulse_per_min: Some("fast".into()),
            consciousness: Some("Z".into()),
            warning_signs: vec!["headache".into()],
            shift: Some("noon".into()),
            on_oxygen: Some("maybe".into()),
            clinical_notes: Some("x".repeat(NOTE_MAX + 1)),
            ..Default::default()
        };
        let Err(AppError::Invalid(errors)) = bad.parse(now(), &Zone::default()) else {
            panic!("should be invalid")
        };
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "clinical_notes",
                "consciousness",
                "measured_at",
                "on_oxygen",
                "pulse_per_min",
                "shift",
                "temperature_c",
                "warning_signs"
            ]
        );
    }

    #[test]
    fn times_up_to_five_minutes_ahead_are_accepted() {
        let within = RoundInput {
            measured_at: Some("2026-11-30T10:05:00Z".into()),
            ..Default::default()
        };
        assert!(within.parse(now(), &Zone::default()).is_ok());
        let empty = RoundInput::default()
            .parse(now(), &Zone::default())
            .unwrap();
        assert_eq!(empty.measured_at, now());
        assert_eq!(empty.shift, Shift::Day);
    }

    #[test]
    fn diastolic_must_be_below_systolic() {
        let bad = RoundInput {
            systolic_mmhg: Some("90".into()),
            diastolic_mmhg: Some("95".into()),
            ..Default::default()
        };
        assert!(
            bad.parse(now(), &Zone::default())
                .unwrap_err()
                .to_string()
                .contains("diastolic_mmhg")
        );
    }

    #[test]
    fn shifts_follow_the_clock() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 30, h, 0, 0).unwrap();
        assert_eq!(Shift::of(at(5)), Shift::Night);
        assert_eq!(Shift::of(at(6)), Shift::Day);
        assert_eq!(Shift::of(at(14)), Shift::Evening);
        assert_eq!(Shift::of(at(22)), Shift::Night);
    }

    #[test]
    fn fluid_totals() {
        let mut v = RoundValues::empty(now());
        v.intake_oral_ml = Some(200);
        v.intake_iv_ml = Some(500);
        v.output_urine_ml = Some(300);
        assert_eq!(v.intake_ml(), 700);
        assert_eq!(v.output_ml(), 300);
    }
}
