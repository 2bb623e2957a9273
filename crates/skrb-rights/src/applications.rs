//! Applications in the administrative procedure: received, completed, calculated, and
//! the rights officer's list of procedures ordered by their statutory deadline.

use skrb_domain::rights::calc::{Kind, Member};
use skrb_domain::rights::states::{ApplicationStatus, ApplicationStep};
use skrb_domain::rights::{deadlines, Calculation, Household};
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::Date;

use super::catalogue::{self};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::export::{download, headings, Bind, Download, Format, Listing};
use skrb_kit::form::lenient;
use skrb_kit::form::{field_error, Check};
use skrb_kit::sheet::Cell;
use skrb_kit::sql;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationForm {
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub person_id: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub right_id: String,
    #[serde(deserialize_with = "lenient")]
    pub received_on: String,
    /// in_person, post, email, eportal, ex_officio
    #[serde(deserialize_with = "lenient")]
    pub channel: String,
    /// The documents enclosed, as listed on receipt.
    #[serde(deserialize_with = "lenient")]
    pub documents: String,
    /// The application is complete on receipt (the deadline starts today).
    #[serde(deserialize_with = "lenient")]
    pub complete: String,
}

/// What the procedure needs of an application; loaded with the access check.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    pub centre_id: i64,
    pub number: String,
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub right_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub received_on: Date,
    pub channel: String,
    pub documents: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub complete_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub completion_asked_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub completion_due: Option<Date>,
    pub completion_note: Option<String>,
    /// The statutory deadline for the decision.
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub due_on: Option<Date>,
    /// received, incomplete, in_procedure, decided, appealed, withdrawn
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: ApplicationStatus,
    pub officer_id: Option<i64>,
    #[serde(skip)]
    pub input: Option<String>,
    pub version: i64,
}

const APP_COLS: &str = "id, centre_id, number, person_id, right_id, received_on, channel, documents, complete_on, \
    completion_asked_on, completion_due, completion_note, due_on, status, officer_id, input, version";

impl Application {
    /// The household input the officer is working with (empty if none yet).
    pub fn household(&self) -> Household {
        self.input
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    /// The first month of the right: the month after the application.
    pub fn first_day(&self) -> Date {
        deadlines::next_month(self.received_on)
    }

    /// Past its deadline without a decision: silence, which the client may appeal as a
    /// refusal.
    pub fn silent(&self, today: Date) -> bool {
        self.status.open() && self.due_on.is_some_and(|d| d < today)
    }
}

/// Loads an application the actor may see (its centre, its person's restriction).
pub async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Application> {
    let q = format!("SELECT {APP_COLS} FROM application WHERE id = $1");
    let a: Option<Application> =
        sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await?);
    let a = a.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, a.centre_id)?;
    skrb_registry::access::check(tx, actor, a.person_id).await?;
    Ok(a)
}

/// The person's household as the calculation counts it on `day`: the person first, then
/// the other members of their current household; under 18 is a child.
pub async fn household_of(
    tx: &mut Tx,
    person_id: i64,
    day: Date,
) -> Result<Household, sqlx::Error> {
    let rows: Vec<(i64, String, Option<Date>)> = sql!(tx, c => sqlx::query_as(
        "SELECT p.id, p.given_name, p.birth_date FROM person p WHERE p.id = $1 \
         UNION ALL \
         SELECT p.id, p.given_name, p.birth_date FROM household_member me \
         JOIN household_member o ON o.household_id = me.household_id AND o.valid_to IS NULL AND o.person_id <> me.person_id \
         JOIN person p ON p.id = o.person_id \
         WHERE me.person_id = $1 AND me.valid_to IS NULL")
        .bind(person_id).fetch_all(c).await?);
    let mut seen = Vec::new();
    let mut members = Vec::new();
    for (id, name, birth) in rows {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let child = birth.is_some_and(|b| age_on(b, day) < 18);
        members.push(Member {
            name,
            kind: if child { Kind::Child } else { Kind::Adult },
            hours: 0,
        });
    }
    let adults = members.iter().filter(|m| m.kind == Kind::Adult).count();
    let children = members.len() - adults;
    Ok(Household {
        single_parent: adults == 1 && children > 0,
        living_alone: members.len() == 1,
        members,
        ..Household::default()
    })
}

