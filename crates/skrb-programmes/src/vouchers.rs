//! Vouchers: issued in sets when a list is approved (a random code per row, written by
//! the bulk writer, not row by row), printed as a PDF to hand out, and redeemed once at
//! a partner that delivers the programme, through the partner portal. A second
//! redemption is refused and says when and where the first was.

use rand::RngCore;
use skrb_domain::programmes::{parse_voucher_code, voucher_code};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk::{self, Value};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use skrb_rights::decisions::document::{self as doc, line, Style};
use time::{Date, OffsetDateTime};

use crate::programmes::{self, Programme};

/// Rows of vouchers sent to the writer at once.
const SET: usize = 10_000;

/// Issues a voucher to every row of the approved list, in sets. Returns how many.
pub async fn issue(tx: &mut Tx, p: &Programme, today: Date) -> AppResult<i64> {
    let rows: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, value FROM programme_entry WHERE programme_id = $1 AND removed = FALSE ORDER BY id")
        .bind(p.id).fetch_all(c).await?);
    // A generator seeded once from the system's entropy (ChaCha: as unpredictable as
    // the system's, without a system call per code).
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_entropy();
    let mut written = 0u64;
    let cols = ["programme_id", "entry_id", "code", "value", "issued_on"];
    let mut w = bulk::Writer::start(tx, "voucher", &cols).await?;
    for set in rows.chunks(SET) {
        let batch: Vec<Vec<Value<'_>>> = set
            .iter()
            .map(|(entry, value)| {
                vec![
                    p.id.into(),
                    (*entry).into(),
                    voucher_code(rng.next_u64()).into(),
                    (*value).into(),
                    today.into(),
                ]
            })
            .collect();
        w.write(&batch).await?;
    }
    written += w.finish().await?;
    Ok(written as i64)
}

/// A voucher as the partner or the worker sees it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeVoucher)]
pub struct Voucher {
    pub id: i64,
    pub code: String,
    pub programme_id: i64,
    pub programme: String,
    pub value: i64,
    pub currency: String,
    pub quantity: i64,
    pub item: Option<String>,
    pub unit: Option<String>,
    /// The holder's name (a partner sees it to hand over to the right person).
    pub holder: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub valid_to: Date,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub redeemed_at: Option<OffsetDateTime>,
    pub redeemed_partner: Option<String>,
}

const COLS: &str = "v.id, v.code, v.programme_id, pr.name AS programme, v.value, pr.currency, pe.quantity, pr.item, pr.unit, \
    p.given_name || ' ' || p.family_name AS holder, pr.period_to AS valid_to, v.redeemed_at, pa.name AS redeemed_partner";
const FROM: &str = "voucher v JOIN programme pr ON pr.id = v.programme_id JOIN programme_entry pe ON pe.id = v.entry_id \
    JOIN person p ON p.id = pe.person_id LEFT JOIN partner pa ON pa.id = v.partner_id";

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = VoucherRedeemForm)]
pub struct RedeemForm {
    /// The code as printed (`K3M9P-2XQ7A-Z`), dashes and case as typed.
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    /// Who took it (as the partner saw their document).
    #[serde(deserialize_with = "lenient")]
    pub received_by: String,
}

/// What a redemption answers: the voucher, and whether this request redeemed it (or it
/// had been already, shown with when and where).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = VoucherRedeemed)]
pub struct Redeemed {
    pub voucher: Voucher,
    pub now: bool,
}

/// The actor's partner organisation (a partner's user), or a refusal.
async fn partner_of(tx: &mut Tx, actor: &Actor) -> AppResult<i64> {
    let p: Option<Option<i64>> = sql!(tx, c => sqlx::query_scalar("SELECT partner_id FROM app_user WHERE id = $1")
        .bind(actor.user_id).fetch_optional(c).await?);
    p.flatten()
        .ok_or(AppError::Refused(Msg::new("programmes-err-not-partner")))
}

