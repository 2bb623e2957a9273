//! The director's and heads' dashboard: where the centre stands today. Five panels, each
//! a small table read with one `GROUP BY` (caseloads against the norm, procedures against
//! their deadlines, this month's payment runs, this month's home-help hours, programme
//! budgets) and a chart drawn from it; the numbers behind a chart are one click away
//! under it, and each panel links to the page where the work is done.

use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::i18n;
use skrb_kit::sheet::{Cell, Chart, Table};
use skrb_kit::sql;
use time::Date;

use crate::annual::{chart_of, Whose};

/// A panel: its table, the chart of one of its columns, and where the work is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Panel {
    pub table: Table,
    #[serde(skip)]
    pub chart: Option<Chart>,
    pub link: &'static str,
}

pub async fn panels(db: &Db, w: &Whose, today: Date) -> AppResult<Vec<Panel>> {
    let mut tx = db.begin_read().await?;
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut **t)
            .await?;
    }
    let l = w.locale;
    let t = |k: &str| i18n::t(l, k);
    let month = today.replace_day(1).unwrap_or(today);
    let mut out = Vec::new();

    // Caseloads: each worker's yearly norm hours of open files against their hours.
    let loads: Vec<(String, i64, i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT u.display_name, \
           CAST(COALESCE(SUM(CASE WHEN f.status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN f.status = 'open' THEN t.norm_hours ELSE 0 END), 0) AS BIGINT), \
           COALESCE((SELECT CAST(ce.worker_hours * SUM(s.hours_week) / 40 AS BIGINT) FROM staff_member s WHERE s.user_id = u.id \
             AND s.starts_on <= $2 AND (s.ends_on IS NULL OR s.ends_on >= $2)), ce.worker_hours) \
         FROM app_user u JOIN centre ce ON ce.id = u.centre_id \
         LEFT JOIN case_file f ON f.worker_id = u.id AND f.status <> 'closed' \
         LEFT JOIN case_type t ON t.id = f.type_id \
         WHERE ($1 IS NULL OR u.centre_id = $1) AND u.active = TRUE AND u.role IN ('social_worker', 'head_of_unit') \
         GROUP BY u.id, u.display_name, ce.worker_hours ORDER BY 3 DESC, u.display_name LIMIT 30")
        .bind(w.centre).bind(today).fetch_all(&mut *c).await?);
    let mut caseloads = Table::new(
        "caseloads",
        t("report-dash-caseloads"),
        vec![
            t("report-dash-worker"),
            t("report-files"),
            t("report-dash-norm-hours"),
            t("report-dash-load"),
        ],
    );
    for (name, files, norm, hours) in loads {
        caseloads.row(vec![
            Cell::Text(name),
            Cell::Count(files),
            Cell::Count(norm),
            Cell::PerMille(if hours > 0 { norm * 1000 / hours } else { 0 }),
        ]);
    }
    out.push(panel(caseloads, Some(2), "/caseloads", l));

    // Procedures not yet decided, by how near their deadline is.
    let soon = today.checked_add(time::Duration::days(7)).unwrap_or(today);
    let procs: Vec<(i64, i64, i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN due_on >= $2 AND due_on <= $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN due_on > $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN due_on IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM application WHERE ($1 IS NULL OR centre_id = $1) AND status IN ('received', 'incomplete', 'in_procedure')")
        .bind(w.centre).bind(today).bind(soon).fetch_all(&mut *c).await?);
    let (late, week, later, waiting) = procs.first().copied().unwrap_or((0, 0, 0, 0));
    let mut procedures = Table::new(
        "procedures",
        t("report-dash-procedures"),
        vec![t("report-figure"), t("report-dash-procedures-count")],
    );
    for (k, n) in [
        ("report-dash-late", late),
        ("report-dash-this-week", week),
        ("report-dash-later", later),
        ("report-dash-incomplete", waiting),
    ] {
        procedures.row(vec![Cell::Text(t(k)), Cell::Count(n)]);
    }
    let procedures = procedures.totalled(t("report-total"));
    out.push(panel(procedures, Some(1), "/procedures", l));

    // This month's payment runs.
    let runs: Vec<(String, String, i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT r.kind, r.status, COUNT(l.id), CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) \
         FROM payment_run r LEFT JOIN payment_line l ON l.run_id = r.id AND l.status IN ('open', 'settled') \
         WHERE ($1 IS NULL OR r.centre_id = $1) AND r.month = $2 GROUP BY r.id, r.kind, r.status ORDER BY r.id")
        .bind(w.centre).bind(month).fetch_all(&mut *c).await?);
    let mut payments = Table::new(
        "payments",
        t("report-dash-payments"),
        vec![t("report-dash-run"), t("report-lines"), t("report-amount")],
    )
    .currency(&w.currency);
    for (kind, status, lines, amount) in runs {
        payments.row(vec![
            Cell::Text(format!(
                "{} · {}",
                t(&format!("payments-kind-{kind}")),
                t(&format!("payments-status-{status}"))
            )),
            Cell::Count(lines),
            Cell::Money(amount),
        ]);
    }
    let payments = payments.totalled(t("report-total"));
    out.push(panel(payments, Some(2), "/payments", l));

    // Home help this month: planned against delivered, to today.
    let hh: Vec<(i64, i64, i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN status = 'done' THEN delivered_minutes ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN status = 'not_home' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN status = 'planned' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM hh_visit WHERE ($1 IS NULL OR centre_id = $1) AND day >= $2 AND day <= $3 AND status <> 'cancelled'")
        .bind(w.centre).bind(month).bind(today).fetch_all(&mut *c).await?);
    let (planned, delivered, not_home, unrecorded) = hh.first().copied().unwrap_or((0, 0, 0, 0));
    let mut home_help = Table::new(
        "home-help",
        t("report-dash-home-help"),
        vec![t("report-figure"), t("report-value")],
    );
    home_help.row(vec![
        Cell::Text(t("report-dash-planned")),
        Cell::Minutes(planned),
    ]);
    home_help.row(vec![
        Cell::Text(t("report-dash-delivered")),
        Cell::Minutes(delivered),
    ]);
    home_help.row(vec![
        Cell::Text(t("report-dash-not-home")),
        Cell::Count(not_home),
    ]);
    home_help.row(vec![
        Cell::Text(t("report-dash-unrecorded")),
        Cell::Count(unrecorded),
    ]);
    let mut hh_chart = Chart::new("home-help-1", t("report-dash-home-help"));
    for (k, m) in [
        ("report-dash-planned", planned),
        ("report-dash-delivered", delivered),
    ] {
        hh_chart.bar(t(k), m, skrb_kit::sheet::hours(l, m));
    }
    out.push(Panel {
        table: home_help,
        chart: Some(hh_chart),
        link: "/services",
    });

    // Programmes running today: budget, the list's value, handed out.
    let progs: Vec<(String, i64, i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT p.name, \
           (SELECT CAST(COALESCE(SUM(f.amount), 0) AS BIGINT) FROM programme_funding f WHERE f.programme_id = p.id), \
           (SELECT CAST(COALESCE(SUM(e.value), 0) AS BIGINT) FROM programme_entry e WHERE e.programme_id = p.id AND NOT e.removed), \
           (SELECT CAST(COALESCE(SUM(d.value), 0) AS BIGINT) FROM distribution d WHERE d.programme_id = p.id) \
         FROM programme p WHERE ($1 IS NULL OR p.centre_id = $1) AND p.period_from <= $2 AND p.period_to >= $2 \
         ORDER BY p.period_from, p.name")
        .bind(w.centre).bind(today).fetch_all(&mut *c).await?);
    let mut programmes = Table::new(
        "programmes",
        t("report-dash-programmes"),
        vec![
            t("report-programme"),
            t("report-budget"),
            t("report-dash-committed"),
            t("report-handed-out"),
        ],
    )
    .currency(&w.currency);
    for (name, budget, committed, handed) in progs {
        programmes.row(vec![
            Cell::Text(name),
            Cell::Money(budget),
            Cell::Money(committed),
            Cell::Money(handed),
        ]);
    }
    out.push(panel(programmes, Some(2), "/programmes", l));
    tx.commit().await?;
    Ok(out)
}

fn panel(table: Table, column: Option<usize>, link: &'static str, l: i18n::Locale) -> Panel {
    let chart = column
        .filter(|_| !table.rows.is_empty())
        .map(|c| chart_of(&table, c, l));
    Panel { table, chart, link }
}
