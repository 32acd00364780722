//! Server time to render the pages a clinician opens all shift, over HTTP on
//! loopback against the embedded SQLite database, and the bytes a browser
//! downloads on its first visit. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench pages --features ssr` (after `cargo leptos build`,
//! or `cargo leptos build --release` for the figures of a release bundle)

mod common;

use std::time::{Duration, Instant};

use common::{admit, record_every_five_minutes, round};
use vitalboard::rounds::service as rounds;
use vitalboard::rules::RoundInput;

const LONG_STAY: usize = 100_000;
const WARD: usize = 200;
const REQUESTS: usize = 100;

struct Figures {
    p50: Duration,
    p99: Duration,
    max: Duration,
    bytes: usize,
}

async fn timed(client: &reqwest::Client, url: &str, requests: usize) -> Figures {
    let mut times = Vec::with_capacity(requests);
    let mut bytes = 0;
    for _ in 0..requests {
        let start = Instant::now();
        let response = client.get(url).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        bytes = response.bytes().await.unwrap().len();
        times.push(start.elapsed());
    }
    times.sort();
    Figures {
        p50: times[requests / 2],
        p99: times[(requests * 99 / 100).min(requests - 1)],
        max: times[requests - 1],
        bytes,
    }
}

fn print(what: &str, requests: usize, f: &Figures) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {requests} requests ({} KiB)",
        ms(f.p50),
        ms(f.p99),
        ms(f.max),
        f.bytes / 1024
    );
}

/// Bytes on the wire for `path` when the browser accepts `encoding`.
async fn wire_size(client: &reqwest::Client, base: &str, path: &str, encoding: &str) -> usize {
    let response = client
        .get(format!("{base}{path}"))
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{path}");
    response.bytes().await.unwrap().len()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (state, caller) = common::prepared(dir.path()).await;
    let db = state.db.clone();
    println!("vitalboard pages benchmark (embedded SQLite, server on loopback, one client)");

    let start = Instant::now();
    let long = admit(&db, &caller, "LONG-STAY", 400).await;
    record_every_five_minutes(&db, &caller, long, LONG_STAY).await;
    let short = admit(&db, &caller, "SHORT-STAY", 2).await;
    let inputs: Vec<RoundInput> = (0..10).map(|i| round(240 * (10 - i) as i64, i)).collect();
    rounds::record_many(&db, &caller, short, &inputs, chrono::Utc::now())
        .await
        .unwrap();
    for n in 0..WARD - 2 {
        let patient = admit(&db, &caller, &format!("WARD-{n:03}"), 3).await;
        let inputs: Vec<RoundInput> = (0..12)
            .map(|i| round(360 * (12 - i) as i64, n + i))
            .collect();
        rounds::record_many(&db, &caller, patient, &inputs, chrono::Utc::now())
            .await
            .unwrap();
    }
    println!(
        "filled a {LONG_STAY}-round stay and {WARD} admitted patients in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let (base, client) = common::serve(state).await;
    let anonymous = reqwest::Client::new();

    let report = |id: i32, span: &str| format!("{base}/patients/{id}?span={span}");
    let pages = [
        (
            format!("report of a {LONG_STAY}-round stay, day charts"),
            report(long, "day"),
        ),
        (
            format!("report of a {LONG_STAY}-round stay, course charts"),
            report(long, "course"),
        ),
        (
            "report of a 10-round stay, day charts".to_owned(),
            report(short, "day"),
        ),
        (
            "report of a 10-round stay, course charts".to_owned(),
            report(short, "course"),
        ),
        (
            format!("dashboard with {WARD} admitted patients"),
            format!("{base}/"),
        ),
    ];
    // A second pass shows what the first owed to a database just filled.
    for pass in ["first", "second"] {
        println!("the pages, {pass} pass:");
        for (what, url) in &pages {
            timed(&client, url, 3).await;
            print(
                &format!("  {what}"),
                REQUESTS,
                &timed(&client, url, REQUESTS).await,
            );
        }
    }

    println!("the reads of the {LONG_STAY}-round report, each on its own:");
    for (what, path) in [
        ("patient", format!("/api/patients/get?id={long}")),
        (
            "status (phase, NEWS2)",
            format!("/api/rounds/status?patient_id={long}"),
        ),
        (
            "newest 100 rounds",
            format!("/api/rounds?patient_id={long}&per_page=100"),
        ),
        ("history page", format!("/api/patients/history?id={long}")),
        (
            "day charts",
            format!("/api/rounds/charts?patient_id={long}&span=day"),
        ),
        (
            "course charts",
            format!("/api/rounds/charts?patient_id={long}&span=course"),
        ),
    ] {
        let url = format!("{base}{path}");
        print(&format!("  {what}"), 20, &timed(&client, &url, 20).await);
    }

    let first_visit = [
        "/login",
        "/pkg/vitalboard.css",
        "/pkg/vitalboard.js",
        "/pkg/vitalboard.wasm",
        "/favicon.svg",
    ];
    println!("first visit (the sign-in page and everything it loads):");
    let mut totals = [0usize; 3];
    for path in first_visit {
        let sizes = [
            wire_size(&anonymous, &base, path, "identity").await,
            wire_size(&anonymous, &base, path, "gzip").await,
            wire_size(&anonymous, &base, path, "br").await,
        ];
        for (total, size) in totals.iter_mut().zip(sizes) {
            *total += size;
        }
        println!(
            "  {path}: {} KiB, gzip {} KiB, brotli {} KiB",
            sizes[0] / 1024,
            sizes[1] / 1024,
            sizes[2] / 1024
        );
    }
    println!(
        "  total: {} KiB, gzip {} KiB, brotli {} KiB",
        totals[0] / 1024,
        totals[1] / 1024,
        totals[2] / 1024
    );
}
