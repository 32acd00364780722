//! Sign-in, sessions, lock-out, deactivation, API tokens and every role's
//! rights, as an outside client.

use serde_json::{Value, json};

use crate::support::{
    NO_QUERY, TestDb, TestServer, client, every_database, get_json, post_json, signed_in,
};

async fn me(client: &reqwest::Client, server: &TestServer) -> Value {
    get_json(client, server.url("/api/auth/me"), NO_QUERY).await
}

async fn login_status(
    client: &reqwest::Client,
    server: &TestServer,
    user: &str,
    password: &str,
) -> (u16, Value) {
    let response = client
        .post(server.url("/api/auth/login"))
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn user_count(server: &TestServer, admin: &reqwest::Client) -> usize {
    let users: Vec<Value> = get_json(admin, server.url("/api/users"), NO_QUERY).await;
    users.len()
}

#[tokio::test]
async fn login_logout_and_wrong_password() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let client = client();
        assert_eq!(me(&client, &server).await, Value::Null);

        let (status, body) = login_status(&client, &server, "nurse", "wrong password").await;
        assert_eq!(status, 401);
        let wrong_password = body["details"].clone();
        let (status, body) = login_status(&client, &server, "nobody", "wrong password").await;
        assert_eq!(status, 401);
        assert_eq!(
            body["details"], wrong_password,
            "same message for unknown user and wrong password"
        );
        assert_eq!(wrong_password, "Wrong username or password.");

        let (status, body) = login_status(&client, &server, "NURSE", "vitalboard-nurse").await;
        assert_eq!(status, 200, "usernames are case-insensitive: {body}");
        assert_eq!(body["role"], "clinician");
        assert_eq!(me(&client, &server).await["username"], "nurse");

        let out = client
            .post(server.url("/api/auth/logout"))
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 200);
        assert_eq!(me(&client, &server).await, Value::Null);
        let page = client.get(server.url("/admin")).send().await.unwrap();
        assert_eq!(page.status(), 303);
        db.remove().await;
    }
}

#[tokio::test]
async fn session_id_changes_at_login() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let anonymous = reqwest::Client::new()
        .get(server.url("/login"))
        .send()
        .await
        .unwrap();
    assert!(
        anonymous.headers().get("set-cookie").is_none(),
        "no session before sign-in"
    );
    let response = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .header("cookie", "vitalboard_session=planted-by-an-attacker")
        .form(&[("username", "nurse"), ("password", "vitalboard-nurse")])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("vitalboard_session="));
    assert!(!cookie.contains("planted-by-an-attacker"));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
}

#[tokio::test]
async fn five_failures_lock_the_username() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let client = client();
        for _ in 0..5 {
            let (status, _) =
                login_status(&client, &server, "consultant", "not the password").await;
            assert_eq!(status, 401);
        }
        let (status, body) =
            login_status(&client, &server, "consultant", "vitalboard-consultant").await;
        assert_eq!(
            status, 429,
            "the right password is refused while locked: {body}"
        );
        assert!(
            body["details"]
                .as_str()
                .unwrap()
                .contains("try again in 15 minutes"),
            "{body}"
        );
        let (status, _) = login_status(&client, &server, "nurse", "vitalboard-nurse").await;
        assert_eq!(status, 200, "other usernames are not locked");
        db.remove().await;
    }
}

#[tokio::test]
async fn session_survives_a_restart_on_the_same_database() {
    for db in every_database().await {
        let first = TestServer::start(&db.url()).await;
        let nurse = signed_in(&first, "nurse").await;
        assert_eq!(me(&nurse, &first).await["username"], "nurse");
        let second = TestServer::start(&db.url()).await;
        assert_eq!(me(&nurse, &second).await["username"], "nurse");
        db.remove().await;
    }
}

