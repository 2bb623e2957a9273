//! Partner organisations (city administration, health, schools, police, the pensioners'
//! home, NGOs...) with their contact people and the accounts of their users. The
//! referrals to and from them are case work (`skrb_cases::referrals`); a partner's page
//! shows them as a panel, and a partner's user answers them in the portal there.

pub mod api;
pub mod directory;
pub mod web;
