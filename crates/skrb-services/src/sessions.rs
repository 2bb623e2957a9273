//! Counted services on a person's file: first social help, personal help, family help at
//! the centre. Each session says when, who, how long and what was done; the figures
//! count users, sessions and hours by service, worker and month.

use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

use crate::catalogue::{self, number};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ServiceSession)]
pub struct Session {
    pub id: i64,
    pub person_id: i64,
    pub service_id: i64,
    pub service_code: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub held_on: Date,
    pub worker: String,
    pub minutes: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ServiceSessionForm)]
#[serde(default, deny_unknown_fields)]
pub struct SessionForm {
    #[serde(deserialize_with = "lenient")]
    pub service_id: String,
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    #[serde(deserialize_with = "lenient")]
    pub minutes: String,
    /// What was done.
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

pub async fn of_person(tx: &mut Tx, person: i64) -> AppResult<Vec<Session>> {
    Ok(sql!(tx, c => sqlx::query_as::<_, Session>(
        "SELECT s.id, s.person_id, s.service_id, t.code AS service_code, s.held_on, u.display_name AS worker, s.minutes, s.note \
         FROM service_session s JOIN service_type t ON t.id = s.service_id JOIN app_user u ON u.id = s.worker_id \
         WHERE s.person_id = $1 ORDER BY s.held_on DESC, s.id DESC LIMIT 50").bind(person).fetch_all(c).await?))
}

/// Records a session of a counted service on the person's file, by the signed-in worker.
pub async fn record(db: &Db, actor: &Actor, person: i64, f: &SessionForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let service = ck.id("service_id", &f.service_id, true);
    let held = ck.date("held_on", &f.held_on, true);
    if held.is_some_and(|d| d > actor.today()) {
        ck.err("held_on", "services-err-future-day");
    }
    let minutes = number(&mut ck, "minutes", &f.minutes, true, 720);
    if minutes == Some(0) {
        ck.err("minutes", "err-number");
    }
    let note = ck.text("note", &f.note, false, 2000);
    let Some(worker) = actor.user_id else {
        return Err(AppError::BadRequest("worker".into()));
    };
    let mut tx = db.begin().await?;
    skrb_registry::access::check(&mut tx, actor, PersonId(person)).await?;
    if let Some(s) = service {
        let j = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
        match catalogue::get(&mut tx, s).await {
            Ok(t) if t.jurisdiction == j && t.form == "session" => {}
            _ => ck.err("service_id", "err-choice"),
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO service_session (centre_id, person_id, service_id, held_on, worker_id, minutes, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(centre).bind(person).bind(service).bind(held).bind(worker).bind(minutes).bind(&note).bind(actor.now)
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "service_session", id)
            .person(person)
            .detail(serde_json::json!({ "service": service, "minutes": minutes })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A part of the subject-access export: home help (agreements, visits, invoices) and
/// counted sessions.
pub fn export_part(
    tx: &mut Tx,
    person: PersonId,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<serde_json::Value, sqlx::Error>> + Send + '_>,
> {
    Box::pin(async move {
        let p = person.get();
        let map = |e: AppError| sqlx::Error::Protocol(e.to_string());
        let agreements = crate::agreements::of_person(tx, p).await.map_err(map)?;
        let sessions = of_person(tx, p).await.map_err(map)?;
        let q = format!(
            "{} WHERE v.person_id = $1 ORDER BY v.day, v.start_min",
            crate::roster::VISIT
        );
        let visits = sql!(tx, c => sqlx::query_as::<_, crate::roster::Visit>(&q).bind(p).fetch_all(c).await?);
        let q = format!(
            "{} WHERE i.person_id = $1 ORDER BY i.id",
            crate::billing::SELECT
        );
        let invoices = sql!(tx, c => sqlx::query_as::<_, crate::billing::Invoice>(&q).bind(p).fetch_all(c).await?);
        Ok(serde_json::json!({
            "home_help": { "agreements": agreements, "visits": visits, "invoices": invoices },
            "service_sessions": sessions,
        }))
    })
}
