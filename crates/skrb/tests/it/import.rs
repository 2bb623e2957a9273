//! Bringing an old register in: a Windows-1250 CSV of persons and households with an
//! invalid row, a duplicate within the file and one of the registry is checked and
//! counted, reviewed, committed (every person audited as imported, traceable to its
//! row), the same file again imports nothing, and an export of rights becomes migrated
//! decisions with active entitlements; another centre cannot open the import.

use skrb::auth::Role;
use skrb_domain::import::{BatchStatus, Choice, Kind};
use skrb_import::batches::{self, Uploaded};
use skrb_import::commit;

use crate::both;
use crate::harness::TestApp;

async fn an_old_register_comes_in_once(app: TestApp) {
    skrb::demo::prepare(&app.db, 5, skrb::demo::Scale::Small, Some(60))
        .await
        .expect("demo");
    app.user("uvoz", Role::HeadOfUnit).await;
    skrb::auth::users::set_centre(&app.db, "uvoz", "csd-velenje")
        .await
        .expect("centre");
    app.user("drugi", Role::HeadOfUnit).await;
    skrb::auth::users::set_centre(&app.db, "drugi", "csr-trebinje")
        .await
        .expect("centre");
    let who = skrb_kit::centre::cli_actor(
        &app.db,
        &Some("csd-velenje".into()),
        &Some("uvoz".into()),
        "t",
    )
    .await
    .expect("actor");
    let other = skrb_kit::centre::cli_actor(
        &app.db,
        &Some("csr-trebinje".into()),
        &Some("drugi".into()),
        "t",
    )
    .await
    .expect("actor");
    let centre = batches::centre_of(&who).expect("centre");
    // A registered person of Velenje, whose number comes again in the file.
    let known: (i64, String) = skrb_kit::sql_pool!(&app.db, p => sqlx::query_as(
        "SELECT id, emso FROM person WHERE centre_id = $1 AND emso IS NOT NULL AND restricted = FALSE ORDER BY id LIMIT 1")
        .bind(centre).fetch_one(p).await)
    .expect("known");
    let persons_before = app.num("SELECT COUNT(*) FROM person").await;
    let text = format!(
        "Priimek;Ime;EMŠO;Datum rojstva;Spol;Občina;Gospodinjstvo;Razmerje\n\
         Čeh;Žiga;0101990500003;;M;Velenje;G1;nosilec\n\
         Čeh;Špela;0202992505003;;Ž;Velenje;G1;zakonec\n\
         Novak;Ana;123;;Ž;Velenje;;\n\
         Ceh;Ziga;0101990500003;;M;Velenje;;\n\
         Registrirana;Oseba;{};;;;;\n\
         Kovač;Jure;;3.4.1985;moški;Šoštanj;;\n",
        known.1
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(&text);
    let bytes = bytes.into_owned();
    let up = batches::upload(
        &app.db,
        &who,
        centre,
        Kind::Persons,
        "stara.csv",
        bytes.clone(),
        None,
        None,
    )
    .await
    .expect("upload");
    let Uploaded::New(id) = up else {
        panic!("a new import")
    };
    let (b, _) = batches::get(&app.db, &who, id).await.expect("get");
    assert_eq!(b.encoding.as_deref(), Some("windows-1250"));
    assert_eq!(b.headings[2], "EMŠO");
    // Another centre's head cannot open it.
    assert!(batches::get(&app.db, &other, id).await.is_err());
    let settings = b.settings.clone().expect("guessed");
    assert_eq!(
        settings.columns.get("emso").map(String::as_str),
        Some("EMŠO")
    );
    let c = batches::check(&app.db, &who, id, settings, &mut |_| {})
        .await
        .expect("check");
    let bad = batches::rows(
        &app.db,
        &who,
        id,
        Some(skrb_domain::import::RowStatus::Invalid),
        0,
        10,
    )
    .await
    .expect("rows");
    assert_eq!(
        (c.rows, c.valid, c.invalid, c.duplicates),
        (6, 3, 1, 2),
        "{c:?} {bad:?}"
    );
    let invalid = batches::rows(
        &app.db,
        &who,
        id,
        Some(skrb_domain::import::RowStatus::Invalid),
        0,
        10,
    )
    .await
    .expect("rows");
    assert_eq!(invalid[0].row_no, 4);
    assert!(invalid[0].problems.iter().any(|p| p.field == "emso"));
    let l = skrb_kit::i18n::Locale::Sl;
    assert!(
        invalid[0].problems[0].render(l).starts_with("EMŠO"),
        "{}",
        invalid[0].problems[0].render(l)
    );
    // The refused rows as a file to fix: the file's columns, then why.
    let d = skrb_import::invalid::download(
        &app.db,
        &app.db,
        &who,
        id,
        l,
        skrb_kit::export::Format::Csv,
    )
    .await
    .expect("download");
    assert_eq!(d.rows, 1);
    // Review: the registered person is merged, the row repeated in the file is skipped.
    batches::decide(&app.db, &who, id, Some(6), Choice::Merge, false)
        .await
        .expect("merge");
    batches::decide(&app.db, &who, id, Some(5), Choice::Skip, false)
        .await
        .expect("skip");
    // In sets of three rows written two at a time, so that a household and the merge
    // reach across chunks and transactions; told after each chunk.
    let mut told = Vec::new();
    let sets = commit::Sets { rows: 3, chunk: 2 };
    let c = commit::commit(&app.db, &who, id, sets, &mut |done, _| told.push(done))
        .await
        .expect("commit");
    assert_eq!(
        (c.imported, c.skipped, c.undecided, c.remaining),
        (4, 1, 0, 0),
        "{c:?}"
    );
    assert_eq!(told, [2, 3, 4]);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person").await,
        persons_before + 3
    );
    let (b, _) = batches::get(&app.db, &who, id).await.expect("get");
    assert_eq!(b.status, BatchStatus::Committed);
    // One household of two, its head first; Jure's municipality by its name.
    let hh = app
        .num(&format!("SELECT COUNT(*) FROM household_member hm JOIN import_row r ON r.target_id = hm.person_id AND r.batch_id = {id} WHERE r.group_key = 'G1'"))
        .await;
    assert_eq!(hh, 2);
    assert_eq!(
        app.num(&format!("SELECT COUNT(*) FROM household_member hm JOIN person p ON p.id = hm.person_id JOIN import_row r ON r.target_id = p.id AND r.batch_id = {id} WHERE p.given_name = 'Žiga' AND hm.relationship = 'head'")).await,
        1
    );
    assert_eq!(app.num(&format!("SELECT COUNT(*) FROM person p JOIN import_row r ON r.target_id = p.id AND r.batch_id = {id} WHERE p.given_name = 'Jure' AND p.sex = 'M' AND p.municipality_id IS NOT NULL")).await, 1);
    // Every new person audited as imported, from which file and row.
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'person' AND reason LIKE '%stara.csv%'").await,
        3
    );
    // The same file again imports nothing.
    let again = batches::upload(
        &app.db,
        &who,
        centre,
        Kind::Persons,
        "stara.csv",
        bytes,
        None,
        None,
    )
    .await
    .expect("again");
    assert_eq!(again, Uploaded::Again(id));
    // A later export with the same rows and the invalid one fixed: only that row is new.
    let fixed = text.replace(";123;", ";0303993505008;");
    let up = batches::upload(
        &app.db,
        &who,
        centre,
        Kind::Persons,
        "popravljena.csv",
        fixed.into_bytes(),
        None,
        None,
    )
    .await
    .expect("upload fixed");
    let id2 = up.id();
    let (b2, _) = batches::get(&app.db, &who, id2).await.expect("get");
    let c = batches::check(&app.db, &who, id2, b2.settings.expect("s"), &mut |_| {})
        .await
        .expect("check");
    // The skipped repetition of Žiga is now a duplicate of the registered Žiga.
    assert_eq!((c.already, c.valid, c.duplicates), (4, 1, 1), "{c:?}");

    // Rights of the old system: migrated decisions with active entitlements.
    let right: String = skrb_kit::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT code FROM right_type WHERE jurisdiction = 'SI' AND pays = TRUE AND periodic = TRUE AND active = TRUE ORDER BY code LIMIT 1")
        .fetch_one(p).await)
    .expect("right");
    let rights = format!(
        "EMŠO,Pravica,Znesek,Velja od,Številka odločbe\n0101990500003,{right},\"123,45\",1.1.2026,1220-1/2025\n0101990500003,XYZ,\"10,00\",1.1.2026,1220-2/2025\n"
    );
    let (id3, c) = checked(
        &app,
        &who,
        centre,
        Kind::Entitlements,
        "pravice.csv",
        rights,
    )
    .await;
    assert_eq!((c.valid, c.invalid), (1, 1), "{c:?}");
    let c = commit::commit(&app.db, &who, id3, commit::Sets::default(), &mut |_, _| {})
        .await
        .expect("commit");
    assert_eq!(c.imported, 1);
    assert_eq!(
        app.num("SELECT COUNT(*) FROM entitlement e JOIN person p ON p.id = e.person_id JOIN decision d ON d.id = e.decision_id \
                 WHERE p.emso = '0101990500003' AND e.status = 'active' AND e.amount = 12345 AND d.number = '1220-1/2025' \
                 AND d.entitlement_id = e.id AND d.status = 'issued'").await,
        1
    );
}
both!(an_old_register_comes_in_once);

