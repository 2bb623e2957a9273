//! Effective configuration: command-line flags, then `SKRB_*` environment variables
//! (clap reads both), then an optional TOML file, then built-in defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::i18n::Locale;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://skrb.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Settings that may come from the TOML file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    /// A read-only copy (a PostgreSQL streaming replica) for reports, dashboards and
    /// downloads; none: they read the primary.
    pub report_database_url: Option<String>,
    pub bind: Option<String>,
    pub default_locale: Option<String>,
    pub log: Option<String>,
    pub session_idle_minutes: Option<u32>,
    pub session_max_hours: Option<u32>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// A folder for nightly backups while serving (none: no nightly backup).
    pub backup_dir: Option<PathBuf>,
    /// How many nightly backups to keep (default 7).
    pub backup_keep: Option<usize>,
    /// The hour (0-23, UTC) of the nightly backup (default 2).
    pub backup_hour: Option<u8>,
    /// The Ed25519 key (PKCS#8, from `skrb audit keygen`) that signs the audit chain's
    /// checkpoints; none: no checkpoints.
    pub audit_key_file: Option<PathBuf>,
    /// Where checkpoints are appended, outside the database.
    pub audit_checkpoint_file: Option<PathBuf>,
    /// At most one checkpoint per this many seconds, when the chain has grown.
    pub audit_checkpoint_seconds: Option<u64>,
    /// Also send each checkpoint to the system log (/dev/log).
    pub audit_syslog: Option<bool>,
    #[serde(default)]
    pub retention: Retention,
}

/// How long each kind of record is kept once it has no more use (`skrb retention run`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    /// A person with no current household whose record has not changed for this many
    /// years is anonymised: names, numbers and contacts go; sex, birth year and
    /// municipality stay for statistics.
    pub person_inactive_years: u32,
    /// Household memberships that ended this many years ago are deleted.
    pub membership_ended_years: u32,
    /// Expired or revoked API tokens are deleted this many days after.
    pub api_token_days: u32,
    /// Reviewed "break the glass" records are deleted after this many years (their
    /// audit records stay).
    pub glass_break_years: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            person_inactive_years: 10,
            membership_ended_years: 10,
            api_token_days: 90,
            glass_break_years: 2,
        }
    }
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("invalid configuration file {}", path.display()))
    }
}

/// The configuration the program runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub report_database_url: Option<String>,
    pub bind: SocketAddr,
    pub default_locale: Locale,
    pub log: String,
    pub session_idle_minutes: u32,
    pub session_max_hours: u32,
    /// Certificate and key (PEM) to serve HTTPS with; both or neither.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Served over TLS: cookies are `Secure` and HSTS is sent.
    pub tls: bool,
    pub backup: Option<NightlyBackup>,
    pub checkpoints: Option<Checkpoints>,
    pub retention: Retention,
}

/// Nightly backups while serving.
#[derive(Debug, Clone, PartialEq)]
pub struct NightlyBackup {
    pub dir: PathBuf,
    pub keep: usize,
    pub hour: u8,
}

/// Signed checkpoints of the audit chain's head, kept outside the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoints {
    pub key_file: PathBuf,
    pub log_file: PathBuf,
    pub every_seconds: u64,
    pub syslog: bool,
}

/// Values given on the command line or in the environment (already merged by clap).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub report_database_url: Option<String>,
    pub bind: Option<String>,
    pub default_locale: Option<String>,
    pub log: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

