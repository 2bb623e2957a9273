//! The hash chain that makes the audit log tamper-evident.
//!
//! Requests append records unsealed. The sealer (every quarter second while serving, and
//! at every migration and `audit verify`) takes the unsealed records in id order and
//! gives each the next place in the chain (`seq`, without gaps), the hash of the record
//! before it, and its own hash over all its fields. So changing, removing or inserting a
//! sealed record breaks the chain from that point on; only the newest records could be
//! cut off unnoticed, which is why `skrb audit verify` prints the head hash for the
//! operator to keep elsewhere. Sealing runs under a lock (PostgreSQL: an advisory lock;
//! SQLite: its write lock), so several servers never seal at once.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::db::{Db, Tx};
use crate::sql;

/// The "previous hash" of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The PostgreSQL advisory lock key of the sealer ("skrbaudt").
pub const LOCK_KEY: i64 = 0x736b_7262_6175_6474;

/// Records sealed per transaction.
const SEAL_BATCH: i64 = 5_000;

/// Now, to the microsecond: both databases store that precision, so the time read back
/// is the time that was hashed.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Stored {
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
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Stored {
    /// SHA-256 over a JSON array of every field, its place and the previous hash:
    /// unambiguous, and the same on both databases because the time enters as
    /// microseconds since the epoch.
    fn hash_at(&self, seq: i64, prev: &str) -> String {
        let canonical = serde_json::json!([
            seq,
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
            prev,
        ]);
        hex(&Sha256::digest(canonical.to_string().as_bytes()))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const COLUMNS: &str = "id, at, user_id, username, ip, request_id, action, entity, entity_id, \
                       person_id, changes, reason, seq, prev_hash, hash";

/// Seals every unsealed record, oldest first; returns how many.
pub async fn seal(db: &Db) -> Result<u64, sqlx::Error> {
    let mut total = 0;
    loop {
        let mut tx = db.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(LOCK_KEY)
                .execute(&mut **t)
                .await?;
        }
        // The unsealed ids are chosen from an index alone (the NULLs of `audit_log_seq`,
        // or the partial `audit_log_unsealed`), then read by id. Asked directly, with the
        // order by id, SQLite scanned the whole log in id order whenever its counts were
        // older than the log (the country demo's: 587 rows counted, 113,000 there), 36-54
        // ms every quarter second, inside the write transaction that every writer waits for.
        let q = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE id IN \
             (SELECT id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1) ORDER BY id"
        );
        let rows: Vec<Stored> =
            sql!(&mut tx, c => sqlx::query_as(&q).bind(SEAL_BATCH).fetch_all(c).await?);
        if rows.is_empty() {
            return Ok(total);
        }
        let head: Option<(i64, Option<String>)> = sql!(&mut tx, c => sqlx::query_as(
            "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
            .fetch_optional(c).await?);
        let (mut seq, prev) = head.unwrap_or((0, None));
        let mut prev = prev.unwrap_or_else(|| GENESIS.to_string());
        let n = rows.len();
        for row in rows {
            seq += 1;
            let hash = row.hash_at(seq, &prev);
            sql!(&mut tx, c => sqlx::query("UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
                .bind(seq).bind(&prev).bind(&hash).bind(row.id).execute(c).await?.rows_affected());
            prev = hash;
        }
        tx.commit().await?;
        total += n as u64;
        if (n as i64) < SEAL_BATCH {
            return Ok(total);
        }
    }
}

/// The first record where the chain breaks, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The place in the chain (`seq`) where it breaks.
    pub seq: i64,
    pub problem: &'static str,
}

#[derive(Debug, Clone)]
pub struct Verification {
    pub records: u64,
    pub head: String,
    pub broken: Option<Break>,
    /// Records written but not yet sealed (the last moments' work).
    pub unsealed: i64,
    /// The hashes of the places asked for (signed checkpoints to compare), in order.
    pub kept: Vec<(i64, String)>,
}

/// Checks the whole chain in batches (memory stays flat on a log of millions).
pub async fn verify(db: &Db, progress: impl FnMut(u64)) -> Result<Verification, sqlx::Error> {
    let mut tx = db.begin_read().await?;
    let v = verify_in(&mut tx, progress).await?;
    tx.commit().await?;
    Ok(v)
}

/// [`verify`] inside a transaction: a backup checks the chain of exactly the snapshot it
/// copies.
pub async fn verify_in(
    tx: &mut Tx,
    progress: impl FnMut(u64),
) -> Result<Verification, sqlx::Error> {
    verify_keeping(tx, &[], progress).await
}

/// [`verify_in`], keeping the hashes at the places `keep` (sorted) names.
pub async fn verify_keeping(
    tx: &mut Tx,
    keep: &[i64],
    mut progress: impl FnMut(u64),
) -> Result<Verification, sqlx::Error> {
    let mut kept = Vec::new();
    let mut wanted = keep.iter().peekable();
    const BATCH: i64 = 10_000;
    let mut expected = 1;
    let mut prev = GENESIS.to_string();
    let mut records = 0u64;
    let unsealed: i64 = sql!(&mut *tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL").fetch_one(c).await?);
    loop {
        let q = format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2");
        let rows: Vec<Stored> = sql!(&mut *tx, c => sqlx::query_as(&q)
            .bind(expected).bind(BATCH).fetch_all(c).await?);
        let n = rows.len();
        for row in rows {
            let seq = row.seq.unwrap_or(0);
            let broken = |seq, problem| Verification {
                records,
                head: prev.clone(),
                broken: Some(Break { seq, problem }),
                unsealed,
                kept: Vec::new(),
            };
            if seq != expected {
                return Ok(broken(expected, "missing"));
            }
            if row.prev_hash.as_deref() != Some(prev.as_str()) {
                return Ok(broken(seq, "previous hash does not match"));
            }
            let hash = row.hash_at(seq, &prev);
            if row.hash.as_deref() != Some(hash.as_str()) {
                return Ok(broken(seq, "content does not match its hash"));
            }
            while wanted.next_if(|w| **w <= seq).is_some_and(|w| *w == seq) {
                kept.push((seq, hash.clone()));
            }
            prev = hash;
            expected += 1;
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
        unsealed,
        kept,
    })
}
