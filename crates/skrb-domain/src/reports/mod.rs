//! Reports: what a centre tells its council, its partners and the statistics office.
//! The rules here are pure: the statistics institute's age bands (SZ-1), the groups the
//! annual report counts users by, the period a report may cover, and the small-cell rule
//! that keeps a person from being recognised in a table that leaves the centre.

use time::Date;

use crate::codes;

codes! {
    /// The Republika Srpska statistics institute's age bands (SZ-1, SZ-1a): minors
    /// 0-6, 7-14, 15-16, 17 (until the 18th birthday), adults 18-21, 22-26, 27-45,
    /// 46-59, 60-64 and 65 or more. The form prints "17-18" and "60-65"; a person of
    /// 18 or 65 is counted once, in the band that begins there.
    pub enum AgeBand {
        M0to6 = "0-6",
        M7to14 = "7-14",
        M15to16 = "15-16",
        M17 = "17",
        A18to21 = "18-21",
        A22to26 = "22-26",
        A27to45 = "27-45",
        A46to59 = "46-59",
        A60to64 = "60-64",
        A65Plus = "65+",
        Unknown = "unknown",
    }
}

impl AgeBand {
    /// The band of an age in whole years (`None`: no birth date).
    pub fn of(age: Option<i32>) -> AgeBand {
        match age {
            None => AgeBand::Unknown,
            Some(a) if a < 0 => AgeBand::Unknown,
            Some(0..=6) => AgeBand::M0to6,
            Some(7..=14) => AgeBand::M7to14,
            Some(15..=16) => AgeBand::M15to16,
            Some(17) => AgeBand::M17,
            Some(18..=21) => AgeBand::A18to21,
            Some(22..=26) => AgeBand::A22to26,
            Some(27..=45) => AgeBand::A27to45,
            Some(46..=59) => AgeBand::A46to59,
            Some(60..=64) => AgeBand::A60to64,
            Some(_) => AgeBand::A65Plus,
        }
    }

    /// A minor on the form (the SZ-1 counts minors and adults in separate tables).
    pub fn minor(self) -> bool {
        matches!(
            self,
            AgeBand::M0to6 | AgeBand::M7to14 | AgeBand::M15to16 | AgeBand::M17
        )
    }

    /// The lowest and highest age of the band, for a `CASE` over ages in SQL.
    pub fn bounds(self) -> Option<(i32, i32)> {
        Some(match self {
            AgeBand::M0to6 => (0, 6),
            AgeBand::M7to14 => (7, 14),
            AgeBand::M15to16 => (15, 16),
            AgeBand::M17 => (17, 17),
            AgeBand::A18to21 => (18, 21),
            AgeBand::A22to26 => (22, 26),
            AgeBand::A27to45 => (27, 45),
            AgeBand::A46to59 => (46, 59),
            AgeBand::A60to64 => (60, 64),
            AgeBand::A65Plus => (65, 200),
            AgeBand::Unknown => return None,
        })
    }
}

codes! {
    /// The user groups of the annual report (DOMAIN.md, "What centres report"): by age on
    /// the report's last day.
    pub enum UserGroup {
        Children = "children",
        Adults = "adults",
        Elderly = "elderly",
        Unknown = "unknown",
    }
}

impl UserGroup {
    pub fn of(age: Option<i32>) -> UserGroup {
        match age {
            Some(a) if (0..18).contains(&a) => UserGroup::Children,
            Some(a) if (18..65).contains(&a) => UserGroup::Adults,
            Some(a) if a >= 65 => UserGroup::Elderly,
            _ => UserGroup::Unknown,
        }
    }
}

/// Whole years from `born` to `on` (the birthday itself counts).
pub fn age_on(born: Date, on: Date) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    years
}

/// The smallest count of persons a table that leaves the centre may show: fewer (but not
/// none) is written "<5", so that no person can be recognised.
pub const SMALL: i64 = 5;

/// Whether a count of persons must be hidden where a report leaves the centre.
pub fn small(persons: i64) -> bool {
    (1..SMALL).contains(&persons)
}

