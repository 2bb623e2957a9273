//! Indicators Skrb computes from its own data, for a centre over a period: each a
//! numerator over a denominator, both shown, so a director can say what the share is of
//! (and a share with nothing to divide is no share, not 0 %). The catalogue of what can be
//! computed is `skrb_domain::year::Measure`; anything else is entered by hand.

use skrb_domain::year::{per_mille, Measure};
use skrb_kit::clock::Zone;
use skrb_kit::db::Tx;
use skrb_kit::error::AppResult;
use skrb_kit::sql;
use time::{Date, OffsetDateTime};

/// A computed value: the numerator, the denominator, and the share in tenths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
    /// Tenths of a percent (755 is 75.5 %); none when the denominator is 0.
    pub per_mille: Option<i64>,
}

impl Ratio {
    fn of(numerator: i64, denominator: i64) -> Ratio {
        Ratio {
            numerator,
            denominator,
            per_mille: per_mille(numerator, denominator),
        }
    }
}

/// The measure for the centre from `from` to `to` (both included), as it stood on `to`.
pub async fn compute(
    tx: &mut Tx,
    zone: Zone,
    centre: i64,
    measure: Measure,
    from: Date,
    to: Date,
) -> AppResult<Ratio> {
    let (n, d): (i64, i64) = match measure {
        Measure::DecisionsOnTime => sql!(tx, c => sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN d.decided_on <= a.due_on THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) \
             FROM decision d JOIN application a ON a.id = d.application_id \
             WHERE d.centre_id = $1 AND d.kind = 'first' AND d.status = 'issued' AND a.due_on IS NOT NULL AND d.decided_on BETWEEN $2 AND $3")
            .bind(centre).bind(from).bind(to).fetch_one(c).await?),
        Measure::RunsOnTime => {
            // The export is an instant, the execution day a date of the centre: compared
            // here, in the centre's zone, the same on both databases.
            let runs: Vec<(Date, Option<OffsetDateTime>)> = sql!(tx, c => sqlx::query_as(
                "SELECT execution_on, exported_at FROM payment_run WHERE kind = 'monthly' AND (centre_id = $1 OR centre_id IS NULL) \
                 AND execution_on BETWEEN $2 AND $3")
                .bind(centre).bind(from).bind(to).fetch_all(c).await?);
            let on_time = runs
                .iter()
                .filter(|(due, at)| at.is_some_and(|t| zone.date_of(t) <= *due))
                .count() as i64;
            (on_time, runs.len() as i64)
        }
        // The open statuses named (not `<> 'closed'`), so the case lists' index on
        // (centre, status, opened_on) finds the files.
        Measure::FilesWithoutOverdue => sql!(tx, c => sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM task k WHERE k.case_id = f.id AND k.done_at IS NULL AND k.due_on < $2) \
             THEN 0 ELSE 1 END), 0) AS BIGINT), COUNT(*) FROM case_file f WHERE f.centre_id = $1 AND f.status IN ('open', 'on_hold') AND f.opened_on <= $2")
            .bind(centre).bind(to).fetch_one(c).await?),
        Measure::HomeHelpDelivered => sql!(tx, c => sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'done' THEN COALESCE(delivered_minutes, minutes) ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM hh_visit WHERE centre_id = $1 AND status <> 'cancelled' AND day BETWEEN $2 AND $3")
            .bind(centre).bind(from).bind(to).fetch_one(c).await?),
        Measure::ProgrammeReach => sql!(tx, c => sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN e.entitlement_id IS NOT NULL OR EXISTS \
             (SELECT 1 FROM distribution d WHERE d.entry_id = e.id AND d.handed_on <= $3) THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) \
             FROM programme_entry e JOIN programme p ON p.id = e.programme_id WHERE p.centre_id = $1 AND p.list_status = 'approved' \
             AND e.removed = FALSE AND p.period_from <= $3 AND p.period_to >= $2")
            .bind(centre).bind(from).bind(to).fetch_one(c).await?),
    };
    Ok(Ratio::of(n, d))
}
