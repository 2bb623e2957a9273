//! The catalogue of services as data: per jurisdiction and dated, each with how it is
//! given (agreement or decision), its time norms and whether statistics count it. Skrb
//! ships the statutory services (migration 0012); an administrator adds more.

use skrb_domain::services::{GivenBy, ServiceForm};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::i18n::Locale;
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ServiceType {
    pub id: i64,
    /// SI or RS
    pub jurisdiction: String,
    pub code: String,
    pub name_sl: String,
    pub name_sr: String,
    pub name_en: String,
    pub legal_basis: String,
    /// agreement or decision
    pub given_by: String,
    /// session (counted on a file) or home_help (roster, visits, invoices)
    pub form: String,
    /// Time norm: minutes a week per user.
    pub norm_minutes_week: Option<i64>,
    /// Time norm: users per worker.
    pub norm_users_per_worker: Option<i64>,
    pub counted: bool,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub valid_to: Option<Date>,
}

impl ServiceType {
    pub fn name_in(&self, l: Locale) -> String {
        skrb_kit::i18n::name_in(l, &self.name_sl, &self.name_sr, &self.name_en)
    }

    pub fn is_home_help(&self) -> bool {
        self.form == ServiceForm::HomeHelp.code()
    }
}

const COLS: &str =
    "id, jurisdiction, code, name_sl, name_sr, name_en, legal_basis, given_by, form, \
    norm_minutes_week, norm_users_per_worker, counted, valid_from, valid_to";

/// The services of a jurisdiction valid on a day (all of them when `on` is None).
pub async fn list(
    tx: &mut Tx,
    jurisdiction: Option<&str>,
    on: Option<Date>,
) -> AppResult<Vec<ServiceType>> {
    let q = format!(
        "SELECT {COLS} FROM service_type WHERE ($1 IS NULL OR jurisdiction = $1) \
         AND ($2 IS NULL OR (valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2))) ORDER BY jurisdiction, id"
    );
    Ok(
        sql!(tx, c => sqlx::query_as::<_, ServiceType>(&q).bind(jurisdiction).bind(on).fetch_all(c).await?),
    )
}

pub async fn get(tx: &mut Tx, id: i64) -> AppResult<ServiceType> {
    let q = format!("SELECT {COLS} FROM service_type WHERE id = $1");
    let s: Option<ServiceType> =
        sql!(tx, c => sqlx::query_as::<_, ServiceType>(&q).bind(id).fetch_optional(c).await?);
    s.ok_or(AppError::NotFound)
}

/// The home-help service of a jurisdiction valid on a day.
pub async fn home_help(tx: &mut Tx, jurisdiction: &str, on: Date) -> AppResult<ServiceType> {
    list(tx, Some(jurisdiction), Some(on))
        .await?
        .into_iter()
        .find(ServiceType::is_home_help)
        .ok_or(AppError::NotFound)
}

/// The catalogue for the actor's centre's jurisdiction.
pub async fn for_actor(db: &Db, actor: &Actor) -> AppResult<Vec<ServiceType>> {
    let mut tx = db.begin_read().await?;
    let j =
        skrb_kit::centre::jurisdiction_of(&mut tx, actor.scope.and_then(|s| s.centre_id)).await?;
    let out = list(&mut tx, Some(&j), None).await?;
    tx.commit().await?;
    Ok(out)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewService {
    /// Lower-case letters, digits and `_`, unique.
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    #[serde(deserialize_with = "lenient")]
    pub name_sl: String,
    #[serde(deserialize_with = "lenient")]
    pub name_sr: String,
    #[serde(deserialize_with = "lenient")]
    pub name_en: String,
    #[serde(deserialize_with = "lenient")]
    pub legal_basis: String,
    /// agreement or decision
    #[serde(deserialize_with = "lenient")]
    pub given_by: String,
    /// session or home_help
    #[serde(deserialize_with = "lenient")]
    pub form: String,
    #[serde(deserialize_with = "lenient")]
    pub norm_minutes_week: String,
    #[serde(deserialize_with = "lenient")]
    pub norm_users_per_worker: String,
    /// YYYY-MM-DD
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
    #[serde(deserialize_with = "lenient")]
    pub valid_to: String,
}

/// A whole number in a range, or an error on the field.
pub(crate) fn number(
    ck: &mut Check,
    field: &'static str,
    v: &str,
    required: bool,
    max: i64,
) -> Option<i64> {
    ck.number(field, v, required, max)
}

/// Adds a service to the catalogue of the administrator's jurisdiction.
pub async fn create(db: &Db, actor: &Actor, f: &NewService) -> AppResult<i64> {
    let mut ck = Check::new();
    let code = ck.text("code", &f.code, true, 40);
    if code.as_deref().is_some_and(|c| {
        !c.chars()
            .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '_')
    }) {
        ck.err("code", "services-err-code");
    }
    let sl = ck.text("name_sl", &f.name_sl, true, 200);
    let sr = ck.text("name_sr", &f.name_sr, true, 200);
    let en = ck.text("name_en", &f.name_en, true, 200);
    let basis = ck.text("legal_basis", &f.legal_basis, true, 200);
    let given = ck.choice("given_by", &f.given_by, &GivenBy::codes(), true);
    let form = ck.choice("form", &f.form, &ServiceForm::codes(), true);
    let norm_min = number(
        &mut ck,
        "norm_minutes_week",
        &f.norm_minutes_week,
        false,
        2400,
    );
    let norm_users = number(
        &mut ck,
        "norm_users_per_worker",
        &f.norm_users_per_worker,
        false,
        1000,
    );
    let from = ck.date("valid_from", &f.valid_from, true);
    let to = ck.date("valid_to", &f.valid_to, false);
    ck.order("valid_to", from, to);
    let mut tx = db.begin().await?;
    let j =
        skrb_kit::centre::jurisdiction_of(&mut tx, actor.scope.and_then(|s| s.centre_id)).await?;
    if let Some(c) = &code {
        let n: i64 = sql!(&mut tx, x => sqlx::query_scalar("SELECT COUNT(*) FROM service_type WHERE code = $1").bind(c).fetch_one(x).await?);
        if n > 0 {
            ck.err("code", "services-err-code-exists");
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO service_type (jurisdiction, code, name_sl, name_sr, name_en, legal_basis, given_by, form, \
         norm_minutes_week, norm_users_per_worker, counted, valid_from, valid_to) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12) RETURNING id")
        .bind(&j).bind(&code).bind(&sl).bind(&sr).bind(&en).bind(&basis).bind(given).bind(form)
        .bind(norm_min).bind(norm_users).bind(from).bind(to).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "service_type", id).detail(serde_json::json!({ "code": code })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
