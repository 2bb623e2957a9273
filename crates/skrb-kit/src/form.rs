//! Reading what a user typed into a form or a JSON body, field by field, collecting
//! every problem at once as translated field errors. Inputs arrive as text (see
//! `registry::input::lenient`), so the UI and the API share one parser.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};
use time::Date;

use crate::i18n::{self, Locale};

use crate::error::{AppError, AppResult, FieldError, Msg};

/// Collects field errors while a use case reads its input.
#[derive(Default)]
pub struct Check {
    errs: Vec<FieldError>,
}

impl Check {
    pub fn new() -> Check {
        Check::default()
    }

    pub fn err(&mut self, field: &'static str, key: &'static str) {
        self.errs.push(FieldError {
            field,
            msg: Msg::new(key),
        });
    }

    pub fn err_msg(&mut self, field: &'static str, msg: Msg) {
        self.errs.push(FieldError { field, msg });
    }

    /// Trimmed text without control or bidirectional characters; `None` when empty (an
    /// error when required), refused beyond `max` characters rather than cut silently.
    pub fn text(
        &mut self,
        field: &'static str,
        v: &str,
        required: bool,
        max: usize,
    ) -> Option<String> {
        let cleaned = skrb_domain::text::clean(v, true);
        let t = cleaned.trim();
        if t.is_empty() {
            if required {
                self.err(field, "err-required");
            }
            return None;
        }
        if t.chars().count() > max {
            self.err_msg(field, Msg::new("err-too-long").num("max", max as i64));
            return None;
        }
        Some(t.to_string())
    }

    /// A `YYYY-MM-DD` date; `None` when empty (an error when required).
    pub fn date(&mut self, field: &'static str, v: &str, required: bool) -> Option<Date> {
        let t = v.trim();
        if t.is_empty() {
            if required {
                self.err(field, "err-required");
            }
            return None;
        }
        let d = crate::dates::parse_date(t);
        if d.is_none() {
            self.err(field, "err-date");
        }
        d
    }

    /// A record id; `None` when empty (an error when required).
    pub fn id(&mut self, field: &'static str, v: &str, required: bool) -> Option<i64> {
        let t = v.trim();
        if t.is_empty() {
            if required {
                self.err(field, "err-required");
            }
            return None;
        }
        match t.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.err(field, "err-number");
                None
            }
        }
    }

    /// A whole number from 0 to `max`; `None` when empty (an error when required).
    pub fn number(
        &mut self,
        field: &'static str,
        v: &str,
        required: bool,
        max: i64,
    ) -> Option<i64> {
        let t = v.trim();
        if t.is_empty() {
            if required {
                self.err(field, "err-required");
            }
            return None;
        }
        match t.parse::<i64>() {
            Ok(n) if (0..=max).contains(&n) => Some(n),
            _ => {
                self.err(field, "err-number");
                None
            }
        }
    }

    /// An amount of money as people type it (`1.234,56`), never negative, in minor
    /// units; `None` when empty (an error when required).
    pub fn money(&mut self, field: &'static str, v: &str, required: bool) -> Option<i64> {
        let t = v.trim();
        if t.is_empty() {
            if required {
                self.err(field, "err-required");
            }
            return None;
        }
        match skrb_domain::rights::money::parse(t) {
            Some(n) if n >= 0 => Some(n),
            _ => {
                self.err(field, "err-amount");
                None
            }
        }
    }

    /// One of a fixed list of codes.
    pub fn choice(
        &mut self,
        field: &'static str,
        v: &str,
        allowed: &[&'static str],
        required: bool,
    ) -> Option<&'static str> {
        let t = v.trim();
        if t.is_empty() {
            if required {
                self.err(field, "err-required");
            }
            return None;
        }
        let found = allowed.iter().find(|a| **a == t).copied();
        if found.is_none() {
            self.err(field, "err-choice");
        }
        found
    }

    /// `later` must not be before `earlier`.
    pub fn order(&mut self, field: &'static str, earlier: Option<Date>, later: Option<Date>) {
        if let (Some(a), Some(b)) = (earlier, later) {
            if b < a {
                self.err(field, "err-date-order");
            }
        }
    }

    pub fn ok(&self) -> bool {
        self.errs.is_empty()
    }

    /// Fails with every error collected, or passes.
    pub fn done(self) -> AppResult<()> {
        if self.errs.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errs))
        }
    }
}

