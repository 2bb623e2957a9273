//! An invoice as a document: A4 in the centre's language, and in Slovenia the UPN QR
//! payment order (`skrb_domain::services::upn`) drawn as a QR code of version 15 with
//! error correction M and ECI 4 (ISO 8859-2), so that a mobile bank reads every field.
//! Written when asked for (a country's 20,000 invoices are not all opened).

use skrb_domain::services::upn::Order;
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::sql;
use skrb_rights::decisions::document::{line, render_with, upn_code, Line, Style};

use crate::billing::{self, Invoice};

/// The QR code of a payment order (drawn by the document renderer, shared with the
/// other contexts' bills).
pub use skrb_rights::decisions::document::upn_qr as qr;

/// Who sends the invoice and where it is paid to.
#[derive(Debug, Clone, Default)]
pub struct Sender {
    pub name: String,
    pub address: Option<String>,
    pub iban: Option<String>,
    pub jurisdiction: String,
}

/// Who receives it.
#[derive(Debug, Clone, Default)]
pub struct Payer {
    pub name: String,
    pub street: Option<String>,
    pub place: Option<String>,
}

/// The payment order printed on (and coded into) a Slovenian invoice.
pub fn order(i: &Invoice, s: &Sender, p: &Payer, l: Locale) -> Option<Order> {
    if s.jurisdiction != "SI" || i.amount <= 0 {
        return None;
    }
    let (street, city) = match s.address.as_deref().and_then(|a| a.split_once(',')) {
        Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
        None => (s.address.clone().unwrap_or_default(), String::new()),
    };
    Some(Order {
        payer_name: p.name.clone(),
        payer_street: p.street.clone().unwrap_or_default(),
        payer_city: p.place.clone().unwrap_or_default(),
        amount: i.amount,
        purpose_code: "OTHR".into(),
        purpose: i18n::t_args(
            l,
            "services-inv-purpose",
            &[("number", i.number.clone().into())],
        ),
        due: Some(i.due_on),
        recipient_iban: s.iban.clone()?,
        reference: i.reference.clone(),
        recipient_name: s.name.clone(),
        recipient_street: street,
        recipient_city: city,
    })
}

/// The invoice's text, top to bottom (tests read it without parsing PDF).
pub fn lines(i: &Invoice, s: &Sender, p: &Payer, l: Locale) -> Vec<Line> {
    let t = |k: &str| i18n::t(l, k);
    let money = |a: i64| i18n::fmt_money(l, a, &i.currency);
    let mut out = vec![line(Style::Bold, s.name.clone())];
    if let Some(a) = &s.address {
        out.push(line(Style::Normal, a.clone()));
    }
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Normal, p.name.clone()));
    for part in [&p.street, &p.place].into_iter().flatten() {
        out.push(line(Style::Normal, part.clone()));
    }
    out.push(line(Style::Gap, ""));
    let title = if i.kind == "credit" {
        "services-inv-credit-title"
    } else {
        "services-inv-title"
    };
    out.push(line(
        Style::Title,
        i18n::t_args(l, title, &[("number", i.number.clone().into())]),
    ));
    out.push(line(Style::Gap, ""));
    let when = |d| i18n::fmt_date(l, d);
    out.push(line(
        Style::Normal,
        format!("{}: {}", t("services-inv-issued"), when(i.issued_on)),
    ));
    out.push(line(
        Style::Normal,
        format!("{}: {}", t("services-inv-due"), when(i.due_on)),
    ));
    out.push(line(
        Style::Normal,
        format!("{}: {}", t("services-inv-reference"), i.reference),
    ));
    out.push(line(
        Style::Normal,
        format!("{}: {}", t("services-inv-month"), i.month),
    ));
    out.push(line(Style::Gap, ""));
    let (h, m) = (i.minutes.abs() / 60, i.minutes.abs() % 60);
    out.push(line(
        Style::Normal,
        i18n::t_args(
            l,
            "services-inv-hours",
            &[("hours", h.into()), ("minutes", m.into())],
        ),
    ));
    out.push(line(
        Style::Normal,
        format!("{}: {}", t("services-inv-economic"), money(i.economic)),
    ));
    out.push(line(
        Style::Normal,
        format!(
            "{}: −{}",
            i18n::t_args(
                l,
                "services-inv-subsidy",
                &[("municipality", i.municipality.clone().into())]
            ),
            money(i.subsidy)
        ),
    ));
    if i.exempted != 0 {
        out.push(line(
            Style::Normal,
            format!("{}: −{}", t("services-inv-exempted"), money(i.exempted)),
        ));
    }
    out.push(line(
        Style::Bold,
        format!("{}: {}", t("services-inv-total"), money(i.amount)),
    ));
    out.push(line(Style::Gap, ""));
    if s.jurisdiction == "SI" {
        out.push(line(Style::Normal, t("services-inv-vat")));
    }
    if i.amount > 0 {
        out.push(line(
            Style::Normal,
            i18n::t_args(
                l,
                "services-inv-pay",
                &[("reference", i.reference.clone().into())],
            ),
        ));
    }
    out
}

/// The invoice's PDF, with the UPN QR on a Slovenian invoice that asks for money.
pub fn pdf(i: &Invoice, s: &Sender, p: &Payer) -> anyhow::Result<Vec<u8>> {
    let l = skrb_rights::decisions::centre_locale(&s.jurisdiction);
    let ls = lines(i, s, p, l);
    let code = match order(i, s, p, l) {
        Some(o) => Some(upn_code(&o)?),
        None => None,
    };
    render_with(&ls, &i.number, l.html_lang(), code.as_ref())
}

/// Reads what the document needs and writes it; audited as a download.
pub async fn document(db: &Db, actor: &Actor, id: i64) -> AppResult<(String, Vec<u8>)> {
    let mut tx = db.begin().await?;
    let i = billing::load(&mut tx, actor, id).await?;
    let (name, address, iban, jurisdiction): (String, Option<String>, Option<String>, String) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT name, address, receipts_iban, jurisdiction FROM centre WHERE id = $1").bind(i.centre_id).fetch_one(c).await?);
    let (pname, street, postal, place): (String, Option<String>, Option<String>, Option<String>) = sql!(&mut tx, c => sqlx::query_as(
        "SELECT given_name || ' ' || family_name, address, postal_code, place FROM person WHERE id = $1").bind(i.person_id).fetch_one(c).await?);
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Download, "hh_invoice", id).person(i.person_id),
    )
    .await?;
    tx.commit().await?;
    let sender = Sender {
        name,
        address,
        iban,
        jurisdiction,
    };
    let payer = Payer {
        name: pname,
        street,
        place: match (postal, place) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (None, b) => b,
            (a, None) => a,
        },
    };
    let bytes = pdf(&i, &sender, &payer).map_err(AppError::Internal)?;
    Ok((format!("{}.pdf", i.number.replace('/', "-")), bytes))
}
