//! What hospital IT runs the server with, tested on the real binary in a
//! process of its own: metrics, JSON logs and backups.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;

use crate::support::{TestDb, TestServer, client, get_json, post_json, signed_in};

const ADMIN_PASSWORD: &str = "Operations-Admin-Secret-4711";

/// A server process on a random port; its log lines are kept.
struct Process {
    child: tokio::process::Child,
    url: String,
    logs: Arc<Mutex<Vec<String>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Process {
    /// Starts the server on the embedded database `database`, logging JSON.
    async fn start(database: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = binary(database)
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("VITALBOARD_ADMIN_USER", "admin")
            .env("VITALBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("VITALBOARD_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the server binary");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (found, listening) = tokio::sync::oneshot::channel();
        let mut found = Some(found);
        let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let kept = logs.clone();
        let reader = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line
                    .split("vitalboard listening on ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    && let Some(found) = found.take()
                {
                    let _ = found.send(url.to_owned());
                }
                kept.lock().unwrap().push(line);
            }
        });
        let url = tokio::time::timeout(std::time::Duration::from_secs(120), listening)
            .await
            .expect("the server should start")
            .unwrap_or_else(|_| panic!("the server ended: {:?}", logs.lock().unwrap()));
        Process {
            child,
            url,
            logs,
            reader,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    async fn signed_in(&self) -> reqwest::Client {
        let admin = client();
        let response = admin
            .post(self.url("/api/auth/login"))
            .json(&json!({ "username": "admin", "password": ADMIN_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        admin
    }

    /// Ends the process and answers every line it logged.
    async fn stop(mut self) -> Vec<String> {
        self.child.kill().await.expect("stop the server");
        self.reader.await.expect("every line read");
        let logs = self.logs.lock().unwrap();
        logs.clone()
    }
}

/// The binary with `DATABASE_URL` naming the embedded database `database`.
fn binary(database: &Path) -> tokio::process::Command {
    binary_on(&format!("sqlite://{}", database.display()))
}

fn binary_on(database_url: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_vitalboard"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", database_url);
    command
}

/// Runs `vitalboard backup|restore PATH` on the embedded database
/// `database`: whether it succeeded and what it said.
async fn run(database: &Path, command: &str, path: &Path) -> (bool, String) {
    run_on(&format!("sqlite://{}", database.display()), command, path).await
}

async fn run_on(database_url: &str, command: &str, path: &Path) -> (bool, String) {
    let output = binary_on(database_url)
        .arg(command)
        .arg(path)
        .output()
        .await
        .expect("run the binary");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

/// A ward of its own and a patient admitted to it.
async fn ward_and_patient(server: &Process, admin: &reqwest::Client) -> (i64, i64) {
    let ward: Value = post_json(
        admin,
        server.url("/api/wards/create"),
        &json!({ "name": "Dengue ward 3" }),
    )
    .await;
    let ward = ward["id"].as_i64().expect("ward id");
    let patient: Value = post_json(
        admin,
        server.url("/api/patients/create"),
        &json!({ "patient": {
            "first_name": "Zebedee", "last_name": "Quartermain", "hospital_number": "OPS-1",
            "ward_id": ward.to_string(), "sex": "male", "birth_date": "1984-02-11",
            "admitted_at": "2026-01-10T08:00", "monitoring_interval_hours": "4"
        }}),
    )
    .await;
    (ward, patient["id"].as_i64().expect("patient id"))
}

/// An API token of the clinician role for `ward`.
async fn clinician_token(server: &Process, admin: &reqwest::Client, ward: i64) -> String {
    let token: Value = post_json(
        admin,
        server.url("/api/tokens/create"),
        &json!({ "name": "Gateway", "role": "clinician", "ward_ids": [ward] }),
    )
    .await;
    token["token"].as_str().expect("token").to_owned()
}

async fn record(server: &Process, caller: &reqwest::Client, patient: i64) -> Option<i64> {
    let response = caller
        .post(server.url("/api/rounds/record"))
        .json(&json!({ "patient_id": patient, "round": { "temperature_c": "38.4", "pulse_per_min": "104" } }))
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json::<Value>().await.ok()?["id"].as_i64()
}

fn metric(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

async fn scrape(caller: &reqwest::Client, server: &Process) -> (u16, String) {
    let response = caller.get(server.url("/metrics")).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn parse(text: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .expect("Prometheus text")
}

#[tokio::test]
async fn metrics_count_rounds_for_administrators_and_listed_addresses_only() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vitalboard.db");
    let server = Process::start(&database, &[("VITALBOARD_METRICS_FROM", "10.9.8.7")]).await;
    assert_eq!(scrape(&client(), &server).await.0, 401, "anonymous");

    let admin = server.signed_in().await;
    let (ward, patient) = ward_and_patient(&server, &admin).await;
    let clinician = crate::support::bearer(&clinician_token(&server, &admin, ward).await);
    assert_eq!(scrape(&clinician, &server).await.0, 403, "a clinician");

    assert!(record(&server, &clinician, patient).await.is_some());
    let (status, text) = scrape(&admin, &server).await;
    assert_eq!(status, 200, "{text}");
    let figures = parse(&text);
    assert_eq!(
        metric(&figures, "vitalboard_rounds_recorded_total", &[]),
        1.0
    );
    let record_route = [
        ("route", "/api/rounds/record"),
        ("status", "200"),
        ("method", "POST"),
    ];
    assert_eq!(
        metric(&figures, "vitalboard_http_requests_total", &record_route),
        1.0
    );
    assert_eq!(
        metric(
            &figures,
            "vitalboard_http_request_duration_seconds_count",
            &record_route
        ),
        1.0
    );
    assert!(
        metric(
            &figures,
            "vitalboard_events_written_total",
            &[("topic", "rounds")]
        ) >= 1.0
    );
    assert!(metric(&figures, "vitalboard_write_seconds_count", &[]) >= 1.0);
    assert!(metric(&figures, "vitalboard_db_connections", &[]) >= 1.0);
    assert_eq!(metric(&figures, "vitalboard_sockets_open", &[]), 0.0);
    server.stop().await;

    let listed = Process::start(&database, &[("VITALBOARD_METRICS_FROM", "127.0.0.1")]).await;
    let (status, text) = scrape(&client(), &listed).await;
    assert_eq!(status, 200, "from a listed address without signing in");
    assert_eq!(
        metric(&parse(&text), "vitalboard_rounds_recorded_total", &[]),
        0.0,
        "a new process counts from 0"
    );
    listed.stop().await;
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let server = Process::start(&dir.path().join("vitalboard.db"), &[]).await;
    let anonymous = client();
    let wrong = anonymous
        .post(server.url("/api/auth/login"))
        .json(&json!({ "username": "admin", "password": "Wrong-Guess-Secret-0815" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let admin = server.signed_in().await;
    let (ward, _) = ward_and_patient(&server, &admin).await;
    let token = clinician_token(&server, &admin, ward).await;
    let gateway = crate::support::bearer(&token);
    let ticket: Value = post_json(&gateway, server.url("/api/live/ticket"), &json!({})).await;
    let ticket = ticket["ticket"].as_str().unwrap().to_owned();
    let _ = anonymous
        .get(server.url(&format!("/ws?ticket={ticket}")))
        .send()
        .await
        .unwrap();
    let search = admin
        .get(server.url("/api/patients"))
        .query(&[("search", "Quartermain")])
        .header("x-request-id", "search-request-7")
        .send()
        .await
        .unwrap();
    assert_eq!(search.status(), 200);
    assert_eq!(search.headers()["x-request-id"], "search-request-7");
    let found: Value = search.json().await.unwrap();
    assert_eq!(found["total"], 1);
    let page: Value = get_json(
        &admin,
        server.url("/api/patients"),
        &[("status", "admitted")],
    )
    .await;
    assert_eq!(page["total"], 1);

    let logs = server.stop().await;
    let lines: Vec<Value> = logs
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let of_search: Vec<&Value> = lines
        .iter()
        .filter(|l| l["span"]["request_id"] == "search-request-7")
        .collect();
    assert!(!of_search.is_empty(), "{logs:?}");
    assert!(
        of_search
            .iter()
            .all(|l| l["span"]["path"] == "/api/patients")
    );
    let requests: Vec<&Value> = lines
        .iter()
        .filter(|l| l["span"]["path"].is_string())
        .collect();
    assert!(requests.len() >= 8, "{logs:?}");
    assert!(
        requests.iter().all(|l| l["span"]["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())),
        "every line of a request names it: {logs:?}"
    );
    for secret in [
        ADMIN_PASSWORD,
        "Wrong-Guess-Secret-0815",
        token.as_str(),
        ticket.as_str(),
        "Quartermain",
    ] {
        assert!(
            !logs.iter().any(|l| l.contains(secret)),
            "a log line holds {secret}: {logs:?}"
        );
    }
}

#[tokio::test]
async fn a_backup_under_load_restores_every_acknowledged_round() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("data").join("vitalboard.db");
    let copy = dir.path().join("copy.db");
    let server = Arc::new(Process::start(&database, &[]).await);
    let admin = server.signed_in().await;
    let (_, patient) = ward_and_patient(&server, &admin).await;

    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    // How many rounds were acknowledged so far.
    let (counted, mut count) = tokio::sync::watch::channel(0usize);
    let counted = Arc::new(counted);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (server, admin, acknowledged, counted, stop) = (
                server.clone(),
                admin.clone(),
                acknowledged.clone(),
                counted.clone(),
                stop.clone(),
            );
            tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Some(id) = record(&server, &admin, patient).await {
                        let mut ids = acknowledged.lock().unwrap();
                        ids.insert(id);
                        counted.send_replace(ids.len());
                    }
                }
            })
        })
        .collect();
    count.wait_for(|n| *n >= 20).await.unwrap();
    let before_backup = acknowledged.lock().unwrap().clone();
    let (ok, said) = run(&database, "backup", &copy).await;
    assert!(ok, "{said}");
    assert!(said.contains("backed up"), "{said}");
    let during = acknowledged.lock().unwrap().len();
    count.wait_for(|n| *n >= during + 5).await.unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }

    let (ok, said) = run(&database, "backup", &copy).await;
    assert!(!ok && said.contains("already exists"), "{said}");
    let (ok, said) = run(&database, "restore", &copy).await;
    assert!(!ok, "refused while the server runs: {said}");
    assert!(said.contains("a vitalboard server is running"), "{said}");
    let not_a_database = dir.path().join("notes.txt");
    std::fs::write(&not_a_database, "handover notes").unwrap();

    Arc::into_inner(server).unwrap().stop().await;
    let (ok, said) = run(&database, "restore", &not_a_database).await;
    assert!(!ok && said.contains("is not an SQLite database"), "{said}");
    let (ok, said) = run(&database, "restore", &copy).await;
    assert!(ok, "{said}");
    assert!(said.contains("the database it replaced is"), "{said}");

    let restored = Process::start(&database, &[]).await;
    let admin = restored.signed_in().await;
    let mut stored = BTreeSet::new();
    for page in 1.. {
        let rounds: Value = get_json(
            &admin,
            restored.url("/api/rounds"),
            &[("patient_id", patient), ("per_page", 500), ("page", page)],
        )
        .await;
        let items = rounds["items"].as_array().unwrap();
        stored.extend(items.iter().map(|r| r["id"].as_i64().unwrap()));
        if items.is_empty() {
            break;
        }
    }
    assert!(
        before_backup.is_subset(&stored),
        "missing: {:?}",
        before_backup.difference(&stored).collect::<Vec<_>>()
    );
    assert!(stored.len() < acknowledged.lock().unwrap().len());
    restored.stop().await;
}

/// The PostgreSQL backup the README gives: `pg_dump` while the server runs,
/// `pg_restore` into an empty database, and the server finds everything.
#[tokio::test]
async fn postgres_is_backed_up_with_its_own_tools() {
    let (Some(source), Some(target)) = (TestDb::postgres().await, TestDb::postgres().await) else {
        eprintln!("skipped: needs {}", crate::support::POSTGRES_ENV);
        return;
    };
    let (ok, said) = run_on(&source.url(), "backup", Path::new("copy.db")).await;
    assert!(!ok && said.contains("pg_dump"), "{said}");

    let server = TestServer::start(&source.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward, _) = crate::records::ward_ids(&server, &admin).await;
    let patient = crate::records::admit(&server, &admin, ward, "PG-DUMP-1").await;
    let round =
        crate::records::record(&server, &admin, patient, json!({ "temperature_c": "39.1" })).await;

    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("vitalboard.dump");
    let dumped = tokio::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg(format!("--file={}", dump.display()))
        .arg(source.url())
        .output()
        .await
        .expect("run pg_dump");
    assert!(dumped.status.success(), "{dumped:?}");
    let restored = tokio::process::Command::new("pg_restore")
        .args(["--clean", "--if-exists"])
        .arg(format!("--dbname={}", target.url()))
        .arg(&dump)
        .output()
        .await
        .expect("run pg_restore");
    assert!(restored.status.success(), "{restored:?}");

    let copy = TestServer::start(&target.url()).await;
    let admin = signed_in(&copy, "admin").await;
    let rounds: Value = get_json(&admin, copy.url("/api/rounds"), &[("patient_id", patient)]).await;
    assert_eq!(rounds["items"][0]["id"], round["id"], "{rounds}");
    source.remove().await;
    target.remove().await;
}

/// `deploy/vitalboard.env` starts a server (with the test's database, Redis
/// and address in place of the hospital's) on its `LEPTOS_*` settings
/// alone, and `deploy/vitalboard.service` is a valid systemd unit.
#[tokio::test]
async fn deployment_settings_start_a_server_and_the_unit_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::read_to_string(root.join("deploy/vitalboard.env")).unwrap();
    let mut settings: Vec<(String, String)> = file
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, value) = l.split_once('=').expect("NAME=value");
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let own = [
        (
            "DATABASE_URL",
            format!("sqlite://{}/vitalboard.db", dir.path().display()),
        ),
        (
            "REDIS_URL",
            std::env::var("VITALBOARD_TEST_REDIS").unwrap_or_default(),
        ),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:0".to_owned()),
        (
            "LEPTOS_SITE_ROOT",
            root.join("target/site").display().to_string(),
        ),
        (
            "VITALBOARD_SITE_CONFIG",
            dir.path().join("none.toml").display().to_string(),
        ),
    ];
    for (name, value) in own {
        settings.retain(|(n, _)| n != name);
        settings.push((name.to_owned(), value));
    }
    let env: Vec<(&str, &str)> = settings
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let server = Process::start(&dir.path().join("vitalboard.db"), &env).await;
    let health = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("strict-transport-security"));
    let login = client()
        .post(server.url("/api/auth/login"))
        .json(&json!({ "username": "admin", "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("__Host-vitalboard_session=") && cookie.contains("Secure"),
        "{cookie}"
    );
    assert_eq!(
        scrape(&client(), &server).await.0,
        401,
        "not from the metrics address"
    );
    let logs = server.stop().await;
    assert!(
        logs.iter()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "{logs:?}"
    );

    let Some(analyze) = which("systemd-analyze") else {
        eprintln!("skipped the unit check: no systemd-analyze");
        return;
    };
    let unit = std::fs::read_to_string(root.join("deploy/vitalboard.service"))
        .unwrap()
        .replace(
            "/opt/vitalboard/vitalboard",
            env!("CARGO_BIN_EXE_vitalboard"),
        );
    let checked = dir.path().join("vitalboard.service");
    std::fs::write(&checked, unit).unwrap();
    let verified = tokio::process::Command::new(analyze)
        .arg("verify")
        .arg(&checked)
        .output()
        .await
        .unwrap();
    assert!(
        verified.status.success() && verified.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

/// The path of a program on `PATH`.
fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|folder| folder.join(program))
        .find(|path| path.is_file())
}
