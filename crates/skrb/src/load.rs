//! `skrb load`: concurrent signed-in users driving a running Skrb over loopback with a
//! realistic mix (search, open a person, edit a person, my work and a case file), for a bounded time; reports
//! throughput, latency percentiles and errors.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

use crate::bench::percentiles;

pub struct Options {
    pub addr: String,
    pub username: String,
    pub password: String,
    pub users: usize,
    pub seconds: u64,
}

/// One keep-alive connection, with the cookies a browser would keep.
struct Client {
    sender: http1::SendRequest<Full<Bytes>>,
    host: String,
    cookies: Vec<(String, String)>,
}

struct Answer {
    status: StatusCode,
    body: Bytes,
}

impl Client {
    async fn connect(addr: &str) -> anyhow::Result<Client> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .with_context(|| format!("cannot connect to {addr}"))?;
        stream.set_nodelay(true)?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Client {
            sender,
            host: addr.to_string(),
            cookies: Vec::new(),
        })
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        extra: &[(&str, String)],
        body: Vec<u8>,
    ) -> anyhow::Result<Answer> {
        self.sender.ready().await?;
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host)
            .header(header::ACCEPT_LANGUAGE, "sl");
        if !self.cookies.is_empty() {
            b = b.header(header::COOKIE, self.cookie_header());
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        for (k, v) in extra {
            b = b.header(*k, v);
        }
        let res = self
            .sender
            .send_request(b.body(Full::new(Bytes::from(body)))?)
            .await?;
        let status = res.status();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let Some((name, rest)) = v.split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or("").to_string();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                self.cookies.push((name.to_string(), value));
            }
        }
        let body = res.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }

    async fn get(&mut self, path: &str) -> anyhow::Result<Answer> {
        self.send(Method::GET, path, None, &[], Vec::new()).await
    }
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

/// Signs in through the login form, as a browser does.
async fn sign_in(addr: &str, user: &str, password: &str) -> anyhow::Result<Client> {
    let mut c = Client::connect(addr).await?;
    c.get("/login").await?;
    let pre = c
        .cookies
        .iter()
        .find(|(k, _)| k == "skrb_pre")
        .map(|(_, v)| v.clone())
        .context("no pre-session cookie")?;
    let r = c
        .send(
            Method::POST,
            "/login",
            Some("application/x-www-form-urlencoded"),
            &[],
            form(&[
                ("username", user),
                ("password", password),
                ("_csrf", &pre),
                ("next", "/"),
            ]),
        )
        .await?;
    anyhow::ensure!(
        r.status == StatusCode::SEE_OTHER,
        "sign-in of {user} refused: {}",
        r.status
    );
    anyhow::ensure!(
        c.cookies.iter().any(|(k, _)| k == "skrb_session"),
        "no session cookie"
    );
    Ok(c)
}

/// An API bearer token for the JSON part of the mix (editing).
async fn api_token(c: &mut Client, user: &str, password: &str) -> anyhow::Result<String> {
    let body = serde_json::json!({"username": user, "password": password}).to_string();
    let r = c
        .send(
            Method::POST,
            "/api/v1/session",
            Some("application/json"),
            &[],
            body.into_bytes(),
        )
        .await?;
    anyhow::ensure!(r.status.is_success(), "API sign-in refused: {}", r.status);
    let v: serde_json::Value = serde_json::from_slice(&r.body)?;
    Ok(v["token"].as_str().context("token")?.to_string())
}

