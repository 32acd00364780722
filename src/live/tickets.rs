//! One-use tickets that open a socket for clients that cannot send a
//! cookie or an Authorization header with the handshake.

use chrono::{Duration, Utc};
use sea_orm::Set;
use sea_orm::entity::prelude::*;

use crate::accounts::Caller;
use crate::accounts::service::{random_hex, token_hash};
use crate::error::AppError;
use crate::server::db::begin_write;

/// How long a ticket can be used.
pub const TICKET_SECONDS: i64 = 60;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "socket_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_hash: String,
    /// The caller as JSON, as it was when the ticket was issued.
    pub caller: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A new ticket for the caller, valid for `TICKET_SECONDS`.
pub async fn issue(db: &DatabaseConnection, caller: &Caller) -> Result<String, AppError> {
    let ticket = random_hex(24);
    let now = Utc::now();
    Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    ActiveModel {
        ticket_hash: Set(token_hash(&ticket)),
        caller: Set(serde_json::to_string(caller).map_err(|e| AppError::internal("ticket", e))?),
        expires_at: Set(now + Duration::seconds(TICKET_SECONDS)),
    }
    .insert(db)
    .await?;
    Ok(ticket)
}

/// The caller of a ticket, which is used up; unknown and expired tickets
/// are refused.
pub async fn redeem(db: &DatabaseConnection, ticket: &str) -> Result<Caller, AppError> {
    let refused = || AppError::Unauthorized("The ticket is not valid or has expired.".into());
    if ticket.len() > 100 {
        return Err(refused());
    }
    let txn = begin_write(db).await?;
    let model = Entity::find_by_id(token_hash(ticket))
        .one(&txn)
        .await?
        .ok_or_else(refused)?;
    Entity::delete_by_id(model.ticket_hash.clone())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if model.expires_at < Utc::now() {
        return Err(refused());
    }
    serde_json::from_str(&model.caller).map_err(|e| AppError::internal("ticket", e))
}
