//! Appeals: against a decision within 15 days of delivery, or against silence past the
//! deadline (a deemed refusal). The centre sends the appeal to the second instance and
//! records and applies its outcome: upheld (the decision stands), annulled (the centre
//! decides again, with a new deadline), or changed (the new amount applies).

use skrb_domain::rights::states::ApplicationStep;
use skrb_domain::rights::{deadlines, money, Minor};
use skrb_kit::audit::Action;
use time::Date;

use super::applications;
use super::catalogue;
use super::decisions::{self, funding_text};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg, Warning};
use skrb_kit::form::lenient;
use skrb_kit::form::{field_error, Check};
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Appeal {
    pub id: i64,
    pub application_id: i64,
    /// None: an appeal against silence.
    pub decision_id: Option<i64>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub lodged_on: Date,
    pub grounds: String,
    pub late_reason: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub forwarded_on: Option<Date>,
    /// upheld, annulled, changed
    pub outcome: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub outcome_on: Option<Date>,
    pub outcome_note: Option<String>,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "opt")]
    pub new_amount: Option<Minor>,
}

fn opt<S: serde::Serializer>(v: &Option<Minor>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(a) => s.serialize_str(&money::plain(*a)),
        None => s.serialize_none(),
    }
}

const COLS: &str = "id, application_id, decision_id, lodged_on, grounds, late_reason, forwarded_on, outcome, outcome_on, outcome_note, new_amount";

