//! The municipal committee for help to citizens in severe distress (Velenje's; any
//! municipality's): the centre proposes a person (the household's situation, the social
//! worker's opinion, what is asked), the committee meets and decides each proposal (an
//! amount, something in kind, or no), and an amount is paid once by the next monthly run
//! from the municipality's account. A proposal warns when the same person had aid from
//! another municipality's committee or a programme in the same year.

use skrb_domain::programmes::ProposalStatus;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommitteeProposal)]
pub struct Proposal {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub municipality_id: i64,
    pub municipality: String,
    pub situation: String,
    pub opinion: String,
    pub requested: Option<i64>,
    pub in_kind: Option<String>,
    pub currency: String,
    /// proposed, granted, refused, withdrawn
    pub status: String,
    pub session_id: Option<i64>,
    pub amount: Option<i64>,
    pub granted_in_kind: Option<String>,
    pub decision_note: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    pub entitlement_id: Option<i64>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

const COLS: &str = "cp.id, cp.person_id, p.given_name || ' ' || p.family_name AS name, cp.municipality_id, m.name AS municipality, \
    cp.situation, cp.opinion, cp.requested, cp.in_kind, cp.currency, cp.status, cp.session_id, cp.amount, cp.granted_in_kind, \
    cp.decision_note, cp.decided_on, cp.entitlement_id, cp.version, cp.created_at";
const FROM: &str = "committee_proposal cp JOIN person p ON p.id = cp.person_id JOIN municipality m ON m.id = cp.municipality_id";

/// Aid the person had elsewhere in the same year: another municipality's committee, or
/// a programme's approved list (of any centre).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AidElsewhere)]
pub struct Elsewhere {
    /// committee, programme
    pub kind: String,
    pub what: String,
    pub amount: Option<i64>,
}

/// A proposal with the aid the person had elsewhere in the same year.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommitteeWarned)]
pub struct Warned {
    pub proposal: Proposal,
    pub elsewhere: Vec<Elsewhere>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommitteeSessionFile)]
pub struct Session {
    pub id: i64,
    pub municipality: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub number: String,
    pub note: Option<String>,
    pub proposals: Vec<Warned>,
}

/// The committee's page: proposals waiting for a session, with their warnings, and the
/// sessions of the year.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommitteeOverview)]
pub struct Overview {
    pub waiting: Vec<Warned>,
    pub sessions: Vec<SessionRow>,
    pub currency: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CommitteeSession)]
pub struct SessionRow {
    pub id: i64,
    pub municipality: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub number: String,
    pub decided: i64,
    pub granted: i64,
    pub total: i64,
}

/// Aid elsewhere in the year of `day` for a person, but for the proposal itself.
pub(crate) async fn elsewhere(
    tx: &mut Tx,
    person: i64,
    municipality: i64,
    skip: i64,
    day: Date,
) -> AppResult<Vec<Elsewhere>> {
    let (from, to) = crate::year_of(day.year()).ok_or(AppError::NotFound)?;
    Ok(sql!(tx, c => sqlx::query_as::<_, Elsewhere>(
        "SELECT 'committee' AS kind, m.name AS what, cp.amount FROM committee_proposal cp JOIN municipality m ON m.id = cp.municipality_id \
         WHERE cp.person_id = $1 AND cp.id <> $2 AND cp.status = 'granted' AND cp.municipality_id <> $3 AND cp.decided_on BETWEEN $4 AND $5 \
         UNION ALL \
         SELECT 'programme' AS kind, pr.name AS what, pe.value AS amount FROM programme_entry pe JOIN programme pr ON pr.id = pe.programme_id \
         WHERE pe.removed = FALSE AND pr.list_status = 'approved' AND pr.period_from <= $5 AND pr.period_to >= $4 \
         AND (pe.person_id = $1 OR pe.household_id IN (SELECT hm.household_id FROM household_member hm WHERE hm.person_id = $1 \
           AND (hm.valid_to IS NULL OR hm.valid_to >= $4)))")
        .bind(person).bind(skip).bind(municipality).bind(from).bind(to).fetch_all(c).await?))
}

