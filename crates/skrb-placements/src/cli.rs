//! `skrb placements …`: the vacancy register, what falls due, a carer's annual payment
//! summary, the month's bills of institutional care and the figures, on the command line.

use clap::Subcommand;
use skrb_domain::rights::money::plain;
use skrb_kit::centre::cli_actor as actor;
use skrb_kit::db::Db;
use skrb_kit::progress::readable;

use crate::{billing, carers, due, figures};

#[derive(Subcommand, Debug)]
pub enum PlacementsCommand {
    /// The register of foster carers with their vacancies (the country's approved, or
    /// with --all the centre's in every state).
    Carers {
        #[arg(long)]
        centre: String,
        /// Only families with a free place.
        #[arg(long)]
        vacant: bool,
        /// The child's age.
        #[arg(long)]
        age: Option<i64>,
        #[arg(long)]
        all: bool,
    },
    /// What falls due in the next 30 days: reviews, permits, visits, guardians' reports.
    Due {
        #[arg(long)]
        centre: String,
    },
    /// A foster carer's annual payment summary: what the runs paid per child and month.
    Annual {
        #[arg(long)]
        carer: i64,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        centre: String,
    },
    /// Bill the user's and relatives' parts of institutional care for a month (once).
    Bill {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long)]
        centre: String,
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Foster families, persons placed and under guardianship by age and sex.
    Figures {
        #[arg(long)]
        year: i32,
        /// One centre; every centre when omitted.
        #[arg(long)]
        centre: Option<String>,
    },
}

pub async fn run(db: &Db, command: &PlacementsCommand) -> anyhow::Result<()> {
    match command {
        PlacementsCommand::Carers {
            centre,
            vacant,
            age,
            all,
        } => {
            let who = actor(db, &Some(centre.clone()), &None, "placements carers").await?;
            let search = carers::Search {
                age: *age,
                vacant: Some(*vacant),
                all: Some(*all),
                ..Default::default()
            };
            for c in carers::register(db, &who, &search)
                .await
                .map_err(readable)?
            {
                println!(
                    "{:>6}  {:<32} {:<10} {:<24} placed {}/{}  vacancies {}",
                    c.id,
                    c.name,
                    c.status,
                    c.place.as_deref().unwrap_or(""),
                    c.placed,
                    c.limit(),
                    c.vacancies()
                );
            }
            Ok(())
        }
        PlacementsCommand::Due { centre } => {
            let who = actor(db, &Some(centre.clone()), &None, "placements due").await?;
            for d in due::list(db, &who).await.map_err(readable)? {
                println!("{}  {:<9} {:<32} {}", d.on, d.kind, d.name, d.link);
            }
            Ok(())
        }
        PlacementsCommand::Annual {
            carer,
            year,
            centre,
        } => {
            let who = actor(db, &Some(centre.clone()), &None, "placements annual").await?;
            let a = billing::annual(db, &who, *carer, *year)
                .await
                .map_err(readable)?;
            println!("{} {}: {} {}", a.carer, a.year, plain(a.total), a.currency);
            for c in &a.children {
                println!("  {:<32} {:>12}", c.name, plain(c.total));
            }
            for (m, v) in a.months.iter().enumerate() {
                println!("  {:02}/{}  {:>12}", m + 1, a.year, plain(*v));
            }
            Ok(())
        }
        PlacementsCommand::Bill {
            month,
            centre,
            user,
        } => {
            let who = actor(db, &Some(centre.clone()), user, "placements bill").await?;
            let m = crate::parse_month(month)
                .ok_or_else(|| anyhow::anyhow!("the month must be YYYY-MM"))?;
            let b = billing::bill(db, &who, m).await.map_err(readable)?;
            println!(
                "Billed {}: {} bills for {} placements ({} billed before), {}",
                b.month,
                b.bills,
                b.placements,
                b.already,
                plain(b.total)
            );
            Ok(())
        }
        PlacementsCommand::Figures { year, centre } => {
            let mut who = actor(db, centre, &None, "placements figures").await?;
            if centre.is_none() {
                who.scope = None;
            }
            let f = figures::of_year(db, &who, *year).await.map_err(readable)?;
            println!(
                "{} (on {}): {} foster families ({} with children), {} vacancies",
                f.year, f.on, f.foster_families, f.families_with_children, f.vacancies
            );
            println!(
                "  started: {} foster, {} institution; ended: {} foster, {} institution",
                f.started_foster, f.started_institution, f.ended_foster, f.ended_institution
            );
            for (title, rows) in [
                ("in foster families", &f.in_foster),
                ("in institutions", &f.in_institutions),
                ("under guardianship", &f.under_guardianship),
            ] {
                let line: Vec<String> = rows
                    .iter()
                    .map(|r| format!("{} {}M/{}F/{}", r.band, r.male, r.female, r.other))
                    .collect();
                println!("  {title}: {}", line.join("  "));
            }
            Ok(())
        }
    }
}
