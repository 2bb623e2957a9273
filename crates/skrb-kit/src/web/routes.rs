//! Every route with the access it needs, declared in one table.
//!
//! Routes are added only through [`Routes`], which wraps each handler in a guard for its
//! declared [`Access`] before the handler (and its body parsing) runs, and keeps the list
//! so that the test suite can try every route as every role. A route cannot exist
//! without a permission check.

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::Router;

use axum::extract::{Query, State};

use super::context::{Ctx, Signed};
use super::AppState;
use crate::auth::Permission;
use crate::error::AppError;
use crate::export::Format;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, assets, health checks).
    Public,
    /// A signed-in user, even one who must still set up a second factor.
    Enrolling,
    /// A signed-in user who has met the second-factor rule of their role.
    Signed,
    /// A signed-in user whose permissions include this one.
    Perm(Permission),
}

#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

pub struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }
}

async fn guard(access: Access, req: Request, next: Next) -> Response {
    let Some(ctx) = req.extensions().get::<Ctx>() else {
        return AppError::Internal(anyhow::anyhow!("request context missing")).into_response();
    };
    if access == Access::Public {
        return next.run(req).await;
    }
    let Some(user) = &ctx.user else {
        return AppError::Unauthenticated.into_response();
    };
    if user.must_enrol && access != Access::Enrolling {
        return if ctx.is_api {
            AppError::Refused(crate::error::Msg::new("totp-required")).into_response()
        } else {
            Redirect::to("/account/totp").into_response()
        };
    }
    if let Access::Perm(p) = access {
        if !user.perms.has(p) {
            return AppError::Forbidden.into_response();
        }
    }
    next.run(req).await
}

impl Routes {
    pub fn new() -> Self {
        Routes::default()
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        mr: MethodRouter<AppState>,
    ) -> Self {
        let mr = mr.route_layer(middleware::from_fn(move |req: Request, next: Next| {
            guard(access, req, next)
        }));
        self.router = self.router.route(path, mr);
        self.table.push(RouteInfo {
            method,
            path,
            access,
        });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::GET, path, access, get(h))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::POST, path, access, post(h))
    }

    /// A POST that takes a file upload: its body may be up to `limit` bytes (plus the
    /// multipart framing) instead of the usual small limit.
    pub fn upload<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        limit: usize,
        h: H,
    ) -> Self {
        let mr = post(h).layer(axum::extract::DefaultBodyLimit::max(limit + 64 * 1024));
        self.add(Method::POST, path, access, mr)
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::PUT, path, access, put(h))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::DELETE, path, access, delete(h))
    }

    /// A list's two downloads (`paths`: the `.xlsx` one, then the `.csv` one) with the
    /// access of its page: `f` gets the state, the signed-in user, the page's query and
    /// the format asked for.
    pub fn downloads<Q, F, Fut>(self, paths: [&'static str; 2], access: Access, f: F) -> Self
    where
        Q: serde::de::DeserializeOwned + Send + 'static,
        F: Fn(AppState, Signed, Q, Format) -> Fut + Clone + Send + Sync + 'static,
        Fut: std::future::Future<Output = crate::error::AppResult<Response>> + Send + 'static,
    {
        let handler = |format: Format| {
            let f = f.clone();
            move |State(st): State<AppState>, s: Signed, Query(q): Query<Q>| {
                let f = f.clone();
                async move { f(st, s, q, format).await }
            }
        };
        let xlsx = handler(Format::Xlsx);
        let csv = handler(Format::Csv);
        self.get(paths[0], access, xlsx).get(paths[1], access, csv)
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }
}
