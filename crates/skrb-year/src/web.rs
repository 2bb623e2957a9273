//! The year's pages: an overview (head count today, the plans, the round tables, updates
//! waiting for approval), staff with the head count on a day, working groups, strategies,
//! action plans against what is done, an activity with its indicators and updates, round
//! tables with invitations, attendance, results and proposals, the public page's settings
//! and news; then the pages without sign-in (the centre's public page, the one-time
//! questionnaire) and the partner portal's questionnaires. Thin: parse, call, render.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use crate::plans::{
    self, ActivityFile, ActivityForm, IndicatorForm, Plan, PlanFile, PlanForm, ReviewForm, Update,
    UpdateForm,
};
use crate::public::{self, NewsForm, PublicCentre, SettingsForm};
use crate::round_tables::{
    self, AnswerForm, AttendeeForm, InviteForm, OutcomeForm, ProposalForm, Questionnaire,
    RoundTable, RoundTableFile, RoundTableForm,
};
use crate::staff::{self, GroupForm, HeadCount, MemberForm, StaffForm, StaffMember, WorkingGroup};
use crate::strategies::{self, GoalForm, Strategy, StrategyFile, StrategyForm};
use skrb_domain::year::{ActivityStatus, Funding, Measure, Question, StaffKind, StrategyOwner};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{go, labelled, typed, Flow, Kept, Multi, Raw, Reason};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::web::context::{Ctx, Signed};
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use time::Date;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/year", Perm(YearRead), home)
        .get("/year/staff", Perm(YearRead), staff_page)
        .post("/year/staff", Perm(YearManage), staff_create)
        .get("/year/staff/{id}", Perm(YearRead), member_page)
        .post("/year/staff/{id}", Perm(YearManage), member_update)
        .get("/year/groups", Perm(YearRead), groups_page)
        .post("/year/groups", Perm(YearManage), group_create)
        .post("/year/groups/{id}/members", Perm(YearManage), member_add)
        .get("/year/strategies", Perm(YearRead), strategies_page)
        .post("/year/strategies", Perm(YearManage), strategy_create)
        .get("/year/strategies/{id}", Perm(YearRead), strategy_page)
        .post(
            "/year/strategies/{id}/items",
            Perm(YearManage),
            strategy_item,
        )
        .get("/year/plans", Perm(YearRead), plans_page)
        .post("/year/plans", Perm(YearManage), plan_create)
        .get("/year/plans/{id}", Perm(YearRead), plan_page)
        .post(
            "/year/plans/{id}/activities",
            Perm(YearManage),
            activity_create,
        )
        .get("/year/activities/{id}", Perm(YearRead), activity_page)
        .post("/year/activities/{id}", Perm(YearManage), activity_change)
        .post(
            "/year/activities/{id}/indicators",
            Perm(YearManage),
            indicator_create,
        )
        .post(
            "/year/activities/{id}/updates",
            Perm(YearManage),
            update_submit,
        )
        .post(
            "/year/updates/{id}/review",
            Perm(PlanApprove),
            update_review,
        )
        .get("/year/round-tables", Perm(YearRead), round_tables_page)
        .post("/year/round-tables", Perm(YearManage), round_table_create)
        .get("/year/round-tables/{id}", Perm(YearRead), round_table_page)
        .post("/year/round-tables/{id}/invites", Perm(YearManage), invite)
        .post(
            "/year/round-tables/{id}/attendees",
            Perm(YearManage),
            attend,
        )
        .post(
            "/year/round-tables/{id}/proposals",
            Perm(YearManage),
            propose,
        )
        .post(
            "/year/round-tables/{id}/proposals/{proposal}",
            Perm(YearManage),
            decide,
        )
        .post("/year/round-tables/{id}/publish", Perm(YearManage), publish)
        .get(
            "/year/round-tables/{id}/summary.pdf",
            Perm(YearRead),
            summary_pdf,
        )
        .get("/year/public", Perm(YearManage), settings_page)
        .post("/year/public", Perm(YearManage), settings_save)
        .post("/year/news", Perm(YearManage), news_create)
        .get("/centres", Public, centres_index)
        .get("/centres/{code}", Public, public_page)
        .get("/feedback/{token}", Public, feedback_page)
        .post("/feedback/{token}", Public, feedback_answer)
        .get("/portal/round-tables", Perm(RoundTableAnswer), portal)
        .get(
            "/portal/round-tables/{id}",
            Perm(RoundTableAnswer),
            portal_questionnaire,
        )
        .post(
            "/portal/round-tables/{id}",
            Perm(RoundTableAnswer),
            portal_answer,
        )
}

