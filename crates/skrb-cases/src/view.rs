//! A case file as its page shows it: the file with its team, transfers, contact log,
//! attachments, plans, tasks, referrals and domestic-violence co-ordination, read in one
//! transaction; and everything of a person's files for their export. Assembled here
//! from the modules that keep each part, so that none of them needs another.

use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::OffsetDateTime;

use super::access;
use super::files::{CaseFile, TeamMember, Transfer};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::sql;

/// Everything on a file's page, read in one transaction.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub file: CaseFile,
    pub team: Vec<TeamMember>,
    pub transfers: Vec<Transfer>,
    pub entries: Vec<super::log::Entry>,
    pub attachments: Vec<super::log::AttachmentMeta>,
    pub plans: Vec<super::plans::Plan>,
    pub tasks: Vec<super::tasks::Task>,
    pub referrals: Vec<crate::referrals::Referral>,
    pub violence: Option<super::violence::Violence>,
    /// The reader's unsaved note on this file, if the autosave kept one.
    pub draft: Option<String>,
}

impl CaseView {
    pub fn open_tasks(&self) -> usize {
        self.tasks.iter().filter(|t| t.done_at.is_none()).count()
    }
}

/// A file's page: the file and everything recorded on it; audited as a read.
pub async fn view(db: &Db, actor: &Actor, id: i64) -> AppResult<CaseView> {
    let mut tx = db.begin_read().await?;
    let g = access::check(&mut tx, actor, id).await?;
    let file = super::files::load(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let team = sql!(&mut tx, c => sqlx::query_as::<_, TeamMember>(
        "SELECT t.user_id, u.display_name FROM case_team t JOIN app_user u ON u.id = t.user_id \
         WHERE t.case_id = $1 ORDER BY u.display_name").bind(id).fetch_all(c).await?);
    let transfers = sql!(&mut tx, c => sqlx::query_as::<_, Transfer>(
        "SELECT fw.display_name AS from_worker, tw.display_name AS to_worker, fu.name AS from_unit, \
         tu.name AS to_unit, x.reason, bu.display_name AS by_user, x.at FROM case_transfer x \
         LEFT JOIN app_user fw ON fw.id = x.from_worker JOIN app_user tw ON tw.id = x.to_worker \
         LEFT JOIN unit fu ON fu.id = x.from_unit LEFT JOIN unit tu ON tu.id = x.to_unit \
         LEFT JOIN app_user bu ON bu.id = x.by_user WHERE x.case_id = $1 ORDER BY x.id").bind(id).fetch_all(c).await?);
    let entries = super::log::entries(&mut tx, id).await?;
    let attachments = super::log::attachments(&mut tx, id).await?;
    let plans = super::plans::of_case(&mut tx, id).await?;
    let tasks = super::tasks::of_case(&mut tx, id).await?;
    let referrals = crate::referrals::of_case(&mut tx, id).await?;
    let violence = super::violence::of_case(&mut tx, id).await?;
    let draft = match actor.user_id {
        Some(u) => super::log::draft(&mut tx, u, id).await?,
        None => None,
    };
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::Read, "case_file", id).person(g.person_id),
    )
    .await?;
    Ok(CaseView {
        file,
        team,
        transfers,
        entries,
        attachments,
        plans,
        tasks,
        referrals,
        violence,
        draft,
    })
}

/// [`export_of_person`] as the person's export asks for it (registered by the app).
pub fn export_part(
    tx: &mut skrb_kit::db::Tx,
    person_id: PersonId,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<serde_json::Value, sqlx::Error>> + Send + '_>,
> {
    Box::pin(export_of_person(tx, person_id))
}

/// Every file of a person with what is recorded on it, and their intakes, for the
/// subject-access export (attachments as names and hashes; their content on request).
pub async fn export_of_person(
    tx: &mut Tx,
    person_id: PersonId,
) -> Result<serde_json::Value, sqlx::Error> {
    let ids: Vec<i64> = sql!(tx, c => sqlx::query_scalar("SELECT id FROM case_file WHERE person_id = $1 ORDER BY id")
        .bind(person_id).fetch_all(c).await?);
    let mut files = Vec::new();
    for id in ids {
        let Some(file) = super::files::load(tx, id).await? else {
            continue;
        };
        files.push(serde_json::json!({
            "file": file,
            "entries": super::log::entries(tx, id).await?,
            "attachments": super::log::attachments(tx, id).await?,
            "plans": super::plans::of_case(tx, id).await?,
            "tasks": super::tasks::of_case(tx, id).await?,
            "referrals": crate::referrals::of_case(tx, id).await?,
            "violence": super::violence::of_case(tx, id).await?,
        }));
    }
    let intakes: Vec<(OffsetDateTime, String, String, String, Option<String>)> = sql!(tx, c => sqlx::query_as(
        "SELECT at, channel, problem, description, action_taken FROM intake WHERE person_id = $1 ORDER BY at")
        .bind(person_id).fetch_all(c).await?);
    let intakes: Vec<serde_json::Value> = intakes
        .into_iter()
        .map(|(at, channel, problem, description, action)| {
            serde_json::json!({
                "at": at.format(&time::format_description::well_known::Rfc3339).ok(),
                "channel": channel, "problem": problem, "description": description, "action_taken": action
            })
        })
        .collect();
    Ok(serde_json::json!({ "case_files": files, "intakes": intakes }))
}
