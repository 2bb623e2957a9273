//! The Slovenian UPN QR payment order an invoice carries, and the SI12 reference a bank
//! statement brings back. The payload follows the banks' association's technical standard
//! (ZBS, UPN QR): twenty fields each ended by a line feed, in ISO 8859-2, the last field
//! the length of the first nineteen, padded with spaces to 411 bytes, encoded as a QR code
//! of version 15 with error correction M and ECI 4.

use time::Date;

use crate::rights::money::Minor;

/// Bytes in the payload, padded with spaces.
pub const PAYLOAD_LEN: usize = 411;

/// The SI12 model's check digit (mod 11 with weights 2, 3, 4, ... from the right; a
/// remainder giving 10 or 11 gives 0).
pub fn mod11(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = digits
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| (c as u32 - '0' as u32) * (i as u32 + 2))
        .sum();
    let k = 11 - sum % 11;
    Some(if k >= 10 { 0 } else { k })
}

/// The reference `SI12` + the digits + their check digit (at most 22 digits in all).
pub fn si12(digits: &str) -> Option<String> {
    (digits.len() <= 21).then_some(())?;
    Some(format!("SI12{digits}{}", mod11(digits)?))
}

/// A bill's reference from its digits: in Slovenia in the SI12 model (what the UPN QR
/// and a camt.053 statement carry), in Republika Srpska the digits with their check digit
/// (the "poziv na broj" of a payment slip).
pub fn reference(jurisdiction: &str, digits: &str) -> String {
    if jurisdiction == "SI" {
        si12(digits).unwrap_or_else(|| digits.to_string())
    } else {
        match mod11(digits) {
            Some(k) => format!("{digits}{k}"),
            None => digits.to_string(),
        }
    }
}

/// Whether a reference (spaces allowed) is a well-formed SI12 reference.
pub fn is_si12(reference: &str) -> bool {
    let r: String = reference.chars().filter(|c| *c != ' ').collect();
    let Some(body) = r.strip_prefix("SI12") else {
        return false;
    };
    if body.len() < 2 {
        return false;
    }
    let (digits, check) = body.split_at(body.len() - 1);
    mod11(digits).map(|k| k.to_string()) == Some(check.to_string())
}

/// A payment order, as printed and as scanned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Order {
    pub payer_name: String,
    pub payer_street: String,
    pub payer_city: String,
    pub amount: Minor,
    /// Four capitals (ISO 20022 purpose code), e.g. `OTHR`.
    pub purpose_code: String,
    pub purpose: String,
    pub due: Option<Date>,
    pub recipient_iban: String,
    pub reference: String,
    pub recipient_name: String,
    pub recipient_street: String,
    pub recipient_city: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpnError {
    Amount,
    Iban,
    Reference,
    PurposeCode,
    Payload,
}

/// ISO 8859-2 for the letters of Slovenia and its neighbours; anything else becomes `?`.
fn latin2(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            'Č' => 0xC8,
            'č' => 0xE8,
            'Š' => 0xA9,
            'š' => 0xB9,
            'Ž' => 0xAE,
            'ž' => 0xBE,
            'Ć' => 0xC6,
            'ć' => 0xE6,
            'Đ' => 0xD0,
            'đ' => 0xF0,
            'Ä' => 0xC4,
            'ä' => 0xE4,
            'Ö' => 0xD6,
            'ö' => 0xF6,
            'Ü' => 0xDC,
            'ü' => 0xFC,
            'ß' => 0xDF,
            _ => b'?',
        })
        .collect()
}

fn from_latin2(b: &[u8]) -> String {
    b.iter()
        .map(|&x| match x {
            0xC8 => 'Č',
            0xE8 => 'č',
            0xA9 => 'Š',
            0xB9 => 'š',
            0xAE => 'Ž',
            0xBE => 'ž',
            0xC6 => 'Ć',
            0xE6 => 'ć',
            0xD0 => 'Đ',
            0xF0 => 'đ',
            0xC4 => 'Ä',
            0xE4 => 'ä',
            0xD6 => 'Ö',
            0xF6 => 'ö',
            0xDC => 'Ü',
            0xFC => 'ü',
            0xDF => 'ß',
            _ if x.is_ascii() => x as char,
            _ => '?',
        })
        .collect()
}

/// At most `n` characters, line feeds taken out (they end fields).
fn cut(s: &str, n: usize) -> String {
    s.chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .take(n)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// The payload's bytes (ISO 8859-2, 411 bytes).
pub fn payload(o: &Order) -> Result<Vec<u8>, UpnError> {
    if !(0..=99_999_999_999).contains(&o.amount) {
        return Err(UpnError::Amount);
    }
    let iban: String = o.recipient_iban.chars().filter(|c| *c != ' ').collect();
    if crate::iban::Iban::parse(&iban).is_err() {
        return Err(UpnError::Iban);
    }
    let reference: String = o.reference.chars().filter(|c| *c != ' ').collect();
    if reference.len() > 26 || !(is_si12(&reference) || reference.starts_with("RF")) {
        return Err(UpnError::Reference);
    }
    if o.purpose_code.len() != 4 || !o.purpose_code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(UpnError::PurposeCode);
    }
    let fields = [
        "UPNQR".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        cut(&o.payer_name, 33),
        cut(&o.payer_street, 33),
        cut(&o.payer_city, 33),
        format!("{:011}", o.amount),
        String::new(),
        String::new(),
        o.purpose_code.clone(),
        cut(&o.purpose, 42),
        o.due
            .map(|d| format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year()))
            .unwrap_or_default(),
        iban,
        reference,
        cut(&o.recipient_name, 33),
        cut(&o.recipient_street, 33),
        cut(&o.recipient_city, 33),
    ];
    let mut out = Vec::with_capacity(PAYLOAD_LEN);
    for f in &fields {
        out.extend(latin2(f));
        out.push(b'\n');
    }
    let sum = out.len();
    out.extend(format!("{sum:03}").bytes());
    out.push(b'\n');
    if out.len() > PAYLOAD_LEN {
        return Err(UpnError::Payload);
    }
    out.resize(PAYLOAD_LEN, b' ');
    Ok(out)
}

