//! Extra programmes' figures: a country-wide eligibility list (households with a member
//! receiving financial social assistance, per member) evaluated by the database in one
//! statement, beside the bound of 2 s; and approving a list of up to 50,000
//! vouchers (the approval's checks, the freeze and the vouchers written with their codes)
//! beside bulk-inserting the same voucher rows. Everything in transactions rolled back:
//! the bench leaves the demo as it was.

use std::time::Instant;

use super::Line;
use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::sql;
use skrb_programmes::{lists, programmes};

/// Vouchers approved and issued at once.
const VOUCHERS: i64 = 50_000;

async fn programme(
    tx: &mut skrb_kit::db::Tx,
    centre: i64,
    benefit: &str,
    whole: bool,
) -> anyhow::Result<i64> {
    let now = time::OffsetDateTime::now_utc();
    let today = now.date();
    Ok(sql!(tx, c => sqlx::query_scalar(
        "INSERT INTO programme (centre_id, name, kind, period_from, period_to, benefit, recipient, item, unit, per, base, cap, unit_value, \
         currency, whole_country, rule_rights, list_status, created_at) VALUES ($1, 'bench', 'food', $2, $3, $4, 'household', 'paket', \
         'paket', 'member', 1, 5, 2500, 'EUR', $5, 'dsp', 'none', $6) RETURNING id")
        .bind(centre).bind(today).bind(today + time::Duration::days(90)).bind(benefit).bind(whole).bind(now)
        .fetch_one(c).await?))
}

pub(super) async fn bench(db: &Db, samples: usize) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    let centre: Option<i64> = skrb_kit::sql_pool!(db, p => sqlx::query_scalar(
        "SELECT id FROM centre WHERE code = 'csd-velenje'").fetch_optional(p).await?);
    let Some(centre) = centre else {
        return Ok(out);
    };
    let actor = Actor::system("bench");
    let today = time::OffsetDateTime::now_utc().date();
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..samples.clamp(1, 3) {
        let mut tx = db.begin().await?;
        let id = programme(&mut tx, centre, "item", true).await?;
        let p = programmes::guard(&mut tx, &actor, id)
            .await
            .map_err(anyhow::Error::msg)?;
        let t = Instant::now();
        found = lists::evaluate_in(&mut tx, &actor, &p, today)
            .await
            .map_err(anyhow::Error::msg)?;
        let b = programmes::budget(&mut tx, &p)
            .await
            .map_err(anyhow::Error::msg)?;
        times.push(t.elapsed().as_secs_f64());
        let _ = b;
        tx.rollback().await?;
    }
    times.sort_by(f64::total_cmp);
    let eval = times[times.len() / 2];
    out.push(Line {
        what: format!("country-wide eligibility list: {found} households, counts and budget"),
        p50: format!("{eval:.2} s"),
        p95: String::new(),
        limit: "2 s (the issue's bound)".into(),
        ratio: format!("×{:.2}", eval / 2.0),
    });

    // Approving and issuing vouchers, beside bulk-inserting the same rows.
    let mut tx = db.begin().await?;
    let id = programme(&mut tx, centre, "voucher", false).await?;
    let now = time::OffsetDateTime::now_utc();
    let listed = sql!(&mut tx, c => sqlx::query(&format!(
        "INSERT INTO programme_entry (programme_id, person_id, members, children, quantity, value, origin, removed, created_at) \
         SELECT $1, id, 1, 0, 1, 2500, 'rule', FALSE, $2 FROM person ORDER BY id LIMIT {VOUCHERS}"))
        .bind(id).bind(now).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("UPDATE programme SET list_status = 'draft', list_on = $1 WHERE id = $2")
        .bind(today).bind(id).execute(c).await?.rows_affected());
    let p = programmes::guard(&mut tx, &actor, id)
        .await
        .map_err(anyhow::Error::msg)?;
    let t = Instant::now();
    let issued = lists::approve_in(&mut tx, &actor, &p)
        .await
        .map_err(anyhow::Error::msg)?;
    let approve = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    let mut tx = db.begin().await?;
    let id = programme(&mut tx, centre, "voucher", false).await?;
    sql!(&mut tx, c => sqlx::query(&format!(
        "INSERT INTO programme_entry (programme_id, person_id, members, children, quantity, value, origin, removed, created_at) \
         SELECT $1, id, 1, 0, 1, 2500, 'rule', FALSE, $2 FROM person ORDER BY id LIMIT {VOUCHERS}"))
        .bind(id).bind(now).execute(c).await?.rows_affected());
    let entries: Vec<i64> = sql!(&mut tx, c => sqlx::query_scalar("SELECT id FROM programme_entry WHERE programme_id = $1 ORDER BY id")
        .bind(id).fetch_all(c).await?);
    let t = Instant::now();
    let rows: Vec<Vec<skrb_kit::bulk::Value<'_>>> = entries
        .iter()
        .map(|e| {
            vec![
                id.into(),
                (*e).into(),
                format!("B{e:012}").into(),
                2500.into(),
                today.into(),
            ]
        })
        .collect();
    skrb_kit::bulk::insert(
        &mut tx,
        "voucher",
        &["programme_id", "entry_id", "code", "value", "issued_on"],
        &rows,
    )
    .await?;
    let baseline = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    out.push(Line {
        what: format!(
            "approve a list and issue {} vouchers ({listed} listed)",
            issued.vouchers
        ),
        p50: format!("{approve:.2} s"),
        p95: format!("{:.0}/s", issued.vouchers as f64 / approve.max(0.001)),
        limit: format!("{baseline:.2} s bulk-inserting the same rows"),
        ratio: format!("×{:.1}", approve / baseline.max(0.001)),
    });
    Ok(out)
}
