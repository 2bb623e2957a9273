//! The decision as a document: A4, in the centre's language and script, laid out by hand
//! on krilla (a small PDF writer) with DejaVu Sans embedded as a subset, which covers
//! č, ć, đ, š, ž and Cyrillic. The text is built first ([`lines`]), so tests read it
//! without parsing PDF, and the PDF only places it.

use std::sync::OnceLock;

use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use super::Decision;
use crate::catalogue::RightType;
use skrb_kit::i18n::{self, Locale};

static REGULAR: &[u8] = skrb_kit::fonts::REGULAR;
static BOLD: &[u8] = skrb_kit::fonts::BOLD;

/// How a line is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Normal,
    Bold,
    Title,
    Heading,
    /// Right-aligned (the signature).
    Right,
    Gap,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub style: Style,
    pub text: String,
}

pub fn line(style: Style, text: impl Into<String>) -> Line {
    Line {
        style,
        text: text.into(),
    }
}

/// The document's text, top to bottom, from the decision's frozen inputs: what was
/// decided is printed exactly as it was decided.
pub fn lines(d: &Decision, rt: &RightType, address: Option<&str>) -> Vec<Line> {
    let frozen = d.frozen();
    let l = frozen
        .as_ref()
        .and_then(|f| Locale::from_code(&f.locale))
        .unwrap_or_else(|| super::centre_locale(&rt.jurisdiction));
    let t = |k: &str| i18n::t(l, k);
    let mut out = Vec::new();
    let centre = frozen
        .as_ref()
        .map(|f| f.centre.clone())
        .unwrap_or_default();
    // The letterhead: who writes (the centre), under which file number, on which day.
    out.push(line(Style::Bold, centre));
    if let Some(a) = address {
        out.push(line(Style::Normal, a));
    }
    out.push(line(
        Style::Normal,
        format!("{}: {}", t("rights-doc-number"), d.number),
    ));
    out.push(line(
        Style::Normal,
        format!(
            "{}: {}",
            t("rights-doc-date"),
            i18n::fmt_date(l, d.decided_on)
        ),
    ));
    out.push(line(Style::Gap, ""));
    let right = frozen
        .as_ref()
        .map(|f| f.right.name.clone())
        .unwrap_or_else(|| rt.name_in(l));
    let basis = frozen
        .as_ref()
        .map(|f| f.right.legal_basis.clone())
        .unwrap_or_else(|| rt.legal_basis.clone());
    out.push(line(
        Style::Normal,
        i18n::t_args(
            l,
            "rights-doc-intro",
            &[("basis", basis.into()), ("right", right.clone().into())],
        ),
    ));
    out.push(line(Style::Gap, ""));
    let title = if d.kind == "provisional" {
        "rights-doc-title-provisional"
    } else {
        "rights-doc-title"
    };
    out.push(line(Style::Title, t(title)));
    out.push(line(Style::Gap, ""));
    let person = frozen
        .as_ref()
        .map(|f| f.person.clone())
        .unwrap_or_default();
    let who = match (&person.emso, &person.address) {
        (Some(e), Some(a)) => format!("{}, {} {e}, {a}", person.name, t("rights-doc-emso")),
        (Some(e), None) => format!("{}, {} {e}", person.name, t("rights-doc-emso")),
        (None, Some(a)) => format!("{}, {a}", person.name),
        (None, None) => person.name.clone(),
    };
    let amount = d
        .amount
        .map(|a| i18n::fmt_money(l, a, &d.currency))
        .unwrap_or_default();
    let from = d
        .period_from
        .map(|x| i18n::fmt_date(l, x))
        .unwrap_or_default();
    let to = d
        .period_to
        .map(|x| i18n::fmt_date(l, x))
        .unwrap_or_else(|| t("rights-doc-until-changed"));
    let op = format!(
        "rights-doc-operative-{}",
        match d.kind.as_str() {
            "suspension" => "suspension",
            "termination" => "termination",
            "change" | "provisional" | "second_instance" => "change",
            _ => d.outcome.as_str(),
        }
    );
    out.push(line(
        Style::Normal,
        i18n::t_args(
            l,
            &op,
            &[
                ("person", who.into()),
                ("right", right.into()),
                ("amount", amount.into()),
                ("from", from.into()),
                ("to", to.into()),
            ],
        ),
    ));
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Heading, t("rights-doc-reasoning")));
    for p in d.reasoning.split('\n') {
        out.push(line(Style::Normal, p.trim_end()));
    }
    // The calculation as decided: kept with the decision, or (for decisions issued in
    // bulk, which keep only the frozen household and parameters) worked again from
    // those, and printed only when it gives the decided amount.
    let calc = frozen.as_ref().and_then(|f| {
        f.calculation.clone().or_else(|| {
            skrb_domain::rights::calculate(rt.calc(), &rt.code, &f.params, &f.household)
                .ok()
                .filter(|c| Some(c.amount) == d.amount)
        })
    });
    if let Some(calc) = calc {
        out.push(line(Style::Gap, ""));
        out.push(line(Style::Heading, t("rights-doc-calculation")));
        for s in crate::explain::lines(l, &calc, &d.currency) {
            out.push(line(Style::Normal, format!("– {s}")));
        }
    } else if let Some(r) = &d.manual_reason {
        out.push(line(Style::Gap, ""));
        out.push(line(Style::Heading, t("rights-doc-calculation")));
        out.push(line(
            Style::Normal,
            format!("{}: {r}", t("rights-dec-manual-reason")),
        ));
    }
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Heading, t("rights-doc-remedy-title")));
    out.push(line(
        Style::Normal,
        t(if d.kind == "provisional" {
            "rights-doc-remedy-provisional"
        } else {
            "rights-doc-remedy"
        }),
    ));
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Right, d.signatory.clone()));
    out.push(line(Style::Right, t("rights-doc-signatory")));
    out.push(line(Style::Gap, ""));
    out.push(line(Style::Heading, t("rights-doc-distribution")));
    out.push(line(Style::Normal, format!("– {}", person.name)));
    out.push(line(
        Style::Normal,
        format!("– {}", t("rights-doc-to-file")),
    ));
    if d.amount.is_some() {
        out.push(line(
            Style::Normal,
            format!("– {}", t("rights-doc-to-finance")),
        ));
    }
    out
}

