//! ISO 20022 customer credit transfer initiation, `pain.001.001.03` (the version
//! Slovenia's public payments administration takes) and `pain.001.001.09` (the EPC's
//! SEPA credit transfer, 2023 rulebook). One message per file; the caller splits a run
//! into files and batches. All text is passed through [`bank_text::clean`], so nothing
//! needs escaping and the banks' character set holds.

use std::fmt::Write as _;

use time::Date;

use super::bank_text::clean;
use crate::rights::money::plain;
use crate::rights::Minor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V03,
    V09,
}

impl Version {
    pub fn code(self) -> &'static str {
        match self {
            Version::V03 => "pain.001.001.03",
            Version::V09 => "pain.001.001.09",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    pub iban: String,
    pub bic: Option<String>,
    /// Up to two address lines (street; postcode and town).
    pub address: Vec<String>,
    /// ISO country code of the address (SI, BA).
    pub country: String,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    /// Unique for ever: the bank returns it on the statement.
    pub end_to_end: String,
    pub amount: Minor,
    pub creditor: Party,
    /// What the payment is for, in words (`Ustrd`, up to 140 characters).
    pub remittance: String,
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    pub execution: Date,
    pub debtor: Party,
    pub currency: String,
    pub transfers: Vec<Transfer>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    /// `YYYY-MM-DDThh:mm:ss`, stored with the file so that it is written again the same.
    pub created: String,
    pub initiator: String,
    pub batches: Vec<Batch>,
}

impl Message {
    pub fn count(&self) -> usize {
        self.batches.iter().map(|b| b.transfers.len()).sum()
    }
    pub fn sum(&self) -> Minor {
        self.batches.iter().map(Batch::sum).sum()
    }
}

impl Batch {
    pub fn sum(&self) -> Minor {
        self.transfers.iter().map(|t| t.amount).sum()
    }
}

/// Purpose and category purpose: social security benefit.
const PURPOSE: &str = "SSBE";

/// The message as XML (UTF-8).
pub fn write(m: &Message, v: Version) -> String {
    let mut x = String::with_capacity(512 + m.count() * 520);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        x,
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<CstmrCdtTrfInitn>\n<GrpHdr><MsgId>{}</MsgId><CreDtTm>{}</CreDtTm><NbOfTxs>{}</NbOfTxs><CtrlSum>{}</CtrlSum><InitgPty><Nm>{}</Nm></InitgPty></GrpHdr>\n",
        v.code(),
        clean(&m.id, 35),
        m.created,
        m.count(),
        plain(m.sum()),
        clean(&m.initiator, 70)
    );
    for b in &m.batches {
        batch(&mut x, b, v);
    }
    x.push_str("</CstmrCdtTrfInitn>\n</Document>\n");
    x
}

fn batch(x: &mut String, b: &Batch, v: Version) {
    let sepa = b.currency == "EUR";
    let _ = write!(
        x,
        "<PmtInf><PmtInfId>{}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg><NbOfTxs>{}</NbOfTxs><CtrlSum>{}</CtrlSum>",
        clean(&b.id, 35),
        b.transfers.len(),
        plain(b.sum())
    );
    x.push_str("<PmtTpInf>");
    if sepa {
        x.push_str("<SvcLvl><Cd>SEPA</Cd></SvcLvl>");
    }
    let _ = write!(x, "<CtgyPurp><Cd>{PURPOSE}</Cd></CtgyPurp></PmtTpInf>");
    let d = b.execution;
    let day = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    match v {
        Version::V03 => {
            let _ = write!(x, "<ReqdExctnDt>{day}</ReqdExctnDt>");
        }
        Version::V09 => {
            let _ = write!(x, "<ReqdExctnDt><Dt>{day}</Dt></ReqdExctnDt>");
        }
    }
    party(x, "Dbtr", &b.debtor);
    let _ = write!(
        x,
        "<DbtrAcct><Id><IBAN>{}</IBAN></Id><Ccy>{}</Ccy></DbtrAcct>",
        b.debtor.iban, b.currency
    );
    agent(x, "DbtrAgt", b.debtor.bic.as_deref(), v, true);
    x.push_str("<ChrgBr>SLEV</ChrgBr>\n");
    for t in &b.transfers {
        let _ = write!(
            x,
            "<CdtTrfTxInf><PmtId><EndToEndId>{}</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"{}\">{}</InstdAmt></Amt>",
            clean(&t.end_to_end, 35),
            b.currency,
            plain(t.amount)
        );
        agent(x, "CdtrAgt", t.creditor.bic.as_deref(), v, false);
        party(x, "Cdtr", &t.creditor);
        let _ = write!(
            x,
            "<CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct><Purp><Cd>{PURPOSE}</Cd></Purp><RmtInf><Ustrd>{}</Ustrd></RmtInf></CdtTrfTxInf>",
            t.creditor.iban,
            clean(&t.remittance, 140)
        );
        x.push('\n');
    }
    x.push_str("</PmtInf>\n");
}

