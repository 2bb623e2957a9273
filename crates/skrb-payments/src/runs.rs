//! Payment runs: a month's run (or an extra run for arrears and what was decided after
//! the monthly one) takes every entitlement valid in its months that no current line
//! pays yet, pro-rates partial months, applies suspensions and recoveries, pays again
//! what a statement returned or a hold kept back, and writes its lines in sets.
//! draft → calculated (recalculating replaces the lines) → approved by a second
//! person → exported (the bank files) → settled / partly returned (statements).

use skrb_kit::audit::Action;
use std::collections::{BTreeMap, HashMap, HashSet};

use skrb_domain::payments::reckon::{Entitlement, Key, Line, Owed, Reckoner, Unpaid};
use skrb_domain::payments::states::{LineStatus, RunStatus, RunStep};
use skrb_domain::rights::{deadlines, Minor};
use std::time::Duration;

use time::{Date, OffsetDateTime};

use super::accounts;
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::bulk::{self, Value};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;
use skrb_rights::catalogue::{self, parse_funding, RightType};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Run {
    pub id: i64,
    pub centre_id: Option<i64>,
    pub centre: Option<String>,
    pub kind: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub month: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub from_month: Date,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub execution_on: Date,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: RunStatus,
    pub lines: i64,
    pub held: i64,
    pub first_line: Option<i64>,
    pub last_line: Option<i64>,
    #[serde(skip)]
    pub summary: Option<String>,
    pub note: Option<String>,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub calculated_by: Option<i64>,
    pub calculated_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub calculated_at: Option<OffsetDateTime>,
    pub approved_by: Option<i64>,
    pub approved_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    pub exported_by: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub exported_at: Option<OffsetDateTime>,
    pub version: i64,
}

/// Lines and money of a run by right, funding source, payer account and currency.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SummaryRow {
    pub right: String,
    pub funder: String,
    pub account_id: Option<i64>,
    pub currency: String,
    pub lines: i64,
    /// Minor units (cents, fenings) to pay.
    pub total: i64,
    pub held: i64,
    pub held_total: i64,
    pub deducted: i64,
}

impl Run {
    pub fn summary_rows(&self) -> Vec<SummaryRow> {
        self.summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }
    /// The summary as a reader wants it: one row per right, funder and currency, the
    /// payer accounts folded together (a right whose held lines have no account would
    /// otherwise show twice, once with nothing to pay).
    pub fn summary_by_right(&self) -> Vec<SummaryRow> {
        fold_accounts(self.summary_rows())
    }
    /// What the run pays, per currency.
    pub fn totals(&self) -> Vec<(String, i64)> {
        let mut m: BTreeMap<String, i64> = BTreeMap::new();
        for r in self.summary_rows() {
            *m.entry(r.currency).or_default() += r.total;
        }
        m.into_iter().collect()
    }

    /// Whether the step is possible now (the run's page offers it).
    pub fn allows(&self, step: RunStep) -> bool {
        self.status.after(step).is_ok()
    }
}

const COLS: &str = "r.id, r.centre_id, c.name AS centre, r.kind, r.month, r.from_month, r.execution_on, r.status, r.lines, r.held, \
    r.first_line, r.last_line, r.summary, r.note, r.created_by, u0.display_name AS created_by_name, r.calculated_by, \
    u1.display_name AS calculated_by_name, r.calculated_at, r.approved_by, u2.display_name AS approved_by_name, r.approved_at, \
    r.exported_by, r.exported_at, r.version";
const FROM: &str = "payment_run r LEFT JOIN centre c ON c.id = r.centre_id LEFT JOIN app_user u0 ON u0.id = r.created_by \
    LEFT JOIN app_user u1 ON u1.id = r.calculated_by LEFT JOIN app_user u2 ON u2.id = r.approved_by";

fn fold_accounts(rows: Vec<SummaryRow>) -> Vec<SummaryRow> {
    let mut out: Vec<SummaryRow> = Vec::new();
    for r in rows {
        match out
            .iter_mut()
            .find(|o| o.right == r.right && o.funder == r.funder && o.currency == r.currency)
        {
            Some(o) => {
                o.lines += r.lines;
                o.total += r.total;
                o.held += r.held;
                o.held_total += r.held_total;
                o.deducted += r.deducted;
                if o.account_id != r.account_id {
                    o.account_id = None;
                }
            }
            None => out.push(r),
        }
    }
    out
}

pub async fn load(tx: &mut Tx, id: i64) -> AppResult<Run> {
    let q = format!("SELECT {COLS} FROM {FROM} WHERE r.id = $1");
    let r: Option<Run> = sql!(tx, c => sqlx::query_as(&q).bind(id).fetch_optional(c).await?);
    r.ok_or(AppError::NotFound)
}

