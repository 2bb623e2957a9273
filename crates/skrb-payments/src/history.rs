//! What was paid: the work list of held and returned lines, a person's and an
//! entitlement's payment history, totals per right and month, recoveries of
//! overpayments, and writing off a line that will not be paid.

use skrb_domain::payments::states::{LineStatus, LineStep, RecoveryStatus, RunStatus};
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;
use std::collections::BTreeMap;

use skrb_domain::rights::money;
use time::Date;

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::export::{download, headings, Bind, Download, Format, Listing};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::i18n::Locale;
use skrb_kit::sheet::Cell;
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct PaymentLine {
    pub id: i64,
    pub run_id: i64,
    pub centre_id: i64,
    pub entitlement_id: i64,
    pub person_id: i64,
    pub right_id: i64,
    pub right_code: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub month: Date,
    pub funder: String,
    /// Minor units: before recovery, recovered, paid.
    pub gross: i64,
    pub deducted: i64,
    pub amount: i64,
    pub currency: String,
    pub payee: String,
    pub iban: Option<String>,
    /// open, held, settled, returned, written_off
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: LineStatus,
    /// Why held (`no_iban`, `bad_iban`, `no_account`, `zero`, `same_iban`) or returned
    /// (the bank's code and words).
    pub reason: Option<String>,
    pub carried_from: Option<i64>,
    /// The run that pays it again.
    pub carried_by: Option<i64>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub run_status: RunStatus,
    #[serde(with = "skrb_kit::i18n::json_date::option")]
    pub settled_on: Option<Date>,
}

impl PaymentLine {
    pub fn end_to_end(&self) -> String {
        super::end_to_end(self.id)
    }
    /// Whether the bank has it or paid it (not held, not returned).
    pub fn paid(&self) -> bool {
        self.status.paid()
    }
}

const COLS: &str = "l.id, l.run_id, l.centre_id, l.entitlement_id, l.person_id, l.right_id, t.code AS right_code, l.month, l.funder, \
    l.gross, l.deducted, l.amount, l.currency, l.payee, l.iban, l.status, l.reason, l.carried_from, l.carried_by, r.status AS run_status, l.settled_on";
const FROM: &str =
    "payment_line l JOIN payment_run r ON r.id = l.run_id JOIN right_type t ON t.id = l.right_id";

/// Held and returned lines of sent runs that no sent run has paid again (a run not
/// yet exported that pays one again does not take it off the list).
const WAITING: &str = "l.status IN ('held', 'returned') AND r.status IN ('exported', 'settled', 'partly_returned') \
    AND (l.carried_by IS NULL OR EXISTS (SELECT 1 FROM payment_run c WHERE c.id = l.carried_by AND c.status IN ('draft', 'calculated', 'approved')))";

/// Held and returned lines not yet paid again, oldest first.
pub async fn worklist(db: &Db, actor: &Actor, limit: i64) -> AppResult<Vec<PaymentLine>> {
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE {WAITING} AND ($1 IS NULL OR l.centre_id = $1) ORDER BY l.month, l.id LIMIT $2"
    );
    let rows: Vec<PaymentLine> =
        sql!(&mut tx, c => sqlx::query_as(&q).bind(centre).bind(limit).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

/// How many lines wait on the work list (the start page's figure).
pub async fn worklist_count(db: &Db, actor: &Actor) -> AppResult<i64> {
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let n: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        &format!("SELECT COUNT(*) FROM payment_line l JOIN payment_run r ON r.id = l.run_id WHERE {WAITING} AND ($1 IS NULL OR l.centre_id = $1)"))
        .bind(centre).fetch_one(c).await?);
    tx.commit().await?;
    Ok(n)
}

/// What the approver looks through before approving: a run's lines, filtered and sorted.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct LinesQuery {
    /// Words of the payee's name, or a whole IBAN.
    #[serde(deserialize_with = "lenient")]
    pub q: String,
    /// A line status (open, held, settled, returned, written_off), or empty for all.
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// A right's code, or empty for all.
    #[serde(deserialize_with = "lenient")]
    pub right: String,
    /// payee (the default), amount, month, status; `-` first for the reverse order.
    #[serde(deserialize_with = "lenient")]
    pub sort: String,
    pub page: Option<u32>,
}