/// Looks a voucher up by its code for the partner: only the vouchers of programmes their
/// organisation delivers are found; any other code is "not found", whether or not it
/// exists (a partner cannot probe another programme's codes).
pub async fn find(db: &Db, actor: &Actor, code: &str) -> AppResult<Voucher> {
    let code = parse_voucher_code(code).ok_or_else(bad_code)?;
    let mut tx = db.begin().await?;
    let partner = partner_of(&mut tx, actor).await?;
    let v = by_code(&mut tx, &code, partner).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "voucher", v.id).detail(serde_json::json!({ "partner": partner })),
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

fn bad_code() -> AppError {
    let mut ck = Check::new();
    ck.err("code", "programmes-err-code");
    ck.done().err().unwrap_or(AppError::NotFound)
}

async fn by_code(tx: &mut Tx, code: &str, partner: i64) -> AppResult<Voucher> {
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE v.code = $1 AND pe.removed = FALSE AND EXISTS (SELECT 1 FROM programme_partner pp \
         WHERE pp.programme_id = v.programme_id AND pp.partner_id = $2 AND pp.role = 'delivers')"
    );
    let v: Option<Voucher> = sql!(tx, c => sqlx::query_as::<_, Voucher>(&q).bind(code).bind(partner).fetch_optional(c).await?);
    v.ok_or_else(bad_code)
}

/// Redeems a voucher at the actor's partner organisation, once: the update only takes a
/// voucher not yet redeemed, so two counters sending the same code at once redeem it
/// once; the other is told when and where. A handing over is recorded with it.
pub async fn redeem(db: &Db, actor: &Actor, f: &RedeemForm) -> AppResult<Redeemed> {
    let mut ck = Check::new();
    let typed = ck.text("code", &f.code, true, 40);
    let received_by = ck.text("received_by", &f.received_by, false, 200);
    ck.done()?;
    let code = typed
        .as_deref()
        .and_then(parse_voucher_code)
        .ok_or_else(bad_code)?;
    let mut tx = db.begin().await?;
    let partner = partner_of(&mut tx, actor).await?;
    let v = by_code(&mut tx, &code, partner).await?;
    let today = actor.today();
    if v.redeemed_at.is_none() && today > v.valid_to {
        return Err(AppError::Refused(
            Msg::new("programmes-err-expired").date("date", v.valid_to),
        ));
    }
    let took = sql!(&mut tx, c => sqlx::query(
        "UPDATE voucher SET redeemed_at = $1, redeemed_by = $2, partner_id = $3 WHERE id = $4 AND redeemed_at IS NULL")
        .bind(actor.now).bind(actor.user_id).bind(partner).bind(v.id).execute(c).await?.rows_affected());
    if took == 0 {
        audit::record(
            &mut tx,
            actor,
            Event::new(Action::Denied, "voucher", v.id)
                .detail(serde_json::json!({ "again": true, "partner": partner })),
        )
        .await?;
        tx.commit().await?;
        return Ok(Redeemed {
            voucher: v,
            now: false,
        });
    }
    let (entry, person, quantity): (i64, i64, i64) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT pe.id, pe.person_id, pe.quantity FROM voucher v JOIN programme_entry pe ON pe.id = v.entry_id WHERE v.id = $1")
        .bind(v.id).fetch_one(c).await?);
    sql!(&mut tx, c => sqlx::query(
        "INSERT INTO distribution (programme_id, entry_id, handed_on, partner_id, quantity, value, received_by, confirmation, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'voucher', $8, $9)")
        .bind(v.programme_id).bind(entry).bind(today).bind(partner).bind(quantity.max(1)).bind(v.value)
        .bind(received_by.unwrap_or_else(|| v.holder.clone())).bind(actor.user_id).bind(actor.now).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Redeem, "voucher", v.id)
            .person(person)
            .detail(serde_json::json!({ "partner": partner, "value": v.value })),
    )
    .await?;
    let v = by_code(&mut tx, &code, partner).await?;
    tx.commit().await?;
    Ok(Redeemed {
        voucher: v,
        now: true,
    })
}

