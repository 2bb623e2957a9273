//! Case work for the demo: staff in every centre, partner organisations, and about one
//! file per twenty persons (100,000 at the country scale) with intakes, contact logs,
//! tasks (some overdue), plans, referrals and domestic-violence files, spread over the
//! last five years. Written set-based in batches, like the persons.

use skrb_kit::audit::Action;
use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use time::{Duration, OffsetDateTime};

use super::Progress;
use crate::audit::{self, Actor, Event};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::Db;
use skrb_kit::sql;

/// One person in this many has a file (at the centre and country scales)...
const FILE_EVERY: i64 = 20;
/// ...and in this many in a small demo, so that its few hundred persons still give every
/// worker a desk of files to try.
const FILE_EVERY_SMALL: i64 = 4;
/// Below this many persons a demo is small.
const SMALL: i64 = 5_000;
/// Persons per generated social worker.
const PERSONS_PER_WORKER: i64 = 1_200;
const BATCH: usize = 10_000;

const SI_ENTRIES: &[&str] = &[
    "Razgovor z uporabnico o njenem položaju; dogovorili sva se za naslednji korak.",
    "Obisk na domu: stanovanje je urejeno, otroci so bili doma.",
    "Telefonski klic šole: učenec redno obiskuje pouk.",
    "Uporabnik je prinesel dokazila o dohodkih.",
    "Sestanek z zdravstvenim domom o nadaljnji obravnavi.",
    "Uporabnica poroča o izboljšanju razmer v družini.",
];
const RS_ENTRIES: &[&str] = &[
    "Разговор са корисником о његовом положају; договорен је сљедећи корак.",
    "Посјета у кући: стан је уредан, дјеца су била код куће.",
    "Телефонски разговор са школом: ученик редовно похађа наставу.",
    "Корисник је донио доказе о приходима.",
];
const SI_PARTNERS: &[(&str, &str)] = &[
    ("Mestna občina", "city"),
    ("Zdravstveni dom", "health"),
    ("Osnovna šola I", "school"),
    ("Osnovna šola II", "school"),
    ("Vrtec", "kindergarten"),
    ("Policijska postaja", "police"),
    ("Okrajno sodišče", "court"),
    ("Dom upokojencev", "pensioners_home"),
    ("Rdeči križ, območno združenje", "ngo"),
    ("Karitas", "ngo"),
    ("Zavod za zaposlovanje, urad", "employment"),
];
const RS_PARTNERS: &[(&str, &str)] = &[
    ("Градска управа", "city"),
    ("Дом здравља", "health"),
    ("Основна школа", "school"),
    ("Полицијска станица", "police"),
    ("Црвени крст", "ngo"),
    ("Завод за запошљавање, биро", "employment"),
];

struct Centre {
    id: i64,
    rs: bool,
    workers: Vec<i64>,
    /// How many of `workers` (the first) are the demo's own accounts, who can sign in.
    own: usize,
    partners: Vec<i64>,
    schools: Vec<i64>,
    /// (id, class code, opens restricted, deadline days)
    types: Vec<(i64, String, bool, Option<i64>)>,
}

