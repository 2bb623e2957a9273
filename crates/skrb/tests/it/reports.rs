//! Reports: the annual work report from a worked example (Velenje's 2014 staff, six users
//! of known age, sex, municipality and problems, three decisions), who may read it and
//! whose (own centre, the ministry with small counts hidden, nobody else's), a bad
//! period, the downloads; the demo's report whose totals add up and agree across centres
//! and with the payment lines; and a report read from a second database (the replica).
//! Every scenario on both databases.

use serde_json::Value;
use skrb::auth::Role;
use skrb::reports::report::{self, ReportQuery};

use crate::both;
use crate::harness::{fresh_db, Backend, TestApp};

/// A table of the API's report: its rows as plain values (`null` for an empty cell,
/// `"hidden"` for a hidden count).
fn table(r: &Value, key: &str) -> Vec<Vec<Value>> {
    let t = r["tables"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["key"] == key))
        .unwrap_or_else(|| panic!("no table {key}"));
    let mut rows: Vec<Vec<Value>> = t["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r.as_array().expect("row").iter().map(cell).collect())
        .collect();
    if !t["total"].is_null() {
        rows.push(
            t["total"]
                .as_array()
                .expect("total")
                .iter()
                .map(cell)
                .collect(),
        );
    }
    rows
}

fn cell(c: &Value) -> Value {
    match c["kind"].as_str() {
        Some("hidden") => Value::from("hidden"),
        Some("empty") => Value::Null,
        _ => c["value"].clone(),
    }
}

fn row<'a>(rows: &'a [Vec<Value>], label: &str) -> &'a [Value] {
    rows.iter()
        .find(|r| r[0] == label)
        .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
}

