//! Case files: opening (with the centre's file number and any statutory first task),
//! the file's page, changes with optimistic versions, hold, reopen, close (warning when
//! tasks are open), transfer to another worker or unit (with history), and the list.

use skrb_domain::cases::FileStatus;
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Date, Duration, OffsetDateTime};

use super::access::{self, Guard};
use super::{catalogue, PROBLEMS};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg, Warning};
use skrb_kit::form::items;
use skrb_kit::form::lenient;
use skrb_kit::form::{field_error, Check};
use skrb_kit::sql;

/// What a user submits to open a file (UI form or JSON).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CaseForm {
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub person_id: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub household_id: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub type_id: String,
    /// Problem area codes (array or comma-separated).
    #[serde(deserialize_with = "skrb_kit::form::lenient_list")]
    #[schema(value_type = Vec<String>)]
    pub problems: String,
    #[serde(deserialize_with = "lenient")]
    pub summary: String,
    /// The responsible worker; the user opening the file when empty.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub worker_id: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub opened_on: String,
    /// "true"/"on" to restrict the file to its worker and team.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<bool>)]
    pub restricted: String,
    /// User ids of the team (array or comma-separated).
    #[serde(deserialize_with = "skrb_kit::form::lenient_list")]
    #[schema(value_type = Vec<i64>)]
    pub team: String,
    /// The intake this file grows out of, if any.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub intake_id: String,
}

/// Problem codes as stored: `,a,b,` (so that `LIKE '%,a,%'` finds one).
fn parse_problems(ck: &mut Check, v: &str) -> String {
    let mut out = String::from(",");
    for p in items(v) {
        match PROBLEMS.iter().find(|k| **k == p) {
            Some(k) => {
                if !out.contains(&format!(",{k},")) {
                    out.push_str(k);
                    out.push(',');
                }
            }
            None => ck.err("problems", "err-choice"),
        }
    }
    out
}

fn parse_ids(ck: &mut Check, field: &'static str, v: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for i in items(v) {
        match i.parse::<i64>() {
            Ok(n) if n > 0 => {
                if !out.contains(&n) {
                    out.push(n)
                }
            }
            _ => ck.err(field, "err-number"),
        }
    }
    out
}

/// The centre's next file number that no file holds: an old register's numbers came in
/// as they were (`migrated`), and may be ones the centre's counter reaches later.
pub(crate) async fn free_number(
    tx: &mut Tx,
    centre: i64,
    year: i32,
    class: &str,
) -> Result<String, sqlx::Error> {
    loop {
        let number = skrb_kit::centre::next_number(tx, centre, year, class).await?;
        let taken: Option<i64> = sql!(tx, c => sqlx::query_scalar(
            "SELECT id FROM case_file WHERE centre_id = $1 AND number = $2")
            .bind(centre).bind(&number).fetch_optional(c).await?);
        if taken.is_none() {
            return Ok(number);
        }
    }
}

pub(crate) async fn first_unit(tx: &mut Tx, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar("SELECT MIN(unit_id) FROM user_unit WHERE user_id = $1")
        .bind(user_id).fetch_one(c).await)
}

/// Adds a task in the caller's transaction (generated deadlines and user tasks alike).
#[allow(clippy::too_many_arguments)]
pub async fn add_task(
    tx: &mut Tx,
    actor: &Actor,
    centre_id: Option<i64>,
    case_id: Option<i64>,
    title: &str,
    assignee: i64,
    due: Date,
    source: &str,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO task (centre_id, case_id, title, assignee_id, due_on, source, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(centre_id).bind(case_id).bind(title).bind(assignee).bind(due).bind(source)
        .bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        tx,
        actor,
        Event::new(Action::Create, "task", id).detail(serde_json::json!({
            "case_id": case_id, "title": title, "assignee": assignee,
            "due_on": skrb_kit::dates::iso_date(due), "source": source
        })),
    )
    .await?;
    Ok(id)
}

