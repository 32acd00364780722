//! The server's figures for monitoring: `GET /metrics` in the Prometheus
//! text format, for the configured addresses or an administrator.
//!
//! Every part of the server counts through the `metrics` facade; this
//! module installs the one recorder of the process, times each request by
//! its route and answers the scrape.

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::accounts::auth::request_caller;
use crate::error::AppError;
use crate::platform::state::AppState;

/// Where the figures are served.
pub const METRICS_PATH: &str = "/metrics";

/// Bounds of the time histograms, in seconds: 1 ms to 10 s.
const SECONDS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The recorder of this process, installed at first use. When another
/// recorder was installed first, the scrape answers what this one holds:
/// nothing.
static RECORDER: LazyLock<PrometheusHandle> = LazyLock::new(|| {
    let builder = PrometheusBuilder::new();
    let recorder = builder
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS)
        .unwrap_or_else(|_| PrometheusBuilder::new())
        .build_recorder();
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        tracing::warn!("another metrics recorder is installed; {METRICS_PATH} stays empty");
    }
    handle
});

/// Installs the recorder, so figures are kept from the start.
pub fn install() {
    LazyLock::force(&RECORDER);
}

/// Drops figures no longer updated and keeps histograms bounded; run now
/// and then.
pub fn upkeep() {
    RECORDER.run_upkeep();
}

/// The route a request matched, passed out to `track` (which runs before
/// routing and cannot see it).
#[derive(Clone)]
struct Route(MatchedPath);

/// Hands the matched route out with the response (a route layer).
pub async fn name_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// The route a request is counted under: the pattern it matched (never
/// the ids in it); else `static` for a file served (the WASM, scripts,
/// styles, icons), and `other` for what was not found or refused.
fn route_label(matched: Option<&str>, status: StatusCode) -> String {
    match matched {
        Some(pattern) => pattern.to_owned(),
        None if status.is_success() || status == StatusCode::NOT_MODIFIED => "static".to_owned(),
        None => "other".to_owned(),
    }
}

/// Counts and times every request by its route and status.
pub async fn track(request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let matched = response
        .extensions()
        .get::<Route>()
        .map(|Route(p)| p.as_str());
    let route = route_label(matched, response.status());
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("vitalboard_http_requests_total", &labels).increment(1);
    metrics::histogram!("vitalboard_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: the figures, for a client at one of the addresses of
/// `VITALBOARD_METRICS_FROM` or an administrator (session or token). They
/// name routes and count patients' rounds, so no one else gets them.
pub async fn scrape(State(state): State<AppState>, parts: Parts) -> Result<Response, AppError> {
    let client = crate::platform::client::address(&parts, &state.trusted_proxies);
    let listed = client
        .parse()
        .is_ok_and(|ip| state.metrics_from.contains(&ip));
    if !listed {
        request_caller(&state.db, &parts).await?.require_admin()?;
    }
    gauges(&state);
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        RECORDER.render(),
    )
        .into_response())
}

/// The figures read at the moment of the scrape.
fn gauges(state: &AppState) {
    metrics::gauge!("vitalboard_sockets_open").set(state.live.bus.open_sockets() as f64);
    let (size, idle) = crate::platform::db::pool_use(&state.db);
    metrics::gauge!("vitalboard_db_connections").set(f64::from(size));
    metrics::gauge!("vitalboard_db_connections_idle").set(idle as f64);
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::route_label;

    #[test]
    fn files_served_and_paths_not_found_count_apart() {
        let label = route_label;
        assert_eq!(
            label(Some("/api/rounds/record"), StatusCode::UNPROCESSABLE_ENTITY),
            "/api/rounds/record"
        );
        assert_eq!(label(None, StatusCode::OK), "static");
        assert_eq!(label(None, StatusCode::NOT_MODIFIED), "static");
        assert_eq!(label(None, StatusCode::NOT_FOUND), "other");
        assert_eq!(label(None, StatusCode::METHOD_NOT_ALLOWED), "other");
    }
}
