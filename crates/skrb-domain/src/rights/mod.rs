//! Rights from public funds: money, dated parameters, the calculators and the deadlines of
//! the administrative procedure. Pure: the server loads the parameters valid for a month
//! and freezes the input and the result in the decision.

pub mod calc;
pub mod deadlines;
pub mod error;
pub mod money;
pub mod params;
pub mod states;

pub use calc::{calculate, Arg, CalcError, Calculation, Calculator, Household, Step};
pub use money::Minor;
pub use params::Params;
