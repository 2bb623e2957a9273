//! What the pages gather from several use cases at once: the new-placement form's
//! person, carers and institutions, and the person page's panel.

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::ids::PersonId;
use skrb_kit::sql;

use crate::carers::{self, Carer, Search};
use crate::guardianship::{self, Guardianship};
use crate::institutions::{self, Institution};
use crate::placements::{self, Placement};

/// A person the actor may open: id and name.
pub async fn person(db: &Db, actor: &Actor, id: Option<i64>) -> AppResult<Option<(i64, String)>> {
    let Some(p) = id else {
        return Ok(None);
    };
    let mut tx = db.begin_read().await?;
    skrb_registry::access::check(&mut tx, actor, PersonId(p)).await?;
    let name: Option<String> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT given_name || ' ' || family_name FROM person WHERE id = $1").bind(p).fetch_optional(c).await?);
    tx.commit().await?;
    Ok(name.map(|n| (p, n)))
}

/// The actor's centre's municipalities (the register is searched from the child's).
pub async fn municipalities(db: &Db, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    let mut tx = db.begin_read().await?;
    let out: Vec<(i64, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, name FROM municipality WHERE centre_id = $1 ORDER BY name")
        .bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?);
    tx.commit().await?;
    Ok(out)
}

/// The new-placement form's choices: the approved families (the person's municipality
/// first) and the institutions of the jurisdiction.
pub async fn choices(db: &Db, actor: &Actor) -> AppResult<(Vec<Carer>, Vec<Institution>)> {
    let carers = carers::register(db, actor, &Search::default()).await?;
    let institutions = institutions::list(db, actor)
        .await?
        .into_iter()
        .filter(|i| i.active)
        .collect();
    Ok((carers, institutions))
}

/// What the person's page shows of public authorisations.
pub struct OfPerson {
    pub placements: Vec<Placement>,
    pub guardianships: Vec<Guardianship>,
    /// The person is a foster carer: the carer's id and state.
    pub carer: Option<(i64, String)>,
}

/// A person's placements, guardianships and foster carer's record, for the person's page
/// (the page has checked and audited the read of the person).
pub async fn of_person(db: &Db, person: i64) -> AppResult<OfPerson> {
    let mut tx = db.begin_read().await?;
    let placements = placements::of_person(&mut tx, person).await?;
    let guardianships = guardianship::of_person(&mut tx, person).await?;
    let carer: Option<(i64, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, status FROM foster_carer WHERE person_id = $1").bind(person).fetch_optional(c).await?);
    tx.commit().await?;
    Ok(OfPerson {
        placements,
        guardianships,
        carer,
    })
}

/// The person's part of a subject-access export: placements with their timeline, and
/// guardianships (as ward) with their reports.
pub fn export_part(
    tx: &mut skrb_kit::db::Tx,
    person: PersonId,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<serde_json::Value, sqlx::Error>> + Send + '_>,
> {
    Box::pin(async move {
        let p = person.get();
        let map = |e: skrb_kit::error::AppError| sqlx::Error::Protocol(e.to_string());
        let placements = placements::of_person(tx, p).await.map_err(map)?;
        let timeline = placements::timeline(tx, p).await.map_err(map)?;
        let guardianships = guardianship::of_person(tx, p).await.map_err(map)?;
        Ok(serde_json::json!({
            "placements": placements, "placement_timeline": timeline, "guardianships": guardianships,
        }))
    })
}
