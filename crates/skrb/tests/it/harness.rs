//! Test harness: a fresh database per test (a SQLite file, or a PostgreSQL database
//! created on 127.0.0.1:5432 and dropped afterwards, even when the test fails), the
//! real router, and helpers to call it as a browser or an API client would.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use skrb::auth::{users, Role};
use skrb::config::{Config, FileConfig, Overrides};
use skrb::db::{Db, Pool};
use skrb::web::{router, AppState};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn admin_url() -> String {
    std::env::var("SKRB_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Removes the test's database when the test ends, passed or failed.
pub struct DbGuard {
    backend: Backend,
    name: String,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            Backend::Postgres => {
                let name = self.name.clone();
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        if let Ok(db) = Db::connect(&admin_url()).await {
                            if let Pool::Postgres(p) = db.pool() {
                                let _ = sqlx::query(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .execute(p)
                                .await;
                            }
                            db.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A new, empty, migrated database on the backend; its URL and its guard.
pub async fn fresh_db(backend: Backend) -> (Db, String, DbGuard) {
    skrb::install_words();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("skrb-test-{pid}-{n}.db"));
            let path = path.to_string_lossy().to_string();
            let url = format!("sqlite://{path}");
            let db = Db::connect(&url).await.expect("open sqlite");
            db.migrate().await.expect("migrate sqlite");
            (
                db,
                url,
                DbGuard {
                    backend,
                    name: path,
                },
            )
        }
        Backend::Postgres => {
            let name = format!("skrb_test_{pid}_{n}");
            let admin = Db::connect(&admin_url()).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL must be reachable at {} for the tests: {e:#}",
                    admin_url()
                )
            });
            if let Pool::Postgres(p) = admin.pool() {
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(p)
                    .await
                    .expect("create test database");
            }
            admin.close().await;
            let base = admin_url();
            let url = match base.rsplit_once('/') {
                Some((prefix, _)) => format!("{prefix}/{name}"),
                None => panic!("bad SKRB_TEST_POSTGRES_URL"),
            };
            let guard = DbGuard { backend, name };
            let db = Db::connect(&url).await.expect("connect test database");
            db.migrate().await.expect("migrate postgres");
            (db, url, guard)
        }
    }
}

pub struct TestApp {
    pub db: Db,
    pub url: String,
    pub router: Router,
    // Declared last: dropped after the pool.
    _guard: DbGuard,
}

pub const PASSWORD: &str = "correct horse battery";

/// A response, read whole.
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    /// The value of a cookie set by this response.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.strip_prefix(&format!("{name}="))
                    .map(|r| r.split(';').next().unwrap_or("").to_string())
            })
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        TestApp::with(backend, |_| {}).await
    }

    /// A test app whose clock stands still at `at` (every request's "now").
    pub async fn at(backend: Backend, at: time::OffsetDateTime) -> TestApp {
        let mut app = TestApp::new(backend).await;
        let mut config = Config::resolve(
            Overrides {
                database_url: Some(app.url.clone()),
                ..Default::default()
            },
            FileConfig::default(),
        )
        .expect("config");
        config.log = "warn".into();
        let mut state = AppState::new(app.db.clone(), config);
        state.clock = skrb_kit::clock::Clock::fixed(at);
        app.router = router(state);
        app
    }

    /// A test app with a changed configuration (e.g. served as if over TLS).
    pub async fn with(backend: Backend, change: impl FnOnce(&mut Config)) -> TestApp {
        let (db, url, guard) = fresh_db(backend).await;
        let mut config = Config::resolve(
            Overrides {
                database_url: Some(url.clone()),
                ..Default::default()
            },
            FileConfig::default(),
        )
        .expect("config");
        change(&mut config);
        let router = router(AppState::new(db.clone(), config));
        TestApp {
            db,
            url,
            router,
            _guard: guard,
        }
    }

    /// The same app with reports, dashboards and downloads reading `reports` (a replica).
    pub fn with_reports(mut self, reports: Db) -> TestApp {
        let mut config = Config::resolve(
            Overrides {
                database_url: Some(self.url.clone()),
                ..Default::default()
            },
            FileConfig::default(),
        )
        .expect("config");
        config.log = "warn".into();
        self.router = router(AppState::new(self.db.clone(), config).with_reports(reports));
        self
    }

    /// A centre of a jurisdiction (`SI` pays in euros, `RS` in marks) and its staff: a user
    /// `{name}_{code}` per (name, role) of the centre, signed in; their API tokens in the
    /// order given.
    pub async fn centre<const N: usize>(
        &self,
        code: &str,
        jurisdiction: &str,
        staff: [(&str, Role); N],
    ) -> (i64, [String; N]) {
        let currency = if jurisdiction == "SI" { "EUR" } else { "BAM" };
        self.exec(&format!(
            "INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('{code}', 'CSD {code}', '{jurisdiction}', '{currency}')"
        ))
        .await;
        let id = self
            .num(&format!("SELECT id FROM centre WHERE code = '{code}'"))
            .await;
        let mut tokens = Vec::new();
        for (name, role) in staff {
            let u = format!("{name}_{code}");
            self.user(&u, role).await;
            users::set_centre(&self.db, &u, code).await.expect("centre");
            tokens.push(self.token(&u).await);
        }
        (id, tokens.try_into().expect("a token per user"))
    }

    /// Creates a user with [`PASSWORD`]; returns the id.
    pub async fn user(&self, username: &str, role: Role) -> i64 {
        users::add(
            &self.db,
            username,
            &format!("{username} name"),
            role,
            PASSWORD,
        )
        .await
        .expect("add user")
    }

    /// Runs a statement (test set-up and tampering); returns rows affected.
    pub async fn exec(&self, sql: &str) -> u64 {
        skrb::sql_pool!(&self.db, p => sqlx::query(sql).execute(p).await.unwrap_or_else(|e| panic!("{sql}: {e}")).rows_affected())
    }

    /// A number from the database.
    pub async fn num(&self, sql: &str) -> i64 {
        skrb::sql_pool!(&self.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap_or_else(|e| panic!("{sql}: {e}")))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.db.pool(), Pool::Postgres(_))
    }

    /// Sends a request as if from a client at `ip`.
    pub async fn send_from(&self, ip: &str, mut req: Request<Body>) -> Res {
        let addr: std::net::SocketAddr = format!("{ip}:40000").parse().expect("address");
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(skrb::web::tls::PeerAddr(addr)));
        self.send(req).await
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.expect("router");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        self.api_lang(method, path, token, body, "en").await
    }

    pub async fn api_lang(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        lang: &str,
    ) -> Res {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, lang);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        };
        self.send(req.expect("request")).await
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .api(
                "POST",
                "/api/v1/session",
                None,
                Some(serde_json::json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login of {username}: {}", r.body);
        r.json()["token"].as_str().expect("token").to_string()
    }

    /// Calls a route as the route-matrix tests do: an API route with a bearer token (a
    /// JSON `{}` body when it changes something), a page with the session cookie (or the
    /// pre-session cookie `pre`) and a CSRF-carrying empty form.
    pub async fn call_route(
        &self,
        method: &axum::http::Method,
        path: &str,
        token: Option<&str>,
        pre: &str,
    ) -> Res {
        let api = path.starts_with("/api/");
        let mut b = Request::builder().method(method.clone()).uri(path);
        let unsafe_method = !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD);
        if api {
            if let Some(t) = token {
                b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
            }
            if unsafe_method {
                return self
                    .send(
                        b.header(header::CONTENT_TYPE, "application/json")
                            .body(Body::from("{}"))
                            .expect("request"),
                    )
                    .await;
            }
            return self.send(b.body(Body::empty()).expect("request")).await;
        }
        let cookies = match token {
            Some(t) => format!("skrb_session={t}"),
            None => pre.to_string(),
        };
        b = b.header(header::COOKIE, &cookies);
        if unsafe_method {
            let csrf = csrf_for(&cookies).unwrap_or_default();
            return self
                .send(
                    b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(format!("_csrf={}", enc(&csrf))))
                        .expect("request"),
                )
                .await;
        }
        self.send(b.body(Body::empty()).expect("request")).await
    }

    /// A browser: GET with cookies.
    pub async fn page(&self, path: &str, cookies: &str) -> Res {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// A browser: form POST with cookies, carrying the CSRF token the page would hold.
    pub async fn form(&self, path: &str, cookies: &str, fields: &[(&str, &str)]) -> Res {
        let token = csrf_for(cookies);
        let mut fields = fields.to_vec();
        if let Some(t) = &token {
            fields.push(("_csrf", t.as_str()));
        }
        self.raw_form(path, cookies, &fields).await
    }

    /// A form POST exactly as given (no CSRF token added).
    pub async fn raw_form(&self, path: &str, cookies: &str, fields: &[(&str, &str)]) -> Res {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::COOKIE, cookies)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// A fresh browser's pre-session cookie, as the sign-in page sets it.
    pub async fn pre_cookie(&self) -> String {
        let r = self.page("/login", "").await;
        format!(
            "skrb_pre={}",
            r.cookie("skrb_pre").expect("pre-session cookie")
        )
    }

    /// Signs in through the login form; returns the Cookie header to send.
    pub async fn browser_login(&self, username: &str) -> String {
        let pre = self.pre_cookie().await;
        let r = self
            .form(
                "/login",
                &pre,
                &[
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        format!(
            "skrb_session={}",
            r.cookie("skrb_session").expect("session cookie")
        )
    }
}

/// The CSRF token for a Cookie header: derived from the session, else the pre-session one.
/// The fields an API refusal names (`errors[].field` of the problem document).
pub fn fields(r: &Res) -> Vec<String> {
    r.json()["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub fn csrf_for(cookies: &str) -> Option<String> {
    let get = |name: &str| {
        cookies
            .split(';')
            .map(str::trim)
            .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_string))
    };
    get("skrb_session")
        .map(|s| skrb::auth::sessions::csrf_token(&s))
        .or_else(|| get("skrb_pre"))
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs the `skrb` binary on a database: (succeeded, stdout, stderr).
pub fn run_cli(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skrb"))
        .args(args)
        .env("SKRB_DATABASE_URL", url)
        .env_remove("SKRB_CONFIG")
        .output()
        .expect("run skrb");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Sessions as the server makes them.
pub fn life() -> skrb::auth::sessions::Lifetimes {
    skrb::auth::sessions::Lifetimes {
        idle: time::Duration::minutes(30),
        absolute: time::Duration::hours(12),
    }
}

/// Runs an `async fn(TestApp)` on both backends as two tests.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            use $crate::harness::{Backend, TestApp};
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(TestApp::new(Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(TestApp::new(Backend::Postgres).await).await
            }
        }
    };
}

/// A long journey's named steps: when an assertion fails, the test's output says in
/// which step (`journey "…" failed in step "…"`), so a failure points at a part of the
/// story, not only at a line number.
pub struct Journey {
    name: &'static str,
    step: std::cell::Cell<&'static str>,
}

impl Journey {
    pub fn new(name: &'static str) -> Journey {
        Journey {
            name,
            step: std::cell::Cell::new("setting up"),
        }
    }

    /// Starts the next step.
    pub fn step(&self, name: &'static str) {
        self.step.set(name);
    }
}

impl Drop for Journey {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "journey \"{}\" failed in step \"{}\"",
                self.name,
                self.step.get()
            );
        }
    }
}
