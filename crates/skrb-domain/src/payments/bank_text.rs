//! The character set banks accept in payment files (the EPC's basic Latin set:
//! `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space). Serbian Cyrillic is transliterated,
//! diacritics are dropped (`Čučnik` → `Cucnik`, `Đurić` → `Djuric`), anything else is
//! left out, and the text is cut to the field's length.

use unicode_normalization::UnicodeNormalization;

use crate::names::cyrillic_to_latin;

/// `s` in the banks' character set, at most `max` characters, spaces collapsed.
pub fn clean(s: &str, max: usize) -> String {
    let latin = cyrillic_to_latin(s);
    let mut out = String::with_capacity(latin.len());
    let mut space = true;
    for c in latin.chars() {
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
        if !replaced.is_empty() {
            for r in replaced.chars() {
                push(r, &mut out);
            }
            continue;
        }
        if c.is_ascii() {
            if allowed(c) {
                push(c, &mut out);
            }
            continue;
        }
        for d in std::iter::once(c).nfd() {
            if d.is_ascii() && allowed(d) {
                push(d, &mut out);
            }
        }
    }
    let mut out: String = out.trim_end().chars().take(max).collect();
    while out.ends_with(' ') {
        out.pop();
    }
    out
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
