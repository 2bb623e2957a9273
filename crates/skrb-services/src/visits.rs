//! Visits recorded by the carer on a phone: today's visits in order with the care plan,
//! check-in and check-out as the carer recorded them (and when they reached the server),
//! the tasks done, a note, or "not at home". A phone on a bad connection sends a visit
//! again: the idempotency key the page gave the form saves it once. The co-ordinator sees
//! what is missing and where the delivered minutes stray from the planned.

use skrb_domain::services::{parse_hhmm, HomeTask, VisitStatus};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{items, lenient, lenient_list, truthy, Check};
use skrb_kit::sql;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::agreements::{self, Agreement};
use crate::carers::{self, Carer};
use crate::roster::{Visit, VISIT};

/// A visit with its carer's name, for the register of visits.
#[derive(sqlx::FromRow)]
struct Registered {
    #[sqlx(flatten)]
    visit: Visit,
    carer_name: String,
}

/// The register of visits from `from` to `to` (the board's week, or any period up to a
/// year): the co-ordinator's carers' only when `mine`, else all of the centre's. Each
/// visit with what was planned and what was recorded (arrival and departure in the
/// centre's time, minutes delivered, tasks done), as XLSX or CSV; audited as a download.
#[allow(clippy::too_many_arguments)]
pub async fn export(
    read: &Db,
    db: &Db,
    actor: &Actor,
    from: Date,
    to: Date,
    mine: bool,
    format: skrb_kit::export::Format,
    l: skrb_kit::i18n::Locale,
) -> AppResult<skrb_kit::export::Download> {
    use skrb_kit::export::{download, headings, Bind, Listing};
    use skrb_kit::i18n::t;
    use skrb_kit::sheet::Cell;
    if to < from || (to - from).whole_days() > 366 {
        return Err(skrb_kit::form::field_error("to", "err-period"));
    }
    let me = if mine { actor.user_id.unwrap_or(0) } else { 0 };
    let sql = format!(
        "{} JOIN hh_carer hc ON hc.id = v.carer_id WHERE v.day BETWEEN $1 AND $2 AND ($3 IS NULL OR v.centre_id = $3) \
         AND ($4 = 0 OR hc.coordinator_id = $4 OR NOT EXISTS (SELECT 1 FROM hh_carer m WHERE m.coordinator_id = $4)) \
         ORDER BY v.day, hc.name, v.start_min, v.id",
        VISIT.replacen("SELECT ", "SELECT hc.name AS carer_name, ", 1)
    );
    let list = Listing {
        sql,
        binds: vec![
            Bind::D(from),
            Bind::D(to),
            Bind::N(skrb_kit::scope::centre_of(actor)),
            Bind::I(me),
        ],
        title: t(l, "services-visits"),
        columns: headings(
            l,
            &[
                "services-day",
                "services-start",
                "services-minutes",
                "services-carer",
                "services-user",
                "services-address",
                "services-status",
                "services-check-in",
                "services-check-out",
                "services-delivered",
                "services-tasks",
                "services-note",
            ],
        ),
        name: "visits",
        entity: "hh_visit",
        detail: serde_json::json!({ "from": from.to_string(), "to": to.to_string(), "mine": mine }),
    };
    let clock = |at: Option<OffsetDateTime>| {
        at.map_or(Cell::Empty, |at| {
            let at = actor.zone.local(at);
            Cell::Text(format!("{:02}:{:02}", at.hour(), at.minute()))
        })
    };
    download(read, db, actor, list, format, |r: Registered| {
        let v = r.visit;
        let done: Vec<String> = v
            .done_tasks
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| t(l, &format!("services-task-{c}")))
            .collect();
        vec![
            Cell::Date(v.day),
            Cell::Text(v.start()),
            Cell::Minutes(v.minutes),
            Cell::Text(r.carer_name),
            Cell::Text(v.person_name),
            v.address.map_or(Cell::Empty, Cell::Text),
            Cell::Text(t(l, &format!("services-visit-{}", v.status))),
            clock(v.check_in),
            clock(v.check_out),
            v.delivered_minutes.map_or(Cell::Empty, Cell::Minutes),
            Cell::Text(done.join(", ")),
            v.note.map_or(Cell::Empty, Cell::Text),
        ]
    })
    .await
}

