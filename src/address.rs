//! Building addresses, alike on the server and in the browser.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What stays as it is: the unreserved characters of RFC 3986, and `/`.
const KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes text for a query string or path; `/` is kept.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, KEPT).to_string()
}

/// The page a plain form post of a settings form returns to, which then
/// says it was saved (`ui::form::saved_notice`).
pub fn saved_page(path: &str, key: &str) -> String {
    format!("{path}?saved={key}")
}

/// A patient's rounds as a CSV file.
pub fn rounds_csv(patient_id: i32) -> String {
    format!("/export/patients/{patient_id}/rounds.csv")
}

/// A ward's admitted patients as a CSV file.
pub fn ward_csv(ward_id: i32) -> String {
    format!("/export/wards/{ward_id}/patients.csv")
}

/// A ward's printable shift handover.
pub fn handover(ward_id: i32) -> String {
    format!("/wards/{ward_id}/handover")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(
            percent_encode("/patients?q=a b&x=1"),
            "/patients%3Fq%3Da%20b%26x%3D1"
        );
        assert_eq!(percent_encode("Nguyễn"), "Nguy%E1%BB%85n");
        assert_eq!(
            saved_page("/settings", "display"),
            "/settings?saved=display"
        );
    }
}
