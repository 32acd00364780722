//! CSV files and the shift handover: every round, units and zone named,
//! formulas neutralised, and only what the caller's wards hold.

use serde_json::{Value, json};

use crate::records::{admit, gateway_token, record, ward_ids};
use crate::support::{TestDb, TestServer, bearer, every_database, get_json, signed_in};

async fn csv_of(client: &reqwest::Client, url: String) -> (u16, Vec<csv::StringRecord>) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        return (status, Vec::new());
    }
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    (status, reader.records().map(Result::unwrap).collect())
}

#[tokio::test]
async fn csv_files_hold_every_round_and_only_the_callers_wards() {
    for db in every_database().await {
        csv_files(&db).await;
        db.remove().await;
    }
}

async fn csv_files(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, ward_b) = ward_ids(&server, &admin).await;
    let gateway = bearer(&gateway_token(&server, &admin, ward_a).await);
    let patient = admit(&server, &admin, ward_a, "CSV-1").await;
    let theirs = admit(&server, &admin, ward_b, "CSV-B").await;
    for (i, note) in [
        "=HYPERLINK(\"http://x\")",
        "+1 rising",
        "plain, with a comma",
    ]
    .iter()
    .enumerate()
    {
        record(&server, &admin, patient, json!({
            "measured_at": format!("2026-01-11T0{i}:30"), "temperature_c": 38.5 + i as f64 / 10.0,
            "pulse_per_min": 100 + i, "systolic_mmhg": 100, "clinical_notes": note,
        }))
        .await;
    }

    let (status, rows) = csv_of(
        &gateway,
        server.url(&format!("/export/patients/{patient}/rounds.csv")),
    )
    .await;
    assert_eq!(status, 200);
    let header = &rows[0];
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    assert!(
        header
            .iter()
            .any(|h| h.starts_with("Measured at (") && h.ends_with(')')),
        "{header:?}"
    );
    let (temperature, pulse, notes) = (
        column("Temperature (°C)"),
        column("Pulse (/min)"),
        column("Clinical notes"),
    );
    column("Systolic BP (mmHg)");
    column("Platelets (×10³/µL)");
    assert_eq!(rows.len(), 4, "the header and every round");
    assert_eq!(&rows[1][temperature], "38.5");
    assert_eq!(&rows[3][pulse], "102");
    assert_eq!(
        &rows[1][notes], "'=HYPERLINK(\"http://x\")",
        "a formula is neutralised"
    );
    assert_eq!(&rows[2][notes], "'+1 rising");
    assert_eq!(&rows[3][notes], "plain, with a comma");
    assert_eq!(
        csv_of(
            &gateway,
            server.url(&format!("/export/patients/{theirs}/rounds.csv"))
        )
        .await
        .0,
        404
    );
    assert_eq!(
        csv_of(
            &reqwest::Client::new(),
            server.url(&format!("/export/patients/{patient}/rounds.csv"))
        )
        .await
        .0,
        401
    );

    let (status, ward) = csv_of(
        &gateway,
        server.url(&format!("/export/wards/{ward_a}/patients.csv")),
    )
    .await;
    assert_eq!(status, 200);
    let numbers: Vec<&str> = ward[1..].iter().map(|r| &r[3]).collect();
    assert_eq!(numbers, ["CSV-1"], "the ward's admitted patients only");
    let news2 = ward[0].iter().position(|h| h == "NEWS2").unwrap();
    assert!(!ward[1][news2].is_empty());
    assert_eq!(
        csv_of(
            &gateway,
            server.url(&format!("/export/wards/{ward_b}/patients.csv"))
        )
        .await
        .0,
        404
    );
    let (_, all) = csv_of(
        &admin,
        server.url(&format!("/export/wards/{ward_b}/patients.csv")),
    )
    .await;
    assert_eq!(&all[1][3], "CSV-B");
}

#[tokio::test]
async fn the_handover_ranks_the_ward_and_sums_the_shift() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, ward_b) = ward_ids(&server, &admin).await;
    let well = admit(&server, &admin, ward_a, "HAND-1").await;
    let sick = admit(&server, &admin, ward_a, "HAND-2").await;
    record(&server, &admin, well, json!({ "respiration_per_min": 16, "pulse_per_min": 70, "intake_oral_ml": 400, "clinical_notes": "Comfortable" })).await;
    record(&server, &admin, sick, json!({ "respiration_per_min": 26, "spo2_percent": 91, "systolic_mmhg": 88, "pulse_per_min": 125, "output_urine_ml": 50 })).await;
    let handover: Value = get_json(
        &admin,
        server.url("/api/wards/handover"),
        &[("ward_id", ward_a)],
    )
    .await;
    assert_eq!(handover["ward_name"], "Dengue ward A");
    assert_eq!(handover["printed_by"], "Administrator");
    let patients = handover["patients"].as_array().unwrap();
    assert_eq!(patients.len(), 2);
    assert_eq!(patients[0]["patient"]["id"], sick, "sickest first");
    assert_eq!(patients[0]["summary"]["balance_24h_ml"], -50);
    assert!(
        patients[0]["summary"]["news2_in_shift"][0]
            .as_u64()
            .unwrap()
            >= 7
    );
    assert_eq!(patients[1]["summary"]["balance_24h_ml"], 400);
    assert_eq!(patients[1]["last_note"]["text"], "Comfortable");

    let token = gateway_token(&server, &admin, ward_a).await;
    let response = reqwest::Client::new()
        .get(server.url("/api/wards/handover"))
        .query(&[("ward_id", ward_b)])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        404,
        "another ward's handover is not found"
    );
    let page = admin
        .get(server.url(&format!("/wards/{ward_a}/handover")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Shift handover — Dengue ward A"),
        "the page is complete without JavaScript"
    );
    db.remove().await;
}
