//! Carers: the centre's own, public-works workers (their programme ends on a date) and
//! students, each with a qualification that expires (an expired one takes the carer off
//! the roster, and the co-ordinator is warned six weeks before), contracted hours and
//! absences.

use skrb_domain::services::roster::{self, Standing};
use skrb_domain::services::CarerKind;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use time::Date;

use crate::catalogue::number;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Carer {
    pub id: i64,
    pub centre_id: i64,
    pub name: String,
    /// employee, public_works, student
    pub kind: String,
    pub programme: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub programme_ends: Option<Date>,
    pub user_id: Option<i64>,
    pub coordinator_id: Option<i64>,
    pub minutes_week: i64,
    pub qualification: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub qualified_until: Option<Date>,
    pub phone: Option<String>,
    pub active: bool,
    pub version: i64,
}

impl Carer {
    pub fn standing(&self, today: Date) -> Standing {
        roster::standing(today, self.qualified_until)
    }

    /// The standing as a code for the words (`services-standing-*`).
    pub fn standing_code(&self, today: &Date) -> &'static str {
        match self.standing(*today) {
            Standing::Valid => "valid",
            Standing::ExpiresSoon => "expires_soon",
            Standing::Expired => "expired",
            Standing::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Absence {
    pub id: i64,
    pub carer_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub from_day: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub to_day: Date,
    /// leave, sick, training, other
    pub reason: String,
}

pub const REASONS: [&str; 4] = ["leave", "sick", "training", "other"];

pub(crate) const COLS: &str =
    "id, centre_id, name, kind, programme, programme_ends, user_id, coordinator_id, \
    minutes_week, qualification, qualified_until, phone, active, version";

/// The actor's centre's carers, the active first.
pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Carer>> {
    let mut tx = db.begin_read().await?;
    let out = of_centre(&mut tx, skrb_kit::scope::centre_of(actor)).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn of_centre(tx: &mut Tx, centre: Option<i64>) -> AppResult<Vec<Carer>> {
    let q = format!("SELECT {COLS} FROM hh_carer WHERE ($1 IS NULL OR centre_id = $1) ORDER BY active DESC, name");
    Ok(sql!(tx, c => sqlx::query_as::<_, Carer>(&q).bind(centre).fetch_all(c).await?))
}

pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Carer> {
    let q = format!("SELECT {COLS} FROM hh_carer WHERE id = $1");
    let c: Option<Carer> =
        sql!(tx, x => sqlx::query_as::<_, Carer>(&q).bind(id).fetch_optional(x).await?);
    let c = c.ok_or(AppError::NotFound)?;
    crate::own(actor, c.centre_id)?;
    Ok(c)
}

/// The carer a signed-in user is (the phone's "my visits").
pub(crate) async fn of_user(tx: &mut Tx, user_id: Option<i64>) -> AppResult<Option<Carer>> {
    let q = format!("SELECT {COLS} FROM hh_carer WHERE user_id = $1 AND active");
    Ok(sql!(tx, x => sqlx::query_as::<_, Carer>(&q).bind(user_id).fetch_optional(x).await?))
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<(Carer, Vec<Absence>)> {
    let mut tx = db.begin_read().await?;
    let c = load(&mut tx, actor, id).await?;
    let abs = absences(&mut tx, &[id], None).await?;
    tx.commit().await?;
    Ok((c, abs))
}

/// Absences of some carers ending on or after a day.
pub(crate) async fn absences(
    tx: &mut Tx,
    carers: &[i64],
    from: Option<Date>,
) -> AppResult<Vec<Absence>> {
    if carers.is_empty() {
        return Ok(Vec::new());
    }
    let ids = carers
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let q = format!(
        "SELECT id, carer_id, from_day, to_day, reason FROM hh_absence WHERE carer_id IN ({ids}) \
         AND ($1 IS NULL OR to_day >= $1) ORDER BY from_day DESC"
    );
    Ok(sql!(tx, c => sqlx::query_as::<_, Absence>(&q).bind(from).fetch_all(c).await?))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CarerForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// employee, public_works, student
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// The public-works programme.
    #[serde(deserialize_with = "lenient")]
    pub programme: String,
    #[serde(deserialize_with = "lenient")]
    pub programme_ends: String,
    /// Contracted hours a week (whole hours).
    #[serde(deserialize_with = "lenient")]
    pub hours_week: String,
    #[serde(deserialize_with = "lenient")]
    pub qualification: String,
    #[serde(deserialize_with = "lenient")]
    pub qualified_until: String,
    #[serde(deserialize_with = "lenient")]
    pub phone: String,
    /// The carer's own account (for the phone), by user name.
    #[serde(deserialize_with = "lenient")]
    pub username: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &CarerForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let kind = ck.choice("kind", &f.kind, &CarerKind::codes(), true);
    let programme = ck.text("programme", &f.programme, false, 200);
    let ends = ck.date("programme_ends", &f.programme_ends, false);
    if kind == Some(CarerKind::PublicWorks.code()) && (programme.is_none() || ends.is_none()) {
        ck.err("programme_ends", "services-err-programme");
    }
    let hours = number(&mut ck, "hours_week", &f.hours_week, true, 60);
    if hours == Some(0) {
        ck.err("hours_week", "err-number");
    }
    let qualification = ck.text("qualification", &f.qualification, false, 200);
    let until = ck.date("qualified_until", &f.qualified_until, false);
    let phone = ck.text("phone", &f.phone, false, 40);
    let username = ck.text("username", &f.username, false, 100);
    let mut tx = db.begin().await?;
    let user_id = match &username {
        Some(u) => {
            let row: Option<(i64, String, Option<i64>)> = sql!(&mut tx, c => sqlx::query_as(
                "SELECT id, role, centre_id FROM app_user WHERE username = $1").bind(u).fetch_optional(c).await?);
            match row {
                Some((id, role, c)) if role == "home_help_worker" && c == Some(centre) => Some(id),
                _ => {
                    ck.err("username", "services-err-carer-account");
                    None
                }
            }
        }
        None => None,
    };
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO hh_carer (centre_id, name, kind, programme, programme_ends, user_id, coordinator_id, minutes_week, \
         qualification, qualified_until, phone, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12) RETURNING id")
        .bind(centre).bind(&name).bind(kind).bind(&programme).bind(ends).bind(user_id).bind(actor.user_id)
        .bind(hours.unwrap_or(0) * 60).bind(&qualification).bind(until).bind(&phone).bind(actor.now)
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "hh_carer", id)
            .detail(serde_json::json!({ "name": name, "kind": kind })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AbsenceForm {
    #[serde(deserialize_with = "lenient")]
    pub from_day: String,
    #[serde(deserialize_with = "lenient")]
    pub to_day: String,
    /// leave, sick, training, other
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

/// Records an absence; the roster then shows the carer's visits in it as conflicts, to be
/// given to a replacement.
pub async fn add_absence(db: &Db, actor: &Actor, carer_id: i64, f: &AbsenceForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let from = ck.date("from_day", &f.from_day, true);
    let to = ck.date("to_day", &f.to_day, true);
    ck.order("to_day", from, to);
    let reason = ck.choice("reason", &f.reason, &REASONS, true);
    let mut tx = db.begin().await?;
    load(&mut tx, actor, carer_id).await?;
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO hh_absence (carer_id, from_day, to_day, reason, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(carer_id).bind(from).bind(to).bind(reason).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "hh_absence", id)
            .detail(serde_json::json!({ "carer": carer_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
