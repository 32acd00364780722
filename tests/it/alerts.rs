//! Clinical alerts end to end: the stored phase and NEWS2, notifications to
//! the right people (and no one who opted out), pushed live, and round-due
//! reminders sent exactly once.

use std::time::Duration;

use serde_json::{Value, json};

use crate::live::Socket;
use crate::records::{admit, record, ward_ids};
use crate::support::{TestDb, TestServer, every_database, get_json, post_json, signed_in};

async fn notifications(server: &TestServer, client: &reqwest::Client, kind: &str) -> Vec<Value> {
    let page: Value = get_json(client, server.url("/api/notifications"), &[("kind", kind)]).await;
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_alarming_round_notifies_each_eligible_user_once_and_live() {
    for db in every_database().await {
        alarming_round(&db).await;
        db.remove().await;
    }
}

async fn alarming_round(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let nurse = signed_in(&server, "nurse").await;
    let consultant = signed_in(&server, "consultant").await;
    let everything_but_news2 = json!({ "enabled": ["round_due", "critical_phase", "warning_sign", "admitted", "discharged", "escalated"] });
    let saved: Vec<Value> = post_json(
        &consultant,
        server.url("/api/notifications/preferences/save"),
        &everything_but_news2,
    )
    .await;
    assert_eq!(saved.iter().filter(|p| p["enabled"] == false).count(), 1);

    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "ALERT-1").await;
    assert_eq!(
        notifications(&server, &consultant, "admitted").await.len(),
        1,
        "admissions reach observers"
    );

    let mut nurse_socket = Socket::for_user(&server, &nurse).await;
    nurse_socket.subscribe("notifications", json!({})).await;

    record(&server, &nurse, patient, json!({
        "respiration_per_min": "25", "spo2_percent": "93", "pulse_per_min": "120", "temperature_c": "37.8"
    }))
    .await;

    for client in [&admin, &nurse] {
        let found = notifications(&server, client, "news2_rose").await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]["message"].as_str().unwrap().contains("NEWS2 7"),
            "{found:?}"
        );
        assert!(
            found[0]["reason"]
                .as_str()
                .unwrap()
                .contains("Respiration 25"),
            "{found:?}"
        );
        assert_eq!(found[0]["patient_id"], json!(patient));
        assert_eq!(found[0]["priority"], "high", "NEWS2 7: {found:?}");
    }
    let admitted = notifications(&server, &nurse, "admitted").await;
    assert_eq!(admitted[0]["priority"], "information", "{admitted:?}");
    assert!(
        notifications(&server, &consultant, "news2_rose")
            .await
            .is_empty(),
        "opted out"
    );

    // The admission's notification, committed just before the subscription,
    // may still be on its way; the alarm must follow it.
    let mut pushed = nurse_socket.event().await;
    if pushed["data"]["kind"] == "admitted" {
        pushed = nurse_socket.event().await;
    }
    assert_eq!(pushed["stream"], "notifications", "{pushed}");
    assert_eq!(pushed["data"]["kind"], "news2_rose", "{pushed}");

    let stored: Value = get_json(&nurse, server.url("/api/patients/get"), &[("id", patient)]).await;
    assert_eq!(stored["status"]["news2_total"], 7, "{stored}");
    assert_eq!(stored["status"]["news2_band"], "high");

    record(
        &server,
        &nurse,
        patient,
        json!({ "respiration_per_min": "24", "warning_signs": ["mucosal_bleeding"] }),
    )
    .await;
    let critical = notifications(&server, &consultant, "critical_phase").await;
    assert_eq!(critical.len(), 1, "{critical:?}");
    assert!(
        critical[0]["reason"]
            .as_str()
            .unwrap()
            .contains("Mucosal bleeding"),
        "{critical:?}"
    );
    assert_eq!(
        notifications(&server, &nurse, "warning_sign").await.len(),
        1
    );
    assert_eq!(
        notifications(&server, &nurse, "news2_rose").await.len(),
        1,
        "no rise, no new alert"
    );

    let page: Value = get_json(
        &nurse,
        server.url("/api/notifications"),
        &[("unread_only", "true")],
    )
    .await;
    assert!(page["unread"].as_u64().unwrap() >= 4, "{page}");
    assert_eq!(
        page["unread_alerts"].as_u64().unwrap(),
        page["unread"].as_u64().unwrap() - 1,
        "all but the admission are alerts: {page}"
    );
    assert_eq!(
        notifications(&server, &nurse, "critical_phase").await[0]["priority"],
        "medium"
    );
    let read: u64 = post_json(
        &nurse,
        server.url("/api/notifications/read"),
        &json!({ "all": true }),
    )
    .await;
    assert_eq!(read, page["unread"].as_u64().unwrap());
    let page: Value = get_json(
        &nurse,
        server.url("/api/notifications"),
        &[("unread_only", "true")],
    )
    .await;
    assert_eq!(page["unread"], 0);
}

