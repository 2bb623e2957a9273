//! The year's action plan: activities (what, linked to a strategy's measure, who is
//! responsible, with which partners, by when), each with indicators (computed by Skrb from
//! its own data, or entered) that have a baseline and a target, and progress updates sent
//! through the year by whoever is responsible and approved by the director or sent back
//! with a comment. Only approved updates count: the plan against what is done, on any
//! day, reads them as they stood that day.

use skrb_domain::year::{review as review_step, ActivityStatus, Measure, UpdateStatus};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{items, lenient, lenient_list, version_of, Check};
use skrb_kit::sql;
use time::{Date, Month};

use crate::indicators::{self, Ratio};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ActionPlan)]
pub struct Plan {
    pub id: i64,
    #[serde(skip)]
    pub centre_id: i64,
    pub year: i64,
    pub title: String,
    pub strategy_id: Option<i64>,
    pub strategy: Option<String>,
    pub activities: i64,
    pub version: i64,
}

const PLAN: &str = "SELECT p.id, p.centre_id, p.year, p.title, p.strategy_id, s.name AS strategy, \
    (SELECT COUNT(*) FROM plan_activity a WHERE a.plan_id = p.id) AS activities, p.version \
    FROM action_plan p LEFT JOIN strategy s ON s.id = p.strategy_id";

/// The centre's action plans, the newest year first.
pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Plan>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let q = format!("{PLAN} WHERE p.centre_id = $1 ORDER BY p.year DESC");
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Plan>(&q).bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

pub(crate) async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Plan> {
    let q = format!("{PLAN} WHERE p.id = $1");
    let p: Option<Plan> =
        sql!(tx, c => sqlx::query_as::<_, Plan>(&q).bind(id).fetch_optional(c).await?);
    let p = p.ok_or(AppError::NotFound)?;
    crate::own(actor, p.centre_id)?;
    Ok(p)
}

/// The plan of a centre's year, if there is one (a proposal accepted at the round table
/// goes into the next year's).
pub(crate) async fn of_year(tx: &mut Tx, centre: i64, year: i64) -> AppResult<Option<i64>> {
    Ok(
        sql!(tx, c => sqlx::query_scalar("SELECT id FROM action_plan WHERE centre_id = $1 AND year = $2")
        .bind(centre).bind(year).fetch_optional(c).await?),
    )
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ActionPlanForm)]
pub struct PlanForm {
    #[serde(deserialize_with = "lenient")]
    pub year: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// The strategy the plan serves (of the centre).
    #[serde(deserialize_with = "lenient")]
    pub strategy_id: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &PlanForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let year = crate::strategies::year(&mut ck, "year", &f.year);
    let title = ck.text("title", &f.title, true, 300);
    let strategy = ck.id("strategy_id", &f.strategy_id, false);
    let mut tx = db.begin().await?;
    if let Some(s) = strategy {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM strategy WHERE id = $1 AND centre_id = $2")
            .bind(s).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("strategy_id", "err-choice");
        }
    }
    if let Some(y) = year {
        if of_year(&mut tx, centre, y).await?.is_some() {
            ck.err("year", "year-err-plan-exists");
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO action_plan (centre_id, year, title, strategy_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(centre).bind(year).bind(&title).bind(strategy).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "action_plan", id).detail(serde_json::json!({ "year": year })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An activity as it stood on a day.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlanActivity)]
pub struct Activity {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub measure: Option<String>,
    pub responsible_id: Option<i64>,
    pub responsible: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// planned, started, done, dropped: as the last approved update up to the day says.
    pub status: String,
    /// Past its deadline on the day and neither done nor dropped.
    pub late: bool,
    pub partners: Vec<String>,
    pub partner_ids: Vec<i64>,
    pub measure_id: Option<i64>,
    /// The round table's proposal the activity came from.
    pub proposal_id: Option<i64>,
    pub indicators: Vec<Indicator>,
    pub version: i64,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlanIndicator)]
pub struct Indicator {
    pub id: i64,
    pub name: String,
    /// What Skrb computes it from (`decisions_on_time`, ...); none when entered.
    pub measure: Option<String>,
    /// The unit of an entered indicator (workshops, users).
    pub unit: Option<String>,
    /// A computed indicator's baseline and target are in tenths of a percent; an entered
    /// one's in its unit.
    pub baseline: Option<i64>,
    pub target: Option<i64>,
    /// The value on the day: computed, or the last approved entered value.
    pub actual: Option<i64>,
    /// What a computed value was computed from.
    pub ratio: Option<Ratio>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    #[schema(value_type = Option<String>, format = Date)]
    pub as_of: Option<Date>,
    /// The target is reached (higher is better).
    pub met: Option<bool>,
}

