//! Checking a row: its cells read through the mapping (a column per field, value maps),
//! then the same checks a clerk's form goes through (the registry's `PersonForm`: names,
//! dates, EMŠO/JMBG, IBAN, e-mail, phone), so an imported record is held to the rules
//! of a typed one. What is found is kept as the words' keys, shown in the reader's
//! language.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use skrb_domain::import::{self, Kind, RowStatus, ValueMap};
use skrb_domain::names::fold;
use skrb_kit::error::{FieldError, MsgArg};
use skrb_kit::i18n::{self, FluentValue, Locale};
use skrb_registry::input::PersonForm;
use time::Date;

/// A mapping: the heading each field is read from (by name, so that a profile fits the
/// next file even if its columns moved), the value maps, and how a CSV is read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ImportMapping)]
pub struct Settings {
    /// Field → heading.
    pub columns: BTreeMap<String, String>,
    /// Field → `source = target` lines.
    pub values: BTreeMap<String, String>,
    /// `utf-8`, `windows-1250`, `windows-1251`, or empty to detect.
    pub encoding: String,
    /// `;`, `,`, `tab`, `|`, or empty to detect.
    pub delimiter: String,
}

impl Settings {
    /// The usual mapping of a file's headings.
    pub fn guessed(kind: Kind, headings: &[String]) -> Settings {
        let columns = import::guess(kind, headings)
            .into_iter()
            .map(|(f, i)| (f, headings[i].clone()))
            .collect();
        Settings {
            columns,
            ..Settings::default()
        }
    }

    pub fn delimiter_byte(&self) -> Option<u8> {
        match self.delimiter.as_str() {
            ";" => Some(b';'),
            "," => Some(b','),
            "tab" | "\t" => Some(b'\t'),
            "|" => Some(b'|'),
            _ => None,
        }
    }
}

/// Something found in a row: the field, the words' key and its arguments; a warning lets
/// the row in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = ImportProblem)]
pub struct Problem {
    pub field: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

impl Problem {
    pub fn new(field: &str, key: &str) -> Problem {
        Problem {
            field: field.to_string(),
            key: key.to_string(),
            args: BTreeMap::new(),
            warning: false,
        }
    }

    pub fn arg(mut self, name: &str, value: impl Into<String>) -> Problem {
        self.args.insert(name.to_string(), value.into());
        self
    }

    /// A field's refusal as a problem of the row.
    pub fn refusal(e: &FieldError) -> Problem {
        Problem::of(e, false)
    }

    fn of(e: &FieldError, warning: bool) -> Problem {
        let mut p = Problem::new(e.field, e.msg.key);
        p.warning = warning;
        for (k, v) in &e.msg.args {
            let v = match v {
                MsgArg::Text(s) => s.clone(),
                MsgArg::Number(n) => n.to_string(),
                MsgArg::Date(d) => d.to_string(),
            };
            p.args.insert(k.to_string(), v);
        }
        p
    }

    /// The finding in the reader's words, with the field's name before it.
    pub fn render(&self, l: Locale) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = self
            .args
            .iter()
            .map(|(k, v)| {
                let v = if let Ok(n) = v.parse::<i64>() {
                    FluentValue::from(n)
                } else if let Some(d) = import::date(v).filter(|_| v.len() == 10) {
                    FluentValue::from(i18n::fmt_date(l, d))
                } else {
                    FluentValue::from(v.as_str())
                };
                (k.as_str(), v)
            })
            .collect();
        let field = i18n::t(l, &format!("import-field-{}", self.field));
        format!("{field}: {}", i18n::t_args(l, &self.key, &args))
    }
}

/// A row after checking.
#[derive(Debug, Clone)]
pub struct Checked {
    pub status: RowStatus,
    /// The values as they will be written (a person's form fields, household and
    /// relationship; a right's code, amount in cents, dates).
    pub fields: BTreeMap<String, String>,
    pub problems: Vec<Problem>,
    pub emso: Option<String>,
    pub birth_date: Option<Date>,
    pub name_key: Option<String>,
    /// The household's key (persons) or the right's id (entitlements).
    pub group_key: Option<String>,
    /// An earlier row of the file this one probably is.
    pub match_row: Option<i64>,
    /// What makes two rows of the file one record: a person's number; a number with the
    /// right, the case's type, or the child placed.
    pub same: Option<String>,
}

