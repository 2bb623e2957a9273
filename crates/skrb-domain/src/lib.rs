//! Pure domain types and rules of Skrb.
//!
//! Nothing here does IO or async work, so the rules compile fast and are tested in isolation
//! (table tests from official examples, property tests). The server crate parses user input
//! into these types at its edges ("parse, don't validate").

pub mod cases;
pub mod codes;
pub mod emso;
pub mod fixtures;
pub mod fuzzing;
pub mod iban;
pub mod import;
pub mod names;
pub mod payments;
pub mod person;
pub mod placements;
pub mod programmes;
pub mod reports;
pub mod rights;
pub mod services;
pub mod text;
pub mod year;
