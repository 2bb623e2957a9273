//! The catalogue of rights and its dated parameters, as data: the rights of the state or
//! entity ship with Skrb (migration 0005), a municipality's extended rights and new
//! parameter values are added by an administrator, and take effect on their date.

use skrb_domain::rights::{calculate, CalcError, Calculation, Household};
use skrb_domain::rights::{Calculator, Params};
use skrb_kit::audit::Action;
use time::Date;

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::i18n::Locale;
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct RightType {
    pub id: i64,
    pub jurisdiction: String,
    pub municipality_id: Option<i64>,
    pub code: String,
    pub class_code: String,
    pub name_sl: String,
    pub name_sr: String,
    pub name_en: String,
    pub legal_basis: String,
    /// any, adult, child
    pub claimant: String,
    /// short (1 month) or investigative (2 months)
    pub procedure: String,
    pub deadline_months: i64,
    pub calculator: String,
    pub periodic: bool,
    pub max_months: Option<i64>,
    pub renews: bool,
    pub commission: bool,
    pub funding: String,
    pub currency: String,
    pub active: bool,
    /// Paid out (FALSE: an exemption, whose amount is what the person still pays).
    pub pays: bool,
}

impl RightType {
    pub fn name_in(&self, l: impl std::borrow::Borrow<Locale>) -> String {
        skrb_kit::i18n::name_in(*l.borrow(), &self.name_sl, &self.name_sr, &self.name_en)
    }

    pub fn calc(&self) -> Calculator {
        Calculator::from_code(&self.calculator).unwrap_or(Calculator::None)
    }

    /// The funders and their shares in ten-thousandths.
    pub fn shares(&self) -> Vec<(String, i64)> {
        parse_funding(&self.funding)
    }
}

pub use skrb_domain::rights::calc::parse_funding;

const COLS: &str = "id, jurisdiction, municipality_id, code, class_code, name_sl, name_sr, name_en, legal_basis, \
    claimant, procedure, deadline_months, calculator, periodic, max_months, renews, commission, funding, currency, active, pays";

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<RightType>, sqlx::Error> {
    let q = format!("SELECT {COLS} FROM right_type WHERE id = $1");
    sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await)
}

/// Every right, active or not (a payment run names them all).
pub async fn all_in(tx: &mut Tx) -> Result<Vec<RightType>, sqlx::Error> {
    let q = format!("SELECT {COLS} FROM right_type ORDER BY id");
    sql!(tx, c => sqlx::query_as(&q).fetch_all(c).await)
}

pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<RightType>, sqlx::Error> {
    let q = format!("SELECT {COLS} FROM right_type WHERE code = $1");
    sql!(tx, c => sqlx::query_as(&q).bind(code).fetch_optional(c).await)
}