/// The plan against what is done on a day.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlanFile {
    pub plan: Plan,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub activities: Vec<Activity>,
    pub done: i64,
    pub started: i64,
    pub late: i64,
    pub dropped: i64,
    /// Updates waiting for approval.
    pub waiting: i64,
}

type ActivityRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Date,
    Option<i64>,
    i64,
);
/// An approved update: activity, indicator, status reported, value, as of.
type UpdateRow = (i64, Option<i64>, Option<String>, Option<i64>, Date);
type IndicatorRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

const ACTIVITY: &str = "SELECT a.id, a.plan_id, a.title, a.measure_id, CASE WHEN m.id IS NULL THEN NULL ELSE m.code || ' ' || m.title END, \
    a.responsible_id, s.name, a.due_on, a.proposal_id, a.version FROM plan_activity a \
    LEFT JOIN strategy_measure m ON m.id = a.measure_id LEFT JOIN staff_member s ON s.id = a.responsible_id";

/// The action plans of the years from `from` to `to` (a centre's, or every centre's),
/// each with its activities and indicators as they stood on `to`: what the annual report
/// shows as planned against done.
pub async fn of_period(
    tx: &mut Tx,
    actor: &Actor,
    centre: Option<i64>,
    from: Date,
    to: Date,
) -> AppResult<Vec<(Plan, Vec<Activity>)>> {
    let q = format!(
        "{PLAN} WHERE ($1 IS NULL OR p.centre_id = $1) AND p.year >= $2 AND p.year <= $3 ORDER BY p.centre_id, p.year"
    );
    let plans: Vec<Plan> = sql!(tx, c => sqlx::query_as(&q).bind(centre)
        .bind(i64::from(from.year())).bind(i64::from(to.year())).fetch_all(c).await?);
    let mut out = Vec::new();
    for plan in plans {
        let acts = activities(tx, actor, &plan, None, to).await?;
        out.push((plan, acts));
    }
    Ok(out)
}

