//! Case work: intake to a closed file, bad input, transfers, attachments, restricted
//! violence files, partners and referrals, my work and caseloads, the file list.

use serde_json::{json, Value};
use skrb::auth::Role;

use crate::both;
use crate::harness::{csrf_for, fields, TestApp};

/// A centre with two units, and staff in it.
struct Centre {
    centre: i64,
    units: (i64, i64),
    sw: (i64, String),
    sw2: (i64, String),
    head: (i64, String),
}

async fn centre(app: &TestApp) -> Centre {
    app.exec("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('vel', 'CSD Velenje', 'SI', 'EUR')").await;
    let centre = app.num("SELECT id FROM centre WHERE code = 'vel'").await;
    app.exec(&format!(
        "INSERT INTO unit (centre_id, name) VALUES ({centre}, 'Velenje'), ({centre}, 'Šoštanj')"
    ))
    .await;
    let u1 = app.num("SELECT MIN(id) FROM unit").await;
    let u2 = app.num("SELECT MAX(id) FROM unit").await;
    let mut ids = Vec::new();
    for (name, role, unit) in [
        ("sw", Role::SocialWorker, u1),
        ("sw2", Role::SocialWorker, u2),
        ("head", Role::HeadOfUnit, u1),
    ] {
        let id = app.user(name, role).await;
        skrb::auth::users::set_centre(&app.db, name, "vel")
            .await
            .expect("centre");
        app.exec(&format!(
            "INSERT INTO user_unit (user_id, unit_id) VALUES ({id}, {unit})"
        ))
        .await;
        ids.push((id, app.token(name).await));
    }
    let mut it = ids.into_iter();
    let (sw, sw2, head) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    Centre {
        centre,
        units: (u1, u2),
        sw,
        sw2,
        head,
    }
}

