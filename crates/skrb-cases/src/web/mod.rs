//! The case-work pages: my work, intake, the file list, a file's page with its contact
//! log, plans, tasks, attachments, referrals and violence co-ordination, caseloads, and
//! the catalogue. Thin: parse, call a use case, render; a refused form is shown again
//! with the user's input and the reasons, in their language.

pub mod referrals;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::Date;

use super::catalogue::{self, CaseType, TypeForm};
use super::files::{
    self, CaseForm, CaseRow, Colleague, ListParams, StatusForm, TransferForm, UnitRow, UpdateForm,
};
use super::intake::{self, Intake, IntakeForm};
use super::log::{self, EntryForm};
use super::manages;
use super::plans::{self, GoalForm, PlanForm, ReviewForm};
use super::tasks::{self, Caseload, TaskForm};
use super::view::CaseView;
use super::violence::{self, MeasureForm, MemberForm, ReportForm};
use skrb_kit::auth::Permission;
use skrb_kit::dates::iso_date;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{go, labelled, typed, Flow, Kept, Multi, Raw};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use skrb_partners::directory::{self, Partner};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/intake", Perm(CaseWrite), intake_page)
        .post("/intake", Perm(CaseWrite), intake_save)
        .get("/intake/{id}/identify", Perm(CaseWrite), identify_page)
        .post("/intake/{id}/identify", Perm(CaseWrite), intake_identify)
        .get("/cases/pick", Perm(RegistryRead), pick_person)
        .get("/cases", Perm(CaseRead), list_page)
        .downloads(["/cases.xlsx", "/cases.csv"], Perm(CaseRead), list_download)
        .downloads(
            ["/work/tasks.xlsx", "/work/tasks.csv"],
            Perm(CaseRead),
            tasks_download,
        )
        .get("/cases/new", Perm(CaseWrite), new_case)
        .post("/cases/new", Perm(CaseWrite), create_case)
        .get("/cases/{id}", Perm(CaseRead), view_case)
        .post("/cases/{id}/edit", Perm(CaseWrite), update_case)
        .post("/cases/{id}/status", Perm(CaseWrite), set_status)
        .post("/cases/{id}/transfer", Perm(CaseWrite), transfer)
        .post("/cases/{id}/entries", Perm(CaseWrite), add_entry)
        .post("/cases/{id}/draft", Perm(CaseWrite), save_draft)
        .upload(
            "/cases/{id}/attachments",
            Perm(CaseWrite),
            log::ATTACHMENT_MAX,
            upload,
        )
        .get("/attachments/{id}", Perm(CaseRead), download)
        .post("/cases/{id}/plans", Perm(CaseWrite), add_plan)
        .post("/plans/{id}/goals", Perm(CaseWrite), add_goal)
        .post("/goals/{id}/reviews", Perm(CaseWrite), add_review)
        .post("/cases/{id}/tasks", Perm(CaseWrite), add_task)
        .post("/tasks/{id}/done", Perm(CaseWrite), task_done)
        .get("/violence/new", Perm(CaseWrite), violence_new)
        .post("/violence/new", Perm(CaseWrite), violence_create)
        .post("/cases/{id}/violence/members", Perm(CaseWrite), add_member)
        .post(
            "/cases/{id}/violence/measures",
            Perm(CaseWrite),
            add_measure,
        )
        .get("/caseloads", Perm(CaseManage), caseloads_page)
        .get("/admin/case-types", Perm(CaseManage), types_page)
        .post("/admin/case-types", Perm(CaseManage), add_type)
        .post(
            "/admin/case-types/{id}/active",
            Perm(CaseManage),
            toggle_type,
        )
}

const PER_PAGE: u32 = 50;

/// The form flow of case work: an edit that lost to someone else's says so of the file.
pub(crate) fn flow(s: &Signed) -> Flow {
    Flow::new(s).conflict("cases-conflict")
}

// ---------------------------------------------------------------- my work

// ---------------------------------------------------------------- intake