/// A stale version the form or body sent (another user saved in between) is a conflict;
/// none sent passes.
pub fn version_of(sent: &str, current: i64) -> AppResult<()> {
    match sent.trim().parse::<i64>() {
        Ok(v) if v != current => Err(AppError::Conflict {
            current_version: current,
        }),
        _ => Ok(()),
    }
}

/// A single field error as an [`AppError`].
pub fn field_error(field: &'static str, key: &'static str) -> AppError {
    AppError::Validation(vec![FieldError {
        field,
        msg: Msg::new(key),
    }])
}

/// An HTML form body whose repeated keys (a multiple select, checkboxes of one name)
/// are joined by commas, then read into `T` like a JSON object of strings: so the list
/// fields of a form and of the API (see `cases::lenient_list`) parse the same way.
pub struct Multi<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for Multi<T> {
    type Rejection = AppError;

    async fn from_request(
        req: axum::extract::Request,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(req.into_body(), crate::web::BODY_LIMIT)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let mut map = serde_json::Map::new();
        for (k, v) in form_urlencoded::parse(&bytes) {
            match map.get_mut(k.as_ref()) {
                Some(serde_json::Value::String(s)) => {
                    s.push(',');
                    s.push_str(&v);
                }
                _ => {
                    map.insert(k.into_owned(), serde_json::Value::String(v.into_owned()));
                }
            }
        }
        serde_json::from_value(serde_json::Value::Object(map))
            .map(Multi)
            .map_err(|e| AppError::BadRequest(e.to_string()))
    }
}

/// A form's fields as sent (repeated keys joined by commas).
pub type Raw = HashMap<String, String>;

/// What the user typed, kept to fill a refused form again.
#[derive(Debug, Clone, Default)]
pub struct Kept(pub Raw);

impl Kept {
    /// The value of a field, or empty.
    pub fn k(&self, f: &str) -> String {
        self.0.get(f).cloned().unwrap_or_default()
    }

    /// Whether a field holds this value (a select's option).
    pub fn is(&self, f: &str, v: &str) -> bool {
        self.0.get(f).is_some_and(|x| x == v)
    }

    /// Whether a list field holds this value (checkboxes, a multiple select).
    pub fn has(&self, f: &str, v: &str) -> bool {
        self.0
            .get(f)
            .is_some_and(|x| x.split(',').any(|i| i.trim() == v))
    }

    /// [`Kept::has`] for a record id.
    pub fn is_id(&self, f: &str, v: &i64) -> bool {
        self.has(f, &v.to_string())
    }
}

/// Reads a field as text whether it arrives as a form string, a JSON string, a JSON number,
/// a JSON boolean or JSON null (missing and null are empty). So one input type serves the HTML forms and
/// the JSON API, and both are parsed and validated by the same code.
pub fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Str(String),
        Int(i64),
        Bool(bool),
    }
    Ok(match Option::<Text>::deserialize(d)? {
        Some(Text::Str(s)) => s,
        Some(Text::Int(n)) => n.to_string(),
        Some(Text::Bool(b)) => b.to_string(),
        None => String::new(),
    })
}

/// A list field as text: a JSON array of strings or numbers, a comma-separated string,
/// or (from HTML forms, see [`crate::form::Multi`]) repeated keys already joined by commas.
pub fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Str(String),
        Int(i64),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(Item),
        Many(Vec<Item>),
    }
    let text = |i: Item| match i {
        Item::Str(s) => s,
        Item::Int(n) => n.to_string(),
    };
    Ok(match Option::<List>::deserialize(d)? {
        Some(List::One(i)) => text(i),
        Some(List::Many(v)) => v.into_iter().map(text).collect::<Vec<_>>().join(","),
        None => String::new(),
    })
}

