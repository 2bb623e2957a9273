//! A programme: what it is, its period, what a recipient gets and how much, the rule its
//! list is evaluated from, its budget by funding source, and the partners taking part
//! with what each does. The budget used is never typed: it is what was handed over,
//! redeemed or paid, read from those records at every look.

use skrb_domain::programmes::{Benefit, Kind, ListStatus, Per, Recipient, Role};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::{lenient, Check};
use skrb_kit::sql;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Programme {
    pub id: i64,
    pub centre_id: i64,
    pub name: String,
    /// food, heating, school, camp, project, other
    pub kind: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub period_from: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    #[schema(value_type = String, format = Date)]
    pub period_to: Date,
    /// item, voucher, cash, place
    pub benefit: String,
    /// household, person
    pub recipient: String,
    /// The item handed over (a food parcel, firewood, a set of school supplies).
    pub item: Option<String>,
    pub unit: Option<String>,
    /// recipient, member, child: what `base` is counted by.
    pub per: String,
    pub base: i64,
    pub cap: Option<i64>,
    /// What one unit is worth (the voucher's or the cash's value, an item's price), in
    /// minor units.
    pub unit_value: i64,
    pub currency: String,
    pub payer_account_id: Option<i64>,
    pub whole_country: bool,
    pub rule_municipality_id: Option<i64>,
    /// Rights whose recipients qualify (codes, comma-separated).
    pub rule_rights: Option<String>,
    pub rule_child_from: Option<i64>,
    pub rule_child_to: Option<i64>,
    pub rule_age_from: Option<i64>,
    /// none, draft, approved
    pub list_status: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::option::serialize")]
    #[schema(value_type = Option<String>, format = Date)]
    pub list_on: Option<Date>,
    pub evaluated_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub version: i64,
}

const COLS: &str = "id, centre_id, name, kind, period_from, period_to, benefit, recipient, item, unit, per, base, cap, unit_value, \
    currency, payer_account_id, whole_country, rule_municipality_id, rule_rights, rule_child_from, rule_child_to, rule_age_from, \
    list_status, list_on, evaluated_by, approved_by, version";

impl Programme {
    pub fn status(&self) -> ListStatus {
        ListStatus::from_code(&self.list_status).unwrap_or(ListStatus::None)
    }
    pub fn benefit(&self) -> Benefit {
        Benefit::from_code(&self.benefit).unwrap_or(Benefit::Item)
    }
    pub fn per(&self) -> Per {
        Per::from_code(&self.per).unwrap_or(Per::Recipient)
    }
    pub fn by_household(&self) -> bool {
        self.recipient == Recipient::Household.code()
    }
    pub fn approved(&self) -> bool {
        self.status() == ListStatus::Approved
    }
    pub fn is_voucher(&self) -> bool {
        self.benefit() == Benefit::Voucher
    }
    pub fn is_cash(&self) -> bool {
        self.benefit() == Benefit::Cash
    }
    /// The rights of the rule, as codes.
    pub fn rights(&self) -> Vec<String> {
        self.rule_rights
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Where the money stands: the budget by source and in all, what the list would use
/// (or, approved, is committed to), and what was handed over, redeemed or paid.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeBudget)]
pub struct Budget {
    pub sources: Vec<Source>,
    pub available: i64,
    /// The value of the list (recipients not removed).
    pub committed: i64,
    /// Handed over (items, places), redeemed (vouchers) or paid (cash).
    pub used: i64,
    pub recipients: i64,
    pub persons: i64,
    pub quantity: i64,
    /// Recipients who have had something.
    pub reached: i64,
}

impl Budget {
    /// The budget the list goes over (shown as a warning before approval).
    pub fn over(&self) -> i64 {
        (self.committed - self.available).max(0)
    }
    pub fn left(&self) -> i64 {
        self.available - self.used
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeFunding)]
pub struct Source {
    pub id: i64,
    pub source: String,
    pub amount: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammePartner)]
pub struct Partner {
    pub id: i64,
    pub partner_id: i64,
    pub name: String,
    /// delivers, stores, hosts, funds, other
    pub role: String,
    pub note: Option<String>,
}

/// A programme with everything its page shows but the list itself.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ProgrammeFile {
    pub programme: Programme,
    pub budget: Budget,
    pub partners: Vec<Partner>,
    pub payer_account: Option<String>,
    pub municipality: Option<String>,
    pub evaluated_by: Option<String>,
    pub approved_by: Option<String>,
}

