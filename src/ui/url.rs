//! Building addresses.

/// Percent-encodes text for a query string or path; `/` is kept.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(
            percent_encode("/patients?q=a b&x=1"),
            "/patients%3Fq%3Da%20b%26x%3D1"
        );
        assert_eq!(percent_encode("Nguyễn"), "Nguy%E1%BB%85n");
    }
}
