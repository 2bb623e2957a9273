use serde_json::{json, Value};
use skrb::auth::Role;

use crate::both;
use crate::harness::TestApp;

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app
        .api("POST", "/api/v1/persons", Some(token), Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()
}

async fn names(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let r = app
        .api(
            "GET",
            &format!("/api/v1/persons?q={}", crate::harness::enc(q)),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["given_name"].as_str().unwrap(),
                p["family_name"].as_str().unwrap()
            )
        })
        .collect()
}

/// Ђорђевић = Đorđević = Djordjevic = Dordevic, prefixes, numbers, ranking.
async fn search_across_scripts(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    let p = create(
        &app,
        &t,
        json!({"given_name": "Милица", "family_name": "Ђорђевић", "emso": "1505985105004"}),
    )
    .await;
    assert_eq!(
        p["birth_date"], "1985-05-15",
        "date and sex come from the EMŠO"
    );
    assert_eq!(p["sex"], "F");
    create(
        &app,
        &t,
        json!({"given_name": "Đorđe", "family_name": "Novak"}),
    )
    .await;
    create(
        &app,
        &t,
        json!({"given_name": "Ana", "family_name": "Kovač"}),
    )
    .await;
    for q in [
        "Ђорђевић",
        "Đorđević",
        "Djordjevic",
        "Dordevic",
        "djordjević",
        "ĐORĐ",
        "milica dord",
        "Milica",
    ] {
        let found = names(&app, &t, q).await;
        assert!(
            found.contains(&"Милица Ђорђевић".to_string()),
            "{q}: {found:?}"
        );
    }
    // "dord" matches both; the exact word ranks first.
    assert_eq!(
        names(&app, &t, "đorđe").await,
        vec!["Đorđe Novak", "Милица Ђорђевић"]
    );
    assert!(names(&app, &t, "kovac").await == vec!["Ana Kovač"]);
    assert!(names(&app, &t, "zzz").await.is_empty());
    assert!(names(&app, &t, "  ").await.is_empty());
    // By number, with spaces as people type them.
    assert_eq!(names(&app, &t, "1505 985").await, vec!["Милица Ђорђевић"]);
    // Paginated.
    for i in 0..7 {
        create(
            &app,
            &t,
            json!({"given_name": format!("Jan{i}"), "family_name": "Horvat"}),
        )
        .await;
    }
    let r = app
        .api(
            "GET",
            "/api/v1/persons?q=horvat&per_page=3&page=3",
            Some(&t),
            None,
        )
        .await
        .json();
    assert_eq!(r["total"], 7);
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    // Injection strings are just text.
    assert!(names(&app, &t, "'; DROP TABLE person; --").await.is_empty());
    assert_eq!(names(&app, &t, "horvat").await.len(), 7);
}
both!(search_across_scripts);

async fn every_field_is_validated_in_the_users_language(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    let bad = json!({"given_name": "", "family_name": "Novak", "emso": "12345", "iban": "SI56 0000 0000 0000 002",
                     "email": "no-at-sign", "birth_date": "15.5.1985", "citizenship": "Slovenija", "phone": "ring me", "sex": "Q"});
    let r = app
        .api_lang("POST", "/api/v1/persons", Some(&t), Some(bad.clone()), "sl")
        .await;
    assert_eq!(r.status, 422);
    let errs = r.json()["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errs.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "given_name",
            "birth_date",
            "sex",
            "emso",
            "citizenship",
            "phone",
            "email",
            "iban"
        ]
    );
    let iban_msg = errs.iter().find(|e| e["field"] == "iban").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(iban_msg.starts_with("To ni veljaven IBAN"), "{iban_msg}");
    let r = app
        .api_lang("POST", "/api/v1/persons", Some(&t), Some(bad), "sr-Cyrl")
        .await;
    assert!(r.body.contains("Поље је обавезно."), "{}", r.body);
    // Nothing was written.
    let n: i64 = skrb::sql_pool!(&app.db, c => sqlx::query_scalar("SELECT COUNT(*) FROM person").fetch_one(c).await.unwrap());
    assert_eq!(n, 0);
    // IBANs of Slovenia, Bosnia and Herzegovina and elsewhere are accepted and normalised.
    for (iban, stored) in [
        ("si56 1910 0000 0123 438", "SI56191000000123438"),
        ("BA39 1290 0794 0102 8494", "BA391290079401028494"),
        ("DE89370400440532013000", "DE89370400440532013000"),
    ] {
        let p = create(&app, &t, json!({"given_name": "Iva", "family_name": format!("Banka{}", &stored[..2]), "iban": iban})).await;
        assert_eq!(p["iban"], stored);
    }
}
both!(every_field_is_validated_in_the_users_language);

