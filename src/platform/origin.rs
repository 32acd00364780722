//! Whether a request comes from a page of this site: the check behind
//! cross-site request forgery protection and the live socket's handshake.

use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN, REFERER};

/// The `scheme://host[:port]` of a URL, without path, query or fragment.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || rest.is_empty() {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + end])
}

/// What a request says about the page that sent it: its `Origin`, else the
/// origin of its `Referer`. `Err(())` when a header is there but unreadable
/// (or the opaque origin `null`), `Ok(None)` when neither is sent.
fn sending_origin(headers: &HeaderMap) -> Result<Option<&str>, ()> {
    if let Some(origin) = headers.get(ORIGIN) {
        let origin = origin.to_str().map_err(|_| ())?;
        return origin_of(origin).map(Some).ok_or(());
    }
    match headers.get(REFERER) {
        Some(referer) => {
            let referer = referer.to_str().map_err(|_| ())?;
            origin_of(referer).map(Some).ok_or(())
        }
        None => Ok(None),
    }
}

/// Whether the page that sent the request belongs to this site: its origin
/// names the host the request was sent to, or is one of `allowed`. A
/// request with neither `Origin` nor `Referer` is a program's, not a
/// page's, and passes.
pub fn from_this_site(headers: &HeaderMap, allowed: &[String]) -> bool {
    let origin = match sending_origin(headers) {
        Ok(Some(origin)) => origin,
        Ok(None) => return true,
        Err(()) => return false,
    };
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn pages_of_this_host_and_configured_origins_pass() {
        let host = ("host", "ward.example:3000");
        assert!(from_this_site(&headers(&[host]), &[]), "a program");
        assert!(from_this_site(
            &headers(&[host, ("origin", "http://ward.example:3000")]),
            &[]
        ));
        assert!(from_this_site(
            &headers(&[host, ("referer", "http://ward.example:3000/patients/3?x=1")]),
            &[]
        ));
        assert!(from_this_site(
            &headers(&[
                ("host", "10.0.0.5:3000"),
                ("origin", "https://vitals.hospital.example")
            ]),
            &["https://vitals.hospital.example".to_owned()]
        ));
    }

    #[test]
    fn other_origins_of_the_same_site_are_refused() {
        let host = ("host", "127.0.0.1:3000");
        for origin in [
            "http://127.0.0.1:8080",
            "http://evil.127.0.0.1:3000",
            "https://evil.example",
            "null",
            "127.0.0.1:3000",
        ] {
            assert!(
                !from_this_site(&headers(&[host, ("origin", origin)]), &[]),
                "{origin}"
            );
        }
        assert!(!from_this_site(
            &headers(&[host, ("referer", "http://127.0.0.1:8080/form")]),
            &[]
        ));
        assert!(
            !from_this_site(
                &headers(&[
                    host,
                    ("origin", "http://127.0.0.1:8080"),
                    ("referer", "http://127.0.0.1:3000/")
                ]),
                &[]
            ),
            "Origin wins over Referer"
        );
    }
}
