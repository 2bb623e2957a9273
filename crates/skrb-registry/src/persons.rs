//! Person records: storage and the use cases that create, read and change them.
//! Each use case is one transaction that also writes its audit record.

use skrb_domain::names;
use skrb_domain::person::Sex;
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Date, OffsetDateTime};

use super::access;
use super::input::PersonData;
use skrb_kit::audit::{self, Actor, Change, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg, Warning};
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow)]
struct PersonRow {
    id: i64,
    given_name: String,
    family_name: String,
    birth_date: Option<Date>,
    sex: Option<String>,
    emso: Option<String>,
    identity_override_reason: Option<String>,
    citizenship: Option<String>,
    address: Option<String>,
    postal_code: Option<String>,
    place: Option<String>,
    municipality_id: Option<i64>,
    municipality_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    iban: Option<String>,
    notes: Option<String>,
    version: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

/// A stored person.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub data: PersonData,
    pub identity_override_reason: Option<String>,
    pub municipality_name: Option<String>,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Person {
            id: r.id,
            data: PersonData {
                given_name: r.given_name,
                family_name: r.family_name,
                birth_date: r.birth_date,
                sex: r.sex.as_deref().and_then(Sex::from_code),
                emso: r.emso,
                citizenship: r.citizenship,
                address: r.address,
                postal_code: r.postal_code,
                place: r.place,
                municipality_id: r.municipality_id,
                phone: r.phone,
                email: r.email,
                iban: r.iban,
                notes: r.notes,
            },
            identity_override_reason: r.identity_override_reason,
            municipality_name: r.municipality_name,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.data.given_name, self.data.family_name)
    }
}

const SELECT_PERSON: &str = "SELECT p.id, p.given_name, p.family_name, p.birth_date, p.sex, p.emso, \
    p.identity_override_reason, p.citizenship, p.address, p.postal_code, p.place, p.municipality_id, \
    m.name AS municipality_name, p.phone, p.email, p.iban, p.notes, p.version, p.created_at, p.updated_at \
    FROM person p LEFT JOIN municipality m ON m.id = p.municipality_id";

/// The folded key a person sorts and is compared by: family name first.
pub fn name_key(d: &PersonData) -> String {
    names::fold(&format!("{} {}", d.family_name, d.given_name))
}

pub(crate) async fn load(tx: &mut Tx, id: i64) -> Result<Option<Person>, sqlx::Error> {
    let q = format!("{SELECT_PERSON} WHERE p.id = $1");
    let row: Option<PersonRow> =
        sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await?);
    Ok(row.map(Person::from))
}

async fn replace_tokens(tx: &mut Tx, id: i64, d: &PersonData) -> Result<(), sqlx::Error> {
    sql!(tx, c => sqlx::query("DELETE FROM person_token WHERE person_id = $1").bind(id).execute(c).await?.rows_affected());
    let key = name_key(d);
    for token in names::tokens(&format!("{} {}", d.given_name, d.family_name)) {
        sql!(tx, c => sqlx::query(
            "INSERT INTO person_token (token, person_id, centre_id, name_key) VALUES ($1, $2, (SELECT centre_id FROM person WHERE id = $2), $3)")
            .bind(token).bind(id).bind(&key).execute(c).await?.rows_affected());
    }
    Ok(())
}