pub async fn of_application(tx: &mut Tx, app: i64) -> Result<Vec<Appeal>, sqlx::Error> {
    let q = format!("SELECT {COLS} FROM appeal WHERE application_id = $1 ORDER BY id");
    sql!(tx, c => sqlx::query_as(&q).bind(app).fetch_all(c).await)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AppealForm {
    /// The decision appealed; empty for an appeal against silence.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub decision_id: String,
    #[serde(deserialize_with = "lenient")]
    pub lodged_on: String,
    #[serde(deserialize_with = "lenient")]
    pub grounds: String,
    /// Needed when the appeal comes after the deadline (it goes on with the reason).
    #[serde(deserialize_with = "lenient")]
    pub late_reason: String,
}

pub async fn lodge(
    db: &Db,
    actor: &Actor,
    app_id: i64,
    f: &AppealForm,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let a = applications::guard(&mut tx, actor, app_id).await?;
    let mut ck = Check::new();
    let decision = ck.id("decision_id", &f.decision_id, false);
    let lodged = ck.date("lodged_on", &f.lodged_on, false).unwrap_or(today);
    if lodged > today {
        ck.err("lodged_on", "registry-err-date-future");
    }
    let grounds = ck.text("grounds", &f.grounds, true, 20_000);
    let late_reason = ck.text("late_reason", &f.late_reason, false, 2000);
    ck.done()?;
    let open: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM appeal WHERE application_id = $1 AND outcome IS NULL").bind(app_id).fetch_one(c).await?);
    if open > 0 {
        return Err(AppError::Refused(Msg::new("rights-err-appeal-open")));
    }
    match decision {
        Some(did) => {
            let d = decisions::load(&mut tx, did)
                .await?
                .filter(|d| d.application_id == Some(app_id) && d.kind == "first");
            let Some(d) = d else {
                return Err(field_error("decision_id", "rights-err-decision"));
            };
            if !d.status.issued() {
                return Err(AppError::Refused(Msg::new("rights-err-not-issued")));
            }
            if lodged < d.decided_on {
                return Err(field_error("lodged_on", "rights-err-before-decision"));
            }
            // Before delivery the deadline has not started; after it, 15 days.
            if let Some(due) = d.appeal_due() {
                if lodged > due && late_reason.is_none() {
                    return Err(AppError::Warnings {
                        warnings: vec![Warning {
                            code: "appeal_late",
                            msg: Msg::new("rights-warn-appeal-late").date("due", due),
                        }],
                        may_override: true,
                    });
                }
            }
        }
        None => {
            if !a.silent(lodged) {
                return Err(field_error("decision_id", "rights-err-appeal-no-silence"));
            }
        }
    }
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO appeal (application_id, decision_id, lodged_on, grounds, late_reason, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(app_id).bind(decision).bind(lodged).bind(&grounds).bind(&late_reason).bind(actor.user_id)
        .bind(actor.now).fetch_one(c).await?);
    let appealed = a
        .status
        .after(ApplicationStep::Appeal)
        .map_err(|_| AppError::Refused(Msg::new("rights-err-application-closed")))?;
    sql!(&mut tx, c => sqlx::query("UPDATE application SET status = $1, version = version + 1 WHERE id = $2")
        .bind(appealed.code())
        .bind(app_id).execute(c).await?.rows_affected());
    audit::record(&mut tx, actor, Event::new(Action::Create, "appeal", id).person(a.person_id).detail(serde_json::json!({
        "application": app_id, "decision": decision, "lodged_on": lodged.to_string(), "late": late_reason.is_some()
    })).reason(late_reason.as_deref())).await?;
    tx.commit().await?;
    Ok(id)
}

async fn guard(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
) -> AppResult<(Appeal, applications::Application)> {
    let q = format!("SELECT {COLS} FROM appeal WHERE id = $1");
    let ap: Option<Appeal> = sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await?);
    let ap = ap.ok_or(AppError::NotFound)?;
    let a = applications::guard(tx, actor, ap.application_id).await?;
    Ok((ap, a))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ForwardForm {
    #[serde(deserialize_with = "lenient")]
    pub forwarded_on: String,
}

/// The appeal is sent with the file to the second instance.
pub async fn forward(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &ForwardForm,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let (ap, a) = guard(&mut tx, actor, id).await?;
    if ap.forwarded_on.is_some() || ap.outcome.is_some() {
        return Err(AppError::Refused(Msg::new("rights-err-appeal-forwarded")));
    }
    let mut ck = Check::new();
    let on = ck
        .date("forwarded_on", &f.forwarded_on, false)
        .unwrap_or(today);
    if on > today {
        ck.err("forwarded_on", "registry-err-date-future");
    }
    if on < ap.lodged_on {
        ck.err("forwarded_on", "rights-err-before-appeal");
    }
    ck.done()?;
    sql!(&mut tx, c => sqlx::query("UPDATE appeal SET forwarded_on = $1 WHERE id = $2")
        .bind(on).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Forward, "appeal", id)
            .person(a.person_id)
            .detail(serde_json::json!({"on": on.to_string()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeForm {
    /// upheld, annulled, changed
    #[serde(deserialize_with = "lenient")]
    pub outcome: String,
    #[serde(deserialize_with = "lenient")]
    pub outcome_on: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    /// For `changed`: the monthly amount the second instance set.
    #[serde(deserialize_with = "lenient")]
    pub new_amount: String,
}

/// Records the second instance's outcome and applies it.
pub async fn outcome(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &OutcomeForm,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let (ap, a) = guard(&mut tx, actor, id).await?;
    if ap.outcome.is_some() {
        return Err(AppError::Refused(Msg::new("rights-err-appeal-decided")));
    }
    let mut ck = Check::new();
    let outcome = ck.choice("outcome", &f.outcome, &super::APPEAL_OUTCOMES, true);
    let on = ck.date("outcome_on", &f.outcome_on, false).unwrap_or(today);
    if on > today {
        ck.err("outcome_on", "registry-err-date-future");
    }
    if on < ap.lodged_on {
        ck.err("outcome_on", "rights-err-before-appeal");
    }
    let note = ck.text("note", &f.note, false, 20_000);
    let new_amount = if outcome == Some("changed") {
        match money::parse(&f.new_amount) {
            Some(v) if v > 0 => Some(v),
            _ => {
                ck.err("new_amount", "rights-err-amount");
                None
            }
        }
    } else {
        None
    };
    ck.done()?;
    let Some(outcome) = outcome else {
        return Err(field_error("outcome", "err-required"));
    };
    if ap.forwarded_on.is_none() {
        sql!(&mut tx, c => sqlx::query("UPDATE appeal SET forwarded_on = $1 WHERE id = $2")
            .bind(ap.lodged_on).bind(id).execute(c).await?.rows_affected());
    }
    sql!(&mut tx, c => sqlx::query("UPDATE appeal SET outcome = $1, outcome_on = $2, outcome_note = $3, new_amount = $4 WHERE id = $5")
        .bind(outcome).bind(on).bind(&note).bind(new_amount).bind(id).execute(c).await?.rows_affected());
    let rt = catalogue::get(&mut tx, a.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let first = match ap.decision_id {
        Some(d) => decisions::load(&mut tx, d).await?,
        None => None,
    };
    let ent: Option<(i64, Minor)> = match &first {
        Some(d) => sql!(&mut tx, c => sqlx::query_as(
            "SELECT id, amount FROM entitlement WHERE decision_id = $1 AND status <> 'ended'").bind(d.id).fetch_optional(c).await?),
        None => None,
    };
    let step = if outcome == "annulled" {
        ApplicationStep::Reopen
    } else {
        ApplicationStep::Settle
    };
    let next = a
        .status
        .after(step)
        .map_err(|_| AppError::Refused(Msg::new("rights-err-application-closed")))?;
    match outcome {
        "upheld" => {
            sql!(&mut tx, c => sqlx::query("UPDATE application SET status = $1, version = version + 1 WHERE id = $2")
                .bind(next.code())
                .bind(a.id).execute(c).await?.rows_affected());
        }
        "annulled" => {
            // The first instance decides again: the entitlement ends, and a new deadline
            // runs from the day the outcome came back.
            if let Some((eid, _)) = ent {
                sql!(&mut tx, c => sqlx::query(
                    "UPDATE entitlement SET status = 'ended', end_reason = 'annulled', version = version + 1 WHERE id = $1")
                    .bind(eid).execute(c).await?.rows_affected());
            }
            let due = deadlines::decision_due(on, rt.deadline_months as u32);
            sql!(&mut tx, c => sqlx::query(
                "UPDATE application SET status = $3, due_on = $1, version = version + 1 WHERE id = $2")
                .bind(due).bind(next.code()).bind(a.id).execute(c).await?.rows_affected());
        }
        _ => {
            let amount = new_amount.unwrap_or(0);
            let from = first
                .as_ref()
                .and_then(|d| d.period_from)
                .unwrap_or_else(|| a.first_day());
            let to = first.as_ref().and_then(|d| d.period_to);
            let reasoning = note.clone().unwrap_or_else(|| {
                skrb_kit::i18n::t(
                    decisions::centre_locale(&rt.jurisdiction),
                    "rights-reasoning-second-instance",
                )
            });
            let inputs = first
                .as_ref()
                .map(|d| d.inputs.clone())
                .unwrap_or_else(|| "{}".into());
            let did: i64 = sql!(&mut tx, c => sqlx::query_scalar(
                "INSERT INTO decision (centre_id, application_id, entitlement_id, person_id, right_id, kind, outcome, amount, currency, \
                 period_from, period_to, reasoning, inputs, status, number, decided_on, decided_by, signatory, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'second_instance', 'granted', $6, $7, $8, $9, $10, $11, 'issued', $12, $13, $14, $15, $16) RETURNING id")
                .bind(a.centre_id).bind(a.id).bind(ent.map(|e| e.0)).bind(a.person_id).bind(rt.id).bind(amount).bind(&rt.currency)
                .bind(from).bind(to).bind(&reasoning).bind(&inputs).bind(&a.number).bind(on).bind(actor.user_id)
                .bind(skrb_kit::i18n::t(decisions::centre_locale(&rt.jurisdiction), "rights-second-instance")).bind(actor.now)
                .fetch_one(c).await?);
            match ent {
                Some((eid, _)) => {
                    sql!(&mut tx, c => sqlx::query(
                        "UPDATE entitlement SET amount = $1, funding = $2, version = version + 1 WHERE id = $3")
                        .bind(amount).bind(funding_text(amount, &rt)).bind(eid).execute(c).await?.rows_affected());
                }
                None => {
                    let input = first
                        .as_ref()
                        .and_then(|d| d.frozen())
                        .map(|f| serde_json::to_string(&f.household).unwrap_or_default())
                        .unwrap_or_else(|| a.input.clone().unwrap_or_else(|| "{}".into()));
                    sql!(&mut tx, c => sqlx::query(
                        "INSERT INTO entitlement (centre_id, decision_id, person_id, right_id, amount, currency, valid_from, valid_to, status, funding, input) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10)")
                        .bind(a.centre_id).bind(did).bind(a.person_id).bind(rt.id).bind(amount).bind(&rt.currency).bind(from)
                        .bind(to).bind(funding_text(amount, &rt)).bind(&input).execute(c).await?.rows_affected());
                }
            }
            sql!(&mut tx, c => sqlx::query("UPDATE application SET status = $2, version = version + 1 WHERE id = $1")
                .bind(a.id).bind(next.code()).execute(c).await?.rows_affected());
        }
    }
    audit::record(&mut tx, actor, Event::new(Action::Outcome, "appeal", id).person(a.person_id).detail(serde_json::json!({
        "outcome": outcome, "on": on.to_string(), "new_amount": new_amount, "was": ent.map(|e| e.1)
    }))).await?;
    tx.commit().await?;
    Ok(())
}