/// The orders the lines can be read in, by their sort key.
const LINE_ORDERS: &[(&str, &str)] = &[
    ("payee", "l.payee, l.id"),
    ("-payee", "l.payee DESC, l.id DESC"),
    ("amount", "l.amount, l.id"),
    ("-amount", "l.amount DESC, l.id DESC"),
    ("month", "l.month, l.id"),
    ("-month", "l.month DESC, l.id DESC"),
    ("status", "l.status, l.id"),
    ("-status", "l.status DESC, l.id DESC"),
];

/// Lines a page shows at once.
pub const LINES_PER_PAGE: i64 = 50;

/// A run's lines (`a`..=`b`, the run's range of ids) matching the approver's filter: the
/// condition, its values and the order.
fn run_filter(a: i64, b: i64, run: i64, f: &LinesQuery) -> (&'static str, Vec<Bind>, &'static str) {
    let order = LINE_ORDERS
        .iter()
        .find(|(k, _)| *k == f.sort)
        .map_or("l.payee, l.id", |(_, o)| o);
    let q = f.q.trim();
    let words = if q.is_empty() {
        String::new()
    } else {
        format!("%{}%", q.to_lowercase())
    };
    let iban = skrb_domain::payments::reckon::plain_iban(q).to_string();
    let filter = "l.id >= $1 AND l.id <= $2 AND l.run_id = $3 \
         AND ($4 = '' OR LOWER(l.payee) LIKE $4 OR l.iban = $5) \
         AND ($6 = '' OR l.status = $6) AND ($7 = '' OR t.code = $7)";
    let binds = vec![
        Bind::I(a),
        Bind::I(b),
        Bind::I(run),
        Bind::S(words),
        Bind::S(iban),
        Bind::S(f.status.clone()),
        Bind::S(f.right.clone()),
    ];
    (filter, binds, order)
}

/// Every line of a run with the approver's filter (`run`), or every line on the work
/// list (no run), as XLSX or CSV; audited as a download with the filters and the number
/// of lines.
pub async fn export_lines(
    read: &Db,
    db: &Db,
    actor: &Actor,
    run: Option<i64>,
    f: &LinesQuery,
    format: Format,
    l: Locale,
) -> AppResult<Download> {
    let (filter, binds, order, name) = match run {
        Some(run) => {
            let mut tx = db.begin_read().await?;
            let r = super::runs::guard(&mut tx, actor, run).await?;
            tx.commit().await?;
            let (a, b) = (r.first_line.unwrap_or(0), r.last_line.unwrap_or(-1));
            let (filter, binds, order) = run_filter(a, b, run, f);
            (filter.to_string(), binds, order, "payment-lines")
        }
        None => (
            format!("{WAITING} AND ($1 IS NULL OR l.centre_id = $1)"),
            vec![Bind::N(skrb_kit::scope::centre_of(actor))],
            "l.month, l.id",
            "payment-worklist",
        ),
    };
    type Row = (
        Date,
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<Date>,
        i64,
        i64,
    );
    let t = |k: &str| skrb_kit::i18n::t(l, k);
    let list = Listing {
        sql: format!(
            "SELECT l.month, l.payee, t.name_sl, t.name_sr, t.name_en, l.funder, l.gross, l.deducted, l.amount, \
             l.status, l.reason, l.iban, l.settled_on, l.run_id, l.id FROM {FROM} WHERE {filter} ORDER BY {order}"
        ),
        binds,
        title: t(if run.is_some() { "payments-lines" } else { "payments-worklist" }),
        columns: headings(
            l,
            &[
                "payments-month",
                "payments-payee",
                "rights-app-right",
                "payments-funder",
                "payments-gross",
                "payments-deducted",
                "payments-amount",
                "payments-status",
                "payments-reason",
                "payments-iban",
                "payments-settled",
                "payments-run",
                "payments-reference",
            ],
        ),
        name,
        entity: "payment_line",
        detail: serde_json::json!({ "run": run, "q": f.q, "status": f.status, "right": f.right }),
    };
    download(
        read,
        db,
        actor,
        list,
        format,
        |(
            month,
            payee,
            sl,
            sr,
            en,
            funder,
            gross,
            deducted,
            amount,
            status,
            reason,
            iban,
            settled,
            run_id,
            id,
        ): Row| {
            vec![
                Cell::Date(month),
                Cell::Text(payee),
                Cell::Text(skrb_kit::i18n::name_in(l, &sl, &sr, &en)),
                Cell::Text(t(&format!("payments-funder-{funder}"))),
                Cell::Money(gross),
                Cell::Money(deducted),
                Cell::Money(amount),
                Cell::Text(t(&format!("payments-line-{status}"))),
                Cell::Text(super::reason_words(l, reason.as_deref())),
                iban.map_or(Cell::Empty, Cell::Text),
                settled.map_or(Cell::Empty, Cell::Date),
                Cell::Count(run_id),
                Cell::Text(super::end_to_end(id)),
            ]
        },
    )
    .await
}

