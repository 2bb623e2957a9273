//! Login throttling that slows guessing without letting anyone lock a user out for good.
//!
//! Failures are counted in a sliding window under three keys. An account from one
//! address gets a handful of tries; one address gets more (password spraying); an account
//! from everywhere gets the most (a distributed attack). Past a limit the key waits until
//! its oldest failure in the window ages out: a pause of minutes, never a lock. Because
//! the per-account-and-address limit is the tightest, a user at their own desk is not
//! held up by an attacker elsewhere until the attack is large and sustained, and even then
//! only for the rest of the window.

use time::{Duration, OffsetDateTime};

use crate::db::Db;
use crate::{sql, sql_pool};

pub const WINDOW: Duration = Duration::minutes(15);
const PER_ACCOUNT_AND_ADDRESS: i64 = 5;
const PER_ADDRESS: i64 = 30;
const PER_ACCOUNT: i64 = 50;

fn keys(username: &str, ip: Option<&str>) -> Vec<(String, i64)> {
    let user = username.trim().to_lowercase();
    let ip = ip.unwrap_or("-");
    vec![
        (format!("ua:{user}@{ip}"), PER_ACCOUNT_AND_ADDRESS),
        (format!("a:{ip}"), PER_ADDRESS),
        (format!("u:{user}"), PER_ACCOUNT),
    ]
}

/// How long this sign-in must wait, if at all.
pub async fn wait(
    db: &Db,
    username: &str,
    ip: Option<&str>,
) -> Result<Option<Duration>, sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let since = now - WINDOW;
    let mut longest: Option<Duration> = None;
    for (key, limit) in keys(username, ip) {
        let (n, oldest): (i64, Option<OffsetDateTime>) = sql_pool!(db, p => sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_failure WHERE key = $1 AND at > $2")
            .bind(&key).bind(since).fetch_one(p).await?);
        if n >= limit {
            if let Some(oldest) = oldest {
                let w = (oldest + WINDOW - now).max(Duration::seconds(1));
                longest = Some(longest.map_or(w, |l| l.max(w)));
            }
        }
    }
    Ok(longest)
}

pub async fn failed(db: &Db, username: &str, ip: Option<&str>) -> Result<(), sqlx::Error> {
    let now = OffsetDateTime::now_utc();
    let mut tx = db.begin().await?;
    for (key, _) in keys(username, ip) {
        sql!(&mut tx, c => sqlx::query("INSERT INTO login_failure (key, at) VALUES ($1, $2)")
            .bind(&key).bind(now).execute(c).await?.rows_affected());
    }
    tx.commit().await
}

/// A successful sign-in forgives this account's failures from this address.
pub async fn succeeded(db: &Db, username: &str, ip: Option<&str>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if let Some((key, _)) = keys(username, ip).into_iter().next() {
        sql!(&mut tx, c => sqlx::query("DELETE FROM login_failure WHERE key = $1")
            .bind(&key).execute(c).await?.rows_affected());
    }
    tx.commit().await
}

/// Forgets failures older than the window (run by retention).
pub async fn prune(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let n = sql!(&mut tx, c => sqlx::query("DELETE FROM login_failure WHERE at < $1")
        .bind(OffsetDateTime::now_utc() - WINDOW).execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(n)
}
