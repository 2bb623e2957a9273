//! `skrb report annual`: the annual work report of a centre (or all centres) for a year
//! or a period, written as PDF, XLSX, HTML or JSON, with progress on standard error.

use clap::{Subcommand, ValueEnum};
use skrb_kit::audit::Action;
use skrb_kit::centre::cli_actor as actor;
use skrb_kit::db::Db;
use skrb_kit::i18n::Locale;
use skrb_kit::progress::{readable, Progress};

use crate::annual::SECTIONS;
use crate::report::{self, ReportQuery};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Pdf,
    Xlsx,
    Html,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The annual work report: territory, staff, users, case files, decisions, payments,
    /// services and care, for a year or a period.
    Annual {
        /// A centre's code; none: all centres together.
        #[arg(long)]
        centre: Option<String>,
        /// A calendar year (last year by default).
        #[arg(long)]
        year: Option<i32>,
        /// The period's first day (YYYY-MM-DD), with --to instead of --year.
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: Format,
        #[arg(long)]
        out: std::path::PathBuf,
        /// sl, sr-Cyrl, sr-Latn or en (the centre's language by default).
        #[arg(long)]
        lang: Option<String>,
        /// Hide counts of one to four persons, as for a report that leaves the centre.
        #[arg(long)]
        hide_small: bool,
    },
}

pub async fn run(db: &Db, read: &Db, command: &ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Annual {
            centre,
            year,
            from,
            to,
            format,
            out,
            lang,
            hide_small,
        } => {
            let who = actor(db, centre, &None, "report annual").await?;
            let l = match lang {
                Some(code) => Locale::from_code(code)
                    .ok_or_else(|| anyhow::anyhow!("--lang: sl, sr-Cyrl, sr-Latn or en"))?,
                None => centre_locale(db, centre).await?,
            };
            let q = ReportQuery {
                year: year.map(|y| y.to_string()),
                from: from.clone(),
                to: to.clone(),
                centre: centre.clone(),
            };
            let mut bar = Progress::new("report tables", SECTIONS.len());
            let r = report::annual(
                db,
                read,
                &who,
                &q,
                l,
                *hide_small,
                Action::Download,
                &mut |n| bar.show(n.min(SECTIONS.len())),
            )
            .await
            .map_err(readable)?;
            bar.show(SECTIONS.len());
            let bytes = match format {
                Format::Pdf => crate::pdf::render(&r)?,
                Format::Xlsx => report::xlsx(&r)?,
                Format::Html => report::html(&r)?.into_bytes(),
                Format::Json => serde_json::to_vec_pretty(&r)?,
            };
            std::fs::write(out, &bytes)?;
            println!(
                "{} · {} {}..{}: {} tables, {} bytes in {}",
                r.title,
                r.whose,
                r.period.from,
                r.period.to,
                r.tables.len(),
                bytes.len(),
                out.display()
            );
            Ok(())
        }
    }
}

/// The language a centre writes in (Slovenian, or Serbian Cyrillic in Republika Srpska);
/// all centres: the first centre's.
async fn centre_locale(db: &Db, centre: &Option<String>) -> anyhow::Result<Locale> {
    let row: Option<(String,)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT jurisdiction FROM centre WHERE ($1 IS NULL OR code = $1) ORDER BY id LIMIT 1")
        .bind(centre).fetch_optional(p).await?);
    Ok(row
        .map(|r| skrb_rights::decisions::centre_locale(&r.0))
        .unwrap_or(Locale::Sl))
}
