//! The commit: the rows that may go in are written a set at a time, each set in one
//! transaction with its audit records and the mark on each row of what it became. A
//! commit killed at any point loses at most the set under way, which is rolled back
//! whole; the next commit takes the rows still unmarked, so nothing goes in twice and
//! nothing is left out. Two commits of one import queue on the import's row lock.

use std::collections::{BTreeMap, HashMap};

use skrb_domain::import::{BatchStatus, Choice, Kind, RowStatus};
use skrb_domain::names;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;
use skrb_registry::input::{PersonData, PersonForm};

use crate::batches::{self, Batch, Counts, TO_IMPORT};

/// Rows written per transaction.
pub const SET: i64 = 2_000;

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
/// to go in). Undecided duplicates wait; the import is committed when none is left.
pub async fn commit(db: &Db, actor: &Actor, id: i64, progress: Progress<'_>) -> AppResult<Counts> {
    let (b, c) = batches::get(db, actor, id).await?;
    if b.status != BatchStatus::Validated {
        return Err(AppError::Refused(Msg::new("import-err-not-open")));
    }
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
        let q = format!(
            "SELECT r.id, r.row_no, r.status, r.fields, r.group_key, r.match_person_id, r.match_row, r.choice \
             FROM import_row r WHERE r.batch_id = $1 AND r.row_no > $2 AND r.target_id IS NULL AND r.imported_at IS NULL \
             AND {TO_IMPORT} ORDER BY r.row_no LIMIT $3"
        );
        let rows: Vec<Pending> = sql!(&mut tx, c => sqlx::query_as(&q).bind(id).bind(after).bind(SET).fetch_all(c).await?);
        let Some(last) = rows.last().map(|r| r.row_no) else {
            finish(&mut tx, actor, &b).await?;
            tx.commit().await?;
            break;
        };
        after = last;
        let n = rows.len() as i64;
        match b.kind {
            Kind::Persons => persons(&mut tx, actor, &b, rows).await?,
            Kind::Entitlements => rights(&mut tx, actor, &b, rows).await?,
        }
        tx.commit().await?;
        done += n;
        progress(done, total);
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

const AUDIT_COLUMNS: &[&str] = &[
    "at",
    "user_id",
    "username",
    "ip",
    "request_id",
    "action",
    "entity",
    "entity_id",
    "person_id",
    "changes",
    "reason",
];

fn audit_row(
    actor: &Actor,
    action: &str,
    entity: &str,
    id: i64,
    person: i64,
    changes: Option<String>,
    reason: String,
) -> Vec<Cell> {
    vec![
        audit::chain::now().into(),
        actor.user_id.into(),
        actor.username.clone().into(),
        actor.ip.clone().into(),
        actor.request_id.clone().into(),
        action.to_string().into(),
        entity.to_string().into(),
        id.into(),
        person.into(),
        changes.into(),
        reason.into(),
    ]
}

fn source(b: &Batch, row: i64) -> String {
    format!("{} #{}, {}: {}", "import", b.id, b.file_name, row)
}

/// Marks each row with what it became, in one statement.
async fn mark(tx: &mut Tx, actor: &Actor, done: &[(i64, Option<i64>)]) -> Result<(), sqlx::Error> {
    if done.is_empty() {
        return Ok(());
    }
    // Ids only (numbers the job made), never user input, are written into the statement.
    let values: Vec<String> = done
        .iter()
        .map(|(r, t)| format!("({r}, {})", t.map_or("NULL".to_string(), |t| t.to_string())))
        .collect();
    let q = pg_typed(tx, &values);
    sql!(tx, c => sqlx::query(&q).bind(actor.now).execute(c).await?.rows_affected());
    Ok(())
}

fn pg_typed(tx: &Tx, values: &[String]) -> String {
    // PostgreSQL types a VALUES list by its first row: a first NULL would make it text.
    let first = if matches!(tx, Tx::Postgres(_)) {
        values
            .first()
            .map(|v| {
                let inner = v.trim_start_matches('(').trim_end_matches(')');
                let (r, t) = inner.split_once(", ").unwrap_or((inner, "NULL"));
                format!("(CAST({r} AS BIGINT), CAST({t} AS BIGINT))")
            })
            .unwrap_or_default()
    } else {
        values.first().cloned().unwrap_or_default()
    };
    let rest: Vec<&str> = values.iter().skip(1).map(String::as_str).collect();
    let list = std::iter::once(first.as_str())
        .chain(rest)
        .collect::<Vec<_>>()
        .join(", ");
    format!("WITH v(r, t) AS (VALUES {list}) UPDATE import_row SET target_id = v.t, imported_at = $1 FROM v WHERE import_row.id = v.r")
}

const PERSON_COLUMNS: &[&str] = &[
    "id",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "emso",
    "identity_override_reason",
    "citizenship",
    "address",
    "postal_code",
    "place",
    "municipality_id",
    "phone",
    "email",
    "iban",
    "notes",
    "name_key",
    "version",
    "created_at",
    "updated_at",
    "centre_id",
];

fn empty_person() -> PersonData {
    PersonData {
        given_name: String::new(),
        family_name: String::new(),
        birth_date: None,
        sex: None,
        emso: None,
        citizenship: None,
        address: None,
        postal_code: None,
        place: None,
        municipality_id: None,
        phone: None,
        email: None,
        iban: None,
        notes: None,
    }
}

fn form_of(fields: &BTreeMap<String, String>) -> PersonForm {
    let g = |k: &str| fields.get(k).cloned().unwrap_or_default();
    PersonForm {
        given_name: g("given_name"),
        family_name: g("family_name"),
        birth_date: g("birth_date"),
        sex: g("sex"),
        emso: g("emso"),
        citizenship: g("citizenship"),
        address: g("address"),
        postal_code: g("postal_code"),
        place: g("place"),
        municipality_id: g("municipality_id"),
        phone: g("phone"),
        email: g("email"),
        iban: g("iban"),
        notes: g("notes"),
        override_reason: String::new(),
        version: None,
    }
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
    let known: Vec<(String, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT r.group_key, MIN(hm.household_id) FROM import_row r JOIN household_member hm ON hm.person_id = r.target_id \
         WHERE r.batch_id = $1 AND r.target_id IS NOT NULL AND r.group_key IN \
           (SELECT g.group_key FROM import_row g WHERE g.batch_id = $1 AND g.row_no >= $2 AND g.row_no <= $3 AND g.group_key IS NOT NULL) \
         GROUP BY r.group_key")
        .bind(b.id).bind(lo).bind(hi).fetch_all(c).await?);
    let mut households: HashMap<String, i64> = known.into_iter().collect();
    let mut in_set: HashMap<i64, i64> = HashMap::new();
    let (mut people, mut tokens, mut homes, mut members, mut audits) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut done: Vec<(i64, Option<i64>)> = Vec::with_capacity(rows.len());
    let empty = empty_person();
    for r in rows {
        let fields: BTreeMap<String, String> = serde_json::from_str(&r.fields).unwrap_or_default();
        let Ok(d) = form_of(&fields).parse(today) else {
            // Checked on another day (a date then in the future): leave it for a new check.
            continue;
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
            // What the registered person lacks, the row fills; nothing they have changes.
            sql!(tx, c => sqlx::query(
                "UPDATE person SET phone = COALESCE(phone, $1), email = COALESCE(email, $2), iban = COALESCE(iban, $3), \
                 address = COALESCE(address, $4), postal_code = COALESCE(postal_code, $5), place = COALESCE(place, $6), \
                 municipality_id = COALESCE(municipality_id, $7), emso = COALESCE(emso, $8), birth_date = COALESCE(birth_date, $9), \
                 version = version + 1, updated_at = $10 WHERE id = $11")
                .bind(&d.phone).bind(&d.email).bind(&d.iban).bind(&d.address).bind(&d.postal_code).bind(&d.place)
                .bind(d.municipality_id).bind(&d.emso).bind(d.birth_date).bind(now).bind(p)
                .execute(c).await?.rows_affected());
            audits.push(audit_row(
                actor,
                Action::Update.code(),
                "person",
                p,
                p,
                None,
                format!("merged: {why}"),
            ));
            p
        } else {
            let id = next_person;
            next_person += 1;
            let reason = match (RowStatus::from_code(&r.status), choice) {
                (Some(RowStatus::Warned), _) => Some(format!("{why} (warnings)")),
                (_, Some(Choice::New)) => Some(format!("{why} (not a duplicate: reviewed)")),
                _ => None,
            };
            let mut ts = names::tokens(&format!("{} {}", d.given_name, d.family_name));
            ts.dedup();
            for t in ts {
                tokens.push(vec![t.into(), id.into(), b.centre_id.into()]);
            }
            let changes = serde_json::to_string(&empty.diff(&d)).ok();
            audits.push(audit_row(
                actor,
                Action::Import.code(),
                "person",
                id,
                id,
                changes,
                why.clone(),
            ));
            people.push(vec![
                id.into(),
                d.given_name.clone().into(),
                d.family_name.clone().into(),
                d.birth_date.into(),
                d.sex.map(|s| s.code()).into(),
                d.emso.clone().into(),
                reason.into(),
                d.citizenship.clone().into(),
                d.address.clone().into(),
                d.postal_code.clone().into(),
                d.place.clone().into(),
                d.municipality_id.into(),
                d.phone.clone().into(),
                d.email.clone().into(),
                d.iban.clone().into(),
                d.notes.clone().into(),
                skrb_registry::persons::name_key(&d).into(),
                1i64.into(),
                now.into(),
                now.into(),
                b.centre_id.into(),
            ]);
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
    bulk::insert(tx, "person", PERSON_COLUMNS, &people).await?;
    bulk::insert(
        tx,
        "person_token",
        &["token", "person_id", "centre_id"],
        &tokens,
    )
    .await?;
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
    bulk::insert(tx, "audit_log", AUDIT_COLUMNS, &audits).await?;
    for t in ["person", "household", "household_member"] {
        bulk::sync_identity(tx, t).await?;
    }
    mark(tx, actor, &done).await?;
    Ok(())
}

const DECISION_COLUMNS: &[&str] = &[
    "id",
    "centre_id",
    "entitlement_id",
    "person_id",
    "right_id",
    "kind",
    "outcome",
    "amount",
    "currency",
    "period_from",
    "period_to",
    "reasoning",
    "inputs",
    "status",
    "number",
    "decided_on",
    "decided_by",
    "signatory",
    "created_at",
];

const ENTITLEMENT_COLUMNS: &[&str] = &[
    "id",
    "centre_id",
    "decision_id",
    "person_id",
    "right_id",
    "amount",
    "currency",
    "valid_from",
    "valid_to",
    "status",
    "funding",
    "input",
    "payee_name",
    "payee_iban",
];

/// Migrated decisions: each row becomes an issued decision with its frozen amount and
/// the old number, and the active entitlement the next payment run pays.
async fn rights(tx: &mut Tx, actor: &Actor, b: &Batch, rows: Vec<Pending>) -> AppResult<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("LOCK TABLE decision, entitlement IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let mut next_decision = bulk::next_id(tx, "decision").await?;
    let mut next_entitlement = bulk::next_id(tx, "entitlement").await?;
    let signatory = skrb_rights::user_name(tx, actor.user_id).await?;
    let mut catalogue: HashMap<String, skrb_rights::catalogue::RightType> = HashMap::new();
    let (mut decisions, mut ents, mut audits) = (Vec::new(), Vec::new(), Vec::new());
    let mut done = Vec::with_capacity(rows.len());
    for r in rows {
        let f: BTreeMap<String, String> = serde_json::from_str(&r.fields).unwrap_or_default();
        let g = |k: &str| f.get(k).cloned();
        let (Some(person), Some(code), Some(amount), Some(from)) = (
            r.match_person_id,
            g("right"),
            g("amount").and_then(|a| a.parse::<i64>().ok()),
            g("valid_from").and_then(|d| skrb_domain::import::date(&d)),
        ) else {
            continue;
        };
        if !catalogue.contains_key(&code) {
            match skrb_rights::catalogue::by_code(tx, &code).await? {
                Some(rt) => {
                    catalogue.insert(code.clone(), rt);
                }
                None => continue,
            }
        }
        let Some(rt) = catalogue.get(&code) else {
            continue;
        };
        let to = g("valid_to").and_then(|d| skrb_domain::import::date(&d));
        let decided = g("decided_on")
            .and_then(|d| skrb_domain::import::date(&d))
            .unwrap_or(from);
        let number = g("number").unwrap_or_default();
        let why = source(b, r.row_no);
        let (did, eid) = (next_decision, next_entitlement);
        next_decision += 1;
        next_entitlement += 1;
        let inputs = serde_json::json!({"migrated": {"import": b.id, "file": b.file_name, "row": r.row_no, "number": number}}).to_string();
        decisions.push(vec![
            did.into(),
            b.centre_id.into(),
            eid.into(),
            person.into(),
            rt.id.into(),
            "first".into(),
            "granted".into(),
            amount.into(),
            rt.currency.clone().into(),
            from.into(),
            to.into(),
            format!("Migrated decision {number} of {decided} ({why})").into(),
            inputs.into(),
            "issued".into(),
            number.into(),
            decided.into(),
            actor.user_id.into(),
            signatory.clone().into(),
            actor.now.into(),
        ]);
        ents.push(vec![
            eid.into(),
            b.centre_id.into(),
            did.into(),
            person.into(),
            rt.id.into(),
            amount.into(),
            rt.currency.clone().into(),
            from.into(),
            to.into(),
            "active".into(),
            skrb_rights::decisions::funding_text(amount, rt).into(),
            "{}".into(),
            g("payee_name").into(),
            g("payee_iban").into(),
        ]);
        audits.push(audit_row(
            actor,
            Action::Import.code(),
            "decision",
            did,
            person,
            None,
            why,
        ));
        done.push((r.id, Some(did)));
    }
    bulk::insert(tx, "decision", DECISION_COLUMNS, &decisions).await?;
    bulk::insert(tx, "entitlement", ENTITLEMENT_COLUMNS, &ents).await?;
    bulk::insert(tx, "audit_log", AUDIT_COLUMNS, &audits).await?;
    for t in ["decision", "entitlement"] {
        bulk::sync_identity(tx, t).await?;
    }
    mark(tx, actor, &done).await?;
    Ok(())
}
