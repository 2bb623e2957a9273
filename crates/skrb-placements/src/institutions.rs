//! The register of institutions a person may be placed in: children's homes, homes for
//! the elderly, special institutions, with the monthly price now asked and the account
//! their public part is paid to. Kept per jurisdiction by the administrator or a worker
//! who places; a placement copies the price so that a later change does not alter it.

use skrb_domain::placements::InstitutionKind;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Institution {
    pub id: i64,
    pub jurisdiction: String,
    pub name: String,
    /// childrens_home, pensioners_home, special
    pub kind: String,
    pub place: Option<String>,
    pub address: Option<String>,
    pub iban: Option<String>,
    /// The monthly price now, in minor units.
    pub price: Option<i64>,
    pub currency: String,
    pub places: Option<i64>,
    /// Persons placed there today.
    pub placed: i64,
    pub active: bool,
}

const COLS: &str = "i.id, i.jurisdiction, i.name, i.kind, i.place, i.address, i.iban, i.price, i.currency, i.places, \
    (SELECT COUNT(*) FROM placement pl WHERE pl.institution_id = i.id AND pl.start_on <= $1 AND (pl.end_on IS NULL OR pl.end_on >= $1)) AS placed, \
    i.active";

/// The institutions of the actor's jurisdiction (all for a reader of every centre).
pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Institution>> {
    let mut tx = db.begin_read().await?;
    let j = crate::jurisdiction_of(&mut tx, actor).await?;
    let q = format!("SELECT {COLS} FROM institution i WHERE ($2 IS NULL OR i.jurisdiction = $2) ORDER BY i.active DESC, i.name");
    let out: Vec<Institution> = sql!(&mut tx, x => sqlx::query_as::<_, Institution>(&q).bind(actor.today()).bind(&j).fetch_all(x).await?);
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn load(tx: &mut Tx, id: i64, day: time::Date) -> AppResult<Institution> {
    let q = format!("SELECT {COLS} FROM institution i WHERE i.id = $2");
    let i: Option<Institution> = sql!(tx, x => sqlx::query_as::<_, Institution>(&q).bind(day).bind(id).fetch_optional(x).await?);
    i.ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InstitutionForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// childrens_home, pensioners_home, special
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    #[serde(deserialize_with = "lenient")]
    pub iban: String,
    /// The monthly price (`1.850,00`).
    #[serde(deserialize_with = "lenient")]
    pub price: String,
    #[serde(deserialize_with = "lenient")]
    pub places: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &InstitutionForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let kind = ck.choice("kind", &f.kind, &InstitutionKind::codes(), true);
    let place = ck.text("place", &f.place, false, 100);
    let address = ck.text("address", &f.address, false, 300);
    let iban = ck.text("iban", &f.iban, false, 40);
    if iban
        .as_deref()
        .is_some_and(|i| skrb_domain::iban::Iban::parse(i).is_err())
    {
        ck.err("iban", "placements-err-iban");
    }
    let price = ck.money("price", &f.price, false);
    let places = ck.number("places", &f.places, false, 5000);
    let mut tx = db.begin().await?;
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    if let Some(n) = &name {
        let dup: i64 = sql!(&mut tx, x => sqlx::query_scalar("SELECT COUNT(*) FROM institution WHERE jurisdiction = $1 AND name = $2")
            .bind(&j).bind(n).fetch_one(x).await?);
        if dup > 0 {
            ck.err("name", "placements-err-institution-exists");
        }
    }
    ck.done()?;
    let currency = if j == "RS" { "BAM" } else { "EUR" };
    let id: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO institution (jurisdiction, name, kind, place, address, iban, price, currency, places, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10) RETURNING id")
        .bind(&j).bind(&name).bind(kind).bind(&place).bind(&address).bind(&iban).bind(price).bind(currency).bind(places)
        .bind(actor.now).fetch_one(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "institution", id).detail(serde_json::json!({ "name": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
