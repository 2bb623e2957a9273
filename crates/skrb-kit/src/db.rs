//! One code path over two databases.
//!
//! Queries are written once in portable SQL with `$1` placeholders (sqlx's SQLite driver
//! accepts them too) and run on whichever pool is configured; the [`sql!`] macro expands a
//! query body once per backend so each gets sqlx's native, typed driver. sqlx's `Any`
//! driver was rejected: it knows no dates or timestamps. Migrations are kept per backend.

use std::any::Any;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// A database: its connection pool, and the queue of the journal that appends the audit
/// records of reads in groups (`audit::journal`). Clones share both.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    journal: Slot,
}

/// Where the audit journal keeps its queue: shared by a pool's clones and dropped with
/// the last of them. Its owner gives it its type, so that the pool needs nothing of the
/// audit.
#[derive(Clone, Default)]
pub struct Slot(Arc<OnceLock<Box<dyn Any + Send + Sync>>>);

impl Slot {
    /// What the slot holds, put there by `init` the first time.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| Box::new(init())).downcast_ref()
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Slot")
    }
}

/// A connection pool on one of the supported backends.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction; every use case runs in exactly one.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$c` bound to the transaction's connection, once per backend.
#[macro_export]
macro_rules! sql {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Runs `$body` with `$c` bound to the pool (for reads that need no transaction).
#[macro_export]
macro_rules! sql_pool {
    ($db:expr, $c:ident => $body:expr) => {
        match $db.pool() {
            $crate::db::Pool::Sqlite($c) => $body,
            $crate::db::Pool::Postgres($c) => $body,
        }
    };
}

impl Db {
    /// Connects to `sqlite://FILE` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Search and list queries are parameter-sensitive (a prefix may match ten persons
            // or ten thousand, so which word should drive the scan depends on the values):
            // plan each execution for its values rather than reuse a generic plan.
            let opts = PgConnectOptions::from_str(url)
                .context("invalid PostgreSQL URL")?
                .options([("plan_cache_mode", "force_custom_plan")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Db::of(Pool::Postgres(pool)))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .context("invalid SQLite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // Money and audit records must survive a power cut (DESIGN.md).
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // A 16 MB page cache per connection (SQLite's default is 2 MB), taken only
                // as it fills. Each connection keeps its own and drops it at its next read
                // after another has written (WAL mode shares none), so a bigger one serves
                // little but the bulk job that fills it: with 64 MB the country bench's
                // renewal, payment run and import were no faster (3.9 / 0.6 / 8.2 s against
                // 4.1 / 0.7 / 8.3 s) and its peak memory was 614 MB instead of 471 MB.
                .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
                // No memory map: in WAL mode a connection unmaps the whole file whenever
                // another has written since its last read, so under load a country's 2 GB
                // file was unmapped and mapped again hundreds of times a second, and the
                // kernel's page-table work took a third of the server (bulk jobs are no
                // slower reading through the page cache, and take a third of the memory).
                .pragma("mmap_size", "0");
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await
                .context("cannot open the SQLite database")?;
            Ok(Db::of(Pool::Sqlite(pool)))
        } else {
            anyhow::bail!("unsupported database URL (use sqlite://FILE or postgres://...): {url}")
        }
    }

    /// A database over a pool, with a journal of its own.
    pub fn of(pool: Pool) -> Db {
        Db {
            pool,
            journal: Default::default(),
        }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The queue of the journal that appends this database's records of reads in groups.
    pub(crate) fn journal(&self) -> &Slot {
        &self.journal
    }

    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Starts a transaction. SQLite write transactions take the write lock up front
    /// (`BEGIN IMMEDIATE`) so that two writers queue on the busy timeout instead of
    /// failing when a read lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Starts a transaction that only reads: on SQLite it takes no write lock, so reads
    /// run side by side with each other and with the one writer. Its audit record is
    /// written afterwards with `audit::record_apart`.
    pub async fn begin_read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sql_pool!(self, p => {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// The page cache of a pooled SQLite connection, in KiB (why this size: [`Db::connect`]).
pub const SQLITE_CACHE_KIB: i64 = 16_384;

/// The page cache of a bulk job that changes more pages in one transaction than the
/// pool's cache holds (the import's sets of 50,000 persons change some 200,000 pages of a
/// country's registry): with the pool's 16 MB its commit took 5.3–5.5 s instead of 4.4 s.
pub const SQLITE_BULK_CACHE_KIB: i64 = 65_536;

impl Tx {
    /// Gives this transaction's SQLite connection the bulk job's page cache, or (`false`)
    /// the pool's again, before the connection goes back to the pool: the cache is kept
    /// only as it fills, so a connection left roomy by an error costs nothing until a
    /// bulk job fills it. PostgreSQL: nothing.
    pub async fn roomy(&mut self, on: bool) -> Result<(), sqlx::Error> {
        if let Tx::Sqlite(t) = self {
            let kib = if on {
                SQLITE_BULK_CACHE_KIB
            } else {
                SQLITE_CACHE_KIB
            };
            sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Undoes everything (dropping a transaction does too; this says so, and waits).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}

/// Masks the password in a database URL for printing.
pub fn mask_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((creds, host)) = rest.rsplit_once('@') {
            if let Some((user, _)) = creds.split_once(':') {
                return format!("{scheme}://{user}:****@{host}");
            }
        }
    }
    url.to_string()
}
