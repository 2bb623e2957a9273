//! What the fuzz targets (`fuzz/`) check on every input they make up: each parser of
//! outside input neither panics nor gives a value that breaks its own promise (a number
//! that does not read back the same, a negative benefit). Kept here, beside the parsers,
//! so that every crash a fuzzer finds becomes a regression test of the normal suite
//! (`fuzz/regressions/<target>/`, read by `tests::regressions_stay_fixed`).

use crate::emso::PersonalNumber;
use crate::iban::Iban;
use crate::payments::camt;
use crate::rights::{calculate, money, Calculator, Household};
use crate::text;

/// A fuzz target's check of one input.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/` and the regression folders name them.
pub const TARGETS: [(&str, Target); 7] = [
    ("emso", emso),
    ("iban", iban),
    ("amount", amount),
    ("statement_xml", statement_xml),
    ("statement_csv", statement_csv),
    ("household", household),
    ("attachment", attachment),
];

fn text_of(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// EMŠO/JMBG as typed: a number that parses is 13 digits, decodes, and parses again
/// to itself.
pub fn emso(data: &[u8]) {
    let s = text_of(data);
    if let Ok(n) = PersonalNumber::parse(&s) {
        assert!(
            n.as_str().len() == 13 && n.as_str().bytes().all(|b| b.is_ascii_digit()),
            "{n}"
        );
        assert!(n.expected_check_digit() < 10);
        let _ = n.decode();
        let _ = n.findings();
        assert_eq!(PersonalNumber::parse(n.as_str()).ok().as_ref(), Some(&n));
    }
}

/// An IBAN as typed: what parses is upper-case letters and digits and reads back the
/// same from its printed form.
pub fn iban(data: &[u8]) {
    let s = text_of(data);
    if let Ok(i) = Iban::parse(&s) {
        assert!(
            i.as_str()
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "{}",
            i.as_str()
        );
        assert!((15..=34).contains(&i.as_str().len()), "{}", i.as_str());
        assert_eq!(Iban::parse(&i.display()).ok().as_ref(), Some(&i));
    }
}

/// An amount as people type it: within 13 digits of whole units, and its machine form
/// reads back to the same number of cents.
pub fn amount(data: &[u8]) {
    let s = text_of(data);
    if let Some(v) = money::parse(&s) {
        // 13 digits of whole units and two of cents.
        assert!(v.unsigned_abs() < 1_000_000_000_000_000, "{v}");
        assert_eq!(money::parse(&money::plain(v)), Some(v), "{s:?}");
    }
}

/// A bank statement as XML (camt.053/054, any version): an answer, never a panic.
pub fn statement_xml(data: &[u8]) {
    let _ = camt::parse_xml(&text_of(data));
}

/// A bank statement as CSV.
pub fn statement_csv(data: &[u8]) {
    let _ = camt::parse_csv(&text_of(data));
}

/// A household as JSON (the API's and the command line's calculator input): every
/// calculator answers, and no benefit comes out negative.
pub fn household(data: &[u8]) {
    let Ok(h) = serde_json::from_slice::<Household>(data) else {
        return;
    };
    let params = crate::fixtures::params_april_2026();
    for c in Calculator::ALL {
        if let Ok(calc) = calculate(c, "fuzz", &params, &h) {
            assert!(calc.amount >= 0, "{c:?} gave {}", calc.amount);
        }
    }
}

/// An uploaded file: recognised or not, and its name made safe to show whatever it was.
pub fn attachment(data: &[u8]) {
    let _ = text::sniff(data);
    let name = text::file_name(&text_of(data));
    assert!(!name.is_empty() && name.chars().count() <= 200);
    assert!(
        !name.chars().any(|c| c.is_control()
            || text::is_bidi_control(c)
            || matches!(c, '/' | '\\' | '"' | ';')),
        "{name:?}"
    );
}

#[cfg(test)]
mod tests {
    use super::TARGETS;

    /// Every input a fuzzer once crashed on, and every seed, still passes its target.
    #[test]
    fn regressions_stay_fixed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
        let mut checked = 0;
        for (name, target) in TARGETS {
            for kind in ["regressions", "seeds"] {
                let Ok(dir) = std::fs::read_dir(root.join(kind).join(name)) else {
                    continue;
                };
                for f in dir.flatten() {
                    let data = std::fs::read(f.path()).expect("read");
                    let result = std::panic::catch_unwind(|| target(&data));
                    assert!(result.is_ok(), "{name}: {} fails again", f.path().display());
                    checked += 1;
                }
            }
        }
        assert!(checked >= TARGETS.len(), "{checked} inputs");
    }
}