/// Ids handed out by the job (then PostgreSQL's identities are moved past them).
struct Ids(HashMap<&'static str, i64>);

impl Ids {
    fn next(&mut self, table: &'static str) -> i64 {
        let n = self.0.entry(table).or_insert(1);
        let id = *n;
        *n += 1;
        id
    }
}

const TABLES: [&str; 13] = [
    "app_user",
    "partner",
    "partner_contact",
    "case_file",
    "case_transfer",
    "intake",
    "case_entry",
    "task",
    "case_plan",
    "plan_goal",
    "referral",
    "violence_report",
    "mdt_member",
];

#[derive(Default)]
struct Rows {
    files: Vec<Vec<Cell>>,
    transfers: Vec<Vec<Cell>>,
    intakes: Vec<Vec<Cell>>,
    entries: Vec<Vec<Cell>>,
    tasks: Vec<Vec<Cell>>,
    plans: Vec<Vec<Cell>>,
    goals: Vec<Vec<Cell>>,
    referrals: Vec<Vec<Cell>>,
    reports: Vec<Vec<Cell>>,
    members: Vec<Vec<Cell>>,
}

/// What the generator carries from file to file: its dice, the ids it hands out, the
/// file numbers per centre and year, and the day it stands on.
struct Gen {
    rng: StdRng,
    ids: Ids,
    seq: HashMap<(i64, i32), i64>,
    now: OffsetDateTime,
    today: time::Date,
}

/// Generates the case work of every centre; returns the number of files.
pub async fn generate(db: &Db, seed: u64) -> anyhow::Result<usize> {
    let now = OffsetDateTime::now_utc();
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed.wrapping_add(5)),
        ids: Ids(HashMap::new()),
        seq: HashMap::new(),
        now,
        today: now.date(),
    };
    let mut tx = db.begin().await?;
    for t in TABLES {
        g.ids.0.insert(t, bulk::next_id(&mut tx, t).await?);
    }
    let centres = staff_and_partners(&mut tx, &mut g).await?;
    let persons = persons_with_files(&mut tx).await?;
    tx.commit().await?;
    let by_centre: HashMap<i64, usize> =
        centres.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut progress = Progress::new("case files", persons.len());
    let mut made = 0usize;
    for chunk in persons.chunks(BATCH) {
        let mut r = Rows::default();
        for (person, centre_id) in chunk {
            if let Some(ci) = by_centre.get(centre_id) {
                one_file(&mut g, &centres[*ci], *person, &mut r);
            }
        }
        let mut tx = db.begin().await?;
        write(&mut tx, &r).await?;
        tx.commit().await?;
        made += r.files.len();
        progress.show(made.max(1).min(persons.len()));
    }
    finish(db, &g, made, centres.len()).await?;
    Ok(made)
}

