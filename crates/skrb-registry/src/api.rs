//! `/api/v1` for the registry: the same input types, use cases and permissions as the UI.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::households::{self, EndForm, HouseholdForm, JoinForm};
use super::input::PersonForm;
use super::persons::{self, Municipality, Override, Person, Updated};
use super::search::{self, PersonSummary};
use skrb_kit::audit::Change;
use skrb_kit::auth::Permission;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/persons", Perm(RegistryRead), search)
        .post("/api/v1/persons", Perm(RegistryWrite), create_person)
        .get("/api/v1/persons/{id}", Perm(RegistryRead), get_person)
        .put("/api/v1/persons/{id}", Perm(RegistryWrite), update_person)
        .get(
            "/api/v1/persons/{id}/history",
            Perm(RegistryRead),
            person_history,
        )
        .get(
            "/api/v1/persons/{id}/households",
            Perm(RegistryRead),
            person_households,
        )
        .post("/api/v1/households", Perm(RegistryWrite), create_household)
        .get("/api/v1/households/{id}", Perm(RegistryRead), get_household)
        .post(
            "/api/v1/households/{id}/members",
            Perm(RegistryWrite),
            add_member,
        )
        .post(
            "/api/v1/households/{id}/members/{member}/end",
            Perm(RegistryWrite),
            end_member,
        )
        .get("/api/v1/municipalities", Perm(RegistryRead), municipalities)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonOut {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    pub emso: Option<String>,
    pub identity_override_reason: Option<String>,
    pub citizenship: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub place: Option<String>,
    pub municipality_id: Option<i64>,
    pub municipality_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub iban: Option<String>,
    pub notes: Option<String>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        let d = p.data;
        PersonOut {
            id: p.id,
            given_name: d.given_name,
            family_name: d.family_name,
            birth_date: d.birth_date,
            sex: d.sex.map(|s| s.code().to_string()),
            emso: d.emso,
            identity_override_reason: p.identity_override_reason,
            citizenship: d.citizenship,
            address: d.address,
            postal_code: d.postal_code,
            place: d.place,
            municipality_id: d.municipality_id,
            municipality_name: p.municipality_name,
            phone: d.phone,
            email: d.email,
            iban: d.iban,
            notes: d.notes,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Any part of a name (any script), or the start of an EMŠO/JMBG.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<u32>,
    #[serde(default)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchOut {
    pub items: Vec<PersonSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Find persons.
#[utoipa::path(get, path = "/api/v1/persons", params(SearchQuery), responses((status = 200, body = SearchOut)))]
pub async fn search(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<SearchQuery>,
) -> AppResult<Json<SearchOut>> {
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(20).clamp(1, search::MAX_PER_PAGE);
    let found = search::search(&st.db, &s.actor(), &q.q, page, per_page).await?;
    Ok(Json(SearchOut {
        items: found.items,
        total: found.total,
        page,
        per_page,
    }))
}

fn override_of(s: &Signed, f: &PersonForm) -> Override {
    Override {
        reason: Some(f.override_reason.clone()),
        allowed: s.may(Permission::IdentityOverride),
    }
}

/// Register a person. Identity warnings (bad check digit, duplicate number, probable
/// duplicate) answer 422 with `warnings`; resend with `override_reason` to save anyway.
#[utoipa::path(post, path = "/api/v1/persons", request_body = PersonForm,
    responses((status = 201, body = PersonOut), (status = 422, description = "invalid fields or warnings")))]
pub async fn create_person(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<PersonForm>,
) -> AppResult<(StatusCode, Json<PersonOut>)> {
    let d = f.parse(s.today()).map_err(AppError::Validation)?;
    let p = persons::create(&st.db, &s.actor(), &d, &override_of(&s, &f)).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/persons/{id}", responses((status = 200, body = PersonOut), (status = 404)))]
pub async fn get_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<PersonOut>> {
    Ok(Json(persons::get(&st.db, &s.actor(), id).await?.into()))
}

/// Change a person. `version` must be the one read; a stale version answers 409 with
/// `current_version`, and nothing is changed.
#[utoipa::path(put, path = "/api/v1/persons/{id}", request_body = PersonForm,
    responses((status = 200, body = PersonOut), (status = 409, description = "edited by someone else meanwhile")))]
