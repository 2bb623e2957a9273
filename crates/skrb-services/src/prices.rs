//! Municipal price lists of home help, dated: the economic price of an effective hour on
//! a weekday, a Sunday and a holiday, and the subsidy as bands by the month's hours. The
//! rule that turns them into a bill is `skrb_domain::services::price`.

use skrb_domain::rights::money;
use skrb_domain::services::price::{Band, Tariff};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Price {
    pub id: i64,
    pub municipality_id: i64,
    pub municipality: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
    /// Economic price of an hour on a weekday, in minor units.
    pub weekday: i64,
    pub sunday: i64,
    pub holiday: i64,
    /// Subsidy bands: `1200:6000,1800:5500,:5244` (minutes in the month : share in
    /// ten-thousandths; the last open).
    pub bands: String,
    pub currency: String,
}

impl Price {
    pub fn tariff(&self) -> Option<Tariff> {
        Some(Tariff {
            weekday: self.weekday,
            sunday: self.sunday,
            holiday: self.holiday,
            bands: parse_bands(&self.bands)?,
        })
    }

    /// The user's hourly price on a weekday in the first band (what the list prints).
    pub fn user_weekday(&self) -> i64 {
        self.tariff()
            .map(|t| t.user_price(skrb_domain::services::price::DayKind::Weekday, 0))
            .unwrap_or(0)
    }

