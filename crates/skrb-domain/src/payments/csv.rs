//! A configurable CSV layout for banks that take no XML (Republika Srpska's banks each
//! have their own): which columns in which order, the separator, the decimal mark,
//! whether a header line comes first. Text is cleaned to the banks' character set.

use super::bank_text::clean;
use super::pain::Batch;
use crate::rights::money::plain;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    DebtorIban,
    DebtorName,
    CreditorIban,
    CreditorName,
    CreditorAddress,
    Amount,
    Currency,
    ExecutionDate,
    Reference,
    Purpose,
    PurposeCode,
}

pub const COLUMNS: [(&str, Column); 11] = [
    ("debtor_iban", Column::DebtorIban),
    ("debtor_name", Column::DebtorName),
    ("creditor_iban", Column::CreditorIban),
    ("creditor_name", Column::CreditorName),
    ("creditor_address", Column::CreditorAddress),
    ("amount", Column::Amount),
    ("currency", Column::Currency),
    ("execution_date", Column::ExecutionDate),
    ("reference", Column::Reference),
    ("purpose", Column::Purpose),
    ("purpose_code", Column::PurposeCode),
];

/// The default layout: what every bank's import needs.
pub const DEFAULT_COLUMNS: &str =
    "debtor_iban,creditor_iban,creditor_name,creditor_address,amount,currency,execution_date,reference,purpose";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub columns: Vec<Column>,
    pub separator: char,
    pub decimal: char,
    pub header: bool,
}

impl Layout {
    /// Parses `a,b,c` column names; an unknown name is named in the error.
    pub fn parse(
        columns: &str,
        separator: &str,
        decimal: &str,
        header: bool,
    ) -> Result<Layout, String> {
        let mut out = Vec::new();
        for name in columns.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let c = COLUMNS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, c)| *c)
                .ok_or_else(|| name.to_string())?;
            out.push(c);
        }
        if out.is_empty() {
            return Err(String::new());
        }
        let sep = match separator {
            "tab" | "\\t" => '\t',
            s => s.chars().next().unwrap_or(';'),
        };
        let dec = decimal.chars().next().unwrap_or('.');
        if sep == dec || !matches!(dec, '.' | ',') {
            return Err(decimal.to_string());
        }
        Ok(Layout {
            columns: out,
            separator: sep,
            decimal: dec,
            header,
        })
    }
}

/// The batches as CSV lines.
pub fn write(layout: &Layout, batches: &[Batch<'_>]) -> String {
    let mut out = String::new();
    let sep = layout.separator.to_string();
    if layout.header {
        let names: Vec<&str> = layout
            .columns
            .iter()
            .map(|c| COLUMNS.iter().find(|(_, k)| k == c).map_or("", |(n, _)| *n))
            .collect();
        out.push_str(&names.join(&sep));
        out.push_str("\r\n");
    }
    for b in batches {
        let d = b.execution;
        let day = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        for t in &b.transfers {
            let cells: Vec<String> = layout
                .columns
                .iter()
                .map(|c| match c {
                    Column::DebtorIban => b.debtor.iban.to_string(),
                    Column::DebtorName => clean(b.debtor.name, 70),
                    Column::CreditorIban => t.creditor.iban.to_string(),
                    Column::CreditorName => clean(t.creditor.name, 70),
                    Column::CreditorAddress => clean(t.creditor.address.unwrap_or(""), 140),
                    Column::Amount => {
                        let p = plain(t.amount);
                        if layout.decimal == ',' {
                            p.replace('.', ",")
                        } else {
                            p
                        }
                    }
                    Column::Currency => b.currency.to_string(),
                    Column::ExecutionDate => day.clone(),
                    Column::Reference => clean(&t.end_to_end, 35),
                    Column::Purpose => clean(t.remittance, 140),
                    Column::PurposeCode => "SSBE".into(),
                })
                .map(|v| quote(v, layout.separator))
                .collect();
            out.push_str(&cells.join(&sep));
            out.push_str("\r\n");
        }
    }
    out
}

fn quote(v: String, sep: char) -> String {
    if v.contains(sep) || v.contains('"') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}
