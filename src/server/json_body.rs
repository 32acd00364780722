//! Lets programs call server functions with JSON bodies. Server functions
//! read form-encoded bodies (so every form works without JavaScript); a JSON
//! object is re-encoded into that form before it reaches them.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The largest request body a server function accepts.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

fn is_json_api_call(request: &Request) -> bool {
    request.method() == axum::http::Method::POST
        && request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

/// Reads a JSON body into typed arguments: each value of its JSON type, an
/// error naming the field that is missing or of the wrong type. As in JSON
/// Schema, a number without a fraction (`7.0`) is an integer.
pub fn arguments<T: serde::de::DeserializeOwned + utoipa::ToSchema>(
    body: &[u8],
) -> Result<T, AppError> {
    let unreadable =
        |why: String| AppError::Request(format!("The request could not be read: {why}"));
    let mut value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| unreadable(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(unreadable(
            "the body must be a JSON object of the arguments.".into(),
        ));
    }
    whole_numbers_as_integers(&mut value);
    let mut components = Vec::new();
    T::schemas(&mut components);
    let components: serde_json::Map<String, serde_json::Value> = components
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
        .collect();
    let schema = serde_json::to_value(T::schema()).unwrap_or_default();
    objects_where_objects_belong(&value, &schema, &components, "")
        .map_err(|field| unreadable(format!("{field}: must be a JSON object")))?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let problem = e.into_inner();
        if field == "." {
            unreadable(format!(
                "the body is not a JSON object of the arguments: {problem}"
            ))
        } else {
            unreadable(format!("{field}: {problem}"))
        }
    })
}

/// Where the arguments' schema asks for an object, a list is refused: serde
/// would read it as the fields in order. Answers the path of the first one.
fn objects_where_objects_belong(
    value: &serde_json::Value,
    schema: &serde_json::Value,
    components: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Result<(), String> {
    use serde_json::Value;
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        return match components.get(name) {
            Some(schema) => objects_where_objects_belong(value, schema, components, path),
            None => Ok(()),
        };
    }
    for variant in ["oneOf", "anyOf", "allOf"] {
        for schema in schema[variant].as_array().into_iter().flatten() {
            objects_where_objects_belong(value, schema, components, path)?;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    match value {
        Value::Array(_) if types.contains(&"object") && !types.contains(&"array") => {
            Err(path.trim_start_matches('.').to_owned())
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            objects_where_objects_belong(
                item,
                &schema["items"],
                components,
                &format!("{path}[{i}]"),
            )
        }),
        Value::Object(fields) => fields.iter().try_for_each(|(name, field)| {
            objects_where_objects_belong(
                field,
                &schema["properties"][name],
                components,
                &format!("{path}.{name}"),
            )
        }),
        _ => Ok(()),
    }
}

/// Turns every number without a fraction that fits an integer into one.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Middleware: reads the JSON body of a `POST /api/…` request into the
/// server function's typed arguments (numbers as numbers, booleans as
/// booleans; a wrong type or a missing field is refused naming it) and hands
/// them on in the form encoding server functions read. A `GET` reads its
/// arguments from the query, whatever its content type.
pub async fn accept_json(request: Request, next: Next) -> Response {
    let reader = match is_json_api_call(&request) {
        true => crate::docs::openapi::json_reader(request.uri().path()),
        false => None,
    };
    let Some(read_json) = reader else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return AppError::Request(format!(
                "The body is larger than the {} KiB allowed.",
                MAX_BODY_BYTES / 1024
            ))
            .into_response();
        }
    };
    let form = match read_json(&bytes) {
        Ok(form) => form,
        Err(err) => return err.into_response(),
    };
    parts.headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(form.len()));
    next.run(Request::from_parts(parts, Body::from(form))).await
}

#[cfg(test)]
mod tests {
    use crate::docs::openapi::json_reader;
    use crate::rounds::api::RecordRounds;

    fn read(path: &str, body: &str) -> Result<String, String> {
        json_reader(path).expect("a server function")(body.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn typed_json_reaches_the_arguments() {
        let form = read(
            "/api/rounds/record-batch",
            r#"{"patient_id":7,"rounds":[{"pulse_per_min":90,"temperature_c":38.5,"on_oxygen":true,"warning_signs":["lethargy"]}]}"#,
        )
        .unwrap();
        let arguments: RecordRounds = serde_qs::from_str(&form).unwrap();
        assert_eq!(arguments.patient_id, 7);
        let round = &arguments.rounds[0];
        assert_eq!(round.pulse_per_min.as_deref(), Some("90"));
        assert_eq!(round.temperature_c.as_deref(), Some("38.5"));
        assert_eq!(round.on_oxygen.as_deref(), Some("true"));
        assert_eq!(round.warning_signs, ["lethargy"]);
    }

    #[test]
    fn an_empty_round_still_reaches_the_arguments() {
        let form = read("/api/rounds/record", r#"{"patient_id":7,"round":{}}"#).unwrap();
        let arguments: crate::rounds::api::RecordRound = serde_qs::from_str(&form).unwrap();
        assert_eq!(arguments.round, crate::rounds::RoundInput::default());
    }

    #[test]
    fn a_list_is_not_an_object() {
        let round = read(
            "/api/rounds/record",
            r#"{"patient_id":7,"round":[null,null]}"#,
        )
        .unwrap_err();
        assert!(round.contains("round: must be a JSON object"), "{round}");
        let batch = read(
            "/api/rounds/record-batch",
            r#"{"patient_id":7,"rounds":[{"pulse_per_min":90},[null]]}"#,
        )
        .unwrap_err();
        assert!(
            batch.contains("rounds[1]: must be a JSON object"),
            "{batch}"
        );
    }

    #[test]
    fn a_wrong_type_or_a_missing_field_is_named() {
        let wrong = read("/api/rounds/record", r#"{"patient_id":"7","round":{}}"#).unwrap_err();
        assert!(wrong.contains("patient_id"), "{wrong}");
        let missing = read("/api/wards/create", r#"{}"#).unwrap_err();
        assert!(missing.contains("name"), "{missing}");
        let whole = read("/api/rounds/record", r#"{"patient_id":7.0,"round":{}}"#).unwrap();
        assert!(whole.contains("patient_id=7"), "{whole}");
        let fraction = read("/api/rounds/record", r#"{"patient_id":7.5,"round":{}}"#).unwrap_err();
        assert!(fraction.contains("patient_id"), "{fraction}");
        let nested = read(
            "/api/rounds/record",
            r#"{"patient_id":7,"round":{"pulse":90}}"#,
        )
        .unwrap_err();
        assert!(nested.contains("round"), "{nested}");
        let flag = read("/api/wards/create", r#"{"name":false}"#).unwrap_err();
        assert!(flag.contains("name"), "{flag}");
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        assert!(
            read("/api/wards/create", "[1,2]")
                .unwrap_err()
                .contains("JSON object")
        );
        assert!(
            read("/api/wards/create", "{not json")
                .unwrap_err()
                .contains("not valid JSON")
        );
    }
}
