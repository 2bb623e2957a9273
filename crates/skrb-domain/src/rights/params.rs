//! The parameters a calculator reads (OZMD, the RS base, weights, percentages, foster-care
//! amounts), as they were valid in one month. Where they come from (dated rows) is the
//! server's business; a calculator only asks for a code and fails clearly without it.

use std::collections::BTreeMap;

use super::error::CalcError;

/// Parameter values valid at one date: amounts in minor units, factors in ten-thousandths.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Params(pub BTreeMap<String, i64>);

impl Params {
    pub fn get(&self, code: &str) -> Result<i64, CalcError> {
        self.0
            .get(code)
            .copied()
            .ok_or_else(|| CalcError::MissingParam(code.to_string()))
    }

    pub fn set(&mut self, code: &str, v: i64) -> &mut Self {
        self.0.insert(code.to_string(), v);
        self
    }

    /// Only the codes a calculation used, to freeze in its decision.
    pub fn only(&self, codes: &[String]) -> Params {
        Params(
            self.0
                .iter()
                .filter(|(k, _)| codes.contains(k))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        )
    }
}
