//! `/api/v1` for partners and referrals, including the partner portal.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::directory::{self, Contact, ContactForm, Partner, PartnerForm};
use super::referrals::{self, AnswerForm, ListParams, Reader, Referral, ReferralForm};
use crate::cases::api::Created;
use crate::cases::manages;
use crate::error::AppResult;
use crate::registry::api::ApiJson;
use crate::registry::today;
use crate::web::context::Signed;
use crate::web::routes::{Access, Routes};
use crate::web::AppState;

pub fn routes() -> Routes {
    use crate::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/partners", Perm(CaseRead), list)
        .post("/api/v1/partners", Perm(PartnerManage), create)
        .get("/api/v1/partners/{id}", Perm(CaseRead), get)
        .post(
            "/api/v1/partners/{id}/contacts",
            Perm(PartnerManage),
            add_contact,
        )
        .post("/api/v1/partners/{id}/users", Perm(UserAdmin), link_user)
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

fn created(id: i64) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id, case_id: None }))
}

/// Partner organisations of the user's centre.
#[utoipa::path(get, path = "/api/v1/partners", params(("q" = Option<String>, Query)), responses((status = 200, body = Vec<Partner>)))]
pub async fn list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> AppResult<Json<Vec<Partner>>> {
    Ok(Json(
        directory::list(
            &st.db,
            &s.actor(),
            q.get("q").map(String::as_str).unwrap_or(""),
        )
        .await?,
    ))
}

/// Add a partner organisation.
#[utoipa::path(post, path = "/api/v1/partners", request_body = PartnerForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<PartnerForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(directory::create(&st.db, &s.actor(), &f).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerOut {
    pub partner: Partner,
    pub contacts: Vec<Contact>,
}

/// A partner with its contact people.
#[utoipa::path(get, path = "/api/v1/partners/{id}", responses((status = 200, body = PartnerOut), (status = 404)))]
pub async fn get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<PartnerOut>> {
    let (partner, contacts) = directory::get(&st.db, &s.actor(), id).await?;
    Ok(Json(PartnerOut { partner, contacts }))
}

/// Add a contact person to a partner.
#[utoipa::path(post, path = "/api/v1/partners/{id}/contacts", request_body = ContactForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_contact(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<ContactForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        directory::add_contact(&st.db, &s.actor(), id, &f).await?,
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    /// An account of the role partner.
    pub username: String,
}

/// Link a partner's user account to the organisation.
#[utoipa::path(post, path = "/api/v1/partners/{id}/users", request_body = LinkIn, responses((status = 204), (status = 422)))]
pub async fn link_user(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<LinkIn>,
) -> AppResult<StatusCode> {
    directory::link_user(&st.db, &s.actor(), Some(id), &f.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The centre's referrals (of files the user may open).
#[utoipa::path(get, path = "/api/v1/referrals", params(ListParams), responses((status = 200, body = Vec<Referral>)))]
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
#[utoipa::path(post, path = "/api/v1/referrals", request_body = ReferralForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn refer(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ReferralForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    Ok(created(
        referrals::create(&st.db, &s.actor(), &f, manages(&s), today()).await?,
    ))
}

/// Answer a referral into the centre, or close one.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/answer", request_body = AnswerForm, responses((status = 204), (status = 409), (status = 422)))]
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
        today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A partner's user: the referrals addressed to their organisation.
#[utoipa::path(get, path = "/api/v1/portal/referrals", params(ListParams), responses((status = 200, body = Vec<Referral>)))]
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
#[utoipa::path(get, path = "/api/v1/portal/referrals/{id}", responses((status = 200, body = Referral), (status = 404)))]
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
#[utoipa::path(post, path = "/api/v1/portal/referrals/{id}/answer", request_body = AnswerForm, responses((status = 204), (status = 404), (status = 409), (status = 422)))]
pub async fn portal_answer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<AnswerForm>,
) -> AppResult<StatusCode> {
    referrals::answer(&st.db, &s.actor(), Reader::Partner, id, &f, false, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}
