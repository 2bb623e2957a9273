//! EMŠO (Slovenia) / JMBG (former Yugoslav states): the 13-digit personal number
//! `DD MM YYY RR BBB K`.
//!
//! Real registries contain numbers with bad check digits and duplicates, so a failed
//! check is a *finding* the caller may override with a reason, never a hard rejection of
//! the record; only a number that is not 13 digits at all is refused outright.

use time::{Date, Month};

use crate::person::Sex;

/// A syntactically valid personal number: exactly 13 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonalNumber(String);

/// Why a string is not a personal number at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// Not exactly 13 digits (after removing spaces).
    NotThirteenDigits,
}

/// What the structure of a syntactically valid number says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// The check digit does not match the first twelve digits.
    BadChecksum,
    /// The first seven digits are not a calendar date.
    ImpossibleDate,
}

/// The facts encoded in a personal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded {
    pub birth_date: Option<Date>,
    pub sex: Sex,
    /// Register region `RR` (50-59 Slovenia, 10-19 Bosnia and Herzegovina, ...).
    pub region: u8,
}

impl PersonalNumber {
    /// Accepts 13 digits, ignoring spaces a clerk may type between groups.
    pub fn parse(input: &str) -> Result<Self, SyntaxError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(SyntaxError::NotThirteenDigits)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> u32 {
        u32::from(self.0.as_bytes()[i] - b'0')
    }

    fn number(&self, from: usize, len: usize) -> u32 {
        (from..from + len).fold(0, |acc, i| acc * 10 + self.digit(i))
    }

    /// The check digit the first twelve digits require (weights 7,6,5,4,3,2,7,6,5,4,3,2;
    /// m = 11 - S mod 11; 10 and 11 give 0).
    pub fn expected_check_digit(&self) -> u32 {
        check_digit(&self.0.as_bytes()[..12])
    }

    /// Decodes date, sex and region; the date is `None` when the digits are no date.
    pub fn decode(&self) -> Decoded {
        let day = self.number(0, 2) as u8;
        let month = self.number(2, 2) as u8;
        let yyy = self.number(4, 3) as i32;
        // Last three digits of the year: below 800 means the 2000s (DOMAIN.md).
        let year = if yyy < 800 { 2000 + yyy } else { 1000 + yyy };
        let birth_date = Month::try_from(month)
            .ok()
            .and_then(|m| Date::from_calendar_date(year, m, day).ok());
        let serial = self.number(9, 3);
        Decoded {
            birth_date,
            sex: if serial < 500 { Sex::Male } else { Sex::Female },
            region: self.number(7, 2) as u8,
        }
    }

    /// Everything wrong with the number's own structure.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.decode().birth_date.is_none() {
            out.push(Finding::ImpossibleDate);
        }
        if self.digit(12) != self.expected_check_digit() {
            out.push(Finding::BadChecksum);
        }
        out
    }
}

impl std::fmt::Display for PersonalNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Check digit of twelve ASCII digits.
pub fn check_digit(first12: &[u8]) -> u32 {
    const WEIGHTS: [u32; 12] = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = first12
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let m = 11 - sum % 11;
    if m >= 10 {
        0
    } else {
        m
    }
}

/// Builds a valid number from its parts (used by the demo generator and tests).
pub fn compose(birth: Date, region: u8, serial: u16) -> PersonalNumber {
    let yyy = birth.year().rem_euclid(1000);
    let first12 = format!(
        "{:02}{:02}{:03}{:02}{:03}",
        birth.day(),
        u8::from(birth.month()),
        yyy,
        region % 100,
        serial % 1000
    );
    let k = check_digit(first12.as_bytes());
    PersonalNumber(format!("{first12}{k}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn examples_from_domain_notes_are_valid() {
        let a = PersonalNumber::parse("1505985105004").unwrap();
        assert!(a.findings().is_empty());
        let d = a.decode();
        assert_eq!(d.birth_date, Some(date!(1985 - 05 - 15)));
        // Serial 500: the first female serial (000-499 male, 500-999 female).
        assert_eq!(d.sex, Sex::Female);
        assert_eq!(d.region, 10);

        let b = PersonalNumber::parse("0101006500006").unwrap();
        assert!(b.findings().is_empty());
        assert_eq!(b.decode().birth_date, Some(date!(2006 - 01 - 01)));
        assert_eq!(b.decode().region, 50);
    }

    #[test]
    fn bad_checksum_and_impossible_date_are_findings() {
        let n = PersonalNumber::parse("1505985105005").unwrap();
        assert_eq!(n.findings(), vec![Finding::BadChecksum]);
        let n = PersonalNumber::parse("3102985505006").unwrap();
        assert!(n.findings().contains(&Finding::ImpossibleDate));
    }

    #[test]
    fn syntax() {
        assert!(PersonalNumber::parse("150598510500").is_err());
        assert!(PersonalNumber::parse("15059851050a4").is_err());
        assert_eq!(
            PersonalNumber::parse("1505 985 10 500 4").unwrap().as_str(),
            "1505985105004"
        );
    }

    #[test]
    fn female_serials() {
        let n = compose(date!(1990 - 03 - 02), 50, 512);
        assert_eq!(n.decode().sex, Sex::Female);
        assert!(n.findings().is_empty());
    }

    proptest! {
        #[test]
        fn composed_numbers_round_trip(days in 0i32..60000, region in 0u8..100, serial in 0u16..1000) {
            let birth = date!(1900 - 01 - 01) + time::Duration::days(i64::from(days));
            prop_assume!(birth.year() < 2800);
            let n = compose(birth, region, serial);
            let d = n.decode();
            // 1800-1899 collides with 2800+ and is not representable; the generator stays in range.
            prop_assert_eq!(d.birth_date, Some(birth));
            prop_assert_eq!(d.region, region);
            prop_assert!(!n.findings().contains(&Finding::ImpossibleDate));
        }

        #[test]
        fn one_changed_digit_is_always_caught_or_maps_to_zero(s in "[0-9]{12}") {
            let k = check_digit(s.as_bytes());
            prop_assert!(k <= 9);
        }
    }
}
