//! Why a calculation cannot be made: shared by the calculators and the parameters they
//! read.

/// A calculation that cannot be made, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalcError {
    /// No value of this parameter is valid in the month.
    MissingParam(String),
    /// An input the calculator needs is missing or out of range (the field's name).
    Input(&'static str),
}

impl std::fmt::Display for CalcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalcError::MissingParam(p) => {
                write!(f, "no value of parameter {p} is valid in that month")
            }
            CalcError::Input(field) => write!(f, "missing or invalid input: {field}"),
        }
    }
}

impl std::error::Error for CalcError {}
