//! The role/permission table: read per request (a primary-key lookup), so a change by
//! an administrator applies to every server at the next request, with no cache to go stale.

use super::{PermSet, Permission, Role};
use crate::audit::Action;
use crate::audit::{self, Actor, Change, Event};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::{sql, sql_pool};

#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    pub perms: PermSet,
    pub totp_required: bool,
}

pub async fn load(db: &Db, role: Role) -> Result<Policy, sqlx::Error> {
    let codes: Vec<String> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT permission FROM role_permission WHERE role = $1")
        .bind(role.code()).fetch_all(p).await?);
    let totp_required: Option<bool> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT totp_required FROM role_setting WHERE role = $1")
        .bind(role.code()).fetch_optional(p).await?);
    let perms = PermSet::from_codes(codes.iter().map(String::as_str));
    // A role of aggregates only never holds more, whatever the table says (a hand edit,
    // an old migration): the class of leak that once gave the ministry payment.read.
    let perms = if role.aggregates_only() {
        perms.aggregates()
    } else {
        perms
    };
    Ok(Policy {
        perms,
        totp_required: totp_required.unwrap_or(false),
    })
}

/// Every role's policy, in [`Role::ALL`] order (the administrator's matrix).
pub async fn matrix(db: &Db) -> Result<Vec<(Role, Policy)>, sqlx::Error> {
    let mut out = Vec::new();
    for role in Role::ALL {
        out.push((role, load(db, role).await?));
    }
    Ok(out)
}

/// Replaces a role's permissions and second-factor rule; audited with old and new sets.
pub async fn set(db: &Db, actor: &Actor, role: Role, new: Policy) -> Result<(), sqlx::Error> {
    let old = load(db, role).await?;
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("DELETE FROM role_permission WHERE role = $1")
        .bind(role.code()).execute(c).await?.rows_affected());
    for p in new.perms.iter() {
        sql!(&mut tx, c => sqlx::query("INSERT INTO role_permission (role, permission) VALUES ($1, $2)")
            .bind(role.code()).bind(p.code()).execute(c).await?.rows_affected());
    }
    sql!(&mut tx, c => sqlx::query("DELETE FROM role_setting WHERE role = $1")
        .bind(role.code()).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("INSERT INTO role_setting (role, totp_required) VALUES ($1, $2)")
        .bind(role.code()).bind(new.totp_required).execute(c).await?.rows_affected());
    let changes = [
        Change {
            field: "permissions".into(),
            old: Some(old.perms.codes().join(" ")),
            new: Some(new.perms.codes().join(" ")),
        },
        Change {
            field: "totp_required".into(),
            old: Some(old.totp_required.to_string()),
            new: Some(new.totp_required.to_string()),
        },
    ];
    let mut e = Event::about(Action::Update, "role").changes(&changes);
    e.reason = Some(role.code());
    audit::record(&mut tx, actor, e).await?;
    tx.commit().await
}

/// Writes the roles' policies that changed; audited per role. The matrix must keep a
/// role that administers roles, and a role of aggregates only gets no personal
/// permission: either refusal changes nothing.
pub async fn save(db: &Db, actor: &Actor, wanted: Vec<(Role, Policy)>) -> AppResult<()> {
    let current = matrix(db).await?;
    let mut after = current.clone();
    for (role, new) in &wanted {
        if let Some(slot) = after.iter_mut().find(|(r, _)| r == role) {
            slot.1 = *new;
        }
    }
    if !after
        .iter()
        .any(|(_, p)| p.perms.has(Permission::RoleAdmin))
    {
        return Err(AppError::Validation(vec![FieldError {
            field: "permissions",
            msg: Msg::new("roles-keep-admin"),
        }]));
    }
    if wanted
        .iter()
        .any(|(role, new)| role.aggregates_only() && new.perms.personal().next().is_some())
    {
        return Err(AppError::Validation(vec![FieldError {
            field: "permissions",
            msg: Msg::new("roles-aggregates-only"),
        }]));
    }
    for (role, new) in wanted {
        let old = current
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, p)| *p)
            .unwrap_or_default();
        if old.perms != new.perms || old.totp_required != new.totp_required {
            set(db, actor, role, new).await?;
        }
    }
    Ok(())
}
