//! The clinical course over time, with a clock the test sets: the phase
//! moves on with no round, exactly once on several servers; a correction
//! moves it back; the observation frequency follows the score.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use vitalboard::platform::clock::Clock;
use vitalboard::rounds::reminders::{Checked, check};

use crate::records::{admit, record, ward_ids};
use crate::support::{TestDb, TestServer, every_database, get_json, postgres_and_redis, signed_in};

/// Two days after the test patients' admission.
fn start() -> DateTime<Utc> {
    "2026-01-12T08:00:00Z".parse().unwrap()
}

/// A server whose services read `clock`, checking on its own only at start.
async fn server_at(url: &str, clock: &Clock, redis: Option<&str>) -> TestServer {
    TestServer::start_with(url, |config| {
        config.clock = clock.clone();
        config.reminder_check = std::time::Duration::from_secs(3600);
        config.redis_url = redis.map(str::to_owned);
    })
    .await
}

/// A round scoring NEWS2 11 (emergency response).
fn news2_of_eleven() -> Value {
    json!({ "respiration_per_min": 26, "spo2_percent": 91, "systolic_mmhg": 88, "diastolic_mmhg": 60,
        "pulse_per_min": 120, "on_oxygen": false, "consciousness": "A", "temperature_c": 37.0 })
}

/// A ward's test: its clock, a server reading it, the nurse signed in and
/// a patient of ward A admitted by them.
struct Ward {
    clock: Clock,
    server: TestServer,
    nurse: reqwest::Client,
    patient: i64,
}

async fn ward(url: &str, number: &str) -> Ward {
    let clock = Clock::fixed(start());
    let server = server_at(url, &clock, None).await;
    let nurse = signed_in(&server, "nurse").await;
    let (ward_a, _) = ward_ids(&server, &signed_in(&server, "admin").await).await;
    let patient = admit(&server, &nurse, ward_a, number).await;
    Ward {
        clock,
        server,
        nurse,
        patient,
    }
}

async fn status(server: &TestServer, client: &reqwest::Client, patient: i64) -> Value {
    get_json(
        client,
        server.url("/api/rounds/status"),
        &[("patient_id", patient)],
    )
    .await
}

async fn stored_phase(server: &TestServer, client: &reqwest::Client, patient: i64) -> Value {
    let p: Value = get_json(client, server.url("/api/patients/get"), &[("id", patient)]).await;
    p["status"]["phase"].clone()
}

async fn history_actions(
    server: &TestServer,
    client: &reqwest::Client,
    patient: i64,
) -> Vec<Value> {
    let page: Value = get_json(
        client,
        server.url("/api/patients/history"),
        &[("id", patient)],
    )
    .await;
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_critical_window_ends_by_time_alone_once_on_two_servers() {
    let Some((db, redis)) = postgres_and_redis().await else {
        return;
    };
    let clock = Clock::fixed(start());
    let one = server_at(&db.url(), &clock, Some(&redis)).await;
    let two = server_at(&db.url(), &clock, Some(&redis)).await;
    let nurse = signed_in(&one, "nurse").await;
    let (ward_a, _) = ward_ids(&one, &signed_in(&one, "admin").await).await;
    let patient = admit(&one, &nurse, ward_a, "T-1001").await;
    record(
        &one,
        &nurse,
        patient,
        json!({ "temperature_c": 37.0, "warning_signs": ["lethargy"] }),
    )
    .await;
    assert_eq!(stored_phase(&two, &nurse, patient).await, "critical");

    clock.advance(Duration::hours(47));
    let (a, b) = tokio::join!(
        check(&one.state.db, clock.now()),
        check(&two.state.db, clock.now())
    );
    assert_eq!(
        a.unwrap().moved + b.unwrap().moved,
        0,
        "47 h: still critical"
    );
    assert_eq!(stored_phase(&one, &nurse, patient).await, "critical");

    clock.advance(Duration::hours(1));
    let (a, b) = tokio::join!(
        check(&one.state.db, clock.now()),
        check(&two.state.db, clock.now())
    );
    let (a, b): (Checked, Checked) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.moved + b.moved,
        1,
        "48 h: moved once, by one server: {a:?} {b:?}"
    );
    assert_eq!(stored_phase(&two, &nurse, patient).await, "recovery");
    let by_rules: Vec<Value> = history_actions(&one, &nurse, patient)
        .await
        .into_iter()
        .filter(|h| h["action"] == "reassess")
        .collect();
    assert_eq!(by_rules.len(), 1, "{by_rules:?}");
    assert_eq!(by_rules[0]["actor"], "The rules");
    assert_eq!(by_rules[0]["before"]["phase"], "critical");
    assert_eq!(by_rules[0]["after"]["phase"], "recovery");
    let (a, b) = tokio::join!(
        check(&one.state.db, clock.now()),
        check(&two.state.db, clock.now())
    );
    assert_eq!(
        a.unwrap().moved + b.unwrap().moved,
        0,
        "nothing left to move"
    );
    db.remove().await;
}