/// Rights of a jurisdiction (all when `None`), statutory first, then extended ones.
pub async fn list(db: &Db, jurisdiction: Option<&str>) -> AppResult<Vec<RightType>> {
    let mut tx = db.begin_read().await?;
    let q = format!(
        "SELECT {COLS} FROM right_type WHERE ($1 IS NULL OR jurisdiction = $1) \
         ORDER BY jurisdiction, municipality_id IS NOT NULL, id"
    );
    let j = jurisdiction.map(str::to_string);
    let rows = sql!(&mut tx, c => sqlx::query_as(&q).bind(j).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

/// The rights a person of `jurisdiction` living in `municipality` may apply for.
pub async fn open_to(
    tx: &mut Tx,
    jurisdiction: &str,
    municipality: Option<i64>,
) -> Result<Vec<RightType>, sqlx::Error> {
    let q = format!(
        "SELECT {COLS} FROM right_type WHERE jurisdiction = $1 AND active \
         AND (municipality_id IS NULL OR municipality_id = $2) ORDER BY municipality_id IS NOT NULL, id"
    );
    sql!(tx, c => sqlx::query_as(&q).bind(jurisdiction).bind(municipality).fetch_all(c).await)
}

/// The parameters of a jurisdiction valid on `day`: for each code, the row with the
/// latest `valid_from` on or before it.
pub async fn params_at(tx: &mut Tx, jurisdiction: &str, day: Date) -> Result<Params, sqlx::Error> {
    let rows: Vec<(String, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT p.code, p.value FROM right_param p WHERE p.jurisdiction = $1 AND p.valid_from = \
         (SELECT MAX(q.valid_from) FROM right_param q WHERE q.jurisdiction = p.jurisdiction AND q.code = p.code AND q.valid_from <= $2)")
        .bind(jurisdiction).bind(day).fetch_all(c).await?);
    let mut p = Params::default();
    for (k, v) in rows {
        p.set(&k, v);
    }
    Ok(p)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Param {
    pub id: i64,
    pub jurisdiction: String,
    pub code: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
    /// Minor units for amounts, ten-thousandths for weights and shares.
    pub value: i64,
    pub note: Option<String>,
}

pub async fn params(db: &Db, jurisdiction: Option<&str>) -> AppResult<Vec<Param>> {
    let mut tx = db.begin_read().await?;
    let j = jurisdiction.map(str::to_string);
    let rows = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, jurisdiction, code, valid_from, value, note FROM right_param \
         WHERE ($1 IS NULL OR jurisdiction = $1) ORDER BY jurisdiction, code, valid_from")
        .bind(j).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

/// A new value of a parameter from a date. Past values stay: decisions made under them
/// keep them.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ParamForm {
    #[serde(deserialize_with = "lenient")]
    pub jurisdiction: String,
    #[serde(deserialize_with = "lenient")]
    pub code: String,
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
    /// Minor units (an amount of 507.43 EUR is 50743) or ten-thousandths (0.57 is 5700).
    #[serde(deserialize_with = "lenient")]
    pub value: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

pub async fn add_param(db: &Db, actor: &Actor, f: &ParamForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let j = ck.choice("jurisdiction", &f.jurisdiction, &["SI", "RS"], true);
    let code = ck.text("code", &f.code, true, 80);
    if code.as_deref().is_some_and(|c| {
        !c.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "._".contains(ch))
    }) {
        ck.err("code", "rights-err-param-code");
    }
    let from = ck.date("valid_from", &f.valid_from, true);
    let value = match f.value.trim().parse::<i64>() {
        Ok(v) if v >= 0 => Some(v),
        _ => {
            ck.err("value", "err-number");
            None
        }
    };
    let note = ck.text("note", &f.note, false, 300);
    ck.done()?;
    let (Some(j), Some(code), Some(from), Some(value)) = (j, code, from, value) else {
        return Err(AppError::BadRequest("param".into()));
    };
    let mut tx = db.begin().await?;
    let exists: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM right_param WHERE jurisdiction = $1 AND code = $2 AND valid_from = $3")
        .bind(j).bind(&code).bind(from).fetch_one(c).await?);
    if exists > 0 {
        return Err(skrb_kit::form::field_error(
            "valid_from",
            "rights-err-param-exists",
        ));
    }
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO right_param (jurisdiction, code, valid_from, value, note, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(j).bind(&code).bind(from).bind(value).bind(&note).bind(actor.user_id).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "right_param", id).detail(serde_json::json!({
            "jurisdiction": j, "code": code, "valid_from": from.to_string(), "value": value
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A municipality's extended right (a city decision): a fixed monthly amount or one
/// decided without an amount.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RightForm {
    #[serde(deserialize_with = "lenient")]
    pub municipality_id: String,
    /// Lower-case letters, digits and `_`.
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
    /// any, adult, child
    #[serde(deserialize_with = "lenient")]
    pub claimant: String,
    /// short, investigative
    #[serde(deserialize_with = "lenient")]
    pub procedure: String,
    /// fixed (a monthly amount) or none
    #[serde(deserialize_with = "lenient")]
    pub calculator: String,
    /// The monthly amount, for `fixed` (e.g. 60.00).
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
    #[serde(deserialize_with = "lenient")]
    pub periodic: String,
    #[serde(deserialize_with = "lenient")]
    pub commission: String,
}

pub const CLAIMANTS: [&str; 3] = ["any", "adult", "child"];
pub const PROCEDURES: [&str; 2] = ["short", "investigative"];

pub async fn add_right(db: &Db, actor: &Actor, f: &RightForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let muni = ck.id("municipality_id", &f.municipality_id, true);
    let code = ck.text("code", &f.code, true, 60);
    if code.as_deref().is_some_and(|c| {
        !c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
    }) {
        ck.err("code", "rights-err-param-code");
    }
    let sl = ck.text("name_sl", &f.name_sl, true, 200);
    let sr = ck.text("name_sr", &f.name_sr, true, 200);
    let en = ck.text("name_en", &f.name_en, true, 200);
    let basis = ck.text("legal_basis", &f.legal_basis, true, 300);
    let claimant = ck
        .choice("claimant", &f.claimant, &CLAIMANTS, false)
        .unwrap_or("any");
    let procedure = ck
        .choice("procedure", &f.procedure, &PROCEDURES, false)
        .unwrap_or("short");
    let calc = ck.choice("calculator", &f.calculator, &["fixed", "none"], true);
    let amount = if calc == Some("fixed") {
        match skrb_domain::rights::money::parse(&f.amount) {
            Some(a) if a > 0 => Some(a),
            _ => {
                ck.err("amount", "rights-err-amount");
                None
            }
        }
    } else {
        None
    };
    let from = ck.date("valid_from", &f.valid_from, calc == Some("fixed"));
    ck.done()?;
    let (Some(muni), Some(code), Some(calc)) = (muni, code, calc) else {
        return Err(AppError::BadRequest("right".into()));
    };
    let mut tx = db.begin().await?;
    let centre: Option<(i64, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT c.id, c.jurisdiction, c.currency FROM municipality m JOIN centre c ON c.id = m.centre_id WHERE m.id = $1")
        .bind(muni).fetch_optional(c).await?);
    let Some((centre, jurisdiction, currency)) = centre else {
        return Err(skrb_kit::form::field_error(
            "municipality_id",
            "registry-err-municipality",
        ));
    };
    skrb_kit::scope::same_centre(actor, centre)?;
    if by_code(&mut tx, &code).await?.is_some() {
        return Err(skrb_kit::form::field_error(
            "code",
            "rights-err-right-exists",
        ));
    }
    // An extended right is the municipality's: its own class in the register (560) and
    // paid wholly by the municipality.
    let deadline = if procedure == "short" { 1 } else { 2 };
    let periodic = f.periodic.is_empty() || skrb_kit::form::truthy(&f.periodic);
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO right_type (jurisdiction, municipality_id, code, class_code, name_sl, name_sr, name_en, legal_basis, \
         claimant, procedure, deadline_months, calculator, periodic, max_months, renews, commission, funding, currency, active) \
         VALUES ($1, $2, $3, '560', $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, FALSE, $13, 'municipality:10000', $14, TRUE) RETURNING id")
        .bind(&jurisdiction).bind(muni).bind(&code).bind(&sl).bind(&sr).bind(&en).bind(&basis).bind(claimant)
        .bind(procedure).bind(deadline).bind(calc).bind(periodic).bind(skrb_kit::form::truthy(&f.commission))
        .bind(&currency).fetch_one(c).await?);
    if let (Some(a), Some(from)) = (amount, from) {
        let pcode = format!("{code}.amount");
        sql!(&mut tx, c => sqlx::query(
            "INSERT INTO right_param (jurisdiction, code, valid_from, value, note, created_by) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&jurisdiction).bind(&pcode).bind(from).bind(a).bind(&en).bind(actor.user_id).execute(c).await?.rows_affected());
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "right_type", id).detail(serde_json::json!({
            "code": code, "municipality_id": muni, "calculator": calc, "amount": amount
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A calculation error as a field error the user can read.
pub fn calc_error(e: CalcError) -> AppError {
    match e {
        CalcError::MissingParam(p) => AppError::Validation(vec![skrb_kit::error::FieldError {
            field: "month",
            msg: skrb_kit::error::Msg::new("rights-err-param-missing").arg("code", p),
        }]),
        CalcError::Input(field) => skrb_kit::form::field_error(field, "rights-err-calc-input"),
    }
}

/// Runs the right's calculator on `h` with the parameters valid on `day`.
pub async fn run(
    tx: &mut Tx,
    rt: &RightType,
    h: &Household,
    day: Date,
) -> AppResult<(Calculation, skrb_domain::rights::Params)> {
    let params = params_at(tx, &rt.jurisdiction, day).await?;
    let c = calculate(rt.calc(), &rt.code, &params, h).map_err(calc_error)?;
    let used = params.only(&c.used);
    Ok((c, used))
}

/// The rights offered to an applicant in the reader's centre: the centre's
/// jurisdiction's, and the municipal ones of where the person lives.
pub async fn offered(
    db: &Db,
    centre: Option<i64>,
    municipality: Option<i64>,
) -> Result<Vec<RightType>, sqlx::Error> {
    let mut tx = db.begin_read().await?;
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, centre).await?;
    let rights = open_to(&mut tx, &j, municipality).await?;
    tx.commit().await?;
    Ok(rights)
}
