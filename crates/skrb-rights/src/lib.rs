//! Rights from public funds: the catalogue and its dated parameters, applications in the
//! administrative procedure, decisions resting on frozen inputs, entitlements, appeals,
//! the yearly provisional calculation, and commissions.
//!
//! The formulas live in `skrb_domain::rights` (pure, tested against the worked
//! examples); this context loads the parameters valid for a month, freezes what a
//! decision rests on, and keeps the procedure's deadlines.

/// The context's words (`locales/<lang>/rights.ftl`, every key starting with `rights-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("rights", "rights-");

pub mod api;
pub mod appeals;
pub mod applications;
pub mod catalogue;
pub mod commissions;
pub mod decisions;
pub mod explain;
pub mod renewal;
pub mod view;
pub mod web;

use skrb_kit::db::Tx;
use skrb_kit::error::AppResult;
use skrb_kit::sql;

pub const CHANNELS: [&str; 5] = ["in_person", "post", "email", "eportal", "ex_officio"];
pub const OUTCOMES: [&str; 4] = ["granted", "partly", "refused", "dismissed"];
pub const DELIVERY: [&str; 4] = ["in_person", "registered_mail", "ebox", "public_notice"];
pub const APPEAL_OUTCOMES: [&str; 3] = ["upheld", "annulled", "changed"];
/// What a decision does (`decision.kind`).
pub const DECISION_KINDS: [&str; 6] = [
    "first",
    "change",
    "suspension",
    "termination",
    "provisional",
    "second_instance",
];
/// Why a person is on a commission's agenda (`commission_item.purpose`).
pub const ITEM_PURPOSES: [&str; 2] = ["assessment", "reassessment"];
/// The jurisdictions whose rules Skrb knows: Slovenia, Republika Srpska.
pub const JURISDICTIONS: [&str; 2] = ["SI", "RS"];
/// Days to appeal after delivery (ZUP art. 235).
pub const APPEAL_DAYS: i64 = 15;

/// The display name of a user (the signatory of a decision).
pub async fn user_name(tx: &mut Tx, id: Option<i64>) -> Result<String, sqlx::Error> {
    let Some(id) = id else {
        return Ok("Skrb".into());
    };
    let n: Option<String> = sql!(tx, c => sqlx::query_scalar("SELECT display_name FROM app_user WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    Ok(n.unwrap_or_default())
}

/// Calculates a right by code for a month (`YYYY-MM`) with the parameters valid then:
/// the API's and the command line's calculator.
pub async fn calculate_for(
    db: &skrb_kit::db::Db,
    code: &str,
    month: &str,
    h: &skrb_domain::rights::Household,
) -> AppResult<(
    catalogue::RightType,
    skrb_domain::rights::Calculation,
    skrb_domain::rights::Params,
)> {
    let day = skrb_kit::dates::parse_month(month)
        .ok_or_else(|| skrb_kit::form::field_error("month", "rights-err-month"))?;
    let mut tx = db.begin_read().await?;
    let rt = catalogue::by_code(&mut tx, code)
        .await?
        .ok_or_else(|| skrb_kit::form::field_error("right", "rights-err-right"))?;
    let (c, p) = catalogue::run(&mut tx, &rt, h, day).await?;
    tx.commit().await?;
    Ok((rt, c, p))
}
