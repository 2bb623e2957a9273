//! Security and privacy (issue 3): the audit chain, the role/route matrix, CSRF,
//! sessions, throttling, the second factor, API tokens, data scope, restricted files,
//! subject export, auditor views and retention. Every scenario runs on both databases.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use skrb::audit::chain::{self, Break};
use skrb::auth::sessions::{self, Kind, Stage};
use skrb::auth::{mfa, policy, Permission, Role};
use skrb::web::routes::Access;
use time::{Duration, OffsetDateTime};

use crate::both;
use crate::harness::{csrf_for, enc, life, Res, TestApp, PASSWORD};

async fn new_person(app: &TestApp, token: &str, given: &str, family: &str) -> i64 {
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(token),
            Some(json!({"given_name": given, "family_name": family})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().expect("id")
}

/// How many audit records have this action.
async fn audited(app: &TestApp, action: &str) -> i64 {
    app.num(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
    ))
    .await
}

/// Moves every timestamp of a column back, as if time had passed.
async fn age(app: &TestApp, table: &str, column: &str, by: Duration) {
    let now = OffsetDateTime::now_utc() - by;
    let q = format!("UPDATE {table} SET {column} = $1");
    skrb::sql_pool!(&app.db, p => sqlx::query(&q).bind(now).execute(p).await.expect("age").rows_affected());
}

async fn api_login_from(app: &TestApp, ip: &str, user: &str, password: &str) -> Res {
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/session")
        .header(header::ACCEPT_LANGUAGE, "en")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": user, "password": password}).to_string(),
        ))
        .expect("request");
    app.send_from(ip, req).await
}

// ---------------------------------------------------------------- audit chain

/// The chain is intact after real work, the database refuses edits, and an edit or a
/// removal made behind its back is found and named, by the library and by the CLI.
async fn audit_chain_detects_tampering(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let t = app.token("sonja").await;
    for name in ["Ana", "Bor", "Cene"] {
        new_person(&app, &t, name, "Novak").await;
    }
    // Requests write unsealed records; the sealer links them (the server runs it every
    // quarter second; here it is called).
    let total = app.num("SELECT COUNT(*) FROM audit_log").await;
    assert!(total >= 4);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
            .await,
        total
    );
    assert_eq!(chain::seal(&app.db).await.expect("seal"), total as u64);
    let v = chain::verify(&app.db, |_| {}).await.expect("verify");
    assert!(v.broken.is_none(), "{:?}", v.broken);
    assert_eq!(v.records as i64, total);
    assert_eq!(v.unsealed, 0);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE hash IS NULL OR prev_hash IS NULL")
            .await,
        0
    );
    let (ok, out, _) = crate::harness::run_cli(&app.url, &["audit", "verify"]);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("intact: {total} records")), "{out}");
    assert!(out.contains(&v.head), "{out}");

    // Append-only: a sealed record can be neither changed nor removed.
    let edit = "UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 2";
    let refused = skrb::sql_pool!(&app.db, p => sqlx::query(edit).execute(p).await.map(|r| r.rows_affected()));
    assert!(refused.is_err());
    let refused = skrb::sql_pool!(&app.db, p => sqlx::query("DELETE FROM audit_log WHERE seq = 3").execute(p).await.map(|r| r.rows_affected()));
    assert!(refused.is_err());

    // Someone with the database owner's rights removes the guard and edits a record.
    if app.is_postgres() {
        app.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            .await;
    } else {
        app.exec("DROP TRIGGER audit_log_no_update").await;
        app.exec("DROP TRIGGER audit_log_no_delete").await;
    }
    app.exec(edit).await;
    let v = chain::verify(&app.db, |_| {}).await.expect("verify");
    assert_eq!(
        v.broken,
        Some(Break {
            seq: 2,
            problem: "content does not match its hash"
        })
    );
    assert_eq!(v.records, 1);
    let (ok, _, err) = crate::harness::run_cli(&app.url, &["audit", "verify"]);
    assert!(!ok);
    assert!(err.contains("broken at record 2"), "{err}");

    // Put the content back: intact again. Then remove a record: named as missing.
    app.exec("UPDATE audit_log SET reason = NULL WHERE seq = 2")
        .await;
    assert!(chain::verify(&app.db, |_| {})
        .await
        .expect("verify")
        .broken
        .is_none());
    // Records not yet sealed (an upgraded database, or a stop before the sealer ran)
    // are sealed in order at the next start.
    app.exec("INSERT INTO audit_log (at, action, entity) VALUES ('2025-01-01T00:00:00Z', 'read', 'person')")
        .await;
    assert_eq!(
        chain::verify(&app.db, |_| {})
            .await
            .expect("verify")
            .unsealed,
        1
    );
    app.db.migrate().await.expect("migrate seals");
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE hash IS NULL")
            .await,
        0
    );
    let v = chain::verify(&app.db, |_| {}).await.expect("verify");
    assert!(v.broken.is_none(), "{:?}", v.broken);
    assert_eq!(v.records as i64, total + 1);
    app.exec("DELETE FROM audit_log WHERE seq = 3").await;
    let v = chain::verify(&app.db, |_| {}).await.expect("verify");
    assert_eq!(
        v.broken,
        Some(Break {
            seq: 3,
            problem: "missing"
        })
    );
}
both!(audit_chain_detects_tampering);

/// Reads that arrive together have their records committed together (the journal), yet
/// every read is answered only with its own record in the log: sixty reads at once of
/// one person leave sixty records, each once, and the chain seals them intact.
async fn reads_at_once_are_each_recorded_once(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let t = app.token("sonja").await;
    let id = new_person(&app, &t, "Ana", "Novak").await;
    let path = format!("/api/v1/persons/{id}");
    let reads = (0..60).map(|_| app.api("GET", &path, Some(&t), None));
    for r in futures_util::future::join_all(reads).await {
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let recorded = format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'person' AND person_id = {id}"
    );
    assert_eq!(app.num(&recorded).await, 60);
    chain::seal(&app.db).await.expect("seal");
    let v = chain::verify(&app.db, |_| {}).await.expect("verify");
    assert!(v.broken.is_none(), "{:?}", v.broken);
    assert_eq!(v.unsealed, 0);
}
both!(reads_at_once_are_each_recorded_once);

// ---------------------------------------------------------------- role/route matrix

