//! The address a request comes from: the connection's, or, when the
//! connection is from a proxy listed in `VITALBOARD_TRUSTED_PROXIES`, the
//! address that proxy names in `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// The client address of a request as text (empty when unknown).
pub fn address(parts: &Parts, trusted_proxies: &[IpAddr]) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    client_of(peer, &forwarded, trusted_proxies).map_or_else(String::new, |ip| ip.to_string())
}

/// The first address, from the right, that is not a trusted proxy: each
/// proxy appends the address it heard from, so anything left of the
/// nearest untrusted hop may be forged by the client.
fn client_of(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return Some(ip),
            Err(_) => return Some(client),
        }
    }
    Some(client)
}

/// Reads a setting of comma-separated IP addresses, such as
/// `VITALBOARD_TRUSTED_PROXIES`; an error names the `setting`.
pub fn parse_addresses(setting: &str, text: &str) -> Result<Vec<IpAddr>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse()
                .map_err(|_| format!("{setting} names '{a}', which is not an IP address"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_may_name_the_client() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy];
        assert_eq!(
            client_of(Some(ip("192.0.2.7")), &["198.51.100.1"], &trusted),
            Some(ip("192.0.2.7")),
            "a direct client cannot forge its address"
        );
        assert_eq!(
            client_of(Some(proxy), &["203.0.113.9"], &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_of(Some(proxy), &["6.6.6.6", "203.0.113.9"], &trusted),
            Some(ip("203.0.113.9")),
            "what the client wrote left of the proxy's entry is ignored"
        );
        assert_eq!(
            client_of(Some(proxy), &["203.0.113.9", "10.0.0.2"], &trusted),
            Some(ip("203.0.113.9")),
            "chained trusted proxies are skipped"
        );
        assert_eq!(client_of(Some(proxy), &[], &trusted), Some(proxy));
        assert_eq!(client_of(None, &["203.0.113.9"], &trusted), None);
    }

    #[test]
    fn the_setting_lists_addresses() {
        assert_eq!(
            parse_addresses("PROXIES", " 10.0.0.2, ::1 ").unwrap(),
            vec![ip("10.0.0.2"), ip("::1")]
        );
        assert!(parse_addresses("PROXIES", "").unwrap().is_empty());
        assert_eq!(
            parse_addresses("PROXIES", "proxy.local").unwrap_err(),
            "PROXIES names 'proxy.local', which is not an IP address"
        );
    }
}