#[derive(askama::Template)]
#[template(path = "cases/intake.html")]
struct IntakePage {
    page: Page,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    person_name: Option<String>,
    channels: Vec<(&'static str, String)>,
    problems: Vec<(&'static str, String)>,
    types: Vec<(i64, String)>,
    recent: Vec<Intake>,
}

async fn active_types(st: &AppState, s: &Signed) -> AppResult<Vec<CaseType>> {
    let mut tx = st.db.begin_read().await?;
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, s.user.centre_id).await?;
    tx.commit().await?;
    Ok(catalogue::list(&st.db, Some(&j))
        .await?
        .into_iter()
        .filter(|t| t.active)
        .collect())
}

async fn person_name(st: &AppState, s: &Signed, id: Option<i64>) -> AppResult<Option<String>> {
    match id {
        Some(id) => {
            let p = skrb_registry::persons::get(&st.db, &s.actor(), id).await?;
            Ok(Some(p.full_name()))
        }
        None => Ok(None),
    }
}

async fn intake_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let pid = kept.get("person_id").and_then(|v| v.parse::<i64>().ok());
    let person_name = person_name(st, s, pid).await?;
    let types = active_types(st, s)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name(l)))
        .collect();
    let recent = intake::list(&st.db, &s.actor(), None, 20).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "cases-intake-title"), "intake");
    let res = render(&IntakePage {
        page,
        errors,
        kept: Kept(kept),
        person_name,
        channels: labelled(l, "cases-channel", &intake::CHANNELS),
        problems: labelled(l, "cases-problem", &super::PROBLEMS),
        types,
        recent,
    });
    Ok(refused_page(res, refused))
}

async fn intake_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person_id") {
        kept.insert("person_id".into(), p.clone());
    }
    kept.insert("channel".into(), "walk_in".into());
    intake_form(&st, &s, kept, Vec::new()).await
}

async fn intake_save(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: IntakeForm = typed(&raw)?;
    let r = intake::record(&st.db, &s.actor(), &f, s.today()).await;
    flow(&s)
        .then(
            r,
            |(_, opened)| match opened {
                Some(case) => go(&format!("/cases/{case}"), "cases-flash-case-opened"),
                None => go("/intake", "cases-flash-intake-saved"),
            },
            |errors| intake_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "cases/intake_identify.html")]
struct IdentifyPage {
    page: Page,
    i: Intake,
    errors: Vec<skrb_kit::form::Reason>,
}

async fn identify_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let i = intake::get(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "cases-intake-identify"),
        "intake",
    );
    let res = render(&IdentifyPage { page, i, errors });
    Ok(refused_page(res, refused))
}

async fn identify_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    identify_form(&st, &s, id, Vec::new()).await
}

async fn intake_identify(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let pid = raw.get("person_id").cloned().unwrap_or_default();
    let r = intake::identify(&st.db, &s.actor(), id, &pid).await;
    flow(&s)
        .then(
            r,
            |_| go("/intake", "cases-flash-intake-identified"),
            |errors| identify_form(&st, &s, id, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "cases/case_pick.html")]
struct PickFragment {
    page: Page,
    items: Vec<skrb_registry::search::PersonSummary>,
}

/// The person picker of the intake and new-file forms (htmx, as the user types).
async fn pick_person(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let text = q.get("q").cloned().unwrap_or_default();
    let found = skrb_registry::search::search(&st.db, &s.actor(), &text, 1, 8).await?;
    let page = Page::new(&s.ctx, String::new(), "");
    Ok(render(&PickFragment {
        page,
        items: found.items,
    }))
}

// ---------------------------------------------------------------- the list

#[derive(askama::Template)]
#[template(path = "cases/cases.html")]
struct ListPage {
    page: Page,
    p: ListParams,
    items: Vec<CaseRow>,
    summary: String,
    /// The downloads of the whole list, with its filters.
    dl: skrb_kit::export::Links,
    prev: Option<String>,
    next: Option<String>,
    statuses: Vec<(&'static str, String)>,
    types: Vec<(i64, String)>,
    colleagues: Vec<Colleague>,
    units: Vec<UnitRow>,
    problems: Vec<(&'static str, String)>,
    sorts: Vec<(&'static str, String)>,
}

impl ListPage {
    fn is_type(&self, id: &i64) -> bool {
        self.p.type_id == Some(*id)
    }
    fn is_unit(&self, id: &i64) -> bool {
        self.p.unit_id == Some(*id)
    }
    fn is_worker(&self, id: &i64) -> bool {
        self.p.worker == id.to_string()
    }
}

fn list_link(p: &ListParams, page: u32) -> String {
    let enc = skrb_kit::web::errors::encode_component;
    format!(
        "/cases?q={}&status={}&type_id={}&worker={}&unit_id={}&problem={}&sort={}&page={page}",
        enc(&p.q),
        enc(&p.status),
        p.type_id.map(|t| t.to_string()).unwrap_or_default(),
        enc(&p.worker),
        p.unit_id.map(|t| t.to_string()).unwrap_or_default(),
        enc(&p.problem),
        enc(&p.sort)
    )
}

/// Query strings from a form send empty numbers as ""; read them leniently.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    status: String,
    type_id: String,
    area: String,
    worker: String,
    unit_id: String,
    problem: String,
    sort: String,
    page: String,
}

impl ListQuery {
    fn params(self) -> ListParams {
        ListParams {
            q: self.q,
            status: self.status,
            type_id: self.type_id.parse().ok(),
            area: self.area,
            worker: self.worker,
            unit_id: self.unit_id.parse().ok(),
            problem: self.problem,
            sort: self.sort,
            page: self.page.parse().ok(),
            person_id: None,
        }
    }
}

async fn list_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let mut p = q.params();
    if p.status.is_empty() && !s.ctx.path.contains("status=") {
        p.status = "active".into();
    }
    let found = files::list(&st.db, &s.actor(), &p, PER_PAGE).await?;
    let pageno = p.page.unwrap_or(1).max(1);
    let summary = if found.total > files::LIST_CAP {
        i18n::t_args(l, "cases-count-many", &[("count", files::LIST_CAP.into())])
    } else {
        i18n::t_args(l, "cases-count", &[("count", found.total.into())])
    };
    let more = i64::from(pageno) * i64::from(PER_PAGE) < found.total;
    let types = active_types(&st, &s)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name(l)))
        .collect();
    let page = Page::new(&s.ctx, i18n::t(l, "cases-title"), "cases");
    Ok(render(&ListPage {
        dl: skrb_kit::export::Links::new("/cases", list_link(&p, 1).replacen("/cases?", "", 1)),
        prev: (pageno > 1).then(|| list_link(&p, pageno - 1)),
        next: more.then(|| list_link(&p, pageno + 1)),
        statuses: labelled(l, "cases-status", &["active", "open", "on_hold", "closed"]),
        types,
        colleagues: files::colleagues(&st.db, s.user.centre_id).await?,
        units: files::units(&st.db, s.user.centre_id).await?,
        problems: labelled(l, "cases-problem", &super::PROBLEMS),
        sorts: labelled(l, "cases-sort", &["opened", "number", "name", "activity"]),
        page,
        p,
        items: found.items,
        summary,
    }))
}

