//! Home-help pages: the overview with the waiting list and what needs looking at, an
//! agreement with its care plan and regular week, carers, the week board, the carer's
//! phone page of today's visits (works offline: `assets/visits.js`), billing with the
//! municipalities' statements, price lists and the catalogue; and the person page's
//! panel (home help and counted sessions). Thin: parse, call the use case, render.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use time::{Date, Duration};

use crate::agreements::{self, Agreement, AgreementForm, ComplaintForm, PlanForm, StepForm};
use crate::billing::{self, Billed, Invoice, Receipts, Statement};
use crate::carers::{self, Absence, AbsenceForm, Carer, CarerForm};
use crate::catalogue::{self, NewService, ServiceType};
use crate::figures::{self, Figures};
use crate::prices::{self, Price, PriceForm};
use crate::roster::{self, Board, Pattern, PatternForm, ReplaceForm, Visit};
use crate::sessions::{self, Session, SessionForm};
use crate::visits::{self, DoorVisit, Exception, RecordForm};
use skrb_domain::services::{AgreementStatus, CarerKind, HomeTask};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{go, labelled, typed, Flow, Kept, Multi, Raw, Reason};
use skrb_kit::i18n;
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/services", Perm(HomeHelpRead), home)
        .get(
            "/services/agreements/new",
            Perm(HomeHelpManage),
            agreement_new,
        )
        .post(
            "/services/agreements",
            Perm(HomeHelpManage),
            agreement_create,
        )
        .get(
            "/services/agreements/{id}",
            Perm(HomeHelpRead),
            agreement_page,
        )
        .post(
            "/services/agreements/{id}/step",
            Perm(HomeHelpManage),
            agreement_step,
        )
        .post(
            "/services/agreements/{id}/plan",
            Perm(HomeHelpManage),
            agreement_plan,
        )
        .post(
            "/services/agreements/{id}/complaint",
            Perm(HomeHelpManage),
            agreement_complaint,
        )
        .post(
            "/services/agreements/{id}/patterns",
            Perm(HomeHelpManage),
            pattern_add,
        )
        .post(
            "/services/agreements/{id}/patterns/{pattern}/end",
            Perm(HomeHelpManage),
            pattern_end,
        )
        .get("/services/carers", Perm(HomeHelpRead), carers_page)
        .post("/services/carers", Perm(HomeHelpManage), carer_create)
        .get("/services/carers/{id}", Perm(HomeHelpRead), carer_page)
        .post(
            "/services/carers/{id}/absences",
            Perm(HomeHelpManage),
            absence_add,
        )
        .get("/services/board", Perm(HomeHelpRead), board_page)
        .downloads(
            ["/services/visits.xlsx", "/services/visits.csv"],
            Perm(HomeHelpRead),
            visits_download,
        )
        .post("/services/board/plan", Perm(HomeHelpManage), board_plan)
        .post(
            "/services/board/replace",
            Perm(HomeHelpManage),
            board_replace,
        )
        .post("/services/visits/{id}", Perm(HomeHelpManage), visit_correct)
        .get("/services/billing", Perm(HomeHelpRead), billing_page)
        .post("/services/billing", Perm(HomeHelpBill), billing_run)
        .post(
            "/services/billing/receipts",
            Perm(HomeHelpBill),
            billing_receipts,
        )
        .get(
            "/services/invoices/{id}/pdf",
            Perm(HomeHelpRead),
            invoice_pdf,
        )
        .post(
            "/services/invoices/{id}/credit",
            Perm(HomeHelpBill),
            invoice_credit,
        )
        .get("/services/prices", Perm(HomeHelpRead), prices_page)
        .post("/services/prices", Perm(HomeHelpManage), price_create)
        .get("/services/catalogue", Signed, catalogue_page)
        .post(
            "/services/catalogue",
            Perm(ServiceCatalogue),
            catalogue_create,
        )
        .get("/services/figures", Perm(HomeHelpRead), figures_page)
        .get("/visits", Perm(HomeHelpVisit), visits_page)
        .post("/visits/{id}", Perm(HomeHelpVisit), visit_record)
        .post("/persons/{id}/sessions", Perm(CaseWrite), session_record)
}

