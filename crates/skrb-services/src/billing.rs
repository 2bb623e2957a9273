//! The monthly bill, set-based: the month's delivered visits not yet billed are read in
//! one go, priced by the municipality's list valid on the month's first day (Sundays and
//! holidays at their tariff, the subsidy band by the month's hours), capped by an
//! exemption decided in the rights procedure, and written as one invoice per agreement
//! with a SI12 reference a bank statement brings back. Billing a month again bills only
//! what was not billed; a correction is a credit note, after which the month is billed
//! again. The municipality's share (subsidy and exempted) is one statement per
//! municipality; payments received are matched from camt.053 statements.

use std::collections::{HashMap, HashSet};

use skrb_domain::payments::camt;
use skrb_domain::rights::money::Minor;
use skrb_domain::services::price::{DayKind, Delivered};
use skrb_domain::services::{upn, InvoiceStatus};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk::{self, Value};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::progress::Progress;
use skrb_kit::sql;
use time::{Date, Duration, Weekday};

use crate::prices;

/// Days from issue to the due date.
pub const DUE_DAYS: i64 = 15;

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Billed {
    /// YYYY-MM
    pub month: String,
    pub invoices: i64,
    /// Invoices of the month written before (left as they were).
    pub already: i64,
    /// Agreements with no price list for the month (not billed: add the list first).
    pub no_price: Vec<String>,
    pub minutes: i64,
    pub economic: Minor,
    pub subsidy: Minor,
    pub exempted: Minor,
    pub users: Minor,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Invoice {
    pub id: i64,
    pub centre_id: i64,
    pub agreement_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub month: String,
    /// invoice or credit
    pub kind: String,
    pub number: String,
    pub reference: String,
    pub minutes: i64,
    pub economic: i64,
    pub subsidy: i64,
    pub exempted: i64,
    /// What the user pays (negative on a credit note).
    pub amount: i64,
    pub currency: String,
    /// open, paid, credited
    pub status: String,
    pub credit_of: Option<i64>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub issued_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub due_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub paid_on: Option<Date>,
    pub paid_amount: Option<i64>,
    pub version: i64,
}

pub(crate) const SELECT: &str = "SELECT i.id, i.centre_id, i.agreement_id, i.person_id, \
    p.given_name || ' ' || p.family_name AS person_name, i.municipality_id, m.name AS municipality, i.month, i.kind, \
    i.number, i.reference, i.minutes, i.economic, i.subsidy, i.exempted, i.amount, i.currency, i.status, i.credit_of, \
    i.issued_on, i.due_on, i.paid_on, i.paid_amount, i.version \
    FROM hh_invoice i JOIN person p ON p.id = i.person_id JOIN municipality m ON m.id = i.municipality_id";

/// Which tariff a day takes.
pub fn day_kind(day: Date, holidays: &HashSet<Date>) -> DayKind {
    if holidays.contains(&day) {
        DayKind::Holiday
    } else if day.weekday() == Weekday::Sunday {
        DayKind::Sunday
    } else {
        DayKind::Weekday
    }
}

/// An invoice's reference: centre, month and sequence with a check digit (the model by
/// jurisdiction: [`upn::reference`]).
fn reference(centre: i64, month: Date, seq: i64, jurisdiction: &str) -> String {
    let digits = format!(
        "{centre:03}{:04}{:02}{seq:06}",
        month.year(),
        u8::from(month.month())
    );
    upn::reference(jurisdiction, &digits)
}

/// Bills a month for the actor's centre (every centre from the command line).
pub async fn bill(
    db: &Db,
    actor: &Actor,
    month: Date,
    progress: Option<&mut Progress>,
) -> AppResult<Billed> {
    let mut tx = db.begin().await?;
    let out = bill_in(&mut tx, actor, month, progress).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`bill`] inside a transaction the caller commits (or, measuring, rolls back).
pub async fn bill_in(
    tx: &mut Tx,
    actor: &Actor,
    month: Date,
    mut progress: Option<&mut Progress>,
) -> AppResult<Billed> {
    let first = month
        .replace_day(1)
        .map_err(|_| AppError::BadRequest("month".into()))?;
    let last = crate::month_end(first);
    if last >= actor.today() && first > actor.today() {
        return Err(AppError::Validation(vec![FieldError {
            field: "month",
            msg: Msg::new("services-err-month-future"),
        }]));
    }
    let centre = skrb_kit::scope::centre_of(actor);
    let code = crate::month_code(first);
    let cfilter = centre
        .map(|c| format!(" AND v.centre_id = {c}"))
        .unwrap_or_default();
    let window = format!(
        "v.status = 'done' AND v.day BETWEEN {} AND {}{cfilter} AND NOT EXISTS (SELECT 1 FROM hh_invoice i \
         WHERE i.agreement_id = v.agreement_id AND i.month = '{code}' AND i.kind = 'invoice' AND i.status <> 'credited')",
        bulk::date_literal(first),
        bulk::date_literal(last)
    );
    // The month's delivered visits with their agreements, in one read.
    let visits = bulk::select(
        tx,
        &[
            "v.agreement_id",
            "v.day",
            "v.delivered_minutes",
            "a.centre_id",
            "a.person_id",
            "a.municipality_id",
            "a.number",
        ],
        &format!("FROM hh_visit v JOIN hh_agreement a ON a.id = v.agreement_id WHERE {window}"),
    )
    .await?;
    let billed: HashSet<i64> = {
        let rows = bulk::select(
            tx,
            &["i.agreement_id"],
            &format!("FROM hh_invoice i WHERE i.month = '{code}' AND i.kind = 'invoice' AND i.status <> 'credited'{}",
                centre.map(|c| format!(" AND i.centre_id = {c}")).unwrap_or_default()),
        )
        .await?;
        rows.iter().filter_map(|r| r.int(0)).collect()
    };
    let centres: Vec<(i64, String, String)> = sql!(tx, c => sqlx::query_as("SELECT id, jurisdiction, currency FROM centre").fetch_all(c).await?);
    let holidays: Vec<(String, Date)> = sql!(tx, c => sqlx::query_as(
        "SELECT jurisdiction, day FROM holiday WHERE day BETWEEN $1 AND $2").bind(first).bind(last).fetch_all(c).await?);
    let price_lists = prices::of_centre(tx, centre).await?;
    // Exemptions decided in the rights procedure: what the user still pays a month.
    let caps: HashMap<i64, Minor> = {
        let rows = bulk::select(
            tx,
            &["e.person_id", "e.amount"],
            &format!(
                "FROM entitlement e JOIN right_type r ON r.id = e.right_id WHERE r.code = 'si_hh_exemption' AND e.status = 'active' \
                 AND e.valid_from <= {} AND (e.valid_to IS NULL OR e.valid_to >= {})",
                bulk::date_literal(last),
                bulk::date_literal(first)
            ),
        )
        .await?;
        rows.iter()
            .filter_map(|r| Some((r.int(0)?, r.int(1)?)))
            .collect()
    };
    let mut next_seq: HashMap<i64, i64> = {
        let rows: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(
            "SELECT centre_id, COUNT(*) FROM hh_invoice WHERE month = $1 GROUP BY centre_id").bind(&code).fetch_all(c).await?);
        rows.into_iter().collect()
    };
    let mut delivered: HashMap<i64, Delivered> = HashMap::new();
    let juris: HashMap<i64, (&str, &str)> = centres
        .iter()
        .map(|(id, j, c)| (*id, (j.as_str(), c.as_str())))
        .collect();
    let mut agreement_rows: Vec<(i64, i64, i64, i64, String)> = Vec::new();
    {
        let mut seen = HashSet::new();
        for r in visits.iter() {
            let a = r.read("visit", |r| {
                Some((r.int(0)?, r.int(3)?, r.int(4)?, r.int(5)?, r.text(6)?))
            })?;
            if seen.insert(a.0) {
                agreement_rows.push((a.0, a.1, a.2, a.3, a.4.to_string()));
            }
        }
        agreement_rows.sort_by_key(|a| a.0);
    }
    let centre_of_agreement: HashMap<i64, i64> =
        agreement_rows.iter().map(|a| (a.0, a.1)).collect();
    let holiday_sets: HashMap<&str, HashSet<Date>> = {
        let mut m: HashMap<&str, HashSet<Date>> = HashMap::new();
        for (j, d) in &holidays {
            m.entry(j.as_str()).or_default().insert(*d);
        }
        m
    };
    let none = HashSet::new();
    for r in visits.iter() {
        let (ag, day, m) = r.read("visit", |r| {
            Some((r.int(0)?, r.date(1)?, r.int(2).unwrap_or(0)))
        })?;
        let j = centre_of_agreement
            .get(&ag)
            .and_then(|c| juris.get(c))
            .map(|x| x.0)
            .unwrap_or("SI");
        let kind = day_kind(day, holiday_sets.get(j).unwrap_or(&none));
        delivered.entry(ag).or_default().add(kind, m);
    }
    let mut out = Billed {
        month: code.clone(),
        already: billed.len() as i64,
        ..Billed::default()
    };
    let first_id = bulk::next_id(tx, "hh_invoice").await?;
    let issued = actor.today();
    let due = issued + Duration::days(DUE_DAYS);
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(agreement_rows.len());
    if let Some(p) = progress.as_deref_mut() {
        *p = Progress::new("invoices", agreement_rows.len());
    }
    for (i, (ag, centre_id, person, muni, number)) in agreement_rows.iter().enumerate() {
        if billed.contains(ag) {
            // Visits recorded after the month was billed wait for a correction.
            continue;
        }
        let d = delivered.get(ag).copied().unwrap_or_default();
        let Some(tariff) = prices::valid_on(&price_lists, *muni, first)
            .or_else(|| prices::valid_on(&price_lists, *muni, last))
            .and_then(|p| p.tariff())
        else {
            out.no_price.push(number.clone());
            continue;
        };
        let b = tariff.bill(&d, caps.get(person).copied());
        let seq = next_seq.entry(*centre_id).or_insert(0);
        *seq += 1;
        let currency = juris.get(centre_id).map(|x| x.1).unwrap_or("EUR");
        out.invoices += 1;
        out.minutes += b.minutes;
        out.economic += b.economic;
        out.subsidy += b.subsidy;
        out.exempted += b.exempted;
        out.users += b.user_pays;
        rows.push(vec![
            Value::Int(first_id + rows.len() as i64),
            Value::Int(*centre_id),
            Value::Int(*ag),
            Value::Int(*person),
            Value::Int(*muni),
            Value::Text(code.clone()),
            Value::Str("invoice"),
            Value::Text(format!("{}/{:05}", code, seq)),
            Value::Text(reference(
                *centre_id,
                first,
                *seq,
                juris.get(centre_id).map(|x| x.0).unwrap_or("SI"),
            )),
            Value::Int(b.minutes),
            Value::Int(b.economic),
            Value::Int(b.subsidy),
            Value::Int(b.exempted),
            Value::Int(b.user_pays),
            Value::Text(currency.to_string()),
            Value::Str(if b.user_pays == 0 { "paid" } else { "open" }),
            Value::Date(issued),
            Value::Date(due),
            match actor.user_id {
                Some(u) => Value::Int(u),
                None => Value::Null,
            },
            Value::Time(actor.now),
        ]);
        if let Some(p) = progress.as_deref_mut() {
            if i % 1000 == 0 {
                p.show(i);
            }
        }
    }
    bulk::insert(
        tx,
        "hh_invoice",
        &[
            "id",
            "centre_id",
            "agreement_id",
            "person_id",
            "municipality_id",
            "month",
            "kind",
            "number",
            "reference",
            "minutes",
            "economic",
            "subsidy",
            "exempted",
            "amount",
            "currency",
            "status",
            "issued_on",
            "due_on",
            "created_by",
            "created_at",
        ],
        &rows,
    )
    .await?;
    bulk::sync_identity(tx, "hh_invoice").await?;
    if let Some(p) = progress {
        p.show(agreement_rows.len());
    }
    audit::record(
        tx,
        actor,
        Event::about(Action::Bill, "hh_invoice").detail(serde_json::json!({
            "month": code, "invoices": out.invoices, "already": out.already, "first_id": first_id,
            "users": out.users, "subsidy": out.subsidy, "exempted": out.exempted,
        })),
    )
    .await?;
    Ok(out)
}

