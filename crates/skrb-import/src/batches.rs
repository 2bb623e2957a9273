//! An import from upload to review: the file kept, its columns mapped (guessed, or a
//! saved profile's), every row checked and written to `import_row` in one transaction
//! (so a check killed half-way leaves nothing), duplicates found in the file and against
//! the registry in sets, and the review's decisions. Nothing reaches the registry before
//! the commit (`commit.rs`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures_util::TryStreamExt;
use serde::Serialize;
use skrb_domain::import::{BatchStatus, Choice, Kind, RowStatus};
use skrb_domain::names;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;
use time::{Date, OffsetDateTime};

use crate::check::{Checked, Checker, Problem, RightRef, Settings};
use crate::source::{self, Head, Options, Row, Sent};

/// The largest file taken (a country's register comes in several files).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// An import as the pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ImportBatch)]
pub struct Batch {
    pub id: i64,
    pub centre_id: i64,
    #[schema(value_type = String, example = "persons")]
    pub kind: Kind,
    pub file_name: String,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub headings: Vec<String>,
    pub settings: Option<Settings>,
    #[schema(value_type = String, example = "validated")]
    pub status: BatchStatus,
    pub row_count: i64,
    pub created_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct BatchRow {
    id: i64,
    centre_id: i64,
    kind: String,
    file_name: String,
    format: String,
    encoding: Option<String>,
    delimiter: Option<String>,
    headings: String,
    settings: Option<String>,
    status: String,
    row_count: i64,
    created_by: Option<String>,
    created_at: OffsetDateTime,
    version: i64,
}

impl BatchRow {
    fn into_batch(self) -> AppResult<Batch> {
        let bad = || AppError::Internal(anyhow::anyhow!("import {} is unreadable", self.id));
        Ok(Batch {
            id: self.id,
            centre_id: self.centre_id,
            kind: Kind::from_code(&self.kind).ok_or_else(bad)?,
            file_name: self.file_name.clone(),
            format: self.format.clone(),
            encoding: self.encoding.clone(),
            delimiter: self.delimiter.clone(),
            headings: serde_json::from_str(&self.headings).map_err(|_| bad())?,
            settings: self
                .settings
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok()),
            status: BatchStatus::from_code(&self.status).ok_or_else(bad)?,
            row_count: self.row_count,
            created_by: self.created_by,
            created_at: self.created_at,
            version: self.version,
        })
    }
}

const SELECT_BATCH: &str = "SELECT b.id, b.centre_id, b.kind, b.file_name, b.format, b.encoding, b.delimiter, b.headings, \
    b.settings, b.status, b.row_count, u.username AS created_by, b.created_at, b.version \
    FROM import_batch b LEFT JOIN app_user u ON u.id = b.created_by";

/// The import, if it is the actor's centre's (another centre's is refused and audited).
pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Batch> {
    let q = format!("{SELECT_BATCH} WHERE b.id = $1");
    let row: Option<BatchRow> = sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await?);
    let b = row.ok_or(AppError::NotFound)?.into_batch()?;
    skrb_kit::scope::same_centre(actor, b.centre_id)?;
    Ok(b)
}

/// The centre an actor imports into: their own.
pub fn centre_of(actor: &Actor) -> AppResult<i64> {
    actor
        .scope
        .and_then(|s| s.centre_id)
        .ok_or_else(|| AppError::Refused(Msg::new("import-err-no-centre")))
}

/// How many rows are in each state, and how far the commit is.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = ImportCounts)]
pub struct Counts {
    pub rows: i64,
    pub valid: i64,
    pub warned: i64,
    pub invalid: i64,
    /// Duplicates found (in the file or in the registry), decided or not.
    pub duplicates: i64,
    /// Duplicates no one has decided yet.
    pub undecided: i64,
    /// Rows an earlier file brought in already.
    pub already: i64,
    /// Rows written (or merged) so far.
    pub imported: i64,
    /// Duplicates decided to be left out.
    pub skipped: i64,
    /// Rows the commit has still to write.
    pub remaining: i64,
}

/// Rows a commit takes: checked in, or a duplicate decided to go in.
pub(crate) const TO_IMPORT: &str = "(r.status IN ('valid', 'warned') OR (r.status = 'duplicate' AND r.choice IN ('merge', 'new')))";

