//! `/api/v1/placements`: public authorisations for other systems: the register of
//! foster carers (searched for matching) and a carer's file, steps, household, training
//! and annual payment summary; placements with their payments and timeline, events,
//! raises, ends and a second person's approval; institutions; guardianships with their
//! reports and items; billing of institutional care; what falls due; the figures.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use crate::billing::{self, Annual, Bill, Billed};
use crate::carers::{
    self, Carer, CarerFile, CarerForm, MemberForm, Search, StepForm, TrainingForm,
};
use crate::due::{self, Due};
use crate::figures::{self, Figures};
use crate::guardianship::{
    self, EndForm as GEndForm, Guardianship, GuardianshipFile, GuardianshipForm, ItemForm,
    ReportForm,
};
use crate::institutions::{self, Institution, InstitutionForm};
use crate::placements::{
    self, EndForm, EventForm, Placed, Placement, PlacementFile, PlacementForm, RaiseForm,
};
use skrb_kit::error::AppResult;
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::{created, ApiJson, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/placements", Perm(PlacementRead), placements_list)
        .post(
            "/api/v1/placements",
            Perm(PlacementManage),
            placement_create,
        )
        .get("/api/v1/placements/due", Perm(PlacementRead), due_list)
        .get(
            "/api/v1/placements/figures",
            Perm(PlacementRead),
            figures_get,
        )
        .get(
            "/api/v1/placements/carers",
            Perm(PlacementRead),
            carers_list,
        )
        .post(
            "/api/v1/placements/carers",
            Perm(PlacementManage),
            carer_create,
        )
        .get(
            "/api/v1/placements/carers/{id}",
            Perm(PlacementRead),
            carer_get,
        )
        .post(
            "/api/v1/placements/carers/{id}/step",
            Perm(PlacementManage),
            carer_step,
        )
        .post(
            "/api/v1/placements/carers/{id}/members",
            Perm(PlacementManage),
            member_add,
        )
        .post(
            "/api/v1/placements/carers/{id}/training",
            Perm(PlacementManage),
            training_add,
        )
        .get(
            "/api/v1/placements/carers/{id}/annual",
            Perm(PlacementRead),
            annual_get,
        )
        .get(
            "/api/v1/placements/institutions",
            Perm(PlacementRead),
            institutions_list,
        )
        .post(
            "/api/v1/placements/institutions",
            Perm(PlacementManage),
            institution_create,
        )
        .get(
            "/api/v1/placements/guardianships",
            Perm(PlacementRead),
            guardianships_list,
        )
        .post(
            "/api/v1/placements/guardianships",
            Perm(PlacementManage),
            guardianship_create,
        )
        .get(
            "/api/v1/placements/guardianships/{id}",
            Perm(PlacementRead),
            guardianship_get,
        )
        .post(
            "/api/v1/placements/guardianships/{id}/reports/{report}",
            Perm(PlacementManage),
            guardian_report,
        )
        .post(
            "/api/v1/placements/guardianships/{id}/items",
            Perm(PlacementManage),
            guardian_item,
        )
        .post(
            "/api/v1/placements/guardianships/{id}/end",
            Perm(PlacementManage),
            guardianship_end,
        )
        .get("/api/v1/placements/bills", Perm(PlacementRead), bills_list)
        .post("/api/v1/placements/billing", Perm(PlacementManage), bill)
        .get(
            "/api/v1/placements/bills/{id}/pdf",
            Perm(PlacementRead),
            bill_pdf,
        )
        .get(
            "/api/v1/placements/{id}",
            Perm(PlacementRead),
            placement_get,
        )
        .post(
            "/api/v1/placements/{id}/events",
            Perm(PlacementManage),
            placement_event,
        )
        .post(
            "/api/v1/placements/{id}/raise",
            Perm(PlacementManage),
            placement_raise,
        )
        .post(
            "/api/v1/placements/{id}/end",
            Perm(PlacementManage),
            placement_end,
        )
        .post(
            "/api/v1/placements/{id}/approve",
            Perm(PlacementManage),
            placement_approve,
        )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CurrentQuery {
    /// Only placements not ended (default true).
    pub current: Option<bool>,
}

/// The centre's placements (restricted files' names masked for readers off their team).
#[utoipa::path(get, path = "/api/v1/placements", params(CurrentQuery), responses((status = 200, body = Vec<Placement>)))]
pub async fn placements_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<CurrentQuery>,
) -> AppResult<Json<Vec<Placement>>> {
    Ok(Json(
        placements::list(&st.db, &s.actor(), q.current.unwrap_or(true)).await?,
    ))
}

