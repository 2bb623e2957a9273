//! Guardianship of children and adults: the appointment (by the court, or the centre's
//! decision), its scope, the guardian (a person, a professional guardian, or the centre
//! itself), the inventory of the ward's property, the centre's approvals of major
//! decisions, and the guardian's yearly report and account, which comes due on the
//! anniversary (a task for the worker) and is approved or returned by the centre; the
//! next year's is then due.

use skrb_domain::placements::{Basis, GuardianKind, ReportStatus, Scope};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Guardianship {
    pub id: i64,
    pub centre_id: i64,
    pub ward_id: i64,
    pub ward: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    #[serde(skip)]
    pub restricted: bool,
    /// court, decision
    pub appointed_by: String,
    pub order_number: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub appointed_on: Date,
    /// full, partial, special
    pub scope: String,
    pub scope_note: Option<String>,
    /// person, professional, centre
    pub guardian_kind: String,
    pub guardian_person_id: Option<i64>,
    pub guardian_name: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub ended_on: Option<Date>,
    pub end_reason: Option<String>,
    /// The earliest report not yet approved.
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub report_due: Option<Date>,
    pub currency: String,
    pub version: i64,
}

impl Guardianship {
    /// A report is due before `today` and not in.
    pub fn report_late(&self, today: &Date) -> bool {
        self.report_due.is_some_and(|d| d < *today)
    }

