//! Programmes' pages: the year's programmes with their budgets, a programme with its
//! partners, funding, list and vouchers, a row of the list with its handing over, the
//! municipal committee with its proposals and sessions, community actions, the year's
//! totals, the partner portal's voucher counter, and the person page's panel. Thin:
//! parse, call the use case, render.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::actions::{self, ActionForm, CommunityAction};
use crate::committee::{
    self, DecisionForm, Elsewhere, Overview, Proposal, ProposalForm, Session, SessionForm,
};
use crate::distributions::{self, EntryFile, HandForm};
use crate::lists::{self, AddForm, Entry, Filter, RemoveForm};
use crate::programmes::{
    self, Choices, FundingForm, PartnerForm, ProgrammeFile, ProgrammeForm, Row,
};
use crate::totals::{self, Totals};
use crate::vouchers::{self, RedeemForm, Redeemed, Voucher};
use skrb_domain::programmes::{Benefit, Group, Kind, Per, Recipient, Role};
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
        .get("/programmes", Perm(ProgrammeRead), home)
        .get("/programmes/new", Perm(ProgrammeManage), new_page)
        .post("/programmes", Perm(ProgrammeManage), create)
        .get("/programmes/committee", Perm(ProgrammeRead), committee_page)
        .post(
            "/programmes/committee/proposals",
            Perm(ProgrammeManage),
            propose,
        )
        .post(
            "/programmes/committee/sessions",
            Perm(ProgrammeManage),
            session_create,
        )
        .get(
            "/programmes/committee/sessions/{id}",
            Perm(ProgrammeRead),
            session_page,
        )
        .post(
            "/programmes/committee/sessions/{id}/proposals/{proposal}",
            Perm(ProgrammeManage),
            decide,
        )
        .get("/programmes/actions", Perm(ProgrammeRead), actions_page)
        .post("/programmes/actions", Perm(ProgrammeManage), action_create)
        .get("/programmes/totals", Perm(ProgrammeRead), totals_page)
        .get("/programmes/{id}", Perm(ProgrammeRead), programme_page)
        .downloads(
            ["/programmes/list.xlsx", "/programmes/list.csv"],
            Perm(ProgrammeRead),
            list_download,
        )
        .post(
            "/programmes/{id}/funding",
            Perm(ProgrammeManage),
            funding_add,
        )
        .post(
            "/programmes/{id}/partners",
            Perm(ProgrammeManage),
            partner_add,
        )
        .post("/programmes/{id}/evaluate", Perm(ProgrammeManage), evaluate)
        .post("/programmes/{id}/approve", Perm(ProgrammeApprove), approve)
        .post("/programmes/{id}/entries", Perm(ProgrammeManage), entry_add)
        .get(
            "/programmes/{id}/entries/{entry}",
            Perm(ProgrammeRead),
            entry_page,
        )
        .post(
            "/programmes/{id}/entries/{entry}/remove",
            Perm(ProgrammeManage),
            entry_remove,
        )
        .post(
            "/programmes/{id}/distributions",
            Perm(ProgrammeManage),
            hand_over,
        )
        .get(
            "/programmes/{id}/vouchers.pdf",
            Perm(ProgrammeRead),
            vouchers_pdf,
        )
        .get("/portal/vouchers", Perm(VoucherRedeem), portal)
        .post("/portal/vouchers", Perm(VoucherRedeem), redeem)
}

fn page(s: &Signed, key: &str) -> Page {
    titled(s, i18n::t(s.ctx.locale, key))
}

/// A page of the context titled with a record's name.
fn titled(s: &Signed, title: String) -> Page {
    Page::new(&s.ctx, title, "programmes").crumb("/programmes", "nav-programmes")
}

fn year_of(q: &Raw, s: &Signed) -> i32 {
    q.get("year")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| s.today().year())
}

// ---------------------------------------------------------------- programmes

#[derive(askama::Template)]
#[template(path = "programmes/home.html")]
struct HomePage {
    page: Page,
    year: i32,
    rows: Vec<Row>,
}

async fn home(State(st): State<AppState>, s: Signed, Query(q): Query<Raw>) -> AppResult<Response> {
    let year = year_of(&q, &s);
    let rows = programmes::list(&st.db, &s.actor(), year).await?;
    Ok(render(&HomePage {
        page: Page::new(
            &s.ctx,
            i18n::t(s.ctx.locale, "programmes-title"),
            "programmes",
        ),
        year,
        rows,
    }))
}

