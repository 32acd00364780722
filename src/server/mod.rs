//! The server put together: configuration, sessions, middleware, the
//! router over every feature's doors, start-up and the sweeps.

pub mod backup;
pub mod config;
mod headers;
pub mod idempotency;
pub mod json_body;
pub mod metrics;

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;
use axum_login::AuthManagerLayerBuilder;
use axum_login::tower_sessions::cookie::SameSite;
use axum_login::tower_sessions::cookie::time::Duration as CookieDuration;
use axum_login::tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use crate::accounts::auth::SESSION_IDLE_HOURS;
use crate::accounts::auth::{Backend, require_sign_in};
use crate::accounts::session_store::DbSessionStore;
use crate::accounts::setup::ensure_admin;
use crate::app::{App, shell};
use crate::platform::bus::Bus;
pub use crate::platform::state::AppState;
pub use crate::platform::{StartupError, db};
pub use config::Config;
/// How often expired sessions and old events are deleted.
const SWEEP_EVERY: Duration = Duration::from_secs(600);
/// How often the metrics' histograms are drained into their buckets.
const METRICS_UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Refuses a state-changing request that rides on the session cookie but
/// was sent by a page of another origin (another port or a sibling
/// subdomain of the same site, which `SameSite` does not stop). Calls with
/// a bearer token carry no ambient credential and pass.
async fn same_site_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let method = request.method();
    let safe = method == axum::http::Method::GET
        || method == axum::http::Method::HEAD
        || method == axum::http::Method::OPTIONS;
    if safe
        || request
            .headers()
            .contains_key(axum::http::header::AUTHORIZATION)
        || crate::platform::origin::from_this_site(request.headers(), &state.live.allowed_origins)
    {
        return next.run(request).await;
    }
    crate::error::AppError::Forbidden(
        "This request was sent by a page of another site and was refused. Open vitalboard itself and try again."
            .into(),
    )
    .into_response()
}

/// Answers a method an API path does not take with 405 and the methods it
/// does: each server function and the OpenAPI document take exactly one
/// (`GET`, which also answers `HEAD`, or `POST`). Unknown paths pass on to 404.
async fn api_methods(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    static SERVER_FNS: std::sync::LazyLock<std::collections::BTreeMap<&'static str, Method>> =
        std::sync::LazyLock::new(|| {
            let mut paths = crate::docs::openapi::registered();
            paths.insert(OPENAPI_PATH, Method::GET);
            paths
        });
    let path = request.uri().path();
    if !path.starts_with("/api/") {
        return next.run(request).await;
    }
    let method = request.method();
    let allowed: &[Method] = match SERVER_FNS.get(path) {
        Some(&Method::GET) => &[Method::GET, Method::HEAD],
        Some(_) => &[Method::POST],
        None => return next.run(request).await,
    };
    if allowed.contains(method) {
        return next.run(request).await;
    }
    let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    let names = names.join(", ");
    let refused = crate::error::AppError::Request(format!(
        "{path} does not answer {method}; it takes {names}."
    ));
    let mut response = refused.into_response();
    *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    if let Ok(value) = axum::http::HeaderValue::from_str(&names) {
        response
            .headers_mut()
            .insert(axum::http::header::ALLOW, value);
    }
    response
}

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// Sets up logging from `RUST_LOG` (default `info`), as text or, with
/// `VITALBOARD_LOG_FORMAT=json`, one JSON object per line. Every line
/// logged while a request is served carries its request id.
pub fn init_tracing() -> Result<(), StartupError> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let format = std::env::var("VITALBOARD_LOG_FORMAT").unwrap_or_default();
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format.trim() {
        "" | "text" => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .init(),
        "json" => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        other => {
            return Err(StartupError::Config(format!(
                "VITALBOARD_LOG_FORMAT is '{other}'; use text or json"
            )));
        }
    }
    Ok(())
}

/// The span of one request: its id, method and path. Never the query,
/// which may hold a search term or a socket ticket.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = id,
        method = %request.method(),
        path = request.uri().path(),
    )
}