pub use skrb_domain::person::age_on;

pub async fn create(db: &Db, actor: &Actor, f: &ApplicationForm, today: Date) -> AppResult<i64> {
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let right = ck.id("right_id", &f.right_id, true);
    let received = ck
        .date("received_on", &f.received_on, false)
        .unwrap_or(today);
    if received > today {
        ck.err("received_on", "registry-err-date-future");
    }
    let channel = ck
        .choice("channel", &f.channel, &super::CHANNELS, false)
        .unwrap_or("in_person");
    let documents = ck.text("documents", &f.documents, false, 2000);
    let (Some(person), Some(right)) = (person, right) else {
        return Err(ck
            .done()
            .err()
            .unwrap_or(AppError::BadRequest("application".into())));
    };
    let mut tx = db.begin().await?;
    match skrb_registry::access::check(&mut tx, actor, PersonId(person)).await {
        Err(AppError::NotFound) => return Err(field_error("person_id", "registry-err-person")),
        other => other?,
    }
    let (centre, municipality, birth): (Option<i64>, Option<i64>, Option<Date>) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT centre_id, municipality_id, birth_date FROM person WHERE id = $1").bind(person).fetch_one(c).await?);
    let centre = centre
        .or(actor.scope.and_then(|s| s.centre_id))
        .ok_or_else(|| AppError::Refused(Msg::new("case-no-centre")))?;
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let rt = catalogue::get(&mut tx, right).await?;
    let rt = match rt {
        Some(r) if r.active && r.jurisdiction == jurisdiction => r,
        _ => return Err(field_error("right_id", "rights-err-right")),
    };
    if rt.municipality_id.is_some() && rt.municipality_id != municipality {
        ck.err("right_id", "rights-err-right-municipality");
    }
    if let Some(b) = birth {
        let age = age_on(b, received);
        if (rt.claimant == "adult" && age < 18) || (rt.claimant == "child" && age >= 18) {
            ck.err(
                "right_id",
                if rt.claimant == "adult" {
                    "rights-err-right-adults"
                } else {
                    "rights-err-right-children"
                },
            );
        }
    }
    ck.done()?;
    let complete = skrb_kit::form::truthy(&f.complete);
    let number =
        skrb_kit::centre::next_number(&mut tx, centre, received.year(), &rt.class_code).await?;
    let household = household_of(&mut tx, person, received).await?;
    let (status, complete_on, due) = if complete {
        (
            "in_procedure",
            Some(received),
            Some(deadlines::decision_due(received, rt.deadline_months as u32)),
        )
    } else {
        ("received", None, None)
    };
    let input = serde_json::to_string(&household).map_err(|e| AppError::Internal(e.into()))?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO application (centre_id, number, person_id, right_id, received_on, channel, documents, complete_on, \
         due_on, status, officer_id, input, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
        .bind(centre).bind(&number).bind(person).bind(rt.id).bind(received).bind(channel).bind(&documents)
        .bind(complete_on).bind(due).bind(status).bind(actor.user_id).bind(&input).bind(actor.now)
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "application", id).person(person).detail(serde_json::json!({
            "number": number, "right": rt.code, "received_on": received.to_string(), "complete": complete
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn open_procedure(a: &Application) -> AppResult<()> {
    if a.status.open() {
        Ok(())
    } else {
        Err(AppError::Refused(Msg::new("rights-err-application-closed")))
    }
}

fn fresh(a: &Application, version: &str) -> AppResult<()> {
    match version.trim().parse::<i64>() {
        Ok(v) if v != a.version => Err(AppError::Conflict {
            current_version: a.version,
        }),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CompletionForm {
    /// complete: the application is complete from `on`; ask: completion is requested
    /// by `due`.
    #[serde(deserialize_with = "lenient")]
    pub action: String,
    #[serde(deserialize_with = "lenient")]
    pub on: String,
    #[serde(deserialize_with = "lenient")]
    pub due: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Records a request for completion, or that the application is complete (the deadline
/// for the decision starts then).
pub async fn completion(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &CompletionForm,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let a = guard(&mut tx, actor, id).await?;
    fresh(&a, &f.version)?;
    open_procedure(&a)?;
    let mut ck = Check::new();
    let action = ck.choice("action", &f.action, &["complete", "ask"], true);
    let on = ck.date("on", &f.on, false).unwrap_or(today);
    if on > today {
        ck.err("on", "registry-err-date-future");
    }
    if on < a.received_on {
        ck.err("on", "rights-err-before-received");
    }
    let note = ck.text("note", &f.note, false, 2000);
    let due = ck.date("due", &f.due, action == Some("ask"));
    if due.is_some_and(|d| d <= on) {
        ck.err("due", "err-due-past");
    }
    ck.done()?;
    let rt = catalogue::get(&mut tx, a.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let step = if action == Some("complete") {
        ApplicationStep::Complete
    } else {
        ApplicationStep::AskCompletion
    };
    let next = a
        .status
        .after(step)
        .map_err(|_| AppError::Refused(Msg::new("rights-err-application-closed")))?;
    if step == ApplicationStep::Complete {
        let due_on = deadlines::decision_due(on, rt.deadline_months as u32);
        sql!(&mut tx, c => sqlx::query(
            "UPDATE application SET status = $4, complete_on = $1, due_on = $2, version = version + 1 WHERE id = $3")
            .bind(on).bind(due_on).bind(id).bind(next.code()).execute(c).await?.rows_affected());
        audit::record(&mut tx, actor, Event::new(Action::Complete, "application", id).person(a.person_id)
            .detail(serde_json::json!({"complete_on": on.to_string(), "due_on": due_on.to_string()}))).await?;
    } else {
        sql!(&mut tx, c => sqlx::query(
            "UPDATE application SET status = $5, completion_asked_on = $1, completion_due = $2, completion_note = $3, \
             version = version + 1 WHERE id = $4")
            .bind(on).bind(due).bind(&note).bind(id).bind(next.code()).execute(c).await?.rows_affected());
        audit::record(&mut tx, actor, Event::new(Action::AskCompletion, "application", id).person(a.person_id)
            .detail(serde_json::json!({"asked_on": on.to_string(), "due": due.map(|d| d.to_string()), "note": note}))).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Saves the officer's household input and returns the calculation on it for the first
/// month of the right. Nothing is decided yet.
pub async fn save_input(db: &Db, actor: &Actor, id: i64, h: &Household) -> AppResult<Calculation> {
    let mut tx = db.begin().await?;
    let a = guard(&mut tx, actor, id).await?;
    open_procedure(&a)?;
    let rt = catalogue::get(&mut tx, a.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (calc, _) = catalogue::run(&mut tx, &rt, h, a.first_day()).await?;
    let input = serde_json::to_string(h).map_err(|e| AppError::Internal(e.into()))?;
    sql!(&mut tx, c => sqlx::query("UPDATE application SET input = $1 WHERE id = $2")
        .bind(&input).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Calculate, "application", id)
            .person(a.person_id)
            .detail(serde_json::json!({"amount": calc.amount})),
    )
    .await?;
    tx.commit().await?;
    Ok(calc)
}

/// A row of the procedures list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ProcedureRow {
    pub id: i64,
    pub number: String,
    pub person_id: i64,
    pub person_name: String,
    pub right_id: i64,
    pub right_code: String,
    #[serde(skip)]
    pub name_sl: String,
    #[serde(skip)]
    pub name_sr: String,
    #[serde(skip)]
    pub name_en: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: ApplicationStatus,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub received_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub due_on: Option<Date>,
    pub officer: Option<String>,
}

impl ProcedureRow {
    pub fn right_name(&self, l: impl std::borrow::Borrow<skrb_kit::i18n::Locale>) -> String {
        skrb_kit::i18n::name_in(*l.borrow(), &self.name_sl, &self.name_sr, &self.name_en)
    }

    pub fn days_left(&self, today: Date) -> Option<i64> {
        self.due_on.map(|d| (d - today).whole_days())
    }

    /// Past its deadline on `today`.
    pub fn late(&self, today: Date) -> bool {
        self.days_left(today).is_some_and(|d| d < 0)
    }

    /// The deadline in words: "5 days left", "12 days late".
    pub fn left_words(&self, l: skrb_kit::i18n::Locale, today: Date) -> String {
        let n = |key: &str, d: i64| {
            skrb_kit::i18n::t_args(l, key, &[("count", fluent_bundle::FluentValue::from(d))])
        };
        match self.days_left(today) {
            Some(d) if d < 0 => n("rights-proc-overdue-days", -d),
            Some(d) => n("rights-proc-days-left", d),
            None => String::new(),
        }
    }
}

/// Which procedures: the actor's own, all open ones of the centre, those past their
/// deadline, those waiting for a completion, or decisions with an amount set by hand
/// waiting for a second person's approval.
pub const VIEWS: [&str; 5] = ["mine", "centre", "overdue", "incomplete", "approval"];

/// Open procedures ordered by deadline (those without a deadline, not yet complete,
/// last), at most 500; audited with the persons shown.
pub async fn procedures(
    db: &Db,
    actor: &Actor,
    view: &str,
    today: Date,
) -> AppResult<Vec<ProcedureRow>> {
    let (q, binds) = procedures_sql(actor, view, today);
    let q = format!("{q} LIMIT 500");
    let mut tx = db.begin_read().await?;
    let rows: Vec<ProcedureRow> =
        sql!(&mut tx, c => skrb_kit::bind_all!(sqlx::query_as(&q), &binds).fetch_all(c).await?);
    tx.commit().await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
    audit::record_apart(
        db,
        actor,
        Event::about(Action::List, "application")
            .detail(serde_json::json!({"view": view, "persons": ids})),
    )
    .await?;
    Ok(rows)
}

/// The query of a view of the procedures, in the order of their deadlines, and its
/// three values (bound whichever view is asked for; `$2 = $2 AND $3 = $3` keeps each one
/// used, as both drivers require).
fn procedures_sql(actor: &Actor, view: &str, today: Date) -> (String, Vec<Bind>) {
    let centre = skrb_kit::scope::centre_of(actor);
    // A plain equality (not "$1 IS NULL OR ..."), so the planner uses the index.
    let centre_cond = if centre.is_some() {
        "a.centre_id = $1"
    } else {
        "$1 IS NULL"
    };
    let open = " AND a.status IN ('received', 'incomplete', 'in_procedure', 'appealed')";
    let filter = match view {
        "centre" => open.to_string(),
        "overdue" => format!("{open} AND a.due_on < $3"),
        "incomplete" => " AND a.status IN ('received', 'incomplete')".to_string(),
        "approval" => " AND a.status = 'decided' AND EXISTS (SELECT 1 FROM decision d WHERE d.application_id = a.id \
                       AND d.status = 'awaiting_approval')".to_string(),
        _ => format!("{open} AND a.officer_id = $2"),
    };
    let q = format!(
        "SELECT a.id, a.number, a.person_id, p.family_name || ' ' || p.given_name AS person_name, a.right_id, \
         r.code AS right_code, r.name_sl, r.name_sr, r.name_en, a.status, a.received_on, a.due_on, u.display_name AS officer \
         FROM application a JOIN person p ON p.id = a.person_id JOIN right_type r ON r.id = a.right_id \
         LEFT JOIN app_user u ON u.id = a.officer_id \
         WHERE {centre_cond}{filter} {} \
         AND ($2 = $2 AND $3 = $3) \
         ORDER BY a.due_on IS NULL, a.due_on, a.id",
        skrb_registry::access::restricted_filter(actor)
    );
    let uid = actor.user_id.unwrap_or(0);
    (q, vec![Bind::N(centre), Bind::I(uid), Bind::D(today)])
}

/// Every procedure of a view (not only the page's 500), as XLSX or CSV, with the days
/// left on `today`; audited as a download with the view and the number of rows.
pub async fn export_procedures(
    read: &Db,
    db: &Db,
    actor: &Actor,
    view: &str,
    today: Date,
    format: Format,
    l: skrb_kit::i18n::Locale,
) -> AppResult<Download> {
    let (sql, binds) = procedures_sql(actor, view, today);
    let t = |k: &str| skrb_kit::i18n::t(l, k);
    let list = Listing {
        sql,
        binds,
        title: t("rights-proc-title"),
        columns: headings(
            l,
            &[
                "rights-app-number",
                "rights-app-person",
                "rights-app-right",
                "rights-app-status",
                "rights-app-received",
                "rights-app-due",
                "rights-app-days-left",
                "rights-app-officer",
            ],
        ),
        name: "procedures",
        entity: "application",
        detail: serde_json::json!({ "view": view }),
    };
    download(read, db, actor, list, format, |r: ProcedureRow| {
        vec![
            Cell::Text(r.number.clone()),
            Cell::Text(r.person_name.clone()),
            Cell::Text(r.right_name(l)),
            Cell::Text(t(&format!("rights-app-status-{}", r.status))),
            Cell::Date(r.received_on),
            r.due_on.map_or(Cell::Empty, Cell::Date),
            r.days_left(today).map_or(Cell::Empty, Cell::Count),
            r.officer.clone().map_or(Cell::Empty, Cell::Text),
        ]
    })
    .await
}

/// The applications and entitlements of a person, for their page; covered by the
/// person page's own read record.
pub async fn of_person(tx: &mut Tx, person: PersonId) -> Result<Vec<ProcedureRow>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as(
        "SELECT a.id, a.number, a.person_id, p.family_name || ' ' || p.given_name AS person_name, a.right_id, \
         r.code AS right_code, r.name_sl, r.name_sr, r.name_en, a.status, a.received_on, a.due_on, u.display_name AS officer \
         FROM application a JOIN person p ON p.id = a.person_id JOIN right_type r ON r.id = a.right_id \
         LEFT JOIN app_user u ON u.id = a.officer_id WHERE a.person_id = $1 ORDER BY a.received_on DESC, a.id DESC")
        .bind(person).fetch_all(c).await)
}

/// The person's applications for their page, read after the page's own access check
/// and read record (`registry::persons::view`), which cover them.
pub async fn of_person_page(db: &Db, person: PersonId) -> AppResult<Vec<ProcedureRow>> {
    let mut tx = db.begin_read().await?;
    let rows = of_person(&mut tx, person).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The officer's open procedures and those past their deadline (the start page); no
/// names, so no audit record.
pub async fn counts(db: &Db, officer: i64, today: Date) -> AppResult<(i64, i64)> {
    let mut tx = db.begin_read().await?;
    let row: (i64, i64) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0) FROM application \
         WHERE officer_id = $1 AND status IN ('received', 'incomplete', 'in_procedure', 'appealed')")
        .bind(officer).bind(today).fetch_one(c).await?);
    tx.commit().await?;
    Ok(row)
}

/// A record that belongs to an application: where its page goes back to.
pub enum PartOf {
    Decision(i64),
    Appeal(i64),
    Entitlement(i64),
}

/// The application a decision, appeal or entitlement belongs to.
pub async fn application_of(db: &Db, part: PartOf) -> AppResult<i64> {
    let (q, id) = match part {
        PartOf::Decision(id) => ("SELECT application_id FROM decision WHERE id = $1", id),
        PartOf::Appeal(id) => ("SELECT application_id FROM appeal WHERE id = $1", id),
        PartOf::Entitlement(id) => (
            "SELECT d.application_id FROM entitlement e JOIN decision d ON d.id = e.decision_id WHERE e.id = $1",
            id,
        ),
    };
    let a: Option<Option<i64>> =
        skrb_kit::sql_pool!(db, p => sqlx::query_scalar(q).bind(id).fetch_optional(p).await?);
    a.flatten().ok_or(AppError::NotFound)
}
