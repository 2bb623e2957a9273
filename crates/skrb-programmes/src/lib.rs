//! Extra programmes with partners (programi / програми): food, heating, school
//! supplies, a summer camp, a project; who receives them (a rule over what Skrb knows,
//! evaluated in one statement into a list, changed by hand with a reason, approved by a
//! second person and then frozen); what is handed over (recorded per recipient,
//! vouchers redeemed once at a partner through the portal, cash paid by the monthly
//! runs); the budget used against the budget available. Also the municipal committee
//! for citizens in severe distress (the centre's proposals, the committee's sessions and
//! decisions, the one-off aid paid by the runs), community actions, and the year's
//! totals for the annual report. The rules live in `skrb_domain::programmes`.

/// The context's words (`locales/<lang>/programmes.ftl`, every key starting with `programmes-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("programmes", "programmes-");

pub mod actions;
pub mod api;
pub mod cli;
pub mod committee;
pub mod distributions;
pub mod lists;
pub mod programmes;
pub mod totals;
pub mod view;
pub mod vouchers;
pub mod web;

/// The first day of the year `d` is in, and the last.
pub(crate) fn year_of(year: i32) -> Option<(time::Date, time::Date)> {
    let from = time::Date::from_calendar_date(year, time::Month::January, 1).ok()?;
    let to = time::Date::from_calendar_date(year, time::Month::December, 31).ok()?;
    Some((from, to))
}
