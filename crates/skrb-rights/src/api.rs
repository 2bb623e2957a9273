//! `/api/v1` for rights: the same input types, use cases and rules as the pages.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use skrb_domain::rights::{money, Household};

use super::appeals::{self, Appeal, AppealForm, ForwardForm, OutcomeForm};
use super::applications::{self, Application, ApplicationForm, CompletionForm, ProcedureRow};
use super::catalogue::{self, Param, ParamForm, RightForm, RightType};
use super::commissions::{
    self, AgendaForm, Commission, CommissionForm, FindingForm, Item, Member, MemberForm,
    ReassessForm, Reassessment, Session, SessionForm,
};
use super::decisions::{self, ChangeForm, Decision, DecisionForm, DeliveryForm, Entitlement};
use super::renewal::{self, ObjectionForm, RenewalForm, Report};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::json::Created;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/rights", Perm(RightRead), rights)
        .post("/api/v1/rights", Perm(RightCatalogue), add_right)
        .get("/api/v1/rights/params", Perm(RightRead), params)
        .post("/api/v1/rights/params", Perm(RightCatalogue), add_param)
        .post("/api/v1/rights/calculate", Perm(RightRead), calculate)
        .post("/api/v1/rights/renewals", Perm(RightCatalogue), renew)
        .get("/api/v1/procedures", Perm(RightRead), procedures)
        .post("/api/v1/applications", Perm(RightDecide), create)
        .get("/api/v1/applications/{id}", Perm(RightRead), get)
        .post(
            "/api/v1/applications/{id}/completion",
            Perm(RightDecide),
            completion,
        )
        .put("/api/v1/applications/{id}/input", Perm(RightDecide), input)
        .post(
            "/api/v1/applications/{id}/decisions",
            Perm(RightDecide),
            decide,
        )
        .post(
            "/api/v1/applications/{id}/appeals",
            Perm(RightDecide),
            appeal,
        )
        .post(
            "/api/v1/decisions/{id}/approve",
            Perm(RightApprove),
            approve,
        )
        .post(
            "/api/v1/decisions/{id}/delivery",
            Perm(RightDecide),
            deliver,
        )
        .get("/api/v1/decisions/{id}/document", Perm(RightRead), document)
        .post(
            "/api/v1/decisions/{id}/objection",
            Perm(RightDecide),
            object,
        )
        .post("/api/v1/appeals/{id}/forward", Perm(RightDecide), forward)
        .post("/api/v1/appeals/{id}/outcome", Perm(RightDecide), outcome)
        .post(
            "/api/v1/entitlements/{id}/change",
            Perm(RightDecide),
            change,
        )
        .get("/api/v1/commissions", Perm(CommissionWork), commission_list)
        .post(
            "/api/v1/commissions",
            Perm(RightCatalogue),
            commission_create,
        )
        .get(
            "/api/v1/commissions/{id}",
            Perm(CommissionWork),
            commission_get,
        )
        .post(
            "/api/v1/commissions/{id}/members",
            Perm(RightCatalogue),
            member_add,
        )
        .post(
            "/api/v1/commissions/{id}/sessions",
            Perm(CommissionWork),
            session_add,
        )
        .post(
            "/api/v1/commissions/{id}/reassessment",
            Perm(RightCatalogue),
            reassess,
        )
        .get(
            "/api/v1/commission-sessions/{id}",
            Perm(CommissionWork),
            session_get,
        )
        .post(
            "/api/v1/commission-sessions/{id}/items",
            Perm(CommissionWork),
            item_add,
        )
        .post(
            "/api/v1/commission-sessions/{id}/held",
            Perm(CommissionWork),
            session_held,
        )
        .post(
            "/api/v1/commission-items/{id}/finding",
            Perm(CommissionWork),
            finding,
        )
}

type CreatedOut = AppResult<(StatusCode, Json<Created>)>;

fn created(id: i64) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id, case_id: None }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JurisdictionQuery {
    /// SI or RS; all when omitted.
    pub jurisdiction: Option<String>,
}

/// The catalogue of rights.
#[utoipa::path(get, path = "/api/v1/rights", params(JurisdictionQuery), responses((status = 200, body = Vec<RightType>)))]
pub async fn rights(
    State(st): State<AppState>,
    Query(q): Query<JurisdictionQuery>,
) -> AppResult<Json<Vec<RightType>>> {
    Ok(Json(
        catalogue::list(&st.db, q.jurisdiction.as_deref()).await?,
    ))
}