/// Generated colleagues (about one social worker per 1,200 persons, at least three) and
/// the partners of each centre, with the centre's case types; the demo partner account
/// is tied to Velenje's first school.
async fn staff_and_partners(tx: &mut skrb_kit::db::Tx, g: &mut Gen) -> anyhow::Result<Vec<Centre>> {
    let (now, ids) = (g.now, &mut g.ids);
    // Each centre with its seat (its first municipality), which local partners are named after.
    let rows: Vec<(i64, String, String, i64, Option<String>)> = sql!(tx, c => sqlx::query_as(
        "SELECT c.id, c.code, c.jurisdiction, (SELECT COUNT(*) FROM person p WHERE p.centre_id = c.id), \
         (SELECT m.name FROM municipality m WHERE m.centre_id = c.id ORDER BY m.id LIMIT 1) FROM centre c ORDER BY c.id")
        .fetch_all(c).await?);
    let types: Vec<(i64, String, String, bool, Option<i64>)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, jurisdiction, class_code, opens_restricted, deadline_days FROM case_type WHERE active = TRUE ORDER BY id")
        .fetch_all(c).await?);
    let mut centres = Vec::new();
    let mut staff = Vec::new();
    let mut partners = Vec::new();
    let mut contacts = Vec::new();
    for (id, code, j, persons, seat) in rows {
        let rs = j == "RS";
        // The demo accounts of the centre hold files too.
        let mut workers: Vec<i64> = sql!(tx, c => sqlx::query_scalar(
            "SELECT id FROM app_user WHERE centre_id = $1 AND role IN ('social_worker', 'head_of_unit') ORDER BY id")
            .bind(id).fetch_all(c).await?);
        let own = workers.len();
        for n in 0..(persons / PERSONS_PER_WORKER).max(3) {
            let uid = ids.next("app_user");
            workers.push(uid);
            // Generated colleagues cannot sign in ('!' is no password hash).
            staff.push(vec![
                uid.into(),
                format!("{code}-sw{}", n + 1).into(),
                format!("{} {}", if rs { "Радник" } else { "Delavec" }, n + 1).into(),
                "!".into(),
                "social_worker".into(),
                Cell::Bool(true),
                id.into(),
                now.into(),
            ]);
        }
        let mut ps = Vec::new();
        let mut schools = Vec::new();
        for (name, kind) in if rs { RS_PARTNERS } else { SI_PARTNERS } {
            let pid = ids.next("partner");
            ps.push(pid);
            if *kind == "school" {
                schools.push(pid);
            }
            let place = seat.as_deref().unwrap_or(&code);
            partners.push(vec![
                pid.into(),
                id.into(),
                format!("{name} {place}").into(),
                (*kind).into(),
                Cell::Bool(true),
                now.into(),
            ]);
            contacts.push(vec![
                ids.next("partner_contact").into(),
                pid.into(),
                if rs {
                    "Контакт особа"
                } else {
                    "Kontaktna oseba"
                }
                .into(),
                Cell::Null,
            ]);
        }
        let types = types
            .iter()
            .filter(|t| t.1 == j)
            .map(|t| (t.0, t.2.clone(), t.3, t.4))
            .collect();
        centres.push(Centre {
            schools,
            id,
            rs,
            workers,
            own,
            partners: ps,
            types,
        });
    }
    bulk::insert(
        tx,
        "app_user",
        &[
            "id",
            "username",
            "display_name",
            "password_hash",
            "role",
            "active",
            "centre_id",
            "created_at",
        ],
        &staff,
    )
    .await?;
    bulk::insert(
        tx,
        "partner",
        &["id", "centre_id", "name", "kind", "active", "created_at"],
        &partners,
    )
    .await?;
    bulk::insert(
        tx,
        "partner_contact",
        &["id", "partner_id", "name", "position"],
        &contacts,
    )
    .await?;
    // The demo partner account answers the referrals to its organisation.
    sql!(tx, c => sqlx::query(
        "UPDATE app_user SET partner_id = (SELECT MIN(p.id) FROM partner p JOIN centre ce ON ce.id = p.centre_id \
         WHERE ce.code = 'csd-velenje' AND p.kind = 'school') WHERE username = 'sola'")
        .execute(c).await?.rows_affected());
    Ok(centres)
}

/// The persons who get a file: one in twenty (one in four in a small demo).
async fn persons_with_files(tx: &mut skrb_kit::db::Tx) -> anyhow::Result<Vec<(i64, i64)>> {
    let total: i64 =
        sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM person").fetch_one(c).await?);
    let every = if total < SMALL {
        FILE_EVERY_SMALL
    } else {
        FILE_EVERY
    };
    let persons: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(&format!(
        "SELECT id, centre_id FROM person WHERE centre_id IS NOT NULL AND id % {every} = 3 ORDER BY id"))
        .fetch_all(c).await?);
    Ok(persons)
}

