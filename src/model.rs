//! Plain data passed between the stages. No lopdf types here: `detect` and `plan` see only these.

use crate::geom::Rect;
use serde::Serialize;

/// Why a text or an area is redacted: the rule that found it (or the officer's row), its category
/// and the exemption applied. One value in every finding, box, area, proposal and log.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct Why {
    /// Rule id (`a+b` when overlapping findings of several rules were merged; `decision.text` or
    /// `decision.rect` for the officer's own rows).
    pub rule: String,
    pub category: String,
    /// An exemption code (`FOIA s40(2)` ...), see `rules/exemptions.toml`.
    pub exemption: String,
    /// Why a text no rule found here is redacted: `consistent:<file>#<id>` (the same text redacted in
    /// another document of the batch, `--consistent`), `surname:<id>` (the surname of a name found in
    /// this document); empty for a rule's own finding.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cause: String,
}

impl Why {
    pub fn new(
        rule: impl Into<String>,
        category: impl Into<String>,
        exemption: impl Into<String>,
    ) -> Why {
        Why {
            rule: rule.into(),
            category: category.into(),
            exemption: exemption.into(),
            cause: String::new(),
        }
    }
}

/// The exemption of a redaction when its rule or row names none: FOIA s40(2), personal data of
/// third parties. The one place it is written.
pub const DEFAULT_EXEMPTION: &str = "s40(2)";

/// Where a glyph's bytes are: which stream (an indirect object), which operation, which string operand
/// of that operation (the index inside a TJ array; 0 for Tj, ' and "), and which bytes of that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct GlyphRef {
    pub stream: (u32, u16),
    pub op: u32,
    pub item: u32,
    pub byte: u32,
    pub len: u32,
}

/// One glyph as drawn on the page, in default user space (PDF points).
#[derive(Debug, Clone, Serialize)]
pub struct Glyph {
    /// Unicode text of the glyph ("fi" for a ligature); U+FFFD when the font gives none. (Held inline:
    /// a glyph's text is a few bytes, and pages have thousands of glyphs.)
    pub text: compact_str::CompactString,
    pub bbox: Rect,
    /// Baseline origin and unit direction of the baseline.
    pub origin: (f64, f64),
    pub dir: (f64, f64),
    /// Font size and advance, in points on the page.
    pub size: f64,
    pub advance: f64,
    /// The glyph's own width on the page, without character or word spacing (Tc, Tw) or kerning.
    pub natural: f64,
    pub at: GlyphRef,
    /// The glyph's displacement as a TJ adjustment (thousandths of the font size, Tc and Tw included):
    /// what replaces the glyph when it is deleted, so that the rest of the line stays in place.
    pub tj_units: f64,
    /// Font resource name (e.g. `F1`), shared by the glyphs of one text operation.
    pub font: std::sync::Arc<str>,
    /// Drawn with text render mode 3 or 7 (invisible, e.g. an OCR layer).
    pub invisible: bool,
    /// Drawn by foiredact itself (a box label): never personal data.
    pub ours: bool,
}

/// The font name of glyphs read by OCR (in no content stream: see [`Glyph::is_ocr`]).
pub const OCR_FONT: &str = "OCR";

impl Glyph {
    /// Read by OCR from the page's pixels (a scan's image or the rendered page), not drawn by any
    /// content stream (stream 0 is no object).
    pub fn is_ocr(&self) -> bool {
        self.at.stream == (0, 0) && &*self.font == OCR_FONT
    }
}

/// An image drawn on the page (XObject or inline), with the rectangle it covers.
#[derive(Debug, Clone, Serialize)]
pub struct ImageUse {
    pub bbox: Rect,
    /// The stream (page content or Form XObject) and operation that drew it.
    pub stream: (u32, u16),
    pub op: u32,
    /// The current transformation matrix when it was drawn: maps the image's unit square to the page.
    pub ctm: [f64; 6],
    /// The XObject resource name; `None` for an inline image.
    pub name: Option<String>,
    /// Drawn by a Form XObject rather than the page's own content.
    pub in_form: bool,
}

