//! `/api/v1/services`: home help for other systems and for the carers' app: agreements
//! and their steps, the regular week, the week board, a carer's visits and recording
//! them (idempotent), billing, invoices and their PDF, carers, price lists, the
//! catalogue; and counted sessions on a person's file.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

use crate::agreements::{self, Agreed, Agreement, AgreementForm, StepForm};
use crate::billing::{self, Billed, Invoice, Statement};
use crate::carers::{self, Carer, CarerForm};
use crate::catalogue::{self, NewService, ServiceType};
use crate::prices::{self, Price, PriceForm};
use crate::roster::{self, Board, PatternForm};
use crate::sessions::{self, SessionForm};
use crate::visits::{self, DoorVisit, RecordForm, Recorded};
use skrb_domain::services::AgreementStatus;
use skrb_kit::error::AppResult;
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::{created, ApiJson, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get(
            "/api/v1/services/agreements",
            Perm(HomeHelpRead),
            agreements_list,
        )
        .post(
            "/api/v1/services/agreements",
            Perm(HomeHelpManage),
            agreement_create,
        )
        .get(
            "/api/v1/services/agreements/{id}",
            Perm(HomeHelpRead),
            agreement_get,
        )
        .post(
            "/api/v1/services/agreements/{id}/step",
            Perm(HomeHelpManage),
            agreement_step,
        )
        .post(
            "/api/v1/services/agreements/{id}/patterns",
            Perm(HomeHelpManage),
            pattern_add,
        )
        .get("/api/v1/services/board", Perm(HomeHelpRead), board)
        .get("/api/v1/services/visits", Perm(HomeHelpVisit), my_visits)
        .post(
            "/api/v1/services/visits/{id}",
            Perm(HomeHelpVisit),
            visit_record,
        )
        .post("/api/v1/services/billing", Perm(HomeHelpBill), bill)
        .get("/api/v1/services/invoices", Perm(HomeHelpRead), invoices)
        .get(
            "/api/v1/services/invoices/{id}/pdf",
            Perm(HomeHelpRead),
            invoice_pdf,
        )
        .post(
            "/api/v1/services/invoices/{id}/credit",
            Perm(HomeHelpBill),
            invoice_credit,
        )
        .get(
            "/api/v1/services/statements",
            Perm(HomeHelpRead),
            statements,
        )
        .get("/api/v1/services/carers", Perm(HomeHelpRead), carers_list)
        .post(
            "/api/v1/services/carers",
            Perm(HomeHelpManage),
            carer_create,
        )
        .get("/api/v1/services/prices", Perm(HomeHelpRead), prices_list)
        .post(
            "/api/v1/services/prices",
            Perm(HomeHelpManage),
            price_create,
        )
        .get("/api/v1/services/catalogue", Signed, catalogue_list)
        .post(
            "/api/v1/services/catalogue",
            Perm(ServiceCatalogue),
            catalogue_create,
        )
        .post(
            "/api/v1/persons/{id}/sessions",
            Perm(CaseWrite),
            session_create,
        )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// waiting, active or ended (all when omitted)
    pub status: Option<String>,
}

/// Home-help agreements of the user's centre (the waiting list: `status=waiting`).
#[utoipa::path(get, path = "/api/v1/services/agreements", params(StatusQuery), responses((status = 200, body = Vec<Agreement>)))]
pub async fn agreements_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<StatusQuery>,
) -> AppResult<Json<Vec<Agreement>>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            AgreementStatus::from_code(c)
                .ok_or_else(|| skrb_kit::form::field_error("status", "err-choice"))?,
        ),
    };
    Ok(Json(agreements::list(&st.db, &s.actor(), status).await?))
}

