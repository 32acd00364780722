//! Server-only plumbing: configuration, database, state, router and start-up.

pub mod config;
pub mod db;
mod health;
pub mod state;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::{App, shell};
pub use config::{Config, StartupError};
pub use state::AppState;

/// Sets up logging from `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

/// The whole HTTP surface: pages, server functions, health check, static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Connects the database, applies migrations and builds the state.
pub async fn prepare(config: &Config) -> Result<AppState, StartupError> {
    let db = db::connect(&config.database_url).await?;
    Ok(AppState {
        leptos_options: config.leptos.clone(),
        db,
    })
}

/// Starts the server from the environment and serves until SIGINT or SIGTERM.
pub async fn start() -> Result<(), StartupError> {
    let config = Config::from_env()?;
    let addr: SocketAddr = config.leptos.site_addr;
    let state = prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartupError::Listen(addr, e))?;
    tracing::info!(
        "vitalboard listening on http://{addr} ({} database)",
        db::backend_name(&state.db)
    );
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartupError::Serve)?;
    tracing::info!("vitalboard stopped");
    Ok(())
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