/// The page routes, drawn from the app once per process. While Leptos draws
/// them it holds back the loading of every resource in the process, so a
/// second server started in the same process must not draw them again while
/// the first one renders pages.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// The whole HTTP surface: pages, server functions, health check, static
/// files, behind sessions and the sign-in guard.
pub fn router(state: AppState, secure_cookies: bool) -> Router {
    // Over HTTPS the `__Host-` prefix makes browsers refuse the cookie from
    // anything but this host, over anything but HTTPS, for anything but `/`.
    let cookie = if secure_cookies {
        "__Host-vitalboard_session"
    } else {
        "vitalboard_session"
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(cookie)
        .with_path("/")
        .with_secure(secure_cookies)
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(CookieDuration::hours(
            SESSION_IDLE_HOURS,
        )));
    let auth = AuthManagerLayerBuilder::new(Backend::new(state.db.clone()), sessions).build();

    let routes = page_routes();
    let context_state = state.clone();
    let leptos_options = state.leptos_options.clone();
    let router = Router::new()
        .route("/healthz", get(crate::system::health::healthz))
        .route("/ws", get(crate::live::socket::upgrade))
        .merge(crate::fhir::routes())
        .merge(crate::export::routes())
        .route(
            OPENAPI_PATH,
            get(|| async { axum::Json(crate::docs::openapi::document()) }),
        )
        .route(metrics::METRICS_PATH, get(metrics::scrape))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                headers::provide_page_policy();
            },
            move || shell(leptos_options.clone()),
        )
        .route_layer(from_fn(metrics::name_route))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn(require_sign_in))
        .layer(from_fn(json_body::accept_json))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::replay_retries,
        ))
        .layer(auth)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            same_site_writes,
        ))
        .layer(from_fn(api_methods))
        .layer(from_fn(limit_bodies))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(CatchPanicLayer::custom(failed))
        .layer(from_fn(metrics::track))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state);
    headers::apply(router, secure_cookies)
}

/// Refuses bodies larger than a request may send (413): a FHIR transaction
/// may carry more than any other request.
async fn limit_bodies(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use tower::{Layer, ServiceExt};
    let limit = match request.uri().path() == crate::fhir::BASE {
        true => crate::fhir::MAX_BODY_BYTES,
        false => json_body::MAX_BODY_BYTES,
    };
    let inner = tower::service_fn(move |request: axum::http::Request<_>| {
        let next = next.clone();
        async move {
            let request = request.map(axum::body::Body::new);
            Ok::<_, std::convert::Infallible>(next.run(request).await)
        }
    });
    match RequestBodyLimitLayer::new(limit)
        .layer(inner)
        .oneshot(request)
        .await
    {
        Ok(response) => response.map(axum::body::Body::new).into_response(),
        Err(never) => match never {},
    }
}

/// The answer to a request whose handler panicked: logged, and a 500 with
/// the usual error body; the server goes on.
fn failed(detail: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let detail = detail
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| detail.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!("a request failed: {detail}");
    crate::error::AppError::Internal.into_response()
}

