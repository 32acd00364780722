//! The dengue phase of a patient: febrile, critical (defervescence, a
//! warning sign, or plasma leakage), recovery, and its thresholds. The
//! course of the stay (`course`) assesses it; every result carries its
//! reason.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Fever threshold, °C.
pub const FEVER_C: f64 = 38.0;
/// A day whose peak is at most this has defervesced, °C.
pub const DEFERVESCED_C: f64 = 37.5;
/// How long the critical phase lasts after its last trigger.
pub const CRITICAL_HOURS: i64 = 48;
/// Hematocrit rise over the first value that signals plasma leakage.
pub const HEMATOCRIT_RISE: f64 = 0.20;
/// Platelets below this (×10³/µL) together with the rise.
pub const PLATELETS_LOW: f64 = 100.0;

crate::text!(
    /// The code of a phase, as typed: `febrile`, `critical`, `recovery` or
    /// `afebrile`.
    PhaseName,
    enum_values = <Phase as strum::IntoEnumIterator>::iter().map(crate::vocabulary::Vocabulary::code),
);

/// The phase of dengue illness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Phase {
    Febrile,
    Critical,
    Recovery,
    /// No fever in the last 24 hours and no sign of the critical phase.
    Afebrile,
}

impl Phase {
    /// The phase's name as a clinician reads it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Febrile => "Febrile",
            Phase::Critical => "Critical",
            Phase::Recovery => "Recovery",
            Phase::Afebrile => "Afebrile",
        }
    }

    /// The banner text, e.g. "Patient is in the critical phase".
    pub fn banner(self) -> &'static str {
        match self {
            Phase::Febrile => "Patient is in the febrile phase",
            Phase::Critical => "Patient is in the critical phase",
            Phase::Recovery => "Patient is in the recovery phase",
            Phase::Afebrile => "No fever and no sign of the critical phase",
        }
    }
}

/// A phase set by hand, which wins over the rules until cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ManualPhase {
    pub phase: Phase,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The phase with why, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    pub phase: Phase,
    pub reason: String,
    pub since: Option<DateTime<Utc>>,
    pub manual: bool,
}
