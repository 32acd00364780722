//! Server functions of patients.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{Patient, PatientInput, Status};
use crate::error::AppError;
use crate::history::HistoryEntry;
use crate::paging::Page;
#[cfg(feature = "ssr")]
use {super::service, crate::accounts::auth};

/// `GET /api/patients`: the caller's patients, searchable and paged.
#[server(prefix = "/api", endpoint = "patients", input = GetUrl)]
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
    };
    service::list(&state.db, &caller, query).await
}

/// `GET /api/patients/admitted`: the admitted patients the caller may see, with the stored phase, NEWS2 and newest values, for the dashboard; paged, 500 a page unless fewer are asked for.
#[server(prefix = "/api", endpoint = "patients/admitted", input = GetUrl)]
pub async fn admitted_patients(
    #[server(default)] page: Option<u64>,
    #[server(default)] per_page: Option<u64>,
) -> Result<Page<Patient>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::admitted(&state.db, &caller, page, per_page).await
}

/// `GET /api/patients/get`: one patient.
#[server(prefix = "/api", endpoint = "patients/get", input = GetUrl)]
pub async fn get_patient(id: i32) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::get(&state.db, &caller, id).await
}

/// `POST /api/patients/create`: admits a patient.
#[server(prefix = "/api", endpoint = "patients/create")]
pub async fn create_patient(patient: PatientInput) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let created = service::create(&state.db, &caller, patient).await?;
    auth::redirect_form_post(&format!("/patients/{}", created.id));
    Ok(created)
}

/// `POST /api/patients/update`: changes a patient's details.
#[server(prefix = "/api", endpoint = "patients/update")]
pub async fn update_patient(id: i32, patient: PatientInput) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let updated = service::update(&state.db, &caller, id, patient).await?;
    auth::redirect_form_post(&format!("/patients/{id}"));
    Ok(updated)
}

/// `POST /api/patients/discharge`: discharges a patient (now, or at `discharged_at`).
#[server(prefix = "/api", endpoint = "patients/discharge")]
pub async fn discharge_patient(
    id: i32,
    #[server(default)] discharged_at: Option<String>,
) -> Result<Patient, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::discharge(&state.db, &caller, id, discharged_at.as_deref()).await
}

/// `POST /api/patients/delete`: deletes a patient and its rounds; history stays.
#[server(prefix = "/api", endpoint = "patients/delete")]
pub async fn delete_patient(id: i32, reason: String) -> Result<(), AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::delete(&state.db, &caller, id, &reason).await?;
    auth::redirect_form_post("/patients");
    Ok(())
}

/// `GET /api/patients/history`: every change of the patient and its rounds,
/// newest first, a page at a time.
#[server(prefix = "/api", endpoint = "patients/history", input = GetUrl)]
pub async fn patient_history(
    id: i32,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<HistoryEntry>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::history_of(&state.db, &caller, id, page, per_page).await
}
