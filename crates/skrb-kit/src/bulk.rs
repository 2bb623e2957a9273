//! Set-based inserts and reads for bulk jobs (the demo generator, renewals, payment
//! runs): many rows per statement on SQLite, `COPY … FROM STDIN` on PostgreSQL; and
//! reading hundreds of thousands of rows on SQLite's own handle or with `COPY … TO
//! STDOUT` (PostgreSQL), because fetching them row by row through the driver costs
//! several times what the database spends finding them. Rows are plain cells or text,
//! so a job builds and parses them once for both databases.

use std::fmt::Write as _;

use time::{Date, OffsetDateTime};

use crate::db::Tx;

/// One value of a row; `Str` borrows text the job already holds, so that writing
/// hundreds of thousands of rows does not copy every text once more.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Str(&'a str),
    Date(Date),
    Time(OffsetDateTime),
}

/// A value that owns its text.
pub type Cell = Value<'static>;

impl Value<'_> {
    /// The same value, its text borrowed.
    pub fn view(&self) -> Value<'_> {
        match self {
            Value::Text(s) => Value::Str(s),
            Value::Str(s) => Value::Str(s),
            Value::Null => Value::Null,
            Value::Int(v) => Value::Int(*v),
            Value::Bool(v) => Value::Bool(*v),
            Value::Date(v) => Value::Date(*v),
            Value::Time(v) => Value::Time(*v),
        }
    }
}

/// Rows for a [`Writer`] that own their text, all of it in one buffer: a job builds the
/// next batch while this one is written, and the text it was built from (a set of rows
/// read) can go meanwhile.
pub struct Batch {
    text: String,
    cells: Vec<Slot>,
    width: usize,
}

/// A cell of a [`Batch`]; text as its place in the batch's buffer.
#[derive(Clone, Copy)]
enum Slot {
    Null,
    Int(i64),
    Bool(bool),
    Date(Date),
    Time(OffsetDateTime),
    Text(usize, usize),
}

impl Batch {
    /// An empty batch of rows of `width` cells, room made for `rows` of them.
    pub fn new(width: usize, rows: usize) -> Batch {
        Batch {
            text: String::with_capacity(rows * width * 8),
            cells: Vec::with_capacity(rows * width),
            width: width.max(1),
        }
    }

    /// Adds a cell; every `width` cells make a row.
    pub fn push(&mut self, cell: Value<'_>) {
        let slot = match cell {
            Value::Null => Slot::Null,
            Value::Int(v) => Slot::Int(v),
            Value::Bool(v) => Slot::Bool(v),
            Value::Date(v) => Slot::Date(v),
            Value::Time(v) => Slot::Time(v),
            Value::Text(s) => self.text_slot(&s),
            Value::Str(s) => self.text_slot(s),
        };
        self.cells.push(slot);
    }

    fn text_slot(&mut self, s: &str) -> Slot {
        let start = self.text.len();
        self.text.push_str(s);
        Slot::Text(start, self.text.len())
    }

    /// Whole rows in the batch.
    pub fn len(&self) -> usize {
        self.cells.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn cell(&self, row: usize, col: usize) -> Value<'_> {
        match self.cells.get(row * self.width + col) {
            None | Some(Slot::Null) => Value::Null,
            Some(Slot::Int(v)) => Value::Int(*v),
            Some(Slot::Bool(v)) => Value::Bool(*v),
            Some(Slot::Date(v)) => Value::Date(*v),
            Some(Slot::Time(v)) => Value::Time(*v),
            Some(Slot::Text(a, b)) => Value::Str(self.text.get(*a..*b).unwrap_or_default()),
        }
    }
}

impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<&str> for Value<'_> {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<Date> for Value<'_> {
    fn from(v: Date) -> Self {
        Value::Date(v)
    }
}

impl From<OffsetDateTime> for Value<'_> {
    fn from(v: OffsetDateTime) -> Self {
        Value::Time(v)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// SQLite allows 32,766 parameters per statement; stay well below.
const SQLITE_PARAMS: usize = 30_000;

/// Rows per statement on SQLite. A caller that writes in sets sizes them by it, so that
/// every statement but the last has the same text and is prepared once.
pub fn rows_per_statement(columns: usize) -> usize {
    (SQLITE_PARAMS / columns.max(1)).max(1)
}

/// Inserts rows into `table`. Every row has one cell per column.
pub async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value<'_>>],
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut w = Writer::start(tx, table, columns).await?;
    w.write(rows).await?;
    w.finish().await
}

