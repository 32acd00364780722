use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::state::AppState;
use crate::system::service;

/// `GET /healthz`: 200 with the database state, 503 when it cannot be reached.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match service::status(&state.db).await {
        Ok(status) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": status.database, "version": status.version })),
        ),
        Err(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unavailable",
                "database": { "state": "down", "message": err.to_string() },
            })),
        ),
    }
}
