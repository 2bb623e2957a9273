//! Signing in and out: the login page (password, then the second factor if the user has
//! one) for browsers, `/api/v1/session` for API clients.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use skrb_kit::audit::Action;
use time::OffsetDateTime;

use super::sessions::{self, Kind, Stage};
use super::{mfa, password, throttle, users, Role};
use crate::audit::{self, Actor, Event};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, safe_back, Ctx, Signed, SESSION_COOKIE};
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use Access::*;
    Routes::new()
        .get("/login", Public, login_page)
        .post("/login", Public, login)
        .get("/login/totp", Public, totp_page)
        .post("/login/totp", Public, totp_submit)
        .post("/logout", Public, logout)
        .post("/logout/everywhere", Enrolling, logout_everywhere)
        .post("/api/v1/session", Public, api_login)
        .delete("/api/v1/session", Enrolling, api_logout)
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    error: Option<String>,
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
        error: None,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    username: String,
    password: String,
    /// The second factor (a TOTP code or a recovery code), for users who have one.
    #[serde(default)]
    totp: Option<String>,
    #[serde(default)]
    #[schema(ignore)]
    next: String,
}

fn actor_of(ctx: &Ctx, user_id: Option<i64>, username: &str) -> Actor {
    Actor {
        user_id,
        username: Some(username.chars().take(64).collect()),
        ip: ctx.ip.clone(),
        request_id: Some(ctx.request_id.clone()),
        scope: None,
        now: ctx.now,
        zone: ctx.zone,
    }
}

async fn audit_session(
    state: &AppState,
    actor: &Actor,
    action: Action,
    reason: Option<&str>,
) -> AppResult<()> {
    let e = Event::about(action, "session").reason(reason);
    Ok(audit::record_apart(&state.db, actor, e).await?)
}

/// Checks credentials under the throttle; every attempt is audited (no person data
/// involved, but an auditor must see attempts). Argon2 hashes made with older
/// parameters are replaced on a successful sign-in.
async fn authenticate(
    state: &AppState,
    ctx: &Ctx,
    c: &Credentials,
) -> AppResult<Option<users::UserRow>> {
    let name = c.username.trim();
    if let Some(wait) = throttle::wait(&state.db, name, ctx.ip.as_deref()).await? {
        audit_session(
            state,
            &actor_of(ctx, None, name),
            Action::LoginThrottled,
            None,
        )
        .await?;
        let minutes = (wait.whole_seconds() + 59) / 60;
        return Err(AppError::Throttled { minutes });
    }
    let row = users::find_by_username(&state.db, name).await?;
    let ok = password::verify_async(
        c.password.clone(),
        row.as_ref().map(|r| r.password_hash.clone()),
    )
    .await;
    let row = row.filter(|r| ok && r.active && Role::from_code(&r.role).is_some());
    let actor = actor_of(ctx, row.as_ref().map(|r| r.id), name);
    match &row {
        Some(r) => {
            throttle::succeeded(&state.db, name, ctx.ip.as_deref()).await?;
            if password::needs_rehash(&r.password_hash) {
                users::set_password_hash(&state.db, r.id, &c.password).await?;
            }
            audit_session(state, &actor, Action::Login, None).await?;
        }
        None => {
            throttle::failed(&state.db, name, ctx.ip.as_deref()).await?;
            audit_session(state, &actor, Action::LoginFailed, None).await?;
        }
    }
    Ok(row)
}

fn session_cookie(ctx: &Ctx, token: &str) -> String {
    ctx.cookie(SESSION_COOKIE, token, None)
}

fn with_cookie(mut res: Response, cookie: String) -> Response {
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(c): Form<Credentials>,
) -> AppResult<Response> {
    let user = match authenticate(&state, &ctx, &c).await {
        Ok(u) => u,
        Err(e @ AppError::Throttled { .. }) => {
            let page = Page::new(&ctx, i18n::t(ctx.locale, "login-title"), "");
            let msg = e.detail().map(|m| m.render(ctx.locale));
            let mut res = render(&LoginPage {
                page,
                username: c.username,
                next: c.next,
                error: msg,
            });
            *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let AppError::Throttled { minutes } = e {
                skrb_kit::web::errors::retry_after(&mut res, minutes);
            }
            return Ok(res);
        }
        Err(e) => return Err(e),
    };
    let Some(user) = user else {
        let page = Page::new(&ctx, i18n::t(ctx.locale, "login-title"), "");
        let mut res = render(&LoginPage {
            page,
            username: c.username,
            next: c.next,
            error: Some(i18n::t(ctx.locale, "login-failed")),
        });
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(res);
    };
    // A fresh session id at every sign-in (no session fixation); the old one is ended.
    if let Some(old) = &ctx.session_token {
        sessions::delete(&state.db, old).await?;
    }
    let stage = if user.totp_secret.is_some() {
        Stage::Mfa
    } else {
        Stage::Full
    };
    let (token, _) =
        sessions::create(&state.db, user.id, Kind::Web, stage, state.lifetimes).await?;
    let to = match stage {
        Stage::Mfa => format!(
            "/login/totp?next={}",
            skrb_kit::web::errors::encode_component(safe_back(&c.next))
        ),
        Stage::Full => safe_back(&c.next).to_string(),
    };
    Ok(with_cookie(
        Redirect::to(&to).into_response(),
        session_cookie(&ctx, &token),
    ))
}

