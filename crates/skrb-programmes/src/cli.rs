//! `skrb programmes …`: the year's programmes with their budgets, evaluating and
//! approving a list (a country's list is a job for the command line too), the year's
//! totals for the annual report.

use clap::Subcommand;
use skrb_domain::rights::money::plain;
use skrb_kit::centre::cli_actor as actor;
use skrb_kit::db::Db;
use skrb_kit::progress::readable;

use crate::{lists, programmes, totals};

#[derive(Subcommand, Debug)]
pub enum ProgrammesCommand {
    /// The centre's programmes of a year: list, budget, committed and used.
    List {
        #[arg(long)]
        centre: String,
        #[arg(long)]
        year: Option<i32>,
    },
    /// Evaluate a programme's rule into its draft list (on a day, today by default).
    Evaluate {
        #[arg(long)]
        programme: i64,
        #[arg(long)]
        centre: String,
        /// YYYY-MM-DD
        #[arg(long)]
        on: Option<String>,
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Approve a programme's draft list as the second person: frozen, vouchers or
    /// payments issued.
    Approve {
        #[arg(long)]
        programme: i64,
        #[arg(long)]
        centre: String,
        #[arg(long = "as")]
        user: String,
    },
    /// The year's totals for the annual report.
    Totals {
        #[arg(long)]
        centre: String,
        #[arg(long)]
        year: i32,
    },
}

pub async fn run(db: &Db, command: &ProgrammesCommand) -> anyhow::Result<()> {
    match command {
        ProgrammesCommand::List { centre, year } => {
            let who = actor(db, &Some(centre.clone()), &None, "programmes list").await?;
            let y = year.unwrap_or(who.today().year());
            for r in programmes::list(db, &who, y).await.map_err(readable)? {
                let p = &r.programme;
                println!(
                    "{:>6}  {:<40} {:<8} {:<9} {:>7} recipients  budget {:>12}  list {:>12}  used {:>12} {}",
                    p.id,
                    p.name,
                    p.kind,
                    p.list_status,
                    r.budget.recipients,
                    plain(r.budget.available),
                    plain(r.budget.committed),
                    plain(r.budget.used),
                    p.currency
                );
            }
            Ok(())
        }
        ProgrammesCommand::Evaluate {
            programme,
            centre,
            on,
            user,
        } => {
            let who = actor(db, &Some(centre.clone()), user, "programmes evaluate").await?;
            let day = match on {
                Some(d) => skrb_kit::dates::parse_date(d)
                    .ok_or_else(|| anyhow::anyhow!("the day must be YYYY-MM-DD"))?,
                None => who.today(),
            };
            let e = lists::evaluate(db, &who, *programme, day)
                .await
                .map_err(readable)?;
            println!(
                "Evaluated on {day} in {} ms: the rule finds {}; the list has {} recipients ({} persons), {} units, {} of a budget of {}",
                e.millis,
                e.found,
                e.budget.recipients,
                e.budget.persons,
                e.budget.quantity,
                plain(e.budget.committed),
                plain(e.budget.available)
            );
            Ok(())
        }
        ProgrammesCommand::Approve {
            programme,
            centre,
            user,
        } => {
            let who = actor(
                db,
                &Some(centre.clone()),
                &Some(user.clone()),
                "programmes approve",
            )
            .await?;
            let i = lists::approve(db, &who, *programme, "")
                .await
                .map_err(readable)?;
            println!(
                "Approved in {} ms: {} recipients, {} vouchers, {} payments for the next run",
                i.millis, i.recipients, i.vouchers, i.payments
            );
            Ok(())
        }
        ProgrammesCommand::Totals { centre, year } => {
            let who = actor(db, &Some(centre.clone()), &None, "programmes totals").await?;
            let t = totals::year(db, &who, *year).await.map_err(readable)?;
            println!("{} totals ({})", t.year, t.currency);
            for p in &t.programmes {
                println!(
                    "  {:<40} households {:>6}  persons {:>6}  handed {:>8}  not collected {:>6}  used {:>12} of {:>12}  partners: {}",
                    p.programme.name,
                    p.households,
                    p.persons,
                    p.handed,
                    p.not_collected,
                    plain(p.budget.used),
                    plain(p.budget.available),
                    p.partners.join(", ")
                );
                for s in &p.budget.sources {
                    println!("      {:<36} {:>12}", s.source, plain(s.amount));
                }
            }
            println!(
                "  committee: {} proposals, {} granted, {} refused, aid {}",
                t.proposals,
                t.granted,
                t.refused,
                plain(t.aid)
            );
            println!(
                "  community actions: {}, participants {}",
                t.actions, t.participants
            );
            Ok(())
        }
    }
}
