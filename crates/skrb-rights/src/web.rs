//! The rights pages: the rights officer's procedures by deadline, receiving an
//! application, the application page (completion, calculation with its explanation,
//! decision, delivery, appeal, second instance, changes), the catalogue with its dated
//! parameters and the yearly renewal, and commissions. Thin: parse, call a use case,
//! render; a refused form comes back with the user's input and the reasons.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use skrb_domain::rights::calc::{CareDegree, FosterChild, Kind, Member, Situation};
use skrb_domain::rights::states::{
    ApplicationStatus, DecisionStatus, EntitlementChange, EntitlementStatus, SessionStatus,
};
use skrb_domain::rights::{money, Household};
use time::Date;

use super::appeals::{self, AppealForm, ForwardForm, OutcomeForm};
use super::applications::{self, ApplicationForm, CompletionForm, PartOf, ProcedureRow};
use super::catalogue::{self, Param, ParamForm, RightForm, RightType};
use super::commissions::{
    self, AgendaForm, CommissionForm, FindingForm, MemberForm, ReassessForm, SessionForm,
};
use super::decisions::{self, ChangeForm, DecisionForm, DeliveryForm};
use super::renewal::{self, ObjectionForm, RenewalForm, Report};
use super::view::ApplicationView;
use skrb_kit::auth::Permission;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{go, labelled, typed, Flow};
use skrb_kit::form::{Kept, Multi, Raw};
use skrb_kit::i18n;
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/procedures", Perm(RightRead), procedures_page)
        .downloads(
            ["/procedures.xlsx", "/procedures.csv"],
            Perm(RightRead),
            procedures_download,
        )
        .get("/applications/new", Perm(RightDecide), new_page)
        .post("/applications/new", Perm(RightDecide), create)
        .get("/applications/{id}", Perm(RightRead), view)
        .post(
            "/applications/{id}/completion",
            Perm(RightDecide),
            completion,
        )
        .post("/applications/{id}/calculate", Perm(RightDecide), calculate)
        .post("/applications/{id}/decide", Perm(RightDecide), decide)
        .post("/applications/{id}/appeal", Perm(RightDecide), appeal)
        .post("/decisions/{id}/approve", Perm(RightApprove), approve)
        .post("/decisions/{id}/delivery", Perm(RightDecide), deliver)
        .post("/decisions/{id}/objection", Perm(RightDecide), object)
        .get("/decisions/{id}/document", Perm(RightRead), document)
        .post("/appeals/{id}/forward", Perm(RightDecide), forward)
        .post("/appeals/{id}/outcome", Perm(RightDecide), outcome)
        .post("/entitlements/{id}/change", Perm(RightDecide), change)
        .get("/rights", Perm(RightRead), catalogue_page)
        .post("/rights/params", Perm(RightCatalogue), add_param)
        .post("/rights/extended", Perm(RightCatalogue), add_right)
        .post("/rights/renewal", Perm(RightCatalogue), renew)
        .get("/commissions", Perm(CommissionWork), commissions_page)
        .post("/commissions", Perm(RightCatalogue), commission_create)
        .get("/commissions/{id}", Perm(CommissionWork), commission_page)
        .post(
            "/commissions/{id}/members",
            Perm(RightCatalogue),
            member_add,
        )
        .post(
            "/commissions/{id}/sessions",
            Perm(CommissionWork),
            session_add,
        )
        .post(
            "/commissions/{id}/reassessment",
            Perm(RightCatalogue),
            reassess,
        )
        .get(
            "/commission-sessions/{id}",
            Perm(CommissionWork),
            session_page,
        )
        .post(
            "/commission-sessions/{id}/items",
            Perm(CommissionWork),
            item_add,
        )
        .post(
            "/commission-sessions/{id}/held",
            Perm(CommissionWork),
            session_held,
        )
        .post(
            "/commission-items/{id}/finding",
            Perm(CommissionWork),
            finding,
        )
}

// ---------------------------------------------------------------- procedures

