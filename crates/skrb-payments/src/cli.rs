//! `skrb payments …`: the finance officer's month on the command line, with progress.

use skrb_domain::payments::states::RunStatus;
use skrb_kit::ids::PersonId;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use skrb_domain::rights::money::plain;

use super::{files, history, runs, statements};
use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::progress::readable;
use skrb_kit::sql_pool;

#[derive(Subcommand, Debug)]
pub enum PaymentsCommand {
    /// Prepare and calculate the run of a month (recalculates the month's run not yet
    /// approved, so that a run cut off midway is simply run again).
    Run {
        /// The month paid, YYYY-MM.
        #[arg(long)]
        month: String,
        /// monthly, or extra (arrears, one-off assistance, what was decided since).
        #[arg(long, default_value = "monthly")]
        kind: String,
        /// Pay months from this one too (arrears), YYYY-MM.
        #[arg(long)]
        from: Option<String>,
        /// The bank's execution day, YYYY-MM-DD (default today).
        #[arg(long)]
        execution_on: Option<String>,
        /// One centre's run (its code, e.g. csd-velenje); every centre when omitted.
        #[arg(long)]
        centre: Option<String>,
        /// The user who calculates (the approver must be someone else).
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Approve a calculated run, as a user other than who calculated it.
    Approve {
        #[arg(long)]
        run: i64,
        #[arg(long = "as")]
        user: String,
    },
    /// Export an approved run and write its bank files into a directory (an exported
    /// run's files are written again, the same bytes).
    Export {
        #[arg(long)]
        run: i64,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Import a bank statement (camt.053, camt.054 or CSV).
    ImportStatement {
        #[arg(long)]
        file: PathBuf,
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Runs, newest first.
    List,
    /// Held and returned payments waiting to be paid again.
    Worklist,
    /// A person's (or an entitlement's) payments.
    History {
        #[arg(long)]
        person: Option<i64>,
        #[arg(long)]
        entitlement: Option<i64>,
    },
    /// Paid out per month and right.
    Totals {
        #[arg(long, default_value_t = 12)]
        months: i64,
    },
}

async fn actor(db: &Db, user: &Option<String>, job: &str) -> anyhow::Result<Actor> {
    match user {
        Some(u) => super::actor_as(db, u)
            .await
            .map_err(|_| anyhow::anyhow!("no active user {u}")),
        None => Ok(Actor::system(job)),
    }
}

fn show(run: &runs::Run) {
    let totals: Vec<String> = run
        .totals()
        .iter()
        .map(|(c, v)| format!("{} {c}", plain(*v)))
        .collect();
    println!(
        "run {} {} {} [{}] {}: {} lines, {} held, {}",
        run.id,
        run.kind,
        &run.month.to_string()[..7],
        run.centre.as_deref().unwrap_or("all centres"),
        run.status,
        run.lines,
        run.held,
        if totals.is_empty() {
            "nothing".into()
        } else {
            totals.join(", ")
        }
    );
}

fn print_lines(lines: &[history::PaymentLine]) {
    for l in lines {
        println!(
            "{}  {}  {:<14} {:>12} {}  {:<10} {}  run {}  {}",
            l.end_to_end(),
            &l.month.to_string()[..7],
            l.right_code,
            plain(l.amount),
            l.currency,
            l.status,
            l.payee,
            l.run_id,
            l.reason.as_deref().unwrap_or("")
        );
    }
}

pub async fn run(db: &Db, command: &PaymentsCommand) -> anyhow::Result<()> {
    let today = skrb_kit::clock::today();
    match command {
        PaymentsCommand::Run {
            month,
            kind,
            from,
            execution_on,
            centre,
            user,
        } => {
            let who = actor(db, user, "payments run").await?;
            let centre_id: Option<i64> = match centre {
                Some(code) => Some(
                    sql_pool!(db, p => sqlx::query_scalar("SELECT id FROM centre WHERE code = $1").bind(code).fetch_optional(p).await?)
                        .ok_or_else(|| anyhow::anyhow!("no centre {code}"))?,
                ),
                None => None,
            };
            let m = skrb_kit::dates::parse_month(month)
                .ok_or_else(|| anyhow::anyhow!("the month must be YYYY-MM"))?;
            // The month's run not yet approved is calculated again.
            let existing: Option<i64> = sql_pool!(db, p => sqlx::query_scalar(
                "SELECT id FROM payment_run WHERE kind = $1 AND month = $2 AND status IN ('draft', 'calculated') \
                 AND (centre_id = $3 OR (centre_id IS NULL AND $3 IS NULL)) ORDER BY id DESC LIMIT 1")
                .bind(kind).bind(m).bind(centre_id).fetch_optional(p).await?);
            let id = match existing {
                Some(id) => {
                    eprintln!("run {id} of {month} is not approved yet: calculating it again");
                    id
                }
                None => {
                    let f = runs::RunForm {
                        month: month.clone(),
                        kind: kind.clone(),
                        from_month: from.clone().unwrap_or_default(),
                        execution_on: execution_on.clone().unwrap_or_default(),
                        centre_id: centre_id.map(|c| c.to_string()).unwrap_or_default(),
                        note: String::new(),
                    };
                    runs::create(db, &who, &f, today).await.map_err(readable)?
                }
            };
            let started = std::time::Instant::now();
            let mut progress: Option<skrb_kit::progress::Progress> = None;
            let c = runs::calculate(db, &who, id, None, &mut |done, total| {
                progress
                    .get_or_insert_with(|| skrb_kit::progress::Progress::new("entitlements", total))
                    .show(done)
            })
            .await
            .map_err(readable)?;
            println!(
                "Calculated run {id} in {:.1} s: {} entitlements, {} lines to pay, {} held, {} paid again, {} already paid",
                started.elapsed().as_secs_f64(),
                c.entitlements,
                c.lines,
                c.held,
                c.carried,
                c.already_paid
            );
            for (cur, v) in &c.totals {
                println!("  {} {cur}", plain(*v));
            }
            Ok(())
        }
        PaymentsCommand::Approve { run, user } => {
            let who = actor(db, &Some(user.clone()), "").await?;
            let r = runs::approve(db, &who, *run, None)
                .await
                .map_err(readable)?;
            show(&r);
            Ok(())
        }
        PaymentsCommand::Export { run, dir, user } => {
            let who = actor(db, user, "payments export").await?;
            let r = runs::get(db, &who, *run).await.map_err(readable)?;
            if r.status == RunStatus::Approved {
                let started = std::time::Instant::now();
                let out = files::export(db, &who, *run, None)
                    .await
                    .map_err(readable)?;
                eprintln!(
                    "exported {} files in {:.1} s",
                    out.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let mut tx = db.begin_read().await?;
            let list = files::of_run(&mut tx, *run).await?;
            tx.commit().await?;
            if list.is_empty() && r.status == RunStatus::Approved {
                println!("nothing to pay: every line is held");
            }
            let mut progress = skrb_kit::progress::Progress::new("files", list.len());
            for (i, f) in list.iter().enumerate() {
                let w = files::content(db, &who, *run, f.seq)
                    .await
                    .map_err(readable)?;
                let path = dir.join(&w.file.name);
                std::fs::write(&path, &w.content)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                progress.show(i + 1);
                println!(
                    "{}  {} transfers  {} {}  {}  sha256 {}",
                    path.display(),
                    f.transfers,
                    plain(f.total),
                    f.currency,
                    f.msg_id,
                    f.sha256
                );
            }
            Ok(())
        }
        PaymentsCommand::ImportStatement { file, user } => {
            let who = actor(db, user, "payments import-statement").await?;
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let r = statements::import(db, &who, &bytes, today)
                .await
                .map_err(readable)?;
            println!(
                "Statement {} ({}): {} items, {} settled, {} returned (on the work list), {} not matched",
                r.msg_id,
                r.kind,
                r.items,
                r.settled,
                r.returned,
                r.problems.len()
            );
            for p in r.problems.iter().take(50) {
                println!("  {}: {}", p.reference, p.problem);
            }
            Ok(())
        }
        PaymentsCommand::List => {
            for r in runs::list(db, &Actor::system("payments list"), 50)
                .await
                .map_err(readable)?
            {
                show(&r);
            }
            Ok(())
        }
        PaymentsCommand::Worklist => {
            let rows = history::worklist(db, &Actor::system("payments worklist"), 1000)
                .await
                .map_err(readable)?;
            println!("{} held or returned payments", rows.len());
            print_lines(&rows);
            Ok(())
        }
        PaymentsCommand::History {
            person,
            entitlement,
        } => {
            let who = Actor::system("payments history");
            let rows = match (person, entitlement) {
                (Some(p), _) => history::of_person(db, &who, PersonId(*p), 1000).await,
                (None, Some(e)) => history::of_entitlement(db, &who, *e).await,
                _ => anyhow::bail!("name a --person or an --entitlement"),
            }
            .map_err(readable)?;
            print_lines(&rows);
            Ok(())
        }
        PaymentsCommand::Totals { months } => {
            for t in history::totals(db, &Actor::system("payments totals"), *months)
                .await
                .map_err(readable)?
            {
                println!(
                    "{}  {:<16} {:>8} lines  {:>16} {}  held {}",
                    &t.month.to_string()[..7],
                    t.right,
                    t.lines,
                    plain(t.total),
                    t.currency,
                    t.held
                );
            }
            Ok(())
        }
    }
}