/// The worker's open tasks, all of them.
async fn tasks_download(
    st: AppState,
    s: Signed,
    _: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    tasks::export_mine(&st.reports, &st.db, &s.actor(), format, s.ctx.locale)
        .await?
        .response()
}

/// The whole list with the page's filters, every file (not only the page's 50).
async fn list_download(
    st: AppState,
    s: Signed,
    q: ListQuery,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let mut p = q.params();
    if p.status.is_empty() && !s.ctx.path.contains("status=") {
        p.status = "active".into();
    }
    files::export(&st.reports, &st.db, &s.actor(), &p, format, s.ctx.locale)
        .await?
        .response()
}

// ---------------------------------------------------------------- opening a file

#[derive(askama::Template)]
#[template(path = "cases/case_new.html")]
struct NewCasePage {
    page: Page,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    person_name: Option<String>,
    types: Vec<(i64, String, bool)>,
    problems: Vec<(&'static str, String)>,
    colleagues: Vec<Colleague>,
    households: Vec<(i64, String)>,
}

async fn new_case_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let pid = kept.get("person_id").and_then(|v| v.parse::<i64>().ok());
    let person_name = person_name(st, s, pid).await?;
    let households = match pid {
        Some(p) => skrb_registry::households::of_person(&st.db, &s.actor(), p)
            .await?
            .into_iter()
            .filter(|(m, _)| m.valid_to.is_none())
            .map(|(m, _)| {
                (
                    m.household_id,
                    i18n::t_args(
                        l,
                        "registry-household-title",
                        &[("id", m.household_id.to_string().into())],
                    ),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    let types = active_types(st, s)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name(l), t.opens_restricted))
        .collect();
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "cases-new-title"), "cases");
    let res = render(&NewCasePage {
        page,
        errors,
        kept: Kept(kept),
        person_name,
        types,
        problems: labelled(l, "cases-problem", &super::PROBLEMS),
        colleagues: files::colleagues(&st.db, s.user.centre_id).await?,
        households,
    });
    Ok(refused_page(res, refused))
}

async fn new_case(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person_id") {
        kept.insert("person_id".into(), p.clone());
    }
    kept.insert("worker_id".into(), s.user.id.to_string());
    new_case_form(&st, &s, kept, Vec::new()).await
}

