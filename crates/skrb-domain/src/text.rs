//! Text as people send it, made safe to keep and to show.
//!
//! Bidirectional formatting controls are stripped from everything stored: a right-to-left
//! override (U+202E) before `gpj.exe` makes a file show as "exe.jpg", and in a name it reorders what a
//! reader sees. No language Skrb serves needs them inside a name or a line of text.

/// Whether a character reorders the text around it without being seen.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Without control characters and bidirectional controls; line breaks and tabs are kept
/// where `multiline` is set (notes, descriptions).
pub fn clean(s: &str, multiline: bool) -> String {
    s.chars()
        .filter(|c| {
            !is_bidi_control(*c)
                && (!c.is_control() || multiline && matches!(c, '\n' | '\r' | '\t'))
        })
        .collect()
}

/// A file name safe to show and to send back: the last part of a path, without control
/// characters, bidirectional controls, quotes or semicolons (they would end a header's
/// value), at most 200 characters; "document" when nothing is left.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = clean(base, false)
        .chars()
        .filter(|c| !matches!(c, '"' | ';'))
        .take(200)
        .collect();
    if s.trim().is_empty() {
        "document".into()
    } else {
        s
    }
}

/// The kinds of document a file may be, recognised by their content (never by the name
/// or the browser's claim): PDF, PNG, JPEG and TIFF (scanners).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_override_is_stripped() {
        assert_eq!(file_name("\u{202E}gpj.exe"), "gpj.exe");
        assert_eq!(file_name("C:\\scans\\izvid\u{2067}.pdf"), "izvid.pdf");
        assert_eq!(clean("Ana\u{200F} Novak", false), "Ana Novak");
        assert_eq!(clean("vrstica\nnova\u{0007}", true), "vrstica\nnova");
        assert_eq!(clean("vrstica\nnova", false), "vrsticanova");
        assert_eq!(file_name("\u{202E}"), "document");
        assert_eq!(file_name("a\"b;c.pdf"), "abc.pdf");
        // Letters of every script Skrb serves stay.
        assert_eq!(clean("Ђорђевић Čeč", false), "Ђорђевић Čeč");
    }
}
