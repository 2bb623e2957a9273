//! `/api/v1/programmes`: extra programmes for other systems: the year's programmes and
//! one programme's budget and partners, its list (evaluate, add by hand, remove, approve),
//! handing over; the committee's proposals, sessions and decisions; community actions;
//! the year's totals; and `/api/v1/vouchers/redeem` for a partner's till.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use crate::actions::{self, ActionForm, CommunityAction};
use crate::committee::{self, DecisionForm, Overview, ProposalForm, Session, SessionForm};
use crate::distributions::{self, EntryFile, HandForm};
use crate::lists::{self, AddForm, Entry, Evaluated, Filter, Issued, RemoveForm};
use crate::programmes::{self, FundingForm, PartnerForm, ProgrammeFile, ProgrammeForm, Row};
use crate::totals::{self, Totals};
use crate::vouchers::{self, RedeemForm, Redeemed};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::{created, ApiJson, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/programmes", Perm(ProgrammeRead), list)
        .post("/api/v1/programmes", Perm(ProgrammeManage), create)
        .get("/api/v1/programmes/totals", Perm(ProgrammeRead), totals_get)
        .get(
            "/api/v1/programmes/committee",
            Perm(ProgrammeRead),
            committee_get,
        )
        .post(
            "/api/v1/programmes/committee/proposals",
            Perm(ProgrammeManage),
            propose,
        )
        .post(
            "/api/v1/programmes/committee/sessions",
            Perm(ProgrammeManage),
            session_create,
        )
        .get(
            "/api/v1/programmes/committee/sessions/{id}",
            Perm(ProgrammeRead),
            session_get,
        )
        .post(
            "/api/v1/programmes/committee/sessions/{id}/proposals/{proposal}",
            Perm(ProgrammeManage),
            decide,
        )
        .get(
            "/api/v1/programmes/actions",
            Perm(ProgrammeRead),
            actions_list,
        )
        .post(
            "/api/v1/programmes/actions",
            Perm(ProgrammeManage),
            action_create,
        )
        .get("/api/v1/programmes/{id}", Perm(ProgrammeRead), get)
        .post(
            "/api/v1/programmes/{id}/funding",
            Perm(ProgrammeManage),
            funding_add,
        )
        .post(
            "/api/v1/programmes/{id}/partners",
            Perm(ProgrammeManage),
            partner_add,
        )
        .post(
            "/api/v1/programmes/{id}/evaluate",
            Perm(ProgrammeManage),
            evaluate,
        )
        .post(
            "/api/v1/programmes/{id}/approve",
            Perm(ProgrammeApprove),
            approve,
        )
        .get(
            "/api/v1/programmes/{id}/entries",
            Perm(ProgrammeRead),
            entries,
        )
        .post(
            "/api/v1/programmes/{id}/entries",
            Perm(ProgrammeManage),
            entry_add,
        )
        .get(
            "/api/v1/programmes/{id}/entries/{entry}",
            Perm(ProgrammeRead),
            entry_get,
        )
        .post(
            "/api/v1/programmes/{id}/entries/{entry}/remove",
            Perm(ProgrammeManage),
            entry_remove,
        )
        .post(
            "/api/v1/programmes/{id}/distributions",
            Perm(ProgrammeManage),
            hand_over,
        )
        .post("/api/v1/vouchers/redeem", Perm(VoucherRedeem), redeem)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (this year when omitted).
    pub year: Option<i32>,
}

/// The year asked (this year when omitted); a year far from now is refused as input.
fn year(q: &YearQuery, s: &Signed) -> AppResult<i32> {
    let y = q.year.unwrap_or(s.today().year());
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(AppError::Validation(vec![skrb_kit::error::FieldError {
            field: "year",
            msg: Msg::new("err-number"),
        }]))
    }
}

/// The centre's programmes of a year with their budgets.
#[utoipa::path(get, path = "/api/v1/programmes", params(YearQuery), responses((status = 200, body = Vec<Row>)))]
pub async fn list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Vec<Row>>> {
    Ok(Json(
        programmes::list(&st.db, &s.actor(), year(&q, &s)?).await?,
    ))
}

/// Create a programme (with a first source of funding).
#[utoipa::path(post, path = "/api/v1/programmes", request_body = ProgrammeForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ProgrammeForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(programmes::create(&st.db, &s.actor(), &f).await?))
}

/// A programme with its budget (available, committed, used) and partners.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", responses((status = 200, body = ProgrammeFile), (status = 404)))]
pub async fn get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<ProgrammeFile>> {
    Ok(Json(programmes::file(&st.db, &s.actor(), id).await?))
}

/// Add a source of funding to the budget.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/funding", request_body = FundingForm, responses((status = 204), (status = 422)))]
pub async fn funding_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<FundingForm>,
) -> AppResult<StatusCode> {
    programmes::add_funding(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A partner of the directory takes part, doing one thing.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/partners", request_body = PartnerForm, responses((status = 204), (status = 422)))]
pub async fn partner_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<PartnerForm>,
) -> AppResult<StatusCode> {
    programmes::add_partner(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeEvaluateBody)]
pub struct EvaluateBody {
    /// The day the rule is evaluated on, `YYYY-MM-DD` (today when omitted).
    pub on: Option<String>,
}

/// Evaluate the rule into the draft list: counts and the budget it would use.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/evaluate", request_body = EvaluateBody, responses((status = 200, body = Evaluated), (status = 403), (status = 422)))]
pub async fn evaluate(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EvaluateBody>,
) -> AppResult<Json<Evaluated>> {
    let day = match b.on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => skrb_kit::dates::parse_date(d).ok_or_else(|| {
            AppError::Validation(vec![skrb_kit::error::FieldError {
                field: "on",
                msg: Msg::new("err-date"),
            }])
        })?,
        None => s.today(),
    };
    Ok(Json(lists::evaluate(&st.db, &s.actor(), id, day).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeApproveBody)]
pub struct ApproveBody {
    /// The programme's version as read (a list changed since is a conflict).
    pub version: Option<i64>,
}

/// A second person approves the list: it is frozen, vouchers or payments are issued.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/approve", request_body = ApproveBody, responses((status = 200, body = Issued), (status = 403), (status = 409)))]
pub async fn approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ApproveBody>,
) -> AppResult<Json<Issued>> {
    let v = b.version.map(|v| v.to_string()).unwrap_or_default();
    Ok(Json(lists::approve(&st.db, &s.actor(), id, &v).await?))
}