/// Reads a payload back (what a mobile bank does after scanning), checking its length
/// field.
pub fn read(bytes: &[u8]) -> Result<Order, UpnError> {
    let fields: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if fields.len() < 21 || fields[0] != b"UPNQR" {
        return Err(UpnError::Payload);
    }
    let head: usize = fields[..19].iter().map(|f| f.len() + 1).sum();
    let sum: usize = std::str::from_utf8(fields[19])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(UpnError::Payload)?;
    if sum != head {
        return Err(UpnError::Payload);
    }
    let t = |i: usize| from_latin2(fields[i]);
    let amount = t(8).parse().map_err(|_| UpnError::Amount)?;
    let due = {
        let s = t(13);
        let p: Vec<&str> = s.split('.').collect();
        match p.as_slice() {
            [d, m, y] => {
                let m = time::Month::try_from(m.parse::<u8>().map_err(|_| UpnError::Payload)?)
                    .map_err(|_| UpnError::Payload)?;
                Some(
                    Date::from_calendar_date(
                        y.parse().map_err(|_| UpnError::Payload)?,
                        m,
                        d.parse().map_err(|_| UpnError::Payload)?,
                    )
                    .map_err(|_| UpnError::Payload)?,
                )
            }
            _ => None,
        }
    };
    Ok(Order {
        payer_name: t(5),
        payer_street: t(6),
        payer_city: t(7),
        amount,
        purpose_code: t(11),
        purpose: t(12),
        due,
        recipient_iban: t(14),
        reference: t(15),
        recipient_name: t(16),
        recipient_street: t(17),
        recipient_city: t(18),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn si12_check_digit() {
        // 2026110001: weights 2..11 from the right.
        // 1*2 + 0*3 + 0*4 + 0*5 + 1*6 + 1*7 + 6*8 + 2*9 + 0*10 + 2*11 = 103; 103 % 11 = 4; 11 - 4 = 7.
        assert_eq!(mod11("2026110001"), Some(7));
        assert_eq!(si12("2026110001").as_deref(), Some("SI1220261100017"));
        assert!(is_si12("SI12 2026110001 7"));
        assert!(!is_si12("SI1220261100013"));
        assert!(!is_si12("SI99 123"));
        // Remainders giving 10 or 11 give 0: 5*2 = 10, 11 - 10 = 1; "6": 12 % 11 = 1 -> 10 -> 0.
        assert_eq!(mod11("6"), Some(0));
        assert_eq!(mod11(""), None);
        assert_eq!(mod11("12a"), None);
    }

    fn order() -> Order {
        Order {
            payer_name: "Marija Čebašek".into(),
            payer_street: "Šaleška cesta 12".into(),
            payer_city: "3320 Velenje".into(),
            amount: 13760,
            purpose_code: "OTHR".into(),
            purpose: "Pomoč na domu, november 2026".into(),
            due: Some(date!(2026 - 12 - 18)),
            recipient_iban: "SI56 1910 0000 0123 438".into(),
            reference: si12("2026110001").unwrap_or_default(),
            recipient_name: "Center za socialno delo Velenje".into(),
            recipient_street: "Prešernova 7".into(),
            recipient_city: "3320 Velenje".into(),
        }
    }

    #[test]
    fn payload_is_411_latin2_bytes_that_read_back() {
        let p = payload(&order()).expect("payload");
        assert_eq!(p.len(), PAYLOAD_LEN);
        assert!(p.starts_with(b"UPNQR\n\n\n\n\nMarija \xC8eba\xB9ek\n"));
        assert!(p.windows(12).any(|w| w == b"\n00000013760"));
        let back = read(&p).expect("reads");
        assert_eq!(back.payer_name, "Marija Čebašek");
        assert_eq!(back.amount, 13760);
        assert_eq!(back.due, Some(date!(2026 - 12 - 18)));
        assert_eq!(back.recipient_iban, "SI56191000000123438");
        assert_eq!(back.reference, "SI1220261100017");
    }

    #[test]
    fn bad_orders_are_refused() {
        let mut o = order();
        o.amount = -1;
        assert_eq!(payload(&o), Err(UpnError::Amount));
        let mut o = order();
        o.recipient_iban = "SI56 0000".into();
        assert_eq!(payload(&o), Err(UpnError::Iban));
        let mut o = order();
        o.reference = "SI1220261100013".into();
        assert_eq!(payload(&o), Err(UpnError::Reference));
        let mut o = order();
        o.purpose_code = "x".into();
        assert_eq!(payload(&o), Err(UpnError::PurposeCode));
        // Long names are cut to the field's length, not refused.
        let mut o = order();
        o.payer_name = "A".repeat(80);
        assert_eq!(
            read(&payload(&o).expect("cut")).map(|r| r.payer_name.len()),
            Ok(33)
        );
    }
}
