//! Home help for the demo, in every centre: the municipalities' price lists (Velenje's
//! three with a flat, a tiered and a third subsidy), carers (Velenje: 15, four of them in
//! public works, one qualification about to expire and one expired), users aged 65 and
//! over (the oldest first) with agreements (Velenje about 100, Trebinje 30, a country a hundredth of its
//! persons: about 20,000) and a waiting list, each with a care plan and a regular week
//! spread over the carers' contracted hours; visits from the first day of last month to
//! four weeks ahead (delivered in the past, a few not at home or not yet recorded); three
//! exemptions decided in Velenje; last month billed by the real use case, and most of
//! Velenje's invoices paid by a camt.053 statement. The demo carer (`negovalka`) also
//! visits two users on weekends, so that her phone shows visits any day.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use skrb_domain::iban;
use skrb_domain::services::price::{Band, Tariff};
use skrb_kit::audit::{Actor, Scope};
use skrb_kit::bulk::{self, Cell, Value};
use skrb_kit::db::Db;
use skrb_kit::{sql, sql_pool};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use super::names;

const PLAN_SI: [&str; 4] = [
    "Pomoč pri umivanju in oblačenju",
    "Priprava obroka in pomivanje",
    "Pospravljanje bivalnih prostorov",
    "Pogovor in spremljanje na sprehodu",
];
const PLAN_SR: [&str; 4] = [
    "Помоћ при умивању и облачењу",
    "Припрема оброка и прање посуђа",
    "Спремање стамбеног простора",
    "Разговор и пратња у шетњи",
];

struct Centre {
    id: i64,
    code: String,
    jurisdiction: String,
    currency: String,
}

struct Carer {
    id: i64,
    free: i64,
    /// The next free minute of each weekday (Monday 0).
    next: [i64; 7],
}