async fn api_session(app: &TestApp, user_id: i64) -> String {
    sessions::create(&app.db, user_id, Kind::Api, Stage::Full, life())
        .await
        .expect("session")
        .0
}

async fn status(app: &TestApp, token: &str, path: &str) -> StatusCode {
    app.api("GET", path, Some(token), None).await.status
}

/// Every route of the router, called as every role and as nobody: a role without the
/// route's permission is refused with 403, a role with it is not, and nobody gets past
/// a route that needs a sign-in.
async fn every_route_refuses_roles_without_its_permission(app: TestApp) {
    let (_, table) = skrb::web::route_table().into_parts();
    assert!(table.len() >= 50, "{} routes", table.len());
    let mut users = Vec::new();
    for role in Role::ALL {
        let id = app.user(role.code(), role).await;
        let perms = policy::load(&app.db, role).await.expect("policy").perms;
        users.push((role, id, perms));
    }
    let pre = app.pre_cookie().await;
    let mut checked = 0;
    for r in &table {
        let path = r
            .path
            .replace("{id}", "1")
            .replace("{member}", "1")
            .replace("{role}", "partner")
            .replace("{file}", "skrb.css");
        let api = path.starts_with("/api/");
        let res = app.call_route(&r.method, &path, None, &pre).await;
        let what = format!("{} {}", r.method, r.path);
        match r.access {
            Access::Public => assert!(
                res.status != StatusCode::UNAUTHORIZED && res.status != StatusCode::FORBIDDEN,
                "{what} without sign-in: {}",
                res.status
            ),
            _ if api => assert_eq!(res.status, 401, "{what} without sign-in"),
            _ => {
                assert_eq!(res.status, 303, "{what} without sign-in");
                assert!(res.header("location").starts_with("/login"), "{what}");
            }
        }
        for (role, id, perms) in &users {
            let kind = if api { Kind::Api } else { Kind::Web };
            let (token, _) = sessions::create(&app.db, *id, kind, Stage::Full, life())
                .await
                .expect("session");
            let res = app.call_route(&r.method, &path, Some(&token), &pre).await;
            let refuse = matches!(r.access, Access::Perm(p) if !perms.has(p));
            if refuse {
                assert_eq!(res.status, 403, "{what} as {}", role.code());
            } else {
                assert_ne!(res.status, 403, "{what} as {}: {}", role.code(), res.body);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, table.len() * Role::ALL.len());
    // Refusals are audited.
    assert!(audited(&app, "denied").await > 0);

    // Independent of the table: the defaults DESIGN.md describes.
    let id_of = |role: Role| users.iter().find(|u| u.0 == role).map(|u| u.1).unwrap_or(0);
    let partner = api_session(&app, id_of(Role::Partner)).await;
    let ministry = api_session(&app, id_of(Role::Ministry)).await;
    let social = api_session(&app, id_of(Role::SocialWorker)).await;
    let auditor = api_session(&app, id_of(Role::Auditor)).await;
    assert_eq!(status(&app, &partner, "/api/v1/persons?q=novak").await, 403);
    assert_eq!(
        status(&app, &ministry, "/api/v1/persons?q=novak").await,
        403
    );
    assert_eq!(status(&app, &social, "/api/v1/persons?q=novak").await, 200);
    assert_eq!(status(&app, &social, "/api/v1/roles").await, 403);
    assert_eq!(
        status(&app, &auditor, "/api/v1/audit?user=nobody").await,
        200
    );
    let (tok, _) = sessions::create(&app.db, users[11].1, Kind::Web, Stage::Full, life())
        .await
        .expect("session");
    assert_eq!(users[11].0, Role::Ministry);
    let r = app
        .page("/statistics", &format!("skrb_session={tok}"))
        .await;
    assert_eq!(r.status, 200);
}
both!(every_route_refuses_roles_without_its_permission);

/// An administrator changes the matrix: it applies at the next request, is audited, and
/// the last role able to manage roles cannot lose that permission.
async fn roles_are_editable_by_an_administrator(app: TestApp) {
    app.user("ana", Role::Administrator).await;
    app.user("fran", Role::FinanceOfficer).await;
    let admin = app.token("ana").await;
    let fran = app.token("fran").await;
    assert_eq!(status(&app, &fran, "/api/v1/persons?q=x").await, 200);
    let r = app
        .api(
            "PUT",
            "/api/v1/roles/finance_officer",
            Some(&admin),
            Some(json!({"permissions": ["statistics.read"]})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(status(&app, &fran, "/api/v1/persons?q=x").await, 403);
    let roles = app
        .api("GET", "/api/v1/roles", Some(&admin), None)
        .await
        .json();
    let fin = roles
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["role"] == "finance_officer")
        .expect("finance");
    assert_eq!(fin["permissions"], json!(["statistics.read"]));
    assert_eq!(
        app.num(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'role' AND reason = 'finance_officer'"
        )
        .await,
        1
    );
    // The only role that manages roles keeps that permission.
    let r = app
        .api(
            "PUT",
            "/api/v1/roles/administrator",
            Some(&admin),
            Some(json!({"permissions": ["registry.read"]})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("manage roles"), "{}", r.body);
    // The form in the browser: ticking a box gives the permission.
    let c = app.browser_login("ana").await;
    let r = app.page("/admin/roles", &c).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("name=\"partner\" value=\"registry.read\""));
    let mut fields: Vec<(String, String)> = Vec::new();
    for (role, p) in policy::matrix(&app.db).await.expect("matrix") {
        for perm in p.perms.iter() {
            fields.push((role.code().into(), perm.code().into()));
        }
    }
    fields.push(("partner".into(), "statistics.read".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.form("/admin/roles", &c, &refs).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let partner = policy::load(&app.db, Role::Partner).await.expect("policy");
    assert!(partner.perms.has(Permission::StatisticsRead));
    assert!(!partner.perms.has(Permission::RegistryRead));
}
both!(roles_are_editable_by_an_administrator);

// ---------------------------------------------------------------- CSRF and sessions

async fn forged_forms_are_refused(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let c = app.browser_login("sonja").await;
    let fields = [("given_name", "Ana"), ("family_name", "Novak")];
    // No token, a made-up one, and another session's: all refused, nothing written.
    let r = app.raw_form("/persons/new", &c, &fields).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Skrb"), "{:?} {}", r.headers, r.body);
    let mut forged = fields.to_vec();
    forged.push(("_csrf", "forged"));
    assert_eq!(app.raw_form("/persons/new", &c, &forged).await.status, 403);
    let other = app.browser_login("sonja").await;
    let other_token = csrf_for(&other).expect("token");
    let mut stolen = fields.to_vec();
    stolen.push(("_csrf", other_token.as_str()));
    assert_eq!(app.raw_form("/persons/new", &c, &stolen).await.status, 403);
    assert_eq!(app.num("SELECT COUNT(*) FROM person").await, 0);
    assert_eq!(audited(&app, "csrf-refused").await, 3);
    // The page's token as a header (htmx) or as a field: accepted.
    let req = Request::builder()
        .method("POST")
        .uri("/persons/new")
        .header(header::COOKIE, &c)
        .header("x-csrf-token", csrf_for(&c).expect("token"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("given_name=Ana&family_name=Novak"))
        .expect("request");
    assert_eq!(app.send(req).await.status, 303);
    assert_eq!(app.form("/persons/new", &c, &fields).await.status, 303);
    assert_eq!(app.num("SELECT COUNT(*) FROM person").await, 2);
    // The page carries the token for htmx and for each form.
    let page = app.page("/persons/new", &c).await;
    let token = csrf_for(&c).expect("token");
    assert!(page
        .body
        .contains(&format!("name=\"csrf-token\" content=\"{token}\"")));
    assert!(page
        .body
        .contains(&format!("name=\"_csrf\" value=\"{token}\"")));
    // The sign-in form needs the pre-session cookie it was served with.
    let creds = [("username", "sonja"), ("password", PASSWORD)];
    assert_eq!(app.raw_form("/login", "", &creds).await.status, 403);
    let pre = app.pre_cookie().await;
    assert_eq!(app.raw_form("/login", &pre, &creds).await.status, 403);
    assert_eq!(app.form("/login", &pre, &creds).await.status, 303);
}
both!(forged_forms_are_refused);

async fn sessions_rotate_expire_and_end_everywhere(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let c1 = app.browser_login("sonja").await;
    let c2 = app.browser_login("sonja").await;
    assert_ne!(c1, c2);
    let token = c1.trim_start_matches("skrb_session=");
    // At least 128 bits: 32 random bytes, base64.
    assert!(token.len() >= 43, "{token}");
    assert_eq!(app.page("/", &c1).await.status, 200);
    // Signing in again from the same browser replaces its session id.
    let r = app
        .form(
            "/login",
            &c1,
            &[("username", "sonja"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 303);
    let set = r.header("set-cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "{set}");
    let c3 = format!("skrb_session={}", r.cookie("skrb_session").expect("cookie"));
    assert_ne!(c3, c1);
    assert_eq!(app.page("/", &c1).await.status, 303);
    assert_eq!(app.page("/", &c3).await.status, 200);
    // A made-up cookie: sent to sign in, the cookie cleared, the attempt audited.
    let r = app.page("/", "skrb_session=made-up").await;
    assert_eq!(r.status, 303);
    assert!(r.header("location").starts_with("/login"));
    assert_eq!(r.cookie("skrb_session").as_deref(), Some(""));
    assert!(audited(&app, "token-refused").await >= 2);
    // Sign out everywhere: the other browser's session ends too.
    assert_eq!(app.form("/logout/everywhere", &c3, &[]).await.status, 303);
    assert_eq!(app.page("/", &c2).await.status, 303);
    assert_eq!(app.page("/", &c3).await.status, 303);
    assert_eq!(audited(&app, "logout-everywhere").await, 1);
    // Idle for longer than 30 minutes: refused.
    let c4 = app.browser_login("sonja").await;
    age(&app, "session", "last_seen_at", Duration::minutes(31)).await;
    // A form sent after the session expired leads to sign-in, not to a forgery error.
    let r = app
        .form(
            "/persons/new",
            &c4,
            &[("given_name", "Ana"), ("family_name", "Novak")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        r.header("location").starts_with("/login"),
        "{}",
        r.header("location")
    );
    // Signing out still works, token or not.
    let r = app.raw_form("/logout", &c4, &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(app.page("/", &c4).await.status, 303);
    // Past the absolute lifetime, however busy: refused.
    let c5 = app.browser_login("sonja").await;
    age(&app, "session", "expires_at", Duration::minutes(1)).await;
    assert_eq!(app.page("/", &c5).await.status, 303);
    // A disabled user's bearer token stops working at once, with an audit entry.
    let t = app.token("sonja").await;
    skrb::auth::users::set_active(&app.db, "sonja", false)
        .await
        .expect("disable");
    let r = app
        .api("GET", "/api/v1/municipalities", Some(&t), None)
        .await;
    assert_eq!(r.status, 401);
    assert!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'token-refused' AND reason = 'unknown session'")
            .await
            >= 1
    );
}
both!(sessions_rotate_expire_and_end_everywhere);

/// Served over TLS: cookies are Secure and browsers are told to stay on HTTPS.
async fn tls_hardens_cookies_and_headers(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let pre = app.pre_cookie().await;
    let r = app
        .form(
            "/login",
            &pre,
            &[("username", "sonja"), ("password", PASSWORD)],
        )
        .await;
    assert!(r.header("set-cookie").contains("Secure"));
    assert!(r.header("strict-transport-security").contains("max-age="));
    let page = app.page("/login", "").await;
    assert!(page
        .header("content-security-policy")
        .contains("frame-ancestors 'none'"));
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(page.header("x-frame-options"), "DENY");
}
mod tls_hardens_cookies_and_headers {
    use crate::harness::{Backend, TestApp};
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::tls_hardens_cookies_and_headers(
            TestApp::with(Backend::Sqlite, |c| c.tls = true).await,
        )
        .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::tls_hardens_cookies_and_headers(
            TestApp::with(Backend::Postgres, |c| c.tls = true).await,
        )
        .await
    }
}

async fn no_hsts_without_tls(app: TestApp) {
    let page = app.page("/login", "").await;
    assert_eq!(page.header("strict-transport-security"), "");
}
both!(no_hsts_without_tls);

// ---------------------------------------------------------------- throttling, passwords

async fn login_throttling_slows_guessing_without_locking_out(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    for _ in 0..5 {
        let r = api_login_from(&app, "10.0.0.1", "sonja", "wrong password!").await;
        assert_eq!(r.status, 401);
    }
    // The sixth try from there waits, even with the right password.
    let r = api_login_from(&app, "10.0.0.1", "sonja", PASSWORD).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["retry_after_minutes"], 15);
    assert_eq!(r.header("retry-after"), "900");
    assert!(r.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("15 minutes"));
    assert_eq!(audited(&app, "login-throttled").await, 1);
    // Sonja at her own desk is not locked out by someone guessing elsewhere.
    let r = api_login_from(&app, "10.0.0.2", "sonja", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The wait ends: failures age out of the window.
    age(&app, "login_failure", "at", Duration::minutes(16)).await;
    let r = api_login_from(&app, "10.0.0.1", "sonja", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The browser form says the same in the user's language.
    for _ in 0..5 {
        api_login_from(&app, "10.0.0.3", "sonja", "wrong password!").await;
    }
    let pre = app.pre_cookie().await;
    let csrf = csrf_for(&pre).expect("token");
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::COOKIE, &pre)
        .header(header::ACCEPT_LANGUAGE, "sl")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username=sonja&password={}&_csrf={}",
            enc(PASSWORD),
            enc(&csrf)
        )))
        .expect("request");
    let r = app.send_from("10.0.0.3", req).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), "900");
    assert!(r.body.contains("Preveč neuspešnih prijav"), "{}", r.body);
}
both!(login_throttling_slows_guessing_without_locking_out);

async fn passwords_by_length_not_common_and_upgraded(app: TestApp) {
    let err = skrb::auth::users::add(&app.db, "ana", "Ana", Role::SocialWorker, "password123")
        .await
        .expect_err("common password");
    assert!(err.to_string().contains("most common"), "{err}");
    app.user("sonja", Role::SocialWorker).await;
    let c = app.browser_login("sonja").await;
    let app = &app;
    let change = |new: &'static str| {
        let c = c.clone();
        async move {
            app.form(
                "/account/password",
                &c,
                &[("current", PASSWORD), ("new", new), ("repeat", new)],
            )
            .await
        }
    };
    let r = change("qwertyuiop").await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("most common") || r.body.contains("najpogostej"),
        "{}",
        r.body
    );
    let r = change("short").await;
    assert_eq!(r.status, 422);
    // A hash made with weaker parameters is replaced at the next sign-in.
    let weak = {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let a = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8192, 1, 1, None).expect("params"),
        );
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        a.hash_password(PASSWORD.as_bytes(), &salt)
            .expect("hash")
            .to_string()
    };
    app.exec(&format!(
        "UPDATE app_user SET password_hash = '{weak}' WHERE username = 'sonja'"
    ))
    .await;
    app.token("sonja").await;
    let stored: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT password_hash FROM app_user WHERE username = 'sonja'").fetch_one(p).await.expect("hash"));
    assert_ne!(stored, weak);
    assert!(stored.contains("m=19456"), "{stored}");
    // A good new password: changed, every session ended, sign in again.
    let r = change("žabe skačejo po travi").await;
    assert_eq!(r.status, 303);
    assert_eq!(app.page("/", &c).await.status, 303);
}
both!(passwords_by_length_not_common_and_upgraded);

