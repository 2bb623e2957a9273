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
pub use skrb_registry as registry;
pub use skrb_rights as rights;
