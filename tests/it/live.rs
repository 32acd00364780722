//! The live socket as an outside client sees it: pushes reach exactly the
//! sockets allowed to see them, actions mirror their REST twins, missed
//! events are replayed, and bad frames never break the connection.

use std::collections::VecDeque;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::records::{admit, gateway_token, record, ward_ids};
use crate::support::{
    TestDb, TestServer, every_database, post_json, postgres_and_redis, servers_sharing, signed_in,
};

/// Long enough for anything that will arrive; only reached when a test fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pushed: VecDeque<Value>,
    next_id: u64,
}

impl Socket {
    /// Opens `/ws` with extra headers; the handshake's error status on refusal.
    pub async fn open(
        server: &TestServer,
        query: &str,
        headers: &[(&str, &str)],
    ) -> Result<Socket, u16> {
        let mut request = format!("ws://{}/ws{query}", server.addr)
            .into_client_request()
            .unwrap();
        for (name, value) in headers {
            request.headers_mut().insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        match connect_async(request).await {
            Ok((ws, _)) => {
                let mut socket = Socket {
                    ws,
                    pushed: VecDeque::new(),
                    next_id: 1,
                };
                let welcome = socket.frame().await;
                assert_eq!(welcome["type"], "welcome", "{welcome}");
                assert!(welcome["seq"].as_i64().is_some(), "{welcome}");
                Ok(socket)
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(response.status().as_u16())
            }
            Err(e) => panic!("handshake failed: {e}"),
        }
    }

    /// A socket opened with a bearer token.
    pub async fn with_token(server: &TestServer, token: &str) -> Socket {
        let bearer = format!("Bearer {token}");
        Socket::open(server, "", &[("authorization", &bearer)])
            .await
            .expect("socket opens")
    }

    /// A socket of a signed-in browser user, opened with a ticket.
    pub async fn for_user(server: &TestServer, client: &reqwest::Client) -> Socket {
        let ticket: Value = post_json(client, server.url("/api/live/ticket"), &json!({})).await;
        let query = format!("?ticket={}", ticket["ticket"].as_str().unwrap());
        Socket::open(server, &query, &[])
            .await
            .expect("socket opens")
    }

    async fn frame(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a frame in time")
                .expect("socket open")
                .expect("readable frame");
            if let Message::Text(text) = message {
                return serde_json::from_str(&text).expect("JSON frame");
            }
        }
    }

    pub async fn send_text(&mut self, text: String) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    /// The next reply, keeping pushes that arrive before it.
    pub async fn reply(&mut self) -> Value {
        loop {
            let frame = self.frame().await;
            if frame["type"] == "reply" {
                return frame;
            }
            self.pushed.push_back(frame);
        }
    }

    /// Sends an action and returns its reply.
    pub async fn request(&mut self, stream: &str, mut payload: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        payload["request_id"] = json!(id);
        let text = json!({ "stream": stream, "payload": payload }).to_string();
        self.send_text(text).await;
        let reply = self.reply().await;
        assert_eq!(reply["request_id"], json!(id), "{reply}");
        reply
    }

    /// Sends an action with the `request_id` it already has; its reply.
    pub async fn request_as_is(&mut self, stream: &str, payload: Value) -> Value {
        let id = payload["request_id"].clone();
        let text = json!({ "stream": stream, "payload": payload }).to_string();
        self.send_text(text).await;
        let reply = self.reply().await;
        assert_eq!(reply["request_id"], id, "{reply}");
        reply
    }

    /// Subscribes and checks it was accepted.
    pub async fn subscribe(&mut self, stream: &str, payload: Value) -> Value {
        let mut payload = payload;
        payload["action"] = json!("subscribe");
        let reply = self.request(stream, payload).await;
        assert_eq!(reply["status"], 200, "{reply}");
        reply
    }

    /// The next pushed event.
    pub async fn event(&mut self) -> Value {
        match self.pushed.pop_front() {
            Some(frame) => frame,
            None => self.frame().await,
        }
    }

