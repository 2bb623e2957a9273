//! A table that leaves Skrb: typed cells (counts, persons, money, hours, dates, text),
//! written as CSV or as an XLSX workbook with real numbers and dates, and charts drawn
//! from the same figures. Reports and list downloads build a [`Table`] once; the HTML
//! page, the PDF, the workbook and the CSV all read it, so they cannot disagree.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use time::Date;

use crate::i18n::{self, Locale};

/// One cell, with its kind: the kind decides how it is written (a number, a date, text)
/// and whether it may be hidden (a count of persons).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    /// A count of things (decisions, visits, files).
    Count(i64),
    /// A count of persons: written "<5" (and kept as text) where small cells are hidden.
    Persons(i64),
    /// An amount in minor units (cents).
    Money(i64),
    /// A duration in minutes, written as hours.
    Minutes(i64),
    /// A share in tenths of a percent.
    PerMille(i64),
    #[serde(with = "crate::i18n::json_date")]
    #[schema(value_type = String, format = Date)]
    Date(Date),
    /// A person count hidden by the small-cell rule.
    Hidden,
    /// A person count withheld (of any size) because with the row's or the column's
    /// total it would give a hidden one away; written "x", as statistical offices do.
    Withheld,
    Empty,
}

impl Cell {
    /// The number behind a numeric cell (a total sums these).
    pub fn number(&self) -> Option<i64> {
        match self {
            Cell::Count(n) | Cell::Persons(n) | Cell::Money(n) | Cell::Minutes(n) => Some(*n),
            _ => None,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Cell::Count(_)
                | Cell::Persons(_)
                | Cell::Money(_)
                | Cell::Minutes(_)
                | Cell::PerMille(_)
                | Cell::Hidden
                | Cell::Withheld
        )
    }

    /// The cell as the reader reads it, in their language.
    pub fn show(&self, l: Locale, currency: &str) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) | Cell::Persons(n) => i18n::fmt_int(l, *n),
            Cell::Money(n) => i18n::fmt_money(l, *n, currency),
            Cell::Minutes(m) => hours(l, *m),
            Cell::PerMille(p) => {
                let sep = if l == Locale::En { '.' } else { ',' };
                format!("{}{sep}{}\u{a0}%", p / 10, p.abs() % 10)
            }
            Cell::Date(d) => i18n::fmt_date(l, *d),
            Cell::Hidden => "<5".into(),
            Cell::Withheld => "x".into(),
            Cell::Empty => String::new(),
        }
    }
}

/// Minutes as hours with one decimal, as reports count hours (`1.234,5 h`).
pub fn hours(l: Locale, minutes: i64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    let sep = if l == Locale::En { '.' } else { ',' };
    format!(
        "{}{sep}{}\u{a0}h",
        i18n::fmt_int(l, tenths / 10),
        tenths % 10
    )
}

/// A titled table: column headings, rows, and (where it adds up) a total row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ReportTable)]
pub struct Table {
    /// A stable name (`staff`, `decisions`): the sheet's, the anchor's, the test's.
    pub key: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    /// The currency of its money cells.
    pub currency: String,
}

impl Table {
    pub fn new(key: &str, title: String, columns: Vec<String>) -> Table {
        Table {
            key: key.into(),
            title,
            columns,
            rows: Vec::new(),
            total: None,
            currency: "EUR".into(),
        }
    }

