//! The centre's public page, for anyone without signing in: where the centre is, its
//! units and office hours, how to reach it, how to apply for each right and service it
//! decides (from the catalogues, in the reader's language), and its news, such as the
//! round table's summary. The same as JSON for a municipality's site to embed. Nothing
//! here is about a person; the settings and news are kept by the centre.

use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::i18n::{name_in, Locale};
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicCentre {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    /// As the centre writes them ("Monday to Friday 7:00-15:00").
    pub office_hours: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub units: Vec<String>,
    pub municipalities: Vec<String>,
    /// The language the names are in.
    pub lang: String,
    pub rights: Vec<HowToApply>,
    pub services: Vec<HowToApply>,
    pub news: Vec<News>,
}

/// A right or service and how to apply for it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HowToApply {
    pub code: String,
    pub name: String,
    pub legal_basis: String,
    /// Rights: short (decided within a month) or investigative (two months); services:
    /// agreement or decision.
    pub procedure: String,
    /// Rights: who may apply (any, adult, child).
    pub claimant: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct News {
    pub id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub published_on: Date,
    pub title: String,
    pub body: String,
}

type CentreRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);
type CatalogueRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

/// The public page of a centre by its code; an unknown code is not found.
pub async fn page(db: &Db, code: &str, l: Locale, today: Date) -> AppResult<PublicCentre> {
    let mut tx = db.begin_read().await?;
    let row: Option<CentreRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, code, name, address, office_hours, phone, email, jurisdiction FROM centre WHERE code = $1")
        .bind(code).fetch_optional(c).await?);
    let (id, code, name, address, office_hours, phone, email, jurisdiction) =
        row.ok_or(AppError::NotFound)?;
    let units: Vec<String> = sql!(&mut tx, c => sqlx::query_scalar("SELECT name FROM unit WHERE centre_id = $1 ORDER BY name")
        .bind(id).fetch_all(c).await?);
    let municipalities: Vec<String> = sql!(&mut tx, c => sqlx::query_scalar("SELECT name FROM municipality WHERE centre_id = $1 ORDER BY name")
        .bind(id).fetch_all(c).await?);
    let rights: Vec<CatalogueRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT code, name_sl, name_sr, name_en, legal_basis, procedure, claimant FROM right_type \
         WHERE jurisdiction = $1 AND active = TRUE AND (municipality_id IS NULL OR municipality_id IN (SELECT id FROM municipality WHERE centre_id = $2)) \
         ORDER BY code").bind(&jurisdiction).bind(id).fetch_all(c).await?);
    let services: Vec<CatalogueRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT code, name_sl, name_sr, name_en, legal_basis, given_by, NULL FROM service_type \
         WHERE jurisdiction = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2) ORDER BY code")
        .bind(&jurisdiction).bind(today).fetch_all(c).await?);
    let news = sql!(&mut tx, c => sqlx::query_as::<_, News>(
        "SELECT id, published_on, title, body FROM news_item WHERE centre_id = $1 ORDER BY published_on DESC, id DESC LIMIT 10")
        .bind(id).fetch_all(c).await?);
    tx.commit().await?;
    let how = |rows: Vec<CatalogueRow>| -> Vec<HowToApply> {
        let mut v: Vec<HowToApply> = rows
            .into_iter()
            .map(
                |(code, sl, sr, en, legal_basis, procedure, claimant)| HowToApply {
                    code,
                    name: name_in(l, &sl, &sr, &en),
                    legal_basis,
                    procedure,
                    claimant,
                },
            )
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    };
    Ok(PublicCentre {
        code,
        name,
        address,
        office_hours,
        phone,
        email,
        units,
        municipalities,
        lang: l.code().to_string(),
        rights: how(rights),
        services: how(services),
        news,
    })
}

/// The codes and names of all centres, for the public index.
pub async fn centres(db: &Db) -> AppResult<Vec<(String, String)>> {
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as("SELECT code, name FROM centre ORDER BY name").fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = PublicSettingsForm)]
pub struct SettingsForm {
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    #[serde(deserialize_with = "lenient")]
    pub office_hours: String,
    #[serde(deserialize_with = "lenient")]
    pub phone: String,
    #[serde(deserialize_with = "lenient")]
    pub email: String,
}

/// What the centre's public page says about it.
pub async fn save_settings(db: &Db, actor: &Actor, f: &SettingsForm) -> AppResult<()> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let address = ck.text("address", &f.address, false, 300);
    let hours = ck.text("office_hours", &f.office_hours, false, 300);
    let phone = ck.text("phone", &f.phone, false, 60);
    let email = ck.text("email", &f.email, false, 200);
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(' '))
    {
        ck.err("email", "year-err-email");
    }
    ck.done()?;
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query("UPDATE centre SET address = $1, office_hours = $2, phone = $3, email = $4 WHERE id = $5")
        .bind(&address).bind(&hours).bind(&phone).bind(&email).bind(centre).execute(c).await?.rows_affected());
    audit::record(&mut tx, actor, Event::new(Action::Save, "centre", centre)).await?;
    tx.commit().await?;
    Ok(())
}

/// The actor's centre's code and its public settings, for the settings form.
pub async fn settings(db: &Db, actor: &Actor) -> AppResult<(String, SettingsForm)> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let (code, address, office_hours, phone, email): Row = sql!(&mut tx, c => sqlx::query_as(
        "SELECT code, address, office_hours, phone, email FROM centre WHERE id = $1").bind(centre).fetch_one(c).await?);
    tx.commit().await?;
    Ok((
        code,
        SettingsForm {
            address: address.unwrap_or_default(),
            office_hours: office_hours.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
            email: email.unwrap_or_default(),
        },
    ))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewsForm {
    #[serde(deserialize_with = "lenient")]
    pub published_on: String,
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub body: String,
}

pub async fn add_news(db: &Db, actor: &Actor, f: &NewsForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let on = ck.date("published_on", &f.published_on, true);
    let title = ck.text("title", &f.title, true, 300);
    let body = ck.text("body", &f.body, true, 10_000);
    let mut tx = db.begin().await?;
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM news_item WHERE centre_id = $1 AND title = $2 AND published_on = $3")
        .bind(centre).bind(&title).bind(on).fetch_one(c).await?);
    if same > 0 {
        ck.err("title", "year-err-duplicate");
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO news_item (centre_id, published_on, title, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(centre).bind(on).bind(&title).bind(&body).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(&mut tx, actor, Event::new(Action::Publish, "news_item", id)).await?;
    tx.commit().await?;
    Ok(id)
}