/// Every numeric column of a table with a total sums to it.
fn adds_up(r: &Value) {
    for t in r["tables"].as_array().expect("tables") {
        if t["total"].is_null() {
            continue;
        }
        let total = t["total"].as_array().expect("total");
        for (i, tc) in total.iter().enumerate().skip(1) {
            let Some(expected) = tc["value"].as_i64() else {
                continue;
            };
            let sum: i64 = t["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .map(|r| r[i]["value"].as_i64().unwrap_or(0))
                .sum();
            assert_eq!(sum, expected, "{} column {i}", t["key"]);
        }
    }
}

async fn worked_example(app: &TestApp, code: &str) -> i64 {
    let centre = app
        .num(&format!("SELECT id FROM centre WHERE code = '{code}'"))
        .await;
    let worker = app.num("SELECT MIN(id) FROM app_user").await;
    for (mcode, name, n) in [
        ("133", "Velenje", 33_000),
        ("126", "Šoštanj", 8_700),
        ("114", "Šmartno ob Paki", 3_300),
    ] {
        app.exec(&format!(
            "INSERT INTO municipality (centre_id, code, name) VALUES ({centre}, '{code}{mcode}', '{name}')"
        ))
        .await;
        let m = app
            .num(&format!(
                "SELECT id FROM municipality WHERE code = '{code}{mcode}'"
            ))
            .await;
        // An older and a later count: the report quotes the last one before its end.
        app.exec(&format!(
            "INSERT INTO population (municipality_id, on_date, inhabitants) VALUES ({m}, '2010-01-01', {}), ({m}, '2014-01-01', {n}), ({m}, '2015-01-01', {})",
            n - 500,
            n + 500
        ))
        .await;
    }
    // Staff on 31 December 2014, as Velenje's report counts them; one who left in June
    // and one hired in 2015 are not counted.
    let mut staff = Vec::new();
    for (kind, funding, n) in [
        ("employee", "state", 47),
        ("employee", "municipality", 4),
        ("intern", "esf", 4),
        ("informator", "esf", 1),
        ("public_works", "municipality", 13),
    ] {
        for i in 0..n {
            staff.push(format!("({centre}, '{kind} {i}', '{kind}', '{funding}', 'delo', 40, '2010-01-01', NULL, '2010-01-01T00:00:00Z')"));
        }
    }
    staff.push(format!("({centre}, 'odšla', 'employee', 'state', 'delo', 40, '2010-01-01', '2014-06-30', '2010-01-01T00:00:00Z')"));
    staff.push(format!("({centre}, 'nova', 'employee', 'state', 'delo', 40, '2015-01-05', NULL, '2015-01-01T00:00:00Z')"));
    app.exec(&format!(
        "INSERT INTO staff_member (centre_id, name, kind, funding, job, hours_week, starts_on, ends_on, created_at) VALUES {}",
        staff.join(", ")
    ))
    .await;
    let muni = |name: &str| {
        format!("(SELECT id FROM municipality WHERE centre_id = {centre} AND name = '{name}')")
    };
    // Six users in 2014 (ages on 31 December 2014) and one whose file closed in 2013.
    let persons = [
        (
            "Miha",
            "M",
            Some("2010-05-01"),
            Some("Velenje"),
            ",poverty,domestic_violence,",
            "2014-02-01",
            None,
        ),
        (
            "Ana",
            "F",
            Some("1997-12-31"),
            Some("Velenje"),
            ",family_relations,",
            "2013-05-01",
            Some("2014-03-01"),
        ),
        (
            "Eva",
            "F",
            Some("1996-12-31"),
            Some("Velenje"),
            ",poverty,",
            "2014-06-01",
            Some("2014-09-01"),
        ),
        (
            "Jože",
            "M",
            Some("1949-12-31"),
            Some("Šoštanj"),
            ",poverty,",
            "2012-01-10",
            None,
        ),
        (
            "Marko",
            "M",
            Some("1950-01-01"),
            Some("Šmartno ob Paki"),
            ",addiction,",
            "2014-12-31",
            None,
        ),
        ("Nina", "F", None, None, ",poverty,", "2014-01-01", None),
        (
            "Zala",
            "F",
            Some("1980-01-01"),
            Some("Velenje"),
            ",poverty,",
            "2012-01-01",
            Some("2013-12-31"),
        ),
    ];
    let ty = app
        .num("SELECT MIN(id) FROM case_type WHERE jurisdiction = 'SI'")
        .await;
    for (i, (name, sex, born, m, problems, opened, closed)) in persons.iter().enumerate() {
        let born = born.map(|b| format!("'{b}'")).unwrap_or("NULL".into());
        let m = m.map(&muni).unwrap_or("NULL".into());
        app.exec(&format!(
            "INSERT INTO person (given_name, family_name, birth_date, sex, municipality_id, name_key, centre_id, created_at, updated_at) \
             VALUES ('{name}', 'Test', {born}, '{sex}', {m}, '{name}', {centre}, '2012-01-01T00:00:00Z', '2012-01-01T00:00:00Z')"
        ))
        .await;
        let p = app
            .num(&format!(
                "SELECT MAX(id) FROM person WHERE given_name = '{name}'"
            ))
            .await;
        let (status, closed) = match closed {
            Some(c) => ("closed", format!("'{c}'")),
            None => ("open", "NULL".into()),
        };
        app.exec(&format!(
            "INSERT INTO case_file (centre_id, number, person_id, type_id, problems, status, worker_id, opened_on, closed_on, last_activity_on, created_at) \
             VALUES ({centre}, '{code}-{i}', {p}, {ty}, '{problems}', '{status}', {worker}, '{opened}', {closed}, '{opened}', '2012-01-01T00:00:00Z')"
        ))
        .await;
    }
    // Decisions on financial social assistance: two granted and one refused in 2014;
    // one of 2015 and one awaiting approval do not count.
    let right = app
        .num("SELECT id FROM right_type WHERE code = 'dsp'")
        .await;
    let p = app
        .num("SELECT MIN(id) FROM person WHERE given_name = 'Miha'")
        .await;
    for (i, (outcome, status, on)) in [
        ("granted", "issued", "2014-02-10"),
        ("partly", "issued", "2014-05-10"),
        ("refused", "issued", "2014-11-10"),
        ("granted", "issued", "2015-01-10"),
        ("granted", "awaiting_approval", "2014-12-10"),
    ]
    .iter()
    .enumerate()
    {
        app.exec(&format!(
            "INSERT INTO decision (centre_id, person_id, right_id, kind, outcome, currency, reasoning, inputs, status, number, decided_on, signatory, created_at) \
             VALUES ({centre}, {p}, {right}, 'first', '{outcome}', 'EUR', '', '{{}}', '{status}', '{code}/{i}', '{on}', 'Direktor', '2014-01-01T00:00:00Z')"
        ))
        .await;
    }
    centre
}

async fn the_annual_report_of_a_worked_example(app: TestApp) {
    let (_, [dir, sw]) = app
        .centre(
            "csd-v",
            "SI",
            [("dir", Role::Director), ("sw", Role::SocialWorker)],
        )
        .await;
    let (_, [other]) = app.centre("csd-x", "SI", [("dir", Role::Director)]).await;
    app.user("min", Role::Ministry).await;
    let min = app.token("min").await;
    worked_example(&app, "csd-v").await;

    let r = app
        .api("GET", "/api/v1/reports/annual?year=2014", Some(&dir), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["from"], "2014-01-01");
    assert_eq!(rep["to"], "2014-12-31");
    assert_eq!(rep["small_hidden"], false);
    adds_up(&rep);
    // Territory: the count of 1 January 2014, not the older nor the later one.
    let t = table(&rep, "territory");
    assert_eq!(row(&t, "Velenje")[1], 33_000);
    assert_eq!(row(&t, "Total")[1], 45_000);
    // Staff on 31 December 2014: 51 employees, 4 interns and 1 informator (ESF), 13
    // public works: 69.
    let s = table(&rep, "staff");
    assert_eq!(
        row(&s, "Employees")[1..],
        [47, 4, 0, 0, 51].map(Value::from)
    );
    assert_eq!(row(&s, "Interns")[3], 4);
    assert_eq!(row(&s, "Informators")[3], 1);
    assert_eq!(row(&s, "Public works")[2], 13);
    assert_eq!(row(&s, "Total")[5], 69);
    // Users: six (Zala's file closed in 2013), by group and by the institute's bands.
    let g = table(&rep, "users-group");
    assert_eq!(
        row(&g, "Children and youth")[1..],
        [1, 1, 0, 2].map(Value::from)
    );
    assert_eq!(row(&g, "Adults")[1..], [1, 1, 0, 2].map(Value::from));
    assert_eq!(
        row(&g, "Elderly (65 and over)")[1..],
        [1, 0, 0, 1].map(Value::from)
    );
    assert_eq!(row(&g, "Age unknown")[1..], [0, 1, 0, 1].map(Value::from));
    assert_eq!(row(&g, "Total")[4], 6);
    let a = table(&rep, "users-age");
    assert_eq!(row(&a, "0-6")[4], 1);
    assert_eq!(row(&a, "17")[2], 1, "17 on the last day of the year");
    assert_eq!(row(&a, "18-21")[2], 1, "18 on the last day of the year");
    assert_eq!(row(&a, "60-64")[1], 1);
    assert_eq!(row(&a, "65+")[1], 1, "65 on the last day of the year");
    assert_eq!(row(&a, "Unknown")[2], 1);
    let m = table(&rep, "users-municipality");
    assert_eq!(row(&m, "Velenje")[4], 3);
    assert_eq!(row(&m, "Šoštanj")[4], 1);
    assert_eq!(row(&m, "No municipality")[4], 1);
    let p = table(&rep, "users-problem");
    assert_eq!(row(&p, "Poverty")[1], 4);
    assert_eq!(row(&p, "Domestic violence")[1], 1);
    assert_eq!(row(&p, "Addiction")[1], 1);
    // Files: opened, closed in the year, open at its end.
    let f = table(&rep, "files");
    assert_eq!(row(&f, "Total")[1..], [4, 2, 4].map(Value::from));
    // Decisions issued in 2014: two granted (one in part), one refused.
    let d = table(&rep, "decisions");
    assert_eq!(
        row(&d, "Financial social assistance")[1..4],
        [2, 1, 0].map(Value::from)
    );
    // Domestic violence: Miha's file, opened in February and still open.
    let v = table(&rep, "violence");
    assert_eq!(row(&v, "Domestic-violence case files opened")[1], 1);
    assert_eq!(
        row(&v, "Domestic-violence case files open at the end")[1],
        1
    );

    // A period of eleven months: Eva's file (June-September) is in, Ana's (closed in
    // March) is out of a period from April.
    let r = app
        .api(
            "GET",
            "/api/v1/reports/annual?from=2014-04-01&to=2014-11-30",
            Some(&dir),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rep = r.json();
    assert_eq!(row(&table(&rep, "users-group"), "Total")[4], 4);

    // A unit's report: the unit of Velenje's municipality has its files, its staff, its
    // municipality and the persons living there; the rest of the centre is not in it.
    let v = app.num("SELECT id FROM centre WHERE code = 'csd-v'").await;
    app.exec(&format!(
        "INSERT INTO unit (centre_id, name) VALUES ({v}, 'Enota Velenje'), ({v}, 'Enota Šoštanj')"
    ))
    .await;
    let unit = app
        .num("SELECT id FROM unit WHERE name = 'Enota Velenje'")
        .await;
    app.exec(&format!(
        "UPDATE municipality SET unit_id = CASE WHEN name = 'Velenje' THEN {unit} ELSE {unit} + 1 END WHERE centre_id = {v}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE staff_member SET unit_id = {unit} WHERE kind = 'intern' AND centre_id = {v}"
    ))
    .await;
    app.exec(&format!(
        "UPDATE case_file SET unit_id = CASE WHEN person_id IN (SELECT p.id FROM person p JOIN municipality m \
         ON m.id = p.municipality_id WHERE m.name = 'Velenje') THEN {unit} ELSE {unit} + 1 END WHERE centre_id = {v}"
    ))
    .await;
    let r = app
        .api(
            "GET",
            &format!("/api/v1/reports/annual?year=2014&unit={unit}"),
            Some(&dir),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rep = r.json();
    assert!(
        rep["whose"]
            .as_str()
            .is_some_and(|w| w.ends_with(", Enota Velenje")),
        "{}",
        rep["whose"]
    );
    adds_up(&rep);
    let t = table(&rep, "territory");
    assert_eq!(row(&t, "Total")[1], 33_000, "{t:?}");
    assert_eq!(
        row(&table(&rep, "staff"), "Total")[5],
        4,
        "the unit's interns"
    );
    let m = table(&rep, "users-municipality");
    assert_eq!(row(&m, "Velenje")[4], 3);
    assert_eq!(row(&m, "Total")[4], 3, "{m:?}");
    assert!(
        rep["sections"].as_array().is_none_or(|s| s.is_empty()),
        "the narrative is the centre's"
    );
    let r = app
        .api(
            "GET",
            &format!("/api/v1/reports/annual?year=2014&unit={unit}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, 403, "another centre's unit: {}", r.body);
    assert_eq!(
        app.api(
            "GET",
            "/api/v1/reports/annual?year=2014&unit=x",
            Some(&dir),
            None
        )
        .await
        .status,
        422
    );
    let r = app
        .api(
            "GET",
            &format!("/api/v1/reports/annual?year=2014&unit={unit}"),
            Some(&min),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["small_hidden"], true);

    // The ministry reads any centre, or all of them, with counts under five hidden.
    let r = app
        .api(
            "GET",
            "/api/v1/reports/annual?year=2014&centre=csd-v",
            Some(&min),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["small_hidden"], true);
    let g = table(&rep, "users-group");
    assert_eq!(row(&g, "Children and youth")[4], "hidden");
    assert_eq!(row(&g, "Total")[4], 6);
    assert_eq!(row(&table(&rep, "staff"), "Employees")[5], 51);
    let r = app
        .api("GET", "/api/v1/reports/annual?year=2014", Some(&min), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["whose"], "All centres");
    // An administrator of no centre sees all centres, as a report that leaves them.
    app.user("adm", Role::Administrator).await;
    let adm = app.token("adm").await;
    let r = app
        .api("GET", "/api/v1/reports/annual?year=2014", Some(&adm), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["small_hidden"], true);
    assert_eq!(row(&table(&r.json(), "users-group"), "Adults")[4], "hidden");

    // Not another centre's, not without the permission, not a bad period.
    let r = app
        .api(
            "GET",
            "/api/v1/reports/annual?year=2014&centre=csd-v",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = app
        .api(
            "GET",
            "/api/v1/reports/annual?year=2014",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(
        row(&table(&r.json(), "staff"), "Total")[5],
        0,
        "its own, empty"
    );
    assert_eq!(
        app.api("GET", "/api/v1/reports/annual?year=2014", Some(&sw), None)
            .await
            .status,
        403
    );
    let r = app
        .api(
            "GET",
            "/api/v1/reports/annual?from=2014-12-01&to=2014-01-01",
            Some(&dir),
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("ends before it begins"), "{}", r.body);
    assert_eq!(
        app.api("GET", "/api/v1/reports/annual?year=20x4", Some(&dir), None)
            .await
            .status,
        422
    );

    // The page, in Slovenian, with its charts and downloads; a bad period on the form.
    let c = app.browser_login("dir_csd-v").await;
    let r = app.page("/reports?year=2014", &c).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"table-staff\""), "{}", r.body);
    assert!(r
        .body
        .contains("<svg class=\"chart\" id=\"chart-users-age-4\""));
    assert!(r.body.contains("href=\"/reports/annual.pdf?year=2014\""));
    let r = app.page("/reports?from=2014-13-01&to=2014-12-31", &c).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("govuk-error-summary") && r.body.contains("href=\"#f-from\""),
        "{}",
        r.body
    );
    let r = app.page("/reports/annual.pdf?year=2014", &c).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert!(r.body.starts_with("%PDF-"));
    let r = app.page("/reports/annual.xlsx?year=2014", &c).await;
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-disposition")
        .contains("annual-report-csd-v-2014.xlsx"));
    assert!(r.body.starts_with("PK"));
    let r = app
        .page("/reports/annual.csv?year=2014&table=staff", &c)
        .await;
    assert_eq!(r.status, 200);
    let lines: Vec<&str> = r.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[1], "Zaposleni,47,4,0,0,51");
    assert_eq!(lines.last().copied(), Some("Skupaj,47,17,5,0,69"));
    assert_eq!(
        app.page("/reports/annual.csv?year=2014&table=nothing", &c)
            .await
            .status,
        404
    );
    // Each reading and download is in the audit log, with whose report and which period.
    let audited = app
        .num("SELECT COUNT(*) FROM audit_log WHERE entity = 'annual_report' AND action = 'download' AND reason LIKE 'csd-v 2014-01-01..2014-12-31'")
        .await;
    assert!(audited >= 3, "{audited}");
}
both!(the_annual_report_of_a_worked_example);

async fn the_demos_report_adds_up_everywhere(app: TestApp) {
    skrb::demo::prepare(&app.db, 3, skrb::demo::Scale::Small, Some(200))
        .await
        .expect("demo");
    let year = time::OffsetDateTime::now_utc().year();
    let cli = skrb_kit::audit::Actor::system("test");
    let read = |centre: Option<&str>| {
        let q = ReportQuery {
            year: Some(year.to_string()),
            centre: centre.map(String::from),
            ..Default::default()
        };
        let (db, cli) = (app.db.clone(), cli.clone());
        async move {
            let mut steps = 0;
            let r = report::annual(
                &db,
                &db,
                &cli,
                &q,
                skrb::i18n::Locale::En,
                false,
                skrb_kit::audit::Action::Read,
                &mut |n| steps = n,
            )
            .await
            .expect("report");
            assert_eq!(
                steps,
                skrb::reports::annual::SECTIONS.len(),
                "progress reaches the end"
            );
            serde_json::to_value(&r).expect("json")
        }
    };
    let (si, rs, all) = (
        read(Some("csd-velenje")).await,
        read(Some("csr-trebinje")).await,
        read(None).await,
    );
    for r in [&si, &rs, &all] {
        adds_up(r);
    }
    // The action plan, planned against done: a row per indicator of the year's plan,
    // the computed ones with what they were computed from.
    let indicators = app
        .num(&format!(
            "SELECT COUNT(*) FROM plan_indicator i JOIN plan_activity a ON a.id = i.activity_id \
             JOIN action_plan p ON p.id = a.plan_id WHERE p.year = {year} \
             AND p.centre_id = (SELECT id FROM centre WHERE code = 'csd-velenje')"
        ))
        .await;
    let plan = table(&si, "plan");
    assert!(indicators > 0, "the demo plans with indicators");
    assert_eq!(plan.len() as i64, indicators, "{plan:?}");
    assert!(
        plan.iter().any(|r| r[6]
            .as_str()
            .is_some_and(|of| of.contains('/') && r[5].is_i64())),
        "a computed indicator with its numerator and denominator: {plan:?}"
    );
    assert_eq!(
        table(&all, "plan").len() as i64,
        indicators + table(&rs, "plan").len() as i64,
        "all centres list every centre's indicators"
    );
    // All centres are the sum of the two, table by table, wherever a total is kept.
    for key in [
        "territory",
        "staff",
        "users-group",
        "files",
        "decisions",
        "payments",
        "services",
    ] {
        let (a, b, c) = (table(&si, key), table(&rs, key), table(&all, key));
        let (ta, tb, tc) = (
            a.last().expect("t"),
            b.last().expect("t"),
            c.last().expect("t"),
        );
        for i in 1..tc.len() {
            if let (Some(x), Some(y), Some(z)) = (ta[i].as_i64(), tb[i].as_i64(), tc[i].as_i64()) {
                assert_eq!(x + y, z, "{key} column {i}");
            }
        }
    }
    // The amounts paid are the exported lines' amounts, counted apart.
    let paid = app
        .num(&format!(
            "SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM payment_line l JOIN payment_run r ON r.id = l.run_id \
             WHERE l.status IN ('open', 'settled') AND r.status IN ('exported', 'settled', 'partly_returned') \
             AND l.month >= '{year}-01-01' AND l.month <= '{year}-12-31'"
        ))
        .await;
    assert!(paid > 0);
    assert_eq!(table(&all, "payments").last().expect("t")[4], paid);
    assert_eq!(table(&all, "payments-month").last().expect("t")[3], paid);
    // Staff on the year's last day: the demo's Velenje of 2014 had 69, now the current
    // staff; Trebinje's are counted in its own report.
    assert!(
        table(&si, "staff").last().expect("t")[5]
            .as_i64()
            .unwrap_or(0)
            > 40
    );

    // The command line writes each format, in the centre's language and script.
    let dir = std::env::temp_dir();
    for (format, head) in [
        ("pdf", &b"%PDF-"[..]),
        ("xlsx", &b"PK"[..]),
        ("html", &b"<!DOCTYPE html>"[..]),
        ("json", &b"{"[..]),
    ] {
        let out = dir.join(format!("skrb-report-{}-{format}", std::process::id()));
        let out_s = out.to_string_lossy().to_string();
        let (ok, stdout, stderr) = crate::harness::run_cli(
            &app.url,
            &[
                "report",
                "annual",
                "--centre",
                "csr-trebinje",
                "--from",
                &format!("{year}-01-01"),
                "--to",
                &format!("{year}-11-30"),
                "--format",
                format,
                "--out",
                &out_s,
            ],
        );
        assert!(ok, "{stdout}{stderr}");
        assert!(stdout.contains("Годишњи извјештај о раду"), "{stdout}");
        assert!(stderr.contains("report tables 18 / 18"), "{stderr}");
        let bytes = std::fs::read(&out).expect("written");
        assert!(bytes.starts_with(head), "{format}");
        if format == "xlsx" {
            xlsx_is_typed(&bytes);
        }
        if format == "html" {
            let html = String::from_utf8_lossy(&bytes);
            assert!(
                html.contains("Корисници по старости и полу")
                    && html.contains("<svg class=\"chart\"")
            );
        }
        let _ = std::fs::remove_file(&out);
    }
    let (ok, _, stderr) = crate::harness::run_cli(
        &app.url,
        &[
            "report",
            "annual",
            "--centre",
            "nowhere",
            "--out",
            "/dev/null",
        ],
    );
    assert!(!ok && stderr.contains("no centre nowhere"), "{stderr}");

    // Trebinje's statistics forms add up, and agree with the annual report: the minors'
    // and the adults' age tables together are the users of known age.
    let form = |f: &'static str| {
        let (db, cli) = (app.db.clone(), cli.clone());
        async move {
            let q = ReportQuery {
                year: Some(year.to_string()),
                centre: Some("csr-trebinje".into()),
                ..Default::default()
            };
            let r = report::statistics(
                &db,
                &db,
                &cli,
                &q,
                f,
                skrb::i18n::Locale::En,
                false,
                skrb_kit::audit::Action::Read,
            )
            .await
            .expect("form");
            serde_json::to_value(&r).expect("json")
        }
    };
    let (sz1, sz1a, sz61) = (form("sz1").await, form("sz1a").await, form("sz61").await);
    for f in [&sz1, &sz1a, &sz61] {
        adds_up(f);
    }
    let minors = table(&sz1, "age-minors").last().expect("t")[3]
        .as_i64()
        .expect("n");
    let adults = table(&sz1a, "age-adults").last().expect("t")[3]
        .as_i64()
        .expect("n");
    let users = table(&rs, "users-group");
    assert_eq!(
        minors + adults,
        row(&users, "Total")[4].as_i64().expect("n")
            - row(&users, "Age unknown")[4].as_i64().expect("n")
    );
    assert!(minors > 0 && adults > 0);
    // Placed children are counted both as a form of protection and in SZ-61.
    let fostered = row(
        &table(&sz1, "protection-minors"),
        "Placed in a foster family",
    )[3]
    .clone();
    assert_eq!(
        row(&table(&sz61, "care"), "Minors in foster families")[3],
        fostered
    );
    assert_eq!(
        table(&sz61, "staff").last().expect("t")[1],
        table(&rs, "staff").last().expect("t")[5]
    );
    // Slovenia's recipients by month: the year's column counts a person once.
    let q = ReportQuery {
        year: Some(year.to_string()),
        centre: Some("csd-velenje".into()),
        ..Default::default()
    };
    let si = report::statistics(
        &app.db,
        &app.db,
        &cli,
        &q,
        "si-rights",
        skrb::i18n::Locale::En,
        false,
        skrb_kit::audit::Action::Read,
    )
    .await
    .expect("si");
    let si = serde_json::to_value(&si).expect("json");
    let rows = table(&si, "rights-months");
    assert!(!rows.is_empty());
    for r in rows {
        let months: i64 = r[1..13].iter().map(|c| c.as_i64().unwrap_or(0)).sum();
        let year_n = r[13].as_i64().unwrap_or(0);
        assert!(year_n <= months && year_n > 0, "{r:?}");
    }
    // The command line writes a form as a workbook of its tables.
    let out = dir.join(format!("skrb-sz1-{}.xlsx", std::process::id()));
    let out_s = out.to_string_lossy().to_string();
    let y = year.to_string();
    let (ok, stdout, stderr) = crate::harness::run_cli(
        &app.url,
        &[
            "report",
            "sz1",
            "--centre",
            "csr-trebinje",
            "--year",
            &y,
            "--out",
            &out_s,
        ],
    );
    assert!(ok && stdout.contains("СЗ-1"), "{stdout}{stderr}");
    assert!(std::fs::read(&out).expect("xlsx").starts_with(b"PK"));
    let _ = std::fs::remove_file(&out);
    // The ministry's view hides small counts; the page and the downloads are there.
    app.user("min", Role::Ministry).await;
    let min = app.token("min").await;
    let r = app
        .api(
            "GET",
            &format!("/api/v1/reports/statistics?form=sz1&year={year}&centre=csr-trebinje"),
            Some(&min),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["small_hidden"], true);
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/reports/statistics?form=sz9&year={year}"),
            Some(&min),
            None
        )
        .await
        .status,
        404
    );
    let c = app.browser_login("min").await;
    let r = app
        .page(&format!("/reports/statistics?form=sz61&year={year}"), &c)
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"table-care\""), "{}", r.body);
    let r = app
        .page(
            &format!("/reports/statistics.csv?form=sz1&year={year}&table=age-minors"),
            &c,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("0-6,"), "{}", r.body);

    // The dashboard of Velenje's director: the procedures past their deadline are the
    // applications not decided whose day has passed; the ministry sees all centres
    // without the links to the work; a social worker has no dashboard.
    app.user("dir2", Role::Director).await;
    skrb::auth::users::set_centre(&app.db, "dir2", "csd-velenje")
        .await
        .expect("centre");
    app.user("sw2", Role::SocialWorker).await;
    skrb::auth::users::set_centre(&app.db, "sw2", "csd-velenje")
        .await
        .expect("centre");
    let today = time::OffsetDateTime::now_utc().date();
    let late = app
        .num(&format!(
            "SELECT COUNT(*) FROM application WHERE centre_id = (SELECT id FROM centre WHERE code = 'csd-velenje') \
             AND status IN ('received', 'incomplete', 'in_procedure') AND due_on < '{today}'"
        ))
        .await;
    let c = app.browser_login("dir2").await;
    let r = app.page("/reports/dashboard", &c).await;
    assert_eq!(r.status, 200);
    for id in [
        "d-caseloads",
        "d-procedures",
        "d-payments",
        "d-home-help",
        "d-programmes",
    ] {
        assert!(r.body.contains(&format!("id=\"{id}\"")), "{id}: {}", r.body);
    }
    assert!(r.body.contains("href=\"/procedures\""), "links to the work");
    assert!(
        r.body.contains(&format!(
            "<td>Rok je potekel</td><td class=\"num\">{late}</td>"
        )),
        "{late} late: {}",
        r.body
    );
    let c = app.browser_login("min").await;
    let r = app.page("/reports/dashboard", &c).await;
    assert_eq!(r.status, 200);
    assert!(
        !r.body.contains("href=\"/procedures\""),
        "no links for the ministry"
    );
    let c = app.browser_login("sw2").await;
    assert_eq!(app.page("/reports/dashboard", &c).await.status, 403);
}
both!(the_demos_report_adds_up_everywhere);

