//! A programme's list: evaluated from the rule by the database in one statement (the
//! counts and the budget are then read back, never counted as rows went by), changed by
//! hand with a reason, approved by a second person and then frozen: the rows keep the
//! quantity and value they had, so a later change in the registry does not move them.
//! Approval issues what the list gives in sets: vouchers with their codes, cash as
//! one-off payments for the next run.

use skrb_domain::programmes::{self as rules, Benefit, ListStep, Per};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

use crate::programmes::{self, Budget, Programme};

/// The day `years` years before `day` (the 28th for a 29 February in a common year).
pub fn years_before(day: Date, years: i64) -> Date {
    let y = day.year() - years as i32;
    Date::from_calendar_date(y, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(y, day.month(), 28))
        .unwrap_or(day)
}

/// Persons who qualify on their own (a right they receive, their age, the area), as a
/// query of `person_id`s. Only integers and dates the caller binds are put in. A right
/// belongs to one jurisdiction (the form takes only the centre's), so a country-wide rule
/// over rights needs no look at the persons unless it asks their age; a centre's rule
/// takes the entitlements the centre pays.
fn holders(p: &Programme, rights: &[i64], jurisdiction_centres: &str) -> String {
    let age = p.rule_age_from.is_some();
    if rights.is_empty() {
        let scope = if p.whole_country {
            format!("hp.centre_id IN ({jurisdiction_centres})")
        } else {
            format!("hp.centre_id = {}", p.centre_id)
        };
        let age = if age { " AND hp.birth_date <= $3" } else { "" };
        return format!("SELECT hp.id AS person_id FROM person hp WHERE {scope}{age}");
    }
    let ids = rights
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let scope = if p.whole_country {
        String::new()
    } else {
        format!(" AND e.centre_id = {}", p.centre_id)
    };
    let (join, age) = if age {
        (
            " JOIN person hp ON hp.id = e.person_id",
            " AND hp.birth_date <= $3",
        )
    } else {
        ("", "")
    };
    format!(
        "SELECT DISTINCT e.person_id FROM entitlement e{join} \
         WHERE e.right_id IN ({ids}) AND e.status = 'active' AND e.valid_from <= $2 AND (e.valid_to IS NULL OR e.valid_to >= $2) \
         AND e.amount > 0{scope}{age}"
    )
}

/// The quantity as SQL over a row's `members` and `children`, capped.
fn quantity_sql(p: &Programme, members: &str, children: &str) -> String {
    let n = match p.per() {
        Per::Recipient => "1".to_string(),
        Per::Member => members.to_string(),
        Per::Child => children.to_string(),
    };
    let q = format!("({} * {n})", p.base);
    match p.cap {
        Some(c) => format!("(CASE WHEN {q} > {c} THEN {c} ELSE {q} END)"),
        None => q,
    }
}

const CURRENT: &str = "m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to >= $2)";

/// The children's birth dates: born after `.0`, on or before `.1` (the rule's ages, or
/// under 18).
fn child_range(p: &Programme, day: Date) -> (Date, Date) {
    let from = p.rule_child_from.unwrap_or(0);
    let to = p.rule_child_to.unwrap_or(17);
    (years_before(day, to + 1), years_before(day, from))
}

/// What an evaluation found.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeEvaluation)]
pub struct Evaluated {
    /// Recipients the rule found now (added or already on the list).
    pub found: i64,
    pub budget: Budget,
    pub millis: u128,
}

