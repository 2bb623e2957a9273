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

use crate::narrative;
use crate::publication::{self, Publication};
use crate::report::{self, Report, ReportQuery};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/reports", Perm(StatisticsRead), annual_page)
        .get("/reports/annual.pdf", Perm(StatisticsRead), annual_pdf)
        .get("/reports/annual.xlsx", Perm(StatisticsRead), annual_xlsx)
        .get("/reports/annual.csv", Perm(StatisticsRead), annual_csv)
        .get("/reports/dashboard", Perm(StatisticsRead), dashboard_page)
        .get("/reports/statistics", Perm(StatisticsRead), statistics_page)
        .get(
            "/reports/statistics.xlsx",
            Perm(StatisticsRead),
            statistics_xlsx,
        )
        .get(
            "/reports/statistics.csv",
            Perm(StatisticsRead),
            statistics_csv,
        )
        .get(
            "/reports/statistics.pdf",
            Perm(StatisticsRead),
            statistics_pdf,
        )
        .post("/reports/sections/{key}", Perm(ReportWrite), section_save)
        .post("/reports/publish", Perm(ReportWrite), publish)
        .get(
            "/reports/published/{id}",
            Perm(StatisticsRead),
            published_page,
        )
        .get(
            "/reports/published/{id}/report.pdf",
            Perm(StatisticsRead),
            published_pdf,
        )
        .get(
            "/reports/published/{id}/report.xlsx",
            Perm(StatisticsRead),
            published_xlsx,
        )
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
    /// The query string of the downloads (the same report; empty for a publication).
    query: String,
    pdf: String,
    xlsx: String,
    centres: Vec<(String, String)>,
    /// The units of the reader's centre (number, name), to narrow the report to one.
    units: Vec<(i64, String)>,
    errors: Vec<Reason>,
    /// The reader writes this report's sections (their own centre's, not a publication).
    editable: bool,
    /// The publication shown, or none for the live report.
    published: Option<Publication>,
    publications: Vec<Publication>,
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
    if let Some(u) = q.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        s.append_pair("unit", u.trim());
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
    let units = report::units(&st.db, s.actor().scope.and_then(|x| x.centre_id)).await?;
    let unit_asked = q.unit.as_deref().is_some_and(|u| !u.trim().is_empty());
    // Only the centre's own report is written and published, by its own staff.
    let own = s.actor().scope.and_then(|x| x.centre_id);
    let centre = match &r {
        Some(r) => report::centre_id(&st.db, r.centre_code.as_deref()).await?,
        None => None,
    };
    // A unit's report is read, not written: the narrative is the centre's.
    let editable = s.may(skrb_kit::auth::Permission::ReportWrite)
        && own.is_some()
        && centre == own
        && !unit_asked;
    let publications = match (&r, centre, own) {
        (Some(r), Some(c), Some(o)) if c == o => {
            publication::publications(&st.db, c, r.period).await?
        }
        _ => Vec::new(),
    };
    let page = Page::new(&s.ctx, i18n::t(l, "report-annual-title"), "reports");
    Ok(render(&AnnualPage {
        page,
        q,
        pdf: format!("/reports/annual.pdf?{query}"),
        xlsx: format!("/reports/annual.xlsx?{query}"),
        r,
        query,
        centres,
        units,
        errors,
        editable,
        published: None,
        publications,
    }))
}