/// Connects the database, applies migrations, makes sure an administrator
/// (and in demo mode the demo accounts) exist, and builds the state.
pub async fn prepare(config: &Config) -> Result<AppState, StartupError> {
    crate::zones::set_hospital(&config.time_zone).map_err(StartupError::Config)?;
    let db = db::connect(&config.database_url).await?;
    let summarised = crate::rounds::clinical::summarise_stays(&db)
        .await
        .map_err(|e| StartupError::Migration(format!("cannot sum the stays' rounds: {e}")))?;
    if summarised > 0 {
        tracing::info!(
            "stored the NEWS2 after each round and summed the hours of {summarised} stays recorded before"
        );
    }
    if config.demo {
        seed(&db, crate::demo::DEFAULT_SEED).await?;
    }
    let generated = ensure_admin(&db, config.first_admin.clone())
        .await
        .map_err(|e| {
            StartupError::Accounts(format!("cannot create the first administrator: {e}"))
        })?;
    if let Some(password) = generated {
        tracing::warn!(
            "no administrator existed: created user 'admin' with the one-time password {password} \
             (sign in and change it on your profile page)"
        );
    }
    metrics::install();
    let bus = Bus::new(config.max_sockets_per_user);
    bus.start(db.clone(), config.redis_url.clone(), config.event_poll)
        .await
        .map_err(|e| StartupError::Config(format!("live updates cannot start: {e}")))?;
    crate::rounds::reminders::start(db.clone(), config.clock.clone(), config.reminder_check);
    Ok(AppState {
        leptos_options: config.leptos.clone(),
        db,
        live: crate::platform::state::Live {
            bus,
            allowed_origins: std::sync::Arc::new(config.allowed_origins.clone()),
        },
        trusted_proxies: std::sync::Arc::new(config.trusted_proxies.clone()),
        metrics_from: std::sync::Arc::new(config.metrics_from.clone()),
        clock: config.clock.clone(),
    })
}

async fn seed(db: &sea_orm::DatabaseConnection, seed: u64) -> Result<(), StartupError> {
    let added = crate::demo::ensure_patients(db, seed)
        .await
        .map_err(|e| StartupError::Accounts(format!("cannot create the demo data: {e}")))?;
    if added > 0 {
        tracing::info!("added {added} demo patients (seed {seed})");
    }
    Ok(())
}

/// Runs what the arguments ask: serves until SIGINT or SIGTERM, or adds
/// the demo data and exits.
pub async fn start(args: &[String]) -> Result<(), StartupError> {
    if args.first().is_some_and(|a| a == "simulate") {
        return crate::simulate::run(&args[1..])
            .await
            .map_err(StartupError::Config);
    }
    if let Some(command @ ("backup" | "restore")) = args.first().map(String::as_str) {
        let [_, path] = args else {
            return Err(StartupError::Config(format!(
                "{command} needs one argument, the file of the copy; {}",
                config::USAGE
            )));
        };
        let url = config::database_url();
        let path = std::path::Path::new(path);
        let done = if command == "backup" {
            backup::backup(&url, path).await?
        } else {
            backup::restore(&url, path).await?
        };
        println!("{done}");
        return Ok(());
    }
    let config = Config::from_env(args)?;
    if let config::Command::Seed { seed: number } = config.command {
        let db = db::connect(&config.database_url).await?;
        return seed(&db, number).await;
    }
    let addr: SocketAddr = config.leptos.site_addr;
    let _serving = backup::hold(&config.database_url)?;
    let state = prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartupError::Listen(addr, e))?;
    let db = state.db.clone();
    crate::platform::tasks::supervise("the sweep of old sessions and events", move || {
        sweep(DbSessionStore::new(db.clone()), db.clone())
    });
    crate::platform::tasks::supervise("the upkeep of the metrics", || async {
        let mut every = tokio::time::interval(METRICS_UPKEEP_EVERY);
        loop {
            every.tick().await;
            metrics::upkeep();
        }
    });
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!(
        "vitalboard listening on http://{bound} ({} database)",
        db::backend_name(&state.db)
    );
    let app =
        router(state, config.secure_cookies).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartupError::Serve)?;
    tracing::info!("vitalboard stopped");
    Ok(())
}

/// Deletes expired sessions, events past their retention, failed sign-ins
/// too old to count and old idempotency keys, now and then.
async fn sweep(store: DbSessionStore, db: sea_orm::DatabaseConnection) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = store.delete_expired().await {
            tracing::warn!("could not delete expired sessions: {e}");
        }
        if let Err(e) = crate::platform::events::prune(&db).await {
            tracing::warn!("could not delete old events: {e}");
        }
        if let Err(e) = crate::accounts::sign_in::prune(&db, chrono::Utc::now()).await {
            tracing::warn!("could not delete old failed sign-ins: {e}");
        }
        if let Err(e) = idempotency::prune(&db).await {
            tracing::warn!("could not delete old idempotency keys: {e}");
        }
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