/// Loads a programme of the actor's centre.
pub async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Programme> {
    let q = format!("SELECT {COLS} FROM programme WHERE id = $1");
    let p: Option<Programme> =
        sql!(tx, c => sqlx::query_as::<_, Programme>(&q).bind(id).fetch_optional(c).await?);
    let p = p.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, p.centre_id)?;
    Ok(p)
}

/// A summary row of the programmes list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ProgrammeRow)]
pub struct Row {
    pub programme: Programme,
    pub budget: Budget,
}

/// The centre's programmes whose period touches the year, newest first.
pub async fn list(db: &Db, actor: &Actor, year: i32) -> AppResult<Vec<Row>> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let (from, to) = crate::year_of(year).ok_or(AppError::NotFound)?;
    let mut tx = db.begin_read().await?;
    let q = format!(
        "SELECT {COLS} FROM programme WHERE centre_id = $1 AND period_from <= $2 AND period_to >= $3 ORDER BY period_from DESC, id DESC"
    );
    let ps: Vec<Programme> = sql!(&mut tx, c => sqlx::query_as::<_, Programme>(&q).bind(centre).bind(to).bind(from).fetch_all(c).await?);
    let mut out = Vec::with_capacity(ps.len());
    for p in ps {
        let budget = budget(&mut tx, &p).await?;
        out.push(Row {
            programme: p,
            budget,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// The budget, the list's value and what was used, summed by the database.
pub async fn budget(tx: &mut Tx, p: &Programme) -> AppResult<Budget> {
    let sources: Vec<Source> = sql!(tx, c => sqlx::query_as::<_, Source>(
        "SELECT id, source, amount FROM programme_funding WHERE programme_id = $1 ORDER BY id")
        .bind(p.id).fetch_all(c).await?);
    let (recipients, persons, quantity, committed): (i64, i64, i64, i64) = sql!(tx, c => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(members), 0) AS BIGINT), CAST(COALESCE(SUM(quantity), 0) AS BIGINT), \
         CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM programme_entry WHERE programme_id = $1 AND removed = FALSE")
        .bind(p.id).fetch_one(c).await?);
    let (handed, reached): (i64, i64) = sql!(tx, c => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT), COUNT(DISTINCT entry_id) FROM distribution WHERE programme_id = $1")
        .bind(p.id).fetch_one(c).await?);
    let (paid, paid_to): (i64, i64) = if p.is_cash() {
        sql!(tx, c => sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT), COUNT(DISTINCT l.entitlement_id) FROM programme_entry pe \
             JOIN payment_line l ON l.entitlement_id = pe.entitlement_id JOIN payment_run r ON r.id = l.run_id \
             WHERE pe.programme_id = $1 AND r.status IN ('exported', 'settled', 'partly_returned') AND l.status IN ('open', 'settled')")
            .bind(p.id).fetch_one(c).await?)
    } else {
        (0, 0)
    };
    Ok(Budget {
        available: sources.iter().map(|s| s.amount).sum(),
        sources,
        committed,
        used: handed + paid,
        recipients,
        persons,
        quantity,
        reached: reached + paid_to,
    })
}

/// A programme's page: the programme, its budget and partners, with names.
pub async fn file(db: &Db, actor: &Actor, id: i64) -> AppResult<ProgrammeFile> {
    let mut tx = db.begin_read().await?;
    let p = guard(&mut tx, actor, id).await?;
    let budget = budget(&mut tx, &p).await?;
    let partners = partners_of(&mut tx, id).await?;
    let payer_account: Option<String> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT name || ' (' || iban || ')' FROM payer_account WHERE id = $1").bind(p.payer_account_id).fetch_optional(c).await?);
    let municipality: Option<String> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT name FROM municipality WHERE id = $1").bind(p.rule_municipality_id).fetch_optional(c).await?);
    let evaluated_by = user(&mut tx, p.evaluated_by).await?;
    let approved_by = user(&mut tx, p.approved_by).await?;
    tx.commit().await?;
    Ok(ProgrammeFile {
        programme: p,
        budget,
        partners,
        payer_account,
        municipality,
        evaluated_by,
        approved_by,
    })
}

