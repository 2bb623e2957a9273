//! `/api/v1` for case work: the same input types, use cases and rules as the pages.

pub mod referrals;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::catalogue::{self, CaseType, TypeForm};
use super::files::{self, CaseForm, CaseRow, ListParams, StatusForm, TransferForm, UpdateForm};
use super::intake::{self, Intake, IntakeForm};
use super::log::{self, EntryForm};
use super::manages;
use super::plans::{self, GoalForm, PlanForm, ReviewForm};
use super::tasks::{self, Caseload, MyWork, TaskForm};
use super::view::CaseView;
use super::violence::{self, MeasureForm, MemberForm, ReportForm};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/case-types", Perm(CaseRead), types)
        .post("/api/v1/case-types", Perm(CaseManage), add_type)
        .post(
            "/api/v1/case-types/{id}/active",
            Perm(CaseManage),
            set_type_active,
        )
        .get("/api/v1/intakes", Perm(CaseRead), intakes)
        .post("/api/v1/intakes", Perm(CaseWrite), record_intake)
        .post(
            "/api/v1/intakes/{id}/identify",
            Perm(CaseWrite),
            identify_intake,
        )
        .get("/api/v1/cases", Perm(CaseRead), list)
        .post("/api/v1/cases", Perm(CaseWrite), open)
        .get("/api/v1/cases/{id}", Perm(CaseRead), get)
        .put("/api/v1/cases/{id}", Perm(CaseWrite), update)
        .post("/api/v1/cases/{id}/status", Perm(CaseWrite), status)
        .post("/api/v1/cases/{id}/transfer", Perm(CaseWrite), transfer)
        .post("/api/v1/cases/{id}/entries", Perm(CaseWrite), add_entry)
        .put("/api/v1/cases/{id}/draft", Perm(CaseWrite), save_draft)
        .upload(
            "/api/v1/cases/{id}/attachments",
            Perm(CaseWrite),
            log::ATTACHMENT_MAX,
            upload,
        )
        .get("/api/v1/attachments/{id}", Perm(CaseRead), download)
        .post("/api/v1/cases/{id}/plans", Perm(CaseWrite), add_plan)
        .post("/api/v1/plans/{id}/goals", Perm(CaseWrite), add_goal)
        .post("/api/v1/goals/{id}/reviews", Perm(CaseWrite), add_review)
        .post("/api/v1/cases/{id}/tasks", Perm(CaseWrite), add_task)
        .post("/api/v1/tasks/{id}/done", Perm(CaseWrite), task_done)
        .get("/api/v1/work", Perm(CaseRead), work)
        .get("/api/v1/caseloads", Perm(CaseManage), caseloads)
        .post("/api/v1/violence", Perm(CaseWrite), report_violence)
        .post(
            "/api/v1/cases/{id}/violence/members",
            Perm(CaseWrite),
            add_member,
        )
        .post(
            "/api/v1/cases/{id}/violence/measures",
            Perm(CaseWrite),
            add_measure,
        )
}

use skrb_kit::web::json::{created_with as created, Created, CreatedOut};