#[derive(askama::Template)]
#[template(path = "programmes/new.html")]
struct NewPage {
    page: Page,
    kinds: Vec<(&'static str, String)>,
    benefits: Vec<(&'static str, String)>,
    recipients: Vec<(&'static str, String)>,
    pers: Vec<(&'static str, String)>,
    /// The jurisdiction's rights: code and name.
    rights: Vec<(String, String)>,
    choices: Choices,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn new_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let refused = !errors.is_empty();
    let choices = programmes::choices(&st.db, &s.actor()).await?;
    let rights = skrb_rights::catalogue::list(&st.db, Some(&choices.jurisdiction))
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r.name_in(l)))
        .collect();
    let res = render(&NewPage {
        rights,
        page: page(s, "programmes-new"),
        kinds: labelled(l, "programmes-kind", &Kind::codes()),
        benefits: labelled(l, "programmes-benefit", &Benefit::codes()),
        recipients: labelled(l, "programmes-recipient", &Recipient::codes()),
        pers: labelled(l, "programmes-per", &Per::codes()),
        choices,
        kept: Kept(kept),
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn new_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    new_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ProgrammeForm = typed(&raw)?;
    let r = programmes::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/programmes/{id}"), "flash-saved"),
            |errors| new_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "programmes/programme.html")]
struct ProgrammePage {
    page: Page,
    f: ProgrammeFile,
    entries: Vec<Entry>,
    total: i64,
    filter: Kept,
    offset: i64,
    /// The rule's rights by name, in the reader's language.
    rights: Vec<String>,
    roles: Vec<(&'static str, String)>,
    choices: Choices,
    kept: Kept,
    errors: Vec<Reason>,
    /// Which form the errors belong to.
    form: &'static str,
}

impl ProgrammePage {
    /// The whole list with the filter, for the downloads.
    fn dl(&self) -> skrb_kit::export::Links {
        let enc = |k: &str| skrb_kit::web::errors::encode_component(&self.filter.k(k));
        skrb_kit::export::Links::new(
            "/programmes/list",
            format!(
                "programme={}&q={}&show={}",
                self.f.programme.id,
                enc("q"),
                enc("show")
            ),
        )
    }
    fn next(&self) -> Option<i64> {
        let n = self.offset + lists::PAGE;
        (n < self.total).then_some(n)
    }
    fn prev(&self) -> Option<i64> {
        (self.offset > 0).then(|| (self.offset - lists::PAGE).max(0))
    }
    fn shown_to(&self) -> i64 {
        (self.offset + self.entries.len() as i64).min(self.total)
    }
    fn errors_for(&self, form: &str) -> bool {
        self.form == form && !self.errors.is_empty()
    }
}

async fn programme_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    q: Raw,
    kept: Raw,
    errors: Vec<Reason>,
    form: &'static str,
) -> AppResult<Response> {
    let a = s.actor();
    let f = programmes::file(&st.db, &a, id).await?;
    let filter = list_filter(&q);
    let (entries, total) = lists::entries(&st.db, &a, id, &filter).await?;
    let choices = programmes::choices(&st.db, &a).await?;
    let catalogue = skrb_rights::catalogue::list(&st.db, None).await?;
    let rights = f
        .programme
        .rights()
        .iter()
        .map(|code| {
            catalogue
                .iter()
                .find(|r| &r.code == code)
                .map_or_else(|| code.clone(), |r| r.name_in(s.ctx.locale))
        })
        .collect();
    let refused = !errors.is_empty();
    let res = render(&ProgrammePage {
        rights,
        page: titled(s, f.programme.name.clone()),
        f,
        entries,
        total,
        offset: filter.offset.unwrap_or(0).max(0),
        filter: Kept(q),
        roles: labelled(s.ctx.locale, "programmes-role", &Role::codes()),
        choices,
        kept: Kept(kept),
        errors,
        form,
    });
    Ok(refused_page(res, refused))
}

fn list_filter(q: &Raw) -> Filter {
    Filter {
        q: q.get("q").cloned(),
        show: q.get("show").cloned(),
        offset: q.get("offset").and_then(|o| o.parse().ok()),
    }
}

/// A programme's whole list (`programme`) with the page's filter.
async fn list_download(
    st: AppState,
    s: Signed,
    q: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let id: i64 = q
        .get("programme")
        .and_then(|p| p.trim().parse().ok())
        .ok_or_else(|| skrb_kit::form::field_error("programme", "err-number"))?;
    lists::export(
        &st.reports,
        &st.db,
        &s.actor(),
        id,
        &list_filter(&q),
        format,
        s.ctx.locale,
    )
    .await?
    .response()
}

async fn programme_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    kept.insert("list_on".into(), s.today().to_string());
    programme_form(&st, &s, id, q, kept, Vec::new(), "").await
}

async fn funding_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: FundingForm = typed(&raw)?;
    let r = programmes::add_funding(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/programmes/{id}#budget"), "flash-saved"),
            |errors| programme_form(&st, &s, id, Raw::new(), raw, errors, "funding"),
        )
        .await
}

async fn partner_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PartnerForm = typed(&raw)?;
    let r = programmes::add_partner(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/programmes/{id}#partners"), "flash-saved"),
            |errors| programme_form(&st, &s, id, Raw::new(), raw, errors, "partner"),
        )
        .await
}

