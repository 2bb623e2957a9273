//! `/api/v1` for payments: the same use cases as the pages and the command line.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use skrb_kit::ids::PersonId;

use super::accounts::{self, AccountForm, PayerAccount};
use super::files::{self, BankFile};
use super::history::{self, PayeeForm, PaymentLine, Recovery, RecoveryForm, Total, WriteOffForm};
use super::runs::{self, Calculated, Run, RunForm, SummaryRow};
use super::statements::{self, Imported};
use skrb_kit::error::AppResult;
use skrb_kit::form::lenient;
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::json::Created;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/payments/runs", Perm(PaymentRead), list)
        .post("/api/v1/payments/runs", Perm(PaymentRun), create)
        .get("/api/v1/payments/runs/{id}", Perm(PaymentRead), get)
        .post(
            "/api/v1/payments/runs/{id}/calculate",
            Perm(PaymentRun),
            calculate,
        )
        .post(
            "/api/v1/payments/runs/{id}/approve",
            Perm(PaymentApprove),
            approve,
        )
        .post(
            "/api/v1/payments/runs/{id}/export",
            Perm(PaymentRun),
            export,
        )
        .post(
            "/api/v1/payments/runs/{id}/discard",
            Perm(PaymentRun),
            discard,
        )
        .get(
            "/api/v1/payments/runs/{id}/files/{seq}",
            Perm(PaymentRun),
            file,
        )
        .post("/api/v1/payments/statements", Perm(PaymentRun), import)
        .get("/api/v1/payments/worklist", Perm(PaymentRead), worklist)
        .post(
            "/api/v1/payments/lines/{id}/write-off",
            Perm(PaymentRun),
            write_off,
        )
        .get("/api/v1/payments/totals", Perm(PaymentRead), totals)
        .get("/api/v1/payments/accounts", Perm(PaymentRead), account_list)
        .post("/api/v1/payments/accounts", Perm(PaymentRun), account_save)
        .get(
            "/api/v1/persons/{id}/payments",
            Perm(PaymentRead),
            of_person,
        )
        .get(
            "/api/v1/entitlements/{id}/payments",
            Perm(PaymentRead),
            of_entitlement,
        )
        .get(
            "/api/v1/entitlements/{id}/recoveries",
            Perm(PaymentRead),
            recoveries,
        )
        .post(
            "/api/v1/entitlements/{id}/recoveries",
            Perm(PaymentRun),
            add_recovery,
        )
        .put(
            "/api/v1/entitlements/{id}/payee",
            Perm(PaymentRun),
            set_payee,
        )
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VersionForm {
    /// The run's version as last read (a stale one gets 409).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

impl VersionForm {
    pub fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: Run,
    pub summary: Vec<SummaryRow>,
    pub files: Vec<BankFile>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    pub limit: Option<i64>,
}

/// Payment runs, the newest first.
#[utoipa::path(get, path = "/api/v1/payments/runs", params(LimitQuery), responses((status = 200, body = Vec<Run>)))]
pub async fn list(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<LimitQuery>,
) -> AppResult<Json<Vec<Run>>> {
    Ok(Json(
        runs::list(&st.db, &s.actor(), q.limit.unwrap_or(100).clamp(1, 1000)).await?,
    ))
}

/// Prepare a run (a draft) for a month.
#[utoipa::path(post, path = "/api/v1/payments/runs", request_body = RunForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn create(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<RunForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = runs::create(&st.db, &s.actor(), &f, s.today()).await?;
    Ok((StatusCode::CREATED, Json(Created { id, case_id: None })))
}

async fn detail(st: &AppState, s: &Signed, id: i64) -> AppResult<RunDetail> {
    let run = runs::get(&st.db, &s.actor(), id).await?;
    let mut tx = st.db.begin_read().await?;
    let files = files::of_run(&mut tx, id).await?;
    tx.commit().await?;
    Ok(RunDetail {
        summary: run.summary_rows(),
        run,
        files,
    })
}

/// A run with its summary and files.
#[utoipa::path(get, path = "/api/v1/payments/runs/{id}", responses((status = 200, body = RunDetail), (status = 404)))]
pub async fn get(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<RunDetail>> {
    Ok(Json(detail(&st, &s, id).await?))
}

/// Calculate (or recalculate) a draft or calculated run.
#[utoipa::path(post, path = "/api/v1/payments/runs/{id}/calculate", request_body = VersionForm, responses((status = 200, body = Calculated), (status = 409)))]
pub async fn calculate(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<VersionForm>,
) -> AppResult<Json<Calculated>> {
    Ok(Json(
        runs::calculate(&st.db, &s.actor(), id, f.version(), &mut |_, _| {}).await?,
    ))
}

/// Approve a calculated run (not by the one who calculated it).
#[utoipa::path(post, path = "/api/v1/payments/runs/{id}/approve", request_body = VersionForm, responses((status = 200, body = Run), (status = 403), (status = 409)))]
pub async fn approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<VersionForm>,
) -> AppResult<Json<Run>> {
    Ok(Json(
        runs::approve(&st.db, &s.actor(), id, f.version()).await?,
    ))
}

/// Export an approved run: its bank files are recorded; fetch each from `files/{seq}`.
#[utoipa::path(post, path = "/api/v1/payments/runs/{id}/export", request_body = VersionForm, responses((status = 200, body = Vec<BankFile>), (status = 409)))]
pub async fn export(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<VersionForm>,
) -> AppResult<Json<Vec<BankFile>>> {
    let out = files::export(&st.db, &s.actor(), id, f.version()).await?;
    Ok(Json(out.into_iter().map(|w| w.file).collect()))
}