/// Marks the file as worked on today (the "my work" list sorts by it).
pub async fn touch(tx: &mut Tx, case_id: i64, today: Date) -> Result<(), sqlx::Error> {
    sql!(tx, c => sqlx::query("UPDATE case_file SET last_activity_on = $1 WHERE id = $2 AND last_activity_on < $1")
        .bind(today).bind(case_id).execute(c).await?.rows_affected());
    Ok(())
}

/// Opens a file in the caller's transaction (also used by intake and violence reports).
pub async fn open_in(tx: &mut Tx, actor: &Actor, f: &CaseForm, today: Date) -> AppResult<i64> {
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let household = ck.id("household_id", &f.household_id, false);
    let type_id = ck.id("type_id", &f.type_id, true);
    let problems = parse_problems(&mut ck, &f.problems);
    let summary = ck.text("summary", &f.summary, false, 2000);
    let worker = ck.id("worker_id", &f.worker_id, false).or(actor.user_id);
    let opened = ck.date("opened_on", &f.opened_on, false).unwrap_or(today);
    if opened > today {
        ck.err("opened_on", "registry-err-date-future");
    }
    let team = parse_ids(&mut ck, "team", &f.team);
    let intake = ck.id("intake_id", &f.intake_id, false);
    let (Some(person), Some(type_id)) = (person, type_id) else {
        return Err(ck
            .done()
            .err()
            .unwrap_or(AppError::BadRequest("person".into())));
    };
    access_person(tx, actor, person).await?;
    let centre: Option<i64> = sql!(tx, c => sqlx::query_scalar("SELECT centre_id FROM person WHERE id = $1")
        .bind(person).fetch_one(c).await?);
    let centre = centre
        .or(actor.scope.and_then(|s| s.centre_id))
        .ok_or_else(|| AppError::Refused(Msg::new("case-no-centre")))?;
    let jurisdiction = skrb_kit::centre::jurisdiction_of(tx, Some(centre)).await?;
    let ty = catalogue::get(tx, type_id).await?;
    let ty = match ty {
        Some(t) if t.active && t.jurisdiction == jurisdiction => Some(t),
        _ => {
            ck.err("type_id", "cases-err-case-type");
            None
        }
    };
    let Some(worker) = worker else {
        ck.err("worker_id", "err-required");
        return Err(ck
            .done()
            .err()
            .unwrap_or(AppError::BadRequest("worker".into())));
    };
    if let Some(key) = skrb_kit::centre::worker_ok(tx, worker, centre).await? {
        ck.err("worker_id", key);
    }
    for u in &team {
        if skrb_kit::centre::worker_ok(tx, *u, centre).await?.is_some() {
            ck.err("team", "registry-err-team-user");
            break;
        }
    }
    if let Some(h) = household {
        let member: i64 = sql!(tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM household_member WHERE household_id = $1 AND person_id = $2")
            .bind(h).bind(person).fetch_one(c).await?);
        if member == 0 {
            ck.err("household_id", "registry-err-household");
        }
    }
    ck.done()?;
    let Some(ty) = ty else {
        return Err(field_error("type_id", "cases-err-case-type"));
    };
    let restricted = skrb_kit::form::truthy(&f.restricted) || ty.opens_restricted;
    let unit = first_unit(tx, worker).await?;
    let number = free_number(tx, centre, opened.year(), &ty.class_code).await?;
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO case_file (centre_id, unit_id, number, person_id, household_id, type_id, problems, summary, \
         status, worker_id, restricted, opened_on, last_activity_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, $12, $13) RETURNING id")
        .bind(centre).bind(unit).bind(&number).bind(person).bind(household).bind(ty.id).bind(&problems)
        .bind(&summary).bind(worker).bind(restricted).bind(opened).bind(today)
        .bind(actor.now).fetch_one(c).await?);
    for u in &team {
        sql!(tx, c => sqlx::query("INSERT INTO case_team (case_id, user_id) VALUES ($1, $2)")
            .bind(id).bind(u).execute(c).await?.rows_affected());
    }
    sql!(tx, c => sqlx::query(
        "INSERT INTO case_transfer (case_id, to_worker, to_unit, by_user, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(worker).bind(unit).bind(actor.user_id).bind(actor.now)
        .execute(c).await?.rows_affected());
    if let Some(days) = ty.deadline_days {
        let title = format!(
            "task-auto-{}",
            ty.deadline_task.as_deref().unwrap_or("first_step")
        );
        add_task(
            tx,
            actor,
            Some(centre),
            Some(id),
            &title,
            worker,
            opened + Duration::days(days),
            "statutory",
        )
        .await?;
    }
    if let Some(intake) = intake {
        let n = sql!(tx, c => sqlx::query(
            "UPDATE intake SET case_id = $1 WHERE id = $2 AND person_id = $3 AND case_id IS NULL")
            .bind(id).bind(intake).bind(person).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(field_error("intake_id", "cases-err-intake"));
        }
    }
    audit::record(
        tx,
        actor,
        Event::new(Action::Create, "case_file", id)
            .person(person)
            .detail(serde_json::json!({
                "number": number, "type": ty.code, "worker": worker, "restricted": restricted,
                "team": team, "problems": problems, "intake_id": intake
            })),
    )
    .await?;
    Ok(id)
}

