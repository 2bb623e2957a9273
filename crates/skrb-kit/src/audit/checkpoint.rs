//! Signed checkpoints of the audit chain's head, kept where the database cannot reach.
//!
//! The chain's hashes carry no secret: whoever can write the database file can rebuild
//! every hash after changing a record, or drop the newest records and leave a shorter,
//! valid chain. So every so often the sealer signs the head (`seq` and hash) with an
//! Ed25519 key that is not in the database (a key file named in the configuration) and
//! appends the signed line to a log outside it (a file; optionally the system log).
//! `skrb audit verify` walks the chain against those lines: a line whose record is gone
//! names a truncation, a line whose hash differs names a rebuilt chain, and a line not
//! signed by the key names a forged or damaged log.
//!
//! A line: `{"seq":N,"hash":"…","at":"RFC 3339","sig":"base64"}`; the signature covers
//! `skrb-audit-checkpoint\n{seq}\n{hash}\n{at}`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::db::Db;

const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";

/// One signed head of the chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub sig: String,
}

fn message(seq: i64, hash: &str, at: OffsetDateTime) -> anyhow::Result<String> {
    let at = at.format(&time::format_description::well_known::Rfc3339)?;
    Ok(format!("skrb-audit-checkpoint\n{seq}\n{hash}\n{at}"))
}

/// Writes a new Ed25519 key (PKCS#8, PEM) readable by its owner only; returns the
/// public key (hex) to keep with whoever verifies.
pub fn keygen(path: &Path) -> anyhow::Result<String> {
    ensure!(
        !path.exists(),
        "{} exists: a key in use is never overwritten",
        path.display()
    );
    let rng = ring::rand::SystemRandom::new();
    let doc =
        Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| anyhow::anyhow!("cannot make a key"))?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(doc.as_ref());
    let pem = format!("{PEM_BEGIN}\n{b64}\n{PEM_END}\n");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(pem.as_bytes())?;
    f.sync_all()?;
    let pair = Ed25519KeyPair::from_pkcs8(doc.as_ref()).map_err(|_| anyhow::anyhow!("bad key"))?;
    Ok(crate::audit::chain::hex(pair.public_key().as_ref()))
}

/// Reads the key file.
pub fn load_key(path: &Path) -> anyhow::Result<Ed25519KeyPair> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the audit key {}", path.display()))?;
    let b64: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .with_context(|| format!("{} is not a PEM key", path.display()))?;
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).map_err(|_| {
        anyhow::anyhow!(
            "{} is not an Ed25519 key (make one with skrb audit keygen)",
            path.display()
        )
    })
}

/// Signs a head.
pub fn sign(
    key: &Ed25519KeyPair,
    seq: i64,
    hash: &str,
    at: OffsetDateTime,
) -> anyhow::Result<Checkpoint> {
    let at = at.replace_nanosecond(0)?;
    let sig = key.sign(message(seq, hash, at)?.as_bytes());
    Ok(Checkpoint {
        seq,
        hash: hash.to_string(),
        at,
        sig: base64::engine::general_purpose::STANDARD.encode(sig.as_ref()),
    })
}

/// Whether the line was signed by this public key.
pub fn signed_by(c: &Checkpoint, public_key: &[u8]) -> bool {
    let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(&c.sig) else {
        return false;
    };
    let Ok(msg) = message(c.seq, &c.hash, c.at) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(msg.as_bytes(), &sig)
        .is_ok()
}

/// Every checkpoint of the log, in order, each checked against the key. A line that is
/// not JSON or not signed by the key stops the reading: the log itself was touched.
pub fn read_log(path: &Path, public_key: &[u8]) -> anyhow::Result<Vec<Checkpoint>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut out: Vec<Checkpoint> = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let c: Checkpoint = serde_json::from_str(line).with_context(|| {
            format!(
                "line {} of the checkpoint log {} is damaged",
                i + 1,
                path.display()
            )
        })?;
        if !signed_by(&c, public_key) {
            bail!(
                "line {} of the checkpoint log {} is not signed by the audit key: the log was forged or damaged",
                i + 1,
                path.display()
            );
        }
        if out.last().is_some_and(|p| p.seq > c.seq) {
            bail!(
                "line {} of the checkpoint log {} goes back in the chain (record {} after {})",
                i + 1,
                path.display(),
                c.seq,
                out.last().map(|p| p.seq).unwrap_or(0)
            );
        }
        out.push(c);
    }
    Ok(out)
}

/// Appends checkpoints while the server runs.
pub struct Checkpointer {
    key: Ed25519KeyPair,
    log: PathBuf,
    every: Duration,
    syslog: bool,
    last_seq: i64,
    last_at: Option<Instant>,
}

impl Checkpointer {
    pub fn new(c: &crate::config::Checkpoints) -> anyhow::Result<Checkpointer> {
        let key = load_key(&c.key_file)?;
        let last = read_log(&c.log_file, key.public_key().as_ref())?;
        Ok(Checkpointer {
            last_seq: last.last().map(|c| c.seq).unwrap_or(0),
            key,
            log: c.log_file.clone(),
            every: Duration::from_secs(c.every_seconds),
            syslog: c.syslog,
            last_at: None,
        })
    }

