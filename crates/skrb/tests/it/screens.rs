//! Every screen as its users see it: each page of the route table, for each demo role
//! that may open it, at a phone's width (390 px) and a laptop's (1280 px), in headless
//! Chromium, each role in another of the four languages. A page must not be wider than
//! the screen, must show no raw `{$...}` placeholder or message key, and must have no
//! WCAG 2.1 A/AA violation found by axe-core (vendored by scripts/style). The main pages'
//! screenshots at both widths are kept under `target/screens/` for review.

use std::collections::BTreeSet;

use anyhow::{bail, Context};
use axum::http::Method;
use base64::Engine;
use serde_json::{json, Value};
use skrb::auth::{policy, sessions, Role};
use skrb::i18n::{self, Locale};
use skrb::web::routes::Access;

use crate::browser::{serve, Browser};
use crate::harness::{life, Backend, TestApp};

const AXE: &str = include_str!("../assets/axe.min.js");

/// Pages that are not screens (files, fragments, redirects, the sign-in steps).
fn is_screen(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/assets/")
        || matches!(
            path,
            "/healthz" | "/readyz" | "/login" | "/login/totp" | "/cases/pick" | "/search"
        )
        || path.starts_with("/payments/runs/{id}/files/")
        || path.ends_with("/export")
        || path.ends_with(".csv")
        || path.ends_with(".xlsx")
        || path.ends_with(".pdf")
        || path.starts_with("/attachments/")
        || path.ends_with("/document")
        || path.ends_with("/pdf"))
}

/// A demo record for each kind of page, in CSD Velenje where the demo staff work.
async fn ids(app: &TestApp) -> Vec<(&'static str, i64)> {
    let v = "(SELECT id FROM centre WHERE code = 'csd-velenje')";
    let q = [
        ("/persons/", format!("SELECT a.person_id FROM application a JOIN decision d ON d.application_id = a.id JOIN person p ON p.id = a.person_id WHERE a.centre_id = {v} AND a.status = 'decided' AND p.restricted = FALSE ORDER BY a.id LIMIT 1")),
        ("/cases/", format!("SELECT c.id FROM case_file c JOIN person p ON p.id = c.person_id WHERE c.centre_id = {v} AND c.restricted = FALSE AND p.restricted = FALSE ORDER BY c.id LIMIT 1")),
        ("/households/", format!("SELECT m.household_id FROM household_member m JOIN person p ON p.id = m.person_id WHERE p.centre_id = {v} AND p.restricted = FALSE ORDER BY m.household_id LIMIT 1")),
        ("/applications/", format!("SELECT a.id FROM application a JOIN decision d ON d.application_id = a.id JOIN person p ON p.id = a.person_id WHERE a.centre_id = {v} AND a.status = 'decided' AND p.restricted = FALSE ORDER BY a.id LIMIT 1")),
        ("/payments/runs/", format!("SELECT id FROM payment_run WHERE centre_id = {v} ORDER BY id DESC LIMIT 1")),
        ("/partners/", format!("SELECT id FROM partner WHERE centre_id = {v} ORDER BY id LIMIT 1")),
        ("/entitlements/", format!("SELECT MIN(e.id) FROM entitlement e JOIN person p ON p.id = e.person_id WHERE e.centre_id = {v} AND p.restricted = FALSE")),
        ("/commission-sessions/", "SELECT COALESCE(MIN(id), 0) FROM commission_session".to_string()),
        ("/portal/referrals/", format!("SELECT COALESCE(MIN(r.id), 0) FROM referral r JOIN partner t ON t.id = r.partner_id WHERE t.centre_id = {v} AND t.name LIKE 'Osnovna%'")),
        // Commissions are Republika Srpska's (Trebinje's): Velenje's staff get the refusal page.
        ("/commissions/", "SELECT COALESCE(MIN(id), 0) FROM commission".to_string()),
        ("/intake/", format!("SELECT COALESCE(MIN(id), 0) FROM intake WHERE centre_id = {v}")),
        ("/services/agreements/", format!("SELECT MIN(a.id) FROM hh_agreement a JOIN person p ON p.id = a.person_id WHERE a.centre_id = {v} AND a.status = 'active' AND p.restricted = FALSE")),
        ("/services/carers/", format!("SELECT MIN(id) FROM hh_carer WHERE centre_id = {v}")),
        ("/placements/carers/", format!("SELECT MIN(id) FROM foster_carer WHERE centre_id = {v} AND status = 'approved'")),
        ("/placements/guardianships/", format!("SELECT MIN(g.id) FROM guardianship g JOIN person p ON p.id = g.ward_id WHERE g.centre_id = {v} AND p.restricted = FALSE")),
        // Trebinje's published report of 2016: Velenje's staff get the refusal page.
        ("/reports/published/", "SELECT COALESCE(MIN(id), 0) FROM report_publication".to_string()),
        ("/programmes/committee/sessions/", format!("SELECT COALESCE(MAX(id), 0) FROM committee_session WHERE centre_id = {v}")),
        ("/programmes/", format!("SELECT COALESCE(MIN(id), 0) FROM programme WHERE centre_id = {v}")),
        ("{entry}", format!("SELECT COALESCE(MIN(e.id), 0) FROM programme_entry e JOIN person p ON p.id = e.person_id WHERE p.restricted = FALSE \
          AND e.programme_id = (SELECT MIN(id) FROM programme WHERE centre_id = {v})")),
        ("/placements/", format!("SELECT MIN(pl.id) FROM placement pl JOIN person p ON p.id = pl.person_id WHERE pl.centre_id = {v} AND p.restricted = FALSE")),
        ("/imports/", format!("SELECT MIN(id) FROM import_batch WHERE centre_id = {v}")),
        ("/year/staff/", format!("SELECT MIN(id) FROM staff_member WHERE centre_id = {v}")),
        ("/year/strategies/", format!("SELECT MIN(id) FROM strategy WHERE centre_id = {v}")),
        ("/year/plans/", format!("SELECT MIN(id) FROM action_plan WHERE centre_id = {v}")),
        ("/year/activities/", format!("SELECT MIN(a.id) FROM plan_activity a JOIN action_plan p ON p.id = a.plan_id WHERE p.centre_id = {v}")),
        ("/year/round-tables/", format!("SELECT MIN(id) FROM round_table WHERE centre_id = {v}")),
        // The school's questionnaire (the demo's partner account `sola`); other partners
        // are told it is not theirs.
        ("/portal/round-tables/", "SELECT MIN(i.id) FROM round_table_invite i JOIN app_user u ON u.partner_id = i.partner_id WHERE u.username = 'sola'".to_string()),
        // Pages without sign-in: by the centre's code, by a one-time link's token.
        ("/centres/", "SELECT CAST(0 AS BIGINT)".to_string()),
        ("/feedback/", "SELECT CAST(0 AS BIGINT)".to_string()),
    ];
    let mut out = Vec::new();
    for (prefix, sql) in q {
        out.push((prefix, app.num(&sql).await));
    }
    out
}

