//! Tasks and deadlines, the worker's "my work" page and the head of unit's caseloads.

use skrb_domain::cases::FileStatus;
use skrb_kit::audit::Action;
use time::{Date, OffsetDateTime};

use super::access;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::i18n::{self, Locale};
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: i64,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub person_name: Option<String>,
    /// The task as typed, or a message key for a generated one (see [`Task::title_in`]).
    pub title: String,
    pub assignee_id: i64,
    pub assignee: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub due_on: Date,
    /// manual, statutory, plan_review, referral, violence
    pub source: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
}

impl Task {
    /// Generated tasks carry a stored code (`task-auto-assessment`, as the API shows
    /// it), shown in the reader's language through the words `cases-task-auto-…`.
    pub fn title_in(&self, l: impl std::borrow::Borrow<Locale>) -> String {
        let l = *l.borrow();
        let key = format!("cases-{}", self.title);
        if self.title.starts_with("task-auto-") && i18n::has(l, &key) {
            i18n::t(l, &key)
        } else {
            self.title.clone()
        }
    }

    pub fn overdue(&self, today: &Date) -> bool {
        self.done_at.is_none() && self.due_on < *today
    }
}

const SELECT: &str = "SELECT k.id, k.case_id, c.number AS case_number, \
    p.given_name || ' ' || p.family_name AS person_name, k.title, k.assignee_id, u.display_name AS assignee, \
    k.due_on, k.source, k.done_at FROM task k JOIN app_user u ON u.id = k.assignee_id \
    LEFT JOIN case_file c ON c.id = k.case_id LEFT JOIN person p ON p.id = c.person_id";

pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Task>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, Task>(&format!(
        "{SELECT} WHERE k.case_id = $1 ORDER BY k.done_at IS NOT NULL, k.due_on, k.id")).bind(case_id).fetch_all(c).await)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TaskForm {
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// Whose task; the user creating it when empty.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: String,
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
}

/// A task on a file (the assignee must be an active colleague of the file's centre).
pub async fn create(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    f: &TaskForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, case_id, manages).await?;
    if !g.status.takes_work() {
        return Err(AppError::Refused(Msg::new("cases-closed")));
    }
    let mut ck = Check::new();
    let title = ck.text("title", &f.title, true, 300);
    let assignee = ck
        .id("assignee_id", &f.assignee_id, false)
        .or(actor.user_id);
    let due = ck.date("due_on", &f.due_on, true);
    if due.is_some_and(|d| d < today) {
        ck.err("due_on", "err-due-past");
    }
    if let Some(a) = assignee {
        if let Some(key) = skrb_kit::centre::worker_ok(&mut tx, a, g.centre_id).await? {
            ck.err("assignee_id", key);
        }
    }
    ck.done()?;
    let (Some(title), Some(assignee), Some(due)) = (title, assignee, due) else {
        return Err(AppError::BadRequest("task".into()));
    };
    let id = super::files::add_task(
        &mut tx,
        actor,
        Some(g.centre_id),
        Some(case_id),
        &title,
        assignee,
        due,
        "manual",
    )
    .await?;
    super::files::touch(&mut tx, case_id, today).await?;
    tx.commit().await?;
    Ok(id)
}

