//! The calculators: one small pure function per kind of right, each returning the amount
//! and the steps that explain it ("why this amount"), in message keys with arguments so
//! the explanation reads in the client's language.
//!
//! Parameter codes (all dated, see `params`): Slovenia `si.ozmd`, `si.dsp.w.*`, `si.vd.*`,
//! `si.foster.*`; Republika Srpska `rs.base`, `rs.cash.N`, `rs.dpnj.*`, `rs.disability.N`,
//! `rs.one_off.max`. An extended right of a municipality with the `fixed` calculator reads
//! `CODE.amount`.

use serde::{Deserialize, Serialize};

use super::money::{self, apply, Minor, ONE};
use super::params::Params;

/// Which formula a right uses; a right in the catalogue names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calculator {
    /// Slovenia: financial social assistance (denarna socialna pomoč).
    Dsp,
    /// Slovenia: extraordinary DSP, for one cost, within monthly and yearly limits.
    DspExtraordinary,
    /// Slovenia: income supplement (varstveni dodatek).
    Vd,
    /// Slovenia: foster-care payment per child (maintenance + carer's fee).
    Foster,
    /// Republika Srpska: cash assistance by household size, minus income.
    RsCash,
    /// Republika Srpska: allowance for care and help by another person (full/partial).
    RsCare,
    /// Republika Srpska: personal disability allowance by degree of impairment.
    RsDisability,
    /// Republika Srpska: one-off assistance up to a limit.
    RsOneOff,
    /// Slovenia: exemption from paying for a service (oprostitev plačila): the amount is
    /// what the user still pays each month, not a payment.
    Exemption,
    /// A fixed monthly amount (`CODE.amount`): extended rights of a municipality.
    Fixed,
    /// No amount: a service or placement decided on in the procedure.
    None,
}

impl Calculator {
    pub const ALL: [Calculator; 11] = [
        Calculator::Dsp,
        Calculator::DspExtraordinary,
        Calculator::Vd,
        Calculator::Foster,
        Calculator::RsCash,
        Calculator::RsCare,
        Calculator::RsDisability,
        Calculator::RsOneOff,
        Calculator::Exemption,
        Calculator::Fixed,
        Calculator::None,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Calculator::Dsp => "dsp",
            Calculator::DspExtraordinary => "dsp_extraordinary",
            Calculator::Vd => "vd",
            Calculator::Foster => "foster",
            Calculator::RsCash => "rs_cash",
            Calculator::RsCare => "rs_care",
            Calculator::RsDisability => "rs_disability",
            Calculator::RsOneOff => "rs_one_off",
            Calculator::Exemption => "exemption",
            Calculator::Fixed => "fixed",
            Calculator::None => "none",
        }
    }

    pub fn from_code(s: &str) -> Option<Calculator> {
        Calculator::ALL.into_iter().find(|c| c.code() == s)
    }

    /// Which inputs the form asks for.
    pub fn needs(self) -> &'static [&'static str] {
        match self {
            Calculator::Dsp => &["members", "income", "single_parent", "situation"],
            Calculator::DspExtraordinary => {
                &["members", "single_parent", "requested", "granted_this_year"]
            }
            Calculator::Vd => &["members", "income", "living_alone"],
            Calculator::Foster => &["children"],
            Calculator::RsCash => &["members", "income"],
            Calculator::RsCare => &["care_degree"],
            Calculator::RsDisability => &["impairment"],
            Calculator::RsOneOff => &["requested"],
            Calculator::Exemption => &["members", "income", "requested"],
            Calculator::Fixed | Calculator::None => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Adult,
    Child,
}

/// A member of the household as the decision counts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Member {
    /// How the member is named in the explanation (a first name, or empty).
    pub name: String,
    pub kind: Kind,
    /// Hours worked per month (Slovenia: 60–128 and over 128 raise the weight).
    pub hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// A single person aged 18–26 living with their parents (weight 0.70).
    YoungWithParents,
    /// A single person permanently unable to work, or a woman 63+ / man 65+, living with
    /// people who are not family (weight 0.76).
    UnableWithNonFamily,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareDegree {
    Full,
    Partial,
}

/// One foster child: the raises the contract sets and whether the placement is for
/// weekends only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FosterChild {
    pub name: String,
    /// 0, 25 or 50 (%).
    pub maintenance_raise: u32,
    /// 0, 25 or 50 (%).
    pub fee_raise: u32,
    pub weekend_only: bool,
}