    pub fn currency(mut self, c: &str) -> Table {
        self.currency = c.into();
        self
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Whether a column holds words only (no number in any row): it is aligned as text,
    /// not as figures.
    pub fn is_text(&self, col: &usize) -> bool {
        self.rows
            .iter()
            .all(|r| matches!(r.get(*col), None | Some(Cell::Text(_)) | Some(Cell::Empty)))
    }

    /// Adds a total row: each numeric column summed, the first cell `label`; a total is
    /// computed from the rows shown, never counted apart, so it always adds up.
    pub fn totalled(mut self, label: String) -> Table {
        let width = self.columns.len();
        let mut total: Vec<Cell> = vec![Cell::Empty; width];
        if let Some(first) = total.first_mut() {
            *first = Cell::Text(label);
        }
        for (i, slot) in total.iter_mut().enumerate().skip(1) {
            let mut sum: Option<Cell> = None;
            for r in &self.rows {
                let c = r.get(i).cloned().unwrap_or(Cell::Empty);
                sum = match (sum, &c) {
                    (None, Cell::Count(n)) => Some(Cell::Count(*n)),
                    (None, Cell::Persons(n)) => Some(Cell::Persons(*n)),
                    (None, Cell::Money(n)) => Some(Cell::Money(*n)),
                    (None, Cell::Minutes(n)) => Some(Cell::Minutes(*n)),
                    (Some(Cell::Count(a)), Cell::Count(b)) => Some(Cell::Count(a + b)),
                    (Some(Cell::Persons(a)), Cell::Persons(b)) => Some(Cell::Persons(a + b)),
                    (Some(Cell::Money(a)), Cell::Money(b)) => Some(Cell::Money(a + b)),
                    (Some(Cell::Minutes(a)), Cell::Minutes(b)) => Some(Cell::Minutes(a + b)),
                    (s, Cell::Empty) => s,
                    _ => Some(Cell::Empty),
                };
            }
            *slot = sum.unwrap_or(Cell::Empty);
        }
        if !self.rows.is_empty() {
            self.total = Some(total);
        }
        self
    }

    /// The same table with every count of fewer than five persons (but not none) hidden:
    /// how it leaves the centre (the ministry's view, a published report).
    pub fn hide_small(&self) -> Table {
        let hide = |c: &Cell| match c {
            Cell::Persons(n) if skrb_domain::reports::small(*n) => Cell::Hidden,
            other => other.clone(),
        };
        let mut grid: Vec<Vec<Cell>> = self
            .rows
            .iter()
            .chain(self.total.iter())
            .map(|r| r.iter().map(hide).collect())
            .collect();
        withhold(&mut grid, self.total.is_some());
        let total = self.total.as_ref().and_then(|_| grid.pop());
        Table {
            rows: grid,
            total,
            ..self.clone()
        }
    }

    /// Rows then the total.
    pub fn all_rows(&self) -> impl Iterator<Item = &Vec<Cell>> {
        self.rows.iter().chain(self.total.iter())
    }
}

/// Secondary suppression: where a row (its cells add up to its total column) or a
/// column (its cells add up to the total row) has exactly one hidden count, the
/// smallest other non-zero count of it is withheld too, so the hidden one cannot be
/// worked out by subtraction; again until nothing changes.
fn withhold(grid: &mut [Vec<Cell>], has_total_row: bool) {
    let hidden = |c: &Cell| matches!(c, Cell::Hidden | Cell::Withheld);
    // The smallest non-zero count among `cells` (grid positions), if one is alone hidden.
    let pick = |grid: &[Vec<Cell>], cells: &[(usize, usize)]| -> Option<(usize, usize)> {
        let n = cells.iter().filter(|&&(r, c)| hidden(&grid[r][c])).count();
        if n != 1 {
            return None;
        }
        cells
            .iter()
            .filter_map(|&(r, c)| match grid[r][c] {
                Cell::Persons(v) if v > 0 => Some((v, r, c)),
                _ => None,
            })
            .min()
            .map(|(_, r, c)| (r, c))
    };
    let persons = |c: &Cell| matches!(c, Cell::Persons(_) | Cell::Hidden | Cell::Withheld);
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    for _ in 0..(grid.len() + width) {
        let mut changed = false;
        for r in 0..grid.len() {
            let cells: Vec<(usize, usize)> = (0..grid[r].len())
                .filter(|&c| persons(&grid[r][c]))
                .map(|c| (r, c))
                .collect();
            if cells.len() > 1 {
                if let Some((r, c)) = pick(grid, &cells) {
                    grid[r][c] = Cell::Withheld;
                    changed = true;
                }
            }
        }
        if has_total_row {
            for c in 0..width {
                let cells: Vec<(usize, usize)> = (0..grid.len())
                    .filter(|&r| grid[r].get(c).is_some_and(persons))
                    .map(|r| (r, c))
                    .collect();
                if cells.len() > 1 {
                    if let Some((r, c)) = pick(grid, &cells) {
                        grid[r][c] = Cell::Withheld;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

// ---------------------------------------------------------------- CSV

/// One CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180).
pub fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// One CSV line of cells: numbers plain with a dot (`1234.50`), dates ISO, for machines.
pub fn csv_line(out: &mut String, cells: &[Cell]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let s = match c {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) | Cell::Persons(n) => n.to_string(),
            Cell::Money(n) => {
                let sign = if *n < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", n.abs() / 100, n.abs() % 100)
            }
            Cell::Minutes(m) => {
                let t = (m * 10 + 30) / 60;
                format!("{}.{}", t / 10, t % 10)
            }
            Cell::PerMille(p) => format!("{}.{}", p / 10, p.abs() % 10),
            Cell::Date(d) => d.to_string(),
            Cell::Hidden => "<5".into(),
            Cell::Withheld => "x".into(),
            Cell::Empty => String::new(),
        };
        csv_field(out, &s);
    }
    out.push_str("\r\n");
}

/// A table as CSV (UTF-8 with a byte-order mark, so a spreadsheet reads č and Cyrillic).
pub fn csv(t: &Table) -> String {
    let mut out = String::from("\u{feff}");
    let head: Vec<Cell> = t.columns.iter().map(|c| Cell::Text(c.clone())).collect();
    csv_line(&mut out, &head);
    for r in t.all_rows() {
        csv_line(&mut out, r);
    }
    out
}

// ---------------------------------------------------------------- XLSX

/// The formats of a workbook's typed cells.
pub struct Formats {
    pub head: Format,
    pub title: Format,
    pub money: Format,
    pub hours: Format,
    pub share: Format,
    pub date: Format,
    pub int: Format,
    pub hidden: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            head: Format::new().set_bold().set_text_wrap(),
            title: Format::new().set_bold().set_font_size(13),
            money: Format::new().set_num_format("#,##0.00"),
            hours: Format::new().set_num_format("#,##0.0"),
            share: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format("dd.mm.yyyy"),
            int: Format::new().set_num_format("#,##0"),
            hidden: Format::new().set_align(rust_xlsxwriter::FormatAlign::Right),
        }
    }
}

/// Writes one cell with its type: numbers as numbers, dates as dates.
pub fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    c: &Cell,
) -> Result<(), XlsxError> {
    match c {
        Cell::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Cell::Count(n) | Cell::Persons(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.int)?;
        }
        // A spreadsheet's number is a double: cents divided once, for display and sums.
        Cell::Money(n) => {
            ws.write_number_with_format(row, col, *n as f64 / 100.0, &f.money)?;
        }
        Cell::Minutes(m) => {
            ws.write_number_with_format(row, col, *m as f64 / 60.0, &f.hours)?;
        }
        Cell::PerMille(p) => {
            ws.write_number_with_format(row, col, *p as f64 / 1000.0, &f.share)?;
        }
        Cell::Date(d) => {
            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day())?;
            ws.write_datetime_with_format(row, col, &dt, &f.date)?;
        }
        Cell::Hidden => {
            ws.write_string_with_format(row, col, "<5", &f.hidden)?;
        }
        Cell::Withheld => {
            ws.write_string_with_format(row, col, "x", &f.hidden)?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

/// A sheet's name: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
pub fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let mut base: String = clean.trim().chars().take(28).collect();
    if base.is_empty() {
        base = "Sheet".into();
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// A workbook with one sheet per table: the title, the headings, the rows, the total.
pub fn workbook(tables: &[Table], title: &str) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(title)
            .set_author("Skrb"),
    );
    let f = Formats::default();
    let mut taken = Vec::new();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.title, &mut taken))?;
        ws.write_string_with_format(0, 0, &t.title, &f.title)?;
        for (i, c) in t.columns.iter().enumerate() {
            let col = u16::try_from(i)?;
            ws.write_string_with_format(2, col, c, &f.head)?;
            ws.set_column_width(col, if i == 0 { 34 } else { 14 })?;
        }
        let mut row = 3u32;
        for r in &t.rows {
            for (i, c) in r.iter().enumerate() {
                write_cell(ws, &f, row, u16::try_from(i)?, c)?;
            }
            row += 1;
        }
        if let Some(total) = &t.total {
            for (i, c) in total.iter().enumerate() {
                let col = u16::try_from(i)?;
                write_cell(ws, &f, row, col, c)?;
            }
            ws.set_row_format(row, &Format::new().set_bold())?;
        }
        ws.set_freeze_panes(3, 1)?;
    }
    if tables.is_empty() {
        wb.add_worksheet();
    }
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------- long lists

