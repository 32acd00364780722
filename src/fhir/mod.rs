//! The FHIR R4 facade under `/fhir`: patients and their rounds' measurements
//! as Patient and Observation resources, and Observations sent by other
//! systems recorded as rounds. Plain routes (resources have ids in their
//! paths) over the same services, sign-in and ward scope as every other
//! door; errors are OperationOutcomes.

pub mod import;
pub mod resources;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fhirbolt::model::r4::Resource;
use fhirbolt::model::r4::resources::{
    Bundle, BundleEntry, CapabilityStatement, CapabilityStatementRest,
    CapabilityStatementRestInteraction, CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction, CapabilityStatementRestResourceOperation,
    CapabilityStatementRestResourceSearchParam, CapabilityStatementSoftware, OperationOutcome,
    OperationOutcomeIssue,
};
use futures::StreamExt;
use serde::Deserialize;

use crate::accounts::Caller;
use crate::accounts::auth::request_caller;
use crate::error::AppError;
use crate::patients::service::{self as patients, ListQuery};
use crate::platform::state::AppState;
use crate::rounds::service::{self as rounds, RangeQuery};
use resources::{Measure, entry, observation, parse_observation_id, searchset};

/// The media type of every answer.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";
/// Where the facade answers.
pub const BASE: &str = "/fhir";
/// The largest transaction Bundle taken, in bytes.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Rounds read from the database at a time while a whole stay is sent.
const STAY_PIECE: u64 = 500;

/// The facade's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            BASE,
            post(transaction).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/fhir/metadata", get(metadata))
        .route("/fhir/Patient", get(search_patients))
        .route("/fhir/Patient/{id}", get(read_patient))
        .route("/fhir/Patient/{id}/$everything", get(everything))
        .route("/fhir/Observation", get(search_observations))
        .route("/fhir/Observation/{id}", get(read_observation))
}

fn serialized(resource: &Resource) -> Result<Vec<u8>, AppError> {
    fhirbolt::json::to_vec(resource, None).map_err(|e| AppError::internal("FHIR serialization", e))
}

fn answer(status: StatusCode, resource: &Resource) -> Response {
    match serialized(resource) {
        Ok(body) => (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))],
            body,
        )
            .into_response(),
        Err(e) => outcome(e),
    }
}

/// An error as an OperationOutcome, one issue per bad element.
fn outcome(error: AppError) -> Response {
    let code = match error.status() {
        StatusCode::UNAUTHORIZED => "login",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::CONFLICT => "conflict",
        StatusCode::TOO_MANY_REQUESTS => "throttled",
        s if s.is_server_error() => "exception",
        _ => "invalid",
    };
    let issue = |diagnostics: String, expression: Vec<String>| OperationOutcomeIssue {
        severity: "error".into(),
        code: code.into(),
        diagnostics: Some(diagnostics.into()),
        expression: expression.into_iter().map(Into::into).collect(),
        ..Default::default()
    };
    let issues = match &error {
        AppError::Invalid(fields) => fields
            .iter()
            .map(|f| issue(format!("{}: {}", f.field, f.message), vec![f.field.clone()]))
            .collect(),
        other => vec![issue(other.to_string(), Vec::new())],
    };
    let resource = Resource::OperationOutcome(Box::new(OperationOutcome {
        issue: issues,
        ..Default::default()
    }));
    answer(error.status(), &resource)
}

/// An error answered as an OperationOutcome.
pub struct Outcome(AppError);

impl From<AppError> for Outcome {
    fn from(error: AppError) -> Self {
        Outcome(error)
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        outcome(self.0)
    }
}

/// Who is asking: the bearer token's or the session's caller.
pub struct Asking(Caller);

impl FromRequestParts<AppState> for Asking {
    type Rejection = Outcome;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Outcome> {
        Ok(Asking(request_caller(&state.db, parts).await?))
    }
}

fn id_of(text: &str, kind: &str) -> Result<i32, AppError> {
    text.parse()
        .map_err(|_| AppError::NotFound(format!("{kind} {text}")))
}

