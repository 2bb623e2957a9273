//! Restricted files (child protection, domestic violence): readable by the assigned team
//! only. Anyone else whose role allows it may "break the glass" by stating a reason; the
//! access is allowed for a few hours, audited, and listed for a head of unit to review.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Duration, OffsetDateTime};

use super::access;
use skrb_kit::audit::{self, Actor, Change, Event};
use skrb_kit::auth::Permission;
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::json::ApiJson;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;
use skrb_kit::{sql, sql_pool};

/// How long a broken glass stays open.
pub const GLASS_HOURS: i64 = 4;
const MIN_REASON: usize = 10;

pub fn routes() -> Routes {
    use Access::*;
    use Permission::*;
    Routes::new()
        .post(
            "/persons/{id}/restriction",
            Perm(RestrictedManage),
            restrict_form,
        )
        .post(
            "/persons/{id}/break-glass",
            Perm(BreakGlass),
            break_glass_form,
        )
        .get("/glass", Perm(GlassReview), review_page)
        .post("/glass/{id}/review", Perm(GlassReview), review_form)
        .put(
            "/api/v1/persons/{id}/restriction",
            Perm(RestrictedManage),
            restrict_api,
        )
        .post(
            "/api/v1/persons/{id}/break-glass",
            Perm(BreakGlass),
            break_glass_api,
        )
        .get("/api/v1/glass-breaks", Perm(GlassReview), review_api)
        .post(
            "/api/v1/glass-breaks/{id}/review",
            Perm(GlassReview),
            review_one_api,
        )
}

/// A restriction and its team, as the person page shows it.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Restriction {
    pub restricted: bool,
    /// (user id, display name)
    pub team: Vec<(i64, String)>,
}

pub async fn restriction_of(
    tx: &mut skrb_kit::db::Tx,
    person: i64,
) -> Result<Restriction, sqlx::Error> {
    let restricted: Option<bool> = sql!(tx, c => sqlx::query_scalar("SELECT restricted FROM person WHERE id = $1")
        .bind(person).fetch_optional(c).await?);
    let team: Vec<(i64, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT u.id, u.display_name FROM person_team t JOIN app_user u ON u.id = t.user_id \
         WHERE t.person_id = $1 ORDER BY u.display_name")
        .bind(person).fetch_all(c).await?);
    Ok(Restriction {
        restricted: restricted.unwrap_or(false),
        team,
    })
}

/// Colleagues who can be put on a team: active users of the actor's centre.
pub async fn colleagues(db: &Db, centre: Option<i64>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sql_pool!(db, p => sqlx::query_as(
        "SELECT id, display_name FROM app_user WHERE active = TRUE AND \
         (centre_id = $1 OR ($1 IS NULL AND centre_id IS NULL)) ORDER BY display_name")
        .bind(centre).fetch_all(p).await)
}

