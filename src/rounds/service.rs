//! Recording rounds: listing, recording, correcting and deleting them.
//! With `clinical` the only code that touches the rounds table. Access to a
//! round is access to its patient (see `patients::service::visible`).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set, Value,
};

use super::clinical::{Touched, reassess};
use super::{MAX_BATCH_ROUNDS, Round};
use super::{entity, source};
use crate::accounts::Caller;
use crate::error::AppError;
use crate::history::HistoryAction;
use crate::history::check_reason;
use crate::history::service::{self as history, Subject};
use crate::paging::{Page, fetch_page, paging};
use crate::patients::service::visible;
use crate::platform::db::write;
use crate::platform::events::{self, Audience, Change, Topic};
use crate::rules::{Consciousness, NUMERIC_FIELDS, RoundInput, RoundValues, Shift, WarningSign};
use crate::vocabulary::Vocabulary;
use crate::zones;

const DEFAULT_PER_PAGE: u64 = 50;

type PatientModel = crate::patients::entity::Model;

/// Which rounds of a patient a list asks for.
#[derive(Debug, Clone, Default)]
pub struct RangeQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn not_found(id: i32) -> AppError {
    AppError::NotFound(format!("Round {id}"))
}

fn column(name: &str) -> entity::Column {
    entity::Column::from_str(name).unwrap_or_else(|_| panic!("rounds table has no column {name}"))
}

fn number(value: Value) -> Option<f64> {
    match value {
        Value::Double(v) => v,
        Value::Int(v) => v.map(f64::from),
        _ => None,
    }
}

/// Warning signs as stored: codes separated by commas.
pub(super) fn warning_signs(stored: &str) -> Vec<WarningSign> {
    stored.split(',').filter_map(WarningSign::parse).collect()
}

fn values_of(m: &entity::Model) -> RoundValues {
    let mut values = RoundValues::empty(m.measured_at);
    values.shift = Shift::parse(&m.shift).unwrap_or(values.shift);
    values.on_oxygen = m.on_oxygen;
    values.consciousness = m.consciousness.as_deref().and_then(Consciousness::parse);
    values.warning_signs = warning_signs(&m.warning_signs);
    values.clinical_notes = m.clinical_notes.clone();
    values.medical_advice = m.medical_advice.clone();
    for spec in NUMERIC_FIELDS {
        values.set_numeric(spec.name, number(m.get(column(spec.name))));
    }
    values
}

fn round_of(m: entity::Model) -> Round {
    Round {
        values: values_of(&m),
        id: m.id,
        patient_id: m.patient_id,
        recorded_by: m.recorded_by_name,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn apply(values: &RoundValues, model: &mut entity::ActiveModel) {
    model.measured_at = Set(values.measured_at);
    model.shift = Set(values.shift.code().to_owned());
    model.on_oxygen = Set(values.on_oxygen);
    model.consciousness = Set(values.consciousness.map(|c| c.code().to_owned()));
    model.warning_signs = Set(values
        .warning_signs
        .iter()
        .map(|w| w.code())
        .collect::<Vec<_>>()
        .join(","));
    model.clinical_notes = Set(values.clinical_notes.clone());
    model.medical_advice = Set(values.medical_advice.clone());
    for spec in NUMERIC_FIELDS {
        let value = values.numeric(spec.name);
        let stored = if spec.integer {
            Value::Int(value.map(|v| v as i32))
        } else {
            Value::Double(value)
        };
        model.set(column(spec.name), stored);
    }
    model.updated_at = Set(Utc::now());
}

async fn visible_round(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: i32,
) -> Result<(entity::Model, PatientModel), AppError> {
    let round = entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| not_found(id))?;
    let patient = visible(db, caller, round.patient_id)
        .await
        .map_err(|_| not_found(id))?;
    Ok((round, patient))
}

/// A page of a patient's rounds in a time range, newest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    query: RangeQuery,
) -> Result<Page<Round>, AppError> {
    let (page, per_page) = paging(query.page, query.per_page, DEFAULT_PER_PAGE)?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(AppError::invalid("from", "must not be after 'to'"));
    }
    visible(db, caller, patient_id).await?;
    let mut select = entity::Entity::find().filter(entity::Column::PatientId.eq(patient_id));
    if let Some(from) = query.from {
        select = select.filter(entity::Column::MeasuredAt.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(entity::Column::MeasuredAt.lte(to));
    }
    let select = select
        .order_by_desc(entity::Column::MeasuredAt)
        .order_by_desc(entity::Column::Id);
    Ok(fetch_page(select, db, page, per_page).await?.map(round_of))
}

