//! Security headers on every answer: a strict Content-Security-Policy (a
//! fresh nonce per page for the hydration script), no framing, no MIME
//! sniffing, no referrer to other sites, no caching of anything that
//! carries data, and HSTS when the site is served over HTTPS.

use axum::Router;
use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Response};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy of a page: its own scripts (the inline hydration script by
/// its nonce), WASM compiled from them, its own styles, images and socket.
pub fn page_policy(nonce: Option<&str>) -> String {
    let inline = nonce.map_or(String::new(), |n| format!(" 'nonce-{n}'"));
    format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of anything that is not a page (API answers, files).
const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Called before a page renders (and before a server function runs, which
/// keeps the policy of other answers): a page's policy names its nonce.
pub fn provide_page_policy() {
    let page = leptos::prelude::use_context::<axum::http::request::Parts>()
        .is_some_and(|parts| !parts.uri.path().starts_with("/api/"));
    if !page {
        return;
    }
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let nonce = leptos::nonce::use_nonce();
        if let Ok(value) = HeaderValue::from_str(&page_policy(nonce.as_deref())) {
            response.insert_header(CONTENT_SECURITY_POLICY, value);
        }
    }
}

fn content_type(response: &Response<Body>) -> &str {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Pages, JSON and CSV carry patient data: never stored by a browser or a
/// proxy. Scripts, styles, WASM and images keep their caching.
fn carries_data(response: &Response<Body>) -> bool {
    let kind = content_type(response);
    ["text/html", "application/json", "text/csv", "text/plain"]
        .iter()
        .any(|k| kind.starts_with(k))
        || kind.is_empty()
}

fn csp(response: &Response<Body>) -> Option<HeaderValue> {
    let policy = if content_type(response).starts_with("text/html") {
        page_policy(None)
    } else {
        OTHER_POLICY.to_owned()
    };
    HeaderValue::from_str(&policy).ok()
}

fn no_store(response: &Response<Body>) -> Option<HeaderValue> {
    carries_data(response).then(|| HeaderValue::from_static("no-store"))
}

type MakeHeader = fn(&Response<Body>) -> Option<HeaderValue>;

/// Adds the headers to every answer of `router`; `https` adds HSTS.
pub fn apply(router: Router, https: bool) -> Router {
    let router = router
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            csp as MakeHeader,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            no_store as MakeHeader,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ));
    if https {
        router.layer(SetResponseHeaderLayer::overriding(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_this_site_and_the_nonce() {
        let policy = page_policy(Some("abc123"));
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!page_policy(None).contains("nonce"));
    }
}
