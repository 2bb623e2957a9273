//! The centre's year: staff and the head count on a day (and the caseload norm that
//! follows a worker's hours), the action plan with a computed indicator that moves with
//! the case files and an entered one that moves only with approved updates, the round
//! table from invitations through one-time answers, the partner portal, proposals taken
//! into the next plan, to the summary PDF and the public page; and who must not see it.
//! Every scenario on both databases.

use serde_json::{json, Value};
use skrb::auth::Role;

use crate::both;
use crate::harness::{fields, TestApp};

struct Centre {
    id: i64,
    code: String,
    sw: String,
    head: String,
    dir: String,
}

async fn centre(app: &TestApp, code: &str, j: &str) -> Centre {
    let (id, [sw, head, dir]) = app
        .centre(
            code,
            j,
            [
                ("sw", Role::SocialWorker),
                ("head", Role::HeadOfUnit),
                ("dir", Role::Director),
            ],
        )
        .await;
    app.exec(&format!(
        "INSERT INTO municipality (centre_id, code, name) VALUES ({id}, '{code}1', 'Občina {code}')"
    ))
    .await;
    Centre {
        id,
        code: code.to_string(),
        sw,
        head,
        dir,
    }
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

async fn get(app: &TestApp, t: &str, path: &str) -> crate::harness::Res {
    app.api("GET", path, Some(t), None).await
}

fn staff(name: &str, kind: &str, funding: &str, hours: &str, from: &str, to: &str) -> Value {
    json!({"name": name, "kind": kind, "funding": funding, "job": "Strokovna delavka", "hours_week": hours,
        "starts_on": from, "ends_on": to})
}

async fn staff_head_count_and_the_caseload_norm(app: TestApp) {
    let c = centre(&app, "vel", "SI").await;
    for (name, kind, funding, hours, from, to) in [
        ("Ana", "employee", "state", "40", "2010-01-01", ""),
        (
            "Bojan",
            "employee",
            "state",
            "40",
            "2010-01-01",
            "2014-06-30",
        ),
        ("Cvetka", "employee", "municipality", "40", "2012-01-01", ""),
        ("Darko", "intern", "esf", "40", "2014-02-01", "2015-01-31"),
        ("Eva", "informator", "esf", "20", "2014-02-01", "2015-01-31"),
        (
            "Franc",
            "public_works",
            "municipality",
            "40",
            "2014-01-01",
            "2014-12-31",
        ),
        ("Gal", "employee", "state", "40", "2015-03-01", ""),
    ] {
        let r = post(
            &app,
            &c.head,
            "/api/v1/year/staff",
            staff(name, kind, funding, hours, from, to),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let h = get(&app, &c.head, "/api/v1/year/headcount?on=2014-12-31")
        .await
        .json();
    assert_eq!(h["total"], 5, "{h}");
    assert_eq!(h["by_kind"]["employee"], 2);
    assert_eq!(h["by_kind"]["intern"], 1);
    assert_eq!(h["by_funding"]["esf"], 2);
    assert_eq!(
        h["rows"][0]["kind"], "employee",
        "the report's order: employees first"
    );
    // 180 hours a week are 4.5 full-time posts.
    assert_eq!(h["fte"], 450);
    let h = get(&app, &c.head, "/api/v1/year/headcount?on=2015-06-01")
        .await
        .json();
    assert_eq!(h["total"], 3, "the year's contracts ended, Gal came: {h}");
    // Bad input changes nothing and says which field.
    for (body, field) in [
        (staff("X", "boss", "state", "40", "2015-01-01", ""), "kind"),
        (
            staff("X", "employee", "state", "0", "2015-01-01", ""),
            "hours_week",
        ),
        (
            staff("X", "employee", "state", "70", "2015-01-01", ""),
            "hours_week",
        ),
        (
            staff("X", "employee", "state", "40", "2015-01-01", "2014-01-01"),
            "ends_on",
        ),
        (
            staff("", "employee", "state", "40", "2015-01-01", ""),
            "name",
        ),
    ] {
        let r = post(&app, &c.head, "/api/v1/year/staff", body).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(fields(&r), [field]);
    }
    assert_eq!(app.num("SELECT COUNT(*) FROM staff_member").await, 7);
    assert_eq!(
        get(&app, &c.head, "/api/v1/year/headcount?on=2014-13-01")
            .await
            .status,
        422
    );

    // The social worker works 20 hours a week: her yearly norm is half the centre's.
    let sw_id = app
        .num("SELECT id FROM app_user WHERE username = 'sw_vel'")
        .await;
    let mut body = staff("Sonja", "employee", "state", "20", "2020-01-01", "");
    body["user_id"] = json!(sw_id.to_string());
    let r = post(&app, &c.head, "/api/v1/year/staff", body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let sonja = r.json()["id"].as_i64().expect("id");
    let loads = get(&app, &c.head, "/api/v1/caseloads").await.json();
    let row = loads
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["user_id"] == sw_id)
        .cloned()
        .expect("the worker's row");
    assert_eq!(row["worker_hours"], 750, "{row}");
    // Two changes read at the same version: the second is a conflict, not an overwrite.
    body["hours_week"] = json!("30");
    body["version"] = json!("1");
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/staff/{sonja}"),
        body.clone(),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    body["hours_week"] = json!("10");
    let r = post(&app, &c.head, &format!("/api/v1/year/staff/{sonja}"), body).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        app.num(&format!(
            "SELECT hours_week FROM staff_member WHERE id = {sonja}"
        ))
        .await,
        30
    );

    // Working groups with the centre's members and their periods.
    let r = post(&app, &c.head, "/api/v1/year/groups", json!({"name": "Delovna skupina za starejše", "convened_by": "Mestna občina", "starts_on": "2013-01-15"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let group = r.json()["id"].as_i64().expect("group");
    let member = json!({"staff_id": sonja.to_string(), "role": "chair", "starts_on": "2013-01-15"});
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/groups/{group}/members"),
        member.clone(),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/groups/{group}/members"),
        member.clone(),
    )
    .await;
    assert_eq!(fields(&r), ["staff_id"], "a member once");
    let g = get(&app, &c.sw, "/api/v1/year/groups").await.json();
    assert_eq!(g[0]["members"][0]["name"], "Sonja", "{g}");
    assert_eq!(g[0]["members"][0]["role"], "chair");

    // Who must not: a social worker reads but does not keep; another centre, a partner,
    // the ministry see nothing.
    assert_eq!(get(&app, &c.sw, "/api/v1/year/staff").await.status, 200);
    let r = post(
        &app,
        &c.sw,
        "/api/v1/year/staff",
        staff("Y", "employee", "state", "40", "2015-01-01", ""),
    )
    .await;
    assert_eq!(r.status, 403);
    let other = centre(&app, "oth", "SI").await;
    assert_eq!(
        get(&app, &other.head, "/api/v1/year/headcount?on=2014-12-31")
            .await
            .json()["total"],
        0
    );
    let r = post(
        &app,
        &other.head,
        &format!("/api/v1/year/groups/{group}/members"),
        member,
    )
    .await;
    assert_eq!(r.status, 403, "another centre's group: {}", r.body);
    let r = post(
        &app,
        &other.head,
        &format!("/api/v1/year/staff/{sonja}"),
        staff("Z", "employee", "state", "40", "2015-01-01", ""),
    )
    .await;
    assert_eq!(r.status, 403, "another centre's record: {}", r.body);
    app.user("min", Role::Ministry).await;
    let min = app.token("min").await;
    assert_eq!(get(&app, &min, "/api/v1/year/staff").await.status, 403);
    app.user("school", Role::Partner).await;
    let school = app.token("school").await;
    assert_eq!(
        get(&app, &school, "/api/v1/year/headcount").await.status,
        403
    );
    assert!(c.id > 0 && !c.code.is_empty() && !c.dir.is_empty());
}
both!(staff_head_count_and_the_caseload_norm);

async fn a_plan_with_computed_and_entered_indicators(app: TestApp) {
    let c = centre(&app, "vel", "SI").await;
    // The centre's today (Ljubljana), not UTC's: they differ after 23:00 UTC.
    let today = skrb_kit::clock::Zone::default().date_of(time::OffsetDateTime::now_utc());
    let year = today.year();
    // A strategy with a goal and its measure (numbered as the strategy numbers them).
    let r = post(&app, &c.head, "/api/v1/year/strategies", json!({"owner": "municipality", "name": "Strategija 2014-2020", "from_year": "2014", "to_year": "2020"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let strategy = r.json()["id"].as_i64().expect("strategy");
    let r = post(
        &app,
        &c.head,
        "/api/v1/year/strategies",
        json!({"owner": "nobody", "name": "X", "from_year": "2020", "to_year": "2014"}),
    )
    .await;
    assert_eq!(fields(&r), ["owner", "to_year"]);
    let goal = post(
        &app,
        &c.head,
        &format!("/api/v1/year/strategies/{strategy}/items"),
        json!({"code": "1", "title": "Vključenost starejših"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("goal");
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/strategies/{strategy}/items"),
        json!({"goal_id": goal.to_string(), "code": "1.1", "title": "Pomoč na domu"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/strategies/{strategy}/items"),
        json!({"goal_id": goal.to_string(), "code": "1.1", "title": "Spet"}),
    )
    .await;
    assert_eq!(fields(&r), ["code"], "a number once");
    let st = get(&app, &c.sw, &format!("/api/v1/year/strategies/{strategy}"))
        .await
        .json();
    assert_eq!(st["goals"][0]["measures"][0]["code"], "1.1", "{st}");
    let r = post(
        &app,
        &c.head,
        "/api/v1/year/plans",
        json!({"year": year.to_string(), "title": "Akcijski načrt"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let plan = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &c.head,
        "/api/v1/year/plans",
        json!({"year": year.to_string(), "title": "Še en"}),
    )
    .await;
    assert_eq!(fields(&r), ["year"], "one plan a year");
    let r = post(
        &app,
        &c.head,
        "/api/v1/year/plans",
        json!({"year": "1999", "title": "Star"}),
    )
    .await;
    assert_eq!(fields(&r), ["year"]);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/plans/{plan}/activities"),
        json!({"title": "Spisi brez zamud", "due_on": format!("{year}-12-31")}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let files = r.json()["id"].as_i64().expect("id");
    let r = post(&app, &c.head, &format!("/api/v1/year/activities/{files}/indicators"), json!({"name": "Spisi brez zapadle naloge", "measure": "files_without_overdue", "baseline": "80", "target": "101"})).await;
    assert_eq!(fields(&r), ["target"], "a share is at most 100 %");
    let r = post(&app, &c.head, &format!("/api/v1/year/activities/{files}/indicators"), json!({"name": "Spisi brez zapadle naloge", "measure": "files_without_overdue", "baseline": "80", "target": "90,5"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/plans/{plan}/activities"),
        json!({"title": "Delavnice za starše", "due_on": format!("{year}-11-30")}),
    )
    .await;
    let workshops = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}/indicators"),
        json!({"name": "Delavnice", "baseline": "4", "target": "12"}),
    )
    .await;
    assert_eq!(fields(&r), ["unit"], "an entered indicator has a unit");
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}/indicators"),
        json!({"name": "Delavnice", "unit": "delavnic", "baseline": "4", "target": "12"}),
    )
    .await;
    let entered = r.json()["id"].as_i64().expect("id");

    // The computed indicator follows the case files: two open, one with an overdue task.
    let person = post(
        &app,
        &c.sw,
        "/api/v1/persons",
        json!({"given_name": "Ana", "family_name": "Kos", "birth_date": "1980-01-01"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("person");
    let ty = app
        .num("SELECT id FROM case_type WHERE jurisdiction = 'SI' AND code = 'material_help'")
        .await;
    let mut opened = Vec::new();
    for _ in 0..2 {
        let r = post(
            &app,
            &c.sw,
            "/api/v1/cases",
            json!({"person_id": person, "type_id": ty}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        opened.push(r.json()["id"].as_i64().expect("file"));
    }
    let yesterday = today - time::Duration::days(1);
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/cases/{}/tasks", opened[0]),
        json!({"title": "Obisk na domu", "due_on": today.to_string()}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let task = r.json()["id"].as_i64().expect("task");
    // A day passes.
    app.exec(&format!(
        "UPDATE task SET due_on = '{yesterday}' WHERE id = {task}"
    ))
    .await;
    let f = get(&app, &c.sw, &format!("/api/v1/year/plans/{plan}"))
        .await
        .json();
    let a = f["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .find(|a| a["id"] == files)
        .cloned()
        .expect("activity");
    let i = &a["indicators"][0];
    assert_eq!(i["ratio"]["numerator"], 1, "{i}");
    assert_eq!(i["ratio"]["denominator"], 2);
    assert_eq!(i["actual"], 500);
    assert_eq!(i["target"], 905);
    assert_eq!(i["met"], false);
    // The overdue task done: both files are without one.
    let r = post(
        &app,
        &c.sw,
        &format!("/api/v1/tasks/{task}/done"),
        json!({}),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.body);
    let f = get(&app, &c.sw, &format!("/api/v1/year/plans/{plan}"))
        .await
        .json();
    let a = f["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .find(|a| a["id"] == files)
        .cloned()
        .expect("activity");
    assert_eq!(a["indicators"][0]["actual"], 1000);

    // An entered value counts once approved, from its day on; sent twice, it is one update.
    let as_of = today.to_string();
    let body = json!({"as_of": as_of, "reported": "started", "indicator_id": entered.to_string(), "value": "7", "form_key": "k-1"});
    let first = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}/updates"),
        body.clone(),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}/updates"),
        body,
    )
    .await;
    assert_eq!(
        first.json()["id"],
        again.json()["id"],
        "the same form is one update"
    );
    let update = first.json()["id"].as_i64().expect("update");
    for (body, field) in [
        (
            json!({"as_of": as_of, "indicator_id": entered.to_string(), "value": "sedem"}),
            "value",
        ),
        (json!({"as_of": as_of}), "reported"),
        (json!({"as_of": "2999-01-01", "reported": "done"}), "as_of"),
    ] {
        let r = post(
            &app,
            &c.head,
            &format!("/api/v1/year/activities/{workshops}/updates"),
            body,
        )
        .await;
        assert_eq!(fields(&r), [field], "{}", r.body);
    }
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{files}/updates"),
        json!({"as_of": as_of, "indicator_id": entered.to_string(), "value": "3"}),
    )
    .await;
    assert_eq!(
        fields(&r),
        ["indicator_id"],
        "not this activity's indicator"
    );
    let actual = |f: &Value| {
        f["activities"]
            .as_array()
            .expect("activities")
            .iter()
            .find(|a| a["id"] == workshops)
            .map(|a| (a["status"].clone(), a["indicators"][0]["actual"].clone()))
    };
    let f = get(&app, &c.sw, &format!("/api/v1/year/plans/{plan}"))
        .await
        .json();
    assert_eq!(
        actual(&f),
        Some((json!("planned"), Value::Null)),
        "not approved yet"
    );
    assert_eq!(f["waiting"], 1);
    // The head cannot approve (no permission); the director cannot approve his own.
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/updates/{update}/review"),
        json!({"decision": "approved"}),
    )
    .await;
    assert_eq!(r.status, 403);
    let own = post(
        &app,
        &c.dir,
        &format!("/api/v1/year/activities/{workshops}/updates"),
        json!({"as_of": as_of, "reported": "done"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("own");
    let r = post(
        &app,
        &c.dir,
        &format!("/api/v1/year/updates/{own}/review"),
        json!({"decision": "approved"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post(
        &app,
        &c.dir,
        &format!("/api/v1/year/updates/{update}/review"),
        json!({"decision": "returned"}),
    )
    .await;
    assert_eq!(fields(&r), ["comment"], "sent back with a comment");
    let r = post(
        &app,
        &c.dir,
        &format!("/api/v1/year/updates/{update}/review"),
        json!({"decision": "approved", "version": "1"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.dir,
        &format!("/api/v1/year/updates/{update}/review"),
        json!({"decision": "returned", "comment": "x"}),
    )
    .await;
    assert_eq!(fields(&r), ["decision"], "reviewed once");
    let f = get(&app, &c.sw, &format!("/api/v1/year/plans/{plan}"))
        .await
        .json();
    assert_eq!(actual(&f), Some((json!("started"), json!(7))));
    // The deadline moved: changed once; a second change from the same reading is a
    // conflict.
    let version = get(&app, &c.sw, &format!("/api/v1/year/activities/{workshops}"))
        .await
        .json()["activity"]["version"]
        .to_string();
    let change = json!({"title": "Delavnice za starše", "due_on": format!("{year}-12-15"), "version": version});
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}"),
        change.clone(),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}"),
        change,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = post(
        &app,
        &c.head,
        &format!("/api/v1/year/activities/{workshops}"),
        json!({"title": "Spisi brez zamud", "due_on": format!("{year}-12-15")}),
    )
    .await;
    assert_eq!(fields(&r), ["title"], "another activity's title");
    let a = get(&app, &c.sw, &format!("/api/v1/year/activities/{workshops}"))
        .await
        .json();
    assert_eq!(a["activity"]["due_on"], format!("{year}-12-15"));
    assert_eq!(a["updates"].as_array().map(Vec::len), Some(2), "{a}");
    assert_eq!(
        a["updates"][1]["state"], "approved",
        "newest first: the director's own waits"
    );
    // The plan against what was done a day before the update: nothing yet.
    let f = get(
        &app,
        &c.sw,
        &format!("/api/v1/year/plans/{plan}?on={yesterday}"),
    )
    .await
    .json();
    assert_eq!(actual(&f), Some((json!("planned"), Value::Null)));
    assert_eq!(
        get(
            &app,
            &c.sw,
            &format!("/api/v1/year/plans/{plan}?on=yesterday")
        )
        .await
        .status,
        422
    );

    // Another centre's director neither reads nor reviews; the ministry does not read.
    let other = centre(&app, "oth", "SI").await;
    assert_eq!(
        get(&app, &other.dir, &format!("/api/v1/year/plans/{plan}"))
            .await
            .status,
        403
    );
    let r = post(
        &app,
        &other.dir,
        &format!("/api/v1/year/updates/{own}/review"),
        json!({"decision": "approved"}),
    )
    .await;
    assert_eq!(r.status, 403);
    app.user("min", Role::Ministry).await;
    let min = app.token("min").await;
    assert_eq!(
        get(&app, &min, &format!("/api/v1/year/plans/{plan}"))
            .await
            .status,
        403
    );
}
both!(a_plan_with_computed_and_entered_indicators);

async fn a_round_table_from_invitations_to_the_public_page(app: TestApp) {
    let c = centre(&app, "trb", "RS").await;
    let mut partners = Vec::new();
    for (name, kind) in [
        ("Градска управа", "city"),
        ("Дом здравља", "health"),
        ("Црвени крст", "ngo"),
    ] {
        let r = post(
            &app,
            &c.head,
            "/api/v1/partners",
            json!({"name": name, "kind": kind}),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        partners.push(r.json()["id"].as_i64().expect("partner"));
    }
    let head = app.browser_login("head_trb").await;
    let r = app
        .form(
            "/year/round-tables",
            &head,
            &[
                ("title", "Округли сто 2016"),
                ("held_on", "2016-11-30"),
                ("place", "Сала Скупштине"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let rt = app.num("SELECT MAX(id) FROM round_table").await;
    let ids: Vec<String> = partners.iter().map(|p| p.to_string()).collect();
    let fields_: Vec<(&str, &str)> = ids.iter().map(|p| ("partner_id", p.as_str())).collect();
    let r = app
        .form(&format!("/year/round-tables/{rt}/invites"), &head, &fields_)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Inviting again adds nobody twice.
    app.form(&format!("/year/round-tables/{rt}/invites"), &head, &fields_)
        .await;
    assert_eq!(app.num("SELECT COUNT(*) FROM round_table_invite").await, 3);
    let mut invites = Vec::new();
    for p in &partners {
        invites.push(
            app.num(&format!(
                "SELECT id FROM round_table_invite WHERE partner_id = {p}"
            ))
            .await,
        );
    }
    let (city, health, red_cross) = (invites[0], invites[1], invites[2]);
    for (inv, name) in [(city, "Марко"), (city, "Ана"), (health, "Јован")] {
        let r = app
            .form(
                &format!("/year/round-tables/{rt}/attendees"),
                &head,
                &[("invite_id", &inv.to_string()), ("name", name)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let r = app
        .form(
            &format!("/year/round-tables/{rt}/attendees"),
            &head,
            &[("invite_id", &city.to_string()), ("name", "Марко")],
        )
        .await;
    assert_eq!(r.status, 422, "the same representative twice");
    let f = get(&app, &c.head, &format!("/api/v1/year/round-tables/{rt}"))
        .await
        .json();
    assert_eq!(f["round_table"]["representatives"], 3, "{f}");
    assert_eq!(f["round_table"]["organisations"], 2);
    assert_eq!(f["round_table"]["invited"], 3);

    // The city answers by its one-time link, without signing in; once.
    let token: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!(
        "SELECT token FROM round_table_invite WHERE id = {city}")).fetch_one(p).await.expect("token"));
    let pre = app.pre_cookie().await;
    let page = app.page(&format!("/feedback/{token}"), &pre).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Градска управа"),
        "the organisation is named"
    );
    assert_eq!(app.page("/feedback/abc", &pre).await.status, 404);
    let answer = [
        ("cooperation", "5"),
        ("responsiveness", "4"),
        ("professional", "5"),
        ("coordination", "3"),
        ("comment", "Добра сарадња."),
        ("proposal", "Заједничке радионице у школама"),
    ];
    let r = app
        .form(&format!("/feedback/{token}"), &pre, &[("cooperation", "6")])
        .await;
    assert_eq!(r.status, 422, "a mark off the scale");
    let r = app.form(&format!("/feedback/{token}"), &pre, &answer).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("id=\"thanks\""));
    let r = app.form(&format!("/feedback/{token}"), &pre, &answer).await;
    assert_eq!(r.status, 422, "answered once");
    assert_eq!(app.num("SELECT COUNT(*) FROM round_table_answer").await, 1);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM round_table_proposal").await,
        1
    );

    // The Red Cross's user answers through the partner portal; the health centre's
    // invitation is not theirs.
    app.user("rk", Role::Partner).await;
    app.exec(&format!(
        "UPDATE app_user SET partner_id = {} WHERE username = 'rk'",
        partners[2]
    ))
    .await;
    let rk = app.browser_login("rk").await;
    let list = app.page("/portal/round-tables", &rk).await;
    assert!(
        list.body
            .contains(&format!("/portal/round-tables/{red_cross}")),
        "{}",
        list.body
    );
    assert_eq!(
        app.page(&format!("/portal/round-tables/{health}"), &rk)
            .await
            .status,
        404
    );
    let r = app
        .form(&format!("/portal/round-tables/{health}"), &rk, &answer)
        .await;
    assert_eq!(r.status, 404, "another organisation's questionnaire");
    let r = app
        .form(
            &format!("/portal/round-tables/{red_cross}"),
            &rk,
            &[("cooperation", "4"), ("responsiveness", "4")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let f = get(&app, &c.head, &format!("/api/v1/year/round-tables/{rt}"))
        .await
        .json();
    assert_eq!(f["round_table"]["answers"], 2);
    assert_eq!(f["results"][0]["question"], "cooperation");
    assert_eq!(f["results"][0]["average"], 450, "{f}");
    assert_eq!(
        f["results"][2]["answers"], 1,
        "a question left out is not counted"
    );
    assert_eq!(f["comments"][0], "Добра сарадња.");

    // Proposals: accepted into the next plan (which must exist), linked both ways.
    let proposal = f["proposals"][0]["id"].as_i64().expect("proposal");
    let path = format!("/api/v1/year/round-tables/{rt}/proposals/{proposal}");
    let r = post(
        &app,
        &c.head,
        &path,
        json!({"outcome": "accepted", "due_on": "2017-06-30"}),
    )
    .await;
    assert_eq!(fields(&r), ["outcome"], "no 2017 plan yet: {}", r.body);
    let r = post(
        &app,
        &c.head,
        "/api/v1/year/plans",
        json!({"year": "2017", "title": "План 2017"}),
    )
    .await;
    let next = r.json()["id"].as_i64().expect("plan");
    let r = post(
        &app,
        &c.sw,
        &path,
        json!({"outcome": "accepted", "due_on": "2017-06-30"}),
    )
    .await;
    assert_eq!(r.status, 403, "a social worker does not decide");
    let r = post(&app, &c.head, &path, json!({"outcome": "answered"})).await;
    assert_eq!(fields(&r), ["answer"], "a reason is needed");
    let r = post(
        &app,
        &c.head,
        &path,
        json!({"outcome": "accepted", "due_on": "2017-06-30", "version": "1"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let activity = r.json()["activity_id"].as_i64().expect("activity");
    let r = post(
        &app,
        &c.head,
        &path,
        json!({"outcome": "answered", "answer": "Не."}),
    )
    .await;
    assert_eq!(fields(&r), ["outcome"], "decided once");
    let p = get(&app, &c.head, &format!("/api/v1/year/plans/{next}"))
        .await
        .json();
    assert_eq!(p["activities"][0]["id"], activity);
    assert_eq!(p["activities"][0]["proposal_id"], proposal);
    assert_eq!(
        p["activities"][0]["title"],
        "Заједничке радионице у школама"
    );

    // The summary prints; published, it is news on the public page, which needs no sign-in.
    let pdf = app
        .page(&format!("/year/round-tables/{rt}/summary.pdf"), &head)
        .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF"), "a PDF");
    let r = app
        .form(&format!("/year/round-tables/{rt}/publish"), &head, &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app
        .form(&format!("/year/round-tables/{rt}/publish"), &head, &[])
        .await;
    assert_eq!(r.status, 422, "published once");
    let r = app
        .form(
            "/year/public",
            &head,
            &[
                ("office_hours", "понедјељак–петак 7:00–15:00"),
                ("email", "нема"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = app
        .form(
            "/year/public",
            &head,
            &[
                ("office_hours", "понедјељак–петак 7:00–15:00"),
                ("email", "info@csr.org"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let public = app
        .api("GET", "/api/v1/public/centres/trb?lang=sr-Cyrl", None, None)
        .await;
    assert_eq!(public.status, 200, "{}", public.body);
    let public = public.json();
    assert_eq!(public["office_hours"], "понедјељак–петак 7:00–15:00");
    assert_eq!(public["news"][0]["title"], "Округли сто 2016");
    assert!(
        public["news"][0]["body"]
            .as_str()
            .unwrap_or("")
            .contains("3 представника 2 организација"),
        "{public}"
    );
    assert!(
        !public["rights"].as_array().expect("rights").is_empty(),
        "the catalogue's rights"
    );
    // In the reader's language and script: the catalogue's names in Latin for sr-Latn.
    let latin = app
        .api("GET", "/api/v1/public/centres/trb?lang=sr-Latn", None, None)
        .await
        .json();
    let names: Vec<String> = latin["rights"]
        .as_array()
        .expect("rights")
        .iter()
        .filter_map(|r| r["name"].as_str().map(String::from))
        .collect();
    assert!(
        !names.is_empty()
            && names
                .iter()
                .all(|n| !n.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))),
        "{names:?}"
    );
    let html = app.page("/centres/trb", "").await;
    assert_eq!(html.status, 200);
    assert!(html.body.contains("понедјељак–петак 7:00–15:00"));
    assert_eq!(app.page("/centres/nobody", "").await.status, 404);

    // An anonymous round table: the answer and its proposal keep no trace of who gave them.
    let r = app
        .form(
            "/year/round-tables",
            &head,
            &[
                ("title", "Анонимна анкета"),
                ("held_on", "2017-11-30"),
                ("place", "Центар"),
                ("anonymous", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let anon = app.num("SELECT MAX(id) FROM round_table").await;
    app.form(
        &format!("/year/round-tables/{anon}/invites"),
        &head,
        &[("partner_id", &partners[1].to_string())],
    )
    .await;
    let token: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(&format!(
        "SELECT token FROM round_table_invite WHERE round_table_id = {anon}")).fetch_one(p).await.expect("token"));
    let r = app
        .form(
            &format!("/feedback/{token}"),
            &pre,
            &[("cooperation", "2"), ("proposal", "Више теренског рада")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.num(&format!("SELECT COUNT(*) FROM round_table_answer WHERE round_table_id = {anon} AND invite_id IS NULL")).await, 1);
    let f = get(&app, &c.head, &format!("/api/v1/year/round-tables/{anon}"))
        .await
        .json();
    assert_eq!(f["proposals"][0]["partner"], Value::Null, "{f}");
    assert_eq!(f["proposals"][0]["from_answer"], true);
    assert_eq!(
        f["invites"][0]["answered"], true,
        "the invitation is used up all the same"
    );

    // Who must not: another centre, the ministry, the partner on the centre's pages.
    let other = centre(&app, "oth", "SI").await;
    assert_eq!(
        get(&app, &other.dir, &format!("/api/v1/year/round-tables/{rt}"))
            .await
            .status,
        403
    );
    app.user("min", Role::Ministry).await;
    let min = app.token("min").await;
    assert_eq!(
        get(&app, &min, &format!("/api/v1/year/round-tables/{rt}"))
            .await
            .status,
        403
    );
    assert_eq!(
        app.page(&format!("/year/round-tables/{rt}"), &rk)
            .await
            .status,
        403
    );
    assert!(c.id > 0 && !c.dir.is_empty() && !c.code.is_empty());
}
both!(a_round_table_from_invitations_to_the_public_page);
