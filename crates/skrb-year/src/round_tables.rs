//! The round table: the centre's year evaluated with its partners. The organisations
//! invited come from the partner directory, each with a one-time link to the
//! questionnaire (or through the partner portal); who came is recorded per organisation,
//! so "22 representatives from 20 organisations" is counted, not typed. The
//! questionnaire rates the centre on four scales with free text, anonymously if the round
//! table is (the answer then keeps no trace of who gave it); the results are shown per
//! question. Proposals are recorded with who made them and what became of them: accepted
//! into the next year's action plan as an activity (linked both ways) or answered with a
//! reason. The summary prints as a PDF in the centre's language and goes on the public
//! page as news.

use skrb_domain::year::{results, Outcome, Question, Results};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{items, lenient, lenient_list, truthy, version_of, Check};
use skrb_kit::sql;
use skrb_rights::decisions::document::{self as doc, line, Style};
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct RoundTable {
    pub id: i64,
    #[serde(skip)]
    pub centre_id: i64,
    pub title: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub place: String,
    /// The action plan the round table evaluated.
    pub plan_id: Option<i64>,
    pub anonymous: bool,
    pub invited: i64,
    /// Organisations with at least one representative there.
    pub organisations: i64,
    pub representatives: i64,
    pub answers: i64,
    pub proposals: i64,
    pub version: i64,
}

const TABLE: &str = "SELECT r.id, r.centre_id, r.title, r.held_on, r.place, r.plan_id, r.anonymous, \
    (SELECT COUNT(*) FROM round_table_invite i WHERE i.round_table_id = r.id) AS invited, \
    (SELECT COUNT(DISTINCT i.id) FROM round_table_invite i JOIN round_table_attendee t ON t.invite_id = i.id WHERE i.round_table_id = r.id) AS organisations, \
    (SELECT COUNT(*) FROM round_table_invite i JOIN round_table_attendee t ON t.invite_id = i.id WHERE i.round_table_id = r.id) AS representatives, \
    (SELECT COUNT(*) FROM round_table_answer a WHERE a.round_table_id = r.id) AS answers, \
    (SELECT COUNT(*) FROM round_table_proposal p WHERE p.round_table_id = r.id) AS proposals, r.version \
    FROM round_table r";

pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<RoundTable>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let q = format!("{TABLE} WHERE r.centre_id = $1 ORDER BY r.held_on DESC, r.id DESC");
    let rows =
        sql!(&mut tx, c => sqlx::query_as::<_, RoundTable>(&q).bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<RoundTable> {
    let q = format!("{TABLE} WHERE r.id = $1");
    let r: Option<RoundTable> =
        sql!(tx, c => sqlx::query_as::<_, RoundTable>(&q).bind(id).fetch_optional(c).await?);
    let r = r.ok_or(AppError::NotFound)?;
    crate::own(actor, r.centre_id)?;
    Ok(r)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RoundTableForm {
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    #[serde(deserialize_with = "lenient")]
    pub held_on: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    /// The action plan evaluated (of the centre).
    #[serde(deserialize_with = "lenient")]
    pub plan_id: String,
    /// Answers keep no trace of the organisation that gave them.
    #[serde(deserialize_with = "lenient")]
    pub anonymous: String,
}

pub async fn create(db: &Db, actor: &Actor, f: &RoundTableForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let title = ck.text("title", &f.title, true, 300);
    let held_on = ck.date("held_on", &f.held_on, true);
    let place = ck.text("place", &f.place, true, 300);
    let plan = ck.id("plan_id", &f.plan_id, false);
    let mut tx = db.begin().await?;
    if let Some(p) = plan {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM action_plan WHERE id = $1 AND centre_id = $2")
            .bind(p).bind(centre).fetch_one(c).await?);
        if n == 0 {
            ck.err("plan_id", "err-choice");
        }
    }
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM round_table WHERE centre_id = $1 AND title = $2 AND held_on = $3")
        .bind(centre).bind(&title).bind(held_on).fetch_one(c).await?);
    if same > 0 {
        ck.err("title", "year-err-duplicate");
    }
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO round_table (centre_id, title, held_on, place, plan_id, anonymous, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(centre).bind(&title).bind(held_on).bind(&place).bind(plan).bind(truthy(&f.anonymous)).bind(actor.user_id).bind(actor.now)
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "round_table", id).detail(serde_json::json!({ "title": title })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RoundTableInvite)]
pub struct Invite {
    pub id: i64,
    pub partner_id: i64,
    pub partner: String,
    /// The one-time link's token (shown to the centre only, to send to the organisation).
    #[serde(skip)]
    pub token: String,
    pub answered: bool,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RoundTableAttendee)]