#[tokio::test]
async fn a_correction_that_removes_the_trigger_moves_the_phase_back() {
    for db in every_database().await {
        let Ward {
            clock,
            server,
            nurse,
            patient,
        } = ward(&db.url(), "T-2001").await;
        let round = record(
            &server,
            &nurse,
            patient,
            json!({ "temperature_c": 37.0, "warning_signs": ["mucosal_bleeding"] }),
        )
        .await;
        assert_eq!(
            status(&server, &nurse, patient).await["phase"]["phase"],
            "critical"
        );
        clock.advance(Duration::hours(2));
        let response = nurse
            .post(server.url("/api/rounds/correct"))
            .json(
                &json!({ "id": round["id"], "reason": "charted for the wrong patient",
                "round": { "measured_at": round["measured_at"], "temperature_c": 37.0 } }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        assert_eq!(
            status(&server, &nurse, patient).await["phase"]["phase"],
            "afebrile"
        );
        assert_eq!(stored_phase(&server, &nurse, patient).await, "afebrile");
        db.remove().await;
    }
}

#[tokio::test]
async fn a_back_dated_round_is_assessed_in_its_place() {
    let db = TestDb::sqlite();
    let Ward {
        clock,
        server,
        nurse,
        patient,
    } = ward(&db.url(), "T-3001").await;
    record(
        &server,
        &nurse,
        patient,
        json!({ "hematocrit_percent": 40, "platelets_k_per_ul": 150 }),
    )
    .await;
    clock.advance(Duration::hours(30));
    record(
        &server,
        &nurse,
        patient,
        json!({ "hematocrit_percent": 49, "platelets_k_per_ul": 80 }),
    )
    .await;
    assert_eq!(
        status(&server, &nurse, patient).await["phase"]["phase"],
        "critical"
    );
    let before = status(&server, &nurse, patient).await;
    assert!(
        before["phase"]["reason"]
            .as_str()
            .unwrap()
            .contains("above the first value 40.0 %"),
        "{before}"
    );
    // A round charted late, from before the first: it is the stay's first now.
    let earlier = (start() - Duration::hours(1)).to_rfc3339();
    record(
        &server,
        &nurse,
        patient,
        json!({ "measured_at": earlier, "hematocrit_percent": 38, "platelets_k_per_ul": 160 }),
    )
    .await;
    let after = status(&server, &nurse, patient).await;
    assert_eq!(after["phase"]["phase"], "critical", "{after}");
    assert!(
        after["phase"]["reason"]
            .as_str()
            .unwrap()
            .contains("above the first value 38.0 %"),
        "the rounds were read again in their order: {after}"
    );
}

#[tokio::test]
async fn the_next_round_is_due_at_the_frequency_the_score_calls_for() {
    let db = TestDb::sqlite();
    let Ward {
        clock,
        server,
        nurse,
        patient,
    } = ward(&db.url(), "T-4001").await;
    record(&server, &nurse, patient, news2_of_eleven()).await;
    clock.advance(Duration::minutes(14));
    assert_eq!(check(&server.state.db, clock.now()).await.unwrap().due, 0);
    clock.advance(Duration::minutes(2));
    assert_eq!(
        check(&server.state.db, clock.now()).await.unwrap().due,
        1,
        "15 min after a NEWS2 of 11"
    );
    let page: Value = get_json(
        &nurse,
        server.url("/api/notifications"),
        &[("kind", "round_due")],
    )
    .await;
    let reason = page["items"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        reason.starts_with("Rounds every 15 min: NEWS2 11, emergency response"),
        "{reason}"
    );
}

async fn open_alerts(server: &TestServer, client: &reqwest::Client, patient: i64) -> Vec<Value> {
    let p: Value = get_json(client, server.url("/api/patients/get"), &[("id", patient)]).await;
    p["open_alerts"].as_array().cloned().unwrap_or_default()
}

async fn acknowledge(client: &reqwest::Client, server: &TestServer, body: Value) -> (u16, Value) {
    let response = client
        .post(server.url("/api/alerts/acknowledge"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn kind_count(server: &TestServer, client: &reqwest::Client, kind: &str) -> usize {
    let page: Value = get_json(client, server.url("/api/notifications"), &[("kind", kind)]).await;
    page["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn an_unanswered_alert_is_escalated_once_and_an_answered_one_never() {
    for db in every_database().await {
        let Ward {
            clock,
            server,
            nurse,
            patient,
        } = ward(&db.url(), "T-5001").await;
        let admin = signed_in(&server, "admin").await;
        let consultant = signed_in(&server, "consultant").await;
        record(&server, &nurse, patient, news2_of_eleven()).await;
        let open = open_alerts(&server, &nurse, patient).await;
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0]["kind"], "news2_rose");
        let news2_alert = open[0]["id"].clone();
        assert_eq!(
            open[0]["respond_by"]
                .as_str()
                .unwrap()
                .parse::<DateTime<Utc>>()
                .unwrap(),
            start() + Duration::minutes(15),
            "NEWS2 high: 15 min"
        );

        clock.advance(Duration::minutes(14));
        assert_eq!(
            check(&server.state.db, clock.now())
                .await
                .unwrap()
                .escalated,
            0
        );
        clock.advance(Duration::minutes(2));
        let checked = check(&server.state.db, clock.now()).await.unwrap();
        assert_eq!((checked.escalated, checked.due), (1, 1), "{checked:?}");
        assert_eq!(
            check(&server.state.db, clock.now())
                .await
                .unwrap()
                .escalated,
            0,
            "once"
        );
        assert_eq!(kind_count(&server, &nurse, "escalated").await, 1);
        assert_eq!(kind_count(&server, &admin, "escalated").await, 1);
        assert_eq!(
            kind_count(&server, &consultant, "escalated").await,
            0,
            "observers do not respond"
        );

        let open = open_alerts(&server, &nurse, patient).await;
        let round_due = open
            .iter()
            .find(|a| a["kind"] == "round_due")
            .expect("the overdue round")
            .clone();
        assert!(
            open.iter()
                .any(|a| a["id"] == news2_alert && !a["escalated_at"].is_null()),
            "escalated, still open until answered: {open:?}"
        );
        let (status, _body) = acknowledge(
            &consultant,
            &server,
            json!({ "alert_id": round_due["id"], "response": "doctor_called" }),
        )
        .await;
        assert_eq!(
            status, 403,
            "observers advise, they do not acknowledge: {_body}"
        );
        let (status, body) = acknowledge(
            &nurse,
            &server,
            json!({ "alert_id": round_due["id"], "response": "shrugged" }),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("response"), "{body}");
        let (status, body) = acknowledge(
            &nurse,
            &server,
            json!({ "alert_id": round_due["id"], "response": "doctor_called", "note": "Dr. Tran on her way" }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body["open_alerts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["id"] != round_due["id"]),
            "{body}"
        );
        let (status, body) = acknowledge(
            &admin,
            &server,
            json!({ "alert_id": round_due["id"], "response": "other", "note": "x" }),
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body.to_string().contains("already acknowledged by"),
            "{body}"
        );

        clock.advance(Duration::minutes(31));
        assert_eq!(
            check(&server.state.db, clock.now())
                .await
                .unwrap()
                .escalated,
            0,
            "an answered alert is not escalated after its time"
        );
        let history = history_actions(&server, &nurse, patient).await;
        let acknowledged: Vec<&Value> =
            history.iter().filter(|h| h["action"] == "answer").collect();
        assert_eq!(acknowledged.len(), 1, "{history:?}");
        assert_eq!(
            acknowledged[0]["reason"],
            "Doctor called: Dr. Tran on her way"
        );
        assert_eq!(
            history.iter().filter(|h| h["action"] == "escalate").count(),
            1
        );
        db.remove().await;
    }
}

#[tokio::test]
async fn clinicians_cannot_mute_safety_alerts_but_may_mute_information() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let nurse = signed_in(&server, "nurse").await;
    let save = |enabled: Value| {
        nurse
            .post(server.url("/api/notifications/preferences/save"))
            .json(&json!({ "enabled": enabled }))
            .send()
    };
    let refused = save(json!([
        "round_due",
        "critical_phase",
        "warning_sign",
        "escalated"
    ]))
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.unwrap();
    assert!(text.contains("must include news2_rose"), "{text}");
    let saved = save(json!([
        "round_due",
        "critical_phase",
        "warning_sign",
        "news2_rose",
        "escalated"
    ]))
    .await
    .unwrap();
    assert_eq!(saved.status(), 200);
    let preferences: Vec<Value> = saved.json().await.unwrap();
    let admitted = preferences
        .iter()
        .find(|p| p["kind"] == "admitted")
        .unwrap();
    assert_eq!(
        (admitted["enabled"].clone(), admitted["locked"].clone()),
        (json!(false), json!(false))
    );
    let news2 = preferences
        .iter()
        .find(|p| p["kind"] == "news2_rose")
        .unwrap();
    assert_eq!(news2["locked"], true);
}

async fn advice(server: &TestServer, client: &reqwest::Client, patient: i64) -> Value {
    get_json(
        client,
        server.url("/api/patients/advice"),
        &[("patient_id", patient)],
    )
    .await
}

#[tokio::test]
async fn a_remote_consultant_gives_advice_that_the_report_shows_and_the_history_keeps() {
    let db = TestDb::sqlite();
    let Ward {
        clock,
        server,
        nurse,
        patient,
    } = ward(&db.url(), "T-6001").await;
    let consultant = signed_in(&server, "consultant").await;
    assert_eq!(
        advice(&server, &nurse, patient).await,
        Value::Null,
        "none yet"
    );
    record(
        &server,
        &nurse,
        patient,
        json!({ "temperature_c": 38.4, "medical_advice": "Oral fluids 2 L per day" }),
    )
    .await;
    let from_round = advice(&server, &consultant, patient).await;
    assert_eq!(from_round["text"], "Oral fluids 2 L per day");
    assert_eq!(from_round["in_round"], true);

    clock.advance(Duration::minutes(30));
    let given = consultant
        .post(server.url("/api/patients/advice/give"))
        .json(&json!({ "patient_id": patient, "advice": "Start IV crystalloid 5 mL/kg/h; repeat hematocrit in 2 h" }))
        .send()
        .await
        .unwrap();
    assert_eq!(given.status(), 200);
    let newest = advice(&server, &nurse, patient).await;
    assert_eq!(
        newest["text"],
        "Start IV crystalloid 5 mL/kg/h; repeat hematocrit in 2 h"
    );
    assert_eq!(newest["by"], "Dr. Ravi Kumar");
    assert_eq!(newest["in_round"], false);
    assert_eq!(
        newest["at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        start() + Duration::minutes(30)
    );
    let kept: Vec<Value> = history_actions(&server, &nurse, patient)
        .await
        .into_iter()
        .filter(|h| h["action"] == "advise")
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["actor"], "Dr. Ravi Kumar");

    let refused = consultant
        .post(server.url("/api/rounds/record"))
        .json(&json!({ "patient_id": patient, "round": { "temperature_c": 37.0 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "advice, not rounds");
}