/// A page of the list (`show=removed` or `show=open` for what was not collected).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/entries", params(Filter), responses((status = 200, body = Vec<Entry>), (status = 404)))]
pub async fn entries(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(f): Query<Filter>,
) -> AppResult<Json<Vec<Entry>>> {
    Ok(Json(lists::entries(&st.db, &s.actor(), id, &f).await?.0))
}

/// Add a person to the draft list by hand, with a reason.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/entries", request_body = AddForm, responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn entry_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AddForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(lists::add(&st.db, &s.actor(), id, &f).await?))
}

/// A row of the list with what was handed over.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/entries/{entry}", responses((status = 200, body = EntryFile), (status = 404)))]
pub async fn entry_get(
    State(st): State<AppState>,
    s: Signed,
    Path((id, entry)): Path<(i64, i64)>,
) -> AppResult<Json<EntryFile>> {
    Ok(Json(
        distributions::entry_file(&st.db, &s.actor(), id, entry).await?,
    ))
}

/// Take a row off the draft list, with a reason.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/entries/{entry}/remove", request_body = RemoveForm, responses((status = 204), (status = 403), (status = 422)))]
pub async fn entry_remove(
    State(st): State<AppState>,
    s: Signed,
    Path((id, entry)): Path<(i64, i64)>,
    ApiJson(f): ApiJson<RemoveForm>,
) -> AppResult<StatusCode> {
    lists::remove(&st.db, &s.actor(), id, entry, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record a handing over (a `key` sent twice is saved once).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/distributions", request_body = HandForm, responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn hand_over(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<HandForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        distributions::record(&st.db, &s.actor(), id, &f).await?,
    ))
}

/// The committee's waiting proposals (with aid elsewhere in the year) and sessions.
#[utoipa::path(get, path = "/api/v1/programmes/committee", params(YearQuery), responses((status = 200, body = Overview)))]
pub async fn committee_get(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Overview>> {
    Ok(Json(
        committee::overview(&st.db, &s.actor(), year(&q, &s)?).await?,
    ))
}

/// Propose a person to a municipality's committee.
#[utoipa::path(post, path = "/api/v1/programmes/committee/proposals", request_body = ProposalForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn propose(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ProposalForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(committee::propose(&st.db, &s.actor(), &f).await?))
}

/// Record a session of a municipality's committee.
#[utoipa::path(post, path = "/api/v1/programmes/committee/sessions", request_body = SessionForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn session_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<SessionForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        committee::session_create(&st.db, &s.actor(), &f).await?,
    ))
}

/// A session with its proposals (decided there, and waiting for it).
#[utoipa::path(get, path = "/api/v1/programmes/committee/sessions/{id}", responses((status = 200, body = Session), (status = 404)))]
pub async fn session_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Session>> {
    Ok(Json(committee::session(&st.db, &s.actor(), id).await?))
}

/// The committee's decision on a proposal; an amount is paid once by the next run.
#[utoipa::path(post, path = "/api/v1/programmes/committee/sessions/{id}/proposals/{proposal}", request_body = DecisionForm, responses((status = 204), (status = 403), (status = 409), (status = 422)))]
pub async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path((id, proposal)): Path<(i64, i64)>,
    ApiJson(f): ApiJson<DecisionForm>,
) -> AppResult<StatusCode> {
    committee::decide(&st.db, &s.actor(), id, proposal, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The year's community actions.
#[utoipa::path(get, path = "/api/v1/programmes/actions", params(YearQuery), responses((status = 200, body = Vec<CommunityAction>)))]
pub async fn actions_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Vec<CommunityAction>>> {
    Ok(Json(
        actions::list(&st.db, &s.actor(), year(&q, &s)?).await?,
    ))
}

/// Record a community action with participants by group.
#[utoipa::path(post, path = "/api/v1/programmes/actions", request_body = ActionForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn action_create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ActionForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(actions::create(&st.db, &s.actor(), &f).await?))
}

/// The year's totals for the annual report.
#[utoipa::path(get, path = "/api/v1/programmes/totals", params(YearQuery), responses((status = 200, body = Totals)))]
pub async fn totals_get(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Totals>> {
    Ok(Json(totals::year(&st.db, &s.actor(), year(&q, &s)?).await?))
}

/// Redeem a voucher at the partner's till: 200 with `now: true` the first time; the same
/// code again answers 409 with the voucher (when and where it was redeemed).
#[utoipa::path(post, path = "/api/v1/vouchers/redeem", request_body = RedeemForm, responses((status = 200, body = Redeemed), (status = 409, body = Redeemed), (status = 422)))]
pub async fn redeem(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<RedeemForm>,
) -> AppResult<(StatusCode, Json<Redeemed>)> {
    let r = vouchers::redeem(&st.db, &s.actor(), &f).await?;
    let status = if r.now {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, Json(r)))
}
