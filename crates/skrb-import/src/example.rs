//! An old register's export as a centre's old system would write it, for trying the
//! import at once: the demo imports it, and the import page offers it to download. A
//! Slovenian centre's is Latin in Windows-1250, a Serbian centre's Cyrillic in
//! Windows-1251 (and both as XLSX, with a title row above the table). It holds
//! households, a few rows that cannot go in (a short personal number, 31 February, a
//! municipality that does not exist), a row repeated in the file in the other spelling
//! or script, and two persons the registry has already (one by number, one by birth date
//! and name): so the report, the refused rows and the review all have something to show.

use skrb_domain::emso;
use skrb_domain::import::Kind;
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
    example_of(cyr, &headings, &rows)
}

/// The rows as the old system writes them: CSV in the centre's code page, `;`-separated,
/// and XLSX.
fn example_of(cyr: bool, headings: &[&str], rows: &[Vec<String>]) -> AppResult<Example> {
    let encoding = if cyr {
        encoding_rs::WINDOWS_1251
    } else {
        encoding_rs::WINDOWS_1250
    };
    let mut text = headings.join(";");
    text.push_str("\r\n");
    for r in rows {
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
    let xlsx = xlsx_of(headings, rows).map_err(AppError::Internal)?;
    Ok(Example { csv, xlsx })
}

/// The example of a kind for the actor's centre (rights have none: their old codes are
/// each centre's own).
pub async fn of(db: &Db, actor: &Actor, kind: Kind) -> AppResult<Example> {
    match kind {
        Kind::Cases => case_files(db, actor).await,
        Kind::Carers => foster_carers(db, actor).await,
        Kind::Persons | Kind::Entitlements => old_register(db, actor, EXAMPLE_HOUSEHOLDS).await,
    }
}

/// Households in the persons' example (about two and a half persons each).
pub const EXAMPLE_HOUSEHOLDS: usize = 40;

fn day(d: Date) -> String {
    format!("{}.{}.{}", d.day(), u8::from(d.month()), d.year())
}

/// Records the reading of the persons an example names, before it is handed out.
async fn read_persons(db: &Db, actor: &Actor, ids: impl Iterator<Item = i64>) -> AppResult<()> {
    for id in ids {
        audit::record_apart(db, actor, Event::new(Action::Read, "person", id).person(id)).await?;
    }
    Ok(())
}

/// A person an example names: id, number, given and family name.
type Named = (i64, String, String, String);

/// Open case files of the centre's registered persons who have none, as an old system
/// lists them: the person's number and name, the kind of case by its name, the worker
/// by name, the day opened, the old number. With a row naming a worker the centre does
/// not have, a kind of case that does not exist, a day still to come, a row repeated,
/// and a file the registry has open already.
pub async fn case_files(db: &Db, actor: &Actor) -> AppResult<Example> {
    let centre = actor.scope.and_then(|s| s.centre_id).unwrap_or(0);
    let mut tx = db.begin_read().await?;
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let imports: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM import_batch WHERE centre_id = $1")
        .bind(centre).fetch_one(c).await?);
    let persons: Vec<Named> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT p.id, p.emso, p.given_name, p.family_name FROM person p WHERE p.centre_id = $1 AND p.restricted = FALSE \
         AND p.emso IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_file f WHERE f.person_id = p.id) ORDER BY p.id DESC LIMIT $2")
        .bind(centre).bind(12 + imports).fetch_all(c).await?);
    let open: Option<(i64, String, String, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT p.id, p.emso, p.given_name, p.family_name, t.name_sl FROM case_file f JOIN person p ON p.id = f.person_id \
         JOIN case_type t ON t.id = f.type_id WHERE f.centre_id = $1 AND f.status = 'open' AND f.restricted = FALSE \
         AND p.restricted = FALSE AND p.emso IS NOT NULL ORDER BY f.id LIMIT 1")
        .bind(centre).fetch_optional(c).await?);
    let types: Vec<(String, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT name_sl, name_sr, class_code FROM case_type WHERE jurisdiction = $1 AND active = TRUE \
         AND opens_restricted = FALSE ORDER BY id LIMIT 4")
        .bind(&jurisdiction).fetch_all(c).await?);
    let workers: Vec<String> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT u.display_name FROM app_user u WHERE u.centre_id = $1 AND u.active = TRUE \
         AND EXISTS (SELECT 1 FROM case_file f WHERE f.worker_id = u.id) ORDER BY u.id LIMIT 3")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    let persons: Vec<Named> = persons.into_iter().skip(imports as usize).collect();
    read_persons(
        db,
        actor,
        persons.iter().map(|p| p.0).chain(open.iter().map(|o| o.0)),
    )
    .await?;
    let cyr = jurisdiction != "SI";
    let headings: Vec<&str> = if cyr {
        vec![
            "ЈМБГ",
            "Име и презиме",
            "Врста предмета",
            "Стручни радник",
            "Отворено",
            "Број предмета",
            "Опис",
        ]
    } else {
        vec![
            "EMŠO",
            "Ime in priimek",
            "Vrsta zadeve",
            "Strokovni delavec",
            "Odprto",
            "Številka zadeve",
            "Opis",
        ]
    };
    let type_name = |t: &(String, String, String)| if cyr { t.1.clone() } else { t.0.clone() };
    let today = actor.today();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, (_, number, given, family)) in persons.iter().enumerate() {
        let (Some(t), Some(w)) = (
            types.get(i % types.len().max(1)),
            workers.get(i % workers.len().max(1)),
        ) else {
            break;
        };
        let opened = today - time::Duration::days(60 + 97 * i as i64);
        rows.push(vec![
            number.clone(),
            format!("{given} {family}"),
            type_name(t),
            w.clone(),
            day(opened),
            format!(
                "{}-{}/{}",
                t.2,
                700 + imports * 40 + i as i64,
                opened.year()
            ),
            String::new(),
        ]);
    }
    if let Some(r) = rows.first().cloned() {
        // Repeated further down the list, its number left out.
        let mut again = r.clone();
        again[5] = String::new();
        rows.push(again);
        let mut nobody = r.clone();
        nobody[..2].clone_from_slice(&rows.get(1).unwrap_or(&r)[..2]);
        nobody[3] = if cyr {
            "Непознати Радник"
        } else {
            "Neznani Delavec"
        }
        .into();
        nobody[5] = String::new();
        rows.push(nobody);
        let mut kind = r.clone();
        kind[..2].clone_from_slice(&rows.get(2).unwrap_or(&r)[..2]);
        kind[2] = if cyr {
            "Стари поступак"
        } else {
            "Stari postopek"
        }
        .into();
        kind[5] = String::new();
        rows.push(kind);
        let mut later = r.clone();
        later[..2].clone_from_slice(&rows.get(3).unwrap_or(&r)[..2]);
        later[2] = rows.get(4).map_or(String::new(), |x| x[2].clone());
        later[4] = day(today + time::Duration::days(30));
        later[5] = String::new();
        rows.push(later);
    }
    if let (Some((_, number, given, family, ty)), Some(w)) = (open, workers.first()) {
        rows.push(vec![
            number,
            format!("{given} {family}"),
            ty,
            w.clone(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    example_of(cyr, &headings, &rows)
}

/// Foster carers of the centre's registered adults and the children placed with them, as
/// an old register lists them: a row per child (a family with two children has two), a
/// family without a child on a row of its own. With a child the centre has not
/// registered and a placement before the permit.
pub async fn foster_carers(db: &Db, actor: &Actor) -> AppResult<Example> {
    let centre = actor.scope.and_then(|s| s.centre_id).unwrap_or(0);
    let mut tx = db.begin_read().await?;
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let imports: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM import_batch WHERE centre_id = $1")
        .bind(centre).fetch_one(c).await?);
    let today = actor.today();
    let adults: Vec<Named> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT p.id, p.emso, p.given_name, p.family_name FROM person p WHERE p.centre_id = $1 AND p.restricted = FALSE \
         AND p.emso IS NOT NULL AND p.birth_date < $2 AND p.birth_date > $3 \
         AND NOT EXISTS (SELECT 1 FROM foster_carer f WHERE f.person_id = p.id) ORDER BY p.id LIMIT 3 OFFSET $4")
        .bind(centre).bind(today - time::Duration::days(365 * 35)).bind(today - time::Duration::days(365 * 62))
        .bind(imports * 3).fetch_all(c).await?);
    let children: Vec<Named> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT p.id, p.emso, p.given_name, p.family_name FROM person p WHERE p.centre_id = $1 AND p.restricted = FALSE \
         AND p.emso IS NOT NULL AND p.birth_date > $2 \
         AND NOT EXISTS (SELECT 1 FROM placement pl WHERE pl.person_id = p.id) ORDER BY p.id LIMIT 3 OFFSET $3")
        .bind(centre).bind(today - time::Duration::days(365 * 15)).bind(imports * 3).fetch_all(c).await?);
    tx.commit().await?;
    read_persons(db, actor, adults.iter().chain(&children).map(|p| p.0)).await?;
    let cyr = jurisdiction != "SI";
    let headings: Vec<&str> = if cyr {
        vec![
            "ЈМБГ хранитеља",
            "Хранитељ",
            "Врста хранитељства",
            "Број дозволе",
            "Дозвола од",
            "Највише дјеце",
            "ЈМБГ дјетета",
            "Дијете",
            "Врста смјештаја",
            "Број рјешења о смјештају",
            "Смјештен од",
            "Суд",
        ]
    } else {
        vec![
            "EMŠO rejnika",
            "Rejnik",
            "Vrsta rejništva",
            "Številka dovoljenja",
            "Dovoljenje od",
            "Največ otrok",
            "EMŠO otroka",
            "Ime otroka",
            "Vrsta namestitve",
            "Številka sklepa",
            "Nameščen od",
            "Sodišče",
        ]
    };
    let (regular, relative, full) = if cyr {
        ("Редовно", "Сродничко", "Трајни")
    } else {
        ("Redno", "Sorodniško", "Celodnevna")
    };
    let court = if cyr {
        ""
    } else {
        "Okrožno sodišče v Celju"
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, (_, number, given, family)) in adults.iter().enumerate() {
        let permit = today - time::Duration::days(400 + 300 * i as i64);
        let carer = vec![
            number.clone(),
            format!("{given} {family}"),
            if i == 1 { relative } else { regular }.to_string(),
            format!(
                "{}-{}/{}",
                if cyr { "552" } else { "1221" },
                40 + imports * 5 + i as i64,
                permit.year()
            ),
            day(permit),
            (2 + i % 2).to_string(),
        ];
        // The first family has two children, the second one, the third none yet.
        let placed: Vec<&Named> = match i {
            0 => children.iter().take(2).collect(),
            1 => children.iter().skip(2).take(1).collect(),
            _ => Vec::new(),
        };
        if placed.is_empty() {
            let mut r = carer.clone();
            r.extend(std::iter::repeat_n(String::new(), 6));
            rows.push(r);
        }
        for (k, (_, cnum, cg, cf)) in placed.into_iter().enumerate() {
            let start = permit + time::Duration::days(45 + 20 * k as i64);
            let mut r = carer.clone();
            r.extend([
                cnum.clone(),
                format!("{cg} {cf}"),
                full.to_string(),
                format!(
                    "{}-{}/{}",
                    if cyr { "551" } else { "1220" },
                    300 + imports * 5 + (i + k) as i64,
                    start.year()
                ),
                day(start),
                court.to_string(),
            ]);
            rows.push(r);
        }
    }
    if let Some(first) = rows.first().cloned() {
        let mut stranger = first.clone();
        let born = today - time::Duration::days(365 * 9);
        stranger[6] = emso::compose(born, if cyr { 10 } else { 50 }, 977)
            .as_str()
            .to_string();
        stranger[7] = String::new();
        rows.push(stranger);
        let mut early = first;
        early[6] = children.get(2).map_or(String::new(), |c| c.1.clone());
        early[10] = day(today - time::Duration::days(5000));
        rows.push(early);
    }
    example_of(cyr, &headings, &rows)
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
