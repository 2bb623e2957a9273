//! Retention: records past their period are anonymised or deleted (`skrb retention run`).
//!
//! Persons are anonymised, not deleted, so counts by sex, birth year and municipality
//! stay true for statistics. The run is a dry run unless told to apply, and each kind of
//! record is handled with one set-based statement, not row by row. The audit log is
//! kept whole: it is append-only, and its own retention is a matter of archiving the
//! verified chain (see SECURITY.md).

use skrb_kit::audit::Action;
use time::{Duration, OffsetDateTime};

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::config::Retention;
use skrb_kit::db::{Db, Tx};
use skrb_kit::sql;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub persons_anonymised: u64,
    pub memberships_deleted: u64,
    pub api_tokens_deleted: u64,
    pub glass_breaks_deleted: u64,
    pub sessions_deleted: u64,
    pub login_failures_deleted: u64,
}

/// Persons with no current household, no case file open or closed since `before`, no
/// intake since then, no application since then and no entitlement in force or ended
/// since then, and whose record has not changed since `before`.
const INACTIVE: &str = "anonymised_at IS NULL AND updated_at < $1 AND NOT EXISTS \
    (SELECT 1 FROM household_member hm WHERE hm.person_id = person.id AND hm.valid_to IS NULL) \
    AND NOT EXISTS (SELECT 1 FROM case_file cf WHERE cf.person_id = person.id \
        AND (cf.status <> 'closed' OR cf.closed_on IS NULL OR cf.closed_on >= $1)) \
    AND NOT EXISTS (SELECT 1 FROM intake i WHERE i.person_id = person.id AND i.at >= $1) \
    AND NOT EXISTS (SELECT 1 FROM application ap WHERE ap.person_id = person.id AND ap.created_at >= $1) \
    AND NOT EXISTS (SELECT 1 FROM entitlement en WHERE en.person_id = person.id \
        AND (en.status <> 'ended' OR en.valid_to IS NULL OR en.valid_to >= $1))";

async fn count(tx: &mut Tx, sql_text: &str, at: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let n: i64 = sql!(tx, c => sqlx::query_scalar(sql_text).bind(at).fetch_one(c).await?);
    Ok(n.max(0) as u64)
}

async fn exec(tx: &mut Tx, sql_text: &str, at: OffsetDateTime) -> Result<u64, sqlx::Error> {
    Ok(sql!(tx, c => sqlx::query(sql_text).bind(at).execute(c).await?.rows_affected()))
}

/// Runs retention as of `now`. With `apply = false` nothing changes and the report says
/// what would.
pub async fn run(
    db: &Db,
    actor: &Actor,
    r: &Retention,
    now: OffsetDateTime,
    apply: bool,
) -> Result<Report, sqlx::Error> {
    let years = |y: u32| now - Duration::days(365 * i64::from(y) + i64::from(y / 4));
    let person_before = years(r.person_inactive_years);
    let member_before = years(r.membership_ended_years);
    let token_before = now - Duration::days(i64::from(r.api_token_days));
    let glass_before = years(r.glass_break_years);
    let window = now - skrb_kit::auth::throttle::WINDOW;
    let mut tx = db.begin().await?;
    let member_before_date = member_before.date();
    let memberships: u64 = {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM household_member WHERE valid_to IS NOT NULL AND valid_to < $1")
            .bind(member_before_date).fetch_one(c).await?);
        n.max(0) as u64
    };
    let mut report = Report {
        persons_anonymised: count(
            &mut tx,
            &format!("SELECT COUNT(*) FROM person WHERE {INACTIVE}"),
            person_before,
        )
        .await?,
        memberships_deleted: memberships,
        api_tokens_deleted: count(
            &mut tx,
            "SELECT COUNT(*) FROM api_token WHERE expires_at < $1 OR revoked_at < $1",
            token_before,
        )
        .await?,
        glass_breaks_deleted: count(
            &mut tx,
            "SELECT COUNT(*) FROM glass_break WHERE reviewed_at < $1",
            glass_before,
        )
        .await?,
        sessions_deleted: count(
            &mut tx,
            "SELECT COUNT(*) FROM session WHERE expires_at < $1",
            now,
        )
        .await?,
        login_failures_deleted: count(
            &mut tx,
            "SELECT COUNT(*) FROM login_failure WHERE at < $1",
            window,
        )
        .await?,
    };
    if apply {
        // Names become a placeholder; identifying fields are emptied; sex, birth year
        // (1 January of it) and municipality stay for statistics.
        let anonymise = format!(
            "UPDATE person SET given_name = '-', family_name = '-', emso = NULL, \
             identity_override_reason = NULL, citizenship = NULL, address = NULL, postal_code = NULL, \
             place = NULL, phone = NULL, email = NULL, iban = NULL, notes = NULL, name_key = '-', \
             version = version + 1, anonymised_at = $2 WHERE {INACTIVE}"
        );
        let birth_year = match &tx {
            Tx::Sqlite(_) => {
                "UPDATE person SET birth_date = substr(birth_date, 1, 4) || '-01-01' \
                              WHERE anonymised_at = $1 AND birth_date IS NOT NULL"
            }
            Tx::Postgres(_) => {
                "UPDATE person SET birth_date = date_trunc('year', birth_date)::date \
                                WHERE anonymised_at = $1 AND birth_date IS NOT NULL"
            }
        };
        let n = sql!(&mut tx, c => sqlx::query(&anonymise).bind(person_before).bind(now).execute(c).await?.rows_affected());
        report.persons_anonymised = n;
        exec(&mut tx, birth_year, now).await?;
        exec(&mut tx, "DELETE FROM person_token WHERE person_id IN (SELECT id FROM person WHERE anonymised_at = $1)", now).await?;
        report.memberships_deleted = sql!(&mut tx, c => sqlx::query(
            "DELETE FROM household_member WHERE valid_to IS NOT NULL AND valid_to < $1")
            .bind(member_before_date).execute(c).await?.rows_affected());
        report.api_tokens_deleted = exec(
            &mut tx,
            "DELETE FROM api_token WHERE expires_at < $1 OR revoked_at < $1",
            token_before,
        )
        .await?;
        report.glass_breaks_deleted = exec(
            &mut tx,
            "DELETE FROM glass_break WHERE reviewed_at < $1",
            glass_before,
        )
        .await?;
        report.sessions_deleted =
            exec(&mut tx, "DELETE FROM session WHERE expires_at < $1", now).await?;
        report.login_failures_deleted =
            exec(&mut tx, "DELETE FROM login_failure WHERE at < $1", window).await?;
    }
    let action = if apply {
        Action::RetentionRun
    } else {
        Action::RetentionDryRun
    };
    let e = Event::about(action, "retention");
    audit::record(
        &mut tx,
        actor,
        e.detail(serde_json::to_value(&report).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}