/// A file of a person with its intake, then its contact log, tasks, and perhaps a
/// plan, a referral and (for a restricted type) a domestic-violence report.
fn one_file(g: &mut Gen, c: &Centre, person: i64, r: &mut Rows) {
    let Some(ty) = c.types.choose(&mut g.rng) else {
        return;
    };
    let (now, today) = (g.now, g.today);
    let rng = &mut g.rng;
    let ids = &mut g.ids;
    let seq = &mut g.seq;
    let person = &person;
    let worker = *c.workers.choose(rng).unwrap_or(&1);
    let id = ids.next("case_file");
    // A third of the files are the demo's own accounts' (who sign in and should find
    // their day's work), the rest spread over the generated colleagues.
    let worker = if c.own > 0 && id % 3 == 0 {
        c.workers[usize::try_from(id / 3).unwrap_or(0) % c.own]
    } else {
        worker
    };
    let opened = today - Duration::days(rng.gen_range(0..1800));
    let roll = rng.gen_range(0..100);
    let status = if roll < 58 {
        "closed"
    } else if roll < 94 {
        "open"
    } else {
        "on_hold"
    };
    let closed =
        (status == "closed").then(|| (opened + Duration::days(rng.gen_range(14..720))).min(today));
    let last =
        closed.unwrap_or_else(|| (today - Duration::days(rng.gen_range(0..120))).max(opened));
    let year = opened.year();
    let n = seq.entry((c.id, year)).or_insert(0);
    *n += 1;
    let number = format!("{}-{}/{}", ty.1, n, year);
    let restricted = ty.2;
    let problem = skrb_cases::PROBLEMS
        .choose(rng)
        .copied()
        .unwrap_or("poverty");
    let problems = if restricted {
        ",domestic_violence,".to_string()
    } else {
        format!(",{problem},")
    };
    r.files.push(vec![
        id.into(),
        c.id.into(),
        Cell::Null,
        number.into(),
        (*person).into(),
        Cell::Null,
        ty.0.into(),
        problems.into(),
        Cell::Null,
        status.into(),
        closed.map(|_| "goals_met").into(),
        worker.into(),
        Cell::Bool(restricted),
        opened.into(),
        closed.into(),
        last.into(),
        1i64.into(),
        now.into(),
    ]);
    r.transfers.push(vec![
        ids.next("case_transfer").into(),
        id.into(),
        worker.into(),
        now.into(),
    ]);
    let at = opened.midnight().assume_utc() + Duration::hours(rng.gen_range(8..15));
    r.intakes.push(vec![
        ids.next("intake").into(),
        c.id.into(),
        at.into(),
        ["walk_in", "phone", "referral"]
            .choose(rng)
            .copied()
            .unwrap_or("phone")
            .into(),
        (*person).into(),
        problem.into(),
        if c.rs {
            "Корисник тражи помоћ."
        } else {
            "Uporabnik prosi za pomoč."
        }
        .into(),
        id.into(),
        worker.into(),
        at.into(),
    ]);
    let f = File {
        id,
        person: *person,
        worker,
        opened,
        status,
        restricted,
        last,
    };
    log(g, c, &f, r);
    tasks(g, c, &f, ty.3, r);
    plan(g, c, &f, r);
    referral(g, c, &f, r);
    violence(g, c, &f, r);
}

/// A generated file's facts that its log, tasks, plan and referrals follow.
struct File {
    id: i64,
    person: i64,
    worker: i64,
    opened: time::Date,
    status: &'static str,
    restricted: bool,
    last: time::Date,
}

/// One to five entries of the contact log between the opening and the last activity.
fn log(g: &mut Gen, c: &Centre, f: &File, r: &mut Rows) {
    let now = g.now;
    let rng = &mut g.rng;
    let ids = &mut g.ids;
    let texts = if c.rs { RS_ENTRIES } else { SI_ENTRIES };
    let span = (f.last - f.opened).whole_days().max(1);
    for _ in 0..rng.gen_range(1..=5) {
        let on = f.opened + Duration::days(rng.gen_range(0..=span));
        r.entries.push(vec![
            ids.next("case_entry").into(),
            f.id.into(),
            [
                "visit",
                "interview",
                "phone",
                "letter",
                "team_meeting",
                "note",
            ]
            .choose(rng)
            .copied()
            .unwrap_or("note")
            .into(),
            on.into(),
            texts.choose(rng).copied().unwrap_or("").into(),
            f.worker.into(),
            now.into(),
        ]);
    }
}