async fn with_warnings(tx: &mut Tx, list: Vec<Proposal>, day: Date) -> AppResult<Vec<Warned>> {
    let mut out = Vec::with_capacity(list.len());
    for p in list {
        let w = elsewhere(tx, p.person_id, p.municipality_id, p.id, day).await?;
        out.push(Warned {
            proposal: p,
            elsewhere: w,
        });
    }
    Ok(out)
}

pub async fn overview(db: &Db, actor: &Actor, year: i32) -> AppResult<Overview> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let (from, to) = crate::year_of(year).ok_or(AppError::NotFound)?;
    let mut tx = db.begin().await?;
    let q = format!("SELECT {COLS} FROM {FROM} WHERE cp.centre_id = $1 AND cp.status = 'proposed' ORDER BY cp.created_at, cp.id");
    let waiting: Vec<Proposal> =
        sql!(&mut tx, c => sqlx::query_as::<_, Proposal>(&q).bind(centre).fetch_all(c).await?);
    let waiting = with_warnings(&mut tx, waiting, actor.today()).await?;
    let sessions: Vec<SessionRow> = sql!(&mut tx, c => sqlx::query_as::<_, SessionRow>(
        "SELECT s.id, m.name AS municipality, s.held_on, s.number, \
         (SELECT COUNT(*) FROM committee_proposal cp WHERE cp.session_id = s.id) AS decided, \
         (SELECT COUNT(*) FROM committee_proposal cp WHERE cp.session_id = s.id AND cp.status = 'granted') AS granted, \
         CAST(COALESCE((SELECT SUM(cp.amount) FROM committee_proposal cp WHERE cp.session_id = s.id AND cp.status = 'granted'), 0) AS BIGINT) AS total \
         FROM committee_session s JOIN municipality m ON m.id = s.municipality_id \
         WHERE s.centre_id = $1 AND s.held_on BETWEEN $2 AND $3 ORDER BY s.held_on DESC, s.id DESC")
        .bind(centre).bind(from).bind(to).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "committee_proposal", 0).detail(serde_json::json!({
            "persons": waiting.iter().map(|w| w.proposal.person_id).collect::<Vec<_>>()
        })),
    )
    .await?;
    let currency: String = sql!(&mut tx, c => sqlx::query_scalar("SELECT currency FROM centre WHERE id = $1").bind(centre).fetch_one(c).await?);
    tx.commit().await?;
    Ok(Overview {
        waiting,
        sessions,
        currency,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = CommitteeProposalForm)]
pub struct ProposalForm {
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    /// Whose committee (one of the centre's municipalities).
    #[serde(deserialize_with = "lenient")]
    pub municipality_id: String,
    /// The household's situation.
    #[serde(deserialize_with = "lenient")]
    pub situation: String,
    /// The social worker's opinion.
    #[serde(deserialize_with = "lenient")]
    pub opinion: String,
    /// The amount asked (`150,00`), or what in kind.
    #[serde(deserialize_with = "lenient")]
    pub requested: String,
    #[serde(deserialize_with = "lenient")]
    pub in_kind: String,
}

