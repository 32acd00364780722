//! What the benchmarks share: a server on a fresh embedded database with the
//! demo accounts, plausible rounds, and admissions.

use std::path::Path;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use vitalboard::accounts::Caller;
use vitalboard::accounts::setup::FirstAdmin;
use vitalboard::accounts::users::session_user;
use vitalboard::patients::PatientInput;
use vitalboard::patients::service as patients;
use vitalboard::rules::RoundInput;
use vitalboard::server::config::site_options;
use vitalboard::server::{AppState, Config, prepare};

/// The administrator's password on the benchmark database.
pub const ADMIN_PASSWORD: &str = "bench-password";

/// The server state on a new SQLite database in `dir`, with the demo wards
/// and accounts, and the administrator as the caller.
pub async fn prepared(dir: &Path) -> (AppState, Caller) {
    let config = Config::with_defaults(
        site_options(concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml")).unwrap(),
        format!("sqlite://{}/bench.db", dir.display()),
        FirstAdmin::Given {
            username: "admin".into(),
            password: ADMIN_PASSWORD.into(),
        },
    );
    let state = prepare(&config).await.unwrap();
    vitalboard::demo::ensure(&state.db).await.unwrap();
    let admin_id = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use vitalboard::accounts::entity::user;
        user::Entity::find()
            .filter(user::Column::UsernameKey.eq("admin"))
            .one(&state.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let caller = session_user(&state.db, admin_id)
        .await
        .unwrap()
        .unwrap()
        .caller;
    (state, caller)
}

/// A plausible round `minutes_ago`, varied by `i`.
pub fn round(minutes_ago: i64, i: usize) -> RoundInput {
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

/// Admits a patient numbered `number` to the first ward, `days` ago.
pub async fn admit(db: &DatabaseConnection, caller: &Caller, number: &str, days: i64) -> i32 {
    let ward = vitalboard::accounts::wards::list_wards(db, caller)
        .await
        .unwrap()[0]
        .id;
    let input = PatientInput {
        first_name: "Bench".into(),
        last_name: number.into(),
        hospital_number: number.into(),
        ward_id: Some(ward.to_string()),
        admitted_at: Some((Utc::now() - chrono::Duration::days(days)).to_rfc3339()),
        ..Default::default()
    };
    patients::create(db, caller, input).await.unwrap().id
}

/// Records `count` rounds for `patient`, one every 5 minutes up to now, in
/// the largest batches allowed (100,000 rounds span about 347 days).
pub async fn record_every_five_minutes(
    db: &DatabaseConnection,
    caller: &Caller,
    patient: i32,
    count: usize,
) {
    let all: Vec<RoundInput> = (0..count)
        .map(|i| round(5 * (count - i) as i64, i))
        .collect();
    for inputs in all.chunks(vitalboard::rounds::MAX_BATCH_ROUNDS) {
        vitalboard::rounds::service::record_many(db, caller, patient, inputs, chrono::Utc::now())
            .await
            .unwrap();
    }
}

/// Serves `state` on a free loopback port: its address and a client
/// signed in as the administrator. (The benches that only call the
/// services leave it unused.)
#[allow(dead_code)]
pub async fn serve(state: AppState) -> (String, reqwest::Client) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = vitalboard::server::router(state, false)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client
        .post(format!("{base}/api/auth/login"))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());
    (base, client)
}