/// A right of the catalogue a row may name.
#[derive(Debug, Clone)]
pub struct RightRef {
    pub id: i64,
    pub code: String,
}

/// Everything checking needs, read once per file.
pub struct Checker {
    pub kind: Kind,
    pub today: Date,
    columns: Vec<(&'static str, Option<usize>)>,
    maps: HashMap<String, ValueMap>,
    /// Folded name or code → municipality id (the centre's country's).
    pub municipalities: HashMap<String, i64>,
    /// Folded code or name → right (the centre's jurisdiction's rights that pay).
    pub rights: HashMap<String, RightRef>,
    /// Folded code or name → case type (the jurisdiction's active ones).
    pub case_types: HashMap<String, RightRef>,
    /// Folded user name or full name → the centre's active workers.
    pub workers: HashMap<String, i64>,
}

impl Checker {
    pub fn new(kind: Kind, today: Date, s: &Settings, headings: &[String]) -> Checker {
        let columns = kind
            .fields()
            .iter()
            .map(|f| {
                let at = s
                    .columns
                    .get(f.key)
                    .and_then(|h| headings.iter().position(|x| x == h));
                (f.key, at)
            })
            .collect();
        let maps = s
            .values
            .iter()
            .map(|(k, v)| (k.clone(), ValueMap::parse(v)))
            .collect();
        Checker {
            kind,
            today,
            columns,
            maps,
            municipalities: HashMap::new(),
            rights: HashMap::new(),
            case_types: HashMap::new(),
            workers: HashMap::new(),
        }
    }

    /// The fields a mapping leaves without a column though a row must have them.
    pub fn unmapped_required(&self) -> Vec<&'static str> {
        self.kind
            .fields()
            .iter()
            .zip(&self.columns)
            .filter(|(f, (_, at))| f.required && at.is_none())
            .map(|(f, _)| f.key)
            .collect()
    }

