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
    /// Every table one after the other (a form's tables; for one table use the page).
    Csv,
}

/// An official form's period, centre and output.
#[derive(clap::Args, Debug)]
pub struct FormArgs {
    /// A centre's code; none: all centres together.
    #[arg(long)]
    centre: Option<String>,
    /// A calendar year (last year by default).
    #[arg(long)]
    year: Option<i32>,
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    to: Option<String>,
    #[arg(long, value_enum, default_value = "xlsx")]
    format: Format,
    #[arg(long)]
    out: std::path::PathBuf,
    /// sl, sr-Cyrl, sr-Latn or en (the centre's language by default).
    #[arg(long)]
    lang: Option<String>,
    /// Hide counts of one to four persons.
    #[arg(long)]
    hide_small: bool,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// SZ-1: minor users by age band and sex, kind of need, form of protection.
    Sz1(FormArgs),
    /// SZ-1a: adult users, as SZ-1.
    Sz1a(FormArgs),
    /// SZ-61: staff, persons under guardianship and in foster families, foster
    /// families, adoptions.
    Sz61(FormArgs),
    /// Slovenia's recipients of each right by month.
    SiRights(FormArgs),
    /// The annual work report: territory, staff, users, case files, decisions, payments,
    /// services and care, for a year or a period.
    Annual {
        /// A centre's code; none: all centres together.
        #[arg(long)]
        centre: Option<String>,
        /// A unit of the centre (its number): its files, staff and municipalities.
        #[arg(long)]
        unit: Option<i64>,
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
        ReportCommand::Sz1(a) => form(db, read, "sz1", a).await,
        ReportCommand::Sz1a(a) => form(db, read, "sz1a", a).await,
        ReportCommand::Sz61(a) => form(db, read, "sz61", a).await,
        ReportCommand::SiRights(a) => form(db, read, "si-rights", a).await,
        ReportCommand::Annual {
            centre,
            unit,
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
                unit: unit.map(|u| u.to_string()),
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
            write(&r, *format, out)
        }
    }
}

/// Writes the report in the format asked for and says what was written.
fn write(r: &report::Report, format: Format, out: &std::path::Path) -> anyhow::Result<()> {
    let bytes = match format {
        Format::Pdf => crate::pdf::render(r)?,
        Format::Xlsx => report::xlsx(r)?,
        Format::Html => report::html(r)?.into_bytes(),
        Format::Json => serde_json::to_vec_pretty(r)?,
        Format::Csv => r
            .tables
            .iter()
            .map(skrb_kit::sheet::csv)
            .collect::<Vec<_>>()
            .join("\r\n")
            .into_bytes(),
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

async fn form(db: &Db, read: &Db, form: &str, a: &FormArgs) -> anyhow::Result<()> {
    let who = actor(db, &a.centre, &None, "report form").await?;
    let l = match &a.lang {
        Some(code) => Locale::from_code(code)
            .ok_or_else(|| anyhow::anyhow!("--lang: sl, sr-Cyrl, sr-Latn or en"))?,
        None => centre_locale(db, &a.centre).await?,
    };
    let q = ReportQuery {
        year: a.year.map(|y| y.to_string()),
        from: a.from.clone(),
        to: a.to.clone(),
        centre: a.centre.clone(),
        unit: None,
    };
    let mut bar = Progress::new("form tables", 1);
    let r = report::statistics(db, read, &who, &q, form, l, a.hide_small, Action::Download)
        .await
        .map_err(readable)?;
    bar.show(1);
    write(&r, a.format, &a.out)
}