async fn check_municipality(tx: &mut Tx, d: &PersonData) -> AppResult<()> {
    if let Some(m) = d.municipality_id {
        let found: Option<i64> = sql!(tx, c => sqlx::query_scalar("SELECT id FROM municipality WHERE id = $1")
            .bind(m).fetch_optional(c).await?);
        if found.is_none() {
            return Err(AppError::Validation(vec![FieldError {
                field: "municipality_id",
                msg: Msg::new("registry-err-municipality"),
            }]));
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Candidate {
    id: i64,
    given_name: String,
    family_name: String,
    birth_date: Option<Date>,
    emso: Option<String>,
}

/// Everything that speaks against saving the identity as typed: the number's own
/// findings, the same number on another person, a probable duplicate.
async fn identity_warnings(
    tx: &mut Tx,
    d: &PersonData,
    actor: &Actor,
    except: Option<i64>,
) -> Result<Vec<Warning>, sqlx::Error> {
    let mut out = d.identity_findings();
    let except = except.unwrap_or(-1);
    let mut candidates: Vec<Candidate> = Vec::new();
    if let Some(e) = &d.emso {
        let rows: Vec<Candidate> = sql!(tx, c => sqlx::query_as(
            "SELECT id, given_name, family_name, birth_date, emso FROM person WHERE emso = $1 AND id <> $2 LIMIT 5")
            .bind(e).bind(except).fetch_all(c).await?);
        candidates.extend(rows);
    }
    if let Some(b) = d.birth_date {
        let rows: Vec<Candidate> = sql!(tx, c => sqlx::query_as(
            "SELECT id, given_name, family_name, birth_date, emso FROM person WHERE birth_date = $1 AND id <> $2 LIMIT 200")
            .bind(b).bind(except).fetch_all(c).await?);
        candidates.extend(rows);
    }
    let mut seen = Vec::new();
    for c in candidates {
        if seen.contains(&c.id) {
            continue;
        }
        let name = format!("{} {} (#{})", c.given_name, c.family_name, c.id);
        // Duplicates are found across centres and restricted files (nobody should be
        // registered twice), but a file the user may not see is not named.
        let visible = access::visible(tx, actor, PersonId(c.id)).await?;
        if c.emso.is_some() && c.emso == d.emso {
            seen.push(c.id);
            let msg = if visible {
                Msg::new("registry-warn-emso-duplicate").arg("name", name)
            } else {
                Msg::new("registry-warn-emso-duplicate-hidden")
            };
            out.push(Warning {
                code: "emso-duplicate",
                msg,
            });
        } else if names::similar(&d.given_name, &d.family_name, &c.given_name, &c.family_name) {
            seen.push(c.id);
            let mut msg = if visible {
                Msg::new("registry-warn-probable-duplicate").arg("name", name)
            } else {
                Msg::new("registry-warn-probable-duplicate-hidden")
            };
            if let Some(b) = c.birth_date {
                msg = msg.date("date", b);
            }
            out.push(Warning {
                code: "probable-duplicate",
                msg,
            });
        }
    }
    Ok(out)
}

/// How a caller answers identity warnings.
#[derive(Debug, Clone, Default)]
pub struct Override {
    /// The reason typed by the user, if any.
    pub reason: Option<String>,
    /// Whether the user's role may override.
    pub allowed: bool,
}

impl Override {
    fn resolve(&self, warnings: Vec<Warning>) -> AppResult<Option<String>> {
        if warnings.is_empty() {
            return Ok(None);
        }
        match self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            Some(r) if self.allowed => Ok(Some(r.chars().take(1000).collect())),
            _ => Err(AppError::Warnings {
                warnings,
                may_override: self.allowed,
            }),
        }
    }
}

/// Every field of a new record as a change from nothing (its creation's audit record).
pub fn all_fields(d: &PersonData) -> Vec<Change> {
    let empty = PersonData {
        given_name: String::new(),
        family_name: String::new(),
        birth_date: None,
        sex: None,
        emso: None,
        citizenship: None,
        address: None,
        postal_code: None,
        place: None,
        municipality_id: None,
        phone: None,
        email: None,
        iban: None,
        notes: None,
    };
    empty.diff(d)
}

/// The columns of [`bulk_row`]: a person as the bulk jobs (the demo, an import) write
/// thousands at once, with ids they assign.
pub const BULK_COLUMNS: [&str; 21] = [
    "id",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "emso",
    "identity_override_reason",
    "citizenship",
    "address",
    "postal_code",
    "place",
    "municipality_id",
    "phone",
    "email",
    "iban",
    "notes",
    "name_key",
    "version",
    "created_at",
    "updated_at",
    "centre_id",
];

/// A person as a bulk row (see [`BULK_COLUMNS`]).
pub fn bulk_row(
    id: i64,
    d: &PersonData,
    override_reason: Option<String>,
    centre_id: Option<i64>,
    now: OffsetDateTime,
) -> Vec<skrb_kit::bulk::Cell> {
    vec![
        id.into(),
        d.given_name.clone().into(),
        d.family_name.clone().into(),
        d.birth_date.into(),
        d.sex.map(Sex::code).into(),
        d.emso.clone().into(),
        override_reason.into(),
        d.citizenship.clone().into(),
        d.address.clone().into(),
        d.postal_code.clone().into(),
        d.place.clone().into(),
        d.municipality_id.into(),
        d.phone.clone().into(),
        d.email.clone().into(),
        d.iban.clone().into(),
        d.notes.clone().into(),
        name_key(d).into(),
        1i64.into(),
        now.into(),
        now.into(),
        centre_id.into(),
    ]
}

/// The columns of [`bulk_tokens`]' rows.
pub const TOKEN_COLUMNS: [&str; 4] = ["token", "person_id", "centre_id", "name_key"];

/// The search tokens of a person as bulk rows of `person_token` ([`TOKEN_COLUMNS`]): each
/// carries the person's centre and name key, so that a search is scoped and ordered by
/// the index alone.
pub fn bulk_tokens(
    id: i64,
    centre_id: Option<i64>,
    d: &PersonData,
) -> Vec<Vec<skrb_kit::bulk::Cell>> {
    let key = name_key(d);
    names::tokens(&format!("{} {}", d.given_name, d.family_name))
        .into_iter()
        .map(|t| vec![t.into(), id.into(), centre_id.into(), key.clone().into()])
        .collect()
}

async fn insert_row(
    tx: &mut Tx,
    d: &PersonData,
    override_reason: Option<&str>,
    centre_id: Option<i64>,
    now: OffsetDateTime,
) -> Result<i64, sqlx::Error> {
    // The person belongs to the registering user's centre, else to the municipality's.
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO person (given_name, family_name, birth_date, sex, emso, identity_override_reason, citizenship, \
         address, postal_code, place, municipality_id, phone, email, iban, notes, name_key, version, created_at, updated_at, centre_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17, \
         COALESCE($18, (SELECT centre_id FROM municipality WHERE id = $11))) RETURNING id")
        .bind(&d.given_name).bind(&d.family_name).bind(d.birth_date).bind(d.sex.map(Sex::code))
        .bind(&d.emso).bind(override_reason).bind(&d.citizenship).bind(&d.address).bind(&d.postal_code)
        .bind(&d.place).bind(d.municipality_id).bind(&d.phone).bind(&d.email).bind(&d.iban).bind(&d.notes)
        .bind(name_key(d)).bind(now).bind(centre_id)
        .fetch_one(c).await?);
    replace_tokens(tx, id, d).await?;
    Ok(id)
}

/// Creates a person. Identity warnings stop the save unless overridden with a reason.
pub async fn create(db: &Db, actor: &Actor, d: &PersonData, ov: &Override) -> AppResult<Person> {
    let mut tx = db.begin().await?;
    check_municipality(&mut tx, d).await?;
    let warnings = identity_warnings(&mut tx, d, actor, None).await?;
    let reason = ov.resolve(warnings)?;
    let centre = actor.scope.and_then(|s| s.centre_id);
    let id = insert_row(&mut tx, d, reason.as_deref(), centre, actor.now).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "person", id)
            .person(id)
            .changes(&all_fields(d))
            .reason(reason.as_deref()),
    )
    .await?;
    let p = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(p)
}

