//! The centre's year: who works for it (staff by kind and funding, counted on a day),
//! what it plans (a results framework: a strategy's goals and measures, the year's action
//! plan of activities, indicators with a baseline, a target and actuals per period) and
//! how its partners judge it (the round table's questionnaire and proposals). The rules
//! here are pure: the codes, a ratio as a percentage, the questionnaire's results per
//! question, and the steps a progress update may take.

use crate::codes;
use crate::codes::NotNow;

codes! {
    /// How a person works for the centre (Velenje's report counts these apart).
    pub enum StaffKind {
        Employee = "employee",
        Intern = "intern",
        Informator = "informator",
        PublicWorks = "public_works",
        Student = "student",
        Volunteer = "volunteer",
    }
}

codes! {
    /// Who pays for the post.
    pub enum Funding {
        State = "state",
        Municipality = "municipality",
        Esf = "esf",
        Project = "project",
    }
}

codes! {
    /// Whose strategy: the municipality's (the city's strategy of social protection) or the
    /// centre's own strategic plan.
    pub enum StrategyOwner {
        Municipality = "municipality",
        Centre = "centre",
    }
}

codes! {
    /// Where an activity stands, as the last approved update says.
    pub enum ActivityStatus {
        Planned = "planned",
        Started = "started",
        Done = "done",
        Dropped = "dropped",
    }
}

codes! {
    /// A progress update's state: sent by the one responsible, then approved (it counts)
    /// or sent back with a comment (it does not).
    pub enum UpdateStatus {
        Submitted = "submitted",
        Approved = "approved",
        Returned = "returned",
    }
}

/// The only steps of an update: a submitted update is approved or sent back, once.
pub fn review(from: UpdateStatus, to: UpdateStatus) -> Result<UpdateStatus, NotNow> {
    match (from, to) {
        (UpdateStatus::Submitted, UpdateStatus::Approved | UpdateStatus::Returned) => Ok(to),
        _ => Err(NotNow {
            step: to.code(),
            from: from.code(),
        }),
    }
}

codes! {
    /// Indicators Skrb computes from its own data (numerator over denominator, for the
    /// centre and the period asked); any other indicator is entered by hand.
    pub enum Measure {
        /// First-instance decisions issued by the statutory deadline, of those issued.
        DecisionsOnTime = "decisions_on_time",
        /// Monthly payment runs exported by their execution day, of the months' runs.
        RunsOnTime = "runs_on_time",
        /// Open case files with no overdue task, of the open files.
        FilesWithoutOverdue = "files_without_overdue",
        /// Home-help minutes delivered, of the minutes planned in the roster.
        HomeHelpDelivered = "homehelp_delivered",
        /// Households (or persons) of approved programme lists who received something.
        ProgrammeReach = "programme_reach",
    }
}

/// A share in tenths of a percent (`755` is 75.5 %), rounded half up; none when there is
/// nothing to divide by (an indicator with no cases is not 0 %).
pub fn per_mille(numerator: i64, denominator: i64) -> Option<i64> {
    if denominator <= 0 {
        return None;
    }
    Some((numerator * 2000 + denominator) / (2 * denominator))
}

codes! {
    /// The questions of the round table's questionnaire, each on a scale of 1 to 5.
    pub enum Question {
        Cooperation = "cooperation",
        Responsiveness = "responsiveness",
        Professional = "professional",
        Coordination = "coordination",
    }
}

/// The highest mark of the scale (1 is the lowest).
pub const SCALE: i64 = 5;

/// A question's results: how many answered, the count of each mark (index 0 is 1), and
/// the average in hundredths (`412` is 4.12).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Results {
    pub answers: i64,
    pub marks: [i64; 5],
    pub average: Option<i64>,
}

/// Sums the marks given (nothing given is not counted, a mark off the scale neither).
pub fn results(marks: impl IntoIterator<Item = i64>) -> Results {
    let mut r = Results::default();
    let mut sum = 0;
    for m in marks {
        if (1..=SCALE).contains(&m) {
            r.marks[(m - 1) as usize] += 1;
            r.answers += 1;
            sum += m;
        }
    }
    if r.answers > 0 {
        r.average = Some((sum * 200 + r.answers) / (2 * r.answers));
    }
    r
}

codes! {
    /// What became of a proposal made at the round table.
    pub enum Outcome {
        Open = "open",
        /// Taken into the next action plan as an activity.
        Accepted = "accepted",
        /// Answered with a reason, not taken.
        Answered = "answered",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_rounded_half_up_in_tenths() {
        assert_eq!(per_mille(151, 200), Some(755));
        assert_eq!(per_mille(2, 3), Some(667));
        assert_eq!(per_mille(1, 3), Some(333));
        assert_eq!(per_mille(0, 7), Some(0));
        assert_eq!(per_mille(7, 7), Some(1000));
        assert_eq!(per_mille(5, 0), None);
    }

    #[test]
    fn results_count_each_mark_and_average_in_hundredths() {
        // Trebinje 2016: 20 organisations, cooperation rated 5 by 14, 4 by 5, 3 by 1.
        let marks = std::iter::repeat_n(5, 14)
            .chain(std::iter::repeat_n(4, 5))
            .chain([3]);
        let r = results(marks);
        assert_eq!(r.answers, 20);
        assert_eq!(r.marks, [0, 0, 1, 5, 14]);
        assert_eq!(r.average, Some(465));
        assert_eq!(results([0, 6, -1]).answers, 0);
        assert_eq!(results([]).average, None);
        assert_eq!(results([1, 2]).average, Some(150));
    }

    #[test]
    fn an_update_is_reviewed_once() {
        use UpdateStatus::*;
        assert_eq!(review(Submitted, Approved), Ok(Approved));
        assert_eq!(review(Submitted, Returned), Ok(Returned));
        assert!(review(Approved, Returned).is_err());
        assert!(review(Returned, Approved).is_err());
        assert!(review(Submitted, Submitted).is_err());
    }
}
