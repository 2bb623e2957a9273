//! The `skrb` command line. Exit codes: 0 success, 1 failure (message on stderr),
//! 2 wrong usage (from clap).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::auth::{users, Role};
use skrb_kit::config::{Config, FileConfig, Overrides};
use skrb_kit::db::Db;
use skrb_kit::web::AppState;

#[derive(Parser, Debug)]
#[command(
    name = "skrb",
    version,
    about = "Skrb: the information system for Centres for Social Work"
)]
pub struct Cli {
    /// Configuration file (TOML); flags and SKRB_* variables take precedence over it.
    #[arg(long, global = true, env = "SKRB_CONFIG")]
    config: Option<PathBuf>,
    /// Database: sqlite://FILE (default sqlite://skrb.db) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SKRB_DATABASE_URL")]
    database_url: Option<String>,
    /// A read-only copy for reports, dashboards and downloads (a PostgreSQL streaming
    /// replica); none: they read the database itself.
    #[arg(long, global = true, env = "SKRB_REPORT_DATABASE_URL")]
    report_database_url: Option<String>,
    /// Log filter, e.g. info or skrb=debug,tower_http=info.
    #[arg(long, global = true, env = "SKRB_LOG")]
    log: Option<String>,
    /// Language used when the user has not chosen one: sl, sr-Cyrl, sr-Latn or en.
    #[arg(long, global = true, env = "SKRB_DEFAULT_LOCALE")]
    default_locale: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web UI and the API.
    Serve {
        /// Address and port to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "SKRB_BIND")]
        bind: Option<String>,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, env = "SKRB_TLS_CERT")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, env = "SKRB_TLS_KEY")]
        tls_key: Option<PathBuf>,
    },
    /// Create (or reuse) a demo centre with realistic data, then serve it.
    Demo {
        /// Address and port to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "SKRB_BIND")]
        bind: Option<String>,
        /// Seed of the data generator (same seed, same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// How big: small (a few hundred persons, the default), centre (CSD Velenje,
        /// 10,000 persons) or country (16 centres, 2 million persons).
        #[arg(long, value_enum, default_value = "small")]
        scale: crate::demo::Scale,
        /// Number of persons to generate on first start (default: the scale's).
        #[arg(long)]
        persons: Option<usize>,
        /// Generate the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Measure search, person page, start-up and bulk rates on a demo database.
    Bench {
        /// Samples per measure.
        #[arg(long, default_value_t = 300)]
        samples: usize,
        /// Only the monthly payment run (calculate, approve, export) and its baseline,
        /// measured this many times.
        #[arg(long)]
        payments_only: Option<usize>,
        /// Only the import of 100,000 persons and its baselines (what it imports stays).
        #[arg(long)]
        import_only: bool,
    },
    /// Drive a running Skrb with concurrent signed-in users (search, open, edit).
    Load {
        /// Address of the running server.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// The account the users sign in with (a demo social worker by default).
        #[arg(long, default_value = "socialna")]
        username: String,
        /// Its password (or SKRB_LOAD_PASSWORD).
        #[arg(long, env = "SKRB_LOAD_PASSWORD", hide_env_values = true)]
        password: String,
        /// Concurrent users.
        #[arg(long, default_value_t = 20)]
        users: usize,
        /// How long to run.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
    /// Take a consistent, checked backup of the database while it runs (SQLite: a
    /// compacted copy; PostgreSQL: pg_dump of one snapshot), with a manifest beside it
    /// (FILE.json: schema version, audit chain length and head hash, SHA-256).
    Backup {
        /// The backup file to write (replaced if it exists).
        #[arg(long, conflicts_with = "dir", required_unless_present = "dir")]
        to: Option<PathBuf>,
        /// Or a folder: the backup is named by the time (skrb-YYYYMMDD-HHMMSS.db).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// With --dir: keep only the newest N backups there.
        #[arg(long, default_value_t = 7, requires = "dir")]
        keep: usize,
    },
    /// Replace the database with a backup, then verify it. Refuses when the database's
    /// audit chain is longer than the backup's (that history would be lost) unless forced.
    Restore {
        /// The backup file (with its manifest FILE.json beside it for PostgreSQL).
        file: PathBuf,
        /// Restore even if audit records newer than the backup would be lost.
        #[arg(long)]
        force: bool,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Anonymise or delete records past their retention period.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Rights: the calculator, and the yearly provisional calculation.
    Rights {
        #[command(subcommand)]
        command: RightsCommand,
    },
    /// Payments: monthly runs, approval, bank files, statements, history.
    Payments {
        #[command(subcommand)]
        command: skrb_payments::cli::PaymentsCommand,
    },
    /// Services: home help's billing, roster planning, invoices, statements, receipts.
    Services {
        #[command(subcommand)]
        command: skrb_services::cli::ServicesCommand,
    },
    /// Public authorisations: the foster carers' register and vacancies, what falls due,
    /// a carer's annual payment summary, bills of institutional care, figures.
    Placements {
        #[command(subcommand)]
        command: skrb_placements::cli::PlacementsCommand,
    },
    /// Extra programmes: the year's programmes and budgets, evaluating and approving a
    /// list, the year's totals for the annual report.
    Programmes {
        #[command(subcommand)]
        command: skrb_programmes::cli::ProgrammesCommand,
    },
    /// The centre's year: the head count on a day, the action plan against what is done,
    /// a round table's summary as a PDF.
    Year {
        #[command(subcommand)]
        command: skrb_year::cli::YearCommand,
    },
    /// Reports: the annual work report of a centre or of all centres, as PDF, XLSX,
    /// HTML or JSON (read from the report replica when one is configured).
    Report {
        #[command(subcommand)]
        command: skrb_reports::cli::ReportCommand,
    },
    /// Bring an old register in: persons and households, or active rights as migrated
    /// decisions, from CSV or XLSX; resumable after a kill, a file imported twice
    /// imports nothing the second time.
    Import {
        #[command(subcommand)]
        command: skrb_import::cli::ImportCommand,
    },
}

#[derive(Subcommand, Debug)]
enum RightsCommand {
    /// Print the amount of a right for a household and month, and why.
    Calculate {
        /// The right's code (dsp, dsp_extraordinary, vd, foster_payment, rs_cash, rs_care,
        /// rs_disability, rs_one_off, or an extended right's).
        #[arg(long)]
        right: String,
        /// The household as JSON (a file, or - for standard input), e.g.
        /// {"members":[{"kind":"adult"},{"kind":"child"}],"income":"120.50"}.
        #[arg(long)]
        household: PathBuf,
        /// The month whose parameters apply, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Language of the explanation: sl, sr-Cyrl, sr-Latn, en.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Print JSON (amount, currency, explanation, parameters) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Renew every entitlement of a right ending in the month before MONTH by a
    /// provisional calculation (set-based, with progress).
    Renew {
        #[arg(long)]
        right: String,
        /// The first month of the new period, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Only calculate and report.
        #[arg(long)]
        dry_run: bool,
    },
    /// Put every active user of a right on a commission's agendas for re-assessment
    /// (sessions weekly from the first day), with progress.
    Reassess {
        /// The commission's id.
        #[arg(long)]
        commission: i64,
        /// The right's code, e.g. rs_care.
        #[arg(long)]
        right: String,
        /// The first session's day, YYYY-MM-DD.
        #[arg(long)]
        first_on: String,
        /// Persons per session.
        #[arg(long, default_value_t = 40)]
        per_session: usize,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Verify the whole hash chain, and against the signed checkpoints when they are
    /// configured; names the first broken record, a truncation or a rebuilt chain
    /// (exit code 1).
    Verify,
    /// Make the Ed25519 key that signs checkpoints (kept outside the database, e.g.
    /// /etc/skrb/audit.key; then set audit_key_file and audit_checkpoint_file).
    Keygen {
        /// Where to write the key (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
    /// Seal and sign a checkpoint of the chain's head now (the server does so by itself
    /// every audit_checkpoint_seconds).
    Checkpoint,
}

#[derive(Subcommand, Debug)]
enum RetentionCommand {
    /// Show what is past its period (a dry run unless --apply is given).
    Run {
        /// Really anonymise and delete.
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create a user.
    Add {
        username: String,
        /// Role: administrator, director, head_of_unit, social_worker, rights_officer,
        /// finance_officer, home_help_coordinator, home_help_worker, commission_member,
        /// partner, auditor, ministry.
        #[arg(long)]
        role: String,
        /// Full name shown in the UI (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Code of the user's centre (default: the only centre, if there is one).
        #[arg(long)]
        centre: Option<String>,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Move a user to a centre (ends the user's sessions).
    SetCentre { username: String, centre: String },
    /// Link a partner's account (role partner) to its organisation (a partner id from the
    /// partners page), or `none` to unlink it: it then sees the referrals to it.
    SetPartner { username: String, partner: String },
    /// Remove a user's second factor, e.g. after a lost phone.
    ResetTotp { username: String },
    /// List users.
    List,
    /// Set a user's password (ends the user's sessions).
    SetPassword {
        username: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user (ends the user's sessions).
    Disable { username: String },
    /// Enable a disabled user.
    Enable { username: String },
}

#[derive(Subcommand, Debug)]
enum ConfigCommand {
    /// Print the effective configuration, secrets masked.
    Check,
}

pub fn main() -> ExitCode {
    one_c_heap_per_core();
    crate::install_words();
    let cli = Cli::parse();
    if !cli.command.serves() {
        quiet_on_closed_pipe();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("skrb: {e:#}");
            ExitCode::FAILURE
        }
    }
}

impl Command {
    /// Whether the command serves HTTP (or drives a server): it must keep the runtime's
    /// default of ignoring SIGPIPE, so that a client that hangs up is an error on one
    /// connection, not the end of the process.
    fn serves(&self) -> bool {
        match self {
            Command::Serve { .. } | Command::Load { .. } => true,
            Command::Demo { no_serve, .. } => !no_serve,
            _ => false,
        }
    }
}

/// A command whose output goes into `head` or `grep -q` ends quietly when the reader
/// stops reading, as other command-line tools do, instead of panicking on the closed
/// pipe (Rust ignores SIGPIPE, so every print would fail).
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up before any thread is spawned; restoring the
    // default disposition of a signal has no other effect on the process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// SQLite's page caches and statements live in the C library's heap (Rust's values live
/// in mimalloc, main.rs). glibc gives each thread that allocates at the same moment as
/// another a heap of its own, up to eight per core, and keeps what is freed in each for
/// that heap's next use: the pool's connections, the bulk jobs' roomy caches and their
/// stream threads left eleven heaps holding 446 MB in the country bench, where the live
/// caches are some 130 MB. No more heaps than cores (two threads cannot allocate at
/// once on fewer), so freed pages are used again: the bench's peak went from 705 MB to
/// 518 MB, with the same figures.
fn one_c_heap_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let cores = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: called once at start-up before any thread is spawned; it changes only
        // how many heaps glibc's malloc may create from now on.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, cores);
        }
    }
}

fn resolve(cli: &Cli, bind: Option<String>, demo: bool) -> anyhow::Result<Config> {
    resolve_tls(cli, bind, demo, None, None)
}

fn resolve_tls(
    cli: &Cli,
    bind: Option<String>,
    demo: bool,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
) -> anyhow::Result<Config> {
    let file = match &cli.config {
        Some(p) => FileConfig::load(p)?,
        None => FileConfig::default(),
    };
    let mut database_url = cli.database_url.clone();
    if demo && database_url.is_none() && file.database_url.is_none() {
        database_url = Some(crate::demo::DEFAULT_DATABASE_URL.to_string());
    }
    Config::resolve(
        Overrides {
            database_url,
            report_database_url: cli.report_database_url.clone(),
            bind,
            default_locale: cli.default_locale.clone(),
            log: cli.log.clone(),
            tls_cert,
            tls_key,
        },
        file,
    )
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the password from standard input")?;
        Ok(s.trim_end_matches(['\n', '\r']).to_string())
    } else {
        let a = rpassword::prompt_password("Password: ")?;
        let b = rpassword::prompt_password("Repeat: ")?;
        anyhow::ensure!(a == b, "the passwords differ");
        Ok(a)
    }
}

/// The server's state: the database, and the report replica where one is configured
/// (it is not migrated: a replica follows its primary).
async fn app_state(db: Db, config: Config) -> anyhow::Result<AppState> {
    let reports = match &config.report_database_url {
        Some(url) => Some(Db::connect(url).await?),
        None => None,
    };
    let state = AppState::new(db, config);
    Ok(match reports {
        Some(r) => state.with_reports(r),
        None => state,
    })
}

async fn open(config: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    Ok(db)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        match &cli.command {
            Command::Serve {
                bind,
                tls_cert,
                tls_key,
            } => {
                let config = resolve_tls(&cli, bind.clone(), false, tls_cert.clone(), tls_key.clone())?;
                init_logging(&config.log);
                let tls = match (&config.tls_cert, &config.tls_key) {
                    (Some(c), Some(k)) => Some(skrb_kit::web::tls::acceptor(c, k)?),
                    _ => None,
                };
                let db = open(&config).await?;
                let listener = tokio::net::TcpListener::bind(config.bind)
                    .await
                    .with_context(|| format!("cannot listen on {}", config.bind))?;
                let addr = listener.local_addr()?;
                let scheme = if tls.is_some() { "https" } else { "http" };
                tracing::info!(
                    backend = db.backend_name(),
                    "Skrb listening on {scheme}://{addr}/"
                );
                println!("Skrb is running at {scheme}://{addr}/");
                let state = app_state(db, config).await?;
                match tls {
                    Some(acceptor) => crate::web::serve_tls(state, listener, acceptor).await,
                    None => crate::web::serve(state, listener).await,
                }
            }
            Command::Demo {
                bind,
                seed,
                scale,
                persons,
                no_serve,
            } => {
                let config = resolve(&cli, bind.clone(), true)?;
                init_logging(&config.log);
                let db = open(&config).await?;
                let logins = crate::demo::prepare(&db, *seed, *scale, *persons).await?;
                println!(
                    "Demo centre ready in {}",
                    skrb_kit::db::mask_url(&config.database_url)
                );
                println!("Sign in with one of these accounts (passwords are new at every start):");
                for (user, role, password) in &logins {
                    println!("  {user:<18} {password:<22} {role}");
                }
                if *no_serve {
                    return Ok(());
                }
                let listener = tokio::net::TcpListener::bind(config.bind)
                    .await
                    .with_context(|| format!("cannot listen on {}", config.bind))?;
                println!(
                    "Open http://{}/ in your browser. Stop with Ctrl-C.",
                    listener.local_addr()?
                );
                crate::web::serve(app_state(db, config).await?, listener).await
            }
            Command::Migrate => {
                let config = resolve(&cli, None, false)?;
                let db = Db::connect(&config.database_url).await?;
                let before = db.schema_version().await?;
                db.migrate().await?;
                println!(
                    "Database schema at version {} (was {before}) on {}",
                    db.schema_version().await?,
                    db.backend_name()
                );
                Ok(())
            }
            Command::User { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                user_command(&db, command).await
            }
            Command::Bench {
                samples,
                payments_only,
                import_only,
            } => {
                let config = resolve(&cli, None, false)?;
                match (payments_only, import_only) {
                    (Some(n), _) => crate::bench::payments_only(config, *n).await,
                    (None, true) => crate::bench::import_only(config).await,
                    (None, false) => crate::bench::run(config, *samples).await,
                }
            }
            Command::Load {
                addr,
                username,
                password,
                users,
                seconds,
            } => {
                crate::load::run(crate::load::Options {
                    addr: addr.clone(),
                    username: username.clone(),
                    password: password.clone(),
                    users: *users,
                    seconds: *seconds,
                })
                .await
            }
            Command::Backup { to, dir, keep } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                let (file, m) = match (to, dir) {
                    (Some(to), _) => (to.clone(), crate::backup::take(&db, &config.database_url, to).await?),
                    (None, Some(dir)) => crate::backup::into_dir(&db, &config.database_url, dir, *keep).await?,
                    (None, None) => anyhow::bail!("give --to FILE or --dir DIR"),
                };
                println!(
                    "Backup written to {} ({} bytes, SHA-256 {}).",
                    file.display(),
                    m.bytes,
                    m.sha256
                );
                println!(
                    "Checked: schema version {}, audit chain of {} records intact.",
                    m.schema_version, m.audit_records
                );
                println!("Head hash: {} (in {})", m.audit_head, crate::backup::manifest_path(&file).display());
                Ok(())
            }
            Command::Restore { file, force } => {
                let config = resolve(&cli, None, false)?;
                let v = crate::backup::restore(&config.database_url, file, *force).await?;
                println!(
                    "Restored {} into {}: the audit chain of {} records is intact; head hash {}.",
                    file.display(),
                    skrb_kit::db::mask_url(&config.database_url),
                    v.records,
                    v.head
                );
                Ok(())
            }
            Command::Audit {
                command: AuditCommand::Keygen { out },
            } => {
                let public = crate::audit::checkpoint::keygen(out)?;
                println!("Audit key written to {} (skrb_kit::progress::readable by its owner only).", out.display());
                println!("Public key: {public}");
                println!("Set audit_key_file and audit_checkpoint_file in the configuration.");
                Ok(())
            }
            Command::Audit {
                command: AuditCommand::Checkpoint,
            } => {
                let config = resolve(&cli, None, false)?;
                let Some(c) = &config.checkpoints else {
                    anyhow::bail!("no checkpoints configured (audit_key_file, audit_checkpoint_file)");
                };
                let db = open(&config).await?;
                let mut writer = crate::audit::checkpoint::Checkpointer::new(c)?;
                match writer.maybe(&db, true).await? {
                    Some(line) => println!("Checkpoint signed: record {} with hash {}.", line.seq, line.hash),
                    None => println!("The chain has not grown since the last checkpoint."),
                }
                Ok(())
            }
            Command::Audit {
                command: AuditCommand::Verify,
            } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                // Progress on a terminal only, so that scripts read clean output.
                // Seal what the server has not sealed yet (a role without UPDATE on the
                // log cannot; then only the sealed part is checked).
                if let Err(e) = crate::audit::chain::seal(&db).await {
                    eprintln!("note: cannot seal the newest records ({e}); checking the sealed part");
                }
                let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
                let signed = match &config.checkpoints {
                    Some(c) => {
                        let key = crate::audit::checkpoint::load_key(&c.key_file)?;
                        use ring::signature::KeyPair;
                        Some(crate::audit::checkpoint::read_log(&c.log_file, key.public_key().as_ref())?)
                    }
                    None => None,
                };
                let seqs: Vec<i64> = signed.iter().flatten().map(|c| c.seq).collect();
                let mut tx = db.begin_read().await?;
                let v = crate::audit::chain::verify_keeping(&mut tx, &seqs, |n| {
                    if tty {
                        eprint!("\rverified {n} records");
                    }
                })
                .await?;
                tx.commit().await?;
                if tty {
                    eprintln!();
                }
                if let (None, Some(signed)) = (&v.broken, &signed) {
                    use crate::audit::checkpoint::{compare, Finding};
                    let hash_at = |s: i64| v.kept.iter().find(|(k, _)| *k == s).map(|(_, h)| h.clone());
                    match compare(signed, hash_at, v.records as i64) {
                        Finding::Consistent { checkpoints, latest_seq } => println!(
                            "{checkpoints} signed checkpoint{} agree{} with the chain (the latest at record {latest_seq}).",
                            if checkpoints == 1 { "" } else { "s" },
                            if checkpoints == 1 { "s" } else { "" }
                        ),
                        Finding::Truncated { chain_ends, signed_seq, signed_at } => anyhow::bail!(
                            "the audit log was cut: the chain ends at record {chain_ends}, but a checkpoint signed at {signed_at} saw record {signed_seq}"
                        ),
                        Finding::Rebuilt { seq, signed_at } => anyhow::bail!(
                            "the audit chain was rebuilt: record {seq}'s hash differs from the one signed at {signed_at}"
                        ),
                    }
                }
                match v.broken {
                    None => {
                        println!("The audit log is intact: {} records.", v.records);
                        if v.unsealed > 0 {
                            println!("{} newer records are not sealed yet.", v.unsealed);
                        }
                        println!("Head hash: {} (keep it elsewhere to detect truncation)", v.head);
                        Ok(())
                    }
                    Some(b) => anyhow::bail!(
                        "the audit log is broken at record {} of the chain: {} ({} records before it are intact)",
                        b.seq,
                        b.problem,
                        v.records
                    ),
                }
            }
            Command::Rights { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                rights_command(&db, command).await
            }
            Command::Payments { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                skrb_payments::cli::run(&db, command).await
            }
            Command::Services { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                skrb_services::cli::run(&db, command).await
            }
            Command::Placements { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                skrb_placements::cli::run(&db, command).await
            }
            Command::Programmes { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                skrb_programmes::cli::run(&db, command).await
            }
            Command::Year { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                skrb_year::cli::run(&db, command).await
            }
            Command::Report { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                let read = match &config.report_database_url {
                    Some(url) => Db::connect(url).await?,
                    None => db.clone(),
                };
                skrb_reports::cli::run(&db, &read, command).await
            }
            Command::Import { command } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                skrb_import::cli::run(&db, command).await
            }
            Command::Retention {
                command: RetentionCommand::Run { apply },
            } => {
                let config = resolve(&cli, None, false)?;
                let db = open(&config).await?;
                let r = skrb_registry::retention::run(
                    &db,
                    &crate::audit::Actor::system("retention"),
                    &config.retention,
                    time::OffsetDateTime::now_utc(),
                    *apply,
                )
                .await?;
                let verb = if *apply { "Done" } else { "Dry run (nothing changed; use --apply)" };
                println!("{verb}:");
                println!("  persons anonymised     {}", r.persons_anonymised);
                println!("  memberships deleted    {}", r.memberships_deleted);
                println!("  API tokens deleted     {}", r.api_tokens_deleted);
                println!("  glass breaks deleted   {}", r.glass_breaks_deleted);
                println!("  sessions deleted       {}", r.sessions_deleted);
                println!("  login failures deleted {}", r.login_failures_deleted);
                Ok(())
            }
            Command::Config {
                command: ConfigCommand::Check,
            } => {
                let config = resolve(&cli, None, false)?;
                print!("{}", config.describe());
                Ok(())
            }
        }
    })
}

