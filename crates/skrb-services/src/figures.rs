//! Home help and counted services in figures, for a month: users, visits and hours by
//! carer and municipality, sessions by service and worker, money by who pays it, and
//! the waiting list's length and waiting time. Aggregates only: no person is named.

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Row {
    /// The carer, municipality, service or worker.
    pub label: String,
    pub users: i64,
    pub visits: i64,
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// YYYY-MM
    pub month: String,
    pub users: i64,
    pub visits: i64,
    pub minutes: i64,
    pub not_home: i64,
    pub by_carer: Vec<Row>,
    pub by_municipality: Vec<Row>,
    /// Counted services (sessions) by service code.
    pub by_service: Vec<Row>,
    pub by_worker: Vec<Row>,
    pub billed_users: i64,
    pub billed_subsidy: i64,
    pub billed_exempted: i64,
    pub currency: String,
    pub waiting: i64,
    /// Average days waited by those still waiting.
    pub waiting_days: i64,
    pub active: i64,
}

pub async fn month(db: &Db, actor: &Actor, month: Date) -> AppResult<Figures> {
    let first = month.replace_day(1).unwrap_or(month);
    let last = crate::month_end(first);
    let centre = skrb_kit::scope::centre_of(actor);
    let today = actor.today();
    let mut tx = db.begin_read().await?;
    let (users, visits, minutes, not_home): (i64, i64, Option<i64>, i64) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT COUNT(DISTINCT CASE WHEN status = 'done' THEN person_id END), CAST(COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN status = 'done' THEN delivered_minutes ELSE 0 END), 0) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN status = 'not_home' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM hh_visit WHERE day BETWEEN $1 AND $2 AND ($3 IS NULL OR centre_id = $3)")
        .bind(first).bind(last).bind(centre).fetch_one(c).await?);
    let by_carer = sql!(&mut tx, c => sqlx::query_as::<_, Row>(
        "SELECT h.name AS label, COUNT(DISTINCT v.person_id) AS users, COUNT(*) AS visits, CAST(COALESCE(SUM(v.delivered_minutes), 0) AS BIGINT) AS minutes \
         FROM hh_visit v JOIN hh_carer h ON h.id = v.carer_id WHERE v.status = 'done' AND v.day BETWEEN $1 AND $2 \
         AND ($3 IS NULL OR v.centre_id = $3) GROUP BY h.name ORDER BY h.name")
        .bind(first).bind(last).bind(centre).fetch_all(c).await?);
    let by_municipality = sql!(&mut tx, c => sqlx::query_as::<_, Row>(
        "SELECT m.name AS label, COUNT(DISTINCT v.person_id) AS users, COUNT(*) AS visits, CAST(COALESCE(SUM(v.delivered_minutes), 0) AS BIGINT) AS minutes \
         FROM hh_visit v JOIN hh_agreement a ON a.id = v.agreement_id JOIN municipality m ON m.id = a.municipality_id \
         WHERE v.status = 'done' AND v.day BETWEEN $1 AND $2 AND ($3 IS NULL OR v.centre_id = $3) GROUP BY m.name ORDER BY m.name")
        .bind(first).bind(last).bind(centre).fetch_all(c).await?);
    let by_service = sql!(&mut tx, c => sqlx::query_as::<_, Row>(
        "SELECT t.code AS label, COUNT(DISTINCT s.person_id) AS users, COUNT(*) AS visits, CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) AS minutes \
         FROM service_session s JOIN service_type t ON t.id = s.service_id WHERE s.held_on BETWEEN $1 AND $2 \
         AND ($3 IS NULL OR s.centre_id = $3) GROUP BY t.code ORDER BY t.code")
        .bind(first).bind(last).bind(centre).fetch_all(c).await?);
    let by_worker = sql!(&mut tx, c => sqlx::query_as::<_, Row>(
        "SELECT u.display_name AS label, COUNT(DISTINCT s.person_id) AS users, COUNT(*) AS visits, CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) AS minutes \
         FROM service_session s JOIN app_user u ON u.id = s.worker_id WHERE s.held_on BETWEEN $1 AND $2 \
         AND ($3 IS NULL OR s.centre_id = $3) GROUP BY u.display_name ORDER BY u.display_name")
        .bind(first).bind(last).bind(centre).fetch_all(c).await?);
    let (bu, bs, be, cur): (Option<i64>, Option<i64>, Option<i64>, Option<String>) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), CAST(COALESCE(SUM(subsidy), 0) AS BIGINT), CAST(COALESCE(SUM(exempted), 0) AS BIGINT), MIN(currency) FROM hh_invoice WHERE month = $1 AND ($2 IS NULL OR centre_id = $2)")
        .bind(crate::month_code(first)).bind(centre).fetch_one(c).await?);
    let waiting_since: Vec<Date> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT requested_on FROM hh_agreement WHERE status = 'waiting' AND ($1 IS NULL OR centre_id = $1)")
        .bind(centre).fetch_all(c).await?);
    let active: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM hh_agreement WHERE status = 'active' AND ($1 IS NULL OR centre_id = $1)")
        .bind(centre).fetch_one(c).await?);
    let centre_currency: Option<String> = sql!(&mut tx, c => sqlx::query_scalar("SELECT currency FROM centre WHERE id = $1")
        .bind(centre.unwrap_or(-1)).fetch_optional(c).await?);
    tx.commit().await?;
    let waiting = waiting_since.len() as i64;
    let waited: i64 = waiting_since
        .iter()
        .map(|d| (today - *d).whole_days())
        .sum();
    Ok(Figures {
        month: crate::month_code(first),
        users,
        visits,
        minutes: minutes.unwrap_or(0),
        not_home,
        by_carer,
        by_municipality,
        by_service,
        by_worker,
        billed_users: bu.unwrap_or(0),
        billed_subsidy: bs.unwrap_or(0),
        billed_exempted: be.unwrap_or(0),
        currency: cur.or(centre_currency).unwrap_or_else(|| "EUR".into()),
        waiting,
        waiting_days: if waiting > 0 { waited / waiting } else { 0 },
        active,
    })
}
