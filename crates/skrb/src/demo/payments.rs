//! Payments for the demo: every centre gets its payer accounts (Slovenia's centres
//! pay from the state's account in pain.001.001.03, Republika Srpska's from the
//! entity's and the municipality's in the banks' CSV); entitlement holders get a bank
//! account (a few are left without one, for the work list); last month is paid by the
//! real use cases, run per centre: calculated by the finance officer, approved by the
//! director, exported, and settled by a camt.053 statement that returns a few (closed
//! accounts); about one entitlement in a thousand has an overpayment being recovered;
//! this month's run of CSD Velenje waits for the director's approval.

use std::time::Instant;

use skrb_domain::iban;
use skrb_domain::payments::camt::{self, Item, Outcome};
use time::Date;

use crate::audit::Actor;
use skrb_domain::rights::deadlines;
use skrb_kit::bulk::{self, Cell};
use skrb_kit::db::{Db, Tx};
use skrb_kit::{sql, sql_pool};
use skrb_payments::history::{self, RecoveryForm};
use skrb_payments::{files, runs, statements};

async fn accounts(db: &Db) -> anyhow::Result<()> {
    let centres: Vec<(i64, String, String)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, name, jurisdiction FROM centre ORDER BY id").fetch_all(p).await?);
    let mut tx = db.begin().await?;
    let mut rows = Vec::new();
    for (id, name, j) in centres {
        let accounts: Vec<(&str, String, String, &str)> = if j == "RS" {
            vec![
                (
                    "entity",
                    format!("Republika Srpska - {name}"),
                    iban::compose("BA", &format!("5620{:012}", id * 7 + 1)),
                    "csv",
                ),
                (
                    "municipality",
                    format!("Grad - {name}"),
                    iban::compose("BA", &format!("5550{:012}", id * 7 + 2)),
                    "csv",
                ),
            ]
        } else {
            vec![
                (
                    "state",
                    format!("Republika Slovenija - {name}"),
                    iban::compose("SI", &format!("01100{:010}", id * 7 + 3)),
                    "pain.001.001.03",
                ),
                (
                    "municipality",
                    format!("Obcina - {name}"),
                    iban::compose("SI", &format!("01100{:010}", id * 7 + 4)),
                    "pain.001.001.09",
                ),
            ]
        };
        for (funder, n, ib, format) in accounts {
            rows.push(vec![
                Cell::Int(id),
                funder.into(),
                n.into(),
                ib.into(),
                if j == "RS" {
                    Cell::Null
                } else {
                    "BSLJSI2X".into()
                },
                if j == "RS" {
                    "Trg slobode 1, 89101 Trebinje"
                } else {
                    "Gregorciceva 20, 1000 Ljubljana"
                }
                .into(),
                if j == "RS" { "BA" } else { "SI" }.into(),
                if j == "RS" { "BAM" } else { "EUR" }.into(),
                format.into(),
            ]);
        }
    }
    bulk::insert(
        &mut tx,
        "payer_account",
        &[
            "centre_id",
            "funder",
            "name",
            "iban",
            "bic",
            "address",
            "country",
            "currency",
            "format",
        ],
        &rows,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Entitlement holders without an account get one, but one in 50.
async fn holders_accounts(db: &Db) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let rows: Vec<(i64, Option<String>)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT DISTINCT p.id, c.jurisdiction FROM entitlement e JOIN person p ON p.id = e.person_id \
         LEFT JOIN centre c ON c.id = e.centre_id WHERE p.iban IS NULL AND p.id % 50 <> 13 ORDER BY p.id").fetch_all(c).await?);
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(id, j)| {
            let ib = if j.as_deref() == Some("RS") {
                iban::compose("BA", &format!("{:016}", 1_610_000_000_000_000 + id))
            } else {
                iban::compose("SI", &format!("{:015}", 610_000_000_000_000 + id))
            };
            vec![Cell::Int(*id), ib.into()]
        })
        .collect();
    set_ibans(&mut tx, &cells).await?;
    tx.commit().await?;
    Ok(cells.len())
}

/// One statement per set, not one per person: a scratch table, then one UPDATE.
async fn set_ibans(tx: &mut Tx, rows: &[Vec<Cell>]) -> anyhow::Result<()> {
    let create = match tx {
        Tx::Sqlite(_) => "CREATE TEMP TABLE demo_iban (id INTEGER PRIMARY KEY, iban TEXT NOT NULL)",
        Tx::Postgres(_) => {
            "CREATE TEMP TABLE demo_iban (id BIGINT PRIMARY KEY, iban TEXT NOT NULL) ON COMMIT DROP"
        }
    };
    sql!(tx, c => sqlx::query(create).execute(c).await?.rows_affected());
    bulk::insert(tx, "demo_iban", &["id", "iban"], rows).await?;
    sql!(tx, c => sqlx::query(
        "UPDATE person SET iban = (SELECT d.iban FROM demo_iban d WHERE d.id = person.id) WHERE id IN (SELECT id FROM demo_iban)")
        .execute(c).await?.rows_affected());
    if let Tx::Sqlite(_) = tx {
        sql!(tx, c => sqlx::query("DROP TABLE demo_iban").execute(c).await?.rows_affected());
    }
    Ok(())
}