/// Reads activities (of a plan, or one) as they stood on `on`: their status from the
/// approved updates up to that day, their indicators computed or entered up to it.
async fn activities(
    tx: &mut Tx,
    actor: &Actor,
    plan: &Plan,
    only: Option<i64>,
    on: Date,
) -> AppResult<Vec<Activity>> {
    let q = format!(
        "{ACTIVITY} WHERE a.plan_id = $1 AND ($2 IS NULL OR a.id = $2) ORDER BY a.due_on, a.id"
    );
    let rows: Vec<ActivityRow> =
        sql!(tx, c => sqlx::query_as(&q).bind(plan.id).bind(only).fetch_all(c).await?);
    let partners: Vec<(i64, i64, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT ap.activity_id, p.id, p.name FROM plan_activity_partner ap JOIN partner p ON p.id = ap.partner_id \
         JOIN plan_activity a ON a.id = ap.activity_id WHERE a.plan_id = $1 ORDER BY p.name").bind(plan.id).fetch_all(c).await?);
    let inds: Vec<IndicatorRow> = sql!(tx, c => sqlx::query_as(
        "SELECT i.id, i.activity_id, i.name, i.measure, i.unit, i.baseline, i.target FROM plan_indicator i \
         JOIN plan_activity a ON a.id = i.activity_id WHERE a.plan_id = $1 ORDER BY i.id").bind(plan.id).fetch_all(c).await?);
    // The approved updates up to the day, the latest last: what each says last counts.
    let updates: Vec<UpdateRow> = sql!(tx, c => sqlx::query_as(
        "SELECT u.activity_id, u.indicator_id, u.reported, u.value, u.as_of FROM plan_update u JOIN plan_activity a ON a.id = u.activity_id \
         WHERE a.plan_id = $1 AND u.state = 'approved' AND u.as_of <= $2 ORDER BY u.as_of, u.id")
        .bind(plan.id).bind(on).fetch_all(c).await?);
    let year = plan.year as i32;
    let start =
        Date::from_calendar_date(year, Month::January, 1).map_err(|_| AppError::NotFound)?;
    let end =
        Date::from_calendar_date(year, Month::December, 31).map_err(|_| AppError::NotFound)?;
    let mut out = Vec::new();
    for (
        id,
        plan_id,
        title,
        measure_id,
        measure,
        responsible_id,
        responsible,
        due_on,
        proposal_id,
        version,
    ) in rows
    {
        let status = updates
            .iter()
            .filter(|u| u.0 == id)
            .filter_map(|u| u.2.clone())
            .next_back()
            .unwrap_or_else(|| ActivityStatus::Planned.code().to_string());
        let late = due_on < on && status != "done" && status != "dropped";
        let mut indicators = Vec::new();
        for (iid, _, name, m, unit, baseline, target) in inds.iter().filter(|i| i.1 == id) {
            let (actual, ratio, as_of) = match m.as_deref().and_then(Measure::from_code) {
                Some(m) if on >= start => {
                    let to = on.min(end);
                    let r =
                        indicators::compute(tx, actor.zone, plan.centre_id, m, start, to).await?;
                    (r.per_mille, Some(r), Some(to))
                }
                Some(_) => (None, None, None),
                None => match updates.iter().rfind(|u| u.1 == Some(*iid) && u.3.is_some()) {
                    Some(u) => (u.3, None, Some(u.4)),
                    None => (None, None, None),
                },
            };
            indicators.push(Indicator {
                id: *iid,
                name: name.clone(),
                measure: m.clone(),
                unit: unit.clone(),
                baseline: *baseline,
                target: *target,
                met: match (actual, target) {
                    (Some(a), Some(t)) => Some(a >= *t),
                    _ => None,
                },
                actual,
                ratio,
                as_of,
            });
        }
        out.push(Activity {
            id,
            plan_id,
            title,
            measure,
            responsible_id,
            responsible,
            due_on,
            status,
            late,
            partners: partners
                .iter()
                .filter(|p| p.0 == id)
                .map(|p| p.2.clone())
                .collect(),
            partner_ids: partners.iter().filter(|p| p.0 == id).map(|p| p.1).collect(),
            measure_id,
            proposal_id,
            indicators,
            version,
        });
    }
    Ok(out)
}

/// The plan against what is done on a day.
pub async fn file(db: &Db, actor: &Actor, id: i64, on: Date) -> AppResult<PlanFile> {
    let mut tx = db.begin_read().await?;
    let plan = guard(&mut tx, actor, id).await?;
    let activities = activities(&mut tx, actor, &plan, None, on).await?;
    let waiting: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM plan_update u JOIN plan_activity a ON a.id = u.activity_id WHERE a.plan_id = $1 AND u.state = 'submitted'")
        .bind(id).fetch_one(c).await?);
    tx.commit().await?;
    let count = |s: &str| activities.iter().filter(|a| a.status == s).count() as i64;
    Ok(PlanFile {
        done: count("done"),
        started: count("started"),
        dropped: count("dropped"),
        late: activities.iter().filter(|a| a.late).count() as i64,
        waiting,
        plan,
        on,
        activities,
    })
}

/// A progress update, as the director reviews it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgressUpdate)]
pub struct Update {
    pub id: i64,
    pub activity_id: i64,
    pub activity: String,
    pub indicator_id: Option<i64>,
    pub indicator: Option<String>,
    pub unit: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    /// The activity's status it reports.
    pub reported: Option<String>,
    /// An entered indicator's value it reports.
    pub value: Option<i64>,
    pub note: Option<String>,
    /// submitted, approved, returned
    pub state: String,
    /// The reviewer's comment (why it was sent back).
    pub comment: Option<String>,
    pub submitted_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub version: i64,
}

const UPDATE: &str = "SELECT u.id, u.activity_id, a.title AS activity, u.indicator_id, i.name AS indicator, i.unit, u.as_of, u.reported, \
    u.value, u.note, u.state, u.comment, su.display_name AS submitted_by, ru.display_name AS reviewed_by, u.version \
    FROM plan_update u JOIN plan_activity a ON a.id = u.activity_id LEFT JOIN plan_indicator i ON i.id = u.indicator_id \
    LEFT JOIN app_user su ON su.id = u.submitted_by LEFT JOIN app_user ru ON ru.id = u.reviewed_by";

