//! The accounts a centre pays from: one per funding source (the state, the entity, the
//! municipality), each with its bank's file format, CSV layout and file size.

use skrb_domain::iban::Iban;
use skrb_domain::payments::csv::{Layout, DEFAULT_COLUMNS};
use skrb_kit::audit::Action;

use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::form::lenient;
use skrb_kit::form::Check;
use skrb_kit::sql;

pub const FORMATS: [&str; 3] = ["pain.001.001.03", "pain.001.001.09", "csv"];
pub const FUNDERS: [&str; 3] = ["state", "entity", "municipality"];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct PayerAccount {
    pub id: i64,
    pub centre_id: i64,
    pub centre: String,
    pub funder: String,
    pub name: String,
    pub iban: String,
    pub bic: Option<String>,
    pub address: Option<String>,
    pub country: String,
    pub currency: String,
    pub format: String,
    pub csv_columns: Option<String>,
    pub csv_separator: Option<String>,
    pub csv_decimal: Option<String>,
    pub csv_header: bool,
    pub batch_size: i64,
    pub active: bool,
    pub version: i64,
}

impl PayerAccount {
    /// The CSV layout (defaults where none is set).
    pub fn layout(&self) -> Layout {
        Layout::parse(
            self.csv_columns.as_deref().unwrap_or(DEFAULT_COLUMNS),
            self.csv_separator.as_deref().unwrap_or(";"),
            self.csv_decimal.as_deref().unwrap_or(","),
            self.csv_header,
        )
        .unwrap_or(Layout {
            columns: Vec::new(),
            separator: ';',
            decimal: ',',
            header: true,
        })
    }
}

const COLS: &str = "a.id, a.centre_id, c.name AS centre, a.funder, a.name, a.iban, a.bic, a.address, a.country, a.currency, \
    a.format, a.csv_columns, a.csv_separator, a.csv_decimal, a.csv_header, a.batch_size, a.active, a.version";

pub async fn all_in(tx: &mut Tx, centre: Option<i64>) -> AppResult<Vec<PayerAccount>> {
    let q = format!("SELECT {COLS} FROM payer_account a JOIN centre c ON c.id = a.centre_id WHERE ($1 IS NULL OR a.centre_id = $1) ORDER BY c.name, a.funder");
    Ok(sql!(tx, c => sqlx::query_as(&q).bind(centre).fetch_all(c).await?))
}

pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<PayerAccount>> {
    let mut tx = db.begin_read().await?;
    let rows = all_in(&mut tx, skrb_kit::scope::centre_of(actor)).await?;
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountForm {
    /// state, entity or municipality (the funding source it pays).
    #[serde(deserialize_with = "lenient")]
    pub funder: String,
    /// The account holder's name as the bank knows it.
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub iban: String,
    #[serde(deserialize_with = "lenient")]
    pub bic: String,
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    /// pain.001.001.03, pain.001.001.09 or csv.
    #[serde(deserialize_with = "lenient")]
    pub format: String,
    /// For csv: column names, e.g. `debtor_iban,creditor_iban,creditor_name,amount`.
    #[serde(deserialize_with = "lenient")]
    pub csv_columns: String,
    #[serde(deserialize_with = "lenient")]
    pub csv_separator: String,
    #[serde(deserialize_with = "lenient")]
    pub csv_decimal: String,
    /// Transfers per file (default 5,000).
    #[serde(deserialize_with = "lenient")]
    pub batch_size: String,
    /// The centre (for a user who works across centres; otherwise one's own).
    #[serde(deserialize_with = "lenient")]
    pub centre_id: String,
}

/// Adds the account of a funding source, or replaces the centre's account for it.
pub async fn save(db: &Db, actor: &Actor, f: &AccountForm) -> AppResult<i64> {
    let mut ck = Check::new();
    let funder = ck.choice("funder", &f.funder, &FUNDERS, true);
    let name = ck.text("name", &f.name, true, 140);
    let iban = match Iban::parse(&f.iban) {
        Ok(i) => Some(i.as_str().to_string()),
        Err(_) => {
            ck.err("iban", "registry-err-iban");
            None
        }
    };
    let bic = ck.text("bic", &f.bic, false, 11).map(|b| b.to_uppercase());
    if bic.as_ref().is_some_and(|b| {
        !(b.len() == 8 || b.len() == 11) || !b.chars().all(|c| c.is_ascii_alphanumeric())
    }) {
        ck.err("bic", "payments-err-bic");
    }
    let address = ck.text("address", &f.address, false, 140);
    let format = ck.choice("format", &f.format, &FORMATS, true);
    let columns = ck.text("csv_columns", &f.csv_columns, false, 400);
    let sep = ck.text("csv_separator", &f.csv_separator, false, 3);
    let dec = ck.text("csv_decimal", &f.csv_decimal, false, 1);
    if format == Some("csv")
        && Layout::parse(
            columns.as_deref().unwrap_or(DEFAULT_COLUMNS),
            sep.as_deref().unwrap_or(";"),
            dec.as_deref().unwrap_or(","),
            true,
        )
        .is_err()
    {
        ck.err("csv_columns", "payments-err-layout");
    }
    let batch = match f.batch_size.trim() {
        "" => Some(5000),
        s => match s.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(n),
            _ => {
                ck.err("batch_size", "payments-err-batch");
                None
            }
        },
    };
    let centre = match (
        skrb_kit::scope::own_centre(actor),
        f.centre_id.trim().parse::<i64>(),
    ) {
        (_, Ok(c)) if skrb_kit::scope::centre_of(actor).is_none() => Some(c),
        (Ok(c), _) => Some(c),
        (Err(_), _) => {
            ck.err("centre_id", "case-no-centre");
            None
        }
    };
    ck.done()?;
    let (Some(funder), Some(name), Some(iban), Some(format), Some(batch), Some(centre)) =
        (funder, name, iban, format, batch, centre)
    else {
        return Err(skrb_kit::error::AppError::BadRequest("account".into()));
    };
    let mut tx = db.begin().await?;
    let cur: Option<(String, String)> = sql!(&mut tx, c => sqlx::query_as(
        "SELECT jurisdiction, currency FROM centre WHERE id = $1").bind(centre).fetch_optional(c).await?);
    let Some((jurisdiction, currency)) = cur else {
        return Err(skrb_kit::form::field_error("centre_id", "case-no-centre"));
    };
    if format == "pain.001.001.09" && currency != "EUR" {
        return Err(skrb_kit::form::field_error(
            "format",
            "payments-err-sepa-eur",
        ));
    }
    let country = if jurisdiction == "RS" { "BA" } else { "SI" };
    let existing: Option<i64> = sql!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM payer_account WHERE centre_id = $1 AND funder = $2").bind(centre).bind(funder).fetch_optional(c).await?);
    let id = match existing {
        Some(id) => {
            sql!(&mut tx, c => sqlx::query(
                "UPDATE payer_account SET name = $1, iban = $2, bic = $3, address = $4, format = $5, csv_columns = $6, \
                 csv_separator = $7, csv_decimal = $8, batch_size = $9, active = TRUE, version = version + 1 WHERE id = $10")
                .bind(&name).bind(&iban).bind(&bic).bind(&address).bind(format).bind(&columns).bind(&sep).bind(&dec)
                .bind(batch).bind(id).execute(c).await?.rows_affected());
            id
        }
        None => sql!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO payer_account (centre_id, funder, name, iban, bic, address, country, currency, format, csv_columns, csv_separator, csv_decimal, batch_size) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
            .bind(centre).bind(funder).bind(&name).bind(&iban).bind(&bic).bind(&address).bind(country).bind(&currency)
            .bind(format).bind(&columns).bind(&sep).bind(&dec).bind(batch).fetch_one(c).await?),
    };
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Save, "payer_account", id).detail(serde_json::json!({
            "funder": funder, "iban": iban, "format": format, "batch_size": batch
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