#[tokio::test]
async fn deactivation_ends_a_live_session() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let nurse = signed_in(&server, "nurse").await;
        let nurse_id = me(&nurse, &server).await["id"].as_i64().unwrap();
        let wards = nurse.get(server.url("/api/wards")).send().await.unwrap();
        assert_eq!(wards.status(), 200);

        let response = admin
            .post(server.url("/api/users/set-active"))
            .json(&json!({ "id": nurse_id, "active": false }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);

        assert_eq!(me(&nurse, &server).await, Value::Null);
        let wards = nurse.get(server.url("/api/wards")).send().await.unwrap();
        assert_eq!(wards.status(), 401);
        let (status, body) = login_status(&client(), &server, "nurse", "vitalboard-nurse").await;
        assert_eq!(status, 403, "{body}");
        assert!(body["details"].as_str().unwrap().contains("deactivated"));
        db.remove().await;
    }
}

#[tokio::test]
async fn bearer_tokens_work_until_revoked() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let wards: Vec<Value> = get_json(&admin, server.url("/api/wards"), NO_QUERY).await;
        let ward_a = wards.iter().find(|w| w["name"] == "Dengue ward A").unwrap()["id"].clone();

        let created: Value = post_json(
            &admin,
            server.url("/api/tokens/create"),
            &json!({ "name": "Bedside gateway", "role": "clinician", "ward_ids": [ward_a] }),
        )
        .await;
        let token = created["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("vb_") && token.len() == 67, "{created}");

        let gateway = reqwest::Client::new();
        let seen: Vec<Value> = gateway
            .get(server.url("/api/wards"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(seen.len(), 1, "the token sees only its ward");
        assert_eq!(seen[0]["id"], ward_a);

        let listed: Vec<Value> = get_json(&admin, server.url("/api/tokens"), NO_QUERY).await;
        assert!(
            listed[0]["last_used_at"].is_string(),
            "last use is recorded"
        );
        assert!(
            !listed[0].to_string().contains(&token[10..]),
            "the secret is never listed"
        );

        let id = created["details"]["id"].clone();
        let revoked = admin
            .post(server.url("/api/tokens/revoke"))
            .json(&json!({ "id": id }))
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 200);
        let refused = gateway
            .get(server.url("/api/wards"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        let forged = gateway
            .get(server.url("/api/wards"))
            .bearer_auth("vb_0000")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 401);
        db.remove().await;
    }
}

/// Who asks, for the rights table.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Observer,
    Clinician,
    Admin,
    ObserverToken,
    AdminToken,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Observer,
    Who::Clinician,
    Who::Admin,
    Who::ObserverToken,
    Who::AdminToken,
];

