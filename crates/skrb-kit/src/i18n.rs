//! Languages of the user interface: Slovenian, Serbian Cyrillic, Serbian Latin, English.
//!
//! Messages live in Fluent files so plural rules (sl: one/two/few/other; sr:
//! one/few/other) are the translators' business, not code. Each context keeps its words
//! beside its screens (`crates/skrb-<context>/locales/<lang>/<context>.ftl`, every key
//! starting with `<context>-`); the words every screen shares are the kit's
//! (`locales/<lang>/common.ftl`). Each crate embeds its files as a [`Words`] (the
//! [`words!`](crate::words) macro) and the app hands the whole list to [`install`] before
//! the first request, so a change of words rebuilds only its own crate. Serbian Latin is
//! derived from the Cyrillic files by transliteration, so the two scripts can never drift
//! apart. Isolation marks are off: they leak into PDFs and XLSX.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
pub use fluent_bundle::FluentValue;
use fluent_bundle::{FluentArgs, FluentResource};
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

/// One file of words in the three written languages (Serbian Latin is derived).
#[derive(Debug)]
pub struct Words {
    /// The file's name: a context's (`cases`), or `common`, `app`.
    pub name: &'static str,
    /// The prefix every key of a context's file starts with (`cases-`); none for the
    /// shared files, whose keys may start with no context's prefix.
    pub prefix: Option<&'static str>,
    pub sl: &'static str,
    pub sr_cyrl: &'static str,
    pub en: &'static str,
}

impl Words {
    /// The file's source in a language.
    pub fn source(&self, locale: Locale) -> String {
        match locale {
            Locale::Sl => self.sl.to_string(),
            Locale::SrCyrl => self.sr_cyrl.to_string(),
            Locale::SrLatn => skrb_domain::names::cyrillic_to_latin(self.sr_cyrl),
            Locale::En => self.en.to_string(),
        }
    }

    /// Message ids of the file in a language, in file order.
    pub fn keys(&self, locale: Locale) -> Vec<String> {
        l_keys(&self.source(locale))
    }
}

/// A crate's words: `words!("cases", "cases-")` embeds
/// `locales/{sl,sr-Cyrl,en}/cases.ftl` of the crate that calls it.
#[macro_export]
macro_rules! words {
    ($name:literal) => {
        $crate::words!(@ $name, None)
    };
    ($name:literal, $prefix:literal) => {
        $crate::words!(@ $name, Some($prefix))
    };
    (@ $name:literal, $prefix:expr) => {
        $crate::i18n::Words {
            name: $name,
            prefix: $prefix,
            sl: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/sl/", $name, ".ftl")),
            sr_cyrl: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/sr-Cyrl/",
                $name,
                ".ftl"
            )),
            en: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en/", $name, ".ftl")),
        }
    };
}

/// The prefixes of the contexts' keys (a new context adds its own): a shared file's
/// keys take none of them, and an API error's code is its key without it.
pub const CONTEXT_PREFIXES: [&str; 11] = [
    "import-",
    "year-",
    "report-",
    "registry-",
    "partners-",
    "cases-",
    "rights-",
    "payments-",
    "services-",
    "placements-",
    "programmes-",
];

/// The words every screen shares: navigation, fields, errors, buttons.
pub static COMMON: Words = crate::words!("common");

static INSTALLED: OnceLock<&'static [&'static Words]> = OnceLock::new();
static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// Makes these files the catalogue (the app's list: the kit's, every context's, its
/// own). Called once at start, before any message is looked up; calling it again with
/// the same list is harmless. Without it only the common words load.
pub fn install(all: &'static [&'static Words]) {
    if INSTALLED.set(all).is_ok() {
        // A catalogue built before the list was given would lack the contexts' words:
        // a wiring mistake of the program's start, never of user data.
        assert!(
            CATALOG.get().is_none(),
            "words looked up before i18n::install"
        );
    } else {
        let names = |l: &[&Words]| l.iter().map(|w| w.name).collect::<Vec<_>>();
        assert_eq!(
            names(installed()),
            names(all),
            "i18n::install with two lists"
        );
    }
}

/// The files of the catalogue.
pub fn installed() -> &'static [&'static Words] {
    static ONLY_COMMON: [&Words; 1] = [&COMMON];
    INSTALLED.get().copied().unwrap_or(&ONLY_COMMON)
}

