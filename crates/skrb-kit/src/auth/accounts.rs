//! Administering accounts: who works in which centre and unit, with which role, and
//! whether they may still sign in. Every change is audited with what it was before; a
//! change of privilege ends the user's sessions.

use super::{password, users, Role};
use crate::audit::{self, Action, Actor, Change, Event};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::{sql, sql_pool};

/// An account as the administrator's list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub centre_id: Option<i64>,
    pub totp: bool,
}

/// Everything the administration page lists.
pub struct Directory {
    pub accounts: Vec<Account>,
    pub centres: Vec<(i64, String)>,
    /// (unit id, centre id, name)
    pub units: Vec<(i64, i64, String)>,
    /// (user id, unit id)
    pub memberships: Vec<(i64, i64)>,
}

pub async fn directory(db: &Db) -> AppResult<Directory> {
    let accounts: Vec<Account> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, username, display_name, role, active, centre_id, totp_secret IS NOT NULL AS totp \
         FROM app_user ORDER BY username").fetch_all(p).await?);
    let units: Vec<(i64, i64, String)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, centre_id, name FROM unit ORDER BY name").fetch_all(p).await?);
    let memberships: Vec<(i64, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT user_id, unit_id FROM user_unit").fetch_all(p).await?);
    Ok(Directory {
        accounts,
        centres: crate::centre::all(db).await?,
        units,
        memberships,
    })
}

/// A new account as the administrator typed it.
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub centre: Option<i64>,
    pub password: String,
}

fn refusal(field: &'static str, msg: Msg) -> FieldError {
    FieldError { field, msg }
}

/// Opens an account; audited. The password follows the same rules as everywhere
/// (length, not common); the reasons come back together.
pub async fn create(db: &Db, actor: &Actor, a: &NewAccount) -> AppResult<i64> {
    let mut errors = Vec::new();
    if !users::valid_username(&a.username) {
        errors.push(refusal("username", Msg::new("admin-username-rule")));
    } else if users::find_by_username(db, &a.username).await?.is_some() {
        errors.push(refusal("username", Msg::new("admin-username-taken")));
    }
    if a.display_name.trim().is_empty() {
        errors.push(refusal("display_name", Msg::new("err-required")));
    }
    if let Err(w) = password::check_strength(&a.password) {
        errors.push(refusal(
            "password",
            Msg::new(w.key()).num("min", password::MIN_LENGTH as i64),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = users::add(db, &a.username, &a.display_name, a.role, &a.password)
        .await
        .map_err(AppError::Internal)?;
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("UPDATE app_user SET centre_id = $1 WHERE id = $2")
        .bind(a.centre).bind(id).execute(c).await?.rows_affected());
    let changes = [Change {
        field: "role".into(),
        old: None,
        new: Some(a.role.code().to_string()),
    }];
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "user", id).changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What an account may do: its role, centre, units and whether it is active.
pub struct Grant {
    pub role: Role,
    pub centre: Option<i64>,
    pub active: bool,
    pub units: Vec<i64>,
}

/// Changes an account's grant; audited field by field. Administrators cannot lock
/// themselves out by accident (their own role and active flag stay); units outside the
/// user's centre are ignored.
pub async fn update(db: &Db, actor: &Actor, id: i64, g: &Grant) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let old: Option<(String, Option<i64>, bool)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT role, centre_id, active FROM app_user WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (old_role, old_centre, old_active) = old.ok_or(AppError::NotFound)?;
    if actor.user_id == Some(id) && (!g.active || g.role.code() != old_role) {
        return Err(AppError::Validation(vec![refusal(
            "role",
            Msg::new("admin-self"),
        )]));
    }
    sql!(&mut tx, c => sqlx::query("UPDATE app_user SET role = $1, centre_id = $2, active = $3 WHERE id = $4")
        .bind(g.role.code()).bind(g.centre).bind(g.active).bind(id).execute(c).await?.rows_affected());
    let old_units: Vec<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT unit_id FROM user_unit WHERE user_id = $1 ORDER BY unit_id").bind(id).fetch_all(c).await?);
    sql!(&mut tx, c => sqlx::query("DELETE FROM user_unit WHERE user_id = $1")
        .bind(id).execute(c).await?.rows_affected());
    for u in &g.units {
        sql!(&mut tx, c => sqlx::query(
            "INSERT INTO user_unit (user_id, unit_id) SELECT $1, id FROM unit WHERE id = $2 AND centre_id = $3")
            .bind(id).bind(u).bind(g.centre).execute(c).await?.rows_affected());
    }
    let new_units: Vec<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT unit_id FROM user_unit WHERE user_id = $1 ORDER BY unit_id").bind(id).fetch_all(c).await?);
    let list = |v: &[i64]| Some(v.iter().map(i64::to_string).collect::<Vec<_>>().join(" "));
    let opt = |v: Option<i64>| v.map(|c| c.to_string());
    let changes: Vec<Change> = [
        ("units", list(&old_units), list(&new_units)),
        ("role", Some(old_role), Some(g.role.code().to_string())),
        ("centre", opt(old_centre), opt(g.centre)),
        (
            "active",
            Some(old_active.to_string()),
            Some(g.active.to_string()),
        ),
    ]
    .into_iter()
    .filter(|(_, o, n)| o != n)
    .map(|(f, old, new)| Change {
        field: f.into(),
        old,
        new,
    })
    .collect();
    // A change of privilege ends the user's sessions: they sign in again with the new
    // rights (and a new session id).
    if !changes.is_empty() {
        sql!(&mut tx, c => sqlx::query("DELETE FROM session WHERE user_id = $1")
            .bind(id).execute(c).await?.rows_affected());
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "user", id).changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
