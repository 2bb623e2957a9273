//! Worked examples of a run's reckoning, and the rules that hold for any entitlement.

use super::*;
use proptest::prelude::*;
use time::macros::date;

const IBAN: &str = "BA391290079401028494";

fn ent(id: i64, amount: Minor) -> Entitlement<'static> {
    Entitlement {
        id,
        centre_id: 1,
        person_id: 100 + id,
        right_id: 7,
        amount,
        currency: "BAM",
        valid_from: date!(2026 - 01 - 01),
        valid_to: None,
        suspended_from: None,
        payee: "Jovana Petrović",
        iban: Some(IBAN),
        address: Some("Njegoševa 3, 89101 Trebinje"),
    }
}

/// The state funds everything, or the state 70 % and the town 30 %.
fn shares(split: bool) -> HashMap<i64, Vec<(String, i64)>> {
    let s = if split {
        vec![("state".to_string(), 7_000), ("town".to_string(), 3_000)]
    } else {
        vec![("state".to_string(), 10_000)]
    };
    HashMap::from([(7, s)])
}

fn accounts() -> HashMap<(i64, &'static str), i64> {
    HashMap::from([((1, "state"), 11), ((1, "town"), 12)])
}

fn unpaid(id: i64, status: LineStatus, iban: Option<&str>) -> Unpaid {
    Unpaid {
        id,
        entitlement_id: 1,
        month: date!(2026 - 02 - 01),
        funder: "state".into(),
        gross: 10_000,
        deducted: 0,
        recovery_id: None,
        amount: 10_000,
        iban: iban.map(str::to_string),
        status,
    }
}

fn run<'s>(
    shares: &'s HashMap<i64, Vec<(String, i64)>>,
    paid: &'s HashSet<Key<'s>>,
    unpaid: &'s [Unpaid],
    owed: HashMap<i64, Owed>,
    accounts: &'s HashMap<(i64, &'s str), i64>,
) -> Reckoner<'s> {
    Reckoner::new(
        date!(2026 - 03 - 01),
        date!(2026 - 03 - 01),
        shares,
        paid,
        unpaid,
        owed,
        accounts,
    )
}

#[test]
fn a_whole_month_pays_each_funder_its_share() {
    let (sh, acc, paid) = (shares(true), accounts(), HashSet::new());
    let mut r = run(&sh, &paid, &[], HashMap::new(), &acc);
    let mut lines = Vec::new();
    r.reckon(&ent(1, 24_999), &mut lines);
    let got: Vec<_> = lines
        .iter()
        .map(|l| (l.funder, l.gross, l.amount, l.account_id, l.hold))
        .collect();
    // 70 % of 249,99 is 174,993, rounded to 174,99; the town takes the remainder.
    assert_eq!(
        got,
        vec![
            ("state", 17_499, 17_499, Some(11), None),
            ("town", 7_500, 7_500, Some(12), None)
        ]
    );
    assert!(lines.iter().all(|l| l.month == date!(2026 - 03 - 01)));
}

#[test]
fn a_right_that_starts_mid_month_pays_its_days() {
    let (sh, acc, paid) = (shares(false), accounts(), HashSet::new());
    let mut r = run(&sh, &paid, &[], HashMap::new(), &acc);
    let mut e = ent(1, 31_000);
    e.valid_from = date!(2026 - 03 - 17);
    let mut lines = Vec::new();
    r.reckon(&e, &mut lines);
    // 15 of March's 31 days.
    assert_eq!(lines[0].amount, 15_000);
}

#[test]
fn what_another_line_pays_is_skipped_and_counted() {
    let (sh, acc) = (shares(true), accounts());
    let paid: HashSet<Key> = HashSet::from([(1, date!(2026 - 03 - 01), "town")]);
    let mut r = run(&sh, &paid, &[], HashMap::new(), &acc);
    let mut lines = Vec::new();
    r.reckon(&ent(1, 10_000), &mut lines);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].funder, "state");
    assert_eq!(r.already_paid(), 1);
}