/// Record ids linked from a page (`href="/persons/123"` for the prefix `/persons/`).
fn links(html: &[u8], prefix: &str) -> Vec<i64> {
    let s = String::from_utf8_lossy(html);
    s.split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

const PREFIXES: &[&str] = &[
    "nov", "hor", "kova", "kraj", "zup", "poto", "mlak", "kos", "vid", "gol", "tur", "kral",
    "petr", "jova", "niko", "mark", "ana", "maja", "luka", "marko", "jan", "eva", "ivan", "peter",
    "dord",
];

#[derive(Default)]
struct Tally {
    search: Vec<Duration>,
    view: Vec<Duration>,
    edit: Vec<Duration>,
    case: Vec<Duration>,
    errors: u64,
    conflicts: u64,
    first_error: Option<String>,
}

async fn user_loop(
    opts: Arc<Options>,
    n: usize,
    deadline: Instant,
    tally: Arc<Mutex<Tally>>,
) -> anyhow::Result<()> {
    let mut c = sign_in(&opts.addr, &opts.username, &opts.password).await?;
    let token = api_token(&mut c, &opts.username, &opts.password).await?;
    let auth = format!("Bearer {token}");
    let mut rng = StdRng::seed_from_u64(n as u64);
    let mut ids: Vec<i64> = Vec::new();
    let mut local = Tally::default();
    let record_error = |local: &mut Tally, what: String| {
        local.errors += 1;
        if local.first_error.is_none() {
            local.first_error = Some(what);
        }
    };
    while Instant::now() < deadline {
        let roll = rng.gen_range(0..100);
        let t = Instant::now();
        if (45..55).contains(&roll) {
            // Case work: "my work", then one of its files.
            let r = c.get("/work").await?;
            if r.status != StatusCode::OK {
                record_error(&mut local, format!("my work: {}", r.status));
            }
            let files = links(&r.body, "/cases/");
            if !files.is_empty() {
                let id = files[rng.gen_range(0..files.len())];
                let r = c.get(&format!("/cases/{id}")).await?;
                if r.status != StatusCode::OK {
                    record_error(&mut local, format!("case file: {}", r.status));
                }
            }
            local.case.push(t.elapsed());
        } else if roll < 45 || ids.is_empty() {
            let q = PREFIXES[rng.gen_range(0..PREFIXES.len())];
            let r = c.get(&format!("/persons?q={q}")).await?;
            local.search.push(t.elapsed());
            if r.status != StatusCode::OK {
                record_error(&mut local, format!("search: {}", r.status));
            }
            let found = links(&r.body, "/persons/");
            if !found.is_empty() {
                ids = found;
            }
        } else if roll < 85 {
            let id = ids[rng.gen_range(0..ids.len())];
            let r = c.get(&format!("/persons/{id}")).await?;
            local.view.push(t.elapsed());
            // A restricted file (403) is a refusal the user expects, not a failure.
            if r.status != StatusCode::OK && r.status != StatusCode::FORBIDDEN {
                record_error(&mut local, format!("view: {}", r.status));
            }
        } else {
            // Edit: read, change the phone, save with the version read (as the edit form does).
            let id = ids[rng.gen_range(0..ids.len())];
            let path = format!("/api/v1/persons/{id}");
            let r = c
                .send(
                    Method::GET,
                    &path,
                    None,
                    &[("authorization", auth.clone())],
                    Vec::new(),
                )
                .await?;
            if r.status != StatusCode::OK {
                local.edit.push(t.elapsed());
                if r.status != StatusCode::FORBIDDEN {
                    record_error(&mut local, format!("edit read: {}", r.status));
                }
                continue;
            }
            let mut p: serde_json::Value = serde_json::from_slice(&r.body)?;
            let mut body = serde_json::Map::new();
            for k in [
                "given_name",
                "family_name",
                "birth_date",
                "sex",
                "emso",
                "citizenship",
                "address",
                "postal_code",
                "place",
                "municipality_id",
                "email",
                "iban",
                "notes",
                "version",
            ] {
                body.insert(k.to_string(), p[k].take());
            }
            body.insert(
                "phone".into(),
                serde_json::json!(format!(
                    "041 {:03} {:03}",
                    rng.gen_range(100..999),
                    rng.gen_range(100..999)
                )),
            );
            let w = c
                .send(
                    Method::PUT,
                    &path,
                    Some("application/json"),
                    &[("authorization", auth.clone())],
                    serde_json::Value::Object(body).to_string().into_bytes(),
                )
                .await?;
            local.edit.push(t.elapsed());
            match w.status {
                StatusCode::OK => {}
                StatusCode::CONFLICT => local.conflicts += 1,
                s => record_error(
                    &mut local,
                    format!(
                        "edit: {s} {}",
                        String::from_utf8_lossy(&w.body)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    ),
                ),
            }
        }
    }
    let mut t = tally.lock().await;
    t.search.extend(local.search);
    t.view.extend(local.view);
    t.edit.extend(local.edit);
    t.case.extend(local.case);
    t.errors += local.errors;
    t.conflicts += local.conflicts;
    if t.first_error.is_none() {
        t.first_error = local.first_error;
    }
    Ok(())
}

pub async fn run(opts: Options) -> anyhow::Result<()> {
    let opts = Arc::new(opts);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(opts.seconds);
    let mut tasks = Vec::new();
    for n in 0..opts.users {
        tasks.push(tokio::spawn(user_loop(
            opts.clone(),
            n,
            deadline,
            tally.clone(),
        )));
    }
    let mut failed = 0;
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                failed += 1;
                eprintln!("a user stopped: {e:#}");
            }
            Err(e) => {
                failed += 1;
                eprintln!("a user crashed: {e}");
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let t = tally.lock().await;
    let all: Vec<Duration> = t
        .search
        .iter()
        .chain(&t.view)
        .chain(&t.edit)
        .chain(&t.case)
        .copied()
        .collect();
    let total = all.len();
    let p99 = |d: &[Duration]| {
        let mut d = d.to_vec();
        d.sort();
        d.get(((d.len() as f64 - 1.0) * 0.99).round() as usize)
            .map_or(0.0, |x| x.as_secs_f64() * 1000.0)
    };
    println!(
        "Skrb load: {} users for {:.0} s against http://{}/",
        opts.users, secs, opts.addr
    );
    println!(
        "{:<26} {:>9} {:>10} {:>10} {:>10}",
        "requests", "count", "per s", "p50", "p99"
    );
    for (name, d) in [
        ("search (page)", &t.search),
        ("open person (page)", &t.view),
        ("edit person (API read+save)", &t.edit),
        ("case work (my work + a file)", &t.case),
        ("all", &all),
    ] {
        let (p50, _) = percentiles(d.clone());
        println!(
            "{:<26} {:>9} {:>10.0} {:>7.2} ms {:>7.2} ms",
            name,
            d.len(),
            d.len() as f64 / secs,
            p50,
            p99(d)
        );
    }
    let http = t.search.len() + t.view.len() + 2 * t.edit.len() + 2 * t.case.len();
    println!(
        "HTTP requests {http} ({:.0}/s) · errors {} · edit conflicts {} · users that stopped {failed}",
        http as f64 / secs,
        t.errors,
        t.conflicts
    );
    if let Some(e) = &t.first_error {
        println!("first error: {e}");
    }
    anyhow::ensure!(total > 0, "no request succeeded");
    Ok(())
}