/// The person's access rules, as an error the user can read.
async fn access_person(tx: &mut Tx, actor: &Actor, person: i64) -> AppResult<()> {
    match skrb_registry::access::check(tx, actor, PersonId(person)).await {
        Err(AppError::NotFound) => Err(field_error("person_id", "registry-err-person")),
        other => other,
    }
}

/// Opens a case file; returns its id.
pub async fn open(db: &Db, actor: &Actor, f: &CaseForm, today: Date) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = open_in(&mut tx, actor, f, today).await?;
    tx.commit().await?;
    Ok(id)
}

/// A file as shown and returned by the API.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct CaseFile {
    pub id: i64,
    pub number: String,
    pub centre_id: i64,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub person_id: i64,
    pub person_name: String,
    pub household_id: Option<i64>,
    pub type_id: i64,
    pub type_code: String,
    #[serde(skip)]
    pub type_sl: String,
    #[serde(skip)]
    pub type_sr: String,
    pub type_name: String,
    pub problems: String,
    pub summary: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: FileStatus,
    pub close_reason: Option<String>,
    pub open_tasks_reason: Option<String>,
    pub worker_id: i64,
    pub worker_name: String,
    pub restricted: bool,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub opened_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub closed_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub last_activity_on: Date,
    pub version: i64,
}

impl CaseFile {
    pub fn problem_list(&self) -> Vec<&str> {
        items(&self.problems).collect()
    }
    pub fn type_in(&self, l: impl std::borrow::Borrow<skrb_kit::i18n::Locale>) -> String {
        let l = *l.borrow();
        skrb_kit::i18n::name_in(l, &self.type_sl, &self.type_sr, &self.type_name)
    }
}

const FILE_SELECT: &str = "SELECT c.id, c.number, c.centre_id, c.unit_id, un.name AS unit_name, c.person_id, \
    p.given_name || ' ' || p.family_name AS person_name, c.household_id, c.type_id, t.code AS type_code, \
    t.name_sl AS type_sl, t.name_sr AS type_sr, t.name_en AS type_name, c.problems, c.summary, c.status, \
    c.close_reason, c.open_tasks_reason, c.worker_id, u.display_name AS worker_name, c.restricted, c.opened_on, \
    c.closed_on, c.last_activity_on, c.version \
    FROM case_file c JOIN person p ON p.id = c.person_id JOIN case_type t ON t.id = c.type_id \
    JOIN app_user u ON u.id = c.worker_id LEFT JOIN unit un ON un.id = c.unit_id";

pub async fn load(tx: &mut Tx, id: i64) -> Result<Option<CaseFile>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, CaseFile>(&format!("{FILE_SELECT} WHERE c.id = $1"))
        .bind(id).fetch_optional(c).await)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub user_id: i64,
    pub display_name: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Transfer {
    pub from_worker: Option<String>,
    pub to_worker: String,
    pub from_unit: Option<String>,
    pub to_unit: Option<String>,
    pub reason: Option<String>,
    pub by_user: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Changes to a file's details, with the version the user saw.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UpdateForm {
    #[serde(deserialize_with = "skrb_kit::form::lenient_list")]
    #[schema(value_type = Vec<String>)]
    pub problems: String,
    #[serde(deserialize_with = "lenient")]
    pub summary: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<bool>)]
    pub restricted: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient_list")]
    #[schema(value_type = Vec<i64>)]
    pub team: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub version: String,
}