/// Writes rows into one table set after set. A job that builds its next set while
/// this one is written (see [`Writer::write`]) keeps both cores busy: on SQLite the
/// driver's own thread runs the statement; on PostgreSQL every set goes into one
/// `COPY`, and the server indexes a set while the job builds the next.
pub enum Writer<'t> {
    Sqlite {
        conn: &'t mut sqlx::SqliteConnection,
        table: &'t str,
        columns: &'t [&'t str],
        written: u64,
    },
    Postgres {
        copy: sqlx::postgres::PgCopyIn<&'t mut sqlx::PgConnection>,
        width: usize,
    },
}

impl<'t> Writer<'t> {
    pub async fn start(
        tx: &'t mut Tx,
        table: &'t str,
        columns: &'t [&'t str],
    ) -> Result<Writer<'t>, sqlx::Error> {
        Ok(match tx {
            Tx::Sqlite(t) => Writer::Sqlite {
                conn: t,
                table,
                columns,
                written: 0,
            },
            Tx::Postgres(t) => {
                let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
                Writer::Postgres {
                    copy: t.copy_in_raw(&sql).await?,
                    width: columns.len(),
                }
            }
        })
    }

    /// Writes a set of rows. On PostgreSQL it returns once the set is sent, not
    /// written: an error in it comes from [`Writer::finish`].
    pub async fn write(&mut self, rows: &[Vec<Value<'_>>]) -> Result<(), sqlx::Error> {
        self.write_cells(rows.len(), |r, c| rows[r][c].view()).await
    }

    /// Writes a [`Batch`] (as [`Writer::write`]).
    pub async fn write_batch(&mut self, batch: &Batch) -> Result<(), sqlx::Error> {
        self.write_cells(batch.len(), |r, c| batch.cell(r, c)).await
    }

    /// Writes `rows` rows whose cells `cell(row, column)` gives.
    async fn write_cells<'c>(
        &mut self,
        rows: usize,
        cell: impl Fn(usize, usize) -> Value<'c>,
    ) -> Result<(), sqlx::Error> {
        match self {
            Writer::Sqlite {
                conn,
                table,
                columns,
                written,
            } => {
                let per = rows_per_statement(columns.len());
                let mut start = 0;
                while start < rows {
                    let end = (start + per).min(rows);
                    let sql = sqlite_statement(table, columns, end - start);
                    let mut q = sqlx::query(&sql);
                    for r in start..end {
                        for c in 0..columns.len() {
                            q = match cell(r, c) {
                                Value::Null => q.bind(None::<String>),
                                Value::Int(v) => q.bind(v),
                                Value::Bool(v) => q.bind(v),
                                Value::Text(v) => q.bind(v),
                                Value::Str(v) => q.bind(v),
                                Value::Date(v) => q.bind(v),
                                Value::Time(v) => q.bind(v),
                            };
                        }
                    }
                    *written += q.execute(&mut **conn).await?.rows_affected();
                    start = end;
                }
                Ok(())
            }
            Writer::Postgres { copy, width } => {
                let mut data = String::with_capacity(rows * *width * 12);
                for r in 0..rows {
                    for c in 0..*width {
                        if c > 0 {
                            data.push('\t');
                        }
                        copy_text(&mut data, &cell(r, c));
                    }
                    data.push('\n');
                }
                copy.send(data.into_bytes()).await?;
                Ok(())
            }
        }
    }

    /// Ends the writing: the number of rows written.
    pub async fn finish(self) -> Result<u64, sqlx::Error> {
        match self {
            Writer::Sqlite { written, .. } => Ok(written),
            Writer::Postgres { copy, .. } => copy.finish().await,
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
fn copy_text(out: &mut String, cell: &Value<'_>) {
    let text = match cell {
        Value::Text(s) => s.as_str(),
        Value::Str(s) => s,
        _ => "",
    };
    match cell {
        Value::Null => out.push_str("\\N"),
        Value::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Bool(v) => out.push(if *v { 't' } else { 'f' }),
        Value::Date(d) => {
            let _ = write!(
                out,
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            );
        }
        Value::Time(t) => {
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
        Value::Text(_) | Value::Str(_)
            if !text
                .bytes()
                .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r')) =>
        {
            out.push_str(text)
        }
        Value::Text(_) | Value::Str(_) => {
            for ch in text.chars() {
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

/// Rows read by [`select`]: the text of every field in one buffer, so that reading
/// hundreds of thousands of rows costs a few allocations rather than one per field.
#[derive(Default)]
pub struct Rows {
    text: String,
    /// Start and end of each field in `text`, row after row; `NULL_AT` marks NULL.
    fields: Vec<(u32, u32)>,
    width: usize,
}

const NULL_AT: u32 = u32::MAX;

impl Rows {
    fn new(width: usize) -> Rows {
        Rows {
            width: width.max(1),
            ..Rows::default()
        }
    }

    pub fn len(&self) -> usize {
        self.fields.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).map(move |at| Row { rows: self, at })
    }

    fn end(&self) -> Result<u32, sqlx::Error> {
        u32::try_from(self.text.len())
            .map_err(|_| sqlx::Error::Protocol("bulk read over 4 GB".into()))
    }

    fn null(&mut self) {
        self.fields.push((NULL_AT, NULL_AT));
    }

    /// Adds a field whose text the closure appends.
    fn field(&mut self, write: impl FnOnce(&mut String)) -> Result<(), sqlx::Error> {
        let start = self.end()?;
        write(&mut self.text);
        let end = self.end()?;
        self.fields.push((start, end));
        Ok(())
    }
}

/// One row of [`Rows`]; fields by their place in the column list.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    rows: &'a Rows,
    at: usize,
}

impl<'a> Row<'a> {
    /// The field's text, `None` for NULL (or a place past the row's end).
    pub fn text(&self, col: usize) -> Option<&'a str> {
        if col >= self.rows.width {
            return None;
        }
        let (a, b) = *self.rows.fields.get(self.at * self.rows.width + col)?;
        if a == NULL_AT {
            return None;
        }
        self.rows.text.get(a as usize..b as usize)
    }

    pub fn int(&self, col: usize) -> Option<i64> {
        self.text(col)?.parse().ok()
    }

    /// A date field (`YYYY-MM-DD`, as both databases write it).
    pub fn date(&self, col: usize) -> Option<Date> {
        let s = self.text(col)?;
        let (y, rest) = s.split_once('-')?;
        let (m, d) = rest.split_once('-')?;
        Date::from_calendar_date(
            y.parse().ok()?,
            time::Month::try_from(m.parse::<u8>().ok()?).ok()?,
            d.get(..2)?.parse().ok()?,
        )
        .ok()
    }
}

impl<'a> Row<'a> {
    /// Reads the row with `read`; a row it cannot read is an error naming `what`, so that
    /// a bulk job stops rather than silently leave a row out.
    pub fn read<T>(
        self,
        what: &str,
        read: impl FnOnce(Row<'a>) -> Option<T>,
    ) -> Result<T, sqlx::Error> {
        read(self)
            .ok_or_else(|| sqlx::Error::Decode(format!("unreadable {what} row {self:?}").into()))
    }
}

impl std::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.rows.width).map(|c| self.text(c)))
            .finish()
    }
}

/// Reads the rows of `SELECT <columns> <rest>` as text, for bulk jobs. `rest` is the
/// `FROM … WHERE …` part with literal values (COPY takes no parameters): only numbers
/// and dates formatted by the caller, never user input. Row order is not kept: sort by
/// a key.
pub async fn select(tx: &mut Tx, columns: &[&str], rest: &str) -> Result<Rows, sqlx::Error> {
    let sql = format!("SELECT {} {rest}", columns.join(", "));
    match tx {
        Tx::Sqlite(t) => {
            let mut handle = t.lock_handle().await?;
            let raw = handle.as_raw_handle();
            blocking(|| sqlite_rows(raw, &sql, columns.len()))
        }
        Tx::Postgres(t) => {
            use futures_util::StreamExt;
            // A bulk read is a plain scan or a join by key: compiling it (JIT) costs more
            // than it saves.
            sqlx::query("SET LOCAL jit = off").execute(&mut **t).await?;
            let mut buf = Vec::new();
            {
                let mut stream = t.copy_out_raw(&format!("COPY ({sql}) TO STDOUT")).await?;
                while let Some(chunk) = stream.next().await {
                    buf.extend_from_slice(&chunk?);
                }
            }
            sqlx::query("SET LOCAL jit TO DEFAULT")
                .execute(&mut **t)
                .await?;
            let text = String::from_utf8(buf).map_err(|e| sqlx::Error::Decode(e.into()))?;
            copy_rows(&text, columns.len())
        }
    }
}

/// Steps through a query on SQLite's own handle: sqlx hands rows one by one from its
/// worker thread, which costs several times what SQLite spends finding them.
fn sqlite_rows(
    raw: std::ptr::NonNull<rusqlite::ffi::sqlite3>,
    sql: &str,
    width: usize,
) -> Result<Rows, sqlx::Error> {
    let err = sqlite_err;
    // SAFETY: sqlx has locked the handle out of its worker for us (`lock_handle`), it
    // stays open while the lock is held (the caller holds it across this call), and a
    // connection made by `from_handle` does not close it when dropped.
    let conn = unsafe { rusqlite::Connection::from_handle(raw.as_ptr()) }.map_err(err)?;
    let mut stmt = conn.prepare(sql).map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    let mut out = Rows::new(width);
    while let Some(row) = rows.next().map_err(err)? {
        out.push_sqlite(row)?;
    }
    Ok(out)
}

impl Rows {
    /// Adds a row SQLite stepped to.
    fn push_sqlite(&mut self, row: &rusqlite::Row<'_>) -> Result<(), sqlx::Error> {
        use rusqlite::types::ValueRef;
        for i in 0..self.width {
            match row.get_ref(i).map_err(sqlite_err)? {
                ValueRef::Null => self.null(),
                ValueRef::Integer(v) => self.field(|t| {
                    let _ = write!(t, "{v}");
                })?,
                ValueRef::Real(v) => self.field(|t| {
                    let _ = write!(t, "{v}");
                })?,
                ValueRef::Text(b) | ValueRef::Blob(b) => {
                    self.field(|t| match std::str::from_utf8(b) {
                        Ok(s) => t.push_str(s),
                        Err(_) => t.push_str(&String::from_utf8_lossy(b)),
                    })?
                }
            }
        }
        Ok(())
    }

    /// Adds the rows of whole lines of PostgreSQL's COPY text format.
    fn push_copy(&mut self, text: &str) -> Result<(), sqlx::Error> {
        for line in text.lines() {
            let mut n = 0;
            for f in line.split('\t') {
                n += 1;
                if f == "\\N" {
                    self.null();
                } else {
                    self.field(|t| unescape_copy(t, f))?;
                }
            }
            if n != self.width {
                return Err(sqlx::Error::Protocol(format!(
                    "bulk read: {n} fields where {} were asked for",
                    self.width
                )));
            }
        }
        Ok(())
    }
}

fn sqlite_err(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("bulk read: {e}"))
}

