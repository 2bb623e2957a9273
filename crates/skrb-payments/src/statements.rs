//! Bank statements: `camt.053` / `camt.054` (or CSV) settle the lines they book and
//! return the ones the bank sent back (closed account, wrong IBAN) onto the work list,
//! from where the next run pays them again. A statement is imported once; references
//! that match nothing of ours are reported and change nothing.

use skrb_domain::payments::states::{LineStatus, LineStep, RunStatus};
use skrb_kit::audit::Action;
use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};
use skrb_domain::payments::camt::{self, Outcome};
use time::Date;

use super::{line_of, runs};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::bulk;
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = StatementProblem)]
pub struct Problem {
    pub reference: String,
    /// unknown (no payment of ours), not_sent (not in an exported run), amount (differs),
    /// done (already settled or returned this way)
    pub problem: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub statement_id: i64,
    pub kind: String,
    pub msg_id: String,
    pub items: usize,
    pub settled: usize,
    pub returned: usize,
    pub problems: Vec<Problem>,
}

#[derive(sqlx::FromRow)]
struct Known {
    id: i64,
    run_id: i64,
    centre_id: i64,
    amount: i64,
    #[sqlx(try_from = "String")]
    status: LineStatus,
    account_id: Option<i64>,
    #[sqlx(try_from = "String")]
    run_status: RunStatus,
}

/// A statement that cannot be taken is the upload's input error.
fn bad(msg: Msg) -> AppError {
    AppError::Validation(vec![skrb_kit::error::FieldError { field: "file", msg }])
}

/// Reads and applies a statement (XML or CSV, told apart by its first character).
pub async fn import(db: &Db, actor: &Actor, bytes: &[u8], today: Date) -> AppResult<Imported> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| bad(Msg::new("payments-err-statement").arg("why", "UTF-8")))?
        .trim_start_matches('\u{feff}');
    let mut st = if text.trim_start().starts_with('<') {
        camt::parse_xml(text)
    } else {
        camt::parse_csv(text)
    }
    .map_err(|e| match e {
        camt::Error::NotAStatement(why) => bad(Msg::new("payments-err-statement").arg("why", why)),
        camt::Error::Line(n, why) => bad(Msg::new("payments-err-statement-line")
            .num("line", n as i64)
            .arg("why", why)),
    })?;
    if st.id.is_empty() {
        st.id = format!(
            "{}-{}",
            st.kind,
            &skrb_kit::audit::chain::hex(&Sha256::digest(bytes))[..24]
        );
    }
    if st.items.is_empty() {
        return Err(bad(Msg::new("payments-err-statement-empty")));
    }
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin().await?;
    let seen: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM bank_statement WHERE msg_id = $1")
        .bind(&st.id).fetch_one(c).await?);
    if seen > 0 {
        return Err(bad(
            Msg::new("payments-err-statement-seen").arg("id", st.id.clone())
        ));
    }
    let ids: Vec<i64> = st
        .items
        .iter()
        .filter_map(|i| line_of(&i.end_to_end))
        .collect();
    let mut known: HashMap<i64, Known> = HashMap::new();
    for list in bulk::id_lists(&ids, 1000) {
        let q = format!(
            "SELECT l.id, l.run_id, l.centre_id, l.amount, l.status, l.account_id, r.status AS run_status \
             FROM payment_line l JOIN payment_run r ON r.id = l.run_id WHERE l.id IN ({list})"
        );
        let rows: Vec<Known> = sql!(&mut tx, c => sqlx::query_as(&q).fetch_all(c).await?);
        known.extend(rows.into_iter().map(|k| (k.id, k)));
    }
    let mut out = Imported {
        kind: st.kind.clone(),
        msg_id: st.id.clone(),
        items: st.items.len(),
        ..Imported::default()
    };
    let mut settle: Vec<(i64, Option<Date>)> = Vec::new();
    let mut back: Vec<(i64, String, Option<Date>)> = Vec::new();
    let mut touched = BTreeSet::new();
    for it in &st.items {
        let problem = |p: &str| Problem {
            reference: it.end_to_end.clone(),
            problem: p.into(),
        };
        let Some(k) = line_of(&it.end_to_end).and_then(|id| known.get(&id)) else {
            out.problems.push(problem("unknown"));
            continue;
        };
        if centre.is_some_and(|c| c != k.centre_id) {
            out.problems.push(problem("unknown"));
            continue;
        }
        if k.account_id.is_none() || k.run_status.before_export() {
            out.problems.push(problem("not_sent"));
            continue;
        }
        if it.amount.is_some_and(|a| a != k.amount) {
            out.problems.push(problem("amount"));
            continue;
        }
        match &it.outcome {
            Outcome::Settled if k.status.after(LineStep::Settle).is_ok() => {
                settle.push((k.id, it.booked))
            }
            Outcome::Returned { code, info } if k.status.after(LineStep::Return).is_ok() => {
                let why = if info.is_empty() {
                    code.clone()
                } else {
                    format!("{code} {info}")
                };
                back.push((k.id, why.trim().chars().take(200).collect(), it.booked));
            }
            _ => {
                out.problems.push(problem("done"));
                continue;
            }
        }
        touched.insert(k.run_id);
    }
    let problems =
        serde_json::to_string(&out.problems).map_err(|e| AppError::Internal(e.into()))?;
    let sid: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO bank_statement (msg_id, kind, items, settled, returned, problems, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(&st.id).bind(&st.kind).bind(st.items.len() as i64).bind(settle.len() as i64).bind(back.len() as i64)
        .bind(&problems).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    // Settled lines in sets, by booking day.
    let mut by_day: HashMap<Date, Vec<i64>> = HashMap::new();
    for (id, day) in &settle {
        by_day.entry(day.unwrap_or(today)).or_default().push(*id);
    }
    for (day, ids) in by_day {
        for list in bulk::id_lists(&ids, 1000) {
            let q = format!(
                "UPDATE payment_line SET status = 'settled', settled_on = $1, statement_id = $2 WHERE id IN ({list}) AND status = 'open'"
            );
            sql!(&mut tx, c => sqlx::query(&q).bind(day).bind(sid).execute(c).await?.rows_affected());
        }
    }
    for (id, why, day) in &back {
        sql!(&mut tx, c => sqlx::query(
            "UPDATE payment_line SET status = 'returned', reason = $1, settled_on = $2, statement_id = $3 WHERE id = $4")
            .bind(why).bind(day.unwrap_or(today)).bind(sid).bind(id).execute(c).await?.rows_affected());
    }
    out.settled = settle.len();
    out.returned = back.len();
    out.statement_id = sid;
    for run in touched {
        runs::settle_if_done(&mut tx, run).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Import, "bank_statement", sid).detail(serde_json::json!({
            "msg_id": st.id, "kind": st.kind, "items": out.items, "settled": out.settled,
            "returned": out.returned, "problems": out.problems.len()
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}