// ---------------------------------------------------------------- second factor

async fn totp_second_factor_and_recovery_codes(app: TestApp) {
    let id = app.user("sonja", Role::SocialWorker).await;
    let c = app.browser_login("sonja").await;
    let r = app.page("/account/totp", &c).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<svg"), "QR code shown");
    let secret: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT totp_pending FROM app_user WHERE id = $1").bind(id).fetch_one(p).await.expect("secret"));
    assert!(r.body.contains(&secret));
    // A wrong code does not turn it on.
    let r = app.form("/account/totp", &c, &[("code", "000000")]).await;
    assert_eq!(r.status, 422);
    let code = mfa::code_at_offset(&secret, 0).expect("code");
    let r = app.form("/account/totp", &c, &[("code", &code)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let codes: Vec<String> = r
        .body
        .split("<li><code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .map(str::to_string)
        .collect();
    assert_eq!(codes.len(), 10, "{}", r.body);
    // Signing in now takes two steps; after the first, nothing is open yet.
    let pre = app.pre_cookie().await;
    let r = app
        .form(
            "/login",
            &pre,
            &[("username", "sonja"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.header("location").starts_with("/login/totp"));
    let half = format!("skrb_session={}", r.cookie("skrb_session").expect("cookie"));
    assert_eq!(app.page("/", &half).await.status, 303);
    assert_eq!(app.page("/login/totp", &half).await.status, 200);
    let r = app.form("/login/totp", &half, &[("code", "123456")]).await;
    assert_eq!(r.status, 401);
    // The code of the set-up step was used: it does not work twice.
    let r = app.form("/login/totp", &half, &[("code", &code)]).await;
    assert_eq!(r.status, 401);
    let next = mfa::code_at_offset(&secret, 1).expect("code");
    let r = app.form("/login/totp", &half, &[("code", &next)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The session id changes with the privilege.
    let full = format!("skrb_session={}", r.cookie("skrb_session").expect("cookie"));
    assert_ne!(full, half);
    assert_eq!(app.page("/", &half).await.status, 303);
    assert_eq!(app.page("/", &full).await.status, 200);
    // A recovery code works once.
    let r = app
        .form(
            "/login",
            &pre,
            &[("username", "sonja"), ("password", PASSWORD)],
        )
        .await;
    let half = format!("skrb_session={}", r.cookie("skrb_session").expect("cookie"));
    let r = app.form("/login/totp", &half, &[("code", &codes[0])]).await;
    assert_eq!(r.status, 303);
    assert_eq!(mfa::recovery_left(&app.db, id).await.expect("left"), 9);
    let r = app
        .form(
            "/login",
            &pre,
            &[("username", "sonja"), ("password", PASSWORD)],
        )
        .await;
    let half = format!("skrb_session={}", r.cookie("skrb_session").expect("cookie"));
    assert_eq!(
        app.form("/login/totp", &half, &[("code", &codes[0])])
            .await
            .status,
        401
    );
    // The API asks for the code too.
    let r = app
        .api(
            "POST",
            "/api/v1/session",
            None,
            Some(json!({"username": "sonja", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = app
        .api(
            "POST",
            "/api/v1/session",
            None,
            Some(json!({"username": "sonja", "password": PASSWORD, "totp": codes[1]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(audited(&app, "totp-enabled").await, 1);
    assert!(audited(&app, "totp-failed").await >= 3);
}
both!(totp_second_factor_and_recovery_codes);

/// A role that requires the second factor sends its users to set one up first.
async fn a_role_can_require_the_second_factor(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    app.exec("INSERT INTO role_setting (role, totp_required) VALUES ('social_worker', TRUE)")
        .await;
    let c = app.browser_login("sonja").await;
    let r = app.page("/persons?q=x", &c).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), "/account/totp");
    let r = app.page("/account/totp", &c).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Your role requires") || r.body.contains("zahteva"),
        "{}",
        r.body
    );
    let t = app.token("sonja").await;
    let r = app.api("GET", "/api/v1/persons?q=x", Some(&t), None).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("two-step"), "{}", r.body);
}
both!(a_role_can_require_the_second_factor);

// ---------------------------------------------------------------- API tokens

async fn personal_api_tokens_are_scoped_expiring_revocable(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let session = app.token("sonja").await;
    // A scope the user does not have is refused, in words.
    let r = app
        .api(
            "POST",
            "/api/v1/tokens",
            Some(&session),
            Some(json!({"name": "x", "scopes": ["user.admin"], "days": 30})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("user.admin"), "{}", r.body);
    let r = app
        .api(
            "POST",
            "/api/v1/tokens",
            Some(&session),
            Some(json!({"name": "report script", "scopes": ["registry.read"], "days": 30})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    let pat = body["token"].as_str().expect("token").to_string();
    assert!(pat.starts_with("skrb_pat_"));
    let id = body["id"].as_i64().expect("id");
    // Only the hash is stored.
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM api_token WHERE token_hash LIKE '%{}%'",
            &pat[9..20]
        ))
        .await,
        0
    );
    assert_eq!(status(&app, &pat, "/api/v1/persons?q=x").await, 200);
    // The scope holds: no writing, no minting more tokens.
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&pat),
            Some(json!({"given_name": "Ana", "family_name": "Novak"})),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = app
        .api(
            "POST",
            "/api/v1/tokens",
            Some(&pat),
            Some(json!({"name": "y", "scopes": ["registry.read"], "days": 1})),
        )
        .await;
    assert_eq!(r.status, 403);
    let list = app
        .api("GET", "/api/v1/tokens", Some(&session), None)
        .await
        .json();
    assert_eq!(list[0]["name"], "report script");
    assert!(list[0]["last_used_at"].is_string());
    // Revoked: refused and audited.
    let r = app
        .api(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Some(&session),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(status(&app, &pat, "/api/v1/persons?q=x").await, 401);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'token-refused' AND reason = 'token revoked'")
            .await,
        1
    );
    // Expired: refused.
    let r = app
        .api(
            "POST",
            "/api/v1/tokens",
            Some(&session),
            Some(json!({"name": "short", "scopes": ["registry.read"], "days": 1})),
        )
        .await;
    let pat2 = r.json()["token"].as_str().expect("token").to_string();
    age(&app, "api_token", "expires_at", Duration::minutes(1)).await;
    assert_eq!(status(&app, &pat2, "/api/v1/persons?q=x").await, 401);
    // A disabled user's tokens stop working.
    let r = app
        .api(
            "POST",
            "/api/v1/tokens",
            Some(&session),
            Some(json!({"name": "live", "scopes": ["registry.read"], "days": 5})),
        )
        .await;
    let pat3 = r.json()["token"].as_str().expect("token").to_string();
    skrb::auth::users::set_active(&app.db, "sonja", false)
        .await
        .expect("disable");
    assert_eq!(status(&app, &pat3, "/api/v1/persons?q=x").await, 401);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'token-refused' AND reason = 'user disabled'")
            .await,
        1
    );
    skrb::auth::users::set_active(&app.db, "sonja", true)
        .await
        .expect("enable");
    // The account page makes and lists tokens too.
    let c = app.browser_login("sonja").await;
    let r = app
        .form(
            "/account/tokens",
            &c,
            &[
                ("name", "from the page"),
                ("scopes", "registry.read"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("skrb_pat_"));
    assert!(r.body.contains("from the page"));
}
both!(personal_api_tokens_are_scoped_expiring_revocable);

// ---------------------------------------------------------------- scope, restricted files

/// Two centres: each sees its own persons only; the ministry sees figures, not persons.
async fn users_see_only_their_centre(app: TestApp) {
    app.exec("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('a', 'Centre A', 'SI', 'EUR')")
        .await;
    app.exec("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('b', 'Centre B', 'RS', 'BAM')")
        .await;
    for (u, centre) in [("ana", "a"), ("bojan", "b")] {
        app.user(u, Role::SocialWorker).await;
        skrb::auth::users::set_centre(&app.db, u, centre)
            .await
            .expect("centre");
    }
    app.user("mojca", Role::Ministry).await;
    let a = app.token("ana").await;
    let b = app.token("bojan").await;
    let p = new_person(&app, &a, "Alenka", "Kovač").await;
    new_person(&app, &b, "Борис", "Петровић").await;
    let app = &app;
    let found = |tok: String, q: &'static str| async move {
        let r = app
            .api("GET", &format!("/api/v1/persons?q={q}"), Some(&tok), None)
            .await;
        r.json()["total"].as_i64().unwrap_or(-1)
    };
    assert_eq!(found(a.clone(), "kovac").await, 1);
    assert_eq!(found(b.clone(), "kovac").await, 0);
    assert_eq!(found(b.clone(), "petrovic").await, 1);
    let r = app
        .api("GET", &format!("/api/v1/persons/{p}"), Some(&b), None)
        .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("another centre"), "{}", r.body);
    let denied = app
        .num("SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND username = 'bojan'")
        .await;
    assert_eq!(denied, 1);
    // Registering her again from the other centre is caught, without naming her.
    app.exec(&format!(
        "UPDATE person SET emso = '1506950505123' WHERE id = {p}"
    ))
    .await;
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&b),
            Some(json!({"given_name": "Alenka", "family_name": "Kovač", "emso": "1506950505123"})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("emso-duplicate"), "{}", r.body);
    assert!(r.body.contains("may not see"), "{}", r.body);
    assert!(!r.body.contains(&format!("#{p}")), "{}", r.body);
    // Nor the household: its address would give the family away.
    let r = app
        .api(
            "POST",
            "/api/v1/households",
            Some(&a),
            Some(json!({"head_person_id": p, "address": "Cankarjeva 1"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let h = r.json()["household"]["id"].as_i64().expect("id");
    let r = app
        .api("GET", &format!("/api/v1/households/{h}"), Some(&b), None)
        .await;
    assert_eq!(r.status, 403);
    assert!(!r.body.contains("Cankarjeva"));
    // The start page counts only the user's centre.
    let cb = app.browser_login("bojan").await;
    let home = app.page("/", &cb).await;
    assert!(
        home.body.contains("1 person") || home.body.contains("1 oseb"),
        "{}",
        home.body
    );
    // The ministry: aggregates of all centres, no personal data.
    let m = app.token("mojca").await;
    assert_eq!(status(app, &m, &format!("/api/v1/persons/{p}")).await, 403);
    let c = app.browser_login("mojca").await;
    let r = app.page("/statistics", &c).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Centre A") && r.body.contains("Centre B"));
    assert!(!r.body.contains("Alenka"));
}
both!(users_see_only_their_centre);

async fn restricted_files_and_breaking_the_glass(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    app.user("tina", Role::SocialWorker).await;
    app.user("vesna", Role::HeadOfUnit).await;
    app.user("pia", Role::Partner).await;
    let sonja = app.token("sonja").await;
    let tina = app.token("tina").await;
    let vesna = app.token("vesna").await;
    let p = new_person(&app, &sonja, "Mija", "Zorko").await;
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{p}/restriction"),
            Some(&sonja),
            Some(json!({"restricted": true, "team": []})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["team"][0][1], "sonja name");
    // The team reads; a colleague outside it is refused and offered the glass.
    assert_eq!(
        status(&app, &sonja, &format!("/api/v1/persons/{p}")).await,
        200
    );
    let r = app
        .api("GET", &format!("/api/v1/persons/{p}"), Some(&tina), None)
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["may_break_glass"], true);
    let r = app
        .api("GET", "/api/v1/persons?q=zorko", Some(&tina), None)
        .await;
    assert_eq!(r.json()["total"], 0);
    // In the browser, the refusal page carries the form.
    let c = app.browser_login("tina").await;
    let r = app.page(&format!("/persons/{p}"), &c).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains(&format!("/persons/{p}/break-glass")));
    // A reason is required.
    let r = app
        .api(
            "POST",
            &format!("/api/v1/persons/{p}/break-glass"),
            Some(&tina),
            Some(json!({"reason": "need"})),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = app
        .form(
            &format!("/persons/{p}/break-glass"),
            &c,
            &[("reason", "Police call at night, child at risk")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(app.page(&format!("/persons/{p}"), &c).await.status, 200);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'break-glass' AND person_id = {p} \
             AND reason = 'Police call at night, child at risk'"
        ))
        .await,
        1
    );
    // The head of unit is told, and marks it reviewed.
    let v = app.browser_login("vesna").await;
    let home = app.page("/", &v).await;
    assert!(home.body.contains("/glass"), "{}", home.body);
    let list = app
        .api("GET", "/api/v1/glass-breaks", Some(&vesna), None)
        .await
        .json();
    assert_eq!(list[0]["username"], "tina");
    let gid = list[0]["id"].as_i64().expect("id");
    let r = app
        .api(
            "POST",
            &format!("/api/v1/glass-breaks/{gid}/review"),
            Some(&vesna),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let list = app
        .api("GET", "/api/v1/glass-breaks", Some(&vesna), None)
        .await
        .json();
    assert_eq!(list, json!([]));
    // The glass closes after its hours.
    age(&app, "glass_break", "expires_at", Duration::minutes(1)).await;
    assert_eq!(
        status(&app, &tina, &format!("/api/v1/persons/{p}")).await,
        403
    );
    // A partner may not break the glass at all.
    let pia = app.token("pia").await;
    let r = app
        .api(
            "POST",
            &format!("/api/v1/persons/{p}/break-glass"),
            Some(&pia),
            Some(json!({"reason": "I would like to see it"})),
        )
        .await;
    assert_eq!(r.status, 403);
    // Lifting the restriction opens the file to the centre again.
    let s = app.browser_login("sonja").await;
    let r = app
        .form(&format!("/persons/{p}/restriction"), &s, &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        status(&app, &tina, &format!("/api/v1/persons/{p}")).await,
        200
    );
}
both!(restricted_files_and_breaking_the_glass);

// ---------------------------------------------------------------- privacy

async fn subject_export_and_auditor_views(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    app.user("rok", Role::Auditor).await;
    app.user("ana", Role::Administrator).await;
    let sonja = app.token("sonja").await;
    let p = new_person(&app, &sonja, "Maja", "Horvat").await;
    app.api("GET", &format!("/api/v1/persons/{p}"), Some(&sonja), None)
        .await;
    // The auditor: who accessed this file.
    let rok = app.token("rok").await;
    let r = app
        .api(
            "GET",
            &format!("/api/v1/audit?person={p}"),
            Some(&rok),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rows: Vec<Value> = r.json().as_array().expect("rows").clone();
    assert!(rows
        .iter()
        .any(|x| x["username"] == "sonja" && x["action"] == "read"));
    assert!(rows
        .iter()
        .any(|x| x["username"] == "sonja" && x["action"] == "create"));
    // ... and what a user did.
    let r = app
        .api("GET", "/api/v1/audit?user=sonja", Some(&rok), None)
        .await;
    assert!(r.json().as_array().expect("rows").len() >= 3);
    // Reading the access history is itself recorded.
    assert_eq!(audited(&app, "read-access-history").await, 1);
    // The access history as a file for the data subject.
    let c = app.browser_login("rok").await;
    let r = app.page(&format!("/audit/access.csv?person={p}"), &c).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("text/csv"));
    assert!(r.body.starts_with("at,user,address,action,reason"));
    assert!(r.body.contains("\"sonja\""));
    let r = app.page(&format!("/audit?person={p}"), &c).await;
    assert!(r.body.contains("sonja"));
    // Everything held about the person, machine-readable.
    let ana = app.token("ana").await;
    let r = app
        .api(
            "GET",
            &format!("/api/v1/persons/{p}/export"),
            Some(&ana),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-disposition").contains("attachment"));
    let e = r.json();
    assert_eq!(e["format"], "skrb-subject-export/1");
    assert_eq!(e["person"]["family_name"], "Horvat");
    assert!(e["access_history"].as_array().expect("history").len() >= 2);
    assert_eq!(audited(&app, "export").await, 1);
    // A social worker may not export.
    assert_eq!(
        status(&app, &sonja, &format!("/api/v1/persons/{p}/export")).await,
        403
    );
}
both!(subject_export_and_auditor_views);

async fn retention_anonymises_after_a_dry_run(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let t = app.token("sonja").await;
    let old = new_person(&app, &t, "Stara", "Oseba").await;
    app.exec(&format!(
        "UPDATE person SET birth_date = '1950-06-15', sex = 'F', emso = '1506950505123' WHERE id = {old}"
    ))
    .await;
    new_person(&app, &t, "Nova", "Oseba").await;
    // Unchanged for eleven years, no household.
    let long_ago = OffsetDateTime::now_utc() - Duration::days(11 * 366);
    skrb::sql_pool!(&app.db, p => sqlx::query("UPDATE person SET updated_at = $1 WHERE id = $2")
        .bind(long_ago).bind(old).execute(p).await.expect("age").rows_affected());
    let retention = skrb::config::Retention::default();
    let actor = skrb::audit::Actor::system("test");
    let now = OffsetDateTime::now_utc();
    let dry = skrb::registry::retention::run(&app.db, &actor, &retention, now, false)
        .await
        .expect("dry run");
    assert_eq!(dry.persons_anonymised, 1);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person WHERE family_name = 'Oseba'")
            .await,
        2
    );
    // The command line does the same, a dry run by default.
    let (ok, out, err) = crate::harness::run_cli(&app.url, &["retention", "run"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Dry run") && out.contains("persons anonymised     1"),
        "{out}"
    );
    let done = skrb::registry::retention::run(&app.db, &actor, &retention, now, true)
        .await
        .expect("run");
    assert_eq!(done.persons_anonymised, 1);
    // Counts for statistics stay: the row, sex, birth year.
    assert_eq!(app.num("SELECT COUNT(*) FROM person").await, 2);
    let (given, emso, sex): (String, Option<String>, Option<String>) = skrb::sql_pool!(&app.db, p => sqlx::query_as("SELECT given_name, emso, sex FROM person WHERE id = $1").bind(old).fetch_one(p).await.expect("row"));
    assert_eq!(given, "-");
    assert_eq!(emso, None);
    assert_eq!(sex.as_deref(), Some("F"));
    let birth: Option<time::Date> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT birth_date FROM person WHERE id = $1").bind(old).fetch_one(p).await.expect("row"));
    assert_eq!(birth, Some(time::macros::date!(1950 - 01 - 01)));
    let r = app
        .api("GET", "/api/v1/persons?q=stara", Some(&t), None)
        .await;
    assert_eq!(r.json()["total"], 0);
    // A second run finds nothing more; both runs are in the audit log.
    let again = skrb::registry::retention::run(&app.db, &actor, &retention, now, true)
        .await
        .expect("run");
    assert_eq!(again.persons_anonymised, 0);
    assert_eq!(audited(&app, "retention-run").await, 2);
}
both!(retention_anonymises_after_a_dry_run);

/// Heads of unit review openings on persons of their units' municipalities; a head
/// without units reviews the whole centre. Units are set on the administration page.
async fn glass_review_follows_units(app: TestApp) {
    app.exec("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('c', 'Centre', 'SI', 'EUR')")
        .await;
    let centre = app.num("SELECT id FROM centre WHERE code = 'c'").await;
    for (unit, muni) in [("North", "Velenje"), ("South", "Šoštanj")] {
        app.exec(&format!(
            "INSERT INTO unit (centre_id, name) VALUES ({centre}, '{unit}')"
        ))
        .await;
        let u = app
            .num(&format!("SELECT id FROM unit WHERE name = '{unit}'"))
            .await;
        app.exec(&format!(
            "INSERT INTO municipality (centre_id, unit_id, code, name) VALUES ({centre}, {u}, '{unit}', '{muni}')"
        ))
        .await;
    }
    let north_unit = app.num("SELECT id FROM unit WHERE name = 'North'").await;
    let south_unit = app.num("SELECT id FROM unit WHERE name = 'South'").await;
    let north_muni = app
        .num("SELECT id FROM municipality WHERE code = 'North'")
        .await;
    for (u, role) in [
        ("admin", Role::Administrator),
        ("sonja", Role::SocialWorker),
        ("tina", Role::SocialWorker),
        ("nika", Role::HeadOfUnit),
        ("jure", Role::HeadOfUnit),
        ("dora", Role::Director),
    ] {
        app.user(u, role).await;
        skrb::auth::users::set_centre(&app.db, u, "c")
            .await
            .expect("centre");
    }
    // The administrator puts Nika on North and Jure on South, in the browser.
    let c = app.browser_login("admin").await;
    let page = app.page("/admin", &c).await;
    assert!(page.body.contains("North") && page.body.contains("South"));
    for (user, unit) in [("nika", north_unit), ("jure", south_unit)] {
        let id = app
            .num(&format!(
                "SELECT id FROM app_user WHERE username = '{user}'"
            ))
            .await;
        let r = app
            .form(
                &format!("/admin/users/{id}"),
                &c,
                &[
                    ("role", "head_of_unit"),
                    ("centre", &centre.to_string()),
                    ("active", "on"),
                    ("unit", &unit.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.header("location"), "/admin");
    }
    assert_eq!(app.num("SELECT COUNT(*) FROM user_unit").await, 2);
    let sonja = app.token("sonja").await;
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&sonja),
            Some(json!({"given_name": "Mija", "family_name": "Zorko", "municipality_id": north_muni})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let p = r.json()["id"].as_i64().expect("id");
    app.api(
        "PUT",
        &format!("/api/v1/persons/{p}/restriction"),
        Some(&sonja),
        Some(json!({"restricted": true})),
    )
    .await;
    let tina = app.token("tina").await;
    let r = app
        .api(
            "POST",
            &format!("/api/v1/persons/{p}/break-glass"),
            Some(&tina),
            Some(json!({"reason": "Urgent call from the school"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let pending = |user: &'static str| {
        let app = &app;
        async move {
            let t = app.token(user).await;
            let r = app.api("GET", "/api/v1/glass-breaks", Some(&t), None).await;
            r.json().as_array().map(Vec::len).unwrap_or(0)
        }
    };
    assert_eq!(pending("nika").await, 1);
    assert_eq!(pending("jure").await, 0);
    assert_eq!(pending("dora").await, 1);
    // Jure cannot review what he is not shown.
    let jure = app.token("jure").await;
    let gid = app.num("SELECT id FROM glass_break").await;
    let r = app
        .api(
            "POST",
            &format!("/api/v1/glass-breaks/{gid}/review"),
            Some(&jure),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
}
both!(glass_review_follows_units);

/// SECURITY.md's PostgreSQL set-up: the application role may append to the audit log and
/// read it, and the database refuses it any change or removal, trigger or no trigger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_application_role_can_only_append_to_the_audit_log() {
    use crate::harness::Backend;
    let owner = TestApp::new(Backend::Postgres).await;
    let db_name = owner.url.rsplit('/').next().expect("name").to_string();
    let role = format!("{db_name}_app");
    for stmt in [
        format!("CREATE ROLE {role} LOGIN"),
        format!("GRANT CONNECT ON DATABASE {db_name} TO {role}"),
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"),
        format!("GRANT UPDATE (seq, prev_hash, hash) ON audit_log TO {role}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
    ] {
        owner.exec(&stmt).await;
    }
    owner.user("sonja", Role::SocialWorker).await;
    let app_url = owner.url.replacen("postgres@", &format!("{role}@"), 1);
    assert_ne!(app_url, owner.url, "the test URL names the postgres user");
    let app_db = skrb::db::Db::connect(&app_url)
        .await
        .expect("connect as the app");
    // The application works: signing in and registering write audit records.
    let config = skrb::config::Config::resolve(
        skrb::config::Overrides {
            database_url: Some(app_url.clone()),
            ..Default::default()
        },
        skrb::config::FileConfig::default(),
    )
    .expect("config");
    let router = skrb::web::router(skrb::web::AppState::new(app_db.clone(), config));
    let send = |req: Request<Body>| {
        let router = router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let res = router.oneshot(req).await.expect("router");
            let status = res.status();
            let body = res.into_body().collect().await.expect("body").to_bytes();
            (
                status,
                serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null),
            )
        }
    };
    let login = Request::builder()
        .method("POST")
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": "sonja", "password": PASSWORD}).to_string(),
        ))
        .expect("request");
    let (status, body) = send(login).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().expect("token").to_string();
    let create = Request::builder()
        .method("POST")
        .uri("/api/v1/persons")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"given_name": "Ana", "family_name": "Novak"}).to_string(),
        ))
        .expect("request");
    assert_eq!(send(create).await.0, 201);
    // ... but it cannot rewrite history, even with the owner's trigger out of the way.
    owner
        .exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        .await;
    let skrb::db::Pool::Postgres(pool) = app_db.pool() else {
        panic!("postgres")
    };
    for stmt in [
        "UPDATE audit_log SET reason = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = sqlx::query(stmt).execute(pool).await.expect_err(stmt);
        assert!(
            err.to_string().contains("permission denied"),
            "{stmt}: {err}"
        );
    }
    // The application role seals (it may set the chain columns of unsealed records).
    assert!(chain::seal(&app_db).await.expect("seal") > 0);
    assert!(chain::verify(&owner.db, |_| {})
        .await
        .expect("verify")
        .broken
        .is_none());
    app_db.close().await;
    owner
        .exec(&format!("REASSIGN OWNED BY {role} TO postgres"))
        .await;
    owner.exec(&format!("DROP OWNED BY {role}")).await;
    drop(owner);
    // The role outlives the database; remove it.
    if let Ok(admin) = skrb::db::Db::connect(&crate::harness::admin_url()).await {
        if let skrb::db::Pool::Postgres(p) = admin.pool() {
            let _ = sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
                .execute(p)
                .await;
        }
        admin.close().await;
    }
}

/// The administrator adds a user in the browser; the password rules apply there too.
async fn administrator_adds_users(app: TestApp) {
    app.user("ana", Role::Administrator).await;
    app.exec("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('c', 'Centre', 'SI', 'EUR')")
        .await;
    let centre = app.num("SELECT id FROM centre").await.to_string();
    let c = app.browser_login("ana").await;
    let mut fields = vec![
        ("username", "nina"),
        ("display_name", "Nina Novak"),
        ("role", "social_worker"),
        ("centre", centre.as_str()),
        ("password", "1234567890"),
    ];
    let r = app.form("/admin/users", &c, &fields).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("value=\"nina\""), "input kept");
    assert_eq!(
        app.num("SELECT COUNT(*) FROM app_user WHERE username = 'nina'")
            .await,
        0
    );
    fields[4] = ("password", PASSWORD);
    let r = app.form("/admin/users", &c, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM app_user WHERE username = 'nina' AND centre_id = {centre}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'user'")
            .await,
        1
    );
    let r = app.form("/admin/users", &c, &fields).await;
    assert_eq!(r.status, 422, "a taken username");
    // A change of role is a change of privilege: Nina's sessions end.
    let nina = app.browser_login("nina").await;
    assert_eq!(app.page("/", &nina).await.status, 200);
    let id = app
        .num("SELECT id FROM app_user WHERE username = 'nina'")
        .await;
    let r = app
        .form(
            &format!("/admin/users/{id}"),
            &c,
            &[
                ("role", "rights_officer"),
                ("centre", centre.as_str()),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(app.page("/", &nina).await.status, 303);
    // An administrator cannot demote or disable themselves by accident.
    let me = app
        .num("SELECT id FROM app_user WHERE username = 'ana'")
        .await;
    let r = app
        .form(
            &format!("/admin/users/{me}"),
            &c,
            &[("role", "partner"), ("active", "on")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM app_user WHERE username = 'ana' AND role = 'administrator'")
            .await,
        1
    );
}
both!(administrator_adds_users);
