//! The page frame (layout, language switcher, flash) and the small pages that belong to
//! no context: start page, health checks, static assets.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use fluent_bundle::FluentValue;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use super::context::{safe_back, Ctx, Signed, LANG_COOKIE};
use super::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Locale};

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Page {
    pub locale: Locale,
    pub title: String,
    pub user_name: Option<String>,
    pub flash: Option<String>,
    /// The navigation entry to mark as current.
    pub nav: &'static str,
    pub path: String,
    pub locales: Vec<(&'static str, &'static str, bool)>,
    /// Echoed by every form (`_csrf`) and by htmx (a header, see app.js).
    pub csrf: String,
    pub perms: crate::auth::PermSet,
}

impl Page {
    pub fn new(ctx: &Ctx, title: String, nav: &'static str) -> Page {
        let locale = ctx.locale;
        Page {
            locale,
            title,
            user_name: ctx.user.as_ref().map(|u| u.display_name.clone()),
            flash: ctx
                .flash
                .as_deref()
                .filter(|k| i18n::has(locale, k))
                .map(|k| i18n::t(locale, k)),
            nav,
            path: ctx.path.clone(),
            locales: Locale::ALL
                .iter()
                .map(|l| (l.code(), l.native_name(), *l == locale))
                .collect(),
            csrf: ctx.csrf.clone(),
            perms: ctx.user.as_ref().map(|u| u.perms).unwrap_or_default(),
        }
    }

    /// Whether the navigation shows an entry that needs this permission ("registry.read").
    pub fn can(&self, code: &str) -> bool {
        crate::auth::Permission::from_code(code).is_some_and(|p| self.perms.has(p))
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.locale, key)
    }

    /// A message with a count (plural forms).
    pub fn tn(&self, key: &str, n: &i64) -> String {
        i18n::t_args(self.locale, key, &[("count", FluentValue::from(*n))])
    }

    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        i18n::t_args(self.locale, key, &[(name, FluentValue::from(value))])
    }

    pub fn pager(&self, page: &u32, pages: &u32) -> String {
        i18n::t_args(
            self.locale,
            "pager-page",
            &[
                ("page", FluentValue::from(*page)),
                ("pages", FluentValue::from(*pages)),
            ],
        )
    }

    pub fn date(&self, d: &Option<Date>) -> String {
        d.map(|d| i18n::fmt_date(self.locale, d))
            .unwrap_or_default()
    }

    pub fn day(&self, d: &Date) -> String {
        i18n::fmt_date(self.locale, *d)
    }

    pub fn when(&self, t: &OffsetDateTime) -> String {
        i18n::fmt_datetime(self.locale, *t)
    }

    /// The label of a code ("case-status", "on_hold" -> the text of `case-status-on_hold`).
    pub fn c(&self, prefix: &str, code: &str) -> String {
        i18n::t(self.locale, &format!("{prefix}-{code}"))
    }

    /// A number in the reader's format.
    pub fn n(&self, n: &i64) -> String {
        i18n::fmt_int(self.locale, *n)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.html_lang()
    }
}

/// A page rendered again because the user's input was refused: 422, input kept.
pub fn refused(mut res: Response, refused: bool) -> Response {
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// Renders a template; a template error is an internal error, never a panic.
pub fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(anyhow::anyhow!("template: {e}")).into_response(),
    }
}

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
    let (persons, households) = crate::registry::persons::counts(&state.db, &s.actor()).await?;
    let l = s.ctx.locale;
    let persons = i18n::t_args(l, "count-persons", &[("count", persons.into())]);
    let households = i18n::t_args(l, "count-households", &[("count", households.into())]);
    let page = Page::new(&s.ctx, i18n::t(l, "home-title"), "home");
    let glass_pending = if s.may(crate::auth::Permission::GlassReview) {
        crate::registry::restricted::pending_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    let tasks = if s.may(crate::auth::Permission::CaseRead) {
        Some(crate::cases::tasks::counts(&state.db, s.user.id, crate::registry::today()).await?)
    } else {
        None
    };
    let procedures = if s.may(crate::auth::Permission::RightDecide) {
        Some(
            crate::rights::applications::counts(&state.db, s.user.id, crate::registry::today())
                .await?,
        )
    } else {
        None
    };
    let approvals = if s.may(crate::auth::Permission::RightApprove) {
        crate::rights::decisions::awaiting_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    let runs = if s.may(crate::auth::Permission::PaymentApprove) {
        crate::payments::runs::awaiting_count(&state.db, &s.actor()).await?
    } else {
        0
    };
    let waiting = if s.may(crate::auth::Permission::PaymentRun) {
        crate::payments::history::worklist_count(&state.db, &s.actor()).await?
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
    /// centre name, persons, women, men, households
    rows: Vec<(String, i64, i64, i64)>,
    work: Vec<crate::cases::tasks::CentreWork>,
    year: i32,
}

/// Aggregate figures per centre: no names, so not audited, and open to the ministry.
pub async fn statistics(State(state): State<AppState>, s: Signed) -> AppResult<Response> {
    let rows: Vec<(String, i64, i64, i64)> = crate::sql_pool!(&state.db, p => sqlx::query_as(
        "SELECT COALESCE(c.name, '-'), COUNT(p.id), \
                SUM(CASE WHEN p.sex = 'F' THEN 1 ELSE 0 END), SUM(CASE WHEN p.sex = 'M' THEN 1 ELSE 0 END) \
         FROM person p LEFT JOIN centre c ON c.id = p.centre_id GROUP BY c.name ORDER BY 1")
        .fetch_all(p).await?);
    let year = OffsetDateTime::now_utc().year();
    let work = crate::cases::tasks::statistics(&state.db, year).await?;
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
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, mime): (&'static [u8], &str) = match file.as_str() {
        "htmx.min.js" => (
            include_bytes!("../../assets/htmx.min.js"),
            "text/javascript",
        ),
        "app.js" => (include_bytes!("../../assets/app.js"), "text/javascript"),
        "style.css" => (include_bytes!("../../assets/style.css"), "text/css"),
        _ => return AppError::NotFound.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
