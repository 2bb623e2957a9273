//! Rights for the demo: about 15 persons in 100 hold an entitlement (300,000 at the
//! country scale), each with its application and first decision, calculated by the real
//! calculators with the dated parameters; the renewing rights (VD, RS cash assistance)
//! end with the year, so the yearly provisional calculation has its full set; DSP's
//! grants are current (a month's payment run takes nearly all 300,000); 2 in 100
//! have an application in procedure (some past the deadline); Republika Srpska's centres
//! have a commission with a session. Written set-based in batches.

use skrb_kit::audit::Action;
use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use skrb_domain::rights::calc::{CareDegree, FosterChild, Kind, Member};
use skrb_domain::rights::{calculate, deadlines, Household, Params};
use time::{Date, Duration, Month, OffsetDateTime};

use super::Progress;
use crate::audit::{self, Actor, Event};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::Db;
use skrb_kit::sql;
use skrb_rights::catalogue::{self, RightType};
use skrb_rights::decisions::{
    centre_locale, funding_text, template, Frozen, FrozenPerson, FrozenRight,
};

const BATCH: usize = 10_000;

struct Centre {
    rs: bool,
    name: String,
    officers: Vec<(i64, String)>,
}

#[derive(sqlx::FromRow)]
struct P {
    id: i64,
    centre_id: i64,
    given_name: String,
    family_name: String,
    emso: Option<String>,
    address: Option<String>,
    birth_date: Option<Date>,
}

/// The applicant's household as the registry knows it (the applicant first, then the
/// other current members, by name, a child under 18), so the calculation on the
/// application page names the same people as the household page.
fn household(
    rng: &mut StdRng,
    name: &str,
    birth: Option<Date>,
    others: &[(String, Option<Date>)],
    today: Date,
) -> Household {
    let kind = |b: Option<Date>| {
        if b.is_some_and(|b| skrb_domain::person::age_on(b, today) < 18) {
            Kind::Child
        } else {
            Kind::Adult
        }
    };
    let mut members = vec![Member {
        name: name.to_string(),
        kind: kind(birth),
        hours: 0,
    }];
    for (other, b) in others {
        let k = kind(*b);
        members.push(Member {
            name: other.clone(),
            kind: k,
            hours: if k == Kind::Adult && rng.gen_bool(0.1) {
                80
            } else {
                0
            },
        });
    }
    let adults = members.iter().filter(|m| m.kind == Kind::Adult).count();
    let n = members.len();
    let children = members.iter().filter(|m| m.kind == Kind::Child).count();
    Household {
        single_parent: adults == 1 && children > 0,
        living_alone: n == 1,
        income: if rng.gen_bool(0.5) {
            rng.gen_range(0..250) * 100
        } else {
            0
        },
        members,
        ..Household::default()
    }
}