pub(crate) async fn user(tx: &mut Tx, id: Option<i64>) -> AppResult<Option<String>> {
    Ok(
        sql!(tx, c => sqlx::query_scalar("SELECT display_name FROM app_user WHERE id = $1")
        .bind(id).fetch_optional(c).await?),
    )
}

pub(crate) async fn partners_of(tx: &mut Tx, id: i64) -> AppResult<Vec<Partner>> {
    Ok(sql!(tx, c => sqlx::query_as::<_, Partner>(
        "SELECT pp.id, pp.partner_id, p.name, pp.role, pp.note FROM programme_partner pp JOIN partner p ON p.id = pp.partner_id \
         WHERE pp.programme_id = $1 ORDER BY p.name, pp.role")
        .bind(id).fetch_all(c).await?))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeForm)]
pub struct ProgrammeForm {
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// food, heating, school, camp, project, other
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// `YYYY-MM-DD`
    #[serde(deserialize_with = "lenient")]
    pub period_from: String,
    #[serde(deserialize_with = "lenient")]
    pub period_to: String,
    /// item, voucher, cash, place
    #[serde(deserialize_with = "lenient")]
    pub benefit: String,
    /// household, person
    #[serde(deserialize_with = "lenient")]
    pub recipient: String,
    #[serde(deserialize_with = "lenient")]
    pub item: String,
    #[serde(deserialize_with = "lenient")]
    pub unit: String,
    /// recipient, member, child
    #[serde(deserialize_with = "lenient")]
    pub per: String,
    /// How many units per recipient, member or child (1 when empty).
    #[serde(deserialize_with = "lenient")]
    pub base: String,
    /// At most this many units to a recipient.
    #[serde(deserialize_with = "lenient")]
    pub cap: String,
    /// What a unit is worth (`25,00`).
    #[serde(deserialize_with = "lenient")]
    pub unit_value: String,
    /// The centre's payer account cash is paid from (cash only).
    #[serde(deserialize_with = "lenient")]
    pub payer_account_id: String,
    /// `on`: the rule runs over the whole country, not only the centre's area.
    #[serde(deserialize_with = "lenient")]
    pub whole_country: String,
    #[serde(deserialize_with = "lenient")]
    pub rule_municipality_id: String,
    /// Codes of rights whose recipients qualify: a list, or comma-separated
    /// (`rs_cash,rs_disability`).
    #[serde(deserialize_with = "skrb_kit::form::lenient_list")]
    pub rule_rights: String,
    /// A child of the household of these ages (e.g. 6 to 15 for school supplies).
    #[serde(deserialize_with = "lenient")]
    pub rule_child_from: String,
    #[serde(deserialize_with = "lenient")]
    pub rule_child_to: String,
    /// A person of at least this age (e.g. 65).
    #[serde(deserialize_with = "lenient")]
    pub rule_age_from: String,
    /// A first source of funding and its amount (more are added on the programme's page).
    #[serde(deserialize_with = "lenient")]
    pub source: String,
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
}

