//! Commissions: first- and second-instance bodies that assess capacity to work,
//! functional state and children's needs. A session has an agenda of persons; the
//! finding and opinion recorded for each flows into the application's calculation input
//! (care degree, impairment). All users of a right can be put on agendas for
//! re-assessment in one set-based job.

use skrb_domain::rights::states::SessionStatus;
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Date, Duration};

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::{field_error, Check};
use skrb_kit::sql;

pub const KINDS: [&str; 2] = ["capacity", "children"];
pub const WORK_CAPACITY: [&str; 3] = ["able", "partly", "unable"];
pub const CARE: [&str; 3] = ["none", "partial", "full"];
pub const IMPAIRMENT: [&str; 4] = ["70", "80", "90", "100"];
/// What a member does on the commission.
pub const ROLES: [&str; 3] = ["chair", "member", "secretary"];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Commission {
    pub id: i64,
    pub centre_id: i64,
    pub name: String,
    pub instance: i64,
    pub kind: String,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommissionMember)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Session {
    pub id: i64,
    pub commission_id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub held_on: Date,
    /// planned, held
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: SessionStatus,
    pub note: Option<String>,
    pub items: i64,
    pub recorded: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: i64,
    pub session_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub application_id: Option<i64>,
    pub entitlement_id: Option<i64>,
    /// assessment, reassessment
    pub purpose: String,
    pub work_capacity: Option<String>,
    pub care_degree: Option<String>,
    pub impairment: Option<i64>,
    pub category: Option<String>,
    pub finding: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub recorded_on: Option<Date>,
}

pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Commission>> {
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, centre_id, name, instance, kind, active FROM commission WHERE ($1 IS NULL OR centre_id = $1) ORDER BY instance, name")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Commission> {
    let c: Option<Commission> = sql!(tx, c => sqlx::query_as(
        "SELECT id, centre_id, name, instance, kind, active FROM commission WHERE id = $1").bind(id).fetch_optional(c).await?);
    let c = c.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, c.centre_id)?;
    Ok(c)
}

pub struct CommissionView {
    pub commission: Commission,
    pub members: Vec<Member>,
    pub sessions: Vec<Session>,
}

pub async fn view(db: &Db, actor: &Actor, id: i64) -> AppResult<CommissionView> {
    let mut tx = db.begin_read().await?;
    let commission = guard(&mut tx, actor, id).await?;
    let members = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, name, role, user_id FROM commission_member WHERE commission_id = $1 ORDER BY id").bind(id).fetch_all(c).await?);
    let sessions = sql!(&mut tx, c => sqlx::query_as(
        "SELECT s.id, s.commission_id, s.held_on, s.status, s.note, \
         (SELECT COUNT(*) FROM commission_item i WHERE i.session_id = s.id) AS items, \
         (SELECT COUNT(*) FROM commission_item i WHERE i.session_id = s.id AND i.recorded_on IS NOT NULL) AS recorded \
         FROM commission_session s WHERE s.commission_id = $1 ORDER BY s.held_on DESC, s.id DESC LIMIT 200")
        .bind(id).fetch_all(c).await?);
    tx.commit().await?;
    Ok(CommissionView {
        commission,
        members,
        sessions,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CommissionForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// 1 or 2
    #[serde(deserialize_with = "lenient")]
    pub instance: String,
    /// capacity, children
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &CommissionForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let instance = ck
        .choice("instance", &f.instance, &["1", "2"], false)
        .unwrap_or("1");
    let kind = ck.choice("kind", &f.kind, &KINDS, true);
    ck.done()?;
    let mut tx = db.begin().await?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO commission (centre_id, name, instance, kind, active) VALUES ($1, $2, $3, $4, TRUE) RETURNING id")
        .bind(centre).bind(&name).bind(instance.parse::<i64>().unwrap_or(1)).bind(kind).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "commission", id)
            .detail(serde_json::json!({"name": name, "kind": kind})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = CommissionMemberForm)]
pub struct MemberForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// chair, member, secretary
    #[serde(deserialize_with = "lenient")]
    pub role: String,
    /// A Skrb account of the member, if they record findings themselves.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub user_id: String,
}

