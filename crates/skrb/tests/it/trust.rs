//! What must hold whatever a later context adds: the ministry sees no person on any
//! route, and a user who works across centres reads every centre alike.

use axum::body::Body;
use axum::http::{header, Method, Request};
use skrb::auth::sessions::{self, Kind, Stage};
use skrb::web::routes::Access;

use crate::both;
use crate::harness::{life, run_cli, TestApp};

/// The demo's data, with its accounts.
async fn demo(app: &TestApp) {
    skrb::demo::prepare(&app.db, 7, skrb::demo::Scale::Small, None)
        .await
        .expect("demo");
}

async fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    skrb::sql_pool!(&app.db, p => sqlx::query_scalar::<_, String>(sql).fetch_all(p).await.unwrap_or_else(|e| panic!("{sql}: {e}")))
}

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    skrb::sql_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_all(p).await.unwrap_or_else(|e| panic!("{sql}: {e}")))
}

/// What would name a person in a response: numbers, IBANs, full names (in the order
/// people and bank files write them), addresses, phones and e-mails, from the registry
/// and from what payments copied.
async fn personal_markers(app: &TestApp) -> Vec<String> {
    let mut m = Vec::new();
    for sql in [
        "SELECT emso FROM person WHERE emso IS NOT NULL",
        "SELECT iban FROM person WHERE iban IS NOT NULL",
        "SELECT given_name || ' ' || family_name FROM person",
        "SELECT family_name || ' ' || given_name FROM person",
        "SELECT address FROM person WHERE address IS NOT NULL",
        "SELECT phone FROM person WHERE phone IS NOT NULL",
        "SELECT email FROM person WHERE email IS NOT NULL",
        "SELECT iban FROM payment_line WHERE iban IS NOT NULL",
        "SELECT payee FROM payment_line",
    ] {
        m.extend(strings(app, sql).await);
    }
    m.retain(|s| s.chars().count() >= 6);
    m.sort();
    m.dedup();
    m
}

/// Keys of a JSON answer that carry a person's data.
const PERSONAL_KEYS: [&str; 9] = [
    "given_name",
    "family_name",
    "emso",
    "iban",
    "payee",
    "payee_name",
    "address",
    "person_name",
    "phone",
];

fn json_keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, v) in o {
                out.push(k.clone());
                json_keys(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_keys(v, out)),
        _ => {}
    }
}

