//! Our own SVG charts as small multiples, the way ICU flowsheets draw
//! them: one measurement per strip, each with its own value scale and
//! shaded ranges, all strips on one shared time axis in the hospital's
//! time. Horizontal positions are fractions of the width, so a strip is
//! drawn for the width it is given (labels keep their size on a phone)
//! rather than scaled down. A tooltip with the exact value and time shows
//! on hover, on tap and on keyboard focus (plain CSS, so it works without
//! JavaScript). Server-rendered, so the charts are there before the page
//! hydrates.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use crate::display::Display;
use crate::display::ui::use_display;
use crate::rounds::series::{FluidPeriod, Point, Series};
use crate::zones::Zone;

/// Height of a strip's plot, and the room kept above and below it.
const PLOT: f64 = 96.0;
const PAD: f64 = 10.0;
const STRIP: f64 = PLOT + 2.0 * PAD;
/// Width of the value labels beside each strip.
const VALUES: f64 = 48.0;
/// Height of the time axis.
const TIME_AXIS: f64 = 22.0;

/// The range of values a strip always shows (data beyond widens it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
}

/// A shaded range of values: the NEWS2 points it scores (`score-1` …
/// `score-3`) or a clinical limit (`limit`), with a legend entry when
/// labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Shade {
    pub from: f64,
    pub to: f64,
    pub class: &'static str,
    pub label: Option<String>,
}

/// A dashed line at one value, named in the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub at: f64,
    pub label: String,
}

/// What a strip draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Marks {
    /// One measurement as a line of points.
    Line(Series),
    /// A pair measured together (systolic over diastolic) as a bar from
    /// the low to the high value.
    Range { high: Series, low: Series },
    /// Fluid intake and output per period, side by side from zero.
    Fluids(Vec<FluidPeriod>),
}

/// The time span every strip shares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Frame {
    /// Where `t` falls, in percent of the width.
    fn at(&self, t: DateTime<Utc>) -> f64 {
        let span = (self.to - self.from).num_milliseconds().max(1) as f64;
        ((t - self.from).num_milliseconds() as f64 / span * 100.0).clamp(0.0, 100.0)
    }

    fn ticks(&self, zone: &Zone) -> Vec<DateTime<Utc>> {
        time_ticks(self.from, self.to, 6, zone)
    }
}

fn percent(v: f64) -> String {
    format!("{v:.3}%")
}

/// Width of a tooltip line in pixels, from its length.
const TIP_CHAR: f64 = 6.9;

/// A tooltip box with two lines for a point at `p` percent across and `y`
/// down: above the point, or below it near the top. It sits as far left of
/// the point as the point is across, so it always stays inside the strip.
fn tooltip(p: f64, y: f64, first: String, second: String) -> impl IntoView {
    let width = first.chars().count().max(second.chars().count()) as f64 * TIP_CHAR + 14.0;
    let height = 36.0;
    let left = -(p / 100.0) * width;
    let top = if y - height - 8.0 < 2.0 {
        y + 10.0
    } else {
        y - height - 8.0
    };
    view! {
        <g class="tip" aria-hidden="true">
            <rect x=left y=top width=width height=height rx="5" />
            <text x=left + 7.0 y=top + 15.0>{first}</text>
            <text x=left + 7.0 y=top + 29.0 class="tip-time">{second}</text>
        </g>
    }
}

/// A focusable point at `p` percent across: its marks, and its tooltip.
fn point(p: f64, y: f64, value: String, time: String, marks: AnyView) -> impl IntoView {
    let aria = format!("{value}, {time}");
    view! {
        <g class="point" tabindex="0" role="img" aria-label=aria>
            <svg x=percent(p) overflow="visible">
                {marks}
                <circle class="hit" cx="0" cy=y r="11" />
                {tooltip(p, y, value, time)}
            </svg>
        </g>
    }
}