/// Fills what a registered person lacks from another record of them (an old register's
/// row found to be the same person), in the caller's transaction; nothing they have is
/// changed. Returns the fields filled, for the caller's audit record.
pub async fn fill_blanks(
    tx: &mut Tx,
    id: i64,
    d: &PersonData,
    now: OffsetDateTime,
) -> AppResult<Vec<Change>> {
    let current = load(tx, id).await?.ok_or(AppError::NotFound)?;
    let c = &current.data;
    let or = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
    let filled = PersonData {
        birth_date: c.birth_date.or(d.birth_date),
        sex: c.sex.or(d.sex),
        emso: or(&c.emso, &d.emso),
        citizenship: or(&c.citizenship, &d.citizenship),
        address: or(&c.address, &d.address),
        postal_code: or(&c.postal_code, &d.postal_code),
        place: or(&c.place, &d.place),
        municipality_id: c.municipality_id.or(d.municipality_id),
        phone: or(&c.phone, &d.phone),
        email: or(&c.email, &d.email),
        iban: or(&c.iban, &d.iban),
        ..c.clone()
    };
    let changes = c.diff(&filled);
    if changes.is_empty() {
        return Ok(changes);
    }
    let f = &filled;
    sql!(tx, c => sqlx::query(
        "UPDATE person SET birth_date = $1, sex = $2, emso = $3, citizenship = $4, address = $5, postal_code = $6, \
         place = $7, municipality_id = $8, phone = $9, email = $10, iban = $11, version = version + 1, updated_at = $12 WHERE id = $13")
        .bind(f.birth_date).bind(f.sex.map(Sex::code)).bind(&f.emso).bind(&f.citizenship).bind(&f.address)
        .bind(&f.postal_code).bind(&f.place).bind(f.municipality_id).bind(&f.phone).bind(&f.email).bind(&f.iban)
        .bind(now).bind(id).execute(c).await?.rows_affected());
    Ok(changes)
}