pub async fn add_member(db: &Db, actor: &Actor, id: i64, f: &MemberForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let role = ck
        .choice("role", &f.role, &ROLES, false)
        .unwrap_or("member");
    let user = ck.id("user_id", &f.user_id, false);
    ck.done()?;
    let mut tx = db.begin().await?;
    let c = guard(&mut tx, actor, id).await?;
    if let Some(u) = user {
        if skrb_kit::centre::worker_ok(&mut tx, u, c.centre_id)
            .await?
            .is_some()
        {
            return Err(field_error("user_id", "registry-err-team-user"));
        }
    }
    let mid: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO commission_member (commission_id, name, role, user_id) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(id).bind(&name).bind(role).bind(user).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::AddMember, "commission", id)
            .detail(serde_json::json!({"name": name, "role": role})),
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SessionForm {
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

pub async fn add_session(db: &Db, actor: &Actor, id: i64, f: &SessionForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let on = ck.date("held_on", &f.held_on, true);
    let note = ck.text("note", &f.note, false, 2000);
    ck.done()?;
    let mut tx = db.begin().await?;
    guard(&mut tx, actor, id).await?;
    let sid: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO commission_session (commission_id, held_on, status, note) VALUES ($1, $2, 'planned', $3) RETURNING id")
        .bind(id).bind(on).bind(&note).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "commission_session", sid)
            .detail(serde_json::json!({"commission": id})),
    )
    .await?;
    tx.commit().await?;
    Ok(sid)
}

pub struct SessionView {
    pub commission: Commission,
    pub session: Session,
    pub items: Vec<Item>,
}

async fn session_guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<(Commission, Session)> {
    let s: Option<Session> = sql!(tx, c => sqlx::query_as(
        "SELECT s.id, s.commission_id, s.held_on, s.status, s.note, \
         (SELECT COUNT(*) FROM commission_item i WHERE i.session_id = s.id) AS items, \
         (SELECT COUNT(*) FROM commission_item i WHERE i.session_id = s.id AND i.recorded_on IS NOT NULL) AS recorded \
         FROM commission_session s WHERE s.id = $1").bind(id).fetch_optional(c).await?);
    let s = s.ok_or(AppError::NotFound)?;
    let c = guard(tx, actor, s.commission_id).await?;
    Ok((c, s))
}