async fn evaluate(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let day = raw
        .get("list_on")
        .and_then(|d| skrb_kit::dates::parse_date(d.trim()))
        .unwrap_or_else(|| s.today());
    let r = lists::evaluate(&st.db, &s.actor(), id, day).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| {
                go(
                    &format!("/programmes/{id}#list"),
                    "programmes-flash-evaluated",
                )
            },
            |errors| programme_form(&st, &s, id, Raw::new(), raw, errors, "list"),
        )
        .await
}

async fn approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let version = raw.get("version").cloned().unwrap_or_default();
    let r = lists::approve(&st.db, &s.actor(), id, &version).await;
    Flow::new(&s)
        .refusals_on_form()
        .conflict("programmes-conflict")
        .then(
            r,
            |_| {
                go(
                    &format!("/programmes/{id}#list"),
                    "programmes-flash-approved",
                )
            },
            |errors| programme_form(&st, &s, id, Raw::new(), raw, errors, "list"),
        )
        .await
}

async fn entry_add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AddForm = typed(&raw)?;
    let r = lists::add(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |e| go(&format!("/programmes/{id}/entries/{e}"), "flash-saved"),
            |errors| programme_form(&st, &s, id, Raw::new(), raw, errors, "add"),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "programmes/entry.html")]
struct EntryPage {
    page: Page,
    p: ProgrammeFile,
    e: EntryFile,
    confirmations: Vec<(&'static str, String)>,
    key: String,
    kept: Kept,
    errors: Vec<Reason>,
    form: &'static str,
}

impl EntryPage {
    fn errors_for(&self, form: &str) -> bool {
        self.form == form && !self.errors.is_empty()
    }
    fn left(&self) -> i64 {
        (self.e.entry.quantity - self.e.entry.handed).max(0)
    }
}

async fn entry_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    entry: i64,
    kept: Raw,
    errors: Vec<Reason>,
    form: &'static str,
) -> AppResult<Response> {
    let a = s.actor();
    let p = programmes::file(&st.db, &a, id).await?;
    let e = distributions::entry_file(&st.db, &a, id, entry).await?;
    let refused = !errors.is_empty();
    let key = kept.get("key").cloned().unwrap_or_else(|| {
        skrb_kit::auth::sessions::new_token()
            .chars()
            .take(24)
            .collect()
    });
    let res = render(&EntryPage {
        page: titled(s, e.entry.name.clone()).crumb(format!("/programmes/{id}"), &p.programme.name),
        p,
        e,
        confirmations: labelled(
            s.ctx.locale,
            "programmes-confirmation",
            &["signature", "document", "delivered"],
        ),
        key,
        kept: Kept(kept),
        errors,
        form,
    });
    Ok(refused_page(res, refused))
}

async fn entry_page(
    State(st): State<AppState>,
    s: Signed,
    Path((id, entry)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let mut kept = Raw::new();
    kept.insert("handed_on".into(), s.today().to_string());
    entry_form(&st, &s, id, entry, kept, Vec::new(), "").await
}

async fn entry_remove(
    State(st): State<AppState>,
    s: Signed,
    Path((id, entry)): Path<(i64, i64)>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RemoveForm = typed(&raw)?;
    let r = lists::remove(&st.db, &s.actor(), id, entry, &f).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| {
                go(
                    &format!("/programmes/{id}#list"),
                    "programmes-flash-removed",
                )
            },
            |errors| entry_form(&st, &s, id, entry, raw, errors, "remove"),
        )
        .await
}

async fn hand_over(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: HandForm = typed(&raw)?;
    let entry = f
        .entry_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let r = distributions::record(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| {
                go(
                    &format!("/programmes/{id}/entries/{entry}"),
                    "programmes-flash-handed",
                )
            },
            |errors| entry_form(&st, &s, id, entry, raw, errors, "hand"),
        )
        .await
}