async fn bump(tx: &mut Tx, g: &Guard, version: i64) -> AppResult<()> {
    let n = sql!(tx, c => sqlx::query("UPDATE case_file SET version = version + 1 WHERE id = $1 AND version = $2")
        .bind(g.id).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: g.version,
        });
    }
    Ok(())
}

fn version(ck: &mut Check, v: &str, g: &Guard) -> i64 {
    ck.id("version", v, false).unwrap_or(g.version)
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &UpdateForm,
    manages: bool,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, id, manages).await?;
    let mut ck = Check::new();
    let problems = parse_problems(&mut ck, &f.problems);
    let summary = ck.text("summary", &f.summary, false, 2000);
    let team = parse_ids(&mut ck, "team", &f.team);
    let v = version(&mut ck, &f.version, &g);
    for u in &team {
        if skrb_kit::centre::worker_ok(&mut tx, *u, g.centre_id)
            .await?
            .is_some()
        {
            ck.err("team", "registry-err-team-user");
            break;
        }
    }
    ck.done()?;
    let old = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    bump(&mut tx, &g, v).await?;
    // Only those who manage cases lift a restriction; a worker may add one.
    let restricted = skrb_kit::form::truthy(&f.restricted) || (old.restricted && !manages);
    sql!(&mut tx, c => sqlx::query("UPDATE case_file SET problems = $1, summary = $2, restricted = $3 WHERE id = $4")
        .bind(&problems).bind(&summary).bind(restricted).bind(id).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("DELETE FROM case_team WHERE case_id = $1").bind(id).execute(c).await?.rows_affected());
    for u in &team {
        sql!(&mut tx, c => sqlx::query("INSERT INTO case_team (case_id, user_id) VALUES ($1, $2)")
            .bind(id).bind(u).execute(c).await?.rows_affected());
    }
    touch(&mut tx, id, today).await?;
    let changes = vec![
        skrb_kit::audit::Change {
            field: "problems".into(),
            old: Some(old.problems.clone()),
            new: Some(problems.clone()),
        },
        skrb_kit::audit::Change {
            field: "summary".into(),
            old: old.summary.clone(),
            new: summary.clone(),
        },
        skrb_kit::audit::Change {
            field: "restricted".into(),
            old: Some(old.restricted.to_string()),
            new: Some(restricted.to_string()),
        },
        skrb_kit::audit::Change {
            field: "team".into(),
            old: None,
            new: Some(format!("{team:?}")),
        },
    ];
    let changes: Vec<_> = changes.into_iter().filter(|c| c.old != c.new).collect();
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "case_file", id)
            .person(g.person_id)
            .changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Closing, holding or reopening a file.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StatusForm {
    /// open, on_hold or closed
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// Why the file closes (required to close).
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    /// Why the file closes although tasks are still open (asked for when there are).
    #[serde(deserialize_with = "lenient")]
    pub open_tasks_reason: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub closed_on: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub version: String,
}

pub const CLOSE_REASONS: [&str; 6] = [
    "goals_met",
    "no_longer_needed",
    "moved",
    "transferred_out",
    "deceased",
    "declined",
];

