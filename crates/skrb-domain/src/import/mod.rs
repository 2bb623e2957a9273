//! Bringing an old register in: what a file's rows may hold for each kind of record,
//! how a column's heading is recognised in the centres' languages, how a value is
//! translated by a map (a profile's "M"/"Ž"/"муш." to a sex, an old right's code to the
//! catalogue's), and how dates and amounts are read the way centres' exports write
//! them. Pure rules; the reading, checking against the registry and writing are
//! `skrb-import`'s.

use std::collections::BTreeMap;

use crate::codes;
use crate::names::fold;
use time::{Date, Month};

codes! {
    /// What a file brings in.
    pub enum Kind {
        /// Persons, and their households when a column names the household.
        Persons = "persons",
        /// Active rights with the decision they rest on (migrated decisions).
        Entitlements = "entitlements",
        /// Open case files with their worker.
        Cases = "cases",
        /// Foster carers with their permits, and the children placed with them.
        Carers = "carers",
    }
}

codes! {
    /// What checking found in a row.
    pub enum RowStatus {
        /// Goes in as it is.
        Valid = "valid",
        /// Goes in, with what was found kept on the record (a bad check digit...).
        Warned = "warned",
        /// Cannot go in: the reasons say why; fixed, it may come again in a new file.
        Invalid = "invalid",
        /// Probably someone (something) already known: a person decides.
        Duplicate = "duplicate",
        /// The same row came in with an earlier file: nothing to do.
        Already = "already",
    }
}

codes! {
    /// What the reviewer decided about a duplicate.
    pub enum Choice {
        /// It is the person already registered: link to them, fill what they lack.
        Merge = "merge",
        /// A different person after all: import as new.
        New = "new",
        /// Leave it out.
        Skip = "skip",
    }
}

codes! {
    /// Where an import stands.
    pub enum BatchStatus {
        /// The file is kept; its columns are to be mapped.
        Uploaded = "uploaded",
        /// Rows checked and counted; nothing written yet, or part of it.
        Validated = "validated",
        /// Every row that can go in went in, or was decided otherwise.
        Committed = "committed",
        /// Given up before it was committed.
        Discarded = "discarded",
    }
}

/// A field a row of a kind may hold: its key (the words' `import-field-<key>`),
/// whether a row must have it, and the headings (folded) old registers give it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub required: bool,
    pub headings: &'static [&'static str],
}

