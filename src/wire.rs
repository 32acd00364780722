//! How values travel: a form carries every value as text, JSON carries
//! numbers and booleans as such. Inputs that keep what was typed (so that
//! validation can name the field and quote the value) read either into text.

use serde::{Deserialize, Deserializer};

/// Reads a string, a number or a boolean as the text validation reads; an
/// absent or `null` value is none. A number keeps the digits it was sent
/// with. (Read through `serde_json::Value`, which understands numbers alike
/// whether or not serde_json keeps their exact text.)
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(text) => Ok(Some(text)),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::Bool(b) => Ok(Some(b.to_string())),
        _ => Err(D::Error::custom("expected text, a number or true/false")),
    }
}

/// Text with no control character and at least one that is not a space,
/// as a JSON Schema pattern that ECMA-262 and Python read alike.
pub const NAME_PATTERN: &str =
    r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// Text with at least one character that is not a space.
pub const FILLED_PATTERN: &str = r"\S";

/// Declares text that a person types, read as any string (so the service
/// names what is wrong with it in its own words) and described in the
/// document by the rules the service checks: `text!(Reason, "why",
/// max_length = 500, pattern = FILLED_PATTERN)`.
#[macro_export]
macro_rules! text {
    ($(#[$doc:meta])* $name:ident, schema = $schema:expr $(,)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                $name(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name(text.to_owned())
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::RefOr::T($schema.into())
            }
        }

        impl utoipa::ToSchema for $name {}
    };
    ($(#[$doc:meta])* $name:ident $(, $rule:ident = $value:expr)* $(,)?) => {
        $crate::text!(
            $(#[$doc])*
            $name,
            schema = utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                $(.$rule(Some($value)))*,
        );
    };
}

/// A date or time as typed, in the document: of `format`, or empty for none
/// (a form's empty field). Other spellings the services read (the
/// hospital's wall-clock time) are left out, as JSON Schema has no format
/// for them.
pub fn formatted_or_empty(
    format: utoipa::openapi::schema::KnownFormat,
) -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(format))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(0)),
        )
        .build()
        .into()
}

/// The request header that names a write, so that sending it again stores
/// nothing twice.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

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
