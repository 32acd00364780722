//! Server functions of charting rounds.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Advice, Round};
use crate::error::AppError;
use crate::history::Reason;
use crate::paging::Page;
use crate::rules::phase::PhaseName;
use crate::rules::{ClinicalStatus, RoundInput, TimeText};
#[cfg(feature = "ssr")]
use crate::vocabulary::Vocabulary;
#[cfg(feature = "ssr")]
use {
    super::{clinical, service},
    crate::accounts::auth,
};

#[cfg(feature = "ssr")]
pub(crate) fn optional_time(
    field: &str,
    text: Option<TimeText>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| {
            crate::rules::parse_time(&t, crate::zones::hospital()).ok_or_else(|| {
                AppError::invalid(
                    field,
                    "must be a date and time such as 2026-11-30T14:05 (the hospital's time) or RFC 3339",
                )
            })
        })
        .transpose()
}

/// A patient's rounds, newest first. Query: patient_id, from, to (RFC 3339, or YYYY-MM-DDTHH:MM in the hospital's time zone), page, per_page (1-500, default 50).
///
/// Errors: 401; 404; 422 bad range or paging.
#[server(prefix = "/api", endpoint = "rounds", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn list_rounds(
    patient_id: i32,
    #[server(default)] from: Option<TimeText>,
    #[server(default)] to: Option<TimeText>,
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

/// One round. Query: id.
///
/// Errors: 401; 404.
#[server(prefix = "/api", endpoint = "rounds/get", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn get_round(id: i32) -> Result<Round, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::get(&state.db, &caller, id).await
}

/// Records a round. Every measurement is optional and may be a number or a string; unknown fields are refused. Units: temperature_c Cel 25-45; pulse_per_min 20-300; respiration_per_min 0-80; systolic_mmhg 40-300; diastolic_mmhg 20-200; spo2_percent 50-100; intake_oral_ml, intake_iv_ml, intake_other_ml, output_urine_ml, output_emesis_ml, output_drainage_ml, output_other_ml 0-10000 mL; hematocrit_percent 10-80; platelets_k_per_ul 0-2000; wbc_k_per_ul 0-200; day_of_fever 1-30; pain_score 0-10; abdominal_circumference_cm 30-250; weight_kg 0.5-400; consciousness A|C|V|P|U; on_oxygen true|false; shift day|evening|night; warning_signs abdominal_pain, persistent_vomiting, fluid_accumulation, mucosal_bleeding, lethargy, liver_enlargement, hematocrit_rise; measured_at at most 5 minutes ahead.
///
/// Errors: 400 unknown field or unreadable body; 401; 403; 404; 409 patient discharged; 422 naming each invalid field and its allowed range.
#[server(prefix = "/api", endpoint = "rounds/record", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn record_round(
    patient_id: i32,
    #[server(default)] round: RoundInput,
) -> Result<Round, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::record(&state.db, &caller, patient_id, &round, state.clock.now()).await
}

/// Records several rounds of one patient in one transaction: all or none; at most 500 rounds per batch.
///
/// Errors: as /api/rounds/record; a 422 names the round as rounds[i].field, or names rounds when a batch is larger than 500.
#[server(prefix = "/api", endpoint = "rounds/record-batch", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn record_rounds(
    patient_id: i32,
    #[server(default)] rounds: Vec<RoundInput>,
) -> Result<Vec<Round>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::record_many(&state.db, &caller, patient_id, &rounds, state.clock.now()).await
}

/// Corrects a round: the new values replace the old, which stay in the history with the reason.
///
/// Errors: 400; 401; 403; 404; 422 (reason 1-500 characters).
#[server(prefix = "/api", endpoint = "rounds/correct", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn correct_round(
    id: i32,
    reason: Reason,
    #[server(default)] round: RoundInput,
) -> Result<Round, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let corrected =
        service::correct(&state.db, &caller, id, &reason, &round, state.clock.now()).await?;
    auth::redirect_form_post(&format!("/patients/{}", corrected.patient_id));
    Ok(corrected)
}

/// Deletes a round; its values and the reason stay in the history.
///
/// Errors: 401; 403; 404; 422.
#[server(prefix = "/api", endpoint = "rounds/delete", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn delete_round(id: i32, reason: Reason) -> Result<(), AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::delete(&state.db, &caller, id, &reason, state.clock.now()).await
}