async fn vouchers_pdf(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let entry = q.get("entry").and_then(|e| e.trim().parse::<i64>().ok());
    let pdf = vouchers::pdf(&st.db, &s.actor(), id, entry).await?;
    let name = match entry {
        Some(e) => format!("vouchers-{id}-{e}.pdf"),
        None => format!("vouchers-{id}.pdf"),
    };
    Ok(skrb_kit::web::page::pdf_download(&name, pdf))
}

// ---------------------------------------------------------------- committee

#[derive(askama::Template)]
#[template(path = "programmes/committee.html")]
struct CommitteePage {
    page: Page,
    year: i32,
    o: Overview,
    municipalities: Vec<(i64, String)>,
    person: Option<(i64, String)>,
    kept: Kept,
    errors: Vec<Reason>,
    form: &'static str,
}

impl CommitteePage {
    fn errors_for(&self, form: &str) -> bool {
        self.form == form && !self.errors.is_empty()
    }
}

async fn committee_form(
    st: &AppState,
    s: &Signed,
    year: i32,
    kept: Raw,
    errors: Vec<Reason>,
    form: &'static str,
) -> AppResult<Response> {
    let a = s.actor();
    let o = committee::overview(&st.db, &a, year).await?;
    let municipalities = programmes::choices(&st.db, &a).await?.municipalities;
    let person_id = kept
        .get("person_id")
        .and_then(|p| p.trim().parse::<i64>().ok());
    let person = match person_id {
        Some(p) => crate::view::person_name(&st.db, &s.actor(), p).await?,
        None => None,
    };
    let refused = !errors.is_empty();
    let res = render(&CommitteePage {
        page: page(s, "programmes-committee"),
        year,
        o,
        municipalities,
        person,
        kept: Kept(kept),
        errors,
        form,
    });
    Ok(refused_page(res, refused))
}

async fn committee_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let year = year_of(&q, &s);
    let mut kept = Raw::new();
    if let Some(p) = q.get("person") {
        kept.insert("person_id".into(), p.clone());
    }
    kept.insert("held_on".into(), s.today().to_string());
    committee_form(&st, &s, year, kept, Vec::new(), "").await
}

async fn propose(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ProposalForm = typed(&raw)?;
    let r = committee::propose(&st.db, &s.actor(), &f).await;
    let year = s.today().year();
    Flow::new(&s)
        .then(
            r,
            |_| go("/programmes/committee", "programmes-flash-proposed"),
            |errors| committee_form(&st, &s, year, raw, errors, "proposal"),
        )
        .await
}

async fn session_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: SessionForm = typed(&raw)?;
    let r = committee::session_create(&st.db, &s.actor(), &f).await;
    let year = s.today().year();
    Flow::new(&s)
        .then(
            r,
            |id| {
                go(
                    &format!("/programmes/committee/sessions/{id}"),
                    "flash-saved",
                )
            },
            |errors| committee_form(&st, &s, year, raw, errors, "session"),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "programmes/session.html")]
struct SessionPage {
    page: Page,
    session: Session,
    kept: Kept,
    errors: Vec<Reason>,
    /// The proposal the errors belong to.
    failed: i64,
}

impl SessionPage {
    fn failed_on(&self, p: &Proposal) -> bool {
        self.failed == p.id && !self.errors.is_empty()
    }
    fn warned(&self, w: &[Elsewhere]) -> bool {
        !w.is_empty()
    }
}

async fn session_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<Reason>,
    failed: i64,
) -> AppResult<Response> {
    let session = committee::session(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let res = render(&SessionPage {
        page: titled(
            s,
            format!(
                "{} {}",
                i18n::t(s.ctx.locale, "programmes-session"),
                session.number
            ),
        )
        .crumb("/programmes/committee", "programmes-committee"),
        session,
        kept: Kept(kept),
        errors,
        failed,
    });
    Ok(refused_page(res, refused))
}

async fn session_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    session_form(&st, &s, id, Raw::new(), Vec::new(), 0).await
}

async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path((id, proposal)): Path<(i64, i64)>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: DecisionForm = typed(&raw)?;
    let r = committee::decide(&st.db, &s.actor(), id, proposal, &f).await;
    Flow::new(&s)
        .refusals_on_form()
        .conflict("programmes-conflict")
        .then(
            r,
            |_| {
                go(
                    &format!("/programmes/committee/sessions/{id}"),
                    "programmes-flash-decided",
                )
            },
            |errors| session_form(&st, &s, id, raw, errors, proposal),
        )
        .await
}