    fn cell<'c>(&self, cells: &'c [String], field: &str) -> &'c str {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, at)| *at)
            .and_then(|i| cells.get(i))
            .map_or("", |s| s.as_str())
    }

    /// A cell through the field's value map (the profile's, else the built-in one).
    fn mapped<'a>(
        &'a self,
        cells: &'a [String],
        field: &str,
        builtin: fn(&str) -> Option<&'static str>,
        problems: &mut Vec<Problem>,
    ) -> String {
        let v = self.cell(cells, field);
        if v.is_empty() {
            return String::new();
        }
        if let Some(m) = self.maps.get(field).and_then(|m| m.get(v)) {
            return m.to_string();
        }
        match builtin(v) {
            Some(x) => x.to_string(),
            None => {
                problems.push(Problem::new(field, "import-err-value").arg("value", v));
                String::new()
            }
        }
    }

    pub fn check(&self, cells: &[String]) -> Checked {
        match self.kind {
            Kind::Persons => self.person(cells),
            Kind::Entitlements => self.entitlement(cells),
            Kind::Cases => self.case_file(cells),
            Kind::Carers => self.carer(cells),
        }
    }

    /// A required cell, or the finding that it is missing.
    fn need(&self, cells: &[String], field: &str, problems: &mut Vec<Problem>) -> String {
        let v = self.cell(cells, field).to_string();
        if v.is_empty() {
            problems.push(Problem::new(field, "err-required"));
        }
        v
    }

    /// A personal number as typed (spaces dropped), with the finding if it cannot be one.
    fn number_cell(&self, cells: &[String], field: &str, problems: &mut Vec<Problem>) -> String {
        let v = self.cell(cells, field).replace(' ', "");
        if !v.is_empty() && skrb_domain::emso::PersonalNumber::parse(&v).is_err() {
            problems.push(Problem::new(field, "registry-err-emso-syntax"));
        }
        v
    }

    /// A text cell no longer than `max` characters.
    fn text_cell(
        &self,
        cells: &[String],
        field: &str,
        max: usize,
        problems: &mut Vec<Problem>,
    ) -> String {
        let v = self.cell(cells, field).to_string();
        if v.chars().count() > max {
            problems.push(Problem::new(field, "err-too-long").arg("max", max.to_string()));
        }
        v
    }

    /// A date that has already come (a file opened, a permit given, a child placed).
    fn past_date(&self, cells: &[String], field: &str, problems: &mut Vec<Problem>) -> String {
        let v = self.date_cell(cells, field, problems);
        if import::date(&v).is_some_and(|d| d > self.today) {
            problems.push(Problem::new(field, "registry-err-date-future"));
        }
        v
    }

    /// A cell named through a lookup (the profile's value map first, then the folded
    /// value itself): its entry, or the finding that nothing has that name.
    fn looked_up<'a, T>(
        &self,
        cells: &[String],
        field: &str,
        list: &'a HashMap<String, T>,
        problems: &mut Vec<Problem>,
    ) -> Option<&'a T> {
        let v = self.cell(cells, field);
        if v.is_empty() {
            return None;
        }
        let key = self
            .maps
            .get(field)
            .and_then(|m| m.get(v))
            .map_or_else(|| fold(v), fold);
        let hit = list.get(&key);
        if hit.is_none() {
            problems.push(Problem::new(field, "import-err-value").arg("value", v));
        }
        hit
    }

    fn case_file(&self, cells: &[String]) -> Checked {
        let mut problems = Vec::new();
        let mut fields = BTreeMap::new();
        self.need(cells, "emso", &mut problems);
        let emso = self.number_cell(cells, "emso", &mut problems);
        self.need(cells, "case_type", &mut problems);
        let ty = self.looked_up(cells, "case_type", &self.case_types, &mut problems);
        if let Some(t) = ty {
            fields.insert("case_type".to_string(), t.code.clone());
        }
        self.need(cells, "worker", &mut problems);
        if let Some(w) = self.looked_up(cells, "worker", &self.workers, &mut problems) {
            fields.insert("worker_id".to_string(), w.to_string());
        }
        let opened = self.past_date(cells, "opened_on", &mut problems);
        let number = self.text_cell(cells, "file_number", 60, &mut problems);
        let summary = self.text_cell(cells, "summary", 2000, &mut problems);
        let group_key = ty.map(|t| t.id.to_string());
        let same = group_key.as_ref().map(|t| format!("{emso}|{t}"));
        let values = [
            ("emso", emso.clone()),
            ("opened_on", opened),
            ("file_number", number),
            ("summary", summary),
        ];
        record(emso, same, group_key, fields, values, problems)
    }

    fn carer(&self, cells: &[String]) -> Checked {
        let mut problems = Vec::new();
        let mut fields = BTreeMap::new();
        self.need(cells, "emso", &mut problems);
        let emso = self.number_cell(cells, "emso", &mut problems);
        let mut permit_kind =
            self.mapped(cells, "permit_kind", import::permit_kind_of, &mut problems);
        if permit_kind.is_empty() {
            permit_kind = "regular".into();
        }
        let permit_number = self.text_cell(cells, "permit_number", 60, &mut problems);
        self.need(cells, "permit_on", &mut problems);
        let permit_on = self.past_date(cells, "permit_on", &mut problems);
        let until = self.date_cell(cells, "permit_until", &mut problems);
        if !permit_on.is_empty() && !until.is_empty() && until < permit_on {
            problems.push(Problem::new("permit_until", "import-err-period"));
        }
        let max = self.cell(cells, "max_children");
        let max = if max.is_empty() {
            "1".to_string()
        } else {
            match max.parse::<i64>() {
                Ok(n) if (1..=6).contains(&n) => n.to_string(),
                _ => {
                    problems
                        .push(Problem::new("max_children", "import-err-value").arg("value", max));
                    String::new()
                }
            }
        };
        let iban = self.cell(cells, "iban").replace(' ', "");
        if !iban.is_empty() && skrb_domain::iban::Iban::parse(&iban).is_err() {
            problems.push(Problem::new("iban", "registry-err-iban"));
        }
        let child = self.number_cell(cells, "child_emso", &mut problems);
        if !child.is_empty() {
            if child == emso {
                problems.push(
                    Problem::new("child_emso", "import-err-value").arg("value", child.clone()),
                );
            }
            let mut kind = self.mapped(
                cells,
                "placement_kind",
                import::placement_kind_of,
                &mut problems,
            );
            if kind.is_empty() {
                kind = "full".into();
            }
            fields.insert("placement_kind".to_string(), kind);
            let order = self.need(cells, "order_number", &mut problems);
            if order.chars().count() > 60 {
                problems.push(Problem::new("order_number", "err-too-long").arg("max", "60"));
            }
            fields.insert("order_number".to_string(), order);
            self.need(cells, "start_on", &mut problems);
            let start = self.past_date(cells, "start_on", &mut problems);
            if !start.is_empty() && !permit_on.is_empty() && start < permit_on {
                problems.push(Problem::new("start_on", "placements-err-before-permit"));
            }
            fields.insert("start_on".to_string(), start);
            let court = self.text_cell(cells, "court", 200, &mut problems);
            fields.insert("court".to_string(), court);
        }
        let values = [
            ("emso", emso.clone()),
            ("permit_kind", permit_kind),
            ("permit_number", permit_number),
            ("permit_on", permit_on),
            ("permit_until", until),
            ("max_children", max),
            ("iban", iban),
            ("child_emso", child.clone()),
        ];
        let (same, carer) = (Some(format!("{emso}|{child}")), Some(emso.clone()));
        record(emso, same, carer, fields, values, problems)
    }

    fn date_cell(&self, cells: &[String], field: &str, problems: &mut Vec<Problem>) -> String {
        let v = self.cell(cells, field);
        if v.is_empty() {
            return String::new();
        }
        match import::date(v) {
            Some(d) => d.to_string(),
            None => {
                problems.push(Problem::new(field, "err-date"));
                String::new()
            }
        }
    }

    fn person(&self, cells: &[String]) -> Checked {
        let mut problems = Vec::new();
        let sex = self.mapped(cells, "sex", import::sex_of, &mut problems);
        let relationship = self.mapped(
            cells,
            "relationship",
            import::relationship_of,
            &mut problems,
        );
        let birth_date = self.date_cell(cells, "birth_date", &mut problems);
        let municipality = {
            let v = self.cell(cells, "municipality");
            let key = self
                .maps
                .get("municipality")
                .and_then(|m| m.get(v))
                .map_or_else(|| fold(v), fold);
            match (v.is_empty(), self.municipalities.get(&key)) {
                (true, _) => String::new(),
                (false, Some(id)) => id.to_string(),
                (false, None) => {
                    problems.push(Problem::new("municipality", "import-err-value").arg("value", v));
                    String::new()
                }
            }
        };
        let mut values: BTreeMap<String, String> = [
            "given_name",
            "family_name",
            "citizenship",
            "address",
            "postal_code",
            "place",
            "phone",
            "email",
            "iban",
            "notes",
        ]
        .into_iter()
        .map(|f| (f.to_string(), self.cell(cells, f).to_string()))
        .collect();
        values.insert("emso".into(), self.cell(cells, "emso").replace(' ', ""));
        values.insert("birth_date".into(), birth_date);
        values.insert("sex".into(), sex);
        values.insert("municipality_id".into(), municipality);
        let form = person_form(&values);
        let group = self.cell(cells, "household").to_string();
        let mut out = Checked {
            status: RowStatus::Valid,
            fields: BTreeMap::new(),
            problems: Vec::new(),
            emso: None,
            birth_date: None,
            name_key: None,
            group_key: (!group.is_empty()).then_some(group),
            match_row: None,
            same: None,
        };
        // What the commit writes is the form of the values kept: it must read the same
        // (a birth date taken from the number is held to the rules of a typed one).
        let parsed = form
            .parse(self.today)
            .and_then(|d| d.to_form().parse(self.today));
        match parsed {
            Ok(d) => {
                for w in d.identity_findings() {
                    let fe = FieldError {
                        field: "emso",
                        msg: w.msg,
                    };
                    problems.push(Problem::of(&fe, true));
                }
                out.emso = d.emso.clone();
                out.same = d.emso.clone();
                out.birth_date = d.birth_date;
                out.name_key = Some(skrb_registry::persons::name_key(&d));
                let f = d.to_form();
                for (k, v) in f.fields() {
                    if !v.is_empty() {
                        out.fields.insert(k.to_string(), v.to_string());
                    }
                }
            }
            Err(errs) => problems.extend(errs.iter().map(|e| Problem::of(e, false))),
        }
        if !relationship.is_empty() {
            out.fields.insert("relationship".into(), relationship);
        }
        out.status = status_of(&problems);
        out.problems = problems;
        out
    }

    fn entitlement(&self, cells: &[String]) -> Checked {
        let mut problems = Vec::new();
        let mut fields = BTreeMap::new();
        let need = |f: &str, problems: &mut Vec<Problem>| self.need(cells, f, problems);
        let emso = need("emso", &mut problems).replace(' ', "");
        if !emso.is_empty() && skrb_domain::emso::PersonalNumber::parse(&emso).is_err() {
            problems.push(Problem::new("emso", "registry-err-emso-syntax"));
        }
        let right_cell = need("right", &mut problems);
        let mut group_key = None;
        if !right_cell.is_empty() {
            let code = self
                .maps
                .get("right")
                .and_then(|m| m.get(&right_cell))
                .map_or_else(|| fold(&right_cell), fold);
            match self.rights.get(&code) {
                Some(r) => {
                    fields.insert("right".to_string(), r.code.clone());
                    group_key = Some(r.id.to_string());
                }
                None => problems
                    .push(Problem::new("right", "import-err-value").arg("value", right_cell)),
            }
        }
        let amount = need("amount", &mut problems);
        if !amount.is_empty() {
            match import::amount(&amount) {
                Some(a) if a > 0 => {
                    fields.insert("amount".into(), a.to_string());
                }
                _ => problems.push(Problem::new("amount", "import-err-amount")),
            }
        }
        need("valid_from", &mut problems);
        let from = self.date_cell(cells, "valid_from", &mut problems);
        let to = self.date_cell(cells, "valid_to", &mut problems);
        if !from.is_empty() && !to.is_empty() && to < from {
            problems.push(Problem::new("valid_to", "import-err-period"));
        }
        let decided = self.date_cell(cells, "decided_on", &mut problems);
        let number = need("number", &mut problems);
        let payee_iban = self.cell(cells, "payee_iban").replace(' ', "");
        if !payee_iban.is_empty() && skrb_domain::iban::Iban::parse(&payee_iban).is_err() {
            problems.push(Problem::new("payee_iban", "registry-err-iban"));
        }
        let values = [
            ("emso", emso.clone()),
            ("valid_from", from),
            ("valid_to", to),
            ("decided_on", decided),
            ("number", number),
            ("payee_name", self.cell(cells, "payee_name").to_string()),
            ("payee_iban", payee_iban),
        ];
        let same = group_key.as_ref().map(|r| format!("{emso}|{r}"));
        record(emso, same, group_key, fields, values, problems)
    }
}

