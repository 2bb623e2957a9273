//! Placements of children and adults in a foster family or an institution. A placement
//! rests on the court's order (Slovenia) or the centre's decision (Republika Srpska);
//! a foster placement pays the carer the foster payment per child and month, calculated
//! by the rights context's calculator (raises, weekends only, part months pro-rated by
//! the run) and written as an entitlement the monthly payment run pays; an institution's
//! price is split between the user, liable relatives and the public payer, whose part
//! the run pays to the institution. Supervision visits come due as tasks; every start,
//! absence, raise, visit and end is a dated event of the person's timeline.
//!
//! A family over its limit (or a child outside its approved ages) is refused unless a
//! reason is given; such a placement then waits for a second person's approval and pays
//! nothing until approved.

use skrb_domain::placements::{foster_child, split, Basis, PlacementKind, Setting};
use skrb_domain::rights::{Household, Minor};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, truthy, Check};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use skrb_rights::decisions::by_order::{self, Order, Payee};
use time::{Date, Duration};

use crate::{carers, institutions};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub id: i64,
    pub centre_id: i64,
    pub person_id: i64,
    pub person: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    #[serde(skip)]
    pub restricted: bool,
    /// foster, institution
    pub setting: String,
    pub carer_id: Option<i64>,
    pub institution_id: Option<i64>,
    /// The foster carer's or the institution's name.
    pub place_name: String,
    /// full, weekend, emergency, respite
    pub kind: String,
    /// court, decision
    pub basis: String,
    pub order_number: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub order_on: Date,
    pub court: Option<String>,
    pub contract_number: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub contract_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub start_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub end_on: Option<Date>,
    pub end_reason: Option<String>,
    pub maintenance_raise: i64,
    pub fee_raise: i64,
    pub disability: bool,
    pub over_limit_reason: Option<String>,
    pub over_limit_by: Option<i64>,
    pub visit_every_months: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub next_visit_on: Option<Date>,
    pub price: Option<i64>,
    pub user_part: i64,
    pub relatives_part: i64,
    pub relatives_name: Option<String>,
    pub currency: String,
    pub worker_id: Option<i64>,
    pub version: i64,
}

impl Placement {
    /// Over the limit and not yet approved by a second person: pays nothing yet.
    pub fn pending(&self) -> bool {
        self.over_limit_reason.is_some() && self.over_limit_by.is_none()
    }

    pub fn current(&self, today: &Date) -> bool {
        self.start_on <= *today && self.end_on.is_none_or(|e| e >= *today)
    }

    pub fn foster(&self) -> bool {
        self.setting == Setting::Foster.code()
    }

    pub fn age(&self, day: &Date) -> Option<i64> {
        self.birth_date.map(|b| crate::age_on(b, *day))
    }
}

pub(crate) const COLS: &str = "pl.id, pl.centre_id, pl.person_id, p.given_name || ' ' || p.family_name AS person, p.birth_date, p.sex, \
    p.restricted, pl.setting, pl.carer_id, pl.institution_id, \
    COALESCE(i.name, cp.given_name || ' ' || cp.family_name, '') AS place_name, pl.kind, pl.basis, pl.order_number, pl.order_on, \
    pl.court, pl.contract_number, pl.contract_on, pl.start_on, pl.end_on, pl.end_reason, pl.maintenance_raise, pl.fee_raise, \
    pl.disability, pl.over_limit_reason, pl.over_limit_by, pl.visit_every_months, pl.next_visit_on, pl.price, pl.user_part, \
    pl.relatives_part, pl.relatives_name, CASE WHEN c.jurisdiction = 'RS' THEN 'BAM' ELSE 'EUR' END AS currency, pl.worker_id, pl.version";
pub(crate) const FROM: &str = "placement pl JOIN person p ON p.id = pl.person_id JOIN centre c ON c.id = pl.centre_id \
    LEFT JOIN institution i ON i.id = pl.institution_id LEFT JOIN foster_carer fc ON fc.id = pl.carer_id \
    LEFT JOIN person cp ON cp.id = fc.person_id";

pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Placement> {
    let q = format!("SELECT {COLS} FROM {FROM} WHERE pl.id = $1");
    let p: Option<Placement> =
        sql!(tx, x => sqlx::query_as::<_, Placement>(&q).bind(id).fetch_optional(x).await?);
    let p = p.ok_or(AppError::NotFound)?;
    crate::own(actor, p.centre_id)?;
    skrb_registry::access::check(tx, actor, PersonId(p.person_id)).await?;
    Ok(p)
}

