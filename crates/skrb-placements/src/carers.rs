//! Foster carers: one register per country, each carer a person of the registry (a
//! second record of the same person is refused and named). A carer is enquired about,
//! assessed (the sections of the centre's report), approved with the ministry's permit
//! and its terms, trained, reviewed every year (a task for the worker), suspended and
//! ended, each step dated and audited. Vacancies follow from the placements by
//! themselves: nobody types them.

use skrb_domain::placements::{CarerStatus, CarerStep, PermitKind, Terms};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FosterCarer)]
pub struct Carer {
    pub id: i64,
    pub jurisdiction: String,
    pub centre_id: i64,
    pub centre: String,
    pub person_id: i64,
    pub name: String,
    pub place: Option<String>,
    pub municipality_id: Option<i64>,
    /// enquiry, assessment, approved, suspended, ended
    pub status: String,
    /// regular, professional, relative
    pub permit_kind: Option<String>,
    pub permit_number: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub permit_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub permit_until: Option<Date>,
    pub max_children: i64,
    pub age_from: Option<i64>,
    pub age_to: Option<i64>,
    pub needs: Option<String>,
    /// Takes a child with a disability.
    pub disability: bool,
    pub languages: Option<String>,
    pub household_cap: Option<i64>,
    pub own_children: i64,
    pub iban: Option<String>,
    pub motivation: Option<String>,
    pub home: Option<String>,
    pub family: Option<String>,
    pub capacity: Option<String>,
    pub recommendation: Option<String>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub assessed_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub review_on: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub ended_on: Option<Date>,
    pub end_reason: Option<String>,
    /// Children placed with the carer today.
    pub placed: i64,
    /// Of them, with a disability.
    pub placed_disabled: i64,
    pub version: i64,
    /// Free places now (from the placements; filled in by [`Carer::counted`]).
    #[sqlx(skip)]
    pub free: i64,
    /// The most children the family may have now.
    #[sqlx(skip)]
    pub most: i64,
}

impl Carer {
    /// The carer with its free places and limit worked out, as the API sends them.
    pub fn counted(mut self) -> Carer {
        self.free = self.vacancies();
        self.most = self.limit();
        self
    }

    pub fn state(&self) -> CarerStatus {
        CarerStatus::from_code(&self.status).unwrap_or(CarerStatus::Enquiry)
    }

    pub fn terms(&self) -> Terms {
        Terms {
            rs: self.jurisdiction == "RS",
            approved: self.max_children,
            household_cap: self.household_cap,
            own_children: self.own_children,
        }
    }

    /// How many children the family may have now.
    pub fn limit(&self) -> i64 {
        self.terms().limit(self.placed_disabled > 0)
    }

    /// Free places now (none unless approved).
    pub fn vacancies(&self) -> i64 {
        free_places(
            &self.status,
            self.terms(),
            self.placed,
            self.placed_disabled,
        )
    }

    /// A professional carer below the norm of two children (Slovenia).
    pub fn under_norm(&self) -> bool {
        self.jurisdiction == "SI"
            && self.permit_kind.as_deref() == Some(PermitKind::Professional.code())
            && self.state().takes_children()
            && self.placed < skrb_domain::placements::PROFESSIONAL_MIN
    }

    /// The steps the carer's page offers now.
    pub fn steps(&self) -> Vec<&'static str> {
        CarerStep::ALL
            .iter()
            .filter(|s| self.state().after(**s).is_ok())
            .map(|s| s.code())
            .collect()
    }

    /// Whether the step is possible now.
    pub fn allows(&self, step: &str) -> bool {
        self.steps().contains(&step)
    }

    /// The steps besides the assessment and the approval, which have forms of their own.
    pub fn other_steps(&self) -> Vec<&'static str> {
        self.steps()
            .into_iter()
            .filter(|s| *s != "assess" && *s != "approve")
            .collect()
    }

    pub fn ages(&self) -> String {
        match (self.age_from, self.age_to) {
            (None, None) => String::new(),
            (a, b) => format!(
                "{}–{}",
                a.map(|a| a.to_string()).unwrap_or_default(),
                b.map(|b| b.to_string()).unwrap_or_default()
            ),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FosterMember)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub relation: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub born: Option<Date>,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub vetted_on: Option<Date>,
    /// clear, concern
    pub vetting: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FosterTraining)]
