//! Reading an old register's file: CSV in the encoding and with the delimiter centres'
//! exports use (UTF-8, Windows-1250, Windows-1251; `;`, `,`, tab, `|`), detected or
//! chosen, or the first sheet of an XLSX workbook. The file is read on a thread of its
//! own that hands rows over in sets, so that checking and writing one set overlaps with
//! reading the next, and no more than a few sets are ever held.

use std::io::{Cursor, Read, Seek};
use std::sync::Arc;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1250, WINDOWS_1251};

/// Rows handed over at once.
pub const SET: usize = 2_000;

/// The file's kind, by its content (an XLSX workbook is a ZIP archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn of(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// How to read a CSV; `None` is "detect".
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub encoding: Option<&'static Encoding>,
    pub delimiter: Option<u8>,
}

/// The encodings a user may choose, by the names kept on the import.
pub fn encoding(name: &str) -> Option<&'static Encoding> {
    match name {
        "utf-8" => Some(UTF_8),
        "windows-1250" => Some(WINDOWS_1250),
        "windows-1251" => Some(WINDOWS_1251),
        _ => None,
    }
}

/// UTF-8 when the bytes are valid UTF-8; otherwise the Windows code page of the script
/// most of the letters are in: Windows-1251 puts Cyrillic letters at 0xC0-0xFF, where
/// Windows-1250's Latin text has only its few accented letters among plain ASCII ones.
pub fn detect_encoding(sample: &[u8]) -> &'static Encoding {
    let sample = match sample.strip_prefix(b"\xEF\xBB\xBF") {
        Some(_) => return UTF_8,
        None => sample,
    };
    // A sample may end inside a character: judge what comes before the last 3 bytes.
    let cut = sample.len().saturating_sub(3);
    match std::str::from_utf8(sample) {
        Ok(_) => return UTF_8,
        Err(e) if e.valid_up_to() >= cut && e.error_len().is_none() => return UTF_8,
        Err(_) => {}
    }
    let letters = sample.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let high = sample.iter().filter(|b| **b >= 0xC0).count();
    if high * 2 > letters {
        WINDOWS_1251
    } else {
        WINDOWS_1250
    }
}

/// The delimiter that splits the first line into the most fields.
pub fn detect_delimiter(first_line: &str) -> u8 {
    [b';', b',', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b';')
}

/// What reading found out about the file before its rows.
#[derive(Debug, Clone)]
pub struct Head {
    pub format: Format,
    pub headings: Vec<String>,
    /// CSV only: the encoding and delimiter used.
    pub encoding: Option<&'static Encoding>,
    pub delimiter: Option<u8>,
}

/// A row: its line in the file (the headings are line 1) and its cells as text.
pub type Row = (i64, Vec<String>);

/// Why a file cannot be read.
#[derive(Debug, Clone)]
pub enum ReadError {
    /// Not a CSV or XLSX we can read; the words' key.
    Unreadable(String),
    /// No headings line.
    Empty,
}

/// What the reading thread sends.
pub enum Sent {
    Head(Head),
    Rows(Vec<Row>),
    Failed(ReadError),
}

/// Starts reading `bytes` on a thread of its own: first the [`Head`], then rows in sets
/// of [`SET`]. Dropping the receiver stops the reading.
pub fn read(bytes: Arc<Vec<u8>>, opts: Options) -> tokio::sync::mpsc::Receiver<Sent> {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    std::thread::spawn(move || {
        let r = match Format::of(&bytes) {
            Format::Xlsx => read_xlsx(Cursor::new(bytes.as_slice()), &tx),
            Format::Csv => read_csv(&bytes, &opts, &tx),
        };
        if let Err(e) = r {
            let _ = tx.blocking_send(Sent::Failed(e));
        }
    });
    rx
}

type Tx = tokio::sync::mpsc::Sender<Sent>;

/// Sends a set; false when nobody listens any more.
fn send(tx: &Tx, rows: &mut Vec<Row>) -> bool {
    let set = std::mem::replace(rows, Vec::with_capacity(SET));
    tx.blocking_send(Sent::Rows(set)).is_ok()
}

fn read_csv(bytes: &[u8], opts: &Options, tx: &Tx) -> Result<(), ReadError> {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let enc = opts.encoding.unwrap_or_else(|| detect_encoding(sample));
    let reader = Decoding::new(bytes, enc);
    let first = enc
        .decode_without_bom_handling(sample)
        .0
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let delimiter = opts.delimiter.unwrap_or_else(|| detect_delimiter(&first));
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut rec = csv::StringRecord::new();
    let headings = match csv.read_record(&mut rec) {
        Ok(true) => rec
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
        Ok(false) => return Err(ReadError::Empty),
        Err(_) => return Err(ReadError::Unreadable("import-err-csv".into())),
    };
    let head = Head {
        format: Format::Csv,
        headings,
        encoding: Some(enc),
        delimiter: Some(delimiter),
    };
    if tx.blocking_send(Sent::Head(head)).is_err() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(SET);
    loop {
        match csv.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line() as i64);
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push((line, rec.iter().map(|c| c.trim().to_string()).collect()));
                if rows.len() == SET && !send(tx, &mut rows) {
                    return Ok(());
                }
            }
            Ok(false) => break,
            Err(_) => return Err(ReadError::Unreadable("import-err-csv".into())),
        }
    }
    if !rows.is_empty() {
        send(tx, &mut rows);
    }
    Ok(())
}