/// Everything a calculator may read; each reads only what its right needs. This is the
/// input frozen in a decision, and the JSON of `skrb rights calculate --household`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Household {
    pub members: Vec<Member>,
    /// The household's monthly income that counts, in the right's currency.
    #[serde(with = "money::serde_amount")]
    pub income: Minor,
    pub single_parent: bool,
    pub situation: Option<Situation>,
    pub living_alone: bool,
    /// The cost asked for (extraordinary DSP, one-off assistance).
    #[serde(with = "money::serde_amount")]
    pub requested: Minor,
    /// Extraordinary DSP already granted in the calendar year.
    #[serde(with = "money::serde_amount")]
    pub granted_this_year: Minor,
    pub care_degree: Option<CareDegree>,
    /// Degree of impairment in % (70, 80, 90 or 100), from the commission's finding.
    pub impairment: Option<u32>,
    pub children: Vec<FosterChild>,
}

/// One argument of an explanation step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    Money(Minor),
    /// Ten-thousandths: a weight (0.57) or a share (17 %).
    Factor(i64),
    Percent(i64),
    Count(i64),
    Text(String),
}

/// One line of "why this amount": a message key and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub key: String,
    pub args: Vec<(String, Arg)>,
}

fn step(key: &str, args: &[(&str, Arg)]) -> Step {
    Step {
        key: key.to_string(),
        args: args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

/// The result: the monthly (or one-off) amount, why, and which parameters it used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calculation {
    #[serde(with = "money::serde_amount")]
    pub amount: Minor,
    pub steps: Vec<Step>,
    pub used: Vec<String>,
}

pub use super::error::CalcError;

/// Reads parameters and remembers which, so the decision freezes exactly those.
struct Reader<'a> {
    p: &'a Params,
    used: Vec<String>,
}

impl Reader<'_> {
    fn get(&mut self, code: &str) -> Result<i64, CalcError> {
        let v = self.p.get(code)?;
        if !self.used.iter().any(|u| u == code) {
            self.used.push(code.to_string());
        }
        Ok(v)
    }
}

/// Runs the right's calculator. `right` is the right's code (for `fixed`).
pub fn calculate(
    calc: Calculator,
    right: &str,
    params: &Params,
    h: &Household,
) -> Result<Calculation, CalcError> {
    let mut r = Reader {
        p: params,
        used: Vec::new(),
    };
    let (amount, steps) = match calc {
        Calculator::Dsp => dsp(&mut r, h)?,
        Calculator::DspExtraordinary => dsp_extraordinary(&mut r, h)?,
        Calculator::Vd => vd(&mut r, h)?,
        Calculator::Foster => foster(
            &mut r,
            h,
            if right.starts_with("rs_") { "rs" } else { "si" },
        )?,
        Calculator::RsCash => rs_cash(&mut r, h)?,
        Calculator::RsCare => rs_care(&mut r, h)?,
        Calculator::RsDisability => rs_disability(&mut r, h)?,
        Calculator::RsOneOff => rs_one_off(&mut r, h)?,
        Calculator::Exemption => exemption(&mut r, h)?,
        Calculator::Fixed => {
            let a = r.get(&format!("{right}.amount"))?;
            (
                a,
                vec![step("rights-calc-fixed", &[("amount", Arg::Money(a))])],
            )
        }
        Calculator::None => (0, vec![step("rights-calc-none", &[])]),
    };
    Ok(Calculation {
        amount,
        steps,
        used: r.used,
    })
}

fn member_label(m: &Member, i: usize) -> Arg {
    if m.name.trim().is_empty() {
        Arg::Count(i as i64 + 1)
    } else {
        Arg::Text(m.name.trim().to_string())
    }
}

