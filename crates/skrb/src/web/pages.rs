//! The page frame (layout, language switcher, flash) and the small pages that belong to
//! no context: start page, health checks, static assets.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use skrb_kit::error::{AppError, AppResult};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::web::context::{safe_back, Ctx, Signed, LANG_COOKIE};
pub use skrb_kit::web::page::{refused, render, Page};
use skrb_kit::web::AppState;

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    welcome: String,
    registry: String,
    glass_pending: i64,
    /// Open tasks and overdue ones of the signed-in worker.
    tasks: Option<(i64, i64)>,
    /// The rights officer's open procedures and those past their deadline.
    procedures: Option<(i64, i64)>,
    /// Decisions with an amount set by hand waiting for a second person.
    approvals: i64,
    /// Payment runs waiting for my approval, and payments on the work list.
    payments: (i64, i64),
}

pub async fn home(State(state): State<AppState>, s: Signed) -> AppResult<Response> {
    let (persons, households) = skrb_registry::persons::counts(&state.db, &s.actor()).await?;
    let l = s.ctx.locale;
    let persons = i18n::t_args(l, "count-persons", &[("count", persons.into())]);
    let households = i18n::t_args(l, "count-households", &[("count", households.into())]);
    let page = Page::new(&s.ctx, i18n::t(l, "home-title"), "home");
    let glass_pending = if s.may(crate::auth::Permission::GlassReview) {
        skrb_registry::restricted::pending_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    let tasks = if s.may(crate::auth::Permission::CaseRead) {
        Some(skrb_cases::tasks::counts(&state.db, s.user.id, s.today()).await?)
    } else {
        None
    };
    let procedures = if s.may(crate::auth::Permission::RightDecide) {
        Some(skrb_rights::applications::counts(&state.db, s.user.id, s.today()).await?)
    } else {
        None
    };
    let approvals = if s.may(crate::auth::Permission::RightApprove) {
        skrb_rights::decisions::awaiting_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    let runs = if s.may(crate::auth::Permission::PaymentApprove) {
        skrb_payments::runs::awaiting_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    let waiting = if s.may(crate::auth::Permission::PaymentRun) {
        skrb_payments::history::worklist_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    Ok(render(&HomePage {
        payments: (runs, waiting),
        glass_pending,
        tasks,
        procedures,
        approvals,
        welcome: page.t1("home-welcome", "name", &s.user.display_name),
        registry: i18n::t_args(
            l,
            "home-registry",
            &[
                ("persons", persons.into()),
                ("households", households.into()),
            ],
        ),
        page,
    }))
}

#[derive(askama::Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    page: Page,
    /// centre name, persons, women, men
    rows: Vec<(String, i64, i64, i64)>,
    work: Vec<skrb_cases::tasks::CentreWork>,
    year: i32,
}

/// Aggregate figures per centre: no names, so not audited, and open to the ministry.
pub async fn statistics(State(state): State<AppState>, s: Signed) -> AppResult<Response> {
    let rows = skrb_registry::persons::per_centre(&state.db).await?;
    let year = s.today().year();
    let work = skrb_cases::tasks::statistics(&state.db, year).await?;
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "statistics-title"),
        "statistics",
    );
    Ok(render(&StatisticsPage {
        page,
        rows,
        work,
        year,
    }))
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// Switches the language; remembered on the account and in a cookie (for the sign-in page).
pub async fn set_language(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LangForm>,
) -> AppResult<Response> {
    let locale = Locale::from_code(&f.lang)
        .ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    if let Some(u) = &ctx.user {
        crate::auth::users::set_locale(&state.db, u.id, locale).await?;
    }
    let mut res = axum::response::Redirect::to(safe_back(&f.back)).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    );
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Static files are compiled into the binary: one file to install, nothing to lose.
pub async fn asset(Path(file): Path<String>, headers: axum::http::HeaderMap) -> Response {
    serve_asset(&file, &headers)
}

/// The embedded fonts (Noto Sans: Latin, Latin Extended, Cyrillic).
pub async fn font(Path(file): Path<String>, headers: axum::http::HeaderMap) -> Response {
    serve_asset(&format!("fonts/{file}"), &headers)
}

/// The text assets gzipped once, on first request: the style sheet is 170 KB as text and
/// about a tenth of that compressed, which a phone on a weak signal notices.
fn gzipped(file: &str, body: &'static [u8]) -> Option<&'static [u8]> {
    use std::io::Write;
    use std::sync::OnceLock;
    static CSS: OnceLock<Vec<u8>> = OnceLock::new();
    static HTMX: OnceLock<Vec<u8>> = OnceLock::new();
    static APP: OnceLock<Vec<u8>> = OnceLock::new();
    let cell = match file {
        "skrb.css" => &CSS,
        "htmx.min.js" => &HTMX,
        "app.js" => &APP,
        _ => return None,
    };
    let z = cell.get_or_init(|| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to memory cannot fail; an empty result falls back to the plain text.
        let _ = e.write_all(body);
        e.finish().unwrap_or_default()
    });
    (!z.is_empty()).then_some(z.as_slice())
}

fn serve_asset(file: &str, headers: &axum::http::HeaderMap) -> Response {
    let (body, mime): (&'static [u8], &str) = match file {
        "htmx.min.js" => (
            include_bytes!("../../assets/htmx.min.js"),
            "text/javascript",
        ),
        "app.js" => (include_bytes!("../../assets/app.js"), "text/javascript"),
        "skrb.css" => (include_bytes!("../../assets/skrb.css"), "text/css"),
        "fonts/noto-sans-latin-400-normal.woff2" => (
            include_bytes!("../../assets/fonts/noto-sans-latin-400-normal.woff2"),
            "font/woff2",
        ),
        "fonts/noto-sans-latin-700-normal.woff2" => (
            include_bytes!("../../assets/fonts/noto-sans-latin-700-normal.woff2"),
            "font/woff2",
        ),
        "fonts/noto-sans-latin-ext-400-normal.woff2" => (
            include_bytes!("../../assets/fonts/noto-sans-latin-ext-400-normal.woff2"),
            "font/woff2",
        ),
        "fonts/noto-sans-latin-ext-700-normal.woff2" => (
            include_bytes!("../../assets/fonts/noto-sans-latin-ext-700-normal.woff2"),
            "font/woff2",
        ),
        "fonts/noto-sans-cyrillic-400-normal.woff2" => (
            include_bytes!("../../assets/fonts/noto-sans-cyrillic-400-normal.woff2"),
            "font/woff2",
        ),
        "fonts/noto-sans-cyrillic-700-normal.woff2" => (
            include_bytes!("../../assets/fonts/noto-sans-cyrillic-700-normal.woff2"),
            "font/woff2",
        ),
        _ => return AppError::NotFound.into_response(),
    };
    let takes_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    if let Some(z) = gzipped(file, body).filter(|_| takes_gzip) {
        return (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
                (header::CONTENT_ENCODING, "gzip"),
                (header::VARY, "accept-encoding"),
            ],
            z,
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// The header's search box: a file number the user may open goes straight to the file;
/// anything else is a search of persons (names, personal numbers).
pub async fn search(
    State(state): State<AppState>,
    s: Signed,
    axum::extract::Query(f): axum::extract::Query<SearchQuery>,
) -> AppResult<Response> {
    let q = f.q.trim();
    let enc = |q: &str| form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    if !q.is_empty() && s.may(crate::auth::Permission::CaseRead) {
        let p = skrb_cases::files::ListParams {
            q: q.to_string(),
            ..Default::default()
        };
        let found = skrb_cases::files::list(&state.db, &s.actor(), &p, 2).await?;
        if let Some(c) = found
            .items
            .iter()
            .find(|c| c.number.eq_ignore_ascii_case(q))
        {
            return Ok(axum::response::Redirect::to(&format!("/cases/{}", c.id)).into_response());
        }
        if !s.may(crate::auth::Permission::RegistryRead) {
            return Ok(
                axum::response::Redirect::to(&format!("/cases?q={}", enc(q))).into_response(),
            );
        }
    }
    Ok(axum::response::Redirect::to(&format!("/persons?q={}", enc(q))).into_response())
}