/// A page of a run's lines and how many match; the read of payees' names is audited.
pub async fn lines_of_run(
    db: &Db,
    actor: &Actor,
    run: i64,
    f: &LinesQuery,
) -> AppResult<(Vec<PaymentLine>, i64)> {
    let mut tx = db.begin().await?;
    let r = super::runs::guard(&mut tx, actor, run).await?;
    let (a, b) = (r.first_line.unwrap_or(0), r.last_line.unwrap_or(-1));
    let (filter, binds, order) = run_filter(a, b, run, f);
    let count = format!("SELECT COUNT(*) FROM {FROM} WHERE {filter}");
    let n: i64 = sql!(&mut tx, c => skrb_kit::bind_all!(sqlx::query_scalar(&count), &binds)
        .fetch_one(c).await?);
    let offset = i64::from(f.page.unwrap_or(1).max(1) - 1) * LINES_PER_PAGE;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE {filter} ORDER BY {order} LIMIT {LINES_PER_PAGE} OFFSET {offset}"
    );
    let rows: Vec<PaymentLine> = sql!(&mut tx, c => skrb_kit::bind_all!(sqlx::query_as(&q), &binds)
        .fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "payment_run_lines", run)
            .detail(serde_json::json!({"shown": rows.len(), "matching": n})),
    )
    .await?;
    tx.commit().await?;
    Ok((rows, n))
}