/// Evaluates the rule on `day` into the draft list: rows the rule found before and did
/// not find now go; rows added or removed by hand stay as they are.
pub async fn evaluate(db: &Db, actor: &Actor, id: i64, day: Date) -> AppResult<Evaluated> {
    let started = std::time::Instant::now();
    let mut tx = db.begin().await?;
    let p = programmes::guard(&mut tx, actor, id).await?;
    p.status()
        .after(ListStep::Evaluate)
        .map_err(|_| AppError::Refused(Msg::new("programmes-err-frozen")))?;
    let found = evaluate_in(&mut tx, actor, &p, day).await?;
    let budget = programmes::budget(&mut tx, &p).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Evaluate, "programme", id).detail(serde_json::json!({
            "on": day.to_string(), "found": found, "recipients": budget.recipients, "value": budget.committed
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Evaluated {
        found,
        budget,
        millis: started.elapsed().as_millis(),
    })
}

/// The evaluation in the caller's transaction (the bench times it alone).
pub async fn evaluate_in(tx: &mut Tx, actor: &Actor, p: &Programme, day: Date) -> AppResult<i64> {
    let mut rights = Vec::new();
    for code in p.rights() {
        let id: Option<i64> = sql!(tx, c => sqlx::query_scalar("SELECT id FROM right_type WHERE code = $1")
            .bind(&code).fetch_optional(c).await?);
        rights.extend(id);
    }
    let centres = format!(
        "SELECT id FROM centre WHERE jurisdiction = (SELECT jurisdiction FROM centre WHERE id = {})",
        p.centre_id
    );
    let q = holders(p, &rights, &centres);
    let age_day = years_before(day, p.rule_age_from.unwrap_or(0));
    let (cmin, cmax) = child_range(p, day);
    let child_rule = p.rule_child_from.is_some() || p.rule_child_to.is_some();
    sql!(tx, c => sqlx::query("DELETE FROM programme_entry WHERE programme_id = $1 AND origin = 'rule' AND removed = FALSE")
        .bind(p.id).execute(c).await?.rows_affected());
    let not_listed = "NOT EXISTS (SELECT 1 FROM programme_entry x WHERE x.programme_id = $1 AND x.person_id = g.rep)";
    // The qualifying persons and their households, each found once.
    let with = format!(
        "WITH q AS ({q}), hh AS (SELECT DISTINCT m.household_id FROM household_member m JOIN q ON q.person_id = m.person_id WHERE {CURRENT}) "
    );
    let insert = "INSERT INTO programme_entry (programme_id, person_id, household_id, members, children, quantity, value, origin, removed, created_at)";
    let sql = if p.by_household() {
        let qty = quantity_sql(p, "g.members", "g.children");
        // Children are counted only when the rule or the quantity asks for them.
        let (person, children) = if child_rule || p.per() == Per::Child {
            (
                " JOIN person p ON p.id = m.person_id",
                "SUM(CASE WHEN p.birth_date > $4 AND p.birth_date <= $5 THEN 1 ELSE 0 END)",
            )
        } else {
            ("", "0")
        };
        let (household, municipality) = match p.rule_municipality_id {
            Some(m) => (
                " JOIN household h ON h.id = g.hid",
                format!(" AND h.municipality_id = {m}"),
            ),
            None => ("", String::new()),
        };
        format!(
            "{with}{insert} \
             SELECT $1, g.rep, g.hid, g.members, g.children, {qty}, {qty} * {uv}, 'rule', FALSE, $6 FROM ( \
               SELECT m.household_id AS hid, COUNT(*) AS members, {children} AS children, \
                 MIN(CASE WHEN q.person_id IS NOT NULL THEN m.person_id END) AS rep \
               FROM household_member m{person} LEFT JOIN q ON q.person_id = m.person_id \
               WHERE {CURRENT} AND m.household_id IN (SELECT household_id FROM hh) \
               GROUP BY m.household_id) g{household} \
             WHERE g.rep IS NOT NULL{children_rule}{municipality} AND {qty} > 0 AND {not_listed}",
            uv = p.unit_value,
            children_rule = if child_rule { " AND g.children > 0" } else { "" },
        )
    } else {
        let qty = quantity_sql(p, "1", "0");
        let persons = if child_rule {
            format!(
                "SELECT DISTINCT m.person_id AS person_id FROM household_member m JOIN person p ON p.id = m.person_id \
                 WHERE {CURRENT} AND p.birth_date > $4 AND p.birth_date <= $5 AND m.household_id IN (SELECT household_id FROM hh)"
            )
        } else {
            "SELECT person_id FROM q".to_string()
        };
        let municipality = p
            .rule_municipality_id
            .map(|m| format!(" AND pp.municipality_id = {m}"))
            .unwrap_or_default();
        format!(
            "{with}{insert} \
             SELECT $1, g.rep, (SELECT MIN(m.household_id) FROM household_member m WHERE m.person_id = g.rep AND {CURRENT}), 1, 0, \
               {qty}, {qty} * {uv}, 'rule', FALSE, $6 \
             FROM (SELECT person_id AS rep FROM ({persons}) s) g JOIN person pp ON pp.id = g.rep WHERE {qty} > 0{municipality} AND {not_listed}",
            uv = p.unit_value,
        )
    };
    sql!(tx, c => sqlx::query(&sql).bind(p.id).bind(day).bind(age_day).bind(cmin).bind(cmax).bind(actor.now)
        .execute(c).await?.rows_affected());
    sql!(tx, c => sqlx::query(
        "UPDATE programme SET list_status = 'draft', list_on = $1, evaluated_by = $2, evaluated_at = $3, version = version + 1 WHERE id = $4")
        .bind(day).bind(actor.user_id).bind(actor.now).bind(p.id).execute(c).await?.rows_affected());
    let found: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM programme_entry WHERE programme_id = $1 AND origin = 'rule' AND removed = FALSE")
        .bind(p.id).fetch_one(c).await?);
    Ok(found)
}