/// A JSON object's members as query pairs (numbers as they are written).
fn query_pairs(body: &Value) -> Vec<(String, String)> {
    body.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

/// Expected status of each caller, in the order of `EVERYONE`.
struct Right {
    method: &'static str,
    path: &'static str,
    body: fn(&Ids) -> Value,
    expect: [u16; 6],
}

struct Ids {
    ward: i64,
    nurse: i64,
    token: i64,
    patient: i64,
    round: i64,
}

const ADMIN_ONLY: [u16; 6] = [401, 403, 403, 200, 403, 200];
const SIGNED_IN: [u16; 6] = [401, 200, 200, 200, 200, 200];
const ANYONE: [u16; 6] = [200; 6];
/// Signed-in people, not API tokens.
const USERS_ONLY: [u16; 6] = [401, 200, 200, 200, 403, 403];
/// Writers get as far as validation (the bodies are invalid, so nothing changes).
const WRITERS: [u16; 6] = [401, 403, 422, 422, 403, 422];
/// Everyone signed in gets as far as validation.
const EVERY_CALLER_VALIDATES: [u16; 6] = [401, 422, 422, 422, 422, 422];
const ADMIN_WRITES: [u16; 6] = [401, 403, 403, 422, 403, 422];

/// Whether expected answers fit an access the document names: who is
/// refused for not being signed in (401) and who for their role (403); an
/// endpoint open to anyone answers everyone alike.
fn agrees(access: &str, expect: [u16; 6]) -> bool {
    let [
        anonymous,
        observer,
        clinician,
        admin,
        observer_token,
        admin_token,
    ] = expect;
    match access {
        "anyone" => expect.iter().all(|status| *status == anonymous),
        "signed-in" => anonymous == 401 && observer != 403 && observer_token != 403,
        "people" => {
            anonymous == 401 && observer != 403 && observer_token == 403 && admin_token == 403
        }
        "clinicians" => anonymous == 401 && observer == 403 && clinician != 403 && admin != 403,
        "admins" => anonymous == 401 && clinician == 403 && admin != 403 && admin_token != 403,
        _ => false,
    }
}

/// Every server function that exists, with each caller's expected answer.
/// Later features add their rows here.
const RIGHTS: &[Right] = &[
    Right {
        method: "GET",
        path: "/api/reference",
        body: |_| json!({}),
        expect: ANYONE,
    },
    Right {
        method: "GET",
        path: "/api/audit",
        body: |_| json!({}),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "GET",
        path: "/api/rounds/charts",
        body: |ids| json!({ "patient_id": ids.patient, "span": "course" }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/patients/admitted",
        body: |_| json!({}),
        expect: SIGNED_IN,
    },
    Right {
        method: "POST",
        path: "/api/rounds/phase",
        body: |ids| json!({ "patient_id": ids.patient, "phase": "septic", "reason": "looks unwell" }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/rounds/phase/clear",
        body: |ids| json!({ "patient_id": ids.patient, "reason": "" }),
        expect: WRITERS,
    },
    Right {
        method: "GET",
        path: "/api/notifications",
        body: |_| json!({}),
        expect: USERS_ONLY,
    },
    Right {
        method: "POST",
        path: "/api/notifications/read",
        body: |_| json!({}),
        expect: [401, 422, 422, 422, 403, 403],
    },
    Right {
        method: "GET",
        path: "/api/notifications/preferences",
        body: |_| json!({}),
        expect: USERS_ONLY,
    },
    Right {
        method: "POST",
        path: "/api/notifications/preferences/save",
        body: |_| json!({ "enabled": ["gossip"] }),
        expect: [401, 422, 422, 422, 403, 403],
    },
    Right {
        method: "GET",
        path: "/api/settings/display",
        body: |_| json!({}),
        expect: ANYONE,
    },
    Right {
        method: "POST",
        path: "/api/settings/display/save",
        body: |_| json!({ "display": { "temperature_unit": "K", "clock": "24" } }),
        expect: [401, 422, 422, 422, 403, 403],
    },
    Right {
        method: "POST",
        path: "/api/live/ticket",
        body: |_| json!({}),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/system/status",
        body: |_| json!({}),
        expect: ANYONE,
    },
    Right {
        method: "GET",
        path: "/api/auth/me",
        body: |_| json!({}),
        expect: ANYONE,
    },
    Right {
        method: "POST",
        path: "/api/auth/logout",
        body: |_| json!({}),
        expect: ANYONE,
    },
    Right {
        method: "POST",
        path: "/api/auth/login",
        body: |_| json!({ "username": "nurse", "password": "wrong password" }),
        expect: [401; 6],
    },
    Right {
        method: "POST",
        path: "/api/auth/password",
        body: |_| json!({ "current_password": "not it at all", "new_password": "something long enough" }),
        expect: [401, 422, 422, 422, 403, 403],
    },
    Right {
        method: "GET",
        path: "/api/wards",
        body: |_| json!({}),
        expect: SIGNED_IN,
    },
    Right {
        method: "POST",
        path: "/api/wards/create",
        body: |_| json!({ "name": "" }),
        expect: [401, 403, 403, 422, 403, 422],
    },
    Right {
        method: "POST",
        path: "/api/wards/rename",
        body: |ids| json!({ "id": ids.ward, "name": "Dengue ward A" }),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "GET",
        path: "/api/users",
        body: |_| json!({}),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "POST",
        path: "/api/users/create",
        body: |_| json!({ "username": "", "display_name": "", "role": "observer", "password": "" }),
        expect: [401, 403, 403, 422, 403, 422],
    },
    Right {
        method: "POST",
        path: "/api/users/update",
        body: |ids| json!({ "id": ids.nurse, "display_name": "Nurse Linh Pham", "role": "clinician", "ward_ids": [ids.ward] }),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "POST",
        path: "/api/users/set-active",
        body: |ids| json!({ "id": ids.nurse, "active": true }),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "POST",
        path: "/api/users/reset-password",
        body: |ids| json!({ "id": ids.nurse, "password": "short" }),
        expect: [401, 403, 403, 422, 403, 422],
    },
    Right {
        method: "GET",
        path: "/api/tokens",
        body: |_| json!({}),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "POST",
        path: "/api/tokens/create",
        body: |_| json!({ "name": "", "role": "observer", "all_wards": true }),
        expect: [401, 403, 403, 422, 403, 422],
    },
    Right {
        method: "POST",
        path: "/api/tokens/revoke",
        body: |ids| json!({ "id": ids.token }),
        expect: ADMIN_ONLY,
    },
    Right {
        method: "GET",
        path: "/api/patients",
        body: |_| json!({ "status": "all" }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/patients/get",
        body: |ids| json!({ "id": ids.patient }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/patients/history",
        body: |ids| json!({ "id": ids.patient }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/patients/advice",
        body: |ids| json!({ "patient_id": ids.patient }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/wards/handover",
        body: |ids| json!({ "ward_id": ids.ward }),
        expect: SIGNED_IN,
    },
    Right {
        method: "POST",
        path: "/api/patients/advice/give",
        body: |ids| json!({ "patient_id": ids.patient, "advice": " " }),
        expect: EVERY_CALLER_VALIDATES,
    },
    Right {
        method: "POST",
        path: "/api/alerts/acknowledge",
        body: |_| json!({ "alert_id": 1, "response": "" }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/patients/create",
        body: |_| json!({ "patient": { "first_name": "", "last_name": "X", "hospital_number": "H-9" } }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/patients/update",
        body: |ids| json!({ "id": ids.patient, "patient": { "first_name": "", "last_name": "X", "hospital_number": "H-9" } }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/patients/discharge",
        body: |ids| json!({ "id": ids.patient, "discharged_at": "2000-01-01T00:00" }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/patients/delete",
        body: |ids| json!({ "id": ids.patient, "reason": "" }),
        expect: ADMIN_WRITES,
    },
    Right {
        method: "GET",
        path: "/api/rounds",
        body: |ids| json!({ "patient_id": ids.patient }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/rounds/get",
        body: |ids| json!({ "id": ids.round }),
        expect: SIGNED_IN,
    },
    Right {
        method: "GET",
        path: "/api/rounds/status",
        body: |ids| json!({ "patient_id": ids.patient }),
        expect: SIGNED_IN,
    },
    Right {
        method: "POST",
        path: "/api/rounds/record",
        body: |ids| json!({ "patient_id": ids.patient, "round": { "temperature_c": 99 } }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/rounds/record-batch",
        body: |ids| json!({ "patient_id": ids.patient, "rounds": [{ "pulse_per_min": 1 }] }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/rounds/correct",
        body: |ids| json!({ "id": ids.round, "reason": "", "round": { "pulse_per_min": 90 } }),
        expect: WRITERS,
    },
    Right {
        method: "POST",
        path: "/api/rounds/delete",
        body: |ids| json!({ "id": ids.round, "reason": "" }),
        expect: ADMIN_WRITES,
    },
];

#[tokio::test]
async fn each_role_gets_exactly_its_rights_on_every_server_function() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let admin = signed_in(&server, "admin").await;
    let nurse = signed_in(&server, "nurse").await;
    let consultant = signed_in(&server, "consultant").await;
    let make_token = |role: &'static str| {
        let admin = admin.clone();
        let url = server.url("/api/tokens/create");
        async move {
            let created: Value = admin
                .post(url)
                .json(&json!({ "name": format!("{role} token"), "role": role, "all_wards": true }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (
                created["token"].as_str().unwrap().to_owned(),
                created["details"]["id"].as_i64().unwrap(),
            )
        }
    };
    let (observer_token, _) = make_token("observer").await;
    let (admin_token, _) = make_token("admin").await;
    let (_, spare_token) = make_token("clinician").await;
    let wards: Vec<Value> = get_json(&admin, server.url("/api/wards"), NO_QUERY).await;
    let ward = wards.iter().find(|w| w["name"] == "Dengue ward A").unwrap()["id"]
        .as_i64()
        .unwrap();
    let patient = crate::records::admit(&server, &admin, ward, "H-RIGHTS").await;
    let round =
        crate::records::record(&server, &admin, patient, json!({ "pulse_per_min": 90 })).await;
    let ids = Ids {
        ward,
        nurse: me(&nurse, &server).await["id"].as_i64().unwrap(),
        token: spare_token,
        patient,
        round: round["id"].as_i64().unwrap(),
    };

    // The document the server publishes names every operation and who may
    // call it; RIGHTS must cover exactly those, and agree with each access.
    let doc: Value = get_json(&client(), server.url("/api/openapi.json"), NO_QUERY).await;
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if path.starts_with("/api/") {
                let access = operation["x-access"].as_str().unwrap().to_owned();
                documented.push((method.to_uppercase(), path.clone(), access));
            }
        }
    }
    let tested: Vec<(String, String)> = RIGHTS
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    for (method, path, access) in &documented {
        let right = RIGHTS
            .iter()
            .find(|r| r.method == method && r.path == path)
            .unwrap_or_else(|| panic!("RIGHTS lacks {method} {path}"));
        assert!(
            agrees(access, right.expect),
            "{method} {path}: the document says {access}, RIGHTS expects {:?}",
            right.expect
        );
    }
    assert_eq!(
        documented.len(),
        tested.len(),
        "RIGHTS has a row for an operation the document does not name: {tested:?}"
    );

    let mut wrong = Vec::new();
    for right in RIGHTS {
        for (who, expected) in EVERYONE.iter().zip(right.expect) {
            // Logging out or in must not disturb the sessions of the next rows.
            let caller = match who {
                Who::Anonymous => client(),
                Who::Observer => {
                    if right.path.starts_with("/api/auth/log") {
                        signed_in(&server, "consultant").await
                    } else {
                        consultant.clone()
                    }
                }
                Who::Clinician => {
                    if right.path.starts_with("/api/auth/log") {
                        signed_in(&server, "nurse").await
                    } else {
                        nurse.clone()
                    }
                }
                Who::Admin => {
                    if right.path.starts_with("/api/auth/log") {
                        signed_in(&server, "admin").await
                    } else {
                        admin.clone()
                    }
                }
                Who::ObserverToken | Who::AdminToken => client(),
            };
            let request = match right.method {
                "GET" => caller
                    .get(server.url(right.path))
                    .query(&query_pairs(&(right.body)(&ids))),
                _ => caller
                    .post(server.url(right.path))
                    .json(&(right.body)(&ids)),
            };
            let request = match who {
                Who::ObserverToken => request.bearer_auth(&observer_token),
                Who::AdminToken => request.bearer_auth(&admin_token),
                _ => request,
            };
            let status = request.send().await.unwrap().status().as_u16();
            if status != expected {
                wrong.push(format!(
                    "{} {} as {who:?}: {status}, expected {expected}",
                    right.method, right.path
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "rights differ:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let admin = signed_in(&server, "admin").await;
        let before = user_count(&server, &admin).await;
        let long = "a".repeat(10_000);
        let cases = [
            (
                json!({ "username": "", "display_name": "", "role": "clinician", "all_wards": true, "password": "" }),
                vec!["username", "display_name", "password"],
            ),
            (
                json!({ "username": long, "display_name": "Long", "role": "clinician", "all_wards": true, "password": "long enough pw" }),
                vec!["username"],
            ),
            (
                json!({ "username": "Nguyễn", "display_name": "Nguyễn", "role": "clinician", "all_wards": true, "password": "long enough pw" }),
                vec!["username"],
            ),
            (
                json!({ "username": "x'; DROP TABLE users;--", "display_name": "Robert", "role": "clinician", "all_wards": true, "password": "long enough pw" }),
                vec!["username"],
            ),
            (
                json!({ "username": "nurse2", "display_name": "Nurse", "role": "clinician", "ward_ids": [], "password": "long enough pw" }),
                vec!["ward_ids"],
            ),
            (
                json!({ "username": "nurse3", "display_name": "Nurse", "role": "clinician", "ward_ids": [9999], "password": "long enough pw" }),
                vec!["ward_ids"],
            ),
        ];
        for (body, fields) in cases {
            let response = admin
                .post(server.url("/api/users/create"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 422, "{body}");
            let answer: Value = response.json().await.unwrap();
            let named: Vec<&str> = answer["details"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["field"].as_str().unwrap())
                .collect();
            assert_eq!(named, fields, "{answer}");
        }

        let bad_role = admin
            .post(server.url("/api/users/create"))
            .json(&json!({ "username": "x", "display_name": "X", "role": "superuser", "all_wards": true, "password": "long enough pw" }))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_role.status(), 400);
        let malformed = admin
            .post(server.url("/api/users/create"))
            .header("content-type", "application/json")
            .body("{\"username\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), 400);
        assert!(malformed.text().await.unwrap().contains("not valid JSON"));
        let huge = admin
            .post(server.url("/api/users/create"))
            .header("content-type", "application/json")
            .body(format!("{{\"username\":\"{}\"}}", "a".repeat(1024 * 1024)))
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status(), 413);

        let html_name = admin
            .post(server.url("/api/users/create"))
            .json(&json!({ "username": "html.user", "display_name": "<script>alert(1)</script>", "role": "observer", "all_wards": true, "password": "long enough pw" }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            html_name.status(),
            200,
            "any text is a valid name; pages escape it"
        );
        let page = crate::support::get_page(&admin, server.url("/admin")).await;
        assert!(!page.contains("<script>alert(1)</script>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

        let duplicate = admin
            .post(server.url("/api/users/create"))
            .json(&json!({ "username": "HTML.User", "display_name": "Twin", "role": "observer", "all_wards": true, "password": "long enough pw" }))
            .send()
            .await
            .unwrap();
        assert_eq!(duplicate.status(), 409);
        assert_eq!(user_count(&server, &admin).await, before + 1);
        db.remove().await;
    }
}

#[tokio::test]
async fn observers_are_refused_the_administration_page() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let consultant = signed_in(&server, "consultant").await;
    let page = consultant.get(server.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 403);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("for administrators only")
    );
    let admin = signed_in(&server, "admin").await;
    let page = admin.get(server.url("/admin")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Dr. Ravi Kumar"),
        "administrators see the users"
    );
    assert!(
        !html.contains("$argon2"),
        "password hashes never reach a page"
    );
}

#[tokio::test]
async fn passwords_are_changed_by_their_owner_and_reset_by_an_administrator() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let nurse = signed_in(&server, "nurse").await;
    let change = |current: &str, new: &str| {
        nurse
            .post(server.url("/api/auth/password"))
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    let wrong = change("not my password", "a brand new password")
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("current_password"));
    let short = change("vitalboard-nurse", "short").await.unwrap();
    assert_eq!(short.status(), 422);
    let done = change("vitalboard-nurse", "a brand new password")
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let (status, _) = login_status(&client(), &server, "nurse", "vitalboard-nurse").await;
    assert_eq!(status, 401, "the old password no longer works");
    let (status, _) = login_status(&client(), &server, "nurse", "a brand new password").await;
    assert_eq!(status, 200);

    let admin = signed_in(&server, "admin").await;
    let nurse_id = me(&nurse, &server).await["id"].clone();
    let reset = admin
        .post(server.url("/api/users/reset-password"))
        .json(&json!({ "id": nurse_id, "password": "reset by the admin" }))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(
        me(&nurse, &server).await,
        Value::Null,
        "a reset ends the user's sessions"
    );
    let (status, _) = login_status(&client(), &server, "nurse", "reset by the admin").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_first_administrator_gets_a_generated_password_once() {
    let db = TestDb::sqlite();
    // The port is taken, so the server stops right after preparing the database.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_vitalboard"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db.url())
        .env("LEPTOS_SITE_ADDR", taken.local_addr().unwrap().to_string())
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    let log = String::from_utf8_lossy(&output.stdout);
    let password = log
        .split("one-time password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no generated password in: {log}"))
        .to_owned();
    assert!(password.len() >= 16);
    let server = TestServer::start(&db.url()).await;
    let (status, body) = login_status(&client(), &server, "admin", &password).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "admin");
}
