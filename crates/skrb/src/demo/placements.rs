//! Public authorisations for the demo, in every centre: the institutions' register
//! (children's homes, homes for the elderly, a special institution in each country),
//! foster families (Velenje 8, Trebinje 5, a country one per 660 persons: about 3,000)
//! with their assessment, permit, household checks and training, some in enquiry and
//! assessment; children placed with them up to about two thirds of the places (so the
//! vacancy list has both), full-time, a weekend-only and a few with raises, each with its
//! foster payment (the rights calculator's amount as a decision and an entitlement paid
//! to the carer by the runs); an elderly person in a home for the elderly with the price
//! split between the user, a son and the municipality, a child in a children's home; and
//! guardianships with a report due, one submitted for approval and one approved.
//! Written in sets, like the rest of the demo.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use skrb_domain::iban;
use skrb_domain::placements::{foster_child, split, PlacementKind};
use skrb_domain::rights::calc::{calculate, Calculator, Household};
use skrb_kit::bulk::{self, Cell, Value};
use skrb_kit::db::Db;
use skrb_kit::{sql, sql_pool};
use time::{Date, Duration, OffsetDateTime};

/// An institution as the generator reads it: id, jurisdiction, kind, price, name, IBAN,
/// address, place.
type InstRow = (
    i64,
    String,
    String,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);
/// A carer-to-be: person, name, municipality, IBAN, address.
type AdultRow = (i64, String, Option<i64>, Option<String>, Option<String>);
/// A table, its columns and its rows.
type Table<'a> = (&'a str, &'a [&'a str], &'a Vec<Vec<Cell>>);
/// An institution of the register: jurisdiction, name, kind, place, address, price,
/// currency, places.
type InstSeed<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    i64,
    &'a str,
    i64,
);

struct Centre {
    id: i64,
    code: String,
    rs: bool,
    currency: String,
    name: String,
}

/// Rows for every table, with ids given here so that rows can point at each other.
#[derive(Default)]
struct Rows {
    carers: Vec<Vec<Cell>>,
    members: Vec<Vec<Cell>>,
    training: Vec<Vec<Cell>>,
    carer_events: Vec<Vec<Cell>>,
    placements: Vec<Vec<Cell>>,
    events: Vec<Vec<Cell>>,
    decisions: Vec<Vec<Cell>>,
    entitlements: Vec<Vec<Cell>>,
    guardianships: Vec<Vec<Cell>>,
    reports: Vec<Vec<Cell>>,
    items: Vec<Vec<Cell>>,
}

struct Ids {
    carer: i64,
    placement: i64,
    decision: i64,
    entitlement: i64,
    guardianship: i64,
}

const NEEDS_SI: [&str; 4] = [
    "dojenčki",
    "šolski otroci",
    "mladostniki",
    "otroci s posebnimi potrebami",
];
const NEEDS_SR: [&str; 4] = [
    "бебе",
    "школска дјеца",
    "адолесценти",
    "дјеца са сметњама у развоју",
];

