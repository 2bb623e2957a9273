//! "Why this amount": a calculation's steps in the reader's language, with amounts,
//! weights and percentages in their local format.

use fluent_bundle::FluentValue;
use skrb_domain::rights::{Arg, Calculation};

use skrb_kit::i18n::{self, Locale};

/// A factor in ten-thousandths as the locale writes decimals: 0,57 (sl, sr), 0.57 (en).
pub fn factor(l: Locale, f: i64) -> String {
    let s = skrb_domain::rights::money::factor_plain(f);
    if l == Locale::En {
        s
    } else {
        s.replace('.', ",")
    }
}

fn value(l: Locale, a: &Arg, currency: &str) -> String {
    match a {
        Arg::Money(m) => i18n::fmt_money(l, *m, currency),
        Arg::Factor(f) => factor(l, *f),
        Arg::Percent(p) => {
            let whole = p / 100;
            let frac = p % 100;
            if frac == 0 {
                format!("{whole}\u{a0}%")
            } else {
                let sep = if l == Locale::En { '.' } else { ',' };
                format!("{whole}{sep}{:02}\u{a0}%", frac).replace("0\u{a0}%", "\u{a0}%")
            }
        }
        Arg::Count(n) => n.to_string(),
        Arg::Text(t) => t.clone(),
    }
}

/// One sentence per step.
pub fn lines(l: Locale, c: &Calculation, currency: &str) -> Vec<String> {
    c.steps
        .iter()
        .map(|s| {
            let vals: Vec<(String, String)> = s
                .args
                .iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    // A member without a name is numbered: "Member 2".
                    ("member" | "child", Arg::Count(n)) => (
                        k.clone(),
                        format!("{} {n}", i18n::t(l, "rights-calc-member")),
                    ),
                    _ => (k.clone(), value(l, v, currency)),
                })
                .collect();
            let args: Vec<(&str, FluentValue<'_>)> = vals
                .iter()
                .map(|(k, v)| (k.as_str(), FluentValue::from(v.as_str())))
                .collect();
            i18n::t_args(l, &s.key, &args)
        })
        .collect()
}
