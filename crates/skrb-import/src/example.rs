//! An old register's export as a centre's old system would write it, for trying the
//! import at once: the demo imports it, and the import page offers it to download. A
//! Slovenian centre's is Latin in Windows-1250, a Serbian centre's Cyrillic in
//! Windows-1251 (and both as XLSX, with a title row above the table). It holds
//! households, a few rows that cannot go in (a short personal number, 31 February, a
//! municipality that does not exist), a row repeated in the file in the other spelling
//! or script, and two persons the registry has already (one by number, one by birth date
//! and name): so the report, the refused rows and the review all have something to show.

use skrb_domain::emso;
use skrb_domain::names::cyrillic_to_latin;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::sheet::{Cell, ListWriter};
use skrb_kit::sql;
use time::{Date, Month};

/// The example's two files.
pub struct Example {
    /// CSV in the centre's code page (Windows-1250 or Windows-1251), `;`-separated.
    pub csv: Vec<u8>,
    pub xlsx: Vec<u8>,
}

const LATIN: (&[&str], &[&str], &[&str]) = (
    &[
        "Novak",
        "Horvat",
        "Kovačič",
        "Krajnc",
        "Zupančič",
        "Potočnik",
        "Kos",
        "Vidmar",
        "Golob",
        "Turk",
        "Čeh",
        "Žagar",
    ],
    &["Ana", "Mojca", "Nina", "Špela", "Maja", "Irena"],
    &["Marko", "Janez", "Luka", "Jure", "Matej", "Žiga"],
);

const CYRILLIC: (&[&str], &[&str], &[&str]) = (
    &[
        "Јовановић",
        "Петровић",
        "Николић",
        "Ђорђевић",
        "Шарић",
        "Вукоје",
        "Ђурић",
        "Лазић",
        "Милошевић",
        "Чолић",
        "Бојић",
        "Тодоровић",
    ],
    &["Милица", "Јелена", "Драгана", "Сања", "Љиљана", "Ана"],
    &["Милан", "Никола", "Душан", "Ђорђе", "Жељко", "Марко"],
);

