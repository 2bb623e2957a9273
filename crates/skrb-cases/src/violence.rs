//! Domestic violence: every report reaches the centre, which opens a restricted file,
//! convenes a multidisciplinary team (a task due within the catalogue's deadline),
//! records its meetings (the contact log), a safety plan (a plan of kind "safety") and
//! the protective measures ordered.

use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::Date;

use super::access;
use super::files::{self, CaseForm};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ViolenceReport)]
pub struct Report {
    pub id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub reported_on: Date,
    pub reported_by: String,
    pub description: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MdtMember)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub organisation: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Measure {
    pub id: i64,
    pub kind: String,
    pub ordered_by: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub valid_to: Option<Date>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Violence {
    pub reports: Vec<Report>,
    pub team: Vec<Member>,
    pub measures: Vec<Measure>,
}

pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Option<Violence>, sqlx::Error> {
    let reports = sql!(tx, c => sqlx::query_as::<_, Report>(
        "SELECT id, reported_on, reported_by, description FROM violence_report WHERE case_id = $1 ORDER BY reported_on, id")
        .bind(case_id).fetch_all(c).await?);
    if reports.is_empty() {
        return Ok(None);
    }
    let team = sql!(tx, c => sqlx::query_as::<_, Member>(
        "SELECT id, name, organisation, role FROM mdt_member WHERE case_id = $1 ORDER BY id").bind(case_id).fetch_all(c).await?);
    let measures = sql!(tx, c => sqlx::query_as::<_, Measure>(
        "SELECT id, kind, ordered_by, valid_from, valid_to, note FROM protective_measure WHERE case_id = $1 ORDER BY valid_from, id")
        .bind(case_id).fetch_all(c).await?);
    Ok(Some(Violence {
        reports,
        team,
        measures,
    }))
}

/// A report of domestic violence about a person.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReportForm {
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub person_id: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub reported_on: String,
    /// Who reported: police, school, health, the victim, a neighbour...
    #[serde(deserialize_with = "lenient")]
    pub reported_by: String,
    #[serde(deserialize_with = "lenient")]
    pub description: String,
    /// The case type; the jurisdiction's domestic-violence type when empty.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub type_id: String,
    /// The person's open file to add the report to, instead of opening a new one.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub case_id: String,
}

/// Records a report: on the given file, or on a new restricted file. Returns the file.
pub async fn report(
    db: &Db,
    actor: &Actor,
    f: &ReportForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let on = ck
        .date("reported_on", &f.reported_on, false)
        .unwrap_or(today);
    let by = ck.text("reported_by", &f.reported_by, true, 200);
    let description = ck.text("description", &f.description, true, 10_000);
    let type_id = ck.id("type_id", &f.type_id, false);
    let case_id = ck.id("case_id", &f.case_id, false);
    if on > today {
        ck.err("reported_on", "registry-err-date-future");
    }
    ck.done()?;
    let Some(person) = person else {
        return Err(skrb_kit::form::field_error("person_id", "err-required"));
    };
    let mut tx = db.begin().await?;
    let case_id = match case_id {
        Some(id) => {
            let g = access::check_write(&mut tx, actor, id, manages).await?;
            if g.person_id != PersonId(person) || !g.status.takes_work() {
                return Err(skrb_kit::form::field_error(
                    "case_id",
                    "cases-err-case-for-report",
                ));
            }
            // A report on an existing file restricts it from now on.
            sql!(&mut tx, c => sqlx::query("UPDATE case_file SET restricted = TRUE, version = version + 1 WHERE id = $1")
                .bind(id).execute(c).await?.rows_affected());
            id
        }
        None => {
            let centre: Option<i64> =
                sql!(&mut tx, c => sqlx::query_scalar("SELECT centre_id FROM person WHERE id = $1")
                .bind(person).fetch_optional(c).await?)
                .flatten();
            let j = skrb_kit::centre::jurisdiction_of(
                &mut tx,
                centre.or(actor.scope.and_then(|s| s.centre_id)),
            )
            .await?;
            let ty = match type_id {
                Some(t) => Some(t),
                None => sql!(&mut tx, c => sqlx::query_scalar(
                    "SELECT MIN(id) FROM case_type WHERE jurisdiction = $1 AND opens_restricted = TRUE AND active = TRUE \
                     AND code IN ('domestic_violence', 'adult_victim')").bind(&j).fetch_one(c).await?),
            };
            let form = CaseForm {
                person_id: person.to_string(),
                type_id: ty.map(|t| t.to_string()).unwrap_or_default(),
                problems: "domestic_violence".into(),
                restricted: "true".into(),
                opened_on: skrb_kit::dates::iso_date(on),
                ..CaseForm::default()
            };
            files::open_in(&mut tx, actor, &form, today).await?
        }
    };
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO violence_report (case_id, reported_on, reported_by, description, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(case_id).bind(on).bind(&by).bind(&description).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "violence_report", id)
            .person(person)
            .detail(serde_json::json!({ "case_id": case_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(case_id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = MdtMemberForm)]
pub struct MemberForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub organisation: String,
    #[serde(deserialize_with = "lenient")]
    pub role: String,
}

pub const MEASURES: [&str; 6] = [
    "restraining_order",
    "eviction",
    "shelter",
    "removal_of_child",
    "supervision",
    "other",
];

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureForm {
    /// restraining_order, eviction, shelter, removal_of_child, supervision, other
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub ordered_by: String,
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
    #[serde(deserialize_with = "lenient")]
    pub valid_to: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

async fn violence_case(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    manages: bool,
) -> AppResult<access::Guard> {
    let g = access::check_write(tx, actor, case_id, manages).await?;
    let n: i64 = sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM violence_report WHERE case_id = $1")
        .bind(case_id).fetch_one(c).await?);
    if n == 0 {
        return Err(AppError::Refused(Msg::new("cases-no-violence")));
    }
    Ok(g)
}

pub async fn add_member(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    f: &MemberForm,
    manages: bool,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let g = violence_case(&mut tx, actor, case_id, manages).await?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let org = ck.text("organisation", &f.organisation, false, 200);
    let role = ck.text("role", &f.role, false, 200);
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO mdt_member (case_id, name, organisation, role) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(case_id).bind(&name).bind(&org).bind(&role).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "mdt_member", id).person(g.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn add_measure(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    f: &MeasureForm,
    manages: bool,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let g = violence_case(&mut tx, actor, case_id, manages).await?;
    let mut ck = Check::new();
    let kind = ck.choice("kind", &f.kind, &MEASURES, true);
    let by = ck.text("ordered_by", &f.ordered_by, false, 200);
    let from = ck.date("valid_from", &f.valid_from, true);
    let to = ck.date("valid_to", &f.valid_to, false);
    let note = ck.text("note", &f.note, false, 2000);
    ck.order("valid_to", from, to);
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO protective_measure (case_id, kind, ordered_by, valid_from, valid_to, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(case_id).bind(kind).bind(&by).bind(from).bind(to).bind(&note).bind(actor.now)
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "protective_measure", id).person(g.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