/// Every route of the route table, as the ministry, on the demo's data of both centres,
/// with the ids of real records: no answer carries a person's name, number, IBAN,
/// address, phone or e-mail, nor a JSON key that holds one. The table is walked, not
/// listed, so a route that a later context adds is walked too. Even a table that grants
/// the ministry every permission (a hand edit, a migration's mistake) changes nothing:
/// the role holds aggregates only.
async fn ministry_sees_no_person_on_any_route(app: TestApp) {
    demo(&app).await;
    // The migration took back what 0006 granted.
    let granted = strings(
        &app,
        "SELECT permission FROM role_permission WHERE role = 'ministry' ORDER BY permission",
    )
    .await;
    assert_eq!(granted, ["scope.all_centres", "statistics.read"]);
    // Grant it everything in the table: the program must still refuse.
    for p in skrb::auth::Permission::ALL {
        app.exec(&format!(
            "INSERT INTO role_permission (role, permission) SELECT 'ministry', '{}' \
             WHERE NOT EXISTS (SELECT 1 FROM role_permission WHERE role = 'ministry' AND permission = '{}')",
            p.code(),
            p.code()
        ))
        .await;
    }
    let markers = personal_markers(&app).await;
    assert!(markers.len() > 500, "{} markers", markers.len());
    let ministry = ids(
        &app,
        "SELECT id FROM app_user WHERE username = 'ministrstvo'",
    )
    .await[0];
    let perms = skrb::auth::policy::load(&app.db, skrb::auth::Role::Ministry)
        .await
        .expect("policy")
        .perms;
    assert!(perms.personal().next().is_none(), "{:?}", perms.codes());

    // Real records of every kind, a few of each, so that a route that answers shows
    // what it would show.
    let mut candidates = Vec::new();
    for table in [
        "person",
        "household",
        "case_file",
        "task",
        "intake",
        "case_plan",
        "plan_goal",
        "appeal",
        "commission_session",
        "commission_item",
        "attachment",
        "glass_break",
        "application",
        "decision",
        "entitlement",
        "payment_run",
        "payment_line",
        "partner",
        "referral",
        "commission",
    ] {
        candidates.extend(ids(&app, &format!("SELECT id FROM {table} ORDER BY id LIMIT 3")).await);
        candidates.extend(
            ids(
                &app,
                &format!("SELECT id FROM {table} ORDER BY id DESC LIMIT 2"),
            )
            .await,
        );
    }
    candidates.sort();
    candidates.dedup();

    let (_, table) = skrb::web::route_table().into_parts();
    let mut answered = 0;
    let mut walked = 0;
    for r in &table {
        // Signing out would end the walk's own session: nothing to read there.
        if r.path == "/logout" || r.path == "/api/v1/session" && r.method == Method::DELETE {
            continue;
        }
        let kind = if r.path.starts_with("/api/") {
            Kind::Api
        } else {
            Kind::Web
        };
        let refused = matches!(r.access, Access::Perm(p) if !perms.has(p));
        let tries: Vec<i64> = if r.path.contains('{') && !refused {
            candidates.clone()
        } else {
            vec![1]
        };
        for id in tries {
            let path = r
                .path
                .replace("{id}", &id.to_string())
                .replace("{member}", &id.to_string())
                .replace("{seq}", "1")
                .replace("{role}", "social_worker")
                .replace("{file}", "skrb.css");
            let (token, _) = sessions::create(&app.db, ministry, kind, Stage::Full, life())
                .await
                .expect("session");
            let res = app.call_route(&r.method, &path, Some(&token), "").await;
            walked += 1;
            let what = format!("{} {path} as the ministry ({})", r.method, res.status);
            if refused {
                assert_eq!(res.status, 403, "{what}");
                continue;
            }
            if res.status.is_success() {
                answered += 1;
            }
            if let Some(m) = markers.iter().find(|m| res.body.contains(m.as_str())) {
                panic!(
                    "{what} shows personal data {m:?}: {}",
                    &res.body[..res.body.len().min(600)]
                );
            }
            // The API's description names the fields; it holds no one's values.
            if r.path == "/api/v1/openapi.json" {
                continue;
            }
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&res.body) {
                let mut keys = Vec::new();
                json_keys(&v, &mut keys);
                if let Some(k) = keys.iter().find(|k| PERSONAL_KEYS.contains(&k.as_str())) {
                    panic!(
                        "{what} answers with the personal field {k:?}: {}",
                        &res.body[..res.body.len().min(600)]
                    );
                }
            }
        }
    }
    // The walk reached pages the ministry does see (start page, statistics, account).
    assert!(answered >= 3, "{answered} answers of {walked} requests");

    // An administrator cannot grant it either.
    app.user("ana", skrb::auth::Role::Administrator).await;
    let admin = app.token("ana").await;
    let r = app
        .api(
            "PUT",
            "/api/v1/roles/ministry",
            Some(&admin),
            Some(serde_json::json!({"permissions": ["statistics.read", "payment.read"], "totp_required": false})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("ministry"), "{}", r.body);
}
both!(ministry_sees_no_person_on_any_route);

