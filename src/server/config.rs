//! Configuration from environment variables with safe defaults.

use std::net::SocketAddr;
use std::path::Path;

use leptos::config::{LeptosOptions, get_configuration};

/// Where the embedded database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/vitalboard.db";
/// The site settings file read at start-up when `VITALBOARD_SITE_CONFIG` is not set.
pub const DEFAULT_SITE_CONFIG: &str = "Leptos.toml";

/// Why the server could not start; each prints as one line naming the problem.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(String),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
}

/// Everything the server needs to know before it starts.
#[derive(Debug, Clone)]
pub struct Config {
    pub leptos: LeptosOptions,
    pub database_url: String,
}

impl Config {
    /// Reads `VITALBOARD_SITE_CONFIG` (site settings file, default `Leptos.toml`,
    /// itself overridden by `LEPTOS_*` variables) and `DATABASE_URL`.
    pub fn from_env() -> Result<Self, StartupError> {
        let site_config =
            std::env::var("VITALBOARD_SITE_CONFIG").unwrap_or_else(|_| DEFAULT_SITE_CONFIG.into());
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into());
        Ok(Self {
            leptos: site_options(&site_config)?,
            database_url,
        })
    }
}

/// Loads the site settings from `path`, or from `LEPTOS_*` variables alone
/// when that file does not exist.
pub fn site_options(path: &str) -> Result<LeptosOptions, StartupError> {
    let file = Path::new(path).exists().then_some(path);
    get_configuration(file)
        .map(|conf| conf.leptos_options)
        .map_err(|e| {
            StartupError::Config(match file {
                Some(path) => format!("cannot read site settings from {path}: {e}"),
                None => format!(
                    "site settings file {path} not found and LEPTOS_OUTPUT_NAME is not set \
                     (run from the project folder or set VITALBOARD_SITE_CONFIG): {e}"
                ),
            })
        })
}
