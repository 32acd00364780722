//! The dengue phase of a patient from its rounds: febrile, critical
//! (defervescence, a warning sign, or hematocrit rising while platelets
//! fall), recovery. Pure functions; every result carries its reason.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::RoundValues;

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

/// Something that starts or prolongs the critical phase.
#[derive(Debug, Clone, PartialEq)]
struct Trigger {
    at: DateTime<Utc>,
    reason: String,
}

fn warning_sign_triggers(rounds: &[&RoundValues]) -> Vec<Trigger> {
    rounds
        .iter()
        .filter(|r| !r.warning_signs.is_empty())
        .map(|r| Trigger {
            at: r.measured_at,
            reason: format!(
                "Warning sign recorded: {}",
                r.warning_signs
                    .iter()
                    .map(|w| w.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect()
}

fn leakage_triggers(rounds: &[&RoundValues]) -> Vec<Trigger> {
    let Some(first) = rounds.iter().find_map(|r| r.hematocrit_percent) else {
        return Vec::new();
    };
    let mut platelets = None;
    let mut hematocrit = None;
    let mut found = Vec::new();
    for r in rounds {
        platelets = r.platelets_k_per_ul.or(platelets);
        hematocrit = r.hematocrit_percent.or(hematocrit);
        if r.hematocrit_percent.is_none() && r.platelets_k_per_ul.is_none() {
            continue;
        }
        if let (Some(hct), Some(plt)) = (hematocrit, platelets)
            && hct >= first * (1.0 + HEMATOCRIT_RISE)
            && plt < PLATELETS_LOW
        {
            found.push(Trigger {
                at: r.measured_at,
                reason: format!(
                    "Hematocrit {hct:.1} % is {:.0} % above the first value {first:.1} % while platelets are {plt:.0} ×10³/µL",
                    (hct / first - 1.0) * 100.0
                ),
            });
        }
    }
    found
}

fn defervescence_triggers(rounds: &[&RoundValues]) -> Vec<Trigger> {
    let mut peaks: BTreeMap<NaiveDate, (f64, DateTime<Utc>)> = BTreeMap::new();
    for r in rounds {
        let Some(t) = r.temperature_c else { continue };
        let day = r.measured_at.date_naive();
        let entry = peaks.entry(day).or_insert((t, r.measured_at));
        entry.0 = entry.0.max(t);
    }
    peaks
        .iter()
        .filter(|(_, (peak, _))| *peak <= DEFERVESCED_C)
        .filter_map(|(day, (peak, first_at))| {
            let previous = |n: i64| peaks.get(&(*day - Duration::days(n))).map(|p| p.0);
            match (previous(1), previous(2)) {
                (Some(a), Some(b)) if a >= FEVER_C && b >= FEVER_C => Some(Trigger {
                    at: *first_at,
                    reason: format!(
                        "Fever broke: {peak:.1} °C at most on {day} after peaks of {b:.1} and {a:.1} °C on the two days before"
                    ),
                }),
                _ => None,
            }
        })
        .collect()
}

/// The phase at `now` from the patient's rounds (any order); a manual
/// phase wins.
pub fn assess(
    rounds: &[RoundValues],
    now: DateTime<Utc>,
    manual: Option<&ManualPhase>,
) -> Assessment {
    if let Some(m) = manual {
        return Assessment {
            phase: m.phase,
            reason: format!("Set by hand by {}: {}", m.by, m.reason),
            since: Some(m.at),
            manual: true,
        };
    }
    let mut ordered: Vec<&RoundValues> = rounds.iter().filter(|r| r.measured_at <= now).collect();
    ordered.sort_by_key(|r| r.measured_at);

    let mut triggers = warning_sign_triggers(&ordered);
    triggers.extend(leakage_triggers(&ordered));
    triggers.extend(defervescence_triggers(&ordered));
    triggers.sort_by_key(|t| t.at);
    let window = Duration::hours(CRITICAL_HOURS);

    if let Some(last) = triggers.last() {
        if now - last.at < window {
            // The episode began where no gap between triggers exceeds the window.
            let mut since = last.at;
            for pair in triggers.windows(2).rev() {
                if pair[1].at - pair[0].at < window {
                    since = pair[0].at;
                } else {
                    break;
                }
            }
            return Assessment {
                phase: Phase::Critical,
                reason: last.reason.clone(),
                since: Some(since),
                manual: false,
            };
        }
        let ended = last.at + window;
        return Assessment {
            phase: Phase::Recovery,
            reason: format!(
                "No critical-phase sign for {CRITICAL_HOURS} h (last: {})",
                last.reason
            ),
            since: Some(ended),
            manual: false,
        };
    }

    let fever = ordered
        .iter()
        .rev()
        .take_while(|r| now - r.measured_at <= Duration::hours(24))
        .filter_map(|r| r.temperature_c.map(|t| (t, r.measured_at)))
        .filter(|(t, _)| *t >= FEVER_C)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match fever {
        Some((t, at)) => Assessment {
            phase: Phase::Febrile,
            reason: format!("Temperature {t:.1} °C within the last 24 h"),
            since: Some(at),
            manual: false,
        },
        None => Assessment {
            phase: Phase::Afebrile,
            reason: "No temperature of 38.0 °C or more in the last 24 h and no critical-phase sign"
                .into(),
            since: None,
            manual: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::WarningSign;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn temp(day: u32, hour: u32, t: f64) -> RoundValues {
        let mut r = RoundValues::empty(at(day, hour));
        r.temperature_c = Some(t);
        r
    }

    fn febrile_days() -> Vec<RoundValues> {
        vec![
            temp(1, 8, 38.6),
            temp(1, 20, 39.2),
            temp(2, 8, 38.9),
            temp(2, 20, 39.4),
            temp(3, 8, 38.4),
        ]
    }

    #[test]
    fn fever_in_the_last_day_is_febrile() {
        let a = assess(&febrile_days(), at(3, 12), None);
        assert_eq!(a.phase, Phase::Febrile);
        assert_eq!(
            a.reason, "Temperature 39.4 °C within the last 24 h",
            "the highest of the day"
        );
    }

    #[test]
    fn defervescence_after_three_febrile_days_is_critical() {
        let mut rounds = febrile_days();
        rounds.extend([temp(4, 8, 37.2), temp(4, 14, 37.0)]);
        let a = assess(&rounds, at(4, 15), None);
        assert_eq!(a.phase, Phase::Critical);
        assert!(a.reason.starts_with("Fever broke"), "{}", a.reason);
        assert_eq!(a.since, Some(at(4, 8)));
    }

    #[test]
    fn defervescence_needs_two_febrile_days_before() {
        let rounds = vec![
            temp(2, 8, 39.0),
            temp(3, 8, 38.8),
            temp(4, 8, 37.8),
            temp(5, 8, 37.0),
        ];
        let a = assess(&rounds, at(5, 9), None);
        assert_ne!(
            a.phase,
            Phase::Critical,
            "day 4 peaked above 37.5 but below 38: no break yet"
        );
        let rounds = vec![temp(3, 8, 38.8), temp(4, 8, 37.0)];
        assert_eq!(
            assess(&rounds, at(4, 9), None).phase,
            Phase::Afebrile,
            "one febrile day is not enough"
        );
    }

    #[test]
    fn a_warning_sign_is_critical_at_once() {
        let mut r = temp(3, 8, 38.8);
        r.warning_signs = vec![WarningSign::MucosalBleeding];
        let a = assess(&[r], at(3, 9), None);
        assert_eq!(a.phase, Phase::Critical);
        assert_eq!(a.reason, "Warning sign recorded: Mucosal bleeding");
    }

    #[test]
    fn hematocrit_rise_with_low_platelets_is_critical() {
        let mut first = RoundValues::empty(at(1, 8));
        first.hematocrit_percent = Some(40.0);
        first.platelets_k_per_ul = Some(150.0);
        let mut rising = RoundValues::empty(at(3, 8));
        rising.hematocrit_percent = Some(47.9);
        rising.platelets_k_per_ul = Some(90.0);
        assert_eq!(
            assess(&[first.clone(), rising.clone()], at(3, 9), None).phase,
            Phase::Afebrile,
            "+19.75 % is not enough"
        );
        rising.hematocrit_percent = Some(48.0);
        let a = assess(&[first.clone(), rising.clone()], at(3, 9), None);
        assert_eq!(a.phase, Phase::Critical);
        assert!(
            a.reason.contains("20 % above the first value 40.0 %"),
            "{}",
            a.reason
        );
        rising.platelets_k_per_ul = Some(100.0);
        assert_ne!(
            assess(&[first, rising], at(3, 9), None).phase,
            Phase::Critical,
            "platelets must be below 100"
        );
    }

    #[test]
    fn recovery_after_48_hours_without_a_trigger() {
        let mut r = temp(3, 8, 37.0);
        r.warning_signs = vec![WarningSign::Lethargy];
        let critical = assess(std::slice::from_ref(&r), at(5, 7), None);
        assert_eq!(critical.phase, Phase::Critical, "47 h later");
        let recovery = assess(&[r, temp(5, 7, 36.8)], at(5, 8), None);
        assert_eq!(recovery.phase, Phase::Recovery, "48 h later");
        assert_eq!(recovery.since, Some(at(5, 8)));
    }

    #[test]
    fn a_new_trigger_prolongs_the_critical_phase() {
        let mut a = temp(3, 8, 37.0);
        a.warning_signs = vec![WarningSign::Lethargy];
        let mut b = temp(4, 20, 37.0);
        b.warning_signs = vec![WarningSign::AbdominalPain];
        let result = assess(&[a, b], at(6, 8), None);
        assert_eq!(result.phase, Phase::Critical);
        assert_eq!(
            result.since,
            Some(at(3, 8)),
            "one episode since the first trigger"
        );
    }

    #[test]
    fn a_manual_phase_wins() {
        let mut r = temp(3, 8, 37.0);
        r.warning_signs = vec![WarningSign::Lethargy];
        let manual = ManualPhase {
            phase: Phase::Recovery,
            reason: "sign was charted in error".into(),
            by: "Dr. Tran".into(),
            at: at(3, 10),
        };
        let a = assess(&[r], at(3, 11), Some(&manual));
        assert_eq!(a.phase, Phase::Recovery);
        assert!(a.manual);
        assert_eq!(
            a.reason,
            "Set by hand by Dr. Tran: sign was charted in error"
        );
    }

    #[test]
    fn future_rounds_are_ignored() {
        let a = assess(&[temp(9, 8, 39.5)], at(8, 8), None);
        assert_eq!(a.phase, Phase::Afebrile);
    }
}
