//! Rights that follow the account while a connection stays open. A socket
//! keeps the `Credential` it was opened with, not the rights it had then;
//! every change of someone's access is stored as an event for the servers,
//! and each socket of that user or token looks its rights up again.

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::entity::session;
use super::tokens::{self, token_hash};
use super::users::{self, SessionUser};
use super::{Caller, token_key, user_key};
use crate::error::AppError;
use crate::platform::db::write;
use crate::platform::events::{self, Audience, Change, Topic};

/// What a closed connection's client is told when its access ended.
pub const ACCESS_ENDED: &str = "Your access changed — sign in again.";

/// How a caller proved who they are: enough to look their rights up again,
/// nothing that would freeze them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credential {
    /// A signed-in browser: the session, and a fingerprint of the password
    /// it was signed in with (a new password ends the session).
    Session {
        session_id: String,
        user_id: i32,
        password_fingerprint: String,
    },
    /// An API token.
    Token { token_id: i32 },
}

impl Credential {
    /// The credential of a session user.
    pub fn of_session(session_id: String, user: &SessionUser) -> Self {
        Credential::Session {
            session_id,
            user_id: user.current.id,
            password_fingerprint: fingerprint(&user.auth_hash),
        }
    }

    /// The key of the user or token behind it (see `Principal::key`).
    pub fn principal_key(&self) -> String {
        match self {
            Credential::Session { user_id, .. } => user_key(*user_id),
            Credential::Token { token_id } => token_key(*token_id),
        }
    }
}

fn fingerprint(auth_hash: &[u8]) -> String {
    token_hash(&String::from_utf8_lossy(auth_hash))
}

/// The caller's rights as they are now, or `Unauthorized` when the session
/// ended (signed out, expired, new password), the account was deactivated,
/// or the token revoked.
pub async fn current(db: &DatabaseConnection, credential: &Credential) -> Result<Caller, AppError> {
    let ended = || AppError::Unauthorized(ACCESS_ENDED.into());
    match credential {
        Credential::Token { token_id } => tokens::caller_for_token_id(db, *token_id)
            .await?
            .ok_or_else(ended),
        Credential::Session {
            session_id,
            user_id,
            password_fingerprint,
        } => {
            let open = session::Entity::find_by_id(session_id.clone())
                .filter(session::Column::ExpiresAt.gt(Utc::now()))
                .one(db)
                .await?
                .is_some();
            let user = users::session_user(db, *user_id).await?;
            match user {
                Some(user) if open && fingerprint(&user.auth_hash) == *password_fingerprint => {
                    Ok(user.caller)
                }
                _ => Err(ended()),
            }
        }
    }
}

/// Records in the transaction that the access of `principal` changed, so
/// every server looks again at the connections it has open for them.
pub async fn changed(txn: &DatabaseTransaction, principal: &str) -> Result<(), AppError> {
    events::append(
        txn,
        Topic::Access,
        Change::Update,
        Audience::Servers,
        &json!({ "principal": principal }),
    )
    .await
}

/// After a sign-out: the user's connections check whether their session
/// still exists.
pub async fn signed_out(db: &DatabaseConnection, user_id: i32) -> Result<(), AppError> {
    write(db, async |txn| {
        changed(txn, &user_key(user_id)).await?;
        Ok(())
    })
    .await
}
