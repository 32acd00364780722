//! The one error type of the application: every server function, service and
//! socket handler returns it, and the UI shows its message to the user.

use http::StatusCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One invalid input field and what is allowed in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An error fit to show a user, with the HTTP status it is answered with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, ToSchema)]
#[serde(tag = "error", content = "details", rename_all = "snake_case")]
pub enum AppError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{}", invalid_message(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The database is not available. Try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on the server; it has been logged.")]
    Internal,
    #[error("{0}")]
    Request(String),
}

fn invalid_message(fields: &[FieldError]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    format!("Please correct: {}", parts.join("; "))
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Request(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// Not signed in.
    pub fn unauthorized() -> Self {
        AppError::Unauthorized("Please sign in.".into())
    }

    /// Signed in, but the role does not allow this.
    pub fn forbidden() -> Self {
        AppError::Forbidden("You are not allowed to do this.".into())
    }

    /// A single invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// Logs a server-side failure in full and returns the error the user sees,
    /// which does not disclose internals.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {err}");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        match err {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => {
                tracing::error!("database unavailable: {err}");
                AppError::Unavailable
            }
            other => AppError::internal("database error", other),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Request(format!("The request could not be read: {msg}"))
            }
            ServerFnErrorErr::Request(msg) | ServerFnErrorErr::Response(msg) => {
                AppError::Request(format!("The server could not be reached: {msg}"))
            }
            ServerFnErrorErr::UnsupportedRequestMethod(msg) => AppError::Request(msg),
            ServerFnErrorErr::MissingArg(msg) => AppError::Request(format!("Missing field: {msg}")),
            other => AppError::Request(other.to_string()),
        }
    }

    /// Also sets the HTTP status of the response, so programs see
    /// 401/403/404/422 rather than a generic 500. A plain HTML form post keeps
    /// the redirect back to its form, which then shows the error.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        {
            use leptos::prelude::use_context;
            let form_post =
                use_context::<http::request::Parts>().is_some_and(|parts| is_form_post(&parts));
            if let (false, Some(response)) =
                (form_post, use_context::<leptos_axum::ResponseOptions>())
            {
                response.set_status(self.status());
            }
        }
        serde_json::to_vec(self)
            .map(Into::into)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(br#"{"error":"internal"}"#))
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), axum::Json(&self)).into_response()
    }
}

#[cfg(feature = "ssr")]
/// Whether a request is a plain HTML form post (JavaScript off): the
/// browser then expects a redirect, not a JSON answer.
pub fn is_form_post(parts: &axum::http::request::Parts) -> bool {
    parts
        .headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_every_field() {
        let err = AppError::Invalid(vec![
            FieldError::new("temperature", "must be between 25 and 45 °C"),
            FieldError::new("pulse", "must be between 20 and 300 /min"),
        ]);
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = err.to_string();
        assert!(text.contains("temperature: must be between 25 and 45 °C"));
        assert!(text.contains("pulse: must be between 20 and 300 /min"));
    }

    #[test]
    fn round_trips_through_the_wire_format() {
        let err = AppError::NotFound("Patient 7".into());
        let bytes = err.ser();
        assert_eq!(AppError::de(bytes), err);
    }

    #[test]
    fn transport_errors_are_bad_requests() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }
}
