//! Partner organisations (city administration, health, schools, police, the pensioners'
//! home, NGOs...) with their contact people and the accounts of their users. The
//! referrals to and from them are case work (`skrb_cases::referrals`); a partner's page
//! shows them as a panel, and a partner's user answers them in the portal there.

/// The context's words (`locales/<lang>/partners.ftl`, every key starting with `partners-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("partners", "partners-");

pub mod api;
pub mod directory;
pub mod web;