/// What [`stream`] sends: first the count, if one was asked for, then the sets of rows
/// in the order the query gives them.
pub enum Streamed {
    Count(i64),
    Rows(Rows),
}

/// Sets [`stream`] reads ahead of the job. Reading is cheaper than what a job does with
/// what it read, so the reading is soon this far ahead and waits; the bound keeps a
/// large read from being held in memory all at once.
const READ_AHEAD: usize = 16;

/// The receiving end of [`stream`].
pub type Stream = tokio::sync::mpsc::Receiver<Result<Streamed, sqlx::Error>>;

/// A bulk read on a connection of its own (see [`stream`]).
pub struct StreamQuery<'q> {
    /// `SET LOCAL …` made first (PostgreSQL only).
    pub settings: &'q [&'q str],
    pub columns: &'q [&'q str],
    /// `FROM … WHERE … ORDER BY …`, literal values only (as for [`select`]).
    pub rest: &'q str,
    /// A `SELECT COUNT(*) …` answered before the rows, for a progress bar: counted by the
    /// reading connection while the job prepares, not by the job.
    pub count: Option<&'q str>,
    /// Rows per set.
    pub per: usize,
}

/// Reads the rows of a query on a connection of its own, set after set, so that a bulk
/// job works through the rows already read while the database finds the next ones: a
/// payment run writes lines while it reads entitlements. The reading sees what is
/// committed; a job that must see its own transaction's changes uses [`select`]. A read
/// that fails sends its error last; a job that stops taking sets stops the reading.
pub fn stream(db: &crate::db::Db, q: StreamQuery<'_>) -> Stream {
    let (send, sets) = tokio::sync::mpsc::channel(READ_AHEAD);
    let read = Reading {
        sql: format!("SELECT {} {}", q.columns.join(", "), q.rest),
        count: q.count.map(str::to_string),
        width: q.columns.len(),
        per: q.per.max(1),
        send,
    };
    match db.pool() {
        crate::db::Pool::Sqlite(pool) => {
            let path = pool.connect_options().get_filename().to_path_buf();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = sqlite_stream(&path, &read) {
                    let _ = read.send.blocking_send(Err(e));
                }
            });
        }
        crate::db::Pool::Postgres(pool) => {
            let pool = pool.clone();
            let settings: Vec<String> = q.settings.iter().map(|s| s.to_string()).collect();
            tokio::spawn(async move {
                if let Err(e) = postgres_stream(&pool, &settings, &read).await {
                    let _ = read.send.send(Err(e)).await;
                }
            });
        }
    }
    sets
}

