//! Display preferences: each user's temperature unit and clock, kept per
//! account, checked field by field, and shown on the pages.

use serde_json::{Value, json};

use crate::support::{
    TestServer, client, every_database, get_json, get_page, post_json, signed_in,
};

#[tokio::test]
async fn each_user_keeps_their_own_units_and_bad_choices_change_nothing() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let nurse = signed_in(&server, "nurse").await;
        let consultant = signed_in(&server, "consultant").await;

        let defaults: Value = get_json(&nurse, server.url("/api/settings/display"), &()).await;
        assert_eq!(defaults["temperature"], "C");
        assert_eq!(defaults["clock"], "24");
        assert_eq!(defaults["zone"]["name"], "UTC");
        let signed_out: Value = get_json(&client(), server.url("/api/settings/display"), &()).await;
        assert_eq!(signed_out, defaults, "the defaults before signing in");

        let saved: Value = post_json(
            &nurse,
            server.url("/api/settings/display/save"),
            &json!({ "display": { "temperature_unit": "F", "clock": "12" } }),
        )
        .await;
        assert_eq!(saved["temperature"], "F");
        assert_eq!(saved["clock"], "12");

        let refused = nurse
            .post(server.url("/api/settings/display/save"))
            .json(&json!({ "display": { "temperature_unit": "K", "clock": "25" } }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let body = refused.text().await.unwrap();
        assert!(
            body.contains("temperature_unit") && body.contains("clock"),
            "both fields named: {body}"
        );
        let kept: Value = get_json(&nurse, server.url("/api/settings/display"), &()).await;
        assert_eq!(kept, saved, "a refused change keeps the saved choice");
        let other: Value = get_json(&consultant, server.url("/api/settings/display"), &()).await;
        assert_eq!(other, defaults, "another user's choice is their own");

        let report = get_page(&nurse, server.url("/settings")).await;
        let checked = |value: &str| {
            let at = report.find(&format!(r#"value="{value}""#)).unwrap();
            report[at..at + report[at..].find('>').unwrap()].contains("checked")
        };
        assert!(
            checked("F") && checked("12") && !checked("C"),
            "the settings page shows the saved choice"
        );
        db.remove().await;
    }
}
