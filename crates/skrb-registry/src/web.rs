//! The registry's pages: search, person view, create and edit forms, households.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use skrb_domain::iban::Iban;
use skrb_domain::person::Relationship;

use super::households::{self, EndForm, HouseholdForm, JoinForm, Member};
use super::input::PersonForm;
use super::persons::{self, HistoryEntry, Municipality, Override, Person, PersonView, Updated};
use super::search::{self, PersonSummary};
use skrb_kit::auth::Permission;
use skrb_kit::error::{AppError, AppResult, FieldError, Warning};
use skrb_kit::form::{go, Flow};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::page::{refused, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/persons", Perm(RegistryRead), search_page)
        .downloads(
            ["/persons.xlsx", "/persons.csv"],
            Perm(RegistryRead),
            search_download,
        )
        .get("/persons/new", Perm(RegistryWrite), new_person)
        .post("/persons/new", Perm(RegistryWrite), create_person)
        .get("/persons/{id}", Perm(RegistryRead), view_person)
        .get("/persons/{id}/edit", Perm(RegistryWrite), edit_person)
        .post("/persons/{id}/edit", Perm(RegistryWrite), update_person)
        .post("/persons/{id}/move", Perm(RegistryWrite), move_person)
        .get("/households/new", Perm(RegistryWrite), new_household)
        .post("/households/new", Perm(RegistryWrite), create_household)
        .get("/households/{id}", Perm(RegistryRead), view_household)
        .post("/households/{id}/members", Perm(RegistryWrite), add_member)
        .post(
            "/households/{id}/members/{member}/end",
            Perm(RegistryWrite),
            end_member,
        )
}

const PER_PAGE: u32 = 25;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<u32>,
}

/// One page of search results, shared by the full page and its htmx fragment.
struct Results {
    items: Vec<PersonSummary>,
    summary: String,
    pageno: u32,
    pages: u32,
    prev: Option<String>,
    next: Option<String>,
    /// The query for the downloads of every person found.
    download: skrb_kit::export::Links,
}

#[derive(askama::Template)]
#[template(path = "registry/persons.html")]
struct SearchPage {
    page: Page,
    q: String,
    r: Results,
}

#[derive(askama::Template)]
#[template(path = "registry/persons_results.html")]
struct SearchResults {
    page: Page,
    r: Results,
}

/// Every person the search finds, not only the page's 25.
async fn search_download(
    st: AppState,
    s: Signed,
    p: SearchParams,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    search::export(&st.reports, &st.db, &s.actor(), &p.q, format, s.ctx.locale)
        .await?
        .response()
}

