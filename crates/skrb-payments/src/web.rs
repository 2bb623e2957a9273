//! The payment pages: runs with the new-run form, totals per right and month and the
//! statement upload; a run's page with its state's one next step (calculate, approve,
//! export), its files, summary and held lines; the work list; payer accounts; a
//! person's and an entitlement's payments with recoveries. Thin: parse, call the use
//! case, render; a refused form comes back with the user's input and the reasons.

use skrb_domain::payments::states::{RunStatus, RunStep};
use skrb_kit::ids::PersonId;
use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use time::Date;

use super::accounts::{self, AccountForm, PayerAccount, FORMATS, FUNDERS};
use super::api::{file_response, VersionForm};
use super::files::{self, BankFile};
use super::history::{self, PayeeForm, PaymentLine, Recovery, RecoveryForm, Total, WriteOffForm};
use super::runs::{self, Calculated, Run, RunForm, SummaryRow};
use super::statements::{self, Imported};
use skrb_kit::error::AppResult;
use skrb_kit::form::{go, labelled, typed, Flow, Kept, Multi, Raw};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/payments", Perm(PaymentRead), payments_page)
        .post("/payments/runs", Perm(PaymentRun), create)
        .get("/payments/runs/{id}", Perm(PaymentRead), run_page)
        .post("/payments/runs/{id}/calculate", Perm(PaymentRun), calculate)
        .post("/payments/runs/{id}/approve", Perm(PaymentApprove), approve)
        .post("/payments/runs/{id}/export", Perm(PaymentRun), export)
        .post("/payments/runs/{id}/discard", Perm(PaymentRun), discard)
        .get(
            "/payments/runs/{id}/files/{seq}",
            Perm(PaymentRun),
            download,
        )
        .post("/payments/statements", Perm(PaymentRun), import)
        .get("/payments/worklist", Perm(PaymentRead), worklist_page)
        .downloads(
            ["/payments/worklist.xlsx", "/payments/worklist.csv"],
            Perm(PaymentRead),
            worklist_download,
        )
        .downloads(
            ["/payments/lines.xlsx", "/payments/lines.csv"],
            Perm(PaymentRead),
            lines_download,
        )
        .post(
            "/payments/lines/{id}/write-off",
            Perm(PaymentRun),
            write_off,
        )
        .get("/payments/accounts", Perm(PaymentRead), accounts_page)
        .post("/payments/accounts", Perm(PaymentRun), account_save)
        .get("/persons/{id}/payments", Perm(PaymentRead), person_page)
        .get(
            "/entitlements/{id}/payments",
            Perm(PaymentRead),
            entitlement_page,
        )
        .post(
            "/entitlements/{id}/recoveries",
            Perm(PaymentRun),
            add_recovery,
        )
        .post("/entitlements/{id}/payee", Perm(PaymentRun), payee_save)
}

/// Money, months and names of rights as every payment page shows them.
struct Show {
    locale: Locale,
    rights: HashMap<String, String>,
}

