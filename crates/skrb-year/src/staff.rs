//! Staff: everyone who works for the centre, employed or engaged (employees, interns,
//! informators, public-works workers, students, volunteers), who pays for the post, the
//! unit and job, the hours a week and the contract's period, and the user account if
//! they have one. The head count on any day by kind and funding is what the annual report
//! states ("51 employees; 4 interns and 1 informator funded by the ESF; 13 public-works
//! workers"); the hours a week set the caseload norm of a worker with an account. Also the
//! municipal working groups and committees the centre sits in.

use skrb_domain::year::{Funding, StaffKind};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::form::{lenient, version_of, Check};
use skrb_kit::sql;
use std::collections::BTreeMap;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    /// employee, intern, informator, public_works, student, volunteer
    pub kind: String,
    /// state, municipality, esf, project
    pub funding: String,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub job: String,
    pub hours_week: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
    pub user_id: Option<i64>,
    /// The account's user name, if the person has one.
    pub account: Option<String>,
    pub version: i64,
}

const COLS: &str = "s.id, s.name, s.kind, s.funding, s.unit_id, u.name AS unit, s.job, s.hours_week, s.starts_on, s.ends_on, \
    s.user_id, a.username AS account, s.version";
const FROM: &str =
    "staff_member s LEFT JOIN unit u ON u.id = s.unit_id LEFT JOIN app_user a ON a.id = s.user_id";

