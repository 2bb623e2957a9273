//! The JSON API's shared pieces: a body extractor whose rejections are problem
//! responses, and what a create answers.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// JSON body whose rejections (bad syntax, unknown fields, wrong types, too large) become
/// problem responses with the parser's explanation.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::PayloadTooLarge),
            Err(r) => Err(AppError::BadRequest(r.body_text())),
        }
    }
}

/// What a create answers: the new record's id (and the file an intake opened).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
    pub case_id: Option<i64>,
}

/// 201 with the new record's id.
pub fn created(id: i64) -> (StatusCode, Json<Created>) {
    created_with(id, None)
}

/// 201 with the new record's id and the case file it opened.
pub fn created_with(id: i64, case_id: Option<i64>) -> (StatusCode, Json<Created>) {
    (StatusCode::CREATED, Json(Created { id, case_id }))
}

/// A create handler's answer.
pub type CreatedOut = AppResult<(StatusCode, Json<Created>)>;
