//! The centre's year (leto centra / година центра): who works for it and where it sits
//! (staff counted on any day by kind and funding, working groups and committees), what it
//! plans and how far it got (a strategy's goals and measures, the year's action plan of
//! activities with indicators, computed from Skrb's own data where it has them, entered
//! otherwise, and progress updates approved by the director), how its partners judge it
//! (the round table: invitations with a one-time link, who came, the questionnaire's
//! results, proposals taken into the next plan or answered), and what it tells the public
//! (its page with office hours, how to apply for each right and service, and news). The
//! rules live in `skrb_domain::year`.

/// The context's words (`locales/<lang>/year.ftl`, every key starting with `year-`).
pub static WORDS: skrb_kit::i18n::Words = skrb_kit::words!("year", "year-");

pub mod api;
pub mod cli;
pub mod indicators;
pub mod plans;
pub mod public;
pub mod round_tables;
pub mod staff;
pub mod strategies;
pub mod web;

/// A record of another centre is refused (and the refusal audited); one's own passes.
pub(crate) use skrb_kit::scope::same_centre as own;

/// A number kept in tenths or hundredths (`places`), written as the reader writes
/// decimals (`4,65` in Slovenian and Serbian, `4.65` in English).
pub fn decimal(l: skrb_kit::i18n::Locale, v: i64, places: u32) -> String {
    let d = 10_i64.pow(places);
    let sep = if l == skrb_kit::i18n::Locale::En {
        '.'
    } else {
        ','
    };
    let sign = if v < 0 { "-" } else { "" };
    let v = v.abs();
    format!("{sign}{}{sep}{:0w$}", v / d, v % d, w = places as usize)
}

#[cfg(test)]
mod tests {
    use skrb_kit::i18n::Locale;

    #[test]
    fn decimals_are_written_as_the_reader_writes_them() {
        assert_eq!(super::decimal(Locale::Sl, 465, 2), "4,65");
        assert_eq!(super::decimal(Locale::En, 755, 1), "75.5");
        assert_eq!(super::decimal(Locale::SrCyrl, 1000, 1), "100,0");
        assert_eq!(super::decimal(Locale::Sl, 5, 2), "0,05");
    }
}
