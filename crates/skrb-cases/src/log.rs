//! The contact log of a file (visits, interviews, calls, letters, team meetings, notes),
//! the autosaved draft of a note being typed, and attachments.

use sha2::{Digest, Sha256};
use skrb_kit::audit::Action;
use time::{Date, OffsetDateTime};

use super::access;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

pub const KINDS: [&str; 6] = [
    "visit",
    "interview",
    "phone",
    "letter",
    "team_meeting",
    "note",
];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on_date: Date,
    pub participants: Option<String>,
    pub body: String,
    pub author: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EntryForm {
    /// visit, interview, phone, letter, team_meeting, note
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub on_date: String,
    #[serde(deserialize_with = "lenient")]
    pub participants: String,
    #[serde(deserialize_with = "lenient")]
    pub body: String,
}

/// Long notes are welcome; this only stops a pasted book.
pub const NOTE_MAX: usize = 50_000;

pub async fn entries(tx: &mut Tx, case_id: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, Entry>(
        "SELECT e.id, e.kind, e.on_date, e.participants, e.body, u.display_name AS author, e.created_at \
         FROM case_entry e LEFT JOIN app_user u ON u.id = e.author_id WHERE e.case_id = $1 \
         ORDER BY e.on_date DESC, e.id DESC").bind(case_id).fetch_all(c).await)
}

/// Records an entry in the caller's transaction, after the checks of the file.
pub async fn add_in(
    tx: &mut Tx,
    actor: &Actor,
    g: &access::Guard,
    f: &EntryForm,
    today: Date,
) -> AppResult<i64> {
    let mut ck = Check::new();
    let kind = ck.choice("kind", &f.kind, &KINDS, true);
    let on = ck.date("on_date", &f.on_date, false).unwrap_or(today);
    let participants = ck.text("participants", &f.participants, false, 500);
    let body = ck.text("body", &f.body, true, NOTE_MAX);
    if on > today {
        ck.err("on_date", "registry-err-date-future");
    }
    let opened: Date = sql!(tx, c => sqlx::query_scalar("SELECT opened_on FROM case_file WHERE id = $1")
        .bind(g.id).fetch_one(c).await?);
    if on < opened {
        ck.err("on_date", "cases-err-before-opened");
    }
    ck.done()?;
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO case_entry (case_id, kind, on_date, participants, body, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(g.id).bind(kind).bind(on).bind(&participants).bind(&body).bind(actor.user_id)
        .bind(actor.now).fetch_one(c).await?);
    if let Some(u) = actor.user_id {
        sql!(tx, c => sqlx::query("DELETE FROM note_draft WHERE user_id = $1 AND case_id = $2")
            .bind(u).bind(g.id).execute(c).await?.rows_affected());
    }
    super::files::touch(tx, g.id, today).await?;
    audit::record(
        tx,
        actor,
        Event::new(Action::Create, "case_entry", id)
            .person(g.person_id)
            .detail(serde_json::json!({ "case_id": g.id, "kind": kind })),
    )
    .await?;
    Ok(id)
}

pub async fn add(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    f: &EntryForm,
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, case_id, manages).await?;
    if !g.status.takes_work() {
        return Err(AppError::Refused(Msg::new("cases-closed")));
    }
    let id = add_in(&mut tx, actor, &g, f, today).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn draft(tx: &mut Tx, user_id: i64, case_id: i64) -> Result<Option<String>, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar("SELECT body FROM note_draft WHERE user_id = $1 AND case_id = $2")
        .bind(user_id).bind(case_id).fetch_optional(c).await)
}

