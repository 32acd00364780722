//! Our own SVG line charts: one time axis, a left and an optional right
//! value axis, shaded threshold bands, a legend, and a tooltip (the
//! point's `<title>`) with the exact value and time. Server-rendered, so
//! the charts are there without JavaScript too.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use crate::rounds::series::Point;
use crate::ui::time::format_time;

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

/// Tick times across `from..=to`: whole hours for a day, whole days for
/// longer, about `target` of them.
pub fn time_ticks(from: DateTime<Utc>, to: DateTime<Utc>, target: usize) -> Vec<DateTime<Utc>> {
    let span_hours = (to - from).num_hours().max(1);
    let steps = [1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336, 720];
    let step = steps
        .into_iter()
        .find(|h| span_hours / h <= target as i64)
        .unwrap_or(720);
    let step = Duration::hours(step);
    let start = from.timestamp();
    let first = start - start.rem_euclid(step.num_seconds()) + step.num_seconds();
    let mut ticks = Vec::new();
    let mut t = DateTime::from_timestamp(first, 0).unwrap_or(from);
    while t <= to {
        ticks.push(t);
        t += step;
    }
    ticks
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
    let day = to - from <= Duration::hours(25);
    let tick_label = move |t: DateTime<Utc>| {
        if day {
            t.format("%H:%M").to_string()
        } else {
            t.format("%d %b").to_string()
        }
    };
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
                {nice_ticks(left_scale.domain.0, left_scale.domain.1, 5)
                    .into_iter()
                    .map(|v| {
                        let py = left_scale.map(v);
                        view! {
                            <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=py y2=py />
                            <text class="tick" x=LEFT - 6.0 y=py + 4.0 text-anchor="end">{number(v)}</text>
                        }
                    })
                    .collect_view()}
                {right_scale.map(|s| {
                    nice_ticks(s.domain.0, s.domain.1, 5)
                        .into_iter()
                        .map(|v| view! {
                            <text class="tick" x=WIDTH - RIGHT + 6.0 y=s.map(v) + 4.0 text-anchor="start">{number(v)}</text>
                        })
                        .collect_view()
                })}
                <text class="axis-unit" x=4.0 y=14.0>{left.unit}</text>
                {right.map(|a| view! { <text class="axis-unit" x=WIDTH - 4.0 y=14.0 text-anchor="end">{a.unit}</text> })}
                {time_ticks(from, to, 6)
                    .into_iter()
                    .map(|t| {
                        let px = x.map(t.timestamp() as f64);
                        view! {
                            <line class="grid" x1=px x2=px y1=TOP y2=HEIGHT - BOTTOM />
                            <text class="tick" x=px y=HEIGHT - 10.0 text-anchor="middle">{tick_label(t)}</text>
                        }
                    })
                    .collect_view()}
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
                                        let px = x.map(p.at.timestamp() as f64);
                                        let tip = if p.count > 1 {
                                            format!("{label} {}–{} {unit} ({} values, last {}) · until {}", number(p.min), number(p.max), p.count, number(p.last), format_time(p.at))
                                        } else {
                                            format!("{label} {} {unit} · {}", number(p.last), format_time(p.at))
                                        };
                                        view! {
                                            {(p.count > 1).then(|| view! { <line class="range" x1=px x2=px y1=s.map(p.min) y2=s.map(p.max) /> })}
                                            <circle cx=px cy=s.map(p.last) r="3.5" tabindex="0"><title>{tip}</title></circle>
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
        let from = Utc.with_ymd_and_hms(2026, 11, 29, 14, 20, 0).unwrap();
        let day = time_ticks(from, from + Duration::hours(24), 6);
        assert_eq!(day.len(), 6);
        assert_eq!(
            day[0],
            Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap()
        );
        assert!(day.windows(2).all(|w| w[1] - w[0] == Duration::hours(4)));
        let stay = time_ticks(from, from + Duration::days(9), 6);
        assert!(stay.len() <= 6 && stay.len() >= 3, "{stay:?}");
        assert!(
            stay.iter().all(|t| t.timestamp() % 86_400 == 0),
            "whole days"
        );
    }
}