const fn f(key: &'static str, required: bool, headings: &'static [&'static str]) -> Field {
    Field {
        key,
        required,
        headings,
    }
}

const PERSONS: &[Field] = &[
    f(
        "given_name",
        true,
        &["ime", "given name", "first name", "name"],
    ),
    f(
        "family_name",
        true,
        &["priimek", "prezime", "surname", "family name", "last name"],
    ),
    f(
        "birth_date",
        false,
        &[
            "datum rojstva",
            "datum rodenja",
            "rojen",
            "roden",
            "birth date",
            "date of birth",
            "born",
        ],
    ),
    f("sex", false, &["spol", "pol", "sex", "gender"]),
    f(
        "emso",
        false,
        &[
            "emso",
            "jmbg",
            "maticni broj",
            "personal number",
            "emso jmbg",
        ],
    ),
    f("citizenship", false, &["drzavljanstvo", "citizenship"]),
    f(
        "address",
        false,
        &["naslov", "adresa", "ulica", "address", "street"],
    ),
    f(
        "postal_code",
        false,
        &[
            "postna stevilka",
            "posta",
            "postanski broj",
            "postal code",
            "zip",
        ],
    ),
    f(
        "place",
        false,
        &["kraj", "mjesto", "mesto", "naselje", "place", "city"],
    ),
    f(
        "municipality",
        false,
        &["obcina", "opstina", "municipality"],
    ),
    f("phone", false, &["telefon", "tel", "phone", "gsm"]),
    f(
        "email",
        false,
        &["e posta", "email", "e mail", "elektronska posta", "mail"],
    ),
    f(
        "iban",
        false,
        &[
            "iban",
            "trr",
            "tekoci racun",
            "tekuci racun",
            "racun",
            "account",
        ],
    ),
    f(
        "notes",
        false,
        &["opombe", "opomba", "napomena", "napomene", "notes"],
    ),
    f(
        "household",
        false,
        &[
            "gospodinjstvo",
            "domacinstvo",
            "household",
            "sifra gospodinjstva",
            "sifra domacinstva",
        ],
    ),
    f(
        "relationship",
        false,
        &["razmerje", "srodstvo", "odnos", "relationship", "sorodstvo"],
    ),
];

const ENTITLEMENTS: &[Field] = &[
    f(
        "emso",
        true,
        &["emso", "jmbg", "maticni broj", "personal number"],
    ),
    f(
        "right",
        true,
        &[
            "pravica",
            "pravo",
            "right",
            "vrsta pravice",
            "vrsta prava",
            "sifra pravice",
            "sifra prava",
        ],
    ),
    f(
        "amount",
        true,
        &[
            "znesek",
            "iznos",
            "amount",
            "mesecni znesek",
            "mjesecni iznos",
        ],
    ),
    f(
        "valid_from",
        true,
        &[
            "od",
            "velja od",
            "vazi od",
            "from",
            "valid from",
            "datum od",
        ],
    ),
    f(
        "valid_to",
        false,
        &["do", "velja do", "vazi do", "to", "valid to", "datum do"],
    ),
    f(
        "number",
        true,
        &[
            "stevilka odlocbe",
            "broj rjesenja",
            "broj resenja",
            "decision number",
            "odlocba",
            "rjesenje",
            "resenje",
        ],
    ),
    f(
        "decided_on",
        false,
        &[
            "datum odlocbe",
            "datum rjesenja",
            "datum resenja",
            "decided on",
            "decision date",
        ],
    ),
    f("payee_name", false, &["prejemnik", "primalac", "payee"]),
    f(
        "payee_iban",
        false,
        &["iban prejemnika", "racun primaoca", "payee iban"],
    ),
];

const EMSO: &[&str] = &["emso", "jmbg", "maticni broj", "personal number"];

const CASES: &[Field] = &[
    f("emso", true, EMSO),
    f(
        "case_type",
        true,
        &[
            "vrsta zadeve",
            "vrsta predmeta",
            "vrsta",
            "tip",
            "case type",
            "type",
            "podrocje",
            "oblast",
        ],
    ),
    f(
        "worker",
        true,
        &[
            "strokovni delavec",
            "strucni radnik",
            "delavec",
            "radnik",
            "voditelj",
            "nosilec primera",
            "worker",
            "case worker",
        ],
    ),
    f(
        "opened_on",
        false,
        &[
            "odprto",
            "datum odprtja",
            "otvoreno",
            "datum otvaranja",
            "opened",
            "opened on",
            "od",
        ],
    ),
    f(
        "file_number",
        false,
        &[
            "stevilka",
            "stevilka zadeve",
            "broj",
            "broj predmeta",
            "number",
            "file number",
        ],
    ),
    f(
        "summary",
        false,
        &["opis", "povzetek", "sazetak", "summary", "description"],
    ),
];

const CARERS: &[Field] = &[
    f(
        "emso",
        true,
        &[
            "emso rejnika",
            "jmbg hranitelja",
            "emso",
            "jmbg",
            "carer emso",
        ],
    ),
    f(
        "permit_kind",
        false,
        &[
            "vrsta dovoljenja",
            "vrsta rejnistva",
            "vrsta hraniteljstva",
            "permit kind",
        ],
    ),
    f(
        "permit_number",
        false,
        &[
            "stevilka dovoljenja",
            "broj dozvole",
            "broj rjesenja",
            "broj resenja",
            "permit number",
        ],
    ),
    f(
        "permit_on",
        true,
        &[
            "dovoljenje od",
            "datum dovoljenja",
            "datum dozvole",
            "dozvola od",
            "permit on",
            "permit from",
        ],
    ),
    f(
        "permit_until",
        false,
        &["dovoljenje do", "dozvola do", "permit until", "permit to"],
    ),
    f(
        "max_children",
        false,
        &[
            "najvec otrok",
            "najvise djece",
            "najvise dece",
            "stevilo otrok",
            "broj djece",
            "broj dece",
            "max children",
        ],
    ),
    f(
        "iban",
        false,
        &["iban", "trr", "tekuci racun", "racun", "account"],
    ),
    f(
        "child_emso",
        false,
        &["emso otroka", "jmbg djeteta", "jmbg deteta", "child emso"],
    ),
    f(
        "placement_kind",
        false,
        &[
            "vrsta namestitve",
            "vrsta smjestaja",
            "vrsta smestaja",
            "placement kind",
        ],
    ),
    f(
        "order_number",
        false,
        &[
            "stevilka sklepa",
            "sklep",
            "broj odluke",
            "odluka",
            "broj rjesenja o smjestaju",
            "broj resenja o smestaju",
            "order number",
            "order",
        ],
    ),
    f(
        "start_on",
        false,
        &[
            "namescen od",
            "namestitev od",
            "smjesten od",
            "smesten od",
            "start",
            "placed on",
            "start on",
        ],
    ),
    f("court", false, &["sodisce", "sud", "court"]),
];

impl Kind {
    /// The fields a row of this kind may hold, in the order the mapping shows them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Persons => PERSONS,
            Kind::Entitlements => ENTITLEMENTS,
            Kind::Cases => CASES,
            Kind::Carers => CARERS,
        }
    }

    /// The fields whose values a profile may translate (a value map each).
    pub fn mapped(self) -> &'static [&'static str] {
        match self {
            Kind::Persons => &["sex", "relationship", "municipality"],
            Kind::Entitlements => &["right"],
            Kind::Cases => &["case_type", "worker"],
            Kind::Carers => &["permit_kind", "placement_kind"],
        }
    }

    /// The checked values a row is shown by in the report and the review.
    pub fn shown_by(self) -> &'static [&'static str] {
        match self {
            Kind::Persons => &["given_name", "family_name", "birth_date", "emso"],
            Kind::Entitlements => &["emso", "right", "amount", "number"],
            Kind::Cases => &["emso", "case_type", "file_number", "opened_on"],
            Kind::Carers => &["emso", "permit_kind", "child_emso", "start_on"],
        }
    }
}