pub struct Attendee {
    pub id: i64,
    pub invite_id: i64,
    pub name: String,
    pub job: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RoundTableProposal)]
pub struct Proposal {
    pub id: i64,
    pub partner_id: Option<i64>,
    /// The organisation that made it (none: from the floor, or anonymous).
    pub partner: Option<String>,
    /// Made in the questionnaire (with no organisation: an anonymous one).
    pub from_answer: bool,
    pub text: String,
    /// open, accepted, answered
    pub outcome: String,
    /// The reason given when not taken.
    pub answer: Option<String>,
    /// The activity of the next plan it became.
    pub activity_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub version: i64,
}

/// One question's results.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct QuestionResults {
    pub question: String,
    pub answers: i64,
    /// How many gave 1, 2, 3, 4, 5.
    pub marks: Vec<i64>,
    /// In hundredths (412 is 4.12).
    pub average: Option<i64>,
}

impl QuestionResults {
    fn of(q: Question, r: Results) -> QuestionResults {
        QuestionResults {
            question: q.code().to_string(),
            answers: r.answers,
            marks: r.marks.to_vec(),
            average: r.average,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RoundTableFile {
    pub round_table: RoundTable,
    pub invites: Vec<Invite>,
    pub attendees: Vec<Attendee>,
    pub results: Vec<QuestionResults>,
    /// The free text of the answers (without who wrote it).
    pub comments: Vec<String>,
    pub proposals: Vec<Proposal>,
    /// The centre's next year's plan, where accepted proposals go.
    pub next_plan_id: Option<i64>,
    pub next_year: i64,
    pub published: bool,
}

type AnswerRow = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

pub async fn file(db: &Db, actor: &Actor, id: i64) -> AppResult<RoundTableFile> {
    let mut tx = db.begin().await?;
    let rt = guard(&mut tx, actor, id).await?;
    let invites = sql!(&mut tx, c => sqlx::query_as::<_, Invite>(
        "SELECT i.id, i.partner_id, p.name AS partner, i.token, i.answered_at IS NOT NULL AS answered FROM round_table_invite i \
         JOIN partner p ON p.id = i.partner_id WHERE i.round_table_id = $1 ORDER BY p.name").bind(id).fetch_all(c).await?);
    let attendees = sql!(&mut tx, c => sqlx::query_as::<_, Attendee>(
        "SELECT t.id, t.invite_id, t.name, t.job FROM round_table_attendee t JOIN round_table_invite i ON i.id = t.invite_id \
         WHERE i.round_table_id = $1 ORDER BY t.name").bind(id).fetch_all(c).await?);
    let answers: Vec<AnswerRow> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT cooperation, responsiveness, professional, coordination, comment FROM round_table_answer WHERE round_table_id = $1 ORDER BY id")
        .bind(id).fetch_all(c).await?);
    let proposals = sql!(&mut tx, c => sqlx::query_as::<_, Proposal>(
        "SELECT p.id, p.partner_id, pa.name AS partner, p.from_answer, p.text, p.outcome, p.answer, p.activity_id, a.plan_id, p.version \
         FROM round_table_proposal p LEFT JOIN partner pa ON pa.id = p.partner_id LEFT JOIN plan_activity a ON a.id = p.activity_id \
         WHERE p.round_table_id = $1 ORDER BY p.id").bind(id).fetch_all(c).await?);
    let next_year = rt.held_on.year() as i64 + 1;
    let next_plan_id = crate::plans::of_year(&mut tx, rt.centre_id, next_year).await?;
    let published: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM news_item WHERE round_table_id = $1")
        .bind(id).fetch_one(c).await?);
    // The attendees are named persons of partner organisations: reading them is recorded.
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "round_table", id)
            .detail(serde_json::json!({ "attendees": attendees.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(RoundTableFile {
        results: tally(&answers),
        comments: answers.iter().filter_map(|a| a.4.clone()).collect(),
        round_table: rt,
        invites,
        attendees,
        proposals,
        next_plan_id,
        next_year,
        published: published > 0,
    })
}

fn tally(answers: &[AnswerRow]) -> Vec<QuestionResults> {
    Question::ALL
        .iter()
        .map(|q| {
            let marks = answers.iter().filter_map(|a| match q {
                Question::Cooperation => a.0,
                Question::Responsiveness => a.1,
                Question::Professional => a.2,
                Question::Coordination => a.3,
            });
            QuestionResults::of(*q, results(marks))
        })
        .collect()
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RoundTableInviteForm)]
pub struct InviteForm {
    /// Organisations of the partner directory.
    #[serde(deserialize_with = "lenient_list")]
    pub partner_id: String,
}

/// The one-time link's token: as random as a session's. It is kept as it is (not
/// hashed) so that the centre can send the link again; all it opens is one organisation's
/// questionnaire, once.
fn token() -> String {
    skrb_kit::auth::sessions::new_token()
}

/// Invites organisations, each with its one-time link; one already invited is skipped.
pub async fn invite(db: &Db, actor: &Actor, id: i64, f: &InviteForm) -> AppResult<usize> {
    let mut ck = Check::new();
    let mut partners: Vec<i64> = items(&f.partner_id)
        .filter_map(|p| ck.id("partner_id", p, false))
        .collect();
    partners.sort_unstable();
    partners.dedup();
    if partners.is_empty() {
        ck.err("partner_id", "err-required");
    }
    let mut tx = db.begin().await?;
    let rt = guard(&mut tx, actor, id).await?;
    for p in &partners {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM partner WHERE id = $1 AND (centre_id = $2 OR centre_id IS NULL)")
            .bind(p).bind(rt.centre_id).fetch_one(c).await?);
        if n == 0 {
            ck.err("partner_id", "err-choice");
        }
    }
    ck.done()?;
    let mut added = 0;
    for p in &partners {
        added += sql!(&mut tx, c => sqlx::query(
            "INSERT INTO round_table_invite (round_table_id, partner_id, token, invited_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (round_table_id, partner_id) DO NOTHING")
            .bind(id).bind(p).bind(token()).bind(actor.now).execute(c).await?.rows_affected())
            as usize;
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Invite, "round_table", id)
            .detail(serde_json::json!({ "partners": partners, "added": added })),
    )
    .await?;
    tx.commit().await?;
    Ok(added)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RoundTableAttendeeForm)]
