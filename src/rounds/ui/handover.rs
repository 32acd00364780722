//! The shift handover of a ward, laid out for an A4 page: sickest first,
//! each patient's phase, NEWS2 and its course over the shift, newest
//! values, fluids, open alerts, last note and advice.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::display::ui::{display_ready, use_display};
use crate::patients::ui::dashboard::{alert_title, news2_badge, phase_chip};
use crate::patients::ui::route_id;
use crate::rounds::api::ward_handover;
use crate::rounds::ui::status::urine_rate;
use crate::rounds::{Handover, HandoverPatient};
use crate::vocabulary::Vocabulary;

fn signed(ml: i64) -> String {
    if ml > 0 {
        format!("+{ml} mL")
    } else {
        format!("{ml} mL")
    }
}

/// `2 at the start → 3 → 5 ×2`: the score at the start of the shift and
/// after each round, a run of equal scores counted once.
fn trend(entry: &HandoverPatient) -> String {
    let s = &entry.summary;
    let start = s
        .news2_at_start
        .map_or_else(|| "none".to_owned(), |n| n.to_string());
    if s.news2_in_shift.is_empty() {
        return format!("{start} at the start; no round this shift");
    }
    let mut runs: Vec<(u8, usize)> = Vec::new();
    for score in &s.news2_in_shift {
        match runs.last_mut() {
            Some((last, count)) if last == score => *count += 1,
            _ => runs.push((*score, 1)),
        }
    }
    let during: Vec<String> = runs
        .into_iter()
        .map(|(score, count)| match count {
            1 => score.to_string(),
            n => format!("{score} ×{n}"),
        })
        .collect();
    format!("{start} at the start → {}", during.join(" → "))
}

fn vitals(entry: &HandoverPatient) -> String {
    let o = &entry.patient.status.observations;
    let display = use_display();
    let part = |label: &str, value: Option<String>| {
        format!("{label} {}", value.unwrap_or_else(|| "–".to_owned()))
    };
    [
        part("RR", o.respiration_per_min.map(|v| format!("{v}/min"))),
        part(
            "SpO2",
            o.spo2_percent.map(|v| {
                let air = match o.on_oxygen {
                    Some(true) => " on O2",
                    Some(false) => " on air",
                    None => "",
                };
                format!("{v} %{air}")
            }),
        ),
        part("BP sys", o.systolic_mmhg.map(|v| format!("{v} mmHg"))),
        part("HR", o.pulse_per_min.map(|v| format!("{v}/min"))),
        part("ACVPU", o.consciousness.map(|c| c.code().to_owned())),
        part("T", o.temperature_c.map(|t| display.temperature_text(t))),
    ]
    .join(" · ")
}

#[component]
fn HandoverEntry(entry: HandoverPatient) -> impl IntoView {
    let display = use_display();
    let p = &entry.patient;
    let fluids = p.status.details.fluids.clone();
    let name = p.full_name();
    let bed = p
        .values
        .bed
        .clone()
        .map_or_else(|| "no bed".to_owned(), |b| format!("bed {b}"));
    let last = p.status.last_round_at.map_or_else(
        || "no round yet".to_owned(),
        |t| format!("newest values, last round {}", display.time(t)),
    );
    let alerts = p.open_alerts.clone();
    let note = entry.last_note.clone();
    let advice = entry.advice.clone();
    view! {
        <article class="handover-patient" data-testid="handover-patient">
            <header class="handover-head">
                <h2>{name.clone()}</h2>
                <span class="muted">{format!("{bed} · hospital no. {}", p.values.hospital_number)}</span>
                {phase_chip(p)}
                {news2_badge(p)}
            </header>
            <dl class="handover-facts">
                <dt>"NEWS2 this shift"</dt>
                <dd data-testid="handover-trend">{trend(&entry)}</dd>
                <dt>"Vitals"</dt>
                <dd>{vitals(&entry)} <span class="muted small">{format!(" ({last})")}</span></dd>
                <dt>"Fluid balance"</dt>
                <dd data-testid="handover-fluids">
                    {format!(
                        "this shift {} · 24 h {} · since admission {}",
                        signed(entry.summary.balance_shift_ml),
                        signed(entry.summary.balance_24h_ml),
                        signed(fluids.balance_ml),
                    )}
                </dd>
                <dt>"Urine output"</dt>
                <dd>
                    {format!("{}: ", fluids.last_shift)}
                    {urine_rate(fluids.urine_last_shift, &fluids)}
                    " · 24 h: "
                    {urine_rate(fluids.urine_24h, &fluids)}
                </dd>
                <dt>"Open alerts"</dt>
                <dd>
                    {if alerts.is_empty() {
                        view! { <span class="muted">"none"</span> }.into_any()
                    } else {
                        view! {
                            <ul class="handover-alerts">
                                {alerts
                                    .iter()
                                    .map(|a| view! {
                                        <li>{format!("{} — answer by {}", alert_title(a, &name), display.time(a.respond_by))}</li>
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                </dd>
                <dt>"Last clinical note"</dt>
                <dd>
                    {match note {
                        Some(n) => format!("{} — {}, {}", n.text, n.by, display.time(n.at)),
                        None => "none".to_owned(),
                    }}
                </dd>
                <dt>"Medical advice"</dt>
                <dd>
                    {match advice {
                        Some(a) => format!("{} — {}, {}", a.text, a.by, display.time(a.at)),
                        None => "none".to_owned(),
                    }}
                </dd>
            </dl>
        </article>
    }
}

#[component]
fn HandoverSheet(handover: Handover) -> impl IntoView {
    let display = use_display();
    let count = handover.patients.len();
    view! {
        <Title text=format!("Handover — {}", handover.ward_name) />
        <section class="handover" data-testid="handover">
            <header class="handover-title">
                <h1>{format!("Shift handover — {}", handover.ward_name)}</h1>
                <p>
                    {format!("{} · {count} admitted, sickest first", handover.shift)}
                </p>
                <p class="small" data-testid="handover-printed">
                    {format!("Printed {} by {}", display.time(handover.printed_at), handover.printed_by)}
                </p>
                <p class="no-print handover-actions">
                    <A href="/" attr:class="button secondary">"Back to the dashboard"</A>
                    <a class="button secondary" href=crate::address::ward_csv(handover.ward_id) download>
                        "Download patients (CSV)"
                    </a>
                    <span class="muted small">"Print with your browser (Ctrl+P); the page fits A4."</span>
                </p>
            </header>
            {if count == 0 {
                view! { <p class="empty">"No patient is admitted on this ward."</p> }.into_any()
            } else {
                handover
                    .patients
                    .into_iter()
                    .map(|entry| view! { <HandoverEntry entry /> })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

/// `/wards/:id/handover`.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let ward = route_id();
    let sheet = Resource::new(
        move || ward.get(),
        |id| async move { ward_handover(id.unwrap_or_default()).await },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the handover…"</p> }>
            {move || Suspend::new(async move {
                display_ready().await;
                match sheet.await {
                    Ok(handover) => view! { <HandoverSheet handover /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
