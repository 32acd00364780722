//! Server functions of patients.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Patient, PatientInput, Status};
use crate::error::AppError;
use crate::history::HistoryEntry;
use crate::history::Reason;
use crate::notifications::{AlertNote, ResponseName};
use crate::paging::Page;
#[cfg(feature = "ssr")]
use {super::service, crate::accounts::auth};

/// The caller's patients by last and first name, searchable by name, hospital or admission number. Query: search, status (admitted | discharged | all; default admitted), page (from 1), per_page (1-500, default 25).
///
/// Errors: 401; 422 page, per_page or search out of range.
#[server(prefix = "/api", endpoint = "patients", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn list_patients(
    #[server(default)] search: Option<String>,
    #[server(default)] status: Option<Status>,
    #[server(default)] page: Option<u64>,
    #[server(default)] per_page: Option<u64>,
) -> Result<Page<Patient>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let query = service::ListQuery {
        search,
        status: status.unwrap_or_default(),
        page,
        per_page,
        ..Default::default()
    };
    service::list(&state.db, &caller, query).await
}

/// The admitted patients the caller may see, by name, with the stored phase, NEWS2 and newest values (as on the dashboard). Query: page (from 1), per_page (1-500, default 500).
///
/// Errors: 401; 422 bad paging.
#[server(prefix = "/api", endpoint = "patients/admitted", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn admitted_patients(
    #[server(default)] page: Option<u64>,
    #[server(default)] per_page: Option<u64>,
) -> Result<Page<Patient>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::admitted(&state.db, &caller, page, per_page).await
}

/// One patient. Query: id.
///
/// Errors: 401; 404 no such patient in the caller's wards.
#[server(prefix = "/api", endpoint = "patients/get", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn get_patient(id: i32) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::get(&state.db, &caller, id).await
}

/// Admits a patient. Every field of `patient` is a string; empty means absent. Unknown fields are refused.
///
/// Errors: 401; 403; 409 hospital number already recorded; 422 naming each invalid field (names 1-100 characters, birth_date YYYY-MM-DD not in the future, sex female|male|other|unknown, ward_id one of the caller's wards, admitted_at not in the future, monitoring_interval_hours 1-6).
#[server(prefix = "/api", endpoint = "patients/create", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn create_patient(patient: PatientInput) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let created = service::create(&state.db, &caller, patient).await?;
    auth::redirect_form_post(&format!("/patients/{}", created.id));
    Ok(created)
}

/// Changes a patient's details; the previous values go to the history.
///
/// Errors: 401; 403; 404; 409; 422.
#[server(prefix = "/api", endpoint = "patients/update", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn update_patient(id: i32, patient: PatientInput) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let updated = service::update(&state.db, &caller, id, patient).await?;
    auth::redirect_form_post(&format!("/patients/{id}"));
    Ok(updated)
}

/// Discharges a patient now, or at discharged_at (not before the admission, not in the future).
///
/// Errors: 401; 403; 404; 409 already discharged; 422.
#[server(prefix = "/api", endpoint = "patients/discharge", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn discharge_patient(
    id: i32,
    #[server(default)] discharged_at: Option<crate::rules::TimeText>,
) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::discharge(&state.db, &caller, id, discharged_at.as_deref()).await
}

/// Acknowledges an open alert about one of your patients: response (reviewed_at_bedside | doctor_called | treatment_changed | other) and an optional note (needed for other). The patient's history keeps who, when and how; every screen showing the patient hears of it.
///
/// Errors: 401; 403 observers and API tokens of observers; 404 no such alert you may see; 409 already acknowledged (names by whom); 422 response or note.
#[server(prefix = "/api", endpoint = "alerts/acknowledge", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn acknowledge_alert(
    alert_id: i64,
    response: ResponseName,
    #[server(default)] note: Option<AlertNote>,
) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let now = state.clock.now();
    let patient = service::acknowledge(
        &state.db,
        &caller,
        alert_id,
        &response,
        note.as_deref(),
        now,
    )
    .await?;
    auth::redirect_form_post("/");
    Ok(patient)
}

/// Deletes a patient and its rounds; the history keeps every value and the reason.
///
/// Errors: 401; 403; 404; 422 reason missing.
#[server(prefix = "/api", endpoint = "patients/delete", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn delete_patient(id: i32, reason: Reason) -> Result<(), AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::delete(&state.db, &caller, id, &reason).await?;
    auth::redirect_form_post("/patients");
    Ok(())
}

/// Every change of a patient and its rounds, newest first: who, when, why, values before and after. Query: id, page, per_page (1-500, default 50).
///
/// Errors: 401; 404; 422 bad paging.
#[server(prefix = "/api", endpoint = "patients/history", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn patient_history(
    id: i32,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<HistoryEntry>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::history_of(&state.db, &caller, id, page, per_page).await
}
