//! Decisions an old system made, brought in with an old register: each becomes an
//! issued decision with its own number, date and frozen amount (no calculation: the old
//! decision is the procedure) and the active entitlement the next payment run pays, with
//! the right's funders' split. Written in sets, with ids assigned under a table lock on
//! PostgreSQL, and an audit record per decision.

use std::collections::HashMap;

use skrb_domain::rights::Minor;
use skrb_kit::audit::{self, Action, Actor};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::Tx;
use skrb_kit::error::AppResult;
use time::Date;

use super::funding_text;
use crate::catalogue::{self, RightType};

/// One decision of the old system.
#[derive(Debug, Clone)]
pub struct Migrated {
    pub person_id: i64,
    /// The catalogue's code of the right.
    pub right: String,
    pub amount: Minor,
    pub from: Date,
    pub to: Option<Date>,
    /// The old decision's number and day.
    pub number: String,
    pub decided_on: Date,
    pub payee_name: Option<String>,
    pub payee_iban: Option<String>,
    /// Where it came from (file and row), kept in the reasoning and the audit record.
    pub source: String,
    /// What the decision's `inputs` keep of its source (JSON).
    pub inputs: serde_json::Value,
}

const DECISIONS: &[&str] = &[
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

const ENTITLEMENTS: &[&str] = &[
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

/// Writes the decisions and their entitlements in the caller's transaction. Returns
/// each row's decision (none for a right the catalogue does not have).
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    centre_id: i64,
    rows: &[Migrated],
) -> AppResult<Vec<Option<i64>>> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("LOCK TABLE decision, entitlement IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let mut next_decision = bulk::next_id(tx, "decision").await?;
    let mut next_entitlement = bulk::next_id(tx, "entitlement").await?;
    let signatory = crate::user_name(tx, actor.user_id).await?;
    let mut rights: HashMap<String, Option<RightType>> = HashMap::new();
    let mut decisions: Vec<Vec<Cell>> = Vec::new();
    let mut ents: Vec<Vec<Cell>> = Vec::new();
    let mut audits: Vec<Vec<Cell>> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        if !rights.contains_key(&m.right) {
            let rt = catalogue::by_code(tx, &m.right).await?;
            rights.insert(m.right.clone(), rt);
        }
        let Some(Some(rt)) = rights.get(&m.right) else {
            out.push(None);
            continue;
        };
        let (did, eid) = (next_decision, next_entitlement);
        next_decision += 1;
        next_entitlement += 1;
        decisions.push(vec![
            did.into(),
            centre_id.into(),
            eid.into(),
            m.person_id.into(),
            rt.id.into(),
            "first".into(),
            "granted".into(),
            m.amount.into(),
            rt.currency.clone().into(),
            m.from.into(),
            m.to.into(),
            format!(
                "Migrated decision {} of {} ({})",
                m.number, m.decided_on, m.source
            )
            .into(),
            serde_json::json!({ "migrated": m.inputs })
                .to_string()
                .into(),
            "issued".into(),
            m.number.clone().into(),
            m.decided_on.into(),
            actor.user_id.into(),
            signatory.clone().into(),
            actor.now.into(),
        ]);
        ents.push(vec![
            eid.into(),
            centre_id.into(),
            did.into(),
            m.person_id.into(),
            rt.id.into(),
            m.amount.into(),
            rt.currency.clone().into(),
            m.from.into(),
            m.to.into(),
            "active".into(),
            funding_text(m.amount, rt).into(),
            "{}".into(),
            m.payee_name.clone().into(),
            m.payee_iban.clone().into(),
        ]);
        audits.push(audit::bulk_row(
            actor,
            Action::Import,
            "decision",
            did,
            Some(m.person_id),
            None,
            Some(m.source.clone()),
        ));
        out.push(Some(did));
    }
    bulk::insert(tx, "decision", DECISIONS, &decisions).await?;
    bulk::insert(tx, "entitlement", ENTITLEMENTS, &ents).await?;
    bulk::insert(tx, "audit_log", &audit::BULK_COLUMNS, &audits).await?;
    for t in ["decision", "entitlement"] {
        bulk::sync_identity(tx, t).await?;
    }
    Ok(out)
}
