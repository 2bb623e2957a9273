//! Errors of every context, and the one place that turns them into responses.
//!
//! A handler returns `AppError`; its `IntoResponse` only records the error in the
//! response's extensions. The `render_errors` middleware in `web` then writes the body
//! with the request's language and id: an HTML page for the UI, `application/problem+json`
//! for `/api`. So no handler formats an error, and every error is translated.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;

use crate::i18n::{self, Locale};

/// Field errors' codes are part of the API (documented as stable). These keys were
/// `case-…` and `pay-…` before the words moved under their contexts' prefixes; their
/// codes stay what clients know.
const CODES_OF_OLD: [(&str, &str); 20] = [
    ("cases-closed", "case-closed"),
    ("cases-no-violence", "case-no-violence"),
    ("cases-not-yours", "case-not-yours"),
    ("payments-err-amount", "pay-err-amount"),
    ("payments-err-batch", "pay-err-batch"),
    ("payments-err-bic", "pay-err-bic"),
    ("payments-err-conflict", "pay-err-conflict"),
    ("payments-err-execution-past", "pay-err-execution-past"),
    ("payments-err-file-changed", "pay-err-file-changed"),
    ("payments-err-from-month", "pay-err-from-month"),
    ("payments-err-layout", "pay-err-layout"),
    ("payments-err-monthly-exists", "pay-err-monthly-exists"),
    ("payments-err-not-open", "pay-err-not-open"),
    ("payments-err-same-person", "pay-err-same-person"),
    ("payments-err-sepa-eur", "pay-err-sepa-eur"),
    ("payments-err-state", "pay-err-state"),
    ("payments-err-statement", "pay-err-statement"),
    ("payments-err-statement-empty", "pay-err-statement-empty"),
    ("payments-err-statement-line", "pay-err-statement-line"),
    ("payments-err-statement-seen", "pay-err-statement-seen"),
];

/// A translatable message: a Fluent key with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, MsgArg)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MsgArg {
    Text(String),
    Number(i64),
    /// Rendered in the reader's date format.
    Date(time::Date),
}

impl Msg {
    pub fn new(key: &'static str) -> Self {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, MsgArg::Text(value.into())));
        self
    }

    pub fn num(mut self, name: &'static str, value: i64) -> Self {
        self.args.push((name, MsgArg::Number(value)));
        self
    }

    pub fn date(mut self, name: &'static str, value: time::Date) -> Self {
        self.args.push((name, MsgArg::Date(value)));
        self
    }

    /// The message's stable code for API clients: its key without the context's prefix
    /// (`rights-err-amount` → `err-amount`), as it was before the words moved into their
    /// contexts' files. The few keys whose old names had a shorter prefix of their own
    /// keep theirs.
    pub fn code(&self) -> &'static str {
        if let Some((_, code)) = CODES_OF_OLD.iter().find(|(k, _)| *k == self.key) {
            return code;
        }
        i18n::CONTEXT_PREFIXES
            .iter()
            .find_map(|p| self.key.strip_prefix(p))
            .unwrap_or(self.key)
    }

    pub fn render(&self, locale: Locale) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = self
            .args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    MsgArg::Text(s) => FluentValue::from(s.as_str()),
                    MsgArg::Number(n) => FluentValue::from(*n),
                    MsgArg::Date(d) => FluentValue::from(i18n::fmt_date(locale, *d)),
                };
                (*k, v)
            })
            .collect();
        i18n::t_args(locale, self.key, &args)
    }
}

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: &'static str,
    pub msg: Msg,
}

/// A finding that the user may override with a stated reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub code: &'static str,
    pub msg: Msg,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("not signed in")]
    Unauthenticated,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("warnings need a reason")]
    Warnings {
        warnings: Vec<Warning>,
        may_override: bool,
    },
    #[error("edit conflict")]
    Conflict { current_version: i64 },
    #[error("payload too large")]
    PayloadTooLarge,
    /// Refused, with the reason the user should read (outside one's centre, a second
    /// factor to set up first, a forged form).
    #[error("refused: {}", .0.key)]
    Refused(Msg),
    /// A restricted file, outside the user's team; `may_break` offers "break the glass".
    #[error("restricted file")]
    Restricted { person_id: i64, may_break: bool },
    #[error("too many attempts")]
    Throttled { minutes: i64 },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl AppError {
    /// The sentence that explains a refusal, beyond its title.
    pub fn detail(&self) -> Option<Msg> {
        match self {
            AppError::Refused(m) => Some(m.clone()),
            AppError::Restricted { may_break, .. } => Some(Msg::new(if *may_break {
                "restricted-may-break"
            } else {
                "restricted-body"
            })),
            AppError::Throttled { minutes } => {
                Some(Msg::new("throttled-body").num("minutes", *minutes))
            }
            _ => None,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) | AppError::Warnings { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Refused(_) | AppError::Restricted { .. } => StatusCode::FORBIDDEN,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message key of the error's title.
    pub fn title_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error-not-found",
            AppError::Forbidden => "error-forbidden",
            AppError::Unauthenticated => "error-unauthorized",
            AppError::BadRequest(_) => "error-bad-request",
            AppError::Validation(_) => "error-validation",
            AppError::Warnings { .. } => "warn-title",
            AppError::Conflict { .. } => "error-conflict",
            AppError::PayloadTooLarge => "error-payload-too-large",
            AppError::Refused(_) => "error-forbidden",
            AppError::Restricted { .. } => "error-restricted",
            AppError::Throttled { .. } => "error-throttled",
            AppError::Internal(_) => "error-internal",
        }
    }

    /// A stable machine-readable code, the last part of the problem `type`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not-found",
            AppError::Forbidden => "forbidden",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadRequest(_) => "bad-request",
            AppError::Validation(_) => "validation",
            AppError::Warnings { .. } => "warnings",
            AppError::Conflict { .. } => "conflict",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::Refused(_) => "forbidden",
            AppError::Restricted { .. } => "restricted",
            AppError::Throttled { .. } => "too-many-attempts",
            AppError::Internal(_) => "internal",
        }
    }
}

/// Carries the error to the rendering middleware.
#[derive(Clone)]
pub struct ErrorMarker(pub Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        res.extensions_mut().insert(ErrorMarker(Arc::new(self)));
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;
