//! Finding persons by any part of a name (any script, with or without diacritics) or by
//! the personal number.
//!
//! Each folded word of a name is a row in `person_token`; a query word matches a token
//! that starts with it (an index range scan: `token >= 'dord' AND token < 'dord{'`).
//! All query words must match; persons whose tokens equal query words rank first.

use skrb_domain::names;
use skrb_kit::audit::Action;
use time::Date;

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::export::{download, headings, Bind, Download, Format, Listing};
use skrb_kit::i18n::Locale;
use skrb_kit::sheet::Cell;
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct PersonSummary {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub birth_date: Option<Date>,
    pub emso: Option<String>,
    pub place: Option<String>,
    pub municipality_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Found {
    pub items: Vec<PersonSummary>,
    pub total: i64,
}

pub const MAX_PER_PAGE: u32 = 100;

/// Upper bound of a prefix range: the next string after every string with that prefix
/// (tokens are ASCII letters and digits; `{` sorts after both).
fn upper(prefix: &str) -> String {
    format!("{prefix}{{")
}

/// What a query asks for.
enum Query {
    Number(String),
    Words(Vec<String>),
}

fn classify(q: &str) -> Option<Query> {
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 2 && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Query::Number(compact));
    }
    let mut words = names::tokens(q);
    if words.is_empty() {
        return None;
    }
    // The longest word drives the index scan; it is the most selective.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.truncate(6);
    Some(Query::Words(words))
}

const COLUMNS: &str =
    "p.id, p.given_name, p.family_name, p.birth_date, p.emso, p.place, m.name AS municipality_name";

/// Counting stops here: beyond it the user narrows the search rather than pages.
pub const COUNT_CAP: i64 = 1000;

/// Up to this many matches, exact words rank first; beyond, the list is alphabetical.
const RANK_LIMIT: i64 = 200;

fn count_sql(from: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM (SELECT 1 {from} LIMIT {}) capped",
        COUNT_CAP + 1
    )
}

/// The query's other words, each a condition that the person (`person`, a column) has a
/// token starting with it; parameters `$3,$4`, `$5,$6`... are their ranges. The centre is
/// asked again so that a planner that starts from another word still scans one centre's
/// slice; the index of a person's tokens holds the centre (migration 0022), so the check
/// reads no row.
fn other_words(words: &[String], person: &str, token_scope: &str) -> String {
    (1..words.len())
        .map(|i| {
            format!(
                " AND EXISTS (SELECT 1 FROM person_token o WHERE o.person_id = {person} AND o.token >= ${} AND o.token < ${}{token_scope})",
                2 * i + 1,
                2 * i + 2
            )
        })
        .collect()
}

/// The persons a search by name finds, from the search index alone: the index holds each
/// token's person, centre and name key (migrations 0021, 0022), and the few restricted
/// persons the actor may not see are left out by their own small index, so neither the
/// count nor the order of a broad search touches a person row.
fn token_matches(words: &[String], actor: &Actor) -> String {
    let token_scope = super::access::token_centre_filter(actor);
    let others = other_words(words, "t.person_id", &token_scope);
    let hidden = super::access::restricted_person_exclusion(actor, "t.person_id");
    format!("FROM person_token t WHERE t.token >= $1 AND t.token < $2{token_scope}{others}{hidden}")
}

/// How many persons a search by name finds, up to the cap.
fn token_count_sql(words: &[String], actor: &Actor) -> String {
    format!(
        "SELECT COUNT(*) FROM (SELECT DISTINCT t.person_id {} LIMIT {}) capped",
        token_matches(words, actor),
        COUNT_CAP + 1
    )
}

/// One page of a broad search by name, alphabetically: the page is chosen and ordered in
/// the search index (the name key beside the token), and only its persons are read. The
/// person's own scope is checked again on the row, so a token that disagreed with its
/// person could shorten a page but never show a person to another centre.
fn token_page_sql(words: &[String], actor: &Actor, limit: i64, offset: i64) -> String {
    let scope = super::access::filter(actor);
    format!(
        "SELECT {COLUMNS} FROM (SELECT DISTINCT t.name_key, t.person_id {} \
         ORDER BY t.name_key, t.person_id LIMIT {limit} OFFSET {offset}) k \
         JOIN person p ON p.id = k.person_id LEFT JOIN municipality m ON m.id = p.municipality_id \
         WHERE TRUE{scope} ORDER BY k.name_key, k.person_id",
        token_matches(words, actor)
    )
}

