//! First social help: a walk-in, call or referral recorded in under a minute: who (a
//! registered person, or a name to identify later), what problem, what was done. It
//! stays a single contact or opens a file.

use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Date, OffsetDateTime};

use super::files::{self, CaseForm};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

pub const CHANNELS: [&str; 5] = ["walk_in", "phone", "referral", "email", "letter"];

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IntakeForm {
    /// walk_in, phone, referral, email, letter
    #[serde(deserialize_with = "lenient")]
    pub channel: String,
    /// A registered person; or leave empty and give `unknown_name`.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub person_id: String,
    #[serde(deserialize_with = "lenient")]
    pub unknown_name: String,
    /// A problem area code (see `cases::PROBLEMS`).
    #[serde(deserialize_with = "lenient")]
    pub problem: String,
    #[serde(deserialize_with = "lenient")]
    pub description: String,
    #[serde(deserialize_with = "lenient")]
    pub action_taken: String,
    /// A case type: open a file for the person at once.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub open_type_id: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Intake {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub channel: String,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub unknown_name: Option<String>,
    pub problem: String,
    pub description: String,
    pub action_taken: Option<String>,
    pub case_id: Option<i64>,
    pub worker: Option<String>,
}

impl Intake {
    pub fn who(&self) -> String {
        self.person_name
            .clone()
            .or_else(|| self.unknown_name.clone())
            .unwrap_or_default()
    }
}

/// Records an intake; returns its id and the file it opened, if any.
pub async fn record(
    db: &Db,
    actor: &Actor,
    f: &IntakeForm,
    today: Date,
) -> AppResult<(i64, Option<i64>)> {
    let mut ck = Check::new();
    let channel = ck.choice("channel", &f.channel, &CHANNELS, true);
    let person = ck.id("person_id", &f.person_id, false);
    let unknown = ck.text("unknown_name", &f.unknown_name, false, 200);
    let problem = ck.choice("problem", &f.problem, &super::PROBLEMS, true);
    let description = ck.text("description", &f.description, true, 4000);
    let action = ck.text("action_taken", &f.action_taken, false, 4000);
    let open_type = ck.id("open_type_id", &f.open_type_id, false);
    if person.is_none() && unknown.is_none() && ck.ok() {
        ck.err("person_id", "cases-err-intake-who");
    }
    if open_type.is_some() && person.is_none() {
        ck.err("open_type_id", "cases-err-intake-open-unknown");
    }
    ck.done()?;
    let mut tx = db.begin().await?;
    if let Some(p) = person {
        match skrb_registry::access::check(&mut tx, actor, PersonId(p)).await {
            Err(AppError::NotFound) => {
                return Err(skrb_kit::form::field_error(
                    "person_id",
                    "registry-err-person",
                ))
            }
            other => other?,
        }
    }
    let centre = match person {
        Some(p) => {
            sql!(&mut tx, c => sqlx::query_scalar("SELECT centre_id FROM person WHERE id = $1")
            .bind(p).fetch_one(c).await?)
        }
        None => actor.scope.and_then(|s| s.centre_id),
    };
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO intake (centre_id, at, channel, person_id, unknown_name, problem, description, action_taken, worker_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $2) RETURNING id")
        .bind(centre).bind(actor.now).bind(channel).bind(person).bind(&unknown).bind(problem)
        .bind(&description).bind(&action).bind(actor.user_id).fetch_one(c).await?);
    let mut e = Event::new(Action::Create, "intake", id)
        .detail(serde_json::json!({ "channel": channel, "problem": problem }));
    if let Some(p) = person {
        e = e.person(p);
    }
    audit::record(&mut tx, actor, e).await?;
    let case = match (open_type, person) {
        (Some(t), Some(p)) => {
            let form = CaseForm {
                person_id: p.to_string(),
                type_id: t.to_string(),
                problems: problem.unwrap_or_default().to_string(),
                summary: description.clone().unwrap_or_default(),
                intake_id: id.to_string(),
                ..CaseForm::default()
            };
            Some(files::open_in(&mut tx, actor, &form, today).await?)
        }
        _ => None,
    };
    tx.commit().await?;
    Ok((id, case))
}

/// Identifies the person of an intake recorded without one.
pub async fn identify(db: &Db, actor: &Actor, id: i64, person_id: &str) -> AppResult<()> {
    let mut ck = Check::new();
    let person = ck.id("person_id", person_id, true);
    ck.done()?;
    let Some(person) = person else {
        return Err(skrb_kit::form::field_error("person_id", "err-required"));
    };
    let mut tx = db.begin().await?;
    let row: Option<(Option<i64>, Option<i64>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT centre_id, person_id FROM intake WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (centre, existing) = row.ok_or(AppError::NotFound)?;
    if let Some(s) = actor.scope {
        if !s.all_centres && s.centre_id != centre {
            return Err(AppError::Refused(Msg::new("out-of-scope")));
        }
    }
    if existing.is_some() {
        return Err(skrb_kit::form::field_error(
            "person_id",
            "cases-err-intake-identified",
        ));
    }
    match skrb_registry::access::check(&mut tx, actor, PersonId(person)).await {
        Err(AppError::NotFound) => {
            return Err(skrb_kit::form::field_error(
                "person_id",
                "registry-err-person",
            ))
        }
        other => other?,
    }
    sql!(&mut tx, c => sqlx::query("UPDATE intake SET person_id = $1 WHERE id = $2")
        .bind(person).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Identify, "intake", id).person(person),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One intake of the actor's centre.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Intake> {
    list_where(db, actor, None, Some(id), 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The centre's intakes, newest first (a person's, when given).
pub async fn list(
    db: &Db,
    actor: &Actor,
    person: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Intake>> {
    list_where(db, actor, person, None, limit).await
}

async fn list_where(
    db: &Db,
    actor: &Actor,
    person: Option<i64>,
    id: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Intake>> {
    let centre = match actor.scope {
        Some(s) if !s.all_centres => Some(s.centre_id.unwrap_or(0)),
        _ => None,
    };
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Intake>(
        "SELECT i.id, i.at, i.channel, i.person_id, p.given_name || ' ' || p.family_name AS person_name, i.unknown_name, \
         i.problem, i.description, i.action_taken, i.case_id, u.display_name AS worker FROM intake i \
         LEFT JOIN person p ON p.id = i.person_id LEFT JOIN app_user u ON u.id = i.worker_id \
         WHERE ($1 IS NULL OR i.centre_id = $1) AND ($2 IS NULL OR i.person_id = $2) AND ($5 IS NULL OR i.id = $5) \
         AND (p.id IS NULL OR p.restricted = FALSE OR EXISTS (SELECT 1 FROM person_team pt WHERE pt.person_id = p.id AND pt.user_id = $3)) \
         ORDER BY i.at DESC, i.id DESC LIMIT $4")
        .bind(centre).bind(person).bind(actor.user_id.unwrap_or(0)).bind(limit.clamp(1, 500)).bind(id).fetch_all(c).await?);
    tx.commit().await?;
    let shown: Vec<i64> = rows.iter().map(|r| r.id).collect();
    audit::record_apart(
        db,
        actor,
        Event::about(Action::List, "intake").detail(serde_json::json!({ "shown": shown })),
    )
    .await?;
    Ok(rows)
}
