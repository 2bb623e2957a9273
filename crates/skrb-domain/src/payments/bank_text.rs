//! The character set banks accept in payment files (the EPC's basic Latin set:
//! `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space). Serbian Cyrillic is transliterated,
//! diacritics are dropped (`Čučnik` → `Cucnik`, `Đurić` → `Djuric`), anything else is
//! left out, and the text is cut to the field's length.

use unicode_normalization::UnicodeNormalization;

use crate::names::cyrillic_to_latin;

/// `s` in the banks' character set, at most `max` characters, spaces collapsed.
pub fn clean(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    clean_into(&mut out, s, max);
    out
}

/// [`clean`], appended to `out`: a bank file of a hundred thousand transfers is written
/// without a string per field.
pub fn clean_into(out: &mut String, s: &str, max: usize) {
    let start = out.len();
    // Nearly every text is plain already: copied as it is.
    if s.len() <= max
        && s.bytes().all(|b| b.is_ascii() && allowed(b as char))
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
    {
        out.push_str(s);
        return;
    }
    let latin;
    let s = if s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        latin = cyrillic_to_latin(s);
        latin.as_str()
    } else {
        s
    };
    let mut space = true;
    let mut push = |c: char, out: &mut String| {
        if c == ' ' {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    };
    for c in s.chars() {
        let replaced: &str = match c {
            'đ' => "dj",
            'Đ' => "Dj",
            'ß' => "ss",
            'æ' => "ae",
            'Æ' => "AE",
            'ø' => "o",
            'Ø' => "O",
            'ł' => "l",
            'Ł' => "L",
            '&' => "+",
            '_' | '\t' | '\n' | '\r' => " ",
            _ => "",
        };
        if !replaced.is_empty() {
            for r in replaced.chars() {
                push(r, out);
            }
            continue;
        }
        if c.is_ascii() {
            if allowed(c) {
                push(c, out);
            }
            continue;
        }
        for d in std::iter::once(c).nfd() {
            if d.is_ascii() && allowed(d) {
                push(d, out);
            }
        }
    }
    // ASCII only from here: a character is a byte.
    out.truncate(out.len().min(start + max));
    while out.len() > start && out.ends_with(' ') {
        out.pop();
    }
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || " /-?:().,'+".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_and_strips() {
        assert_eq!(clean("Đurđa Čučnik-Šalamun", 70), "Djurdja Cucnik-Salamun");
        assert_eq!(clean("Милорад Ђукић", 70), "Milorad Djukic");
        assert_eq!(clean("Љубица Његош", 70), "Ljubica Njegos");
        assert_eq!(clean("  A & B <x>;  \"c\"  ", 70), "A + B x c");
        assert_eq!(clean("Žarko", 3), "Zar");
        assert_eq!(clean("Ana  Novak ", 5), "Ana N");
        assert_eq!(clean("Ana Novak", 4), "Ana");
        assert_eq!(clean("Ana Novak", 9), "Ana Novak");
        assert_eq!(clean("Ana  Novak", 70), "Ana Novak");
        assert_eq!(clean(" Ana", 70), "Ana");
        let mut out = String::from("<Nm>");
        clean_into(&mut out, "Šaleška cesta 1", 70);
        clean_into(&mut out, "", 70);
        assert_eq!(out, "<Nm>Saleska cesta 1");
    }

    #[test]
    fn output_is_always_in_the_set() {
        for s in ["ÆØÅ æøå", "日本", "emoji 😀 ok", "Ǆ ǅ ǆ Ǉ", "O'Brien (jr.)"] {
            let c = clean(s, 140);
            assert!(c.chars().all(allowed), "{c}");
            assert!(!c.starts_with(' ') && !c.ends_with(' '), "{c:?}");
        }
    }
}