/// Generates the demo's public authorisations; returns the number of placements.
pub async fn generate(db: &Db, seed: u64, today: Date) -> anyhow::Result<usize> {
    let started = std::time::Instant::now();
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(21));
    let now = OffsetDateTime::now_utc();
    let centres: Vec<Centre> = {
        let rows: Vec<(i64, String, String, String, String)> = sql_pool!(db, p => sqlx::query_as(
            "SELECT id, code, jurisdiction, currency, name FROM centre ORDER BY id").fetch_all(p).await?);
        rows.into_iter()
            .map(|(id, code, j, currency, name)| Centre {
                id,
                code,
                rs: j == "RS",
                currency,
                name,
            })
            .collect()
    };
    let mut tx = db.begin().await?;
    institutions(&mut tx, now).await?;
    let inst: Vec<InstRow> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT id, jurisdiction, kind, price, name, iban, address, place FROM institution ORDER BY id").fetch_all(x).await?);
    let mut ids = Ids {
        carer: bulk::next_id(&mut tx, "foster_carer").await?,
        placement: bulk::next_id(&mut tx, "placement").await?,
        decision: bulk::next_id(&mut tx, "decision").await?,
        entitlement: bulk::next_id(&mut tx, "entitlement").await?,
        guardianship: bulk::next_id(&mut tx, "guardianship").await?,
    };
    let mut rows = Rows::default();
    let mut placed_total = 0usize;
    for c in &centres {
        let j = if c.rs { "RS" } else { "SI" };
        // The centre's own social worker (the demo's `socialna`, `trebinje`) did the work.
        let worker: Option<i64> = sql!(&mut tx, x => sqlx::query_scalar(
            "SELECT MIN(id) FROM app_user WHERE centre_id = $1 AND role = 'social_worker'")
            .bind(c.id).fetch_one(x).await?);
        let foster_right = if c.rs {
            "rs_foster_payment"
        } else {
            "foster_payment"
        };
        let rights: Vec<(String, i64)> = sql!(&mut tx, x => sqlx::query_as(
            "SELECT code, id FROM right_type WHERE code IN ('foster_payment', 'rs_foster_payment', 'si_institution', 'si_institution_state', 'rs_institution')")
            .fetch_all(x).await?);
        let right = |code: &str| rights.iter().find(|r| r.0 == code).map(|r| r.1);
        let Some(foster_id) = right(foster_right) else {
            continue;
        };
        let params = skrb_rights::catalogue::params_at(&mut tx, j, today).await?;
        let (families, country) = match c.code.as_str() {
            "csd-velenje" => (8usize, false),
            "csr-trebinje" => (5, false),
            _ => {
                let n: i64 = sql!(&mut tx, x => sqlx::query_scalar("SELECT COUNT(*) FROM person WHERE centre_id = $1")
                    .bind(c.id).fetch_one(x).await?);
                (((n / 660) as usize).max(1), true)
            }
        };
        // Carers: adults of 24 to 67, those without home help first; children: the youngest under 18;
        // none of them restricted.
        let older = today.replace_year(today.year() - 67)?;
        let younger = today.replace_year(today.year() - 24)?;
        let adults: Vec<AdultRow> = sql!(&mut tx, x => sqlx::query_as(
            "SELECT id, given_name || ' ' || family_name, municipality_id, iban, \
             NULLIF(TRIM(COALESCE(address, '') || ' ' || COALESCE(postal_code, '') || ' ' || COALESCE(place, '')), '') FROM person \
             WHERE centre_id = $1 AND restricted = FALSE AND birth_date BETWEEN $2 AND $3 \
             ORDER BY CASE WHEN id IN (SELECT person_id FROM hh_agreement) THEN 1 ELSE 0 END, id LIMIT $4")
            .bind(c.id).bind(older).bind(younger).bind(families as i64 + 4).fetch_all(x).await?);
        let adult_on = today.replace_year(today.year() - 18)?;
        let children: Vec<(i64, String, Date)> = sql!(&mut tx, x => sqlx::query_as(
            "SELECT id, given_name || ' ' || family_name, birth_date FROM person WHERE centre_id = $1 AND restricted = FALSE \
             AND birth_date > $2 ORDER BY id DESC LIMIT $3")
            .bind(c.id).bind(adult_on).bind((families * 3 + 4) as i64).fetch_all(x).await?);
        let mut child = children.into_iter();
        for (k, (person, name, muni, iban_, address)) in adults.iter().take(families).enumerate() {
            let id = ids.carer;
            ids.carer += 1;
            // Most approved; in a small demo one in enquiry and one assessed.
            let status = if !country && k + 1 == families {
                "enquiry"
            } else if !country && k + 2 == families {
                "assessment"
            } else {
                "approved"
            };
            let approved = status == "approved";
            let kind = match k % 7 {
                1 => "professional",
                5 => "relative",
                _ => "regular",
            };
            let max: i64 = match kind {
                "professional" => 3,
                "relative" => 1,
                _ => [1, 2, 2, 3][k % 4],
            };
            let permit_on = today - Duration::days(200 + 97 * (k as i64 % 9));
            let review = crate::placements::add_months(
                permit_on,
                12 * ((today - permit_on).whole_days() / 365 + 1) as u32,
            );
            let iban_ = iban_.clone().or_else(|| {
                Some(if c.rs {
                    iban::compose("BA", &format!("5550{:012}", 700_000 + id))
                } else {
                    iban::compose("SI", &format!("04430{:010}", 700_000 + id))
                })
            });
            let needs = if c.rs {
                NEEDS_SR[k % 4]
            } else {
                NEEDS_SI[k % 4]
            };
            let lang = if c.rs {
                "српски"
            } else {
                "slovenščina"
            };
            rows.carers.push(vec![
                Value::Int(id),
                j.into(),
                Value::Int(c.id),
                Value::Int(*person),
                status.into(),
                approved.then_some(kind).into(),
                approved
                    .then(|| {
                        format!(
                            "{}-{}/{}",
                            if c.rs { "560" } else { "1203" },
                            100 + id,
                            permit_on.year()
                        )
                    })
                    .into(),
                approved.then_some(permit_on).into(),
                Value::Int(max),
                Value::Int(0),
                Value::Int(17),
                needs.into(),
                Value::Bool(k % 4 == 3),
                lang.into(),
                if c.rs { Value::Int(5) } else { Value::Null },
                Value::Int((k % 3) as i64),
                (*muni).into(),
                iban_.clone().into(),
                (status != "enquiry")
                    .then_some(if c.rs {
                        "Жели помоћи дјеци без родитељског старања."
                    } else {
                        "Želita pomagati otrokom brez ustrezne družinske oskrbe."
                    })
                    .into(),
                (status != "enquiry")
                    .then_some(if c.rs {
                        "Кућа са двије собе за дјецу."
                    } else {
                        "Hiša z dvema otroškima sobama in vrtom."
                    })
                    .into(),
                (status != "enquiry")
                    .then_some(if c.rs {
                        "Препоручује се одобрење."
                    } else {
                        "Priporočamo izdajo dovoljenja."
                    })
                    .into(),
                (status != "enquiry")
                    .then_some(permit_on - Duration::days(60))
                    .into(),
                approved.then_some(review).into(),
                Value::Time(now),
            ]);
            for (step, on) in [
                ("enquiry", permit_on - Duration::days(120)),
                ("assess", permit_on - Duration::days(60)),
                ("approve", permit_on),
            ] {
                if step == "assess" && status == "enquiry" || step == "approve" && !approved {
                    continue;
                }
                rows.carer_events.push(vec![
                    Value::Int(id),
                    on.into(),
                    step.into(),
                    Value::Null,
                    worker.into(),
                    Value::Time(now),
                ]);
            }
            if !country {
                rows.members.push(vec![
                    Value::Int(id),
                    name.clone().into(),
                    (if c.rs {
                        "подносилац"
                    } else {
                        "vlagatelj"
                    })
                    .into(),
                    Value::Null,
                    (permit_on - Duration::days(80)).into(),
                    "clear".into(),
                    Value::Time(now),
                ]);
                rows.training.push(vec![
                    Value::Int(id),
                    (permit_on - Duration::days(30)).into(),
                    Value::Int(12),
                    (if c.rs {
                        "Основна обука за хранитеље"
                    } else {
                        "Usposabljanje za rejnike"
                    })
                    .into(),
                    Value::Time(now),
                ]);
            }
            if !approved {
                continue;
            }
            // About two thirds of the places taken.
            // A small demo leaves about a third of the places free; a country fills most
            // (about 5,000 children in 3,000 families), leaving one in four families a place.
            let take = match (country, k % 3 == 2) {
                (true, _) => (max - i64::from(k % 4 == 0)).max(1),
                (false, true) => (max * 2) / 3,
                (false, false) => ((max * 2) / 3).max(1),
            };
            for n in 0..take {
                let Some((kid, kid_name, _born)) = child.next() else {
                    break;
                };
                let pid = ids.placement;
                ids.placement += 1;
                let pkind = match (k + n as usize) % 9 {
                    4 => PlacementKind::Weekend,
                    _ => PlacementKind::Full,
                };
                let (mraise, fraise) = match (k + n as usize) % 5 {
                    2 => (25, 0),
                    3 => (50, 25),
                    _ => (0, 0),
                };
                let start = (today - Duration::days(rng.gen_range(40..330))).max(permit_on);
                let number = if c.rs {
                    format!("55-{pid}/{}", start.year())
                } else {
                    format!("N {pid}/{}", start.year())
                };
                let contract = format!("RP-{pid}/{}", start.year());
                let last_visit = start + Duration::days(28);
                let next_visit = crate::placements::add_months(
                    last_visit,
                    3 * (((today - last_visit).whole_days() / 91) as u32 + 1),
                );
                rows.placements.push(vec![
                    Value::Int(pid),
                    Value::Int(c.id),
                    Value::Int(kid),
                    "foster".into(),
                    Value::Int(id),
                    Value::Null,
                    pkind.code().into(),
                    (if c.rs { "decision" } else { "court" }).into(),
                    number.clone().into(),
                    (start - Duration::days(5)).into(),
                    (!c.rs).then_some("Okrajno sodišče v Velenju").into(),
                    contract.clone().into(),
                    start.into(),
                    Value::Null,
                    Value::Int(mraise),
                    Value::Int(fraise),
                    Value::Bool(false),
                    Value::Int(3),
                    next_visit.into(),
                    Value::Null,
                    Value::Int(0),
                    Value::Int(0),
                    Value::Null,
                    worker.into(),
                    Value::Time(now),
                ]);
                rows.events.push(vec![
                    Value::Int(pid),
                    start.into(),
                    Value::Null,
                    "start".into(),
                    Value::Null,
                    worker.into(),
                    Value::Time(now),
                ]);
                if last_visit < today {
                    rows.events.push(vec![
                        Value::Int(pid),
                        last_visit.into(),
                        Value::Null,
                        "visit".into(),
                        (if c.rs {
                            "Дијете се добро прилагодило."
                        } else {
                            "Otrok se je dobro vživel."
                        })
                        .into(),
                        worker.into(),
                        Value::Time(now),
                    ]);
                }
                let h = Household {
                    children: vec![foster_child(&kid_name, pkind, mraise as u32, fraise as u32)],
                    ..Household::default()
                };
                let calc = calculate(Calculator::Foster, foster_right, &params, &h)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let funder = if c.rs { "entity" } else { "state" };
                payment(
                    &mut rows,
                    &mut ids,
                    c,
                    foster_id,
                    kid,
                    pid,
                    calc.amount,
                    funder,
                    start,
                    &contract,
                    (name.clone(), iban_.clone(), address.clone()),
                    &serde_json::to_string(&h)?,
                    now,
                );
                placed_total += 1;
            }
        }
        if country {
            continue;
        }
        // An elderly person (from home help's waiting list, in a small demo) in a home for the
        // elderly; a child in a children's home.
        // The oldest without home help in a home for the elderly; where home help has them
        // all (a small demo), an adult in the special institution.
        let carers: Vec<i64> = adults.iter().take(families).map(|a| a.0).collect();
        let candidates: Vec<(i64, String, bool)> = sql!(&mut tx, x => sqlx::query_as(
            "SELECT id, given_name || ' ' || family_name, birth_date < $2 FROM person WHERE centre_id = $1 AND restricted = FALSE \
             AND birth_date < $3 AND id NOT IN (SELECT person_id FROM hh_agreement WHERE status = 'active') \
             ORDER BY birth_date, id LIMIT 20")
            .bind(c.id).bind(today.replace_year(today.year() - 65)?).bind(today.replace_year(today.year() - 25)?).fetch_all(x).await?);
        let adult = candidates.into_iter().find(|a| !carers.contains(&a.0));
        let elderly = adult.as_ref().map(|a| (a.0, a.1.clone()));
        let kind = if adult.as_ref().is_some_and(|a| a.2) {
            "pensioners_home"
        } else {
            "special"
        };
        let home = inst.iter().find(|i| i.1 == j && i.2 == kind);
        if let (Some((person, pname)), Some(home)) = (elderly, home) {
            let pid = ids.placement;
            ids.placement += 1;
            let price = home.3.unwrap_or(0);
            let (user, relatives) = if c.rs {
                (price / 2, 0)
            } else {
                (90_000, 30_000)
            };
            let start = today - Duration::days(400);
            rows.placements.push(vec![
                Value::Int(pid),
                Value::Int(c.id),
                Value::Int(person),
                "institution".into(),
                Value::Null,
                Value::Int(home.0),
                "full".into(),
                "decision".into(),
                format!("1240-{pid}/{}", start.year()).into(),
                (start - Duration::days(10)).into(),
                Value::Null,
                Value::Null,
                start.into(),
                Value::Null,
                Value::Int(0),
                Value::Int(0),
                Value::Bool(false),
                Value::Int(6),
                (today + Duration::days(12)).into(),
                Value::Int(price),
                Value::Int(user),
                Value::Int(relatives),
                (!c.rs).then_some("Marko (sin)").into(),
                worker.into(),
                Value::Time(now),
            ]);
            rows.events.push(vec![
                Value::Int(pid),
                start.into(),
                Value::Null,
                "start".into(),
                Value::Null,
                worker.into(),
                Value::Time(now),
            ]);
            let parts = split(price, user, relatives, None);
            let code = if c.rs {
                "rs_institution"
            } else {
                "si_institution"
            };
            if let Some(rid) = right(code) {
                let funder = if c.rs { "entity" } else { "municipality" };
                payment(
                    &mut rows,
                    &mut ids,
                    c,
                    rid,
                    person,
                    pid,
                    parts.rest,
                    funder,
                    start,
                    &format!("1240-{pid}"),
                    (
                        home.4.clone(),
                        home.5.clone(),
                        home.6.clone().or(home.7.clone()),
                    ),
                    "{}",
                    now,
                );
            }
            // The ward: the elderly person, with a son as guardian for property matters.
            let gid = ids.guardianship;
            ids.guardianship += 1;
            let appointed = today - Duration::days(380);
            rows.guardianships.push(vec![
                Value::Int(gid),
                Value::Int(c.id),
                Value::Int(person),
                "court".into(),
                format!("N {gid}/{}", appointed.year()).into(),
                appointed.into(),
                "partial".into(),
                (if c.rs {
                    "Управљање имовином и пензијом"
                } else {
                    "Upravljanje premoženja in pokojnine"
                })
                .into(),
                "person".into(),
                Value::Null,
                (if c.rs {
                    "Марко Петровић"
                } else {
                    "Marko Novak"
                })
                .into(),
                Value::Time(now),
            ]);
            rows.reports.push(vec![
                Value::Int(gid),
                Value::Int(i64::from(appointed.year())),
                crate::placements::add_months(appointed, 12).into(),
                "submitted".into(),
                (today - Duration::days(6)).into(),
                Value::Int(1_080_000),
                Value::Int(1_020_000),
                Value::Int(2_350_000),
                (if c.rs {
                    "Пензија уплаћена установи, остатак на рачуну."
                } else {
                    "Pokojnina nakazana domu, ostanek na računu."
                })
                .into(),
                Value::Time(now),
            ]);
            rows.items.push(vec![
                Value::Int(gid),
                "inventory".into(),
                appointed.into(),
                (if c.rs {
                    "Штедни рачун"
                } else {
                    "Hranilna vloga"
                })
                .into(),
                Value::Int(2_100_000),
                Value::Null,
                Value::Time(now),
            ]);
            let _ = pname;
        }
        let kids_home = inst.iter().find(|i| i.1 == j && i.2 == "childrens_home");
        if let (Some((kid, _, _)), Some(h)) = (child.next(), kids_home) {
            let pid = ids.placement;
            ids.placement += 1;
            let start = today - Duration::days(150);
            let price = h.3.unwrap_or(0);
            rows.placements.push(vec![
                Value::Int(pid),
                Value::Int(c.id),
                Value::Int(kid),
                "institution".into(),
                Value::Null,
                Value::Int(h.0),
                "full".into(),
                (if c.rs { "decision" } else { "court" }).into(),
                format!("N {pid}/{}", start.year()).into(),
                (start - Duration::days(3)).into(),
                (!c.rs).then_some("Okrajno sodišče v Velenju").into(),
                Value::Null,
                start.into(),
                Value::Null,
                Value::Int(0),
                Value::Int(0),
                Value::Bool(false),
                Value::Int(3),
                (today - Duration::days(4)).into(),
                Value::Int(price),
                Value::Int(0),
                Value::Int(0),
                Value::Null,
                worker.into(),
                Value::Time(now),
            ]);
            rows.events.push(vec![
                Value::Int(pid),
                start.into(),
                Value::Null,
                "start".into(),
                Value::Null,
                worker.into(),
                Value::Time(now),
            ]);
            let code = if c.rs {
                "rs_institution"
            } else {
                "si_institution_state"
            };
            if let Some(rid) = right(code) {
                let funder = if c.rs { "entity" } else { "state" };
                payment(
                    &mut rows,
                    &mut ids,
                    c,
                    rid,
                    kid,
                    pid,
                    price,
                    funder,
                    start,
                    &format!("N {pid}"),
                    (h.4.clone(), h.5.clone(), h.6.clone().or(h.7.clone())),
                    "{}",
                    now,
                );
            }
            // The centre is the child's guardian; the first report falls due soon.
            let gid = ids.guardianship;
            ids.guardianship += 1;
            let appointed = today - Duration::days(350);
            rows.guardianships.push(vec![
                Value::Int(gid),
                Value::Int(c.id),
                Value::Int(kid),
                (if c.rs { "decision" } else { "court" }).into(),
                format!("G {gid}/{}", appointed.year()).into(),
                appointed.into(),
                "full".into(),
                Value::Null,
                "centre".into(),
                Value::Null,
                c.name.clone().into(),
                Value::Time(now),
            ]);
            rows.reports.push(vec![
                Value::Int(gid),
                Value::Int(i64::from(appointed.year())),
                crate::placements::add_months(appointed, 12).into(),
                "due".into(),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Time(now),
            ]);
        }
    }
    write(&mut tx, &rows).await?;
    tx.commit().await?;
    eprintln!(
        "generated {} foster carers and {placed_total} foster placements in {:.1} s",
        rows.carers.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(placed_total)
}

