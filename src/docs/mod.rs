//! The documentation of the HTTP surface, shown on the API page. A test
//! compares it with the server functions that exist, both ways.

pub mod ui;

/// One documented endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Who may call it.
    pub access: &'static str,
    pub input: Option<&'static str>,
    pub output: &'static str,
    pub errors: &'static str,
}

/// Every endpoint of the REST surface.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/healthz",
        summary: "Liveness and database state, for load balancers and monitoring.",
        access: "anyone",
        input: None,
        output: r#"{"status":"ok","version":"0.1.0","database":{"state":"up","backend":"SQLite","migrations":1}}"#,
        errors: "503 with {\"status\":\"unavailable\"} when the database cannot be reached",
    },
    Endpoint {
        method: "GET",
        path: "/api/system/status",
        summary: "Version, database state and server time.",
        access: "anyone",
        input: None,
        output: r#"{"version":"0.1.0","database":{"state":"up","backend":"SQLite","migrations":1},"server_time":"2026-11-30T14:05:09Z"}"#,
        errors: "503 {\"error\":\"unavailable\"} when the database cannot be reached",
    },
];
