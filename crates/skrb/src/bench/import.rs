//! The import's figures: an old register of 100,000 persons (Windows-1250, households of
//! three, 1 % invalid rows, 1 % duplicates: half repeated in the file, half persons the
//! registry has) read, checked and deduplicated against the whole registry, then
//! committed, as the command line does it; rows a second beside the database's own
//! bulk-insert rate, and the resident memory at the peak. It runs last, and what it
//! imports stays (as import "bench-…"): a new file each run, so a second run measures
//! again rather than finding the file imported.

use std::time::Instant;

use super::Line;
use skrb_domain::import::{Choice, Kind};
use skrb_import::{batches, commit};
use skrb_kit::db::Db;
use skrb_kit::sql;

const ROWS: usize = 100_000;

pub(super) async fn bench(db: &Db, bulk_rate: f64) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    let Ok(who) =
        skrb_kit::centre::cli_actor(db, &Some("csd-velenje".into()), &None, "bench").await
    else {
        return Ok(out);
    };
    let e = |e: skrb_kit::error::AppError| anyhow::anyhow!("{e:?}");
    let centre = batches::centre_of(&who).map_err(e)?;
    let known: Vec<(String, String, String)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT given_name, family_name, emso FROM person WHERE emso IS NOT NULL AND centre_id = $1 ORDER BY id LIMIT 500")
        .bind(centre).fetch_all(p).await?);
    let registry: i64 = skrb_kit::sql_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM person").fetch_one(p).await?);
    // A serial range of this run's own, so every run's file is new: the runs before
    // are counted by their files (by the clock, two runs could take the same range).
    let runs: i64 = skrb_kit::sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM import_batch WHERE file_name LIKE 'bench-%'").fetch_one(p).await?);
    let run = (runs % 38) as u16;
    let mut text = String::from("Priimek;Ime;EMŠO;Datum rojstva;Spol;Gospodinjstvo;Razmerje\r\n");
    // Women's serials (500 and above), a range of this run's own.
    let number_of = |i: usize| -> anyhow::Result<String> {
        let month = time::Month::try_from(1 + (i % 12) as u8)?;
        let born = time::Date::from_calendar_date(
            1929 + ((i + 3 * run as usize) % 97) as i32,
            month,
            1 + (i % 28) as u8,
        )?;
        let serial = 500 + run * 13 + (i / 8148) as u16;
        Ok(skrb_domain::emso::compose(born, 59, serial)
            .as_str()
            .to_string())
    };
    // A family name of this run's own letter: another run's persons are not its duplicates.
    let stem = [
        "Kovač", "Horvat", "Zupan", "Mlakar", "Vidmar", "Golob", "Turk", "Bizjak", "Rozman",
        "Petek",
    ][run as usize % 10];
    for i in 0..ROWS {
        let rel = if i % 3 == 0 { "nosilec" } else { "otrok" };
        let line = match i % 100 {
            // Invalid: a personal number too short.
            17 => format!("{stem}{};Žiga;12345;;M;B{};{rel}", i % 991, i / 3),
            // Repeated in the file: the row before, again.
            41 => format!(
                "{stem}{};Špela{};{};;Ž;;",
                (i - 1) % 991,
                i - 1,
                number_of(i - 1)?
            ),
            // A person the registry has.
            73 if !known.is_empty() => {
                let (g, f, n) = &known[(i / 100) % known.len()];
                format!("{f};{g};{n};;;;")
            }
            _ => format!(
                "{stem}{};Špela{i};{};;Ž;B{};{rel}",
                i % 991,
                number_of(i)?,
                i / 3
            ),
        };
        text.push_str(&line);
        text.push_str("\r\n");
    }
    let bytes = encoding_rs::WINDOWS_1250.encode(&text).0.into_owned();
    drop(text);
    super::reports::reset_peak();
    let before = super::reports::rss().unwrap_or(0);
    let started = Instant::now();
    let name = format!(
        "bench-{}.csv",
        time::OffsetDateTime::now_utc().unix_timestamp()
    );
    let id = batches::upload(db, &who, centre, Kind::Persons, &name, bytes, None, None)
        .await
        .map_err(e)?
        .id();
    let (b, _) = batches::get(db, &who, id).await.map_err(e)?;
    let t = Instant::now();
    let c = batches::check(db, &who, id, b.settings.unwrap_or_default(), &mut |_| {})
        .await
        .map_err(e)?;
    let checked = t.elapsed().as_secs_f64();
    batches::decide(db, &who, id, None, Choice::Skip, false)
        .await
        .map_err(e)?;
    let t = Instant::now();
    let done = commit::commit(db, &who, id, commit::Sets::default(), &mut |_, _| {})
        .await
        .map_err(e)?;
    let written = t.elapsed().as_secs_f64();
    let whole = started.elapsed().as_secs_f64();
    let peak = super::peak_memory().unwrap_or(0);
    out.push(Line {
        what: format!(
            "import check: {} rows against {registry} persons ({} invalid, {} duplicates)",
            c.rows, c.invalid, c.duplicates
        ),
        p50: format!("{checked:.2} s"),
        p95: format!("{:.0}/s", c.rows as f64 / checked.max(0.001)),
        limit: String::new(),
        ratio: String::new(),
    });
    let rate = done.imported as f64 / written.max(0.001);
    out.push(Line {
        what: format!(
            "import commit: {} persons with households, audited",
            done.imported
        ),
        p50: format!("{written:.2} s"),
        p95: format!("{rate:.0}/s"),
        limit: format!("{bulk_rate:.0} rows/s bulk insert"),
        ratio: format!("×{:.1}", bulk_rate / rate.max(0.001)),
    });
    if let Some(copy) = same_rows(db, id).await? {
        out.push(Line {
            what: "  the same rows copied by the database (persons, tokens, households, members, audit)".into(),
            p50: format!("{copy:.2} s"),
            p95: format!("{:.0}/s", done.imported as f64 / copy.max(0.001)),
            limit: "commit ÷ copy".into(),
            ratio: format!("×{:.1}", written / copy.max(0.001)),
        });
    }
    out.push(Line {
        what: format!(
            "import end to end ({ROWS} rows; resident memory {} MB before, peak {} MB)",
            before / 1024,
            peak / 1024
        ),
        p50: format!("{whole:.2} s"),
        p95: format!("{:.0}/s", ROWS as f64 / whole.max(0.001)),
        limit: "15 s, 10,000/s (the issue's goal)".into(),
        ratio: format!("×{:.2}", whole / 15.0),
    });
    Ok(out)
}

