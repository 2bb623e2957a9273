//! The roster: each agreement's regular week (carer, weekday, time, minutes), entered
//! once and repeated forward into visits so that the same carer comes each week; the
//! week board of a co-ordinator with every visit by carer and day and the warnings of
//! `skrb_domain::services::roster` beside them; a carer replaced for a day or a period.

use std::collections::HashMap;

use skrb_domain::services::roster::{self as rules, Conflict, Slot};
use skrb_domain::services::{hhmm, parse_hhmm};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk::{self, Value};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use time::{Date, Duration, Weekday};

use crate::carers::{self, Carer};
use crate::catalogue::number;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Pattern {
    pub id: i64,
    pub agreement_id: i64,
    pub carer_id: i64,
    pub carer: String,
    /// ISO weekday, Monday 1.
    pub weekday: i64,
    /// Minutes since midnight.
    pub start_min: i64,
    pub minutes: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
}

impl Pattern {
    pub fn start(&self) -> String {
        hhmm(self.start_min)
    }
}

/// A visit as the board and the phone show it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: i64,
    pub agreement_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub address: Option<String>,
    pub carer_id: i64,
    pub planned_carer_id: Option<i64>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub day: Date,
    pub start_min: i64,
    pub minutes: i64,
    /// planned, done, not_home, cancelled
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub check_in: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub check_out: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub received_at: Option<time::OffsetDateTime>,
    pub delivered_minutes: Option<i64>,
    pub done_tasks: Option<String>,
    pub note: Option<String>,
    pub version: i64,
}

impl Visit {
    pub fn start(&self) -> String {
        hhmm(self.start_min)
    }

    pub fn end(&self) -> String {
        hhmm(self.start_min + self.minutes)
    }

    pub fn slot(&self) -> Slot {
        Slot {
            id: self.id,
            carer: self.carer_id,
            user: self.person_id,
            day: self.day,
            start: self.start_min,
            minutes: self.minutes,
        }
    }
}

pub(crate) const VISIT: &str = "SELECT v.id, v.agreement_id, v.person_id, p.given_name || ' ' || p.family_name AS person_name, \
    COALESCE(a.address, p.address) AS address, v.carer_id, v.planned_carer_id, v.day, v.start_min, v.minutes, v.status, v.arrived_at AS check_in, v.left_at AS check_out, \
    v.received_at, v.delivered_minutes, v.done_tasks, v.note, v.version \
    FROM hh_visit v JOIN person p ON p.id = v.person_id JOIN hh_agreement a ON a.id = v.agreement_id";

pub async fn patterns(tx: &mut Tx, agreement: i64) -> AppResult<Vec<Pattern>> {
    Ok(sql!(tx, c => sqlx::query_as::<_, Pattern>(
        "SELECT t.id, t.agreement_id, t.carer_id, c.name AS carer, t.weekday, t.start_min, t.minutes, t.valid_from \
         FROM hh_pattern t JOIN hh_carer c ON c.id = t.carer_id WHERE t.agreement_id = $1 AND t.valid_to IS NULL \
         ORDER BY t.weekday, t.start_min").bind(agreement).fetch_all(c).await?))
}

