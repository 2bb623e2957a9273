//! Public authorisations (javna pooblastila / јавна овлашћења): the country's register of
//! foster carers (enquiry, assessment, the ministry's permit and its terms, household
//! checks, training, yearly review), placements of children and adults in foster
//! families and institutions (the court's order or the centre's decision, supervision
//! visits, the child's timeline), their payments (the foster payment per child through
//! the monthly runs, an institution's price split between the user, relatives and the
//! public payer), and guardianship with the guardian's yearly report. The rules
//! (states, limits and vacancies, the split) live in `skrb_domain::placements`; the
//! foster payment is the rights context's calculator.

/// The context's words (`locales/<lang>/placements.ftl`, every key starting with `placements-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("placements", "placements-");

pub mod api;
pub mod billing;
pub mod carers;
pub mod cli;
pub mod due;
pub mod figures;
pub mod guardianship;
pub mod institutions;
pub mod migrated;
pub mod placements;
pub mod view;
pub mod web;

use skrb_kit::audit::Actor;
use skrb_kit::db::Tx;
use skrb_kit::error::AppResult;
use skrb_kit::sql;

/// A record of another centre is refused; records of one's own pass.
pub(crate) fn own(actor: &Actor, centre_id: i64) -> AppResult<()> {
    skrb_kit::scope::same_centre(actor, centre_id)
}

/// The jurisdiction (`SI`, `RS`) of the actor's centre; the ministry's and other
/// all-centre readers get `None`.
pub(crate) async fn jurisdiction_of(tx: &mut Tx, actor: &Actor) -> AppResult<Option<String>> {
    let Some(c) = actor.scope.and_then(|s| s.centre_id) else {
        return Ok(None);
    };
    Ok(
        sql!(tx, x => sqlx::query_scalar("SELECT jurisdiction FROM centre WHERE id = $1").bind(c).fetch_optional(x).await?),
    )
}

/// Adds whole months, keeping the day where the month has it (else its last day).
pub fn add_months(d: time::Date, months: u32) -> time::Date {
    skrb_domain::rights::deadlines::add_months(d, months)
}

/// Age in whole years on a day (the registry's rule: `skrb_domain::person::age_on`).
pub fn age_on(born: time::Date, day: time::Date) -> i64 {
    i64::from(skrb_domain::person::age_on(born, day))
}

/// The last day of the month `d` is in.
pub fn month_end(d: time::Date) -> time::Date {
    skrb_domain::rights::deadlines::month_end(d)
}

pub use skrb_kit::dates::parse_month;
