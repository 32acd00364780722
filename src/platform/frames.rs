//! The frames of the live socket, shared by server and browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// The close code of a socket whose user or token lost its access (signed
/// out, deactivated, revoked, new password): the browser reconnects once,
/// and when that is refused it asks the user to sign in again.
pub const CLOSE_ACCESS_ENDED: u16 = 4001;
/// The close code of a socket that reached its lifetime; the browser opens
/// a new one at once.
pub const CLOSE_RECONNECT: u16 = 4000;

/// The largest text frame the server reads; larger ones get an error reply.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// What a client sends: an action on one stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Request {
    pub stream: String,
    pub payload: Value,
}

/// A stored change, as pushed to subscribers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub stream: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    pub patient_id: Option<i32>,
    pub data: Value,
}

/// Who is looking at a patient right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Presence {
    pub patient_id: i32,
    pub viewers: Vec<String>,
}

/// Everything the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Frame {
    /// Sent once when the socket opens: the newest sequence number.
    Welcome { seq: i64 },
    /// The answer to a request, with its `request_id`: `data` on success,
    /// `errors` (the REST error body) and `message` on failure.
    Reply {
        stream: String,
        request_id: Value,
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        errors: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// A change the socket is subscribed to.
    Event(Event),
    /// The viewers of a patient changed.
    Presence(Presence),
    /// Pushes were lost (the client fell behind, or a gap is too old to
    /// replay): subscribe again with `since`, or reload.
    Resync { since: i64, message: String },
}
