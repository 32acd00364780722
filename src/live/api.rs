//! Server function of the live layer.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[cfg(feature = "ssr")]
use crate::accounts::auth;
use crate::error::AppError;

/// A one-use ticket that opens `/ws?ticket=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
}

/// A one-use ticket, valid for 60 seconds, that opens the live socket as /ws?ticket=… for clients that cannot send a cookie or an Authorization header with the handshake.
///
/// Errors: 401.
#[server(prefix = "/api", endpoint = "live/ticket", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn socket_ticket() -> Result<Ticket, AppError> {
    let state = crate::platform::state::AppState::current()?;
    let (_, credential) = auth::request_credential(&state.db, &auth::request_parts()?).await?;
    let ticket = super::tickets::issue(&state.db, &credential).await?;
    Ok(Ticket {
        ticket,
        expires_at: Utc::now() + chrono::Duration::seconds(super::tickets::TICKET_SECONDS),
    })
}
