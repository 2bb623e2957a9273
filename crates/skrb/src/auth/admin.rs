//! Administration: user accounts (role, centre, units, active, second-factor reset) and
//! the role/permission matrix.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::accounts::{self, Account, Grant, NewAccount};
use super::policy::{self, Policy};
use super::{mfa, PermSet, Permission, Role};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{go, Flow};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

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

#[derive(askama::Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: Page,
    users: Vec<Account>,
    roles: Vec<(String, String)>,
    centres: Vec<(i64, String)>,
    /// (unit id, centre id, name)
    units: Vec<(i64, i64, String)>,
    /// (user id, unit id)
    memberships: Vec<(i64, i64)>,
    /// The new-user form as sent: username, name, role.
    new_user: (String, String, String),
    errors: Vec<skrb_kit::form::Reason>,
}

async fn admin_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    admin(&st, &s, Default::default(), Vec::new()).await
}

async fn admin(
    st: &AppState,
    s: &Signed,
    new_user: (String, String, String),
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let d = accounts::directory(&st.db).await?;
    let page = Page::new(&s.ctx, i18n::t(l, "admin-title"), "admin");
    let refused = !errors.is_empty();
    let mut res = render(&AdminPage {
        new_user,
        errors,
        units: d.units,
        memberships: d.memberships,
        page,
        users: d.accounts,
        roles: Role::ALL
            .iter()
            .map(|r| {
                (
                    r.code().to_string(),
                    i18n::t(l, &format!("role-{}", r.code())),
                )
            })
            .collect(),
        centres: d.centres,
    });
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A new account, made by an administrator.
async fn create_user(State(st): State<AppState>, s: Signed, body: Bytes) -> AppResult<Response> {
    let (mut username, mut display_name, mut role, mut centre, mut password) = (
        String::new(),
        String::new(),
        String::new(),
        None::<i64>,
        String::new(),
    );
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "username" => username = v.trim().to_string(),
            "display_name" => display_name = v.trim().to_string(),
            "role" => role = v.into_owned(),
            "centre" => centre = v.parse().ok(),
            "password" => password = v.into_owned(),
            _ => return Err(AppError::BadRequest(format!("unknown field {k}"))),
        }
    }
    let Some(r) = Role::from_code(&role) else {
        return Err(AppError::BadRequest("role".into()));
    };
    let a = NewAccount {
        username,
        display_name,
        role: r,
        centre,
        password,
    };
    let result = accounts::create(&st.db, &s.actor(), &a).await;
    Flow::new(&s)
        .then(
            result,
            |_| go("/admin", "saved"),
            |errors| {
                admin(
                    &st,
                    &s,
                    (a.username.clone(), a.display_name.clone(), role),
                    errors,
                )
            },
        )
        .await
}

/// One user's role, centre, units and active flag (a form row on the admin page).
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
    let g = Grant {
        role,
        centre,
        active,
        units,
    };
    accounts::update(&st.db, &s.actor(), id, &g).await?;
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
    policy::save(&st.db, &s.actor(), wanted).await?;
    Ok(redirect_with_flash("/admin/roles", "saved"))
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
    policy::save(
        &st.db,
        &s.actor(),
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