/// A row of the list, with what was handed over.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeEntry)]
pub struct Entry {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub restricted: bool,
    pub household_id: Option<i64>,
    pub members: i64,
    pub children: i64,
    pub quantity: i64,
    pub value: i64,
    /// rule, hand
    pub origin: String,
    pub removed: bool,
    pub reason: Option<String>,
    pub code: Option<String>,
    pub redeemed: bool,
    /// How much was handed over so far.
    pub handed: i64,
    pub entitlement_id: Option<i64>,
}

impl Entry {
    pub fn collected(&self) -> bool {
        self.redeemed || self.handed >= self.quantity
    }
}

const ENTRY_COLS: &str = "pe.id, pe.person_id, p.given_name || ' ' || p.family_name AS name, p.restricted, pe.household_id, pe.members, \
    pe.children, pe.quantity, pe.value, pe.origin, pe.removed, pe.reason, v.code, (v.redeemed_at IS NOT NULL) AS redeemed, \
    CAST(COALESCE((SELECT SUM(d.quantity) FROM distribution d WHERE d.entry_id = pe.id), 0) AS BIGINT) AS handed, pe.entitlement_id";
const ENTRY_FROM: &str =
    "programme_entry pe JOIN person p ON p.id = pe.person_id LEFT JOIN voucher v ON v.entry_id = pe.id";

/// Which rows a page of the list shows.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct Filter {
    /// A part of the name.
    pub q: Option<String>,
    /// `removed`: only removed rows; `open`: only what was not collected yet.
    pub show: Option<String>,
    pub offset: Option<i64>,
}

pub const PAGE: i64 = 100;

/// The rows a filter keeps, as a condition (`$1` the programme, `$2` the name's pattern),
/// and the pattern.
fn condition(f: &Filter) -> (String, String) {
    let mut cond = String::from("pe.programme_id = $1");
    match f.show.as_deref() {
        Some("removed") => cond.push_str(" AND pe.removed = TRUE"),
        Some("open") => cond.push_str(
            " AND pe.removed = FALSE AND v.redeemed_at IS NULL AND COALESCE((SELECT SUM(d.quantity) FROM distribution d WHERE d.entry_id = pe.id), 0) < pe.quantity",
        ),
        _ => cond.push_str(" AND pe.removed = FALSE"),
    }
    let key =
        f.q.as_deref()
            .map(skrb_domain::names::fold)
            .filter(|k| !k.is_empty());
    if key.is_some() {
        cond.push_str(" AND p.name_key LIKE $2");
    }
    let like = key.map(|k| format!("%{k}%")).unwrap_or_default();
    (cond, like)
}

