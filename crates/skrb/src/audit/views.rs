//! What auditors read: who accessed a person's file and why, what a user did, and a
//! person's access history as a file for a data-subject request. Reading the log about a
//! person is itself a read of that person's data, so it is audited too.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use skrb_kit::audit::Action;

use super::{record, Event};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::i18n;
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use crate::auth::Permission::AuditRead;
    Routes::new()
        .get("/audit", Access::Perm(AuditRead), page)
        .get("/audit/access.csv", Access::Perm(AuditRead), csv)
        .downloads(
            ["/audit.xlsx", "/audit.csv"],
            Access::Perm(AuditRead),
            download,
        )
        .get("/api/v1/audit", Access::Perm(AuditRead), api)
}

pub use skrb_kit::audit::reads::{person_accesses, user_actions, AccessRow};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A person's id: who accessed their file.
    #[serde(default)]
    person: Option<String>,
    /// A username: what they did.
    #[serde(default)]
    user: Option<String>,
}

impl AuditQuery {
    fn person_id(&self) -> AppResult<Option<i64>> {
        match self
            .person
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => Ok(None),
            Some(p) => p
                .parse()
                .map(Some)
                .map_err(|_| AppError::BadRequest("person".into())),
        }
    }
}

/// Runs the auditor's query in one transaction, auditing it.
async fn run(st: &AppState, s: &Signed, q: &AuditQuery) -> AppResult<Vec<AccessRow>> {
    const LIMIT: i64 = 500;
    let actor = s.actor();
    let mut tx = st.db.begin().await?;
    let rows = match (
        q.person_id()?,
        q.user.as_deref().map(str::trim).filter(|u| !u.is_empty()),
    ) {
        (Some(p), _) => {
            skrb_registry::access::check(&mut tx, &actor, skrb_kit::ids::PersonId(p)).await?;
            let rows = person_accesses(&mut tx, p, LIMIT).await?;
            record(
                &mut tx,
                &actor,
                Event::new(Action::ReadAccessHistory, "person", p).person(p),
            )
            .await?;
            rows
        }
        (None, Some(u)) => {
            let rows = user_actions(&mut tx, u, LIMIT).await?;
            let e = Event::about(Action::ReadUserActions, "user");
            record(&mut tx, &actor, e.reason(Some(u))).await?;
            rows
        }
        (None, None) => Vec::new(),
    };
    tx.commit().await?;
    Ok(rows)
}

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    person: String,
    user: String,
    who: String,
    /// Persons whose name or personal number matched `who`, to choose from.
    found: Vec<skrb_registry::search::PersonSummary>,
    rows: Vec<AccessRow>,
    asked: bool,
}

impl AuditPage {
    /// The page's question, for the downloads of every record.
    fn query(&self) -> String {
        format!(
            "person={}&user={}",
            self.person,
            skrb_kit::web::errors::encode_component(&self.user)
        )
    }
}

/// The page's query: the API's, and the words of a person's name or personal number
/// (the auditor finds the person as everyone else does, not by an internal number).
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    who: Option<String>,
}

async fn page(
    State(st): State<AppState>,
    s: Signed,
    Query(pq): Query<PageQuery>,
) -> AppResult<Response> {
    let mut q = AuditQuery {
        person: pq.person,
        user: pq.user,
    };
    let who = pq.who.unwrap_or_default().trim().to_string();
    let mut found = Vec::new();
    if q.person_id()?.is_none() && !who.is_empty() {
        found = skrb_registry::search::search(&st.db, &s.actor(), &who, 1, 20)
            .await?
            .items;
        if let [one] = found.as_slice() {
            q.person = Some(one.id.to_string());
        }
    }
    let rows = run(&st, &s, &q).await?;
    let page = Page::new(&s.ctx, i18n::t(s.ctx.locale, "audit-title"), "audit");
    Ok(render(&AuditPage {
        page,
        person: q.person_id()?.map(|p| p.to_string()).unwrap_or_default(),
        user: q.user.clone().unwrap_or_default(),
        asked: q.person_id()?.is_some() || q.user.as_deref().is_some_and(|u| !u.trim().is_empty()),
        who,
        found,
        rows,
    }))
}

/// Every record about a person or by a user (not only the page's 500), newest first, as
/// XLSX or CSV, the times in the centre's zone; the download is itself recorded.
async fn download(
    st: AppState,
    s: Signed,
    q: AuditQuery,
    format: skrb_kit::export::Format,
) -> AppResult<Response> {
    use skrb_kit::export::{headings, Bind, Listing};
    use skrb_kit::sheet::Cell;
    let actor = s.actor();
    let l = s.ctx.locale;
    let user = q.user.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let (cond, bind) = match (q.person_id()?, user) {
        (Some(p), _) => {
            let mut tx = st.db.begin_read().await?;
            skrb_registry::access::check(&mut tx, &actor, skrb_kit::ids::PersonId(p)).await?;
            tx.commit().await?;
            ("person_id = $1", Bind::I(p))
        }
        (None, Some(u)) => ("username = $1", Bind::S(u.to_string())),
        (None, None) => return Err(skrb_kit::form::field_error("person", "err-required")),
    };
    let list = Listing {
        sql: format!(
            "SELECT {} WHERE {cond} ORDER BY id DESC",
            skrb_kit::audit::reads::COLUMNS
        ),
        binds: vec![bind],
        title: i18n::t(l, "audit-title"),
        columns: headings(
            l,
            &[
                "registry-audit-when",
                "registry-audit-who",
                "audit-from",
                "audit-action",
                "audit-entity",
                "registry-audit-person",
                "registry-audit-reason",
            ],
        ),
        name: "audit",
        entity: "audit_log",
        detail: serde_json::json!({ "person": q.person, "user": user }),
    };
    let zone = actor.zone;
    skrb_kit::export::download(&st.reports, &st.db, &actor, list, format, |r: AccessRow| {
        let at = zone.local(r.at);
        vec![
            Cell::Text(format!(
                "{} {:02}:{:02}:{:02}",
                at.date(),
                at.hour(),
                at.minute(),
                at.second()
            )),
            r.username.map_or(Cell::Empty, Cell::Text),
            r.ip.map_or(Cell::Empty, Cell::Text),
            Cell::Text(r.action),
            Cell::Text(match r.entity_id {
                Some(id) => format!("{} {id}", r.entity),
                None => r.entity,
            }),
            r.person_id.map_or(Cell::Empty, Cell::Count),
            r.reason.map_or(Cell::Empty, Cell::Text),
        ]
    })
    .await?
    .response()
}

/// A person's access history as CSV, for a data-subject request.
async fn csv(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let person = q
        .person_id()?
        .ok_or_else(|| AppError::BadRequest("person".into()))?;
    let only_person = AuditQuery {
        person: Some(person.to_string()),
        user: None,
    };
    let rows = run(&st, &s, &only_person).await?;
    let field = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    let mut out = String::from("at,user,address,action,reason\r\n");
    for r in rows {
        let at =
            r.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            field(&at),
            field(r.username.as_deref().unwrap_or("")),
            field(r.ip.as_deref().unwrap_or("")),
            field(&r.action),
            field(r.reason.as_deref().unwrap_or(""))
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"skrb-access-{person}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// Audit records about a person (`person=`) or by a user (`user=`), newest first.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery),
    responses((status = 200, body = [AccessRow])))]
async fn api(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<Vec<AccessRow>>> {
    if q.person_id()?.is_none() && q.user.is_none() {
        return Err(AppError::BadRequest("give person or user".into()));
    }
    Ok(Json(run(&st, &s, &q).await?))
}