/// The centre proposes a person to a municipality's committee.
pub async fn propose(db: &Db, actor: &Actor, f: &ProposalForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let municipality = ck.id("municipality_id", &f.municipality_id, true);
    let situation = ck.text("situation", &f.situation, true, 4000);
    let opinion = ck.text("opinion", &f.opinion, true, 4000);
    let requested = ck.money("requested", &f.requested, false);
    let in_kind = ck.text("in_kind", &f.in_kind, false, 300);
    if requested.unwrap_or(0) == 0 && in_kind.is_none() {
        ck.err("requested", "programmes-err-ask");
    }
    let mut tx = db.begin().await?;
    if let Some(m) = municipality {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM municipality WHERE id = $1 AND centre_id = $2")
            .bind(m).bind(centre).fetch_one(c).await?);
        if ok == 0 {
            ck.err("municipality_id", "err-choice");
        }
    }
    ck.done()?;
    let person = person.unwrap_or_default();
    skrb_registry::access::check(&mut tx, actor, PersonId(person)).await?;
    let currency: String = sql!(&mut tx, c => sqlx::query_scalar("SELECT currency FROM centre WHERE id = $1").bind(centre).fetch_one(c).await?);
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO committee_proposal (centre_id, person_id, municipality_id, situation, opinion, requested, in_kind, currency, status, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'proposed', $9, $10) RETURNING id")
        .bind(centre).bind(person).bind(municipality).bind(&situation).bind(&opinion).bind(requested).bind(&in_kind)
        .bind(&currency).bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Propose, "committee_proposal", id)
            .person(person)
            .detail(serde_json::json!({ "municipality": municipality, "requested": requested })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = CommitteeSessionForm)]