fn page(s: &Signed, key: &str) -> Page {
    Page::new(&s.ctx, i18n::t(s.ctx.locale, key), "services").crumb("/services", "nav-services")
}

fn month_of(q: &Raw, today: Date) -> Date {
    q.get("month")
        .and_then(|m| crate::parse_month(m))
        .unwrap_or_else(|| (today.replace_day(1).unwrap_or(today)) - Duration::days(1))
        .replace_day(1)
        .unwrap_or(today)
}

// ---------------------------------------------------------------- overview

#[derive(askama::Template)]
#[template(path = "services/home.html")]
struct HomePage {
    page: Page,
    waiting: Vec<Agreement>,
    active: Vec<Agreement>,
    exceptions: Vec<Exception>,
    figures: Figures,
    today: Date,
    capacity: (i64, i64),
    /// Carers whose qualification has expired or expires within six weeks.
    expiring: Vec<Carer>,
}

async fn home(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let a = s.actor();
    let waiting = agreements::list(&st.db, &a, Some(AgreementStatus::Waiting)).await?;
    let active = agreements::list(&st.db, &a, Some(AgreementStatus::Active)).await?;
    let exceptions = visits::exceptions(&st.db, &a, 7).await?;
    let today = s.today();
    let figures = figures::month(&st.db, &a, today).await?;
    let capacity = match skrb_kit::scope::centre_of(&a) {
        Some(c) => {
            let mut tx = st.db.begin_read().await?;
            let r = agreements::capacity(&mut tx, c, today).await?;
            tx.commit().await?;
            r
        }
        None => (0, 0),
    };
    let expiring: Vec<Carer> = carers::list(&st.db, &a)
        .await?
        .into_iter()
        .filter(|c| {
            c.active
                && matches!(
                    c.standing_code(&today),
                    "expires_soon" | "expired" | "missing"
                )
        })
        .collect();
    let page = Page::new(&s.ctx, i18n::t(s.ctx.locale, "services-title"), "services");
    Ok(render(&HomePage {
        page,
        waiting,
        active,
        exceptions,
        figures,
        today,
        capacity,
        expiring,
    }))
}

// ---------------------------------------------------------------- agreements

#[derive(askama::Template)]
#[template(path = "services/agreement_new.html")]
struct NewPage {
    page: Page,
    kept: Kept,
    errors: Vec<Reason>,
    person: Option<(i64, String)>,
    tasks: Vec<(&'static str, String)>,
    municipalities: Vec<(i64, String)>,
    rs: bool,
}

async fn new_form(
    st: &AppState,
    s: &Signed,
    mut kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let person = kept
        .get("person_id")
        .and_then(|p| p.trim().parse::<i64>().ok());
    let (person, municipalities, j) = crate::view::form_data(&st.db, &s.actor(), person).await?;
    if errors.is_empty() && !kept.contains_key("requested_on") {
        kept.insert("requested_on".into(), s.today().to_string());
    }
    let refused = !errors.is_empty();
    let res = render(&NewPage {
        page: page(s, "services-new"),
        kept: Kept(kept),
        errors,
        person,
        tasks: labelled(s.ctx.locale, "services-task", &HomeTask::codes()),
        municipalities,
        rs: j == "RS",
    });
    Ok(refused_page(res, refused))
}

async fn agreement_new(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person") {
        kept.insert("person_id".into(), p.clone());
    }
    new_form(&st, &s, kept, Vec::new()).await
}

async fn agreement_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AgreementForm = typed(&raw)?;
    let r = agreements::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |a| {
                let flash = if a.status == "waiting" {
                    "services-flash-waiting"
                } else {
                    "services-flash-agreed"
                };
                go(&format!("/services/agreements/{}", a.id), flash)
            },
            |errors| new_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "services/agreement.html")]
