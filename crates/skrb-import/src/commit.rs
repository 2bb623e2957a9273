//! The commit: the rows that may go in are written a set at a time, each set in one
//! transaction with its audit records and the mark on each row of what it became. A
//! commit killed at any point loses at most the set under way, which is rolled back
//! whole; the next commit takes the rows still unmarked, so nothing goes in twice and
//! nothing is left out. Two commits of one import queue on the import's row lock.

use std::collections::{BTreeMap, HashMap};

use skrb_domain::import::{BatchStatus, Choice, Kind, RowStatus};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk;
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;
use skrb_registry::persons;

use crate::batches::{self, Batch, Counts, TO_IMPORT};

/// Rows written per transaction, unless the command line says otherwise. Each commit makes
/// its pages durable and SQLite then checkpoints them into the file; on a registry of two
/// million persons the rows of a set land on pages of the big indexes all over the file,
/// so a page changed by five sets is written ten times, and once by one set of all of them.
/// 100,000 persons wrote 3.5 GB in sets of 20,000, 1.8 GB in sets of 50,000 and 1.2 GB in
/// one (ARCHITECTURE.md, "Country scale"). Not larger: a kill loses the set under way, and
/// other writers of a SQLite database wait for each set's commit (about 2 s at this size).
pub const ROWS_PER_COMMIT: i64 = 50_000;

/// How the commit cuts the rows: `rows` per transaction, read, prepared and written
/// `chunk` at a time inside it. The chunk is what the commit holds in memory (about 5 KB
/// a person), whatever the set's size.
#[derive(Clone, Copy, Debug)]
pub struct Sets {
    pub rows: i64,
    pub chunk: i64,
}

impl Default for Sets {
    fn default() -> Self {
        Sets {
            rows: ROWS_PER_COMMIT,
            chunk: 10_000,
        }
    }
}

impl Sets {
    /// `rows` per transaction, in the usual chunks.
    pub fn of(rows: i64) -> Sets {
        Sets {
            rows,
            ..Sets::default()
        }
    }
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    row_no: i64,
    status: String,
    fields: String,
    group_key: Option<String>,
    match_person_id: Option<i64>,
    match_row: Option<i64>,
    choice: Option<String>,
}

/// How far a commit is: rows written, rows it had to write.
pub type Progress<'a> = &'a mut (dyn FnMut(i64, i64) + Send);

/// Writes every row of the import that may go in (checked in, or a duplicate decided
/// to go in), a set of rows a transaction (`Sets::default()` but where the command line
/// chose). Undecided duplicates wait; the import is committed when none is left.
/// Progress is told after each chunk; a chunk that ends a set is told after its commit.
pub async fn commit(
    db: &Db,
    actor: &Actor,
    id: i64,
    sets: Sets,
    progress: Progress<'_>,
) -> AppResult<Counts> {
    let (b, c) = batches::get(db, actor, id).await?;
    if b.status != BatchStatus::Validated {
        return Err(AppError::Refused(Msg::new("import-err-not-open")));
    }
    let (per_commit, chunk) = (sets.rows.max(1), sets.chunk.max(1));
    let q = format!(
        "SELECT r.id, r.row_no, r.status, r.fields, r.group_key, r.match_person_id, r.match_row, r.choice \
         FROM import_row r WHERE r.batch_id = $1 AND r.row_no > $2 AND r.target_id IS NULL AND r.imported_at IS NULL \
         AND {TO_IMPORT} ORDER BY r.row_no LIMIT $3"
    );
    let total = c.remaining;
    let mut done = 0;
    let mut after = 0;
    loop {
        let mut tx = db.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            sqlx::query("SELECT id FROM import_batch WHERE id = $1 FOR UPDATE")
                .bind(id)
                .execute(&mut **t)
                .await?;
        }
        tx.roomy(true).await?;
        let mut in_set = 0;
        let mut last_told = done;
        let finished = loop {
            let limit = chunk.min(per_commit - in_set);
            let rows: Vec<Pending> = sql!(&mut tx, c => sqlx::query_as(&q).bind(id).bind(after).bind(limit).fetch_all(c).await?);
            let n = rows.len() as i64;
            if let Some(last) = rows.last().map(|r| r.row_no) {
                after = last;
                match b.kind {
                    Kind::Persons => persons(&mut tx, actor, &b, rows).await?,
                    Kind::Entitlements => rights(&mut tx, actor, &b, rows).await?,
                    Kind::Cases => cases(&mut tx, actor, &b, rows).await?,
                    Kind::Carers => carers(&mut tx, actor, &b, rows).await?,
                }
                in_set += n;
            }
            if n < limit {
                break true;
            }
            if in_set >= per_commit {
                break false;
            }
            progress(done + in_set, total);
            last_told = done + in_set;
        };
        if finished {
            finish(&mut tx, actor, &b).await?;
        }
        tx.roomy(false).await?;
        tx.commit().await?;
        done += in_set;
        if done > last_told {
            progress(done, total);
        }
        if finished {
            break;
        }
    }
    Ok(batches::get(db, actor, id).await?.1)
}