pub struct Training {
    pub id: i64,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on_day: Date,
    pub hours: i64,
    pub topic: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FosterEvent)]
pub struct CarerEvent {
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on_day: Date,
    pub kind: String,
    pub note: Option<String>,
    pub by_name: Option<String>,
}

/// A carer's file: the carer, the household, training and the dated steps.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FosterCarerFile)]
pub struct CarerFile {
    pub carer: Carer,
    pub members: Vec<Member>,
    pub training: Vec<Training>,
    pub events: Vec<CarerEvent>,
    /// Hours of training in all.
    pub training_hours: i64,
}

/// Columns of a carer with its children placed on `$1`.
fn cols() -> String {
    format!("fc.id, fc.jurisdiction, fc.centre_id, c.name AS centre, fc.person_id, p.given_name || ' ' || p.family_name AS name, \
     p.place, COALESCE(fc.municipality_id, p.municipality_id) AS municipality_id, fc.status, fc.permit_kind, fc.permit_number, \
     fc.permit_on, fc.permit_until, fc.max_children, fc.age_from, fc.age_to, fc.needs, fc.disability, fc.languages, \
     fc.household_cap, fc.own_children, COALESCE(fc.iban, p.iban) AS iban, fc.motivation, fc.home, fc.family, fc.capacity, \
     fc.recommendation, fc.assessed_on, fc.review_on, fc.ended_on, fc.end_reason, fc.version, {PLACED}")
}
const FROM: &str =
    "foster_carer fc JOIN person p ON p.id = fc.person_id JOIN centre c ON c.id = fc.centre_id";

/// A carer with the children placed on `day`, whichever centre supervises it.
pub(crate) async fn read(tx: &mut Tx, id: i64, day: Date) -> AppResult<Option<Carer>> {
    let q = format!("SELECT {} FROM {FROM} WHERE fc.id = $2", cols());
    let c: Option<Carer> =
        sql!(tx, x => sqlx::query_as::<_, Carer>(&q).bind(day).bind(id).fetch_optional(x).await?);
    Ok(c.map(Carer::counted))
}

pub(crate) async fn load(tx: &mut Tx, actor: &Actor, id: i64, day: Date) -> AppResult<Carer> {
    let c = read(tx, id, day).await?.ok_or(AppError::NotFound)?;
    crate::own(actor, c.centre_id)?;
    Ok(c)
}

/// What the register is searched by when a child needs a family.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Search {
    /// The child's age.
    pub age: Option<i64>,
    /// A word of the needs the family can meet.
    pub needs: Option<String>,
    pub language: Option<String>,
    /// Only families that take a child with a disability.
    pub disability: Option<bool>,
    /// Only families with a free place.
    pub vacant: Option<bool>,
    /// The child's municipality: families there first, then the centre's, then the rest.
    pub municipality_id: Option<i64>,
    /// Include families in enquiry, assessment and ended (the centre's own work list).
    pub all: Option<bool>,
}

/// The register: the country's approved carers (to match a child with a family across
/// centres), or with `all` the actor's centre's carers in every state. Near first: the
/// child's municipality, then the child's centre, then the rest; then most vacancies.
pub async fn register(db: &Db, actor: &Actor, s: &Search) -> AppResult<Vec<Carer>> {
    Ok(register_page(db, actor, s, usize::MAX).await?.0)
}

/// What the register's search filters and orders by, read for every carer it may find
/// before the page's few are read whole: decoding every approved family of a country
/// (thirty columns each) cost a page of the register five times the query's own time.
#[derive(Debug, sqlx::FromRow)]
struct Choice {
    id: i64,
    jurisdiction: String,
    centre_id: i64,
    municipality_id: Option<i64>,
    status: String,
    max_children: i64,
    age_from: Option<i64>,
    age_to: Option<i64>,
    needs: Option<String>,
    disability: bool,
    languages: Option<String>,
    household_cap: Option<i64>,
    own_children: i64,
    placed: i64,
    placed_disabled: i64,
}