/// A checked row of a kind found by a person's number (a right, a case file, a carer):
/// the values kept are those not empty (an empty one read earlier too).
fn record<const N: usize>(
    emso: String,
    same: Option<String>,
    group_key: Option<String>,
    mut fields: BTreeMap<String, String>,
    values: [(&str, String); N],
    problems: Vec<Problem>,
) -> Checked {
    for (k, v) in values {
        fields.insert(k.to_string(), v);
    }
    fields.retain(|_, v| !v.is_empty());
    Checked {
        status: status_of(&problems),
        same,
        fields,
        problems,
        group_key: group_key.filter(|g| !g.is_empty()),
        emso: (!emso.is_empty()).then_some(emso),
        birth_date: None,
        name_key: None,
        match_row: None,
    }
}

/// A person's form from mapped values by the form's field names (what a check keeps of a
/// row, what the commit writes from).
pub fn person_form(values: &BTreeMap<String, String>) -> PersonForm {
    let g = |k: &str| values.get(k).cloned().unwrap_or_default();
    PersonForm {
        given_name: g("given_name"),
        family_name: g("family_name"),
        birth_date: g("birth_date"),
        sex: g("sex"),
        emso: g("emso"),
        citizenship: g("citizenship"),
        address: g("address"),
        postal_code: g("postal_code"),
        place: g("place"),
        municipality_id: g("municipality_id"),
        phone: g("phone"),
        email: g("email"),
        iban: g("iban"),
        notes: g("notes"),
        override_reason: String::new(),
        version: None,
    }
}

