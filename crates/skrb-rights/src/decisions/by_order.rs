//! Payments that follow from an order rather than an application: a foster placement's
//! payment (the court's order or the centre's decision, and the foster contract) and the
//! public parts of an institution's price. The placement is the procedure; this writes
//! the decision that freezes the calculation and the entitlement the payment run pays,
//! to the payee the placement names (the foster carer, the institution).

use skrb_domain::rights::{Household, Minor, Params};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Tx;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

use super::{centre_locale, centre_name, issue, person_snapshot, Frozen, FrozenRight};
use crate::catalogue;

/// Who is paid instead of the person placed.
#[derive(Debug, Clone)]
pub struct Payee {
    pub name: String,
    pub iban: Option<String>,
    pub address: Option<String>,
}

/// What an order grants: a right's monthly payment for a person from a day.
#[derive(Debug, Clone)]
pub struct Order<'a> {
    pub centre_id: i64,
    pub person_id: i64,
    /// The right's code (`foster_payment`, `rs_foster_payment`, `si_institution`, ...).
    pub right: &'a str,
    /// The calculator's input (a foster child); ignored by a right without a calculator.
    pub household: Household,
    /// The amount of a right without a calculator (an institution's part).
    pub amount: Option<Minor>,
    pub from: Date,
    pub to: Option<Date>,
    /// The order's or contract's number, the decision's number.
    pub number: &'a str,
    pub reasoning: String,
    /// The placement the payment follows (none for a committee's one-off aid).
    pub placement_id: Option<i64>,
    pub payee: Payee,
}

/// The decision written and the entitlement it created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub decision_id: i64,
    pub entitlement_id: i64,
    pub amount: Minor,
}

/// Calculates (with the parameters valid on the first day), decides and issues the
/// payment in the caller's transaction, and points the entitlement at the placement and
/// its payee.
pub async fn grant(tx: &mut Tx, actor: &Actor, o: &Order<'_>, today: Date) -> AppResult<Granted> {
    let rt = catalogue::by_code(tx, o.right)
        .await?
        .ok_or(AppError::NotFound)?;
    let (calc, params) = if rt.calc() != skrb_domain::rights::Calculator::None {
        let (c, p) = catalogue::run(tx, &rt, &o.household, o.from).await?;
        (Some(c), p)
    } else {
        (None, Params::default())
    };
    let amount = calc.as_ref().map(|c| c.amount).or(o.amount).unwrap_or(0);
    if amount <= 0 {
        return Err(AppError::Refused(Msg::new("rights-err-amount-zero")));
    }
    let (centre, jurisdiction) = centre_name(tx, o.centre_id).await?;
    let l = centre_locale(&jurisdiction);
    let frozen = Frozen {
        household: o.household.clone(),
        params,
        calculation: calc,
        person: person_snapshot(tx, PersonId(o.person_id)).await?,
        right: FrozenRight {
            code: rt.code.clone(),
            name: rt.name_in(l),
            legal_basis: rt.legal_basis.clone(),
        },
        centre,
        locale: l.code().to_string(),
    };
    let inputs = serde_json::to_string(&frozen).map_err(|e| AppError::Internal(e.into()))?;
    let signatory = crate::user_name(tx, actor.user_id).await?;
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO decision (centre_id, application_id, person_id, right_id, kind, outcome, amount, currency, period_from, \
         period_to, reasoning, inputs, status, number, decided_on, decided_by, signatory, created_at) \
         VALUES ($1, NULL, $2, $3, 'first', 'granted', $4, $5, $6, $7, $8, $9, 'awaiting_approval', $10, $11, $12, $13, $14) RETURNING id")
        .bind(o.centre_id).bind(o.person_id).bind(rt.id).bind(amount).bind(&rt.currency).bind(o.from).bind(o.to)
        .bind(&o.reasoning).bind(&inputs).bind(o.number).bind(today).bind(actor.user_id).bind(&signatory).bind(actor.now)
        .fetch_one(c).await?);
    issue(tx, id).await?;
    let ent: i64 = sql!(tx, c => sqlx::query_scalar("SELECT entitlement_id FROM decision WHERE id = $1")
        .bind(id).fetch_one(c).await?);
    sql!(tx, c => sqlx::query(
        "UPDATE entitlement SET placement_id = $1, payee_name = $2, payee_iban = $3, payee_address = $4 WHERE id = $5")
        .bind(o.placement_id).bind(&o.payee.name).bind(&o.payee.iban).bind(&o.payee.address).bind(ent)
        .execute(c).await?.rows_affected());
    audit::record(
        tx,
        actor,
        Event::new(Action::Create, "decision", id)
            .person(o.person_id)
            .detail(serde_json::json!({
                "placement": o.placement_id, "right": o.right, "amount": amount,
                "from": o.from.to_string(), "to": o.to.map(|d| d.to_string()), "entitlement": ent
            })),
    )
    .await?;
    Ok(Granted {
        decision_id: id,
        entitlement_id: ent,
        amount,
    })
}