/// The catalogue of case types of a jurisdiction (SI or RS; all when omitted).
#[utoipa::path(get, path = "/api/v1/case-types", params(("jurisdiction" = Option<String>, Query)), responses((status = 200, body = Vec<CaseType>)))]
pub async fn types(
    State(st): State<AppState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> AppResult<Json<Vec<CaseType>>> {
    Ok(Json(
        catalogue::list(&st.db, q.get("jurisdiction").map(String::as_str)).await?,
    ))
}

/// Add a case type to the catalogue.
#[utoipa::path(post, path = "/api/v1/case-types", request_body = TypeForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_type(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<TypeForm>,
) -> CreatedOut {
    Ok(created(catalogue::add(&st.db, &s.actor(), &f).await?, None))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveIn {
    pub active: bool,
}

/// Retire a case type (no new files of it) or bring it back.
#[utoipa::path(post, path = "/api/v1/case-types/{id}/active", request_body = ActiveIn, responses((status = 204), (status = 404)))]
pub async fn set_type_active(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ActiveIn>,
) -> AppResult<StatusCode> {
    catalogue::set_active(&st.db, &s.actor(), id, f.active).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeQuery {
    pub person_id: Option<i64>,
    pub limit: Option<i64>,
}

/// The centre's intakes (first social help), newest first.
#[utoipa::path(get, path = "/api/v1/intakes", params(IntakeQuery), responses((status = 200, body = Vec<Intake>)))]
pub async fn intakes(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<IntakeQuery>,
) -> AppResult<Json<Vec<Intake>>> {
    Ok(Json(
        intake::list(&st.db, &s.actor(), q.person_id, q.limit.unwrap_or(50)).await?,
    ))
}

/// Record an intake; with `open_type_id` it opens a file at once (`case_id`).
#[utoipa::path(post, path = "/api/v1/intakes", request_body = IntakeForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn record_intake(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<IntakeForm>,
) -> CreatedOut {
    let (id, case) = intake::record(&st.db, &s.actor(), &f, s.today()).await?;
    Ok(created(id, case))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IdentifyIn {
    #[serde(deserialize_with = "skrb_kit::form::lenient")]
    #[schema(value_type = i64)]
    pub person_id: String,
}

/// Link an intake recorded without a person to the person, once identified.
#[utoipa::path(post, path = "/api/v1/intakes/{id}/identify", request_body = IdentifyIn, responses((status = 204), (status = 422)))]
pub async fn identify_intake(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<IdentifyIn>,
) -> AppResult<StatusCode> {
    intake::identify(&st.db, &s.actor(), id, &f.person_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseListOut {
    pub items: Vec<CaseRow>,
    /// Counted up to 1,001 (more than 1,000: narrow the filters).
    pub total: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PerPage {
    pub per_page: Option<u32>,
}

/// Case files, filtered and sorted on the server.
#[utoipa::path(get, path = "/api/v1/cases", params(ListParams, PerPage), responses((status = 200, body = CaseListOut)))]
pub async fn list(
    State(st): State<AppState>,
    s: Signed,
    Query(p): Query<ListParams>,
    Query(pp): Query<PerPage>,
) -> AppResult<Json<CaseListOut>> {
    let found = files::list(&st.db, &s.actor(), &p, pp.per_page.unwrap_or(50)).await?;
    Ok(Json(CaseListOut {
        items: found.items,
        total: found.total,
    }))
}

/// Open a case file.
#[utoipa::path(post, path = "/api/v1/cases", request_body = CaseForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn open(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<CaseForm>,
) -> CreatedOut {
    Ok(created(
        files::open(&st.db, &s.actor(), &f, s.today()).await?,
        None,
    ))
}

/// A case file with everything recorded on it.
#[utoipa::path(get, path = "/api/v1/cases/{id}", responses((status = 200, body = CaseView), (status = 404)))]
pub async fn get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<CaseView>> {
    Ok(Json(super::view::view(&st.db, &s.actor(), id).await?))
}

/// Change a file's problems, summary, team and restriction (`version` as read).
#[utoipa::path(put, path = "/api/v1/cases/{id}", request_body = UpdateForm, responses((status = 204), (status = 409)))]
pub async fn update(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<UpdateForm>,
) -> AppResult<StatusCode> {
    files::update(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hold, reopen or close a file. Closing with open tasks answers 422 with a warning
/// unless `open_tasks_reason` says why.
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", request_body = StatusForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn status(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<StatusForm>,
) -> AppResult<StatusCode> {
    files::set_status(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Transfer a file to another worker or unit.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transfer", request_body = TransferForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn transfer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<TransferForm>,
) -> AppResult<StatusCode> {
    files::transfer(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an entry to the contact log.
#[utoipa::path(post, path = "/api/v1/cases/{id}/entries", request_body = EntryForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_entry(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<EntryForm>,
) -> CreatedOut {
    Ok(created(
        log::add(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?,
        Some(id),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftIn {
    pub body: String,
}

/// Keep the note being typed (empty removes it).
#[utoipa::path(put, path = "/api/v1/cases/{id}/draft", request_body = DraftIn, responses((status = 204)))]
pub async fn save_draft(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DraftIn>,
) -> AppResult<StatusCode> {
    log::save_draft(&st.db, &s.actor(), id, &f.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    pub filename: String,
}

/// Attach a document: the request body is the file (PDF, PNG, JPEG or TIFF, up to 10 MB),
/// recognised by its content.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", params(UploadQuery), request_body(content = skrb_kit::web::openapi::Binary, content_type = "application/octet-stream"),
    responses((status = 201, body = Created), (status = 413), (status = 422)))]
pub async fn upload(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> CreatedOut {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(r.body_text())
        }
    })?;
    // Too large is 413 whether the body passed the transport's limit (which allows a
    // form's framing) or not.
    if body.len() > log::ATTACHMENT_MAX {
        return Err(AppError::PayloadTooLarge);
    }
    Ok(created(
        log::upload(
            &st.db,
            &s.actor(),
            id,
            &q.filename,
            &body,
            manages(&s),
            s.today(),
        )
        .await?,
        Some(id),
    ))
}

/// Download an attachment.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", responses((status = 200, description = "The file as uploaded (its type recognised by content: PDF, PNG, JPEG or TIFF).", content((skrb_kit::web::openapi::Binary = "application/pdf"), (skrb_kit::web::openapi::Binary = "image/png"), (skrb_kit::web::openapi::Binary = "image/jpeg"), (skrb_kit::web::openapi::Binary = "image/tiff"))), (status = 404)))]
pub async fn download(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (meta, bytes) = log::download(&st.db, &s.actor(), id).await?;
    Ok(super::web::attachment_response(&meta, bytes))
}

/// Agree a plan with its first goal; a review date becomes a task.
#[utoipa::path(post, path = "/api/v1/cases/{id}/plans", request_body = PlanForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_plan(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<PlanForm>,
) -> CreatedOut {
    Ok(created(
        plans::create(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?,
        Some(id),
    ))
}

/// Add a goal to a plan.
#[utoipa::path(post, path = "/api/v1/plans/{id}/goals", request_body = GoalForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_goal(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<GoalForm>,
) -> CreatedOut {
    Ok(created(
        plans::add_goal(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?,
        None,
    ))
}

/// Review a goal.
#[utoipa::path(post, path = "/api/v1/goals/{id}/reviews", request_body = ReviewForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_review(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ReviewForm>,
) -> CreatedOut {
    Ok(created(
        plans::review(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?,
        None,
    ))
}

/// Add a task to a file.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks", request_body = TaskForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_task(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<TaskForm>,
) -> CreatedOut {
    Ok(created(
        tasks::create(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await?,
        Some(id),
    ))
}

/// Mark a task done.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/done", responses((status = 204), (status = 422)))]
pub async fn task_done(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    tasks::done(&st.db, &s.actor(), id, manages(&s), s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in worker's tasks (overdue first) and open files.
#[utoipa::path(get, path = "/api/v1/work", responses((status = 200, body = MyWork)))]
pub async fn work(State(st): State<AppState>, s: Signed) -> AppResult<Json<MyWork>> {
    Ok(Json(tasks::my_work(&st.db, &s.actor(), s.today()).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseloadQuery {
    pub unit_id: Option<i64>,
}

/// Caseloads per worker of the user's centre against the norm.
#[utoipa::path(get, path = "/api/v1/caseloads", params(CaseloadQuery), responses((status = 200, body = Vec<Caseload>)))]
pub async fn caseloads(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<CaseloadQuery>,
) -> AppResult<Json<Vec<Caseload>>> {
    // A user of no centre (a system administrator) has no workers to weigh.
    match s.user.centre_id {
        Some(c) => Ok(Json(
            tasks::caseloads(&st.db, &s.actor(), c, q.unit_id, s.today()).await?,
        )),
        None => Ok(Json(Vec::new())),
    }
}

/// Record a domestic-violence report: opens a restricted file (or adds to `case_id`).
#[utoipa::path(post, path = "/api/v1/violence", request_body = ReportForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn report_violence(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ReportForm>,
) -> CreatedOut {
    let case = violence::report(&st.db, &s.actor(), &f, manages(&s), s.today()).await?;
    Ok(created(case, Some(case)))
}

/// Add a member of the multidisciplinary team.
#[utoipa::path(post, path = "/api/v1/cases/{id}/violence/members", request_body = MemberForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_member(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MemberForm>,
) -> CreatedOut {
    Ok(created(
        violence::add_member(&st.db, &s.actor(), id, &f, manages(&s)).await?,
        Some(id),
    ))
}

/// Record a protective measure.
#[utoipa::path(post, path = "/api/v1/cases/{id}/violence/measures", request_body = MeasureForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_measure(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MeasureForm>,
) -> CreatedOut {
    Ok(created(
        violence::add_measure(&st.db, &s.actor(), id, &f, manages(&s)).await?,
        Some(id),
    ))
}