fn status_of(problems: &[Problem]) -> RowStatus {
    if problems.iter().any(|p| !p.warning) {
        RowStatus::Invalid
    } else if problems.is_empty() {
        RowStatus::Valid
    } else {
        RowStatus::Warned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn headings() -> Vec<String> {
        [
            "Priimek",
            "Ime",
            "EMŠO",
            "Spol",
            "Občina",
            "Gospodinjstvo",
            "Razmerje",
        ]
        .map(String::from)
        .to_vec()
    }

    fn row(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_person_row_goes_through_the_registrys_checks() {
        let h = headings();
        let mut c = Checker::new(
            Kind::Persons,
            date!(2026 - 12 - 07),
            &Settings::guessed(Kind::Persons, &h),
            &h,
        );
        c.municipalities.insert("velenje".into(), 7);
        let ok = c.check(&row(&[
            "Novak",
            "Ana",
            "0101006500006",
            "муш.",
            "Velenje",
            "H1",
            "nosilec",
        ]));
        assert_eq!(ok.status, RowStatus::Valid, "{:?}", ok.problems);
        assert_eq!(ok.fields["sex"], "M");
        assert_eq!(ok.fields["municipality_id"], "7");
        assert_eq!(ok.fields["relationship"], "head");
        assert_eq!(ok.birth_date, Some(date!(2006 - 01 - 01)));
        assert_eq!(ok.group_key.as_deref(), Some("H1"));
        let warned = c.check(&row(&["Novak", "Ana", "0101006500007", "", "", "", ""]));
        assert_eq!(warned.status, RowStatus::Warned);
        let bad = c.check(&row(&["", "Ana", "12", "?", "Atlantis", "", ""]));
        assert_eq!(bad.status, RowStatus::Invalid);
        let fields: Vec<_> = bad.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["sex", "municipality", "family_name", "emso"]);
        // The value refused is kept with the finding, for the reader's words.
        assert_eq!(
            bad.problems[0].args.get("value").map(String::as_str),
            Some("?")
        );
    }

    #[test]
    fn a_right_row_reads_amounts_and_old_codes() {
        let h: Vec<String> = ["EMŠO", "Pravica", "Znesek", "Velja od", "Številka odločbe"]
            .map(String::from)
            .to_vec();
        let mut s = Settings::guessed(Kind::Entitlements, &h);
        s.values.insert("right".into(), "DSP = si_dsp".into());
        let mut c = Checker::new(Kind::Entitlements, date!(2026 - 12 - 07), &s, &h);
        c.rights.insert(
            "si dsp".into(),
            RightRef {
                id: 3,
                code: "si_dsp".into(),
            },
        );
        let ok = c.check(&row(&[
            "0101006500006",
            "DSP",
            "1.234,56",
            "1.3.2024",
            "1220-5/2024",
        ]));
        assert_eq!(ok.status, RowStatus::Valid, "{:?}", ok.problems);
        assert_eq!(ok.fields["amount"], "123456");
        assert_eq!(ok.fields["valid_from"], "2024-03-01");
        assert_eq!(ok.group_key.as_deref(), Some("3"));
        let bad = c.check(&row(&["0101006500006", "XYZ", "0", "", ""]));
        let keys: Vec<_> = bad.problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "import-err-value",
                "import-err-amount",
                "err-required",
                "err-required"
            ]
        );
    }
}