/// The import is committed when nothing is left to write or decide; its file goes.
async fn finish(tx: &mut Tx, actor: &Actor, b: &Batch) -> AppResult<()> {
    let c = batches::counts_in(tx, b.id).await?;
    if c.undecided == 0 && c.remaining == 0 {
        sql!(tx, c => sqlx::query(
            "UPDATE import_batch SET status = 'committed', committed_at = $1, content = NULL, version = version + 1 \
             WHERE id = $2 AND status = 'validated'")
            .bind(actor.now).bind(b.id).execute(c).await?.rows_affected());
    }
    audit::record(
        tx,
        actor,
        Event::new(Action::Import, "import_batch", b.id).detail(serde_json::json!({
            "imported": c.imported, "skipped": c.skipped, "undecided": c.undecided, "invalid": c.invalid,
        })),
    )
    .await?;
    Ok(())
}

fn source(b: &Batch, row: i64) -> String {
    format!("{} #{}, {}: {}", "import", b.id, b.file_name, row)
}

/// Marks each row with what it became, in one statement. Only ids the job holds (never
/// user input) are written into it; each is cast, so that PostgreSQL types the list by
/// its values even where the first is NULL.
async fn mark(tx: &mut Tx, actor: &Actor, done: &[(i64, Option<i64>)]) -> Result<(), sqlx::Error> {
    if done.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = done
        .iter()
        .map(|(r, t)| {
            let t = t.map_or("NULL".to_string(), |t| t.to_string());
            format!("(CAST({r} AS BIGINT), CAST({t} AS BIGINT))")
        })
        .collect();
    let q = format!(
        "WITH v(r, t) AS (VALUES {}) UPDATE import_row SET target_id = v.t, imported_at = $1 FROM v WHERE import_row.id = v.r",
        values.join(", ")
    );
    sql!(tx, c => sqlx::query(&q).bind(actor.now).execute(c).await?.rows_affected());
    Ok(())
}

