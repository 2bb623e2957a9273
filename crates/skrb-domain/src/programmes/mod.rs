//! Extra programmes with partners (food, heating, school supplies, a summer camp, a
//! project), the municipal committee's one-off aid, and community actions. The rules
//! here are pure: what a programme gives and how much of it a household or person gets
//! (a quantity by a rule, capped), the list's states (a draft that is evaluated and
//! changed by hand, approved by a second person and then frozen), and the voucher code
//! a partner types at the counter (with a check character, so that a typo is refused,
//! not redeemed as someone else's).

use crate::codes;
use crate::codes::NotNow;
use crate::rights::Minor;

codes! {
    /// What a programme is about.
    pub enum Kind {
        Food = "food",
        Heating = "heating",
        School = "school",
        Camp = "camp",
        Project = "project",
        Other = "other",
    }
}

codes! {
    /// What a recipient gets: an item in kind, a voucher of a value redeemed at a
    /// partner, cash paid by the monthly runs, or a place (a camp).
    pub enum Benefit {
        Item = "item",
        Voucher = "voucher",
        Cash = "cash",
        Place = "place",
    }
}

codes! {
    /// Who the list is of: households (a parcel for the home) or persons (a place at a
    /// camp for an older person).
    pub enum Recipient {
        Household = "household",
        Person = "person",
    }
}

codes! {
    /// What the quantity is counted by: once per recipient, per household member, or per
    /// child of the household (of the rule's ages).
    pub enum Per {
        Recipient = "recipient",
        Member = "member",
        Child = "child",
    }
}

codes! {
    /// What a partner does in a programme.
    pub enum Role {
        Delivers = "delivers",
        Stores = "stores",
        Hosts = "hosts",
        Funds = "funds",
        Other = "other",
    }
}

codes! {
    /// Where a programme's list stands: none yet, a draft (evaluated, changed by hand),
    /// approved (frozen: a later change in the registry does not move it).
    pub enum ListStatus {
        None = "none",
        Draft = "draft",
        Approved = "approved",
    }
}

codes! {
    /// What is done to a list.
    pub enum ListStep {
        Evaluate = "evaluate",
        Change = "change",
        Approve = "approve",
    }
}

impl ListStatus {
    /// The state after `step`, or why not now: an approved list is frozen.
    pub fn after(self, step: ListStep) -> Result<ListStatus, NotNow> {
        use ListStatus::*;
        use ListStep::*;
        match (self, step) {
            (None | Draft, Evaluate) => Ok(Draft),
            (Draft, Change) => Ok(Draft),
            (Draft, Approve) => Ok(Approved),
            _ => Err(NotNow {
                step: step.code(),
                from: self.code(),
            }),
        }
    }
}

codes! {
    /// How a handing over was confirmed.
    pub enum Confirmation {
        Signature = "signature",
        Document = "document",
        Voucher = "voucher",
        Delivered = "delivered",
    }
}

