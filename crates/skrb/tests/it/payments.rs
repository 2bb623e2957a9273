//! Payments: a month's run from calculation to settlement (pro-rating, suspension,
//! recovery, holds, the funding split, foster care, bank files that validate against
//! the schemas, statements, the work list and paying again), exactly once under a
//! `kill -9` of a real `skrb` process, and bad input. Every scenario on both databases.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{header, Request};
use serde_json::{json, Value};
use skrb::auth::Role;
use skrb::bulk::{self, Cell};
use skrb_domain::iban;
use skrb_domain::payments::camt::{self, Item, Outcome};
use time::macros::date;
use time::Date;

use crate::both;
use crate::harness::{fields, TestApp};

const MONTH: &str = "2026-03";

struct Centre {
    id: i64,
    finance: String,
    director: String,
}

/// A centre with a finance officer (`fin_<code>`) and a director (`dir_<code>`).
async fn centre(app: &TestApp, code: &str, jurisdiction: &str) -> Centre {
    let cur = if jurisdiction == "SI" { "EUR" } else { "BAM" };
    app.exec(&format!(
        "INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('{code}', 'Centre {code}', '{jurisdiction}', '{cur}')"
    ))
    .await;
    let id = app
        .num(&format!("SELECT id FROM centre WHERE code = '{code}'"))
        .await;
    let mut tokens = Vec::new();
    for (name, role) in [("fin", Role::FinanceOfficer), ("dir", Role::Director)] {
        let u = format!("{name}_{code}");
        app.user(&u, role).await;
        skrb::auth::users::set_centre(&app.db, &u, code)
            .await
            .expect("centre");
        tokens.push(app.token(&u).await);
    }
    Centre {
        id,
        director: tokens.pop().unwrap(),
        finance: tokens.pop().unwrap(),
    }
}

/// An entitlement as a decision leaves it (person, decision, entitlement), written
/// directly: payments start where rights end.
pub struct Ent<'a> {
    pub right: &'a str,
    pub amount: i64,
    pub from: Date,
    pub to: Option<Date>,
    pub suspended: Option<Date>,
    pub iban: Option<String>,
}

pub fn ent(right: &str, amount: i64) -> Ent<'_> {
    Ent {
        right,
        amount,
        from: date!(2026 - 01 - 01),
        to: None,
        suspended: None,
        iban: None,
    }
}

/// The centre's account at the public payments administration.
pub fn payer_iban() -> String {
    iban::compose("SI", "011006000000017")
}

pub fn si_iban(n: i64) -> String {
    iban::compose("SI", &format!("{:015}", 610_000_000_000_000 + n))
}

