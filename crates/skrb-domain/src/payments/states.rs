//! Where a payment run and its lines stand, and which step each state allows: the rule
//! in one place, checked by the use cases before they write.

use crate::codes;
use crate::codes::NotNow;

codes! {
    /// A monthly or extra run: prepared, calculated, approved by a second person,
    /// written into bank files, then settled by the bank's statements.
    pub enum RunStatus {
        Draft = "draft",
        Calculated = "calculated",
        Approved = "approved",
        Exported = "exported",
        Settled = "settled",
        PartlyReturned = "partly_returned",
    }
}

codes! {
    /// What is done to a run.
    pub enum RunStep {
        /// Calculate (again): lines for every entitlement-month not yet paid.
        Calculate = "calculate",
        /// A second person approves the lines.
        Approve = "approve",
        /// The bank files are written.
        Export = "export",
        /// Thrown away with its lines, before any file left.
        Discard = "discard",
        /// A statement settled or returned its last waiting line.
        Settle = "settle",
    }
}

impl RunStatus {
    /// The state after `step`, or why not now.
    pub fn after(self, step: RunStep) -> Result<RunStatus, NotNow> {
        use RunStatus::*;
        use RunStep::*;
        match (self, step) {
            (Draft | Calculated, Calculate) => Ok(Calculated),
            (Calculated, Approve) => Ok(Approved),
            (Approved, Export) => Ok(Exported),
            (Draft | Calculated | Approved, Discard) => Ok(self),
            (Exported | Settled | PartlyReturned, Settle) => Ok(Settled),
            _ => Err(NotNow {
                step: step.code(),
                from: self.code(),
            }),
        }
    }

    /// A run with the bank, as its lines say: settled when none waits and none came
    /// back, partly returned when some came back, still exported while some wait.
    pub fn as_the_bank_says(waiting: i64, returned: i64) -> RunStatus {
        match (waiting, returned) {
            (0, 0) => RunStatus::Settled,
            (0, _) => RunStatus::PartlyReturned,
            _ => RunStatus::Exported,
        }
    }

    /// Whether the run's lines may still change (its files have not left).
    pub fn before_export(self) -> bool {
        matches!(
            self,
            RunStatus::Draft | RunStatus::Calculated | RunStatus::Approved
        )
    }

    /// Whether the bank has the run's files: statements may settle its lines.
    pub fn with_the_bank(self) -> bool {
        matches!(
            self,
            RunStatus::Exported | RunStatus::Settled | RunStatus::PartlyReturned
        )
    }
}

codes! {
    /// One payment to one payee for one entitlement-month.
    pub enum LineStatus {
        /// Sent (or to be sent) to the bank.
        Open = "open",
        /// Not sent: no account, no IBAN, nothing left after a recovery...
        Held = "held",
        Settled = "settled",
        Returned = "returned",
        WrittenOff = "written_off",
    }
}

codes! {
    /// What happens to a line.
    pub enum LineStep {
        /// The statement says it was paid.
        Settle = "settle",
        /// The bank sent it back.
        Return = "return",
        /// Taken off the work list for good.
        WriteOff = "write_off",
    }
}

impl LineStatus {
    /// The state after `step`, or why not now.
    pub fn after(self, step: LineStep) -> Result<LineStatus, NotNow> {
        use LineStatus::*;
        use LineStep::*;
        match (self, step) {
            (Open, Settle) => Ok(Settled),
            (Open | Settled, Return) => Ok(Returned),
            (Held | Returned, WriteOff) => Ok(WrittenOff),
            _ => Err(NotNow {
                step: step.code(),
                from: self.code(),
            }),
        }
    }

    /// Whether the bank has it or paid it (not held, not returned).
    pub fn paid(self) -> bool {
        matches!(self, LineStatus::Open | LineStatus::Settled)
    }

    /// Whether it waits on the work list (to be paid again or written off).
    pub fn waiting(self) -> bool {
        matches!(self, LineStatus::Held | LineStatus::Returned)
    }
}

codes! {
    /// An overpayment recovered or a deduction made from the next payments.
    pub enum RecoveryStatus {
        Open = "open",
        Cancelled = "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_moves_only_forward() {
        use RunStatus::*;
        use RunStep::*;
        assert_eq!(Draft.after(Calculate), Ok(Calculated));
        assert_eq!(Calculated.after(Calculate), Ok(Calculated), "recalculated");
        assert_eq!(Calculated.after(Approve), Ok(Approved));
        assert_eq!(Approved.after(Export), Ok(Exported));
        assert_eq!(Exported.after(Settle), Ok(Settled));
        for (from, step) in [
            (Draft, Approve),
            (Draft, Export),
            (Approved, Calculate),
            (Approved, Approve),
            (Exported, Calculate),
            (Exported, Discard),
            (Settled, Export),
            (Calculated, Settle),
        ] {
            assert!(from.after(step).is_err(), "{from} {step}");
        }
        // Every state answers every step: allowed or not, never a panic.
        for s in RunStatus::ALL {
            for t in RunStep::ALL {
                let _ = s.after(*t);
            }
        }
        assert!(Approved.before_export() && !Exported.before_export());
        assert_eq!(RunStatus::as_the_bank_says(0, 0), Settled);
        assert_eq!(RunStatus::as_the_bank_says(0, 3), PartlyReturned);
        assert_eq!(RunStatus::as_the_bank_says(5, 3), Exported);
        assert!(PartlyReturned.with_the_bank() && !Approved.with_the_bank());
    }

    #[test]
    fn a_line_is_settled_returned_or_written_off() {
        use LineStatus::*;
        use LineStep::*;
        assert_eq!(Open.after(Settle), Ok(Settled));
        assert_eq!(Settled.after(Return), Ok(Returned));
        assert_eq!(Held.after(WriteOff), Ok(WrittenOff));
        assert!(Held.after(Settle).is_err());
        assert!(Open.after(WriteOff).is_err());
        assert!(WrittenOff.after(Return).is_err());
        assert!(Open.paid() && Settled.paid() && !Returned.paid());
        assert!(Held.waiting() && Returned.waiting() && !Open.waiting());
    }

    #[test]
    fn codes_are_what_the_database_holds() {
        assert_eq!(
            RunStatus::codes(),
            [
                "draft",
                "calculated",
                "approved",
                "exported",
                "settled",
                "partly_returned"
            ]
        );
        assert_eq!(
            LineStatus::codes(),
            ["open", "held", "settled", "returned", "written_off"]
        );
        assert_eq!(
            RunStatus::try_from("approved".to_string()),
            Ok(RunStatus::Approved)
        );
        assert!(RunStatus::try_from("nonsense".to_string()).is_err());
        assert_eq!(
            serde_json::to_string(&LineStatus::WrittenOff).unwrap(),
            "\"written_off\""
        );
    }
}
