use skrb_kit::schema::SchemaError;

use crate::both;
use crate::harness::TestApp;

/// Migrating twice is harmless; a schema newer than the binary is refused clearly.
async fn newer_schema_is_refused(app: TestApp) {
    app.db.migrate().await.expect("second migrate is a no-op");
    assert_eq!(
        app.db.schema_version().await.unwrap(),
        app.db.known_version()
    );
    let future = app.db.known_version() + 1;
    skrb::sql_pool!(&app.db, p => {
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
                     VALUES ($1, 'from the future', CURRENT_TIMESTAMP, TRUE, $2, 0)")
            .bind(future).bind(vec![0u8; 48]).execute(p).await.unwrap();
    });
    match app.db.migrate().await {
        Err(SchemaError::Newer { found, known }) => {
            assert_eq!(found, future);
            assert_eq!(known, future - 1);
            let msg = SchemaError::Newer { found, known }.to_string();
            assert!(msg.contains("newer than this Skrb knows"), "{msg}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
both!(newer_schema_is_refused);

/// Health and readiness answer without a session.
async fn health_endpoints(app: TestApp) {
    assert_eq!(app.api("GET", "/healthz", None, None).await.body, "ok");
    let r = app.api("GET", "/readyz", None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "ready");
    assert!(!r.header("x-request-id").is_empty());
}
both!(health_endpoints);

// ---------------------------------------------------------------- schema parity

/// One line per fact of a schema, in a form both backends share: tables, columns with
/// their kind and nullability, indexes with their columns (unique, partial), the columns
/// a check constrains, the tables triggers guard. Sorted, so two descriptions compare
/// line by line.
async fn describe(db: &skrb::db::Db) -> Vec<String> {
    use std::collections::BTreeSet;
    let mut out: BTreeSet<String> = BTreeSet::new();
    let kind = |t: &str| -> &'static str {
        let t = t.to_ascii_lowercase();
        if t.contains("int") || t == "bigserial" || t == "serial" {
            "int"
        } else if t.contains("bool") {
            "bool"
        } else if t.contains("timestamp") {
            "instant"
        } else if t == "date" {
            "date"
        } else if t.contains("blob") || t.contains("bytea") {
            "bytes"
        } else if t.contains("real") || t.contains("double") || t.contains("numeric") {
            "number"
        } else {
            "text"
        }
    };
    match db.pool() {
        skrb::db::Pool::Sqlite(p) => {
            let tables: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .expect("tables");
            for (t, sql) in &tables {
                out.insert(format!("table {t}"));
                let cols: Vec<(String, String, bool, i64)> = sqlx::query_as(&format!(
                    "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}')"
                ))
                .fetch_all(p)
                .await
                .expect("columns");
                for (c, ty, notnull, pk) in cols {
                    let null = if notnull || pk > 0 {
                        "not null"
                    } else {
                        "null"
                    };
                    out.insert(format!("column {t}.{c} {} {null}", kind(&ty)));
                }
                // Checks live only in the table's text on SQLite: the column each names.
                let lower = sql.to_ascii_lowercase();
                for part in lower.split("check").skip(1) {
                    let inner = part.trim_start().trim_start_matches('(');
                    let col: String = inner
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !col.is_empty() {
                        out.insert(format!("check {t}.{col}"));
                    }
                }
                let idx: Vec<(String, bool, bool)> = sqlx::query_as(&format!(
                    "SELECT name, \"unique\", partial FROM pragma_index_list('{t}') WHERE origin <> 'pk'"
                ))
                .fetch_all(p)
                .await
                .expect("indexes");
                for (i, unique, partial) in idx {
                    let cols: Vec<String> = sqlx::query_scalar(&format!(
                        "SELECT COALESCE(name, '(expression)') FROM pragma_index_info('{i}') ORDER BY seqno"
                    ))
                    .fetch_all(p)
                    .await
                    .expect("index columns");
                    out.insert(format!(
                        "index {t}({}){}{}",
                        cols.join(", "),
                        if unique { " unique" } else { "" },
                        if partial { " partial" } else { "" }
                    ));
                }
            }
            let triggers: Vec<(String, String)> =
                sqlx::query_as("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
                    .fetch_all(p)
                    .await
                    .expect("triggers");
            for (t, sql) in triggers {
                let s = sql.to_ascii_uppercase();
                for ev in ["INSERT", "UPDATE", "DELETE"] {
                    if s.split(" ON ").next().unwrap_or("").contains(ev) {
                        out.insert(format!("trigger {t} {}", ev.to_lowercase()));
                    }
                }
            }
        }
        skrb::db::Pool::Postgres(p) => {
            let cols: Vec<(String, String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .expect("columns");
            for (t, c, ty, nullable) in cols {
                out.insert(format!("table {t}"));
                let null = if nullable == "YES" {
                    "null"
                } else {
                    "not null"
                };
                out.insert(format!("column {t}.{c} {} {null}", kind(&ty)));
            }
            let checks: Vec<(String, String)> = sqlx::query_as(
                "SELECT cl.relname::text, a.attname::text FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid \
                 JOIN pg_namespace n ON n.oid = cl.relnamespace \
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] \
                 WHERE k.contype = 'c' AND n.nspname = 'public'",
            )
            .fetch_all(p)
            .await
            .expect("checks");
            for (t, c) in checks {
                out.insert(format!("check {t}.{c}"));
            }
            let idx: Vec<(String, bool, bool, Vec<String>)> = sqlx::query_as(
                "SELECT t.relname::text, ix.indisunique, ix.indpred IS NOT NULL, \
                 ARRAY(SELECT COALESCE(a.attname::text, '(expression)') FROM unnest(ix.indkey) WITH ORDINALITY k(n, o) \
                       LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) \
                 FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
                 WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .expect("indexes");
            for (t, unique, partial, cols) in idx {
                out.insert(format!(
                    "index {t}({}){}{}",
                    cols.join(", "),
                    if unique { " unique" } else { "" },
                    if partial { " partial" } else { "" }
                ));
            }
            let triggers: Vec<(String, String)> = sqlx::query_as(
                "SELECT event_object_table::text, event_manipulation::text FROM information_schema.triggers \
                 WHERE trigger_schema = 'public'",
            )
            .fetch_all(p)
            .await
            .expect("triggers");
            for (t, ev) in triggers {
                out.insert(format!("trigger {t} {}", ev.to_lowercase()));
            }
        }
    }
    out.into_iter().collect()
}

/// The two migration trees describe one schema: after migrating, SQLite and PostgreSQL
/// hold the same tables, columns (kind and nullability), indexes, checks and triggers,
/// and both match the description kept in `skrb-kit/migrations/schema.txt` (rewritten
/// on purpose with SKRB_UPDATE_SNAPSHOTS=1 when a migration changes the schema). A
/// difference fails with the lines that differ.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_databases_have_one_schema() {
    let (lite, _, _g1) = crate::harness::fresh_db(crate::harness::Backend::Sqlite).await;
    let (pg, _, _g2) = crate::harness::fresh_db(crate::harness::Backend::Postgres).await;
    let a = describe(&lite).await;
    let b = describe(&pg).await;
    lite.close().await;
    pg.close().await;
    let diff = |x: &[String], y: &[String], xn: &str, yn: &str| -> Vec<String> {
        let only_x = x
            .iter()
            .filter(|l| !y.contains(l))
            .map(|l| format!("  only in {xn}: {l}"));
        let only_y = y
            .iter()
            .filter(|l| !x.contains(l))
            .map(|l| format!("  only in {yn}: {l}"));
        only_x.chain(only_y).collect()
    };
    // SQLite keeps dates and instants as ISO text (sqlx reads both back alike), so the
    // backends are compared with those kinds folded into text; the kept description is
    // PostgreSQL's, which still tells a date from an instant.
    let fold = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|l| l.replace(" date ", " text ").replace(" instant ", " text "))
            .collect()
    };
    let d = diff(&fold(&a), &fold(&b), "SQLite", "PostgreSQL");
    assert!(
        d.is_empty(),
        "the backends' schemas differ:\n{}",
        d.join("\n")
    );
    let a = b;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../skrb-kit/migrations/schema.txt"
    );
    let text = a.join("\n") + "\n";
    if std::env::var("SKRB_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &text).expect("write schema.txt");
        return;
    }
    let kept: Vec<String> = std::fs::read_to_string(path)
        .expect("schema.txt")
        .lines()
        .map(str::to_string)
        .collect();
    let d = diff(&kept, &a, "schema.txt", "the migrated database");
    assert!(
        d.is_empty(),
        "the migrated schema is not the one described (if on purpose, run with SKRB_UPDATE_SNAPSHOTS=1):\n{}",
        d.join("\n")
    );
}
