//! The demo centre: realistic but invented people, so that a new user sees Skrb working
//! at once. Modelled on CSD Velenje (three municipalities) and JU CSR Trebinje.
//! Reproducible from the seed; run on a database that already holds the demo, it only
//! resets the demo users' passwords.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use skrb_domain::person::{Relationship, Sex};
use skrb_domain::{emso, iban, names};
use time::{Date, Duration, Month, OffsetDateTime};

use crate::audit::{self, Actor, Event};
use crate::auth::{password, sessions, Role};
use crate::db::{Db, Tx};
use crate::registry::input::PersonData;
use crate::registry::persons;
use crate::{sql, sql_pool};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://skrb-demo.db";

const SI_MALE: &[&str] = &[
    "Luka", "Jan", "Marko", "Matej", "Žiga", "Anže", "Jure", "Gregor", "Miha", "Tomaž", "Janez",
    "Franc", "Bojan", "Aleš", "Primož", "Rok", "Nejc", "Blaž", "Andrej", "Jožef",
];
const SI_FEMALE: &[&str] = &[
    "Ana", "Maja", "Nina", "Eva", "Sara", "Špela", "Mojca", "Petra", "Katja", "Tjaša", "Marija",
    "Irena", "Mateja", "Urška", "Barbara", "Nataša", "Zala", "Lara", "Neža", "Jožica",
];
const SI_FAMILY: &[&str] = &[
    "Novak",
    "Horvat",
    "Kovačič",
    "Krajnc",
    "Zupančič",
    "Potočnik",
    "Kovač",
    "Mlakar",
    "Kos",
    "Vidmar",
    "Golob",
    "Turk",
    "Božič",
    "Kralj",
    "Zupan",
    "Bizjak",
    "Hribar",
    "Korošec",
    "Rozman",
    "Kotnik",
    "Oblak",
    "Petek",
    "Žagar",
    "Jelen",
    "Pečnik",
    "Kolar",
    "Lešnik",
    "Ramšak",
    "Šketa",
    "Podgoršek",
];
const SR_MALE: &[&str] = &[
    "Марко",
    "Никола",
    "Стефан",
    "Драган",
    "Милан",
    "Зоран",
    "Душан",
    "Ђорђе",
    "Небојша",
    "Бранко",
    "Jovan",
    "Nemanja",
    "Dejan",
    "Goran",
    "Slobodan",
    "Vladimir",
    "Željko",
    "Miloš",
];
const SR_FEMALE: &[&str] = &[
    "Јелена",
    "Милица",
    "Драгана",
    "Снежана",
    "Тијана",
    "Љиљана",
    "Ана",
    "Јована",
    "Mirjana",
    "Dragica",
    "Gordana",
    "Nevena",
    "Tamara",
    "Svetlana",
    "Biljana",
    "Ivana",
];
const SR_FAMILY: &[&str] = &[
    "Ђорђевић",
    "Петровић",
    "Јовановић",
    "Николић",
    "Марковић",
    "Илић",
    "Стојановић",
    "Вуковић",
    "Шарић",
    "Чолић",
    "Đurić",
    "Kovačević",
    "Popović",
    "Savić",
    "Bošković",
    "Lukić",
    "Tomić",
    "Radović",
    "Šešlija",
    "Džaković",
];
const SI_STREETS: &[&str] = &[
    "Kidričeva cesta",
    "Šaleška cesta",
    "Cankarjeva cesta",
    "Tomšičeva cesta",
    "Koroška cesta",
    "Prešernova cesta",
    "Aškerčeva cesta",
    "Gorenje",
    "Trg mladosti",
    "Efenkova cesta",
];
const RS_STREETS: &[&str] = &[
    "Његошева",
    "Вука Караџића",
    "Светосавска",
    "Обала Луке Вукаловића",
    "Kralja Petra I Oslobodioca",
    "Jovana Dučića",
    "Njegoševa",
    "Gavrila Principa",
];

struct Place {
    municipality_id: i64,
    postal_code: &'static str,
    place: &'static str,
    serbian: bool,
}

/// Creates the demo centre unless it exists; returns (username, role, password) lines.
pub async fn prepare(
    db: &Db,
    seed: u64,
    persons: usize,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let exists: i64 = sql_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM centre WHERE code = 'csd-velenje'").fetch_one(p).await?);
    if exists == 0 {
        generate(db, seed, persons).await?;
    }
    demo_users(db).await
}