/// The children placed with a carer on `$1`, and of them with a disability.
const PLACED: &str = "(SELECT COUNT(*) FROM placement pl WHERE pl.carer_id = fc.id AND pl.start_on <= $1 AND (pl.end_on IS NULL OR pl.end_on >= $1)) AS placed, \
     (SELECT COUNT(*) FROM placement pl WHERE pl.carer_id = fc.id AND pl.disability AND pl.start_on <= $1 AND (pl.end_on IS NULL OR pl.end_on >= $1)) AS placed_disabled";

/// Free places for a carer in `status` under `terms` with the children placed.
fn free_places(status: &str, terms: Terms, placed: i64, placed_disabled: i64) -> i64 {
    let state = CarerStatus::from_code(status).unwrap_or(CarerStatus::Enquiry);
    if state.takes_children() {
        terms.vacancies(placed, placed_disabled > 0)
    } else {
        0
    }
}

/// The children placed with each carer on `$1` (and of them with a disability), counted
/// in one pass over the placements rather than twice per carer.
const PLACED_BY_CARER: &str = "LEFT JOIN (SELECT carer_id, COUNT(*) AS placed, \
     SUM(CASE WHEN disability THEN 1 ELSE 0 END) AS placed_disabled FROM placement \
     WHERE start_on <= $1 AND (end_on IS NULL OR end_on >= $1) GROUP BY carer_id) n ON n.carer_id = fc.id";

/// The register's nearest `shown` matches, read whole, and how many match in all.
/// A read: its transaction takes no write lock, and the record of it is durable before
/// the page is answered (`audit::record_apart`).
pub async fn register_page(
    db: &Db,
    actor: &Actor,
    s: &Search,
    shown: usize,
) -> AppResult<(Vec<Carer>, i64)> {
    let today = actor.today();
    let mut tx = db.begin_read().await?;
    let j = crate::jurisdiction_of(&mut tx, actor).await?;
    let centre = skrb_kit::scope::centre_of(actor);
    let all = s.all.unwrap_or(false);
    // A family with a free place has fewer children placed than it is approved for (the
    // law's limits only lower that number: `Terms::limit`), so the families asked for
    // with a free place are narrowed to those here, before their names are read and
    // sorted; which of them have a place is decided below, by the rule itself.
    let q = format!(
        "SELECT fc.id, fc.jurisdiction, fc.centre_id, COALESCE(fc.municipality_id, p.municipality_id) AS municipality_id, \
         fc.status, fc.max_children, fc.age_from, fc.age_to, fc.needs, fc.disability, fc.languages, fc.household_cap, \
         fc.own_children, COALESCE(n.placed, 0) AS placed, COALESCE(n.placed_disabled, 0) AS placed_disabled \
         FROM foster_carer fc {PLACED_BY_CARER} JOIN person p ON p.id = fc.person_id \
         WHERE ($2 IS NULL OR fc.jurisdiction = $2) AND \
         (($3 AND ($4 IS NULL OR fc.centre_id = $4)) OR (NOT $3 AND fc.status = 'approved')) \
         AND (NOT $5 OR COALESCE(n.placed, 0) < fc.max_children) \
         ORDER BY p.family_name, p.given_name, fc.id"
    );
    let vacant = s.vacant.unwrap_or(false);
    let mut rows: Vec<Choice> = sql!(&mut tx, x => sqlx::query_as::<_, Choice>(&q).bind(today).bind(&j).bind(all).bind(centre)
        .bind(vacant).fetch_all(x).await?);
    let needs = s
        .needs
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_lowercase);
    let lang = s
        .language
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_lowercase);
    let free = |c: &Choice| {
        let terms = Terms {
            rs: c.jurisdiction == "RS",
            approved: c.max_children,
            household_cap: c.household_cap,
            own_children: c.own_children,
        };
        free_places(&c.status, terms, c.placed, c.placed_disabled)
    };
    rows.retain(|c| {
        s.age
            .is_none_or(|a| c.age_from.is_none_or(|f| a >= f) && c.age_to.is_none_or(|t| a <= t))
            && needs.as_ref().is_none_or(|n| {
                c.needs
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(n.as_str())
            })
            && lang.as_ref().is_none_or(|n| {
                c.languages
                    .as_deref()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(n.as_str())
            })
            && (!s.disability.unwrap_or(false) || c.disability)
            && (!vacant || free(c) > 0)
    });
    let near = |c: &Choice| -> u8 {
        if s.municipality_id.is_some() && c.municipality_id == s.municipality_id {
            0
        } else if Some(c.centre_id) == centre {
            1
        } else {
            2
        }
    };
    rows.sort_by_key(|c| (near(c), -free(c)));
    let total = rows.len() as i64;
    rows.truncate(shown);
    let carers = whole(&mut tx, &rows, today).await?;
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::List, "foster_carer", 0).detail(serde_json::json!({
            "shown": carers.len(), "found": total, "age": s.age, "vacant": s.vacant, "all": all
        })),
    )
    .await?;
    Ok((carers, total))
}