// ---------------------------------------------------------------- actions, totals

#[derive(askama::Template)]
#[template(path = "programmes/actions.html")]
struct ActionsPage {
    page: Page,
    year: i32,
    list: Vec<CommunityAction>,
    groups: Vec<(&'static str, String)>,
    partners: Vec<(i64, String)>,
    kept: Kept,
    errors: Vec<Reason>,
}

impl ActionsPage {
    fn count(&self, a: &CommunityAction, g: &str) -> i64 {
        a.groups.get(g).copied().unwrap_or(0)
    }
}

async fn actions_form(
    st: &AppState,
    s: &Signed,
    year: i32,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let list = actions::list(&st.db, &a, year).await?;
    let partners = programmes::choices(&st.db, &a).await?.partners;
    let refused = !errors.is_empty();
    let res = render(&ActionsPage {
        page: page(s, "programmes-actions"),
        year,
        list,
        groups: labelled(s.ctx.locale, "programmes-group", &Group::codes()),
        partners,
        kept: Kept(kept),
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn actions_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let year = year_of(&q, &s);
    let mut kept = Raw::new();
    kept.insert("held_on".into(), s.today().to_string());
    actions_form(&st, &s, year, kept, Vec::new()).await
}

async fn action_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ActionForm = typed(&raw)?;
    let r = actions::create(&st.db, &s.actor(), &f).await;
    let year = s.today().year();
    Flow::new(&s)
        .then(
            r,
            |_| go("/programmes/actions", "flash-saved"),
            |errors| actions_form(&st, &s, year, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "programmes/totals.html")]
struct TotalsPage {
    page: Page,
    t: Totals,
}

async fn totals_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let year = year_of(&q, &s);
    let t = totals::year(&st.db, &s.actor(), year).await?;
    Ok(render(&TotalsPage {
        page: page(&s, "programmes-totals"),
        t,
    }))
}

// ---------------------------------------------------------------- partner portal

#[derive(askama::Template)]
#[template(path = "programmes/portal.html")]
struct PortalPage {
    page: Page,
    result: Option<Redeemed>,
    recent: Vec<Voucher>,
    unlinked: bool,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn portal_form(
    st: &AppState,
    s: &Signed,
    result: Option<Redeemed>,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    // A partner's account not linked to an organisation sees the counter and why it
    // finds nothing, not an error page.
    let (recent, unlinked) = match vouchers::redeemed_here(&st.db, &s.actor()).await {
        Ok(r) => (r, false),
        Err(AppError::Refused(_)) => (Vec::new(), true),
        Err(e) => return Err(e),
    };
    let refused = !errors.is_empty() || result.as_ref().is_some_and(|r| !r.now);
    let res = render(&PortalPage {
        page: Page::new(
            &s.ctx,
            i18n::t(s.ctx.locale, "programmes-portal"),
            "vouchers",
        ),
        result,
        recent,
        unlinked,
        kept: Kept(kept),
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn portal(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    portal_form(&st, &s, None, Raw::new(), Vec::new()).await
}

async fn redeem(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RedeemForm = typed(&raw)?;
    match vouchers::redeem(&st.db, &s.actor(), &f).await {
        Ok(r) => portal_form(&st, &s, Some(r), Raw::new(), Vec::new()).await,
        Err(e) => {
            let errors = Flow::new(&s).refusals_on_form().reasons(e)?;
            portal_form(&st, &s, None, raw, errors).await
        }
    }
}

// ---------------------------------------------------------------- person panel

#[derive(askama::Template)]
#[template(path = "programmes/person_panel.html")]
struct PersonPanel {
    page: Page,
    person_id: i64,
    o: crate::view::OfPerson,
}

/// The person page's panel: the programmes the person or their household is on, the
/// committee's proposals.
pub fn person_panel<'a>(
    st: &'a AppState,
    s: &'a Signed,
    person_id: i64,
) -> skrb_kit::web::panels::Rendered<'a> {
    Box::pin(async move {
        if !s.may(skrb_kit::auth::Permission::ProgrammeRead) {
            return Ok(None);
        }
        let o = crate::view::of_person(&st.db, person_id).await?;
        let page = Page::new(&s.ctx, String::new(), "persons");
        Ok(Some(
            askama::Template::render(&PersonPanel { page, person_id, o })
                .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?,
        ))
    })
}