/// The workbook has a sheet per table (and a cover), with numbers stored as numbers.
fn xlsx_is_typed(bytes: &[u8]) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let sheets = zip
        .file_names()
        .filter(|n| {
            n.as_ref()
                .is_ok_and(|n| n.starts_with("xl/worksheets/sheet"))
        })
        .count();
    assert_eq!(sheets, skrb::reports::annual::SECTIONS.len() + 1);
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet2.xml")
        .expect("territory")
        .read_to_string(&mut xml)
        .expect("read");
    // Row 4 is Trebinje: its name a shared string, its inhabitants a number.
    assert!(xml.contains("<c r=\"A4\" t=\"s\""), "{xml}");
    assert!(xml.contains("<v>31433</v>"), "{xml}");
    assert!(!xml.contains("<c r=\"B4\" t="), "{xml}");
}

async fn a_report_reads_the_replica(app: TestApp) {
    let backend = if app.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let (_, [dir]) = app.centre("csd-v", "SI", [("dir", Role::Director)]).await;
    // The replica: another database holding the same centre, one count behind.
    let (replica, replica_url, _guard) = fresh_db(backend).await;
    for (db, n, primary) in [(&app.db, 45_000, true), (&replica, 44_000, false)] {
        skrb::sql_pool!(db, p => {
            if !primary {
                sqlx::query("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('csd-v', 'CSD csd-v', 'SI', 'EUR')").execute(p).await.expect("centre");
            }
            sqlx::query("INSERT INTO municipality (centre_id, code, name) VALUES (1, '133', 'Velenje')").execute(p).await.expect("m");
            sqlx::query(&format!("INSERT INTO population (municipality_id, on_date, inhabitants) VALUES (1, '2014-01-01', {n})")).execute(p).await.expect("p");
        });
    }
    let app = app.with_reports(replica.clone());
    let r = app
        .api("GET", "/api/v1/reports/annual?year=2014", Some(&dir), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        row(&table(&r.json(), "territory"), "Velenje")[1],
        44_000,
        "read from the replica"
    );
    // The reading is recorded on the primary; the replica is only read.
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE entity = 'annual_report'")
            .await,
        1
    );
    let on_replica: i64 = skrb::sql_pool!(&replica, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'annual_report'").fetch_one(p).await.expect("count"));
    assert_eq!(on_replica, 0);
    // The command line reads the replica given by its own setting.
    let out = std::env::temp_dir().join(format!("skrb-replica-{}.json", std::process::id()));
    let out_s = out.to_string_lossy().to_string();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_skrb"))
        .args([
            "report", "annual", "--centre", "csd-v", "--year", "2014", "--format", "json", "--out",
            &out_s,
        ])
        .env("SKRB_DATABASE_URL", &app.url)
        .env("SKRB_REPORT_DATABASE_URL", &replica_url)
        .env_remove("SKRB_CONFIG")
        .output()
        .expect("run");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let json: Value = serde_json::from_slice(&std::fs::read(&out).expect("out")).expect("json");
    assert_eq!(row(&table(&json, "territory"), "Velenje")[1], 44_000);
    let _ = std::fs::remove_file(&out);
}
both!(a_report_reads_the_replica);

