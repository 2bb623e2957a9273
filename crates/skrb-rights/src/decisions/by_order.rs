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
    pub placement_id: i64,
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