impl Show {
    async fn new(st: &AppState, l: Locale) -> AppResult<Show> {
        let mut tx = st.db.begin_read().await?;
        let rights = skrb_rights::catalogue::all_in(&mut tx)
            .await?
            .into_iter()
            .map(|r| (r.code.clone(), r.name_in(l)))
            .collect();
        tx.commit().await?;
        Ok(Show { locale: l, rights })
    }
    fn money(&self, a: &i64, cur: &str) -> String {
        i18n::fmt_money(self.locale, *a, cur)
    }
    fn month(&self, d: &Date) -> String {
        format!("{:02}/{}", u8::from(d.month()), d.year())
    }
    fn right(&self, code: &str) -> String {
        self.rights
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
    fn totals(&self, r: &Run) -> String {
        let t = r.totals();
        if t.is_empty() {
            return "—".into();
        }
        t.iter()
            .map(|(c, v)| self.money(v, c))
            .collect::<Vec<_>>()
            .join(" + ")
    }
    /// Why a line is held (our words) or returned (the bank's code and words).
    fn reason(&self, l: &PaymentLine) -> String {
        super::reason_words(self.locale, l.reason.as_deref())
    }
}

async fn centres_for(st: &AppState, s: &Signed) -> AppResult<Vec<(i64, String)>> {
    if skrb_kit::scope::centre_of(&s.actor()).is_some() {
        return Ok(Vec::new());
    }
    Ok(skrb_kit::centre::all(&st.db).await?)
}

// ---------------------------------------------------------------- runs

#[derive(askama::Template)]
#[template(path = "payments/payments.html")]
struct PaymentsPage {
    page: Page,
    show: Show,
    runs: Vec<Run>,
    totals: Vec<Total>,
    waiting: i64,
    centres: Vec<(i64, String)>,
    imported: Option<Imported>,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
}

impl PaymentsPage {
    fn money(&self, a: &i64, cur: &str) -> String {
        self.show.money(a, cur)
    }
    fn month(&self, d: &Date) -> String {
        self.show.month(d)
    }
    fn right(&self, c: &str) -> String {
        self.show.right(c)
    }
    fn totals(&self, r: &Run) -> String {
        self.show.totals(r)
    }
}

async fn payments_form(
    st: &AppState,
    s: &Signed,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
    imported: Option<Imported>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let actor = s.actor();
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "payments-title"), "payments");
    Ok(refused_page(
        render(&PaymentsPage {
            page,
            show: Show::new(st, l).await?,
            runs: runs::list(&st.db, &actor, 60).await?,
            totals: history::totals(&st.db, &actor, 6).await?,
            waiting: history::worklist_count(&st.db, &actor).await?,
            centres: centres_for(st, s).await?,
            imported,
            errors,
            kept: Kept(kept),
        }),
        refused,
    ))
}

async fn payments_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    payments_form(&st, &s, Vec::new(), Raw::new(), None).await
}

async fn create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RunForm = typed(&raw)?;
    let r = runs::create(&st.db, &s.actor(), &f, s.today()).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/payments/runs/{id}"), "flash-saved"),
            |errors| payments_form(&st, &s, errors, raw, None),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "payments/payment_run.html")]
struct RunPage {
    page: Page,
    show: Show,
    run: Run,
    user_id: i64,
    summary: Vec<SummaryRow>,
    files: Vec<BankFile>,
    /// The page of lines the approver looks through, how many match, and the filter.
    lines: Vec<PaymentLine>,
    matching: i64,
    filter: history::LinesQuery,
    statuses: Vec<(&'static str, String)>,
    calculated: Option<Calculated>,
    errors: Vec<skrb_kit::form::Reason>,
}

impl RunPage {
    fn money(&self, a: &i64, cur: &str) -> String {
        self.show.money(a, cur)
    }
    fn month(&self, d: &Date) -> String {
        self.show.month(d)
    }
    fn right(&self, c: &str) -> String {
        self.show.right(c)
    }
    fn totals(&self) -> String {
        self.show.totals(&self.run)
    }
    fn reason(&self, l: &PaymentLine) -> String {
        self.show.reason(l)
    }
    /// A column header's link: sorts by it, or the other way when it already does.
    fn sort_link(&self, key: &str) -> String {
        let sort = if self.filter.sort == key {
            format!("-{key}")
        } else {
            key.to_string()
        };
        self.link(&sort, 1)
    }
    /// How a column is sorted now, for `aria-sort`.
    fn sorted(&self, key: &str) -> &'static str {
        let now = if self.filter.sort.is_empty() {
            "payee"
        } else {
            self.filter.sort.as_str()
        };
        if now == key {
            "ascending"
        } else if now.strip_prefix('-') == Some(key) {
            "descending"
        } else {
            "none"
        }
    }
    fn link(&self, sort: &str, page: u32) -> String {
        format!(
            "/payments/runs/{}?{}&sort={}&page={page}#lines",
            self.run.id,
            self.filters(),
            enc(sort)
        )
    }
    fn filters(&self) -> String {
        format!(
            "q={}&status={}&right={}",
            enc(&self.filter.q),
            enc(&self.filter.status),
            enc(&self.filter.right),
        )
    }
    /// Every line with the filter and the order, for the downloads.
    fn dl(&self) -> skrb_kit::export::Links {
        skrb_kit::export::Links::new(
            "/payments/lines",
            format!(
                "run={}&{}&sort={}",
                self.run.id,
                self.filters(),
                enc(&self.filter.sort)
            ),
        )
    }
    fn rights_in_run(&self) -> Vec<String> {
        let mut r: Vec<String> = self.summary.iter().map(|s| s.right.clone()).collect();
        r.dedup();
        r
    }
    fn pager_text(&self) -> String {
        self.page.pager(&self.page_no(), &self.pages())
    }
    fn page_no(&self) -> u32 {
        self.filter.page.unwrap_or(1).max(1)
    }
    fn pages(&self) -> u32 {
        u32::try_from((self.matching + history::LINES_PER_PAGE - 1) / history::LINES_PER_PAGE)
            .unwrap_or(1)
            .max(1)
    }
    fn prev(&self) -> Option<String> {
        (self.page_no() > 1).then(|| self.link(&self.filter.sort, self.page_no() - 1))
    }
    fn next(&self) -> Option<String> {
        (self.page_no() < self.pages()).then(|| self.link(&self.filter.sort, self.page_no() + 1))
    }
    /// The one who calculated cannot approve.
    fn mine(&self) -> bool {
        self.run.calculated_by == Some(self.user_id)
    }
}