/// The database's own rate for the rows the commit wrote: each table's rows of this
/// import copied into the same table, with its indexes, under new ids, in one
/// transaction rolled back. What the commit adds to this is its own work.
async fn same_rows(db: &Db, id: i64) -> anyhow::Result<Option<f64>> {
    let (lo, hi): (Option<i64>, Option<i64>) = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT MIN(target_id), MAX(target_id) FROM import_row WHERE batch_id = $1 AND choice IS NULL").bind(id).fetch_one(p).await?);
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let shift: i64 =
        sql!(&mut tx, c => sqlx::query_scalar("SELECT MAX(id) FROM person").fetch_one(c).await?);
    let person_cols = skrb_registry::persons::BULK_COLUMNS
        .iter()
        .filter(|c| **c != "id")
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let audit_cols = skrb_kit::audit::BULK_COLUMNS.join(", ");
    let t = Instant::now();
    let statements = [
        format!("INSERT INTO person (id, {person_cols}) SELECT id + {shift}, {person_cols} FROM person WHERE id BETWEEN {lo} AND {hi}"),
        format!("INSERT INTO person_token (token, person_id, centre_id, name_key) SELECT token, person_id + {shift}, centre_id, name_key FROM person_token WHERE person_id BETWEEN {lo} AND {hi}"),
        format!(
            "INSERT INTO household (address, postal_code, place, municipality_id, version, created_at) \
             SELECT h.address, h.postal_code, h.place, h.municipality_id, h.version, h.created_at FROM household h \
             WHERE h.id IN (SELECT household_id FROM household_member WHERE person_id BETWEEN {lo} AND {hi} AND relationship = 'head')"
        ),
        format!(
            "INSERT INTO household_member (household_id, person_id, relationship, valid_from, created_at) \
             SELECT household_id, person_id + {shift}, relationship, valid_from, created_at FROM household_member WHERE person_id BETWEEN {lo} AND {hi}"
        ),
        format!(
            "INSERT INTO audit_log ({audit_cols}) SELECT {audit_cols} FROM audit_log WHERE action = 'import' AND entity = 'person' \
             AND entity_id BETWEEN {lo} AND {hi}"
        ),
    ];
    for q in &statements {
        sql!(&mut tx, c => sqlx::query(q).execute(c).await?.rows_affected());
    }
    let secs = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    Ok(Some(secs))
}