    /// Waits for the server to close the socket; its close code and reason.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the socket closes in time");
            match message {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                    panic!("the socket ended without a close frame")
                }
                Some(Ok(_)) => {}
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

fn round_id(event: &Value) -> i64 {
    event["data"]["id"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn a_round_reaches_every_subscriber_of_its_patient_and_no_one_else() {
    for db in every_database().await {
        pushes_follow_ward_rights(&db).await;
        db.remove().await;
    }
}

async fn pushes_follow_ward_rights(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let nurse = signed_in(&server, "nurse").await;
    let (ward_a, ward_b) = ward_ids(&server, &admin).await;
    let on_a = admit(&server, &admin, ward_a, "LIVE-A").await;
    let on_b = admit(&server, &admin, ward_b, "LIVE-B").await;
    let token_b = gateway_token(&server, &admin, ward_b).await;

    let mut nurse_on_a = Socket::for_user(&server, &nurse).await;
    nurse_on_a
        .subscribe("rounds", json!({ "patient_id": on_a }))
        .await;
    let mut nurse_everything = Socket::for_user(&server, &nurse).await;
    nurse_everything.subscribe("rounds", json!({})).await;
    let mut ward_b_everything = Socket::with_token(&server, &token_b).await;
    ward_b_everything.subscribe("rounds", json!({})).await;
    let mut admin_on_b = Socket::for_user(&server, &admin).await;
    admin_on_b
        .subscribe("rounds", json!({ "patient_id": on_b }))
        .await;

    let refused = ward_b_everything
        .request(
            "rounds",
            json!({ "action": "subscribe", "patient_id": on_a }),
        )
        .await;
    assert_eq!(
        refused["status"], 404,
        "another ward's patient is missing: {refused}"
    );

    let first = record(&server, &nurse, on_a, json!({ "temperature_c": "38.4" })).await;
    let second = record(&server, &admin, on_b, json!({ "pulse_per_min": "101" })).await;

    for socket in [&mut nurse_on_a, &mut nurse_everything] {
        let event = socket.event().await;
        assert_eq!(event["type"], "event");
        assert_eq!(event["stream"], "rounds");
        assert_eq!(event["action"], "create");
        assert_eq!(event["patient_id"], json!(on_a));
        assert_eq!(round_id(&event), first["id"].as_i64().unwrap());
        assert_eq!(event["data"]["temperature_c"], json!(38.4));
    }
    for socket in [&mut ward_b_everything, &mut admin_on_b] {
        let event = socket.event().await;
        assert_eq!(
            round_id(&event),
            second["id"].as_i64().unwrap(),
            "the first push to a ward B socket is ward B's round, not ward A's"
        );
    }
    let nurse_next = record(&server, &nurse, on_a, json!({ "pulse_per_min": "90" })).await;
    assert_eq!(
        round_id(&nurse_everything.event().await),
        nurse_next["id"].as_i64().unwrap(),
        "the nurse never receives ward B's round"
    );
}

#[tokio::test]
async fn socket_actions_answer_like_their_rest_twins() {
    for db in every_database().await {
        actions_mirror_rest(&db).await;
        db.remove().await;
    }
}

async fn rest(
    client: &reqwest::Client,
    server: &TestServer,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let url = server.url(path);
    let request = if method == "GET" {
        let query: Vec<(String, String)> = body
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect();
        client.get(url).query(&query)
    } else {
        client.post(url).json(body)
    };
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn actions_mirror_rest(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let nurse = signed_in(&server, "nurse").await;
    let consultant = signed_in(&server, "consultant").await;
    let (ward_a, ward_b) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "TWIN-1").await;
    let elsewhere = admit(&server, &admin, ward_b, "TWIN-2").await;
    let round = record(&server, &nurse, patient, json!({ "temperature_c": "37.9" })).await;
    let round_id = round["id"].as_i64().unwrap();

    let cases: Vec<(&reqwest::Client, &str, &str, &str, &str, Value)> = vec![
        (
            &nurse,
            "patients",
            "get",
            "GET",
            "/api/patients/get",
            json!({ "id": patient }),
        ),
        (
            &nurse,
            "patients",
            "get",
            "GET",
            "/api/patients/get",
            json!({ "id": elsewhere }),
        ),
        (
            &nurse,
            "patients",
            "list",
            "GET",
            "/api/patients",
            json!({ "search": "TWIN" }),
        ),
        (
            &nurse,
            "patients",
            "list",
            "GET",
            "/api/patients",
            json!({ "per_page": 0 }),
        ),
        (
            &consultant,
            "patients",
            "create",
            "POST",
            "/api/patients/create",
            json!({ "patient": { "first_name": "A" } }),
        ),
        (
            &nurse,
            "patients",
            "create",
            "POST",
            "/api/patients/create",
            json!({ "patient": { "first_name": "", "last_name": "B", "hospital_number": "TWIN-3", "ward_id": ward_a.to_string(), "sex": "male", "admitted_at": "2026-01-10T08:00", "monitoring_interval_hours": "0" } }),
        ),
        (
            &nurse,
            "patients",
            "discharge",
            "POST",
            "/api/patients/discharge",
            json!({ "id": patient, "discharged_at": "2020-01-01T00:00" }),
        ),
        (
            &nurse,
            "patients",
            "delete",
            "POST",
            "/api/patients/delete",
            json!({ "id": patient, "reason": "duplicate record" }),
        ),
        (
            &nurse,
            "rounds",
            "get",
            "GET",
            "/api/rounds/get",
            json!({ "id": round_id }),
        ),
        (
            &nurse,
            "rounds",
            "list",
            "GET",
            "/api/rounds",
            json!({ "patient_id": patient }),
        ),
        (
            &nurse,
            "rounds",
            "list",
            "GET",
            "/api/rounds",
            json!({ "patient_id": patient, "from": "yesterday" }),
        ),
        (
            &nurse,
            "rounds",
            "record",
            "POST",
            "/api/rounds/record",
            json!({ "patient_id": patient, "round": { "temperature_c": "51", "pulse_per_min": "fast" } }),
        ),
        (
            &consultant,
            "rounds",
            "record",
            "POST",
            "/api/rounds/record",
            json!({ "patient_id": patient, "round": { "temperature_c": "38" } }),
        ),
        (
            &nurse,
            "rounds",
            "record",
            "POST",
            "/api/rounds/record",
            json!({ "patient_id": elsewhere, "round": { "temperature_c": "38" } }),
        ),
        (
            &nurse,
            "rounds",
            "correct",
            "POST",
            "/api/rounds/correct",
            json!({ "id": round_id, "reason": "", "round": { "temperature_c": "38" } }),
        ),
        (
            &nurse,
            "rounds",
            "delete",
            "POST",
            "/api/rounds/delete",
            json!({ "id": round_id, "reason": "typed twice" }),
        ),
    ];
    let mut sockets = Vec::new();
    for client in [&nurse, &consultant] {
        sockets.push(Socket::for_user(&server, client).await);
    }
    for (client, stream, action, method, path, body) in cases {
        let twin = match action {
            "list" => format!("/api/{stream}"),
            _ => format!("/api/{stream}/{action}"),
        };
        assert_eq!(path, twin, "one name per operation on both doors");
        let (status, expected) = rest(client, &server, method, path, &body).await;
        let socket = if std::ptr::eq(client, &nurse) {
            &mut sockets[0]
        } else {
            &mut sockets[1]
        };
        let mut payload = body.clone();
        payload["action"] = json!(action);
        let reply = socket.request(stream, payload).await;
        assert_eq!(
            reply["status"],
            json!(status),
            "{stream} {action} {body}: {reply}"
        );
        let answer = if status == 200 {
            &reply["data"]
        } else {
            &reply["errors"]
        };
        assert_eq!(answer, &expected, "{stream} {action} {body}");
        if status != 200 {
            assert!(
                reply["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{reply}"
            );
        }
    }

    let created = sockets[0]
        .request("rounds", json!({ "action": "record", "patient_id": patient, "round": { "temperature_c": 38.2, "warning_signs": ["lethargy"] } }))
        .await;
    assert_eq!(created["status"], 200, "{created}");
    let (status, stored) = rest(
        &nurse,
        &server,
        "GET",
        "/api/rounds/get",
        &json!({ "id": created["data"]["id"] }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        stored, created["data"],
        "a round created over the socket is the one REST reads"
    );
}

#[tokio::test]
async fn a_resumed_subscription_replays_exactly_what_was_missed() {
    for db in every_database().await {
        resume_after_drop(&db).await;
        db.remove().await;
    }
}

async fn resume_after_drop(db: &TestDb) {
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "RESUME-1").await;
    let other = admit(&server, &admin, ward_a, "RESUME-2").await;

    let mut socket = Socket::for_user(&server, &admin).await;
    socket
        .subscribe("rounds", json!({ "patient_id": patient }))
        .await;
    record(&server, &admin, patient, json!({ "pulse_per_min": "80" })).await;
    let seen = socket.event().await["seq"].as_i64().unwrap();
    socket.close().await;

    let mut missed = Vec::new();
    for pulse in ["81", "82", "83"] {
        missed.push(
            record(&server, &admin, patient, json!({ "pulse_per_min": pulse })).await["id"]
                .as_i64()
                .unwrap(),
        );
        record(&server, &admin, other, json!({ "pulse_per_min": pulse })).await;
    }

    let mut socket = Socket::for_user(&server, &admin).await;
    let reply = socket
        .subscribe("rounds", json!({ "patient_id": patient, "since": seen }))
        .await;
    assert_eq!(reply["data"]["replayed"], 3, "{reply}");
    let mut replayed = Vec::new();
    let mut last = seen;
    for _ in 0..3 {
        let event = socket.event().await;
        assert!(event["seq"].as_i64().unwrap() > last, "in order: {event}");
        last = event["seq"].as_i64().unwrap();
        replayed.push(round_id(&event));
    }
    assert_eq!(
        replayed, missed,
        "exactly the missed rounds of this patient, in order"
    );

    let live = record(&server, &admin, patient, json!({ "pulse_per_min": "84" })).await;
    let event = socket.event().await;
    assert_eq!(
        round_id(&event),
        live["id"].as_i64().unwrap(),
        "no duplicate before the live one"
    );

    let too_old = socket
        .request(
            "rounds",
            json!({ "action": "subscribe", "patient_id": patient, "since": -5 }),
        )
        .await;
    assert_eq!(too_old["status"], 422, "{too_old}");
}

#[tokio::test]
async fn bad_frames_get_errors_and_the_socket_stays_usable() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let mut socket = Socket::for_user(&server, &admin).await;

    socket.send_text("this is not JSON".into()).await;
    let reply = socket.reply().await;
    assert_eq!(reply["status"], 400, "{reply}");
    assert!(
        reply["message"].as_str().unwrap().contains("not a request"),
        "{reply}"
    );

    socket
        .send_text(format!(
            "{{\"stream\":\"patients\",\"payload\":{{\"action\":\"list\",\"search\":\"{}\"}}}}",
            "x".repeat(70_000)
        ))
        .await;
    let reply = socket.reply().await;
    assert_eq!(reply["status"], 400, "{reply}");
    assert!(
        reply["message"].as_str().unwrap().contains("64 KiB"),
        "{reply}"
    );

    let reply = socket
        .request("patients", json!({ "action": "explode" }))
        .await;
    assert_eq!(reply["status"], 422, "{reply}");
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .contains("must be one of list, get, create"),
        "{reply}"
    );

    let reply = socket.request("wards", json!({ "action": "list" })).await;
    assert_eq!(reply["status"], 422, "{reply}");
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .contains("patients, rounds, notifications, presence"),
        "{reply}"
    );

    let reply = socket
        .request("rounds", json!({ "action": "list", "patient_id": "seven" }))
        .await;
    assert_eq!(reply["status"], 400, "{reply}");

    socket
        .ws
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(socket.reply().await["status"], 400);

    let reply = socket
        .request("patients", json!({ "action": "list" }))
        .await;
    assert_eq!(reply["status"], 200, "still usable: {reply}");
    assert_eq!(reply["data"]["total"], 0);
}

#[tokio::test]
async fn handshakes_need_a_caller_and_this_site_as_origin() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let token = gateway_token(&server, &admin, ward_a).await;