struct AgreementPage {
    page: Page,
    a: Agreement,
    patterns: Vec<Pattern>,
    visits: Vec<Visit>,
    invoices: Vec<Invoice>,
    carers: Vec<Carer>,
    errors: Vec<Reason>,
    kept: Kept,
    weekdays: Vec<(&'static str, String)>,
    exemption: Option<(i64, String)>,
    waited: i64,
}

impl AgreementPage {
    fn carer_name(&self, id: &i64) -> String {
        self.carers
            .iter()
            .find(|c| c.id == *id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }
}

fn weekdays(l: i18n::Locale) -> Vec<(&'static str, String)> {
    labelled(l, "services-weekday", &["1", "2", "3", "4", "5", "6", "7"])
}

async fn agreement_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let actor = s.actor();
    let a = agreements::get(&st.db, &actor, id).await?;
    let today = s.today();
    let crate::view::View {
        patterns,
        visits,
        invoices,
        carers,
        exemption,
    } = crate::view::view(&st.db, &a, today).await?;
    let refused = !errors.is_empty();
    let title = format!("{} · {}", a.person_name, a.number);
    let waited = a.waited(&today);
    let res = render(&AgreementPage {
        page: Page::new(&s.ctx, title, "services").crumb("/services", "nav-services"),
        a,
        patterns,
        visits,
        invoices,
        carers: carers.into_iter().filter(|c| c.active).collect(),
        errors,
        kept: Kept(kept),
        weekdays: weekdays(s.ctx.locale),
        exemption,
        waited,
    });
    Ok(refused_page(res, refused))
}

async fn agreement_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    agreement_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn agreement_step(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: StepForm = typed(&raw)?;
    let r = agreements::step(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| go(&format!("/services/agreements/{id}"), "flash-saved"),
            |errors| agreement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn agreement_plan(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PlanForm = typed(&raw)?;
    let r = agreements::set_plan(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/services/agreements/{id}"), "flash-saved"),
            |errors| agreement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn agreement_complaint(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ComplaintForm = typed(&raw)?;
    let r = agreements::complain(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/services/agreements/{id}"), "flash-saved"),
            |errors| agreement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn pattern_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PatternForm = typed(&raw)?;
    let r = roster::add_pattern(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| go(&format!("/services/agreements/{id}"), "flash-saved"),
            |errors| agreement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn pattern_end(
    State(st): State<AppState>,
    s: Signed,
    Path((id, pattern)): Path<(i64, i64)>,
) -> AppResult<Response> {
    roster::remove_pattern(&st.db, &s.actor(), id, pattern).await?;
    go(&format!("/services/agreements/{id}"), "flash-saved")
}

// ---------------------------------------------------------------- carers

#[derive(askama::Template)]
#[template(path = "services/carers.html")]
struct CarersPage {
    page: Page,
    carers: Vec<Carer>,
    kinds: Vec<(&'static str, String)>,
    kept: Kept,
    errors: Vec<Reason>,
    today: Date,
}

async fn carers_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let carers = carers::list(&st.db, &s.actor()).await?;
    let refused = !errors.is_empty();
    let res = render(&CarersPage {
        page: page(s, "services-carers"),
        carers,
        kinds: labelled(s.ctx.locale, "services-kind", &CarerKind::codes()),
        kept: Kept(kept),
        errors,
        today: s.today(),
    });
    Ok(refused_page(res, refused))
}

async fn carers_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    carers_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn carer_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: CarerForm = typed(&raw)?;
    let r = carers::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/services/carers/{id}"), "flash-saved"),
            |errors| carers_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "services/carer.html")]
struct CarerPage {
    page: Page,
    c: Carer,
    absences: Vec<Absence>,
    reasons: Vec<(&'static str, String)>,
    kept: Kept,
    errors: Vec<Reason>,
    today: Date,
}

async fn carer_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let (c, absences) = carers::get(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let res = render(&CarerPage {
        page: Page::new(&s.ctx, c.name.clone(), "services")
            .crumb("/services", "nav-services")
            .crumb("/services/carers", "services-carers"),
        c,
        absences,
        reasons: labelled(s.ctx.locale, "services-absence", &carers::REASONS),
        kept: Kept(kept),
        errors,
        today: s.today(),
    });
    Ok(refused_page(res, refused))
}

async fn carer_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    carer_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn absence_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AbsenceForm = typed(&raw)?;
    let r = carers::add_absence(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/services/carers/{id}"), "flash-saved"),
            |errors| carer_form(&st, &s, id, raw, errors),
        )
        .await
}

// ---------------------------------------------------------------- the week board

#[derive(askama::Template)]
#[template(path = "services/board.html")]
struct BoardPage {
    page: Page,
    b: Board,
    prev: Date,
    next: Date,
    carers: Vec<Carer>,
    kept: Kept,
    errors: Vec<Reason>,
    mine: bool,
}

impl BoardPage {
    /// The week's visits to download, with the board's choice of carers.
    fn dl(&self) -> skrb_kit::export::Links {
        let all = if self.mine { "" } else { "&all=1" };
        skrb_kit::export::Links::new(
            "/services/visits",
            format!("from={}&to={}{all}", self.b.monday, self.b.days[6]),
        )
    }
    fn warning(&self, w: &roster::Warning) -> String {
        use skrb_domain::services::roster::Conflict::*;
        let l = self.page.locale;
        let name = |id: i64| {
            self.carers
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        let visit = |id: i64| {
            self.b
                .rows
                .iter()
                .flat_map(|r| r.days.iter().flatten())
                .find(|v| v.id == id)
                .map(|v| {
                    format!(
                        "{} {} {}",
                        i18n::fmt_date(l, v.day),
                        v.start(),
                        v.person_name
                    )
                })
                .unwrap_or_default()
        };
        let args: Vec<(&str, i18n::FluentValue)> = match &w.conflict {
            DoubleBooked { slot, other } | NoTravelTime { slot, other, .. } => {
                vec![
                    ("visit", visit(*slot).into()),
                    ("other", visit(*other).into()),
                ]
            }
            OverContract {
                carer,
                planned,
                contracted,
            } => vec![
                ("carer", name(*carer).into()),
                ("planned", self.page.hm(planned).into()),
                ("contracted", self.page.hm(contracted).into()),
            ],
            Absent { slot } | Unqualified { slot } => vec![("visit", visit(*slot).into())],
            OverAgreed {
                user,
                planned,
                agreed,
            } => vec![
                (
                    "user",
                    self.b
                        .rows
                        .iter()
                        .flat_map(|r| r.days.iter().flatten())
                        .find(|v| v.person_id == *user)
                        .map(|v| v.person_name.clone())
                        .unwrap_or_default()
                        .into(),
                ),
                ("planned", self.page.hm(planned).into()),
                ("agreed", self.page.hm(agreed).into()),
            ],
        };
        i18n::t_args(l, &w.key, &args)
    }

    fn warn_count(&self) -> String {
        self.page
            .tn("services-warnings", &(self.b.warnings.len() as i64))
    }

    fn weekday(&self, d: &Date) -> String {
        i18n::t(
            self.page.locale,
            &format!("services-weekday-{}", roster::weekday_code(d)),
        )
    }
}

async fn board_form(
    st: &AppState,
    s: &Signed,
    q: &Raw,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let week = q
        .get("week")
        .and_then(|w| skrb_kit::dates::parse_date(w))
        .unwrap_or_else(|| s.today());
    let mine = q.get("all").is_none();
    let b = roster::board(&st.db, &s.actor(), week, mine).await?;
    let carers = carers::list(&st.db, &s.actor()).await?;
    let refused = !errors.is_empty();
    let res = render(&BoardPage {
        page: page(s, "services-board"),
        prev: b.monday - Duration::days(7),
        next: b.monday + Duration::days(7),
        b,
        carers: carers.into_iter().filter(|c| c.active).collect(),
        kept: Kept(kept),
        errors,
        mine,
    });
    Ok(refused_page(res, refused))
}

/// The register of visits of a period (`from`, `to`; the board's week by default), of
/// the co-ordinator's carers unless `all`.
async fn visits_download(
    st: AppState,
    s: Signed,
    q: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let day = |k: &str| q.get(k).and_then(|d| skrb_kit::dates::parse_date(d));
    let from = day("from").unwrap_or_else(|| roster::monday_of(s.today()));
    let to = day("to").unwrap_or(from + Duration::days(6));
    let mine = !q.contains_key("all");
    visits::export(
        &st.reports,
        &st.db,
        &s.actor(),
        from,
        to,
        mine,
        format,
        s.ctx.locale,
    )
    .await?
    .response()
}

async fn board_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    board_form(&st, &s, &q, Raw::new(), Vec::new()).await
}

async fn board_plan(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let from = raw
        .get("from")
        .and_then(|d| skrb_kit::dates::parse_date(d))
        .unwrap_or_else(|| s.today());
    let weeks = raw
        .get("weeks")
        .and_then(|w| w.trim().parse().ok())
        .unwrap_or(0);
    let r = roster::plan(&st.db, &s.actor(), from, weeks).await;
    let mut q = Raw::new();
    q.insert("week".into(), from.to_string());
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/services/board?week={from}"),
                    "services-flash-planned",
                )
            },
            |errors| board_form(&st, &s, &q, raw.clone(), errors),
        )
        .await
}

async fn board_replace(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReplaceForm = typed(&raw)?;
    let r = roster::replace(&st.db, &s.actor(), &f).await;
    let mut q = Raw::new();
    q.insert("week".into(), f.from_day.clone());
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/services/board?week={}", f.from_day.trim()),
                    "services-flash-replaced",
                )
            },
            |errors| board_form(&st, &s, &q, raw.clone(), errors),
        )
        .await
}