#[derive(askama::Template)]
#[template(path = "rights/procedures.html")]
struct ProceduresPage {
    page: Page,
    view: String,
    views: Vec<(&'static str, String)>,
    rows: Vec<ProcedureRow>,
    today: Date,
    dl: skrb_kit::export::Links,
}

impl ProceduresPage {
    fn left(&self, r: &ProcedureRow) -> String {
        r.left_words(self.page.locale, self.today)
    }
    fn late(&self, r: &ProcedureRow) -> bool {
        r.late(self.today)
    }
}

/// The view asked for, or "mine".
fn procedures_view(q: &Raw) -> String {
    q.get("view")
        .filter(|v| applications::VIEWS.contains(&v.as_str()))
        .cloned()
        .unwrap_or_else(|| "mine".into())
}

/// Every procedure of the view, not only the page's 500.
async fn procedures_download(
    st: AppState,
    s: Signed,
    q: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let view = procedures_view(&q);
    applications::export_procedures(
        &st.reports,
        &st.db,
        &s.actor(),
        &view,
        s.today(),
        format,
        s.ctx.locale,
    )
    .await?
    .response()
}

async fn procedures_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let view = procedures_view(&q);
    let today = s.today();
    let rows = applications::procedures(&st.db, &s.actor(), &view, today).await?;
    let page = Page::new(&s.ctx, i18n::t(l, "rights-proc-title"), "procedures");
    Ok(render(&ProceduresPage {
        page,
        dl: skrb_kit::export::Links::new("/procedures", format!("view={view}")),
        view,
        views: labelled(l, "rights-proc-view", &applications::VIEWS),
        rows,
        today,
    }))
}

// ---------------------------------------------------------------- new application

#[derive(askama::Template)]
#[template(path = "rights/application_new.html")]
struct NewPage {
    page: Page,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    person_name: Option<String>,
    rights: Vec<(i64, String)>,
    channels: Vec<(&'static str, String)>,
}

async fn new_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let pid = kept.get("person_id").and_then(|v| v.parse::<i64>().ok());
    let person = match pid {
        Some(id) => Some(skrb_registry::persons::get(&st.db, &s.actor(), id).await?),
        None => None,
    };
    let muni = person.as_ref().and_then(|p| p.data.municipality_id);
    let person_name = person.map(|p| p.full_name());
    let rights = catalogue::offered(&st.db, s.user.centre_id, muni)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name_in(l)))
        .collect();
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "rights-app-new"), "procedures");
    let res = render(&NewPage {
        page,
        errors,
        kept: Kept(kept),
        person_name,
        rights,
        channels: labelled(l, "rights-app-channel", &super::CHANNELS),
    });
    Ok(refused_page(res, refused))
}

async fn new_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    if let Some(p) = q.get("person_id") {
        kept.insert("person_id".into(), p.clone());
    }
    kept.insert("channel".into(), "in_person".into());
    kept.insert("received_on".into(), s.today().to_string());
    new_form(&st, &s, kept, Vec::new()).await
}

async fn create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ApplicationForm = typed(&raw)?;
    let r = applications::create(&st.db, &s.actor(), &f, s.today()).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/applications/{id}"), "rights-flash-app-received"),
            |errors| new_form(&st, &s, raw, errors),
        )
        .await
}

// ---------------------------------------------------------------- the application page