/// Which column each field is read from, guessed from the headings: a heading that
/// folds to one of a field's known headings. A column is given to one field only.
pub fn guess(kind: Kind, headings: &[String]) -> BTreeMap<String, usize> {
    let folded: Vec<String> = headings.iter().map(|h| fold(h)).collect();
    let mut out = BTreeMap::new();
    let mut taken = vec![false; headings.len()];
    for field in kind.fields() {
        let hit = folded.iter().enumerate().position(|(i, h)| {
            !taken[i]
                && (h == field.key.replace('_', " ").as_str()
                    || field.headings.contains(&h.as_str()))
        });
        if let Some(i) = hit {
            taken[i] = true;
            out.insert(field.key.to_string(), i);
        }
    }
    out
}

/// A value map: source values (compared folded, so "Ž", "ž" and "z" are one) to what
/// they mean. A profile keeps one per field; some fields have the usual ones built in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueMap(pub BTreeMap<String, String>);

impl ValueMap {
    /// Reads `source = target` lines (blank lines and lines without `=` are passed over).
    pub fn parse(text: &str) -> ValueMap {
        let mut m = BTreeMap::new();
        for line in text.lines() {
            if let Some((from, to)) = line.split_once('=') {
                let (from, to) = (fold(from), to.trim());
                if !from.is_empty() && !to.is_empty() {
                    m.insert(from, to.to_string());
                }
            }
        }
        ValueMap(m)
    }

    /// The map as the lines it is edited as.
    pub fn text(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
    }

    /// The value a source value stands for, if the map names it.
    pub fn get(&self, value: &str) -> Option<&str> {
        self.0.get(&fold(value)).map(String::as_str)
    }
}

/// What old registers write for a sex, folded: Slovenian, Serbian in both scripts,
/// English, and the abbreviations ("муш.", "ž").
pub fn sex_of(value: &str) -> Option<&'static str> {
    match fold(value).as_str() {
        "m" | "moski" | "muski" | "mus" | "male" | "man" | "1" => Some("M"),
        "z" | "f" | "zenski" | "zenska" | "zen" | "female" | "woman" | "2" => Some("F"),
        "x" | "drugo" | "drugi" | "other" => Some("X"),
        _ => None,
    }
}

