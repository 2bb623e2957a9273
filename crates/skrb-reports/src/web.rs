//! The report's pages: the annual work report of the reader's centre (any centre, or all
//! of them, for the ministry) for a year or any period, with its charts, and the same
//! report as PDF, XLSX, and each table as CSV. Thin: parse, call, render.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use skrb_kit::audit::Action;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{reasons, Reason};
use skrb_kit::i18n;
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

use crate::report::{self, Report, ReportQuery};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/reports", Perm(StatisticsRead), annual_page)
        .get("/reports/annual.pdf", Perm(StatisticsRead), annual_pdf)
        .get("/reports/annual.xlsx", Perm(StatisticsRead), annual_xlsx)
        .get("/reports/annual.csv", Perm(StatisticsRead), annual_csv)
}

async fn build(st: &AppState, s: &Signed, q: &ReportQuery, action: Action) -> AppResult<Report> {
    report::annual(
        &st.db,
        &st.reports,
        &s.actor(),
        q,
        s.ctx.locale,
        report::hides_small(s.user.perms),
        action,
        &mut |_| {},
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "reports/annual.html")]
struct AnnualPage {
    page: Page,
    q: ReportQuery,
    r: Option<Report>,
    /// The query string of the downloads (the same report).
    query: String,
    centres: Vec<(String, String)>,
    errors: Vec<Reason>,
}

impl AnnualPage {
    fn charts_of(&self, key: &str) -> Vec<String> {
        self.r
            .iter()
            .flat_map(|r| r.charts.iter())
            .filter(|c| report::chart_of_table(c, key))
            .map(|c| c.svg())
            .collect()
    }
    fn cell(&self, c: &skrb_kit::sheet::Cell, currency: &str) -> String {
        c.show(self.page.locale, currency)
    }
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

fn query_string(q: &ReportQuery, r: &Report) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if r.period.is_year() {
        s.append_pair("year", &r.period.from.year().to_string());
    } else {
        s.append_pair("from", &r.period.from.to_string());
        s.append_pair("to", &r.period.to.to_string());
    }
    if let Some(c) = q.centre.as_deref().filter(|c| !c.is_empty()) {
        s.append_pair("centre", c);
    }
    s.finish()
}

async fn annual_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let (r, errors) = match build(&st, &s, &q, Action::Read).await {
        Ok(r) => (Some(r), Vec::new()),
        Err(e @ AppError::Validation(_)) => (None, reasons(e, l)?),
        Err(e) => return Err(e),
    };
    let centres = if s.actor().scope.map(|x| x.all_centres).unwrap_or(false) {
        crate::report::centres(&st.db).await?
    } else {
        Vec::new()
    };
    let query = r.as_ref().map(|r| query_string(&q, r)).unwrap_or_default();
    let page = Page::new(&s.ctx, i18n::t(l, "report-annual-title"), "reports");
    Ok(render(&AnnualPage {
        page,
        q,
        r,
        query,
        centres,
        errors,
    }))
}

async fn annual_pdf(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let r = build(&st, &s, &q, Action::Download).await?;
    let pdf = crate::pdf::render(&r).map_err(AppError::Internal)?;
    Ok(skrb_kit::web::page::pdf_download(&r.file_name("pdf"), pdf))
}

fn download(name: &str, mime: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn annual_xlsx(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let r = build(&st, &s, &q, Action::Download).await?;
    let bytes = report::xlsx(&r).map_err(AppError::Internal)?;
    Ok(download(
        &r.file_name("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

#[derive(Debug, Deserialize)]
struct CsvQuery {
    #[serde(flatten)]
    q: ReportQuery,
    table: String,
}

async fn annual_csv(
    State(st): State<AppState>,
    s: Signed,
    Query(c): Query<CsvQuery>,
) -> AppResult<Response> {
    let r = build(&st, &s, &c.q, Action::Download).await?;
    let t = r.table(&c.table).ok_or(AppError::NotFound)?;
    let name = r
        .file_name("csv")
        .replace(".csv", &format!("-{}.csv", t.key));
    Ok(download(
        &name,
        "text/csv; charset=utf-8",
        skrb_kit::sheet::csv(t).into_bytes(),
    ))
}