    /// Signs and appends the head if the chain grew and the interval has passed (or
    /// `now_anyway`); returns the line written.
    pub async fn maybe(&mut self, db: &Db, now_anyway: bool) -> anyhow::Result<Option<Checkpoint>> {
        if !now_anyway && self.last_at.is_some_and(|t| t.elapsed() < self.every) {
            return Ok(None);
        }
        let head: Option<(i64, Option<String>)> = crate::sql_pool!(db, p => sqlx::query_as(
            "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
            .fetch_optional(p).await?);
        let Some((seq, Some(hash))) = head else {
            return Ok(None);
        };
        if seq <= self.last_seq {
            return Ok(None);
        }
        let c = sign(&self.key, seq, &hash, OffsetDateTime::now_utc())?;
        append(&self.log, &c)?;
        if self.syslog {
            to_syslog(&c);
        }
        self.last_seq = seq;
        self.last_at = Some(Instant::now());
        Ok(Some(c))
    }
}

/// Appends one line and forces it to disk before the next is signed.
fn append(path: &Path, c: &Checkpoint) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot append to {}", path.display()))?;
    writeln!(f, "{}", serde_json::to_string(c)?)?;
    f.sync_data()?;
    Ok(())
}

/// A copy to the system log (facility auth, level info), where another machine may
/// collect it; best effort.
fn to_syslog(c: &Checkpoint) {
    #[cfg(unix)]
    {
        let msg = format!(
            "<38>skrb[{}]: audit checkpoint seq={} hash={} sig={}",
            std::process::id(),
            c.seq,
            c.hash,
            c.sig
        );
        if let Ok(s) = std::os::unix::net::UnixDatagram::unbound() {
            let _ = s.send_to(msg.as_bytes(), "/dev/log");
        }
    }
}

/// What the chain says of the checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Every checkpoint's record is there with the signed hash.
    Consistent { checkpoints: usize, latest_seq: i64 },
    /// A signed record is gone: the chain was cut after `chain_ends`.
    Truncated {
        chain_ends: i64,
        signed_seq: i64,
        signed_at: String,
    },
    /// A signed record's hash differs: the chain was rebuilt from there or before.
    Rebuilt { seq: i64, signed_at: String },
}

/// Compares the checkpoints with the hashes the chain's verification computed.
pub fn compare(
    checkpoints: &[Checkpoint],
    hash_at: impl Fn(i64) -> Option<String>,
    records: i64,
) -> Finding {
    for c in checkpoints {
        let at =
            c.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
        if c.seq > records {
            return Finding::Truncated {
                chain_ends: records,
                signed_seq: c.seq,
                signed_at: at,
            };
        }
        if hash_at(c.seq).as_deref() != Some(c.hash.as_str()) {
            return Finding::Rebuilt {
                seq: c.seq,
                signed_at: at,
            };
        }
    }
    Finding::Consistent {
        checkpoints: checkpoints.len(),
        latest_seq: checkpoints.last().map(|c| c.seq).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_lines_verify_and_forged_ones_do_not() {
        let dir = std::env::temp_dir().join(format!("skrb-ckpt-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key_path = dir.join("audit.key");
        let public = keygen(&key_path).unwrap();
        assert_eq!(public.len(), 64);
        assert!(keygen(&key_path).is_err(), "never overwrites a key");
        let key = load_key(&key_path).unwrap();
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let c = sign(&key, 42, "ab", at).unwrap();
        let pk = key.public_key().as_ref().to_vec();
        assert!(signed_by(&c, &pk));
        let mut forged = c.clone();
        forged.seq = 41;
        assert!(!signed_by(&forged, &pk));
        let other = dir.join("other.key");
        keygen(&other).unwrap();
        let other = load_key(&other).unwrap();
        assert!(!signed_by(&sign(&other, 42, "ab", at).unwrap(), &pk));

        let log = dir.join("checkpoints.log");
        append(&log, &c).unwrap();
        append(&log, &sign(&key, 50, "cd", at).unwrap()).unwrap();
        assert_eq!(read_log(&log, &pk).unwrap().len(), 2);
        append(&log, &sign(&other, 60, "ef", at).unwrap()).unwrap();
        let err = read_log(&log, &pk).unwrap_err().to_string();
        assert!(
            err.contains("line 3") && err.contains("not signed"),
            "{err}"
        );

        let hashes = |s: i64| {
            Some(if s == 42 {
                "ab".to_string()
            } else {
                "cd".to_string()
            })
        };
        let two = read_log(&log, &pk)
            .err()
            .map(|_| vec![c.clone(), sign(&key, 50, "cd", at).unwrap()])
            .unwrap();
        assert!(matches!(
            compare(&two, hashes, 50),
            Finding::Consistent {
                checkpoints: 2,
                latest_seq: 50
            }
        ));
        assert!(matches!(
            compare(&two, hashes, 45),
            Finding::Truncated {
                chain_ends: 45,
                signed_seq: 50,
                ..
            }
        ));
        assert!(matches!(
            compare(&two, |_| Some("zz".into()), 50),
            Finding::Rebuilt { seq: 42, .. }
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
