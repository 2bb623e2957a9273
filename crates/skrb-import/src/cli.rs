//! `skrb import persons|entitlements|cases|carers FILE --centre CODE [--profile NAME] [--dry-run]
//! [--rows-per-commit N]`:
//! the same steps as the pages (keep the file, map by the profile or the headings,
//! check, report the counts, write the refused rows beside the file, commit), with a
//! progress bar. Run again after a kill, it goes on where it stopped; run with a file
//! already imported, it imports nothing. Duplicates wait for a reviewer unless
//! `--duplicates skip|new|merge` decides them all.

use clap::{Args, Subcommand, ValueEnum};
use skrb_domain::import::{BatchStatus, Choice, Kind};
use skrb_kit::centre::cli_actor;
use skrb_kit::db::Db;
use skrb_kit::i18n::Locale;
use skrb_kit::progress::{readable, Progress};

use crate::batches::{self, Counts, Uploaded};
use crate::{check::Settings, commit, profiles};

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Persons, with their households where a column names them.
    Persons(ImportArgs),
    /// Active rights with the decisions they rest on (migrated decisions).
    Entitlements(ImportArgs),
    /// Open case files with their worker (the persons registered first).
    Cases(ImportArgs),
    /// Foster carers with their permits and the children placed with them.
    Carers(ImportArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV or XLSX file.
    pub file: std::path::PathBuf,
    /// The centre whose register this is (its code).
    #[arg(long)]
    pub centre: String,
    /// Who imports (a user name); the job's own name otherwise.
    #[arg(long)]
    pub user: Option<String>,
    /// A saved mapping of the centre; the headings are read otherwise.
    #[arg(long)]
    pub profile: Option<String>,
    /// utf-8, windows-1250, windows-1251 (detected otherwise).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Check and report, write nothing to the registry.
    #[arg(long)]
    pub dry_run: bool,
    /// Decide every duplicate so: skip, new, merge (merge: only those with the same
    /// personal number; the rest wait for review).
    #[arg(long, value_enum)]
    pub duplicates: Option<Dups>,
    /// The language of the refused rows' reasons.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Rows written per transaction: a stop loses at most the set under way, and other
    /// writers wait for each set's commit; larger sets write a big registry's pages fewer
    /// times.
    #[arg(long, default_value_t = commit::ROWS_PER_COMMIT, value_parser = clap::value_parser!(i64).range(1..))]
    pub rows_per_commit: i64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Dups {
    Skip,
    New,
    Merge,
}

fn print(c: &Counts) {
    println!(
        "rows {}: valid {}, with warnings {}, invalid {}, duplicates {} (undecided {}), imported before {}",
        c.rows, c.valid, c.warned, c.invalid, c.duplicates, c.undecided, c.already
    );
    println!(
        "written {}, skipped {}, still to write {}",
        c.imported, c.skipped, c.remaining
    );
}

pub async fn run(db: &Db, command: &ImportCommand) -> anyhow::Result<()> {
    let (kind, a) = match command {
        ImportCommand::Persons(a) => (Kind::Persons, a),
        ImportCommand::Entitlements(a) => (Kind::Entitlements, a),
        ImportCommand::Cases(a) => (Kind::Cases, a),
        ImportCommand::Carers(a) => (Kind::Carers, a),
    };
    let l = Locale::from_code(&a.lang).unwrap_or(Locale::En);
    let who = cli_actor(db, &Some(a.centre.clone()), &a.user, "import").await?;
    let centre = batches::centre_of(&who).map_err(readable)?;
    let bytes = std::fs::read(&a.file)?;
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let profile = match &a.profile {
        Some(p) => Some(
            profiles::named(db, centre, kind, p)
                .await
                .map_err(readable)?
                .ok_or_else(|| anyhow::anyhow!("no {} profile named {p}", kind.code()))?,
        ),
        None => None,
    };
    let hint = a.encoding.as_ref().map(|e| Settings {
        encoding: e.clone(),
        ..Settings::default()
    });
    let up = batches::upload(db, &who, centre, kind, &name, bytes, hint, profile)
        .await
        .map_err(readable)?;
    let id = up.id();
    let (b, mut counts) = batches::get(db, &who, id).await.map_err(readable)?;
    if let Uploaded::Again(_) = up {
        println!(
            "this file is import #{id} ({}), nothing new to check",
            b.status.code()
        );
    }
    if b.status == BatchStatus::Uploaded {
        let settings = b.settings.clone().unwrap_or_default();
        let mut bar = Progress::new("checked", 0);
        counts = batches::check(db, &who, id, settings, &mut |n| bar.show_count(n))
            .await
            .map_err(readable)?;
        eprintln!();
    }
    print(&counts);
    if counts.invalid > 0 {
        let out = a.file.with_extension("invalid.csv");
        let d = crate::invalid::download(db, db, &who, id, l, skrb_kit::export::Format::Csv)
            .await
            .map_err(readable)?;
        d.save(&out)?;
        println!("refused rows with their reasons: {}", out.display());
    }
    if a.dry_run {
        if up == Uploaded::New(id) {
            batches::discard(db, &who, id).await.map_err(readable)?;
        }
        println!("dry run: nothing written");
        return Ok(());
    }
    let open =
        batches::get(db, &who, id).await.map_err(readable)?.0.status == BatchStatus::Validated;
    if let (Some(d), true) = (a.duplicates, open) {
        let (choice, same) = match d {
            Dups::Skip => (Choice::Skip, false),
            Dups::New => (Choice::New, false),
            Dups::Merge => (Choice::Merge, true),
        };
        let n = batches::decide(db, &who, id, None, choice, same)
            .await
            .map_err(readable)?;
        println!("{n} duplicates decided: {}", choice.code());
    }
    let (b, c) = batches::get(db, &who, id).await.map_err(readable)?;
    if b.status == BatchStatus::Validated {
        let mut bar = Progress::new("written", c.remaining.max(0) as usize);
        let c = commit::commit(
            db,
            &who,
            id,
            commit::Sets::of(a.rows_per_commit),
            &mut |done, _| bar.show(done as usize),
        )
        .await
        .map_err(readable)?;
        print(&c);
        if c.undecided > 0 {
            println!("{} duplicates wait for review: /imports/{id}", c.undecided);
        }
    }
    Ok(())
}
