//! Notifications: what the back end tells clinicians about their patients,
//! why, and to whom. The rules deciding which changes call for one are pure
//! functions here; `service` stores and pushes them.

#[cfg(feature = "ssr")]
pub mod answers;
pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::rules::WarningSign;
use crate::rules::news2::Band;
use crate::rules::phase::Phase;
use crate::vocabulary::Vocabulary;

/// What a notification is about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema
)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    RoundDue,
    CriticalPhase,
    WarningSign,
    News2Rose,
    Admitted,
    Discharged,
    /// An alert not acknowledged within its response time.
    Escalated,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::RoundDue => "Round due",
            Kind::CriticalPhase => "Entering the critical phase",
            Kind::WarningSign => "Warning sign recorded",
            Kind::News2Rose => "NEWS2 band rose",
            Kind::Admitted => "Patient admitted",
            Kind::Discharged => "Patient discharged",
            Kind::Escalated => "Alert escalated",
        }
    }

    /// When it is sent, as the settings page explains it.
    pub fn description(self) -> &'static str {
        match self {
            Kind::RoundDue => {
                "A patient's monitoring interval passed with no new round (clinicians and administrators)."
            }
            Kind::CriticalPhase => {
                "A patient enters dengue's critical phase: the fever broke, a warning sign, or hematocrit rising with low platelets."
            }
            Kind::WarningSign => "A round records one of the WHO warning signs.",
            Kind::News2Rose => "A patient's NEWS2 band rises to low–medium, medium or high.",
            Kind::Admitted => "A patient is admitted to one of your wards.",
            Kind::Discharged => "A patient of one of your wards is discharged.",
            Kind::Escalated => {
                "An alert about a patient of your ward was not acknowledged within its response time (clinicians and administrators)."
            }
        }
    }

    /// Reads a kind named by a request.
    pub fn from_field(field: &str, code: &str) -> Result<Kind, AppError> {
        Kind::parse(code)
            .ok_or_else(|| AppError::invalid(field, format!("must be one of {}", Kind::codes())))
    }

    /// Whether it is an alert: open until a clinician of the ward
    /// acknowledges it with a response.
    pub fn must_answer(self) -> bool {
        matches!(
            self,
            Kind::RoundDue | Kind::CriticalPhase | Kind::WarningSign | Kind::News2Rose
        )
    }

    /// Whether a clinician or administrator may turn it off: information
    /// may be muted, safety alerts are ward policy.
    pub fn can_mute(self) -> bool {
        matches!(self, Kind::Admitted | Kind::Discharged)
    }
}

/// How much a notification asks of who receives it, as alarm standards
/// rank it (IEC 60601-1-8): each looks different, and only alerts light
/// the bell's count.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema
)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Priority {
    /// An admission or a discharge: nothing to do.
    Information,
    /// A round overdue, a single NEWS2 parameter scoring 3: review soon.
    LowMedium,
    /// NEWS2 5–6, entering the critical phase, a warning sign: urgent.
    Medium,
    /// NEWS2 7 or more, an alert left unanswered: emergency.
    High,
}

impl Priority {
    /// The priority of a notification of `kind`, and for a NEWS2 alert of
    /// its `band`.
    pub fn of(kind: Kind, band: Option<Band>) -> Priority {
        match (kind, band) {
            (Kind::Escalated, _) | (Kind::News2Rose, Some(Band::High)) => Priority::High,
            (Kind::News2Rose, Some(Band::LowMedium)) | (Kind::RoundDue, _) => Priority::LowMedium,
            (Kind::News2Rose | Kind::CriticalPhase | Kind::WarningSign, _) => Priority::Medium,
            (Kind::Admitted | Kind::Discharged, _) => Priority::Information,
        }
    }

    /// Its name as shown beside the marker.
    pub fn label(self) -> &'static str {
        match self {
            Priority::High => "High priority",
            Priority::Medium => "Medium priority",
            Priority::LowMedium => "Low–medium priority",
            Priority::Information => "Information",
        }
    }

    /// The marker shown with it, so it reads without colour: three, two
    /// or one exclamation marks, or an `i`.
    pub fn marker(self) -> &'static str {
        match self {
            Priority::High => "!!!",
            Priority::Medium => "!!",
            Priority::LowMedium => "!",
            Priority::Information => "i",
        }
    }

    /// The CSS class that colours and shapes it.
    pub fn class(self) -> &'static str {
        match self {
            Priority::High => "priority-high",
            Priority::Medium => "priority-medium",
            Priority::LowMedium => "priority-low-medium",
            Priority::Information => "priority-information",
        }
    }
}

/// How long an alert may stay unacknowledged before it is escalated:
/// NEWS2 high 15 min, medium 30 min, low–medium 60 min; entering the
/// critical phase and a warning sign 60 min; a round overdue 30 min.
pub fn response_time(kind: Kind, band: Option<Band>) -> Option<chrono::Duration> {
    let minutes = match (kind, band) {
        (Kind::News2Rose, Some(Band::High)) => 15,
        (Kind::News2Rose, Some(Band::Medium)) => 30,
        (Kind::News2Rose, _) => 60,
        (Kind::CriticalPhase | Kind::WarningSign, _) => 60,
        (Kind::RoundDue, _) => 30,
        _ => return None,
    };
    Some(chrono::Duration::minutes(minutes))
}

