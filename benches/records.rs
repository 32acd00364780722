//! Recording and reading rounds through the service on the embedded SQLite
//! database. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench records --features ssr`

use std::time::{Duration, Instant};

mod common;

use chrono::Utc;
use common::{admit, round};
use vitalboard::rounds::clinical;
use vitalboard::rounds::service::{self as rounds, RangeQuery};
use vitalboard::rules::RoundInput;

const SINGLE: usize = 2_000;
const BATCHED: usize = 20_000;
const BATCH: usize = 100;
const LONG_STAY: usize = 100_000;
const READS: usize = 50;

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (state, caller) = common::prepared(dir.path()).await;
    let db = state.db;
    println!(
        "vitalboard records benchmark (embedded SQLite, WAL, one transaction and one history row per round)"
    );

    let patient = admit(&db, &caller, "SINGLE", 400).await;
    let start = Instant::now();
    for i in 0..SINGLE {
        rounds::record(
            &db,
            &caller,
            patient,
            &round((SINGLE - i) as i64, i),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    let single = start.elapsed();
    println!(
        "record one at a time : {SINGLE} rounds in {:.2} s = {:.0} rounds/s",
        single.as_secs_f64(),
        per_second(SINGLE, single)
    );

    let patient = admit(&db, &caller, "BATCHED", 400).await;
    let start = Instant::now();
    for chunk in 0..BATCHED / BATCH {
        let inputs: Vec<RoundInput> = (0..BATCH)
            .map(|i| round((BATCHED - chunk * BATCH - i) as i64, i))
            .collect();
        rounds::record_many(&db, &caller, patient, &inputs, chrono::Utc::now())
            .await
            .unwrap();
    }
    let batched = start.elapsed();
    println!(
        "record in batches of {BATCH}: {BATCHED} rounds in {:.2} s = {:.0} rounds/s",
        batched.as_secs_f64(),
        per_second(BATCHED, batched)
    );

    let patient = admit(&db, &caller, "LONG-STAY", 400).await;
    let start = Instant::now();
    common::record_every_five_minutes(&db, &caller, patient, LONG_STAY).await;
    println!(
        "filled a stay of {LONG_STAY} rounds in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let mut times = Vec::with_capacity(READS);
    let mut listed = 0;
    for _ in 0..READS {
        let query = RangeQuery {
            from: Some(Utc::now() - chrono::Duration::days(1)),
            to: Some(Utc::now()),
            page: Some(1),
            per_page: Some(500),
        };
        let start = Instant::now();
        let page = rounds::list(&db, &caller, patient, query).await.unwrap();
        times.push(start.elapsed());
        listed = page.items.len();
    }
    report(
        &format!("list 1 day ({listed} rounds) of a {LONG_STAY}-round stay"),
        &mut times,
    );

    let short = admit(&db, &caller, "SHORT-STAY", 1).await;
    common::record_every_five_minutes(&db, &caller, short, 10).await;
    for (stay, id) in [("10-round", short), ("100,000-round", patient)] {
        let mut reads = Vec::with_capacity(READS);
        for _ in 0..READS {
            let start = Instant::now();
            clinical::clinical_status(&db, &caller, id, Utc::now())
                .await
                .unwrap();
            reads.push(start.elapsed());
        }
        report(&format!("clinical status of a {stay} stay"), &mut reads);
        let mut writes = Vec::with_capacity(READS);
        for i in 0..READS {
            let start = Instant::now();
            rounds::record(&db, &caller, id, &round(0, i), Utc::now())
                .await
                .unwrap();
            writes.push(start.elapsed());
        }
        report(&format!("record a round into a {stay} stay"), &mut writes);
    }
}

/// Prints the median, the 99th percentile and the slowest of `times`.
fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let n = times.len();
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {n}",
        times[n / 2].as_secs_f64() * 1e3,
        times[n * 99 / 100].as_secs_f64() * 1e3,
        times[n - 1].as_secs_f64() * 1e3
    );
}
