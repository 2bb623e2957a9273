//! Reckoning a payment run: which lines an entitlement pays in the run's months, each
//! funder's part, what a recovery takes off, why a line is held back, and the lines
//! that pay again what an earlier run could not pay. No IO: the run reads what it
//! needs (what is paid already, the payer accounts, recoveries owed, lines to pay
//! again) and hands each entitlement to a [`Reckoner`], which returns its lines.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use time::Date;

use super::month_amount;
use super::states::LineStatus;
use crate::iban::Iban;
use crate::rights::calc::parts;
use crate::rights::{deadlines, Minor};

/// An entitlement to pay, its text borrowed from the rows the run read in bulk.
#[derive(Debug, Clone)]
pub struct Entitlement<'a> {
    pub id: i64,
    pub centre_id: i64,
    pub person_id: i64,
    pub right_id: i64,
    /// The monthly amount.
    pub amount: Minor,
    pub currency: &'a str,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub suspended_from: Option<Date>,
    /// Who is paid now: the entitlement's payee, else its holder.
    pub payee: &'a str,
    pub iban: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// A held or returned line of an exported run, to pay again.
#[derive(Debug, Clone)]
pub struct Unpaid {
    pub id: i64,
    pub entitlement_id: i64,
    pub month: Date,
    pub funder: String,
    pub gross: Minor,
    pub deducted: Minor,
    pub recovery_id: Option<i64>,
    pub amount: Minor,
    /// The account it was sent to (a returned line) or held for.
    pub iban: Option<String>,
    pub status: LineStatus,
}

/// A recovery of an overpayment still owed on an entitlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    pub recovery: i64,
    /// At most this much comes off a month.
    pub instalment: Minor,
    /// What is left to recover.
    pub left: Minor,
    /// The first month it comes off.
    pub from: Date,
}

/// A line of the run, its text borrowed from the entitlement.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    pub centre_id: i64,
    pub entitlement_id: i64,
    pub person_id: i64,
    pub right_id: i64,
    pub month: Date,
    pub funder: &'a str,
    /// The payer account it is paid from (none when held or wholly recovered).
    pub account_id: Option<i64>,
    /// The funder's part before recovery, what the recovery took, what is paid.
    pub gross: Minor,
    pub deducted: Minor,
    pub recovery_id: Option<i64>,
    pub amount: Minor,
    pub currency: &'a str,
    pub payee: &'a str,
    pub iban: Option<Cow<'a, str>>,
    pub address: Option<&'a str>,
    /// Why held back (it goes on the work list): `no_account`, `zero`, `no_iban`,
    /// `bad_iban`, `same_iban`.
    pub hold: Option<&'static str>,
    /// The held or returned line it pays again.
    pub carried_from: Option<i64>,
    /// Wholly recovered (nothing to send): settled at once.
    pub offset: bool,
}

/// An account number as the bank wants it: no spaces, capitals (borrowed when it is
/// already so, as nearly all are).
pub fn plain_iban(i: &str) -> Cow<'_, str> {
    if i.bytes().any(|b| b == b' ' || b.is_ascii_lowercase()) {
        Cow::Owned(i.replace(' ', "").to_uppercase())
    } else {
        Cow::Borrowed(i)
    }
}

/// Why a line is held back, if it is: no payer account for its funder, nothing to
/// pay, no account number or one that is not an IBAN.
pub fn hold_of(account: Option<i64>, amount: Minor, iban: Option<&str>) -> Option<&'static str> {
    if account.is_none() {
        Some("no_account")
    } else if amount <= 0 {
        Some("zero")
    } else {
        match iban {
            None | Some("") => Some("no_iban"),
            Some(i) if Iban::parse(i).is_err() => Some("bad_iban"),
            _ => None,
        }
    }
}

/// The first days of the months from `from` to `to`, both included.
pub fn months(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to {
        out.push(m);
        m = deadlines::next_month(m);
    }
    out
}

/// An entitlement-month-funder: the key no two current lines share.
pub type Key<'s> = (i64, Date, &'s str);

/// What a run knows before it reckons the lines of an entitlement.
pub struct Reckoner<'s> {
    months: Vec<Date>,
    /// Each right's funders and their shares in ten-thousandths.
    shares: &'s HashMap<i64, Vec<(String, i64)>>,
    /// Entitlement-months-funders some current line pays already…
    paid: &'s HashSet<Key<'s>>,
    /// … or a held or returned line this run pays again.
    carried: HashSet<Key<'s>>,
    /// Those lines by entitlement, until their entitlement comes.
    to_carry: HashMap<i64, Vec<&'s Unpaid>>,
    carried_lines: usize,
    owed: HashMap<i64, Owed>,
    /// Payer accounts by centre and funder.
    accounts: &'s HashMap<(i64, &'s str), i64>,
    already_paid: usize,
}