/// Saves a section as the browser's autosave sends it: the text, the version read; the
/// answer is the words to show beside it, and the new version in `X-Version`.
async fn section_save(
    State(st): State<AppState>,
    s: Signed,
    axum::extract::Path(key): axum::extract::Path<String>,
    Query(q): Query<ReportQuery>,
    skrb_kit::form::Multi(raw): skrb_kit::form::Multi<skrb_kit::form::Raw>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let period = report::period_of(&q, s.today())?;
    let body = raw.get("body").cloned().unwrap_or_default();
    let version = raw
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok());
    let actor = s.actor();
    match narrative::save(&st.db, &actor, period, &key, &body, version).await {
        Ok(v) => {
            let when = actor.zone.local(actor.now);
            let words = i18n::t_args(
                l,
                "report-section-saved",
                &[
                    (
                        "time",
                        format!("{:02}:{:02}", when.hour(), when.minute()).into(),
                    ),
                    ("version", v.into()),
                ],
            );
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "text/plain; charset=utf-8".to_string(),
                    ),
                    (header::HeaderName::from_static("x-version"), v.to_string()),
                ],
                words,
            )
                .into_response())
        }
        Err(AppError::Conflict { current_version }) => Ok((
            axum::http::StatusCode::CONFLICT,
            [(
                header::HeaderName::from_static("x-version"),
                current_version.to_string(),
            )],
            i18n::t(l, "report-section-conflict"),
        )
            .into_response()),
        Err(e @ AppError::Validation(_)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            reasons(e, l)?
                .iter()
                .map(|r| r.text.clone())
                .collect::<Vec<_>>()
                .join(" "),
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

/// Publishes the centre's report for the period, in the centre's language, as it leaves
/// the centre (small counts hidden).
async fn publish(
    State(st): State<AppState>,
    s: Signed,
    skrb_kit::form::Multi(raw): skrb_kit::form::Multi<skrb_kit::form::Raw>,
) -> AppResult<Response> {
    let p = publication::publish_period(
        &st.db,
        &st.reports,
        &s.actor(),
        raw.get("year").cloned(),
        raw.get("from").cloned(),
        raw.get("to").cloned(),
    )
    .await?;
    skrb_kit::form::go(
        &format!("/reports/published/{}", p.id),
        "report-flash-published",
    )
}

async fn published_page(
    State(st): State<AppState>,
    s: Signed,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let (p, r) = publication::published(&st.db, &s.actor(), id).await?;
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "report-published-title"),
        "reports",
    )
    .crumb("/reports", "report-annual-title");
    Ok(render(&AnnualPage {
        page,
        q: ReportQuery::default(),
        pdf: format!("/reports/published/{id}/report.pdf"),
        xlsx: format!("/reports/published/{id}/report.xlsx"),
        r: Some(r),
        query: String::new(),
        centres: Vec::new(),
        units: Vec::new(),
        errors: Vec::new(),
        editable: false,
        published: Some(p),
        publications: Vec::new(),
    }))
}

fn stamped(p: &Publication, mut r: Report) -> Report {
    let l = skrb_kit::i18n::Locale::from_code(&r.locale).unwrap_or(skrb_kit::i18n::Locale::Sl);
    r.stamp = Some(i18n::t_args(
        l,
        "report-stamp",
        &[
            ("number", p.number.into()),
            ("sha", p.sha256.clone().into()),
        ],
    ));
    r
}

async fn published_pdf(
    State(st): State<AppState>,
    s: Signed,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let (p, r) = publication::published(&st.db, &s.actor(), id).await?;
    pdf_of(&stamped(&p, r), &format!("-v{}", p.number))
}

async fn published_xlsx(
    State(st): State<AppState>,
    s: Signed,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let (p, r) = publication::published(&st.db, &s.actor(), id).await?;
    xlsx_of(&stamped(&p, r), &format!("-v{}", p.number))
}

async fn annual_pdf(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    pdf_of(&build(&st, &s, &q, Action::Download).await?, "")
}

/// A report as a PDF to download; `suffix` marks a publication's version in the name.
fn pdf_of(r: &Report, suffix: &str) -> AppResult<Response> {
    let pdf = crate::pdf::render(r).map_err(AppError::Internal)?;
    let name = r.file_name("pdf").replace(".pdf", &format!("{suffix}.pdf"));
    Ok(skrb_kit::web::page::pdf_download(&name, pdf))
}

