//! Public authorisations' pages: the overview of what falls due and who is placed, the
//! register of foster carers (searched to match a child) and a carer's file with its
//! steps and annual summary, a placement with its payments and the person's timeline,
//! institutions, guardianships with the guardian's reports, the month's bills of
//! institutional care and the figures; and the person page's panel. Thin: parse, call
//! the use case, render.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use time::{Date, Duration};

use crate::billing::{self, Annual, Bill};
use crate::carers::{
    self, Carer, CarerFile, CarerForm, MemberForm, Search, StepForm, TrainingForm,
};
use crate::due::{self, Due};
use crate::figures::{self, Figures};
use crate::guardianship::{
    self, EndForm as GEndForm, Guardianship, GuardianshipFile, GuardianshipForm, ItemForm,
    ReportForm,
};
use crate::institutions::{self, Institution, InstitutionForm};
use crate::placements::{
    self, EndForm, EventForm, Placement, PlacementFile, PlacementForm, RaiseForm,
};
use skrb_domain::placements::{
    Basis, GuardianKind, InstitutionKind, PermitKind, PlacementKind, Scope, Setting,
};
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
        .get("/placements", Perm(PlacementRead), home)
        .downloads(
            ["/placements.xlsx", "/placements.csv"],
            Perm(PlacementRead),
            placements_download,
        )
        .get("/placements/carers", Perm(PlacementRead), carers_page)
        .post("/placements/carers", Perm(PlacementManage), carer_create)
        .get("/placements/carers/{id}", Perm(PlacementRead), carer_page)
        .post(
            "/placements/carers/{id}/step",
            Perm(PlacementManage),
            carer_step,
        )
        .post(
            "/placements/carers/{id}/members",
            Perm(PlacementManage),
            member_add,
        )
        .post(
            "/placements/carers/{id}/training",
            Perm(PlacementManage),
            training_add,
        )
        .get(
            "/placements/carers/{id}/annual",
            Perm(PlacementRead),
            annual_page,
        )
        .get("/placements/new", Perm(PlacementManage), placement_new)
        .post("/placements", Perm(PlacementManage), placement_create)
        .get("/placements/{id}", Perm(PlacementRead), placement_page)
        .post(
            "/placements/{id}/events",
            Perm(PlacementManage),
            placement_event,
        )
        .post(
            "/placements/{id}/raise",
            Perm(PlacementManage),
            placement_raise,
        )
        .post("/placements/{id}/end", Perm(PlacementManage), placement_end)
        .post(
            "/placements/{id}/approve",
            Perm(PlacementManage),
            placement_approve,
        )
        .get(
            "/placements/institutions",
            Perm(PlacementRead),
            institutions_page,
        )
        .post(
            "/placements/institutions",
            Perm(PlacementManage),
            institution_create,
        )
        .get(
            "/placements/guardianships",
            Perm(PlacementRead),
            guardianships_page,
        )
        .post(
            "/placements/guardianships",
            Perm(PlacementManage),
            guardianship_create,
        )
        .get(
            "/placements/guardianships/{id}",
            Perm(PlacementRead),
            guardianship_page,
        )
        .post(
            "/placements/guardianships/{id}/reports/{report}",
            Perm(PlacementManage),
            guardian_report,
        )
        .post(
            "/placements/guardianships/{id}/items",
            Perm(PlacementManage),
            guardian_item,
        )
        .post(
            "/placements/guardianships/{id}/end",
            Perm(PlacementManage),
            guardianship_end,
        )
        .get("/placements/billing", Perm(PlacementRead), billing_page)
        .get("/placements/bills/{id}/pdf", Perm(PlacementRead), bill_pdf)
        .post("/placements/billing", Perm(PlacementManage), billing_run)
        .get("/placements/figures", Perm(PlacementRead), figures_page)
}

fn page(s: &Signed, key: &str) -> Page {
    Page::new(&s.ctx, i18n::t(s.ctx.locale, key), "placements")
        .crumb("/placements", "nav-placements")
}

fn month_of(q: &Raw, today: Date) -> Date {
    q.get("month")
        .and_then(|m| crate::parse_month(m))
        .unwrap_or_else(|| today.replace_day(1).unwrap_or(today) - Duration::days(1))
        .replace_day(1)
        .unwrap_or(today)
}