/// Generates rights data for every centre; returns the number of entitlements.
pub async fn generate(db: &Db, seed: u64) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(6));
    let now = OffsetDateTime::now_utc();
    let today = now.date();
    let year_end = Date::from_calendar_date(today.year(), Month::December, 31)?;
    let year_start = Date::from_calendar_date(today.year(), Month::January, 1)?;
    let mut tx = db.begin().await?;
    let mut next: HashMap<&str, i64> = HashMap::new();
    for t in ["application", "decision", "entitlement"] {
        next.insert(t, bulk::next_id(&mut tx, t).await?);
    }
    let rows: Vec<(i64, String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, jurisdiction, name FROM centre ORDER BY id").fetch_all(c).await?);
    let mut centres = HashMap::new();
    for (id, j, name) in rows {
        let officers: Vec<(i64, String)> = sql!(&mut tx, c => sqlx::query_as(
            "SELECT id, display_name FROM app_user WHERE centre_id = $1 AND role IN ('rights_officer', 'social_worker', 'head_of_unit') \
             ORDER BY CASE role WHEN 'rights_officer' THEN 0 ELSE 1 END, id LIMIT 8")
            .bind(id).fetch_all(c).await?);
        if officers.is_empty() {
            continue;
        }
        // Where the centre has rights officers, they hold the procedures.
        let ros: Vec<(i64, String)> = sql!(&mut tx, c => sqlx::query_as(
            "SELECT id, display_name FROM app_user WHERE centre_id = $1 AND role = 'rights_officer' ORDER BY id")
            .bind(id).fetch_all(c).await?);
        let officers = if ros.is_empty() { officers } else { ros };
        centres.insert(
            id,
            Centre {
                rs: j == "RS",
                name,
                officers,
            },
        );
    }
    let mut rights: HashMap<String, RightType> = HashMap::new();
    for code in [
        "dsp",
        "vd",
        "foster_payment",
        "rs_cash",
        "rs_care",
        "rs_disability",
    ] {
        if let Some(r) = catalogue::by_code(&mut tx, code).await? {
            rights.insert(code.to_string(), r);
        }
    }
    let mut params: HashMap<(bool, Date), Params> = HashMap::new();
    let counters: Vec<(i64, i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT centre_id, year, last FROM case_counter").fetch_all(c).await?);
    let mut seq: HashMap<(i64, i64), i64> =
        counters.into_iter().map(|(c, y, l)| ((c, y), l)).collect();
    // Applicants are adults: a right is applied for by (or for) a grown-up.
    let adult_born_by = today.replace_year(today.year() - 18).unwrap_or(today);
    let persons: Vec<P> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, centre_id, given_name, family_name, emso, address, birth_date FROM person \
         WHERE centre_id IS NOT NULL AND (id % 20 IN (5, 9, 13) OR id % 50 = 7) \
         AND birth_date <= $1 ORDER BY id")
        .bind(adult_born_by)
        .fetch_all(c).await?);
    // Their households' other current members, in one query.
    let rows: Vec<(i64, String, Option<Date>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT me.person_id, p.given_name, p.birth_date FROM household_member me \
         JOIN household_member o ON o.household_id = me.household_id AND o.valid_to IS NULL AND o.person_id <> me.person_id \
         JOIN person p ON p.id = o.person_id \
         WHERE me.valid_to IS NULL AND (me.person_id % 20 IN (5, 9, 13) OR me.person_id % 50 = 7) \
         ORDER BY me.person_id, p.birth_date, p.id")
        .fetch_all(c).await?);
    let mut others: HashMap<i64, Vec<(String, Option<Date>)>> = HashMap::new();
    for (person, name, birth) in rows {
        others.entry(person).or_default().push((name, birth));
    }
    tx.commit().await?;

    let mut progress = Progress::new("entitlements", persons.len());
    let mut made = 0usize;
    let mut done = 0usize;
    for chunk in persons.chunks(BATCH) {
        let (mut apps, mut decs, mut ents) = (Vec::new(), Vec::new(), Vec::new());
        for p in chunk {
            let Some(c) = centres.get(&p.centre_id) else {
                continue;
            };
            let open = p.id % 50 == 7;
            let pick = (p.id / 20) % 20;
            let code = match (c.rs, pick) {
                (false, 0..=8) => "vd",
                (false, 9..=17) => "dsp",
                (false, _) => "foster_payment",
                (true, 0..=8) => "rs_cash",
                (true, 9..=15) => "rs_care",
                (true, _) => "rs_disability",
            };
            let Some(rt) = rights.get(code) else {
                continue;
            };
            let name = p.given_name.clone();
            let mut h = household(
                &mut rng,
                &name,
                p.birth_date,
                others.get(&p.id).map(Vec::as_slice).unwrap_or_default(),
                today,
            );
            match code {
                "foster_payment" => {
                    h.children = (0..rng.gen_range(1..=2))
                        .map(|_| FosterChild {
                            maintenance_raise: [0, 0, 25, 50][rng.gen_range(0..4)],
                            fee_raise: [0, 0, 25, 50][rng.gen_range(0..4)],
                            weekend_only: rng.gen_bool(0.1),
                            ..FosterChild::default()
                        })
                        .collect()
                }
                "rs_care" => {
                    h.care_degree = Some(if rng.gen_bool(0.6) {
                        CareDegree::Full
                    } else {
                        CareDegree::Partial
                    })
                }
                "rs_disability" => h.impairment = Some([70, 80, 90, 100][rng.gen_range(0..4)]),
                _ => {}
            }
            // Renewing rights run with the calendar year; DSP for three months from a
            // recent month; the others until changed.
            let from = match code {
                "vd" | "rs_cash" => year_start,
                // DSP is granted for a few months at a time: the current grants began
                // this month or the last, so they are paid this month and the next.
                "dsp" => {
                    let this = today.replace_day(1)?;
                    if rng.gen_bool(0.5) {
                        this
                    } else {
                        (this - Duration::days(1)).replace_day(1)?
                    }
                }
                _ => deadlines::add_months(year_start, rng.gen_range(0..12))
                    .min(deadlines::next_month(today)),
            };
            let from = if code == "foster_payment" {
                from.max(Date::from_calendar_date(2025, Month::November, 1)?)
            } else {
                from
            };
            let received = if open {
                today - Duration::days(rng.gen_range(0..45))
            } else {
                from - Duration::days(rng.gen_range(5..28))
            };
            let year = i64::from(received.year());
            let s = seq.entry((p.centre_id, year)).or_insert(0);
            *s += 1;
            let number = format!("{}-{}/{}", rt.class_code, s, year);
            let (officer, officer_name) = c.officers[(p.id as usize) % c.officers.len()].clone();
            let input = serde_json::to_string(&h)?;
            let aid = next_id(&mut next, "application");
            if open {
                let complete = rng.gen_bool(0.8);
                let due =
                    complete.then(|| deadlines::decision_due(received, rt.deadline_months as u32));
                apps.push(vec![
                    aid.into(),
                    p.centre_id.into(),
                    number.into(),
                    p.id.into(),
                    rt.id.into(),
                    received.into(),
                    "in_person".into(),
                    Cell::Null,
                    if complete {
                        received.into()
                    } else {
                        Cell::Null
                    },
                    due.into(),
                    if complete { "in_procedure" } else { "received" }.into(),
                    officer.into(),
                    input.into(),
                    now.into(),
                ]);
                continue;
            }
            let key = (c.rs, from);
            if let std::collections::hash_map::Entry::Vacant(e) = params.entry(key) {
                let mut tx = db.begin_read().await?;
                let pr = catalogue::params_at(&mut tx, &rt.jurisdiction, from).await?;
                tx.commit().await?;
                e.insert(pr);
            }
            let Some(pr) = params.get(&key) else { continue };
            let Ok(calc) = calculate(rt.calc(), &rt.code, pr, &h) else {
                continue;
            };
            if calc.amount <= 0 {
                continue;
            }
            let to = match code {
                "vd" | "rs_cash" => Some(year_end),
                "dsp" => Some(deadlines::month_end(deadlines::add_months(from, 2))),
                _ => None,
            };
            let status = if to.is_some_and(|t| t < today) {
                "ended"
            } else {
                "active"
            };
            let decided = received + Duration::days(rng.gen_range(3..20));
            let l = centre_locale(if c.rs { "RS" } else { "SI" });
            let frozen = Frozen {
                household: h,
                params: pr.only(&calc.used),
                // The steps are not kept for generated decisions (their document
                // recalculates nothing: it prints the frozen household and parameters).
                calculation: None,
                person: FrozenPerson {
                    name: format!("{} {}", p.given_name, p.family_name),
                    emso: p.emso.clone(),
                    address: p.address.clone(),
                    birth_date: None,
                },
                right: FrozenRight {
                    code: rt.code.clone(),
                    name: rt.name_in(l),
                    legal_basis: rt.legal_basis.clone(),
                },
                centre: c.name.clone(),
                locale: l.code().to_string(),
            };
            let did = next_id(&mut next, "decision");
            let eid = next_id(&mut next, "entitlement");
            apps.push(vec![
                aid.into(),
                p.centre_id.into(),
                number.clone().into(),
                p.id.into(),
                rt.id.into(),
                received.into(),
                "in_person".into(),
                Cell::Null,
                received.into(),
                deadlines::decision_due(received, rt.deadline_months as u32).into(),
                "decided".into(),
                officer.into(),
                input.clone().into(),
                now.into(),
            ]);
            decs.push(vec![
                did.into(),
                p.centre_id.into(),
                aid.into(),
                eid.into(),
                p.id.into(),
                rt.id.into(),
                "first".into(),
                "granted".into(),
                calc.amount.into(),
                rt.currency.clone().into(),
                from.into(),
                to.into(),
                template(l, "granted", rt, Some(calc.amount), Some(from), to).into(),
                serde_json::to_string(&frozen)?.into(),
                "issued".into(),
                number.into(),
                decided.into(),
                officer.into(),
                officer_name.into(),
                (decided + Duration::days(3)).into(),
                "registered_mail".into(),
                now.into(),
            ]);
            ents.push(vec![
                eid.into(),
                p.centre_id.into(),
                did.into(),
                p.id.into(),
                rt.id.into(),
                calc.amount.into(),
                rt.currency.clone().into(),
                from.into(),
                to.into(),
                status.into(),
                funding_text(calc.amount, rt).into(),
                input.into(),
            ]);
        }
        let mut tx = db.begin().await?;
        bulk::insert(
            &mut tx,
            "application",
            &[
                "id",
                "centre_id",
                "number",
                "person_id",
                "right_id",
                "received_on",
                "channel",
                "documents",
                "complete_on",
                "due_on",
                "status",
                "officer_id",
                "input",
                "created_at",
            ],
            &apps,
        )
        .await?;
        bulk::insert(
            &mut tx,
            "decision",
            &[
                "id",
                "centre_id",
                "application_id",
                "entitlement_id",
                "person_id",
                "right_id",
                "kind",
                "outcome",
                "amount",
                "currency",
                "period_from",
                "period_to",
                "reasoning",
                "inputs",
                "status",
                "number",
                "decided_on",
                "decided_by",
                "signatory",
                "delivered_on",
                "delivery_method",
                "created_at",
            ],
            &decs,
        )
        .await?;
        bulk::insert(
            &mut tx,
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
                "valid_to",
                "status",
                "funding",
                "input",
            ],
            &ents,
        )
        .await?;
        tx.commit().await?;
        made += ents.len();
        done += chunk.len();
        progress.show(done);
    }
    let mut tx = db.begin().await?;
    for ((c, y), last) in &seq {
        sql!(&mut tx, cn => sqlx::query(
            "INSERT INTO case_counter (centre_id, year, last) VALUES ($1, $2, $3) \
             ON CONFLICT (centre_id, year) DO UPDATE SET last = excluded.last")
            .bind(c).bind(y).bind(last).execute(cn).await?.rows_affected());
    }
    for t in ["application", "decision", "entitlement"] {
        bulk::sync_identity(&mut tx, t).await?;
    }
    // A first-instance commission in every centre of Republika Srpska, with a session
    // whose agenda holds ten users of the care allowance.
    for (id, c) in &centres {
        if !c.rs {
            continue;
        }
        let com: i64 = sql!(&mut tx, cn => sqlx::query_scalar(
            "INSERT INTO commission (centre_id, name, instance, kind, active) VALUES ($1, 'Првостепена стручна комисија', 1, 'capacity', TRUE) RETURNING id")
            .bind(id).fetch_one(cn).await?);
        for (name, role) in [
            ("Др Милан Петровић", "chair"),
            ("Др Јована Шаровић", "member"),
            ("Снежана Вуковић", "secretary"),
        ] {
            sql!(&mut tx, cn => sqlx::query("INSERT INTO commission_member (commission_id, name, role) VALUES ($1, $2, $3)")
                .bind(com).bind(name).bind(role).execute(cn).await?.rows_affected());
        }
        let session: i64 = sql!(&mut tx, cn => sqlx::query_scalar(
            "INSERT INTO commission_session (commission_id, held_on, status) VALUES ($1, $2, 'planned') RETURNING id")
            .bind(com).bind(today + Duration::days(7)).fetch_one(cn).await?);
        sql!(&mut tx, cn => sqlx::query(
            "INSERT INTO commission_item (session_id, person_id, entitlement_id, purpose) \
             SELECT $1, e.person_id, e.id, 'reassessment' FROM entitlement e JOIN right_type r ON r.id = e.right_id \
             WHERE e.centre_id = $2 AND r.code = 'rs_care' AND e.status = 'active' ORDER BY e.id LIMIT 10")
            .bind(session).bind(id).execute(cn).await?.rows_affected());
    }
    audit::record(
        &mut tx,
        &Actor::system("demo"),
        Event::about(Action::Generate, "entitlement")
            .detail(serde_json::json!({ "entitlements": made })),
    )
    .await?;
    tx.commit().await?;
    Ok(made)
}

fn next_id(next: &mut HashMap<&str, i64>, t: &'static str) -> i64 {
    let n = next.entry(t).or_insert(1);
    let id = *n;
    *n += 1;
    id
}