/// A [`stream`] under way.
struct Reading {
    sql: String,
    count: Option<String>,
    width: usize,
    per: usize,
    send: tokio::sync::mpsc::Sender<Result<Streamed, sqlx::Error>>,
}

/// [`stream`] on SQLite: a connection of its own to the same file, on a thread of its
/// own. Its read begins after the job's write transaction began (`BEGIN IMMEDIATE`), so
/// it sees the database as the job found it.
fn sqlite_stream(path: &std::path::Path, read: &Reading) -> Result<(), sqlx::Error> {
    let conn = rusqlite::Connection::open(path).map_err(sqlite_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(sqlite_err)?;
    // A roomy page cache and no memory map: every page of the file a long read touched
    // through a map stayed resident in the process until the read ended, so the stream
    // of a country's renewal or payment run added up to 615 MB of mapped file to the
    // process's memory; read into a 64 MB cache, the file stays in the system's cache.
    conn.execute_batch("PRAGMA mmap_size = 0; PRAGMA cache_size = -65536;")
        .map_err(sqlite_err)?;
    // one read transaction: the count and the rows see the same database
    conn.execute_batch("BEGIN").map_err(sqlite_err)?;
    if let Some(count) = &read.count {
        let n: i64 = conn
            .query_row(count, [], |r| r.get(0))
            .map_err(sqlite_err)?;
        if read.send.blocking_send(Ok(Streamed::Count(n))).is_err() {
            return Ok(());
        }
    }
    let mut stmt = conn.prepare(&read.sql).map_err(sqlite_err)?;
    let mut rows = stmt.query([]).map_err(sqlite_err)?;
    let mut set = Rows::new(read.width);
    while let Some(row) = rows.next().map_err(sqlite_err)? {
        set.push_sqlite(row)?;
        if set.len() >= read.per {
            let full = std::mem::replace(&mut set, Rows::new(read.width));
            if read.send.blocking_send(Ok(Streamed::Rows(full))).is_err() {
                return Ok(());
            }
        }
    }
    if !set.is_empty() {
        let _ = read.send.blocking_send(Ok(Streamed::Rows(set)));
    }
    Ok(())
}

/// [`stream`] on PostgreSQL: `COPY … TO STDOUT` on a pooled connection of its own, in a
/// read-only transaction.
async fn postgres_stream(
    pool: &sqlx::PgPool,
    settings: &[String],
    read: &Reading,
) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let done = postgres_copy_out(&mut conn, settings, read).await;
    if !matches!(done, Ok(true)) {
        // Stopped halfway, the connection may be inside a COPY or a transaction: it is
        // closed, not given back.
        conn.close_on_drop();
    }
    done.map(|_| ())
}

