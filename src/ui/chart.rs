//! Our own SVG line charts: one time axis in the hospital's time, a left
//! and an optional right value axis, shaded threshold bands, a legend, and
//! a tooltip with the exact value and time that shows on hover, on tap and
//! on keyboard focus (plain CSS, so it works without JavaScript too).
//! Server-rendered, so the charts are there before the page hydrates.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use crate::display::Display;
use crate::display::ui::use_display;
use crate::rounds::series::{FluidPeriod, Point};
use crate::zones::Zone;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 264.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 56.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 30.0;

/// A value axis: its unit and the range always shown (data beyond widens it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub unit: &'static str,
    pub min: f64,
    pub max: f64,
}

/// One measurement drawn as a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: &'static str,
    pub unit: &'static str,
    /// A CSS colour class (`c1` … `c4`).
    pub class: &'static str,
    pub right: bool,
    pub points: Vec<Point>,
}

/// A shaded range of values that the clinical rules single out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub right: bool,
    pub from: f64,
    pub to: f64,
    pub label: &'static str,
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

/// Width of a tooltip line in the chart's units, from its length.
const TIP_CHAR: f64 = 6.4;

/// A tooltip box with two lines near (`x`, `y`): above the point, or below
/// it near the top, and always inside the plot.
fn tooltip(x: f64, y: f64, first: String, second: String) -> impl IntoView {
    let width = first.chars().count().max(second.chars().count()) as f64 * TIP_CHAR + 14.0;
    let height = 36.0;
    let left = (x - width / 2.0).clamp(2.0, WIDTH - width - 2.0);
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

fn domain(axis: Axis, lines: &[Line], right: bool) -> (f64, f64) {
    let values = lines
        .iter()
        .filter(|l| l.right == right)
        .flat_map(|l| l.points.iter().flat_map(|p| [p.min, p.max]));
    let (lo, hi) = values.fold((axis.min, axis.max), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let ticks = nice_ticks(lo, hi, 5);
    (
        ticks.first().copied().unwrap_or(lo),
        ticks.last().copied().unwrap_or(hi),
    )
}

/// Grid lines, value ticks on both sides, units, and time ticks over
/// `(from, to)`.
fn axes(
    display: &Display,
    x: Scale,
    left: Scale,
    right: Option<Scale>,
    left_unit: &'static str,
    right_unit: Option<&'static str>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> impl IntoView + use<> {
    let day = to - from <= Duration::hours(25);
    let tick_label = |t: DateTime<Utc>| {
        if day {
            display.time_of_day(t)
        } else {
            display.day(t)
        }
    };
    view! {
        {nice_ticks(left.domain.0, left.domain.1, 5)
            .into_iter()
            .map(|v| {
                let py = left.map(v);
                view! {
                    <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=py y2=py />
                    <text class="tick" x=LEFT - 6.0 y=py + 4.0 text-anchor="end">{number(v)}</text>
                }
            })
            .collect_view()}
        {right.map(|s| {
            nice_ticks(s.domain.0, s.domain.1, 5)
                .into_iter()
                .map(|v| view! {
                    <text class="tick" x=WIDTH - RIGHT + 6.0 y=s.map(v) + 4.0 text-anchor="start">{number(v)}</text>
                })
                .collect_view()
        })}
        <text class="axis-unit" x=4.0 y=14.0>{left_unit}</text>
        {right_unit.map(|u| view! { <text class="axis-unit" x=WIDTH - 4.0 y=14.0 text-anchor="end">{u}</text> })}
        {time_ticks(from, to, 6, &display.zone)
            .into_iter()
            .map(|t| {
                let px = x.map(t.timestamp() as f64);
                view! {
                    <line class="grid" x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM />
                    <text class="tick" x=px y=HEIGHT - 10.0 text-anchor="middle">{tick_label(t)}</text>
                }
            })
            .collect_view()}
    }
}

fn number(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A chart of measurements over time.
#[component]
pub fn Chart(
    title: &'static str,
    id: &'static str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    left: Axis,
    #[prop(optional)] right: Option<Axis>,
    lines: Vec<Line>,
    #[prop(optional)] thresholds: Vec<Threshold>,
) -> impl IntoView {
    let display = use_display();
    let x = Scale {
        domain: (from.timestamp() as f64, to.timestamp() as f64),
        range: (LEFT, WIDTH - RIGHT),
    };
    let plot = (HEIGHT - BOTTOM, TOP);
    let left_scale = Scale {
        domain: domain(left, &lines, false),
        range: plot,
    };
    let right_scale = right.map(|axis| Scale {
        domain: domain(axis, &lines, true),
        range: plot,
    });
    let y = move |right: bool| {
        if right {
            right_scale.unwrap_or(left_scale)
        } else {
            left_scale
        }
    };
    let empty = lines.iter().all(|l| l.points.is_empty());
    let latest: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            l.points
                .last()
                .map(|p| format!("{} {} {}", l.label, number(p.last), l.unit))
        })
        .collect();
    let description = if empty {
        "No values in this period.".to_owned()
    } else {
        format!("Latest: {}.", latest.join(", "))
    };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart" data-testid=id>
            <figcaption>
                <h3 id=title_id.clone()>{title}</h3>
                <ul class="legend">
                    {lines
                        .iter()
                        .map(|l| view! { <li><span class=format!("swatch {}", l.class)></span>{format!("{} ({})", l.label, l.unit)}</li> })
                        .collect_view()}
                    {thresholds
                        .iter()
                        .map(|t| view! { <li><span class="swatch band"></span>{t.label}</li> })
                        .collect_view()}
                </ul>
            </figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=labelled_by
                preserveAspectRatio="xMidYMid meet"
            >
                <desc id=desc_id>{description}</desc>
                {thresholds
                    .iter()
                    .map(|t| {
                        let s = y(t.right);
                        let (top, bottom) = (s.map(t.to.min(s.domain.1)), s.map(t.from.max(s.domain.0)));
                        view! {
                            <rect class="threshold" x=LEFT y=top width=WIDTH - LEFT - RIGHT height=(bottom - top).max(0.0)>
                                <title>{t.label}</title>
                            </rect>
                        }
                    })
                    .collect_view()}
                {axes(&display, x, left_scale, right_scale, left.unit, right.map(|a| a.unit), (from, to))}
                {lines
                    .into_iter()
                    .map(|l| {
                        let s = y(l.right);
                        let path: Vec<String> = l
                            .points
                            .iter()
                            .map(|p| format!("{:.1},{:.1}", x.map(p.at.timestamp() as f64), s.map(p.last)))
                            .collect();
                        let unit = l.unit;
                        let label = l.label;
                        view! {
                            <g class=format!("series {}", l.class)>
                                <polyline points=path.join(" ") />
                                {l.points
                                    .into_iter()
                                    .map(|p| {
                                        let (px, py) = (x.map(p.at.timestamp() as f64), s.map(p.last));
                                        let value = if p.count > 1 {
                                            format!("{label} {}–{} {unit} ({} values, last {})", number(p.min), number(p.max), p.count, number(p.last))
                                        } else {
                                            format!("{label} {} {unit}", number(p.last))
                                        };
                                        let time = if p.count > 1 {
                                            format!("until {}", display.time(p.at))
                                        } else {
                                            display.time(p.at)
                                        };
                                        let aria = format!("{value}, {time}");
                                        view! {
                                            <g class="point" tabindex="0" role="img" aria-label=aria>
                                                {(p.count > 1).then(|| view! { <line class="range" x1=px x2=px y1=s.map(p.min) y2=s.map(p.max) /> })}
                                                <circle cx=px cy=py r="3.5" />
                                                <circle class="hit" cx=px cy=py r="11" />
                                                {tooltip(px, py, value, time)}
                                            </g>
                                        }
                                    })
                                    .collect_view()}
                            </g>
                        }
                    })
                    .collect_view()}
                {empty.then(|| view! {
                    <text class="empty-chart" x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle">"No values in this period"</text>
                })}
            </svg>
        </figure>
    }
}

