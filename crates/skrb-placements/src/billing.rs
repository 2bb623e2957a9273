//! Money of placements besides the run itself: the monthly bill of the user's and
//! liable relatives' parts of an institution's price (written in one set for the
//! centre's month, pro-rated by days, once per placement, month and payer), and the
//! foster carer's annual payment summary (what the runs paid for each child, month by
//! month, as the carer's tax return and the centre's accounts need it).

use std::collections::BTreeMap;

use skrb_domain::payments::month_amount;
use skrb_domain::placements::split;
use skrb_domain::rights::Minor;
use skrb_domain::services::upn::{self, Order};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk::{self, Value};
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::sql;
use time::Date;

use crate::placements::exemption_of;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlacementBill)]
pub struct Bill {
    pub id: i64,
    pub placement_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub month: Date,
    /// user, relative
    pub payer: String,
    pub name: String,
    pub amount: i64,
    pub currency: String,
    pub reference: String,
}

/// What billing a month did.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlacementsBilled)]
pub struct Billed {
    /// YYYY-MM
    pub month: String,
    pub placements: usize,
    pub bills: usize,
    /// Bills of the month already there, not written again.
    pub already: usize,
    pub total: i64,
}

/// An institution placement of the month, as billing reads it.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    person: String,
    start: Date,
    end_on: Option<Date>,
    person_id: i64,
    price: i64,
    user_part: i64,
    relatives: i64,
    relatives_name: Option<String>,
    currency: String,
}

