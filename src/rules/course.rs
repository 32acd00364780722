//! The clinical course of a stay, kept as a small state folded round by
//! round: what the dengue phase and NEWS2 need (the recent days'
//! temperature peaks, the fever readings of the last day, the hematocrit
//! baseline and the previous hematocrit and platelets, the last trigger of
//! the critical phase, the newest value of each NEWS2 parameter). Folding
//! the rounds oldest first gives the same state as keeping it up to date
//! one round at a time, so reading the phase never scans the stay. Pure.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::news2::Observations;
use super::phase::{
    Assessment, CRITICAL_HOURS, DEFERVESCED_C, FEVER_C, HEMATOCRIT_RISE, ManualPhase,
    PLATELETS_LOW, Phase,
};
use super::{RoundValues, Shift};
use crate::zones::Zone;

/// How many hospital days of temperature peaks the defervescence rule
/// needs: the day itself and the two before.
const PEAK_DAYS: usize = 3;

/// Something that starts or prolongs the critical phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// What the rules keep of a stay's rounds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// When the newest round folded in was measured, and the first.
    pub newest_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub first_at: Option<DateTime<Utc>>,
    /// The newest value of each NEWS2 parameter.
    pub observations: Observations,
    /// The temperature peak of each of the last hospital days with a
    /// temperature, oldest first.
    pub peaks: Vec<(NaiveDate, f64)>,
    /// The hospital day whose break of fever already triggered.
    pub defervesced_on: Option<NaiveDate>,
    /// Temperatures of 38.0 °C or more in the 24 h before the newest round.
    pub fevers: Vec<(DateTime<Utc>, f64)>,
    /// The stay's first hematocrit, %.
    pub first_hematocrit: Option<f64>,
    /// The newest hematocrit, %, and platelets, ×10³/µL.
    pub hematocrit: Option<f64>,
    pub platelets: Option<f64>,
    /// The newest trigger of the critical phase, and when its episode began
    /// (no gap between its triggers as long as the window).
    pub last_trigger: Option<Trigger>,
    pub episode_since: Option<DateTime<Utc>>,
    /// When each NEWS2 parameter's newest value was measured.
    #[serde(default)]
    pub seen: Seen,
    /// Fluid intake and output since admission, mL.
    #[serde(default)]
    pub intake_ml: i64,
    #[serde(default)]
    pub output_ml: i64,
    /// Urine output of the rounds of the last 24 h before the newest round.
    #[serde(default)]
    pub urine: Vec<(DateTime<Utc>, i32)>,
    /// The newest weight, kg, and blood pressure (systolic, diastolic).
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub blood_pressure: Option<(i32, i32)>,
}

/// When each NEWS2 parameter was last measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    pub respiration: Option<DateTime<Utc>>,
    pub spo2: Option<DateTime<Utc>>,
    pub oxygen: Option<DateTime<Utc>>,
    pub systolic: Option<DateTime<Utc>>,
    pub pulse: Option<DateTime<Utc>>,
    pub consciousness: Option<DateTime<Utc>>,
    pub temperature: Option<DateTime<Utc>>,
}

impl Seen {
    fn update(&mut self, r: &RoundValues) {
        let at = Some(r.measured_at);
        let mark = |slot: &mut Option<DateTime<Utc>>, present: bool| {
            if present {
                *slot = at;
            }
        };
        mark(&mut self.respiration, r.respiration_per_min.is_some());
        mark(&mut self.spo2, r.spo2_percent.is_some());
        mark(&mut self.oxygen, r.on_oxygen.is_some());
        mark(&mut self.systolic, r.systolic_mmhg.is_some());
        mark(&mut self.pulse, r.pulse_per_min.is_some());
        mark(&mut self.consciousness, r.consciousness.is_some());
        mark(&mut self.temperature, r.temperature_c.is_some());
    }
}

/// A NEWS2 parameter too old to count, and since when it was not measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StaleParameter {
    pub parameter: String,
    pub since: DateTime<Utc>,
}

/// Urine output below this, mL/kg/h, is too little (WHO 2009).
pub const URINE_LOW_ML_KG_H: f64 = 0.5;
/// A pulse pressure of at most this, mmHg, is a sign of compensated shock.
pub const PULSE_PRESSURE_NARROW: i32 = 20;