/// What the server supports, and nothing more.
async fn metadata() -> Response {
    let interaction = |code: &str| CapabilityStatementRestResourceInteraction {
        code: code.into(),
        ..Default::default()
    };
    let param =
        |name: &str, kind: &str, documentation: &str| CapabilityStatementRestResourceSearchParam {
            name: name.into(),
            r#type: kind.into(),
            documentation: Some(documentation.into()),
            ..Default::default()
        };
    let statement = CapabilityStatement {
        status: "active".into(),
        date: "2026-12-01".into(),
        kind: "instance".into(),
        software: Some(CapabilityStatementSoftware {
            name: "vitalboard".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        fhir_version: "4.0.1".into(),
        format: vec!["json".into()],
        rest: vec![CapabilityStatementRest {
            mode: "server".into(),
            documentation: Some(
                "Sign in with a bearer token (Authorization: Bearer <token>) or the session cookie; \
                 patients and observations are those of the caller's wards. A transaction Bundle \
                 posted to the base records its Observations as rounds, all or none."
                    .into(),
            ),
            interaction: vec![CapabilityStatementRestInteraction {
                code: "transaction".into(),
                ..Default::default()
            }],
            resource: vec![
                CapabilityStatementRestResource {
                    r#type: "Patient".into(),
                    interaction: vec![interaction("read"), interaction("search-type")],
                    search_param: vec![
                        param(
                            "identifier",
                            "token",
                            &format!("{}|number or {}|number", resources::HOSPITAL_NUMBER, resources::ADMISSION_NUMBER),
                        ),
                        param("name", "string", "part of the first or last name"),
                        param("_count", "number", "entries per page, 1-500"),
                        param("_page", "number", "the page, from 1"),
                    ],
                    operation: vec![CapabilityStatementRestResourceOperation {
                        name: "everything".into(),
                        definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything".into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                CapabilityStatementRestResource {
                    r#type: "Observation".into(),
                    interaction: vec![interaction("read"), interaction("search-type")],
                    search_param: vec![
                        param("patient", "reference", "required: the patient's id"),
                        param("category", "token", "vital-signs, laboratory or exam"),
                        param("code", "token", "a LOINC code, or system|code"),
                        param("date", "date", "ge and le prefixes, e.g. ge2026-12-01T00:00:00Z"),
                        param("_count", "number", "rounds per page, 1-500 (each with its observations)"),
                        param("_page", "number", "the page, from 1"),
                    ],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    answer(
        StatusCode::OK,
        &Resource::CapabilityStatement(Box::new(statement)),
    )
}

async fn read_patient(
    State(state): State<AppState>,
    Asking(caller): Asking,
    Path(id): Path<String>,
) -> Result<Response, Outcome> {
    let patient = patients::get(&state.db, &caller, id_of(&id, "Patient")?).await?;
    Ok(answer(
        StatusCode::OK,
        &Resource::Patient(Box::new(resources::patient(&patient))),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct PatientSearch {
    identifier: Option<String>,
    name: Option<String>,
    #[serde(rename = "_count")]
    count: Option<u64>,
    #[serde(rename = "_page")]
    page: Option<u64>,
}

/// A search's `self` link and, unless this is the last page, its `next`.
fn page_links<T>(
    path: &str,
    filters: &[(&str, Option<String>)],
    found: &crate::paging::Page<T>,
) -> Vec<(&'static str, String)> {
    let mut links = vec![("self", page_link(path, filters, found.page, found.per_page))];
    if found.page * found.per_page < found.total {
        links.push((
            "next",
            page_link(path, filters, found.page + 1, found.per_page),
        ));
    }
    links
}

/// The search's own address with another page.
fn page_link(path: &str, query: &[(&str, Option<String>)], page: u64, count: u64) -> String {
    let mut parts: Vec<String> = query
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| format!("{k}={}", crate::address::percent_encode(v)))
        })
        .collect();
    parts.push(format!("_count={count}"));
    parts.push(format!("_page={page}"));
    format!("{path}?{}", parts.join("&"))
}

async fn search_patients(
    State(state): State<AppState>,
    Asking(caller): Asking,
    Query(search): Query<PatientSearch>,
) -> Result<Response, Outcome> {
    let mut query = ListQuery {
        name: search.name.clone(),
        status: crate::patients::Status::All,
        page: search.page,
        per_page: search.count,
        ..Default::default()
    };
    if let Some(identifier) = &search.identifier {
        let (system, value) = identifier.split_once('|').unwrap_or(("", identifier));
        match system {
            resources::HOSPITAL_NUMBER | "" => query.hospital_number = Some(value.to_owned()),
            resources::ADMISSION_NUMBER => query.admission_number = Some(value.to_owned()),
            other => {
                return Err(Outcome(AppError::invalid(
                    "identifier",
                    format!(
                        "unknown system {other}; expected {} or {}",
                        resources::HOSPITAL_NUMBER,
                        resources::ADMISSION_NUMBER
                    ),
                )));
            }
        }
    }
    let found = patients::list(&state.db, &caller, query).await?;
    let filters = [
        ("identifier", search.identifier.clone()),
        ("name", search.name.clone()),
    ];
    let links = page_links("/fhir/Patient", &filters, &found);
    let entries = found
        .items
        .iter()
        .map(|p| {
            entry(
                BASE,
                Resource::Patient(Box::new(resources::patient(p))),
                "Patient",
                &p.id.to_string(),
            )
        })
        .collect();
    let bundle = searchset(Some(found.total as u32), links, entries);
    Ok(answer(StatusCode::OK, &Resource::Bundle(Box::new(bundle))))
}

async fn read_observation(
    State(state): State<AppState>,
    Asking(caller): Asking,
    Path(id): Path<String>,
) -> Result<Response, Outcome> {
    let missing = || AppError::NotFound(format!("Observation {id}"));
    let (round_id, measure) = parse_observation_id(&id).ok_or_else(missing)?;
    let round = match rounds::get(&state.db, &caller, round_id).await {
        Err(AppError::NotFound(_)) => return Err(missing().into()),
        other => other?,
    };
    let sources = rounds::source_ids(&state.db, &[round.id]).await?;
    let known = sources.get(&round.id).map_or(&[][..], Vec::as_slice);
    let found = observation(&round, measure, known).ok_or_else(missing)?;
    Ok(answer(
        StatusCode::OK,
        &Resource::Observation(Box::new(found)),
    ))
}

/// `date=ge…&date=le…`, `code` and the rest, as repeated query pairs.
fn pairs(parts: &Parts) -> Vec<(String, String)> {
    parts
        .uri
        .query()
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default()
}

fn time_param(value: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    let parsed = chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        });
    parsed.map_err(|_| {
        AppError::invalid(
            "date",
            format!("'{value}' is not a date (YYYY-MM-DD) or a date and time with a zone"),
        )
    })
}

async fn search_observations(
    State(state): State<AppState>,
    Asking(caller): Asking,
    parts: Parts,
) -> Result<Response, Outcome> {
    let query = pairs(&parts);
    let mut patient = None;
    let mut range = RangeQuery::default();
    let mut categories = Vec::new();
    let mut codes: Vec<Measure> = Vec::new();
    for (key, value) in &query {
        match key.as_str() {
            "patient" | "subject" => {
                let id = value.strip_prefix("Patient/").unwrap_or(value);
                patient = Some(
                    id.parse::<i32>()
                        .map_err(|_| AppError::invalid("patient", "expected a patient's id"))?,
                );
            }
            "category" => {
                let code = value.rsplit('|').next().unwrap_or(value);
                let category = crate::rules::fields::Category::ALL
                    .into_iter()
                    .find(|c| c.code() == code)
                    .ok_or_else(|| {
                        AppError::invalid("category", "expected vital-signs, laboratory or exam")
                    })?;
                categories.push(category);
            }
            "code" => {
                for one in value.split(',') {
                    let (system, code) = one
                        .split_once('|')
                        .unwrap_or((crate::rules::fields::LOINC, one));
                    let measure = Measure::of_code(system, code)
                        .ok_or_else(|| AppError::invalid("code", format!("unknown code {one}")))?;
                    codes.push(measure);
                }
            }
            "date" => {
                if let Some(t) = value.strip_prefix("ge") {
                    range.from = Some(time_param(t)?);
                } else if let Some(t) = value.strip_prefix("le") {
                    range.to = Some(time_param(t)?);
                } else {
                    return Err(Outcome(AppError::invalid(
                        "date",
                        "expected the prefix ge or le",
                    )));
                }
            }
            "_count" => {
                range.per_page = Some(
                    value
                        .parse()
                        .map_err(|_| AppError::invalid("_count", "expected a whole number"))?,
                )
            }
            "_page" => {
                range.page = Some(
                    value
                        .parse()
                        .map_err(|_| AppError::invalid("_page", "expected a whole number"))?,
                )
            }
            other => {
                return Err(Outcome(AppError::invalid(
                    other,
                    "is not a supported search parameter of Observation",
                )));
            }
        }
    }
    let patient = patient.ok_or_else(|| AppError::invalid("patient", "is required"))?;
    let found = rounds::list(&state.db, &caller, patient, range).await?;
    let wanted = |m: Measure| {
        (categories.is_empty() || categories.contains(&m.category()))
            && (codes.is_empty() || codes.contains(&m))
    };
    let entries = observation_entries(&state.db, &found.items, wanted).await?;
    let filters: Vec<(&str, Option<String>)> = query
        .iter()
        .filter(|(k, _)| k != "_count" && k != "_page")
        .map(|(k, v)| (k.as_str(), Some(v.clone())))
        .collect();
    let links = page_links("/fhir/Observation", &filters, &found);
    let bundle = searchset(None, links, entries);
    Ok(answer(StatusCode::OK, &Resource::Bundle(Box::new(bundle))))
}

/// The patient and every Observation of the stay as one searchset Bundle,
/// written as it is read: a piece of rounds at a time.
async fn everything(
    State(state): State<AppState>,
    Asking(caller): Asking,
    Path(id): Path<String>,
) -> Result<Response, Outcome> {
    let patient = patients::get(&state.db, &caller, id_of(&id, "Patient")?).await?;
    let first = entry(
        BASE,
        Resource::Patient(Box::new(resources::patient(&patient))),
        "Patient",
        &patient.id.to_string(),
    );
    let mut head = br#"{"resourceType":"Bundle","type":"searchset","entry":["#.to_vec();
    head.extend(entries_json(vec![first])?);
    let db = state.db.clone();
    let patient_id = patient.id;
    let pieces = futures::stream::try_unfold(Some(None), move |after| {
        let db = db.clone();
        async move {
            let Some(after) = after else {
                return Ok::<_, AppError>(None);
            };
            let stay = rounds::stay_after(&db, patient_id, after, STAY_PIECE).await?;
            let Some(last) = stay.last() else {
                return Ok(Some((Bytes::from_static(b"]}"), None)));
            };
            let next = Some((last.values.measured_at, last.id));
            let mut piece = Vec::new();
            let entries = observation_entries(&db, &stay, |_| true).await?;
            if !entries.is_empty() {
                piece.push(b',');
                piece.extend(entries_json(entries)?);
            }
            Ok(Some((Bytes::from(piece), Some(next))))
        }
    });
    let body =
        futures::stream::once(async move { Ok::<_, AppError>(Bytes::from(head)) }).chain(pieces);
    Ok((
        [(CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))],
        Body::from_stream(body.map(|piece| piece.map_err(std::io::Error::other))),
    )
        .into_response())
}

/// The Observations of `stay` that are `wanted`, as searchset entries.
async fn observation_entries(
    db: &sea_orm::DatabaseConnection,
    stay: &[crate::rounds::Round],
    wanted: impl Fn(Measure) -> bool,
) -> Result<Vec<BundleEntry>, AppError> {
    let ids: Vec<i32> = stay.iter().map(|r| r.id).collect();
    let sources = rounds::source_ids(db, &ids).await?;
    let mut entries = Vec::new();
    for round in stay {
        let known = sources.get(&round.id).map_or(&[][..], Vec::as_slice);
        for measure in Measure::all().filter(|m| wanted(*m)) {
            if let Some(found) = observation(round, measure, known) {
                let id = resources::observation_id(round.id, measure);
                entries.push(entry(
                    BASE,
                    Resource::Observation(Box::new(found)),
                    "Observation",
                    &id,
                ));
            }
        }
    }
    Ok(entries)
}

/// Bundle entries as JSON, separated by commas: the inside of a Bundle's
/// `entry` array.
fn entries_json(entries: Vec<BundleEntry>) -> Result<Vec<u8>, AppError> {
    let bundle = Resource::Bundle(Box::new(Bundle {
        r#type: "searchset".into(),
        entry: entries,
        ..Default::default()
    }));
    let json = serialized(&bundle)?;
    let opening = b"\"entry\":[";
    let inside = json
        .windows(opening.len())
        .position(|w| w == opening)
        .map(|at| at + opening.len())
        .filter(|_| json.ends_with(b"]}"))
        .map(|at| json[at..json.len() - 2].to_vec());
    inside.ok_or_else(|| AppError::internal("FHIR serialization", "a Bundle without its entries"))
}

/// Records the Observations of a transaction Bundle as rounds.
async fn transaction(
    State(state): State<AppState>,
    Asking(caller): Asking,
    body: Bytes,
) -> Result<Response, Outcome> {
    let resource: Resource = fhirbolt::json::from_slice(&body, None)
        .map_err(|e| AppError::invalid("Bundle", format!("is not a FHIR R4 resource: {e}")))?;
    let Resource::Bundle(bundle) = resource else {
        return Err(Outcome(AppError::invalid(
            "resourceType",
            "expected Bundle",
        )));
    };
    let read = import::read(&bundle)?;
    let mut checked = std::collections::HashSet::new();
    for (index, (group, _)) in read.entries.iter().enumerate() {
        let patient_id = read.rounds[*group].patient_id;
        if !checked.insert(patient_id) {
            continue;
        }
        if let Err(AppError::NotFound(_)) = patients::get(&state.db, &caller, patient_id).await {
            return Err(Outcome(AppError::invalid(
                format!("Bundle.entry[{index}].resource.subject.reference"),
                format!("Patient/{patient_id} is not a patient of your wards"),
            )));
        }
    }
    let outcomes = rounds::import(&state.db, &caller, &read.rounds, state.clock.now())
        .await
        .map_err(|e| read.locate(e))?;
    let response = read.response(&outcomes);
    Ok(answer(
        StatusCode::OK,
        &Resource::Bundle(Box::new(response)),
    ))
}
