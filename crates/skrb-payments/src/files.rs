//! The bank files of a run: per payer account, files of at most its batch size, in
//! the account's format (`pain.001.001.03`, `.09`, or its CSV layout). Exporting
//! records each file (message id, count, sum, first and last line, SHA-256); the
//! content is written again from the lines on demand, byte for byte the same, and
//! checked against the recorded hash.

use skrb_domain::payments::states::RunStep;
use skrb_kit::audit::Action;
use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};
use skrb_domain::payments::{csv, pain};
use skrb_domain::rights::Minor;
use time::Date;

use super::accounts::{self, PayerAccount};
use super::runs::{self, Run};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::{AppError, AppResult, Msg};
use skrb_kit::sql;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct BankFile {
    pub id: i64,
    pub run_id: i64,
    pub seq: i64,
    pub account_id: i64,
    pub format: String,
    pub msg_id: String,
    pub created: String,
    pub name: String,
    pub transfers: i64,
    /// Minor units.
    pub total: i64,
    pub currency: String,
    pub first_line: i64,
    pub last_line: i64,
    pub sha256: String,
}

/// A line to pay, its text borrowed from the rows read in bulk.
struct Payable<'a> {
    id: i64,
    account_id: i64,
    right_id: i64,
    month: Date,
    amount: Minor,
    payee: &'a str,
    iban: Option<&'a str>,
    address: Option<&'a str>,
}

const PAYABLE_COLS: [&str; 8] = [
    "id",
    "account_id",
    "right_id",
    "month",
    "amount",
    "payee",
    "iban",
    "address",
];