/// An activity with its indicators on a day and every update sent about it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlanActivityFile)]
pub struct ActivityFile {
    pub plan: Plan,
    pub activity: Activity,
    pub updates: Vec<Update>,
    /// The actual of each indicator at the end of each quarter of the plan's year that
    /// has ended by the day asked (the results framework's actual per period).
    pub quarters: Vec<Quarter>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Quarter {
    /// 1 to 4.
    pub quarter: u8,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub ends_on: Date,
    /// The indicators' actuals, in the order of the activity's indicators.
    pub actuals: Vec<Option<i64>>,
}

async fn plan_of_activity(tx: &mut Tx, actor: &Actor, activity: i64) -> AppResult<Plan> {
    let plan: Option<i64> = sql!(tx, c => sqlx::query_scalar("SELECT plan_id FROM plan_activity WHERE id = $1")
        .bind(activity).fetch_optional(c).await?);
    guard(tx, actor, plan.ok_or(AppError::NotFound)?).await
}

pub async fn activity(db: &Db, actor: &Actor, id: i64, on: Date) -> AppResult<ActivityFile> {
    let mut tx = db.begin_read().await?;
    let plan = plan_of_activity(&mut tx, actor, id).await?;
    let activity = activities(&mut tx, actor, &plan, Some(id), on)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let q = format!("{UPDATE} WHERE u.activity_id = $1 ORDER BY u.as_of DESC, u.id DESC");
    let updates = sql!(&mut tx, c => sqlx::query_as::<_, Update>(&q).bind(id).fetch_all(c).await?);
    let mut quarters = Vec::new();
    if !activity.indicators.is_empty() {
        for (quarter, month, last) in [
            (1, Month::March, 31),
            (2, Month::June, 30),
            (3, Month::September, 30),
            (4, Month::December, 31),
        ] {
            let ends_on = Date::from_calendar_date(plan.year as i32, month, last)
                .map_err(|_| AppError::NotFound)?;
            if ends_on > on {
                break;
            }
            let then = activities(&mut tx, actor, &plan, Some(id), ends_on).await?;
            quarters.push(Quarter {
                quarter,
                ends_on,
                actuals: then
                    .first()
                    .map(|a| a.indicators.iter().map(|i| i.actual).collect())
                    .unwrap_or_default(),
            });
        }
    }
    tx.commit().await?;
    Ok(ActivityFile {
        plan,
        activity,
        updates,
        quarters,
    })
}

/// The activity an update is about (for the page a refused review is shown on).
pub async fn activity_of_update(db: &Db, actor: &Actor, id: i64) -> AppResult<i64> {
    let mut tx = db.begin_read().await?;
    let a: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT activity_id FROM plan_update WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    let a = a.ok_or(AppError::NotFound)?;
    plan_of_activity(&mut tx, actor, a).await?;
    tx.commit().await?;
    Ok(a)
}

/// The updates of the centre's plans waiting for approval, oldest first.
pub async fn waiting(db: &Db, actor: &Actor) -> AppResult<Vec<Update>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let q = format!("{UPDATE} JOIN action_plan p ON p.id = a.plan_id WHERE p.centre_id = $1 AND u.state = 'submitted' ORDER BY u.submitted_at, u.id");
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Update>(&q).bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PlanActivityForm)]
pub struct ActivityForm {
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// The strategy's measure the activity serves.
    #[serde(deserialize_with = "lenient")]
    pub measure_id: String,
    /// The staff member responsible.
    #[serde(deserialize_with = "lenient")]
    pub responsible_id: String,
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
    /// Partners of the directory who take part.
    #[serde(deserialize_with = "lenient_list")]
    pub partner_id: String,
    /// The version the form was read at (a change only).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// An activity form's fields, checked against the centre's measures, staff and partners;
/// the title once per plan (`except` the activity being changed).
struct Checked {
    title: String,
    measure: Option<i64>,
    responsible: Option<i64>,
    due_on: Date,
    partners: Vec<i64>,
}

async fn check_activity(
    tx: &mut Tx,
    centre: i64,
    plan: i64,
    except: Option<i64>,
    f: &ActivityForm,
) -> AppResult<Checked> {
    let mut ck = Check::new();
    let title = ck.text("title", &f.title, true, 500);
    let measure = ck.id("measure_id", &f.measure_id, false);
    let responsible = ck.id("responsible_id", &f.responsible_id, false);
    let due_on = ck.date("due_on", &f.due_on, true);
    let mut partners: Vec<i64> = items(&f.partner_id)
        .filter_map(|p| ck.id("partner_id", p, false))
        .collect();
    partners.sort_unstable();
    partners.dedup();
    if let Some(m) = measure {
        let n: i64 = sql!(tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM strategy_measure m JOIN strategy_goal g ON g.id = m.goal_id JOIN strategy s ON s.id = g.strategy_id \
             WHERE m.id = $1 AND s.centre_id = $2").bind(m).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("measure_id", "err-choice");
        }
    }
    if let Some(r) = responsible {
        let n: i64 = sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM staff_member WHERE id = $1 AND centre_id = $2")
            .bind(r).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("responsible_id", "err-choice");
        }
    }
    for x in &partners {
        let n: i64 = sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM partner WHERE id = $1 AND (centre_id = $2 OR centre_id IS NULL)")
            .bind(x).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("partner_id", "err-choice");
        }
    }
    let same: i64 = sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM plan_activity WHERE plan_id = $1 AND title = $2 AND id <> $3")
        .bind(plan).bind(&title).bind(except.unwrap_or(0)).fetch_one(c).await?);
    if same > 0 {
        ck.err("title", "year-err-duplicate");
    }
    ck.done()?;
    match (title, due_on) {
        (Some(title), Some(due_on)) => Ok(Checked {
            title,
            measure,
            responsible,
            due_on,
            partners,
        }),
        _ => Err(AppError::Internal(anyhow::anyhow!("activity form checked"))),
    }
}