pub(crate) async fn counts_in(tx: &mut Tx, id: i64) -> Result<Counts, sqlx::Error> {
    let q = format!(
        "SELECT COUNT(*), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'valid' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'warned' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'invalid' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'duplicate' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'duplicate' AND r.choice IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.status = 'already' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.target_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.choice = 'skip' THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN r.target_id IS NULL AND r.imported_at IS NULL AND {TO_IMPORT} THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM import_row r WHERE r.batch_id = $1"
    );
    let c: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) =
        sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_one(c).await?);
    Ok(Counts {
        rows: c.0,
        valid: c.1,
        warned: c.2,
        invalid: c.3,
        duplicates: c.4,
        undecided: c.5,
        already: c.6,
        imported: c.7,
        skipped: c.8,
        remaining: c.9,
    })
}

/// What an upload led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploaded {
    /// A new import, to be mapped.
    New(i64),
    /// The same file was brought in before (this import): nothing new to do.
    Again(i64),
}

impl Uploaded {
    pub fn id(self) -> i64 {
        match self {
            Uploaded::New(id) | Uploaded::Again(id) => id,
        }
    }
}

fn opts(s: &Settings) -> Options {
    Options {
        encoding: source::encoding(&s.encoding),
        delimiter: s.delimiter_byte(),
    }
}

/// The file's headings and its first rows, or why it cannot be read.
pub async fn head(bytes: Arc<Vec<u8>>, s: &Settings, sample: usize) -> AppResult<(Head, Vec<Row>)> {
    let mut rx = source::read(bytes, opts(s));
    let head = match rx.recv().await {
        Some(Sent::Head(h)) => h,
        Some(Sent::Failed(source::ReadError::Unreadable(k))) => return Err(unreadable(&k)),
        _ => return Err(AppError::Refused(Msg::new("import-err-empty"))),
    };
    let mut rows = Vec::new();
    while rows.len() < sample {
        match rx.recv().await {
            Some(Sent::Rows(r)) => rows.extend(r.into_iter().take(sample - rows.len())),
            Some(Sent::Failed(source::ReadError::Unreadable(k))) => return Err(unreadable(&k)),
            _ => break,
        }
    }
    Ok((head, rows))
}

fn unreadable(key: &str) -> AppError {
    AppError::Refused(Msg::new(if key == "import-err-xlsx" {
        "import-err-xlsx"
    } else {
        "import-err-csv"
    }))
}

fn sha256(bytes: &[u8]) -> String {
    audit::chain::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

/// Keeps an uploaded file as a new import of the actor's centre, with the headings read
/// and a mapping (the profile's, else guessed). The same file again leads to the import
/// that brought it in.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    db: &Db,
    actor: &Actor,
    centre_id: i64,
    kind: Kind,
    file_name: &str,
    bytes: Vec<u8>,
    settings: Option<Settings>,
    profile_id: Option<i64>,
) -> AppResult<Uploaded> {
    skrb_kit::scope::same_centre(actor, centre_id)?;
    if bytes.is_empty() {
        return Err(AppError::Refused(Msg::new("import-err-empty")));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let sha = sha256(&bytes);
    let bytes = Arc::new(bytes);
    let profile = match profile_id {
        // A profile the centre does not have is a wrong choice in the request, not a
        // missing page.
        Some(p) => match crate::profiles::get(db, actor, p).await {
            Err(AppError::NotFound) => {
                return Err(AppError::Validation(vec![skrb_kit::error::FieldError {
                    field: "profile",
                    msg: Msg::new("err-choice"),
                }]))
            }
            other => Some(other?),
        },
        None => None,
    };
    if let Some(p) = &profile {
        if p.kind != kind {
            return Err(AppError::Refused(Msg::new("import-err-profile-kind")));
        }
    }
    let base = settings
        .or_else(|| profile.as_ref().map(|p| p.settings.clone()))
        .unwrap_or_default();
    let (head, _) = head(bytes.clone(), &base, 0).await?;
    let mut settings = match &profile {
        Some(p) => p.settings.clone(),
        None => Settings::guessed(kind, &head.headings),
    };
    settings.encoding = base.encoding;
    settings.delimiter = base.delimiter;
    let name: String = skrb_domain::text::clean(file_name, true)
        .chars()
        .take(200)
        .collect();
    let name = if name.trim().is_empty() {
        format!("import.{}", head.format.code())
    } else {
        name
    };
    let mut tx = db.begin().await?;
    let earlier: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT MIN(id) FROM import_batch WHERE centre_id = $1 AND kind = $2 AND file_sha256 = $3 AND status <> 'discarded'")
        .bind(centre_id).bind(kind.code()).bind(&sha).fetch_one(c).await?);
    if let Some(e) = earlier {
        audit::record(&mut tx, actor, Event::new(Action::Read, "import_batch", e)).await?;
        tx.commit().await?;
        return Ok(Uploaded::Again(e));
    }
    let settings_json =
        serde_json::to_string(&settings).map_err(|e| AppError::Internal(e.into()))?;
    let headings =
        serde_json::to_string(&head.headings).map_err(|e| AppError::Internal(e.into()))?;
    let delimiter = head.delimiter.map(|d| {
        if d == b'\t' {
            "tab".to_string()
        } else {
            (d as char).to_string()
        }
    });
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO import_batch (centre_id, kind, file_name, file_sha256, format, encoding, delimiter, content, headings, \
         settings, profile_id, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'uploaded', $12, $13) RETURNING id")
        .bind(centre_id).bind(kind.code()).bind(&name).bind(&sha).bind(head.format.code())
        .bind(head.encoding.map(|e| e.name().to_ascii_lowercase())).bind(delimiter).bind(bytes.as_slice())
        .bind(&headings).bind(&settings_json).bind(profile_id).bind(actor.user_id).bind(actor.now)
        .fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "import_batch", id).detail(serde_json::json!({
            "kind": kind.code(), "file": name, "sha256": sha, "bytes": bytes.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Uploaded::New(id))
}

/// The import with its counts.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<(Batch, Counts)> {
    let mut tx = db.begin_read().await?;
    let b = load(&mut tx, actor, id).await?;
    let c = counts_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok((b, c))
}

