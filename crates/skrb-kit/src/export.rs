//! A list page's download: the list with the page's filters, every row of it, as XLSX or
//! CSV. Rows are read from a database stream and written to a temporary file as they come
//! (`sheet::ListWriter`), then the file is sent in chunks and deleted: 300,000 rows take no
//! more memory than 300, and nothing times out while the file is assembled in the
//! database's order.

use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use time::Date;

use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::sheet::{Cell, ListWriter};

/// A value bound to a list's query, in the order of its placeholders.
#[derive(Debug, Clone)]
pub enum Bind {
    I(i64),
    S(String),
    D(Date),
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
            let mut q = sqlx::query_as::<_, R>(sql);
            for b in binds {
                q = match b {
                    Bind::I(i) => q.bind(*i),
                    Bind::S(s) => q.bind(s.clone()),
                    Bind::D(d) => q.bind(*d),
                };
            }
            let mut rows = q.fetch($p);
            while let Some(r) = rows.try_next().await? {
                w.row(&map(r)).map_err(AppError::Internal)?;
            }
        }};
    }
    match db {
        Db::Sqlite(p) => each!(p),
        Db::Postgres(p) => each!(p),
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
