//! Skrb's integration tests: one binary, every test on SQLite and on PostgreSQL.

mod harness;

mod api;
mod browser;
mod cases;
mod cli;
mod clock;
mod households;
mod import;
mod lists;
mod payments;
mod persons;
mod placements;
mod programmes;
mod reports;
mod review;
mod rights;
mod schema;
mod screens;
mod security;
mod services;
mod tls;
mod trust;
mod ui;
mod words;
mod year;