// ---------------------------------------------------------------- the carer's phone

#[derive(askama::Template)]
#[template(path = "services/visits.html")]
struct VisitsPage {
    page: Page,
    carer: Option<Carer>,
    visits: Vec<DoorVisit>,
    day: Date,
    errors: Vec<Reason>,
    failed: Option<i64>,
    kept: Kept,
}

impl VisitsPage {
    fn is_failed(&self, id: &i64) -> bool {
        self.failed == Some(*id)
    }

    fn local_time(&self, t: &Option<time::OffsetDateTime>) -> String {
        t.map(|t| {
            let l = self.page.zone.local(t);
            format!("{:02}:{:02}", l.hour(), l.minute())
        })
        .unwrap_or_default()
    }
}

async fn visits_form(
    st: &AppState,
    s: &Signed,
    day: Date,
    failed: Option<i64>,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let (carer, visits) = visits::mine(&st.db, &s.actor(), day).await?;
    let refused = !errors.is_empty();
    let res = render(&VisitsPage {
        page: Page::new(
            &s.ctx,
            i18n::t(s.ctx.locale, "services-my-visits"),
            "visits",
        ),
        carer,
        visits,
        day,
        errors,
        failed,
        kept: Kept(kept),
    });
    Ok(refused_page(res, refused))
}

