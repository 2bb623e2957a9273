//! Bringing old registers in (uvoz / увоз): a CSV or XLSX export of persons and their
//! households, or of active rights with the decisions they rest on, is kept, its columns
//! mapped (guessed from the headings, or a saved profile), every row checked as a
//! clerk's form would be and counted, duplicates in the file and in the registry put to
//! a reviewer (merge, import as new, skip), and the rest committed in sets that a kill
//! cannot half-write. The rules (fields, headings, value maps, dates and amounts as
//! exports write them) live in `skrb_domain::import`.

/// The context's words (`locales/<lang>/import.ftl`, every key starting with `import-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("import", "import-");

pub mod api;
pub mod batches;
pub mod check;
pub mod cli;
pub mod commit;
pub mod example;
pub mod invalid;
pub mod profiles;
pub mod source;
pub mod web;