async fn demo_users(db: &Db) -> anyhow::Result<Vec<(String, String, String)>> {
    // Each account works in one centre (the ministry's in none: it sees aggregates only).
    let accounts = [
        (
            "admin",
            "Ana Administratorka",
            Role::Administrator,
            Some("csd-velenje"),
        ),
        (
            "vodja",
            "Vesna Vodja",
            Role::HeadOfUnit,
            Some("csd-velenje"),
        ),
        (
            "socialna",
            "Sonja Socialna",
            Role::SocialWorker,
            Some("csd-velenje"),
        ),
        (
            "pravice",
            "Peter Pravnik",
            Role::RightsOfficer,
            Some("csd-velenje"),
        ),
        (
            "finance",
            "Franci Finančnik",
            Role::FinanceOfficer,
            Some("csd-velenje"),
        ),
        ("revizor", "Rok Revizor", Role::Auditor, Some("csd-velenje")),
        (
            "trebinje",
            "Јелена Јовановић",
            Role::SocialWorker,
            Some("csr-trebinje"),
        ),
        ("ministrstvo", "Mojca Ministrska", Role::Ministry, None),
    ];
    let mut out = Vec::new();
    for (user, name, role, centre) in accounts {
        let pw: String = sessions::new_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect();
        if crate::auth::users::find_by_username(db, user)
            .await?
            .is_some()
        {
            crate::auth::users::set_password(db, user, &pw).await?;
        } else {
            crate::auth::users::add(db, user, name, role, &pw).await?;
            if let Some(c) = centre {
                crate::auth::users::set_centre(db, user, c).await?;
            }
        }
        out.push((user.to_string(), role.code().to_string(), pw));
    }
    // Warm the hasher so the first sign-in is not slower than the rest.
    let _ = password::verify("x", "y");
    Ok(out)
}

async fn insert_geo(tx: &mut Tx) -> anyhow::Result<Vec<Place>> {
    let si: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('csd-velenje', 'Center za socialno delo Savinjsko-šaleška, enota Velenje', 'SI', 'EUR') RETURNING id")
        .fetch_one(c).await?);
    let rs: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('csr-trebinje', 'ЈУ Центар за социјални рад Требиње', 'RS', 'BAM') RETURNING id")
        .fetch_one(c).await?);
    let unit_si: i64 = sql!(tx, c => sqlx::query_scalar("INSERT INTO unit (centre_id, name) VALUES ($1, 'Enota Velenje') RETURNING id")
        .bind(si).fetch_one(c).await?);
    let unit_rs: i64 = sql!(tx, c => sqlx::query_scalar("INSERT INTO unit (centre_id, name) VALUES ($1, 'Требиње') RETURNING id")
        .bind(rs).fetch_one(c).await?);
    let rows = [
        (si, unit_si, "133", "Velenje", "3320", "Velenje", false),
        (si, unit_si, "126", "Šoštanj", "3325", "Šoštanj", false),
        (
            si,
            unit_si,
            "114",
            "Šmartno ob Paki",
            "3327",
            "Šmartno ob Paki",
            false,
        ),
        (rs, unit_rs, "20486", "Требиње", "89101", "Требиње", true),
    ];
    let mut out = Vec::new();
    for (centre, unit, code, name, postal, place, serbian) in rows {
        let id: i64 = sql!(tx, c => sqlx::query_scalar(
            "INSERT INTO municipality (centre_id, unit_id, code, name) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(centre).bind(unit).bind(code).bind(name).fetch_one(c).await?);
        out.push(Place {
            municipality_id: id,
            postal_code: postal,
            place,
            serbian,
        });
    }
    Ok(out)
}

fn birth(rng: &mut StdRng, today: Date, min_age: i64, max_age: i64) -> Date {
    let days = rng.gen_range(min_age * 365..=max_age * 365 + 364);
    today - Duration::days(days)
}

struct Gen<'a> {
    rng: StdRng,
    today: Date,
    serial: u16,
    places: &'a [Place],
}

