//! Backups a centre can restore from, and the restore that will not lose audit records.
//!
//! A backup is a consistent copy taken while the server runs: on SQLite `VACUUM INTO`
//! (one read transaction, so it is the database at one instant, compacted); on
//! PostgreSQL `pg_dump` of a snapshot that Skrb exports and reads itself. Each is
//! checked before it counts (integrity, schema version, the audit chain verified from
//! its first record) and a manifest beside it (`FILE.json`) records what was checked:
//! the schema version, the chain's length and head hash, the file's SHA-256. The head
//! hash is what an operator keeps elsewhere to prove later that nothing was cut.
//!
//! A restore refuses to replace a database whose audit chain is longer than the
//! backup's (that would erase the record of who saw what since) unless forced, and
//! verifies the chain after. SQLite restores through SQLite's online backup, page by
//! page under its locks, so a server that has the file open reads the restored
//! database rather than keeping a deleted one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, ensure, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::audit::chain;
use skrb_kit::db::{Db, Pool, Tx};

/// What a backup holds, as checked when it was taken.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub backend: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub schema_version: i64,
    /// Sealed audit records, all verified.
    pub audit_records: u64,
    /// The hash of the last sealed record: keep it where the database cannot reach.
    pub audit_head: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The manifest's file beside a backup.
pub fn manifest_path(backup: &Path) -> PathBuf {
    let mut p = backup.as_os_str().to_owned();
    p.push(".json");
    PathBuf::from(p)
}

pub fn read_manifest(backup: &Path) -> anyhow::Result<Manifest> {
    let p = manifest_path(backup);
    let text = std::fs::read_to_string(&p)
        .with_context(|| format!("cannot read the backup's manifest {}", p.display()))?;
    serde_json::from_str(&text).with_context(|| format!("invalid manifest {}", p.display()))
}

/// The file of a `sqlite://` URL.
pub fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a SQLite URL")?;
    let file = rest.split('?').next().unwrap_or("");
    ensure!(
        !file.is_empty() && file != ":memory:",
        "a backup needs a database file"
    );
    Ok(PathBuf::from(file))
}

fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let bytes = std::io::copy(&mut f, &mut h)?;
    Ok((bytes, chain::hex(&h.finalize())))
}

/// Verifies the chain inside `tx` and refuses a broken one.
async fn verified(tx: &mut Tx) -> anyhow::Result<chain::Verification> {
    let v = chain::verify_in(tx, |_| {}).await?;
    if let Some(b) = &v.broken {
        bail!(
            "the audit chain breaks at record {} ({}); the copy is not a backup to trust",
            b.seq,
            b.problem
        );
    }
    Ok(v)
}

/// Takes a consistent, checked backup of the running database into `to` (replacing it)
/// and writes its manifest beside it.
pub async fn take(db: &Db, url: &str, to: &Path) -> anyhow::Result<Manifest> {
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // The last moments' records join the chain first, so the copy holds them sealed.
    chain::seal(db).await?;
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let (schema_version, v) = match db.pool() {
        Pool::Sqlite(p) => {
            let target = partial.to_string_lossy().to_string();
            sqlx::query("VACUUM INTO $1")
                .bind(&target)
                .execute(p)
                .await
                .context("cannot copy the database")?;
            check_sqlite_copy(&partial).await?
        }
        Pool::Postgres(p) => {
            let mut conn = p.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *conn)
                .await?;
            let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
                .fetch_one(&mut *conn)
                .await?;
            let mut tx = Tx::Postgres(conn);
            let version: i64 = skrb_kit::sql!(&mut tx, c => sqlx::query_scalar(
                "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
                .fetch_one(c).await?);
            let v = verified(&mut tx).await?;
            let url = url.to_string();
            let out = partial.clone();
            let dump = tokio::task::spawn_blocking(move || {
                std::process::Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--no-privileges"])
                    .arg(format!("--snapshot={snapshot}"))
                    .arg(format!("--file={}", out.display()))
                    .arg(format!("--dbname={url}"))
                    .output()
            })
            .await?
            .context("cannot run pg_dump (install PostgreSQL's client programs)")?;
            // The snapshot lives as long as the transaction that exported it.
            tx.commit().await?;
            ensure!(
                dump.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&dump.stderr).trim()
            );
            (version, v)
        }
    };
    let (bytes, sha256) = sha256_of(&partial)?;
    std::fs::rename(&partial, to).with_context(|| format!("cannot write {}", to.display()))?;
    let m = Manifest {
        backend: db.backend_name().to_string(),
        created_at: OffsetDateTime::now_utc(),
        schema_version,
        audit_records: v.records,
        audit_head: v.head,
        bytes,
        sha256,
    };
    std::fs::write(manifest_path(to), serde_json::to_string_pretty(&m)? + "\n")
        .context("cannot write the manifest")?;
    Ok(m)
}

