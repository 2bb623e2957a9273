//! Decisions and what they grant. A decision freezes the household, the parameters and
//! the calculation it rests on (so a later edit of the registry or a new parameter
//! changes nothing decided), is issued as a document in the centre's language, and is
//! delivered; an amount typed instead of the calculator's waits for a second person's
//! approval. Entitlements are changed, suspended and ended by further decisions.

pub mod by_order;
pub mod document;
pub mod migrated;

use skrb_domain::rights::calc::split;
use skrb_domain::rights::states::{
    ApplicationStatus, ApplicationStep, DecisionStatus, EntitlementChange, EntitlementStatus,
};
use skrb_domain::rights::{deadlines, money, Calculation, Household, Minor, Params};
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Date, Duration};

use super::applications::{self, Application};
use super::catalogue::{self, RightType};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::{field_error, Check};
use skrb_kit::i18n::Locale;
use skrb_kit::sql;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DecisionForm {
    /// granted, partly, refused, dismissed
    #[serde(deserialize_with = "lenient")]
    pub outcome: String,
    /// First day of the right; by default the first of the month after the application.
    #[serde(deserialize_with = "lenient")]
    pub period_from: String,
    /// How many months (at most the right's longest first grant).
    #[serde(deserialize_with = "lenient")]
    pub months: String,
    /// Only to set an amount other than the calculator's: needs `manual_reason` and a
    /// second person's approval.
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
    #[serde(deserialize_with = "lenient")]
    pub manual_reason: String,
    /// The reasoning; empty takes the template of the outcome.
    #[serde(deserialize_with = "lenient")]
    pub reasoning: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// What a decision rests on, frozen when it is made.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Frozen {
    pub household: Household,
    pub params: Params,
    pub calculation: Option<Calculation>,
    pub person: FrozenPerson,
    pub right: FrozenRight,
    pub centre: String,
    pub locale: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FrozenPerson {
    pub name: String,
    pub emso: Option<String>,
    pub address: Option<String>,
    pub birth_date: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FrozenRight {
    pub code: String,
    pub name: String,
    pub legal_basis: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub id: i64,
    pub application_id: Option<i64>,
    pub entitlement_id: Option<i64>,
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub right_id: i64,
    /// first, change, suspension, termination, provisional, second_instance
    pub kind: String,
    pub outcome: String,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "opt_amount")]
    pub amount: Option<Minor>,
    pub currency: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub period_from: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub period_to: Option<Date>,
    pub reasoning: String,
    pub manual_reason: Option<String>,
    /// awaiting_approval, issued
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: DecisionStatus,
    pub number: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub decided_on: Date,
    pub decided_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub signatory: String,
    pub document_sha256: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub dispatched_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub delivered_on: Option<Date>,
    pub delivery_method: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub objection_on: Option<Date>,
    pub objection: Option<String>,
    #[serde(skip)]
    pub inputs: String,
}

fn opt_amount<S: serde::Serializer>(v: &Option<Minor>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(a) => s.serialize_str(&money::plain(*a)),
        None => s.serialize_none(),
    }
}

impl Decision {
    pub fn frozen(&self) -> Option<Frozen> {
        serde_json::from_str(&self.inputs).ok()
    }

    /// The last day to appeal, once delivered.
    pub fn appeal_due(&self) -> Option<Date> {
        self.delivered_on
            .map(|d| deadlines::appeal_due(d, super::APPEAL_DAYS))
    }

    /// A provisional calculation counts as delivered on the 21st day after dispatch;
    /// an objection is due 15 days later.
    pub fn objection_due(&self) -> Option<Date> {
        self.dispatched_on
            .map(|d| deadlines::deemed_delivered(d) + Duration::days(15))
    }
}

pub const DECISION_COLS: &str = "id, application_id, entitlement_id, person_id, right_id, kind, outcome, amount, currency, \
    period_from, period_to, reasoning, manual_reason, status, number, decided_on, decided_by, approved_by, signatory, \
    document_sha256, dispatched_on, delivered_on, delivery_method, objection_on, objection, inputs";

pub async fn load(tx: &mut Tx, id: i64) -> Result<Option<Decision>, sqlx::Error> {
    let q = format!("SELECT {DECISION_COLS} FROM decision WHERE id = $1");
    sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await)
}

