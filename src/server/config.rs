//! Configuration from environment variables and arguments, with safe defaults.

use std::path::Path;

use leptos::config::{LeptosOptions, get_configuration};

use crate::accounts::setup::FirstAdmin;
use crate::platform::StartupError;

/// Where the embedded database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/vitalboard.db";
/// The site settings file read at start-up when `VITALBOARD_SITE_CONFIG` is not set.
pub const DEFAULT_SITE_CONFIG: &str = "Leptos.toml";
pub const USAGE: &str = "usage: vitalboard [--demo] | vitalboard seed [--seed N] | vitalboard backup FILE | vitalboard restore FILE | vitalboard simulate --token T [--url U] [--every SECONDS]";

/// What the process is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Serve the application.
    Serve,
    /// Add the demo accounts and patients (generated from `seed`), then exit.
    Seed { seed: u64 },
}

/// Everything the server needs to know before it starts.
pub struct Config {
    pub command: Command,
    pub leptos: LeptosOptions,
    pub database_url: String,
    /// Create the demo wards, accounts and patients.
    pub demo: bool,
    /// Mark the session cookie `Secure` (HTTPS deployments).
    pub secure_cookies: bool,
    /// How to make the first administrator when none exists.
    pub first_admin: FirstAdmin,
    /// Redis, through which several servers sharing one database tell each
    /// other about new events (`REDIS_URL`).
    pub redis_url: Option<String>,
    /// Origins besides the site's own whose pages may open the live socket
    /// (`VITALBOARD_ALLOWED_ORIGINS`, comma-separated).
    pub allowed_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client address
    /// (`VITALBOARD_TRUSTED_PROXIES`, comma-separated IP addresses).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Addresses that may read `/metrics` without signing in
    /// (`VITALBOARD_METRICS_FROM`, comma-separated IP addresses).
    pub metrics_from: Vec<std::net::IpAddr>,
    /// Open live sockets allowed per user or token (`VITALBOARD_MAX_SOCKETS_PER_USER`).
    pub max_sockets_per_user: usize,
    /// How often to look for events committed by other servers when Redis
    /// does not announce them (`VITALBOARD_EVENT_POLL_MS`).
    pub event_poll: std::time::Duration,
    /// How often to look for patients whose round is due
    /// (`VITALBOARD_REMINDER_CHECK_MS`).
    pub reminder_check: std::time::Duration,
    /// The hospital's time zone, in which users who chose none see times
    /// (`VITALBOARD_TIME_ZONE`, an IANA name; UTC unless set).
    pub time_zone: String,
    /// The time the services read: the system's, or one a test sets.
    pub clock: crate::platform::clock::Clock,
}

/// How often to look for due rounds unless configured.
pub const DEFAULT_REMINDER_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// How often to look for other servers' events unless configured.
pub const DEFAULT_EVENT_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Live sockets allowed per user or token unless configured.
pub const DEFAULT_MAX_SOCKETS_PER_USER: usize = 20;

impl Config {
    /// Serving `database_url` with the site settings `leptos`, an
    /// administrator made from `first_admin`, and every other setting at
    /// its default.
    pub fn with_defaults(
        leptos: LeptosOptions,
        database_url: String,
        first_admin: FirstAdmin,
    ) -> Self {
        Self {
            command: Command::Serve,
            leptos,
            database_url,
            demo: false,
            secure_cookies: false,
            first_admin,
            redis_url: None,
            allowed_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            metrics_from: Vec::new(),
            max_sockets_per_user: DEFAULT_MAX_SOCKETS_PER_USER,
            event_poll: DEFAULT_EVENT_POLL,
            reminder_check: DEFAULT_REMINDER_CHECK,
            clock: crate::platform::clock::Clock::system(),
            time_zone: DEFAULT_TIME_ZONE.into(),
        }
    }

