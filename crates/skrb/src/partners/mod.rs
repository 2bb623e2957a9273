//! Partner organisations (city administration, health, schools, police, the pensioners'
//! home, NGOs...) with their contact people, and referrals out of and into the centre.
//! A partner's own users see only the referrals addressed to their organisation.

pub mod api;
pub mod directory;
pub mod referrals;
pub mod web;