    assert_eq!(
        Socket::open(&server, "", &[]).await.err(),
        Some(401),
        "anonymous"
    );
    assert_eq!(
        Socket::open(&server, "?ticket=made-up", &[]).await.err(),
        Some(401),
        "unknown ticket"
    );
    let bearer = format!("Bearer {token}");
    assert_eq!(
        Socket::open(
            &server,
            "",
            &[
                ("authorization", &bearer),
                ("origin", "https://evil.example")
            ]
        )
        .await
        .err(),
        Some(403),
        "cross-site page"
    );
    let own_origin = format!("http://{}", server.addr);
    assert!(
        Socket::open(
            &server,
            "",
            &[("authorization", &bearer), ("origin", &own_origin)]
        )
        .await
        .is_ok()
    );

    let ticket: Value = post_json(&admin, server.url("/api/live/ticket"), &json!({})).await;
    let query = format!("?ticket={}", ticket["ticket"].as_str().unwrap());
    assert!(Socket::open(&server, &query, &[]).await.is_ok());
    assert_eq!(
        Socket::open(&server, &query, &[]).await.err(),
        Some(401),
        "a ticket opens one socket"
    );
}

#[tokio::test]
async fn presence_shows_who_else_views_a_patient() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let nurse = signed_in(&server, "nurse").await;
    let (ward_a, _) = ward_ids(&server, &admin).await;
    let patient = admit(&server, &admin, ward_a, "SEEN-1").await;

    let mut first = Socket::for_user(&server, &nurse).await;
    first
        .subscribe("presence", json!({ "patient_id": patient }))
        .await;
    assert_eq!(first.event().await["viewers"], json!(["Nurse Linh Pham"]));
    let mut second = Socket::for_user(&server, &admin).await;
    second
        .subscribe("presence", json!({ "patient_id": patient }))
        .await;
    assert_eq!(
        first.event().await["viewers"],
        json!(["Administrator", "Nurse Linh Pham"])
    );
    second.close().await;
    assert_eq!(first.event().await["viewers"], json!(["Nurse Linh Pham"]));
}