async fn search_page(
    State(st): State<AppState>,
    s: Signed,
    headers: HeaderMap,
    Query(p): Query<SearchParams>,
) -> AppResult<Response> {
    let pageno = p.page.unwrap_or(1).max(1);
    let found = search::search(&st.db, &s.actor(), &p.q, pageno, PER_PAGE).await?;
    let pages = u32::try_from((found.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    let l = s.ctx.locale;
    let q_enc = skrb_kit::web::errors::encode_component(&p.q);
    let link = |n: u32| format!("/persons?q={q_enc}&page={n}");
    let summary = if p.q.trim().is_empty() {
        i18n::t(l, "registry-search-hint")
    } else if found.total == 0 {
        i18n::t(l, "registry-search-none")
    } else if found.total > search::COUNT_CAP {
        i18n::t_args(
            l,
            "registry-count-results-many",
            &[("count", search::COUNT_CAP.into())],
        )
    } else {
        i18n::t_args(
            l,
            "registry-count-results",
            &[("count", found.total.into())],
        )
    };
    let page = Page::new(&s.ctx, i18n::t(l, "registry-search-title"), "persons");
    let r = Results {
        items: found.items,
        summary,
        pageno,
        pages,
        prev: (pageno > 1).then(|| link(pageno - 1)),
        next: (pageno < pages).then(|| link(pageno + 1)),
        download: skrb_kit::export::Links::new("/persons", format!("q={q_enc}")),
    };
    // htmx live search asks for the result list only.
    if headers.contains_key("hx-request") {
        return Ok(render(&SearchResults { page, r }));
    }
    Ok(render(&SearchPage { page, q: p.q, r }))
}

/// One input of a form, ready to render.
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    /// `text`, `date`, `email`, `tel`, `select`, `textarea`
    pub kind: &'static str,
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
    /// A note under the field (e.g. the value someone else saved meanwhile).
    pub note: Option<String>,
    pub autocomplete: &'static str,
}

#[derive(askama::Template)]
#[template(path = "registry/person_form.html")]
struct PersonFormPage {
    page: Page,
    spec: FormSpec,
    fields: Vec<FieldView>,
    general_error: Option<String>,
    warnings: Vec<String>,
    warn_hint: Option<String>,
    show_reason: bool,
    reason: String,
    version: Option<i64>,
    conflict: bool,
}

/// Where a person form posts and what it is called.
struct FormSpec {
    title: String,
    action: String,
    submit: String,
    cancel: String,
}

impl FormSpec {
    fn new_person(l: Locale) -> FormSpec {
        FormSpec {
            title: i18n::t(l, "registry-person-new-title"),
            action: "/persons/new".into(),
            submit: i18n::t(l, "registry-person-create"),
            cancel: "/persons".into(),
        }
    }

    fn edit_person(l: Locale, id: i64, name: &str) -> FormSpec {
        FormSpec {
            title: i18n::t_args(l, "registry-person-edit-title", &[("name", name.into())]),
            action: format!("/persons/{id}/edit"),
            submit: i18n::t(l, "registry-person-save"),
            cancel: format!("/persons/{id}"),
        }
    }
}

/// What a refused save shows on the form.
#[derive(Default)]
struct Refusal {
    errors: Vec<FieldError>,
    warnings: Vec<Warning>,
    may_override: bool,
    conflict: Option<i64>,
    /// Values saved by someone else meanwhile, by field.
    theirs: HashMap<&'static str, String>,
}

impl Refusal {
    /// Sorts a use case's refusal into what the form shows; other errors pass through.
    fn from_error(e: AppError) -> AppResult<Refusal> {
        match e {
            AppError::Validation(errors) => Ok(Refusal {
                errors,
                ..Refusal::default()
            }),
            AppError::Warnings {
                warnings,
                may_override,
            } => Ok(Refusal {
                warnings,
                may_override,
                ..Refusal::default()
            }),
            other => Err(other),
        }
    }
}

fn person_fields(
    l: Locale,
    f: &PersonForm,
    munis: &[Municipality],
    out: &Refusal,
) -> Vec<FieldView> {
    let field = |name: &'static str,
                 kind: &'static str,
                 required: bool,
                 autocomplete: &'static str| FieldView {
        name,
        label: i18n::t(l, &field_key(name)),
        value: f
            .fields()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default(),
        error: out
            .errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.msg.render(l)),
        kind,
        options: Vec::new(),
        required,
        note: out.theirs.get(name).map(|v| {
            i18n::t_args(
                l,
                "registry-conflict-theirs",
                &[("value", v.as_str().into())],
            )
        }),
        autocomplete,
    };
    let choose = |selected: bool| (String::new(), i18n::t(l, "choose"), selected);
    let mut sex = field("sex", "select", false, "off");
    sex.options = std::iter::once(choose(f.sex.is_empty()))
        .chain(["F", "M", "X"].iter().map(|c| {
            (
                c.to_string(),
                i18n::t(l, &format!("registry-sex-{c}")),
                f.sex == *c,
            )
        }))
        .collect();
    let mut muni = field("municipality_id", "select", false, "off");
    muni.options = std::iter::once(choose(f.municipality_id.is_empty()))
        .chain(munis.iter().map(|m| {
            (
                m.id.to_string(),
                m.name.clone(),
                f.municipality_id == m.id.to_string(),
            )
        }))
        .collect();
    vec![
        field("given_name", "text", true, "given-name"),
        field("family_name", "text", true, "family-name"),
        field("emso", "text", false, "off"),
        field("birth_date", "date", false, "bday"),
        sex,
        field("citizenship", "text", false, "country"),
        field("address", "text", false, "street-address"),
        field("postal_code", "text", false, "postal-code"),
        field("place", "text", false, "address-level2"),
        muni,
        field("phone", "tel", false, "tel"),
        field("email", "email", false, "email"),
        field("iban", "text", false, "off"),
        field("notes", "textarea", false, "off"),
    ]
}

/// The message key of a record field's label: `postal_code` → `field-postal-code`.
pub fn field_key(column: &str) -> String {
    format!("field-{}", column.trim_end_matches("_id").replace('_', "-"))
}