/// The chosen carers read whole, in the order chosen.
async fn whole(tx: &mut Tx, chosen: &[Choice], day: Date) -> AppResult<Vec<Carer>> {
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are numbers the database gave; they go into the statement as they are.
    let ids = chosen
        .iter()
        .map(|c| c.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let q = format!("SELECT {} FROM {FROM} WHERE fc.id IN ({ids})", cols());
    let read: Vec<Carer> =
        sql!(tx, x => sqlx::query_as::<_, Carer>(&q).bind(day).fetch_all(x).await?);
    let mut by_id: std::collections::HashMap<i64, Carer> =
        read.into_iter().map(|c| (c.id, c.counted())).collect();
    Ok(chosen.iter().filter_map(|c| by_id.remove(&c.id)).collect())
}

/// A carer's file, audited as a read of the carer's person.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<CarerFile> {
    let mut tx = db.begin().await?;
    let carer = load(&mut tx, actor, id, actor.today()).await?;
    let members: Vec<Member> = sql!(&mut tx, x => sqlx::query_as::<_, Member>(
        "SELECT id, name, relation, born, vetted_on, vetting, note FROM foster_member WHERE carer_id = $1 ORDER BY id")
        .bind(id).fetch_all(x).await?);
    let training: Vec<Training> = sql!(&mut tx, x => sqlx::query_as::<_, Training>(
        "SELECT id, on_day, hours, topic FROM foster_training WHERE carer_id = $1 ORDER BY on_day DESC, id DESC")
        .bind(id).fetch_all(x).await?);
    let events: Vec<CarerEvent> = sql!(&mut tx, x => sqlx::query_as::<_, CarerEvent>(
        "SELECT e.on_day, e.kind, e.note, u.display_name AS by_name FROM foster_event e LEFT JOIN app_user u ON u.id = e.user_id \
         WHERE e.carer_id = $1 ORDER BY e.on_day DESC, e.id DESC")
        .bind(id).fetch_all(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "foster_carer", id).person(carer.person_id),
    )
    .await?;
    tx.commit().await?;
    let training_hours = training.iter().map(|t| t.hours).sum();
    Ok(CarerFile {
        carer,
        members,
        training,
        events,
        training_hours,
    })
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FosterCarerForm)]
pub struct CarerForm {
    /// The person of the registry who enquires.
    #[serde(deserialize_with = "lenient")]
    pub person_id: String,
    #[serde(deserialize_with = "lenient")]
    pub enquiry_on: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

/// Records an enquiry: the person becomes a carer in the register, once per country.
pub async fn create(db: &Db, actor: &Actor, f: &CarerForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let person = ck.id("person_id", &f.person_id, true);
    let on = ck
        .date("enquiry_on", &f.enquiry_on, false)
        .unwrap_or(actor.today());
    let note = ck.text("note", &f.note, false, 2000);
    ck.done()?;
    let Some(person) = person else {
        return Err(AppError::BadRequest("person_id".into()));
    };
    let mut tx = db.begin().await?;
    skrb_registry::access::check(&mut tx, actor, PersonId(person)).await?;
    let j = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    let existing: Option<(i64, String)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT fc.id, c.name FROM foster_carer fc JOIN centre c ON c.id = fc.centre_id WHERE fc.jurisdiction = $1 AND fc.person_id = $2")
        .bind(&j).bind(person).fetch_optional(x).await?);
    if let Some((_, by)) = existing {
        return Err(AppError::Validation(vec![skrb_kit::error::FieldError {
            field: "person_id",
            msg: Msg::new("placements-err-carer-exists").arg("centre", by),
        }]));
    }
    let muni: Option<i64> = sql!(&mut tx, x => sqlx::query_scalar("SELECT municipality_id FROM person WHERE id = $1")
        .bind(person).fetch_one(x).await?);
    let id: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO foster_carer (jurisdiction, centre_id, person_id, status, municipality_id, created_by, created_at) \
         VALUES ($1, $2, $3, 'enquiry', $4, $5, $6) RETURNING id")
        .bind(&j).bind(centre).bind(person).bind(muni).bind(actor.user_id).bind(actor.now).fetch_one(x).await?);
    event(&mut tx, actor, id, on, "enquiry", note.as_deref()).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "foster_carer", id).person(person),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn event(
    tx: &mut Tx,
    actor: &Actor,
    carer: i64,
    on: Date,
    kind: &str,
    note: Option<&str>,
) -> AppResult<()> {
    sql!(tx, x => sqlx::query(
        "INSERT INTO foster_event (carer_id, on_day, kind, note, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(carer).bind(on).bind(kind).bind(note).bind(actor.user_id).bind(actor.now).execute(x).await?.rows_affected());
    Ok(())
}

/// A step of a carer: the assessment with its sections, the permit with its terms, the
/// yearly review, a suspension, a resumption, the end. Fields a step does not use are
/// left empty.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FosterStepForm)]
pub struct StepForm {
    /// assess, approve, review, suspend, resume, end
    #[serde(deserialize_with = "lenient")]
    pub step: String,
    #[serde(deserialize_with = "lenient")]
    pub on: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    #[serde(deserialize_with = "lenient")]
    pub motivation: String,
    #[serde(deserialize_with = "lenient")]
    pub home: String,
    #[serde(deserialize_with = "lenient")]
    pub family: String,
    #[serde(deserialize_with = "lenient")]
    pub capacity: String,
    #[serde(deserialize_with = "lenient")]
    pub recommendation: String,
    /// regular, professional, relative
    #[serde(deserialize_with = "lenient")]
    pub permit_kind: String,
    #[serde(deserialize_with = "lenient")]
    pub permit_number: String,
    #[serde(deserialize_with = "lenient")]
    pub permit_until: String,
    #[serde(deserialize_with = "lenient")]
    pub max_children: String,
    #[serde(deserialize_with = "lenient")]
    pub age_from: String,
    #[serde(deserialize_with = "lenient")]
    pub age_to: String,
    #[serde(deserialize_with = "lenient")]
    pub needs: String,
    #[serde(deserialize_with = "lenient")]
    pub disability: String,
    #[serde(deserialize_with = "lenient")]
    pub languages: String,
    #[serde(deserialize_with = "lenient")]
    pub household_cap: String,
    #[serde(deserialize_with = "lenient")]
    pub own_children: String,
    #[serde(deserialize_with = "lenient")]
    pub iban: String,
    #[serde(deserialize_with = "lenient")]
    pub version: String,
}

/// The steps of [`StepForm`]: the state's own and the review, which keeps the state.
pub const STEPS: [&str; 6] = ["assess", "approve", "review", "suspend", "resume", "end"];

pub async fn step(db: &Db, actor: &Actor, id: i64, f: &StepForm) -> AppResult<()> {
    let today = actor.today();
    let mut ck = Check::new();
    let step = ck.choice("step", &f.step, &STEPS, true);
    let on = ck.date("on", &f.on, false).unwrap_or(today);
    let note = ck.text("note", &f.note, false, 4000);
    let mut tx = db.begin().await?;
    let c = load(&mut tx, actor, id, today).await?;
    skrb_kit::form::version_of(&f.version, c.version)?;
    let Some(step) = step else {
        ck.done()?;
        return Err(AppError::BadRequest("step".into()));
    };
    let next = match CarerStep::from_code(step) {
        Some(s) => Some(
            c.state()
                .after(s)
                .map_err(|_| AppError::Refused(Msg::new("placements-err-step")))?,
        ),
        // A review keeps an approved carer approved.
        None if c.state() == CarerStatus::Approved => None,
        None => return Err(AppError::Refused(Msg::new("placements-err-step"))),
    };
    match step {
        "assess" => {
            let s = |ck: &mut Check, n: &'static str, v: &str| ck.text(n, v, false, 8000);
            let motivation = s(&mut ck, "motivation", &f.motivation);
            let home = s(&mut ck, "home", &f.home);
            let family = s(&mut ck, "family", &f.family);
            let capacity = s(&mut ck, "capacity", &f.capacity);
            let recommendation = ck.text("recommendation", &f.recommendation, true, 8000);
            ck.done()?;
            sql!(&mut tx, x => sqlx::query(
                "UPDATE foster_carer SET status = 'assessment', motivation = $1, home = $2, family = $3, capacity = $4, \
                 recommendation = $5, assessed_on = $6, version = version + 1 WHERE id = $7")
                .bind(&motivation).bind(&home).bind(&family).bind(&capacity).bind(&recommendation).bind(on).bind(id)
                .execute(x).await?.rows_affected());
        }
        "approve" => {
            let kind = ck.choice("permit_kind", &f.permit_kind, &PermitKind::codes(), true);
            let number = ck.text("permit_number", &f.permit_number, true, 60);
            let until = ck.date("permit_until", &f.permit_until, false);
            ck.order("permit_until", Some(on), until);
            let max = ck.number("max_children", &f.max_children, true, 6);
            if max == Some(0) {
                ck.err("max_children", "err-number");
            }
            let age_from = ck.number("age_from", &f.age_from, false, 26);
            let age_to = ck.number("age_to", &f.age_to, false, 26);
            if let (Some(a), Some(b)) = (age_from, age_to) {
                if b < a {
                    ck.err("age_to", "placements-err-ages");
                }
            }
            let needs = ck.text("needs", &f.needs, false, 500);
            let languages = ck.text("languages", &f.languages, false, 200);
            let cap = ck.number("household_cap", &f.household_cap, false, 20);
            let own = ck
                .number("own_children", &f.own_children, false, 20)
                .unwrap_or(0);
            let iban = ck.text("iban", &f.iban, false, 40);
            if let Some(i) = &iban {
                if skrb_domain::iban::Iban::parse(i).is_err() {
                    ck.err("iban", "placements-err-iban");
                }
            }
            ck.done()?;
            let review = crate::add_months(on, 12);
            sql!(&mut tx, x => sqlx::query(
                "UPDATE foster_carer SET status = 'approved', permit_kind = $1, permit_number = $2, permit_on = $3, \
                 permit_until = $4, max_children = $5, age_from = $6, age_to = $7, needs = $8, disability = $9, languages = $10, \
                 household_cap = $11, own_children = $12, iban = COALESCE($13, iban), review_on = $14, version = version + 1 WHERE id = $15")
                .bind(kind).bind(&number).bind(on).bind(until).bind(max.unwrap_or(1)).bind(age_from).bind(age_to).bind(&needs)
                .bind(skrb_kit::form::truthy(&f.disability)).bind(&languages).bind(cap).bind(own).bind(&iban).bind(review).bind(id)
                .execute(x).await?.rows_affected());
            review_task(&mut tx, actor, &c, review).await?;
        }
        "review" => {
            ck.done()?;
            let review = crate::add_months(on, 12);
            sql!(&mut tx, x => sqlx::query("UPDATE foster_carer SET review_on = $1, version = version + 1 WHERE id = $2")
                .bind(review).bind(id).execute(x).await?.rows_affected());
            review_task(&mut tx, actor, &c, review).await?;
        }
        "end" => {
            if note.is_none() {
                ck.err("note", "err-required");
            }
            if c.placed > 0 {
                ck.err("step", "placements-err-carer-has-children");
            }
            ck.done()?;
            sql!(&mut tx, x => sqlx::query(
                "UPDATE foster_carer SET status = 'ended', ended_on = $1, end_reason = $2, version = version + 1 WHERE id = $3")
                .bind(on).bind(&note).bind(id).execute(x).await?.rows_affected());
        }
        _ => {
            if step == "suspend" && note.is_none() {
                ck.err("note", "err-required");
            }
            ck.done()?;
            if let Some(n) = next {
                sql!(&mut tx, x => sqlx::query("UPDATE foster_carer SET status = $1, version = version + 1 WHERE id = $2")
                    .bind(n.code()).bind(id).execute(x).await?.rows_affected());
            }
        }
    }
    event(&mut tx, actor, id, on, step, note.as_deref()).await?;
    let action = match step {
        "assess" => Action::Assess,
        "approve" => Action::Approve,
        "review" => Action::Review,
        "suspend" => Action::Suspend,
        "resume" => Action::Resume,
        _ => Action::End,
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(action, "foster_carer", id)
            .person(c.person_id)
            .detail(serde_json::json!({ "on": on.to_string() }))
            .reason(note.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The yearly review as a task for the worker who recorded the step.
async fn review_task(tx: &mut Tx, actor: &Actor, c: &Carer, due: Date) -> AppResult<()> {
    let Some(user) = actor.user_id else {
        return Ok(());
    };
    let l = skrb_rights::decisions::centre_locale(&c.jurisdiction);
    let title = skrb_kit::i18n::t_args(
        l,
        "placements-task-review",
        &[("name", c.name.clone().into())],
    );
    skrb_cases::files::add_task(
        tx,
        actor,
        Some(c.centre_id),
        None,
        &title,
        user,
        due,
        "statutory",
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FosterMemberForm)]
pub struct MemberForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub relation: String,
    #[serde(deserialize_with = "lenient")]
    pub born: String,
    #[serde(deserialize_with = "lenient")]
    pub vetted_on: String,
    /// clear, concern
    #[serde(deserialize_with = "lenient")]
    pub vetting: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

pub const CHECKS: [&str; 2] = ["clear", "concern"];

/// A member of the carer's household and the check made on them.
pub async fn add_member(db: &Db, actor: &Actor, id: i64, f: &MemberForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let relation = ck.text("relation", &f.relation, true, 100);
    let born = ck.date("born", &f.born, false);
    let checked = ck.date("vetted_on", &f.vetted_on, false);
    let result = ck.choice("vetting", &f.vetting, &CHECKS, false);
    if checked.is_some() != result.is_some() {
        ck.err("vetting", "placements-err-check");
    }
    let note = ck.text("note", &f.note, false, 2000);
    let mut tx = db.begin().await?;
    let c = load(&mut tx, actor, id, actor.today()).await?;
    ck.done()?;
    let mid: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO foster_member (carer_id, name, relation, born, vetted_on, vetting, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(id).bind(&name).bind(&relation).bind(born).bind(checked).bind(result).bind(&note).bind(actor.now)
        .fetch_one(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::AddMember, "foster_carer", id)
            .person(c.person_id)
            .detail(serde_json::json!({ "member": mid, "check": result })),
    )
    .await?;
    tx.commit().await?;
    Ok(mid)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FosterTrainingForm)]
pub struct TrainingForm {
    #[serde(deserialize_with = "lenient")]
    pub on_day: String,
    #[serde(deserialize_with = "lenient")]
    pub hours: String,
    #[serde(deserialize_with = "lenient")]
    pub topic: String,
}

pub async fn add_training(db: &Db, actor: &Actor, id: i64, f: &TrainingForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let on = ck.date("on_day", &f.on_day, true);
    let hours = ck.number("hours", &f.hours, true, 200);
    if hours == Some(0) {
        ck.err("hours", "err-number");
    }
    let topic = ck.text("topic", &f.topic, true, 300);
    let mut tx = db.begin().await?;
    let c = load(&mut tx, actor, id, actor.today()).await?;
    ck.done()?;
    let tid: i64 = sql!(&mut tx, x => sqlx::query_scalar(
        "INSERT INTO foster_training (carer_id, on_day, hours, topic, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(id).bind(on).bind(hours).bind(&topic).bind(actor.now).fetch_one(x).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "foster_training", tid).person(c.person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(tid)
}