async fn persons(tx: &mut Tx, actor: &Actor, b: &Batch, rows: Vec<Pending>) -> AppResult<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("LOCK TABLE person, household, household_member IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let today = actor.today();
    let now = actor.now;
    let mut next_person = bulk::next_id(tx, "person").await?;
    let mut next_household = bulk::next_id(tx, "household").await?;
    let mut next_member = bulk::next_id(tx, "household_member").await?;
    // Households of this set's groups that earlier sets made.
    let (lo, hi) = (rows[0].row_no, rows[rows.len() - 1].row_no);
    // For each of this set's rows (found by line), the household an earlier row of its
    // group was put in (found by group, then by person): lookups by index, as the
    // subquery fixes the order whatever the planner thinks of a table just written.
    let known: Vec<(String, Option<i64>)> = sql!(tx, c => sqlx::query_as(
        "SELECT g.group_key, (SELECT MIN(hm.household_id) FROM import_row r JOIN household_member hm ON hm.person_id = r.target_id \
           WHERE r.batch_id = g.batch_id AND r.group_key = g.group_key AND r.row_no < $2 AND r.target_id IS NOT NULL) \
         FROM import_row g WHERE g.batch_id = $1 AND g.row_no >= $2 AND g.row_no <= $3 AND g.group_key IS NOT NULL")
        .bind(b.id).bind(lo).bind(hi).fetch_all(c).await?);
    let known = known.into_iter().filter_map(|(g, h)| h.map(|h| (g, h)));
    let mut households: HashMap<String, i64> = known.into_iter().collect();
    let mut in_set: HashMap<i64, i64> = HashMap::new();
    let (mut people, mut tokens, mut homes, mut members, mut audits) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut done: Vec<(i64, Option<i64>)> = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    let mut merges = Vec::new();
    for r in rows {
        let fields: BTreeMap<String, String> = serde_json::from_str(&r.fields).unwrap_or_default();
        let d = match crate::check::person_form(&fields).parse(today) {
            Ok(d) => d,
            Err(errs) => {
                // Checked on another day, the row no longer passes: it is refused with
                // the reasons, as the check would refuse it now, never left unsaid.
                refused.push((r.id, errs));
                continue;
            }
        };
        let choice = r.choice.as_deref().and_then(Choice::from_code);
        let why = source(b, r.row_no);
        let person = if choice == Some(Choice::Merge) {
            let target = match (r.match_person_id, r.match_row) {
                (Some(p), _) => Some(p),
                (None, Some(row)) => match in_set.get(&row) {
                    Some(p) => Some(*p),
                    None => sql!(tx, c => sqlx::query_scalar::<_, Option<i64>>(
                        "SELECT target_id FROM import_row WHERE batch_id = $1 AND row_no = $2")
                        .bind(b.id).bind(row).fetch_optional(c).await?)
                    .flatten(),
                },
                _ => None,
            };
            let Some(p) = target else {
                done.push((r.id, None));
                continue;
            };
            // What the person lacks, the row fills (once the set's new persons are in,
            // as the person may be one of them); nothing they have changes.
            merges.push((p, d.clone(), format!("merged: {why}")));
            p
        } else {
            let id = next_person;
            next_person += 1;
            let reason = match (RowStatus::from_code(&r.status), choice) {
                (Some(RowStatus::Warned), _) => Some(format!("{why} (warnings)")),
                (_, Some(Choice::New)) => Some(format!("{why} (not a duplicate: reviewed)")),
                _ => None,
            };
            tokens.extend(persons::bulk_tokens(id, Some(b.centre_id), &d));
            let changes = serde_json::to_string(&persons::all_fields(&d)).ok();
            audits.push(audit::bulk_row(
                actor,
                Action::Import,
                "person",
                id,
                Some(id),
                changes,
                Some(why.clone()),
            ));
            people.push(persons::bulk_row(id, &d, reason, Some(b.centre_id), now));
            id
        };
        in_set.insert(r.row_no, person);
        done.push((r.id, Some(person)));
        if let Some(g) = &r.group_key {
            let (hid, first) = match households.get(g) {
                Some(h) => (*h, false),
                None => {
                    let h = next_household;
                    next_household += 1;
                    households.insert(g.clone(), h);
                    homes.push(vec![
                        h.into(),
                        d.address.clone().into(),
                        d.postal_code.clone().into(),
                        d.place.clone().into(),
                        d.municipality_id.into(),
                        1i64.into(),
                        now.into(),
                    ]);
                    (h, true)
                }
            };
            let rel = fields
                .get("relationship")
                .cloned()
                .unwrap_or_else(|| if first { "head" } else { "other_relative" }.to_string());
            members.push(vec![
                next_member.into(),
                hid.into(),
                person.into(),
                rel.into(),
                today.into(),
                now.into(),
            ]);
            next_member += 1;
        }
    }
    bulk::insert(tx, "person", &persons::BULK_COLUMNS, &people).await?;
    bulk::insert(tx, "person_token", &persons::TOKEN_COLUMNS, &tokens).await?;
    bulk::insert(
        tx,
        "household",
        &[
            "id",
            "address",
            "postal_code",
            "place",
            "municipality_id",
            "version",
            "created_at",
        ],
        &homes,
    )
    .await?;
    bulk::insert(
        tx,
        "household_member",
        &[
            "id",
            "household_id",
            "person_id",
            "relationship",
            "valid_from",
            "created_at",
        ],
        &members,
    )
    .await?;
    for (p, d, why) in merges {
        let filled = persons::fill_blanks(tx, p, &d, now).await?;
        let changes = serde_json::to_string(&filled).ok();
        audits.push(audit::bulk_row(
            actor,
            Action::Update,
            "person",
            p,
            Some(p),
            changes,
            Some(why),
        ));
    }
    bulk::insert(tx, "audit_log", &audit::BULK_COLUMNS, &audits).await?;
    for t in ["person", "household", "household_member"] {
        bulk::sync_identity(tx, t).await?;
    }
    mark(tx, actor, &done).await?;
    for (row, errs) in refused {
        let problems: Vec<crate::check::Problem> =
            errs.iter().map(crate::check::Problem::refusal).collect();
        let json = serde_json::to_string(&problems).map_err(|e| AppError::Internal(e.into()))?;
        sql!(tx, c => sqlx::query("UPDATE import_row SET status = 'invalid', problems = $1 WHERE id = $2")
            .bind(&json).bind(row).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Migrated decisions: each row becomes an issued decision with its frozen amount and
/// the old number, and the active entitlement the next payment run pays (written by the
/// rights context, `skrb_rights::decisions::migrated`).
async fn rights(tx: &mut Tx, actor: &Actor, b: &Batch, rows: Vec<Pending>) -> AppResult<()> {
    use skrb_rights::decisions::migrated::{self, Migrated};
    let date =
        |f: &BTreeMap<String, String>, k: &str| f.get(k).and_then(|d| skrb_domain::import::date(d));
    let mut ids = Vec::with_capacity(rows.len());
    let mut list = Vec::with_capacity(rows.len());
    for r in rows {
        let f: BTreeMap<String, String> = serde_json::from_str(&r.fields).unwrap_or_default();
        let (Some(person_id), Some(right), Some(amount), Some(from)) = (
            r.match_person_id,
            f.get("right").cloned(),
            f.get("amount").and_then(|a| a.parse::<i64>().ok()),
            date(&f, "valid_from"),
        ) else {
            continue;
        };
        let number = f.get("number").cloned().unwrap_or_default();
        ids.push(r.id);
        list.push(Migrated {
            person_id,
            right,
            amount,
            from,
            to: date(&f, "valid_to"),
            decided_on: date(&f, "decided_on").unwrap_or(from),
            payee_name: f.get("payee_name").cloned(),
            payee_iban: f.get("payee_iban").cloned(),
            source: source(b, r.row_no),
            inputs: serde_json::json!({"import": b.id, "file": b.file_name, "row": r.row_no, "number": number}),
            number,
        });
    }
    let made = migrated::write(tx, actor, b.centre_id, &list).await?;
    let done: Vec<(i64, Option<i64>)> = ids
        .into_iter()
        .zip(made)
        .filter_map(|(row, d)| d.map(|d| (row, Some(d))))
        .collect();
    mark(tx, actor, &done).await?;
    Ok(())
}

/// Open case files: each row becomes a file of its person, type and worker, with the old
/// number when the register gave one (`skrb_cases::migrated`).
async fn cases(tx: &mut Tx, actor: &Actor, b: &Batch, rows: Vec<Pending>) -> AppResult<()> {
    use skrb_cases::migrated::{self, Migrated};
    let today = actor.today();
    let mut types: HashMap<i64, Option<skrb_cases::catalogue::CaseType>> = HashMap::new();
    let mut ids = Vec::with_capacity(rows.len());
    let mut list = Vec::with_capacity(rows.len());
    for r in rows {
        let f: BTreeMap<String, String> = serde_json::from_str(&r.fields).unwrap_or_default();
        let (Some(person_id), Some(type_id), Some(worker_id)) = (
            r.match_person_id,
            r.group_key.as_deref().and_then(|g| g.parse::<i64>().ok()),
            f.get("worker_id").and_then(|w| w.parse::<i64>().ok()),
        ) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(e) = types.entry(type_id) {
            e.insert(skrb_cases::catalogue::get(tx, type_id).await?);
        }
        let Some(Some(ty)) = types.get(&type_id) else {
            continue;
        };
        ids.push(r.id);
        list.push(Migrated {
            person_id,
            type_id,
            class_code: ty.class_code.clone(),
            worker_id,
            opened_on: f
                .get("opened_on")
                .and_then(|d| skrb_domain::import::date(d))
                .unwrap_or(today),
            number: f.get("file_number").cloned(),
            summary: f.get("summary").cloned(),
            restricted: ty.opens_restricted,
            source: source(b, r.row_no),
        });
    }
    let made = migrated::write(tx, actor, b.centre_id, &list).await?;
    let done: Vec<(i64, Option<i64>)> = ids
        .into_iter()
        .zip(made)
        .map(|(r, c)| (r, Some(c)))
        .collect();
    mark(tx, actor, &done).await?;
    Ok(())
}

/// Foster carers and their children: a carer the register lacks is written from the
/// first of its rows, each row's child is placed with it and paid from this month on
/// (`skrb_placements::migrated`). A row becomes its placement, or the carer when it
/// names no child.
async fn carers(tx: &mut Tx, actor: &Actor, b: &Batch, rows: Vec<Pending>) -> AppResult<()> {
    use skrb_domain::placements::PermitKind;
    use skrb_placements::migrated::{self, MigratedCarer, MigratedPlacement};
    let j = skrb_kit::centre::jurisdiction_of(tx, Some(b.centre_id)).await?;
    let date =
        |f: &BTreeMap<String, String>, k: &str| f.get(k).and_then(|d| skrb_domain::import::date(d));
    let mut done: Vec<(i64, Option<i64>)> = Vec::with_capacity(rows.len());
    let placed_twice = serde_json::to_string(&[crate::check::Problem::new(
        "child_emso",
        "placements-err-already-placed",
    )])
    .map_err(|e| AppError::Internal(e.into()))?;
    for r in rows {
        let f: BTreeMap<String, String> = serde_json::from_str(&r.fields).unwrap_or_default();
        let (Some(person_id), Some(permit_on)) = (r.match_person_id, date(&f, "permit_on")) else {
            continue;
        };
        let child: Option<i64> = match f.get("child_emso") {
            Some(e) => sql!(tx, c => sqlx::query_scalar(
                "SELECT MIN(id) FROM person WHERE emso = $1 AND centre_id = $2")
                .bind(e).bind(b.centre_id).fetch_one(c).await?),
            None => None,
        };
        if let Some(child) = child {
            // Placed since the check (or by an earlier row of this file): refused, as
            // the placement form would refuse a child placed twice.
            let open: i64 = sql!(tx, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM placement WHERE person_id = $1 AND end_on IS NULL")
                .bind(child).fetch_one(c).await?);
            if open > 0 {
                sql!(tx, c => sqlx::query("UPDATE import_row SET status = 'invalid', problems = $1 WHERE id = $2")
                    .bind(&placed_twice).bind(r.id).execute(c).await?.rows_affected());
                continue;
            }
        }
        let why = source(b, r.row_no);
        let known: Option<i64> = sql!(tx, c => sqlx::query_scalar(
            "SELECT id FROM foster_carer WHERE jurisdiction = $1 AND person_id = $2")
            .bind(&j).bind(person_id).fetch_optional(c).await?);
        let carer = match known {
            Some(c) => c,
            None => {
                let c = MigratedCarer {
                    person_id,
                    permit_kind: f
                        .get("permit_kind")
                        .and_then(|k| PermitKind::from_code(k))
                        .unwrap_or(PermitKind::Regular),
                    permit_number: f.get("permit_number").cloned(),
                    permit_on,
                    permit_until: date(&f, "permit_until"),
                    max_children: f
                        .get("max_children")
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(1),
                    iban: f.get("iban").cloned(),
                    source: why.clone(),
                };
                migrated::carer(tx, actor, b.centre_id, &c).await?
            }
        };
        let target = match (child, date(&f, "start_on"), f.get("order_number")) {
            (Some(child_id), Some(start_on), Some(order)) => {
                let p = MigratedPlacement {
                    child_id,
                    kind: f
                        .get("placement_kind")
                        .cloned()
                        .unwrap_or_else(|| "full".into()),
                    order_number: order.clone(),
                    start_on,
                    court: f.get("court").cloned(),
                    source: why,
                };
                migrated::placement(tx, actor, b.centre_id, carer, &p).await?
            }
            _ => carer,
        };
        done.push((r.id, Some(target)));
    }
    mark(tx, actor, &done).await?;
    Ok(())
}