/// Marks a task done: its assignee, or whoever works its file.
pub async fn done(
    db: &Db,
    actor: &Actor,
    task_id: i64,
    manages: bool,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let row: Option<(Option<i64>, i64, Option<OffsetDateTime>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT case_id, assignee_id, done_at FROM task WHERE id = $1").bind(task_id).fetch_optional(c).await?);
    let (case_id, assignee, done_at) = row.ok_or(AppError::NotFound)?;
    let mut person = None;
    if let Some(case_id) = case_id {
        let g = if actor.user_id == Some(assignee) {
            access::check(&mut tx, actor, case_id).await?
        } else {
            access::check_write(&mut tx, actor, case_id, manages).await?
        };
        person = Some(g.person_id);
        super::files::touch(&mut tx, case_id, today).await?;
    } else if actor.user_id != Some(assignee) && !manages {
        return Err(AppError::Refused(Msg::new("cases-not-yours")));
    }
    if done_at.is_some() {
        return Err(skrb_kit::form::field_error("task", "cases-err-task-done"));
    }
    sql!(&mut tx, c => sqlx::query("UPDATE task SET done_at = $1, done_by = $2 WHERE id = $3 AND done_at IS NULL")
        .bind(actor.now).bind(actor.user_id).bind(task_id).execute(c).await?.rows_affected());
    let mut e = Event::new(Action::Done, "task", task_id);
    if let Some(p) = person {
        e = e.person(p);
    }
    audit::record(&mut tx, actor, e).await?;
    tx.commit().await?;
    Ok(())
}

/// A worker's open file on "my work".
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct MyFile {
    pub id: i64,
    pub number: String,
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
    pub restricted: bool,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub last_activity_on: Date,
    pub open_tasks: i64,
}

impl MyFile {
    pub fn type_in(&self, l: impl std::borrow::Borrow<Locale>) -> String {
        let l = *l.borrow();
        skrb_kit::i18n::name_in(l, &self.type_sl, &self.type_sr, &self.type_name)
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyWork {
    /// Open tasks, overdue first, then by due date.
    pub tasks: Vec<Task>,
    pub overdue: i64,
    /// Open and held files, longest untouched first.
    pub files: Vec<MyFile>,
    /// Referrals into the centre waiting for an answer, on the user's files.
    pub referrals_waiting: i64,
}

/// All of the worker's open tasks (not only the page's 200), by due date, as XLSX or
/// CSV; audited as a download with the number of tasks.
pub async fn export_mine(
    read: &Db,
    db: &Db,
    actor: &Actor,
    format: skrb_kit::export::Format,
    l: Locale,
) -> AppResult<skrb_kit::export::Download> {
    use skrb_kit::export::{download, headings, Bind, Listing};
    use skrb_kit::sheet::Cell;
    let me = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let today = actor.today();
    let list = Listing {
        sql: format!(
            "{SELECT} WHERE k.assignee_id = $1 AND k.done_at IS NULL ORDER BY k.due_on, k.id"
        ),
        binds: vec![Bind::I(me)],
        title: i18n::t(l, "cases-work-tasks"),
        columns: headings(
            l,
            &[
                "cases-task-due",
                "cases-task-days-late",
                "cases-task-title",
                "cases-number",
                "registry-col-name",
            ],
        ),
        name: "tasks",
        entity: "task",
        detail: serde_json::json!({ "assignee": me }),
    };
    download(read, db, actor, list, format, |t: Task| {
        vec![
            Cell::Date(t.due_on),
            if t.overdue(&today) {
                Cell::Count((today - t.due_on).whole_days())
            } else {
                Cell::Empty
            },
            Cell::Text(t.title_in(l)),
            t.case_number.map_or(Cell::Empty, Cell::Text),
            t.person_name.map_or(Cell::Empty, Cell::Text),
        ]
    })
    .await
}

/// The signed-in worker's day: tasks (overdue first) and files (quietest first).
pub async fn my_work(db: &Db, actor: &Actor, today: Date) -> AppResult<MyWork> {
    let me = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let mut tx = db.begin_read().await?;
    let tasks = sql!(&mut tx, c => sqlx::query_as::<_, Task>(&format!(
        "{SELECT} WHERE k.assignee_id = $1 AND k.done_at IS NULL ORDER BY k.due_on, k.id LIMIT 200"))
        .bind(me).fetch_all(c).await?);
    let files = sql!(&mut tx, c => sqlx::query_as::<_, MyFile>(
        "SELECT c.id, c.number, p.given_name || ' ' || p.family_name AS person_name, t.code AS type_code, \
         t.name_sl AS type_sl, t.name_sr AS type_sr, t.name_en AS type_name, c.status, c.restricted, c.last_activity_on, \
         (SELECT COUNT(*) FROM task k WHERE k.case_id = c.id AND k.done_at IS NULL) AS open_tasks \
         FROM case_file c JOIN person p ON p.id = c.person_id JOIN case_type t ON t.id = c.type_id \
         WHERE c.worker_id = $1 AND c.status <> 'closed' ORDER BY c.last_activity_on, c.id LIMIT 500")
        .bind(me).fetch_all(c).await?);
    let referrals_waiting: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM referral r JOIN case_file c ON c.id = r.case_id \
         WHERE c.worker_id = $1 AND r.direction = 'in' AND r.status IN ('sent', 'accepted')")
        .bind(me).fetch_one(c).await?);
    tx.commit().await?;
    let overdue = tasks.iter().filter(|t| t.overdue(&today)).count() as i64;
    let shown: Vec<i64> = files.iter().map(|f| f.id).collect();
    audit::record_apart(
        db,
        actor,
        Event::about(Action::MyWork, "case_file").detail(serde_json::json!({ "shown": shown })),
    )
    .await?;
    Ok(MyWork {
        tasks,
        overdue,
        files,
        referrals_waiting,
    })
}

/// One worker's load: files, their yearly norm hours against the worker's hours: the
/// centre's yearly hours of a full-time worker (`centre.worker_hours`, 40 hours a week),
/// scaled by the hours a week of the worker's staff record on the day (a part-time worker
/// carries a part of the norm); a worker with no staff record counts full time.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Caseload {
    pub user_id: i64,
    pub display_name: String,
    pub open_files: i64,
    pub held_files: i64,
    pub norm_hours: i64,
    pub overdue_tasks: i64,
    pub worker_hours: i64,
}

impl Caseload {
    /// Load against the norm, in percent (100 = a full year's hours).
    pub fn percent(&self) -> i64 {
        if self.worker_hours <= 0 {
            return 0;
        }
        self.norm_hours * 100 / self.worker_hours
    }
}

/// Caseloads of the workers of the actor's centre (or one unit), heaviest first; no
/// personal data of clients, only counts.
pub async fn caseloads(
    db: &Db,
    actor: &Actor,
    centre_id: i64,
    unit_id: Option<i64>,
    today: Date,
) -> AppResult<Vec<Caseload>> {
    if let Some(s) = actor.scope {
        if !s.all_centres && s.centre_id != Some(centre_id) {
            return Err(AppError::Refused(Msg::new("out-of-scope")));
        }
    }
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Caseload>(
        "SELECT u.id AS user_id, u.display_name, \
         CAST(COALESCE(SUM(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) AS open_files, \
         CAST(COALESCE(SUM(CASE WHEN c.status = 'on_hold' THEN 1 ELSE 0 END), 0) AS BIGINT) AS held_files, \
         CAST(COALESCE(SUM(CASE WHEN c.status = 'open' THEN t.norm_hours ELSE 0 END), 0) AS BIGINT) AS norm_hours, \
         (SELECT COUNT(*) FROM task k WHERE k.assignee_id = u.id AND k.done_at IS NULL AND k.due_on < $3) AS overdue_tasks, \
         COALESCE((SELECT CAST(ce.worker_hours * SUM(s.hours_week) / 40 AS BIGINT) FROM staff_member s WHERE s.user_id = u.id \
           AND s.starts_on <= $3 AND (s.ends_on IS NULL OR s.ends_on >= $3)), ce.worker_hours) AS worker_hours \
         FROM app_user u JOIN centre ce ON ce.id = u.centre_id \
         LEFT JOIN case_file c ON c.worker_id = u.id AND c.status <> 'closed' \
         LEFT JOIN case_type t ON t.id = c.type_id \
         WHERE u.centre_id = $1 AND u.active = TRUE AND u.role IN ('social_worker', 'head_of_unit', 'home_help_coordinator') \
         AND ($2 IS NULL OR EXISTS (SELECT 1 FROM user_unit uu WHERE uu.user_id = u.id AND uu.unit_id = $2)) \
         GROUP BY u.id, u.display_name, ce.worker_hours ORDER BY norm_hours DESC, u.display_name")
        .bind(centre_id).bind(unit_id).bind(today).fetch_all(c).await?);
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::about(Action::Caseloads, "case_file")
            .detail(serde_json::json!({ "centre": centre_id, "unit": unit_id })),
    )
    .await?;
    Ok(rows)
}

