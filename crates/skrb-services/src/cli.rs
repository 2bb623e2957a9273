//! `skrb services …`: home help's month on the command line, with progress.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use skrb_domain::rights::money::plain;
use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::progress::{readable, Progress};

use crate::{billing, invoice, roster};

#[derive(Subcommand, Debug)]
pub enum ServicesCommand {
    /// Bill a month of home help: one invoice per user, the municipalities' shares.
    /// Billing a month again bills only what was not billed.
    Bill {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        /// One centre (its code, e.g. csd-velenje); every centre when omitted.
        #[arg(long)]
        centre: Option<String>,
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Plan weeks of visits from the regular weeks (repeat the roster forward).
    Plan {
        /// The first day (its week's Monday is taken), YYYY-MM-DD.
        #[arg(long)]
        from: String,
        #[arg(long, default_value_t = 4)]
        weeks: i64,
        #[arg(long)]
        centre: String,
    },
    /// Write an invoice's PDF.
    Invoice {
        #[arg(long)]
        id: i64,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// The municipalities' statements of a month.
    Statements {
        #[arg(long)]
        month: String,
        #[arg(long)]
        centre: Option<String>,
    },
    /// Match payments received (camt.053) to invoices by their reference.
    Receipts {
        #[arg(long)]
        file: PathBuf,
    },
}

use skrb_kit::centre::cli_actor as actor;

fn month(s: &str) -> anyhow::Result<time::Date> {
    crate::parse_month(s).ok_or_else(|| anyhow::anyhow!("the month must be YYYY-MM"))
}

pub async fn run(db: &Db, command: &ServicesCommand) -> anyhow::Result<()> {
    match command {
        ServicesCommand::Bill {
            month: m,
            centre,
            user,
        } => {
            let who = actor(db, centre, user, "services bill").await?;
            let started = std::time::Instant::now();
            let mut progress = Progress::new("invoices", 0);
            let b = billing::bill(db, &who, month(m)?, Some(&mut progress))
                .await
                .map_err(readable)?;
            println!(
                "Billed {} in {:.1} s: {} invoices ({} agreements billed before), {} h delivered",
                b.month,
                started.elapsed().as_secs_f64(),
                b.invoices,
                b.already,
                b.minutes / 60
            );
            println!(
                "  economic {}  subsidy {}  exempted {}  users {}",
                plain(b.economic),
                plain(b.subsidy),
                plain(b.exempted),
                plain(b.users)
            );
            if !b.no_price.is_empty() {
                println!("  no price list for: {}", b.no_price.join(", "));
            }
            Ok(())
        }
        ServicesCommand::Plan {
            from,
            weeks,
            centre,
        } => {
            let who = actor(db, &Some(centre.clone()), &None, "services plan").await?;
            let d = skrb_kit::dates::parse_date(from)
                .ok_or_else(|| anyhow::anyhow!("the day must be YYYY-MM-DD"))?;
            let n = roster::plan(db, &who, d, *weeks).await.map_err(readable)?;
            println!("Planned {n} visits");
            Ok(())
        }
        ServicesCommand::Invoice { id, dir } => {
            let who = Actor::system("services invoice");
            let (name, bytes) = invoice::document(db, &who, *id).await.map_err(readable)?;
            let path = dir.join(name);
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            println!("{}", path.display());
            Ok(())
        }
        ServicesCommand::Statements { month: m, centre } => {
            let who = actor(db, centre, &None, "services statements").await?;
            for s in billing::statements(db, &who, month(m)?)
                .await
                .map_err(readable)?
            {
                println!(
                    "{:<24} {:>5} users {:>7} h  subsidy {:>12}  exempted {:>10}  municipality pays {:>12} {}",
                    s.municipality,
                    s.users,
                    s.minutes / 60,
                    plain(s.subsidy),
                    plain(s.exempted),
                    plain(s.municipality_pays),
                    s.currency
                );
            }
            Ok(())
        }
        ServicesCommand::Receipts { file } => {
            let who = Actor::system("services receipts");
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let r = billing::receipts(db, &who, &bytes)
                .await
                .map_err(readable)?;
            println!(
                "{} payments: {} invoices paid, {} in part, {} seen before, {} unknown",
                r.items,
                r.paid,
                r.partly,
                r.seen,
                r.unknown.len()
            );
            Ok(())
        }
    }
}
