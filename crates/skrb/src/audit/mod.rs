//! The audit log: every read and change of a person's data, written in the same
//! transaction as the read or change, so that an access can never happen unrecorded.

use serde::Serialize;
use time::OffsetDateTime;

pub mod chain;
pub mod views;

use crate::db::Tx;
use crate::sql;

/// Who acts, from where, in which request.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// Whose data the actor may reach; `None` for the command line and system jobs.
    pub scope: Option<Scope>,
}

/// A signed-in user's reach over persons: their centre (or all), and whether they may
/// break the glass of a restricted file.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub user_id: i64,
    pub centre_id: Option<i64>,
    pub all_centres: bool,
    pub may_break_glass: bool,
}

impl Actor {
    /// The command line or the demo generator, acting without a signed-in user.
    pub fn system(name: &str) -> Actor {
        Actor {
            username: Some(name.to_string()),
            ..Actor::default()
        }
    }
}

/// One changed field: old and new value as shown to people.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Change {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

pub struct Event<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub person_id: Option<i64>,
    pub changes: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: i64) -> Self {
        Event {
            action,
            entity,
            entity_id: Some(entity_id),
            person_id: None,
            changes: None,
            reason: None,
        }
    }

    pub fn person(mut self, id: i64) -> Self {
        self.person_id = Some(id);
        self
    }

    pub fn changes(mut self, changes: &[Change]) -> Self {
        self.changes = serde_json::to_value(changes).ok();
        self
    }

    pub fn detail(mut self, v: serde_json::Value) -> Self {
        self.changes = Some(v);
        self
    }

    pub fn reason(mut self, r: Option<&'a str>) -> Self {
        self.reason = r;
        self
    }
}

/// Appends one record to the chain. On PostgreSQL an advisory lock, held until the
/// transaction ends, puts concurrent writers in line so that ids and hashes stay in one
/// order; on SQLite the write transaction already does. Call it late in a use case so
/// the lock is held briefly.
pub async fn record(tx: &mut Tx, actor: &Actor, e: Event<'_>) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(chain::LOCK_KEY)
            .execute(&mut **t)
            .await?;
    }
    let last: Option<(i64, Option<String>)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(c).await?);
    let (prev_id, prev_hash) = last.unwrap_or((0, None));
    let rec = chain::Record {
        id: prev_id + 1,
        at: chain::now(),
        user_id: actor.user_id,
        username: actor.username.clone(),
        ip: actor.ip.clone(),
        request_id: actor.request_id.clone(),
        action: e.action.to_string(),
        entity: e.entity.to_string(),
        entity_id: e.entity_id,
        person_id: e.person_id,
        changes: e.changes.map(|v| v.to_string()),
        reason: e.reason.map(str::to_string),
        prev_hash: prev_hash.unwrap_or_else(|| chain::GENESIS.to_string()),
    };
    let hash = rec.hash();
    sql!(tx, c => sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, username, ip, request_id, action, entity, entity_id, \
         person_id, changes, reason, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
        .bind(rec.id)
        .bind(rec.at)
        .bind(rec.user_id)
        .bind(&rec.username)
        .bind(&rec.ip)
        .bind(&rec.request_id)
        .bind(&rec.action)
        .bind(&rec.entity)
        .bind(rec.entity_id)
        .bind(rec.person_id)
        .bind(&rec.changes)
        .bind(&rec.reason)
        .bind(&rec.prev_hash)
        .bind(&hash)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// Records of one entity's creation and changes, newest first (the "history" view).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub at: OffsetDateTime,
    pub username: Option<String>,
    pub action: String,
    pub changes: Option<String>,
    pub reason: Option<String>,
}

pub async fn history(tx: &mut Tx, entity: &str, id: i64) -> Result<Vec<HistoryRow>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, HistoryRow>(
        "SELECT at, username, action, changes, reason FROM audit_log \
         WHERE entity = $1 AND entity_id = $2 AND action IN ('create', 'update') ORDER BY id DESC LIMIT 200")
        .bind(entity).bind(id).fetch_all(c).await)
}
