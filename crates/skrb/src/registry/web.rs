//! The registry's pages: search, person view, create and edit forms, households.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use skrb_domain::iban::Iban;
use skrb_domain::person::Relationship;
use time::{Date, OffsetDateTime};

use super::households::{self, HouseholdForm, JoinForm, Member};
use super::input::PersonForm;
use super::persons::{self, HistoryEntry, Override, Person, Updated};
use super::search::{self, PersonSummary};
use crate::auth::Permission;
use crate::error::{AppError, AppResult, FieldError, Warning};
use crate::i18n;
use crate::web::context::{redirect_with_flash, Signed};
use crate::web::pages::{render, Page};
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/persons", get(search_page))
        .route("/persons/new", get(new_person).post(create_person))
        .route("/persons/{id}", get(view_person))
        .route("/persons/{id}/edit", get(edit_person).post(update_person))
        .route("/persons/{id}/move", post(move_person))
        .route("/households/new", get(new_household).post(create_household))
        .route("/households/{id}", get(view_household))
        .route("/households/{id}/members", post(add_member))
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

const PER_PAGE: u32 = 25;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<u32>,
}

#[derive(askama::Template)]
#[template(path = "persons.html")]
struct SearchPage {
    page: Page,
    q: String,
    items: Vec<PersonSummary>,
    summary: String,
    pageno: u32,
    pages: u32,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "persons_results.html")]
struct SearchResults {
    page: Page,
    items: Vec<PersonSummary>,
    summary: String,
    pageno: u32,
    pages: u32,
    prev: Option<String>,
    next: Option<String>,
}

async fn search_page(
    State(st): State<AppState>,
    s: Signed,
    headers: HeaderMap,
    Query(p): Query<SearchParams>,
) -> AppResult<Response> {
    s.require(Permission::RegistryRead)?;
    let pageno = p.page.unwrap_or(1).max(1);
    let found = search::search(&st.db, &s.actor(), &p.q, pageno, PER_PAGE).await?;
    let pages = u32::try_from((found.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    let l = s.ctx.locale;
    let q_enc = crate::web::errors::encode_component(&p.q);
    let link = |n: u32| format!("/persons?q={q_enc}&page={n}");
    let summary = if p.q.trim().is_empty() {
        i18n::t(l, "search-hint")
    } else if found.total == 0 {
        i18n::t(l, "search-none")
    } else {
        i18n::t_args(l, "count-results", &[("count", found.total.into())])
    };
    let page = Page::new(&s.ctx, i18n::t(l, "search-title"), "persons");
    let prev = (pageno > 1).then(|| link(pageno - 1));
    let next = (pageno < pages).then(|| link(pageno + 1));
    // htmx live search asks for the result list only.
    if headers.contains_key("hx-request") {
        return Ok(render(&SearchResults {
            page,
            items: found.items,
            summary,
            pageno,
            pages,
            prev,
            next,
        }));
    }
    Ok(render(&SearchPage {
        page,
        q: p.q,
        items: found.items,
        summary,
        pageno,
        pages,
        prev,
        next,
    }))
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
#[template(path = "person_form.html")]
struct PersonFormPage {
    page: Page,
    action: String,
    submit: String,
    cancel: String,
    fields: Vec<FieldView>,
    general_error: Option<String>,
    warnings: Vec<String>,
    warn_hint: Option<String>,
    show_reason: bool,
    reason: String,
    version: Option<i64>,
    conflict: bool,
}

#[derive(Deserialize, Default)]
pub struct PersonSubmit {
    #[serde(flatten)]
    form: PersonForm,
    #[serde(default)]
    override_reason: String,
    #[serde(default)]
    version: Option<i64>,
}

struct FormState<'a> {
    form: &'a PersonForm,
    errors: &'a [FieldError],
    theirs: HashMap<&'static str, String>,
}

async fn person_fields(
    st: &AppState,
    page: &Page,
    fs: &FormState<'_>,
) -> AppResult<Vec<FieldView>> {
    let l = page.locale;
    let munis = persons::municipalities(&st.db).await?;
    let err = |name: &str| {
        fs.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.msg.render(l))
    };
    let f = fs.form;
    let field = |name: &'static str,
                 label: &str,
                 value: &str,
                 kind: &'static str,
                 required: bool,
                 autocomplete: &'static str| FieldView {
        name,
        label: i18n::t(l, label),
        value: value.to_string(),
        error: err(name),
        kind,
        options: Vec::new(),
        required,
        note: fs
            .theirs
            .get(name)
            .map(|v| i18n::t_args(l, "conflict-theirs", &[("value", v.as_str().into())])),
        autocomplete,
    };
    let mut sex = field("sex", "field-sex", &f.sex, "select", false, "off");
    sex.options = std::iter::once((String::new(), i18n::t(l, "choose"), f.sex.is_empty()))
        .chain(
            ["F", "M", "X"]
                .iter()
                .map(|c| (c.to_string(), i18n::t(l, &format!("sex-{c}")), f.sex == *c)),
        )
        .collect();
    let mut muni = field(
        "municipality_id",
        "field-municipality",
        &f.municipality_id,
        "select",
        false,
        "off",
    );
    muni.options = std::iter::once((
        String::new(),
        i18n::t(l, "choose"),
        f.municipality_id.is_empty(),
    ))
    .chain(munis.iter().map(|m| {
        (
            m.id.to_string(),
            m.name.clone(),
            f.municipality_id == m.id.to_string(),
        )
    }))
    .collect();
    Ok(vec![
        field(
            "given_name",
            "field-given-name",
            &f.given_name,
            "text",
            true,
            "given-name",
        ),
        field(
            "family_name",
            "field-family-name",
            &f.family_name,
            "text",
            true,
            "family-name",
        ),
        field("emso", "field-emso", &f.emso, "text", false, "off"),
        field(
            "birth_date",
            "field-birth-date",
            &f.birth_date,
            "date",
            false,
            "bday",
        ),
        sex,
        field(
            "citizenship",
            "field-citizenship",
            &f.citizenship,
            "text",
            false,
            "country",
        ),
        field(
            "address",
            "field-address",
            &f.address,
            "text",
            false,
            "street-address",
        ),
        field(
            "postal_code",
            "field-postal-code",
            &f.postal_code,
            "text",
            false,
            "postal-code",
        ),
        field(
            "place",
            "field-place",
            &f.place,
            "text",
            false,
            "address-level2",
        ),
        muni,
        field("phone", "field-phone", &f.phone, "tel", false, "tel"),
        field("email", "field-email", &f.email, "email", false, "email"),
        field("iban", "field-iban", &f.iban, "text", false, "off"),
        field("notes", "field-notes", &f.notes, "textarea", false, "off"),
    ])
}