    pub fn minor(&self, day: &Date) -> bool {
        self.birth_date.is_some_and(|b| crate::age_on(b, *day) < 18)
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GuardianReport)]
pub struct Report {
    pub id: i64,
    pub year: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub due_on: Date,
    /// due, submitted, approved, returned
    pub status: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub submitted_on: Option<Date>,
    pub income: Option<i64>,
    pub spending: Option<i64>,
    pub property: Option<i64>,
    pub body: Option<String>,
    pub decided_by_name: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub decided_on: Option<Date>,
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GuardianItem)]
pub struct Item {
    pub id: i64,
    /// inventory, approval
    pub kind: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on_day: Date,
    pub what: String,
    pub value: Option<i64>,
    /// approved, refused (an approval)
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GuardianshipFile {
    pub guardianship: Guardianship,
    pub reports: Vec<Report>,
    pub items: Vec<Item>,
    /// The inventory's value in all.
    pub inventory_total: i64,
}

const COLS: &str = "g.id, g.centre_id, g.ward_id, p.given_name || ' ' || p.family_name AS ward, p.birth_date, p.sex, p.restricted, \
    g.appointed_by, g.order_number, g.appointed_on, g.scope, g.scope_note, g.guardian_kind, g.guardian_person_id, g.guardian_name, \
    g.ended_on, g.end_reason, \
    (SELECT MIN(r.due_on) FROM guardian_report r WHERE r.guardianship_id = g.id AND r.status IN ('due', 'returned', 'submitted')) AS report_due, \
    CASE WHEN c.jurisdiction = 'RS' THEN 'BAM' ELSE 'EUR' END AS currency, g.version";
const FROM: &str =
    "guardianship g JOIN person p ON p.id = g.ward_id JOIN centre c ON c.id = g.centre_id";

async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Guardianship> {
    let q = format!("SELECT {COLS} FROM {FROM} WHERE g.id = $1");
    let g: Option<Guardianship> =
        sql!(tx, x => sqlx::query_as::<_, Guardianship>(&q).bind(id).fetch_optional(x).await?);
    let g = g.ok_or(AppError::NotFound)?;
    crate::own(actor, g.centre_id)?;
    skrb_registry::access::check(tx, actor, PersonId(g.ward_id)).await?;
    Ok(g)
}

/// The centre's guardianships (the current first), restricted wards masked.
pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Guardianship>> {
    let mut tx = db.begin().await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE ($1 IS NULL OR g.centre_id = $1) ORDER BY g.ended_on IS NOT NULL, g.appointed_on DESC, g.id DESC"
    );
    let mut rows: Vec<Guardianship> = sql!(&mut tx, x => sqlx::query_as::<_, Guardianship>(&q)
        .bind(skrb_kit::scope::centre_of(actor)).fetch_all(x).await?);
    for r in rows.iter_mut().filter(|r| r.restricted) {
        if !skrb_registry::access::visible(&mut tx, actor, PersonId(r.ward_id)).await? {
            r.ward = "—".into();
            r.birth_date = None;
        }
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "guardianship", 0)
            .detail(serde_json::json!({ "shown": rows.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// A person's guardianships (for the person's page).
pub async fn of_person(tx: &mut Tx, person: i64) -> AppResult<Vec<Guardianship>> {
    let q = format!("SELECT {COLS} FROM {FROM} WHERE g.ward_id = $1 ORDER BY g.appointed_on DESC");
    Ok(sql!(tx, x => sqlx::query_as::<_, Guardianship>(&q).bind(person).fetch_all(x).await?))
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<GuardianshipFile> {
    let mut tx = db.begin().await?;
    let guardianship = load(&mut tx, actor, id).await?;
    let reports: Vec<Report> = sql!(&mut tx, x => sqlx::query_as::<_, Report>(
        "SELECT r.id, r.year, r.due_on, r.status, r.submitted_on, r.income, r.spending, r.property, r.body, \
         u.display_name AS decided_by_name, r.decided_on, r.note, r.version FROM guardian_report r \
         LEFT JOIN app_user u ON u.id = r.decided_by WHERE r.guardianship_id = $1 ORDER BY r.year DESC")
        .bind(id).fetch_all(x).await?);
    let items: Vec<Item> = sql!(&mut tx, x => sqlx::query_as::<_, Item>(
        "SELECT id, kind, on_day, what, value, outcome FROM guardian_item WHERE guardianship_id = $1 ORDER BY on_day DESC, id DESC")
        .bind(id).fetch_all(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "guardianship", id).person(guardianship.ward_id),
    )
    .await?;
    tx.commit().await?;
    let inventory_total = items
        .iter()
        .filter(|i| i.kind == "inventory")
        .filter_map(|i| i.value)
        .sum();
    Ok(GuardianshipFile {
        guardianship,
        reports,
        items,
        inventory_total,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GuardianshipForm {
    #[serde(deserialize_with = "lenient")]
    pub ward_id: String,
    /// court, decision
    #[serde(deserialize_with = "lenient")]
    pub appointed_by: String,
    #[serde(deserialize_with = "lenient")]
    pub order_number: String,
    #[serde(deserialize_with = "lenient")]
    pub appointed_on: String,
    /// full, partial, special
    #[serde(deserialize_with = "lenient")]
    pub scope: String,
    #[serde(deserialize_with = "lenient")]
    pub scope_note: String,
    /// person, professional, centre
    #[serde(deserialize_with = "lenient")]
    pub guardian_kind: String,
    /// The guardian as a person of the registry (a person or a professional).
    #[serde(deserialize_with = "lenient")]
    pub guardian_person_id: String,
    /// The guardian's name when not in the registry.
    #[serde(deserialize_with = "lenient")]
    pub guardian_name: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &GuardianshipForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let ward = ck.id("ward_id", &f.ward_id, true);
    let by = ck.choice("appointed_by", &f.appointed_by, &Basis::codes(), true);
    let number = ck.text("order_number", &f.order_number, true, 60);
    let on = ck.date("appointed_on", &f.appointed_on, true);
    if on.is_some_and(|d| d > actor.today()) {
        ck.err("appointed_on", "placements-err-future");
    }
    let scope = ck.choice("scope", &f.scope, &Scope::codes(), true);
    let note = ck.text(
        "scope_note",
        &f.scope_note,
        scope.is_some_and(|s| s != "full"),
        2000,
    );
    let kind = ck.choice(
        "guardian_kind",
        &f.guardian_kind,
        &GuardianKind::codes(),
        true,
    );
    let gp = ck.id("guardian_person_id", &f.guardian_person_id, false);
    let gname = ck.text("guardian_name", &f.guardian_name, false, 200);
    let mut tx = db.begin().await?;
    if let Some(w) = ward {
        skrb_registry::access::check(&mut tx, actor, PersonId(w)).await?;
        let open: i64 = sql!(&mut tx, x => sqlx::query_scalar(
            "SELECT COUNT(*) FROM guardianship WHERE ward_id = $1 AND ended_on IS NULL").bind(w).fetch_one(x).await?);
        if open > 0 {
            ck.err("ward_id", "placements-err-ward-has-guardian");
        }
    }
    let name = match (kind, gp) {
        (Some("centre"), _) => Some(
            sql!(&mut tx, x => sqlx::query_scalar::<_, String>("SELECT name FROM centre WHERE id = $1").bind(centre).fetch_one(x).await?),
        ),
        (_, Some(p)) => {
            if Some(p) == ward {
                ck.err("guardian_person_id", "placements-err-own-guardian");
            }
            let n: Option<String> = sql!(&mut tx, x => sqlx::query_scalar(
                "SELECT given_name || ' ' || family_name FROM person WHERE id = $1").bind(p).fetch_optional(x).await?);
            if n.is_none() {
                ck.err("guardian_person_id", "placements-err-person-unknown");
            }
            n
        }
        _ => {
            if gname.is_none() {
                ck.err("guardian_name", "err-required");
            }
            gname
        }
    };
    ck.done()?;
    let (Some(ward), Some(by), Some(number), Some(on), Some(scope), Some(kind), Some(name)) =
        (ward, by, number, on, scope, kind, name)
    else {
        return Err(AppError::BadRequest("guardianship".into()));
    };
    let id: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO guardianship (centre_id, ward_id, appointed_by, order_number, appointed_on, scope, scope_note, guardian_kind, \
         guardian_person_id, guardian_name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
        .bind(centre).bind(ward).bind(by).bind(&number).bind(on).bind(scope).bind(&note).bind(kind)
        .bind(if kind == "centre" { None } else { gp }).bind(&name).bind(actor.user_id).bind(actor.now).fetch_one(x).await?);
    let due = crate::add_months(on, 12);
    report_due(&mut tx, actor, centre, id, &name, i64::from(on.year()), due).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Appoint, "guardianship", id)
            .person(ward)
            .detail(serde_json::json!({
                "scope": scope, "guardian_kind": kind, "appointed_on": on.to_string()
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The year's report falls due: a row to fill and a task for the worker.
async fn report_due(
    tx: &mut Tx,
    actor: &Actor,
    centre: i64,
    id: i64,
    guardian: &str,
    year: i64,
    due: Date,
) -> AppResult<()> {
    sql!(tx, x => sqlx::query(
        "INSERT INTO guardian_report (guardianship_id, year, due_on, status, created_at) VALUES ($1, $2, $3, 'due', $4)")
        .bind(id).bind(year).bind(due).bind(actor.now).execute(x).await?.rows_affected());
    if let Some(user) = actor.user_id {
        let j = skrb_kit::centre::jurisdiction_of(tx, Some(centre)).await?;
        let l = skrb_rights::decisions::centre_locale(&j);
        let title = skrb_kit::i18n::t_args(
            l,
            "placements-task-report",
            &[("name", guardian.to_string().into()), ("year", year.into())],
        );
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
    }
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = GuardianReportForm)]
pub struct ReportForm {
    /// submit, approve, return
    #[serde(deserialize_with = "lenient")]
    pub action: String,
    #[serde(deserialize_with = "lenient")]
    pub submitted_on: String,
    #[serde(deserialize_with = "lenient")]
    pub income: String,
    #[serde(deserialize_with = "lenient")]
    pub spending: String,
    /// The ward's property at the end of the year.
    #[serde(deserialize_with = "lenient")]
    pub property: String,
    #[serde(deserialize_with = "lenient")]
    pub body: String,
    /// Why it is returned, or the centre's remark on approval.
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

pub const REPORT_ACTIONS: [&str; 3] = ["submit", "approve", "return"];

/// The guardian's report: recorded as submitted (the account: income, spending, the
/// property at the year's end, the report), then approved or returned by the centre.
/// Approval sets the next year's report due.
pub async fn report(
    db: &Db,
    actor: &Actor,
    id: i64,
    report_id: i64,
    f: &ReportForm,
) -> AppResult<()> {
    let mut ck = Check::new();
    let action = ck.choice("action", &f.action, &REPORT_ACTIONS, true);
    let mut tx = db.begin().await?;
    let g = load(&mut tx, actor, id).await?;
    let r: Option<(String, i64, Date, i64)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT status, year, due_on, version FROM guardian_report WHERE id = $1 AND guardianship_id = $2")
        .bind(report_id).bind(id).fetch_optional(x).await?);
    let (status, year, due, version) = r.ok_or(AppError::NotFound)?;
    skrb_kit::form::version_of(&f.version, version)?;
    let status = ReportStatus::from_code(&status).unwrap_or(ReportStatus::Due);
    let Some(action) = action else {
        ck.done()?;
        return Err(AppError::BadRequest("action".into()));
    };
    let allowed = matches!(
        (status, action),
        (ReportStatus::Due | ReportStatus::Returned, "submit")
            | (ReportStatus::Submitted, "approve" | "return")
    );
    if !allowed {
        return Err(AppError::Refused(Msg::new("placements-err-step")));
    }
    let today = actor.today();
    match action {
        "submit" => {
            let on = ck
                .date("submitted_on", &f.submitted_on, false)
                .unwrap_or(today);
            let income = ck.money("income", &f.income, true);
            let spending = ck.money("spending", &f.spending, true);
            let property = ck.money("property", &f.property, true);
            let body = ck.text("body", &f.body, true, 20_000);
            ck.done()?;
            sql!(&mut tx, x => sqlx::query(
                "UPDATE guardian_report SET status = 'submitted', submitted_on = $1, income = $2, spending = $3, property = $4, \
                 body = $5, version = version + 1 WHERE id = $6")
                .bind(on).bind(income).bind(spending).bind(property).bind(&body).bind(report_id).execute(x).await?.rows_affected());
        }
        _ => {
            let note = ck.text("note", &f.note, action == "return", 4000);
            ck.done()?;
            let next = if action == "approve" {
                "approved"
            } else {
                "returned"
            };
            sql!(&mut tx, x => sqlx::query(
                "UPDATE guardian_report SET status = $1, decided_by = $2, decided_on = $3, note = $4, version = version + 1 WHERE id = $5")
                .bind(next).bind(actor.user_id).bind(today).bind(&note).bind(report_id).execute(x).await?.rows_affected());
            if action == "approve" && g.ended_on.is_none() {
                let exists: i64 = sql!(&mut tx, x => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM guardian_report WHERE guardianship_id = $1 AND year = $2")
                    .bind(id).bind(year + 1).fetch_one(x).await?);
                if exists == 0 {
                    report_due(
                        &mut tx,
                        actor,
                        g.centre_id,
                        id,
                        &g.guardian_name,
                        year + 1,
                        crate::add_months(due, 12),
                    )
                    .await?;
                }
            }
        }
    }
    let audited = match action {
        "submit" => Action::Submit,
        "approve" => Action::Approve,
        _ => Action::Review,
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(audited, "guardian_report", report_id)
            .person(g.ward_id)
            .detail(serde_json::json!({ "guardianship": id, "year": year, "action": action })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = GuardianItemForm)]
pub struct ItemForm {
    /// inventory, approval
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub on_day: String,
    #[serde(deserialize_with = "lenient")]
    pub what: String,
    #[serde(deserialize_with = "lenient")]
    pub value: String,
    /// approved, refused (an approval)
    #[serde(deserialize_with = "lenient")]
    pub outcome: String,
}

pub const ITEM_KINDS: [&str; 2] = ["inventory", "approval"];
pub const OUTCOMES: [&str; 2] = ["approved", "refused"];

/// A line of the inventory of the ward's property, or the centre's approval (or refusal)
/// of a major decision (selling property, a change of residence, consent to treatment).
pub async fn add_item(db: &Db, actor: &Actor, id: i64, f: &ItemForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let kind = ck.choice("kind", &f.kind, &ITEM_KINDS, true);
    let on = ck.date("on_day", &f.on_day, false).unwrap_or(actor.today());
    let what = ck.text("what", &f.what, true, 2000);
    let value = ck.money("value", &f.value, false);
    let outcome = ck.choice("outcome", &f.outcome, &OUTCOMES, kind == Some("approval"));
    let mut tx = db.begin().await?;
    let g = load(&mut tx, actor, id).await?;
    ck.done()?;
    let iid: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO guardian_item (guardianship_id, kind, on_day, what, value, outcome, user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(id).bind(kind).bind(on).bind(&what).bind(value).bind(if kind == Some("approval") { outcome } else { None })
        .bind(actor.user_id).bind(actor.now).fetch_one(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(
            if kind == Some("approval") {
                Action::Approve
            } else {
                Action::Create
            },
            "guardian_item",
            iid,
        )
        .person(g.ward_id)
        .detail(serde_json::json!({ "guardianship": id, "kind": kind, "outcome": outcome })),
    )
    .await?;
    tx.commit().await?;
    Ok(iid)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = GuardianshipEndForm)]
pub struct EndForm {
    #[serde(deserialize_with = "lenient")]
    pub ended_on: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Ends a guardianship (the ward came of age, regained capacity, died; the court ended
/// it). Reports still due stay due: the last account is owed.
pub async fn end(db: &Db, actor: &Actor, id: i64, f: &EndForm) -> AppResult<()> {
    let mut ck = Check::new();
    let on = ck.date("ended_on", &f.ended_on, true);
    let reason = ck.text("reason", &f.reason, true, 2000);
    let mut tx = db.begin().await?;
    let g = load(&mut tx, actor, id).await?;
    skrb_kit::form::version_of(&f.version, g.version)?;
    if g.ended_on.is_some() {
        return Err(AppError::Refused(Msg::new("placements-err-ended")));
    }
    ck.order("ended_on", Some(g.appointed_on), on);
    ck.done()?;
    sql!(&mut tx, x => sqlx::query("UPDATE guardianship SET ended_on = $1, end_reason = $2, version = version + 1 WHERE id = $3")
        .bind(on).bind(&reason).bind(id).execute(x).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::End, "guardianship", id)
            .person(g.ward_id)
            .reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