async fn user_command(db: &Db, command: &UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            name,
            centre,
            password_stdin,
        } => {
            let role = Role::from_code(role).with_context(|| {
                let all: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
                format!("unknown role {role:?}; one of: {}", all.join(", "))
            })?;
            let password = read_password(*password_stdin)?;
            let display = name.clone().unwrap_or_else(|| username.clone());
            users::add(db, username, &display, role, &password).await?;
            let centre = match centre {
                Some(c) => Some(c.clone()),
                None => users::only_centre(db).await?,
            };
            if let Some(c) = &centre {
                users::set_centre(db, username, c).await?;
            }
            println!(
                "User {username} added with role {}{}",
                role.code(),
                centre
                    .map(|c| format!(" in centre {c}"))
                    .unwrap_or_default()
            );
        }
        UserCommand::List => {
            for u in users::list(db).await? {
                let state = if u.active { "active" } else { "disabled" };
                println!(
                    "{:<20} {:<22} {:<9} {}",
                    u.username, u.role, state, u.display_name
                );
            }
        }
        UserCommand::SetPassword {
            username,
            password_stdin,
        } => {
            let password = read_password(*password_stdin)?;
            users::set_password(db, username, &password).await?;
            println!("Password of {username} changed; the user's sessions have ended.");
        }
        UserCommand::SetCentre { username, centre } => {
            users::set_centre(db, username, centre).await?;
            println!(
                "User {username} now works in centre {centre}; the user's sessions have ended."
            );
        }
        UserCommand::SetPartner { username, partner } => {
            let id =
                match partner.as_str() {
                    "none" => None,
                    p => Some(p.parse::<i64>().map_err(|_| {
                        anyhow::anyhow!("the partner is a number (its id) or `none`")
                    })?),
                };
            skrb_partners::directory::link_user(db, &crate::audit::Actor::system("cli"), id, username)
                .await
                .map_err(|e| anyhow::anyhow!("{e}: {username} must be an account of the role partner, and the partner must exist"))?;
            match id {
                Some(p) => println!("User {username} now answers the referrals to partner {p}."),
                None => println!("User {username} is linked to no partner."),
            }
        }
        UserCommand::ResetTotp { username } => {
            let u = users::find_by_username(db, username)
                .await?
                .with_context(|| format!("no user {username}"))?;
            crate::auth::mfa::disable(db, &crate::audit::Actor::system("cli"), u.id).await?;
            println!("The second factor of {username} is removed; they can set up a new one.");
        }
        UserCommand::Disable { username } => {
            users::set_active(db, username, false).await?;
            println!("User {username} disabled.");
        }
        UserCommand::Enable { username } => {
            users::set_active(db, username, true).await?;
            println!("User {username} enabled.");
        }
    }
    Ok(())
}