fn page(s: &Signed, key: &str) -> Page {
    titled(s, i18n::t(s.ctx.locale, key))
}

fn titled(s: &Signed, title: String) -> Page {
    Page::new(&s.ctx, title, "year").crumb("/year", "nav-year")
}

/// The day a page shows (`?on=`), today by default.
fn on_of(q: &Raw, s: &Signed) -> Date {
    q.get("on")
        .and_then(|d| skrb_kit::dates::parse_date(d.trim()))
        .unwrap_or_else(|| s.today())
}

/// A share in tenths of a percent as the reader writes it.
fn pct(l: Locale, v: &Option<i64>) -> String {
    v.map(|v| format!("{}\u{a0}%", crate::decimal(l, v, 1)))
        .unwrap_or_else(|| "—".into())
}

// ---------------------------------------------------------------- overview

#[derive(askama::Template)]
#[template(path = "year/home.html")]
struct HomePage {
    page: Page,
    count: HeadCount,
    plans: Vec<Plan>,
    tables: Vec<RoundTable>,
    waiting: Vec<Update>,
}

async fn home(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let a = s.actor();
    let count = staff::head_count(&st.db, &a, s.today()).await?;
    let plans = plans::list(&st.db, &a).await?;
    let tables = round_tables::list(&st.db, &a).await?;
    let waiting = if s.may(skrb_kit::auth::Permission::PlanApprove) {
        plans::waiting(&st.db, &a).await?
    } else {
        Vec::new()
    };
    Ok(render(&HomePage {
        page: Page::new(&s.ctx, i18n::t(s.ctx.locale, "nav-year"), "year"),
        count,
        plans,
        tables,
        waiting,
    }))
}

// ---------------------------------------------------------------- staff

