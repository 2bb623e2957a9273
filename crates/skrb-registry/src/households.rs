//! Households and their members. Membership has dates: a move ends one membership the
//! day before it starts the next, so "who lived with whom, when" stays answerable
//! (rights are decided on the household as it was).

use skrb_domain::person::Relationship;
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use time::{Date, Duration};

use super::access;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::form::lenient;
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Household {
    pub id: i64,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub place: Option<String>,
    pub municipality_id: Option<i64>,
    pub municipality_name: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = HouseholdMember)]
pub struct Member {
    pub id: i64,
    pub household_id: i64,
    pub person_id: i64,
    pub given_name: String,
    pub family_name: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub birth_date: Option<Date>,
    pub relationship: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub valid_from: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    pub valid_to: Option<Date>,
}

impl Member {
    pub fn is_current(&self, today: Date) -> bool {
        self.valid_from <= today && self.valid_to.is_none_or(|t| t >= today)
    }
}

/// What the API and forms submit to create a household around its head.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HouseholdForm {
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    #[serde(deserialize_with = "lenient")]
    pub postal_code: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub municipality_id: String,
    /// The person who heads the household.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub head_person_id: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
}

/// A person joining a household. A person living elsewhere moves: the old membership
/// ends the day before.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct JoinForm {
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = i64)]
    pub person_id: String,
    /// Taken from the path where the household is in the address.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub household_id: String,
    /// head, spouse, partner, child, parent, sibling, grandchild, grandparent,
    /// other_relative, non_relative
    #[serde(deserialize_with = "lenient")]
    pub relationship: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub valid_from: String,
}

/// A membership ending without a move (death, leaving the country, unknown address).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EndForm {
    /// The last day of the membership, `YYYY-MM-DD`; today when empty.
    #[serde(deserialize_with = "lenient")]
    pub valid_to: String,
}

const MEMBER_SELECT: &str = "SELECT hm.id, hm.household_id, hm.person_id, p.given_name, p.family_name, p.birth_date, \
    hm.relationship, hm.valid_from, hm.valid_to FROM household_member hm JOIN person p ON p.id = hm.person_id";

fn field_err(field: &'static str, key: &'static str) -> AppError {
    AppError::Validation(vec![FieldError {
        field,
        msg: Msg::new(key),
    }])
}

fn parse_id(field: &'static str, v: &str, key: &'static str) -> AppResult<i64> {
    v.trim().parse::<i64>().map_err(|_| field_err(field, key))
}

fn parse_day(field: &'static str, v: &str, today: Date) -> AppResult<Date> {
    if v.trim().is_empty() {
        return Ok(today);
    }
    skrb_kit::dates::parse_date(v).ok_or_else(|| field_err(field, "err-date"))
}

async fn load(tx: &mut Tx, id: i64) -> Result<Option<Household>, sqlx::Error> {
    sql!(tx, c => sqlx::query_as::<_, Household>(
        "SELECT h.id, h.address, h.postal_code, h.place, h.municipality_id, m.name AS municipality_name, h.version \
         FROM household h LEFT JOIN municipality m ON m.id = h.municipality_id WHERE h.id = $1")
        .bind(id).fetch_optional(c).await)
}

