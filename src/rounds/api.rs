//! Server functions of charting rounds.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::{ClinicalStatus, Round, RoundInput};
use crate::error::AppError;
use crate::paging::Page;
#[cfg(feature = "ssr")]
use crate::vocabulary::Vocabulary;
#[cfg(feature = "ssr")]
use {super::service, crate::accounts::auth};

#[cfg(feature = "ssr")]
pub(crate) fn optional_time(
    field: &str,
    text: Option<String>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| {
            super::parse_time(&t, crate::display::zones::hospital()).ok_or_else(|| {
                AppError::invalid(
                    field,
                    "must be a date and time such as 2026-11-30T14:05 (the hospital's time) or RFC 3339",
                )
            })
        })
        .transpose()
}

/// `GET /api/rounds`: a patient's rounds in a time range, newest first, paged.
#[server(prefix = "/api", endpoint = "rounds", input = GetUrl)]
pub async fn list_rounds(
    patient_id: i32,
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
    #[server(default)] page: Option<u64>,
    #[server(default)] per_page: Option<u64>,
) -> Result<Page<Round>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let query = service::RangeQuery {
        from: optional_time("from", from)?,
        to: optional_time("to", to)?,
        page,
        per_page,
    };
    service::list(&state.db, &caller, patient_id, query).await
}

/// `GET /api/rounds/get`: one round.
#[server(prefix = "/api", endpoint = "rounds/get", input = GetUrl)]
pub async fn get_round(id: i32) -> Result<Round, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::get(&state.db, &caller, id).await
}

/// `POST /api/rounds/record`: records a round.
#[server(prefix = "/api", endpoint = "rounds/record")]
pub async fn record_round(patient_id: i32, round: RoundInput) -> Result<Round, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::record(&state.db, &caller, patient_id, &round).await
}

/// `POST /api/rounds/record-batch`: records several rounds of a patient at once, all or none.
#[server(prefix = "/api", endpoint = "rounds/record-batch")]
pub async fn record_rounds(
    patient_id: i32,
    rounds: Vec<RoundInput>,
) -> Result<Vec<Round>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::record_many(&state.db, &caller, patient_id, &rounds).await
}

/// `POST /api/rounds/correct`: corrects a round, with the reason.
#[server(prefix = "/api", endpoint = "rounds/correct")]
pub async fn correct_round(id: i32, reason: String, round: RoundInput) -> Result<Round, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let corrected = service::correct(&state.db, &caller, id, &reason, &round).await?;
    auth::redirect_form_post(&format!("/patients/{}", corrected.patient_id));
    Ok(corrected)
}

/// `POST /api/rounds/delete`: deletes a round, with the reason; history stays.
#[server(prefix = "/api", endpoint = "rounds/delete")]
pub async fn delete_round(id: i32, reason: String) -> Result<(), AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::delete(&state.db, &caller, id, &reason).await
}

/// `GET /api/rounds/charts`: the patient's measurements and NEWS2 over the last day or the whole stay, downsampled for charts.
#[server(prefix = "/api", endpoint = "rounds/charts", input = GetUrl)]
pub async fn patient_charts(
    patient_id: i32,
    #[server(default)] span: Option<String>,
    #[server(default)] buckets: Option<u64>,
) -> Result<super::series::Charts, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let span = match span.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => super::series::Span::Day,
        Some(code) => super::series::Span::parse(code)
            .ok_or_else(|| AppError::invalid("span", "must be day or course"))?,
    };
    service::charts(&state.db, &caller, patient_id, span, buckets).await
}

/// `GET /api/rounds/status`: the patient's dengue phase and NEWS2, with reasons.
#[server(prefix = "/api", endpoint = "rounds/status", input = GetUrl)]
pub async fn patient_status(patient_id: i32) -> Result<ClinicalStatus, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::clinical_status(&state.db, &caller, patient_id).await
}

/// `POST /api/rounds/phase`: sets the patient's dengue phase by hand, with the reason.
#[server(prefix = "/api", endpoint = "rounds/phase")]
pub async fn set_phase(
    patient_id: i32,
    phase: String,
    reason: String,
) -> Result<ClinicalStatus, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let status = service::set_phase(&state.db, &caller, patient_id, Some(&phase), &reason).await?;
    auth::redirect_form_post(&format!("/patients/{patient_id}"));
    Ok(status)
}

/// `POST /api/rounds/phase/clear`: returns the phase to the rules, with the reason.
#[server(prefix = "/api", endpoint = "rounds/phase/clear")]
pub async fn clear_phase(patient_id: i32, reason: String) -> Result<ClinicalStatus, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let status = service::set_phase(&state.db, &caller, patient_id, None, &reason).await?;
    auth::redirect_form_post(&format!("/patients/{patient_id}"));
    Ok(status)
}
