//! Public authorisations: a family assessed and approved, children placed, the vacancy
//! list following, the next payment run paying the carer to the cent (a full month, a
//! part month, a raise, a weekend-only placement), the carer's annual summary adding
//! up; a family over its limit waiting for a second person; Republika Srpska's limits
//! and amounts; an institution's price split with an exemption and billed once; a
//! guardian's report coming due and approved; bad input in the user's language; and who
//! must not see it (another centre, the other country, a restricted child's file).
//! Every scenario on both databases.

use serde_json::{json, Value};
use skrb::auth::Role;
use skrb_domain::iban;

use crate::both;
use crate::harness::{run_cli, TestApp};

struct Centre {
    id: i64,
    sw: String,
    sw2: String,
    fin: String,
    dir: String,
}

/// A centre with two social workers, a finance officer, a director and the account the
/// state's (entity's) part is paid from.
async fn centre(app: &TestApp, code: &str, j: &str) -> Centre {
    let (id, [sw, sw2, fin, dir]) = app
        .centre(
            code,
            j,
            [
                ("sw", Role::SocialWorker),
                ("sw2", Role::SocialWorker),
                ("fin", Role::FinanceOfficer),
                ("dir", Role::Director),
            ],
        )
        .await;
    let c = Centre {
        id,
        sw,
        sw2,
        fin,
        dir,
    };
    let body = if j == "SI" {
        json!({"funder": "state", "name": "Republika Slovenija", "iban": iban::compose("SI", "011006000000017"), "bic": "BSLJSI2X",
               "address": "Gregorčičeva 20, 1000 Ljubljana", "format": "pain.001.001.03", "batch_size": "100"})
    } else {
        json!({"funder": "entity", "name": "Republika Srpska", "iban": iban::compose("BA", "5620000000000017"),
               "address": "Trg Republike Srpske 1, Banja Luka", "format": "csv", "batch_size": "100"})
    };
    let r = post(app, &c.fin, "/api/v1/payments/accounts", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    c
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn get(app: &TestApp, t: &str, path: &str) -> crate::harness::Res {
    app.api("GET", path, Some(t), None).await
}

async fn person(app: &TestApp, t: &str, given: &str, born: &str) -> i64 {
    let r = post(
        app,
        t,
        "/api/v1/persons",
        json!({"given_name": given, "family_name": "Kovač", "birth_date": born}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().expect("id")
}

/// Enquiry, assessment and permit: an approved family.
async fn approved_carer(app: &TestApp, t: &str, given: &str, permit: Value) -> i64 {
    let p = person(app, t, given, "1980-05-05").await;
    let r = post(
        app,
        t,
        "/api/v1/placements/carers",
        json!({"person_id": p.to_string()}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().expect("id");
    let r = post(app, t, &format!("/api/v1/placements/carers/{id}/step"), json!({
        "step": "assess", "motivation": "Want to help", "home": "A house with a garden", "recommendation": "Approve"
    }))
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let mut body = permit;
    body["step"] = json!("approve");
    body["on"] = json!("2026-01-10");
    let r = post(
        app,
        t,
        &format!("/api/v1/placements/carers/{id}/step"),
        body,
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    id
}

async fn vacancies(app: &TestApp, t: &str, carer: i64) -> i64 {
    let r = get(app, t, "/api/v1/placements/carers").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == carer)
        .map(|c| c["free"].as_i64().unwrap_or(-2))
        .unwrap_or(-1)
}

fn foster(person: i64, carer: i64, start: &str, extra: Value) -> Value {
    let mut b = json!({
        "person_id": person.to_string(), "setting": "foster", "carer_id": carer.to_string(), "kind": "full",
        "basis": "court", "order_number": format!("N {person}/2026"), "order_on": "2026-02-20", "court": "Okrajno sodišče v Velenju",
        "contract_number": format!("RP-{person}"), "start_on": start
    });
    if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    b
}

async fn line(app: &TestApp, person: i64) -> i64 {
    app.num(&format!(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment_line WHERE person_id = {person} AND carried_by IS NULL"
    ))
    .await
}

/// Assessed, approved, placed, paid to the cent, summed for the year.
async fn a_child_placed_and_paid(app: TestApp) {
    let j = crate::harness::Journey::new("a child placed and paid");
    let c = centre(&app, "pvl", "SI").await;
    j.step("the family is assessed and approved, once in the register");
    let carer_person = person(&app, &c.sw, "Marta", "1979-01-01").await;
    app.exec(&format!(
        "UPDATE person SET iban = '{}' WHERE id = {carer_person}",
        iban::compose("SI", "044300000000123")
    ))
    .await;
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements/carers",
        json!({"person_id": carer_person.to_string()}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let carer = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements/carers",
        json!({"person_id": carer_person.to_string()}),
    )
    .await;
    assert_eq!(
        r.status, 422,
        "a second record of the same carer: {}",
        r.body
    );
    assert!(r.body.contains("CSD pvl"), "names who keeps it: {}", r.body);
    let r = post(&app, &c.sw, &format!("/api/v1/placements/carers/{carer}/step"), json!({"step": "approve", "permit_kind": "regular", "permit_number": "1", "max_children": "2"})).await;
    assert_eq!(r.status, 403, "no permit before the assessment: {}", r.body);
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/placements/carers/{carer}/step"),
        json!({"step": "assess", "recommendation": "Priporočamo"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(&app, &c.sw, &format!("/api/v1/placements/carers/{carer}/step"), json!({
        "step": "approve", "on": "2026-01-15", "permit_kind": "regular", "permit_number": "1203-7/2026", "max_children": "2",
        "age_from": "0", "age_to": "17"
    }))
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let f = get(&app, &c.sw, &format!("/api/v1/placements/carers/{carer}"))
        .await
        .json();
    assert_eq!(f["carer"]["status"], "approved");
    assert_eq!(
        f["carer"]["review_on"], "2027-01-15",
        "reviewed a year after the permit"
    );
    assert_eq!(vacancies(&app, &c.sw, carer).await, 2);
    let tasks = app
        .num("SELECT COUNT(*) FROM task WHERE source = 'statutory' AND due_on = '2027-01-15'")
        .await;
    assert_eq!(tasks, 1, "the yearly review is a task");

    j.step("a child placed for the whole of March, another for weekends from the 16th");
    let anja = person(&app, &c.sw, "Anja", "2015-04-01").await;
    let bor = person(&app, &c.sw, "Bor", "2012-09-09").await;
    let cene = person(&app, &c.sw, "Cene", "2010-02-02").await;
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements",
        foster(anja, carer, "2026-03-01", json!({})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["monthly"], 109_800, "638 + 460 = 1,098.00");
    let anja_pl = r.json()["id"].as_i64().expect("id");
    assert_eq!(
        vacancies(&app, &c.sw, carer).await,
        1,
        "the vacancy list follows the placement"
    );
    let listed = "SELECT COUNT(*) FROM audit_log WHERE action = 'list' AND entity = 'foster_carer'";
    let before = app.num(listed).await;
    let r = get(&app, &c.sw, "/api/v1/placements/carers?vacant=true").await;
    assert!(
        r.body.contains(&format!("\"id\":{carer},")),
        "a family with a place left is offered: {}",
        r.body
    );
    assert_eq!(app.num(listed).await, before + 1, "the search is recorded");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements",
        foster(bor, carer, "2026-03-16", json!({"kind": "weekend"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["monthly"], 82_350, "75 % of 1,098.00");
    let bor_pl = r.json()["id"].as_i64().expect("id");
    assert_eq!(vacancies(&app, &c.sw, carer).await, 0);
    let r = get(&app, &c.sw, "/api/v1/placements/carers?vacant=true").await;
    assert!(
        !r.body.contains(&format!("\"id\":{carer},")),
        "a full family is not offered: {}",
        r.body
    );
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements",
        foster(anja, carer, "2026-04-01", json!({})),
    )
    .await;
    assert_eq!(r.status, 422, "placed twice at once: {}", r.body);

    j.step("a third child is over the limit: a reason, then a second person");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements",
        foster(cene, carer, "2026-03-01", json!({})),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("over_limit_reason"), "{}", r.body);
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements",
        foster(
            cene,
            carer,
            "2026-03-01",
            json!({"over_limit_reason": "Brat in sestra ostaneta skupaj"}),
        ),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["pending"], true);
    assert!(
        r.json()["monthly"].is_null(),
        "nothing paid before the approval"
    );
    let cene_pl = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/placements/{cene_pl}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "not by the one who placed: {}", r.body);
    let r = post(
        &app,
        &c.sw2,
        &format!("/api/v1/placements/{cene_pl}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);

    j.step("a raise from the 16th: the payment so far ends the day before");
    let v = get(&app, &c.sw, &format!("/api/v1/placements/{cene_pl}"))
        .await
        .json()["placement"]["version"]
        .as_i64()
        .expect("v");
    let r = post(&app, &c.sw, &format!("/api/v1/placements/{cene_pl}/raise"), json!({"effective": "2026-03-16", "maintenance_raise": "25", "fee_raise": "0", "version": v.to_string()})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!(125_750), "797.50 + 460.00");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/placements/{cene_pl}/raise"),
        json!({"effective": "2026-03-20", "maintenance_raise": "50", "version": v.to_string()}),
    )
    .await;
    assert_eq!(r.status, 409, "a stale version: {}", r.body);

    j.step("the month's run pays the carer to the cent");
    let r = post(
        &app,
        &c.fin,
        "/api/v1/payments/runs",
        json!({"month": "2026-03"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let run = r.json()["id"].as_i64().expect("run");
    let r = post(
        &app,
        &c.fin,
        &format!("/api/v1/payments/runs/{run}/calculate"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(line(&app, anja).await, 109_800, "a full month");
    assert_eq!(line(&app, bor).await, 42_503, "16 of 31 days of 823.50");
    assert_eq!(
        line(&app, cene).await,
        53_129 + 64_903,
        "15 days of 1,098.00 and 16 days of 1,257.50"
    );
    let payees: Vec<String> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT DISTINCT payee FROM payment_line WHERE run_id = $1").bind(run).fetch_all(p).await.expect("payees"));
    assert_eq!(payees, ["Marta Kovač"], "paid to the carer, not the child");
    let held = app
        .num(&format!(
            "SELECT COUNT(*) FROM payment_line WHERE run_id = {run} AND status = 'held'"
        ))
        .await;
    assert_eq!(held, 0, "the carer's account is known");
    let r = post(
        &app,
        &c.dir,
        &format!("/api/v1/payments/runs/{run}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &app,
        &c.fin,
        &format!("/api/v1/payments/runs/{run}/export"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    j.step("the carer's annual summary adds up");
    let a = get(
        &app,
        &c.sw,
        &format!("/api/v1/placements/carers/{carer}/annual?year=2026"),
    )
    .await
    .json();
    let total = 109_800 + 42_503 + 53_129 + 64_903;
    assert_eq!(a["total"], total, "{a}");
    assert_eq!(a["months"][2], total, "all in March");
    let children: i64 = a["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["total"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(children, total);
    assert_eq!(a["children"].as_array().map(Vec::len), Some(3));
    let lines = app
        .num(&format!(
            "SELECT CAST(SUM(amount) AS BIGINT) FROM payment_line WHERE run_id = {run}"
        ))
        .await;
    assert_eq!(lines, total, "the summary is what the run sent");
    for year in ["2147483646", "1066"] {
        let r = get(
            &app,
            &c.sw,
            &format!("/api/v1/placements/carers/{carer}/annual?year={year}"),
        )
        .await;
        assert_eq!(r.status, 422, "a year no payment was made in: {}", r.body);
        let r = get(
            &app,
            &c.sw,
            &format!("/api/v1/placements/figures?year={year}"),
        )
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
    }

    j.step("the timeline, a visit, an end");
    let f = get(&app, &c.sw, &format!("/api/v1/placements/{cene_pl}"))
        .await
        .json();
    let kinds: Vec<&str> = f["timeline"]
        .as_array()
        .expect("t")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["start", "raise"], "{f}");
    assert_eq!(f["payments"].as_array().map(Vec::len), Some(2), "{f}");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/placements/{anja_pl}/events"),
        json!({"kind": "visit", "on_day": "2026-04-02", "note": "Anja se je vživela."}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let next = get(&app, &c.sw, &format!("/api/v1/placements/{anja_pl}"))
        .await
        .json()["placement"]["next_visit_on"]
        .clone();
    assert_eq!(next, "2026-07-02", "the next visit three months on");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/placements/{anja_pl}/events"),
        json!({"kind": "visit", "on_day": "2026-04-02"}),
    )
    .await;
    assert_eq!(r.status, 422, "a visit needs its note: {}", r.body);
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/placements/{bor_pl}/end"),
        json!({"end_on": "2026-04-10", "reason": "Vrnitev k materi"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let to = app.num(&format!("SELECT COUNT(*) FROM entitlement WHERE placement_id = {bor_pl} AND valid_to = '2026-04-10' AND status = 'ended'")).await;
    assert_eq!(to, 1, "the payment ends with the placement");
    assert_eq!(
        vacancies(&app, &c.sw, carer).await,
        0,
        "Bor leaves in April; today Anja and Cene are placed"
    );

    j.step("what falls due, the figures and the CLI");
    let due = get(&app, &c.sw, "/api/v1/placements/due").await.json();
    assert!(
        due.as_array()
            .expect("due")
            .iter()
            .all(|d| d["kind"] != "pending"),
        "{due}"
    );
    let fig = get(&app, &c.sw, "/api/v1/placements/figures?year=2026")
        .await
        .json();
    assert_eq!(fig["started_foster"], 3, "{fig}");
    assert_eq!(fig["ended_foster"], 1, "{fig}");
    assert_eq!(fig["foster_families"], 1, "{fig}");
    let placed: i64 = fig["in_foster"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r["male"].as_i64().unwrap_or(0)
                + r["female"].as_i64().unwrap_or(0)
                + r["other"].as_i64().unwrap_or(0)
        })
        .sum();
    assert_eq!(placed, 2, "Anja and Cene today: {fig}");
    let (ok, out, err) = run_cli(
        &app.url,
        &[
            "placements",
            "annual",
            "--carer",
            &carer.to_string(),
            "--year",
            "2026",
            "--centre",
            "pvl",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("2703.35"), "{out}");
}

both!(a_child_placed_and_paid);

/// Republika Srpska: the entity's amounts, the limit of 2 with a disability and the
/// household's cap; an institution's price split and billed once, with an exemption.
async fn limits_amounts_and_institutions(app: TestApp) {
    let rs = centre(&app, "trb", "RS").await;
    let carer = approved_carer(&app, &rs.sw, "Јелена", json!({
        "permit_kind": "regular", "permit_number": "55-1/2026", "max_children": "3", "household_cap": "4", "own_children": "1",
        "iban": iban::compose("BA", "1610000000000017")
    }))
    .await;
    let kids: Vec<i64> = {
        let mut v = Vec::new();
        for (n, born) in [
            ("Ана", "2014-01-01"),
            ("Бојан", "2013-01-01"),
            ("Вук", "2016-01-01"),
        ] {
            v.push(person(&app, &rs.sw, n, born).await);
        }
        v
    };
    let rs_place = |p: i64, extra: Value| {
        let mut b = foster(p, carer, "2026-05-01", extra);
        b["basis"] = json!("decision");
        b["court"] = json!("");
        b
    };
    let r = post(
        &app,
        &rs.sw,
        "/api/v1/placements",
        rs_place(kids[0], json!({"disability": "1"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["monthly"], 70_000, "450 + 250 KM");
    let r = post(
        &app,
        &rs.sw,
        "/api/v1/placements",
        rs_place(kids[1], json!({})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = app
        .api_lang(
            "POST",
            "/api/v1/placements",
            Some(&rs.sw),
            Some(rs_place(kids[2], json!({}))),
            "sr-Cyrl",
        )
        .await;
    assert_eq!(r.status, 422, "2 with a disability: {}", r.body);
    assert!(
        r.body.contains("може имати 2"),
        "in the worker's language: {}",
        r.body
    );

    // Slovenia: a home for the elderly, the price split, an exemption, billed once.
    let si = centre(&app, "pce", "SI").await;
    let r = post(&app, &si.sw, "/api/v1/placements/institutions", json!({
        "name": "Dom Velenje", "kind": "pensioners_home", "place": "Velenje", "iban": iban::compose("SI", "011000000000999"), "price": "1.800,00"
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let home = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &si.sw,
        "/api/v1/placements/institutions",
        json!({"name": "Dom Velenje", "kind": "pensioners_home"}),
    )
    .await;
    assert_eq!(r.status, 422, "once in the register: {}", r.body);
    app.exec(&format!(
        "UPDATE centre SET address = 'Trg 1, 3320 Velenje', receipts_iban = '{}' WHERE id = {}",
        iban::compose("SI", "191000000123438"),
        si.id
    ))
    .await;
    let ana = person(&app, &si.sw, "Ana", "1938-02-02").await;
    // An exemption decided in the procedure: she pays at most 250.00 a month.
    let right = app
        .num("SELECT id FROM right_type WHERE code = 'si_inst_exemption'")
        .await;
    app.exec(&format!("INSERT INTO decision (centre_id, person_id, right_id, kind, outcome, amount, currency, period_from, reasoning, inputs, status, number, decided_on, signatory, created_at) \
        VALUES ({}, {ana}, {right}, 'first', 'granted', 25000, 'EUR', '2026-01-01', 'x', '{{}}', 'issued', '1232-1/2026', '2026-01-01', 'x', '2026-01-01T00:00:00Z')", si.id)).await;
    let d = app.num("SELECT MAX(id) FROM decision").await;
    app.exec(&format!("INSERT INTO entitlement (centre_id, decision_id, person_id, right_id, amount, currency, valid_from, status, funding, input) \
        VALUES ({}, {d}, {ana}, {right}, 25000, 'EUR', '2026-01-01', 'active', 'municipality:25000', '{{}}')", si.id)).await;
    let r = post(&app, &si.sw, "/api/v1/placements", json!({
        "person_id": ana.to_string(), "setting": "institution", "institution_id": home.to_string(), "kind": "full", "basis": "decision",
        "order_number": "1240-3/2026", "order_on": "2026-02-25", "start_on": "2026-03-01", "user_part": "700", "relatives_part": "300",
        "relatives_name": "Marko Kovač"
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.json()["monthly"],
        125_000,
        "1,800 - 250 (exempted from 700) - 300"
    );
    let pl = r.json()["id"].as_i64().expect("id");
    let payee: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT payee_name FROM entitlement WHERE placement_id = $1").bind(pl).fetch_one(p).await.expect("payee"));
    assert_eq!(
        payee, "Dom Velenje",
        "the public part is paid to the institution"
    );
    let r = post(
        &app,
        &si.sw,
        "/api/v1/placements/billing",
        json!({"month": "2026-03"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["bills"], 2);
    assert_eq!(r.json()["total"], 25_000 + 30_000);
    let r = post(
        &app,
        &si.sw,
        "/api/v1/placements/billing",
        json!({"month": "2026-03"}),
    )
    .await;
    assert_eq!(r.json()["bills"], 0, "billed once: {}", r.body);
    assert_eq!(r.json()["already"], 2);
    let bills = get(&app, &si.sw, "/api/v1/placements/bills?month=2026-03")
        .await
        .json();
    assert_eq!(bills.as_array().map(Vec::len), Some(2), "{bills}");
    let user_bill = bills
        .as_array()
        .and_then(|b| b.iter().find(|b| b["payer"] == "user"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(user_bill["amount"], 25_000, "{bills}");
    let reference = user_bill["reference"].as_str().unwrap_or("");
    assert!(
        skrb_domain::services::upn::is_si12(reference),
        "a reference a bank brings back: {reference}"
    );
    let bill = user_bill["id"].as_i64().expect("bill");
    let pdf = get(
        &app,
        &si.sw,
        &format!("/api/v1/placements/bills/{bill}/pdf"),
    )
    .await;
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert!(pdf.body.starts_with("%PDF"), "a PDF with the UPN QR");
    assert_eq!(
        get(
            &app,
            &rs.sw,
            &format!("/api/v1/placements/bills/{bill}/pdf")
        )
        .await
        .status,
        403,
        "another centre's bill"
    );
    let r = get(&app, &rs.sw, "/api/v1/placements/bills?month=2026-03")
        .await
        .json();
    assert_eq!(
        r.as_array().map(Vec::len),
        Some(0),
        "another centre's bills are not shown"
    );
}

both!(limits_amounts_and_institutions);

/// A guardian is appointed, the yearly report comes due, is returned, submitted again
/// and approved; the next year's falls due.
async fn a_guardians_report(app: TestApp) {
    let c = centre(&app, "pgu", "SI").await;
    let ward = person(&app, &c.sw, "Janez", "1950-06-06").await;
    let son = person(&app, &c.sw, "Marko", "1975-06-06").await;
    let r = post(&app, &c.sw, "/api/v1/placements/guardianships", json!({
        "ward_id": ward.to_string(), "appointed_by": "court", "order_number": "N 12/2025", "appointed_on": "2025-10-01",
        "scope": "partial", "guardian_kind": "person", "guardian_person_id": son.to_string()
    }))
    .await;
    assert_eq!(
        r.status, 422,
        "a partial guardianship names its matters: {}",
        r.body
    );
    let r = post(&app, &c.sw, "/api/v1/placements/guardianships", json!({
        "ward_id": ward.to_string(), "appointed_by": "court", "order_number": "N 12/2025", "appointed_on": "2025-10-01",
        "scope": "partial", "scope_note": "Premoženje in pokojnina", "guardian_kind": "person", "guardian_person_id": son.to_string()
    }))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let g = r.json()["id"].as_i64().expect("id");
    let r = post(&app, &c.sw, "/api/v1/placements/guardianships", json!({
        "ward_id": ward.to_string(), "appointed_by": "court", "order_number": "N 13/2025", "appointed_on": "2025-10-02",
        "scope": "full", "guardian_kind": "centre"
    }))
    .await;
    assert_eq!(r.status, 422, "one guardian at a time: {}", r.body);
    let due = get(&app, &c.sw, "/api/v1/placements/due").await.json();
    let report_due = due
        .as_array()
        .expect("due")
        .iter()
        .find(|d| d["kind"] == "report")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        report_due["on"], "2026-10-01",
        "a year after the appointment, and late: {due}"
    );
    let f = get(
        &app,
        &c.sw,
        &format!("/api/v1/placements/guardianships/{g}"),
    )
    .await
    .json();
    assert_eq!(f["guardianship"]["guardian_name"], "Marko Kovač");
    let rep = f["reports"][0]["id"].as_i64().expect("report");
    let url = format!("/api/v1/placements/guardianships/{g}/reports/{rep}");
    let r = post(&app, &c.sw, &url, json!({"action": "approve"})).await;
    assert_eq!(
        r.status, 403,
        "nothing to approve before it is in: {}",
        r.body
    );
    let r = post(&app, &c.sw, &url, json!({"action": "submit", "income": "10.800,00", "spending": "x", "property": "23500", "body": "Pokojnina"})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = post(&app, &c.sw, &url, json!({"action": "submit", "income": "10.800,00", "spending": "10.200,00", "property": "23500", "body": "Pokojnina je šla za dom."})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(&app, &c.sw2, &url, json!({"action": "return"})).await;
    assert_eq!(r.status, 422, "returned with a reason: {}", r.body);
    let r = post(
        &app,
        &c.sw2,
        &url,
        json!({"action": "return", "note": "Priložite izpisek"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(&app, &c.sw, &url, json!({"action": "submit", "income": "10800", "spending": "10200", "property": "23500", "body": "Z izpiskom."})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.sw2,
        &url,
        json!({"action": "approve", "note": "V redu"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let f = get(
        &app,
        &c.sw,
        &format!("/api/v1/placements/guardianships/{g}"),
    )
    .await
    .json();
    let statuses: Vec<&str> = f["reports"]
        .as_array()
        .expect("r")
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert_eq!(statuses, ["due", "approved"], "the next year's is due: {f}");
    assert_eq!(f["reports"][0]["due_on"], "2027-10-01");
    assert_eq!(f["reports"][1]["property"], 2_350_000);
    let r = post(&app, &c.sw, &format!("/api/v1/placements/guardianships/{g}/items"), json!({"kind": "approval", "what": "Prodaja stanovanja", "value": "85000", "outcome": "approved"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let audited = app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'guardian_report' AND person_id = {ward}")).await;
    assert_eq!(
        audited, 4,
        "submitted, returned, submitted, approved: each audited with the ward"
    );
    let fig = get(&app, &c.sw, "/api/v1/placements/figures?year=2026")
        .await
        .json();
    let wards: i64 = fig["under_guardianship"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r["male"].as_i64().unwrap_or(0)
                + r["female"].as_i64().unwrap_or(0)
                + r["other"].as_i64().unwrap_or(0)
        })
        .sum();
    assert_eq!(wards, 1);
}

both!(a_guardians_report);

/// Another centre, the other country, a partner and the ministry do not see a placement;
/// a restricted child's placement is masked for a colleague off the team.
async fn who_must_not_see_it(app: TestApp) {
    let c = centre(&app, "pwa", "SI").await;
    let other = centre(&app, "pwb", "SI").await;
    let rs = centre(&app, "pwr", "RS").await;
    let carer = approved_carer(
        &app,
        &c.sw,
        "Nina",
        json!({"permit_kind": "regular", "permit_number": "9", "max_children": "3"}),
    )
    .await;
    let kid = person(&app, &c.sw, "Tia", "2016-01-01").await;
    let r = post(
        &app,
        &c.sw,
        "/api/v1/placements",
        foster(kid, carer, "2026-06-01", json!({})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let pl = r.json()["id"].as_i64().expect("id");
    for path in [
        format!("/api/v1/placements/{pl}"),
        format!("/api/v1/placements/carers/{carer}"),
        format!("/api/v1/placements/carers/{carer}/annual"),
    ] {
        assert_eq!(
            get(&app, &other.sw, &path).await.status,
            403,
            "{path}: another centre"
        );
        assert_eq!(
            get(&app, &rs.sw, &path).await.status,
            403,
            "{path}: the other country"
        );
    }
    let mine = get(&app, &other.sw, "/api/v1/placements").await.json();
    assert_eq!(
        mine.as_array().map(Vec::len),
        Some(0),
        "another centre's placements are not listed"
    );
    let reg = get(&app, &other.sw, "/api/v1/placements/carers").await.body;
    assert!(
        reg.contains("Nina"),
        "the country's register is shared for matching: {reg}"
    );
    let reg = get(&app, &rs.sw, "/api/v1/placements/carers").await.body;
    assert!(!reg.contains("Nina"), "not across the border: {reg}");
    let r = post(
        &app,
        &other.sw,
        &format!("/api/v1/placements/{pl}/end"),
        json!({"end_on": "2026-07-01", "reason": "x"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    app.user("partner_p", Role::Partner).await;
    let t = app.token("partner_p").await;
    assert_eq!(get(&app, &t, "/api/v1/placements").await.status, 403);
    app.user("min_p", Role::Ministry).await;
    let t = app.token("min_p").await;
    assert_eq!(
        get(&app, &t, "/api/v1/placements/carers").await.status,
        403,
        "the ministry sees aggregates only"
    );
    assert_eq!(
        get(&app, &t, &format!("/api/v1/placements/{pl}"))
            .await
            .status,
        403
    );

    // Bad input in the user's language, and nothing written.
    let before = app.num("SELECT COUNT(*) FROM placement").await;
    let r = app
        .api_lang(
            "POST",
            "/api/v1/placements",
            Some(&c.sw),
            Some(json!({"person_id": kid.to_string(), "setting": "boat", "start_on": "31.2.2026"})),
            "sl",
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Izberite vrednost s seznama"), "{}", r.body);
    assert_eq!(app.num("SELECT COUNT(*) FROM placement").await, before);
    // A restricted child: the colleague off the team sees a dash, and is refused the file.
    app.exec(&format!(
        "UPDATE person SET restricted = TRUE WHERE id = {kid}"
    ))
    .await;
    let list = get(&app, &c.sw2, "/api/v1/placements").await.json();
    assert_eq!(list[0]["person"], "—", "{list}");
    assert_eq!(
        get(&app, &c.sw2, &format!("/api/v1/placements/{pl}"))
            .await
            .status,
        403
    );
}

both!(who_must_not_see_it);

/// A page of the register reads whole only the families it shows: those with most free
/// places first (all three are the centre's own), and the count of every match; the API
/// lists them all in the same order.
async fn the_register_page_keeps_the_best(app: TestApp) {
    let c = centre(&app, "prg", "SI").await;
    let mut carers = Vec::new();
    for (name, most) in [("Ana", "1"), ("Bojana", "3"), ("Cvetka", "2")] {
        let permit = json!({"permit_kind": "regular", "permit_number": format!("{name}-1/2026"), "max_children": most});
        carers.push(approved_carer(&app, &c.sw, name, permit).await);
    }
    let best = [carers[1], carers[2], carers[0]];
    let actor =
        skrb_kit::centre::cli_actor(&app.db, &Some("prg".into()), &Some("sw_prg".into()), "t")
            .await
            .expect("actor");
    let search = skrb::placements::carers::Search::default();
    let (page, total) = skrb::placements::carers::register_page(&app.db, &actor, &search, 2)
        .await
        .expect("register");
    assert_eq!(total, 3);
    let shown: Vec<(i64, i64)> = page.iter().map(|c| (c.id, c.free)).collect();
    assert_eq!(shown, vec![(best[0], 3), (best[1], 2)]);
    assert!(page.iter().all(|c| !c.name.is_empty() && c.placed == 0));
    let r = get(&app, &c.sw, "/api/v1/placements/carers").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let listed: Vec<i64> = r
        .json()
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(listed, best);
}
both!(the_register_page_keeps_the_best);