struct FormOutcome {
    errors: Vec<FieldError>,
    warnings: Vec<Warning>,
    may_override: bool,
    conflict: Option<i64>,
    theirs: HashMap<&'static str, String>,
}

impl FormOutcome {
    fn none() -> Self {
        FormOutcome {
            errors: Vec::new(),
            warnings: Vec::new(),
            may_override: false,
            conflict: None,
            theirs: HashMap::new(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn person_form(
    st: &AppState,
    s: &Signed,
    title: String,
    action: String,
    submit: &str,
    cancel: String,
    sub: &PersonSubmit,
    version: Option<i64>,
    out: FormOutcome,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let page = Page::new(&s.ctx, title, "persons");
    let fs = FormState {
        form: &sub.form,
        errors: &out.errors,
        theirs: out.theirs,
    };
    let fields = person_fields(st, &page, &fs).await?;
    let has_warnings = !out.warnings.is_empty();
    let status = if out.conflict.is_some() {
        StatusCode::CONFLICT
    } else if has_warnings || !out.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&PersonFormPage {
        submit: i18n::t(l, submit),
        action,
        cancel,
        fields,
        general_error: (!out.errors.is_empty()).then(|| i18n::t(l, "err-form")),
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
        reason: sub.override_reason.clone(),
        version: out.conflict.or(version),
        conflict: out.conflict.is_some(),
        page,
    });
    *res.status_mut() = status;
    Ok(res)
}

async fn new_person(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
    let title = i18n::t(s.ctx.locale, "person-new-title");
    person_form(
        &st,
        &s,
        title,
        "/persons/new".into(),
        "person-create",
        "/persons".into(),
        &PersonSubmit::default(),
        None,
        FormOutcome::none(),
    )
    .await
}

/// Sorts a use case's refusal into what the form shows; other errors pass through.
fn outcome(e: AppError) -> AppResult<FormOutcome> {
    let mut out = FormOutcome::none();
    match e {
        AppError::Validation(errs) => out.errors = errs,
        AppError::Warnings {
            warnings,
            may_override,
        } => {
            out.warnings = warnings;
            out.may_override = may_override;
        }
        other => return Err(other),
    }
    Ok(out)
}

async fn create_person(
    State(st): State<AppState>,
    s: Signed,
    Form(sub): Form<PersonSubmit>,
) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
    let title = i18n::t(s.ctx.locale, "person-new-title");
    let result = match sub.form.parse(today()) {
        Err(errs) => Err(AppError::Validation(errs)),
        Ok(d) => {
            let ov = Override {
                reason: Some(sub.override_reason.clone()),
                allowed: s.may(Permission::IdentityOverride),
            };
            persons::create(&st.db, &s.actor(), &d, &ov).await
        }
    };
    match result {
        Ok(p) => Ok(redirect_with_flash(
            &format!("/persons/{}", p.id),
            "person-created",
        )),
        Err(e) => {
            let out = outcome(e)?;
            person_form(
                &st,
                &s,
                title,
                "/persons/new".into(),
                "person-create",
                "/persons".into(),
                &sub,
                None,
                out,
            )
            .await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: Page,
    p: Person,
    sex: String,
    iban: String,
    current: Vec<(Member, Vec<Member>)>,
    former: Vec<Member>,
    history: Vec<(HistoryEntry, String)>,
    can_edit: bool,
    move_errors: Vec<String>,
    move_form: JoinForm,
    relationships: Vec<(String, String)>,
}

impl PersonPage {
    fn rel(&self, code: &str) -> String {
        self.page.t(&format!("rel-{code}"))
    }
}

fn relationships(l: i18n::Locale) -> Vec<(String, String)> {
    Relationship::ALL
        .iter()
        .map(|r| {
            (
                r.code().to_string(),
                i18n::t(l, &format!("rel-{}", r.code())),
            )
        })
        .collect()
}

async fn person_page(
    st: &AppState,
    s: &Signed,
    id: i64,
    move_form: JoinForm,
    move_errors: Vec<String>,
) -> AppResult<Response> {
    let actor = s.actor();
    let p = persons::get(&st.db, &actor, id).await?;
    let memberships = households::of_person(&st.db, &actor, id).await?;
    let history = persons::history(&st.db, &actor, id).await?;
    let l = s.ctx.locale;
    let today = today();
    let (current, former): (Vec<_>, Vec<_>) = memberships
        .into_iter()
        .partition(|(m, _)| m.is_current(today) || m.valid_from > today);
    let history = history
        .into_iter()
        .map(|h| {
            let who = i18n::t_args(
                l,
                "history-by",
                &[
                    ("user", h.username.as_str().into()),
                    ("when", i18n::fmt_datetime(l, h.at).into()),
                ],
            );
            (h, who)
        })
        .collect();
    let page = Page::new(&s.ctx, p.full_name(), "persons");
    let has_errors = !move_errors.is_empty();
    let mut res = render(&PersonPage {
        sex: p
            .data
            .sex
            .map(|x| i18n::t(l, &format!("sex-{}", x.code())))
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
        p,
        page,
    });
    if has_errors {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn view_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require(Permission::RegistryRead)?;
    person_page(&st, &s, id, JoinForm::default(), Vec::new()).await
}

async fn edit_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
    let p = persons::get(&st.db, &s.actor(), id).await?;
    let title = i18n::t_args(
        s.ctx.locale,
        "person-edit-title",
        &[("name", p.full_name().into())],
    );
    let sub = PersonSubmit {
        form: p.data.to_form(),
        override_reason: String::new(),
        version: Some(p.version),
    };
    person_form(
        &st,
        &s,
        title,
        format!("/persons/{id}/edit"),
        "person-save",
        format!("/persons/{id}"),
        &sub,
        Some(p.version),
        FormOutcome::none(),
    )
    .await
}

async fn update_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(sub): Form<PersonSubmit>,
) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
    let l = s.ctx.locale;
    let version = sub
        .version
        .ok_or_else(|| AppError::BadRequest("version missing".into()))?;
    let result = match sub.form.parse(today()) {
        Err(errs) => Err(AppError::Validation(errs)),
        Ok(d) => {
            let ov = Override {
                reason: Some(sub.override_reason.clone()),
                allowed: s.may(Permission::IdentityOverride),
            };
            persons::update(&st.db, &s.actor(), id, version, &d, &ov).await
        }
    };
    let title = |name: &str| i18n::t_args(l, "person-edit-title", &[("name", name.into())]);
    match result {
        Ok(Updated::Saved(_)) | Ok(Updated::Unchanged(_)) => Ok(redirect_with_flash(
            &format!("/persons/{id}"),
            "person-saved",
        )),
        Err(AppError::Conflict { .. }) => {
            // Keep what the user typed; show what is saved now beside each differing field.
            let now = persons::get(&st.db, &s.actor(), id).await?;
            let theirs_form = now.data.to_form();
            let mut out = FormOutcome::none();
            out.conflict = Some(now.version);
            for (name, mine, theirs) in form_pairs(&sub.form, &theirs_form) {
                if mine != theirs {
                    out.theirs.insert(
                        name,
                        if theirs.is_empty() {
                            i18n::t(l, "none")
                        } else {
                            theirs
                        },
                    );
                }
            }
            person_form(
                &st,
                &s,
                title(&now.full_name()),
                format!("/persons/{id}/edit"),
                "person-save",
                format!("/persons/{id}"),
                &sub,
                Some(now.version),
                out,
            )
            .await
        }
        Err(e) => {
            let out = outcome(e)?;
            let name = format!("{} {}", sub.form.given_name, sub.form.family_name);
            person_form(
                &st,
                &s,
                title(&name),
                format!("/persons/{id}/edit"),
                "person-save",
                format!("/persons/{id}"),
                &sub,
                Some(version),
                out,
            )
            .await
        }
    }
}

fn form_pairs(a: &PersonForm, b: &PersonForm) -> Vec<(&'static str, String, String)> {
    vec![
        ("given_name", a.given_name.clone(), b.given_name.clone()),
        ("family_name", a.family_name.clone(), b.family_name.clone()),
        ("birth_date", a.birth_date.clone(), b.birth_date.clone()),
        ("sex", a.sex.clone(), b.sex.clone()),
        ("emso", a.emso.clone(), b.emso.clone()),
        ("citizenship", a.citizenship.clone(), b.citizenship.clone()),
        ("address", a.address.clone(), b.address.clone()),
        ("postal_code", a.postal_code.clone(), b.postal_code.clone()),
        ("place", a.place.clone(), b.place.clone()),
        (
            "municipality_id",
            a.municipality_id.clone(),
            b.municipality_id.clone(),
        ),
        ("phone", a.phone.clone(), b.phone.clone()),
        ("email", a.email.clone(), b.email.clone()),
        ("iban", a.iban.clone(), b.iban.clone()),
        ("notes", a.notes.clone(), b.notes.clone()),
    ]
}

async fn move_person(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(mut f): Form<JoinForm>,
) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
    f.person_id = id.to_string();
    match households::add_member(&st.db, &s.actor(), &f, today()).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/persons/{id}"),
            "household-moved",
        )),
        Err(AppError::Validation(errs)) => {
            let l = s.ctx.locale;
            let msgs = errs.iter().map(|e| e.msg.render(l)).collect();
            person_page(&st, &s, id, f, msgs).await
        }
        Err(e) => Err(e),
    }
}