async fn person(app: &TestApp, t: &str, given: &str, family: &str) -> i64 {
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(t),
            Some(json!({"given_name": given, "family_name": family})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn type_id(app: &TestApp, code: &str) -> i64 {
    app.num(&format!(
        "SELECT id FROM case_type WHERE jurisdiction = 'SI' AND code = '{code}'"
    ))
    .await
}

async fn view(app: &TestApp, t: &str, id: i64) -> Value {
    let r = app
        .api("GET", &format!("/api/v1/cases/{id}"), Some(t), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn list(app: &TestApp, t: &str, q: &str) -> Value {
    app.api("GET", &format!("/api/v1/cases?{q}"), Some(t), None)
        .await
        .json()
}

/// The persons' names in the file list sorted by name, in its order.
async fn by_name(app: &TestApp, t: &str) -> Vec<String> {
    list(app, t, "sort=name").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["person_name"].as_str().unwrap().to_string())
        .collect()
}

async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> crate::harness::Res {
    app.api("POST", path, Some(t), Some(body)).await
}

/// A walk-in becomes a file with contacts, a plan, tasks and reviews, and is closed.
async fn from_intake_to_a_closed_file(app: TestApp) {
    let j = crate::harness::Journey::new("from intake to a closed file");
    let c = centre(&app).await;
    let t = &c.sw.1;
    let ana = person(&app, t, "Ana", "Kovač").await;
    j.step("an unknown caller, identified later");
    // An unknown caller, identified later; counts as a single contact.
    let r = post(&app, t, "/api/v1/intakes", json!({"channel": "phone", "unknown_name": "A. K.", "problem": "poverty", "description": "No money for heating"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let unknown = r.json()["id"].as_i64().unwrap();
    assert!(r.json()["case_id"].is_null());
    j.step("nobody named, or a file for nobody");
    // Nobody named, or a file for nobody: refused, nothing saved.
    let r = post(
        &app,
        t,
        "/api/v1/intakes",
        json!({"channel": "phone", "problem": "poverty", "description": "x"}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["person_id".to_string()]),
        "{}",
        r.body
    );
    let r = post(&app, t, "/api/v1/intakes", json!({"channel": "fax", "unknown_name": "X", "problem": "luck", "description": "", "open_type_id": 1})).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        fields(&r),
        ["channel", "problem", "description", "open_type_id"]
    );
    assert_eq!(app.num("SELECT COUNT(*) FROM intake").await, 1);
    let r = post(
        &app,
        t,
        &format!("/api/v1/intakes/{unknown}/identify"),
        json!({"person_id": 999999}),
    )
    .await;
    assert_eq!(fields(&r), ["person_id"]);
    let r = post(
        &app,
        t,
        &format!("/api/v1/intakes/{unknown}/identify"),
        json!({"person_id": ana}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        t,
        &format!("/api/v1/intakes/{unknown}/identify"),
        json!({"person_id": ana}),
    )
    .await;
    assert_eq!(fields(&r), ["person_id"], "identified once");
    let mine = app
        .api(
            "GET",
            &format!("/api/v1/intakes?person_id={ana}"),
            Some(t),
            None,
        )
        .await
        .json();
    assert_eq!(mine[0]["unknown_name"], "A. K.");
    j.step("a walk-in that opens a file at once");
    // A walk-in that opens a file at once (children at risk: a statutory first task).
    let risk = type_id(&app, "child_risk").await;
    let r = post(&app, t, "/api/v1/intakes", json!({"channel": "walk_in", "person_id": ana, "problem": "family_relations", "description": "Neighbours report neglect", "open_type_id": risk})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.json()["case_id"].as_i64().expect("a file");
    let year = time::OffsetDateTime::now_utc().year();
    let v = view(&app, t, case).await;
    assert_eq!(v["file"]["number"], format!("1201-1/{year}"));
    assert_eq!(v["file"]["status"], "open");
    assert_eq!(v["file"]["worker_id"], c.sw.0);
    assert_eq!(v["file"]["unit_id"], c.units.0);
    assert_eq!(v["file"]["problems"], ",family_relations,");
    let tasks = v["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["source"], "statutory");
    assert_eq!(tasks[0]["title"], "task-auto-assessment");
    let due = skrb_kit::clock::today() + time::Duration::days(3);
    assert_eq!(tasks[0]["due_on"], skrb_kit::dates::iso_date(due));
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM intake WHERE case_id = {case}"
        ))
        .await,
        1
    );
    j.step("the next file of the centre takes the next number");
    // The next file of the centre takes the next number.
    let r = post(
        &app,
        t,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": type_id(&app, "material_help").await}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        view(&app, t, second).await["file"]["number"],
        format!("1220-2/{year}")
    );

    j.step("contact log");
    // Contact log: dates out of order are refused; a draft is kept until the entry is saved.
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "visit", "on_date": "2001-01-01", "body": "x"}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["on_date".to_string()])
    );
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "visit", "on_date": "2999-01-01", "body": ""}),
    )
    .await;
    assert_eq!(fields(&r), ["body", "on_date"]);
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/cases/{case}/draft"),
            Some(t),
            Some(json!({"body": "Visited the family; the flat is"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        view(&app, t, case).await["draft"],
        "Visited the family; the flat is"
    );
    j.step("another worker's draft is their own");
    // Another worker's draft is their own.
    let other = view(&app, &c.head.1, case).await;
    assert!(other["draft"].is_null());
    let r = post(&app, t, &format!("/api/v1/cases/{case}/entries"), json!({"kind": "visit", "participants": "Ana, her son", "body": "Visited the family; the flat is cold."})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = view(&app, t, case).await;
    assert!(v["draft"].is_null());
    assert_eq!(v["entries"][0]["participants"], "Ana, her son");

    j.step("a plan whose review date becomes a task");
    // A plan whose review date becomes a task; a goal reviewed.
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/plans"),
        json!({"kind": "individual", "review_on": "2000-01-01", "goal": "Warm flat"}),
    )
    .await;
    assert_eq!(fields(&r), ["review_on"]);
    let review_on = skrb_kit::dates::iso_date(due + time::Duration::days(30));
    let r = post(&app, t, &format!("/api/v1/cases/{case}/plans"), json!({"kind": "individual", "review_on": review_on, "participants": "Ana", "goal": "Warm flat", "activities": "Apply for extraordinary DSP", "responsible": "Ana"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let plan = r.json()["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/plans/{plan}/goals"),
        json!({"goal": "School every day", "responsible": "Ana"}),
    )
    .await;
    assert_eq!(r.status, 201);
    let v = view(&app, t, case).await;
    let goals = v["plans"][0]["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 2);
    let goal = goals[0]["id"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/goals/{goal}/reviews"),
        json!({"outcome": "achieved", "note": "Heating paid"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = view(&app, t, case).await;
    assert_eq!(v["plans"][0]["goals"][0]["status"], "achieved");
    assert_eq!(
        v["plans"][0]["goals"][0]["reviews"][0]["note"],
        "Heating paid"
    );
    let sources: Vec<&str> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["statutory", "plan_review"]);

    j.step("closing with open tasks warns and changes nothing");
    // Closing with open tasks warns and changes nothing; with a reason it closes.
    let version = v["file"]["version"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/status"),
        json!({"status": "closed", "reason": "goals_met", "version": version}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["warnings"][0]["code"], "open_tasks", "{}", r.body);
    assert_eq!(view(&app, t, case).await["file"]["status"], "open");
    let r = post(&app, t, &format!("/api/v1/cases/{case}/status"), json!({"status": "closed", "reason": "goals_met", "closed_on": "2000-01-01", "version": version})).await;
    assert_eq!(fields(&r), ["closed_on"]);
    j.step("a stale version is a conflict");
    // A stale version is a conflict.
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/status"),
        json!({"status": "on_hold", "version": version + 5}),
    )
    .await;
    assert_eq!(r.status, 409);
    let task = v["tasks"][0]["id"].as_i64().unwrap();
    let r = post(&app, t, &format!("/api/v1/tasks/{task}/done"), json!({})).await;
    assert_eq!(r.status, 204);
    let r = post(&app, t, &format!("/api/v1/tasks/{task}/done"), json!({})).await;
    assert_eq!(fields(&r), ["task"]);
    let r = post(&app, t, &format!("/api/v1/cases/{case}/status"), json!({"status": "closed", "reason": "goals_met", "open_tasks_reason": "Review is with the school now", "version": version})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let v = view(&app, t, case).await;
    assert_eq!(v["file"]["status"], "closed");
    assert_eq!(v["file"]["close_reason"], "goals_met");
    assert_eq!(
        v["file"]["open_tasks_reason"],
        "Review is with the school now"
    );
    j.step("a closed file takes no entries until reopened");
    // A closed file takes no entries until reopened.
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "note", "body": "late"}),
    )
    .await;
    assert_eq!(r.status, 403);
    let version = v["file"]["version"].as_i64().unwrap();
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/status"),
        json!({"status": "open", "version": version}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(view(&app, t, case).await["file"]["closed_on"].is_null());
    j.step("every change and read is audited with the person");
    // Every change and read is audited with the person.
    for action in ["create", "update", "read", "draft"] {
        let n = app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'case_file' AND action = '{action}' AND person_id = {ana}")).await;
        assert!(n > 0, "{action}");
    }
    j.step("intakes feed the statistics");
    // Intakes feed the statistics: counted per centre.
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM intake WHERE centre_id = {}",
            c.centre
        ))
        .await,
        2
    );
}
both!(from_intake_to_a_closed_file);

/// Transfers keep their history and move open tasks; bad transfers change nothing.
async fn transfers_and_rights_to_change(app: TestApp) {
    let j = crate::harness::Journey::new("transfers and rights to change");
    let c = centre(&app).await;
    let ana = person(&app, &c.sw.1, "Ana", "Kovač").await;
    let r = post(&app, &c.sw.1, "/api/v1/cases", json!({"person_id": ana, "type_id": type_id(&app, "child_risk").await, "problems": ["family_relations", "poverty"]})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.json()["id"].as_i64().unwrap();
    j.step("another worker of the centre reads but may not change a file that is not theirs");
    // Another worker of the centre reads but may not change a file that is not theirs.
    let r = post(
        &app,
        &c.sw2.1,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "note", "body": "x"}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    j.step("transfer to a disabled account, to nobody, without a reason");
    // Transfer to a disabled account, to nobody, without a reason: refused.
    let off = app.user("off", Role::SocialWorker).await;
    skrb::auth::users::set_centre(&app.db, "off", "vel")
        .await
        .expect("centre");
    app.exec(&format!(
        "UPDATE app_user SET active = FALSE WHERE id = {off}"
    ))
    .await;
    let r = post(
        &app,
        &c.sw.1,
        &format!("/api/v1/cases/{case}/transfer"),
        json!({"worker_id": off, "reason": "leave"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("disabled"), "{}", r.body);
    let r = post(
        &app,
        &c.sw.1,
        &format!("/api/v1/cases/{case}/transfer"),
        json!({"worker_id": ""}),
    )
    .await;
    assert_eq!(fields(&r), ["worker_id", "reason"]);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM case_transfer WHERE case_id = {case}"
        ))
        .await,
        1
    );
    j.step("the worker hands the file to a colleague of the other unit");
    // The worker hands the file to a colleague of the other unit; the open task follows.
    let r = post(
        &app,
        &c.sw.1,
        &format!("/api/v1/cases/{case}/transfer"),
        json!({"worker_id": c.sw2.0, "reason": "Moved to Šoštanj"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let v = view(&app, &c.sw2.1, case).await;
    assert_eq!(v["file"]["worker_id"], c.sw2.0);
    assert_eq!(v["file"]["unit_id"], c.units.1);
    assert_eq!(v["tasks"][0]["assignee_id"], c.sw2.0);
    let t = v["transfers"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[1]["from_worker"], "sw name");
    assert_eq!(t[1]["to_unit"], "Šoštanj");
    assert_eq!(t[1]["reason"], "Moved to Šoštanj");
    j.step("now the first worker may no longer change it");
    // Now the first worker may no longer change it; the head of unit may (manages cases).
    let r = post(
        &app,
        &c.sw.1,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "note", "body": "x"}),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = post(
        &app,
        &c.head.1,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "note", "body": "Supervision"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    j.step("team and problems change with the version the user saw");
    // Team and problems change with the version the user saw.
    let version = view(&app, &c.sw2.1, case).await["file"]["version"]
        .as_i64()
        .unwrap();
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/cases/{case}"),
            Some(&c.sw2.1),
            Some(json!({"problems": "addiction", "team": [c.sw.0], "version": version})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/cases/{case}"),
            Some(&c.sw2.1),
            Some(json!({"problems": "poverty", "version": version})),
        )
        .await;
    assert_eq!(r.status, 409);
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/cases/{case}"),
            Some(&c.sw2.1),
            Some(json!({"problems": "luck", "version": version + 1})),
        )
        .await;
    assert_eq!(fields(&r), ["problems"]);
    let v = view(&app, &c.sw2.1, case).await;
    assert_eq!(v["file"]["problems"], ",addiction,");
    assert_eq!(v["team"][0]["user_id"], c.sw.0);
    j.step("on the team, the first worker may work the file again");
    // On the team, the first worker may work the file again.
    let r = post(
        &app,
        &c.sw.1,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "phone", "body": "Called the school"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    j.step("files of persons of another centre cannot be opened");
    // Files of persons of another centre cannot be opened.
    app.exec("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('tre', 'CSR Trebinje', 'RS', 'BAM')").await;
    app.user("tr", Role::SocialWorker).await;
    skrb::auth::users::set_centre(&app.db, "tr", "tre")
        .await
        .expect("centre");
    let tr = app.token("tr").await;
    assert_eq!(
        app.api("GET", &format!("/api/v1/cases/{case}"), Some(&tr), None)
            .await
            .status,
        403
    );
    let r = post(
        &app,
        &tr,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": type_id(&app, "child_risk").await}),
    )
    .await;
    assert_eq!(r.status, 403);
    j.step("a Trebinje file takes a Republika Srpska type only");
    // A Trebinje file takes a Republika Srpska type only.
    let bojan = person(&app, &tr, "Бојан", "Јовић").await;
    let r = post(
        &app,
        &tr,
        "/api/v1/cases",
        json!({"person_id": bojan, "type_id": type_id(&app, "child_risk").await}),
    )
    .await;
    assert_eq!(fields(&r), ["type_id"]);
    let rs = app
        .num("SELECT id FROM case_type WHERE jurisdiction = 'RS' AND code = 'adult_unprovided'")
        .await;
    let r = post(
        &app,
        &tr,
        "/api/v1/cases",
        json!({"person_id": bojan, "type_id": rs}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let year = time::OffsetDateTime::now_utc().year();
    assert_eq!(
        view(&app, &tr, r.json()["id"].as_i64().unwrap()).await["file"]["number"],
        format!("561-1/{year}")
    );
}
both!(transfers_and_rights_to_change);

fn upload_req(path: &str, token: &str, body: Vec<u8>) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(axum::body::Body::from(body))
        .expect("request")
}

/// Attachments are recognised by content, limited in size, downloaded as attachments.
async fn attachments_are_checked(app: TestApp) {
    let c = centre(&app).await;
    let t = &c.sw.1;
    let ana = person(&app, t, "Ana", "Kovač").await;
    let case = post(
        &app,
        t,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": type_id(&app, "personal_help").await}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let r = app
        .send(upload_req(
            &format!("/api/v1/cases/{case}/attachments?filename=../../odločba.pdf"),
            t,
            pdf.clone(),
        ))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // An executable renamed to .pdf, an empty file, a file over 10 MB: refused.
    let r = app
        .send(upload_req(
            &format!("/api/v1/cases/{case}/attachments?filename=x.pdf"),
            t,
            b"MZ\x90\x00".to_vec(),
        ))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("PDF, PNG, JPEG"), "{}", r.body);
    let r = app
        .send(upload_req(
            &format!("/api/v1/cases/{case}/attachments?filename=x.pdf"),
            t,
            Vec::new(),
        ))
        .await;
    assert_eq!(r.status, 422);
    let mut big = b"%PDF-".to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    let r = app
        .send(upload_req(
            &format!("/api/v1/cases/{case}/attachments?filename=big.pdf"),
            t,
            big,
        ))
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    // Just over 10 MB (inside the transport's allowance for a form's framing): 413 too.
    let mut over = b"%PDF-".to_vec();
    over.resize(10 * 1024 * 1024 + 1, b' ');
    let r = app
        .send(upload_req(
            &format!("/api/v1/cases/{case}/attachments?filename=over.pdf"),
            t,
            over,
        ))
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(app.num("SELECT COUNT(*) FROM attachment").await, 1);
    let v = view(&app, t, case).await;
    let a = &v["attachments"][0];
    assert_eq!(a["filename"], "odločba.pdf");
    assert_eq!(a["content_type"], "application/pdf");
    assert_eq!(a["size"], pdf.len());
    let id = a["id"].as_i64().unwrap();
    let r = app
        .api("GET", &format!("/api/v1/attachments/{id}"), Some(t), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_bytes(), &pdf[..]);
    assert!(
        r.header("content-disposition").starts_with("attachment;"),
        "{}",
        r.header("content-disposition")
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'attachment' AND action = 'read' AND person_id = {ana}")).await, 1);
    // A right-to-left override would show "\u{202E}gpj.exe" as "exe.jpg": stripped.
    let r = app
        .send(upload_req(
            &format!("/api/v1/cases/{case}/attachments?filename=%E2%80%AEgpj.exe"),
            t,
            pdf.clone(),
        ))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let names: Vec<String> = view(&app, t, case).await["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["filename"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(names.contains(&"gpj.exe".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n.contains('\u{202E}')), "{names:?}");
    // The upload form of the page: multipart, its CSRF token in the action.
    let cookies = app.browser_login("sw").await;
    let csrf = csrf_for(&cookies).expect("csrf");
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let boundary = "XyZ";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes();
    body.extend_from_slice(&png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mk = |q: &str| {
        axum::http::Request::builder()
            .method("POST")
            .uri(format!("/cases/{case}/attachments{q}"))
            .header("cookie", cookies.clone())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body.clone()))
            .expect("request")
    };
    let r = app.send(mk("")).await;
    assert_eq!(r.status, 403, "without the token");
    let r = app.send(mk(&format!("?_csrf={csrf}"))).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM attachment WHERE content_type = 'image/png'")
            .await,
        1
    );
}
both!(attachments_are_checked);

/// A violence report opens a restricted file that only its worker and team see.
async fn violence_opens_a_restricted_file(app: TestApp) {
    let c = centre(&app).await;
    let t = &c.sw.1;
    let maja = person(&app, t, "Maja", "Horvat").await;
    let r = post(
        &app,
        t,
        "/api/v1/violence",
        json!({"person_id": maja, "reported_by": "Police Velenje", "description": ""}),
    )
    .await;
    assert_eq!(fields(&r), ["description"]);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM case_file").await,
        0,
        "nothing half-saved"
    );
    let r = post(&app, t, "/api/v1/violence", json!({"person_id": maja, "reported_by": "Police Velenje", "description": "Called to the flat at night"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.json()["case_id"].as_i64().unwrap();
    let v = view(&app, t, case).await;
    assert_eq!(v["file"]["restricted"], true);
    assert_eq!(v["file"]["type_code"], "domestic_violence");
    assert_eq!(v["tasks"][0]["title"], "task-auto-mdt");
    assert_eq!(v["violence"]["reports"][0]["reported_by"], "Police Velenje");
    // A colleague outside the team: neither in the list nor openable.
    let r = app
        .api(
            "GET",
            &format!("/api/v1/cases/{case}"),
            Some(&c.sw2.1),
            None,
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["type"].as_str().unwrap_or("").rsplit('/').next(),
        Some("restricted"),
        "{}",
        r.body
    );
    let r = app
        .api("GET", "/api/v1/cases?status=", Some(&c.sw2.1), None)
        .await;
    assert_eq!(r.json()["total"], 0, "{}", r.body);
    let r = app.api("GET", "/api/v1/cases?status=", Some(t), None).await;
    assert_eq!(r.json()["total"], 1);
    // The multidisciplinary team, its meeting (contact log), a measure, a safety plan.
    assert_eq!(
        post(
            &app,
            t,
            &format!("/api/v1/cases/{case}/violence/members"),
            json!({"name": "Inspector Novak", "organisation": "Police"})
        )
        .await
        .status,
        201
    );
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/violence/measures"),
        json!({"kind": "restraining_order", "valid_from": "2026-11-01", "valid_to": "2026-10-01"}),
    )
    .await;
    assert_eq!(fields(&r), ["valid_to"]);
    assert_eq!(post(&app, t, &format!("/api/v1/cases/{case}/violence/measures"), json!({"kind": "restraining_order", "ordered_by": "Police", "valid_from": "2026-11-01", "valid_to": "2026-11-15"})).await.status, 201);
    assert_eq!(post(&app, t, &format!("/api/v1/cases/{case}/entries"), json!({"kind": "team_meeting", "participants": "Police, school, CSD", "body": "First meeting"})).await.status, 201);
    assert_eq!(
        post(
            &app,
            t,
            &format!("/api/v1/cases/{case}/plans"),
            json!({"kind": "safety", "goal": "Maja has a safe place"})
        )
        .await
        .status,
        201
    );
    let v = view(&app, t, case).await;
    assert_eq!(v["violence"]["team"][0]["name"], "Inspector Novak");
    assert_eq!(v["violence"]["measures"][0]["kind"], "restraining_order");
    assert_eq!(v["plans"][0]["kind"], "safety");
    // Put on the team, the colleague sees it.
    let version = v["file"]["version"].as_i64().unwrap();
    let r = app.api("PUT", &format!("/api/v1/cases/{case}"), Some(t), Some(json!({"problems": "domestic_violence", "restricted": true, "team": [c.sw2.0], "version": version}))).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/cases/{case}"),
            Some(&c.sw2.1),
            None
        )
        .await
        .status,
        200
    );
    // Measures need a violence report on the file.
    let other = post(
        &app,
        t,
        "/api/v1/cases",
        json!({"person_id": maja, "type_id": type_id(&app, "personal_help").await}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(
            &app,
            t,
            &format!("/api/v1/cases/{other}/violence/members"),
            json!({"name": "X"})
        )
        .await
        .status,
        403
    );
}
both!(violence_opens_a_restricted_file);

/// Partners and referrals; a partner's user sees only what is addressed to them.
async fn partners_and_referrals(app: TestApp) {
    let j = crate::harness::Journey::new("partners and referrals");
    let c = centre(&app).await;
    let t = &c.sw.1;
    let ana = person(&app, t, "Ana", "Kovač").await;
    let case = post(
        &app,
        t,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": type_id(&app, "personal_help").await}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    let r = post(
        &app,
        t,
        "/api/v1/partners",
        json!({"name": "OŠ Gorica", "kind": "school", "email": "not-an-email"}),
    )
    .await;
    assert_eq!(fields(&r), ["email"]);
    let school = post(
        &app,
        t,
        "/api/v1/partners",
        json!({"name": "OŠ Gorica", "kind": "school", "phone": "+386 3 123 45 67"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    let r = post(
        &app,
        t,
        "/api/v1/partners",
        json!({"name": "oš gorica", "kind": "school"}),
    )
    .await;
    assert_eq!(fields(&r), ["name"], "duplicates are refused");
    let health = post(
        &app,
        t,
        "/api/v1/partners",
        json!({"name": "ZD Velenje", "kind": "health"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        post(
            &app,
            t,
            &format!("/api/v1/partners/{school}/contacts"),
            json!({"name": "Mojca Zupan", "position": "counsellor"})
        )
        .await
        .status,
        201
    );
    let p = app
        .api("GET", &format!("/api/v1/partners/{school}"), Some(t), None)
        .await
        .json();
    assert_eq!(p["contacts"][0]["name"], "Mojca Zupan");
    j.step("a referral out to the school, one to the health centre, one into the centre");
    // A referral out to the school, one to the health centre, one into the centre.
    let out = post(&app, t, "/api/v1/referrals", json!({"direction": "out", "partner_id": school, "case_id": case, "subject": "Support in class", "body": "Please include Ana's son"})).await;
    assert_eq!(out.status, 201, "{}", out.body);
    let out = out.json()["id"].as_i64().unwrap();
    assert_eq!(post(&app, t, "/api/v1/referrals", json!({"direction": "out", "partner_id": health, "case_id": case, "subject": "Check-up"})).await.status, 201);
    let inn = post(&app, t, "/api/v1/referrals", json!({"direction": "in", "partner_id": health, "case_id": case, "subject": "Mother needs help at home"})).await.json()["id"].as_i64().unwrap();
    let v = view(&app, t, case).await;
    assert_eq!(v["tasks"][0]["source"], "referral");
    j.step("partner users");
    // Partner users: the school's sees the school's referral only.
    app.user("school", Role::Partner).await;
    app.user("clinic", Role::Partner).await;
    let admin = app.user("admin", Role::Administrator).await;
    let _ = admin;
    skrb::auth::users::set_centre(&app.db, "admin", "vel")
        .await
        .expect("centre");
    let admin_token = app.token("admin").await;
    let r = post(
        &app,
        &admin_token,
        &format!("/api/v1/partners/{school}/users"),
        json!({"username": "school"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    skrb::partners::directory::link_user(
        &app.db,
        &skrb::audit::Actor::system("test"),
        Some(health),
        "clinic",
    )
    .await
    .expect("link");
    assert!(
        skrb::partners::directory::link_user(
            &app.db,
            &skrb::audit::Actor::system("test"),
            Some(school),
            "sw"
        )
        .await
        .is_err(),
        "staff are not partner users"
    );
    let st = app.token("school").await;
    let cl = app.token("clinic").await;
    let list = app
        .api("GET", "/api/v1/portal/referrals", Some(&st), None)
        .await
        .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["subject"], "Support in class");
    assert_eq!(list[0]["person_name"], "Ana Kovač");
    let clinic_list = app
        .api("GET", "/api/v1/portal/referrals", Some(&cl), None)
        .await
        .json();
    assert_eq!(
        clinic_list.as_array().unwrap().len(),
        1,
        "referrals into the centre are not shown to the partner"
    );
    assert_eq!(
        app.api(
            "GET",
            &format!("/api/v1/portal/referrals/{out}"),
            Some(&cl),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.api("GET", &format!("/api/v1/cases/{case}"), Some(&st), None)
            .await
            .status,
        403
    );
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=ana", Some(&st), None)
            .await
            .status,
        403
    );
    j.step("the school answers");
    // The school answers; another partner cannot; an answer needs text when declining.
    let r = post(
        &app,
        &cl,
        &format!("/api/v1/portal/referrals/{out}/answer"),
        json!({"status": "answered", "answer": "x"}),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = post(
        &app,
        &st,
        &format!("/api/v1/portal/referrals/{out}/answer"),
        json!({"status": "declined"}),
    )
    .await;
    assert_eq!(fields(&r), ["answer"]);
    let r = post(
        &app,
        &st,
        &format!("/api/v1/portal/referrals/{out}/answer"),
        json!({"status": "answered", "answer": "Included from Monday", "version": 1}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &st,
        &format!("/api/v1/portal/referrals/{out}/answer"),
        json!({"status": "accepted", "version": 1}),
    )
    .await;
    assert_eq!(r.status, 409, "a stale answer does not overwrite");
    let v = view(&app, t, case).await;
    let answered = v["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == out)
        .unwrap()
        .clone();
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["answer"], "Included from Monday");
    j.step("staff answer the referral into the centre");
    // Staff answer the referral into the centre; its task is done with it.
    let r = post(
        &app,
        t,
        &format!("/api/v1/referrals/{inn}/answer"),
        json!({"status": "answered", "answer": "Home help from December"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(app.num(&format!("SELECT COUNT(*) FROM task WHERE case_id = {case} AND source = 'referral' AND done_at IS NULL")).await, 0);
    let waiting = app
        .api("GET", "/api/v1/referrals?status=waiting", Some(t), None)
        .await
        .json();
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    j.step("partners' reads are audited with the person");
    // Partners' reads are audited with the person.
    assert!(app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'referral' AND action = 'read' AND person_id = {ana}")).await >= 0);
    assert!(app.num(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'referral' AND action = 'answer' AND person_id = {ana}")).await == 2);
}
both!(partners_and_referrals);

/// My work: overdue first; caseloads per worker against the norm; the list filters.
async fn my_work_caseloads_and_the_list(app: TestApp) {
    let c = centre(&app).await;
    let t = &c.sw.1;
    let mut files = Vec::new();
    let mut persons = Vec::new();
    for (given, family, code) in [
        ("Ana", "Kovač", "child_risk"),
        ("Bojan", "Zupan", "foster_care"),
        ("Cvetka", "Kovač", "home_help"),
    ] {
        let p = person(&app, t, given, family).await;
        persons.push(p);
        let r = post(&app, t, "/api/v1/cases", json!({"person_id": p, "type_id": type_id(&app, code).await, "problems": if code == "home_help" {"old_age"} else {"poverty"}})).await;
        assert_eq!(r.status, 201, "{}", r.body);
        files.push(r.json()["id"].as_i64().unwrap());
    }
    let p = person(&app, &c.sw2.1, "Dana", "Kos").await;
    post(
        &app,
        &c.sw2.1,
        "/api/v1/cases",
        json!({"person_id": p, "type_id": type_id(&app, "adoption").await}),
    )
    .await;
    let today = skrb_kit::clock::today();
    let r = post(
        &app,
        t,
        &format!("/api/v1/cases/{}/tasks", files[1]),
        json!({"title": "Visit the foster family", "due_on": "2001-01-01"}),
    )
    .await;
    assert_eq!(fields(&r), ["due_on"], "a new task is not already overdue");
    let r = post(&app, t, &format!("/api/v1/cases/{}/tasks", files[1]), json!({"title": "Visit the foster family", "due_on": skrb_kit::dates::iso_date(today + time::Duration::days(1))})).await;
    assert_eq!(r.status, 201);
    // Make the statutory task of the first file overdue.
    app.exec(&format!(
        "UPDATE task SET due_on = '2026-01-05' WHERE case_id = {}",
        files[0]
    ))
    .await;
    let w = app.api("GET", "/api/v1/work", Some(t), None).await.json();
    assert_eq!(w["overdue"], 1);
    assert_eq!(w["tasks"][0]["case_id"], files[0], "overdue first");
    assert_eq!(w["tasks"][1]["title"], "Visit the foster family");
    assert_eq!(w["files"].as_array().unwrap().len(), 3);
    // Caseloads: the head of unit sees norm hours per worker (40 + 12 + 6 for sw).
    let cl = app
        .api("GET", "/api/v1/caseloads", Some(&c.head.1), None)
        .await
        .json();
    let sw = cl
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user_id"] == c.sw.0)
        .unwrap()
        .clone();
    assert_eq!(sw["open_files"], 3);
    assert_eq!(sw["norm_hours"], 58);
    assert_eq!(sw["overdue_tasks"], 1);
    assert_eq!(sw["worker_hours"], 1500);
    let unit2 = app
        .api(
            "GET",
            &format!("/api/v1/caseloads?unit_id={}", c.units.1),
            Some(&c.head.1),
            None,
        )
        .await
        .json();
    let names: Vec<&str> = unit2
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sw2 name"]);
    assert_eq!(
        app.api("GET", "/api/v1/caseloads", Some(t), None)
            .await
            .status,
        403,
        "workers do not see caseloads"
    );
    // The list: filters and orders on the server.
    let head = c.head.1.clone();
    assert_eq!(list(&app, &head, "").await["total"], 4);
    assert_eq!(list(&app, &head, "q=kovac").await["total"], 2);
    assert_eq!(list(&app, &head, "q=kov%20ana").await["total"], 1);
    assert_eq!(list(&app, &head, "problem=old_age").await["total"], 1);
    assert_eq!(
        list(&app, &head, &format!("worker={}", c.sw2.0)).await["total"],
        1
    );
    assert_eq!(list(&app, &head, "area=child_family").await["total"], 3);
    assert_eq!(
        by_name(&app, &head).await,
        ["Dana Kos", "Ana Kovač", "Cvetka Kovač", "Bojan Zupan"]
    );
    // The order is the file's copy of the person's name: a person renamed moves there.
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{}", persons[1]),
            Some(t),
            Some(json!({"given_name": "Bojan", "family_name": "Ahčin", "version": 1})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        by_name(&app, &head).await,
        ["Bojan Ahčin", "Dana Kos", "Ana Kovač", "Cvetka Kovač"]
    );
    let page2 = list(&app, &head, "sort=number&per_page=3&page=2").await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    let year = time::OffsetDateTime::now_utc().year();
    let q = format!("q=1203-2/{year}");
    assert_eq!(
        list(&app, &head, &q).await["items"][0]["type_code"],
        "foster_care"
    );
    // A restricted person's file leaves the lists of everyone off the person's team.
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{p}/restriction"),
            Some(&c.sw2.1),
            Some(json!({"restricted": true, "team": [c.sw2.0]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(list(&app, &head, "").await["total"], 3);
    assert_eq!(
        list(&app, &head, "sort=name").await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(list(&app, &c.sw2.1, "").await["total"], 4);
    let r = app
        .api("GET", "/api/v1/cases?sort=colour", Some(t), None)
        .await;
    assert_eq!(r.status, 422);
    // The whole list downloads with the page's filters, as the head may see it (the
    // restricted file is not in it); the download is audited with its number of rows.
    let cookies = app.browser_login("head").await;
    let r = app.page("/cases.csv?status=&sort=name", &cookies).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    let lines: Vec<&str> = r.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.body);
    assert!(
        lines[1].contains("Bojan Ahčin")
            && lines[2].contains("Ana Kovač")
            && !r.body.contains("Dana Kos"),
        "{}",
        r.body
    );
    let r = app.page("/cases.csv?status=&q=Kova", &cookies).await;
    assert_eq!(
        r.body.trim_start_matches('\u{feff}').lines().count(),
        3,
        "{}",
        r.body
    );
    let r = app.page("/cases.xlsx?status=open", &cookies).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.starts_with("PK") && r.header("content-disposition").contains("case-files.xlsx")
    );
    assert_eq!(
        app.page("/cases.csv?sort=colour", &cookies).await.status,
        422
    );
    assert_eq!(
        app.num(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'download' AND entity = 'case_file'"
        )
        .await,
        3,
        "three downloads; the refused one is none"
    );
    let r = app.page("/cases?status=", &cookies).await;
    assert!(
        r.body.contains("href=\"/cases.xlsx?q=&#38;status=&#38;"),
        "{}",
        r.body
    );
}
both!(my_work_caseloads_and_the_list);

/// The pages: forms refuse bad input in the user's language and keep it; the autosave.
async fn pages_keep_input_and_autosave(app: TestApp) {
    let j = crate::harness::Journey::new("pages keep input and autosave");
    let c = centre(&app).await;
    let ana = person(&app, &c.sw.1, "Ana", "Kovač").await;
    let cookies = app.browser_login("sw").await;
    app.exec(&format!(
        "UPDATE app_user SET locale = 'sl' WHERE id = {}",
        c.sw.0
    ))
    .await;
    let r = app.page("/intake", &cookies).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Sprejem"), "{}", r.body);
    let r = app
        .form(
            "/intake",
            &cookies,
            &[
                ("channel", "walk_in"),
                ("problem", "poverty"),
                ("description", "Needs food"),
                ("unknown_name", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Izberite osebo ali napišite ime"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Needs food"), "input kept");
    let risk = type_id(&app, "child_risk").await.to_string();
    let pid = ana.to_string();
    let r = app
        .form(
            "/intake",
            &cookies,
            &[
                ("channel", "walk_in"),
                ("person_id", &pid),
                ("problem", "poverty"),
                ("description", "Needs food"),
                ("open_type_id", &risk),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let case = r
        .header("location")
        .trim_start_matches("/cases/")
        .parse::<i64>()
        .expect("file page");
    let r = app.page(&format!("/cases/{case}"), &cookies).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Ogroženi otroci"), "type in Slovenian");
    assert!(
        r.body.contains("Prva ocena otrokovega položaja"),
        "generated task in Slovenian"
    );
    j.step("problems from checkboxes");
    // Problems from checkboxes (repeated keys) are all kept.
    let v = view(&app, &c.sw.1, case).await;
    let version = v["file"]["version"].as_i64().unwrap().to_string();
    let r = app
        .form(
            &format!("/cases/{case}/edit"),
            &cookies,
            &[
                ("problems", "poverty"),
                ("problems", "housing"),
                ("summary", "Cold flat"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        view(&app, &c.sw.1, case).await["file"]["problems"],
        ",poverty,housing,"
    );
    j.step("autosave");
    // Autosave: the page's script posts the note with the CSRF header.
    let csrf = csrf_for(&cookies).expect("csrf");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/cases/{case}/draft"))
        .header("cookie", cookies.clone())
        .header("x-csrf-token", csrf)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("body=Long%20note%20in%20progress"))
        .expect("request");
    let r = app.send(req).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.page(&format!("/cases/{case}"), &cookies).await;
    assert!(
        r.body.contains("Long note in progress"),
        "the draft is back in the form"
    );
    j.step("an entry dated in the future");
    // An entry dated in the future: refused, shown in Slovenian, the text kept.
    let r = app
        .form(
            &format!("/cases/{case}/entries"),
            &cookies,
            &[
                ("kind", "visit"),
                ("on_date", "2999-01-01"),
                ("body", "My long note"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("My long note"));
    j.step("closing with an open task");
    // Closing with an open task: the warning, and then with a reason.
    let version = view(&app, &c.sw.1, case).await["file"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let r = app
        .form(
            &format!("/cases/{case}/status"),
            &cookies,
            &[
                ("status", "closed"),
                ("reason", "goals_met"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("še odprta"), "{}", r.body);
    let r = app
        .form(
            &format!("/cases/{case}/status"),
            &cookies,
            &[
                ("status", "closed"),
                ("reason", "goals_met"),
                ("open_tasks_reason", "Handed to the school"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    for path in [
        "/work",
        "/cases",
        "/cases?status=closed&sort=name",
        "/partners",
        "/referrals",
        "/violence/new",
        "/cases/new",
    ] {
        let r = app.page(path, &cookies).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
    }
    j.step("an unknown caller identified on the intake page");
    // An unknown caller identified on the intake page.
    let r = post(&app, &c.sw.1, "/api/v1/intakes", json!({"channel": "phone", "unknown_name": "Gospa K.", "problem": "poverty", "description": "Calls about winter"})).await;
    let unknown = r.json()["id"].as_i64().unwrap();
    let r = app
        .page(&format!("/intake/{unknown}/identify"), &cookies)
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Gospa K."));
    let r = app
        .form(&format!("/intake/{unknown}/identify"), &cookies, &[])
        .await;
    assert_eq!(r.status, 422, "nobody chosen");
    let r = app
        .form(
            &format!("/intake/{unknown}/identify"),
            &cookies,
            &[("person_id", &pid)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.num(&format!(
            "SELECT person_id FROM intake WHERE id = {unknown}"
        ))
        .await,
        ana
    );
    let head = app.browser_login("head").await;
    for path in ["/caseloads", "/admin/case-types"] {
        assert_eq!(app.page(path, &head).await.status, 200, "{path}");
    }
    j.step("the catalogue grows without a code change");
    // The catalogue grows without a code change.
    let r = app
        .form(
            "/admin/case-types",
            &head,
            &[
                ("jurisdiction", "SI"),
                ("code", "winter_help"),
                ("area", "material"),
                ("class_code", "1221"),
                ("name_sl", "Zimska pomoč"),
                ("name_sr", "Зимска помоћ"),
                ("name_en", "Winter help"),
                ("norm_hours", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = app
        .form(
            "/admin/case-types",
            &head,
            &[
                ("jurisdiction", "SI"),
                ("code", "winter_help"),
                ("area", "material"),
                ("class_code", "1221"),
                ("name_sl", "x"),
                ("name_sr", "x"),
                ("name_en", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "the code is taken");
    let winter = type_id(&app, "winter_help").await;
    assert!(winter > 0);
    let r = post(
        &app,
        &c.sw.1,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": winter}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    j.step("retired, it takes no new files");
    // Retired, it takes no new files; the files it has keep it.
    let r = post(
        &app,
        &c.head.1,
        &format!("/api/v1/case-types/{winter}/active"),
        json!({"active": false}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &app,
        &c.sw.1,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": winter}),
    )
    .await;
    assert_eq!(fields(&r), ["type_id"]);
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM case_file WHERE type_id = {winter}"
        ))
        .await,
        1
    );
}
both!(pages_keep_input_and_autosave);

/// Retention spares persons with open or recent files; the subject export holds the files.
async fn retention_and_export_see_case_files(app: TestApp) {
    let c = centre(&app).await;
    let t = &c.sw.1;
    let ana = person(&app, t, "Ana", "Kovač").await;
    let case = post(
        &app,
        t,
        "/api/v1/cases",
        json!({"person_id": ana, "type_id": type_id(&app, "personal_help").await}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    post(
        &app,
        t,
        &format!("/api/v1/cases/{case}/entries"),
        json!({"kind": "interview", "body": "First interview"}),
    )
    .await;
    let long_ago = time::OffsetDateTime::now_utc() - time::Duration::days(11 * 366);
    skrb::sql_pool!(&app.db, p => sqlx::query("UPDATE person SET updated_at = $1").bind(long_ago).execute(p).await.expect("age").rows_affected());
    let actor = skrb::audit::Actor::system("test");
    let retention = skrb::config::Retention::default();
    let now = time::OffsetDateTime::now_utc();
    let dry = skrb::registry::retention::run(&app.db, &actor, &retention, now, false)
        .await
        .expect("dry run");
    assert_eq!(dry.persons_anonymised, 0, "an open file keeps the person");
    app.exec(&format!(
        "UPDATE case_file SET status = 'closed', closed_on = '2012-03-01' WHERE id = {case}"
    ))
    .await;
    let dry = skrb::registry::retention::run(&app.db, &actor, &retention, now, false)
        .await
        .expect("dry run");
    assert_eq!(dry.persons_anonymised, 1, "a file closed long ago does not");
    // The export: the file with its log.
    app.user("dir", Role::Director).await;
    skrb::auth::users::set_centre(&app.db, "dir", "vel")
        .await
        .expect("centre");
    let d = app.token("dir").await;
    let r = app
        .api(
            "GET",
            &format!("/api/v1/persons/{ana}/export"),
            Some(&d),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let e = r.json();
    assert_eq!(e["case_files"][0]["file"]["id"], case);
    assert_eq!(e["case_files"][0]["entries"][0]["body"], "First interview");
}
both!(retention_and_export_see_case_files);
