//! Lets programs call server functions with JSON bodies. Server functions
//! read form-encoded bodies (so every form works without JavaScript); a JSON
//! object is re-encoded into that form before it reaches them.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

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

/// Turns a JSON object into the form encoding server functions read.
pub fn json_to_form(body: &[u8]) -> Result<String, AppError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::Request(format!("The body is not valid JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(AppError::Request("The body must be a JSON object.".into()));
    };
    let fields: serde_json::Map<String, Value> =
        fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
    serde_qs::to_string(&fields)
        .map_err(|e| AppError::Request(format!("The body cannot be read: {e}")))
}

/// Middleware: re-encodes the JSON body of a `POST /api/…` request (a
/// `GET` reads its arguments from the query, whatever its content type).
pub async fn accept_json(request: Request, next: Next) -> Response {
    if !is_json_api_call(&request) {
        return next.run(request).await;
    }
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
    let form = match json_to_form(&bytes) {
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
    use super::json_to_form;

    #[test]
    fn objects_become_nested_forms() {
        let form =
            json_to_form(br#"{"name":"A & B","ward_ids":[1,2],"all_wards":false,"next":null}"#)
                .unwrap();
        let pairs: Vec<&str> = form.split('&').collect();
        assert!(
            pairs.contains(&"name=A+%26+B") || pairs.contains(&"name=A%20%26%20B"),
            "{form}"
        );
        assert!(
            pairs.contains(&"ward_ids[0]=1") || pairs.contains(&"ward_ids%5B0%5D=1"),
            "{form}"
        );
        assert!(pairs.contains(&"all_wards=false"), "{form}");
        assert!(!form.contains("next"), "{form}");
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        assert!(
            json_to_form(b"[1,2]")
                .unwrap_err()
                .to_string()
                .contains("JSON object")
        );
        assert!(
            json_to_form(b"{not json")
                .unwrap_err()
                .to_string()
                .contains("not valid JSON")
        );
    }
}
