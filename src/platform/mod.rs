//! What every feature stands on: the database, the event log and the bus
//! that delivers it, the socket's frames, background tasks and the facts of
//! a request. It uses no feature.

#[cfg(feature = "ssr")]
pub mod arguments;
#[cfg(feature = "ssr")]
pub mod bus;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod events;
pub mod frames;
#[cfg(feature = "ssr")]
pub mod origin;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod tasks;

#[cfg(feature = "ssr")]
use std::net::SocketAddr;

#[cfg(feature = "ssr")]
/// Why the server could not start; each prints as one line naming the problem.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(String),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("accounts: {0}")]
    Accounts(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
}