async fn run_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
    calculated: Option<Calculated>,
) -> AppResult<Response> {
    run_view(
        st,
        s,
        id,
        errors,
        calculated,
        history::LinesQuery::default(),
    )
    .await
}

async fn run_view(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
    calculated: Option<Calculated>,
    filter: history::LinesQuery,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let actor = s.actor();
    let run = runs::get(&st.db, &actor, id).await?;
    let mut tx = st.db.begin_read().await?;
    let files = files::of_run(&mut tx, id).await?;
    tx.commit().await?;
    let (lines, matching) = history::lines_of_run(&st.db, &actor, id, &filter).await?;
    let statuses = skrb_kit::form::labelled(
        l,
        "payments-line",
        &["open", "held", "settled", "returned", "written_off"],
    );
    let refused = !errors.is_empty();
    let show = Show::new(st, l).await?;
    let title = format!(
        "{} #{} · {}",
        i18n::t(l, "payments-run"),
        run.id,
        show.month(&run.month)
    );
    let page = Page::new(&s.ctx, title, "payments").crumb("/payments", "nav-payments");
    Ok(refused_page(
        render(&RunPage {
            page,
            show,
            summary: run.summary_by_right(),
            user_id: s.user.id,
            run,
            files,
            lines,
            matching,
            filter,
            statuses,
            calculated,
            errors,
        }),
        refused,
    ))
}

async fn run_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    axum::extract::Query(filter): axum::extract::Query<history::LinesQuery>,
) -> AppResult<Response> {
    run_view(&st, &s, id, Vec::new(), None, filter).await
}

/// A step on a run (calculate, approve, export, discard) and the forms of this context:
/// a refusal (a wrong state, the same person approving, a stale version) comes back on
/// the page in words, like refused input.
fn step(s: &Signed) -> Flow {
    Flow::new(s)
        .refusals_on_form()
        .conflict("payments-err-conflict")
}

async fn calculate(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: VersionForm = typed(&raw)?;
    let r = runs::calculate(&st.db, &s.actor(), id, f.version(), &mut |_, _| {}).await;
    step(&s)
        .then_page(
            r,
            |c| run_form(&st, &s, id, Vec::new(), Some(c)),
            |errors| run_form(&st, &s, id, errors, None),
        )
        .await
}

async fn approve(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: VersionForm = typed(&raw)?;
    let r = runs::approve(&st.db, &s.actor(), id, f.version()).await;
    step(&s)
        .then(
            r.map(|_| ()),
            |_| go(&format!("/payments/runs/{id}"), "payments-flash-approved"),
            |errors| run_form(&st, &s, id, errors, None),
        )
        .await
}