/// The household's weights (ZSVarPre art. 26): the sum, and one step per member.
fn dsp_weights(r: &mut Reader, h: &Household) -> Result<(i64, Vec<Step>), CalcError> {
    if h.members.is_empty() {
        return Err(CalcError::Input("members"));
    }
    let mut steps = Vec::new();
    let mut sum = 0;
    let single = h.members.len() == 1;
    let children = h.members.iter().filter(|m| m.kind == Kind::Child).count();
    let first_adult = h
        .members
        .iter()
        .position(|m| m.kind == Kind::Adult)
        .unwrap_or(0);
    for (i, m) in h.members.iter().enumerate() {
        let (code, key) = if i == first_adult {
            match (single, h.situation) {
                (true, Some(Situation::YoungWithParents)) => {
                    ("si.dsp.w.young_with_parents", "rights-calc-w-young")
                }
                (true, Some(Situation::UnableWithNonFamily)) => {
                    ("si.dsp.w.unable_non_family", "rights-calc-w-unable")
                }
                _ if m.hours > 128 => ("si.dsp.w.first_128", "rights-calc-w-first-128"),
                _ if m.hours >= 60 => ("si.dsp.w.first_60", "rights-calc-w-first-60"),
                _ => ("si.dsp.w.first", "rights-calc-w-first"),
            }
        } else if m.kind == Kind::Child {
            ("si.dsp.w.child", "rights-calc-w-child")
        } else if m.hours > 128 {
            ("si.dsp.w.further_128", "rights-calc-w-further-128")
        } else if m.hours >= 60 {
            ("si.dsp.w.further_60", "rights-calc-w-further-60")
        } else {
            ("si.dsp.w.further", "rights-calc-w-further")
        };
        let w = r.get(code)?;
        sum += w;
        steps.push(step(
            key,
            &[("member", member_label(m, i)), ("weight", Arg::Factor(w))],
        ));
    }
    if h.single_parent && children > 0 {
        let w = r.get("si.dsp.w.single_parent_child")?;
        sum += w * children as i64;
        steps.push(step(
            "rights-calc-w-single-parent",
            &[
                ("children", Arg::Count(children as i64)),
                ("weight", Arg::Factor(w)),
            ],
        ));
    }
    steps.push(step("rights-calc-w-sum", &[("sum", Arg::Factor(sum))]));
    Ok((sum, steps))
}

/// Exemption from paying for a service: the household keeps its social safety limit
/// (its minimum income, sum of weights × OZMD, raised by `si.exemption.margin`); what its
/// income exceeds that by is what it can pay, up to the service's monthly price
/// (`requested`). 0 is a full exemption.
fn exemption(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.income < 0 {
        return Err(CalcError::Input("income"));
    }
    if h.requested <= 0 {
        return Err(CalcError::Input("requested"));
    }
    let (sum, mut steps) = dsp_weights(r, h)?;
    let ozmd = r.get("si.ozmd")?;
    let margin = r.get("si.exemption.margin")?;
    let norm = apply(ozmd, sum);
    let limit = apply(norm, margin);
    steps.push(step(
        "rights-calc-safety-limit",
        &[
            ("norm", Arg::Money(norm)),
            ("margin", Arg::Factor(margin)),
            ("limit", Arg::Money(limit)),
        ],
    ));
    steps.push(step(
        "rights-calc-income",
        &[("income", Arg::Money(h.income))],
    ));
    let can_pay = (h.income - limit).max(0);
    let amount = can_pay.min(h.requested);
    steps.push(step(
        "rights-calc-exemption",
        &[
            ("price", Arg::Money(h.requested)),
            ("can", Arg::Money(can_pay)),
            ("amount", Arg::Money(amount)),
        ],
    ));
    Ok((amount, steps))
}

/// DSP = sum of weights × OZMD − household income, never below zero.
fn dsp(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.income < 0 {
        return Err(CalcError::Input("income"));
    }
    let (sum, mut steps) = dsp_weights(r, h)?;
    let ozmd = r.get("si.ozmd")?;
    let norm = apply(ozmd, sum);
    steps.push(step(
        "rights-calc-norm",
        &[
            ("sum", Arg::Factor(sum)),
            ("base", Arg::Money(ozmd)),
            ("norm", Arg::Money(norm)),
        ],
    ));
    steps.push(step(
        "rights-calc-income",
        &[("income", Arg::Money(h.income))],
    ));
    let amount = (norm - h.income).max(0);
    steps.push(step(
        if amount == 0 {
            "rights-calc-income-above"
        } else {
            "rights-calc-result"
        },
        &[("amount", Arg::Money(amount))],
    ));
    Ok((amount, steps))
}

/// Extraordinary DSP: the cost asked for, at most one monthly minimum income of the
/// household per grant and five in a calendar year.
fn dsp_extraordinary(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.requested <= 0 {
        return Err(CalcError::Input("requested"));
    }
    if h.granted_this_year < 0 {
        return Err(CalcError::Input("granted_this_year"));
    }
    let (sum, mut steps) = dsp_weights(r, h)?;
    let ozmd = r.get("si.ozmd")?;
    let norm = apply(ozmd, sum);
    let per_year = r.get("si.dsp_extra.per_year")?;
    let year_cap = apply(norm, per_year);
    steps.push(step(
        "rights-calc-extra-limits",
        &[
            ("norm", Arg::Money(norm)),
            ("times", Arg::Factor(per_year)),
            ("year", Arg::Money(year_cap)),
        ],
    ));
    let left = (year_cap - h.granted_this_year).max(0);
    steps.push(step(
        "rights-calc-extra-left",
        &[
            ("granted", Arg::Money(h.granted_this_year)),
            ("left", Arg::Money(left)),
        ],
    ));
    let amount = h.requested.min(norm).min(left);
    steps.push(step(
        "rights-calc-extra-result",
        &[
            ("requested", Arg::Money(h.requested)),
            ("amount", Arg::Money(amount)),
        ],
    ));
    Ok((amount, steps))
}