/// Creates a programme of the actor's centre.
pub async fn create(db: &Db, actor: &Actor, f: &ProgrammeForm) -> AppResult<i64> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, true, 200);
    let kind = ck.choice("kind", &f.kind, &Kind::codes(), true);
    let from = ck.date("period_from", &f.period_from, true);
    let to = ck.date("period_to", &f.period_to, true);
    ck.order("period_to", from, to);
    let benefit = ck.choice("benefit", &f.benefit, &Benefit::codes(), true);
    let recipient = ck
        .choice("recipient", &f.recipient, &Recipient::codes(), false)
        .unwrap_or("household");
    let item = ck.text("item", &f.item, benefit == Some("item"), 200);
    let unit = ck.text("unit", &f.unit, false, 40);
    let per = ck
        .choice("per", &f.per, &Per::codes(), false)
        .unwrap_or("recipient");
    let base = ck.number("base", &f.base, false, 10_000).unwrap_or(1);
    if base < 1 {
        ck.err("base", "err-number");
    }
    let cap = ck.number("cap", &f.cap, false, 10_000);
    if cap == Some(0) {
        ck.err("cap", "err-number");
    }
    let unit_value = ck.money(
        "unit_value",
        &f.unit_value,
        matches!(benefit, Some("voucher" | "cash")),
    );
    if matches!(benefit, Some("voucher" | "cash")) && unit_value == Some(0) {
        ck.err("unit_value", "err-amount");
    }
    let account = ck.id(
        "payer_account_id",
        &f.payer_account_id,
        benefit == Some("cash"),
    );
    let municipality = ck.id("rule_municipality_id", &f.rule_municipality_id, false);
    let rights = ck.text("rule_rights", &f.rule_rights, false, 500);
    let child_from = ck.number("rule_child_from", &f.rule_child_from, false, 26);
    let child_to = ck.number("rule_child_to", &f.rule_child_to, false, 26);
    if let (Some(a), Some(b)) = (child_from, child_to) {
        if b < a {
            ck.err("rule_child_to", "programmes-err-ages");
        }
    }
    if per == "child" && child_from.is_none() && child_to.is_none() {
        ck.err("rule_child_to", "programmes-err-child-ages");
    }
    let age_from = ck.number("rule_age_from", &f.rule_age_from, false, 120);
    let source = ck.text("source", &f.source, false, 200);
    let amount = ck.money("amount", &f.amount, source.is_some());
    let whole = matches!(f.whole_country.trim(), "on" | "true" | "1");
    let mut tx = db.begin().await?;
    let (j, currency): (String, String) = sql!(&mut tx, c => sqlx::query_as("SELECT jurisdiction, currency FROM centre WHERE id = $1")
        .bind(centre).fetch_one(c).await?);
    if let Some(a) = account {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM payer_account WHERE id = $1 AND centre_id = $2")
            .bind(a).bind(centre).fetch_one(c).await?);
        if ok == 0 {
            ck.err("payer_account_id", "err-choice");
        }
    }
    if let Some(m) = municipality {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM municipality m JOIN centre ce ON ce.id = m.centre_id WHERE m.id = $1 AND ce.jurisdiction = $2")
            .bind(m).bind(&j).fetch_one(c).await?);
        if ok == 0 {
            ck.err("rule_municipality_id", "err-choice");
        }
    }
    let rights = match rights {
        Some(r) => {
            let codes: Vec<String> = r
                .split([',', ' '])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            for code in &codes {
                let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM right_type WHERE code = $1 AND jurisdiction = $2")
                    .bind(code).bind(&j).fetch_one(c).await?);
                if ok == 0 {
                    ck.err_msg(
                        "rule_rights",
                        Msg::new("programmes-err-right").arg("code", code.clone()),
                    );
                }
            }
            Some(codes.join(","))
        }
        None => None,
    };
    ck.done()?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO programme (centre_id, name, kind, period_from, period_to, benefit, recipient, item, unit, per, base, cap, unit_value, \
         currency, payer_account_id, whole_country, rule_municipality_id, rule_rights, rule_child_from, rule_child_to, rule_age_from, \
         list_status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, 'none', $22, $23) RETURNING id")
        .bind(centre).bind(&name).bind(kind).bind(from).bind(to).bind(benefit).bind(recipient).bind(&item).bind(&unit)
        .bind(per).bind(base).bind(cap).bind(unit_value.unwrap_or(0)).bind(&currency).bind(account).bind(whole)
        .bind(municipality).bind(&rights).bind(child_from).bind(child_to).bind(age_from).bind(actor.user_id).bind(actor.now)
        .fetch_one(c).await?);
    if let (Some(s), Some(a)) = (&source, amount) {
        insert_funding(&mut tx, id, s, a, actor).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "programme", id)
            .detail(serde_json::json!({ "name": name, "kind": kind, "benefit": benefit })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_funding(
    tx: &mut Tx,
    id: i64,
    source: &str,
    amount: i64,
    actor: &Actor,
) -> AppResult<()> {
    sql!(tx, c => sqlx::query("INSERT INTO programme_funding (programme_id, source, amount, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(source).bind(amount).bind(actor.now).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammeFundingForm)]
pub struct FundingForm {
    /// Who gives it (the city, the entity's ministry, a donor).
    #[serde(deserialize_with = "lenient")]
    pub source: String,
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
}

/// Adds a source of funding to the budget.
pub async fn add_funding(db: &Db, actor: &Actor, id: i64, f: &FundingForm) -> AppResult<()> {
    let mut ck = Check::new();
    let source = ck.text("source", &f.source, true, 200);
    let amount = ck.money("amount", &f.amount, true);
    ck.done()?;
    let mut tx = db.begin().await?;
    guard(&mut tx, actor, id).await?;
    let (Some(s), Some(a)) = (source, amount) else {
        return Err(AppError::Validation(Vec::new()));
    };
    insert_funding(&mut tx, id, &s, a, actor).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "programme", id)
            .detail(serde_json::json!({ "funding": s, "amount": a })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ProgrammePartnerForm)]
pub struct PartnerForm {
    /// A partner of the directory.
    #[serde(deserialize_with = "lenient")]
    pub partner_id: String,
    /// delivers, stores, hosts, funds, other
    #[serde(deserialize_with = "lenient")]
    pub role: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
}

/// A partner organisation takes part in the programme, doing one thing.
pub async fn add_partner(db: &Db, actor: &Actor, id: i64, f: &PartnerForm) -> AppResult<()> {
    let mut ck = Check::new();
    let partner = ck.id("partner_id", &f.partner_id, true);
    let role = ck.choice("role", &f.role, &Role::codes(), true);
    let note = ck.text("note", &f.note, false, 300);
    let mut tx = db.begin().await?;
    let p = guard(&mut tx, actor, id).await?;
    if let Some(pid) = partner {
        let ok: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM partner WHERE id = $1 AND active AND (centre_id = $2 OR centre_id IS NULL)")
            .bind(pid).bind(p.centre_id).fetch_one(c).await?);
        if ok == 0 {
            ck.err("partner_id", "err-choice");
        }
        let dup: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM programme_partner WHERE programme_id = $1 AND partner_id = $2 AND role = $3")
            .bind(id).bind(pid).bind(role).fetch_one(c).await?);
        if dup > 0 {
            ck.err("partner_id", "programmes-err-partner-twice");
        }
    }
    ck.done()?;
    sql!(&mut tx, c => sqlx::query("INSERT INTO programme_partner (programme_id, partner_id, role, note) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(partner).bind(role).bind(&note).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Update, "programme", id)
            .detail(serde_json::json!({ "partner": partner, "role": role })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The centre's payer accounts (for the cash part) and partners (to take part), with
/// municipalities of the jurisdiction (for the rule): what the forms choose from.
pub struct Choices {
    /// The centre's jurisdiction (`SI`, `RS`): its rights make the rule.
    pub jurisdiction: String,
    pub accounts: Vec<(i64, String)>,
    pub partners: Vec<(i64, String)>,
    pub municipalities: Vec<(i64, String)>,
}

pub async fn choices(db: &Db, actor: &Actor) -> AppResult<Choices> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let mut tx = db.begin_read().await?;
    let accounts = sql!(&mut tx, c => sqlx::query_as("SELECT id, name FROM payer_account WHERE centre_id = $1 ORDER BY name")
        .bind(centre).fetch_all(c).await?);
    let partners = sql!(&mut tx, c => sqlx::query_as(
        "SELECT id, name FROM partner WHERE active AND (centre_id = $1 OR centre_id IS NULL) ORDER BY name")
        .bind(centre).fetch_all(c).await?);
    let municipalities = sql!(&mut tx, c => sqlx::query_as("SELECT id, name FROM municipality WHERE centre_id = $1 ORDER BY name")
        .bind(centre).fetch_all(c).await?);
    let jurisdiction = skrb_kit::centre::jurisdiction_of(&mut tx, Some(centre)).await?;
    tx.commit().await?;
    Ok(Choices {
        jurisdiction,
        accounts,
        partners,
        municipalities,
    })
}