/// A bad check digit, a duplicate number and a probable duplicate are warnings that only
/// an authorised user may override, with a reason kept in the history.
async fn identity_warnings_and_override(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    app.user("head", Role::HeadOfUnit).await;
    let sw = app.token("sw").await;
    let head = app.token("head").await;
    let bad = json!({"given_name": "Jože", "family_name": "Kranjc", "emso": "1505985505009"});
    let r = app
        .api("POST", "/api/v1/persons", Some(&sw), Some(bad.clone()))
        .await;
    assert_eq!(r.status, 422);
    let j = r.json();
    assert_eq!(j["warnings"][0]["code"], "emso-checksum");
    assert_eq!(j["may_override"], false);
    // A social worker's reason is not enough.
    let mut with_reason = bad.clone();
    with_reason["override_reason"] = json!("on the ID card");
    assert_eq!(
        app.api(
            "POST",
            "/api/v1/persons",
            Some(&sw),
            Some(with_reason.clone())
        )
        .await
        .status,
        422
    );
    // The head of unit without a reason is told so; with one, it is saved.
    let r = app
        .api("POST", "/api/v1/persons", Some(&head), Some(bad))
        .await;
    assert_eq!(r.json()["may_override"], true);
    let saved = create(&app, &head, with_reason).await;
    assert_eq!(saved["identity_override_reason"], "on the ID card");
    assert_eq!(saved["emso"], "1505985505009");
    // The same number again: a duplicate warning naming the other person.
    let dup = json!({"given_name": "Marta", "family_name": "Zupan", "emso": "1505985505009", "override_reason": "x"});
    let r = app
        .api("POST", "/api/v1/persons", Some(&sw), Some(dup))
        .await;
    let codes: Vec<String> = r.json()["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.contains(&"emso-duplicate".to_string()), "{codes:?}");
    assert!(r.body.contains("Jože Kranjc"));
    // Same birth date and a similar name in another script: probable duplicate.
    create(
        &app,
        &sw,
        json!({"given_name": "Marko", "family_name": "Petrović", "birth_date": "1990-03-02"}),
    )
    .await;
    let r = app.api("POST", "/api/v1/persons", Some(&sw), Some(json!({"given_name": "Марко", "family_name": "Петровић", "birth_date": "1990-03-02"}))).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["warnings"][0]["code"], "probable-duplicate");
    // A different birth date is a different person.
    create(
        &app,
        &sw,
        json!({"given_name": "Марко", "family_name": "Петровић", "birth_date": "1991-03-02"}),
    )
    .await;
    // The override reason is in the history.
    let h = app
        .api(
            "GET",
            &format!("/api/v1/persons/{}/history", saved["id"]),
            Some(&head),
            None,
        )
        .await
        .json();
    assert_eq!(h[0]["action"], "create");
    assert_eq!(h[0]["reason"], "on the ID card");
}
both!(identity_warnings_and_override);

