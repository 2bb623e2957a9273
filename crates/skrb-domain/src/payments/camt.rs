//! Reading what the bank says back: `camt.053` (the day's statement) and `camt.054`
//! (debit/credit notifications), any version, and a CSV equivalent. Each transaction
//! carries our end-to-end id; a returned payment carries a return reason (`AC04`
//! closed account, `AC01` wrong account number, …) or comes back as a credit.

use quick_xml::events::Event;
use quick_xml::Reader;
use time::Date;

use crate::rights::money;
use crate::rights::Minor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Settled,
    /// Returned by the bank, with its reason code and words.
    Returned {
        code: String,
        info: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub end_to_end: String,
    pub amount: Option<Minor>,
    pub booked: Option<Date>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    /// The message's id (`GrpHdr/MsgId`), or for CSV a hash the caller gives: a
    /// statement is imported once.
    pub id: String,
    pub kind: String,
    pub items: Vec<Item>,
    /// Payments received with a creditor's reference (`RmtInf/Strd/CdtrRefInf/Ref`): an
    /// invoice's SI12 or RF reference, paid by someone else to us.
    pub receipts: Vec<Receipt>,
}

/// A payment received for one of our references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub reference: String,
    pub amount: Option<Minor>,
    pub booked: Option<Date>,
    /// Tells one payment from another within a statement.
    pub entry: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not XML, or not a camt.053 / camt.054 document.
    NotAStatement(String),
    /// A CSV line that cannot be read: its number and why.
    Line(usize, String),
}

#[derive(Default)]
struct Entry {
    credit: bool,
    pending: bool,
    booked: Option<Date>,
    amount: Option<Minor>,
    txs: Vec<Tx>,
}

#[derive(Default)]
struct Tx {
    e2e: Option<String>,
    creditor_ref: Option<String>,
    amount: Option<Minor>,
    ret: Option<(String, String)>,
}

fn date(s: &str) -> Option<Date> {
    let s = s.get(..10)?;
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Reads a camt.053 or camt.054 document.
pub fn parse_xml(xml: &str) -> Result<Statement, Error> {
    let mut r = Reader::from_str(xml);
    r.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut st = Statement::default();
    let mut entry: Option<Entry> = None;
    let mut tx: Option<Tx> = None;
    let mut out: Vec<Entry> = Vec::new();
    loop {
        match r.read_event() {
            Err(e) => return Err(Error::NotAStatement(e.to_string())),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match name.as_str() {
                    "BkToCstmrStmt" => st.kind = "camt.053".into(),
                    "BkToCstmrDbtCdtNtfctn" => st.kind = "camt.054".into(),
                    "Ntry" => entry = Some(Entry::default()),
                    "TxDtls" => tx = Some(Tx::default()),
                    _ => {}
                }
                path.push(name);
            }
            Ok(Event::End(_)) => match path.pop().as_deref() {
                Some("TxDtls") => {
                    if let (Some(t), Some(e)) = (tx.take(), entry.as_mut()) {
                        e.txs.push(t);
                    }
                }
                Some("Ntry") => {
                    if let Some(e) = entry.take() {
                        out.push(e);
                    }
                }
                _ => {}
            },
            Ok(Event::Text(t)) => {
                let text = t
                    .decode()
                    .map_err(|e| Error::NotAStatement(e.to_string()))?
                    .into_owned();
                let text = quick_xml::escape::unescape(&text)
                    .map(|c| c.into_owned())
                    .unwrap_or(text);
                let n = path.len();
                let last = path.last().map(String::as_str).unwrap_or("");
                let parent = if n >= 2 { path[n - 2].as_str() } else { "" };
                if last == "MsgId" && parent == "GrpHdr" {
                    st.id = text;
                    continue;
                }
                if let Some(t) = tx.as_mut() {
                    match (parent, last) {
                        ("Refs", "EndToEndId") => t.e2e = Some(text),
                        ("CdtrRefInf", "Ref") => t.creditor_ref = Some(text),
                        (_, "Amt")
                            if t.amount.is_none()
                                && (path.iter().any(|p| p == "AmtDtls") || parent == "TxDtls") =>
                        {
                            t.amount = money::parse(&text);
                        }
                        ("Rsn", "Cd") if path.iter().any(|p| p == "RtrInf") => {
                            t.ret.get_or_insert_with(Default::default).0 = text;
                        }
                        ("RtrInf", "AddtlInf") => {
                            let r = t.ret.get_or_insert_with(Default::default);
                            if !r.1.is_empty() {
                                r.1.push(' ');
                            }
                            r.1.push_str(&text);
                        }
                        _ => {}
                    }
                } else if let Some(e) = entry.as_mut() {
                    match (parent, last) {
                        ("Ntry", "Amt") => e.amount = money::parse(&text),
                        ("Ntry", "CdtDbtInd") => e.credit = text == "CRDT",
                        ("Ntry", "Sts") | ("Sts", "Cd") => e.pending = text != "BOOK",
                        ("BookgDt", "Dt") | ("BookgDt", "DtTm") => e.booked = date(&text),
                        _ => {}
                    }
                }
            }
            Ok(_) => {}
        }
    }
    if st.kind.is_empty() {
        return Err(Error::NotAStatement(
            "no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn".into(),
        ));
    }
    for e in out {
        if e.pending {
            continue;
        }
        let single = e.txs.len() == 1;
        for t in e.txs {
            let amount = t.amount.or(if single { e.amount } else { None });
            let e2e = t.e2e.filter(|s| !s.is_empty() && s != "NOTPROVIDED");
            let Some(e2e) = e2e else {
                if let (true, Some(reference)) = (e.credit, t.creditor_ref) {
                    st.receipts.push(Receipt {
                        reference,
                        amount,
                        booked: e.booked,
                        entry: st.receipts.len(),
                    });
                }
                continue;
            };
            let outcome = match (t.ret, e.credit) {
                (Some((code, info)), _) => Outcome::Returned { code, info },
                (None, true) => Outcome::Returned {
                    code: String::new(),
                    info: String::new(),
                },
                (None, false) => Outcome::Settled,
            };
            st.items.push(Item {
                end_to_end: e2e,
                amount,
                booked: e.booked,
                outcome,
            });
        }
    }
    Ok(st)
}

