//! Administration: user accounts (role, centre, units, active, second-factor reset) and
//! the role/permission matrix.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use skrb_kit::audit::Action;

use super::policy::{self, Policy};
use super::{mfa, PermSet, Permission, Role};
use crate::audit::{self, Change, Event};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use skrb_kit::{sql, sql_pool};

pub fn routes() -> Routes {
    use Access::*;
    use Permission::*;
    Routes::new()
        .get("/admin", Perm(UserAdmin), admin_page)
        .post("/admin/users", Perm(UserAdmin), create_user)
        .post("/admin/users/{id}", Perm(UserAdmin), user_form)
        .post("/admin/users/{id}/totp-reset", Perm(UserAdmin), totp_reset)
        .get("/admin/roles", Perm(RoleAdmin), roles_page)
        .post("/admin/roles", Perm(RoleAdmin), roles_form)
        .get("/api/v1/roles", Perm(RoleAdmin), roles_api)
        .put("/api/v1/roles/{role}", Perm(RoleAdmin), role_put_api)
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct UserLine {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    active: bool,
    centre_id: Option<i64>,
    totp: bool,
}

#[derive(askama::Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: Page,
    users: Vec<UserLine>,
    roles: Vec<(String, String)>,
    centres: Vec<(i64, String)>,
    /// (unit id, centre id, name)
    units: Vec<(i64, i64, String)>,
    /// (user id, unit id)
    memberships: Vec<(i64, i64)>,
    /// The new-user form as sent: username, name, role.
    new_user: (String, String, String),
    errors: Vec<String>,
}

async fn admin_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    admin(&st, &s, Default::default(), Vec::new()).await
}

async fn admin(
    st: &AppState,
    s: &Signed,
    new_user: (String, String, String),
    errors: Vec<String>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let users: Vec<UserLine> = sql_pool!(&st.db, p => sqlx::query_as(
        "SELECT id, username, display_name, role, active, centre_id, totp_secret IS NOT NULL AS totp \
         FROM app_user ORDER BY username").fetch_all(p).await?);
    let centres: Vec<(i64, String)> = sql_pool!(&st.db, p => sqlx::query_as(
        "SELECT id, name FROM centre ORDER BY name").fetch_all(p).await?);
    let units: Vec<(i64, i64, String)> = sql_pool!(&st.db, p => sqlx::query_as(
        "SELECT id, centre_id, name FROM unit ORDER BY name").fetch_all(p).await?);
    let memberships: Vec<(i64, i64)> = sql_pool!(&st.db, p => sqlx::query_as(
        "SELECT user_id, unit_id FROM user_unit").fetch_all(p).await?);
    let page = Page::new(&s.ctx, i18n::t(l, "admin-title"), "admin");
    let refused = !errors.is_empty();
    let mut res = render(&AdminPage {
        new_user,
        errors,
        units,
        memberships,
        page,
        users,
        roles: Role::ALL
            .iter()
            .map(|r| {
                (
                    r.code().to_string(),
                    i18n::t(l, &format!("role-{}", r.code())),
                )
            })
            .collect(),
        centres,
    });
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A new account, made by an administrator; audited. The password follows the same
/// rules as everywhere (length, not common).
async fn create_user(State(st): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    let l = s.ctx.locale;
    let (mut username, mut name, mut role, mut centre, mut password) = (
        String::new(),
        String::new(),
        String::new(),
        None::<i64>,
        String::new(),
    );
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "username" => username = v.trim().to_string(),
            "display_name" => name = v.trim().to_string(),
            "role" => role = v.into_owned(),
            "centre" => centre = v.parse().ok(),
            "password" => password = v.into_owned(),
            _ => return Err(AppError::BadRequest(format!("unknown field {k}"))),
        }
    }
    let mut errors = Vec::new();
    if !super::users::valid_username(&username) {
        errors.push(i18n::t(l, "admin-username-rule"));
    } else if super::users::find_by_username(&st.db, &username)
        .await?
        .is_some()
    {
        errors.push(i18n::t(l, "admin-username-taken"));
    }
    if name.is_empty() {
        errors.push(i18n::t(l, "err-required"));
    }
    let Some(r) = Role::from_code(&role) else {
        return Err(AppError::BadRequest("role".into()));
    };
    if let Err(w) = super::password::check_strength(&password) {
        errors.push(
            Msg::new(w.key())
                .num("min", super::password::MIN_LENGTH as i64)
                .render(l),
        );
    }
    if !errors.is_empty() {
        return admin(&st, &s, (username, name, role), errors).await;
    }
    let id = super::users::add(&st.db, &username, &name, r, &password).await?;
    let mut tx = st.db.begin().await?;
    sql!(&mut tx, c => sqlx::query("UPDATE app_user SET centre_id = $1 WHERE id = $2")
        .bind(centre).bind(id).execute(c).await?.rows_affected());
    let changes = [Change {
        field: "role".into(),
        old: None,
        new: Some(r.code().to_string()),
    }];
    audit::record(
        &mut tx,
        &s.actor(),
        Event::new(Action::Create, "user", id).changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash("/admin", "saved"))
}

