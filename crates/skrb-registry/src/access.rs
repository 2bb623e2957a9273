//! Who may open which person's file: the data scope (a user's centre) and restricted
//! files (the assigned team, or whoever broke the glass with a reason).
//!
//! Every use case that reads or changes a person calls [`check`] inside its transaction,
//! so the rule cannot be skipped by a new page or endpoint.

use skrb_kit::ids::PersonId;

use skrb_kit::audit::{Actor, Scope};
use skrb_kit::db::Tx;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;

#[derive(sqlx::FromRow)]
struct Guarded {
    centre_id: Option<i64>,
    restricted: bool,
}

fn in_centre(scope: &Scope, centre: Option<i64>) -> bool {
    scope.all_centres || scope.centre_id == centre
}

/// Whether the user is on the person's team or has a live glass break.
pub async fn on_team_or_glass(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    person: PersonId,
) -> Result<bool, sqlx::Error> {
    let person_id = person.get();
    let n: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM person_team WHERE person_id = $1 AND user_id = $2) + \
                (SELECT COUNT(*) FROM glass_break WHERE person_id = $1 AND user_id = $2 AND expires_at > $3)")
        .bind(person_id).bind(user_id).bind(actor.now).fetch_one(c).await?);
    Ok(n > 0)
}

/// Refuses a person outside the actor's reach: not found, another centre's, or
/// restricted to a team the actor is not on.
pub async fn check(tx: &mut Tx, actor: &Actor, person: PersonId) -> AppResult<()> {
    let person_id = person.get();
    let row: Option<Guarded> = sql!(tx, c => sqlx::query_as(
        "SELECT centre_id, restricted FROM person WHERE id = $1")
        .bind(person_id).fetch_optional(c).await?);
    let row = row.ok_or(AppError::NotFound)?;
    let Some(scope) = actor.scope else {
        return Ok(());
    };
    if !in_centre(&scope, row.centre_id) {
        return Err(AppError::Refused(Msg::new("out-of-scope")));
    }
    if row.restricted && !on_team_or_glass(tx, actor, scope.user_id, person).await? {
        return Err(AppError::Restricted {
            person_id,
            may_break: scope.may_break_glass,
        });
    }
    Ok(())
}

/// Whether the actor may see the person (for lists that mask rather than refuse).
pub async fn visible(tx: &mut Tx, actor: &Actor, person: PersonId) -> Result<bool, sqlx::Error> {
    match check(tx, actor, person).await {
        Ok(()) => Ok(true),
        Err(AppError::Internal(e)) => Err(sqlx::Error::Protocol(format!("{e:#}"))),
        Err(_) => Ok(false),
    }
}

/// A SQL condition on `p` (the person table) that keeps rows of the actor's centre.
/// Ids are numbers from the session, never user input.
pub fn centre_filter(actor: &Actor) -> String {
    match actor.scope {
        Some(s) if !s.all_centres => match s.centre_id {
            Some(c) => format!(" AND p.centre_id = {c}"),
            None => " AND p.centre_id IS NULL".into(),
        },
        _ => String::new(),
    }
}

/// The same centre condition on the search index (`person_token`), so that a search
/// scans only the user's centre's slice of it.
pub fn token_centre_filter(actor: &Actor) -> String {
    match actor.scope {
        Some(s) if !s.all_centres => match s.centre_id {
            Some(c) => format!(" AND centre_id = {c}"),
            None => " AND centre_id IS NULL".into(),
        },
        _ => String::new(),
    }
}

/// [`centre_filter`], and restricted files only for their team.
pub fn filter(actor: &Actor) -> String {
    format!("{}{}", centre_filter(actor), restricted_filter(actor))
}

/// Leaves out the rows whose person (`col`) is restricted to a team the actor is not on;
/// the set of restricted persons is small and indexed (`person_restricted`), so a list
/// needs no person row for the check.
pub fn restricted_person_exclusion(actor: &Actor, col: &str) -> String {
    let Some(s) = actor.scope else {
        return String::new();
    };
    format!(
        " AND {col} NOT IN (SELECT rp.id FROM person rp WHERE rp.restricted = TRUE AND NOT EXISTS \
         (SELECT 1 FROM person_team pt WHERE pt.person_id = rp.id AND pt.user_id = {}))",
        s.user_id
    )
}

/// A SQL condition on `p`: whether the actor may see this person's name in a list (not
/// restricted, or restricted to a team the actor is on). Downloads show "—" for the rest
/// rather than drop the row, so that the list still counts them.
pub fn name_visible(actor: &Actor) -> String {
    match actor.scope {
        None => "TRUE".into(),
        Some(s) => format!(
            "(p.restricted = FALSE OR EXISTS (SELECT 1 FROM person_team pt WHERE pt.person_id = p.id AND pt.user_id = {}))",
            s.user_id
        ),
    }
}

/// Restricted persons only for their team: a condition on `p`, for lists whose rows are
/// already kept to the actor's centre by another table (a case file's centre), so that
/// the person table does not become the driver of the query.
pub fn restricted_filter(actor: &Actor) -> String {
    let Some(s) = actor.scope else {
        return String::new();
    };
    format!(
        " AND (p.restricted = FALSE OR EXISTS (SELECT 1 FROM person_team pt \
         WHERE pt.person_id = p.id AND pt.user_id = {}))",
        s.user_id
    )
}