/// Opens a SQLite copy and checks it: integrity, a schema this program knows, and the
/// audit chain. Returns its schema version and the chain's verification.
async fn check_sqlite_copy(path: &Path) -> anyhow::Result<(i64, chain::Verification)> {
    let copy = Db::connect(&format!("sqlite://{}", path.display())).await?;
    let result = async {
        let ok: String = skrb_kit::sql_pool!(&copy, p => sqlx::query_scalar("PRAGMA integrity_check").fetch_one(p).await?);
        ensure!(ok == "ok", "the copy fails SQLite's integrity check: {ok}");
        let version = copy.schema_version().await?;
        ensure!(
            version <= copy.known_version(),
            "the copy's schema (version {version}) is newer than this Skrb knows ({})",
            copy.known_version()
        );
        let mut tx = copy.begin_read().await?;
        let v = verified(&mut tx).await?;
        tx.commit().await?;
        Ok((version, v))
    }
    .await;
    copy.close().await;
    result
}

/// Sealed audit records in a database (0 before the log exists).
async fn chain_length(db: &Db) -> anyhow::Result<i64> {
    if db.schema_version().await? == 0 {
        return Ok(0);
    }
    Ok(
        skrb_kit::sql_pool!(db, p => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM audit_log").fetch_one(p).await?)
            .unwrap_or(0),
    )
}

/// Replaces the database at `url` with the backup `file`; refuses to shorten the audit
/// chain unless `force`. Returns the restored database's verification.
pub async fn restore(url: &str, file: &Path, force: bool) -> anyhow::Result<chain::Verification> {
    ensure!(file.exists(), "no backup at {}", file.display());
    let target = Db::connect(url).await?;
    let result = restore_into(&target, url, file, force).await;
    target.close().await;
    let restored = result?;
    // Older backups are brought up to this program's schema; then the whole chain is
    // checked again on the restored database itself.
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let v = chain::verify(&db, |_| {}).await?;
    db.close().await;
    if let Some(b) = &v.broken {
        bail!(
            "after the restore the audit chain breaks at record {} ({})",
            b.seq,
            b.problem
        );
    }
    ensure!(
        v.records >= restored,
        "the restored chain holds {} records, the backup {restored}",
        v.records
    );
    Ok(v)
}

/// Refuses a restore that would shorten the audit chain, unless forced: the records past
/// the backup's are the only account of who saw and changed what since.
fn keeps_history(have: i64, backup: u64, force: bool) -> anyhow::Result<()> {
    let backup = backup as i64;
    if have > backup && !force {
        bail!(
            "the database's audit chain holds {have} records, the backup's {backup}: restoring \
             would lose the record of {} accesses and changes; give --force to restore anyway",
            have - backup
        );
    }
    Ok(())
}

/// Checks the backup and the target, then copies; returns the backup's chain length.
async fn restore_into(target: &Db, url: &str, file: &Path, force: bool) -> anyhow::Result<u64> {
    // Records written in the last moments count too: they join the chain first.
    if target.schema_version().await? > 0 {
        if let Err(e) = chain::seal(target).await {
            tracing::warn!(error = %e, "cannot seal the database's newest audit records");
        }
    }
    let have = chain_length(target).await?;
    match target.pool() {
        Pool::Sqlite(_) => {
            let dest = sqlite_path(url)?;
            // Checked on a copy: opening a database may write to it.
            let check = dest.with_extension("restore-check");
            std::fs::copy(file, &check)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let checked = check_sqlite_copy(&check).await;
            let (_, v) = match checked {
                Ok(x) => x,
                Err(e) => {
                    let _ = std::fs::remove_file(&check);
                    return Err(e);
                }
            };
            if let Err(e) = keeps_history(have, v.records, force) {
                let _ = std::fs::remove_file(&check);
                return Err(e);
            }
            let from = check.clone();
            let copied = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let src = rusqlite::Connection::open(&from)?;
                let mut dst = rusqlite::Connection::open(&dest)?;
                dst.busy_timeout(Duration::from_secs(30))?;
                let b = rusqlite::backup::Backup::new(&src, &mut dst)?;
                b.run_to_completion(1024, Duration::from_millis(0), None)?;
                Ok(())
            })
            .await?;
            let _ = std::fs::remove_file(&check);
            copied.context("cannot write the restored database")?;
            Ok(v.records)
        }
        Pool::Postgres(_) => {
            let m = match read_manifest(file) {
                Ok(m) => Some(m),
                Err(e) if force => {
                    tracing::warn!(error = %e, "restoring without a manifest");
                    None
                }
                Err(e) => return Err(e.context(
                    "without its manifest a dump cannot be checked; give --force to restore anyway",
                )),
            };
            if let Some(m) = &m {
                let (_, sha) = sha256_of(file)?;
                ensure!(
                    sha == m.sha256,
                    "the dump's SHA-256 differs from its manifest's: not the file that was checked"
                );
                let version = target.schema_version().await?;
                ensure!(
                    version <= m.schema_version || version == 0 || force,
                    "the database's schema (version {version}) is newer than the backup's ({}): \
                     restore into an empty database (createdb) instead",
                    m.schema_version
                );
                keeps_history(have, m.audit_records, force)?;
            }
            let url = url.to_string();
            let file = file.to_path_buf();
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new("pg_restore")
                    .args([
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--no-privileges",
                        "--single-transaction",
                        "--exit-on-error",
                    ])
                    .arg(format!("--dbname={url}"))
                    .arg(&file)
                    .output()
            })
            .await?
            .context("cannot run pg_restore (install PostgreSQL's client programs)")?;
            ensure!(
                out.status.success(),
                "pg_restore failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            Ok(m.map(|m| m.audit_records).unwrap_or(0))
        }
    }
}