async fn person_form(
    st: &AppState,
    s: &Signed,
    spec: FormSpec,
    f: &PersonForm,
    out: Refusal,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let munis = persons::municipalities(&st.db).await?;
    let fields = person_fields(l, f, &munis, &out);
    let has_warnings = !out.warnings.is_empty();
    let status = if out.conflict.is_some() {
        StatusCode::CONFLICT
    } else if has_warnings || !out.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = Page::new(&s.ctx, spec.title.clone(), "persons");
    let mut res = render(&PersonFormPage {
        page,
        spec,
        fields,
        general_error: (!out.errors.is_empty()).then(|| i18n::t(l, "registry-err-form")),
        warnings: out.warnings.iter().map(|w| w.msg.render(l)).collect(),
        warn_hint: has_warnings.then(|| {
            i18n::t(
                l,
                if out.may_override {
                    "warn-override-hint"
                } else {
                    "warn-override-forbidden"
                },
            )
        }),
        show_reason: has_warnings && out.may_override,
        reason: f.override_reason.clone(),
        version: out.conflict.or(f.version),
        conflict: out.conflict.is_some(),
    });
    *res.status_mut() = status;
    Ok(res)
}

fn override_of(s: &Signed, f: &PersonForm) -> Override {
    Override {
        reason: Some(f.override_reason.clone()),
        allowed: s.may(Permission::IdentityOverride),
    }
}

async fn new_person(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    person_form(
        &st,
        &s,
        FormSpec::new_person(s.ctx.locale),
        &PersonForm::default(),
        Refusal::default(),
    )
    .await
}

async fn create_person(
    State(st): State<AppState>,
    s: Signed,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    let result = match f.parse(s.today()) {
        Err(errs) => Err(AppError::Validation(errs)),
        Ok(d) => persons::create(&st.db, &s.actor(), &d, &override_of(&s, &f)).await,
    };
    // The person form is the one whose refusals are richer than a list of reasons:
    // identity warnings a head of unit may override with a reason, and beside each field
    // the value someone else saved meanwhile (`Refusal`). So it ends its own way.
    match result {
        Ok(p) => Ok(redirect_with_flash(
            &format!("/persons/{}", p.id),
            "registry-person-created",
        )),
        Err(e) => {
            person_form(
                &st,
                &s,
                FormSpec::new_person(s.ctx.locale),
                &f,
                Refusal::from_error(e)?,
            )
            .await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "registry/person.html")]
struct PersonPage {
    page: Page,
    p: Person,
    sex: String,
    iban: String,
    current: households::Memberships,
    former: Vec<Member>,
    history: Vec<HistoryLine>,
    can_edit: bool,
    move_errors: Vec<skrb_kit::form::Reason>,
    move_form: JoinForm,
    relationships: Vec<(String, String)>,
    restriction: super::restricted::Restriction,
    can_restrict: bool,
    /// (user id, name, on the team)
    team_choices: Vec<(i64, String, bool)>,
    can_export: bool,
    /// What other contexts show of the person (their files, procedures), rendered.
    panels: Vec<String>,
}

/// A history entry in the user's words: who and when, and each change as label, old, new.
struct HistoryLine {
    entry: HistoryEntry,
    who: String,
    changes: Vec<(String, String, String)>,
}

impl PersonPage {
    fn rel(&self, code: &str) -> String {
        self.page.t(&format!("registry-rel-{code}"))
    }
}

fn relationships(l: Locale) -> Vec<(String, String)> {
    Relationship::ALL
        .iter()
        .map(|r| {
            (
                r.code().to_string(),
                i18n::t(l, &format!("registry-rel-{}", r.code())),
            )
        })
        .collect()
}

/// A stored value as the history shows it: municipality names, not ids; sex in words.
fn shown(l: Locale, field: &str, value: &Option<String>, munis: &[Municipality]) -> String {
    let Some(v) = value else {
        return i18n::t(l, "none");
    };
    match field {
        "municipality_id" => munis
            .iter()
            .find(|m| m.id.to_string() == *v)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| v.clone()),
        "sex" => i18n::t(l, &format!("registry-sex-{v}")),
        _ => v.clone(),
    }
}

