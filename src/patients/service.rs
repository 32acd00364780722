//! Patients: the only code that touches the patients table. Every function
//! takes the `Caller`; a patient of a ward the caller may not see is
//! answered exactly like one that does not exist.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};

use super::entity;
use super::{Patient, PatientInput, PatientValues, Sex, Status, StatusDetails, StoredStatus};
use crate::accounts::wards::ward_names;
use crate::accounts::{Caller, WardScope};
use crate::error::{AppError, FieldError};
use crate::history::HistoryAction;
use crate::history::service::{self as history, Subject};
use crate::notifications::answers;
use crate::notifications::service::{About, notify};
use crate::notifications::{Acknowledgement, Alert, Kind, OpenAlert, Snapshot};
use crate::paging::{MAX_PER_PAGE, Page, fetch_page, paging};
use crate::platform::db::write;
use crate::platform::events::{self, Audience, Change, Topic};
use crate::rules::ClinicalStatus;
use crate::rules::course::Course;
use crate::rules::news2::Band;
use crate::rules::parse_time;
use crate::rules::phase::{Assessment, ManualPhase, Phase};
use crate::vocabulary::Vocabulary;
use crate::zones;

const DEFAULT_PER_PAGE: u64 = 25;
/// Changes shown on one page of a patient's history.
const HISTORY_PER_PAGE: u64 = 50;

/// What a patient list asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Part of a name, hospital number or admission number.
    pub search: Option<String>,
    /// Part of the first or last name.
    pub name: Option<String>,
    /// This hospital number exactly.
    pub hospital_number: Option<String>,
    /// This admission number exactly.
    pub admission_number: Option<String>,
    /// Patients of this ward only.
    pub ward_id: Option<i32>,
    pub status: Status,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn not_found(id: i32) -> AppError {
    AppError::NotFound(format!("Patient {id}"))
}

/// Restricts a query to the caller's wards.
pub fn in_scope(scope: &WardScope) -> Condition {
    match scope {
        WardScope::All => Condition::all(),
        WardScope::Only(ids) => Condition::all().add(entity::Column::WardId.is_in(ids.clone())),
    }
}

/// The patient, if the caller may see it. This is the one place that decides.
pub async fn visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<entity::Model, AppError> {
    entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| caller.wards.includes(p.ward_id))
        .ok_or_else(|| not_found(id))
}

fn values_of(m: &entity::Model) -> PatientValues {
    PatientValues {
        first_name: m.first_name.clone(),
        last_name: m.last_name.clone(),
        hospital_number: m.hospital_number.clone(),
        admission_number: m.admission_number.clone(),
        birth_date: m.birth_date,
        sex: Sex::parse(&m.sex).unwrap_or(Sex::Unknown),
        ward_id: m.ward_id,
        bed: m.bed.clone(),
        admitted_at: m.admitted_at,
        monitoring_interval_hours: m.monitoring_interval_hours,
        spo2_scale2: m.spo2_scale2,
        baseline_hematocrit_percent: m.baseline_hematocrit_percent,
    }
}

/// The clinical state as stored with the patient.
pub fn stored_status(m: &entity::Model) -> StoredStatus {
    let details: StatusDetails = parsed(&m.status_details);
    StoredStatus {
        phase: m.phase.as_deref().and_then(Phase::parse),
        phase_reason: m.phase_reason.clone(),
        phase_since: m.phase_since,
        manual: m.manual_phase.is_some(),
        news2_total: m.news2_total.and_then(|t| u8::try_from(t).ok()),
        news2_band: m.news2_band.as_deref().and_then(Band::parse),
        observations: parsed(&m.observations),
        last_round_at: m.last_round_at,
        details,
    }
}