/// Reads the CSV equivalent: a header line naming `reference`, `status`
/// (`settled`/`returned`), and optionally `reason`, `amount`, `date`; `;` or `,`.
pub fn parse_csv(text: &str) -> Result<Statement, Error> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, head)) = lines.next() else {
        return Err(Error::Line(1, "empty".into()));
    };
    let sep = if head.contains(';') { ';' } else { ',' };
    let cols: Vec<String> = head
        .split(sep)
        .map(|c| c.trim().trim_matches('"').to_lowercase())
        .collect();
    let at = |name: &str| cols.iter().position(|c| c == name);
    let (Some(reference), Some(status)) = (at("reference"), at("status")) else {
        return Err(Error::Line(1, "reference, status".into()));
    };
    let (reason, amount, day) = (at("reason"), at("amount"), at("date"));
    let mut st = Statement {
        kind: "csv".into(),
        ..Statement::default()
    };
    for (i, line) in lines {
        let cells: Vec<&str> = line
            .split(sep)
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        let get = |k: Option<usize>| k.and_then(|k| cells.get(k).copied()).unwrap_or("");
        let outcome = match get(Some(status)).to_lowercase().as_str() {
            "settled" | "booked" | "ok" => Outcome::Settled,
            "returned" | "rejected" => Outcome::Returned {
                code: get(reason).to_string(),
                info: String::new(),
            },
            other => return Err(Error::Line(i + 1, format!("status {other}"))),
        };
        let amount = match get(amount) {
            "" => None,
            a => Some(money::parse(a).ok_or_else(|| Error::Line(i + 1, format!("amount {a}")))?),
        };
        let booked = match get(day) {
            "" => None,
            d => Some(date(d).ok_or_else(|| Error::Line(i + 1, format!("date {d}")))?),
        };
        st.items.push(Item {
            end_to_end: get(Some(reference)).to_string(),
            amount,
            booked,
            outcome,
        });
    }
    Ok(st)
}

/// A camt.053 statement of payments received, each with the creditor's reference (the
/// demo's and the tests' bank, for invoices paid by UPN).
pub fn write_053_receipts(
    msg_id: &str,
    iban: &str,
    currency: &str,
    day: Date,
    paid: &[(String, Minor)],
) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr><Stmt><Id>{msg_id}-1</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>"
    );
    for (reference, amount) in paid {
        let amount = money::plain(*amount);
        x.push_str(&format!(
            "<Ntry><Amt Ccy=\"{currency}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><BkTxCd/><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy=\"{currency}\">{amount}</Amt></TxAmt></AmtDtls><RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
        ));
    }
    x.push_str("</Stmt></BkToCstmrStmt></Document>");
    x
}

