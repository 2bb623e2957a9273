//! What a month of home help costs and who pays it. Each municipality publishes a dated
//! price list: the economic price of an effective hour on a weekday, a Sunday and a
//! holiday, and its subsidy as a share of that price, possibly in bands by the month's
//! hours (Domžale 2023: 60 % up to 20 hours, 55 % up to 30). The user's hourly price is
//! the economic price less the subsidy, rounded to the cent as the price lists print it;
//! the bill is the hours at that price. An exemption (oprostitev) caps what the user pays
//! each month; the rest of the user's share is the exempted share, billed to the
//! municipality. Prices are exempt from VAT (ZDDV art. 42), so there is no tax line.

use serde::{Deserialize, Serialize};

use crate::rights::money::{apply, Minor, ONE};

/// One band of the subsidy: up to (and including) this many minutes in the month, this
/// share of the economic price (ten-thousandths: 60 % is 6,000). The last band has no
/// upper limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub up_to_minutes: Option<i64>,
    pub subsidy: i64,
}

/// A municipality's price list valid from a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    pub weekday: Minor,
    pub sunday: Minor,
    pub holiday: Minor,
    pub bands: Vec<Band>,
}

/// Which tariff a day takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Weekday,
    Sunday,
    Holiday,
}

/// Delivered minutes in a month by kind of day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    pub weekday: i64,
    pub sunday: i64,
    pub holiday: i64,
}

impl Delivered {
    pub fn total(&self) -> i64 {
        self.weekday + self.sunday + self.holiday
    }

    pub fn add(&mut self, kind: DayKind, minutes: i64) {
        match kind {
            DayKind::Weekday => self.weekday += minutes,
            DayKind::Sunday => self.sunday += minutes,
            DayKind::Holiday => self.holiday += minutes,
        }
    }
}

/// A month's bill for one user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    pub minutes: i64,
    /// The economic price of the hours delivered.
    pub economic: Minor,
    /// The subsidy's share that applied (ten-thousandths).
    pub subsidy_share: i64,
    /// What the municipality's subsidy covers.
    pub subsidy: Minor,
    /// The user's share before any exemption.
    pub user_due: Minor,
    /// What an exemption takes off the user's share (billed to the municipality).
    pub exempted: Minor,
    /// What the user's invoice asks.
    pub user_pays: Minor,
}

/// Why a price list cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TariffError {
    NoBands,
    /// Bands must rise and only the last may be open; shares lie in 0..=100 %.
    BadBands,
    NegativePrice,
}

impl Tariff {
    /// Refuses a price list the bill could not be computed from.
    pub fn check(&self) -> Result<(), TariffError> {
        if self.weekday < 0 || self.sunday < 0 || self.holiday < 0 {
            return Err(TariffError::NegativePrice);
        }
        let Some((last, rest)) = self.bands.split_last() else {
            return Err(TariffError::NoBands);
        };
        let mut prev = 0;
        for b in rest {
            match b.up_to_minutes {
                Some(m) if m > prev => prev = m,
                _ => return Err(TariffError::BadBands),
            }
        }
        if last
            .up_to_minutes
            .is_some_and(|m| m <= prev && !rest.is_empty())
        {
            return Err(TariffError::BadBands);
        }
        if self.bands.iter().any(|b| !(0..=ONE).contains(&b.subsidy)) {
            return Err(TariffError::BadBands);
        }
        Ok(())
    }

    /// The subsidy share for a month of `minutes`: the first band that holds them (the
    /// band applies to every hour of the month, as the price lists read).
    pub fn share(&self, minutes: i64) -> i64 {
        self.bands
            .iter()
            .find(|b| b.up_to_minutes.is_none_or(|m| minutes <= m))
            .or(self.bands.last())
            .map(|b| b.subsidy)
            .unwrap_or(0)
    }

    pub fn economic(&self, kind: DayKind) -> Minor {
        match kind {
            DayKind::Weekday => self.weekday,
            DayKind::Sunday => self.sunday,
            DayKind::Holiday => self.holiday,
        }
    }

    /// The user's price of an hour on a kind of day, for a month of `minutes`.
    pub fn user_price(&self, kind: DayKind, minutes: i64) -> Minor {
        let e = self.economic(kind);
        e - apply(e, self.share(minutes))
    }

    /// The month's bill. `cap` is what an exemption decision leaves the user to pay each
    /// month (0 for a full exemption), if there is one.
    pub fn bill(&self, d: &Delivered, cap: Option<Minor>) -> Bill {
        let minutes = d.total();
        let share = self.share(minutes);
        let mut economic = 0;
        let mut user_due = 0;
        for (kind, m) in [
            (DayKind::Weekday, d.weekday),
            (DayKind::Sunday, d.sunday),
            (DayKind::Holiday, d.holiday),
        ] {
            economic += of_hours(self.economic(kind), m);
            user_due += of_hours(self.user_price(kind, minutes), m);
        }
        let user_pays = cap.map_or(user_due, |c| user_due.min(c.max(0)));
        Bill {
            minutes,
            economic,
            subsidy_share: share,
            subsidy: economic - user_due,
            user_due,
            exempted: user_due - user_pays,
            user_pays,
        }
    }
}

