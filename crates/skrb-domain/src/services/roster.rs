//! The roster's warnings, shown on the week board at once: a carer booked twice or with no
//! time to travel between two users, more hours than contracted, a visit on a day of
//! absence or after a qualification expired, and a user given more than agreed.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

/// Minutes a carer needs between two users' homes (a town's centre to its edge).
pub const TRAVEL_MINUTES: i64 = 10;

/// Days before a qualification expires when the co-ordinator is warned.
pub const EXPIRY_WARNING_DAYS: i64 = 42;

/// A planned visit on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: i64,
    pub carer: i64,
    pub user: i64,
    pub day: Date,
    /// Minutes since midnight.
    pub start: i64,
    pub minutes: i64,
}

impl Slot {
    fn end(&self) -> i64 {
        self.start + self.minutes
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Carer {
    pub id: i64,
    pub contracted_minutes_week: i64,
    /// Days away, both ends included.
    pub absences: Vec<(Date, Date)>,
    /// The qualification's expiry (None: none recorded, which the work needs).
    pub qualified_until: Option<Date>,
}

impl Carer {
    pub fn absent_on(&self, day: Date) -> bool {
        self.absences.iter().any(|(f, t)| *f <= day && day <= *t)
    }
}

/// What is wrong, with the slots it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// Two visits of one carer overlap.
    DoubleBooked {
        slot: i64,
        other: i64,
    },
    /// Less than the travel time between two users' visits.
    NoTravelTime {
        slot: i64,
        other: i64,
        gap: i64,
    },
    /// The week's visits exceed the carer's contracted hours.
    OverContract {
        carer: i64,
        planned: i64,
        contracted: i64,
    },
    Absent {
        slot: i64,
    },
    Unqualified {
        slot: i64,
    },
    /// A user is given more minutes in the week than agreed.
    OverAgreed {
        user: i64,
        planned: i64,
        agreed: i64,
    },
}

/// The week's warnings. `agreed` is each user's agreed minutes a week.
pub fn conflicts(slots: &[Slot], carers: &[Carer], agreed: &HashMap<i64, i64>) -> Vec<Conflict> {
    let mut out = Vec::new();
    let by_id: HashMap<i64, &Carer> = carers.iter().map(|c| (c.id, c)).collect();
    let mut sorted: Vec<&Slot> = slots.iter().collect();
    sorted.sort_by_key(|s| (s.carer, s.day, s.start, s.id));
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.carer != b.carer || a.day != b.day {
            continue;
        }
        if b.start < a.end() {
            out.push(Conflict::DoubleBooked {
                slot: b.id,
                other: a.id,
            });
        } else if a.user != b.user && b.start - a.end() < TRAVEL_MINUTES {
            out.push(Conflict::NoTravelTime {
                slot: b.id,
                other: a.id,
                gap: b.start - a.end(),
            });
        }
    }
    let mut per_carer: HashMap<i64, i64> = HashMap::new();
    let mut per_user: HashMap<i64, i64> = HashMap::new();
    for s in &sorted {
        *per_carer.entry(s.carer).or_default() += s.minutes;
        *per_user.entry(s.user).or_default() += s.minutes;
        if let Some(c) = by_id.get(&s.carer) {
            if c.absent_on(s.day) {
                out.push(Conflict::Absent { slot: s.id });
            }
            if c.qualified_until.is_none_or(|d| d < s.day) {
                out.push(Conflict::Unqualified { slot: s.id });
            }
        }
    }
    let mut carers_over: Vec<_> = per_carer
        .into_iter()
        .filter_map(|(carer, planned)| {
            let contracted = by_id.get(&carer)?.contracted_minutes_week;
            (planned > contracted).then_some(Conflict::OverContract {
                carer,
                planned,
                contracted,
            })
        })
        .collect();
    carers_over.sort_by_key(|c| format!("{c:?}"));
    out.extend(carers_over);
    let mut users_over: Vec<_> = per_user
        .into_iter()
        .filter_map(|(user, planned)| {
            let a = *agreed.get(&user)?;
            (planned > a).then_some(Conflict::OverAgreed {
                user,
                planned,
                agreed: a,
            })
        })
        .collect();
    users_over.sort_by_key(|c| format!("{c:?}"));
    out.extend(users_over);
    out
}