/// Whether the reading went to the end (not stopped by the job).
async fn postgres_copy_out(
    conn: &mut sqlx::PgConnection,
    settings: &[String],
    read: &Reading,
) -> Result<bool, sqlx::Error> {
    use futures_util::StreamExt;
    // one snapshot: the count and the rows see the same database
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *conn)
        .await?;
    // as in `select`: a bulk read is not worth compiling
    sqlx::query("SET LOCAL jit = off")
        .execute(&mut *conn)
        .await?;
    for s in settings {
        sqlx::query(s).execute(&mut *conn).await?;
    }
    if let Some(count) = &read.count {
        let n: i64 = sqlx::query_scalar(count).fetch_one(&mut *conn).await?;
        if read.send.send(Ok(Streamed::Count(n))).await.is_err() {
            return Ok(false);
        }
    }
    let mut set = Rows::new(read.width);
    let mut pending: Vec<u8> = Vec::new();
    {
        let mut copy = conn
            .copy_out_raw(&format!("COPY ({}) TO STDOUT", read.sql))
            .await?;
        while let Some(chunk) = copy.next().await {
            pending.extend_from_slice(&chunk?);
            // whole lines only; a row is rarely split, but may be
            if pending.len() < 1 << 16 {
                continue;
            }
            let Some(end) = pending.iter().rposition(|b| *b == b'\n') else {
                continue;
            };
            let text =
                std::str::from_utf8(&pending[..=end]).map_err(|e| sqlx::Error::Decode(e.into()))?;
            set.push_copy(text)?;
            pending.drain(..=end);
            if set.len() >= read.per {
                let full = std::mem::replace(&mut set, Rows::new(read.width));
                if read.send.send(Ok(Streamed::Rows(full))).await.is_err() {
                    return Ok(false);
                }
            }
        }
    }
    let text = std::str::from_utf8(&pending).map_err(|e| sqlx::Error::Decode(e.into()))?;
    set.push_copy(text)?;
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    Ok(set.is_empty() || read.send.send(Ok(Streamed::Rows(set))).await.is_ok())
}

