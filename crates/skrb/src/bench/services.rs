//! Home help's figures: the co-ordinator's week board and the carer's saving of a visit
//! through the real router, beside an indexed read of the same rows; and a country's
//! monthly billing (20,000 users, 80,000 visits, written as synthetic rows in a
//! transaction that is then rolled back) beside bulk-inserting as many rows as the
//! billing writes.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{line, percentiles, Line};
use crate::auth::sessions::{self, Kind, Lifetimes, Stage};
use skrb_kit::audit::Actor;
use skrb_kit::bulk::{self, Cell, Value};
use skrb_kit::db::Db;
use skrb_kit::{sql, sql_pool};

/// Users and visits of the billing measure (a country's month).
const USERS: i64 = 20_000;
const VISITS_EACH: i64 = 4;

pub(super) async fn bench(
    db: &Db,
    app: &axum::Router,
    samples: usize,
) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    let life = Lifetimes {
        idle: time::Duration::hours(1),
        absolute: time::Duration::hours(2),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let coord: Option<(i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, centre_id FROM app_user WHERE username = 'oskrba'").fetch_optional(p).await?);
    let carer: Option<(i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT u.id, c.id FROM app_user u JOIN hh_carer c ON c.user_id = u.id WHERE u.username = 'negovalka'").fetch_optional(p).await?);
    if let (Some((coord, centre)), Some((carer_user, carer))) = (coord, carer) {
        // The week board, weeks around today.
        let (t, _) = sessions::create(db, coord, Kind::Web, Stage::Full, life).await?;
        let cookie = format!("skrb_session={t}");
        let mut board = Vec::new();
        let mut limit = Vec::new();
        for i in 0..samples {
            let week = today + time::Duration::days(7 * (i as i64 % 9) - 28);
            board.push(
                timed(
                    app,
                    "GET",
                    &format!("/services/board?week={week}&all=1"),
                    &cookie,
                    None,
                )
                .await?,
            );
            let t0 = Instant::now();
            let _: Vec<i64> = sql_pool!(db, p => sqlx::query_scalar(
                "SELECT id FROM hh_visit WHERE centre_id = $1 AND day BETWEEN $2 AND $3")
                .bind(centre).bind(week).bind(week + time::Duration::days(6)).fetch_all(p).await?);
            limit.push(t0.elapsed());
        }
        let _ = sessions::delete(db, &t).await;
        let visits = sum_visits(db, centre, today).await?;
        out.push(line(
            &format!("home help week board ({visits} visits a week)"),
            board,
            percentiles(limit),
        ));
        // Saving a visit: the carer's API call, on visits made for it long ago (so that no
        // month the demo shows changes), each once.
        let (t, _) = sessions::create(db, carer_user, Kind::Api, Stage::Full, life).await?;
        let ids = bench_visits(db, carer, samples, today).await?;
        let mut save = Vec::new();
        let mut write = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            let body = serde_json::json!({"key": format!("bench-{id}-{n}"), "check_in": "08:00", "check_out": "09:00", "tasks": ["household"]});
            save.push(
                timed(
                    app,
                    "POST",
                    &format!("/api/v1/services/visits/{id}"),
                    &format!("Bearer {t}"),
                    Some(body),
                )
                .await?,
            );
            let t0 = Instant::now();
            sql_pool!(db, p => sqlx::query("UPDATE hh_visit SET note = note WHERE id = $1").bind(id).execute(p).await?.rows_affected());
            write.push(t0.elapsed());
        }
        let _ = sessions::delete(db, &t).await;
        out.push(line(
            "home help: saving a visit (carer's API)",
            save,
            percentiles(write),
        ));
    }
    if let Some(b) = billing(db, today).await? {
        out.extend(b);
    }
    Ok(out)
}

async fn sum_visits(db: &Db, centre: i64, today: time::Date) -> anyhow::Result<i64> {
    Ok(sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM hh_visit WHERE centre_id = $1 AND day BETWEEN $2 AND $3")
        .bind(centre).bind(today).bind(today + time::Duration::days(6)).fetch_one(p).await?))
}