/// Reads a person; the read is audited.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Person> {
    let mut tx = db.begin_read().await?;
    access::check(&mut tx, actor, PersonId(id)).await?;
    let p = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    audit::record_apart(db, actor, Event::new(Action::Read, "person", id).person(id)).await?;
    Ok(p)
}

/// Result of an update attempt that the caller must show.
pub enum Updated {
    Saved(Person),
    Unchanged(Person),
}

/// Changes a person if `version` is still the stored one; otherwise a conflict, and
/// nothing is written.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: i64,
    d: &PersonData,
    ov: &Override,
) -> AppResult<Updated> {
    let mut tx = db.begin().await?;
    access::check(&mut tx, actor, PersonId(id)).await?;
    let current = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if current.version != version {
        return Err(AppError::Conflict {
            current_version: current.version,
        });
    }
    check_municipality(&mut tx, d).await?;
    let changes = current.data.diff(d);
    if changes.is_empty() {
        // Nothing to write, but the record goes back to the caller: that is a read.
        audit::record(
            &mut tx,
            actor,
            Event::new(Action::Read, "person", id).person(id),
        )
        .await?;
        tx.commit().await?;
        return Ok(Updated::Unchanged(current));
    }
    let reason = if current.data.identity_differs(d) {
        let warnings = identity_warnings(&mut tx, d, actor, Some(id)).await?;
        ov.resolve(warnings)?
    } else {
        None
    };
    let keep_reason = reason.clone().or(current.identity_override_reason.clone());
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE person SET given_name = $1, family_name = $2, birth_date = $3, sex = $4, emso = $5, \
         identity_override_reason = $6, citizenship = $7, address = $8, postal_code = $9, place = $10, \
         municipality_id = $11, phone = $12, email = $13, iban = $14, notes = $15, name_key = $16, \
         version = version + 1, updated_at = $17 WHERE id = $18 AND version = $19")
        .bind(&d.given_name).bind(&d.family_name).bind(d.birth_date).bind(d.sex.map(Sex::code))
        .bind(&d.emso).bind(&keep_reason).bind(&d.citizenship).bind(&d.address).bind(&d.postal_code)
        .bind(&d.place).bind(d.municipality_id).bind(&d.phone).bind(&d.email).bind(&d.iban).bind(&d.notes)
        .bind(name_key(d)).bind(actor.now).bind(id).bind(version)
        .execute(c).await?.rows_affected());
    if n != 1 {
        // Another writer got in between our read and write (PostgreSQL read committed).
        return Err(AppError::Conflict {
            current_version: version + 1,
        });
    }
    if current.data.given_name != d.given_name || current.data.family_name != d.family_name {
        replace_tokens(&mut tx, id, d).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "person", id)
            .person(id)
            .changes(&changes)
            .reason(reason.as_deref()),
    )
    .await?;
    let p = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Updated::Saved(p))
}

