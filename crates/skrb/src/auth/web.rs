//! Signing in and out: the login page for browsers, `/api/v1/session` for API clients.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::sessions::{self, Kind};
use super::{password, users, Role};
use crate::audit::{self, Actor, Event};
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::registry::api::ApiJson;
use crate::web::context::{redirect_with_flash, safe_back, Ctx, Signed, SESSION_COOKIE};
use crate::web::pages::{render, Page};
use crate::web::AppState;

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    failed: bool,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.user.is_some() {
        return Redirect::to(safe_back(&q.next)).into_response();
    }
    let page = Page::new(&ctx, i18n::t(ctx.locale, "login-title"), "");
    render(&LoginPage {
        page,
        username: String::new(),
        next: q.next,
        failed: false,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    username: String,
    password: String,
    #[serde(default)]
    #[schema(ignore)]
    next: String,
}

/// Checks credentials; records failures in the audit log (no person data involved, but
/// an auditor must see attempts).
async fn authenticate(
    state: &AppState,
    ctx: &Ctx,
    c: &Credentials,
) -> AppResult<Option<users::UserRow>> {
    let row = users::find_by_username(&state.db, c.username.trim()).await?;
    let ok = password::verify_async(
        c.password.clone(),
        row.as_ref().map(|r| r.password_hash.clone()),
    )
    .await;
    let row = row.filter(|r| ok && r.active && Role::from_code(&r.role).is_some());
    let mut tx = state.db.begin().await?;
    let actor = Actor {
        user_id: row.as_ref().map(|r| r.id),
        username: Some(c.username.chars().take(64).collect()),
        ip: ctx.ip.clone(),
        request_id: Some(ctx.request_id.clone()),
    };
    let action = if row.is_some() {
        "login"
    } else {
        "login-failed"
    };
    audit::record(
        &mut tx,
        &actor,
        Event {
            action,
            entity: "session",
            entity_id: None,
            person_id: None,
            changes: None,
            reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(c): Form<Credentials>,
) -> AppResult<Response> {
    let Some(user) = authenticate(&state, &ctx, &c).await? else {
        let page = Page::new(&ctx, i18n::t(ctx.locale, "login-title"), "");
        let mut res = render(&LoginPage {
            page,
            username: c.username,
            next: c.next,
            failed: true,
        });
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(res);
    };
    // A fresh session id at every sign-in (no session fixation); the old one is ended.
    if let Some(old) = &ctx.session_token {
        sessions::delete(&state.db, old).await?;
    }
    let (token, _) = sessions::create(&state.db, user.id, Kind::Web, state.lifetimes).await?;
    let mut res = Redirect::to(safe_back(&c.next)).into_response();
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let Some(t) = &ctx.session_token {
        sessions::delete(&state.db, t).await?;
    }
    let mut res = redirect_with_flash("/login", "logout-done");
    if let Ok(v) = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax").parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionOut {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    username: String,
    display_name: String,
    role: Role,
}

/// Sign in and receive a bearer token.
#[utoipa::path(post, path = "/api/v1/session", request_body = Credentials,
    responses((status = 200, body = SessionOut), (status = 401, description = "wrong credentials")),
    security(()))]
pub async fn api_login(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(c): ApiJson<Credentials>,
) -> AppResult<Json<SessionOut>> {
    let user = authenticate(&state, &ctx, &c)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let role = Role::from_code(&user.role).ok_or(AppError::Forbidden)?;
    let (token, expires_at) =
        sessions::create(&state.db, user.id, Kind::Api, state.lifetimes).await?;
    Ok(Json(SessionOut {
        token,
        expires_at,
        username: user.username,
        display_name: user.display_name,
        role,
    }))
}

/// End the session of the token sent.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204)))]
pub async fn api_logout(State(state): State<AppState>, s: Signed) -> AppResult<StatusCode> {
    if let Some(t) = &s.ctx.session_token {
        sessions::delete(&state.db, t).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