/// VD: up to the maximum (0.47 × OZMD for a single person living alone), and no more
/// than what lifts income to the threshold (1.47 × OZMD × the household's weights).
fn vd(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.income < 0 {
        return Err(CalcError::Input("income"));
    }
    let (sum, mut steps) = dsp_weights(r, h)?;
    let ozmd = r.get("si.ozmd")?;
    let t = r.get("si.vd.threshold")?;
    let threshold = apply(apply(ozmd, t), sum);
    let max_code = if h.living_alone && h.members.len() == 1 {
        "si.vd.max_alone"
    } else {
        "si.vd.max_shared"
    };
    let max_w = r.get(max_code)?;
    let max = apply(ozmd, max_w);
    steps.push(step(
        "rights-calc-vd-threshold",
        &[
            ("factor", Arg::Factor(t)),
            ("base", Arg::Money(ozmd)),
            ("threshold", Arg::Money(threshold)),
        ],
    ));
    steps.push(step(
        "rights-calc-income",
        &[("income", Arg::Money(h.income))],
    ));
    steps.push(step(
        if max_code == "si.vd.max_alone" {
            "rights-calc-vd-max-alone"
        } else {
            "rights-calc-vd-max-shared"
        },
        &[("factor", Arg::Factor(max_w)), ("max", Arg::Money(max))],
    ));
    let amount = (threshold - h.income).max(0).min(max);
    steps.push(step(
        if amount == 0 {
            "rights-calc-income-above"
        } else {
            "rights-calc-result"
        },
        &[("amount", Arg::Money(amount))],
    ));
    Ok((amount, steps))
}

fn raise(r: &mut Reader, j: &str, pct: u32, field: &'static str) -> Result<i64, CalcError> {
    match pct {
        0 => Ok(0),
        25 | 50 => r.get(&format!("{j}.foster.raise_{pct}")),
        _ => Err(CalcError::Input(field)),
    }
}

/// Foster care per child: maintenance + fee, each raised by 25 % or 50 % as agreed, at
/// most the cap; a weekend-only placement gets 75 %. `j` is the jurisdiction's prefix of
/// the parameters (`si.foster.*`, `rs.foster.*`): the rule is the same, the amounts not.
fn foster(r: &mut Reader, h: &Household, j: &str) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.children.is_empty() {
        return Err(CalcError::Input("children"));
    }
    let maintenance = r.get(&format!("{j}.foster.maintenance"))?;
    let fee = r.get(&format!("{j}.foster.fee"))?;
    let cap = r.get(&format!("{j}.foster.cap"))?;
    let mut steps = Vec::new();
    let mut total = 0;
    for (i, c) in h.children.iter().enumerate() {
        let who = if c.name.trim().is_empty() {
            Arg::Count(i as i64 + 1)
        } else {
            Arg::Text(c.name.trim().to_string())
        };
        let m = apply(
            maintenance,
            ONE + raise(r, j, c.maintenance_raise, "maintenance_raise")?,
        );
        let f = apply(fee, ONE + raise(r, j, c.fee_raise, "fee_raise")?);
        steps.push(step(
            "rights-calc-foster-parts",
            &[
                ("child", who.clone()),
                ("maintenance", Arg::Money(m)),
                ("mraise", Arg::Count(c.maintenance_raise as i64)),
                ("fee", Arg::Money(f)),
                ("fraise", Arg::Count(c.fee_raise as i64)),
            ],
        ));
        let mut child = m + f;
        if child > cap {
            child = cap;
            steps.push(step("rights-calc-foster-cap", &[("cap", Arg::Money(cap))]));
        }
        if c.weekend_only {
            let share = r.get(&format!("{j}.foster.weekend"))?;
            child = apply(child, share);
            steps.push(step(
                "rights-calc-foster-weekend",
                &[
                    ("share", Arg::Percent(share)),
                    ("amount", Arg::Money(child)),
                ],
            ));
        }
        steps.push(step(
            "rights-calc-foster-child",
            &[("child", who), ("amount", Arg::Money(child))],
        ));
        total += child;
    }
    steps.push(step("rights-calc-result", &[("amount", Arg::Money(total))]));
    Ok((total, steps))
}

