//! The HTTP server: router, middleware and the pieces every page shares.
//!
//! Handlers stay thin: parse, authorise, call a use case, render.

pub mod context;
pub mod errors;
pub mod openapi;
pub mod pages;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::routing::{get, post};
use axum::{middleware, Router};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::sessions::Lifetimes;
use crate::config::Config;
use crate::db::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub lifetimes: Lifetimes,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        let lifetimes = Lifetimes {
            idle: time::Duration::minutes(i64::from(config.session_idle_minutes)),
            absolute: time::Duration::hours(i64::from(config.session_max_hours)),
        };
        AppState {
            db,
            config: Arc::new(config),
            lifetimes,
        }
    }
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

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

/// Upper limit of a request body; forms and JSON of the registry are far smaller.
pub const BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let prefix = {
        use rand::Rng;
        let n: u32 = rand::thread_rng().gen();
        format!("{n:08x}")
    };
    let make_id = MakeId {
        prefix: Arc::new(prefix),
        counter: Arc::new(AtomicU64::new(1)),
    };

    let ui = Router::new()
        .route("/", get(pages::home))
        .route(
            "/login",
            get(crate::auth::web::login_page).post(crate::auth::web::login),
        )
        .route("/logout", post(crate::auth::web::logout))
        .route("/lang", post(pages::set_language))
        .merge(crate::registry::web::routes());
    let api = Router::new()
        .route(
            "/api/v1/session",
            post(crate::auth::web::api_login).delete(crate::auth::web::api_logout),
        )
        .route("/api/v1/openapi.json", get(openapi::document))
        .merge(crate::registry::api::routes());

    Router::new()
        .merge(ui)
        .merge(api)
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/assets/{file}", get(pages::asset))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), errors::render_errors))
        .layer(middleware::from_fn_with_state(state.clone(), context::load_context))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
            ),
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

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
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