async fn person_page(
    st: &AppState,
    s: &Signed,
    id: i64,
    move_form: JoinForm,
    move_errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let PersonView {
        person: p,
        memberships,
        history,
        restriction,
    } = persons::view(&st.db, &s.actor(), id).await?;
    let can_restrict = s.may(Permission::RestrictedManage);
    let team_choices = if can_restrict {
        super::restricted::colleagues(&st.db, s.user.centre_id)
            .await?
            .into_iter()
            .map(|(uid, name)| {
                let on = restriction.team.iter().any(|t| t.0 == uid);
                (uid, name, on)
            })
            .collect()
    } else {
        Vec::new()
    };
    let munis = persons::municipalities(&st.db).await?;
    let l = s.ctx.locale;
    let today = s.today();
    let (current, former): (Vec<_>, Vec<_>) = memberships
        .into_iter()
        .partition(|(m, _)| m.is_current(today) || m.valid_from > today);
    let history = history
        .into_iter()
        .map(|h| {
            let who = i18n::t_args(
                l,
                "registry-history-by",
                &[
                    ("user", h.username.as_str().into()),
                    ("when", i18n::fmt_datetime(l, s.ctx.zone.local(h.at)).into()),
                ],
            );
            let changes = h
                .changes
                .iter()
                .map(|c| {
                    (
                        i18n::t(l, &field_key(&c.field)),
                        shown(l, &c.field, &c.old, &munis),
                        shown(l, &c.field, &c.new, &munis),
                    )
                })
                .collect();
            HistoryLine {
                entry: h,
                who,
                changes,
            }
        })
        .collect();
    let panels = skrb_kit::web::panels::render_all(&st.panels.person, st, s, p.id).await?;
    let page = Page::new(&s.ctx, p.full_name(), "persons").crumb("/persons", "nav-persons");
    let failed = !move_errors.is_empty();
    let res = render(&PersonPage {
        sex: p
            .data
            .sex
            .map(|x| i18n::t(l, &format!("registry-sex-{}", x.code())))
            .unwrap_or_default(),
        iban: p
            .data
            .iban
            .as_deref()
            .and_then(|i| Iban::parse(i).ok())
            .map(|i| i.display())
            .unwrap_or_default(),
        current,
        former: former.into_iter().map(|(m, _)| m).collect(),
        history,
        can_edit: s.may(Permission::RegistryWrite),
        move_errors,
        move_form,
        relationships: relationships(l),
        restriction,
        can_restrict,
        team_choices,
        can_export: s.may(Permission::SubjectExport),
        panels,
        p,
        page,
    });
    Ok(refused(res, failed))
}

async fn view_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    person_page(&st, &s, id, JoinForm::default(), Vec::new()).await
}

async fn edit_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = persons::get(&st.db, &s.actor(), id).await?;
    let f = PersonForm {
        version: Some(p.version),
        ..p.data.to_form()
    };
    person_form(
        &st,
        &s,
        FormSpec::edit_person(s.ctx.locale, id, &p.full_name()),
        &f,
        Refusal::default(),
    )
    .await
}

async fn update_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let version = f
        .version
        .ok_or_else(|| AppError::BadRequest("version missing".into()))?;
    let result = match f.parse(s.today()) {
        Err(errs) => Err(AppError::Validation(errs)),
        Ok(d) => persons::update(&st.db, &s.actor(), id, version, &d, &override_of(&s, &f)).await,
    };
    match result {
        Ok(Updated::Saved(_)) | Ok(Updated::Unchanged(_)) => Ok(redirect_with_flash(
            &format!("/persons/{id}"),
            "registry-person-saved",
        )),
        Err(AppError::Conflict { .. }) => {
            // Keep what the user typed; show what is saved now beside each differing field.
            let now = persons::get(&st.db, &s.actor(), id).await?;
            let theirs = now.data.to_form();
            let mut out = Refusal {
                conflict: Some(now.version),
                ..Refusal::default()
            };
            for ((name, mine), (_, saved)) in f.fields().into_iter().zip(theirs.fields()) {
                if mine.trim() != saved {
                    let saved = if saved.is_empty() {
                        i18n::t(l, "none")
                    } else {
                        saved.to_string()
                    };
                    out.theirs.insert(name, saved);
                }
            }
            person_form(
                &st,
                &s,
                FormSpec::edit_person(l, id, &now.full_name()),
                &f,
                out,
            )
            .await
        }
        Err(e) => {
            let name = format!("{} {}", f.given_name, f.family_name);
            person_form(
                &st,
                &s,
                FormSpec::edit_person(l, id, &name),
                &f,
                Refusal::from_error(e)?,
            )
            .await
        }
    }
}

