//! User accounts of staff and partners.

use time::OffsetDateTime;

use super::{password, Role};
use crate::db::Db;
use crate::i18n::Locale;
use crate::{sql, sql_pool};

/// The signed-in user, as every handler sees it.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Option<Locale>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub locale: Option<String>,
    pub active: bool,
}

impl UserRow {
    pub fn to_current(&self) -> Option<CurrentUser> {
        Some(CurrentUser {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: Role::from_code(&self.role)?,
            locale: self.locale.as_deref().and_then(Locale::from_code),
        })
    }
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, locale, active";

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let q = format!("SELECT {USER_COLUMNS} FROM app_user WHERE username = $1");
    sql_pool!(db, p => sqlx::query_as::<_, UserRow>(&q).bind(username).fetch_optional(p).await)
}

pub async fn list(db: &Db) -> Result<Vec<UserRow>, sqlx::Error> {
    let q = format!("SELECT {USER_COLUMNS} FROM app_user ORDER BY username");
    sql_pool!(db, p => sqlx::query_as::<_, UserRow>(&q).fetch_all(p).await)
}

/// Usernames are short lower-case handles, so they are easy to type and compare.
pub fn valid_username(u: &str) -> bool {
    (2..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

pub async fn add(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    plain_password: &str,
) -> anyhow::Result<i64> {
    anyhow::ensure!(
        valid_username(username),
        "a username has 2-64 lower-case letters, digits, dots, dashes or underscores"
    );
    password::check_strength(plain_password).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        find_by_username(db, username).await?.is_none(),
        "user {username} already exists"
    );
    let hash = password::hash(plain_password)?;
    let mut tx = db.begin().await?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO app_user (username, display_name, password_hash, role, active, created_at) \
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id")
        .bind(username)
        .bind(display_name)
        .bind(&hash)
        .bind(role.code())
        .bind(OffsetDateTime::now_utc())
        .fetch_one(c)
        .await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn set_password(db: &Db, username: &str, plain_password: &str) -> anyhow::Result<()> {
    password::check_strength(plain_password).map_err(anyhow::Error::msg)?;
    let hash = password::hash(plain_password)?;
    let mut tx = db.begin().await?;
    let n = sql!(&mut tx, c => sqlx::query("UPDATE app_user SET password_hash = $1 WHERE username = $2")
        .bind(&hash).bind(username).execute(c).await?.rows_affected());
    anyhow::ensure!(n == 1, "no user {username}");
    // A new password ends every existing session of the account.
    sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE user_id = (SELECT id FROM app_user WHERE username = $1)")
        .bind(username).execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

pub async fn set_active(db: &Db, username: &str, active: bool) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let n = sql!(&mut tx, c => sqlx::query("UPDATE app_user SET active = $1 WHERE username = $2")
        .bind(active).bind(username).execute(c).await?.rows_affected());
    anyhow::ensure!(n == 1, "no user {username}");
    if !active {
        sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE user_id = (SELECT id FROM app_user WHERE username = $1)")
            .bind(username).execute(c).await?.rows_affected());
    }
    tx.commit().await?;
    Ok(())
}

pub async fn set_locale(db: &Db, user_id: i64, locale: Locale) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("UPDATE app_user SET locale = $1 WHERE id = $2")
        .bind(locale.code()).bind(user_id).execute(c).await?.rows_affected());
    tx.commit().await
}
