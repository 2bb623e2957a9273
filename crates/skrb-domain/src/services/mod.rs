//! Services: first social help, personal help and family help recorded as sessions, and
//! home help (pomoč družini na domu / pomoć i njega u kući) with its agreements, carers,
//! weekly roster, visits, prices and monthly bills. The rules here are pure: what a state
//! allows, what the roster must warn about, what a month costs whom, and the UPN QR
//! payment order an invoice carries.

pub mod price;
pub mod roster;
pub mod upn;

use crate::codes;
use crate::codes::NotNow;

codes! {
    /// A home-help agreement (Slovenia) or decision (Republika Srpska): requested, waiting
    /// for capacity, delivered, ended.
    pub enum AgreementStatus {
        Waiting = "waiting",
        Active = "active",
        Ended = "ended",
    }
}

codes! {
    /// What is done to an agreement.
    pub enum AgreementStep {
        /// Capacity found: the service starts.
        Start = "start",
        /// Ended (by the user, death, moving into a home, or the review).
        End = "end",
    }
}

impl AgreementStatus {
    /// The state after `step`, or why not now.
    pub fn after(self, step: AgreementStep) -> Result<AgreementStatus, NotNow> {
        use AgreementStatus::*;
        use AgreementStep::*;
        match (self, step) {
            (Waiting, Start) => Ok(Active),
            (Waiting | Active, End) => Ok(Ended),
            _ => Err(NotNow {
                step: step.code(),
                from: self.code(),
            }),
        }
    }
}

codes! {
    /// The parts of home help (ZSV art. 15): household help, personal hygiene, social
    /// contact, and meals delivered (counted as 15 or 30 minutes).
    pub enum HomeTask {
        Household = "household",
        Hygiene = "hygiene",
        Contact = "contact",
        Meals = "meals",
    }
}

codes! {
    /// How a carer is employed: the centre's own staff, a public-works programme (which
    /// ends on a date), or a student.
    pub enum CarerKind {
        Employee = "employee",
        PublicWorks = "public_works",
        Student = "student",
    }
}

codes! {
    /// A visit: planned on the roster, delivered, the user not at home, or cancelled.
    pub enum VisitStatus {
        Planned = "planned",
        Done = "done",
        NotHome = "not_home",
        Cancelled = "cancelled",
    }
}

impl VisitStatus {
    /// A recorded visit can be recorded again only with the same content (the phone's
    /// second send); a cancelled one not at all.
    pub fn recordable(self) -> bool {
        matches!(self, VisitStatus::Planned)
    }
}

codes! {
    /// How a service is given: by agreement (Slovenian services, ZSV art. 11: a complaint
    /// goes to the centre's council) or by decision in the administrative procedure
    /// (Republika Srpska's rights).
    pub enum GivenBy {
        Agreement = "agreement",
        Decision = "decision",
    }
}

codes! {
    /// What the catalogue entry is: counted sessions on the user's file, or home help with
    /// its roster and bills.
    pub enum ServiceForm {
        Session = "session",
        HomeHelp = "home_help",
    }
}

codes! {
    /// An invoice to a user: open, paid (a statement matched it), or cancelled by a credit
    /// note (which is an invoice of its own with a negative amount).
    pub enum InvoiceStatus {
        Open = "open",
        Paid = "paid",
        Credited = "credited",
    }
}

/// The minutes a visit counts for: a meal delivered and nothing else counts as the
/// agreement says (15 minutes, or 30 where fewer than five users get meals), whatever the
/// door-to-door time; any other visit counts as recorded.
pub fn counted_minutes(recorded: i64, tasks: &[HomeTask], meals_minutes: i64) -> i64 {
    if meals_minutes > 0 && tasks == [HomeTask::Meals] {
        meals_minutes
    } else {
        recorded
    }
}

/// Minutes since midnight as `08:30`.
pub fn hhmm(minutes: i64) -> String {
    format!(
        "{:02}:{:02}",
        minutes.div_euclid(60),
        minutes.rem_euclid(60)
    )
}

/// `08:30` or `8.30` or `830` as minutes since midnight.
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let s = s.trim();
    let (h, m) = match s.find([':', '.']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None if s.len() == 3 || s.len() == 4 => s.split_at(s.len() - 2),
        None => (s, "0"),
    };
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// `3 h 15 min` style hours from minutes, as a decimal with a comma in the caller's locale:
/// here only the parts.
pub fn hours_minutes(minutes: i64) -> (i64, i64) {
    (minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_people_write_them() {
        assert_eq!(parse_hhmm("08:30"), Some(510));
        assert_eq!(parse_hhmm("8.30"), Some(510));
        assert_eq!(parse_hhmm("830"), Some(510));
        assert_eq!(parse_hhmm("14"), Some(840));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("7:61"), None);
        assert_eq!(parse_hhmm("x"), None);
        assert_eq!(hhmm(510), "08:30");
    }

    #[test]
    fn a_meal_delivered_counts_as_agreed() {
        assert_eq!(counted_minutes(7, &[HomeTask::Meals], 15), 15);
        assert_eq!(counted_minutes(7, &[HomeTask::Meals], 30), 30);
        // Without a meal minute agreed, or with other work done, the time recorded.
        assert_eq!(counted_minutes(7, &[HomeTask::Meals], 0), 7);
        assert_eq!(
            counted_minutes(50, &[HomeTask::Meals, HomeTask::Household], 15),
            50
        );
        assert_eq!(counted_minutes(50, &[], 15), 50);
    }

    #[test]
    fn an_agreement_moves_only_forward() {
        use AgreementStatus::*;
        use AgreementStep::*;
        assert_eq!(Waiting.after(Start), Ok(Active));
        assert_eq!(Active.after(End), Ok(Ended));
        assert!(Active.after(Start).is_err());
        assert!(Ended.after(End).is_err());
        assert!(Ended.after(Start).is_err());
    }
}
