//! Money in minor units (cents, feninga) and factors in ten-thousandths, so that weights
//! (0.57), percentages (17 %) and amounts multiply exactly; the one rounding is to the
//! cent, half away from zero, as the laws round.

use serde::{Deserializer, Serializer};

/// An amount in minor units of its currency (1 EUR = 100).
pub type Minor = i64;

/// One in factor units: a weight of 0.57 is 5,700, 17 % is 1,700, +25 % is 2,500.
pub const ONE: i64 = 10_000;

/// `amount × factor / ONE`, rounded to the minor unit, half away from zero.
pub fn apply(amount: Minor, factor: i64) -> Minor {
    let p = amount as i128 * factor as i128;
    let q = ONE as i128;
    let r = if p >= 0 {
        (p + q / 2) / q
    } else {
        (p - q / 2) / q
    };
    r as Minor
}

/// Parses an amount as people type it: `1234.56`, `1234,56`, `1 234,5`, `-3`. At most two
/// decimals; no floats on the way.
pub fn parse(s: &str) -> Option<Minor> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'')
        .collect();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t),
    };
    if t.is_empty() {
        return None;
    }
    // The last '.' or ',' is the decimal separator if two or fewer digits follow it;
    // any other separators are thousands separators.
    let last = t.rfind(['.', ',']);
    let (int, frac) = match last {
        Some(i) if t.len() - i - 1 <= 2 => (&t[..i], &t[i + 1..]),
        _ => (t.as_str(), ""),
    };
    let int: String = int.chars().filter(|c| *c != '.' && *c != ',').collect();
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if int.len() > 13 {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let v = whole * 100 + cents;
    Some(if neg { -v } else { v })
}

/// `1234.56` (a dot, two decimals): the machine form used in JSON and files.
pub fn plain(v: Minor) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", v.abs() / 100, v.abs() % 100)
}

/// A factor as a decimal number: 5,700 → `0.57`, 12,600 → `1.26`.
pub fn factor_plain(f: i64) -> String {
    let s = format!("{}.{:04}", f / ONE, (f % ONE).abs());
    let s = s.trim_end_matches('0');
    let s = s.strip_suffix('.').unwrap_or(s);
    s.to_string()
}

/// Serde for amounts: written as `"1234.56"`, read from such a string or a JSON number.
pub mod serde_amount {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Minor, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&plain(*v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Minor, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Minor;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an amount such as \"123.45\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Minor, E> {
                parse(v).ok_or_else(|| E::custom(format!("not an amount: {v}")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Minor, E> {
                v.checked_mul(100)
                    .ok_or_else(|| E::custom("amount too large"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Minor, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(100))
                    .ok_or_else(|| E::custom("amount too large"))
            }
            // A JSON number with decimals: its shortest text form is parsed, never
            // computed with.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Minor, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(apply(50743, 27_500), 139_543); // 1,395.4325
        assert_eq!(apply(50743, 4_700), 23_849); // 238.4921
        assert_eq!(apply(109_800, 7_500), 82_350);
        assert_eq!(apply(1, 5_000), 1); // half a cent goes up
        assert_eq!(apply(-1, 5_000), -1);
        assert_eq!(apply(3, 5_000), 2);
    }

    #[test]
    fn parses_amounts_as_typed() {
        assert_eq!(parse("1234.56"), Some(123_456));
        assert_eq!(parse("1234,56"), Some(123_456));
        assert_eq!(parse("1.234,5"), Some(123_450));
        assert_eq!(parse("1 234"), Some(123_400));
        assert_eq!(parse("1,234.00"), Some(123_400));
        assert_eq!(parse("0"), Some(0));
        assert_eq!(parse("-3"), Some(-300));
        assert_eq!(parse(""), None);
        assert_eq!(parse("12a"), None);
        assert_eq!(parse("1.2.3,4x"), None);
        assert_eq!(plain(123_456), "1234.56");
        assert_eq!(plain(-5), "-0.05");
        assert_eq!(factor_plain(5_700), "0.57");
        assert_eq!(factor_plain(10_000), "1");
        assert_eq!(factor_plain(12_600), "1.26");
    }
}
