//! Payments: what a month of an entitlement pays (pro-rated by days when it starts,
//! ends or is suspended within the month), the text banks accept, the ISO 20022
//! credit-transfer file (`pain.001`), a CSV layout for banks without XML, and reading
//! statements (`camt.053` / `camt.054`, CSV) back. No IO.

pub mod bank_text;
pub mod camt;
pub mod csv;
pub mod pain;
pub mod reckon;
pub mod states;

use time::Date;

use crate::rights::deadlines::month_end;
use crate::rights::Minor;

/// `SKRB-L<id>`: the end-to-end id of a line, returned by the bank on the statement.
pub fn end_to_end(line_id: i64) -> String {
    format!("SKRB-L{line_id}")
}

/// The line id of an end-to-end id of ours (none for anyone else's).
pub fn line_of(e2e: &str) -> Option<i64> {
    e2e.trim().strip_prefix("SKRB-L")?.parse().ok()
}

/// The days of `month` (its first day) on which a right valid from `from` to `to`
/// (inclusive, open-ended when `None`) and not suspended from `suspended` on is paid.
pub fn paid_days(month: Date, from: Date, to: Option<Date>, suspended: Option<Date>) -> (i64, i64) {
    let first = month.replace_day(1).unwrap_or(month);
    let last = month_end(first);
    let days = i64::from(last.day());
    let start = from.max(first);
    let mut end = to.map_or(last, |t| t.min(last));
    if let Some(s) = suspended {
        if s <= end {
            end = s - time::Duration::days(1);
        }
    }
    if end < start {
        return (0, days);
    }
    ((end - start).whole_days() + 1, days)
}

/// The month's amount: the whole monthly amount for a whole month, otherwise the paid
/// days' share, rounded half away from zero to the cent (the rule of ZSVarPre and the
/// RS law: a right that starts or ends within a month is paid for its days).
pub fn month_amount(
    monthly: Minor,
    month: Date,
    from: Date,
    to: Option<Date>,
    suspended: Option<Date>,
) -> Minor {
    let (paid, days) = paid_days(month, from, to, suspended);
    if paid == days {
        return monthly;
    }
    let num = i128::from(monthly) * i128::from(paid);
    let den = i128::from(days);
    let q = (2 * num.abs() + den) / (2 * den);
    (if num < 0 { -q } else { q }) as Minor
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn end_to_end_ids_come_back_to_their_lines() {
        assert_eq!(end_to_end(4711), "SKRB-L4711");
        assert_eq!(line_of(&end_to_end(4711)), Some(4711));
        assert_eq!(line_of(" SKRB-L12 "), Some(12));
        assert_eq!(line_of("NOTPROVIDED"), None);
        assert_eq!(line_of("SKRB-Lx"), None);
    }

    #[test]
    fn whole_month_pays_the_monthly_amount() {
        assert_eq!(
            month_amount(
                23_849,
                date!(2026 - 04 - 01),
                date!(2026 - 01 - 01),
                None,
                None
            ),
            23_849
        );
        assert_eq!(
            month_amount(
                23_849,
                date!(2026 - 04 - 01),
                date!(2026 - 04 - 01),
                Some(date!(2026 - 04 - 30)),
                None
            ),
            23_849
        );
    }

    #[test]
    fn partial_months_pay_their_days() {
        // 1,098 EUR ending on 10 April: 10 of 30 days = 366.00
        assert_eq!(
            month_amount(
                109_800,
                date!(2026 - 04 - 01),
                date!(2025 - 11 - 01),
                Some(date!(2026 - 04 - 10)),
                None
            ),
            36_600
        );
        // starting on 17 February 2026 (28 days): 12 days of 402.18 = 172.36286 → 172.36
        assert_eq!(
            month_amount(
                40_218,
                date!(2026 - 02 - 01),
                date!(2026 - 02 - 17),
                None,
                None
            ),
            17_236
        );
        // suspended from 16 March: 15 of 31 days of 500.00 = 241.935 → 241.94
        assert_eq!(
            month_amount(
                50_000,
                date!(2026 - 03 - 01),
                date!(2026 - 01 - 01),
                None,
                Some(date!(2026 - 03 - 16))
            ),
            24_194
        );
        // suspended before the month, or not yet valid: nothing
        assert_eq!(
            month_amount(
                50_000,
                date!(2026 - 03 - 01),
                date!(2026 - 01 - 01),
                None,
                Some(date!(2026 - 02 - 01))
            ),
            0
        );
        assert_eq!(
            month_amount(
                50_000,
                date!(2026 - 03 - 01),
                date!(2026 - 04 - 01),
                None,
                None
            ),
            0
        );
    }
}
