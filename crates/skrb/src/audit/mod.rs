//! The audit log is the kit's (`skrb_kit::audit`); the auditor's screens are here.

pub use skrb_kit::audit::*;

pub mod views;
