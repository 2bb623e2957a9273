//! The kit every context of Skrb builds on, and nothing that belongs to one context.
//!
//! Below the contexts: the database over two backends and bulk jobs (`db`, `bulk`),
//! errors and their translated messages (`error`, `i18n`), reading forms and JSON the
//! same way (`form`, `dates`), the clock, the centre's shared facts (`centre`), a user's
//! data scope over centres (`scope`), the audit log and its chain (`audit`), who may do
//! what (`auth`), the configuration, the web frame (request context, route guard, page
//! layout, errors, API pieces) and progress for long jobs. A context crate depends on
//! this one, on `skrb-domain` and on the use cases of contexts below it; the app (`skrb`)
//! sits above them all. See ARCHITECTURE.md.

pub mod audit;
pub mod auth;
pub mod bulk;
pub mod centre;
pub mod clock;
pub mod config;
pub mod dates;
pub mod db;
pub mod error;
pub mod export;
pub mod fonts;
pub mod form;
pub mod i18n;
pub mod ids;
pub mod progress;
pub mod schema;
pub mod scope;
pub mod sheet;
pub mod web;