/// The auditor works across centres: Trebinje's payment run reads as Velenje's does,
/// on the page and in the API, as persons and case files of both centres already did.
async fn all_centre_scope_reads_every_centres_runs(app: TestApp) {
    demo(&app).await;
    let auditor = ids(&app, "SELECT id FROM app_user WHERE username = 'revizor'").await[0];
    let own: i64 = ids(
        &app,
        "SELECT centre_id FROM app_user WHERE username = 'revizor'",
    )
    .await[0];
    let other = ids(
        &app,
        &format!("SELECT id FROM payment_run WHERE centre_id <> {own} ORDER BY id"),
    )
    .await;
    assert!(!other.is_empty(), "the demo has another centre's run");
    let (api, _) = sessions::create(&app.db, auditor, Kind::Api, Stage::Full, life())
        .await
        .expect("session");
    let (web, _) = sessions::create(&app.db, auditor, Kind::Web, Stage::Full, life())
        .await
        .expect("session");
    for id in &other {
        let r = app
            .api(
                "GET",
                &format!("/api/v1/payments/runs/{id}"),
                Some(&api),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "run {id}: {}", r.body);
        let r = app
            .page(
                &format!("/payments/runs/{id}"),
                &format!("skrb_session={web}"),
            )
            .await;
        assert_eq!(r.status, 200, "run page {id}");
    }
    let list = app
        .api("GET", "/api/v1/payments/runs", Some(&api), None)
        .await;
    assert_eq!(list.status, 200);
    let centres: std::collections::BTreeSet<i64> = list
        .json()
        .as_array()
        .expect("runs")
        .iter()
        .filter_map(|r| r["centre_id"].as_i64())
        .collect();
    assert!(centres.len() >= 2, "runs of both centres: {}", list.body);

    // A centre's own worker is still refused another centre's run.
    let worker = ids(&app, "SELECT id FROM app_user WHERE username = 'finance'").await[0];
    let (tok, _) = sessions::create(&app.db, worker, Kind::Api, Stage::Full, life())
        .await
        .expect("session");
    let r = app
        .api(
            "GET",
            &format!("/api/v1/payments/runs/{}", other[0]),
            Some(&tok),
            None,
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
}
both!(all_centre_scope_reads_every_centres_runs);

/// The API's description is a contract a generated client can trust: every route of the
/// table is in it (and nothing else), every `{placeholder}` is a typed path parameter,
/// query parameters are in the query, no form field claims an empty default, operation
/// ids are unique, every code list reached its field, and every error a route can
/// answer is documented as problem details. schemathesis (scripts/contract, in CI)
/// then holds the running server to it.
#[tokio::test]
async fn openapi_document_is_a_contract() {
    let doc = skrb::web::openapi::spec();
    assert_eq!(doc["openapi"], "3.1.0");
    let (_, table) = skrb::web::route_table().into_parts();
    let api: std::collections::BTreeSet<(String, String)> = table
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
        .map(|r| (r.method.as_str().to_lowercase(), r.path.to_string()))
        .collect();
    let mut documented = std::collections::BTreeSet::new();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            documented.insert((method.clone(), path.clone()));
            let what = format!("{method} {path}");
            assert!(
                ids.insert(op["operationId"].as_str().expect("id").to_string()),
                "{what}: duplicate operationId"
            );
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let names = skrb::web::openapi::placeholders(path);
            for p in &params {
                let name = p["name"].as_str().unwrap_or("");
                if p["in"] == "path" {
                    assert!(names.contains(&name), "{what}: {name} is not in the path");
                }
            }
            for n in &names {
                let p = params
                    .iter()
                    .find(|p| p["in"] == "path" && p["name"] == *n)
                    .unwrap_or_else(|| panic!("{what}: {{{n}}} is not declared"));
                assert!(
                    p["schema"]["type"].is_string(),
                    "{what}: {{{n}}} has no type"
                );
                assert_eq!(p["required"], true, "{what}");
            }
            let responses = op["responses"].as_object().expect("responses");
            let mut needed = vec!["400"];
            // A route anyone may call (signing in, the public page's JSON) refuses nobody.
            let public = table.iter().any(|r| {
                r.path == path.as_str()
                    && r.method.as_str().eq_ignore_ascii_case(method)
                    && matches!(r.access, skrb_kit::web::routes::Access::Public)
            });
            if !public {
                needed.extend(["401", "403"]);
            }
            if !names.is_empty() {
                needed.push("404");
            }
            if op.get("requestBody").is_some() {
                needed.extend(["413", "422"]);
            }
            for code in needed {
                let r = responses
                    .get(code)
                    .unwrap_or_else(|| panic!("{what}: {code} undocumented"));
                assert_eq!(
                    r["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{what} {code}"
                );
            }
        }
    }
    let missing: Vec<_> = api.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&api).collect();
    assert!(
        missing.is_empty(),
        "routes without a description: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "described operations without a route: {extra:?}"
    );

    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let text = doc.to_string();
    assert!(
        !text.contains(r#""default":"""#),
        "an empty default is left"
    );
    for (schema, property, values) in skrb::web::openapi::code_lists() {
        let p = &schemas
            .get(schema)
            .unwrap_or_else(|| panic!("no schema {schema}"))["properties"][property];
        let listed: Vec<&str> = p["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.{property} is not an enum"))
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(listed, values, "{schema}.{property}");
    }
    // Two types of one name would share one schema, and one of them would be wrong.
    let crates = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut names: std::collections::BTreeMap<String, String> = Default::default();
    let sources = std::fs::read_dir(crates)
        .expect("crates")
        .flatten()
        .map(|c| c.path().join("src"))
        .filter(|p| p.is_dir())
        .flat_map(|p| rust_files(&p));
    for file in sources {
        let code = std::fs::read_to_string(&file).expect("source");
        let lines: Vec<&str> = code.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if !l.contains("ToSchema") || !l.trim_start().starts_with("#[derive") {
                continue;
            }
            let mut renamed = None;
            for next in &lines[i + 1..] {
                let t = next.trim_start();
                if let Some(r) = t.strip_prefix("#[schema(as = ") {
                    renamed = r.split(')').next().map(str::to_string);
                } else if let Some(r) = t
                    .strip_prefix("pub struct ")
                    .or_else(|| t.strip_prefix("pub enum "))
                    .or_else(|| t.strip_prefix("struct "))
                    .or_else(|| t.strip_prefix("enum "))
                {
                    let name: String = r
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let name = renamed.take().unwrap_or(name);
                    let at = format!("{}:{}", file.display(), i + 1);
                    if let Some(before) = names.insert(name.clone(), at.clone()) {
                        panic!("two schemas named {name}: {before} and {at}");
                    }
                    break;
                } else if !t.starts_with("#[") && !t.starts_with("///") {
                    break;
                }
            }
        }
    }
    assert!(names.len() > 100, "{} schema types", names.len());
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// Creates a person through the API with a router of its own (for a writer task).
async fn post_person(router: axum::Router, token: &str, n: usize) -> Option<i64> {
    use tower::ServiceExt;
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/persons")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({"given_name": "Pisar", "family_name": format!("Zapis {n}")})
                .to_string(),
        ))
        .expect("request");
    let res = router.oneshot(req).await.expect("router");
    if res.status() != 201 {
        return None;
    }
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice::<serde_json::Value>(&bytes).ok()?["id"].as_i64()
}

