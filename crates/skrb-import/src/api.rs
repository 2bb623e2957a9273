//! `/api/v1/imports`: the same import for other systems and scripts. The file is the
//! request body; it is mapped (a profile's mapping, else the headings) and checked at
//! once, and the answer is the report. Rows, the review's decisions and the commit
//! follow, as on the pages.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use skrb_domain::import::{Choice, Kind, RowStatus};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::{created, ApiJson, Created};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

use crate::batches::{self, Batch, Counts, RowView, Uploaded};
use crate::check::Settings;
use crate::{commit, profiles};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/imports", Perm(ImportRun), list)
        .upload(
            "/api/v1/imports",
            Perm(ImportRun),
            batches::MAX_BYTES,
            upload,
        )
        .get("/api/v1/imports/{id}", Perm(ImportRun), get)
        .get("/api/v1/imports/{id}/rows", Perm(ImportRun), rows)
        .put("/api/v1/imports/{id}/mapping", Perm(ImportRun), mapping)
        .post("/api/v1/imports/{id}/decisions", Perm(ImportRun), decide)
        .post("/api/v1/imports/{id}/commit", Perm(ImportRun), commit_now)
        .get("/api/v1/import-profiles", Perm(ImportRun), profiles_list)
        .post("/api/v1/import-profiles", Perm(ImportRun), profile_save)
}

fn bad(field: &'static str, key: &'static str) -> AppError {
    AppError::Validation(vec![FieldError {
        field,
        msg: Msg::new(key),
    }])
}

fn kind_of(v: &str) -> AppResult<Kind> {
    Kind::from_code(v).ok_or_else(|| bad("kind", "err-choice"))
}

/// An import and where it stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub import: Batch,
    pub counts: Counts,
}

/// The imports of the reader's centre, newest first.
#[utoipa::path(get, path = "/api/v1/imports", responses((status = 200, body = Vec<ImportReport>)))]
pub async fn list(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<ImportReport>>> {
    let all = batches::list(&st.db, &s.actor()).await?;
    Ok(Json(
        all.into_iter()
            .map(|(import, counts)| ImportReport { import, counts })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// `persons` or `entitlements`.
    pub kind: String,
    pub file_name: Option<String>,
    /// A saved mapping of the centre (its id).
    pub profile: Option<i64>,
    /// `utf-8`, `windows-1250`, `windows-1251`; detected when absent.
    pub encoding: Option<String>,
}

/// Bring a file in (CSV or XLSX as the body): kept, mapped by the profile or the
/// headings, and checked. 201 with the report; 200 with the earlier import when the same
/// file was brought in before. An import whose required fields found no column stays
/// `uploaded` until a mapping is sent.
#[utoipa::path(post, path = "/api/v1/imports", params(UploadQuery), request_body(content = skrb_kit::web::openapi::Binary, content_type = "application/octet-stream"),
    responses((status = 201, body = ImportReport), (status = 200, body = ImportReport), (status = 413), (status = 422)))]
pub async fn upload(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<(StatusCode, Json<ImportReport>)> {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(r.body_text())
        }
    })?;
    let kind = kind_of(&q.kind)?;
    let encoding = q.encoding.unwrap_or_default();
    if !encoding.is_empty() && crate::source::encoding(&encoding).is_none() {
        return Err(bad("encoding", "err-choice"));
    }
    let a = s.actor();
    let centre = batches::centre_of(&a)?;
    let hint = Settings {
        encoding,
        ..Settings::default()
    };
    let name = q.file_name.unwrap_or_default();
    let up = batches::upload(
        &st.db,
        &a,
        centre,
        kind,
        &name,
        body.to_vec(),
        Some(hint),
        q.profile,
    )
    .await?;
    let status = match up {
        Uploaded::New(id) => {
            let (b, _) = batches::get(&st.db, &a, id).await?;
            match batches::check(&st.db, &a, id, b.settings.unwrap_or_default(), &mut |_| {}).await
            {
                Ok(_) | Err(AppError::Refused(_)) => {}
                Err(e) => return Err(e),
            }
            StatusCode::CREATED
        }
        Uploaded::Again(_) => StatusCode::OK,
    };
    let (import, counts) = batches::get(&st.db, &a, up.id()).await?;
    Ok((status, Json(ImportReport { import, counts })))
}

