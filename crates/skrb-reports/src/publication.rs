//! A published annual report: the report frozen as it stands (tables with small counts
//! hidden, charts, the sections) into JSON whose SHA-256 is kept beside it. Later changes
//! to the data do not move it, publishing again makes the next version, and reading it
//! checks the fingerprint first.

use sha2::{Digest, Sha256};
use skrb_domain::reports::Period;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;
use time::OffsetDateTime;

use crate::narrative::report_id;
use crate::report::Report;

/// A publication: its number, when and by whom, and the fingerprint of what was frozen.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Publication {
    pub id: i64,
    pub number: i64,
    pub sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub published_by: Option<String>,
}

/// Freezes the report (as it leaves the centre: small counts hidden) with its sections.
/// Assembles the actor's own centre's report of a period (a year, or from–to) in the
/// centre's language, small counts hidden as anywhere outside the centre, and publishes
/// it.
pub async fn publish_period(
    db: &Db,
    reports: &Db,
    actor: &Actor,
    year: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> AppResult<Publication> {
    let q = crate::report::ReportQuery {
        year,
        from,
        to,
        centre: None,
        unit: None,
    };
    let l = crate::report::own_locale(db, actor).await?;
    let r =
        crate::report::annual(db, reports, actor, &q, l, true, Action::Read, &mut |_| {}).await?;
    publish(db, actor, &r).await
}

pub async fn publish(db: &Db, actor: &Actor, r: &Report) -> AppResult<Publication> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let code: Option<(String,)> = skrb_kit::sql_pool!(db, c => sqlx::query_as(
        "SELECT code FROM centre WHERE id = $1").bind(centre).fetch_optional(c).await?);
    if r.centre_code.is_none() || r.centre_code != code.map(|c| c.0) {
        return Err(AppError::Refused(Msg::new("out-of-scope")));
    }
    if !r.small_hidden {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a published report hides small counts"
        )));
    }
    let snapshot = serde_json::to_string(r).map_err(|e| AppError::Internal(e.into()))?;
    let sha = skrb_kit::audit::chain::hex(&Sha256::digest(snapshot.as_bytes()));
    let mut tx = db.begin().await?;
    let report = report_id(&mut tx, actor, centre, r.period).await?;
    let number: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM report_publication WHERE report_id = $1")
        .bind(report).fetch_one(&mut *c).await?);
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO report_publication (report_id, number, snapshot, sha256, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(report).bind(number).bind(&snapshot).bind(&sha).bind(actor.user_id).bind(actor.now).fetch_one(&mut *c).await?);
    let what = format!(
        "{} {}..{} #{number} {sha}",
        r.centre_code.as_deref().unwrap_or(""),
        r.period.from,
        r.period.to
    );
    let mut e = Event::new(Action::Publish, "annual_report", report);
    e.reason = Some(&what);
    audit::record(&mut tx, actor, e).await?;
    tx.commit().await?;
    Ok(Publication {
        id,
        number,
        sha256: sha,
        published_at: actor.now,
        published_by: actor.username.clone(),
    })
}

/// The publications of a centre's report for the period, newest first.
pub async fn publications(db: &Db, centre: i64, p: Period) -> AppResult<Vec<Publication>> {
    let rows: Vec<(i64, i64, String, OffsetDateTime, Option<String>)> = skrb_kit::sql_pool!(db, c => sqlx::query_as(
        "SELECT x.id, x.number, x.sha256, x.published_at, u.display_name FROM report_publication x \
         JOIN annual_report r ON r.id = x.report_id LEFT JOIN app_user u ON u.id = x.published_by \
         WHERE r.centre_id = $1 AND r.period_from = $2 AND r.period_to = $3 ORDER BY x.number DESC")
        .bind(centre).bind(p.from).bind(p.to).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(
            |(id, number, sha256, published_at, published_by)| Publication {
                id,
                number,
                sha256,
                published_at,
                published_by,
            },
        )
        .collect())
}

/// A published report as it was frozen; refused outside the reader's reach, and an
/// error if the stored bytes no longer match their fingerprint.
pub async fn published(db: &Db, actor: &Actor, id: i64) -> AppResult<(Publication, Report)> {
    let row: Option<(i64, i64, String, String, OffsetDateTime, Option<String>)> = skrb_kit::sql_pool!(db, c => sqlx::query_as(
        "SELECT r.centre_id, x.number, x.snapshot, x.sha256, x.published_at, u.display_name FROM report_publication x \
         JOIN annual_report r ON r.id = x.report_id LEFT JOIN app_user u ON u.id = x.published_by WHERE x.id = $1")
        .bind(id).fetch_optional(c).await?);
    let (centre, number, snapshot, sha256, published_at, published_by) =
        row.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, centre)?;
    let check = skrb_kit::audit::chain::hex(&Sha256::digest(snapshot.as_bytes()));
    if check != sha256 {
        return Err(AppError::Internal(anyhow::anyhow!(
            "publication {id}: the snapshot no longer matches its SHA-256"
        )));
    }
    let report: Report =
        serde_json::from_str(&snapshot).map_err(|e| AppError::Internal(e.into()))?;
    let mut e = Event::new(Action::Read, "report_publication", id);
    let what = format!("#{number}");
    e.reason = Some(&what);
    audit::record_apart(db, actor, e).await?;
    Ok((
        Publication {
            id,
            number,
            sha256,
            published_at,
            published_by,
        },
        report,
    ))
}
