//! Patients: who they are, where they lie, since when. The types and input
//! rules here are shared by server and browser; `service` is the only code
//! that touches the patients table.

pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::rules::{Checks, check_name};
use crate::error::{AppError, FieldError};
use crate::rules::frequency::{Frequency, frequency};
use crate::rules::{FUTURE_TOLERANCE_MINUTES, parse_time};
use crate::vocabulary::Vocabulary;
use crate::zones::Zone;

/// Sex as recorded at admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::Other => "Other",
            Sex::Unknown => "Unknown",
        }
    }
}

/// The monitoring interval's allowed range, in hours.
pub const INTERVAL_HOURS: std::ops::RangeInclusive<i32> = 1..=6;
const NAME_MAX: usize = 100;
const NUMBER_MAX: usize = 40;
const BED_MAX: usize = 20;

crate::text!(
    /// A date `YYYY-MM-DD`, or empty for none.
    DateText,
    schema = crate::wire::formatted_or_empty(utoipa::openapi::schema::KnownFormat::Date),
);

/// A patient as typed by people and programs: JSON sends numbers and
/// booleans, a form their text (empty is absent).
/// Fields not listed here are refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PatientInput {
    /// Up to 100 characters, no control characters.
    #[schema(
        value_type = String,
        required = true,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub first_name: String,
    /// Up to 100 characters, no control characters.
    #[schema(
        value_type = String,
        required = true,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub last_name: String,
    /// Up to 40 characters, no control characters.
    #[schema(
        value_type = String,
        required = true,
        max_length = 40,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub hospital_number: String,
    /// Up to 40 characters, no control characters.
    #[schema(max_length = 40, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub admission_number: Option<String>,
    /// `YYYY-MM-DD`, from 1900 to today.
    #[schema(value_type = Option<DateText>)]
    pub birth_date: Option<String>,
    /// `female`, `male`, `other` or `unknown`.
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    /// An existing ward the caller may use.
    #[serde(deserialize_with = "crate::wire::text")]
    #[schema(value_type = i32, required = true)]
    pub ward_id: Option<String>,
    /// Up to 20 characters, no control characters.
    #[schema(max_length = 20, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub bed: Option<String>,
    /// RFC 3339 or `YYYY-MM-DDTHH:MM` (the hospital's time), not in the
    /// future; empty means now.
    #[schema(value_type = Option<crate::rules::TimeText>)]
    pub admitted_at: Option<String>,
    /// Hours between rounds, 1–6.
    #[serde(deserialize_with = "crate::wire::text")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 6)]
    pub monitoring_interval_hours: Option<String>,
    /// `true` for SpO2 scale 2 (hypercapnic respiratory failure).
    #[serde(deserialize_with = "crate::wire::text")]
    #[schema(value_type = Option<bool>)]
    pub spo2_scale2: Option<String>,
    /// A hematocrit known from before the leakage (e.g. an earlier visit),
    /// 10–80 %; the plasma-leakage rule compares with it instead of the
    /// stay's first hematocrit.
    #[serde(deserialize_with = "crate::wire::text")]
    #[schema(value_type = Option<f64>, minimum = 10, maximum = 80)]
    pub baseline_hematocrit_percent: Option<String>,
}

/// A validated patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PatientValues {
    pub first_name: String,
    pub last_name: String,
    pub hospital_number: String,
    pub admission_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Sex,
    pub ward_id: i32,
    pub bed: Option<String>,
    pub admitted_at: DateTime<Utc>,
    pub monitoring_interval_hours: i32,
    pub spo2_scale2: bool,
    /// The hematocrit baseline a clinician entered, %.
    #[serde(default)]
    pub baseline_hematocrit_percent: Option<f64>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn bounded(field: &str, value: Option<&str>, max: usize, checks: &mut Checks) -> Option<String> {
    let text = value?;
    checks.add(check_name(field, text, max));
    Some(text.to_owned())
}