/// An import with its counts.
#[utoipa::path(get, path = "/api/v1/imports/{id}", responses((status = 200, body = ImportReport)))]
pub async fn get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<ImportReport>> {
    let (import, counts) = batches::get(&st.db, &s.actor(), id).await?;
    Ok(Json(ImportReport { import, counts }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    /// `valid`, `warned`, `invalid`, `duplicate`, `already`; every row when absent.
    pub status: Option<String>,
    /// Rows after this line of the file (the next page).
    pub after: Option<i64>,
    /// At most this many rows (100 by default, at most 1,000).
    pub limit: Option<i64>,
}

/// The rows of an import, as read, as mapped, with what was found and what each became.
#[utoipa::path(get, path = "/api/v1/imports/{id}/rows", params(RowsQuery), responses((status = 200, body = Vec<RowView>), (status = 422)))]
pub async fn rows(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<RowsQuery>,
) -> AppResult<Json<Vec<RowView>>> {
    let status = match q.status.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Some(RowStatus::from_code(v).ok_or_else(|| bad("status", "err-choice"))?),
        None => None,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(
        batches::rows(
            &st.db,
            &s.actor(),
            id,
            status,
            q.after.unwrap_or(0).max(0),
            limit,
        )
        .await?,
    ))
}

/// Map the columns and values again and check every row again (before anything of
/// the import is written).
#[utoipa::path(put, path = "/api/v1/imports/{id}/mapping", request_body = Settings, responses((status = 200, body = ImportReport), (status = 422)))]
pub async fn mapping(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(m): ApiJson<Settings>,
) -> AppResult<Json<ImportReport>> {
    let a = s.actor();
    if !m.encoding.is_empty() && crate::source::encoding(&m.encoding).is_none() {
        return Err(bad("encoding", "err-choice"));
    }
    batches::check(&st.db, &a, id, m, &mut |_| {}).await?;
    let (import, counts) = batches::get(&st.db, &a, id).await?;
    Ok(Json(ImportReport { import, counts }))
}

/// A reviewer's decision about duplicates.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ImportDecisionForm)]
pub struct DecisionForm {
    /// The row's line; every undecided duplicate when absent.
    pub row: Option<i64>,
    /// `merge` (persons only), `new` or `skip`.
    pub choice: String,
    /// With no row: only those with the registered person's personal number.
    pub same_number_only: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ImportDecided)]
pub struct Decided {
    pub decided: u64,
}

/// Decide a duplicate (or all undecided ones): merge into the registered person, import
/// as new, or skip.
#[utoipa::path(post, path = "/api/v1/imports/{id}/decisions", request_body = DecisionForm, responses((status = 200, body = Decided), (status = 422)))]
pub async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<DecisionForm>,
) -> AppResult<Json<Decided>> {
    let choice = Choice::from_code(&f.choice).ok_or_else(|| bad("choice", "err-choice"))?;
    let decided =
        batches::decide(&st.db, &s.actor(), id, f.row, choice, f.same_number_only).await?;
    Ok(Json(Decided { decided }))
}

/// Write every row that may go in; undecided duplicates wait. Sets are committed one by
/// one, so a commit cut off goes on where it stopped when called again.
#[utoipa::path(post, path = "/api/v1/imports/{id}/commit", responses((status = 200, body = ImportReport)))]
pub async fn commit_now(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<ImportReport>> {
    let a = s.actor();
    commit::commit(&st.db, &a, id, commit::Sets::default(), &mut |_, _| {}).await?;
    let (import, counts) = batches::get(&st.db, &a, id).await?;
    Ok(Json(ImportReport { import, counts }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfilesQuery {
    /// `persons` or `entitlements`; all when absent.
    pub kind: Option<String>,
}

/// The saved mappings of the reader's centre.
#[utoipa::path(get, path = "/api/v1/import-profiles", params(ProfilesQuery), responses((status = 200, body = Vec<profiles::Profile>), (status = 422)))]
pub async fn profiles_list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ProfilesQuery>,
) -> AppResult<Json<Vec<profiles::Profile>>> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(kind_of(k)?),
        None => None,
    };
    Ok(Json(profiles::list(&st.db, &s.actor(), kind).await?))
}

/// A mapping to keep under a name.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ImportProfileForm)]
pub struct ProfileForm {
    pub kind: String,
    pub name: String,
    pub mapping: Settings,
}

/// Keep a mapping under a name (replacing the centre's profile of that name).
#[utoipa::path(post, path = "/api/v1/import-profiles", request_body = ProfileForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn profile_save(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<ProfileForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let kind = kind_of(&f.kind)?;
    let a = s.actor();
    let centre = batches::centre_of(&a)?;
    Ok(created(
        profiles::save(&st.db, &a, centre, kind, &f.name, &f.mapping).await?,
    ))
}
