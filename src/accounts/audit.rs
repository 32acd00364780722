//! The administration log: every change to users, wards and API tokens,
//! with who made it and when, written in the change's own transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryOrder, Set,
};

use super::entity::admin_audit;
use super::{AuditAction, AuditEntry, Caller, Principal};
use crate::error::AppError;
use crate::paging::{Page, fetch_page, paging};
use crate::vocabulary::Vocabulary;

/// Entries per page of the log unless asked otherwise.
pub const PER_PAGE: u64 = 50;

/// Keeps `action` on `subject` by `caller` in the transaction.
pub async fn record(
    txn: &DatabaseTransaction,
    caller: &Caller,
    action: AuditAction,
    subject: &str,
    details: &str,
) -> Result<(), AppError> {
    let actor = match &caller.principal {
        Principal::User {
            username,
            display_name,
            ..
        } => format!("{display_name} ({username})"),
        Principal::Token { name, .. } => format!("API token “{name}”"),
    };
    admin_audit::ActiveModel {
        at: Set(Utc::now()),
        actor_user_id: Set(caller.user_id()),
        actor: Set(actor),
        action: Set(action.code().to_owned()),
        subject: Set(subject.to_owned()),
        details: Set(details.to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// A page of the log, newest first (administrators).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<Page<AuditEntry>, AppError> {
    caller.require_admin()?;
    let (page, per_page) = paging(page, per_page, PER_PAGE)?;
    let query = admin_audit::Entity::find()
        .order_by_desc(admin_audit::Column::At)
        .order_by_desc(admin_audit::Column::Id);
    let rows = fetch_page(query, db, page, per_page).await?;
    let mut entries = Vec::with_capacity(rows.items.len());
    for row in &rows.items {
        let action = AuditAction::parse(&row.action)
            .ok_or_else(|| AppError::internal("stored audit action", &row.action))?;
        entries.push(AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor.clone(),
            action,
            subject: row.subject.clone(),
            details: row.details.clone(),
        });
    }
    Ok(Page {
        items: entries,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}
