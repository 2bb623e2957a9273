//! Reports (poročila / извјештаји): what a centre tells its municipal council, its
//! partners, the ministry and the statistics office, built from the data Skrb holds
//! rather than by hand. The annual work report's tables ([`annual`]) for a centre or all
//! centres and any period, as a page, a PDF with charts ([`pdf`]) and an XLSX workbook
//! (`skrb_kit::sheet`), read from the report replica where a country has one. The rules
//! (age bands, the small-cell rule, periods) live in `skrb_domain::reports`.

/// The context's words (`locales/<lang>/reports.ftl`, every key starting with `report-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("reports", "report-");

pub mod annual;
pub mod api;
pub mod cli;
pub mod dashboard;
pub mod narrative;
pub mod pdf;
pub mod publication;
pub mod report;
pub mod statistics;
pub mod web;