/// The whole list with the page's filter (every row, not only a page of 100), as XLSX
/// or CSV: what each recipient gets and what was handed over. Names of restricted files
/// the reader is not on the team of are "—". Audited as a download.
pub async fn export(
    read: &Db,
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &Filter,
    format: skrb_kit::export::Format,
    l: skrb_kit::i18n::Locale,
) -> AppResult<skrb_kit::export::Download> {
    use skrb_kit::export::{download, headings, Bind, Listing};
    use skrb_kit::i18n::t;
    use skrb_kit::sheet::Cell;
    let mut tx = db.begin_read().await?;
    let prog = programmes::guard(&mut tx, actor, id).await?;
    tx.commit().await?;
    let (cond, like) = condition(f);
    let seen = skrb_registry::access::name_visible(actor);
    let cols = ENTRY_COLS.replacen(
        "p.given_name || ' ' || p.family_name AS name",
        &format!("CASE WHEN {seen} THEN p.given_name || ' ' || p.family_name ELSE '—' END AS name"),
        1,
    );
    let list = Listing {
        sql: format!(
            "SELECT {cols} FROM {ENTRY_FROM} WHERE {cond} ORDER BY p.family_name, p.given_name, pe.id"
        ),
        binds: vec![Bind::I(id), Bind::S(like)],
        title: prog.name.clone(),
        columns: headings(
            l,
            &[
                "programmes-recipient",
                "programmes-members",
                "programmes-children",
                "programmes-quantity",
                "programmes-value",
                "programmes-handed",
                "programmes-code",
                "programmes-state",
                "programmes-reason",
            ],
        ),
        name: "programme-list",
        entity: "programme_entry",
        detail: serde_json::json!({ "programme": id, "q": f.q, "show": f.show }),
    };
    download(read, db, actor, list, format, |e: Entry| {
        let state = if e.removed {
            "programmes-removed"
        } else if e.collected() {
            "programmes-collected"
        } else if e.handed > 0 {
            "programmes-partly"
        } else {
            "programmes-not-yet"
        };
        vec![
            Cell::Text(e.name.clone()),
            Cell::Count(e.members),
            Cell::Count(e.children),
            Cell::Count(e.quantity),
            Cell::Money(e.value),
            Cell::Count(e.handed),
            e.code.clone().map_or(Cell::Empty, Cell::Text),
            Cell::Text(t(l, state)),
            e.reason.clone().map_or(Cell::Empty, Cell::Text),
        ]
    })
    .await
}

/// A page of the list (names of restricted files the reader may not open masked), and
/// how many rows the filter matches.
pub async fn entries(db: &Db, actor: &Actor, id: i64, f: &Filter) -> AppResult<(Vec<Entry>, i64)> {
    let mut tx = db.begin().await?;
    programmes::guard(&mut tx, actor, id).await?;
    let (cond, like) = condition(f);
    let offset = f.offset.unwrap_or(0).clamp(0, 10_000_000);
    let total: i64 = sql!(&mut tx, c => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {ENTRY_FROM} WHERE {cond}"))
        .bind(id).bind(&like).fetch_one(c).await?);
    let q = format!("SELECT {ENTRY_COLS} FROM {ENTRY_FROM} WHERE {cond} ORDER BY p.family_name, p.given_name, pe.id LIMIT {PAGE} OFFSET {offset}");
    let mut rows: Vec<Entry> =
        sql!(&mut tx, c => sqlx::query_as::<_, Entry>(&q).bind(id).bind(&like).fetch_all(c).await?);
    for r in rows.iter_mut().filter(|r| r.restricted) {
        if !skrb_registry::access::visible(&mut tx, actor, PersonId(r.person_id)).await? {
            r.name = "—".into();
        }
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "programme_entry", id).detail(serde_json::json!({
            "persons": rows.iter().map(|r| r.person_id).collect::<Vec<_>>()
        })),
    )
    .await?;
    tx.commit().await?;
    Ok((rows, total))
}

/// One row of the list, for its page (the person checked like any file).
pub async fn entry(tx: &mut Tx, actor: &Actor, id: i64, entry_id: i64) -> AppResult<Entry> {
    programmes::guard(tx, actor, id).await?;
    let q =
        format!("SELECT {ENTRY_COLS} FROM {ENTRY_FROM} WHERE pe.id = $1 AND pe.programme_id = $2");
    let e: Option<Entry> = sql!(tx, c => sqlx::query_as::<_, Entry>(&q).bind(entry_id).bind(id).fetch_optional(c).await?);
    let e = e.ok_or(AppError::NotFound)?;
    skrb_registry::access::check(tx, actor, PersonId(e.person_id)).await?;
    Ok(e)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeEntryForm)]