/// Place a person in a foster family or an institution; its payment starts through the
/// runs (over a family's limit, with a reason, it waits for a second person).
#[utoipa::path(post, path = "/api/v1/placements", request_body = PlacementForm, responses((status = 201, body = Placed), (status = 422)))]
pub async fn placement_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<PlacementForm>,
) -> AppResult<(StatusCode, Json<Placed>)> {
    Ok((
        StatusCode::CREATED,
        Json(placements::create(&st.db, &s.actor(), &f).await?),
    ))
}

/// A placement with its payments and the person's timeline.
#[utoipa::path(get, path = "/api/v1/placements/{id}", responses((status = 200, body = PlacementFile), (status = 404)))]
pub async fn placement_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<PlacementFile>> {
    Ok(Json(placements::get(&st.db, &s.actor(), id).await?))
}

/// Record an absence, a return, a supervision visit, a report or a move.
#[utoipa::path(post, path = "/api/v1/placements/{id}/events", request_body = EventForm, responses((status = 204), (status = 422)))]
pub async fn placement_event(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<EventForm>,
) -> AppResult<StatusCode> {
    placements::record(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The foster payment's new raises from a day; answers the new monthly amount.
#[utoipa::path(post, path = "/api/v1/placements/{id}/raise", request_body = RaiseForm, responses((status = 200, body = i64), (status = 409), (status = 422)))]
pub async fn placement_raise(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<RaiseForm>,
) -> AppResult<Json<i64>> {
    Ok(Json(placements::raise(&st.db, &s.actor(), id, &f).await?))
}

/// End a placement (and its payments) on its last day.
#[utoipa::path(post, path = "/api/v1/placements/{id}/end", request_body = EndForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn placement_end(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<EndForm>,
) -> AppResult<StatusCode> {
    placements::end(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A second person approves a placement over a family's limit.
#[utoipa::path(post, path = "/api/v1/placements/{id}/approve", responses((status = 204), (status = 403)))]
pub async fn placement_approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    placements::approve(&st.db, &s.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What falls due in the next 30 days (and what is late).
#[utoipa::path(get, path = "/api/v1/placements/due", responses((status = 200, body = Vec<Due>)))]
pub async fn due_list(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<Due>>> {
    Ok(Json(due::list(&st.db, &s.actor()).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (this year when omitted).
    pub year: Option<i32>,
}

/// Foster families, persons placed and under guardianship by age and sex, placements
/// started and ended: aggregates only.
#[utoipa::path(get, path = "/api/v1/placements/figures", params(YearQuery), responses((status = 200, body = Figures)))]
pub async fn figures_get(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Figures>> {
    Ok(Json(
        figures::of_year(&st.db, &s.actor(), q.year.unwrap_or(s.today().year())).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CarerQuery {
    /// The child's age.
    pub age: Option<i64>,
    pub needs: Option<String>,
    pub language: Option<String>,
    pub disability: Option<bool>,
    /// Only families with a free place.
    pub vacant: Option<bool>,
    /// The child's municipality: near families first.
    pub municipality_id: Option<i64>,
    /// The centre's own carers in every state instead of the country's approved.
    pub all: Option<bool>,
}

/// The register of foster carers with their vacancies.
#[utoipa::path(get, path = "/api/v1/placements/carers", params(CarerQuery), responses((status = 200, body = Vec<Carer>)))]
pub async fn carers_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<CarerQuery>,
) -> AppResult<Json<Vec<Carer>>> {
    let search = Search {
        age: q.age,
        needs: q.needs,
        language: q.language,
        disability: q.disability,
        vacant: q.vacant,
        municipality_id: q.municipality_id,
        all: q.all,
    };
    Ok(Json(carers::register(&st.db, &s.actor(), &search).await?))
}

/// Record an enquiry: the person enters the register (once per country).
#[utoipa::path(post, path = "/api/v1/placements/carers", request_body = CarerForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn carer_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<CarerForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(carers::create(&st.db, &s.actor(), &f).await?))
}

/// A carer's file.
#[utoipa::path(get, path = "/api/v1/placements/carers/{id}", responses((status = 200, body = CarerFile), (status = 404)))]
pub async fn carer_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<CarerFile>> {
    Ok(Json(carers::get(&st.db, &s.actor(), id).await?))
}

/// Assess, approve (the permit), review, suspend, resume or end a carer.
#[utoipa::path(post, path = "/api/v1/placements/carers/{id}/step", request_body = StepForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn carer_step(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<StepForm>,
) -> AppResult<StatusCode> {
    carers::step(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member of the carer's household and the check on them.
#[utoipa::path(post, path = "/api/v1/placements/carers/{id}/members", request_body = MemberForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn member_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MemberForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        carers::add_member(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// Training the carer attended.
#[utoipa::path(post, path = "/api/v1/placements/carers/{id}/training", request_body = TrainingForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn training_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<TrainingForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        carers::add_training(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// The carer's annual payment summary: what the runs paid per child and month.
#[utoipa::path(get, path = "/api/v1/placements/carers/{id}/annual", params(YearQuery), responses((status = 200, body = Annual)))]
pub async fn annual_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Annual>> {
    Ok(Json(
        billing::annual(&st.db, &s.actor(), id, q.year.unwrap_or(s.today().year())).await?,
    ))
}

/// The institutions of the register.
#[utoipa::path(get, path = "/api/v1/placements/institutions", responses((status = 200, body = Vec<Institution>)))]
pub async fn institutions_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<Institution>>> {
    Ok(Json(institutions::list(&st.db, &s.actor()).await?))
}

/// Add an institution to the register.
#[utoipa::path(post, path = "/api/v1/placements/institutions", request_body = InstitutionForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn institution_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<InstitutionForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(institutions::create(&st.db, &s.actor(), &f).await?))
}

/// The centre's guardianships.
#[utoipa::path(get, path = "/api/v1/placements/guardianships", responses((status = 200, body = Vec<Guardianship>)))]
pub async fn guardianships_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<Guardianship>>> {
    Ok(Json(guardianship::list(&st.db, &s.actor()).await?))
}

/// Appoint a guardian; the first yearly report falls due a year later.
#[utoipa::path(post, path = "/api/v1/placements/guardianships", request_body = GuardianshipForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn guardianship_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<GuardianshipForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(guardianship::create(&st.db, &s.actor(), &f).await?))
}

/// A guardianship with its reports and items.
#[utoipa::path(get, path = "/api/v1/placements/guardianships/{id}", responses((status = 200, body = GuardianshipFile), (status = 404)))]
pub async fn guardianship_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<GuardianshipFile>> {
    Ok(Json(guardianship::get(&st.db, &s.actor(), id).await?))
}

/// Submit, approve or return the guardian's yearly report.
#[utoipa::path(post, path = "/api/v1/placements/guardianships/{id}/reports/{report}", request_body = ReportForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn guardian_report(
    State(st): State<AppState>,
    s: Signed,
    Path((id, report)): Path<(i64, i64)>,
    ApiJson(f): ApiJson<ReportForm>,
) -> AppResult<StatusCode> {
    guardianship::report(&st.db, &s.actor(), id, report, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An inventory line or the centre's approval of a major decision.
#[utoipa::path(post, path = "/api/v1/placements/guardianships/{id}/items", request_body = ItemForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn guardian_item(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ItemForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        guardianship::add_item(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// End a guardianship.
#[utoipa::path(post, path = "/api/v1/placements/guardianships/{id}/end", request_body = GEndForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn guardianship_end(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<GEndForm>,
) -> AppResult<StatusCode> {
    guardianship::end(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[schema(as = PlacementMonth)]
pub struct MonthQuery {
    /// YYYY-MM
    pub month: String,
}

/// The bills of institutional care of a month.
#[utoipa::path(get, path = "/api/v1/placements/bills", params(MonthQuery), responses((status = 200, body = Vec<Bill>), (status = 422)))]
pub async fn bills_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<MonthQuery>,
) -> AppResult<Json<Vec<Bill>>> {
    let month = crate::parse_month(&q.month)
        .ok_or_else(|| skrb_kit::form::field_error("month", "err-date"))?;
    Ok(Json(billing::bills(&st.db, &s.actor(), month).await?))
}

/// Bill the user's and relatives' parts of institutional care for a month (once).
#[utoipa::path(post, path = "/api/v1/placements/billing", request_body = MonthQuery, responses((status = 200, body = Billed), (status = 422)))]
pub async fn bill(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(q): ApiJson<MonthQuery>,
) -> AppResult<Json<Billed>> {
    let month = crate::parse_month(&q.month)
        .ok_or_else(|| skrb_kit::form::field_error("month", "err-date"))?;
    Ok(Json(billing::bill(&st.db, &s.actor(), month).await?))
}

/// A bill's PDF (in Slovenia with the UPN QR payment order).
#[utoipa::path(get, path = "/api/v1/placements/bills/{id}/pdf", responses((status = 200, description = "The bill as PDF.", body = skrb_kit::web::openapi::Binary, content_type = "application/pdf"), (status = 404)))]
pub async fn bill_pdf(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<axum::response::Response> {
    let (name, pdf) = billing::document(&st.db, &s.actor(), id).await?;
    Ok(skrb_kit::web::page::pdf_download(&name, pdf))
}
