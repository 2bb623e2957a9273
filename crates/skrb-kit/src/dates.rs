//! Dates as people type them and as machines write them.

use time::Date;

/// Parses a date typed as `YYYY-MM-DD`.
pub fn parse_date(v: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(v.trim(), &fmt).ok()
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `2027-01` → 1 January 2027.
pub fn parse_month(s: &str) -> Option<Date> {
    let (y, m) = s.trim().split_once('-')?;
    let m: u8 = m.parse().ok()?;
    Date::from_calendar_date(y.parse().ok()?, time::Month::try_from(m).ok()?, 1).ok()
}
