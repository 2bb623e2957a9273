//! Strategies the action plan serves: the municipality's strategy of social protection or
//! the centre's own strategic plan, for a period of years, with its goals and each goal's
//! measures (the top of the results framework: goal, measure, then the plan's activities
//! and their indicators).

use skrb_domain::year::StrategyOwner;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Strategy {
    pub id: i64,
    /// municipality, centre
    pub owner: String,
    pub name: String,
    pub from_year: i64,
    pub to_year: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StrategyFile {
    pub strategy: Strategy,
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = StrategyGoal)]
pub struct Goal {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub measures: Vec<StrategyMeasure>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct StrategyMeasure {
    pub id: i64,
    #[serde(skip)]
    pub goal_id: i64,
    pub code: String,
    pub title: String,
}

/// The centre's strategies, the newest period first.
pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Strategy>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Strategy>(
        "SELECT id, owner, name, from_year, to_year FROM strategy WHERE centre_id = $1 ORDER BY to_year DESC, from_year DESC, name")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

pub(crate) async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Strategy> {
    let row: Option<(i64,)> = sql!(tx, c => sqlx::query_as("SELECT centre_id FROM strategy WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (centre,) = row.ok_or(AppError::NotFound)?;
    crate::own(actor, centre)?;
    Ok(
        sql!(tx, c => sqlx::query_as::<_, Strategy>("SELECT id, owner, name, from_year, to_year FROM strategy WHERE id = $1")
        .bind(id).fetch_one(c).await?),
    )
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<StrategyFile> {
    let mut tx = db.begin_read().await?;
    let strategy = guard(&mut tx, actor, id).await?;
    let goals: Vec<(i64, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, code, title FROM strategy_goal WHERE strategy_id = $1 ORDER BY code").bind(id).fetch_all(c).await?);
    let measures: Vec<StrategyMeasure> = sql!(&mut tx, c => sqlx::query_as::<_, StrategyMeasure>(
        "SELECT m.id, m.goal_id, m.code, m.title FROM strategy_measure m JOIN strategy_goal g ON g.id = m.goal_id \
         WHERE g.strategy_id = $1 ORDER BY m.code").bind(id).fetch_all(c).await?);
    tx.commit().await?;
    Ok(StrategyFile {
        strategy,
        goals: goals
            .into_iter()
            .map(|(id, code, title)| Goal {
                id,
                code,
                title,
                measures: measures
                    .iter()
                    .filter(|m| m.goal_id == id)
                    .cloned()
                    .collect(),
            })
            .collect(),
    })
}

/// The measures of the centre's strategies, labelled for a plan's activity form.
pub async fn measure_choices(db: &Db, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let rows: Vec<(i64, String, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT m.id, s.name, m.code, m.title FROM strategy_measure m JOIN strategy_goal g ON g.id = m.goal_id \
         JOIN strategy s ON s.id = g.strategy_id WHERE s.centre_id = $1 ORDER BY s.to_year DESC, s.name, m.code")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, s, code, title)| (id, format!("{s} · {code} {title}")))
        .collect())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StrategyForm {
    /// municipality, centre
    #[serde(deserialize_with = "lenient")]
    pub owner: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub from_year: String,
    #[serde(deserialize_with = "lenient")]
    pub to_year: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &StrategyForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let owner = ck.choice("owner", &f.owner, &StrategyOwner::codes(), true);
    let name = ck.text("name", &f.name, true, 300);
    let from = year(&mut ck, "from_year", &f.from_year);
    let to = year(&mut ck, "to_year", &f.to_year);
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            ck.err("to_year", "err-date-order");
        }
    }
    let mut tx = db.begin().await?;
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM strategy WHERE centre_id = $1 AND name = $2")
        .bind(centre).bind(&name).fetch_one(c).await?);
    if same > 0 {
        ck.err("name", "year-err-duplicate");
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO strategy (centre_id, owner, name, from_year, to_year, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(centre).bind(owner).bind(&name).bind(from).bind(to).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "strategy", id).detail(serde_json::json!({ "name": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A year of a plan or a strategy: 2000 to 2100, nothing else.
pub(crate) fn year(ck: &mut Check, field: &'static str, v: &str) -> Option<i64> {
    let y = ck.number(field, v, true, 2100)?;
    if y < 2000 {
        ck.err(field, "err-number");
        return None;
    }
    Some(y)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = StrategyItemForm)]
pub struct GoalForm {
    /// The goal the measure serves (a measure only); none adds a goal.
    #[serde(deserialize_with = "lenient")]
    pub goal_id: String,
    /// "1", "1.2": as the strategy numbers it.
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
}

/// Adds a goal to the strategy, or a measure to one of its goals.
pub async fn add_item(db: &Db, actor: &Actor, id: i64, f: &GoalForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let goal = ck.id("goal_id", &f.goal_id, false);
    let code = ck.text("code", &f.code, true, 20);
    let title = ck.text("title", &f.title, true, 500);
    let mut tx = db.begin().await?;
    guard(&mut tx, actor, id).await?;
    if let Some(g) = goal {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM strategy_goal WHERE id = $1 AND strategy_id = $2")
            .bind(g).bind(id).fetch_one(c).await?);
        if n == 0 {
            ck.err("goal_id", "err-choice");
        }
    }
    let taken: i64 = match goal {
        Some(g) => {
            sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM strategy_measure WHERE goal_id = $1 AND code = $2")
            .bind(g).bind(&code).fetch_one(c).await?)
        }
        None => {
            sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM strategy_goal WHERE strategy_id = $1 AND code = $2")
            .bind(id).bind(&code).fetch_one(c).await?)
        }
    };
    if taken > 0 {
        ck.err("code", "year-err-code-taken");
    }
    ck.done()?;
    let new: i64 = match goal {
        Some(g) => {
            sql!(&mut tx, c => sqlx::query_scalar("INSERT INTO strategy_measure (goal_id, code, title) VALUES ($1, $2, $3) RETURNING id")
            .bind(g).bind(&code).bind(&title).fetch_one(c).await?)
        }
        None => {
            sql!(&mut tx, c => sqlx::query_scalar("INSERT INTO strategy_goal (strategy_id, code, title) VALUES ($1, $2, $3) RETURNING id")
            .bind(id).bind(&code).bind(&title).fetch_one(c).await?)
        }
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "strategy", id)
            .detail(serde_json::json!({ "goal": goal, "code": code })),
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}