/// A placement's payment: the decision that freezes it and the entitlement the runs pay.
#[allow(clippy::too_many_arguments)]
fn payment(
    rows: &mut Rows,
    ids: &mut Ids,
    c: &Centre,
    right: i64,
    person: i64,
    placement: i64,
    amount: i64,
    funder: &str,
    from: Date,
    number: &str,
    payee: (String, Option<String>, Option<String>),
    input: &str,
    now: OffsetDateTime,
) {
    let d = ids.decision;
    ids.decision += 1;
    let e = ids.entitlement;
    ids.entitlement += 1;
    let reasoning = if c.rs {
        "Смјештај по рјешењу центра."
    } else {
        "Plačilo po sklepu sodišča in rejniški pogodbi."
    };
    rows.decisions.push(vec![
        Value::Int(d),
        Value::Int(c.id),
        Value::Int(e),
        Value::Int(person),
        Value::Int(right),
        "first".into(),
        "granted".into(),
        Value::Int(amount),
        c.currency.clone().into(),
        from.into(),
        reasoning.into(),
        "{}".into(),
        "issued".into(),
        number.into(),
        from.into(),
        "Skrb".into(),
        Value::Time(now),
    ]);
    rows.entitlements.push(vec![
        Value::Int(e),
        Value::Int(c.id),
        Value::Int(d),
        Value::Int(person),
        Value::Int(right),
        Value::Int(amount),
        c.currency.clone().into(),
        from.into(),
        "active".into(),
        format!("{funder}:{amount}").into(),
        input.into(),
        Value::Int(placement),
        payee.0.into(),
        payee.1.into(),
        payee.2.into(),
    ]);
}

