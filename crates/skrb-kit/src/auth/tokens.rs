//! Personal API tokens: for scripts and other systems calling the JSON API.
//!
//! A token is shown once; the database keeps its SHA-256. It carries scopes (a subset of
//! permissions), so a reporting script can read without being able to write, and it
//! always expires. Its user's permissions still apply: scopes only narrow them.

use crate::audit::Action;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::sessions::{new_token, token_hash};
use super::users::{UserRow, USER_COLUMNS};
use super::{PermSet, Permission};
use crate::audit::{self, Actor, Change, Event};
use crate::db::Db;
use crate::error::{AppError, FieldError, Msg};
use crate::{sql, sql_pool};

/// Personal tokens start with this, so they are told apart from session tokens and can
/// be found by secret scanners.
pub const PREFIX: &str = "skrb_pat_";
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

impl TokenInfo {
    pub fn active(&self) -> bool {
        self.revoked_at.is_none() && self.expires_at > OffsetDateTime::now_utc()
    }
}

/// Checks a request for a new token against what the user may do; translated errors.
pub fn parse_request(
    name: &str,
    scopes: &[String],
    days: i64,
    user_perms: PermSet,
) -> Result<(String, PermSet, i64), AppError> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError {
            field: "name",
            msg: Msg::new("err-required"),
        });
    }
    let mut set = PermSet::default();
    for s in scopes {
        match Permission::from_code(s) {
            Some(p) if user_perms.has(p) => set = set.with(p),
            _ => errors.push(FieldError {
                field: "scopes",
                msg: Msg::new("err-token-scope").arg("scope", s.clone()),
            }),
        }
    }
    if scopes.is_empty() {
        errors.push(FieldError {
            field: "scopes",
            msg: Msg::new("err-required"),
        });
    }
    if !(1..=MAX_DAYS).contains(&days) {
        errors.push(FieldError {
            field: "days",
            msg: Msg::new("err-token-days").num("max", MAX_DAYS),
        });
    }
    if errors.is_empty() {
        Ok((name.to_string(), set, days))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Creates a token and returns it in full: the only time anyone sees it.
pub async fn create(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    name: &str,
    scopes: PermSet,
    days: i64,
) -> Result<(String, TokenInfo), sqlx::Error> {
    let token = format!("{PREFIX}{}", new_token());
    let now = OffsetDateTime::now_utc();
    let expires = now + Duration::days(days);
    let scope_text = scopes.codes().join(" ");
    let mut tx = db.begin().await?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO api_token (user_id, name, token_hash, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(user_id).bind(name).bind(token_hash(&token)).bind(&scope_text).bind(now).bind(expires)
        .fetch_one(c).await?);
    let changes = [Change {
        field: "scopes".into(),
        old: None,
        new: Some(scope_text.clone()),
    }];
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "api_token", id).changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok((
        token,
        TokenInfo {
            id,
            name: name.to_string(),
            scopes: scope_text,
            created_at: now,
            expires_at: expires,
            revoked_at: None,
            last_used_at: None,
        },
    ))
}

pub async fn list(db: &Db, user_id: i64) -> Result<Vec<TokenInfo>, sqlx::Error> {
    sql_pool!(db, p => sqlx::query_as(
        "SELECT id, name, scopes, created_at, expires_at, revoked_at, last_used_at \
         FROM api_token WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id).fetch_all(p).await)
}

/// Revokes one of the user's own tokens; false if there is no such live token.
pub async fn revoke(db: &Db, actor: &Actor, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(OffsetDateTime::now_utc()).bind(id).bind(user_id).execute(c).await?.rows_affected());
    if n == 1 {
        audit::record(&mut tx, actor, Event::new(Action::Revoke, "api_token", id)).await?;
    }
    tx.commit().await?;
    Ok(n == 1)
}

#[derive(sqlx::FromRow)]
struct TokenUser {
    scopes: String,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
    #[sqlx(flatten)]
    user: UserRow,
}

/// The user behind a personal token, with permissions narrowed to its scopes.
pub async fn lookup(db: &Db, token: &str) -> Result<super::sessions::Found, sqlx::Error> {
    use super::sessions::Found;
    let hash = token_hash(token);
    let cols = USER_COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let q = format!(
        "SELECT t.scopes, t.expires_at, t.revoked_at, t.last_used_at, {cols}, {} \
         FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = $1",
        super::users::USER_ZONE
    );
    let row: Option<TokenUser> =
        sql_pool!(db, p => sqlx::query_as(&q).bind(&hash).fetch_optional(p).await?);
    let Some(row) = row else {
        return Ok(Found::Refused {
            user_id: None,
            reason: "unknown token",
        });
    };
    let refused = |reason| Found::Refused {
        user_id: Some(row.user.id),
        reason,
    };
    let now = OffsetDateTime::now_utc();
    if !row.user.active {
        return Ok(refused("user disabled"));
    }
    if row.revoked_at.is_some() {
        return Ok(refused("token revoked"));
    }
    if now > row.expires_at {
        return Ok(refused("token expired"));
    }
    if row
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        let mut tx = db.begin().await?;
        sql!(&mut tx, c => sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now).bind(&hash).execute(c).await?.rows_affected());
        tx.commit().await?;
    }
    let Some(mut user) = row.user.to_current(db).await? else {
        return Ok(refused("unknown role"));
    };
    user.perms = user
        .perms
        .intersect(PermSet::from_codes(row.scopes.split(' ')));
    // A token is already a second factor's equal for the API: it was made while signed in.
    user.must_enrol = false;
    Ok(Found::Alive(user))
}