/// Runs blocking database work off the async scheduler where the runtime allows it.
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Rows of PostgreSQL's COPY text format.
fn copy_rows(text: &str, width: usize) -> Result<Rows, sqlx::Error> {
    let mut out = Rows::new(width);
    out.text.reserve(text.len());
    out.push_copy(text)?;
    Ok(out)
}

/// A field of PostgreSQL's COPY text format, unescaped.
fn unescape_copy(out: &mut String, f: &str) {
    if !f.contains('\\') {
        out.push_str(f);
        return;
    }
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
}

/// Ids as SQL lists (`1,2,3`) of at most `per` each, for `… WHERE id IN (…)` in sets:
/// ids the job found itself, never user input.
pub fn id_lists(ids: &[i64], per: usize) -> impl Iterator<Item = String> + '_ {
    ids.chunks(per.max(1)).map(|chunk| {
        let mut list = String::with_capacity(chunk.len() * 8);
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let _ = write!(list, "{id}");
        }
        list
    })
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
    fn copy_rows_read_back() {
        let rows = copy_rows("1\ta\\tb\\\\c\t2026-03-01\n-42\t\\N\t\\N\n", 3).unwrap();
        assert_eq!(rows.len(), 2);
        let r: Vec<_> = rows.iter().collect();
        assert_eq!(r[0].int(0), Some(1));
        assert_eq!(r[0].text(1), Some("a\tb\\c"));
        assert_eq!(r[0].date(2), Some(time::macros::date!(2026 - 03 - 01)));
        assert_eq!(r[1].int(0), Some(-42));
        assert_eq!(
            (r[1].text(1), r[1].date(2), r[1].text(3)),
            (None, None, None)
        );
        assert!(copy_rows("1\t2\n", 3).is_err(), "a short row is an error");
        assert!(r[1].read("test", |r| r.date(2)).is_err());
        assert_eq!(
            id_lists(&[1, 2, 3, 40], 3).collect::<Vec<_>>(),
            ["1,2,3", "40"]
        );
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
            Value::Date(time::macros::date!(2026 - 01 - 05)),
            Value::Bool(true),
            Value::Int(-3),
            Value::Str("Ana Novak"),
            Value::Str("a\tb"),
        ] {
            copy_text(&mut s, &c);
            s.push('|');
        }
        assert_eq!(s, "a\\tb\\\\c\\nd|\\N|2026-01-05|t|-3|Ana Novak|a\\tb|");
    }

    #[test]
    fn sqlite_statement_numbers_parameters() {
        assert_eq!(
            sqlite_statement("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?,?),(?,?)"
        );
    }
}