impl Config {
    pub fn resolve(over: Overrides, file: FileConfig) -> anyhow::Result<Config> {
        let bind = over
            .bind
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_string());
        let locale = over
            .default_locale
            .or(file.default_locale)
            .unwrap_or_else(|| "sl".into());
        let tls_cert = over.tls_cert.or(file.tls_cert);
        let tls_key = over.tls_key.or(file.tls_key);
        anyhow::ensure!(
            tls_cert.is_some() == tls_key.is_some(),
            "give both tls_cert and tls_key, or neither"
        );
        let tls = tls_cert.is_some();
        let backup_hour = file.backup_hour.unwrap_or(2);
        anyhow::ensure!(backup_hour < 24, "backup_hour is an hour of the day, 0-23");
        let backup = file.backup_dir.map(|dir| NightlyBackup {
            dir,
            keep: file.backup_keep.unwrap_or(7).max(1),
            hour: backup_hour,
        });
        anyhow::ensure!(
            file.audit_key_file.is_some() == file.audit_checkpoint_file.is_some(),
            "give both audit_key_file and audit_checkpoint_file, or neither"
        );
        let checkpoints = match (file.audit_key_file, file.audit_checkpoint_file) {
            (Some(key_file), Some(log_file)) => Some(Checkpoints {
                key_file,
                log_file,
                every_seconds: file.audit_checkpoint_seconds.unwrap_or(60).max(1),
                syslog: file.audit_syslog.unwrap_or(false),
            }),
            _ => None,
        };
        Ok(Config {
            report_database_url: over.report_database_url.or(file.report_database_url),
            database_url: over
                .database_url
                .or(file.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            bind: bind
                .parse()
                .with_context(|| format!("invalid bind address {bind:?} (expected ADDR:PORT)"))?,
            default_locale: Locale::from_code(&locale)
                .with_context(|| format!("unknown locale {locale:?} (sl, sr-Cyrl, sr-Latn, en)"))?,
            log: over.log.or(file.log).unwrap_or_else(|| "info".into()),
            session_idle_minutes: file.session_idle_minutes.unwrap_or(30),
            session_max_hours: file.session_max_hours.unwrap_or(12),
            tls,
            tls_cert,
            tls_key,
            backup,
            checkpoints,
            retention: file.retention,
        })
    }

    /// The effective configuration as `key = value` lines, secrets masked.
    pub fn describe(&self) -> String {
        let mut extra = String::new();
        if let Some(b) = &self.backup {
            extra.push_str(&format!(
                "backup_dir = {:?}\nbackup_keep = {}\nbackup_hour = {}\n",
                b.dir.display().to_string(),
                b.keep,
                b.hour
            ));
        }
        if let Some(r) = &self.report_database_url {
            extra.push_str(&format!(
                "report_database_url = {:?}\n",
                crate::db::mask_url(r)
            ));
        }
        if let Some(c) = &self.checkpoints {
            extra.push_str(&format!(
                "audit_key_file = {:?}\naudit_checkpoint_file = {:?}\naudit_checkpoint_seconds = {}\naudit_syslog = {}\n",
                c.key_file.display().to_string(),
                c.log_file.display().to_string(),
                c.every_seconds,
                c.syslog
            ));
        }
        format!(
            "database_url = {:?}\nbind = \"{}\"\ndefault_locale = \"{}\"\nlog = {:?}\nsession_idle_minutes = {}\nsession_max_hours = {}\ntls = {}\n{extra}\n[retention]\nperson_inactive_years = {}\nmembership_ended_years = {}\napi_token_days = {}\nglass_break_years = {}\n",
            crate::db::mask_url(&self.database_url),
            self.bind,
            self.default_locale.code(),
            self.log,
            self.session_idle_minutes,
            self.session_max_hours,
            self.tls,
            self.retention.person_inactive_years,
            self.retention.membership_ended_years,
            self.retention.api_token_days,
            self.retention.glass_break_years,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_beats_default() {
        let file: FileConfig =
            toml::from_str("database_url = \"sqlite://file.db\"\nbind = \"0.0.0.0:9000\"\nsession_idle_minutes = 10").unwrap();
        let c = Config::resolve(
            Overrides {
                bind: Some("127.0.0.1:7000".into()),
                ..Default::default()
            },
            file,
        )
        .unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:7000");
        assert_eq!(c.database_url, "sqlite://file.db");
        assert_eq!(c.session_idle_minutes, 10);
        assert_eq!(c.session_max_hours, 12);
        assert_eq!(c.default_locale, Locale::Sl);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(toml::from_str::<FileConfig>("databse_url = \"x\"").is_err());
        let bad = Overrides {
            bind: Some("nowhere".into()),
            ..Default::default()
        };
        assert!(Config::resolve(bad, FileConfig::default()).is_err());
    }

    #[test]
    fn secrets_are_masked() {
        let c = Config::resolve(
            Overrides {
                database_url: Some("postgres://skrb:hunter2@db:5432/skrb".into()),
                ..Default::default()
            },
            FileConfig::default(),
        )
        .unwrap();
        let d = c.describe();
        assert!(!d.contains("hunter2"));
        assert!(d.contains("postgres://skrb:****@db:5432/skrb"));
    }
}