async fn set_partners(tx: &mut Tx, activity: i64, partners: &[i64]) -> AppResult<()> {
    sql!(tx, c => sqlx::query("DELETE FROM plan_activity_partner WHERE activity_id = $1").bind(activity).execute(c).await?.rows_affected());
    for x in partners {
        sql!(tx, c => sqlx::query("INSERT INTO plan_activity_partner (activity_id, partner_id) VALUES ($1, $2)")
            .bind(activity).bind(x).execute(c).await?.rows_affected());
    }
    Ok(())
}

pub async fn add_activity(db: &Db, actor: &Actor, plan: i64, f: &ActivityForm) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let p = guard(&mut tx, actor, plan).await?;
    let Checked {
        title,
        measure,
        responsible,
        due_on,
        partners,
    } = check_activity(&mut tx, p.centre_id, plan, None, f).await?;
    let id = insert_activity(
        &mut tx,
        plan,
        &title,
        measure,
        responsible,
        due_on,
        None,
        actor,
    )
    .await?;
    set_partners(&mut tx, id, &partners).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "plan_activity", id)
            .detail(serde_json::json!({ "plan": plan, "partners": partners })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an activity (its title, measure, who is responsible, the deadline, the
/// partners), against the version the form was read at.
pub async fn change_activity(db: &Db, actor: &Actor, id: i64, f: &ActivityForm) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let p = plan_of_activity(&mut tx, actor, id).await?;
    let version: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT version FROM plan_activity WHERE id = $1").bind(id).fetch_one(c).await?);
    version_of(&f.version, version)?;
    let a = check_activity(&mut tx, p.centre_id, p.id, Some(id), f).await?;
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE plan_activity SET title = $1, measure_id = $2, responsible_id = $3, due_on = $4, version = version + 1 WHERE id = $5 AND version = $6")
        .bind(&a.title).bind(a.measure).bind(a.responsible).bind(a.due_on).bind(id).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: version,
        });
    }
    set_partners(&mut tx, id, &a.partners).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "plan_activity", id).detail(serde_json::json!({
            "due_on": a.due_on.to_string(), "partners": a.partners
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_activity(
    tx: &mut Tx,
    plan: i64,
    title: &str,
    measure: Option<i64>,
    responsible: Option<i64>,
    due_on: Date,
    proposal: Option<i64>,
    actor: &Actor,
) -> AppResult<i64> {
    Ok(sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO plan_activity (plan_id, measure_id, title, responsible_id, due_on, proposal_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(plan).bind(measure).bind(title).bind(responsible).bind(due_on).bind(proposal).bind(actor.now).fetch_one(c).await?))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PlanIndicatorForm)]
pub struct IndicatorForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// What Skrb computes it from; empty for an entered indicator.
    #[serde(deserialize_with = "lenient")]
    pub measure: String,
    /// The unit of an entered indicator (required then).
    #[serde(deserialize_with = "lenient")]
    pub unit: String,
    /// A percentage for a computed indicator (`75,5`), a whole number otherwise.
    #[serde(deserialize_with = "lenient")]
    pub baseline: String,
    #[serde(deserialize_with = "lenient")]
    pub target: String,
}

/// A percentage as typed (`75`, `75,5`, `75.5 %`) in tenths; `None` when empty.
pub fn parse_percent(ck: &mut Check, field: &'static str, v: &str) -> Option<i64> {
    let t = v.trim().trim_end_matches('%').trim().replace(',', ".");
    if t.is_empty() {
        return None;
    }
    let (whole, tenth) = match t.split_once('.') {
        Some((w, f)) if f.len() == 1 => (w, f),
        Some(_) => ("x", "0"),
        None => (t.as_str(), "0"),
    };
    match (whole.parse::<i64>(), tenth.parse::<i64>()) {
        (Ok(w), Ok(f)) if (0..=100).contains(&w) && (0..=9).contains(&f) && w * 10 + f <= 1000 => {
            Some(w * 10 + f)
        }
        _ => {
            ck.err(field, "year-err-percent");
            None
        }
    }
}

pub async fn add_indicator(
    db: &Db,
    actor: &Actor,
    activity: i64,
    f: &IndicatorForm,
) -> AppResult<i64> {
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 300);
    let measure = ck.choice("measure", &f.measure, &Measure::codes(), false);
    let (unit, baseline, target) = match measure {
        Some(_) => {
            if !f.unit.trim().is_empty() {
                ck.err("unit", "year-err-unit-computed");
            }
            (
                None,
                parse_percent(&mut ck, "baseline", &f.baseline),
                parse_percent(&mut ck, "target", &f.target),
            )
        }
        None => (
            ck.text("unit", &f.unit, true, 60),
            ck.number("baseline", &f.baseline, false, 1_000_000_000),
            ck.number("target", &f.target, false, 1_000_000_000),
        ),
    };
    let mut tx = db.begin().await?;
    plan_of_activity(&mut tx, actor, activity).await?;
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM plan_indicator WHERE activity_id = $1 AND name = $2")
        .bind(activity).bind(&name).fetch_one(c).await?);
    if same > 0 {
        ck.err("name", "year-err-duplicate");
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO plan_indicator (activity_id, name, measure, unit, baseline, target, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(activity).bind(&name).bind(measure).bind(&unit).bind(baseline).bind(target).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "plan_indicator", id)
            .detail(serde_json::json!({ "activity": activity, "measure": measure })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgressUpdateForm)]
