//! The payment pages (filled in below).
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
