use serde_json::Value;

use crate::support::{TestServer, every_database};

#[tokio::test]
async fn healthz_reports_the_database_and_503_when_it_is_gone() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let client = reqwest::Client::new();

        let response = client.get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"]["state"], "up");
        assert!(body["database"]["migrations"].as_u64().unwrap() >= 1);

        server.state.db.close_by_ref().await.unwrap();
        let response = client.get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 503);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["database"]["state"], "down");
        db.remove().await;
    }
}

#[tokio::test]
async fn status_server_function_answers_plain_http() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let expected_backend = if db.url().starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        };
        let response = reqwest::get(server.url("/api/system/status"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["database"]["backend"], expected_backend);
        assert_eq!(body["database"]["state"], "up");
        assert!(body["server_time"].as_str().unwrap().contains('T'));
        db.remove().await;
    }
}

#[tokio::test]
async fn pages_are_server_rendered_with_the_shell_and_compressed() {
    let db = crate::support::TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let response = reqwest::Client::new()
        .get(server.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert!(response.headers().contains_key("x-request-id"));

    let anonymous = crate::support::client()
        .get(server.url("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303, "pages need a signed-in user");
    assert_eq!(anonymous.headers()["location"], "/login?next=/");

    let nurse = crate::support::signed_in(&server, "nurse").await;
    let html = crate::support::get_page(&nurse, server.url("/")).await;
    for entry in ["Dashboard", "Patients", "Settings", "API"] {
        assert!(
            html.contains(&format!("<span>{entry}</span>")),
            "sidebar lacks {entry}"
        );
    }
    assert!(
        !html.contains("<span>Administration</span>"),
        "only administrators see Administration"
    );
    assert!(
        html.contains("Nurse Linh Pham"),
        "the header names the user"
    );
    assert!(
        !html.contains("System status"),
        "the system's status is for administrators, not the clinical dashboard"
    );
    let admin = crate::support::signed_in(&server, "admin").await;
    assert!(
        crate::support::get_page(&admin, server.url("/admin"))
            .await
            .contains("System status")
    );
    assert!(
        html.contains("\"vitalboard\", \"vitalboard\"") && !html.contains("vitalboard_bg"),
        "the page loads the bundle cargo-leptos writes (pkg/vitalboard.js, pkg/vitalboard.wasm)"
    );

    let missing = nurse.get(server.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

/// The app is drawn once at startup to list its routes, outside any request:
/// the server functions behind its app-wide resources answer an error then.
#[tokio::test]
async fn server_functions_outside_a_request_answer_an_error() {
    use vitalboard::error::AppError;
    assert!(matches!(
        vitalboard::display::api::display_settings().await,
        Err(AppError::Internal)
    ));
    assert!(matches!(
        vitalboard::accounts::api::me().await,
        Err(AppError::Internal)
    ));
    assert!(matches!(
        vitalboard::system::api::system_status().await,
        Err(AppError::Internal)
    ));
}