fn party(x: &mut String, tag: &str, p: &Party) {
    let _ = write!(x, "<{tag}><Nm>{}</Nm>", clean(&p.name, 70));
    let lines: Vec<String> = p
        .address
        .iter()
        .map(|l| clean(l, 70))
        .filter(|l| !l.is_empty())
        .take(2)
        .collect();
    if !p.country.is_empty() && !lines.is_empty() {
        let _ = write!(x, "<PstlAdr><Ctry>{}</Ctry>", p.country);
        for l in lines {
            let _ = write!(x, "<AdrLine>{l}</AdrLine>");
        }
        x.push_str("</PstlAdr>");
    }
    let _ = write!(x, "</{tag}>");
}

/// The bank by its BIC; without one, "not provided" where the schema wants an agent.
fn agent(x: &mut String, tag: &str, bic: Option<&str>, v: Version, required: bool) {
    let el = match v {
        Version::V03 => "BIC",
        Version::V09 => "BICFI",
    };
    match bic.filter(|b| !b.is_empty()) {
        Some(b) => {
            let _ = write!(
                x,
                "<{tag}><FinInstnId><{el}>{b}</{el}></FinInstnId></{tag}>"
            );
        }
        None if required => {
            let _ = write!(
                x,
                "<{tag}><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId></{tag}>"
            );
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub fn sample() -> Message {
        let debtor = Party {
            name: "CSD Velenje – Republika Slovenija".into(),
            iban: "SI56011006000000017".into(),
            bic: Some("BSLJSI2X".into()),
            address: vec!["Prešernova 2".into(), "3320 Velenje".into()],
            country: "SI".into(),
        };
        let tx = |n: i64, name: &str, amount| Transfer {
            end_to_end: format!("SKRB-L{n}"),
            amount,
            creditor: Party {
                name: name.into(),
                iban: "SI56192001234567892".into(),
                bic: None,
                address: vec!["Šaleška cesta 1".into(), "3320 Velenje".into()],
                country: "SI".into(),
            },
            remittance: "Varstveni dodatek 04/2026".into(),
        };
        Message {
            id: "SKRB-R1-F1".into(),
            created: "2026-04-20T10:00:00".into(),
            initiator: "CSD Velenje".into(),
            batches: vec![Batch {
                id: "SKRB-R1-F1-B1".into(),
                execution: date!(2026 - 04 - 24),
                debtor,
                currency: "EUR".into(),
                transfers: vec![
                    tx(1, "Đurđa Čučnik", 23_849),
                    tx(2, "Милорад Ђукић", 139_543),
                ],
            }],
        }
    }

    #[test]
    fn counts_and_sums_and_the_character_set() {
        let m = sample();
        for v in [Version::V03, Version::V09] {
            let x = write(&m, v);
            assert!(x.contains(v.code()));
            assert!(
                x.contains("<NbOfTxs>2</NbOfTxs><CtrlSum>1633.92</CtrlSum>"),
                "{x}"
            );
            assert!(x.contains("<Nm>Djurdja Cucnik</Nm>"));
            assert!(x.contains("<Nm>Milorad Djukic</Nm>"));
            assert!(x.contains("<Nm>CSD Velenje Republika Slovenija</Nm>"));
            assert!(x.contains("<EndToEndId>SKRB-L2</EndToEndId>"));
            assert!(x.is_ascii());
        }
        assert!(write(&m, Version::V09).contains("<ReqdExctnDt><Dt>2026-04-24</Dt></ReqdExctnDt>"));
        assert!(write(&m, Version::V03).contains("<BIC>BSLJSI2X</BIC>"));
    }
}
