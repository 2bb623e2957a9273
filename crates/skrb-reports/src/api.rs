//! `/api/v1/reports`: the annual work report's tables for other systems (a ministry's
//! warehouse, a municipality's site): each cell typed, small counts hidden for readers of
//! figures only, read from the report replica.

use axum::extract::{Query, State};
use axum::Json;
use skrb_kit::audit::Action;
use skrb_kit::error::AppResult;
use skrb_kit::sheet::Table;
use skrb_kit::web::context::Signed;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use time::Date;

use crate::report::{self, ReportQuery};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new().get("/api/v1/reports/annual", Perm(StatisticsRead), annual)
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
    Ok(Json(AnnualReport {
        title: r.title,
        whose: r.whose,
        centre: r.centre_code,
        from: r.period.from,
        to: r.period.to,
        small_hidden: r.small_hidden,
        tables: r.tables,
    }))
}