#[tokio::test]
async fn a_manual_phase_wins_until_cleared_and_is_in_the_history() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "MANUAL-1").await;
    record(&server, &admin, patient, json!({ "temperature_c": "38.9" })).await;

    let set: Value = post_json(&admin, server.url("/api/rounds/phase"), &json!({
        "patient_id": patient, "phase": "critical", "reason": "fluid in the abdomen on ultrasound" })).await;
    assert_eq!(set["phase"]["phase"], "critical", "{set}");
    assert_eq!(set["phase"]["manual"], true);
    let stored: Value = get_json(&admin, server.url("/api/patients/get"), &[("id", patient)]).await;
    assert_eq!(stored["status"]["phase"], "critical");
    assert_eq!(stored["status"]["manual"], true);
    assert_eq!(
        notifications(&server, &admin, "critical_phase").await.len(),
        1
    );

    let cleared: Value = post_json(
        &admin,
        server.url("/api/rounds/phase/clear"),
        &json!({
        "patient_id": patient, "reason": "repeat ultrasound clear" }),
    )
    .await;
    assert_eq!(cleared["phase"]["phase"], "febrile", "{cleared}");
    let history: Value = get_json(
        &admin,
        server.url("/api/patients/history"),
        &[("id", patient)],
    )
    .await;
    let reasons: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "phase")
        .filter_map(|h| h["reason"].as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "repeat ultrasound clear",
            "fluid in the abdomen on ultrasound"
        ]
    );
}

async fn due_reminders(server: &TestServer, client: &reqwest::Client) -> usize {
    notifications(server, client, "round_due").await.len()
}

async fn start_checking(url: &str) -> TestServer {
    TestServer::start_with(url, |config| {
        config.reminder_check = Duration::from_millis(100)
    })
    .await
}

#[tokio::test]
async fn a_due_round_is_reminded_once_across_servers_and_restarts() {
    for db in every_database().await {
        reminded_once(&db).await;
        db.remove().await;
    }
}

async fn reminded_once(db: &TestDb) {
    let first = start_checking(&db.url()).await;
    let admin = signed_in(&first, "admin").await;
    let (ward_a, _) = ward_ids(&first, &admin).await;
    let admitted_at = (chrono::Utc::now() - chrono::Duration::minutes(150))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let response = admin
        .post(first.url("/api/patients/create"))
        .json(&json!({ "patient": {
            "first_name": "Ada", "last_name": "Due", "hospital_number": "DUE-1", "ward_id": ward_a.to_string(),
            "sex": "female", "admitted_at": admitted_at, "monitoring_interval_hours": "1" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let second = start_checking(&db.url()).await;
    let nurse = signed_in(&second, "nurse").await;
    let consultant = signed_in(&second, "consultant").await;

    for _ in 0..200 {
        if due_reminders(&second, &nurse).await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let restarted = start_checking(&db.url()).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let reminders = notifications(&restarted, &nurse, "round_due").await;
    assert_eq!(
        reminders.len(),
        1,
        "once, whichever server noticed it: {reminders:?}"
    );
    assert!(
        reminders[0]["reason"]
            .as_str()
            .unwrap()
            .contains("Rounds hourly: the interval set for this patient"),
        "{reminders:?}"
    );
    assert_eq!(due_reminders(&first, &admin).await, 1);
    assert_eq!(
        due_reminders(&second, &consultant).await,
        0,
        "observers do not record rounds"
    );
}
