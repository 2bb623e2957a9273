//! User accounts of staff and partners.

use time::OffsetDateTime;

use super::{password, PermSet, Role};
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
    /// The role's permissions (narrowed to its scopes when signed in with an API token).
    pub perms: PermSet,
    pub centre_id: Option<i64>,
    /// The time zone of the user's centre (the default zone without one).
    pub zone: crate::clock::Zone,
    pub centre_name: Option<String>,
    pub totp_enabled: bool,
    /// The role requires a second factor that the user has not set up: until they do,
    /// only the set-up page and sign-out are open.
    pub must_enrol: bool,
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
    pub centre_id: Option<i64>,
    pub totp_secret: Option<String>,
    /// The user's centre's time zone (read with the session; see [`USER_ZONE`]).
    #[sqlx(default)]
    pub time_zone: Option<String>,
    /// The user's centre's name, shown in every page's header (read with the time zone).
    #[sqlx(default)]
    pub centre_name: Option<String>,
}

impl UserRow {
    /// The user as requests see them, with the role's permissions from the database.
    pub async fn to_current(&self, db: &Db) -> Result<Option<CurrentUser>, sqlx::Error> {
        let Some(role) = Role::from_code(&self.role) else {
            return Ok(None);
        };
        let policy = super::policy::load(db, role).await?;
        let totp_enabled = self.totp_secret.is_some();
        Ok(Some(CurrentUser {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role,
            locale: self.locale.as_deref().and_then(Locale::from_code),
            perms: policy.perms,
            centre_id: self.centre_id,
            zone: self
                .time_zone
                .as_deref()
                .and_then(crate::clock::Zone::named)
                .unwrap_or_default(),
            centre_name: self.centre_name.clone(),
            totp_enabled,
            must_enrol: policy.totp_required && !totp_enabled,
        }))
    }
}

/// The user's centre's time zone, for queries that read a user with alias `u`.
pub const USER_ZONE: &str =
    "(SELECT c.time_zone FROM centre c WHERE c.id = u.centre_id) AS time_zone, \
     (SELECT c.name FROM centre c WHERE c.id = u.centre_id) AS centre_name";

pub const USER_COLUMNS: &str =
    "id, username, display_name, password_hash, role, locale, active, centre_id, totp_secret";

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
    password::check_strength(plain_password).map_err(|w| anyhow::anyhow!("{w}"))?;
    anyhow::ensure!(
        find_by_username(db, username).await?.is_none(),
        "user {username} already exists"
    );
    let hash = password::hash(plain_password)?;
    // Shown on every page the user touches: no control or bidirectional characters.
    let display_name = skrb_domain::text::clean(display_name.trim(), false);
    let mut tx = db.begin().await?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO app_user (username, display_name, password_hash, role, active, created_at) \
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id")
        .bind(username)
        .bind(&display_name)
        .bind(&hash)
        .bind(role.code())
        .bind(OffsetDateTime::now_utc())
        .fetch_one(c)
        .await?);
    tx.commit().await?;
    Ok(id)
}

pub async fn set_password(db: &Db, username: &str, plain_password: &str) -> anyhow::Result<()> {
    password::check_strength(plain_password).map_err(|w| anyhow::anyhow!("{w}"))?;
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

/// Replaces the hash of a password that was just verified (parameters upgraded at
/// sign-in); sessions stay, since the password itself is unchanged.
pub async fn set_password_hash(db: &Db, user_id: i64, plain_password: &str) -> anyhow::Result<()> {
    let hash = password::hash(plain_password)?;
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
        .bind(&hash).bind(user_id).execute(c).await?.rows_affected());
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

/// The code of the only centre, when there is exactly one (a single-centre install).
pub async fn only_centre(db: &Db) -> Result<Option<String>, sqlx::Error> {
    let codes: Vec<String> = sql_pool!(db, p => sqlx::query_scalar("SELECT code FROM centre LIMIT 2")
        .fetch_all(p).await?);
    Ok(if codes.len() == 1 {
        codes.into_iter().next()
    } else {
        None
    })
}

/// Moves a user to a centre; their sessions end, since their reach changes.
pub async fn set_centre(db: &Db, username: &str, centre_code: &str) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let centre: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM centre WHERE code = $1")
        .bind(centre_code).fetch_optional(c).await?);
    let centre = centre.ok_or_else(|| anyhow::anyhow!("no centre with code {centre_code}"))?;
    let n = sql!(&mut tx, c => sqlx::query("UPDATE app_user SET centre_id = $1 WHERE username = $2")
        .bind(centre).bind(username).execute(c).await?.rows_affected());
    anyhow::ensure!(n == 1, "no user {username}");
    sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE user_id = (SELECT id FROM app_user WHERE username = $1)")
        .bind(username).execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}