/// Add a municipality's extended right (a city decision).
#[utoipa::path(post, path = "/api/v1/rights", request_body = RightForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_right(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<RightForm>,
) -> CreatedOut {
    Ok(created(catalogue::add_right(&st.db, &s.actor(), &f).await?))
}

/// Every dated parameter value.
#[utoipa::path(get, path = "/api/v1/rights/params", params(JurisdictionQuery), responses((status = 200, body = Vec<Param>)))]
pub async fn params(
    State(st): State<AppState>,
    Query(q): Query<JurisdictionQuery>,
) -> AppResult<Json<Vec<Param>>> {
    Ok(Json(
        catalogue::params(&st.db, q.jurisdiction.as_deref()).await?,
    ))
}

/// A new value of a parameter from a date (past values stay).
#[utoipa::path(post, path = "/api/v1/rights/params", request_body = ParamForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_param(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ParamForm>,
) -> CreatedOut {
    Ok(created(catalogue::add_param(&st.db, &s.actor(), &f).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalculateIn {
    /// The right's code, e.g. `dsp`.
    pub right: String,
    /// `YYYY-MM`: the month whose parameters apply.
    pub month: String,
    #[schema(value_type = Object)]
    pub household: Household,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalculateOut {
    /// The amount, `1234.56`.
    pub amount: String,
    pub currency: String,
    /// Why this amount, in the reader's language.
    pub explanation: Vec<String>,
    /// The parameters used and their values (minor units or ten-thousandths).
    #[schema(value_type = Object)]
    pub params: std::collections::BTreeMap<String, i64>,
}

/// Calculate a right for a household and month, with the explanation; decides nothing.
#[utoipa::path(post, path = "/api/v1/rights/calculate", request_body = CalculateIn, responses((status = 200, body = CalculateOut), (status = 422)))]
pub async fn calculate(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<CalculateIn>,
) -> AppResult<Json<CalculateOut>> {
    let (rt, c, p) = super::calculate_for(&st.db, &f.right, &f.month, &f.household).await?;
    Ok(Json(CalculateOut {
        amount: money::plain(c.amount),
        explanation: super::explain::lines(s.ctx.locale, &c, &rt.currency),
        currency: rt.currency,
        params: p.0,
    }))
}

/// The yearly provisional calculation of a renewing right (set-based; `dry_run` only
/// reports).
#[utoipa::path(post, path = "/api/v1/rights/renewals", request_body = RenewalForm, responses((status = 200, body = Report), (status = 422)))]
pub async fn renew(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<RenewalForm>,
) -> AppResult<Json<Report>> {
    Ok(Json(
        renewal::run(&st.db, &s.actor(), &f, s.today(), &mut |_, _| {}).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// mine (default), centre, overdue, incomplete
    pub view: Option<String>,
}

/// Open procedures, by statutory deadline.
#[utoipa::path(get, path = "/api/v1/procedures", params(ViewQuery), responses((status = 200, body = Vec<ProcedureRow>)))]
pub async fn procedures(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ViewQuery>,
) -> AppResult<Json<Vec<ProcedureRow>>> {
    Ok(Json(
        applications::procedures(
            &st.db,
            &s.actor(),
            q.view.as_deref().unwrap_or("mine"),
            s.today(),
        )
        .await?,
    ))
}

/// Receive an application.
#[utoipa::path(post, path = "/api/v1/applications", request_body = ApplicationForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ApplicationForm>,
) -> CreatedOut {
    Ok(created(
        applications::create(&st.db, &s.actor(), &f, s.today()).await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationOut {
    pub application: Application,
    pub right: RightType,
    pub silent: bool,
    pub decisions: Vec<Decision>,
    pub appeals: Vec<Appeal>,
    pub entitlements: Vec<Entitlement>,
    pub findings: Vec<Item>,
    /// The calculation on the current input, for the first month of the right.
    pub amount: Option<String>,
    pub explanation: Vec<String>,
    #[schema(value_type = Object)]
    pub input: Household,
}

/// An application with its decisions, appeals, entitlements and the current calculation.
#[utoipa::path(get, path = "/api/v1/applications/{id}", responses((status = 200, body = ApplicationOut), (status = 404)))]
pub async fn get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<ApplicationOut>> {
    let v = super::view::view(&st.db, &s.actor(), id).await?;
    let (amount, explanation) = match &v.preview {
        Ok(c) => (
            Some(money::plain(c.amount)),
            super::explain::lines(s.ctx.locale, c, &v.right.currency),
        ),
        Err(_) => (None, Vec::new()),
    };
    Ok(Json(ApplicationOut {
        silent: v.application.silent(s.today()),
        input: v.application.household(),
        application: v.application,
        right: v.right,
        decisions: v.decisions,
        appeals: v.appeals,
        entitlements: v.entitlements,
        findings: v.findings,
        amount,
        explanation,
    }))
}

/// Ask for completion, or record that the application is complete.
#[utoipa::path(post, path = "/api/v1/applications/{id}/completion", request_body = CompletionForm, responses((status = 204), (status = 422), (status = 409)))]
pub async fn completion(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<CompletionForm>,
) -> AppResult<StatusCode> {
    applications::completion(&st.db, &s.actor(), id, &f, s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Save the household input of the calculation; answers the calculation on it.
#[utoipa::path(put, path = "/api/v1/applications/{id}/input", request_body = Object, responses((status = 200, body = CalculateOut), (status = 422)))]
pub async fn input(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(h): ApiJson<Household>,
) -> AppResult<Json<CalculateOut>> {
    let c = applications::save_input(&st.db, &s.actor(), id, &h).await?;
    let mut tx = st.db.begin_read().await?;
    let a = applications::guard(&mut tx, &s.actor(), id).await?;
    let rt = catalogue::get(&mut tx, a.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = catalogue::params_at(&mut tx, &rt.jurisdiction, a.first_day()).await?;
    tx.commit().await?;
    Ok(Json(CalculateOut {
        amount: money::plain(c.amount),
        explanation: super::explain::lines(s.ctx.locale, &c, &rt.currency),
        currency: rt.currency,
        params: p.only(&c.used).0,
    }))
}

/// Decide the application (an amount other than the calculator's waits for approval).
#[utoipa::path(post, path = "/api/v1/applications/{id}/decisions", request_body = DecisionForm, responses((status = 201, body = Created), (status = 422), (status = 409)))]
pub async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DecisionForm>,
) -> CreatedOut {
    Ok(created(
        decisions::decide(&st.db, &s.actor(), id, &f, s.today()).await?,
    ))
}

/// Lodge an appeal against the decision, or against silence.
#[utoipa::path(post, path = "/api/v1/applications/{id}/appeals", request_body = AppealForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn appeal(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AppealForm>,
) -> CreatedOut {
    Ok(created(
        appeals::lodge(&st.db, &s.actor(), id, &f, s.today()).await?,
    ))
}

/// Approve an amount set by hand (not by the one who decided).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/approve", responses((status = 204), (status = 403)))]
pub async fn approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    decisions::approve(&st.db, &s.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record the delivery of a decision (the appeal deadline runs from it).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/delivery", request_body = DeliveryForm, responses((status = 204), (status = 422)))]
pub async fn deliver(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DeliveryForm>,
) -> AppResult<StatusCode> {
    decisions::deliver(&st.db, &s.actor(), id, &f, s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The decision's document (PDF) as issued.
#[utoipa::path(get, path = "/api/v1/decisions/{id}/document", responses((status = 200, description = "The decision as PDF.", body = skrb_kit::web::openapi::Binary, content_type = "application/pdf"), (status = 404)))]
pub async fn document(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (name, pdf) = decisions::document(&st.db, &s.actor(), id).await?;
    Ok(pdf_response(&name, pdf))
}

pub fn pdf_response(name: &str, pdf: Vec<u8>) -> Response {
    skrb_kit::web::page::pdf_download(name, pdf)
}

/// Object to a provisional calculation (within 15 days of its deemed delivery).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/objection", request_body = ObjectionForm, responses((status = 204), (status = 422)))]
pub async fn object(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ObjectionForm>,
) -> AppResult<StatusCode> {
    renewal::object(&st.db, &s.actor(), id, &f, s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send an appeal to the second instance.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/forward", request_body = ForwardForm, responses((status = 204), (status = 422)))]
pub async fn forward(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ForwardForm>,
) -> AppResult<StatusCode> {
    appeals::forward(&st.db, &s.actor(), id, &f, s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record and apply the second instance's outcome.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/outcome", request_body = OutcomeForm, responses((status = 204), (status = 422)))]
pub async fn outcome(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<OutcomeForm>,
) -> AppResult<StatusCode> {
    appeals::outcome(&st.db, &s.actor(), id, &f, s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change (recalculate), suspend, resume or end an entitlement by a decision.
#[utoipa::path(post, path = "/api/v1/entitlements/{id}/change", request_body = ChangeForm, responses((status = 201, body = Created), (status = 422), (status = 409)))]
pub async fn change(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ChangeForm>,
) -> CreatedOut {
    Ok(created(
        decisions::change(&st.db, &s.actor(), id, &f, s.today()).await?,
    ))
}

/// The centre's commissions.
#[utoipa::path(get, path = "/api/v1/commissions", responses((status = 200, body = Vec<Commission>)))]
pub async fn commission_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<Commission>>> {
    Ok(Json(commissions::list(&st.db, &s.actor()).await?))
}

/// Set up a commission.
#[utoipa::path(post, path = "/api/v1/commissions", request_body = CommissionForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn commission_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<CommissionForm>,
) -> CreatedOut {
    Ok(created(commissions::create(&st.db, &s.actor(), &f).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommissionOut {
    pub commission: Commission,
    pub members: Vec<Member>,
    pub sessions: Vec<Session>,
}

/// A commission with its members and sessions.
#[utoipa::path(get, path = "/api/v1/commissions/{id}", responses((status = 200, body = CommissionOut), (status = 404)))]
pub async fn commission_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<CommissionOut>> {
    let v = commissions::view(&st.db, &s.actor(), id).await?;
    Ok(Json(CommissionOut {
        commission: v.commission,
        members: v.members,
        sessions: v.sessions,
    }))
}

/// Add a member.
#[utoipa::path(post, path = "/api/v1/commissions/{id}/members", request_body = MemberForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn member_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MemberForm>,
) -> CreatedOut {
    Ok(created(
        commissions::add_member(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// Plan a session.
#[utoipa::path(post, path = "/api/v1/commissions/{id}/sessions", request_body = SessionForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn session_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<SessionForm>,
) -> CreatedOut {
    Ok(created(
        commissions::add_session(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// Put every active user of a right on the commission's agendas for re-assessment.
#[utoipa::path(post, path = "/api/v1/commissions/{id}/reassessment", request_body = ReassessForm, responses((status = 200, body = Reassessment), (status = 422)))]
pub async fn reassess(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ReassessForm>,
) -> AppResult<Json<Reassessment>> {
    Ok(Json(
        commissions::reassess(&st.db, &s.actor(), id, &f, &mut |_, _| {}).await?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = CommissionSessionOut)]
pub struct SessionOut {
    pub commission: Commission,
    pub session: Session,
    pub items: Vec<Item>,
}

/// A session's agenda with the findings recorded.
#[utoipa::path(get, path = "/api/v1/commission-sessions/{id}", responses((status = 200, body = SessionOut), (status = 404)))]
pub async fn session_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<SessionOut>> {
    let v = commissions::session(&st.db, &s.actor(), id).await?;
    Ok(Json(SessionOut {
        commission: v.commission,
        session: v.session,
        items: v.items,
    }))
}

/// Put an application's person on the agenda.
#[utoipa::path(post, path = "/api/v1/commission-sessions/{id}/items", request_body = AgendaForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn item_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AgendaForm>,
) -> CreatedOut {
    Ok(created(
        commissions::add_item(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// Mark a session held.
#[utoipa::path(post, path = "/api/v1/commission-sessions/{id}/held", responses((status = 204)))]
pub async fn session_held(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    commissions::hold(&st.db, &s.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record the finding and opinion for one person on the agenda.
#[utoipa::path(post, path = "/api/v1/commission-items/{id}/finding", request_body = FindingForm, responses((status = 204), (status = 422)))]
pub async fn finding(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<FindingForm>,
) -> AppResult<StatusCode> {
    commissions::record_finding(&st.db, &s.actor(), id, &f, s.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}