/// Keeps what the user is typing, every few seconds (see assets/app.js): a session that
/// times out or a browser that closes loses at most those seconds.
pub async fn save_draft(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    body: &str,
) -> AppResult<OffsetDateTime> {
    let user = actor.user_id.ok_or(AppError::Unauthenticated)?;
    if body.chars().count() > NOTE_MAX {
        return Err(skrb_kit::form::field_error("body", "cases-err-note-long"));
    }
    let mut tx = db.begin().await?;
    let g = access::check(&mut tx, actor, case_id).await?;
    let now = actor.now;
    if body.trim().is_empty() {
        sql!(&mut tx, c => sqlx::query("DELETE FROM note_draft WHERE user_id = $1 AND case_id = $2")
            .bind(user).bind(case_id).execute(c).await?.rows_affected());
    } else {
        sql!(&mut tx, c => sqlx::query(
            "INSERT INTO note_draft (user_id, case_id, body, saved_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, case_id) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at")
            .bind(user).bind(case_id).bind(body).bind(now).execute(c).await?.rows_affected());
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Draft, "case_file", case_id)
            .person(g.person_id)
            .detail(serde_json::json!({ "chars": body.chars().count() })),
    )
    .await?;
    tx.commit().await?;
    Ok(now)
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AttachmentMeta {
    pub id: i64,
    pub case_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

/// Largest attachment: a scanned multi-page document at office resolution.
pub const ATTACHMENT_MAX: usize = 10 * 1024 * 1024;

pub async fn attachments(tx: &mut Tx, case_id: i64) -> Result<Vec<AttachmentMeta>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, AttachmentMeta>(
        "SELECT a.id, a.case_id, a.filename, a.content_type, a.size, a.sha256, u.display_name AS uploaded_by, a.uploaded_at \
         FROM attachment a LEFT JOIN app_user u ON u.id = a.uploaded_by WHERE a.case_id = $1 ORDER BY a.id DESC")
        .bind(case_id).fetch_all(c).await)
}

pub async fn upload(
    db: &Db,
    actor: &Actor,
    case_id: i64,
    filename: &str,
    bytes: &[u8],
    manages: bool,
    today: Date,
) -> AppResult<i64> {
    if bytes.is_empty() {
        return Err(skrb_kit::form::field_error("file", "cases-err-file-empty"));
    }
    if bytes.len() > ATTACHMENT_MAX {
        return Err(AppError::Validation(vec![skrb_kit::error::FieldError {
            field: "file",
            msg: Msg::new("cases-err-file-large").num("max", (ATTACHMENT_MAX / 1024 / 1024) as i64),
        }]));
    }
    let Some(content_type) = skrb_domain::text::sniff(bytes) else {
        return Err(skrb_kit::form::field_error("file", "cases-err-file-type"));
    };
    let name = skrb_domain::text::file_name(filename);
    let hash = skrb_kit::audit::chain::hex(&Sha256::digest(bytes));
    let mut tx = db.begin().await?;
    let g = access::check_write(&mut tx, actor, case_id, manages).await?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO attachment (case_id, filename, content_type, size, sha256, content, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(case_id).bind(&name).bind(content_type).bind(bytes.len() as i64).bind(&hash).bind(bytes)
        .bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    super::files::touch(&mut tx, case_id, today).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "attachment", id)
            .person(g.person_id)
            .detail(serde_json::json!({ "case_id": case_id, "filename": name, "size": bytes.len(), "sha256": hash })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An attachment's content, for download; audited as a read of the person's data.
pub async fn download(db: &Db, actor: &Actor, id: i64) -> AppResult<(AttachmentMeta, Vec<u8>)> {
    let mut tx = db.begin_read().await?;
    let case_id: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT case_id FROM attachment WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    let case_id = case_id.ok_or(AppError::NotFound)?;
    let g = access::check(&mut tx, actor, case_id).await?;
    let meta = attachments(&mut tx, case_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    let bytes: Vec<u8> = sql!(&mut tx, c => sqlx::query_scalar("SELECT content FROM attachment WHERE id = $1")
        .bind(id).fetch_one(c).await?);
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::Read, "attachment", id).person(g.person_id),
    )
    .await?;
    Ok((meta, bytes))
}