/// One entry of a person's history of changes.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub at: OffsetDateTime,
    pub username: String,
    pub action: String,
    pub changes: Vec<Change>,
    pub reason: Option<String>,
}

async fn history_rows(tx: &mut Tx, id: i64) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    let rows = audit::history(tx, "person", id).await?;
    Ok(rows
        .into_iter()
        .map(|r| HistoryEntry {
            at: r.at,
            username: r.username.unwrap_or_default(),
            action: r.action,
            changes: r
                .changes
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default(),
            reason: r.reason,
        })
        .collect())
}

pub async fn history(db: &Db, actor: &Actor, id: i64) -> AppResult<Vec<HistoryEntry>> {
    let mut tx = db.begin_read().await?;
    access::check(&mut tx, actor, PersonId(id)).await?;
    let out = history_rows(&mut tx, id).await?;
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::ReadHistory, "person", id).person(id),
    )
    .await?;
    Ok(out)
}

/// Everything the person page shows.
pub struct PersonView {
    pub person: Person,
    pub memberships: super::households::Memberships,
    pub history: Vec<HistoryEntry>,
    pub restriction: super::restricted::Restriction,
}

/// The person page's data, read in one read-only transaction, then one audit record:
/// the page is the busiest read in the registry, and one short write is its cost.
pub async fn view(db: &Db, actor: &Actor, id: i64) -> AppResult<PersonView> {
    let mut tx = db.begin_read().await?;
    access::check(&mut tx, actor, PersonId(id)).await?;
    let person = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let memberships = super::households::memberships(&mut tx, actor, id).await?;
    let history = history_rows(&mut tx, id).await?;
    let restriction = super::restricted::restriction_of(&mut tx, id).await?;
    tx.commit().await?;
    audit::record_apart(db, actor, Event::new(Action::Read, "person", id).person(id)).await?;
    Ok(PersonView {
        person,
        memberships,
        history,
        restriction,
    })
}

/// Municipalities for pick lists.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Municipality {
    pub id: i64,
    pub code: String,
    pub name: String,
}

pub async fn municipalities(db: &Db) -> Result<Vec<Municipality>, sqlx::Error> {
    skrb_kit::sql_pool!(db, p => sqlx::query_as::<_, Municipality>("SELECT id, code, name FROM municipality ORDER BY name")
        .fetch_all(p).await)
}

/// The municipalities a centre serves (all, for a reader of every centre), by name.
pub async fn municipalities_of(
    db: &Db,
    centre: Option<i64>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT id, name FROM municipality WHERE ($1 IS NULL OR centre_id = $1) ORDER BY name")
        .bind(centre).fetch_all(p).await)
}

/// Persons registered per centre, women and men among them: figures with no names, so
/// not audited, and open to the ministry. (centre name, persons, women, men)
pub async fn per_centre(db: &Db) -> Result<Vec<(String, i64, i64, i64)>, sqlx::Error> {
    skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT COALESCE(c.name, '-'), COUNT(p.id), \
                SUM(CASE WHEN p.sex = 'F' THEN 1 ELSE 0 END), SUM(CASE WHEN p.sex = 'M' THEN 1 ELSE 0 END) \
         FROM person p LEFT JOIN centre c ON c.id = p.centre_id GROUP BY c.name ORDER BY 1")
        .fetch_all(p).await)
}

/// Counts for the start page, within the reader's centre (no personal data, so not audited).
pub async fn counts(db: &Db, actor: &Actor) -> Result<(i64, i64), sqlx::Error> {
    let scope = access::centre_filter(actor);
    let persons_q = format!("SELECT COUNT(*) FROM person p WHERE 1 = 1{scope}");
    let households_q = format!(
        "SELECT COUNT(DISTINCT hm.household_id) FROM household_member hm JOIN person p ON p.id = hm.person_id \
         WHERE hm.valid_to IS NULL{scope}"
    );
    skrb_kit::sql_pool!(db, p => {
        let persons: i64 = sqlx::query_scalar(&persons_q).fetch_one(p).await?;
        let households: i64 = sqlx::query_scalar(&households_q).fetch_one(p).await?;
        Ok((persons, households))
    })
}
