//! Languages of the user interface: Slovenian, Serbian Cyrillic, Serbian Latin, English.
//!
//! Messages live in Fluent files (`locales/*.ftl`, embedded at compile time) so plural
//! rules (sl: one/two/few/other; sr: one/few/other) are the translators' business, not
//! code. Serbian Latin is derived from the Cyrillic file by transliteration, so the two
//! scripts can never drift apart. Isolation marks are off: they leak into PDFs and XLSX.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Locale {
    #[serde(rename = "sl")]
    Sl,
    #[serde(rename = "sr-Cyrl")]
    SrCyrl,
    #[serde(rename = "sr-Latn")]
    SrLatn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::Sl, Locale::SrCyrl, Locale::SrLatn, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Sl => "sl",
            Locale::SrCyrl => "sr-Cyrl",
            Locale::SrLatn => "sr-Latn",
            Locale::En => "en",
        }
    }

    /// The HTML `lang` attribute value.
    pub fn html_lang(self) -> &'static str {
        self.code()
    }

    /// The language's name in itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Sl => "Slovenščina",
            Locale::SrCyrl => "Српски (ћирилица)",
            Locale::SrLatn => "Srpski (latinica)",
            Locale::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "sl" | "sl-si" => Some(Locale::Sl),
            "sr-cyrl" | "sr" | "sr-cyrl-ba" | "sr-cyrl-rs" | "sr-ba" | "sr-rs" => {
                Some(Locale::SrCyrl)
            }
            "sr-latn" | "sr-latn-ba" | "sr-latn-rs" | "bs" | "hr" => Some(Locale::SrLatn),
            "en" | "en-gb" | "en-us" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, in the client's order.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Locale::from_code)
    }

    fn source(self) -> String {
        match self {
            Locale::Sl => include_str!("../locales/sl.ftl").to_string(),
            Locale::SrCyrl => include_str!("../locales/sr-Cyrl.ftl").to_string(),
            Locale::SrLatn => {
                skrb_domain::names::cyrillic_to_latin(include_str!("../locales/sr-Cyrl.ftl"))
            }
            Locale::En => include_str!("../locales/en.ftl").to_string(),
        }
    }

    fn langid(self) -> unic_langid::LanguageIdentifier {
        let tag = match self {
            Locale::Sl => "sl",
            Locale::SrCyrl => "sr-Cyrl",
            Locale::SrLatn => "sr-Latn",
            Locale::En => "en",
        };
        tag.parse().unwrap_or_default()
    }

    fn index(self) -> usize {
        self as usize
    }
}

struct Catalog {
    bundles: Vec<FluentBundle<FluentResource>>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        bundles: Locale::ALL
            .iter()
            .map(|&l| {
                let mut bundle = FluentBundle::new_concurrent(vec![l.langid()]);
                bundle.set_use_isolating(false);
                // The files are ours and checked by tests; a syntax error still loads the rest.
                let resource = FluentResource::try_new(l.source()).unwrap_or_else(|(r, _)| r);
                let _ = bundle.add_resource(resource);
                bundle
            })
            .collect(),
    })
}

/// Translates `key`; an unknown key comes back as itself so a gap is visible, not fatal.
pub fn t(locale: Locale, key: &str) -> String {
    t_args(locale, key, &[])
}

/// Translates `key` with named arguments (numbers select plural forms).
pub fn t_args(locale: Locale, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let bundle = &catalog().bundles[locale.index()];
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        return key.to_string();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fargs), &mut errors)
        .into_owned()
}

/// Whether the catalogue of `locale` has `key` (used by completeness tests).
pub fn has(locale: Locale, key: &str) -> bool {
    catalog().bundles[locale.index()].has_message(key)
}

/// Message ids of a locale's source file, in file order.
pub fn keys(locale: Locale) -> Vec<String> {
    l_keys(&locale.source())
}

fn l_keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as people of the locale write it: `22. 11. 2026`, `22. 11. 2026.`, `22 Nov 2026`.
pub fn fmt_date(locale: Locale, d: Date) -> String {
    let (day, month, year) = (d.day(), u8::from(d.month()), d.year());
    match locale {
        Locale::Sl => format!("{day}. {month}. {year}"),
        Locale::SrCyrl | Locale::SrLatn => format!("{day}. {month}. {year}."),
        Locale::En => format!("{day} {} {year}", EN_MONTHS[usize::from(month) - 1]),
    }
}

/// A moment in UTC with minutes.
/// A date and time as its offset shows it (the caller puts it on the reader's wall
/// clock first, e.g. `Zone::local`); UTC is said as such.
pub fn fmt_datetime(locale: Locale, t: OffsetDateTime) -> String {
    let utc = if t.offset().is_utc() { " UTC" } else { "" };
    format!(
        "{} {:02}:{:02}{utc}",
        fmt_date(locale, t.date()),
        t.hour(),
        t.minute()
    )
}

