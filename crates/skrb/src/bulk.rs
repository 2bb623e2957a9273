//! Set-based inserts and reads for bulk jobs (the demo generator, renewals, payment
//! runs): many rows per statement on SQLite, `COPY … FROM STDIN` on PostgreSQL; and
//! reading hundreds of thousands of rows as one packed text (SQLite) or `COPY … TO
//! STDOUT` (PostgreSQL), because fetching them row by row through the driver costs
//! several times what the database spends finding them. Rows are plain cells or text,
//! so a job builds and parses them once for both databases.

use std::fmt::Write as _;

use time::{Date, OffsetDateTime};

use crate::db::Tx;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Date(Date),
    Time(OffsetDateTime),
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}

impl From<Date> for Cell {
    fn from(v: Date) -> Self {
        Cell::Date(v)
    }
}

impl From<OffsetDateTime> for Cell {
    fn from(v: OffsetDateTime) -> Self {
        Cell::Time(v)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Null, Into::into)
    }
}

/// SQLite allows 32,766 parameters per statement; stay well below.
const SQLITE_PARAMS: usize = 30_000;

/// Inserts rows into `table`. Every row has one cell per column.
pub async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    match tx {
        Tx::Sqlite(t) => {
            let per = (SQLITE_PARAMS / columns.len()).max(1);
            let mut n = 0;
            for chunk in rows.chunks(per) {
                let sql = sqlite_statement(table, columns, chunk.len());
                let mut q = sqlx::query(&sql);
                for row in chunk {
                    for cell in row {
                        q = match cell {
                            Cell::Null => q.bind(None::<String>),
                            Cell::Int(v) => q.bind(*v),
                            Cell::Bool(v) => q.bind(*v),
                            Cell::Text(v) => q.bind(v.as_str()),
                            Cell::Date(v) => q.bind(*v),
                            Cell::Time(v) => q.bind(*v),
                        };
                    }
                }
                n += q.execute(&mut **t).await?.rows_affected();
            }
            Ok(n)
        }
        Tx::Postgres(t) => {
            let mut data = String::with_capacity(rows.len() * columns.len() * 12);
            for row in rows {
                for (i, cell) in row.iter().enumerate() {
                    if i > 0 {
                        data.push('\t');
                    }
                    copy_text(&mut data, cell);
                }
                data.push('\n');
            }
            let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
            let mut copy = t.copy_in_raw(&sql).await?;
            copy.send(data.into_bytes()).await?;
            copy.finish().await
        }
    }
}

/// Anonymous `?` parameters: SQLite looks numbered or named ones up in a list, which
/// costs O(n²) in a statement with thousands of them.
fn sqlite_statement(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(","));
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    sql.push_str(&vec![row; rows].join(","));
    sql
}

