//! The request's context, loaded before any route runs: the session (cookie) or token
//! (bearer), the second-factor stage, the CSRF check of every state-changing request,
//! and the language. A request refused here gets the same error page or problem as one
//! refused by a handler.

use crate::audit::Action;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::context::*;
use super::{AppState, REQUEST_ID};
use crate::audit::{self, Actor, Event};
use crate::auth::sessions::{self, Found, Kind};
use crate::auth::tokens;
use crate::auth::users::CurrentUser;
use crate::error::{AppError, Msg};
use crate::i18n::Locale;

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

/// Records a refused token or form in the audit log (no person involved, but an
/// auditor must see probing).
async fn audit_refusal(
    state: &AppState,
    actor: Actor,
    action: Action,
    reason: &str,
) -> Result<(), AppError> {
    let e = Event::about(action, "session").reason(Some(reason));
    Ok(audit::record_apart(&state.db, &actor, e).await?)
}

/// The `_csrf` field of a form body; returns the body without it, so the handler's
/// strict form types never see it.
fn take_csrf_field(body: &[u8]) -> (Option<String>, Vec<u8>) {
    let mut token = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(body) {
        if k == CSRF_FIELD {
            token = Some(v.into_owned());
        } else {
            rest.append_pair(&k, &v);
        }
    }
    (token, rest.finish().into_bytes())
}

/// The user's language, else the cookie's, else the browser's, else the default.
fn pick_locale(state: &AppState, user: Option<&CurrentUser>, headers: &HeaderMap) -> Locale {
    user.and_then(|u| u.locale)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|c| Locale::from_code(&c)))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or(state.config.default_locale)
}