impl Gen<'_> {
    fn person(
        &mut self,
        place: &Place,
        family: &str,
        sex: Sex,
        born: Date,
        street: &str,
    ) -> PersonData {
        let rng = &mut self.rng;
        let given = match (place.serbian || rng.gen_bool(0.12), sex) {
            (true, Sex::Female) => *SR_FEMALE.choose(rng).unwrap_or(&"Ana"),
            (true, _) => *SR_MALE.choose(rng).unwrap_or(&"Marko"),
            (false, Sex::Female) => *SI_FEMALE.choose(rng).unwrap_or(&"Ana"),
            (false, _) => *SI_MALE.choose(rng).unwrap_or(&"Luka"),
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
        self.serial = (self.serial + 7) % 500;
        let serial = if sex == Sex::Female {
            500 + self.serial
        } else {
            self.serial
        };
        let region = if place.serbian { 15 } else { 50 };
        let adult = self.today - born >= Duration::days(18 * 365);
        let account = if adult && rng.gen_bool(0.8) {
            Some(if place.serbian {
                iban::compose(
                    "BA",
                    &format!(
                        "{:016}",
                        rng.gen_range(1_000_000_000_000_000u64..9_999_999_999_999_999)
                            % 10_000_000_000_000_000
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
            })
        } else {
            None
        };
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
        PersonData {
            given_name: given,
            family_name: family,
            birth_date: Some(born),
            sex: Some(sex),
            emso: Some(emso::compose(born, region, serial).as_str().to_string()),
            citizenship: Some(if place.serbian { "BA" } else { "SI" }.to_string()),
            address: Some(street.to_string()),
            postal_code: Some(place.postal_code.to_string()),
            place: Some(place.place.to_string()),
            municipality_id: Some(place.municipality_id),
            phone,
            email: None,
            iban: account,
            notes: None,
        }
    }
}

async fn generate(db: &Db, seed: u64, target: usize) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let places = insert_geo(&mut tx).await?;
    let today = OffsetDateTime::now_utc().date();
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        today,
        serial: 0,
        places: &places,
    };
    let now = OffsetDateTime::now_utc();
    let mut made = 0usize;
    let mut households = 0usize;
    while made < target {
        // Three in four households in the Slovenian municipalities, the rest in Trebinje.
        let place = if g.rng.gen_bool(0.75) {
            &g.places[g.rng.gen_range(0..3)]
        } else {
            &g.places[3]
        };
        let serbian = place.serbian || g.rng.gen_bool(0.12);
        let family = if serbian {
            *SR_FAMILY.choose(&mut g.rng).unwrap_or(&"Petrović")
        } else {
            *SI_FAMILY.choose(&mut g.rng).unwrap_or(&"Novak")
        };
        let street_list = if place.serbian {
            RS_STREETS
        } else {
            SI_STREETS
        };
        let street = format!(
            "{} {}",
            street_list.choose(&mut g.rng).unwrap_or(&"Glavna"),
            g.rng.gen_range(1..120)
        );
        let size = *[1usize, 1, 2, 2, 3, 3, 4, 4, 5, 6]
            .choose(&mut g.rng)
            .unwrap_or(&2);
        let head_sex = if g.rng.gen_bool(0.5) {
            Sex::Female
        } else {
            Sex::Male
        };
        let head_born = birth(&mut g.rng, today, 20, 88);
        let mut members = vec![(
            g.person(place, family, head_sex, head_born, &street),
            Relationship::Head,
        )];
        if size >= 2 {
            let age_head = (today - head_born).whole_days() / 365;
            if g.rng.gen_bool(0.8) && age_head < 85 {
                let other = if head_sex == Sex::Male {
                    Sex::Female
                } else {
                    Sex::Male
                };
                let born = birth(&mut g.rng, today, (age_head - 5).max(19), age_head + 4);
                members.push((
                    g.person(place, family, other, born, &street),
                    Relationship::Spouse,
                ));
            }
            while members.len() < size {
                let sex = if g.rng.gen_bool(0.5) {
                    Sex::Female
                } else {
                    Sex::Male
                };
                let max = ((today - head_born).whole_days() / 365 - 18).clamp(0, 30);
                let born = birth(&mut g.rng, today, 0, max);
                members.push((
                    g.person(place, family, sex, born, &street),
                    Relationship::Child,
                ));
            }
        }
        let hh: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO household (address, postal_code, place, municipality_id, version, created_at) VALUES ($1, $2, $3, $4, 1, $5) RETURNING id")
            .bind(&street).bind(place.postal_code).bind(place.place).bind(place.municipality_id).bind(now)
            .fetch_one(c).await?);
        households += 1;
        for (d, rel) in members {
            let id = persons::insert_unchecked(&mut tx, &d, now).await?;
            let from = d
                .birth_date
                .map(|b| b.max(Date::from_calendar_date(2015, Month::January, 1).unwrap_or(b)))
                .unwrap_or(today);
            sql!(&mut tx, c => sqlx::query(
                "INSERT INTO household_member (household_id, person_id, relationship, valid_from, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(hh).bind(id).bind(rel.code()).bind(from).bind(now).execute(c).await?.rows_affected());
            made += 1;
        }
    }
    audit::record(
        &mut tx,
        &Actor::system("demo"),
        Event {
            action: "generate",
            entity: "demo",
            entity_id: None,
            person_id: None,
            changes: None,
            reason: None,
        }
        .detail(serde_json::json!({ "seed": seed, "persons": made, "households": households })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