/// `price` per hour for `minutes`, to the cent, half away from zero.
pub fn of_hours(price: Minor, minutes: i64) -> Minor {
    let p = price as i128 * minutes as i128;
    ((p + 30) / 60) as Minor
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domzale() -> Tariff {
        // Economic price 17.20 EUR/h; 60 % up to 20 h, 55 % up to 30 h, 52.44 % above.
        Tariff {
            weekday: 1720,
            sunday: 2064,
            holiday: 2236,
            bands: vec![
                Band {
                    up_to_minutes: Some(20 * 60),
                    subsidy: 6000,
                },
                Band {
                    up_to_minutes: Some(30 * 60),
                    subsidy: 5500,
                },
                Band {
                    up_to_minutes: None,
                    subsidy: 5244,
                },
            ],
        }
    }

    #[test]
    fn domzale_2023_user_prices_as_published() {
        let t = domzale();
        t.check().expect("a good price list");
        // 6.88 EUR up to 20 hours, 7.74 up to 30, 8.18 above (the published list).
        assert_eq!(t.user_price(DayKind::Weekday, 20 * 60), 688);
        assert_eq!(t.user_price(DayKind::Weekday, 25 * 60), 774);
        assert_eq!(t.user_price(DayKind::Weekday, 31 * 60), 818);
    }

    #[test]
    fn twenty_weekday_hours_worked_example() {
        let b = domzale().bill(
            &Delivered {
                weekday: 20 * 60,
                ..Default::default()
            },
            None,
        );
        assert_eq!(b.economic, 34400);
        assert_eq!(b.user_due, 13760);
        assert_eq!(b.subsidy, 20640);
        assert_eq!(b.user_pays, 13760);
        assert_eq!(b.exempted, 0);
    }

    #[test]
    fn sundays_and_holidays_at_their_tariff_and_the_band_of_the_whole_month() {
        // 18 h on weekdays, 2 h on a Sunday, 1 h 30 on a holiday: 21.5 h, the 55 % band.
        let b = domzale().bill(
            &Delivered {
                weekday: 18 * 60,
                sunday: 120,
                holiday: 90,
            },
            None,
        );
        assert_eq!(b.subsidy_share, 5500);
        // 18 x 17.20 + 2 x 20.64 + 1.5 x 22.36 = 309.60 + 41.28 + 33.54
        assert_eq!(b.economic, 30960 + 4128 + 3354);
        // 18 x 7.74 + 2 x 9.29 + 1.5 x 10.06 = 139.32 + 18.58 + 15.09
        assert_eq!(b.user_due, 13932 + 1858 + 1509);
        assert_eq!(b.subsidy, b.economic - b.user_due);
    }

    #[test]
    fn an_exemption_caps_what_the_user_pays_and_the_rest_is_exempted() {
        let d = Delivered {
            weekday: 600,
            ..Default::default()
        };
        let partial = domzale().bill(&d, Some(2500));
        assert_eq!(partial.user_due, 6880);
        assert_eq!(partial.user_pays, 2500);
        assert_eq!(partial.exempted, 4380);
        let full = domzale().bill(&d, Some(0));
        assert_eq!(full.user_pays, 0);
        assert_eq!(full.exempted, 6880);
        // A cap above the bill changes nothing.
        assert_eq!(domzale().bill(&d, Some(99_999)).user_pays, 6880);
    }

    #[test]
    fn minutes_round_to_the_cent() {
        assert_eq!(of_hours(852, 45), 639);
        assert_eq!(of_hours(852, 50), 710);
        assert_eq!(of_hours(0, 50), 0);
    }

    #[test]
    fn a_bad_price_list_is_refused() {
        let mut t = domzale();
        t.bands.swap(0, 1);
        assert_eq!(t.check(), Err(TariffError::BadBands));
        t.bands.clear();
        assert_eq!(t.check(), Err(TariffError::NoBands));
        let mut t = domzale();
        t.bands[0].subsidy = 12_000;
        assert_eq!(t.check(), Err(TariffError::BadBands));
    }

    proptest::proptest! {
        #[test]
        fn the_shares_always_add_up(w in 0i64..20_000, s in 0i64..3_000, h in 0i64..3_000, cap in proptest::option::of(0i64..50_000)) {
            let b = domzale().bill(&Delivered { weekday: w, sunday: s, holiday: h }, cap);
            proptest::prop_assert_eq!(b.subsidy + b.user_due, b.economic);
            proptest::prop_assert_eq!(b.user_pays + b.exempted, b.user_due);
            proptest::prop_assert!(b.user_pays >= 0 && b.exempted >= 0 && b.subsidy >= 0);
        }
    }
}
