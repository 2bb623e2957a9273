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