/// Minutes a delivered visit may differ from the planned before the co-ordinator is told.
pub const TOLERANCE_MINUTES: i64 = 15;

/// A visit with what the carer needs at the door.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DoorVisit {
    pub visit: Visit,
    /// The care plan's steps.
    pub plan: Vec<String>,
    /// The parts agreed (household, hygiene, contact, meals).
    pub tasks: Vec<String>,
    /// A fresh idempotency key for the form.
    pub key: String,
}

/// The signed-in carer's visits of a day, in order, with their users' care plans: what
/// a carer may see, and nothing else of the person's file.
pub async fn mine(db: &Db, actor: &Actor, day: Date) -> AppResult<(Option<Carer>, Vec<DoorVisit>)> {
    let mut tx = db.begin().await?;
    let Some(carer) = carers::of_user(&mut tx, actor.user_id).await? else {
        tx.commit().await?;
        return Ok((None, Vec::new()));
    };
    let q = format!("{VISIT} WHERE v.carer_id = $1 AND v.day = $2 AND v.status <> 'cancelled' ORDER BY v.start_min");
    let visits = sql!(&mut tx, c => sqlx::query_as::<_, Visit>(&q).bind(carer.id).bind(day).fetch_all(c).await?);
    let mut out = Vec::new();
    for v in visits {
        let (plan, tasks): (String, String) = sql!(&mut tx, c => sqlx::query_as(
            "SELECT plan, tasks FROM hh_agreement WHERE id = $1").bind(v.agreement_id).fetch_one(c).await?);
        out.push(DoorVisit {
            plan: plan
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            tasks: items(&tasks).map(String::from).collect(),
            key: skrb_kit::auth::sessions::new_token(),
            visit: v,
        });
    }
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "hh_visit").detail(serde_json::json!({
            "day": day.to_string(),
            "persons": out.iter().map(|d| d.visit.person_id).collect::<Vec<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok((Some(carer), out))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecordForm {
    /// The idempotency key: the same key sent twice saves the visit once.
    #[serde(deserialize_with = "lenient")]
    pub key: String,
    /// `08:05` (on the visit's day, the centre's time) or an RFC 3339 instant.
    #[serde(deserialize_with = "lenient")]
    pub check_in: String,
    #[serde(deserialize_with = "lenient")]
    pub check_out: String,
    /// The parts done: household, hygiene, contact, meals (a list).
    #[serde(deserialize_with = "lenient_list")]
    pub tasks: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    /// The user was not at home (no times needed).
    #[serde(deserialize_with = "lenient")]
    pub not_home: String,
}

/// What was saved, and whether this send was the first.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub visit_id: i64,
    /// done or not_home
    pub status: String,
    pub delivered_minutes: i64,
    /// False when the key had been seen: the visit was already saved.
    pub first: bool,
}

/// A time as the carer recorded it: a wall-clock time on the visit's day, or an instant.
fn instant(actor: &Actor, day: Date, s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if s.len() > 8 {
        return OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok();
    }
    let m = parse_hhmm(s)?;
    let t = Time::from_hms((m / 60) as u8, (m % 60) as u8, 0).ok()?;
    let naive = PrimitiveDateTime::new(day, t);
    let off = actor.zone.offset_at(naive.assume_utc());
    Some(naive.assume_offset(off))
}

/// Records a visit. The carer records their own visits; a co-ordinator (`manages`)
/// corrects anyone's.
pub async fn record(
    db: &Db,
    actor: &Actor,
    visit_id: i64,
    f: &RecordForm,
    manages: bool,
) -> AppResult<Recorded> {
    let mut ck = Check::new();
    let key = ck.text("key", &f.key, true, 100);
    let not_home = truthy(&f.not_home);
    let tasks: Vec<&str> = items(&f.tasks).collect();
    if tasks.iter().any(|t| HomeTask::from_code(t).is_none()) {
        ck.err("tasks", "err-choice");
    }
    let note = ck.text("note", &f.note, false, 2000);
    let mut tx = db.begin().await?;
    // Sent before: the same answer, nothing written twice.
    if let Some(k) = &key {
        let seen: Option<(i64, String, Option<i64>)> = sql!(&mut tx, c => sqlx::query_as(
            "SELECT id, status, delivered_minutes FROM hh_visit WHERE idem_key = $1").bind(k).fetch_optional(c).await?);
        if let Some((id, status, minutes)) = seen {
            tx.commit().await?;
            if id != visit_id {
                return Err(skrb_kit::form::field_error("key", "services-err-key"));
            }
            return Ok(Recorded {
                visit_id: id,
                status,
                delivered_minutes: minutes.unwrap_or(0),
                first: false,
            });
        }
    }
    let q = format!("{VISIT} WHERE v.id = $1");
    let v: Option<Visit> =
        sql!(&mut tx, c => sqlx::query_as::<_, Visit>(&q).bind(visit_id).fetch_optional(c).await?);
    let v = v.ok_or(AppError::NotFound)?;
    let a: Agreement = if manages {
        agreements::load(&mut tx, actor, v.agreement_id).await?
    } else {
        let me = carers::of_user(&mut tx, actor.user_id).await?;
        if me.is_none_or(|c| c.id != v.carer_id) {
            return Err(AppError::Refused(Msg::new("services-err-not-your-visit")));
        }
        let q = format!("{} WHERE a.id = $1", agreements::SELECT);
        sql!(&mut tx, c => sqlx::query_as::<_, Agreement>(&q).bind(v.agreement_id).fetch_one(c).await?)
    };
    let status = VisitStatus::from_code(&v.status).unwrap_or(VisitStatus::Cancelled);
    let may = status.recordable() || (manages && status != VisitStatus::Cancelled);
    if !may {
        return Err(AppError::Refused(Msg::new("services-err-recorded")));
    }
    let (cin, cout) = if not_home {
        (instant(actor, v.day, &f.check_in), None)
    } else {
        let cin = instant(actor, v.day, &f.check_in);
        let cout = instant(actor, v.day, &f.check_out);
        if cin.is_none() {
            ck.err("check_in", "services-err-time");
        }
        if cout.is_none() {
            ck.err("check_out", "services-err-time");
        }
        (cin, cout)
    };
    let minutes = match (cin, cout) {
        (Some(i), Some(o)) => {
            let m = (o - i).whole_minutes();
            if m <= 0 {
                ck.err("check_out", "services-err-check-out");
            } else if m > 8 * 60 {
                ck.err("check_out", "services-err-too-long");
            }
            // Not on another day, and not in the future (a phone's clock may be a few
            // minutes ahead).
            let day_of = actor.zone.date_of(i);
            if (day_of - v.day).whole_days().abs() > 0 {
                ck.err("check_in", "services-err-other-day");
            }
            if o > actor.now + Duration::minutes(10) {
                ck.err("check_out", "services-err-future");
            }
            m.max(0)
        }
        _ => 0,
    };
    ck.done()?;
    let done: Vec<HomeTask> = tasks
        .iter()
        .filter_map(|t| HomeTask::from_code(t))
        .collect();
    let minutes = if not_home {
        0
    } else {
        skrb_domain::services::counted_minutes(minutes, &done, a.meals_minutes)
    };
    let next = if not_home {
        VisitStatus::NotHome
    } else {
        VisitStatus::Done
    };
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE hh_visit SET status = $1, arrived_at = $2, left_at = $3, received_at = $4, delivered_minutes = $5, \
         done_tasks = $6, note = $7, idem_key = $8, recorded_by = $9, version = version + 1 \
         WHERE id = $10 AND version = $11 AND NOT EXISTS (SELECT 1 FROM hh_invoice i WHERE i.agreement_id = hh_visit.agreement_id \
         AND i.month = $12 AND i.kind = 'invoice' AND i.status <> 'credited')")
        .bind(next.code()).bind(cin).bind(cout).bind(actor.now).bind(minutes).bind(format!(",{},", tasks.join(",")))
        .bind(&note).bind(&key).bind(actor.user_id).bind(visit_id).bind(v.version).bind(crate::month_code(v.day)).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: v.version,
        });
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Record, "hh_visit", visit_id)
            .person(a.person_id)
            .detail(serde_json::json!({
                "status": next.code(), "minutes": minutes,
                "check_in": cin.map(|t| t.to_string()), "check_out": cout.map(|t| t.to_string()),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Recorded {
        visit_id,
        status: next.code().into(),
        delivered_minutes: minutes,
        first: true,
    })
}

/// Something for the co-ordinator to look at.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Exception {
    pub visit: Visit,
    pub carer: String,
    /// missing (no check-in or check-out after the visit's end) or deviation (delivered
    /// differs from planned beyond the tolerance)
    pub kind: String,
}