/// A list of any length written to a file as it is read, in constant memory: rows go to
/// the workbook's temporary files (rust_xlsxwriter's constant-memory mode) or straight to
/// the CSV, never all held at once. A list download reads its rows from a database
/// stream into this and sends the file.
pub struct ListWriter {
    kind: ListKind,
    rows: u64,
}

enum ListKind {
    Xlsx {
        wb: Box<Workbook>,
        formats: Box<Formats>,
        path: std::path::PathBuf,
    },
    Csv(std::io::BufWriter<std::fs::File>),
}

impl ListWriter {
    /// An XLSX list to `path`: a title row, the headings (frozen), then the rows.
    pub fn xlsx(path: &std::path::Path, title: &str, columns: &[String]) -> anyhow::Result<Self> {
        let mut wb = Box::new(Workbook::new());
        let formats = Box::new(Formats::default());
        {
            let ws = wb.add_worksheet_with_constant_memory()?;
            ws.set_name(sheet_name(title, &mut Vec::new()))?;
            ws.write_string_with_format(0, 0, title, &formats.title)?;
            for (i, c) in columns.iter().enumerate() {
                let col = u16::try_from(i)?;
                ws.write_string_with_format(1, col, c, &formats.head)?;
                ws.set_column_width(col, if i == 0 { 28 } else { 16 })?;
            }
            ws.set_freeze_panes(2, 0)?;
        }
        Ok(ListWriter {
            kind: ListKind::Xlsx {
                wb,
                formats,
                path: path.to_path_buf(),
            },
            rows: 0,
        })
    }