fn year_of(q: &Raw, today: Date) -> i32 {
    q.get("year")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(today.year())
}

// ---------------------------------------------------------------- overview

#[derive(askama::Template)]
#[template(path = "placements/home.html")]
struct HomePage {
    page: Page,
    due: Vec<Due>,
    current: Vec<Placement>,
    today: Date,
}

/// The current placements (all of them, ended too, with `all`).
async fn placements_download(
    st: AppState,
    s: Signed,
    q: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let all = q.contains_key("all");
    placements::export(&st.reports, &st.db, &s.actor(), all, format, s.ctx.locale)
        .await?
        .response()
}

async fn home(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let a = s.actor();
    let due = due::list(&st.db, &a).await?;
    let current = placements::list(&st.db, &a, true).await?;
    Ok(render(&HomePage {
        page: Page::new(
            &s.ctx,
            i18n::t(s.ctx.locale, "placements-title"),
            "placements",
        ),
        due,
        current,
        today: s.today(),
    }))
}

// ---------------------------------------------------------------- carers

#[derive(askama::Template)]
#[template(path = "placements/carers.html")]
struct CarersPage {
    page: Page,
    carers: Vec<Carer>,
    /// Matches in all (the page shows the nearest [`SHOWN`]).
    total: i64,
    municipalities: Vec<(i64, String)>,
    q: Kept,
    kept: Kept,
    errors: Vec<Reason>,
    person: Option<(i64, String)>,
    all: bool,
}

/// Families a page of the register shows: the nearest first, the rest found by a
/// narrower search.
const SHOWN: usize = 50;

fn search_of(q: &Raw) -> Search {
    let flag = |k: &str| q.get(k).map(|v| skrb_kit::form::truthy(v));
    Search {
        age: q.get("age").and_then(|a| a.trim().parse().ok()),
        needs: q.get("needs").cloned(),
        language: q.get("language").cloned(),
        disability: flag("disability"),
        vacant: flag("vacant"),
        municipality_id: q.get("municipality_id").and_then(|a| a.trim().parse().ok()),
        all: flag("all"),
    }
}

async fn carers_form(
    st: &AppState,
    s: &Signed,
    q: Raw,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let search = search_of(&q);
    let (carers, total) = carers::register_page(&st.db, &s.actor(), &search, SHOWN).await?;
    let municipalities = crate::view::municipalities(&st.db, &s.actor()).await?;
    let person_id = kept
        .get("person_id")
        .and_then(|p| p.trim().parse::<i64>().ok());
    let person = crate::view::person(&st.db, &s.actor(), person_id).await?;
    let refused = !errors.is_empty();
    let res = render(&CarersPage {
        page: page(s, "placements-carers"),
        carers,
        total,
        municipalities,
        all: search.all.unwrap_or(false),
        q: Kept(q),
        kept: Kept(kept),
        errors,
        person,
    });
    Ok(refused_page(res, refused))
}

async fn carers_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person") {
        kept.insert("person_id".into(), p.clone());
    }
    carers_form(&st, &s, q, kept, Vec::new()).await
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
            |id| go(&format!("/placements/carers/{id}"), "flash-saved"),
            |errors| carers_form(&st, &s, Raw::new(), raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "placements/carer.html")]