/// Who works for the centre on a day (everyone ever, when no day is given), by kind,
/// then name.
pub async fn list(db: &Db, actor: &Actor, on: Option<Date>) -> AppResult<Vec<StaffMember>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin().await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE s.centre_id = $1 AND ($2 IS NULL OR (s.starts_on <= $2 AND (s.ends_on IS NULL OR s.ends_on >= $2))) \
         ORDER BY s.kind, s.name, s.id"
    );
    let rows: Vec<StaffMember> = sql!(&mut tx, c => sqlx::query_as::<_, StaffMember>(&q).bind(centre).bind(on).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::about(Action::List, "staff_member")
            .detail(serde_json::json!({ "on": on.map(|d| d.to_string()), "shown": rows.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The names of who works for the centre on a day, for a form's choice (who is
/// responsible, who joins a group): names only, as the accounts' choice lists them.
pub async fn names(db: &Db, actor: &Actor, on: Date) -> AppResult<Vec<(i64, String)>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, name FROM staff_member WHERE centre_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2) ORDER BY name, id")
        .bind(centre).bind(on).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<StaffMember> {
    let mut tx = db.begin().await?;
    let q = format!("SELECT {COLS} FROM {FROM} WHERE s.id = $1");
    let row: Option<(i64,)> = sql!(&mut tx, c => sqlx::query_as("SELECT centre_id FROM staff_member WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (centre,) = row.ok_or(AppError::NotFound)?;
    crate::own(actor, centre)?;
    let s: StaffMember =
        sql!(&mut tx, c => sqlx::query_as::<_, StaffMember>(&q).bind(id).fetch_one(c).await?);
    audit::record(&mut tx, actor, Event::new(Action::Read, "staff_member", id)).await?;
    tx.commit().await?;
    Ok(s)
}

/// The head count on a day: how many by kind and funding, their hours, and the totals
/// the annual report states.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HeadCount {
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub rows: Vec<HeadCountRow>,
    /// Persons by kind, whatever the funding.
    pub by_kind: BTreeMap<String, i64>,
    /// Persons by funding, whatever the kind.
    pub by_funding: BTreeMap<String, i64>,
    pub total: i64,
    /// Full-time equivalents in hundredths (40 hours a week is 100).
    pub fte: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct HeadCountRow {
    pub kind: String,
    pub funding: String,
    pub persons: i64,
    pub hours_week: i64,
}

pub async fn head_count(db: &Db, actor: &Actor, on: Date) -> AppResult<HeadCount> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let rows: Vec<HeadCountRow> = sql!(&mut tx, c => sqlx::query_as::<_, HeadCountRow>(
        "SELECT kind, funding, COUNT(*) AS persons, CAST(COALESCE(SUM(hours_week), 0) AS BIGINT) AS hours_week FROM staff_member \
         WHERE centre_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2) GROUP BY kind, funding ORDER BY kind, funding")
        .bind(centre).bind(on).fetch_all(c).await?);
    tx.commit().await?;
    Ok(count_of(on, rows))
}

fn count_of(on: Date, mut rows: Vec<HeadCountRow>) -> HeadCount {
    // In the order of the codes (employees first), as the report lists them.
    let rank = |r: &HeadCountRow| {
        (
            StaffKind::codes().iter().position(|k| *k == r.kind),
            Funding::codes().iter().position(|f| *f == r.funding),
        )
    };
    rows.sort_by_key(rank);
    let mut by_kind = BTreeMap::new();
    let mut by_funding = BTreeMap::new();
    for r in &rows {
        *by_kind.entry(r.kind.clone()).or_insert(0) += r.persons;
        *by_funding.entry(r.funding.clone()).or_insert(0) += r.persons;
    }
    let hours: i64 = rows.iter().map(|r| r.hours_week).sum();
    HeadCount {
        on,
        total: rows.iter().map(|r| r.persons).sum(),
        fte: (hours * 100 + 20) / 40,
        rows,
        by_kind,
        by_funding,
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StaffForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    #[serde(deserialize_with = "lenient")]
    pub funding: String,
    #[serde(deserialize_with = "lenient")]
    pub unit_id: String,
    #[serde(deserialize_with = "lenient")]
    pub job: String,
    #[serde(deserialize_with = "lenient")]
    pub hours_week: String,
    #[serde(deserialize_with = "lenient")]
    pub starts_on: String,
    #[serde(deserialize_with = "lenient")]
    pub ends_on: String,
    /// The user account of the person, if they have one (of the same centre).
    #[serde(deserialize_with = "lenient")]
    pub user_id: String,
    /// The version the form was read at (a change only).
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

struct Staff {
    name: String,
    kind: &'static str,
    funding: &'static str,
    unit: Option<i64>,
    job: String,
    hours: i64,
    starts_on: Date,
    ends_on: Option<Date>,
    user: Option<i64>,
}

async fn parse(tx: &mut skrb_kit::db::Tx, centre: i64, f: &StaffForm) -> AppResult<Staff> {
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let kind = ck.choice("kind", &f.kind, &StaffKind::codes(), true);
    let funding = ck.choice("funding", &f.funding, &Funding::codes(), true);
    let unit = ck.id("unit_id", &f.unit_id, false);
    let job = ck.text("job", &f.job, true, 200);
    let hours = ck.number("hours_week", &f.hours_week, true, 60);
    if hours == Some(0) {
        ck.err("hours_week", "err-number");
    }
    let starts_on = ck.date("starts_on", &f.starts_on, true);
    let ends_on = ck.date("ends_on", &f.ends_on, false);
    ck.order("ends_on", starts_on, ends_on);
    let user = ck.id("user_id", &f.user_id, false);
    if let Some(u) = unit {
        let n: i64 = sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM unit WHERE id = $1 AND centre_id = $2").bind(u).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("unit_id", "err-choice");
        }
    }
    if let Some(u) = user {
        let n: i64 = sql!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM app_user WHERE id = $1 AND centre_id = $2").bind(u).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("user_id", "err-choice");
        }
    }
    ck.done()?;
    match (name, kind, funding, job, hours, starts_on) {
        (Some(name), Some(kind), Some(funding), Some(job), Some(hours), Some(starts_on)) => {
            Ok(Staff {
                name,
                kind,
                funding,
                unit,
                job,
                hours,
                starts_on,
                ends_on,
                user,
            })
        }
        _ => Err(AppError::Internal(anyhow::anyhow!("staff form checked"))),
    }
}

pub async fn create(db: &Db, actor: &Actor, f: &StaffForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin().await?;
    let s = parse(&mut tx, centre, f).await?;
    // A form sent twice is one person, not two.
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_member WHERE centre_id = $1 AND name = $2 AND starts_on = $3")
        .bind(centre).bind(&s.name).bind(s.starts_on).fetch_one(c).await?);
    if same > 0 {
        return Err(skrb_kit::form::field_error("name", "year-err-duplicate"));
    }
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO staff_member (centre_id, name, kind, funding, unit_id, job, hours_week, starts_on, ends_on, user_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
        .bind(centre).bind(&s.name).bind(s.kind).bind(s.funding).bind(s.unit).bind(&s.job).bind(s.hours)
        .bind(s.starts_on).bind(s.ends_on).bind(s.user).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "staff_member", id)
            .detail(serde_json::json!({ "kind": s.kind, "funding": s.funding })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a staff member's record (a contract ended, hours changed), against the version
/// the form was read at.
pub async fn update(db: &Db, actor: &Actor, id: i64, f: &StaffForm) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64)> = sql!(&mut tx, c => sqlx::query_as("SELECT centre_id, version FROM staff_member WHERE id = $1").bind(id).fetch_optional(c).await?);
    let (centre, version) = row.ok_or(AppError::NotFound)?;
    crate::own(actor, centre)?;
    version_of(&f.version, version)?;
    let s = parse(&mut tx, centre, f).await?;
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE staff_member SET name = $1, kind = $2, funding = $3, unit_id = $4, job = $5, hours_week = $6, starts_on = $7, ends_on = $8, \
         user_id = $9, version = version + 1 WHERE id = $10 AND version = $11")
        .bind(&s.name).bind(s.kind).bind(s.funding).bind(s.unit).bind(&s.job).bind(s.hours).bind(s.starts_on).bind(s.ends_on)
        .bind(s.user).bind(id).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: version,
        });
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "staff_member", id).detail(serde_json::json!({
            "kind": s.kind, "hours_week": s.hours, "ends_on": s.ends_on.map(|d| d.to_string())
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a staff form offers: the centre's units and user accounts.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub units: Vec<(i64, String)>,
    pub users: Vec<(i64, String)>,
}

pub async fn choices(db: &Db, actor: &Actor) -> AppResult<Choices> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let units = sql!(&mut tx, c => sqlx::query_as("SELECT id, name FROM unit WHERE centre_id = $1 ORDER BY name").bind(centre).fetch_all(c).await?);
    let users = sql!(&mut tx, c => sqlx::query_as("SELECT id, display_name FROM app_user WHERE centre_id = $1 AND active = TRUE ORDER BY display_name")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(Choices { units, users })
}

// ---------------------------------------------------------------- working groups

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WorkingGroup {
    pub id: i64,
    pub name: String,
    /// Who convened it (the municipality, the ministry).
    pub convened_by: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
    pub members: Vec<GroupMember>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct GroupMember {
    #[serde(skip)]
    pub group_id: i64,
    pub staff_id: i64,
    pub name: String,
    /// chair, member, secretary
    pub role: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    #[schema(value_type = Option<String>, format = Date)]
    pub ends_on: Option<Date>,
}

/// The working groups and committees the centre sits in, with their members.
pub async fn groups(db: &Db, actor: &Actor) -> AppResult<Vec<WorkingGroup>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    type GroupRow = (i64, String, String, Date, Option<Date>);
    let rows: Vec<GroupRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, name, convened_by, starts_on, ends_on FROM working_group WHERE centre_id = $1 ORDER BY starts_on DESC, name")
        .bind(centre).fetch_all(c).await?);
    let members: Vec<GroupMember> = sql!(&mut tx, c => sqlx::query_as::<_, GroupMember>(
        "SELECT m.group_id, m.staff_id, s.name, m.role, m.starts_on, m.ends_on FROM working_group_member m \
         JOIN working_group g ON g.id = m.group_id JOIN staff_member s ON s.id = m.staff_id WHERE g.centre_id = $1 ORDER BY m.role, s.name")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, convened_by, starts_on, ends_on)| WorkingGroup {
            id,
            name,
            convened_by,
            starts_on,
            ends_on,
            members: members
                .iter()
                .filter(|m| m.group_id == id)
                .cloned()
                .collect(),
        })
        .collect())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GroupForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub convened_by: String,
    #[serde(deserialize_with = "lenient")]
    pub starts_on: String,
    #[serde(deserialize_with = "lenient")]
    pub ends_on: String,
}

