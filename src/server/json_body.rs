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
        assert_eq!(arguments.round, crate::rules::RoundInput::default());
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
