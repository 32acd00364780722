//! Trust as an outside client sees it: rights that follow the account on
//! an open socket, requests from other sites refused, redirects that stay
//! on this site, security headers, bounded batches and one-use tickets.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::live::{PATIENCE, Socket};
use crate::records::{admit, gateway_token, record, ward_ids};
use crate::support::{
    NO_QUERY, TestDb, TestServer, client, every_database, get_json, post_json, postgres_and_redis,
    servers_sharing, signed_in,
};

/// The close code of a socket whose access ended.
const ACCESS_ENDED: u16 = 4001;

async fn user_id(server: &TestServer, admin: &reqwest::Client, username: &str) -> i64 {
    let users: Vec<Value> = get_json(admin, server.url("/api/users"), NO_QUERY).await;
    users.iter().find(|u| u["username"] == username).unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn post_ok(client: &reqwest::Client, url: String, body: Value) -> Value {
    let response = client.post(url).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    response.json().await.unwrap()
}

/// Sends `retrieve` of the patient until the answer has `status`: what a
/// client sees once the server has looked its rights up again.
async fn until_status(socket: &mut Socket, stream: &str, payload: Value, status: u16) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let reply = socket.request(stream, payload.clone()).await;
        if reply["status"] == status {
            return reply;
        }
        assert!(Instant::now() < deadline, "still {reply}");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_revoked_token_closes_its_open_socket_and_is_refused_over_rest() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let (ward_a, _) = ward_ids(&server, &admin).await;
        let patient = admit(&server, &admin, ward_a, "REV-1").await;
        let created: Value = post_ok(
            &admin,
            server.url("/api/tokens/create"),
            json!({ "name": "Gateway", "role": "clinician", "ward_ids": [ward_a] }),
        )
        .await;
        let token = created["token"].as_str().unwrap();
        let mut socket = Socket::with_token(&server, token).await;
        let reply = socket
            .request(
                "rounds",
                json!({ "action": "record", "patient_id": patient, "round": { "pulse_per_min": 90 } }),
            )
            .await;
        assert_eq!(reply["status"], 200, "{reply}");

        post_ok(
            &admin,
            server.url("/api/tokens/revoke"),
            json!({ "id": created["details"]["id"] }),
        )
        .await;
        let (code, reason) = socket.closed().await;
        assert_eq!(code, ACCESS_ENDED);
        assert!(reason.contains("sign in again"), "{reason}");
        let refused = reqwest::Client::new()
            .get(server.url("/api/wards"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(
            Socket::open(
                &server,
                "",
                &[("authorization", &format!("Bearer {token}"))]
            )
            .await
            .err(),
            Some(401)
        );
        db.remove().await;
    }
}

#[tokio::test]
async fn deactivation_sign_out_and_a_new_password_close_the_users_sockets() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let nurse_id = user_id(&server, &admin, "nurse").await;

    // Deactivated by an administrator.
    let nurse = signed_in(&server, "nurse").await;
    let mut socket = Socket::for_user(&server, &nurse).await;
    socket.subscribe("patients", json!({})).await;
    post_ok(
        &admin,
        server.url("/api/users/set-active"),
        json!({ "id": nurse_id, "active": false }),
    )
    .await;
    assert_eq!(socket.closed().await.0, ACCESS_ENDED);
    let page = nurse.get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 303, "the REST door is closed too");
    post_ok(
        &admin,
        server.url("/api/users/set-active"),
        json!({ "id": nurse_id, "active": true }),
    )
    .await;

    // Signed out in the browser the socket belongs to; another device of
    // the same user keeps its socket.
    let nurse = signed_in(&server, "nurse").await;
    let other_device = signed_in(&server, "nurse").await;
    let mut socket = Socket::for_user(&server, &nurse).await;
    let mut other = Socket::for_user(&server, &other_device).await;
    post_ok(&nurse, server.url("/api/auth/logout"), json!({})).await;
    assert_eq!(socket.closed().await.0, ACCESS_ENDED);
    let reply = other.request("patients", json!({ "action": "list" })).await;
    assert_eq!(reply["status"], 200, "the other session goes on: {reply}");

    // A password reset by an administrator ends every session.
    post_ok(
        &admin,
        server.url("/api/users/reset-password"),
        json!({ "id": nurse_id, "password": "a-new-password-2026" }),
    )
    .await;
    assert_eq!(other.closed().await.0, ACCESS_ENDED);
}

