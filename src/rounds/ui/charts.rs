//! The report's charts, each over the last day or the whole stay.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::display::TemperatureUnit;
use crate::display::ui::{display_ready, use_display};
use crate::rounds::api::patient_charts;
use crate::rounds::series::{Charts, Span};
use crate::rules::phase::FEVER_C;
use crate::ui::chart::{Axis, Chart, FluidChart, Line, Threshold};
use crate::vocabulary::Vocabulary;

fn line(
    charts: &Charts,
    name: &str,
    label: &'static str,
    unit: &'static str,
    class: &'static str,
    right: bool,
) -> Line {
    Line {
        label,
        unit,
        class,
        right,
        points: charts.of(name).to_vec(),
    }
}

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

#[component]
fn ChartSet(charts: Charts) -> impl IntoView {
    let display = use_display();
    let c = &charts;
    let (from, to) = (c.from, c.to);
    // Temperatures are stored in °C and drawn in the user's unit.
    let unit = display.temperature;
    let degrees = |celsius: f64| unit.from_celsius(celsius);
    let mut temperature = line(
        c,
        "temperature_c",
        "Temperature",
        unit.symbol(),
        "c1",
        false,
    );
    for p in &mut temperature.points {
        (p.min, p.max, p.last) = (degrees(p.min), degrees(p.max), degrees(p.last));
    }
    let fever = match unit {
        TemperatureUnit::Celsius => "Fever ≥ 38.0 °C",
        TemperatureUnit::Fahrenheit => "Fever ≥ 100.4 °F",
    };
    view! {
        <p class="muted small" data-testid="chart-rounds">
            {format!(
                "{} rounds in this period; times in the hospital's time zone, {}. Tap or hover a point for its value.",
                c.rounds,
                display.zone.label(to),
            )}
        </p>
        <div class="charts">
            <Chart
                title="Temperature and pulse"
                id="chart-temperature"
                from
                to
                left=Axis { unit: unit.symbol(), min: degrees(36.0), max: degrees(39.0) }
                right=Axis { unit: "/min", min: 60.0, max: 120.0 }
                lines=vec![temperature, line(c, "pulse_per_min", "Pulse", "/min", "c2", true)]
                thresholds=vec![Threshold { right: false, from: degrees(FEVER_C), to: degrees(45.0), label: fever }]
            />
            <Chart
                title="Respiration, blood pressure and SpO2"
                id="chart-circulation"
                from
                to
                left=Axis { unit: "mmHg · /min", min: 0.0, max: 140.0 }
                right=Axis { unit: "SpO2 %", min: 85.0, max: 100.0 }
                lines=vec![
                    line(c, "systolic_mmhg", "Systolic", "mmHg", "c1", false),
                    line(c, "diastolic_mmhg", "Diastolic", "mmHg", "c4", false),
                    line(c, "respiration_per_min", "Respiration", "/min", "c3", false),
                    line(c, "spo2_percent", "SpO2", "%", "c2", true),
                ]
                thresholds=vec![Threshold { right: true, from: 0.0, to: 91.0, label: "SpO2 ≤ 91 % scores 3" }]
            />
            <FluidChart id="chart-fluids" from to periods=c.fluids.clone() />
            <Chart
                title="Hematocrit and platelets"
                id="chart-blood"
                from
                to
                left=Axis { unit: "Hct %", min: 30.0, max: 50.0 }
                right=Axis { unit: "Plt ×10³/µL", min: 0.0, max: 300.0 }
                lines=vec![
                    line(c, "hematocrit_percent", "Hematocrit", "%", "c1", false),
                    line(c, "platelets_k_per_ul", "Platelets", "×10³/µL", "c2", true),
                ]
                thresholds=vec![Threshold { right: true, from: 0.0, to: 100.0, label: "Platelets < 100 ×10³/µL" }]
            />
            <Chart
                title="NEWS2"
                id="chart-news2"
                from
                to
                left=Axis { unit: "score", min: 0.0, max: 10.0 }
                lines=vec![line(c, "news2", "NEWS2", "points", "c1", false)]
                thresholds=vec![
                    Threshold { right: false, from: 5.0, to: 6.5, label: "5–6 medium: urgent response" },
                    Threshold { right: false, from: 6.5, to: 20.0, label: "≥ 7 high: emergency response" },
                ]
            />
        </div>
    }
}
