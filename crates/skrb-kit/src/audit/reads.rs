//! Reading the log: who touched a person's data, what a user did. The auditor's screens
//! (in the app) and a person's export (in the registry) read through here.

use serde::Serialize;
use time::OffsetDateTime;

use crate::db::Tx;
use crate::sql;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AccessRow {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub person_id: Option<i64>,
    pub reason: Option<String>,
    pub changes: Option<String>,
}

/// The columns of [`AccessRow`], from the log.
pub const COLUMNS: &str =
    "id, at, username, ip, action, entity, entity_id, person_id, reason, changes FROM audit_log";

/// Every record about a person, newest first.
pub async fn person_accesses(
    tx: &mut Tx,
    person: i64,
    limit: i64,
) -> Result<Vec<AccessRow>, sqlx::Error> {
    let q = format!("SELECT {COLUMNS} WHERE person_id = $1 ORDER BY id DESC LIMIT $2");
    sql!(tx, c => sqlx::query_as(&q).bind(person).bind(limit).fetch_all(c).await)
}

/// Everything a user did, newest first.
pub async fn user_actions(
    tx: &mut Tx,
    username: &str,
    limit: i64,
) -> Result<Vec<AccessRow>, sqlx::Error> {
    let q = format!("SELECT {COLUMNS} WHERE username = $1 ORDER BY id DESC LIMIT $2");
    sql!(tx, c => sqlx::query_as(&q).bind(username).bind(limit).fetch_all(c).await)
}
