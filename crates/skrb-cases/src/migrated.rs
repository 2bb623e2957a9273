//! Case files an old register kept open, brought in as they stand: the person, the kind
//! of case, the worker who holds it, the day it was opened and, where the register gave
//! one, its old number (the one on the folder in the archive), else a new number of the
//! centre's pattern (one no file holds: the counter passes over old numbers it reaches). Written a set at a time with their first hand-over and an audit
//! record each; no statutory first-step task is made, as the file is already under way.

use std::collections::{HashMap, HashSet};

use skrb_kit::audit::{self, Action, Actor};
use skrb_kit::bulk;
use skrb_kit::db::Tx;
use skrb_kit::error::AppResult;
use time::Date;

/// A file to bring in; its person, type and worker already checked.
#[derive(Debug, Clone)]
pub struct Migrated {
    pub person_id: i64,
    pub type_id: i64,
    /// The type's filing class, for a new number.
    pub class_code: String,
    pub worker_id: i64,
    pub opened_on: Date,
    /// The old register's number, kept when given.
    pub number: Option<String>,
    pub summary: Option<String>,
    pub restricted: bool,
    /// Where it came from (the import, its file and row), in the audit record.
    pub source: String,
}

const FILE_COLUMNS: [&str; 14] = [
    "id",
    "centre_id",
    "unit_id",
    "number",
    "person_id",
    "type_id",
    "problems",
    "summary",
    "status",
    "worker_id",
    "restricted",
    "opened_on",
    "last_activity_on",
    "created_at",
];

/// Writes the files in the caller's transaction; their ids in the list's order.
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    centre: i64,
    list: &[Migrated],
) -> AppResult<Vec<i64>> {
    let mut next = bulk::next_id(tx, "case_file").await?;
    let mut units: HashMap<i64, Option<i64>> = HashMap::new();
    let given: HashSet<&str> = list.iter().filter_map(|m| m.number.as_deref()).collect();
    let (mut files, mut transfers, mut audits, mut ids) = (
        Vec::with_capacity(list.len()),
        Vec::with_capacity(list.len()),
        Vec::with_capacity(list.len()),
        Vec::with_capacity(list.len()),
    );
    for m in list {
        let unit = match units.get(&m.worker_id) {
            Some(u) => *u,
            None => {
                let u = crate::files::first_unit(tx, m.worker_id).await?;
                units.insert(m.worker_id, u);
                u
            }
        };
        let number = match &m.number {
            Some(n) => n.clone(),
            None => loop {
                // Not one of this set's old numbers either (they are written below).
                let n = crate::files::free_number(tx, centre, m.opened_on.year(), &m.class_code)
                    .await?;
                if !given.contains(n.as_str()) {
                    break n;
                }
            },
        };
        let id = next;
        next += 1;
        files.push(vec![
            id.into(),
            centre.into(),
            unit.into(),
            number.clone().into(),
            m.person_id.into(),
            m.type_id.into(),
            ",".into(),
            m.summary.clone().into(),
            "open".into(),
            m.worker_id.into(),
            bulk::Value::Bool(m.restricted),
            m.opened_on.into(),
            m.opened_on.into(),
            actor.now.into(),
        ]);
        transfers.push(vec![
            id.into(),
            m.worker_id.into(),
            unit.into(),
            actor.user_id.into(),
            actor.now.into(),
        ]);
        let changes = serde_json::json!({
            "number": number, "type_id": m.type_id, "worker": m.worker_id,
            "opened_on": m.opened_on.to_string(), "restricted": m.restricted,
        });
        audits.push(audit::bulk_row(
            actor,
            Action::Import,
            "case_file",
            id,
            Some(m.person_id),
            Some(changes.to_string()),
            Some(m.source.clone()),
        ));
        ids.push(id);
    }
    bulk::insert(tx, "case_file", &FILE_COLUMNS, &files).await?;
    bulk::insert(
        tx,
        "case_transfer",
        &["case_id", "to_worker", "to_unit", "by_user", "at"],
        &transfers,
    )
    .await?;
    bulk::insert(tx, "audit_log", &audit::BULK_COLUMNS, &audits).await?;
    bulk::sync_identity(tx, "case_file").await?;
    Ok(ids)
}