/// The visits of the last `days` days that were not recorded, or strayed from the plan.
pub async fn exceptions(db: &Db, actor: &Actor, days: i64) -> AppResult<Vec<Exception>> {
    let today = actor.today();
    let from = today - Duration::days(days);
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin().await?;
    let q = format!(
        "{VISIT} WHERE v.day BETWEEN $1 AND $2 AND ($3 IS NULL OR v.centre_id = $3) \
         AND (v.status = 'planned' OR (v.status = 'done' AND ABS(v.delivered_minutes - v.minutes) > $4)) \
         ORDER BY v.day DESC, v.start_min"
    );
    let rows = sql!(&mut tx, c => sqlx::query_as::<_, Visit>(&q).bind(from).bind(today).bind(centre).bind(TOLERANCE_MINUTES)
        .fetch_all(c).await?);
    let names: Vec<(i64, String)> = sql!(&mut tx, c => sqlx::query_as("SELECT id, name FROM hh_carer WHERE ($1 IS NULL OR centre_id = $1)")
        .bind(centre).fetch_all(c).await?);
    let now_local = actor.zone.local(actor.now);
    let now_min = i64::from(now_local.hour()) * 60 + i64::from(now_local.minute());
    let out: Vec<Exception> = rows
        .into_iter()
        .filter(|v| {
            v.status != "planned" || v.day < today || v.start_min + v.minutes + 30 < now_min
        })
        .map(|v| Exception {
            carer: names
                .iter()
                .find(|n| n.0 == v.carer_id)
                .map(|n| n.1.clone())
                .unwrap_or_default(),
            kind: if v.status == "planned" {
                "missing"
            } else {
                "deviation"
            }
            .into(),
            visit: v,
        })
        .collect();
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "hh_visit").detail(serde_json::json!({
            "exceptions": out.len(),
            "persons": out.iter().map(|e| e.visit.person_id).collect::<std::collections::BTreeSet<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_form_reads() {
        let mut raw = skrb_kit::form::Raw::new();
        for (k, v) in [
            ("key", "k"),
            ("check_in", "08:00"),
            ("check_out", "09:00"),
            ("tasks", "household,hygiene"),
            ("note", "x"),
        ] {
            raw.insert(k.into(), v.into());
        }
        let f: Result<RecordForm, _> = skrb_kit::form::typed(&raw);
        assert!(f.is_ok(), "{:?}", f.err());
    }
}