async fn write(tx: &mut skrb_kit::db::Tx, r: &Rows) -> anyhow::Result<()> {
    let tables: [Table; 11] = [
        (
            "foster_carer",
            &[
                "id",
                "jurisdiction",
                "centre_id",
                "person_id",
                "status",
                "permit_kind",
                "permit_number",
                "permit_on",
                "max_children",
                "age_from",
                "age_to",
                "needs",
                "disability",
                "languages",
                "household_cap",
                "own_children",
                "municipality_id",
                "iban",
                "motivation",
                "home",
                "recommendation",
                "assessed_on",
                "review_on",
                "created_at",
            ],
            &r.carers,
        ),
        (
            "foster_member",
            &[
                "carer_id",
                "name",
                "relation",
                "born",
                "vetted_on",
                "vetting",
                "created_at",
            ],
            &r.members,
        ),
        (
            "foster_training",
            &["carer_id", "on_day", "hours", "topic", "created_at"],
            &r.training,
        ),
        (
            "foster_event",
            &[
                "carer_id",
                "on_day",
                "kind",
                "note",
                "user_id",
                "created_at",
            ],
            &r.carer_events,
        ),
        (
            "placement",
            &[
                "id",
                "centre_id",
                "person_id",
                "setting",
                "carer_id",
                "institution_id",
                "kind",
                "basis",
                "order_number",
                "order_on",
                "court",
                "contract_number",
                "start_on",
                "end_on",
                "maintenance_raise",
                "fee_raise",
                "disability",
                "visit_every_months",
                "next_visit_on",
                "price",
                "user_part",
                "relatives_part",
                "relatives_name",
                "worker_id",
                "created_at",
            ],
            &r.placements,
        ),
        (
            "placement_event",
            &[
                "placement_id",
                "on_day",
                "to_day",
                "kind",
                "note",
                "user_id",
                "created_at",
            ],
            &r.events,
        ),
        (
            "decision",
            &[
                "id",
                "centre_id",
                "entitlement_id",
                "person_id",
                "right_id",
                "kind",
                "outcome",
                "amount",
                "currency",
                "period_from",
                "reasoning",
                "inputs",
                "status",
                "number",
                "decided_on",
                "signatory",
                "created_at",
            ],
            &r.decisions,
        ),
        (
            "entitlement",
            &[
                "id",
                "centre_id",
                "decision_id",
                "person_id",
                "right_id",
                "amount",
                "currency",
                "valid_from",
                "status",
                "funding",
                "input",
                "placement_id",
                "payee_name",
                "payee_iban",
                "payee_address",
            ],
            &r.entitlements,
        ),
        (
            "guardianship",
            &[
                "id",
                "centre_id",
                "ward_id",
                "appointed_by",
                "order_number",
                "appointed_on",
                "scope",
                "scope_note",
                "guardian_kind",
                "guardian_person_id",
                "guardian_name",
                "created_at",
            ],
            &r.guardianships,
        ),
        (
            "guardian_report",
            &[
                "guardianship_id",
                "year",
                "due_on",
                "status",
                "submitted_on",
                "income",
                "spending",
                "property",
                "body",
                "created_at",
            ],
            &r.reports,
        ),
        (
            "guardian_item",
            &[
                "guardianship_id",
                "kind",
                "on_day",
                "what",
                "value",
                "outcome",
                "created_at",
            ],
            &r.items,
        ),
    ];
    for (table, cols, rows) in tables {
        bulk::insert(tx, table, cols, rows).await?;
    }
    for t in [
        "foster_carer",
        "placement",
        "decision",
        "entitlement",
        "guardianship",
    ] {
        bulk::sync_identity(tx, t).await?;
    }
    Ok(())
}