pub struct AttendeeForm {
    /// The invitation (the organisation) the representative came for.
    #[serde(deserialize_with = "lenient")]
    pub invite_id: String,
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub job: String,
}

/// Records a representative who came, for their organisation.
pub async fn attend(db: &Db, actor: &Actor, id: i64, f: &AttendeeForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let invite = ck.id("invite_id", &f.invite_id, true);
    let name = ck.text("name", &f.name, true, 200);
    let job = ck.text("job", &f.job, false, 200);
    let mut tx = db.begin().await?;
    guard(&mut tx, actor, id).await?;
    if let Some(i) = invite {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM round_table_invite WHERE id = $1 AND round_table_id = $2")
            .bind(i).bind(id).fetch_one(c).await?);
        if n == 0 {
            ck.err("invite_id", "err-choice");
        }
    }
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM round_table_attendee WHERE invite_id = $1 AND LOWER(name) = LOWER($2)")
        .bind(invite).bind(&name).fetch_one(c).await?);
    if same > 0 {
        ck.err("name", "year-err-duplicate");
    }
    ck.done()?;
    let new: i64 = sql!(&mut tx, c => sqlx::query_scalar("INSERT INTO round_table_attendee (invite_id, name, job) VALUES ($1, $2, $3) RETURNING id")
        .bind(invite).bind(&name).bind(&job).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Record, "round_table", id)
            .detail(serde_json::json!({ "attendee": new })),
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// What the one answering sees: the round table, the centre, their organisation.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Questionnaire {
    pub invite_id: i64,
    pub round_table_id: i64,
    pub title: String,
    pub centre: String,
    pub jurisdiction: String,
    pub partner: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub held_on: Date,
    pub anonymous: bool,
    pub answered: bool,
}

