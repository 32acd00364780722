//! Writing and reading the history table. Writes run inside the caller's
//! transaction, so a change and its history row are stored together.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;

use super::entity;
use super::{HistoryAction, HistoryEntry};
use crate::accounts::{Caller, Principal};
use crate::error::AppError;
use crate::paging::{Page, fetch_page};
use crate::vocabulary::Vocabulary;

/// What was changed.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    pub entity: &'static str,
    pub entity_id: i32,
    pub patient_id: i32,
}

impl Subject {
    pub fn patient(id: i32) -> Self {
        Self {
            entity: "patient",
            entity_id: id,
            patient_id: id,
        }
    }

    pub fn round(id: i32, patient_id: i32) -> Self {
        Self {
            entity: "round",
            entity_id: id,
            patient_id,
        }
    }
}

/// The name under which a caller's changes are recorded.
pub fn actor_name(caller: &Caller) -> String {
    match &caller.principal {
        Principal::User { display_name, .. } => display_name.clone(),
        Principal::Token { name, .. } => format!("API token “{name}”"),
    }
}

fn json<T: Serialize>(value: Option<&T>) -> Result<Option<String>, AppError> {
    value
        .map(|v| serde_json::to_string(v).map_err(|e| AppError::internal("history", e)))
        .transpose()
}

/// Records that something was created, with its values.
pub async fn created<T: Serialize>(
    db: &impl ConnectionTrait,
    caller: &Caller,
    subject: Subject,
    values: &T,
) -> Result<(), AppError> {
    record(
        db,
        caller,
        subject,
        HistoryAction::Create,
        None,
        None,
        Some(values),
    )
    .await
}

/// Records that something was deleted, why, and its values before.
pub async fn deleted<T: Serialize>(
    db: &impl ConnectionTrait,
    caller: &Caller,
    subject: Subject,
    reason: &str,
    before: &T,
) -> Result<(), AppError> {
    let action = HistoryAction::Delete;
    record(
        db,
        caller,
        subject,
        action,
        Some(reason),
        Some(before),
        None,
    )
    .await
}

/// The name under which the rules' own changes are recorded.
pub const RULES_ACTOR: &str = "The rules";

/// Records one change.
pub async fn record<T: Serialize>(
    db: &impl ConnectionTrait,
    caller: &Caller,
    subject: Subject,
    action: HistoryAction,
    reason: Option<&str>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    let actor = (caller.user_id(), actor_name(caller));
    let change = Change {
        subject,
        action,
        reason,
        at: Utc::now(),
    };
    insert(db, actor, change, before, after).await
}

/// Records a change the rules made as time passed, at `at`.
pub async fn by_rules<T: Serialize>(
    db: &impl ConnectionTrait,
    subject: Subject,
    action: HistoryAction,
    reason: &str,
    before: Option<&T>,
    after: Option<&T>,
    at: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let change = Change {
        subject,
        action,
        reason: Some(reason),
        at,
    };
    insert(db, (None, RULES_ACTOR.to_owned()), change, before, after).await
}

/// What a history row says was done.
struct Change<'a> {
    subject: Subject,
    action: HistoryAction,
    reason: Option<&'a str>,
    at: chrono::DateTime<Utc>,
}

async fn insert<T: Serialize>(
    db: &impl ConnectionTrait,
    (actor_user_id, actor_name): (Option<i32>, String),
    Change {
        subject,
        action,
        reason,
        at,
    }: Change<'_>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    entity::ActiveModel {
        entity: Set(subject.entity.to_owned()),
        entity_id: Set(subject.entity_id),
        patient_id: Set(subject.patient_id),
        action: Set(action.code().to_owned()),
        actor_user_id: Set(actor_user_id),
        actor_name: Set(actor_name),
        at: Set(at),
        reason: Set(reason.map(str::to_owned)),
        before: Set(json(before)?),
        after: Set(json(after)?),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn entry(model: entity::Model) -> HistoryEntry {
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    HistoryEntry {
        id: model.id,
        entity: model.entity,
        entity_id: model.entity_id,
        patient_id: model.patient_id,
        action: model.action,
        actor: model.actor_name,
        at: model.at,
        reason: model.reason,
        before: parse(model.before),
        after: parse(model.after),
    }
}

/// One page of the history of a patient and all its rounds, newest first.
/// The caller must already have been allowed to see the patient.
pub async fn of_patient(
    db: &DatabaseConnection,
    patient_id: i32,
    page: u64,
    per_page: u64,
) -> Result<Page<HistoryEntry>, AppError> {
    let query = entity::Entity::find()
        .filter(entity::Column::PatientId.eq(patient_id))
        .order_by_desc(entity::Column::Id);
    Ok(fetch_page(query, db, page, per_page).await?.map(entry))
}
