//! The request context: who is asking, in which language, from where, and with which
//! request id. Loaded once per request by `web::middleware::load_context`; handlers take it as an
//! extractor ([`Ctx`] for anyone, [`Signed`] for signed-in users).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use crate::audit::{Actor, Scope};
use crate::auth::users::CurrentUser;
use crate::auth::Permission;
use crate::error::AppError;
use crate::i18n::Locale;

pub const SESSION_COOKIE: &str = "skrb_session";
pub const LANG_COOKIE: &str = "skrb_lang";
pub const FLASH_COOKIE: &str = "skrb_flash";
/// Before sign-in there is no session to derive a CSRF token from: this cookie holds a
/// random one, which the sign-in and language forms echo back (double submit).
pub const PRE_COOKIE: &str = "skrb_pre";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

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
    /// Signed in with the password, the second factor still due.
    pub mfa_user: Option<CurrentUser>,
    /// The token forms and htmx requests must send back.
    pub csrf: String,
    /// Served over TLS: cookies get `Secure`.
    pub secure: bool,
    /// When the request began (the state's clock), and the zone its dates follow: the
    /// user's centre's, else the default.
    pub now: time::OffsetDateTime,
    pub zone: crate::clock::Zone,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.as_ref().map(|u| u.id),
            username: self.user.as_ref().map(|u| u.username.clone()),
            ip: self.ip.clone(),
            request_id: Some(self.request_id.clone()),
            scope: self.user.as_ref().map(|u| Scope {
                user_id: u.id,
                centre_id: u.centre_id,
                all_centres: u.perms.has(Permission::AllCentres),
                may_break_glass: u.perms.has(Permission::BreakGlass),
            }),
            now: self.now,
            zone: self.zone,
        }
    }

    /// Today in the user's centre.
    pub fn today(&self) -> time::Date {
        self.zone.date_of(self.now)
    }

    /// A cookie with the attributes every Skrb cookie has.
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        Ctx::cookie_value(self.secure, name, value, max_age)
    }

    pub fn cookie_value(secure: bool, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if let Some(s) = max_age {
            c.push_str(&format!("; Max-Age={s}"));
        }
        if secure {
            c.push_str("; Secure");
        }
        c
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
    /// Whether the user has a permission, for what a page shows (links, buttons). Whether
    /// a route may be used at all is decided by its declared access in `web::routes`.
    pub fn may(&self, p: Permission) -> bool {
        self.user.perms.has(p)
    }

    pub fn actor(&self) -> Actor {
        self.ctx.actor()
    }

    /// Today in the user's centre: the date every form's default and every deadline
    /// follows.
    pub fn today(&self) -> time::Date {
        self.ctx.today()
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
