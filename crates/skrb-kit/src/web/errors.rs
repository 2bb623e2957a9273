//! Turns every error response into what the client can read: an HTML page in the
//! user's language, or `application/problem+json` (RFC 9457) under `/api`.

use crate::audit::Action;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::context::Ctx;
use super::page::{render, Page};
use super::AppState;
use crate::error::{AppError, ErrorMarker};
use crate::i18n::{self, Locale};

/// Records a refused request (no permission, outside the user's centre, a restricted
/// file) in the audit log: an auditor must see who tried to reach what.
async fn audit_denial(state: &AppState, ctx: &Ctx, method: &str, err: &AppError) {
    let person = match err {
        AppError::Restricted { person_id, .. } => Some(*person_id),
        _ => None,
    };
    let what = format!("{method} {} ({})", ctx.path, err.code());
    let mut e = crate::audit::Event::about(Action::Denied, "route");
    e.person_id = person;
    let result = crate::audit::record_apart(&state.db, &ctx.actor(), e.reason(Some(&what))).await;
    if let Err(e) = result {
        tracing::error!(request_id = %ctx.request_id, error = %e, "cannot audit a refusal");
    }
}

pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<Ctx>().cloned();
    let method = req.method().to_string();
    let res = next.run(req).await;
    let Some(ctx) = ctx else { return res };
    if let Some(ErrorMarker(err)) = res.extensions().get::<ErrorMarker>().cloned() {
        if let AppError::Internal(e) = err.as_ref() {
            tracing::error!(request_id = %ctx.request_id, error = %format!("{e:#}"), "internal error");
        }
        if ctx.user.is_some()
            && matches!(
                err.as_ref(),
                AppError::Forbidden | AppError::Refused(_) | AppError::Restricted { .. }
            )
        {
            audit_denial(&state, &ctx, &method, &err).await;
        }
        return render_error(&ctx, &err);
    }
    // Errors produced outside our handlers (unknown route, wrong method, body too large,
    // a body that does not parse) arrive as plain text: give them the same shape.
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if (status.is_client_error() || status.is_server_error()) && plain {
        let err = match status {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => AppError::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::UNAUTHORIZED => AppError::Unauthenticated,
            StatusCode::FORBIDDEN => AppError::Forbidden,
            s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("status {s}")),
            _ => AppError::BadRequest(status.to_string()),
        };
        let mut out = if ctx.is_api {
            problem(&ctx, &err)
        } else {
            page(&ctx, &err)
        };
        *out.status_mut() = status;
        return out;
    }
    res
}

/// An error as the client reads it: problem+json under `/api`, else a page.
pub fn render_error(ctx: &Ctx, err: &AppError) -> Response {
    let mut res = if ctx.is_api {
        problem(ctx, err)
    } else {
        page(ctx, err)
    };
    if let AppError::Throttled { minutes } = err {
        retry_after(&mut res, *minutes);
    }
    res
}

/// `Retry-After` in seconds, so that a client or script waits instead of guessing.
pub fn retry_after(res: &mut Response, minutes: i64) {
    res.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(minutes.max(1).saturating_mul(60)),
    );
}

fn problem(ctx: &Ctx, err: &AppError) -> Response {
    let l = ctx.locale;
    let mut body = json!({
        "type": format!("https://skrb.example/problems/{}", err.code()),
        "title": i18n::t(l, err.title_key()),
        "status": err.status().as_u16(),
        "instance": ctx.request_id,
    });
    match err {
        AppError::BadRequest(detail) => body["detail"] = json!(detail),
        AppError::Validation(errors) => {
            body["errors"] = errors
                .iter()
                .map(|e| json!({ "field": e.field, "message": e.msg.render(l), "code": e.msg.code() }))
                .collect();
        }
        AppError::Warnings {
            warnings,
            may_override,
        } => {
            body["warnings"] = warnings
                .iter()
                .map(|w| json!({ "code": w.code, "message": w.msg.render(l) }))
                .collect();
            body["may_override"] = json!(may_override);
            body["detail"] = json!(i18n::t(
                l,
                if *may_override {
                    "warn-override-hint"
                } else {
                    "warn-override-forbidden"
                }
            ));
        }
        AppError::Conflict { current_version } => {
            body["current_version"] = json!(current_version);
            body["detail"] = json!(i18n::t(l, "conflict-body"));
        }
        AppError::Internal(_) => {
            body["detail"] = json!(i18n::t_args(
                l,
                "error-reference",
                &[("id", ctx.request_id.as_str().into())]
            ));
        }
        AppError::Restricted {
            person_id,
            may_break,
        } => {
            body["person_id"] = json!(person_id);
            body["may_break_glass"] = json!(may_break);
        }
        AppError::Throttled { minutes } => body["retry_after_minutes"] = json!(minutes),
        _ => {}
    }
    if let Some(m) = err.detail() {
        body["detail"] = json!(m.render(l));
    }
    let mut res = (err.status(), axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if matches!(err, AppError::Unauthenticated) {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    heading: String,
    message: String,
    reference: Option<String>,
    /// A restricted person's id, when the user may break the glass.
    glass: Option<i64>,
}

fn page(ctx: &Ctx, err: &AppError) -> Response {
    if matches!(err, AppError::Unauthenticated) {
        let next: String = ctx.path.chars().filter(|c| c.is_ascii_graphic()).collect();
        let next = encode_component(&next);
        return super::context::redirect_with_flash(
            &format!("/login?next={next}"),
            "login-required",
        );
    }
    let l: Locale = ctx.locale;
    let message = match err {
        AppError::Validation(errors) => errors
            .iter()
            .map(|e| e.msg.render(l))
            .collect::<Vec<_>>()
            .join(" "),
        _ => err
            .detail()
            .map(|m| m.render(l))
            .unwrap_or_else(|| i18n::t(l, err.title_key())),
    };
    let glass = match err {
        AppError::Restricted {
            person_id,
            may_break: true,
        } => Some(*person_id),
        _ => None,
    };
    let reference = matches!(err, AppError::Internal(_)).then(|| {
        i18n::t_args(
            l,
            "error-reference",
            &[("id", ctx.request_id.as_str().into())],
        )
    });
    // A refusal is named for what it is; anything unexpected is "something went wrong".
    let heading = match err {
        AppError::Internal(_) | AppError::BadRequest(_) => i18n::t(l, "error-title"),
        _ => i18n::t(l, err.title_key()),
    };
    let message = if message == heading {
        String::new()
    } else {
        message
    };
    let page = Page::new(ctx, heading.clone(), "");
    let mut res = render(&ErrorPage {
        heading,
        page,
        message,
        reference,
        glass,
    });
    *res.status_mut() = err.status();
    res
}

/// Percent-encodes a URL query component.
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