async fn visits_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let day = q
        .get("day")
        .and_then(|d| skrb_kit::dates::parse_date(d))
        .unwrap_or_else(|| s.today());
    visits_form(&st, &s, day, None, Raw::new(), Vec::new()).await
}

async fn visit_record(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    // The day the page showed, to come back to; not part of the visit.
    let mut fields = raw.clone();
    fields.remove("day");
    let f: RecordForm = typed(&fields)?;
    let r = visits::record(&st.db, &s.actor(), id, &f, false).await;
    let day = raw
        .get("day")
        .and_then(|d| skrb_kit::dates::parse_date(d))
        .unwrap_or_else(|| s.today());
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |r| {
                go(
                    &format!("/visits?day={day}#visit-{}", r.visit_id),
                    if r.first {
                        "services-flash-recorded"
                    } else {
                        "services-flash-recorded-before"
                    },
                )
            },
            |errors| visits_form(&st, &s, day, Some(id), raw, errors),
        )
        .await
}

async fn visit_correct(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let mut fields = raw.clone();
    fields.remove("back");
    let f: RecordForm = typed(&fields)?;
    visits::record(&st.db, &s.actor(), id, &f, true).await?;
    let back = raw
        .get("back")
        .cloned()
        .unwrap_or_else(|| "/services".into());
    let back = if back.starts_with('/') && !back.starts_with("//") {
        back
    } else {
        "/services".into()
    };
    go(&back, "flash-saved")
}