/// The statutory task (done unless the file is young) and, for open files, one or two
/// more, a few of them overdue.
fn tasks(g: &mut Gen, c: &Centre, f: &File, deadline: Option<i64>, r: &mut Rows) {
    let (now, today) = (g.now, g.today);
    let rng = &mut g.rng;
    let ids = &mut g.ids;
    if let Some(days) = deadline {
        let due = f.opened + Duration::days(days);
        let done = (f.status != "open" || due < today - Duration::days(10)).then_some(now);
        r.tasks.push(vec![
            ids.next("task").into(),
            c.id.into(),
            f.id.into(),
            if f.restricted {
                "task-auto-mdt"
            } else {
                "task-auto-assessment"
            }
            .into(),
            f.worker.into(),
            due.into(),
            "statutory".into(),
            done.into(),
            now.into(),
        ]);
    }
    if f.status == "open" {
        for _ in 0..rng.gen_range(0..=2) {
            let due = today + Duration::days(rng.gen_range(-20..60));
            let title = if c.rs {
                "Посјета породици"
            } else {
                "Obisk pri družini"
            };
            r.tasks.push(vec![
                ids.next("task").into(),
                c.id.into(),
                f.id.into(),
                title.into(),
                f.worker.into(),
                due.into(),
                "manual".into(),
                Cell::Null,
                now.into(),
            ]);
        }
    }
}

/// A plan with one to three goals, for three files in ten.
fn plan(g: &mut Gen, c: &Centre, f: &File, r: &mut Rows) {
    let (now, today) = (g.now, g.today);
    let rng = &mut g.rng;
    let ids = &mut g.ids;
    if rng.gen_range(0..100) < 30 {
        let plan = ids.next("case_plan");
        let review = (f.status == "open").then(|| today + Duration::days(rng.gen_range(1..120)));
        r.plans.push(vec![
            plan.into(),
            f.id.into(),
            if f.restricted { "safety" } else { "individual" }.into(),
            f.opened.into(),
            review.into(),
            f.worker.into(),
            now.into(),
        ]);
        for g in 0..rng.gen_range(1..=3) {
            let goal = if c.rs {
                ["Редовно похађање школе", "Уредно становање", "Запослење"][g]
            } else {
                ["Redno obiskovanje šole", "Urejeno bivanje", "Zaposlitev"][g]
            };
            let st = if f.status == "closed" {
                "achieved"
            } else {
                "open"
            };
            r.goals.push(vec![
                ids.next("plan_goal").into(),
                plan.into(),
                goal.into(),
                st.into(),
            ]);
        }
    }
}

/// A referral to a partner, for one file in ten (half of them to the first school).
fn referral(g: &mut Gen, c: &Centre, f: &File, r: &mut Rows) {
    let now = g.now;
    let rng = &mut g.rng;
    let ids = &mut g.ids;
    if rng.gen_range(0..100) < 10 && !c.partners.is_empty() {
        // Half go to the first school (the demo partner account's), so that its
        // portal has referrals to answer.
        let school = c.schools.first().copied();
        let partner = match school {
            Some(s) if rng.gen_bool(0.5) => s,
            _ => *c.partners.choose(rng).unwrap_or(&0),
        };
        let answered = f.status == "closed" || rng.gen_bool(0.3);
        r.referrals.push(vec![
            ids.next("referral").into(),
            c.id.into(),
            "out".into(),
            partner.into(),
            f.id.into(),
            f.person.into(),
            if c.rs {
                "Упућивање на подршку"
            } else {
                "Napotitev na podporo"
            }
            .into(),
            f.opened.into(),
            if answered { "answered" } else { "sent" }.into(),
            answered
                .then_some(if c.rs {
                    "Прихваћено."
                } else {
                    "Sprejeto."
                })
                .into(),
            now.into(),
        ]);
    }
}

/// A restricted file's domestic-violence report and its team member from the police.
fn violence(g: &mut Gen, c: &Centre, f: &File, r: &mut Rows) {
    let now = g.now;
    let ids = &mut g.ids;
    if f.restricted {
        r.reports.push(vec![
            ids.next("violence_report").into(),
            f.id.into(),
            f.opened.into(),
            if c.rs { "Полиција" } else { "Policija" }.into(),
            if c.rs {
                "Пријава полиције."
            } else {
                "Prijava policije."
            }
            .into(),
            now.into(),
        ]);
        r.members.push(vec![
            ids.next("mdt_member").into(),
            f.id.into(),
            if c.rs {
                "Полицијски службеник"
            } else {
                "Policist"
            }
            .into(),
            if c.rs { "Полиција" } else { "Policija" }.into(),
        ]);
    }
}