/// One user's role, centre and active flag (a form row on the admin page).
async fn user_form(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let mut role = None;
    let mut centre: Option<i64> = None;
    let mut active = false;
    let mut units: Vec<i64> = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "role" => role = Role::from_code(&v),
            "centre" => centre = v.parse().ok(),
            "active" => active = v == "on",
            "unit" => units.push(v.parse().map_err(|_| AppError::BadRequest("unit".into()))?),
            _ => return Err(AppError::BadRequest(format!("unknown field {k}"))),
        }
    }
    let role = role.ok_or_else(|| AppError::BadRequest("role".into()))?;
    if id == s.user.id && (!active || role != s.user.role) {
        // Administrators cannot lock themselves out by accident.
        return Err(AppError::Validation(vec![FieldError {
            field: "role",
            msg: Msg::new("admin-self"),
        }]));
    }
    let mut tx = st.db.begin().await?;
    let old: Option<(String, Option<i64>, bool)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT role, centre_id, active FROM app_user WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (old_role, old_centre, old_active) = old.ok_or(AppError::NotFound)?;
    sql!(&mut tx, c => sqlx::query("UPDATE app_user SET role = $1, centre_id = $2, active = $3 WHERE id = $4")
        .bind(role.code()).bind(centre).bind(active).bind(id).execute(c).await?.rows_affected());
    // Units belong to the user's centre; others are ignored.
    let old_units: Vec<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT unit_id FROM user_unit WHERE user_id = $1 ORDER BY unit_id").bind(id).fetch_all(c).await?);
    sql!(&mut tx, c => sqlx::query("DELETE FROM user_unit WHERE user_id = $1")
        .bind(id).execute(c).await?.rows_affected());
    for u in &units {
        sql!(&mut tx, c => sqlx::query(
            "INSERT INTO user_unit (user_id, unit_id) SELECT $1, id FROM unit WHERE id = $2 AND centre_id = $3")
            .bind(id).bind(u).bind(centre).execute(c).await?.rows_affected());
    }
    let new_units: Vec<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT unit_id FROM user_unit WHERE user_id = $1 ORDER BY unit_id").bind(id).fetch_all(c).await?);
    let list = |v: &[i64]| Some(v.iter().map(i64::to_string).collect::<Vec<_>>().join(" "));
    let opt = |v: Option<i64>| v.map(|c| c.to_string());
    let changes: Vec<Change> = [
        ("units", list(&old_units), list(&new_units)),
        (
            "role",
            Some(old_role.clone()),
            Some(role.code().to_string()),
        ),
        ("centre", opt(old_centre), opt(centre)),
        (
            "active",
            Some(old_active.to_string()),
            Some(active.to_string()),
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
        &s.actor(),
        Event::new(Action::Update, "user", id).changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash("/admin", "saved"))
}

async fn totp_reset(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    mfa::disable(&st.db, &s.actor(), id).await?;
    Ok(redirect_with_flash("/admin", "totp-reset-done"))
}