/// The vouchers a partner redeemed lately (the portal's list).
pub async fn redeemed_here(db: &Db, actor: &Actor) -> AppResult<Vec<Voucher>> {
    let mut tx = db.begin().await?;
    let partner = partner_of(&mut tx, actor).await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE v.partner_id = $1 ORDER BY v.redeemed_at DESC LIMIT 50"
    );
    let out: Vec<Voucher> =
        sql!(&mut tx, c => sqlx::query_as::<_, Voucher>(&q).bind(partner).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "voucher", partner)
            .detail(serde_json::json!({ "shown": out.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// The vouchers of a programme (or of one row) as a PDF to print and hand out: each with
/// the holder, what it is worth, where to redeem it and until when, and its code; in the
/// centre's language (the holder's and the partner's), whoever prints it.
pub async fn pdf(db: &Db, actor: &Actor, id: i64, entry: Option<i64>) -> AppResult<Vec<u8>> {
    let mut tx = db.begin().await?;
    let p = programmes::guard(&mut tx, actor, id).await?;
    if !p.is_voucher() || !p.approved() {
        return Err(AppError::NotFound);
    }
    let q = format!("SELECT {COLS} FROM {FROM} WHERE v.programme_id = $1 AND ($2 IS NULL OR v.entry_id = $2) AND pe.removed = FALSE \
        ORDER BY p.family_name, p.given_name, v.id");
    let list: Vec<Voucher> = sql!(&mut tx, c => sqlx::query_as::<_, Voucher>(&q).bind(id).bind(entry).fetch_all(c).await?);
    if list.is_empty() {
        return Err(AppError::NotFound);
    }
    let partners: Vec<String> = programmes::partners_of(&mut tx, id)
        .await?
        .into_iter()
        .filter(|x| x.role == "delivers")
        .map(|x| x.name)
        .collect();
    let (centre, jurisdiction): (String, String) = sql!(&mut tx, c => sqlx::query_as("SELECT name, jurisdiction FROM centre WHERE id = $1")
        .bind(p.centre_id).fetch_one(c).await?);
    let locale = skrb_rights::decisions::centre_locale(&jurisdiction);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Download, "voucher", id)
            .detail(serde_json::json!({ "vouchers": list.len(), "entry": entry })),
    )
    .await?;
    tx.commit().await?;
    let t = |k: &str| skrb_kit::i18n::t(locale, k);
    let mut lines = Vec::new();
    for v in &list {
        lines.push(line(Style::Heading, centre.clone()));
        lines.push(line(
            Style::Title,
            format!("{} · {}", t("programmes-voucher"), p.name),
        ));
        lines.push(line(Style::Bold, v.holder.clone()));
        lines.push(line(
            Style::Normal,
            format!(
                "{}: {}",
                t("programmes-value"),
                skrb_kit::i18n::fmt_money(locale, v.value, &v.currency)
            ),
        ));
        if let Some(item) = &v.item {
            lines.push(line(
                Style::Normal,
                format!(
                    "{item}: {} {}",
                    v.quantity,
                    v.unit.clone().unwrap_or_default()
                ),
            ));
        }
        lines.push(line(
            Style::Normal,
            format!(
                "{}: {}",
                t("programmes-valid-to"),
                skrb_kit::i18n::fmt_date(locale, v.valid_to)
            ),
        ));
        if !partners.is_empty() {
            lines.push(line(
                Style::Normal,
                format!("{}: {}", t("programmes-redeem-at"), partners.join(", ")),
            ));
        }
        lines.push(line(Style::Title, v.code.clone()));
        lines.push(line(Style::Normal, t("programmes-voucher-once")));
        lines.push(line(Style::Gap, ""));
        lines.push(line(Style::Normal, "—".repeat(40)));
        lines.push(line(Style::Gap, ""));
    }
    doc::render(&lines, &p.name, locale.code()).map_err(AppError::Internal)
}