const QUESTIONNAIRE: &str = "SELECT i.id, r.id, r.title, c.name, c.jurisdiction, p.name, r.held_on, r.anonymous, i.answered_at IS NOT NULL \
    FROM round_table_invite i JOIN round_table r ON r.id = i.round_table_id JOIN centre c ON c.id = r.centre_id \
    JOIN partner p ON p.id = i.partner_id";

type QRow = (i64, i64, String, String, String, String, Date, bool, bool);

fn questionnaire(
    (invite_id, round_table_id, title, centre, jurisdiction, partner, held_on, anonymous, answered): QRow,
) -> Questionnaire {
    Questionnaire {
        invite_id,
        round_table_id,
        title,
        centre,
        jurisdiction,
        partner,
        held_on,
        anonymous,
        answered,
    }
}

/// The questionnaire a one-time link opens; an unknown token is not found.
pub async fn by_token(db: &Db, token: &str) -> AppResult<Questionnaire> {
    if token.len() != 43
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AppError::NotFound);
    }
    let mut tx = db.begin_read().await?;
    let q = format!("{QUESTIONNAIRE} WHERE i.token = $1");
    let row: Option<QRow> =
        sql!(&mut tx, c => sqlx::query_as(&q).bind(token).fetch_optional(c).await?);
    tx.commit().await?;
    row.map(questionnaire).ok_or(AppError::NotFound)
}

/// The questionnaires open to the signed-in partner's organisation.
/// The partners a round table or an activity may name: the centre's and the country's.
pub async fn partner_choices(db: &Db, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let rows = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, name FROM partner WHERE active AND (centre_id = $1 OR centre_id IS NULL) ORDER BY name")
        .bind(centre).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

pub async fn for_partner(db: &Db, actor: &Actor) -> AppResult<Vec<Questionnaire>> {
    let mut tx = db.begin_read().await?;
    let partner = partner_of(&mut tx, actor).await?;
    let q = format!("{QUESTIONNAIRE} WHERE i.partner_id = $1 ORDER BY r.held_on DESC");
    let rows: Vec<QRow> = sql!(&mut tx, c => sqlx::query_as(&q).bind(partner).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows.into_iter().map(questionnaire).collect())
}

async fn partner_of(tx: &mut Tx, actor: &Actor) -> AppResult<i64> {
    let p: Option<Option<i64>> = sql!(tx, c => sqlx::query_scalar("SELECT partner_id FROM app_user WHERE id = $1")
        .bind(actor.user_id).fetch_optional(c).await?);
    p.flatten()
        .ok_or(AppError::Refused(Msg::new("year-err-not-partner")))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = QuestionnaireAnswerForm)]
pub struct AnswerForm {
    /// 1 to 5 each; a question left out is not counted.
    #[serde(deserialize_with = "lenient")]
    pub cooperation: String,
    #[serde(deserialize_with = "lenient")]
    pub responsiveness: String,
    #[serde(deserialize_with = "lenient")]
    pub professional: String,
    #[serde(deserialize_with = "lenient")]
    pub coordination: String,
    #[serde(deserialize_with = "lenient")]
    pub comment: String,
    /// A proposal for next year's plan.
    #[serde(deserialize_with = "lenient")]
    pub proposal: String,
}

/// Answers by a one-time link: once; a second answer changes nothing and says so.
pub async fn answer_by_token(db: &Db, actor: &Actor, token: &str, f: &AnswerForm) -> AppResult<()> {
    let q = by_token(db, token).await?;
    answer(db, actor, q.invite_id, f).await
}