pub async fn set_status(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &StatusForm,
    manages: bool,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, id, manages).await?;
    let mut ck = Check::new();
    let status = ck.choice("status", &f.status, &FileStatus::codes(), true);
    let v = version(&mut ck, &f.version, &g);
    let Some(status) = status else {
        return Err(ck
            .done()
            .err()
            .unwrap_or(AppError::BadRequest("status".into())));
    };
    let mut closed_on = None;
    let mut reason = None;
    let mut tasks_reason = None;
    if status == FileStatus::Closed.code() {
        reason = ck.choice("reason", &f.reason, &CLOSE_REASONS, true);
        let opened: Date = sql!(&mut tx, c => sqlx::query_scalar("SELECT opened_on FROM case_file WHERE id = $1")
            .bind(id).fetch_one(c).await?);
        let d = ck.date("closed_on", &f.closed_on, false).unwrap_or(today);
        if d < opened {
            ck.err("closed_on", "cases-err-closed-before-opened");
        }
        if d > today {
            ck.err("closed_on", "registry-err-date-future");
        }
        closed_on = Some(d);
        tasks_reason = ck.text("open_tasks_reason", &f.open_tasks_reason, false, 500);
        ck.done()?;
        let open_tasks: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM task WHERE case_id = $1 AND done_at IS NULL").bind(id).fetch_one(c).await?);
        if open_tasks > 0 && tasks_reason.is_none() {
            return Err(AppError::Warnings {
                warnings: vec![Warning {
                    code: "open_tasks",
                    msg: Msg::new("cases-warn-open-tasks").num("count", open_tasks),
                }],
                may_override: true,
            });
        }
    } else {
        ck.done()?;
    }
    if g.status.code() == status {
        return Err(field_error("status", "cases-err-status-same"));
    }
    bump(&mut tx, &g, v).await?;
    sql!(&mut tx, c => sqlx::query(
        "UPDATE case_file SET status = $1, close_reason = $2, open_tasks_reason = $3, closed_on = $4, \
         last_activity_on = $5 WHERE id = $6")
        .bind(status).bind(reason).bind(&tasks_reason).bind(closed_on).bind(today).bind(id)
        .execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "case_file", id)
            .person(g.person_id)
            .changes(&[skrb_kit::audit::Change {
                field: "status".into(),
                old: Some(g.status.code().to_string()),
                new: Some(status.into()),
            }])
            .reason(tasks_reason.as_deref().or(reason)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Handing a file to another worker or unit.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TransferForm {
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub worker_id: String,
    /// The unit; the new worker's first unit when empty.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub unit_id: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub version: String,
}

/// Transfers a file; its worker may hand it on, and those who manage cases may move any.
/// Open tasks of the old worker on the file go to the new one.
pub async fn transfer(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &TransferForm,
    manages: bool,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, id, manages).await?;
    let mut ck = Check::new();
    let worker = ck.id("worker_id", &f.worker_id, true);
    let unit = ck.id("unit_id", &f.unit_id, false);
    let reason = ck.text("reason", &f.reason, true, 500);
    let v = version(&mut ck, &f.version, &g);
    if let Some(w) = worker {
        if let Some(key) = skrb_kit::centre::worker_ok(&mut tx, w, g.centre_id).await? {
            ck.err("worker_id", key);
        } else if w == g.worker_id && unit.is_none() {
            ck.err("worker_id", "cases-err-transfer-same");
        }
    }
    if let Some(u) = unit {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM unit WHERE id = $1 AND centre_id = $2")
            .bind(u).bind(g.centre_id).fetch_one(c).await?);
        if ok == 0 {
            ck.err("unit_id", "cases-err-unit");
        }
    }
    ck.done()?;
    let Some(worker) = worker else {
        return Err(field_error("worker_id", "err-required"));
    };
    if !g.status.takes_work() {
        return Err(AppError::Refused(Msg::new("cases-closed")));
    }
    let unit = match unit {
        Some(u) => Some(u),
        None => first_unit(&mut tx, worker).await?,
    };
    let from_unit: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT unit_id FROM case_file WHERE id = $1")
        .bind(id).fetch_one(c).await?);
    bump(&mut tx, &g, v).await?;
    sql!(&mut tx, c => sqlx::query("UPDATE case_file SET worker_id = $1, unit_id = $2, last_activity_on = $3 WHERE id = $4")
        .bind(worker).bind(unit).bind(today).bind(id).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("UPDATE task SET assignee_id = $1 WHERE case_id = $2 AND assignee_id = $3 AND done_at IS NULL")
        .bind(worker).bind(id).bind(g.worker_id).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query(
        "INSERT INTO case_transfer (case_id, from_worker, to_worker, from_unit, to_unit, reason, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id).bind(g.worker_id).bind(worker).bind(from_unit).bind(unit).bind(&reason)
        .bind(actor.user_id).bind(actor.now).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Transfer, "case_file", id)
            .person(g.person_id)
            .detail(serde_json::json!({ "from": g.worker_id, "to": worker, "from_unit": from_unit, "to_unit": unit }))
            .reason(reason.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A row of the file list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub person_id: i64,
    pub person_name: String,
    pub type_code: String,
    #[serde(skip)]
    pub type_sl: String,
    #[serde(skip)]
    pub type_sr: String,
    pub type_name: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: FileStatus,
    pub worker_name: String,
    pub restricted: bool,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub opened_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub closed_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub last_activity_on: Date,
}

impl CaseRow {
    pub fn type_in(&self, l: impl std::borrow::Borrow<skrb_kit::i18n::Locale>) -> String {
        let l = *l.borrow();
        skrb_kit::i18n::name_in(l, &self.type_sl, &self.type_sr, &self.type_name)
    }
}

/// Filters and order of the file list (query string of the page and the API).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListParams {
    /// A file number prefix or words of the person's name.
    pub q: String,
    /// open, on_hold, closed, or empty for all
    pub status: String,
    pub type_id: Option<i64>,
    /// A catalogue area code.
    pub area: String,
    /// A worker's id, or "me".
    pub worker: String,
    pub unit_id: Option<i64>,
    pub problem: String,
    /// opened (newest first, the default), number, name, activity
    pub sort: String,
    pub page: Option<u32>,
    pub person_id: Option<i64>,
}

