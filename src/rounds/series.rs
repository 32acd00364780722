//! Time series of a patient's measurements for the charts, reduced to the
//! width of a chart: the database sums a stay into one point per time
//! bucket (its minimum, maximum, mean and count), so a patient with 100,000
//! rounds is drawn from as many points as one with a few dozen.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// One drawn point: a single value, or the values of a time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Point {
    /// When the value, or the newest value of the bucket, was measured.
    pub at: DateTime<Utc>,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// How many values it stands for.
    pub count: u32,
}

impl Point {
    /// A single value.
    pub fn single(at: DateTime<Utc>, value: f64) -> Self {
        Point {
            at,
            min: value,
            max: value,
            mean: value,
            count: 1,
        }
    }
}

/// A measurement over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Series {
    /// A field name (`temperature_c`, …) or `news2`.
    pub name: String,
    pub points: Vec<Point>,
    /// The newest value in the span, as measured.
    #[serde(default)]
    pub newest: Option<Point>,
}

impl Series {
    /// A series of single values, oldest first.
    pub fn of_values(name: &str, values: &[(DateTime<Utc>, f64)]) -> Self {
        let points: Vec<Point> = values.iter().map(|&(at, v)| Point::single(at, v)).collect();
        Series {
            name: name.to_owned(),
            newest: points.last().copied(),
            points,
        }
    }
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
    pub fn of(&self, name: &str) -> Series {
        self.series
            .iter()
            .find(|s| s.name == name)
            .cloned()
            .unwrap_or_else(|| Series::of_values(name, &[]))
    }
}

/// The fields summed as fluid intake, and as output.
pub const INTAKE: [&str; 3] = ["intake_oral_ml", "intake_iv_ml", "intake_other_ml"];
pub const OUTPUT: [&str; 4] = [
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

impl FluidPeriods {
    /// What the fluids of a span are summed over: shifts over a day, days
    /// over the stay.
    pub fn of(span: Span) -> Self {
        match span {
            Span::Day => FluidPeriods::Shift,
            Span::Course => FluidPeriods::Day,
        }
    }
}

/// Fluid intake and output measured at a time (or summed over a stretch
/// that lies within one shift), mL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fluids {
    pub at: DateTime<Utc>,
    pub intake_ml: f64,
    pub output_ml: f64,
}

/// Sums `fluids` (oldest first) per shift or day of `zone` (the
/// hospital's wall clock), with the running balance; periods without
/// fluids are left out.
pub fn fluid_periods(fluids: &[Fluids], every: FluidPeriods, zone: &Zone) -> Vec<FluidPeriod> {
    let (anchor, length) = match every {
        FluidPeriods::Shift => (6 * 3600, 8 * 3600),
        FluidPeriods::Day => (0, 24 * 3600),
    };
    // Periods are counted in wall-clock seconds of the zone.
    let bounds = |t: DateTime<Utc>| {
        let wall = zone.local(t).and_utc().timestamp();
        let start = wall - (wall - anchor).rem_euclid(length);
        let instant = |wall: i64| {
            DateTime::from_timestamp(wall, 0).map_or(t, |w| zone.instant(w.naive_utc()))
        };
        (instant(start), instant(start + length))
    };
    let mut periods: Vec<FluidPeriod> = Vec::new();
    let mut balance = 0.0;
    for f in fluids {
        if f.intake_ml == 0.0 && f.output_ml == 0.0 {
            continue;
        }
        balance += f.intake_ml - f.output_ml;
        match periods.last_mut() {
            Some(p) if f.at < p.end => {
                p.intake_ml += f.intake_ml;
                p.output_ml += f.output_ml;
                p.balance_ml = balance;
            }
            _ => {
                let (start, end) = bounds(f.at);
                periods.push(FluidPeriod {
                    start,
                    end,
                    intake_ml: f.intake_ml,
                    output_ml: f.output_ml,
                    balance_ml: balance,
                });
            }
        }
    }
    periods
}

/// The fields the charts draw, with the NEWS2 after each round.
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
    fn fluids_add_up_per_shift_with_a_running_balance() {
        let round = |minutes, intake_ml, output_ml| Fluids {
            at: at(minutes),
            intake_ml,
            output_ml,
        };
        let rounds = vec![
            round(60, 500.0, 100.0),
            round(7 * 60, 100.0, 250.0),
            round(9 * 60, 0.0, 0.0),
            round(17 * 60, 500.0, 400.0),
        ];
        let utc = Zone::default();
        let shifts = fluid_periods(&rounds, FluidPeriods::Shift, &utc);
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
        let days = fluid_periods(&rounds, FluidPeriods::Day, &utc);
        assert_eq!(days.len(), 1);
        assert_eq!((days[0].intake_ml, days[0].output_ml), (1100.0, 750.0));

        let plus_seven = Zone::fixed("+07", 7 * 3600);
        let local_days = fluid_periods(&rounds, FluidPeriods::Day, &plus_seven);
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