    /// A CSV list to `path` (UTF-8 with a byte-order mark), headings first.
    pub fn csv(path: &std::path::Path, columns: &[String]) -> anyhow::Result<Self> {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut head = String::from("\u{feff}");
        let cells: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.clone())).collect();
        csv_line(&mut head, &cells);
        w.write_all(head.as_bytes())?;
        Ok(ListWriter {
            kind: ListKind::Csv(w),
            rows: 0,
        })
    }

    pub fn row(&mut self, cells: &[Cell]) -> anyhow::Result<()> {
        match &mut self.kind {
            ListKind::Xlsx { wb, formats, .. } => {
                let ws = wb.worksheet_from_index(0)?;
                let row = u32::try_from(self.rows + 2)?;
                for (i, c) in cells.iter().enumerate() {
                    write_cell(ws, formats, row, u16::try_from(i)?, c)?;
                }
            }
            ListKind::Csv(w) => {
                use std::io::Write;
                let mut line = String::new();
                csv_line(&mut line, cells);
                w.write_all(line.as_bytes())?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Writes the file out; the number of rows.
    pub fn finish(self) -> anyhow::Result<u64> {
        match self.kind {
            ListKind::Xlsx { mut wb, path, .. } => wb.save(&path)?,
            ListKind::Csv(mut w) => {
                use std::io::Write;
                w.flush()?;
            }
        }
        Ok(self.rows)
    }
}

// ---------------------------------------------------------------- charts

/// A bar chart of one table's figures: labelled bars, one per row. The chart is laid out
/// once into marks ([`Chart::marks`]); the page draws them as SVG and the PDF draws the
/// same marks, so both show the same picture from the same numbers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chart {
    pub key: String,
    pub title: String,
    /// Label and value; the value as shown beside the bar.
    pub bars: Vec<(String, i64, String)>,
}

/// A mark of a laid-out chart, in points from its top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Bar {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        end: bool,
    },
}

/// The chart's width in points (an A4 page's text width).
pub const CHART_W: f32 = 455.0;
const LABEL_W: f32 = 170.0;
const VALUE_W: f32 = 70.0;
const ROW: f32 = 16.0;

impl Chart {
    pub fn new(key: &str, title: String) -> Chart {
        Chart {
            key: key.into(),
            title,
            bars: Vec::new(),
        }
    }

