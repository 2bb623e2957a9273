//! Public authorisations' figures: the register searched for a family with a free place
//! for a child, a carer's file and the overview of what falls due, through the real
//! router beside an indexed read of the register; and what the placements' own
//! entitlements cost the month's payment run: the run of every centre with them and,
//! in the same database, without them (their amounts turned negative for the measure
//! and back), median of three each.

use std::time::{Duration, Instant};

use super::{line, percentiles, Line};
use crate::auth::sessions::{self, Kind, Lifetimes, Stage};
use skrb_kit::db::Db;
use skrb_kit::{sql, sql_pool};

pub(super) async fn bench(
    db: &Db,
    app: &axum::Router,
    samples: usize,
) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    let user: Option<(i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, centre_id FROM app_user WHERE username = 'socialna'").fetch_optional(p).await?);
    let Some((user, centre)) = user else {
        return Ok(out);
    };
    let carers: Vec<i64> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT id FROM foster_carer WHERE centre_id = $1 ORDER BY id").bind(centre).fetch_all(p).await?);
    let in_register: i64 = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM foster_carer WHERE status = 'approved' AND jurisdiction = 'SI'").fetch_one(p).await?);
    let placed: i64 = sql_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM placement").fetch_one(p).await?);
    if carers.is_empty() {
        return Ok(out);
    }
    let life = Lifetimes {
        idle: time::Duration::hours(1),
        absolute: time::Duration::hours(2),
    };
    let (t, _) = sessions::create(db, user, Kind::Web, Stage::Full, life).await?;
    let cookie = format!("skrb_session={t}");
    let get = |path: String| {
        let cookie = cookie.clone();
        async move { super::services::timed(app, "GET", &path, &cookie, None).await }
    };
    let (mut register, mut file, mut overview, mut limit) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..samples {
        register.push(get(format!("/placements/carers?vacant=1&age={}", 2 + i % 15)).await?);
        file.push(get(format!("/placements/carers/{}", carers[i % carers.len()])).await?);
        overview.push(get("/placements".to_string()).await?);
        let t0 = Instant::now();
        let _: Vec<(i64, i64)> = sql_pool!(db, p => sqlx::query_as(
            "SELECT fc.id, fc.max_children FROM foster_carer fc WHERE fc.jurisdiction = 'SI' AND fc.status = 'approved'")
            .fetch_all(p).await?);
        limit.push(t0.elapsed());
    }
    let _ = sessions::delete(db, &t).await;
    let lim = percentiles(limit);
    out.push(line(
        &format!("register: families with a free place ({in_register} approved)"),
        register,
        lim,
    ));
    out.push(line("foster carer's file", file, lim));
    out.push(line(
        &format!("placements overview (due, placed; {placed} in all)"),
        overview,
        lim,
    ));
    if let Some(l) = run_share(db).await? {
        out.push(l);
    }
    Ok(out)
}

/// The month's run with and without the placements' entitlements.
async fn run_share(db: &Db) -> anyhow::Result<Option<Line>> {
    let Ok(finance) = skrb_payments::actor_as(db, "finance").await else {
        return Ok(None);
    };
    let theirs: i64 = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM entitlement WHERE placement_id IS NOT NULL AND amount > 0").fetch_one(p).await?);
    if theirs == 0 {
        return Ok(None);
    }
    let today = time::OffsetDateTime::now_utc().date();
    let month = skrb_domain::rights::deadlines::next_month(today);
    let (mut with, mut without) = (Vec::new(), Vec::new());
    let mut ents = (0, 0);
    for n in 0..6 {
        let hide = n % 2 == 1;
        // The run reads entitlements on a connection of its own, so hiding them must be
        // committed: their amounts are made negative (a run pays only positive ones) and
        // turned back whatever the run did.
        if hide {
            flip(db).await?;
        }
        let measured = timed_run(db, &finance, month, today).await;
        if hide {
            flip(db).await?;
        }
        let (d, e) = measured?;
        if hide {
            without.push(d);
            ents.1 = e;
        } else {
            with.push(d);
            ents.0 = e;
        }
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let (a, b) = (median(with), median(without));
    Ok(Some(Line {
        what: format!(
            "month's run with placements' {theirs} entitlements ({} in all)",
            ents.0
        ),
        p50: format!("{a:.2} s"),
        p95: String::new(),
        limit: format!("{b:.2} s without ({} in all)", ents.1),
        ratio: format!("×{:.3}", a / b.max(0.001)),
    }))
}

/// Turns the placements' amounts negative, or back.
async fn flip(db: &Db) -> anyhow::Result<()> {
    sql_pool!(db, p => sqlx::query("UPDATE entitlement SET amount = -amount WHERE placement_id IS NOT NULL")
        .execute(p).await?.rows_affected());
    Ok(())
}

/// One month's run of every centre, calculated in a transaction then rolled back.
async fn timed_run(
    db: &Db,
    finance: &skrb_kit::audit::Actor,
    month: time::Date,
    today: time::Date,
) -> anyhow::Result<(Duration, usize)> {
    let mut tx = db.begin().await?;
    let run: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO payment_run (kind, month, from_month, execution_on, status, created_by, created_at) \
         VALUES ('monthly', $1, $1, $2, 'draft', $3, $4) RETURNING id")
        .bind(month).bind(today).bind(finance.user_id).bind(time::OffsetDateTime::now_utc()).fetch_one(c).await?);
    let t = Instant::now();
    let c = skrb_payments::runs::calculate_in(db, &mut tx, finance, run, None, &mut |_, _| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let d = t.elapsed();
    tx.rollback().await?;
    Ok((d, c.entitlements))
}
