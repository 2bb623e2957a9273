//! Extra programmes: a programme from its creation through its list (evaluated from the
//! registry, changed by hand with reasons, approved by a second person, frozen), handing
//! over saved once, vouchers redeemed once at a partner, cash paid by the next run from
//! the programme's account, the budget and the year's totals; the municipal committee's
//! proposals, session and decisions with the warning about aid elsewhere, the aid in the
//! next run's bank file; and who must not see it. Every scenario on both databases.

use serde_json::{json, Value};
use skrb::auth::Role;
use skrb_domain::iban;
use time::{Duration, OffsetDateTime};

use crate::both;
use crate::harness::TestApp;
use crate::payments::{ent, entitlements};

struct Centre {
    id: i64,
    sw: String,
    head: String,
    fin: String,
    dir: String,
}

async fn centre(app: &TestApp, code: &str, j: &str) -> Centre {
    let (id, [sw, head, fin, dir]) = app
        .centre(
            code,
            j,
            [
                ("sw", Role::SocialWorker),
                ("head", Role::HeadOfUnit),
                ("fin", Role::FinanceOfficer),
                ("dir", Role::Director),
            ],
        )
        .await;
    for m in ["1", "2"] {
        app.exec(&format!(
            "INSERT INTO municipality (centre_id, code, name) VALUES ({id}, '{code}{m}', 'Občina {code}{m}')"
        ))
        .await;
    }
    let c = Centre {
        id,
        sw,
        head,
        fin,
        dir,
    };
    let (country, bban, format) = if j == "SI" {
        ("SI", "011006000000017", "pain.001.001.03")
    } else {
        ("BA", "5620000000000017", "pain.001.001.03")
    };
    let r = post(app, &c.fin, "/api/v1/payments/accounts", json!({"funder": "municipality", "name": "Občina", "iban": iban::compose(country, bban),
        "bic": "BSLJSI2X", "address": "Trg 1, 3320 Velenje", "format": format, "batch_size": "100"}))
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    c
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn get(app: &TestApp, t: &str, path: &str) -> crate::harness::Res {
    app.api("GET", path, Some(t), None).await
}

/// A person of the centre born `years` years ago.
async fn person(app: &TestApp, t: &str, given: &str, years: i64) -> i64 {
    let born = OffsetDateTime::now_utc().date() - Duration::days(365 * years + 40);
    let r = post(
        app,
        t,
        "/api/v1/persons",
        json!({"given_name": given, "family_name": "Petrović", "birth_date": born.to_string()}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().expect("id")
}

async fn household(app: &TestApp, t: &str, head: i64, members: &[i64]) -> i64 {
    let r = post(
        app,
        t,
        "/api/v1/households",
        json!({"head_person_id": head, "address": "Njegoševa 3", "valid_from": "2020-01-01"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let h = r.json()["household"]["id"].as_i64().expect("household");
    for m in members {
        let r = post(
            app,
            t,
            &format!("/api/v1/households/{h}/members"),
            json!({"person_id": m, "relationship": "child", "valid_from": "2020-01-01"}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    h
}

/// Two holders of a right (of the centre), with accounts.
async fn holders(app: &TestApp, c: &Centre, right: &str) -> (i64, i64) {
    let mut a = ent(right, 30_000);
    a.iban = Some(iban::compose("SI", "610000000000101"));
    let mut b = ent(right, 30_000);
    b.iban = Some(iban::compose("SI", "610000000000202"));
    let ids = entitlements(app, c.id, &[a, b]).await;
    app.exec(&format!(
        "UPDATE person SET centre_id = {} WHERE id IN ({}, {})",
        c.id, ids[0].0, ids[1].0
    ))
    .await;
    (ids[0].0, ids[1].0)
}

fn this_year() -> i32 {
    OffsetDateTime::now_utc().year()
}

fn programme(name: &str, extra: Value) -> Value {
    let y = this_year();
    let mut v = json!({"name": name, "kind": "food", "period_from": format!("{y}-01-01"), "period_to": format!("{y}-12-31"),
        "recipient": "household", "rule_rights": "rs_cash"});
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

/// The director approves the run, finance exports it.
async fn approve_and_export(app: &TestApp, c: &Centre, run: i64) {
    let r = post(
        app,
        &c.dir,
        &format!("/api/v1/payments/runs/{run}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        app,
        &c.fin,
        &format!("/api/v1/payments/runs/{run}/export"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn budget(app: &TestApp, t: &str, id: i64) -> Value {
    get(app, t, &format!("/api/v1/programmes/{id}"))
        .await
        .json()["budget"]
        .clone()
}

async fn a_programme_from_list_to_totals(app: TestApp) {
    let j = crate::harness::Journey::new("a programme from its list to its totals");
    let c = centre(&app, "trb", "RS").await;
    let (x, y) = holders(&app, &c, "rs_cash").await;
    let kid1 = person(&app, &c.sw, "Ана", 8).await;
    let kid2 = person(&app, &c.sw, "Бојан", 12).await;
    let z = person(&app, &c.sw, "Зоран", 40).await;
    let kid3 = person(&app, &c.sw, "Вера", 10).await;
    let h1 = household(&app, &c.sw, x, &[kid1, kid2]).await;
    household(&app, &c.sw, y, &[]).await;
    household(&app, &c.sw, z, &[kid3]).await;

    j.step("a food programme is created and its rule evaluated into a draft list");
    let r = post(&app, &c.sw, "/api/v1/programmes", programme("Пакети хране", json!({"benefit": "item", "item": "пакет", "unit": "пакет",
        "per": "member", "base": "1", "cap": "2", "unit_value": "25,00", "source": "Град Требиње", "amount": "100,00"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let food = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/programmes",
        programme(
            "Bad",
            json!({"benefit": "item", "rule_rights": "no_such_right"}),
        ),
    )
    .await;
    assert_eq!(r.status, 422, "an unknown right is refused: {}", r.body);
    let e = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/evaluate"),
        json!({}),
    )
    .await;
    assert_eq!(e.status, 200, "{}", e.body);
    let e = e.json();
    assert_eq!(
        e["found"], 2,
        "two households have a holder of cash assistance: {e}"
    );
    assert_eq!(e["budget"]["recipients"], 2);
    assert_eq!(e["budget"]["persons"], 4, "3 + 1 members");
    assert_eq!(e["budget"]["quantity"], 3, "3 members capped at 2, and 1");
    assert_eq!(e["budget"]["committed"], 7_500);

    j.step("children of school age: per child in a household, a place per child");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/programmes",
        programme(
            "Школски прибор",
            json!({"kind": "school", "benefit": "item", "item": "пакет",
        "per": "child", "rule_child_from": "6", "rule_child_to": "15", "unit_value": "40,00"}),
        ),
    )
    .await;
    let school = r.json()["id"].as_i64().expect("id");
    let e = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{school}/evaluate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        e["budget"]["recipients"], 1,
        "only x's household has both a holder and a child of 6-15: {e}"
    );
    assert_eq!(e["budget"]["quantity"], 2, "two children, 8 and 12");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/programmes",
        programme(
            "Камп",
            json!({"kind": "camp", "benefit": "place", "recipient": "person",
        "rule_child_from": "7", "rule_child_to": "11", "unit_value": "120,00"}),
        ),
    )
    .await;
    let camp = r.json()["id"].as_i64().expect("id");
    let e = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{camp}/evaluate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        e["budget"]["recipients"], 1,
        "the child of 8, not of 12, nor z's child of 10 (no right in the household): {e}"
    );
    let rows = get(&app, &c.sw, &format!("/api/v1/programmes/{camp}/entries"))
        .await
        .json();
    assert_eq!(rows[0]["person_id"], kid1);

    j.step("changed by hand with reasons; a new evaluation keeps the changes");
    let rows = get(&app, &c.sw, &format!("/api/v1/programmes/{food}/entries"))
        .await
        .json();
    let y_entry = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["person_id"] == y)
        .expect("y listed")["id"]
        .as_i64()
        .expect("id");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/entries/{y_entry}/remove"),
        json!({"reason": ""}),
    )
    .await;
    assert_eq!(r.status, 422, "a removal needs a reason");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/entries/{y_entry}/remove"),
        json!({"reason": "Preselil se"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/entries"),
        json!({"person_id": z, "reason": "Ostao bez posla prošle sedmice"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/entries"),
        json!({"person_id": z, "reason": "again"}),
    )
    .await;
    assert_eq!(r.status, 422, "on the list already: {}", r.body);
    let e = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/{food}/evaluate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        e["budget"]["recipients"], 2,
        "x's household and z's by hand; y stays removed: {e}"
    );
    assert_eq!(e["budget"]["committed"], 10_000);

    j.step("a second person approves; the one who evaluated may not");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "a social worker has no approval: {}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/{food}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "the one who evaluated: {}", r.body);
    post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/evaluate"),
        json!({}),
    )
    .await;
    let v = get(&app, &c.sw, &format!("/api/v1/programmes/{food}"))
        .await
        .json()["programme"]["version"]
        .as_i64()
        .expect("v");
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/{food}/approve"),
        json!({"version": v - 1}),
    )
    .await;
    assert_eq!(r.status, 409, "a stale version: {}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/{food}/approve"),
        json!({"version": v}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["recipients"], 2);

    j.step("frozen: a later change in the registry does not move the list");
    let kid4 = person(&app, &c.sw, "Дара", 3).await;
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/households/{h1}/members"),
        json!({"person_id": kid4, "relationship": "child", "valid_from": "2020-01-01"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/evaluate"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "frozen: {}", r.body);
    assert_eq!(budget(&app, &c.sw, food).await["committed"], 10_000);
    let h1_entry = app
        .num(&format!(
            "SELECT id FROM programme_entry WHERE programme_id = {food} AND person_id = {x}"
        ))
        .await;
    assert_eq!(
        app.num(&format!(
            "SELECT members FROM programme_entry WHERE id = {h1_entry}"
        ))
        .await,
        3
    );

    j.step("handing over is saved once, never more than is left");
    let hand = json!({"entry_id": h1_entry, "place": "Црвени крст", "quantity": "2", "received_by": "Мајка", "key": "form-1"});
    let r1 = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/distributions"),
        hand.clone(),
    )
    .await;
    assert_eq!(r1.status, 201, "{}", r1.body);
    let r2 = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/distributions"),
        hand,
    )
    .await;
    assert_eq!(r2.status, 201, "{}", r2.body);
    assert_eq!(
        r1.json()["id"],
        r2.json()["id"],
        "the same form twice is one handing over"
    );
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/distributions"),
        json!({"entry_id": h1_entry, "place": "CK", "quantity": "1", "received_by": "Мајка"}),
    )
    .await;
    assert_eq!(r.status, 422, "nothing is left: {}", r.body);
    let b = budget(&app, &c.sw, food).await;
    assert_eq!(b["used"], 5_000);
    assert_eq!(b["available"], 10_000);
    assert_eq!(b["reached"], 1);

    j.step("vouchers are issued on approval and redeemed once at the partner");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/partners",
        json!({"name": "Црвени крст Требиње", "kind": "ngo"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let red_cross = r.json()["id"].as_i64().expect("partner");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/partners",
        json!({"name": "Друга организација", "kind": "ngo"}),
    )
    .await;
    let other_partner = r.json()["id"].as_i64().expect("partner");
    let r = post(
        &app,
        &c.sw,
        "/api/v1/programmes",
        programme(
            "Огрјев",
            json!({"kind": "heating", "benefit": "voucher", "per": "recipient",
        "unit_value": "150,00", "source": "Град", "amount": "1.000,00"}),
        ),
    )
    .await;
    let wood = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{wood}/partners"),
        json!({"partner_id": red_cross, "role": "delivers"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{wood}/evaluate"),
        json!({}),
    )
    .await;
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/{wood}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.json()["vouchers"], 2, "{}", r.body);
    let codes: Vec<String> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!("SELECT code FROM voucher WHERE programme_id = {wood} ORDER BY id"))
        .fetch_all(p).await.expect("codes"));
    assert_eq!(codes.len(), 2);
    assert_ne!(codes[0], codes[1]);
    for (user, partner) in [("pk_trb", red_cross), ("pk2_trb", other_partner)] {
        app.user(user, Role::Partner).await;
        skrb::auth::users::set_centre(&app.db, user, "trb")
            .await
            .expect("centre");
        app.exec(&format!(
            "UPDATE app_user SET partner_id = {partner} WHERE username = '{user}'"
        ))
        .await;
    }
    let pk = app.token("pk_trb").await;
    let pk2 = app.token("pk2_trb").await;
    let r = post(
        &app,
        &pk2,
        "/api/v1/vouchers/redeem",
        json!({"code": codes[0]}),
    )
    .await;
    assert_eq!(
        r.status, 422,
        "a partner not delivering the programme does not find the code: {}",
        r.body
    );
    let typed = codes[0].to_lowercase().replace('-', " ");
    let r = post(
        &app,
        &pk,
        "/api/v1/vouchers/redeem",
        json!({"code": typed, "received_by": "Зоран"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["now"], true);
    assert_eq!(r.json()["voucher"]["value"], 15_000);
    let r = post(
        &app,
        &pk,
        "/api/v1/vouchers/redeem",
        json!({"code": codes[0]}),
    )
    .await;
    assert_eq!(r.status, 409, "a second redemption is refused: {}", r.body);
    assert_eq!(r.json()["now"], false);
    assert!(
        r.json()["voucher"]["redeemed_at"].is_string(),
        "and says when"
    );
    let mut typo: Vec<char> = codes[1].chars().collect();
    typo[0] = if typo[0] == '7' { '8' } else { '7' };
    let r = post(
        &app,
        &pk,
        "/api/v1/vouchers/redeem",
        json!({"code": typo.into_iter().collect::<String>()}),
    )
    .await;
    assert_eq!(
        r.status, 422,
        "a typo is refused by the check character: {}",
        r.body
    );
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM distribution WHERE programme_id = {wood}"
        ))
        .await,
        1
    );
    assert_eq!(budget(&app, &c.sw, wood).await["used"], 15_000);
    let cookies = app.browser_login("head_trb").await;
    let r = app
        .page(&format!("/programmes/{wood}/vouchers.pdf"), &cookies)
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("%PDF"), "a PDF");

    j.step("the same handing over sent twice at once is saved once");
    let other_entry = app
        .num(&format!(
            "SELECT e.id FROM programme_entry e JOIN voucher v ON v.entry_id = e.id WHERE v.code = '{}'",
            codes[1]
        ))
        .await;
    let body = json!({"entry_id": other_entry, "place": "Центар", "received_by": "Зоран", "key": "form-2"});
    let path = format!("/api/v1/programmes/{wood}/distributions");
    let (a, b) = tokio::join!(
        post(&app, &c.sw, &path, body.clone()),
        post(&app, &c.sw, &path, body)
    );
    assert!(a.status == 201 && b.status == 201, "{} {}", a.body, b.body);
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM distribution WHERE form_key = 'form-2'")
            .await,
        1
    );

    j.step("a programme's cash is paid by the next run from its account");
    let account = app
        .num(&format!(
            "SELECT id FROM payer_account WHERE centre_id = {} AND funder = 'municipality'",
            c.id
        ))
        .await;
    let r = post(&app, &c.sw, "/api/v1/programmes", programme("Јednokratna pomoć", json!({"kind": "other", "benefit": "cash", "recipient": "person",
        "per": "recipient", "unit_value": "50,00", "payer_account_id": account, "source": "Град", "amount": "500,00"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cash = r.json()["id"].as_i64().expect("id");
    post(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{cash}/evaluate"),
        json!({}),
    )
    .await;
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/{cash}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.json()["payments"], 2, "{}", r.body);
    let month = OffsetDateTime::now_utc().date();
    let r = post(
        &app,
        &c.fin,
        "/api/v1/payments/runs",
        json!({"month": format!("{}-{:02}", month.year(), month.month() as u8)}),
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
    let paid = app.num(&format!("SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM payment_line l JOIN programme_entry pe ON pe.entitlement_id = l.entitlement_id \
        WHERE l.run_id = {run} AND pe.programme_id = {cash}")).await;
    assert_eq!(paid, 10_000, "50.00 to each of the two");
    let funder: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!("SELECT DISTINCT l.funder FROM payment_line l JOIN programme_entry pe \
        ON pe.entitlement_id = l.entitlement_id WHERE l.run_id = {run}")).fetch_one(p).await.expect("funder"));
    assert_eq!(
        funder, "municipality",
        "from the programme's account's funder"
    );
    approve_and_export(&app, &c, run).await;
    assert_eq!(
        budget(&app, &c.sw, cash).await["used"],
        10_000,
        "paid is used"
    );

    j.step("the year's totals for the annual report");
    let t = get(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/totals?year={}", this_year()),
    )
    .await
    .json();
    let f = t["programmes"]
        .as_array()
        .expect("programmes")
        .iter()
        .find(|p| p["programme"]["id"] == food)
        .expect("food")
        .clone();
    assert_eq!(f["households"], 1, "{f}");
    assert_eq!(f["persons"], 3);
    assert_eq!(f["handed"], 2);
    assert_eq!(f["not_collected"], 1, "z's household has not come yet");
    let open = get(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/{food}/entries?show=open"),
    )
    .await
    .json();
    let open: Vec<i64> = open
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["person_id"].as_i64())
        .collect();
    assert_eq!(open, [z], "what was not collected, by name");
    assert_eq!(f["budget"]["sources"][0]["source"], "Град Требиње");
    let (ok, out, err) = crate::harness::run_cli(
        &app.url,
        &[
            "programmes",
            "totals",
            "--centre",
            "trb",
            "--year",
            &this_year().to_string(),
        ],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Пакети хране") && out.contains("Град Требиње"),
        "{out}"
    );

    j.step("who must not see it: another centre, a partner, the ministry");
    let other = centre(&app, "oth", "RS").await;
    assert_eq!(
        get(&app, &other.sw, &format!("/api/v1/programmes/{food}"))
            .await
            .status,
        403
    );
    assert_eq!(
        get(
            &app,
            &other.sw,
            &format!("/api/v1/programmes/{food}/entries")
        )
        .await
        .status,
        403
    );
    assert_eq!(get(&app, &pk, "/api/v1/programmes").await.status, 403);
    app.user("min_trb", Role::Ministry).await;
    let min = app.token("min_trb").await;
    assert_eq!(
        get(&app, &min, "/api/v1/programmes/totals").await.status,
        403
    );
    assert_eq!(
        get(&app, &min, &format!("/api/v1/programmes/{food}"))
            .await
            .status,
        403
    );
    assert_eq!(
        post(
            &app,
            &c.sw,
            "/api/v1/vouchers/redeem",
            json!({"code": codes[1]})
        )
        .await
        .status,
        403,
        "only a partner redeems"
    );
    let audited = app
        .num("SELECT COUNT(*) FROM audit_log WHERE action = 'redeem' AND entity = 'voucher'")
        .await;
    assert_eq!(audited, 1);
}
both!(a_programme_from_list_to_totals);

async fn the_committee_aid_is_paid_by_the_next_run(app: TestApp) {
    let j = crate::harness::Journey::new("the committee's aid paid by the next run");
    let c = centre(&app, "vel", "SI").await;
    let ms: Vec<i64> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!("SELECT id FROM municipality WHERE centre_id = {} ORDER BY id", c.id))
        .fetch_all(p).await.expect("municipalities"));
    let p = person(&app, &c.sw, "Marija", 45).await;
    app.exec(&format!("UPDATE person SET iban = '{}', address = 'Šaleška 3', postal_code = '3320', place = 'Velenje' WHERE id = {p}",
        iban::compose("SI", "610000000000303"))).await;
    let today = OffsetDateTime::now_utc().date();

    j.step("bad input is refused in the user's words and changes nothing");
    let r = app
        .api_lang(
            "POST",
            "/api/v1/programmes/committee/proposals",
            Some(&c.sw),
            Some(json!({"person_id": p, "municipality_id": ms[0]})),
            "sl",
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Obvezno") || r.body.contains("obvezn"),
        "in Slovenian: {}",
        r.body
    );
    assert_eq!(app.num("SELECT COUNT(*) FROM committee_proposal").await, 0);

    j.step("the neighbouring municipality's committee helped her this year");
    let earlier = post(
        &app,
        &c.head,
        "/api/v1/programmes/committee/sessions",
        json!({"municipality_id": ms[1], "held_on": today.to_string(), "number": "3/2026"}),
    )
    .await;
    assert_eq!(earlier.status, 201, "{}", earlier.body);
    let earlier = earlier.json()["id"].as_i64().expect("session");
    let first = post(
        &app,
        &c.sw,
        "/api/v1/programmes/committee/proposals",
        json!({"person_id": p, "municipality_id": ms[1],
        "situation": "Neplačana najemnina", "opinion": "Predlagamo pomoč", "requested": "120,00"}),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let first = first.json()["id"].as_i64().expect("proposal");
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/committee/sessions/{earlier}/proposals/{first}"),
        json!({"status": "granted", "amount": "120,00"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);

    j.step("proposed to Velenje's committee, the session warns of the other aid");
    let second = post(
        &app,
        &c.sw,
        "/api/v1/programmes/committee/proposals",
        json!({"person_id": p, "municipality_id": ms[0],
        "situation": "Odklop elektrike, trije otroci", "opinion": "Nujno", "requested": "150,00"}),
    )
    .await;
    let second = second.json()["id"].as_i64().expect("proposal");
    let session = post(
        &app,
        &c.head,
        "/api/v1/programmes/committee/sessions",
        json!({"municipality_id": ms[0], "held_on": today.to_string(), "number": "12/2026"}),
    )
    .await;
    let session = session.json()["id"].as_i64().expect("session");
    let s = get(
        &app,
        &c.sw,
        &format!("/api/v1/programmes/committee/sessions/{session}"),
    )
    .await
    .json();
    let w = s["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|w| w["proposal"]["id"] == second)
        .expect("waiting")
        .clone();
    assert_eq!(w["elsewhere"][0]["kind"], "committee", "{w}");
    assert_eq!(w["elsewhere"][0]["amount"], 12_000);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/committee/sessions/{earlier}/proposals/{second}"),
        json!({"status": "granted", "amount": "150,00"}),
    )
    .await;
    assert_eq!(r.status, 403, "another municipality's session: {}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/committee/sessions/{session}/proposals/{second}"),
        json!({"status": "granted", "amount": "150,00", "version": "7"}),
    )
    .await;
    assert_eq!(r.status, 409, "a stale version: {}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/committee/sessions/{session}/proposals/{second}"),
        json!({"status": "granted", "amount": "150,00", "note": "Za elektriko"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/programmes/committee/sessions/{session}/proposals/{second}"),
        json!({"status": "refused"}),
    )
    .await;
    assert_eq!(r.status, 403, "decided already: {}", r.body);

    j.step("the aid is in the next run's bank file, from the municipality's account");
    let r = post(
        &app,
        &c.fin,
        "/api/v1/payments/runs",
        json!({"month": format!("{}-{:02}", today.year(), today.month() as u8)}),
    )
    .await;
    let run = r.json()["id"].as_i64().expect("run");
    assert_eq!(
        post(
            &app,
            &c.fin,
            &format!("/api/v1/payments/runs/{run}/calculate"),
            json!({})
        )
        .await
        .status,
        200
    );
    let total = app.num(&format!("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment_line WHERE run_id = {run} AND funder = 'municipality'")).await;
    assert_eq!(total, 27_000, "120.00 and 150.00");
    approve_and_export(&app, &c, run).await;
    let file = get(
        &app,
        &c.fin,
        &format!("/api/v1/payments/runs/{run}/files/1"),
    )
    .await;
    assert_eq!(file.status, 200);
    assert!(
        file.body.contains("150.00") && file.body.contains("120.00"),
        "{}",
        file.body
    );
    assert!(file.body.contains("Marija"), "paid to her");
    let r2 = post(
        &app,
        &c.fin,
        "/api/v1/payments/runs",
        json!({"month": format!("{}-{:02}", today.year(), today.month() as u8)}),
    )
    .await;
    if r2.status == 201 {
        let run2 = r2.json()["id"].as_i64().expect("run");
        post(
            &app,
            &c.fin,
            &format!("/api/v1/payments/runs/{run2}/calculate"),
            json!({}),
        )
        .await;
        assert_eq!(
            app.num(&format!(
                "SELECT COUNT(*) FROM payment_line WHERE run_id = {run2}"
            ))
            .await,
            0,
            "never paid twice"
        );
    }

    j.step("the year's totals count the committee; the person's page shows it");
    let t = get(&app, &c.sw, "/api/v1/programmes/totals").await.json();
    assert_eq!(t["granted"], 2, "{t}");
    assert_eq!(t["aid"], 27_000);
    let r = post(&app, &c.sw, "/api/v1/programmes/actions", json!({"held_on": today.to_string(), "name": "Novoletna obdaritev", "children": "40", "families": "12"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let t = get(&app, &c.sw, "/api/v1/programmes/totals").await.json();
    assert_eq!(t["actions"], 1);
    assert_eq!(t["participants"], 52);
    let other = centre(&app, "oth", "SI").await;
    assert_eq!(
        get(
            &app,
            &other.sw,
            &format!("/api/v1/programmes/committee/sessions/{session}")
        )
        .await
        .status,
        403
    );
    let r = post(
        &app,
        &other.sw,
        "/api/v1/programmes/committee/proposals",
        json!({"person_id": p, "municipality_id": ms[0],
        "situation": "x", "opinion": "y", "requested": "10,00"}),
    )
    .await;
    assert_eq!(r.status, 422, "not the centre's municipality: {}", r.body);
}
both!(the_committee_aid_is_paid_by_the_next_run);
