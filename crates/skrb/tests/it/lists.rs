//! Every list to Excel: each list page's whole list, with the page's filters, downloads
//! as XLSX and CSV; the rows are the ones the page would show (counted apart, in SQL,
//! from the demo's two centres), the download is audited, and the people who may not
//! read the list (the ministry, a partner, a carer, the other centre) get nothing.

use skrb::auth::Role;

use crate::both;
use crate::harness::TestApp;

/// The rows of a CSV download (without its heading), after checking what it is.
fn csv_rows(r: &crate::harness::Res, what: &str) -> usize {
    assert_eq!(r.status, 200, "{what}: {}", r.body);
    assert_eq!(
        r.header("content-type"),
        "text/csv; charset=utf-8",
        "{what}"
    );
    assert!(
        r.header("content-disposition").contains(".csv"),
        "{what}: a file"
    );
    let body = r.body.trim_start_matches('\u{feff}');
    body.lines().count().saturating_sub(1)
}

async fn every_list_downloads_with_its_filters(app: TestApp) {
    skrb::demo::prepare(&app.db, 3, skrb::demo::Scale::Small, Some(120))
        .await
        .expect("demo");
    let centre = |code: &str| format!("(SELECT id FROM centre WHERE code = '{code}')");
    let (v, t) = (centre("csd-velenje"), centre("csr-trebinje"));
    for (name, role, code) in [
        ("head", Role::HeadOfUnit, Some("csd-velenje")),
        ("fin", Role::FinanceOfficer, Some("csd-velenje")),
        ("head2", Role::HeadOfUnit, Some("csr-trebinje")),
        ("aud", Role::Auditor, None),
        ("min", Role::Ministry, None),
        ("part", Role::Partner, Some("csd-velenje")),
        ("carer", Role::HomeHelpWorker, Some("csd-velenje")),
    ] {
        app.user(name, role).await;
        if let Some(code) = code {
            skrb::auth::users::set_centre(&app.db, name, code)
                .await
                .expect("centre");
        }
    }
    let head_id = app
        .num("SELECT id FROM app_user WHERE username = 'head'")
        .await;
    app.exec(&format!(
        "INSERT INTO task (centre_id, title, assignee_id, due_on, source, created_at) VALUES \
         ({v}, 'Call the school', {head_id}, '2020-01-06', 'manual', '2020-01-01T08:00:00Z'), \
         ({v}, 'Visit the family', {head_id}, '2099-01-06', 'manual', '2020-01-01T08:00:00Z')"
    ))
    .await;
    // Three of Velenje's applications still in procedure (one past its deadline).
    app.exec(&format!(
        "UPDATE application SET status = 'in_procedure', due_on = '2020-01-01' WHERE id IN \
         (SELECT a.id FROM application a JOIN person p ON p.id = a.person_id WHERE a.centre_id = {v} \
         AND p.restricted = FALSE ORDER BY a.id LIMIT 3)"
    ))
    .await;
    let today = time::OffsetDateTime::now_utc().date();
    let (from, to) = (
        today - time::Duration::days(14),
        today + time::Duration::days(14),
    );
    let programme = app
        .num(&format!(
            "SELECT MIN(g.id) FROM programme g WHERE g.centre_id = {v} \
             AND EXISTS (SELECT 1 FROM programme_entry pe WHERE pe.programme_id = g.id)"
        ))
        .await;
    let run = app
        .num(&format!(
            "SELECT MAX(r.id) FROM payment_run r WHERE r.centre_id = {v} \
             AND EXISTS (SELECT 1 FROM payment_line l WHERE l.run_id = r.id AND l.status = 'settled')"
        ))
        .await;
    let waiting = "l.status IN ('held', 'returned') AND r.status IN ('exported', 'settled', 'partly_returned') \
        AND (l.carried_by IS NULL OR EXISTS (SELECT 1 FROM payment_run c WHERE c.id = l.carried_by \
        AND c.status IN ('draft', 'calculated', 'approved')))";
    // Each list as its reader: the download, and what the page's rule counts.
    let lists: Vec<(&str, String, String)> = vec![
        (
            "head",
            "/persons.csv?q=01".into(),
            format!("SELECT COUNT(*) FROM person p WHERE p.emso LIKE '01%' AND p.centre_id = {v} AND p.restricted = FALSE"),
        ),
        (
            "head",
            "/procedures.csv?view=centre".into(),
            format!(
                "SELECT COUNT(*) FROM application a JOIN person p ON p.id = a.person_id WHERE a.centre_id = {v} \
                 AND a.status IN ('received', 'incomplete', 'in_procedure', 'appealed') AND p.restricted = FALSE"
            ),
        ),
        ("head", "/work/tasks.csv".into(), "SELECT CAST(2 AS BIGINT)".into()),
        (
            "head",
            format!("/services/visits.csv?from={from}&to={to}&all=1"),
            format!("SELECT COUNT(*) FROM hh_visit WHERE centre_id = {v} AND day BETWEEN '{from}' AND '{to}'"),
        ),
        (
            "head",
            "/placements.csv?all=1".into(),
            format!("SELECT COUNT(*) FROM placement WHERE centre_id = {v}"),
        ),
        (
            "head",
            format!("/programmes/list.csv?programme={programme}"),
            format!("SELECT COUNT(*) FROM programme_entry WHERE programme_id = {programme} AND removed = FALSE"),
        ),
        (
            "fin",
            "/payments/worklist.csv".into(),
            format!(
                "SELECT COUNT(*) FROM payment_line l JOIN payment_run r ON r.id = l.run_id WHERE {waiting} AND l.centre_id = {v}"
            ),
        ),
        (
            "fin",
            format!("/payments/lines.csv?run={run}"),
            format!("SELECT COUNT(*) FROM payment_line WHERE run_id = {run}"),
        ),
        (
            "fin",
            format!("/payments/lines.csv?run={run}&status=settled&sort=-amount"),
            format!("SELECT COUNT(*) FROM payment_line WHERE run_id = {run} AND status = 'settled'"),
        ),
    ];
    let mut downloads = 0;
    for (who, path, count) in &lists {
        let c = app.browser_login(who).await;
        let expected = app.num(count).await;
        let n = csv_rows(&app.page(path, &c).await, path);
        assert_eq!(n as i64, expected, "{path}");
        let x = app.page(&path.replacen(".csv", ".xlsx", 1), &c).await;
        assert_eq!(x.status, 200, "{path}");
        assert!(x.body.starts_with("PK"), "{path}: a workbook");
        downloads += 2;
    }
    // The demo's lists are not empty, so the counts above say something.
    for (_, path, count) in &lists[..6] {
        assert!(app.num(count).await > 0, "{path}: the demo has rows");
    }
    // The order and the filter are the page's: the run's settled lines by amount, largest first.
    let c = app.browser_login("fin").await;
    let r = app
        .page(
            &format!("/payments/lines.csv?run={run}&status=settled&sort=-amount"),
            &c,
        )
        .await;
    let amounts: Vec<f64> = r
        .body
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(6).and_then(|a| a.parse().ok()))
        .collect();
    assert!(!amounts.is_empty(), "{}", r.body);
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    downloads += 1;
    // The overdue task says by how many days; the other does not.
    let c = app.browser_login("head").await;
    let r = app.page("/work/tasks.csv", &c).await;
    let lines: Vec<&str> = r.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[1].starts_with("2020-01-06,") && lines[1].contains("Call the school"),
        "{}",
        r.body
    );
    assert!(
        lines[2].starts_with("2099-01-06,,Visit the family"),
        "{}",
        r.body
    );
    downloads += 1;
    // Links on the pages carry the filters.
    let r = app.page("/procedures?view=overdue", &c).await;
    if r.body.contains("id=\"procedures\"") {
        assert!(
            r.body.contains("href=\"/procedures.xlsx?view=overdue\""),
            "{}",
            r.body
        );
    }
    let r = app
        .page(&format!("/programmes/{programme}?show=open&q=a"), &c)
        .await;
    if r.body.contains("id=\"entries\"") {
        assert!(
            r.body.contains(&format!(
                "/programmes/list.csv?programme={programme}&#38;q=a&#38;show=open"
            )),
            "{}",
            r.body
        );
    }
    assert!(app
        .page("/placements", &c)
        .await
        .body
        .contains("href=\"/placements.xlsx?\""));
    // Every download is recorded with its rows.
    assert_eq!(
        app.num("SELECT COUNT(*) FROM audit_log WHERE action = 'download'")
            .await,
        downloads
    );
    // The auditor downloads what a user did, the downloads among it.
    let c = app.browser_login("aud").await;
    let r = app.page("/audit.csv?user=head", &c).await;
    let n = csv_rows(&r, "audit");
    assert!(
        n as i64
            >= app
                .num("SELECT COUNT(*) FROM audit_log WHERE username = 'head'")
                .await
                - 1
    );
    assert!(r.body.contains(",download,"), "{}", r.body);
    assert_eq!(
        app.page("/audit.csv", &c).await.status,
        422,
        "a person or a user"
    );

    // Who may not: the ministry and a partner read no list; a carer has no register of
    // visits; the other centre's head gets none of Velenje's rows.
    for who in ["min", "part"] {
        let c = app.browser_login(who).await;
        for (_, path, _) in &lists {
            assert_eq!(app.page(path, &c).await.status, 403, "{who} {path}");
        }
        assert_eq!(app.page("/cases.csv", &c).await.status, 403, "{who}");
        assert_eq!(
            app.page("/audit.csv?user=head", &c).await.status,
            403,
            "{who}"
        );
    }
    let c = app.browser_login("carer").await;
    assert_eq!(
        app.page(
            &format!("/services/visits.xlsx?from={from}&to={to}&all=1"),
            &c
        )
        .await
        .status,
        403
    );
    let c = app.browser_login("head2").await;
    for path in [
        format!("/programmes/list.csv?programme={programme}"),
        format!("/payments/lines.csv?run={run}"),
    ] {
        let s = app.page(&path, &c).await.status;
        assert!(s == 403 || s == 404, "{path}: {s}");
    }
    let r = app.page("/persons.csv?q=01", &c).await;
    assert_eq!(
        csv_rows(&r, "trebinje's persons") as i64,
        app.num(&format!("SELECT COUNT(*) FROM person WHERE emso LIKE '01%' AND centre_id = {t} AND restricted = FALSE")).await
    );
    let r = app.page("/placements.csv?all=1", &c).await;
    assert_eq!(
        csv_rows(&r, "trebinje's placements") as i64,
        app.num(&format!(
            "SELECT COUNT(*) FROM placement WHERE centre_id = {t}"
        ))
        .await
    );
    // A bad filter changes nothing and says why.
    let c = app.browser_login("head").await;
    assert_eq!(
        app.page("/services/visits.csv?from=2026-01-01&to=2024-01-01", &c)
            .await
            .status,
        422
    );
    assert_eq!(
        app.page("/programmes/list.csv?programme=x", &c)
            .await
            .status,
        422
    );
    assert_eq!(app.page("/persons.csv?q=", &c).await.status, 422);
}
both!(every_list_downloads_with_its_filters);