/// The period a report covers: a calendar year, or any run of days within five years
/// (Trebinje reported its first eleven months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// Why a period is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodError {
    Reversed,
    TooLong,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        if (to - from).whole_days() > 5 * 366 {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { from, to })
    }

    /// The calendar year.
    pub fn year(year: i32) -> Option<Period> {
        let from = Date::from_calendar_date(year, time::Month::January, 1).ok()?;
        let to = Date::from_calendar_date(year, time::Month::December, 31).ok()?;
        Some(Period { from, to })
    }

    /// The months the period touches, as `YYYY-MM` (how payment runs name theirs).
    pub fn months(self) -> Vec<String> {
        let mut out = Vec::new();
        let (mut y, mut m) = (self.from.year(), self.from.month() as u8);
        let (ty, tm) = (self.to.year(), self.to.month() as u8);
        while (y, m) <= (ty, tm) {
            out.push(format!("{y:04}-{m:02}"));
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        out
    }

    /// A whole calendar year.
    pub fn is_year(self) -> bool {
        Period::year(self.from.year()) == Some(self)
    }
}

codes! {
    /// The annual report's narrative sections, written beside the generated tables: who
    /// the centre is, then what each group of tables shows, then what the figures leave
    /// out (extra programmes, committees, the plan) and a conclusion.
    pub enum Section {
        Intro = "intro",
        Staff = "staff",
        Users = "users",
        Work = "work",
        Rights = "rights",
        Services = "services",
        Programmes = "programmes",
        Committees = "committees",
        Plan = "plan",
        Conclusion = "conclusion",
    }
}

impl Section {
    /// The table a section follows (`None`: before the first table, or after the last
    /// for the sections about what no table holds).
    pub fn after(self) -> Option<&'static str> {
        match self {
            Section::Intro => None,
            Section::Staff => Some("staff"),
            Section::Users => Some("users-problem"),
            Section::Work => Some("files"),
            Section::Rights => Some("payments-month"),
            Section::Services => Some("care"),
            _ => None,
        }
    }

    /// Printed before the tables (the introduction), not after them.
    pub fn first(self) -> bool {
        self == Section::Intro
    }
}

/// The longest narrative section, in characters (about eight pages).
pub const SECTION_MAX: usize = 20_000;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ages_fall_into_the_institutes_bands_once() {
        let cases = [
            (Some(0), "0-6"),
            (Some(6), "0-6"),
            (Some(7), "7-14"),
            (Some(16), "15-16"),
            (Some(17), "17"),
            (Some(18), "18-21"),
            (Some(26), "22-26"),
            (Some(45), "27-45"),
            (Some(59), "46-59"),
            (Some(64), "60-64"),
            (Some(65), "65+"),
            (Some(101), "65+"),
            (None, "unknown"),
            (Some(-1), "unknown"),
        ];
        for (age, band) in cases {
            assert_eq!(AgeBand::of(age).code(), band, "{age:?}");
        }
        // Every band's bounds give back the band, and the bands do not overlap.
        for &b in AgeBand::ALL {
            if let Some((lo, hi)) = b.bounds() {
                assert_eq!(AgeBand::of(Some(lo)), b);
                assert_eq!(AgeBand::of(Some(hi)), b);
            }
        }
        assert!(AgeBand::M17.minor() && !AgeBand::A18to21.minor());
    }

    #[test]
    fn an_age_counts_the_birthday() {
        assert_eq!(age_on(date!(2000 - 03 - 15), date!(2014 - 03 - 14)), 13);
        assert_eq!(age_on(date!(2000 - 03 - 15), date!(2014 - 03 - 15)), 14);
        assert_eq!(age_on(date!(1949 - 12 - 31), date!(2014 - 12 - 31)), 65);
        assert_eq!(UserGroup::of(Some(17)), UserGroup::Children);
        assert_eq!(UserGroup::of(Some(64)), UserGroup::Adults);
        assert_eq!(UserGroup::of(Some(65)), UserGroup::Elderly);
    }

    #[test]
    fn small_counts_are_hidden_but_none_is_none() {
        assert!(!small(0));
        assert!(small(1) && small(4));
        assert!(!small(5));
    }

    #[test]
    fn a_period_is_a_year_or_a_run_of_days() {
        let y = Period::year(2014).expect("year");
        assert!(y.is_year());
        assert_eq!(y.months().len(), 12);
        let eleven = Period::new(date!(2016 - 01 - 01), date!(2016 - 11 - 30)).expect("period");
        assert!(!eleven.is_year());
        assert_eq!(eleven.months().last().map(String::as_str), Some("2016-11"));
        assert_eq!(
            Period::new(date!(2016 - 02 - 01), date!(2016 - 01 - 01)),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::new(date!(2010 - 01 - 01), date!(2016 - 01 - 01)),
            Err(PeriodError::TooLong)
        );
    }
}