impl<'s> Reckoner<'s> {
    /// A run of the months `from` to `to`; `unpaid` are the held and returned lines it
    /// pays again, `owed` the recoveries by entitlement.
    pub fn new(
        from: Date,
        to: Date,
        shares: &'s HashMap<i64, Vec<(String, i64)>>,
        paid: &'s HashSet<Key<'s>>,
        unpaid: &'s [Unpaid],
        owed: HashMap<i64, Owed>,
        accounts: &'s HashMap<(i64, &'s str), i64>,
    ) -> Reckoner<'s> {
        let mut to_carry: HashMap<i64, Vec<&Unpaid>> = HashMap::new();
        for u in unpaid {
            to_carry.entry(u.entitlement_id).or_default().push(u);
        }
        Reckoner {
            months: months(from, to),
            shares,
            paid,
            carried: unpaid
                .iter()
                .map(|u| (u.entitlement_id, u.month, u.funder.as_str()))
                .collect(),
            to_carry,
            carried_lines: 0,
            owed,
            accounts,
            already_paid: 0,
        }
    }

    /// Lines paid again so far.
    pub fn carried_lines(&self) -> usize {
        self.carried_lines
    }

    /// Entitlement-months-funders skipped because a line pays them already.
    pub fn already_paid(&self) -> usize {
        self.already_paid
    }

    /// The entitlements whose lines to pay again have not come yet (outside the run's
    /// months now, or gone).
    pub fn still_to_carry(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.to_carry.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// The lines to pay again that no entitlement took: not paid again after all.
    pub fn not_carried(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.to_carry.values().flatten().map(|u| u.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Adds the lines that pay again what an earlier run of this entitlement could not
    /// (held back, or returned by the bank): as they were, to the entitlement's payee
    /// as it is now. A returned line is held again if the account is still the one
    /// that returned it.
    pub fn carry<'a>(&mut self, e: &Entitlement<'a>, lines: &mut Vec<Line<'a>>)
    where
        's: 'a,
    {
        let Some(open) = self.to_carry.remove(&e.id) else {
            return;
        };
        let iban = e.iban.map(plain_iban);
        for o in open {
            let acct = self
                .accounts
                .get(&(e.centre_id, o.funder.as_str()))
                .copied();
            let mut hold = hold_of(acct, o.amount, iban.as_deref());
            if hold.is_none()
                && o.status == LineStatus::Returned
                && iban.as_deref() == o.iban.as_deref()
            {
                hold = Some("same_iban");
            }
            self.carried_lines += 1;
            lines.push(Line {
                centre_id: e.centre_id,
                entitlement_id: e.id,
                person_id: e.person_id,
                right_id: e.right_id,
                month: o.month,
                funder: &o.funder,
                account_id: if hold.is_none() { acct } else { None },
                gross: o.gross,
                deducted: o.deducted,
                recovery_id: o.recovery_id,
                amount: o.amount,
                currency: e.currency,
                payee: e.payee,
                iban: iban.clone(),
                address: e.address,
                hold,
                carried_from: Some(o.id),
                offset: false,
            });
        }
    }

    /// Adds the lines of an entitlement: what it pays again, then each month of the
    /// run, each funder's part, less what a recovery takes.
    pub fn reckon<'a>(&mut self, e: &Entitlement<'a>, lines: &mut Vec<Line<'a>>)
    where
        's: 'a,
    {
        if !self.to_carry.is_empty() {
            self.carry(e, lines);
        }
        let Some(shares) = self.shares.get(&e.right_id) else {
            return;
        };
        let iban = e.iban.map(plain_iban);
        for &m in &self.months {
            let gross = month_amount(e.amount, m, e.valid_from, e.valid_to, e.suspended_from);
            if gross == 0 {
                continue;
            }
            for (i, (funder, part)) in parts(gross, shares).enumerate() {
                let key = (e.id, m, funder);
                if self.paid.contains(&key) || self.carried.contains(&key) {
                    self.already_paid += 1;
                    continue;
                }
                let (deducted, recovery_id) = if i == 0 {
                    recover(&mut self.owed, e.id, m, part)
                } else {
                    (0, None)
                };
                let amount = part - deducted;
                let acct = self.accounts.get(&(e.centre_id, funder)).copied();
                // Wholly recovered: nothing to send, and nothing held.
                let offset = amount == 0 && deducted > 0;
                let hold = if offset {
                    None
                } else {
                    hold_of(acct, amount, iban.as_deref())
                };
                if hold.is_some() && deducted > 0 {
                    // not paid, so nothing recovered by it
                    if let Some(o) = self.owed.get_mut(&e.id) {
                        o.left += deducted;
                    }
                }
                lines.push(Line {
                    centre_id: e.centre_id,
                    entitlement_id: e.id,
                    person_id: e.person_id,
                    right_id: e.right_id,
                    month: m,
                    funder,
                    account_id: if hold.is_none() && !offset {
                        acct
                    } else {
                        None
                    },
                    gross: part,
                    deducted,
                    recovery_id,
                    amount,
                    currency: e.currency,
                    payee: e.payee,
                    iban: iban.clone(),
                    address: e.address,
                    hold,
                    carried_from: None,
                    offset,
                });
            }
        }
    }
}

/// What a recovery takes off the first funder's part of a month: at most its
/// instalment, never more than is left or than the part.
fn recover(
    owed: &mut HashMap<i64, Owed>,
    entitlement: i64,
    month: Date,
    part: Minor,
) -> (Minor, Option<i64>) {
    match owed.get_mut(&entitlement) {
        Some(o) if month >= o.from && o.left > 0 => {
            let d = o.instalment.min(o.left).min(part);
            o.left -= d;
            (d, Some(o.recovery))
        }
        _ => (0, None),
    }
}

#[cfg(test)]
mod tests;
