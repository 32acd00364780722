//! Starting the real server on a random port against a fresh database.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;
use vitalboard::accounts::setup::FirstAdmin;
use vitalboard::server::{AppState, Config, config::site_options, prepare, router};

/// Environment variable naming an administrative PostgreSQL URL; when set,
/// every database test also runs against a fresh PostgreSQL database.
pub const POSTGRES_ENV: &str = "VITALBOARD_TEST_POSTGRES";

/// A database made for one test and removed after it.
pub enum TestDb {
    Sqlite(TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub fn sqlite() -> Self {
        TestDb::Sqlite(tempfile::tempdir().expect("temporary folder"))
    }

    /// A fresh PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = std::env::var(POSTGRES_ENV).ok()?;
        let name = format!(
            "vitalboard_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let admin = Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin_url} does not answer: {e}"));
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .expect("drop old test database");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        Some(TestDb::Postgres { admin_url, name })
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => format!("sqlite://{}/vitalboard.db", dir.path().display()),
            TestDb::Postgres { admin_url, name } => {
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(admin_url);
                format!("{base}/{name}")
            }
        }
    }

    /// Removes a PostgreSQL test database (SQLite folders go with the value).
    pub async fn remove(self) {
        if let TestDb::Postgres { admin_url, name } = self {
            let admin = Database::connect(&admin_url)
                .await
                .expect("admin connection");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop test database");
        }
    }
}

/// The server running in this test process.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
}

impl TestServer {
    /// The server on `database_url`, with the demo wards and accounts but
    /// no patients.
    pub async fn start(database_url: &str) -> Self {
        Self::start_with(database_url, |_| {}).await
    }

    /// Like `start`, with the configuration changed by `adjust`.
    pub async fn start_with(database_url: &str, adjust: impl FnOnce(&mut Config)) -> Self {
        let site = concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml");
        let mut config = Config::with_defaults(
            site_options(site).expect("site settings"),
            database_url.to_owned(),
            FirstAdmin::Given {
                username: "admin".into(),
                password: "vitalboard-admin".into(),
            },
        );
        adjust(&mut config);
        let state = prepare(&config).await.expect("server state");
        vitalboard::demo::ensure(&state.db)
            .await
            .expect("demo accounts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let app = router(state.clone(), false);
        tokio::spawn(async move { axum_serve(listener, app).await });
        TestServer { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await.expect("serve");
}

/// A fresh PostgreSQL database and the Redis of `VITALBOARD_TEST_REDIS`,
/// for tests of several servers; `None` (said on stderr) when either is
/// not configured.
pub async fn postgres_and_redis() -> Option<(TestDb, String)> {
    match (
        TestDb::postgres().await,
        std::env::var("VITALBOARD_TEST_REDIS"),
    ) {
        (Some(db), Ok(redis)) => Some((db, redis)),
        _ => {
            eprintln!("skipped: needs VITALBOARD_TEST_POSTGRES and VITALBOARD_TEST_REDIS");
            None
        }
    }
}

/// Two servers sharing the database at `database_url` and the Redis at
/// `redis_url`, each looking for the other's events every `poll`.
pub async fn servers_sharing(
    database_url: &str,
    redis_url: &str,
    poll: std::time::Duration,
) -> (TestServer, TestServer) {
    let start = || {
        TestServer::start_with(database_url, |config| {
            config.redis_url = Some(redis_url.to_owned());
            config.event_poll = poll;
        })
    };
    let one = start().await;
    let two = start().await;
    (one, two)
}

/// Every database the tests should cover on this machine.
pub async fn every_database() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite()];
    dbs.extend(TestDb::postgres().await);
    dbs
}

/// A browser-like client with its own cookie jar, not following redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client sending an API token.
pub fn bearer(token: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .expect("client")
}

/// A client signed in as one of the demo users.
pub async fn signed_in(server: &TestServer, username: &str) -> reqwest::Client {
    let client = client();
    let password = format!("vitalboard-{username}");
    let response = client
        .post(server.url("/api/auth/login"))
        .form(&[("username", username), ("password", password.as_str())])
        .send()
        .await
        .expect("login request");
    assert_eq!(
        response.status(),
        200,
        "demo user {username} should sign in"
    );
    client
}

/// GETs the page at `url` and reads its HTML.
pub async fn get_page(client: &reqwest::Client, url: String) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("page request")
        .text()
        .await
        .expect("page body")
}

/// No query string, for `get_json`.
pub const NO_QUERY: &[(&str, &str)] = &[];

/// GETs `url` with the query pairs and reads the JSON answer.
pub async fn get_json<Q, T>(client: &reqwest::Client, url: String, query: &Q) -> T
where
    Q: serde::Serialize + ?Sized,
    T: serde::de::DeserializeOwned,
{
    read_json(client.get(url).query(query)).await
}

/// POSTs `body` as JSON to `url` and reads the JSON answer.
pub async fn post_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: String,
    body: &serde_json::Value,
) -> T {
    read_json(client.post(url).json(body)).await
}

async fn read_json<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON answer")
}

/// The caller signed in as `username`.
pub async fn caller(
    db: &sea_orm::DatabaseConnection,
    username: &str,
) -> vitalboard::accounts::Caller {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use vitalboard::accounts::entity::user;
    let id = user::Entity::find()
        .filter(user::Column::UsernameKey.eq(username))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    vitalboard::accounts::users::session_user(db, id)
        .await
        .unwrap()
        .unwrap()
        .caller
}
