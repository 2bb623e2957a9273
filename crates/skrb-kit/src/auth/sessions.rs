//! Server-side sessions for browsers (cookie) and API clients (bearer token).
//!
//! The client holds a random 256-bit token; the database holds only its SHA-256, so a
//! leaked database copy cannot be used to sign in.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::users::{CurrentUser, UserRow};
use crate::db::Db;
use crate::{sql, sql_pool};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Web,
    Api,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Web => "web",
            Kind::Api => "api",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: Duration,
    pub absolute: Duration,
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// How far a session has got: past the password only, or fully signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password accepted; the second factor is still due.
    Mfa,
    Full,
}

impl Stage {
    fn code(self) -> &'static str {
        match self {
            Stage::Mfa => "mfa",
            Stage::Full => "full",
        }
    }
}

/// Opens a session and returns the token to hand to the client, and its absolute expiry.
pub async fn create(
    db: &Db,
    user_id: i64,
    kind: Kind,
    stage: Stage,
    life: Lifetimes,
) -> Result<(String, OffsetDateTime), sqlx::Error> {
    let token = new_token();
    let now = OffsetDateTime::now_utc();
    let expires = now + life.absolute;
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query(
        "INSERT INTO session (token_hash, user_id, kind, stage, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)")
        .bind(token_hash(&token)).bind(user_id).bind(kind.code()).bind(stage.code()).bind(now).bind(expires)
        .execute(c).await?.rows_affected());
    // Housekeeping: expired sessions of this user go now rather than by a separate job.
    sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE user_id = $1 AND expires_at < $2")
        .bind(user_id).bind(now).execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok((token, expires))
}

#[derive(sqlx::FromRow)]
struct SessionUser {
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    kind: String,
    stage: String,
    #[sqlx(flatten)]
    user: UserRow,
}

/// What a presented token turned out to be.
#[derive(Debug, Clone)]
pub enum Found {
    /// A live, fully signed-in session.
    Alive(CurrentUser),
    /// Password accepted, second factor still due.
    Mfa(CurrentUser),
    /// A token that is no longer (or never was) good; the reason goes to the audit log.
    Refused {
        user_id: Option<i64>,
        reason: &'static str,
    },
}

/// The user behind a token, if the session is alive (not idle too long, not past its
/// absolute lifetime, user still active). Touches the session at most once a minute.
pub async fn lookup(
    db: &Db,
    token: &str,
    kind: Kind,
    life: Lifetimes,
) -> Result<Found, sqlx::Error> {
    let hash = token_hash(token);
    let q = format!(
        "SELECT s.last_seen_at, s.expires_at, s.kind, s.stage, {}, {} \
         FROM session s JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = $1",
        super::users::USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        super::users::USER_ZONE
    );
    let row: Option<SessionUser> =
        sql_pool!(db, p => sqlx::query_as(&q).bind(&hash).fetch_optional(p).await?);
    let Some(row) = row else {
        return Ok(Found::Refused {
            user_id: None,
            reason: "unknown session",
        });
    };
    let refused = |reason| Found::Refused {
        user_id: Some(row.user.id),
        reason,
    };
    let now = OffsetDateTime::now_utc();
    if row.kind != kind.code() {
        return Ok(refused("session of another kind"));
    }
    if !row.user.active {
        delete(db, token).await?;
        return Ok(refused("user disabled"));
    }
    if now > row.expires_at || now - row.last_seen_at > life.idle {
        delete(db, token).await?;
        return Ok(refused("session expired"));
    }
    if now - row.last_seen_at > Duration::minutes(1) {
        let mut tx = db.begin().await?;
        sql!(&mut tx, c => sqlx::query("UPDATE session SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now).bind(&hash).execute(c).await?.rows_affected());
        tx.commit().await?;
    }
    let Some(user) = row.user.to_current(db).await? else {
        return Ok(refused("unknown role"));
    };
    Ok(if row.stage == Stage::Mfa.code() {
        Found::Mfa(user)
    } else {
        Found::Alive(user)
    })
}

pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE token_hash = $1")
        .bind(token_hash(token)).execute(c).await?.rows_affected());
    tx.commit().await
}

/// "Sign out everywhere": ends every session of the user; returns how many.
pub async fn delete_all(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let n = sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE user_id = $1")
        .bind(user_id).execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(n)
}

/// A new session id for a change of privilege (second factor passed): the old id stops
/// working, so a token captured before the change is worthless after it.
pub async fn rotate(
    db: &Db,
    old: &str,
    user_id: i64,
    kind: Kind,
    life: Lifetimes,
) -> Result<(String, OffsetDateTime), sqlx::Error> {
    delete(db, old).await?;
    create(db, user_id, kind, Stage::Full, life).await
}

/// The per-session CSRF token: derived from the session token, which only the browser
/// (in an HttpOnly cookie) and the server know, so a forged form cannot carry it.
pub fn csrf_token(session_token: &str) -> String {
    let digest = Sha256::digest(format!("skrb-csrf:{session_token}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24])
}