#[derive(askama::Template)]
#[template(path = "household_form.html")]
struct HouseholdFormPage {
    page: Page,
    f: HouseholdForm,
    errors: Vec<String>,
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
    errors: Vec<String>,
) -> AppResult<Response> {
    let munis = persons::municipalities(&st.db).await?;
    let municipalities = munis
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
        i18n::t(s.ctx.locale, "household-new-title"),
        "persons",
    );
    let failed = !errors.is_empty();
    let mut res = render(&HouseholdFormPage {
        page,
        f,
        errors,
        municipalities,
    });
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn new_household(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<NewHouseholdQuery>,
) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
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
    s.require(Permission::RegistryWrite)?;
    match households::create(&st.db, &s.actor(), &f, today()).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/households/{id}"),
            "household-created",
        )),
        Err(AppError::Validation(errs)) => {
            let l = s.ctx.locale;
            household_form(&st, &s, f, errs.iter().map(|e| e.msg.render(l)).collect()).await
        }
        Err(e) => Err(e),
    }
}

#[derive(askama::Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    page: Page,
    h: households::Household,
    current: Vec<Member>,
    former: Vec<Member>,
    can_edit: bool,
    errors: Vec<String>,
    add: JoinForm,
    relationships: Vec<(String, String)>,
}

impl HouseholdPage {
    fn rel(&self, code: &str) -> String {
        self.page.t(&format!("rel-{code}"))
    }
}

