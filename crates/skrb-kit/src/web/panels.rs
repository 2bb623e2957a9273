//! What a context shows on another context's page, without either importing the other.
//!
//! A person's page shows their case files and their procedures; a partner's page shows
//! the referrals sent to it; a person's export holds what every context keeps of them.
//! The context that owns the data renders its part; the app lists which parts a page
//! shows (`skrb::web::panels`), so the registry never imports case work and a new
//! context adds its part to the person page by registering one function.

use crate::ids::PersonId;
use std::future::Future;
use std::pin::Pin;

use super::context::Signed;
use super::AppState;
use crate::db::Tx;
use crate::error::AppResult;

/// A part of a page, rendered (or nothing, when the user may not see it).
pub type Rendered<'a> = Pin<Box<dyn Future<Output = AppResult<Option<String>>> + Send + 'a>>;

/// A part of the page of a record of another context: the state, the signed-in user
/// and the record's id.
pub type Panel = for<'a> fn(&'a AppState, &'a Signed, i64) -> Rendered<'a>;

/// A part of a person's subject-access export, read in the export's own transaction:
/// a JSON object of what the context holds of the person, merged into the export.
pub type ExportPart = for<'a> fn(
    &'a mut Tx,
    PersonId,
) -> Pin<
    Box<dyn Future<Output = Result<serde_json::Value, sqlx::Error>> + Send + 'a>,
>;

/// The parts registered by the app, in the order the page shows them.
#[derive(Default)]
pub struct Panels {
    /// On a person's page, after the registry's own sections.
    pub person: Vec<Panel>,
    /// On a partner organisation's page.
    pub partner: Vec<Panel>,
    /// In a person's export.
    pub export: Vec<ExportPart>,
}

/// Every part of `list` for one record, in order.
pub async fn render_all(
    list: &[Panel],
    st: &AppState,
    s: &Signed,
    id: i64,
) -> AppResult<Vec<String>> {
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        if let Some(html) = p(st, s, id).await? {
            out.push(html);
        }
    }
    Ok(out)
}