/// A report as a workbook to download, a sheet per table.
fn xlsx_of(r: &Report, suffix: &str) -> AppResult<Response> {
    let bytes = report::xlsx(r).map_err(AppError::Internal)?;
    let name = r
        .file_name("xlsx")
        .replace(".xlsx", &format!("{suffix}.xlsx"));
    Ok(download(
        &name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// One of a report's tables as CSV; an unknown table is none.
fn csv_of(r: &Report, table: &str) -> AppResult<Response> {
    let t = r.table(table).ok_or(AppError::NotFound)?;
    let name = r
        .file_name("csv")
        .replace(".csv", &format!("-{}.csv", t.key));
    Ok(download(
        &name,
        "text/csv; charset=utf-8",
        skrb_kit::sheet::csv(t).into_bytes(),
    ))
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
    xlsx_of(&build(&st, &s, &q, Action::Download).await?, "")
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
    csv_of(&build(&st, &s, &c.q, Action::Download).await?, &c.table)
}

// ---------------------------------------------------------------- official statistics

/// A form and the report's period and centre.
#[derive(Debug, Deserialize)]
struct FormQuery {
    #[serde(default = "default_form")]
    form: String,
    #[serde(flatten)]
    q: ReportQuery,
}

fn default_form() -> String {
    "sz1".into()
}

#[derive(askama::Template)]
#[template(path = "reports/statistics.html")]
struct StatisticsPage {
    page: Page,
    q: ReportQuery,
    form: String,
    forms: Vec<(&'static str, String)>,
    r: Option<Report>,
    query: String,
    centres: Vec<(String, String)>,
    errors: Vec<Reason>,
}

impl StatisticsPage {
    fn cell(&self, c: &skrb_kit::sheet::Cell, currency: &str) -> String {
        c.show(self.page.locale, currency)
    }
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

async fn form_of(st: &AppState, s: &Signed, f: &FormQuery, action: Action) -> AppResult<Report> {
    report::statistics(
        &st.db,
        &st.reports,
        &s.actor(),
        &f.q,
        &f.form,
        s.ctx.locale,
        report::hides_small(s.user.perms),
        action,
    )
    .await
}

async fn statistics_page(
    State(st): State<AppState>,
    s: Signed,
    Query(f): Query<FormQuery>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let (r, errors) = match form_of(&st, &s, &f, Action::Read).await {
        Ok(r) => (Some(r), Vec::new()),
        Err(e @ AppError::Validation(_)) => (None, reasons(e, l)?),
        Err(e) => return Err(e),
    };
    let centres = if s.actor().scope.map(|x| x.all_centres).unwrap_or(false) {
        report::centres(&st.db).await?
    } else {
        Vec::new()
    };
    let query = match &r {
        Some(r) => format!(
            "form={}&{}",
            form_urlencoded::byte_serialize(f.form.as_bytes()).collect::<String>(),
            query_string(&f.q, r)
        ),
        None => String::new(),
    };
    let forms = crate::statistics::FORMS
        .iter()
        .map(|c| (*c, i18n::t(l, &format!("report-form-{c}"))))
        .collect();
    Ok(render(&StatisticsPage {
        page: Page::new(&s.ctx, i18n::t(l, "report-statistics-title"), "reports")
            .crumb("/reports", "report-annual-title"),
        q: f.q,
        form: f.form,
        forms,
        r,
        query,
        centres,
        errors,
    }))
}

async fn statistics_xlsx(
    State(st): State<AppState>,
    s: Signed,
    Query(f): Query<FormQuery>,
) -> AppResult<Response> {
    xlsx_of(&form_of(&st, &s, &f, Action::Download).await?, "")
}

async fn statistics_pdf(
    State(st): State<AppState>,
    s: Signed,
    Query(f): Query<FormQuery>,
) -> AppResult<Response> {
    pdf_of(&form_of(&st, &s, &f, Action::Download).await?, "")
}

#[derive(Debug, Deserialize)]
struct FormCsvQuery {
    #[serde(flatten)]
    f: FormQuery,
    table: String,
}

async fn statistics_csv(
    State(st): State<AppState>,
    s: Signed,
    Query(c): Query<FormCsvQuery>,
) -> AppResult<Response> {
    csv_of(&form_of(&st, &s, &c.f, Action::Download).await?, &c.table)
}

// ---------------------------------------------------------------- dashboard

#[derive(Debug, Default, Deserialize)]
struct DashboardQuery {
    #[serde(default)]
    centre: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    page: Page,
    whose: String,
    today: time::Date,
    centre: String,
    centres: Vec<(String, String)>,
    panels: Vec<crate::dashboard::Panel>,
    /// The reader's own centre: the links lead to its working pages.
    own: bool,
}

impl DashboardPage {
    fn cell(&self, c: &skrb_kit::sheet::Cell, currency: &str) -> String {
        c.show(self.page.locale, currency)
    }
}

async fn dashboard_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let actor = s.actor();
    let (whose, panels) =
        report::dashboard(&st.db, &st.reports, &actor, q.centre.as_deref(), l).await?;
    let all = actor.scope.map(|x| x.all_centres).unwrap_or(false);
    let own = whose.centre.is_some() && whose.centre == actor.scope.and_then(|x| x.centre_id);
    Ok(render(&DashboardPage {
        page: Page::new(&s.ctx, i18n::t(l, "report-dash-title"), "reports"),
        whose: whose.name,
        today: s.today(),
        centre: q.centre.unwrap_or_default(),
        centres: if all {
            report::centres(&st.db).await?
        } else {
            Vec::new()
        },
        panels,
        own,
    }))
}
