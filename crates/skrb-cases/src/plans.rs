//! Individual plans, care plans and safety plans: goals with agreed activities and who
//! is responsible, a review date (which becomes a task), and reviews against each goal.

use skrb_kit::audit::Action;
use time::Date;

use super::access;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

pub const KINDS: [&str; 3] = ["individual", "care", "safety"];
pub const OUTCOMES: [&str; 5] = ["open", "achieved", "partly", "not_achieved", "dropped"];

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: i64,
    pub kind: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub agreed_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub review_on: Option<Date>,
    pub participants: Option<String>,
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PlanRow {
    id: i64,
    kind: String,
    agreed_on: Date,
    review_on: Option<Date>,
    participants: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Goal {
    pub id: i64,
    pub plan_id: i64,
    pub goal: String,
    pub activities: Option<String>,
    pub responsible: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub due_on: Option<Date>,
    pub status: String,
    #[sqlx(skip)]
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Review {
    pub id: i64,
    pub goal_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub reviewed_on: Date,
    pub outcome: String,
    pub note: Option<String>,
    pub by_user: Option<String>,
}

/// The plans of a file with their goals and reviews, in three queries.
pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Plan>, sqlx::Error> {
    let plans = sql!(tx, c => sqlx::query_as::<_, PlanRow>(
        "SELECT id, kind, agreed_on, review_on, participants FROM case_plan WHERE case_id = $1 ORDER BY agreed_on DESC, id DESC")
        .bind(case_id).fetch_all(c).await?);
    let mut goals = sql!(tx, c => sqlx::query_as::<_, Goal>(
        "SELECT g.id, g.plan_id, g.goal, g.activities, g.responsible, g.due_on, g.status FROM plan_goal g \
         JOIN case_plan p ON p.id = g.plan_id WHERE p.case_id = $1 ORDER BY g.id").bind(case_id).fetch_all(c).await?);
    let reviews = sql!(tx, c => sqlx::query_as::<_, Review>(
        "SELECT r.id, r.goal_id, r.reviewed_on, r.outcome, r.note, u.display_name AS by_user FROM goal_review r \
         JOIN plan_goal g ON g.id = r.goal_id JOIN case_plan p ON p.id = g.plan_id LEFT JOIN app_user u ON u.id = r.by_user \
         WHERE p.case_id = $1 ORDER BY r.reviewed_on, r.id").bind(case_id).fetch_all(c).await?);
    for r in reviews {
        if let Some(g) = goals.iter_mut().find(|g| g.id == r.goal_id) {
            g.reviews.push(r);
        }
    }
    Ok(plans
        .into_iter()
        .map(|p| Plan {
            goals: goals
                .iter()
                .filter(|g| g.plan_id == p.id)
                .cloned()
                .collect(),
            id: p.id,
            kind: p.kind,
            agreed_on: p.agreed_on,
            review_on: p.review_on,
            participants: p.participants,
        })
        .collect())
}

/// A plan with its first goal (more goals are added on the plan).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlanForm {
    /// individual, care, safety
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub agreed_on: String,
    /// When the plan is reviewed; a task for the worker falls due that day.
    #[serde(deserialize_with = "lenient")]
    pub review_on: String,
    #[serde(deserialize_with = "lenient")]
    pub participants: String,
    #[serde(deserialize_with = "lenient")]
    pub goal: String,
    #[serde(deserialize_with = "lenient")]
    pub activities: String,
    #[serde(deserialize_with = "lenient")]
    pub responsible: String,
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GoalForm {
    #[serde(deserialize_with = "lenient")]
    pub goal: String,
    #[serde(deserialize_with = "lenient")]
    pub activities: String,
    #[serde(deserialize_with = "lenient")]
    pub responsible: String,
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewForm {
    /// open, achieved, partly, not_achieved, dropped
    #[serde(deserialize_with = "lenient")]
    pub outcome: String,
    #[serde(deserialize_with = "lenient")]
    pub reviewed_on: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

struct GoalIn {
    goal: Option<String>,
    activities: Option<String>,
    responsible: Option<String>,
    due_on: Option<Date>,
}

fn goal_in(
    ck: &mut Check,
    goal: &str,
    activities: &str,
    responsible: &str,
    due: &str,
    after: Date,
) -> GoalIn {
    let g = GoalIn {
        goal: ck.text("goal", goal, true, 1000),
        activities: ck.text("activities", activities, false, 4000),
        responsible: ck.text("responsible", responsible, false, 200),
        due_on: ck.date("due_on", due, false),
    };
    if g.due_on.is_some_and(|d| d < after) {
        ck.err("due_on", "cases-err-due-before-plan");
    }
    g
}

async fn insert_goal(tx: &mut Tx, plan: i64, g: &GoalIn) -> Result<i64, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO plan_goal (plan_id, goal, activities, responsible, due_on, status) VALUES ($1, $2, $3, $4, $5, 'open') RETURNING id")
        .bind(plan).bind(&g.goal).bind(&g.activities).bind(&g.responsible).bind(g.due_on).fetch_one(c).await)
}

fn open_file(g: &access::Guard) -> AppResult<()> {
    if !g.status.takes_work() {
        Err(AppError::Refused(Msg::new("cases-closed")))
    } else {
        Ok(())
    }
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    f: &PlanForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, case_id, manages).await?;
    open_file(&g)?;
    let mut ck = Check::new();
    let kind = ck.choice("kind", &f.kind, &KINDS, true);
    let agreed = ck.date("agreed_on", &f.agreed_on, false).unwrap_or(today);
    let review = ck.date("review_on", &f.review_on, false);
    let participants = ck.text("participants", &f.participants, false, 500);
    if agreed > today {
        ck.err("agreed_on", "registry-err-date-future");
    }
    if review.is_some_and(|r| r <= agreed) {
        ck.err("review_on", "cases-err-review-before-plan");
    }
    let goal = goal_in(
        &mut ck,
        &f.goal,
        &f.activities,
        &f.responsible,
        &f.due_on,
        agreed,
    );
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO case_plan (case_id, kind, agreed_on, review_on, participants, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(case_id).bind(kind).bind(agreed).bind(review).bind(&participants).bind(actor.user_id)
        .bind(actor.now).fetch_one(c).await?);
    insert_goal(&mut tx, id, &goal).await?;
    if let Some(r) = review {
        super::files::add_task(
            &mut tx,
            actor,
            Some(g.centre_id),
            Some(case_id),
            "task-auto-plan_review",
            g.worker_id,
            r,
            "plan_review",
        )
        .await?;
    }
    super::files::touch(&mut tx, case_id, today).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "case_plan", id)
            .person(g.person_id)
            .detail(serde_json::json!({ "case_id": case_id, "kind": kind })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The plan's file, checked for writing.
async fn plan_case(
    tx: &mut Tx,
    actor: &Actor,
    plan_id: i64,
    manages: bool,
) -> AppResult<(access::Guard, Date)> {
    let row: Option<(i64, Date)> = sql!(tx, c => sqlx::query_as("SELECT case_id, agreed_on FROM case_plan WHERE id = $1")
        .bind(plan_id).fetch_optional(c).await?);
    let (case_id, agreed) = row.ok_or(AppError::NotFound)?;
    let g = access::check_write(tx, actor, case_id, manages).await?;
    open_file(&g)?;
    Ok((g, agreed))
}

pub async fn add_goal(
    db: &Db,
    actor: &Actor,
    plan_id: i64,
    f: &GoalForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let (g, agreed) = plan_case(&mut tx, actor, plan_id, manages).await?;
    let mut ck = Check::new();
    let goal = goal_in(
        &mut ck,
        &f.goal,
        &f.activities,
        &f.responsible,
        &f.due_on,
        agreed,
    );
    ck.done()?;
    let id = insert_goal(&mut tx, plan_id, &goal).await?;
    super::files::touch(&mut tx, g.id, today).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "plan_goal", id).person(g.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a review of a goal; the goal takes the outcome as its status.
pub async fn review(
    db: &Db,
    actor: &Actor,
    goal_id: i64,
    f: &ReviewForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let plan: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT plan_id FROM plan_goal WHERE id = $1")
        .bind(goal_id).fetch_optional(c).await?);
    let plan = plan.ok_or(AppError::NotFound)?;
    let (g, agreed) = plan_case(&mut tx, actor, plan, manages).await?;
    let mut ck = Check::new();
    let outcome = ck.choice("outcome", &f.outcome, &OUTCOMES, true);
    let on = ck
        .date("reviewed_on", &f.reviewed_on, false)
        .unwrap_or(today);
    let note = ck.text("note", &f.note, false, 4000);
    if on < agreed {
        ck.err("reviewed_on", "cases-err-review-before-plan");
    }
    if on > today {
        ck.err("reviewed_on", "registry-err-date-future");
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO goal_review (goal_id, reviewed_on, outcome, note, by_user, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(goal_id).bind(on).bind(outcome).bind(&note).bind(actor.user_id).bind(actor.now)
        .fetch_one(c).await?);
    sql!(&mut tx, c => sqlx::query("UPDATE plan_goal SET status = $1 WHERE id = $2")
        .bind(outcome).bind(goal_id).execute(c).await?.rows_affected());
    super::files::touch(&mut tx, g.id, today).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "goal_review", id)
            .person(g.person_id)
            .detail(serde_json::json!({ "goal_id": goal_id, "outcome": outcome })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The file a plan belongs to (where its page goes back to).
pub async fn case_of_plan(db: &Db, plan: i64) -> AppResult<i64> {
    file_of(db, "SELECT case_id FROM case_plan WHERE id = $1", plan).await
}

/// The file a plan's goal belongs to.
pub async fn case_of_goal(db: &Db, goal: i64) -> AppResult<i64> {
    file_of(
        db,
        "SELECT p.case_id FROM plan_goal g JOIN case_plan p ON p.id = g.plan_id WHERE g.id = $1",
        goal,
    )
    .await
}

async fn file_of(db: &Db, q: &str, id: i64) -> AppResult<i64> {
    let c: Option<i64> =
        skrb_kit::sql_pool!(db, p => sqlx::query_scalar(q).bind(id).fetch_optional(p).await?);
    c.ok_or(AppError::NotFound)
}
