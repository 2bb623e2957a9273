//! Browser journeys: the real UI in headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven over the WebDriver protocol, against the real server on a
//! loopback port. A failed step saves a screenshot and the page's HTML under
//! `target/browser-failures/`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::body::Bytes;
use axum::http::{header, Method, Request};
use base64::Engine;
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};
use skrb::auth::Role;
use skrb::web::tls::PeerAddr;

use crate::harness::{Backend, TestApp, PASSWORD};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process and one browser session.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn http(port: u16, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, format!("127.0.0.1:{port}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(bytes)))?;
    let res = sender.send_request(req).await?;
    let body = res.into_body().collect().await?.to_bytes();
    let v: Value = serde_json::from_slice(&body).context("WebDriver answer")?;
    if let Some(err) = v["value"]["error"].as_str() {
        bail!(
            "WebDriver {err}: {}",
            v["value"]["message"].as_str().unwrap_or("")
        );
    }
    Ok(v["value"].clone())
}

impl Browser {
    async fn start() -> anyhow::Result<Browser> {
        let port = free_port()?;
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context(
                "chromedriver is needed for the browser journeys: install Debian's chromium and \
                 chromium-driver (scripts/test and .ci/run do)",
            )?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, Method::GET, "/status", None).await.is_err() {
            if Instant::now() > deadline {
                bail!("chromedriver did not start");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run",
                         "--window-size=1280,1000", "--lang=en"],
            }
        }}});
        let mut b = Browser {
            driver,
            port,
            session: String::new(),
        };
        let v = http(port, Method::POST, "/session", Some(caps)).await?;
        b.session = v["sessionId"].as_str().context("session id")?.to_string();
        Ok(b)
    }

    async fn cmd(&self, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        http(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
        .await
    }

    async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.cmd(Method::POST, "/url", Some(json!({ "url": url })))
            .await?;
        Ok(())
    }

    /// Waits up to 5 s for an element (pages and htmx swaps take a moment).
    async fn find(&self, css: &str) -> anyhow::Result<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self
                .cmd(
                    Method::POST,
                    "/element",
                    Some(json!({"using": "css selector", "value": css})),
                )
                .await
            {
                Ok(v) => return Ok(v[ELEMENT].as_str().context("element id")?.to_string()),
                Err(e) if Instant::now() > deadline => {
                    return Err(e.context(format!("no element {css}")))
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    async fn click(&self, css: &str) -> anyhow::Result<()> {
        let e = self.find(css).await?;
        self.cmd(
            Method::POST,
            &format!("/element/{e}/click"),
            Some(json!({})),
        )
        .await?;
        Ok(())
    }

    async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let e = self.find(css).await?;
        self.cmd(
            Method::POST,
            &format!("/element/{e}/clear"),
            Some(json!({})),
        )
        .await?;
        self.cmd(
            Method::POST,
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        )
        .await?;
        Ok(())
    }

    async fn source(&self) -> anyhow::Result<String> {
        Ok(self
            .cmd(Method::GET, "/source", None)
            .await?
            .as_str()
            .unwrap_or("")
            .to_string())
    }

    async fn url(&self) -> anyhow::Result<String> {
        Ok(self
            .cmd(Method::GET, "/url", None)
            .await?
            .as_str()
            .unwrap_or("")
            .to_string())
    }

    /// Waits up to 5 s for the page to contain a text.
    async fn wait_text(&self, text: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if self.source().await?.contains(text) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the page never showed {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves what the browser shows, for a failed step.
    async fn save_failure(&self, name: &str) -> Option<String> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-failures");
        std::fs::create_dir_all(&dir).ok()?;
        let png = self.cmd(Method::GET, "/screenshot", None).await.ok()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str()?)
            .ok()?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, bytes).ok()?;
        if let Ok(html) = self.source().await {
            let _ = std::fs::write(dir.join(format!("{name}.html")), html);
        }
        Some(path.display().to_string())
    }

    async fn quit(mut self) {
        let _ = self.cmd(Method::DELETE, "", None).await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Serves the test app on a loopback port; returns its base URL.
async fn serve(app: &TestApp) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<PeerAddr>(),
        )
        .await;
    });
    Ok(format!("http://{addr}"))
}

async fn sign_in(b: &Browser, base: &str, user: &str) -> anyhow::Result<()> {
    b.goto(&format!("{base}/login")).await?;
    b.fill("#username", user).await?;
    b.fill("#password", PASSWORD).await?;
    b.click("button.primary").await?;
    b.wait_text("/logout").await
}

