//! Payments: monthly (and extra) payment runs that pay every entitlement-month exactly
//! once, the bank files they produce, statements that settle or return their lines,
//! the work list of held and returned payments, recoveries of overpayments, and the
//! payment history of a person and an entitlement.
//!
//! Exactly once rests on one rule kept by the database: an entitlement, month and
//! funding source has at most one current payment line (`payment_line_once`). A run's
//! calculation writes all its lines in one transaction; a held or returned line is
//! superseded (`carried_by`) only by the run that pays it again. Killing the process
//! at any moment leaves either the whole calculation or none of it.
//!
//! The formulas (days of a month, bank text, `pain.001`, CSV, `camt`) live in
//! `skrb_domain::payments`.

/// The context's words (`locales/<lang>/payments.ftl`, every key starting with `payments-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("payments", "payments-");

pub mod accounts;
pub mod api;
pub mod cli;
pub mod files;
pub mod history;
pub mod runs;
pub mod statements;
pub mod web;

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::sql_pool;

/// Why a line is held back (message key `pay-hold-<reason>`).
/// Why a line is held (our words) or returned (the bank's code and words).
pub fn reason_words(l: skrb_kit::i18n::Locale, reason: Option<&str>) -> String {
    match reason {
        Some(r) if HOLDS.contains(&r) => skrb_kit::i18n::t(l, &format!("payments-hold-{r}")),
        Some(r) => r.to_string(),
        None => String::new(),
    }
}

pub const HOLDS: [&str; 6] = [
    "no_account",
    "zero",
    "no_iban",
    "bad_iban",
    "same_iban",
    // not a hold: the month's payment went wholly to a recovery
    "recovered",
];

/// A run pays the month (`monthly`) or what else is due (`extra`).
pub const RUN_KINDS: [&str; 2] = ["monthly", "extra"];
/// `recovery.kind`.
pub const RECOVERY_KINDS: [&str; 2] = ["overpayment", "deduction"];
/// What a statement's reference could not settle (`problems[].problem`).
pub const STATEMENT_PROBLEMS: [&str; 4] = ["unknown", "not_sent", "amount", "done"];

pub use skrb_domain::payments::{end_to_end, line_of};

/// The actor of a command-line step taken in a user's name (`--as`), so that the
/// second person's approval is a person's.
pub async fn actor_as(db: &Db, username: &str) -> AppResult<Actor> {
    let row: Option<(i64, String)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, username FROM app_user WHERE username = $1 AND active")
        .bind(username).fetch_optional(p).await?);
    let (id, name) = row.ok_or(AppError::NotFound)?;
    Ok(Actor {
        user_id: Some(id),
        username: Some(name),
        ..Actor::default()
    })
}
