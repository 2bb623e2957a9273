//! Home help agreed with a user (Slovenia: an agreement, not a decision; a complaint goes
//! to the centre's council and is recorded) or decided (Republika Srpska: the decision of
//! the rights procedure is named). An agreement waits while the carers' contracted hours
//! cannot take it, ordered by urgency and the day it was asked for; started, it has a
//! review date (a task for the co-ordinator), a care plan and a regular week.

use skrb_domain::services::{AgreementStatus, AgreementStep, HomeTask};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{items, lenient, lenient_list, Check};
use skrb_kit::i18n;
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

use crate::catalogue;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: i64,
    pub centre_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub service_id: i64,
    pub number: String,
    /// waiting, active, ended
    pub status: String,
    pub urgent: bool,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub requested_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub assessed_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub start_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub review_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub end_on: Option<Date>,
    pub end_reason: Option<String>,
    /// The parts agreed, as `,household,hygiene,`.
    pub tasks: String,
    pub minutes_week: i64,
    pub meals_minutes: i64,
    /// The care plan: what is done at each visit, one step a line.
    pub plan: String,
    pub address: Option<String>,
    pub complaint: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub complaint_on: Option<Date>,
    pub decision_id: Option<i64>,
    pub version: i64,
    /// Minutes a week on the regular roster.
    pub planned_minutes: i64,
}

impl Agreement {
    pub fn task_list(&self) -> Vec<&str> {
        items(&self.tasks).collect()
    }

    pub fn plan_steps(&self) -> Vec<&str> {
        self.plan
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    pub fn status(&self) -> Option<AgreementStatus> {
        AgreementStatus::from_code(&self.status)
    }

    /// Days waited: until the start, or until today for one still waiting.
    pub fn waited(&self, today: &Date) -> i64 {
        (self
            .start_on
            .filter(|_| self.status != "waiting")
            .unwrap_or(*today)
            - self.requested_on)
            .whole_days()
    }
}

pub(crate) const SELECT: &str = "SELECT a.id, a.centre_id, a.person_id, p.given_name || ' ' || p.family_name AS person_name, \
    a.municipality_id, m.name AS municipality, a.service_id, a.number, a.status, a.urgent, a.requested_on, a.assessed_on, \
    a.start_on, a.review_on, a.end_on, a.end_reason, a.tasks, a.minutes_week, a.meals_minutes, a.plan, a.address, \
    a.complaint, a.complaint_on, a.decision_id, a.version, \
    COALESCE((SELECT CAST(COALESCE(SUM(t.minutes), 0) AS BIGINT) FROM hh_pattern t WHERE t.agreement_id = a.id AND t.valid_to IS NULL), 0) AS planned_minutes \
    FROM hh_agreement a JOIN person p ON p.id = a.person_id JOIN municipality m ON m.id = a.municipality_id";

/// The agreements of the actor's centre in a state (all when None): the waiting list by
/// urgency and the day asked; the others by name. The list is audited with the persons
/// it shows.
pub async fn list(
    db: &Db,
    actor: &Actor,
    status: Option<AgreementStatus>,
) -> AppResult<Vec<Agreement>> {
    let mut tx = db.begin().await?;
    let order = if status == Some(AgreementStatus::Waiting) {
        "a.urgent DESC, a.requested_on, a.id"
    } else {
        "p.family_name, p.given_name, a.id"
    };
    let q = format!(
        "{SELECT} WHERE ($1 IS NULL OR a.centre_id = $1) AND ($2 IS NULL OR a.status = $2){} ORDER BY {order}",
        skrb_registry::access::restricted_person_exclusion(actor, "a.person_id")
    );
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Agreement>(&q)
        .bind(skrb_kit::scope::centre_of(actor)).bind(status.map(|s| s.code())).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "hh_agreement").detail(serde_json::json!({
            "status": status.map(|s| s.code()),
            "persons": rows.iter().map(|r| r.person_id).collect::<Vec<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Agreement> {
    let q = format!("{SELECT} WHERE a.id = $1");
    let a: Option<Agreement> =
        sql!(tx, c => sqlx::query_as::<_, Agreement>(&q).bind(id).fetch_optional(c).await?);
    let a = a.ok_or(AppError::NotFound)?;
    crate::own(actor, a.centre_id)?;
    skrb_registry::access::check(tx, actor, PersonId(a.person_id)).await?;
    Ok(a)
}

/// The carers' contracted minutes a week and the minutes agreed with active users: the
/// capacity a start must fit in.
pub async fn capacity(tx: &mut Tx, centre: i64, today: Date) -> AppResult<(i64, i64)> {
    let carers: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(minutes_week), 0) AS BIGINT) FROM hh_carer WHERE centre_id = $1 AND active \
         AND (qualified_until IS NULL OR qualified_until >= $2)")
        .bind(centre).bind(today).fetch_one(c).await?);
    let agreed: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(minutes_week), 0) AS BIGINT) FROM hh_agreement WHERE centre_id = $1 AND status = 'active'")
        .bind(centre).fetch_one(c).await?);
    Ok((carers, agreed))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AgreementForm {
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    /// Defaults to the person's municipality.
    #[serde(deserialize_with = "lenient")]
    pub municipality_id: String,
    /// household, hygiene, contact, meals (a list)
    #[serde(deserialize_with = "lenient_list")]
    pub tasks: String,
    /// Hours a week, e.g. `4` or `4,5`.
    #[serde(deserialize_with = "lenient")]
    pub hours_week: String,
    /// Minutes counted for a meal delivered: 0, 15 or 30.
    #[serde(deserialize_with = "lenient")]
    pub meals_minutes: String,
    #[serde(deserialize_with = "lenient")]
    pub urgent: String,
    #[serde(deserialize_with = "lenient")]
    pub requested_on: String,
    #[serde(deserialize_with = "lenient")]
    pub assessed_on: String,
    /// The start wished; without capacity the agreement waits.
    #[serde(deserialize_with = "lenient")]
    pub start_on: String,
    #[serde(deserialize_with = "lenient")]
    pub review_on: String,
    #[serde(deserialize_with = "lenient")]
    pub plan: String,
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    /// Republika Srpska: the decision granting home help.
    #[serde(deserialize_with = "lenient")]
    pub decision_id: String,
}