/// How a clinician answered an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AlertResponse {
    ReviewedAtBedside,
    DoctorCalled,
    TreatmentChanged,
    /// Says what in the note.
    Other,
}

impl AlertResponse {
    pub fn label(self) -> &'static str {
        match self {
            AlertResponse::ReviewedAtBedside => "Reviewed at the bedside",
            AlertResponse::DoctorCalled => "Doctor called",
            AlertResponse::TreatmentChanged => "Treatment changed",
            AlertResponse::Other => "Other (say what in the note)",
        }
    }
}

crate::text!(
    /// How the alert was answered: `reviewed_at_bedside`, `doctor_called`,
    /// `treatment_changed` or `other` (with a note).
    ResponseName,
    enum_values = <AlertResponse as strum::IntoEnumIterator>::iter().map(crate::vocabulary::Vocabulary::code),
);

/// The longest note with an acknowledgement.
pub const ACK_NOTE_MAX: usize = 1000;

crate::text!(
    /// What was done, up to 1,000 characters; needed when the response is
    /// `other`.
    AlertNote,
    max_length = ACK_NOTE_MAX,
);

/// An alert about a patient not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OpenAlert {
    pub id: i64,
    pub kind: Kind,
    pub message: String,
    pub reason: String,
    pub raised_at: DateTime<Utc>,
    /// When it is escalated unless acknowledged.
    pub respond_by: DateTime<Utc>,
    pub escalated_at: Option<DateTime<Utc>>,
}

/// An acknowledgement as the history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Acknowledgement {
    pub alert: String,
    pub response: AlertResponse,
    pub note: Option<String>,
}

impl Acknowledgement {
    /// Checks the response and the note: `other` needs a note saying what.
    /// The alert's message is filled in once it is found.
    pub fn parse(response: &str, note: Option<&str>) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let response = AlertResponse::parse(response.trim());
        if response.is_none() {
            errors.push(crate::error::FieldError::new(
                "response",
                format!("must be one of {}", AlertResponse::codes()),
            ));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > ACK_NOTE_MAX) {
            errors.push(crate::error::FieldError::new(
                "note",
                format!("must be at most {ACK_NOTE_MAX} characters"),
            ));
        } else if response == Some(AlertResponse::Other) && note.is_none() {
            errors.push(crate::error::FieldError::new(
                "note",
                "say what was done when the response is other",
            ));
        }
        match response {
            Some(response) if errors.is_empty() => Ok(Acknowledgement {
                alert: String::new(),
                response,
                note: note.map(str::to_owned),
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }

    /// e.g. `Doctor called: Dr. Tran on her way`.
    pub fn summary(&self) -> String {
        match &self.note {
            Some(note) => format!("{}: {note}", self.response.label()),
            None => self.response.label().to_owned(),
        }
    }
}

/// One notification of one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: Kind,
    pub patient_id: Option<i32>,
    pub message: String,
    /// Why it was sent, e.g. the rule and the values.
    pub reason: String,
    pub priority: Priority,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of a user's notifications and how many are unread in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub total: u64,
    pub unread: u64,
    /// Of the unread, how many are alerts (any priority above information).
    pub unread_alerts: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A user's choice of which kinds to receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preference {
    pub kind: Kind,
    pub enabled: bool,
    /// Ward policy: safety alerts reach every clinician and administrator.
    #[serde(default)]
    pub locked: bool,
}

/// The clinical state a change is compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub phase: Option<Phase>,
    pub band: Option<Band>,
    pub total: Option<u8>,
}

/// A notification to send about a patient: kind, message, reason, and
/// for a NEWS2 alert the band, which sets its response time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: Kind,
    pub message: String,
    pub reason: String,
    pub band: Option<Band>,
}