/// A vector path painted on the page (filled, stroked or both).
#[derive(Debug, Clone, Serialize)]
pub struct PathUse {
    /// The painted area's bounds on the page (control points included; stroke width ignored).
    pub bbox: Rect,
    /// The stream (page content or Form XObject) and the painting operation.
    pub stream: (u32, u16),
    pub op: u32,
    /// The path's first construction operation (same stream).
    pub start: u32,
    /// The path also sets the clip (`W`): removing it keeps its construction and ends it with `n`.
    pub clip: bool,
    /// Only rectangles, or one straight segment: it shows nothing but its own extent (a rule, a table
    /// line, a cell's shading). Curves and polygons can draw anything (a signature, text as outlines).
    pub simple: bool,
}

/// Marked content with an /ActualText (ISO 32000-1 14.9.4): the replacement text is read as glyphs of
/// its own (in no stream, over the drawn glyphs' area), so that the rules see both it and what is drawn.
#[derive(Debug, Clone, Serialize)]
pub struct ActualTextUse {
    /// The stream and the BDC operation that carries the text.
    pub stream: (u32, u16),
    pub op: u32,
    /// Whether the property list is inline in the operation (else a named resource, left as it is).
    pub inline: bool,
    /// The glyphs the replacement text became.
    pub glyphs: std::ops::Range<usize>,
}

/// Everything extraction learnt about one page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PageText {
    /// 1-based page number in the input.
    pub page: usize,
    pub media_box: Option<Rect>,
    pub glyphs: Vec<Glyph>,
    pub images: Vec<ImageUse>,
    /// Vector paths painted on the page (up to the extraction limit).
    #[serde(skip)]
    pub paths: Vec<PathUse>,
    /// Reading-order text: lines separated by `\n`, wide gaps (table cells) by `\t`.
    pub text: String,
    /// For each byte of `text`, the glyph it came from (`NO_GLYPH` for inserted white space).
    #[serde(skip)]
    pub glyph_of_byte: Vec<u32>,
    /// Reasons this page's text may be incomplete (undecodable fonts, unparsable streams, a limit).
    /// Non-empty means the page cannot be proven clean.
    pub problems: Vec<Problem>,
    /// Content streams whose damaged Flate data was cut to what inflates: written back re-encoded.
    pub repaired: Vec<(u32, u16)>,
    /// How text the file does not define was read (a font missing from the resources): named in
    /// the file's repairs.
    #[serde(skip)]
    pub readings: Vec<String>,
    /// Bytes of content decompressed to read the page (its streams and the Form XObjects it draws).
    #[serde(skip)]
    pub decoded_bytes: usize,
    /// The text came from OCR of the page image (the glyphs are in no content stream).
    pub ocr: bool,
    /// Some of its text was read by OCR of the rendered page, where the text layer shows nothing
    /// (text drawn as outlines, a picture of text, glyphs with no Unicode): `pdf::eyes`.
    pub eyes: bool,
    /// The regions read from the rendered page (`pdf::eyes`), for verification to read again.
    #[serde(skip)]
    pub eyes_regions: Vec<Rect>,
    /// A scan whose invisible text layer is not where its ink is (few words OCR reads alike at the
    /// same place): the layer is left out of the reading, OCR's replaces it, and the output drops it.
    pub layer_replaced: bool,
    /// Replacement texts of marked content.
    #[serde(skip)]
    pub actual_text: Vec<ActualTextUse>,
    /// Glyphs a second reading gives other text: a simple font's encoding and glyph names say one
    /// thing, its /ToUnicode another (index into `glyphs`, the encoding's text). A reader may show
    /// either, so the rules look at both (see `layout::alternative`).
    #[serde(skip)]
    pub alt: Vec<(u32, compact_str::CompactString)>,
    /// Form XObjects drawn on the page: (the form, the stream whose `Do` drew it, the resource name),
    /// once per distinct triple. A form drawn by another form is found through its parent's entry.
    #[serde(skip)]
    pub forms: Vec<FormUse>,
}

/// A Form XObject drawn by a page content stream or by another Form XObject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormUse {
    pub form: (u32, u16),
    /// The stream that drew it (a page content stream or a form).
    pub parent: (u32, u16),
    /// Its name in the parent's resources.
    pub name: Vec<u8>,
}

pub const NO_GLYPH: u32 = u32::MAX;

impl PageText {
    /// The glyph indices behind a byte span of `text`, in text order, deduplicated.
    pub fn glyphs_in(&self, span: std::ops::Range<usize>) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &g in self.glyph_of_byte.get(span).unwrap_or(&[]) {
            if g != NO_GLYPH && out.last() != Some(&(g as usize)) {
                out.push(g as usize);
            }
        }
        out
    }
}

