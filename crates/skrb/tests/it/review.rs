//! The defects a user review of the screens found (issue 19), each with the check that
//! would have caught it, on the demo as a new user sees it: signed in as the demo's
//! social worker, rights officer, finance officer, director and auditor of CSD Velenje.

use skrb::auth::sessions::{self, Kind, Stage};
use time::macros::datetime;

use crate::harness::{life, Backend, TestApp};
use crate::{both, harness::Journey};

/// The demo at the small scale; returns a function for each user's cookie.
async fn demo(app: &TestApp) {
    skrb::demo::prepare(&app.db, 1, skrb::demo::Scale::Small, Some(150))
        .await
        .expect("demo");
    app.exec("UPDATE role_setting SET totp_required = FALSE")
        .await;
}

async fn cookie(app: &TestApp, user: &str, lang: &str) -> String {
    let uid = app
        .num(&format!(
            "SELECT id FROM app_user WHERE username = '{user}'"
        ))
        .await;
    let (token, _) = sessions::create(&app.db, uid, Kind::Web, Stage::Full, life())
        .await
        .expect("session");
    format!("skrb_session={token}; skrb_lang={lang}")
}

/// An open file of an unrestricted person in Velenje, made the demo social worker's.
async fn socialnas_file(app: &TestApp) -> i64 {
    let case = app
        .num(&format!(
            "SELECT MIN(c.id) FROM case_file c JOIN person p ON p.id = c.person_id \
             WHERE c.centre_id = {VELENJE} AND c.status = 'open' AND c.restricted = FALSE AND p.restricted = FALSE"
        ))
        .await;
    app.exec(&format!(
        "UPDATE case_file SET worker_id = (SELECT id FROM app_user WHERE username = 'socialna') WHERE id = {case}"
    ))
    .await;
    case
}

const VELENJE: &str = "(SELECT id FROM centre WHERE code = 'csd-velenje')";

