//! `skrb year …`: the head count on a day (the annual report's staff table), the action
//! plan against what is done on a day, and a round table's summary as a PDF.

use clap::Subcommand;
use skrb_kit::centre::cli_actor as actor;
use skrb_kit::db::Db;
use skrb_kit::i18n::Locale;
use skrb_kit::progress::readable;

use crate::{plans, round_tables, staff};

#[derive(Subcommand, Debug)]
pub enum YearCommand {
    /// Who works for the centre on a day, by kind and funding.
    Headcount {
        #[arg(long)]
        centre: String,
        /// YYYY-MM-DD (today by default)
        #[arg(long)]
        on: Option<String>,
    },
    /// The year's action plan against what is done on a day.
    Plan {
        #[arg(long)]
        centre: String,
        #[arg(long)]
        year: i64,
        /// YYYY-MM-DD (today by default)
        #[arg(long)]
        on: Option<String>,
    },
    /// A round table's summary as a PDF in the centre's language.
    Summary {
        #[arg(long)]
        centre: String,
        #[arg(long)]
        round_table: i64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

fn day(on: &Option<String>, today: time::Date) -> anyhow::Result<time::Date> {
    match on {
        Some(s) => {
            skrb_kit::dates::parse_date(s).ok_or_else(|| anyhow::anyhow!("--on: YYYY-MM-DD"))
        }
        None => Ok(today),
    }
}

pub async fn run(db: &Db, command: &YearCommand) -> anyhow::Result<()> {
    let l = Locale::En;
    match command {
        YearCommand::Headcount { centre, on } => {
            let who = actor(db, &Some(centre.clone()), &None, "year headcount").await?;
            let on = day(on, who.today())?;
            let h = staff::head_count(db, &who, on).await.map_err(readable)?;
            println!(
                "{centre} on {on}: {} persons, {} full-time",
                h.total,
                crate::decimal(l, h.fte, 2)
            );
            for r in &h.rows {
                println!(
                    "  {:<14} {:<13} {:>5}  {:>6} h/week",
                    r.kind, r.funding, r.persons, r.hours_week
                );
            }
            for (k, n) in &h.by_kind {
                println!("  all {k:<24} {n:>5}");
            }
        }
        YearCommand::Plan { centre, year, on } => {
            let who = actor(db, &Some(centre.clone()), &None, "year plan").await?;
            let on = day(on, who.today())?;
            let id = plans::list(db, &who)
                .await
                .map_err(readable)?
                .into_iter()
                .find(|p| p.year == *year)
                .map(|p| p.id)
                .ok_or_else(|| anyhow::anyhow!("{centre} has no action plan for {year}"))?;
            let f = plans::file(db, &who, id, on).await.map_err(readable)?;
            println!(
                "{} on {on}: {} activities, {} done, {} started, {} late, {} dropped, {} updates waiting",
                f.plan.title, f.activities.len(), f.done, f.started, f.late, f.dropped, f.waiting
            );
            for a in &f.activities {
                println!(
                    "  [{}{}] {} (by {})",
                    a.status,
                    if a.late { ", late" } else { "" },
                    a.title,
                    a.due_on
                );
                for i in &a.indicators {
                    let shown = |v: Option<i64>| match (v, &i.measure) {
                        (Some(v), Some(_)) => format!("{} %", crate::decimal(l, v, 1)),
                        (Some(v), None) => format!("{v} {}", i.unit.clone().unwrap_or_default()),
                        (None, _) => "-".into(),
                    };
                    let from = i
                        .ratio
                        .map(|r| format!(" = {} / {}", r.numerator, r.denominator))
                        .unwrap_or_default();
                    println!(
                        "      {}: baseline {}, target {}, actual {}{from}",
                        i.name,
                        shown(i.baseline),
                        shown(i.target),
                        shown(i.actual)
                    );
                }
            }
        }
        YearCommand::Summary {
            centre,
            round_table,
            out,
        } => {
            let who = actor(db, &Some(centre.clone()), &None, "year summary").await?;
            let pdf = round_tables::summary_pdf(db, &who, *round_table)
                .await
                .map_err(readable)?;
            std::fs::write(out, &pdf)?;
            println!("{} bytes written to {}", pdf.len(), out.display());
        }
    }
    Ok(())
}
