//! Wards: listing them, and adding and renaming them (administrators).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};

use super::audit;
use super::entity::ward;
use super::rules::{self, Checks};
use super::{AuditAction, Caller, Ward};
use crate::error::{AppError, FieldError};
use crate::platform::db::write;

/// The wards to link: none for "all wards", else sorted without repeats.
pub(super) fn linked_wards(all_wards: bool, mut ids: Vec<i32>) -> Vec<i32> {
    if all_wards {
        return Vec::new();
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub(super) fn conflict_or(err: sea_orm::DbErr, message: String) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(message),
        _ => err.into(),
    }
}

/// The wards the caller may see, by name.
pub async fn list_wards(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<Ward>, AppError> {
    let all = ward::Entity::find()
        .order_by_asc(ward::Column::Name)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|w| caller.wards.includes(w.id))
        .map(ward_of)
        .collect())
}

/// The name of every ward, by id, for showing where a patient lies.
pub async fn ward_names(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>, AppError> {
    Ok(ward::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect())
}

/// A ward's name as typed, trimmed and checked.
fn ward_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    let mut checks = Checks::default();
    checks.add(rules::check_name("name", name, rules::WARD_NAME_MAX));
    checks.finish()?;
    Ok(name)
}

fn ward_of(model: ward::Model) -> Ward {
    Ward {
        id: model.id,
        name: model.name,
    }
}

/// Adds a ward (administrators).
pub async fn create_ward(
    db: &DatabaseConnection,
    caller: &Caller,
    name: &str,
) -> Result<Ward, AppError> {
    caller.require_admin()?;
    let name = ward_name(name)?;
    write(db, async |txn| {
        let model = ward::ActiveModel {
            name: Set(name.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| conflict_or(e, format!("A ward named '{name}' already exists.")))?;
        audit::record(txn, caller, AuditAction::WardCreated, &model.name, "").await?;
        Ok(ward_of(model))
    })
    .await
}

/// Renames a ward (administrators).
pub async fn rename_ward(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    name: &str,
) -> Result<Ward, AppError> {
    caller.require_admin()?;
    let name = ward_name(name)?;
    write(db, async |txn| {
        let existing = ward::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Ward {id}")))?;
        let before = existing.name.clone();
        let mut model: ward::ActiveModel = existing.into();
        model.name = Set(name.to_owned());
        let model = model
            .update(txn)
            .await
            .map_err(|e| conflict_or(e, format!("A ward named '{name}' already exists.")))?;
        let details = format!("was “{before}”");
        audit::record(txn, caller, AuditAction::WardRenamed, &model.name, &details).await?;
        Ok(ward_of(model))
    })
    .await
}

pub(super) async fn check_ward_ids(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    all_wards: bool,
    ward_ids: &[i32],
) -> Result<(), AppError> {
    if all_wards {
        return Ok(());
    }
    if ward_ids.is_empty() {
        checks.add(Err(FieldError::new(
            "ward_ids",
            "choose at least one ward, or all wards",
        )));
        return Ok(());
    }
    let known: Vec<i32> = ward::Entity::find()
        .filter(ward::Column::Id.is_in(ward_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|w| w.id)
        .collect();
    let unknown: Vec<String> = ward_ids
        .iter()
        .filter(|id| !known.contains(id))
        .map(ToString::to_string)
        .collect();
    if !unknown.is_empty() {
        checks.add(Err(FieldError::new(
            "ward_ids",
            format!("no such ward: {}", unknown.join(", ")),
        )));
    }
    Ok(())
}