/// A session's agenda; audited with the persons on it.
pub async fn session(db: &Db, actor: &Actor, id: i64) -> AppResult<SessionView> {
    let mut tx = db.begin_read().await?;
    let (commission, session) = session_guard(&mut tx, actor, id).await?;
    let q = format!(
        "SELECT i.id, i.session_id, i.person_id, p.family_name || ' ' || p.given_name AS person_name, i.application_id, \
         i.entitlement_id, i.purpose, i.work_capacity, i.care_degree, i.impairment, i.category, i.finding, i.recorded_on \
         FROM commission_item i JOIN person p ON p.id = i.person_id WHERE i.session_id = $1 {} ORDER BY p.family_name, p.given_name, i.id",
        skrb_registry::access::restricted_filter(actor)
    );
    let items: Vec<Item> = sql!(&mut tx, c => sqlx::query_as(&q).bind(id).fetch_all(c).await?);
    tx.commit().await?;
    let ids: Vec<i64> = items.iter().map(|i| i.person_id).collect();
    audit::record_apart(
        db,
        actor,
        Event::new(Action::Read, "commission_session", id)
            .detail(serde_json::json!({"persons": ids})),
    )
    .await?;
    Ok(SessionView {
        commission,
        session,
        items,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AgendaForm {
    /// An application to assess (its person comes with it).
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub application_id: String,
}

pub async fn add_item(db: &Db, actor: &Actor, session_id: i64, f: &AgendaForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let app = ck.id("application_id", &f.application_id, true);
    ck.done()?;
    let Some(app) = app else {
        return Err(field_error("application_id", "err-required"));
    };
    let mut tx = db.begin().await?;
    let (_, s) = session_guard(&mut tx, actor, session_id).await?;
    if s.status.hold().is_err() {
        return Err(AppError::Refused(Msg::new("rights-err-session-held")));
    }
    let a = match super::applications::guard(&mut tx, actor, app).await {
        Err(AppError::NotFound) => {
            return Err(field_error("application_id", "rights-err-application"))
        }
        other => other?,
    };
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO commission_item (session_id, person_id, application_id, purpose) VALUES ($1, $2, $3, 'assessment') RETURNING id")
        .bind(session_id).bind(a.person_id).bind(a.id).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "commission_item", id)
            .person(a.person_id)
            .detail(serde_json::json!({"session": session_id, "application": a.id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FindingForm {
    /// able, partly, unable
    #[serde(deserialize_with = "lenient")]
    pub work_capacity: String,
    /// none, partial, full (need of care and help by another person)
    #[serde(deserialize_with = "lenient")]
    pub care_degree: String,
    /// 70, 80, 90, 100 (% of impairment)
    #[serde(deserialize_with = "lenient")]
    pub impairment: String,
    /// The legal user category (RS) the commission found.
    #[serde(deserialize_with = "lenient")]
    pub category: String,
    #[serde(deserialize_with = "lenient")]
    pub finding: String,
}

/// Records the finding and opinion for one person on the agenda; the application's
/// calculation input takes the care degree and the impairment from it.
pub async fn record_finding(
    db: &Db,
    actor: &Actor,
    item_id: i64,
    f: &FindingForm,
    today: Date,
) -> AppResult<()> {
    let mut ck = Check::new();
    let work = ck.choice("work_capacity", &f.work_capacity, &WORK_CAPACITY, false);
    let care = ck.choice("care_degree", &f.care_degree, &CARE, false);
    let imp = ck.choice("impairment", &f.impairment, &IMPAIRMENT, false);
    let category = ck.text("category", &f.category, false, 100);
    let finding = ck.text("finding", &f.finding, true, 20_000);
    ck.done()?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, Option<i64>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT session_id, person_id, application_id FROM commission_item WHERE id = $1").bind(item_id).fetch_optional(c).await?);
    let (session_id, person, app) = row.ok_or(AppError::NotFound)?;
    let (_, s) = session_guard(&mut tx, actor, session_id).await?;
    skrb_registry::access::check(&mut tx, actor, PersonId(person)).await?;
    if s.held_on > today {
        return Err(AppError::Refused(Msg::new("rights-err-session-future")));
    }
    let impairment = imp.and_then(|v| v.parse::<i64>().ok());
    sql!(&mut tx, c => sqlx::query(
        "UPDATE commission_item SET work_capacity = $1, care_degree = $2, impairment = $3, category = $4, finding = $5, \
         recorded_on = $6, recorded_by = $7 WHERE id = $8")
        .bind(work).bind(care).bind(impairment).bind(&category).bind(&finding).bind(today).bind(actor.user_id).bind(item_id)
        .execute(c).await?.rows_affected());
    if let Some(app) = app {
        let input: Option<String> = sql!(&mut tx, c => sqlx::query_scalar("SELECT input FROM application WHERE id = $1")
            .bind(app).fetch_one(c).await?);
        let mut h: skrb_domain::rights::Household = input
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        use skrb_domain::rights::calc::CareDegree;
        h.care_degree = match care {
            Some("full") => Some(CareDegree::Full),
            Some("partial") => Some(CareDegree::Partial),
            _ => h.care_degree,
        };
        if let Some(i) = impairment {
            h.impairment = Some(i as u32);
        }
        let input = serde_json::to_string(&h).map_err(|e| AppError::Internal(e.into()))?;
        sql!(&mut tx, c => sqlx::query("UPDATE application SET input = $1 WHERE id = $2")
            .bind(&input).bind(app).execute(c).await?.rows_affected());
    }
    audit::record(&mut tx, actor, Event::new(Action::Finding, "commission_item", item_id).person(person).detail(serde_json::json!({
        "work_capacity": work, "care_degree": care, "impairment": impairment, "category": category
    }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a session held (its agenda is closed).
pub async fn hold(db: &Db, actor: &Actor, session_id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let (_, s) = session_guard(&mut tx, actor, session_id).await?;
    let held = s
        .status
        .hold()
        .map_err(|_| AppError::Refused(Msg::new("rights-err-session-held")))?;
    sql!(&mut tx, c => sqlx::query("UPDATE commission_session SET status = $1 WHERE id = $2")
        .bind(held.code()).bind(session_id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Hold, "commission_session", session_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The findings recorded for a person (newest first), for the application page.
pub async fn findings_of(tx: &mut Tx, person: PersonId) -> Result<Vec<Item>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as(
        "SELECT i.id, i.session_id, i.person_id, p.family_name || ' ' || p.given_name AS person_name, i.application_id, \
         i.entitlement_id, i.purpose, i.work_capacity, i.care_degree, i.impairment, i.category, i.finding, i.recorded_on \
         FROM commission_item i JOIN person p ON p.id = i.person_id WHERE i.person_id = $1 ORDER BY i.id DESC")
        .bind(person).fetch_all(c).await)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReassessForm {
    /// The right whose active users are re-assessed (e.g. `rs_care`).
    #[serde(deserialize_with = "lenient")]
    pub right: String,
    /// The first session's day; further sessions follow weekly.
    #[serde(deserialize_with = "lenient")]
    pub first_on: String,
    /// Persons per session (default 40).
    #[serde(deserialize_with = "lenient")]
    pub per_session: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Reassessment {
    pub persons: usize,
    pub sessions: usize,
}

/// Puts every active user of a right on the commission's agendas, `per_session` a
/// session, weekly from `first_on`: sessions and agenda items are written as sets.
pub async fn reassess(
    db: &Db,
    actor: &Actor,
    commission_id: i64,
    f: &ReassessForm,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<Reassessment> {
    let mut ck = Check::new();
    let code = ck.text("right", &f.right, true, 60);
    let first = ck.date("first_on", &f.first_on, true);
    let per = match f.per_session.trim() {
        "" => 40,
        s => match s.parse::<usize>() {
            Ok(n) if (1..=500).contains(&n) => n,
            _ => {
                ck.err("per_session", "err-number");
                40
            }
        },
    };
    ck.done()?;
    let (Some(code), Some(first)) = (code, first) else {
        return Err(AppError::BadRequest("reassess".into()));
    };
    let mut tx = db.begin().await?;
    let c = guard(&mut tx, actor, commission_id).await?;
    let rt = super::catalogue::by_code(&mut tx, &code)
        .await?
        .ok_or_else(|| field_error("right", "rights-err-right"))?;
    let users: Vec<(i64, i64)> = sql!(&mut tx, cn => sqlx::query_as(
        "SELECT e.id, e.person_id FROM entitlement e WHERE e.right_id = $1 AND e.centre_id = $2 AND e.status = 'active' ORDER BY e.id")
        .bind(rt.id).bind(c.centre_id).fetch_all(cn).await?);
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("LOCK TABLE commission_session IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let mut sid = bulk::next_id(&mut tx, "commission_session").await?;
    let mut sessions = Vec::new();
    let mut items = Vec::new();
    for (n, chunk) in users.chunks(per).enumerate() {
        sessions.push(vec![
            Cell::Int(sid),
            Cell::Int(commission_id),
            (first + Duration::weeks(n as i64)).into(),
            "planned".into(),
            Cell::Text(format!("{} {}", rt.code, n + 1)),
        ]);
        for (e, p) in chunk {
            items.push(vec![
                Cell::Int(sid),
                Cell::Int(*p),
                Cell::Int(*e),
                "reassessment".into(),
            ]);
        }
        sid += 1;
    }
    bulk::insert(
        &mut tx,
        "commission_session",
        &["id", "commission_id", "held_on", "status", "note"],
        &sessions,
    )
    .await?;
    let mut done = 0;
    for chunk in items.chunks(5_000) {
        bulk::insert(
            &mut tx,
            "commission_item",
            &["session_id", "person_id", "entitlement_id", "purpose"],
            chunk,
        )
        .await?;
        done += chunk.len();
        progress(done, items.len());
    }
    bulk::sync_identity(&mut tx, "commission_session").await?;
    audit::record(&mut tx, actor, Event::new(Action::Reassess, "commission", commission_id).detail(serde_json::json!({
        "right": rt.code, "persons": users.len(), "sessions": sessions.len(), "first_on": first.to_string()
    }))).await?;
    tx.commit().await?;
    Ok(Reassessment {
        persons: users.len(),
        sessions: sessions.len(),
    })
}

/// The session an item is on (where its page goes back to).
pub async fn session_of_item(db: &Db, item: i64) -> AppResult<i64> {
    let s: Option<i64> = skrb_kit::sql_pool!(db, p => sqlx::query_scalar("SELECT session_id FROM commission_item WHERE id = $1")
        .bind(item).fetch_optional(p).await?);
    s.ok_or(AppError::NotFound)
}
