//! Who is asking: sessions (axum-login) and bearer tokens, and the guard
//! that sends visitors who are not signed in to the login page.

use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_login::{AuthUser, AuthnBackend};
use sea_orm::DatabaseConnection;

use super::access::Credential;
use super::sign_in;
use super::tokens;
use super::users::{self, SessionUser};
use super::{Caller, Principal};
use crate::error::AppError;

/// How long a session lasts without use.
pub const SESSION_IDLE_HOURS: i64 = 12;

impl AuthUser for SessionUser {
    type Id = i32;

    fn id(&self) -> i32 {
        self.current.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

/// Username and password as typed on the login page, and the address
/// they came from.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    pub client: String,
}

/// The axum-login backend over our user table.
#[derive(Debug, Clone)]
pub struct Backend {
    db: DatabaseConnection,
}

impl Backend {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = AppError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, AppError> {
        let model =
            sign_in::check_credentials(&self.db, &creds.username, creds.password, &creds.client)
                .await?;
        users::session_user(&self.db, model.id).await
    }

    async fn get_user(&self, id: &i32) -> Result<Option<SessionUser>, AppError> {
        users::session_user(&self.db, *id).await
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;

/// Maps axum-login's error to ours.
pub fn session_error(err: axum_login::Error<Backend>) -> AppError {
    match err {
        axum_login::Error::Backend(e) => e,
        axum_login::Error::Session(e) => AppError::internal("session store", e),
    }
}

/// The caller of a request: the bearer token when one is given, else the
/// signed-in user of the session.
pub async fn request_caller(db: &DatabaseConnection, parts: &Parts) -> Result<Caller, AppError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                AppError::Unauthorized("The Authorization header must be 'Bearer <token>'.".into())
            })?;
        return tokens::caller_for_token(db, token.trim()).await;
    }
    parts
        .extensions
        .get::<AuthSession>()
        .and_then(|session| session.user.as_ref())
        .map(|user| user.caller.clone())
        .ok_or_else(AppError::unauthorized)
}

/// The caller of a request and the credential it came with, for
/// connections that outlive the request and must look their rights up
/// again (the live socket).
pub async fn request_credential(
    db: &DatabaseConnection,
    parts: &Parts,
) -> Result<(Caller, Credential), AppError> {
    let caller = request_caller(db, parts).await?;
    if let Principal::Token { id, .. } = caller.principal {
        return Ok((caller, Credential::Token { token_id: id }));
    }
    let session = parts
        .extensions
        .get::<AuthSession>()
        .ok_or_else(AppError::unauthorized)?;
    let (Some(user), Some(id)) = (session.user.as_ref(), session.session.id()) else {
        return Err(AppError::unauthorized());
    };
    Ok((caller, Credential::of_session(id.to_string(), user)))
}

/// Paths anyone may open: the login page, the health check, the metrics
/// (which answer 401 themselves), server functions, sockets, the FHIR facade and CSV files (which answer 401
/// themselves), and
/// static files.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        || path == "/metrics"
        || path == "/ws"
        || path.starts_with("/api/")
        || path == "/fhir"
        || path.starts_with("/fhir/")
        || path.starts_with("/export/")
        || path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// Sends page requests without a signed-in user (or bearer token) to the
/// login page, remembering where they wanted to go.
pub async fn require_sign_in(auth: AuthSession, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if is_public(path) || auth.user.is_some() || request.headers().contains_key(AUTHORIZATION) {
        return next.run(request).await;
    }
    let wanted = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    Redirect::to(&format!(
        "/login?next={}",
        crate::address::percent_encode(wanted)
    ))
    .into_response()
}

/// The state and caller of the server function being run.
pub async fn current_caller() -> Result<(crate::platform::state::AppState, Caller), AppError> {
    let state = crate::platform::state::AppState::current()?;
    let parts = request_parts()?;
    let caller = request_caller(&state.db, &parts).await?;
    Ok((state, caller))
}

/// The request of the server function being run.
pub fn request_parts() -> Result<Parts, AppError> {
    leptos::prelude::use_context::<Parts>()
        .ok_or_else(|| AppError::internal("server function", "request parts missing"))
}

/// The session of the server function's request.
pub fn current_session() -> Result<AuthSession, AppError> {
    request_parts()?
        .extensions
        .get::<AuthSession>()
        .cloned()
        .ok_or_else(|| AppError::internal("server function", "session layer missing"))
}

/// After a plain HTML form post (JavaScript off), sends the browser on to
/// `path`; programs and the hydrated app get the JSON answer instead.
pub fn redirect_form_post(path: &str) {
    if request_parts().is_ok_and(|parts| crate::error::is_form_post(&parts)) {
        leptos_axum::redirect(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths() {
        assert!(is_public("/login"));
        assert!(is_public("/healthz"));
        assert!(is_public("/api/auth/login"));
        assert!(is_public("/pkg/vitalboard.wasm"));
        assert!(is_public("/favicon.svg"));
        assert!(!is_public("/"));
        assert!(!is_public("/admin"));
        assert!(!is_public("/patients/12"));
    }
}
