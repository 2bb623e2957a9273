//! The report as a PDF: A4, DejaVu Sans embedded (č, ć, đ, š, ž and Cyrillic), each
//! table with its headings repeated on a new page, and each chart drawn from the same
//! marks as the page's SVG (`skrb_kit::sheet::Chart::marks`), so paper and screen show
//! the same picture. Laid out by hand on krilla, the small PDF writer the decisions use.

use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::Document;
use skrb_kit::i18n::{self, Locale};
use skrb_kit::sheet::{Chart, Mark, Table, CHART_W};
use skrb_rights::decisions::document::{fonts, width, wrap, Fonts};

use crate::report::Report;

const W: f32 = 595.0;
const H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const TEXT_W: f32 = W - 2.0 * MARGIN;
const ROW: f32 = 13.0;
const SIZE: f32 = 8.0;

/// What is drawn on a page, in order.
enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rect {
        r: Rect,
        shade: u8,
    },
}

struct Pages {
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }
    fn room(&mut self, h: f32) -> bool {
        if self.y + h > H - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
            true
        } else {
            false
        }
    }
    fn push(&mut self, i: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.push(i);
        }
    }
    fn text(&mut self, x: f32, size: f32, bold: bool, text: String) {
        let y = self.y + size;
        self.push(Item::Text {
            x,
            y,
            size,
            bold,
            text,
        });
    }
}

