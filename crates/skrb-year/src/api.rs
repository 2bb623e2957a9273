//! `/api/v1/year`: the centre's year for other systems: staff and the head count on a
//! day, action plans against what is done on a day (with computed indicators' numerators
//! and denominators), progress updates and their review, round tables with their
//! results and proposals; and `/api/v1/public/centres/{code}`, the public page as JSON
//! for a municipality's site (no sign-in).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use crate::plans::{
    self, ActivityFile, ActivityForm, IndicatorForm, Plan, PlanFile, PlanForm, ReviewForm,
    UpdateForm,
};
use crate::public::{self, PublicCentre};
use crate::round_tables::{self, OutcomeForm, RoundTable, RoundTableFile};
use crate::staff::{self, GroupForm, HeadCount, MemberForm, StaffForm, StaffMember, WorkingGroup};
use crate::strategies::{self, GoalForm, Strategy, StrategyFile, StrategyForm};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::i18n::Locale;
use skrb_kit::web::context::{Ctx, Signed};
use skrb_kit::web::json::{created, ApiJson, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use time::Date;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/year/staff", Perm(YearRead), staff_list)
        .post("/api/v1/year/staff", Perm(YearManage), staff_create)
        .post("/api/v1/year/staff/{id}", Perm(YearManage), staff_update)
        .get("/api/v1/year/headcount", Perm(YearRead), headcount)
        .get("/api/v1/year/groups", Perm(YearRead), groups_list)
        .post("/api/v1/year/groups", Perm(YearManage), group_create)
        .post(
            "/api/v1/year/groups/{id}/members",
            Perm(YearManage),
            member_add,
        )
        .get("/api/v1/year/strategies", Perm(YearRead), strategies_list)
        .post("/api/v1/year/strategies", Perm(YearManage), strategy_create)
        .get("/api/v1/year/strategies/{id}", Perm(YearRead), strategy_get)
        .post(
            "/api/v1/year/strategies/{id}/items",
            Perm(YearManage),
            strategy_item,
        )
        .get("/api/v1/year/plans", Perm(YearRead), plans_list)
        .post("/api/v1/year/plans", Perm(YearManage), plan_create)
        .get("/api/v1/year/plans/{id}", Perm(YearRead), plan_get)
        .post(
            "/api/v1/year/plans/{id}/activities",
            Perm(YearManage),
            activity_create,
        )
        .get("/api/v1/year/activities/{id}", Perm(YearRead), activity_get)
        .post(
            "/api/v1/year/activities/{id}",
            Perm(YearManage),
            activity_change,
        )
        .post(
            "/api/v1/year/activities/{id}/indicators",
            Perm(YearManage),
            indicator_create,
        )
        .post(
            "/api/v1/year/activities/{id}/updates",
            Perm(YearManage),
            update_submit,
        )
        .post(
            "/api/v1/year/updates/{id}/review",
            Perm(PlanApprove),
            update_review,
        )
        .get(
            "/api/v1/year/round-tables",
            Perm(YearRead),
            round_tables_list,
        )
        .get(
            "/api/v1/year/round-tables/{id}",
            Perm(YearRead),
            round_table_get,
        )
        .post(
            "/api/v1/year/round-tables/{id}/proposals/{proposal}",
            Perm(YearManage),
            decide,
        )
        .get("/api/v1/public/centres/{code}", Public, public_get)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The day, `YYYY-MM-DD` (today when omitted).
    pub on: Option<String>,
}

/// The day asked (today when omitted); anything but a date is refused as input.
fn on(q: &OnQuery, s: &Signed) -> AppResult<Date> {
    match q.on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(s.today()),
        Some(d) => skrb_kit::dates::parse_date(d)
            .filter(|d| (2000..=2100).contains(&d.year()))
            .ok_or_else(|| {
                AppError::Validation(vec![FieldError {
                    field: "on",
                    msg: Msg::new("err-date"),
                }])
            }),
    }
}

