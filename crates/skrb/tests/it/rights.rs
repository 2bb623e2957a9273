//! Rights: an application from receipt to a delivered decision, an appeal to the second
//! instance's outcome, frozen inputs, manual amounts with a second person, commissions,
//! the yearly renewal with a new parameter, extended rights, and bad input.

use serde_json::{json, Value};
use skrb::auth::Role;

use crate::both;
use crate::harness::{csrf_for, fields, TestApp};

struct Staff {
    ro: String,
    head: String,
    director: String,
}

/// A centre of `jurisdiction` with a municipality, a rights officer, a head and a director.
async fn centre(app: &TestApp, code: &str, jurisdiction: &str) -> Staff {
    let cur = if jurisdiction == "SI" { "EUR" } else { "BAM" };
    app.exec(&format!(
        "INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('{code}', 'Centre {code}', '{jurisdiction}', '{cur}')"
    ))
    .await;
    let c = app
        .num(&format!("SELECT id FROM centre WHERE code = '{code}'"))
        .await;
    app.exec(&format!(
        "INSERT INTO municipality (centre_id, code, name) VALUES ({c}, '{code}1', 'Town {code}'), ({c}, '{code}2', 'Village {code}')"
    ))
    .await;
    let mut tokens = Vec::new();
    for (name, role) in [
        ("ro", Role::RightsOfficer),
        ("head", Role::HeadOfUnit),
        ("director", Role::Director),
    ] {
        let u = format!("{name}_{code}");
        app.user(&u, role).await;
        skrb::auth::users::set_centre(&app.db, &u, code)
            .await
            .expect("centre");
        tokens.push(app.token(&u).await);
    }
    let mut it = tokens.into_iter();
    Staff {
        ro: it.next().unwrap(),
        head: it.next().unwrap(),
        director: it.next().unwrap(),
    }
}

