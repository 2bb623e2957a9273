//! The yearly provisional calculation (Slovenia's *informativni izračun*): every
//! entitlement of a renewing right that ends in the month before is calculated again
//! from its frozen input with the parameters of the new period, in sets of rows (not one
//! by one): a provisional decision and a new entitlement each, and payment continues.
//! The decision is deemed delivered 21 days after dispatch; an objection is due 15 days
//! after that.

use skrb_domain::rights::{calculate, deadlines, Household, Minor, Params};
use skrb_kit::audit::Action;
use time::{Date, Duration};

use super::catalogue::{self, RightType};
use super::decisions::{self, funding_text, Frozen, FrozenPerson, FrozenRight};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

/// Rows per set: each set is computed in memory and written with a few statements.
const BATCH: usize = 10_000;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RenewalReport)]
pub struct Report {
    pub right: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub month: Date,
    pub dry_run: bool,
    /// Entitlements ending in the month before.
    pub selected: usize,
    pub renewed: usize,
    /// Entitlements whose input no longer calculates (a missing parameter or input),
    /// left for the officer: (entitlement, reason).
    pub failed: Vec<(i64, String)>,
    pub raised: usize,
    pub lowered: usize,
    /// Monthly totals in minor units before and after.
    pub total_before: i64,
    pub total_after: i64,
    /// Where the time went: calculating, writing decisions, entitlements, audit records,
    /// ending the old entitlements (for the log and the benchmark).
    #[serde(skip)]
    pub spent: [std::time::Duration; 5],
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RenewalForm {
    /// The right's code (one that renews, e.g. `vd`, `rs_cash`).
    #[serde(deserialize_with = "lenient")]
    pub right: String,
    /// The first month of the new period, `YYYY-MM`.
    #[serde(deserialize_with = "lenient")]
    pub month: String,
    /// The day the provisional decisions are sent (default today).
    #[serde(deserialize_with = "lenient")]
    pub dispatched_on: String,
    /// Calculate and report, change nothing.
    #[serde(deserialize_with = "lenient")]
    pub dry_run: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    centre_id: i64,
    person_id: i64,
    amount: Minor,
    currency: String,
    input: String,
    number: String,
    application_id: Option<i64>,
    given_name: String,
    family_name: String,
    emso: Option<String>,
    address: Option<String>,
    centre: String,
}

pub async fn run(
    db: &Db,
    actor: &Actor,
    f: &RenewalForm,
    today: Date,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<Report> {
    let mut ck = Check::new();
    let code = ck.text("right", &f.right, true, 60);
    let month = skrb_kit::dates::parse_month(&f.month);
    if month.is_none() {
        ck.err("month", "rights-err-month");
    }
    let dispatched = ck
        .date("dispatched_on", &f.dispatched_on, false)
        .unwrap_or(today);
    ck.done()?;
    let (Some(code), Some(month)) = (code, month) else {
        return Err(AppError::BadRequest("renewal".into()));
    };
    let dry = skrb_kit::form::truthy(&f.dry_run);
    let mut tx = if dry {
        db.begin_read().await?
    } else {
        db.begin().await?
    };
    let report = run_in(
        &mut tx, actor, &code, month, dispatched, dry, today, progress,
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The renewal inside the caller's transaction (the benchmark measures it and rolls
/// back). A dry run only calculates.
#[allow(clippy::too_many_arguments)]
pub async fn run_in(
    tx: &mut Tx,
    actor: &Actor,
    code: &str,
    month: Date,
    dispatched: Date,
    dry: bool,
    today: Date,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<Report> {
    let rt = catalogue::by_code(tx, code).await?.filter(|r| r.renews);
    let Some(rt) = rt else {
        return Err(skrb_kit::form::field_error(
            "right",
            "rights-err-right-no-renewal",
        ));
    };
    if !dry {
        if let Tx::Postgres(t) = &mut *tx {
            // Ids are assigned by the job; no other insert may take them meanwhile.
            sqlx::query("LOCK TABLE decision, entitlement IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut **t)
                .await?;
        }
    }
    let mut job = Renewal::prepare(tx, actor, &rt, month, dispatched, today, dry).await?;
    let rows = ending(tx, actor, &rt, month).await?;
    let mut report = Report {
        right: rt.code.clone(),
        month,
        dry_run: dry,
        selected: rows.len(),
        renewed: 0,
        failed: Vec::new(),
        raised: 0,
        lowered: 0,
        total_before: 0,
        total_after: 0,
        spent: [std::time::Duration::ZERO; 5],
    };
    let mut done = 0;
    for chunk in rows.chunks(BATCH) {
        let t0 = std::time::Instant::now();
        let mut set = Set::default();
        for r in chunk {
            job.renew(r, &mut report, &mut set)?;
        }
        report.spent[0] += t0.elapsed();
        if !dry && !set.old.is_empty() {
            write_set(tx, &job, &set, &mut report.spent).await?;
        }
        done += chunk.len();
        progress(done, rows.len());
    }
    if rows.is_empty() {
        progress(0, 0);
    }
    let spent = report.spent;
    tracing::info!(
        right = %rt.code, rows = rows.len(), calculate = ?spent[0], decisions = ?spent[1],
        entitlements = ?spent[2], audit = ?spent[3], end_old = ?spent[4], "renewal"
    );
    if !dry {
        bulk::sync_identity(tx, "decision").await?;
        bulk::sync_identity(tx, "entitlement").await?;
    }
    audit::record(tx, actor, Event::about(if dry { Action::RenewalPreview } else { Action::Renewal }, "right_type").detail(serde_json::json!({
        "right": rt.code, "month": month.to_string(), "selected": report.selected, "renewed": report.renewed,
        "failed": report.failed.len(), "total_before": report.total_before, "total_after": report.total_after
    }))).await?;
    Ok(report)
}

/// The last month before `month`: the entitlements ending in it are renewed.
fn month_before(month: Date) -> (Date, Date) {
    let last = month - Duration::days(1);
    (last.replace_day(1).unwrap_or(last), last)
}

/// The right's active entitlements ending in the month before, in the actor's centre
/// (every centre's for the ministry's job), by id.
async fn ending(tx: &mut Tx, actor: &Actor, rt: &RightType, month: Date) -> AppResult<Vec<Row>> {
    let (prev_first, prev_last) = month_before(month);
    Ok(sql!(tx, c => sqlx::query_as(
        "SELECT e.id, e.centre_id, e.person_id, e.amount, e.currency, e.input, d.number, d.application_id, \
         p.given_name, p.family_name, p.emso, p.address, ce.name AS centre \
         FROM entitlement e JOIN decision d ON d.id = e.decision_id JOIN person p ON p.id = e.person_id \
         JOIN centre ce ON ce.id = e.centre_id \
         WHERE e.right_id = $1 AND e.status = 'active' AND e.valid_to >= $2 AND e.valid_to <= $3 \
         AND ($4 IS NULL OR e.centre_id = $4) ORDER BY e.id")
        .bind(rt.id).bind(prev_first).bind(prev_last).bind(skrb_kit::scope::centre_of(actor)).fetch_all(c).await?))
}

/// What every renewed entitlement of a run shares: the right, its parameters for the
/// month, the new period, the decision's words and signatory, and the ids handed out.
struct Renewal<'a> {
    actor: &'a Actor,
    rt: &'a RightType,
    params: Params,
    right: FrozenRight,
    locale: skrb_kit::i18n::Locale,
    month: Date,
    to: Date,
    dispatched: Date,
    today: Date,
    dry: bool,
    reasoning: String,
    signatory: String,
    next_decision: i64,
    next_entitlement: i64,
}

/// A set's rows to write: decisions, entitlements, audit entries, and the ids of the
/// entitlements they replace (ascending).
#[derive(Default)]
struct Set {
    decisions: Vec<Vec<Cell>>,
    entitlements: Vec<Vec<Cell>>,
    audits: Vec<Vec<Cell>>,
    old: Vec<i64>,
}

impl<'a> Renewal<'a> {
    async fn prepare(
        tx: &mut Tx,
        actor: &'a Actor,
        rt: &'a RightType,
        month: Date,
        dispatched: Date,
        today: Date,
        dry: bool,
    ) -> AppResult<Renewal<'a>> {
        let months = rt.max_months.unwrap_or(12);
        let l = decisions::centre_locale(&rt.jurisdiction);
        let (next_decision, next_entitlement) = if dry {
            (0, 0)
        } else {
            (
                bulk::next_id(tx, "decision").await?,
                bulk::next_id(tx, "entitlement").await?,
            )
        };
        Ok(Renewal {
            actor,
            rt,
            params: catalogue::params_at(tx, &rt.jurisdiction, month).await?,
            right: FrozenRight {
                code: rt.code.clone(),
                name: rt.name_in(l),
                legal_basis: rt.legal_basis.clone(),
            },
            locale: l,
            month,
            to: deadlines::month_end(deadlines::add_months(month, (months - 1).max(0) as u32)),
            dispatched,
            today,
            dry,
            reasoning: skrb_kit::i18n::t(l, "rights-reasoning-provisional"),
            signatory: super::user_name(tx, actor.user_id).await?,
            next_decision,
            next_entitlement,
        })
    }

    /// Calculates one entitlement's new amount from its frozen household and today's
    /// parameters, counts it into the report, and (unless a dry run) adds its
    /// provisional decision, new entitlement and audit entry to the set. A household
    /// that no longer reads or calculates is reported, not renewed.
    fn renew(&mut self, r: &Row, report: &mut Report, set: &mut Set) -> AppResult<()> {
        let rt = self.rt;
        let household: Household = match serde_json::from_str(&r.input) {
            Ok(h) => h,
            Err(e) => {
                report.failed.push((r.id, e.to_string()));
                return Ok(());
            }
        };
        let calc = match calculate(rt.calc(), &rt.code, &self.params, &household) {
            Ok(c) => c,
            Err(e) => {
                report.failed.push((r.id, e.to_string()));
                return Ok(());
            }
        };
        report.total_before += r.amount;
        report.total_after += calc.amount;
        match calc.amount.cmp(&r.amount) {
            std::cmp::Ordering::Greater => report.raised += 1,
            std::cmp::Ordering::Less => report.lowered += 1,
            _ => {}
        }
        report.renewed += 1;
        if self.dry {
            return Ok(());
        }
        let amount = calc.amount;
        let frozen = Frozen {
            params: self.params.only(&calc.used),
            household,
            calculation: Some(calc),
            person: FrozenPerson {
                name: format!("{} {}", r.given_name, r.family_name),
                emso: r.emso.clone(),
                address: r.address.clone(),
                birth_date: None,
            },
            right: self.right.clone(),
            centre: r.centre.clone(),
            locale: self.locale.code().to_string(),
        };
        let inputs = serde_json::to_string(&frozen).map_err(|e| AppError::Internal(e.into()))?;
        let input =
            serde_json::to_string(&frozen.household).map_err(|e| AppError::Internal(e.into()))?;
        let (actor, now) = (self.actor, self.actor.now);
        let did = self.next_decision;
        self.next_decision += 1;
        let eid = self.next_entitlement;
        self.next_entitlement += 1;
        set.decisions.push(vec![
            Cell::Int(did),
            Cell::Int(r.centre_id),
            r.application_id.into(),
            Cell::Int(r.id),
            Cell::Int(r.person_id),
            Cell::Int(rt.id),
            "provisional".into(),
            "granted".into(),
            Cell::Int(amount),
            r.currency.clone().into(),
            self.month.into(),
            self.to.into(),
            self.reasoning.clone().into(),
            inputs.into(),
            "issued".into(),
            r.number.clone().into(),
            self.today.into(),
            actor.user_id.into(),
            self.signatory.clone().into(),
            self.dispatched.into(),
            now.into(),
        ]);
        set.entitlements.push(vec![
            Cell::Int(eid),
            Cell::Int(r.centre_id),
            Cell::Int(did),
            Cell::Int(r.person_id),
            Cell::Int(rt.id),
            Cell::Int(amount),
            r.currency.clone().into(),
            self.month.into(),
            self.to.into(),
            "active".into(),
            funding_text(amount, rt).into(),
            input.into(),
        ]);
        set.audits.push(audit::bulk_row(
            actor,
            Action::Renew,
            "entitlement",
            eid,
            Some(r.person_id),
            Some(
                serde_json::json!({"from": r.id, "was": r.amount, "amount": amount, "decision": did})
                    .to_string(),
            ),
            None,
        ));
        set.old.push(r.id);
        Ok(())
    }
}

/// Writes a set (decisions, entitlements, audit entries) and ends the entitlements it
/// renews, timing each write.
async fn write_set(
    tx: &mut Tx,
    job: &Renewal<'_>,
    set: &Set,
    spent: &mut [std::time::Duration; 5],
) -> AppResult<()> {
    let t = std::time::Instant::now();
    bulk::insert(tx, "decision", &DECISION_COLUMNS, &set.decisions).await?;
    spent[1] += t.elapsed();
    let t = std::time::Instant::now();
    bulk::insert(tx, "entitlement", &ENTITLEMENT_COLUMNS, &set.entitlements).await?;
    spent[2] += t.elapsed();
    let t = std::time::Instant::now();
    bulk::insert(tx, "audit_log", &audit::BULK_COLUMNS, &set.audits).await?;
    spent[3] += t.elapsed();
    let t = std::time::Instant::now();
    let (lo, hi) = (set.old[0], set.old[set.old.len() - 1]);
    let (prev_first, prev_last) = month_before(job.month);
    // The renewed ones of this set end; the set's ids are ascending.
    sql!(tx, c => sqlx::query(
        "UPDATE entitlement SET status = 'ended', end_reason = 'renewed', version = version + 1 \
         WHERE id >= $1 AND id <= $2 AND right_id = $3 AND status = 'active' AND valid_to >= $4 AND valid_to <= $5 \
         AND EXISTS (SELECT 1 FROM decision d WHERE d.entitlement_id = entitlement.id AND d.kind = 'provisional' AND d.period_from = $6)")
        .bind(lo).bind(hi).bind(job.rt.id).bind(prev_first).bind(prev_last).bind(job.month).execute(c).await?.rows_affected());
    spent[4] += t.elapsed();
    Ok(())
}

/// The columns a renewal writes (public for the bench's copy of the same rows).
pub const DECISION_COLUMNS: [&str; 21] = [
    "id",
    "centre_id",
    "application_id",
    "entitlement_id",
    "person_id",
    "right_id",
    "kind",
    "outcome",
    "amount",
    "currency",
    "period_from",
    "period_to",
    "reasoning",
    "inputs",
    "status",
    "number",
    "decided_on",
    "decided_by",
    "signatory",
    "dispatched_on",
    "created_at",
];

/// The columns a renewal writes (public for the bench's copy of the same rows).
pub const ENTITLEMENT_COLUMNS: [&str; 12] = [
    "id",
    "centre_id",
    "decision_id",
    "person_id",
    "right_id",
    "amount",
    "currency",
    "valid_from",
    "valid_to",
    "status",
    "funding",
    "input",
];

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectionForm {
    #[serde(deserialize_with = "lenient")]
    pub on: String,
    #[serde(deserialize_with = "lenient")]
    pub objection: String,
}

/// An objection to a provisional calculation, within 15 days of its deemed delivery.
/// Payment continues; the officer decides on it with a change.
pub async fn object(
    db: &Db,
    actor: &Actor,
    decision_id: i64,
    f: &ObjectionForm,
    today: Date,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let d = decisions::guard(&mut tx, actor, decision_id).await?;
    if d.kind != "provisional" {
        return Err(AppError::Refused(Msg::new("rights-err-not-provisional")));
    }
    if d.objection_on.is_some() {
        return Err(AppError::Refused(Msg::new("rights-err-objection-exists")));
    }
    let mut ck = Check::new();
    let on = ck.date("on", &f.on, false).unwrap_or(today);
    if on > today {
        ck.err("on", "registry-err-date-future");
    }
    let text = ck.text("objection", &f.objection, true, 20_000);
    if let Some(due) = d.objection_due() {
        if on > due {
            ck.err_msg("on", Msg::new("rights-err-objection-late").date("due", due));
        }
    }
    ck.done()?;
    sql!(&mut tx, c => sqlx::query("UPDATE decision SET objection_on = $1, objection = $2 WHERE id = $3")
        .bind(on).bind(&text).bind(decision_id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Object, "decision", decision_id)
            .person(d.person_id)
            .detail(serde_json::json!({"on": on.to_string()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