/// Answers through the partner portal, for the signed-in partner's own organisation.
pub async fn answer_as_partner(
    db: &Db,
    actor: &Actor,
    invite: i64,
    f: &AnswerForm,
) -> AppResult<()> {
    let mut tx = db.begin_read().await?;
    let partner = partner_of(&mut tx, actor).await?;
    let owner: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT partner_id FROM round_table_invite WHERE id = $1")
        .bind(invite).fetch_optional(c).await?);
    tx.commit().await?;
    if owner != Some(partner) {
        return Err(AppError::NotFound);
    }
    answer(db, actor, invite, f).await
}

async fn answer(db: &Db, actor: &Actor, invite: i64, f: &AnswerForm) -> AppResult<()> {
    let mut ck = Check::new();
    let mut mark = |field: &'static str, v: &str| -> Option<i64> {
        let m = ck.number(field, v, false, 5)?;
        if m == 0 {
            ck.err(field, "year-err-mark");
            return None;
        }
        Some(m)
    };
    let marks = [
        mark("cooperation", &f.cooperation),
        mark("responsiveness", &f.responsiveness),
        mark("professional", &f.professional),
        mark("coordination", &f.coordination),
    ];
    let comment = ck.text("comment", &f.comment, false, 4000);
    let proposal = ck.text("proposal", &f.proposal, false, 2000);
    if marks.iter().all(Option::is_none) && comment.is_none() && proposal.is_none() {
        ck.err("cooperation", "year-err-answer-empty");
    }
    ck.done()?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, bool)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT r.id, i.partner_id, r.anonymous FROM round_table_invite i JOIN round_table r ON r.id = i.round_table_id WHERE i.id = $1")
        .bind(invite).fetch_optional(c).await?);
    let (rt, partner, anonymous) = row.ok_or(AppError::NotFound)?;
    // Taking the invitation first makes a second answer (a double click, a link opened
    // twice) change nothing.
    let taken = sql!(&mut tx, c => sqlx::query("UPDATE round_table_invite SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL")
        .bind(actor.now).bind(invite).execute(c).await?.rows_affected());
    if taken == 0 {
        return Err(skrb_kit::form::field_error(
            "cooperation",
            "year-err-answered",
        ));
    }
    let by = if anonymous { None } else { Some(invite) };
    sql!(&mut tx, c => sqlx::query(
        "INSERT INTO round_table_answer (round_table_id, invite_id, cooperation, responsiveness, professional, coordination, comment, answered_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(rt).bind(by).bind(marks[0]).bind(marks[1]).bind(marks[2]).bind(marks[3]).bind(&comment).bind(actor.today())
        .execute(c).await?.rows_affected());
    if let Some(text) = &proposal {
        let from = if anonymous { None } else { Some(partner) };
        sql!(&mut tx, c => sqlx::query("INSERT INTO round_table_proposal (round_table_id, partner_id, text, from_answer, created_at) VALUES ($1, $2, $3, TRUE, $4)")
            .bind(rt).bind(from).bind(text).bind(actor.now).execute(c).await?.rows_affected());
    }
    // The audit says an organisation answered, never what: an anonymous answer stays so.
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Answer, "round_table", rt)
            .detail(serde_json::json!({ "invite": invite })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RoundTableProposalForm)]
pub struct ProposalForm {
    /// The organisation that made it (none: from the floor, or the centre's own).
    #[serde(deserialize_with = "lenient")]
    pub partner_id: String,
    #[serde(deserialize_with = "lenient")]
    pub text: String,
}

