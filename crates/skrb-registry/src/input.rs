//! Parsing what a clerk typed (form or JSON) into a person record, field by field, with
//! translated messages; and the identity findings a user may override with a reason.

use serde::Deserialize;
use skrb_domain::emso::{Finding, PersonalNumber};
use skrb_domain::iban::Iban;
use skrb_domain::person::Sex;
use skrb_kit::dates::iso_date;
use skrb_kit::form::lenient;
use time::Date;

use skrb_kit::audit::Change;
use skrb_kit::error::{FieldError, Msg, Warning};

/// A person as submitted, every field as typed (form or JSON); kept to refill the form.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PersonForm {
    #[serde(deserialize_with = "lenient")]
    pub given_name: String,
    #[serde(deserialize_with = "lenient")]
    pub family_name: String,
    /// `YYYY-MM-DD`; filled from the EMŠO/JMBG when empty.
    #[serde(deserialize_with = "lenient")]
    pub birth_date: String,
    /// `M`, `F` or `X`; filled from the EMŠO/JMBG when empty.
    #[serde(deserialize_with = "lenient")]
    pub sex: String,
    /// EMŠO / JMBG, 13 digits.
    #[serde(deserialize_with = "lenient")]
    pub emso: String,
    /// ISO 3166 alpha-2 code.
    #[serde(deserialize_with = "lenient")]
    pub citizenship: String,
    #[serde(deserialize_with = "lenient")]
    pub address: String,
    #[serde(deserialize_with = "lenient")]
    pub postal_code: String,
    #[serde(deserialize_with = "lenient")]
    pub place: String,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<i64>)]
    pub municipality_id: String,
    #[serde(deserialize_with = "lenient")]
    pub phone: String,
    #[serde(deserialize_with = "lenient")]
    pub email: String,
    #[serde(deserialize_with = "lenient")]
    pub iban: String,
    #[serde(deserialize_with = "lenient")]
    pub notes: String,
    /// Saves despite identity warnings (authorised roles only).
    #[serde(deserialize_with = "lenient")]
    pub override_reason: String,
    /// The version that was read; required when updating.
    pub version: Option<i64>,
}

/// A parsed person record.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonData {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    pub emso: Option<String>,
    pub citizenship: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub place: Option<String>,
    pub municipality_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub iban: Option<String>,
    pub notes: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

struct Parser {
    errors: Vec<FieldError>,
}

impl Parser {
    fn err(&mut self, field: &'static str, msg: Msg) {
        self.errors.push(FieldError { field, msg });
    }

    /// Text with a length limit; control and bidirectional characters are refused by
    /// stripping them
    /// (names are rendered escaped, so HTML in a name is harmless text).
    fn text(&mut self, field: &'static str, v: &str, max: usize, required: bool) -> Option<String> {
        let cleaned = skrb_domain::text::clean(v, true);
        let value = opt(&cleaned);
        match &value {
            None if required => self.err(field, Msg::new("err-required")),
            Some(s) if s.chars().count() > max => {
                self.err(field, Msg::new("err-too-long").num("max", max as i64))
            }
            _ => {}
        }
        value
    }

