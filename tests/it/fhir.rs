//! The FHIR R4 facade as another hospital system sees it: reads and
//! searches in the caller's wards only, every resource valid for the R4
//! model, transactions recorded as rounds all or none and only once.

use fhirbolt::model::r4::Resource;
use serde_json::{Value, json};

use crate::live::Socket;
use crate::records::{admit, gateway_token, record, ward_ids};
use crate::support::{TestDb, TestServer, bearer, every_database, get_json, signed_in};

/// GETs a FHIR path: its status and the resource, checked against the R4
/// model (strict: no element the model does not know).
async fn fhir_get(client: &reqwest::Client, server: &TestServer, path: &str) -> (u16, Value) {
    let response = client.get(server.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/fhir+json"), "{path}: {kind}");
    let body = response.text().await.unwrap();
    valid(&body);
    (status, serde_json::from_str(&body).unwrap())
}

async fn fhir_post(client: &reqwest::Client, server: &TestServer, bundle: &Value) -> (u16, Value) {
    let response = client
        .post(server.url("/fhir"))
        .header("content-type", "application/fhir+json")
        .body(bundle.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    valid(&body);
    (status, serde_json::from_str(&body).unwrap())
}

fn valid(body: &str) {
    if let Err(e) = fhirbolt::json::from_str::<Resource>(body, None) {
        panic!("not a valid FHIR R4 resource ({e}): {body}");
    }
}

fn entries(bundle: &Value) -> Vec<Value> {
    bundle["entry"].as_array().cloned().unwrap_or_default()
}

fn codes(bundle: &Value) -> Vec<String> {
    entries(bundle)
        .iter()
        .map(|e| {
            e["resource"]["code"]["coding"][0]["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// One Observation entry of a transaction.
fn posted(patient: i64, at: &str, code: &str, value: Value, identifier: &str) -> Value {
    let mut resource = json!({
        "resourceType": "Observation",
        "identifier": [{ "system": "urn:test:gateway", "value": identifier }],
        "status": "final",
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs" }] }],
        "code": { "coding": [{ "system": "http://loinc.org", "code": code }] },
        "subject": { "reference": format!("Patient/{patient}") },
        "effectiveDateTime": at,
    });
    for (key, v) in value.as_object().unwrap() {
        resource[key] = v.clone();
    }
    json!({ "resource": resource, "request": { "method": "POST", "url": "Observation" } })
}

fn quantity(value: f64, unit: &str) -> Value {
    json!({ "valueQuantity": { "value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit } })
}

fn bp(systolic: i64, diastolic: i64, unit: &str) -> Value {
    let part = |code: &str, v: i64| {
        json!({ "code": { "coding": [{ "system": "http://loinc.org", "code": code }] },
            "valueQuantity": { "value": v, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit } })
    };
    json!({ "component": [part("8480-6", systolic), part("8462-4", diastolic)] })
}

fn transaction(entries: Vec<Value>) -> Value {
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries })
}

/// 100 rounds of five Observations each.
fn five_hundred(patient: i64, tag: &str) -> Value {
    let mut all = Vec::new();
    for i in 0..100 {
        let at = format!(
            "2026-01-1{}T{:02}:{:02}:00Z",
            1 + i / 50,
            (i % 50) / 3,
            (i % 3) * 20
        );
        let id = |what: &str| format!("{tag}-{i}-{what}");
        all.push(posted(
            patient,
            &at,
            "8867-4",
            quantity(80.0 + i as f64 % 20.0, "/min"),
            &id("pulse"),
        ));
        all.push(posted(
            patient,
            &at,
            "9279-1",
            quantity(16.0, "/min"),
            &id("resp"),
        ));
        all.push(posted(
            patient,
            &at,
            "8310-5",
            quantity(37.5, "Cel"),
            &id("temp"),
        ));
        all.push(posted(
            patient,
            &at,
            "59408-5",
            quantity(97.0, "%"),
            &id("spo2"),
        ));
        all.push(posted(
            patient,
            &at,
            "85354-9",
            bp(110, 70, "mm[Hg]"),
            &id("bp"),
        ));
    }
    transaction(all)
}

async fn round_total(server: &TestServer, client: &reqwest::Client, patient: i64) -> u64 {
    let rounds: Value = get_json(
        client,
        server.url("/api/rounds"),
        &[("patient_id", patient)],
    )
    .await;
    rounds["total"].as_u64().unwrap()
}

#[tokio::test]
async fn reads_and_searches_stay_in_the_callers_wards() {
    for db in every_database().await {
        reads_and_searches(&db).await;
        db.remove().await;
    }
}

async fn reads_and_searches(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, ward_b) = ward_ids(&server, &admin).await;
    let gateway = bearer(&gateway_token(&server, &admin, ward_a).await);
    let ours: Vec<i64> = [
        admit(&server, &admin, ward_a, "FHIR-1").await,
        admit(&server, &admin, ward_a, "FHIR-2").await,
        admit(&server, &admin, ward_a, "FHIR-3").await,
    ]
    .into();
    let theirs = admit(&server, &admin, ward_b, "FHIR-B").await;
    let round = record(&server, &admin, ours[0], json!({
        "measured_at": "2026-01-11T08:00", "pulse_per_min": 96, "respiration_per_min": 22, "temperature_c": 38.4,
        "spo2_percent": 95, "systolic_mmhg": 104, "diastolic_mmhg": 70, "consciousness": "A", "on_oxygen": false,
        "hematocrit_percent": 44.5, "platelets_k_per_ul": 90,
    })).await;
    record(&server, &admin, theirs, json!({ "pulse_per_min": 70 })).await;

    let (status, metadata) = fhir_get(&gateway, &server, "/fhir/metadata").await;
    assert_eq!(status, 200);
    assert_eq!(metadata["resourceType"], "CapabilityStatement");
    assert_eq!(metadata["fhirVersion"], "4.0.1");
    let types: Vec<&str> = metadata["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Patient", "Observation"]);

    let (status, patient) =
        fhir_get(&gateway, &server, &format!("/fhir/Patient/{}", ours[0])).await;
    assert_eq!(status, 200);
    assert_eq!(patient["identifier"][0]["value"], "FHIR-1");
    assert_eq!(patient["name"][0]["family"], "Johnson");
    assert_eq!(patient["gender"], "female");
    let (status, refused) = fhir_get(&gateway, &server, &format!("/fhir/Patient/{theirs}")).await;
    assert_eq!(status, 404);
    assert_eq!(refused["resourceType"], "OperationOutcome");
    assert_eq!(refused["issue"][0]["code"], "not-found");
    let unsigned = reqwest::Client::new()
        .get(server.url("/fhir/Patient"))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);

    let (_, one) = fhir_get(
        &gateway,
        &server,
        "/fhir/Patient?identifier=urn:vitalboard:hospital-number%7CFHIR-2",
    )
    .await;
    assert_eq!(one["total"], 1);
    assert_eq!(one["entry"][0]["resource"]["id"], ours[1].to_string());
    let (_, none) = fhir_get(&gateway, &server, "/fhir/Patient?identifier=FHIR-B").await;
    assert_eq!(none["total"], 0, "another ward's patient is not found");

    let mut seen = Vec::new();
    let mut next = Some("/fhir/Patient?name=johnson&_count=2".to_owned());
    while let Some(path) = next {
        let (_, page) = fhir_get(&gateway, &server, &path).await;
        assert_eq!(page["total"], 3);
        assert!(entries(&page).len() <= 2);
        seen.extend(entries(&page).iter().map(|e| {
            e["resource"]["id"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        }));
        next = page["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == "next")
            .map(|l| {
                let url = l["url"].as_str().unwrap();
                url.to_owned()
            });
    }
    seen.sort();
    assert_eq!(
        seen, ours,
        "every page together holds the ward's patients once, and no other"
    );

    let first = ours[0];
    let search = |query: String| {
        let (gateway, server) = (&gateway, &server);
        async move {
            fhir_get(
                gateway,
                server,
                &format!("/fhir/Observation?patient={first}{query}"),
            )
            .await
            .1
        }
    };
    let vitals = search("&category=vital-signs".into()).await;
    let mut vital_codes = codes(&vitals);
    vital_codes.sort();
    assert_eq!(
        vital_codes,
        ["59408-5", "8310-5", "85354-9", "8867-4", "9279-1"]
    );
    let pressure = entries(&vitals)
        .into_iter()
        .find(|e| e["resource"]["code"]["coding"][0]["code"] == "85354-9")
        .unwrap();
    let pressure = &pressure["resource"];
    assert_eq!(
        pressure["component"][0]["code"]["coding"][0]["code"],
        "8480-6"
    );
    assert_eq!(pressure["component"][0]["valueQuantity"]["value"], 104);
    assert_eq!(pressure["component"][1]["valueQuantity"]["unit"], "mm[Hg]");
    assert_eq!(
        pressure["subject"]["reference"],
        format!("Patient/{}", ours[0])
    );
    assert_eq!(pressure["performer"][0]["display"], round["recorded_by"]);
    assert_eq!(pressure["effectiveDateTime"], round["measured_at"]);
    let labs = search("&category=laboratory".into()).await;
    let mut lab_codes = codes(&labs);
    lab_codes.sort();
    assert_eq!(lab_codes, ["4544-3", "777-3"]);
    let hematocrit = search("&code=http://loinc.org%7C4544-3".into()).await;
    assert_eq!(entries(&hematocrit).len(), 1);
    assert_eq!(
        hematocrit["entry"][0]["resource"]["valueQuantity"]["value"],
        44.5
    );
    let id = hematocrit["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        search("&date=ge2026-01-12".into()).await["entry"],
        Value::Null,
        "no round after the date"
    );
    assert_eq!(
        entries(&search("&date=ge2026-01-11&date=le2026-01-12".into()).await).len(),
        9
    );
    let (status, read) = fhir_get(&gateway, &server, &format!("/fhir/Observation/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(read["valueQuantity"]["code"], "%");
    let (status, bad) = fhir_get(
        &gateway,
        &server,
        &format!("/fhir/Observation?patient={}&code=1234-5", ours[0]),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        bad["issue"][0]["diagnostics"]
            .as_str()
            .unwrap()
            .contains("unknown code 1234-5")
    );

    let theirs_search = fhir_get(
        &gateway,
        &server,
        &format!("/fhir/Observation?patient={theirs}"),
    )
    .await;
    assert_eq!(
        theirs_search.0, 404,
        "another ward's observations are not found"
    );
    let rounds_b: Value =
        get_json(&admin, server.url("/api/rounds"), &[("patient_id", theirs)]).await;
    let theirs_id = format!("{}-pulse-per-min", rounds_b["items"][0]["id"]);
    assert_eq!(
        fhir_get(&admin, &server, &format!("/fhir/Observation/{theirs_id}"))
            .await
            .0,
        200
    );
    assert_eq!(
        fhir_get(&gateway, &server, &format!("/fhir/Observation/{theirs_id}"))
            .await
            .0,
        404
    );

    let (status, everything) = fhir_get(
        &gateway,
        &server,
        &format!("/fhir/Patient/{}/$everything", ours[0]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        everything["entry"][0]["resource"]["resourceType"],
        "Patient"
    );
    assert_eq!(
        entries(&everything).len(),
        1 + 9,
        "the patient and every observation of its round"
    );
    assert_eq!(
        fhir_get(
            &gateway,
            &server,
            &format!("/fhir/Patient/{theirs}/$everything")
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn transactions_are_all_or_none_once_and_live() {
    for db in every_database().await {
        transactions(&db).await;
        db.remove().await;
    }
}

async fn transactions(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, ward_b) = ward_ids(&server, &admin).await;
    let token = gateway_token(&server, &admin, ward_a).await;
    let gateway = bearer(&token);
    let patient = admit(&server, &admin, ward_a, "FHIR-IN-1").await;
    let copy = admit(&server, &admin, ward_a, "FHIR-IN-2").await;
    let theirs = admit(&server, &admin, ward_b, "FHIR-IN-B").await;

    let mut socket = Socket::with_token(&server, &token).await;
    socket
        .subscribe("rounds", json!({ "patient_id": patient }))
        .await;

    let bundle = five_hundred(patient, "a");
    let (status, response) = fhir_post(&gateway, &server, &bundle).await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["type"], "transaction-response");
    let statuses: Vec<String> = entries(&response)
        .iter()
        .map(|e| e["response"]["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses.len(), 500);
    assert!(statuses.iter().all(|s| s == "201 Created"));
    assert_eq!(
        round_total(&server, &admin, patient).await,
        100,
        "grouped by patient and time"
    );
    let pushed = socket.event().await;
    assert_eq!(pushed["data"]["patient_id"], patient, "{pushed}");

    let (status, again) = fhir_post(&gateway, &server, &bundle).await;
    assert_eq!(status, 200);
    assert!(
        entries(&again)
            .iter()
            .all(|e| e["response"]["status"] == "200 OK")
    );
    assert_eq!(
        entries(&again)[4]["response"]["location"],
        entries(&response)[4]["response"]["location"],
        "the same observation is answered with where it is"
    );
    assert_eq!(
        round_total(&server, &admin, patient).await,
        100,
        "the same transaction twice adds nothing"
    );

    let mut wrong = Vec::new();
    for i in 0..5 {
        let at = format!("2026-01-13T0{i}:00:00Z");
        wrong.push(posted(
            copy,
            &at,
            "8867-4",
            quantity(90.0, "/min"),
            &format!("w-{i}"),
        ));
    }
    wrong[3] = posted(
        copy,
        "2026-01-13T03:00:00Z",
        "85354-9",
        bp(120, 80, "mmHg"),
        "w-bp",
    );
    let (status, outcome) = fhir_post(&gateway, &server, &transaction(wrong.clone())).await;
    assert_eq!(status, 422);
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(
        outcome["issue"][0]["expression"][0],
        "Bundle.entry[3].resource.component[0].valueQuantity.code"
    );
    assert!(
        outcome["issue"][0]["diagnostics"]
            .as_str()
            .unwrap()
            .contains("expected mm[Hg]")
    );
    assert_eq!(
        round_total(&server, &admin, copy).await,
        0,
        "nothing of a refused transaction is kept"
    );

    wrong[3] = posted(
        copy,
        "2026-01-13T03:00:00Z",
        "99999-9",
        quantity(1.0, "/min"),
        "w-x",
    );
    let (status, outcome) = fhir_post(&gateway, &server, &transaction(wrong.clone())).await;
    assert_eq!(status, 422);
    assert_eq!(
        outcome["issue"][0]["expression"][0],
        "Bundle.entry[3].resource.code"
    );
    wrong[3] = posted(
        copy,
        "2026-01-13T03:00:00Z",
        "8867-4",
        quantity(400.0, "/min"),
        "w-high",
    );
    let (_, outcome) = fhir_post(&gateway, &server, &transaction(wrong.clone())).await;
    assert_eq!(
        outcome["issue"][0]["expression"][0],
        "Bundle.entry[3].resource.valueQuantity.value"
    );
    wrong[3] = posted(
        theirs,
        "2026-01-13T03:00:00Z",
        "8867-4",
        quantity(90.0, "/min"),
        "w-b",
    );
    let (status, outcome) = fhir_post(&gateway, &server, &transaction(wrong)).await;
    assert_eq!(status, 422);
    assert_eq!(
        outcome["issue"][0]["expression"][0],
        "Bundle.entry[3].resource.subject.reference"
    );
    assert_eq!(round_total(&server, &admin, copy).await, 0);
    assert_eq!(
        round_total(&server, &admin, theirs).await,
        0,
        "another ward's patient is refused"
    );

    let (_, everything) = fhir_get(
        &gateway,
        &server,
        &format!("/fhir/Patient/{patient}/$everything"),
    )
    .await;
    let resent: Vec<Value> = entries(&everything)
        .into_iter()
        .skip(1)
        .map(|e| {
            let mut resource = e["resource"].clone();
            resource.as_object_mut().unwrap().remove("id");
            resource["subject"]["reference"] = json!(format!("Patient/{copy}"));
            resource["identifier"] =
                json!([{ "system": "urn:test:copy", "value": e["resource"]["id"] }]);
            json!({ "resource": resource, "request": { "method": "POST", "url": "Observation" } })
        })
        .collect();
    assert_eq!(resent.len(), 500);
    let (status, response) = fhir_post(&gateway, &server, &transaction(resent)).await;
    assert_eq!(status, 200, "{response}");
    let charts = |id: i64| {
        let (admin, server) = (&admin, &server);
        async move {
            let charts: Value = get_json(
                admin,
                server.url("/api/rounds/charts"),
                &[("patient_id", id.to_string()), ("span", "course".into())],
            )
            .await;
            charts["series"].clone()
        }
    };
    let (original, copied) = (charts(patient).await, charts(copy).await);
    assert!(
        original.as_array().is_some_and(|s| !s.is_empty()),
        "{original}"
    );
    assert_eq!(original, copied, "the re-posted stay draws the same charts");
}