    /// Reads the environment (see README) and the command-line arguments.
    pub fn from_env(args: &[String]) -> Result<Self, StartupError> {
        let mut demo = env_flag("VITALBOARD_DEMO")?;
        let mut command = Command::Serve;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match (arg.as_str(), command) {
                ("--demo", Command::Serve) => demo = true,
                ("seed", Command::Serve) => {
                    command = Command::Seed {
                        seed: crate::demo::DEFAULT_SEED,
                    };
                }
                ("--seed", Command::Seed { .. }) => {
                    let seed = args.next().and_then(|n| n.parse().ok()).ok_or_else(|| {
                        StartupError::Config(format!("--seed needs a whole number; {USAGE}"))
                    })?;
                    command = Command::Seed { seed };
                }
                (other, _) => {
                    return Err(StartupError::Config(format!(
                        "unknown argument '{other}'; {USAGE}"
                    )));
                }
            }
        }
        let site_config =
            std::env::var("VITALBOARD_SITE_CONFIG").unwrap_or_else(|_| DEFAULT_SITE_CONFIG.into());
        let first_admin = match (
            std::env::var("VITALBOARD_ADMIN_USER"),
            std::env::var("VITALBOARD_ADMIN_PASSWORD"),
        ) {
            (Ok(username), Ok(password)) => FirstAdmin::Given { username, password },
            (Err(_), Err(_)) => FirstAdmin::Generated,
            _ => {
                return Err(StartupError::Config(
                    "set both VITALBOARD_ADMIN_USER and VITALBOARD_ADMIN_PASSWORD, or neither"
                        .into(),
                ));
            }
        };
        Ok(Self {
            command,
            leptos: site_options(&site_config)?,
            database_url: database_url(),
            demo,
            secure_cookies: env_flag("VITALBOARD_SECURE_COOKIES")?,
            first_admin,
            redis_url: std::env::var("REDIS_URL")
                .ok()
                .filter(|u| !u.trim().is_empty()),
            allowed_origins: std::env::var("VITALBOARD_ALLOWED_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            trusted_proxies: env_addresses("VITALBOARD_TRUSTED_PROXIES")?,
            metrics_from: env_addresses("VITALBOARD_METRICS_FROM")?,
            max_sockets_per_user: env_number("VITALBOARD_MAX_SOCKETS_PER_USER")?
                .map_or(DEFAULT_MAX_SOCKETS_PER_USER, |n| n as usize),
            event_poll: env_number("VITALBOARD_EVENT_POLL_MS")?
                .map_or(DEFAULT_EVENT_POLL, std::time::Duration::from_millis),
            reminder_check: env_number("VITALBOARD_REMINDER_CHECK_MS")?
                .map_or(DEFAULT_REMINDER_CHECK, std::time::Duration::from_millis),
            time_zone: env_time_zone()?,
            clock: crate::platform::clock::Clock::system(),
        })
    }
}

/// `DATABASE_URL`, or the embedded database when it is not set.
pub fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into())
}

/// The time zone of the hospital unless configured.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// `VITALBOARD_TIME_ZONE`, which must name a zone of the IANA database.
fn env_time_zone() -> Result<String, StartupError> {
    let name = std::env::var("VITALBOARD_TIME_ZONE").unwrap_or_default();
    let name = name.trim();
    if name.is_empty() {
        return Ok(DEFAULT_TIME_ZONE.into());
    }
    if crate::zones::exists(name) {
        Ok(name.to_owned())
    } else {
        Err(StartupError::Config(format!(
            "VITALBOARD_TIME_ZONE is '{name}'; use a time zone name such as Asia/Ho_Chi_Minh"
        )))
    }
}

/// Comma-separated IP addresses from the environment (none when unset).
fn env_addresses(name: &str) -> Result<Vec<std::net::IpAddr>, StartupError> {
    crate::platform::client::parse_addresses(name, &std::env::var(name).unwrap_or_default())
        .map_err(StartupError::Config)
}

/// A whole number above 0 from the environment, if set.
fn env_number(name: &str) -> Result<Option<u64>, StartupError> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(text) => text
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| {
                StartupError::Config(format!("{name} is '{text}'; use a whole number above 0"))
            }),
    }
}

/// A yes/no environment variable: unset, `0`, `false` or `no` is no; `1`,
/// `true` or `yes` is yes; anything else is refused.
fn env_flag(name: &str) -> Result<bool, StartupError> {
    match std::env::var(name)
        .unwrap_or_default()
        .to_lowercase()
        .as_str()
    {
        "" | "0" | "false" | "no" => Ok(false),
        "1" | "true" | "yes" => Ok(true),
        other => Err(StartupError::Config(format!(
            "{name} is '{other}'; use 1 or 0"
        ))),
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