async fn export(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: VersionForm = typed(&raw)?;
    let r = files::export(&st.db, &s.actor(), id, f.version()).await;
    step(&s)
        .then(
            r.map(|_| ()),
            |_| go(&format!("/payments/runs/{id}"), "payments-flash-exported"),
            |errors| run_form(&st, &s, id, errors, None),
        )
        .await
}

async fn discard(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: VersionForm = typed(&raw)?;
    let r = runs::discard(&st.db, &s.actor(), id, f.version()).await;
    step(&s)
        .then(
            r,
            |_| go("/payments", "payments-flash-discarded"),
            |errors| run_form(&st, &s, id, errors, None),
        )
        .await
}

async fn download(
    State(st): State<AppState>,
    s: Signed,
    Path((id, seq)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let w = files::content(&st.db, &s.actor(), id, seq).await?;
    Ok(file_response(&w.file, w.content))
}

/// The statement arrives as an upload; its CSRF token in the query (multipart).
async fn import(State(st): State<AppState>, s: Signed, mut mp: Multipart) -> AppResult<Response> {
    let bytes = skrb_kit::web::upload::file(&mut mp).await?.bytes;
    let r = statements::import(&st.db, &s.actor(), &bytes, s.today()).await;
    step(&s)
        .then_page(
            r,
            |r| payments_form(&st, &s, Vec::new(), Raw::new(), Some(r)),
            |errors| payments_form(&st, &s, errors, Raw::new(), None),
        )
        .await
}

// ---------------------------------------------------------------- lines

#[derive(askama::Template)]
#[template(path = "payments/payment_lines.html")]
struct LinesPage {
    page: Page,
    show: Show,
    lines: Vec<PaymentLine>,
    worklist: bool,
    entitlement: Option<i64>,
    recoveries: Vec<Recovery>,
    /// Paid to someone else: name, IBAN, address.
    payee: Option<(String, Option<String>, Option<String>)>,
    currency: String,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
}

impl LinesPage {
    fn money(&self, a: &i64, cur: &str) -> String {
        self.show.money(a, cur)
    }
    fn month(&self, d: &Date) -> String {
        self.show.month(d)
    }
    fn right(&self, c: &str) -> String {
        self.show.right(c)
    }
    fn reason(&self, l: &PaymentLine) -> String {
        self.show.reason(l)
    }
}

#[allow(clippy::too_many_arguments)]
async fn lines_page(
    st: &AppState,
    s: &Signed,
    title: String,
    lines: Vec<PaymentLine>,
    worklist: bool,
    entitlement: Option<i64>,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let (recoveries, currency, payee) = match entitlement {
        Some(e) => {
            let r = history::recoveries_of(&st.db, &s.actor(), e).await?;
            let whose = history::whose_entitlement(&st.db, &s.actor(), e).await?;
            (r, whose.currency, history::payee_of(&st.db, e).await?)
        }
        None => (Vec::new(), String::new(), None),
    };
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, title, "payments").crumb("/payments", "nav-payments");
    Ok(refused_page(
        render(&LinesPage {
            page,
            show: Show::new(st, l).await?,
            lines,
            worklist,
            entitlement,
            recoveries,
            payee,
            currency,
            errors,
            kept: Kept(kept),
        }),
        refused,
    ))
}

async fn worklist_form(
    st: &AppState,
    s: &Signed,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let lines = history::worklist(&st.db, &s.actor(), 500).await?;
    let title = i18n::t(s.ctx.locale, "payments-worklist");
    lines_page(st, s, title, lines, true, None, errors, Raw::new()).await
}