/// A new backup's name in a folder: `skrb-YYYYMMDD-HHMMSS.db` (SQLite) or `.dump`.
pub fn name_in(dir: &Path, db: &Db, at: OffsetDateTime) -> PathBuf {
    let ext = match db.pool() {
        Pool::Sqlite(_) => "db",
        Pool::Postgres(_) => "dump",
    };
    dir.join(format!(
        "skrb-{:04}{:02}{:02}-{:02}{:02}{:02}.{ext}",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    ))
}

/// Removes all but the newest `keep` backups (and their manifests) in `dir`; returns
/// the removed files.
pub fn prune(dir: &Path, keep: usize) -> anyhow::Result<Vec<PathBuf>> {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("skrb-") && (name.ends_with(".db") || name.ends_with(".dump"))
        })
        .collect();
    // The names sort by time.
    backups.sort();
    let old = backups.len().saturating_sub(keep.max(1));
    let removed: Vec<PathBuf> = backups.into_iter().take(old).collect();
    for p in &removed {
        std::fs::remove_file(p)?;
        let _ = std::fs::remove_file(manifest_path(p));
    }
    Ok(removed)
}

/// A backup into `dir`, keeping the newest `keep`.
pub async fn into_dir(
    db: &Db,
    url: &str,
    dir: &Path,
    keep: usize,
) -> anyhow::Result<(PathBuf, Manifest)> {
    let to = name_in(dir, db, OffsetDateTime::now_utc());
    let m = take(db, url, &to).await?;
    prune(dir, keep)?;
    Ok((to, m))
}

/// While the server runs: a backup every night at `hour` o'clock (UTC) into `dir`.
pub fn spawn_nightly(db: Db, url: String, dir: PathBuf, keep: usize, hour: u8) {
    tokio::spawn(async move {
        loop {
            let now = OffsetDateTime::now_utc();
            let today = now.replace_time(
                time::Time::from_hms(hour.min(23), 0, 0).unwrap_or(time::Time::MIDNIGHT),
            );
            let next = if today > now {
                today
            } else {
                today + time::Duration::days(1)
            };
            let wait = (next - now).whole_seconds().max(1) as u64;
            tokio::time::sleep(Duration::from_secs(wait)).await;
            match into_dir(&db, &url, &dir, keep).await {
                Ok((to, m)) => tracing::info!(
                    file = %to.display(),
                    records = m.audit_records,
                    head = %m.audit_head,
                    "nightly backup taken and checked"
                ),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "nightly backup failed"),
            }
        }
    });
}