/// Every decision of an application: the first, and the changes, renewals and second
/// instance's that carry the application on.
pub async fn of_application(tx: &mut Tx, app: i64) -> Result<Vec<Decision>, sqlx::Error> {
    let q = format!("SELECT {DECISION_COLS} FROM decision WHERE application_id = $1 ORDER BY id");
    sql!(tx, c => sqlx::query_as(&q).bind(app).fetch_all(c).await)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Entitlement {
    pub id: i64,
    pub decision_id: i64,
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub right_id: i64,
    #[schema(value_type = String)]
    #[serde(with = "money::serde_amount")]
    pub amount: Minor,
    pub currency: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub valid_to: Option<Date>,
    /// active, suspended, ended
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: EntitlementStatus,
    /// Amounts per funder: `entity:13430,municipality:13430`.
    pub funding: String,
    pub end_reason: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub suspended_from: Option<Date>,
    pub version: i64,
}

const ENT_COLS: &str = "id, decision_id, person_id, right_id, amount, currency, valid_from, valid_to, status, funding, \
    end_reason, suspended_from, version";

pub async fn entitlements_of(
    tx: &mut Tx,
    person: PersonId,
    right: Option<i64>,
) -> Result<Vec<Entitlement>, sqlx::Error> {
    let q = format!(
        "SELECT {ENT_COLS} FROM entitlement WHERE person_id = $1 AND ($2 IS NULL OR right_id = $2) ORDER BY valid_from DESC, id DESC"
    );
    sql!(tx, c => sqlx::query_as(&q).bind(person).bind(right).fetch_all(c).await)
}

/// The language and script of a centre's documents.
pub fn centre_locale(jurisdiction: &str) -> Locale {
    if jurisdiction == "RS" {
        Locale::SrCyrl
    } else {
        Locale::Sl
    }
}

/// The reasoning of an outcome from its template, in the centre's language.
pub fn template(
    l: Locale,
    outcome: &str,
    rt: &RightType,
    amount: Option<Minor>,
    from: Option<Date>,
    to: Option<Date>,
) -> String {
    use fluent_bundle::FluentValue;
    let amount = amount
        .map(|a| skrb_kit::i18n::fmt_money(l, a, &rt.currency))
        .unwrap_or_default();
    let from = from
        .map(|d| skrb_kit::i18n::fmt_date(l, d))
        .unwrap_or_default();
    let to = to
        .map(|d| skrb_kit::i18n::fmt_date(l, d))
        .unwrap_or_else(|| "—".into());
    let key = format!("rights-reasoning-{outcome}");
    skrb_kit::i18n::t_args(
        l,
        &key,
        &[
            ("right", FluentValue::from(rt.name_in(l))),
            ("basis", FluentValue::from(rt.legal_basis.clone())),
            ("amount", FluentValue::from(amount)),
            ("from", FluentValue::from(from)),
            ("to", FluentValue::from(to)),
        ],
    )
}

async fn person_snapshot(tx: &mut Tx, person: PersonId) -> Result<FrozenPerson, sqlx::Error> {
    let (g, f, emso, address, place, birth): (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Date>,
    ) = sql!(tx, c => sqlx::query_as(
            "SELECT given_name, family_name, emso, address, place, birth_date FROM person WHERE id = $1")
            .bind(person).fetch_one(c).await?);
    Ok(FrozenPerson {
        name: format!("{g} {f}"),
        emso,
        address: match (address, place) {
            (Some(a), Some(p)) => Some(format!("{a}, {p}")),
            (a, p) => a.or(p),
        },
        birth_date: birth.map(|d| d.to_string()),
    })
}

/// The deciding centre's address, for the document's letterhead.
pub async fn letterhead(tx: &mut Tx, decision: i64) -> Result<Option<String>, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar(
        "SELECT c.address FROM centre c JOIN decision d ON d.centre_id = c.id WHERE d.id = $1")
        .bind(decision).fetch_optional(c).await)
    .map(Option::flatten)
}

async fn centre_name(tx: &mut Tx, centre: i64) -> Result<(String, String), sqlx::Error> {
    sql!(tx, c => sqlx::query_as("SELECT name, jurisdiction FROM centre WHERE id = $1").bind(centre).fetch_one(c).await)
}

