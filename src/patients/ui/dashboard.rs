//! The dashboard: the patients who need attention as cards, the patients
//! in the critical phase, and every admitted patient, kept current live.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::can_write;
use crate::display::ui::{display_ready, use_display};
use crate::error::AppError;
use crate::live::ui::watch_stream;
use crate::notifications::ui::priority_mark;
use crate::notifications::{AlertResponse, Kind, OpenAlert};
use crate::patients::Patient;
use crate::patients::api::{AcknowledgeAlert, admitted_patients};
use crate::rounds::ui::status::{
    band_class, flagged, incomplete, pulse_pressure, scoring_reasons, urine_rate,
};
use crate::rules::news2::news2;
use crate::rules::phase::Phase;
use crate::ui::form::{ErrorBox, action_error, count_successes};
use crate::ui::time::ago;
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

fn value(v: Option<impl ToString>, unit: &str) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{} {unit}", v.to_string()))
}

/// The phase as a chip, marked when set by hand.
pub fn phase_chip(p: &Patient) -> impl IntoView + use<> {
    let phase = p.status.phase;
    let class = match phase {
        Some(Phase::Critical) => "chip chip-danger",
        Some(Phase::Febrile) => "chip chip-warn",
        _ => "chip",
    };
    let manual = if p.status.manual {
        " (set by hand)"
    } else {
        ""
    };
    view! { <span class=class>{phase.map_or("Not assessed", |p| p.label())}{manual}</span> }
}

/// The stored NEWS2 as a badge in its band's colour.
pub fn news2_badge(p: &Patient) -> impl IntoView + use<> {
    match (p.status.news2_total, p.status.news2_band) {
        (Some(total), Some(band)) => view! {
            <span class=format!("score small-score {}", band_class(band)) title=band.label() aria-label=format!("NEWS2 {total}, {}", band.label())>
                {total}
            </span>
        }
        .into_any(),
        _ => view! { <span class="muted">"–"</span> }.into_any(),
    }
}

fn patient_link(p: &Patient) -> impl IntoView + use<> {
    let name = p.full_name();
    view! { <A href=format!("/patients/{}", p.id)>{name}</A> }
}

fn last_round(p: &Patient, now: chrono::DateTime<Utc>) -> String {
    p.status.last_round_at.map_or_else(
        || "No round yet".to_owned(),
        |t| format!("Last round {}", ago(t, now)),
    )
}

/// Every admitted patient, a page at a time: the dashboard ranks them all,
/// so none may be left out.
async fn every_admitted() -> Result<Vec<Patient>, AppError> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let next = admitted_patients(Some(page), None).await?;
        let pages = next.pages();
        all.extend(next.items);
        if page >= pages {
            return Ok(all);
        }
        page += 1;
    }
}

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let changes = RwSignal::new(0);
    watch_stream("patients", changes);
    watch_stream("rounds", changes);
    let acknowledge = ServerAction::<AcknowledgeAlert>::new();
    count_successes(changes, acknowledge);
    let patients = Resource::new(move || changes.get(), |_| every_admitted());
    view! {
        <Title text="Dashboard" />
        <Transition fallback=|| view! { <p class="muted">"Loading the ward…"</p> }>
            {move || Suspend::new(async move {
                display_ready().await;
                match patients.await {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) => view! { <Overview patients=list acknowledge /> }.into_any(),
                }
            })}
        </Transition>

    }
}

