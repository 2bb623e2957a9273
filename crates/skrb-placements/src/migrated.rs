//! Foster carers and the children placed with them, brought in from an old register:
//! the carer approved as the register shows (the permit, its kind and terms), each child's
//! placement on its order, and the foster payment from the month of the import on (the
//! months before were the old system's to pay), so that the next monthly run pays the
//! family. A country has a few thousand foster families: each is written with the same
//! steps a clerk's entries take, inside the import's set transaction.

use skrb_domain::placements::PermitKind;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Tx;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::sql;
use time::{Date, Duration};

/// A carer to bring in; the person already found in the centre.
#[derive(Debug, Clone)]
pub struct MigratedCarer {
    pub person_id: i64,
    pub permit_kind: PermitKind,
    pub permit_number: Option<String>,
    pub permit_on: Date,
    pub permit_until: Option<Date>,
    pub max_children: i64,
    pub iban: Option<String>,
    pub source: String,
}

/// A child placed with a carer; the child already found in the centre.
#[derive(Debug, Clone)]
pub struct MigratedPlacement {
    pub child_id: i64,
    /// full, weekend, emergency, respite
    pub kind: String,
    pub order_number: String,
    pub start_on: Date,
    pub court: Option<String>,
    pub source: String,
}

/// Writes an approved carer of the centre; its id.
pub async fn carer(tx: &mut Tx, actor: &Actor, centre: i64, c: &MigratedCarer) -> AppResult<i64> {
    let j = skrb_kit::centre::jurisdiction_of(tx, Some(centre)).await?;
    let review = next_review(c.permit_on, actor.today());
    let id: i64 = sql!(tx, x => sqlx::query_scalar(
        "INSERT INTO foster_carer (jurisdiction, centre_id, person_id, status, permit_kind, permit_number, permit_on, \
         permit_until, max_children, municipality_id, iban, review_on, created_by, created_at) \
         SELECT $1, $2, p.id, 'approved', $3, $4, $5, $6, $7, p.municipality_id, COALESCE($8, p.iban), $9, $10, $11 \
         FROM person p WHERE p.id = $12 RETURNING id")
        .bind(&j).bind(centre).bind(c.permit_kind.code()).bind(&c.permit_number).bind(c.permit_on)
        .bind(c.permit_until).bind(c.max_children).bind(&c.iban).bind(review).bind(actor.user_id)
        .bind(actor.now).bind(c.person_id).fetch_one(x).await?);
    crate::carers::event(tx, actor, id, c.permit_on, "approve", Some(&c.source)).await?;
    audit::record(
        tx,
        actor,
        Event::new(Action::Import, "foster_carer", id)
            .person(c.person_id)
            .detail(serde_json::json!({
                "permit_kind": c.permit_kind.code(), "permit_on": c.permit_on.to_string(),
                "max_children": c.max_children,
            }))
            .reason(Some(c.source.as_str())),
    )
    .await?;
    Ok(id)
}

/// Writes a child's placement with a carer and starts its foster payment; the
/// placement's id.
pub async fn placement(
    tx: &mut Tx,
    actor: &Actor,
    centre: i64,
    carer_id: i64,
    p: &MigratedPlacement,
) -> AppResult<i64> {
    let today = actor.today();
    let basis = if p.court.is_some() {
        "court"
    } else {
        "decision"
    };
    // The next supervision visit within four weeks of the centre taking the file over.
    let visit = today + Duration::days(28);
    let id: i64 = sql!(tx, x => sqlx::query_scalar(
        "INSERT INTO placement (centre_id, person_id, setting, carer_id, kind, basis, order_number, order_on, court, \
         start_on, next_visit_on, worker_id, created_by, created_at) \
         VALUES ($1, $2, 'foster', $3, $4, $5, $6, $7, $8, $7, $9, $10, $10, $11) RETURNING id")
        .bind(centre).bind(p.child_id).bind(carer_id).bind(&p.kind).bind(basis).bind(&p.order_number)
        .bind(p.start_on).bind(&p.court).bind(visit).bind(actor.user_id).bind(actor.now).fetch_one(x).await?);
    crate::placements::add_event(tx, actor, id, p.start_on, None, "start", Some(&p.source)).await?;
    let placed = crate::placements::load(tx, actor, id).await?;
    let carer = crate::carers::read(tx, carer_id, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let first_of_month = today.replace_day(1).unwrap_or(today);
    let from = p.start_on.max(first_of_month);
    crate::placements::pay(tx, actor, &placed, from, Some(&carer), None).await?;
    audit::record(
        tx,
        actor,
        Event::new(Action::Import, "placement", id)
            .person(p.child_id)
            .detail(serde_json::json!({
                "carer": carer_id, "kind": p.kind, "start": p.start_on.to_string(), "paid_from": from.to_string(),
            }))
            .reason(Some(p.source.as_str())),
    )
    .await?;
    Ok(id)
}

/// The yearly review's next anniversary of the permit, on or after today.
fn next_review(permit_on: Date, today: Date) -> Date {
    // Counted from the permit each time, so that a 29 February stays a month's end.
    let mut years = 1;
    while crate::add_months(permit_on, 12 * years) < today {
        years += 1;
    }
    crate::add_months(permit_on, 12 * years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_review_falls_on_the_permits_next_anniversary() {
        assert_eq!(
            next_review(date!(2021 - 03 - 15), date!(2026 - 12 - 07)),
            date!(2027 - 03 - 15)
        );
        assert_eq!(
            next_review(date!(2026 - 11 - 01), date!(2026 - 12 - 07)),
            date!(2027 - 11 - 01)
        );
    }
}
