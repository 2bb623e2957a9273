//! Community actions for groups at risk (a New Year's party for children, a day for the
//! elderly, a clean-up with the Roma settlement): when, what, where, with which
//! partners, and how many came by group. No names: an action counts people.

use skrb_domain::programmes::Group;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use std::collections::BTreeMap;
use time::Date;

/// An action as read: id, day, name, place, note.
type ActionRow = (i64, Date, String, Option<String>, Option<String>);

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommunityAction)]
pub struct CommunityAction {
    pub id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub name: String,
    pub place: Option<String>,
    pub note: Option<String>,
    pub partners: Vec<String>,
    /// Participants by group (children, youth, adults, elderly, disabled, families).
    pub groups: BTreeMap<String, i64>,
    pub participants: i64,
}

/// The centre's actions of a year, newest first.
pub async fn list(db: &Db, actor: &Actor, year: i32) -> AppResult<Vec<CommunityAction>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let (from, to) = crate::year_of(year).ok_or(AppError::NotFound)?;
    let mut tx = db.begin_read().await?;
    let rows: Vec<ActionRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, held_on, name, place, note FROM community_action WHERE centre_id = $1 AND held_on BETWEEN $2 AND $3 ORDER BY held_on DESC, id DESC")
        .bind(centre).bind(from).bind(to).fetch_all(c).await?);
    let partners: Vec<(i64, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT ap.action_id, p.name FROM community_action_partner ap JOIN partner p ON p.id = ap.partner_id \
         JOIN community_action a ON a.id = ap.action_id WHERE a.centre_id = $1 AND a.held_on BETWEEN $2 AND $3 ORDER BY p.name")
        .bind(centre).bind(from).bind(to).fetch_all(c).await?);
    let groups: Vec<(i64, String, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT g.action_id, g.grp, g.participants FROM community_action_group g JOIN community_action a ON a.id = g.action_id \
         WHERE a.centre_id = $1 AND a.held_on BETWEEN $2 AND $3")
        .bind(centre).bind(from).bind(to).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, held_on, name, place, note)| {
            let groups: BTreeMap<String, i64> = groups
                .iter()
                .filter(|g| g.0 == id)
                .map(|g| (g.1.clone(), g.2))
                .collect();
            CommunityAction {
                id,
                held_on,
                name,
                place,
                note,
                partners: partners
                    .iter()
                    .filter(|p| p.0 == id)
                    .map(|p| p.1.clone())
                    .collect(),
                participants: groups.values().sum(),
                groups,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = CommunityActionForm)]
pub struct ActionForm {
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    /// Partners of the directory who took part.
    #[serde(deserialize_with = "skrb_kit::form::lenient_list")]
    pub partner_id: String,
    #[serde(deserialize_with = "lenient")]
    pub children: String,
    #[serde(deserialize_with = "lenient")]
    pub youth: String,
    #[serde(deserialize_with = "lenient")]
    pub adults: String,
    #[serde(deserialize_with = "lenient")]
    pub elderly: String,
    #[serde(deserialize_with = "lenient")]
    pub disabled: String,
    #[serde(deserialize_with = "lenient")]
    pub families: String,
}

impl ActionForm {
    fn count(&self, g: Group) -> &str {
        match g {
            Group::Children => &self.children,
            Group::Youth => &self.youth,
            Group::Adults => &self.adults,
            Group::Elderly => &self.elderly,
            Group::Disabled => &self.disabled,
            Group::Families => &self.families,
        }
    }
}

pub async fn create(db: &Db, actor: &Actor, f: &ActionForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let held_on = ck.date("held_on", &f.held_on, true);
    let name = ck.text("name", &f.name, true, 200);
    let place = ck.text("place", &f.place, false, 200);
    let note = ck.text("note", &f.note, false, 2000);
    let mut counts = Vec::new();
    for g in Group::ALL {
        let field = g.code();
        if let Some(n) = ck.number(field, f.count(*g), false, 100_000) {
            if n > 0 {
                counts.push((field, n));
            }
        }
    }
    if counts.is_empty() {
        ck.err("children", "programmes-err-participants");
    }
    let mut partners = Vec::new();
    for p in skrb_kit::form::items(&f.partner_id) {
        if let Some(id) = ck.id("partner_id", p, false) {
            partners.push(id);
        }
    }
    partners.sort_unstable();
    partners.dedup();
    let mut tx = db.begin().await?;
    for p in &partners {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM partner WHERE id = $1 AND (centre_id = $2 OR centre_id IS NULL)").bind(p).bind(centre).fetch_one(c).await?);
        if ok == 0 {
            ck.err("partner_id", "err-choice");
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO community_action (centre_id, held_on, name, place, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(centre).bind(held_on).bind(&name).bind(&place).bind(&note).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    for p in &partners {
        sql!(&mut tx, c => sqlx::query("INSERT INTO community_action_partner (action_id, partner_id) VALUES ($1, $2)")
            .bind(id).bind(p).execute(c).await?.rows_affected());
    }
    for (g, n) in &counts {
        sql!(&mut tx, c => sqlx::query("INSERT INTO community_action_group (action_id, grp, participants) VALUES ($1, $2, $3)")
            .bind(id).bind(*g).bind(n).execute(c).await?.rows_affected());
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "community_action", id)
            .detail(serde_json::json!({ "name": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
