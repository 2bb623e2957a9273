//! Public authorisations in figures, as the statistics ask for them (Republika Srpska's
//! SZ-1 and SZ-61, the Slovenian ministry's yearly report): persons under guardianship,
//! foster families, children and adults in foster families and in institutions by age
//! and sex on a day, and placements started and ended in the year. Aggregates only: no
//! person is named, so nothing is audited per person.

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::sql;
use time::Date;

/// Age bands the statistics use.
pub const BANDS: [(&str, i64, i64); 5] = [
    ("0-5", 0, 5),
    ("6-14", 6, 14),
    ("15-17", 15, 17),
    ("18-64", 18, 64),
    ("65+", 65, 200),
];

/// One row of a table by age band: men and women (and neither or unknown).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlacementFigureRow)]
pub struct Row {
    pub band: String,
    pub male: i64,
    pub female: i64,
    pub other: i64,
}

impl Row {
    pub fn total(&self) -> i64 {
        self.male + self.female + self.other
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlacementFigures)]
pub struct Figures {
    pub year: i32,
    /// The day the counts of persons are taken (the year's last day, or today).
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on: Date,
    pub foster_families: i64,
    /// Families with at least one child placed on the day.
    pub families_with_children: i64,
    pub vacancies: i64,
    pub in_foster: Vec<Row>,
    pub in_institutions: Vec<Row>,
    pub under_guardianship: Vec<Row>,
    pub started_foster: i64,
    pub started_institution: i64,
    pub ended_foster: i64,
    pub ended_institution: i64,
}

fn band_of(age: i64) -> usize {
    BANDS
        .iter()
        .position(|(_, lo, hi)| age >= *lo && age <= *hi)
        .unwrap_or(BANDS.len() - 1)
}

fn table(rows: &[(Option<Date>, Option<String>)], on: Date) -> Vec<Row> {
    let mut out: Vec<Row> = BANDS
        .iter()
        .map(|(b, _, _)| Row {
            band: (*b).into(),
            ..Row::default()
        })
        .collect();
    for (born, sex) in rows {
        let b = band_of(born.map(|b| crate::age_on(b, on)).unwrap_or(18));
        match sex.as_deref() {
            Some("M") => out[b].male += 1,
            Some("F") => out[b].female += 1,
            _ => out[b].other += 1,
        }
    }
    out
}

/// The figures of the reader's centre (every centre for a reader of all) for a year.
pub async fn of_year(db: &Db, actor: &Actor, year: i32) -> AppResult<Figures> {
    let today = actor.today();
    let (Ok(first), Ok(last), true) = (
        Date::from_calendar_date(year, time::Month::January, 1),
        Date::from_calendar_date(year, time::Month::December, 31),
        (2000..=2100).contains(&year),
    ) else {
        return Err(skrb_kit::form::field_error("year", "err-number"));
    };
    let on = last.min(today);
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let placed = |setting: &'static str| {
        format!(
            "SELECT p.birth_date, p.sex FROM placement pl JOIN person p ON p.id = pl.person_id WHERE ($1 IS NULL OR pl.centre_id = $1) \
             AND pl.setting = '{setting}' AND pl.start_on <= $2 AND (pl.end_on IS NULL OR pl.end_on >= $2)"
        )
    };
    let q = placed("foster");
    let foster: Vec<(Option<Date>, Option<String>)> =
        sql!(&mut tx, x => sqlx::query_as(&q).bind(centre).bind(on).fetch_all(x).await?);
    let q = placed("institution");
    let inst: Vec<(Option<Date>, Option<String>)> =
        sql!(&mut tx, x => sqlx::query_as(&q).bind(centre).bind(on).fetch_all(x).await?);
    let wards: Vec<(Option<Date>, Option<String>)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT p.birth_date, p.sex FROM guardianship g JOIN person p ON p.id = g.ward_id WHERE ($1 IS NULL OR g.centre_id = $1) \
         AND g.appointed_on <= $2 AND (g.ended_on IS NULL OR g.ended_on >= $2)")
        .bind(centre).bind(on).fetch_all(x).await?);
    let (families, with_children): (i64, i64) = sql!(&mut tx, x => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM placement pl WHERE pl.carer_id = fc.id AND pl.start_on <= $2 \
         AND (pl.end_on IS NULL OR pl.end_on >= $2)) THEN 1 ELSE 0 END), 0) AS BIGINT) FROM foster_carer fc \
         WHERE ($1 IS NULL OR fc.centre_id = $1) AND fc.status = 'approved'")
        .bind(centre).bind(on).fetch_one(x).await?);
    let moves: Vec<(String, i64, i64)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT setting, CAST(COALESCE(SUM(CASE WHEN start_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN end_on BETWEEN $2 AND $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM placement WHERE ($1 IS NULL OR centre_id = $1) GROUP BY setting")
        .bind(centre).bind(first).bind(last).fetch_all(x).await?);
    tx.commit().await?;
    let of = |s: &str| {
        moves
            .iter()
            .find(|m| m.0 == s)
            .map(|m| (m.1, m.2))
            .unwrap_or((0, 0))
    };
    let vacancies = if on == today {
        crate::carers::register(
            db,
            actor,
            &crate::carers::Search {
                all: Some(true),
                ..Default::default()
            },
        )
        .await?
        .iter()
        .map(|c| c.vacancies())
        .sum()
    } else {
        0
    };
    Ok(Figures {
        year,
        on,
        foster_families: families,
        families_with_children: with_children,
        vacancies,
        in_foster: table(&foster, on),
        in_institutions: table(&inst, on),
        under_guardianship: table(&wards, on),
        started_foster: of("foster").0,
        started_institution: of("institution").0,
        ended_foster: of("foster").1,
        ended_institution: of("institution").1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn persons_are_counted_by_age_band_and_sex() {
        let on = date!(2026 - 12 - 31);
        let t = table(
            &[
                (Some(date!(2022 - 03 - 01)), Some("F".into())),
                (Some(date!(2012 - 01 - 01)), Some("M".into())),
                (Some(date!(2009 - 12 - 31)), Some("M".into())),
                (Some(date!(1940 - 05 - 05)), None),
            ],
            on,
        );
        assert_eq!(t[0].female, 1);
        assert_eq!(t[1].male, 1);
        assert_eq!(t[2].male, 1, "17 on the last day of the year");
        assert_eq!(t[4].other, 1);
        assert_eq!(t.iter().map(Row::total).sum::<i64>(), 4);
    }
}
