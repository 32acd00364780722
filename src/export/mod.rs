//! CSV files for spreadsheets and registries: a patient's rounds, and a
//! ward's admitted patients with their newest values. Plain routes over the
//! same services, sign-in and ward scope as every other door; written as
//! they are read, in UTF-8 with the hospital's time zone named, every cell
//! that a spreadsheet would take for a formula neutralised.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::StreamExt;

use crate::accounts::Caller;
use crate::accounts::auth::request_caller;
use crate::error::AppError;
use crate::patients::Patient;
use crate::patients::service::{self as patients, ListQuery};
use crate::platform::state::AppState;
use crate::rounds::Round;
use crate::rounds::service as rounds;
use crate::rules::NUMERIC_FIELDS;
use crate::vocabulary::Vocabulary;
use crate::zones;

/// Rounds read from the database at a time.
const PIECE: u64 = 500;

/// The CSV routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/patients/{id}/rounds.csv", get(patient_rounds))
        .route("/export/wards/{id}/patients.csv", get(ward_patients))
}

/// Who is asking: the bearer token's or the session's caller.
struct Asking(Caller);

impl FromRequestParts<AppState> for Asking {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(Asking(request_caller(&state.db, parts).await?))
    }
}

/// A cell as written: text a spreadsheet would read as a formula starts
/// with an apostrophe.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Rows as CSV bytes.
fn rows(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Bytes, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|c| cell(c)))
            .map_err(|e| AppError::internal("CSV", e))?;
    }
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|e| AppError::internal("CSV", e))
}

fn attachment(name: &str, body: Body) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    zones::hospital()
        .local(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The header of the rounds file: every field, units named.
fn rounds_header() -> Vec<String> {
    let zone = &zones::hospital().name;
    let mut header = vec![
        "Round".to_owned(),
        format!("Measured at ({zone})"),
        "Shift".to_owned(),
        "Recorded by".to_owned(),
    ];
    header.extend(NUMERIC_FIELDS.iter().map(|f| match f.display_unit() {
        "" => f.label.to_owned(),
        unit => format!("{} ({unit})", f.label),
    }));
    header.extend(
        [
            "On oxygen",
            "Consciousness (ACVPU)",
            "Warning signs",
            "Clinical notes",
            "Medical advice",
        ]
        .map(str::to_owned),
    );
    header
}

fn round_row(round: &Round) -> Vec<String> {
    let v = &round.values;
    let mut row = vec![
        round.id.to_string(),
        local(v.measured_at),
        v.shift.code().to_owned(),
        round.recorded_by.clone(),
    ];
    row.extend(NUMERIC_FIELDS.iter().map(|f| number(v.numeric(f.name))));
    row.push(
        v.on_oxygen
            .map(|o| if o { "yes" } else { "no" }.to_owned())
            .unwrap_or_default(),
    );
    row.push(
        v.consciousness
            .map(|c| c.code().to_owned())
            .unwrap_or_default(),
    );
    row.push(
        v.warning_signs
            .iter()
            .map(|w| w.code())
            .collect::<Vec<_>>()
            .join(" "),
    );
    row.push(v.clinical_notes.clone().unwrap_or_default());
    row.push(v.medical_advice.clone().unwrap_or_default());
    row
}

/// Every round of a patient's stay, oldest first.
async fn patient_rounds(
    State(state): State<AppState>,
    Asking(caller): Asking,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i32 = id
        .parse()
        .map_err(|_| AppError::NotFound(format!("Patient {id}")))?;
    let patient = patients::get(&state.db, &caller, id).await?;
    let head = rows([rounds_header()])?;
    let db = state.db.clone();
    let pieces = futures::stream::try_unfold(Some(None), move |after| {
        let db = db.clone();
        async move {
            let Some(after) = after else {
                return Ok::<_, AppError>(None);
            };
            let stay = rounds::stay_after(&db, id, after, PIECE).await?;
            let Some(last) = stay.last() else {
                return Ok(None);
            };
            let next = Some((last.values.measured_at, last.id));
            Ok(Some((rows(stay.iter().map(round_row))?, Some(next))))
        }
    });
    let body = futures::stream::once(async move { Ok::<_, AppError>(head) })
        .chain(pieces)
        .map(|piece| piece.map_err(std::io::Error::other));
    let name = format!(
        "rounds-{}.csv",
        patient
            .values
            .hospital_number
            .replace(['"', '/', '\\'], "_")
    );
    Ok(attachment(&name, Body::from_stream(body)))
}

fn patients_header() -> Vec<String> {
    let zone = &zones::hospital().name;
    [
        "Bed",
        "Last name",
        "First name",
        "Hospital number",
        "Admission number",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([
        format!("Admitted at ({zone})"),
        "Phase".to_owned(),
        "NEWS2".to_owned(),
        "NEWS2 response".to_owned(),
        format!("Last round at ({zone})"),
        "Respiration (/min)".to_owned(),
        "SpO2 (%)".to_owned(),
        "On oxygen".to_owned(),
        "Systolic BP (mmHg)".to_owned(),
        "Pulse (/min)".to_owned(),
        "Consciousness (ACVPU)".to_owned(),
        "Temperature (°C)".to_owned(),
        "Open alerts".to_owned(),
    ])
    .collect()
}

fn patient_row(p: &Patient) -> Vec<String> {
    let v = &p.values;
    let s = &p.status;
    let o = &s.observations;
    let int = |x: Option<i32>| x.map(|x| x.to_string()).unwrap_or_default();
    vec![
        v.bed.clone().unwrap_or_default(),
        v.last_name.clone(),
        v.first_name.clone(),
        v.hospital_number.clone(),
        v.admission_number.clone().unwrap_or_default(),
        local(v.admitted_at),
        s.phase.map(|ph| ph.label().to_owned()).unwrap_or_default(),
        s.news2_total.map(|n| n.to_string()).unwrap_or_default(),
        s.news2_band
            .map(|b| b.label().to_owned())
            .unwrap_or_default(),
        s.last_round_at.map(local).unwrap_or_default(),
        int(o.respiration_per_min),
        int(o.spo2_percent),
        o.on_oxygen
            .map(|x| if x { "yes" } else { "no" }.to_owned())
            .unwrap_or_default(),
        int(o.systolic_mmhg),
        int(o.pulse_per_min),
        o.consciousness
            .map(|c| c.code().to_owned())
            .unwrap_or_default(),
        number(o.temperature_c),
        p.open_alerts.len().to_string(),
    ]
}

/// A ward's admitted patients, by last and first name, with their newest
/// values.
async fn ward_patients(
    State(state): State<AppState>,
    Asking(caller): Asking,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let missing = || AppError::NotFound(format!("Ward {id}"));
    let ward: i32 = id.parse().map_err(|_| missing())?;
    if !caller.wards.includes(ward) {
        return Err(missing());
    }
    let mut all = vec![patients_header()];
    let mut page = 1;
    loop {
        let query = ListQuery {
            ward_id: Some(ward),
            page: Some(page),
            per_page: Some(crate::paging::MAX_PER_PAGE),
            ..Default::default()
        };
        let found = patients::list(&state.db, &caller, query).await?;
        all.extend(found.items.iter().map(patient_row));
        if page >= found.pages() {
            break;
        }
        page += 1;
    }
    Ok(attachment(
        &format!("ward-{ward}-patients.csv"),
        Body::from(rows(all)?),
    ))
}