fn group(locale: Locale, n: u64) -> String {
    let sep = if locale == Locale::En { ',' } else { '.' };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// An integer with the locale's thousands separator.
pub fn fmt_int(locale: Locale, n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(locale, n.unsigned_abs()))
}

/// An amount in minor units (cents, feninga) with its currency, exactly, as the locale
/// writes money: `1.395,43 €`, `1.395,43 KM`, `€1,395.43`.
pub fn fmt_money(locale: Locale, minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (units, cents) = (abs / 100, abs % 100);
    let dec = if locale == Locale::En { '.' } else { ',' };
    let number = format!("{}{dec}{cents:02}", group(locale, units));
    let symbol = match (currency, locale) {
        ("EUR", _) => "€",
        ("BAM", Locale::SrCyrl) => "КМ",
        ("BAM", Locale::En) => "BAM",
        ("BAM", _) => "KM",
        (other, _) => other,
    };
    match locale {
        Locale::En if symbol == "€" => format!("{sign}€{number}"),
        Locale::En => format!("{sign}{symbol} {number}"),
        _ => format!("{sign}{number} {symbol}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_key_exists_in_every_language() {
        let en = keys(Locale::En);
        assert!(en.len() > 50, "catalogue looks truncated: {}", en.len());
        for l in Locale::ALL {
            let ks = keys(l);
            for k in &en {
                assert!(ks.contains(k), "{} lacks {k}", l.code());
                assert!(has(l, k), "{} does not load {k}", l.code());
            }
            for k in &ks {
                assert!(en.contains(k), "{} has extra key {k}", l.code());
            }
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let n = |l, c: i64| t_args(l, "count-persons", &[("count", c.into())]);
        assert_eq!(n(Locale::Sl, 1), "1 oseba");
        assert_eq!(n(Locale::Sl, 2), "2 osebi");
        assert_eq!(n(Locale::Sl, 3), "3 osebe");
        assert_eq!(n(Locale::Sl, 5), "5 oseb");
        assert_eq!(n(Locale::Sl, 101), "101 oseba");
        assert_eq!(n(Locale::SrCyrl, 1), "1 особа");
        assert_eq!(n(Locale::SrCyrl, 3), "3 особе");
        assert_eq!(n(Locale::SrCyrl, 5), "5 особа");
        assert_eq!(n(Locale::SrLatn, 22), "22 osobe");
        assert_eq!(n(Locale::En, 1), "1 person");
        assert_eq!(n(Locale::En, 7), "7 persons");
    }

    #[test]
    fn serbian_latin_is_derived_from_cyrillic() {
        assert_eq!(t(Locale::SrLatn, "nav-persons"), "Osobe");
        assert_eq!(t(Locale::SrCyrl, "nav-persons"), "Особе");
    }

    #[test]
    fn dates_numbers_money() {
        let d = date!(2026 - 04 - 01);
        assert_eq!(fmt_date(Locale::Sl, d), "1. 4. 2026");
        assert_eq!(fmt_date(Locale::SrCyrl, d), "1. 4. 2026.");
        assert_eq!(fmt_date(Locale::En, d), "1 Apr 2026");
        assert_eq!(fmt_int(Locale::Sl, 2_000_000), "2.000.000");
        assert_eq!(fmt_int(Locale::En, -45_000), "-45,000");
        assert_eq!(fmt_money(Locale::Sl, 139_543, "EUR"), "1.395,43 €");
        assert_eq!(fmt_money(Locale::En, 139_543, "EUR"), "€1,395.43");
        assert_eq!(
            fmt_money(Locale::SrLatn, 14_602_588, "BAM"),
            "146.025,88 KM"
        );
        assert_eq!(fmt_money(Locale::SrCyrl, 5, "BAM"), "0,05 КМ");
        assert_eq!(fmt_money(Locale::En, -100, "BAM"), "-BAM 1.00");
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Locale::from_accept_language("de-DE,sr;q=0.8,en;q=0.5"),
            Some(Locale::SrCyrl)
        );
        assert_eq!(Locale::from_accept_language("fr"), None);
    }
}

/// JSON dates as `YYYY-MM-DD`, as clients expect (time's default is a tuple).
pub mod json_date {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::dates::iso_date(*d))
    }

    pub mod option {
        use serde::Serializer;
        use time::Date;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_str(&crate::dates::iso_date(*d)),
                None => s.serialize_none(),
            }
        }
    }
}

/// A catalogue name in the reader's language (Serbian Latin transliterated).
pub fn name_in(l: Locale, sl: &str, sr: &str, en: &str) -> String {
    match l {
        Locale::Sl => sl.to_string(),
        Locale::SrCyrl => sr.to_string(),
        Locale::SrLatn => skrb_domain::names::cyrillic_to_latin(sr),
        Locale::En => en.to_string(),
    }
}
