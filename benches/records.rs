//! Recording and reading rounds through the service on the embedded SQLite
//! database. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench records --features ssr`

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::DatabaseConnection;
use vitalboard::accounts::Caller;
use vitalboard::accounts::service::{FirstAdmin, session_user};
use vitalboard::patients::PatientInput;
use vitalboard::patients::service as patients;
use vitalboard::rounds::RoundInput;
use vitalboard::rounds::service::{self as rounds, RangeQuery};
use vitalboard::server::config::site_options;
use vitalboard::server::{Config, prepare};

const SINGLE: usize = 2_000;
const BATCHED: usize = 20_000;
const BATCH: usize = 100;
const LONG_STAY: usize = 100_000;
const READS: usize = 50;

fn round(minutes_ago: i64, i: usize) -> RoundInput {
    RoundInput {
        measured_at: Some((Utc::now() - chrono::Duration::minutes(minutes_ago)).to_rfc3339()),
        temperature_c: Some(format!("{:.1}", 36.5 + (i % 30) as f64 / 10.0)),
        pulse_per_min: Some((70 + i % 60).to_string()),
        respiration_per_min: Some("18".into()),
        systolic_mmhg: Some("112".into()),
        diastolic_mmhg: Some("74".into()),
        spo2_percent: Some("97".into()),
        intake_oral_ml: Some("250".into()),
        output_urine_ml: Some("200".into()),
        ..Default::default()
    }
}

async fn admit(db: &DatabaseConnection, caller: &Caller, number: &str) -> i32 {
    let ward = vitalboard::accounts::service::list_wards(db, caller)
        .await
        .unwrap()[0]
        .id;
    let input = PatientInput {
        first_name: "Bench".into(),
        last_name: number.into(),
        hospital_number: number.into(),
        ward_id: Some(ward.to_string()),
        admitted_at: Some((Utc::now() - chrono::Duration::days(400)).to_rfc3339()),
        ..Default::default()
    };
    patients::create(db, caller, input).await.unwrap().id
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::with_defaults(
        site_options(concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml")).unwrap(),
        format!("sqlite://{}/bench.db", dir.path().display()),
        FirstAdmin::Given {
            username: "admin".into(),
            password: "bench-password".into(),
        },
    );
    let db = prepare(&config).await.unwrap().db;
    vitalboard::demo::ensure(&db).await.unwrap();
    let admin_id = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use vitalboard::accounts::entity::user;
        user::Entity::find()
            .filter(user::Column::UsernameKey.eq("admin"))
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let caller = session_user(&db, admin_id).await.unwrap().unwrap().caller;
    println!(
        "vitalboard records benchmark (embedded SQLite, WAL, one transaction and one history row per round)"
    );

    let patient = admit(&db, &caller, "SINGLE").await;
    let start = Instant::now();
    for i in 0..SINGLE {
        rounds::record(&db, &caller, patient, &round((SINGLE - i) as i64, i))
            .await
            .unwrap();
    }
    let single = start.elapsed();
    println!(
        "record one at a time : {SINGLE} rounds in {:.2} s = {:.0} rounds/s",
        single.as_secs_f64(),
        per_second(SINGLE, single)
    );

    let patient = admit(&db, &caller, "BATCHED").await;
    let start = Instant::now();
    for chunk in 0..BATCHED / BATCH {
        let inputs: Vec<RoundInput> = (0..BATCH)
            .map(|i| round((BATCHED - chunk * BATCH - i) as i64, i))
            .collect();
        rounds::record_many(&db, &caller, patient, &inputs)
            .await
            .unwrap();
    }
    let batched = start.elapsed();
    println!(
        "record in batches of {BATCH}: {BATCHED} rounds in {:.2} s = {:.0} rounds/s",
        batched.as_secs_f64(),
        per_second(BATCHED, batched)
    );

    let patient = admit(&db, &caller, "LONG-STAY").await;
    let start = Instant::now();
    for chunk in 0..LONG_STAY / 1_000 {
        // One round every 5 minutes: 100,000 rounds span about 347 days.
        let inputs: Vec<RoundInput> = (0..1_000)
            .map(|i| round(5 * (LONG_STAY - chunk * 1_000 - i) as i64, i))
            .collect();
        rounds::record_many(&db, &caller, patient, &inputs)
            .await
            .unwrap();
    }
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
    times.sort();
    println!(
        "list 1 day ({listed} rounds) of a {LONG_STAY}-round stay: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {READS} reads",
        times[READS / 2].as_secs_f64() * 1e3,
        times[READS * 99 / 100].as_secs_f64() * 1e3,
        times[READS - 1].as_secs_f64() * 1e3
    );
}