async fn create_case(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: CaseForm = typed(&raw)?;
    let r = files::open(&st.db, &s.actor(), &f, s.today()).await;
    flow(&s)
        .then(
            r,
            |id| go(&format!("/cases/{id}"), "cases-flash-case-opened"),
            |errors| new_case_form(&st, &s, raw, errors),
        )
        .await
}

// ---------------------------------------------------------------- a file's page

#[derive(askama::Template)]
#[template(path = "cases/case.html")]
struct CasePage {
    page: Page,
    v: CaseView,
    today: Date,
    today_iso: String,
    can_write: bool,
    section: &'static str,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    colleagues: Vec<Colleague>,
    units: Vec<UnitRow>,
    partners: Vec<Partner>,
    entry_saved: bool,
    kinds: Vec<(&'static str, String)>,
    problems: Vec<(&'static str, String)>,
    reasons: Vec<(&'static str, String)>,
    plan_kinds: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, String)>,
    measures: Vec<(&'static str, String)>,
}

impl CasePage {
    fn errs(&self, section: &str) -> Vec<skrb_kit::form::Reason> {
        if self.section == section {
            self.errors.clone()
        } else {
            Vec::new()
        }
    }
    fn k(&self, section: &str, f: &str) -> String {
        if self.section == section {
            self.kept.k(f)
        } else {
            String::new()
        }
    }
    fn has_problem(&self, p: &str) -> bool {
        self.v.file.problems.contains(&format!(",{p},"))
    }
    fn in_team(&self, id: &i64) -> bool {
        self.v.team.iter().any(|t| t.user_id == *id)
    }
    fn status_is(&self, s: &str) -> bool {
        self.v.file.status.code() == s
    }
    fn entry_body(&self) -> String {
        let kept = self.k("log", "body");
        if kept.is_empty() {
            self.v.draft.clone().unwrap_or_default()
        } else {
            kept
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn case_page(
    st: &AppState,
    s: &Signed,
    id: i64,
    section: &'static str,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let v = super::view::view(&st.db, &s.actor(), id).await?;
    let me = s.user.id;
    let can_write = s.may(Permission::CaseWrite)
        && (manages(s) || v.file.worker_id == me || v.team.iter().any(|t| t.user_id == me));
    let partners = if can_write {
        directory::list(&st.db, &s.actor(), "")
            .await?
            .into_iter()
            .filter(|p| p.active)
            .collect()
    } else {
        Vec::new()
    };
    let refused = !errors.is_empty();
    let title = format!("{} · {}", v.file.number, v.file.person_name);
    let today = s.today();
    let res = render(&CasePage {
        entry_saved: s.ctx.flash.as_deref() == Some("cases-flash-entry-saved"),
        page: Page::new(&s.ctx, title, "cases").crumb("/cases", "nav-cases"),
        today,
        today_iso: iso_date(today),
        can_write,
        section,
        errors,
        kept: Kept(kept),
        colleagues: files::colleagues(&st.db, Some(v.file.centre_id)).await?,
        units: files::units(&st.db, Some(v.file.centre_id)).await?,
        partners,
        kinds: labelled(l, "cases-entry-kind", &log::KINDS),
        problems: labelled(l, "cases-problem", &super::PROBLEMS),
        reasons: labelled(l, "cases-close-reason", &files::CLOSE_REASONS),
        plan_kinds: labelled(l, "cases-plan-kind", &plans::KINDS),
        outcomes: labelled(l, "cases-outcome", &plans::OUTCOMES),
        measures: labelled(l, "cases-measure", &violence::MEASURES),
        v,
    });
    Ok(refused_page(res, refused))
}

async fn view_case(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    case_page(&st, &s, id, "", Vec::new(), Raw::new()).await
}

/// After a change: back to the file's section, or the page again with the reasons.
async fn after(
    st: &AppState,
    s: &Signed,
    case_id: i64,
    section: &'static str,
    flash: &str,
    r: AppResult<()>,
    raw: Raw,
) -> AppResult<Response> {
    flow(s)
        .then(
            r,
            |_| go(&format!("/cases/{case_id}#{section}"), flash),
            |errors| case_page(st, s, case_id, section, errors, raw),
        )
        .await
}

async fn update_case(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: UpdateForm = typed(&raw)?;
    let r = files::update(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await;
    after(&st, &s, id, "details", "flash-saved", r, raw).await
}

async fn set_status(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: StatusForm = typed(&raw)?;
    let r = files::set_status(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await;
    after(&st, &s, id, "status", "cases-flash-status-changed", r, raw).await
}

async fn transfer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: TransferForm = typed(&raw)?;
    let r = files::transfer(&st.db, &s.actor(), id, &f, manages(&s), s.today()).await;
    after(&st, &s, id, "transfer", "cases-flash-transferred", r, raw).await
}

async fn add_entry(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: EntryForm = typed(&raw)?;
    let r = log::add(&st.db, &s.actor(), id, &f, manages(&s), s.today())
        .await
        .map(|_| ());
    after(&st, &s, id, "log", "cases-flash-entry-saved", r, raw).await
}

/// The autosave of a note (app.js posts here every few seconds while the user types).
async fn save_draft(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let body = raw.get("body").cloned().unwrap_or_default();
    let at = log::save_draft(&st.db, &s.actor(), id, &body).await?;
    let l = s.ctx.locale;
    Ok(i18n::t_args(
        l,
        "cases-draft-saved",
        &[("time", i18n::fmt_datetime(l, s.ctx.zone.local(at)).into())],
    )
    .into_response())
}

async fn upload(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (name, bytes) = match skrb_kit::web::upload::file(&mut mp).await {
        Ok(u) => (u.name, u.bytes),
        Err(AppError::PayloadTooLarge) => {
            let r = Err(AppError::Validation(vec![skrb_kit::error::FieldError {
                field: "file",
                msg: skrb_kit::error::Msg::new("cases-err-file-large")
                    .num("max", (log::ATTACHMENT_MAX / 1024 / 1024) as i64),
            }]));
            return after(&st, &s, id, "attachments", "", r, Raw::new()).await;
        }
        Err(e) => return Err(e),
    };
    let r = log::upload(
        &st.db,
        &s.actor(),
        id,
        &name,
        &bytes,
        manages(&s),
        s.today(),
    )
    .await
    .map(|_| ());
    after(
        &st,
        &s,
        id,
        "attachments",
        "cases-flash-attachment-saved",
        r,
        Raw::new(),
    )
    .await
}

/// Sends an attachment as a download (never shown inline: a document is not a page).
pub fn attachment_response(meta: &log::AttachmentMeta, bytes: Vec<u8>) -> Response {
    let ascii: String = meta
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        skrb_kit::web::errors::encode_component(&meta.filename)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = meta.content_type.parse() {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = disposition.parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn download(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (meta, bytes) = log::download(&st.db, &s.actor(), id).await?;
    Ok(attachment_response(&meta, bytes))
}

async fn add_plan(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PlanForm = typed(&raw)?;
    let r = plans::create(&st.db, &s.actor(), id, &f, manages(&s), s.today())
        .await
        .map(|_| ());
    after(&st, &s, id, "plans", "cases-flash-plan-saved", r, raw).await
}

async fn add_goal(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: GoalForm = typed(&raw)?;
    let case = plans::case_of_plan(&st.db, id).await?;
    let r = plans::add_goal(&st.db, &s.actor(), id, &f, manages(&s), s.today())
        .await
        .map(|_| ());
    after(&st, &s, case, "plans", "cases-flash-goal-saved", r, raw).await
}

async fn add_review(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReviewForm = typed(&raw)?;
    let case = plans::case_of_goal(&st.db, id).await?;
    let r = plans::review(&st.db, &s.actor(), id, &f, manages(&s), s.today())
        .await
        .map(|_| ());
    after(&st, &s, case, "plans", "cases-flash-review-saved", r, raw).await
}

async fn add_task(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: TaskForm = typed(&raw)?;
    let r = tasks::create(&st.db, &s.actor(), id, &f, manages(&s), s.today())
        .await
        .map(|_| ());
    after(&st, &s, id, "tasks", "cases-flash-task-saved", r, raw).await
}

async fn task_done(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    tasks::done(&st.db, &s.actor(), id, manages(&s), s.today()).await?;
    let back = raw.get("back").map(String::as_str).unwrap_or("/work");
    Ok(redirect_with_flash(
        skrb_kit::web::context::safe_back(back),
        "cases-flash-task-done",
    ))
}

// ---------------------------------------------------------------- violence

#[derive(askama::Template)]
#[template(path = "cases/violence_new.html")]
struct ViolencePage {
    page: Page,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    person_name: Option<String>,
}

async fn violence_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let pid = kept.get("person_id").and_then(|v| v.parse::<i64>().ok());
    let person_name = person_name(st, s, pid).await?;
    let refused = !errors.is_empty();
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "cases-violence-new-title"),
        "cases",
    );
    let res = render(&ViolencePage {
        page,
        errors,
        kept: Kept(kept),
        person_name,
    });
    Ok(refused_page(res, refused))
}

async fn violence_new(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person_id") {
        kept.insert("person_id".into(), p.clone());
    }
    violence_form(&st, &s, kept, Vec::new()).await
}

async fn violence_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReportForm = typed(&raw)?;
    let r = violence::report(&st.db, &s.actor(), &f, manages(&s), s.today()).await;
    flow(&s)
        .then(
            r,
            |case| {
                go(
                    &format!("/cases/{case}#violence"),
                    "cases-flash-violence-saved",
                )
            },
            |errors| violence_form(&st, &s, raw, errors),
        )
        .await
}

async fn add_member(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: MemberForm = typed(&raw)?;
    let r = violence::add_member(&st.db, &s.actor(), id, &f, manages(&s))
        .await
        .map(|_| ());
    after(&st, &s, id, "violence", "flash-saved", r, raw).await
}

async fn add_measure(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: MeasureForm = typed(&raw)?;
    let r = violence::add_measure(&st.db, &s.actor(), id, &f, manages(&s))
        .await
        .map(|_| ());
    after(&st, &s, id, "violence", "flash-saved", r, raw).await
}

// ---------------------------------------------------------------- caseloads

#[derive(askama::Template)]
#[template(path = "cases/caseloads.html")]
struct CaseloadsPage {
    page: Page,
    rows: Vec<Caseload>,
    units: Vec<UnitRow>,
    unit_id: Option<i64>,
}

impl CaseloadsPage {
    fn is_unit(&self, id: &i64) -> bool {
        self.unit_id == Some(*id)
    }
}

async fn caseloads_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    // A user of no centre (a system administrator) has no workers to weigh.
    let centre = s.user.centre_id.unwrap_or(0);
    let unit_id = q.get("unit_id").and_then(|v| v.parse::<i64>().ok());
    let rows = match s.user.centre_id {
        Some(c) => tasks::caseloads(&st.db, &s.actor(), c, unit_id, s.today()).await?,
        None => Vec::new(),
    };
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "cases-caseloads-title"),
        "caseloads",
    );
    Ok(render(&CaseloadsPage {
        page,
        rows,
        units: files::units(&st.db, Some(centre)).await?,
        unit_id,
    }))
}

// ---------------------------------------------------------------- the catalogue

#[derive(askama::Template)]
#[template(path = "cases/case_types.html")]
struct TypesPage {
    page: Page,
    types: Vec<CaseType>,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    areas: Vec<(&'static str, String)>,
}

async fn types_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let types = catalogue::list(&st.db, None).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "cases-types-title"), "admin");
    let res = render(&TypesPage {
        page,
        types,
        errors,
        kept: Kept(kept),
        areas: labelled(l, "cases-area", &catalogue::AREAS),
    });
    Ok(refused_page(res, refused))
}

