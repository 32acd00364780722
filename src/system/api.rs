use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::StatusReport;
use crate::error::AppError;

/// `GET /api/system/status`: version, database state and server time.
#[server(prefix = "/api", endpoint = "system/status", input = GetUrl)]
pub async fn system_status() -> Result<StatusReport, AppError> {
    let state = expect_context::<crate::server::AppState>();
    super::service::status(&state.db).await
}
