//! Server function of the live layer.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::auth;
use crate::error::AppError;

/// A one-use ticket that opens `/ws?ticket=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/live/ticket`: a ticket for opening the socket without a cookie or header.
#[server(prefix = "/api", endpoint = "live/ticket")]
pub async fn socket_ticket() -> Result<Ticket, AppError> {
    let state = expect_context::<crate::server::AppState>();
    let (_, credential) = auth::request_credential(&state.db, &auth::request_parts()?).await?;
    let ticket = super::tickets::issue(&state.db, &credential).await?;
    Ok(Ticket {
        ticket,
        expires_at: Utc::now() + chrono::Duration::seconds(super::tickets::TICKET_SECONDS),
    })
}