/// Invoices of a month (of the actor's centre), audited with the persons shown.
pub async fn of_month(db: &Db, actor: &Actor, month: Date) -> AppResult<Vec<Invoice>> {
    let code = crate::month_code(month);
    let mut tx = db.begin().await?;
    let q = format!(
        "{SELECT} WHERE i.month = $1 AND ($2 IS NULL OR i.centre_id = $2) ORDER BY i.number"
    );
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Invoice>(&q).bind(&code).bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "hh_invoice").detail(serde_json::json!({
            "month": code, "persons": rows.iter().map(|r| r.person_id).collect::<HashSet<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Open invoices past their due date: the work list of what users owe.
pub async fn unpaid(db: &Db, actor: &Actor) -> AppResult<Vec<Invoice>> {
    let mut tx = db.begin().await?;
    let q = format!(
        "{SELECT} WHERE i.status = 'open' AND i.kind = 'invoice' AND i.due_on < $1 AND ($2 IS NULL OR i.centre_id = $2) \
         ORDER BY i.due_on, i.number"
    );
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Invoice>(&q).bind(actor.today()).bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "hh_invoice").detail(serde_json::json!({
            "unpaid": rows.len(), "persons": rows.iter().map(|r| r.person_id).collect::<HashSet<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Invoice> {
    let q = format!("{SELECT} WHERE i.id = $1");
    let i: Option<Invoice> =
        sql!(tx, c => sqlx::query_as::<_, Invoice>(&q).bind(id).fetch_optional(c).await?);
    let i = i.ok_or(AppError::NotFound)?;
    crate::own(actor, i.centre_id)?;
    skrb_registry::access::check(tx, actor, skrb_kit::ids::PersonId(i.person_id)).await?;
    Ok(i)
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Invoice> {
    let mut tx = db.begin().await?;
    let i = load(&mut tx, actor, id).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "hh_invoice", id).person(i.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(i)
}

/// Cancels an invoice by a credit note (its negative twin); its visits are free to be
/// billed again once corrected.
pub async fn credit(db: &Db, actor: &Actor, id: i64, version: i64) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let i = load(&mut tx, actor, id).await?;
    if i.version != version {
        return Err(AppError::Conflict {
            current_version: i.version,
        });
    }
    if i.kind != "invoice" || i.status == InvoiceStatus::Credited.code() {
        return Err(AppError::Refused(Msg::new("services-err-credit")));
    }
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(i.centre_id)).await?;
    let seq: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM hh_invoice WHERE centre_id = $1 AND month = $2")
        .bind(i.centre_id).bind(&i.month).fetch_one(c).await?);
    let month = crate::parse_month(&i.month).ok_or(AppError::BadRequest("month".into()))?;
    let seq = seq + 1;
    sql!(&mut tx, c => sqlx::query("UPDATE hh_invoice SET status = 'credited', version = version + 1 WHERE id = $1")
        .bind(id).execute(c).await?.rows_affected());
    let cid: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO hh_invoice (centre_id, agreement_id, person_id, municipality_id, month, kind, number, reference, minutes, \
         economic, subsidy, exempted, amount, currency, status, credit_of, issued_on, due_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'credit', $6, $7, $8, $9, $10, $11, $12, $13, 'credited', $14, $15, $15, $16, $17) RETURNING id")
        .bind(i.centre_id).bind(i.agreement_id).bind(i.person_id).bind(i.municipality_id).bind(&i.month)
        .bind(format!("{}/{:05}", i.month, seq)).bind(reference(i.centre_id, month, seq, &jurisdiction))
        .bind(-i.minutes).bind(-i.economic).bind(-i.subsidy).bind(-i.exempted).bind(-i.amount).bind(&i.currency)
        .bind(id).bind(actor.today()).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Credit, "hh_invoice", id)
            .person(i.person_id)
            .detail(serde_json::json!({ "credit_note": cid })),
    )
    .await?;
    tx.commit().await?;
    Ok(cid)
}

/// A municipality's statement for a month: its subsidy and the exempted shares.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Statement {
    pub municipality_id: i64,
    pub municipality: String,
    pub users: i64,
    pub minutes: i64,
    pub economic: i64,
    pub subsidy: i64,
    pub exempted: i64,
    /// What users were billed.
    pub users_billed: i64,
    /// What the municipality pays: its subsidy and what exemptions took off users.
    pub municipality_pays: i64,
    pub currency: String,
}

pub async fn statements(db: &Db, actor: &Actor, month: Date) -> AppResult<Vec<Statement>> {
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Statement>(
        "SELECT i.municipality_id, m.name AS municipality, COUNT(DISTINCT i.person_id) AS users, CAST(COALESCE(SUM(i.minutes), 0) AS BIGINT) AS minutes, \
         CAST(COALESCE(SUM(i.economic), 0) AS BIGINT) AS economic, CAST(COALESCE(SUM(i.subsidy), 0) AS BIGINT) AS subsidy, CAST(COALESCE(SUM(i.exempted), 0) AS BIGINT) AS exempted, CAST(COALESCE(SUM(i.amount), 0) AS BIGINT) AS users_billed, \
         CAST(COALESCE(SUM(i.subsidy + i.exempted), 0) AS BIGINT) AS municipality_pays, \
         MIN(i.currency) AS currency \
         FROM hh_invoice i JOIN municipality m ON m.id = i.municipality_id \
         WHERE i.month = $1 AND ($2 IS NULL OR i.centre_id = $2) GROUP BY i.municipality_id, m.name ORDER BY m.name")
        .bind(crate::month_code(month)).bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Receipts {
    pub items: usize,
    /// Invoices now paid in full.
    pub paid: usize,
    /// Invoices paid in part (still open).
    pub partly: usize,
    /// References that matched no invoice of ours.
    pub unknown: Vec<String>,
    /// Payments seen before (the statement imported again).
    pub seen: usize,
}

/// Matches the payments received in a camt.053/054 statement to invoices by their SI12
/// reference. A payment is taken once, however often the statement is imported.
pub async fn receipts(db: &Db, actor: &Actor, bytes: &[u8]) -> AppResult<Receipts> {
    let bad = |why: String| {
        AppError::Validation(vec![FieldError {
            field: "file",
            msg: Msg::new("services-err-statement").arg("why", why),
        }])
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| bad("UTF-8".into()))?
        .trim_start_matches('\u{feff}');
    let st = camt::parse_xml(text).map_err(|e| match e {
        camt::Error::NotAStatement(w) => bad(w),
        camt::Error::Line(_, w) => bad(w),
    })?;
    let mut out = Receipts::default();
    let mut tx = db.begin().await?;
    for item in st.receipts.iter().filter(|r| upn::is_si12(&r.reference)) {
        out.items += 1;
        let reference: String = item.reference.chars().filter(|c| *c != ' ').collect();
        let inv: Option<(i64, i64, i64, i64, Option<i64>, String)> = sql!(&mut tx, c => sqlx::query_as(
            "SELECT id, centre_id, person_id, amount, paid_amount, status FROM hh_invoice WHERE reference = $1 AND kind = 'invoice'")
            .bind(&reference).fetch_optional(c).await?);
        let Some((id, centre_id, person, amount, paid, status)) =
            inv.filter(|i| skrb_kit::scope::same_centre(actor, i.1).is_ok())
        else {
            out.unknown.push(reference);
            continue;
        };
        let _ = centre_id;
        let key = format!("{}:{}:{}", st.id, reference, item.entry);
        let fresh = sql!(&mut tx, c => sqlx::query(
            "INSERT INTO hh_receipt (invoice_id, statement_id, item_key, amount, booked_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (item_key) DO NOTHING")
            .bind(id).bind(&st.id).bind(&key).bind(item.amount.unwrap_or(0)).bind(item.booked).bind(actor.now)
            .execute(c).await?.rows_affected());
        if fresh == 0 {
            out.seen += 1;
            continue;
        }
        let total = paid.unwrap_or(0) + item.amount.unwrap_or(0);
        let now_paid = total >= amount;
        if now_paid {
            out.paid += 1;
        } else {
            out.partly += 1;
        }
        sql!(&mut tx, c => sqlx::query(
            "UPDATE hh_invoice SET paid_amount = $1, paid_on = $2, status = $3, version = version + 1 WHERE id = $4")
            .bind(total).bind(item.booked.unwrap_or(actor.today()))
            .bind(if now_paid || status == "paid" { "paid" } else { "open" }).bind(id).execute(c).await?.rows_affected());
        audit::record(
            &mut tx,
            actor,
            Event::new(Action::Import, "hh_invoice", id)
                .person(person)
                .detail(serde_json::json!({ "paid": item.amount, "statement": st.id })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(out)
}
