//! The live layer under load, as clients see it: the real server binary on
//! a fresh embedded SQLite database, driven over loopback. Prints figures;
//! asserts nothing about time.
//!
//! `cargo bench --bench live --features ssr`
//! (`LIVE_ROUNDS`, `LIVE_WRITERS` and `LIVE_IDLE` change the sizes;
//! `LIVE_POSTGRES=postgres://USER@HOST/DB` runs it on a fresh PostgreSQL
//! database made from that server instead, and `LIVE_REDIS=redis://HOST`
//! on two servers sharing the database and that Redis, writers and
//! sockets spread over both.)

use std::collections::HashMap;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const PATIENTS: usize = 100;
const PER_PATIENT: usize = 10;
const PORT: u16 = 3190;
const POSTGRES_DB: &str = "vitalboard_live_bench";

fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

fn url(path: &str) -> String {
    on(0, path)
}

/// `path` on server `n`.
fn on(n: usize, path: &str) -> String {
    format!("http://127.0.0.1:{}{path}", PORT + n as u16)
}

/// A fresh database: a file in `folder`, or one made on the PostgreSQL
/// server of `LIVE_POSTGRES`.
async fn database(folder: &std::path::Path) -> String {
    use sea_orm::ConnectionTrait;
    let Ok(admin_url) = std::env::var("LIVE_POSTGRES") else {
        return format!("sqlite://{}/bench.db", folder.display());
    };
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
    for sql in [
        format!("DROP DATABASE IF EXISTS {POSTGRES_DB}"),
        format!("CREATE DATABASE {POSTGRES_DB}"),
    ] {
        admin.execute_unprepared(&sql).await.unwrap();
    }
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    format!("{base}/{POSTGRES_DB}")
}

async fn start(n: usize, database_url: &str) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vitalboard"));
    if let Ok(redis) = std::env::var("LIVE_REDIS") {
        command.env("REDIS_URL", redis);
    }
    let server = Server(
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", PORT + n as u16))
            .env("DATABASE_URL", database_url)
            .env("VITALBOARD_ADMIN_USER", "admin")
            .env("VITALBOARD_ADMIN_PASSWORD", "bench-admin-password")
            .env("VITALBOARD_MAX_SOCKETS_PER_USER", "100000")
            .env("RUST_LOG", "error")
            .spawn()
            .expect("server binary"),
    );
    for _ in 0..600 {
        if reqwest::get(on(n, "/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

async fn socket(
    n: usize,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://127.0.0.1:{}/ws", PORT + n as u16)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut ws, _) = connect_async(request).await.expect("socket");
    ws.next().await.expect("welcome").expect("welcome frame");
    ws
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let rounds = size("LIVE_ROUNDS", 5_000);
    let writers = size("LIVE_WRITERS", 32);
    let idle = size("LIVE_IDLE", 10_000);
    let folder = tempfile::tempdir().unwrap();
    let database_url = database(folder.path()).await;
    let server = start(0, &database_url).await;
    let mut servers = vec![];
    if std::env::var("LIVE_REDIS").is_ok() {
        servers.push(start(1, &database_url).await);
    }
    let instances = 1 + servers.len();
    println!(
        "{} on {instances} server(s){}",
        if database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "embedded SQLite"
        },
        if instances > 1 { " sharing Redis" } else { "" }
    );

    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    admin
        .post(url("/api/auth/login"))
        .form(&[("username", "admin"), ("password", "bench-admin-password")])
        .send()
        .await
        .unwrap();
    let ward: Value = admin
        .post(url("/api/wards/create"))
        .json(&json!({ "name": "Bench ward" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ward = ward["id"].as_i64().unwrap();
    let created: Value = admin
        .post(url("/api/tokens/create"))
        .json(&json!({ "name": "Bench", "role": "clinician", "all_wards": true }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let mut patients = Vec::new();
    for i in 0..PATIENTS {
        let patient: Value = admin
            .post(url("/api/patients/create"))
            .json(&json!({ "patient": {
                "first_name": "Bench", "last_name": format!("Patient {i}"), "hospital_number": format!("B-{i}"),
                "ward_id": ward.to_string(), "sex": "female", "admitted_at": "2026-11-01T08:00",
                "monitoring_interval_hours": "4" } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        patients.push(patient["id"].as_i64().unwrap());
    }

    // 1,000 subscribed sockets: 10 per patient.
    let sent: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let received = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    for (i, patient) in patients
        .iter()
        .enumerate()
        .flat_map(|(i, p)| std::iter::repeat_n((i, *p), PER_PATIENT))
    {
        let mut ws = socket(readers.len() % instances, &token).await;
        let subscribe = json!({ "stream": "rounds", "payload": { "action": "subscribe", "request_id": i, "patient_id": patient } });
        ws.send(Message::Text(subscribe.to_string().into()))
            .await
            .unwrap();
        ws.next().await.unwrap().unwrap();
        let (sent, latencies, received) = (sent.clone(), latencies.clone(), received.clone());
        readers.push(tokio::spawn(async move {
            while let Some(Ok(message)) = ws.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let frame: Value = serde_json::from_str(&text).unwrap();
                if frame["type"] != "event" {
                    continue;
                }
                let at = Instant::now();
                let key: u64 = frame["data"]["clinical_notes"]
                    .as_str()
                    .and_then(|n| n.parse().ok())
                    .unwrap();
                let start = sent.lock().unwrap()[&key];
                latencies.lock().unwrap().push(at - start);
                received.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    println!(
        "{} sockets subscribed, {PER_PATIENT} per patient, {PATIENTS} patients",
        readers.len()
    );

    let next = Arc::new(AtomicU64::new(0));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (next, sent, token, patients) =
            (next.clone(), sent.clone(), token.clone(), patients.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k as usize >= rounds {
                    break;
                }
                let patient = patients[k as usize % patients.len()];
                let body = json!({ "patient_id": patient, "round": {
                    "temperature_c": "38.1", "pulse_per_min": "96", "clinical_notes": k.to_string() } });
                sent.lock().unwrap().insert(k, Instant::now());
                let response = client
                    .post(on(w % instances, "/api/rounds/record"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "{:?}", response.text().await);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = began.elapsed();
    let expected = (rounds * PER_PATIENT) as u64;
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut all = latencies.lock().unwrap().clone();
    all.sort();
    println!(
        "recorded {rounds} rounds over REST with {writers} concurrent writers in {:.2} s: {:.0} rounds/s",
        elapsed.as_secs_f64(),
        rounds as f64 / elapsed.as_secs_f64()
    );
    println!(
        "pushes: {} of {expected} delivered, {} lost; delivery latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        expected.saturating_sub(all.len() as u64),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().unwrap().as_secs_f64() * 1e3,
    );
    for reader in readers {
        reader.abort();
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = server.rss_kib();
    let mut idle_sockets = Vec::with_capacity(idle);
    for _ in 0..idle {
        idle_sockets.push(socket(0, &token).await);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib();
    println!(
        "{idle} idle authenticated sockets: server memory {} KiB → {} KiB, {:.1} KiB per socket",
        before,
        after,
        (after.saturating_sub(before)) as f64 / idle as f64
    );
    drop(idle_sockets);
    drop(servers);
}