// ---------------------------------------------------------------- billing

#[derive(askama::Template)]
#[template(path = "services/billing.html")]
struct BillingPage {
    page: Page,
    month: String,
    invoices: Vec<Invoice>,
    statements: Vec<Statement>,
    unpaid: Vec<Invoice>,
    billed: Option<Billed>,
    receipts: Option<Receipts>,
    errors: Vec<Reason>,
    currency: String,
}

async fn billing_form(
    st: &AppState,
    s: &Signed,
    month: Date,
    billed: Option<Billed>,
    receipts: Option<Receipts>,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let invoices = billing::of_month(&st.db, &a, month).await?;
    let statements = billing::statements(&st.db, &a, month).await?;
    let unpaid = billing::unpaid(&st.db, &a).await?;
    let currency = statements
        .first()
        .map(|s| s.currency.clone())
        .unwrap_or_else(|| "EUR".into());
    let refused = !errors.is_empty();
    let res = render(&BillingPage {
        page: page(s, "services-billing"),
        month: crate::month_code(month),
        invoices,
        statements,
        unpaid,
        billed,
        receipts,
        errors,
        currency,
    });
    Ok(refused_page(res, refused))
}

async fn billing_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    billing_form(&st, &s, month_of(&q, s.today()), None, None, Vec::new()).await
}

async fn billing_run(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let month = raw.get("month").and_then(|m| crate::parse_month(m));
    let Some(month) = month else {
        let errors = vec![Reason {
            field: Some("month"),
            text: i18n::t(s.ctx.locale, "services-err-month"),
        }];
        return billing_form(
            &st,
            &s,
            month_of(&Raw::new(), s.today()),
            None,
            None,
            errors,
        )
        .await;
    };
    let r = billing::bill(&st.db, &s.actor(), month, None).await;
    Flow::new(&s)
        .refusals_on_form()
        .then_page(
            r,
            |b| billing_form(&st, &s, month, Some(b), None, Vec::new()),
            |errors| billing_form(&st, &s, month, None, None, errors),
        )
        .await
}

async fn billing_receipts(
    State(st): State<AppState>,
    s: Signed,
    mut mp: Multipart,
) -> AppResult<Response> {
    let bytes = skrb_kit::web::upload::file(&mut mp).await?.bytes;
    let r = billing::receipts(&st.db, &s.actor(), &bytes).await;
    let month = month_of(&Raw::new(), s.today());
    Flow::new(&s)
        .then_page(
            r,
            |r| billing_form(&st, &s, month, None, Some(r), Vec::new()),
            |errors| billing_form(&st, &s, month, None, None, errors),
        )
        .await
}

async fn invoice_pdf(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (name, pdf) = crate::invoice::document(&st.db, &s.actor(), id).await?;
    Ok(skrb_kit::web::page::pdf_download(&name, pdf))
}

async fn invoice_credit(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let version = raw
        .get("version")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let month = raw.get("month").cloned().unwrap_or_default();
    billing::credit(&st.db, &s.actor(), id, version).await?;
    go(
        &format!("/services/billing?month={}", month.trim()),
        "services-flash-credited",
    )
}

// ---------------------------------------------------------------- prices, catalogue, figures

#[derive(askama::Template)]
#[template(path = "services/prices.html")]
struct PricesPage {
    page: Page,
    prices: Vec<Price>,
    municipalities: Vec<(i64, String)>,
    kept: Kept,
    errors: Vec<Reason>,
}