#[derive(askama::Template)]
#[template(path = "rights/application.html")]
struct AppPage {
    page: Page,
    v: ApplicationView,
    today: Date,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    input: Household,
    amount: Option<String>,
    explanation: Vec<String>,
    preview_error: Option<String>,
    needs: &'static [&'static str],
    outcomes: Vec<(&'static str, String)>,
    delivery: Vec<(&'static str, String)>,
    appeal_outcomes: Vec<(&'static str, String)>,
    changes: Vec<(&'static str, String)>,
    situations: Vec<(&'static str, String)>,
    raises: Vec<(&'static str, String)>,
    may_decide: bool,
    may_approve: bool,
    silent: bool,
    open_appeal: bool,
}

impl AppPage {
    fn needs(&self, f: &str) -> bool {
        self.needs.contains(&f)
    }
    fn money(&self, a: &i64) -> String {
        i18n::fmt_money(self.page.locale, *a, &self.v.right.currency)
    }
    fn money_opt(&self, a: &Option<i64>) -> String {
        a.map(|a| self.money(&a)).unwrap_or_default()
    }
    fn plain(&self, a: &i64) -> String {
        if *a == 0 {
            String::new()
        } else {
            i18n::fmt_amount_input(self.page.locale, *a)
        }
    }
    fn kind_is(&self, m: &Member, k: &str) -> bool {
        (m.kind == Kind::Child) == (k == "child")
    }
    fn situation_is(&self, s: &str) -> bool {
        matches!(
            (self.input.situation, s),
            (Some(Situation::YoungWithParents), "young_with_parents")
                | (
                    Some(Situation::UnableWithNonFamily),
                    "unable_with_non_family"
                )
        )
    }
    fn care_is(&self, s: &str) -> bool {
        matches!(
            (self.input.care_degree, s),
            (Some(CareDegree::Full), "full") | (Some(CareDegree::Partial), "partial")
        )
    }
    fn impairment_is(&self, s: &str) -> bool {
        self.input.impairment.map(|i| i.to_string()).as_deref() == Some(s)
    }
    fn raise_is(&self, v: &u32, s: &str) -> bool {
        v.to_string() == s
    }
    fn appeal_due(&self, d: &decisions::Decision) -> String {
        d.appeal_due()
            .map(|x| i18n::fmt_date(self.page.locale, x))
            .unwrap_or_default()
    }
    fn objection_due(&self, d: &decisions::Decision) -> String {
        d.objection_due()
            .map(|x| i18n::fmt_date(self.page.locale, x))
            .unwrap_or_default()
    }
    fn funding(&self, f: &str) -> String {
        catalogue::parse_funding(f)
            .into_iter()
            .map(|(w, a)| {
                format!(
                    "{} {}",
                    self.page.t(&format!("rights-funder-{w}")),
                    self.money(&a)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn days_left(&self) -> String {
        match self
            .v
            .application
            .due_on
            .map(|d| (d - self.today).whole_days())
        {
            Some(d) if d < 0 => self.page.tn("rights-proc-overdue-days", &(-d)),
            Some(d) => self.page.tn("rights-proc-days-left", &d),
            None => String::new(),
        }
    }
    fn late(&self) -> bool {
        self.v.application.due_on.is_some_and(|d| d < self.today)
    }
    fn first_decision(&self) -> Option<&decisions::Decision> {
        self.v
            .decisions
            .iter()
            .find(|d| d.kind == "first" && d.status.issued())
    }
}

pub(crate) fn opt(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

async fn app_page(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
    raw: Raw,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let v = super::view::view(&st.db, &s.actor(), id).await?;
    let today = s.today();
    let (amount, explanation, preview_error) = match &v.preview {
        Ok(c) => (
            Some(i18n::fmt_money(l, c.amount, &v.right.currency)),
            super::explain::lines(l, c, &v.right.currency),
            None,
        ),
        Err(AppError::NotFound) => (None, Vec::new(), None),
        Err(AppError::Validation(errs)) => (
            None,
            Vec::new(),
            opt(errs
                .iter()
                .map(|e| e.msg.render(l))
                .collect::<Vec<_>>()
                .join(" ")),
        ),
        Err(AppError::Refused(m)) => (None, Vec::new(), Some(m.render(l))),
        Err(_) => (None, Vec::new(), Some(i18n::t(l, "rights-err-calc-input"))),
    };
    let refused = !errors.is_empty();
    let title = format!("{} · {}", v.application.number, v.person_name);
    let page = Page::new(&s.ctx, title, "procedures").crumb("/procedures", "nav-procedures");
    let silent = v.application.silent(today);
    let open_appeal = v.appeals.iter().any(|a| a.outcome.is_none());
    let res = render(&AppPage {
        input: v.application.household(),
        needs: v.right.calc().needs(),
        may_decide: s.may(Permission::RightDecide),
        may_approve: s.may(Permission::RightApprove),
        v,
        today,
        errors,
        kept: Kept(raw),
        amount,
        explanation,
        preview_error,
        outcomes: labelled(l, "rights-dec-outcome", &super::OUTCOMES),
        delivery: labelled(l, "rights-delivery", &super::DELIVERY),
        appeal_outcomes: labelled(l, "rights-appeal-outcome", &super::APPEAL_OUTCOMES),
        changes: labelled(l, "rights-change", &EntitlementChange::codes()),
        situations: labelled(
            l,
            "rights-situation",
            &["young_with_parents", "unable_with_non_family"],
        ),
        raises: vec![
            ("0", "0 %".into()),
            ("25", "+25 %".into()),
            ("50", "+50 %".into()),
        ],
        page,
        silent,
        open_appeal,
    });
    Ok(refused_page(res, refused))
}

async fn view(State(st): State<AppState>, s: Signed, Path(id): Path<i64>) -> AppResult<Response> {
    app_page(&st, &s, id, Vec::new(), Raw::new()).await
}

/// Runs a form's use case; on refusal shows the application page again with the reasons.
async fn on_app<F>(
    st: &AppState,
    s: &Signed,
    app: i64,
    raw: Raw,
    flash: &str,
    r: AppResult<F>,
) -> AppResult<Response> {
    // A step of the procedure refused now (a second person's approval, a wrong state)
    // is said on the application's page, like refused input.
    Flow::new(s)
        .refusals_on_form()
        .then(
            r,
            |_| go(&format!("/applications/{app}"), flash),
            |errors| app_page(st, s, app, errors, raw),
        )
        .await
}

async fn completion(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: CompletionForm = typed(&raw)?;
    let r = applications::completion(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, id, raw, "flash-saved", r).await
}

/// The household input from the calculation form's fields.
fn household_from(raw: &Raw) -> Result<Household, AppError> {
    let get = |k: &str| raw.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let amount = |k: &'static str| -> Result<i64, AppError> {
        match get(k).as_str() {
            "" => Ok(0),
            v => money::parse(v)
                .filter(|a| *a >= 0)
                .ok_or_else(|| skrb_kit::form::field_error(k, "rights-err-amount")),
        }
    };
    let mut h = Household {
        income: amount("income")?,
        requested: amount("requested")?,
        granted_this_year: amount("granted_this_year")?,
        single_parent: skrb_kit::form::truthy(&get("single_parent")),
        living_alone: skrb_kit::form::truthy(&get("living_alone")),
        situation: match get("situation").as_str() {
            "young_with_parents" => Some(Situation::YoungWithParents),
            "unable_with_non_family" => Some(Situation::UnableWithNonFamily),
            _ => None,
        },
        care_degree: match get("care_degree").as_str() {
            "full" => Some(CareDegree::Full),
            "partial" => Some(CareDegree::Partial),
            _ => None,
        },
        impairment: get("impairment").parse().ok(),
        ..Household::default()
    };
    for i in 0..30 {
        let kind = get(&format!("m{i}_kind"));
        if kind.is_empty() {
            continue;
        }
        let hours = match get(&format!("m{i}_hours")).as_str() {
            "" => 0,
            v => v
                .parse::<u32>()
                .ok()
                .filter(|h| *h <= 744)
                .ok_or_else(|| skrb_kit::form::field_error("hours", "rights-err-hours"))?,
        };
        h.members.push(Member {
            name: get(&format!("m{i}_name")),
            kind: if kind == "child" {
                Kind::Child
            } else {
                Kind::Adult
            },
            hours,
        });
    }
    for i in 0..20 {
        let name = get(&format!("c{i}_name"));
        let present = get(&format!("c{i}_present"));
        if present.is_empty() && name.is_empty() {
            continue;
        }
        h.children.push(FosterChild {
            name,
            maintenance_raise: get(&format!("c{i}_mr")).parse().unwrap_or(0),
            fee_raise: get(&format!("c{i}_fr")).parse().unwrap_or(0),
            weekend_only: skrb_kit::form::truthy(&get(&format!("c{i}_weekend"))),
        });
    }
    Ok(h)
}

async fn calculate(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let r = match household_from(&raw) {
        Ok(h) => applications::save_input(&st.db, &s.actor(), id, &h)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    on_app(&st, &s, id, raw, "rights-flash-calculated", r).await
}

async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: DecisionForm = typed(&raw)?;
    let r = decisions::decide(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, id, raw, "rights-flash-decided", r).await
}

async fn appeal(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AppealForm = typed(&raw)?;
    let r = appeals::lodge(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, id, raw, "rights-flash-appeal-lodged", r).await
}

async fn approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let app = applications::application_of(&st.db, PartOf::Decision(id)).await?;
    let r = decisions::approve(&st.db, &s.actor(), id).await;
    on_app(&st, &s, app, Raw::new(), "rights-flash-approved", r).await
}

async fn deliver(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let app = applications::application_of(&st.db, PartOf::Decision(id)).await?;
    let f: DeliveryForm = typed(&raw)?;
    let r = decisions::deliver(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, app, raw, "flash-saved", r).await
}

async fn object(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let app = applications::application_of(&st.db, PartOf::Decision(id)).await?;
    let f: ObjectionForm = typed(&raw)?;
    let r = renewal::object(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, app, raw, "flash-saved", r).await
}

async fn document(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (name, pdf) = decisions::document(&st.db, &s.actor(), id).await?;
    Ok(super::api::pdf_response(&name, pdf))
}

async fn forward(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let app = applications::application_of(&st.db, PartOf::Appeal(id)).await?;
    let f: ForwardForm = typed(&raw)?;
    let r = appeals::forward(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, app, raw, "flash-saved", r).await
}

async fn outcome(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let app = applications::application_of(&st.db, PartOf::Appeal(id)).await?;
    let f: OutcomeForm = typed(&raw)?;
    let r = appeals::outcome(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, app, raw, "flash-saved", r).await
}

async fn change(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let app = applications::application_of(&st.db, PartOf::Entitlement(id)).await?;
    let f: ChangeForm = typed(&raw)?;
    let r = decisions::change(&st.db, &s.actor(), id, &f, s.today()).await;
    on_app(&st, &s, app, raw, "rights-flash-decided", r).await
}

// ---------------------------------------------------------------- the catalogue

#[derive(askama::Template)]
#[template(path = "rights/rights.html")]
struct CataloguePage {
    page: Page,
    rights: Vec<RightType>,
    params: Vec<Param>,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    report: Option<Report>,
    municipalities: Vec<(i64, String)>,
    jurisdiction: String,
    today: Date,
}

impl CataloguePage {
    fn value(&self, p: &Param) -> String {
        let l = self.page.locale;
        if p.code.ends_with(".amount")
            || [
                "si.ozmd",
                "rs.base",
                "si.foster.maintenance",
                "si.foster.fee",
                "si.foster.cap",
                "rs.foster.maintenance",
                "rs.foster.fee",
                "rs.foster.cap",
            ]
            .contains(&p.code.as_str())
        {
            let cur = if p.jurisdiction == "RS" { "BAM" } else { "EUR" };
            i18n::fmt_money(l, p.value, cur)
        } else {
            super::explain::factor(l, p.value)
        }
    }
    /// Whether this row is the value in force today.
    /// A parameter's name in the reader's language; its code only where no words exist
    /// (one an administrator added).
    fn param_name(&self, p: &Param) -> String {
        let key = format!("rights-param-{}", p.code.replace('.', "-"));
        if i18n::has(self.page.locale, &key) {
            self.page.t(&key)
        } else {
            p.code.clone()
        }
    }
    /// Who pays a right, as shares ("entity 50 %, municipality 50 %").
    fn shares(&self, f: &str) -> String {
        catalogue::parse_funding(f)
            .into_iter()
            .map(|(w, bp)| {
                let pct = if bp % 100 == 0 {
                    i18n::fmt_int(self.page.locale, bp / 100)
                } else {
                    format!("{},{:02}", bp / 100, bp % 100)
                };
                format!("{} {pct} %", self.page.t(&format!("rights-funder-{w}")))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn current(&self, p: &Param) -> bool {
        p.valid_from <= self.today
            && !self.params.iter().any(|q| {
                q.code == p.code
                    && q.jurisdiction == p.jurisdiction
                    && q.valid_from > p.valid_from
                    && q.valid_from <= self.today
            })
    }
    fn money(&self, a: &i64, cur: &str) -> String {
        i18n::fmt_money(self.page.locale, *a, cur)
    }
}

async fn catalogue_form(
    st: &AppState,
    s: &Signed,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
    report: Option<Report>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let j = skrb_kit::centre::jurisdiction(&st.db, s.user.centre_id).await?;
    let municipalities =
        skrb_registry::persons::municipalities_of(&st.db, s.user.centre_id).await?;
    let rights = catalogue::list(&st.db, Some(&j)).await?;
    let params = catalogue::params(&st.db, Some(&j)).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "rights-title"), "rights");
    let res = render(&CataloguePage {
        page,
        rights,
        params,
        errors,
        kept: Kept(kept),
        report,
        municipalities,
        jurisdiction: j,
        today: s.today(),
    });
    Ok(refused_page(res, refused))
}

async fn catalogue_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    catalogue_form(&st, &s, Vec::new(), Raw::new(), None).await
}

async fn add_param(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ParamForm = typed(&raw)?;
    let r = catalogue::add_param(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/rights", "flash-saved"),
            |errors| catalogue_form(&st, &s, errors, raw, None),
        )
        .await
}

async fn add_right(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RightForm = typed(&raw)?;
    let r = catalogue::add_right(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/rights", "flash-saved"),
            |errors| catalogue_form(&st, &s, errors, raw, None),
        )
        .await
}

async fn renew(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RenewalForm = typed(&raw)?;
    let r = renewal::run(&st.db, &s.actor(), &f, s.today(), &mut |_, _| {}).await;
    let kept = raw.clone();
    Flow::new(&s)
        .then_page(
            r,
            |report| catalogue_form(&st, &s, Vec::new(), kept, Some(report)),
            |errors| catalogue_form(&st, &s, errors, raw, None),
        )
        .await
}

// ---------------------------------------------------------------- commissions

#[derive(askama::Template)]
#[template(path = "rights/commissions.html")]
struct CommissionsPage {
    page: Page,
    list: Vec<commissions::Commission>,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
}

async fn commissions_form(
    st: &AppState,
    s: &Signed,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let list = commissions::list(&st.db, &s.actor()).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "rights-com-title"), "commissions");
    Ok(refused_page(
        render(&CommissionsPage {
            page,
            list,
            errors,
            kept: Kept(kept),
        }),
        refused,
    ))
}

async fn commissions_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    commissions_form(&st, &s, Vec::new(), Raw::new()).await
}

async fn commission_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: CommissionForm = typed(&raw)?;
    let r = commissions::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/commissions/{id}"), "flash-saved"),
            |errors| commissions_form(&st, &s, errors, raw),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "rights/commission.html")]
struct CommissionPage {
    page: Page,
    v: commissions::CommissionView,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    rights: Vec<(String, String)>,
    done: Option<commissions::Reassessment>,
}

async fn commission_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
    done: Option<commissions::Reassessment>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let v = commissions::view(&st.db, &s.actor(), id).await?;
    let mut tx = st.db.begin_read().await?;
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, Some(v.commission.centre_id)).await?;
    tx.commit().await?;
    let rights = catalogue::list(&st.db, Some(&j))
        .await?
        .into_iter()
        .filter(|r| r.commission)
        .map(|r| (r.code.clone(), r.name_in(l)))
        .collect();
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, v.commission.name.clone(), "commissions")
        .crumb("/commissions", "nav-commissions");
    Ok(refused_page(
        render(&CommissionPage {
            page,
            v,
            errors,
            kept: Kept(kept),
            rights,
            done,
        }),
        refused,
    ))
}

