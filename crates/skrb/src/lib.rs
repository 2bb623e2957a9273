//! Skrb, the app: every context's routes in one router, the start page and statistics,
//! the API's description, the screens of accounts and the audit log, and the command
//! line (serve, demo, backups, benchmarks, load). It sits above the contexts
//! (`skrb-registry`, `skrb-partners`, `skrb-cases`, `skrb-rights`, `skrb-payments`) and
//! the kit they share (`skrb-kit`), and is the only crate that knows them all. See
//! ARCHITECTURE.md.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod cli;
pub mod demo;
pub mod load;
pub mod web;

// The crates below under the names the code and the tests know them by.
pub use skrb_cases as cases;
pub use skrb_kit::{bulk, config, db, error, form, i18n, sql, sql_pool};
pub use skrb_partners as partners;
pub use skrb_payments as payments;
pub use skrb_placements as placements;
pub use skrb_programmes as programmes;
pub use skrb_registry as registry;
pub use skrb_reports as reports;
pub use skrb_rights as rights;
pub use skrb_services as services;
pub use skrb_year as year;

use skrb_kit::i18n::Words;

/// The app's own words: start page, security, administration, audit.
pub static APP_WORDS: Words = skrb_kit::words!("app");

/// Every file of words, in the order they load: the shared ones, each context's, the
/// app's. A new context adds its `WORDS` here.
pub static WORDS: [&Words; 13] = [
    &skrb_import::WORDS,
    &skrb_year::WORDS,
    &skrb_reports::WORDS,
    &skrb_kit::i18n::COMMON,
    &skrb_registry::WORDS,
    &skrb_partners::WORDS,
    &skrb_cases::WORDS,
    &skrb_rights::WORDS,
    &skrb_payments::WORDS,
    &skrb_services::WORDS,
    &skrb_placements::WORDS,
    &skrb_programmes::WORDS,
    &APP_WORDS,
];

/// Loads every file of words; the program's start calls it before anything is said.
pub fn install_words() {
    skrb_kit::i18n::install(&WORDS);
}