/// Ends a placement's payments on its last day (what starts after it is not paid at
/// all). Returns how many entitlements were ended.
pub async fn end(tx: &mut Tx, placement_id: i64, last_day: Date, reason: &str) -> AppResult<u64> {
    Ok(sql!(tx, c => sqlx::query(
        "UPDATE entitlement SET status = 'ended', valid_to = CASE WHEN valid_from > $1 THEN valid_from ELSE $1 END, \
         amount = CASE WHEN valid_from > $1 THEN 0 ELSE amount END, end_reason = $2, version = version + 1 \
         WHERE placement_id = $3 AND status <> 'ended' AND (valid_to IS NULL OR valid_to > $1)")
        .bind(last_day).bind(reason).bind(placement_id).execute(c).await?.rows_affected()))
}

/// The placement's payments now: entitlement, right, amount, from, to.
pub async fn of_placement(
    tx: &mut Tx,
    placement_id: i64,
) -> AppResult<Vec<(i64, String, Minor, String, Date, Option<Date>)>> {
    Ok(sql!(tx, c => sqlx::query_as(
        "SELECT e.id, r.code, e.amount, e.currency, e.valid_from, e.valid_to FROM entitlement e JOIN right_type r ON r.id = e.right_id \
         WHERE e.placement_id = $1 ORDER BY e.valid_from, e.id")
        .bind(placement_id).fetch_all(c).await?))
}

/// Payments that a list grants at once (a programme's cash part): one decision and one
/// entitlement per person, paid once by the month's run, to the person.
#[derive(Debug, Clone)]
pub struct Many<'a> {
    pub centre_id: i64,
    /// The right's code (`si_programme_cash`, `rs_programme_cash`, ...): its funder
    /// chooses the account the run pays from.
    pub right: &'a str,
    pub from: Date,
    pub to: Date,
    /// The list's number; each decision is numbered `<number>/<person>`.
    pub number: &'a str,
    pub reasoning: &'a str,
    /// Person and amount.
    pub rows: &'a [(i64, Minor)],
}

/// Writes the decisions in sets and their entitlements with one statement each, in the
/// caller's transaction (a list of thousands is not decided row by row). The decisions
/// are issued as the list's: the list's approval is their document. Returns each
/// person's entitlement.
pub async fn grant_many(
    tx: &mut Tx,
    actor: &Actor,
    m: &Many<'_>,
    today: Date,
) -> AppResult<Vec<(i64, i64)>> {
    if m.rows.is_empty() {
        return Ok(Vec::new());
    }
    if m.rows.iter().any(|r| r.1 <= 0) {
        return Err(AppError::Refused(Msg::new("rights-err-amount-zero")));
    }
    let rt = catalogue::by_code(tx, m.right)
        .await?
        .ok_or(AppError::NotFound)?;
    let signatory = crate::user_name(tx, actor.user_id).await?;
    let inputs = serde_json::json!({ "list": m.number }).to_string();
    let cols = [
        "centre_id",
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
    let rows: Vec<Vec<skrb_kit::bulk::Value<'_>>> = m
        .rows
        .iter()
        .map(|(person, amount)| {
            vec![
                m.centre_id.into(),
                (*person).into(),
                rt.id.into(),
                "first".into(),
                "granted".into(),
                (*amount).into(),
                rt.currency.as_str().into(),
                m.from.into(),
                m.to.into(),
                m.reasoning.into(),
                inputs.as_str().into(),
                "issued".into(),
                format!("{}/{person}", m.number).into(),
                today.into(),
                actor.user_id.into(),
                signatory.as_str().into(),
                actor.now.into(),
            ]
        })
        .collect();
    skrb_kit::bulk::insert(tx, "decision", &cols, &rows).await?;
    let like = format!("{}/%", m.number);
    let funder = rt.shares().first().map(|s| s.0.clone()).unwrap_or_default();
    sql!(tx, c => sqlx::query(
        "INSERT INTO entitlement (centre_id, decision_id, person_id, right_id, amount, currency, valid_from, valid_to, status, funding, input) \
         SELECT d.centre_id, d.id, d.person_id, d.right_id, d.amount, d.currency, d.period_from, d.period_to, 'active', $1 || ':' || d.amount, '{}' \
         FROM decision d WHERE d.right_id = $2 AND d.number LIKE $3 AND d.entitlement_id IS NULL")
        .bind(&funder).bind(rt.id).bind(&like).execute(c).await?.rows_affected());
    sql!(tx, c => sqlx::query(
        "UPDATE decision SET entitlement_id = (SELECT e.id FROM entitlement e WHERE e.decision_id = decision.id) \
         WHERE right_id = $1 AND number LIKE $2 AND entitlement_id IS NULL")
        .bind(rt.id).bind(&like).execute(c).await?.rows_affected());
    let out: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT person_id, entitlement_id FROM decision WHERE right_id = $1 AND number LIKE $2 AND entitlement_id IS NOT NULL")
        .bind(rt.id).bind(&like).fetch_all(c).await?);
    audit::record(
        tx,
        actor,
        Event::about(Action::Create, "decision").detail(serde_json::json!({
            "list": m.number, "right": m.right, "decisions": out.len(),
            "total": m.rows.iter().map(|r| r.1).sum::<Minor>(),
        })),
    )
    .await?;
    Ok(out)
}
