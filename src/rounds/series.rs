//! Time series of a patient's measurements for the charts, downsampled to
//! the width of a chart: a long stay is reduced to one point per time
//! bucket (its minimum, maximum and last value), so a patient with 100,000
//! rounds is drawn from as many points as one with a few dozen.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::rules::RoundValues;
use crate::rules::news2::{Observations, news2_total};
use crate::zones::Zone;

/// Points per chart unless asked otherwise (one per 6 units of a chart 720
/// wide), and the most allowed.
pub const DEFAULT_BUCKETS: usize = 120;
pub const MAX_BUCKETS: usize = 2000;

crate::text!(
    /// The code of a span, as typed: `day` or `course`.
    SpanName,
    enum_values = <Span as strum::IntoEnumIterator>::iter().map(crate::vocabulary::Vocabulary::code),
);

/// What a chart spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Span {
    /// The last 24 hours.
    #[default]
    Day,
    /// The whole stay.
    Course,
}

/// One drawn point: a single value, or a bucket's range and last value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub min: f64,
    pub max: f64,
    pub last: f64,
    /// How many values it stands for.
    pub count: u32,
}

/// A measurement over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Series {
    /// A field name (`temperature_c`, …) or `news2`.
    pub name: String,
    pub points: Vec<Point>,
}

/// Fluids in and out over one period (an 8-hour shift, or a day).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FluidPeriod {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub intake_ml: f64,
    pub output_ml: f64,
    /// Intake minus output from the start of the span to the period's end.
    pub balance_ml: f64,
}

/// The charts' data of one patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Charts {
    pub span: Span,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub series: Vec<Series>,
    /// Per 8-hour shift over a day, per day over the stay.
    #[serde(default)]
    pub fluids: Vec<FluidPeriod>,
    /// How many rounds fall in the span.
    pub rounds: usize,
    /// Whether SpO2 is scored on scale 2 for this patient.
    #[serde(default)]
    pub spo2_scale2: bool,
}

impl Charts {
    /// The series of a measurement (empty when none was recorded).
    pub fn of(&self, name: &str) -> &[Point] {
        self.series
            .iter()
            .find(|s| s.name == name)
            .map_or(&[], |s| &s.points)
    }
}

/// Reduces `values` (oldest first, within `from..=to`) to at most `buckets`
/// points: each value as it is when they fit, else per equal time bucket
/// the minimum, maximum and last value, placed at the last value's time.
pub fn downsample(
    values: &[(DateTime<Utc>, f64)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    buckets: usize,
) -> Vec<Point> {
    let single = |&(at, v): &(DateTime<Utc>, f64)| Point {
        at,
        min: v,
        max: v,
        last: v,
        count: 1,
    };
    let buckets = buckets.max(1);
    if values.len() <= buckets {
        return values.iter().map(single).collect();
    }
    let span_ms = (to - from).num_milliseconds().max(1) as f64;
    let mut points: Vec<(usize, Point)> = Vec::new();
    for &(at, v) in values {
        let offset = (at - from).num_milliseconds().max(0) as f64;
        let index = ((offset / span_ms) * buckets as f64)
            .floor()
            .min(buckets as f64 - 1.0) as usize;
        match points.last_mut() {
            Some((i, p)) if *i == index => {
                p.min = p.min.min(v);
                p.max = p.max.max(v);
                p.last = v;
                p.at = at;
                p.count += 1;
            }
            _ => points.push((index, single(&(at, v)))),
        }
    }
    points.into_iter().map(|(_, p)| p).collect()
}

const INTAKE: [&str; 3] = ["intake_oral_ml", "intake_iv_ml", "intake_other_ml"];
const OUTPUT: [&str; 4] = [
    "output_urine_ml",
    "output_emesis_ml",
    "output_drainage_ml",
    "output_other_ml",
];

/// What fluids are summed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FluidPeriods {
    /// The 8-hour shifts from 06:00, 14:00 and 22:00, as [`crate::rules::Shift`] has them.
    Shift,
    /// Days from midnight.
    Day,
}

