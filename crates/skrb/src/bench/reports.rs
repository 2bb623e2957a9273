//! Reports' figures: the annual report of the largest centre and of the whole country
//! (every table a `GROUP BY` in one snapshot), beside the database's own scan of the
//! period's payment lines (the largest table a report reads); and a list of 300,000 rows
//! written to XLSX and CSV in constant memory, with the process's resident memory before,
//! after and at its peak during the write.

use std::time::{Duration, Instant};

use super::{line, percentiles, Line};
use skrb_kit::audit::{Action, Actor};
use skrb_kit::db::{Db, Pool};
use skrb_kit::i18n::Locale;
use skrb_kit::sheet::{Cell, ListWriter};
use skrb_kit::sql_pool;

/// The resident memory now, in KiB (Linux).
pub(super) fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Starts the peak (VmHWM) again from the memory in use now.
pub(super) fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub(super) async fn bench(db: &Db, samples: usize) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    let year = time::OffsetDateTime::now_utc().year();
    let largest: Option<(String, i64)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT c.code, COUNT(*) FROM person p JOIN centre c ON c.id = p.centre_id GROUP BY c.code ORDER BY 2 DESC LIMIT 1")
        .fetch_optional(p).await?);
    let Some((centre, persons)) = largest else {
        return Ok(out);
    };
    let lines: i64 = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_line").fetch_one(p).await?);
    let cli = Actor::system("bench");
    let report = |centre: Option<String>| {
        let cli = cli.clone();
        async move {
            let q = skrb_reports::report::ReportQuery {
                year: Some(year.to_string()),
                centre,
                ..Default::default()
            };
            let t = Instant::now();
            skrb_reports::report::annual(
                db,
                db,
                &cli,
                &q,
                Locale::Sl,
                false,
                Action::Read,
                &mut |_| {},
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok::<Duration, anyhow::Error>(t.elapsed())
        }
    };
    // The limit: one scan of the year's payment lines, counted and summed.
    let mut limit = Vec::new();
    let (first, last) = (
        time::Date::from_calendar_date(year, time::Month::January, 1)?,
        time::Date::from_calendar_date(year, time::Month::December, 31)?,
    );
    for _ in 0..samples.clamp(1, 5) {
        let t = Instant::now();
        let _: (i64, i64) = sql_pool!(db, p => sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment_line WHERE month >= $1 AND month <= $2")
            .bind(first).bind(last).fetch_one(p).await?);
        limit.push(t.elapsed());
    }
    let lim = percentiles(limit);
    let mut one = Vec::new();
    for _ in 0..samples.clamp(1, 10) {
        one.push(report(Some(centre.clone())).await?);
    }
    out.push(line(
        &format!("annual report of {centre} ({persons} persons), all tables"),
        one,
        lim,
    ));
    let mut all = Vec::new();
    for _ in 0..samples.clamp(1, 3) {
        all.push(report(None).await?);
    }
    out.push(line(
        &format!("annual report of all centres ({lines} payment lines)"),
        all,
        lim,
    ));
    out.push(Line {
        what: "  limit: one scan of the year's payment lines".into(),
        p50: super::ms(lim.0),
        p95: super::ms(lim.1),
        limit: String::new(),
        ratio: String::new(),
    });

    // A list of 300,000 rows (the registry's first), read from a database stream.
    for xlsx in [true, false] {
        let path = std::env::temp_dir().join(format!(
            "skrb-bench-list-{}.{}",
            std::process::id(),
            if xlsx { "xlsx" } else { "csv" }
        ));
        let cols: Vec<String> = ["Priimek", "Ime", "Rojen", "Spol", "Kraj", "Št."]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let before = rss().unwrap_or(0);
        reset_peak();
        let t = Instant::now();
        let mut w = if xlsx {
            ListWriter::xlsx(&path, "Osebe", &cols)?
        } else {
            ListWriter::csv(&path, &cols)?
        };
        let written = stream_persons(db, &mut w).await?;
        let rows = w.finish()?;
        let secs = t.elapsed();
        let peak = super::peak_memory().unwrap_or(0);
        let after = rss().unwrap_or(0);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_file(&path);
        debug_assert_eq!(written, rows);
        out.push(Line {
            what: format!(
                "list of {rows} rows to {} ({} MB), streamed from the database",
                if xlsx { "XLSX" } else { "CSV" },
                size / 1_000_000
            ),
            p50: format!("{:.2} s", secs.as_secs_f64()),
            p95: format!("{:.0} rows/s", rows as f64 / secs.as_secs_f64().max(0.001)),
            limit: format!(
                "RSS {} → {} MB, peak {} MB",
                before / 1024,
                after / 1024,
                peak / 1024
            ),
            ratio: String::new(),
        });
    }
    Ok(out)
}

/// Writes up to 300,000 persons to `w` as they are read.
async fn stream_persons(db: &Db, w: &mut ListWriter) -> anyhow::Result<u64> {
    use futures_util::TryStreamExt;
    type Row = (
        i64,
        String,
        String,
        Option<time::Date>,
        Option<String>,
        Option<String>,
    );
    let mut n = 0u64;
    let sql = "SELECT id, family_name, given_name, birth_date, sex, place FROM person ORDER BY id LIMIT 300000";
    macro_rules! each {
        ($p:expr) => {{
            let mut rows = sqlx::query_as::<_, Row>(sql).fetch($p);
            while let Some((id, family, given, born, sex, place)) = rows.try_next().await? {
                w.row(&[
                    Cell::Text(family),
                    Cell::Text(given),
                    born.map(Cell::Date).unwrap_or(Cell::Empty),
                    Cell::Text(sex.unwrap_or_default()),
                    Cell::Text(place.unwrap_or_default()),
                    Cell::Count(id),
                ])?;
                n += 1;
            }
        }};
    }
    match db.pool() {
        Pool::Sqlite(p) => each!(p),
        Pool::Postgres(p) => each!(p),
    }
    Ok(n)
}