    fn date(&mut self, field: &'static str, v: &str, today: Date) -> Option<Date> {
        let v = opt(v)?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        match Date::parse(&v, &fmt) {
            Ok(d) if d > today => {
                self.err(field, Msg::new("registry-err-date-future"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                self.err(field, Msg::new("err-date"));
                None
            }
        }
    }
}

impl PersonForm {
    /// The record's fields by column name, in form order.
    pub fn fields(&self) -> [(&'static str, &str); 14] {
        [
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
            ("birth_date", &self.birth_date),
            ("sex", &self.sex),
            ("emso", &self.emso),
            ("citizenship", &self.citizenship),
            ("address", &self.address),
            ("postal_code", &self.postal_code),
            ("place", &self.place),
            ("municipality_id", &self.municipality_id),
            ("phone", &self.phone),
            ("email", &self.email),
            ("iban", &self.iban),
            ("notes", &self.notes),
        ]
    }

    /// Parses every field and reports every problem at once.
    pub fn parse(&self, today: Date) -> Result<PersonData, Vec<FieldError>> {
        let mut p = Parser { errors: Vec::new() };
        let given_name = p
            .text("given_name", &self.given_name, 100, true)
            .unwrap_or_default();
        let family_name = p
            .text("family_name", &self.family_name, 100, true)
            .unwrap_or_default();
        let mut birth_date = p.date("birth_date", &self.birth_date, today);
        let mut sex = match opt(&self.sex) {
            None => None,
            Some(s) => match Sex::from_code(&s) {
                Some(x) => Some(x),
                None => {
                    p.err("sex", Msg::new("registry-err-sex"));
                    None
                }
            },
        };
        let emso = match opt(&self.emso) {
            None => None,
            Some(s) => match PersonalNumber::parse(&s) {
                Ok(n) => {
                    // Fill what the number says when the clerk left it empty.
                    let d = n.decode();
                    if self.birth_date.trim().is_empty() && n.findings().is_empty() {
                        birth_date = d.birth_date;
                    }
                    if sex.is_none() && n.findings().is_empty() {
                        sex = Some(d.sex);
                    }
                    Some(n.as_str().to_string())
                }
                Err(_) => {
                    p.err("emso", Msg::new("registry-err-emso-syntax"));
                    None
                }
            },
        };
        let citizenship = match opt(&self.citizenship) {
            None => None,
            Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(c.to_ascii_uppercase())
            }
            Some(_) => {
                p.err("citizenship", Msg::new("registry-err-citizenship"));
                None
            }
        };
        let address = p.text("address", &self.address, 200, false);
        let postal_code = p.text("postal_code", &self.postal_code, 20, false);
        let place = p.text("place", &self.place, 100, false);
        let municipality_id = match opt(&self.municipality_id) {
            None => None,
            Some(m) => match m.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    p.err("municipality_id", Msg::new("registry-err-municipality"));
                    None
                }
            },
        };
        let phone = p.text("phone", &self.phone, 40, false);
        if let Some(ph) = &phone {
            let ok = ph
                .chars()
                .all(|c| c.is_ascii_digit() || " +()-/".contains(c))
                && ph.chars().any(|c| c.is_ascii_digit());
            if !ok {
                p.err("phone", Msg::new("err-phone"));
            }
        }
        let email = p.text("email", &self.email, 200, false);
        if let Some(e) = &email {
            let ok = e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !e.chars().any(char::is_whitespace);
            if !ok {
                p.err("email", Msg::new("err-email"));
            }
        }
        let iban = match opt(&self.iban) {
            None => None,
            Some(s) => match Iban::parse(&s) {
                Ok(i) => Some(i.as_str().to_string()),
                Err(_) => {
                    p.err("iban", Msg::new("registry-err-iban"));
                    None
                }
            },
        };
        let notes = p.text("notes", &self.notes, 10_000, false);
        if !p.errors.is_empty() {
            return Err(p.errors);
        }
        Ok(PersonData {
            given_name,
            family_name,
            birth_date,
            sex,
            emso,
            citizenship,
            address,
            postal_code,
            place,
            municipality_id,
            phone,
            email,
            iban,
            notes,
        })
    }
}

impl PersonData {
    /// The record as strings, to refill a form.
    pub fn to_form(&self) -> PersonForm {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        PersonForm {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            birth_date: self.birth_date.map(iso_date).unwrap_or_default(),
            sex: self.sex.map(|x| x.code().to_string()).unwrap_or_default(),
            emso: s(&self.emso),
            citizenship: s(&self.citizenship),
            address: s(&self.address),
            postal_code: s(&self.postal_code),
            place: s(&self.place),
            municipality_id: self
                .municipality_id
                .map(|m| m.to_string())
                .unwrap_or_default(),
            phone: s(&self.phone),
            email: s(&self.email),
            iban: s(&self.iban),
            notes: s(&self.notes),
            override_reason: String::new(),
            version: None,
        }
    }