/// The JSON of a column, or the default when none or unreadable.
fn parsed<T: serde::de::DeserializeOwned + Default>(text: &Option<String>) -> T {
    text.as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

/// Whether `status` differs from what is stored with the patient.
pub fn differs(m: &entity::Model, status: &ClinicalStatus) -> bool {
    let stored = stored_status(m);
    stored.phase != Some(status.phase.phase)
        || stored.phase_since != status.phase.since
        || stored.phase_reason.as_deref() != Some(status.phase.reason.as_str())
        || stored.news2_total != Some(status.news2.total)
        || stored.news2_band != Some(status.news2.band)
        || stored.details.stale != status.stale
        || stored.details.missing != status.news2.missing
        || stored.details.fluids != status.fluids
}

fn patient_of(
    m: entity::Model,
    wards: &HashMap<i32, String>,
    alerts: &mut HashMap<i32, Vec<OpenAlert>>,
) -> Patient {
    Patient {
        id: m.id,
        ward_name: wards.get(&m.ward_id).cloned().unwrap_or_default(),
        values: values_of(&m),
        status: stored_status(&m),
        open_alerts: alerts.remove(&m.id).unwrap_or_default(),
        discharged_at: m.discharged_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// One patient as shown: with its ward's name and its open alerts.
async fn shown(db: &impl ConnectionTrait, m: entity::Model) -> Result<Patient, AppError> {
    let mut alerts = answers::open_of(db, &[m.id]).await?;
    Ok(patient_of(m, &ward_names(db).await?, &mut alerts))
}

/// The phase set by hand, if any.
pub fn manual_phase(m: &entity::Model) -> Option<ManualPhase> {
    m.manual_phase
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
}

/// The stored state alerts compare against.
pub fn snapshot(m: &entity::Model) -> Snapshot {
    let status = stored_status(m);
    Snapshot {
        phase: status.phase,
        band: status.news2_band,
        total: status.news2_total,
    }
}

fn as_json<T: serde::Serialize>(what: &str, value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::internal(what, e))
}

/// The course of the stay kept with the patient, if one is kept.
pub fn kept_course(m: &entity::Model) -> Option<Course> {
    m.course
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
}

/// The phase as stored with the patient, if assessed.
pub fn stored_phase(m: &entity::Model) -> Option<Assessment> {
    let status = stored_status(m);
    Some(Assessment {
        phase: status.phase?,
        reason: status.phase_reason.unwrap_or_default(),
        since: status.phase_since,
        manual: status.manual,
    })
}

/// The patient, locked for the rest of the transaction where the database
/// can lock a row (PostgreSQL; SQLite writes one transaction at a time).
pub async fn locked(txn: &DatabaseTransaction, id: i32) -> Result<Option<entity::Model>, AppError> {
    Ok(entity::Entity::find_by_id(id)
        .filter(entity::Column::DischargedAt.is_null())
        .lock_exclusive()
        .one(txn)
        .await?)
}

/// Stores a newly assessed status and the course it came from with the
/// patient; when the status changed or `raised` alerts, the patient's
/// subscribers are told.
pub async fn store_status(
    txn: &DatabaseTransaction,
    existing: entity::Model,
    status: &ClinicalStatus,
    course: &Course,
    raised: bool,
) -> Result<entity::Model, AppError> {
    let before = stored_status(&existing);
    let mut model: entity::ActiveModel = existing.into();
    model.phase = Set(Some(status.phase.phase.code().to_owned()));
    model.phase_reason = Set(Some(status.phase.reason.clone()));
    model.phase_since = Set(status.phase.since);
    model.news2_total = Set(Some(i32::from(status.news2.total)));
    model.news2_band = Set(Some(status.news2.band.code().to_owned()));
    model.observations = Set(Some(as_json("observations", &status.observations)?));
    model.course = Set(Some(as_json("course", course)?));
    let details = StatusDetails {
        stale: status.stale.clone(),
        missing: status.news2.missing.clone(),
        fluids: status.fluids.clone(),
        previous_news2: if before.news2_total == Some(status.news2.total) {
            before.details.previous_news2
        } else {
            before.news2_total
        },
    };
    model.status_details = Set(Some(as_json("status details", &details)?));
    model.last_round_at = Set(course.newest_at);
    let model = model.update(txn).await?;
    if raised || stored_status(&model) != before {
        let audience = Audience::Patient {
            patient_id: model.id,
            ward_id: model.ward_id,
        };
        let patient = shown(txn, model.clone()).await?;
        events::append(txn, Topic::Patients, Change::Update, audience, &patient).await?;
    }
    Ok(model)
}

/// Tells the patient's subscribers that something about it changed (an
/// alert raised, advice given).
pub async fn touched(txn: &DatabaseTransaction, patient_id: i32) -> Result<(), AppError> {
    if let Some(model) = entity::Entity::find_by_id(patient_id).one(txn).await? {
        publish_change(txn, Change::Update, model).await?;
    }
    Ok(())
}

/// Acknowledges an open alert about a patient the caller may see, with a
/// response and an optional note (clinicians and administrators). Who,
/// when and how is kept in the patient's history and pushed live; an alert
/// already acknowledged is refused with who did it.
pub async fn acknowledge(
    db: &DatabaseConnection,
    caller: &Caller,
    alert_id: i64,
    response: &str,
    note: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> Result<Patient, AppError> {
    caller.require_clinical_writer()?;
    let mut answer = Acknowledgement::parse(response, note)?;
    let missing = || AppError::NotFound(format!("Alert {alert_id}"));
    write(db, async |txn| {
        let alert = answers::find(txn, alert_id).await?.ok_or_else(missing)?;
        let patient = visible(txn, caller, alert.patient_id)
            .await
            .map_err(|_| missing())?;
        answer.alert = alert.message.clone();
        let by = history::actor_name(caller);
        if !answers::acknowledge(txn, alert_id, &by, &answer, now).await? {
            let who = alert.acknowledged_by.unwrap_or_else(|| "someone".into());
            return Err(AppError::Conflict(format!(
                "This alert was already acknowledged by {who}."
            )));
        }
        let subject = Subject::patient(patient.id);
        let reason = answer.summary();
        history::record(
            txn,
            caller,
            subject,
            HistoryAction::Answer,
            Some(&reason),
            None,
            Some(&answer),
        )
        .await?;
        publish_change(txn, Change::Update, patient).await
    })
    .await
}

/// Escalates every open alert past its response time, once however many
/// servers check: every clinician and administrator of the ward is told,
/// and the patient's history keeps it. Returns how many were escalated.
pub async fn escalate_overdue(
    db: &DatabaseConnection,
    now: chrono::DateTime<Utc>,
) -> Result<usize, AppError> {
    let display = crate::display::service::hospital();
    let mut escalated = 0;
    for alert in answers::overdue(db, now).await? {
        let done = write(db, async |txn| {
            if !answers::mark_escalated(txn, alert.id, now).await? {
                return Ok(false);
            }
            let within = (alert.respond_by - alert.raised_at).num_minutes();
            let escalation = Alert {
                kind: Kind::Escalated,
                message: format!("Escalated: {}", alert.message),
                reason: format!(
                    "Not acknowledged within {within} min of {}: {}",
                    display.time(alert.raised_at),
                    alert.reason
                ),
                band: None,
            };
            let about = About {
                patient_id: alert.patient_id,
                ward_id: alert.ward_id,
            };
            notify(txn, about, &escalation, now).await?;
            let subject = Subject::patient(alert.patient_id);
            history::by_rules(
                txn,
                subject,
                HistoryAction::Escalate,
                &escalation.reason,
                None,
                Some(&escalation.message),
                now,
            )
            .await?;
            touched(txn, alert.patient_id).await?;
            Ok(true)
        })
        .await?;
        escalated += usize::from(done);
    }
    Ok(escalated)
}

/// Sets or clears the phase set by hand.
pub async fn set_manual_phase(
    txn: &DatabaseTransaction,
    existing: entity::Model,
    manual: Option<&ManualPhase>,
) -> Result<entity::Model, AppError> {
    let text = manual.map(|m| as_json("manual phase", m)).transpose()?;
    let mut model: entity::ActiveModel = existing.into();
    model.manual_phase = Set(text);
    Ok(model.update(txn).await?)
}

/// Tells the patient's users of an admission or discharge.
async fn announce(
    txn: &DatabaseTransaction,
    model: &entity::Model,
    kind: Kind,
    caller: &Caller,
) -> Result<(), AppError> {
    let bed = model
        .bed
        .as_deref()
        .map(|b| format!(", bed {b}"))
        .unwrap_or_default();
    let name = format!("{}, {}", model.last_name, model.first_name);
    let (message, reason) = match kind {
        Kind::Admitted => (
            format!("Admitted: {name}{bed}"),
            format!(
                "Admitted by {}; rounds every {} h.",
                history::actor_name(caller),
                model.monitoring_interval_hours
            ),
        ),
        _ => (
            format!("Discharged: {name}"),
            format!("Discharged by {}.", history::actor_name(caller)),
        ),
    };
    notify(
        txn,
        About {
            patient_id: model.id,
            ward_id: model.ward_id,
        },
        &Alert {
            kind,
            message,
            reason,
            band: None,
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

fn apply(values: &PatientValues, model: &mut entity::ActiveModel) {
    model.ward_id = Set(values.ward_id);
    model.first_name = Set(values.first_name.clone());
    model.last_name = Set(values.last_name.clone());
    model.hospital_number = Set(values.hospital_number.clone());
    model.admission_number = Set(values.admission_number.clone());
    model.birth_date = Set(values.birth_date);
    model.sex = Set(values.sex.code().to_owned());
    model.bed = Set(values.bed.clone());
    model.admitted_at = Set(values.admitted_at);
    model.monitoring_interval_hours = Set(values.monitoring_interval_hours);
    model.spo2_scale2 = Set(values.spo2_scale2);
    model.baseline_hematocrit_percent = Set(values.baseline_hematocrit_percent);
    model.updated_at = Set(Utc::now());
}

fn duplicate_number(err: sea_orm::DbErr, number: &str) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(format!(
            "A patient with hospital number {number} is already recorded."
        )),
        _ => err.into(),
    }
}

/// Stores the event of a change to a patient in its transaction; returns
/// the patient as the event carries it.
async fn publish_change(
    txn: &sea_orm::DatabaseTransaction,
    change: Change,
    model: entity::Model,
) -> Result<Patient, AppError> {
    let audience = Audience::Patient {
        patient_id: model.id,
        ward_id: model.ward_id,
    };
    let patient = shown(txn, model).await?;
    events::append(txn, Topic::Patients, change, audience, &patient).await?;
    Ok(patient)
}

/// Parses the input and checks the ward exists and is one the caller may
/// use.
async fn checked_values(
    db: &impl ConnectionTrait,
    caller: &Caller,
    input: &PatientInput,
) -> Result<PatientValues, AppError> {
    let values = input.parse(Utc::now(), zones::hospital())?;
    if !caller.wards.includes(values.ward_id) {
        return Err(AppError::invalid("ward_id", "choose one of your wards"));
    }
    if !ward_names(db).await?.contains_key(&values.ward_id) {
        return Err(AppError::invalid(
            "ward_id",
            format!("no such ward: {}", values.ward_id),
        ));
    }
    Ok(values)
}

/// A condition that one of `columns` contains `text`, whatever the case
/// (none for no text).
fn containing(
    field: &str,
    text: Option<&str>,
    columns: &[entity::Column],
) -> Result<Option<Condition>, AppError> {
    let Some(text) = text.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > 100 {
        return Err(AppError::invalid(field, "must be at most 100 characters"));
    }
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = || LikeExpr::new(format!("%{escaped}%")).escape('\\');
    let mut any = Condition::any();
    for column in columns {
        any = any.add(Expr::expr(Func::lower(Expr::col(*column))).like(pattern()));
    }
    Ok(Some(any))
}

/// A page of the caller's patients, by last and first name.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    query: ListQuery,
) -> Result<Page<Patient>, AppError> {
    let (page, per_page) = paging(query.page, query.per_page, DEFAULT_PER_PAGE)?;
    let mut select = entity::Entity::find().filter(in_scope(&caller.wards));
    select = match query.status {
        Status::Admitted => select.filter(entity::Column::DischargedAt.is_null()),
        Status::Discharged => select.filter(entity::Column::DischargedAt.is_not_null()),
        Status::All => select,
    };
    let names = [entity::Column::FirstName, entity::Column::LastName];
    let numbers = [
        entity::Column::HospitalNumber,
        entity::Column::AdmissionNumber,
    ];
    if let Some(any) = containing(
        "search",
        query.search.as_deref(),
        &[names, numbers].concat(),
    )? {
        select = select.filter(any);
    }
    if let Some(any) = containing("name", query.name.as_deref(), &names)? {
        select = select.filter(any);
    }
    if let Some(number) = query.hospital_number {
        select = select.filter(entity::Column::HospitalNumber.eq(number));
    }
    if let Some(number) = query.admission_number {
        select = select.filter(entity::Column::AdmissionNumber.eq(number));
    }
    if let Some(ward) = query.ward_id {
        select = select.filter(entity::Column::WardId.eq(ward));
    }
    let select = select
        .order_by_asc(entity::Column::LastName)
        .order_by_asc(entity::Column::FirstName)
        .order_by_asc(entity::Column::Id);
    let rows = fetch_page(select, db, page, per_page).await?;
    let wards = ward_names(db).await?;
    let ids: Vec<i32> = rows.items.iter().map(|m| m.id).collect();
    let mut alerts = answers::open_of(db, &ids).await?;
    Ok(rows.map(|m| patient_of(m, &wards, &mut alerts)))
}

/// A page of the admitted patients the caller may see, by last and first
/// name, with the stored phase, NEWS2 and newest values; pages hold the
/// most rows a list allows unless fewer are asked for.
pub async fn admitted(
    db: &DatabaseConnection,
    caller: &Caller,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<Patient>, AppError> {
    let query = ListQuery {
        search: None,
        status: Status::Admitted,
        page,
        per_page: per_page.or(Some(MAX_PER_PAGE)),
        ..Default::default()
    };
    list(db, caller, query).await
}

/// Every admitted patient, for the server's own checks (no caller: they
/// are not shown to anyone as such).
pub async fn all_admitted(db: &DatabaseConnection) -> Result<Vec<entity::Model>, AppError> {
    Ok(entity::Entity::find()
        .filter(entity::Column::DischargedAt.is_null())
        .all(db)
        .await?)
}

/// The admitted patient `id`, for the server's own checks.
pub async fn find(db: &DatabaseConnection, id: i32) -> Result<Option<entity::Model>, AppError> {
    Ok(entity::Entity::find_by_id(id)
        .filter(entity::Column::DischargedAt.is_null())
        .one(db)
        .await?)
}

/// One patient.
pub async fn get(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<Patient, AppError> {
    let model = visible(db, caller, id).await?;
    shown(db, model).await
}

/// Admits a patient (clinicians and administrators).
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: PatientInput,
) -> Result<Patient, AppError> {
    caller.require_clinical_writer()?;
    let values = checked_values(db, caller, &input).await?;
    let now = Utc::now();
    write(db, async |txn| {
        let mut model = entity::ActiveModel {
            created_at: Set(now),
            discharged_at: Set(None),
            ..Default::default()
        };
        apply(&values, &mut model);
        let model = model
            .insert(txn)
            .await
            .map_err(|e| duplicate_number(e, &values.hospital_number))?;
        let subject = Subject::patient(model.id);
        history::created(txn, caller, subject, &values).await?;
        announce(txn, &model, Kind::Admitted, caller).await?;
        publish_change(txn, Change::Create, model).await
    })
    .await
}

/// Changes a patient's details (clinicians and administrators).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    input: PatientInput,
) -> Result<Patient, AppError> {
    caller.require_clinical_writer()?;
    let values = checked_values(db, caller, &input).await?;
    write(db, async |txn| {
        let existing = visible(txn, caller, id).await?;
        if let Some(discharged) = existing.discharged_at
            && values.admitted_at > discharged
        {
            return Err(AppError::invalid(
                "admitted_at",
                "must not be after the discharge",
            ));
        }
        let before = values_of(&existing);
        let mut model: entity::ActiveModel = existing.into();
        apply(&values, &mut model);
        if values.baseline_hematocrit_percent != before.baseline_hematocrit_percent {
            // The rules read every round again with the new baseline.
            model.course = Set(None);
        }
        let model = model
            .update(txn)
            .await
            .map_err(|e| duplicate_number(e, &values.hospital_number))?;
        let subject = Subject::patient(id);
        history::record(
            txn,
            caller,
            subject,
            HistoryAction::Update,
            None,
            Some(&before),
            Some(&values),
        )
        .await?;
        publish_change(txn, Change::Update, model).await
    })
    .await
}

/// Discharges a patient, now or at the given time, which must not be
/// before the admission (clinicians and administrators).
pub async fn discharge(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    at: Option<&str>,
) -> Result<Patient, AppError> {
    caller.require_clinical_writer()?;
    let now = Utc::now();
    let at = match at.map(str::trim).filter(|t| !t.is_empty()) {
        None => now,
        Some(text) => parse_time(text, zones::hospital()).ok_or_else(|| {
            AppError::invalid(
                "discharged_at",
                "must be a date and time such as 2026-11-30T14:05 (the hospital's time) or RFC 3339",
            )
        })?,
    };
    if at > now + chrono::Duration::minutes(crate::rules::FUTURE_TOLERANCE_MINUTES) {
        return Err(AppError::invalid(
            "discharged_at",
            "must not be in the future",
        ));
    }
    write(db, async |txn| {
        let existing = visible(txn, caller, id).await?;
        if existing.discharged_at.is_some() {
            return Err(AppError::Conflict(
                "The patient is already discharged.".into(),
            ));
        }
        if at < existing.admitted_at {
            return Err(AppError::Invalid(vec![FieldError::new(
                "discharged_at",
                format!(
                    "must not be before the admission ({})",
                    existing.admitted_at.format("%Y-%m-%d %H:%M UTC")
                ),
            )]));
        }
        let mut model: entity::ActiveModel = existing.into();
        model.discharged_at = Set(Some(at));
        model.updated_at = Set(now);
        let model = model.update(txn).await?;
        let subject = Subject::patient(id);
        let after = serde_json::json!({ "discharged_at": at });
        history::record(
            txn,
            caller,
            subject,
            HistoryAction::Discharge,
            None,
            None,
            Some(&after),
        )
        .await?;
        announce(txn, &model, Kind::Discharged, caller).await?;
        publish_change(txn, Change::Update, model).await
    })
    .await
}

/// Deletes a patient; its rounds go with it (the database cascades), the
/// history is kept (administrators).
pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: &str,
) -> Result<(), AppError> {
    caller.require_admin()?;
    let reason = crate::history::check_reason(reason)?;
    write(db, async |txn| {
        let existing = visible(txn, caller, id).await?;
        let before = values_of(&existing);
        entity::Entity::delete_by_id(id).exec(txn).await?;
        answers::remove_of(txn, id).await?;
        let subject = Subject::patient(id);
        history::deleted(txn, caller, subject, &reason, &before).await?;
        let audience = Audience::Patient {
            patient_id: id,
            ward_id: before.ward_id,
        };
        events::append(
            txn,
            Topic::Patients,
            Change::Delete,
            audience,
            &serde_json::json!({ "id": id }),
        )
        .await?;
        Ok(())
    })
    .await
}

/// The change history of a patient and its rounds, newest first.
pub async fn history_of(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<crate::history::HistoryEntry>, AppError> {
    let (page, per_page) = paging(page, per_page, HISTORY_PER_PAGE)?;
    visible(db, caller, id).await?;
    history::of_patient(db, id, page, per_page).await
}
