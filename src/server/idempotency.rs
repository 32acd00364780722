//! Retries that are safe: a `POST /api/…` with an `Idempotency-Key` header
//! runs once per caller and key; the same request sent again (after a lost
//! answer) gets the first answer back and changes nothing. Keys are kept
//! for `KEEP_HOURS`.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{Set, SqlErr};
use sha2::{Digest, Sha256};

use super::AppState;
use super::json_body::MAX_BODY_BYTES;
use crate::accounts::auth::AuthSession;
use crate::accounts::tokens::{caller_for_token, token_hash};
use crate::error::AppError;
use crate::wire::IDEMPOTENCY_KEY;

/// Set on an answer that was given before and is replayed.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key and its answer are kept.
pub const KEEP_HOURS: i64 = 24;
/// The largest answer that is kept.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// The status of a key whose request is still running.
const RUNNING: i32 = 0;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    /// The user (`user:ID`) or token (`token:HASH`) that sent the key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub principal: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// A hash of the request, so a key reused for another request is refused.
    pub request: String,
    pub status: i32,
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

fn valid_key(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Who sends the key: a valid token, or the signed-in user; `None` lets the
/// request through to be refused as usual.
async fn principal(state: &AppState, bearer: Option<String>, user: Option<i32>) -> Option<String> {
    match (bearer, user) {
        (Some(token), _) => {
            caller_for_token(&state.db, &token).await.ok()?;
            Some(format!("token:{}", token_hash(&token)))
        }
        (None, Some(id)) => Some(crate::accounts::user_key(id)),
        (None, None) => None,
    }
}

fn fingerprint(request: &Request, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(request.method().as_str());
    hash.update(b" ");
    hash.update(request.uri().to_string());
    hash.update(b" ");
    if let Some(kind) = request.headers().get(CONTENT_TYPE) {
        hash.update(kind.as_bytes());
    }
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn replay(stored: &Model) -> Response {
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Middleware: runs a keyed write once and replays its answer to retries.
pub async fn replay_retries(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(key) = request.headers().get(IDEMPOTENCY_KEY).cloned() else {
        return next.run(request).await;
    };
    if request.method() != Method::POST || !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let key = match key.to_str() {
        Ok(key) if valid_key(key) => key.to_owned(),
        _ => {
            return AppError::invalid(
                "Idempotency-Key",
                "must be 1 to 64 letters, digits, '-' or '_' (a UUID, say)",
            )
            .into_response();
        }
    };
    let bearer = request.headers().get(AUTHORIZATION).map(|header| {
        header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .trim()
            .to_owned()
    });
    let user = request
        .extensions()
        .get::<AuthSession>()
        .and_then(|session| session.user.as_ref().map(|u| u.current.id));
    let Some(principal) = principal(&state, bearer, user).await else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return AppError::Request(format!(
            "The body is larger than the {} KiB allowed.",
            MAX_BODY_BYTES / 1024
        ))
        .into_response();
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    let request_hash = fingerprint(&request, &bytes);
    let claimed = ActiveModel {
        principal: Set(principal.clone()),
        key: Set(key.clone()),
        request: Set(request_hash.clone()),
        status: Set(RUNNING),
        body: Set(String::new()),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await;
    match claimed {
        Ok(_) => {}
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return match Entity::find_by_id((principal, key)).one(&state.db).await {
                Ok(Some(stored)) if stored.request != request_hash => AppError::invalid(
                    "Idempotency-Key",
                    "was already used for a different request; use a new key for each new request",
                )
                .into_response(),
                Ok(Some(stored)) if stored.status == RUNNING => AppError::Conflict(
                    "A request with this Idempotency-Key is still being processed; retry in a moment."
                        .into(),
                )
                .into_response(),
                Ok(Some(stored)) => replay(&stored),
                Ok(None) => AppError::Conflict(
                    "A request with this Idempotency-Key just ended; retry.".into(),
                )
                .into_response(),
                Err(e) => AppError::from(e).into_response(),
            };
        }
        Err(e) => return AppError::from(e).into_response(),
    }
    let response = next.run(request).await;
    keep_answer(&state, principal, key, response).await
}

/// Stores a JSON answer under its key, or gives the key up (a server error,
/// or an answer that is not JSON, such as a form post's redirect) so a
/// retry runs again.
async fn keep_answer(
    state: &AppState,
    principal: String,
    key: String,
    response: Response,
) -> Response {
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let status = response.status();
    let id = (principal, key);
    if !json || status.is_server_error() {
        if let Err(e) = Entity::delete_by_id(id).exec(&state.db).await {
            tracing::warn!("cannot give up an idempotency key: {e}");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_ANSWER_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => return AppError::internal("idempotent answer", e).into_response(),
    };
    let stored = Entity::update_many()
        .col_expr(
            Column::Status,
            sea_orm::sea_query::Expr::value(i32::from(status.as_u16())),
        )
        .col_expr(
            Column::Body,
            sea_orm::sea_query::Expr::value(String::from_utf8_lossy(&bytes).into_owned()),
        )
        .filter(Column::Principal.eq(id.0))
        .filter(Column::Key.eq(id.1))
        .exec(&state.db)
        .await;
    if let Err(e) = stored {
        tracing::warn!("cannot keep the answer of an idempotent request: {e}");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Deletes keys older than `KEEP_HOURS`.
pub async fn prune(db: &DatabaseConnection) -> Result<u64, AppError> {
    let before = Utc::now() - Duration::hours(KEEP_HOURS);
    Ok(Entity::delete_many()
        .filter(Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_are_short_plain_words() {
        assert!(valid_key("3f2b8c1e-7d4a-4e0b-9a51-0c2d7e6f8a90"));
        assert!(!valid_key(""));
        assert!(!valid_key(&"a".repeat(65)));
        assert!(!valid_key("two words"));
    }
}