async fn sections_are_versioned_and_a_publication_stays_as_it_was(app: TestApp) {
    let (_, [dir, head, sw]) = app
        .centre(
            "csd-v",
            "SI",
            [
                ("dir", Role::Director),
                ("head", Role::HeadOfUnit),
                ("sw", Role::SocialWorker),
            ],
        )
        .await;
    let (_, [other]) = app.centre("csd-x", "SI", [("dir", Role::Director)]).await;
    app.user("min", Role::Ministry).await;
    let min = app.token("min").await;
    worked_example(&app, "csd-v").await;
    let save = |t: String, key: &'static str, body: Value| {
        let app = &app;
        async move {
            app.api(
                "POST",
                &format!("/api/v1/reports/sections/{key}"),
                Some(&t),
                Some(body),
            )
            .await
        }
    };
    // The director writes the introduction; the head, who read version 1, changes it;
    // the director's second change, still on version 1, is refused.
    let r = save(
        dir.clone(),
        "intro",
        serde_json::json!({"year": "2014", "body": "Center pokriva tri občine.", "version": 0}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["version"], 1);
    let r = save(head.clone(), "intro", serde_json::json!({"year": "2014", "body": "Center pokriva tri občine s 45.000 prebivalci.", "version": 1})).await;
    assert_eq!(r.json()["version"], 2);
    let r = save(
        dir.clone(),
        "intro",
        serde_json::json!({"year": "2014", "body": "Drugače.", "version": 1}),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    // The same text again is no new version; an unknown section is none; too long is refused.
    let r = save(head.clone(), "intro", serde_json::json!({"year": "2014", "body": "Center pokriva tri občine s 45.000 prebivalci.", "version": 2})).await;
    assert_eq!(r.json()["version"], 2);
    assert_eq!(
        save(
            dir.clone(),
            "nothing",
            serde_json::json!({"year": "2014", "body": "x"})
        )
        .await
        .status,
        404
    );
    let r = save(
        dir.clone(),
        "plan",
        serde_json::json!({"year": "2014", "body": "x".repeat(20_001)}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM report_section_version").await,
        2
    );
    // Nobody without the permission writes; another centre writes only its own report.
    assert_eq!(
        save(
            sw.clone(),
            "intro",
            serde_json::json!({"year": "2014", "body": "x"})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        save(
            min.clone(),
            "intro",
            serde_json::json!({"year": "2014", "body": "x"})
        )
        .await
        .status,
        403
    );
    let r = save(
        other.clone(),
        "intro",
        serde_json::json!({"year": "2014", "body": "Naš center."}),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = app
        .api("GET", "/api/v1/reports/annual?year=2014", Some(&dir), None)
        .await;
    let intro = r.json()["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["key"] == "intro")
        .cloned()
        .expect("intro");
    assert_eq!(
        intro["body"],
        "Center pokriva tri občine s 45.000 prebivalci."
    );
    assert_eq!(intro["version"], 2);

    // The browser's autosave: the words to show and the new version, or the conflict.
    let c = app.browser_login("dir_csd-v").await;
    let r = app
        .form(
            "/reports/sections/staff?year=2014",
            &c,
            &[
                ("body", "Sistemizacija: 51 delovnih mest."),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-version"), "1");
    assert!(r.body.contains("različica 1"), "{}", r.body);
    let r = app
        .form(
            "/reports/sections/staff?year=2014",
            &c,
            &[("body", "Drugače."), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM report_section WHERE key = 'staff' AND body = 'Sistemizacija: 51 delovnih mest.' AND version = 1").await,
        1,
        "nothing overwritten"
    );
    let r = app.page("/reports?year=2014", &c).await;
    assert!(
        r.body.contains("id=\"f-s-intro\"") && r.body.contains("data-version=\"2\""),
        "{}",
        r.body
    );

    // Published: small counts hidden, the words in, a fingerprint kept.
    let r = app.form("/reports/publish", &c, &[("year", "2014")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let first = app.num("SELECT MAX(id) FROM report_publication").await;
    assert_eq!(r.header("location"), format!("/reports/published/{first}"));
    let r = app.page(&format!("/reports/published/{first}"), &c).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Sistemizacija: 51 delovnih mest.") && r.body.contains("SHA-256"),
        "{}",
        r.body
    );
    let p = app
        .api(
            "GET",
            &format!("/api/v1/reports/publications/{first}"),
            Some(&dir),
            None,
        )
        .await
        .json();
    assert_eq!(p["publication"]["number"], 1);
    assert_eq!(p["report"]["small_hidden"], true);
    assert_eq!(
        row(&table(&p["report"], "users-group"), "Otroci in mladostniki")[4],
        "hidden"
    );
    let sha = p["publication"]["sha256"]
        .as_str()
        .expect("sha")
        .to_string();
    assert_eq!(sha.len(), 64);
    // Later data does not move it; publishing again is the next version, which does.
    app.exec("UPDATE staff_member SET ends_on = '2014-06-30' WHERE name = 'employee 0' AND funding = 'state'").await;
    let p = app
        .api(
            "GET",
            &format!("/api/v1/reports/publications/{first}"),
            Some(&dir),
            None,
        )
        .await
        .json();
    assert_eq!(row(&table(&p["report"], "staff"), "Zaposleni")[5], 51);
    let r = app
        .api(
            "POST",
            "/api/v1/reports/publish",
            Some(&head),
            Some(serde_json::json!({"year": "2014"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["number"], 2);
    assert_ne!(r.json()["sha256"], sha);
    let second = r.json()["id"].as_i64().expect("id");
    let p = app
        .api(
            "GET",
            &format!("/api/v1/reports/publications/{second}"),
            Some(&dir),
            None,
        )
        .await
        .json();
    assert_eq!(row(&table(&p["report"], "staff"), "Zaposleni")[5], 50);
    // Its PDF and workbook; the ministry reads it, another centre does not.
    let r = app
        .page(&format!("/reports/published/{first}/report.pdf"), &c)
        .await;
    assert!(r.status == 200 && r.body.starts_with("%PDF-"));
    assert!(r
        .header("content-disposition")
        .contains("annual-report-csd-v-2014-v1.pdf"));
    let r = app
        .page(&format!("/reports/published/{first}/report.xlsx"), &c)
        .await;
    assert!(r.status == 200 && r.body.starts_with("PK"));
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/reports/publications/{first}"),
            Some(&min),
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/reports/publications/{first}"),
            Some(&other),
            None
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/reports/publish",
            Some(&min),
            Some(serde_json::json!({"year": "2014"}))
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.num(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'publish' AND entity = 'annual_report'"
        )
        .await,
        2
    );
    // A snapshot changed behind Skrb's back no longer matches its fingerprint: refused.
    app.exec(&format!("UPDATE report_publication SET snapshot = REPLACE(snapshot, 'Sistemizacija', 'Izmišljeno') WHERE id = {first}")).await;
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/reports/publications/{first}"),
            Some(&dir),
            None
        )
        .await
        .status,
        500
    );
}
both!(sections_are_versioned_and_a_publication_stays_as_it_was);
