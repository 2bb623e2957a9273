//! A list page's download: the list with the page's filters, every row of it, as XLSX or
//! CSV. Rows are read from a database stream and written to a temporary file as they come
//! (`sheet::ListWriter`), then the file is sent in chunks and deleted: 300,000 rows take no
//! more memory than 300, and nothing times out while the file is assembled in the
//! database's order.

use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use time::Date;

use crate::audit::{self, Action, Actor, Event};
use crate::db::{Db, Pool};
use crate::error::{AppError, AppResult};
use crate::i18n::{t, Locale};
use crate::sheet::{Cell, ListWriter};

/// A list to download: its query (every row, in the page's order, the page's own
/// filters), the values bound to it, the sheet's title and columns, the file's name, and
/// what the audit log records about it.
pub struct Listing {
    pub sql: String,
    pub binds: Vec<Bind>,
    pub title: String,
    pub columns: Vec<String>,
    /// The file's name without its extension.
    pub name: &'static str,
    /// What the audit record is about (`person`, `application`, ...).
    pub entity: &'static str,
    /// The filters, for the audit record.
    pub detail: serde_json::Value,
}

/// The columns' headings in the reader's language, from their message keys.
pub fn headings(l: Locale, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(l, k)).collect()
}

/// Writes the list (read from `read`, the reports' database) and records the download
/// with its filters, format and number of rows in the audit log of `db`.
pub async fn download<R, F>(
    read: &Db,
    db: &Db,
    actor: &Actor,
    list: Listing,
    format: Format,
    map: F,
) -> AppResult<Download>
where
    R: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
    F: FnMut(R) -> Vec<Cell>,
{
    let d = stream(
        read,
        &list.sql,
        &list.binds,
        &list.title,
        &list.columns,
        format,
        list.name,
        map,
    )
    .await?;
    audit::record_apart(
        db,
        actor,
        Event::about(Action::Download, list.entity).detail(serde_json::json!({
            "filters": list.detail, "rows": d.rows, "format": format.ext()
        })),
    )
    .await?;
    Ok(d)
}

/// A value bound to a list's query, in the order of its placeholders.
#[derive(Debug, Clone)]
pub enum Bind {
    I(i64),
    S(String),
    D(Date),
    /// A number that may be absent (a reader of all centres has no centre).
    N(Option<i64>),
    B(bool),
}

/// Binds a list's values, in order, to a query (`query`, `query_as` or `query_scalar`):
/// the page and its download bind the same filter the same way.
#[macro_export]
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                $crate::export::Bind::I(i) => q.bind(*i),
                $crate::export::Bind::S(s) => q.bind(s.clone()),
                $crate::export::Bind::D(d) => q.bind(*d),
                $crate::export::Bind::N(n) => q.bind(*n),
                $crate::export::Bind::B(b) => q.bind(*b),
            };
        }
        q
    }};
}

/// Where a list page's two downloads are (`{path}.xlsx?{query}`, `{path}.csv?{query}`),
/// for the `downloads.html` template: the page's filters, already encoded.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub path: String,
    pub query: String,
}

impl Links {
    pub fn new(path: impl Into<String>, query: impl Into<String>) -> Links {
        Links {
            path: path.into(),
            query: query.into(),
        }
    }
}

/// The two formats of a list download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// `xlsx` or `csv` (the download's extension).
    pub fn from_ext(ext: &str) -> Option<Format> {
        match ext {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A list written to its temporary file, ready to send.
pub struct Download {
    file: tempfile::NamedTempFile,
    name: String,
    format: Format,
    pub rows: u64,
}

/// Writes every row of `sql` (its placeholders bound from `binds`) through `map` into a
/// temporary file of the format.
#[allow(clippy::too_many_arguments)]
pub async fn stream<R, F>(
    db: &Db,
    sql: &str,
    binds: &[Bind],
    title: &str,
    columns: &[String],
    format: Format,
    name: &str,
    mut map: F,
) -> AppResult<Download>
where
    R: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
    F: FnMut(R) -> Vec<Cell>,
{
    let file = tempfile::NamedTempFile::new().map_err(|e| AppError::Internal(e.into()))?;
    let mut w = match format {
        Format::Xlsx => ListWriter::xlsx(file.path(), title, columns),
        Format::Csv => ListWriter::csv(file.path(), columns),
    }
    .map_err(AppError::Internal)?;
    macro_rules! each {
        ($p:expr) => {{
            let q = crate::bind_all!(sqlx::query_as::<_, R>(sql), binds);
            let mut rows = q.fetch($p);
            while let Some(r) = rows.try_next().await? {
                w.row(&map(r)).map_err(AppError::Internal)?;
            }
        }};
    }
    match db.pool() {
        Pool::Sqlite(p) => each!(p),
        Pool::Postgres(p) => each!(p),
    }
    let rows = w.finish().map_err(AppError::Internal)?;
    Ok(Download {
        file,
        name: format!("{name}.{}", format.ext()),
        format,
        rows,
    })
}

impl Download {
    /// Keeps the file at `path` (the command line's downloads).
    pub fn save(self, path: &std::path::Path) -> std::io::Result<()> {
        std::fs::copy(self.file.path(), path).map(|_| ())
    }

    /// The file as a download, sent in chunks of 64 KiB; it is deleted once sent.
    pub fn response(self) -> AppResult<axum::response::Response> {
        use axum::http::header;
        use axum::response::IntoResponse;
        use tokio::io::AsyncReadExt;
        let std_file = self
            .file
            .reopen()
            .map_err(|e| AppError::Internal(e.into()))?;
        let len = std_file.metadata().map(|m| m.len()).unwrap_or(0);
        let state = (tokio::fs::File::from_std(std_file), self.file);
        let body = futures_util::stream::unfold(state, |(mut f, keep)| async move {
            let mut buf = vec![0u8; 64 * 1024];
            match f.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(axum::body::Bytes::from(buf)), (f, keep)))
                }
                Err(e) => Some((Err(e), (f, keep))),
            }
        });
        Ok((
            [
                (header::CONTENT_TYPE, self.format.mime().to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", self.name),
                ),
                (header::CONTENT_LENGTH, len.to_string()),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            ],
            axum::body::Body::from_stream(body),
        )
            .into_response())
    }
}