pub async fn update_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<PersonForm>,
) -> AppResult<Json<PersonOut>> {
    let version = f.version.ok_or_else(|| {
        AppError::BadRequest("the field `version` is required when updating".into())
    })?;
    let d = f.parse(s.today()).map_err(AppError::Validation)?;
    let p = match persons::update(&st.db, &s.actor(), id, version, &d, &override_of(&s, &f)).await?
    {
        Updated::Saved(p) | Updated::Unchanged(p) => p,
    };
    Ok(Json(p.into()))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryOut {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub username: String,
    pub action: String,
    pub changes: Vec<Change>,
    pub reason: Option<String>,
}

/// Who created and changed a person, field by field, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/history", responses((status = 200, body = [HistoryOut])))]
pub async fn person_history(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<HistoryOut>>> {
    let h = persons::history(&st.db, &s.actor(), id).await?;
    Ok(Json(
        h.into_iter()
            .map(|e| HistoryOut {
                at: e.at,
                username: e.username,
                action: e.action,
                changes: e.changes,
                reason: e.reason,
            })
            .collect(),
    ))
}

/// A person's household memberships, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/households", responses((status = 200, body = [households::Member])))]
pub async fn person_households(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<households::Member>>> {
    let list = households::of_person(&st.db, &s.actor(), id).await?;
    Ok(Json(list.into_iter().map(|(m, _)| m).collect()))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HouseholdOut {
    pub household: households::Household,
    pub members: Vec<households::Member>,
}

async fn household_out(st: &AppState, s: &Signed, id: i64) -> AppResult<Json<HouseholdOut>> {
    let (household, members) = households::get(&st.db, &s.actor(), id).await?;
    Ok(Json(HouseholdOut { household, members }))
}

/// Create a household around its head.
#[utoipa::path(post, path = "/api/v1/households", request_body = HouseholdForm, responses((status = 201, body = HouseholdOut)))]
pub async fn create_household(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<HouseholdForm>,
) -> AppResult<(StatusCode, Json<HouseholdOut>)> {
    let id = households::create(&st.db, &s.actor(), &f, s.today()).await?;
    Ok((StatusCode::CREATED, household_out(&st, &s, id).await?))
}

/// A household with its members, past and present.
#[utoipa::path(get, path = "/api/v1/households/{id}", responses((status = 200, body = HouseholdOut)))]
pub async fn get_household(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<HouseholdOut>> {
    household_out(&st, &s, id).await
}

/// Add a member, or move a person here from another household.
#[utoipa::path(post, path = "/api/v1/households/{id}/members", request_body = JoinForm, responses((status = 201, body = HouseholdOut)))]
pub async fn add_member(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(mut f): ApiJson<JoinForm>,
) -> AppResult<(StatusCode, Json<HouseholdOut>)> {
    f.household_id = id.to_string();
    households::add_member(&st.db, &s.actor(), &f, s.today()).await?;
    Ok((StatusCode::CREATED, household_out(&st, &s, id).await?))
}

/// End a membership without a move (death, leaving the country, unknown address).
#[utoipa::path(post, path = "/api/v1/households/{id}/members/{member}/end", request_body = EndForm, responses((status = 200, body = HouseholdOut)))]
pub async fn end_member(
    State(st): State<AppState>,
    s: Signed,
    Path((id, member)): Path<(i64, i64)>,
    ApiJson(f): ApiJson<EndForm>,
) -> AppResult<Json<HouseholdOut>> {
    households::end_member(&st.db, &s.actor(), id, member, &f, s.today()).await?;
    household_out(&st, &s, id).await
}

/// Municipalities of the centre.
#[utoipa::path(get, path = "/api/v1/municipalities", responses((status = 200, body = [Municipality])))]
pub async fn municipalities(State(st): State<AppState>) -> AppResult<Json<Vec<Municipality>>> {
    Ok(Json(persons::municipalities(&st.db).await?))
}