/// `4`, `4,5`, `4.25` hours as minutes (to the minute).
pub fn hours_to_minutes(s: &str) -> Option<i64> {
    let cents = skrb_domain::rights::money::parse(s)?;
    (cents > 0).then_some(cents * 60 / 100)
}

/// The outcome of agreeing: the agreement, and whether it waits for capacity.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Agreed {
    pub id: i64,
    /// waiting or active
    pub status: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &AgreementForm) -> AppResult<Agreed> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let today = actor.today();
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let muni = ck.id("municipality_id", &f.municipality_id, false);
    let tasks: Vec<&str> = items(&f.tasks).collect();
    if tasks.is_empty() {
        ck.err("tasks", "err-required");
    } else if tasks.iter().any(|t| HomeTask::from_code(t).is_none()) {
        ck.err("tasks", "err-choice");
    }
    let minutes = if f.hours_week.trim().is_empty() {
        ck.err("hours_week", "err-required");
        None
    } else {
        let m = hours_to_minutes(&f.hours_week);
        if m.is_none_or(|m| m > 20 * 60) {
            ck.err("hours_week", "services-err-hours-week");
        }
        m
    };
    let meals = match f.meals_minutes.trim() {
        "" | "0" => 0,
        "15" => 15,
        "30" => 30,
        _ => {
            ck.err("meals_minutes", "err-choice");
            0
        }
    };
    let requested = ck
        .date("requested_on", &f.requested_on, false)
        .unwrap_or(today);
    let assessed = ck.date("assessed_on", &f.assessed_on, false);
    ck.order("assessed_on", Some(requested), assessed);
    let start = ck.date("start_on", &f.start_on, false);
    ck.order("start_on", Some(requested), start);
    let review = ck.date("review_on", &f.review_on, false);
    ck.order("review_on", start, review);
    let plan = ck.text("plan", &f.plan, false, 4000);
    let address = ck.text("address", &f.address, false, 300);
    let decision = ck.id("decision_id", &f.decision_id, false);
    let urgent = skrb_kit::form::truthy(&f.urgent);
    let mut tx = db.begin().await?;
    if let Some(p) = person {
        skrb_registry::access::check(&mut tx, actor, PersonId(p)).await?;
    }
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let service = catalogue::home_help(&mut tx, &j, today).await?;
    // The person's municipality and address unless another is given.
    let (p_muni, p_addr): (Option<i64>, Option<String>) = match person {
        Some(p) => sql!(&mut tx, c => sqlx::query_as("SELECT municipality_id, address FROM person WHERE id = $1")
            .bind(p).fetch_optional(c).await?).unwrap_or((None, None)),
        None => (None, None),
    };
    let muni = muni.or(p_muni);
    match muni {
        None => ck.err("municipality_id", "services-err-municipality"),
        Some(m) => {
            let n: i64 = sql!(&mut tx, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM municipality WHERE id = $1 AND centre_id = $2").bind(m).bind(centre).fetch_one(c).await?);
            if n == 0 {
                ck.err("municipality_id", "services-err-municipality");
            }
        }
    }
    if let (Some(d), Some(p)) = (decision, person) {
        granted_decision(&mut tx, &mut ck, d, p).await?;
    }
    // Republika Srpska decides home help as a right: no start without the decision.
    if service.given_by == "decision" && start.is_some() && decision.is_none() {
        ck.err("decision_id", "services-err-decision-needed");
    }
    if let Some(p) = person {
        let open: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM hh_agreement WHERE person_id = $1 AND status <> 'ended'").bind(p).fetch_one(c).await?);
        if open > 0 {
            ck.err("person_id", "services-err-agreement-exists");
        }
    }
    ck.done()?;
    let (Some(person), Some(muni), Some(minutes)) = (person, muni, minutes) else {
        return Err(AppError::BadRequest("agreement".into()));
    };
    let (carers, agreed) = capacity(&mut tx, centre, today).await?;
    let fits = carers - agreed >= minutes;
    let status = if start.is_some() && fits {
        AgreementStatus::Active
    } else {
        AgreementStatus::Waiting
    };
    let review = review.or_else(|| start.map(|s| s.saturating_add(time::Duration::days(182))));
    let number = skrb_kit::centre::next_number(&mut tx, centre, today.year(), "1225").await?;
    let tasks_s = format!(",{},", tasks.join(","));
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO hh_agreement (centre_id, person_id, municipality_id, service_id, number, status, urgent, requested_on, \
         assessed_on, start_on, review_on, tasks, minutes_week, meals_minutes, plan, address, decision_id, coordinator_id, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19) \
         RETURNING id")
        .bind(centre).bind(person).bind(muni).bind(service.id).bind(&number).bind(status.code()).bind(urgent)
        .bind(requested).bind(assessed).bind(start).bind(review).bind(&tasks_s).bind(minutes).bind(meals)
        .bind(plan.unwrap_or_default()).bind(address.or(p_addr)).bind(decision).bind(actor.user_id).bind(actor.now)
        .fetch_one(c).await?);
    if status == AgreementStatus::Active {
        review_task(&mut tx, actor, centre, &number, review).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "hh_agreement", id)
            .person(person)
            .detail(serde_json::json!({
                "number": number, "status": status.code(), "minutes_week": minutes, "tasks": tasks,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Agreed {
        id,
        status: status.code().into(),
    })
}

async fn granted_decision(
    tx: &mut Tx,
    ck: &mut Check,
    decision: i64,
    person: i64,
) -> AppResult<()> {
    let n: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM decision WHERE id = $1 AND person_id = $2").bind(decision).bind(person).fetch_one(c).await?);
    if n == 0 {
        ck.err("decision_id", "services-err-decision");
    }
    Ok(())
}

/// The review as a task of the co-ordinator, in the centre's language.
async fn review_task(
    tx: &mut Tx,
    actor: &Actor,
    centre: i64,
    number: &str,
    review: Option<Date>,
) -> AppResult<()> {
    let (Some(due), Some(user)) = (review, actor.user_id) else {
        return Ok(());
    };
    let j = skrb_kit::centre::jurisdiction_of(tx, Some(centre)).await?;
    let l = skrb_rights::decisions::centre_locale(&j);
    let title = i18n::t_args(
        l,
        "services-review-task",
        &[("number", number.to_string().into())],
    );
    skrb_cases::files::add_task(
        tx,
        actor,
        Some(centre),
        None,
        &title,
        user,
        due,
        "plan_review",
    )
    .await?;
    Ok(())
}

/// An agreement with its regular week, audited as a read of the person.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Agreement> {
    let mut tx = db.begin().await?;
    let a = load(&mut tx, actor, id).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "hh_agreement", id).person(a.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(a)
}