/// What old registers write for a member's relationship to the household's head.
pub fn relationship_of(value: &str) -> Option<&'static str> {
    Some(match fold(value).as_str() {
        "head" | "nosilec" | "nosilac" | "vlagatelj" | "podnosilac" | "glava" => "head",
        "spouse" | "zakonec" | "zakonka" | "supruznik" | "suprug" | "supruga" | "zena" | "moz" => {
            "spouse"
        }
        "partner" | "partnerka" | "zunajzakonski partner" | "vanbracni partner" => "partner",
        "child" | "otrok" | "dijete" | "dete" | "sin" | "hci" | "kci" | "cerka" => "child",
        "parent" | "stars" | "roditelj" | "mati" | "oce" | "majka" | "otac" => "parent",
        "sibling" | "brat" | "sestra" => "sibling",
        "grandchild" | "vnuk" | "vnukinja" | "unuk" | "unuka" => "grandchild",
        "grandparent" | "babica" | "dedek" | "baka" | "deda" => "grandparent",
        "other relative" | "other_relative" | "sorodnik" | "srodnik" => "other_relative",
        "non relative" | "non_relative" | "drugo" | "ostalo" => "non_relative",
        _ => return None,
    })
}

/// What old registers write for the kind of a foster carer's permit.
pub fn permit_kind_of(value: &str) -> Option<&'static str> {
    Some(match fold(value).as_str() {
        "regular" | "redno" | "redna" | "redovno" | "redovna" | "obicno" | "obicna"
        | "standardno" | "standardna" => "regular",
        "professional" | "poklicno" | "poklicna" | "profesionalno" | "profesionalna"
        | "specijalizovano" | "specijalizirano" => "professional",
        "relative" | "sorodnisko" | "sorodniska" | "srodnicko" | "srodnicka" | "rodbinsko" => {
            "relative"
        }
        _ => return None,
    })
}

/// What old registers write for the kind of a placement.
pub fn placement_kind_of(value: &str) -> Option<&'static str> {
    Some(match fold(value).as_str() {
        "full" | "celodnevna" | "celodnevno" | "stalna" | "stalno" | "trajni" | "trajna"
        | "puni" | "puna" => "full",
        "weekend" | "vikend" | "konec tedna" => "weekend",
        "emergency" | "nujna" | "nujno" | "hitna" | "hitno" | "urgentna" => "emergency",
        "respite" | "oddih" | "predah" | "povremena" | "povremeni" => "respite",
        _ => return None,
    })
}

