//! The import's pages: the list with the upload form, the mapping (columns and value
//! maps, with the file's first rows), the report (counts, refused rows with reasons and
//! as a file, the duplicates to review side by side with the registered person) and the
//! commit, which runs in the background while the report page follows its progress.
//! Thin: parse, call, render.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use skrb_domain::import::{BatchStatus, Choice, Kind, RowStatus};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::export::{Format, Links};
use skrb_kit::form::{go, Multi, Raw, Reason};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

use crate::batches::{self, Batch, Counts, RowView, Uploaded};
use crate::check::Settings;
use crate::{commit, profiles};

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/imports", Perm(ImportRun), list_page)
        .upload("/imports", Perm(ImportRun), batches::MAX_BYTES, upload)
        .downloads(
            ["/imports/invalid.xlsx", "/imports/invalid.csv"],
            Perm(ImportRun),
            invalid_download,
        )
        .get("/imports/example.csv", Perm(ImportRun), example_csv)
        .get("/imports/example.xlsx", Perm(ImportRun), example_xlsx)
        .get("/imports/{id}", Perm(ImportRun), report_page)
        .get("/imports/{id}/mapping", Perm(ImportRun), mapping_page)
        .post("/imports/{id}/mapping", Perm(ImportRun), mapping_save)
        .post("/imports/{id}/decide", Perm(ImportRun), decide)
        .post("/imports/{id}/commit", Perm(ImportRun), commit_start)
        .post("/imports/{id}/discard", Perm(ImportRun), discard)
}

/// Imports being committed by this server, with how far each is: their pages follow it
/// (a set's rows count as written in the registry only once its transaction commits).
static RUNNING: Mutex<Option<HashMap<i64, (i64, i64)>>> = Mutex::new(None);

/// Why a background commit stopped, for its page (in the words of who started it).
static STOPPED: Mutex<Option<HashMap<i64, String>>> = Mutex::new(None);

fn stopped(id: i64, why: Option<String>) -> Option<String> {
    let mut m = STOPPED.lock().ok()?;
    let m = m.get_or_insert_with(Default::default);
    match why {
        Some(w) => m.insert(id, w),
        None => m.get(&id).cloned(),
    }
}

/// How far the commit this server runs of an import is (rows written, rows to write).
fn running(id: i64) -> Option<(i64, i64)> {
    RUNNING
        .lock()
        .ok()
        .and_then(|r| r.as_ref().and_then(|m| m.get(&id).copied()))
}

/// Marks an import's commit as started here (refused if it already is) or ended.
fn set_running(id: i64, on: Option<i64>) -> bool {
    let Ok(mut r) = RUNNING.lock() else {
        return false;
    };
    let m = r.get_or_insert_with(HashMap::new);
    match on {
        Some(total) => match m.entry(id) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((0, total));
                true
            }
            std::collections::hash_map::Entry::Occupied(_) => false,
        },
        None => m.remove(&id).is_some(),
    }
}

fn advance(id: i64, done: i64, total: i64) {
    if let Ok(mut r) = RUNNING.lock() {
        if let Some(p) = r.as_mut().and_then(|m| m.get_mut(&id)) {
            *p = (done, total);
        }
    }
}

fn kinds(l: Locale) -> Vec<(&'static str, String)> {
    Kind::ALL
        .iter()
        .map(|k| (k.code(), i18n::t(l, &format!("import-kind-{}", k.code()))))
        .collect()
}

