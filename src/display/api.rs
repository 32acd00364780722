//! Server functions of display preferences.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Display, DisplayInput};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {super::service, crate::accounts::auth};

/// What a plain form post of the settings form returns with (see
/// `crate::ui::form::saved_notice`).
pub const SAVED_KEY: &str = "display";

/// How times and temperatures are shown to you: temperature unit (C or F), clock (24 or 12) and the hospital's time zone with its UTC offsets. Before signing in, and for API tokens, the defaults.
///
/// Errors: 401 bad token.
#[server(prefix = "/api", endpoint = "settings/display", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn display_settings() -> Result<Display, AppError> {
    let state = crate::platform::state::AppState::current()?;
    // Signed out, the defaults; a bad token is still refused.
    let anonymous = !auth::request_parts()?
        .headers
        .contains_key(http::header::AUTHORIZATION);
    let caller = match auth::current_caller().await {
        Ok((_, caller)) => Some(caller),
        Err(AppError::Unauthorized(_)) if anonymous => None,
        Err(e) => return Err(e),
    };
    service::of(&state.db, caller.as_ref()).await
}

/// Choose the temperature unit (C or F) and the clock (24 or 12) you see.
///
/// Errors: 401; 403 API tokens; 422 naming each bad field.
#[server(prefix = "/api", endpoint = "settings/display/save", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn save_display_settings(
    #[server(default)] display: DisplayInput,
) -> Result<Display, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let saved = service::save(&state.db, &caller, display).await?;
    auth::redirect_form_post(&crate::address::saved_page("/settings", SAVED_KEY));
    Ok(saved)
}
