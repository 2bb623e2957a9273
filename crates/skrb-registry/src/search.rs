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

async fn run(
    tx: &mut Tx,
    q: &Query,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<Found, sqlx::Error> {
    let scope = super::access::filter(actor);
    let token_scope = super::access::token_centre_filter(actor);
    match q {
        Query::Number(n) => {
            let from = format!("FROM person p LEFT JOIN municipality m ON m.id = p.municipality_id WHERE p.emso >= $1 AND p.emso < $2{scope}");
            let total: i64 = sql!(tx, c => sqlx::query_scalar(&count_sql(&from))
                .bind(n).bind(upper(n)).fetch_one(c).await?);
            let items = sql!(tx, c => sqlx::query_as::<_, PersonSummary>(
                &format!("SELECT {COLUMNS} {from} ORDER BY p.emso, p.id LIMIT $3 OFFSET $4"))
                .bind(n).bind(upper(n)).bind(limit).bind(offset).fetch_all(c).await?);
            Ok(Found { items, total })
        }
        Query::Words(words) => {
            // Parameters: pairs ($1,$2), ($3,$4)... are each word's range.
            let mut filter = format!(
                "p.id IN (SELECT person_id FROM person_token WHERE token >= $1 AND token < $2{token_scope})"
            );
            for i in 1..words.len() {
                filter.push_str(&format!(
                    " AND EXISTS (SELECT 1 FROM person_token WHERE person_id = p.id AND token >= ${} AND token < ${}{token_scope})",
                    2 * i + 1,
                    2 * i + 2
                ));
            }
            let base = 2 * words.len();
            let exact: Vec<String> = (0..words.len())
                .map(|i| format!("${}", 2 * i + 1))
                .collect();
            let score = format!(
                "(SELECT COUNT(*) FROM person_token e WHERE e.person_id = p.id AND e.token IN ({}))",
                exact.join(", ")
            );
            let from = format!(
                "FROM person p LEFT JOIN municipality m ON m.id = p.municipality_id WHERE {filter}{scope}"
            );
            let count_sql = count_sql(&from);
            let total: i64 = sql!(tx, c => {
                let mut qq = sqlx::query_scalar(&count_sql);
                for w in words {
                    qq = qq.bind(w.clone()).bind(upper(w));
                }
                qq.fetch_one(c).await?
            });
            // A narrow search ranks exact words first; a broad one (a few letters typed
            // into the live search) lists alphabetically, which needs no score per match
            // and is what a user scrolling a long list expects.
            let order = if total <= RANK_LIMIT {
                format!("{score} DESC, p.name_key, p.id")
            } else {
                "p.name_key, p.id".to_string()
            };
            let list_sql = format!(
                "SELECT {COLUMNS} {from} ORDER BY {order} LIMIT ${} OFFSET ${}",
                base + 1,
                base + 2
            );
            let items = sql!(tx, c => {
                let mut qq = sqlx::query_as::<_, PersonSummary>(&list_sql);
                for w in words {
                    qq = qq.bind(w.clone()).bind(upper(w));
                }
                qq.bind(limit).bind(offset).fetch_all(c).await?
            });
            Ok(Found { items, total })
        }
    }
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