/// Counting stops here, as in search: past it the user narrows the filters rather than
/// pages, and a big centre's list does not count thousands of files on every view.
pub const LIST_CAP: i64 = 1_000;

pub struct CaseList {
    pub items: Vec<CaseRow>,
    /// Up to [`LIST_CAP`] + 1.
    pub total: i64,
}

use skrb_kit::export::Bind;

/// What a list's filters become in SQL: the conditions on `case_file c` (and its type
/// `t` when the area is asked), their values, and the order.
struct Filter {
    cond: String,
    binds: Vec<Bind>,
    base: &'static str,
    order: &'static str,
}

/// The file list, filtered and sorted in the database, one page at a time; audited with
/// the files shown.
pub async fn list(db: &Db, actor: &Actor, p: &ListParams, per_page: u32) -> AppResult<CaseList> {
    let found = select(db, actor, p, per_page, true).await?;
    let shown: Vec<i64> = found.items.iter().map(|r| r.id).collect();
    audit::record_apart(
        db,
        actor,
        Event::about(Action::List, "case_file")
            .detail(serde_json::json!({ "q": p.q, "shown": shown })),
    )
    .await?;
    Ok(found)
}

/// The files of one person, for the person's page: that page's own read record (one per
/// view, see `registry::persons::view`) covers them, so no second record (and no second
/// commit) is written for this part of the same page.
pub async fn of_person(db: &Db, actor: &Actor, person_id: i64) -> AppResult<Vec<CaseRow>> {
    let p = ListParams {
        person_id: Some(person_id),
        ..ListParams::default()
    };
    Ok(select(db, actor, &p, 50, false).await?.items)
}