/// The journeys that exist: sign in, find a person (live search), create a person and a
/// household, edit with a conflict, switch the language to Serbian Cyrillic.
async fn journeys(app: &TestApp, b: &Browser, step: &mut &'static str) -> anyhow::Result<()> {
    app.user("sonja", Role::SocialWorker).await;
    app.user("tina", Role::SocialWorker).await;
    let base = serve(app).await?;

    *step = "sign-in";
    sign_in(b, &base, "sonja").await?;

    *step = "create-person";
    b.goto(&format!("{base}/persons/new")).await?;
    b.fill("#f-given_name", "Љиљана").await?;
    b.fill("#f-family_name", "Ђорђевић").await?;
    b.click("form.record button.primary").await?;
    b.wait_text("<h1>Љиљана Ђорђевић</h1>").await?;
    let person_url = b.url().await?;
    let id: i64 = person_url
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .context("person id in the address")?;

    *step = "create-household";
    b.goto(&format!("{base}/households/new?head={id}")).await?;
    b.fill("#h-addr", "Kidričeva cesta 3").await?;
    b.fill("#h-place", "Velenje").await?;
    b.click("form.record button.primary").await?;
    b.wait_text("Kidričeva cesta 3").await?;
    b.wait_text("Љиљана Ђорђевић").await?;

    *step = "find-person";
    b.goto(&format!("{base}/persons")).await?;
    b.fill("#q", "djordjevic").await?;
    // htmx replaces the results as the user types; no button pressed.
    b.wait_text(&format!("href=\"/persons/{id}\"")).await?;
    b.click(&format!("a[href=\"/persons/{id}\"]")).await?;
    b.wait_text("<h1>Љиљана Ђорђевић</h1>").await?;

    *step = "edit-conflict";
    b.goto(&format!("{base}/persons/{id}/edit")).await?;
    b.fill("#f-phone", "041 111 222").await?;
    // Meanwhile Tina saves the same person.
    let tina = app.token("tina").await;
    let current = app
        .api("GET", &format!("/api/v1/persons/{id}"), Some(&tina), None)
        .await
        .json();
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{id}"),
            Some(&tina),
            Some(json!({"given_name": "Љиљана", "family_name": "Ђорђевић",
                        "phone": "031 999 888", "version": current["version"]})),
        )
        .await;
    if r.status != 200 {
        bail!("Tina's edit: {} {}", r.status, r.body);
    }
    b.click("form.record button.primary").await?;
    b.wait_text("Someone else saved this record").await?;
    let page = b.source().await?;
    if !page.contains("041 111 222") || !page.contains("031 999 888") {
        bail!("the conflict page must keep Sonja's input and show Tina's value");
    }
    // Saving again (Sonja decides her number is right) works.
    b.click("form.record button.primary").await?;
    b.wait_text("041 111 222").await?;
    if !b.url().await?.ends_with(&format!("/persons/{id}")) {
        bail!("after saving, the person page");
    }

    *step = "language";
    b.goto(&format!("{base}/")).await?;
    let select = b.find("#lang-select").await?;
    b.cmd(
        Method::POST,
        &format!("/element/{select}/click"),
        Some(json!({})),
    )
    .await?;
    b.click("#lang-select option[value=\"sr-Cyrl\"]").await?;
    // app.js submits the form on change.
    b.wait_text("<html lang=\"sr-Cyrl\"").await?;
    b.wait_text("Одјава").await?;
    b.goto(&format!("{base}/persons?q=ljiljana")).await?;
    b.wait_text("Љиљана").await?;

    *step = "sign-out";
    b.click("form.user button").await?;
    b.wait_text("id=\"username\"").await?;
    Ok(())
}

async fn run(backend: Backend) {
    let app = TestApp::new(backend).await;
    let b = match Browser::start().await {
        Ok(b) => b,
        Err(e) => panic!("{e:#}"),
    };
    let mut step = "start";
    let outcome = journeys(&app, &b, &mut step).await;
    if let Err(e) = outcome {
        let name = format!("{backend:?}-{step}").to_lowercase();
        let saved = b
            .save_failure(&name)
            .await
            .unwrap_or_else(|| "(no screenshot)".into());
        b.quit().await;
        panic!("browser journey failed at step {step}: {e:#}\nscreenshot: {saved}");
    }
    b.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_sqlite() {
    run(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journeys_postgres() {
    run(Backend::Postgres).await
}
