//! Where an application, a decision, an entitlement and a commission's session stand,
//! and which step each state allows (the administrative procedure's order).

use crate::codes;
use crate::codes::NotNow;

codes! {
    /// An application in its procedure.
    pub enum ApplicationStatus {
        Received = "received",
        /// Documents were asked for; the deadline waits.
        Incomplete = "incomplete",
        /// Complete: the statutory deadline runs.
        InProcedure = "in_procedure",
        Decided = "decided",
        Appealed = "appealed",
        Withdrawn = "withdrawn",
    }
}

codes! {
    /// What happens to an application.
    pub enum ApplicationStep {
        AskCompletion = "ask_completion",
        Complete = "complete",
        Decide = "decide",
        /// Against the decision, or against silence past the deadline.
        Appeal = "appeal",
        /// The second instance upheld or changed the decision.
        Settle = "settle",
        /// The second instance annulled it: decided again at first instance.
        Reopen = "reopen",
        Withdraw = "withdraw",
    }
}

impl ApplicationStatus {
    /// The procedure is open: input, completion and a decision are possible.
    pub fn open(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Received
                | ApplicationStatus::Incomplete
                | ApplicationStatus::InProcedure
        )
    }

    /// The state after `step`, or why not now.
    pub fn after(self, step: ApplicationStep) -> Result<ApplicationStatus, NotNow> {
        use ApplicationStatus::*;
        use ApplicationStep::*;
        match (self, step) {
            (s, AskCompletion) if s.open() => Ok(Incomplete),
            (s, Complete) if s.open() => Ok(InProcedure),
            (s, Decide) if s.open() => Ok(Decided),
            (s, Withdraw) if s.open() => Ok(Withdrawn),
            // An appeal against silence is lodged while the procedure is still open.
            (s, Appeal) if s.open() || s == Decided => Ok(Appealed),
            (Appealed, Settle) => Ok(Decided),
            (Appealed, Reopen) => Ok(InProcedure),
            _ => Err(NotNow {
                step: step.code(),
                from: self.code(),
            }),
        }
    }
}

codes! {
    /// A decision: one with an amount set by hand waits for a second person.
    pub enum DecisionStatus {
        AwaitingApproval = "awaiting_approval",
        Issued = "issued",
    }
}

impl DecisionStatus {
    /// Approval by the second person issues it.
    pub fn approve(self) -> Result<DecisionStatus, NotNow> {
        match self {
            DecisionStatus::AwaitingApproval => Ok(DecisionStatus::Issued),
            _ => Err(NotNow {
                step: "approve",
                from: self.code(),
            }),
        }
    }

    /// Only an issued decision is delivered, objected to or appealed.
    pub fn issued(self) -> bool {
        self == DecisionStatus::Issued
    }
}

codes! {
    /// A right being paid.
    pub enum EntitlementStatus {
        Active = "active",
        Suspended = "suspended",
        Ended = "ended",
    }
}

codes! {
    /// A change of an entitlement by a new decision.
    pub enum EntitlementChange {
        /// A new amount from a date.
        Change = "change",
        Suspend = "suspend",
        Resume = "resume",
        End = "end",
    }
}

impl EntitlementStatus {
    /// The state after a change, or why not now.
    pub fn after(self, change: EntitlementChange) -> Result<EntitlementStatus, NotNow> {
        use EntitlementChange::*;
        use EntitlementStatus::*;
        match (self, change) {
            (Active, Change) => Ok(Active),
            (Active, Suspend) => Ok(Suspended),
            (Suspended, Resume) => Ok(Active),
            (Active | Suspended, End) => Ok(Ended),
            _ => Err(NotNow {
                step: change.code(),
                from: self.code(),
            }),
        }
    }
}

codes! {
    /// A commission's session: its agenda is open until it is held.
    pub enum SessionStatus {
        Planned = "planned",
        Held = "held",
    }
}

impl SessionStatus {
    /// Holding a session closes its agenda: items and findings are added while it is
    /// planned.
    pub fn hold(self) -> Result<SessionStatus, NotNow> {
        match self {
            SessionStatus::Planned => Ok(SessionStatus::Held),
            _ => Err(NotNow {
                step: "hold",
                from: self.code(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_procedure_keeps_its_order() {
        use ApplicationStatus::*;
        use ApplicationStep::*;
        assert_eq!(Received.after(AskCompletion), Ok(Incomplete));
        assert_eq!(Incomplete.after(Complete), Ok(InProcedure));
        assert_eq!(InProcedure.after(Decide), Ok(Decided));
        assert_eq!(Decided.after(Appeal), Ok(Appealed));
        assert_eq!(InProcedure.after(Appeal), Ok(Appealed), "against silence");
        assert_eq!(Appealed.after(Reopen), Ok(InProcedure));
        assert_eq!(Appealed.after(Settle), Ok(Decided));
        for (from, step) in [
            (Decided, Decide),
            (Decided, Complete),
            (Withdrawn, Decide),
            (Appealed, Decide),
            (Received, Settle),
            (Withdrawn, Appeal),
        ] {
            assert!(from.after(step).is_err(), "{from} {step}");
        }
    }

    #[test]
    fn decisions_entitlements_and_sessions() {
        use EntitlementChange::*;
        use EntitlementStatus::*;
        assert_eq!(
            DecisionStatus::AwaitingApproval.approve(),
            Ok(DecisionStatus::Issued)
        );
        assert!(DecisionStatus::Issued.approve().is_err());
        assert_eq!(Active.after(Suspend), Ok(Suspended));
        assert_eq!(Suspended.after(Resume), Ok(Active));
        assert_eq!(Suspended.after(End), Ok(Ended));
        assert!(Suspended.after(Change).is_err());
        assert!(Active.after(Resume).is_err());
        assert!(Ended.after(End).is_err());
        assert_eq!(SessionStatus::Planned.hold(), Ok(SessionStatus::Held));
        assert!(SessionStatus::Held.hold().is_err());
        assert_eq!(
            EntitlementChange::codes(),
            ["change", "suspend", "resume", "end"]
        );
    }
}
