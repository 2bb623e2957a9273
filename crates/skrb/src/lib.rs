//! Skrb: the information system for Centres for Social Work.
//!
//! One folder per domain context (`registry`, `cases`, `partners`, later `rights`, `payments`...)
//! holding its storage, use cases and HTTP handlers; cross-cutting `auth`, `audit`,
//! `i18n`; and the `web` frame. See ARCHITECTURE.md.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod bulk;
pub mod cases;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod form;
pub mod i18n;
pub mod load;
pub mod partners;
pub mod payments;
pub mod registry;
pub mod rights;
pub mod web;