async fn rights_command(db: &Db, command: &RightsCommand) -> anyhow::Result<()> {
    match command {
        RightsCommand::Calculate {
            right,
            household,
            month,
            lang,
            json,
        } => {
            let text = if household.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(household)
                    .with_context(|| format!("cannot read {}", household.display()))?
            };
            let h: skrb_domain::rights::Household =
                serde_json::from_str(&text).context("the household JSON is not valid")?;
            let l = skrb_kit::i18n::Locale::from_code(lang).ok_or_else(|| {
                anyhow::anyhow!("unknown language {lang} (sl, sr-Cyrl, sr-Latn, en)")
            })?;
            let (rt, c, p) = skrb_rights::calculate_for(db, right, month, &h)
                .await
                .map_err(skrb_kit::progress::readable)?;
            let lines = skrb_rights::explain::lines(l, &c, &rt.currency);
            if *json {
                println!(
                    "{}",
                    serde_json::json!({
                        "right": rt.code, "month": month, "currency": rt.currency,
                        "amount": skrb_domain::rights::money::plain(c.amount),
                        "explanation": lines, "params": p.0,
                    })
                );
            } else {
                println!(
                    "{}: {}",
                    rt.name_in(l),
                    skrb_kit::i18n::fmt_money(l, c.amount, &rt.currency)
                );
                for line in lines {
                    println!("  {line}");
                }
            }
            Ok(())
        }
        RightsCommand::Renew {
            right,
            month,
            dry_run,
        } => {
            let f = skrb_rights::renewal::RenewalForm {
                right: right.clone(),
                month: month.clone(),
                dry_run: if *dry_run {
                    "true".into()
                } else {
                    String::new()
                },
                ..Default::default()
            };
            let mut progress: Option<skrb_kit::progress::Progress> = None;
            let started = std::time::Instant::now();
            let r = skrb_rights::renewal::run(
                db,
                &crate::audit::Actor::system("rights renew"),
                &f,
                time::OffsetDateTime::now_utc().date(),
                &mut |done, total| {
                    progress
                        .get_or_insert_with(|| {
                            skrb_kit::progress::Progress::new("entitlements", total)
                        })
                        .show(done)
                },
            )
            .await
            .map_err(skrb_kit::progress::readable)?;
            let verb = if *dry_run {
                "Dry run (nothing changed)"
            } else {
                "Renewed"
            };
            println!(
                "{verb}: {} of {} entitlements of {} from {} in {:.1} s",
                r.renewed,
                r.selected,
                r.right,
                r.month,
                started.elapsed().as_secs_f64()
            );
            println!(
                "  higher {}, lower {}, left for an officer {}",
                r.raised,
                r.lowered,
                r.failed.len()
            );
            println!(
                "  monthly total {} -> {}",
                skrb_domain::rights::money::plain(r.total_before),
                skrb_domain::rights::money::plain(r.total_after)
            );
            for (id, why) in r.failed.iter().take(20) {
                println!("  entitlement {id}: {why}");
            }
            Ok(())
        }
        RightsCommand::Reassess {
            commission,
            right,
            first_on,
            per_session,
        } => {
            let f = skrb_rights::commissions::ReassessForm {
                right: right.clone(),
                first_on: first_on.clone(),
                per_session: per_session.to_string(),
            };
            let mut progress: Option<skrb_kit::progress::Progress> = None;
            let r = skrb_rights::commissions::reassess(
                db,
                &crate::audit::Actor::system("rights reassess"),
                *commission,
                &f,
                &mut |done, total| {
                    progress
                        .get_or_insert_with(|| {
                            skrb_kit::progress::Progress::new("agenda items", total)
                        })
                        .show(done)
                },
            )
            .await
            .map_err(skrb_kit::progress::readable)?;
            println!(
                "{} persons on the agendas of {} sessions",
                r.persons, r.sessions
            );
            Ok(())
        }
    }
}