fn number(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The value scale of a strip: `axis` widened to the data, on round ticks.
fn value_scale(axis: Axis, marks: &Marks) -> (Scale, Vec<f64>) {
    let values: Vec<f64> = match marks {
        Marks::Line(line) => line.points.iter().flat_map(|p| [p.min, p.max]).collect(),
        Marks::Range { high, low } => high
            .points
            .iter()
            .chain(&low.points)
            .flat_map(|p| [p.min, p.max])
            .collect(),
        Marks::Fluids(periods) => periods
            .iter()
            .flat_map(|p| [p.intake_ml, p.output_ml])
            .collect(),
    };
    let (lo, hi) = values
        .into_iter()
        .fold((axis.min, axis.max), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let ticks = nice_ticks(lo, hi, 3);
    let scale = Scale {
        domain: (
            ticks.first().copied().unwrap_or(lo),
            ticks.last().copied().unwrap_or(hi),
        ),
        range: (PAD + PLOT, PAD),
    };
    (scale, ticks)
}

/// The time of a point: its own, or the end of the bucket it stands for.
fn point_time(display: &Display, p: &Point) -> String {
    if p.count > 1 {
        format!("until {}", display.time(p.at))
    } else {
        display.time(p.at)
    }
}

/// The tooltip's first line for a point of a line.
fn point_value(title: &str, unit: &str, p: &Point) -> String {
    if p.count > 1 {
        format!(
            "{title} {} {unit} (mean of {}: {}–{})",
            number(p.mean),
            p.count,
            number(p.min),
            number(p.max)
        )
    } else {
        format!("{title} {} {unit}", number(p.mean))
            .trim_end()
            .to_owned()
    }
}

/// A value with its unit, in words.
fn reading(v: f64, unit: &str) -> String {
    format!("{} {unit}", number(v)).trim_end().to_owned()
}

/// A systolic and a diastolic point taken at the same time, or one alone.
enum Pair<'a> {
    Both(&'a Point, &'a Point),
    High(&'a Point),
    Low(&'a Point),
}

/// The points of `high` and `low` (oldest first) paired by time.
fn pairs<'a>(high: &'a [Point], low: &'a [Point]) -> Vec<Pair<'a>> {
    let mut out = Vec::with_capacity(high.len().max(low.len()));
    let (mut h, mut l) = (high.iter().peekable(), low.iter().peekable());
    loop {
        let pair = match (h.peek(), l.peek()) {
            (Some(a), Some(b)) if a.at == b.at => Pair::Both(a, b),
            (Some(a), Some(b)) if a.at < b.at => Pair::High(a),
            (_, Some(b)) => Pair::Low(b),
            (Some(a), None) => Pair::High(a),
            (None, None) => return out,
        };
        if !matches!(pair, Pair::Low(_)) {
            h.next();
        }
        if !matches!(pair, Pair::High(_)) {
            l.next();
        }
        out.push(pair);
    }
}

/// The marks of a strip and the newest value in words.
fn draw(
    display: &Display,
    frame: Frame,
    y: Scale,
    title: &'static str,
    unit: &'static str,
    marks: Marks,
) -> (AnyView, Option<String>) {
    match marks {
        Marks::Line(Series { points, newest, .. }) => {
            let latest = newest.map(|p| reading(p.mean, unit));
            let path: Vec<String> = points
                .iter()
                .map(|p| format!("{:.2},{:.1}", frame.at(p.at) * 10.0, y.map(p.mean)))
                .collect();
            let view = view! {
                <svg class="line" viewBox=format!("0 0 1000 {STRIP}") preserveAspectRatio="none" width="100%" height=STRIP aria-hidden="true">
                    <polyline points=path.join(" ") vector-effect="non-scaling-stroke" />
                </svg>
                {points
                    .iter()
                    .map(|p| {
                        let py = y.map(p.mean);
                        let marks = view! {
                            {(p.count > 1).then(|| view! { <line class="spread" x1="0" x2="0" y1=y.map(p.min) y2=y.map(p.max) /> })}
                            <circle cx="0" cy=py r="3.5" />
                        };
                        point(frame.at(p.at), py, point_value(title, unit, p), point_time(display, p), marks.into_any())
                    })
                    .collect_view()}
            };
            (view.into_any(), latest)
        }
        Marks::Range { high, low } => {
            let latest = high
                .newest
                .zip(low.newest)
                .map(|(h, l)| format!("{}/{} {unit}", number(h.mean), number(l.mean)));
            let view = pairs(&high.points, &low.points)
                .into_iter()
                .map(|pair| {
                    let (at, top, bottom, value) = match pair {
                        Pair::Both(h, l) => (
                            h,
                            y.map(h.mean),
                            y.map(l.mean),
                            format!("{title} {}/{} {unit}", number(h.mean), number(l.mean)),
                        ),
                        Pair::High(h) => (
                            h,
                            y.map(h.mean),
                            y.map(h.mean),
                            format!("Systolic {} {unit}", number(h.mean)),
                        ),
                        Pair::Low(l) => (
                            l,
                            y.map(l.mean),
                            y.map(l.mean),
                            format!("Diastolic {} {unit}", number(l.mean)),
                        ),
                    };
                    let marks = view! {
                        <line class="range-bar" x1="0" x2="0" y1=top y2=bottom />
                        <line class="cap" x1="-5" x2="5" y1=top y2=top />
                        <line class="cap" x1="-5" x2="5" y1=bottom y2=bottom />
                    };
                    point(
                        frame.at(at.at),
                        top,
                        value,
                        point_time(display, at),
                        marks.into_any(),
                    )
                })
                .collect_view();
            (view.into_any(), latest)
        }
        Marks::Fluids(periods) => {
            let latest = periods.last().map(|p| {
                format!(
                    "in {} / out {} {unit}",
                    number(p.intake_ml),
                    number(p.output_ml)
                )
            });
            let view = periods
                .iter()
                .map(|p| {
                    let (x0, x1) = (frame.at(p.start), frame.at(p.end));
                    let width = ((x1 - x0) * 0.38).max(0.2);
                    let period = format!("{} – {}", display.time(p.start), display.time_of_day(p.end));
                    let bar = |left: f64, value: f64, class: &'static str, what: &'static str| {
                        let text = format!("{what} {} {unit}", number(value));
                        let aria = format!("{text}, {period}");
                        let top = y.map(value);
                        view! {
                            <g class="point" tabindex="0" role="img" aria-label=aria>
                                <rect class=format!("bar {class}") x=percent(left) y=top width=percent(width) height=(y.map(0.0) - top).max(0.0) />
                                <svg x=percent(left + width / 2.0) overflow="visible">
                                    {tooltip(left + width / 2.0, top, text, period.clone())}
                                </svg>
                            </g>
                        }
                    };
                    view! {
                        {bar(x0 + (x1 - x0) * 0.1, p.intake_ml, "intake", "Intake")}
                        {bar(x0 + (x1 - x0) * 0.52, p.output_ml, "output", "Output")}
                    }
                })
                .collect_view();
            (view.into_any(), latest)
        }
    }
}

/// One measurement over time, on the shared time axis.
#[component]
pub fn Strip(
    title: &'static str,
    unit: &'static str,
    id: &'static str,
    frame: Frame,
    axis: Axis,
    marks: Marks,
    #[prop(optional)] shades: Vec<Shade>,
    #[prop(optional)] rule: Option<Rule>,
) -> impl IntoView {
    let display = use_display();
    let (y, ticks) = value_scale(axis, &marks);
    let empty = match &marks {
        Marks::Line(line) => line.points.is_empty(),
        Marks::Range { high, low } => high.points.is_empty() && low.points.is_empty(),
        Marks::Fluids(periods) => periods.is_empty(),
    };
    let keys: Vec<(&'static str, &'static str)> = match &marks {
        Marks::Fluids(_) => vec![("intake", "Intake"), ("output", "Output")],
        _ => Vec::new(),
    };
    let (drawn, latest) = draw(&display, frame, y, title, unit, marks);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let description = match &latest {
        Some(latest) => format!("Latest: {latest}."),
        None => "No values in this period.".to_owned(),
    };
    let legend: Vec<String> = shades
        .iter()
        .filter_map(|s| s.label.clone())
        .chain(rule.iter().map(|r| r.label.clone()))
        .collect();
    let clip = |v: f64| v.clamp(y.domain.0, y.domain.1);
    view! {
        <figure class="strip" data-testid=id>
            <figcaption>
                <h3 id=title_id.clone()>{title}<span class="unit">{unit}</span></h3>
                <span class="latest">{latest.clone().unwrap_or_default()}</span>
                {(!legend.is_empty() || !keys.is_empty()).then(|| view! {
                    <ul class="legend">
                        {keys.into_iter().map(|(class, l)| view! { <li><span class=format!("swatch {class}")></span>{l}</li> }).collect_view()}
                        {legend.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ul>
                })}
            </figcaption>
            <div class="strip-plot">
                <svg class="values" width=VALUES height=STRIP aria-hidden="true">
                    {ticks
                        .iter()
                        .map(|v| view! { <text x=VALUES - 6.0 y=y.map(*v) + 4.0 text-anchor="end">{number(*v)}</text> })
                        .collect_view()}
                </svg>
                <svg class="plot" width="100%" height=STRIP role="group" aria-labelledby=labelled_by>
                    <desc id=desc_id>{description}</desc>
                    {shades
                        .iter()
                        .filter(|s| s.to > y.domain.0 && s.from < y.domain.1)
                        .map(|s| {
                            let (top, bottom) = (y.map(clip(s.to)), y.map(clip(s.from)));
                            view! { <rect class=format!("shade {}", s.class) x="0" width="100%" y=top height=(bottom - top).max(0.0) /> }
                        })
                        .collect_view()}
                    {ticks
                        .iter()
                        .map(|v| view! { <line class="grid" x1="0" x2="100%" y1=y.map(*v) y2=y.map(*v) /> })
                        .collect_view()}
                    {frame
                        .ticks(&display.zone)
                        .into_iter()
                        .map(|t| {
                            let x = percent(frame.at(t));
                            view! { <line class="grid" x1=x.clone() x2=x y1=PAD y2=PAD + PLOT /> }
                        })
                        .collect_view()}
                    {rule.map(|r| view! { <line class="rule" x1="0" x2="100%" y1=y.map(r.at) y2=y.map(r.at) /> })}
                    <g class="series">{drawn}</g>
                    {empty.then(|| view! {
                        <text class="empty-chart" x="50%" y=PAD + PLOT / 2.0 + 5.0 text-anchor="middle">"No values in this period"</text>
                    })}
                </svg>
            </div>
        </figure>
    }
}

/// The shared time axis: whole hours over a day, days over a stay.
#[component]
pub fn TimeAxis(frame: Frame) -> impl IntoView {
    let display = use_display();
    let day = frame.to - frame.from <= Duration::hours(25);
    view! {
        <div class="strip-plot time-axis" aria-hidden="true">
            <span></span>
            <svg width="100%" height=TIME_AXIS>
                {frame
                    .ticks(&display.zone)
                    .into_iter()
                    .map(|t| (frame.at(t), t))
                    // A label at an edge would be cut or run into its neighbour.
                    .filter(|(p, _)| (4.0..=94.0).contains(p))
                    .map(|(p, t)| {
                        let label = if day { display.time_of_day(t) } else { display.day(t) };
                        view! { <text x=percent(p) y=TIME_AXIS - 7.0 text-anchor="middle">{label}</text> }
                    })
                    .collect_view()}
            </svg>
        </div>
    }
}

/// Maps a domain onto a pixel range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Scale {
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if (d1 - d0).abs() < f64::EPSILON {
            return (r0 + r1) / 2.0;
        }
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// Round tick values covering `min..=max`, about `target` of them, at a
/// step of 1, 2 or 5 times a power of ten.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max <= min {
        return vec![min];
    }
    let raw = (max - min) / target.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let first = (min / step).floor() * step;
    let last = (max / step).ceil() * step;
    let count = ((last - first) / step).round() as usize;
    (0..=count)
        .map(|i| {
            let v = first + i as f64 * step;
            (v / step).round() * step
        })
        .collect()
}

/// Tick times across `from..=to`: whole hours of `zone` for a day, its
/// midnights for longer, about `target` of them.
pub fn time_ticks(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    target: usize,
    zone: &Zone,
) -> Vec<DateTime<Utc>> {
    let span_hours = (to - from).num_hours().max(1);
    let steps = [1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336, 720];
    let step = steps
        .into_iter()
        .find(|h| span_hours / h <= target as i64)
        .unwrap_or(720)
        * 3600;
    // Count in wall-clock seconds of the zone, so ticks fall on its hours.
    let start = zone.local(from).and_utc().timestamp();
    let mut local = start - start.rem_euclid(step) + step;
    let mut ticks = Vec::new();
    while let Some(wall) = DateTime::from_timestamp(local, 0) {
        let t = zone.instant(wall.naive_utc());
        if t > to {
            break;
        }
        if t >= from && ticks.last().is_none_or(|last| *last < t) {
            ticks.push(t);
        }
        local += step;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(
            nice_ticks(35.0, 41.0, 5),
            vec![34.0, 36.0, 38.0, 40.0, 42.0]
        );
        assert_eq!(
            nice_ticks(35.0, 41.0, 10),
            vec![35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0]
        );
        assert_eq!(
            nice_ticks(0.0, 100.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(
            nice_ticks(37.3, 38.6, 5),
            vec![37.0, 37.5, 38.0, 38.5, 39.0]
        );
        assert_eq!(nice_ticks(5.0, 5.0, 5), vec![5.0], "one value");
        let wide = nice_ticks(12.0, 387.0, 5);
        assert_eq!((wide[0], *wide.last().unwrap()), (0.0, 400.0));
    }

    #[test]
    fn scales_map_both_ways_round() {
        let s = Scale {
            domain: (0.0, 10.0),
            range: (200.0, 0.0),
        };
        assert_eq!(s.map(0.0), 200.0);
        assert_eq!(s.map(10.0), 0.0);
        assert_eq!(s.map(2.5), 150.0);
        let flat = Scale {
            domain: (3.0, 3.0),
            range: (0.0, 100.0),
        };
        assert_eq!(flat.map(3.0), 50.0);
    }

    #[test]
    fn time_ticks_fit_the_span() {
        let utc = Zone::default();
        let from = Utc.with_ymd_and_hms(2026, 11, 29, 14, 20, 0).unwrap();
        let day = time_ticks(from, from + Duration::hours(24), 6, &utc);
        assert_eq!(day.len(), 6);
        assert_eq!(
            day[0],
            Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap()
        );
        assert!(day.windows(2).all(|w| w[1] - w[0] == Duration::hours(4)));
        let stay = time_ticks(from, from + Duration::days(9), 6, &utc);
        assert!(stay.len() <= 6 && stay.len() >= 3, "{stay:?}");
        assert!(
            stay.iter().all(|t| t.timestamp() % 86_400 == 0),
            "whole days"
        );
    }

    #[test]
    fn time_ticks_fall_on_the_hours_and_midnights_of_the_zone() {
        let plus_seven = Zone::fixed("Asia/Ho_Chi_Minh", 7 * 3600);
        let from = Utc.with_ymd_and_hms(2026, 11, 29, 14, 20, 0).unwrap();
        let day = time_ticks(from, from + Duration::hours(24), 6, &plus_seven);
        assert_eq!(
            day[0],
            Utc.with_ymd_and_hms(2026, 11, 29, 17, 0, 0).unwrap(),
            "00:00 at +07 is the first 4-hour mark after 21:20 there"
        );
        let stay = time_ticks(from, from + Duration::days(9), 6, &plus_seven);
        assert!(
            stay.iter()
                .all(|t| (t.timestamp() + 7 * 3600) % 86_400 == 0),
            "local midnights: {stay:?}"
        );
        assert!(
            stay.iter()
                .all(|t| *t >= from && *t <= from + Duration::days(9))
        );
    }
}