#[test]
fn a_recovery_takes_its_instalment_off_the_first_part() {
    let (sh, acc, paid) = (shares(true), accounts(), HashSet::new());
    let owed = HashMap::from([(
        1,
        Owed {
            recovery: 5,
            instalment: 2_000,
            left: 3_000,
            from: date!(2026 - 01 - 01),
        },
    )]);
    let mut r = Reckoner::new(
        date!(2026 - 03 - 01),
        date!(2026 - 04 - 01),
        &sh,
        &paid,
        &[],
        owed,
        &acc,
    );
    let mut lines = Vec::new();
    r.reckon(&ent(1, 10_000), &mut lines);
    let got: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.month.month() as u8,
                l.funder,
                l.gross,
                l.deducted,
                l.amount,
                l.recovery_id,
            )
        })
        .collect();
    // March takes the instalment, April what is left; the town's part is never touched.
    assert_eq!(
        got,
        vec![
            (3, "state", 7_000, 2_000, 5_000, Some(5)),
            (3, "town", 3_000, 0, 3_000, None),
            (4, "state", 7_000, 1_000, 6_000, Some(5)),
            (4, "town", 3_000, 0, 3_000, None),
        ]
    );
}

#[test]
fn a_wholly_recovered_line_is_settled_not_held() {
    let (sh, acc, paid) = (shares(false), accounts(), HashSet::new());
    let owed = HashMap::from([(
        1,
        Owed {
            recovery: 5,
            instalment: 50_000,
            left: 50_000,
            from: date!(2026 - 01 - 01),
        },
    )]);
    let mut r = run(&sh, &paid, &[], owed, &acc);
    let mut lines = Vec::new();
    r.reckon(&ent(1, 10_000), &mut lines);
    let l = &lines[0];
    assert_eq!(
        (l.deducted, l.amount, l.offset, l.hold, l.account_id),
        (10_000, 0, true, None, None)
    );
}

#[test]
fn a_held_line_recovers_nothing() {
    let (sh, paid) = (shares(false), HashSet::new());
    let acc = accounts();
    let owed = HashMap::from([(
        1,
        Owed {
            recovery: 5,
            instalment: 2_000,
            left: 2_000,
            from: date!(2026 - 01 - 01),
        },
    )]);
    let mut r = Reckoner::new(
        date!(2026 - 03 - 01),
        date!(2026 - 04 - 01),
        &sh,
        &paid,
        &[],
        owed,
        &acc,
    );
    let mut e = ent(1, 10_000);
    e.iban = None;
    let mut lines = Vec::new();
    r.reckon(&e, &mut lines);
    // Both months are held for want of an account number, and the instalment is still
    // owed after each: it shows on the held line, and comes back to be taken again.
    assert!(lines
        .iter()
        .all(|l| l.hold == Some("no_iban") && l.account_id.is_none()));
    assert_eq!(lines[1].deducted, 2_000);
}

#[test]
fn why_a_line_is_held() {
    assert_eq!(hold_of(None, 100, Some(IBAN)), Some("no_account"));
    assert_eq!(hold_of(Some(1), 0, Some(IBAN)), Some("zero"));
    assert_eq!(hold_of(Some(1), 100, None), Some("no_iban"));
    assert_eq!(hold_of(Some(1), 100, Some("")), Some("no_iban"));
    assert_eq!(
        hold_of(Some(1), 100, Some("BA391290079401028495")),
        Some("bad_iban")
    );
    assert_eq!(hold_of(Some(1), 100, Some(IBAN)), None);
}

#[test]
fn account_numbers_go_to_the_bank_plain() {
    assert_eq!(plain_iban("ba39 1290 0794 0102 8494"), IBAN);
    assert!(matches!(plain_iban(IBAN), Cow::Borrowed(_)));
}

#[test]
fn months_of_a_run() {
    assert_eq!(
        months(date!(2025 - 11 - 01), date!(2026 - 02 - 01)),
        vec![
            date!(2025 - 11 - 01),
            date!(2025 - 12 - 01),
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 01)
        ]
    );
    assert!(months(date!(2026 - 03 - 01), date!(2026 - 02 - 01)).is_empty());
}

#[test]
fn a_returned_line_is_paid_again_to_a_new_account_only() {
    let (sh, acc, paid) = (shares(false), accounts(), HashSet::new());
    let other = crate::iban::compose("SI", "011000000000123");
    let lines_for = |iban: &str| {
        let open = vec![unpaid(900, LineStatus::Returned, Some(IBAN))];
        let mut r = run(&sh, &paid, &open, HashMap::new(), &acc);
        let mut e = ent(1, 10_000);
        e.iban = Some(iban);
        let mut lines = Vec::new();
        r.reckon(&e, &mut lines);
        let again: Vec<_> = lines
            .iter()
            .filter(|l| l.carried_from.is_some())
            .map(|l| (l.carried_from, l.month, l.hold, l.account_id))
            .collect();
        (again, r.carried_lines(), lines.len())
    };
    let feb = date!(2026 - 02 - 01);
    // The same account returned it: held again, for someone to look at.
    assert_eq!(
        lines_for(IBAN),
        (vec![(Some(900), feb, Some("same_iban"), None)], 1, 2)
    );
    // A new account: paid again, as it was, beside March's line.
    assert_eq!(
        lines_for(&other),
        (vec![(Some(900), feb, None, Some(11))], 1, 2)
    );
}