impl PricesPage {
    fn user_price(&self, p: &Price) -> String {
        i18n::fmt_money(self.page.locale, p.user_weekday(), &p.currency)
    }
}

async fn prices_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let prices = prices::list(&st.db, &a).await?;
    let municipalities = prices::municipalities(&st.db, &a).await?;
    let refused = !errors.is_empty();
    let res = render(&PricesPage {
        page: page(s, "services-prices"),
        prices,
        municipalities,
        kept: Kept(kept),
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn prices_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    prices_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn price_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PriceForm = typed(&raw)?;
    let r = prices::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/services/prices", "flash-saved"),
            |errors| prices_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "services/catalogue.html")]
struct CataloguePage {
    page: Page,
    services: Vec<ServiceType>,
    kept: Kept,
    errors: Vec<Reason>,
}

impl CataloguePage {
    fn name(&self, s: &ServiceType) -> String {
        s.name_in(self.page.locale)
    }
}

async fn catalogue_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let services = catalogue::for_actor(&st.db, &s.actor()).await?;
    let refused = !errors.is_empty();
    let res = render(&CataloguePage {
        page: page(s, "services-catalogue"),
        services,
        kept: Kept(kept),
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn catalogue_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    catalogue_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn catalogue_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: NewService = typed(&raw)?;
    let r = catalogue::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/services/catalogue", "flash-saved"),
            |errors| catalogue_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "services/figures.html")]
struct FiguresPage {
    page: Page,
    f: Figures,
    prev: String,
    next: String,
}

async fn figures_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let month = month_of(&q, s.today());
    let f = figures::month(&st.db, &s.actor(), month).await?;
    let prev = crate::month_code((month - Duration::days(1)).replace_day(1).unwrap_or(month));
    let next = crate::month_code(crate::month_end(month) + Duration::days(1));
    Ok(render(&FiguresPage {
        page: page(&s, "services-figures"),
        f,
        prev,
        next,
    }))
}

// ---------------------------------------------------------------- the person page

#[derive(askama::Template)]
#[template(path = "services/person_panel.html")]
struct PersonPanel {
    page: Page,
    person_id: i64,
    agreements: Vec<Agreement>,
    sessions: Vec<Session>,
    services: Vec<ServiceType>,
    today: Date,
}

impl PersonPanel {
    fn service_name(&self, code: &str) -> String {
        self.services
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.name_in(self.page.locale))
            .unwrap_or_else(|| code.to_string())
    }
}

/// Home help and counted sessions on a person's page.
pub fn person_panel<'a>(
    st: &'a AppState,
    s: &'a Signed,
    person_id: i64,
) -> skrb_kit::web::panels::Rendered<'a> {
    Box::pin(async move {
        use skrb_kit::auth::Permission::*;
        if !s.may(HomeHelpRead) && !s.may(CaseRead) {
            return Ok(None);
        }
        let mut tx = st.db.begin_read().await?;
        let agreements = if s.may(HomeHelpRead) {
            agreements::of_person(&mut tx, person_id).await?
        } else {
            Vec::new()
        };
        let sessions = if s.may(CaseRead) {
            sessions::of_person(&mut tx, person_id).await?
        } else {
            Vec::new()
        };
        let j =
            skrb_kit::centre::jurisdiction_of(&mut tx, s.actor().scope.and_then(|x| x.centre_id))
                .await?;
        let services = catalogue::list(&mut tx, Some(&j), Some(s.today())).await?;
        tx.commit().await?;
        let page = Page::new(&s.ctx, String::new(), "persons");
        Ok(Some(
            askama::Template::render(&PersonPanel {
                page,
                person_id,
                agreements,
                sessions,
                services,
                today: s.today(),
            })
            .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?,
        ))
    })
}

async fn session_record(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: SessionForm = typed(&raw)?;
    let r = sessions::record(&st.db, &s.actor(), id, &f).await;
    match r {
        Ok(_) => go(&format!("/persons/{id}#services"), "services-flash-session"),
        Err(e) => Err(e),
    }
}