/// The dengue fluid and shock targets at a time (WHO 2009).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fluids {
    /// The newest weight, kg; without it no rate per kg is given.
    pub weight_kg: Option<f64>,
    /// Urine output over the last complete nursing shift and the last
    /// 24 h (or the part of them since the first round), mL/kg/h; none
    /// without a weight or without output recorded in the period.
    pub urine_last_shift: Option<f64>,
    /// The shift that was, e.g. `Evening shift 14:00–22:00`.
    pub last_shift: String,
    pub urine_24h: Option<f64>,
    /// Intake minus output since admission, mL.
    pub balance_ml: i64,
    /// Hematocrit now against the baseline, %.
    pub hematocrit_change_percent: Option<f64>,
    /// Systolic minus diastolic of the newest blood pressure, mmHg.
    pub pulse_pressure_mmhg: Option<i32>,
}

impl Fluids {
    pub fn urine_low(rate: Option<f64>) -> bool {
        rate.is_some_and(|r| r < URINE_LOW_ML_KG_H)
    }

    pub fn pulse_pressure_narrow(&self) -> bool {
        self.pulse_pressure_mmhg
            .is_some_and(|p| p <= PULSE_PRESSURE_NARROW)
    }
}

impl Course {
    /// The course of `rounds` (oldest first) with the hematocrit baseline a
    /// clinician entered, if any.
    pub fn of<'a>(
        rounds: impl IntoIterator<Item = &'a RoundValues>,
        zone: &Zone,
        baseline: Option<f64>,
    ) -> Self {
        let mut course = Course::default();
        for round in rounds {
            course.add(round, zone, baseline);
        }
        course
    }

    /// Whether `round` can be added to this state; a round measured before
    /// the newest one needs the course folded again from the rounds.
    pub fn takes(&self, round: &RoundValues) -> bool {
        self.newest_at
            .is_none_or(|newest| round.measured_at >= newest)
    }

    /// NEWS2 after `round`, the one added last, from the newest value of
    /// each parameter, on SpO2 scale 1 and on scale 2; none when the round
    /// measured no NEWS2 parameter.
    pub fn scores_after(&self, round: &RoundValues) -> Option<[u8; 2]> {
        Observations::measured_in(round).then(|| {
            [false, true].map(|scale2| super::news2::news2_total(&self.observations, scale2))
        })
    }

    /// Adds the next round; `baseline` is the hematocrit a clinician
    /// entered on admission, which wins over the stay's first.
    pub fn add(&mut self, round: &RoundValues, zone: &Zone, baseline: Option<f64>) {
        let at = round.measured_at;
        self.newest_at = Some(self.newest_at.map_or(at, |n| n.max(at)));
        self.first_at = Some(self.first_at.map_or(at, |f| f.min(at)));
        self.observations.update(round);
        self.seen.update(round);
        self.intake_ml += i64::from(round.intake_ml());
        self.output_ml += i64::from(round.output_ml());
        if let Some(urine) = round.output_urine_ml {
            self.urine.push((at, urine));
        }
        let newest = self.newest_at.unwrap_or(at);
        self.urine
            .retain(|(when, _)| newest - *when <= Duration::hours(24));
        self.weight_kg = round.weight_kg.or(self.weight_kg);
        if let (Some(sys), Some(dia)) = (round.systolic_mmhg, round.diastolic_mmhg) {
            self.blood_pressure = Some((sys, dia));
        }
        if let Some(t) = round.temperature_c {
            self.add_temperature(at, t, zone);
        }
        if !round.warning_signs.is_empty() {
            let signs: Vec<&str> = round.warning_signs.iter().map(|w| w.label()).collect();
            self.trigger(at, format!("Warning sign recorded: {}", signs.join(", ")));
        }
        if round.hematocrit_percent.is_some() || round.platelets_k_per_ul.is_some() {
            self.add_blood_count(round, baseline);
        }
    }

    fn add_temperature(&mut self, at: DateTime<Utc>, t: f64, zone: &Zone) {
        let day = zone.local(at).date();
        match self.peaks.iter_mut().find(|(d, _)| *d == day) {
            Some((_, peak)) => *peak = peak.max(t),
            None => {
                self.peaks.push((day, t));
                self.peaks.sort_by_key(|(d, _)| *d);
            }
        }
        let keep_from = self.peaks.len().saturating_sub(PEAK_DAYS);
        self.peaks.drain(..keep_from);
        if t >= FEVER_C {
            self.fevers.push((at, t));
        }
        let newest = self.newest_at.unwrap_or(at);
        self.fevers
            .retain(|(when, _)| newest - *when <= Duration::hours(24));

        let peak = |n: i64| {
            let wanted = day - Duration::days(n);
            self.peaks.iter().find(|(d, _)| *d == wanted).map(|p| p.1)
        };
        if let (Some(today), Some(before), Some(two_before)) = (peak(0), peak(1), peak(2))
            && today <= DEFERVESCED_C
            && before >= FEVER_C
            && two_before >= FEVER_C
            && self.defervesced_on != Some(day)
        {
            self.defervesced_on = Some(day);
            self.trigger(
                at,
                format!(
                    "Fever broke: {today:.1} °C at most on {day} after peaks of {two_before:.1} and {before:.1} °C on the two days before"
                ),
            );
        }
    }

    /// WHO 2009: rising hematocrit concurrent with a rapid fall of
    /// platelets. Only a round whose trend is adverse triggers.
    fn add_blood_count(&mut self, round: &RoundValues, baseline: Option<f64>) {
        let previous_hct = self.hematocrit.or(baseline);
        let rising = matches!(
            (round.hematocrit_percent, previous_hct),
            (Some(now), Some(before)) if now > before
        );
        let falling = matches!(
            (round.platelets_k_per_ul, self.platelets),
            (Some(now), Some(before)) if now < before
        );
        self.first_hematocrit = self.first_hematocrit.or(round.hematocrit_percent);
        self.hematocrit = round.hematocrit_percent.or(self.hematocrit);
        self.platelets = round.platelets_k_per_ul.or(self.platelets);
        let Some(base) = baseline.or(self.first_hematocrit) else {
            return;
        };
        if let (true, Some(hct), Some(plt)) = (rising || falling, self.hematocrit, self.platelets)
            && hct >= base * (1.0 + HEMATOCRIT_RISE)
            && plt < PLATELETS_LOW
        {
            let trend = match (rising, falling) {
                (true, true) => "rising while platelets fall",
                (true, false) => "rising",
                _ => "high while platelets fall",
            };
            let which = if baseline.is_some() {
                "the baseline"
            } else {
                "the first value"
            };
            self.trigger(
                round.measured_at,
                format!(
                    "Hematocrit {hct:.1} % {trend}: {:.0} % above {which} {base:.1} %, platelets {plt:.0} ×10³/µL",
                    (hct / base - 1.0) * 100.0
                ),
            );
        }
    }

    fn trigger(&mut self, at: DateTime<Utc>, reason: String) {
        let window = Duration::hours(CRITICAL_HOURS);
        let continues = self
            .last_trigger
            .as_ref()
            .is_some_and(|last| at - last.at < window);
        if !continues {
            self.episode_since = Some(at);
        }
        if self.last_trigger.as_ref().is_none_or(|last| at >= last.at) {
            self.last_trigger = Some(Trigger { at, reason });
        }
    }

    /// The newest value of each NEWS2 parameter measured within `max_age`
    /// of `now`, and those older, which no longer count.
    pub fn current_observations(
        &self,
        now: DateTime<Utc>,
        max_age: Duration,
    ) -> (Observations, Vec<StaleParameter>) {
        let mut current = self.observations;
        let mut stale = Vec::new();
        let mut check =
            |name: &str, seen: Option<DateTime<Utc>>, clear: &mut dyn FnMut(&mut Observations)| {
                if let Some(at) = seen
                    && now - at > max_age
                {
                    clear(&mut current);
                    stale.push(StaleParameter {
                        parameter: name.to_owned(),
                        since: at,
                    });
                }
            };
        let s = self.seen;
        check("Respiration", s.respiration, &mut |o| {
            o.respiration_per_min = None
        });
        check("SpO2", s.spo2, &mut |o| o.spo2_percent = None);
        check("Oxygen", s.oxygen, &mut |o| o.on_oxygen = None);
        check("Systolic BP", s.systolic, &mut |o| o.systolic_mmhg = None);
        check("Pulse", s.pulse, &mut |o| o.pulse_per_min = None);
        check("Consciousness", s.consciousness, &mut |o| {
            o.consciousness = None
        });
        check("Temperature", s.temperature, &mut |o| {
            o.temperature_c = None
        });
        (current, stale)
    }

    /// The fluid and shock targets at `now`, days and shifts taken in
    /// `zone`; `baseline` is the hematocrit a clinician entered.
    pub fn fluids(&self, now: DateTime<Utc>, zone: &Zone, baseline: Option<f64>) -> Fluids {
        let (shift, from, to) = last_shift(now, zone);
        // mL/kg/h over the part of the period the stay's rounds cover; none
        // without a weight or without any urine output recorded in it.
        let rate = |from: DateTime<Utc>, to: DateTime<Utc>| -> Option<f64> {
            let from = self.first_at.map_or(from, |first| first.max(from));
            let found: Vec<i64> = self
                .urine
                .iter()
                .filter(|(at, _)| *at > from && *at <= to || *at == from)
                .map(|(_, ml)| i64::from(*ml))
                .collect();
            if found.is_empty() {
                return None;
            }
            let hours = ((to - from).num_minutes() as f64 / 60.0).max(1.0);
            // To the hundredth, as shown: the stored status then changes
            // only when what a screen shows does.
            self.weight_kg.map(|kg| {
                let rate = found.iter().sum::<i64>() as f64 / kg / hours;
                (rate * 100.0).round() / 100.0
            })
        };
        let base = baseline.or(self.first_hematocrit);
        Fluids {
            weight_kg: self.weight_kg,
            urine_last_shift: rate(from, to),
            last_shift: format!(
                "{} shift {}–{}",
                shift.label(),
                zone.local(from).format("%H:%M"),
                zone.local(to).format("%H:%M")
            ),
            urine_24h: rate(now - Duration::hours(24), now),
            balance_ml: self.intake_ml - self.output_ml,
            hematocrit_change_percent: base
                .zip(self.hematocrit)
                .map(|(base, now)| (now / base - 1.0) * 100.0),
            pulse_pressure_mmhg: self.blood_pressure.map(|(sys, dia)| sys - dia),
        }
    }

    /// The phase at `now`; a phase set by hand wins. Time alone ends the
    /// critical window and a day without fever.
    pub fn phase(&self, now: DateTime<Utc>, manual: Option<&ManualPhase>) -> Assessment {
        if let Some(m) = manual {
            return Assessment {
                phase: m.phase,
                reason: format!("Set by hand by {}: {}", m.by, m.reason),
                since: Some(m.at),
                manual: true,
            };
        }
        let window = Duration::hours(CRITICAL_HOURS);
        if let Some(last) = &self.last_trigger {
            if now - last.at < window {
                return Assessment {
                    phase: Phase::Critical,
                    reason: last.reason.clone(),
                    since: self.episode_since.or(Some(last.at)),
                    manual: false,
                };
            }
            return Assessment {
                phase: Phase::Recovery,
                reason: format!(
                    "No critical-phase sign for {CRITICAL_HOURS} h (last: {})",
                    last.reason
                ),
                since: Some(last.at + window),
                manual: false,
            };
        }
        let fever = self
            .fevers
            .iter()
            .filter(|(at, _)| *at <= now && now - *at <= Duration::hours(24))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match fever {
            Some((at, t)) => Assessment {
                phase: Phase::Febrile,
                reason: format!("Temperature {t:.1} °C within the last 24 h"),
                since: Some(*at),
                manual: false,
            },
            None => Assessment {
                phase: Phase::Afebrile,
                reason:
                    "No temperature of 38.0 °C or more in the last 24 h and no critical-phase sign"
                        .into(),
                since: None,
                manual: false,
            },
        }
    }
}

