//! What the pages of home help gather from several use cases at once: the new-agreement
//! form's choices and an agreement's page.

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

use crate::agreements::Agreement;

/// What the new-agreement form shows: the person (checked for access), the centre's
/// municipalities, and the jurisdiction (a decision is asked for in Republika Srpska).
pub async fn form_data(
    db: &Db,
    actor: &Actor,
    person: Option<i64>,
) -> AppResult<(Option<(i64, String)>, Vec<(i64, String)>, String)> {
    let mut tx = db.begin_read().await?;
    let person = match person {
        Some(p) => {
            skrb_registry::access::check(&mut tx, actor, PersonId(p)).await?;
            let name: Option<String> = sql!(&mut tx, c => sqlx::query_scalar(
                "SELECT given_name || ' ' || family_name FROM person WHERE id = $1").bind(p).fetch_optional(c).await?);
            name.map(|n| (p, n))
        }
        None => None,
    };
    let municipalities = crate::prices::municipalities_in(&mut tx, actor).await?;
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, skrb_kit::scope::centre_of(actor)).await?;
    tx.commit().await?;
    Ok((person, municipalities, j))
}

/// An agreement's page: its regular week, the visits two weeks either side of today, its
/// invoices, the centre's carers, and the exemption in force (what the user pays at most).
pub struct View {
    pub patterns: Vec<crate::roster::Pattern>,
    pub visits: Vec<crate::roster::Visit>,
    pub invoices: Vec<crate::billing::Invoice>,
    pub carers: Vec<crate::carers::Carer>,
    pub exemption: Option<(i64, String)>,
}

pub async fn view(db: &Db, a: &Agreement, today: Date) -> AppResult<View> {
    let mut tx = db.begin_read().await?;
    let patterns = crate::roster::patterns(&mut tx, a.id).await?;
    let visits = crate::roster::visits_of(
        &mut tx,
        a.id,
        today - time::Duration::days(14),
        today + time::Duration::days(14),
    )
    .await?;
    let q = format!(
        "{} WHERE i.agreement_id = $1 ORDER BY i.id DESC",
        crate::billing::SELECT
    );
    let invoices = sql!(&mut tx, c => sqlx::query_as::<_, crate::billing::Invoice>(&q).bind(a.id).fetch_all(c).await?);
    let carers = crate::carers::of_centre(&mut tx, Some(a.centre_id)).await?;
    let exemption: Option<(i64, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT e.amount, e.currency FROM entitlement e JOIN right_type r ON r.id = e.right_id WHERE r.code = 'si_hh_exemption' \
         AND e.status = 'active' AND e.person_id = $1 AND e.valid_from <= $2 AND (e.valid_to IS NULL OR e.valid_to >= $2)")
        .bind(a.person_id).bind(today).fetch_optional(c).await?);
    tx.commit().await?;
    Ok(View {
        patterns,
        visits,
        invoices,
        carers,
        exemption,
    })
}
