//! Public authorisations: foster carers (rejniki / hranitelji) with their permit and
//! terms, placements of children and adults in foster families and institutions, and
//! guardianship. The rules here are pure: what a carer's state allows, how many children
//! a family may take (and so its vacancies), what a placement pays per month, and how an
//! institution's monthly price is split between those who pay it.

use crate::codes;
use crate::codes::NotNow;
use crate::rights::calc::FosterChild;
use crate::rights::Minor;

codes! {
    /// A foster carer from the first enquiry to the end: enquiry, assessment (the
    /// centre's report), approved (the ministry's permit), suspended, ended.
    pub enum CarerStatus {
        Enquiry = "enquiry",
        Assessment = "assessment",
        Approved = "approved",
        Suspended = "suspended",
        Ended = "ended",
    }
}

codes! {
    /// What is done to a foster carer.
    pub enum CarerStep {
        /// The assessment begins (after the enquiry and the information meeting).
        Assess = "assess",
        /// The permit is recorded: the carer may take children.
        Approve = "approve",
        Suspend = "suspend",
        Resume = "resume",
        End = "end",
    }
}

impl CarerStatus {
    /// The state after `step`, or why not now.
    pub fn after(self, step: CarerStep) -> Result<CarerStatus, NotNow> {
        use CarerStatus::*;
        use CarerStep::*;
        match (self, step) {
            (Enquiry, Assess) => Ok(Assessment),
            (Assessment | Suspended, Approve) => Ok(Approved),
            (Approved, Suspend) => Ok(Suspended),
            (Suspended, Resume) => Ok(Approved),
            (Enquiry | Assessment | Approved | Suspended, End) => Ok(Ended),
            _ => Err(NotNow {
                step: step.code(),
                from: self.code(),
            }),
        }
    }

    /// Whether a child may be placed with the carer now.
    pub fn takes_children(self) -> bool {
        self == CarerStatus::Approved
    }
}

codes! {
    /// The ministry's permit: regular, professional (foster care as one's occupation), or
    /// a relative's extraordinary permit for one named child.
    pub enum PermitKind {
        Regular = "regular",
        Professional = "professional",
        Relative = "relative",
    }
}

codes! {
    /// The sections of the centre's assessment of a family.
    pub enum Section {
        Motivation = "motivation",
        Home = "home",
        Family = "family",
        Capacity = "capacity",
        Recommendation = "recommendation",
    }
}

codes! {
    /// Where a person is placed.
    pub enum Setting {
        Foster = "foster",
        Institution = "institution",
    }
}

codes! {
    /// How a placement runs: full-time, weekends only (75 % of the foster payment),
    /// emergency, respite.
    pub enum PlacementKind {
        Full = "full",
        Weekend = "weekend",
        Emergency = "emergency",
        Respite = "respite",
    }
}

codes! {
    /// What a placement rests on: a court order (Slovenia since 2019) or the centre's
    /// decision (Republika Srpska).
    pub enum Basis {
        Court = "court",
        Decision = "decision",
    }
}

codes! {
    /// An institution of the register.
    pub enum InstitutionKind {
        ChildrensHome = "childrens_home",
        PensionersHome = "pensioners_home",
        Special = "special",
    }
}

codes! {
    /// A dated event of a placement, in the child's timeline.
    pub enum EventKind {
        Start = "start",
        Absence = "absence",
        Return = "return",
        Raise = "raise",
        Visit = "visit",
        Report = "report",
        Move = "move",
        End = "end",
    }
}

codes! {
    /// Who pays a part of an institution's monthly price.
    pub enum Payer {
        User = "user",
        Relative = "relative",
        Municipality = "municipality",
        State = "state",
    }
}

codes! {
    /// A guardian's scope: full, partial (named matters), or for a special case.
    pub enum Scope {
        Full = "full",
        Partial = "partial",
        Special = "special",
    }
}

codes! {
    /// Who the guardian is: a person (a relative, a friend), a professional guardian, or
    /// the centre itself (direct guardianship).
    pub enum GuardianKind {
        Person = "person",
        Professional = "professional",
        Centre = "centre",
    }
}

codes! {
    /// A guardian's yearly report and account: due, submitted, approved by the centre,
    /// or returned for correction.
    pub enum ReportStatus {
        Due = "due",
        Submitted = "submitted",
        Approved = "approved",
        Returned = "returned",
    }
}

/// What a family may take: the terms of its permit and, in Republika Srpska, the law's
/// limits. `children` and `disabled` count the children placed with it on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    /// `"SI"` or `"RS"`.
    pub rs: bool,
    /// How many children the approval allows.
    pub approved: i64,
    /// Republika Srpska: the most children the household may hold, its own included.
    pub household_cap: Option<i64>,
    /// The household's own children under 18.
    pub own_children: i64,
}

/// The most children the law allows a family at once: Slovenia's professional norm and
/// Republika Srpska's limit are both 3; in Republika Srpska 2 when a placed child has a
/// disability.
pub const LAW_MAX: i64 = 3;
pub const RS_MAX_WITH_DISABILITY: i64 = 2;

