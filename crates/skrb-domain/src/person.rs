//! Small value types of a person record.

use serde::{Deserialize, Serialize};

/// Sex as recorded in the registry; `X` for "not stated / other", as civil registries allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "X")]
    Other,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Other => "X",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            "X" => Some(Sex::Other),
            _ => None,
        }
    }
}

/// Relationship of a household member to the head of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Head,
    Spouse,
    Partner,
    Child,
    Parent,
    Sibling,
    Grandchild,
    Grandparent,
    OtherRelative,
    NonRelative,
}

impl Relationship {
    pub const ALL: [Relationship; 10] = [
        Relationship::Head,
        Relationship::Spouse,
        Relationship::Partner,
        Relationship::Child,
        Relationship::Parent,
        Relationship::Sibling,
        Relationship::Grandchild,
        Relationship::Grandparent,
        Relationship::OtherRelative,
        Relationship::NonRelative,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relationship::Head => "head",
            Relationship::Spouse => "spouse",
            Relationship::Partner => "partner",
            Relationship::Child => "child",
            Relationship::Parent => "parent",
            Relationship::Sibling => "sibling",
            Relationship::Grandchild => "grandchild",
            Relationship::Grandparent => "grandparent",
            Relationship::OtherRelative => "other_relative",
            Relationship::NonRelative => "non_relative",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Age in whole years on a day (a birthday counts from its day; one born on 29
/// February comes of age on 1 March in other years).
pub fn age_on(birth: time::Date, day: time::Date) -> i32 {
    let mut a = day.year() - birth.year();
    if (day.month() as u8, day.day()) < (birth.month() as u8, birth.day()) {
        a -= 1;
    }
    a
}

#[cfg(test)]
mod age_tests {
    use super::age_on;
    use time::macros::date;

    #[test]
    fn ages_on_a_day() {
        assert_eq!(age_on(date!(2008 - 03 - 15), date!(2026 - 03 - 14)), 17);
        assert_eq!(age_on(date!(2008 - 03 - 15), date!(2026 - 03 - 15)), 18);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), 17);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 03 - 01)), 18);
        assert_eq!(age_on(date!(2026 - 01 - 01), date!(2026 - 01 - 01)), 0);
    }
}
