//! The request context: who is asking, in which language, from where, and with which
//! request id. Loaded once per request by [`load_context`]; handlers take it as an
//! extractor ([`Ctx`] for anyone, [`Signed`] for signed-in users).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{AppState, REQUEST_ID};
use crate::audit::Actor;
use crate::auth::sessions::{self, Kind};
use crate::auth::users::CurrentUser;
use crate::auth::Permission;
use crate::error::AppError;
use crate::i18n::Locale;

pub const SESSION_COOKIE: &str = "skrb_session";
pub const LANG_COOKIE: &str = "skrb_lang";
pub const FLASH_COOKIE: &str = "skrb_flash";

#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub locale: Locale,
    pub request_id: String,
    pub ip: Option<String>,
    /// A message key left by the previous request (after a redirect).
    pub flash: Option<String>,
    /// The path and query, to come back to after sign-in or a language change.
    pub path: String,
    pub is_api: bool,
    pub session_token: Option<String>,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.as_ref().map(|u| u.id),
            username: self.user.as_ref().map(|u| u.username.clone()),
            ip: self.ip.clone(),
            request_id: Some(self.request_id.clone()),
        }
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| cookie::Cookie::split_parse(v.to_string()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

/// A cross-site form post carries an Origin that is not ours: refuse it before any
/// handler runs (the session cookie is also SameSite=Lax).
fn cross_site(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    origin == "null" || origin_host != host
}

pub async fn load_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let path = req.uri().path().to_string();
    let is_api = path.starts_with("/api/");
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let (token, kind) = if is_api {
        (bearer(headers), Kind::Api)
    } else {
        (cookie(headers, SESSION_COOKIE), Kind::Web)
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !is_api && unsafe_method && cross_site(headers) {
        return AppError::Forbidden.into_response();
    }
    let user = match &token {
        Some(t) => match sessions::lookup(&state.db, t, kind, state.lifetimes).await {
            Ok(u) => u,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    let locale = user
        .as_ref()
        .and_then(|u| u.locale)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|c| Locale::from_code(&c)))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or(state.config.default_locale);
    let flash = cookie(headers, FLASH_COOKIE).filter(|f| f.len() < 64);
    let full_path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let ctx = Ctx {
        user,
        locale,
        request_id,
        ip,
        flash: flash.clone(),
        path: full_path,
        is_api,
        session_token: token,
    };
    req.extensions_mut().insert(ctx);
    let mut res = next.run(req).await;
    // A flash message is shown once: clear it when a page has been rendered.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if flash.is_some() && is_page {
        if let Ok(v) = format!("{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax").parse()
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request context missing")))
    }
}

/// A request by a signed-in user.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: CurrentUser,
    pub ctx: Ctx,
}

impl Signed {
    /// The one way handlers check a permission.
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.user.role.allows(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn may(&self, p: Permission) -> bool {
        self.user.role.allows(p)
    }

    pub fn actor(&self) -> Actor {
        self.ctx.actor()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.user.clone() {
            Some(user) => Ok(Signed { user, ctx }),
            None => Err(AppError::Unauthenticated),
        }
    }
}

/// A redirect that leaves a flash message for the next page.
pub fn redirect_with_flash(to: &str, flash_key: &str) -> Response {
    let mut res = axum::response::Redirect::to(to).into_response();
    if let Ok(v) = format!("{FLASH_COOKIE}={flash_key}; Path=/; HttpOnly; SameSite=Lax").parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Only local paths are followed after sign-in or a language change (no open redirect).
pub fn safe_back(back: &str) -> &str {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/"
    }
}