fn enc(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

async fn worklist_download(
    st: AppState,
    s: Signed,
    _: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let f = history::LinesQuery::default();
    history::export_lines(
        &st.reports,
        &st.db,
        &s.actor(),
        None,
        &f,
        format,
        s.ctx.locale,
    )
    .await?
    .response()
}

/// Every line of a run (`run`) with the approver's filter and order, not only a page.
async fn lines_download(
    st: AppState,
    s: Signed,
    q: Raw,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    let run: i64 = q
        .get("run")
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| skrb_kit::form::field_error("run", "err-number"))?;
    let text = |k: &str| q.get(k).cloned().unwrap_or_default();
    let f = history::LinesQuery {
        q: text("q"),
        status: text("status"),
        right: text("right"),
        sort: text("sort"),
        page: None,
    };
    history::export_lines(
        &st.reports,
        &st.db,
        &s.actor(),
        Some(run),
        &f,
        format,
        s.ctx.locale,
    )
    .await?
    .response()
}

async fn worklist_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    worklist_form(&st, &s, Vec::new()).await
}

async fn write_off(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: WriteOffForm = typed(&raw)?;
    let r = history::write_off(&st.db, &s.actor(), id, &f).await;
    step(&s)
        .then(
            r,
            |_| go("/payments/worklist", "flash-saved"),
            |errors| worklist_form(&st, &s, errors),
        )
        .await
}

async fn person_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let lines = history::of_person(&st.db, &s.actor(), PersonId(id), 500).await?;
    let title = format!(
        "{}: {}",
        i18n::t(s.ctx.locale, "rights-pay-history"),
        history::whose_person(&st.db, &s.actor(), PersonId(id))
            .await?
            .name
    );
    lines_page(&st, &s, title, lines, false, None, Vec::new(), Raw::new()).await
}

async fn entitlement_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
) -> AppResult<Response> {
    let lines = history::of_entitlement(&st.db, &s.actor(), id).await?;
    let name = history::whose_entitlement(&st.db, &s.actor(), id)
        .await?
        .name;
    let title = format!("{} · {name}", i18n::t(s.ctx.locale, "rights-pay-history"));
    lines_page(st, s, title, lines, false, Some(id), errors, kept).await
}

async fn entitlement_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    entitlement_form(&st, &s, id, Vec::new(), Raw::new()).await
}

async fn add_recovery(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RecoveryForm = typed(&raw)?;
    let r = history::add_recovery(&st.db, &s.actor(), id, &f).await;
    step(&s)
        .then(
            r,
            |_| go(&format!("/entitlements/{id}/payments"), "flash-saved"),
            |errors| entitlement_form(&st, &s, id, errors, raw),
        )
        .await
}

// ---------------------------------------------------------------- accounts

#[derive(askama::Template)]
#[template(path = "payments/payment_accounts.html")]
struct AccountsPage {
    page: Page,
    list: Vec<PayerAccount>,
    centres: Vec<(i64, String)>,
    funders: Vec<(&'static str, String)>,
    formats: [&'static str; 3],
    default_columns: &'static str,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
}

async fn accounts_form(
    st: &AppState,
    s: &Signed,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Raw,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "payments-accounts"), "payments");
    Ok(refused_page(
        render(&AccountsPage {
            page,
            list: accounts::list(&st.db, &s.actor()).await?,
            centres: centres_for(st, s).await?,
            funders: labelled(l, "payments-funder", &FUNDERS),
            formats: FORMATS,
            default_columns: skrb_domain::payments::csv::DEFAULT_COLUMNS,
            errors,
            kept: Kept(kept),
        }),
        refused,
    ))
}

async fn accounts_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    accounts_form(&st, &s, Vec::new(), Raw::new()).await
}

async fn account_save(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AccountForm = typed(&raw)?;
    let r = accounts::save(&st.db, &s.actor(), &f).await;
    step(&s)
        .then(
            r,
            |_| go("/payments/accounts", "flash-saved"),
            |errors| accounts_form(&st, &s, errors, raw),
        )
        .await
}

async fn payee_save(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PayeeForm = typed(&raw)?;
    let r = history::set_payee(&st.db, &s.actor(), id, &f).await;
    step(&s)
        .then(
            r,
            |_| go(&format!("/entitlements/{id}/payments"), "flash-saved"),
            |errors| entitlement_form(&st, &s, id, errors, raw),
        )
        .await
}
