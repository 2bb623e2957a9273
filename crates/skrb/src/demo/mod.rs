//! The demo: realistic but invented people, so that a new user sees Skrb working at
//! once, and so that benchmarks run on data shaped like a centre's or a country's.
//! Reproducible from the seed; run on a database that already holds the demo, it only
//! resets the demo users' passwords.
//!
//! Rows are generated in batches and written with set-based inserts (`bulk`), each
//! batch in its own transaction, with progress on standard error.

pub mod geo;
mod import;
mod names;
mod payments;
pub mod people;
mod placements;
mod programmes;
mod reports;
mod rights;
mod services;
mod work;
mod year;

use skrb_kit::audit::Action;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use time::{Date, Month, OffsetDateTime};

pub use geo::Scale;

use crate::audit::{self, Actor, Event};
use crate::auth::{password, sessions, Role};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::{Db, Pool};
use skrb_kit::{sql, sql_pool};
use skrb_registry::persons;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://skrb-demo.db";

/// Persons written per transaction.
const BATCH: usize = 20_000;

/// Creates the demo unless it exists; returns (username, role, password) lines.
pub async fn prepare(
    db: &Db,
    seed: u64,
    scale: Scale,
    persons: Option<usize>,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let exists: i64 = sql_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM centre WHERE code = 'csd-velenje'").fetch_one(p).await?);
    let fresh = exists == 0;
    if fresh {
        generate(db, seed, scale, persons.unwrap_or(scale.default_persons())).await?;
    }
    let users = demo_users(db).await?;
    if fresh {
        restrict_some(db).await?;
        let started = Instant::now();
        let files = work::generate(db, seed).await?;
        eprintln!(
            "generated {files} case files in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let ents = rights::generate(db, seed).await?;
        eprintln!(
            "generated {ents} entitlements in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        payments::generate(db, time::OffsetDateTime::now_utc().date()).await?;
        services::generate(db, seed, time::OffsetDateTime::now_utc().date()).await?;
        placements::generate(db, seed, time::OffsetDateTime::now_utc().date()).await?;
        let started = Instant::now();
        let made = programmes::generate(db, time::OffsetDateTime::now_utc().date()).await?;
        eprintln!(
            "generated programmes and the committee ({made} records) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let made = year::generate(db).await?;
        eprintln!(
            "generated the centres' year (staff, plans, round table; {made} records) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let made = reports::generate(db, time::OffsetDateTime::now_utc().date()).await?;
        eprintln!(
            "wrote the reports' sections and published one ({made} records) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let made = import::generate(db).await?;
        eprintln!(
            "imported the example of an old register in both centres ({made} rows) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if let Pool::Postgres(p) = db.pool() {
            // VACUUM too, as autovacuum would on a live system: it marks the pages all
            // visible, so the reports' index-only reads of persons need no heap.
            sqlx::query("VACUUM ANALYZE").execute(p).await?;
        } else if let Pool::Sqlite(p) = db.pool() {
            sqlx::query("ANALYZE").execute(p).await?;
        }
    }
    Ok(users)
}

pub(crate) use skrb_kit::progress::Progress;

/// Rows of one batch, for every table the demo fills.
#[derive(Default)]
struct Rows {
    persons: Vec<Vec<Cell>>,
    tokens: Vec<Vec<Cell>>,
    households: Vec<Vec<Cell>>,
    members: Vec<Vec<Cell>>,
}

async fn generate(db: &Db, seed: u64, scale: Scale, target: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let places = geo::build(&mut tx, scale).await?;
    let mut next_person = bulk::next_id(&mut tx, "person").await?;
    let mut next_household = bulk::next_id(&mut tx, "household").await?;
    let mut next_member = bulk::next_id(&mut tx, "household_member").await?;
    tx.commit().await?;
    let today = OffsetDateTime::now_utc().date();
    let now = OffsetDateTime::now_utc();
    let since = Date::from_calendar_date(2015, Month::January, 1).unwrap_or(today);
    let mut g = people::Gen::new(StdRng::seed_from_u64(seed), today, &places);
    let mut progress = Progress::new("persons", target);
    let (mut made, mut households) = (0usize, 0usize);
    while made < target {
        let mut rows = Rows::default();
        while rows.persons.len() < BATCH && made + rows.persons.len() < target {
            let h = g.household();
            let hid = next_household;
            next_household += 1;
            rows.households.push(vec![
                hid.into(),
                h.street.as_str().into(),
                h.place.postal_code.as_str().into(),
                h.place.place.as_str().into(),
                h.place.municipality_id.into(),
                1i64.into(),
                now.into(),
            ]);
            for (d, rel) in h.members {
                let id = next_person;
                next_person += 1;
                rows.tokens
                    .extend(persons::bulk_tokens(id, Some(h.place.centre_id), &d));
                let from = d.birth_date.map_or(today, |b| b.max(since));
                rows.members.push(vec![
                    next_member.into(),
                    hid.into(),
                    id.into(),
                    rel.code().into(),
                    from.into(),
                    now.into(),
                ]);
                next_member += 1;
                rows.persons.push(persons::bulk_row(
                    id,
                    &d,
                    None,
                    Some(h.place.centre_id),
                    now,
                ));
            }
            households += 1;
        }
        let mut tx = db.begin().await?;
        bulk::insert(
            &mut tx,
            "household",
            &[
                "id",
                "address",
                "postal_code",
                "place",
                "municipality_id",
                "version",
                "created_at",
            ],
            &rows.households,
        )
        .await?;
        bulk::insert(&mut tx, "person", &persons::BULK_COLUMNS, &rows.persons).await?;
        bulk::insert(
            &mut tx,
            "person_token",
            &persons::TOKEN_COLUMNS,
            &rows.tokens,
        )
        .await?;
        bulk::insert(
            &mut tx,
            "household_member",
            &[
                "id",
                "household_id",
                "person_id",
                "relationship",
                "valid_from",
                "created_at",
            ],
            &rows.members,
        )
        .await?;
        tx.commit().await?;
        made += rows.persons.len();
        progress.show(made);
    }
    let mut tx = db.begin().await?;
    for table in ["person", "household", "household_member"] {
        bulk::sync_identity(&mut tx, table).await?;
    }
    let e = Event::about(Action::Generate, "demo");
    let scale_name = format!("{scale:?}").to_lowercase();
    audit::record(
        &mut tx,
        &Actor::system("demo"),
        e.detail(serde_json::json!({
            "seed": seed, "scale": scale_name, "persons": made, "households": households,
            "seconds": started.elapsed().as_secs_f64(),
        })),
    )
    .await?;
    tx.commit().await?;
    if let Pool::Postgres(p) = db.pool() {
        // Fresh statistics, so the planner knows the tables are big, and the visibility
        // map, so the reports' index-only reads of persons need no heap.
        sqlx::query("VACUUM ANALYZE").execute(p).await?;
    } else if let Pool::Sqlite(p) = db.pool() {
        sqlx::query("ANALYZE").execute(p).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {made} persons in {households} households in {secs:.1} s ({:.0} persons/s)",
        made as f64 / secs.max(0.001)
    );
    Ok(())
}

/// About one in two hundred files of the home centre is restricted to the demo social
/// worker, so restricted files show up in searches and journeys as they would.
async fn restrict_some(db: &Db) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let user: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM app_user WHERE username = 'socialna'").fetch_optional(c).await?);
    let Some(user) = user else { return Ok(()) };
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE person SET restricted = TRUE WHERE id % 200 = 7 AND centre_id = (SELECT id FROM centre WHERE code = 'csd-velenje')")
        .execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query(
        "INSERT INTO person_team (person_id, user_id) SELECT id, $1 FROM person WHERE restricted = TRUE")
        .bind(user).execute(c).await?.rows_affected());
    let e = Event::about(Action::Restrict, "demo");
    audit::record(
        &mut tx,
        &Actor::system("demo"),
        e.detail(serde_json::json!({ "restricted": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
        // Approves what finance calculated (the second person).
        (
            "direktor",
            "Darja Direktorica",
            Role::Director,
            Some("csd-velenje"),
        ),
        ("revizor", "Rok Revizor", Role::Auditor, Some("csd-velenje")),
        // A school's counsellor: sees the referrals to the school only.
        ("sola", "Mojca Šolska", Role::Partner, Some("csd-velenje")),
        // Home help: the co-ordinator plans the carers' week; the carer records visits
        // on her phone.
        (
            "oskrba",
            "Olga Oskrbnica",
            Role::HomeHelpCoordinator,
            Some("csd-velenje"),
        ),
        (
            "negovalka",
            "Nina Negovalka",
            Role::HomeHelpWorker,
            Some("csd-velenje"),
        ),
        (
            "trebinje",
            "Јелена Јовановић",
            Role::SocialWorker,
            Some("csr-trebinje"),
        ),
        // Approves Trebinje's programme lists (the second person).
        (
            "trebinje-vodja",
            "Милан Савић",
            Role::HeadOfUnit,
            Some("csr-trebinje"),
        ),
        // Trebinje's director: approves the action plan's progress updates.
        (
            "trebinje-direktor",
            "Бранка Милић",
            Role::Director,
            Some("csr-trebinje"),
        ),
        // The Red Cross's counter in Trebinje: redeems firewood vouchers.
        (
            "crveni-krst",
            "Драгана Петровић",
            Role::Partner,
            Some("csr-trebinje"),
        ),
        ("ministrstvo", "Mojca Ministrska", Role::Ministry, None),
    ];
    let mut out = Vec::new();
    let centres: Vec<String> =
        sql_pool!(db, p => sqlx::query_scalar("SELECT code FROM centre").fetch_all(p).await?);
    for (user, name, role, centre) in accounts {
        // At the centre scale there is no Trebinje, and no Trebinje account.
        if centre.is_some_and(|c| !centres.iter().any(|x| x == c)) {
            continue;
        }
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
