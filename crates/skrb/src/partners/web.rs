//! placeholder
use crate::web::routes::Routes;
pub fn routes() -> Routes { Routes::new() }
