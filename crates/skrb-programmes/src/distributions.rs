//! Handing over: what a recipient took, when, where or from which partner, how much,
//! who took it and how it was confirmed. A form carries its own key, so that a form sent
//! twice from a phone on a bad network is saved once; more than the row's quantity is
//! refused, naming what is left.

use skrb_domain::programmes::Confirmation;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use time::Date;

use crate::lists;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeDistribution)]
pub struct Distribution {
    pub id: i64,
    pub entry_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub handed_on: Date,
    pub partner: Option<String>,
    pub place: Option<String>,
    pub quantity: i64,
    pub value: i64,
    pub received_by: String,
    /// signature, document, voucher, delivered
    pub confirmation: String,
    pub note: Option<String>,
}

pub(crate) async fn of_entry(tx: &mut Tx, entry: i64) -> AppResult<Vec<Distribution>> {
    Ok(sql!(tx, c => sqlx::query_as::<_, Distribution>(
        "SELECT d.id, d.entry_id, d.handed_on, pa.name AS partner, d.place, d.quantity, d.value, d.received_by, d.confirmation, d.note \
         FROM distribution d LEFT JOIN partner pa ON pa.id = d.partner_id WHERE d.entry_id = $1 ORDER BY d.handed_on, d.id")
        .bind(entry).fetch_all(c).await?))
}

/// A row of the list with its handing over.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeEntryFile)]
pub struct EntryFile {
    pub entry: lists::Entry,
    pub handed: Vec<Distribution>,
}

pub async fn entry_file(db: &Db, actor: &Actor, id: i64, entry: i64) -> AppResult<EntryFile> {
    let mut tx = db.begin().await?;
    let e = lists::entry(&mut tx, actor, id, entry).await?;
    let handed = of_entry(&mut tx, entry).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "programme_entry", entry).person(e.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(EntryFile { entry: e, handed })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeHandForm)]
pub struct HandForm {
    /// The row of the list.
    #[serde(deserialize_with = "lenient")]
    pub entry_id: String,
    /// `YYYY-MM-DD` (today when empty).
    #[serde(deserialize_with = "lenient")]
    pub handed_on: String,
    /// The partner who handed it over, or else the place.
    #[serde(deserialize_with = "lenient")]
    pub partner_id: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    /// How much (all that is left when empty).
    #[serde(deserialize_with = "lenient")]
    pub quantity: String,
    #[serde(deserialize_with = "lenient")]
    pub received_by: String,
    /// signature, document, delivered
    #[serde(deserialize_with = "lenient")]
    pub confirmation: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    /// The form's own key: a form sent twice is saved once.
    #[serde(deserialize_with = "lenient")]
    pub key: String,
}

/// Records a handing over on an approved list. Returns the distribution's id (the
/// first one's when the same form comes again).
pub async fn record(db: &Db, actor: &Actor, id: i64, f: &HandForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let entry = ck.id("entry_id", &f.entry_id, true);
    let day = ck
        .date("handed_on", &f.handed_on, false)
        .unwrap_or_else(|| actor.today());
    if day > actor.today() {
        ck.err("handed_on", "programmes-err-future");
    }
    let partner = ck.id("partner_id", &f.partner_id, false);
    let place = ck.text("place", &f.place, false, 200);
    let quantity = ck.number("quantity", &f.quantity, false, 1_000_000);
    if quantity == Some(0) {
        ck.err("quantity", "err-number");
    }
    let received_by = ck.text("received_by", &f.received_by, true, 200);
    let confirmation = ck
        .choice(
            "confirmation",
            &f.confirmation,
            &Confirmation::codes(),
            false,
        )
        .unwrap_or("signature");
    let note = ck.text("note", &f.note, false, 500);
    let key = ck.text("key", &f.key, false, 80);
    let mut tx = db.begin().await?;
    if let Some(k) = &key {
        let seen: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM distribution WHERE form_key = $1")
            .bind(k).fetch_optional(c).await?);
        if let Some(d) = seen {
            return Ok(d);
        }
    }
    let p = crate::programmes::guard(&mut tx, actor, id).await?;
    if !p.approved() {
        return Err(AppError::Refused(Msg::new("programmes-err-not-approved")));
    }
    if partner.is_none() && place.is_none() {
        ck.err("place", "programmes-err-where");
    }
    if let Some(pid) = partner {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM programme_partner WHERE programme_id = $1 AND partner_id = $2").bind(id).bind(pid).fetch_one(c).await?);
        if ok == 0 {
            ck.err("partner_id", "programmes-err-partner-not-in");
        }
    }
    ck.done()?;
    let e = lists::entry(&mut tx, actor, id, entry.unwrap_or_default()).await?;
    if e.removed {
        return Err(AppError::Refused(Msg::new("programmes-err-removed")));
    }
    if e.redeemed {
        return Err(AppError::Refused(Msg::new("programmes-err-redeemed")));
    }
    let left = e.quantity - e.handed;
    let quantity = quantity.unwrap_or(left);
    if left <= 0 || quantity > left {
        // The same form, sent again while the first was being saved, finds nothing left
        // because of that first: it answers what the first saved.
        if let Some(k) = &key {
            let first: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM distribution WHERE form_key = $1")
                .bind(k).fetch_optional(c).await?);
            if let Some(d) = first {
                tx.commit().await?;
                return Ok(d);
            }
        }
        let mut ck = Check::new();
        ck.err_msg(
            "quantity",
            Msg::new("programmes-err-more-than-left").num("left", left.max(0)),
        );
        return Err(ck.done().err().unwrap_or(AppError::NotFound));
    }
    let value = if e.quantity > 0 {
        e.value * quantity / e.quantity
    } else {
        0
    };
    // The same form sent twice at once: the second waits for the first and writes nothing.
    let inserted: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO distribution (programme_id, entry_id, handed_on, partner_id, place, quantity, value, received_by, confirmation, note, \
         form_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (form_key) DO NOTHING RETURNING id")
        .bind(id).bind(e.id).bind(day).bind(partner).bind(&place).bind(quantity).bind(value).bind(&received_by)
        .bind(confirmation).bind(&note).bind(&key).bind(actor.user_id).bind(actor.now).fetch_optional(c).await?);
    let Some(did) = inserted else {
        let first: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM distribution WHERE form_key = $1")
            .bind(&key).fetch_one(c).await?);
        tx.commit().await?;
        return Ok(first);
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Deliver, "distribution", did)
            .person(e.person_id)
            .detail(serde_json::json!({ "programme": id, "quantity": quantity, "value": value })),
    )
    .await?;
    tx.commit().await?;
    Ok(did)
}
