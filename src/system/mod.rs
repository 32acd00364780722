//! The running system as its users and operators see it: version, database,
//! server time.

pub mod api;
#[cfg(feature = "ssr")]
pub mod health;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The database as the server sees it right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DatabaseStatus {
    /// `up` when the last query succeeded.
    pub state: String,
    /// `SQLite` or `PostgreSQL`.
    pub backend: String,
    /// Number of schema migrations applied.
    pub migrations: usize,
}

/// What `GET /api/system/status` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusReport {
    pub version: String,
    pub database: DatabaseStatus,
    pub server_time: DateTime<Utc>,
}
