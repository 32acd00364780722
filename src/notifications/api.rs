//! Server functions of notifications and their settings.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{NotificationPage, Preference};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {super::service, crate::accounts::auth};

/// What a plain form post of the settings form returns with (see
/// `crate::ui::form::saved_notice`).
pub const SAVED_KEY: &str = "notifications";

/// The signed-in user's notifications, newest first, with the number unread. Query: kind (round_due, critical_phase, warning_sign, news2_rose, admitted, discharged), patient_id, unread_only, page, per_page.
///
/// Errors: 401; 403 API tokens; 422 unknown kind.
#[server(prefix = "/api", endpoint = "notifications", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn list_notifications(
    #[server(default)] kind: Option<String>,
    #[server(default)] patient_id: Option<i32>,
    #[server(default)] unread_only: Option<bool>,
    #[server(default)] page: Option<u64>,
    #[server(default)] per_page: Option<u64>,
) -> Result<NotificationPage, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let query = service::ListQuery {
        kind,
        patient_id,
        unread_only: unread_only.unwrap_or(false),
        page,
        per_page,
    };
    service::list(&state.db, &caller, query).await
}

/// Marks one notification (id) or all of yours (all: true) as read; answers how many changed. Your other tabs are told.
///
/// Errors: 401; 403 API tokens; 404 not yours; 422 neither id nor all.
#[server(prefix = "/api", endpoint = "notifications/read", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn mark_notifications_read(
    #[server(default)] id: Option<i64>,
    #[server(default)] all: Option<bool>,
) -> Result<u64, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let changed = service::mark_read(&state.db, &caller, id, all.unwrap_or(false)).await?;
    auth::redirect_form_post("/notifications");
    Ok(changed)
}

/// Which kinds of notification you receive.
///
/// Errors: 401; 403 API tokens.
#[server(prefix = "/api", endpoint = "notifications/preferences", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn notification_preferences() -> Result<Vec<Preference>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    service::preferences(&state.db, &caller).await
}

/// Receive exactly the kinds listed in enabled from now on.
///
/// Errors: 401; 403 API tokens; 422 unknown kind.
#[server(prefix = "/api", endpoint = "notifications/preferences/save", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn save_notification_preferences(
    #[server(default)] enabled: Vec<String>,
) -> Result<Vec<Preference>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let saved = service::set_preferences(&state.db, &caller, &enabled).await?;
    auth::redirect_form_post(&crate::address::saved_page("/settings", SAVED_KEY));
    Ok(saved)
}