    pub fn bar(&mut self, label: String, value: i64, shown: String) {
        self.bars.push((label, value, shown));
    }

    pub fn height(&self) -> f32 {
        self.bars.len() as f32 * ROW + 4.0
    }

    /// Labels on the left (shortened to fit), bars scaled to the largest value, the
    /// value at each bar's end. Negative values draw no bar.
    pub fn marks(&self) -> Vec<Mark> {
        let max = self.bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f32;
        let room = CHART_W - LABEL_W - VALUE_W;
        let mut out = Vec::new();
        for (i, (label, value, shown)) in self.bars.iter().enumerate() {
            let y = i as f32 * ROW;
            let short: String = if label.chars().count() > 30 {
                let mut s: String = label.chars().take(29).collect();
                s.push('…');
                s
            } else {
                label.clone()
            };
            out.push(Mark::Text {
                x: LABEL_W - 6.0,
                y: y + 11.0,
                size: 8.0,
                text: short,
                end: true,
            });
            let w = (*value).max(0) as f32 / max * room;
            out.push(Mark::Bar {
                x: LABEL_W,
                y: y + 2.0,
                w: w.max(if *value > 0 { 1.0 } else { 0.0 }),
                h: ROW - 4.0,
            });
            out.push(Mark::Text {
                x: LABEL_W + w + 4.0,
                y: y + 11.0,
                size: 8.0,
                text: shown.clone(),
                end: false,
            });
        }
        out
    }

