use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::route_id;
use crate::accounts::api::list_wards;
use crate::display::ui::{HospitalTimeHint, display_ready};
use crate::patients::api::{CreatePatient, UpdatePatient, get_patient};
use crate::patients::{INTERVAL_HOURS, Patient, PatientInput, Sex};
use crate::ui::form::{ErrorBox, action_error, go_on_success};
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// Admitting a new patient.
#[component]
pub fn NewPatientPage() -> impl IntoView {
    let create = ServerAction::<CreatePatient>::new();
    go_on_success(create, |patient: &Patient| {
        format!("/patients/{}", patient.id)
    });
    view! {
        <Title text="New patient" />
        <section class="card">
            <h2>"Admit a patient"</h2>
            <ActionForm action=create attr:class="patient-form" attr:data-testid="patient-form">
                <PatientFields initial=PatientInput::default() />
                <ErrorBox error=action_error(create) />
                <div class="form-actions">
                    <button type="submit" class="button">"Admit patient"</button>
                    <A href="/patients">"Cancel"</A>
                </div>
            </ActionForm>
        </section>
    }
}

/// Changing a patient's details.
#[component]
pub fn EditPatientPage() -> impl IntoView {
    let id = route_id();
    let update = ServerAction::<UpdatePatient>::new();
    let patient = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_patient(id).await,
                None => Err(crate::error::AppError::NotFound("Patient".into())),
            }
        },
    );
    go_on_success(update, |patient: &Patient| {
        format!("/patients/{}", patient.id)
    });
    view! {
        <Title text="Edit patient" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let zone = display_ready().await.zone;
                match patient.await {
                    Ok(p) => view! {
                        <section class="card">
                            <h2>{format!("Edit {}", p.full_name())}</h2>
                            <ActionForm action=update attr:class="patient-form" attr:data-testid="patient-form">
                                <input type="hidden" name="id" value=p.id />
                                <PatientFields initial=p.values.to_input(&zone) />
                                <ErrorBox error=action_error(update) />
                                <div class="form-actions">
                                    <button type="submit" class="button">"Save changes"</button>
                                    <A href=format!("/patients/{}", p.id)>"Cancel"</A>
                                </div>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The inputs of a patient, named `patient[…]` for the server functions.
#[component]
fn PatientFields(initial: PatientInput) -> impl IntoView {
    let wards = Resource::new(|| (), |_| list_wards());
    let selected_ward = initial.ward_id.clone().unwrap_or_default();
    let sex = initial.sex.clone().unwrap_or_else(|| "unknown".into());
    let interval = initial
        .monitoring_interval_hours
        .clone()
        .unwrap_or_else(|| "4".into());
    let scale2 = initial.spo2_scale2.as_deref() == Some("true");
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <div class="form-grid">
            <div class="field">
                <label for="first_name">"First name"</label>
                <input id="first_name" name="patient[first_name]" value=initial.first_name.clone() required />
            </div>
            <div class="field">
                <label for="last_name">"Last name"</label>
                <input id="last_name" name="patient[last_name]" value=initial.last_name.clone() required />
            </div>
            <div class="field">
                <label for="hospital_number">"Hospital number"</label>
                <input id="hospital_number" name="patient[hospital_number]" value=initial.hospital_number.clone() required />
            </div>
            <div class="field">
                <label for="admission_number">"Admission number"</label>
                <input id="admission_number" name="patient[admission_number]" value=text(&initial.admission_number) />
            </div>
            <div class="field">
                <label for="birth_date">"Birth date"</label>
                <input id="birth_date" type="date" name="patient[birth_date]" value=text(&initial.birth_date) />
            </div>
            <div class="field">
                <label for="sex">"Sex"</label>
                <select id="sex" name="patient[sex]">
                    {Sex::iter()
                        .map(|s| view! { <option value=s.code() selected=s.code() == sex>{s.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="ward_id">"Ward"</label>
                <Suspense fallback=|| view! { <select id="ward_id" disabled=true></select> }>
                    {move || {
                        let selected_ward = selected_ward.clone();
                        wards.get().map(|result| {
                            let wards = result.unwrap_or_default();
                            view! {
                                <select id="ward_id" name="patient[ward_id]" required>
                                    {wards
                                        .into_iter()
                                        .map(|w| {
                                            let value = w.id.to_string();
                                            let chosen = value == selected_ward;
                                            view! { <option value=value selected=chosen>{w.name}</option> }
                                        })
                                        .collect_view()}
                                </select>
                            }
                        })
                    }}
                </Suspense>
            </div>
            <div class="field">
                <label for="bed">"Bed"</label>
                <input id="bed" name="patient[bed]" value=text(&initial.bed) />
            </div>
            <div class="field">
                <label for="admitted_at">"Admitted at"</label>
                <input id="admitted_at" type="datetime-local" name="patient[admitted_at]" value=text(&initial.admitted_at) aria-describedby="admitted_at-hint" />
                <HospitalTimeHint id="admitted_at-hint".to_owned() />
            </div>
            <div class="field">
                <label for="interval">"Monitoring interval"</label>
                <select id="interval" name="patient[monitoring_interval_hours]">
                    {INTERVAL_HOURS
                        .map(|h| {
                            let value = h.to_string();
                            let chosen = value == interval;
                            view! { <option value=value selected=chosen>{format!("every {h} h")}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="baseline_hct">"Baseline hematocrit (%)"</label>
                <input id="baseline_hct" name="patient[baseline_hematocrit_percent]" inputmode="decimal" value=text(&initial.baseline_hematocrit_percent) aria-describedby="baseline_hct-hint" />
                <span class="hint" id="baseline_hct-hint">"10–80 %, e.g. from an earlier visit; empty to compare with the stay's first hematocrit."</span>
            </div>
            <div class="field wide">
                <label class="check">
                    <input type="checkbox" name="patient[spo2_scale2]" value="true" checked=scale2 />
                    " SpO2 scale 2 (hypercapnic respiratory failure: target 88–92 %)"
                </label>
            </div>
        </div>
    }
}