/// The open agreement of a person, if any (the person page's panel).
pub async fn of_person(tx: &mut Tx, person: i64) -> AppResult<Vec<Agreement>> {
    let q = format!("{SELECT} WHERE a.person_id = $1 ORDER BY a.requested_on DESC");
    Ok(sql!(tx, c => sqlx::query_as::<_, Agreement>(&q).bind(person).fetch_all(c).await?))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StepForm {
    /// start or end
    #[serde(deserialize_with = "lenient")]
    pub step: String,
    /// The day it starts or ends (default today).
    #[serde(deserialize_with = "lenient")]
    pub on: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    /// The version read, so that two co-ordinators do not overwrite each other.
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Starts a waiting agreement (if the carers' hours can take it) or ends one: its regular
/// week ends and the visits planned after it are cancelled.
pub async fn step(db: &Db, actor: &Actor, id: i64, f: &StepForm) -> AppResult<()> {
    let mut ck = Check::new();
    let step = ck.choice("step", &f.step, &AgreementStep::codes(), true);
    let on = ck.date("on", &f.on, false).unwrap_or_else(|| actor.today());
    let reason = ck.text("reason", &f.reason, false, 500);
    let version = ck.id("version", &f.version, true);
    ck.done()?;
    let step = step
        .and_then(AgreementStep::from_code)
        .ok_or(AppError::BadRequest("step".into()))?;
    let mut tx = db.begin().await?;
    let a = load(&mut tx, actor, id).await?;
    if Some(a.version) != version {
        return Err(AppError::Conflict {
            current_version: a.version,
        });
    }
    let from = a.status().ok_or(AppError::BadRequest("status".into()))?;
    let next = from.after(step).map_err(|e| {
        AppError::Refused(
            Msg::new("services-not-now")
                .arg("step", e.step)
                .arg("from", e.from),
        )
    })?;
    match step {
        AgreementStep::Start => {
            let (carers, agreed) = capacity(&mut tx, a.centre_id, actor.today()).await?;
            if carers - agreed < a.minutes_week {
                return Err(AppError::Refused(
                    Msg::new("services-err-no-capacity").num("free", (carers - agreed).max(0) / 60),
                ));
            }
            let service = catalogue::get(&mut tx, a.service_id).await?;
            if service.given_by == "decision" && a.decision_id.is_none() {
                return Err(AppError::Refused(Msg::new("services-err-decision-needed")));
            }
            let review = on.saturating_add(time::Duration::days(182));
            sql!(&mut tx, c => sqlx::query(
                "UPDATE hh_agreement SET status = $1, start_on = $2, review_on = COALESCE(review_on, $3), version = version + 1 WHERE id = $4")
                .bind(next.code()).bind(on).bind(review).bind(id).execute(c).await?.rows_affected());
            review_task(
                &mut tx,
                actor,
                a.centre_id,
                &a.number,
                Some(a.review_on.unwrap_or(review)),
            )
            .await?;
        }
        AgreementStep::End => {
            if a.start_on.is_some_and(|s| on < s) {
                return Err(skrb_kit::form::field_error("on", "err-date-order"));
            }
            sql!(&mut tx, c => sqlx::query(
                "UPDATE hh_agreement SET status = $1, end_on = $2, end_reason = $3, version = version + 1 WHERE id = $4")
                .bind(next.code()).bind(on).bind(&reason).bind(id).execute(c).await?.rows_affected());
            sql!(&mut tx, c => sqlx::query("UPDATE hh_pattern SET valid_to = $1 WHERE agreement_id = $2 AND valid_to IS NULL")
                .bind(on).bind(id).execute(c).await?.rows_affected());
            sql!(&mut tx, c => sqlx::query(
                "UPDATE hh_visit SET status = 'cancelled', version = version + 1 WHERE agreement_id = $1 AND day > $2 AND status = 'planned'")
                .bind(id).bind(on).execute(c).await?.rows_affected());
        }
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(
            if step == AgreementStep::Start {
                Action::Start
            } else {
                Action::End
            },
            "hh_agreement",
            id,
        )
        .person(a.person_id)
        .detail(serde_json::json!({ "on": on.to_string(), "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CarePlanForm)]
#[serde(default, deny_unknown_fields)]
pub struct PlanForm {
    /// What is done at each visit, one step a line.
    #[serde(deserialize_with = "lenient")]
    pub plan: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Saves the care plan (what the carer's phone shows at each visit).
pub async fn set_plan(db: &Db, actor: &Actor, id: i64, f: &PlanForm) -> AppResult<()> {
    let mut ck = Check::new();
    let plan = ck.text("plan", &f.plan, true, 4000);
    let version = ck.id("version", &f.version, true);
    ck.done()?;
    let mut tx = db.begin().await?;
    let a = load(&mut tx, actor, id).await?;
    if Some(a.version) != version {
        return Err(AppError::Conflict {
            current_version: a.version,
        });
    }
    sql!(&mut tx, c => sqlx::query("UPDATE hh_agreement SET plan = $1, version = version + 1 WHERE id = $2")
        .bind(&plan).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "hh_agreement", id)
            .person(a.person_id)
            .changes(&[audit::Change {
                field: "plan".into(),
                old: Some(a.plan.clone()),
                new: plan.clone(),
            }]),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ComplaintForm {
    #[serde(deserialize_with = "lenient")]
    pub complaint: String,
    #[serde(deserialize_with = "lenient")]
    pub on: String,
}

/// A user's complaint against the agreement: to the centre's council (ZSV art. 11),
/// recorded on the agreement.
pub async fn complain(db: &Db, actor: &Actor, id: i64, f: &ComplaintForm) -> AppResult<()> {
    let mut ck = Check::new();
    let text = ck.text("complaint", &f.complaint, true, 4000);
    let on = ck.date("on", &f.on, false).unwrap_or_else(|| actor.today());
    ck.done()?;
    let mut tx = db.begin().await?;
    let a = load(&mut tx, actor, id).await?;
    sql!(&mut tx, c => sqlx::query("UPDATE hh_agreement SET complaint = $1, complaint_on = $2, version = version + 1 WHERE id = $3")
        .bind(&text).bind(on).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Complain, "hh_agreement", id).person(a.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