async fn person_exists(tx: &mut Tx, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sql!(tx, c => sqlx::query_scalar("SELECT id FROM person WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    Ok(found.is_some())
}

/// Adds `person` to `household` from `from`, ending any membership that is open then.
async fn join(
    tx: &mut Tx,
    actor: &Actor,
    household: i64,
    person: i64,
    rel: Relationship,
    from: Date,
) -> AppResult<i64> {
    let open: Vec<(i64, i64, Date)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, household_id, valid_from FROM household_member WHERE person_id = $1 AND valid_to IS NULL")
        .bind(person).fetch_all(c).await?);
    for (member_id, hh, valid_from) in &open {
        if *hh == household {
            return Err(field_err("person_id", "registry-err-already-member"));
        }
        if *valid_from >= from {
            return Err(field_err("valid_from", "err-date-order"));
        }
        let to = from - Duration::days(1);
        sql!(tx, c => sqlx::query("UPDATE household_member SET valid_to = $1 WHERE id = $2")
            .bind(to).bind(member_id).execute(c).await?.rows_affected());
        audit::record(
            tx,
            actor,
            Event::new(Action::Leave, "household", *hh)
                .person(person)
                .detail(serde_json::json!({ "member_id": member_id, "valid_to": skrb_kit::dates::iso_date(to) })),
        )
        .await?;
    }
    if rel == Relationship::Head {
        let heads: i64 = sql!(tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM household_member WHERE household_id = $1 AND relationship = 'head' AND valid_to IS NULL")
            .bind(household).fetch_one(c).await?);
        if heads > 0 {
            return Err(field_err("relationship", "registry-err-head-exists"));
        }
    }
    let id: i64 = sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO household_member (household_id, person_id, relationship, valid_from, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(household).bind(person).bind(rel.code()).bind(from).bind(actor.now)
        .fetch_one(c).await?);
    sql!(tx, c => sqlx::query("UPDATE household SET version = version + 1 WHERE id = $1")
        .bind(household).execute(c).await?.rows_affected());
    audit::record(
        tx,
        actor,
        Event::new(Action::Join, "household", household).person(person).detail(serde_json::json!({
            "member_id": id, "relationship": rel.code(), "valid_from": skrb_kit::dates::iso_date(from)
        })),
    )
    .await?;
    Ok(id)
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.chars().take(200).collect())
}

/// Creates a household with its head (who leaves any household they were in).
pub async fn create(db: &Db, actor: &Actor, f: &HouseholdForm, today: Date) -> AppResult<i64> {
    let head = parse_id("head_person_id", &f.head_person_id, "registry-err-person")?;
    let from = parse_day("valid_from", &f.valid_from, today)?;
    let municipality = match optional(&f.municipality_id) {
        None => None,
        Some(m) => Some(
            m.parse::<i64>()
                .map_err(|_| field_err("municipality_id", "registry-err-municipality"))?,
        ),
    };
    let mut tx = db.begin().await?;
    if !person_exists(&mut tx, head).await? {
        return Err(field_err("head_person_id", "registry-err-person"));
    }
    access::check(&mut tx, actor, PersonId(head)).await?;
    if let Some(m) = municipality {
        let ok: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM municipality WHERE id = $1")
            .bind(m).fetch_optional(c).await?);
        if ok.is_none() {
            return Err(field_err("municipality_id", "registry-err-municipality"));
        }
    }
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO household (address, postal_code, place, municipality_id, version, created_at) \
         VALUES ($1, $2, $3, $4, 1, $5) RETURNING id")
        .bind(optional(&f.address)).bind(optional(&f.postal_code)).bind(optional(&f.place))
        .bind(municipality).bind(actor.now).fetch_one(c).await?);
    audit::record(&mut tx, actor, Event::new(Action::Create, "household", id)).await?;
    join(&mut tx, actor, id, head, Relationship::Head, from).await?;
    tx.commit().await?;
    Ok(id)
}

/// A person joins a household from a date (a move if they lived elsewhere).
pub async fn add_member(db: &Db, actor: &Actor, f: &JoinForm, today: Date) -> AppResult<i64> {
    let person = parse_id("person_id", &f.person_id, "registry-err-person")?;
    let household = parse_id("household_id", &f.household_id, "registry-err-household")?;
    let rel = Relationship::from_code(f.relationship.trim())
        .ok_or_else(|| field_err("relationship", "registry-err-relationship"))?;
    let from = parse_day("valid_from", &f.valid_from, today)?;
    let mut tx = db.begin().await?;
    if load(&mut tx, household).await?.is_none() {
        return Err(field_err("household_id", "registry-err-household"));
    }
    if !person_exists(&mut tx, person).await? {
        return Err(field_err("person_id", "registry-err-person"));
    }
    access::check(&mut tx, actor, PersonId(person)).await?;
    let id = join(&mut tx, actor, household, person, rel, from).await?;
    tx.commit().await?;
    Ok(id)
}

