//! The HTTP server: every context's routes in one table, the middleware around them,
//! and what each page shows of other contexts (the panels). The web frame itself (the
//! request's context, the guard, errors, the layout) is the kit's.

pub use skrb_kit::web::{
    context, errors, json, page, panels, routes, tls, AppState, Routes, BODY_LIMIT, REQUEST_ID,
};

pub mod openapi;
pub mod pages;
pub mod work;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::{middleware, Router};
use skrb_kit::web::middleware::load_context;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Request ids: a per-process random prefix and a counter, short enough to read out
/// over the phone when a user reports an error.
#[derive(Clone)]
struct MakeId {
    prefix: Arc<String>,
    counter: Arc<AtomicU64>,
}

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _req: &Request<B>) -> Option<RequestId> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Every route of Skrb with the access it needs (see [`routes`]).
pub fn route_table() -> Routes {
    use crate::auth::Permission::*;
    use routes::Access::*;
    Routes::new()
        .get("/", Signed, pages::home)
        .get("/healthz", Public, pages::healthz)
        .get("/readyz", Public, pages::readyz)
        .get("/assets/{file}", Public, pages::asset)
        .get("/assets/fonts/{file}", Public, pages::font)
        .get("/search", Signed, pages::search)
        .get("/work", Signed, work::my_work)
        .post("/lang", Public, pages::set_language)
        .get("/api/v1/openapi.json", Public, openapi::document)
        .merge(crate::auth::web::routes())
        .merge(crate::auth::account::routes())
        .merge(crate::auth::admin::routes())
        .merge(crate::audit::views::routes())
        .merge(skrb_registry::web::routes())
        .merge(skrb_registry::api::routes())
        .merge(skrb_registry::restricted::routes())
        .merge(skrb_registry::export::routes())
        .merge(skrb_cases::web::routes())
        .merge(skrb_cases::api::routes())
        .merge(skrb_cases::web::referrals::routes())
        .merge(skrb_cases::api::referrals::routes())
        .merge(skrb_partners::web::routes())
        .merge(skrb_partners::api::routes())
        .merge(skrb_rights::web::routes())
        .merge(skrb_rights::api::routes())
        .merge(skrb_payments::web::routes())
        .merge(skrb_payments::api::routes())
        .merge(skrb_services::web::routes())
        .merge(skrb_services::api::routes())
        .merge(skrb_placements::web::routes())
        .merge(skrb_placements::api::routes())
        .merge(skrb_programmes::web::routes())
        .merge(skrb_programmes::api::routes())
        .merge(skrb_year::web::routes())
        .merge(skrb_year::api::routes())
        .merge(skrb_reports::web::routes())
        .merge(skrb_import::web::routes())
        .merge(skrb_import::api::routes())
        .merge(skrb_reports::api::routes())
        .get("/statistics", Perm(StatisticsRead), pages::statistics)
}

/// What each page shows of other contexts, in order (see `skrb_kit::web::panels`).
pub fn panels() -> panels::Panels {
    panels::Panels {
        person: vec![
            crate::rights::web::person_panel,
            crate::cases::web::person_panel,
            crate::services::web::person_panel,
            crate::placements::web::person_panel,
            crate::programmes::web::person_panel,
        ],
        partner: vec![crate::cases::web::referrals::partner_panel],
        export: vec![
            crate::cases::view::export_part,
            crate::rights::view::export_part,
            crate::services::sessions::export_part,
            crate::placements::view::export_part,
            crate::programmes::view::export_part,
        ],
    }
}

pub fn router(mut state: AppState) -> Router {
    crate::install_words();
    state.panels = Arc::new(panels());
    let prefix = {
        use rand::Rng;
        let n: u32 = rand::thread_rng().gen();
        format!("{n:08x}")
    };
    let make_id = MakeId {
        prefix: Arc::new(prefix),
        counter: Arc::new(AtomicU64::new(1)),
    };

    let (routes, _) = route_table().into_parts();
    let hsts = state.config.tls;
    routes
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), errors::render_errors))
        .layer(middleware::from_fn_with_state(state.clone(), load_context))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
            ),
        ))
        // Pages of personal data must not stay in shared or browser caches.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            hsts.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, make_id))
        .with_state(state)
}

/// What runs beside the requests while serving: the audit sealer (and its signed
/// checkpoints) and the nightly backup.
fn start_background(state: &AppState) -> anyhow::Result<()> {
    let checkpoints = match &state.config.checkpoints {
        Some(c) => Some(crate::audit::checkpoint::Checkpointer::new(c)?),
        None => None,
    };
    crate::audit::sealer::spawn(state.db.clone(), checkpoints);
    if let Some(b) = &state.config.backup {
        crate::backup::spawn_nightly(
            state.db.clone(),
            state.config.database_url.clone(),
            b.dir.clone(),
            b.keep,
            b.hour,
        );
    }
    Ok(())
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    start_background(&state)?;
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<tls::PeerAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

/// [`serve`] over HTTPS.
pub async fn serve_tls(
    state: AppState,
    listener: tokio::net::TcpListener,
    acceptor: tls::TlsAcceptor,
) -> anyhow::Result<()> {
    start_background(&state)?;
    let app = router(state);
    axum::serve(
        tls::TlsListener::new(listener, acceptor)?,
        app.into_make_service_with_connect_info::<tls::PeerAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