fn filter(actor: &Actor, p: &ListParams) -> AppResult<Filter> {
    let mut cond = String::from(" WHERE 1 = 1");
    let mut binds: Vec<Bind> = Vec::new();
    let arg = |binds: &mut Vec<Bind>, b: Bind| {
        binds.push(b);
        format!("${}", binds.len())
    };
    match p.status.as_str() {
        "" => {}
        s if FileStatus::from_code(s).is_some() => {
            cond.push_str(&format!(
                " AND c.status = {}",
                arg(&mut binds, Bind::S(s.into()))
            ));
        }
        "active" => cond.push_str(" AND c.status IN ('open', 'on_hold')"),
        _ => return Err(field_error("status", "err-choice")),
    }
    if let Some(t) = p.type_id {
        cond.push_str(&format!(" AND c.type_id = {}", arg(&mut binds, Bind::I(t))));
    }
    if !p.area.is_empty() {
        cond.push_str(&format!(
            " AND t.area = {}",
            arg(&mut binds, Bind::S(p.area.clone()))
        ));
    }
    match p.worker.as_str() {
        "" => {}
        "me" => {
            let me = actor.user_id.unwrap_or(0);
            cond.push_str(&format!(
                " AND c.worker_id = {}",
                arg(&mut binds, Bind::I(me))
            ));
        }
        w => {
            let w = w
                .parse::<i64>()
                .map_err(|_| field_error("worker", "err-number"))?;
            cond.push_str(&format!(
                " AND c.worker_id = {}",
                arg(&mut binds, Bind::I(w))
            ));
        }
    }
    if let Some(u) = p.unit_id {
        cond.push_str(&format!(" AND c.unit_id = {}", arg(&mut binds, Bind::I(u))));
    }
    if let Some(person) = p.person_id {
        cond.push_str(&format!(
            " AND c.person_id = {}",
            arg(&mut binds, Bind::I(person))
        ));
    }
    if !p.problem.is_empty() {
        if !PROBLEMS.contains(&p.problem.as_str()) {
            return Err(field_error("problem", "err-choice"));
        }
        cond.push_str(&format!(
            " AND c.problems LIKE {}",
            arg(&mut binds, Bind::S(format!("%,{},%", p.problem)))
        ));
    }
    let q = p.q.trim();
    let token_scope =
        skrb_registry::access::token_centre_filter(actor).replace(" centre_id", " pt.centre_id");
    if q.chars().any(|c| c.is_ascii_digit()) {
        let lo = arg(&mut binds, Bind::S(q.to_string()));
        let hi = arg(&mut binds, Bind::S(format!("{q}\u{10FFFF}")));
        cond.push_str(&format!(" AND c.number >= {lo} AND c.number < {hi}"));
    } else {
        for w in skrb_domain::names::tokens(q) {
            let hi = format!("{w}{{");
            let lo = arg(&mut binds, Bind::S(w));
            let hi = arg(&mut binds, Bind::S(hi));
            cond.push_str(&format!(
                " AND c.person_id IN (SELECT pt.person_id FROM person_token pt WHERE pt.token >= {lo} AND pt.token < {hi}{token_scope})"
            ));
        }
    }
    cond.push_str(&access::filter(actor));
    // The conditions are on the file alone (the area on its type): counting and the page
    // of files are found in `case_file`, and only the page's rows are joined to persons.
    let base = if p.area.is_empty() {
        "FROM case_file c"
    } else {
        "FROM case_file c JOIN case_type t ON t.id = c.type_id"
    };
    // By name is by the file's copy of its person's name key (migration 0020), so the
    // index `case_file_by_name` gives the page without reading every file's person.
    let order = match p.sort.as_str() {
        "" | "opened" => "c.opened_on DESC, c.id DESC",
        "number" => "c.number, c.id",
        "name" => "c.person_key, c.id",
        "activity" => "c.last_activity_on DESC, c.id DESC",
        _ => return Err(field_error("sort", "err-choice")),
    };
    Ok(Filter {
        cond,
        binds,
        base,
        order,
    })
}

