//! One-use tickets that open a socket for clients that cannot send a
//! cookie or an Authorization header with the handshake.

use chrono::{Duration, Utc};
use sea_orm::Set;
use sea_orm::entity::prelude::*;

use crate::accounts::access::Credential;
use crate::accounts::tokens::{random_hex, token_hash};
use crate::error::AppError;

/// How long a ticket can be used.
pub const TICKET_SECONDS: i64 = 60;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "socket_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_hash: String,
    /// The credential of who asked for it, as JSON (`accounts::access::Credential`).
    pub caller: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A new ticket for the credential, valid for `TICKET_SECONDS`. It names
/// who asked for it, not their rights: those are looked up when it is used.
pub async fn issue(db: &DatabaseConnection, credential: &Credential) -> Result<String, AppError> {
    let ticket = random_hex(24);
    let now = Utc::now();
    Entity::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    ActiveModel {
        ticket_hash: Set(token_hash(&ticket)),
        caller: Set(serde_json::to_string(credential).map_err(|e| AppError::internal("ticket", e))?),
        expires_at: Set(now + Duration::seconds(TICKET_SECONDS)),
    }
    .insert(db)
    .await?;
    Ok(ticket)
}

/// The credential of a ticket, which is used up; unknown and expired
/// tickets are refused. An unknown ticket costs one read and no write, and
/// of two handshakes with one ticket exactly one gets it: the one whose
/// delete removed the row.
pub async fn redeem(db: &DatabaseConnection, ticket: &str) -> Result<Credential, AppError> {
    let refused = || AppError::Unauthorized("The ticket is not valid or has expired.".into());
    if ticket.len() > 100 {
        return Err(refused());
    }
    let hash = token_hash(ticket);
    let model = Entity::find_by_id(hash.clone())
        .one(db)
        .await?
        .ok_or_else(refused)?;
    let deleted = Entity::delete_many()
        .filter(Column::TicketHash.eq(hash))
        .exec(db)
        .await?
        .rows_affected;
    if deleted != 1 || model.expires_at < Utc::now() {
        return Err(refused());
    }
    serde_json::from_str(&model.caller).map_err(|e| AppError::internal("ticket", e))
}