/// Fluid intake and output per period as bars, with the running balance
/// as a line on the right axis.
#[component]
pub fn FluidChart(
    id: &'static str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    periods: Vec<FluidPeriod>,
) -> impl IntoView {
    let display = use_display();
    let x = Scale {
        domain: (from.timestamp() as f64, to.timestamp() as f64),
        range: (LEFT, WIDTH - RIGHT),
    };
    let plot = (HEIGHT - BOTTOM, TOP);
    let highest = periods
        .iter()
        .map(|p| p.intake_ml.max(p.output_ml))
        .fold(1000.0, f64::max);
    let volume_ticks = nice_ticks(0.0, highest, 5);
    let volume = Scale {
        domain: (0.0, volume_ticks.last().copied().unwrap_or(highest)),
        range: plot,
    };
    let (low, high) = periods.iter().fold((-500.0f64, 500.0f64), |(lo, hi), p| {
        (lo.min(p.balance_ml), hi.max(p.balance_ml))
    });
    let balance_ticks = nice_ticks(low, high, 5);
    let balance = Scale {
        domain: (
            balance_ticks.first().copied().unwrap_or(low),
            balance_ticks.last().copied().unwrap_or(high),
        ),
        range: plot,
    };
    let empty = periods.is_empty();
    let description = match periods.last() {
        Some(p) => format!(
            "Balance {} mL since the start of the period shown.",
            number(p.balance_ml)
        ),
        None => "No fluids recorded in this period.".to_owned(),
    };
    let path: Vec<String> = periods
        .iter()
        .map(|p| {
            format!(
                "{:.1},{:.1}",
                x.map(p.end.min(to).timestamp() as f64),
                balance.map(p.balance_ml)
            )
        })
        .collect();
    let labelled_by = format!("{id}-title {id}-desc");
    view! {
        <figure class="chart" data-testid=id>
            <figcaption>
                <h3 id=format!("{id}-title")>"Fluid intake, output and balance"</h3>
                <ul class="legend">
                    <li><span class="swatch c1"></span>"Intake (mL)"</li>
                    <li><span class="swatch c2"></span>"Output (mL)"</li>
                    <li><span class="swatch c3"></span>"Cumulative balance (mL)"</li>
                </ul>
            </figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
                <desc id=format!("{id}-desc")>{description}</desc>
                {axes(&display, x, volume, Some(balance), "mL", Some("balance mL"), (from, to))}
                <line class="zero" x1=LEFT x2=WIDTH - RIGHT y1=balance.map(0.0) y2=balance.map(0.0) />
                {periods
                    .iter()
                    .map(|p| {
                        let (x0, x1) = (
                            x.map(p.start.max(from).timestamp() as f64),
                            x.map(p.end.min(to).timestamp() as f64),
                        );
                        let width = ((x1 - x0) * 0.38).max(1.0);
                        let period = format!("{} – {}", display.time(p.start), display.time_of_day(p.end));
                        let bar = move |left: f64, value: f64, class: &'static str, what: &'static str, period: String| {
                            let text = format!("{what} {} mL", number(value));
                            let aria = format!("{text}, {period}");
                            view! {
                                <g class="point" tabindex="0" role="img" aria-label=aria>
                                    <rect class=format!("bar {class}") x=left y=volume.map(value) width=width height=(volume.map(0.0) - volume.map(value)).max(0.0) />
                                    {tooltip(left + width / 2.0, volume.map(value), text, period)}
                                </g>
                            }
                        };
                        view! {
                            {bar(x0 + (x1 - x0) * 0.1, p.intake_ml, "c1", "Intake", period.clone())}
                            {bar(x0 + (x1 - x0) * 0.52, p.output_ml, "c2", "Output", period)}
                        }
                    })
                    .collect_view()}
                <g class="series c3">
                    <polyline points=path.join(" ") />
                    {periods
                        .iter()
                        .map(|p| {
                            let (px, py) = (x.map(p.end.min(to).timestamp() as f64), balance.map(p.balance_ml));
                            let text = format!("Balance {} mL", number(p.balance_ml));
                            let time = format!("until {}", display.time(p.end));
                            let aria = format!("{text}, {time}");
                            view! {
                                <g class="point" tabindex="0" role="img" aria-label=aria>
                                    <circle cx=px cy=py r="3.5" />
                                    <circle class="hit" cx=px cy=py r="11" />
                                    {tooltip(px, py, text, time)}
                                </g>
                            }
                        })
                        .collect_view()}
                </g>
                {empty.then(|| view! {
                    <text class="empty-chart" x=WIDTH / 2.0 y=HEIGHT / 2.0 text-anchor="middle">"No fluids recorded in this period"</text>
                })}
            </svg>
        </figure>
    }
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