fn concrete(path: &str, ids: &[(&'static str, i64)], token: &str) -> Option<String> {
    if !path.contains('{') {
        return Some(path.to_string());
    }
    let (prefix, id) = ids.iter().find(|(p, _)| path.starts_with(p))?;
    // A row of a programme's list: the first row of the programme chosen.
    let entry = ids.iter().find(|(p, _)| *p == "{entry}").map_or(0, |e| e.1);
    Some(
        path.replace("{id}", &id.to_string())
            .replace("{entry}", &entry.to_string())
            .replace("{code}", "csd-velenje")
            .replace("{token}", token),
    )
    .filter(|p| !p.contains('{'))
    .filter(|p| p.starts_with(prefix))
}

/// What the page says about itself: its overflow at this width, its text, its status.
const LOOK: &str = r#"
  const doc = document.documentElement;
  const toggle = document.querySelector('.govuk-service-navigation__toggle');
  return {
    menu_button: !!toggle && getComputedStyle(toggle).display !== 'none',
    search_box: (document.getElementById('header-q') || {offsetWidth: -1}).offsetWidth,
    overflow: Math.max(doc.scrollWidth, document.body.scrollWidth) - window.innerWidth,
    text: document.body.innerText,
    wide: Array.from(document.querySelectorAll('body *'))
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                   && getComputedStyle(e).position !== 'fixed'
                   && !e.closest('table.list, table.matrix, div.scroll, .govuk-skip-link'))
      .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)),
  };
"#;

/// The browser signed in as a demo user (a session of their own, no password typed), in
/// a language.
async fn signed_in(
    app: &TestApp,
    b: &Browser,
    base: &str,
    user: &str,
    lang: &str,
) -> anyhow::Result<()> {
    let uid = app
        .num(&format!(
            "SELECT id FROM app_user WHERE username = '{user}'"
        ))
        .await;
    let (token, _) = sessions::create(
        &app.db,
        uid,
        sessions::Kind::Web,
        sessions::Stage::Full,
        life(),
    )
    .await?;
    b.goto(&format!("{base}/healthz")).await?;
    for (name, value) in [("skrb_session", token.as_str()), ("skrb_lang", lang)] {
        b.cmd(
            Method::POST,
            "/cookie",
            Some(json!({"cookie": {"name": name, "value": value, "path": "/"}})),
        )
        .await?;
    }
    Ok(())
}

async fn width(b: &Browser, w: u32) -> anyhow::Result<()> {
    b.cmd(
        Method::POST,
        "/goog/cdp/execute",
        Some(json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
            "width": w, "height": if w < 600 { 844 } else { 900 }, "deviceScaleFactor": 1, "mobile": w < 600
        }})),
    )
    .await?;
    Ok(())
}