/// Sums intake and output of `rounds` per shift or day of `zone` (the
/// hospital's wall clock), with the running balance; periods without
/// fluids are left out.
pub fn fluid_periods(
    rounds: &[RoundValues],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    every: FluidPeriods,
    zone: &Zone,
) -> Vec<FluidPeriod> {
    let (anchor, length) = match every {
        FluidPeriods::Shift => (6 * 3600, 8 * 3600),
        FluidPeriods::Day => (0, 24 * 3600),
    };
    // Periods are counted in wall-clock seconds of the zone.
    let instant =
        |wall: i64| DateTime::from_timestamp(wall, 0).map_or(from, |w| zone.instant(w.naive_utc()));
    let bounds = |t: DateTime<Utc>| {
        let wall = zone.local(t).and_utc().timestamp();
        let start = wall - (wall - anchor).rem_euclid(length);
        (instant(start), instant(start + length))
    };
    let sum = |r: &RoundValues, names: &[&str]| -> f64 {
        names.iter().filter_map(|n| r.numeric(n)).sum()
    };
    let mut periods: Vec<FluidPeriod> = Vec::new();
    for r in rounds
        .iter()
        .filter(|r| r.measured_at >= from && r.measured_at <= to)
    {
        let (intake, output) = (sum(r, &INTAKE), sum(r, &OUTPUT));
        if intake == 0.0 && output == 0.0 {
            continue;
        }
        let (start, end) = bounds(r.measured_at);
        match periods.iter_mut().find(|p| p.start == start) {
            Some(p) => {
                p.intake_ml += intake;
                p.output_ml += output;
            }
            None => periods.push(FluidPeriod {
                start,
                end,
                intake_ml: intake,
                output_ml: output,
                balance_ml: 0.0,
            }),
        }
    }
    periods.sort_by_key(|p| p.start);
    let mut balance = 0.0;
    for p in &mut periods {
        balance += p.intake_ml - p.output_ml;
        p.balance_ml = balance;
    }
    periods
}

/// The fields the charts draw.
pub const CHARTED: [&str; 8] = [
    "temperature_c",
    "pulse_per_min",
    "respiration_per_min",
    "systolic_mmhg",
    "diastolic_mmhg",
    "spo2_percent",
    "hematocrit_percent",
    "platelets_k_per_ul",
];

/// Every charted series of `rounds` (oldest first) and NEWS2 after each
/// round, from the newest value of each parameter up to then; fluids per
/// shift of `zone` over a day, per day of it over the stay.
pub fn charts(
    rounds: &[RoundValues],
    span: Span,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    buckets: usize,
    scale2: bool,
    zone: &Zone,
) -> Charts {
    let mut series: Vec<Series> = CHARTED
        .iter()
        .map(|name| {
            let values: Vec<(DateTime<Utc>, f64)> = rounds
                .iter()
                .filter_map(|r| r.numeric(name).map(|v| (r.measured_at, v)))
                .collect();
            Series {
                name: (*name).to_owned(),
                points: downsample(&values, from, to, buckets),
            }
        })
        .collect();
    let mut newest = Observations::default();
    let mut scores = Vec::with_capacity(rounds.len());
    for r in rounds {
        let this = Observations::newest(std::slice::from_ref(r));
        newest = Observations {
            respiration_per_min: this.respiration_per_min.or(newest.respiration_per_min),
            spo2_percent: this.spo2_percent.or(newest.spo2_percent),
            on_oxygen: this.on_oxygen.or(newest.on_oxygen),
            systolic_mmhg: this.systolic_mmhg.or(newest.systolic_mmhg),
            pulse_per_min: this.pulse_per_min.or(newest.pulse_per_min),
            consciousness: this.consciousness.or(newest.consciousness),
            temperature_c: this.temperature_c.or(newest.temperature_c),
        };
        if this != Observations::default() {
            scores.push((r.measured_at, f64::from(news2_total(&newest, scale2))));
        }
    }
    series.push(Series {
        name: "news2".to_owned(),
        points: downsample(&scores, from, to, buckets),
    });
    let every = match span {
        Span::Day => FluidPeriods::Shift,
        Span::Course => FluidPeriods::Day,
    };
    Charts {
        span,
        from,
        to,
        series,
        fluids: fluid_periods(rounds, from, to, every, zone),
        rounds: rounds.len(),
        spo2_scale2: scale2,
    }
}