/// Who works for the centre on a day.
#[utoipa::path(get, path = "/api/v1/year/staff", params(OnQuery), responses((status = 200, body = Vec<StaffMember>), (status = 422)))]
pub async fn staff_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<OnQuery>,
) -> AppResult<Json<Vec<StaffMember>>> {
    Ok(Json(
        staff::list(&st.db, &s.actor(), Some(on(&q, &s)?)).await?,
    ))
}

/// Add a person who works for the centre.
#[utoipa::path(post, path = "/api/v1/year/staff", request_body = StaffForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn staff_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<StaffForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(staff::create(&st.db, &s.actor(), &f).await?))
}

/// Change a staff record (the contract ended, the hours changed), against the `version`
/// read.
#[utoipa::path(post, path = "/api/v1/year/staff/{id}", request_body = StaffForm, responses((status = 204), (status = 404), (status = 409), (status = 422)))]
pub async fn staff_update(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<StaffForm>,
) -> AppResult<StatusCode> {
    staff::update(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The head count on a day by kind and funding.
#[utoipa::path(get, path = "/api/v1/year/headcount", params(OnQuery), responses((status = 200, body = HeadCount), (status = 422)))]
pub async fn headcount(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<OnQuery>,
) -> AppResult<Json<HeadCount>> {
    Ok(Json(
        staff::head_count(&st.db, &s.actor(), on(&q, &s)?).await?,
    ))
}

/// The working groups and committees the centre sits in, with their members.
#[utoipa::path(get, path = "/api/v1/year/groups", responses((status = 200, body = Vec<WorkingGroup>)))]
pub async fn groups_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<WorkingGroup>>> {
    Ok(Json(staff::groups(&st.db, &s.actor()).await?))
}

/// Record a working group or committee.
#[utoipa::path(post, path = "/api/v1/year/groups", request_body = GroupForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn group_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<GroupForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(staff::create_group(&st.db, &s.actor(), &f).await?))
}

/// A staff member joins a working group (with a role and a period).
#[utoipa::path(post, path = "/api/v1/year/groups/{id}/members", request_body = MemberForm, responses((status = 204), (status = 404), (status = 422)))]
pub async fn member_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<MemberForm>,
) -> AppResult<StatusCode> {
    staff::add_member(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The centre's strategies.
#[utoipa::path(get, path = "/api/v1/year/strategies", responses((status = 200, body = Vec<Strategy>)))]
pub async fn strategies_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<Strategy>>> {
    Ok(Json(strategies::list(&st.db, &s.actor()).await?))
}

/// Record a strategy (the municipality's or the centre's own).
#[utoipa::path(post, path = "/api/v1/year/strategies", request_body = StrategyForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn strategy_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<StrategyForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(strategies::create(&st.db, &s.actor(), &f).await?))
}

/// A strategy with its goals and measures.
#[utoipa::path(get, path = "/api/v1/year/strategies/{id}", responses((status = 200, body = StrategyFile), (status = 404)))]
pub async fn strategy_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<StrategyFile>> {
    Ok(Json(strategies::get(&st.db, &s.actor(), id).await?))
}

/// Add a goal to a strategy, or a measure to one of its goals.
#[utoipa::path(post, path = "/api/v1/year/strategies/{id}/items", request_body = GoalForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn strategy_item(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<GoalForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        strategies::add_item(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// The centre's action plans.
#[utoipa::path(get, path = "/api/v1/year/plans", responses((status = 200, body = Vec<Plan>)))]
pub async fn plans_list(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<Plan>>> {
    Ok(Json(plans::list(&st.db, &s.actor()).await?))
}

/// Create the action plan of a year.
#[utoipa::path(post, path = "/api/v1/year/plans", request_body = PlanForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn plan_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<PlanForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(plans::create(&st.db, &s.actor(), &f).await?))
}

/// The plan against what is done on a day: each activity's status, each indicator's
/// actual (computed ones with their numerator and denominator).
#[utoipa::path(get, path = "/api/v1/year/plans/{id}", params(OnQuery), responses((status = 200, body = PlanFile), (status = 404), (status = 422)))]
pub async fn plan_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<OnQuery>,
) -> AppResult<Json<PlanFile>> {
    Ok(Json(
        plans::file(&st.db, &s.actor(), id, on(&q, &s)?).await?,
    ))
}

