//! The page frame every screen shares: the layout's data (language, user, flash,
//! navigation, CSRF token, permissions) and rendering with errors as errors, not panics.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use fluent_bundle::FluentValue;
use time::{Date, OffsetDateTime};

use super::context::Ctx;
use crate::error::AppError;
use crate::i18n::{self, Locale};

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Page {
    pub locale: Locale,
    pub title: String,
    pub user_name: Option<String>,
    /// The user's centre, under the service's name in the header.
    pub centre: Option<String>,
    pub flash: Option<String>,
    /// The navigation entry to mark as current.
    pub nav: &'static str,
    pub path: String,
    pub locales: Vec<(&'static str, &'static str, bool)>,
    /// Echoed by every form (`_csrf`) and by htmx (a header, see app.js).
    pub csrf: String,
    pub perms: crate::auth::PermSet,
    /// The zone the page's times are shown in (the user's centre's).
    pub zone: crate::clock::Zone,
    /// Where the page sits: links above its title, outermost first.
    pub crumbs: Vec<(String, String)>,
}

impl Page {
    pub fn new(ctx: &Ctx, title: String, nav: &'static str) -> Page {
        let locale = ctx.locale;
        Page {
            locale,
            title,
            user_name: ctx.user.as_ref().map(|u| u.display_name.clone()),
            centre: ctx.user.as_ref().and_then(|u| u.centre_name.clone()),
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
            zone: ctx.zone,
            crumbs: Vec::new(),
        }
    }

    /// Adds a breadcrumb (a link above the title) with a word of the layout's
    /// (`nav-persons`) or any text.
    pub fn crumb(mut self, href: impl Into<String>, key_or_text: &str) -> Page {
        let text = if i18n::has(self.locale, key_or_text) {
            i18n::t(self.locale, key_or_text)
        } else {
            key_or_text.to_string()
        };
        self.crumbs.push((href.into(), text));
        self
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

    /// An instant on the wall clock of the user's centre.
    pub fn when(&self, t: &OffsetDateTime) -> String {
        i18n::fmt_datetime(self.locale, self.zone.local(*t))
    }

    /// The label of a code ("case-status", "on_hold" -> the text of `case-status-on_hold`).
    pub fn c(&self, prefix: &str, code: impl AsRef<str>) -> String {
        i18n::t(self.locale, &format!("{prefix}-{}", code.as_ref()))
    }

    /// An amount in minor units with its currency, in the reader's format.
    pub fn money(&self, a: &i64, currency: &str) -> String {
        i18n::fmt_money(self.locale, *a, currency)
    }

    /// Minutes as hours and minutes (`3 h 15 min`).
    pub fn hm(&self, minutes: &i64) -> String {
        let (h, m) = (minutes / 60, minutes % 60);
        match (h, m) {
            (0, m) => format!("{m}\u{a0}min"),
            (h, 0) => format!("{h}\u{a0}h"),
            (h, m) => format!("{h}\u{a0}h {m}\u{a0}min"),
        }
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

/// A PDF as a download (a decision, an invoice): its name, not shown inline, not sniffed.
pub fn pdf_download(name: &str, pdf: Vec<u8>) -> Response {
    use axum::http::header;
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        pdf,
    )
        .into_response()
}