/// The first rows of the kept file, to map its columns by.
pub async fn preview(db: &Db, actor: &Actor, id: i64) -> AppResult<(Batch, Vec<Row>)> {
    let mut tx = db.begin_read().await?;
    let b = load(&mut tx, actor, id).await?;
    let content = content_of(&mut tx, id).await?;
    tx.commit().await?;
    let rows = match content {
        Some(bytes) => {
            head(
                Arc::new(bytes),
                b.settings.as_ref().unwrap_or(&Settings::default()),
                5,
            )
            .await?
            .1
        }
        None => Vec::new(),
    };
    // The rows hold personal data: reading them is recorded.
    audit::record_apart(db, actor, Event::new(Action::Read, "import_batch", id)).await?;
    Ok((b, rows))
}

async fn content_of(tx: &mut Tx, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sql!(tx, c => sqlx::query_scalar("SELECT content FROM import_batch WHERE id = $1").bind(id).fetch_one(c).await)
}

/// The imports of the actor's centre, newest first, with their counts.
pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<(Batch, Counts)>> {
    let centre = actor.scope.and_then(|s| s.centre_id);
    let all = actor.scope.is_none_or(|s| s.all_centres);
    let q = format!("{SELECT_BATCH} WHERE ($1 OR b.centre_id = $2) ORDER BY b.id DESC LIMIT 100");
    let mut tx = db.begin_read().await?;
    let rows: Vec<BatchRow> =
        sql!(&mut tx, c => sqlx::query_as(&q).bind(all).bind(centre).fetch_all(c).await?);
    let mut out = Vec::new();
    for r in rows {
        let b = r.into_batch()?;
        let c = counts_in(&mut tx, b.id).await?;
        out.push((b, c));
    }
    tx.commit().await?;
    Ok(out)
}

/// Where checking stands, for a progress bar.
pub type Progress<'a> = &'a mut (dyn FnMut(usize) + Send);