impl PatientInput {
    /// Validates the patient; every offending field is named with what is
    /// allowed.
    pub fn parse(&self, now: DateTime<Utc>, zone: &Zone) -> Result<PatientValues, AppError> {
        let mut checks = Checks::default();
        let first_name = self.first_name.trim().to_owned();
        let last_name = self.last_name.trim().to_owned();
        let hospital_number = self.hospital_number.trim().to_owned();
        checks
            .add(check_name("first_name", &first_name, NAME_MAX))
            .add(check_name("last_name", &last_name, NAME_MAX))
            .add(check_name("hospital_number", &hospital_number, NUMBER_MAX));
        let admission_number = bounded(
            "admission_number",
            present(&self.admission_number),
            NUMBER_MAX,
            &mut checks,
        );
        let bed = bounded("bed", present(&self.bed), BED_MAX, &mut checks);

        let birth_date =
            present(&self.birth_date).and_then(|text| {
                match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                    Ok(date) if date <= now.date_naive() && date.year_ce().1 >= 1900 => Some(date),
                    _ => {
                        checks.add(Err(FieldError::new(
                            "birth_date",
                            "must be a date YYYY-MM-DD between 1900 and today",
                        )));
                        None
                    }
                }
            });
        let sex = match present(&self.sex) {
            None => Sex::Unknown,
            Some(text) => Sex::parse(text).unwrap_or_else(|| {
                checks.add(Err(FieldError::new(
                    "sex",
                    "must be female, male, other or unknown",
                )));
                Sex::Unknown
            }),
        };
        let ward_id = match present(&self.ward_id).map(str::parse::<i32>) {
            Some(Ok(id)) => id,
            _ => {
                checks.add(Err(FieldError::new("ward_id", "choose the patient's ward")));
                0
            }
        };
        let admitted_at = match present(&self.admitted_at) {
            None => now,
            Some(text) => match parse_time(text, zone) {
                Some(t) if t <= now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) => t,
                Some(_) => {
                    checks.add(Err(FieldError::new(
                        "admitted_at",
                        "must not be in the future",
                    )));
                    now
                }
                None => {
                    checks.add(Err(FieldError::new(
                        "admitted_at",
                        "must be a date and time such as 2026-11-30T14:05 (the hospital's time)",
                    )));
                    now
                }
            },
        };
        let monitoring_interval_hours =
            match present(&self.monitoring_interval_hours).map(str::parse::<i32>) {
                None => 4,
                Some(Ok(h)) if INTERVAL_HOURS.contains(&h) => h,
                Some(_) => {
                    checks.add(Err(FieldError::new(
                        "monitoring_interval_hours",
                        "must be a whole number of hours from 1 to 6",
                    )));
                    4
                }
            };
        let spo2_scale2 = match present(&self.spo2_scale2) {
            None | Some("false" | "off" | "no") => false,
            Some("true" | "on" | "yes") => true,
            Some(_) => {
                checks.add(Err(FieldError::new("spo2_scale2", "must be true or false")));
                false
            }
        };
        let baseline_hematocrit_percent =
            present(&self.baseline_hematocrit_percent).and_then(|text| {
                let spec = crate::rules::fields::spec("hematocrit_percent");
                spec.parse(text)
                    .map_err(|mut e| {
                        e.field = "baseline_hematocrit_percent".into();
                        checks.add(Err(e));
                    })
                    .ok()
                    .flatten()
            });
        checks.finish()?;
        Ok(PatientValues {
            first_name,
            last_name,
            hospital_number,
            admission_number,
            birth_date,
            sex,
            ward_id,
            bed,
            admitted_at,
            monitoring_interval_hours,
            spo2_scale2,
            baseline_hematocrit_percent,
        })
    }
}

impl PatientValues {
    /// The values as they would be typed into the form again, times in `zone`.
    pub fn to_input(&self, zone: &Zone) -> PatientInput {
        PatientInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            hospital_number: self.hospital_number.clone(),
            admission_number: self.admission_number.clone(),
            birth_date: self.birth_date.map(|d| d.to_string()),
            sex: Some(self.sex.code().to_owned()),
            ward_id: Some(self.ward_id.to_string()),
            bed: self.bed.clone(),
            admitted_at: Some(
                zone.local(self.admitted_at)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
            ),
            monitoring_interval_hours: Some(self.monitoring_interval_hours.to_string()),
            spo2_scale2: Some(self.spo2_scale2.to_string()),
            baseline_hematocrit_percent: self.baseline_hematocrit_percent.map(|v| v.to_string()),
        }
    }
}