/// A date as centres' exports write it: `2024-03-01`, `1.3.2024`, `01. 03. 2024.`,
/// `1/3/2024` (day first, as in both countries).
pub fn date(value: &str) -> Option<Date> {
    let v = value.trim().trim_end_matches('.');
    if v.is_empty() {
        return None;
    }
    let parts: Vec<&str> = v
        .split(['.', '/', '-'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 || parts.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n = |s: &str| s.parse::<i32>().ok();
    let (y, m, d) = if parts[0].len() == 4 {
        (n(parts[0])?, n(parts[1])?, n(parts[2])?)
    } else if parts[2].len() == 4 {
        (n(parts[2])?, n(parts[1])?, n(parts[0])?)
    } else {
        return None;
    };
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

/// An amount in minor units as centres' exports write it: `123,45`, `1.234,56`,
/// `1 234.56`, `1234`, with or without `EUR`, `€` or `KM`. Never through a float.
pub fn amount(value: &str) -> Option<i64> {
    let v: String = value
        .replace("EUR", "")
        .replace("KM", "")
        .replace('€', "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let (neg, v) = match v.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, v),
    };
    if v.is_empty()
        || !v
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    // The decimal mark is the last '.' or ',' when one or two digits follow it; a '.'
    // before three digits is a thousands mark ("1.234"), a ',' before three is unclear.
    let last = v.rfind(['.', ',']);
    let (whole, frac) = match last {
        Some(i) => {
            let tail = &v[i + 1..];
            if tail.len() <= 2 {
                (&v[..i], tail)
            } else if &v[i..=i] == "," {
                return None;
            } else {
                (v.as_str(), "")
            }
        }
        None => (v.as_str(), ""),
    };
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() && frac.is_empty() || digits.len() > 15 {
        return None;
    }
    let units: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let total = units.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn headings_are_recognised_in_every_language_and_script() {
        let h: Vec<String> = [
            "Priimek",
            "Ime",
            "EMŠO",
            "Datum rojstva",
            "Spol",
            "Občina",
            "Gospodinjstvo",
        ]
        .map(String::from)
        .to_vec();
        let g = guess(Kind::Persons, &h);
        assert_eq!(g["family_name"], 0);
        assert_eq!(g["given_name"], 1);
        assert_eq!(g["emso"], 2);
        assert_eq!(g["birth_date"], 3);
        assert_eq!(g["sex"], 4);
        assert_eq!(g["municipality"], 5);
        assert_eq!(g["household"], 6);
        let h: Vec<String> = ["Презиме", "Име", "ЈМБГ", "Датум рођења", "Пол", "Општина"]
            .map(String::from)
            .to_vec();
        let g = guess(Kind::Persons, &h);
        assert_eq!(
            (
                g["family_name"],
                g["given_name"],
                g["emso"],
                g["birth_date"],
                g["sex"],
                g["municipality"]
            ),
            (0, 1, 2, 3, 4, 5)
        );
    }

    #[test]
    fn sexes_in_both_scripts_and_abbreviated() {
        for (v, s) in [
            ("M", "M"),
            ("Ž", "F"),
            ("ž", "F"),
            ("муш.", "M"),
            ("жен.", "F"),
            ("moški", "M"),
            ("Женски", "F"),
        ] {
            assert_eq!(sex_of(v), Some(s), "{v}");
        }
        assert_eq!(sex_of("?"), None);
    }

    #[test]
    fn a_value_map_compares_folded() {
        let m = ValueMap::parse("DSP = si_dsp\nВДО=si_vdo\n\nnothing here\n");
        assert_eq!(m.get("dsp"), Some("si_dsp"));
        assert_eq!(m.get("vdo"), Some("si_vdo"));
        assert_eq!(m.get("other"), None);
        assert_eq!(ValueMap::parse(&m.text()), m);
    }

    #[test]
    fn a_case_file_and_a_carer_are_recognised_by_their_headings() {
        let h: Vec<String> = [
            "EMŠO",
            "Vrsta zadeve",
            "Strokovni delavec",
            "Odprto",
            "Številka",
        ]
        .map(String::from)
        .to_vec();
        let g = guess(Kind::Cases, &h);
        assert_eq!(
            (
                g["emso"],
                g["case_type"],
                g["worker"],
                g["opened_on"],
                g["file_number"]
            ),
            (0, 1, 2, 3, 4)
        );
        let h: Vec<String> = [
            "ЈМБГ хранитеља",
            "Дозвола од",
            "ЈМБГ дјетета",
            "Смјештен од",
        ]
        .map(String::from)
        .to_vec();
        let g = guess(Kind::Carers, &h);
        assert_eq!(
            (g["emso"], g["permit_on"], g["child_emso"], g["start_on"]),
            (0, 1, 2, 3)
        );
        assert_eq!(permit_kind_of("Sorodniško"), Some("relative"));
        assert_eq!(permit_kind_of("Професионално"), Some("professional"));
        assert_eq!(placement_kind_of("vikend"), Some("weekend"));
        assert_eq!(placement_kind_of("?"), None);
    }

    #[test]
    fn dates_as_exports_write_them() {
        assert_eq!(super::date("2024-03-01"), Some(date!(2024 - 03 - 01)));
        assert_eq!(super::date("1.3.2024"), Some(date!(2024 - 03 - 01)));
        assert_eq!(super::date("01. 03. 2024."), Some(date!(2024 - 03 - 01)));
        assert_eq!(super::date("1/3/2024"), Some(date!(2024 - 03 - 01)));
        assert_eq!(super::date("31.2.2024"), None);
        assert_eq!(super::date("2024"), None);
        assert_eq!(super::date("yesterday"), None);
    }

    #[test]
    fn amounts_as_exports_write_them() {
        assert_eq!(amount("123,45"), Some(12345));
        assert_eq!(amount("1.234,56"), Some(123456));
        assert_eq!(amount("1 234.56 EUR"), Some(123456));
        assert_eq!(amount("1234"), Some(123400));
        assert_eq!(amount("1.234"), Some(123400));
        assert_eq!(amount("12,5 KM"), Some(1250));
        assert_eq!(amount("0,05"), Some(5));
        assert_eq!(amount("-10"), Some(-1000));
        assert_eq!(amount("12,345"), None);
        assert_eq!(amount("ten"), None);
        assert_eq!(amount(""), None);
    }
}
