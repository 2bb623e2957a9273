//! The centre's year's figures, through the real router: the action plan against what is
//! done today (its computed indicators read the centre's decisions, case files, visits
//! and programme lists at every look), the staff page with the head count on a day, and
//! the public page without sign-in (its HTML and its JSON), beside an indexed read of the
//! plan's own row.

use std::time::Instant;

use super::{line, percentiles, Line};
use crate::auth::sessions::{self, Kind, Lifetimes, Stage};
use skrb_kit::db::Db;
use skrb_kit::sql_pool;

pub(super) async fn bench(
    db: &Db,
    app: &axum::Router,
    samples: usize,
) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    let user: Option<(i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, centre_id FROM app_user WHERE username = 'direktor'").fetch_optional(p).await?);
    let Some((user, centre)) = user else {
        return Ok(out);
    };
    let plan: Option<i64> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT MAX(id) FROM action_plan WHERE centre_id = $1").bind(centre).fetch_one(p).await?);
    let Some(plan) = plan else {
        return Ok(out);
    };
    let files: i64 = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_file WHERE centre_id = $1 AND status <> 'closed'").bind(centre).fetch_one(p).await?);
    let life = Lifetimes {
        idle: time::Duration::hours(1),
        absolute: time::Duration::hours(2),
    };
    let (t, _) = sessions::create(db, user, Kind::Web, Stage::Full, life).await?;
    let cookie = format!("skrb_session={t}");
    let get = |path: String, cookie: String| async move {
        super::services::timed(app, "GET", &path, &cookie, None).await
    };
    let (mut plan_page, mut staff, mut public, mut json, mut limit) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..samples {
        plan_page.push(get(format!("/year/plans/{plan}"), cookie.clone()).await?);
        staff.push(get("/year/staff?on=2014-12-31".into(), cookie.clone()).await?);
        public.push(get("/centres/csd-velenje".into(), String::new()).await?);
        json.push(get("/api/v1/public/centres/csd-velenje".into(), String::new()).await?);
        let t0 = Instant::now();
        let _: Option<(i64, String)> = sql_pool!(db, p => sqlx::query_as(
            "SELECT id, title FROM action_plan WHERE id = $1").bind(plan).fetch_optional(p).await?);
        limit.push(t0.elapsed());
    }
    let _ = sessions::delete(db, &t).await;
    let lim = percentiles(limit);
    out.push(line(
        &format!("action plan on today, computed indicators ({files} open files)"),
        plan_page,
        lim,
    ));
    out.push(line("staff and head count on a day", staff, lim));
    out.push(line("public page (no sign-in)", public, lim));
    out.push(line("public page as JSON", json, lim));
    Ok(out)
}
