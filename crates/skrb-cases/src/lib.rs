//! Case work: intake (first social help), case files with their contact log, notes and
//! attachments, plans with goals and reviews, tasks and deadlines, domestic-violence
//! co-ordination, referrals out to partners and in from them (with the partner portal
//! where a partner's user answers), and the worker's and head of unit's views of the
//! work.

/// The context's words (`locales/<lang>/cases.ftl`, every key starting with `cases-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("cases", "cases-");

pub mod access;
pub mod api;
pub mod catalogue;
pub mod files;
pub mod intake;
pub mod log;
pub mod migrated;
pub mod plans;
pub mod referrals;
pub mod tasks;
pub mod view;
pub mod violence;
pub mod web;

/// Problem areas a file can be about (the yearly report counts users by them).
/// Where a task came from (`task.source`).
pub const TASK_SOURCES: [&str; 5] = ["manual", "statutory", "plan_review", "referral", "violence"];
/// Orders of the file list.
pub const SORTS: [&str; 4] = ["opened", "number", "name", "activity"];

pub const PROBLEMS: [&str; 11] = [
    "poverty",
    "family_relations",
    "domestic_violence",
    "addiction",
    "behaviour",
    "developmental_disability",
    "trafficking",
    "housing",
    "health",
    "unemployment",
    "old_age",
];

/// Whether the user manages cases (may change and transfer any file of the centre),
/// for the pages and the API alike.
pub fn manages(s: &skrb_kit::web::context::Signed) -> bool {
    s.may(skrb_kit::auth::Permission::CaseManage)
}
