//! What the pages gather from several use cases: the person page's panel (the
//! programmes a person or their household is on and the committee's proposals for them)
//! and the person's part of a subject-access export.

use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::ids::PersonId;
use skrb_kit::sql;

/// A programme the person (or their household) is on.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OnList {
    pub programme_id: i64,
    pub entry_id: i64,
    pub name: String,
    pub quantity: i64,
    pub value: i64,
    pub currency: String,
    pub list_status: String,
    pub handed: i64,
}

/// A proposal to the committee for the person.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Proposed {
    pub id: i64,
    pub municipality: String,
    pub status: String,
    pub amount: Option<i64>,
    pub currency: String,
    pub session_id: Option<i64>,
}

/// The name of a person the actor may open (a form's preselected person); none when
/// the file is restricted off the reader's team.
pub async fn person_name(
    db: &Db,
    actor: &skrb_kit::audit::Actor,
    id: i64,
) -> AppResult<Option<(i64, String)>> {
    let mut tx = db.begin_read().await?;
    let ok = skrb_registry::access::visible(&mut tx, actor, PersonId(id)).await?;
    let name: Option<String> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT given_name || ' ' || family_name FROM person WHERE id = $1").bind(id).fetch_optional(c).await?);
    tx.commit().await?;
    Ok(name.filter(|_| ok).map(|n| (id, n)))
}

pub struct OfPerson {
    pub lists: Vec<OnList>,
    pub proposals: Vec<Proposed>,
}

async fn lists_of(tx: &mut Tx, person: i64) -> AppResult<Vec<OnList>> {
    Ok(sql!(tx, c => sqlx::query_as::<_, OnList>(
        "SELECT pr.id AS programme_id, pe.id AS entry_id, pr.name, pe.quantity, pe.value, pr.currency, pr.list_status, \
         CAST(COALESCE((SELECT SUM(d.quantity) FROM distribution d WHERE d.entry_id = pe.id), 0) AS BIGINT) AS handed \
         FROM programme_entry pe JOIN programme pr ON pr.id = pe.programme_id WHERE pe.removed = FALSE AND (pe.person_id = $1 \
         OR pe.household_id IN (SELECT hm.household_id FROM household_member hm WHERE hm.person_id = $1 AND hm.valid_to IS NULL)) \
         ORDER BY pr.period_from DESC, pr.id DESC LIMIT 20")
        .bind(person).fetch_all(c).await?))
}

async fn proposals_of(tx: &mut Tx, person: i64) -> AppResult<Vec<Proposed>> {
    Ok(sql!(tx, c => sqlx::query_as::<_, Proposed>(
        "SELECT cp.id, m.name AS municipality, cp.status, cp.amount, cp.currency, cp.session_id FROM committee_proposal cp \
         JOIN municipality m ON m.id = cp.municipality_id WHERE cp.person_id = $1 ORDER BY cp.id DESC LIMIT 20")
        .bind(person).fetch_all(c).await?))
}

/// The person page's part (the page has checked and audited the read of the person).
pub async fn of_person(db: &Db, person: i64) -> AppResult<OfPerson> {
    let mut tx = db.begin_read().await?;
    let lists = lists_of(&mut tx, person).await?;
    let proposals = proposals_of(&mut tx, person).await?;
    tx.commit().await?;
    Ok(OfPerson { lists, proposals })
}

/// The person's part of a subject-access export: the programmes' lists they are on and
/// the committee's proposals.
pub fn export_part(
    tx: &mut Tx,
    person: PersonId,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<serde_json::Value, sqlx::Error>> + Send + '_>,
> {
    Box::pin(async move {
        let p = person.get();
        let map = |e: skrb_kit::error::AppError| sqlx::Error::Protocol(e.to_string());
        let lists = lists_of(tx, p).await.map_err(map)?;
        let proposals = proposals_of(tx, p).await.map_err(map)?;
        Ok(serde_json::json!({ "programmes": lists, "committee_proposals": proposals }))
    })
}