/// The lines of `rows` (read with [`PAYABLE_COLS`]) in line order. A line that cannot
/// be read stops the export: never a file without it.
fn payables(rows: &skrb_kit::bulk::Rows) -> AppResult<Vec<Payable<'_>>> {
    let mut out = rows
        .iter()
        .map(|r| {
            r.read("payment line", |r| {
                Some(Payable {
                    id: r.int(0)?,
                    account_id: r.int(1)?,
                    right_id: r.int(2)?,
                    month: r.date(3)?,
                    amount: r.int(4)?,
                    payee: r.text(5)?,
                    iban: r.text(6),
                    address: r.text(7),
                })
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_unstable_by_key(|p| p.id);
    Ok(out)
}

pub async fn of_run(tx: &mut Tx, run: i64) -> AppResult<Vec<BankFile>> {
    Ok(sql!(tx, c => sqlx::query_as(
        "SELECT id, run_id, seq, account_id, format, msg_id, created, name, transfers, total, currency, first_line, last_line, sha256 \
         FROM payment_file WHERE run_id = $1 ORDER BY seq").bind(run).fetch_all(c).await?))
}

/// What a transfer says it is for: the right's name in the centre's language and the
/// month, e.g. `Varstveni dodatek 04/2026`.
pub(crate) fn remittance(names: &BTreeMap<i64, String>, right: i64, month: Date) -> String {
    format!(
        "{} {:02}/{}",
        names.get(&right).map(String::as_str).unwrap_or(""),
        u8::from(month.month()),
        month.year()
    )
}

fn render(
    acct: &PayerAccount,
    msg_id: &str,
    created: &str,
    execution: Date,
    names: &BTreeMap<i64, String>,
    lines: &[Payable<'_>],
) -> Vec<u8> {
    // What each transfer is for: one text per right and month, not one per line.
    let mut remits: HashMap<(i64, Date), String> = HashMap::new();
    for l in lines {
        remits
            .entry((l.right_id, l.month))
            .or_insert_with(|| remittance(names, l.right_id, l.month));
    }
    let batch = pain::Batch {
        id: format!("{msg_id}-B1"),
        execution,
        debtor: pain::Party {
            name: &acct.name,
            iban: &acct.iban,
            bic: acct.bic.as_deref(),
            address: acct.address.as_deref(),
            country: &acct.country,
        },
        currency: &acct.currency,
        transfers: lines
            .iter()
            .map(|l| pain::Transfer {
                end_to_end: super::end_to_end(l.id),
                amount: l.amount,
                creditor: pain::Party {
                    name: l.payee,
                    iban: l.iban.unwrap_or_default(),
                    bic: None,
                    address: l.address,
                    country: &acct.country,
                },
                remittance: remits
                    .get(&(l.right_id, l.month))
                    .map_or("", String::as_str),
            })
            .collect(),
    };
    match acct.format.as_str() {
        "csv" => csv::write(&acct.layout(), &[batch]).into_bytes(),
        f => {
            let v = if f == "pain.001.001.09" {
                pain::Version::V09
            } else {
                pain::Version::V03
            };
            let m = pain::Message {
                id: msg_id,
                created,
                initiator: &acct.name,
                batches: vec![batch],
            };
            pain::write(&m, v).into_bytes()
        }
    }
}

async fn right_names(tx: &mut Tx) -> AppResult<BTreeMap<i64, String>> {
    Ok(skrb_rights::catalogue::all_in(tx)
        .await?
        .into_iter()
        .map(|r| {
            let l = skrb_rights::decisions::centre_locale(&r.jurisdiction);
            (r.id, r.name_in(l))
        })
        .collect())
}

/// A file as written.
pub struct Written {
    pub file: BankFile,
    pub content: Vec<u8>,
}

/// Exports an approved run: writes and records its files, in one transaction.
pub async fn export(
    db: &Db,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
) -> AppResult<Vec<Written>> {
    let mut tx = db.begin().await?;
    let out = export_in(&mut tx, actor, id, version).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn export_in(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    version: Option<i64>,
) -> AppResult<Vec<Written>> {
    let run = runs::guard(tx, actor, id).await?;
    if let Some(v) = version {
        if v != run.version {
            return Err(AppError::Conflict {
                current_version: run.version,
            });
        }
    }
    if run.status.after(RunStep::Export).is_err() {
        return Err(AppError::Refused(
            Msg::new("payments-err-state").arg("status", run.status.code()),
        ));
    }
    let now = actor.now;
    let created = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let accts: BTreeMap<i64, PayerAccount> = accounts::all_in(tx, None)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let names = right_names(tx).await?;
    let centre_codes: BTreeMap<i64, String> =
        sql!(tx, c => sqlx::query_as::<_, (i64, String)>("SELECT id, code FROM centre")
        .fetch_all(c).await?)
        .into_iter()
        .collect();
    let mut by_account: BTreeMap<i64, Vec<Payable>> = BTreeMap::new();
    let t_read = std::time::Instant::now();
    let mut rows = skrb_kit::bulk::Rows::default();
    if let (Some(a), Some(b)) = (run.first_line, run.last_line) {
        rows = skrb_kit::bulk::select(
            tx,
            &PAYABLE_COLS,
            &format!(
                "FROM payment_line WHERE id >= {a} AND id <= {b} AND run_id = {id} AND account_id IS NOT NULL"
            ),
        )
        .await?;
    }
    for r in payables(&rows)? {
        by_account.entry(r.account_id).or_default().push(r);
    }
    let t_read = t_read.elapsed();
    let t_render = std::time::Instant::now();
    // The files to write, in order; then written on every core (they are independent).
    let mut work: Vec<(i64, &PayerAccount, &[Payable])> = Vec::new();
    for (acct_id, lines) in &by_account {
        let Some(acct) = accts.get(acct_id) else {
            return Err(AppError::Internal(anyhow::anyhow!(
                "payer account {acct_id} is gone"
            )));
        };
        for chunk in lines.chunks(acct.batch_size.max(1) as usize) {
            work.push((work.len() as i64 + 1, acct, chunk));
        }
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let per = work.len().div_ceil(threads).max(1);
    let rendered: Vec<(Vec<u8>, String)> = std::thread::scope(|sc| {
        let handles: Vec<_> = work
            .chunks(per)
            .map(|part| {
                let (created, names) = (&created, &names);
                sc.spawn(move || {
                    part.iter()
                        .map(|(seq, acct, chunk)| {
                            let msg_id = format!("SKRB-R{id}-F{seq}");
                            let content =
                                render(acct, &msg_id, created, run.execution_on, names, chunk);
                            let sha = skrb_kit::audit::chain::hex(&Sha256::digest(&content));
                            (content, sha)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    if rendered.len() != work.len() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a bank file could not be written"
        )));
    }
    let mut out = Vec::new();
    let mut file_rows = Vec::new();
    for ((seq, acct, chunk), (content, sha)) in work.iter().zip(rendered) {
        let seq = *seq;
        let ext = if acct.format == "csv" { "csv" } else { "xml" };
        let name = format!(
            "skrb-{}-{:04}-{:02}-run{id}-{seq:03}-{}.{ext}",
            centre_codes
                .get(&acct.centre_id)
                .map(String::as_str)
                .unwrap_or("centre"),
            run.month.year(),
            u8::from(run.month.month()),
            acct.funder
        );
        let file = BankFile {
            id: 0,
            run_id: id,
            seq,
            account_id: acct.id,
            format: acct.format.clone(),
            msg_id: format!("SKRB-R{id}-F{seq}"),
            created: created.clone(),
            name,
            transfers: chunk.len() as i64,
            total: chunk.iter().map(|l| l.amount).sum(),
            currency: acct.currency.clone(),
            first_line: chunk[0].id,
            last_line: chunk[chunk.len() - 1].id,
            sha256: sha,
        };
        file_rows.push(vec![
            skrb_kit::bulk::Cell::Int(file.run_id),
            file.seq.into(),
            file.account_id.into(),
            file.format.clone().into(),
            file.msg_id.clone().into(),
            file.created.clone().into(),
            file.name.clone().into(),
            file.transfers.into(),
            file.total.into(),
            file.currency.clone().into(),
            file.first_line.into(),
            file.last_line.into(),
            file.sha256.clone().into(),
        ]);
        out.push(Written { file, content });
    }
    tracing::info!(run = id, files = out.len(), read = ?t_read, render = ?t_render.elapsed(), "payment run exported");
    if std::env::var_os("SKRB_TIMINGS").is_some() {
        eprintln!(
            "export: read {t_read:?}, render and hash {:?}",
            t_render.elapsed()
        );
    }
    skrb_kit::bulk::insert(
        tx,
        "payment_file",
        &[
            "run_id",
            "seq",
            "account_id",
            "format",
            "msg_id",
            "created",
            "name",
            "transfers",
            "total",
            "currency",
            "first_line",
            "last_line",
            "sha256",
        ],
        &file_rows,
    )
    .await?;
    let n = sql!(tx, c => sqlx::query(
        "UPDATE payment_run SET status = 'exported', exported_by = $1, exported_at = $2, version = version + 1 \
         WHERE id = $3 AND status = 'approved' AND version = $4")
        .bind(actor.user_id).bind(now).bind(id).bind(run.version).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(AppError::Conflict {
            current_version: run.version,
        });
    }
    audit::record(
        tx,
        actor,
        Event::new(Action::Export, "payment_run", id).detail(serde_json::json!({
            "files": out.iter().map(|w| serde_json::json!({"name": w.file.name, "msg_id": w.file.msg_id, "transfers": w.file.transfers, "sha256": w.file.sha256})).collect::<Vec<_>>()
        })),
    )
    .await?;
    // An empty run (everything held) settles at once.
    if out.is_empty() {
        runs::settle_if_done(tx, id).await?;
    }
    Ok(out)
}

/// One exported file, written again from its lines and checked against its hash.
pub async fn content(db: &Db, actor: &Actor, run_id: i64, seq: i64) -> AppResult<Written> {
    let mut tx = db.begin().await?;
    let run: Run = runs::guard(&mut tx, actor, run_id).await?;
    let file = of_run(&mut tx, run_id)
        .await?
        .into_iter()
        .find(|f| f.seq == seq)
        .ok_or(AppError::NotFound)?;
    let acct = accounts::all_in(&mut tx, None)
        .await?
        .into_iter()
        .find(|a| a.id == file.account_id)
        .ok_or(AppError::NotFound)?;
    let names = right_names(&mut tx).await?;
    let rows = skrb_kit::bulk::select(
        &mut tx,
        &PAYABLE_COLS,
        &format!(
            "FROM payment_line WHERE id >= {} AND id <= {} AND run_id = {run_id} AND account_id = {}",
            file.first_line, file.last_line, file.account_id
        ),
    )
    .await?;
    let lines = payables(&rows)?;
    // The account as it was: its name, IBAN and layout may have changed since; the
    // hash says whether the file is still the one sent.
    let content = render(
        &acct,
        &file.msg_id,
        &file.created,
        run.execution_on,
        &names,
        &lines,
    );
    let sha = skrb_kit::audit::chain::hex(&Sha256::digest(&content));
    if sha != file.sha256 {
        return Err(AppError::Refused(Msg::new("payments-err-file-changed")));
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Download, "payment_file", file.id)
            .detail(serde_json::json!({"run": run_id, "seq": seq})),
    )
    .await?;
    tx.commit().await?;
    Ok(Written { file, content })
}