/// Checks every row of the kept file with `settings` and writes what was found, in one
/// transaction (rows of an earlier check are replaced: the mapping changed). Refused once
/// part of the import is committed. Returns the counts.
pub async fn check(
    db: &Db,
    actor: &Actor,
    id: i64,
    settings: Settings,
    progress: Progress<'_>,
) -> AppResult<Counts> {
    let mut tx = db.begin().await?;
    let b = load(&mut tx, actor, id).await?;
    if !matches!(b.status, BatchStatus::Uploaded | BatchStatus::Validated) {
        return Err(AppError::Refused(Msg::new("import-err-not-open")));
    }
    let done: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM import_row WHERE batch_id = $1 AND (target_id IS NOT NULL OR imported_at IS NOT NULL)")
        .bind(id).fetch_one(c).await?);
    if done > 0 {
        return Err(AppError::Refused(Msg::new("import-err-committed")));
    }
    let content = content_of(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::Refused(Msg::new("import-err-not-open")))?;
    let mut checker = Checker::new(b.kind, actor.today(), &settings, &b.headings);
    let missing = checker.unmapped_required();
    if !missing.is_empty() {
        return Err(AppError::Refused(
            Msg::new("import-err-unmapped").arg("fields", missing.join(", ")),
        ));
    }
    lookups(&mut tx, b.centre_id, &mut checker).await?;
    sql!(&mut tx, c => sqlx::query("DELETE FROM import_row WHERE batch_id = $1").bind(id).execute(c).await?.rows_affected());
    let mut rx = source::read(Arc::new(content), opts(&settings));
    let mut in_file = InFile::default();
    let mut rows = 0usize;
    let mut writer = bulk::Writer::start(&mut tx, "import_row", ROW_COLUMNS).await?;
    loop {
        let set = match rx.recv().await {
            Some(Sent::Head(_)) => continue,
            Some(Sent::Rows(r)) => r,
            Some(Sent::Failed(source::ReadError::Unreadable(k))) => return Err(unreadable(&k)),
            Some(Sent::Failed(source::ReadError::Empty)) => {
                return Err(AppError::Refused(Msg::new("import-err-empty")))
            }
            None => break,
        };
        let mut cells: Vec<Vec<Cell>> = Vec::with_capacity(set.len());
        for (line, values) in &set {
            let mut c = checker.check(values);
            in_file.see(b.kind, *line, &mut c);
            cells.push(row_cells(id, *line, values, &c)?);
        }
        let view: Vec<Vec<bulk::Value<'_>>> = cells
            .iter()
            .map(|r| r.iter().map(|v| v.view()).collect())
            .collect();
        writer.write(&view).await?;
        rows += set.len();
        progress(rows);
    }
    writer.finish().await?;
    if let Tx::Postgres(t) = &mut tx {
        // The rows are new: the planner learns how many before the joins that follow.
        sqlx::query("ANALYZE import_row").execute(&mut **t).await?;
    }
    registry_duplicates(&mut tx, &b, id).await?;
    let s = serde_json::to_string(&settings).map_err(|e| AppError::Internal(e.into()))?;
    sql!(&mut tx, c => sqlx::query(
        "UPDATE import_batch SET status = 'validated', settings = $1, row_count = $2, validated_at = $3, version = version + 1 WHERE id = $4")
        .bind(&s).bind(rows as i64).bind(actor.now).bind(id).execute(c).await?.rows_affected());
    let counts = counts_in(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "import_batch", id).detail(serde_json::json!({
            "checked": counts.rows, "valid": counts.valid, "warned": counts.warned, "invalid": counts.invalid,
            "duplicates": counts.duplicates, "already": counts.already,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}

const ROW_COLUMNS: &[&str] = &[
    "batch_id",
    "row_no",
    "status",
    "source",
    "fields",
    "problems",
    "row_hash",
    "emso",
    "birth_date",
    "name_key",
    "group_key",
    "match_row",
];

fn row_cells(batch: i64, line: i64, values: &[String], c: &Checked) -> AppResult<Vec<Cell>> {
    let fields = to_json(&c.fields)?;
    let hash = sha256(fields.as_bytes())[..32].to_string();
    Ok(vec![
        batch.into(),
        line.into(),
        c.status.code().into(),
        to_json(&values)?.into(),
        fields.into(),
        if c.problems.is_empty() {
            Cell::Null
        } else {
            to_json(&c.problems)?.into()
        },
        hash.into(),
        c.emso.clone().into(),
        c.birth_date.into(),
        c.name_key.clone().into(),
        c.group_key.clone().into(),
        c.match_row.into(),
    ])
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.into()))
}