/// Planned visits for the demo carer on days long past, one a sample.
async fn bench_visits(
    db: &Db,
    carer: i64,
    n: usize,
    today: time::Date,
) -> anyhow::Result<Vec<i64>> {
    let ag: Option<(i64, i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT a.id, a.centre_id, a.person_id FROM hh_agreement a JOIN hh_pattern t ON t.agreement_id = a.id \
         WHERE t.carer_id = $1 ORDER BY a.id LIMIT 1").bind(carer).fetch_optional(p).await?);
    let Some((ag, centre, person)) = ag else {
        return Ok(Vec::new());
    };
    let mut tx = db.begin().await?;
    let first = bulk::next_id(&mut tx, "hh_visit").await?;
    let base = today - time::Duration::days(900);
    let rows: Vec<Vec<Cell>> = (0..n as i64)
        .map(|i| {
            vec![
                Value::Int(first + i),
                Value::Int(centre),
                Value::Int(ag),
                Value::Int(person),
                Value::Int(carer),
                Value::Date(base - time::Duration::days((first + i) / 20)),
                Value::Int(480 + ((first + i) % 20) * 30),
                Value::Int(60),
                Value::Str("planned"),
            ]
        })
        .collect();
    bulk::insert(
        &mut tx,
        "hh_visit",
        &[
            "id",
            "centre_id",
            "agreement_id",
            "person_id",
            "carer_id",
            "day",
            "start_min",
            "minutes",
            "status",
        ],
        &rows,
    )
    .await?;
    bulk::sync_identity(&mut tx, "hh_visit").await?;
    tx.commit().await?;
    Ok((0..n as i64).map(|i| first + i).collect())
}

/// A country's month billed: 20,000 agreements with 80,000 delivered visits written for
/// a month long past, billed, and all of it rolled back; beside bulk-inserting as many
/// rows as the billing writes (an invoice per user and a touched row per visit).
async fn billing(db: &Db, today: time::Date) -> anyhow::Result<Option<Vec<Line>>> {
    let setup: Option<(i64, i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT m.centre_id, m.id, (SELECT id FROM service_type WHERE form = 'home_help' ORDER BY id LIMIT 1) \
         FROM municipality m WHERE EXISTS (SELECT 1 FROM hh_price h WHERE h.municipality_id = m.id) ORDER BY m.id LIMIT 1")
        .fetch_optional(p).await?);
    let Some((centre, muni, service)) = setup else {
        return Ok(None);
    };
    let persons: Vec<i64> = sql_pool!(db, p => sqlx::query_scalar("SELECT id FROM person ORDER BY id LIMIT 20000").fetch_all(p).await?);
    if persons.is_empty() {
        return Ok(None);
    }
    // A month the demo never shows, after the price lists began.
    let month = time::Date::from_calendar_date(2025, time::Month::March, 1)?;
    let now = time::OffsetDateTime::now_utc();
    let mut tx = db.begin().await?;
    let first_ag = bulk::next_id(&mut tx, "hh_agreement").await?;
    let ags: Vec<Vec<Cell>> = (0..USERS)
        .map(|i| {
            vec![
                Value::Int(first_ag + i),
                Value::Int(centre),
                Value::Int(persons[i as usize % persons.len()]),
                Value::Int(muni),
                Value::Int(service),
                Value::Text(format!("bench-{i}")),
                Value::Str("active"),
                Value::Date(month),
                Value::Str(",household,"),
                Value::Int(60),
                Value::Time(now),
            ]
        })
        .collect();
    bulk::insert(
        &mut tx,
        "hh_agreement",
        &[
            "id",
            "centre_id",
            "person_id",
            "municipality_id",
            "service_id",
            "number",
            "status",
            "requested_on",
            "tasks",
            "minutes_week",
            "created_at",
        ],
        &ags,
    )
    .await?;
    let visits: Vec<Vec<Cell>> = (0..USERS * VISITS_EACH)
        .map(|i| {
            let a = i % USERS;
            vec![
                Value::Int(centre),
                Value::Int(first_ag + a),
                Value::Int(persons[a as usize % persons.len()]),
                Value::Int(1),
                Value::Date(month + time::Duration::days(7 * (i / USERS) + a % 7)),
                Value::Int(480),
                Value::Int(60),
                Value::Str("done"),
                Value::Int(55 + i % 10),
            ]
        })
        .collect();
    let carer: Option<i64> =
        sql!(&mut tx, c => sqlx::query_scalar("SELECT MIN(id) FROM hh_carer").fetch_one(c).await?);
    let Some(carer) = carer else {
        tx.rollback().await?;
        return Ok(None);
    };
    let visits: Vec<Vec<Cell>> = visits
        .into_iter()
        .map(|mut r| {
            r[3] = Value::Int(carer);
            r
        })
        .collect();
    bulk::insert(
        &mut tx,
        "hh_visit",
        &[
            "centre_id",
            "agreement_id",
            "person_id",
            "carer_id",
            "day",
            "start_min",
            "minutes",
            "status",
            "delivered_minutes",
        ],
        &visits,
    )
    .await?;
    let _ = today;
    // A real month's visits arrive over weeks and autovacuum counts them; these came in
    // one go, so the planner is told about them first.
    if let skrb_kit::db::Tx::Postgres(_) = &tx {
        sql!(&mut tx, c => sqlx::query("ANALYZE hh_visit, hh_agreement").execute(c).await?.rows_affected());
    }
    let t = Instant::now();
    let b = skrb_services::billing::bill_in(&mut tx, &Actor::system("bench"), month, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let secs = t.elapsed().as_secs_f64();
    // The baseline: as many rows as the billing wrote, through the same bulk path.
    sql!(&mut tx, c => sqlx::query("CREATE TEMPORARY TABLE bench_invoice (id BIGINT PRIMARY KEY, a BIGINT, b BIGINT, c BIGINT, d BIGINT, \
        e TEXT, f TEXT, g TEXT, h TEXT, i BIGINT, j BIGINT, k BIGINT, l BIGINT, m BIGINT, n TEXT, o TEXT, p DATE, q DATE)")
        .execute(c).await?.rows_affected());
    let n = b.invoices + USERS * VISITS_EACH;
    let rows: Vec<Vec<Cell>> = (0..n)
        .map(|i| {
            vec![
                Value::Int(i),
                Value::Int(centre),
                Value::Int(i),
                Value::Int(i),
                Value::Int(muni),
                Value::Str("2025-03"),
                Value::Str("invoice"),
                Value::Text(format!("2025-03/{i:05}")),
                Value::Text(format!("SI12{i:013}")),
                Value::Int(240),
                Value::Int(6880),
                Value::Int(4128),
                Value::Int(0),
                Value::Int(2752),
                Value::Str("EUR"),
                Value::Str("open"),
                Value::Date(month),
                Value::Date(month),
            ]
        })
        .collect();
    let t = Instant::now();
    bulk::insert(
        &mut tx,
        "bench_invoice",
        &[
            "id", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
            "q",
        ],
        &rows,
    )
    .await?;
    let base = t.elapsed().as_secs_f64();
    // The invoices alone into their own table (its keys and indexes), for comparison.
    let first_id = bulk::next_id(&mut tx, "hh_invoice").await?;
    let invoices: Vec<Vec<Cell>> = (0..b.invoices)
        .map(|i| {
            vec![
                Value::Int(first_id + i),
                Value::Int(centre),
                Value::Int(first_ag + i % USERS),
                Value::Int(persons[(i % USERS) as usize % persons.len()]),
                Value::Int(muni),
                Value::Str("2025-02"),
                Value::Str("invoice"),
                Value::Text(format!("bench-2025-02/{i:05}")),
                Value::Text(format!("SI12{i:013}")),
                Value::Int(240),
                Value::Int(6880),
                Value::Int(4128),
                Value::Int(0),
                Value::Int(2752),
                Value::Str("EUR"),
                Value::Str("open"),
                Value::Date(month),
                Value::Date(month),
                Value::Time(now),
            ]
        })
        .collect();
    let t = Instant::now();
    bulk::insert(
        &mut tx,
        "hh_invoice",
        &[
            "id",
            "centre_id",
            "agreement_id",
            "person_id",
            "municipality_id",
            "month",
            "kind",
            "number",
            "reference",
            "minutes",
            "economic",
            "subsidy",
            "exempted",
            "amount",
            "currency",
            "status",
            "issued_on",
            "due_on",
            "created_at",
        ],
        &invoices,
    )
    .await?;
    let own = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    let aside = Line {
        what: "  the invoices alone, bulk-inserted into hh_invoice (its keys)".into(),
        p50: format!("{own:.2} s"),
        p95: String::new(),
        limit: String::new(),
        ratio: format!("×{:.1}", secs / own.max(0.001)),
    };
    Ok(Some(vec![
        Line {
            what: format!(
                "home help: a month billed ({} visits -> {} invoices)",
                USERS * VISITS_EACH,
                b.invoices
            ),
            p50: format!("{secs:.2} s"),
            p95: format!("{:.0}/s", (USERS * VISITS_EACH) as f64 / secs.max(0.001)),
            limit: format!("{base:.2} s bulk-inserting {n} rows"),
            ratio: format!("×{:.1}", secs / base.max(0.001)),
        },
        aside,
    ]))
}

/// A request through the router as a signed-in user (a session cookie, or a bearer token):
/// how long until its whole body.
pub(super) async fn timed(
    app: &axum::Router,
    method: &str,
    path: &str,
    auth: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<Duration> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT_LANGUAGE, "sl");
    b = if auth.starts_with("Bearer ") {
        b.header(header::AUTHORIZATION, auth)
    } else {
        b.header(header::COOKIE, auth)
    };
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))?,
        None => b.body(Body::empty())?,
    };
    let t = Instant::now();
    let res = app.clone().oneshot(req).await?;
    let status = res.status();
    let bytes = res.into_body().collect().await?.to_bytes();
    anyhow::ensure!(
        status.is_success(),
        "{path}: status {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    Ok(t.elapsed())
}
