//! Notifications: what the back end tells clinicians about their patients,
//! why, and to whom. The rules deciding which changes call for one are pure
//! functions here; `service` stores and pushes them.

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
        }
    }

    /// Reads a kind named by a request.
    pub fn from_field(field: &str, code: &str) -> Result<Kind, AppError> {
        Kind::parse(code)
            .ok_or_else(|| AppError::invalid(field, format!("must be one of {}", Kind::codes())))
    }

    /// Whether it alarms (shown in red and announced assertively).
    pub fn urgent(self) -> bool {
        matches!(
            self,
            Kind::CriticalPhase | Kind::WarningSign | Kind::News2Rose
        )
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
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of a user's notifications and how many are unread in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub total: u64,
    pub unread: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A user's choice of which kinds to receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preference {
    pub kind: Kind,
    pub enabled: bool,
}

/// The clinical state a change is compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub phase: Option<Phase>,
    pub band: Option<Band>,
    pub total: Option<u8>,
}

/// A notification to send about a patient: kind, message, reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: Kind,
    pub message: String,
    pub reason: String,
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
        });
    }
    if !new_signs.is_empty() {
        let signs: Vec<&str> = new_signs.iter().map(|w| w.label()).collect();
        found.push(Alert {
            kind: Kind::WarningSign,
            message: format!("{name}: warning sign recorded"),
            reason: format!("Recorded: {}", signs.join(", ")),
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