/// A registry person a row may be: the row, its values, the person, their given and
/// family name, and both name keys.
type Candidate = (
    i64,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// An earlier row of the file: its line, given and family name.
type Earlier = (i64, names::Folded);

/// Duplicates within the file: the same record (a person's number; a number with the
/// same right, case type or child) or, for persons, the same birth date and a similar
/// name in any script, as an earlier row. A case file's old number is the centre's
/// once: a second row with it is refused.
#[derive(Default)]
struct InFile {
    same: HashMap<String, i64>,
    /// By birth date and the name key's first letter (as the registry's check).
    born: HashMap<(Date, char), Vec<Earlier>>,
    numbers: HashMap<String, i64>,
}

impl InFile {
    fn see(&mut self, kind: Kind, line: i64, c: &mut Checked) {
        if !matches!(c.status, RowStatus::Valid | RowStatus::Warned) {
            return;
        }
        if kind == Kind::Cases {
            if let Some(n) = c.fields.get("file_number") {
                if let Some(first) = self.numbers.get(n) {
                    c.problems.push(
                        Problem::new("file_number", "import-err-number-twice")
                            .arg("row", first.to_string()),
                    );
                    c.status = RowStatus::Invalid;
                    return;
                }
                self.numbers.insert(n.clone(), line);
            }
        }
        let given = c.fields.get("given_name").map_or("", |s| s.as_str());
        let family = c.fields.get("family_name").map_or("", |s| s.as_str());
        let name = names::Folded::new(given, family);
        let mut hit = c.same.as_ref().and_then(|e| self.same.get(e).copied());
        let first = c
            .name_key
            .as_deref()
            .and_then(|k| k.chars().next())
            .unwrap_or(' ');
        if hit.is_none() {
            if let Some(b) = c.birth_date {
                hit = self.born.get(&(b, first)).and_then(|v| {
                    v.iter()
                        .find(|(_, earlier)| name.similar(earlier))
                        .map(|x| x.0)
                });
            }
        }
        if let Some(row) = hit {
            c.status = RowStatus::Duplicate;
            c.match_row = Some(row);
            return;
        }
        if let Some(e) = &c.same {
            self.same.insert(e.clone(), line);
        }
        if let Some(b) = c.birth_date {
            self.born.entry((b, first)).or_default().push((line, name));
        }
    }
}

/// The lists a row is checked against: the country's municipalities, the rights that pay.
async fn lookups(tx: &mut Tx, centre: i64, c: &mut Checker) -> AppResult<()> {
    let jurisdiction = skrb_kit::centre::jurisdiction_of(tx, Some(centre)).await?;
    let ms: Vec<(i64, String, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT m.id, m.code, m.name FROM municipality m JOIN centre c ON c.id = m.centre_id WHERE c.jurisdiction = $1")
        .bind(&jurisdiction).fetch_all(c).await?);
    for (id, code, name) in ms {
        c.municipalities.insert(names::fold(&code), id);
        c.municipalities.insert(names::fold(&name), id);
    }
    for r in skrb_rights::catalogue::all_in(tx).await? {
        if r.jurisdiction != jurisdiction || !r.pays {
            continue;
        }
        let rr = RightRef {
            id: r.id,
            code: r.code.clone(),
        };
        for key in [&r.code, &r.name_sl, &r.name_sr, &r.name_en] {
            c.rights
                .entry(names::fold(key))
                .or_insert_with(|| rr.clone());
        }
    }
    if c.kind == Kind::Cases {
        for t in skrb_cases::catalogue::active_in(tx, &jurisdiction).await? {
            let tr = RightRef {
                id: t.id,
                code: t.code.clone(),
            };
            for key in [&t.code, &t.name_sl, &t.name_sr, &t.name_en] {
                c.case_types
                    .entry(names::fold(key))
                    .or_insert_with(|| tr.clone());
            }
        }
        let users: Vec<(i64, String, String)> = sql!(tx, x => sqlx::query_as(
            "SELECT id, username, display_name FROM app_user WHERE centre_id = $1 AND active = TRUE ORDER BY id")
            .bind(centre).fetch_all(x).await?);
        for (id, username, name) in users {
            c.workers.entry(names::fold(&username)).or_insert(id);
            c.workers.entry(names::fold(&name)).or_insert(id);
        }
    }
    Ok(())
}

/// After the rows are written: rows an earlier file brought in; for persons, those whose
/// number or birth date and name the registry has; for rights, the person each is about
/// (by number, in the centre) and rights the person has already.
async fn registry_duplicates(tx: &mut Tx, b: &Batch, id: i64) -> AppResult<()> {
    sql!(tx, c => sqlx::query(
        "UPDATE import_row SET status = 'already' WHERE batch_id = $1 AND status <> 'invalid' AND row_hash IN \
         (SELECT o.row_hash FROM import_row o JOIN import_batch ob ON ob.id = o.batch_id \
          WHERE ob.centre_id = $2 AND ob.kind = $3 AND o.batch_id <> $1 AND o.target_id IS NOT NULL)")
        .bind(id).bind(b.centre_id).bind(b.kind.code()).execute(c).await?.rows_affected());
    match b.kind {
        Kind::Persons => {
            sql!(tx, c => sqlx::query(
                "UPDATE import_row SET status = 'duplicate', match_row = NULL, \
                 match_person_id = (SELECT MIN(p.id) FROM person p WHERE p.emso = import_row.emso) \
                 WHERE batch_id = $1 AND status IN ('valid', 'warned', 'duplicate') AND emso IS NOT NULL \
                 AND EXISTS (SELECT 1 FROM person p WHERE p.emso = import_row.emso)")
                .bind(id).execute(c).await?.rows_affected());
            // Same birth date and a similar name: the index on (birth date, name key)
            // gives the candidates of the same first letter as a range of keys, and
            // passes over those too long or short to be similar (`names::may_be_similar`,
            // in SQL) before a person's row is read; the names are compared here.
            // Streamed, not fetched whole: a big file against a big registry has tens of
            // thousands of candidates, and only the hits are kept.
            let q = "SELECT r.id, r.fields, p.id, p.given_name, p.family_name, r.name_key, p.name_key FROM import_row r \
                 JOIN person p ON p.birth_date = r.birth_date \
                  AND p.name_key >= substr(r.name_key, 1, 1) AND p.name_key < substr(r.name_key, 1, 1) || '{' \
                  AND (abs(length(p.name_key) - length(r.name_key)) <= 1 \
                   OR 6 * abs(length(p.name_key) - length(r.name_key)) <= length(p.name_key) \
                   OR 6 * abs(length(p.name_key) - length(r.name_key)) <= length(r.name_key)) \
                 WHERE r.batch_id = $1 AND r.status IN ('valid', 'warned', 'duplicate') AND r.match_person_id IS NULL";
            let mut hits: BTreeMap<i64, i64> = BTreeMap::new();
            sql!(tx, c => {
                let mut rows = sqlx::query_as::<_, Candidate>(q).bind(id).fetch(c);
                while let Some((row, fields, person, g, f, key_r, key_p)) = rows.try_next().await? {
                    // A candidate too long or short to be similar is passed over before
                    // its row's values are read (most of them, on a big registry).
                    let (lr, lp) = (key_r.map_or(0, |k| k.len()), key_p.map_or(0, |k| k.len()));
                    if hits.contains_key(&row) || !names::may_be_similar(lr, lp) {
                        continue;
                    }
                    let fields: BTreeMap<String, String> = serde_json::from_str(&fields).unwrap_or_default();
                    let (rg, rf) = (
                        fields.get("given_name").map_or("", |s| s.as_str()),
                        fields.get("family_name").map_or("", |s| s.as_str()),
                    );
                    if names::similar(rg, rf, &g, &f) {
                        hits.insert(row, person);
                    }
                }
            });
            for (row, person) in hits {
                sql!(tx, c => sqlx::query(
                    "UPDATE import_row SET status = 'duplicate', match_row = NULL, match_person_id = $1 WHERE id = $2")
                    .bind(person).bind(row).execute(c).await?.rows_affected());
            }
        }
        Kind::Entitlements => {
            the_person(tx, b, id).await?;
            sql!(tx, c => sqlx::query(
                "UPDATE import_row SET status = 'duplicate' WHERE batch_id = $1 AND status IN ('valid', 'warned') \
                 AND EXISTS (SELECT 1 FROM entitlement e WHERE e.person_id = import_row.match_person_id \
                   AND CAST(e.right_id AS TEXT) = import_row.group_key AND e.status <> 'ended')")
                .bind(id).execute(c).await?.rows_affected());
        }
        Kind::Cases => {
            the_person(tx, b, id).await?;
            numbers_taken(tx, b, id).await?;
            sql!(tx, c => sqlx::query(
                "UPDATE import_row SET status = 'duplicate' WHERE batch_id = $1 AND status IN ('valid', 'warned') \
                 AND EXISTS (SELECT 1 FROM case_file f WHERE f.person_id = import_row.match_person_id \
                   AND CAST(f.type_id AS TEXT) = import_row.group_key AND f.status <> 'closed')")
                .bind(id).execute(c).await?.rows_affected());
        }
        Kind::Carers => {
            the_person(tx, b, id).await?;
            carers_found(tx, b, id).await?;
        }
    }
    Ok(())
}

/// The person each row is about, by number among the centre's persons; a row whose
/// person the centre has not registered is refused (persons come in first).
async fn the_person(tx: &mut Tx, b: &Batch, id: i64) -> AppResult<()> {
    sql!(tx, c => sqlx::query(
        "UPDATE import_row SET match_person_id = (SELECT MIN(p.id) FROM person p WHERE p.emso = import_row.emso AND p.centre_id = $2) \
         WHERE batch_id = $1 AND status IN ('valid', 'warned', 'duplicate')")
        .bind(id).bind(b.centre_id).execute(c).await?.rows_affected());
    let none = to_json(&[Problem::new("emso", "import-err-no-person")])?;
    sql!(tx, c => sqlx::query(
        "UPDATE import_row SET status = 'invalid', problems = $2 WHERE batch_id = $1 AND status IN ('valid', 'warned', 'duplicate') \
         AND match_person_id IS NULL")
        .bind(id).bind(&none).execute(c).await?.rows_affected());
    Ok(())
}

/// A case file's old number the centre has given already: the row is refused (the
/// number on a folder names one file). Point lookups on the centre's numbers.
async fn numbers_taken(tx: &mut Tx, b: &Batch, id: i64) -> AppResult<()> {
    let rows: Vec<(i64, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, fields FROM import_row WHERE batch_id = $1 AND status IN ('valid', 'warned', 'duplicate') ORDER BY row_no")
        .bind(id).fetch_all(c).await?);
    let taken = to_json(&[Problem::new("file_number", "import-err-number-taken")])?;
    for (row, fields) in rows {
        let f: BTreeMap<String, String> = serde_json::from_str(&fields).unwrap_or_default();
        let Some(number) = f.get("file_number") else {
            continue;
        };
        let hit: Option<i64> = sql!(tx, c => sqlx::query_scalar(
            "SELECT id FROM case_file WHERE centre_id = $1 AND number = $2")
            .bind(b.centre_id).bind(number).fetch_optional(c).await?);
        if hit.is_some() {
            sql!(tx, c => sqlx::query("UPDATE import_row SET status = 'invalid', problems = $1 WHERE id = $2")
                .bind(&taken).bind(row).execute(c).await?.rows_affected());
        }
    }
    Ok(())
}

/// Foster carers' rows against the register: a carer another centre supervises is
/// refused; one this centre has already takes the rows' children (a row without a child
/// has nothing to add); a child the centre has not registered, or placed already, is
/// refused.
async fn carers_found(tx: &mut Tx, b: &Batch, id: i64) -> AppResult<()> {
    let j = skrb_kit::centre::jurisdiction_of(tx, Some(b.centre_id)).await?;
    let rows: Vec<(i64, String, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, fields, match_person_id FROM import_row WHERE batch_id = $1 AND status IN ('valid', 'warned', 'duplicate') \
         AND match_person_id IS NOT NULL ORDER BY row_no")
        .bind(id).fetch_all(c).await?);
    let mut found: HashMap<i64, Option<(i64, String)>> = HashMap::new();
    for (row, fields, person) in rows {
        let f: BTreeMap<String, String> = serde_json::from_str(&fields).unwrap_or_default();
        if let std::collections::hash_map::Entry::Vacant(e) = found.entry(person) {
            let c: Option<(i64, String)> = sql!(tx, x => sqlx::query_as(
                "SELECT fc.centre_id, c.name FROM foster_carer fc JOIN centre c ON c.id = fc.centre_id \
                 WHERE fc.jurisdiction = $1 AND fc.person_id = $2")
                .bind(&j).bind(person).fetch_optional(x).await?);
            e.insert(c);
        }
        let mut problems = Vec::new();
        let mut already = false;
        match found.get(&person).cloned().flatten() {
            Some((centre, name)) if centre != b.centre_id => problems
                .push(Problem::new("emso", "placements-err-carer-exists").arg("centre", name)),
            Some(_) => already = !f.contains_key("child_emso"),
            None => {}
        }
        if let Some(child) = f.get("child_emso") {
            let placed: Option<(i64, i64)> = sql!(tx, x => sqlx::query_as(
                "SELECT p.id, (SELECT COUNT(*) FROM placement pl WHERE pl.person_id = p.id AND pl.end_on IS NULL) \
                 FROM person p WHERE p.emso = $1 AND p.centre_id = $2 ORDER BY p.id LIMIT 1")
                .bind(child).bind(b.centre_id).fetch_optional(x).await?);
            match placed {
                None => problems.push(Problem::new("child_emso", "import-err-no-person")),
                Some((_, n)) if n > 0 => {
                    problems.push(Problem::new("child_emso", "placements-err-already-placed"))
                }
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            let json = to_json(&problems)?;
            sql!(tx, c => sqlx::query("UPDATE import_row SET status = 'invalid', problems = $1 WHERE id = $2")
                .bind(&json).bind(row).execute(c).await?.rows_affected());
        } else if already {
            sql!(tx, c => sqlx::query("UPDATE import_row SET status = 'already' WHERE id = $1")
                .bind(row).execute(c).await?.rows_affected());
        }
    }
    Ok(())
}

/// A row as the report and the review show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ImportRow)]
pub struct RowView {
    pub row_no: i64,
    #[schema(value_type = String, example = "invalid")]
    pub status: RowStatus,
    pub source: Vec<String>,
    pub fields: BTreeMap<String, String>,
    pub problems: Vec<Problem>,
    /// The registered person it probably is (persons) or is about (rights).
    pub match_person_id: Option<i64>,
    /// Who that person is: name, birth date, number, address.
    pub match_person: Option<String>,
    /// The earlier row of the file it probably is.
    pub match_row: Option<i64>,
    #[schema(value_type = Option<String>, example = "merge")]
    pub choice: Option<Choice>,
    /// What it became.
    pub target_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RowRow {
    row_no: i64,
    status: String,
    source: String,
    fields: String,
    problems: Option<String>,
    match_person_id: Option<i64>,
    match_person: Option<String>,
    match_row: Option<i64>,
    choice: Option<String>,
    target_id: Option<i64>,
}

/// Rows of an import in one state (all of them when `status` is none), a page of 100
/// from `after`. Duplicates show the registered person beside them, named only if the
/// reader may see that person. The rows hold personal data: the read is recorded.
pub async fn rows(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: Option<RowStatus>,
    after: i64,
    limit: i64,
) -> AppResult<Vec<RowView>> {
    let mut tx = db.begin_read().await?;
    load(&mut tx, actor, id).await?;
    let out = rows_in(&mut tx, id, status, after, limit).await?;
    let mut shown = Vec::with_capacity(out.len());
    for mut r in out {
        if let Some(p) = r.match_person_id {
            if !skrb_registry::access::visible(&mut tx, actor, skrb_kit::ids::PersonId(p)).await? {
                r.match_person = None;
            }
        }
        shown.push(r);
    }
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::Read, "import_batch", id).detail(serde_json::json!({
            "status": status.map(|s| s.code()), "after": after, "rows": shown.len(),
        })),
    )
    .await?;
    Ok(shown)
}

pub(crate) async fn rows_in(
    tx: &mut Tx,
    id: i64,
    status: Option<RowStatus>,
    after: i64,
    limit: i64,
) -> Result<Vec<RowView>, sqlx::Error> {
    let rows: Vec<RowRow> = sql!(tx, c => sqlx::query_as(
        "SELECT r.row_no, r.status, r.source, r.fields, r.problems, r.match_person_id, \
         CASE WHEN p.id IS NULL THEN NULL ELSE p.given_name || ' ' || p.family_name || ' · ' || COALESCE(CAST(p.birth_date AS TEXT), '') \
           || ' · ' || COALESCE(p.emso, '') || ' · ' || COALESCE(p.address, '') || ' ' || COALESCE(p.place, '') END AS match_person, \
         r.match_row, r.choice, r.target_id \
         FROM import_row r LEFT JOIN person p ON p.id = r.match_person_id \
         WHERE r.batch_id = $1 AND ($2 IS NULL OR r.status = $2) AND r.row_no > $3 ORDER BY r.row_no LIMIT $4")
        .bind(id).bind(status.map(|s| s.code())).bind(after).bind(limit).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|r| RowView {
            row_no: r.row_no,
            status: RowStatus::from_code(&r.status).unwrap_or(RowStatus::Invalid),
            source: serde_json::from_str(&r.source).unwrap_or_default(),
            fields: serde_json::from_str(&r.fields).unwrap_or_default(),
            problems: r
                .problems
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default(),
            match_person_id: r.match_person_id,
            match_person: r.match_person,
            match_row: r.match_row,
            choice: r.choice.as_deref().and_then(Choice::from_code),
            target_id: r.target_id,
        })
        .collect())
}