/// A row of a list: the placement, its person's name masked when the file is
/// restricted and the reader is not on its team.
pub async fn list(db: &Db, actor: &Actor, current: bool) -> AppResult<Vec<Placement>> {
    let today = actor.today();
    let mut tx = db.begin().await?;
    let centre = skrb_kit::scope::centre_of(actor);
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE ($1 IS NULL OR pl.centre_id = $1) AND (NOT $2 OR pl.end_on IS NULL OR pl.end_on >= $3) \
         ORDER BY pl.start_on DESC, pl.id DESC"
    );
    let mut rows: Vec<Placement> = sql!(&mut tx, x => sqlx::query_as::<_, Placement>(&q).bind(centre).bind(current).bind(today)
        .fetch_all(x).await?);
    mask(&mut tx, actor, &mut rows).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "placement", 0)
            .detail(serde_json::json!({ "shown": rows.len(), "current": current })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The centre's placements (the current ones, or all when `all`) as XLSX or CSV, newest
/// first; names of restricted files the reader is not on the team of are "—". Audited
/// as a download.
pub async fn export(
    read: &Db,
    db: &Db,
    actor: &Actor,
    all: bool,
    format: skrb_kit::export::Format,
    l: skrb_kit::i18n::Locale,
) -> AppResult<skrb_kit::export::Download> {
    use skrb_kit::export::{download, headings, Bind, Listing};
    use skrb_kit::i18n::t;
    use skrb_kit::sheet::Cell;
    let seen = skrb_registry::access::name_visible(actor);
    let cols = COLS
        .replacen(
            "p.given_name || ' ' || p.family_name AS person",
            &format!(
                "CASE WHEN {seen} THEN p.given_name || ' ' || p.family_name ELSE '—' END AS person"
            ),
            1,
        )
        .replacen(
            "p.birth_date,",
            &format!("CASE WHEN {seen} THEN p.birth_date END AS birth_date,"),
            1,
        );
    let list = Listing {
        sql: format!(
            "SELECT {cols} FROM {FROM} WHERE ($1 IS NULL OR pl.centre_id = $1) AND ($2 OR pl.end_on IS NULL OR pl.end_on >= $3) \
             ORDER BY pl.start_on DESC, pl.id DESC"
        ),
        binds: vec![
            Bind::N(skrb_kit::scope::centre_of(actor)),
            Bind::B(all),
            Bind::D(actor.today()),
        ],
        title: t(l, "placements-title"),
        columns: headings(
            l,
            &[
                "placements-person",
                "registry-col-birth-date",
                "placements-setting",
                "placements-where",
                "placements-kind",
                "placements-basis",
                "placements-order-number",
                "placements-start",
                "placements-end",
                "placements-end-reason",
                "placements-next-visit",
            ],
        ),
        name: "placements",
        entity: "placement",
        detail: serde_json::json!({ "all": all }),
    };
    download(read, db, actor, list, format, |p: Placement| {
        vec![
            Cell::Text(p.person),
            p.birth_date.map_or(Cell::Empty, Cell::Date),
            Cell::Text(t(l, &format!("placements-setting-{}", p.setting))),
            Cell::Text(p.place_name),
            Cell::Text(t(l, &format!("placements-kind-{}", p.kind))),
            Cell::Text(t(l, &format!("placements-basis-{}", p.basis))),
            Cell::Text(p.order_number),
            Cell::Date(p.start_on),
            p.end_on.map_or(Cell::Empty, Cell::Date),
            p.end_reason.map_or(Cell::Empty, Cell::Text),
            p.next_visit_on.map_or(Cell::Empty, Cell::Date),
        ]
    })
    .await
}

/// Replaces the names of restricted files the reader may not open.
pub(crate) async fn mask(tx: &mut Tx, actor: &Actor, rows: &mut [Placement]) -> AppResult<()> {
    for r in rows.iter_mut().filter(|r| r.restricted) {
        if !skrb_registry::access::visible(tx, actor, PersonId(r.person_id)).await? {
            r.person = "—".into();
            r.birth_date = None;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlacementEvent)]
pub struct TimelineItem {
    pub placement_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on_day: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub to_day: Option<Date>,
    /// start, absence, return, raise, visit, report, move, end
    pub kind: String,
    pub note: Option<String>,
    /// Where the person was (the family or the institution).
    pub place_name: String,
    pub by_name: Option<String>,
}

/// A payment a placement makes through the runs.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlacementPayment {
    pub entitlement_id: i64,
    pub right: String,
    pub amount: Minor,
    pub currency: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub from: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub to: Option<Date>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlacementFile {
    pub placement: Placement,
    pub payments: Vec<PlacementPayment>,
    /// Every placement of the person and its events, in order.
    pub timeline: Vec<TimelineItem>,
}

/// A placement with its payments and the person's whole timeline, audited as a read.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<PlacementFile> {
    let mut tx = db.begin().await?;
    let placement = load(&mut tx, actor, id).await?;
    let payments = by_order::of_placement(&mut tx, id)
        .await?
        .into_iter()
        .map(
            |(entitlement_id, right, amount, currency, from, to)| PlacementPayment {
                entitlement_id,
                right,
                amount,
                currency,
                from,
                to,
            },
        )
        .collect();
    let timeline = timeline(&mut tx, placement.person_id).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "placement", id).person(placement.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(PlacementFile {
        placement,
        payments,
        timeline,
    })
}

pub async fn timeline(tx: &mut Tx, person: i64) -> AppResult<Vec<TimelineItem>> {
    Ok(sql!(tx, x => sqlx::query_as::<_, TimelineItem>(
        "SELECT e.placement_id, e.on_day, e.to_day, e.kind, e.note, \
         COALESCE(i.name, cp.given_name || ' ' || cp.family_name, '') AS place_name, u.display_name AS by_name \
         FROM placement_event e JOIN placement pl ON pl.id = e.placement_id LEFT JOIN institution i ON i.id = pl.institution_id \
         LEFT JOIN foster_carer fc ON fc.id = pl.carer_id LEFT JOIN person cp ON cp.id = fc.person_id \
         LEFT JOIN app_user u ON u.id = e.user_id WHERE pl.person_id = $1 ORDER BY e.on_day, e.id")
        .bind(person).fetch_all(x).await?))
}

/// A person's placements (for the person's page), audited with the read of the person.
pub async fn of_person(tx: &mut Tx, person: i64) -> AppResult<Vec<Placement>> {
    let q = format!("SELECT {COLS} FROM {FROM} WHERE pl.person_id = $1 ORDER BY pl.start_on DESC");
    Ok(sql!(tx, x => sqlx::query_as::<_, Placement>(&q).bind(person).fetch_all(x).await?))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlacementForm {
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    /// foster, institution
    #[serde(deserialize_with = "lenient")]
    pub setting: String,
    #[serde(deserialize_with = "lenient")]
    pub carer_id: String,
    #[serde(deserialize_with = "lenient")]
    pub institution_id: String,
    /// full, weekend, emergency, respite
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// court, decision
    #[serde(deserialize_with = "lenient")]
    pub basis: String,
    #[serde(deserialize_with = "lenient")]
    pub order_number: String,
    #[serde(deserialize_with = "lenient")]
    pub order_on: String,
    #[serde(deserialize_with = "lenient")]
    pub court: String,
    #[serde(deserialize_with = "lenient")]
    pub contract_number: String,
    #[serde(deserialize_with = "lenient")]
    pub contract_on: String,
    #[serde(deserialize_with = "lenient")]
    pub start_on: String,
    /// A planned end (respite, emergency).
    #[serde(deserialize_with = "lenient")]
    pub end_on: String,
    /// 0, 25 or 50 (%).
    #[serde(deserialize_with = "lenient")]
    pub maintenance_raise: String,
    /// 0, 25 or 50 (%).
    #[serde(deserialize_with = "lenient")]
    pub fee_raise: String,
    #[serde(deserialize_with = "lenient")]
    pub disability: String,
    /// Why the family's limit (or its approved ages) is exceeded; the placement then
    /// waits for a second person.
    #[serde(deserialize_with = "lenient")]
    pub over_limit_reason: String,
    #[serde(deserialize_with = "lenient")]
    pub visit_every_months: String,
    /// An institution's monthly price (else the institution's).
    #[serde(deserialize_with = "lenient")]
    pub price: String,
    #[serde(deserialize_with = "lenient")]
    pub user_part: String,
    #[serde(deserialize_with = "lenient")]
    pub relatives_part: String,
    #[serde(deserialize_with = "lenient")]
    pub relatives_name: String,
}

pub const RAISES: [&str; 3] = ["0", "25", "50"];

fn raise_of(ck: &mut Check, field: &'static str, v: &str) -> i64 {
    ck.choice(
        field,
        if v.trim().is_empty() { "0" } else { v },
        &RAISES,
        false,
    )
    .and_then(|r| r.parse().ok())
    .unwrap_or(0)
}

/// What a new placement was: its id and whether it waits for a second person.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Placed {
    pub id: i64,
    pub pending: bool,
    /// The monthly payment it makes through the runs (the foster payment, or the public
    /// part of the price).
    pub monthly: Option<Minor>,
}

pub async fn create(db: &Db, actor: &Actor, f: &PlacementForm) -> AppResult<Placed> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let today = actor.today();
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let setting = ck.choice("setting", &f.setting, &Setting::codes(), true);
    let kind = ck.choice("kind", &f.kind, &PlacementKind::codes(), true);
    let basis = ck.choice("basis", &f.basis, &Basis::codes(), true);
    let order_number = ck.text("order_number", &f.order_number, true, 60);
    let order_on = ck.date("order_on", &f.order_on, true);
    let court = ck.text("court", &f.court, false, 200);
    let contract_number = ck.text("contract_number", &f.contract_number, false, 60);
    let contract_on = ck.date("contract_on", &f.contract_on, false);
    let start = ck.date("start_on", &f.start_on, true);
    let end = ck.date("end_on", &f.end_on, false);
    ck.order("end_on", start, end);
    let mraise = raise_of(&mut ck, "maintenance_raise", &f.maintenance_raise);
    let fraise = raise_of(&mut ck, "fee_raise", &f.fee_raise);
    let disability = truthy(&f.disability);
    let over_reason = ck.text("over_limit_reason", &f.over_limit_reason, false, 2000);
    let every = ck
        .number("visit_every_months", &f.visit_every_months, false, 12)
        .unwrap_or(3)
        .max(1);
    let price = ck.money("price", &f.price, false);
    let user_part = ck.money("user_part", &f.user_part, false).unwrap_or(0);
    let relatives_part = ck
        .money("relatives_part", &f.relatives_part, false)
        .unwrap_or(0);
    let relatives_name = ck.text("relatives_name", &f.relatives_name, false, 200);
    if relatives_part > 0 && relatives_name.is_none() {
        ck.err("relatives_name", "err-required");
    }
    let carer_id = ck.id("carer_id", &f.carer_id, setting == Some("foster"));
    let inst_id = ck.id(
        "institution_id",
        &f.institution_id,
        setting == Some("institution"),
    );
    if basis == Some("court") && court.is_none() {
        ck.err("court", "err-required");
    }
    let mut tx = db.begin().await?;
    if let Some(p) = person {
        skrb_registry::access::check(&mut tx, actor, PersonId(p)).await?;
    }
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let born: Option<Date> = match person {
        Some(p) => {
            sql!(&mut tx, x => sqlx::query_scalar("SELECT birth_date FROM person WHERE id = $1").bind(p).fetch_one(x).await?)
        }
        None => None,
    };
    // Placed twice at once is refused: a move ends the first placement.
    if let (Some(p), Some(s)) = (person, start) {
        let open: i64 = sql!(&mut tx, x => sqlx::query_scalar(
            "SELECT COUNT(*) FROM placement WHERE person_id = $1 AND (end_on IS NULL OR end_on >= $2) AND start_on <= COALESCE($3, start_on)")
            .bind(p).bind(s).bind(end).fetch_one(x).await?);
        if open > 0 {
            ck.err("person_id", "placements-err-already-placed");
        }
    }
    let mut over = false;
    let mut carer = None;
    let mut inst = None;
    if let (Some("foster"), Some(cid)) = (setting, carer_id) {
        let c = carer_in(&mut tx, cid, start.unwrap_or(today)).await?;
        match c {
            Some(c) if c.jurisdiction == j => {
                if !c.state().takes_children() {
                    ck.err("carer_id", "placements-err-carer-not-approved");
                } else if c.permit_on.zip(start).is_some_and(|(p, s)| s < p) {
                    ck.err("start_on", "placements-err-before-permit");
                } else {
                    // Every child with the family at any time of the new placement counts.
                    let (placed, disabled) =
                        overlapping(&mut tx, cid, start.unwrap_or(today), end).await?;
                    let fits = c.terms().admits(placed, disabled > 0, disability);
                    let age = born.zip(start).map(|(b, s)| crate::age_on(b, s));
                    let ages_ok = age.is_none_or(|a| {
                        c.age_from.is_none_or(|f| a >= f) && c.age_to.is_none_or(|t| a <= t)
                    });
                    if !(fits && ages_ok) {
                        over = true;
                        if over_reason.is_none() {
                            ck.err_msg(
                                "over_limit_reason",
                                Msg::new(if fits {
                                    "placements-err-ages"
                                } else {
                                    "placements-err-over-limit"
                                })
                                .num("limit", c.terms().limit(disabled > 0 || disability))
                                .num("placed", placed),
                            );
                        }
                    }
                }
                carer = Some(c);
            }
            _ => ck.err("carer_id", "placements-err-carer-unknown"),
        }
    }
    if let (Some("institution"), Some(iid)) = (setting, inst_id) {
        match institutions::load(&mut tx, iid, today).await {
            Ok(i) if i.jurisdiction == j && i.active => {
                if price.or(i.price).is_none() {
                    ck.err("price", "err-required");
                }
                inst = Some(i);
            }
            Ok(_) | Err(AppError::NotFound) => {
                ck.err("institution_id", "placements-err-institution-unknown")
            }
            Err(e) => return Err(e),
        }
    }
    ck.done()?;
    let (
        Some(person),
        Some(setting),
        Some(kind),
        Some(basis),
        Some(order_number),
        Some(order_on),
        Some(start),
    ) = (person, setting, kind, basis, order_number, order_on, start)
    else {
        return Err(AppError::BadRequest("placement".into()));
    };
    let price = price.or(inst.as_ref().and_then(|i| i.price));
    // The first supervision visit within four weeks, then every few months.
    let first_visit = start + Duration::days(28);
    let id: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO placement (centre_id, person_id, setting, carer_id, institution_id, kind, basis, order_number, order_on, court, \
         contract_number, contract_on, start_on, end_on, maintenance_raise, fee_raise, disability, over_limit_reason, \
         visit_every_months, next_visit_on, price, user_part, relatives_part, relatives_name, worker_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26) \
         RETURNING id")
        .bind(centre).bind(person).bind(setting).bind(carer_id.filter(|_| setting == "foster"))
        .bind(inst_id.filter(|_| setting == "institution")).bind(kind).bind(basis).bind(&order_number).bind(order_on)
        .bind(&court).bind(&contract_number).bind(contract_on).bind(start).bind(end).bind(mraise).bind(fraise).bind(disability)
        .bind(if over { over_reason.clone() } else { None }).bind(every).bind(first_visit)
        .bind(if setting == "institution" { price } else { None }).bind(user_part).bind(relatives_part).bind(&relatives_name)
        .bind(actor.user_id).bind(actor.now).fetch_one(x).await?);
    add_event(&mut tx, actor, id, start, None, "start", None).await?;
    let monthly = if over {
        None
    } else {
        let p = load(&mut tx, actor, id).await?;
        pay(&mut tx, actor, &p, start, carer.as_ref(), inst.as_ref()).await?
    };
    visit_task(&mut tx, actor, centre, &j, id, first_visit).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Place, "placement", id).person(person).detail(serde_json::json!({
            "setting": setting, "kind": kind, "carer": carer_id, "institution": inst_id, "start": start.to_string(),
            "over_limit": over, "monthly": monthly,
        })).reason(over_reason.as_deref().filter(|_| over)),
    )
    .await?;
    tx.commit().await?;
    Ok(Placed {
        id,
        pending: over,
        monthly,
    })
}