/// The time range of a span for a stay.
pub fn range(
    span: Span,
    admitted_at: DateTime<Utc>,
    discharged_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let end = discharged_at.unwrap_or(now);
    match span {
        Span::Day => (end - Duration::hours(24), end),
        Span::Course => (admitted_at.min(end - Duration::hours(1)), end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn few_values_are_kept_as_they_are() {
        let values = vec![(at(0), 38.0), (at(60), 38.5)];
        let points = downsample(&values, at(0), at(120), 10);
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].last, 38.5);
        assert_eq!(points[1].count, 1);
    }

    #[test]
    fn many_values_become_one_point_per_bucket_keeping_extremes() {
        let values: Vec<_> = (0..100_000)
            .map(|i| {
                (
                    at(i),
                    if i == 50_123 {
                        41.0
                    } else {
                        37.0 + (i % 10) as f64 / 10.0
                    },
                )
            })
            .collect();
        let points = downsample(&values, at(0), at(100_000), 200);
        assert_eq!(points.len(), 200);
        assert_eq!(points.iter().map(|p| p.count).sum::<u32>(), 100_000);
        let peak = points.iter().map(|p| p.max).fold(f64::MIN, f64::max);
        assert_eq!(peak, 41.0, "a spike survives downsampling");
        assert!(
            points
                .iter()
                .all(|p| p.min >= 37.0 && p.min <= p.last && p.last <= p.max)
        );
        assert!(
            points.windows(2).all(|w| w[0].at < w[1].at),
            "in time order"
        );
    }

    #[test]
    fn values_outside_the_range_fall_in_its_edge_buckets() {
        let values = vec![(at(-5), 1.0), (at(10), 2.0), (at(200), 3.0)];
        let points = downsample(&values, at(0), at(100), 2);
        assert_eq!(points.len(), 2);
        assert_eq!((points[0].min, points[0].max), (1.0, 2.0));
        assert_eq!(points[1].last, 3.0);
    }

    #[test]
    fn news2_follows_the_newest_values() {
        let mut a = RoundValues::empty(at(0));
        a.respiration_per_min = Some(25);
        let mut b = RoundValues::empty(at(60));
        b.pulse_per_min = Some(135);
        let c = charts(
            &[a, b],
            Span::Course,
            (at(0), at(120)),
            100,
            false,
            &Zone::default(),
        );
        let scores: Vec<f64> = c.of("news2").iter().map(|p| p.last).collect();
        assert_eq!(
            scores,
            [3.0, 6.0],
            "the respiration's 3 still counts after the pulse's 3"
        );
        assert_eq!(c.of("respiration_per_min").len(), 1);
        assert!(c.of("hematocrit_percent").is_empty());
    }

    #[test]
    fn fluids_add_up_per_shift_with_a_running_balance() {
        let round = |minutes, oral, iv, urine| {
            let mut r = RoundValues::empty(at(minutes));
            r.intake_oral_ml = oral;
            r.intake_iv_ml = iv;
            r.output_urine_ml = urine;
            r
        };
        let rounds = vec![
            round(60, Some(200), Some(300), Some(100)),
            round(7 * 60, Some(100), None, Some(250)),
            round(9 * 60, None, None, None),
            round(17 * 60, None, Some(500), Some(400)),
        ];
        let utc = Zone::default();
        let shifts = fluid_periods(&rounds, at(0), at(24 * 60), FluidPeriods::Shift, &utc);
        let summary: Vec<_> = shifts
            .iter()
            .map(|s| (s.start, s.end, s.intake_ml, s.output_ml, s.balance_ml))
            .collect();
        assert_eq!(
            summary,
            [
                (at(-2 * 60), at(6 * 60), 500.0, 100.0, 400.0),
                (at(6 * 60), at(14 * 60), 100.0, 250.0, 250.0),
                (at(14 * 60), at(22 * 60), 500.0, 400.0, 350.0),
            ],
            "night, day and evening shifts with the running balance; the empty round is left out"
        );
        let days = fluid_periods(&rounds, at(0), at(24 * 60), FluidPeriods::Day, &utc);
        assert_eq!(days.len(), 1);
        assert_eq!((days[0].intake_ml, days[0].output_ml), (1100.0, 750.0));

        let plus_seven = Zone::fixed("+07", 7 * 3600);
        let local_days = fluid_periods(&rounds, at(0), at(24 * 60), FluidPeriods::Day, &plus_seven);
        let starts: Vec<_> = local_days.iter().map(|d| d.start).collect();
        assert_eq!(
            starts,
            [at(-7 * 60), at(17 * 60)],
            "days begin at midnight at +07, 17:00 UTC"
        );
    }

    #[test]
    fn a_day_ends_at_discharge() {
        let admitted = at(0);
        let discharged = at(3000);
        let (from, to) = range(Span::Day, admitted, Some(discharged), at(9000));
        assert_eq!(to, discharged);
        assert_eq!(from, discharged - Duration::hours(24));
        assert_eq!(
            range(Span::Course, admitted, None, at(9000)),
            (admitted, at(9000))
        );
    }
}