async fn household_page(
    st: &AppState,
    s: &Signed,
    id: i64,
    add: JoinForm,
    errors: Vec<String>,
) -> AppResult<Response> {
    let (h, members) = households::get(&st.db, &s.actor(), id).await?;
    let today = today();
    let (current, former) = members
        .into_iter()
        .partition(|m| m.is_current(today) || m.valid_from > today);
    let l = s.ctx.locale;
    let page = Page::new(
        &s.ctx,
        i18n::t_args(l, "household-title", &[("id", h.id.into())]),
        "persons",
    );
    let failed = !errors.is_empty();
    let mut res = render(&HouseholdPage {
        page,
        h,
        current,
        former,
        can_edit: s.may(Permission::RegistryWrite),
        errors,
        add,
        relationships: relationships(l),
    });
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn view_household(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require(Permission::RegistryRead)?;
    household_page(&st, &s, id, JoinForm::default(), Vec::new()).await
}

async fn add_member(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(mut f): Form<JoinForm>,
) -> AppResult<Response> {
    s.require(Permission::RegistryWrite)?;
    f.household_id = id.to_string();
    match households::add_member(&st.db, &s.actor(), &f, today()).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/households/{id}"),
            "household-member-added",
        )),
        Err(AppError::Validation(errs)) => {
            let l = s.ctx.locale;
            let msgs = errs.iter().map(|e| e.msg.render(l)).collect();
            household_page(&st, &s, id, f, msgs).await
        }
        Err(e) => Err(e),
    }
}