#[tokio::test]
async fn ward_and_role_changes_narrow_an_open_socket() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let (ward_a, ward_b) = ward_ids(&server, &admin).await;
        let patient = admit(&server, &admin, ward_a, "NARROW-1").await;
        let nurse_id = user_id(&server, &admin, "nurse").await;
        let nurse = signed_in(&server, "nurse").await;
        let mut socket = Socket::for_user(&server, &nurse).await;
        socket
            .subscribe("rounds", json!({ "patient_id": patient }))
            .await;

        // Clinician → observer: writing is refused from then on.
        post_ok(
            &admin,
            server.url("/api/users/update"),
            json!({ "id": nurse_id, "display_name": "Nurse Linh Pham", "role": "observer", "ward_ids": [ward_a] }),
        )
        .await;
        let correct = json!({ "action": "correct", "id": i32::MAX, "reason": "probe", "round": { "pulse_per_min": 88 } });
        until_status(&mut socket, "rounds", correct, 403).await;

        // Ward A → ward B: the patient is out of sight, and its pushes stop.
        post_ok(
            &admin,
            server.url("/api/users/update"),
            json!({ "id": nurse_id, "display_name": "Nurse Linh Pham", "role": "clinician", "ward_ids": [ward_b] }),
        )
        .await;
        let retrieve = json!({ "action": "list", "patient_id": patient });
        until_status(&mut socket, "rounds", retrieve, 404).await;
        record(&server, &admin, patient, json!({ "pulse_per_min": 91 })).await;
        let other = admit(&server, &admin, ward_b, "NARROW-2").await;
        socket
            .subscribe("rounds", json!({ "patient_id": other }))
            .await;
        let marker = record(&server, &admin, other, json!({ "pulse_per_min": 77 })).await;
        let pushed = socket.event().await;
        assert_eq!(
            pushed["data"]["id"], marker["id"],
            "the first push is of the patient still in sight, not of ward A: {pushed}"
        );
        db.remove().await;
    }
}

#[tokio::test]
async fn a_revocation_on_one_server_closes_the_socket_on_another() {
    let Some((db, redis_url)) = postgres_and_redis().await else {
        return;
    };
    let (one, two) = servers_sharing(&db.url(), &redis_url, Duration::from_secs(3600)).await;
    let admin = signed_in(&one, "admin").await;
    let (ward_a, _) = ward_ids(&one, &admin).await;
    let created: Value = post_ok(
        &admin,
        one.url("/api/tokens/create"),
        json!({ "name": "Gateway", "role": "clinician", "ward_ids": [ward_a] }),
    )
    .await;
    let mut on_two = Socket::with_token(&two, created["token"].as_str().unwrap()).await;
    let nurse_id = user_id(&one, &admin, "nurse").await;
    let nurse_on_two = signed_in(&two, "nurse").await;
    let mut nurse_socket = Socket::for_user(&two, &nurse_on_two).await;

    post_ok(
        &admin,
        one.url("/api/tokens/revoke"),
        json!({ "id": created["details"]["id"] }),
    )
    .await;
    assert_eq!(on_two.closed().await.0, ACCESS_ENDED);
    post_ok(
        &admin,
        one.url("/api/users/set-active"),
        json!({ "id": nurse_id, "active": false }),
    )
    .await;
    assert_eq!(nurse_socket.closed().await.0, ACCESS_ENDED);
    db.remove().await;
}