/// The embedded fonts, for krilla to draw with and for measuring text.
pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
    pub regular_face: ttf_parser::Face<'static>,
    pub bold_face: ttf_parser::Face<'static>,
}

pub fn fonts() -> anyhow::Result<&'static Fonts> {
    static F: OnceLock<Option<Fonts>> = OnceLock::new();
    F.get_or_init(|| {
        Some(Fonts {
            regular: Font::new(REGULAR.into(), 0)?,
            bold: Font::new(BOLD.into(), 0)?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).ok()?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).ok()?,
        })
    })
    .as_ref()
    .ok_or_else(|| anyhow::anyhow!("the embedded fonts cannot be read"))
}

/// Width of `s` in points at `size`.
pub fn width(face: &ttf_parser::Face, s: &str, size: f32) -> f32 {
    let upem = face.units_per_em() as f32;
    s.chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .unwrap_or(upem as u16 / 2) as f32
        })
        .sum::<f32>()
        * size
        / upem
}

/// Breaks a paragraph into lines no wider than `max` points.
pub fn wrap(face: &ttf_parser::Face, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if width(face, &candidate, size) <= max || cur.is_empty() {
            cur = candidate;
        } else {
            out.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    out.push(cur);
    out
}

/// A line placed on a page: x, y, bold, size, text.
type Placed = (f32, f32, bool, f32, String);

const W: f32 = 595.0;
const H: f32 = 842.0;
const MARGIN: f32 = 70.0;

/// A square code (a QR code's modules, row by row) drawn on the first page: its top-left
/// corner and the size of a module in points.
pub struct Code {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    pub width: usize,
    pub dark: Vec<bool>,
}

/// The UPN QR of a payment order (version 15, error correction M, ECI 4 for ISO 8859-2):
/// its width in modules and the dark ones, row by row.
pub fn upn_qr(order: &skrb_domain::services::upn::Order) -> anyhow::Result<(usize, Vec<bool>)> {
    let payload =
        skrb_domain::services::upn::payload(order).map_err(|e| anyhow::anyhow!("UPN QR: {e:?}"))?;
    let mut bits = qrcode::bits::Bits::new(qrcode::Version::Normal(15));
    bits.push_eci_designator(4)
        .map_err(|e| anyhow::anyhow!("QR: {e:?}"))?;
    bits.push_byte_data(&payload)
        .map_err(|e| anyhow::anyhow!("QR: {e:?}"))?;
    bits.push_terminator(qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("QR: {e:?}"))?;
    let code = qrcode::QrCode::with_bits(bits, qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("QR: {e:?}"))?;
    let dark = code
        .to_colors()
        .iter()
        .map(|c| *c == qrcode::Color::Dark)
        .collect();
    Ok((code.width(), dark))
}

/// The UPN QR placed at the foot of an A4 page's right margin.
pub fn upn_code(order: &skrb_domain::services::upn::Order) -> anyhow::Result<Code> {
    let (width, dark) = upn_qr(order)?;
    let module = 1.5;
    let size = width as f32 * module;
    Ok(Code {
        x: 595.0 - 70.0 - size,
        y: 842.0 - 70.0 - size,
        module,
        width,
        dark,
    })
}

/// Lays the lines out on A4 pages.
pub fn render(lines: &[Line], title: &str, lang: &str) -> anyhow::Result<Vec<u8>> {
    render_with(lines, title, lang, None)
}

/// Lays the lines out on A4 pages, with a code drawn on the first (an invoice's UPN QR).
pub fn render_with(
    lines: &[Line],
    title: &str,
    lang: &str,
    code: Option<&Code>,
) -> anyhow::Result<Vec<u8>> {
    let f = fonts()?;
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .language(lang.to_string())
            .creator("Skrb".to_string()),
    );
    let settings = PageSettings::from_wh(W, H).ok_or_else(|| anyhow::anyhow!("page size"))?;
    let mut placed: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = MARGIN;
    for ln in lines {
        let (size, bold, gap) = match ln.style {
            Style::Title => (16.0, true, 8.0),
            Style::Heading => (11.0, true, 4.0),
            Style::Bold => (11.0, true, 2.0),
            Style::Gap => {
                y += 8.0;
                continue;
            }
            _ => (10.0, false, 2.0),
        };
        let face = if bold { &f.bold_face } else { &f.regular_face };
        for part in wrap(face, &ln.text, size, W - 2.0 * MARGIN) {
            if y + size > H - MARGIN {
                placed.push(Vec::new());
                y = MARGIN;
            }
            let w = width(face, &part, size);
            let x = match ln.style {
                Style::Title => (W - w) / 2.0,
                Style::Right => W - MARGIN - w,
                _ => MARGIN,
            };
            y += size + gap;
            if let Some(page) = placed.last_mut() {
                page.push((x, y, bold, size, part));
            }
        }
    }
    for (n, page_lines) in placed.into_iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        if let (0, Some(c)) = (n, code) {
            draw_code(&mut surface, c);
        }
        for (x, y, bold, size, text) in page_lines {
            let font = if bold {
                f.bold.clone()
            } else {
                f.regular.clone()
            };
            surface.draw_text(
                Point::from_xy(x, y),
                font,
                size,
                &text,
                false,
                TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| anyhow::anyhow!("PDF: {e:?}"))
}

/// Draws the dark modules as one black path.
fn draw_code(surface: &mut krilla::surface::Surface, c: &Code) {
    let mut pb = krilla::geom::PathBuilder::new();
    for (i, dark) in c.dark.iter().enumerate() {
        if !*dark || c.width == 0 {
            continue;
        }
        let (row, col) = (i / c.width, i % c.width);
        if let Some(r) = krilla::geom::Rect::from_xywh(
            c.x + col as f32 * c.module,
            c.y + row as f32 * c.module,
            c.module,
            c.module,
        ) {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(krilla::paint::Fill::default()));
        surface.draw_path(&path);
    }
}

/// The decision's PDF.
pub fn decision_pdf(
    d: &Decision,
    rt: &RightType,
    address: Option<&str>,
) -> anyhow::Result<Vec<u8>> {
    let l = lines(d, rt, address);
    let lang = d.frozen().map(|f| f.locale).unwrap_or_else(|| "sl".into());
    render(&l, &d.number, &lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_renders_slovenian_and_serbian_text() {
        let lines = vec![
            line(Style::Title, "ODLOČBA"),
            line(
                Style::Normal,
                "Čečkarjeva Špela, Đurđevac — Ђорђевић Љубиша, Шабац ".repeat(8),
            ),
            line(Style::Right, "Ana Žužek"),
        ];
        let f = fonts().expect("fonts");
        let parts = wrap(&f.regular_face, &lines[1].text, 10.0, W - 2.0 * MARGIN);
        assert!(parts.len() > 2, "a long paragraph wraps");
        assert!(parts
            .iter()
            .all(|p| width(&f.regular_face, p, 10.0) <= W - 2.0 * MARGIN));
        let pdf = render(&lines, "1221-1/2026", "sl").expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(5).any(|w| w == b"%%EOF"));
        // The font is embedded (a subset), so the document prints the same anywhere.
        assert!(pdf.windows(8).any(|w| w == b"FontFile"));
    }
}