/// Add an activity to the plan.
#[utoipa::path(post, path = "/api/v1/year/plans/{id}/activities", request_body = ActivityForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn activity_create(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ActivityForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        plans::add_activity(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// An activity on a day: its indicators, their actuals per quarter, every update sent.
#[utoipa::path(get, path = "/api/v1/year/activities/{id}", params(OnQuery), responses((status = 200, body = ActivityFile), (status = 404), (status = 422)))]
pub async fn activity_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<OnQuery>,
) -> AppResult<Json<ActivityFile>> {
    Ok(Json(
        plans::activity(&st.db, &s.actor(), id, on(&q, &s)?).await?,
    ))
}

/// Change an activity (title, measure, responsible, deadline, partners) against the
/// `version` read.
#[utoipa::path(post, path = "/api/v1/year/activities/{id}", request_body = ActivityForm, responses((status = 204), (status = 404), (status = 409), (status = 422)))]
pub async fn activity_change(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ActivityForm>,
) -> AppResult<StatusCode> {
    plans::change_activity(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an indicator (computed or entered) to an activity.
#[utoipa::path(post, path = "/api/v1/year/activities/{id}/indicators", request_body = IndicatorForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn indicator_create(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<IndicatorForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        plans::add_indicator(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// Send a progress update for approval (a `form_key` sent twice saves it once).
#[utoipa::path(post, path = "/api/v1/year/activities/{id}/updates", request_body = UpdateForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn update_submit(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<UpdateForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(plans::submit(&st.db, &s.actor(), id, &f).await?))
}

/// Approve an update or send it back with a comment (not one's own).
#[utoipa::path(post, path = "/api/v1/year/updates/{id}/review", request_body = ReviewForm, responses((status = 204), (status = 403), (status = 409), (status = 422)))]
pub async fn update_review(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ReviewForm>,
) -> AppResult<StatusCode> {
    plans::review(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The centre's round tables with their counts.
#[utoipa::path(get, path = "/api/v1/year/round-tables", responses((status = 200, body = Vec<RoundTable>)))]
pub async fn round_tables_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<RoundTable>>> {
    Ok(Json(round_tables::list(&st.db, &s.actor()).await?))
}

/// A round table: invitations, who came, the results per question, the proposals.
#[utoipa::path(get, path = "/api/v1/year/round-tables/{id}", responses((status = 200, body = RoundTableFile), (status = 404)))]
pub async fn round_table_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<RoundTableFile>> {
    Ok(Json(round_tables::file(&st.db, &s.actor(), id).await?))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Decided {
    /// The activity of the next plan an accepted proposal became.
    pub activity_id: Option<i64>,
}

/// Decide a proposal: accepted into the next year's plan, or answered with a reason.
#[utoipa::path(post, path = "/api/v1/year/round-tables/{id}/proposals/{proposal}", request_body = OutcomeForm, responses((status = 200, body = Decided), (status = 409), (status = 422)))]
pub async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path((id, proposal)): Path<(i64, i64)>,
    ApiJson(f): ApiJson<OutcomeForm>,
) -> AppResult<Json<Decided>> {
    let activity_id = round_tables::decide(&st.db, &s.actor(), id, proposal, &f).await?;
    Ok(Json(Decided { activity_id }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// sl, sr-Cyrl, sr-Latn, en (the reader's language when omitted).
    pub lang: Option<String>,
}

/// A centre's public page (no sign-in): address, office hours, contacts, how to apply for
/// each right and service, news.
#[utoipa::path(get, path = "/api/v1/public/centres/{code}", params(LangQuery), responses((status = 200, body = PublicCentre), (status = 404)))]
pub async fn public_get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> AppResult<Json<PublicCentre>> {
    let l = q
        .lang
        .as_deref()
        .and_then(|c| Locale::ALL.into_iter().find(|l| l.code() == c))
        .unwrap_or(ctx.locale);
    Ok(Json(public::page(&st.db, &code, l, ctx.today()).await?))
}