/// Generates home help; returns the number of agreements.
pub async fn generate(db: &Db, seed: u64, today: Date) -> anyhow::Result<usize> {
    let started = std::time::Instant::now();
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(20));
    let now = OffsetDateTime::now_utc();
    let centres: Vec<Centre> = {
        let rows: Vec<(i64, String, String, String)> = sql_pool!(db, p => sqlx::query_as(
            "SELECT id, code, jurisdiction, currency FROM centre ORDER BY id").fetch_all(p).await?);
        rows.into_iter()
            .map(|(id, code, jurisdiction, currency)| Centre {
                id,
                code,
                jurisdiction,
                currency,
            })
            .collect()
    };
    let coordinator: Option<i64> = sql_pool!(db, p => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'oskrba'").fetch_optional(p).await?);
    let worker: Option<i64> = sql_pool!(db, p => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'negovalka'").fetch_optional(p).await?);
    let first_of_last = (today.replace_day(1)? - Duration::days(1)).replace_day(1)?;
    let last_day = today + Duration::days(27);
    let mut tx = db.begin().await?;
    let mut next_carer = bulk::next_id(&mut tx, "hh_carer").await?;
    let mut next_agreement = bulk::next_id(&mut tx, "hh_agreement").await?;
    let mut next_pattern = bulk::next_id(&mut tx, "hh_pattern").await?;
    let mut carers_rows: Vec<Vec<Cell>> = Vec::new();
    let mut agreement_rows: Vec<Vec<Cell>> = Vec::new();
    let mut pattern_rows: Vec<Vec<Cell>> = Vec::new();
    let mut visit_rows: Vec<Vec<Cell>> = Vec::new();
    let mut agreements = 0usize;
    let home_help: HashMap<String, i64> = {
        let rows: Vec<(String, i64)> = sql!(&mut tx, x => sqlx::query_as(
            "SELECT jurisdiction, MIN(id) FROM service_type WHERE form = 'home_help' GROUP BY jurisdiction").fetch_all(x).await?);
        rows.into_iter().collect()
    };
    for c in &centres {
        let si = c.jurisdiction == "SI";
        let zone = skrb_kit::clock::Zone::of_jurisdiction(&c.jurisdiction);
        if si {
            let receipts = iban::compose("SI", &format!("01100{:010}", c.id * 7 + 5));
            sql!(&mut tx, x => sqlx::query("UPDATE centre SET receipts_iban = $1 WHERE id = $2")
                .bind(&receipts).bind(c.id).execute(x).await?.rows_affected());
        }
        // Price lists: last year's and this year's (3 % dearer).
        let munis: Vec<i64> = sql!(&mut tx, x => sqlx::query_scalar(
            "SELECT id FROM municipality WHERE centre_id = $1 ORDER BY id").bind(c.id).fetch_all(x).await?);
        for (i, m) in munis.iter().enumerate() {
            for (from, raise) in [
                (
                    Date::from_calendar_date(2025, time::Month::January, 1)?,
                    100,
                ),
                (
                    Date::from_calendar_date(2026, time::Month::January, 1)?,
                    103,
                ),
            ] {
                let base = if si { 2760 + 35 * i as i64 } else { 1200 };
                let weekday = base * raise / 100;
                let bands = match (si, i % 3) {
                    (false, _) => vec![Band {
                        up_to_minutes: None,
                        subsidy: 5000,
                    }],
                    (true, 0) => vec![Band {
                        up_to_minutes: None,
                        subsidy: 7000,
                    }],
                    (true, 1) => vec![
                        Band {
                            up_to_minutes: Some(1200),
                            subsidy: 6000,
                        },
                        Band {
                            up_to_minutes: None,
                            subsidy: 5500,
                        },
                    ],
                    _ => vec![Band {
                        up_to_minutes: None,
                        subsidy: 6500,
                    }],
                };
                let t = Tariff {
                    weekday,
                    sunday: weekday * 12 / 10,
                    holiday: weekday * 13 / 10,
                    bands,
                };
                skrb_services::prices::seed(&mut tx, *m, from, &t, &c.currency, now)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
        // Users: the centre's oldest persons (a small demo has too few aged 65).
        let old = today.replace_year(today.year() - 18)?;
        let persons: Vec<(i64, Option<i64>)> = sql!(&mut tx, x => sqlx::query_as(
            "SELECT id, municipality_id FROM person WHERE centre_id = $1 AND birth_date <= $2 AND restricted = FALSE \
             AND municipality_id IS NOT NULL ORDER BY birth_date, id").bind(c.id).bind(old).fetch_all(x).await?);
        let (target, country) = match c.code.as_str() {
            "csd-velenje" => (100, false),
            "csr-trebinje" => (30, false),
            _ => {
                let n: i64 = sql!(&mut tx, x => sqlx::query_scalar("SELECT COUNT(*) FROM person WHERE centre_id = $1")
                    .bind(c.id).fetch_one(x).await?);
                ((n / 100) as usize, true)
            }
        };
        let waiting = (target / 12).max(1);
        let users: Vec<(i64, i64)> = persons
            .iter()
            .filter_map(|(p, m)| Some((*p, (*m)?)))
            .take(target + waiting)
            .collect();
        if users.is_empty() {
            continue;
        }
        // Carers: enough contracted hours for the users, and a little more.
        let visits_a_week = |rng: &mut StdRng| {
            if country {
                1
            } else {
                [2, 2, 3, 3, 5][rng.gen_range(0..5)]
            }
        };
        let n_carers = if c.code == "csd-velenje" {
            15
        } else {
            (users.len() * if country { 90 } else { 180 } / (32 * 60)).max(3) + 1
        };
        let mut carers: Vec<Carer> = Vec::new();
        let (given, family) = if si {
            (names::SI_FEMALE, names::SI_FAMILY)
        } else {
            (names::SR_FEMALE, names::SR_FAMILY)
        };
        for k in 0..n_carers {
            let id = next_carer;
            next_carer += 1;
            let public = si && k % 4 == 3;
            let minutes = if public { 30 * 60 } else { 38 * 60 };
            let qualified = match k {
                5 => today + Duration::days(20),
                9 => today - Duration::days(3),
                _ => today + Duration::days(400 + 30 * k as i64),
            };
            let name = format!(
                "{} {}",
                given[(k * 7 + c.id as usize) % given.len()],
                family[(k * 13 + c.id as usize * 3) % family.len()]
            );
            // One script in a name (the lists mix them).
            let name = if si {
                name
            } else {
                skrb_domain::names::cyrillic_to_latin(&name)
            };
            let first_velenje = c.code == "csd-velenje" && k == 0;
            carers_rows.push(vec![
                Value::Int(id),
                Value::Int(c.id),
                Value::Text(name),
                Value::Str(if public { "public_works" } else { "employee" }),
                if public {
                    Value::Str("Pomoč starejšim na domu")
                } else {
                    Value::Null
                },
                if public {
                    Value::Date(Date::from_calendar_date(
                        today.year() + 1,
                        time::Month::June,
                        30,
                    )?)
                } else {
                    Value::Null
                },
                match (first_velenje, worker) {
                    (true, Some(w)) => Value::Int(w),
                    _ => Value::Null,
                },
                match (c.code == "csd-velenje", coordinator) {
                    (true, Some(u)) => Value::Int(u),
                    _ => Value::Null,
                },
                Value::Int(minutes),
                Value::Str(if si {
                    "NPK socialni oskrbovalec na domu"
                } else {
                    "Његоватељица"
                }),
                Value::Date(qualified),
                Value::Bool(true),
                Value::Time(now),
            ]);
            // The expired one is off the roster: nothing is planned for her.
            let free = if k == 9 && !country { 0 } else { minutes };
            carers.push(Carer {
                id,
                free,
                next: [450; 7],
            });
        }
        for (n, (person, muni)) in users.iter().enumerate() {
            let id = next_agreement;
            next_agreement += 1;
            let waits = n >= target;
            // The demo carer's first two users are visited on weekends too.
            let weekend_too = c.code == "csd-velenje" && n < 2;
            let k = visits_a_week(&mut rng) + if weekend_too { 2 } else { 0 };
            let minutes = [60, 60, 90, 120][rng.gen_range(0..4)];
            let requested = today
                - Duration::days(if waits {
                    rng.gen_range(5..120)
                } else {
                    rng.gen_range(200..900)
                });
            let start = requested + Duration::days(rng.gen_range(10..40));
            let tasks = if k >= 3 {
                ",household,hygiene,contact,"
            } else {
                ",household,contact,"
            };
            let plan = if si { PLAN_SI } else { PLAN_SR };
            agreement_rows.push(vec![
                Value::Int(id),
                Value::Int(c.id),
                Value::Int(*person),
                Value::Int(*muni),
                Value::Int(home_help.get(&c.jurisdiction).copied().unwrap_or(1)),
                Value::Text(format!("1225-{}/{}", n + 1, requested.year())),
                Value::Str(if waits { "waiting" } else { "active" }),
                Value::Bool(waits && n % 3 == 0),
                Value::Date(requested),
                if waits {
                    Value::Null
                } else {
                    Value::Date(start)
                },
                if waits {
                    Value::Null
                } else {
                    Value::Date(
                        start + Duration::days(182 * ((today - start).whole_days() / 182 + 1)),
                    )
                },
                Value::Str(tasks),
                Value::Int(k * minutes),
                Value::Text(plan[..(2 + n % 3)].join("\n")),
                match coordinator {
                    Some(u) if c.code == "csd-velenje" => Value::Int(u),
                    _ => Value::Null,
                },
                Value::Time(now),
            ]);
            agreements += 1;
            if waits {
                continue;
            }
            // The regular week: k visits on spread weekdays, each to the carer with most
            // hours free who still has room that day.
            let weekend: Vec<usize> = if weekend_too { vec![5, 6] } else { Vec::new() };
            let days: &[usize] = match k - weekend.len() as i64 {
                1 => &[[0, 1, 2, 3, 4][n % 5]],
                2 => &[1, 3],
                3 => &[0, 2, 4],
                _ => &[0, 1, 2, 3, 4],
            };
            let Some(ci) = (0..carers.len())
                .filter(|i| carers[*i].free >= k * minutes)
                .max_by_key(|i| carers[*i].free)
            else {
                continue;
            };
            let ci = if c.code == "csd-velenje" && n < 2 {
                0
            } else {
                ci
            };
            carers[ci].free -= k * minutes;
            for d in days.iter().chain(weekend.iter()) {
                let startm = carers[ci].next[*d];
                carers[ci].next[*d] = startm + minutes + 15;
                let pid = next_pattern;
                next_pattern += 1;
                pattern_rows.push(vec![
                    Value::Int(pid),
                    Value::Int(id),
                    Value::Int(carers[ci].id),
                    Value::Int(*d as i64 + 1),
                    Value::Int(startm % 1440),
                    Value::Int(minutes),
                    Value::Date(start),
                ]);
                // Its visits from the first of last month to four weeks ahead.
                let mut day = first_of_last;
                while day.weekday().number_days_from_monday() as usize != *d {
                    day += Duration::days(1);
                }
                while day <= last_day {
                    if day >= start {
                        let past = day < today;
                        let recent = (today - day).whole_days() <= 2;
                        let roll: u32 = rng.gen_range(0..100);
                        let (status, cin, cout, delivered) = if !past || (recent && roll < 3) {
                            ("planned", Value::Null, Value::Null, Value::Null)
                        } else if roll < 2 {
                            (
                                "not_home",
                                Value::Time(instant(zone, day, startm % 1440 + 2)),
                                Value::Null,
                                Value::Int(0),
                            )
                        } else {
                            let early: i64 = rng.gen_range(-5..10);
                            let dev: i64 = if roll > 96 {
                                rng.gen_range(20..35)
                            } else {
                                rng.gen_range(-6..6)
                            };
                            let real = (minutes + dev).max(15);
                            let i0 = startm % 1440 + early;
                            (
                                "done",
                                Value::Time(instant(zone, day, i0)),
                                Value::Time(instant(zone, day, i0 + real)),
                                Value::Int(real),
                            )
                        };
                        let received = match &cout {
                            Value::Time(t) => {
                                Value::Time(*t + Duration::minutes(rng.gen_range(0..3)))
                            }
                            _ => Value::Null,
                        };
                        visit_rows.push(vec![
                            Value::Int(c.id),
                            Value::Int(id),
                            Value::Int(*person),
                            Value::Int(carers[ci].id),
                            Value::Date(day),
                            Value::Int(startm % 1440),
                            Value::Int(minutes),
                            Value::Str(status),
                            cin,
                            cout,
                            received,
                            delivered,
                            if status == "done" {
                                Value::Str(tasks)
                            } else {
                                Value::Null
                            },
                        ]);
                    }
                    day += Duration::days(7);
                }
            }
        }
    }
    bulk::insert(
        &mut tx,
        "hh_carer",
        &[
            "id",
            "centre_id",
            "name",
            "kind",
            "programme",
            "programme_ends",
            "user_id",
            "coordinator_id",
            "minutes_week",
            "qualification",
            "qualified_until",
            "active",
            "created_at",
        ],
        &carers_rows,
    )
    .await?;
    bulk::insert(
        &mut tx,
        "hh_agreement",
        &[
            "id",
            "centre_id",
            "person_id",
            "municipality_id",
            "service_id",
            "number",
            "status",
            "urgent",
            "requested_on",
            "start_on",
            "review_on",
            "tasks",
            "minutes_week",
            "plan",
            "coordinator_id",
            "created_at",
        ],
        &agreement_rows,
    )
    .await?;
    bulk::insert(
        &mut tx,
        "hh_pattern",
        &[
            "id",
            "agreement_id",
            "carer_id",
            "weekday",
            "start_min",
            "minutes",
            "valid_from",
        ],
        &pattern_rows,
    )
    .await?;
    bulk::insert(
        &mut tx,
        "hh_visit",
        &[
            "centre_id",
            "agreement_id",
            "person_id",
            "carer_id",
            "day",
            "start_min",
            "minutes",
            "status",
            "arrived_at",
            "left_at",
            "received_at",
            "delivered_minutes",
            "done_tasks",
        ],
        &visit_rows,
    )
    .await?;
    for t in ["hh_carer", "hh_agreement", "hh_pattern"] {
        bulk::sync_identity(&mut tx, t).await?;
    }
    exemptions(&mut tx, today, now).await?;
    sessions(&mut tx, today, now).await?;
    tx.commit().await?;
    eprintln!(
        "generated home help in {:.1} s: {agreements} agreements, {} visits",
        started.elapsed().as_secs_f64(),
        visit_rows.len()
    );
    // Last month billed, and Velenje's invoices mostly paid.
    let system = Actor::system("demo");
    let b = skrb_services::billing::bill(db, &system, first_of_last, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    eprintln!("billed {}: {} invoices", b.month, b.invoices);
    let velenje = centres.iter().find(|c| c.code == "csd-velenje");
    if let Some(v) = velenje {
        let open: Vec<(String, i64)> = sql_pool!(db, p => sqlx::query_as(
            "SELECT reference, amount FROM hh_invoice WHERE centre_id = $1 AND status = 'open' AND id % 7 <> 3 ORDER BY id")
            .bind(v.id).fetch_all(p).await?);
        let iban: Option<String> = sql_pool!(db, p => sqlx::query_scalar("SELECT receipts_iban FROM centre WHERE id = $1").bind(v.id).fetch_one(p).await?);
        let xml = skrb_domain::payments::camt::write_053_receipts(
            &format!(
                "DEMO-RECEIPTS-{}",
                crate::services::month_code(first_of_last)
            ),
            &iban.unwrap_or_default(),
            "EUR",
            today.min(first_of_last + Duration::days(45)),
            &open,
        );
        let scoped = Actor {
            scope: Some(Scope {
                user_id: 0,
                centre_id: Some(v.id),
                all_centres: false,
                may_break_glass: false,
            }),
            ..Actor::system("demo")
        };
        skrb_services::billing::receipts(db, &scoped, xml.as_bytes())
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    Ok(agreements)
}

/// A wall-clock minute of a day in the centre's zone as an instant.
fn instant(zone: skrb_kit::clock::Zone, day: Date, minute: i64) -> OffsetDateTime {
    let m = minute.clamp(0, 1439);
    let t = Time::from_hms((m / 60) as u8, (m % 60) as u8, 0).unwrap_or(Time::MIDNIGHT);
    let naive = PrimitiveDateTime::new(day, t);
    naive.assume_offset(zone.offset_at(naive.assume_utc()))
}

/// Three of Velenje's users are exempted from paying (decided in the procedure): one
/// fully, two in part.
async fn exemptions(
    tx: &mut skrb_kit::db::Tx,
    today: Date,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let right: Option<i64> = sql!(tx, c => sqlx::query_scalar("SELECT id FROM right_type WHERE code = 'si_hh_exemption'").fetch_optional(c).await?);
    let Some(right) = right else { return Ok(()) };
    let users: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT a.person_id, a.centre_id FROM hh_agreement a JOIN centre ce ON ce.id = a.centre_id \
         WHERE ce.code = 'csd-velenje' AND a.status = 'active' ORDER BY a.id LIMIT 3 OFFSET 5").fetch_all(c).await?);
    let from = (today.replace_day(1)? - Duration::days(200)).replace_day(1)?;
    for (n, (person, centre)) in users.into_iter().enumerate() {
        let amount = [0, 2500, 4000][n];
        let d: i64 = sql!(tx, c => sqlx::query_scalar(
            "INSERT INTO decision (centre_id, person_id, right_id, kind, outcome, amount, currency, period_from, period_to, reasoning, \
             inputs, status, number, decided_on, signatory, created_at) VALUES ($1, $2, $3, 'first', 'granted', $4, 'EUR', $5, $6, \
             'Dohodek pod mejo socialne varnosti', '{}', 'issued', $7, $5, 'Darja Direktorica', $8) RETURNING id")
            .bind(centre).bind(person).bind(right).bind(amount).bind(from).bind(from + Duration::days(364))
            .bind(format!("1231-{}/{}", n + 1, from.year())).bind(now).fetch_one(c).await?);
        let e: i64 = sql!(tx, c => sqlx::query_scalar(
            "INSERT INTO entitlement (centre_id, decision_id, person_id, right_id, amount, currency, valid_from, valid_to, status, funding, input) \
             VALUES ($1, $2, $3, $4, $5, 'EUR', $6, $7, 'active', 'municipality:10000', '{}') RETURNING id")
            .bind(centre).bind(d).bind(person).bind(right).bind(amount).bind(from).bind(from + Duration::days(364)).fetch_one(c).await?);
        sql!(tx, c => sqlx::query("UPDATE decision SET entitlement_id = $1 WHERE id = $2").bind(e).bind(d).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Counted sessions in Velenje: first social help and personal help by the demo social
/// worker, on persons with a case file.
async fn sessions(
    tx: &mut skrb_kit::db::Tx,
    today: Date,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let worker: Option<(i64, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, centre_id FROM app_user WHERE username = 'socialna'").fetch_optional(c).await?);
    let Some((worker, centre)) = worker else {
        return Ok(());
    };
    let services: Vec<i64> = sql!(tx, c => sqlx::query_scalar(
        "SELECT id FROM service_type WHERE jurisdiction = 'SI' AND form = 'session' ORDER BY id").fetch_all(c).await?);
    let persons: Vec<i64> = sql!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT person_id FROM case_file WHERE centre_id = $1 ORDER BY person_id LIMIT 30").bind(centre).fetch_all(c).await?);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (i, p) in persons.iter().enumerate() {
        if services.is_empty() {
            break;
        }
        rows.push(vec![
            Value::Int(centre),
            Value::Int(*p),
            Value::Int(services[i % services.len()]),
            Value::Date(today - Duration::days((i as i64 * 3) % 50)),
            Value::Int(worker),
            Value::Int([30, 45, 60, 90][i % 4]),
            Value::Str(
                [
                    "Informiranje o pravicah in storitvah",
                    "Svetovanje ob stiski v družini",
                    "Načrt pomoči z družino",
                ][i % 3],
            ),
            Value::Time(now),
        ]);
    }
    bulk::insert(
        tx,
        "service_session",
        &[
            "centre_id",
            "person_id",
            "service_id",
            "held_on",
            "worker_id",
            "minutes",
            "note",
            "created_at",
        ],
        &rows,
    )
    .await?;
    Ok(())
}