/// A backup taken while a writer keeps saving persons holds everything committed before
/// it began, restores into an empty database with the audit chain intact (`skrb audit
/// verify` passes there), and will not replace a database whose chain has grown since
/// unless forced. On PostgreSQL this is `pg_dump` of one snapshot and `pg_restore`.
async fn backup_while_writing_and_restore(app: TestApp) {
    app.user("ana", skrb::auth::Role::SocialWorker).await;
    let token = app.token("ana").await;
    let committed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (router, token, committed, stop) = (
            app.router.clone(),
            token.clone(),
            committed.clone(),
            stop.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                if let Some(id) = post_person(router.clone(), &token, n).await {
                    committed.lock().expect("lock").push(id);
                }
            }
            n
        })
    };
    while committed.lock().expect("lock").len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before: Vec<i64> = committed.lock().expect("lock").clone();
    let dir = tempdir();
    let file = dir.join("backup.db");
    let m = skrb::backup::take(&app.db, &app.url, &file)
        .await
        .expect("backup while writing");
    // The writer went on during and after the backup.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let tries = writer.await.expect("writer");
    let after = committed.lock().expect("lock").len();
    assert!(
        after > before.len(),
        "the writer kept writing ({tries} tries)"
    );
    assert!(m.audit_records > 0 && m.audit_head.len() == 64, "{m:?}");
    assert_eq!(skrb::backup::read_manifest(&file).expect("manifest"), m);

    // Into an empty database of the same backend.
    let backend = if app.is_postgres() {
        crate::harness::Backend::Postgres
    } else {
        crate::harness::Backend::Sqlite
    };
    let (target, target_url, _guard) = crate::harness::fresh_db(backend).await;
    target.close().await;
    let v = skrb::backup::restore(&target_url, &file, false)
        .await
        .expect("restore");
    assert!(v.broken.is_none());
    assert!(
        v.records >= m.audit_records,
        "{} < {}",
        v.records,
        m.audit_records
    );
    let restored = skrb::db::Db::connect(&target_url).await.expect("open");
    let ids: Vec<i64> = skrb::sql_pool!(&restored, p => sqlx::query_scalar("SELECT id FROM person").fetch_all(p).await.expect("persons"));
    restored.close().await;
    let missing: Vec<&i64> = before.iter().filter(|id| !ids.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "committed before the backup, missing after: {missing:?}"
    );
    let (ok, out, err) = run_cli(&target_url, &["audit", "verify"]);
    assert!(ok && out.contains("intact"), "{out}{err}");
    assert!(
        out.contains(&m.audit_head) || v.records > m.audit_records,
        "{out}"
    );

    // The live database's chain has grown since: refused, and nothing changed.
    let live_before = app.num("SELECT COUNT(*) FROM person").await;
    let err = skrb::backup::restore(&app.url, &file, false)
        .await
        .expect_err("would lose audit records");
    assert!(format!("{err:#}").contains("--force"), "{err:#}");
    assert_eq!(app.num("SELECT COUNT(*) FROM person").await, live_before);
    // A damaged backup is refused too.
    let bad = dir.join("damaged.db");
    let mut bytes = std::fs::read(&file).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid..mid + 4096].fill(0xAB);
    std::fs::write(&bad, &bytes).expect("write");
    if !app.is_postgres() {
        assert!(skrb::backup::restore(&target_url, &bad, true)
            .await
            .is_err());
    } else {
        std::fs::copy(
            skrb::backup::manifest_path(&file),
            skrb::backup::manifest_path(&bad),
        )
        .expect("manifest");
        let err = skrb::backup::restore(&target_url, &bad, false)
            .await
            .expect_err("damaged");
        assert!(format!("{err:#}").contains("SHA-256"), "{err:#}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
both!(backup_while_writing_and_restore);

fn tempdir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "skrb-trust-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Nightly backups keep the newest N, with their manifests; other files stay.
#[test]
fn old_backups_are_pruned() {
    let dir = tempdir();
    for name in [
        "skrb-20261201-020000.db",
        "skrb-20261202-020000.db",
        "skrb-20261203-020000.db",
        "skrb-20261204-020000.db",
        "notes.txt",
    ] {
        std::fs::write(dir.join(name), b"x").expect("write");
        std::fs::write(dir.join(format!("{name}.json")), b"{}").expect("write");
    }
    let removed = skrb::backup::prune(&dir, 2).expect("prune");
    assert_eq!(removed.len(), 2);
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "notes.txt",
            "notes.txt.json",
            "skrb-20261203-020000.db",
            "skrb-20261203-020000.db.json",
            "skrb-20261204-020000.db",
            "skrb-20261204-020000.db.json"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Signed checkpoints name what the chain alone cannot: the newest records cut off, and
/// a chain rebuilt after an edit (every hash recomputed, so the chain itself checks
/// out). A forged checkpoint log is named too. Through `skrb audit verify` with the
/// key and the log in the configuration, as an operator runs it.
async fn checkpoints_catch_truncation_and_a_rebuilt_chain(app: TestApp) {
    app.user("ana", skrb::auth::Role::SocialWorker).await;
    let token = app.token("ana").await;
    for n in 0..6 {
        post_person(app.router.clone(), &token, n)
            .await
            .expect("person");
    }
    let dir = tempdir();
    let key = dir.join("audit.key");
    let log = dir.join("checkpoints.log");
    let (ok, out, err) = run_cli(
        &app.url,
        &["audit", "keygen", "--out", key.to_str().expect("path")],
    );
    assert!(ok && out.contains("Public key"), "{out}{err}");
    let config = dir.join("skrb.toml");
    std::fs::write(
        &config,
        format!(
            "audit_key_file = {:?}\naudit_checkpoint_file = {:?}\n",
            key.display().to_string(),
            log.display().to_string()
        ),
    )
    .expect("config");
    let conf = config.to_str().expect("path");
    let (ok, out, err) = run_cli(&app.url, &["--config", conf, "audit", "checkpoint"]);
    assert!(ok && out.contains("Checkpoint signed"), "{out}{err}");
    let signed = app.num("SELECT MAX(seq) FROM audit_log").await;
    // More work after the checkpoint, and a second checkpoint.
    post_person(app.router.clone(), &token, 7)
        .await
        .expect("person");
    let (ok, _, err) = run_cli(&app.url, &["--config", conf, "audit", "checkpoint"]);
    assert!(ok, "{err}");
    let lines = std::fs::read_to_string(&log).expect("log");
    assert_eq!(lines.lines().count(), 2, "{lines}");
    let (ok, out, err) = run_cli(&app.url, &["--config", conf, "audit", "verify"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("2 signed checkpoints agree"), "{out}");

    // Whoever can write the database drops the newest records: the chain alone is
    // still valid, the checkpoints say it was cut.
    if app.is_postgres() {
        app.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            .await;
    } else {
        app.exec("DROP TRIGGER audit_log_no_update").await;
        app.exec("DROP TRIGGER audit_log_no_delete").await;
    }
    app.exec(&format!("DELETE FROM audit_log WHERE seq > {signed}"))
        .await;
    let (ok, _, err) = run_cli(&app.url, &["audit", "verify"]);
    assert!(ok, "without checkpoints the cut goes unseen: {err}");
    let (ok, _, err) = run_cli(&app.url, &["--config", conf, "audit", "verify"]);
    assert!(!ok, "the cut is named");
    assert!(
        err.contains("was cut") && err.contains(&format!("ends at record {signed}")),
        "{err}"
    );

    // Or edits a record and recomputes every hash after it.
    app.exec(
        "UPDATE audit_log SET reason = 'nothing to see', seq = NULL, prev_hash = NULL, hash = NULL",
    )
    .await;
    skrb::audit::chain::seal(&app.db).await.expect("rebuild");
    let (ok, out, err) = run_cli(&app.url, &["audit", "verify"]);
    assert!(
        ok && out.contains("intact"),
        "the rebuilt chain checks out alone: {out}{err}"
    );
    let (ok, _, err) = run_cli(&app.url, &["--config", conf, "audit", "verify"]);
    assert!(!ok);
    assert!(err.contains("rebuilt"), "{err}");

    // A line signed by another key (someone rewriting the log as well).
    let other = dir.join("other.key");
    skrb::audit::checkpoint::keygen(&other).expect("key");
    let forged = skrb::audit::checkpoint::sign(
        &skrb::audit::checkpoint::load_key(&other).expect("key"),
        1,
        "00",
        time::OffsetDateTime::now_utc(),
    )
    .expect("sign");
    std::fs::write(&log, serde_json::to_string(&forged).expect("json") + "\n").expect("write");
    let (ok, _, err) = run_cli(&app.url, &["--config", conf, "audit", "verify"]);
    assert!(!ok);
    assert!(err.contains("not signed by the audit key"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
both!(checkpoints_catch_truncation_and_a_rebuilt_chain);

/// Every action the demo's work left in the audit log is one of the list an auditor
/// reads (`skrb_kit::audit::Action`), and the list has no code twice.
async fn audited_actions_are_the_known_ones(app: TestApp) {
    demo(&app).await;
    let codes = skrb_kit::audit::Action::codes();
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "an action code twice");
    let stored = strings(&app, "SELECT DISTINCT action FROM audit_log").await;
    assert!(stored.len() >= 5, "{stored:?}");
    for a in stored {
        assert!(codes.contains(&a.as_str()), "{a} is not an Action");
    }
}
both!(audited_actions_are_the_known_ones);

/// The API's description changes only on purpose: it is compared with the copy kept in
/// `tests/snapshots/openapi.json` (rewrite it with SKRB_UPDATE_SNAPSHOTS=1 when an
/// operation is added or changed, and read the diff in review).
#[test]
fn openapi_document_changes_only_on_purpose() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");
    let now = serde_json::to_string_pretty(skrb::web::openapi::spec()).expect("json") + "\n";
    let now: serde_json::Value = serde_json::from_str(&now).expect("json");
    if std::env::var("SKRB_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&now).expect("json") + "\n",
        )
        .expect("write snapshot");
        return;
    }
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("snapshot")).expect("json");
    if kept != now {
        let (a, b): (Vec<char>, Vec<char>) = (
            kept.to_string().chars().collect(),
            now.to_string().chars().collect(),
        );
        let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let near = |v: &[char]| -> String {
            v[at.saturating_sub(80)..(at + 80).min(v.len())]
                .iter()
                .collect()
        };
        panic!(
            "the API's description changed near …{}… (kept) vs …{}… (now); \
             if on purpose, run the test with SKRB_UPDATE_SNAPSHOTS=1",
            near(&a),
            near(&b)
        );
    }
}
