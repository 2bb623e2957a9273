//! The words: every file of every context holds every key in every language under its
//! context's prefix, and every key the screens and the code ask for exists.

use std::path::{Path, PathBuf};

use skrb::i18n::{self, Locale, CONTEXT_PREFIXES};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// Every file in every language, each key once, each under its context's prefix; and
/// every crate that has words is in the app's list.
#[test]
fn every_file_holds_every_key_in_every_language() {
    skrb::install_words();
    let problems = i18n::check(&skrb::WORDS, &CONTEXT_PREFIXES);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for w in skrb::WORDS {
        if let Some(p) = w.prefix {
            assert!(
                CONTEXT_PREFIXES.contains(&p),
                "{} is not a context's prefix",
                p
            );
        }
    }
    let mut on_disk = Vec::new();
    files_under(&crates_dir(), "ftl", &mut on_disk);
    for f in on_disk
        .iter()
        .filter(|f| f.to_string_lossy().contains("/locales/en/"))
    {
        let name = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        assert!(
            skrb::WORDS.iter().any(|w| w.name == name),
            "{} is not in skrb::WORDS",
            f.display()
        );
    }
    // Every key loads in every language, Serbian Latin included.
    for k in i18n::keys(Locale::En) {
        for l in Locale::ALL {
            assert!(i18n::has(l, &k), "{} does not load {k}", l.code());
        }
    }
}

/// The keys the templates ask for (`t("…")`, `tn("…"`, `t1("…"`) and the prefixes they
/// build keys from (`c("…", code)`), and every string in the code that looks like a
/// context's key, exist: a key renamed in one place and not the other fails here.
#[test]
fn every_key_asked_for_exists() {
    skrb::install_words();
    let keys = i18n::keys(Locale::En);
    let mut missing = Vec::new();
    let mut templates = Vec::new();
    files_under(&crates_dir(), "html", &mut templates);
    let exists = |k: &str, prefix: bool| {
        if prefix {
            let p = format!("{}-", k.trim_end_matches('-'));
            keys.iter().any(|x| x.starts_with(&p))
        } else {
            keys.iter().any(|x| x == k)
        }
    };
    let key_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    for f in templates
        .iter()
        .filter(|f| f.to_string_lossy().contains("/templates/"))
    {
        let text = std::fs::read_to_string(f).expect("template");
        for (how, prefix) in [
            ("t(\"", false),
            ("tn(\"", false),
            ("t1(\"", false),
            (".c(\"", true),
        ] {
            for (at, _) in text.match_indices(how) {
                let before = text[..at].chars().last().unwrap_or(' ');
                if how != ".c(\"" && (before.is_alphanumeric() || before == '_') {
                    continue;
                }
                let k: String = text[at + how.len()..]
                    .chars()
                    .take_while(|c| key_char(*c))
                    .collect();
                if !exists(&k, prefix) {
                    missing.push(format!("{}: {k}", f.display()));
                }
            }
        }
    }
    let mut sources = Vec::new();
    files_under(&crates_dir(), "rs", &mut sources);
    for f in sources.iter().filter(|f| {
        let s = f.to_string_lossy();
        s.contains("/src/") && !s.contains("/target/")
    }) {
        let text = std::fs::read_to_string(f).expect("source");
        // Every string literal that starts like a context's key (naively: between quotes).
        for lit in text.split('"').skip(1).step_by(2) {
            if !CONTEXT_PREFIXES.iter().any(|p| lit.starts_with(p)) {
                continue;
            }
            let k: String = lit.chars().take_while(|c| key_char(*c)).collect();
            let rest = &lit[k.len()..];
            let prefix = rest.starts_with('{') || k.ends_with('-');
            // A prefix a list of codes is labelled with (`labelled(l, "cases-area", …)`)
            // is a key's beginning.
            if (rest.is_empty() || prefix) && !exists(&k, prefix) && !exists(&k, true) {
                missing.push(format!("{}: {k}", f.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys asked for but missing:\n{}",
        missing.join("\n")
    );
}

/// An API client's codes did not move with the words: a field error's code is its key
/// without the context's prefix, and the old `pay-`/`case-` codes stay.
#[test]
fn api_codes_stay_as_they_were() {
    use skrb::error::Msg;
    assert_eq!(Msg::new("registry-err-person").code(), "err-person");
    assert_eq!(Msg::new("payments-err-state").code(), "pay-err-state");
    assert_eq!(Msg::new("cases-not-yours").code(), "case-not-yours");
    assert_eq!(Msg::new("err-required").code(), "err-required");
}