/// A qualification's standing on a day: fine, expiring within the warning, or expired
/// (the carer is off the roster from the day after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Valid,
    ExpiresSoon,
    Expired,
    Missing,
}

pub fn standing(today: Date, until: Option<Date>) -> Standing {
    match until {
        None => Standing::Missing,
        Some(d) if d < today => Standing::Expired,
        Some(d) if (d - today).whole_days() <= EXPIRY_WARNING_DAYS => Standing::ExpiresSoon,
        Some(_) => Standing::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn slot(id: i64, carer: i64, user: i64, start: i64, minutes: i64) -> Slot {
        Slot {
            id,
            carer,
            user,
            day: date!(2026 - 11 - 02),
            start,
            minutes,
        }
    }

    fn carer(id: i64) -> Carer {
        Carer {
            id,
            contracted_minutes_week: 40 * 60,
            absences: vec![],
            qualified_until: Some(date!(2027 - 01 - 01)),
        }
    }

    #[test]
    fn a_clean_week_has_no_warnings() {
        let slots = [slot(1, 1, 10, 480, 60), slot(2, 1, 11, 550, 60)];
        assert!(conflicts(&slots, &[carer(1)], &HashMap::from([(10, 120), (11, 60)])).is_empty());
    }

    #[test]
    fn overlap_and_travel_time() {
        let slots = [
            slot(1, 1, 10, 480, 60),
            slot(2, 1, 11, 530, 30),
            slot(3, 1, 12, 565, 30),
            // The same user right after: no travel needed.
            slot(4, 1, 12, 595, 30),
        ];
        let c = conflicts(&slots, &[carer(1)], &HashMap::new());
        assert_eq!(
            c,
            vec![
                Conflict::DoubleBooked { slot: 2, other: 1 },
                Conflict::NoTravelTime {
                    slot: 3,
                    other: 2,
                    gap: 5
                },
            ]
        );
    }

    #[test]
    fn absence_qualification_contract_and_agreement() {
        let mut c = carer(1);
        c.absences = vec![(date!(2026 - 11 - 01), date!(2026 - 11 - 03))];
        c.qualified_until = Some(date!(2026 - 11 - 01));
        c.contracted_minutes_week = 60;
        let slots = [slot(1, 1, 10, 480, 60), slot(2, 1, 10, 600, 60)];
        let got = conflicts(&slots, &[c], &HashMap::from([(10, 90)]));
        assert!(got.contains(&Conflict::Absent { slot: 1 }));
        assert!(got.contains(&Conflict::Unqualified { slot: 2 }));
        assert!(got.contains(&Conflict::OverContract {
            carer: 1,
            planned: 120,
            contracted: 60
        }));
        assert!(got.contains(&Conflict::OverAgreed {
            user: 10,
            planned: 120,
            agreed: 90
        }));
    }

    #[test]
    fn qualification_standing() {
        let today = date!(2026 - 12 - 06);
        assert_eq!(standing(today, None), Standing::Missing);
        assert_eq!(
            standing(today, Some(date!(2026 - 12 - 05))),
            Standing::Expired
        );
        assert_eq!(
            standing(today, Some(date!(2026 - 12 - 06))),
            Standing::ExpiresSoon
        );
        assert_eq!(
            standing(today, Some(date!(2027 - 01 - 10))),
            Standing::ExpiresSoon
        );
        assert_eq!(
            standing(today, Some(date!(2027 - 03 - 01))),
            Standing::Valid
        );
    }
}