/// The patient's charted measurements and NEWS2 over the last day (span=day) or the whole stay (span=course), summed into at most `buckets` equal stretches of time per series (default 120, at most 2000): each point is a single value or a bucket's min, max, mean and count, at the time of its newest value; each series also carries its newest value as measured; fluids are summed per shift (day) or per day (course). Query: patient_id, span, buckets.
///
/// Errors: 401; 404; 422 span or buckets out of range.
#[server(prefix = "/api", endpoint = "rounds/charts", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn patient_charts(
    patient_id: i32,
    #[server(default)] span: Option<super::series::SpanName>,
    #[server(default)] buckets: Option<u64>,
) -> Result<super::series::Charts, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let span = match span.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => super::series::Span::Day,
        Some(code) => super::series::Span::parse(code)
            .ok_or_else(|| AppError::invalid("span", "must be day or course"))?,
    };
    clinical::charts(
        &state.db,
        &caller,
        patient_id,
        span,
        buckets,
        state.clock.now(),
    )
    .await
}

/// The patient's dengue phase (febrile, critical, recovery, afebrile) and NEWS2 (total, band, points per parameter), each with its reason. Query: patient_id.
///
/// Errors: 401; 404.
#[server(prefix = "/api", endpoint = "rounds/status", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn patient_status(patient_id: i32) -> Result<ClinicalStatus, AppError> {
    let (state, caller) = auth::current_caller().await?;
    clinical::clinical_status(&state.db, &caller, patient_id, state.clock.now()).await
}

/// Sets the patient's dengue phase by hand (febrile, critical, recovery, afebrile); it wins over the rules until cleared. The reason is kept in the history.
///
/// Errors: 401; 403; 404; 422 unknown phase or empty reason.
#[server(prefix = "/api", endpoint = "rounds/phase", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn set_phase(
    patient_id: i32,
    phase: PhaseName,
    reason: Reason,
) -> Result<ClinicalStatus, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let status = clinical::set_phase(
        &state.db,
        &caller,
        patient_id,
        Some(&*phase),
        &reason,
        state.clock.now(),
    )
    .await?;
    auth::redirect_form_post(&format!("/patients/{patient_id}"));
    Ok(status)
}

/// Returns the phase to the rules; the reason is kept in the history.
///
/// Errors: 401; 403; 404; 422 empty reason.
#[server(prefix = "/api", endpoint = "rounds/phase/clear", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn clear_phase(patient_id: i32, reason: Reason) -> Result<ClinicalStatus, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let status = clinical::set_phase(
        &state.db,
        &caller,
        patient_id,
        None,
        &reason,
        state.clock.now(),
    )
    .await?;
    auth::redirect_form_post(&format!("/patients/{patient_id}"));
    Ok(status)
}

crate::text!(
    /// Medical advice: 1–4,000 characters, not only spaces.
    AdviceText,
    max_length = crate::rules::NOTE_MAX,
    pattern = crate::wire::FILLED_PATTERN,
);

/// The newest medical advice on a patient, from a round or given on its own, with who and when; null when none. Query: patient_id.
///
/// Errors: 401; 404.
#[server(prefix = "/api", endpoint = "patients/advice", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn patient_advice(patient_id: i32) -> Result<Option<Advice>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    super::advice::latest(&state.db, &caller, patient_id).await
}

/// Gives medical advice on an admitted patient, outside a round: open to every role (a remote consultant is an observer). The history keeps it; the ward's screens show it at once.
///
/// Errors: 401; 404; 409 discharged; 422 advice empty or longer than 4,000 characters.
#[server(prefix = "/api", endpoint = "patients/advice/give", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn give_advice(patient_id: i32, advice: AdviceText) -> Result<Advice, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let given =
        super::advice::give(&state.db, &caller, patient_id, &advice, state.clock.now()).await?;
    auth::redirect_form_post(&format!("/patients/{patient_id}"));
    Ok(given)
}

/// A ward's shift handover, sickest first: per admitted patient the phase, NEWS2 at the start of the shift and after each of its rounds, the newest values, the fluid balance of the shift and of 24 h, urine output per kg, open alerts, the newest clinical note and medical advice; with when and by whom it was printed. Query: ward_id.
///
/// Errors: 401; 404 a ward not among the caller's.
#[server(prefix = "/api", endpoint = "wards/handover", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn ward_handover(ward_id: i32) -> Result<super::Handover, AppError> {
    let (state, caller) = auth::current_caller().await?;
    super::handover::handover(&state.db, &caller, ward_id, state.clock.now()).await
}