#[component]
fn Overview(
    mut patients: Vec<Patient>,
    acknowledge: ServerAction<AcknowledgeAlert>,
) -> impl IntoView {
    let now = Utc::now();
    let display = use_display();
    patients.sort_by_key(|p| p.urgency(now));
    let attention: Vec<Patient> = patients
        .iter()
        .filter(|p| p.needs_attention(now))
        .cloned()
        .collect();
    let critical: Vec<Patient> = patients
        .iter()
        .filter(|p| p.status.phase == Some(Phase::Critical))
        .cloned()
        .collect();
    let overdue = patients.iter().filter(|p| p.round_overdue(now)).count();
    view! {
        <p class="summary" data-testid="ward-summary">
            <strong>{patients.len()}</strong>" admitted · "
            <strong class:danger-text={!attention.is_empty()}>{attention.len()}</strong>" need attention · "
            <strong class:danger-text={!critical.is_empty()}>{critical.len()}</strong>" in the critical phase · "
            <strong class:danger-text={overdue > 0}>{overdue}</strong>" rounds overdue"
        </p>
        <section aria-labelledby="attention-title">
            <h2 id="attention-title" class="section-title">"Needs attention"</h2>
            <ErrorBox error=action_error(acknowledge) />
            {if attention.is_empty() {
                view! { <p class="card empty">"No patient needs attention now."</p> }.into_any()
            } else {
                view! {
                    <Triage patients=attention.clone() now />
                    <div class="patient-cards" data-testid="attention-cards">
                        {attention.into_iter().map(|p| view! { <PatientCard patient=p now acknowledge /> }).collect_view()}
                    </div>
                }
                .into_any()
            }}
        </section>
        <section class="card" aria-labelledby="critical-title">
            <h2 id="critical-title">"In the critical phase"</h2>
            {if critical.is_empty() {
                view! { <p class="empty">"No patient is in the critical phase."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table cards" data-testid="critical-patients">
                            <thead>
                                <tr><th scope="col">"Patient"</th><th scope="col">"NEWS2"</th><th scope="col">"Since"</th><th scope="col">"Why"</th></tr>
                            </thead>
                            <tbody>
                                {critical
                                    .into_iter()
                                    .map(|p| view! {
                                        <tr>
                                            <td class="card-title">{patient_link(&p)}</td>
                                            <td class="card-score" data-label="NEWS2">{news2_badge(&p)}</td>
                                            <td data-label="Since">{p.status.phase_since.map(|t| display.time(t)).unwrap_or_default()}</td>
                                            <td class="card-wide" data-label="Why">{p.status.phase_reason.clone().unwrap_or_default()}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
        <CurrentPatients patients=patients.clone() now />
        <WardTools patients />
    }
}

/// The patients who need attention, sickest first, one line each: what a
/// phone shows before any card.
#[component]
fn Triage(patients: Vec<Patient>, now: chrono::DateTime<Utc>) -> impl IntoView {
    view! {
        <ol class="triage" data-testid="triage" aria-label="Sickest first">
            {patients
                .into_iter()
                .map(|p| {
                    let priority = p.priority(now);
                    let bed = p.values.bed.clone().map(|b| format!("bed {b}")).unwrap_or_default();
                    view! {
                        <li class=priority.class()>
                            {news2_badge(&p)}
                            <a href=format!("#patient-{}", p.id) class="triage-name">{p.full_name()}</a>
                            <span class="muted small">{bed}</span>
                            <span class="triage-why small">{p.attention(now).first().cloned().unwrap_or_default()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Per ward shown: its printable handover and its patients as CSV.
#[component]
fn WardTools(patients: Vec<Patient>) -> impl IntoView {
    let mut wards: Vec<(i32, String)> = patients
        .iter()
        .map(|p| (p.values.ward_id, p.ward_name.clone()))
        .collect();
    wards.sort_by(|a, b| a.1.cmp(&b.1));
    wards.dedup();
    view! {
        <ul class="ward-tools" data-testid="ward-tools">
            {wards
                .into_iter()
                .map(|(id, name)| view! {
                    <li>
                        <strong>{name.clone()}</strong>
                        <A href=crate::address::handover(id) attr:class="button secondary small">"Shift handover"</A>
                        <a class="button secondary small" href=crate::address::ward_csv(id) download>"Patients (CSV)"</a>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// When the next round is due and why, e.g. `Next round 14:05 — hourly:
/// NEWS2 5, urgent response`.
fn next_due(p: &Patient) -> impl IntoView + use<> {
    let display = use_display();
    let frequency = p.frequency();
    view! {
        <span data-testid="next-due">
            {format!("Next round {} — {}", display.time(p.next_round_due()), frequency.reason)}
        </span>
    }
}

/// What an alert on a patient's card says: the score for a NEWS2 alert,
/// the kind for the others (the card already names the patient).
pub fn alert_title(alert: &OpenAlert, name: &str) -> String {
    match alert.kind {
        Kind::News2Rose => alert
            .message
            .strip_prefix(&format!("{name}: "))
            .unwrap_or(&alert.message)
            .to_owned(),
        kind => kind.label().to_owned(),
    }
}

#[component]
fn AlertItem(
    alert: OpenAlert,
    name: String,
    now: chrono::DateTime<Utc>,
    acknowledge: ServerAction<AcknowledgeAlert>,
) -> impl IntoView {
    let display = use_display();
    let id = alert.id;
    let title = alert_title(&alert, &name);
    let late = now > alert.respond_by;
    let when = if late {
        format!(
            "raised {}, answer was due {}",
            ago(alert.raised_at, now),
            display.time(alert.respond_by)
        )
    } else {
        format!(
            "raised {}, answer by {}",
            ago(alert.raised_at, now),
            display.time(alert.respond_by)
        )
    };
    view! {
        <li class="open-alert" class:late=late data-testid="open-alert">
            <p>
                <strong>{title}</strong>
                {alert.escalated_at.map(|_| view! { " " <span class="chip chip-danger">"Escalated"</span> })}
            </p>
            <p class="small muted">{when}</p>
            <details class="small">
                <summary>"Why"</summary>
                <p>{alert.reason.clone()}</p>
            </details>
            {can_write().then(|| view! {
                <ActionForm action=acknowledge attr:class="ack-form">
                    <input type="hidden" name="alert_id" value=id />
                    <label class="visually-hidden" for=format!("response-{id}")>"Response"</label>
                    <select id=format!("response-{id}") name="response" required>
                        <option value="">"Response…"</option>
                        {AlertResponse::iter()
                            .map(|r| view! { <option value=r.code()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="button small">"Acknowledge"</button>
                    <label class="visually-hidden" for=format!("note-{id}")>"Note (optional)"</label>
                    <input id=format!("note-{id}") name="note" type="text" maxlength="1000" autocomplete="off" placeholder="Note (optional)" />
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn PatientCard(
    patient: Patient,
    now: chrono::DateTime<Utc>,
    acknowledge: ServerAction<AcknowledgeAlert>,
) -> impl IntoView {
    let display = use_display();
    let p = patient;
    let why = p.attention(now).join(" · ");
    let alerts = p.open_alerts.clone();
    let scoring = scoring_reasons(&news2(&p.status.observations, p.values.spo2_scale2));
    let why_field = move |field: &str| {
        scoring
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, r)| r.clone())
    };
    let o = p.status.observations;
    let priority = p.priority(now);
    let place = match &p.values.bed {
        Some(bed) => format!("{} · bed {bed}", p.ward_name),
        None => p.ward_name.clone(),
    };
    view! {
        <article class=format!("card patient-card {}", priority.class()) id=format!("patient-{}", p.id) data-testid="patient-card">
            <header class="patient-card-header">
                <div>
                    {priority_mark(priority)}
                    <h3>{patient_link(&p)}</h3>
                    <p class="muted small">{place}</p>
                </div>
                {news2_badge(&p)}
            </header>
            <p class="attention-why" data-testid="attention-why">{why}</p>
            <p>{phase_chip(&p)}</p>
            {(!alerts.is_empty()).then(|| view! {
                <ul class="open-alerts" aria-label="Alerts to acknowledge">
                    {alerts.into_iter().map(|alert| view! { <AlertItem alert name=p.full_name() now acknowledge /> }).collect_view()}
                </ul>
            })}
            {incomplete(&p.status.details.stale, &p.status.details.missing)
                .map(|text| view! { <p class="incomplete small">{format!("NEWS2 {text}")}</p> })}
            <dl class="card-values">
                <div><dt>"Temperature"</dt><dd>{flagged(o.temperature_c.map_or_else(|| "–".to_owned(), |c| display.temperature_text(c)), why_field("temperature_c"))}</dd></div>
                <div><dt>"Pulse"</dt><dd>{flagged(value(o.pulse_per_min, "/min"), why_field("pulse_per_min"))}</dd></div>
                <div><dt>"SpO2"</dt><dd>{flagged(value(o.spo2_percent, "%"), why_field("spo2_percent"))}</dd></div>
                <div><dt>"Systolic BP"</dt><dd>{flagged(value(o.systolic_mmhg, "mmHg"), why_field("systolic_mmhg"))}</dd></div>
                <div><dt>"Urine, 24 h"</dt><dd>{urine_rate(p.status.details.fluids.urine_24h, &p.status.details.fluids)}</dd></div>
                <div><dt>"Pulse pressure"</dt><dd>{pulse_pressure(&p.status.details.fluids)}</dd></div>
                <div><dt>"Balance"</dt><dd>{format!("{:+} mL", p.status.details.fluids.balance_ml)}</dd></div>
            </dl>
            <p class="small">
                {last_round(&p, now)}
                {p.round_overdue(now).then(|| view! { " " <span class="chip chip-danger">"Round overdue"</span> })}
            </p>
            <p class="small muted">{next_due(&p)}</p>
        </article>
    }
}

#[component]
fn CurrentPatients(patients: Vec<Patient>, now: chrono::DateTime<Utc>) -> impl IntoView {
    let display = use_display();
    view! {
        <section class="card" aria-labelledby="current-title">
            <div class="card-header">
                <h2 id="current-title">{format!("Current patients ({})", patients.len())}</h2>
                <Suspense fallback=|| ()>
                    {move || can_write().then(|| view! { <A href="/patients/new" attr:class="button">"New patient"</A> })}
                </Suspense>
            </div>
            {if patients.is_empty() {
                view! { <p class="empty">"No patient is admitted."</p> }.into_any()
            } else {
                let writer = can_write();
                view! {
                    <div class="table-scroll">
                        <table class="table cards" data-testid="current-patients">
                            <thead>
                                <tr>
                                    <th scope="col">"Patient"</th>
                                    <th scope="col">"Ward · bed"</th>
                                    <th scope="col">"Phase"</th>
                                    <th scope="col">"NEWS2"</th>
                                    <th scope="col">"Last round"</th>
                                    <th scope="col">"Next due"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {patients
                                    .into_iter()
                                    .map(|p| {
                                        let overdue = p.round_overdue(now);
                                        view! {
                                            <tr class:row-danger=p.status.phase == Some(Phase::Critical)>
                                                <td class="card-title">{patient_link(&p)}</td>
                                                <td data-label="Ward · bed">{format!("{} · {}", p.ward_name, p.values.bed.clone().unwrap_or_else(|| "–".into()))}</td>
                                                <td data-label="Phase">{phase_chip(&p)}</td>
                                                <td class="card-score" data-label="NEWS2">{news2_badge(&p)}</td>
                                                <td data-label="Last round">{p.status.last_round_at.map_or_else(|| "–".to_owned(), |t| ago(t, now))}</td>
                                                <td class="card-wide" data-label="Next due">
                                                    {display.time(p.next_round_due())}
                                                    {overdue.then(|| view! { " " <span class="chip chip-danger">"Overdue"</span> })}
                                                    <span class="small muted block">{p.frequency().reason}</span>
                                                </td>
                                                <td class="row-actions card-wide">
                                                    <A href=format!("/patients/{}", p.id) attr:class="button secondary small">"Report"</A>
                                                    {writer.then(|| view! {
                                                        <A href=format!("/patients/{}/edit", p.id) attr:class="button secondary small">"Edit"</A>
                                                        <A href=format!("/patients/{}#discharge", p.id) attr:class="button secondary small">"Discharge"</A>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