/// A person's payments (each entitlement-month's current line), newest first; the
/// read is audited.
pub async fn of_person(
    db: &Db,
    actor: &Actor,
    person: PersonId,
    limit: i64,
) -> AppResult<Vec<PaymentLine>> {
    let mut tx = db.begin().await?;
    skrb_registry::access::check(&mut tx, actor, person).await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE l.entitlement_id IN (SELECT id FROM entitlement WHERE person_id = $1) \
         AND l.carried_by IS NULL ORDER BY l.month DESC, l.id DESC LIMIT $2"
    );
    let rows: Vec<PaymentLine> =
        sql!(&mut tx, c => sqlx::query_as(&q).bind(person).bind(limit).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "payments", person.get()).person(person),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Whose payments a page shows: the person (named in the page's title) and, for one
/// entitlement, the currency it is paid in. Access is checked like the lines'.
pub struct Whose {
    pub person: PersonId,
    pub name: String,
    pub currency: String,
}

/// Whose payments these are, for a person's history.
pub async fn whose_person(db: &Db, actor: &Actor, person: PersonId) -> AppResult<Whose> {
    whose(db, actor, person, String::new()).await
}

/// Whose payments these are, for one entitlement's history.
pub async fn whose_entitlement(db: &Db, actor: &Actor, entitlement: i64) -> AppResult<Whose> {
    let mut tx = db.begin_read().await?;
    let row: Option<(PersonId, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT person_id, currency FROM entitlement WHERE id = $1").bind(entitlement).fetch_optional(c).await?);
    tx.commit().await?;
    let (person, currency) = row.ok_or(AppError::NotFound)?;
    whose(db, actor, person, currency).await
}

async fn whose(db: &Db, actor: &Actor, person: PersonId, currency: String) -> AppResult<Whose> {
    let mut tx = db.begin_read().await?;
    skrb_registry::access::check(&mut tx, actor, person).await?;
    let n: Option<(String, String)> = sql!(&mut tx, c => sqlx::query_as("SELECT given_name, family_name FROM person WHERE id = $1")
        .bind(person).fetch_optional(c).await?);
    tx.commit().await?;
    let (g, f) = n.ok_or(AppError::NotFound)?;
    Ok(Whose {
        person,
        name: format!("{g} {f}"),
        currency,
    })
}

/// An entitlement's payments, month by month; the read is audited.
pub async fn of_entitlement(
    db: &Db,
    actor: &Actor,
    entitlement: i64,
) -> AppResult<Vec<PaymentLine>> {
    let mut tx = db.begin().await?;
    let person: Option<PersonId> = sql!(&mut tx, c => sqlx::query_scalar("SELECT person_id FROM entitlement WHERE id = $1")
        .bind(entitlement).fetch_optional(c).await?);
    let person = person.ok_or(AppError::NotFound)?;
    skrb_registry::access::check(&mut tx, actor, person).await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE l.entitlement_id = $1 AND l.carried_by IS NULL ORDER BY l.month DESC, l.id DESC"
    );
    let rows: Vec<PaymentLine> =
        sql!(&mut tx, c => sqlx::query_as(&q).bind(entitlement).fetch_all(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Read, "payments", entitlement).person(person),
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Total {
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub month: Date,
    pub right: String,
    pub currency: String,
    pub lines: i64,
    /// Minor units paid out (exported runs).
    pub total: i64,
    pub held: i64,
}

/// Totals per month and right of exported runs, from each run's summary (no scan of
/// the lines), the newest months first.
pub async fn totals(db: &Db, actor: &Actor, months: i64) -> AppResult<Vec<Total>> {
    let runs = super::runs::list(db, actor, 500).await?;
    let mut m: BTreeMap<(Date, String, String), (i64, i64, i64)> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.status.with_the_bank()) {
        for s in r.summary_rows() {
            let e = m.entry((r.month, s.right, s.currency)).or_default();
            e.0 += s.lines;
            e.1 += s.total;
            e.2 += s.held;
        }
    }
    let mut out: Vec<Total> = m
        .into_iter()
        .map(|((month, right, currency), (lines, total, held))| Total {
            month,
            right,
            currency,
            lines,
            total,
            held,
        })
        .collect();
    out.sort_by(|a, b| b.month.cmp(&a.month).then(a.right.cmp(&b.right)));
    let keep: std::collections::BTreeSet<Date> = out
        .iter()
        .map(|t| t.month)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .rev()
        .take(months.max(1) as usize)
        .collect();
    out.retain(|t| keep.contains(&t.month));
    Ok(out)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WriteOffForm {
    /// Why the line will not be paid (the person died, repaid in cash, …).
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

/// Takes a held or returned line off the work list for good.
pub async fn write_off(db: &Db, actor: &Actor, line: i64, f: &WriteOffForm) -> AppResult<()> {
    let mut ck = Check::new();
    let reason = ck.text("reason", &f.reason, true, 500);
    ck.done()?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, String, Option<i64>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT person_id, centre_id, status, carried_by FROM payment_line WHERE id = $1").bind(line).fetch_optional(c).await?);
    let (person, centre, status, carried) = row.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, centre)?;
    let written_off = LineStatus::from_code(&status)
        .and_then(|s| s.after(LineStep::WriteOff).ok())
        .filter(|_| carried.is_none())
        .ok_or_else(|| AppError::Refused(Msg::new("payments-err-not-open")))?;
    sql!(&mut tx, c => sqlx::query("UPDATE payment_line SET status = $1, reason = $2 WHERE id = $3")
        .bind(written_off.code()).bind(format!("{status}: {}", reason.unwrap_or_default())).bind(line).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::WriteOff, "payment_line", line)
            .person(person)
            .detail(serde_json::json!({"was": status})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecoveryForm {
    /// overpayment (default) or deduction.
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// The whole sum to recover, e.g. `300.00`.
    #[serde(deserialize_with = "lenient")]
    pub total: String,
    /// Taken off each month's payment, e.g. `50.00`.
    #[serde(deserialize_with = "lenient")]
    pub instalment: String,
    /// From which month's payment, `YYYY-MM`.
    #[serde(deserialize_with = "lenient")]
    pub from_month: String,
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Recovery {
    pub id: i64,
    pub entitlement_id: i64,
    pub kind: String,
    pub total: i64,
    pub instalment: i64,
    pub recovered: i64,
    pub reason: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub from_month: Date,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: RecoveryStatus,
}

/// Records an overpayment to recover from an entitlement's coming payments.
pub async fn add_recovery(
    db: &Db,
    actor: &Actor,
    entitlement: i64,
    f: &RecoveryForm,
) -> AppResult<i64> {
    let mut ck = Check::new();
    let kind = if f.kind.trim().is_empty() {
        Some("overpayment")
    } else {
        ck.choice("kind", &f.kind, &["overpayment", "deduction"], true)
    };
    let total = money::parse(&f.total).filter(|v| *v > 0);
    if total.is_none() {
        ck.err("total", "payments-err-amount");
    }
    let inst = money::parse(&f.instalment).filter(|v| *v > 0);
    if inst.is_none() {
        ck.err("instalment", "payments-err-amount");
    }
    let from = skrb_kit::dates::parse_month(&f.from_month);
    if from.is_none() {
        ck.err("from_month", "rights-err-month");
    }
    let reason = ck.text("reason", &f.reason, true, 2000);
    ck.done()?;
    let (Some(kind), Some(total), Some(inst), Some(from), Some(reason)) =
        (kind, total, inst, from, reason)
    else {
        return Err(AppError::BadRequest("recovery".into()));
    };
    let mut tx = db.begin().await?;
    let row: Option<(PersonId, i64)> = sql!(&mut tx, c => sqlx::query_as("SELECT person_id, centre_id FROM entitlement WHERE id = $1")
        .bind(entitlement).fetch_optional(c).await?);
    let (person, centre) = row.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, centre)?;
    skrb_registry::access::check(&mut tx, actor, person).await?;
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO recovery (entitlement_id, person_id, centre_id, kind, total, instalment, reason, from_month, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) RETURNING id")
        .bind(entitlement).bind(person).bind(centre).bind(kind).bind(total).bind(inst.min(total)).bind(&reason).bind(from)
        .bind(actor.user_id).bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "recovery", id)
            .person(person)
            .detail(serde_json::json!({
                "entitlement": entitlement, "total": total, "instalment": inst
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn recoveries_of(db: &Db, actor: &Actor, entitlement: i64) -> AppResult<Vec<Recovery>> {
    let mut tx = db.begin_read().await?;
    let row: Option<PersonId> = sql!(&mut tx, c => sqlx::query_scalar("SELECT person_id FROM entitlement WHERE id = $1")
        .bind(entitlement).fetch_optional(c).await?);
    skrb_registry::access::check(&mut tx, actor, row.ok_or(AppError::NotFound)?).await?;
    let rows: Vec<Recovery> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT r.id, r.entitlement_id, r.kind, r.total, r.instalment, CAST(COALESCE((SELECT SUM(l.deducted) FROM payment_line l \
         WHERE l.recovery_id = r.id AND l.carried_by IS NULL AND l.status IN ('open', 'settled')), 0) AS BIGINT) AS recovered, \
         r.reason, r.from_month, r.status FROM recovery r WHERE r.entitlement_id = $1 ORDER BY r.id")
        .bind(entitlement).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PayeeForm {
    /// Who is paid instead of the entitled person (a placement's institution, a child's
    /// parent or guardian); empty to pay the person again.
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub iban: String,
    #[serde(deserialize_with = "lenient")]
    pub address: String,
}

/// Pays an entitlement to someone else from the next run on (or to the person again).
pub async fn set_payee(db: &Db, actor: &Actor, entitlement: i64, f: &PayeeForm) -> AppResult<()> {
    let mut ck = Check::new();
    let name = ck.text("name", &f.name, false, 140);
    let iban = match (&name, f.iban.trim()) {
        (None, _) => None,
        (Some(_), i) => match skrb_domain::iban::Iban::parse(i) {
            Ok(v) => Some(v.as_str().to_string()),
            Err(_) => {
                ck.err("iban", "registry-err-iban");
                None
            }
        },
    };
    let address = ck.text("address", &f.address, false, 200);
    ck.done()?;
    let mut tx = db.begin().await?;
    let row: Option<(PersonId, i64)> = sql!(&mut tx, c => sqlx::query_as("SELECT person_id, centre_id FROM entitlement WHERE id = $1")
        .bind(entitlement).fetch_optional(c).await?);
    let (person, centre) = row.ok_or(AppError::NotFound)?;
    skrb_kit::scope::same_centre(actor, centre)?;
    skrb_registry::access::check(&mut tx, actor, person).await?;
    let address = name.as_ref().and(address);
    sql!(&mut tx, c => sqlx::query("UPDATE entitlement SET payee_name = $1, payee_iban = $2, payee_address = $3, version = version + 1 WHERE id = $4")
        .bind(&name).bind(&iban).bind(&address).bind(entitlement).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Payee, "entitlement", entitlement)
            .person(person)
            .detail(serde_json::json!({
                "name": name, "iban": iban
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who an entitlement is paid to when not the person: (name, IBAN, address).
pub async fn payee_of(
    db: &Db,
    entitlement: i64,
) -> AppResult<Option<(String, Option<String>, Option<String>)>> {
    let mut tx = db.begin_read().await?;
    let row: Option<(Option<String>, Option<String>, Option<String>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT payee_name, payee_iban, payee_address FROM entitlement WHERE id = $1").bind(entitlement).fetch_optional(c).await?);
    tx.commit().await?;
    Ok(row.and_then(|(n, i, a)| n.map(|n| (n, i, a))))
}