/// Throw away a run not yet exported.
#[utoipa::path(post, path = "/api/v1/payments/runs/{id}/discard", request_body = VersionForm, responses((status = 204), (status = 403)))]
pub async fn discard(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<VersionForm>,
) -> AppResult<StatusCode> {
    runs::discard(&st.db, &s.actor(), id, f.version()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One bank file of an exported run (pain.001 XML or CSV), as sent.
#[utoipa::path(get, path = "/api/v1/payments/runs/{id}/files/{seq}", responses((status = 200, description = "pain.001 XML, or CSV in the account's layout.", content((skrb_kit::web::openapi::Binary = "application/xml"), (skrb_kit::web::openapi::Binary = "text/csv"))), (status = 404)))]
pub async fn file(
    State(st): State<AppState>,
    s: Signed,
    Path((id, seq)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let w = files::content(&st.db, &s.actor(), id, seq).await?;
    Ok(file_response(&w.file, w.content))
}

pub fn file_response(f: &BankFile, content: Vec<u8>) -> Response {
    let ct = if f.format == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/xml"
    };
    (
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", f.name),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        content,
    )
        .into_response()
}

/// Import a bank statement: camt.053 / camt.054 XML, or CSV with `reference;status;reason;amount;date`.
#[utoipa::path(post, path = "/api/v1/payments/statements", request_body(content = String, content_type = "application/xml"), responses((status = 200, body = Imported), (status = 403)))]
pub async fn import(
    State(st): State<AppState>,
    s: Signed,
    body: Bytes,
) -> AppResult<Json<Imported>> {
    Ok(Json(
        statements::import(&st.db, &s.actor(), &body, s.today()).await?,
    ))
}

/// Held and returned payments not yet paid again.
#[utoipa::path(get, path = "/api/v1/payments/worklist", params(LimitQuery), responses((status = 200, body = Vec<PaymentLine>)))]
pub async fn worklist(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<LimitQuery>,
) -> AppResult<Json<Vec<PaymentLine>>> {
    Ok(Json(
        history::worklist(&st.db, &s.actor(), q.limit.unwrap_or(500).clamp(1, 5000)).await?,
    ))
}

/// Take a held or returned line off the work list for good, with the reason.
#[utoipa::path(post, path = "/api/v1/payments/lines/{id}/write-off", request_body = WriteOffForm, responses((status = 204), (status = 422)))]
pub async fn write_off(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<WriteOffForm>,
) -> AppResult<StatusCode> {
    history::write_off(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthsQuery {
    /// How many months back (default 12).
    pub months: Option<i64>,
}

/// Paid out per month and right (exported runs).
#[utoipa::path(get, path = "/api/v1/payments/totals", params(MonthsQuery), responses((status = 200, body = Vec<Total>)))]
pub async fn totals(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<MonthsQuery>,
) -> AppResult<Json<Vec<Total>>> {
    Ok(Json(
        history::totals(&st.db, &s.actor(), q.months.unwrap_or(12)).await?,
    ))
}

/// The accounts payments are made from.
#[utoipa::path(get, path = "/api/v1/payments/accounts", responses((status = 200, body = Vec<PayerAccount>)))]
pub async fn account_list(
    State(st): State<AppState>,
    s: Signed,
) -> AppResult<Json<Vec<PayerAccount>>> {
    Ok(Json(accounts::list(&st.db, &s.actor()).await?))
}

/// Add the account of a funding source (or replace the centre's account for it).
#[utoipa::path(post, path = "/api/v1/payments/accounts", request_body = AccountForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn account_save(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<AccountForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = accounts::save(&st.db, &s.actor(), &f).await?;
    Ok((StatusCode::CREATED, Json(Created { id, case_id: None })))
}

/// A person's payments, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/payments", responses((status = 200, body = Vec<PaymentLine>), (status = 404)))]
pub async fn of_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<PaymentLine>>> {
    Ok(Json(
        history::of_person(&st.db, &s.actor(), PersonId(id), 500).await?,
    ))
}

/// An entitlement's payments, month by month.
#[utoipa::path(get, path = "/api/v1/entitlements/{id}/payments", responses((status = 200, body = Vec<PaymentLine>), (status = 404)))]
pub async fn of_entitlement(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<PaymentLine>>> {
    Ok(Json(history::of_entitlement(&st.db, &s.actor(), id).await?))
}

/// Recoveries of an entitlement, with what is recovered so far.
#[utoipa::path(get, path = "/api/v1/entitlements/{id}/recoveries", responses((status = 200, body = Vec<Recovery>)))]
pub async fn recoveries(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Recovery>>> {
    Ok(Json(history::recoveries_of(&st.db, &s.actor(), id).await?))
}

/// Recover an overpayment from an entitlement's coming payments by instalments.
#[utoipa::path(post, path = "/api/v1/entitlements/{id}/recoveries", request_body = RecoveryForm, responses((status = 201, body = Created), (status = 422)))]
pub async fn add_recovery(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<RecoveryForm>,
) -> AppResult<(StatusCode, Json<Created>)> {
    let id = history::add_recovery(&st.db, &s.actor(), id, &f).await?;
    Ok((StatusCode::CREATED, Json(Created { id, case_id: None })))
}

/// Pay an entitlement to someone else (a placement's institution, a parent), or with an
/// empty name to the person again; from the next run on.
#[utoipa::path(put, path = "/api/v1/entitlements/{id}/payee", request_body = PayeeForm, responses((status = 204), (status = 422)))]
pub async fn set_payee(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<PayeeForm>,
) -> AppResult<StatusCode> {
    history::set_payee(&st.db, &s.actor(), id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}
