//! `/api/v1` for the directory of partner organisations.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::directory::{self, Contact, ContactForm, Partner, PartnerForm};
use skrb_kit::error::AppResult;
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::json::{created, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
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