/// A stale version gets a conflict and changes nothing; history shows each change.
async fn versioned_edits_and_history(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    let p = create(
        &app,
        &t,
        json!({"given_name": "Nina", "family_name": "Kos", "phone": "041 111 222"}),
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["version"], 1);
    let edit = |phone: &str, version: i64| json!({"given_name": "Nina", "family_name": "Kos", "phone": phone, "version": version});
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{id}"),
            Some(&t),
            Some(edit("041 333 444", 1)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{id}"),
            Some(&t),
            Some(edit("041 999 999", 1)),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["current_version"], 2);
    let now = app
        .api("GET", &format!("/api/v1/persons/{id}"), Some(&t), None)
        .await
        .json();
    assert_eq!(now["phone"], "041 333 444");
    assert_eq!(now["version"], 2);
    // Version is required for updates.
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{id}"),
            Some(&t),
            Some(json!({"given_name": "Nina", "family_name": "Kos"})),
        )
        .await;
    assert_eq!(r.status, 400);
    // History: the update with old and new value, then the creation.
    let h = app
        .api(
            "GET",
            &format!("/api/v1/persons/{id}/history"),
            Some(&t),
            None,
        )
        .await
        .json();
    assert_eq!(h.as_array().unwrap().len(), 2);
    assert_eq!(h[0]["action"], "update");
    assert_eq!(h[0]["username"], "sw");
    assert_eq!(
        h[0]["changes"],
        json!([{"field": "phone", "old": "041 111 222", "new": "041 333 444"}])
    );
    // A renamed person is found under the new name only.
    let r = app.api("PUT", &format!("/api/v1/persons/{id}"), Some(&t),
        Some(json!({"given_name": "Nina", "family_name": "Kosec", "phone": "041 333 444", "version": 2}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(names(&app, &t, "kosec").await, vec!["Nina Kosec"]);
    assert!(
        names(&app, &t, "kos nina")
            .await
            .contains(&"Nina Kosec".to_string()),
        "prefix of the new name"
    );
}
both!(versioned_edits_and_history);

/// Every read and change of a person writes an audit record.
async fn reads_and_changes_are_audited(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    let p = create(
        &app,
        &t,
        json!({"given_name": "Tina", "family_name": "Oblak"}),
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    app.api("GET", &format!("/api/v1/persons/{id}"), Some(&t), None)
        .await;
    app.api("GET", "/api/v1/persons?q=oblak", Some(&t), None)
        .await;
    app.api(
        "PUT",
        &format!("/api/v1/persons/{id}"),
        Some(&t),
        Some(json!({"given_name": "Tina", "family_name": "Oblak", "notes": "x", "version": 1})),
    )
    .await;
    let rows: Vec<(String, Option<i64>, Option<String>)> = skrb::sql_pool!(&app.db, c => sqlx::query_as(
        "SELECT a.action, a.person_id, a.username FROM audit_log a WHERE a.entity = 'person' ORDER BY a.id").fetch_all(c).await.unwrap());
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(actions, ["create", "read", "search", "update"]);
    assert!(rows.iter().all(|r| r.2.as_deref() == Some("sw")));
    assert_eq!(rows[1].1, Some(id));
    let shown: Option<String> = skrb::sql_pool!(&app.db, c => sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE action = 'search'").fetch_one(c).await.unwrap());
    assert!(
        shown.unwrap().contains(&format!("[{id}]")),
        "the persons a search showed are recorded"
    );
    // The person page (identity, households, history) is one read, recorded once.
    let c = app.browser_login("sw").await;
    let count = "SELECT COUNT(*) FROM audit_log WHERE person_id = $1";
    let before: i64 = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(count).bind(id).fetch_one(p).await.unwrap());
    assert_eq!(app.page(&format!("/persons/{id}"), &c).await.status, 200);
    let after: Vec<String> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT action FROM audit_log WHERE person_id = $1 ORDER BY id").bind(id).fetch_all(p).await.unwrap());
    assert_eq!(after.len() as i64, before + 1);
    assert_eq!(after.last().map(String::as_str), Some("read"));
}
both!(reads_and_changes_are_audited);

/// The centre-scale generator on both databases: unique valid numbers, the search index
/// scoped to the centre, believable households; a broad search stops counting at 1,000.
async fn generated_centre_is_consistent_and_broad_search_is_capped(app: TestApp) {
    skrb::demo::prepare(&app.db, 11, skrb::demo::Scale::Centre, Some(6_000))
        .await
        .expect("generate");
    let persons = app.num("SELECT COUNT(*) FROM person").await;
    assert!((6_000..6_006).contains(&persons), "{persons}");
    assert_eq!(
        app.num("SELECT COUNT(DISTINCT emso) FROM person").await,
        persons
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person_token WHERE centre_id IS NULL")
            .await,
        0
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM person_token t WHERE t.person_id = p.id)")
            .await,
        0
    );
    let singles = app
        .num("SELECT COUNT(*) FROM (SELECT household_id FROM household_member GROUP BY household_id HAVING COUNT(*) = 1) x")
        .await;
    let large = app
        .num("SELECT COUNT(*) FROM (SELECT household_id FROM household_member GROUP BY household_id HAVING COUNT(*) >= 4) x")
        .await;
    assert!(
        singles > 50 && large > 50,
        "singles {singles}, large {large}"
    );
    // A new person gets the next id on PostgreSQL too (identities moved past the batch).
    app.user("sonja", Role::SocialWorker).await;
    skrb::auth::users::set_centre(&app.db, "sonja", "csd-velenje")
        .await
        .expect("centre");
    let t = app.token("sonja").await;
    let p = create(
        &app,
        &t,
        json!({"given_name": "Nova", "family_name": "Oseba"}),
    )
    .await;
    assert!(p["id"].as_i64().unwrap_or(0) > persons);
    // One letter (names starting with m: Marko, Maja, Mlakar, Medved...) matches more
    // than a thousand: the count stops at the cap, the list is alphabetical.
    let r = app.api("GET", "/api/v1/persons?q=m", Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["total"], skrb::registry::search::COUNT_CAP + 1);
    let names: Vec<String> = r.json()["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    skrb_domain::names::fold(&format!(
                        "{} {}",
                        p["family_name"].as_str().unwrap_or(""),
                        p["given_name"].as_str().unwrap_or("")
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "alphabetical");
    // The broad list is chosen and ordered in the search index: its pages follow each
    // other without a repeat or a gap, restricted persons of no team of hers stay out, and
    // every token carries its person's key, whichever path wrote it (the generator, the
    // API's creation and a rename).
    let pid = p["id"].as_i64().unwrap_or(0);
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/persons/{pid}"),
            Some(&t),
            Some(json!({"given_name": "Nova", "family_name": "Maček", "version": 1})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    app.exec(&format!(
        "UPDATE person SET restricted = TRUE WHERE id % 7 = 3 AND id <> {pid}"
    ))
    .await;
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person_token t JOIN person p ON p.id = t.person_id WHERE t.name_key <> p.name_key")
            .await,
        0,
        "tokens carry their person's key"
    );
    let mut listed: Vec<(String, i64)> = Vec::new();
    for page in 1..=4 {
        let r = app
            .api(
                "GET",
                &format!("/api/v1/persons?q=m&page={page}&per_page=100"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        for item in r.json()["items"].as_array().cloned().unwrap_or_default() {
            let id = item["id"].as_i64().unwrap_or(0);
            assert_ne!(id % 7, 3, "a restricted person listed: {item}");
            listed.push((
                skrb_domain::names::fold(&format!(
                    "{} {}",
                    item["family_name"].as_str().unwrap_or(""),
                    item["given_name"].as_str().unwrap_or("")
                )),
                id,
            ));
        }
    }
    assert_eq!(listed.len(), 400);
    let mut ordered = listed.clone();
    ordered.sort();
    ordered.dedup();
    assert_eq!(listed, ordered, "pages in order, none repeated");
    let expected: Vec<i64> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT p.id FROM person p WHERE p.centre_id = (SELECT id FROM centre WHERE code = 'csd-velenje') \
         AND p.restricted = FALSE AND EXISTS (SELECT 1 FROM person_token t WHERE t.person_id = p.id AND t.token LIKE 'm%') \
         ORDER BY p.name_key, p.id LIMIT 400")
        .fetch_all(p).await.unwrap_or_default());
    assert_eq!(
        listed.iter().map(|x| x.1).collect::<Vec<_>>(),
        expected,
        "no one left out"
    );
    let r = app
        .api("GET", "/api/v1/persons?q=Maček%20Nova", Some(&t), None)
        .await;
    assert_eq!(r.json()["items"][0]["id"], pid, "found under the new name");
    let c = app.browser_login("sonja").await;
    let page = app.page("/persons?q=m", &c).await;
    assert!(
        page.body.contains("1000") || page.body.contains("1.000"),
        "{}",
        page.body
    );

    // Case work: a file per twenty persons, held by active staff of the centre, numbered
    // without gaps per year, the counters where the next file continues.
    let files = app.num("SELECT COUNT(*) FROM case_file").await;
    assert!((280..=320).contains(&files), "{files}");
    assert_eq!(
        app.num("SELECT COUNT(*) FROM case_file c JOIN app_user u ON u.id = c.worker_id WHERE u.active = FALSE OR u.centre_id <> c.centre_id").await,
        0
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM case_counter k WHERE k.last <> (SELECT COUNT(*) FROM case_file c WHERE c.centre_id = k.centre_id AND c.number LIKE '%/' || CAST(k.year AS TEXT)) \
                 + (SELECT COUNT(*) FROM application a WHERE a.centre_id = k.centre_id AND a.number LIKE '%/' || CAST(k.year AS TEXT))").await,
        0,
        "files and applications share the centre's register, without gaps"
    );
    // Rights: entitlements with their decision and application, the amounts the
    // calculators give, funding that adds up, and open applications for the officers.
    let ents = app.num("SELECT COUNT(*) FROM entitlement").await;
    assert!(ents > 500, "{ents}");
    assert_eq!(
        app.num("SELECT COUNT(*) FROM entitlement e JOIN decision d ON d.id = e.decision_id JOIN application a ON a.id = d.application_id \
                 WHERE d.amount <> e.amount OR e.amount <= 0 OR a.person_id <> e.person_id OR d.entitlement_id <> e.id").await,
        0
    );
    assert!(
        app.num(
            "SELECT COUNT(*) FROM application WHERE status = 'in_procedure' AND due_on IS NOT NULL"
        )
        .await
            > 50
    );
    assert!(app.num("SELECT COUNT(*) FROM entitlement e JOIN right_type r ON r.id = e.right_id WHERE r.renews = TRUE AND e.status = 'active'").await > 100);
    assert!(
        app.num("SELECT COUNT(*) FROM case_file WHERE status = 'open'")
            .await
            > 50
    );
    assert!(
        app.num("SELECT COUNT(*) FROM case_file WHERE restricted = TRUE")
            .await
            > 0
    );
    assert!(app.num("SELECT COUNT(*) FROM case_entry").await >= files);
    assert!(app.num("SELECT COUNT(*) FROM intake").await >= files);
    assert!(
        app.num("SELECT COUNT(*) FROM task WHERE done_at IS NULL")
            .await
            > 0
    );
    let year = time::OffsetDateTime::now_utc().year();
    let before = app
        .num(&format!(
            "SELECT COALESCE(MAX(last), 0) FROM case_counter WHERE year = {year}"
        ))
        .await;
    let ty = app
        .num("SELECT id FROM case_type WHERE jurisdiction = 'SI' AND code = 'personal_help'")
        .await;
    let r = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(&t),
            Some(json!({"person_id": p["id"], "type_id": ty})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.json()["id"].as_i64().unwrap_or(0);
    assert!(case > files, "identity moved past the generated files");
    let v = app
        .api("GET", &format!("/api/v1/cases/{case}"), Some(&t), None)
        .await
        .json();
    assert_eq!(v["file"]["number"], format!("1231-{}/{year}", before + 1));
    // The demo's partner account sees its school's referrals only.
    let sola = app
        .num("SELECT partner_id FROM app_user WHERE username = 'sola'")
        .await;
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM partner WHERE id = {sola} AND kind = 'school'"
        ))
        .await,
        1
    );
}
both!(generated_centre_is_consistent_and_broad_search_is_capped);
