//! A user's data scope over centres: whose records a list shows, where a new record
//! belongs, and the refusal of another centre's record. The registry's person checks
//! (restricted files, the glass) build on it in `skrb_registry::access`.

use crate::audit::Actor;
use crate::error::{AppError, AppResult, Msg};

/// Whose records a list shows and a record may belong to: `None` for all centres (the
/// command line, or a user who works across centres, as the registry's scope has it),
/// else the user's centre; a user without a centre sees nothing (`Some(-1)` matches no
/// row).
pub fn centre_of(actor: &Actor) -> Option<i64> {
    match actor.scope {
        Some(s) if s.all_centres => None,
        Some(s) => Some(s.centre_id.unwrap_or(-1)),
        None => None,
    }
}

/// The centre a user creates records in; a user of no centre is told so (the input
/// error of a form, not a refusal: the permission is there, the centre is missing).
pub fn own_centre(actor: &Actor) -> AppResult<i64> {
    actor.scope.and_then(|s| s.centre_id).ok_or_else(|| {
        AppError::Validation(vec![crate::error::FieldError {
            field: "centre",
            msg: Msg::new("case-no-centre"),
        }])
    })
}

/// Refuses a record of another centre (404 would hide that it exists; a refusal is
/// audited and says why).
pub fn same_centre(actor: &Actor, centre_id: i64) -> AppResult<()> {
    match actor.scope {
        Some(s) if !s.all_centres && s.centre_id != Some(centre_id) => {
            Err(AppError::Refused(Msg::new("out-of-scope")))
        }
        _ => Ok(()),
    }
}