/// RS cash assistance: a share of the base by household size (1 … 5 or more), minus the
/// household's income.
fn rs_cash(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.members.is_empty() {
        return Err(CalcError::Input("members"));
    }
    if h.income < 0 {
        return Err(CalcError::Input("income"));
    }
    let size = h.members.len().min(5);
    let base = r.get("rs.base")?;
    let share = r.get(&format!("rs.cash.{size}"))?;
    let norm = apply(base, share);
    let mut steps = vec![step(
        "rights-calc-rs-cash-norm",
        &[
            ("size", Arg::Count(h.members.len() as i64)),
            ("share", Arg::Percent(share)),
            ("base", Arg::Money(base)),
            ("norm", Arg::Money(norm)),
        ],
    )];
    steps.push(step(
        "rights-calc-income",
        &[("income", Arg::Money(h.income))],
    ));
    let amount = (norm - h.income).max(0);
    steps.push(step(
        if amount == 0 {
            "rights-calc-income-above"
        } else {
            "rights-calc-result"
        },
        &[("amount", Arg::Money(amount))],
    ));
    Ok((amount, steps))
}

/// RS care allowance (DPNJ): full or partial share of the base, as the commission found.
fn rs_care(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    let (code, key) = match h.care_degree {
        Some(CareDegree::Full) => ("rs.dpnj.full", "rights-calc-rs-care-full"),
        Some(CareDegree::Partial) => ("rs.dpnj.partial", "rights-calc-rs-care-partial"),
        None => return Err(CalcError::Input("care_degree")),
    };
    share_of_base(r, code, key, None)
}

/// RS personal disability allowance: a share of the base by degree of impairment.
fn rs_disability(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    let degree = match h.impairment {
        Some(d @ (70 | 80 | 90 | 100)) => d,
        _ => return Err(CalcError::Input("impairment")),
    };
    share_of_base(
        r,
        &format!("rs.disability.{degree}"),
        "rights-calc-rs-disability",
        Some(("degree", Arg::Count(degree as i64))),
    )
}

/// An amount that is a share of the RS base, with its one explaining step.
fn share_of_base(
    r: &mut Reader,
    code: &str,
    key: &str,
    first: Option<(&str, Arg)>,
) -> Result<(Minor, Vec<Step>), CalcError> {
    let base = r.get("rs.base")?;
    let share = r.get(code)?;
    let amount = apply(base, share);
    let mut args: Vec<(&str, Arg)> = first.into_iter().collect();
    args.extend([
        ("share", Arg::Percent(share)),
        ("base", Arg::Money(base)),
        ("amount", Arg::Money(amount)),
    ]);
    Ok((amount, vec![step(key, &args)]))
}

/// RS one-off assistance: what is asked for, up to the limit (a share of the base).
fn rs_one_off(r: &mut Reader, h: &Household) -> Result<(Minor, Vec<Step>), CalcError> {
    if h.requested <= 0 {
        return Err(CalcError::Input("requested"));
    }
    let base = r.get("rs.base")?;
    let share = r.get("rs.one_off.max")?;
    let max = apply(base, share);
    let amount = h.requested.min(max);
    Ok((
        amount,
        vec![
            step(
                "rights-calc-rs-one-off-max",
                &[
                    ("share", Arg::Percent(share)),
                    ("base", Arg::Money(base)),
                    ("max", Arg::Money(max)),
                ],
            ),
            step(
                "rights-calc-extra-result",
                &[
                    ("requested", Arg::Money(h.requested)),
                    ("amount", Arg::Money(amount)),
                ],
            ),
        ],
    ))
}

/// Splits an amount between funders by shares in ten-thousandths: each share rounded,
/// the last funder takes the remainder so the parts always add up.
pub fn split(amount: Minor, shares: &[(String, i64)]) -> Vec<(String, Minor)> {
    parts(amount, shares)
        .map(|(who, part)| (who.to_string(), part))
        .collect()
}

/// A right's funding as the catalogue stores it, `entity:5000,municipality:5000`, as
/// funders with their shares in ten-thousandths; a part that does not read is left out.
pub fn parse_funding(s: &str) -> Vec<(String, i64)> {
    s.split(',')
        .filter_map(|p| {
            let (who, v) = p.split_once(':')?;
            Some((who.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

/// [`split`] without copying the funders' names, for payment runs of many.
pub fn parts(amount: Minor, shares: &[(String, i64)]) -> impl Iterator<Item = (&str, Minor)> {
    let mut left = amount;
    shares.iter().enumerate().map(move |(i, (who, share))| {
        let part = if i + 1 == shares.len() {
            left
        } else {
            apply(amount, *share)
        };
        left -= part;
        (who.as_str(), part)
    })
}

#[cfg(test)]
mod tests;