    /// Field-by-field differences, for the audit log and the history view.
    pub fn diff(&self, new: &PersonData) -> Vec<Change> {
        let (a, b) = (self.to_form(), new.to_form());
        a.fields()
            .into_iter()
            .zip(b.fields())
            .filter(|((_, o), (_, n))| o != n)
            .map(|((f, o), (_, n))| Change {
                field: f.to_string(),
                old: opt(o),
                new: opt(n),
            })
            .collect()
    }

    /// Whether the fields that identify a person differ (then identity checks run again).
    pub fn identity_differs(&self, other: &PersonData) -> bool {
        self.given_name != other.given_name
            || self.family_name != other.family_name
            || self.birth_date != other.birth_date
            || self.sex != other.sex
            || self.emso != other.emso
    }

    /// What the personal number's own structure says against the record.
    pub fn identity_findings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        let Some(n) = self
            .emso
            .as_deref()
            .and_then(|e| PersonalNumber::parse(e).ok())
        else {
            return out;
        };
        for f in n.findings() {
            out.push(match f {
                Finding::BadChecksum => Warning {
                    code: "emso-checksum",
                    msg: Msg::new("registry-warn-emso-checksum"),
                },
                Finding::ImpossibleDate => Warning {
                    code: "emso-date",
                    msg: Msg::new("registry-warn-emso-date"),
                },
            });
        }
        let d = n.decode();
        if let (Some(encoded), Some(given)) = (d.birth_date, self.birth_date) {
            if encoded != given {
                out.push(Warning {
                    code: "emso-birth-mismatch",
                    msg: Msg::new("registry-warn-emso-birth-mismatch").date("date", encoded),
                });
            }
        }
        if let Some(given) = self.sex {
            if given != Sex::Other && given != d.sex {
                out.push(Warning {
                    code: "emso-sex-mismatch",
                    msg: Msg::new("registry-warn-emso-sex-mismatch").arg("sex", d.sex.code()),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form() -> PersonForm {
        PersonForm {
            given_name: "Ana".into(),
            family_name: "Novak".into(),
            ..Default::default()
        }
    }

    #[test]
    fn emso_fills_birth_date_and_sex() {
        let f = PersonForm {
            emso: "0101006500006".into(),
            ..form()
        };
        let d = f.parse(date!(2026 - 11 - 22)).unwrap();
        assert_eq!(d.birth_date, Some(date!(2006 - 01 - 01)));
        assert_eq!(d.sex, Some(Sex::Male));
        assert!(d.identity_findings().is_empty());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let f = PersonForm {
            given_name: " ".into(),
            birth_date: "2030-01-01".into(),
            emso: "123".into(),
            iban: "SI56 0000".into(),
            email: "nobody".into(),
            phone: "call me".into(),
            citizenship: "Slovenia".into(),
            ..form()
        };
        let errs = f.parse(date!(2026 - 11 - 22)).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "given_name",
                "birth_date",
                "emso",
                "citizenship",
                "phone",
                "email",
                "iban"
            ]
        );
    }

    #[test]
    fn mismatches_are_warnings() {
        let f = PersonForm {
            emso: "0101006500006".into(),
            birth_date: "2006-01-02".into(),
            sex: "F".into(),
            ..form()
        };
        let d = f.parse(date!(2026 - 11 - 22)).unwrap();
        let codes: Vec<_> = d.identity_findings().iter().map(|w| w.code).collect();
        assert_eq!(codes, ["emso-birth-mismatch", "emso-sex-mismatch"]);
    }

    #[test]
    fn diff_names_changed_fields() {
        let a = form().parse(date!(2026 - 11 - 22)).unwrap();
        let b = PersonForm {
            phone: "041 123 456".into(),
            ..form()
        }
        .parse(date!(2026 - 11 - 22))
        .unwrap();
        let d = a.diff(&b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "phone");
        assert_eq!(d[0].new.as_deref(), Some("041 123 456"));
    }
}