codes! {
    /// A proposal to the municipal committee, from the centre's opinion to the
    /// committee's decision.
    pub enum ProposalStatus {
        Proposed = "proposed",
        Granted = "granted",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

codes! {
    /// Groups at risk whose participants a community action counts.
    pub enum Group {
        Children = "children",
        Youth = "youth",
        Adults = "adults",
        Elderly = "elderly",
        Disabled = "disabled",
        Families = "families",
    }
}

/// How much a recipient gets: `base` per recipient, member or child, at most `cap`.
/// Never negative; zero when the rule counts children and there are none.
pub fn quantity(per: Per, base: i64, cap: Option<i64>, members: i64, children: i64) -> i64 {
    let n = match per {
        Per::Recipient => 1,
        Per::Member => members.max(0),
        Per::Child => children.max(0),
    };
    let q = base.max(0).saturating_mul(n);
    match cap {
        Some(c) if q > c => c.max(0),
        _ => q,
    }
}

/// What a quantity is worth at a unit's value (the budget it uses).
pub fn value(quantity: i64, unit_value: Minor) -> Minor {
    quantity.saturating_mul(unit_value)
}

/// Crockford's base-32 alphabet: no I, L, O, U, so that a code read aloud or typed from
/// paper is not mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A voucher's code from 50 random bits: ten characters and a check character (the
/// value mod 29, written with the same alphabet, so the code has only letters and digits
/// a person reads aloud), written `XXXXX-XXXXX-C`. It catches a mistyped character and
/// two swapped neighbours but for the rare pairs 29 apart (`0`/`X`, `1`/`Y`, `2`/`Z`).
pub fn voucher_code(random: u64) -> String {
    let v = random & ((1 << 50) - 1);
    let mut chars = [0u8; 10];
    for (i, c) in chars.iter_mut().enumerate() {
        *c = ALPHABET[((v >> (45 - 5 * i)) & 31) as usize];
    }
    let check = check_char(v);
    format!(
        "{}-{}-{}",
        std::str::from_utf8(&chars[..5]).unwrap_or_default(),
        std::str::from_utf8(&chars[5..]).unwrap_or_default(),
        check
    )
}

fn check_char(v: u64) -> char {
    ALPHABET[(v % 29) as usize] as char
}

/// Reads a code as typed (any case, with or without dashes and spaces, O for 0 and I or
/// L for 1) into its written form, or `None` when it is not a code or its check
/// character does not match.
pub fn parse_voucher_code(typed: &str) -> Option<String> {
    let mut v: u64 = 0;
    let mut n = 0;
    let mut check = None;
    for ch in typed.chars().filter(|c| !matches!(c, '-' | ' ')) {
        let c = match ch.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if n == 10 {
            if check.is_some() {
                return None;
            }
            check = Some(c);
            continue;
        }
        let d = ALPHABET.iter().position(|&a| a as char == c)?;
        v = (v << 5) | d as u64;
        n += 1;
    }
    if n != 10 || check != Some(check_char(v)) {
        return None;
    }
    Some(voucher_code(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parcel_per_member_is_capped() {
        // Trebinje's food parcel: one per member, at most four to a household.
        assert_eq!(quantity(Per::Member, 1, Some(4), 6, 3), 4);
        assert_eq!(quantity(Per::Member, 1, Some(4), 3, 1), 3);
        // School supplies: one set per child; a household without children gets none.
        assert_eq!(quantity(Per::Child, 1, None, 5, 2), 2);
        assert_eq!(quantity(Per::Child, 1, None, 2, 0), 0);
        // Heating: two cubic metres of wood to a household, whatever its size.
        assert_eq!(quantity(Per::Recipient, 2, None, 7, 4), 2);
        assert_eq!(value(4, 2_500), 10_000);
    }

    #[test]
    fn an_approved_list_is_frozen() {
        use ListStatus::*;
        assert_eq!(None.after(ListStep::Evaluate), Ok(Draft));
        assert_eq!(Draft.after(ListStep::Evaluate), Ok(Draft));
        assert_eq!(Draft.after(ListStep::Approve), Ok(Approved));
        assert!(Approved.after(ListStep::Evaluate).is_err());
        assert!(Approved.after(ListStep::Change).is_err());
        assert!(None.after(ListStep::Approve).is_err());
    }

    #[test]
    fn a_voucher_code_reads_back_and_refuses_a_typo() {
        for r in [0u64, 1, 123_456_789, u64::MAX, 0x3_FFFF_FFFF_FFFF] {
            let code = voucher_code(r);
            assert_eq!(code.len(), 13);
            assert_eq!(parse_voucher_code(&code).as_deref(), Some(code.as_str()));
            assert_eq!(
                parse_voucher_code(&code.to_lowercase().replace('-', " ")).as_deref(),
                Some(code.as_str())
            );
        }
        let code = voucher_code(987_654_321_012);
        // One character changed: the check character no longer matches.
        let mut typo: Vec<char> = code.chars().collect();
        typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(parse_voucher_code(&typo), None);
        // Two neighbours swapped.
        let mut swapped: Vec<char> = code.chars().collect();
        swapped.swap(6, 7);
        let swapped: String = swapped.into_iter().collect();
        if swapped != code {
            assert_eq!(parse_voucher_code(&swapped), None);
        }
        assert_eq!(parse_voucher_code("12345"), None);
        assert_eq!(parse_voucher_code(""), None);
    }
}