pub async fn propose(db: &Db, actor: &Actor, id: i64, f: &ProposalForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let partner = ck.id("partner_id", &f.partner_id, false);
    let text = ck.text("text", &f.text, true, 2000);
    let mut tx = db.begin().await?;
    guard(&mut tx, actor, id).await?;
    if let Some(p) = partner {
        let n: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM round_table_invite WHERE round_table_id = $1 AND partner_id = $2")
            .bind(id).bind(p).fetch_one(c).await?);
        if n == 0 {
            ck.err("partner_id", "err-choice");
        }
    }
    let same: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM round_table_proposal WHERE round_table_id = $1 AND text = $2")
        .bind(id).bind(&text).fetch_one(c).await?);
    if same > 0 {
        ck.err("text", "year-err-duplicate");
    }
    ck.done()?;
    let new: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO round_table_proposal (round_table_id, partner_id, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(id).bind(partner).bind(&text).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Propose, "round_table", id)
            .detail(serde_json::json!({ "proposal": new })),
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProposalOutcomeForm)]
pub struct OutcomeForm {
    /// accepted (into the next plan as an activity) or answered (with a reason).
    #[serde(deserialize_with = "lenient")]
    pub outcome: String,
    /// The activity's title (accepted; the proposal's text when empty).
    #[serde(deserialize_with = "lenient")]
    pub title: String,
    /// The activity's deadline (accepted).
    #[serde(deserialize_with = "lenient")]
    pub due_on: String,
    /// The reason (answered).
    #[serde(deserialize_with = "lenient")]
    pub answer: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// Decides what becomes of a proposal, once: an activity of the next year's plan (which
/// must exist), linked both ways, or an answer with a reason.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    proposal: i64,
    f: &OutcomeForm,
) -> AppResult<Option<i64>> {
    let mut ck = Check::new();
    let outcome = ck.choice(
        "outcome",
        &f.outcome,
        &[Outcome::Accepted.code(), Outcome::Answered.code()],
        true,
    );
    let accepted = outcome == Some(Outcome::Accepted.code());
    let title = ck.text("title", &f.title, false, 500);
    let due_on = ck.date("due_on", &f.due_on, accepted);
    let answer = ck.text(
        "answer",
        &f.answer,
        outcome == Some(Outcome::Answered.code()),
        2000,
    );
    let mut tx = db.begin().await?;
    let rt = guard(&mut tx, actor, id).await?;
    let row: Option<(String, String, i64)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT text, outcome, version FROM round_table_proposal WHERE id = $1 AND round_table_id = $2")
        .bind(proposal).bind(id).fetch_optional(c).await?);
    let (text, now, version) = row.ok_or(AppError::NotFound)?;
    version_of(&f.version, version)?;
    if now != Outcome::Open.code() {
        ck.err("outcome", "year-err-decided");
    }
    let next = crate::plans::of_year(&mut tx, rt.centre_id, rt.held_on.year() as i64 + 1).await?;
    if accepted && next.is_none() {
        ck.err("outcome", "year-err-no-next-plan");
    }
    ck.done()?;
    let activity = match (accepted, next, due_on) {
        (true, Some(plan), Some(due)) => {
            let title = title.unwrap_or_else(|| text.chars().take(500).collect());
            Some(
                crate::plans::insert_activity(
                    &mut tx,
                    plan,
                    &title,
                    None,
                    None,
                    due,
                    Some(proposal),
                    actor,
                )
                .await?,
            )
        }
        _ => None,
    };
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE round_table_proposal SET outcome = $1, answer = $2, activity_id = $3, decided_by = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND outcome = 'open'")
        .bind(outcome).bind(&answer).bind(activity).bind(actor.user_id).bind(proposal).bind(version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: version,
        });
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Decide, "round_table", id).detail(
            serde_json::json!({ "proposal": proposal, "outcome": outcome, "activity": activity }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(activity)
}

/// The summary's text, in a language: what the PDF prints and the news item says.
fn summary(f: &RoundTableFile, centre: &str, l: skrb_kit::i18n::Locale) -> Vec<doc::Line> {
    let t = |k: &str| skrb_kit::i18n::t(l, k);
    let rt = &f.round_table;
    let mut out = vec![
        line(Style::Heading, centre),
        line(Style::Title, rt.title.clone()),
        line(
            Style::Normal,
            format!("{} · {}", skrb_kit::i18n::fmt_date(l, rt.held_on), rt.place),
        ),
        line(Style::Gap, ""),
        line(
            Style::Bold,
            skrb_kit::i18n::t_args(
                l,
                "year-came",
                &[
                    ("representatives", rt.representatives.into()),
                    ("organisations", rt.organisations.into()),
                ],
            ),
        ),
    ];
    let came: Vec<String> = f
        .invites
        .iter()
        .filter(|i| f.attendees.iter().any(|a| a.invite_id == i.id))
        .map(|i| i.partner.clone())
        .collect();
    if !came.is_empty() {
        out.push(line(Style::Normal, came.join(", ")));
    }
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Heading, t("year-ratings")));
    for r in &f.results {
        out.push(line(
            Style::Normal,
            format!(
                "{}: {} ({} {})",
                t(&format!("year-question-{}", r.question)),
                r.average
                    .map(|a| crate::decimal(l, a, 2))
                    .unwrap_or_else(|| "—".into()),
                r.answers,
                t("year-answers"),
            ),
        ));
    }
    if !f.comments.is_empty() {
        out.push(line(Style::Gap, ""));
        out.push(line(Style::Heading, t("year-comments")));
        for c in &f.comments {
            out.push(line(Style::Normal, format!("— {c}")));
        }
    }
    if !f.proposals.is_empty() {
        out.push(line(Style::Gap, ""));
        out.push(line(Style::Heading, t("year-proposals")));
        for p in &f.proposals {
            let by = match (&p.partner, p.from_answer) {
                (Some(x), _) => x.clone(),
                (None, true) => t("year-anonymous-answer"),
                (None, false) => t("year-from-floor"),
            };
            let what = match p.outcome.as_str() {
                "accepted" => t("year-outcome-accepted"),
                "answered" => format!(
                    "{}: {}",
                    t("year-outcome-answered"),
                    p.answer.clone().unwrap_or_default()
                ),
                _ => t("year-outcome-open"),
            };
            out.push(line(Style::Normal, format!("{} ({by}) — {what}", p.text)));
        }
    }
    out
}