/// Children placed with a family at any time between `start` and `end` (open: from
/// `start` on), and of them with a disability. Counting every placement that overlaps
/// the period errs on the safe side: a family never ends up over its limit on any day.
async fn overlapping(
    tx: &mut Tx,
    carer: i64,
    start: Date,
    end: Option<Date>,
) -> AppResult<(i64, i64)> {
    Ok(sql!(tx, x => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN disability THEN 1 ELSE 0 END), 0) AS BIGINT) FROM placement \
         WHERE carer_id = $1 AND (end_on IS NULL OR end_on >= $2) AND ($3 IS NULL OR start_on <= $3)")
        .bind(carer).bind(start).bind(end).fetch_one(x).await?))
}

/// Any centre's carer, read in the transaction with its children placed on `day` (a
/// child may be placed with a family another centre supervises).
async fn carer_in(tx: &mut Tx, id: i64, day: Date) -> AppResult<Option<carers::Carer>> {
    carers::read(tx, id, day).await
}

/// Starts the placement's payments from `from`: the foster payment for a foster
/// placement, the public part of the price for an institution.
pub(crate) async fn pay(
    tx: &mut Tx,
    actor: &Actor,
    p: &Placement,
    from: Date,
    carer: Option<&carers::Carer>,
    inst: Option<&institutions::Institution>,
) -> AppResult<Option<Minor>> {
    let rs = p.currency == "BAM";
    let (right, household, amount, payee) = if let Some(c) = carer {
        let right = if rs {
            "rs_foster_payment"
        } else {
            "foster_payment"
        };
        let kind = PlacementKind::from_code(&p.kind).unwrap_or(PlacementKind::Full);
        let household = Household {
            children: vec![foster_child(
                &p.person,
                kind,
                p.maintenance_raise as u32,
                p.fee_raise as u32,
            )],
            ..Household::default()
        };
        let address: Option<String> = sql!(tx, x => sqlx::query_scalar(
            "SELECT NULLIF(TRIM(COALESCE(address, '') || ' ' || COALESCE(postal_code, '') || ' ' || COALESCE(place, '')), '') FROM person WHERE id = $1")
            .bind(c.person_id).fetch_one(x).await?);
        (
            right,
            household,
            None,
            Payee {
                name: c.name.clone(),
                iban: c.iban.clone(),
                address,
            },
        )
    } else if let Some(i) = inst {
        let exemption = exemption_of(tx, p.person_id, from).await?;
        let parts = split(
            p.price.unwrap_or(0),
            p.user_part,
            p.relatives_part,
            exemption,
        );
        if parts.rest == 0 {
            return Ok(None);
        }
        let child = p.age(&from).is_some_and(|a| a < 18);
        let right = match (rs, child) {
            (true, _) => "rs_institution",
            (false, true) => "si_institution_state",
            (false, false) => "si_institution",
        };
        let address = match (&i.address, &i.place) {
            (Some(a), Some(pl)) => Some(format!("{a}, {pl}")),
            (a, pl) => a.clone().or(pl.clone()),
        };
        (
            right,
            Household::default(),
            Some(parts.rest),
            Payee {
                name: i.name.clone(),
                iban: i.iban.clone(),
                address,
            },
        )
    } else {
        return Ok(None);
    };
    let j = if rs { "RS" } else { "SI" };
    let l = skrb_rights::decisions::centre_locale(j);
    let reasoning = skrb_kit::i18n::t_args(
        l,
        "placements-reasoning",
        &[
            ("order", p.order_number.clone().into()),
            (
                "contract",
                p.contract_number.clone().unwrap_or_default().into(),
            ),
            ("place", payee.name.clone().into()),
        ],
    );
    let number = p
        .contract_number
        .clone()
        .unwrap_or_else(|| p.order_number.clone());
    let g = by_order::grant(
        tx,
        actor,
        &Order {
            centre_id: p.centre_id,
            person_id: p.person_id,
            right,
            household,
            amount,
            from,
            to: p.end_on,
            number: &number,
            reasoning,
            placement_id: Some(p.id),
            payee,
        },
        actor.today(),
    )
    .await?;
    Ok(Some(g.amount))
}