/// A cell in PostgreSQL's COPY text format.
fn copy_text(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Null => out.push_str("\\N"),
        Cell::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Cell::Bool(v) => out.push(if *v { 't' } else { 'f' }),
        Cell::Date(d) => {
            let _ = write!(
                out,
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            );
        }
        Cell::Time(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            let _ = write!(
                out,
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.microsecond()
            );
        }
        Cell::Text(s) => {
            for ch in s.chars() {
                match ch {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// SQLite's packed rows: fields apart by US (0x1F), rows by RS (0x1E), NULL as NAK (0x15),
/// control characters no text of ours holds.
const FIELD: char = '\u{1f}';
const ROW: char = '\u{1e}';
const NULL: &str = "\u{15}";

/// Reads the rows of `SELECT <columns> <rest>` as text (`None` for NULL), for bulk jobs.
/// `rest` is the `FROM … WHERE …` part with literal values (COPY takes no parameters):
/// only numbers and dates formatted by the caller, never user input. Row order is not
/// kept: sort by a key.
pub async fn select(
    tx: &mut Tx,
    columns: &[&str],
    rest: &str,
) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
    match tx {
        Tx::Sqlite(t) => {
            let packed = columns
                .iter()
                .map(|c| format!("COALESCE(CAST({c} AS TEXT), char(21))"))
                .collect::<Vec<_>>()
                .join(" || char(31) || ");
            let sql =
                format!("SELECT group_concat(r, char(30)) FROM (SELECT {packed} AS r {rest})");
            let text: Option<String> = sqlx::query_scalar(&sql).fetch_one(&mut **t).await?;
            let Some(text) = text else {
                return Ok(Vec::new());
            };
            Ok(text
                .split(ROW)
                .map(|r| {
                    r.split(FIELD)
                        .map(|f| (f != NULL).then(|| f.to_string()))
                        .collect()
                })
                .collect())
        }
        Tx::Postgres(t) => {
            use futures_util::StreamExt;
            let sql = format!("COPY (SELECT {} {rest}) TO STDOUT", columns.join(", "));
            let mut stream = t.copy_out_raw(&sql).await?;
            let mut buf = Vec::new();
            while let Some(chunk) = stream.next().await {
                buf.extend_from_slice(&chunk?);
            }
            let text = String::from_utf8(buf).map_err(|e| sqlx::Error::Decode(e.into()))?;
            Ok(text
                .lines()
                .map(|r| r.split('\t').map(copy_field).collect())
                .collect())
        }
    }
}

/// A field of PostgreSQL's COPY text format.
fn copy_field(f: &str) -> Option<String> {
    if f == "\\N" {
        return None;
    }
    if !f.contains('\\') {
        return Some(f.to_string());
    }
    let mut out = String::with_capacity(f.len());
    let mut it = f.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    Some(out)
}

/// A SQL literal of a date (for [`select`]).
pub fn date_literal(d: Date) -> String {
    format!(
        "'{:04}-{:02}-{:02}'",
        d.year(),
        u8::from(d.month()),
        d.day()
    )
}

/// Parses a field of [`select`].
pub fn int(f: &Option<String>) -> Option<i64> {
    f.as_deref()?.parse().ok()
}

/// Parses a date field of [`select`] (`YYYY-MM-DD`, as both databases write it).
pub fn date(f: &Option<String>) -> Option<Date> {
    let s = f.as_deref()?;
    let (y, rest) = s.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    Date::from_calendar_date(
        y.parse().ok()?,
        time::Month::try_from(m.parse::<u8>().ok()?).ok()?,
        d.get(..2)?.parse().ok()?,
    )
    .ok()
}

/// The next free id of a table (ids are assigned by the job so rows can refer to each
/// other within one batch).
pub async fn next_id(tx: &mut Tx, table: &str) -> Result<i64, sqlx::Error> {
    let q = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    crate::sql!(tx, c => sqlx::query_scalar(&q).fetch_one(c).await)
}

/// After rows were inserted with explicit ids, PostgreSQL's identity sequence must move
/// past them (SQLite's rowid needs nothing).
pub async fn sync_identity(tx: &mut Tx, table: &str) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t) = tx {
        let q = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        );
        sqlx::query(&q).execute(&mut **t).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_read_back() {
        assert_eq!(copy_field("\\N"), None);
        assert_eq!(copy_field("a\\tb\\\\c"), Some("a\tb\\c".into()));
        assert_eq!(
            date(&Some("2026-03-01".into())),
            Some(time::macros::date!(2026 - 03 - 01))
        );
        assert_eq!(int(&Some("-42".into())), Some(-42));
        assert_eq!(
            date_literal(time::macros::date!(2026 - 03 - 01)),
            "'2026-03-01'"
        );
    }

    #[test]
    fn copy_text_escapes_and_formats() {
        let mut s = String::new();
        for c in [
            Cell::Text("a\tb\\c\nd".into()),
            Cell::Null,
            Cell::Date(time::macros::date!(2026 - 01 - 05)),
            Cell::Bool(true),
            Cell::Int(-3),
        ] {
            copy_text(&mut s, &c);
            s.push('|');
        }
        assert_eq!(s, "a\\tb\\\\c\\nd|\\N|2026-01-05|t|-3|");
    }

    #[test]
    fn sqlite_statement_numbers_parameters() {
        assert_eq!(
            sqlite_statement("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?,?),(?,?)"
        );
    }
}