/// Bills the user's and relatives' parts of the centre's institution placements for a
/// month: every placement of the month in one read, the bills in one insert; a bill
/// already written for a placement, month and payer stays as it was.
pub async fn bill(db: &Db, actor: &Actor, month: Date) -> AppResult<Billed> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let month = month.replace_day(1).unwrap_or(month);
    let last = crate::month_end(month);
    let mut tx = db.begin().await?;
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let rows: Vec<Row> = sql!(&mut tx, x => sqlx::query_as::<_, Row>(
        "SELECT pl.id, p.given_name || ' ' || p.family_name AS person, pl.start_on AS start, pl.end_on AS end_on, pl.person_id, \
         COALESCE(pl.price, 0) AS price, pl.user_part AS user_part, pl.relatives_part AS relatives, pl.relatives_name, \
         CASE WHEN c.jurisdiction = 'RS' THEN 'BAM' ELSE 'EUR' END AS currency \
         FROM placement pl JOIN person p ON p.id = pl.person_id JOIN centre c ON c.id = pl.centre_id \
         WHERE pl.centre_id = $1 AND pl.setting = 'institution' AND pl.start_on <= $2 AND (pl.end_on IS NULL OR pl.end_on >= $3) \
         AND (pl.over_limit_reason IS NULL OR pl.over_limit_by IS NOT NULL) ORDER BY pl.id")
        .bind(centre).bind(last).bind(month).fetch_all(x).await?);
    let done: Vec<(i64, String)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT placement_id, payer FROM placement_bill WHERE centre_id = $1 AND month = $2")
        .bind(centre).bind(month).fetch_all(x).await?);
    let mut out = Billed {
        month: format!("{:04}-{:02}", month.year(), u8::from(month.month())),
        placements: rows.len(),
        ..Billed::default()
    };
    let mut cells: Vec<Vec<Value<'static>>> = Vec::new();
    for r in &rows {
        let exemption = exemption_of(&mut tx, r.person_id, month.max(r.start)).await?;
        let parts = split(r.price, r.user_part, r.relatives, exemption);
        for (payer, whole, name) in [
            ("user", parts.user, Some(r.person.clone())),
            ("relative", parts.relatives, r.relatives_name.clone()),
        ] {
            let amount = month_amount(whole, month, r.start, r.end_on, None);
            if amount <= 0 {
                continue;
            }
            if done.iter().any(|(p, w)| *p == r.id && w == payer) {
                out.already += 1;
                continue;
            }
            // Centre, month, placement and payer: unique as the bill is, with its check
            // digit in the jurisdiction's model (SI12 in Slovenia, as home help's).
            let reference = upn::reference(
                &jurisdiction,
                &format!(
                    "{centre:03}{:04}{:02}{:06}{}",
                    month.year(),
                    u8::from(month.month()),
                    r.id,
                    if payer == "user" { 1 } else { 2 }
                ),
            );
            out.bills += 1;
            out.total += amount;
            cells.push(vec![
                Value::Int(centre),
                Value::Int(r.id),
                Value::Date(month),
                Value::Text(payer.into()),
                Value::Text(name.unwrap_or_default()),
                Value::Int(amount),
                Value::Text(r.currency.clone()),
                Value::Text(reference),
                Value::Time(actor.now),
            ]);
        }
    }
    bulk::insert(
        &mut tx,
        "placement_bill",
        &[
            "centre_id",
            "placement_id",
            "month",
            "payer",
            "name",
            "amount",
            "currency",
            "reference",
            "created_at",
        ],
        &cells,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Bill, "placement_bill", 0).detail(serde_json::json!({
            "month": out.month, "bills": out.bills, "total": out.total, "already": out.already
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// A bill as a document: A4 in the centre's language, and in Slovenia with the UPN QR
/// payment order (the reference, the centre's receipts account), as home help's invoices;
/// audited as a download of the person's record.
pub async fn document(db: &Db, actor: &Actor, id: i64) -> AppResult<(String, Vec<u8>)> {
    let mut tx = db.begin().await?;
    let row: Option<(Bill, i64, i64, String)> = {
        let b: Option<Bill> = sql!(&mut tx, x => sqlx::query_as::<_, Bill>(
            "SELECT id, placement_id, month, payer, name, amount, currency, reference FROM placement_bill WHERE id = $1")
            .bind(id).fetch_optional(x).await?);
        match b {
            Some(b) => {
                let (centre, person, place): (i64, i64, String) = sql!(&mut tx, x => sqlx::query_as(
                    "SELECT pl.centre_id, pl.person_id, COALESCE(i.name, '') FROM placement pl \
                     LEFT JOIN institution i ON i.id = pl.institution_id WHERE pl.id = $1")
                    .bind(b.placement_id).fetch_one(x).await?);
                Some((b, centre, person, place))
            }
            None => None,
        }
    };
    let (b, centre, person, place) = row.ok_or(skrb_kit::error::AppError::NotFound)?;
    crate::own(actor, centre)?;
    skrb_registry::access::check(&mut tx, actor, skrb_kit::ids::PersonId(person)).await?;
    let (cname, caddress, iban, j): (String, Option<String>, Option<String>, String) = sql!(&mut tx, x => sqlx::query_as(
        "SELECT name, address, receipts_iban, jurisdiction FROM centre WHERE id = $1").bind(centre).fetch_one(x).await?);
    let (street, postal, town): (Option<String>, Option<String>, Option<String>) = sql!(&mut tx, x => sqlx::query_as(
        "SELECT address, postal_code, place FROM person WHERE id = $1").bind(person).fetch_one(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Download, "placement_bill", id).person(person),
    )
    .await?;
    tx.commit().await?;
    let l = skrb_rights::decisions::centre_locale(&j);
    let t = |k: &str| skrb_kit::i18n::t(l, k);
    let money = |a: i64| skrb_kit::i18n::fmt_money(l, a, &b.currency);
    let due = crate::month_end(b.month) + time::Duration::days(15);
    let month = format!("{:02}/{}", u8::from(b.month.month()), b.month.year());
    // The user's bill goes to the user's address; a relative's bears the name only.
    let (payer_street, payer_town) = if b.payer == "user" {
        (
            street,
            match (postal, town) {
                (Some(a), Some(c)) => Some(format!("{a} {c}")),
                (a, c) => c.or(a),
            },
        )
    } else {
        (None, None)
    };
    use skrb_rights::decisions::document::{line, render_with, upn_code, Style};
    let mut lines = vec![line(Style::Bold, cname.clone())];
    if let Some(a) = &caddress {
        lines.push(line(Style::Normal, a.clone()));
    }
    lines.push(line(Style::Gap, ""));
    lines.push(line(Style::Normal, b.name.clone()));
    for part in [&payer_street, &payer_town].into_iter().flatten() {
        lines.push(line(Style::Normal, part.clone()));
    }
    lines.push(line(Style::Gap, ""));
    lines.push(line(
        Style::Title,
        skrb_kit::i18n::t_args(
            l,
            "placements-bill-title",
            &[("reference", b.reference.clone().into())],
        ),
    ));
    lines.push(line(Style::Gap, ""));
    for (k, v) in [
        ("placements-month", month.clone()),
        ("placements-institution", place),
        (
            "placements-payer-kind",
            t(&format!("placements-payer-{}", b.payer)),
        ),
        ("placements-reference", b.reference.clone()),
        ("placements-bill-due", skrb_kit::i18n::fmt_date(l, due)),
    ] {
        lines.push(line(Style::Normal, format!("{}: {}", t(k), v)));
    }
    lines.push(line(Style::Gap, ""));
    lines.push(line(
        Style::Bold,
        format!("{}: {}", t("placements-total"), money(b.amount)),
    ));
    let code = match (j.as_str(), iban) {
        ("SI", Some(iban)) => {
            let (rs, rc) = match caddress.as_deref().and_then(|a| a.split_once(',')) {
                Some((a, c)) => (a.trim().to_string(), c.trim().to_string()),
                None => (caddress.clone().unwrap_or_default(), String::new()),
            };
            let order = Order {
                payer_name: b.name.clone(),
                payer_street: payer_street.clone().unwrap_or_default(),
                payer_city: payer_town.clone().unwrap_or_default(),
                amount: b.amount,
                purpose_code: "OTHR".into(),
                purpose: skrb_kit::i18n::t_args(
                    l,
                    "placements-bill-purpose",
                    &[("month", month.clone().into())],
                ),
                due: Some(due),
                recipient_iban: iban,
                reference: b.reference.clone(),
                recipient_name: cname,
                recipient_street: rs,
                recipient_city: rc,
            };
            Some(upn_code(&order).map_err(skrb_kit::error::AppError::Internal)?)
        }
        _ => None,
    };
    let bytes = render_with(&lines, &b.reference, l.html_lang(), code.as_ref())
        .map_err(skrb_kit::error::AppError::Internal)?;
    Ok((format!("{}.pdf", b.reference), bytes))
}

/// The centre's bills of a month.
pub async fn bills(db: &Db, actor: &Actor, month: Date) -> AppResult<Vec<Bill>> {
    let mut tx = db.begin().await?;
    let out: Vec<Bill> = sql!(&mut tx, x => sqlx::query_as::<_, Bill>(
        "SELECT id, placement_id, month, payer, name, amount, currency, reference FROM placement_bill \
         WHERE ($1 IS NULL OR centre_id = $1) AND month = $2 ORDER BY name, id")
        .bind(skrb_kit::scope::centre_of(actor)).bind(month.replace_day(1).unwrap_or(month)).fetch_all(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "placement_bill", 0)
            .detail(serde_json::json!({ "shown": out.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// One child's payments in the carer's year.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CarerChildYear)]
pub struct ChildYear {
    pub person_id: i64,
    pub name: String,
    /// Paid per month, January first (minor units; 0 where nothing was paid).
    pub months: Vec<i64>,
    pub total: i64,
}

/// A foster carer's annual payment summary.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CarerAnnual)]
pub struct Annual {
    pub carer_id: i64,
    pub carer: String,
    pub year: i32,
    pub currency: String,
    pub children: Vec<ChildYear>,
    /// Per month, all children.
    pub months: Vec<i64>,
    pub total: i64,
    /// Payment lines counted.
    pub lines: i64,
}

/// What the runs paid the carer in a year, per child and month: the lines of exported
/// runs that were sent (open or settled), not those held, returned or written off,
/// which were not paid. Audited as a read of the carer.
pub async fn annual(db: &Db, actor: &Actor, carer_id: i64, year: i32) -> AppResult<Annual> {
    // A year a payment can have been made in; anything else is the user's typing.
    let (Ok(from), Ok(to), true) = (
        Date::from_calendar_date(year, time::Month::January, 1),
        Date::from_calendar_date(year, time::Month::December, 31),
        (2000..=2100).contains(&year),
    ) else {
        return Err(skrb_kit::form::field_error("year", "err-number"));
    };
    let mut tx = db.begin().await?;
    let c = crate::carers::load(&mut tx, actor, carer_id, actor.today()).await?;
    let rows: Vec<(i64, String, Date, i64)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT pl.person_id, p.given_name || ' ' || p.family_name, l.month, l.amount FROM payment_line l \
         JOIN payment_run r ON r.id = l.run_id JOIN entitlement e ON e.id = l.entitlement_id \
         JOIN placement pl ON pl.id = e.placement_id JOIN person p ON p.id = pl.person_id \
         WHERE pl.carer_id = $1 AND l.month >= $2 AND l.month <= $3 AND l.status IN ('open', 'settled') \
         AND r.status IN ('exported', 'settled', 'partly_returned') ORDER BY p.family_name, p.given_name, l.month")
        .bind(carer_id).bind(from).bind(to).fetch_all(x).await?);
    let mut by: BTreeMap<(String, i64), [i64; 12]> = BTreeMap::new();
    let mut months = vec![0i64; 12];
    for (pid, name, month, amount) in &rows {
        let m = usize::from(u8::from(month.month())) - 1;
        by.entry((name.clone(), *pid)).or_insert([0; 12])[m] += amount;
        months[m] += amount;
    }
    let children: Vec<ChildYear> = by
        .into_iter()
        .map(|((name, person_id), m)| ChildYear {
            person_id,
            name,
            total: m.iter().sum(),
            months: m.to_vec(),
        })
        .collect();
    let total: Minor = months.iter().sum();
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "foster_carer", carer_id)
            .person(c.person_id)
            .detail(serde_json::json!({ "annual": year, "total": total })),
    )
    .await?;
    tx.commit().await?;
    Ok(Annual {
        carer_id,
        carer: c.name,
        year,
        currency: if c.jurisdiction == "RS" {
            "BAM".into()
        } else {
            "EUR".into()
        },
        children,
        months,
        total,
        lines: rows.len() as i64,
    })
}