/// A refusal before the request context exists, rendered like every other error.
fn refuse_early(
    state: &AppState,
    headers: &HeaderMap,
    actor: &Actor,
    path: &str,
    err: AppError,
) -> Response {
    let ctx = Ctx {
        user: None,
        locale: pick_locale(state, None, headers),
        request_id: actor.request_id.clone().unwrap_or_default(),
        ip: actor.ip.clone(),
        flash: None,
        path: path.to_string(),
        is_api: path.starts_with("/api/"),
        session_token: None,
        mfa_user: None,
        csrf: String::new(),
        secure: state.config.tls,
        now: actor.now,
        zone: actor.zone,
    };
    super::errors::render_error(&ctx, &err)
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
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
        .get::<ConnectInfo<super::tls::PeerAddr>>()
        .map(|c| c.0 .0.ip().to_string());
    let (token, kind) = if is_api {
        (bearer(headers), Kind::Api)
    } else {
        (cookie(headers, SESSION_COOKIE), Kind::Web)
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let actor = Actor {
        ip: ip.clone(),
        request_id: Some(request_id.clone()),
        ..Actor::default()
    };
    if !is_api && unsafe_method && cross_site(headers) {
        if let Err(e) = audit_refusal(
            &state,
            actor.clone(),
            Action::CsrfRefused,
            "cross-site origin",
        )
        .await
        {
            return e.into_response();
        }
        let err = AppError::Refused(Msg::new("csrf-failed"));
        return refuse_early(&state, req.headers(), &actor, &path, err);
    }
    let found = match &token {
        Some(t) if is_api && t.starts_with(tokens::PREFIX) => tokens::lookup(&state.db, t).await,
        Some(t) => sessions::lookup(&state.db, t, kind, state.lifetimes).await,
        None => Ok(Found::Refused {
            user_id: None,
            reason: "",
        }),
    };
    let (user, mfa_user, drop_cookie) = match found {
        Ok(Found::Alive(u)) => (Some(u), None, false),
        Ok(Found::Mfa(u)) => (None, Some(u), false),
        Ok(Found::Refused { user_id, reason }) => {
            if token.is_some() {
                let actor = Actor {
                    user_id,
                    ..actor.clone()
                };
                if let Err(e) = audit_refusal(&state, actor, Action::TokenRefused, reason).await {
                    return e.into_response();
                }
            }
            (None, None, token.is_some() && !is_api)
        }
        Err(e) => return AppError::from(e).into_response(),
    };
    let secure = state.config.tls;
    let pre = cookie(headers, PRE_COOKIE).filter(|c| c.len() >= 20 && c.len() <= 64);
    let live_session = user.is_some() || mfa_user.is_some();
    let (csrf, new_pre) = match (&token, live_session, &pre) {
        (Some(t), true, _) => (sessions::csrf_token(t), None),
        (_, _, Some(p)) => (p.clone(), None),
        _ => {
            let p = sessions::new_token();
            (p.clone(), Some(p))
        }
    };
    if !is_api && unsafe_method {
        let header_token = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        // A file upload from a plain form cannot set a header, and its body is not read
        // here: its token travels in the query string of the form's action.
        let is_multipart = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let query_token = is_multipart
            .then(|| {
                form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
                    .find(|(k, _)| k == "_csrf")
                    .map(|(_, v)| v.into_owned())
            })
            .flatten();
        let header_token = header_token.or(query_token);
        let sent = if is_form {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, super::BODY_LIMIT).await {
                Ok(b) => b,
                Err(_) => return AppError::PayloadTooLarge.into_response(),
            };
            let (field, rest) = take_csrf_field(&bytes);
            req = Request::from_parts(parts, axum::body::Body::from(rest));
            header_token.or(field)
        } else {
            header_token
        };
        // A token is good only if it matches one the server handed out: after sign-in,
        // the session's; before, the pre-session cookie (which new_pre is not yet).
        let ok = new_pre.is_none() && sent.is_some_and(|s| constant_eq(&s, &csrf));
        if !ok && drop_cookie {
            // The session behind the form expired while it was being filled in (or before
            // "sign out" was pressed): that is a sign-in matter, not a forgery.
            let err = AppError::Unauthenticated;
            let mut res = refuse_early(&state, req.headers(), &actor, &path, err);
            if let Ok(v) = Ctx::cookie_value(secure, SESSION_COOKIE, "", Some(0)).parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            return res;
        }
        if !ok {
            let actor = Actor {
                user_id: user.as_ref().or(mfa_user.as_ref()).map(|u| u.id),
                username: user.as_ref().map(|u| u.username.clone()),
                ..actor
            };
            if let Err(e) = audit_refusal(
                &state,
                actor.clone(),
                Action::CsrfRefused,
                "missing or wrong token",
            )
            .await
            {
                return e.into_response();
            }
            let err = AppError::Refused(Msg::new("csrf-failed"));
            return refuse_early(&state, req.headers(), &actor, &path, err);
        }
    }
    let headers = req.headers();
    let locale = pick_locale(&state, user.as_ref(), headers);
    let flash = cookie(headers, FLASH_COOKIE).filter(|f| f.len() < 64);
    let full_path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let zone = user
        .as_ref()
        .or(mfa_user.as_ref())
        .map(|u| u.zone)
        .unwrap_or_default();
    let ctx = Ctx {
        user,
        locale,
        request_id,
        ip,
        flash: flash.clone(),
        path: full_path,
        is_api,
        session_token: token.filter(|_| live_session),
        zone,
        mfa_user,
        csrf,
        secure,
        now: state.clock.now(),
    };
    req.extensions_mut().insert(ctx.clone());
    let mut res = next.run(req).await;
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let mut set = Vec::new();
    // A flash message is shown once: clear it when a page has been rendered.
    if flash.is_some() && is_page {
        set.push(ctx.cookie(FLASH_COOKIE, "", Some(0)));
    }
    if let Some(p) = new_pre {
        if !is_api {
            set.push(ctx.cookie(PRE_COOKIE, &p, None));
        }
    }
    let sets_session = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()));
    if drop_cookie && !sets_session {
        set.push(ctx.cookie(SESSION_COOKIE, "", Some(0)));
    }
    for c in set {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