/// The visits of an agreement in a window of days.
pub async fn visits_of(tx: &mut Tx, agreement: i64, from: Date, to: Date) -> AppResult<Vec<Visit>> {
    let q = format!(
        "{VISIT} WHERE v.agreement_id = $1 AND v.day BETWEEN $2 AND $3 ORDER BY v.day, v.start_min"
    );
    Ok(
        sql!(tx, c => sqlx::query_as::<_, Visit>(&q).bind(agreement).bind(from).bind(to).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PatternForm {
    #[serde(deserialize_with = "lenient")]
    pub carer_id: String,
    /// 1 (Monday) to 7 (Sunday)
    #[serde(deserialize_with = "lenient")]
    pub weekday: String,
    /// `08:30`
    #[serde(deserialize_with = "lenient")]
    pub start: String,
    #[serde(deserialize_with = "lenient")]
    pub minutes: String,
    /// From which day (default today).
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
}

/// Adds a visit to the agreement's regular week and plans it for the next four weeks.
pub async fn add_pattern(
    db: &Db,
    actor: &Actor,
    agreement: i64,
    f: &PatternForm,
) -> AppResult<i64> {
    let mut ck = Check::new();
    let carer = ck.id("carer_id", &f.carer_id, true);
    let weekday = number(&mut ck, "weekday", &f.weekday, true, 7);
    if weekday == Some(0) {
        ck.err("weekday", "err-choice");
    }
    let start = parse_hhmm(&f.start);
    if start.is_none() {
        ck.err("start", "services-err-time");
    }
    let minutes = number(&mut ck, "minutes", &f.minutes, true, 480);
    if minutes.is_some_and(|m| m < 15) {
        ck.err("minutes", "services-err-minutes");
    }
    let from = ck
        .date("valid_from", &f.valid_from, false)
        .unwrap_or_else(|| actor.today());
    let mut tx = db.begin().await?;
    let a = crate::agreements::load(&mut tx, actor, agreement).await?;
    if a.status != "active" {
        return Err(AppError::Refused(Msg::new("services-err-not-active")));
    }
    if let Some(c) = carer {
        let c = carers::load(&mut tx, actor, c).await?;
        if !c.active {
            ck.err("carer_id", "services-err-carer-inactive");
        }
    }
    ck.done()?;
    let (Some(carer), Some(weekday), Some(start), Some(minutes)) = (carer, weekday, start, minutes)
    else {
        return Err(AppError::BadRequest("pattern".into()));
    };
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO hh_pattern (agreement_id, carer_id, weekday, start_min, minutes, valid_from) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(agreement).bind(carer).bind(weekday).bind(start).bind(minutes).bind(from).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "hh_pattern", id)
            .person(a.person_id)
            .detail(serde_json::json!({ "carer": carer, "weekday": weekday, "start": hhmm(start), "minutes": minutes })),
    )
    .await?;
    let monday = monday_of(from.max(actor.today()));
    plan_in(&mut tx, Some(a.centre_id), Some(agreement), monday, 4).await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes a visit off the regular week from today; its planned visits after today go.
pub async fn remove_pattern(db: &Db, actor: &Actor, agreement: i64, pattern: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let a = crate::agreements::load(&mut tx, actor, agreement).await?;
    let today = actor.today();
    let n = sql!(&mut tx, c => sqlx::query("UPDATE hh_pattern SET valid_to = $1 WHERE id = $2 AND agreement_id = $3 AND valid_to IS NULL")
        .bind(today).bind(pattern).bind(agreement).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::NotFound);
    }
    // Its planned visits after today go: those on its weekday at its time.
    let (wd, start): (i64, i64) = sql!(&mut tx, c => sqlx::query_as("SELECT weekday, start_min FROM hh_pattern WHERE id = $1")
        .bind(pattern).fetch_one(c).await?);
    let later: Vec<(i64, Date)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, day FROM hh_visit WHERE agreement_id = $1 AND day > $2 AND start_min = $3 AND status = 'planned'")
        .bind(agreement).bind(today).bind(start).fetch_all(c).await?);
    for (id, day) in later {
        if i64::from(day.weekday().number_from_monday()) == wd {
            sql!(&mut tx, c => sqlx::query("DELETE FROM hh_visit WHERE id = $1").bind(id).execute(c).await?.rows_affected());
        }
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::End, "hh_pattern", pattern).person(a.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub fn monday_of(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// Plans `weeks` weeks from `monday` from the regular weeks of active agreements (of a
/// centre, or one agreement): each pattern gives a visit on its weekday, unless one is
/// already there. Set-based: the patterns and the visits already planned are read once,
/// the new visits written in one go.
pub(crate) async fn plan_in(
    tx: &mut Tx,
    centre: Option<i64>,
    agreement: Option<i64>,
    monday: Date,
    weeks: i64,
) -> AppResult<usize> {
    let last = monday + Duration::days(7 * weeks - 1);
    let mut filter = String::new();
    if let Some(c) = centre {
        filter.push_str(&format!(" AND a.centre_id = {c}"));
    }
    if let Some(a) = agreement {
        filter.push_str(&format!(" AND a.id = {a}"));
    }
    let pats = bulk::select(
        tx,
        &["t.agreement_id", "a.centre_id", "a.person_id", "t.carer_id", "t.weekday", "t.start_min", "t.minutes", "t.valid_from", "a.start_on", "a.end_on"],
        &format!(
            "FROM hh_pattern t JOIN hh_agreement a ON a.id = t.agreement_id WHERE a.status = 'active' \
             AND t.valid_to IS NULL AND t.valid_from <= {}{filter}",
            bulk::date_literal(last)
        ),
    )
    .await?;
    let existing = bulk::select(
        tx,
        &["v.agreement_id", "v.day", "v.start_min"],
        &format!(
            "FROM hh_visit v JOIN hh_agreement a ON a.id = v.agreement_id WHERE v.day BETWEEN {} AND {}{filter}",
            bulk::date_literal(monday),
            bulk::date_literal(last)
        ),
    )
    .await?;
    let mut have = std::collections::HashSet::new();
    for r in existing.iter() {
        have.insert(r.read("visit", |r| Some((r.int(0)?, r.date(1)?, r.int(2)?)))?);
    }
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for r in pats.iter() {
        let (ag, centre, person, carer, wd, start, minutes, from, a_start, a_end) =
            r.read("pattern", |r| {
                Some((
                    r.int(0)?,
                    r.int(1)?,
                    r.int(2)?,
                    r.int(3)?,
                    r.int(4)?,
                    r.int(5)?,
                    r.int(6)?,
                    r.date(7)?,
                    r.date(8),
                    r.date(9),
                ))
            })?;
        for w in 0..weeks {
            let day = monday + Duration::days(7 * w + wd - 1);
            if day < from || a_start.is_some_and(|s| day < s) || a_end.is_some_and(|e| day > e) {
                continue;
            }
            if !have.insert((ag, day, start)) {
                continue;
            }
            rows.push(vec![
                Value::Int(centre),
                Value::Int(ag),
                Value::Int(person),
                Value::Int(carer),
                Value::Date(day),
                Value::Int(start),
                Value::Int(minutes),
                Value::Str("planned"),
            ]);
        }
    }
    let n = rows.len();
    bulk::insert(
        tx,
        "hh_visit",
        &[
            "centre_id",
            "agreement_id",
            "person_id",
            "carer_id",
            "day",
            "start_min",
            "minutes",
            "status",
        ],
        &rows,
    )
    .await?;
    Ok(n)
}

/// Plans weeks for the actor's centre (the co-ordinator's "repeat the week forward").
pub async fn plan(db: &Db, actor: &Actor, monday: Date, weeks: i64) -> AppResult<usize> {
    if !(1..=12).contains(&weeks) {
        return Err(skrb_kit::form::field_error("weeks", "err-number"));
    }
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin().await?;
    let n = plan_in(&mut tx, Some(centre), None, monday_of(monday), weeks).await?;
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::Plan, "hh_visit")
            .detail(serde_json::json!({ "from": monday.to_string(), "weeks": weeks, "visits": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// One carer's row of the week board.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BoardRow {
    pub carer: Carer,
    /// Monday to Sunday: the visits of each day in time order.
    pub days: Vec<Vec<Visit>>,
    pub planned_minutes: i64,
    /// Days away in the week (Monday 0).
    pub absent: Vec<bool>,
}

/// A warning as words: a message key and its arguments, and the visits it concerns.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Warning {
    pub key: String,
    #[schema(value_type = Object)]
    pub conflict: Conflict,
    pub visits: Vec<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Board {
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub monday: Date,
    /// Monday to Sunday (the rows' days follow them).
    #[serde(skip)]
    pub days: Vec<Date>,
    pub rows: Vec<BoardRow>,
    pub warnings: Vec<Warning>,
}

impl Board {
    /// Whether a visit has a warning (the board marks it).
    pub fn warned(&self, visit: &i64) -> bool {
        self.warnings.iter().any(|w| w.visits.contains(visit))
    }
}

/// The week board: the co-ordinator's carers (or all of the centre's) with their
/// visits, and every warning at once. Audited as a list of the persons shown.
pub async fn board(db: &Db, actor: &Actor, monday: Date, mine_only: bool) -> AppResult<Board> {
    let monday = monday_of(monday);
    let sunday = monday + Duration::days(6);
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin().await?;
    let mut carers: Vec<Carer> = carers::of_centre(&mut tx, centre)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .collect();
    if mine_only && carers.iter().any(|c| c.coordinator_id == actor.user_id) {
        carers.retain(|c| c.coordinator_id == actor.user_id);
    }
    let ids: Vec<i64> = carers.iter().map(|c| c.id).collect();
    let absences = carers::absences(&mut tx, &ids, Some(monday)).await?;
    let q = format!(
        "{VISIT} WHERE v.day BETWEEN $1 AND $2 AND ($3 IS NULL OR v.centre_id = $3) AND v.status <> 'cancelled' \
         ORDER BY v.day, v.start_min"
    );
    let visits = sql!(&mut tx, c => sqlx::query_as::<_, Visit>(&q).bind(monday).bind(sunday).bind(centre).fetch_all(c).await?);
    let agreed: HashMap<i64, i64> = {
        let rows: Vec<(i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
            "SELECT person_id, minutes_week FROM hh_agreement WHERE status = 'active' AND ($1 IS NULL OR centre_id = $1)")
            .bind(centre).fetch_all(c).await?);
        rows.into_iter().collect()
    };
    let rule_carers: Vec<rules::Carer> = carers
        .iter()
        .map(|c| rules::Carer {
            id: c.id,
            contracted_minutes_week: c.minutes_week,
            absences: absences
                .iter()
                .filter(|a| a.carer_id == c.id)
                .map(|a| (a.from_day, a.to_day))
                .collect(),
            qualified_until: c.qualified_until,
        })
        .collect();
    let shown: Vec<&Visit> = visits
        .iter()
        .filter(|v| ids.contains(&v.carer_id))
        .collect();
    let slots: Vec<Slot> = shown.iter().map(|v| v.slot()).collect();
    let found = rules::conflicts(&slots, &rule_carers, &agreed);
    let warnings = found
        .into_iter()
        .map(|c| {
            let (key, visits) = match &c {
                Conflict::DoubleBooked { slot, other } => {
                    ("services-warn-double", vec![*slot, *other])
                }
                Conflict::NoTravelTime { slot, other, .. } => {
                    ("services-warn-travel", vec![*slot, *other])
                }
                Conflict::OverContract { carer, .. } => (
                    "services-warn-contract",
                    shown
                        .iter()
                        .filter(|v| v.carer_id == *carer)
                        .map(|v| v.id)
                        .collect(),
                ),
                Conflict::Absent { slot } => ("services-warn-absent", vec![*slot]),
                Conflict::Unqualified { slot } => ("services-warn-unqualified", vec![*slot]),
                Conflict::OverAgreed { user, .. } => (
                    "services-warn-agreed",
                    shown
                        .iter()
                        .filter(|v| v.person_id == *user)
                        .map(|v| v.id)
                        .collect(),
                ),
            };
            Warning {
                key: key.into(),
                conflict: c,
                visits,
            }
        })
        .collect();
    let days: Vec<Date> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let rows = carers
        .into_iter()
        .map(|c| {
            let mine: Vec<&Visit> = shown
                .iter()
                .copied()
                .filter(|v| v.carer_id == c.id)
                .collect();
            let rc = rule_carers.iter().find(|r| r.id == c.id);
            BoardRow {
                days: days
                    .iter()
                    .map(|d| {
                        mine.iter()
                            .filter(|v| v.day == *d)
                            .map(|v| (*v).clone())
                            .collect()
                    })
                    .collect(),
                planned_minutes: mine.iter().map(|v| v.minutes).sum(),
                absent: days
                    .iter()
                    .map(|d| rc.is_some_and(|r| r.absent_on(*d)))
                    .collect(),
                carer: c,
            }
        })
        .collect();
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "hh_visit").detail(serde_json::json!({
            "week": monday.to_string(),
            "persons": shown.iter().map(|v| v.person_id).collect::<std::collections::BTreeSet<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Board {
        monday,
        days,
        rows,
        warnings,
    })
}

/// The board's weekday names come from the words; Monday first.
pub fn weekday_code(d: &Date) -> &'static str {
    match d.weekday() {
        Weekday::Monday => "1",
        Weekday::Tuesday => "2",
        Weekday::Wednesday => "3",
        Weekday::Thursday => "4",
        Weekday::Friday => "5",
        Weekday::Saturday => "6",
        Weekday::Sunday => "7",
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReplaceForm {
    /// The carer away.
    #[serde(deserialize_with = "lenient")]
    pub carer_id: String,
    /// Who stands in.
    #[serde(deserialize_with = "lenient")]
    pub by_carer_id: String,
    #[serde(deserialize_with = "lenient")]
    pub from_day: String,
    #[serde(deserialize_with = "lenient")]
    pub to_day: String,
}

/// Gives a carer's planned visits in a period (a day: the same day twice) to another.
pub async fn replace(db: &Db, actor: &Actor, f: &ReplaceForm) -> AppResult<u64> {
    let mut ck = Check::new();
    let carer = ck.id("carer_id", &f.carer_id, true);
    let by = ck.id("by_carer_id", &f.by_carer_id, true);
    let from = ck.date("from_day", &f.from_day, true);
    let to = ck.date("to_day", &f.to_day, true);
    ck.order("to_day", from, to);
    if carer.is_some() && carer == by {
        ck.err("by_carer_id", "services-err-same-carer");
    }
    if let (Some(a), Some(b)) = (from, to) {
        if (b - a).whole_days() > 92 {
            ck.err("to_day", "services-err-period");
        }
    }
    let mut tx = db.begin().await?;
    if let Some(c) = carer {
        carers::load(&mut tx, actor, c).await?;
    }
    if let Some(c) = by {
        if !carers::load(&mut tx, actor, c).await?.active {
            ck.err("by_carer_id", "services-err-carer-inactive");
        }
    }
    ck.done()?;
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE hh_visit SET planned_carer_id = COALESCE(planned_carer_id, carer_id), carer_id = $1, version = version + 1 \
         WHERE carer_id = $2 AND day BETWEEN $3 AND $4 AND status = 'planned'")
        .bind(by).bind(carer).bind(from).bind(to).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::Replace, "hh_visit").detail(serde_json::json!({
            "carer": carer, "by": by, "from": from.map(|d| d.to_string()), "to": to.map(|d| d.to_string()), "visits": n,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