#[derive(askama::Template)]
#[template(path = "import/list.html")]
struct ListPage {
    page: Page,
    imports: Vec<(Batch, Counts)>,
    kinds: Vec<(&'static str, String)>,
    /// The kinds with an example to try (rights have none).
    examples: Vec<(&'static str, String)>,
    profiles: Vec<profiles::Profile>,
    errors: Vec<Reason>,
}

impl ListPage {
    fn when(&self, b: &Batch) -> String {
        let day = self.page.day(&b.created_at.date());
        match &b.created_by {
            Some(u) => format!("{day} · {u}"),
            None => day,
        }
    }
}

async fn list_with(st: &AppState, s: &Signed, errors: Vec<Reason>) -> AppResult<Response> {
    let l = s.ctx.locale;
    let a = s.actor();
    let imports = batches::list(&st.db, &a).await?;
    let profiles = if a.scope.and_then(|x| x.centre_id).is_some() {
        profiles::list(&st.db, &a, None).await?
    } else {
        Vec::new()
    };
    Ok(render(&ListPage {
        page: Page::new(&s.ctx, i18n::t(l, "nav-imports"), "imports"),
        imports,
        kinds: kinds(l),
        examples: kinds(l)
            .into_iter()
            .filter(|(k, _)| *k != Kind::Entitlements.code())
            .collect(),
        profiles,
        errors,
    }))
}

async fn list_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    list_with(&st, &s, Vec::new()).await
}

/// The upload: the file, what it holds, and optionally a profile and an encoding.
async fn upload(State(st): State<AppState>, s: Signed, mut mp: Multipart) -> AppResult<Response> {
    let file = skrb_kit::web::upload::file(&mut mp).await?;
    let fields = &file.fields;
    let kind = fields
        .get("kind")
        .and_then(|k| Kind::from_code(k))
        .unwrap_or(Kind::Persons);
    let profile = fields.get("profile").and_then(|p| p.parse::<i64>().ok());
    let hint = fields
        .get("encoding")
        .filter(|e| !e.is_empty())
        .map(|e| Settings {
            encoding: e.clone(),
            ..Settings::default()
        });
    let a = s.actor();
    let r = match batches::centre_of(&a) {
        Ok(centre) => {
            batches::upload(
                &st.db, &a, centre, kind, &file.name, file.bytes, hint, profile,
            )
            .await
        }
        Err(e) => Err(e),
    };
    skrb_kit::form::Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |u| match u {
                Uploaded::New(id) => go(&format!("/imports/{id}/mapping"), "import-flash-uploaded"),
                Uploaded::Again(id) => go(&format!("/imports/{id}"), "import-flash-again"),
            },
            |errors| list_with(&st, &s, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "import/mapping.html")]
struct MappingPage {
    page: Page,
    b: Batch,
    /// Field, its label, required, the heading chosen.
    fields: Vec<(&'static str, String, bool, String)>,
    /// Fields with a value map, and the map's text.
    maps: Vec<(&'static str, String, String)>,
    sample: Vec<(i64, Vec<String>)>,
    errors: Vec<Reason>,
}

async fn mapping_with(
    st: &AppState,
    s: &Signed,
    id: i64,
    settings: Option<Settings>,
    errors: Vec<Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let (b, sample) = batches::preview(&st.db, &s.actor(), id).await?;
    let set = settings.or_else(|| b.settings.clone()).unwrap_or_default();
    let fields = b
        .kind
        .fields()
        .iter()
        .map(|f| {
            (
                f.key,
                i18n::t(l, &format!("import-field-{}", f.key)),
                f.required,
                set.columns.get(f.key).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let maps = b
        .kind
        .mapped()
        .iter()
        .map(|f| {
            (
                *f,
                i18n::t(l, &format!("import-field-{f}")),
                set.values.get(*f).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let title = format!("{} · {}", i18n::t(l, "import-mapping"), b.file_name);
    Ok(render(&MappingPage {
        page: Page::new(&s.ctx, title, "imports").crumb("/imports", "nav-imports"),
        b,
        fields,
        maps,
        sample,
        errors,
    }))
}

async fn mapping_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    mapping_with(&st, &s, id, None, Vec::new()).await
}

/// The mapping as sent: `col-<field>` a heading, `map-<field>` a value map,
/// `profile_name` to keep it under.
fn settings_of(raw: &Raw, kind: Kind, base: Option<Settings>) -> Settings {
    let mut s = base.unwrap_or_default();
    s.columns.clear();
    for f in kind.fields() {
        if let Some(h) = raw.get(&format!("col-{}", f.key)).filter(|h| !h.is_empty()) {
            s.columns.insert(f.key.to_string(), h.clone());
        }
        match raw.get(&format!("map-{}", f.key)) {
            Some(m) if !m.trim().is_empty() => {
                s.values.insert(f.key.to_string(), m.clone());
            }
            Some(_) => {
                s.values.remove(f.key);
            }
            None => {}
        }
    }
    s
}

async fn mapping_save(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let a = s.actor();
    let (b, _) = batches::get(&st.db, &a, id).await?;
    let settings = settings_of(&raw, b.kind, b.settings.clone());
    let keep = raw
        .get("profile_name")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let r = async {
        if let Some(name) = &keep {
            profiles::save(&st.db, &a, b.centre_id, b.kind, name, &settings).await?;
        }
        batches::check(&st.db, &a, id, settings.clone(), &mut |_| {}).await
    }
    .await;
    skrb_kit::form::Flow::new(&s)
        .refusals_on_form()
        .then(
            r,
            |_| go(&format!("/imports/{id}"), "import-flash-checked"),
            |errors| mapping_with(&st, &s, id, Some(settings.clone()), errors),
        )
        .await
}

#[derive(Deserialize)]
struct ReportQuery {
    /// Rows after this line (the next page of refused rows or duplicates).
    #[serde(default)]
    after: Option<i64>,
}

#[derive(askama::Template)]
#[template(path = "import/report.html")]
struct ReportPage {
    page: Page,
    b: Batch,
    c: Counts,
    invalid: Vec<RowView>,
    warned: Vec<RowView>,
    duplicates: Vec<RowView>,
    running: bool,
    /// Rows the running commit has written, and had to write.
    so_far: (i64, i64),
    /// Why the last commit started here stopped, if it did.
    stopped: Option<String>,
    dl: Links,
    /// The reasons of each refused row in the reader's words.
    l: Locale,
}

impl ReportPage {
    fn why(&self, r: &RowView) -> String {
        r.problems
            .iter()
            .map(|p| p.render(self.l))
            .collect::<Vec<_>>()
            .join("; ")
    }
    fn who(&self, r: &RowView) -> String {
        // A person's name reads as one: "Ana Novak · 2006-01-01 · 0101006500006".
        let mut parts: Vec<String> = Vec::new();
        for k in self.b.kind.shown_by() {
            let v = r.fields.get(*k).cloned().unwrap_or_default();
            match parts.last_mut() {
                Some(last) if *k == "family_name" => *last = format!("{last} {v}"),
                _ => parts.push(v),
            }
        }
        parts.retain(|p| !p.trim().is_empty());
        parts.join(" · ")
    }
    fn choice(&self, r: &RowView) -> String {
        r.choice
            .map(|c| i18n::t(self.l, &format!("import-choice-{}", c.code())))
            .unwrap_or_default()
    }
    fn kind_name(&self) -> String {
        i18n::t(self.l, &format!("import-kind-{}", self.b.kind.code()))
    }
    fn status(&self) -> String {
        i18n::t(self.l, &format!("import-status-{}", self.b.status.code()))
    }
    fn can_decide(&self) -> bool {
        self.b.status == BatchStatus::Validated && !self.running
    }
    fn merges(&self) -> bool {
        self.b.kind == Kind::Persons
    }
}

async fn report_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let a = s.actor();
    // Asked before the import is read: a commit that ends in between is then followed
    // once more, rather than shown as neither running nor done.
    let so_far = running(id);
    let (b, c) = batches::get(&st.db, &a, id).await?;
    if b.status == BatchStatus::Uploaded {
        return go(&format!("/imports/{id}/mapping"), "");
    }
    let after = q.after.unwrap_or(0);
    let invalid = batches::rows(&st.db, &a, id, Some(RowStatus::Invalid), after, 50).await?;
    let warned = batches::rows(&st.db, &a, id, Some(RowStatus::Warned), 0, 20).await?;
    let duplicates = batches::rows(&st.db, &a, id, Some(RowStatus::Duplicate), after, 50).await?;
    let title = format!("{} · {}", i18n::t(l, "import-report"), b.file_name);
    let page = Page::new(&s.ctx, title, "imports").crumb("/imports", "nav-imports");
    Ok(render(&ReportPage {
        page,
        dl: Links::new("/imports/invalid", format!("import={id}")),
        running: so_far.is_some(),
        so_far: so_far.unwrap_or_default(),
        stopped: stopped(id, None),
        b,
        c,
        invalid,
        warned,
        duplicates,
        l,
    }))
}

#[derive(Deserialize)]
struct InvalidQuery {
    import: i64,
}

async fn invalid_download(
    st: AppState,
    s: Signed,
    q: InvalidQuery,
    format: Format,
) -> AppResult<Response> {
    crate::invalid::download(
        &st.reports,
        &st.db,
        &s.actor(),
        q.import,
        s.ctx.locale,
        format,
    )
    .await?
    .response()
}

#[derive(Deserialize)]
struct ExampleQuery {
    /// What the example holds (persons when none).
    #[serde(default)]
    kind: Option<String>,
}

/// The example of an old register's export for the reader's centre, to try the import.
async fn example(
    st: &AppState,
    s: &Signed,
    q: &ExampleQuery,
) -> AppResult<(Kind, crate::example::Example)> {
    let kind = q
        .kind
        .as_deref()
        .and_then(Kind::from_code)
        .unwrap_or(Kind::Persons);
    Ok((kind, crate::example::of(&st.db, &s.actor(), kind).await?))
}

fn example_name(kind: Kind, ext: &str) -> String {
    format!("old-register-{}.{ext}", kind.code())
}

async fn example_csv(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ExampleQuery>,
) -> AppResult<Response> {
    let (kind, e) = example(&st, &s, &q).await?;
    Ok(file_response(e.csv, "text/csv", &example_name(kind, "csv")))
}

async fn example_xlsx(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<ExampleQuery>,
) -> AppResult<Response> {
    let (kind, e) = example(&st, &s, &q).await?;
    Ok(file_response(
        e.xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &example_name(kind, "xlsx"),
    ))
}

pub use crate::example::EXAMPLE_HOUSEHOLDS;

fn file_response(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// One row's decision (`row`), or all undecided ones (`all`; `same` only those with the
/// registered person's number).
async fn decide(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let choice = raw
        .get("choice")
        .and_then(|c| Choice::from_code(c))
        .ok_or_else(|| AppError::BadRequest("choice".into()))?;
    let row = raw.get("row").and_then(|r| r.parse::<i64>().ok());
    let same = raw.get("same").is_some_and(|v| skrb_kit::form::truthy(v));
    batches::decide(&st.db, &s.actor(), id, row, choice, same).await?;
    go(&format!("/imports/{id}#duplicates"), "import-flash-decided")
}

/// Starts the commit in the background; the report page follows it.
async fn commit_start(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let a = s.actor();
    let (b, c) = batches::get(&st.db, &a, id).await?;
    if b.status != BatchStatus::Validated {
        return Err(AppError::Refused(skrb_kit::error::Msg::new(
            "import-err-not-open",
        )));
    }
    if set_running(id, Some(c.remaining)) {
        let db = st.db.clone();
        let l = s.ctx.locale;
        if let Ok(mut m) = STOPPED.lock() {
            m.get_or_insert_with(Default::default).remove(&id);
        }
        tokio::spawn(async move {
            let sets = commit::Sets::default();
            let r = commit::commit(&db, &a, id, sets, &mut |d, t| advance(id, d, t)).await;
            if let Err(e) = r {
                tracing::error!(import = id, error = %e, "import commit failed");
                let why = match e {
                    AppError::Refused(m) => m.render(l),
                    other => format!("{}: {other}", i18n::t(l, "import-err-stopped")),
                };
                stopped(id, Some(why));
            }
            set_running(id, None);
        });
    }
    go(&format!("/imports/{id}"), "import-flash-committing")
}

async fn discard(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    batches::discard(&st.db, &s.actor(), id).await?;
    go("/imports", "import-flash-discarded")
}

/// For tests and the API: the commit of this server still running?
pub fn is_running(id: i64) -> bool {
    running(id).is_some()
}
