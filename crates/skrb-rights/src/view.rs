//! An application as its page shows it (the application, its decisions, appeals,
//! entitlements and the commission's findings, read in one transaction), and what a
//! person's export holds of rights. Assembled here from the modules that keep each part,
//! so that none of them needs another.

use skrb_domain::rights::Calculation;
use skrb_kit::audit::Action;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;

use super::applications::{guard, of_person, Application};
use super::catalogue::{self, RightType};

/// Everything the application page shows, read in one transaction with one audit
/// record.
pub struct ApplicationView {
    pub application: Application,
    pub right: RightType,
    pub person_name: String,
    pub decisions: Vec<super::decisions::Decision>,
    pub appeals: Vec<super::appeals::Appeal>,
    pub entitlements: Vec<super::decisions::Entitlement>,
    pub findings: Vec<super::commissions::Item>,
    /// The calculation on the current input for the first month (or why it fails).
    pub preview: Result<Calculation, AppError>,
    pub officer: Option<String>,
}

pub async fn view(db: &Db, actor: &Actor, id: i64) -> AppResult<ApplicationView> {
    let mut tx = db.begin_read().await?;
    let a = guard(&mut tx, actor, id).await?;
    let right = catalogue::get(&mut tx, a.right_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let person_name: String = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT given_name || ' ' || family_name FROM person WHERE id = $1").bind(a.person_id).fetch_one(c).await?);
    let decisions = super::decisions::of_application(&mut tx, a.id).await?;
    let appeals = super::appeals::of_application(&mut tx, a.id).await?;
    let entitlements =
        super::decisions::entitlements_of(&mut tx, a.person_id, Some(a.right_id)).await?;
    let findings = super::commissions::findings_of(&mut tx, a.person_id).await?;
    let preview = if right.calc() == skrb_domain::rights::Calculator::None {
        Err(AppError::NotFound)
    } else {
        catalogue::run(&mut tx, &right, &a.household(), a.first_day())
            .await
            .map(|(c, _)| c)
    };
    let officer = super::user_name(&mut tx, a.officer_id).await.ok();
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::Read, "application", id).person(a.person_id),
    )
    .await?;
    Ok(ApplicationView {
        application: a,
        right,
        person_name,
        decisions,
        appeals,
        entitlements,
        findings,
        preview,
        officer,
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

/// What the subject-access export holds of rights: applications, decisions (with what
/// they rest on, without the document's bytes) and entitlements.
pub async fn export_of_person(
    tx: &mut Tx,
    person: PersonId,
) -> Result<serde_json::Value, sqlx::Error> {
    let apps = of_person(tx, person).await?;
    let q = format!(
        "SELECT {} FROM decision WHERE person_id = $1 ORDER BY id",
        super::decisions::DECISION_COLS
    );
    let decisions: Vec<super::decisions::Decision> =
        sql!(tx, c => sqlx::query_as(&q).bind(person).fetch_all(c).await?);
    let ents = super::decisions::entitlements_of(tx, person, None).await?;
    Ok(serde_json::json!({
        "applications": apps,
        "decisions": decisions.iter().map(|d| serde_json::json!({
            "decision": d, "inputs": serde_json::from_str::<serde_json::Value>(&d.inputs).unwrap_or_default()
        })).collect::<Vec<_>>(),
        "entitlements": ents,
    }))
}