/// The reviewer's decision about a duplicate (or about all undecided ones: `row` none,
/// optionally only those with the same personal number as the registered person).
/// Merging is for persons; a row already written is not decided again.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    id: i64,
    row: Option<i64>,
    choice: Choice,
    same_number_only: bool,
) -> AppResult<u64> {
    let mut tx = db.begin().await?;
    let b = load(&mut tx, actor, id).await?;
    if b.status != BatchStatus::Validated {
        return Err(AppError::Refused(Msg::new("import-err-not-open")));
    }
    if choice == Choice::Merge && b.kind != Kind::Persons {
        return Err(AppError::Refused(Msg::new("import-err-merge-persons")));
    }
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE import_row SET choice = $1, decided_by = $2 WHERE batch_id = $3 AND status = 'duplicate' \
         AND target_id IS NULL AND imported_at IS NULL AND ($4 IS NULL OR row_no = $4) AND ($4 IS NOT NULL OR choice IS NULL) \
         AND (NOT $5 OR (match_person_id IS NOT NULL AND emso IS NOT NULL AND emso = (SELECT p.emso FROM person p WHERE p.id = import_row.match_person_id)))")
        .bind(choice.code()).bind(actor.user_id).bind(id).bind(row).bind(same_number_only)
        .execute(c).await?.rows_affected());
    if n == 0 && row.is_some() {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "import_batch", id).detail(serde_json::json!({
            "row": row, "choice": choice.code(), "rows": n, "same_number_only": same_number_only,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Gives up an import before any of it was written; rows written stay, the rest is
/// dropped with the file.
pub async fn discard(db: &Db, actor: &Actor, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let b = load(&mut tx, actor, id).await?;
    if matches!(b.status, BatchStatus::Committed | BatchStatus::Discarded) {
        return Err(AppError::Refused(Msg::new("import-err-not-open")));
    }
    sql!(&mut tx, c => sqlx::query(
        "UPDATE import_batch SET status = 'discarded', content = NULL, version = version + 1 WHERE id = $1")
        .bind(id).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query(
        "DELETE FROM import_row WHERE batch_id = $1 AND target_id IS NULL AND imported_at IS NULL")
        .bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Discard, "import_batch", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
