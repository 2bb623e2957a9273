//! The catalogue of case types: Slovenia's task catalogue (five areas) and Republika
//! Srpska's legal user categories, as rows. An administrator adds a type or retires one
//! without a code change; files keep the type they were opened with.

use skrb_kit::audit::Action;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::form::Check;
use skrb_kit::i18n::Locale;
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct CaseType {
    pub id: i64,
    pub jurisdiction: String,
    pub code: String,
    pub area: String,
    pub class_code: String,
    pub name_sl: String,
    pub name_sr: String,
    pub name_en: String,
    pub legal_basis: Option<String>,
    /// Hours of work a file of this type takes in a year (the time norm).
    pub norm_hours: i64,
    /// Days from opening within which the first step is due (a task is generated).
    pub deadline_days: Option<i64>,
    pub deadline_task: Option<String>,
    pub opens_restricted: bool,
    pub active: bool,
}

impl CaseType {
    pub fn name(&self, l: impl std::borrow::Borrow<Locale>) -> String {
        let l = *l.borrow();
        skrb_kit::i18n::name_in(l, &self.name_sl, &self.name_sr, &self.name_en)
    }
}

const SELECT: &str =
    "SELECT id, jurisdiction, code, area, class_code, name_sl, name_sr, name_en, legal_basis, \
    norm_hours, deadline_days, deadline_task, opens_restricted, active FROM case_type";

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<CaseType>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, CaseType>(&format!("{SELECT} WHERE id = $1"))
        .bind(id).fetch_optional(c).await)
}

/// The active types of a jurisdiction, in the caller's transaction.
pub async fn active_in(tx: &mut Tx, jurisdiction: &str) -> Result<Vec<CaseType>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, CaseType>(&format!(
        "{SELECT} WHERE jurisdiction = $1 AND active = TRUE ORDER BY class_code, id"))
        .bind(jurisdiction).fetch_all(c).await)
}

/// The types of a jurisdiction (all of them when `None`), active first, by class.
pub async fn list(db: &Db, jurisdiction: Option<&str>) -> AppResult<Vec<CaseType>> {
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, CaseType>(&format!(
        "{SELECT} WHERE ($1 IS NULL OR jurisdiction = $1) ORDER BY active DESC, jurisdiction, class_code, id"))
        .bind(jurisdiction).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

/// A new case type, as an administrator enters it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TypeForm {
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub jurisdiction: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub code: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub area: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub class_code: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub name_sl: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub name_sr: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub name_en: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    pub legal_basis: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    #[schema(value_type = i64)]
    pub norm_hours: String,
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    #[schema(value_type = Option<i64>)]
    pub deadline_days: String,
}

pub const AREAS: [&str; 7] = [
    "child_family",
    "adult",
    "material",
    "services",
    "coordination",
    "children",
    "adults",
];

pub async fn add(db: &Db, actor: &Actor, f: &TypeForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let jurisdiction = ck.choice("jurisdiction", &f.jurisdiction, &["SI", "RS"], true);
    let code = ck.text("code", &f.code, true, 40);
    let area = ck.choice("area", &f.area, &AREAS, true);
    let class_code = ck.text("class_code", &f.class_code, true, 20);
    let name_sl = ck.text("name_sl", &f.name_sl, true, 200);
    let name_sr = ck.text("name_sr", &f.name_sr, true, 200);
    let name_en = ck.text("name_en", &f.name_en, true, 200);
    let legal_basis = ck.text("legal_basis", &f.legal_basis, false, 200);
    let norm = match f.norm_hours.trim() {
        "" => Some(10),
        v => v.parse::<i64>().ok().filter(|n| (0..=2000).contains(n)),
    };
    if norm.is_none() {
        ck.err("norm_hours", "err-number");
    }
    let deadline = match f.deadline_days.trim() {
        "" => Some(None),
        v => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=366).contains(n))
            .map(Some),
    };
    if deadline.is_none() {
        ck.err("deadline_days", "err-number");
    }
    let mut tx = db.begin().await?;
    if let (Some(j), Some(code)) = (jurisdiction, &code) {
        let taken: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM case_type WHERE jurisdiction = $1 AND code = $2")
            .bind(j).bind(code).fetch_one(c).await?);
        if taken > 0 {
            ck.err("code", "cases-err-code-taken");
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO case_type (jurisdiction, code, area, class_code, name_sl, name_sr, name_en, legal_basis, \
         norm_hours, deadline_days, deadline_task, opens_restricted, active) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, FALSE, TRUE) RETURNING id")
        .bind(jurisdiction).bind(&code).bind(area).bind(&class_code).bind(&name_sl).bind(&name_sr)
        .bind(&name_en).bind(&legal_basis).bind(norm).bind(deadline.flatten())
        .bind(deadline.flatten().map(|_| "first_step"))
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "case_type", id)
            .detail(serde_json::json!({ "code": code, "jurisdiction": jurisdiction })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Retires a type (no new files) or brings it back.
pub async fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let n = sql!(&mut tx, c => sqlx::query("UPDATE case_type SET active = $1 WHERE id = $2")
        .bind(active).bind(id).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(skrb_kit::error::AppError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "case_type", id).detail(serde_json::json!({ "active": active })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
