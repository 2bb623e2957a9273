//! ISO 20022 customer credit transfer initiation, `pain.001.001.03` (the version
//! Slovenia's public payments administration takes) and `pain.001.001.09` (the EPC's
//! SEPA credit transfer, 2023 rulebook). One message per file; the caller splits a run
//! into files and batches. All text is passed through [`bank_text::clean`], so nothing
//! needs escaping and the banks' character set holds.

use std::fmt::Write as _;

use time::Date;

use super::bank_text::{clean, clean_into};
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

/// A party to the transfer; its text borrowed, so that a file of many transfers is
/// written without copying each name and address first.
#[derive(Debug, Clone, Default)]
pub struct Party<'a> {
    pub name: &'a str,
    pub iban: &'a str,
    pub bic: Option<&'a str>,
    /// The address as one text, "street, postcode town": written as up to two address
    /// lines, split at the first comma.
    pub address: Option<&'a str>,
    /// ISO country code of the address (SI, BA).
    pub country: &'a str,
}

impl<'a> Party<'a> {
    /// The address lines (street; postcode and town).
    pub fn address_lines(&self) -> impl Iterator<Item = &'a str> {
        self.address.into_iter().flat_map(|a| a.splitn(2, ", "))
    }
}

#[derive(Debug, Clone)]
pub struct Transfer<'a> {
    /// Unique for ever: the bank returns it on the statement.
    pub end_to_end: String,
    pub amount: Minor,
    pub creditor: Party<'a>,
    /// What the payment is for, in words (`Ustrd`, up to 140 characters).
    pub remittance: &'a str,
}

#[derive(Debug, Clone)]
pub struct Batch<'a> {
    pub id: String,
    pub execution: Date,
    pub debtor: Party<'a>,
    pub currency: &'a str,
    pub transfers: Vec<Transfer<'a>>,
}

#[derive(Debug, Clone)]
pub struct Message<'a> {
    pub id: &'a str,
    /// `YYYY-MM-DDThh:mm:ss`, stored with the file so that it is written again the same.
    pub created: &'a str,
    pub initiator: &'a str,
    pub batches: Vec<Batch<'a>>,
}

impl Message<'_> {
    pub fn count(&self) -> usize {
        self.batches.iter().map(|b| b.transfers.len()).sum()
    }
    pub fn sum(&self) -> Minor {
        self.batches.iter().map(Batch::sum).sum()
    }
}

impl Batch<'_> {
    pub fn sum(&self) -> Minor {
        self.transfers.iter().map(|t| t.amount).sum()
    }
}

/// Purpose and category purpose: social security benefit.
const PURPOSE: &str = "SSBE";