pub struct UpdateForm {
    #[serde(deserialize_with = "lenient")]
    pub as_of: String,
    /// The activity's status now (planned, started, done, dropped), if it changed.
    #[serde(deserialize_with = "lenient")]
    pub reported: String,
    /// An entered indicator of the activity, with its `value`.
    #[serde(deserialize_with = "lenient")]
    pub indicator_id: String,
    #[serde(deserialize_with = "lenient")]
    pub value: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    /// The form's own key: a form sent twice is one update.
    #[serde(deserialize_with = "lenient")]
    pub form_key: String,
}

/// Sends a progress update for approval: the activity's status, an entered indicator's
/// value, or both.
pub async fn submit(db: &Db, actor: &Actor, activity: i64, f: &UpdateForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let as_of = ck.date("as_of", &f.as_of, true);
    let reported = ck.choice("reported", &f.reported, &ActivityStatus::codes(), false);
    let indicator = ck.id("indicator_id", &f.indicator_id, false);
    let value = ck.number("value", &f.value, indicator.is_some(), 1_000_000_000);
    let note = ck.text("note", &f.note, false, 2000);
    let key = ck.text("form_key", &f.form_key, false, 100);
    if reported.is_none() && indicator.is_none() {
        ck.err("reported", "year-err-update-empty");
    }
    if indicator.is_none() && !f.value.trim().is_empty() {
        ck.err("indicator_id", "err-required");
    }
    if as_of.is_some_and(|d| d > actor.today()) {
        ck.err("as_of", "year-err-future");
    }
    let mut tx = db.begin().await?;
    plan_of_activity(&mut tx, actor, activity).await?;
    if let Some(i) = indicator {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM plan_indicator WHERE id = $1 AND activity_id = $2 AND measure IS NULL").bind(i).bind(activity).fetch_one(c).await?);
        if n == 0 {
            ck.err("indicator_id", "year-err-not-entered");
        }
    }
    ck.done()?;
    if let Some(k) = &key {
        let seen: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM plan_update WHERE form_key = $1").bind(k).fetch_optional(c).await?);
        if let Some(id) = seen {
            tx.commit().await?;
            return Ok(id);
        }
    }
    let id: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO plan_update (activity_id, indicator_id, as_of, reported, value, note, submitted_by, submitted_at, form_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (form_key) DO NOTHING RETURNING id")
        .bind(activity).bind(indicator).bind(as_of).bind(reported).bind(value).bind(&note).bind(actor.user_id).bind(actor.now)
        .bind(&key).fetch_optional(c).await?);
    let id = match id {
        Some(id) => id,
        // The same form saved by a request running alongside: that one is the update.
        None => {
            tx.rollback().await?;
            let mut tx = db.begin_read().await?;
            let id: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM plan_update WHERE form_key = $1").bind(&key).fetch_one(c).await?);
            tx.commit().await?;
            return Ok(id);
        }
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Submit, "plan_update", id).detail(serde_json::json!({
            "activity": activity, "reported": reported, "indicator": indicator, "value": value
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgressReviewForm)]
pub struct ReviewForm {
    /// approved, returned
    #[serde(deserialize_with = "lenient")]
    pub decision: String,
    /// Why it is sent back (required then).
    #[serde(deserialize_with = "lenient")]
    pub comment: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Approves an update (it counts from its day on) or sends it back with a comment; by
/// someone other than who sent it, once.
pub async fn review(db: &Db, actor: &Actor, id: i64, f: &ReviewForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let decision = ck.choice("decision", &f.decision, &["approved", "returned"], true);
    let comment = ck.text("comment", &f.comment, decision == Some("returned"), 2000);
    ck.done()?;
    let to = decision
        .and_then(UpdateStatus::from_code)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("review form checked")))?;
    let mut tx = db.begin().await?;
    type Row = (i64, String, Option<i64>, i64, Option<String>, Date);
    let row: Option<Row> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT activity_id, state, submitted_by, version, reported, as_of FROM plan_update WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (activity, state, by, version, reported, as_of) = row.ok_or(AppError::NotFound)?;
    plan_of_activity(&mut tx, actor, activity).await?;
    version_of(&f.version, version)?;
    if by.is_some() && by == actor.user_id {
        return Err(AppError::Refused(Msg::new("year-err-own-update")));
    }
    let from = UpdateStatus::from_code(&state)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown update state {state}")))?;
    if review_step(from, to).is_err() {
        return Err(skrb_kit::form::field_error("decision", "year-err-reviewed"));
    }
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE plan_update SET state = $1, comment = $2, reviewed_by = $3, reviewed_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND state = 'submitted'")
        .bind(to.code()).bind(&comment).bind(actor.user_id).bind(actor.now).bind(id).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: version,
        });
    }
    // The activity's status now is the latest approved report's.
    if let (UpdateStatus::Approved, Some(r)) = (to, &reported) {
        let later: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM plan_update WHERE activity_id = $1 AND state = 'approved' AND reported IS NOT NULL AND id <> $2 AND as_of > $3")
            .bind(activity).bind(id).bind(as_of).fetch_one(c).await?);
        if later == 0 {
            sql!(&mut tx, c => sqlx::query("UPDATE plan_activity SET status = $1, version = version + 1 WHERE id = $2")
                .bind(r).bind(activity).execute(c).await?.rows_affected());
        }
    }
    let action = match to {
        UpdateStatus::Approved => Action::Approve,
        _ => Action::SendBack,
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(action, "plan_update", id).detail(serde_json::json!({ "activity": activity })),
    )
    .await?;
    tx.commit().await?;
    Ok(activity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_is_read_as_people_type_it() {
        let mut ck = Check::new();
        assert_eq!(parse_percent(&mut ck, "target", "75"), Some(750));
        assert_eq!(parse_percent(&mut ck, "target", "75,5"), Some(755));
        assert_eq!(parse_percent(&mut ck, "target", " 90.0 %"), Some(900));
        assert_eq!(parse_percent(&mut ck, "target", "100"), Some(1000));
        assert_eq!(parse_percent(&mut ck, "target", ""), None);
        assert!(ck.ok());
        for bad in ["100,5", "75,55", "-1", "abc", "101"] {
            let mut ck = Check::new();
            assert_eq!(parse_percent(&mut ck, "target", bad), None, "{bad}");
            assert!(!ck.ok(), "{bad}");
        }
    }
}