/// What a shift handover says of a patient's rounds: NEWS2 at the start
/// of the shift and after each of its rounds, and the fluid balance of the
/// shift and of the last 24 h.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShiftSummary {
    /// The shift in progress, e.g. `Day shift 06:00–14:00`.
    pub shift: String,
    pub shift_start: DateTime<Utc>,
    /// NEWS2 from the newest values before the shift started.
    pub news2_at_start: Option<u8>,
    /// NEWS2 after each round of the shift, oldest first.
    pub news2_in_shift: Vec<u8>,
    /// Intake minus output, mL.
    pub balance_shift_ml: i64,
    pub balance_24h_ml: i64,
}

/// The shift in progress at `now` in `zone`, with its label and start.
pub fn current_shift(now: DateTime<Utc>, zone: &Zone) -> (String, DateTime<Utc>) {
    let local = zone.local(now);
    let (_, _, last_end) = last_shift(now, zone);
    let shift = Shift::of(local);
    let end = last_end + Duration::hours(8);
    let clock = |t: DateTime<Utc>| zone.local(t).format("%H:%M").to_string();
    (
        format!("{} shift {}–{}", shift.label(), clock(last_end), clock(end)),
        last_end,
    )
}

/// The handover summary of `rounds` (oldest first, at least the last 24 h
/// of them) at `now`.
pub fn shift_summary(
    rounds: &[RoundValues],
    now: DateTime<Utc>,
    zone: &Zone,
    scale2: bool,
) -> ShiftSummary {
    let (shift, start) = current_shift(now, zone);
    let mut summary = ShiftSummary {
        shift,
        shift_start: start,
        ..ShiftSummary::default()
    };
    let mut newest = Observations::default();
    let day_ago = now - Duration::hours(24);
    for round in rounds.iter().filter(|r| r.measured_at <= now) {
        let before = newest;
        newest.update(round);
        let balance = i64::from(round.intake_ml() - round.output_ml());
        if round.measured_at > day_ago {
            summary.balance_24h_ml += balance;
        }
        if round.measured_at >= start {
            if summary.news2_in_shift.is_empty() && before != Observations::default() {
                summary.news2_at_start = Some(super::news2::news2_total(&before, scale2));
            }
            summary.balance_shift_ml += balance;
            summary
                .news2_in_shift
                .push(super::news2::news2_total(&newest, scale2));
        }
    }
    if summary.news2_in_shift.is_empty() && newest != Observations::default() {
        summary.news2_at_start = Some(super::news2::news2_total(&newest, scale2));
    }
    summary
}