#[derive(askama::Template)]
#[template(path = "login_totp.html")]
struct TotpPage {
    page: Page,
    next: String,
    error: Option<String>,
}

async fn totp_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    if ctx.mfa_user.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let page = Page::new(&ctx, i18n::t(ctx.locale, "totp-title"), "");
    Ok(render(&TotpPage {
        page,
        next: q.next,
        error: None,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TotpForm {
    code: String,
    #[serde(default)]
    next: String,
}

/// The second step: a right code rotates the session to a full one.
async fn totp_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TotpForm>,
) -> AppResult<Response> {
    let (Some(user), Some(old)) = (&ctx.mfa_user, &ctx.session_token) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let actor = actor_of(&ctx, Some(user.id), &user.username);
    if let Some(wait) = throttle::wait(&state.db, &user.username, ctx.ip.as_deref()).await? {
        audit_session(&state, &actor, Action::LoginThrottled, None).await?;
        return Err(AppError::Throttled {
            minutes: (wait.whole_seconds() + 59) / 60,
        });
    }
    if !mfa::check(&state.db, user.id, &f.code).await? {
        throttle::failed(&state.db, &user.username, ctx.ip.as_deref()).await?;
        audit_session(&state, &actor, Action::TotpFailed, None).await?;
        let page = Page::new(&ctx, i18n::t(ctx.locale, "totp-title"), "");
        let mut res = render(&TotpPage {
            page,
            next: f.next,
            error: Some(i18n::t(ctx.locale, "totp-wrong")),
        });
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(res);
    }
    throttle::succeeded(&state.db, &user.username, ctx.ip.as_deref()).await?;
    audit_session(&state, &actor, Action::TotpPassed, None).await?;
    let (token, _) = sessions::rotate(&state.db, old, user.id, Kind::Web, state.lifetimes).await?;
    Ok(with_cookie(
        Redirect::to(safe_back(&f.next)).into_response(),
        session_cookie(&ctx, &token),
    ))
}

fn cleared(ctx: &Ctx, flash: &str) -> Response {
    with_cookie(
        redirect_with_flash("/login", flash),
        ctx.cookie(SESSION_COOKIE, "", Some(0)),
    )
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let Some(t) = &ctx.session_token {
        sessions::delete(&state.db, t).await?;
    }
    Ok(cleared(&ctx, "logout-done"))
}

/// Ends every session of the user, on every device (a lost laptop, a shared computer).
async fn logout_everywhere(State(state): State<AppState>, s: Signed) -> AppResult<Response> {
    sessions::delete_all(&state.db, s.user.id).await?;
    audit_session(&state, &s.actor(), Action::LogoutEverywhere, None).await?;
    Ok(cleared(&s.ctx, "logout-everywhere-done"))
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SignedIn)]
pub struct SessionOut {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    username: String,
    display_name: String,
    role: Role,
}

/// Sign in and receive a bearer token. Users with a second factor send it as `totp`.
#[utoipa::path(post, path = "/api/v1/session", request_body = Credentials,
    responses((status = 200, body = SessionOut), (status = 401, description = "wrong credentials"),
        (status = 429, description = "too many failed attempts")),
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
    if user.totp_secret.is_some() {
        let code = c.totp.as_deref().unwrap_or("");
        if !mfa::check(&state.db, user.id, code).await? {
            throttle::failed(&state.db, &user.username, ctx.ip.as_deref()).await?;
            audit_session(
                &state,
                &actor_of(&ctx, Some(user.id), &user.username),
                Action::TotpFailed,
                None,
            )
            .await?;
            return Err(AppError::Unauthenticated);
        }
    }
    let (token, expires_at) =
        sessions::create(&state.db, user.id, Kind::Api, Stage::Full, state.lifetimes).await?;
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