    /// The bands as people read them: `60 % do 20 h; 55 % do 30 h; 52,44 %`.
    pub fn bands_text(&self) -> String {
        parse_bands(&self.bands)
            .unwrap_or_default()
            .iter()
            .map(|b| {
                let pct = money::factor_plain(b.subsidy * 100).replace('.', ",");
                match b.up_to_minutes {
                    Some(m) => format!("{pct}\u{a0}% ≤ {}\u{a0}h", m / 60),
                    None => format!("{pct}\u{a0}%"),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub fn parse_bands(s: &str) -> Option<Vec<Band>> {
    s.split(',')
        .map(|part| {
            let (m, share) = part.split_once(':')?;
            Some(Band {
                up_to_minutes: if m.trim().is_empty() {
                    None
                } else {
                    Some(m.trim().parse().ok()?)
                },
                subsidy: share.trim().parse().ok()?,
            })
        })
        .collect()
}

fn bands_code(b: &[Band]) -> String {
    b.iter()
        .map(|b| {
            format!(
                "{}:{}",
                b.up_to_minutes.map(|m| m.to_string()).unwrap_or_default(),
                b.subsidy
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

const SELECT: &str = "SELECT h.id, h.municipality_id, m.name AS municipality, h.valid_from, h.weekday, h.sunday, h.holiday, \
    h.bands, h.currency FROM hh_price h JOIN municipality m ON m.id = h.municipality_id";

pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Price>> {
    let mut tx = db.begin_read().await?;
    let q = format!(
        "{SELECT} WHERE ($1 IS NULL OR m.centre_id = $1) ORDER BY m.name, h.valid_from DESC"
    );
    let out = sql!(&mut tx, c => sqlx::query_as::<_, Price>(&q).bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?);
    tx.commit().await?;
    Ok(out)
}

/// Every price list of some municipalities (billing picks the one valid per month).
pub(crate) async fn of_centre(tx: &mut Tx, centre: Option<i64>) -> AppResult<Vec<Price>> {
    let q = format!("{SELECT} WHERE ($1 IS NULL OR m.centre_id = $1) ORDER BY h.valid_from");
    Ok(sql!(tx, c => sqlx::query_as::<_, Price>(&q).bind(centre).fetch_all(c).await?))
}

/// The list valid on a day: the latest that started on or before it.
pub fn valid_on(prices: &[Price], municipality: i64, day: Date) -> Option<&Price> {
    prices
        .iter()
        .filter(|p| p.municipality_id == municipality && p.valid_from <= day)
        .max_by_key(|p| p.valid_from)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PriceForm {
    #[serde(deserialize_with = "lenient")]
    pub municipality_id: String,
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
    /// Economic price of an hour on a weekday, e.g. `28,40`.
    #[serde(deserialize_with = "lenient")]
    pub weekday: String,
    #[serde(deserialize_with = "lenient")]
    pub sunday: String,
    #[serde(deserialize_with = "lenient")]
    pub holiday: String,
    /// The subsidy in % for every hour, e.g. `70` or `52,44`.
    #[serde(deserialize_with = "lenient")]
    pub subsidy: String,
    /// Tiered: up to these hours a month the subsidy above, above them this one (optional).
    #[serde(deserialize_with = "lenient")]
    pub band_hours: String,
    #[serde(deserialize_with = "lenient")]
    pub subsidy_above: String,
}

fn percent(ck: &mut Check, field: &'static str, v: &str, required: bool) -> Option<i64> {
    if v.trim().is_empty() {
        if required {
            ck.err(field, "err-required");
        }
        return None;
    }
    // Two decimals of a percentage are ten-thousandths of the whole.
    match money::parse(v) {
        Some(p) if (0..=10_000).contains(&p) => Some(p),
        _ => {
            ck.err(field, "services-err-percent");
            None
        }
    }
}

fn amount(ck: &mut Check, field: &'static str, v: &str) -> Option<i64> {
    if v.trim().is_empty() {
        ck.err(field, "err-required");
        return None;
    }
    match money::parse(v) {
        Some(a) if (0..=100_000).contains(&a) => Some(a),
        _ => {
            ck.err(field, "services-err-amount");
            None
        }
    }
}

pub async fn create(db: &Db, actor: &Actor, f: &PriceForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let muni = ck.id("municipality_id", &f.municipality_id, true);
    let from = ck.date("valid_from", &f.valid_from, true);
    let weekday = amount(&mut ck, "weekday", &f.weekday);
    let sunday = amount(&mut ck, "sunday", &f.sunday);
    let holiday = amount(&mut ck, "holiday", &f.holiday);
    let subsidy = percent(&mut ck, "subsidy", &f.subsidy, true);
    let hours = crate::catalogue::number(&mut ck, "band_hours", &f.band_hours, false, 200);
    let above = percent(&mut ck, "subsidy_above", &f.subsidy_above, hours.is_some());
    let mut tx = db.begin().await?;
    let currency: String = sql!(&mut tx, c => sqlx::query_scalar("SELECT currency FROM centre WHERE id = $1")
        .bind(centre).fetch_one(c).await?);
    if let Some(m) = muni {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM municipality WHERE id = $1 AND centre_id = $2")
            .bind(m).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("municipality_id", "services-err-municipality");
        }
        if let Some(d) = from {
            let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM hh_price WHERE municipality_id = $1 AND valid_from = $2")
                .bind(m).bind(d).fetch_one(c).await?);
            if n > 0 {
                ck.err("valid_from", "services-err-price-exists");
            }
        }
    }
    let bands = match (subsidy, hours, above) {
        (Some(s), Some(h), Some(a)) if h > 0 => vec![
            Band {
                up_to_minutes: Some(h * 60),
                subsidy: s,
            },
            Band {
                up_to_minutes: None,
                subsidy: a,
            },
        ],
        (Some(s), _, _) => vec![Band {
            up_to_minutes: None,
            subsidy: s,
        }],
        _ => Vec::new(),
    };
    ck.done()?;
    let t = Tariff {
        weekday: weekday.unwrap_or(0),
        sunday: sunday.unwrap_or(0),
        holiday: holiday.unwrap_or(0),
        bands,
    };
    t.check()
        .map_err(|_| skrb_kit::form::field_error("subsidy", "services-err-percent"))?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO hh_price (municipality_id, valid_from, weekday, sunday, holiday, bands, currency, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(muni).bind(from).bind(t.weekday).bind(t.sunday).bind(t.holiday).bind(bands_code(&t.bands))
        .bind(&currency).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "hh_price", id).detail(serde_json::json!({
            "municipality": muni, "from": from.map(|d| d.to_string()), "weekday": t.weekday, "bands": bands_code(&t.bands),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A price list seeded by the demo or a test.
pub async fn seed(
    tx: &mut Tx,
    municipality: i64,
    from: Date,
    t: &Tariff,
    currency: &str,
    now: time::OffsetDateTime,
) -> AppResult<()> {
    t.check()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("tariff {e:?}")))?;
    sql!(tx, c => sqlx::query(
        "INSERT INTO hh_price (municipality_id, valid_from, weekday, sunday, holiday, bands, currency, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(municipality).bind(from).bind(t.weekday).bind(t.sunday).bind(t.holiday).bind(bands_code(&t.bands))
        .bind(currency).bind(now).execute(c).await?.rows_affected());
    Ok(())
}

/// The municipalities of the actor's centre, for the forms' choices.
pub(crate) async fn municipalities_in(tx: &mut Tx, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    Ok(sql!(tx, c => sqlx::query_as(
        "SELECT id, name FROM municipality WHERE ($1 IS NULL OR centre_id = $1) ORDER BY name")
        .bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?))
}

pub async fn municipalities(db: &Db, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    let mut tx = db.begin_read().await?;
    let out = municipalities_in(&mut tx, actor).await?;
    tx.commit().await?;
    Ok(out)
}
