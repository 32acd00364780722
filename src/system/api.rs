use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::StatusReport;
use crate::error::AppError;

/// Version, database state and server time.
///
/// Errors: 503 when the database cannot be reached.
#[server(prefix = "/api", endpoint = "system/status", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn system_status() -> Result<StatusReport, AppError> {
    let state = crate::platform::state::AppState::current()?;
    super::service::status(&state.db).await
}