impl Terms {
    /// How many children may be placed given how many are (and whether one of them, or
    /// the one coming, has a disability).
    pub fn limit(&self, disability: bool) -> i64 {
        let law = if self.rs && disability {
            RS_MAX_WITH_DISABILITY
        } else {
            LAW_MAX
        };
        let mut limit = self.approved.min(law);
        if let (true, Some(cap)) = (self.rs, self.household_cap) {
            limit = limit.min((cap - self.own_children).max(0));
        }
        limit.max(0)
    }

    /// Free places now.
    pub fn vacancies(&self, placed: i64, disability: bool) -> i64 {
        (self.limit(disability) - placed).max(0)
    }

    /// Whether one more child (with or without a disability) stays within the limit.
    pub fn admits(&self, placed: i64, disability_now: bool, newcomer_disabled: bool) -> bool {
        placed < self.limit(disability_now || newcomer_disabled)
    }
}

/// Slovenia's professional foster carer must care for at least this many children for
/// the whole of every month.
pub const PROFESSIONAL_MIN: i64 = 2;

/// The calculator's input for one child's foster payment from the placement: its raises
/// and whether it is for weekends only.
pub fn foster_child(name: &str, kind: PlacementKind, maintenance: u32, fee: u32) -> FosterChild {
    FosterChild {
        name: name.to_string(),
        maintenance_raise: maintenance,
        fee_raise: fee,
        weekend_only: kind == PlacementKind::Weekend,
    }
}

/// The parts of an institution's monthly price: what the user pays (at most what an
/// exemption leaves them), what liable relatives pay, and the rest, paid by the
/// municipality (adults) or the state (children; in Republika Srpska the entity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub user: Minor,
    pub relatives: Minor,
    pub rest: Minor,
}

/// Splits a monthly `price`: the user's part (capped by an exemption's amount, the most
/// they still pay), then the relatives' (never more than what is left), the rest to the
/// public payer. Parts that would exceed the price are cut, never negative.
pub fn split(price: Minor, user: Minor, relatives: Minor, exemption: Option<Minor>) -> Split {
    let price = price.max(0);
    let user = exemption.map_or(user, |cap| user.min(cap)).clamp(0, price);
    let relatives = relatives.clamp(0, price - user);
    Split {
        user,
        relatives,
        rest: price - user - relatives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn si(approved: i64) -> Terms {
        Terms {
            rs: false,
            approved,
            household_cap: None,
            own_children: 0,
        }
    }

    #[test]
    fn a_carer_goes_from_enquiry_to_approval_and_cannot_skip_the_assessment() {
        assert_eq!(
            CarerStatus::Enquiry.after(CarerStep::Assess),
            Ok(CarerStatus::Assessment)
        );
        assert!(CarerStatus::Enquiry.after(CarerStep::Approve).is_err());
        assert_eq!(
            CarerStatus::Assessment.after(CarerStep::Approve),
            Ok(CarerStatus::Approved)
        );
        assert!(CarerStatus::Ended.after(CarerStep::Resume).is_err());
        assert!(!CarerStatus::Suspended.takes_children());
    }

    #[test]
    fn slovenia_takes_the_permit_s_terms_up_to_three() {
        assert_eq!(si(2).vacancies(1, false), 1);
        assert_eq!(si(5).limit(false), 3);
        assert!(si(3).admits(2, false, true));
        assert!(!si(3).admits(3, false, false));
    }

    #[test]
    fn republika_srpska_takes_two_with_a_disability_and_caps_the_household() {
        let t = Terms {
            rs: true,
            approved: 3,
            household_cap: Some(5),
            own_children: 3,
        };
        assert_eq!(t.limit(false), 2);
        let t = Terms {
            household_cap: None,
            ..t
        };
        assert_eq!(t.limit(false), 3);
        assert_eq!(t.limit(true), 2);
        assert!(!t.admits(2, false, true));
        assert!(t.admits(2, false, false));
    }

    #[test]
    fn an_institution_s_price_is_split_and_an_exemption_moves_the_user_s_part_to_the_public_payer()
    {
        // 1,800.00 a month; the user's pension pays 700.00, a son 300.00.
        assert_eq!(
            split(180_000, 70_000, 30_000, None),
            Split {
                user: 70_000,
                relatives: 30_000,
                rest: 80_000
            }
        );
        // Exempted down to 250.00: the municipality pays 450.00 more.
        assert_eq!(split(180_000, 70_000, 30_000, Some(25_000)).rest, 125_000);
        // Never more than the price.
        assert_eq!(
            split(50_000, 70_000, 30_000, None),
            Split {
                user: 50_000,
                relatives: 0,
                rest: 0
            }
        );
    }

    #[test]
    fn a_weekend_placement_asks_the_calculator_for_75_percent() {
        assert!(foster_child("A", PlacementKind::Weekend, 0, 0).weekend_only);
        assert!(!foster_child("A", PlacementKind::Emergency, 25, 0).weekend_only);
    }
}