#[test]
fn a_line_paid_again_is_not_paid_twice() {
    let (sh, acc, paid) = (shares(false), accounts(), HashSet::new());
    // A held line of March: carried, so March's own line is not written again.
    let mut u = unpaid(901, LineStatus::Held, None);
    u.month = date!(2026 - 03 - 01);
    let open = vec![u];
    let mut r = run(&sh, &paid, &open, HashMap::new(), &acc);
    let mut lines = Vec::new();
    r.reckon(&ent(1, 10_000), &mut lines);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].carried_from, Some(901));
    assert_eq!(r.already_paid(), 1);
}

#[test]
fn lines_to_pay_again_whose_entitlement_never_came_are_reported() {
    let (sh, acc, paid) = (shares(false), accounts(), HashSet::new());
    let open = vec![unpaid(902, LineStatus::Held, None)];
    let mut r = run(&sh, &paid, &open, HashMap::new(), &acc);
    let mut lines = Vec::new();
    r.reckon(&ent(2, 10_000), &mut lines);
    assert_eq!(r.still_to_carry(), vec![1]);
    assert_eq!(r.not_carried(), vec![902]);
    r.carry(&ent(1, 10_000), &mut lines);
    assert!(r.not_carried().is_empty());
}

prop_compose! {
    fn entitlement()(
        amount in 1i64..5_000_000,
        from_day in 0i64..200,
        length in proptest::option::of(0i64..200),
        suspended in proptest::option::of(0i64..200),
    ) -> Entitlement<'static> {
        let base = date!(2025 - 12 - 01);
        let from = base + time::Duration::days(from_day);
        let mut e = ent(1, amount);
        e.valid_from = from;
        e.valid_to = length.map(|l| from + time::Duration::days(l));
        e.suspended_from = suspended.map(|s| base + time::Duration::days(s));
        e
    }
}

proptest! {
    /// For any entitlement and recovery: each month's parts add up to the month's
    /// amount, what is paid is the part less what was recovered, a recovery never
    /// takes more than its instalment a month nor more than was owed, and no
    /// entitlement-month-funder gets two lines.
    #[test]
    fn the_reckoning_adds_up(
        e in entitlement(),
        split in any::<bool>(),
        instalment in 1i64..100_000,
        owed_left in 0i64..300_000,
        no_iban in any::<bool>(),
    ) {
        let (sh, acc, paid) = (shares(split), accounts(), HashSet::new());
        let owed = HashMap::from([(1, Owed { recovery: 5, instalment, left: owed_left, from: date!(2026 - 01 - 01) })]);
        let mut r = Reckoner::new(date!(2025 - 12 - 01), date!(2026 - 06 - 01), &sh, &paid, &[], owed, &acc);
        let mut e = e;
        if no_iban {
            e.iban = None;
        }
        let mut lines = Vec::new();
        r.reckon(&e, &mut lines);
        let mut keys = HashSet::new();
        let mut recovered = 0;
        for m in months(date!(2025 - 12 - 01), date!(2026 - 06 - 01)) {
            let of_month: Vec<_> = lines.iter().filter(|l| l.month == m).collect();
            let gross: Minor = of_month.iter().map(|l| l.gross).sum();
            prop_assert_eq!(gross, month_amount(e.amount, m, e.valid_from, e.valid_to, e.suspended_from));
            let taken: Minor = of_month.iter().map(|l| l.deducted).sum();
            prop_assert!(taken <= instalment);
            if m < date!(2026 - 01 - 01) {
                prop_assert_eq!(taken, 0);
            }
        }
        for l in &lines {
            prop_assert!(keys.insert((l.month, l.funder)), "two lines for {:?}", (l.month, l.funder));
            prop_assert_eq!(l.amount, l.gross - l.deducted);
            prop_assert!(l.amount >= 0 && l.deducted >= 0);
            let hold = if l.offset {
                None
            } else if l.amount == 0 {
                Some("zero")
            } else if no_iban {
                Some("no_iban")
            } else {
                None
            };
            prop_assert_eq!(l.hold, hold);
            if l.hold.is_none() {
                recovered += l.deducted;
            }
        }
        prop_assert!(recovered <= owed_left);
    }
}
