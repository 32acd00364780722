//! How values travel: a form carries every value as text, JSON carries
//! numbers and booleans as such. Inputs that keep what was typed (so that
//! validation can name the field and quote the value) read either into text.

use serde::{Deserialize, Deserializer};

/// What a JSON value or a form field holds, before validation.
#[derive(Deserialize)]
#[serde(untagged)]
enum Typed {
    Text(String),
    Whole(i64),
    Number(f64),
    Flag(bool),
}

/// Reads a string, a number or a boolean as the text validation reads; an
/// absent or `null` value is none.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(
        Option::<Typed>::deserialize(deserializer)?.map(|value| match value {
            Typed::Text(text) => text,
            Typed::Whole(n) => n.to_string(),
            Typed::Number(n) => n.to_string(),
            Typed::Flag(b) => b.to_string(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Input {
        #[serde(default, deserialize_with = "super::text")]
        value: Option<String>,
    }

    fn read(json: &str) -> Option<String> {
        serde_json::from_str::<Input>(json).unwrap().value
    }

    #[test]
    fn numbers_booleans_and_text_read_as_text() {
        assert_eq!(read(r#"{"value":90}"#).as_deref(), Some("90"));
        assert_eq!(read(r#"{"value":38.5}"#).as_deref(), Some("38.5"));
        assert_eq!(read(r#"{"value":true}"#).as_deref(), Some("true"));
        assert_eq!(read(r#"{"value":"90"}"#).as_deref(), Some("90"));
        assert_eq!(read(r#"{"value":null}"#), None);
        assert_eq!(read(r#"{}"#), None);
    }

    #[test]
    fn objects_and_lists_are_refused() {
        assert!(serde_json::from_str::<Input>(r#"{"value":[1]}"#).is_err());
        assert!(serde_json::from_str::<Input>(r#"{"value":{"a":1}}"#).is_err());
    }

    #[test]
    fn form_text_reads_as_itself() {
        let input: Input = serde_qs::from_str("value=38%2C5").unwrap();
        assert_eq!(input.value.as_deref(), Some("38,5"));
    }
}