/// A registered person: id, given and family name, birth date, number.
type Known = (i64, String, String, Option<Date>, Option<String>);

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// The example for the actor's centre: `households` households of one to four.
/// A reader of no one centre gets a Slovenian one without the registry's persons. Each
/// centre's next example differs from the last (it is seeded by the centre's imports so
/// far), so one downloaded after the demo's is new rather than imported before.
pub async fn old_register(db: &Db, actor: &Actor, households: usize) -> AppResult<Example> {
    let centre = actor.scope.and_then(|s| s.centre_id).unwrap_or(0);
    let mut tx = db.begin_read().await?;
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let imports: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM import_batch WHERE centre_id = $1")
        .bind(centre).fetch_one(c).await?);
    let places: Vec<(String, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT m.name, COALESCE(p.postal_code, ''), COALESCE(p.place, m.name) FROM municipality m \
         LEFT JOIN person p ON p.id = (SELECT MIN(q.id) FROM person q WHERE q.municipality_id = m.id) \
         WHERE m.centre_id = $1 ORDER BY m.id")
        .bind(centre).fetch_all(c).await?);
    let known: Vec<Known> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, given_name, family_name, birth_date, emso FROM person \
         WHERE centre_id = $1 AND restricted = FALSE AND emso IS NOT NULL AND birth_date IS NOT NULL ORDER BY id LIMIT 2")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    for k in &known {
        // The example carries these two persons' names: their reading is recorded.
        audit::record_apart(
            db,
            actor,
            Event::new(Action::Read, "person", k.0).person(k.0),
        )
        .await?;
    }
    let cyr = jurisdiction != "SI";
    let (families, women, men) = if cyr { CYRILLIC } else { LATIN };
    let headings: Vec<&str> = if cyr {
        vec![
            "Презиме",
            "Име",
            "ЈМБГ",
            "Датум рођења",
            "Пол",
            "Адреса",
            "Поштански број",
            "Мјесто",
            "Општина",
            "Домаћинство",
            "Сродство",
            "Телефон",
        ]
    } else {
        vec![
            "Priimek",
            "Ime",
            "EMŠO",
            "Datum rojstva",
            "Spol",
            "Naslov",
            "Pošta",
            "Kraj",
            "Občina",
            "Gospodinjstvo",
            "Razmerje",
            "Telefon",
        ]
    };
    let streets: &[&str] = if cyr {
        &["Његошева", "Светосавска", "Вука Караџића"]
    } else {
        &["Kidričeva cesta", "Šaleška cesta", "Prešernova ulica"]
    };
    let (male, female, head, spouse, child) = if cyr {
        ("муш.", "жен.", "носилац", "супруга", "дијете")
    } else {
        ("M", "Ž", "nosilec", "zakonec", "otrok")
    };
    // A region of its own per example, so the numbers of two examples differ too.
    let region = (if cyr { 10 } else { 50 }) + (imports % 9) as u8;
    let mut rng = Lcg(centre as u64 * 7919 + imports as u64 * 104_729 + 17);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for h in 0..households {
        let family = families[rng.next(families.len())];
        let (municipality, postal, place) = places
            .get(rng.next(places.len()))
            .cloned()
            .unwrap_or_default();
        let address = format!("{} {}", streets[rng.next(streets.len())], 1 + rng.next(80));
        let members = 1 + rng.next(4);
        for m in 0..members {
            let woman = m == 1 || (m > 1 && rng.next(2) == 0);
            let (year, rel) = match m {
                0 => (1950 + rng.next(40) as i32, head),
                1 => (1952 + rng.next(40) as i32, spouse),
                _ => (2006 + rng.next(18) as i32, child),
            };
            let born = Date::from_calendar_date(
                year,
                Month::try_from(1 + rng.next(12) as u8).unwrap_or(Month::January),
                1 + rng.next(28) as u8,
            )
            .map_err(|e| AppError::Internal(e.into()))?;
            let given = if woman {
                women[rng.next(women.len())]
            } else {
                men[rng.next(men.len())]
            };
            let number = emso::compose(
                born,
                region,
                (500 * u16::from(woman) + (h * 4 + m) as u16) % 1000,
            );
            rows.push(vec![
                family.to_string(),
                given.to_string(),
                number.as_str().to_string(),
                format!("{}.{}.{}", born.day(), u8::from(born.month()), born.year()),
                if woman { female } else { male }.to_string(),
                address.clone(),
                postal.clone(),
                place.clone(),
                municipality.clone(),
                format!("G{}", h + 1),
                rel.to_string(),
                if rng.next(3) == 0 {
                    format!("041 {:03} {:03}", rng.next(1000), rng.next(1000))
                } else {
                    String::new()
                },
            ]);
        }
    }
    // Rows that cannot go in.
    if let Some(r) = rows.first().cloned() {
        let mut short = r.clone();
        short[1] = women[0].to_string();
        short[2] = "12345".into();
        short[4] = female.into();
        short[9] = String::new();
        rows.push(short);
        let mut day = r.clone();
        day[1] = men[0].to_string();
        day[2] = String::new();
        day[3] = "31.2.1980".into();
        day[4] = male.into();
        day[9] = String::new();
        rows.push(day);
        let mut nowhere = r;
        nowhere[1] = women[1].to_string();
        nowhere[2] = String::new();
        nowhere[4] = female.into();
        nowhere[8] = if cyr {
            "Атлантида"
        } else {
            "Atlantida"
        }
        .into();
        nowhere[9] = String::new();
        rows.push(nowhere);
    }
    // A row repeated in the other spelling (Latin without marks) or script.
    if let Some(r) = rows.get(1).cloned() {
        let mut again = r;
        again[0] = cyrillic_to_latin(&again[0])
            .replace(['č', 'ć'], "c")
            .replace('š', "s")
            .replace('ž', "z");
        again[1] = cyrillic_to_latin(&again[1])
            .replace(['č', 'ć'], "c")
            .replace('š', "s")
            .replace('ž', "z");
        again[2] = String::new();
        again[9] = String::new();
        rows.push(again);
    }
    // Two persons the registry has: one by number, one by birth date and name.
    for (i, (_, given, family, born, number)) in known.iter().enumerate() {
        let born = born
            .map(|b| format!("{}.{}.{}", b.day(), u8::from(b.month()), b.year()))
            .unwrap_or_default();
        let mut r = vec![String::new(); headings.len()];
        r[0] = family.clone();
        r[1] = given.clone();
        r[3] = born;
        if i == 0 {
            r[2] = number.clone().unwrap_or_default();
        }
        rows.push(r);
    }
    let encoding = if cyr {
        encoding_rs::WINDOWS_1251
    } else {
        encoding_rs::WINDOWS_1250
    };
    let mut text = headings.join(";");
    text.push_str("\r\n");
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains([';', '"']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
    }
    let csv = encoding.encode(&text).0.into_owned();
    let xlsx = xlsx_of(&headings, &rows).map_err(AppError::Internal)?;
    Ok(Example { csv, xlsx })
}

fn xlsx_of(headings: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let file = tempfile::NamedTempFile::new()?;
    let columns: Vec<String> = headings.iter().map(|h| h.to_string()).collect();
    let mut w = ListWriter::xlsx(file.path(), "Register", &columns)?;
    for r in rows {
        let cells: Vec<Cell> = r.iter().map(|c| Cell::Text(c.clone())).collect();
        w.row(&cells)?;
    }
    w.finish()?;
    Ok(std::fs::read(file.path())?)
}