pub struct AddForm {
    /// The person added (for a household list, the household's representative).
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    /// Why by hand (the rule does not find them, but the worker knows the need).
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

/// Adds a person by hand with a reason (or puts back one removed).
pub async fn add(db: &Db, actor: &Actor, id: i64, f: &AddForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let reason = ck.text("reason", &f.reason, true, 500);
    ck.done()?;
    let person = person.unwrap_or_default();
    let mut tx = db.begin().await?;
    let p = programmes::guard(&mut tx, actor, id).await?;
    p.status()
        .after(ListStep::Change)
        .map_err(|_| AppError::Refused(Msg::new("programmes-err-frozen")))?;
    skrb_registry::access::check(&mut tx, actor, PersonId(person)).await?;
    let day = p.list_on.unwrap_or_else(|| actor.today());
    let existing: Option<(i64, bool)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, removed FROM programme_entry WHERE programme_id = $1 AND person_id = $2")
        .bind(id).bind(person).fetch_optional(c).await?);
    let entry = match existing {
        Some((_, false)) => {
            let mut ck = Check::new();
            ck.err("person_id", "programmes-err-listed");
            return Err(ck.done().err().unwrap_or(AppError::NotFound));
        }
        Some((eid, true)) => {
            sql!(&mut tx, c => sqlx::query("UPDATE programme_entry SET removed = FALSE, reason = $1, changed_by = $2 WHERE id = $3")
                .bind(&reason).bind(actor.user_id).bind(eid).execute(c).await?.rows_affected());
            eid
        }
        None => {
            let (cmin, cmax) = child_range(&p, day);
            let hh: Option<(i64, i64, i64)> = if p.by_household() {
                sql!(&mut tx, c => sqlx::query_as(
                    "SELECT m.household_id, COUNT(*), CAST(SUM(CASE WHEN p.birth_date > $3 AND p.birth_date <= $4 THEN 1 ELSE 0 END) AS BIGINT) \
                     FROM household_member m JOIN person p ON p.id = m.person_id \
                     WHERE m.household_id = (SELECT MIN(x.household_id) FROM household_member x WHERE x.person_id = $1 \
                       AND x.valid_from <= $2 AND (x.valid_to IS NULL OR x.valid_to >= $2)) \
                     AND m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to >= $2) GROUP BY m.household_id")
                    .bind(person).bind(day).bind(cmin).bind(cmax).fetch_optional(c).await?)
            } else {
                None
            };
            let (household, members, children) =
                hh.map_or((None, 1, 0), |(h, m, c)| (Some(h), m, c));
            let quantity = rules::quantity(p.per(), p.base, p.cap, members, children).max(1);
            let value = rules::value(quantity, p.unit_value);
            sql!(&mut tx, c => sqlx::query_scalar(
                "INSERT INTO programme_entry (programme_id, person_id, household_id, members, children, quantity, value, origin, removed, reason, \
                 changed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'hand', FALSE, $8, $9, $10) RETURNING id")
                .bind(id).bind(person).bind(household).bind(members).bind(children).bind(quantity).bind(value).bind(&reason)
                .bind(actor.user_id).bind(actor.now).fetch_one(c).await?)
        }
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "programme_entry", entry)
            .person(person)
            .reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeRemoveForm)]
pub struct RemoveForm {
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

/// Takes a row off the draft list, with a reason; kept, so that the next evaluation
/// does not bring it back.
pub async fn remove(
    db: &Db,
    actor: &Actor,
    id: i64,
    entry_id: i64,
    f: &RemoveForm,
) -> AppResult<()> {
    let mut ck = Check::new();
    let reason = ck.text("reason", &f.reason, true, 500);
    ck.done()?;
    let mut tx = db.begin().await?;
    let p = programmes::guard(&mut tx, actor, id).await?;
    p.status()
        .after(ListStep::Change)
        .map_err(|_| AppError::Refused(Msg::new("programmes-err-frozen")))?;
    let person: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT person_id FROM programme_entry WHERE id = $1 AND programme_id = $2 AND removed = FALSE")
        .bind(entry_id).bind(id).fetch_optional(c).await?);
    let person = person.ok_or(AppError::NotFound)?;
    sql!(&mut tx, c => sqlx::query("UPDATE programme_entry SET removed = TRUE, reason = $1, changed_by = $2 WHERE id = $3")
        .bind(&reason).bind(actor.user_id).bind(entry_id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "programme_entry", entry_id)
            .person(person)
            .detail(serde_json::json!({ "removed": true }))
            .reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What an approval issued.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeApproval)]
pub struct Issued {
    pub recipients: i64,
    pub vouchers: i64,
    pub payments: i64,
    pub millis: u128,
}

/// A second person approves the draft list: it is frozen, and what it gives is issued
/// (vouchers, or cash for the next payment run). Refused to the one who evaluated it,
/// and when the list's value goes over the budget.
pub async fn approve(db: &Db, actor: &Actor, id: i64, version: &str) -> AppResult<Issued> {
    let started = std::time::Instant::now();
    let mut tx = db.begin().await?;
    let p = programmes::guard(&mut tx, actor, id).await?;
    skrb_kit::form::version_of(version, p.version)?;
    let mut out = approve_in(&mut tx, actor, &p).await?;
    tx.commit().await?;
    out.millis = started.elapsed().as_millis();
    Ok(out)
}