/// Refuses a period that overlaps an active or suspended entitlement of the same right.
async fn no_overlap(
    tx: &mut Tx,
    person: PersonId,
    right: i64,
    from: Date,
    to: Option<Date>,
    except: Option<i64>,
) -> AppResult<()> {
    let n: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM entitlement WHERE person_id = $1 AND right_id = $2 AND status IN ('active', 'suspended') \
         AND valid_from <= COALESCE($4, valid_from, $3) AND (valid_to IS NULL OR valid_to >= $3) AND id <> COALESCE($5, 0)")
        .bind(person).bind(right).bind(from).bind(to).bind(except).fetch_one(c).await?);
    if n > 0 {
        return Err(field_error("period_from", "rights-err-right-overlap"));
    }
    Ok(())
}

/// The end of a period of `months` months from `from` (None: open-ended).
fn period_end(from: Date, months: Option<i64>) -> Option<Date> {
    months.map(|m| deadlines::month_end(deadlines::add_months(from, (m.max(1) - 1) as u32)))
}

/// Decides an application at first instance.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    app_id: i64,
    f: &DecisionForm,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let a = applications::guard(&mut tx, actor, app_id).await?;
    if let Ok(v) = f.version.trim().parse::<i64>() {
        if v != a.version {
            return Err(AppError::Conflict {
                current_version: a.version,
            });
        }
    }
    // A decision rests on a complete application (the deadline runs from there).
    match a.status {
        ApplicationStatus::InProcedure => {}
        s if s.open() => {
            return Err(AppError::Refused(Msg::new(
                "rights-err-application-incomplete",
            )))
        }
        _ => return Err(AppError::Refused(Msg::new("rights-err-application-closed"))),
    }
    let rt = catalogue::get(&mut tx, a.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut ck = Check::new();
    let outcome = ck.choice("outcome", &f.outcome, &super::OUTCOMES, true);
    let from = ck
        .date("period_from", &f.period_from, false)
        .unwrap_or_else(|| a.first_day());
    if from < a.received_on {
        ck.err("period_from", "rights-err-before-received");
    }
    let months = match f.months.trim() {
        "" => rt.max_months,
        m => match m.parse::<i64>() {
            Ok(n) if n >= 1 && rt.max_months.is_none_or(|max| n <= max) => Some(n),
            _ => {
                ck.err_msg(
                    "months",
                    Msg::new("rights-err-months").num("max", rt.max_months.unwrap_or(120)),
                );
                None
            }
        },
    };
    let typed = match f.amount.trim() {
        "" => None,
        s => match money::parse(s) {
            Some(v) if v >= 0 => Some(v),
            _ => {
                ck.err("amount", "rights-err-amount");
                None
            }
        },
    };
    let manual_reason = ck.text("manual_reason", &f.manual_reason, false, 2000);
    let reasoning = ck.text("reasoning", &f.reasoning, false, 20_000);
    ck.done()?;
    let Some(outcome) = outcome else {
        return Err(field_error("outcome", "err-required"));
    };
    let grants = outcome == "granted" || outcome == "partly";
    let to = if rt.periodic {
        period_end(from, months)
    } else {
        Some(deadlines::month_end(from))
    };
    let household = a.household();
    let (calc, params) = if grants && rt.calc() != skrb_domain::rights::Calculator::None {
        let (c, p) = catalogue::run(&mut tx, &rt, &household, from).await?;
        (Some(c), p)
    } else {
        (None, Params::default())
    };
    let calculated = calc.as_ref().map(|c| c.amount);
    let amount = if grants { typed.or(calculated) } else { None };
    let manual = grants && typed.is_some() && typed != calculated;
    if manual && manual_reason.is_none() {
        return Err(field_error("manual_reason", "rights-err-manual-reason"));
    }
    if grants
        && amount.unwrap_or(0) == 0
        && rt.pays
        && rt.calc() != skrb_domain::rights::Calculator::None
    {
        return Err(field_error("outcome", "rights-err-amount-zero"));
    }
    if grants {
        no_overlap(&mut tx, a.person_id, rt.id, from, to, None).await?;
    }
    let (centre, jurisdiction) = centre_name(&mut tx, a.centre_id).await?;
    let l = centre_locale(&jurisdiction);
    let reasoning =
        reasoning.unwrap_or_else(|| template(l, outcome, &rt, amount, grants.then_some(from), to));
    let frozen = Frozen {
        household,
        params,
        calculation: calc,
        person: person_snapshot(&mut tx, a.person_id).await?,
        right: FrozenRight {
            code: rt.code.clone(),
            name: rt.name_in(l),
            legal_basis: rt.legal_basis.clone(),
        },
        centre,
        locale: l.code().to_string(),
    };
    let inputs = serde_json::to_string(&frozen).map_err(|e| AppError::Internal(e.into()))?;
    let signatory = super::user_name(&mut tx, actor.user_id).await?;
    let status = if manual {
        "awaiting_approval"
    } else {
        "issued"
    };
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO decision (centre_id, application_id, person_id, right_id, kind, outcome, amount, currency, period_from, \
         period_to, reasoning, inputs, manual_reason, status, number, decided_on, decided_by, signatory, created_at) \
         VALUES ($1, $2, $3, $4, 'first', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id")
        .bind(a.centre_id).bind(a.id).bind(a.person_id).bind(rt.id).bind(outcome).bind(amount).bind(&rt.currency)
        .bind(grants.then_some(from)).bind(if grants { to } else { None }).bind(&reasoning).bind(&inputs)
        .bind(manual.then_some(manual_reason.clone()).flatten()).bind(status).bind(&a.number).bind(today)
        .bind(actor.user_id).bind(&signatory).bind(actor.now).fetch_one(c).await?);
    let decided = a
        .status
        .after(ApplicationStep::Decide)
        .map_err(|_| AppError::Refused(Msg::new("rights-err-application-closed")))?;
    sql!(&mut tx, c => sqlx::query("UPDATE application SET status = $2, version = version + 1 WHERE id = $1")
        .bind(a.id).bind(decided.code()).execute(c).await?.rows_affected());
    audit::record(&mut tx, actor, Event::new(Action::Create, "decision", id).person(a.person_id).detail(serde_json::json!({
        "application": a.id, "outcome": outcome, "amount": amount, "calculated": calculated, "manual": manual,
        "from": from.to_string(), "to": to.map(|d| d.to_string())
    })).reason(manual_reason.as_deref())).await?;
    if !manual {
        issue(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Issues a decision: what it grants becomes an entitlement, and its document is made
/// and kept as issued.
async fn issue(tx: &mut Tx, id: i64) -> AppResult<()> {
    let d = load(tx, id).await?.ok_or(AppError::NotFound)?;
    let rt = catalogue::get(tx, d.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let frozen = d.frozen();
    // Only a first decision creates an entitlement here; changes write their own.
    if let (true, Some(amount), Some(from)) = (
        d.kind == "first" && (d.outcome == "granted" || d.outcome == "partly"),
        d.amount,
        d.period_from,
    ) {
        let funding = funding_text(amount, &rt);
        let input = frozen
            .as_ref()
            .and_then(|f| serde_json::to_string(&f.household).ok())
            .unwrap_or_else(|| "{}".into());
        let centre: i64 = sql!(tx, c => sqlx::query_scalar("SELECT centre_id FROM decision WHERE id = $1").bind(id).fetch_one(c).await?);
        let ent: i64 = sql!(tx, c => sqlx::query_scalar(
            "INSERT INTO entitlement (centre_id, decision_id, person_id, right_id, amount, currency, valid_from, valid_to, status, funding, input) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10) RETURNING id")
            .bind(centre).bind(id).bind(d.person_id).bind(d.right_id).bind(amount).bind(&d.currency).bind(from)
            .bind(d.period_to).bind(&funding).bind(&input).fetch_one(c).await?);
        sql!(tx, c => sqlx::query("UPDATE decision SET entitlement_id = COALESCE(entitlement_id, $1) WHERE id = $2")
            .bind(ent).bind(id).execute(c).await?.rows_affected());
    }
    let d = load(tx, id).await?.ok_or(AppError::NotFound)?;
    let address = letterhead(tx, id).await?;
    let pdf = document::decision_pdf(&d, &rt, address.as_deref()).map_err(AppError::Internal)?;
    let sha = skrb_kit::audit::chain::hex(&<sha2::Sha256 as sha2::Digest>::digest(&pdf));
    sql!(tx, c => sqlx::query("UPDATE decision SET status = 'issued', document = $1, document_sha256 = $2 WHERE id = $3")
        .bind(&pdf).bind(&sha).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// The amount split between the right's funders: `entity:13430,municipality:13430`.
pub fn funding_text(amount: Minor, rt: &RightType) -> String {
    split(amount, &rt.shares())
        .into_iter()
        .map(|(w, a)| format!("{w}:{a}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Loads a decision the actor may see.
pub async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Decision> {
    let d = load(tx, id).await?.ok_or(AppError::NotFound)?;
    let centre: i64 = sql!(tx, c => sqlx::query_scalar("SELECT centre_id FROM decision WHERE id = $1").bind(id).fetch_one(c).await?);
    skrb_kit::scope::same_centre(actor, centre)?;
    skrb_registry::access::check(tx, actor, d.person_id).await?;
    Ok(d)
}

/// A second person approves an amount typed by hand; the decision is then issued.
pub async fn approve(db: &Db, actor: &Actor, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let d = guard(&mut tx, actor, id).await?;
    if d.status.approve().is_err() {
        return Err(AppError::Refused(Msg::new("rights-err-not-awaiting")));
    }
    if d.decided_by.is_some() && d.decided_by == actor.user_id {
        return Err(AppError::Refused(Msg::new("rights-err-same-approver")));
    }
    sql!(&mut tx, c => sqlx::query("UPDATE decision SET approved_by = $1 WHERE id = $2")
        .bind(actor.user_id).bind(id).execute(c).await?.rows_affected());
    if d.outcome == "granted" || d.outcome == "partly" {
        if let Some(from) = d.period_from {
            no_overlap(&mut tx, d.person_id, d.right_id, from, d.period_to, None).await?;
        }
    }
    issue(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Approve, "decision", id)
            .person(d.person_id)
            .detail(serde_json::json!({"amount": d.amount, "decided_by": d.decided_by})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryForm {
    #[serde(deserialize_with = "lenient")]
    pub delivered_on: String,
    /// in_person, registered_mail, ebox, public_notice
    #[serde(deserialize_with = "lenient")]
    pub method: String,
}

pub async fn deliver(
    db: &Db,
    actor: &Actor,
    id: i64,
    f: &DeliveryForm,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let d = guard(&mut tx, actor, id).await?;
    if !d.status.issued() {
        return Err(AppError::Refused(Msg::new("rights-err-not-issued")));
    }
    let mut ck = Check::new();
    let on = ck.date("delivered_on", &f.delivered_on, true);
    let method = ck.choice("method", &f.method, &super::DELIVERY, true);
    if on.is_some_and(|o| o > today) {
        ck.err("delivered_on", "registry-err-date-future");
    }
    if on.is_some_and(|o| o < d.decided_on) {
        ck.err("delivered_on", "rights-err-before-decision");
    }
    ck.done()?;
    sql!(&mut tx, c => sqlx::query("UPDATE decision SET delivered_on = $1, delivery_method = $2 WHERE id = $3")
        .bind(on).bind(method).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Deliver, "decision", id)
            .person(d.person_id)
            .detail(serde_json::json!({"on": on.map(|d| d.to_string()), "method": method})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The document as issued; the download is audited. Decisions issued in bulk (the
/// provisional calculations, imported or generated ones) get their document made from
/// the frozen inputs when first printed, and kept from then on.
pub async fn document(db: &Db, actor: &Actor, id: i64) -> AppResult<(String, Vec<u8>)> {
    let mut tx = db.begin().await?;
    let d = guard(&mut tx, actor, id).await?;
    let pdf: Option<Vec<u8>> = sql!(&mut tx, c => sqlx::query_scalar("SELECT document FROM decision WHERE id = $1")
        .bind(id).fetch_one(c).await?);
    let pdf = match pdf {
        Some(p) => p,
        None if d.status.issued() => {
            let rt = catalogue::get(&mut tx, d.right_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let address = letterhead(&mut tx, id).await?;
            let pdf =
                document::decision_pdf(&d, &rt, address.as_deref()).map_err(AppError::Internal)?;
            let sha = skrb_kit::audit::chain::hex(&<sha2::Sha256 as sha2::Digest>::digest(&pdf));
            sql!(&mut tx, c => sqlx::query("UPDATE decision SET document = $1, document_sha256 = $2 WHERE id = $3")
                .bind(&pdf).bind(&sha).bind(id).execute(c).await?.rows_affected());
            pdf
        }
        None => return Err(AppError::NotFound),
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Download, "decision", id).person(d.person_id),
    )
    .await?;
    tx.commit().await?;
    let name = format!("{}.pdf", d.number.replace(['/', ' '], "-"));
    Ok((name, pdf))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ChangeForm {
    /// change (recalculate from the application's current input), suspend, resume, end
    #[serde(deserialize_with = "lenient")]
    pub action: String,
    /// The day the change takes effect.
    #[serde(deserialize_with = "lenient")]
    pub effective: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

async fn load_entitlement(tx: &mut Tx, id: i64) -> Result<Option<Entitlement>, sqlx::Error> {
    let q = format!("SELECT {ENT_COLS} FROM entitlement WHERE id = $1");
    sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await)
}

/// A change of circumstances, a suspension, a resumption or the end of an entitlement,
/// each by a decision with its effect date.
pub async fn change(
    db: &Db,
    actor: &Actor,
    ent_id: i64,
    f: &ChangeForm,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let e = load_entitlement(&mut tx, ent_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let centre: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT centre_id FROM entitlement WHERE id = $1").bind(ent_id).fetch_one(c).await?);
    skrb_kit::scope::same_centre(actor, centre)?;
    skrb_registry::access::check(&mut tx, actor, e.person_id).await?;
    if let Ok(v) = f.version.trim().parse::<i64>() {
        if v != e.version {
            return Err(AppError::Conflict {
                current_version: e.version,
            });
        }
    }
    let mut ck = Check::new();
    let action = ck.choice("action", &f.action, &EntitlementChange::codes(), true);
    let effective = ck.date("effective", &f.effective, true);
    let reason = ck.text("reason", &f.reason, true, 2000);
    if let Some(d) = effective {
        if d < e.valid_from || e.valid_to.is_some_and(|t| d > t) {
            ck.err("effective", "rights-err-effective-period");
        }
    }
    ck.done()?;
    let (Some(action), Some(effective), Some(reason)) = (action, effective, reason) else {
        return Err(AppError::BadRequest("change".into()));
    };
    let change = EntitlementChange::from_code(action)
        .ok_or_else(|| AppError::BadRequest("change".into()))?;
    e.status
        .after(change)
        .map_err(|_| AppError::Refused(Msg::new("rights-err-entitlement-state")))?;
    let rt = catalogue::get(&mut tx, e.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let origin = load(&mut tx, e.decision_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (centre_name_, jurisdiction) = centre_name(&mut tx, centre).await?;
    let l = centre_locale(&jurisdiction);
    let mut household: Household =
        serde_json::from_str(&sql!(&mut tx, c => sqlx::query_scalar::<_, String>(
        "SELECT input FROM entitlement WHERE id = $1").bind(ent_id).fetch_one(c).await?))
        .unwrap_or_default();
    let (kind, amount, calc, params) = match action {
        "change" => {
            // The officer updates the application's input first; the change decision is
            // calculated from it with the parameters valid on the effective day.
            if let Some(app) = origin.application_id {
                let a: Application = applications::guard(&mut tx, actor, app).await?;
                household = a.household();
            }
            let (c, p) = catalogue::run(&mut tx, &rt, &household, effective).await?;
            ("change", Some(c.amount), Some(c), p)
        }
        "suspend" => ("suspension", Some(e.amount), None, Params::default()),
        "resume" => ("change", Some(e.amount), None, Params::default()),
        _ => ("termination", None, None, Params::default()),
    };
    let frozen = Frozen {
        household: household.clone(),
        params,
        calculation: calc,
        person: person_snapshot(&mut tx, e.person_id).await?,
        right: FrozenRight {
            code: rt.code.clone(),
            name: rt.name_in(l),
            legal_basis: rt.legal_basis.clone(),
        },
        centre: centre_name_,
        locale: l.code().to_string(),
    };
    let inputs = serde_json::to_string(&frozen).map_err(|e| AppError::Internal(e.into()))?;
    let signatory = super::user_name(&mut tx, actor.user_id).await?;
    let reasoning = format!(
        "{}\n\n{reason}",
        skrb_kit::i18n::t(l, &format!("rights-reasoning-{}", action))
    );
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO decision (centre_id, application_id, entitlement_id, person_id, right_id, kind, outcome, amount, currency, \
         period_from, period_to, reasoning, inputs, status, number, decided_on, decided_by, signatory, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'granted', $7, $8, $9, $10, $11, $12, 'issued', $13, $14, $15, $16, $17) RETURNING id")
        .bind(centre).bind(origin.application_id).bind(ent_id).bind(e.person_id).bind(e.right_id).bind(kind).bind(amount)
        .bind(&e.currency).bind(effective).bind(e.valid_to).bind(&reasoning).bind(&inputs).bind(&origin.number).bind(today)
        .bind(actor.user_id).bind(&signatory).bind(actor.now).fetch_one(c).await?);
    let day_before = effective - Duration::days(1);
    match action {
        "change" => {
            let amount = amount.unwrap_or(0);
            sql!(&mut tx, c => sqlx::query(
                "UPDATE entitlement SET status = 'ended', valid_to = $1, end_reason = 'changed', version = version + 1 WHERE id = $2")
                .bind(day_before).bind(ent_id).execute(c).await?.rows_affected());
            let input =
                serde_json::to_string(&household).map_err(|e| AppError::Internal(e.into()))?;
            if effective > e.valid_to.unwrap_or(effective) || amount > 0 {
                sql!(&mut tx, c => sqlx::query(
                    "INSERT INTO entitlement (centre_id, decision_id, person_id, right_id, amount, currency, valid_from, valid_to, status, funding, input) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10)")
                    .bind(centre).bind(id).bind(e.person_id).bind(e.right_id).bind(amount).bind(&e.currency).bind(effective)
                    .bind(e.valid_to).bind(funding_text(amount, &rt)).bind(&input).execute(c).await?.rows_affected());
            }
        }
        "suspend" => {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE entitlement SET status = 'suspended', suspended_from = $1, version = version + 1 WHERE id = $2")
                .bind(effective).bind(ent_id).execute(c).await?.rows_affected());
        }
        "resume" => {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE entitlement SET status = 'active', suspended_from = NULL, version = version + 1 WHERE id = $1")
                .bind(ent_id).execute(c).await?.rows_affected());
        }
        _ => {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE entitlement SET status = 'ended', valid_to = $1, end_reason = $2, version = version + 1 WHERE id = $3")
                .bind(day_before.max(e.valid_from)).bind(&reason).bind(ent_id).execute(c).await?.rows_affected());
        }
    }
    issue(&mut tx, id).await?;
    let audited = match change {
        EntitlementChange::Change => Action::Change,
        EntitlementChange::Suspend => Action::Suspend,
        EntitlementChange::Resume => Action::Resume,
        EntitlementChange::End => Action::End,
    };
    audit::record(&mut tx, actor, Event::new(audited, "entitlement", ent_id).person(e.person_id).detail(serde_json::json!({
        "decision": id, "effective": effective.to_string(), "amount": amount, "was": e.amount
    })).reason(Some(&reason))).await?;
    tx.commit().await?;
    Ok(id)
}

/// The decision's amount of money, shown in the reader's format.
pub fn shown(l: Locale, amount: Option<Minor>, currency: &str) -> String {
    amount
        .map(|a| skrb_kit::i18n::fmt_money(l, a, currency))
        .unwrap_or_default()
}

/// How many decisions of the actor's centre wait for a second person's approval (the
/// start page; no names, so no audit record).
pub async fn awaiting_count(db: &Db, actor: &Actor) -> AppResult<i64> {
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let cond = if centre.is_some() {
        "centre_id = $1"
    } else {
        "$1 IS NULL"
    };
    let q = format!("SELECT COUNT(*) FROM decision WHERE {cond} AND status = 'awaiting_approval'");
    let n: i64 = sql!(&mut tx, c => sqlx::query_scalar(&q).bind(centre).fetch_one(c).await?);
    tx.commit().await?;
    Ok(n)
}