struct CarerPage {
    page: Page,
    f: CarerFile,
    placed: Vec<Placement>,
    permits: Vec<(&'static str, String)>,
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
    let f = carers::get(&st.db, &s.actor(), id).await?;
    let today = s.today();
    let mut placed: Vec<Placement> = placements::list(&st.db, &s.actor(), true)
        .await?
        .into_iter()
        .filter(|p| p.carer_id == Some(id))
        .collect();
    placed.sort_by_key(|p| p.start_on);
    let refused = !errors.is_empty();
    let res = render(&CarerPage {
        page: Page::new(&s.ctx, f.carer.name.clone(), "placements")
            .crumb("/placements", "nav-placements")
            .crumb("/placements/carers?all=1", "placements-carers"),
        f,
        placed,
        permits: labelled(s.ctx.locale, "placements-permit", &PermitKind::codes()),
        kept: Kept(kept),
        errors,
        today,
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

async fn carer_step(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: StepForm = typed(&raw)?;
    let r = carers::step(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/carers/{id}"), "flash-saved"),
            |errors| carer_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn member_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: MemberForm = typed(&raw)?;
    let r = carers::add_member(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/carers/{id}#household"), "flash-saved"),
            |errors| carer_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn training_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: TrainingForm = typed(&raw)?;
    let r = carers::add_training(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/carers/{id}#training"), "flash-saved"),
            |errors| carer_form(&st, &s, id, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "placements/annual.html")]
struct AnnualPage {
    page: Page,
    a: Annual,
}

impl AnnualPage {
    /// The month as `03/2026`.
    fn month_name(&self, m: &usize) -> String {
        format!("{:02}/{}", m + 1, self.a.year)
    }
}

async fn annual_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let year = year_of(&q, s.today());
    let a = billing::annual(&st.db, &s.actor(), id, year).await?;
    let title = i18n::t_args(
        s.ctx.locale,
        "placements-annual-title",
        &[
            ("name", a.carer.clone().into()),
            ("year", i64::from(year).into()),
        ],
    );
    Ok(render(&AnnualPage {
        page: Page::new(&s.ctx, title, "placements")
            .crumb("/placements", "nav-placements")
            .crumb(format!("/placements/carers/{id}"), &a.carer),
        a,
    }))
}

// ---------------------------------------------------------------- placements

#[derive(askama::Template)]
#[template(path = "placements/new.html")]
struct NewPage {
    page: Page,
    kept: Kept,
    errors: Vec<Reason>,
    person: Option<(i64, String)>,
    carers: Vec<Carer>,
    institutions: Vec<Institution>,
    settings: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    bases: Vec<(&'static str, String)>,
    raises: Vec<&'static str>,
}

async fn new_form(
    st: &AppState,
    s: &Signed,
    mut kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let person_id = kept
        .get("person_id")
        .and_then(|p| p.trim().parse::<i64>().ok());
    let person = crate::view::person(&st.db, &a, person_id).await?;
    let (carers, institutions) = crate::view::choices(&st.db, &a).await?;
    if errors.is_empty() {
        kept.entry("start_on".into())
            .or_insert_with(|| s.today().to_string());
        kept.entry("setting".into())
            .or_insert_with(|| "foster".into());
        kept.entry("kind".into()).or_insert_with(|| "full".into());
        let rs = s.ctx.locale.code().starts_with("sr");
        kept.entry("basis".into()).or_insert_with(|| {
            if rs {
                "decision".into()
            } else {
                "court".into()
            }
        });
    }
    let refused = !errors.is_empty();
    let l = s.ctx.locale;
    let res = render(&NewPage {
        page: page(s, "placements-new"),
        kept: Kept(kept),
        errors,
        person,
        carers,
        institutions,
        settings: labelled(l, "placements-setting", &Setting::codes()),
        kinds: labelled(l, "placements-kind", &PlacementKind::codes()),
        bases: labelled(l, "placements-basis", &Basis::codes()),
        raises: placements::RAISES.to_vec(),
    });
    Ok(refused_page(res, refused))
}

async fn placement_new(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    for (from, to) in [
        ("person", "person_id"),
        ("carer", "carer_id"),
        ("institution", "institution_id"),
    ] {
        if let Some(v) = q.get(from) {
            kept.insert(to.into(), v.clone());
        }
    }
    if q.contains_key("institution") {
        kept.insert("setting".into(), "institution".into());
    }
    new_form(&st, &s, kept, Vec::new()).await
}

async fn placement_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PlacementForm = typed(&raw)?;
    let r = placements::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |p| {
                let flash = if p.pending {
                    "placements-flash-pending"
                } else {
                    "placements-flash-placed"
                };
                go(&format!("/placements/{}", p.id), flash)
            },
            |errors| new_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "placements/placement.html")]
struct PlacementPage {
    page: Page,
    f: PlacementFile,
    events: Vec<(&'static str, String)>,
    raises: Vec<&'static str>,
    kept: Kept,
    errors: Vec<Reason>,
    today: Date,
}

impl PlacementPage {
    fn right_name(&self, code: &str) -> String {
        self.page.c("placements-right", code)
    }
}

async fn placement_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let f = placements::get(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let title = f.placement.person.clone();
    let res = render(&PlacementPage {
        page: Page::new(&s.ctx, title, "placements").crumb("/placements", "nav-placements"),
        f,
        events: labelled(s.ctx.locale, "placements-event", &placements::RECORDED),
        raises: placements::RAISES.to_vec(),
        kept: Kept(kept),
        errors,
        today: s.today(),
    });
    Ok(refused_page(res, refused))
}

async fn placement_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    placement_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn placement_event(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: EventForm = typed(&raw)?;
    let r = placements::record(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/{id}#timeline"), "flash-saved"),
            |errors| placement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn placement_raise(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RaiseForm = typed(&raw)?;
    let r = placements::raise(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/{id}#payments"), "flash-saved"),
            |errors| placement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn placement_end(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: EndForm = typed(&raw)?;
    let r = placements::end(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/{id}"), "flash-saved"),
            |errors| placement_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn placement_approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = placements::approve(&st.db, &s.actor(), id).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/{id}"), "placements-flash-approved"),
            |errors| placement_form(&st, &s, id, Raw::new(), errors),
        )
        .await
}

// ---------------------------------------------------------------- institutions

#[derive(askama::Template)]
#[template(path = "placements/institutions.html")]
struct InstitutionsPage {
    page: Page,
    institutions: Vec<Institution>,
    kinds: Vec<(&'static str, String)>,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn institutions_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let institutions = institutions::list(&st.db, &s.actor()).await?;
    let refused = !errors.is_empty();
    let res = render(&InstitutionsPage {
        page: page(s, "placements-institutions"),
        institutions,
        kinds: labelled(s.ctx.locale, "placements-inst", &InstitutionKind::codes()),
        kept: Kept(kept),
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn institutions_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    institutions_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn institution_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: InstitutionForm = typed(&raw)?;
    let r = institutions::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/placements/institutions", "flash-saved"),
            |errors| institutions_form(&st, &s, raw, errors),
        )
        .await
}

// ---------------------------------------------------------------- guardianship

#[derive(askama::Template)]
#[template(path = "placements/guardianships.html")]
struct GuardianshipsPage {
    page: Page,
    list: Vec<Guardianship>,
    person: Option<(i64, String)>,
    bases: Vec<(&'static str, String)>,
    scopes: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    kept: Kept,
    errors: Vec<Reason>,
    today: Date,
}

async fn guardianships_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let list = guardianship::list(&st.db, &a).await?;
    let ward = kept
        .get("ward_id")
        .and_then(|p| p.trim().parse::<i64>().ok());
    let person = crate::view::person(&st.db, &a, ward).await?;
    let refused = !errors.is_empty();
    let l = s.ctx.locale;
    let res = render(&GuardianshipsPage {
        page: page(s, "placements-guardianships"),
        list,
        person,
        bases: labelled(l, "placements-basis", &Basis::codes()),
        scopes: labelled(l, "placements-scope", &Scope::codes()),
        kinds: labelled(l, "placements-guardian", &GuardianKind::codes()),
        kept: Kept(kept),
        errors,
        today: s.today(),
    });
    Ok(refused_page(res, refused))
}

async fn guardianships_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person") {
        kept.insert("ward_id".into(), p.clone());
    }
    guardianships_form(&st, &s, kept, Vec::new()).await
}

async fn guardianship_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: GuardianshipForm = typed(&raw)?;
    let r = guardianship::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/placements/guardianships/{id}"), "flash-saved"),
            |errors| guardianships_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "placements/guardianship.html")]
struct GuardianshipPage {
    page: Page,
    f: GuardianshipFile,
    errors: Vec<Reason>,
    today: Date,
}

/// A guardianship's page; a refused form shows its errors at the top (its rows' forms
/// are small enough to type again).
async fn guardianship_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    _kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let f = guardianship::get(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let res = render(&GuardianshipPage {
        page: Page::new(&s.ctx, f.guardianship.ward.clone(), "placements")
            .crumb("/placements", "nav-placements")
            .crumb("/placements/guardianships", "placements-guardianships"),
        f,
        errors,
        today: s.today(),
    });
    Ok(refused_page(res, refused))
}

async fn guardianship_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    guardianship_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn guardian_report(
    State(st): State<AppState>,
    s: Signed,
    Path((id, report)): Path<(i64, i64)>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReportForm = typed(&raw)?;
    let r = guardianship::report(&st.db, &s.actor(), id, report, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/placements/guardianships/{id}#reports"),
                    "flash-saved",
                )
            },
            |errors| guardianship_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn guardian_item(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ItemForm = typed(&raw)?;
    let r = guardianship::add_item(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/placements/guardianships/{id}#items"),
                    "flash-saved",
                )
            },
            |errors| guardianship_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn guardianship_end(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: GEndForm = typed(&raw)?;
    let r = guardianship::end(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/placements/guardianships/{id}"), "flash-saved"),
            |errors| guardianship_form(&st, &s, id, raw, errors),
        )
        .await
}

// ---------------------------------------------------------------- billing and figures

#[derive(askama::Template)]
#[template(path = "placements/billing.html")]
struct BillingPage {
    page: Page,
    month: String,
    bills: Vec<Bill>,
    total: i64,
    currency: String,
}

async fn billing_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let month = month_of(&q, s.today());
    let bills = billing::bills(&st.db, &s.actor(), month).await?;
    let total = bills.iter().map(|b| b.amount).sum();
    let currency = bills
        .first()
        .map(|b| b.currency.clone())
        .unwrap_or_else(|| {
            if s.ctx.locale.code().starts_with("sr") {
                "BAM".into()
            } else {
                "EUR".into()
            }
        });
    Ok(render(&BillingPage {
        page: page(&s, "placements-billing"),
        month: format!("{:04}-{:02}", month.year(), u8::from(month.month())),
        bills,
        total,
        currency,
    }))
}

async fn bill_pdf(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (name, pdf) = billing::document(&st.db, &s.actor(), id).await?;
    Ok(skrb_kit::web::page::pdf_download(&name, pdf))
}

async fn billing_run(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let month = month_of(&raw, s.today());
    let b = billing::bill(&st.db, &s.actor(), month).await?;
    go(
        &format!("/placements/billing?month={}", b.month),
        "placements-flash-billed",
    )
}

#[derive(askama::Template)]
#[template(path = "placements/figures.html")]
struct FiguresPage {
    page: Page,
    f: Figures,
}

impl FiguresPage {
    fn sum(&self, rows: &[figures::Row]) -> i64 {
        rows.iter().map(figures::Row::total).sum()
    }

    fn tables(&self) -> [(&'static str, &[figures::Row]); 3] {
        [
            ("placements-fig-in-foster", &self.f.in_foster),
            ("placements-fig-in-institutions", &self.f.in_institutions),
            ("placements-fig-guardianship", &self.f.under_guardianship),
        ]
    }
}

async fn figures_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let year = year_of(&q, s.today());
    let f = figures::of_year(&st.db, &s.actor(), year).await?;
    Ok(render(&FiguresPage {
        page: page(&s, "placements-figures"),
        f,
    }))
}

// ---------------------------------------------------------------- the person's page

#[derive(askama::Template)]
#[template(path = "placements/person_panel.html")]
struct PersonPanel {
    page: Page,
    person_id: i64,
    placements: Vec<Placement>,
    guardianships: Vec<Guardianship>,
    carer: Option<(i64, String)>,
}

/// The person page's panel: the person's placements and guardianships, and the ways to
/// place, appoint a guardian or register the person as a foster carer.
pub fn person_panel<'a>(
    st: &'a AppState,
    s: &'a Signed,
    person_id: i64,
) -> skrb_kit::web::panels::Rendered<'a> {
    Box::pin(async move {
        if !s.may(skrb_kit::auth::Permission::PlacementRead) {
            return Ok(None);
        }
        let o = crate::view::of_person(&st.db, person_id).await?;
        let page = Page::new(&s.ctx, String::new(), "persons");
        Ok(Some(
            askama::Template::render(&PersonPanel {
                page,
                person_id,
                placements: o.placements,
                guardianships: o.guardianships,
                carer: o.carer,
            })
            .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?,
        ))
    })
}