async fn user(db: &Db, name: &str) -> anyhow::Result<Option<Actor>> {
    Ok(skrb_payments::actor_as(db, name).await.ok())
}

/// About one entitlement in a thousand was overpaid (income reported late): the
/// overpayment is recovered in three instalments from last month's payment on, through
/// the same use case as on the entitlement's page. Returns how many.
async fn recoveries(db: &Db, finance: &Actor, from: Date) -> anyhow::Result<usize> {
    let ids: Vec<i64> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT id FROM entitlement WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1) \
         AND amount > 6000 AND id % 997 = 5 ORDER BY id")
        .bind(from).fetch_all(p).await?);
    let form = RecoveryForm {
        total: "60,00".into(),
        instalment: "20,00".into(),
        from_month: format!("{}-{:02}", from.year(), u8::from(from.month())),
        reason: "Preveč izplačano: dohodek sporočen pozno".into(),
        ..RecoveryForm::default()
    };
    for id in &ids {
        history::add_recovery(db, finance, *id, &form).await?;
    }
    Ok(ids.len())
}

/// Pays last month (settled, a few returned) and calculates this month's run of the
/// demo's centre; returns the number of lines paid.
pub async fn generate(db: &Db, today: Date) -> anyhow::Result<usize> {
    let started = Instant::now();
    accounts(db).await?;
    let fixed = holders_accounts(db).await?;
    let (Some(finance), Some(director)) = (user(db, "finance").await?, user(db, "direktor").await?)
    else {
        return Ok(0);
    };
    let this = today.replace_day(1)?;
    let last = deadlines::add_months(this, 0) - time::Duration::days(1);
    let last = last.replace_day(1)?;
    let centres: Vec<(i64, String)> = sql_pool!(db, p => sqlx::query_as("SELECT id, code FROM centre ORDER BY id").fetch_all(p).await?);
    let recovering = recoveries(db, &finance, last).await?;
    let mut paid = 0;
    for (id, code) in &centres {
        let f = runs::RunForm {
            month: format!("{}-{:02}", last.year(), u8::from(last.month())),
            centre_id: id.to_string(),
            execution_on: today.to_string(),
            ..runs::RunForm::default()
        };
        let run = runs::create(db, &finance, &f, today).await?;
        let c = runs::calculate(db, &finance, run, None, &mut |_, _| {}).await?;
        runs::approve(db, &director, run, None).await?;
        let written = files::export(db, &finance, run, None).await?;
        paid += c.lines;
        // The bank books every transfer and sends back one in 150 (a closed account).
        let Some(first) = written.first() else {
            continue;
        };
        let currency = first.file.currency.clone();
        let lines: Vec<(i64, i64)> = {
            let mut tx = db.begin_read().await?;
            let list: Vec<(i64, i64)> = sql!(&mut tx, c => sqlx::query_as(
                "SELECT id, amount FROM payment_line WHERE run_id = $1 AND account_id IS NOT NULL ORDER BY id")
                .bind(run).fetch_all(c).await?);
            tx.commit().await?;
            list
        };
        let statement: Vec<Item> = lines
            .iter()
            .map(|(id, amount)| Item {
                end_to_end: skrb_payments::end_to_end(*id),
                amount: Some(*amount),
                booked: Some(today),
                outcome: if id % 150 == 7 {
                    Outcome::Returned {
                        code: "AC04".into(),
                        info: "Closed account".into(),
                    }
                } else {
                    Outcome::Settled
                },
            })
            .collect();
        let xml = camt::write_053(
            &format!("DEMO-{code}-{last}"),
            "",
            &currency,
            today,
            &statement,
        );
        statements::import(db, &finance, xml.as_bytes(), today).await?;
    }
    // This month's run of the demo's centre waits for the director.
    if let Some((vid, _)) = centres.iter().find(|(_, c)| c == "csd-velenje") {
        let f = runs::RunForm {
            month: format!("{}-{:02}", this.year(), u8::from(this.month())),
            centre_id: vid.to_string(),
            execution_on: today.to_string(),
            ..runs::RunForm::default()
        };
        let run = runs::create(db, &finance, &f, today).await?;
        runs::calculate(db, &finance, run, None, &mut |_, _| {}).await?;
    }
    eprintln!(
        "paid {paid} lines of {} for {} centres (holders given an account: {fixed}; overpayments being recovered: {recovering}) in {:.1} s",
        last,
        centres.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(paid)
}
