//! Who may do what: accounts, sessions and permissions are the kit's (`skrb_kit::auth`);
//! their screens and the sign-in API are here.

pub use skrb_kit::auth::*;

pub mod account;
pub mod admin;
pub mod web;
