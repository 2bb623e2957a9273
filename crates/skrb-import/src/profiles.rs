//! Profiles: a mapping kept under a name, so that next month's file from the same old
//! system is mapped in one choice. A profile is its centre's; saving under a name that
//! exists replaces that profile's mapping.

use serde::Serialize;
use skrb_domain::import::Kind;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::sql;

use crate::check::Settings;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ImportProfile)]
pub struct Profile {
    pub id: i64,
    pub centre_id: i64,
    #[schema(value_type = String, example = "persons")]
    pub kind: Kind,
    pub name: String,
    pub settings: Settings,
    pub version: i64,
}

type ProfileRow = (i64, i64, String, String, String, i64);

fn of(r: ProfileRow) -> Option<Profile> {
    Some(Profile {
        id: r.0,
        centre_id: r.1,
        kind: Kind::from_code(&r.2)?,
        name: r.3,
        settings: serde_json::from_str(&r.4).ok()?,
        version: r.5,
    })
}

/// The profiles of the actor's centre (of one kind, or all); every centre's for a reader
/// of no one centre (a mapping holds no personal data).
pub async fn list(db: &Db, actor: &Actor, kind: Option<Kind>) -> AppResult<Vec<Profile>> {
    let centre = actor.scope.and_then(|s| s.centre_id);
    let mut tx = db.begin_read().await?;
    let rows: Vec<ProfileRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, centre_id, kind, name, settings, version FROM import_profile WHERE ($1 IS NULL OR centre_id = $1) \
         AND ($2 IS NULL OR kind = $2) ORDER BY kind, name")
        .bind(centre).bind(kind.map(|k| k.code())).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows.into_iter().filter_map(of).collect())
}

/// A profile of the actor's centre.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Profile> {
    let mut tx = db.begin_read().await?;
    let row: Option<ProfileRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, centre_id, kind, name, settings, version FROM import_profile WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    tx.commit().await?;
    let p = row.and_then(of).ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, p.centre_id)?;
    Ok(p)
}

/// A profile of the centre by its name.
pub async fn named(db: &Db, centre_id: i64, kind: Kind, name: &str) -> AppResult<Option<i64>> {
    Ok(skrb_kit::sql_pool!(db, p => sqlx::query_scalar(
        "SELECT id FROM import_profile WHERE centre_id = $1 AND kind = $2 AND name = $3")
        .bind(centre_id).bind(kind.code()).bind(name.trim()).fetch_optional(p).await?))
}

/// Keeps a mapping under a name (replacing the centre's profile of that name).
pub async fn save(
    db: &Db,
    actor: &Actor,
    centre_id: i64,
    kind: Kind,
    name: &str,
    settings: &Settings,
) -> AppResult<i64> {
    skrb_kit::scope::same_centre(actor, centre_id)?;
    let name: String = skrb_domain::text::clean(name, true)
        .trim()
        .chars()
        .take(100)
        .collect();
    if name.is_empty() {
        return Err(AppError::Validation(vec![FieldError {
            field: "profile_name",
            msg: Msg::new("err-required"),
        }]));
    }
    let json = serde_json::to_string(settings).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    let existing: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM import_profile WHERE centre_id = $1 AND kind = $2 AND name = $3")
        .bind(centre_id).bind(kind.code()).bind(&name).fetch_optional(c).await?);
    let id = match existing {
        Some(id) => {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE import_profile SET settings = $1, updated_at = $2, version = version + 1 WHERE id = $3")
                .bind(&json).bind(actor.now).bind(id).execute(c).await?.rows_affected());
            id
        }
        None => sql!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO import_profile (centre_id, kind, name, settings, created_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(centre_id).bind(kind.code()).bind(&name).bind(&json).bind(actor.user_id).bind(actor.now)
            .fetch_one(c).await?),
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(
            if existing.is_some() {
                Action::Update
            } else {
                Action::Create
            },
            "import_profile",
            id,
        )
        .detail(serde_json::json!({ "name": name, "kind": kind.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