pub async fn create_group(db: &Db, actor: &Actor, f: &GroupForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let by = ck.text("convened_by", &f.convened_by, true, 200);
    let starts_on = ck.date("starts_on", &f.starts_on, true);
    let ends_on = ck.date("ends_on", &f.ends_on, false);
    ck.order("ends_on", starts_on, ends_on);
    let mut tx = db.begin().await?;
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM working_group WHERE centre_id = $1 AND name = $2")
        .bind(centre).bind(&name).fetch_one(c).await?);
    if same > 0 {
        ck.err("name", "year-err-duplicate");
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO working_group (centre_id, name, convened_by, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(centre).bind(&name).bind(&by).bind(starts_on).bind(ends_on).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "working_group", id).detail(serde_json::json!({ "name": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MemberForm {
    #[serde(deserialize_with = "lenient")]
    pub staff_id: String,
    /// chair, member, secretary
    #[serde(deserialize_with = "lenient")]
    pub role: String,
    #[serde(deserialize_with = "lenient")]
    pub starts_on: String,
    #[serde(deserialize_with = "lenient")]
    pub ends_on: String,
}

pub const MEMBER_ROLES: [&str; 3] = ["chair", "member", "secretary"];

pub async fn add_member(db: &Db, actor: &Actor, group: i64, f: &MemberForm) -> AppResult<()> {
    let mut ck = Check::new();
    let staff = ck.id("staff_id", &f.staff_id, true);
    let role = ck.choice("role", &f.role, &MEMBER_ROLES, true);
    let starts_on = ck.date("starts_on", &f.starts_on, true);
    let ends_on = ck.date("ends_on", &f.ends_on, false);
    ck.order("ends_on", starts_on, ends_on);
    let mut tx = db.begin().await?;
    let centre: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT centre_id FROM working_group WHERE id = $1").bind(group).fetch_optional(c).await?);
    let centre = centre.ok_or(AppError::NotFound)?;
    crate::own(actor, centre)?;
    if let Some(s) = staff {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM staff_member WHERE id = $1 AND centre_id = $2").bind(s).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("staff_id", "err-choice");
        }
    }
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM working_group_member WHERE group_id = $1 AND staff_id = $2 AND starts_on = $3")
        .bind(group).bind(staff).bind(starts_on).fetch_one(c).await?);
    if same > 0 {
        ck.err("staff_id", "year-err-duplicate");
    }
    ck.done()?;
    sql!(&mut tx, c => sqlx::query("INSERT INTO working_group_member (group_id, staff_id, role, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)")
        .bind(group).bind(staff).bind(role).bind(starts_on).bind(ends_on).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::AddMember, "working_group", group)
            .detail(serde_json::json!({ "staff": staff, "role": role })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, funding: &str, persons: i64, hours: i64) -> HeadCountRow {
        HeadCountRow {
            kind: kind.into(),
            funding: funding.into(),
            persons,
            hours_week: hours,
        }
    }

    #[test]
    fn the_head_count_sums_by_kind_and_funding_in_the_reports_order() {
        // Velenje on 31 December 2014: 51 employees, 4 interns and 1 informator (ESF),
        // 13 public-works workers.
        let on = time::macros::date!(2014 - 12 - 31);
        let h = count_of(
            on,
            vec![
                row("public_works", "municipality", 13, 13 * 40),
                row("intern", "esf", 4, 160),
                row("employee", "state", 49, 49 * 40),
                row("informator", "esf", 1, 40),
                row("employee", "municipality", 2, 60),
            ],
        );
        assert_eq!(h.total, 69);
        assert_eq!(h.by_kind["employee"], 51);
        assert_eq!(h.by_kind["intern"], 4);
        assert_eq!(h.by_funding["esf"], 5);
        assert_eq!(h.rows[0].kind, "employee");
        assert_eq!(h.rows[0].funding, "state");
        assert_eq!(h.rows.last().map(|r| r.kind.as_str()), Some("public_works"));
        // 2,740 hours a week are 68.5 full-time posts.
        assert_eq!(h.fte, 6850);
    }
}