#[derive(askama::Template)]
#[template(path = "roles.html")]
struct RolesPage {
    page: Page,
    perms: Vec<(String, String)>,
    rows: Vec<RoleRow>,
}

/// A role's line of the matrix.
struct RoleRow {
    code: String,
    name: String,
    totp: bool,
    /// The permission codes it has.
    has: Vec<String>,
    /// Codes it may not hold: a role of aggregates only cannot be given a personal one.
    locked: Vec<String>,
}

async fn roles_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let l = s.ctx.locale;
    let m = policy::matrix(&st.db).await?;
    let page = Page::new(&s.ctx, i18n::t(l, "roles-title"), "admin");
    Ok(render(&RolesPage {
        page,
        perms: Permission::ALL
            .iter()
            .map(|p| {
                (
                    p.code().to_string(),
                    i18n::t(l, &super::account::permission_label_key(*p)),
                )
            })
            .collect(),
        rows: m
            .into_iter()
            .map(|(r, p)| RoleRow {
                code: r.code().to_string(),
                name: i18n::t(l, &format!("role-{}", r.code())),
                totp: p.totp_required,
                has: p.perms.codes().into_iter().map(str::to_string).collect(),
                locked: if r.aggregates_only() {
                    crate::auth::PermSet::all()
                        .personal()
                        .map(|p| p.code().to_string())
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect(),
    }))
}

/// The whole matrix in one form: `ROLE=PERMISSION` per ticked box, `ROLE=totp` for the
/// second-factor rule. Only changed roles are written.
async fn roles_form(State(st): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    let mut wanted: Vec<(Role, Policy)> =
        Role::ALL.iter().map(|r| (*r, Policy::default())).collect();
    for (k, v) in form_urlencoded::parse(&body) {
        let Some(role) = Role::from_code(&k) else {
            return Err(AppError::BadRequest(format!("unknown role {k}")));
        };
        let Some(slot) = wanted.iter_mut().find(|(r, _)| *r == role) else {
            continue;
        };
        if v == "totp" {
            slot.1.totp_required = true;
        } else {
            let p = Permission::from_code(&v)
                .ok_or_else(|| AppError::BadRequest(format!("unknown permission {v}")))?;
            slot.1.perms = slot.1.perms.with(p);
        }
    }
    save_matrix(&st, &s, wanted).await?;
    Ok(redirect_with_flash("/admin/roles", "saved"))
}

async fn save_matrix(st: &AppState, s: &Signed, wanted: Vec<(Role, Policy)>) -> AppResult<()> {
    let current = policy::matrix(&st.db).await?;
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
            policy::set(&st.db, &s.actor(), role, new).await?;
        }
    }
    Ok(())
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoleOut {
    role: Role,
    permissions: Vec<Permission>,
    totp_required: bool,
}

/// Every role with its permissions.
#[utoipa::path(get, path = "/api/v1/roles", responses((status = 200, body = [RoleOut])))]
async fn roles_api(State(st): State<AppState>) -> AppResult<Json<Vec<RoleOut>>> {
    Ok(Json(
        policy::matrix(&st.db)
            .await?
            .into_iter()
            .map(|(role, p)| RoleOut {
                role,
                permissions: p.perms.iter().collect(),
                totp_required: p.totp_required,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    permissions: Vec<Permission>,
    #[serde(default)]
    totp_required: bool,
}

/// Replace one role's permissions.
#[utoipa::path(put, path = "/api/v1/roles/{role}", request_body = RoleIn, responses((status = 204)))]
async fn role_put_api(
    State(st): State<AppState>,
    s: Signed,
    Path(role): Path<String>,
    ApiJson(r): ApiJson<RoleIn>,
) -> AppResult<axum::http::StatusCode> {
    let role = Role::from_code(&role).ok_or(AppError::NotFound)?;
    let perms = r
        .permissions
        .iter()
        .fold(PermSet::default(), |acc, p| acc.with(*p));
    save_matrix(
        &st,
        &s,
        vec![(
            role,
            Policy {
                perms,
                totp_required: r.totp_required,
            },
        )],
    )
    .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
