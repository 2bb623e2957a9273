//! The user's own account: password, second factor, personal API tokens, and signing
//! out everywhere.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use skrb_kit::audit::Action;

use super::tokens::{self, TokenInfo};
use super::{mfa, password, users, Permission};
use crate::audit::{self, Event};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use Access::*;
    Routes::new()
        .get("/account", Enrolling, account_page)
        .post("/account/password", Enrolling, change_password)
        .get("/account/totp", Enrolling, totp_setup)
        .post("/account/totp", Enrolling, totp_confirm)
        .post("/account/totp/disable", Signed, totp_disable)
        .post("/account/tokens", Signed, token_create_form)
        .post("/account/tokens/{id}/revoke", Signed, token_revoke_form)
        .get("/api/v1/tokens", Signed, token_list_api)
        .post("/api/v1/tokens", Signed, token_create_api)
        .delete("/api/v1/tokens/{id}", Signed, token_revoke_api)
}

#[derive(askama::Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    username: String,
    role: String,
    totp: bool,
    recovery_left: i64,
    tokens: Vec<TokenInfo>,
    /// A token just made, shown this once.
    new_token: Option<String>,
    scopes: Vec<(String, String)>,
    errors: Vec<skrb_kit::form::Reason>,
}

async fn account(
    st: &AppState,
    s: &Signed,
    new_token: Option<String>,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let page = Page::new(&s.ctx, i18n::t(l, "account-title"), "account");
    let mut res = render(&AccountPage {
        page,
        username: s.user.username.clone(),
        role: i18n::t(l, &format!("role-{}", s.user.role.code())),
        totp: s.user.totp_enabled,
        recovery_left: mfa::recovery_left(&st.db, s.user.id).await?,
        tokens: tokens::list(&st.db, s.user.id).await?,
        new_token,
        scopes: s
            .user
            .perms
            .iter()
            .map(|p| (p.code().to_string(), i18n::t(l, &permission_label_key(p))))
            .collect(),
        errors: errors.clone(),
    });
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn account_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    account(&st, &s, None, Vec::new()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

/// Changing one's password: the current one first; other sessions end.
async fn change_password(
    State(st): State<AppState>,
    s: Signed,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let row = users::find_by_username(&st.db, &s.user.username)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let mut errors: Vec<skrb_kit::form::Reason> = Vec::new();
    if !password::verify_async(f.current.clone(), Some(row.password_hash)).await {
        errors.push(i18n::t(l, "password-current-wrong").into());
    } else if f.new != f.repeat {
        errors.push(i18n::t(l, "password-mismatch").into());
    } else if let Err(w) = password::check_strength(&f.new) {
        errors.push(
            Msg::new(w.key())
                .num("min", password::MIN_LENGTH as i64)
                .render(l)
                .into(),
        );
    }
    if !errors.is_empty() {
        return account(&st, &s, None, errors).await;
    }
    users::set_password(&st.db, &s.user.username, &f.new).await?;
    let mut tx = st.db.begin().await?;
    audit::record(
        &mut tx,
        &s.actor(),
        Event::new(Action::PasswordChanged, "user", s.user.id),
    )
    .await?;
    tx.commit().await?;
    // set_password ended every session, this one too: sign in again with the new password.
    Ok(redirect_with_flash("/login", "password-changed"))
}

#[derive(askama::Template)]
#[template(path = "totp_setup.html")]
struct TotpSetup {
    page: Page,
    enabled: bool,
    secret: String,
    url: String,
    qr: String,
    error: Option<String>,
    codes: Vec<String>,
    must: bool,
}

async fn totp_setup(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    totp_page(&st, &s, None, Vec::new()).await
}

async fn totp_page(
    st: &AppState,
    s: &Signed,
    error: Option<String>,
    codes: Vec<String>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let page = Page::new(&s.ctx, i18n::t(l, "totp-setup-title"), "account");
    let enabled = s.user.totp_enabled || !codes.is_empty();
    let e = if enabled {
        None
    } else {
        Some(mfa::begin(&st.db, s.user.id, &s.user.username).await?)
    };
    let mut res = render(&TotpSetup {
        page,
        enabled,
        secret: e.as_ref().map(|e| e.secret.clone()).unwrap_or_default(),
        url: e.as_ref().map(|e| e.url.clone()).unwrap_or_default(),
        qr: e.map(|e| e.qr_svg).unwrap_or_default(),
        error: error.clone(),
        codes,
        must: s.user.must_enrol,
    });
    if error.is_some() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeForm {
    code: String,
}

async fn totp_confirm(
    State(st): State<AppState>,
    s: Signed,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    match mfa::confirm(&st.db, &s.actor(), s.user.id, &f.code).await? {
        Some(codes) => totp_page(&st, &s, None, codes).await,
        None => {
            totp_page(
                &st,
                &s,
                Some(i18n::t(s.ctx.locale, "totp-wrong")),
                Vec::new(),
            )
            .await
        }
    }
}

async fn totp_disable(
    State(st): State<AppState>,
    s: Signed,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    if !mfa::check(&st.db, s.user.id, &f.code).await? {
        return account(
            &st,
            &s,
            None,
            vec![i18n::t(s.ctx.locale, "totp-wrong").into()],
        )
        .await;
    }
    mfa::disable(&st.db, &s.actor(), s.user.id).await?;
    Ok(redirect_with_flash("/account", "totp-disabled"))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    name: String,
    /// Permission codes, e.g. `registry.read`; only permissions the user has.
    scopes: Vec<String>,
    /// Days until it expires (1 to 366).
    days: i64,
}

/// The form sends one `scopes=` per ticked box, which serde's form reader cannot
/// gather, so the body is read by hand.
fn token_in_from_form(body: &[u8]) -> TokenIn {
    let mut t = TokenIn {
        name: String::new(),
        scopes: Vec::new(),
        days: 0,
    };
    for (k, v) in form_urlencoded::parse(body) {
        match k.as_ref() {
            "name" => t.name = v.into_owned(),
            "scopes" => t.scopes.push(v.into_owned()),
            "days" => t.days = v.trim().parse().unwrap_or(0),
            _ => {}
        }
    }
    t
}

async fn token_create_form(
    State(st): State<AppState>,
    s: Signed,
    body: Bytes,
) -> AppResult<Response> {
    let t = token_in_from_form(&body);
    match tokens::parse_request(&t.name, &t.scopes, t.days, s.user.perms) {
        Ok((name, scopes, days)) => {
            let (token, _) =
                tokens::create(&st.db, &s.actor(), s.user.id, &name, scopes, days).await?;
            account(&st, &s, Some(token), Vec::new()).await
        }
        Err(AppError::Validation(errs)) => {
            let l = s.ctx.locale;
            account(
                &st,
                &s,
                None,
                errs.iter()
                    .map(|e: &FieldError| e.msg.render(l).into())
                    .collect(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn token_revoke_form(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    if !tokens::revoke(&st.db, &s.actor(), s.user.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash("/account", "token-revoked"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenCreated {
    /// The token itself, shown only now: send as `Authorization: Bearer <token>`.
    token: String,
    #[serde(flatten)]
    info: TokenInfo,
}

/// Your personal API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = [TokenInfo])))]
async fn token_list_api(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<TokenInfo>>> {
    Ok(Json(tokens::list(&st.db, s.user.id).await?))
}

/// Create a personal API token, scoped and expiring.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenIn,
    responses((status = 201, body = TokenCreated), (status = 422)))]
async fn token_create_api(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(t): ApiJson<TokenIn>,
) -> AppResult<Response> {
    // A token cannot mint tokens: that would outlive and widen its own scopes.
    if s.ctx
        .session_token
        .as_deref()
        .is_some_and(|t| t.starts_with(tokens::PREFIX))
    {
        return Err(AppError::Forbidden);
    }
    let (name, scopes, days) = tokens::parse_request(&t.name, &t.scopes, t.days, s.user.perms)?;
    let (token, info) = tokens::create(&st.db, &s.actor(), s.user.id, &name, scopes, days).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { token, info })).into_response())
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", responses((status = 204), (status = 404)))]
async fn token_revoke_api(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    if tokens::revoke(&st.db, &s.actor(), s.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

/// The message key of a permission's name ("perm-registry-read").
pub fn permission_label_key(p: Permission) -> String {
    format!("perm-{}", p.code().replace('.', "-"))
}
