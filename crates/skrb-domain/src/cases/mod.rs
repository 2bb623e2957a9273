//! Case work's states: a case file's and a referral's, and what each allows.

use crate::codes;
use crate::codes::NotNow;

codes! {
    /// A case file.
    pub enum FileStatus {
        Open = "open",
        OnHold = "on_hold",
        Closed = "closed",
    }
}

impl FileStatus {
    /// Whether work is still recorded on the file (log, plans, tasks, measures).
    pub fn takes_work(self) -> bool {
        self != FileStatus::Closed
    }
}

codes! {
    /// A referral out to a partner or in from one.
    pub enum ReferralStatus {
        Sent = "sent",
        Accepted = "accepted",
        Answered = "answered",
        Declined = "declined",
        Closed = "closed",
    }
}

codes! {
    /// Who answers a referral: the partner (in the portal) or the centre's staff.
    pub enum Answerer {
        Partner = "partner",
        Staff = "staff",
    }
}

impl ReferralStatus {
    /// The answers each side may give.
    pub fn answers(by: Answerer) -> &'static [ReferralStatus] {
        use ReferralStatus::*;
        match by {
            Answerer::Partner => &[Accepted, Answered, Declined],
            Answerer::Staff => &[Accepted, Answered, Declined, Closed],
        }
    }

    /// The state after an answer, or why not now: a closed referral takes none, and each
    /// side gives only its own answers.
    pub fn answer(self, by: Answerer, to: ReferralStatus) -> Result<ReferralStatus, NotNow> {
        if self == ReferralStatus::Closed || !ReferralStatus::answers(by).contains(&to) {
            return Err(NotNow {
                step: to.code(),
                from: self.code(),
            });
        }
        Ok(to)
    }

    /// Still waiting for its answer or its end.
    pub fn open(self) -> bool {
        matches!(self, ReferralStatus::Sent | ReferralStatus::Accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrals_are_answered_by_their_side_until_closed() {
        use ReferralStatus::*;
        assert_eq!(Sent.answer(Answerer::Partner, Accepted), Ok(Accepted));
        assert_eq!(Accepted.answer(Answerer::Partner, Answered), Ok(Answered));
        assert!(
            Sent.answer(Answerer::Partner, Closed).is_err(),
            "only the centre closes"
        );
        assert_eq!(Answered.answer(Answerer::Staff, Closed), Ok(Closed));
        assert!(Closed.answer(Answerer::Staff, Answered).is_err());
        assert!(Sent.open() && !Declined.open());
        assert!(FileStatus::OnHold.takes_work() && !FileStatus::Closed.takes_work());
    }
}
