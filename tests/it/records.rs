//! Patients and rounds over HTTP, as a device gateway or another hospital
//! system would use them: JSON bodies and a bearer token.

use serde_json::{Value, json};

use crate::support::{
    NO_QUERY, TestDb, TestServer, every_database, get_json, post_json, signed_in,
};

/// Admits a patient to `ward` and returns its id.
pub async fn admit(server: &TestServer, client: &reqwest::Client, ward: i64, number: &str) -> i64 {
    let response = client
        .post(server.url("/api/patients/create"))
        .json(&json!({ "patient": {
            "first_name": "Katherine", "last_name": "Johnson", "hospital_number": number,
            "ward_id": ward.to_string(), "sex": "female", "birth_date": "1990-06-03",
            "admitted_at": "2026-01-10T08:00", "monitoring_interval_hours": "4"
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Records a round with `values` and returns it.
pub async fn record(
    server: &TestServer,
    client: &reqwest::Client,
    patient: i64,
    values: Value,
) -> Value {
    let response = client
        .post(server.url("/api/rounds/record"))
        .json(&json!({ "patient_id": patient, "round": values }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    response.json().await.unwrap()
}

pub async fn gateway_token(server: &TestServer, admin: &reqwest::Client, ward: i64) -> String {
    let created: Value = post_json(
        admin,
        server.url("/api/tokens/create"),
        &json!({ "name": "Bedside gateway", "role": "clinician", "ward_ids": [ward] }),
    )
    .await;
    created["token"].as_str().unwrap().to_owned()
}

pub async fn ward_ids(server: &TestServer, admin: &reqwest::Client) -> (i64, i64) {
    let wards: Vec<Value> = get_json(admin, server.url("/api/wards"), NO_QUERY).await;
    let id = |name: &str| {
        wards.iter().find(|w| w["name"] == name).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    (id("Dengue ward A"), id("Medical ward B"))
}

async fn count(server: &TestServer, client: &reqwest::Client, patient: i64) -> (u64, usize) {
    let rounds: Value = get_json(
        client,
        server.url("/api/rounds"),
        &[("patient_id", patient)],
    )
    .await;
    let history: Value = get_json(
        client,
        server.url("/api/patients/history"),
        &[("id", patient)],
    )
    .await;
    (
        rounds["total"].as_u64().unwrap(),
        history["total"].as_u64().unwrap() as usize,
    )
}

#[tokio::test]
async fn a_gateway_records_lists_and_corrects_rounds_with_a_token() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let (ward_a, _) = ward_ids(&server, &admin).await;
        let token = gateway_token(&server, &admin, ward_a).await;
        let gateway = crate::support::bearer(&token);
        let patient = admit(&server, &gateway, ward_a, "H-2001").await;

        for hour in 0..6 {
            let round = record(
                &server,
                &gateway,
                patient,
                json!({ "measured_at": format!("2026-01-10T{:02}:00:00Z", 10 + hour), "temperature_c": 38.0 + hour as f64 / 10.0, "pulse_per_min": 100 + hour }),
            )
            .await;
            assert_eq!(round["recorded_by"], "API token “Bedside gateway”");
        }

        let page: Value = get_json(
            &gateway,
            server.url("/api/rounds"),
            &[
                ("patient_id", patient.to_string()),
                ("per_page", "4".into()),
                ("page", "2".into()),
            ],
        )
        .await;
        assert_eq!(page["total"], 6);
        let times: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["measured_at"].as_str().unwrap())
            .collect();
        assert_eq!(
            times,
            ["2026-01-10T11:00:00Z", "2026-01-10T10:00:00Z"],
            "newest first, second page"
        );

        let range: Value = get_json(
            &gateway,
            server.url("/api/rounds"),
            &[
                ("patient_id", patient.to_string()),
                ("from", "2026-01-10T12:00".into()),
                ("to", "2026-01-10T13:30".into()),
            ],
        )
        .await;
        let pulses: Vec<i64> = range["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["pulse_per_min"].as_i64().unwrap())
            .collect();
        assert_eq!(pulses, [103, 102]);

        let first_id = range["items"][1]["id"].as_i64().unwrap();
        let corrected = gateway
            .post(server.url("/api/rounds/correct"))
            .json(&json!({ "id": first_id, "reason": "pulse typed wrong", "round": { "measured_at": "2026-01-10T12:00:00Z", "temperature_c": 38.2, "pulse_per_min": 120 } }))
            .send()
            .await
            .unwrap();
        assert_eq!(corrected.status(), 200);
        let history: Value = get_json(
            &gateway,
            server.url("/api/patients/history"),
            &[("id", patient)],
        )
        .await;
        let correction = &history["items"][0];
        assert_eq!(correction["action"], "update");
        assert_eq!(correction["reason"], "pulse typed wrong");
        assert_eq!(correction["actor"], "API token “Bedside gateway”");
        assert_eq!(correction["before"]["pulse_per_min"], 102);
        assert_eq!(correction["after"]["pulse_per_min"], 120);
        assert!(correction["at"].is_string());
        assert_eq!(
            history["total"],
            1 + 6 + 1,
            "admission, six rounds, one correction"
        );
        db.remove().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named_and_nothing_stored() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "H-3001").await;
    record(&server, &admin, patient, json!({ "pulse_per_min": 90 })).await;
    let before = count(&server, &admin, patient).await;

    let post = |body: String| {
        admin
            .post(server.url("/api/rounds/record"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let cases: Vec<(String, u16, &str)> = vec![
        (
            json!({ "patient_id": patient, "round": { "temperature_c": 46 } }).to_string(),
            422,
            "temperature_c",
        ),
        (
            json!({ "patient_id": patient, "round": { "temperature_c": "hot" } }).to_string(),
            422,
            "temperature_c",
        ),
        (
            json!({ "patient_id": patient, "round": { "spo2_percent": 49, "pulse_per_min": 301 } })
                .to_string(),
            422,
            "spo2_percent",
        ),
        (
            json!({ "patient_id": patient, "round": { "intake_iv_ml": 10001 } }).to_string(),
            422,
            "10000",
        ),
        (
            json!({ "patient_id": patient, "round": { "measured_at": "2999-01-01T00:00" } })
                .to_string(),
            422,
            "future",
        ),
        (
            json!({ "patient_id": patient, "round": { "clinical_notes": "x".repeat(5000) } })
                .to_string(),
            422,
            "4000",
        ),
        (
            json!({ "patient_id": patient, "round": { "temprature_c": 38 } }).to_string(),
            400,
            "temprature_c",
        ),
        (
            json!({ "patient_id": 999_999, "round": { "pulse_per_min": 80 } }).to_string(),
            404,
            "Patient 999999",
        ),
        (
            json!({ "patient_id": "seven", "round": {} }).to_string(),
            400,
            "could not be read",
        ),
        ("{\"patient_id\": ".to_owned(), 400, "not valid JSON"),
        (
            format!(
                "{{\"patient_id\": {patient}, \"round\": {{\"clinical_notes\": \"{}\"}}}}",
                "a".repeat(1024 * 1024)
            ),
            413,
            "",
        ),
    ];
    for (body, status, needle) in cases {
        let response = post(body.clone()).await.unwrap();
        assert_eq!(
            response.status().as_u16(),
            status,
            "{}",
            &body[..body.len().min(120)]
        );
        let text = response.text().await.unwrap();
        assert!(text.contains(needle), "expected '{needle}' in {text}");
    }
    assert_eq!(
        count(&server, &admin, patient).await,
        before,
        "nothing was stored"
    );

    let nowhere = admin
        .post(server.url("/api/patients/create"))
        .json(&json!({ "patient": {
            "first_name": "Ada", "last_name": "Lovelace", "hospital_number": "H-3002",
            "ward_id": 999_999,
        } }))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 422, "a ward that does not exist");
    let answer: Value = nowhere.json().await.unwrap();
    assert_eq!(answer["details"][0]["field"], "ward_id", "{answer}");
    assert!(
        answer["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no such ward: 999999"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_patient_of_another_ward_is_answered_as_missing() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (_, ward_b) = ward_ids(&server, &admin).await;
    let hidden = admit(&server, &admin, ward_b, "H-4001").await;
    let round = record(&server, &admin, hidden, json!({ "pulse_per_min": 88 })).await;

    let nurse = signed_in(&server, "nurse").await;
    let missing = nurse
        .get(server.url("/api/patients/get"))
        .query(&[("id", 999_999)])
        .send()
        .await
        .unwrap();
    let hidden_answer = nurse
        .get(server.url("/api/patients/get"))
        .query(&[("id", hidden)])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(hidden_answer.status(), 404);
    let missing_text = missing.text().await.unwrap().replace("999999", "ID");
    let hidden_text = hidden_answer
        .text()
        .await
        .unwrap()
        .replace(&hidden.to_string(), "ID");
    assert_eq!(
        missing_text, hidden_text,
        "no difference between hidden and missing"
    );

    let round_answer = nurse
        .get(server.url("/api/rounds/get"))
        .query(&[("id", round["id"].as_i64().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(round_answer.status(), 404);
    let list: Value = get_json(&nurse, server.url("/api/patients"), &[("status", "all")]).await;
    assert_eq!(list["total"], 0);
    let page = nurse
        .get(server.url(&format!("/patients/{hidden}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn discharge_is_checked_and_ends_recording() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let nurse = signed_in(&server, "nurse").await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &nurse, ward_a, "H-5001").await;

    let early = nurse
        .post(server.url("/api/patients/discharge"))
        .json(&json!({ "id": patient, "discharged_at": "2026-01-09T08:00" }))
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("before the admission"));
    let done = nurse
        .post(server.url("/api/patients/discharge"))
        .json(&json!({ "id": patient }))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let again = nurse
        .post(server.url("/api/patients/discharge"))
        .json(&json!({ "id": patient }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let late_round = nurse
        .post(server.url("/api/rounds/record"))
        .json(&json!({ "patient_id": patient, "round": { "pulse_per_min": 80 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(late_round.status(), 409);

    let admitted: Value = get_json(&nurse, server.url("/api/patients"), NO_QUERY).await;
    assert_eq!(
        admitted["total"], 0,
        "discharged patients leave the default list"
    );
    let discharged: Value = get_json(
        &nurse,
        server.url("/api/patients"),
        &[("status", "discharged")],
    )
    .await;
    assert_eq!(discharged["total"], 1);
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let doc: Value = reqwest::get(server.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        assert!(
            doc["paths"][path][method.as_str().to_lowercase()].is_object(),
            "{method} {path} missing"
        );
    }
}

#[tokio::test]
async fn status_gives_the_phase_and_news2_with_reasons() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let nurse = signed_in(&server, "nurse").await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &nurse, ward_a, "H-6001").await;
    let status = |nurse: reqwest::Client, url: String| async move {
        nurse
            .get(url)
            .query(&[("patient_id", patient)])
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let url = server.url("/api/rounds/status");

    record(
        &server,
        &nurse,
        patient,
        json!({ "temperature_c": 39.3, "pulse_per_min": 96, "respiration_per_min": 18 }),
    )
    .await;
    let febrile = status(nurse.clone(), url.clone()).await;
    assert_eq!(febrile["phase"]["phase"], "febrile");
    assert_eq!(febrile["news2"]["total"], 3, "{febrile}");
    assert_eq!(febrile["news2"]["band"], "low");

    record(
        &server,
        &nurse,
        patient,
        json!({ "spo2_percent": 91, "systolic_mmhg": 88, "diastolic_mmhg": 60, "pulse_per_min": 132, "warning_signs": ["mucosal_bleeding"] }),
    )
    .await;
    let critical = status(nurse.clone(), url.clone()).await;
    assert_eq!(critical["phase"]["phase"], "critical");
    assert_eq!(
        critical["phase"]["reason"],
        "Warning sign recorded: Mucosal bleeding"
    );
    assert_eq!(
        critical["news2"]["total"],
        2 + 3 + 3 + 3,
        "temperature, SpO2, systolic, pulse: {critical}"
    );
    assert_eq!(critical["news2"]["band"], "high");
    let reasons: Vec<&str> = critical["news2"]["subscores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"SpO2 91 % ≤ 91 scores 3"), "{reasons:?}");
}

#[tokio::test]
async fn concurrent_rounds_are_all_stored() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let (ward_a, ward_b) = ward_ids(&server, &admin).await;
        let patients = [
            admit(&server, &admin, ward_a, "BUSY-1").await,
            admit(&server, &admin, ward_b, "BUSY-2").await,
        ];
        let writes = (0..40).map(|i| {
            let (admin, url) = (admin.clone(), server.url("/api/rounds/record"));
            let body =
                json!({ "patient_id": patients[i % 2], "round": { "pulse_per_min": 60 + i } });
            async move { admin.post(url).json(&body).send().await.unwrap().status() }
        });
        let statuses = futures::future::join_all(writes).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        for patient in patients {
            assert_eq!(count(&server, &admin, patient).await.0, 20, "nothing lost");
        }
        db.remove().await;
    }
}