/// Open and overdue tasks of a user, for the start page (counts only).
pub async fn counts(db: &Db, user_id: i64, today: Date) -> AppResult<(i64, i64)> {
    let row: (i64, i64) = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN due_on < $2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM task WHERE assignee_id = $1 AND done_at IS NULL")
        .bind(user_id).bind(today).fetch_one(p).await?);
    Ok(row)
}

/// A centre's case work in a year, for the statistics (no personal data).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CentreWork {
    pub centre: String,
    pub intakes: i64,
    pub opened: i64,
    pub closed: i64,
    pub open_now: i64,
    pub violence: i64,
}

pub async fn statistics(db: &Db, year: i32) -> AppResult<Vec<CentreWork>> {
    let from = Date::from_calendar_date(year, time::Month::January, 1)
        .map_err(|e| AppError::Internal(e.into()))?;
    let to = Date::from_calendar_date(year + 1, time::Month::January, 1)
        .map_err(|e| AppError::Internal(e.into()))?;
    let start = from.midnight().assume_utc();
    let end = to.midnight().assume_utc();
    let rows = skrb_kit::sql_pool!(db, p => sqlx::query_as::<_, CentreWork>(
        "SELECT ce.name AS centre, \
         (SELECT COUNT(*) FROM intake i WHERE i.centre_id = ce.id AND i.at >= $3 AND i.at < $4) AS intakes, \
         (SELECT COUNT(*) FROM case_file c WHERE c.centre_id = ce.id AND c.opened_on >= $1 AND c.opened_on < $2) AS opened, \
         (SELECT COUNT(*) FROM case_file c WHERE c.centre_id = ce.id AND c.closed_on >= $1 AND c.closed_on < $2) AS closed, \
         (SELECT COUNT(*) FROM case_file c WHERE c.centre_id = ce.id AND c.status <> 'closed') AS open_now, \
         (SELECT COUNT(*) FROM violence_report v JOIN case_file c ON c.id = v.case_id \
            WHERE c.centre_id = ce.id AND v.reported_on >= $1 AND v.reported_on < $2) AS violence \
         FROM centre ce ORDER BY ce.name")
        .bind(from).bind(to).bind(start).bind(end).fetch_all(p).await?);
    Ok(rows)
}