#[derive(askama::Template)]
#[template(path = "year/staff.html")]
struct StaffPage {
    page: Page,
    on: Date,
    count: HeadCount,
    list: Vec<StaffMember>,
    kinds: Vec<(&'static str, String)>,
    fundings: Vec<(&'static str, String)>,
    choices: staff::Choices,
    kept: Kept,
    errors: Vec<Reason>,
}

impl StaffPage {
    fn cell(&self, kind: &str, funding: &str) -> i64 {
        self.count
            .rows
            .iter()
            .find(|r| r.kind == kind && r.funding == funding)
            .map_or(0, |r| r.persons)
    }
    fn of_kind(&self, kind: &str) -> i64 {
        self.count.by_kind.get(kind).copied().unwrap_or(0)
    }
    fn of_funding(&self, funding: &str) -> i64 {
        self.count.by_funding.get(funding).copied().unwrap_or(0)
    }
    fn fte(&self) -> String {
        crate::decimal(self.page.locale, self.count.fte, 2)
    }
}

async fn staff_form(
    st: &AppState,
    s: &Signed,
    on: Date,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let count = staff::head_count(&st.db, &a, on).await?;
    let list = staff::list(&st.db, &a, Some(on)).await?;
    let choices = staff::choices(&st.db, &a).await?;
    let refused = !errors.is_empty();
    let l = s.ctx.locale;
    Ok(refused_page(
        render(&StaffPage {
            page: page(s, "year-staff"),
            on,
            count,
            list,
            kinds: labelled(l, "year-kind", &StaffKind::codes()),
            fundings: labelled(l, "year-funding", &Funding::codes()),
            choices,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn staff_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let on = on_of(&q, &s);
    let mut kept = Raw::new();
    kept.insert("starts_on".into(), s.today().to_string());
    kept.insert("hours_week".into(), "40".into());
    staff_form(&st, &s, on, kept, Vec::new()).await
}

async fn staff_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: StaffForm = typed(&raw)?;
    let r = staff::create(&st.db, &s.actor(), &f).await;
    let on = s.today();
    Flow::new(&s)
        .then(
            r,
            |_| go("/year/staff", "flash-saved"),
            |errors| staff_form(&st, &s, on, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "year/member.html")]
struct MemberPage {
    page: Page,
    m: StaffMember,
    kinds: Vec<(&'static str, String)>,
    fundings: Vec<(&'static str, String)>,
    choices: staff::Choices,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn member_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Option<Raw>,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let m = staff::get(&st.db, &a, id).await?;
    let choices = staff::choices(&st.db, &a).await?;
    let kept = kept.unwrap_or_else(|| {
        let mut k = Raw::new();
        for (f, v) in [
            ("name", m.name.clone()),
            ("kind", m.kind.clone()),
            ("funding", m.funding.clone()),
            (
                "unit_id",
                m.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            ),
            ("job", m.job.clone()),
            ("hours_week", m.hours_week.to_string()),
            ("starts_on", m.starts_on.to_string()),
            (
                "ends_on",
                m.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "user_id",
                m.user_id.map(|u| u.to_string()).unwrap_or_default(),
            ),
            ("version", m.version.to_string()),
        ] {
            k.insert(f.into(), v);
        }
        k
    });
    let refused = !errors.is_empty();
    let l = s.ctx.locale;
    Ok(refused_page(
        render(&MemberPage {
            page: titled(s, m.name.clone()).crumb("/year/staff", "year-staff"),
            m,
            kinds: labelled(l, "year-kind", &StaffKind::codes()),
            fundings: labelled(l, "year-funding", &Funding::codes()),
            choices,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn member_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    member_form(&st, &s, id, None, Vec::new()).await
}

async fn member_update(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: StaffForm = typed(&raw)?;
    let r = staff::update(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .conflict("year-conflict")
        .then(
            r,
            |_| go("/year/staff", "flash-saved"),
            |errors| member_form(&st, &s, id, Some(raw), errors),
        )
        .await
}

// ---------------------------------------------------------------- working groups

#[derive(askama::Template)]
#[template(path = "year/groups.html")]
struct GroupsPage {
    page: Page,
    groups: Vec<WorkingGroup>,
    staff: Vec<(i64, String)>,
    roles: Vec<(&'static str, String)>,
    kept: Kept,
    errors: Vec<Reason>,
    /// The group whose member form was refused.
    failed: i64,
}

async fn groups_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
    failed: i64,
) -> AppResult<Response> {
    let a = s.actor();
    let groups = staff::groups(&st.db, &a).await?;
    let staff = if s.may(skrb_kit::auth::Permission::YearManage) {
        staff::names(&st.db, &a, s.today()).await?
    } else {
        Vec::new()
    };
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&GroupsPage {
            page: page(s, "year-groups"),
            groups,
            staff,
            roles: labelled(s.ctx.locale, "year-role", &staff::MEMBER_ROLES),
            kept: Kept(kept),
            errors,
            failed,
        }),
        refused,
    ))
}

async fn groups_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let mut kept = Raw::new();
    kept.insert("starts_on".into(), s.today().to_string());
    groups_form(&st, &s, kept, Vec::new(), 0).await
}

async fn group_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: GroupForm = typed(&raw)?;
    let r = staff::create_group(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/year/groups", "flash-saved"),
            |errors| groups_form(&st, &s, raw, errors, 0),
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
    let r = staff::add_member(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/year/groups", "flash-saved"),
            |errors| groups_form(&st, &s, raw, errors, id),
        )
        .await
}

// ---------------------------------------------------------------- strategies

#[derive(askama::Template)]
#[template(path = "year/strategies.html")]
struct StrategiesPage {
    page: Page,
    list: Vec<Strategy>,
    owners: Vec<(&'static str, String)>,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn strategies_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let list = strategies::list(&st.db, &s.actor()).await?;
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&StrategiesPage {
            page: page(s, "year-strategies"),
            list,
            owners: labelled(s.ctx.locale, "year-owner", &StrategyOwner::codes()),
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn strategies_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    strategies_form(&st, &s, Raw::new(), Vec::new()).await
}

async fn strategy_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: StrategyForm = typed(&raw)?;
    let r = strategies::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/year/strategies/{id}"), "flash-saved"),
            |errors| strategies_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "year/strategy.html")]
struct StrategyPage {
    page: Page,
    f: StrategyFile,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn strategy_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let f = strategies::get(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&StrategyPage {
            page: titled(s, f.strategy.name.clone()).crumb("/year/strategies", "year-strategies"),
            f,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn strategy_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    strategy_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn strategy_item(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: GoalForm = typed(&raw)?;
    let r = strategies::add_item(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/year/strategies/{id}"), "flash-saved"),
            |errors| strategy_form(&st, &s, id, raw, errors),
        )
        .await
}

// ---------------------------------------------------------------- plans

#[derive(askama::Template)]
#[template(path = "year/plans.html")]
struct PlansPage {
    page: Page,
    list: Vec<Plan>,
    strategies: Vec<Strategy>,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn plans_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let list = plans::list(&st.db, &a).await?;
    let strategies = strategies::list(&st.db, &a).await?;
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&PlansPage {
            page: page(s, "year-plans"),
            list,
            strategies,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn plans_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let mut kept = Raw::new();
    kept.insert("year".into(), (s.today().year() + 1).to_string());
    plans_form(&st, &s, kept, Vec::new()).await
}

async fn plan_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PlanForm = typed(&raw)?;
    let r = plans::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/year/plans/{id}"), "flash-saved"),
            |errors| plans_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "year/plan.html")]
struct PlanPage {
    page: Page,
    f: PlanFile,
    measures: Vec<(i64, String)>,
    staff: Vec<(i64, String)>,
    partners: Vec<(i64, String)>,
    kept: Kept,
    errors: Vec<Reason>,
}

impl PlanPage {
    fn ratio(&self, i: &plans::Indicator) -> String {
        ratio(self.page.locale, i)
    }
    fn value(&self, i: &plans::Indicator, v: &Option<i64>) -> String {
        value(self.page.locale, i, v)
    }
}

/// What a computed value was computed from: "118 520 / 120 960", home help's minutes as
/// hours.
fn ratio(l: Locale, i: &plans::Indicator) -> String {
    let Some(r) = i.ratio else {
        return String::new();
    };
    let n = |v: i64| {
        if i.measure.as_deref() == Some(Measure::HomeHelpDelivered.code()) {
            format!("{}\u{a0}h", i18n::fmt_int(l, v / 60))
        } else {
            i18n::fmt_int(l, v)
        }
    };
    format!("{} / {}", n(r.numerator), n(r.denominator))
}

fn value(l: Locale, i: &plans::Indicator, v: &Option<i64>) -> String {
    match (&i.measure, v) {
        (Some(_), _) => pct(l, v),
        (None, Some(v)) => format!(
            "{} {}",
            i18n::fmt_int(l, *v),
            i.unit.clone().unwrap_or_default()
        ),
        (None, None) => "—".into(),
    }
}

async fn plan_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    on: Date,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let f = plans::file(&st.db, &a, id, on).await?;
    let (measures, staff, partners) = if s.may(skrb_kit::auth::Permission::YearManage) {
        (
            strategies::measure_choices(&st.db, &a).await?,
            staff::names(&st.db, &a, s.today()).await?,
            partner_choices(st, s).await?,
        )
    } else {
        Default::default()
    };
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&PlanPage {
            page: titled(s, f.plan.title.clone()).crumb("/year/plans", "year-plans"),
            f,
            measures,
            staff,
            partners,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn partner_choices(st: &AppState, s: &Signed) -> AppResult<Vec<(i64, String)>> {
    crate::round_tables::partner_choices(&st.db, &s.actor()).await
}

async fn plan_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let on = on_of(&q, &s);
    plan_form(&st, &s, id, on, Raw::new(), Vec::new()).await
}

async fn activity_create(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ActivityForm = typed(&raw)?;
    let r = plans::add_activity(&st.db, &s.actor(), id, &f).await;
    let on = s.today();
    Flow::new(&s)
        .then(
            r,
            |a| go(&format!("/year/activities/{a}"), "flash-saved"),
            |errors| plan_form(&st, &s, id, on, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "year/activity.html")]
struct ActivityPage {
    page: Page,
    on: Date,
    f: ActivityFile,
    /// What the change form offers (those who keep the plan only).
    measure_choices: Vec<(i64, String)>,
    staff: Vec<(i64, String)>,
    partners: Vec<(i64, String)>,
    measures: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    form_key: String,
    kept: Kept,
    errors: Vec<Reason>,
}

impl ActivityPage {
    fn ratio(&self, i: &plans::Indicator) -> String {
        ratio(self.page.locale, i)
    }
    fn value(&self, i: &plans::Indicator, v: &Option<i64>) -> String {
        value(self.page.locale, i, v)
    }
    /// An indicator's actual at a quarter's end.
    fn quarter(&self, i: &plans::Indicator, q: &plans::Quarter) -> String {
        let row = self
            .f
            .activity
            .indicators
            .iter()
            .position(|x| x.id == i.id)
            .unwrap_or(0);
        value(self.page.locale, i, &q.actuals.get(row).copied().flatten())
    }
    fn entered(&self) -> Vec<&plans::Indicator> {
        self.f
            .activity
            .indicators
            .iter()
            .filter(|i| i.measure.is_none())
            .collect()
    }
}

async fn activity_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    on: Date,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let f = plans::activity(&st.db, &a, id, on).await?;
    let (measure_choices, staff, partners) = if s.may(skrb_kit::auth::Permission::YearManage) {
        (
            strategies::measure_choices(&st.db, &a).await?,
            staff::names(&st.db, &a, s.today()).await?,
            partner_choices(st, s).await?,
        )
    } else {
        Default::default()
    };
    let refused = !errors.is_empty();
    let l = s.ctx.locale;
    let mut kept = kept;
    kept.entry("as_of".into())
        .or_insert_with(|| s.today().to_string());
    if !kept.contains_key("title") {
        let x = &f.activity;
        kept.insert("title".into(), x.title.clone());
        kept.insert("due_on".into(), x.due_on.to_string());
        kept.insert("version".into(), x.version.to_string());
        if let Some(m) = x.measure_id {
            kept.insert("measure_id".into(), m.to_string());
        }
        if let Some(r) = x.responsible_id {
            kept.insert("responsible_id".into(), r.to_string());
        }
    }
    Ok(refused_page(
        render(&ActivityPage {
            page: titled(s, f.activity.title.clone())
                .crumb("/year/plans", "year-plans")
                .crumb(format!("/year/plans/{}", f.plan.id), &f.plan.title),
            on,
            measures: labelled(l, "year-measure", &Measure::codes()),
            statuses: labelled(l, "year-status", &ActivityStatus::codes()),
            form_key: skrb_kit::auth::sessions::new_token(),
            measure_choices,
            staff,
            partners,
            f,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn activity_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    let on = on_of(&q, &s);
    activity_form(&st, &s, id, on, Raw::new(), Vec::new()).await
}

async fn activity_change(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ActivityForm = typed(&raw)?;
    let r = plans::change_activity(&st.db, &s.actor(), id, &f).await;
    let on = s.today();
    Flow::new(&s)
        .conflict("year-conflict")
        .then(
            r,
            |_| go(&format!("/year/activities/{id}"), "flash-saved"),
            |errors| activity_form(&st, &s, id, on, raw, errors),
        )
        .await
}

async fn indicator_create(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: IndicatorForm = typed(&raw)?;
    let r = plans::add_indicator(&st.db, &s.actor(), id, &f).await;
    let on = s.today();
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/year/activities/{id}"), "flash-saved"),
            |errors| activity_form(&st, &s, id, on, raw, errors),
        )
        .await
}

async fn update_submit(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: UpdateForm = typed(&raw)?;
    let r = plans::submit(&st.db, &s.actor(), id, &f).await;
    let on = s.today();
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/year/activities/{id}"), "year-flash-submitted"),
            |errors| activity_form(&st, &s, id, on, raw, errors),
        )
        .await
}

async fn update_review(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReviewForm = typed(&raw)?;
    match plans::review(&st.db, &s.actor(), id, &f).await {
        Ok(activity) => go(
            &format!("/year/activities/{activity}"),
            "year-flash-reviewed",
        ),
        Err(e @ (AppError::Validation(_) | AppError::Refused(_) | AppError::Conflict { .. })) => {
            // Shown on the activity's page, where the update is.
            let activity = plans::activity_of_update(&st.db, &s.actor(), id).await?;
            let errors = Flow::new(&s)
                .refusals_on_form()
                .conflict("year-conflict")
                .reasons(e)?;
            activity_form(&st, &s, activity, s.today(), raw, errors).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- round tables

#[derive(askama::Template)]
#[template(path = "year/round_tables.html")]
struct RoundTablesPage {
    page: Page,
    list: Vec<RoundTable>,
    plans: Vec<Plan>,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn round_tables_form(
    st: &AppState,
    s: &Signed,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let a = s.actor();
    let list = round_tables::list(&st.db, &a).await?;
    let plans = plans::list(&st.db, &a).await?;
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&RoundTablesPage {
            page: page(s, "year-round-tables"),
            list,
            plans,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn round_tables_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let mut kept = Raw::new();
    kept.insert("held_on".into(), s.today().to_string());
    round_tables_form(&st, &s, kept, Vec::new()).await
}

async fn round_table_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: RoundTableForm = typed(&raw)?;
    let r = round_tables::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/year/round-tables/{id}"), "flash-saved"),
            |errors| round_tables_form(&st, &s, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "year/round_table.html")]
struct RoundTablePage {
    page: Page,
    f: RoundTableFile,
    partners: Vec<(i64, String)>,
    link_base: String,
    kept: Kept,
    errors: Vec<Reason>,
}

impl RoundTablePage {
    fn avg(&self, v: &Option<i64>) -> String {
        v.map(|v| crate::decimal(self.page.locale, v, 2))
            .unwrap_or_else(|| "—".into())
    }
    fn attendees(&self, invite: &i64) -> Vec<&round_tables::Attendee> {
        self.f
            .attendees
            .iter()
            .filter(|a| a.invite_id == *invite)
            .collect()
    }
    fn invited(&self, partner: &i64) -> bool {
        self.f.invites.iter().any(|i| i.partner_id == *partner)
    }
}

async fn round_table_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let f = round_tables::file(&st.db, &s.actor(), id).await?;
    let partners = if s.may(skrb_kit::auth::Permission::YearManage) {
        partner_choices(st, s).await?
    } else {
        Vec::new()
    };
    let refused = !errors.is_empty();
    let mut kept = kept;
    kept.entry("due_on".into())
        .or_insert_with(|| format!("{}-06-30", f.next_year));
    Ok(refused_page(
        render(&RoundTablePage {
            page: titled(s, f.round_table.title.clone())
                .crumb("/year/round-tables", "year-round-tables"),
            f,
            partners,
            link_base: "/feedback/".into(),
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn round_table_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    round_table_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn invite(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: InviteForm = typed(&raw)?;
    let r = round_tables::invite(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/year/round-tables/{id}"), "year-flash-invited"),
            |errors| round_table_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn attend(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AttendeeForm = typed(&raw)?;
    let r = round_tables::attend(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/year/round-tables/{id}#attendance"),
                    "flash-saved",
                )
            },
            |errors| round_table_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn propose(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ProposalForm = typed(&raw)?;
    let r = round_tables::propose(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/year/round-tables/{id}#proposals"), "flash-saved"),
            |errors| round_table_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path((id, proposal)): Path<(i64, i64)>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: OutcomeForm = typed(&raw)?;
    let r = round_tables::decide(&st.db, &s.actor(), id, proposal, &f).await;
    Flow::new(&s)
        .conflict("year-conflict")
        .then(
            r,
            |_| {
                go(
                    &format!("/year/round-tables/{id}#proposals"),
                    "year-flash-decided",
                )
            },
            |errors| round_table_form(&st, &s, id, raw, errors),
        )
        .await
}

async fn publish(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = round_tables::publish(&st.db, &s.actor(), id).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/year/round-tables/{id}"), "year-flash-published"),
            |errors| round_table_form(&st, &s, id, Raw::new(), errors),
        )
        .await
}

async fn summary_pdf(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pdf = round_tables::summary_pdf(&st.db, &s.actor(), id).await?;
    Ok(skrb_kit::web::page::pdf_download(
        &format!("round-table-{id}.pdf"),
        pdf,
    ))
}

// ---------------------------------------------------------------- public page settings

#[derive(askama::Template)]
#[template(path = "year/settings.html")]
struct SettingsPage {
    page: Page,
    code: String,
    kept: Kept,
    errors: Vec<Reason>,
}

async fn settings_form(
    st: &AppState,
    s: &Signed,
    kept: Option<Raw>,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let (code, f) = public::settings(&st.db, &s.actor()).await?;
    let kept = kept.unwrap_or_else(|| {
        let mut k = Raw::new();
        k.insert("address".into(), f.address);
        k.insert("office_hours".into(), f.office_hours);
        k.insert("phone".into(), f.phone);
        k.insert("email".into(), f.email);
        k.insert("published_on".into(), s.today().to_string());
        k
    });
    let refused = !errors.is_empty();
    Ok(refused_page(
        render(&SettingsPage {
            page: page(s, "year-public"),
            code,
            kept: Kept(kept),
            errors,
        }),
        refused,
    ))
}

async fn settings_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    settings_form(&st, &s, None, Vec::new()).await
}

async fn settings_save(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: SettingsForm = typed(&raw)?;
    let r = public::save_settings(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/year/public", "flash-saved"),
            |errors| settings_form(&st, &s, Some(raw), errors),
        )
        .await
}

async fn news_create(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: NewsForm = typed(&raw)?;
    let r = public::add_news(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go("/year/public", "year-flash-published"),
            |errors| settings_form(&st, &s, Some(raw), errors),
        )
        .await
}

// ---------------------------------------------------------------- without sign-in

#[derive(askama::Template)]
#[template(path = "year/centres.html")]
struct CentresPage {
    page: Page,
    centres: Vec<(String, String)>,
}

async fn centres_index(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let centres = public::centres(&st.db).await?;
    Ok(render(&CentresPage {
        page: Page::new(&ctx, i18n::t(ctx.locale, "year-centres"), ""),
        centres,
    }))
}

#[derive(askama::Template)]
#[template(path = "year/public.html")]
struct PublicPage {
    page: Page,
    c: PublicCentre,
}

async fn public_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let c = public::page(&st.db, &code, ctx.locale, ctx.today()).await?;
    let mut res = render(&PublicPage {
        page: Page::new(&ctx, c.name.clone(), "").crumb("/centres", "year-centres"),
        c,
    });
    // Nothing personal: a shared cache may keep it for a minute.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}

#[derive(askama::Template)]
#[template(path = "year/questionnaire.html")]
struct QuestionnairePage {
    page: Page,
    q: Questionnaire,
    action: String,
    questions: Vec<(&'static str, String)>,
    done: bool,
    kept: Kept,
    errors: Vec<Reason>,
}

fn questionnaire(
    page: Page,
    q: Questionnaire,
    action: String,
    done: bool,
    kept: Raw,
    errors: Vec<Reason>,
) -> Response {
    let refused = !errors.is_empty();
    let l = page.locale;
    refused_page(
        render(&QuestionnairePage {
            page,
            q,
            action,
            questions: labelled(l, "year-question", &Question::codes()),
            done,
            kept: Kept(kept),
            errors,
        }),
        refused,
    )
}

async fn feedback_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let q = round_tables::by_token(&st.db, &token).await?;
    let page = Page::new(&ctx, q.title.clone(), "");
    let done = q.answered;
    Ok(questionnaire(
        page,
        q,
        format!("/feedback/{token}"),
        done,
        Raw::new(),
        Vec::new(),
    ))
}

async fn feedback_answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AnswerForm = typed(&raw)?;
    let r = round_tables::answer_by_token(&st.db, &ctx.actor(), &token, &f).await;
    let q = round_tables::by_token(&st.db, &token).await?;
    let page = Page::new(&ctx, q.title.clone(), "");
    match r {
        Ok(()) => Ok(questionnaire(
            page,
            q,
            format!("/feedback/{token}"),
            true,
            Raw::new(),
            Vec::new(),
        )),
        Err(e) => {
            let errors = skrb_kit::form::reasons(e, ctx.locale)?;
            Ok(questionnaire(
                page,
                q,
                format!("/feedback/{token}"),
                false,
                raw,
                errors,
            ))
        }
    }
}

#[derive(askama::Template)]
#[template(path = "year/portal.html")]
struct PortalPage {
    page: Page,
    list: Vec<Questionnaire>,
    unlinked: bool,
}

async fn portal(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let (list, unlinked) = match round_tables::for_partner(&st.db, &s.actor()).await {
        Ok(l) => (l, false),
        Err(AppError::Refused(_)) => (Vec::new(), true),
        Err(e) => return Err(e),
    };
    Ok(render(&PortalPage {
        page: Page::new(&s.ctx, i18n::t(s.ctx.locale, "year-portal"), "round-tables"),
        list,
        unlinked,
    }))
}

async fn portal_q(st: &AppState, s: &Signed, invite: i64) -> AppResult<Questionnaire> {
    // An account linked to no organisation has no questionnaire to open.
    let list = match round_tables::for_partner(&st.db, &s.actor()).await {
        Err(AppError::Refused(_)) => return Err(AppError::NotFound),
        other => other?,
    };
    list.into_iter()
        .find(|q| q.invite_id == invite)
        .ok_or(AppError::NotFound)
}

fn portal_page_of(s: &Signed, q: &Questionnaire) -> Page {
    Page::new(&s.ctx, q.title.clone(), "round-tables").crumb("/portal/round-tables", "year-portal")
}

async fn portal_questionnaire(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let q = portal_q(&st, &s, id).await?;
    let done = q.answered;
    Ok(questionnaire(
        portal_page_of(&s, &q),
        q,
        format!("/portal/round-tables/{id}"),
        done,
        Raw::new(),
        Vec::new(),
    ))
}

async fn portal_answer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AnswerForm = typed(&raw)?;
    let r = round_tables::answer_as_partner(&st.db, &s.actor(), id, &f).await;
    let q = portal_q(&st, &s, id).await?;
    let page = portal_page_of(&s, &q);
    match r {
        Ok(()) => Ok(questionnaire(
            page,
            q,
            format!("/portal/round-tables/{id}"),
            true,
            Raw::new(),
            Vec::new(),
        )),
        Err(e) => {
            let errors = Flow::new(&s).refusals_on_form().reasons(e)?;
            Ok(questionnaire(
                page,
                q,
                format!("/portal/round-tables/{id}"),
                false,
                raw,
                errors,
            ))
        }
    }
}