/// One round.
pub async fn get(db: &DatabaseConnection, caller: &Caller, id: i32) -> Result<Round, AppError> {
    visible_round(db, caller, id)
        .await
        .map(|(round, _)| round_of(round))
}

async fn insert(
    txn: &DatabaseTransaction,
    caller: &Caller,
    audience: Audience,
    patient_id: i32,
    values: &RoundValues,
) -> Result<Round, AppError> {
    let now = Utc::now();
    let mut model = entity::ActiveModel {
        patient_id: Set(patient_id),
        recorded_by: Set(caller.user_id()),
        recorded_by_name: Set(history::actor_name(caller)),
        created_at: Set(now),
        ..Default::default()
    };
    apply(values, &mut model);
    let model = model.insert(txn).await?;
    let subject = Subject::round(model.id, patient_id);
    history::created(txn, caller, subject, values).await?;
    let round = round_of(model);
    events::append(txn, Topic::Rounds, Change::Create, audience, &round).await?;
    Ok(round)
}

/// Whom the events of a patient's rounds concern.
fn audience_of(patient: &PatientModel) -> Audience {
    Audience::Patient {
        patient_id: patient.id,
        ward_id: patient.ward_id,
    }
}

async fn admitted_patient(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    patient_id: i32,
) -> Result<PatientModel, AppError> {
    let patient = visible(txn, caller, patient_id).await?;
    if patient.discharged_at.is_some() {
        return Err(AppError::Conflict(
            "The patient has been discharged; no new rounds can be recorded.".into(),
        ));
    }
    Ok(patient)
}

/// Records a round for a patient (clinicians and administrators).
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<Round, AppError> {
    caller.require_clinical_writer()?;
    let values = input.parse(now, zones::hospital())?;
    let round = write(db, async |txn| {
        let patient = admitted_patient(txn, caller, patient_id).await?;
        let round = insert(txn, caller, audience_of(&patient), patient_id, &values).await?;
        let added = [(round.id, values.clone())];
        reassess(
            txn,
            patient,
            Touched::Added(&added),
            &values.warning_signs,
            now,
        )
        .await?;
        Ok(round)
    })
    .await?;
    recorded(1);
    Ok(round)
}

/// Counts rounds stored, once their transaction committed.
fn recorded(rounds: usize) {
    metrics::counter!("vitalboard_rounds_recorded_total").increment(rounds as u64);
}

/// Records several rounds of one patient in one transaction: all or none.
/// An error names the position of the offending round.
pub async fn record_many(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    inputs: &[RoundInput],
    now: DateTime<Utc>,
) -> Result<Vec<Round>, AppError> {
    caller.require_clinical_writer()?;
    if inputs.len() > MAX_BATCH_ROUNDS {
        return Err(AppError::invalid(
            "rounds",
            format!(
                "at most {MAX_BATCH_ROUNDS} rounds can be recorded in one batch; this one has {}. Send them in several batches.",
                inputs.len()
            ),
        ));
    }
    let all_values = parse_all(inputs, now)?;
    let rounds = write(db, async |txn| {
        let patient = admitted_patient(txn, caller, patient_id).await?;
        let audience = audience_of(&patient);
        let mut rounds = Vec::with_capacity(all_values.len());
        for values in &all_values {
            rounds.push(insert(txn, caller, audience, patient_id, values).await?);
        }
        let mut signs: Vec<WarningSign> = all_values
            .iter()
            .flat_map(|v| v.warning_signs.iter().copied())
            .collect();
        signs.sort_by_key(|w| w.code());
        signs.dedup();
        let mut added: Vec<(i32, RoundValues)> = rounds
            .iter()
            .map(|r| r.id)
            .zip(all_values.iter().cloned())
            .collect();
        added.sort_by_key(|(_, v)| v.measured_at);
        reassess(txn, patient, Touched::Added(&added), &signs, now).await?;
        Ok(rounds)
    })
    .await?;
    recorded(rounds.len());
    Ok(rounds)
}