/// A camt.053 statement for these items (the demo's and the tests' bank).
pub fn write_053(
    msg_id: &str,
    account: &str,
    currency: &str,
    booked: Date,
    items: &[Item],
) -> String {
    use std::fmt::Write as _;
    let day = format!(
        "{:04}-{:02}-{:02}",
        booked.year(),
        u8::from(booked.month()),
        booked.day()
    );
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr><Stmt><Id>{msg_id}-1</Id><CreDtTm>{day}T18:00:00</CreDtTm><Acct><Id><IBAN>{account}</IBAN></Id></Acct>\n"
    );
    for it in items {
        let amount = money::plain(it.amount.unwrap_or(0));
        let (ind, ret) = match &it.outcome {
            Outcome::Settled => ("DBIT", String::new()),
            Outcome::Returned { code, info } => (
                "CRDT",
                format!(
                    "<RtrInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{}</AddtlInf></RtrInf>",
                    super::bank_text::clean(info, 105)
                ),
            ),
        };
        let _ = write!(
            x,
            "<Ntry><Amt Ccy=\"{currency}\">{amount}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt><BkTxCd/><NtryDtls><TxDtls><Refs><EndToEndId>{}</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy=\"{currency}\">{amount}</Amt></TxAmt></AmtDtls>{ret}</TxDtls></NtryDtls></Ntry>",
            super::bank_text::clean(&it.end_to_end, 35)
        );
        x.push('\n');
    }
    x.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reads_settled_and_returned_from_053_and_054() {
        let items = vec![
            Item {
                end_to_end: "SKRB-L1".into(),
                amount: Some(23_849),
                booked: Some(date!(2026 - 05 - 05)),
                outcome: Outcome::Settled,
            },
            Item {
                end_to_end: "SKRB-L2".into(),
                amount: Some(10_000),
                booked: Some(date!(2026 - 05 - 05)),
                outcome: Outcome::Returned {
                    code: "AC04".into(),
                    info: "Closed account".into(),
                },
            },
        ];
        let xml = write_053(
            "STMT-1",
            "SI56011006000000017",
            "EUR",
            date!(2026 - 05 - 05),
            &items,
        );
        let st = parse_xml(&xml).expect("053");
        assert_eq!(st.id, "STMT-1");
        assert_eq!(st.kind, "camt.053");
        assert_eq!(st.items, items);
        let n = "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>N-7</MsgId></GrpHdr><Ntfctn><Ntry><Amt Ccy=\"BAM\">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-05-06</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>SKRB-L3</EndToEndId></Refs></TxDtls></NtryDtls></Ntry><Ntry><Amt Ccy=\"BAM\">9.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><NtryDtls><TxDtls><Refs><EndToEndId>SKRB-L4</EndToEndId></Refs></TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>";
        let st = parse_xml(n).expect("054");
        assert_eq!(st.kind, "camt.054");
        assert_eq!(st.items.len(), 1, "the pending one is not yet an outcome");
        assert_eq!(st.items[0].end_to_end, "SKRB-L3");
        assert_eq!(st.items[0].amount, Some(5_000));
        assert_eq!(st.items[0].outcome, Outcome::Settled);
    }

    #[test]
    fn refuses_what_is_not_a_statement() {
        assert!(matches!(parse_xml("<a><b>"), Err(Error::NotAStatement(_))));
        assert!(matches!(
            parse_xml("<Document><Other/></Document>"),
            Err(Error::NotAStatement(_))
        ));
    }

    #[test]
    fn reads_csv() {
        let st = parse_csv("reference;status;reason;amount\nSKRB-L1;settled;;238,49\nSKRB-L2;returned;AC01;10.00\n").expect("csv");
        assert_eq!(st.items.len(), 2);
        assert_eq!(st.items[0].amount, Some(23_849));
        assert_eq!(
            st.items[1].outcome,
            Outcome::Returned {
                code: "AC01".into(),
                info: String::new()
            }
        );
        assert!(matches!(
            parse_csv("reference;status\nX;maybe\n"),
            Err(Error::Line(2, _))
        ));
        assert!(matches!(parse_csv("a;b\n"), Err(Error::Line(1, _))));
    }

    #[test]
    fn reads_payments_received_with_their_creditor_reference() {
        let xml = write_053_receipts(
            "R-1",
            "SI56191000000123438",
            "EUR",
            date!(2026 - 12 - 10),
            &[("SI1220261100017".into(), 13_760)],
        );
        let st = parse_xml(&xml).expect("reads");
        assert!(st.items.is_empty(), "no payment of ours");
        assert_eq!(
            st.receipts,
            vec![Receipt {
                reference: "SI1220261100017".into(),
                amount: Some(13_760),
                booked: Some(date!(2026 - 12 - 10)),
                entry: 0,
            }]
        );
    }
}
