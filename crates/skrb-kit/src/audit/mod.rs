//! The audit log: every read and change of a person's data, written in the same
//! transaction as the read or change, so that an access can never happen unrecorded.

use serde::Serialize;
use time::OffsetDateTime;

pub mod action;
pub mod chain;
pub mod checkpoint;
pub mod journal;
pub mod reads;
pub mod sealer;

use crate::db::Tx;
use crate::sql;

/// Who acts, from where, in which request, and when: the instant the request began and
/// the time zone of the actor's centre, so that every use case reads the same "today".
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// Whose data the actor may reach; `None` for the command line and system jobs.
    pub scope: Option<Scope>,
    pub now: time::OffsetDateTime,
    pub zone: crate::clock::Zone,
}

impl Default for Actor {
    fn default() -> Actor {
        Actor {
            user_id: None,
            username: None,
            ip: None,
            request_id: None,
            scope: None,
            now: time::OffsetDateTime::now_utc(),
            zone: crate::clock::Zone::default(),
        }
    }
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
    /// Today in the actor's centre.
    pub fn today(&self) -> time::Date {
        self.zone.date_of(self.now)
    }

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

pub use action::Action;

pub struct Event<'a> {
    pub action: Action,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub person_id: Option<i64>,
    pub changes: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(action: Action, entity: &'a str, entity_id: i64) -> Self {
        Event {
            action,
            entity,
            entity_id: Some(entity_id),
            person_id: None,
            changes: None,
            reason: None,
        }
    }

    /// An event about a kind of thing rather than one record (a sign-in, a search, a
    /// retention run).
    pub fn about(action: Action, entity: &'a str) -> Self {
        Event {
            entity_id: None,
            ..Event::new(action, entity, 0)
        }
    }

    pub fn person(mut self, id: impl Into<i64>) -> Self {
        self.person_id = Some(id.into());
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

/// Appends one record, in the caller's transaction. It is written unsealed, without
/// any lock, so concurrent requests do not queue behind each other's commits; the
/// sealer ([`chain::seal`]) links it into the hash chain moments later.
pub async fn record(tx: &mut Tx, actor: &Actor, e: Event<'_>) -> Result<(), sqlx::Error> {
    let changes = e.changes.map(|v| v.to_string());
    sql!(tx, c => sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, ip, request_id, action, entity, entity_id, \
         person_id, changes, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(chain::now())
        .bind(actor.user_id)
        .bind(actor.username.as_deref())
        .bind(actor.ip.as_deref())
        .bind(actor.request_id.as_deref())
        .bind(e.action.code())
        .bind(e.entity)
        .bind(e.entity_id)
        .bind(e.person_id)
        .bind(changes)
        .bind(e.reason)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// The columns of [`bulk_row`], for a bulk job that writes its records with the other
/// rows of a set (a renewal, an import) rather than one statement per record.
pub const BULK_COLUMNS: [&str; 11] = [
    "at",
    "user_id",
    "username",
    "ip",
    "request_id",
    "action",
    "entity",
    "entity_id",
    "person_id",
    "changes",
    "reason",
];

/// One audit record as a bulk row (see [`BULK_COLUMNS`]); unsealed like [`record`]'s.
pub fn bulk_row(
    actor: &Actor,
    action: Action,
    entity: &str,
    entity_id: i64,
    person_id: Option<i64>,
    changes: Option<String>,
    reason: Option<String>,
) -> Vec<crate::bulk::Cell> {
    cells(
        actor,
        action,
        entity,
        Some(entity_id),
        person_id,
        changes,
        reason,
    )
}

/// An event as a bulk row, for the journal.
fn row_of(actor: &Actor, e: &Event<'_>) -> Vec<crate::bulk::Cell> {
    cells(
        actor,
        e.action,
        e.entity,
        e.entity_id,
        e.person_id,
        e.changes.as_ref().map(|v| v.to_string()),
        e.reason.map(str::to_string),
    )
}

fn cells(
    actor: &Actor,
    action: Action,
    entity: &str,
    entity_id: Option<i64>,
    person_id: Option<i64>,
    changes: Option<String>,
    reason: Option<String>,
) -> Vec<crate::bulk::Cell> {
    vec![
        chain::now().into(),
        actor.user_id.into(),
        actor.username.clone().into(),
        actor.ip.clone().into(),
        actor.request_id.clone().into(),
        action.code().into(),
        entity.to_string().into(),
        entity_id.into(),
        person_id.into(),
        changes.into(),
        reason.into(),
    ]
}

/// Records an event apart from any transaction of the caller's, and returns once the
/// record is durable: a read, after its read-only transaction and before the caller
/// hands out the data (if the record cannot be written, the caller returns an error
/// instead, so nothing is disclosed unrecorded, and reads never hold SQLite's write lock
/// while they query); or an event with no transaction of its own (sign-ins, refusals).
/// Records that arrive together are committed together ([`journal`]).
pub async fn record_apart(
    db: &crate::db::Db,
    actor: &Actor,
    e: Event<'_>,
) -> Result<(), sqlx::Error> {
    journal::append(db, actor, &e).await
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