async fn review_defects(app: TestApp) {
    let j = Journey::new("review defects");
    demo(&app).await;
    let pravice = cookie(&app, "pravice", "sl").await;

    j.step("1. the calculation form's labels have their values, in every language");
    let open = app
        .num(&format!(
            "SELECT MIN(a.id) FROM application a JOIN person p ON p.id = a.person_id WHERE a.centre_id = {VELENJE} AND a.status IN ('received', 'incomplete', 'in_procedure') AND p.restricted = FALSE"
        ))
        .await;
    for lang in ["sl", "sr-Cyrl", "sr-Latn", "en"] {
        let c = cookie(&app, "pravice", lang).await;
        let r = app.page(&format!("/applications/{open}"), &c).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("id=\"calc-form\""),
            "an open application has its calculation form"
        );
        assert!(
            !r.body.contains("{$") && !r.body.contains("{ $"),
            "{lang}: a raw placeholder"
        );
    }

    j.step("2. the catalogue names parameters and shares, no keys");
    let r = app.page("/rights", &pravice).await;
    assert_eq!(r.status, 200);
    for key in [
        "si.dsp.w.child",
        "si.ozmd",
        "entity:",
        "municipality:",
        "state:",
    ] {
        assert!(!r.body.contains(key), "the catalogue shows {key}");
    }
    assert!(
        r.body.contains("Osnovni minimalni dohodek (OZMD)"),
        "a parameter's name"
    );
    assert!(r.body.contains("država 100 %"), "a payer's share");
    assert!(
        !r.body.contains("average net wage"),
        "an English note in Slovenian"
    );

    j.step("3. a decided application shows no deadline countdown; the household has names");
    let decided = app
        .num(&format!(
            "SELECT MIN(a.id) FROM application a JOIN decision d ON d.application_id = a.id JOIN person p ON p.id = a.person_id \
             WHERE a.centre_id = {VELENJE} AND a.status = 'decided' AND d.status = 'issued' AND p.restricted = FALSE"
        ))
        .await;
    let r = app
        .page(&format!("/applications/{decided}"), &pravice)
        .await;
    assert_eq!(r.status, 200);
    let due = r
        .body
        .split("id=\"app-due\"")
        .nth(1)
        .expect("deadline")
        .split("</dd>")
        .next()
        .unwrap_or("");
    assert!(
        !due.contains("zamud") && !due.contains("dni"),
        "a decided application counts days: {due}"
    );
    // Every member the demo calculated with has the registry's name.
    let nameless = app
        .num(&format!(
            "SELECT COUNT(*) FROM application WHERE centre_id = {VELENJE} AND input LIKE '%\"name\":\"\"%'"
        ))
        .await;
    assert_eq!(nameless, 0, "applications with members without a name");

    j.step("5. the decision's PDF is linked from the application; applicants are adults");
    let dec = app
        .num(&format!(
            "SELECT MIN(id) FROM decision WHERE application_id = {decided} AND status = 'issued'"
        ))
        .await;
    assert!(
        r.body
            .contains(&format!("href=\"/decisions/{dec}/document\"")),
        "the PDF is linked"
    );
    let pdf = app
        .page(&format!("/decisions/{dec}/document"), &pravice)
        .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF-"));
    let minors = app
        .num(
            "SELECT COUNT(*) FROM application a JOIN person p ON p.id = a.person_id \
             WHERE p.birth_date > a.received_on",
        )
        .await;
    assert_eq!(minors, 0, "an applicant born after applying");
    let children = app
        .num(&format!(
            "SELECT COUNT(*) FROM application a JOIN person p ON p.id = a.person_id \
             WHERE a.centre_id = {VELENJE} AND p.birth_date > '{}'",
            time::OffsetDateTime::now_utc()
                .date()
                .replace_year(2026 - 18)
                .map(|d| d.to_string())
                .unwrap_or_default()
        ))
        .await;
    assert_eq!(children, 0, "an applicant under 18");

    j.step("6. my work shows each role's real work");
    let r = app.page("/work", &pravice).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("id=\"work-procedures\""),
        "the rights officer's procedures"
    );
    assert!(r.body.contains("/applications/"), "with their applications");
    assert!(!r.body.contains("id=\"work-nothing\""));
    let finance = cookie(&app, "finance", "sl").await;
    let r = app.page("/work", &finance).await;
    assert_eq!(r.status, 200);
    assert!(
        !r.body.contains("id=\"tasks\""),
        "finance has no case tasks"
    );

    j.step("4. the approver sees, filters and sorts the run's lines");
    let run = app
        .num(&format!("SELECT MAX(id) FROM payment_run WHERE centre_id = {VELENJE} AND first_line IS NOT NULL"))
        .await;
    let direktor = cookie(&app, "direktor", "sl").await;
    let r = app.page(&format!("/payments/runs/{run}"), &direktor).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("id=\"run-lines\""),
        "the lines are on the run's page"
    );
    let lines = app
        .num(&format!(
            "SELECT COUNT(*) FROM payment_line WHERE run_id = {run}"
        ))
        .await;
    assert!(
        r.body.contains(&format!("id=\"lines-count\">{lines} ")),
        "{lines} lines counted"
    );
    // By amount, largest first: the first row holds the largest amount.
    let top = app
        .num(&format!(
            "SELECT MAX(amount) FROM payment_line WHERE run_id = {run}"
        ))
        .await;
    let r = app
        .page(&format!("/payments/runs/{run}?sort=-amount"), &direktor)
        .await;
    let first_row = r
        .body
        .split("<tbody>")
        .last()
        .and_then(|b| b.split("</tr>").next())
        .unwrap_or("");
    let shown = skrb::i18n::fmt_money(skrb::i18n::Locale::Sl, top, "EUR");
    assert!(
        first_row.contains(&shown),
        "sorted by amount: {first_row} has no {shown}"
    );
    // Filtered to one payee by name.
    let payee: String = skrb::sql_pool!(&app.db, p => sqlx::query_scalar::<_, String>(&format!("SELECT payee FROM payment_line WHERE run_id = {run} ORDER BY id LIMIT 1")).fetch_one(p).await.expect("payee"));
    let r = app
        .page(
            &format!("/payments/runs/{run}?q={}", crate::harness::enc(&payee)),
            &direktor,
        )
        .await;
    assert!(r.body.contains(&payee));
    let n = app
        .num(&format!(
            "SELECT COUNT(*) FROM payment_line WHERE run_id = {run} AND payee = '{}'",
            payee.replace('\'', "''")
        ))
        .await;
    assert!(
        r.body.contains(&format!("id=\"lines-count\">{n} ")),
        "filtered to {payee}"
    );
    // The summary shows each right and payer once.
    let summary = r
        .body
        .split("id=\"summary\"")
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .unwrap_or("");
    let mut firsts: Vec<String> = summary
        .split("<tr>")
        .skip(2)
        .map(|r| r.split("</td>").take(2).collect::<Vec<_>>().join("|"))
        .collect();
    let all = firsts.len();
    firsts.sort();
    firsts.dedup();
    assert!(all > 0, "the summary has rows");
    assert_eq!(firsts.len(), all, "a right and payer twice in the summary");

    j.step("the header's search: a file number opens the file, a name searches persons");
    let (file, number): (i64, String) = skrb::sql_pool!(&app.db, p => sqlx::query_as::<_, (i64, String)>(&format!("SELECT c.id, c.number FROM case_file c JOIN person p ON p.id = c.person_id WHERE c.centre_id = {VELENJE} AND c.restricted = FALSE AND p.restricted = FALSE ORDER BY c.id LIMIT 1")).fetch_one(p).await.expect("file"));
    let vodja = cookie(&app, "vodja", "sl").await;
    let r = app
        .page(
            &format!("/search?q={}", crate::harness::enc(&number)),
            &vodja,
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), format!("/cases/{file}"));
    let r = app.page("/search?q=Novak%20Ana", &vodja).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), "/persons?q=Novak+Ana");

    j.step("9. friction: no default contact kind, no preselected status, labelled restriction, locale amounts");
    let socialna = cookie(&app, "socialna", "sl").await;
    let case = socialnas_file(&app).await;
    let r = app.page(&format!("/cases/{case}"), &socialna).await;
    assert_eq!(r.status, 200);
    let kind = r
        .body
        .split("id=\"l-kind\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap_or("");
    assert!(
        kind.contains("<option value=\"\">"),
        "the contact kind starts empty"
    );
    assert!(
        !kind.contains("selected"),
        "a contact kind is chosen for the worker"
    );
    let status = r
        .body
        .split("id=\"s-status\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap_or("");
    assert!(
        status.contains("<option value=\"\">") && !status.contains("selected"),
        "{status}"
    );
    assert!(!r.body.contains('🔒'), "an emoji for a restricted file");
    let r = app.page("/cases", &socialna).await;
    assert!(!r.body.contains('🔒'));
    // Partners are named after their town, as it is written.
    let names: Vec<String> = skrb::sql_pool!(&app.db, p => sqlx::query_scalar::<_, String>("SELECT name FROM partner").fetch_all(p).await.expect("partners"));
    assert!(!names.is_empty());
    for n in &names {
        let last = n.split(' ').next_back().unwrap_or("");
        assert!(
            last.chars().next().is_some_and(|c| !c.is_lowercase()),
            "a partner named after a lowercase town: {n}"
        );
    }
    // The auditor finds a person by name.
    let revizor = cookie(&app, "revizor", "sl").await;
    let (id, given, family): (i64, String, String) = skrb::sql_pool!(&app.db, p => sqlx::query_as::<_, (i64, String, String)>(&format!("SELECT id, given_name, family_name FROM person WHERE centre_id = {VELENJE} AND restricted = FALSE ORDER BY id LIMIT 1")).fetch_one(p).await.expect("person"));
    let r = app
        .page(
            &format!(
                "/audit?who={}",
                crate::harness::enc(&format!("{family} {given}"))
            ),
            &revizor,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("id=\"who\""), "the auditor types a name");
    assert!(
        r.body.contains(&format!("person={id}")),
        "{family} {given} leads to the person"
    );
    assert!(
        !r.body.contains("name=\"person\""),
        "no internal person number to type"
    );
}
both!(review_defects);

/// 8. Times are the centre's: a draft saved at 23:30 UTC in December says 00:30.
async fn draft_time_is_local(backend: Backend) {
    let app = TestApp::at(backend, datetime!(2026-12-06 23:30 UTC)).await;
    demo(&app).await;
    let socialna = cookie(&app, "socialna", "sl").await;
    let case = socialnas_file(&app).await;
    let page = app.page(&format!("/cases/{case}"), &socialna).await;
    assert_eq!(page.status, 200, "case {case}");
    let r = app
        .form(
            &format!("/cases/{case}/draft"),
            &socialna,
            &[("body", "Klic mame.")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("00:30"), "the centre's time: {}", r.body);
    assert!(!r.body.contains("UTC"), "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_time_is_local_sqlite() {
    draft_time_is_local(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_time_is_local_postgres() {
    draft_time_is_local(Backend::Postgres).await
}
