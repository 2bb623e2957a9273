//! `skrb bench`: the figures that show Skrb is fast, measured on a demo database of any
//! scale, each beside the limit the database itself sets where there is one.
//!
//! Pages are measured through the real router (session, permission, scope, audit record,
//! template), without the network: that is `skrb load`'s part.

use std::time::{Duration, Instant};

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::sessions::{self, Kind, Lifetimes, Stage};
use crate::web::{router, AppState};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::config::Config;
use skrb_kit::db::{Db, Pool};
use skrb_kit::{sql, sql_pool};

mod import;
mod placements;
mod programmes;
mod reports;
mod services;
mod year;

/// p50 and p95 of durations, in milliseconds.
pub fn percentiles(mut d: Vec<Duration>) -> (f64, f64) {
    if d.is_empty() {
        return (0.0, 0.0);
    }
    d.sort();
    let at = |q: f64| d[((d.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    (at(0.50), at(0.95))
}

struct Line {
    what: String,
    p50: String,
    p95: String,
    limit: String,
    ratio: String,
}

/// A measured line beside its limit (p50, p95 of the database's own lookup).
fn line(what: &str, d: Vec<Duration>, limit: (f64, f64)) -> Line {
    let (p50, p95) = percentiles(d);
    Line {
        what: what.into(),
        p50: ms(p50),
        p95: ms(p95),
        limit: format!("{} / {}", ms(limit.0), ms(limit.1)),
        ratio: format!("×{:.0}", p95 / limit.1.max(0.001)),
    }
}

fn ms(v: f64) -> String {
    format!("{v:.2} ms")
}

pub async fn run(config: Config, samples: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let state = AppState::new(db.clone(), config.clone());
    let app = router(state);
    let startup = started.elapsed();

    let persons: i64 =
        sql_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM person").fetch_one(p).await?);
    anyhow::ensure!(
        persons > 0,
        "the database holds no persons: run `skrb demo --scale centre` (or country) on it first"
    );
    let user: Option<i64> = sql_pool!(&db, p => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'socialna'").fetch_optional(p).await?);
    let user = user
        .context("the demo user `socialna` is missing: run `skrb demo` on this database first")?;
    let life = Lifetimes {
        idle: time::Duration::hours(1),
        absolute: time::Duration::hours(2),
    };
    let (token, _) = sessions::create(&db, user, Kind::Web, Stage::Full, life).await?;
    let cookie = format!("skrb_session={token}");

    // Persons of the user's centre, spread over the table, for queries and pages.
    let ids: Vec<i64> = sql_pool!(&db, p => sqlx::query_scalar(
        "SELECT id FROM person WHERE centre_id = (SELECT centre_id FROM app_user WHERE username = 'socialna') \
         AND restricted = FALSE ORDER BY id")
        .fetch_all(p).await?);
    anyhow::ensure!(!ids.is_empty(), "no persons in the demo user's centre");
    let mut rng = StdRng::seed_from_u64(7);
    let pick: Vec<i64> = (0..samples)
        .map(|_| ids[rng.gen_range(0..ids.len())])
        .collect();
    let names: Vec<(String, String)> = {
        let mut out = Vec::new();
        for id in pick.iter().take(samples) {
            let n: (String, String) = sql_pool!(&db, p => sqlx::query_as("SELECT given_name, family_name FROM person WHERE id = $1").bind(id).fetch_one(p).await?);
            out.push(n);
        }
        out
    };
    let get = |path: String| timed_get(app.clone(), cookie.clone(), path);
    // Warm caches the way a running server has them.
    for id in pick.iter().take(20) {
        get(format!("/persons/{id}")).await?;
    }
    let mut search_full = Vec::new();
    let mut search_prefix = Vec::new();
    for (g, f) in &names {
        let q = skrb_kit::web::errors::encode_component(&format!("{g} {f}"));
        search_full.push(get(format!("/persons?q={q}")).await?);
        let prefix: String = skrb_domain::names::fold(f).chars().take(4).collect();
        search_prefix.push(get(format!("/persons?q={prefix}")).await?);
    }
    let mut page = Vec::new();
    for id in &pick {
        page.push(get(format!("/persons/{id}")).await?);
    }
    // Case work: the file list (default, by name, by a name prefix), my work, a file's page.
    let files: Vec<i64> = sql_pool!(&db, p => sqlx::query_scalar(
        "SELECT c.id FROM case_file c JOIN person p ON p.id = c.person_id WHERE c.centre_id = \
         (SELECT centre_id FROM app_user WHERE username = 'socialna') AND c.restricted = FALSE AND p.restricted = FALSE ORDER BY c.id")
        .fetch_all(p).await?);
    let case_files: i64 = sql_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM case_file").fetch_one(p).await?);
    let mut case_list = Vec::new();
    let mut case_list_name = Vec::new();
    let mut case_list_q = Vec::new();
    let mut work = Vec::new();
    let mut case_page = Vec::new();
    let mut list_limit = Vec::new();
    if !files.is_empty() {
        for (i, (_, f)) in names.iter().enumerate() {
            case_list.push(get("/cases".to_string()).await?);
            case_list_name.push(get(format!("/cases?status=&sort=name&page={}", 1 + i % 5)).await?);
            let prefix: String = skrb_domain::names::fold(f).chars().take(4).collect();
            case_list_q.push(get(format!("/cases?status=&q={prefix}")).await?);
            work.push(get("/work".to_string()).await?);
            case_page.push(get(format!("/cases/{}", files[rng.gen_range(0..files.len())])).await?);
            let t = Instant::now();
            let _: Vec<i64> = sql_pool!(&db, p => sqlx::query_scalar(
                "SELECT id FROM case_file WHERE centre_id = (SELECT centre_id FROM app_user WHERE username = 'socialna') \
                 AND status <> 'closed' ORDER BY opened_on DESC LIMIT 50").fetch_all(p).await?);
            list_limit.push(t.elapsed());
        }
    }
    // Rights, as the demo's rights officer: the centre's procedures by deadline, and an
    // application's page (decisions, entitlements, the calculation and its explanation).
    let officer: Option<i64> = sql_pool!(&db, p => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'pravice'").fetch_optional(p).await?);
    let apps: Vec<i64> = sql_pool!(&db, p => sqlx::query_scalar(
        "SELECT a.id FROM application a JOIN person p ON p.id = a.person_id WHERE a.centre_id = \
         (SELECT centre_id FROM app_user WHERE username = 'pravice') AND p.restricted = FALSE ORDER BY a.id")
        .fetch_all(p).await?);
    let mut procedures = Vec::new();
    let mut app_page = Vec::new();
    let mut officer_token = None;
    if let (Some(officer), false) = (officer, apps.is_empty()) {
        let (t, _) = sessions::create(&db, officer, Kind::Web, Stage::Full, life).await?;
        let officer_cookie = format!("skrb_session={t}");
        officer_token = Some(t);
        let as_officer = |path: String| timed_get(app.clone(), officer_cookie.clone(), path);
        for _ in 0..samples {
            procedures.push(as_officer("/procedures?view=centre".to_string()).await?);
            app_page.push(
                as_officer(format!(
                    "/applications/{}",
                    apps[rng.gen_range(0..apps.len())]
                ))
                .await?,
            );
        }
    }
    let home_help = services::bench(&db, &app, samples).await?;
    let authorisations = placements::bench(&db, &app, samples).await?;
    let extra = programmes::bench(&db, samples).await?;
    let the_year = year::bench(&db, &app, samples).await?;
    let reported = reports::bench(&db, samples).await?;
    let renewal = renewal_bench(&db).await?;
    let payment = payments_bench(&db).await?;
    // The limit: an indexed point lookup of the same row, on the same pool.
    let mut point = Vec::new();
    for id in &pick {
        let t = Instant::now();
        let _: Option<(i64, String)> = sql_pool!(&db, p => sqlx::query_as("SELECT id, family_name FROM person WHERE id = $1").bind(id).fetch_optional(p).await?);
        point.push(t.elapsed());
    }
    // The database's own bulk-insert rate, on a scratch table shaped like a person row.
    let bulk_rate = bulk_baseline(&db).await?;
    let generated: Option<String> = sql_pool!(&db, p => sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE action = 'generate' ORDER BY id DESC LIMIT 1").fetch_optional(p).await?);
    let gen_rate = generated
        .and_then(|g| serde_json::from_str::<serde_json::Value>(&g).ok())
        .and_then(|v| Some(v["persons"].as_f64()? / v["seconds"].as_f64()?.max(0.001)));

    let (pt50, pt95) = percentiles(point);
    let mut lines = Vec::new();
    let timed = |what: &str, d: Vec<Duration>| line(what, d, (pt50, pt95));
    lines.push(timed("search, full name (page)", search_full));
    lines.push(timed("search, 4-letter prefix (page)", search_prefix));
    lines.push(timed("person page", page));
    if !case_list.is_empty() {
        let (l50, l95) = percentiles(list_limit);
        let listed = |what: &str, d: Vec<Duration>| line(what, d, (l50, l95));
        lines.push(listed(
            "case files, open, newest first (page of 50)",
            case_list,
        ));
        lines.push(listed(
            "case files, all, by name, pages 1-5",
            case_list_name,
        ));
        lines.push(listed("case files, name prefix", case_list_q));
        lines.push(timed("my work (tasks overdue first, open files)", work));
        lines.push(timed("case file page (log, plans, tasks...)", case_page));
    }
    if !procedures.is_empty() {
        lines.push(timed("procedures of the centre, by deadline", procedures));
        lines.push(timed("application page (decisions, calculation)", app_page));
    }
    for r in &renewal {
        lines.push(Line {
            what: format!(
                "yearly renewal of {} ({} entitlements, written)",
                r.right, r.rows
            ),
            p50: format!("{:.1} s", r.secs),
            p95: format!("{:.0}/s", r.rows as f64 / r.secs.max(0.001)),
            limit: format!(
                "{:.1} s the database copying its 3×{} rows",
                r.same_rows, r.rows
            ),
            ratio: format!("×{:.1}", r.secs / r.same_rows.max(0.001)),
        });
        lines.push(Line {
            what: format!(
                "  the same beside a bulk insert into a bare table ({})",
                r.right
            ),
            p50: String::new(),
            p95: String::new(),
            limit: format!(
                "{:.1} s bulk-inserting 3×{} rows",
                3.0 * r.rows as f64 / bulk_rate.max(1.0),
                r.rows
            ),
            ratio: format!(
                "×{:.1}",
                r.secs / (3.0 * r.rows as f64 / bulk_rate.max(1.0)).max(0.001)
            ),
        });
        lines.push(Line {
            what: format!("  the same, calculated only (dry run) ({})", r.right),
            p50: format!("{:.1} s", r.dry_secs),
            p95: String::new(),
            limit: String::new(),
            ratio: String::new(),
        });
    }
    if let Some(p) = &payment {
        lines.extend(p.lines());
    }
    lines.extend(home_help);
    lines.extend(authorisations);
    lines.extend(extra);
    lines.extend(the_year);
    lines.extend(reported);
    // Last: what it imports stays.
    lines.extend(import::bench(&db, bulk_rate).await?);
    lines.push(Line {
        what: "point lookup by id (the limit)".into(),
        p50: ms(pt50),
        p95: ms(pt95),
        limit: String::new(),
        ratio: String::new(),
    });
    lines.push(Line {
        what: "start-up (connect, migrate, router)".into(),
        p50: ms(startup.as_secs_f64() * 1000.0),
        p95: String::new(),
        limit: String::new(),
        ratio: String::new(),
    });
    if let Some(rate) = gen_rate {
        lines.push(Line {
            what: "demo generation (persons/s, with households and search tokens)".into(),
            p50: format!("{rate:.0}/s"),
            p95: String::new(),
            limit: format!("{bulk_rate:.0} rows/s bulk insert"),
            ratio: format!("×{:.1}", bulk_rate / rate.max(0.001)),
        });
    }
    lines.push(Line {
        what: "peak memory of this process".into(),
        p50: peak_memory()
            .map(|k| format!("{:.0} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "-".into()),
        p95: String::new(),
        limit: String::new(),
        ratio: String::new(),
    });
    println!(
        "Skrb bench on {} ({}): {persons} persons, {case_files} case files, {samples} samples each",
        skrb_kit::db::mask_url(&config.database_url),
        db.backend_name()
    );
    println!("(case-file lists are compared with an indexed page of 50 open files of the centre)");
    println!(
        "{:<58} {:>11} {:>11} {:>26} {:>7}",
        "measure", "p50", "p95", "limit p50 / p95", "ratio"
    );
    print_lines(lines);
    let _ = sessions::delete(&db, &token).await;
    if let Some(t) = officer_token {
        let _ = sessions::delete(&db, &t).await;
    }
    db.close().await;
    Ok(())
}

fn print_lines(lines: Vec<Line>) {
    for l in lines {
        println!(
            "{:<58} {:>11} {:>11} {:>26} {:>7}",
            l.what, l.p50, l.p95, l.limit, l.ratio
        );
    }
}

/// `skrb bench --payments-only N`: the monthly payment run alone, `n` times (each in a
/// transaction rolled back), for work on its speed without the rest of the bench.
pub async fn payments_only(config: Config, n: usize) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    println!(
        "Skrb payment-run bench on {} ({})",
        skrb_kit::db::mask_url(&config.database_url),
        db.backend_name()
    );
    let mut samples = Vec::new();
    for _ in 0..n.max(1) {
        let p = payments_bench(&db)
            .await?
            .context("the demo users `finance` and `direktor` are missing: run `skrb demo` on this database first")?;
        print_lines(p.lines());
        samples.push(p);
    }
    if samples.len() > 1 {
        // A shared machine varies from one sample to the next: the middle of them.
        let median = |f: &dyn Fn(&Payment) -> f64| {
            let mut v: Vec<f64> = samples.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "median of {} samples: run {:.2} s, bulk insert {:.2} s (into payment_line {:.2} s); ratio ×{:.2} (to payment_line ×{:.2})",
            samples.len(),
            median(&Payment::total),
            median(&|p| p.baseline),
            median(&|p| p.baseline_lines),
            median(&|p| p.total() / p.baseline.max(0.001)),
            median(&|p| p.total() / p.baseline_lines.max(0.001)),
        );
    }
    db.close().await;
    Ok(())
}

/// `skrb bench --import-only`: the import of 100,000 persons alone, beside the bulk-insert
/// baselines, for work on its speed without the rest of the bench.
pub async fn import_only(config: Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    println!(
        "Skrb import bench on {} ({})",
        skrb_kit::db::mask_url(&config.database_url),
        db.backend_name()
    );
    let bulk_rate = bulk_baseline(&db).await?;
    print_lines(import::bench(&db, bulk_rate).await?);
    db.close().await;
    Ok(())
}

struct Renewal {
    right: String,
    rows: usize,
    secs: f64,
    dry_secs: f64,
    /// Seconds for the database to copy the rows the renewal wrote (see [`same_rows`]).
    same_rows: f64,
}

/// The yearly provisional calculation of every renewing right for next January, as the
/// command would run it (calculated, three rows written per entitlement: decision, new
/// entitlement, audit record; the old one ended), in a transaction that is then rolled
/// back so the demo stays as it was.
async fn renewal_bench(db: &Db) -> anyhow::Result<Vec<Renewal>> {
    let today = time::OffsetDateTime::now_utc().date();
    let month = time::Date::from_calendar_date(today.year() + 1, time::Month::January, 1)?;
    let actor = crate::audit::Actor::system("bench");
    let mut out = Vec::new();
    for code in ["vd", "rs_cash"] {
        let (dry, dry_secs, _) = timed_renewal(db, &actor, code, month, true).await?;
        if dry.selected == 0 {
            continue;
        }
        let (r, secs, same_rows) = timed_renewal(db, &actor, code, month, false).await?;
        let [calc, dec, ent, aud, end] = r.spent.map(|d| d.as_secs_f64());
        eprintln!(
            "renewal of {code}: calculate {calc:.1} s, decisions {dec:.1} s, entitlements {ent:.1} s, audit {aud:.1} s, end old {end:.1} s"
        );
        out.push(Renewal {
            right: code.to_string(),
            rows: r.renewed,
            secs,
            dry_secs,
            same_rows,
        });
    }
    Ok(out)
}

struct Payment {
    entitlements: usize,
    lines: usize,
    calculate: f64,
    reckon: f64,
    write: f64,
    approve: f64,
    export: f64,
    files: usize,
    bytes: usize,
    baseline: f64,
    baseline_lines: f64,
}

impl Payment {
    fn total(&self) -> f64 {
        self.calculate + self.approve + self.export
    }

    fn lines(&self) -> Vec<Line> {
        let p = self;
        vec![
        Line {
            what: format!(
                "monthly payment run ({} entitlements, {} lines): calculate, approve, export",
                p.entitlements, p.lines
            ),
            p50: format!("{:.1} s", p.total()),
            p95: format!("{:.0}/s", p.lines as f64 / p.total().max(0.001)),
            limit: format!("{:.1} s bulk-inserting {} rows", p.baseline, p.lines),
            ratio: format!("×{:.1}", p.total() / p.baseline.max(0.001)),
        },
        Line {
            what: "  the same beside a bulk insert into payment_line (its index)".into(),
            p50: String::new(),
            p95: String::new(),
            limit: format!("{:.1} s bulk-inserting {} rows", p.baseline_lines, p.lines),
            ratio: format!("×{:.1}", p.total() / p.baseline_lines.max(0.001)),
        },
        Line {
            what: format!(
                "  calculate {:.2} s (read and reckon {:.2} s, write {:.2} s), approve {:.3} s, export {:.2} s ({} files, {:.0} MB)",
                p.calculate, p.reckon, p.write, p.approve, p.export, p.files, p.bytes as f64 / 1e6
            ),
            p50: String::new(),
            p95: String::new(),
            limit: String::new(),
            ratio: String::new(),
        },
        ]
    }
}

/// Next month's run of every centre as the finance officer and the director would take
/// it (calculated, approved by the second person, exported into bank files), in a
/// transaction then rolled back; and the same number of rows bulk-inserted into a
/// scratch table shaped like a payment line: the ratio of the two.
async fn payments_bench(db: &Db) -> anyhow::Result<Option<Payment>> {
    let (Ok(finance), Ok(director)) = (
        skrb_payments::actor_as(db, "finance").await,
        skrb_payments::actor_as(db, "direktor").await,
    ) else {
        return Ok(None);
    };
    let today = time::OffsetDateTime::now_utc().date();
    let month = skrb_domain::rights::deadlines::next_month(today);
    let mut tx = db.begin().await?;
    let run: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO payment_run (kind, month, from_month, execution_on, status, created_by, created_at) \
         VALUES ('monthly', $1, $1, $2, 'draft', $3, $4) RETURNING id")
        .bind(month).bind(today).bind(finance.user_id).bind(time::OffsetDateTime::now_utc()).fetch_one(c).await?);
    let err = |e: skrb_kit::error::AppError| anyhow::anyhow!("{e}");
    let t = Instant::now();
    let c = skrb_payments::runs::calculate_in(db, &mut tx, &finance, run, None, &mut |_, _| {})
        .await
        .map_err(err)?;
    let calculate = t.elapsed().as_secs_f64();
    let t = Instant::now();
    skrb_payments::runs::approve_in(&mut tx, &director, run, None)
        .await
        .map_err(err)?;
    let approve = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let files = skrb_payments::files::export_in(&mut tx, &finance, run, None)
        .await
        .map_err(err)?;
    let export = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    vacuum_lines(db).await?;
    let lines = c.lines + c.held;
    let baseline = payment_baseline(db, lines, false).await?;
    let baseline_lines = payment_baseline(db, lines, true).await?;
    eprintln!(
        "payment run of {month}: {} entitlements, {} lines ({} held), calculate {calculate:.2} s, approve {approve:.3} s, export {export:.2} s; bulk insert of as many rows {baseline:.2} s, into payment_line {baseline_lines:.2} s",
        c.entitlements, lines, c.held
    );
    Ok(Some(Payment {
        entitlements: c.entitlements,
        lines,
        calculate,
        reckon: c.spent[0].as_secs_f64(),
        write: c.spent[1].as_secs_f64(),
        approve,
        export,
        files: files.len(),
        bytes: files.iter().map(|f| f.content.len()).sum(),
        baseline,
        baseline_lines,
    }))
}

/// Seconds the database takes to bulk-insert `n` rows shaped like payment lines, rolled
/// back: into a scratch table of the same database (not a temporary one) with no index
/// but its key, or (`into_lines`) into `payment_line` itself, with its exactly-once
/// index, for a month no run pays.
async fn payment_baseline(db: &Db, n: usize, into_lines: bool) -> anyhow::Result<f64> {
    let mut tx = db.begin().await?;
    let (table, first, day) = if into_lines {
        let first = bulk::next_id(&mut tx, "payment_line").await?;
        ("payment_line", first, time::macros::date!(2999 - 12 - 01))
    } else {
        sql!(&mut tx, c => sqlx::query("CREATE TABLE bench_lines (id BIGINT PRIMARY KEY, run_id BIGINT, centre_id BIGINT, \
            entitlement_id BIGINT, person_id BIGINT, right_id BIGINT, month DATE, funder TEXT, account_id BIGINT, gross BIGINT, deducted BIGINT, \
            recovery_id BIGINT, amount BIGINT, currency TEXT, payee TEXT, iban TEXT, address TEXT, status TEXT, reason TEXT, carried_from BIGINT)")
            .execute(c).await?.rows_affected());
        ("bench_lines", 1, time::OffsetDateTime::now_utc().date())
    };
    let rows: Vec<Vec<Cell>> = (1..=n as i64)
        .map(|i| {
            vec![
                (first + i).into(),
                1.into(),
                1.into(),
                i.into(),
                i.into(),
                3.into(),
                day.into(),
                "state".into(),
                1.into(),
                23_849.into(),
                0.into(),
                Cell::Null,
                23_849.into(),
                "EUR".into(),
                "Ana Novak".into(),
                "SI56191000000123438".into(),
                "Kidričeva cesta 3, 3320 Velenje".into(),
                "open".into(),
                Cell::Null,
                Cell::Null,
            ]
        })
        .collect();
    let t = Instant::now();
    bulk::insert(&mut tx, table, &skrb_payments::runs::LINE_COLUMNS, &rows).await?;
    let secs = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    vacuum_lines(db).await?;
    Ok(secs)
}

/// After a sample rolled back: on PostgreSQL its hundreds of thousands of lines stay in
/// `payment_line` as dead rows until autovacuum comes, and the next sample would read
/// and index past them. A month's real run is committed once, into a table without
/// them, so each sample starts from the table as it was (untimed).
async fn vacuum_lines(db: &Db) -> anyhow::Result<()> {
    if let Pool::Postgres(p) = db.pool() {
        sqlx::query("VACUUM (ANALYZE) payment_line")
            .execute(p)
            .await?;
    }
    Ok(())
}

/// One renewal in a transaction that is rolled back: its report, its seconds and, when
/// written, the seconds the database takes to copy the same rows (see [`same_rows`]).
async fn timed_renewal(
    db: &Db,
    actor: &crate::audit::Actor,
    code: &str,
    month: time::Date,
    dry: bool,
) -> anyhow::Result<(skrb_rights::renewal::Report, f64, f64)> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut tx = if dry {
        db.begin_read().await?
    } else {
        db.begin().await?
    };
    let before = last_ids(&mut tx).await?;
    let t = Instant::now();
    let r = skrb_rights::renewal::run_in(
        &mut tx,
        actor,
        code,
        month,
        today,
        dry,
        today,
        &mut |_, _| {},
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = t.elapsed().as_secs_f64();
    let same = if dry {
        0.0
    } else {
        same_rows(&mut tx, before).await?
    };
    tx.rollback().await?;
    Ok((r, secs, same))
}

/// The last ids of the tables a renewal writes: what it adds is above them.
async fn last_ids(tx: &mut skrb_kit::db::Tx) -> anyhow::Result<[i64; 3]> {
    let mut out = [0; 3];
    for (i, table) in ["decision", "entitlement", "audit_log"].iter().enumerate() {
        out[i] = sql!(tx, c => sqlx::query_scalar::<_, Option<i64>>(&format!("SELECT MAX(id) FROM {table}"))
            .fetch_one(c).await?)
        .unwrap_or(0);
    }
    Ok(out)
}

/// The database's own time for the rows a renewal wrote: its decisions, entitlements
/// and audit records copied into the same tables, with their indexes, under new ids, in
/// the renewal's transaction (rolled back after). What the renewal adds is its own work:
/// reading and calculating, and ending the entitlements it renews.
async fn same_rows(tx: &mut skrb_kit::db::Tx, before: [i64; 3]) -> anyhow::Result<f64> {
    let after = last_ids(tx).await?;
    let shift = |i: usize| after[i] - before[i];
    let cols = |c: &[&str]| {
        c.iter()
            .filter(|c| **c != "id")
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (d, e) = (
        cols(&skrb_rights::renewal::DECISION_COLUMNS),
        cols(&skrb_rights::renewal::ENTITLEMENT_COLUMNS),
    );
    let a = skrb_kit::audit::BULK_COLUMNS.join(", ");
    let statements = [
        format!(
            "INSERT INTO decision (id, {d}) SELECT id + {}, {d} FROM decision WHERE id > {}",
            shift(0),
            before[0]
        ),
        format!(
            "INSERT INTO entitlement (id, {e}) SELECT id + {}, {e} FROM entitlement WHERE id > {}",
            shift(1),
            before[1]
        ),
        format!(
            "INSERT INTO audit_log ({a}) SELECT {a} FROM audit_log WHERE id > {}",
            before[2]
        ),
    ];
    let t = Instant::now();
    for q in &statements {
        sql!(tx, c => sqlx::query(q).execute(c).await?.rows_affected());
    }
    Ok(t.elapsed().as_secs_f64())
}

/// One page through the router as a signed-in user: how long until its whole body.
async fn timed_get(app: axum::Router, cookie: String, path: String) -> anyhow::Result<Duration> {
    services::timed(&app, "GET", &path, &cookie, None).await
}

/// Rows per second the database takes through the same bulk path, into a scratch table
/// shaped like a person row (no indexes but the key): the ceiling for any bulk job.
async fn bulk_baseline(db: &Db) -> anyhow::Result<f64> {
    const ROWS: i64 = 50_000;
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("CREATE TEMPORARY TABLE bench_rows (id BIGINT PRIMARY KEY, a TEXT, b TEXT, d DATE, n BIGINT, e TEXT, f TEXT, g TEXT)")
        .execute(c).await?.rows_affected());
    let day = time::OffsetDateTime::now_utc().date();
    let rows: Vec<Vec<Cell>> = (0..ROWS)
        .map(|i| {
            vec![
                i.into(),
                "Ana".into(),
                "Novak".into(),
                day.into(),
                (i % 97).into(),
                "Kidričeva cesta 3".into(),
                "3320".into(),
                "SI56 1910 0000 0123 438".into(),
            ]
        })
        .collect();
    let t = Instant::now();
    bulk::insert(
        &mut tx,
        "bench_rows",
        &["id", "a", "b", "d", "n", "e", "f", "g"],
        &rows,
    )
    .await?;
    let secs = t.elapsed().as_secs_f64();
    sql!(&mut tx, c => sqlx::query("DROP TABLE bench_rows").execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(ROWS as f64 / secs.max(0.000_001))
}

/// The process's peak resident memory in KiB (Linux).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