    /// The chart as SVG for a page: it scales to the width it is given, the text stays
    /// text (read by a screen reader, found by the browser's search).
    pub fn svg(&self) -> String {
        let h = self.height();
        let mut s = format!(
            "<svg class=\"chart\" id=\"chart-{}\" viewBox=\"0 0 {CHART_W} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
            esc(&self.key),
            esc(&self.title)
        );
        for m in self.marks() {
            match m {
                Mark::Bar { x, y, w, h } => s.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" class=\"bar\"/>"
                )),
                Mark::Text {
                    x,
                    y,
                    size,
                    text,
                    end,
                } => s.push_str(&format!(
                    "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\"{}>{}</text>",
                    if end { " text-anchor=\"end\"" } else { "" },
                    esc(&text)
                )),
            }
        }
        s.push_str("</svg>");
        s
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(
            "staff",
            "Zaposleni".into(),
            vec!["Vrsta".into(), "Oseb".into(), "Znesek".into()],
        );
        t.row(vec![
            Cell::Text("Zaposleni, \"redni\"".into()),
            Cell::Persons(51),
            Cell::Money(123_456),
        ]);
        t.row(vec![
            Cell::Text("Pripravniki".into()),
            Cell::Persons(4),
            Cell::Money(-50),
        ]);
        t.totalled("Skupaj".into())
    }

    #[test]
    fn a_total_sums_its_column_and_small_counts_hide() {
        let t = sample();
        let total = t.total.clone().expect("total");
        assert_eq!(total[1], Cell::Persons(55));
        assert_eq!(total[2], Cell::Money(123_406));
        let hidden = t.hide_small();
        assert_eq!(hidden.rows[1][1], Cell::Hidden);
        // 55 - 51 would give the 4 away: the 51 is withheld too, the total stays.
        assert_eq!(hidden.rows[0][1], Cell::Withheld);
        assert_eq!(hidden.total.expect("total")[1], Cell::Persons(55));
        assert_eq!(Cell::Hidden.show(Locale::Sl, "EUR"), "<5");
        assert_eq!(Cell::Withheld.show(Locale::Sl, "EUR"), "x");
    }

    /// Users by band and sex with a total column and a total row: no hidden count can be
    /// worked out from what is shown, and nothing more is withheld than that needs.
    #[test]
    fn no_hidden_count_can_be_worked_out_by_subtraction() {
        let mut t = Table::new(
            "users-age",
            "Users".into(),
            ["Band", "M", "F", "X", "Total"].map(String::from).to_vec(),
        );
        for (band, m, f) in [("0-6", 3, 10), ("7-14", 20, 30), ("15-16", 12, 9)] {
            t.row(vec![
                Cell::Text(band.into()),
                Cell::Persons(m),
                Cell::Persons(f),
                Cell::Persons(0),
                Cell::Persons(m + f),
            ]);
        }
        let h = t.totalled("Total".into()).hide_small();
        let grid: Vec<&Vec<Cell>> = h.rows.iter().chain(h.total.iter()).collect();
        let unknown = |c: &Cell| matches!(c, Cell::Hidden | Cell::Withheld);
        assert_eq!(grid[0][1], Cell::Hidden);
        // Every row and every column with an unknown has at least two.
        for r in &grid {
            let n = r.iter().filter(|c| unknown(c)).count();
            assert!(n == 0 || n >= 2, "{r:?}");
        }
        for c in 1..5 {
            let n = grid.iter().filter(|r| unknown(&r[c])).count();
            assert!(n == 0 || n >= 2, "column {c}: {grid:?}");
        }
        // The zeros stay, and so does the grand total.
        assert_eq!(grid[0][3], Cell::Persons(0));
        assert_eq!(grid[3][4], Cell::Persons(84));
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_writes_numbers_for_machines() {
        let s = csv(&sample());
        let lines: Vec<&str> = s.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Vrsta,Oseb,Znesek");
        assert_eq!(lines[1], "\"Zaposleni, \"\"redni\"\"\",51,1234.56");
        assert_eq!(lines[2], "Pripravniki,4,-0.50");
        assert_eq!(lines[3], "Skupaj,55,1234.06");
    }

    #[test]
    fn a_workbook_has_a_sheet_per_table_with_typed_cells() {
        let mut other = sample();
        other.key = "other".into();
        let bytes = workbook(&[sample(), other], "Poročilo").expect("xlsx");
        assert!(bytes.starts_with(b"PK"));
        let mut taken = vec!["Zaposleni".to_string()];
        assert_eq!(sheet_name("Zaposleni", &mut taken), "Zaposleni 2");
        assert_eq!(sheet_name("a/b:c", &mut taken), "a b c");
    }

    #[test]
    fn a_long_list_is_written_row_by_row_to_a_file() {
        let dir = std::env::temp_dir();
        let cols = vec!["Ime".to_string(), "Rojen".to_string(), "Znesek".to_string()];
        for xlsx in [true, false] {
            let path = dir.join(format!("skrb-list-{}-{xlsx}", std::process::id()));
            let mut w = if xlsx {
                ListWriter::xlsx(&path, "Osebe", &cols).expect("xlsx")
            } else {
                ListWriter::csv(&path, &cols).expect("csv")
            };
            for i in 0..1000 {
                w.row(&[
                    Cell::Text(format!("Oseba {i}")),
                    Cell::Date(time::macros::date!(2000 - 01 - 01)),
                    Cell::Money(i * 100),
                ])
                .expect("row");
            }
            assert_eq!(w.finish().expect("finish"), 1000);
            let bytes = std::fs::read(&path).expect("file");
            if xlsx {
                assert!(bytes.starts_with(b"PK"));
            } else {
                let text = String::from_utf8(bytes).expect("utf-8");
                assert_eq!(text.lines().count(), 1001);
                assert!(text.contains("Oseba 999,2000-01-01,999.00"));
            }
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn hours_are_written_in_tenths() {
        assert_eq!(hours(Locale::Sl, 90), "1,5\u{a0}h");
        assert_eq!(hours(Locale::En, 60 * 1234 + 30), "1,234.5\u{a0}h");
    }

    #[test]
    fn a_chart_scales_its_bars_to_the_largest() {
        let mut c = Chart::new("c", "Odločbe".into());
        c.bar("Denarna socialna pomoč".into(), 100, "100".into());
        c.bar("Varstveni dodatek".into(), 50, "50".into());
        let bars: Vec<f32> = c
            .marks()
            .iter()
            .filter_map(|m| match m {
                Mark::Bar { w, .. } => Some(*w),
                _ => None,
            })
            .collect();
        assert_eq!(bars.len(), 2);
        assert!((bars[0] - 2.0 * bars[1]).abs() < 0.01);
        let svg = c.svg();
        assert!(svg.contains("Varstveni dodatek") && svg.starts_with("<svg"));
    }
}