/// What an exemption decided in the procedure leaves the person to pay a month, on a day.
pub(crate) async fn exemption_of(tx: &mut Tx, person: i64, day: Date) -> AppResult<Option<Minor>> {
    Ok(sql!(tx, x => sqlx::query_scalar(
        "SELECT e.amount FROM entitlement e JOIN right_type r ON r.id = e.right_id WHERE e.person_id = $1 \
         AND r.code = 'si_inst_exemption' AND e.status <> 'ended' AND e.valid_from <= $2 AND (e.valid_to IS NULL OR e.valid_to >= $2) \
         ORDER BY e.valid_from DESC LIMIT 1")
        .bind(person).bind(day).fetch_optional(x).await?))
}

pub(crate) async fn add_event(
    tx: &mut Tx,
    actor: &Actor,
    placement: i64,
    on: Date,
    to: Option<Date>,
    kind: &str,
    note: Option<&str>,
) -> AppResult<()> {
    sql!(tx, x => sqlx::query(
        "INSERT INTO placement_event (placement_id, on_day, to_day, kind, note, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(placement).bind(on).bind(to).bind(kind).bind(note).bind(actor.user_id).bind(actor.now).execute(x).await?.rows_affected());
    Ok(())
}

/// The next supervision visit as a task for the worker.
async fn visit_task(
    tx: &mut Tx,
    actor: &Actor,
    centre: i64,
    j: &str,
    id: i64,
    due: Date,
) -> AppResult<()> {
    let Some(user) = actor.user_id else {
        return Ok(());
    };
    let l = skrb_rights::decisions::centre_locale(j);
    let title = skrb_kit::i18n::t_args(l, "placements-task-visit", &[("id", id.into())]);
    skrb_cases::files::add_task(
        tx,
        actor,
        Some(centre),
        None,
        &title,
        user,
        due,
        "statutory",
    )
    .await?;
    Ok(())
}

/// A second person approves a placement over the family's limit: it starts paying.
pub async fn approve(db: &Db, actor: &Actor, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let p = load(&mut tx, actor, id).await?;
    if !p.pending() {
        return Err(AppError::Refused(Msg::new("placements-err-not-pending")));
    }
    let created_by: Option<i64> = sql!(&mut tx, x => sqlx::query_scalar("SELECT created_by FROM placement WHERE id = $1")
        .bind(id).fetch_one(x).await?);
    if created_by == actor.user_id {
        return Err(AppError::Refused(Msg::new("placements-err-second-person")));
    }
    sql!(&mut tx, x => sqlx::query("UPDATE placement SET over_limit_by = $1, version = version + 1 WHERE id = $2")
        .bind(actor.user_id).bind(id).execute(x).await?.rows_affected());
    let carer = match p.carer_id {
        Some(c) => carer_in(&mut tx, c, p.start_on).await?,
        None => None,
    };
    let inst = match p.institution_id {
        Some(i) => Some(institutions::load(&mut tx, i, p.start_on).await?),
        None => None,
    };
    let p = load(&mut tx, actor, id).await?;
    let monthly = pay(
        &mut tx,
        actor,
        &p,
        p.start_on,
        carer.as_ref(),
        inst.as_ref(),
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Approve, "placement", id)
            .person(p.person_id)
            .detail(serde_json::json!({ "monthly": monthly })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RaiseForm {
    /// From this day the new raises apply.
    #[serde(deserialize_with = "lenient")]
    pub effective: String,
    #[serde(deserialize_with = "lenient")]
    pub maintenance_raise: String,
    #[serde(deserialize_with = "lenient")]
    pub fee_raise: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// New raises of a foster payment from a day (an annex to the contract): the payment
/// so far ends the day before, the new one starts that day.
pub async fn raise(db: &Db, actor: &Actor, id: i64, f: &RaiseForm) -> AppResult<Minor> {
    let mut ck = Check::new();
    let effective = ck.date("effective", &f.effective, true);
    let mraise = raise_of(&mut ck, "maintenance_raise", &f.maintenance_raise);
    let fraise = raise_of(&mut ck, "fee_raise", &f.fee_raise);
    let note = ck.text("note", &f.note, false, 2000);
    let mut tx = db.begin().await?;
    let p = load(&mut tx, actor, id).await?;
    skrb_kit::form::version_of(&f.version, p.version)?;
    if !p.foster() || p.pending() {
        return Err(AppError::Refused(Msg::new("placements-err-not-foster")));
    }
    if let Some(e) = effective {
        if e < p.start_on || p.end_on.is_some_and(|end| e > end) {
            ck.err("effective", "placements-err-outside");
        }
    }
    ck.done()?;
    let Some(effective) = effective else {
        return Err(AppError::BadRequest("effective".into()));
    };
    sql!(&mut tx, x => sqlx::query(
        "UPDATE placement SET maintenance_raise = $1, fee_raise = $2, version = version + 1 WHERE id = $3")
        .bind(mraise).bind(fraise).bind(id).execute(x).await?.rows_affected());
    by_order::end(&mut tx, id, effective - Duration::days(1), "changed").await?;
    let carer = match p.carer_id {
        Some(c) => carer_in(&mut tx, c, effective).await?,
        None => None,
    };
    let p2 = load(&mut tx, actor, id).await?;
    let monthly = pay(&mut tx, actor, &p2, effective, carer.as_ref(), None)
        .await?
        .unwrap_or(0);
    let text = format!(
        "{}/{} %{}",
        mraise,
        fraise,
        note.as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    );
    add_event(&mut tx, actor, id, effective, None, "raise", Some(&text)).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Change, "placement", id).person(p.person_id).detail(serde_json::json!({
            "effective": effective.to_string(), "maintenance_raise": mraise, "fee_raise": fraise, "monthly": monthly
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(monthly)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PlacementEventForm)]
pub struct EventForm {
    /// absence, return, visit, report, move
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub on_day: String,
    /// The last day of an absence.
    #[serde(deserialize_with = "lenient")]
    pub to_day: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

/// The events a worker records by hand (start, raise and end come with their steps).
pub const RECORDED: [&str; 5] = ["absence", "return", "visit", "report", "move"];

/// Records an event of the timeline; a supervision visit sets the next one due and
/// gives it to the worker as a task.
pub async fn record(db: &Db, actor: &Actor, id: i64, f: &EventForm) -> AppResult<()> {
    let mut ck = Check::new();
    let kind = ck.choice("kind", &f.kind, &RECORDED, true);
    let on = ck.date("on_day", &f.on_day, true);
    let to = ck.date("to_day", &f.to_day, false);
    ck.order("to_day", on, to);
    let note = ck.text(
        "note",
        &f.note,
        kind == Some("visit") || kind == Some("report"),
        8000,
    );
    let mut tx = db.begin().await?;
    let p = load(&mut tx, actor, id).await?;
    if let Some(d) = on {
        if d < p.start_on || d > actor.today() {
            ck.err("on_day", "placements-err-outside");
        }
    }
    ck.done()?;
    let (Some(kind), Some(on)) = (kind, on) else {
        return Err(AppError::BadRequest("event".into()));
    };
    add_event(&mut tx, actor, id, on, to, kind, note.as_deref()).await?;
    if kind == "visit" && p.end_on.is_none_or(|e| e > on) {
        let next = crate::add_months(on, p.visit_every_months as u32);
        sql!(&mut tx, x => sqlx::query("UPDATE placement SET next_visit_on = $1, version = version + 1 WHERE id = $2")
            .bind(next).bind(id).execute(x).await?.rows_affected());
        let j = if p.currency == "BAM" { "RS" } else { "SI" };
        visit_task(&mut tx, actor, p.centre_id, j, id, next).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Record, "placement", id)
            .person(p.person_id)
            .detail(serde_json::json!({ "kind": kind, "on": on.to_string() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PlacementEndForm)]
pub struct EndForm {
    /// The last day of the placement.
    #[serde(deserialize_with = "lenient")]
    pub end_on: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Ends a placement on its last day; its payments end with it (the part month paid for
/// its days).
pub async fn end(db: &Db, actor: &Actor, id: i64, f: &EndForm) -> AppResult<()> {
    let mut ck = Check::new();
    let end = ck.date("end_on", &f.end_on, true);
    let reason = ck.text("reason", &f.reason, true, 2000);
    let mut tx = db.begin().await?;
    let p = load(&mut tx, actor, id).await?;
    skrb_kit::form::version_of(&f.version, p.version)?;
    if p.end_on.is_some_and(|e| e < actor.today()) {
        return Err(AppError::Refused(Msg::new("placements-err-ended")));
    }
    if end.is_some_and(|e| e < p.start_on) {
        ck.err("end_on", "err-date-order");
    }
    ck.done()?;
    let (Some(end), Some(reason)) = (end, reason) else {
        return Err(AppError::BadRequest("end".into()));
    };
    sql!(&mut tx, x => sqlx::query("UPDATE placement SET end_on = $1, end_reason = $2, next_visit_on = NULL, version = version + 1 WHERE id = $3")
        .bind(end).bind(&reason).bind(id).execute(x).await?.rows_affected());
    by_order::end(&mut tx, id, end, "placement_ended").await?;
    add_event(&mut tx, actor, id, end, None, "end", Some(&reason)).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::End, "placement", id)
            .person(p.person_id)
            .detail(serde_json::json!({ "end": end.to_string() }))
            .reason(Some(&reason)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