/// What a query matches, as `FROM ... WHERE ...` over `person p` with its values, and
/// the order when the list is not ranked (by number, or alphabetically).
fn matching(q: &Query, actor: &Actor) -> (String, Vec<Bind>, &'static str) {
    let scope = super::access::filter(actor);
    let token_scope = super::access::token_centre_filter(actor);
    match q {
        Query::Number(n) => (
            format!("FROM person p LEFT JOIN municipality m ON m.id = p.municipality_id WHERE p.emso >= $1 AND p.emso < $2{scope}"),
            vec![Bind::S(n.clone()), Bind::S(upper(n))],
            "p.emso, p.id",
        ),
        Query::Words(words) => {
            // Parameters: pairs ($1,$2), ($3,$4)... are each word's range.
            let others = other_words(words, "p.id", &token_scope);
            let binds = words
                .iter()
                .flat_map(|w| [Bind::S(w.clone()), Bind::S(upper(w))])
                .collect();
            (
                format!("FROM person p LEFT JOIN municipality m ON m.id = p.municipality_id \
                         WHERE p.id IN (SELECT person_id FROM person_token WHERE token >= $1 AND token < $2{token_scope}){others}{scope}"),
                binds,
                "p.name_key, p.id",
            )
        }
    }
}

async fn run(
    tx: &mut Tx,
    q: &Query,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<Found, sqlx::Error> {
    let (from, binds, plain) = matching(q, actor);
    let count = match q {
        Query::Words(words) => token_count_sql(words, actor),
        Query::Number(_) => count_sql(&from),
    };
    let total: i64 = sql!(tx, c => skrb_kit::bind_all!(sqlx::query_scalar(&count), &binds)
        .fetch_one(c).await?);
    // A narrow search by name ranks exact words first; a broad one (a few letters typed
    // into the live search) lists alphabetically, which needs no score per match and is
    // what a user scrolling a long list expects, and is ordered in the index.
    let list_sql = match q {
        Query::Words(words) if total <= RANK_LIMIT => {
            let exact: Vec<String> = (0..words.len())
                .map(|i| format!("${}", 2 * i + 1))
                .collect();
            format!(
                "SELECT {COLUMNS} {from} ORDER BY (SELECT COUNT(*) FROM person_token e WHERE e.person_id = p.id AND e.token IN ({})) DESC, {plain} LIMIT {limit} OFFSET {offset}",
                exact.join(", ")
            )
        }
        Query::Words(words) => token_page_sql(words, actor, limit, offset),
        Query::Number(_) => {
            format!("SELECT {COLUMNS} {from} ORDER BY {plain} LIMIT {limit} OFFSET {offset}")
        }
    };
    let items = sql!(tx, c => skrb_kit::bind_all!(sqlx::query_as::<_, PersonSummary>(&list_sql), &binds)
        .fetch_all(c).await?);
    Ok(Found { items, total })
}

/// Every person the search finds (not only a page), alphabetically, as XLSX or CSV;
/// audited as a download with the query and the number of persons.
pub async fn export(
    read: &Db,
    db: &Db,
    actor: &Actor,
    q: &str,
    format: Format,
    l: Locale,
) -> AppResult<Download> {
    let Some(query) = classify(q) else {
        return Err(skrb_kit::form::field_error("q", "err-required"));
    };
    let (from, binds, order) = matching(&query, actor);
    let list = Listing {
        sql: format!("SELECT {COLUMNS} {from} ORDER BY {order}"),
        binds,
        title: skrb_kit::i18n::t(l, "registry-search-title"),
        columns: headings(
            l,
            &[
                "field-family-name",
                "field-given-name",
                "registry-col-birth-date",
                "registry-col-emso",
                "field-place",
                "registry-col-municipality",
            ],
        ),
        name: "persons",
        entity: "person",
        detail: serde_json::json!({ "query": q }),
    };
    download(read, db, actor, list, format, |p: PersonSummary| {
        vec![
            Cell::Text(p.family_name),
            Cell::Text(p.given_name),
            p.birth_date.map_or(Cell::Empty, Cell::Date),
            p.emso.map_or(Cell::Empty, Cell::Text),
            p.place.map_or(Cell::Empty, Cell::Text),
            p.municipality_name.map_or(Cell::Empty, Cell::Text),
        ]
    })
    .await
}

/// Searches, one page at a time (pages count from 1). The search and the persons it
/// showed are audited: a result list is a read of personal data.
pub async fn search(db: &Db, actor: &Actor, q: &str, page: u32, per_page: u32) -> AppResult<Found> {
    let Some(query) = classify(q) else {
        return Ok(Found::default());
    };
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    let mut tx = db.begin_read().await?;
    let found = run(
        &mut tx,
        &query,
        actor,
        i64::from(per_page),
        i64::from((page - 1) * per_page),
    )
    .await?;
    tx.commit().await?;
    let ids: Vec<i64> = found.items.iter().map(|p| p.id).collect();
    audit::record_apart(
        db,
        actor,
        Event::about(Action::Search, "person")
            .detail(serde_json::json!({ "query": q, "page": page, "shown": ids })),
    )
    .await?;
    Ok(found)
}
