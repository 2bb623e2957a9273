//! A file sent with a plain form (multipart): the one field `file`, read whole, and the
//! form's other fields as text; the body limit's refusal as such, anything else as a bad
//! request.

use axum::extract::Multipart;
use axum::http::StatusCode;

use crate::error::{AppError, AppResult};

/// What was uploaded: the name the browser gave and the bytes (empty when no file).
#[derive(Debug, Default)]
pub struct Uploaded {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The form's other fields (what the file is, how to read it).
    pub fields: std::collections::HashMap<String, String>,
}

/// Reads the form's `file` field and its other fields.
pub async fn file(mp: &mut Multipart) -> AppResult<Uploaded> {
    let mut out = Uploaded::default();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge)
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        if field.name() == Some("file") {
            out.name = field.file_name().unwrap_or("").to_string();
            out.bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?
                .to_vec();
        } else if let Some(name) = field.name().map(str::to_string) {
            let v = field
                .text()
                .await
                .map_err(|e| AppError::BadRequest(e.body_text()))?;
            out.fields.insert(name, v);
        }
    }
    Ok(out)
}