/// Checks rounds; an error names the position of the offending round.
fn parse_all(inputs: &[RoundInput], now: DateTime<Utc>) -> Result<Vec<RoundValues>, AppError> {
    let mut all_values = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        match input.parse(now, zones::hospital()) {
            Ok(values) => all_values.push(values),
            Err(AppError::Invalid(errors)) => {
                return Err(AppError::Invalid(
                    errors
                        .into_iter()
                        .map(|mut e| {
                            e.field = format!("rounds[{index}].{}", e.field);
                            e
                        })
                        .collect(),
                ));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(all_values)
}

/// A round sent by another system, with the identifiers its sender gave
/// the measurements in it.
#[derive(Debug, Clone)]
pub struct Imported {
    pub patient_id: i32,
    pub input: RoundInput,
    pub identifiers: Vec<SourceId>,
}

/// A sender's identifier of one measurement (a FHIR
/// `Observation.identifier`) and the field it went into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceId {
    pub system: String,
    pub value: String,
    pub field: String,
}

/// What became of an imported round.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    /// Recorded now.
    Created(Round),
    /// Received before (one of its identifiers is known): the round it went
    /// into, unchanged.
    Known(Round),
}

/// Records rounds sent by another system, of one or several patients, in
/// one transaction: all or none. A round one of whose identifiers is known
/// was received before and is not recorded again. Each patient is
/// reassessed once, as after a batch.
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    rounds: &[Imported],
    now: DateTime<Utc>,
) -> Result<Vec<ImportOutcome>, AppError> {
    caller.require_clinical_writer()?;
    let inputs: Vec<RoundInput> = rounds.iter().map(|r| r.input.clone()).collect();
    let all_values = parse_all(&inputs, now)?;
    let outcomes = write(db, async |txn| {
        let mut outcomes = Vec::with_capacity(rounds.len());
        let mut added: std::collections::BTreeMap<i32, Vec<(i32, RoundValues)>> =
            Default::default();
        for (round, values) in rounds.iter().zip(&all_values) {
            let patient = admitted_patient(txn, caller, round.patient_id).await?;
            if let Some(known) = known_round(txn, &round.identifiers).await? {
                outcomes.push(ImportOutcome::Known(known));
                continue;
            }
            let stored = insert(txn, caller, audience_of(&patient), patient.id, values).await?;
            for id in &round.identifiers {
                source::ActiveModel {
                    system: Set(id.system.clone()),
                    value: Set(id.value.clone()),
                    round_id: Set(stored.id),
                    field: Set(id.field.clone()),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
            added
                .entry(patient.id)
                .or_default()
                .push((stored.id, values.clone()));
            outcomes.push(ImportOutcome::Created(stored));
        }
        for (patient_id, mut values) in added {
            let patient = admitted_patient(txn, caller, patient_id).await?;
            let mut signs: Vec<WarningSign> = values
                .iter()
                .flat_map(|(_, v)| v.warning_signs.iter().copied())
                .collect();
            signs.sort_by_key(|w| w.code());
            signs.dedup();
            values.sort_by_key(|(_, v)| v.measured_at);
            reassess(txn, patient, Touched::Added(&values), &signs, now).await?;
        }
        Ok(outcomes)
    })
    .await?;
    recorded(
        outcomes
            .iter()
            .filter(|o| matches!(o, ImportOutcome::Created(_)))
            .count(),
    );
    Ok(outcomes)
}

/// The round one of these identifiers went into, if any did.
async fn known_round(
    txn: &DatabaseTransaction,
    identifiers: &[SourceId],
) -> Result<Option<Round>, AppError> {
    for id in identifiers {
        let found = source::Entity::find()
            .filter(source::Column::System.eq(id.system.as_str()))
            .filter(source::Column::Value.eq(id.value.as_str()))
            .one(txn)
            .await?;
        if let Some(found) = found {
            let round = entity::Entity::find_by_id(found.round_id).one(txn).await?;
            return Ok(round.map(round_of));
        }
    }
    Ok(None)
}

/// The sender's identifiers of the measurements of `rounds`, by round.
pub async fn source_ids(
    db: &impl ConnectionTrait,
    rounds: &[i32],
) -> Result<std::collections::HashMap<i32, Vec<SourceId>>, AppError> {
    let mut by_round: std::collections::HashMap<i32, Vec<SourceId>> = Default::default();
    if rounds.is_empty() {
        return Ok(by_round);
    }
    for m in source::Entity::find()
        .filter(source::Column::RoundId.is_in(rounds.iter().copied()))
        .all(db)
        .await?
    {
        by_round.entry(m.round_id).or_default().push(SourceId {
            system: m.system,
            value: m.value,
            field: m.field,
        });
    }
    Ok(by_round)
}

/// Up to `limit` rounds of a patient after `after` (measured time and id),
/// oldest first: a whole stay read in pieces, for the caller who was
/// allowed to see the patient.
pub async fn stay_after(
    db: &DatabaseConnection,
    patient_id: i32,
    after: Option<(DateTime<Utc>, i32)>,
    limit: u64,
) -> Result<Vec<Round>, AppError> {
    use sea_orm::QuerySelect;
    let mut select = entity::Entity::find().filter(entity::Column::PatientId.eq(patient_id));
    if let Some((at, id)) = after {
        select = select.filter(
            sea_orm::Condition::any()
                .add(entity::Column::MeasuredAt.gt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(entity::Column::MeasuredAt.eq(at))
                        .add(entity::Column::Id.gt(id)),
                ),
        );
    }
    Ok(select
        .order_by_asc(entity::Column::MeasuredAt)
        .order_by_asc(entity::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(round_of)
        .collect())
}

/// The newest clinical note of a patient's stay.
pub async fn last_note(
    db: &impl ConnectionTrait,
    patient_id: i32,
) -> Result<Option<super::Note>, AppError> {
    Ok(entity::Entity::find()
        .filter(entity::Column::PatientId.eq(patient_id))
        .filter(entity::Column::ClinicalNotes.is_not_null())
        .order_by_desc(entity::Column::MeasuredAt)
        .order_by_desc(entity::Column::Id)
        .one(db)
        .await?
        .and_then(|r| {
            Some(super::Note {
                text: r.clinical_notes?,
                by: r.recorded_by_name,
                at: r.measured_at,
            })
        }))
}

/// Corrects a round; the reason and the values before are kept in the
/// history (clinicians and administrators).
pub async fn correct(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: &str,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<Round, AppError> {
    caller.require_clinical_writer()?;
    let reason = check_reason(reason);
    let values = input.parse(now, zones::hospital());
    let (reason, values) = match (reason, values) {
        (Ok(r), Ok(v)) => (r, v),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(b))) => {
            a.extend(b);
            return Err(AppError::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    write(db, async |txn| {
        let (existing, patient) = visible_round(txn, caller, id).await?;
        let audience = audience_of(&patient);
        let before = values_of(&existing);
        let patient_id = existing.patient_id;
        let mut model: entity::ActiveModel = existing.into();
        apply(&values, &mut model);
        let model = model.update(txn).await?;
        let subject = Subject::round(id, patient_id);
        history::record(
            txn,
            caller,
            subject,
            HistoryAction::Update,
            Some(&reason),
            Some(&before),
            Some(&values),
        )
        .await?;
        let round = round_of(model);
        events::append(txn, Topic::Rounds, Change::Update, audience, &round).await?;
        let added: Vec<WarningSign> = values
            .warning_signs
            .iter()
            .filter(|w| !before.warning_signs.contains(w))
            .copied()
            .collect();
        let times = [before.measured_at, values.measured_at];
        reassess(txn, patient, Touched::Changed(&times), &added, now).await?;
        Ok(round)
    })
    .await
}

/// Deletes a round; its values and the reason stay in the history
/// (administrators).
pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    caller.require_admin()?;
    let reason = check_reason(reason)?;
    write(db, async |txn| {
        let (existing, patient) = visible_round(txn, caller, id).await?;
        let audience = audience_of(&patient);
        let before = values_of(&existing);
        let patient_id = existing.patient_id;
        let subject = Subject::round(id, patient_id);
        let deleted = serde_json::json!({ "id": id, "patient_id": existing.patient_id });
        existing.delete(txn).await?;
        source::Entity::delete_many()
            .filter(source::Column::RoundId.eq(id))
            .exec(txn)
            .await?;
        history::deleted(txn, caller, subject, &reason, &before).await?;
        events::append(txn, Topic::Rounds, Change::Delete, audience, &deleted).await?;
        let times = [before.measured_at];
        reassess(txn, patient, Touched::Changed(&times), &[], now).await?;
        Ok(())
    })
    .await
}
