//! `/api/v1` for referrals, including the partner portal. Documented under the
//! `partners` tag, where clients of the directory look for them.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;

use crate::manages;
use crate::referrals::{self, AnswerForm, ListParams, Reader, Referral, ReferralForm};
use skrb_kit::error::AppResult;
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::{created, ApiJson, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/referrals", Perm(CaseRead), referrals_list)
        .post("/api/v1/referrals", Perm(CaseWrite), refer)
        .post(
            "/api/v1/referrals/{id}/answer",
            Perm(CaseWrite),
            staff_answer,
        )
        .get(
            "/api/v1/portal/referrals",
            Perm(ReferralAnswer),
            portal_list,
        )
        .get(
            "/api/v1/portal/referrals/{id}",
            Perm(ReferralAnswer),
            portal_get,
        )
        .post(
            "/api/v1/portal/referrals/{id}/answer",
            Perm(ReferralAnswer),
            portal_answer,
        )
}

/// The centre's referrals (of files the user may open).
#[utoipa::path(tag = "partners", get, path = "/api/v1/referrals", params(ListParams), responses((status = 200, body = Vec<Referral>)))]
pub async fn referrals_list(
    State(st): State<AppState>,
    s: Signed,
    Query(p): Query<ListParams>,
) -> AppResult<Json<Vec<Referral>>> {
    Ok(Json(
        referrals::list(&st.db, &s.actor(), Reader::Staff, &p).await?,
    ))
}

/// Record a referral out of (to a partner) or into the centre, on a file.
#[utoipa::path(tag = "partners", post, path = "/api/v1/referrals", request_body = ReferralForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn refer(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ReferralForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        referrals::create(&st.db, &s.actor(), &f, manages(&s), s.today()).await?,
    ))
}

/// Answer a referral into the centre, or close one.
#[utoipa::path(tag = "partners", post, path = "/api/v1/referrals/{id}/answer", request_body = AnswerForm, responses((status = 204), (status = 409), (status = 422)))]
pub async fn staff_answer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AnswerForm>,
) -> AppResult<StatusCode> {
    referrals::answer(
        &st.db,
        &s.actor(),
        Reader::Staff,
        id,
        &f,
        manages(&s),
        s.today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A partner's user: the referrals addressed to their organisation.
#[utoipa::path(tag = "partners", get, path = "/api/v1/portal/referrals", params(ListParams), responses((status = 200, body = Vec<Referral>)))]
pub async fn portal_list(
    State(st): State<AppState>,
    s: Signed,
    Query(p): Query<ListParams>,
) -> AppResult<Json<Vec<Referral>>> {
    Ok(Json(
        referrals::list(&st.db, &s.actor(), Reader::Partner, &p).await?,
    ))
}

/// A partner's user: one referral addressed to them.
#[utoipa::path(tag = "partners", get, path = "/api/v1/portal/referrals/{id}", responses((status = 200, body = Referral), (status = 404)))]
pub async fn portal_get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Referral>> {
    Ok(Json(
        referrals::get_for_partner(&st.db, &s.actor(), id).await?,
    ))
}

/// A partner's user answers a referral addressed to them.
#[utoipa::path(tag = "partners", post, path = "/api/v1/portal/referrals/{id}/answer", request_body = AnswerForm, responses((status = 204), (status = 404), (status = 409), (status = 422)))]
pub async fn portal_answer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AnswerForm>,
) -> AppResult<StatusCode> {
    referrals::answer(
        &st.db,
        &s.actor(),
        Reader::Partner,
        id,
        &f,
        false,
        s.today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