#[tokio::test]
async fn cookie_posts_from_another_origin_are_refused() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let own = format!("http://{}", server.addr);
    let other_port = "http://127.0.0.1:8080";
    let create = |origin: Option<&str>, referer: Option<&str>, name: &str| {
        let mut request = admin
            .post(server.url("/api/wards/create"))
            .json(&json!({ "name": name }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        request.send()
    };
    let refused = create(Some(other_port), None, "Forged ward").await.unwrap();
    assert_eq!(refused.status(), 403);
    let message: Value = refused.json().await.unwrap();
    assert!(
        message["details"]
            .as_str()
            .unwrap()
            .contains("another site"),
        "{message}"
    );
    let refused = create(None, Some("http://127.0.0.1:8080/form"), "Forged ward")
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "Referer when Origin is absent");
    assert_eq!(
        create(Some(&own), None, "Ward C").await.unwrap().status(),
        200,
        "this site's own page"
    );
    let wards: Vec<Value> = get_json(&admin, server.url("/api/wards"), NO_QUERY).await;
    assert!(
        !wards.iter().any(|w| w["name"] == "Forged ward"),
        "nothing stored: {wards:?}"
    );

    let (ward_a, _) = ward_ids(&server, &admin).await;
    let token = gateway_token(&server, &admin, ward_a).await;
    let bearer = reqwest::Client::new()
        .post(server.url("/api/patients/create"))
        .bearer_auth(&token)
        .header("origin", other_port)
        .json(&json!({ "patient": {
            "first_name": "Ada", "last_name": "Lovelace", "hospital_number": "BEARER-1",
            "ward_id": ward_a.to_string(), "sex": "female", "birth_date": "1990-06-03",
            "admitted_at": "2026-01-10T08:00", "monitoring_interval_hours": "4"
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        bearer.status(),
        200,
        "bearer calls carry no ambient credential"
    );

    let forced = client()
        .post(server.url("/api/auth/login"))
        .header("origin", other_port)
        .form(&[("username", "admin"), ("password", "vitalboard-admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(forced.status(), 403, "sign-in cannot be forced either");
}

#[tokio::test]
async fn after_sign_in_only_paths_of_this_site_are_followed() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    for (next, expected) in [
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/javascript:alert(1)", "/"),
        ("/patients?status=admitted", "/patients?status=admitted"),
    ] {
        let response = client()
            .post(server.url("/api/auth/login"))
            .header("accept", "text/html")
            .form(&[
                ("username", "nurse"),
                ("password", "vitalboard-nurse"),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(
            response.headers()["location"].to_str().unwrap(),
            expected,
            "{next:?}"
        );
    }
}

#[tokio::test]
async fn pages_answers_and_files_carry_the_security_headers() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let nurse = signed_in(&server, "nurse").await;

    let page = nurse.get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let policy = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page's policy names a nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the policy's nonce"
    );
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(headers[name], value, "{name} on a page");
    }
    let second = nurse.get(server.url("/")).send().await.unwrap();
    assert_ne!(
        second.headers()["content-security-policy"],
        headers["content-security-policy"],
        "a fresh nonce per page"
    );

    let answer = nurse.get(server.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(answer.headers()["cache-control"], "no-store");
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    assert!(
        answer.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );

    let file = nurse.get(server.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert!(
        !file.headers().contains_key("cache-control"),
        "files keep their caching"
    );
}

#[tokio::test]
async fn a_batch_larger_than_the_limit_is_refused_and_stores_nothing() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "BATCH-1").await;
    let rounds: Vec<Value> = (0..501).map(|_| json!({ "pulse_per_min": 80 })).collect();
    let response = admin
        .post(server.url("/api/rounds/record-batch"))
        .json(&json!({ "patient_id": patient, "rounds": rounds }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["details"][0]["field"], "rounds", "{body}");
    let message = body["details"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("at most 500") && message.contains("501"),
        "{message}"
    );
    let listed: Value = get_json(
        &admin,
        server.url("/api/rounds"),
        &[("patient_id", patient.to_string())],
    )
    .await;
    assert_eq!(listed["total"], 0);

    let rounds: Vec<Value> = (0..500).map(|_| json!({ "pulse_per_min": 80 })).collect();
    let stored: Vec<Value> = post_json(
        &admin,
        server.url("/api/rounds/record-batch"),
        &json!({ "patient_id": patient, "rounds": rounds }),
    )
    .await;
    assert_eq!(stored.len(), 500, "the limit itself is allowed");

    let admitted: Value = get_json(&admin, server.url("/api/patients/admitted"), NO_QUERY).await;
    assert_eq!(admitted["per_page"], 500, "{admitted}");
    assert_eq!(admitted["items"].as_array().unwrap().len(), 1);
    let too_many = admin
        .get(server.url("/api/patients/admitted"))
        .query(&[("per_page", "501")])
        .send()
        .await
        .unwrap();
    assert_eq!(too_many.status(), 422, "every list has a largest page");
}

#[tokio::test]
async fn of_two_handshakes_with_one_ticket_exactly_one_opens() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let nurse = signed_in(&server, "nurse").await;
        for _ in 0..5 {
            let ticket: Value = post_json(&nurse, server.url("/api/live/ticket"), &json!({})).await;
            let query = format!("?ticket={}", ticket["ticket"].as_str().unwrap());
            let (first, second) = tokio::join!(
                Socket::open(&server, &query, &[]),
                Socket::open(&server, &query, &[])
            );
            let opened = usize::from(first.is_ok()) + usize::from(second.is_ok());
            assert_eq!(opened, 1, "{:?} {:?}", first.err(), second.err());
        }
        db.remove().await;
    }
}

#[tokio::test]
async fn an_idle_server_reads_the_event_log_once_per_poll() {
    let db = TestDb::sqlite();
    let poll = Duration::from_millis(50);
    let server = TestServer::start_with(&db.url(), |config| config.event_poll = poll).await;
    let bus = &server.state.live.bus;
    let started = Instant::now();
    let before = bus.reads() - bus.commit_reads();
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Commits of the other tests' servers in this process wake it too.
    let reads = bus.reads() - bus.commit_reads() - before;
    let polls = started.elapsed().as_millis() / poll.as_millis();
    assert!(
        u128::from(reads) <= polls + 2,
        "{reads} reads of the event log not woken by a commit in {} ms of idling with a {} ms poll",
        started.elapsed().as_millis(),
        poll.as_millis()
    );
}

async fn sign_in_from(server: &TestServer, address: &str, password: &str) -> u16 {
    client()
        .post(server.url("/api/auth/login"))
        .header("x-forwarded-for", address)
        .form(&[("username", "nurse"), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn parallel_guesses_check_at_most_five_passwords_and_lock_only_their_address() {
    for db in every_database().await {
        let server = TestServer::start_with(&db.url(), |config| {
            config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        })
        .await;
        let attacker = "203.0.113.5";
        let guesses = (0..200).map(|i| {
            let server = &server;
            async move { sign_in_from(server, attacker, &format!("guess-number-{i}")).await }
        });
        let answers = futures::future::join_all(guesses).await;
        let checked = answers.iter().filter(|s| **s == 401).count();
        let throttled = answers.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + throttled, 200, "{answers:?}");
        assert!(checked <= 5, "{checked} passwords were checked");
        assert_eq!(
            sign_in_from(&server, attacker, "vitalboard-nurse").await,
            429,
            "the guessing address stays locked"
        );
        assert_eq!(
            sign_in_from(&server, "198.51.100.7", "vitalboard-nurse").await,
            200,
            "the nurse on her own machine signs in"
        );
        db.remove().await;
    }
}

#[tokio::test]
async fn administration_is_kept_with_who_and_when() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let created: Value = post_ok(
        &admin,
        server.url("/api/users/create"),
        json!({ "username": "hoa", "display_name": "Nurse Hoa", "role": "clinician",
                "ward_ids": [ward_a], "password": "a-long-password-1" }),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    post_ok(
        &admin,
        server.url("/api/users/update"),
        json!({ "id": id, "display_name": "Nurse Hoa", "role": "observer", "ward_ids": [ward_a] }),
    )
    .await;
    post_ok(
        &admin,
        server.url("/api/users/set-active"),
        json!({ "id": id, "active": false }),
    )
    .await;
    let token: Value = post_ok(
        &admin,
        server.url("/api/tokens/create"),
        json!({ "name": "Monitor gateway", "role": "clinician", "all_wards": true }),
    )
    .await;
    post_ok(
        &admin,
        server.url("/api/tokens/revoke"),
        json!({ "id": token["details"]["id"] }),
    )
    .await;

    let log: Value = get_json(&admin, server.url("/api/audit"), NO_QUERY).await;
    let entries: Vec<(String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["actor"], "Administrator (admin)", "{e}");
            assert!(e["at"].is_string(), "{e}");
            (
                e["action"].as_str().unwrap().to_owned(),
                e["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("token_revoked", "Monitor gateway"),
        ("token_created", "Monitor gateway"),
        ("user_deactivated", "hoa"),
        ("user_changed", "hoa"),
        ("user_created", "hoa"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, s)| ((*a).to_owned(), (*s).to_owned()))
        .collect();
    assert_eq!(entries, expected, "newest first");
    assert_eq!(log["items"][3]["details"], "Observer; Dengue ward A");
    assert_eq!(log["items"][1]["details"], "Clinician; all wards");

    let nurse = signed_in(&server, "nurse").await;
    let refused = nurse.get(server.url("/api/audit")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn a_retried_write_returns_the_first_answer_and_stores_nothing_twice() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let (ward_a, _) = ward_ids(&server, &admin).await;
        let patient = admit(&server, &admin, ward_a, "RETRY-1").await;
        let token = gateway_token(&server, &admin, ward_a).await;
        let gateway = reqwest::Client::new();
        let send = |key: &'static str, pulse: i64| {
            gateway
                .post(server.url("/api/rounds/record"))
                .bearer_auth(&token)
                .header("idempotency-key", key)
                .json(&json!({ "patient_id": patient, "round": { "pulse_per_min": pulse } }))
                .send()
        };
        let first = send("round-0001", 92).await.unwrap();
        assert_eq!(first.status(), 200);
        let first: Value = first.json().await.unwrap();
        let again = send("round-0001", 92).await.unwrap();
        assert_eq!(again.status(), 200);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again, first, "the first answer, again");
        let reused = send("round-0001", 120).await.unwrap();
        assert_eq!(reused.status(), 422, "a key names one request");
        let bad = send("two words", 92).await.unwrap();
        assert_eq!(bad.status(), 422);

        let mut socket = Socket::with_token(&server, &token).await;
        let create = json!({ "action": "record", "request_id": "bedside-7",
                             "patient_id": patient, "round": { "pulse_per_min": 95 } });
        let one = socket.request_as_is("rounds", create.clone()).await;
        let two = socket.request_as_is("rounds", create).await;
        assert_eq!(one["status"], 200, "{one}");
        assert_eq!(
            one, two,
            "a socket answers a repeated request_id from memory"
        );

        let listed: Value = get_json(
            &admin,
            server.url("/api/rounds"),
            &[("patient_id", patient.to_string())],
        )
        .await;
        assert_eq!(listed["total"], 2, "one round by REST, one by socket");
        db.remove().await;
    }
}

/// A Redis server of this test's own, on a port of its own, that the test
/// stops and starts again.
struct OwnRedis {
    port: u16,
    child: tokio::process::Child,
}

impl OwnRedis {
    async fn start(port: u16) -> Option<Self> {
        let child = tokio::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .ok()?;
        let deadline = Instant::now() + PATIENCE;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Some(Self { port, child })
    }

    async fn stop(mut self) -> u16 {
        self.child.kill().await.expect("stop redis-server");
        self.port
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn pushes_go_on_while_redis_is_down_and_fan_out_resumes_when_it_returns() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("skipped: needs VITALBOARD_TEST_POSTGRES");
        return;
    };
    let Some(redis) = OwnRedis::start(free_port()).await else {
        eprintln!("skipped: needs redis-server");
        return;
    };
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let (one, two) = servers_sharing(&db.url(), &url, Duration::from_millis(500)).await;
    let admin = signed_in(&one, "admin").await;
    let (ward_a, _) = ward_ids(&one, &admin).await;
    let patient = admit(&one, &admin, ward_a, "REDIS-1").await;
    let admin_two = signed_in(&two, "admin").await;
    let mut here = Socket::for_user(&one, &admin).await;
    let mut there = Socket::for_user(&two, &admin_two).await;
    for socket in [&mut here, &mut there] {
        socket
            .subscribe("rounds", json!({ "patient_id": patient }))
            .await;
    }
    let mut recorded = Vec::new();
    let round = async |pulse: i64, here: &mut Socket, there: &mut Socket| {
        let id =
            record(&one, &admin, patient, json!({ "pulse_per_min": pulse })).await["id"].clone();
        assert_eq!(
            here.event().await["data"]["id"],
            id,
            "on the writing server"
        );
        assert_eq!(there.event().await["data"]["id"], id, "on the other server");
        id
    };
    recorded.push(round(80, &mut here, &mut there).await);

    let port = redis.stop().await;
    for pulse in 81..84 {
        recorded.push(round(pulse, &mut here, &mut there).await);
    }

    let _redis = OwnRedis::start(port).await.expect("redis-server again");
    let woken = two.state.live.bus.remote_wakes();
    let deadline = Instant::now() + 3 * PATIENCE;
    let mut pulse = 84;
    while two.state.live.bus.remote_wakes() == woken {
        assert!(
            Instant::now() < deadline,
            "fan-out through Redis never resumed"
        );
        recorded.push(round(pulse, &mut here, &mut there).await);
        pulse += 1;
    }
    assert!(recorded.len() >= 5, "every round arrived on both servers");
    db.remove().await;
}

#[tokio::test]
async fn the_api_answers_only_its_methods_and_reads_gets_from_the_query() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let cases = [
        ("/api/wards", "TRACE", "GET, HEAD"),
        ("/api/wards", "PUT", "GET, HEAD"),
        ("/api/wards", "DELETE", "GET, HEAD"),
        ("/api/wards", "PATCH", "GET, HEAD"),
        ("/api/wards", "POST", "GET, HEAD"),
        ("/api/wards/create", "GET", "POST"),
        ("/api/wards/create", "OPTIONS", "POST"),
        ("/api/openapi.json", "PUT", "GET, HEAD"),
    ];
    for (path, method, allow) in cases {
        let response = admin
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                server.url(path),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
    }
    let listed = admin
        .get(server.url("/api/wards"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.status(),
        200,
        "a GET with a JSON content type and no body"
    );
}
