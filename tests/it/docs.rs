use serde_json::Value;

use crate::support::{NO_QUERY, TestDb, TestServer, client, get_json, signed_in};

#[tokio::test]
async fn the_published_document_and_the_api_page_show_every_operation() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let doc: Value = get_json(&client(), server.url("/api/openapi.json"), NO_QUERY).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );

    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push(format!("{} {path}", method.to_uppercase()));
            assert!(
                operation["responses"]["200"]["content"]["application/json"]["schema"].is_object(),
                "{method} {path} has no answer schema"
            );
            let has_arguments = operation["requestBody"].is_object();
            if method == "post" && has_arguments {
                assert!(
                    operation["requestBody"]["content"]["application/json"]["schema"].is_object(),
                    "{path} has no body schema"
                );
            }
        }
    }
    let registered = leptos::server_fn::axum::server_fn_paths().count();
    // Every server function plus the health check.
    assert_eq!(operations.len(), registered + 1, "{operations:?}");

    let admin = signed_in(&server, "admin").await;
    let page = admin.get(server.url("/api")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let shown = html.matches(r#"data-testid="endpoint""#).count();
    assert_eq!(
        shown,
        operations.len(),
        "the API page shows {shown} operations"
    );
    for schema in ["socket-request-schema", "socket-frame-schema"] {
        assert!(
            html.contains(&format!(r#"data-testid="{schema}""#)),
            "{schema} not on the page"
        );
    }
    assert!(html.contains("rounds correct"), "the socket's actions");
    for operation in &operations {
        let (_, path) = operation.split_once(' ').unwrap();
        assert!(
            html.contains(&format!("<code>{path}</code>")),
            "{path} not on the page"
        );
    }
    db.remove().await;
}
