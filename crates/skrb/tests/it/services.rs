//! Home help: agreed, planned, visited, billed, paid, credited and billed again; the
//! waiting list and capacity; the exemption decided in the procedure lowering the bill;
//! bad input in the user's language; and who must not see it (another centre, the
//! carer beyond her own visits, a partner, the ministry). Every scenario on both
//! databases; the carer's phone journey (offline and back) is in `screens.rs`.

use serde_json::{json, Value};
use skrb::auth::Role;
use skrb_domain::services::price::{Delivered, Tariff};
use time::{Date, Duration};

use crate::both;
use crate::harness::{fields, run_cli, TestApp};

struct Home {
    centre: i64,
    muni: i64,
    coord: String,
    worker: String,
    ro: String,
}

fn today() -> Date {
    skrb_kit::clock::Zone::default().date_of(time::OffsetDateTime::now_utc())
}

fn first_of_last_month() -> Date {
    let t = today();
    let d = t.replace_day(1).expect("day") - Duration::days(1);
    d.replace_day(1).expect("day")
}

fn month_code(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// A Slovenian centre with a municipality and its price list (Domžale's 2023 numbers),
/// a co-ordinator, a carer's account and a rights officer.
async fn home(app: &TestApp, code: &str) -> Home {
    app.exec(&format!(
        "INSERT INTO centre (code, name, jurisdiction, currency, address, receipts_iban) VALUES ('{code}', 'CSD {code}', 'SI', 'EUR', \
         'Trg 1, 3320 Velenje', 'SI56191000000123438')"
    ))
    .await;
    let centre = app
        .num(&format!("SELECT id FROM centre WHERE code = '{code}'"))
        .await;
    app.exec(&format!("INSERT INTO municipality (centre_id, code, name) VALUES ({centre}, '{code}1', 'Občina {code}')"))
        .await;
    let muni = app
        .num(&format!(
            "SELECT id FROM municipality WHERE centre_id = {centre}"
        ))
        .await;
    let mut t = Vec::new();
    for (name, role) in [
        ("koord", Role::HomeHelpCoordinator),
        ("neg", Role::HomeHelpWorker),
        ("ro", Role::RightsOfficer),
    ] {
        let u = format!("{name}_{code}");
        app.user(&u, role).await;
        skrb::auth::users::set_centre(&app.db, &u, code)
            .await
            .expect("centre");
        t.push(app.token(&u).await);
    }
    let h = Home {
        centre,
        muni,
        ro: t.pop().unwrap_or_default(),
        worker: t.pop().unwrap_or_default(),
        coord: t.pop().unwrap_or_default(),
    };
    let r = post(app, &h.coord, "/api/v1/services/prices", json!({
        "municipality_id": muni.to_string(), "valid_from": "2025-01-01", "weekday": "17,20", "sunday": "20,64",
        "holiday": "22,36", "subsidy": "60", "band_hours": "20", "subsidy_above": "55"
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    h
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn get(app: &TestApp, t: &str, path: &str) -> crate::harness::Res {
    app.api("GET", path, Some(t), None).await
}

async fn person(app: &TestApp, h: &Home, given: &str) -> i64 {
    let r = post(
        app,
        &h.coord,
        "/api/v1/persons",
        json!({"given_name": given, "family_name": "Čebašek", "birth_date": "1940-03-02"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().expect("id");
    app.exec(&format!("UPDATE person SET municipality_id = {}, address = 'Šaleška 12', postal_code = '3320', place = 'Velenje' WHERE id = {id}", h.muni))
        .await;
    id
}

async fn carer(app: &TestApp, h: &Home, name: &str, username: &str, hours: i64) -> i64 {
    let until = (today() + Duration::days(400)).to_string();
    let r = post(app, &h.coord, "/api/v1/services/carers", json!({
        "name": name, "kind": "employee", "hours_week": hours.to_string(), "qualification": "NPK", "qualified_until": until,
        "username": username
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().expect("id")
}

/// From the agreement to the paid invoice, and a correction billed again.
async fn a_month_of_home_help(app: TestApp) {
    let h = home(&app, "hh").await;
    let ana = person(&app, &h, "Ana").await;
    let nina = carer(&app, &h, "Nina Negovalka", "neg_hh", 38).await;
    let start = first_of_last_month();
    // Bad input: refused field by field, in the user's language, nothing saved.
    let r = app
        .api_lang(
            "POST",
            "/api/v1/services/agreements",
            Some(&h.coord),
            Some(json!({"person_id": ana.to_string(), "tasks": ["cooking"], "hours_week": "25"})),
            "sl",
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let f = fields(&r);
    assert!(
        f.contains(&"tasks".to_string()) && f.contains(&"hours_week".to_string()),
        "{f:?}"
    );
    assert!(r.body.contains("največ 20"), "Slovenian words: {}", r.body);
    assert_eq!(app.num("SELECT COUNT(*) FROM hh_agreement").await, 0);
    // Agreed from the first of last month: the carers' hours can take it.
    let r = post(
        &app,
        &h.coord,
        "/api/v1/services/agreements",
        json!({
            "person_id": ana.to_string(), "tasks": ["household", "hygiene"], "hours_week": "3,5",
            "requested_on": (start - Duration::days(20)).to_string(), "start_on": start.to_string(),
            "plan": "Pomoč pri umivanju\nPriprava zajtrka"
        }),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["status"], "active");
    let ag = r.json()["id"].as_i64().expect("id");
    assert_eq!(
        app.num(&format!(
            "SELECT minutes_week FROM hh_agreement WHERE id = {ag}"
        ))
        .await,
        210
    );
    // The review is the co-ordinator's task.
    assert_eq!(
        app.num("SELECT COUNT(*) FROM task WHERE source = 'plan_review'")
            .await,
        1
    );
    // A second agreement for the same person is refused.
    let r = post(
        &app,
        &h.coord,
        "/api/v1/services/agreements",
        json!({"person_id": ana.to_string(), "tasks": ["contact"], "hours_week": "1"}),
    )
    .await;
    assert_eq!(fields(&r), vec!["person_id".to_string()]);
    // The regular week: Monday, Wednesday 90 minutes and Sunday 30 (the Sunday tariff).
    for (day, at, minutes) in [
        ("1", "08:00", "90"),
        ("3", "14:00", "90"),
        ("7", "10:00", "30"),
    ] {
        let r = post(&app, &h.coord, &format!("/api/v1/services/agreements/{ag}/patterns"), json!({
            "carer_id": nina.to_string(), "weekday": day, "start": at, "minutes": minutes, "valid_from": start.to_string()
        }))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    // A time that is not one is refused.
    let r = post(
        &app,
        &h.coord,
        &format!("/api/v1/services/agreements/{ag}/patterns"),
        json!({
            "carer_id": nina.to_string(), "weekday": "2", "start": "25:00", "minutes": "60"
        }),
    )
    .await;
    assert_eq!(fields(&r), vec!["start".to_string()]);
    // Last month planned by repeating the week forward (the co-ordinator's form).
    let cookies = app.browser_login("koord_hh").await;
    let r = app
        .form(
            "/services/board/plan",
            &cookies,
            &[("from", &start.to_string()), ("weeks", "6")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let end = skrb_domain::rights::deadlines::month_end(start);
    let planned = app
        .num(&format!("SELECT COUNT(*) FROM hh_visit WHERE agreement_id = {ag} AND day BETWEEN '{start}' AND '{end}'"))
        .await;
    assert!(planned >= 12, "three visits a week: {planned}");
    // Planning again adds nothing.
    let before = app.num("SELECT COUNT(*) FROM hh_visit").await;
    app.form(
        "/services/board/plan",
        &cookies,
        &[("from", &start.to_string()), ("weeks", "6")],
    )
    .await;
    assert_eq!(app.num("SELECT COUNT(*) FROM hh_visit").await, before);
    // The week board: Nina's row with her visits and no warning.
    let week = start + Duration::days(7);
    let b = get(
        &app,
        &h.coord,
        &format!("/api/v1/services/board?week={week}"),
    )
    .await
    .json();
    let row = &b["rows"][0];
    assert_eq!(row["carer"]["id"], nina);
    assert!(row["planned_minutes"].as_i64().unwrap_or(0) >= 180, "{row}");
    assert_eq!(
        b["warnings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        b["warnings"]
    );
    // The week board page names the user.
    let page = app
        .page(&format!("/services/board?week={week}&all=1"), &cookies)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ana Čebašek"));

    // The carer records last month's visits (times as on her phone): all but one; one
    // user was not at home.
    let visits: Vec<(i64, String, i64)> = skrb::sql_pool!(&app.db, p => sqlx::query_as(
        &format!("SELECT id, CAST(day AS TEXT), start_min FROM hh_visit WHERE agreement_id = {ag} AND day BETWEEN '{start}' AND '{end}' ORDER BY day, start_min"))
        .fetch_all(p).await.expect("visits"));
    let mut keys = Vec::new();
    for (i, (id, _, start_min)) in visits.iter().enumerate() {
        let key = format!("visit-key-{id}");
        let from = skrb_domain::services::hhmm(*start_min);
        let to = skrb_domain::services::hhmm(start_min + if i == 0 { 100 } else { 85 });
        let body = if i == 1 {
            json!({"key": key, "not_home": "true"})
        } else {
            json!({"key": key, "check_in": from, "check_out": to, "tasks": ["household", "hygiene"], "note": "V redu"})
        };
        let r = post(
            &app,
            &h.worker,
            &format!("/api/v1/services/visits/{id}"),
            body.clone(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["first"], true);
        if i == 0 {
            // Sent twice (a bad connection): saved once, answered the same.
            let again = post(
                &app,
                &h.worker,
                &format!("/api/v1/services/visits/{id}"),
                body,
            )
            .await;
            assert_eq!(again.status, 200, "{}", again.body);
            assert_eq!(again.json()["first"], false);
            assert_eq!(again.json()["delivered_minutes"], 100);
            assert_eq!(
                app.num(&format!(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'record' AND entity_id = {id}"
                ))
                .await,
                1
            );
        }
        keys.push(key);
    }
    // Times kept as recorded, and when they reached the server.
    assert_eq!(app.num("SELECT COUNT(*) FROM hh_visit WHERE status = 'done' AND arrived_at IS NOT NULL AND received_at IS NOT NULL").await as usize, visits.len() - 1);
    // Leaving before arriving is refused.
    let spare = app.num(&format!("SELECT MIN(id) FROM hh_visit WHERE agreement_id = {ag} AND status = 'planned' AND day > '{end}'")).await;
    let r = app
        .api_lang(
            "POST",
            &format!("/api/v1/services/visits/{spare}"),
            Some(&h.worker),
            Some(json!({"key": "k-bad", "check_in": "10:00", "check_out": "09:00"})),
            "sl",
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(fields(&r).iter().all(|f| f == "check_out"), "{}", r.body);
    assert!(r.body.contains("Odhod mora biti za prihodom"), "{}", r.body);

    // The month billed from the command line: one invoice, priced as the rule says.
    let (ok, out, err) = run_cli(
        &app.url,
        &["services", "bill", "--month", &month_code(start)],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 invoices"), "{out}");
    let inv = get(
        &app,
        &h.coord,
        &format!("/api/v1/services/invoices?month={}", month_code(start)),
    )
    .await
    .json();
    assert_eq!(inv.as_array().map(Vec::len), Some(1), "{inv}");
    let i = &inv[0];
    let holidays: Vec<Date> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT day FROM holiday WHERE jurisdiction = 'SI'").fetch_all(p).await.expect("holidays"));
    let holidays: std::collections::HashSet<Date> = holidays.into_iter().collect();
    let mut d = Delivered::default();
    let done: Vec<(Date, i64)> = skrb::sql_pool!(&app.db, p => sqlx::query_as(
        &format!("SELECT day, delivered_minutes FROM hh_visit WHERE agreement_id = {ag} AND status = 'done' AND day BETWEEN '{start}' AND '{end}'"))
        .fetch_all(p).await.expect("done"));
    for (day, m) in &done {
        d.add(skrb::services::billing::day_kind(*day, &holidays), *m);
    }
    let price = skrb::services::prices::parse_bands("1200:6000,:5500").expect("bands");
    let bill = Tariff {
        weekday: 1720,
        sunday: 2064,
        holiday: 2236,
        bands: price,
    }
    .bill(&d, None);
    assert_eq!(i["minutes"], d.total());
    assert_eq!(i["economic"], bill.economic);
    assert_eq!(i["subsidy"], bill.subsidy);
    assert_eq!(i["amount"], bill.user_pays);
    assert!(bill.user_pays > 0);
    let reference = i["reference"].as_str().expect("reference").to_string();
    assert!(
        skrb_domain::services::upn::is_si12(&reference),
        "{reference}"
    );
    // Billing the month again bills nothing twice.
    let r = post(
        &app,
        &h.coord,
        "/api/v1/services/billing",
        json!({"month": month_code(start)}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["invoices"], 0);
    assert_eq!(r.json()["already"], 1);
    assert_eq!(app.num("SELECT COUNT(*) FROM hh_invoice").await, 1);
    // The municipality's statement.
    let s = get(
        &app,
        &h.coord,
        &format!("/api/v1/services/statements?month={}", month_code(start)),
    )
    .await
    .json();
    assert_eq!(s[0]["municipality_pays"], bill.subsidy);

    // The invoice's PDF carries the UPN QR; its code reads back as the payment order.
    let id = i["id"].as_i64().expect("id");
    let r = get(
        &app,
        &h.coord,
        &format!("/api/v1/services/invoices/{id}/pdf"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/pdf");
    let invoice = skrb::services::billing::get(&app.db, &skrb::audit::Actor::system("test"), id)
        .await
        .expect("invoice");
    let sender = skrb::services::invoice::Sender {
        name: "CSD hh".into(),
        address: Some("Trg 1, 3320 Velenje".into()),
        iban: Some("SI56191000000123438".into()),
        jurisdiction: "SI".into(),
    };
    let payer = skrb::services::invoice::Payer {
        name: "Ana Čebašek".into(),
        street: Some("Šaleška 12".into()),
        place: Some("3320 Velenje".into()),
    };
    let order = skrb::services::invoice::order(&invoice, &sender, &payer, skrb::i18n::Locale::Sl)
        .expect("an order");
    let scanned = crate::services::scan(&order);
    assert_eq!(scanned.amount, bill.user_pays);
    assert_eq!(scanned.reference, reference);
    assert_eq!(scanned.payer_name, "Ana Čebašek");

    // Paid: a camt.053 of payments received, imported twice, takes the payment once.
    let xml = skrb_domain::payments::camt::write_053_receipts(
        "R-HH-1",
        "SI56191000000123438",
        "EUR",
        today(),
        &[(reference.clone(), bill.user_pays)],
    );
    let file = std::env::temp_dir().join(format!(
        "receipts-{}-{}.xml",
        std::process::id(),
        app.is_postgres()
    ));
    std::fs::write(&file, xml).expect("write");
    for n in 0..2 {
        let (ok, out, err) = run_cli(
            &app.url,
            &[
                "services",
                "receipts",
                "--file",
                file.to_str().unwrap_or(""),
            ],
        );
        assert!(ok, "{out}{err}");
        assert!(
            out.contains(if n == 0 {
                "1 invoices paid"
            } else {
                "1 seen before"
            }),
            "{out}"
        );
    }
    assert_eq!(
        app.num(&format!(
            "SELECT paid_amount FROM hh_invoice WHERE id = {id}"
        ))
        .await,
        bill.user_pays
    );
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM hh_invoice WHERE id = {id} AND status = 'paid'"
        ))
        .await,
        1
    );

    // A correction: the invoice credited, one visit corrected, the month billed again.
    let version = app
        .num(&format!("SELECT version FROM hh_invoice WHERE id = {id}"))
        .await;
    let r = post(
        &app,
        &h.coord,
        &format!("/api/v1/services/invoices/{id}/credit"),
        json!({"version": version - 1}),
    )
    .await;
    assert_eq!(r.status, 409, "a stale version: {}", r.body);
    let r = post(
        &app,
        &h.coord,
        &format!("/api/v1/services/invoices/{id}/credit"),
        json!({"version": version}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        app.num(&format!(
            "SELECT amount FROM hh_invoice WHERE credit_of = {id}"
        ))
        .await,
        -bill.user_pays
    );
    let r = post(
        &app,
        &h.coord,
        "/api/v1/services/billing",
        json!({"month": month_code(start)}),
    )
    .await;
    assert_eq!(r.json()["invoices"], 1, "{}", r.body);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM hh_invoice WHERE kind = 'invoice' AND status <> 'credited'")
            .await,
        1
    );

    // The exemption, decided in the procedure, caps what Ana pays for the month.
    let right = app
        .num("SELECT id FROM right_type WHERE code = 'si_hh_exemption'")
        .await;
    let r = post(
        &app,
        &h.ro,
        "/api/v1/applications",
        json!({"person_id": ana, "right_id": right, "channel": "post",
        "received_on": (start - Duration::days(10)).to_string(), "complete": "true"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let app_id = r.json()["id"].as_i64().expect("id");
    let v = get(&app, &h.ro, &format!("/api/v1/applications/{app_id}"))
        .await
        .json();
    let mut input = v["input"].clone();
    input["members"] = json!([{"name": "Ana", "kind": "adult", "hours": 0}]);
    input["income"] = json!("700.00");
    input["requested"] = json!("120.00");
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/applications/{app_id}/input"),
            Some(&h.ro),
            Some(input),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["amount"], "91.08");
    let r = post(
        &app,
        &h.ro,
        &format!("/api/v1/applications/{app_id}/decisions"),
        json!({"outcome": "granted", "period_from": start.to_string()}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Never paid out: the month's payment run leaves it alone.
    assert_eq!(app.num("SELECT COUNT(*) FROM entitlement e JOIN right_type r ON r.id = e.right_id WHERE r.pays = FALSE").await, 1);
    let current = app
        .num("SELECT id FROM hh_invoice WHERE kind = 'invoice' AND status <> 'credited'")
        .await;
    let version = app
        .num(&format!(
            "SELECT version FROM hh_invoice WHERE id = {current}"
        ))
        .await;
    post(
        &app,
        &h.coord,
        &format!("/api/v1/services/invoices/{current}/credit"),
        json!({"version": version}),
    )
    .await;
    post(
        &app,
        &h.coord,
        "/api/v1/services/billing",
        json!({"month": month_code(start)}),
    )
    .await;
    let capped = app
        .num("SELECT amount FROM hh_invoice WHERE kind = 'invoice' AND status <> 'credited'")
        .await;
    let exempted = app
        .num("SELECT exempted FROM hh_invoice WHERE kind = 'invoice' AND status <> 'credited'")
        .await;
    assert_eq!(capped, bill.user_pays.min(9108));
    assert_eq!(capped + exempted, bill.user_pays);
    let _ = keys;
    let _ = h.centre;
}
both!(a_month_of_home_help);

/// The waiting list: no capacity, no start; a carer more, the start; urgent first.
async fn the_waiting_list(app: TestApp) {
    let h = home(&app, "wl").await;
    carer(&app, &h, "Mojca Mali", "neg_wl", 2).await;
    let mut ids = Vec::new();
    for (name, urgent, asked) in [
        ("Berta", false, 30),
        ("Cilka", true, 5),
        ("Dora", false, 40),
    ] {
        let p = person(&app, &h, name).await;
        let r = post(&app, &h.coord, "/api/v1/services/agreements", json!({
            "person_id": p.to_string(), "tasks": ["household"], "hours_week": "4", "urgent": urgent.to_string(),
            "requested_on": (today() - Duration::days(asked)).to_string(), "start_on": today().to_string()
        }))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(
            r.json()["status"],
            "waiting",
            "2 hours of carers cannot take 4"
        );
        ids.push(r.json()["id"].as_i64().expect("id"));
    }
    let w = get(&app, &h.coord, "/api/v1/services/agreements?status=waiting")
        .await
        .json();
    let order: Vec<i64> = w
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["id"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(
        order,
        vec![ids[1], ids[2], ids[0]],
        "urgent first, then the longest waiting"
    );
    let r = app
        .api_lang(
            "POST",
            &format!("/api/v1/services/agreements/{}/step", ids[1]),
            Some(&h.coord),
            Some(json!({"step": "start", "version": "1"})),
            "sl",
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("prostih le 2 ur"), "{}", r.body);
    carer(&app, &h, "Vesna Velika", "", 38).await;
    let r = post(
        &app,
        &h.coord,
        &format!("/api/v1/services/agreements/{}/step", ids[1]),
        json!({"step": "start", "version": "1"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    // A stale version loses.
    let r = post(
        &app,
        &h.coord,
        &format!("/api/v1/services/agreements/{}/step", ids[1]),
        json!({"step": "end", "version": "1"}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let a = get(
        &app,
        &h.coord,
        &format!("/api/v1/services/agreements/{}", ids[1]),
    )
    .await
    .json();
    assert_eq!(a["status"], "active");
    // The overview shows the waiting list with days waited.
    let cookies = app.browser_login("koord_wl").await;
    let page = app.page("/services", &cookies).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Dora Čebašek") && page.body.contains("Berta Čebašek"));
}
both!(the_waiting_list);

/// Who must not see home help: another centre, the carer beyond her own visits, a
/// partner, the ministry; every read of a person's home help is audited.
async fn who_must_not_see_it(app: TestApp) {
    let h = home(&app, "aa").await;
    let other = home(&app, "bb").await;
    let p = person(&app, &h, "Eva").await;
    let nina = carer(&app, &h, "Nina", "neg_aa", 38).await;
    carer(&app, &other, "Olga", "neg_bb", 38).await;
    let r = post(&app, &h.coord, "/api/v1/services/agreements", json!({"person_id": p.to_string(), "tasks": ["household"], "hours_week": "2", "start_on": today().to_string()})).await;
    let ag = r.json()["id"].as_i64().expect("id");
    let wd = today().weekday().number_from_monday().to_string();
    post(
        &app,
        &h.coord,
        &format!("/api/v1/services/agreements/{ag}/patterns"),
        json!({"carer_id": nina.to_string(), "weekday": wd, "start": "00:00", "minutes": "60"}),
    )
    .await;
    let visit = app
        .num(&format!(
            "SELECT id FROM hh_visit WHERE agreement_id = {ag} AND day = '{}'",
            today()
        ))
        .await;
    // Another centre's co-ordinator and carer.
    assert_eq!(
        get(
            &app,
            &other.coord,
            &format!("/api/v1/services/agreements/{ag}")
        )
        .await
        .status,
        403
    );
    assert!(get(&app, &other.coord, "/api/v1/services/agreements")
        .await
        .json()
        .as_array()
        .is_some_and(Vec::is_empty));
    let r = post(
        &app,
        &other.worker,
        &format!("/api/v1/services/visits/{visit}"),
        json!({"key": "x1", "not_home": "true"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // The carer: her visits with the care plan, nothing else of the file.
    let mine = get(&app, &h.worker, "/api/v1/services/visits").await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.json()[0]["visit"]["id"], visit);
    assert_eq!(
        get(&app, &h.worker, &format!("/api/v1/persons/{p}"))
            .await
            .status,
        403
    );
    assert_eq!(
        get(
            &app,
            &h.worker,
            &format!("/api/v1/services/agreements/{ag}")
        )
        .await
        .status,
        403
    );
    assert_eq!(
        get(&app, &h.worker, "/api/v1/services/invoices?month=2026-01")
            .await
            .status,
        403
    );
    // Her phone's page shows the visit; the form records it (the day it came from kept).
    let cookies = app.browser_login("neg_aa").await;
    let page = app.page("/visits", &cookies).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("data-visit=\"{visit}\"")),
        "{}",
        page.body
    );
    let r = app
        .form(
            &format!("/visits/{visit}"),
            &cookies,
            &[
                ("key", "web-key-1"),
                ("day", &today().to_string()),
                ("check_in", "00:00"),
                ("check_out", "00:01"),
                ("tasks", "household"),
                ("note", "Vse v redu"),
            ],
        )
        .await;
    assert!(
        r.status == 303 || r.status == 422,
        "{} {}",
        r.status,
        r.body
    );
    // The co-ordinator does not record visits as if she were the carer.
    assert_eq!(
        post(
            &app,
            &h.coord,
            &format!("/api/v1/services/visits/{visit}"),
            json!({"key": "x2", "not_home": "true"})
        )
        .await
        .status,
        403
    );
    // A partner and the ministry.
    app.user("partner_aa", Role::Partner).await;
    app.user("min", Role::Ministry).await;
    for u in ["partner_aa", "min"] {
        let t = app.token(u).await;
        for path in [
            "/api/v1/services/agreements",
            "/api/v1/services/board",
            "/api/v1/services/carers",
            "/api/v1/services/prices",
        ] {
            assert_eq!(get(&app, &t, path).await.status, 403, "{u} {path}");
        }
    }
    // Reads audited with the person.
    get(&app, &h.coord, &format!("/api/v1/services/agreements/{ag}")).await;
    assert!(app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'hh_agreement' AND person_id = {p}")).await >= 1);
    assert!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'list' AND entity = 'hh_visit'")
            .await
            >= 1
    );
}
both!(who_must_not_see_it);

/// The roster's warnings reach the board: an absence and a carer booked twice.
async fn the_board_warns(app: TestApp) {
    let h = home(&app, "rw").await;
    let nina = carer(&app, &h, "Nina", "neg_rw", 38).await;
    let mut ags = Vec::new();
    for name in ["Fani", "Gita"] {
        let p = person(&app, &h, name).await;
        let r = post(&app, &h.coord, "/api/v1/services/agreements", json!({"person_id": p.to_string(), "tasks": ["household"], "hours_week": "1", "start_on": today().to_string()})).await;
        ags.push(r.json()["id"].as_i64().expect("id"));
    }
    let monday = today() - Duration::days(i64::from(today().weekday().number_days_from_monday()))
        + Duration::days(7);
    for ag in &ags {
        let r = post(&app, &h.coord, &format!("/api/v1/services/agreements/{ag}/patterns"), json!({"carer_id": nina.to_string(), "weekday": "2", "start": "09:00", "minutes": "60"})).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let cookies = app.browser_login("koord_rw").await;
    let r = app
        .form(
            &format!("/services/carers/{nina}/absences"),
            &cookies,
            &[
                ("from_day", &(monday + Duration::days(1)).to_string()),
                ("to_day", &(monday + Duration::days(1)).to_string()),
                ("reason", "sick"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let b = get(
        &app,
        &h.coord,
        &format!("/api/v1/services/board?week={monday}"),
    )
    .await
    .json();
    let kinds: Vec<&str> = b["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["conflict"]["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"double_booked"), "{kinds:?}");
    assert!(kinds.contains(&"absent"), "{kinds:?}");
    let page = app
        .page(&format!("/services/board?week={monday}"), &cookies)
        .await;
    assert!(page.body.contains("id=\"warnings\""));
    // A stand-in for the day takes the visits.
    let vesna = carer(&app, &h, "Vesna", "", 38).await;
    let day = (monday + Duration::days(1)).to_string();
    let r = app
        .form(
            "/services/board/replace",
            &cookies,
            &[
                ("carer_id", &nina.to_string()),
                ("by_carer_id", &vesna.to_string()),
                ("from_day", &day),
                ("to_day", &day),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM hh_visit WHERE carer_id = {vesna} AND planned_carer_id = {nina}"
        ))
        .await,
        2
    );
}
both!(the_board_warns);

/// Reads a UPN QR code as a mobile bank would: the code decoded from its modules.
pub fn scan(order: &skrb_domain::services::upn::Order) -> skrb_domain::services::upn::Order {
    let (width, dark) = skrb::services::invoice::qr(order).expect("qr");
    let scale = 4;
    let quiet = 4;
    let size = (width + 2 * quiet) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        if mx < quiet || my < quiet || mx >= width + quiet || my >= width + quiet {
            255
        } else if dark[(my - quiet) * width + (mx - quiet)] {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    let mut bytes = Vec::new();
    grids[0].decode_to(&mut bytes).expect("decodes");
    // The reader returns the data after the ECI header as bytes (ISO 8859-2).
    skrb_domain::services::upn::read(&bytes).expect("a UPN QR payload")
}

/// A meal delivered and nothing else counts as the agreement says (15 minutes), not the
/// seven minutes at the door.
async fn a_meal_counts_as_agreed(app: TestApp) {
    let h = home(&app, "ml").await;
    let p = person(&app, &h, "Hana").await;
    let nina = carer(&app, &h, "Nina", "neg_ml", 38).await;
    let start = first_of_last_month();
    let r = post(&app, &h.coord, "/api/v1/services/agreements", json!({
        "person_id": p.to_string(), "tasks": ["meals", "contact"], "hours_week": "1", "meals_minutes": "15",
        "requested_on": (start - Duration::days(10)).to_string(), "start_on": start.to_string()
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ag = r.json()["id"].as_i64().expect("id");
    post(&app, &h.coord, &format!("/api/v1/services/agreements/{ag}/patterns"), json!({
        "carer_id": nina.to_string(), "weekday": "2", "start": "12:00", "minutes": "15", "valid_from": start.to_string()
    }))
    .await;
    // Three weeks from the Monday before the first of last month: at least two of the
    // pattern's days fall on or after its start and before today, whatever day today is
    // (two weeks had only one when the first was a Sunday and today a Monday).
    let cookies = app.browser_login("koord_ml").await;
    app.form(
        "/services/board/plan",
        &cookies,
        &[("from", &start.to_string()), ("weeks", "3")],
    )
    .await;
    let visits: Vec<i64> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(
        &format!("SELECT id FROM hh_visit WHERE agreement_id = {ag} AND day < '{}' ORDER BY day", today()))
        .fetch_all(p).await.expect("visits"));
    assert!(visits.len() >= 2, "{visits:?}");
    let r = post(
        &app,
        &h.worker,
        &format!("/api/v1/services/visits/{}", visits[0]),
        json!({
            "key": "meal-1", "check_in": "12:00", "check_out": "12:07", "tasks": ["meals"]
        }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["delivered_minutes"], 15);
    // With a talk as well, the time recorded.
    let r = post(&app, &h.worker, &format!("/api/v1/services/visits/{}", visits[1]), json!({
        "key": "meal-2", "check_in": "12:00", "check_out": "12:40", "tasks": ["meals", "contact"]
    }))
    .await;
    assert_eq!(r.json()["delivered_minutes"], 40);
}
both!(a_meal_counts_as_agreed);
