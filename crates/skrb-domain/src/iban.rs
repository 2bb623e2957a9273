//! Bank account numbers. Validation (country length and format, ISO 7064 MOD 97-10) is
//! delegated to the `iban_validate` crate; Skrb only normalises what clerks type.

use std::str::FromStr;

use ::iban as iban_crate;
use iban_crate::IbanLike;

/// A validated IBAN, kept in its electronic form (no spaces, upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanError {
    /// Wrong length or characters for the country, or the checksum fails.
    Invalid,
}

impl Iban {
    pub fn parse(input: &str) -> Result<Self, IbanError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        iban_crate::Iban::from_str(&compact)
            .map(|i| Iban(i.electronic_str().to_string()))
            .map_err(|_| IbanError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups of four for display: `SI56 0110 0000 0000 123`.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Builds a valid IBAN from a country code and a national account number (demo data, tests).
pub fn compose(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        let digits = if v >= 10 { 100 } else { 10 };
        rem = (rem * digits + v) % 97;
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slovenian_and_bosnian_ibans() {
        let si = compose("SI", "011000000000123");
        assert_eq!(si.len(), 19);
        assert!(Iban::parse(&si).is_ok());
        let ba = compose("BA", "1290079401028494");
        assert_eq!(ba.len(), 20);
        assert!(Iban::parse(&ba).is_ok());
        assert!(Iban::parse("BA391290079401028494").is_ok());
        assert!(Iban::parse("DE89 3704 0044 0532 0130 00").is_ok());
    }

    #[test]
    fn typos_are_refused() {
        assert_eq!(Iban::parse("SI56011000000000124"), Err(IbanError::Invalid));
        assert_eq!(Iban::parse("SI5601100000000012"), Err(IbanError::Invalid));
        assert_eq!(Iban::parse("hello"), Err(IbanError::Invalid));
    }

    #[test]
    fn normalises_spaces_and_case() {
        let i = Iban::parse("ba39 1290 0794 0102 8494").unwrap();
        assert_eq!(i.as_str(), "BA391290079401028494");
        assert_eq!(i.display(), "BA39 1290 0794 0102 8494");
    }
}
