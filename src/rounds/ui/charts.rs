//! The report's charts, each over the last day or the whole stay.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::display::TemperatureUnit;
use crate::display::ui::{display_ready, use_display};
use crate::rounds::api::patient_charts;
use crate::rounds::series::{Charts, Series, Span};
use crate::rules::phase::FEVER_C;
use crate::rules::{fields, news2};
use crate::ui::chart::{Axis, Frame, Marks, Rule, Shade, Strip, TimeAxis};
use crate::vocabulary::Vocabulary;

/// Day / Course switch and the charts of the patient.
#[component]
pub fn PatientCharts(patient_id: Memo<Option<i32>>, changes: RwSignal<usize>) -> impl IntoView {
    let query = use_query_map();
    let span = Memo::new(move |_| {
        query
            .read()
            .get("span")
            .and_then(|s| Span::parse(&s))
            .unwrap_or_default()
    });
    let charts = Resource::new(
        move || (patient_id.get(), span.get(), changes.get()),
        |(id, span, _)| async move {
            match id {
                Some(id) => patient_charts(id, Some(span.code().into()), None)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    let tab = move |s: Span, label: &'static str| {
        view! {
            <a
                href=format!("?span={}", s.code())
                class=move || if span.get() == s { "tab active" } else { "tab" }
                aria-current=move || (span.get() == s).then_some("true")
            >
                {label}
            </a>
        }
    };
    view! {
        <section class="card" aria-labelledby="charts-title">
            <div class="card-header">
                <h2 id="charts-title">"Charts"</h2>
                <nav class="tabs" aria-label="Chart period">
                    {tab(Span::Day, "Day (24 h)")}
                    {tab(Span::Course, "Course (whole stay)")}
                </nav>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading the charts…"</p> }>
                {move || Suspend::new(async move {
                    display_ready().await;
                    match charts.await {
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(None) => ().into_any(),
                        Ok(Some(c)) => view! { <ChartSet charts=c /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The NEWS2 shading of a scored field over its allowed range, in the
/// chart's unit.
fn scored(field: &str, scale2: bool, convert: impl Fn(f64) -> f64) -> Vec<Shade> {
    let spec = fields::spec(field);
    news2::scoring_ranges(field, scale2, (spec.min, spec.max))
        .into_iter()
        .filter(|(.., points)| *points > 0)
        .map(|(from, to, points)| Shade {
            from: convert(from),
            to: convert(to),
            class: match points {
                1 => "score-1",
                2 => "score-2",
                _ => "score-3",
            },
            label: None,
        })
        .collect()
}

fn line(charts: &Charts, name: &str) -> Marks {
    Marks::Line(charts.of(name))
}

#[component]
fn ChartSet(charts: Charts) -> impl IntoView {
    let display = use_display();
    let c = &charts;
    let frame = Frame {
        from: c.from,
        to: c.to,
    };
    let scale2 = c.spo2_scale2;
    // Temperatures are stored in °C and drawn in the user's unit.
    let unit = display.temperature;
    let degrees = move |celsius: f64| unit.from_celsius(celsius);
    let mut temperature = c.of("temperature_c");
    for p in temperature.points.iter_mut().chain(&mut temperature.newest) {
        (p.min, p.max, p.mean) = (degrees(p.min), degrees(p.max), degrees(p.mean));
    }
    let fever = match unit {
        TemperatureUnit::Celsius => "Fever ≥ 38.0 °C",
        TemperatureUnit::Fahrenheit => "Fever ≥ 100.4 °F",
    };
    let balance: Vec<(DateTime<Utc>, f64)> = c
        .fluids
        .iter()
        .map(|p| (p.end.min(c.to), p.balance_ml))
        .collect();
    let balance = Series::of_values("balance_ml", &balance);
    let per = match c.span {
        Span::Day => "per shift",
        Span::Course => "per day",
    };
    let news2_shades = vec![
        Shade {
            from: 4.5,
            to: 6.5,
            class: "score-2",
            label: Some("5–6 medium: urgent response".into()),
        },
        Shade {
            from: 6.5,
            to: 20.0,
            class: "score-3",
            label: Some("≥ 7 high: emergency response".into()),
        },
    ];
    view! {
        <p class="muted small" data-testid="chart-rounds">
            {format!(
                "{} rounds in this period; times in the hospital's time zone, {}. Tap or hover a point for its value.",
                c.rounds,
                display.zone.label(c.to),
            )}
        </p>
        <p class="shade-legend small">
            "Shading: the NEWS2 points a value scores — "
            <span class="shade-key score-1">"1"</span>
            <span class="shade-key score-2">"2"</span>
            <span class="shade-key score-3">"3"</span>
        </p>
        <div class="flowsheet">
            <TimeAxis frame />
            <Strip title="NEWS2" unit="" id="chart-news2" frame axis=Axis { min: 0.0, max: 8.0 }
                marks=line(c, "news2") shades=news2_shades />
            <Strip title="Respiration" unit="/min" id="chart-respiration" frame axis=Axis { min: 8.0, max: 28.0 }
                marks=line(c, "respiration_per_min") shades=scored("respiration_per_min", scale2, |v| v) />
            <Strip title=if scale2 { "SpO2 (scale 2, shaded as on air)" } else { "SpO2" } unit="%" id="chart-spo2" frame
                axis=Axis { min: 88.0, max: 100.0 }
                marks=line(c, "spo2_percent") shades=scored("spo2_percent", scale2, |v| v) />
            <Strip title="Blood pressure" unit="mmHg" id="chart-bp" frame axis=Axis { min: 60.0, max: 140.0 }
                marks=Marks::Range { high: c.of("systolic_mmhg"), low: c.of("diastolic_mmhg") }
                shades=scored("systolic_mmhg", scale2, |v| v) />
            <Strip title="Pulse" unit="/min" id="chart-pulse" frame axis=Axis { min: 50.0, max: 120.0 }
                marks=line(c, "pulse_per_min") shades=scored("pulse_per_min", scale2, |v| v) />
            <Strip title="Temperature" unit=unit.symbol() id="chart-temperature" frame
                axis=Axis { min: degrees(36.0), max: degrees(39.0) }
                marks=Marks::Line(temperature) shades=scored("temperature_c", scale2, degrees)
                rule=Rule { at: degrees(FEVER_C), label: fever.into() } />
            <Strip title="Hematocrit" unit="%" id="chart-hematocrit" frame axis=Axis { min: 30.0, max: 50.0 }
                marks=line(c, "hematocrit_percent") />
            <Strip title="Platelets" unit="×10³/µL" id="chart-platelets" frame axis=Axis { min: 0.0, max: 300.0 }
                marks=line(c, "platelets_k_per_ul")
                shades=vec![Shade { from: 0.0, to: 100.0, class: "limit", label: Some("Below 100 ×10³/µL".into()) }] />
            <Strip title=if c.span == Span::Day { "Fluids in and out per shift" } else { "Fluids in and out per day" }
                unit="mL" id="chart-fluids" frame axis=Axis { min: 0.0, max: 1000.0 }
                marks=Marks::Fluids(c.fluids.clone()) />
            <Strip title="Cumulative balance" unit="mL" id="chart-balance" frame axis=Axis { min: -500.0, max: 500.0 }
                marks=Marks::Line(balance)
                rule=Rule { at: 0.0, label: format!("Zero balance; fluids summed {per}") } />
            <TimeAxis frame />
        </div>
    }
}
