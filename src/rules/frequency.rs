//! How often a patient is observed (RCP NEWS2 2017 chart 2; WHO 2009
//! dengue monitoring): the shortest of the interval set for the patient,
//! the one the NEWS2 score calls for and the one of the critical phase,
//! with why. Pure.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::news2::Band;
use super::phase::Phase;

/// How often to observe a patient, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Frequency {
    /// Minutes from one round to the next.
    pub minutes: i64,
    /// e.g. `hourly: NEWS2 5, urgent response`.
    pub reason: String,
}

impl Frequency {
    pub fn interval(&self) -> Duration {
        Duration::minutes(self.minutes)
    }
}

/// How often, in words: `every 15 min`, `hourly`, `every 4 h`.
pub fn every(minutes: i64) -> String {
    match minutes {
        60 => "hourly".to_owned(),
        m if m % 60 == 0 => format!("every {} h", m / 60),
        m => format!("every {m} min"),
    }
}

/// The patient's frequency: `set_hours` chosen on admission, the NEWS2
/// `score` (total and band) of the newest round, if scored, and the phase.
/// Of equal intervals, the score's reason is given first, then the
/// phase's, then the set interval.
pub fn frequency(set_hours: i32, score: Option<(u8, Band)>, phase: Option<Phase>) -> Frequency {
    let by_score = score.map(|(total, band)| match (total, band) {
        (7.., _) => (
            15,
            format!("NEWS2 {total}, emergency response — continuous monitoring"),
        ),
        (5..=6, _) => (60, format!("NEWS2 {total}, urgent response")),
        (_, Band::LowMedium) => (
            60,
            format!("NEWS2 {total} with a single parameter scoring 3, urgent ward review"),
        ),
        (0, _) => (12 * 60, "NEWS2 0".to_owned()),
        _ => (4 * 60, format!("NEWS2 {total}, low")),
    });
    let by_phase =
        (phase == Some(Phase::Critical)).then(|| (60, "critical dengue phase".to_owned()));
    let set = (
        i64::from(set_hours.max(1)) * 60,
        "the interval set for this patient".to_owned(),
    );
    let (minutes, why) = [by_score, by_phase, Some(set)]
        .into_iter()
        .flatten()
        .min_by_key(|(minutes, _)| *minutes)
        .expect("the set interval is always there");
    Frequency {
        minutes,
        reason: format!("{}: {why}", every(minutes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set hours, score, phase, and the frequency's reason.
    type Case = (i32, Option<(u8, Band)>, Option<Phase>, &'static str);

    #[test]
    fn the_shortest_interval_wins_with_its_reason() {
        let cases: [Case; 12] = [
            (
                4,
                None,
                None,
                "every 4 h: the interval set for this patient",
            ),
            (24, Some((0, Band::Low)), None, "every 12 h: NEWS2 0"),
            (
                6,
                Some((0, Band::Low)),
                None,
                "every 6 h: the interval set for this patient",
            ),
            (6, Some((2, Band::Low)), None, "every 4 h: NEWS2 2, low"),
            (
                2,
                Some((4, Band::Low)),
                None,
                "every 2 h: the interval set for this patient",
            ),
            (
                4,
                Some((3, Band::LowMedium)),
                None,
                "hourly: NEWS2 3 with a single parameter scoring 3, urgent ward review",
            ),
            (
                4,
                Some((5, Band::Medium)),
                None,
                "hourly: NEWS2 5, urgent response",
            ),
            (
                4,
                Some((6, Band::Medium)),
                None,
                "hourly: NEWS2 6, urgent response",
            ),
            (
                1,
                Some((7, Band::High)),
                Some(Phase::Critical),
                "every 15 min: NEWS2 7, emergency response — continuous monitoring",
            ),
            (
                4,
                Some((1, Band::Low)),
                Some(Phase::Critical),
                "hourly: critical dengue phase",
            ),
            (
                1,
                None,
                Some(Phase::Critical),
                "hourly: critical dengue phase",
            ),
            (
                6,
                Some((1, Band::Low)),
                Some(Phase::Recovery),
                "every 4 h: NEWS2 1, low",
            ),
        ];
        for (set, score, phase, reason) in cases {
            assert_eq!(
                frequency(set, score, phase).reason,
                reason,
                "{set} h {score:?} {phase:?}"
            );
        }
        assert_eq!(frequency(4, Some((7, Band::High)), None).minutes, 15);
        assert_eq!(frequency(6, Some((0, Band::Low)), None).minutes, 360);
    }
}
