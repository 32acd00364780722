//! Charting rounds: one bedside observation set each, checked by the rules
//! of `crate::rules`; `service` is the only code that touches the rounds
//! table.

#[cfg(feature = "ssr")]
pub mod advice;
pub mod api;
#[cfg(feature = "ssr")]
pub mod buckets;
#[cfg(feature = "ssr")]
pub mod clinical;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod handover;
#[cfg(feature = "ssr")]
pub mod reminders;
pub mod series;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod source;
pub mod ui;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::rules::RoundValues;
use crate::zones::Zone;

/// The most rounds `rounds/record-batch` takes at once: one batch holds the
/// write lock and is pushed to every subscriber, so it stays short.
pub const MAX_BATCH_ROUNDS: usize = 500;

/// A stored round with who recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Round {
    pub id: i32,
    pub patient_id: i32,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(flatten)]
    pub values: RoundValues,
}

/// Medical advice on a patient, with who gave it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Advice {
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Written with a round (else given on its own, e.g. by a consultant).
    pub in_round: bool,
}

/// A clinical note of a round, with who wrote it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Note {
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One patient on a shift handover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HandoverPatient {
    pub patient: crate::patients::Patient,
    pub summary: crate::rules::course::ShiftSummary,
    /// The newest clinical note of the stay.
    pub last_note: Option<Note>,
    /// The newest medical advice of the stay.
    pub advice: Option<Advice>,
}

/// A ward's shift handover sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Handover {
    pub ward_id: i32,
    pub ward_name: String,
    /// The shift in progress, e.g. `Day shift 06:00–14:00`.
    pub shift: String,
    pub printed_at: DateTime<Utc>,
    pub printed_by: String,
    /// Sickest first.
    pub patients: Vec<HandoverPatient>,
}

/// The day of fever today: the newest day of fever recorded among `rounds`
/// (newest first), counted on by the calendar days of `zone` since.
pub fn fever_day(rounds: &[Round], now: DateTime<Utc>, zone: &Zone) -> Option<i64> {
    rounds.iter().find_map(|r| {
        let day = i64::from(r.values.day_of_fever?);
        let since = zone.local(now).date() - zone.local(r.values.measured_at).date();
        Some(day + since.num_days())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RoundInput;

    #[test]
    fn the_day_of_fever_counts_on_from_the_newest_recorded() {
        let now = "2026-11-30T08:00:00Z".parse().unwrap();
        let measured = |at: &str, day: Option<i32>| Round {
            id: 1,
            patient_id: 1,
            recorded_by: "Nurse".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            values: RoundValues {
                measured_at: at.parse().unwrap(),
                day_of_fever: day,
                ..RoundInput::default().parse(now, &Zone::default()).unwrap()
            },
        };
        let rounds = [
            measured("2026-11-29T20:00:00Z", None),
            measured("2026-11-28T23:30:00Z", Some(4)),
            measured("2026-11-27T10:00:00Z", Some(3)),
        ];
        assert_eq!(fever_day(&rounds, now, &Zone::default()), Some(6));
        let plus_seven = Zone::fixed("+07", 7 * 3600);
        assert_eq!(
            fever_day(&rounds, now, &plus_seven),
            Some(5),
            "23:30 UTC is already the next day at +07"
        );
        assert_eq!(fever_day(&rounds[..1], now, &Zone::default()), None);
    }
}