/// Agree home help (it waits when the carers' hours cannot take it).
#[utoipa::path(post, path = "/api/v1/services/agreements", request_body = AgreementForm, responses((status = 201, body = Agreed), (status = 422)))]
pub async fn agreement_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<AgreementForm>,
) -> AppResult<(StatusCode, Json<Agreed>)> {
    Ok((
        StatusCode::CREATED,
        Json(agreements::create(&st.db, &s.actor(), &f).await?),
    ))
}

/// An agreement.
#[utoipa::path(get, path = "/api/v1/services/agreements/{id}", responses((status = 200, body = Agreement), (status = 404)))]
pub async fn agreement_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Agreement>> {
    Ok(Json(agreements::get(&st.db, &s.actor(), id).await?))
}

/// Start a waiting agreement or end one.
#[utoipa::path(post, path = "/api/v1/services/agreements/{id}/step", request_body = StepForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn agreement_step(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<StepForm>,
) -> AppResult<StatusCode> {
    agreements::step(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a visit to the agreement's regular week (planned four weeks ahead).
#[utoipa::path(post, path = "/api/v1/services/agreements/{id}/patterns", request_body = PatternForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn pattern_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<PatternForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        roster::add_pattern(&st.db, &s.actor(), id, &f).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// A day of the week (YYYY-MM-DD); this week when omitted.
    pub week: Option<String>,
    /// Every carer of the centre, not only the co-ordinator's.
    pub all: Option<bool>,
}

/// The week board: every carer's visits by day and the roster's warnings.
#[utoipa::path(get, path = "/api/v1/services/board", params(WeekQuery), responses((status = 200, body = Board)))]
pub async fn board(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<WeekQuery>,
) -> AppResult<Json<Board>> {
    let week = match q.week.as_deref() {
        Some(w) => skrb_kit::dates::parse_date(w)
            .ok_or_else(|| skrb_kit::form::field_error("week", "err-date"))?,
        None => s.today(),
    };
    Ok(Json(
        roster::board(&st.db, &s.actor(), week, !q.all.unwrap_or(false)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// YYYY-MM-DD; today when omitted.
    pub day: Option<String>,
}

/// The signed-in carer's visits of a day with their users' care plans.
#[utoipa::path(get, path = "/api/v1/services/visits", params(DayQuery), responses((status = 200, body = Vec<DoorVisit>)))]
pub async fn my_visits(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<DayQuery>,
) -> AppResult<Json<Vec<DoorVisit>>> {
    let day = match q.day.as_deref() {
        Some(d) => skrb_kit::dates::parse_date(d)
            .ok_or_else(|| skrb_kit::form::field_error("day", "err-date"))?,
        None => s.today(),
    };
    Ok(Json(visits::mine(&st.db, &s.actor(), day).await?.1))
}

/// Record a visit (check-in, check-out, tasks, note, or not at home). Sent twice with
/// the same key, it is saved once and answered the same.
#[utoipa::path(post, path = "/api/v1/services/visits/{id}", request_body = RecordForm, responses((status = 200, body = Recorded), (status = 403), (status = 409), (status = 422)))]
pub async fn visit_record(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<RecordForm>,
) -> AppResult<Json<Recorded>> {
    Ok(Json(
        visits::record(&st.db, &s.actor(), id, &f, false).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthIn {
    /// YYYY-MM
    pub month: String,
}

/// Bill a month of home help (what was billed before is left as it was).
#[utoipa::path(post, path = "/api/v1/services/billing", request_body = MonthIn, responses((status = 200, body = Billed), (status = 422)))]
pub async fn bill(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<MonthIn>,
) -> AppResult<Json<Billed>> {
    let m = crate::parse_month(&f.month)
        .ok_or_else(|| skrb_kit::form::field_error("month", "services-err-month"))?;
    Ok(Json(billing::bill(&st.db, &s.actor(), m, None).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// YYYY-MM
    pub month: String,
}

fn month(q: &MonthQuery) -> AppResult<time::Date> {
    crate::parse_month(&q.month)
        .ok_or_else(|| skrb_kit::form::field_error("month", "services-err-month"))
}

/// The invoices and credit notes of a month.
#[utoipa::path(get, path = "/api/v1/services/invoices", params(MonthQuery), responses((status = 200, body = Vec<Invoice>), (status = 422)))]
pub async fn invoices(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<MonthQuery>,
) -> AppResult<Json<Vec<Invoice>>> {
    Ok(Json(
        billing::of_month(&st.db, &s.actor(), month(&q)?).await?,
    ))
}

/// An invoice as PDF (with the UPN QR payment order in Slovenia).
#[utoipa::path(get, path = "/api/v1/services/invoices/{id}/pdf", responses((status = 200, description = "The invoice as PDF.", body = skrb_kit::web::openapi::Binary, content_type = "application/pdf"), (status = 404)))]
pub async fn invoice_pdf(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (name, pdf) = crate::invoice::document(&st.db, &s.actor(), id).await?;
    Ok(skrb_kit::web::page::pdf_download(&name, pdf))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionIn {
    /// The invoice's version as last read (a stale one gets 409).
    pub version: i64,
}

/// Cancel an invoice by a credit note.
#[utoipa::path(post, path = "/api/v1/services/invoices/{id}/credit", request_body = VersionIn, responses((status = 201, body = Created), (status = 403), (status = 409)))]
pub async fn invoice_credit(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<VersionIn>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        billing::credit(&st.db, &s.actor(), id, f.version).await?,
    ))
}

/// The municipalities' statements of a month (their subsidy and the exempted shares).
#[utoipa::path(get, path = "/api/v1/services/statements", params(MonthQuery), responses((status = 200, body = Vec<Statement>), (status = 422)))]
pub async fn statements(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<MonthQuery>,
) -> AppResult<Json<Vec<Statement>>> {
    Ok(Json(
        billing::statements(&st.db, &s.actor(), month(&q)?).await?,
    ))
}

/// The centre's carers.
#[utoipa::path(get, path = "/api/v1/services/carers", responses((status = 200, body = Vec<Carer>)))]
pub async fn carers_list(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<Carer>>> {
    Ok(Json(carers::list(&st.db, &s.actor()).await?))
}

/// Add a carer.
#[utoipa::path(post, path = "/api/v1/services/carers", request_body = CarerForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn carer_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<CarerForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(carers::create(&st.db, &s.actor(), &f).await?))
}

/// The municipalities' price lists.
#[utoipa::path(get, path = "/api/v1/services/prices", responses((status = 200, body = Vec<Price>)))]
pub async fn prices_list(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<Price>>> {
    Ok(Json(prices::list(&st.db, &s.actor()).await?))
}

/// Add a municipality's price list from a day.
#[utoipa::path(post, path = "/api/v1/services/prices", request_body = PriceForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn price_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<PriceForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(prices::create(&st.db, &s.actor(), &f).await?))
}

/// The catalogue of services of the user's jurisdiction.
#[utoipa::path(get, path = "/api/v1/services/catalogue", responses((status = 200, body = Vec<ServiceType>)))]
pub async fn catalogue_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<ServiceType>>> {
    Ok(Json(catalogue::for_actor(&st.db, &s.actor()).await?))
}

/// Add a service to the catalogue.
#[utoipa::path(post, path = "/api/v1/services/catalogue", request_body = NewService, responses((status = 201, body = Created), (status = 422)))]
pub async fn catalogue_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<NewService>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(catalogue::create(&st.db, &s.actor(), &f).await?))
}

/// Record a session of a counted service (first social help, personal help, family help)
/// on a person's file.
#[utoipa::path(post, path = "/api/v1/persons/{id}/sessions", request_body = SessionForm, responses((status = 201, body = Created), (status = 403), (status = 404), (status = 422)))]
pub async fn session_create(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<SessionForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(sessions::record(&st.db, &s.actor(), id, &f).await?))
}