/// A stored patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Patient {
    pub id: i32,
    pub ward_name: String,
    pub discharged_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(flatten)]
    pub values: PatientValues,
    /// The phase and NEWS2 as assessed when its rounds last changed.
    #[serde(default)]
    pub status: StoredStatus,
    /// Alerts about the patient not yet acknowledged, oldest first.
    #[serde(default)]
    pub open_alerts: Vec<crate::notifications::OpenAlert>,
}

/// A patient's clinical state as stored with it, for lists and the
/// dashboard (the report recomputes it with every reason).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredStatus {
    pub phase: Option<crate::rules::phase::Phase>,
    pub phase_reason: Option<String>,
    pub phase_since: Option<DateTime<Utc>>,
    /// The phase was set by hand.
    pub manual: bool,
    pub news2_total: Option<u8>,
    pub news2_band: Option<crate::rules::news2::Band>,
    /// The newest value of each NEWS2 parameter.
    pub observations: crate::rules::news2::Observations,
    pub last_round_at: Option<DateTime<Utc>>,
    #[serde(default, flatten)]
    pub details: StatusDetails,
}

/// What the stored status keeps besides its columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatusDetails {
    /// NEWS2 parameters too old to count in the score.
    #[serde(default)]
    pub stale: Vec<crate::rules::course::StaleParameter>,
    /// Parameters without a value that counts.
    #[serde(default)]
    pub missing: Vec<String>,
    /// The dengue fluid and shock targets.
    #[serde(default)]
    pub fluids: crate::rules::course::Fluids,
    /// The NEWS2 total before the score last changed.
    #[serde(default)]
    pub previous_news2: Option<u8>,
}

impl StoredStatus {
    /// How often the patient is observed, with `set_hours` chosen on
    /// admission: the shortest of it, the score's and the phase's.
    pub fn frequency(&self, set_hours: i32) -> Frequency {
        let score = self.news2_total.zip(self.news2_band);
        frequency(set_hours, score, self.phase)
    }
}

impl Patient {
    /// How often the patient is observed, and why.
    pub fn frequency(&self) -> Frequency {
        self.status.frequency(self.values.monitoring_interval_hours)
    }

    /// When the next round is due: the last round (or the admission) plus
    /// the interval of the observation frequency.
    pub fn next_round_due(&self) -> DateTime<Utc> {
        self.status.last_round_at.unwrap_or(self.values.admitted_at) + self.frequency().interval()
    }

    /// Whether the patient needs a clinician's eye now: an open alert, in
    /// the critical phase, a NEWS2 band above low, or a round overdue.
    pub fn needs_attention(&self, now: DateTime<Utc>) -> bool {
        !self.attention(now).is_empty()
    }

    /// Why the patient needs attention now, most pressing first.
    pub fn attention(&self, now: DateTime<Utc>) -> Vec<String> {
        use crate::rules::news2::Band;
        let mut why = Vec::new();
        let escalated = self
            .open_alerts
            .iter()
            .filter(|a| a.escalated_at.is_some())
            .count();
        if escalated > 0 {
            why.push(format!(
                "{escalated} escalated alert{}",
                if escalated == 1 { "" } else { "s" }
            ));
        }
        if let (Some(total), Some(band)) = (self.status.news2_total, self.status.news2_band)
            && band > Band::Low
        {
            let trend = match self.status.details.previous_news2 {
                Some(before) if before < total => format!(" ↑ from {before}"),
                Some(before) if before > total => format!(" ↓ from {before}"),
                _ => String::new(),
            };
            why.push(format!("NEWS2 {total}{trend}: {}", band.label()));
        }
        if self.status.phase == Some(crate::rules::phase::Phase::Critical) {
            use crate::rules::phase::CRITICAL_HOURS;
            why.push(match self.status.phase_since {
                Some(since) => match (now - since).num_hours() + 1 {
                    hour @ ..=CRITICAL_HOURS => {
                        format!("Critical phase: hour {hour} of {CRITICAL_HOURS}")
                    }
                    hour => format!("Critical phase: hour {hour}"),
                },
                None => "Critical phase".to_owned(),
            });
        }
        if self.round_overdue(now) {
            why.push(format!(
                "Round overdue {}",
                crate::rules::lasting(now - self.next_round_due())
            ));
        }
        let open = self.open_alerts.len() - escalated;
        if open > 0 {
            why.push(format!(
                "{open} alert{} to acknowledge",
                if open == 1 { "" } else { "s" }
            ));
        }
        why
    }

