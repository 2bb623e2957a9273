//! The annual report's own words: a section is saved as it is typed (the browser's
//! autosave), each save a new version kept for good, and refused when someone else saved
//! in between (the version read).

use skrb_domain::reports::{Period, Section, SECTION_MAX};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::field_error;
use skrb_kit::i18n::{self, Locale};
use skrb_kit::sql;

/// A narrative section as the report prints it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Narrative {
    pub key: String,
    pub title: String,
    pub body: String,
    /// 0: never saved.
    pub version: i64,
}

/// The report row of a centre and period, made on the first save.
pub(crate) async fn report_id(
    tx: &mut skrb_kit::db::Tx,
    actor: &Actor,
    centre: i64,
    p: Period,
) -> AppResult<i64> {
    let found: Option<i64> = sql!(&mut *tx, c => sqlx::query_scalar(
        "SELECT id FROM annual_report WHERE centre_id = $1 AND period_from = $2 AND period_to = $3")
        .bind(centre).bind(p.from).bind(p.to).fetch_optional(&mut *c).await?);
    if let Some(id) = found {
        return Ok(id);
    }
    Ok(sql!(&mut *tx, c => sqlx::query_scalar(
        "INSERT INTO annual_report (centre_id, period_from, period_to, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(centre).bind(p.from).bind(p.to).bind(actor.user_id).bind(actor.now).fetch_one(&mut *c).await?))
}

/// Every section of a centre's report for the period, empty where nothing is written.
pub async fn sections(db: &Db, centre: i64, p: Period, l: Locale) -> AppResult<Vec<Narrative>> {
    let rows: Vec<(String, String, i64)> = skrb_kit::sql_pool!(db, c => sqlx::query_as(
        "SELECT s.key, s.body, s.version FROM report_section s JOIN annual_report r ON r.id = s.report_id \
         WHERE r.centre_id = $1 AND r.period_from = $2 AND r.period_to = $3")
        .bind(centre).bind(p.from).bind(p.to).fetch_all(c).await?);
    Ok(Section::ALL
        .iter()
        .map(|s| {
            let r = rows.iter().find(|r| r.0 == s.code());
            Narrative {
                key: s.code().into(),
                title: i18n::t(l, &format!("report-section-{}", s.code())),
                body: r.map(|r| r.1.clone()).unwrap_or_default(),
                version: r.map(|r| r.2).unwrap_or(0),
            }
        })
        .collect())
}

/// Saves a section of the actor's own centre's report; returns its new version (the same
/// when nothing changed). `version` is the one read (none: the last saved wins, for the
/// browser's first save of a section nobody wrote yet).
pub async fn save(
    db: &Db,
    actor: &Actor,
    p: Period,
    key: &str,
    body: &str,
    version: Option<i64>,
) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let section = Section::from_code(key).ok_or(AppError::NotFound)?;
    if body.chars().count() > SECTION_MAX {
        return Err(field_error("body", "report-err-too-long-text"));
    }
    let mut tx = db.begin().await?;
    let report = report_id(&mut tx, actor, centre, p).await?;
    let current: Option<(i64, i64, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, version, body FROM report_section WHERE report_id = $1 AND key = $2")
        .bind(report).bind(section.code()).fetch_optional(&mut *c).await?);
    let (id, next) = match current {
        Some((_, v, ref old)) if old == body && version.is_none_or(|sent| sent == v) => {
            return Ok(v);
        }
        Some((_, v, _)) if version.is_some_and(|sent| sent != v) => {
            return Err(AppError::Conflict { current_version: v });
        }
        Some((id, v, _)) => {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE report_section SET body = $1, version = $2, saved_by = $3, saved_at = $4 WHERE id = $5 AND version = $6")
                .bind(body).bind(v + 1).bind(actor.user_id).bind(actor.now).bind(id).bind(v).execute(&mut *c).await.map(|_| ())?);
            (id, v + 1)
        }
        None => {
            if version.is_some_and(|sent| sent != 0) {
                return Err(AppError::Conflict { current_version: 0 });
            }
            let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
                "INSERT INTO report_section (report_id, key, body, version, saved_by, saved_at) VALUES ($1, $2, $3, 1, $4, $5) RETURNING id")
                .bind(report).bind(section.code()).bind(body).bind(actor.user_id).bind(actor.now).fetch_one(&mut *c).await?);
            (id, 1)
        }
    };
    sql!(&mut tx, c => sqlx::query(
        "INSERT INTO report_section_version (section_id, version, body, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(next).bind(body).bind(actor.user_id).bind(actor.now).execute(&mut *c).await.map(|_| ())?);
    let what = format!("{} {}..{}", section.code(), p.from, p.to);
    let mut e = Event::new(Action::Save, "report_section", id);
    e.reason = Some(&what);
    audit::record(&mut tx, actor, e).await?;
    tx.commit().await?;
    Ok(next)
}