struct Catalog {
    bundles: Vec<FluentBundle<FluentResource>>,
}

fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| {
        let files = installed();
        Catalog {
            bundles: Locale::ALL
                .iter()
                .map(|&l| {
                    let mut bundle = FluentBundle::new_concurrent(vec![l.langid()]);
                    bundle.set_use_isolating(false);
                    for w in files {
                        // The files are ours and checked by tests; a syntax error or a
                        // key in two files still loads the rest.
                        let resource =
                            FluentResource::try_new(w.source(l)).unwrap_or_else(|(r, _)| r);
                        let _ = bundle.add_resource(resource);
                    }
                    bundle
                })
                .collect(),
        }
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

/// What is wrong with a list of files: a key missing from a language or extra in it,
/// a key in two files, a context's key without its prefix, a shared key with a
/// context's prefix (`context_prefixes`), a message that does not load.
pub fn check(files: &[&Words], context_prefixes: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<String, &str> = Default::default();
    for w in files {
        let en = w.keys(Locale::En);
        for k in &en {
            if let Some(other) = seen.insert(k.clone(), w.name) {
                problems.push(format!("{k} is in {other} and in {}", w.name));
            }
            match w.prefix {
                Some(p) if !k.starts_with(p) => {
                    problems.push(format!("{}: {k} does not start with {p}", w.name))
                }
                None => {
                    if let Some(p) = context_prefixes.iter().find(|p| k.starts_with(**p)) {
                        problems.push(format!("{}: {k} has a context's prefix {p}", w.name));
                    }
                }
                _ => {}
            }
        }
        for l in Locale::ALL {
            let ks = w.keys(l);
            let source = w.source(l);
            let loaded = FluentResource::try_new(source).map_err(|(_, e)| e);
            if let Err(e) = &loaded {
                problems.push(format!("{} ({}) does not parse: {e:?}", w.name, l.code()));
            }
            for k in &en {
                if !ks.contains(k) {
                    problems.push(format!("{} ({}) lacks {k}", w.name, l.code()));
                }
            }
            for k in &ks {
                if !en.contains(k) {
                    problems.push(format!("{} ({}) has an extra key {k}", w.name, l.code()));
                }
            }
        }
    }
    problems
}

/// Message ids of every installed file of a locale.
pub fn keys(locale: Locale) -> Vec<String> {
    installed().iter().flat_map(|w| w.keys(locale)).collect()
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

/// An amount as a form shows it for editing, in the reader's way of writing it: the
/// locale's decimal mark, no thousands separators, no currency ("78,00"; "78.00" in
/// English). The parser takes either mark back.
pub fn fmt_amount_input(locale: Locale, minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let dec = if locale == Locale::En { '.' } else { ',' };
    format!("{sign}{}{dec}{:02}", abs / 100, abs % 100)
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
    // A no-break space between the number and the currency: an amount never breaks
    // across lines ("18.645,11 / €") in a narrow column, a summary or a document.
    match locale {
        Locale::En if symbol == "€" => format!("{sign}€{number}"),
        Locale::En => format!("{sign}{symbol}\u{a0}{number}"),
        _ => format!("{sign}{number}\u{a0}{symbol}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The common words hold every key in every language and none of a context's;
    /// the app's test checks every file of every context the same way.
    #[test]
    fn every_key_exists_in_every_language() {
        let problems = check(&[&COMMON], &CONTEXT_PREFIXES);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(COMMON.keys(Locale::En).len() > 50);
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
        assert_eq!(fmt_money(Locale::Sl, 139_543, "EUR"), "1.395,43\u{a0}€");
        assert_eq!(fmt_money(Locale::En, 139_543, "EUR"), "€1,395.43");
        assert_eq!(
            fmt_money(Locale::SrLatn, 14_602_588, "BAM"),
            "146.025,88\u{a0}KM"
        );
        assert_eq!(fmt_money(Locale::SrCyrl, 5, "BAM"), "0,05\u{a0}КМ");
        assert_eq!(fmt_money(Locale::En, -100, "BAM"), "-BAM\u{a0}1.00");
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

    /// Reads back what [`serialize`] wrote (a frozen report's snapshot).
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s: String = serde::Deserialize::deserialize(d)?;
        crate::dates::parse_date(&s).ok_or_else(|| serde::de::Error::custom("a date YYYY-MM-DD"))
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