async fn move_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(mut f): Form<JoinForm>,
) -> AppResult<Response> {
    f.person_id = id.to_string();
    let r = households::add_member(&st.db, &s.actor(), &f, s.today()).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/persons/{id}"), "registry-household-moved"),
            |errors| person_page(&st, &s, id, f, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "registry/household_form.html")]
struct HouseholdFormPage {
    page: Page,
    f: HouseholdForm,
    errors: Vec<skrb_kit::form::Reason>,
    municipalities: Vec<(String, String, bool)>,
}

#[derive(Deserialize, Default)]
pub struct NewHouseholdQuery {
    #[serde(default)]
    head: Option<i64>,
}

async fn household_form(
    st: &AppState,
    s: &Signed,
    f: HouseholdForm,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let municipalities = persons::municipalities(&st.db)
        .await?
        .iter()
        .map(|m| {
            (
                m.id.to_string(),
                m.name.clone(),
                f.municipality_id == m.id.to_string(),
            )
        })
        .collect();
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "registry-household-new-title"),
        "persons",
    );
    let failed = !errors.is_empty();
    Ok(refused(
        render(&HouseholdFormPage {
            page,
            f,
            errors,
            municipalities,
        }),
        failed,
    ))
}

async fn new_household(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<NewHouseholdQuery>,
) -> AppResult<Response> {
    let mut f = HouseholdForm::default();
    if let Some(head) = q.head {
        // Start from the head's own address: the usual case.
        let p = persons::get(&st.db, &s.actor(), head).await?;
        f.head_person_id = head.to_string();
        f.address = p.data.address.unwrap_or_default();
        f.postal_code = p.data.postal_code.unwrap_or_default();
        f.place = p.data.place.unwrap_or_default();
        f.municipality_id = p
            .data
            .municipality_id
            .map(|m| m.to_string())
            .unwrap_or_default();
    }
    household_form(&st, &s, f, Vec::new()).await
}

async fn create_household(
    State(st): State<AppState>,
    s: Signed,
    Form(f): Form<HouseholdForm>,
) -> AppResult<Response> {
    let r = households::create(&st.db, &s.actor(), &f, s.today()).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/households/{id}"), "registry-household-created"),
            |msgs| household_form(&st, &s, f, msgs),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "registry/household.html")]
struct HouseholdPage {
    page: Page,
    h: households::Household,
    current: Vec<Member>,
    former: Vec<Member>,
    can_edit: bool,
    errors: Vec<skrb_kit::form::Reason>,
    add: JoinForm,
    relationships: Vec<(String, String)>,
    today: String,
}

impl HouseholdPage {
    fn rel(&self, code: &str) -> String {
        self.page.t(&format!("registry-rel-{code}"))
    }
}

async fn household_page(
    st: &AppState,
    s: &Signed,
    id: i64,
    add: JoinForm,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let (h, members) = households::get(&st.db, &s.actor(), id).await?;
    let today = s.today();
    let (current, former) = members
        .into_iter()
        .partition(|m| m.is_current(today) || m.valid_from > today);
    let l = s.ctx.locale;
    let page = Page::new(
        &s.ctx,
        i18n::t_args(l, "registry-household-title", &[("id", h.id.into())]),
        "persons",
    );
    let failed = !errors.is_empty();
    let res = render(&HouseholdPage {
        page,
        h,
        current,
        former,
        can_edit: s.may(Permission::RegistryWrite),
        errors,
        add,
        relationships: relationships(l),
        today: skrb_kit::dates::iso_date(today),
    });
    Ok(refused(res, failed))
}

async fn view_household(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    household_page(&st, &s, id, JoinForm::default(), Vec::new()).await
}

async fn add_member(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(mut f): Form<JoinForm>,
) -> AppResult<Response> {
    f.household_id = id.to_string();
    let r = households::add_member(&st.db, &s.actor(), &f, s.today()).await;
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/households/{id}"),
                    "registry-household-member-added",
                )
            },
            |errors| household_page(&st, &s, id, f, errors),
        )
        .await
}

async fn end_member(
    State(st): State<AppState>,
    s: Signed,
    Path((id, member)): Path<(i64, i64)>,
    Form(f): Form<EndForm>,
) -> AppResult<Response> {
    let r = households::end_member(&st.db, &s.actor(), id, member, &f, s.today()).await;
    Flow::new(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/households/{id}"),
                    "registry-household-member-ended",
                )
            },
            |errors| household_page(&st, &s, id, JoinForm::default(), errors),
        )
        .await
}