pub struct SessionForm {
    #[serde(deserialize_with = "lenient")]
    pub municipality_id: String,
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    /// The session's number (`5/2026`).
    #[serde(deserialize_with = "lenient")]
    pub number: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

pub async fn session_create(db: &Db, actor: &Actor, f: &SessionForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let municipality = ck.id("municipality_id", &f.municipality_id, true);
    let held_on = ck.date("held_on", &f.held_on, true);
    let number = ck.text("number", &f.number, true, 40);
    let note = ck.text("note", &f.note, false, 2000);
    let mut tx = db.begin().await?;
    if let Some(m) = municipality {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM municipality WHERE id = $1 AND centre_id = $2")
            .bind(m).bind(centre).fetch_one(c).await?);
        if ok == 0 {
            ck.err("municipality_id", "err-choice");
        }
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO committee_session (centre_id, municipality_id, held_on, number, note, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(centre).bind(municipality).bind(held_on).bind(&number).bind(&note).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "committee_session", id)
            .detail(serde_json::json!({ "number": number })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn session(db: &Db, actor: &Actor, id: i64) -> AppResult<Session> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, String, Date, String, Option<String>, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT s.centre_id, m.name, s.held_on, s.number, s.note, s.municipality_id FROM committee_session s \
         JOIN municipality m ON m.id = s.municipality_id WHERE s.id = $1")
        .bind(id).fetch_optional(c).await?);
    let (centre, municipality, held_on, number, note, mid) = row.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, centre)?;
    // Decided at this session, then those still waiting for this municipality's committee.
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE cp.centre_id = $1 AND (cp.session_id = $2 OR (cp.status = 'proposed' AND cp.municipality_id = $3)) \
         ORDER BY cp.status <> 'proposed', cp.id"
    );
    let list: Vec<Proposal> = sql!(&mut tx, c => sqlx::query_as::<_, Proposal>(&q).bind(centre).bind(id).bind(mid).fetch_all(c).await?);
    let proposals = with_warnings(&mut tx, list, held_on).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "committee_session", id).detail(serde_json::json!({
            "persons": proposals.iter().map(|w| w.proposal.person_id).collect::<Vec<_>>()
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Session {
        id,
        municipality,
        held_on,
        number,
        note,
        proposals,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = CommitteeDecisionForm)]
pub struct DecisionForm {
    /// granted, refused, withdrawn
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// The amount granted (paid once by the next run).
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
    #[serde(deserialize_with = "lenient")]
    pub in_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Records the committee's decision on a proposal at a session; an amount becomes a
/// one-off payment of the municipal aid for the month of the session (the next run pays
/// it, from the municipality's account).
pub async fn decide(
    db: &Db,
    actor: &Actor,
    session_id: i64,
    proposal_id: i64,
    f: &DecisionForm,
) -> AppResult<()> {
    let mut ck = Check::new();
    let status = ck.choice(
        "status",
        &f.status,
        &["granted", "refused", "withdrawn"],
        true,
    );
    let amount = ck.money("amount", &f.amount, false).filter(|a| *a > 0);
    let in_kind = ck.text("in_kind", &f.in_kind, false, 300);
    let note = ck.text("note", &f.note, false, 2000);
    if status == Some("granted") && amount.is_none() && in_kind.is_none() {
        ck.err("amount", "programmes-err-grant-what");
    }
    ck.done()?;
    let status = status.unwrap_or("refused");
    let mut tx = db.begin().await?;
    let s: Option<(i64, i64, Date, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT centre_id, municipality_id, held_on, number FROM committee_session WHERE id = $1")
        .bind(session_id).fetch_optional(c).await?);
    let (centre, municipality, held_on, number) = s.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, centre)?;
    let q = format!("SELECT {COLS} FROM {FROM} WHERE cp.id = $1 AND cp.centre_id = $2");
    let p: Option<Proposal> = sql!(&mut tx, c => sqlx::query_as::<_, Proposal>(&q).bind(proposal_id).bind(centre).fetch_optional(c).await?);
    let p = p.ok_or(AppError::NotFound)?;
    skrb_kit::form::version_of(&f.version, p.version)?;
    if p.status != ProposalStatus::Proposed.code() {
        return Err(AppError::Refused(Msg::new("programmes-err-decided")));
    }
    if p.municipality_id != municipality {
        return Err(AppError::Refused(Msg::new(
            "programmes-err-other-committee",
        )));
    }
    skrb_registry::access::check(&mut tx, actor, PersonId(p.person_id)).await?;
    let paid = match (status, amount) {
        ("granted", Some(a)) => {
            let first = held_on.replace_day(1).unwrap_or(held_on);
            let payee: (String, Option<String>) = sql!(&mut tx, c => sqlx::query_as(
                "SELECT given_name || ' ' || family_name, iban FROM person WHERE id = $1").bind(p.person_id).fetch_one(c).await?);
            let g = skrb_rights::decisions::by_order::grant(
                &mut tx,
                actor,
                &skrb_rights::decisions::by_order::Order {
                    centre_id: centre,
                    person_id: p.person_id,
                    right: if currency_is_bam(&p.currency) {
                        "rs_programme_cash"
                    } else {
                        "si_municipal_aid"
                    },
                    household: Default::default(),
                    amount: Some(a),
                    from: first,
                    to: Some(skrb_domain::rights::deadlines::month_end(held_on)),
                    number: &format!("K-{number}-{}", p.id),
                    reasoning: format!(
                        "{} ({}, {number})",
                        note.clone().unwrap_or_default(),
                        p.municipality
                    ),
                    placement_id: None,
                    payee: skrb_rights::decisions::by_order::Payee {
                        name: String::new(),
                        iban: payee.1,
                        address: None,
                    },
                },
                actor.today(),
            )
            .await?;
            Some(g)
        }
        _ => None,
    };
    let changed = sql!(&mut tx, c => sqlx::query(
        "UPDATE committee_proposal SET status = $1, session_id = $2, amount = $3, granted_in_kind = $4, decision_note = $5, decided_on = $6, \
         decision_id = $7, entitlement_id = $8, version = version + 1 WHERE id = $9 AND version = $10")
        .bind(status).bind(session_id).bind(if status == "granted" { amount } else { None }).bind(&in_kind).bind(&note).bind(held_on)
        .bind(paid.map(|g| g.decision_id)).bind(paid.map(|g| g.entitlement_id)).bind(p.id).bind(p.version)
        .execute(c).await?.rows_affected());
    if changed == 0 {
        return Err(AppError::Conflict {
            current_version: p.version + 1,
        });
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Decide, "committee_proposal", p.id)
            .person(p.person_id)
            .detail(
                serde_json::json!({ "status": status, "amount": amount, "session": session_id }),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Republika Srpska's centres pay a committee's aid as the city's one-off cash.
fn currency_is_bam(c: &str) -> bool {
    c == "BAM"
}