/// The register of institutions, in both countries.
async fn institutions(tx: &mut skrb_kit::db::Tx, now: OffsetDateTime) -> anyhow::Result<()> {
    let list: [InstSeed; 6] = [
        (
            "SI",
            "Mladinski dom Jarše",
            "childrens_home",
            "Ljubljana",
            "Jarška cesta 44",
            245_000,
            "EUR",
            60,
        ),
        (
            "SI",
            "Dom za varstvo odraslih Velenje",
            "pensioners_home",
            "Velenje",
            "Kidričeva cesta 23",
            185_000,
            "EUR",
            210,
        ),
        (
            "SI",
            "CUDV Dobrna",
            "special",
            "Dobrna",
            "Lokovina 13",
            290_000,
            "EUR",
            180,
        ),
        (
            "RS",
            "Дом за дјецу и омладину Рада Врањешевић",
            "childrens_home",
            "Бања Лука",
            "Драже Мастиловића 2",
            150_000,
            "BAM",
            50,
        ),
        (
            "RS",
            "Дом за старија лица Требиње",
            "pensioners_home",
            "Требиње",
            "Николе Тесле 12",
            120_000,
            "BAM",
            120,
        ),
        (
            "RS",
            "Завод Стакорина",
            "special",
            "Чајниче",
            "Стакорина бб",
            160_000,
            "BAM",
            150,
        ),
    ];
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (n, (j, name, kind, place, address, price, currency, places)) in
        list.into_iter().enumerate()
    {
        let ib = if j == "RS" {
            iban::compose("BA", &format!("5620{:012}", 900_000 + n))
        } else {
            iban::compose("SI", &format!("01100{:010}", 900_000 + n))
        };
        rows.push(vec![
            j.into(),
            name.into(),
            kind.into(),
            place.into(),
            address.into(),
            ib.into(),
            Value::Int(price),
            currency.into(),
            Value::Int(places),
            Value::Bool(true),
            Value::Time(now),
        ]);
    }
    bulk::insert(
        tx,
        "institution",
        &[
            "jurisdiction",
            "name",
            "kind",
            "place",
            "address",
            "iban",
            "price",
            "currency",
            "places",
            "active",
            "created_at",
        ],
        &rows,
    )
    .await?;
    Ok(())
}