/// A run the actor may see: a centre's user sees the centre's runs (and not the
/// ministry's all-centre runs' other centres).
pub async fn guard(tx: &mut Tx, actor: &Actor, id: i64) -> AppResult<Run> {
    let r = load(tx, id).await?;
    match (skrb_kit::scope::centre_of(actor), r.centre_id) {
        (None, _) => Ok(r),
        (Some(mine), Some(c)) if mine == c => Ok(r),
        _ => Err(AppError::Refused(Msg::new("out-of-scope"))),
    }
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<Run> {
    let mut tx = db.begin_read().await?;
    let r = guard(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(r)
}

/// The newest runs first.
pub async fn list(db: &Db, actor: &Actor, limit: i64) -> AppResult<Vec<Run>> {
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let q = format!(
        "SELECT {COLS} FROM {FROM} WHERE ($1 IS NULL OR r.centre_id = $1) ORDER BY r.month DESC, r.id DESC LIMIT $2"
    );
    let rows: Vec<Run> =
        sql!(&mut tx, c => sqlx::query_as(&q).bind(centre).bind(limit).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

/// Calculated runs someone other than the actor calculated: theirs to approve.
pub async fn awaiting_count(db: &Db, actor: &Actor) -> AppResult<i64> {
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin_read().await?;
    let n: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_run WHERE status = 'calculated' AND ($1 IS NULL OR centre_id = $1) \
         AND (calculated_by IS NULL OR calculated_by <> $2)")
        .bind(centre).bind(actor.user_id.unwrap_or(0)).fetch_one(c).await?);
    tx.commit().await?;
    Ok(n)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunForm {
    /// The month paid, `YYYY-MM`.
    #[serde(deserialize_with = "lenient")]
    pub month: String,
    /// monthly (default) or extra (arrears, one-off assistance, what was decided since).
    #[serde(deserialize_with = "lenient")]
    pub kind: String,
    /// Pay months from this one too (arrears), `YYYY-MM`; default the run's month.
    #[serde(deserialize_with = "lenient")]
    pub from_month: String,
    /// The day the bank executes the payments (default today).
    #[serde(deserialize_with = "lenient")]
    pub execution_on: String,
    #[serde(deserialize_with = "lenient")]
    pub note: String,
    /// For a user of all centres: one centre, or empty for every centre.
    #[serde(deserialize_with = "lenient")]
    pub centre_id: String,
}

/// Prepares a run (a draft).
pub async fn create(db: &Db, actor: &Actor, f: &RunForm, today: Date) -> AppResult<i64> {
    let mut ck = Check::new();
    let month = skrb_kit::dates::parse_month(&f.month);
    if month.is_none() {
        ck.err("month", "rights-err-month");
    }
    let kind = if f.kind.trim().is_empty() {
        Some("monthly")
    } else {
        ck.choice("kind", &f.kind, &["monthly", "extra"], true)
    };
    let from = match f.from_month.trim() {
        "" => month,
        s => {
            let m = skrb_kit::dates::parse_month(s);
            if m.is_none() || m > month {
                ck.err("from_month", "payments-err-from-month");
            }
            m
        }
    };
    let execution = ck
        .date("execution_on", &f.execution_on, false)
        .unwrap_or(today);
    if execution < today {
        ck.err("execution_on", "payments-err-execution-past");
    }
    let note = ck.text("note", &f.note, false, 2000);
    let centre = match skrb_kit::scope::centre_of(actor) {
        None => match f.centre_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(c) => Some(c),
                Err(_) => {
                    ck.err("centre_id", "err-choice");
                    None
                }
            },
        },
        Some(_) => Some(skrb_kit::scope::own_centre(actor)?),
    };
    ck.done()?;
    let (Some(month), Some(kind), Some(from)) = (month, kind, from) else {
        return Err(AppError::BadRequest("run".into()));
    };
    let mut tx = db.begin().await?;
    if kind == "monthly" {
        let exists: i64 = sql!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM payment_run WHERE kind = 'monthly' AND month = $1 AND \
             (centre_id = $2 OR (centre_id IS NULL AND $2 IS NULL))")
            .bind(month).bind(centre).fetch_one(c).await?);
        if exists > 0 {
            return Err(AppError::Validation(vec![skrb_kit::error::FieldError {
                field: "kind",
                msg: Msg::new("payments-err-monthly-exists"),
            }]));
        }
    }
    let id: i64 = sql!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO payment_run (centre_id, kind, month, from_month, execution_on, status, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8) RETURNING id")
        .bind(centre).bind(kind).bind(month).bind(from).bind(execution).bind(&note).bind(actor.user_id)
        .bind(actor.now).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Create, "payment_run", id).detail(serde_json::json!({
            "month": month.to_string(), "kind": kind, "centre": centre
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What a calculation did (for the page, the command line and the benchmark).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Calculated {
    pub run: i64,
    pub entitlements: usize,
    pub lines: usize,
    pub held: usize,
    /// Held or returned lines of earlier runs paid (or held) again by this one.
    pub carried: usize,
    /// Entitlement-months already paid by another run, skipped.
    pub already_paid: usize,
    pub totals: Vec<(String, i64)>,
    #[serde(skip)]
    pub spent: [std::time::Duration; 3],
}

/// Who is paid: the payee set on the entitlement (a foster parent, an institution) or
/// else the holder, with the address as one line ("street, postcode town"). Put
/// together by the database, so that a run reads a dozen columns, not eighteen.
const PAYEE: &str = "CASE WHEN COALESCE(e.payee_name, '') <> '' THEN e.payee_name \
    ELSE p.given_name || ' ' || p.family_name END";
const PAYEE_IBAN: &str =
    "CASE WHEN COALESCE(e.payee_name, '') <> '' THEN e.payee_iban ELSE p.iban END";
const PAYEE_ADDRESS: &str = "CASE WHEN COALESCE(e.payee_name, '') <> '' THEN e.payee_address ELSE NULLIF(\
    CASE WHEN COALESCE(p.address, '') <> '' AND p.place IS NOT NULL AND (p.postal_code IS NOT NULL OR p.place <> '') \
    THEN p.address || ', ' ELSE COALESCE(p.address, '') END \
    || CASE WHEN p.place IS NULL THEN '' WHEN p.postal_code IS NULL THEN p.place ELSE p.postal_code || ' ' || p.place END, '') END";

const ENT_FROM: &str = "FROM entitlement e JOIN person p ON p.id = e.person_id";

/// Entitlements read per set: the first set is reckoned and written while the rest is
/// read, so a set is small next to a month's, and large enough that a set's statements
/// and messages cost little.
const ENT_SET: usize = 10_000;

/// Entitlements reckoned between two looks at the writing: on SQLite about what one
/// statement inserts, so that the database is not left waiting for its next statement
/// while a whole set is reckoned.
const YIELD_EVERY: usize = 1_000;

fn ent_cols() -> [&'static str; 12] {
    [
        "e.id",
        "e.centre_id",
        "e.person_id",
        "e.right_id",
        "e.amount",
        "e.currency",
        "e.valid_from",
        "e.valid_to",
        "e.suspended_from",
        PAYEE,
        PAYEE_IBAN,
        PAYEE_ADDRESS,
    ]
}

/// An entitlement from a row of [`ent_cols`].
fn entitlement(r: bulk::Row<'_>) -> AppResult<Entitlement<'_>> {
    Ok(r.read("entitlement", |r| {
        Some(Entitlement {
            id: r.int(0)?,
            centre_id: r.int(1)?,
            person_id: r.int(2)?,
            right_id: r.int(3)?,
            amount: r.int(4)?,
            currency: r.text(5)?,
            valid_from: r.date(6)?,
            valid_to: r.date(7),
            suspended_from: r.date(8),
            payee: r.text(9)?,
            iban: r.text(10),
            address: r.text(11),
        })
    })?)
}

/// A held or returned line of an exported run, to pay again.
#[derive(sqlx::FromRow)]
struct Open {
    id: i64,
    entitlement_id: i64,
    month: Date,
    funder: String,
    gross: Minor,
    deducted: Minor,
    recovery_id: Option<i64>,
    amount: Minor,
    iban: Option<String>,
    #[sqlx(try_from = "String")]
    status: LineStatus,
}

impl Open {
    fn unpaid(self) -> Unpaid {
        Unpaid {
            id: self.id,
            entitlement_id: self.entitlement_id,
            month: self.month,
            funder: self.funder,
            gross: self.gross,
            deducted: self.deducted,
            recovery_id: self.recovery_id,
            amount: self.amount,
            iban: self.iban,
            status: self.status,
        }
    }
}

/// Calculates (or recalculates) a run in its own transaction.
pub async fn calculate(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<Calculated> {
    let mut tx = db.begin().await?;
    let r = calculate_in(db, &mut tx, actor, id, version, progress).await?;
    tx.commit().await?;
    Ok(r)
}

/// Version check and state check in one: the run moves only from the expected state.
fn check_version(run: &Run, version: Option<i64>) -> AppResult<()> {
    match version {
        Some(v) if v != run.version => Err(AppError::Conflict {
            current_version: run.version,
        }),
        _ => Ok(()),
    }
}

fn wrong_state(run: &Run) -> AppError {
    AppError::Refused(Msg::new("payments-err-state").arg("status", run.status.code()))
}

/// Calculates a run in the caller's transaction, in named steps: read what is known
/// (rights, accounts, recoveries owed, what is paid, what to pay again), reckon and
/// write the entitlements' lines set by set as they are read, pay again what belongs
/// to entitlements outside the run's months, then sum up and record.
pub async fn calculate_in(
    db: &Db,
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<Calculated> {
    if let Tx::Postgres(t) = &mut *tx {
        // Line ids are assigned here; no other run may write lines meanwhile.
        sqlx::query("LOCK TABLE payment_line IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **t)
            .await?;
    }
    let run = guard(tx, actor, id).await?;
    check_version(&run, version)?;
    run.status
        .after(RunStep::Calculate)
        .map_err(|_| wrong_state(&run))?;
    let t_prepare = std::time::Instant::now();
    // The entitlements are read on a connection of their own, set after set, while this
    // transaction prepares and then writes the lines of the sets already read.
    let mut sets = read_entitlements(db, &run);
    // Recalculating replaces: the earlier lines go, the lines they paid again are
    // open again.
    drop_lines(tx, &run).await?;
    let mut known = read_known(tx, &run).await?;
    let paid: HashSet<Key> = known
        .paid
        .iter()
        .map(|(e, m, f)| (*e, *m, f.as_str()))
        .collect();
    let accounts: HashMap<(i64, &str), i64> = known
        .accounts
        .iter()
        .map(|((c, f), a)| ((*c, f.as_str()), *a))
        .collect();
    let mut reckoner = Reckoner::new(
        run.from_month,
        run.month,
        &known.shares,
        &paid,
        &known.unpaid,
        std::mem::take(&mut known.owed),
        &accounts,
    );
    // The lines are written with ids of their own.
    let first = bulk::next_id(tx, "payment_line").await?;
    let t_prepare = t_prepare.elapsed();
    let mut tally = Tally::new(id, first);
    write_lines(tx, &mut sets, &mut reckoner, &mut tally, progress).await?;
    pay_again_the_rest(tx, &mut reckoner, &mut tally).await?;
    let out = record(tx, actor, &run, &known.rights, &reckoner, tally, t_prepare).await?;
    Ok(out)
}

/// Starts reading the run's entitlements (valid in its months, with an amount, of its
/// centre) in sets, by id.
fn read_entitlements(db: &Db, run: &Run) -> bulk::Stream {
    let last = deadlines::month_end(run.month);
    let ent_where = format!(
        "e.valid_from <= {} AND (e.valid_to IS NULL OR e.valid_to >= {}) AND e.amount > 0 \
         AND e.right_id IN (SELECT id FROM right_type WHERE pays){}",
        bulk::date_literal(last),
        bulk::date_literal(run.from_month),
        run.centre_id
            .map(|c| format!(" AND e.centre_id = {c}"))
            .unwrap_or_default()
    );
    bulk::stream(
        db,
        bulk::StreamQuery {
            // PostgreSQL would hash every person to join them; looking up the holders of
            // a month's entitlements by key reads a sixth as much and takes half the time.
            settings: &["SET LOCAL enable_hashjoin = off"],
            columns: &ent_cols(),
            rest: &format!("{ENT_FROM} WHERE {ent_where} ORDER BY e.id"),
            count: Some(&format!(
                "SELECT COUNT(*) FROM entitlement e WHERE {ent_where}"
            )),
            per: ENT_SET,
        },
    )
}

/// What a run reads before it reckons.
struct Known {
    rights: HashMap<i64, RightType>,
    /// Each right's funders and shares.
    shares: HashMap<i64, Vec<(String, i64)>>,
    /// Active payer accounts by centre and funder.
    accounts: HashMap<(i64, String), i64>,
    /// Recoveries still owed, by entitlement.
    owed: HashMap<i64, Owed>,
    /// Entitlement-months-funders some current line pays already.
    paid: Vec<(i64, Date, String)>,
    /// Held and returned lines this run pays again, by id.
    unpaid: Vec<Unpaid>,
}

async fn read_known(tx: &mut Tx, run: &Run) -> AppResult<Known> {
    let rights: HashMap<i64, RightType> = catalogue::all_in(tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let accounts = accounts::all_in(tx, run.centre_id)
        .await?
        .into_iter()
        .filter(|a| a.active)
        .map(|a| ((a.centre_id, a.funder.clone()), a.id))
        .collect();
    // Recoveries still owed: what is left after the lines that deducted them.
    let recs: Vec<(i64, i64, i64, i64, Date)> = sql!(tx, c => sqlx::query_as(
        "SELECT r.id, r.entitlement_id, r.instalment, r.total - CAST(COALESCE((SELECT SUM(l.deducted) FROM payment_line l \
         WHERE l.recovery_id = r.id AND l.carried_by IS NULL AND l.status IN ('open', 'settled')), 0) AS BIGINT), r.from_month \
         FROM recovery r WHERE r.status = 'open' AND ($1 IS NULL OR r.centre_id = $1) ORDER BY r.id")
        .bind(run.centre_id).fetch_all(c).await?);
    let mut owed: HashMap<i64, Owed> = HashMap::new();
    for (recovery, ent, instalment, left, from) in recs {
        if left > 0 {
            owed.entry(ent).or_insert(Owed {
                recovery,
                instalment,
                left,
                from,
            });
        }
    }
    // Entitlement-months some current line pays already (another run, or a held or
    // returned line that is carried below).
    let paid: Vec<(i64, Date, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT l.entitlement_id, l.month, l.funder FROM entitlement e JOIN payment_line l ON l.entitlement_id = e.id \
         AND l.month >= $2 AND l.month <= $4 AND l.carried_by IS NULL \
         WHERE e.valid_from <= $1 AND (e.valid_to IS NULL OR e.valid_to >= $2) AND e.amount > 0 AND ($3 IS NULL OR e.centre_id = $3) \
         AND e.right_id IN (SELECT id FROM right_type WHERE pays)")
        .bind(deadlines::month_end(run.month)).bind(run.from_month).bind(run.centre_id).bind(run.month).fetch_all(c).await?);
    // Held and returned lines of exported runs: paid again now (zero amounts and
    // write-offs stay), each with the lines of its entitlement, as it is now. Marked
    // at once as paid again by this run (a current line's key is unique), before the
    // lines that pay them are written.
    let mut open: Vec<Open> = sql!(tx, c => sqlx::query_as(
        "UPDATE payment_line SET carried_by = $3 \
         WHERE carried_by IS NULL AND status IN ('held', 'returned') AND (reason IS NULL OR reason <> 'zero') \
         AND run_id IN (SELECT id FROM payment_run WHERE status IN ('exported', 'settled', 'partly_returned')) \
         AND month <= $1 AND ($2 IS NULL OR centre_id = $2) \
         RETURNING id, entitlement_id, month, funder, gross, deducted, recovery_id, amount, iban, status")
        .bind(run.month).bind(run.centre_id).bind(run.id).fetch_all(c).await?);
    open.sort_unstable_by_key(|o| o.id);
    let shares = rights
        .values()
        .map(|rt| {
            let mut s = parse_funding(&rt.funding);
            if s.is_empty() {
                s = vec![("state".to_string(), skrb_domain::rights::money::ONE)];
            }
            (rt.id, s)
        })
        .collect();
    Ok(Known {
        rights,
        shares,
        accounts,
        owed,
        paid,
        unpaid: open.into_iter().map(Open::unpaid).collect(),
    })
}

/// The run's lines as they are written: numbered, summed, timed.
struct Tally {
    run: i64,
    first: i64,
    next: i64,
    entitlements: usize,
    expected: usize,
    held: usize,
    summary: Summary,
    names: Names,
    /// Waiting for entitlements, reckoning, writing.
    waited: Duration,
    reckoned: Duration,
    written: Duration,
}

impl Tally {
    fn new(run: i64, first: i64) -> Tally {
        Tally {
            run,
            first,
            next: first,
            entitlements: 0,
            expected: 0,
            held: 0,
            summary: Summary::new(),
            names: Names::default(),
            waited: Duration::ZERO,
            reckoned: Duration::ZERO,
            written: Duration::ZERO,
        }
    }

    /// Lines as rows to write, numbered on from the last.
    fn rows(&mut self, lines: &[Line<'_>]) -> bulk::Batch {
        let rows = line_rows(
            lines,
            self.next,
            self.run,
            &mut self.summary,
            &mut self.names,
            &mut self.held,
        );
        self.next += rows.len() as i64;
        rows
    }
}

/// Set after set of entitlements as they come: each set is reckoned while the one
/// before it is written.
async fn write_lines<'s>(
    tx: &mut Tx,
    sets: &mut bulk::Stream,
    reckoner: &mut Reckoner<'s>,
    tally: &mut Tally,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<()> {
    let mut writer = bulk::Writer::start(tx, "payment_line", &LINE_COLUMNS).await?;
    let mut pending: Option<bulk::Batch> = None;
    loop {
        let rows = pending.take();
        let (w, built) = tokio::join!(
            async {
                let t = std::time::Instant::now();
                let w = match &rows {
                    Some(r) => writer.write_batch(r).await,
                    None => Ok(()),
                };
                (w, t.elapsed())
            },
            async {
                let t = std::time::Instant::now();
                let set = loop {
                    match sets.recv().await {
                        Some(Ok(bulk::Streamed::Count(n))) => {
                            tally.expected = usize::try_from(n).unwrap_or_default();
                        }
                        Some(Ok(bulk::Streamed::Rows(set))) => break Some(set),
                        Some(Err(e)) => return Err(AppError::from(e)),
                        None => break None,
                    }
                };
                let Some(set) = set else {
                    return Ok((None, t.elapsed(), Duration::ZERO));
                };
                let t_got = t.elapsed();
                let t = std::time::Instant::now();
                let ents: Vec<Entitlement> =
                    set.iter().map(entitlement).collect::<AppResult<_>>()?;
                let mut lines = Vec::with_capacity(ents.len() + ents.len() / 8);
                for (i, e) in ents.iter().enumerate() {
                    reckoner.reckon(e, &mut lines);
                    if i % YIELD_EVERY == YIELD_EVERY - 1 {
                        // the writing binds its next statement meanwhile
                        tokio::task::yield_now().await;
                    }
                }
                let rows = tally.rows(&lines);
                tally.entitlements += ents.len();
                AppResult::Ok((Some(rows), t_got, t.elapsed()))
            }
        );
        let (w, t_w) = w;
        w?;
        let (built, t_wait, t_reckon) = built?;
        tally.written += t_w;
        tally.waited += t_wait;
        tally.reckoned += t_reckon;
        match built {
            Some(b) => {
                progress(tally.entitlements, tally.expected.max(tally.entitlements));
                pending = Some(b);
            }
            None => break,
        }
    }
    let t = std::time::Instant::now();
    writer.finish().await?;
    tally.written += t.elapsed();
    if tally.entitlements == 0 {
        progress(0, 0);
    }
    Ok(())
}

/// Lines to pay again whose entitlement is outside the run's months now are paid
/// again all the same; those whose entitlement is gone are not paid again after all.
async fn pay_again_the_rest<'s>(
    tx: &mut Tx,
    reckoner: &mut Reckoner<'s>,
    tally: &mut Tally,
) -> AppResult<()> {
    let mut other_rows = Vec::new();
    for list in bulk::id_lists(&reckoner.still_to_carry(), 500) {
        other_rows.push(
            bulk::select(
                tx,
                &ent_cols(),
                &format!("{ENT_FROM} WHERE e.id IN ({list})"),
            )
            .await?,
        );
    }
    let mut lines = Vec::new();
    for r in other_rows.iter().flat_map(|r| r.iter()) {
        reckoner.carry(&entitlement(r)?, &mut lines);
    }
    if !lines.is_empty() {
        let rows = tally.rows(&lines);
        let mut writer = bulk::Writer::start(tx, "payment_line", &LINE_COLUMNS).await?;
        writer.write_batch(&rows).await?;
        writer.finish().await?;
    }
    for list in bulk::id_lists(&reckoner.not_carried(), 500) {
        let q = format!(
            "UPDATE payment_line SET carried_by = NULL WHERE id IN ({list}) AND carried_by = $1"
        );
        sql!(tx, c => sqlx::query(&q).bind(tally.run).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Sums the run up by right, funder, account and currency, stores it on the run as
/// calculated, and audits it.
async fn record(
    tx: &mut Tx,
    actor: &Actor,
    run: &Run,
    rights: &HashMap<i64, RightType>,
    reckoner: &Reckoner<'_>,
    tally: Tally,
    t_prepare: Duration,
) -> AppResult<Calculated> {
    let id = run.id;
    bulk::sync_identity(tx, "payment_line").await?;
    let total = usize::try_from(tally.next - tally.first).unwrap_or_default();
    if std::env::var_os("SKRB_TIMINGS").is_some() {
        eprintln!(
            "calculate: prepare {t_prepare:?}, then waiting for entitlements {:?}, reckoning {:?}, writing {:?}",
            tally.waited, tally.reckoned, tally.written
        );
    }
    let names = &tally.names;
    let mut rows: Vec<SummaryRow> = tally
        .summary
        .into_iter()
        .map(|((right, funder, account_id, currency), s)| SummaryRow {
            right: rights
                .get(&right)
                .map(|r| r.code.clone())
                .unwrap_or_default(),
            funder: names.text(funder).to_string(),
            account_id,
            currency: names.text(currency).to_string(),
            ..s
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.right, &a.funder, a.account_id, &a.currency).cmp(&(
            &b.right,
            &b.funder,
            b.account_id,
            &b.currency,
        ))
    });
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for r in &rows {
        *totals.entry(r.currency.clone()).or_default() += r.total;
    }
    let out = Calculated {
        run: id,
        entitlements: tally.entitlements,
        lines: total - tally.held,
        held: tally.held,
        carried: reckoner.carried_lines(),
        already_paid: reckoner.already_paid(),
        totals: totals.into_iter().collect(),
        spent: [
            t_prepare + tally.waited + tally.reckoned,
            tally.written,
            Duration::ZERO,
        ],
    };
    let summary = serde_json::to_string(&rows).map_err(|e| AppError::Internal(e.into()))?;
    let (fl, ll) = if total > 0 {
        (Some(tally.first), Some(tally.next - 1))
    } else {
        (None, None)
    };
    sql!(tx, c => sqlx::query(
        "UPDATE payment_run SET status = 'calculated', lines = $1, held = $2, first_line = $3, last_line = $4, summary = $5, \
         calculated_by = $6, calculated_at = $7, approved_by = NULL, approved_at = NULL, version = version + 1 WHERE id = $8")
        .bind(out.lines as i64).bind(out.held as i64).bind(fl).bind(ll).bind(&summary).bind(actor.user_id).bind(actor.now).bind(id)
        .execute(c).await?.rows_affected());
    audit::record(
        tx,
        actor,
        Event::new(Action::Calculate, "payment_run", id).detail(serde_json::json!({
            "month": run.month.to_string(), "lines": out.lines, "held": out.held, "carried": out.carried,
            "already_paid": out.already_paid, "first_line": fl, "last_line": ll
        })),
    )
    .await?;
    tracing::info!(run = id, lines = total, prepare = ?t_prepare, waited = ?tally.waited, reckon = ?tally.reckoned, write = ?tally.written, "payment run calculated");
    Ok(out)
}

/// Sums per right, funder, account and currency (the last two by [`Names`]), as a
/// run's page shows them.
type Summary = BTreeMap<(i64, usize, Option<i64>, usize), SummaryRow>;

/// The few texts a run sums by (funders, currencies), numbered: the sums outlive the
/// sets of entitlements the texts were read in.
#[derive(Default)]
struct Names(Vec<String>);

impl Names {
    fn number(&mut self, text: &str) -> usize {
        match self.0.iter().position(|n| n == text) {
            Some(at) => at,
            None => {
                self.0.push(text.to_string());
                self.0.len() - 1
            }
        }
    }

    fn text(&self, number: usize) -> &str {
        self.0.get(number).map_or("", String::as_str)
    }
}

/// Lines as rows of [`LINE_COLUMNS`], numbered from `first`, counted into `summary`
/// (and `held`) as they go.
fn line_rows(
    lines: &[Line<'_>],
    first: i64,
    run: i64,
    summary: &mut Summary,
    names: &mut Names,
    held: &mut usize,
) -> bulk::Batch {
    let mut rows = bulk::Batch::new(LINE_COLUMNS.len(), lines.len());
    for (l, id) in lines.iter().zip(first..) {
        let key = (
            l.right_id,
            names.number(l.funder),
            l.account_id,
            names.number(l.currency),
        );
        let s = summary.entry(key).or_default();
        if l.hold.is_some() {
            s.held += 1;
            s.held_total += l.amount;
            *held += 1;
        } else {
            s.lines += 1;
            s.total += l.amount;
            s.deducted += l.deducted;
        }
        for cell in [
            Value::Int(id),
            Value::Int(run),
            Value::Int(l.centre_id),
            Value::Int(l.entitlement_id),
            Value::Int(l.person_id),
            Value::Int(l.right_id),
            Value::Date(l.month),
            Value::Str(l.funder),
            l.account_id.into(),
            Value::Int(l.gross),
            Value::Int(l.deducted),
            l.recovery_id.into(),
            Value::Int(l.amount),
            Value::Str(l.currency),
            Value::Str(l.payee),
            l.iban.as_deref().map_or(Value::Null, Value::Str),
            l.address.map_or(Value::Null, Value::Str),
            Value::Str(if l.hold.is_some() {
                "held"
            } else if l.offset {
                "settled"
            } else {
                "open"
            }),
            if l.offset {
                Value::Str("recovered")
            } else {
                l.hold.map_or(Value::Null, Value::Str)
            },
            l.carried_from.into(),
        ] {
            rows.push(cell);
        }
    }
    rows
}

/// A payment line's columns as a run writes them (the benchmark's baseline writes the
/// same shape).
pub const LINE_COLUMNS: [&str; 20] = [
    "id",
    "run_id",
    "centre_id",
    "entitlement_id",
    "person_id",
    "right_id",
    "month",
    "funder",
    "account_id",
    "gross",
    "deducted",
    "recovery_id",
    "amount",
    "currency",
    "payee",
    "iban",
    "address",
    "status",
    "reason",
    "carried_from",
];

/// Removes a run's lines and makes the held or returned lines it paid again current
/// again. Its own lines go first (two current lines of one entitlement-month may not
/// stand together); the lines it carried are found from its own, by key, not by a scan
/// of every line ever written.
async fn drop_lines(tx: &mut Tx, run: &Run) -> AppResult<()> {
    let (Some(a), Some(b)) = (run.first_line, run.last_line) else {
        return Ok(());
    };
    let carried: Vec<i64> = sql!(tx, c => sqlx::query_scalar(
        "SELECT carried_from FROM payment_line WHERE id >= $1 AND id <= $2 AND run_id = $3 AND carried_from IS NOT NULL")
        .bind(a).bind(b).bind(run.id).fetch_all(c).await?);
    sql!(tx, c => sqlx::query("DELETE FROM payment_line WHERE id >= $1 AND id <= $2 AND run_id = $3")
        .bind(a).bind(b).bind(run.id).execute(c).await?.rows_affected());
    for list in bulk::id_lists(&carried, 500) {
        let q = format!(
            "UPDATE payment_line SET carried_by = NULL WHERE id IN ({list}) AND carried_by = $1"
        );
        sql!(tx, c => sqlx::query(&q).bind(run.id).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Approves a calculated run: someone other than who calculated it.
pub async fn approve(db: &Db, actor: &Actor, id: i64, version: Option<i64>) -> AppResult<Run> {
    let mut tx = db.begin().await?;
    let r = approve_in(&mut tx, actor, id, version).await?;
    tx.commit().await?;
    Ok(r)
}

pub async fn approve_in(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
) -> AppResult<Run> {
    let run = guard(tx, actor, id).await?;
    check_version(&run, version)?;
    run.status
        .after(RunStep::Approve)
        .map_err(|_| wrong_state(&run))?;
    if actor.user_id.is_none() || actor.user_id == run.calculated_by {
        return Err(AppError::Refused(Msg::new("payments-err-same-person")));
    }
    let n = sql!(tx, c => sqlx::query(
        "UPDATE payment_run SET status = 'approved', approved_by = $1, approved_at = $2, version = version + 1 \
         WHERE id = $3 AND status = 'calculated' AND version = $4")
        .bind(actor.user_id).bind(actor.now).bind(id).bind(run.version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: run.version,
        });
    }
    audit::record(
        tx,
        actor,
        Event::new(Action::Approve, "payment_run", id).detail(serde_json::json!({
            "lines": run.lines, "totals": run.totals()
        })),
    )
    .await?;
    load(tx, id).await
}

/// Throws a draft or calculated run away (its lines go; what it paid again is open
/// again).
pub async fn discard(db: &Db, actor: &Actor, id: i64, version: Option<i64>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let run = guard(&mut tx, actor, id).await?;
    check_version(&run, version)?;
    run.status
        .after(RunStep::Discard)
        .map_err(|_| wrong_state(&run))?;
    drop_lines(&mut tx, &run).await?;
    sql!(&mut tx, c => sqlx::query("DELETE FROM payment_run WHERE id = $1").bind(id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Discard, "payment_run", id)
            .detail(serde_json::json!({"month": run.month.to_string()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves an exported run to settled or partly returned once no line waits for the bank.
pub async fn settle_if_done(tx: &mut Tx, id: i64) -> AppResult<()> {
    let run = load(tx, id).await?;
    if !run.status.with_the_bank() {
        return Ok(());
    }
    let (Some(a), Some(b)) = (run.first_line, run.last_line) else {
        return Ok(());
    };
    let (open, returned): (i64, i64) = sql!(tx, c => sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN status = 'returned' OR (status = 'written_off' AND account_id IS NOT NULL) THEN 1 ELSE 0 END), 0) \
         FROM payment_line WHERE id >= $1 AND id <= $2 AND run_id = $3")
        .bind(a).bind(b).bind(id).fetch_one(c).await?);
    let status = RunStatus::as_the_bank_says(open, returned);
    if status != run.status {
        sql!(tx, c => sqlx::query("UPDATE payment_run SET status = $1, version = version + 1 WHERE id = $2")
            .bind(status.code()).bind(id).execute(c).await?.rows_affected());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(right: &str, account: Option<i64>, lines: i64, total: i64, held: i64) -> SummaryRow {
        SummaryRow {
            right: right.into(),
            funder: "state".into(),
            account_id: account,
            currency: "EUR".into(),
            lines,
            total,
            held,
            held_total: held * 100,
            deducted: 0,
        }
    }

    #[test]
    fn a_right_shows_once_with_its_held_lines() {
        // The paid lines went to account 1; the held ones have no account.
        let rows = vec![
            row("dsp", Some(1), 10, 5_000, 0),
            row("dsp", None, 0, 0, 2),
            row("vd", Some(1), 3, 900, 0),
        ];
        let folded = fold_accounts(rows);
        assert_eq!(folded.len(), 2);
        assert_eq!(folded[0].right, "dsp");
        assert_eq!((folded[0].lines, folded[0].total), (10, 5_000));
        assert_eq!((folded[0].held, folded[0].held_total), (2, 200));
        assert_eq!(folded[0].account_id, None);
        assert_eq!(folded[1].account_id, Some(1));
    }
}
