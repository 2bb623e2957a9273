//! The registry of partner organisations and their contact people.

use skrb_kit::audit::Action;

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

pub const KINDS: [&str; 10] = [
    "city",
    "health",
    "school",
    "kindergarten",
    "police",
    "court",
    "pensioners_home",
    "ngo",
    "employment",
    "other",
];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: i64,
    pub centre_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    /// Referrals not yet answered or closed.
    pub open_referrals: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: i64,
    pub partner_id: i64,
    pub name: String,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PartnerForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// city, health, school, kindergarten, police, court, pensioners_home, ngo, employment, other
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    #[serde(deserialize_with = "lenient")]
    pub phone: String,
    #[serde(deserialize_with = "lenient")]
    pub email: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub position: String,
    #[serde(deserialize_with = "lenient")]
    pub phone: String,
    #[serde(deserialize_with = "lenient")]
    pub email: String,
}

fn email(ck: &mut Check, v: &str) -> Option<String> {
    let e = ck.text("email", v, false, 200);
    if e.as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(' '))
    {
        ck.err("email", "err-email");
    }
    e
}

fn phone(ck: &mut Check, v: &str) -> Option<String> {
    let p = ck.text("phone", v, false, 40);
    if p.as_deref().is_some_and(|p| {
        !p.chars()
            .all(|c| c.is_ascii_digit() || " +()-/".contains(c))
    }) {
        ck.err("phone", "err-phone");
    }
    p
}

fn centre_of(actor: &Actor) -> Option<i64> {
    actor.scope.and_then(|s| s.centre_id)
}

/// Partners of the actor's centre (all centres' for those who work across them).
pub async fn list(db: &Db, actor: &Actor, q: &str) -> AppResult<Vec<Partner>> {
    let all = actor.scope.is_none_or(|s| s.all_centres);
    let q = q.trim().to_lowercase();
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Partner>(
        "SELECT p.id, p.centre_id, p.name, p.kind, p.address, p.phone, p.email, p.active, \
         (SELECT COUNT(*) FROM referral r WHERE r.partner_id = p.id AND r.status IN ('sent', 'accepted')) AS open_referrals \
         FROM partner p WHERE ($1 OR p.centre_id = $2) ORDER BY p.active DESC, p.name")
        .bind(all).bind(centre_of(actor)).fetch_all(c).await?);
    tx.commit().await?;
    // A centre has tens to hundreds of partners: filtered here, where "š" folds as "Š".
    Ok(rows
        .into_iter()
        .filter(|p| q.is_empty() || p.name.to_lowercase().contains(&q))
        .collect())
}

async fn in_scope(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Partner> {
    let p: Option<Partner> = sql!(tx, c => sqlx::query_as::<_, Partner>(
        "SELECT p.id, p.centre_id, p.name, p.kind, p.address, p.phone, p.email, p.active, \
         (SELECT COUNT(*) FROM referral r WHERE r.partner_id = p.id AND r.status IN ('sent', 'accepted')) AS open_referrals \
         FROM partner p WHERE p.id = $1").bind(id).fetch_optional(c).await?);
    let p = p.ok_or(AppError::NotFound)?;
    if let Some(s) = actor.scope {
        if !s.all_centres && s.centre_id != p.centre_id {
            return Err(AppError::Refused(Msg::new("out-of-scope")));
        }
    }
    Ok(p)
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<(Partner, Vec<Contact>)> {
    let mut tx = db.begin_read().await?;
    let p = in_scope(&mut tx, actor, id).await?;
    let contacts = sql!(&mut tx, c => sqlx::query_as::<_, Contact>(
        "SELECT id, partner_id, name, position, phone, email FROM partner_contact WHERE partner_id = $1 ORDER BY name")
        .bind(id).fetch_all(c).await?);
    tx.commit().await?;
    Ok((p, contacts))
}

pub async fn create(db: &Db, actor: &Actor, f: &PartnerForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let kind = ck.choice("kind", &f.kind, &KINDS, true);
    let address = ck.text("address", &f.address, false, 300);
    let phone = phone(&mut ck, &f.phone);
    let email = email(&mut ck, &f.email);
    let centre = centre_of(actor);
    let mut tx = db.begin().await?;
    if let Some(n) = &name {
        // Compared in Rust: SQLite's LOWER() folds ASCII only (Š, Č, Ž stay).
        let names: Vec<String> = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT name FROM partner WHERE centre_id = $1 OR ($1 IS NULL AND centre_id IS NULL)")
            .bind(centre).fetch_all(c).await?);
        if names.iter().any(|x| x.to_lowercase() == n.to_lowercase()) {
            ck.err("name", "partners-err-partner-exists");
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO partner (centre_id, name, kind, address, phone, email, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id")
        .bind(centre).bind(&name).bind(kind).bind(&address).bind(&phone).bind(&email)
        .bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "partner", id)
            .detail(serde_json::json!({ "name": name, "kind": kind })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn add_contact(
    db: &Db,
    actor: &Actor,
    partner_id: i64,
    f: &ContactForm,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    in_scope(&mut tx, actor, partner_id).await?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let position = ck.text("position", &f.position, false, 200);
    let phone = phone(&mut ck, &f.phone);
    let email = email(&mut ck, &f.email);
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO partner_contact (partner_id, name, position, phone, email) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(partner_id).bind(&name).bind(&position).bind(&phone).bind(&email).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "partner_contact", id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Links a user account (role "partner") to the organisation, or unlinks it.
pub async fn link_user(
    db: &Db,
    actor: &Actor,
    partner_id: Option<i64>,
    username: &str,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    if let Some(p) = partner_id {
        in_scope(&mut tx, actor, p).await?;
    }
    let n = sql!(&mut tx, c => sqlx::query("UPDATE app_user SET partner_id = $1 WHERE username = $2 AND role = 'partner'")
        .bind(partner_id).bind(username.trim()).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(skrb_kit::form::field_error(
            "username",
            "partners-err-partner-user",
        ));
    }
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::LinkPartner, "app_user")
            .detail(serde_json::json!({ "username": username, "partner": partner_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