/// Bytes in a code page read as UTF-8, a piece at a time (the CSV reader wants UTF-8).
struct Decoding<'b> {
    bytes: &'b [u8],
    at: usize,
    done: bool,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    out_at: usize,
}

impl<'b> Decoding<'b> {
    fn new(bytes: &'b [u8], enc: &'static Encoding) -> Self {
        Decoding {
            bytes,
            at: 0,
            done: false,
            decoder: enc.new_decoder_with_bom_removal(),
            out: Vec::new(),
            out_at: 0,
        }
    }
}

impl Read for Decoding<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            let end = (self.at + 64 * 1024).min(self.bytes.len());
            let last = end == self.bytes.len();
            let n = end - self.at;
            // Room for the whole piece, so the decoder always takes all of it.
            let cap = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            let mut s = String::with_capacity(cap);
            let (_, read, _) =
                self.decoder
                    .decode_to_string(&self.bytes[self.at..end], &mut s, last);
            self.at += read;
            self.done = last;
            self.out = s.into_bytes();
            self.out_at = 0;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

fn read_xlsx<R: Read + Seek>(rs: R, tx: &Tx) -> Result<(), ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    let bad = || ReadError::Unreadable("import-err-xlsx".into());
    let mut book: Xlsx<R> = calamine::open_workbook_from_rs(rs).map_err(|_| bad())?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(ReadError::Empty)?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(|_| bad())?;
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut head: Option<Vec<String>> = None;
    let mut rows = Vec::with_capacity(SET);
    let finish =
        |r: (u32, Vec<String>), head: &mut Option<Vec<String>>, rows: &mut Vec<Row>| -> bool {
            if head.is_none() {
                // A title above the table (a workbook's first row often is one) is
                // not the headings: those name at least two columns.
                if r.1.iter().filter(|c| !c.is_empty()).count() < 2 {
                    return true;
                }
                let h = r.1;
                *head = Some(h.clone());
                return tx
                    .blocking_send(Sent::Head(Head {
                        format: Format::Xlsx,
                        headings: h,
                        encoding: None,
                        delimiter: None,
                    }))
                    .is_ok();
            }
            if r.1.iter().all(|c| c.is_empty()) {
                return true;
            }
            rows.push((i64::from(r.0) + 1, r.1));
            rows.len() < SET || send(tx, rows)
        };
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) => return Err(bad()),
        };
        let (r, c) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => String::new(),
            DataRef::String(s) => s.trim().to_string(),
            DataRef::SharedString(s) => s.trim().to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) => number(*f),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => {
                let (y, m, dd, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{dd:02}")
            }
            DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
            DataRef::DurationIso(s) => s.clone(),
            DataRef::Error(_) => String::new(),
        };
        if current.as_ref().is_some_and(|(row, _)| *row != r) {
            if let Some(done) = current.take() {
                if !finish(done, &mut head, &mut rows) {
                    return Ok(());
                }
            }
        }
        let row = current.get_or_insert_with(|| (r, Vec::new()));
        let c = c as usize;
        if row.1.len() <= c {
            row.1.resize(c + 1, String::new());
        }
        row.1[c] = text;
    }
    if let Some(done) = current.take() {
        if !finish(done, &mut head, &mut rows) {
            return Ok(());
        }
    }
    if head.is_none() {
        return Err(ReadError::Empty);
    }
    if !rows.is_empty() {
        send(tx, &mut rows);
    }
    Ok(())
}

/// A number cell as the text it stands for: a whole number without ".0" (a personal
/// number or a code kept as a number), else as written.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_are_told_apart() {
        let (latin, _, _) = WINDOWS_1250.encode("Priimek;Ime\nČeh;Žiga\nNovak;Ana\n");
        assert_eq!(detect_encoding(&latin), WINDOWS_1250);
        let (cyr, _, _) = WINDOWS_1251.encode("Презиме;Име\nЂорђевић;Милица\n");
        assert_eq!(detect_encoding(&cyr), WINDOWS_1251);
        assert_eq!(detect_encoding("Čeh;Ђорђевић".as_bytes()), UTF_8);
    }

    #[test]
    fn delimiters_are_found() {
        assert_eq!(detect_delimiter("a;b;c"), b';');
        assert_eq!(detect_delimiter("a,b,c"), b',');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
    }

    #[test]
    fn a_windows_1250_file_reads_as_its_letters() {
        let (bytes, _, _) = WINDOWS_1250.encode("Priimek;Ime\nČeh;Žiga\n\"Novak; ml.\";Ana\n");
        let mut rx = read(Arc::new(bytes.into_owned()), Options::default());
        let Some(Sent::Head(h)) = rx.blocking_recv() else {
            panic!("no head")
        };
        assert_eq!(h.headings, ["Priimek", "Ime"]);
        let Some(Sent::Rows(rows)) = rx.blocking_recv() else {
            panic!("no rows")
        };
        assert_eq!(rows[0], (2, vec!["Čeh".to_string(), "Žiga".to_string()]));
        assert_eq!(rows[1].1[0], "Novak; ml.");
    }
}
