//! The schema: migrations per backend (the same version numbers and meaning on both),
//! applied at start-up, and the program's refusal of a schema newer than it knows.
//! Kept apart from `db` because migrating also seals the audit records the last moments
//! left unsealed, and the audit chain is built on `db`.

use crate::db::{Db, Pool};
use crate::sql_pool;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Problems with the schema that must stop the program with a clear message.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "the database schema is at version {found}, newer than this Skrb knows (up to {known}); \
         install the newer Skrb that migrated it, or restore a backup"
    )]
    Newer { found: i64, known: i64 },
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl Db {
    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.pool() {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// The newest migration version this binary carries.
    pub fn known_version(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest migration version applied to the database (0 on an empty database).
    pub async fn schema_version(&self) -> Result<i64, sqlx::Error> {
        let exists: bool = sql_pool!(self, p => {
            let q = match self.pool() {
                Pool::Sqlite(_) => "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = '_sqlx_migrations'",
                Pool::Postgres(_) => "SELECT to_regclass('_sqlx_migrations') IS NOT NULL",
            };
            sqlx::query_scalar(q).fetch_one(p).await?
        });
        if !exists {
            return Ok(0);
        }
        sql_pool!(self, p => {
            let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(p)
                .await?;
            Ok(v.unwrap_or(0))
        })
    }

    /// Refuses a schema newer than this binary, then applies pending migrations.
    pub async fn migrate(&self) -> Result<(), SchemaError> {
        let found = self.schema_version().await?;
        let known = self.known_version();
        if found > known {
            return Err(SchemaError::Newer { found, known });
        }
        match self.pool() {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        // Audit records not yet in the chain (written before it existed, or in the last
        // moments before a stop) join it now.
        crate::audit::chain::seal(self).await?;
        Ok(())
    }
}