/// The nursing shift that ended last before `now` in `zone`, with its
/// start and end.
fn last_shift(now: DateTime<Utc>, zone: &Zone) -> (Shift, DateTime<Utc>, DateTime<Utc>) {
    let local = zone.local(now);
    let at = |days: i64, hour: u32| {
        let day = local.date() + Duration::days(days);
        zone.instant(day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN)))
    };
    let (shift, from, to) = match Shift::of(local) {
        Shift::Day => (Shift::Night, at(-1, 22), at(0, 6)),
        Shift::Evening => (Shift::Day, at(0, 6), at(0, 14)),
        Shift::Night
            if local.time() >= NaiveTime::from_hms_opt(22, 0, 0).unwrap_or(NaiveTime::MIN) =>
        {
            (Shift::Evening, at(0, 14), at(0, 22))
        }
        Shift::Night => (Shift::Evening, at(-1, 14), at(-1, 22)),
    };
    (shift, from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::WarningSign;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn scores_after_a_round_count_the_newest_value_of_each_parameter() {
        let zone = Zone::default();
        let mut course = Course::default();
        let mut fast = RoundValues::empty(at(1, 8));
        fast.respiration_per_min = Some(25);
        course.add(&fast, &zone, None);
        assert_eq!(course.scores_after(&fast), Some([3, 3]));
        let mut low = RoundValues::empty(at(1, 9));
        low.spo2_percent = Some(90);
        low.on_oxygen = Some(false);
        course.add(&low, &zone, None);
        assert_eq!(
            course.scores_after(&low),
            Some([6, 3]),
            "SpO2 90 % on air scores 3 on scale 1, 0 on scale 2; the respiration's 3 still counts"
        );
        let mut fluids = RoundValues::empty(at(1, 10));
        fluids.intake_oral_ml = Some(200);
        course.add(&fluids, &zone, None);
        assert_eq!(
            course.scores_after(&fluids),
            None,
            "no NEWS2 parameter measured"
        );
    }

    fn temp(day: u32, hour: u32, t: f64) -> RoundValues {
        let mut r = RoundValues::empty(at(day, hour));
        r.temperature_c = Some(t);
        r
    }

    #[test]
    fn a_shift_summary_follows_the_score_and_the_fluids_of_the_shift() {
        let zone = Zone::default();
        let now = at(20, 12);
        let mut earlier = temp(20, 2, 37.0);
        earlier.respiration_per_min = Some(18);
        earlier.intake_oral_ml = Some(500);
        let mut first = temp(20, 7, 38.5);
        first.respiration_per_min = Some(22);
        first.output_urine_ml = Some(200);
        let mut second = temp(20, 11, 39.2);
        second.respiration_per_min = Some(25);
        second.intake_iv_ml = Some(300);
        let old = {
            let mut r = temp(19, 8, 37.0);
            r.intake_oral_ml = Some(1000);
            r
        };
        let summary = shift_summary(&[old, earlier, first, second], now, &zone, false);
        assert_eq!(summary.shift, "Day shift 06:00–14:00");
        assert_eq!(summary.shift_start, at(20, 6));
        assert_eq!(summary.news2_at_start, Some(0));
        assert_eq!(summary.news2_in_shift, vec![3, 5]);
        assert_eq!(summary.balance_shift_ml, 100);
        assert_eq!(
            summary.balance_24h_ml, 600,
            "the round of yesterday 08:00 is past 24 h"
        );
        let night = shift_summary(&[], at(20, 23), &zone, false);
        assert_eq!(night.shift, "Night shift 22:00–06:00");
        assert_eq!(night.news2_at_start, None);
    }

    fn blood(day: u32, hour: u32, hct: f64, plt: f64) -> RoundValues {
        let mut r = RoundValues::empty(at(day, hour));
        r.hematocrit_percent = Some(hct);
        r.platelets_k_per_ul = Some(plt);
        r
    }

    fn assess(rounds: &[RoundValues], now: DateTime<Utc>) -> Assessment {
        Course::of(rounds, &Zone::default(), None).phase(now, None)
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
    fn fever_in_the_last_day_is_febrile_and_time_alone_ends_it() {
        let rounds = febrile_days();
        let a = assess(&rounds, at(3, 12));
        assert_eq!(a.phase, Phase::Febrile);
        assert_eq!(
            a.reason, "Temperature 39.4 °C within the last 24 h",
            "the highest of the day"
        );
        let course = Course::of(&rounds, &Zone::default(), None);
        assert_eq!(
            course.phase(at(4, 8), None).phase,
            Phase::Febrile,
            "24 h after"
        );
        assert_eq!(
            course.phase(at(4, 9), None).phase,
            Phase::Afebrile,
            "more than 24 h after the last fever, with no round"
        );
    }

    #[test]
    fn defervescence_after_three_febrile_days_is_critical() {
        let mut rounds = febrile_days();
        rounds.extend([temp(4, 8, 37.2), temp(4, 14, 37.0)]);
        let a = assess(&rounds, at(4, 15));
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
        assert_ne!(
            assess(&rounds, at(5, 9)).phase,
            Phase::Critical,
            "day 4 peaked above 37.5 but below 38: no break yet"
        );
        let rounds = vec![temp(3, 8, 38.8), temp(4, 8, 37.0)];
        assert_eq!(
            assess(&rounds, at(4, 9)).phase,
            Phase::Afebrile,
            "one febrile day is not enough"
        );
    }

    #[test]
    fn days_are_the_hospitals_calendar_days() {
        // 23:30 UTC is 06:30 the next day at UTC+7.
        let zone = Zone::fixed("+07", 7 * 3600);
        let late = |day: u32, t: f64| {
            let mut r = RoundValues::empty(Utc.with_ymd_and_hms(2026, 11, day, 23, 30, 0).unwrap());
            r.temperature_c = Some(t);
            r
        };
        let rounds = [late(1, 39.0), late(2, 38.8), late(3, 37.0)];
        let course = Course::of(&rounds, &zone, None);
        assert_eq!(
            course
                .peaks
                .iter()
                .map(|p| p.0.to_string())
                .collect::<Vec<_>>(),
            ["2026-11-02", "2026-11-03", "2026-11-04"]
        );
        assert_eq!(course.phase(at(4, 0), None).phase, Phase::Critical);
    }

    #[test]
    fn critical_wins_over_a_new_fever_and_a_later_reading_does_not_undo_the_break() {
        let mut rounds = febrile_days();
        rounds.extend([temp(4, 8, 37.2), temp(4, 20, 38.4)]);
        let a = assess(&rounds, at(4, 21));
        assert_eq!(a.phase, Phase::Critical, "{}", a.reason);
        assert!(a.reason.starts_with("Fever broke"), "{}", a.reason);
    }

    #[test]
    fn a_warning_sign_is_critical_at_once() {
        let mut r = temp(3, 8, 38.8);
        r.warning_signs = vec![WarningSign::MucosalBleeding];
        let a = assess(&[r], at(3, 9));
        assert_eq!(a.phase, Phase::Critical);
        assert_eq!(a.reason, "Warning sign recorded: Mucosal bleeding");
    }

    #[test]
    fn plasma_leakage_needs_the_rise_low_platelets_and_an_adverse_trend() {
        // (rounds, phase at the end, why)
        let cases: [(Vec<RoundValues>, Phase, &str); 6] = [
            (
                vec![blood(1, 8, 40.0, 150.0), blood(3, 8, 47.9, 90.0)],
                Phase::Afebrile,
                "+19.75 % is not enough",
            ),
            (
                vec![blood(1, 8, 40.0, 150.0), blood(3, 8, 48.0, 90.0)],
                Phase::Critical,
                "+20 % rising, platelets falling below 100",
            ),
            (
                vec![blood(1, 8, 40.0, 150.0), blood(3, 8, 48.0, 100.0)],
                Phase::Afebrile,
                "platelets must be below 100",
            ),
            (
                vec![
                    blood(1, 8, 40.0, 150.0),
                    blood(2, 8, 49.0, 60.0),
                    blood(4, 9, 49.0, 60.0),
                ],
                Phase::Recovery,
                "a plateau 49 h after the trigger does not trigger again",
            ),
            (
                vec![
                    blood(1, 8, 40.0, 150.0),
                    blood(2, 8, 49.0, 60.0),
                    blood(4, 9, 48.5, 70.0),
                ],
                Phase::Recovery,
                "hematocrit easing and platelets recovering do not trigger",
            ),
            (
                vec![
                    blood(1, 8, 40.0, 150.0),
                    blood(2, 8, 49.0, 60.0),
                    blood(4, 9, 48.5, 55.0),
                ],
                Phase::Critical,
                "platelets falling again while hematocrit stays high",
            ),
        ];
        for (rounds, phase, why) in cases {
            let a = assess(&rounds, at(4, 10));
            assert_eq!(a.phase, phase, "{why}: {}", a.reason);
        }
    }

    #[test]
    fn a_clinicians_baseline_wins_over_the_first_hematocrit() {
        let rounds = [blood(1, 8, 46.0, 120.0), blood(2, 8, 47.0, 90.0)];
        assert_eq!(
            assess(&rounds, at(2, 9)).phase,
            Phase::Afebrile,
            "+2 % on the first value"
        );
        let a = Course::of(&rounds, &Zone::default(), Some(38.0)).phase(at(2, 9), None);
        assert_eq!(a.phase, Phase::Critical);
        assert!(
            a.reason.contains("above the baseline 38.0 %"),
            "{}",
            a.reason
        );
        let first = Course::of(&rounds[..1], &Zone::default(), Some(38.0));
        assert_eq!(
            first.phase(at(1, 9), None).phase,
            Phase::Afebrile,
            "platelets 120 are not low"
        );
    }

    #[test]
    fn the_window_ends_48_hours_after_the_last_trigger_with_no_round() {
        let mut r = temp(3, 8, 37.0);
        r.warning_signs = vec![WarningSign::Lethargy];
        let course = Course::of([&r], &Zone::default(), None);
        assert_eq!(course.phase(at(5, 7), None).phase, Phase::Critical, "47 h");
        let recovery = course.phase(at(5, 8), None);
        assert_eq!(recovery.phase, Phase::Recovery, "48 h");
        assert_eq!(recovery.since, Some(at(5, 8)));
    }

    #[test]
    fn a_new_trigger_prolongs_the_episode() {
        let mut a = temp(3, 8, 37.0);
        a.warning_signs = vec![WarningSign::Lethargy];
        let mut b = temp(4, 20, 37.0);
        b.warning_signs = vec![WarningSign::AbdominalPain];
        let result = assess(&[a, b], at(6, 8));
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
        let a = Course::of([&r], &Zone::default(), None).phase(at(3, 11), Some(&manual));
        assert_eq!(a.phase, Phase::Recovery);
        assert!(a.manual);
        assert_eq!(
            a.reason,
            "Set by hand by Dr. Tran: sign was charted in error"
        );
    }

    #[test]
    fn one_round_at_a_time_is_the_same_as_folding_them_all() {
        let mut rounds = febrile_days();
        rounds.extend([blood(3, 9, 40.0, 150.0), temp(4, 8, 37.2)]);
        rounds.push(blood(4, 9, 49.0, 80.0));
        let zone = Zone::default();
        let mut kept = Course::default();
        for r in &rounds {
            assert!(kept.takes(r));
            kept.add(r, &zone, None);
        }
        assert_eq!(kept, Course::of(&rounds, &zone, None));
        assert!(!kept.takes(&temp(4, 7, 37.0)), "a back-dated round");
    }

    #[test]
    fn a_parameter_older_than_its_age_no_longer_counts() {
        let mut r = temp(1, 6, 37.0);
        r.spo2_percent = Some(91);
        let mut later = temp(1, 12, 37.1);
        later.pulse_per_min = Some(80);
        let course = Course::of([&r, &later], &Zone::default(), None);
        let (current, stale) = course.current_observations(at(1, 13), Duration::hours(4));
        assert_eq!(current.spo2_percent, None, "7 h old");
        assert_eq!(current.temperature_c, Some(37.1));
        assert_eq!(
            stale,
            [StaleParameter {
                parameter: "SpO2".into(),
                since: at(1, 6)
            }]
        );
        let (current, stale) = course.current_observations(at(1, 13), Duration::hours(24));
        assert_eq!((current.spo2_percent, stale.len()), (Some(91), 0));
    }

    #[test]
    fn fluid_targets_per_kilogram_and_since_admission() {
        let round = |day: u32, hour: u32, urine: i32, intake: i32| {
            let mut r = RoundValues::empty(at(day, hour));
            r.output_urine_ml = Some(urine);
            r.intake_oral_ml = Some(intake);
            r
        };
        let mut weighed = round(1, 7, 100, 500);
        weighed.weight_kg = Some(50.0);
        weighed.systolic_mmhg = Some(100);
        weighed.diastolic_mmhg = Some(82);
        weighed.hematocrit_percent = Some(40.0);
        let mut later = round(1, 13, 100, 500);
        later.hematocrit_percent = Some(46.0);
        let rounds = [round(1, 1, 50, 0), weighed, round(1, 10, 100, 0), later];
        let course = Course::of(&rounds, &Zone::default(), None);
        let f = course.fluids(at(1, 15), &Zone::default(), None);
        assert_eq!(f.last_shift, "Day shift 06:00–14:00");
        assert_eq!(f.urine_last_shift, Some(300.0 / 50.0 / 8.0), "0.75 mL/kg/h");
        assert_eq!(
            f.urine_24h,
            Some(350.0 / 50.0 / 14.0),
            "over the 14 h since the first round"
        );
        assert!(!Fluids::urine_low(f.urine_24h), "0.5 mL/kg/h is enough");
        assert!(Fluids::urine_low(Some(0.49)));
        let next_day = course.fluids(at(2, 12), &Zone::default(), None);
        assert_eq!(
            next_day.urine_24h,
            Some(0.08),
            "only the 13:00 round is within 24 h: 100 mL / 50 kg / 24 h, to the hundredth"
        );
        assert_eq!(
            next_day.urine_last_shift, None,
            "nothing recorded in the night shift"
        );
        assert_eq!(f.balance_ml, 1000 - 350);
        assert_eq!(f.hematocrit_change_percent.map(f64::round), Some(15.0));
        assert_eq!(f.pulse_pressure_mmhg, Some(18));
        assert!(f.pulse_pressure_narrow());
        let unweighed = Course::of(&rounds[..1], &Zone::default(), None);
        assert_eq!(
            unweighed
                .fluids(at(1, 15), &Zone::default(), None)
                .urine_24h,
            None
        );
        let night = course.fluids(at(1, 23), &Zone::default(), None);
        assert_eq!(night.last_shift, "Evening shift 14:00–22:00");
        let morning = course.fluids(at(2, 7), &Zone::default(), None);
        assert_eq!(morning.last_shift, "Night shift 22:00–06:00");
    }
}