async fn axe(b: &Browser) -> anyhow::Result<Vec<String>> {
    let script = format!(
        "{AXE}\n;const done = arguments[arguments.length - 1];\
         axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}}})\
         .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))\
         .catch(e => done(['axe failed: ' + e]));"
    );
    let v = b
        .cmd(
            Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

async fn screenshot(b: &Browser, backend: Backend, w: u32, name: &str) -> anyhow::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../target/screens/{backend:?}/{w}").to_lowercase());
    std::fs::create_dir_all(&dir)?;
    // The whole page, not only what the window shows (at most 8,000 px tall).
    let cdp = |cmd: &str, params: Value| {
        b.cmd(
            Method::POST,
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    };
    let m = cdp("Page.getLayoutMetrics", json!({})).await?;
    let h = m["cssContentSize"]["height"]
        .as_f64()
        .unwrap_or(900.0)
        .min(8000.0);
    let shot = cdp(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true,
               "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}}),
    )
    .await?;
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or(""))?;
    std::fs::write(dir.join(format!("{name}.png")), bytes)?;
    Ok(())
}

/// Words that are message keys of the words files (a key shown instead of its text).
fn keys() -> BTreeSet<String> {
    let mut k = BTreeSet::new();
    for l in Locale::ALL {
        k.extend(i18n::keys(l).into_iter().filter(|k| k.contains('-')));
    }
    k
}

fn check_text(text: &str, keys: &BTreeSet<String>) -> Option<String> {
    if let Some(i) = text.find("{$") {
        return Some(format!(
            "a raw placeholder: …{}…",
            &text[i..(i + 40).min(text.len())]
        ));
    }
    text.split(|c: char| c.is_whitespace() || ",.:;()\"'".contains(c))
        .find(|w| keys.contains(*w))
        .map(|w| format!("a message key instead of its words: {w}"))
}

async fn sweep(backend: Backend) -> anyhow::Result<usize> {
    let app = TestApp::new(backend).await;
    let accounts = skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    app.exec("UPDATE role_setting SET totp_required = FALSE")
        .await;
    let base = serve(&app).await?;
    let b = Browser::start().await?;
    let (_, table) = skrb::web::route_table().into_parts();
    let ids = ids(&app).await;
    // An unanswered one-time link of Velenje's round table: its questionnaire.
    let token: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT MIN(i.token) FROM round_table_invite i JOIN round_table r ON r.id = i.round_table_id \
         JOIN centre c ON c.id = r.centre_id WHERE c.code = 'csd-velenje' AND i.answered_at IS NULL").fetch_one(p).await?);
    let keys = keys();
    let main_pages = [
        "/",
        "/persons/{id}",
        "/placements",
        "/programmes",
        "/programmes/{id}",
        "/programmes/committee/sessions/{id}",
        "/year",
        "/imports",
        "/imports/{id}",
        "/year/staff",
        "/year/plans/{id}",
        "/year/activities/{id}",
        "/year/round-tables/{id}",
        "/placements/carers",
        "/placements/carers/{id}",
        "/placements/{id}",
        "/placements/guardianships/{id}",
        "/cases/{id}",
        "/applications/{id}",
        "/payments/runs/{id}",
        "/work",
        "/procedures",
        "/payments",
        "/rights",
        "/persons/new",
        "/cases/new",
        "/intake",
    ];
    let mut axed = BTreeSet::new();
    let mut problems = Vec::new();
    let mut seen = 0;
    for (n, (user, role, _)) in accounts.iter().enumerate() {
        let role = Role::from_code(role).context("role")?;
        let perms = policy::load(&app.db, role).await?.perms;
        // Each role in another language; the social worker (whose screens are kept for
        // review) in Slovenian, the rights officer in Serbian Cyrillic.
        let lang = Locale::ALL[(n + 2) % Locale::ALL.len()];
        signed_in(&app, &b, &base, user, lang.code()).await?;
        for r in table
            .iter()
            .filter(|r| r.method == Method::GET && is_screen(r.path))
        {
            if matches!(r.access, Access::Perm(p) if !perms.has(p)) {
                continue;
            }
            let Some(path) = concrete(r.path, &ids, &token) else {
                bail!("no demo record for {}", r.path);
            };
            for w in [390, 1280] {
                width(&b, w).await?;
                b.goto(&format!("{base}{path}")).await?;
                let look: Value = b
                    .cmd(
                        Method::POST,
                        "/execute/sync",
                        Some(json!({"script": LOOK, "args": []})),
                    )
                    .await?;
                let at = format!(
                    "{path} as {user} ({}) at {w} px in {}",
                    role.code(),
                    lang.code()
                );
                if look["overflow"].as_i64().unwrap_or(0) > 0 {
                    problems.push(format!(
                        "{at}: {} px wider than the screen: {}",
                        look["overflow"], look["wide"]
                    ));
                }
                let search = look["search_box"].as_i64().unwrap_or(-1);
                if (0..150).contains(&search) {
                    problems.push(format!("{at}: the header's search box is {search} px wide"));
                }
                if w > 600 && look["menu_button"] == json!(true) {
                    problems.push(format!(
                        "{at}: the phone's menu button shows on a wide screen"
                    ));
                }
                if let Some(p) = check_text(look["text"].as_str().unwrap_or(""), &keys) {
                    problems.push(format!("{at}: {p}"));
                }
                if axed.insert((r.path, w)) {
                    for v in axe(&b).await? {
                        problems.push(format!("{at}: axe {v}"));
                    }
                }
                if backend == Backend::Sqlite && main_pages.contains(&r.path) && user == "socialna"
                    || (user == "direktor" && ["/payments/runs/{id}", "/reports"].contains(&r.path))
                    || (user == "pravice" && r.path == "/applications/{id}")
                    || (user == "oskrba"
                        && [
                            "/services",
                            "/services/board",
                            "/services/agreements/{id}",
                            "/services/billing",
                        ]
                        .contains(&r.path))
                    || (user == "negovalka" && r.path == "/visits")
                {
                    let name = r.path.trim_matches('/').replace(['/', '{', '}'], "_");
                    screenshot(
                        &b,
                        backend,
                        w,
                        &format!("{user}-{}", if name.is_empty() { "home" } else { &name }),
                    )
                    .await?;
                }
                seen += 1;
            }
        }
    }
    b.quit().await;
    if !problems.is_empty() {
        bail!("{} problems:\n{}", problems.len(), problems.join("\n"));
    }
    Ok(seen)
}

async fn run(backend: Backend) {
    match sweep(backend).await {
        Ok(n) => {
            eprintln!("{backend:?}: {n} screens looked at (page × role × width)");
            assert!(n > 200, "only {n} screens looked at");
        }
        Err(e) => panic!("{e:#}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_fits_speaks_and_passes_axe_sqlite() {
    run(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_fits_speaks_and_passes_axe_postgres() {
    run(Backend::Postgres).await
}

/// A social worker of Trebinje on a phone (390 px, Serbian Cyrillic): the menu folds
/// behind its button, My work lists her files, she opens one and records a phone call,
/// and no page on the way is wider than the screen.
async fn on_a_phone(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::new(backend).await;
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    let base = serve(&app).await?;
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje", "sr-Cyrl").await?;
    width(&b, 390).await?;
    let fits = |what: &'static str| {
        let b = &b;
        async move {
            let look: Value = b
                .cmd(
                    Method::POST,
                    "/execute/sync",
                    Some(json!({"script": LOOK, "args": []})),
                )
                .await?;
            if look["overflow"].as_i64().unwrap_or(0) > 0 {
                bail!("{what} is {} px wider than the phone", look["overflow"]);
            }
            anyhow::Ok(())
        }
    };
    b.goto(&format!("{base}/")).await?;
    fits("the start page").await?;
    // The navigation is folded: its links are hidden until the menu button opens them.
    let hidden: Value = b
        .cmd(Method::POST, "/execute/sync", Some(json!({"script": "return document.getElementById('navigation').hidden;", "args": []})))
        .await?;
    if hidden != json!(true) {
        bail!("the navigation is not folded on a phone");
    }
    b.click(".govuk-service-navigation__toggle").await?;
    b.click("#navigation a[href=\"/work\"]").await?;
    b.wait_url("/work").await?;
    fits("my work").await?;
    b.click("#files table a[href^=\"/cases/\"]").await?;
    b.find("#entry-form").await?;
    fits("the file").await?;
    b.click("#l-kind option[value=\"phone\"]").await?;
    b.fill(
        "#l-body",
        "Разговор с мајком телефоном: договорен кућни посјет.",
    )
    .await?;
    b.click("#entry-form button.primary").await?;
    b.find(".govuk-notification-banner--success").await?;
    b.wait_text("Разговор с мајком телефоном").await?;
    fits("the file after saving").await?;
    b.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_on_a_phone_sqlite() {
    if let Err(e) = on_a_phone(Backend::Sqlite).await {
        panic!("{e:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_on_a_phone_postgres() {
    if let Err(e) = on_a_phone(Backend::Postgres).await {
        panic!("{e:#}");
    }
}

/// The carer on her phone, in Slovenian at 390 px: today's visits with the care plan;
/// she records one while the phone has no connection (the page keeps it and says so),
/// and when the connection is back it is sent and saved once.
async fn a_carer_offline(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::new(backend).await;
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    let base = serve(&app).await?;
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "negovalka", "sl").await?;
    width(&b, 390).await?;
    b.cmd(
        Method::POST,
        "/goog/cdp/execute",
        Some(json!({"cmd": "Emulation.setTimezoneOverride", "params": {"timezoneId": "Europe/Ljubljana"}})),
    )
    .await?;
    b.goto(&format!("{base}/visits")).await?;
    b.find("form.visit-form").await?;
    let look: Value = b
        .cmd(
            Method::POST,
            "/execute/sync",
            Some(json!({"script": LOOK, "args": []})),
        )
        .await?;
    if look["overflow"].as_i64().unwrap_or(0) > 0 {
        bail!(
            "the visits are {} px wider than the phone",
            look["overflow"]
        );
    }
    if !look["text"].as_str().unwrap_or("").contains("Načrt pomoči") {
        bail!("no care plan on the carer's page");
    }
    let id: i64 = b
        .cmd(
            Method::POST,
            "/execute/sync",
            Some(json!({"script": "return Number(document.querySelector('form.visit-form').getAttribute('data-visit'));", "args": []})),
        )
        .await?
        .as_i64()
        .context("visit id")?;
    // Arrived half an hour ago (typed), left now (the button).
    let local = skrb_kit::clock::Zone::default().local(time::OffsetDateTime::now_utc());
    let now_min = i64::from(local.hour()) * 60 + i64::from(local.minute());
    let arrived = skrb_domain::services::hhmm((now_min - 30).max(0));
    b.cmd(
        Method::POST,
        "/execute/sync",
        Some(json!({"script": "const i = document.getElementById(arguments[0]); i.value = arguments[1]; i.dispatchEvent(new Event('input', {bubbles: true}));", "args": [format!("in-{id}"), arrived]})),
    )
    .await?;
    b.click(&format!("button.now[data-for=\"out-{id}\"]"))
        .await?;
    b.fill(&format!("#note-{id}"), "Vse v redu, kosilo pogreto.")
        .await?;
    // No connection: the visit waits in the phone.
    let offline = |off: bool| json!({"network_conditions": {"offline": off, "latency": 0, "download_throughput": 1_000_000, "upload_throughput": 1_000_000}});
    b.cmd(
        Method::POST,
        "/chromium/network_conditions",
        Some(offline(true)),
    )
    .await?;
    b.click(&format!("#visit-{id} form button.primary")).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let shown: Value = b
            .cmd(Method::POST, "/execute/sync", Some(json!({"script": "return !document.getElementById('queued').hidden;", "args": []})))
            .await?;
        if shown == json!(true) {
            break;
        }
        if std::time::Instant::now() > deadline {
            bail!("the page does not say the visit waits to be sent");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let done = format!("SELECT COUNT(*) FROM hh_visit WHERE id = {id} AND status = 'done'");
    if app.num(&done).await != 0 {
        bail!("a visit reached the server without a connection");
    }
    // The connection is back: the waiting visit goes, once.
    b.cmd(
        Method::POST,
        "/chromium/network_conditions",
        Some(offline(false)),
    )
    .await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.num(&done).await == 0 {
        if std::time::Instant::now() > deadline {
            let q: Value = b
                .cmd(Method::POST, "/execute/sync", Some(json!({"script": "return [localStorage.getItem('skrb-visits-queue'), navigator.onLine, document.body.innerText.slice(0, 600)];", "args": []})))
                .await?;
            bail!("the waiting visit was not sent when the connection came back: {q}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    b.find(&format!("#visit-{id} .tag.status-done")).await?;
    let recorded = app
        .num(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'record' AND entity = 'hh_visit' AND entity_id = {id}"))
        .await;
    if recorded != 1 {
        bail!("the visit was recorded {recorded} times");
    }
    let note = app
        .num(&format!("SELECT COUNT(*) FROM hh_visit WHERE id = {id} AND note = 'Vse v redu, kosilo pogreto.' AND idem_key IS NOT NULL AND delivered_minutes >= 29"))
        .await;
    if note != 1 {
        bail!("the visit was not saved as typed");
    }
    b.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carer_records_a_visit_offline_sqlite() {
    if let Err(e) = a_carer_offline(Backend::Sqlite).await {
        panic!("{e:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carer_records_a_visit_offline_postgres() {
    if let Err(e) = a_carer_offline(Backend::Postgres).await {
        panic!("{e:#}");
    }
}

/// The text of an element.
async fn text_of(b: &Browser, id: &str) -> anyhow::Result<String> {
    let v: Value = b
        .cmd(
            Method::POST,
            "/execute/sync",
            Some(json!({"script": format!("const e = document.getElementById('{id}'); return e ? e.innerText : '';"), "args": []})),
        )
        .await?;
    Ok(v.as_str().unwrap_or("").trim().to_string())
}

/// A social worker on a phone (390 px) assesses a family, records its permit, places a
/// child with it and sees the free places go down: in Slovenian in Velenje, in Serbian
/// Cyrillic in Trebinje.
async fn a_family_approved_and_a_child_placed(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::new(backend).await;
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    let base = serve(&app).await?;
    for (user, lang, code, placed, monthly) in [
        ("socialna", "sl", "csd-velenje", "Nameščeno", "1.098,00"),
        ("trebinje", "sr-Cyrl", "csr-trebinje", "Смјештено", "700,00"),
    ] {
        let b = Browser::start().await?;
        signed_in(&app, &b, &base, user, lang).await?;
        width(&b, 390).await?;
        let c = format!("(SELECT id FROM centre WHERE code = '{code}')");
        let adult = app
            .num(&format!(
                "SELECT MIN(id) FROM person WHERE centre_id = {c} AND restricted = FALSE AND birth_date < '1995-01-01' \
                 AND id NOT IN (SELECT person_id FROM foster_carer) AND id NOT IN (SELECT person_id FROM placement)"
            ))
            .await;
        let child = app
            .num(&format!(
                "SELECT MAX(id) FROM person WHERE centre_id = {c} AND restricted = FALSE AND birth_date > '2012-01-01' \
                 AND id NOT IN (SELECT person_id FROM placement)"
            ))
            .await;
        b.goto(&format!("{base}/placements/carers?person={adult}"))
            .await?;
        b.click("form[action=\"/placements/carers\"] button.primary")
            .await?;
        b.find("#assess-form").await?;
        b.fill("#f-motivation", "Družina želi pomagati.").await?;
        b.fill("#f-recommendation", "Priporočamo.").await?;
        b.click("#assess-form button.primary").await?;
        b.find("#approve-form").await?;
        b.click("#f-permit_kind option[value=\"regular\"]").await?;
        b.fill("#f-permit_number", "1203-99/2026").await?;
        b.fill("#f-max_children", "2").await?;
        b.click("#approve-form button.primary").await?;
        b.find("#place-here").await?;
        let free = text_of(&b, "vacancies").await?;
        if free != "2" {
            bail!("{lang}: a new family has 2 free places, the page says {free:?}");
        }
        b.click("#place-here").await?;
        b.find("#placement-form").await?;
        b.fill("#f-person_id", &child.to_string()).await?;
        b.fill("#f-order_number", "N 77/2026").await?;
        b.set_value(
            "#f-order_on",
            &skrb_kit::dates::iso_date(time::OffsetDateTime::now_utc().date()),
        )
        .await?;
        if lang == "sl" {
            b.fill("#f-court", "Okrajno sodišče v Velenju").await?;
        }
        b.click("#placement-form button.primary").await?;
        if b.wait_text(placed).await.is_err() {
            let v: Value = b
                .cmd(
                    Method::POST,
                    "/execute/sync",
                    Some(json!({"script": "return document.body.innerText", "args": []})),
                )
                .await?;
            bail!(
                "{lang}: not placed (child {child}): {}",
                v.as_str().unwrap_or("")
            );
        }
        b.wait_text(monthly).await?;
        let look: Value = b
            .cmd(
                Method::POST,
                "/execute/sync",
                Some(json!({"script": LOOK, "args": []})),
            )
            .await?;
        if look["overflow"].as_i64().unwrap_or(0) > 0 {
            bail!("{lang}: the placement is wider than the phone");
        }
        b.click("#placement a[href^=\"/placements/carers/\"]")
            .await?;
        b.find("#vacancies").await?;
        let free = text_of(&b, "vacancies").await?;
        if free != "1" {
            bail!("{lang}: one child placed leaves 1 free place, the page says {free:?}");
        }
        b.quit().await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_approved_and_a_child_placed_sqlite() {
    if let Err(e) = a_family_approved_and_a_child_placed(Backend::Sqlite).await {
        panic!("{e:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_approved_and_a_child_placed_postgres() {
    if let Err(e) = a_family_approved_and_a_child_placed(Backend::Postgres).await {
        panic!("{e:#}");
    }
}

/// Fails when the page is wider than the phone.
async fn phone_fits(b: &Browser, what: &str) -> anyhow::Result<()> {
    let look: Value = b
        .cmd(
            Method::POST,
            "/execute/sync",
            Some(json!({"script": LOOK, "args": []})),
        )
        .await?;
    if look["overflow"].as_i64().unwrap_or(0) > 0 {
        bail!("{what} is wider than the phone");
    }
    Ok(())
}

/// Trebinje's social worker on a phone (390 px), in Serbian Cyrillic, creates a
/// firewood programme, names the Red Cross as the partner who hands it over and
/// evaluates the list; the head of unit approves it (vouchers are issued); the Red
/// Cross's counter redeems a voucher once and is told so the second time; the totals
/// show what was used.
async fn a_programme_from_creation_to_totals(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::new(backend).await;
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    let base = serve(&app).await?;
    let y = time::OffsetDateTime::now_utc().year();
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/programmes")).await?;
    b.click("#new-programme").await?;
    b.find("#programme-form").await?;
    b.fill("#f-name", "Огрјев за зиму 2").await?;
    b.click("#f-kind option[value=\"heating\"]").await?;
    b.set_value("#f-period_from", &format!("{y}-01-01")).await?;
    b.set_value("#f-period_to", &format!("{y}-12-31")).await?;
    b.click("#f-benefit option[value=\"voucher\"]").await?;
    b.fill("#f-unit_value", "150,00").await?;
    b.click("input[name=\"rule_rights\"][value=\"rs_cash\"]")
        .await?;
    b.fill("#f-source", "Град Требиње").await?;
    b.fill("#f-amount", "5.000,00").await?;
    b.click("#save-programme").await?;
    b.find("#partner-form").await?;
    phone_fits(&b, "the programme").await?;
    let id = app
        .num("SELECT MAX(id) FROM programme WHERE name = 'Огрјев за зиму 2'")
        .await;
    let red_cross = app
        .num("SELECT partner_id FROM app_user WHERE username = 'crveni-krst'")
        .await;
    b.cmd(
        Method::POST,
        "/execute/sync",
        Some(json!({"script": format!(
            "document.querySelectorAll('details').forEach(d => d.open = true); \
             document.querySelector('#f-partner_id').value = '{red_cross}'; document.querySelector('#f-role').value = 'delivers';"
        ), "args": []})),
    )
    .await?;
    b.click("#partner-form button").await?;
    b.wait_text("Дијели").await?;
    b.click("#evaluate").await?;
    b.wait_text("Списак је израчунат").await?;
    let n: i64 = text_of(&b, "recipients").await?.parse().unwrap_or(0);
    if n == 0 {
        bail!("the rule found nobody");
    }
    b.quit().await;

    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje-vodja", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/programmes/{id}")).await?;
    b.click("#approve").await?;
    b.wait_text("Списак је одобрен").await?;
    b.find("#vouchers-pdf").await?;
    b.quit().await;
    let vouchers = app
        .num(&format!(
            "SELECT COUNT(*) FROM voucher WHERE programme_id = {id}"
        ))
        .await;
    if vouchers != n {
        bail!("{n} recipients, {vouchers} vouchers");
    }

    let code: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!(
        "SELECT MIN(code) FROM voucher WHERE programme_id = {id}")).fetch_one(p).await?);
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "crveni-krst", "sr-Cyrl").await?;
    width(&b, 390).await?;
    for (attempt, expect) in [(1, "#redeemed"), (2, "#already")] {
        b.goto(&format!("{base}/portal/vouchers")).await?;
        b.fill("#f-code", &code.to_lowercase()).await?;
        b.click("#redeem").await?;
        if b.find(expect).await.is_err() {
            bail!("attempt {attempt}: {expect} not shown");
        }
    }
    phone_fits(&b, "the voucher counter").await?;
    b.quit().await;

    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/programmes/totals?year={y}"))
        .await?;
    b.wait_text("Огрјев за зиму 2").await?;
    phone_fits(&b, "the totals").await?;
    b.quit().await;
    let used = app
        .num(&format!("SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM distribution WHERE programme_id = {id}"))
        .await;
    if used != 15_000 {
        bail!("one voucher of 150,00 used, the records say {used}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_from_creation_to_totals_sqlite() {
    if let Err(e) = a_programme_from_creation_to_totals(Backend::Sqlite).await {
        panic!("{e:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_from_creation_to_totals_postgres() {
    if let Err(e) = a_programme_from_creation_to_totals(Backend::Postgres).await {
        panic!("{e:#}");
    }
}

/// Run a script in the page and return what it returns.
async fn script(b: &Browser, js: &str) -> anyhow::Result<Value> {
    b.cmd(
        Method::POST,
        "/execute/sync",
        Some(json!({"script": js, "args": []})),
    )
    .await
}

/// Trebinje's head of unit on a phone (390 px), in Serbian Cyrillic, runs a round table:
/// creates it, invites four organisations, records who came; the Red Cross answers the
/// questionnaire in the partner portal and another organisation by its one-time link
/// without signing in; the head takes the Red Cross's proposal into next year's plan,
/// prints the summary (a PDF) and publishes it on the public page.
async fn a_round_table_from_invitations_to_the_summary(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::new(backend).await;
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    let base = serve(&app).await?;
    let y = time::OffsetDateTime::now_utc().year();
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje-vodja", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/year/round-tables")).await?;
    b.fill("#f-title", "Округли сто са партнерима").await?;
    b.set_value("#f-held_on", &format!("{y}-11-28")).await?;
    b.fill("#f-place", "Сала Центра").await?;
    b.click("#round-table-form button[type=submit]").await?;
    b.find("#invite-form").await?;
    phone_fits(&b, "the new round table").await?;
    let rt = app
        .num("SELECT MAX(id) FROM round_table WHERE title = 'Округли сто са партнерима'")
        .await;
    let red_cross = app
        .num("SELECT partner_id FROM app_user WHERE username = 'crveni-krst'")
        .await;
    // The Red Cross and three more organisations of the directory.
    script(
        &b,
        &format!(
            "const s = document.querySelector('#f-partner_id'); let n = 0; \
             for (const o of s.options) {{ if (o.value === '{red_cross}' || n < 3) {{ o.selected = true; if (o.value !== '{red_cross}') n++; }} }}"
        ),
    )
    .await?;
    b.click("#invite").await?;
    b.wait_text("Организације су позване").await?;
    let invited = app
        .num(&format!(
            "SELECT COUNT(*) FROM round_table_invite WHERE round_table_id = {rt}"
        ))
        .await;
    if invited != 4 {
        bail!("{invited} organisations invited, not 4");
    }
    for name in ["Драгана Петровић", "Петар Ђурић"] {
        script(
            &b,
            "document.querySelectorAll('details').forEach(d => d.open = true);",
        )
        .await?;
        b.fill("#f-name", name).await?;
        b.click("#attend").await?;
        b.wait_text("Сачувано").await?;
    }
    if text_of(&b, "came").await?.is_empty() {
        bail!("the attendance is not shown");
    }
    b.quit().await;

    // The Red Cross answers in the portal.
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "crveni-krst", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/portal/round-tables")).await?;
    b.click(&format!("#questionnaires a[href$='/{}']", app.num(&format!(
        "SELECT id FROM round_table_invite WHERE round_table_id = {rt} AND partner_id = {red_cross}")).await)).await?;
    b.find("#answer-form").await?;
    for (q, m) in [
        ("cooperation", 5),
        ("responsiveness", 4),
        ("professional", 5),
        ("coordination", 4),
    ] {
        b.click(&format!("input[name=\"{q}\"][value=\"{m}\"]"))
            .await?;
    }
    b.fill("#f-proposal", "Заједничка подјела огрјева са Центром")
        .await?;
    phone_fits(&b, "the questionnaire").await?;
    b.click("#send").await?;
    b.find("#thanks").await?;
    b.quit().await;

    // Another organisation by its one-time link, without signing in.
    let token: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!(
        "SELECT MIN(token) FROM round_table_invite WHERE round_table_id = {rt} AND answered_at IS NULL")).fetch_one(p).await?);
    let b = Browser::start().await?;
    b.goto(&format!("{base}/healthz")).await?;
    b.cmd(
        Method::POST,
        "/cookie",
        Some(json!({"cookie": {"name": "skrb_lang", "value": "sr-Cyrl", "path": "/"}})),
    )
    .await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/feedback/{token}")).await?;
    b.click("input[name=\"cooperation\"][value=\"3\"]").await?;
    b.fill("#f-comment", "Треба чешће састанке.").await?;
    b.click("#send").await?;
    b.find("#thanks").await?;
    b.goto(&format!("{base}/feedback/{token}")).await?;
    b.find("#thanks").await?;
    b.quit().await;

    // The head takes the proposal into next year's plan and prints the summary.
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje-vodja", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/year/plans")).await?;
    b.fill("#f-title", &format!("Акциони план за {}. годину", y + 1))
        .await?;
    b.click("#plan-form button[type=submit]").await?;
    b.find("#activity-form").await?;
    b.goto(&format!("{base}/year/round-tables/{rt}")).await?;
    if text_of(&b, "ratings").await?.is_empty() {
        bail!("no ratings shown");
    }
    let proposal = app
        .num(&format!(
            "SELECT id FROM round_table_proposal WHERE round_table_id = {rt}"
        ))
        .await;
    script(
        &b,
        "document.querySelectorAll('details').forEach(d => d.open = true);",
    )
    .await?;
    b.click(&format!("#proposal-{proposal} button[value=\"accepted\"]"))
        .await?;
    b.wait_text("О приједлогу је одлучено").await?;
    let activity = app
        .num(&format!(
            "SELECT COALESCE(activity_id, 0) FROM round_table_proposal WHERE id = {proposal}"
        ))
        .await;
    if activity == 0 {
        bail!("the accepted proposal is no activity of the next plan");
    }
    phone_fits(&b, "the round table").await?;
    let pdf = script(
        &b,
        &format!(
            "const x = new XMLHttpRequest(); x.open('GET', '/year/round-tables/{rt}/summary.pdf', false); \
             x.overrideMimeType('text/plain; charset=x-user-defined'); x.send(); \
             return [x.status, x.getResponseHeader('content-type'), x.responseText.slice(0, 4)];"
        ),
    )
    .await?;
    if pdf != json!([200, "application/pdf", "%PDF"]) {
        bail!("the summary is not a PDF: {pdf}");
    }
    b.click("#publish").await?;
    b.wait_text("Објављено на јавној страници").await?;
    b.goto(&format!("{base}/centres/csr-trebinje")).await?;
    b.wait_text("Округли сто са партнерима").await?;
    b.wait_text("понедјељак–петак 7:00–15:00").await?;
    phone_fits(&b, "the public page").await?;
    b.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_table_from_invitations_to_the_summary_sqlite() {
    if let Err(e) = a_round_table_from_invitations_to_the_summary(Backend::Sqlite).await {
        panic!("{e:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_table_from_invitations_to_the_summary_postgres() {
    if let Err(e) = a_round_table_from_invitations_to_the_summary(Backend::Postgres).await {
        panic!("{e:#}");
    }
}

/// A download fetched by the page itself: its status, type and first bytes.
async fn fetched(b: &Browser, url: &str) -> anyhow::Result<Value> {
    script(
        b,
        &format!(
            "const x = new XMLHttpRequest(); x.open('GET', '{url}', false); \
             x.overrideMimeType('text/plain; charset=x-user-defined'); x.send(); \
             return [x.status, x.getResponseHeader('content-type'), x.responseText.slice(0, 4)];"
        ),
    )
    .await
}

/// Trebinje's director writes the eleven months' report for the round table on a phone:
/// a section saves itself as it is typed (and survives a reload), the report is
/// published, and the page, the PDF and the workbook of the publication are there.
async fn an_annual_report_written_published_and_downloaded(backend: Backend) -> anyhow::Result<()> {
    let app = TestApp::new(backend).await;
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150)).await?;
    let base = serve(&app).await?;
    let y = time::OffsetDateTime::now_utc().year();
    let b = Browser::start().await?;
    signed_in(&app, &b, &base, "trebinje-direktor", "sr-Cyrl").await?;
    width(&b, 390).await?;
    b.goto(&format!("{base}/reports")).await?;
    b.set_value("#f-from", &format!("{y}-01-01")).await?;
    b.set_value("#f-to", &format!("{y}-11-30")).await?;
    b.click("#report-form button[type=submit]").await?;
    b.find("#table-staff").await?;
    b.find("#chart-users-age-4").await?;
    phone_fits(&b, "the annual report").await?;
    let words = "Центар је у једанаест мјесеци радио са партнерима града.";
    b.fill("#f-s-intro", words).await?;
    // Leaving the box saves it at once (typing saves after a pause).
    script(&b, "document.getElementById('f-s-intro').blur();").await?;
    b.wait_text("верзија 1").await?;
    let saved = app
        .num(&format!(
            "SELECT COUNT(*) FROM report_section s JOIN annual_report r ON r.id = s.report_id \
             WHERE s.key = 'intro' AND s.body = '{words}' AND r.period_to = '{y}-11-30'"
        ))
        .await;
    if saved != 1 {
        bail!("the section is not saved on the server");
    }
    b.goto(&format!("{base}/reports?from={y}-01-01&to={y}-11-30"))
        .await?;
    let again: Value = script(&b, "return document.getElementById('f-s-intro').value;").await?;
    if again != json!(words) {
        bail!("the section did not come back: {again}");
    }
    for (id, kind) in [
        ("dl-pdf", "application/pdf"),
        (
            "dl-xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let href: Value = script(
            &b,
            &format!("return document.getElementById('{id}').getAttribute('href');"),
        )
        .await?;
        let got = fetched(&b, href.as_str().unwrap_or("")).await?;
        if got[0] != 200 || got[1] != kind {
            bail!("{id}: {got}");
        }
    }
    b.click("#publish-form button[type=submit]").await?;
    b.wait_text("Извјештај је објављен").await?;
    b.find("#publication").await?;
    b.wait_text(words).await?;
    phone_fits(&b, "the published report").await?;
    let pdf = fetched(&b, &format!("{}/report.pdf", current_path(&b).await?)).await?;
    if pdf != json!([200, "application/pdf", "%PDF"]) {
        bail!("the publication's PDF: {pdf}");
    }
    let xlsx = fetched(&b, &format!("{}/report.xlsx", current_path(&b).await?)).await?;
    if xlsx[0] != 200 || xlsx[2].as_str().map(|s| s.starts_with("PK")) != Some(true) {
        bail!("the publication's workbook: {xlsx}");
    }
    b.quit().await;
    Ok(())
}

async fn current_path(b: &Browser) -> anyhow::Result<String> {
    Ok(script(b, "return location.pathname;")
        .await?
        .as_str()
        .unwrap_or("")
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annual_report_written_published_and_downloaded_sqlite() {
    if let Err(e) = an_annual_report_written_published_and_downloaded(Backend::Sqlite).await {
        panic!("{e:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annual_report_written_published_and_downloaded_postgres() {
    if let Err(e) = an_annual_report_written_published_and_downloaded(Backend::Postgres).await {
        panic!("{e:#}");
    }
}
