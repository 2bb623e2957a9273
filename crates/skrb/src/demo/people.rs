//! Invented people and households with believable distributions: household sizes as in
//! a Slovenian census (many singles and couples, few large families), ages by
//! generation, one script per name, valid and unique EMŠO/JMBG, valid IBANs.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use skrb_domain::person::{Relationship, Sex};
use skrb_domain::{emso, iban, names};
use time::{Date, Duration};

use super::geo::Place;
use super::names::*;
use skrb_registry::input::PersonData;

fn birth(rng: &mut StdRng, today: Date, min_age: i64, max_age: i64) -> Date {
    let days = rng.gen_range(min_age * 365..=max_age * 365 + 364);
    today - Duration::days(days)
}

pub struct Gen<'a> {
    pub rng: StdRng,
    pub today: Date,
    places: &'a [Place],
    /// Cumulative weights of `places`, to pick a home by population.
    cumulative: Vec<u64>,
    /// The next serial per (birth date, region, female): numbers stay unique.
    serials: HashMap<(Date, u8, bool), u16>,
}

/// One generated household: where, and who in which relationship.
pub struct Household<'a> {
    pub place: &'a Place,
    pub street: String,
    pub members: Vec<(PersonData, Relationship)>,
}

fn pick<'s>(rng: &mut StdRng, list: &'s [&'s str], fallback: &'s str) -> &'s str {
    list.choose(rng).copied().unwrap_or(fallback)
}

impl<'a> Gen<'a> {
    pub fn new(rng: StdRng, today: Date, places: &'a [Place]) -> Self {
        let mut total = 0u64;
        let cumulative = places
            .iter()
            .map(|p| {
                total += u64::from(p.weight.max(1));
                total
            })
            .collect();
        Gen {
            rng,
            today,
            places,
            cumulative,
            serials: HashMap::new(),
        }
    }

    fn place(&mut self) -> &'a Place {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let x = self.rng.gen_range(0..total);
        let i = self.cumulative.partition_point(|c| *c <= x);
        &self.places[i.min(self.places.len() - 1)]
    }

    fn serial(&mut self, born: Date, region: u8, female: bool) -> u16 {
        let next = self.serials.entry((born, region, female)).or_insert(0);
        let s = *next % 500;
        *next += 1;
        if female {
            500 + s
        } else {
            s
        }
    }

    fn person(
        &mut self,
        place: &Place,
        family: &str,
        sex: Sex,
        born: Date,
        street: &str,
    ) -> PersonData {
        let serbian_given = place.serbian || self.rng.gen_bool(0.12);
        let rng = &mut self.rng;
        let given = match (serbian_given, sex) {
            (true, Sex::Female) => pick(rng, SR_FEMALE, "Ana"),
            (true, _) => pick(rng, SR_MALE, "Marko"),
            (false, Sex::Female) => pick(rng, SI_FEMALE, "Ana"),
            (false, _) => pick(rng, SI_MALE, "Luka"),
        };
        // Names are stored as written, but one person's name is in one script: a Cyrillic
        // given name goes with a Cyrillic family name, otherwise both are Latin.
        let cyrillic = |t: &str| t.chars().any(|c| ('\u{400}'..'\u{500}').contains(&c));
        let (given, family) = if cyrillic(given) == cyrillic(family) {
            (given.to_string(), family.to_string())
        } else {
            (
                names::cyrillic_to_latin(given),
                names::cyrillic_to_latin(family),
            )
        };
        let region = if place.serbian { 15 } else { 50 };
        let adult = self.today - born >= Duration::days(18 * 365);
        let rng = &mut self.rng;
        let account = (adult && rng.gen_bool(0.8)).then(|| {
            if place.serbian {
                iban::compose(
                    "BA",
                    &format!(
                        "{:016}",
                        rng.gen_range(1_000_000_000_000_000u64..9_999_999_999_999_999)
                    ),
                )
            } else {
                iban::compose(
                    "SI",
                    &format!(
                        "{:015}",
                        rng.gen_range(100_000_000_000_000u64..999_999_999_999_999)
                    ),
                )
            }
        });
        let phone = adult.then(|| {
            if place.serbian {
                format!(
                    "+387 65 {:03} {:03}",
                    rng.gen_range(100..999),
                    rng.gen_range(100..999)
                )
            } else {
                format!(
                    "041 {:03} {:03}",
                    rng.gen_range(100..999),
                    rng.gen_range(100..999)
                )
            }
        });
        let serial = self.serial(born, region, sex == Sex::Female);
        PersonData {
            given_name: given,
            family_name: family,
            birth_date: Some(born),
            sex: Some(sex),
            emso: Some(emso::compose(born, region, serial).as_str().to_string()),
            citizenship: Some(if place.serbian { "BA" } else { "SI" }.to_string()),
            address: Some(street.to_string()),
            postal_code: Some(place.postal_code.clone()),
            place: Some(place.place.clone()),
            municipality_id: Some(place.municipality_id),
            phone,
            email: None,
            iban: account,
            notes: None,
        }
    }

    fn sex(&mut self) -> Sex {
        if self.rng.gen_bool(0.5) {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// A household: 1 to 6 persons (census-like shares), a head, often a partner, children.
    pub fn household(&mut self) -> Household<'a> {
        let place = self.place();
        let serbian = place.serbian || self.rng.gen_bool(0.12);
        let family = if serbian {
            pick(&mut self.rng, SR_FAMILY, "Petrović")
        } else {
            pick(&mut self.rng, SI_FAMILY, "Novak")
        };
        let streets = if place.serbian {
            RS_STREETS
        } else {
            SI_STREETS
        };
        let street = format!(
            "{} {}",
            pick(&mut self.rng, streets, "Glavna"),
            self.rng.gen_range(1..120)
        );
        let size = *[1usize, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6]
            .choose(&mut self.rng)
            .unwrap_or(&2);
        let today = self.today;
        let head_sex = self.sex();
        let head_born = birth(&mut self.rng, today, 20, 90);
        let mut members = vec![(
            self.person(place, family, head_sex, head_born, &street),
            Relationship::Head,
        )];
        let age_head = (today - head_born).whole_days() / 365;
        if size >= 2 {
            if self.rng.gen_bool(0.8) && age_head < 86 {
                let other = if head_sex == Sex::Male {
                    Sex::Female
                } else {
                    Sex::Male
                };
                let born = birth(&mut self.rng, today, (age_head - 5).max(19), age_head + 4);
                members.push((
                    self.person(place, family, other, born, &street),
                    Relationship::Spouse,
                ));
            }
            while members.len() < size {
                let sex = self.sex();
                let max = (age_head - 18).clamp(0, 30);
                let born = birth(&mut self.rng, today, 0, max);
                members.push((
                    self.person(place, family, sex, born, &street),
                    Relationship::Child,
                ));
            }
        }
        Household {
            place,
            street,
            members,
        }
    }
}
