//! Services: what a centre delivers besides money. Counted services (first social help,
//! personal help, family help at the centre) are sessions on a person's file; home help
//! (pomoč družini na domu / pomoć i njega u kući) has its own life: an agreement (or in
//! Republika Srpska a decision) with a care plan, a waiting list while there is no
//! capacity, carers with their qualifications and absences, a weekly roster repeated
//! forward, visits recorded on the carer's phone, municipal price lists, exemptions
//! decided in the rights procedure, and a monthly bill with invoices carrying the UPN QR
//! payment order. The rules (states, roster warnings, prices, UPN QR) live in
//! `skrb_domain::services`.

/// The context's words (`locales/<lang>/services.ftl`, every key starting with `services-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("services", "services-");

pub mod agreements;
pub mod api;
pub mod billing;
pub mod carers;
pub mod catalogue;
pub mod cli;
pub mod figures;
pub mod invoice;
pub mod prices;
pub mod roster;
pub mod sessions;
pub mod view;
pub mod visits;
pub mod web;

use skrb_kit::audit::Actor;
use skrb_kit::error::AppResult;

/// A record of another centre is refused; records of one's own pass.
pub(crate) fn own(actor: &Actor, centre_id: i64) -> AppResult<()> {
    skrb_kit::scope::same_centre(actor, centre_id)
}

pub use skrb_kit::dates::parse_month;

/// A month's first day as `2026-11`.
pub fn month_code(d: time::Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// The last day of the month `d` is in.
pub fn month_end(d: time::Date) -> time::Date {
    skrb_domain::rights::deadlines::month_end(d)
}