async fn commission_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    commission_form(&st, &s, id, Vec::new(), Raw::new(), None).await
}

async fn member_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: MemberForm = typed(&raw)?;
    let r = commissions::add_member(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/commissions/{id}"), "flash-saved"),
            |errors| commission_form(&st, &s, id, errors, raw, None),
        )
        .await
}

async fn session_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: SessionForm = typed(&raw)?;
    let r = commissions::add_session(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |sid| go(&format!("/commission-sessions/{sid}"), "flash-saved"),
            |errors| commission_form(&st, &s, id, errors, raw, None),
        )
        .await
}

async fn reassess(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReassessForm = typed(&raw)?;
    let r = commissions::reassess(&st.db, &s.actor(), id, &f, &mut |_, _| {}).await;
    Flow::new(&s)
        .then_page(
            r,
            |report| commission_form(&st, &s, id, Vec::new(), Raw::new(), Some(report)),
            |errors| commission_form(&st, &s, id, errors, raw, None),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "rights/commission_session.html")]
struct SessionPage {
    page: Page,
    v: commissions::SessionView,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    capacity: Vec<(&'static str, String)>,
    care: Vec<(&'static str, String)>,
}

async fn session_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let v = commissions::session(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let title = format!(
        "{} · {}",
        v.commission.name,
        i18n::fmt_date(l, v.session.held_on)
    );
    let page = Page::new(&s.ctx, title, "commissions");
    Ok(refused_page(
        render(&SessionPage {
            page,
            v,
            errors,
            kept: Kept(kept),
            capacity: labelled(l, "rights-capacity", &commissions::WORK_CAPACITY),
            care: labelled(l, "rights-care", &commissions::CARE),
        }),
        refused,
    ))
}

async fn session_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    session_form(&st, &s, id, Vec::new(), Raw::new()).await
}

async fn item_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AgendaForm = typed(&raw)?;
    let r = commissions::add_item(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/commission-sessions/{id}"), "flash-saved"),
            |errors| session_form(&st, &s, id, errors, raw),
        )
        .await
}

