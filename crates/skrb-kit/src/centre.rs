//! What Skrb knows of a centre that every context asks: its jurisdiction, its file
//! numbers, whether a user may hold its files.

use crate::db::Tx;
use crate::sql;

/// The jurisdiction of a centre (SI where there is none).
pub async fn jurisdiction_of(tx: &mut Tx, centre_id: Option<i64>) -> Result<String, sqlx::Error> {
    let j: Option<String> = sql!(tx, c => sqlx::query_scalar("SELECT jurisdiction FROM centre WHERE id = $1")
        .bind(centre_id).fetch_optional(c).await?);
    Ok(j.unwrap_or_else(|| "SI".into()))
}

/// The jurisdiction of a centre, outside a transaction.
pub async fn jurisdiction(
    db: &crate::db::Db,
    centre_id: Option<i64>,
) -> Result<String, sqlx::Error> {
    let mut tx = db.begin_read().await?;
    let j = jurisdiction_of(&mut tx, centre_id).await?;
    tx.commit().await?;
    Ok(j)
}

/// The next file number of a centre in a year, by the centre's pattern.
pub async fn next_number(
    tx: &mut Tx,
    centre_id: i64,
    year: i32,
    class: &str,
) -> Result<String, sqlx::Error> {
    let seq: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO case_counter (centre_id, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (centre_id, year) DO UPDATE SET last = case_counter.last + 1 RETURNING last")
        .bind(centre_id).bind(i64::from(year)).fetch_one(c).await?);
    let (pattern, code): (String, String) = sql!(tx, c => sqlx::query_as(
        "SELECT file_pattern, code FROM centre WHERE id = $1").bind(centre_id).fetch_one(c).await?);
    Ok(pattern
        .replace("{class}", class)
        .replace("{seq}", &seq.to_string())
        .replace("{year}", &year.to_string())
        .replace("{centre}", &code))
}

/// An active user of the centre who may hold files; the reason otherwise.
pub async fn worker_ok(
    tx: &mut Tx,
    user_id: i64,
    centre_id: i64,
) -> Result<Option<&'static str>, sqlx::Error> {
    let row: Option<(bool, Option<i64>)> = sql!(tx, c => sqlx::query_as(
        "SELECT active, centre_id FROM app_user WHERE id = $1").bind(user_id).fetch_optional(c).await?);
    Ok(match row {
        None => Some("err-worker-unknown"),
        Some((false, _)) => Some("err-worker-inactive"),
        Some((true, c)) if c != Some(centre_id) => Some("err-worker-other-centre"),
        _ => None,
    })
}

/// Every centre, by name (for choosing one: an administrator, the ministry).
pub async fn all(db: &crate::db::Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    Ok(
        crate::sql_pool!(db, p => sqlx::query_as("SELECT id, name FROM centre ORDER BY name").fetch_all(p).await?),
    )
}

/// The actor of a command-line job: a user by name (else the system, named after the
/// job), scoped to one centre when its code is given (its time zone too).
pub async fn cli_actor(
    db: &crate::db::Db,
    centre: &Option<String>,
    user: &Option<String>,
    job: &str,
) -> anyhow::Result<crate::audit::Actor> {
    let mut a = match user {
        Some(u) => {
            let row: Option<(i64, String)> = crate::sql_pool!(db, p => sqlx::query_as(
                "SELECT id, username FROM app_user WHERE username = $1 AND active").bind(u).fetch_optional(p).await?);
            let (id, name) = row.ok_or_else(|| anyhow::anyhow!("no active user {u}"))?;
            crate::audit::Actor {
                user_id: Some(id),
                username: Some(name),
                ..crate::audit::Actor::default()
            }
        }
        None => crate::audit::Actor::system(job),
    };
    if let Some(code) = centre {
        let row: Option<(i64, String)> = crate::sql_pool!(db, p => sqlx::query_as(
            "SELECT id, jurisdiction FROM centre WHERE code = $1").bind(code).fetch_optional(p).await?);
        let (id, j) = row.ok_or_else(|| anyhow::anyhow!("no centre {code}"))?;
        a.scope = Some(crate::audit::Scope {
            user_id: a.user_id.unwrap_or(0),
            centre_id: Some(id),
            all_centres: false,
            may_break_glass: false,
        });
        a.zone = crate::clock::Zone::of_jurisdiction(&j);
    }
    Ok(a)
}