/// The API: the file as the body, mapped and checked at once; the rows, the review's
/// decisions and the commit; the imported right paid by the next run; and who may not.
async fn through_the_api_and_paid_by_the_next_run(app: TestApp) {
    use axum::body::Body;
    use axum::http::{header, Request};
    skrb::demo::prepare(&app.db, 5, skrb::demo::Scale::Small, Some(60))
        .await
        .expect("demo");
    for (name, role, centre) in [
        ("uvoz", Role::HeadOfUnit, Some("csd-velenje")),
        ("fin", Role::FinanceOfficer, Some("csd-velenje")),
        ("drugi", Role::HeadOfUnit, Some("csr-trebinje")),
        ("soc", Role::SocialWorker, Some("csd-velenje")),
        ("min", Role::Ministry, None),
    ] {
        app.user(name, role).await;
        if let Some(c) = centre {
            skrb::auth::users::set_centre(&app.db, name, c)
                .await
                .expect("centre");
        }
    }
    let (t, other, soc, min) = (
        app.token("uvoz").await,
        app.token("drugi").await,
        app.token("soc").await,
        app.token("min").await,
    );
    let upload = |token: String, path: &'static str, body: Vec<u8>| {
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(body))
            .expect("request");
        app.send(req)
    };
    let persons = "Priimek;Ime;EMŠO\nLazar;Mojca;0404994505002\nLazar;Mojca;0404994505002\n"
        .as_bytes()
        .to_vec();
    // Who may not bring a file in: a social worker, the ministry.
    for tok in [&soc, &min] {
        let r = upload(
            tok.clone(),
            "/api/v1/imports?kind=persons&file_name=a.csv",
            persons.clone(),
        )
        .await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    let r = upload(t.clone(), "/api/v1/imports?kind=nobody", persons.clone()).await;
    assert_eq!(r.status, 422, "an unknown kind: {}", r.body);
    let r = upload(
        t.clone(),
        "/api/v1/imports?kind=persons&file_name=a.csv",
        persons.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    let id = v["import"]["id"].as_i64().expect("id");
    assert_eq!(
        (
            v["counts"]["valid"].as_i64(),
            v["counts"]["duplicates"].as_i64()
        ),
        (Some(1), Some(1)),
        "{v}"
    );
    // Another centre's head of unit sees nothing of it.
    let r = app
        .api("GET", &format!("/api/v1/imports/{id}"), Some(&other), None)
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = app
        .api(
            "GET",
            &format!("/api/v1/imports/{id}/rows?status=duplicate"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(r.json()[0]["match_row"].as_i64(), Some(2), "{}", r.body);
    let r = app
        .api(
            "POST",
            &format!("/api/v1/imports/{id}/decisions"),
            Some(&t),
            Some(serde_json::json!({"row": 3, "choice": "maybe"})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = app
        .api(
            "POST",
            &format!("/api/v1/imports/{id}/decisions"),
            Some(&t),
            Some(serde_json::json!({"row": 3, "choice": "merge"})),
        )
        .await;
    assert_eq!(r.json()["decided"].as_i64(), Some(1), "{}", r.body);
    let r = app
        .api(
            "POST",
            &format!("/api/v1/imports/{id}/commit"),
            Some(&t),
            None,
        )
        .await;
    let v = r.json();
    assert_eq!(
        (
            v["counts"]["imported"].as_i64(),
            v["import"]["status"].as_str()
        ),
        (Some(2), Some("committed")),
        "{v}"
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person WHERE emso = '0404994505002'")
            .await,
        1,
        "the repeated row merged into the first"
    );
    // Again: the same import, nothing new.
    let r = upload(
        t.clone(),
        "/api/v1/imports?kind=persons&file_name=a.csv",
        persons,
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.json()["import"]["id"].as_i64()),
        (200, Some(id))
    );

    // A right of the old system, paid by the next run from the centre's account.
    let right: String = skrb_kit::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT r.code FROM right_type r WHERE r.jurisdiction = 'SI' AND r.pays = TRUE AND r.periodic = TRUE AND r.active = TRUE \
         AND EXISTS (SELECT 1 FROM entitlement e WHERE e.right_id = r.id AND e.centre_id = (SELECT id FROM centre WHERE code = 'csd-velenje')) \
         ORDER BY r.code LIMIT 1")
        .fetch_one(p).await)
    .expect("right");
    let rights = format!("EMŠO;Pravica;Znesek;Velja od;Številka odločbe\n0404994505002;{right};150,00;1.1.2026;1220-9/2025\n");
    let r = upload(
        t.clone(),
        "/api/v1/imports?kind=entitlements&file_name=p.csv",
        rights.into_bytes(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.json()["import"]["id"].as_i64().expect("id");
    let r = app
        .api(
            "POST",
            &format!("/api/v1/imports/{rid}/commit"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(
        r.json()["counts"]["imported"].as_i64(),
        Some(1),
        "{}",
        r.body
    );
    let ent = app
        .num("SELECT e.id FROM entitlement e JOIN person p ON p.id = e.person_id WHERE p.emso = '0404994505002' AND e.status = 'active'")
        .await;
    let today = skrb_kit::clock::Zone::default().date_of(time::OffsetDateTime::now_utc());
    let next = today.replace_day(1).expect("first") + time::Duration::days(32);
    let month = format!("{}-{:02}", next.year(), u8::from(next.month()));
    let out = crate::payments::finish(crate::payments::spawn(
        &app.url,
        &[
            "payments", "run", "--month", &month, "--kind", "extra", "--as", "fin",
        ],
    ));
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM payment_line WHERE entitlement_id = {ent} AND amount > 0"
        ))
        .await,
        1,
        "{out}"
    );
}
both!(through_the_api_and_paid_by_the_next_run);

/// A progress line of the commit before its end: "written 4000 / 30000 …".
fn partly_written(line: &str) -> bool {
    let Some(rest) = line.trim_start_matches('\r').strip_prefix("written ") else {
        return false;
    };
    let mut n = rest
        .split([' ', '/'])
        .filter(|w| !w.is_empty())
        .map(|w| w.parse::<u64>().unwrap_or(0));
    matches!((n.next(), n.next()), (Some(done), Some(total)) if done > 0 && done < total)
}

/// `kill -9` of a real `skrb import` in the middle of its commit, and at its start; run
/// again, every row is in once, none is missing, and the file a third time imports
/// nothing.
async fn kill_nine_leaves_no_duplicate_and_no_gap(app: TestApp) {
    use crate::payments::{finish, kill_when, spawn};
    skrb::demo::prepare(&app.db, 5, skrb::demo::Scale::Small, Some(60))
        .await
        .expect("demo");
    const N: i64 = 30_000;
    let mut text = String::from("Priimek;Ime;EMŠO;Gospodinjstvo\n");
    for i in 0..N {
        // 8,148 birth dates (97 years to 2025, 12 months, 28 days), a serial for each repeat.
        let month = time::Month::try_from(1 + (i % 12) as u8).expect("month");
        let born =
            time::Date::from_calendar_date(1929 + (i % 97) as i32, month, 1 + (i % 28) as u8)
                .expect("date");
        let n = skrb_domain::emso::compose(born, 50, (i / 8148) as u16);
        text.push_str(&format!(
            "Priimek{};Ime{};{};H{}\n",
            i % 997,
            i,
            n.as_str(),
            i / 3
        ));
    }
    let file = std::env::temp_dir().join(format!(
        "skrb-import-kill-{}-{}.csv",
        std::process::id(),
        app.is_postgres()
    ));
    std::fs::write(&file, &text).expect("file");
    let f = file.to_string_lossy().to_string();
    let args = [
        "import",
        "persons",
        &f,
        "--centre",
        "csd-velenje",
        "--duplicates",
        "skip",
        // Sets smaller than the file, so that the kill falls after some have committed.
        "--rows-per-commit",
        "10000",
    ];
    let before = app.num("SELECT COUNT(*) FROM person").await;
    let unique = app.num("SELECT COUNT(DISTINCT emso) FROM person").await;
    assert!(
        kill_when(&app.url, &args, partly_written, 120_000),
        "killed after the first sets"
    );
    let written = app.num("SELECT COUNT(*) FROM person").await - before;
    let ours = "batch_id IN (SELECT id FROM import_batch WHERE file_name LIKE 'skrb-import-kill%')";
    let marked = app
        .num(&format!(
            "SELECT COUNT(*) FROM import_row WHERE target_id IS NOT NULL AND {ours}"
        ))
        .await;
    assert!(written > 0 && written < N, "part of it: {written}");
    assert_eq!(
        written, marked,
        "every person written is marked on its row, and no other"
    );
    // Killed at once (while it reads, checks or writes), then to the end.
    kill_when(&app.url, &args, |_| false, 300);
    let out = finish(spawn(&app.url, &args));
    let imported = app.num("SELECT COUNT(*) FROM person").await - before;
    let dups = app
        .num(&format!(
            "SELECT COUNT(*) FROM import_row WHERE status = 'duplicate' AND {ours}"
        ))
        .await;
    assert_eq!(imported + dups, N, "{out}");
    assert_eq!(
        app.num("SELECT COUNT(DISTINCT emso) FROM person").await,
        unique + imported,
        "no person twice"
    );
    assert_eq!(
        app.num(&format!("SELECT COUNT(*) FROM import_row WHERE status IN ('valid', 'warned') AND target_id IS NULL AND {ours}")).await,
        0,
        "no row left out"
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'person' AND reason LIKE '%skrb-import-kill%'").await,
        imported
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM import_batch WHERE file_name LIKE 'skrb-import-kill%'")
            .await,
        1
    );
    // The same file again imports nothing.
    let out = finish(spawn(&app.url, &args));
    assert!(out.contains("nothing new"), "{out}");
    assert_eq!(
        app.num("SELECT COUNT(*) FROM person").await - before,
        imported
    );
    let _ = std::fs::remove_file(&file);
}
both!(kill_nine_leaves_no_duplicate_and_no_gap);

/// Uploads a file and checks it with the settings guessed from it; the batch and its counts.
async fn checked(
    app: &TestApp,
    who: &skrb_kit::audit::Actor,
    centre: i64,
    kind: Kind,
    name: &str,
    text: String,
) -> (i64, batches::Counts) {
    let id = batches::upload(
        &app.db,
        who,
        centre,
        kind,
        name,
        text.into_bytes(),
        None,
        None,
    )
    .await
    .expect("upload")
    .id();
    let (b, _) = batches::get(&app.db, who, id).await.expect("get");
    let c = batches::check(&app.db, who, id, b.settings.expect("guessed"), &mut |_| {})
        .await
        .expect("check");
    (id, c)
}

async fn who_of(db: &skrb::db::Db) -> skrb_kit::audit::Actor {
    skrb_kit::centre::cli_actor(db, &Some("csd-velenje".into()), &Some("uvoz".into()), "t")
        .await
        .expect("actor")
}

async fn centre_of(db: &skrb::db::Db) -> i64 {
    batches::centre_of(&who_of(db).await).expect("centre")
}

/// Open case files through the CLI, foster carers with their children through the
/// library: the report's findings (a worker the centre lacks, a kind of case that does
/// not exist, a file open already, a number in the file twice, a child not registered),
/// the files with their old numbers and workers, the carers approved with their permits,
/// the children placed and paid by the next run; another centre cannot see the import.
async fn case_files_and_foster_carers_come_in(app: TestApp) {
    use crate::payments::{finish, spawn};
    skrb::demo::prepare(&app.db, 5, skrb::demo::Scale::Small, Some(60))
        .await
        .expect("demo");
    for (name, role) in [("uvoz", Role::HeadOfUnit), ("fin", Role::FinanceOfficer)] {
        app.user(name, role).await;
        skrb::auth::users::set_centre(&app.db, name, "csd-velenje")
            .await
            .expect("centre");
    }
    let velenje = "(SELECT id FROM centre WHERE code = 'csd-velenje')";
    let free = |n: i64, born: &str| {
        format!(
            "SELECT p.emso FROM person p WHERE p.centre_id = {velenje} AND p.restricted = FALSE AND p.emso IS NOT NULL \
             AND p.birth_date {born} AND NOT EXISTS (SELECT 1 FROM case_file f WHERE f.person_id = p.id) \
             AND NOT EXISTS (SELECT 1 FROM foster_carer c WHERE c.person_id = p.id) \
             AND NOT EXISTS (SELECT 1 FROM placement pl WHERE pl.person_id = p.id) ORDER BY p.id LIMIT {n}"
        )
    };
    let db = &app.db;
    let emsos = |q: String| async move {
        skrb_kit::sql_pool!(db, p => sqlx::query_scalar::<_, String>(&q).fetch_all(p).await)
            .expect("persons")
    };
    let adults = emsos(free(4, "< '1985-01-01'")).await;
    let children = emsos(free(3, "> '2012-01-01'")).await;
    assert_eq!((adults.len(), children.len()), (4, 3));
    let (ty, ty_name): (i64, String) = skrb_kit::sql_pool!(&app.db, p => sqlx::query_as(
        "SELECT id, name_sl FROM case_type WHERE jurisdiction = 'SI' AND active = TRUE AND opens_restricted = FALSE ORDER BY id LIMIT 1")
        .fetch_one(p).await)
    .expect("type");
    let worker = app
        .num("SELECT id FROM app_user WHERE username = 'socialna'")
        .await;
    // A person with a file of this kind open already.
    let open: String = skrb_kit::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT p.emso FROM case_file f JOIN person p ON p.id = f.person_id WHERE f.centre_id = (SELECT id FROM centre WHERE code = 'csd-velenje') \
         AND f.type_id = $1 AND f.status = 'open' AND p.emso IS NOT NULL ORDER BY f.id LIMIT 1")
        .bind(ty).fetch_one(p).await)
    .unwrap_or_default();
    let cases = format!(
        "EMŠO;Vrsta zadeve;Strokovni delavec;Odprto;Številka zadeve;Opis\n\
         {a0};{ty_name};Sonja Socialna;3.2.2021;STARA-1/2021;Prevzeto iz stare evidence\n\
         {a1};{ty_name};socialna;;STARA-2/2021;\n\
         {a2};{ty_name};Nihče;;;\n\
         {a3};Neobstoječa vrsta;socialna;;;\n\
         {a1};{ty_name};socialna;;;\n\
         {a3};{ty_name};socialna;;STARA-1/2021;\n\
         {open};{ty_name};socialna;;;\n",
        a0 = adults[0],
        a1 = adults[1],
        a2 = adults[2],
        a3 = adults[3],
    );
    let file = std::env::temp_dir().join(format!(
        "skrb-import-cases-{}-{}.csv",
        std::process::id(),
        app.is_postgres()
    ));
    std::fs::write(&file, encoding_rs::WINDOWS_1250.encode(&cases).0).expect("file");
    let f = file.to_string_lossy().to_string();
    let args = [
        "import",
        "cases",
        &f,
        "--centre",
        "csd-velenje",
        "--user",
        "uvoz",
        "--duplicates",
        "skip",
    ];
    let out = finish(spawn(&app.url, &args));
    // Rows 2-3 go in; 4 (no such worker), 5 (no such kind), 7 (the number twice) are
    // refused; 6 repeats row 3 and 8 is open already: duplicates, skipped.
    assert!(
        out.contains("rows 7: valid 2, with warnings 0, invalid 3, duplicates 2"),
        "{out}"
    );
    let (number, by, opened): (String, i64, time::Date) = skrb_kit::sql_pool!(&app.db, p => sqlx::query_as(
        "SELECT f.number, f.worker_id, f.opened_on FROM case_file f JOIN person p ON p.id = f.person_id WHERE p.emso = $1 AND f.status = 'open'")
        .bind(&adults[0]).fetch_one(p).await)
    .expect("file");
    assert_eq!(
        (number.as_str(), by, opened),
        ("STARA-1/2021", worker, time::macros::date!(2021 - 02 - 03))
    );
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND entity = 'case_file' AND reason LIKE '%skrb-import-cases%'")
            .await,
        2
    );
    // The same file again: nothing new.
    let out = finish(spawn(&app.url, &args));
    assert!(out.contains("nothing new"), "{out}");
    let _ = std::fs::remove_file(&file);
    // An old number the centre's counter reaches next: the counter passes over it.
    let year = skrb_kit::clock::Zone::default()
        .date_of(time::OffsetDateTime::now_utc())
        .year();
    let (pattern, code, class): (String, String, String) = skrb_kit::sql_pool!(&app.db, p => sqlx::query_as(
        "SELECT c.file_pattern, c.code, t.class_code FROM centre c, case_type t WHERE c.code = 'csd-velenje' AND t.id = $1")
        .bind(ty).fetch_one(p).await)
    .expect("pattern");
    let last = app
        .num(&format!(
            "SELECT COALESCE(MAX(last), 0) FROM case_counter WHERE centre_id = {velenje} AND year = {year}"
        ))
        .await;
    let next = pattern
        .replace("{class}", &class)
        .replace("{seq}", &(last + 1).to_string())
        .replace("{year}", &year.to_string())
        .replace("{centre}", &code);
    let again = format!(
        "EMŠO;Vrsta zadeve;Strokovni delavec;Številka zadeve\n{c0};{ty_name};socialna;{next}\n{c1};{ty_name};socialna;\n",
        c0 = children[0],
        c1 = children[1],
    );
    let who = who_of(&app.db).await;
    let (id, _) = checked(
        &app,
        &who,
        centre_of(&app.db).await,
        Kind::Cases,
        "spisi-2.csv",
        again,
    )
    .await;
    let c = commit::commit(&app.db, &who, id, commit::Sets::default(), &mut |_, _| {})
        .await
        .expect("commit");
    assert_eq!(c.imported, 2, "{c:?}");
    let numbers: Vec<String> = skrb_kit::sql_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT f.number FROM case_file f JOIN person p ON p.id = f.person_id WHERE p.emso IN ($1, $2) ORDER BY p.emso = $1 DESC")
        .bind(&children[0]).bind(&children[1]).fetch_all(p).await)
    .expect("numbers");
    assert_eq!(numbers.len(), 2);
    assert_eq!(numbers[0], next);
    assert_ne!(numbers[1], next, "the counter passed over the old number");

    // Foster carers: the first with two children, the second without one yet, the third
    // with a child the centre has not registered.
    let who = skrb_kit::centre::cli_actor(
        &app.db,
        &Some("csd-velenje".into()),
        &Some("uvoz".into()),
        "t",
    )
    .await
    .expect("actor");
    let centre = batches::centre_of(&who).expect("centre");
    let stranger = skrb_domain::emso::compose(time::macros::date!(2016 - 05 - 05), 50, 981);
    let carers = format!(
        "EMŠO rejnika;Vrsta rejništva;Številka dovoljenja;Dovoljenje od;Največ otrok;EMŠO otroka;Vrsta namestitve;Številka sklepa;Nameščen od;Sodišče\n\
         {a2};Redno;1221-1/2020;1.3.2020;3;{c0};celodnevna;1220-7/2021;1.4.2021;Okrožno sodišče v Celju\n\
         {a2};Redno;1221-1/2020;1.3.2020;3;{c1};vikend;1220-8/2022;15.6.2022;\n\
         {a3};Sorodniško;1221-2/2023;1.9.2023;1;;;;;\n\
         {a3};Sorodniško;1221-2/2023;1.9.2023;1;{s};;1220-9/2024;1.2.2024;\n\
         {a3};Sorodniško;1221-2/2023;1.9.2023;1;{c2};;1220-9/2024;1.2.2022;\n",
        a2 = adults[2],
        a3 = adults[3],
        c0 = children[0],
        c1 = children[1],
        c2 = children[2],
        s = stranger.as_str(),
    );
    let (id, c) = checked(&app, &who, centre, Kind::Carers, "rejniki.csv", carers).await;
    let bad = batches::rows(
        &app.db,
        &who,
        id,
        Some(skrb_domain::import::RowStatus::Invalid),
        0,
        10,
    )
    .await
    .expect("rows");
    assert_eq!((c.rows, c.valid, c.invalid), (5, 3, 2), "{bad:?}");
    let keys: Vec<&str> = bad.iter().map(|r| r.problems[0].key.as_str()).collect();
    assert_eq!(
        keys,
        ["import-err-no-person", "placements-err-before-permit"]
    );
    // Trebinje's head of unit cannot open Velenje's import.
    let other = skrb_kit::centre::cli_actor(
        &app.db,
        &Some("csr-trebinje".into()),
        &Some("trebinje-vodja".into()),
        "t",
    )
    .await
    .expect("actor");
    assert!(batches::get(&app.db, &other, id).await.is_err());
    let c = commit::commit(&app.db, &who, id, commit::Sets::default(), &mut |_, _| {})
        .await
        .expect("commit");
    assert_eq!(c.imported, 3);
    let carer = |emso: &str| {
        format!(
            "SELECT fc.id FROM foster_carer fc JOIN person p ON p.id = fc.person_id WHERE p.emso = '{emso}' \
             AND fc.status = 'approved' AND fc.centre_id = {velenje}"
        )
    };
    let first = app.num(&carer(&adults[2])).await;
    let second = app.num(&carer(&adults[3])).await;
    assert!(first > 0 && second > 0);
    assert_eq!(
        app.num(&format!(
            "SELECT max_children FROM foster_carer WHERE id = {first}"
        ))
        .await,
        3
    );
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM placement WHERE carer_id = {first} AND end_on IS NULL"
        ))
        .await,
        2
    );
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM placement WHERE carer_id = {second}"
        ))
        .await,
        0
    );
    // The children's foster payments are paid by the next run.
    let today = skrb_kit::clock::Zone::default().date_of(time::OffsetDateTime::now_utc());
    let next = today.replace_day(1).expect("first") + time::Duration::days(32);
    let month = format!("{}-{:02}", next.year(), u8::from(next.month()));
    let out = finish(spawn(
        &app.url,
        &[
            "payments", "run", "--month", &month, "--kind", "extra", "--as", "fin",
        ],
    ));
    assert_eq!(
        app.num(&format!(
            "SELECT COUNT(*) FROM payment_line l JOIN entitlement e ON e.id = l.entitlement_id \
             JOIN placement pl ON pl.id = e.placement_id WHERE pl.carer_id = {first} AND l.amount > 0"
        ))
        .await,
        2,
        "{out}"
    );
}
both!(case_files_and_foster_carers_come_in);
