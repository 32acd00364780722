use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use crate::platform::bus::Bus;
use crate::platform::clock::Clock;

/// Shared by every request: site settings, the database pool and the
/// live sockets.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub live: Live,
    /// Proxies whose `X-Forwarded-For` names the client (`server::client`).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// Addresses that may read `/metrics` without signing in.
    #[from_ref(skip)]
    pub metrics_from: Arc<Vec<std::net::IpAddr>>,
    /// The time the services read.
    pub clock: Clock,
}

/// The live layer of this server.
#[derive(Clone)]
pub struct Live {
    pub bus: Arc<Bus>,
    /// Origins besides this site's own whose pages may open a socket.
    pub allowed_origins: Arc<Vec<String>>,
}

impl AppState {
    /// The state of the server function being run. Missing only when a
    /// server function is called outside a request, as when the route list
    /// is drawn from the app at startup: an error then, never a panic.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::debug!("a server function ran outside a request");
            crate::error::AppError::Internal
        })
    }
}
