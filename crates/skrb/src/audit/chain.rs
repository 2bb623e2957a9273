//! The hash chain that makes the audit log tamper-evident.
//!
//! Each record's hash covers all its fields and the previous record's hash, and ids run
//! without gaps, so changing, removing or inserting a record anywhere breaks the chain
//! from that point on. Only the newest records could be cut off unnoticed, which is why
//! `skrb audit verify` prints the head hash for the operator to keep elsewhere.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::db::{Db, Tx};
use crate::{sql, sql_pool};

/// The "previous hash" of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The PostgreSQL advisory lock key that puts audit writers in line ("skrbaudt").
pub const LOCK_KEY: i64 = 0x736b_7262_6175_6474;

/// Now, to the microsecond: both databases store that precision, so the time read back
/// is the time that was hashed.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

#[derive(Debug, Clone)]
pub struct Record {
    pub id: i64,
    pub at: OffsetDateTime,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub person_id: Option<i64>,
    pub changes: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: String,
}

impl Record {
    /// SHA-256 over a JSON array of every field: unambiguous, and the same on both
    /// databases because the time enters as microseconds since the epoch.
    pub fn hash(&self) -> String {
        let canonical = serde_json::json!([
            self.id,
            (self.at.unix_timestamp_nanos() / 1000).to_string(),
            self.user_id,
            self.username,
            self.ip,
            self.request_id,
            self.action,
            self.entity,
            self.entity_id,
            self.person_id,
            self.changes,
            self.reason,
            self.prev_hash,
        ]);
        hex(&Sha256::digest(canonical.to_string().as_bytes()))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Stored {
    #[sqlx(flatten)]
    record: StoredRecord,
    hash: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct StoredRecord {
    id: i64,
    at: OffsetDateTime,
    user_id: Option<i64>,
    username: Option<String>,
    ip: Option<String>,
    request_id: Option<String>,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    person_id: Option<i64>,
    changes: Option<String>,
    reason: Option<String>,
    prev_hash: Option<String>,
}

impl StoredRecord {
    fn with_prev(self, prev: &str) -> Record {
        Record {
            id: self.id,
            at: self.at,
            user_id: self.user_id,
            username: self.username,
            ip: self.ip,
            request_id: self.request_id,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            person_id: self.person_id,
            changes: self.changes,
            reason: self.reason,
            prev_hash: prev.to_string(),
        }
    }
}

const COLUMNS: &str = "id, at, user_id, username, ip, request_id, action, entity, entity_id, \
                       person_id, changes, reason, prev_hash, hash";

/// The first record where the chain breaks, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub id: i64,
    pub problem: &'static str,
}

#[derive(Debug, Clone)]
pub struct Verification {
    pub records: u64,
    pub head: String,
    pub broken: Option<Break>,
}

/// Checks the whole chain in batches (memory stays flat on a log of millions).
pub async fn verify(db: &Db, mut progress: impl FnMut(u64)) -> Result<Verification, sqlx::Error> {
    const BATCH: i64 = 10_000;
    let mut expected_id = 1;
    let mut prev = GENESIS.to_string();
    let mut records = 0u64;
    loop {
        let q = format!("SELECT {COLUMNS} FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2");
        let rows: Vec<Stored> = sql_pool!(db, p => sqlx::query_as(&q)
            .bind(expected_id).bind(BATCH).fetch_all(p).await?);
        let n = rows.len();
        for row in rows {
            let id = row.record.id;
            let broken = |id, problem| Verification {
                records,
                head: prev.clone(),
                broken: Some(Break { id, problem }),
            };
            if id != expected_id {
                return Ok(broken(expected_id, "missing"));
            }
            if row.record.prev_hash.as_deref() != Some(prev.as_str()) {
                return Ok(broken(id, "previous hash does not match"));
            }
            let hash = row.record.with_prev(&prev).hash();
            if row.hash.as_deref() != Some(hash.as_str()) {
                return Ok(broken(id, "content does not match its hash"));
            }
            prev = hash;
            expected_id += 1;
            records += 1;
        }
        progress(records);
        if n < BATCH as usize {
            break;
        }
    }
    Ok(Verification {
        records,
        head: prev,
        broken: None,
    })
}

/// Hashes records written before the chain existed (an upgraded database), in id order,
/// so that the chain covers the whole log. Runs after migrations; a no-op afterwards.
pub async fn seal_unhashed(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(LOCK_KEY)
            .execute(&mut **t)
            .await?;
    }
    let q = format!("SELECT {COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY id");
    let rows: Vec<Stored> = sql!(&mut tx, c => sqlx::query_as(&q).fetch_all(c).await?);
    let Some(first) = rows.first() else {
        return Ok(0);
    };
    let before: Option<String> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT hash FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT 1")
        .bind(first.record.id).fetch_optional(c).await?)
    .flatten();
    let mut prev = before.unwrap_or_else(|| GENESIS.to_string());
    let n = rows.len() as u64;
    for row in rows {
        let rec = row.record.with_prev(&prev);
        let hash = rec.hash();
        sql!(&mut tx, c => sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&prev).bind(&hash).bind(rec.id).execute(c).await?.rows_affected());
        prev = hash;
    }
    tx.commit().await?;
    Ok(n)
}
