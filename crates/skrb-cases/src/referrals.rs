//! Referrals out of the centre (to a partner, who answers) and into it (from a partner,
//! answered by the file's worker, with a task due). A partner's user sees and answers
//! only the referrals addressed to their organisation.

use skrb_domain::cases::ReferralStatus;
use skrb_kit::audit::Action;
use time::{Date, Duration};

use crate::access;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

/// Days a partner's referral into the centre waits for its answer (ZUP's general
/// deadline for a reply is 15 days).
pub const ANSWER_DAYS: i64 = 15;
/// A referral goes out to a partner or comes in from one.
pub const DIRECTIONS: [&str; 2] = ["out", "in"];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Referral {
    pub id: i64,
    /// out (the centre refers to a partner) or in (a partner refers to the centre)
    pub direction: String,
    pub partner_id: i64,
    pub partner_name: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub subject: String,
    pub body: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub sent_on: Date,
    /// sent, accepted, answered, declined, closed
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: ReferralStatus,
    pub answer: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub answered_on: Option<Date>,
    pub version: i64,
}

const SELECT: &str = "SELECT r.id, r.direction, r.partner_id, pa.name AS partner_name, r.case_id, c.number AS case_number, \
    r.person_id, p.given_name || ' ' || p.family_name AS person_name, r.subject, r.body, r.sent_on, r.status, r.answer, \
    r.answered_on, r.version FROM referral r JOIN partner pa ON pa.id = r.partner_id \
    LEFT JOIN case_file c ON c.id = r.case_id LEFT JOIN person p ON p.id = r.person_id";

pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Referral>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, Referral>(&format!("{SELECT} WHERE r.case_id = $1 ORDER BY r.sent_on DESC, r.id DESC"))
        .bind(case_id).fetch_all(c).await)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralForm {
    /// out or in
    #[serde(deserialize_with = "lenient")]
    pub direction: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub partner_id: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub case_id: String,
    #[serde(deserialize_with = "lenient")]
    pub subject: String,
    #[serde(deserialize_with = "lenient")]
    pub body: String,
    #[serde(deserialize_with = "lenient")]
    pub sent_on: String,
}

