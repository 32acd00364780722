//! The documentation of the HTTP surface: the OpenAPI document made from
//! the server functions' types, and the API page that shows it.

pub mod api;
#[cfg(feature = "ssr")]
pub mod openapi;
pub mod ui;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One operation as the API page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperationDoc {
    /// `GET` or `POST`.
    pub method: String,
    pub path: String,
    pub summary: String,
    /// More about it, such as its errors.
    pub description: Option<String>,
    /// Who may call it.
    pub access: String,
    /// The JSON Schema of its arguments (query or body), pretty-printed;
    /// none when it takes none.
    pub input: Option<String>,
    /// The JSON Schema of its answer, pretty-printed.
    pub output: String,
}

/// One kind of socket request as the API page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SocketRequestDoc {
    /// The stream and action, e.g. `rounds correct`.
    pub name: String,
    /// Its JSON Schema, pretty-printed.
    pub schema: String,
}

/// The live socket's messages as the API page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SocketDoc {
    /// Every request, one per stream and action.
    pub requests: Vec<SocketRequestDoc>,
    /// The JSON Schema of every frame the server sends, pretty-printed.
    pub frames: String,
}

/// The reference shown on the API page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reference {
    pub operations: Vec<OperationDoc>,
    pub socket: SocketDoc,
}

/// The live socket's frames, each with what it shows.
pub const SOCKET_EXAMPLES: &[(&str, &str)] = &[
    (
        "Sent by the server when the socket opens: the newest sequence number.",
        r#"{"type":"welcome","seq":1042}"#,
    ),
    (
        "Subscribe to one patient's rounds, replaying what was missed since sequence number 1040.",
        r#"{"stream":"rounds","payload":{"action":"subscribe","request_id":1,"patient_id":7,"since":1040}}"#,
    ),
    (
        "Its reply, after the replayed events.",
        r#"{"type":"reply","stream":"rounds","request_id":1,"status":200,"data":{"seq":1042,"replayed":2}}"#,
    ),
    (
        "A push: every committed change carries its sequence number.",
        r#"{"type":"event","seq":1043,"at":"2026-11-30T14:05:09Z","stream":"rounds","action":"create","patient_id":7,"data":{"id":311,"patient_id":7,"temperature_c":38.4,"measured_at":"2026-11-30T14:05:00Z"}}"#,
    ),
    (
        "Record a round over the socket: the same arguments, checks and errors as POST /api/rounds/record.",
        r#"{"stream":"rounds","payload":{"action":"record","request_id":2,"patient_id":7,"round":{"temperature_c":51}}}"#,
    ),
    (
        "An error reply: the REST error body under errors, and a message to show.",
        r#"{"type":"reply","stream":"rounds","request_id":2,"status":422,"errors":{"error":"invalid","details":[{"field":"temperature_c","message":"must be between 25 and 45 °C"}]},"message":"Please correct: temperature_c: must be between 25 and 45 °C"}"#,
    ),
    (
        "Who is viewing a patient; subscribing also makes you a viewer.",
        r#"{"stream":"presence","payload":{"action":"subscribe","request_id":3,"patient_id":7}}"#,
    ),
    (
        "Pushed to every viewer when viewers come or go.",
        r#"{"type":"presence","patient_id":7,"viewers":["Dr. Ravi Kumar","Nurse Linh Pham"]}"#,
    ),
    (
        "Your notifications as they are created (and when they are marked read in another tab).",
        r#"{"stream":"notifications","payload":{"action":"subscribe","request_id":4}}"#,
    ),
    (
        "Pushes were dropped because the client fell behind: subscribe again with since.",
        r#"{"type":"resync","since":1043,"message":"Updates came faster than this connection could take; subscribe again with 'since'."}"#,
    ),
];