/// The summary as a PDF in the centre's language and script.
pub async fn summary_pdf(db: &Db, actor: &Actor, id: i64) -> AppResult<Vec<u8>> {
    let f = file(db, actor, id).await?;
    let mut tx = db.begin().await?;
    let (centre, jurisdiction): (String, String) = sql!(&mut tx, c => sqlx::query_as("SELECT name, jurisdiction FROM centre WHERE id = $1")
        .bind(f.round_table.centre_id).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Download, "round_table", id),
    )
    .await?;
    tx.commit().await?;
    let l = skrb_rights::decisions::centre_locale(&jurisdiction);
    doc::render(&summary(&f, &centre, l), &f.round_table.title, l.code())
        .map_err(AppError::Internal)
}

/// Puts the summary on the centre's public page as news (once; in the centre's language).
pub async fn publish(db: &Db, actor: &Actor, id: i64) -> AppResult<i64> {
    let f = file(db, actor, id).await?;
    if f.published {
        return Err(skrb_kit::form::field_error("publish", "year-err-published"));
    }
    let mut tx = db.begin().await?;
    let (centre, jurisdiction): (String, String) = sql!(&mut tx, c => sqlx::query_as("SELECT name, jurisdiction FROM centre WHERE id = $1")
        .bind(f.round_table.centre_id).fetch_one(c).await?);
    let l = skrb_rights::decisions::centre_locale(&jurisdiction);
    let body: Vec<String> = summary(&f, &centre, l)
        .into_iter()
        .skip(2)
        .map(|x| x.text)
        .collect();
    let news: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO news_item (centre_id, published_on, title, body, round_table_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(f.round_table.centre_id).bind(actor.today()).bind(&f.round_table.title).bind(body.join("\n")).bind(id)
        .bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Publish, "round_table", id).detail(serde_json::json!({ "news": news })),
    )
    .await?;
    tx.commit().await?;
    Ok(news)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_reads_each_question_apart() {
        let answers: Vec<AnswerRow> = vec![
            (Some(5), Some(4), None, Some(3), Some("good".into())),
            (Some(4), Some(4), Some(5), None, None),
        ];
        let r = tally(&answers);
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].question, "cooperation");
        assert_eq!(r[0].average, Some(450));
        assert_eq!(r[1].marks, vec![0, 0, 0, 2, 0]);
        assert_eq!(r[2].answers, 1);
        assert_eq!(r[3].average, Some(300));
    }
}
