//! The web frame every context builds on: the request's context (who, which language,
//! CSRF), the route table's guard, errors turned into pages or problem+json, the page
//! layout, JSON helpers and the pieces of the API description. The app assembles the
//! routes of every context into one router (`skrb::web`).
//!
//! Handlers stay thin: parse, authorise, call a use case, render.

pub mod context;
pub mod errors;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod page;
pub mod panels;
pub mod routes;
pub mod tls;
pub mod upload;

pub use routes::Routes;

use std::sync::Arc;

use axum::http::HeaderName;

use crate::auth::sessions::Lifetimes;
use crate::config::Config;
use crate::db::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Where reports, dashboards and downloads read (a streaming replica of a country's
    /// PostgreSQL, `report_database_url`); the primary itself when none is configured.
    /// Their audit records are still written to the primary.
    pub reports: Db,
    pub config: Arc<Config>,
    pub lifetimes: Lifetimes,
    /// What other contexts show on a context's pages (the app registers them).
    pub panels: Arc<panels::Panels>,
    /// Where "now" comes from (a fixed instant in tests).
    pub clock: crate::clock::Clock,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        let lifetimes = Lifetimes {
            idle: time::Duration::minutes(i64::from(config.session_idle_minutes)),
            absolute: time::Duration::hours(i64::from(config.session_max_hours)),
        };
        AppState {
            reports: db.clone(),
            db,
            config: Arc::new(config),
            lifetimes,
            panels: Arc::new(panels::Panels::default()),
            clock: crate::clock::Clock::system(),
        }
    }

    /// Reports read from `reports` (a replica) instead of the primary.
    pub fn with_reports(mut self, reports: Db) -> Self {
        self.reports = reports;
        self
    }
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Upper limit of a request body; forms and JSON of the registry are far smaller.
pub const BODY_LIMIT: usize = 256 * 1024;