/// Records a referral on a file.
pub async fn create(
    db: &Db,
    actor: &Actor,
    f: &ReferralForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut ck = Check::new();
    let direction = ck.choice("direction", &f.direction, &["out", "in"], true);
    let partner = ck.id("partner_id", &f.partner_id, true);
    let case_id = ck.id("case_id", &f.case_id, true);
    let subject = ck.text("subject", &f.subject, true, 300);
    let body = ck.text("body", &f.body, false, 10_000);
    let sent = ck.date("sent_on", &f.sent_on, false).unwrap_or(today);
    if sent > today {
        ck.err("sent_on", "registry-err-date-future");
    }
    ck.done()?;
    let (Some(direction), Some(partner), Some(case_id)) = (direction, partner, case_id) else {
        return Err(AppError::BadRequest("referral".into()));
    };
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, case_id, manages).await?;
    let pc: Option<(Option<i64>, bool)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT centre_id, active FROM partner WHERE id = $1").bind(partner).fetch_optional(c).await?);
    match pc {
        Some((c, true)) if c == Some(g.centre_id) => {}
        _ => {
            return Err(skrb_kit::form::field_error(
                "partner_id",
                "cases-err-partner",
            ))
        }
    }
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO referral (centre_id, direction, partner_id, case_id, person_id, subject, body, sent_on, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent', $9, $10) RETURNING id")
        .bind(g.centre_id).bind(direction).bind(partner).bind(case_id).bind(g.person_id).bind(&subject).bind(&body)
        .bind(sent).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    if direction == "in" {
        crate::files::add_task(
            &mut tx,
            actor,
            Some(g.centre_id),
            Some(case_id),
            "task-auto-referral_answer",
            g.worker_id,
            sent + Duration::days(ANSWER_DAYS),
            "referral",
        )
        .await?;
    }
    crate::files::touch(&mut tx, case_id, today).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "referral", id).person(g.person_id).detail(serde_json::json!({ "direction": direction, "partner": partner, "case_id": case_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The partner organisation of a partner's user.
async fn partner_of(tx: &mut Tx, user_id: Option<i64>) -> Result<Option<i64>, sqlx::Error> {
    let p: Option<Option<i64>> = sql!(tx, c => sqlx::query_scalar("SELECT partner_id FROM app_user WHERE id = $1")
        .bind(user_id).fetch_optional(c).await?);
    Ok(p.flatten())
}

/// Whether a partner's account is linked to its organisation (the portal says so if not).
pub async fn linked(db: &Db, user_id: i64) -> AppResult<bool> {
    let mut tx = db.begin_read().await?;
    let p = partner_of(&mut tx, Some(user_id)).await?;
    tx.commit().await?;
    Ok(p.is_some())
}

/// Who is reading the referral list: a partner sees their organisation's; staff their
/// centre's (files they may not open are left out). Each side answers its own way.
pub use skrb_domain::cases::Answerer as Reader;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListParams {
    pub status: String,
    pub direction: String,
    pub partner_id: Option<i64>,
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    reader: Reader,
    p: &ListParams,
) -> AppResult<Vec<Referral>> {
    let status = match p.status.as_str() {
        "" | "waiting" => p.status.clone(),
        s if ReferralStatus::from_code(s).is_some() => p.status.clone(),
        _ => return Err(skrb_kit::form::field_error("status", "err-choice")),
    };
    let mut tx = db.begin_read().await?;
    let rows = match reader {
        Reader::Partner => {
            // An account not (yet) linked to an organisation sees no referrals.
            let partner = partner_of(&mut tx, actor.user_id).await?.unwrap_or(0);
            sql!(&mut tx, c => sqlx::query_as::<_, Referral>(&format!(
                "{SELECT} WHERE r.partner_id = $1 AND r.direction = 'out' AND ($2 = '' OR r.status = $2 \
                 OR ($2 = 'waiting' AND r.status IN ('sent', 'accepted'))) ORDER BY r.sent_on DESC, r.id DESC LIMIT 500"))
                .bind(partner).bind(&status).fetch_all(c).await?)
        }
        Reader::Staff => {
            let cond = access::filter(actor);
            sql!(&mut tx, c => sqlx::query_as::<_, Referral>(&format!(
                "{SELECT} WHERE ($1 = '' OR r.status = $1 OR ($1 = 'waiting' AND r.status IN ('sent', 'accepted'))) \
                 AND ($2 = '' OR r.direction = $2) AND ($3 IS NULL OR r.partner_id = $3) \
                 AND EXISTS (SELECT 1 FROM case_file c JOIN person p ON p.id = c.person_id WHERE c.id = r.case_id{cond}) \
                 ORDER BY r.sent_on DESC, r.id DESC LIMIT 500"))
                .bind(&status).bind(&p.direction).bind(p.partner_id).fetch_all(c).await?)
        }
    };
    tx.commit().await?;
    let shown: Vec<i64> = rows.iter().map(|r| r.id).collect();
    audit::record_apart(
        db,
        actor,
        Event::about(Action::List, "referral").detail(serde_json::json!({ "shown": shown })),
    )
    .await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerForm {
    /// accepted, answered, declined (and closed, for the centre)
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    #[serde(deserialize_with = "lenient")]
    pub answer: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub version: String,
}

/// Answers a referral: a partner's user answers those addressed to them; staff answer
/// referrals into the centre and close any referral of a file they work.
pub async fn answer(
    db: &Db,
    actor: &Actor,
    reader: Reader,
    id: i64,
    f: &AnswerForm,
    manages: bool,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let r: Option<Referral> = sql!(&mut tx, c => sqlx::query_as::<_, Referral>(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id).fetch_optional(c).await?);
    let r = r.ok_or(AppError::NotFound)?;
    let mut ck = Check::new();
    let allowed: Vec<&'static str> = ReferralStatus::answers(reader)
        .iter()
        .map(|s| s.code())
        .collect();
    let status = ck.choice("status", &f.status, &allowed, true);
    let answer = ck.text(
        "answer",
        &f.answer,
        matches!(status, Some("answered" | "declined")),
        10_000,
    );
    let version = ck.id("version", &f.version, false).unwrap_or(r.version);
    ck.done()?;
    match reader {
        Reader::Partner => {
            if r.direction != "out"
                || partner_of(&mut tx, actor.user_id).await? != Some(r.partner_id)
            {
                // Not addressed to this partner: as if it did not exist.
                return Err(AppError::NotFound);
            }
        }
        Reader::Staff => {
            let case = r.case_id.ok_or(AppError::NotFound)?;
            access::check_write(&mut tx, actor, case, manages).await?;
            if r.direction == "out" && status != Some(ReferralStatus::Closed.code()) {
                return Err(skrb_kit::form::field_error(
                    "status",
                    "cases-err-referral-partner-answers",
                ));
            }
        }
    }
    let status = status
        .and_then(ReferralStatus::from_code)
        .ok_or_else(|| AppError::BadRequest("status".into()))?;
    r.status
        .answer(reader, status)
        .map_err(|_| AppError::Refused(Msg::new("cases-referral-closed")))?;
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE referral SET status = $1, answer = COALESCE($2, answer), answered_on = CASE WHEN $2 IS NULL THEN answered_on ELSE $3 END, \
         answered_by = $4, version = version + 1 WHERE id = $5 AND version = $6")
        .bind(status.code()).bind(&answer).bind(today).bind(actor.user_id).bind(id).bind(version)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: r.version,
        });
    }
    if r.direction == "in"
        && matches!(
            status,
            ReferralStatus::Answered | ReferralStatus::Declined | ReferralStatus::Closed
        )
    {
        if let Some(case) = r.case_id {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE task SET done_at = $1, done_by = $2 WHERE case_id = $3 AND source = 'referral' AND done_at IS NULL")
                .bind(actor.now).bind(actor.user_id).bind(case).execute(c).await?.rows_affected());
        }
    }
    let mut e =
        Event::new(Action::Answer, "referral", id).detail(serde_json::json!({ "status": status }));
    if let Some(p) = r.person_id {
        e = e.person(p);
    }
    audit::record(&mut tx, actor, e).await?;
    tx.commit().await?;
    Ok(())
}

/// One referral, for its partner's user (the partner's portal page).
pub async fn get_for_partner(db: &Db, actor: &Actor, id: i64) -> AppResult<Referral> {
    let mut tx = db.begin_read().await?;
    let partner = partner_of(&mut tx, actor.user_id).await?;
    let r: Option<Referral> = sql!(&mut tx, c => sqlx::query_as::<_, Referral>(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id).fetch_optional(c).await?);
    tx.commit().await?;
    let r = r
        .filter(|r| r.direction == "out" && Some(r.partner_id) == partner)
        .ok_or(AppError::NotFound)?;
    let mut e = Event::new(Action::Read, "referral", id);
    if let Some(p) = r.person_id {
        e = e.person(p);
    }
    audit::record_apart(db, actor, e).await?;
    Ok(r)
}
