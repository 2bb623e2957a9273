//! Password hashing with Argon2id. Hashing is slow on purpose, so it runs on the
//! blocking pool; unknown users are checked against a dummy hash so that response time
//! does not reveal which usernames exist.

use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`verify`] in caller-owned working memory. The allocator would keep every freed
/// 19 MiB buffer around otherwise (glibc raises its mmap threshold after the first), so
/// memory grew with every sign-in.
fn verify_in(password: &str, stored: &str, blocks: &mut Vec<argon2::Block>) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(params), Ok(alg)) = (
        argon2::Params::try_from(&h),
        argon2::Algorithm::try_from(h.algorithm),
    ) else {
        return false;
    };
    let version = match h.version.map(argon2::Version::try_from) {
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
        None => argon2::Version::default(),
    };
    let (Some(expected), Some(salt)) = (h.hash, h.salt) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let need = params.block_count();
    if blocks.len() < need {
        blocks.resize(need, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let computed = Argon2::new(alg, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut blocks[..need],
    );
    computed.is_ok()
        && out.len() == expected.as_bytes().len()
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default())
}

/// Password checks run on this many dedicated threads. Each check takes ~19 MiB and a
/// core for a moment; on a few long-lived threads, a burst of sign-ins (or an attack)
/// queues instead of exhausting memory, and the allocator reuses the same few buffers
/// (spread over the blocking pool's many threads, each would keep its own).
const HASH_THREADS: usize = 4;

type Job = (String, Option<String>, tokio::sync::oneshot::Sender<bool>);

fn hash_pool() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<Job>> {
    static POOL: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..HASH_THREADS {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("skrb-hash-{i}"))
                .spawn(move || {
                    // This thread's working memory for Argon2, reused for every check.
                    let mut blocks: Vec<argon2::Block> = Vec::new();
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        let Ok((password, stored, reply)) = job else {
                            return;
                        };
                        let ok = match stored {
                            Some(h) => verify_in(&password, &h, &mut blocks),
                            None => {
                                let _ = verify_in(&password, dummy_hash(), &mut blocks);
                                false
                            }
                        };
                        let _ = reply.send(ok);
                    }
                });
        }
        std::sync::Mutex::new(tx)
    })
}

/// Verifies off the async threads; `stored = None` (no such user) costs the same time.
pub async fn verify_async(password: String, stored: Option<String>) -> bool {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let sent = hash_pool()
        .lock()
        .map(|tx| tx.send((password, stored, reply)).is_ok())
        .unwrap_or(false);
    sent && answer.await.unwrap_or(false)
}

/// The most common passwords long enough to pass the length rule.
const COMMON: &str = include_str!("common-passwords.txt");

fn is_common(password: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        COMMON
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    });
    set.contains(password.to_lowercase().as_str())
}

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    TooShort,
    TooLong,
    Common,
}

impl Weak {
    /// The message key (the CLI prints [`std::fmt::Display`], in English).
    pub fn key(self) -> &'static str {
        match self {
            Weak::TooShort => "password-too-short",
            Weak::TooLong => "password-too-long",
            Weak::Common => "password-common",
        }
    }
}

impl std::fmt::Display for Weak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Weak::TooShort => write!(f, "the password must have at least {MIN_LENGTH} characters"),
            Weak::TooLong => write!(f, "the password may have at most {MAX_LENGTH} characters"),
            Weak::Common => write!(
                f,
                "this password is among the most common ones; choose another"
            ),
        }
    }
}

pub const MAX_LENGTH: usize = 128;

/// Length is what makes a password strong (NIST 800-63B, ASVS 6.2): no character-class
/// rules, but a minimum length and a check against the most common passwords.
pub fn check_strength(password: &str) -> Result<(), Weak> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(Weak::TooShort);
    }
    if n > MAX_LENGTH {
        return Err(Weak::TooLong);
    }
    if is_common(password) {
        return Err(Weak::Common);
    }
    Ok(())
}

/// Whether a stored hash was made with other parameters than today's (an older
/// algorithm, cost or version): then it is replaced at the next sign-in.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return true;
    };
    let current = argon2::Params::default();
    let param = |name: &str| h.params.get_decimal(name);
    h.algorithm != argon2::Algorithm::Argon2id.ident()
        || h.version != Some(argon2::Version::V0x13.into())
        || param("m") != Some(current.m_cost())
        || param("t") != Some(current.t_cost())
        || param("p") != Some(current.p_cost())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_and_verify() {
        let h = super::hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &h));
        assert!(!super::verify("wrong", &h));
        assert!(!super::verify("x", "not a hash"));
        assert!(!super::needs_rehash(&h));
        let mut blocks = Vec::new();
        assert!(super::verify_in("correct horse battery", &h, &mut blocks));
        assert!(!super::verify_in("correct horse batterz", &h, &mut blocks));
        assert!(!super::verify_in("x", "not a hash", &mut blocks));
    }

    #[test]
    fn older_parameters_are_upgraded() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let weak = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8192, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let h = weak
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(super::needs_rehash(&h));
        assert!(super::verify("correct horse battery", &h));
        assert!(super::verify_in(
            "correct horse battery",
            &h,
            &mut Vec::new()
        ));
        assert!(super::needs_rehash("$2b$10$notargon"));
    }

    #[test]
    fn strength_is_length_and_not_common() {
        use super::{check_strength, Weak};
        assert_eq!(check_strength("short"), Err(Weak::TooShort));
        assert_eq!(check_strength("1234567890"), Err(Weak::Common));
        assert_eq!(check_strength("Password123"), Err(Weak::Common));
        assert_eq!(check_strength("Lozinka1234"), Err(Weak::Common));
        assert_eq!(check_strength(&"x".repeat(200)), Err(Weak::TooLong));
        assert_eq!(check_strength("correct horse battery"), Ok(()));
        assert_eq!(check_strength("žabe skačejo"), Ok(()));
    }
}
