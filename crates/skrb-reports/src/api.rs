//! `/api/v1/reports`: the annual work report's tables for other systems (a ministry's
//! warehouse, a municipality's site): each cell typed, small counts hidden for readers of
//! figures only, read from the report replica.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use skrb_kit::audit::Action;
use skrb_kit::error::AppResult;
use skrb_kit::sheet::Table;
use skrb_kit::web::context::Signed;
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use time::Date;

use crate::narrative;
use crate::publication::{self, Publication};
use crate::report::{self, Report, ReportQuery};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/api/v1/reports/annual", Perm(StatisticsRead), annual)
        .get(
            "/api/v1/reports/statistics",
            Perm(StatisticsRead),
            statistics,
        )
        .post(
            "/api/v1/reports/sections/{section}",
            Perm(ReportWrite),
            section_save,
        )
        .post("/api/v1/reports/publish", Perm(ReportWrite), publish)
        .get(
            "/api/v1/reports/publications/{id}",
            Perm(StatisticsRead),
            publication,
        )
}

/// The annual report as data.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub title: String,
    /// The centre's name, or "all centres".
    pub whose: String,
    pub centre: Option<String>,
    #[serde(with = "skrb_kit::i18n::json_date")]
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[serde(with = "skrb_kit::i18n::json_date")]
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    /// Counts of one to four persons are given as `hidden`.
    pub small_hidden: bool,
    pub tables: Vec<Table>,
    /// The centre's own words, section by section (a centre's report only).
    pub sections: Vec<Section>,
}

/// A narrative section.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReportSection)]
pub struct Section {
    #[schema(example = "intro")]
    pub key: String,
    pub title: String,
    pub body: String,
    /// The version to send with a change (0: never written).
    pub version: i64,
}

impl From<Report> for AnnualReport {
    fn from(r: Report) -> AnnualReport {
        AnnualReport {
            title: r.title,
            whose: r.whose,
            centre: r.centre_code,
            from: r.period.from,
            to: r.period.to,
            small_hidden: r.small_hidden,
            tables: r.tables,
            sections: r
                .sections
                .into_iter()
                .map(|n| Section {
                    key: n.key,
                    title: n.title,
                    body: n.body,
                    version: n.version,
                })
                .collect(),
        }
    }
}

/// A section's new text, for the period of the reader's own centre's report.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SectionForm {
    /// A calendar year, or `from` and `to`.
    pub year: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub body: String,
    /// The version read; a change over a newer one is refused (409).
    pub version: Option<i64>,
}

/// The section's version after the change.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub version: i64,
}

/// The report's period to publish.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PublishForm {
    pub year: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A publication and the report as it was frozen.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Published {
    pub publication: Publication,
    pub report: AnnualReport,
}

/// The annual work report of a centre (or all centres, for a reader of all) for a year
/// or a period: territory, staff, users by group, age band, sex, municipality and
/// problem, case files by task, decisions by right, payments, services and care.
#[utoipa::path(get, path = "/api/v1/reports/annual", params(ReportQuery), responses((status = 200, body = AnnualReport), (status = 403), (status = 404), (status = 422)))]
pub async fn annual(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ReportQuery>,
) -> AppResult<Json<AnnualReport>> {
    let r = report::annual(
        &st.db,
        &st.reports,
        &s.actor(),
        &q,
        s.ctx.locale,
        report::hides_small(s.user.perms),
        Action::Read,
        &mut |_| {},
    )
    .await?;
    Ok(Json(r.into()))
}

/// Write a narrative section of the reader's own centre's report (every change a new
/// version, kept), against the version read.
#[utoipa::path(post, path = "/api/v1/reports/sections/{section}", request_body = SectionForm, responses((status = 200, body = Saved), (status = 404), (status = 409), (status = 422)))]
pub async fn section_save(
    State(st): State<AppState>,
    s: Signed,
    Path(section): Path<String>,
    ApiJson(f): ApiJson<SectionForm>,
) -> AppResult<Json<Saved>> {
    let q = ReportQuery {
        year: f.year,
        from: f.from,
        to: f.to,
        ..Default::default()
    };
    let period = report::period_of(&q, s.today())?;
    let version = narrative::save(&st.db, &s.actor(), period, &section, &f.body, f.version).await?;
    Ok(Json(Saved { version }))
}

/// Publish the reader's own centre's report for the period: frozen as it leaves the
/// centre (small counts hidden), in the centre's language, with its SHA-256.
#[utoipa::path(post, path = "/api/v1/reports/publish", request_body = PublishForm, responses((status = 201, body = Publication), (status = 422)))]
pub async fn publish(
    State(st): State<AppState>,
    s: Signed,
    ApiJson(f): ApiJson<PublishForm>,
) -> AppResult<(StatusCode, Json<Publication>)> {
    let p =
        publication::publish_period(&st.db, &st.reports, &s.actor(), f.year, f.from, f.to).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// A published report exactly as it was frozen (its fingerprint checked on reading).
#[utoipa::path(get, path = "/api/v1/reports/publications/{id}", responses((status = 200, body = Published), (status = 403), (status = 404)))]
pub async fn publication(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Json<Published>> {
    let (publication, r) = publication::published(&st.db, &s.actor(), id).await?;
    Ok(Json(Published {
        publication,
        report: r.into(),
    }))
}

/// An official form and the period and centre it counts.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct StatisticsQuery {
    /// `sz1` (minor users), `sz1a` (adult users), `sz61` (the centre, guardianship,
    /// foster care, adoptions) or `si-rights` (recipients of rights by month).
    #[param(example = "sz1")]
    pub form: String,
    pub year: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub centre: Option<String>,
}

/// An official statistics form's tables (Republika Srpska's SZ-1, SZ-1a, SZ-61;
/// Slovenia's recipients of rights by month), counts under five hidden for readers of
/// figures only.
#[utoipa::path(get, path = "/api/v1/reports/statistics", params(StatisticsQuery), responses((status = 200, body = AnnualReport), (status = 403), (status = 404), (status = 422)))]
pub async fn statistics(
    State(st): State<AppState>,
    s: Signed,
    Query(f): Query<StatisticsQuery>,
) -> AppResult<Json<AnnualReport>> {
    let q = ReportQuery {
        year: f.year,
        from: f.from,
        to: f.to,
        centre: f.centre,
        unit: None,
    };
    let r = report::statistics(
        &st.db,
        &st.reports,
        &s.actor(),
        &q,
        &f.form,
        s.ctx.locale,
        report::hides_small(s.user.perms),
        Action::Read,
    )
    .await?;
    Ok(Json(r.into()))
}