/// The approval in the caller's transaction (the bench times it alone).
pub async fn approve_in(tx: &mut Tx, actor: &Actor, p: &Programme) -> AppResult<Issued> {
    p.status()
        .after(ListStep::Approve)
        .map_err(|_| AppError::Refused(Msg::new("programmes-err-not-draft")))?;
    if p.evaluated_by.is_some() && p.evaluated_by == actor.user_id {
        return Err(AppError::Refused(Msg::new("programmes-err-same-approver")));
    }
    let b = programmes::budget(tx, p).await?;
    if b.recipients == 0 {
        return Err(AppError::Refused(Msg::new("programmes-err-empty")));
    }
    if b.available > 0 && b.committed > b.available {
        return Err(AppError::Refused(
            Msg::new("programmes-err-over-budget")
                .arg("value", skrb_domain::rights::money::plain(b.committed))
                .arg("budget", skrb_domain::rights::money::plain(b.available)),
        ));
    }
    let changed = sql!(tx, c => sqlx::query(
        "UPDATE programme SET list_status = 'approved', approved_by = $1, approved_at = $2, version = version + 1 \
         WHERE id = $3 AND list_status = 'draft' AND version = $4")
        .bind(actor.user_id).bind(actor.now).bind(p.id).bind(p.version).execute(c).await?.rows_affected());
    if changed == 0 {
        return Err(AppError::Conflict {
            current_version: p.version + 1,
        });
    }
    let mut out = Issued {
        recipients: b.recipients,
        ..Issued::default()
    };
    match p.benefit() {
        Benefit::Voucher => out.vouchers = crate::vouchers::issue(tx, p, actor.today()).await?,
        Benefit::Cash => out.payments = pay(tx, actor, p).await?,
        Benefit::Item | Benefit::Place => {}
    }
    audit::record(
        tx,
        actor,
        Event::new(Action::Approve, "programme", p.id).detail(serde_json::json!({
            "recipients": b.recipients, "value": b.committed, "vouchers": out.vouchers, "payments": out.payments
        })),
    )
    .await?;
    Ok(out)
}

/// The cash part: a one-off payment per row for the month the list is approved in (the
/// next run pays it), from the programme's payer account (its funder picks the right).
async fn pay(tx: &mut Tx, actor: &Actor, p: &Programme) -> AppResult<i64> {
    let (funder, j): (String, String) = sql!(tx, c => sqlx::query_as(
        "SELECT a.funder, ce.jurisdiction FROM payer_account a JOIN centre ce ON ce.id = a.centre_id WHERE a.id = $1")
        .bind(p.payer_account_id).fetch_optional(c).await?).ok_or(AppError::Refused(Msg::new("programmes-err-no-account")))?;
    let right = match (j.as_str(), funder.as_str()) {
        ("SI", "state") => "si_programme_cash_state",
        ("SI", _) => "si_programme_cash",
        ("RS", "entity") => "rs_programme_cash_entity",
        _ => "rs_programme_cash",
    };
    let rows: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT person_id, value FROM programme_entry WHERE programme_id = $1 AND removed = FALSE AND value > 0 ORDER BY id")
        .bind(p.id).fetch_all(c).await?);
    let today = actor.today();
    let from = today.replace_day(1).unwrap_or(today);
    let to = skrb_domain::rights::deadlines::month_end(today);
    let number = format!("P-{}-{}", p.id, today.year());
    let reasoning = format!("{} ({} – {})", p.name, p.period_from, p.period_to);
    let granted = skrb_rights::decisions::by_order::grant_many(
        tx,
        actor,
        &skrb_rights::decisions::by_order::Many {
            centre_id: p.centre_id,
            right,
            from,
            to,
            number: &number,
            reasoning: &reasoning,
            rows: &rows,
        },
        today,
    )
    .await?;
    sql!(tx, c => sqlx::query(
        "UPDATE programme_entry SET entitlement_id = (SELECT d.entitlement_id FROM decision d WHERE d.number = $1 || '/' || programme_entry.person_id) \
         WHERE programme_id = $2 AND removed = FALSE AND value > 0")
        .bind(&number).bind(p.id).execute(c).await?.rows_affected());
    Ok(granted.len() as i64)
}