/// A household with all its members, past and present; the read is audited.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<(Household, Vec<Member>)> {
    let mut tx = db.begin_read().await?;
    let h = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let q = format!("{MEMBER_SELECT} WHERE hm.household_id = $1 ORDER BY hm.valid_to IS NOT NULL, hm.valid_from, hm.id");
    let all: Vec<Member> = sql!(&mut tx, c => sqlx::query_as(&q).bind(id).fetch_all(c).await?);
    // Members outside the reader's reach (another centre, a restricted file) are left out.
    let had_members = !all.is_empty();
    let mut members = Vec::with_capacity(all.len());
    for m in all {
        if access::visible(&mut tx, actor, PersonId(m.person_id)).await? {
            members.push(m);
        }
    }
    // A household of nobody the reader may see would still give away an address (another
    // centre's family, or where a restricted person lives).
    if had_members && members.is_empty() {
        return Err(AppError::Refused(skrb_kit::error::Msg::new("out-of-scope")));
    }
    tx.commit().await?;
    audit::record_apart(db, actor, Event::new(Action::Read, "household", id)).await?;
    Ok((h, members))
}

/// A person's memberships, newest first, each current one with its other members.
pub type Memberships = Vec<(Member, Vec<Member>)>;

pub(crate) async fn memberships(
    tx: &mut Tx,
    actor: &Actor,
    person: i64,
) -> Result<Memberships, sqlx::Error> {
    let q =
        format!("{MEMBER_SELECT} WHERE hm.person_id = $1 ORDER BY hm.valid_from DESC, hm.id DESC");
    let own: Vec<Member> = sql!(tx, c => sqlx::query_as(&q).bind(person).fetch_all(c).await?);
    let q = format!(
        "{MEMBER_SELECT} WHERE hm.household_id = $1 AND hm.valid_to IS NULL AND hm.person_id <> $2 \
         ORDER BY hm.valid_from, hm.id"
    );
    let mut out = Vec::with_capacity(own.len());
    for m in own {
        let all: Vec<Member> = if m.valid_to.is_none() {
            sql!(tx, c => sqlx::query_as(&q).bind(m.household_id).bind(person).fetch_all(c).await?)
        } else {
            Vec::new()
        };
        let mut others = Vec::with_capacity(all.len());
        for o in all {
            if access::visible(tx, actor, PersonId(o.person_id)).await? {
                others.push(o);
            }
        }
        out.push((m, others));
    }
    Ok(out)
}

/// A person's memberships; the read is audited.
pub async fn of_person(db: &Db, actor: &Actor, person: i64) -> AppResult<Memberships> {
    let mut tx = db.begin_read().await?;
    access::check(&mut tx, actor, PersonId(person)).await?;
    let out = memberships(&mut tx, actor, person).await?;
    tx.commit().await?;
    audit::record_apart(
        db,
        actor,
        Event::new(Action::ReadHouseholds, "person", person).person(person),
    )
    .await?;
    Ok(out)
}

/// Ends a current membership on `valid_to` (the last day), without a new one.
pub async fn end_member(
    db: &Db,
    actor: &Actor,
    household: i64,
    member: i64,
    f: &EndForm,
    today: Date,
) -> AppResult<()> {
    let to = parse_day("valid_to", &f.valid_to, today)?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, Date, Option<Date>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT person_id, valid_from, valid_to FROM household_member WHERE id = $1 AND household_id = $2")
        .bind(member).bind(household).fetch_optional(c).await?);
    let Some((person, from, open)) = row else {
        return Err(AppError::NotFound);
    };
    access::check(&mut tx, actor, PersonId(person)).await?;
    if open.is_some() {
        return Err(field_err("valid_to", "registry-err-member-ended"));
    }
    if to < from {
        return Err(field_err("valid_to", "err-date-order"));
    }
    sql!(&mut tx, c => sqlx::query("UPDATE household_member SET valid_to = $1 WHERE id = $2")
        .bind(to).bind(member).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("UPDATE household SET version = version + 1 WHERE id = $1")
        .bind(household).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Leave, "household", household)
            .person(person)
            .detail(
                serde_json::json!({ "member_id": member, "valid_to": skrb_kit::dates::iso_date(to) }),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