    /// The priority of what the patient needs now: high for NEWS2 7+ or
    /// an escalated alert; medium for NEWS2 5–6, the critical phase or an
    /// open alert of medium priority; low–medium for a single 3 or a round
    /// overdue; information otherwise.
    pub fn priority(&self, now: DateTime<Utc>) -> crate::notifications::Priority {
        use crate::notifications::Priority;
        use crate::rules::news2::Band;
        let band = match self.status.news2_band {
            Some(Band::High) => Priority::High,
            Some(Band::Medium) => Priority::Medium,
            Some(Band::LowMedium) => Priority::LowMedium,
            _ => Priority::Information,
        };
        let alerts = self.open_alerts.iter().map(|a| {
            if a.escalated_at.is_some() {
                Priority::High
            } else {
                Priority::of(a.kind, None)
            }
        });
        let phase = if self.status.phase == Some(crate::rules::phase::Phase::Critical) {
            Priority::Medium
        } else {
            Priority::Information
        };
        let overdue = if self.round_overdue(now) {
            Priority::LowMedium
        } else {
            Priority::Information
        };
        alerts
            .chain([band, phase, overdue])
            .max()
            .unwrap_or(Priority::Information)
    }

    /// Orders patients by what needs a response soonest: an escalated
    /// alert, the NEWS2 band, the critical phase, an overdue round, an open
    /// alert, then the sooner due round. Smaller comes first.
    pub fn urgency(&self, now: DateTime<Utc>) -> impl Ord + use<> {
        use std::cmp::Reverse;
        (
            Reverse(self.open_alerts.iter().any(|a| a.escalated_at.is_some())),
            Reverse(self.status.news2_band),
            Reverse(self.status.phase == Some(crate::rules::phase::Phase::Critical)),
            Reverse(self.round_overdue(now)),
            Reverse(!self.open_alerts.is_empty()),
            self.next_round_due(),
        )
    }

    /// Whether an admitted patient's round is overdue.
    pub fn round_overdue(&self, now: DateTime<Utc>) -> bool {
        self.discharged_at.is_none() && now > self.next_round_due()
    }
    /// "Last, First".
    pub fn full_name(&self) -> String {
        format!("{}, {}", self.values.last_name, self.values.first_name)
    }

