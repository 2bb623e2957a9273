//! The deadlines of the general administrative procedure (ZUP / ZOUP) as pure date rules.

use time::{Date, Duration, Month, Weekday};

/// The same day `months` later; where that month is shorter, its last day (ZUP art. 100).
pub fn add_months(d: Date, months: u32) -> Date {
    let total = d.month() as i32 - 1 + months as i32;
    let year = d.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// A deadline that ends on a Saturday or Sunday moves to the next Monday. Public
/// holidays are not modelled (a centre's calendar would be data).
pub fn working_day(d: Date) -> Date {
    match d.weekday() {
        Weekday::Saturday => d + Duration::days(2),
        Weekday::Sunday => d + Duration::days(1),
        _ => d,
    }
}

/// When the decision is due: 1 month (short procedure) or 2 months (investigative) from
/// the day the application became complete.
pub fn decision_due(complete_on: Date, months: u32) -> Date {
    working_day(add_months(complete_on, months))
}

/// The last day to appeal: 15 days after delivery.
pub fn appeal_due(delivered_on: Date, days: i64) -> Date {
    working_day(delivered_on + Duration::days(days))
}

/// A provisional calculation counts as delivered on the 21st day after dispatch.
pub fn deemed_delivered(dispatched_on: Date) -> Date {
    dispatched_on + Duration::days(21)
}

/// The first day of the month after `d`: a right starts the month after the application.
pub fn next_month(d: Date) -> Date {
    let n = add_months(d, 1);
    n.replace_day(1).unwrap_or(n)
}

/// The last day of `d`'s month.
pub fn month_end(d: Date) -> Date {
    let last = time::util::days_in_month(d.month(), d.year());
    d.replace_day(last).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_clamp_to_the_last_day() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 30), 2), date!(2027 - 01 - 30));
        assert_eq!(add_months(date!(2027 - 12 - 15), 1), date!(2028 - 01 - 15));
        assert_eq!(next_month(date!(2026 - 03 - 17)), date!(2026 - 04 - 01));
        assert_eq!(next_month(date!(2026 - 12 - 31)), date!(2027 - 01 - 01));
        assert_eq!(month_end(date!(2028 - 02 - 03)), date!(2028 - 02 - 29));
    }

    #[test]
    fn deadlines_skip_weekends() {
        // 2026-03-02 + 1 month = Thursday 2 April; 2026-02-07 + 1 month = Saturday 7 March.
        assert_eq!(
            decision_due(date!(2026 - 03 - 02), 1),
            date!(2026 - 04 - 02)
        );
        assert_eq!(
            decision_due(date!(2026 - 02 - 07), 1),
            date!(2026 - 03 - 09)
        );
        assert_eq!(
            decision_due(date!(2026 - 02 - 07), 2),
            date!(2026 - 04 - 07)
        );
        assert_eq!(appeal_due(date!(2026 - 05 - 01), 15), date!(2026 - 05 - 18));
        assert_eq!(
            deemed_delivered(date!(2026 - 06 - 01)),
            date!(2026 - 06 - 22)
        );
    }
}