async fn person(app: &TestApp, t: &str, given: &str, birth: &str) -> i64 {
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(t),
            Some(json!({"given_name": given, "family_name": "Novak", "birth_date": birth})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn right(app: &TestApp, code: &str) -> i64 {
    app.num(&format!("SELECT id FROM right_type WHERE code = '{code}'"))
        .await
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn get(app: &TestApp, t: &str, path: &str) -> Value {
    let r = app.api("GET", path, Some(t), None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

fn today() -> time::Date {
    skrb_kit::clock::today()
}

/// A family of two adults and two children in one household; returns the applicant.
async fn family(app: &TestApp, t: &str) -> (i64, i64) {
    let a = person(app, t, "Ana", "1985-05-15").await;
    let b = person(app, t, "Bojan", "1983-01-02").await;
    let c = person(app, t, "Cvetka", "2015-03-03").await;
    let d = person(app, t, "Dane", "2018-07-07").await;
    let r = post(
        app,
        t,
        "/api/v1/households",
        json!({"head_person_id": a, "valid_from": "2020-01-01"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let h = r.json()["household"]["id"].as_i64().unwrap();
    for (p, rel) in [(b, "spouse"), (c, "child"), (d, "child")] {
        let r = post(
            app,
            t,
            &format!("/api/v1/households/{h}/members"),
            json!({"person_id": p, "relationship": rel, "valid_from": "2020-01-01"}),
        )
        .await;
        assert!(r.status.as_u16() < 300, "{}", r.body);
    }
    (a, h)
}

/// Receipt, completion, calculation from the registry's household, a decision with its
/// document, delivery, an appeal and the second instance's change; frozen inputs.
async fn from_application_to_the_second_instance(app: TestApp) {
    let j = crate::harness::Journey::new("from application to the second instance");
    let s = centre(&app, "vel", "SI").await;
    let t = &s.ro;
    let (ana, h) = family(&app, t).await;
    let dsp = right(&app, "dsp").await;
    let r = post(&app, t, "/api/v1/applications", json!({"person_id": ana, "right_id": dsp, "channel": "post", "documents": "bank statements"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["application"]["status"], "received");
    assert!(
        v["application"]["number"]
            .as_str()
            .unwrap()
            .starts_with("1221-"),
        "{v}"
    );
    assert!(
        v["application"]["due_on"].is_null(),
        "no deadline before it is complete"
    );
    j.step("the household comes from the registry");
    // The household comes from the registry: 2 adults, 2 children -> 1,395.43 EUR.
    assert_eq!(v["input"]["members"].as_array().unwrap().len(), 4, "{v}");
    assert_eq!(v["amount"], "1395.43", "{v}");
    assert!(
        v["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("2.75")),
        "{v}"
    );
    j.step("not complete");
    // Not complete: no decision yet.
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    j.step("ask for completion, then complete");
    // Ask for completion, then complete: the deadline is a month later (a working day).
    let due = (today() + time::Duration::days(8)).to_string();
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/completion"),
        json!({"action": "ask", "due": due, "note": "payslips"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/completion"),
        json!({"action": "complete"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    let expect_due = skrb_domain::rights::deadlines::decision_due(today(), 1);
    assert_eq!(v["application"]["due_on"], expect_due.to_string());
    assert_eq!(v["application"]["status"], "in_procedure");
    let procs = get(&app, t, "/api/v1/procedures").await;
    assert_eq!(procs.as_array().unwrap().len(), 1);
    assert_eq!(procs[0]["id"], id);
    j.step("the officer states income");
    // The officer states income; the calculation follows.
    let mut input = v["input"].clone();
    input["income"] = json!("95.43");
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/applications/{id}/input"),
            Some(t),
            Some(input.clone()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["amount"], "1300.00");
    input["income"] = json!("0");
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/applications/{id}/input"),
            Some(t),
            Some(input),
        )
        .await;
    assert_eq!(r.json()["amount"], "1395.43");
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let did = r.json()["id"].as_i64().unwrap();
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["application"]["status"], "decided");
    let d = &v["decisions"][0];
    assert_eq!(d["amount"], "1395.43");
    assert_eq!(d["status"], "issued");
    let first = skrb_domain::rights::deadlines::next_month(today());
    assert_eq!(
        d["period_from"],
        first.to_string(),
        "the month after the application"
    );
    let e = &v["entitlements"][0];
    assert_eq!(e["amount"], "1395.43");
    assert_eq!(e["funding"], "state:139543");
    assert_eq!(
        e["valid_to"],
        skrb_domain::rights::deadlines::month_end(skrb_domain::rights::deadlines::add_months(
            first, 2
        ))
        .to_string()
    );
    j.step("the document");
    // The document: a PDF as issued.
    let r = app
        .api(
            "GET",
            &format!("/api/v1/decisions/{did}/document"),
            Some(t),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert!(r.body.starts_with("%PDF-"), "a PDF");
    j.step("its text, from the frozen inputs, in the centre's language");
    // Its text, from the frozen inputs, in the centre's language.
    let (dec, rt) = load(&app, did).await;
    let lines: Vec<String> = skrb::rights::decisions::document::lines(
        &dec,
        &rt,
        Some("Prešernova cesta 8, 3320 Velenje"),
    )
    .into_iter()
    .map(|l| l.text)
    .collect();
    assert!(lines.contains(&"ODLOČBO".to_string()), "{lines:?}");
    // The letterhead: the centre, its address, the file number, the day.
    assert_eq!(lines[1], "Prešernova cesta 8, 3320 Velenje", "{lines:?}");
    assert!(lines[2].starts_with("Številka: "), "{lines:?}");
    // Who receives it: the applicant, the file, and finance (it pays an amount).
    let to = lines
        .iter()
        .position(|l| l == "Vročiti")
        .expect("distribution list");
    assert!(lines[to + 1].contains("Ana Novak"), "{lines:?}");
    assert!(lines[to + 3].contains("finan"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Ana Novak") && l.contains("1.395,43\u{a0}€")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Vsota uteži: 2,75")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("15 dneh")), "{lines:?}");
    j.step("a later registry edit changes nothing decided");
    // A later registry edit changes nothing decided: a fifth member joins.
    let e5 = person(&app, t, "Eva", "2024-01-01").await;
    let r = post(
        &app,
        t,
        &format!("/api/v1/households/{h}/members"),
        json!({"person_id": e5, "relationship": "child", "valid_from": "2024-01-01"}),
    )
    .await;
    assert!(r.status.as_u16() < 300, "{}", r.body);
    let (dec2, _) = load(&app, did).await;
    assert_eq!(dec2.amount, Some(139_543));
    assert_eq!(dec2.frozen().unwrap().household.members.len(), 4);
    j.step("a second grant for an overlapping period is refused, nothing saved");
    // A second grant for an overlapping period is refused, nothing saved.
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": ana, "right_id": dsp, "complete": "true"}),
    )
    .await;
    let id2 = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id2}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), vec!["period_from"]);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM entitlement WHERE person_id = {ana}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM decision WHERE application_id = {id2}"
        ))
        .await,
        0
    );
    j.step("delivery, then an appeal within 15 days, sent on, changed by the second instance");
    // Delivery, then an appeal within 15 days, sent on, changed by the second instance.
    let r = post(
        &app,
        t,
        &format!("/api/v1/decisions/{did}/delivery"),
        json!({"delivered_on": today().to_string(), "method": "registered_mail"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/appeals"),
        json!({"decision_id": did, "grounds": "Income was counted wrongly"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let ap = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/appeals"),
        json!({"decision_id": did, "grounds": "again"}),
    )
    .await;
    assert_eq!(r.status, 403, "one open appeal at a time: {}", r.body);
    let r = post(&app, t, &format!("/api/v1/appeals/{ap}/forward"), json!({})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        t,
        &format!("/api/v1/appeals/{ap}/outcome"),
        json!({"outcome": "changed"}),
    )
    .await;
    assert_eq!(r.status, 422, "a change needs the new amount");
    let r = post(&app, t, &format!("/api/v1/appeals/{ap}/outcome"), json!({"outcome": "changed", "new_amount": "1450,00", "note": "Ministry: income not to be counted"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["appeals"][0]["outcome"], "changed");
    assert_eq!(v["entitlements"][0]["amount"], "1450.00");
    assert_eq!(v["entitlements"][0]["funding"], "state:145000");
    assert!(v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["kind"] == "second_instance"));
    assert_eq!(v["application"]["status"], "decided");
    j.step("every step is in the person's audit trail");
    // Every step is in the person's audit trail.
    for action in [
        "create",
        "complete",
        "calculate",
        "deliver",
        "forward",
        "outcome",
        "download",
        "read",
    ] {
        let n = app
            .num(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE person_id = {ana} AND action = '{action}'"
            ))
            .await;
        assert!(n > 0, "audited: {action}");
    }
    j.step("a late appeal needs a reason");
    // A late appeal needs a reason: move the delivery back two months.
    let ago = (today() - time::Duration::days(60)).to_string();
    app.exec(&format!(
        "UPDATE decision SET decided_on = '{ago}', delivered_on = '{ago}' WHERE id = {did}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE appeal SET outcome = 'upheld' WHERE id = {ap}"
    ))
    .await;
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/appeals"),
        json!({"decision_id": did, "grounds": "late"}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("appeal_late"), "{}", r.body);
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/appeals"),
        json!({"decision_id": did, "grounds": "late", "late_reason": "in hospital"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
}
both!(from_application_to_the_second_instance);

async fn load(
    app: &TestApp,
    id: i64,
) -> (
    skrb::rights::decisions::Decision,
    skrb::rights::catalogue::RightType,
) {
    let mut tx = app.db.begin_read().await.unwrap();
    let d = skrb::rights::decisions::load(&mut tx, id)
        .await
        .unwrap()
        .unwrap();
    let rt = skrb::rights::catalogue::get(&mut tx, d.right_id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    (d, rt)
}

/// An amount typed by hand waits for a second person; silence can be appealed;
/// suspension, resumption, change and end of an entitlement.
async fn manual_amounts_silence_and_changes(app: TestApp) {
    let j = crate::harness::Journey::new("manual amounts, silence and changes");
    let s = centre(&app, "vel", "SI").await;
    let (ana, _) = family(&app, &s.ro).await;
    let dsp = right(&app, "dsp").await;
    let r = post(
        &app,
        &s.head,
        "/api/v1/applications",
        json!({"person_id": ana, "right_id": dsp, "complete": "on"}),
    )
    .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        &s.head,
        &format!("/api/v1/applications/{id}/decisions"),
        json!({"outcome": "granted", "amount": "1500"}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), vec!["manual_reason"]);
    let r = post(&app, &s.head, &format!("/api/v1/applications/{id}/decisions"), json!({"outcome": "granted", "amount": "1500", "manual_reason": "Special costs of a sick child", "months": "2"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let did = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM entitlement WHERE person_id = {ana}"
        ))
        .await,
        0,
        "not before approval"
    );
    j.step("the rights officer cannot approve");
    // The rights officer cannot approve; the one who decided may not.
    assert_eq!(
        post(
            &app,
            &s.ro,
            &format!("/api/v1/decisions/{did}/approve"),
            json!({})
        )
        .await
        .status,
        403
    );
    let r = post(
        &app,
        &s.head,
        &format!("/api/v1/decisions/{did}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.body.contains("second person") || r.body.contains("druga oseba"),
        "{}",
        r.body
    );
    let r = post(
        &app,
        &s.director,
        &format!("/api/v1/decisions/{did}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let v = get(&app, &s.ro, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["decisions"][0]["status"], "issued");
    let e = &v["entitlements"][0];
    assert_eq!(e["amount"], "1500.00");
    let eid = e["id"].as_i64().unwrap();
    let from = e["valid_from"].as_str().unwrap().to_string();
    j.step("suspend, resume, then end");
    // Suspend, resume, then end (a stale version is a conflict).
    let r = post(&app, &s.ro, &format!("/api/v1/entitlements/{eid}/change"), json!({"action": "suspend", "effective": from, "reason": "Did not report to the employment service", "version": "1"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/entitlements/{eid}/change"),
        json!({"action": "resume", "effective": from, "reason": "Reported", "version": "1"}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/entitlements/{eid}/change"),
        json!({"action": "resume", "effective": from, "reason": "Reported"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/entitlements/{eid}/change"),
        json!({"action": "change", "effective": from, "reason": "Income changed"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = get(&app, &s.ro, &format!("/api/v1/applications/{id}")).await;
    let ents = v["entitlements"].as_array().unwrap();
    assert_eq!(ents.len(), 2, "{v}");
    let active: Vec<&Value> = ents.iter().filter(|e| e["status"] == "active").collect();
    assert_eq!(active.len(), 1);
    assert_eq!(
        active[0]["amount"], "1395.43",
        "recalculated from the input"
    );
    let kinds: Vec<&str> = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"suspension") && kinds.contains(&"change"),
        "{kinds:?}"
    );
    let new = active[0]["id"].as_i64().unwrap();
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/entitlements/{new}/change"),
        json!({"action": "end", "effective": from, "reason": "Moved abroad"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    j.step("silence");
    // Silence: an application past its deadline without a decision can be appealed.
    let r = post(&app, &s.ro, "/api/v1/applications", json!({"person_id": ana, "right_id": right(&app, "dsp_extraordinary").await, "complete": "on"})).await;
    let quiet = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/applications/{quiet}/appeals"),
        json!({"grounds": "No answer"}),
    )
    .await;
    assert_eq!(r.status, 422, "not yet silent: {}", r.body);
    app.exec(&format!(
        "UPDATE application SET due_on = '2026-01-05' WHERE id = {quiet}"
    ))
    .await;
    let v = get(&app, &s.ro, &format!("/api/v1/applications/{quiet}")).await;
    assert_eq!(v["silent"], true);
    let overdue = get(&app, &s.ro, "/api/v1/procedures?view=overdue").await;
    assert!(overdue.as_array().unwrap().iter().any(|p| p["id"] == quiet));
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/applications/{quiet}/appeals"),
        json!({"grounds": "No answer"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
}
both!(manual_amounts_silence_and_changes);

/// Republika Srpska: a commission's finding feeds the care allowance; funding is split;
/// re-assessment of all users; the yearly renewal uses a new base from its date while
/// past decisions keep theirs; an objection.
async fn commissions_and_the_yearly_renewal(app: TestApp) {
    let j = crate::harness::Journey::new("commissions and the yearly renewal");
    let s = centre(&app, "treb", "RS").await;
    let t = &s.ro;
    let p = person(&app, t, "Милица", "1950-02-02").await;
    let care = right(&app, "rs_care").await;
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": p, "right_id": care, "complete": "true"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    assert!(v["amount"].is_null(), "no care degree yet: {v}");
    let r = post(
        &app,
        &s.director,
        "/api/v1/commissions",
        json!({"name": "Првостепена комисија", "kind": "capacity", "instance": "1"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let com = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        post(
            &app,
            &s.director,
            &format!("/api/v1/commissions/{com}/members"),
            json!({"name": "Др Јовановић", "role": "chair"})
        )
        .await
        .status,
        201
    );
    let r = post(
        &app,
        t,
        &format!("/api/v1/commissions/{com}/sessions"),
        json!({"held_on": today().to_string()}),
    )
    .await;
    let sid = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/commission-sessions/{sid}/items"),
        json!({"application_id": id}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let item = r.json()["id"].as_i64().unwrap();
    let r = post(&app, t, &format!("/api/v1/commission-items/{item}/finding"), json!({"care_degree": "full", "work_capacity": "unable", "finding": "Потпуна потреба за његом"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["amount"], "347.60", "22 % of 1,580 KM: {v}");
    assert_eq!(v["findings"][0]["care_degree"], "full");
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = get(&app, t, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(
        v["entitlements"][0]["funding"],
        "entity:17380,municipality:17380"
    );
    let r = post(
        &app,
        &s.director,
        &format!("/api/v1/commissions/{com}/reassessment"),
        json!({"right": "rs_care", "first_on": today().to_string(), "per_session": "40"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["persons"], 1);
    assert_eq!(r.json()["sessions"], 1);
    j.step("cash assistance for 12 months, renewed after it ends");
    // Cash assistance for 12 months, renewed after it ends.
    let cash = right(&app, "rs_cash").await;
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": p, "right_id": cash, "complete": "true"}),
    )
    .await;
    let cid = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{cid}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let did = r.json()["id"].as_i64().unwrap();
    let v = get(&app, t, &format!("/api/v1/applications/{cid}")).await;
    assert_eq!(v["entitlements"][0]["amount"], "268.60");
    let to = time::Date::parse(
        v["entitlements"][0]["valid_to"].as_str().unwrap(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .unwrap();
    let month = to + time::Duration::days(1);
    let ym = format!("{}-{:02}", month.year(), month.month() as u8);
    j.step("a new base from the new period's first day");
    // A new base from the new period's first day.
    let r = post(&app, &s.director, "/api/v1/rights/params", json!({"jurisdiction": "RS", "code": "rs.base", "valid_from": month.to_string(), "value": "170000"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(&app, &s.director, "/api/v1/rights/params", json!({"jurisdiction": "RS", "code": "rs.base", "valid_from": month.to_string(), "value": "1"})).await;
    assert_eq!(r.status, 422, "one value per day");
    let r = post(
        &app,
        &s.director,
        "/api/v1/rights/renewals",
        json!({"right": "rs_cash", "month": ym, "dry_run": "true"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["selected"], 1);
    assert_eq!(r.json()["raised"], 1);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM decision WHERE kind = 'provisional'")
            .await,
        0,
        "a dry run changes nothing"
    );
    let r = post(
        &app,
        &s.director,
        "/api/v1/rights/renewals",
        json!({"right": "rs_care", "month": ym}),
    )
    .await;
    assert_eq!(r.status, 422, "care allowance does not renew");
    let r = post(
        &app,
        &s.director,
        "/api/v1/rights/renewals",
        json!({"right": "rs_cash", "month": ym}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["renewed"], 1);
    assert_eq!(r.json()["total_after"], 28_900, "17 % of 1,700 KM");
    let v = get(&app, t, &format!("/api/v1/applications/{cid}")).await;
    let ents = v["entitlements"].as_array().unwrap();
    assert_eq!(ents.iter().filter(|e| e["status"] == "active").count(), 1);
    assert!(ents
        .iter()
        .any(|e| e["status"] == "ended" && e["end_reason"] == "renewed"));
    assert!(ents.iter().any(|e| e["status"] == "active"
        && e["amount"] == "289.00"
        && e["funding"] == "entity:14450,municipality:14450"));
    j.step("the first decision keeps the base it was made with");
    // The first decision keeps the base it was made with.
    let (d, _) = load(&app, did).await;
    assert_eq!(d.frozen().unwrap().params.0.get("rs.base"), Some(&158_000));
    let prov = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "provisional")
        .expect("provisional")
        .clone();
    let pid = prov["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/decisions/{pid}/objection"),
        json!({"objection": "Мој приход је нижи"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = app
        .api(
            "GET",
            &format!("/api/v1/decisions/{pid}/document"),
            Some(t),
            None,
        )
        .await;
    assert_eq!(
        r.status, 200,
        "a provisional calculation's document is made when first printed"
    );
    assert!(r.body.starts_with("%PDF-"));
    let (pd, prt) = load(&app, pid).await;
    let lines: Vec<String> = skrb::rights::decisions::document::lines(&pd, &prt, None)
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert!(
        lines.contains(&"ИНФОРМАТИВНИ ОБРАЧУН".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("289,00\u{a0}КМ")),
        "{lines:?}"
    );
    assert!(
        app.num(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE person_id = {p} AND action = 'renew'"
        ))
        .await
            == 1
    );
}
both!(commissions_and_the_yearly_renewal);

/// Extended rights of a municipality, and the calculator endpoint.
async fn extended_rights_and_the_calculator(app: TestApp) {
    let s = centre(&app, "treb", "RS").await;
    let town = app
        .num("SELECT id FROM municipality WHERE code = 'treb1'")
        .await;
    let r = post(&app, &s.ro, "/api/v1/rights", json!({})).await;
    assert_eq!(r.status, 403, "the catalogue is not the officer's");
    let r = post(&app, &s.director, "/api/v1/rights", json!({"municipality_id": town, "code": "treb_incontinence", "name_sl": "Pomoč pri inkontinenci", "name_sr": "Помоћ за инконтиненцију", "name_en": "Help with incontinence", "legal_basis": "Одлука Скупштине града Требиња", "calculator": "fixed", "amount": "60,00", "valid_from": "2024-01-01", "commission": "true"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.json()["id"].as_i64().unwrap();
    let r = post(&app, &s.director, "/api/v1/rights", json!({"municipality_id": town, "code": "treb_incontinence", "name_sl": "x", "name_sr": "x", "name_en": "x", "legal_basis": "x", "calculator": "fixed", "amount": "1", "valid_from": "2024-01-01"})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    // Residents of the town only.
    let p = person(&app, &s.ro, "Јован", "1950-01-01").await;
    app.exec(&format!("UPDATE person SET municipality_id = (SELECT id FROM municipality WHERE code = 'treb2') WHERE id = {p}")).await;
    let r = post(
        &app,
        &s.ro,
        "/api/v1/applications",
        json!({"person_id": p, "right_id": rid}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    app.exec(&format!(
        "UPDATE person SET municipality_id = {town} WHERE id = {p}"
    ))
    .await;
    let r = post(
        &app,
        &s.ro,
        "/api/v1/applications",
        json!({"person_id": p, "right_id": rid, "complete": "1"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        &s.ro,
        &format!("/api/v1/applications/{id}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = get(&app, &s.ro, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(v["entitlements"][0]["amount"], "60.00");
    assert_eq!(v["entitlements"][0]["funding"], "municipality:6000");
    let list = get(&app, &s.ro, "/api/v1/rights?jurisdiction=RS").await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "treb_incontinence"));
    // The calculator, in the reader's language.
    let r = app.api_lang("POST", "/api/v1/rights/calculate", Some(&s.ro), Some(json!({"right": "dsp", "month": "2026-04", "household": {"members": [{"kind": "adult"}, {"kind": "adult"}, {"kind": "child"}, {"kind": "child"}]}})), "sl").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["amount"], "1395.43");
    assert_eq!(r.json()["params"]["si.ozmd"], 50743);
    assert!(
        r.json()["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().contains("Vsota uteži: 2,75")),
        "{}",
        r.body
    );
    let r = post(
        &app,
        &s.ro,
        "/api/v1/rights/calculate",
        json!({"right": "dsp", "month": "2019-01", "household": {"members": [{"kind": "adult"}]}}),
    )
    .await;
    assert_eq!(r.status, 422, "no parameters before 2020: {}", r.body);
    assert!(r.body.contains("si."), "names the parameter: {}", r.body);
    let r = post(
        &app,
        &s.ro,
        "/api/v1/rights/calculate",
        json!({"right": "rs_disability", "month": "2020-06", "household": {"impairment": 100}}),
    )
    .await;
    assert_eq!(r.json()["amount"], "135.90", "2020: 15 % of 906 KM");
}
both!(extended_rights_and_the_calculator);

/// Applications nobody may make, and forms that keep the input: nothing half-saved.
async fn bad_input_changes_nothing(app: TestApp) {
    let s = centre(&app, "vel", "SI").await;
    let t = &s.ro;
    let child = person(&app, t, "Mali", "2015-01-01").await;
    let adult = person(&app, t, "Velik", "1980-01-01").await;
    let before = app.num("SELECT COUNT(*) FROM application").await;
    let vd = right(&app, "vd").await;
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": child, "right_id": vd}),
    )
    .await;
    assert_eq!(r.status, 422, "VD is for adults: {}", r.body);
    assert_eq!(fields(&r), vec!["right_id"]);
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": adult, "right_id": right(&app, "rs_cash").await}),
    )
    .await;
    assert_eq!(r.status, 422, "a right of the other jurisdiction");
    let r = post(&app, t, "/api/v1/applications", json!({"person_id": adult, "right_id": vd, "received_on": "2999-01-01", "channel": "pigeon"})).await;
    assert_eq!(r.status, 422);
    let mut f = fields(&r);
    f.sort();
    assert_eq!(f, vec!["channel", "received_on"]);
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": 999_999, "right_id": vd}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(app.num("SELECT COUNT(*) FROM application").await, before);
    // Foster care without children cannot be calculated; too many months.
    let foster = right(&app, "foster_payment").await;
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": adult, "right_id": foster, "complete": "true"}),
    )
    .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id}/decisions"),
        json!({"outcome": "granted"}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(fields(&r), vec!["children"]);
    let r = app.api("PUT", &format!("/api/v1/applications/{id}/input"), Some(t), Some(json!({"children": [{"maintenance_raise": 50, "fee_raise": 25}, {"weekend_only": true}]}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["amount"], "2355.50", "(957 + 575) + 75 % of 1,098");
    let dsp = right(&app, "dsp").await;
    let r = post(
        &app,
        t,
        "/api/v1/applications",
        json!({"person_id": adult, "right_id": dsp, "complete": "true"}),
    )
    .await;
    let id2 = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id2}/decisions"),
        json!({"outcome": "granted", "months": "7"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(fields(&r), vec!["months"]);
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id2}/decisions"),
        json!({"outcome": "maybe", "amount": "abc"}),
    )
    .await;
    let mut f = fields(&r);
    f.sort();
    assert_eq!(f, vec!["amount", "outcome"]);
    let r = post(
        &app,
        t,
        &format!("/api/v1/applications/{id2}/completion"),
        json!({"action": "ask", "due": "2020-01-01"}),
    )
    .await;
    assert_eq!(r.status, 422, "a completion due in the past: {}", r.body);
    assert_eq!(fields(&r), vec!["due"]);
    assert_eq!(app.num("SELECT COUNT(*) FROM decision").await, 0);
    // Another centre's officer sees nothing of it.
    let other = centre(&app, "lju", "SI").await;
    let r = app
        .api(
            "GET",
            &format!("/api/v1/applications/{id2}"),
            Some(&other.ro),
            None,
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(get(&app, &other.ro, "/api/v1/procedures?view=centre")
        .await
        .as_array()
        .unwrap()
        .is_empty());
}
both!(bad_input_changes_nothing);

/// The pages, in Slovenian: receive, calculate, decide, download; refused forms keep input.
async fn rights_pages(app: TestApp) {
    let _ = centre(&app, "vel", "SI").await;
    let cookies = app.browser_login("ro_vel").await;
    let csrf = csrf_for(&cookies).unwrap();
    let t = app.token("ro_vel").await;
    let (ana, _) = family(&app, &t).await;
    let dsp = right(&app, "dsp").await;
    let r = app
        .page(&format!("/applications/new?person_id={ana}"), &cookies)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Ana Novak"));
    let r = app
        .form(
            "/applications/new",
            &cookies,
            &[
                ("_csrf", &csrf),
                ("person_id", &ana.to_string()),
                ("right_id", &dsp.to_string()),
                ("received_on", "2999-01-01"),
                ("documents", "izpisek"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("izpisek"), "the input is kept");
    let r = app
        .form(
            "/applications/new",
            &cookies,
            &[
                ("_csrf", &csrf),
                ("person_id", &ana.to_string()),
                ("right_id", &dsp.to_string()),
                ("complete", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("location");
    let r = app.page(&loc, &cookies).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Vsota uteži: 2,75"),
        "explanation in Slovenian"
    );
    assert!(r.body.contains("1.395,43"), "{}", r.body);
    let id = loc.rsplit('/').next().unwrap();
    let r = app
        .form(
            &format!("/applications/{id}/calculate"),
            &cookies,
            &[
                ("_csrf", &csrf),
                ("m0_name", "Ana"),
                ("m0_kind", "adult"),
                ("m0_hours", "abc"),
                ("income", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "hours must be a number");
    let r = app
        .form(
            &format!("/applications/{id}/calculate"),
            &cookies,
            &[
                ("_csrf", &csrf),
                ("m0_name", "Ana"),
                ("m0_kind", "adult"),
                ("m0_hours", "0"),
                ("m1_kind", "child"),
                ("income", "100,00"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app.page(&loc, &cookies).await;
    // (1 + 0.59) × 507.43 = 806.81; − 100 = 706.81
    assert!(r.body.contains("706,81"), "{}", r.body);
    let r = app
        .form(
            &format!("/applications/{id}/decide"),
            &cookies,
            &[("_csrf", &csrf), ("outcome", "granted")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app.page(&loc, &cookies).await;
    assert!(r.body.contains("Dokument (PDF)"));
    let did = app
        .num(&format!(
            "SELECT id FROM decision WHERE application_id = {id}"
        ))
        .await;
    let r = app
        .page(&format!("/decisions/{did}/document"), &cookies)
        .await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-disposition").contains("attachment"));
    for p in [
        "/procedures",
        "/procedures?view=centre",
        "/rights",
        "/commissions",
    ] {
        let r = app.page(p, &cookies).await;
        assert_eq!(r.status, 200, "{p}: {}", r.body);
    }
    let r = app.page("/rights", &cookies).await;
    assert!(
        r.body.contains("(OZMD)") && r.body.contains("507,43"),
        "parameters by name, with their values"
    );
    assert!(!r.body.contains("si.ozmd"), "a parameter's key on the page");
}
both!(rights_pages);