#[tokio::test]
async fn two_servers_sharing_a_database_and_redis_deliver_each_others_events() {
    let Some((db, redis_url)) = postgres_and_redis().await else {
        return;
    };
    let (one, two) = servers_sharing(&db.url(), &redis_url, Duration::from_secs(3600)).await;
    let admin_one = signed_in(&one, "admin").await;
    let admin_two = signed_in(&two, "admin").await;
    let (ward_a, _) = ward_ids(&one, &admin_one).await;
    let patient = admit(&one, &admin_one, ward_a, "TWO-1").await;

    let mut on_two = Socket::for_user(&two, &admin_two).await;
    on_two
        .subscribe("rounds", json!({ "patient_id": patient }))
        .await;
    let mut on_one = Socket::for_user(&one, &admin_one).await;
    on_one
        .subscribe("rounds", json!({ "patient_id": patient }))
        .await;

    let recorded = record(
        &one,
        &admin_one,
        patient,
        json!({ "temperature_c": "39.1" }),
    )
    .await;
    let there = on_two.event().await;
    let here = on_one.event().await;
    assert_eq!(
        round_id(&there),
        recorded["id"].as_i64().unwrap(),
        "announced through Redis"
    );
    assert_eq!(there["seq"], here["seq"], "one sequence across servers");
    db.remove().await;
}
