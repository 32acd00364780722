//! `GET /healthz`: whether this server and its database answer, for load
//! balancers and monitors.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::{DatabaseStatus, service};
use crate::platform::state::AppState;

/// What `GET /healthz` answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Health {
    /// The database answers.
    Ok {
        version: String,
        database: DatabaseStatus,
    },
    /// The database cannot be reached.
    Unavailable { database: DatabaseDown },
}

/// The database when it does not answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatabaseDown {
    /// Always `down`.
    pub state: &'static str,
    /// Why it does not answer.
    pub message: String,
}

/// Liveness and database state, for load balancers and monitoring.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "system",
    security(()),
    responses(
        (status = 200, description = "The server and its database answer.", body = Health),
        (status = 503, description = "The database cannot be reached.", body = Health),
    ),
)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match service::status(&state.db).await {
        Ok(status) => (
            StatusCode::OK,
            Json(Health::Ok {
                version: status.version,
                database: status.database,
            }),
        ),
        Err(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health::Unavailable {
                database: DatabaseDown {
                    state: "down",
                    message: err.to_string(),
                },
            }),
        ),
    }
}

/// The routes of this module, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz), components(schemas(Health, DatabaseDown)))]
pub struct Routes;