/// Appends the pieces in order: tags as they are, `Clean` text through [`clean_into`].
enum Piece<'a> {
    Tag(&'a str),
    Clean(&'a str, usize),
}
use Piece::{Clean, Tag};

fn put(x: &mut String, pieces: &[Piece<'_>]) {
    for p in pieces {
        match p {
            Tag(t) => x.push_str(t),
            Clean(t, max) => clean_into(x, t, *max),
        }
    }
}

/// The message as XML (UTF-8).
pub fn write(m: &Message<'_>, v: Version) -> String {
    let mut x = String::with_capacity(512 + m.count() * 520);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        x,
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<CstmrCdtTrfInitn>\n<GrpHdr><MsgId>{}</MsgId><CreDtTm>{}</CreDtTm><NbOfTxs>{}</NbOfTxs><CtrlSum>{}</CtrlSum><InitgPty><Nm>{}</Nm></InitgPty></GrpHdr>\n",
        v.code(),
        clean(m.id, 35),
        m.created,
        m.count(),
        plain(m.sum()),
        clean(m.initiator, 70)
    );
    for b in &m.batches {
        batch(&mut x, b, v);
    }
    x.push_str("</CstmrCdtTrfInitn>\n</Document>\n");
    x
}

fn batch(x: &mut String, b: &Batch<'_>, v: Version) {
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
    agent(x, "DbtrAgt", b.debtor.bic, v, true);
    x.push_str("<ChrgBr>SLEV</ChrgBr>\n");
    let open_amount = format!(
        "</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"{}\">",
        b.currency
    );
    for t in &b.transfers {
        put(
            x,
            &[
                Tag("<CdtTrfTxInf><PmtId><EndToEndId>"),
                Clean(&t.end_to_end, 35),
                Tag(&open_amount),
            ],
        );
        let _ = write!(x, "{}</InstdAmt></Amt>", plain(t.amount));
        agent(x, "CdtrAgt", t.creditor.bic, v, false);
        party(x, "Cdtr", &t.creditor);
        put(
            x,
            &[
                Tag("<CdtrAcct><Id><IBAN>"),
                Tag(t.creditor.iban),
                Tag("</IBAN></Id></CdtrAcct><Purp><Cd>"),
                Tag(PURPOSE),
                Tag("</Cd></Purp><RmtInf><Ustrd>"),
                Clean(t.remittance, 140),
                Tag("</Ustrd></RmtInf></CdtTrfTxInf>\n"),
            ],
        );
    }
    x.push_str("</PmtInf>\n");
}

fn party(x: &mut String, tag: &str, p: &Party<'_>) {
    put(
        x,
        &[
            Tag("<"),
            Tag(tag),
            Tag("><Nm>"),
            Clean(p.name, 70),
            Tag("</Nm>"),
        ],
    );
    // The address lines that are not empty once cleaned, written only with a country.
    if !p.country.is_empty() {
        let open = x.len();
        put(x, &[Tag("<PstlAdr><Ctry>"), Tag(p.country), Tag("</Ctry>")]);
        let mut lines = 0;
        for l in p.address_lines() {
            let mark = x.len();
            x.push_str("<AdrLine>");
            let text = x.len();
            clean_into(x, l, 70);
            if x.len() == text {
                x.truncate(mark);
                continue;
            }
            x.push_str("</AdrLine>");
            lines += 1;
        }
        if lines == 0 {
            x.truncate(open);
        } else {
            x.push_str("</PstlAdr>");
        }
    }
    put(x, &[Tag("</"), Tag(tag), Tag(">")]);
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

    pub fn sample() -> Message<'static> {
        let debtor = Party {
            name: "CSD Velenje – Republika Slovenija",
            iban: "SI56011006000000017",
            bic: Some("BSLJSI2X"),
            address: Some("Prešernova 2, 3320 Velenje"),
            country: "SI",
        };
        let tx = |n: i64, name: &'static str, amount| Transfer {
            end_to_end: format!("SKRB-L{n}"),
            amount,
            creditor: Party {
                name,
                iban: "SI56192001234567892",
                bic: None,
                address: Some("Šaleška cesta 1, 3320 Velenje"),
                country: "SI",
            },
            remittance: "Varstveni dodatek 04/2026",
        };
        Message {
            id: "SKRB-R1-F1",
            created: "2026-04-20T10:00:00",
            initiator: "CSD Velenje",
            batches: vec![Batch {
                id: "SKRB-R1-F1-B1".into(),
                execution: date!(2026 - 04 - 24),
                debtor,
                currency: "EUR",
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
            assert!(x.contains("<Cdtr><Nm>Djurdja Cucnik</Nm><PstlAdr><Ctry>SI</Ctry><AdrLine>Saleska cesta 1</AdrLine><AdrLine>3320 Velenje</AdrLine></PstlAdr></Cdtr>"), "{x}");
            assert!(x.contains("<RmtInf><Ustrd>Varstveni dodatek 04/2026</Ustrd></RmtInf>"));
            assert!(x.is_ascii());
        }
        assert!(write(&m, Version::V09).contains("<ReqdExctnDt><Dt>2026-04-24</Dt></ReqdExctnDt>"));
        assert!(write(&m, Version::V03).contains("<BIC>BSLJSI2X</BIC>"));
    }
}
