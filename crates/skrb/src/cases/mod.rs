//! Case work: intake (first social help), case files with their contact log, notes and
//! attachments, plans with goals and reviews, tasks and deadlines, domestic-violence
//! co-ordination, and the worker's and head of unit's views of the work.

pub mod access;
pub mod api;
pub mod catalogue;
pub mod files;
pub mod intake;
pub mod log;
pub mod plans;
pub mod tasks;
pub mod violence;
pub mod web;

use serde::{Deserialize, Deserializer};

/// Problem areas a file can be about (the yearly report counts users by them).
/// Where a case file stands (`case_file.status`).
pub const STATUSES: [&str; 3] = ["open", "on_hold", "closed"];
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

/// A list field as text: a JSON array of strings or numbers, a comma-separated string,
/// or (from HTML forms, see [`crate::form::Multi`]) repeated keys already joined by commas.
pub fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Str(String),
        Int(i64),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(Item),
        Many(Vec<Item>),
    }
    let text = |i: Item| match i {
        Item::Str(s) => s,
        Item::Int(n) => n.to_string(),
    };
    Ok(match Option::<List>::deserialize(d)? {
        Some(List::One(i)) => text(i),
        Some(List::Many(v)) => v.into_iter().map(text).collect::<Vec<_>>().join(","),
        None => String::new(),
    })
}

/// Whether the user manages cases (may change and transfer any file of the centre),
/// for the pages and the API alike.
pub fn manages(s: &crate::web::context::Signed) -> bool {
    s.may(crate::auth::Permission::CaseManage)
}

/// The items of a comma-separated list, trimmed, without empties.
pub fn items(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}