/// One page of the list, and (`counted`) how many files match, up to the cap: the person
/// page's panel shows all of a person's files and no count, so it asks for none.
async fn select(
    db: &Db,
    actor: &Actor,
    p: &ListParams,
    per_page: u32,
    counted: bool,
) -> AppResult<CaseList> {
    let Filter {
        cond,
        binds,
        base,
        order,
    } = filter(actor, p)?;
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 {base}{cond} LIMIT {}) capped",
        LIST_CAP + 1
    );
    let per_page = i64::from(per_page.clamp(1, 200));
    let offset = i64::from(p.page.unwrap_or(1).max(1) - 1) * per_page;
    // The page is chosen from the files alone; only its rows are joined to persons.
    let page =
        format!("(SELECT c.* {base}{cond} ORDER BY {order} LIMIT {per_page} OFFSET {offset})");
    let list_sql = format!(
        "SELECT c.id, c.number, c.person_id, p.given_name || ' ' || p.family_name AS person_name, t.code AS type_code, \
         t.name_sl AS type_sl, t.name_sr AS type_sr, t.name_en AS type_name, c.status, u.display_name AS worker_name, \
         c.restricted, c.opened_on, c.closed_on, c.last_activity_on FROM {page} c JOIN person p ON p.id = c.person_id \
         JOIN case_type t ON t.id = c.type_id JOIN app_user u ON u.id = c.worker_id ORDER BY {order}"
    );
    let mut tx = db.begin_read().await?;
    let counted_total: Option<i64> = if counted {
        Some(sql!(&mut tx, c => {
            skrb_kit::bind_all!(sqlx::query_scalar(&count_sql), &binds).fetch_one(c).await?
        }))
    } else {
        None
    };
    let items: Vec<CaseRow> = sql!(&mut tx, c => {
        skrb_kit::bind_all!(sqlx::query_as::<_, CaseRow>(&list_sql), &binds).fetch_all(c).await?
    });
    tx.commit().await?;
    let total = counted_total.unwrap_or(items.len() as i64);
    Ok(CaseList { items, total })
}

/// The whole list with the page's filters, as XLSX or CSV, written as it is read from
/// `read` (the reports' database); audited as a download with the filters and the
/// number of files.
pub async fn export(
    read: &Db,
    db: &Db,
    actor: &Actor,
    p: &ListParams,
    format: skrb_kit::export::Format,
    l: skrb_kit::i18n::Locale,
) -> AppResult<skrb_kit::export::Download> {
    use skrb_kit::export::{download, headings, Listing};
    use skrb_kit::i18n::{name_in, t};
    use skrb_kit::sheet::Cell;
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Date,
        Option<Date>,
        Date,
    );
    let f = filter(actor, p)?;
    let list = Listing {
        sql: format!(
            "SELECT c.number, p.given_name || ' ' || p.family_name, t.name_sl, t.name_sr, t.name_en, c.status, \
             u.display_name, c.opened_on, c.closed_on, c.last_activity_on \
             FROM (SELECT c.* {}{}) c JOIN person p ON p.id = c.person_id JOIN case_type t ON t.id = c.type_id \
             JOIN app_user u ON u.id = c.worker_id ORDER BY {}",
            f.base, f.cond, f.order
        ),
        binds: f.binds,
        title: t(l, "nav-cases"),
        columns: headings(
            l,
            &[
                "cases-number",
                "cases-person",
                "cases-type",
                "cases-status-change",
                "cases-worker",
                "cases-opened",
                "cases-closed-on",
                "cases-last-activity",
            ],
        ),
        name: "case-files",
        entity: "case_file",
        detail: serde_json::json!({ "q": p.q, "status": p.status }),
    };
    download(
        read,
        db,
        actor,
        list,
        format,
        |(number, person, sl, sr, en, status, worker, opened, closed, last): Row| {
            vec![
                Cell::Text(number),
                Cell::Text(person),
                Cell::Text(name_in(l, &sl, &sr, &en)),
                Cell::Text(t(l, &format!("cases-status-{status}"))),
                Cell::Text(worker),
                Cell::Date(opened),
                closed.map(Cell::Date).unwrap_or(Cell::Empty),
                Cell::Date(last),
            ]
        },
    )
    .await
}

/// Users a file can be given to or shared with: the active staff of the centre.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Colleague {
    pub id: i64,
    pub display_name: String,
    pub role: String,
}

pub async fn colleagues(db: &Db, centre_id: Option<i64>) -> AppResult<Vec<Colleague>> {
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Colleague>(
        "SELECT id, display_name, role FROM app_user WHERE active = TRUE AND centre_id = $1 \
         AND role IN ('social_worker', 'head_of_unit', 'director', 'home_help_coordinator', 'rights_officer') \
         ORDER BY display_name").bind(centre_id).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
}

pub async fn units(db: &Db, centre_id: Option<i64>) -> AppResult<Vec<UnitRow>> {
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, UnitRow>(
        "SELECT id, name FROM unit WHERE centre_id = $1 ORDER BY name").bind(centre_id).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}
