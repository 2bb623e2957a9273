//! The centre's own calendar: at 23:30 UTC on the last day of January it is already
//! 1 February in Velenje and Trebinje, and every date a use case derives from "today"
//! (when an application arrived, when its statutory deadline falls, the month its right
//! begins, a task's due date) follows the centre's calendar, not UTC's.

use serde_json::{json, Value};
use skrb::auth::Role;
use time::macros::{date, datetime};

use crate::harness::{Backend, TestApp};

/// A centre of a jurisdiction in its zone, with a rights officer; the officer's token.
async fn officer(app: &TestApp, code: &str, jurisdiction: &str, zone: &str) -> String {
    let cur = if jurisdiction == "SI" { "EUR" } else { "BAM" };
    app.exec(&format!(
        "INSERT INTO centre (code, name, jurisdiction, currency, time_zone) \
         VALUES ('{code}', 'Centre {code}', '{jurisdiction}', '{cur}', '{zone}')"
    ))
    .await;
    let u = format!("ro_{code}");
    app.user(&u, Role::RightsOfficer).await;
    skrb::auth::users::set_centre(&app.db, &u, code)
        .await
        .expect("centre");
    app.token(&u).await
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn at_the_turn_of_the_month(backend: Backend) {
    // 23:30 UTC on 31 January 2026: 00:30 on 1 February in both centres (UTC+1).
    let app = TestApp::at(backend, datetime!(2026-01-31 23:30 UTC)).await;
    for (code, jurisdiction, zone, right, name) in [
        ("vel", "SI", "Europe/Ljubljana", "dsp", "Novak"),
        ("tre", "RS", "Europe/Sarajevo", "rs_cash", "Јовановић"),
    ] {
        let t = officer(&app, code, jurisdiction, zone).await;
        let r = post(
            &app,
            &t,
            "/api/v1/persons",
            json!({"given_name": "Ana", "family_name": name, "birth_date": "1980-05-05"}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let person = r.json()["id"].as_i64().expect("id");
        let right_id = app
            .num(&format!("SELECT id FROM right_type WHERE code = '{right}'"))
            .await;
        // Received "today", without a date: the centre's today.
        let r = post(
            &app,
            &t,
            "/api/v1/applications",
            json!({"person_id": person, "right_id": right_id, "complete": true}),
        )
        .await;
        assert_eq!(r.status, 201, "{code}: {}", r.body);
        let id = r.json()["id"].as_i64().expect("id");
        let v = app
            .api("GET", &format!("/api/v1/applications/{id}"), Some(&t), None)
            .await
            .json();
        let a = &v["application"];
        assert_eq!(
            a["received_on"], "2026-02-01",
            "{code}: received in the centre's February, not UTC's January"
        );
        assert_eq!(a["complete_on"], "2026-02-01", "{code}");
        // The statutory deadline runs from the centre's date.
        let months = app
            .num(&format!(
                "SELECT deadline_months FROM right_type WHERE id = {right_id}"
            ))
            .await;
        let due =
            skrb_domain::rights::deadlines::decision_due(date!(2026 - 02 - 01), months as u32);
        assert_eq!(a["due_on"], due.to_string(), "{code}");
        // The right begins the month after the application: March, not February.
        let r = post(
            &app,
            &t,
            &format!("/api/v1/applications/{id}/decisions"),
            json!({"outcome": "granted"}),
        )
        .await;
        assert_eq!(r.status, 201, "{code}: {}", r.body);
        let from: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(
            "SELECT CAST(valid_from AS TEXT) FROM entitlement WHERE person_id = $1")
            .bind(person).fetch_one(p).await.expect("entitlement"));
        assert!(
            from.starts_with("2026-03-01"),
            "{code}: the right begins {from}"
        );
        // A task without a due date is due from the centre's today too.
        let decided_on: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(
            "SELECT CAST(decided_on AS TEXT) FROM decision WHERE person_id = $1")
            .bind(person).fetch_one(p).await.expect("decision"));
        assert!(
            decided_on.starts_with("2026-02-01"),
            "{code}: decided {decided_on}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_turn_of_the_month_sqlite() {
    at_the_turn_of_the_month(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_turn_of_the_month_postgres() {
    at_the_turn_of_the_month(Backend::Postgres).await
}

/// Pages show times on the wall clock of the user's centre, not in UTC.
#[test]
fn pages_show_the_centres_time() {
    let zone = skrb_kit::clock::Zone::named("Europe/Ljubljana").expect("zone");
    let t = datetime!(2026-12-06 23:08 UTC);
    let shown = skrb_kit::i18n::fmt_datetime(skrb_kit::i18n::Locale::Sl, zone.local(t));
    assert!(
        shown.ends_with("00:08") && !shown.contains("UTC"),
        "{shown}"
    );
    assert!(shown.starts_with("7. 12. 2026"), "{shown}");
}