/// What kind of document an input is, by its name: a plain-text document (`*.txt`, redacted by
/// `text`) or a PDF (anything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Pdf,
    Text,
}

impl InputKind {
    pub fn of(path: &std::path::Path) -> InputKind {
        if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("txt"))
        {
            InputKind::Text
        } else {
            InputKind::Pdf
        }
    }
}

/// What a box shows in white: its exemption code (default), its category, or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelMode {
    #[default]
    Code,
    Category,
    None,
}

impl LabelMode {
    /// What a redaction of this exemption and category shows.
    pub fn shown<'a>(self, exemption: &'a str, category: &'a str) -> &'a str {
        match self {
            LabelMode::Code => exemption,
            LabelMode::Category => category,
            LabelMode::None => "",
        }
    }
}

/// What kind of reason a page cannot be read: it decides whether the file is declined as over a
/// limit (never let through) or as unreadable (`--allow-unreadable` may let the page through).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A configured limit was hit (a stream or a page too big, too many operators, nesting too
    /// deep, the memory limit).
    Limit,
    /// The file's time limit ran out while reading it.
    Time,
    /// The text cannot be decoded (a broken stream, a font that cannot be read, ...).
    Unreadable,
    /// Glyphs whose font gives no Unicode and that may spell words: unreadable from the text layer,
    /// but the page's pixels can tell (`pdf::eyes`); unreadable if they cannot be read there.
    Unmapped,
}

/// Why a page's text cannot be read, typed where it is found. `detail` names no document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// 1-based page of the input (0 where the finder does not know it).
    pub page: usize,
    pub detail: String,
}

impl Problem {
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Problem {
        Problem {
            kind,
            page: 0,
            detail: detail.into(),
        }
    }
    pub fn unreadable(detail: impl Into<String>) -> Problem {
        Problem::new(ProblemKind::Unreadable, detail)
    }
    pub fn limit(detail: impl Into<String>) -> Problem {
        Problem::new(ProblemKind::Limit, detail)
    }
    pub fn time() -> Problem {
        Problem::new(
            ProblemKind::Time,
            "the time limit for one file was exceeded",
        )
    }
    /// A limit when `limit`, else unreadable.
    pub fn limit_if(limit: bool, detail: impl Into<String>) -> Problem {
        let kind = if limit {
            ProblemKind::Limit
        } else {
            ProblemKind::Unreadable
        };
        Problem::new(kind, detail)
    }
    pub fn on_page(self, page: usize) -> Problem {
        Problem { page, ..self }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

/// Written as its detail (`foiredact text --json`).
impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.detail)
    }
}

/// One redaction box as logged.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BoxLog {
    pub part: u8,
    /// 1-based page of the input.
    pub page: usize,
    /// 1-based page of the part output.
    pub part_page: usize,
    /// The box on the page, in PDF points (`None` for a plain-text input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rect: Option<Rect>,
    /// 1-based line of a plain-text input (`None` for a PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(flatten)]
    pub why: Why,
    #[serde(skip)]
    pub text: crate::error::Sensitive<String>,
    /// The proposed redaction's id (`p<page>-r<n>`; the officer's added rows: `row<N>`, N the row of
    /// the decisions file; an area OCR of the output read again: `p<page>-a<n>`).
    #[serde(default)]
    pub id: String,
    /// What was decided: `redact` (a rule's proposal, accepted), `keep` (the officer kept it: no box),
    /// `added` (the officer's own row), `no decision` (a proposal the decisions file has no row for:
    /// redacted). Set by the batch, which knows the decisions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decision: String,
    /// The officer's note on its row.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// A name's box (safe layout): how many names of the reference lists would give a box as wide in
    /// its font and size (see the README's threat model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymity: Option<u64>,
}

/// A part of a decision document: Part 1 (published) or Part 2 (released on request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    One,
    Two,
}

impl TryFrom<u8> for Part {
    /// The number that is not a part.
    type Error = u8;
    fn try_from(n: u8) -> Result<Part, u8> {
        match n {
            1 => Ok(Part::One),
            2 => Ok(Part::Two),
            n => Err(n),
        }
    }
}

impl Part {
    pub fn number(self) -> u8 {
        match self {
            Part::One => 1,
            Part::Two => 2,
        }
    }
}