async fn session_held(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = commissions::hold(&st.db, &s.actor(), id).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| go(&format!("/commission-sessions/{id}"), "flash-saved"),
            |errors| session_form(&st, &s, id, errors, Raw::new()),
        )
        .await
}

async fn finding(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: FindingForm = typed(&raw)?;
    let sid = commissions::session_of_item(&st.db, id).await?;
    let r = commissions::record_finding(&st.db, &s.actor(), id, &f, s.today()).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| go(&format!("/commission-sessions/{sid}"), "flash-saved"),
            |errors| session_form(&st, &s, sid, errors, raw),
        )
        .await
}

// ---------------------------------------------------------------- panels

#[derive(askama::Template)]
#[template(path = "rights/person_panel.html")]
struct PersonPanel {
    page: Page,
    person_id: i64,
    applications: Vec<super::applications::ProcedureRow>,
}

/// The person's procedures on the person's page, for those who may read rights.
pub fn person_panel<'a>(
    st: &'a AppState,
    s: &'a Signed,
    person_id: i64,
) -> skrb_kit::web::panels::Rendered<'a> {
    Box::pin(async move {
        if !s.may(skrb_kit::auth::Permission::RightRead) {
            return Ok(None);
        }
        let applications =
            super::applications::of_person_page(&st.db, skrb_kit::ids::PersonId(person_id)).await?;
        let page = Page::new(&s.ctx, String::new(), "persons");
        Ok(Some(
            askama::Template::render(&PersonPanel {
                page,
                person_id,
                applications,
            })
            .map_err(|e| skrb_kit::error::AppError::Internal(anyhow::anyhow!("template: {e}")))?,
        ))
    })
}