async fn types_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    types_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn add_type(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: TypeForm = typed(&raw)?;
    let r = catalogue::add(&st.db, &s.actor(), &f).await;
    flow(&s)
        .then(
            r,
            |_| go("/admin/case-types", "flash-saved"),
            |errors| types_form(&st, &s, raw, errors),
        )
        .await
}

async fn toggle_type(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let active = raw.get("active").is_some_and(|v| skrb_kit::form::truthy(v));
    catalogue::set_active(&st.db, &s.actor(), id, active).await?;
    Ok(redirect_with_flash("/admin/case-types", "flash-saved"))
}

// ---------------------------------------------------------------- panels

#[derive(askama::Template)]
#[template(path = "cases/person_panel.html")]
struct PersonPanel {
    page: Page,
    person_id: i64,
    cases: Vec<files::CaseRow>,
}

/// The person's case files on the person's page, for those who may read files.
pub fn person_panel<'a>(
    st: &'a AppState,
    s: &'a Signed,
    person_id: i64,
) -> skrb_kit::web::panels::Rendered<'a> {
    Box::pin(async move {
        if !s.may(skrb_kit::auth::Permission::CaseRead) {
            return Ok(None);
        }
        let cases = files::of_person(&st.db, &s.actor(), person_id).await?;
        let page = Page::new(&s.ctx, String::new(), "persons");
        Ok(Some(
            askama::Template::render(&PersonPanel {
                page,
                person_id,
                cases,
            })
            .map_err(|e| skrb_kit::error::AppError::Internal(anyhow::anyhow!("template: {e}")))?,
        ))
    })
}