/// Writes entitlements in sets; returns (person, entitlement) ids.
pub async fn entitlements(app: &TestApp, centre: i64, list: &[Ent<'_>]) -> Vec<(i64, i64)> {
    let mut tx = app.db.begin().await.expect("tx");
    let mut ids = Vec::new();
    let (mut p, mut d, mut e) = (
        bulk::next_id(&mut tx, "person").await.unwrap(),
        bulk::next_id(&mut tx, "decision").await.unwrap(),
        bulk::next_id(&mut tx, "entitlement").await.unwrap(),
    );
    let now = time::OffsetDateTime::now_utc();
    let (mut persons, mut decisions, mut ents) = (Vec::new(), Vec::new(), Vec::new());
    for x in list {
        let (rid, cur, funding): (i64, String, String) = skrb::sql_pool!(&app.db, c => sqlx::query_as(
            "SELECT id, currency, funding FROM right_type WHERE code = $1").bind(x.right).fetch_one(c).await.expect("right"));
        persons.push(vec![
            Cell::Int(p),
            "Ana".into(),
            format!("Novak{p}").into(),
            format!("ana novak{p}").into(),
            x.iban.clone().into(),
            "Cesta 1".into(),
            "3320".into(),
            "Velenje".into(),
            now.into(),
            now.into(),
        ]);
        decisions.push(vec![
            Cell::Int(d),
            Cell::Int(centre),
            Cell::Int(p),
            Cell::Int(rid),
            "first".into(),
            "granted".into(),
            Cell::Int(x.amount),
            cur.clone().into(),
            "-".into(),
            "{}".into(),
            "issued".into(),
            format!("1/{d}").into(),
            x.from.into(),
            "Test".into(),
            now.into(),
        ]);
        ents.push(vec![
            Cell::Int(e),
            Cell::Int(centre),
            Cell::Int(d),
            Cell::Int(p),
            Cell::Int(rid),
            Cell::Int(x.amount),
            cur.into(),
            x.from.into(),
            x.to.into(),
            if x.suspended.is_some() {
                "suspended"
            } else {
                "active"
            }
            .into(),
            funding.into(),
            "{}".into(),
            x.suspended.into(),
        ]);
        ids.push((p, e));
        p += 1;
        d += 1;
        e += 1;
    }
    bulk::insert(
        &mut tx,
        "person",
        &[
            "id",
            "given_name",
            "family_name",
            "name_key",
            "iban",
            "address",
            "postal_code",
            "place",
            "created_at",
            "updated_at",
        ],
        &persons,
    )
    .await
    .unwrap();
    bulk::insert(
        &mut tx,
        "decision",
        &[
            "id",
            "centre_id",
            "person_id",
            "right_id",
            "kind",
            "outcome",
            "amount",
            "currency",
            "reasoning",
            "inputs",
            "status",
            "number",
            "decided_on",
            "signatory",
            "created_at",
        ],
        &decisions,
    )
    .await
    .unwrap();
    bulk::insert(
        &mut tx,
        "entitlement",
        &[
            "id",
            "centre_id",
            "decision_id",
            "person_id",
            "right_id",
            "amount",
            "currency",
            "valid_from",
            "valid_to",
            "status",
            "funding",
            "input",
            "suspended_from",
        ],
        &ents,
    )
    .await
    .unwrap();
    for t in ["person", "decision", "entitlement"] {
        bulk::sync_identity(&mut tx, t).await.unwrap();
    }
    tx.commit().await.unwrap();
    app.exec(&format!(
        "UPDATE person SET centre_id = {centre} WHERE centre_id IS NULL"
    ))
    .await;
    ids
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn get(app: &TestApp, t: &str, path: &str) -> Value {
    let r = app.api("GET", path, Some(t), None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

async fn account(app: &TestApp, t: &str, body: Value) {
    let r = post(app, t, "/api/v1/payments/accounts", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

async fn new_run(app: &TestApp, t: &str, body: Value) -> i64 {
    let r = post(app, t, "/api/v1/payments/runs", body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

/// Sends a raw body (a statement) with a token.
async fn raw(app: &TestApp, t: &str, path: &str, body: String, ct: &str) -> crate::harness::Res {
    app.send(
        Request::builder()
            .method("POST")
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Validates a file against one of the schemas (`tests/schemas`, copied from
/// ../shared/schemas) with xmllint.
pub fn validate(xml: &str, schema: &str) {
    let dir =
        std::env::temp_dir().join(format!("skrb-xsd-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("file.xml");
    std::fs::write(&file, xml).unwrap();
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/schemas/{schema}.xsd"));
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
        .expect("xmllint (Debian's libxml2-utils) must be installed");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{schema}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Vec<&'a str> {
    s.split(a)
        .skip(1)
        .filter_map(|x| x.split(b).next())
        .collect()
}

/// No entitlement-month-funder has two current lines, whatever happened.
async fn exactly_once(app: &TestApp) {
    let dup = app
        .num("SELECT COUNT(*) FROM (SELECT entitlement_id, month, funder FROM payment_line WHERE carried_by IS NULL \
              GROUP BY entitlement_id, month, funder HAVING COUNT(*) > 1) d")
        .await;
    assert_eq!(dup, 0, "an entitlement-month is paid twice");
}

/// The month: pro-rating, suspension, recovery, holds, foster care and the RS split;
/// a second person approves; files validate; a statement settles and returns; the
/// work list; paying again after the account is corrected; history and totals.
async fn a_month_from_run_to_settlement(app: TestApp) {
    let j = crate::harness::Journey::new("a month from run to settlement");
    let si = centre(&app, "vel", "SI").await;
    let rs = centre(&app, "tre", "RS").await;
    account(&app, &si.finance, json!({"funder": "state", "name": "Republika Slovenija – CSD Velenje", "iban": payer_iban(), "bic": "BSLJSI2X", "address": "Gregorčičeva 20, 1000 Ljubljana", "format": "pain.001.001.03", "batch_size": "3"})).await;
    for funder in ["entity", "municipality"] {
        account(&app, &rs.finance, json!({"funder": funder, "name": format!("Трезор {funder}"), "iban": iban::compose("BA", &format!("56200000000000{:02}", funder.len())), "format": "csv", "csv_columns": "creditor_iban,creditor_name,amount,currency,reference,purpose", "csv_separator": ";", "csv_decimal": ","})).await;
    }
    let si_ents = entitlements(
        &app,
        si.id,
        &[
            Ent {
                iban: Some(si_iban(1)),
                ..ent("vd", 23_849)
            },
            Ent {
                iban: Some(si_iban(2)),
                to: Some(date!(2026 - 03 - 10)),
                ..ent("foster_payment", 109_800)
            },
            Ent {
                iban: None,
                ..ent("dsp", 50_000)
            },
            Ent {
                iban: Some("SI56 1234 5678 9012 345".into()),
                ..ent("dsp", 40_000)
            },
            Ent {
                iban: Some(si_iban(5)),
                suspended: Some(date!(2026 - 03 - 16)),
                ..ent("dsp", 50_000)
            },
            Ent {
                iban: Some(si_iban(6)),
                from: date!(2026 - 04 - 01),
                ..ent("dsp", 50_000)
            },
        ],
    )
    .await;
    let rs_ents = entitlements(
        &app,
        rs.id,
        &[Ent {
            iban: Some(iban::compose("BA", "1610000000000001")),
            ..ent("rs_cash", 26_860)
        }],
    )
    .await;
    let (ana, ana_ent) = si_ents[0];
    j.step("an overpayment recovered in instalments");
    // An overpayment of 100.00 recovered at 30.00 a month.
    let r = post(&app, &si.finance, &format!("/api/v1/entitlements/{ana_ent}/recoveries"), json!({"total": "100,00", "instalment": "30.00", "from_month": MONTH, "reason": "paid twice in 2025"})).await;
    assert_eq!(r.status, 201, "{}", r.body);

    let run = new_run(&app, &si.finance, json!({"month": MONTH})).await;
    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/calculate"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let c = r.json();
    assert_eq!(c["lines"], 3, "{c}");
    assert_eq!(c["held"], 2, "{c}");
    let line = |e: i64| {
        format!("SELECT amount FROM payment_line WHERE entitlement_id = {e} AND carried_by IS NULL")
    };
    assert_eq!(
        app.num(&line(ana_ent)).await,
        23_849 - 3_000,
        "the instalment comes off"
    );
    assert_eq!(
        app.num(&line(si_ents[1].1)).await,
        35_419,
        "1,098.00 for 10 of 31 days = 354.19"
    );
    assert_eq!(
        app.num(&line(si_ents[4].1)).await,
        24_194,
        "suspended from the 16th: 15 of 31 days of 500.00"
    );
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM payment_line WHERE entitlement_id = {}",
            si_ents[5].1
        ))
        .await,
        0,
        "not yet valid"
    );
    let held: Vec<String> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT reason FROM payment_line WHERE status = 'held' ORDER BY entitlement_id").fetch_all(p).await.unwrap());
    assert_eq!(held, ["no_iban", "bad_iban"]);

    j.step("the one who calculated cannot approve");
    // The one who calculated cannot approve; the director can, once.
    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("someone other"), "{}", r.body);
    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/export"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "not approved yet: {}", r.body);
    let v = get(&app, &si.director, &format!("/api/v1/payments/runs/{run}")).await["version"]
        .as_i64()
        .unwrap();
    let r = post(
        &app,
        &si.director,
        &format!("/api/v1/payments/runs/{run}/approve"),
        json!({"version": v - 1}),
    )
    .await;
    assert_eq!(r.status, 409, "a stale version: {}", r.body);
    let r = post(
        &app,
        &si.director,
        &format!("/api/v1/payments/runs/{run}/approve"),
        json!({"version": v}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &app,
        &si.director,
        &format!("/api/v1/payments/runs/{run}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "approved once: {}", r.body);
    j.step("the other centre's finance officer does not see this run");
    // The other centre's finance officer does not see this run.
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/payments/runs/{run}"),
            Some(&rs.finance),
            None
        )
        .await
        .status,
        403
    );

    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/export"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let files = r.json();
    let files = files.as_array().unwrap();
    assert_eq!(files.len(), 1, "3 transfers fit one file of 3");
    let r = app
        .api(
            "GET",
            &format!("/api/v1/payments/runs/{run}/files/1"),
            Some(&si.finance),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(".xml"));
    let xml = r.body.clone();
    validate(&xml, "pain.001.001.03");
    assert_eq!(between(&xml, "<NbOfTxs>", "<"), ["3", "3"]);
    let sum: i64 = app.num(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM payment_line WHERE run_id = {run} AND status = 'open'")).await;
    assert_eq!(
        between(&xml, "<CtrlSum>", "<")[0],
        skrb_domain::rights::money::plain(sum)
    );
    assert!(
        xml.contains("<Nm>Republika Slovenija CSD Velenje</Nm>"),
        "restricted characters"
    );
    assert!(
        xml.contains("<Ustrd>Varstveni dodatek 03/2026</Ustrd>"),
        "{xml}"
    );
    let e2e: Vec<&str> = between(&xml, "<EndToEndId>", "<");
    assert_eq!(e2e.len(), 3);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM payment_file WHERE run_id = {run}"
        ))
        .await,
        1
    );

    j.step("Republika Srpska: one run, each source from its own account");
    // RS: one run, each funding source's half from its own account, in the CSV layout.
    let rrun = new_run(&app, &rs.finance, json!({"month": MONTH})).await;
    assert_eq!(
        post(
            &app,
            &rs.finance,
            &format!("/api/v1/payments/runs/{rrun}/calculate"),
            json!({})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        post(
            &app,
            &rs.director,
            &format!("/api/v1/payments/runs/{rrun}/approve"),
            json!({})
        )
        .await
        .status,
        200
    );
    let r = post(
        &app,
        &rs.finance,
        &format!("/api/v1/payments/runs/{rrun}/export"),
        json!({}),
    )
    .await;
    assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.body);
    let csv = app
        .api(
            "GET",
            &format!("/api/v1/payments/runs/{rrun}/files/1"),
            Some(&rs.finance),
            None,
        )
        .await
        .body;
    let csv2 = app
        .api(
            "GET",
            &format!("/api/v1/payments/runs/{rrun}/files/2"),
            Some(&rs.finance),
            None,
        )
        .await
        .body;
    assert!(
        csv.starts_with("creditor_iban;creditor_name;amount;currency;reference;purpose\r\n"),
        "{csv}"
    );
    assert!(csv.contains(";134,30;BAM;"), "half of 268.60: {csv}");
    assert!(csv2.contains(";134,30;BAM;"), "{csv2}");
    assert!(
        csv.contains("Denarna pomoc 03/2026") || csv.contains("Novcana pomoc 03/2026"),
        "{csv}"
    );
    let _ = rs_ents;

    j.step("the statement");
    // The statement: Ana settled, the foster carer's account closed, a stranger's
    // reference unknown.
    let ids: Vec<i64> = e2e
        .iter()
        .map(|e| skrb::payments::line_of(e).unwrap())
        .collect();
    let mut amounts = Vec::new();
    for id in &ids {
        amounts.push(app_amount(&app, *id).await);
    }
    let amount = |i: usize| amounts[i];
    let items = vec![
        Item {
            end_to_end: e2e[0].into(),
            amount: Some(amount(0)),
            booked: Some(date!(2026 - 03 - 25)),
            outcome: Outcome::Settled,
        },
        Item {
            end_to_end: e2e[1].into(),
            amount: Some(amount(1)),
            booked: Some(date!(2026 - 03 - 26)),
            outcome: Outcome::Returned {
                code: "AC04".into(),
                info: "Closed account".into(),
            },
        },
        Item {
            end_to_end: "SKRB-L999999".into(),
            amount: Some(100),
            booked: None,
            outcome: Outcome::Settled,
        },
    ];
    let xml = camt::write_053(
        "STMT-2026-03-25",
        "SI56011006000000017",
        "EUR",
        date!(2026 - 03 - 25),
        &items,
    );
    let r = raw(
        &app,
        &si.finance,
        "/api/v1/payments/statements",
        xml.clone(),
        "application/xml",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let imp = r.json();
    assert_eq!(
        (imp["settled"].as_i64(), imp["returned"].as_i64()),
        (Some(1), Some(1)),
        "{imp}"
    );
    assert_eq!(imp["problems"][0]["problem"], "unknown");
    let r = raw(
        &app,
        &si.finance,
        "/api/v1/payments/statements",
        xml,
        "application/xml",
    )
    .await;
    assert_eq!(r.status, 422, "imported once: {}", r.body);
    assert!(r.body.contains("imported already"), "{}", r.body);
    assert_eq!(
        get(&app, &si.finance, &format!("/api/v1/payments/runs/{run}")).await["status"],
        "exported",
        "one still with the bank"
    );
    j.step("the last one settles by CSV");
    // The last one settles by CSV; the run is settled with a return.
    let csv = format!(
        "reference;status;reason;amount;date\n{};settled;;{};2026-03-27\n",
        e2e[2],
        skrb_domain::rights::money::plain(amount(2))
    );
    let r = raw(
        &app,
        &si.finance,
        "/api/v1/payments/statements",
        csv,
        "text/csv",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        get(&app, &si.finance, &format!("/api/v1/payments/runs/{run}")).await["status"],
        "partly_returned"
    );

    j.step("the work list");
    // The work list: the returned one and the two held.
    let wl = get(&app, &si.finance, "/api/v1/payments/worklist").await;
    let reasons: Vec<&str> = wl
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.iter().filter(|s| **s == "held").count(), 2, "{wl}");
    assert_eq!(
        reasons.iter().filter(|s| **s == "returned").count(),
        1,
        "{wl}"
    );
    assert!(
        get(&app, &rs.finance, "/api/v1/payments/worklist")
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "another centre's"
    );

    j.step("the same month again pays nothing twice");
    // The same month again pays nothing twice; what waits is held again (nothing
    // changed), and the returned one with the same account is held too.
    let again = new_run(&app, &si.finance, json!({"month": MONTH, "kind": "extra"})).await;
    let c = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{again}/calculate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        (
            c["lines"].as_i64(),
            c["held"].as_i64(),
            c["carried"].as_i64()
        ),
        (Some(0), Some(3), Some(3)),
        "{c}"
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM payment_line WHERE reason = 'same_iban'")
            .await,
        1
    );
    j.step("corrected accounts");
    // Corrected accounts: the next run pays them.
    assert_eq!(
        post(
            &app,
            &si.finance,
            &format!("/api/v1/payments/runs/{again}/discard"),
            json!({})
        )
        .await
        .status,
        204
    );
    let (carer, _) = si_ents[1];
    let (no_iban, _) = si_ents[2];
    app.exec(&format!(
        "UPDATE person SET iban = '{}' WHERE id = {carer}",
        si_iban(22)
    ))
    .await;
    app.exec(&format!(
        "UPDATE person SET iban = '{}' WHERE id = {no_iban}",
        si_iban(33)
    ))
    .await;
    let again = new_run(&app, &si.finance, json!({"month": MONTH, "kind": "extra"})).await;
    let c = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{again}/calculate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        (c["lines"].as_i64(), c["held"].as_i64()),
        (Some(2), Some(1)),
        "{c}"
    );
    let repaid = app.num(&format!("SELECT amount FROM payment_line WHERE run_id = {again} AND entitlement_id = {} AND status = 'open'", si_ents[1].1)).await;
    assert_eq!(
        repaid, 35_419,
        "the returned month is paid again, as it was"
    );
    j.step("until it is sent, the work list still shows them");
    // Until it is sent, the work list still shows them (paid again in this run).
    let wl = get(&app, &si.finance, "/api/v1/payments/worklist").await;
    assert_eq!(wl.as_array().unwrap().len(), 3, "{wl}");
    assert!(wl
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["carried_by"] == again));
    assert_eq!(
        post(
            &app,
            &si.director,
            &format!("/api/v1/payments/runs/{again}/approve"),
            json!({})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        post(
            &app,
            &si.finance,
            &format!("/api/v1/payments/runs/{again}/export"),
            json!({})
        )
        .await
        .status,
        200
    );
    let wl = get(&app, &si.finance, "/api/v1/payments/worklist").await;
    assert_eq!(
        wl.as_array().unwrap().len(),
        1,
        "only the bad IBAN waits: {wl}"
    );
    exactly_once(&app).await;

    j.step("from April the new one is paid to the home where the person is placed");
    // From April the new one is paid to the home where the person is placed.
    let r = app.api("PUT", &format!("/api/v1/entitlements/{}/payee", si_ents[5].1), Some(&si.finance), Some(json!({"name": "Dom starejših občanov Velenje", "iban": si_iban(77), "address": "Kidričeva 1, 3320 Velenje"}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    j.step("April pays in SEPA files of one transfer");
    // April pays in pain.001.001.09 (SEPA) in files of one transfer.
    account(&app, &si.finance, json!({"funder": "state", "name": "Republika Slovenija", "iban": payer_iban(), "bic": "BSLJSI2X", "format": "pain.001.001.09", "batch_size": "1"})).await;
    let april = new_run(&app, &si.finance, json!({"month": "2026-04"})).await;
    let c = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{april}/calculate"),
        json!({}),
    )
    .await
    .json();
    j.step("Ana, the corrected account's April and the new one");
    // Ana, the corrected account's April and the new one; the bad IBAN's March (paid
    // again, still bad) and April held; the carer ended in March, the suspended one.
    assert_eq!(
        (
            c["lines"].as_i64(),
            c["held"].as_i64(),
            c["carried"].as_i64()
        ),
        (Some(3), Some(2), Some(1)),
        "{c}"
    );
    assert_eq!(
        post(
            &app,
            &si.director,
            &format!("/api/v1/payments/runs/{april}/approve"),
            json!({})
        )
        .await
        .status,
        200
    );
    let files = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{april}/export"),
        json!({}),
    )
    .await
    .json();
    let files = files.as_array().unwrap();
    assert_eq!(files.len(), 3);
    let msg_ids: std::collections::BTreeSet<&str> = files
        .iter()
        .map(|f| f["msg_id"].as_str().unwrap())
        .collect();
    assert_eq!(msg_ids.len(), 3, "unique MsgIds");
    let x = app
        .api(
            "GET",
            &format!("/api/v1/payments/runs/{april}/files/2"),
            Some(&si.finance),
            None,
        )
        .await
        .body;
    validate(&x, "pain.001.001.09");
    let line_of = |e: i64| {
        format!("SELECT payee, iban, address FROM payment_line WHERE run_id = {april} AND entitlement_id = {e}")
    };
    let (payee, to, at): (String, String, String) = skrb::sql_pool!(&app.db, p => sqlx::query_as(&line_of(si_ents[5].1)).fetch_one(p).await.unwrap());
    assert_eq!(
        (payee.as_str(), to, at.as_str()),
        (
            "Dom starejših občanov Velenje",
            si_iban(77),
            "Kidričeva 1, 3320 Velenje"
        )
    );
    j.step("the holder is paid by name, at \"street, postcode town\"");
    // The holder is paid by name, at "street, postcode town".
    let (payee, at): (String, String) = skrb::sql_pool!(&app.db, p => sqlx::query_as(&line_of(si_ents[0].1).replace("iban, ", "")).fetch_one(p).await.unwrap());
    assert_eq!(
        (payee.as_str(), at.as_str()),
        (
            format!("Ana Novak{}", si_ents[0].0).as_str(),
            "Cesta 1, 3320 Velenje"
        )
    );
    let mut all = String::new();
    for n in 1..=3 {
        all.push_str(
            &app.api(
                "GET",
                &format!("/api/v1/payments/runs/{april}/files/{n}"),
                Some(&si.finance),
                None,
            )
            .await
            .body,
        );
    }
    assert!(
        all.contains("<Nm>Dom starejsih obcanov Velenje</Nm>"),
        "{all}"
    );
    assert_eq!(between(&x, "<NbOfTxs>", "<"), ["1", "1"]);

    j.step("history");
    // History: per person and entitlement; the recovery recovered 2 × 30.00.
    let h = get(
        &app,
        &si.finance,
        &format!("/api/v1/persons/{ana}/payments"),
    )
    .await;
    assert_eq!(h.as_array().unwrap().len(), 2, "{h}");
    assert_eq!(h[0]["month"], "2026-04-01");
    assert_eq!(h[1]["status"], "settled");
    let rec = get(
        &app,
        &si.finance,
        &format!("/api/v1/entitlements/{ana_ent}/recoveries"),
    )
    .await;
    assert_eq!(rec[0]["recovered"], 6_000, "{rec}");
    assert_eq!(
        get(
            &app,
            &si.finance,
            &format!("/api/v1/entitlements/{ana_ent}/payments")
        )
        .await
        .as_array()
        .unwrap()
        .len(),
        2
    );
    assert!(app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'payments' AND person_id = {ana}")).await >= 2, "history reads are audited");
    let totals = get(&app, &si.finance, "/api/v1/payments/totals").await;
    assert!(
        totals
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["month"] == "2026-03-01" && t["right"] == "vd" && t["total"] == 20_849),
        "{totals}"
    );
    exactly_once(&app).await;
}
both!(a_month_from_run_to_settlement);

/// A line held back in March whose entitlement ended with March is paid again by
/// April's run, though April reads no such entitlement: found by its key, to the
/// payee as the entitlement now has it.
async fn held_line_of_an_ended_right_is_paid_again(app: TestApp) {
    let si = centre(&app, "vel", "SI").await;
    account(&app, &si.finance, json!({"funder": "state", "name": "RS", "iban": payer_iban(), "format": "pain.001.001.03", "batch_size": "100"})).await;
    let e = entitlements(
        &app,
        si.id,
        &[
            // no account number yet: held
            Ent {
                to: Some(date!(2026 - 03 - 31)),
                ..ent("vd", 20_000)
            },
            Ent {
                iban: Some(si_iban(1)),
                ..ent("vd", 30_000)
            },
        ],
    )
    .await;
    let run_through = async |month: &str| {
        let id = new_run(&app, &si.finance, json!({"month": month})).await;
        let c = post(
            &app,
            &si.finance,
            &format!("/api/v1/payments/runs/{id}/calculate"),
            json!({}),
        )
        .await
        .json();
        let r = post(
            &app,
            &si.director,
            &format!("/api/v1/payments/runs/{id}/approve"),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = post(
            &app,
            &si.finance,
            &format!("/api/v1/payments/runs/{id}/export"),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        (id, c)
    };
    let (_, march) = run_through("2026-03").await;
    assert_eq!(
        (march["lines"].as_i64(), march["held"].as_i64()),
        (Some(1), Some(1)),
        "{march}"
    );
    // The account number comes after March's run.
    app.exec(&format!(
        "UPDATE person SET iban = '{}' WHERE id = {}",
        si_iban(2),
        e[0].0
    ))
    .await;
    let (april, c) = run_through("2026-04").await;
    assert_eq!(
        (
            c["entitlements"].as_i64(),
            c["lines"].as_i64(),
            c["held"].as_i64(),
            c["carried"].as_i64()
        ),
        (Some(1), Some(2), Some(0), Some(1)),
        "{c}"
    );
    let (month, amount, iban): (Date, i64, String) = skrb::sql_pool!(&app.db, p => sqlx::query_as(&format!(
        "SELECT month, amount, iban FROM payment_line WHERE run_id = {april} AND entitlement_id = {}", e[0].1))
        .fetch_one(p).await.unwrap());
    assert_eq!(
        (month, amount, iban),
        (date!(2026 - 03 - 01), 20_000, si_iban(2))
    );
    exactly_once(&app).await;
}
both!(held_line_of_an_ended_right_is_paid_again);

async fn app_amount(app: &TestApp, line: i64) -> i64 {
    app.num(&format!(
        "SELECT amount FROM payment_line WHERE id = {line}"
    ))
    .await
}

/// Bad input: clear errors, nothing changed.
async fn bad_input_changes_nothing(app: TestApp) {
    let j = crate::harness::Journey::new("bad input changes nothing");
    let si = centre(&app, "vel", "SI").await;
    let rs = centre(&app, "tre", "RS").await;
    for (body, field) in [
        (
            json!({"funder": "state", "name": "X", "iban": "SI56 0110 0600 0000 000", "format": "pain.001.001.03"}),
            "iban",
        ),
        (
            json!({"funder": "bank", "name": "X", "iban": payer_iban(), "format": "pain.001.001.03"}),
            "funder",
        ),
        (
            json!({"funder": "state", "name": "X", "iban": payer_iban(), "format": "csv", "csv_columns": "iban,colour"}),
            "csv_columns",
        ),
        (
            json!({"funder": "state", "name": "X", "iban": payer_iban(), "format": "pain.001.001.03", "batch_size": "0"}),
            "batch_size",
        ),
    ] {
        let r = post(&app, &si.finance, "/api/v1/payments/accounts", body).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            fields(&r).contains(&field.to_string()),
            "{field}: {}",
            r.body
        );
    }
    let r = post(&app, &rs.finance, "/api/v1/payments/accounts", json!({"funder": "entity", "name": "X", "iban": iban::compose("BA", "5620000000000011"), "format": "pain.001.001.09"})).await;
    assert_eq!(r.status, 422, "SEPA is euro only: {}", r.body);
    assert_eq!(app.num("SELECT COUNT(*) FROM payer_account").await, 0);

    let r = post(
        &app,
        &si.finance,
        "/api/v1/payments/runs",
        json!({"month": "March", "execution_on": "2020-01-01", "from_month": "2027-01"}),
    )
    .await;
    assert_eq!(r.status, 422);
    let f = fields(&r);
    assert!(
        f.contains(&"month".to_string()) && f.contains(&"execution_on".to_string()),
        "{}",
        r.body
    );
    let r = post(
        &app,
        &si.finance,
        "/api/v1/payments/runs",
        json!({"month": MONTH, "note": 5, "colour": "red"}),
    )
    .await;
    assert_eq!(r.status, 400, "unknown field: {}", r.body);
    let run = new_run(&app, &si.finance, json!({"month": MONTH})).await;
    let r = post(
        &app,
        &si.finance,
        "/api/v1/payments/runs",
        json!({"month": MONTH}),
    )
    .await;
    assert_eq!(r.status, 422, "one monthly run a month: {}", r.body);
    assert_eq!(app.num("SELECT COUNT(*) FROM payment_run").await, 1);

    j.step("entitlements but no payer account");
    // Entitlements but no payer account: every line held, the run still calculates.
    let e = entitlements(
        &app,
        si.id,
        &[
            Ent {
                iban: Some(si_iban(1)),
                ..ent("vd", 10_000)
            },
            Ent {
                iban: Some(si_iban(2)),
                amount: 0,
                ..ent("vd", 0)
            },
        ],
    )
    .await;
    let c = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/calculate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        (c["lines"].as_i64(), c["held"].as_i64()),
        (Some(0), Some(1)),
        "zero amounts are no entitlement-month: {c}"
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM payment_line WHERE reason = 'no_account'")
            .await,
        1
    );
    j.step("recalculating replaces the lines");
    // Recalculating replaces the lines.
    account(
        &app,
        &si.finance,
        json!({"funder": "state", "name": "RS", "iban": payer_iban(), "format": "pain.001.001.03"}),
    )
    .await;
    let c = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/calculate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(
        (c["lines"].as_i64(), c["held"].as_i64()),
        (Some(1), Some(0)),
        "{c}"
    );
    assert_eq!(app.num("SELECT COUNT(*) FROM payment_line").await, 1);

    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/entitlements/{}/recoveries", e[0].1),
        json!({"total": "0", "instalment": "-5", "from_month": "x"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(fields(&r).len(), 4, "{}", r.body);
    assert_eq!(app.num("SELECT COUNT(*) FROM recovery").await, 0);

    for (body, ct) in [
        ("not a statement", "text/plain"),
        ("<Document><Other/></Document>", "application/xml"),
        ("reference;status\nSKRB-L1;maybe\n", "text/csv"),
        ("", "text/csv"),
    ] {
        let r = raw(
            &app,
            &si.finance,
            "/api/v1/payments/statements",
            body.into(),
            ct,
        )
        .await;
        assert_eq!(r.status, 422, "{body}: {}", r.body);
        assert_eq!(fields(&r), ["file"], "{}", r.body);
    }
    j.step("a statement for payments not sent");
    // A statement for payments not sent: reported, nothing settles.
    let line = app.num("SELECT id FROM payment_line").await;
    let r = raw(
        &app,
        &si.finance,
        "/api/v1/payments/statements",
        format!("reference;status\nSKRB-L{line};settled\nSKRB-X;settled\n"),
        "text/csv",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let p: Vec<String> = r.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["problem"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(p, ["not_sent", "unknown"]);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM payment_line WHERE status = 'settled'")
            .await,
        0
    );
    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/lines/{line}/write-off"),
        json!({"reason": ""}),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/lines/{line}/write-off"),
        json!({"reason": "died"}),
    )
    .await;
    assert_eq!(r.status, 403, "an open line is not written off: {}", r.body);
    let r = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/export"),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        get(&app, &si.finance, &format!("/api/v1/payments/runs/{run}")).await["status"],
        "calculated"
    );
    j.step("roles");
    // Roles: a social worker reads nothing here; finance cannot approve at all without
    // the permission being theirs? (they have it, but not for their own run).
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    assert_eq!(
        app.api("GET", "/api/v1/payments/runs", Some(&t), None)
            .await
            .status,
        403
    );
    j.step("a payee with a wrong account is refused");
    // A payee with a wrong account is refused; nothing changes.
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/entitlements/{}/payee", e[0].1),
            Some(&si.finance),
            Some(json!({"name": "Dom", "iban": "SI56 1"})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM entitlement WHERE payee_name IS NOT NULL")
            .await,
        0
    );
    j.step("a recovery larger than the month's payment takes all of it");
    // A recovery larger than the month's payment takes all of it: nothing is sent,
    // nothing is held, the month counts as paid.
    let r = post(&app, &si.finance, &format!("/api/v1/entitlements/{}/recoveries", e[0].1), json!({"total": "150.00", "instalment": "150.00", "from_month": MONTH, "reason": "overpaid"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let c = post(
        &app,
        &si.finance,
        &format!("/api/v1/payments/runs/{run}/calculate"),
        json!({}),
    )
    .await
    .json();
    assert_eq!(c["held"], 0, "{c}");
    let (status, reason, deducted, amount): (String, String, i64, i64) = skrb::sql_pool!(&app.db, p => sqlx::query_as(
        "SELECT status, reason, deducted, amount FROM payment_line").fetch_one(p).await.unwrap());
    assert_eq!(
        (status.as_str(), reason.as_str(), deducted, amount),
        ("settled", "recovered", 10_000, 0)
    );
}
both!(bad_input_changes_nothing);

pub(crate) fn spawn(url: &str, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_skrb"))
        .args(args)
        .env("SKRB_DATABASE_URL", url)
        .env_remove("SKRB_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run skrb")
}

pub(crate) fn finish(child: std::process::Child) -> String {
    let out = child.wait_with_output().expect("wait");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

/// Kills `skrb` with SIGKILL once it has printed a line on standard error that `seen`
/// accepts (or after `ms` milliseconds, whichever comes first); tells whether the line
/// came.
pub(crate) fn kill_when(url: &str, args: &[&str], seen: fn(&str) -> bool, ms: u64) -> bool {
    let mut child = spawn(url, args);
    let err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if seen(&line) {
                let _ = tx.send(());
            }
        }
    });
    let came = rx
        .recv_timeout(std::time::Duration::from_millis(ms))
        .is_ok();
    let _ = child.kill();
    let _ = child.wait();
    came
}

/// A progress line of the entitlements whose lines are written, before the last:
/// "entitlements 20000 / 45000 …".
fn lines_partly_written(line: &str) -> bool {
    let Some(rest) = line.trim_start_matches('\r').strip_prefix("entitlements ") else {
        return false;
    };
    let mut n = rest
        .split([' ', '/'])
        .filter(|w| !w.is_empty())
        .map(|w| w.parse::<u64>().unwrap_or(0));
    matches!((n.next(), n.next()), (Some(done), Some(total)) if done > 0 && done < total)
}

/// `kill -9` in the middle of a run's calculation and of its export, then the same
/// commands again: every entitlement-month once, nothing missing, the files whole.
async fn kill_nine_leaves_no_duplicate_and_no_gap(app: TestApp) {
    let si = centre(&app, "vel", "SI").await;
    let _ = si.director;
    account(&app, &si.finance, json!({"funder": "state", "name": "RS", "iban": payer_iban(), "format": "pain.001.001.03", "batch_size": "20000"})).await;
    const N: i64 = 45_000;
    let list: Vec<Ent> = (0..N)
        .map(|i| Ent {
            iban: Some(si_iban(i)),
            amount: 10_000 + i,
            ..ent("vd", 0)
        })
        .collect();
    entitlements(&app, si.id, &list).await;
    let url = app.url.clone();
    let run = ["payments", "run", "--month", MONTH, "--as", "fin_vel"];
    // Killed after the first set of lines is written, inside the transaction.
    assert!(
        kill_when(&url, &run, lines_partly_written, 60_000),
        "killed after the first set of lines"
    );
    let after_kill = app.num("SELECT COUNT(*) FROM payment_line").await;
    assert!(
        after_kill == 0 || after_kill == N,
        "all or nothing, not {after_kill}"
    );
    exactly_once(&app).await;
    // Killed at once, then run to the end.
    kill_when(&url, &run, |_| false, 300);
    let out = finish(spawn(&url, &run));
    assert!(out.contains(&format!("{N} lines to pay")), "{out}");
    assert_eq!(app.num("SELECT COUNT(*) FROM payment_line").await, N);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM payment_run").await,
        1,
        "the month's run was calculated again, not doubled"
    );
    exactly_once(&app).await;
    // A second run of the month finds nothing left to pay.
    let out = finish(spawn(
        &url,
        &[
            "payments", "run", "--month", MONTH, "--kind", "extra", "--as", "fin_vel",
        ],
    ));
    assert!(
        out.contains("0 lines to pay") && out.contains(&format!("{N} already paid")),
        "{out}"
    );
    let id = app.num("SELECT MIN(id) FROM payment_run").await.to_string();
    let out = finish(spawn(
        &url,
        &["payments", "approve", "--run", &id, "--as", "dir_vel"],
    ));
    assert!(out.contains("approved"), "{out}");
    // Export killed midway, then again: the files as recorded, the run exported once.
    let dir = std::env::temp_dir().join(format!(
        "skrb-kill-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let d = dir.to_string_lossy().to_string();
    let export = ["payments", "export", "--run", &id, "--dir", &d];
    kill_when(&url, &export, |_| false, 150);
    let out = finish(spawn(&url, &export));
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM payment_file WHERE run_id = {id}"
        ))
        .await,
        3,
        "45,000 in files of 20,000: {out}"
    );
    assert_eq!(
        app.num(&format!(
            "SELECT CAST(SUM(transfers) AS BIGINT) FROM payment_file WHERE run_id = {id}"
        ))
        .await,
        N
    );
    let mut e2e = std::collections::HashSet::new();
    for f in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        for id in between(&text, "<EndToEndId>", "<") {
            assert!(e2e.insert(id.to_string()), "{id} twice");
        }
    }
    assert_eq!(e2e.len() as i64, N, "every line in exactly one file");
    // The bank's statement through the command line settles the run; a second import
    // of it is refused.
    let lines: Vec<(i64, i64)> = skrb::sql_pool!(&app.db, p => sqlx::query_as("SELECT id, amount FROM payment_line ORDER BY id").fetch_all(p).await.unwrap());
    let items: Vec<Item> = lines
        .iter()
        .map(|(id, amount)| Item {
            end_to_end: skrb::payments::end_to_end(*id),
            amount: Some(*amount),
            booked: Some(date!(2026 - 03 - 25)),
            outcome: Outcome::Settled,
        })
        .collect();
    let stmt = dir.join("statement.xml");
    std::fs::write(
        &stmt,
        camt::write_053(
            "STMT-KILL",
            &payer_iban(),
            "EUR",
            date!(2026 - 03 - 25),
            &items,
        ),
    )
    .unwrap();
    let st = stmt.to_string_lossy().to_string();
    let out = finish(spawn(
        &url,
        &[
            "payments",
            "import-statement",
            "--file",
            &st,
            "--as",
            "fin_vel",
        ],
    ));
    assert!(out.contains(&format!("{N} settled")), "{out}");
    let out = finish(spawn(&url, &["payments", "list"]));
    assert!(out.contains(" settled: "), "{out}");
    let again = spawn(&url, &["payments", "import-statement", "--file", &st])
        .wait_with_output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("imported already"),
        "{again:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        app.num(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'payment_run'"
        )
        .await,
        1
    );
}
both!(kill_nine_leaves_no_duplicate_and_no_gap);