/// A batch of files and everything on them, in one transaction.
async fn write(tx: &mut skrb_kit::db::Tx, r: &Rows) -> anyhow::Result<()> {
    bulk::insert(
        tx,
        "case_file",
        &[
            "id",
            "centre_id",
            "unit_id",
            "number",
            "person_id",
            "household_id",
            "type_id",
            "problems",
            "summary",
            "status",
            "close_reason",
            "worker_id",
            "restricted",
            "opened_on",
            "closed_on",
            "last_activity_on",
            "version",
            "created_at",
        ],
        &r.files,
    )
    .await?;
    bulk::insert(
        tx,
        "case_transfer",
        &["id", "case_id", "to_worker", "at"],
        &r.transfers,
    )
    .await?;
    bulk::insert(
        tx,
        "intake",
        &[
            "id",
            "centre_id",
            "at",
            "channel",
            "person_id",
            "problem",
            "description",
            "case_id",
            "worker_id",
            "created_at",
        ],
        &r.intakes,
    )
    .await?;
    bulk::insert(
        tx,
        "case_entry",
        &[
            "id",
            "case_id",
            "kind",
            "on_date",
            "body",
            "author_id",
            "created_at",
        ],
        &r.entries,
    )
    .await?;
    bulk::insert(
        tx,
        "task",
        &[
            "id",
            "centre_id",
            "case_id",
            "title",
            "assignee_id",
            "due_on",
            "source",
            "done_at",
            "created_at",
        ],
        &r.tasks,
    )
    .await?;
    bulk::insert(
        tx,
        "case_plan",
        &[
            "id",
            "case_id",
            "kind",
            "agreed_on",
            "review_on",
            "created_by",
            "created_at",
        ],
        &r.plans,
    )
    .await?;
    bulk::insert(
        tx,
        "plan_goal",
        &["id", "plan_id", "goal", "status"],
        &r.goals,
    )
    .await?;
    bulk::insert(
        tx,
        "referral",
        &[
            "id",
            "centre_id",
            "direction",
            "partner_id",
            "case_id",
            "person_id",
            "subject",
            "sent_on",
            "status",
            "answer",
            "created_at",
        ],
        &r.referrals,
    )
    .await?;
    bulk::insert(
        tx,
        "violence_report",
        &[
            "id",
            "case_id",
            "reported_on",
            "reported_by",
            "description",
            "created_at",
        ],
        &r.reports,
    )
    .await?;
    bulk::insert(
        tx,
        "mdt_member",
        &["id", "case_id", "name", "organisation"],
        &r.members,
    )
    .await?;
    Ok(())
}

/// The file counters, the identities past the ids handed out, each file in its
/// worker's first unit, and the audit of the job.
async fn finish(db: &Db, g: &Gen, made: usize, centres: usize) -> anyhow::Result<()> {
    let seq = &g.seq;
    let mut tx = db.begin().await?;
    let counters: Vec<Vec<Cell>> = seq
        .iter()
        .map(|((c, y), n)| vec![(*c).into(), i64::from(*y).into(), (*n).into()])
        .collect();
    bulk::insert(
        &mut tx,
        "case_counter",
        &["centre_id", "year", "last"],
        &counters,
    )
    .await?;
    for t in TABLES {
        bulk::sync_identity(&mut tx, t).await?;
    }
    // Each file in its worker's first unit, as the application would place it.
    sql!(&mut tx, c => sqlx::query(
        "UPDATE case_file SET unit_id = (SELECT MIN(unit_id) FROM user_unit uu WHERE uu.user_id = case_file.worker_id)")
        .execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        &Actor::system("demo"),
        Event::about(Action::Generate, "case_file")
            .detail(serde_json::json!({ "files": made, "centres": centres })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
