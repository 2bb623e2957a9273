//! Who may open which case file. A file is in a centre; a restricted file (domestic
//! violence, child protection) is open to its worker, its team, and whoever broke the
//! glass on its person with a reason. The person's own restriction applies as well.
//! Changes are for the worker, the team and those who manage cases.

use skrb_domain::cases::FileStatus;
use skrb_kit::audit::Actor;
use skrb_kit::db::Tx;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;

/// What the access rules need of a file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Guard {
    pub id: i64,
    pub centre_id: i64,
    pub person_id: PersonId,
    pub worker_id: i64,
    pub restricted: bool,
    #[sqlx(try_from = "String")]
    pub status: FileStatus,
    pub version: i64,
}

async fn on_team(tx: &mut Tx, case_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sql!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_team WHERE case_id = $1 AND user_id = $2")
        .bind(case_id).bind(user_id).fetch_one(c).await?);
    Ok(n > 0)
}

/// Refuses a file outside the actor's reach; returns what the caller needs of it.
pub async fn check(tx: &mut Tx, actor: &Actor, case_id: i64) -> AppResult<Guard> {
    let g: Option<Guard> = sql!(tx, c => sqlx::query_as(
        "SELECT id, centre_id, person_id, worker_id, restricted, status, version FROM case_file WHERE id = $1")
        .bind(case_id).fetch_optional(c).await?);
    let g = g.ok_or(AppError::NotFound)?;
    let Some(scope) = actor.scope else {
        return Ok(g);
    };
    if !scope.all_centres && scope.centre_id != Some(g.centre_id) {
        return Err(AppError::Refused(Msg::new("out-of-scope")));
    }
    skrb_registry::access::check(tx, actor, g.person_id).await?;
    if g.restricted
        && g.worker_id != scope.user_id
        && !on_team(tx, g.id, scope.user_id).await?
        && !skrb_registry::access::on_team_or_glass(tx, actor, scope.user_id, g.person_id).await?
    {
        return Err(AppError::Restricted {
            person_id: g.person_id.get(),
            may_break: scope.may_break_glass,
        });
    }
    Ok(g)
}

/// [`check`], and the actor works the file: its worker, on its team, or managing cases.
pub async fn check_write(
    tx: &mut Tx,
    actor: &Actor,
    case_id: i64,
    manages: bool,
) -> AppResult<Guard> {
    let g = check(tx, actor, case_id).await?;
    let Some(scope) = actor.scope else {
        return Ok(g);
    };
    if manages || g.worker_id == scope.user_id || on_team(tx, g.id, scope.user_id).await? {
        Ok(g)
    } else {
        Err(AppError::Refused(Msg::new("cases-not-yours")))
    }
}

/// A SQL condition on `c` (case_file) alone that keeps the files the actor may list. The centre is the file's (the index on `case_file(centre_id, ...)`
/// drives the query; a condition on the person's centre would make the planner walk the
/// centre's persons instead). Ids come from the session, never from user input.
pub fn filter(actor: &Actor) -> String {
    let Some(s) = actor.scope else {
        return String::new();
    };
    let centre = match (s.all_centres, s.centre_id) {
        (true, _) => String::new(),
        (false, Some(c)) => format!(" AND c.centre_id = {c}"),
        (false, None) => " AND 1 = 0".into(),
    };
    format!(
        "{centre} AND (c.restricted = FALSE OR c.worker_id = {u} OR EXISTS (SELECT 1 FROM case_team ct \
         WHERE ct.case_id = c.id AND ct.user_id = {u})){}",
        skrb_registry::access::restricted_person_exclusion(actor, "c.person_id"),
        u = s.user_id
    )
}
