//! The registry of persons and households: who the centre knows, where they live,
//! with whom. Every other context (cases, rights, payments) refers to these records.

/// The context's words (`locales/<lang>/registry.ftl`, every key starting with `registry-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("registry", "registry-");

pub mod access;
pub mod api;
pub mod export;
pub mod households;
pub mod input;
pub mod persons;
pub mod restricted;
pub mod retention;
pub mod search;
pub mod web;