    /// Age in whole years at `on`, when the birth date is known.
    pub fn age_years(&self, on: NaiveDate) -> Option<i32> {
        let born = self.values.birth_date?;
        let mut years = on.year_ce().1 as i32 - born.year_ce().1 as i32;
        if (on.month(), on.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        Some(years)
    }
}

/// Which patients a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    #[default]
    Admitted,
    Discharged,
    All,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Admitted => "Admitted",
            Status::Discharged => "Discharged",
            Status::All => "All",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
    }

    fn input() -> PatientInput {
        PatientInput {
            first_name: " Katherine ".into(),
            last_name: "Johnson".into(),
            hospital_number: "H-1001".into(),
            birth_date: Some("1990-06-03".into()),
            sex: Some("female".into()),
            ward_id: Some("1".into()),
            admitted_at: Some("2026-11-28T08:00".into()),
            monitoring_interval_hours: Some("6".into()),
            ..Default::default()
        }
    }

    /// The patient of [`input`], admitted, with no round yet.
    fn admitted() -> Patient {
        Patient {
            id: 1,
            ward_name: "A".into(),
            discharged_at: None,
            created_at: now(),
            updated_at: now(),
            values: input().parse(now(), &Zone::default()).unwrap(),
            status: StoredStatus::default(),
            open_alerts: Vec::new(),
        }
    }

    #[test]
    fn a_good_patient_parses() {
        let v = input().parse(now(), &Zone::default()).unwrap();
        assert_eq!(v.first_name, "Katherine");
        assert_eq!(v.sex, Sex::Female);
        assert_eq!(v.monitoring_interval_hours, 6);
        assert!(!v.spo2_scale2);
        assert_eq!(
            v.to_input(&Zone::default())
                .parse(now(), &Zone::default())
                .unwrap(),
            v
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = PatientInput {
            first_name: String::new(),
            last_name: "x".repeat(101),
            hospital_number: "H-1".into(),
            birth_date: Some("2030-01-01".into()),
            sex: Some("robot".into()),
            ward_id: Some("first".into()),
            admitted_at: Some("2026-12-30T08:00".into()),
            monitoring_interval_hours: Some("7".into()),
            ..Default::default()
        };
        let Err(AppError::Invalid(errors)) = bad.parse(now(), &Zone::default()) else {
            panic!("invalid")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "last_name",
                "birth_date",
                "sex",
                "ward_id",
                "admitted_at",
                "monitoring_interval_hours"
            ]
        );
    }

    #[test]
    fn a_baseline_hematocrit_is_checked_like_the_rounds_one() {
        let with = |text: &str| PatientInput {
            baseline_hematocrit_percent: Some(text.into()),
            ..input()
        };
        let v = with("38,5").parse(now(), &Zone::default()).unwrap();
        assert_eq!(v.baseline_hematocrit_percent, Some(38.5));
        assert_eq!(
            with(" ")
                .parse(now(), &Zone::default())
                .unwrap()
                .baseline_hematocrit_percent,
            None
        );
        let Err(AppError::Invalid(errors)) = with("90").parse(now(), &Zone::default()) else {
            panic!("90 % is out of range")
        };
        assert_eq!(errors[0].field, "baseline_hematocrit_percent");
        assert!(
            errors[0].message.contains("10–80 %"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_card_says_why_the_patient_is_there() {
        use crate::rules::news2::Band;
        use crate::rules::phase::Phase;
        let mut patient = admitted();
        patient.status.last_round_at = Some(now());
        assert!(
            !patient.needs_attention(now()),
            "{:?}",
            patient.attention(now())
        );
        patient.status.news2_total = Some(7);
        patient.status.news2_band = Some(Band::High);
        patient.status.details.previous_news2 = Some(4);
        patient.status.phase = Some(Phase::Critical);
        patient.status.phase_since = Some(now() - chrono::Duration::minutes(19 * 60 + 10));
        patient.status.last_round_at = Some(now() - chrono::Duration::minutes(27));
        assert_eq!(
            patient.attention(now()),
            [
                "NEWS2 7 ↑ from 4: High: emergency response",
                "Critical phase: hour 20 of 48",
                "Round overdue 12 min",
            ],
            "NEWS2 7 asks for a round every 15 minutes"
        );
        patient.status.details.previous_news2 = Some(9);
        patient.status.phase_since = Some(now() - chrono::Duration::hours(50));
        let why = patient.attention(now());
        assert_eq!(why[0], "NEWS2 7 ↓ from 9: High: emergency response");
        assert_eq!(why[1], "Critical phase: hour 51");
        assert_eq!(
            patient.priority(now()),
            crate::notifications::Priority::High
        );
        patient.status.news2_band = Some(Band::Low);
        assert_eq!(
            patient.priority(now()),
            crate::notifications::Priority::Medium,
            "the critical phase"
        );
        patient.status.phase = Some(Phase::Recovery);
        patient.status.last_round_at = Some(now());
        assert_eq!(
            patient.priority(now()),
            crate::notifications::Priority::Information
        );
    }

    #[test]
    fn age_counts_birthdays() {
        let patient = admitted();
        assert_eq!(
            patient.age_years(NaiveDate::from_ymd_opt(2026, 6, 2).unwrap()),
            Some(35)
        );
        assert_eq!(
            patient.age_years(NaiveDate::from_ymd_opt(2026, 6, 3).unwrap()),
            Some(36)
        );
    }
}