/// The alerts a change of a patient's state calls for: entering the
/// critical phase, a NEWS2 band rising above low, and warning signs in the
/// round just recorded. `name` is the patient's name as shown.
pub fn alerts(
    name: &str,
    before: Snapshot,
    after: Snapshot,
    phase_reason: &str,
    news2_reasons: &[String],
    new_signs: &[WarningSign],
) -> Vec<Alert> {
    let mut found = Vec::new();
    if after.phase == Some(Phase::Critical) && before.phase != Some(Phase::Critical) {
        found.push(Alert {
            kind: Kind::CriticalPhase,
            message: format!("{name} is entering the critical phase"),
            reason: phase_reason.to_owned(),
            band: None,
        });
    }
    if let Some(band) = after.band
        && band > Band::Low
        && before.band.is_none_or(|b| band > b)
    {
        let reasons = if news2_reasons.is_empty() {
            String::new()
        } else {
            format!(": {}", news2_reasons.join("; "))
        };
        found.push(Alert {
            kind: Kind::News2Rose,
            message: format!(
                "{name}: NEWS2 {} — {}",
                after.total.unwrap_or_default(),
                band.label()
            ),
            reason: match before.band {
                Some(from) => format!("The band rose from {}{reasons}", from.short()),
                None => format!("First score{reasons}"),
            },
            band: Some(band),
        });
    }
    if !new_signs.is_empty() {
        let signs: Vec<&str> = new_signs.iter().map(|w| w.label()).collect();
        found.push(Alert {
            kind: Kind::WarningSign,
            message: format!("{name}: warning sign recorded"),
            reason: format!("Recorded: {}", signs.join(", ")),
            band: None,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::IntoEnumIterator;

    fn snap(phase: Phase, band: Band, total: u8) -> Snapshot {
        Snapshot {
            phase: Some(phase),
            band: Some(band),
            total: Some(total),
        }
    }

    #[test]
    fn entering_the_critical_phase_alerts_once() {
        let before = snap(Phase::Febrile, Band::Low, 2);
        let after = snap(Phase::Critical, Band::Low, 2);
        let found = alerts("Lee, Ann", before, after, "Fever broke", &[], &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::CriticalPhase);
        assert_eq!(found[0].reason, "Fever broke");
        assert!(alerts("Lee, Ann", after, after, "Fever broke", &[], &[]).is_empty());
    }

    #[test]
    fn only_a_rise_above_low_alerts() {
        let reasons = vec!["Pulse 135 /min ≥ 131 scores 3".to_owned()];
        let low = snap(Phase::Febrile, Band::Low, 3);
        let medium = snap(Phase::Febrile, Band::Medium, 5);
        let found = alerts("Lee, Ann", low, medium, "", &reasons, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::News2Rose);
        assert!(found[0].message.contains("NEWS2 5"), "{}", found[0].message);
        assert!(
            found[0].reason.contains("from low: Pulse 135"),
            "{}",
            found[0].reason
        );
        assert!(
            alerts("Lee, Ann", medium, low, "", &[], &[]).is_empty(),
            "falling"
        );
        assert!(
            alerts("Lee, Ann", medium, medium, "", &[], &[]).is_empty(),
            "same band"
        );
        let first = Snapshot::default();
        assert!(
            alerts("Lee, Ann", first, low, "", &[], &[]).is_empty(),
            "low is no alarm"
        );
        assert_eq!(alerts("Lee, Ann", first, medium, "", &[], &[]).len(), 1);
    }

    #[test]
    fn warning_signs_are_named() {
        let s = snap(Phase::Critical, Band::Low, 1);
        let found = alerts(
            "Lee, Ann",
            s,
            s,
            "",
            &[],
            &[WarningSign::MucosalBleeding, WarningSign::Lethargy],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].reason,
            "Recorded: Mucosal bleeding, Lethargy or restlessness"
        );
    }

    #[test]
    fn every_alert_has_its_response_time_and_information_has_none() {
        let minutes = |kind, band| response_time(kind, band).map(|d| d.num_minutes());
        let cases = [
            (Kind::News2Rose, Some(Band::High), Some(15)),
            (Kind::News2Rose, Some(Band::Medium), Some(30)),
            (Kind::News2Rose, Some(Band::LowMedium), Some(60)),
            (Kind::CriticalPhase, None, Some(60)),
            (Kind::WarningSign, None, Some(60)),
            (Kind::RoundDue, None, Some(30)),
            (Kind::Admitted, None, None),
            (Kind::Discharged, None, None),
            (Kind::Escalated, None, None),
        ];
        for (kind, band, expected) in cases {
            assert_eq!(minutes(kind, band), expected, "{kind:?} {band:?}");
            assert_eq!(kind.must_answer(), expected.is_some(), "{kind:?}");
        }
        let mutable: Vec<Kind> = Kind::iter().filter(|k| k.can_mute()).collect();
        assert_eq!(mutable, [Kind::Admitted, Kind::Discharged]);
    }

    #[test]
    fn an_acknowledgement_names_its_response_and_other_needs_a_note() {
        let ok = Acknowledgement::parse("doctor_called", Some(" Dr. Tran ")).unwrap();
        assert_eq!(ok.summary(), "Doctor called: Dr. Tran");
        let fields = |r: Result<Acknowledgement, AppError>| match r {
            Err(AppError::Invalid(errors)) => {
                errors.into_iter().map(|e| e.field).collect::<Vec<_>>()
            }
            other => panic!("invalid expected: {other:?}"),
        };
        assert_eq!(
            fields(Acknowledgement::parse("shrugged", None)),
            ["response"]
        );
        assert_eq!(
            fields(Acknowledgement::parse("other", Some("  "))),
            ["note"]
        );
        let long = "n".repeat(ACK_NOTE_MAX + 1);
        assert_eq!(
            fields(Acknowledgement::parse("reviewed_at_bedside", Some(&long))),
            ["note"]
        );
    }

    #[test]
    fn kinds_round_trip_and_refuse_unknown_codes() {
        for kind in Kind::iter() {
            assert_eq!(Kind::parse(kind.code()), Some(kind));
        }
        let err = Kind::from_field("kind", "gossip").unwrap_err().to_string();
        assert!(
            err.contains("kind: must be one of round_due, critical_phase"),
            "{err}"
        );
    }
}