/// The items of a comma-separated list, trimmed, without empties.
pub fn items(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A checkbox or a yes/no field: `true`, `on`, `1` or `yes`.
pub fn truthy(v: &str) -> bool {
    matches!(v.trim(), "true" | "on" | "1" | "yes")
}

/// Reads a form's raw fields into its typed input (the same type the API takes).
pub fn typed<T: serde::de::DeserializeOwned>(raw: &Raw) -> AppResult<T> {
    let v = serde_json::to_value(raw).map_err(|e| AppError::BadRequest(e.to_string()))?;
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// Why a form came back: the words, and the field they are about, so that the error
/// summary at the top of the form (templates' `errors.html`) links to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub field: Option<&'static str>,
    pub text: String,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for Reason {
    fn from(text: String) -> Reason {
        Reason { field: None, text }
    }
}

/// The reasons a use case refused the input, in the user's language; other errors pass.
pub fn reasons(e: AppError, l: Locale) -> AppResult<Vec<Reason>> {
    match e {
        AppError::Validation(errs) => Ok(errs
            .iter()
            .map(|e| Reason {
                field: Some(e.field),
                text: e.msg.render(l),
            })
            .collect()),
        AppError::Warnings { warnings, .. } => Ok(warnings
            .iter()
            .map(|w| Reason::from(w.msg.render(l)))
            .collect()),
        AppError::Conflict { .. } => Ok(vec![i18n::t(l, "form-conflict").into()]),
        other => Err(other),
    }
}

/// Codes with their labels in the reader's language (`prefix-code` keys), for a select.
pub fn labelled(l: Locale, prefix: &str, codes: &[&'static str]) -> Vec<(&'static str, String)> {
    codes
        .iter()
        .map(|c| (*c, i18n::t(l, &format!("{prefix}-{c}"))))
        .collect()
}

/// A form post's ending, the same for every form of every context: the use case's
/// result leads on (usually to a page with a flash message), or the form comes back with
/// the reasons in the user's words and everything that was typed. Anything else (no
/// permission, another centre's record, a broken database) passes on to the error page,
/// where refusals are audited.
///
/// ```ignore
/// let r = directory::create(&st.db, &s.actor(), &f).await;
/// Flow::new(&s)
///     .then(r, |id| go(&format!("/partners/{id}"), "flash-saved"), |errors| {
///         partners_form(&st, &s, raw, errors)
///     })
///     .await
/// ```
pub struct Flow {
    locale: Locale,
    refusals_on_form: bool,
    conflict: &'static str,
}

impl Flow {
    pub fn new(s: &crate::web::context::Signed) -> Flow {
        Flow {
            locale: s.ctx.locale,
            refusals_on_form: false,
            conflict: "form-conflict",
        }
    }

    /// Shows a business refusal (a step not allowed now, the second person's rule) on
    /// the form too, instead of as an error page: for pages whose form is a step of a
    /// procedure.
    pub fn refusals_on_form(mut self) -> Flow {
        self.refusals_on_form = true;
        self
    }

    /// The words (a message key) for an edit that lost to someone else's.
    pub fn conflict(mut self, key: &'static str) -> Flow {
        self.conflict = key;
        self
    }

    /// Why the form comes back, in the user's words; other errors pass.
    pub fn reasons(&self, e: AppError) -> AppResult<Vec<Reason>> {
        match e {
            AppError::Refused(m) if self.refusals_on_form => Ok(vec![m.render(self.locale).into()]),
            AppError::Conflict { .. } => Ok(vec![i18n::t(self.locale, self.conflict).into()]),
            other => reasons(other, self.locale),
        }
    }

    /// Leads on with `ok`, or shows the form `again` with the reasons.
    pub async fn then<T, Fut>(
        self,
        result: AppResult<T>,
        ok: impl FnOnce(T) -> AppResult<axum::response::Response>,
        again: impl FnOnce(Vec<Reason>) -> Fut,
    ) -> AppResult<axum::response::Response>
    where
        Fut: std::future::Future<Output = AppResult<axum::response::Response>>,
    {
        match result {
            Ok(v) => ok(v),
            Err(e) => {
                let errors = self.reasons(e)?;
                again(errors).await
            }
        }
    }
}

impl Flow {
    /// [`Flow::then`] when what follows is a page of its own (a report of what was done).
    pub async fn then_page<T, Ok, Again>(
        self,
        result: AppResult<T>,
        ok: impl FnOnce(T) -> Ok,
        again: impl FnOnce(Vec<Reason>) -> Again,
    ) -> AppResult<axum::response::Response>
    where
        Ok: std::future::Future<Output = AppResult<axum::response::Response>>,
        Again: std::future::Future<Output = AppResult<axum::response::Response>>,
    {
        match result {
            Result::Ok(v) => ok(v).await,
            Err(e) => {
                let errors = self.reasons(e)?;
                again(errors).await
            }
        }
    }
}

/// To a page, with a flash message (a key of the words).
pub fn go(to: &str, flash: &str) -> AppResult<axum::response::Response> {
    Ok(crate::web::context::redirect_with_flash(to, flash))
}