/// Sets or lifts the restriction and replaces the team. Whoever restricts a file is on
/// its team, so nobody locks themselves out by mistake.
pub async fn set(
    db: &Db,
    actor: &Actor,
    person: i64,
    restricted: bool,
    mut team: Vec<i64>,
) -> AppResult<Restriction> {
    let mut tx = db.begin().await?;
    access::check(&mut tx, actor, PersonId(person)).await?;
    if let Some(s) = actor.scope {
        if restricted && !team.contains(&s.user_id) {
            team.push(s.user_id);
        }
    }
    team.sort_unstable();
    team.dedup();
    for u in &team {
        let ok: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM app_user WHERE id = $1")
            .bind(u).fetch_optional(c).await?);
        if ok.is_none() {
            return Err(AppError::Validation(vec![FieldError {
                field: "team",
                msg: Msg::new("registry-err-team-user"),
            }]));
        }
    }
    let old = restriction_of(&mut tx, person).await?;
    sql!(&mut tx, c => sqlx::query("UPDATE person SET restricted = $1, version = version + 1 WHERE id = $2")
        .bind(restricted).bind(person).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("DELETE FROM person_team WHERE person_id = $1")
        .bind(person).execute(c).await?.rows_affected());
    for u in &team {
        sql!(&mut tx, c => sqlx::query("INSERT INTO person_team (person_id, user_id) VALUES ($1, $2)")
            .bind(person).bind(u).execute(c).await?.rows_affected());
    }
    let new = restriction_of(&mut tx, person).await?;
    let names = |r: &Restriction| {
        r.team
            .iter()
            .map(|t| t.1.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let changes = [
        Change {
            field: "restricted".into(),
            old: Some(old.restricted.to_string()),
            new: Some(new.restricted.to_string()),
        },
        Change {
            field: "team".into(),
            old: Some(names(&old)),
            new: Some(names(&new)),
        },
    ];
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Restrict, "person", person)
            .person(person)
            .changes(&changes),
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// Opens a restricted file outside the team for [`GLASS_HOURS`], with a stated reason.
pub async fn break_glass(db: &Db, actor: &Actor, person: i64, reason: &str) -> AppResult<i64> {
    let reason = reason.trim();
    if reason.chars().count() < MIN_REASON {
        return Err(AppError::Validation(vec![FieldError {
            field: "reason",
            msg: Msg::new("registry-err-glass-reason").num("min", MIN_REASON as i64),
        }]));
    }
    let scope = actor.scope.ok_or(AppError::Forbidden)?;
    let mut tx = db.begin().await?;
    match access::check(&mut tx, actor, PersonId(person)).await {
        Ok(()) | Err(AppError::Restricted { .. }) => {}
        Err(e) => return Err(e),
    }
    let now = actor.now;
    let reason: String = reason.chars().take(500).collect();
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO glass_break (person_id, user_id, reason, at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(person).bind(scope.user_id).bind(&reason).bind(now).bind(now + Duration::hours(GLASS_HOURS))
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::BreakGlass, "person", person)
            .person(person)
            .reason(Some(&reason)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct GlassBreak {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub username: String,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Which glass breaks a reviewer sees: their centre's, and if they head units, only
/// those on persons living in the municipalities of their units.
fn review_filter(actor: &Actor) -> String {
    let mut f = access::centre_filter(actor);
    if let Some(s) = actor.scope {
        let u = s.user_id;
        f.push_str(&format!(
            " AND (NOT EXISTS (SELECT 1 FROM user_unit WHERE user_id = {u}) OR p.municipality_id IS NULL \
             OR EXISTS (SELECT 1 FROM municipality m JOIN user_unit uu ON uu.unit_id = m.unit_id \
             WHERE m.id = p.municipality_id AND uu.user_id = {u}))"
        ));
    }
    f
}

/// Glass breaks not yet reviewed, on files of the reviewer's centre (and units).
pub async fn pending(db: &Db, actor: &Actor) -> AppResult<Vec<GlassBreak>> {
    let mut tx = db.begin_read().await?;
    let scope = review_filter(actor);
    let q = format!(
        "SELECT g.id, g.person_id, p.given_name || ' ' || p.family_name AS person_name, u.username, \
         g.reason, g.at FROM glass_break g JOIN person p ON p.id = g.person_id \
         JOIN app_user u ON u.id = g.user_id WHERE g.reviewed_at IS NULL{scope} ORDER BY g.at"
    );
    let rows: Vec<GlassBreak> = sql!(&mut tx, c => sqlx::query_as(&q).fetch_all(c).await?);
    tx.commit().await?;
    let e = Event::about(Action::Read, "glass_break");
    audit::record_apart(
        db,
        actor,
        e.detail(serde_json::json!({ "shown": rows.iter().map(|r| r.id).collect::<Vec<_>>() })),
    )
    .await?;
    Ok(rows)
}

pub async fn review(db: &Db, actor: &Actor, id: i64) -> AppResult<()> {
    let scope = actor.scope.ok_or(AppError::Forbidden)?;
    let mut tx = db.begin().await?;
    // Only what the reviewer is shown can be reviewed; anything else does not exist for them.
    let q = format!(
        "SELECT g.person_id FROM glass_break g JOIN person p ON p.id = g.person_id \
         WHERE g.id = $1 AND g.reviewed_at IS NULL{}",
        review_filter(actor)
    );
    let person: Option<i64> =
        sql!(&mut tx, c => sqlx::query_scalar(&q).bind(id).fetch_optional(c).await?);
    let person = person.ok_or(AppError::NotFound)?;
    sql!(&mut tx, c => sqlx::query("UPDATE glass_break SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3")
        .bind(scope.user_id).bind(actor.now).bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Review, "glass_break", id).person(person),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Unreviewed glass breaks, for the reviewer's start page (a count, not audited).
pub async fn pending_count(db: &Db, actor: &Actor) -> Result<i64, sqlx::Error> {
    if actor.scope.is_none() {
        return Ok(0);
    }
    let centre = review_filter(actor);
    let q = format!(
        "SELECT COUNT(*) FROM glass_break g JOIN person p ON p.id = g.person_id WHERE g.reviewed_at IS NULL{centre}"
    );
    sql_pool!(db, p => sqlx::query_scalar(&q).fetch_one(p).await)
}

/// The person page's restriction form: `restricted=on` and one `team=ID` per member.
async fn restrict_form(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    body: Bytes,
) -> AppResult<Response> {
    let mut restricted = false;
    let mut team = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "restricted" => restricted = v == "on" || v == "true",
            "team" => team.push(
                v.parse::<i64>()
                    .map_err(|_| AppError::BadRequest("team".into()))?,
            ),
            _ => return Err(AppError::BadRequest(format!("unknown field {k}"))),
        }
    }
    set(&st.db, &s.actor(), id, restricted, team).await?;
    Ok(redirect_with_flash(
        &format!("/persons/{id}"),
        "registry-restriction-saved",
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GlassForm {
    reason: String,
}

async fn break_glass_form(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Form(f): Form<GlassForm>,
) -> AppResult<Response> {
    break_glass(&st.db, &s.actor(), id, &f.reason).await?;
    Ok(redirect_with_flash(
        &format!("/persons/{id}"),
        "registry-glass-opened",
    ))
}

#[derive(askama::Template)]
#[template(path = "registry/glass.html")]
struct ReviewPage {
    page: Page,
    rows: Vec<GlassBreak>,
}

async fn review_page(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let rows = pending(&st.db, &s.actor()).await?;
    let page = Page::new(
        &s.ctx,
        i18n::t(s.ctx.locale, "registry-glass-title"),
        "glass",
    );
    Ok(render(&ReviewPage { page, rows }))
}

async fn review_form(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    review(&st.db, &s.actor(), id).await?;
    Ok(redirect_with_flash("/glass", "registry-glass-reviewed"))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestrictionIn {
    restricted: bool,
    /// User ids of the team.
    #[serde(default)]
    team: Vec<i64>,
}

/// Restrict a person's file to a team, or lift the restriction.
#[utoipa::path(put, path = "/api/v1/persons/{id}/restriction", request_body = RestrictionIn,
    responses((status = 200, body = Restriction)))]
async fn restrict_api(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RestrictionIn>,
) -> AppResult<Json<Restriction>> {
    Ok(Json(
        set(&st.db, &s.actor(), id, r.restricted, r.team).await?,
    ))
}

/// Open a restricted file outside its team, stating why.
#[utoipa::path(post, path = "/api/v1/persons/{id}/break-glass", request_body = GlassForm,
    responses((status = 201)))]
async fn break_glass_api(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<GlassForm>,
) -> AppResult<Response> {
    let gid = break_glass(&st.db, &s.actor(), id, &f.reason).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": gid }))).into_response())
}

/// Glass breaks waiting for review.
#[utoipa::path(get, path = "/api/v1/glass-breaks", responses((status = 200, body = [GlassBreak])))]
async fn review_api(State(st): State<AppState>, s: Signed) -> AppResult<Json<Vec<GlassBreak>>> {
    Ok(Json(pending(&st.db, &s.actor()).await?))
}

/// Mark a glass break as reviewed.
#[utoipa::path(post, path = "/api/v1/glass-breaks/{id}/review", responses((status = 204)))]
async fn review_one_api(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    review(&st.db, &s.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