/// Shortens `s` with an ellipsis until it fits `max` points.
fn fit(f: &Fonts, s: &str, bold: bool, max: f32) -> String {
    let face = if bold { &f.bold_face } else { &f.regular_face };
    if width(face, s, SIZE) <= max {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && width(face, &format!("{out}…"), SIZE) > max {
        out.pop();
    }
    format!("{out}…")
}

fn table(p: &mut Pages, f: &Fonts, t: &Table, l: Locale) {
    let n = t.columns.len().max(1);
    let num_w = if n > 1 {
        (TEXT_W * 0.62 / (n - 1) as f32).min(80.0)
    } else {
        0.0
    };
    let first_w = TEXT_W - num_w * (n - 1) as f32;
    let x_of = |i: usize| {
        if i == 0 {
            MARGIN
        } else {
            MARGIN + first_w + num_w * (i - 1) as f32
        }
    };
    let heading = |p: &mut Pages| {
        p.text(MARGIN, 11.0, true, t.title.clone());
        p.y += 11.0 + 6.0;
        // Column headings wrap onto up to three lines.
        let mut lines = 1;
        for (i, c) in t.columns.iter().enumerate() {
            let w = if i == 0 { first_w } else { num_w } - 4.0;
            let parts = wrap(&f.bold_face, c, SIZE, w);
            lines = lines.max(parts.len().min(3));
            for (k, part) in parts.into_iter().take(3).enumerate() {
                let tw = width(&f.bold_face, &part, SIZE);
                let x = if i == 0 {
                    x_of(0)
                } else {
                    x_of(i) + num_w - 2.0 - tw
                };
                p.push(Item::Text {
                    x,
                    y: p.y + SIZE + k as f32 * (SIZE + 2.0),
                    size: SIZE,
                    bold: true,
                    text: part,
                });
            }
        }
        p.y += lines as f32 * (SIZE + 2.0) + 4.0;
        if let Some(r) = Rect::from_xywh(MARGIN, p.y - 2.0, TEXT_W, 0.6) {
            p.push(Item::Rect { r, shade: 0 });
        }
    };
    p.room(60.0);
    heading(p);
    let total_at = t.rows.len();
    for (ri, r) in t.all_rows().enumerate() {
        if p.room(ROW) {
            heading(p);
        }
        let bold = ri == total_at;
        if ri % 2 == 1 && !bold {
            if let Some(rect) = Rect::from_xywh(MARGIN, p.y, TEXT_W, ROW) {
                p.push(Item::Rect {
                    r: rect,
                    shade: 240,
                });
            }
        }
        for (i, c) in r.iter().enumerate().take(n) {
            let s = c.show(l, &t.currency);
            if i == 0 {
                let s = fit(f, &s, bold, first_w - 6.0);
                p.text(x_of(0) + 1.0, SIZE, bold, s);
            } else {
                let face = if bold { &f.bold_face } else { &f.regular_face };
                let s = fit(f, &s, bold, num_w - 4.0);
                let tw = width(face, &s, SIZE);
                p.text(x_of(i) + num_w - 2.0 - tw, SIZE, bold, s);
            }
        }
        p.y += ROW;
    }
    if t.rows.is_empty() {
        p.text(MARGIN, SIZE, false, i18n::t(l, "report-nothing"));
        p.y += ROW;
    }
    p.y += 12.0;
}

fn chart(p: &mut Pages, f: &Fonts, c: &Chart) {
    p.room(c.height() + 30.0);
    p.text(MARGIN, 10.0, true, c.title.clone());
    p.y += 16.0;
    let (x0, y0) = (MARGIN + (TEXT_W - CHART_W) / 2.0, p.y);
    for m in c.marks() {
        match m {
            Mark::Bar { x, y, w, h } => {
                if let Some(r) = Rect::from_xywh(x0 + x, y0 + y, w.max(0.1), h) {
                    p.push(Item::Rect { r, shade: 1 });
                }
            }
            Mark::Text {
                x,
                y,
                size,
                text,
                end,
            } => {
                let tw = width(&f.regular_face, &text, size);
                p.push(Item::Text {
                    x: x0 + if end { x - tw } else { x },
                    y: y0 + y,
                    size,
                    bold: false,
                    text,
                });
            }
        }
    }
    p.y += c.height() + 14.0;
}

/// A narrative section: its title, then its paragraphs wrapped to the text's width.
fn section(p: &mut Pages, f: &Fonts, n: &crate::narrative::Narrative) {
    if n.body.trim().is_empty() {
        return;
    }
    p.room(40.0);
    p.text(MARGIN, 11.0, true, n.title.clone());
    p.y += 17.0;
    for para in n.body.lines() {
        for line in wrap(&f.regular_face, para.trim_end(), 9.5, TEXT_W) {
            p.room(13.0);
            p.text(MARGIN, 9.5, false, line);
            p.y += 13.0;
        }
        p.y += 3.0;
    }
    p.y += 10.0;
}

/// The report's PDF: a title, then each table followed by the chart drawn from it and
/// the centre's words about it.
pub fn render(r: &Report) -> anyhow::Result<Vec<u8>> {
    let l = Locale::from_code(&r.locale).unwrap_or(Locale::Sl);
    let f = fonts()?;
    let mut p = Pages::new();
    p.text(MARGIN, 16.0, true, r.title.clone());
    p.y += 24.0;
    p.text(MARGIN, 12.0, true, r.whose.clone());
    p.y += 18.0;
    p.text(
        MARGIN,
        10.0,
        false,
        format!(
            "{} – {}",
            i18n::fmt_date(l, r.period.from),
            i18n::fmt_date(l, r.period.to)
        ),
    );
    p.y += 16.0;
    if let Some(stamp) = &r.stamp {
        for line in wrap(&f.regular_face, stamp, 8.0, TEXT_W) {
            p.text(MARGIN, 8.0, false, line);
            p.y += 11.0;
        }
    }
    if r.small_hidden {
        for line in wrap(
            &f.regular_face,
            &i18n::t(l, "report-small-hidden"),
            8.0,
            TEXT_W,
        ) {
            p.text(MARGIN, 8.0, false, line);
            p.y += 11.0;
        }
    }
    p.y += 10.0;
    for n in r.sections_first() {
        section(&mut p, f, n);
    }
    for t in &r.tables {
        table(&mut p, f, t, l);
        for c in r
            .charts
            .iter()
            .filter(|c| crate::report::chart_of_table(c, &t.key))
        {
            chart(&mut p, f, c);
        }
        for n in r.sections_after(&t.key) {
            section(&mut p, f, n);
        }
    }
    for n in r.sections_last() {
        section(&mut p, f, n);
    }
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(format!("{} {}", r.title, r.whose))
            .language(r.locale.to_string())
            .creator("Skrb".to_string()),
    );
    let settings = PageSettings::from_wh(W, H).ok_or_else(|| anyhow::anyhow!("page size"))?;
    let count = p.pages.len();
    for (n, items) in p.pages.into_iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for i in items {
            draw(&mut s, f, i);
        }
        // The page number at the foot.
        s.set_fill(Some(Fill::default()));
        let foot = format!("{} / {count}", n + 1);
        let tw = width(&f.regular_face, &foot, 7.0);
        s.draw_text(
            Point::from_xy(W - MARGIN - tw, H - MARGIN / 2.0),
            f.regular.clone(),
            7.0,
            &foot,
            false,
            TextDirection::Auto,
        );
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| anyhow::anyhow!("PDF: {e:?}"))
}

fn draw(s: &mut Surface, f: &Fonts, i: Item) {
    match i {
        Item::Text {
            x,
            y,
            size,
            bold,
            text,
        } => {
            s.set_fill(Some(Fill::default()));
            let font = if bold {
                f.bold.clone()
            } else {
                f.regular.clone()
            };
            s.draw_text(
                Point::from_xy(x, y),
                font,
                size,
                &text,
                false,
                TextDirection::Auto,
            );
        }
        Item::Rect { r, shade } => {
            // Shade 1 is a chart's bar (the page's accent); others are greys.
            let color = if shade == 1 {
                krilla::color::rgb::Color::new(31, 95, 139)
            } else {
                krilla::color::rgb::Color::new(shade, shade, shade)
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(r);
            if let Some(path) = pb.finish() {
                s.set_fill(Some(Fill {
                    paint: color.into(),
                    ..Fill::default()
                }));
                s.draw_path(&path);
            }
        }
    }
}
