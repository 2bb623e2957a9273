//! The year's totals for the annual report: per programme the households and persons
//! reached, the quantity handed over, the money by funding source and used, the
//! partners; the committee's proposals and aid; the community actions and how many came.
//! All summed by the database.

use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::sql;

use crate::programmes::{self, Budget, Programme};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeTotals)]
pub struct ProgrammeTotal {
    pub programme: Programme,
    pub budget: Budget,
    /// Households reached (rows of a household list with something handed over, redeemed
    /// or paid).
    pub households: i64,
    /// Persons in the households reached (or persons reached).
    pub persons: i64,
    pub handed: i64,
    pub not_collected: i64,
    pub partners: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeYear)]
pub struct Totals {
    pub year: i32,
    pub programmes: Vec<ProgrammeTotal>,
    pub proposals: i64,
    pub granted: i64,
    pub refused: i64,
    /// The committee's aid granted, in minor units.
    pub aid: i64,
    pub actions: i64,
    pub participants: i64,
    pub currency: String,
}

/// The year's totals of the actor's centre.
pub async fn year(db: &Db, actor: &Actor, year: i32) -> AppResult<Totals> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let (from, to) = crate::year_of(year).ok_or(AppError::NotFound)?;
    let list = programmes::list(db, actor, year).await?;
    let mut tx = db.begin_read().await?;
    let mut out = Vec::with_capacity(list.len());
    for row in list {
        let id = row.programme.id;
        let (reached, persons, handed): (i64, i64, i64) = sql!(&mut tx, c => sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(pe.members), 0) AS BIGINT), \
             CAST(COALESCE(SUM((SELECT SUM(d.quantity) FROM distribution d WHERE d.entry_id = pe.id)), 0) AS BIGINT) \
             FROM programme_entry pe WHERE pe.programme_id = $1 AND pe.removed = FALSE AND (EXISTS (SELECT 1 FROM distribution d WHERE d.entry_id = pe.id) \
             OR EXISTS (SELECT 1 FROM payment_line l JOIN payment_run r ON r.id = l.run_id WHERE l.entitlement_id = pe.entitlement_id \
               AND r.status IN ('exported', 'settled', 'partly_returned') AND l.status IN ('open', 'settled')))")
            .bind(id).fetch_one(c).await?);
        let partners: Vec<String> = programmes::partners_of(&mut tx, id)
            .await?
            .into_iter()
            .map(|p| p.name)
            .fold(Vec::new(), |mut v, n| {
                if !v.contains(&n) {
                    v.push(n);
                }
                v
            });
        let not_collected = if row.programme.approved() {
            row.budget.recipients - reached
        } else {
            0
        };
        out.push(ProgrammeTotal {
            households: if row.programme.by_household() {
                reached
            } else {
                0
            },
            persons,
            handed,
            not_collected,
            partners,
            programme: row.programme,
            budget: row.budget,
        });
    }
    let (proposals, granted, refused, aid): (i64, i64, i64, i64) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'granted' THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN status = 'refused' THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN status = 'granted' THEN amount ELSE 0 END), 0) AS BIGINT) \
         FROM committee_proposal WHERE centre_id = $1 AND (decided_on BETWEEN $2 AND $3 OR (decided_on IS NULL AND status = 'proposed'))")
        .bind(centre).bind(from).bind(to).fetch_one(c).await?);
    let (actions, participants): (i64, i64) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT COUNT(DISTINCT a.id), CAST(COALESCE(SUM(g.participants), 0) AS BIGINT) FROM community_action a \
         LEFT JOIN community_action_group g ON g.action_id = a.id WHERE a.centre_id = $1 AND a.held_on BETWEEN $2 AND $3")
        .bind(centre).bind(from).bind(to).fetch_one(c).await?);
    let currency: String = sql!(&mut tx, c => sqlx::query_scalar("SELECT currency FROM centre WHERE id = $1").bind(centre).fetch_one(c).await?);
    tx.commit().await?;
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::Read, "programme_totals").detail(serde_json::json!({ "year": year })),
    )
    .await?;
    tx.commit().await?;
    Ok(Totals {
        year,
        programmes: out,
        proposals,
        granted,
        refused,
        aid,
        actions,
        participants,
        currency,
    })
}
