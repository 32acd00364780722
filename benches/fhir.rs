//! The FHIR facade with a long stay: `$everything` of a 100,000-round stay
//! (time, bytes, the server's peak memory while it is written) and a
//! transaction import of 10,000 Observations. Prints figures; asserts
//! nothing about time.
//!
//! `cargo bench --bench fhir --features ssr`

mod common;

use std::time::Instant;

use common::{admit, record_every_five_minutes};
use serde_json::{Value, json};

const LONG_STAY: usize = 100_000;
const IMPORTED: usize = 10_000;
const PER_TRANSACTION: usize = 5_000;

/// The process's resident memory now and at its peak, KiB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Starts counting the peak anew from the memory in use now.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn observation(patient: i32, i: usize, code: &str, value: Value) -> Value {
    let at = chrono::Utc::now() - chrono::Duration::minutes((IMPORTED / 5 - i / 5) as i64 * 5);
    let mut resource = json!({
        "resourceType": "Observation",
        "identifier": [{ "system": "urn:bench:gateway", "value": format!("obs-{i}") }],
        "status": "final",
        "code": { "coding": [{ "system": "http://loinc.org", "code": code }] },
        "subject": { "reference": format!("Patient/{patient}") },
        "effectiveDateTime": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    for (k, v) in value.as_object().unwrap() {
        resource[k] = v.clone();
    }
    json!({ "resource": resource, "request": { "method": "POST", "url": "Observation" } })
}

fn quantity(value: f64, unit: &str) -> Value {
    json!({ "valueQuantity": { "value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit } })
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (state, caller) = common::prepared(dir.path()).await;
    let db = state.db.clone();
    println!("vitalboard FHIR benchmark (embedded SQLite, server in this process on loopback)");
    let start = Instant::now();
    let long = admit(&db, &caller, "FHIR-LONG", 400).await;
    record_every_five_minutes(&db, &caller, long, LONG_STAY).await;
    let target = admit(&db, &caller, "FHIR-IMPORT", 40).await;
    println!(
        "filled a {LONG_STAY}-round stay in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let (base, client) = common::serve(state).await;

    for run in 1..=3 {
        let (before, _) = memory();
        reset_peak();
        let start = Instant::now();
        let response = client
            .get(format!("{base}/fhir/Patient/{long}/$everything"))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let mut bytes = 0;
        let mut entries = 0;
        let mut response = response;
        while let Some(piece) = response.chunk().await.unwrap() {
            bytes += piece.len();
            entries += piece.windows(9).filter(|w| w == b"\"fullUrl\"").count();
        }
        let elapsed = start.elapsed();
        let (_, peak) = memory();
        println!(
            "$everything of the {LONG_STAY}-round stay (run {run}): {:.2} s, {} MiB, {entries} entries, \
             peak memory {} MiB over the {} MiB in use before (server and client in one process)",
            elapsed.as_secs_f64(),
            bytes / (1024 * 1024),
            peak.saturating_sub(before) / 1024,
            before / 1024,
        );
    }

    let codes = [
        ("8867-4", quantity(88.0, "/min")),
        ("9279-1", quantity(18.0, "/min")),
        ("8310-5", quantity(37.6, "Cel")),
        ("59408-5", quantity(97.0, "%")),
        ("29463-7", quantity(61.5, "kg")),
    ];
    let all: Vec<Value> = (0..IMPORTED)
        .map(|i| {
            let (code, value) = &codes[i % codes.len()];
            observation(target, i, code, value.clone())
        })
        .collect();
    let start = Instant::now();
    for chunk in all.chunks(PER_TRANSACTION) {
        let bundle = json!({ "resourceType": "Bundle", "type": "transaction", "entry": chunk });
        let response = client
            .post(format!("{base}/fhir"))
            .header("content-type", "application/fhir+json")
            .body(bundle.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert!(
            status.is_success(),
            "{status}: {}",
            response.text().await.unwrap()
        );
    }
    println!(
        "import of {IMPORTED} Observations ({} rounds) in transactions of {PER_TRANSACTION}: {:.2} s",
        IMPORTED / codes.len(),
        start.elapsed().as_secs_f64()
    );
}
