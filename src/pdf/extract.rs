//! Content-stream interpreter: page -> glyphs with positions and the operation that drew them.
//!
//! Read-only over the document. Follows the graphics and text state of ISO 32000-1 chapters 8-9 (q/Q, cm,
//! BT/ET, Tc Tw Tz TL Tf Tr Ts, Td TD Tm T*, Tj TJ ' ") into Form XObjects (with their /Matrix and
//! resources), records images (XObject and inline) with the rectangle they cover, and says what it could
//! not read in `PageText::problems` instead of guessing.

use super::content::{self, Op, Operand, ParseLimits};
use super::fonts::{load_font, Font};
use super::page::{page_media_box, page_resources, VIRTUAL};
use super::{deref, get_array, get_dict, get_name, nums, Matrix, Rect};
use crate::model::{Glyph, GlyphRef, ImageUse, PageText, PathUse, Problem};
use lopdf::{Dictionary, Document, Object, ObjectId};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Font resource name our own box labels use; glyphs in it are marked `ours`.
pub const LABEL_FONT: &str = "FoiRedactLabel";

/// The text of a glyph whose font gives it no Unicode (U+FFFD).
pub const UNMAPPED: &str = "\u{FFFD}";

/// Limits for one page.
#[derive(Debug, Clone, Copy)]
pub struct ExtractLimits {
    pub parse: ParseLimits,
    pub max_form_depth: usize,
    pub max_glyphs: usize,
    pub max_stream_bytes: usize,
    /// Most bytes of page content (streams and forms) one file may decompress to, in all.
    pub max_file_decoded: usize,
    /// When the file's processing must stop (the per-file wall-clock limit).
    pub deadline: Option<std::time::Instant>,
}

impl Default for ExtractLimits {
    fn default() -> Self {
        ExtractLimits {
            parse: ParseLimits::default(),
            max_form_depth: 12,
            max_glyphs: 2_000_000,
            max_stream_bytes: 64 << 20,
            max_file_decoded: 1 << 30,
            deadline: None,
        }
    }
}

/// Fonts loaded once per document, by object id.
#[derive(Default)]
pub struct FontCache {
    fonts: HashMap<ObjectId, Result<Arc<Font>, String>>,
    /// The font text in a missing font is read with.
    fallback: Option<Arc<Font>>,
}

/// The decoded content of a page's streams, concatenated in order, with the object each came from.
/// (Each with `true` when its damaged Flate data was cut to what inflates; see `decode_content`.)
pub fn page_streams(
    doc: &Document,
    page_id: ObjectId,
    lim: &ExtractLimits,
) -> Result<Vec<(ObjectId, Vec<u8>, bool)>, Problem> {
    let page = doc
        .get_dictionary(page_id)
        .map_err(|_| Problem::unreadable("page object is not a dictionary"))?;
    let ids: Vec<ObjectId> = match page.get(b"Contents") {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            Ok(Object::Stream(_)) => vec![*id],
            _ => return Err(Problem::unreadable("page /Contents is not a stream")),
        },
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        Err(_) => vec![],
        Ok(_) => return Err(Problem::unreadable("page /Contents is not a stream")),
    };
    let mut out = Vec::new();
    for id in ids {
        let s = match doc.get_object(id) {
            Ok(Object::Stream(s)) => s,
            _ => return Err(Problem::unreadable("page content is not a stream")),
        };
        let (data, repaired) = super::decode_content(s, lim.max_stream_bytes).map_err(|e| {
            Problem::limit_if(e.limit, format!("a content stream cannot be decoded ({e})"))
        })?;
        out.push((id, data, repaired));
    }
    Ok(out)
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<(Arc<str>, Arc<Font>)>,
    size: f64,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    tr: i64,
    ts: f64,
}

impl GState {
    fn new(ctm: Matrix) -> Self {
        GState {
            ctm,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            tr: 0,
            ts: 0.0,
        }
    }
}

struct Interp<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    lim: ExtractLimits,
    out: PageText,
    form_stack: Vec<ObjectId>,
    /// Text matrix and text line matrix.
    text_mats: (Matrix, Matrix),
    /// The path being built (between its first construction operator and its painting operator).
    path: PathBuild,
    /// Open marked-content sequences: for one with an /ActualText, the text, the glyph count when it
    /// began, its stream and operation, and whether its property list was inline.
    marked: Vec<Option<Marked>>,
    /// Tiling patterns already looked at.
    patterns: Vec<ObjectId>,
    /// Glyphs with no Unicode that may be letters: (glyph index, code, font name).
    /// Glyphs with no Unicode: (glyph, code, font name, the font's shapes are in the file).
    unmapped: Vec<(usize, u32, String, bool)>,
}

/// An open marked-content sequence with an /ActualText: the text, the glyph count when it began, its
/// stream and BDC operation, and whether its property list is inline.
type Marked = (String, usize, ObjectId, u32, bool);

/// A path under construction, in page space.
#[derive(Default)]
struct PathBuild {
    bbox: Option<Rect>,
    rects: u32,
    /// Straight segments (`l`), curves (`c`, `v`, `y`) and subpaths (`m`).
    lines: u32,
    curves: u32,
    moves: u32,
    /// Index of the first construction operation.
    start: Option<u32>,
    clip: bool,
}

impl PathBuild {
    fn add(&mut self, pts: &[(f64, f64)]) {
        let r = Rect::from_points(pts);
        self.bbox = Some(self.bbox.map_or(r, |b| b.union(&r)));
    }
}

/// Extracts the glyphs and images of one page. Layout (reading order) is done by `crate::layout`.
pub fn extract_page(
    doc: &Document,
    page_id: ObjectId,
    page_no: usize,
    fonts: &mut FontCache,
    lim: &ExtractLimits,
) -> PageText {
    let mut it = Interp {
        doc,
        fonts,
        lim: *lim,
        out: PageText {
            page: page_no,
            ..Default::default()
        },
        form_stack: Vec::new(),
        text_mats: (Matrix::IDENTITY, Matrix::IDENTITY),
        path: PathBuild::default(),
        marked: Vec::new(),
        patterns: Vec::new(),
        unmapped: Vec::new(),
    };
    it.out.media_box = page_media_box(doc, page_id);
    let empty = Dictionary::new();
    let res = page_resources(doc, page_id).unwrap_or(&empty);
    match page_streams(doc, page_id, lim) {
        Err(e) => it.out.problems.push(e.on_page(page_no)),
        Ok(streams) => {
            // Graphics state carries across the page's content streams (ISO 32000-1 7.8.2).
            let mut gs = GState::new(Matrix::IDENTITY);
            let mut stack = Vec::new();
            // Room for the glyphs up front (about one per 12 bytes of content in the corpus; capped), so
            // that a page's glyphs are not copied over and over as the list grows.
            let bytes: usize = streams.iter().map(|(_, d, _)| d.len()).sum();
            it.out.glyphs.reserve((bytes / 12).min(1 << 16));
            for (id, data, repaired) in streams {
                it.out.decoded_bytes += data.len();
                if repaired {
                    it.out.repaired.push(id);
                }
                it.check_patterns(res);
                match content::parse(&data, &lim.parse) {
                    Ok(ops) => it.run(id, &ops, res, &mut gs, &mut stack),
                    Err(e) => it
                        .out
                        .problems
                        .push(Problem::limit_if(e.limit, e.to_string()).on_page(page_no)),
                }
            }
        }
    }
    it.judge_unmapped();
    it.out
}

impl Interp<'_> {
    fn font(&mut self, res: &Dictionary, name: &[u8]) -> Result<Arc<Font>, String> {
        let label = String::from_utf8_lossy(name).to_string();
        let found = get_dict(self.doc, res, b"Font").and_then(|fonts| match fonts.get(name) {
            Ok(Object::Reference(id)) => Some(Ok(*id)),
            Ok(Object::Dictionary(d)) => Some(Err(d)),
            _ => None,
        });
        match found {
            Some(Ok(id)) => {
                if let Some(f) = self.fonts.fonts.get(&id) {
                    return f.clone();
                }
                let r = match self.doc.get_object(id).map(|o| deref(self.doc, o)) {
                    Ok(Object::Dictionary(d)) => load_font(self.doc, d).map(Arc::new),
                    _ => return Ok(self.missing_font(&label)),
                };
                self.fonts.fonts.insert(id, r.clone());
                r
            }
            Some(Err(d)) => load_font(self.doc, d).map(Arc::new),
            None => Ok(self.missing_font(&label)),
        }
    }

    /// A font the resources do not hold (or that is no dictionary): its text is read as Helvetica
    /// with WinAnsiEncoding, every byte a letter where it can be one, as MuPDF draws such text (poppler
    /// draws none): what it may show is looked at and redacted like any text. Named in the file's
    /// repairs.
    fn missing_font(&mut self, label: &str) -> Arc<Font> {
        let note = format!("text in font {label:?}, which the resources lack, read as Helvetica");
        if !self.out.readings.contains(&note) && self.out.readings.len() < 20 {
            self.out.readings.push(note);
        }
        self.fonts
            .fallback
            .get_or_insert_with(|| {
                let mut d = Dictionary::new();
                for (k, v) in [
                    ("Type", "Font"),
                    ("Subtype", "Type1"),
                    ("BaseFont", "Helvetica"),
                    ("Encoding", "WinAnsiEncoding"),
                ] {
                    d.set(k, Object::Name(v.as_bytes().to_vec()));
                }
                Arc::new(load_font(self.doc, &d).expect("Helvetica with WinAnsiEncoding loads"))
            })
            .clone()
    }

    /// Records an image drawn now: it fills the unit square of the current CTM (ISO 32000-1 8.9.4).
    fn image(&mut self, sid: ObjectId, op: usize, gs: &GState, name: Option<String>) {
        let bbox = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 1.0,
            y1: 1.0,
        }
        .transform(&gs.ctm);
        let in_form = !self.form_stack.is_empty();
        self.out.images.push(ImageUse {
            bbox,
            stream: sid,
            op: op as u32,
            ctm: gs.ctm.0,
            name,
            in_form,
        });
    }

    /// Adds the replacement text of a marked-content sequence as glyphs over the area of the glyphs it
    /// replaces (none drawn: nothing to place it on, and nothing is added).
    fn actual_text(&mut self, text: String, start: usize, sid: ObjectId, op: u32, inline: bool) {
        let drawn = &self.out.glyphs[start.min(self.out.glyphs.len())..];
        let Some(area) = drawn.iter().map(|g| g.bbox).reduce(|a, b| a.union(&b)) else {
            return;
        };
        let Some(first) = drawn.first().cloned() else {
            return;
        };
        let chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
        if chars.is_empty() || self.out.glyphs.len() + chars.len() > self.lim.max_glyphs {
            return;
        }
        let step = area.width() / chars.len() as f64;
        let from = self.out.glyphs.len();
        for (k, c) in chars.iter().enumerate() {
            let x0 = area.x0 + step * k as f64;
            self.out.glyphs.push(Glyph {
                text: c.to_string().into(),
                bbox: Rect {
                    x0,
                    x1: x0 + step,
                    y0: area.y0,
                    y1: area.y1,
                },
                origin: (x0, first.origin.1),
                advance: step,
                natural: step,
                at: GlyphRef {
                    stream: VIRTUAL,
                    op: 0,
                    item: 0,
                    byte: 0,
                    len: 0,
                },
                tj_units: 0.0,
                font: "ActualText".into(),
                invisible: true,
                ours: false,
                ..first.clone()
            });
        }
        self.out.actual_text.push(crate::model::ActualTextUse {
            stream: sid,
            op,
            inline,
            glyphs: from..self.out.glyphs.len(),
        });
    }

    fn problem(&mut self, p: Problem) {
        let p = p.on_page(self.out.page);
        if !self.out.problems.contains(&p) && self.out.problems.len() < 20 {
            self.out.problems.push(p);
        }
    }

    fn unreadable(&mut self, detail: impl Into<String>) {
        self.problem(Problem::unreadable(detail));
    }

    fn run(
        &mut self,
        sid: ObjectId,
        ops: &[Op],
        res: &Dictionary,
        gs: &mut GState,
        stack: &mut Vec<GState>,
    ) {
        // The text matrices carry over from the previous content stream of the page: a text object may
        // span two streams.
        let (mut tm, mut tlm) = self.text_mats;
        for (i, op) in ops.iter().enumerate() {
            if i % 4096 == 4095 {
                if self
                    .lim
                    .deadline
                    .is_some_and(|d| std::time::Instant::now() > d)
                {
                    self.problem(Problem::time());
                    return;
                }
                if let Some(m) = crate::memory::over_limit() {
                    self.problem(Problem::limit(m));
                    return;
                }
            }
            let n = |k: usize| op.num(k);
            match op.operator.as_slice() {
                // Deeper nesting than this is hostile; further q are ignored (Q then pops what there is).
                b"q" if stack.len() < 4096 => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(g) = stack.pop() {
                        *gs = g;
                    }
                }
                b"cm" => {
                    if let Some(m) = op_matrix(op) {
                        gs.ctm = m.then(&gs.ctm);
                    }
                }
                b"BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                b"Tc" => gs.tc = n(0).unwrap_or(gs.tc),
                b"Tw" => gs.tw = n(0).unwrap_or(gs.tw),
                b"Tz" => gs.th = n(0).map(|v| v / 100.0).unwrap_or(gs.th),
                b"TL" => gs.tl = n(0).unwrap_or(gs.tl),
                b"Ts" => gs.ts = n(0).unwrap_or(gs.ts),
                b"Tr" => gs.tr = n(0).map(|v| v as i64).unwrap_or(gs.tr),
                b"Tf" => {
                    gs.size = n(1).unwrap_or(gs.size);
                    if let Some(name) = op.operands.first().and_then(Operand::name) {
                        match self.font(res, name) {
                            Ok(f) => gs.font = Some((String::from_utf8_lossy(name).into(), f)),
                            Err(e) => {
                                gs.font = None;
                                self.unreadable(e);
                            }
                        }
                    }
                }
                b"Td" => {
                    tlm = Matrix::translate(n(0).unwrap_or(0.0), n(1).unwrap_or(0.0)).then(&tlm);
                    tm = tlm;
                }
                b"TD" => {
                    gs.tl = -n(1).unwrap_or(0.0);
                    tlm = Matrix::translate(n(0).unwrap_or(0.0), n(1).unwrap_or(0.0)).then(&tlm);
                    tm = tlm;
                }
                b"Tm" => {
                    if let Some(m) = op_matrix(op) {
                        tlm = m;
                        tm = m;
                    }
                }
                b"T*" => {
                    tlm = Matrix::translate(0.0, -gs.tl).then(&tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" | b"TJ" => {
                    if op.is("'") || op.is("\"") {
                        if op.is("\"") {
                            gs.tw = n(0).unwrap_or(gs.tw);
                            gs.tc = n(1).unwrap_or(gs.tc);
                        }
                        tlm = Matrix::translate(0.0, -gs.tl).then(&tlm);
                        tm = tlm;
                    }
                    let items: Vec<&Operand> = match op.operands.last() {
                        Some(Operand::Array(a)) if op.is("TJ") => a.iter().collect(),
                        Some(o) => vec![o],
                        None => vec![],
                    };
                    for (k, item) in items.into_iter().enumerate() {
                        match item {
                            Operand::Str(bytes) => self.show(sid, i, k, bytes, gs, &mut tm),
                            Operand::Num(adj) => {
                                // ISO 32000-1 9.4.3: a TJ number moves the next glyph by -n/1000 of the font size
                                // (downwards, without horizontal scaling, in vertical writing).
                                let t = -adj / 1000.0 * gs.size;
                                tm = match &gs.font {
                                    Some((_, f)) if f.vertical => Matrix::translate(0.0, t),
                                    _ => Matrix::translate(t * gs.th, 0.0),
                                }
                                .then(&tm);
                            }
                            _ => {}
                        }
                    }
                }
                b"Do" => {
                    if let Some(name) = op.operands.first().and_then(Operand::name) {
                        self.do_xobject(sid, i, res, name, gs);
                    }
                }
                b"BI" => self.image(sid, i, gs, None),
                b"BMC" if self.marked.len() < 256 => self.marked.push(None),
                b"BDC" if self.marked.len() < 256 => {
                    let props = op.operands.get(1);
                    let inline = matches!(props, Some(Operand::Dict(_)));
                    let actual = match props {
                        Some(Operand::Dict(_)) => {
                            match props.and_then(|p| p.dict_get(b"ActualText")) {
                                Some(Operand::Str(b)) => Some(super::text_string(b)),
                                _ => None,
                            }
                        }
                        Some(Operand::Name(n)) => get_dict(self.doc, res, b"Properties")
                            .and_then(|p| get_dict(self.doc, p, n))
                            .and_then(|d| match super::get(self.doc, d, b"ActualText") {
                                Some(Object::String(b, _)) => Some(super::text_string(b)),
                                _ => None,
                            }),
                        _ => None,
                    };
                    self.marked
                        .push(actual.map(|t| (t, self.out.glyphs.len(), sid, i as u32, inline)));
                }
                b"EMC" => {
                    if let Some(Some((text, start, s, at, inline))) = self.marked.pop() {
                        self.actual_text(text, start, s, at, inline);
                    }
                }
                b"m" | b"l" | b"c" | b"v" | b"y" | b"re" => {
                    let v: Vec<f64> = (0..op.operands.len()).filter_map(n).collect();
                    let pts: Vec<(f64, f64)> = if op.is("re") {
                        match v[..] {
                            [x, y, w, h] => vec![(x, y), (x + w, y), (x, y + h), (x + w, y + h)],
                            _ => vec![],
                        }
                    } else {
                        v.chunks_exact(2).map(|c| (c[0], c[1])).collect()
                    };
                    let pts: Vec<(f64, f64)> =
                        pts.iter().map(|&(x, y)| gs.ctm.apply(x, y)).collect();
                    self.path.start.get_or_insert(i as u32);
                    match op.operator.as_slice() {
                        b"re" => self.path.rects += 1,
                        b"m" => self.path.moves += 1,
                        b"l" => self.path.lines += 1,
                        _ => self.path.curves += 1,
                    }
                    if !pts.is_empty() {
                        self.path.add(&pts);
                    }
                }
                b"S" | b"s" | b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" => {
                    let p = std::mem::take(&mut self.path);
                    if let Some(bbox) = p.bbox {
                        if self.out.paths.len() >= self.lim.max_glyphs {
                            self.problem(Problem::limit(format!(
                                "more than {} paths on the page",
                                self.lim.max_glyphs
                            )));
                        } else {
                            let simple = p.curves == 0
                                && ((p.lines == 0 && p.moves == 0)
                                    || (p.rects == 0 && p.lines == 1 && p.moves == 1));
                            self.out.paths.push(PathUse {
                                bbox,
                                stream: sid,
                                op: i as u32,
                                start: p.start.unwrap_or(i as u32),
                                clip: p.clip,
                                simple,
                            });
                        }
                    }
                }
                b"n" => self.path = PathBuild::default(),
                b"W" | b"W*" => self.path.clip = true,
                b"gs" => {
                    let font_in_gs = op
                        .operands
                        .first()
                        .and_then(Operand::name)
                        .and_then(|name| {
                            get_dict(self.doc, res, b"ExtGState")
                                .and_then(|e| get_dict(self.doc, e, name))
                        })
                        .is_some_and(|d| d.has(b"Font"));
                    if font_in_gs {
                        self.unreadable(
                            "a graphics state sets the font (ExtGState /Font): not supported yet",
                        );
                    }
                }
                _ => {}
            }
        }
        self.text_mats = (tm, tlm);
    }

    fn show(
        &mut self,
        sid: ObjectId,
        op: usize,
        item: usize,
        bytes: &[u8],
        gs: &GState,
        tm: &mut Matrix,
    ) {
        let Some((fname, font)) = gs.font.clone() else {
            if !bytes.is_empty() {
                self.unreadable("text shown without a usable font");
            }
            return;
        };
        if self.out.glyphs.len() > self.lim.max_glyphs {
            self.problem(Problem::limit(format!(
                "more than {} glyphs on the page",
                self.lim.max_glyphs
            )));
            return;
        }
        let ours = &*fname == LABEL_FONT;
        for (code, off, len) in font.codes(bytes) {
            let text = match font.unicode(code).filter(|s| {
                !s.is_empty() && !s.chars().any(|c| c.is_control() && !c.is_whitespace())
            }) {
                Some(s) => compact_str::CompactString::from(s),
                None => {
                    // (Judged with what is around it once the page is read: `judge_unmapped`.)
                    if !font.no_letter(code) {
                        self.unmapped.push((
                            self.out.glyphs.len(),
                            code,
                            font.name.clone(),
                            font.drawn_by_file,
                        ));
                    }
                    compact_str::CompactString::const_new(UNMAPPED)
                }
            };
            let w0 = font.advance(code);
            let trm = Matrix([gs.size * gs.th, 0.0, 0.0, gs.size, 0.0, gs.ts])
                .then(tm)
                .then(&gs.ctm);
            let o = trm.apply(0.0, 0.0);
            let up = trm.apply(0.0, 1.0);
            let size = ((up.0 - o.0).powi(2) + (up.1 - o.1).powi(2)).sqrt();
            let wbox = if w0 > 0.0 { w0 } else { 0.01 };
            let word = if font.is_word_space(code) { gs.tw } else { 0.0 };
            // The glyph's box from its horizontal origin (which vertical writing puts at the current
            // point less the position vector v, ISO 32000-1 9.7.4.3), the direction it advances in
            // (along the text space x axis, or down its y axis), its displacement in text space, and
            // its own extent along that direction (its width, or its vertical displacement).
            let (v, forward, (tx, ty), own) = if font.vertical {
                let (w1, vx, vy) = font.vertical_metrics(code);
                let ty = w1 * gs.size + gs.tc + word;
                ((vx, vy), (0.0, -1.0), (0.0, ty), -w1 * gs.size)
            } else {
                let tx = (w0 * gs.size + gs.tc + word) * gs.th;
                ((0.0, 0.0), (1.0, 0.0), (tx, 0.0), w0 * gs.size * gs.th)
            };
            let e = trm.apply(forward.0, forward.1);
            let (dx, dy) = (e.0 - o.0, e.1 - o.1);
            let scale = (dx * dx + dy * dy).sqrt();
            let dir = if scale > 0.0 {
                (dx / scale, dy / scale)
            } else {
                (1.0, 0.0)
            };
            let bbox = Rect::from_points(&[
                trm.apply(-v.0, font.descent - v.1),
                trm.apply(wbox - v.0, font.descent - v.1),
                trm.apply(-v.0, font.ascent - v.1),
                trm.apply(wbox - v.0, font.ascent - v.1),
            ]);
            // Page distance per text space unit along the direction of advance.
            let along = {
                let m = tm.then(&gs.ctm);
                let (a, b) = if font.vertical {
                    (m.0[2], m.0[3])
                } else {
                    (m.0[0], m.0[1])
                };
                (a * a + b * b).sqrt()
            };
            let disp = if font.vertical { -ty } else { tx };
            // The TJ number that displaces as much as the glyph does (without Th, which TJ numbers
            // and glyph displacements share horizontally).
            let tj_units = if gs.size == 0.0 {
                0.0
            } else if font.vertical {
                ty / gs.size * 1000.0
            } else {
                (w0 * gs.size + gs.tc + word) / gs.size * 1000.0
            };
            if let Some(a) = font.alt_unicode(code) {
                self.out.alt.push((
                    self.out.glyphs.len() as u32,
                    compact_str::CompactString::from(a),
                ));
            }
            self.out.glyphs.push(Glyph {
                text,
                bbox,
                origin: o,
                dir,
                size,
                advance: disp * along,
                natural: own * along,
                tj_units,
                at: GlyphRef {
                    stream: sid,
                    op: op as u32,
                    item: item as u32,
                    byte: off as u32,
                    len: len as u32,
                },
                font: fname.clone(),
                invisible: gs.tr == 3 || gs.tr == 7,
                ours,
            });
            *tm = Matrix::translate(tx, ty).then(tm);
        }
    }

    /// Glyphs with no Unicode that may be letters are let through only where they cannot spell a word:
    /// a run of them (glyphs drawn one after the other, touching on one baseline) that repeats one
    /// code (a rule drawn as a row of one glyph, a box, a bullet) and touches no letter or digit.
    /// Anything else could be a name that no reader can read as text (a subset font without
    /// /ToUnicode or character maps): a problem, and the page is declined. (Reading such glyphs from
    /// the page's image is the rendering channel's job, not done here.)
    fn judge_unmapped(&mut self) {
        let glyphs = &self.out.glyphs;
        // Whether glyph `b` follows glyph `a` on its line with no more than a small gap.
        let touching = |a: &Glyph, b: &Glyph| {
            let size = a.size.max(b.size).max(0.01);
            let (dx, dy) = (b.origin.0 - a.origin.0, b.origin.1 - a.origin.1);
            let along = dx * a.dir.0 + dy * a.dir.1;
            let across = -dx * a.dir.1 + dy * a.dir.0;
            across.abs() < 0.3 * size
                && along > -0.1 * size
                && along - a.advance.max(a.natural) < 0.3 * size
        };
        let wordy = |g: &Glyph| g.text.chars().any(char::is_alphanumeric);
        let mut bad: Vec<(String, bool)> = Vec::new();
        let mut k = 0;
        while k < self.unmapped.len() {
            // The run: consecutive glyphs, each unmapped and touching the one before.
            let mut end = k;
            while end + 1 < self.unmapped.len()
                && self.unmapped[end + 1].0 == self.unmapped[end].0 + 1
                && touching(
                    &glyphs[self.unmapped[end].0],
                    &glyphs[self.unmapped[end + 1].0],
                )
            {
                end += 1;
            }
            let run = &self.unmapped[k..=end];
            let (first, last) = (run[0].0, run[run.len() - 1].0);
            let one_code = run.iter().all(|u| u.1 == run[0].1);
            let before = first
                .checked_sub(1)
                .map(|i| &glyphs[i])
                .is_some_and(|b| wordy(b) && touching(b, &glyphs[first]));
            let after = glyphs
                .get(last + 1)
                .is_some_and(|a| wordy(a) && touching(&glyphs[last], a));
            if !one_code || before || after {
                let (name, drawn) = (&run[0].2, run[0].3);
                if !bad.iter().any(|(n, _)| n == name) {
                    bad.push((name.clone(), drawn));
                }
            }
            k = end + 1;
        }
        // A font whose shapes are in the file is drawn alike by every reader: the rendered page can
        // be read for it (`pdf::eyes`). One a reader must substitute cannot be read that way.
        for (name, drawn) in bad {
            let kind = if drawn {
                crate::model::ProblemKind::Unmapped
            } else {
                crate::model::ProblemKind::Unreadable
            };
            self.problem(Problem::new(kind, format!(
                "font {name} has no Unicode mapping for some of its codes (glyphs that may spell words: only the page's image could tell)"
            )));
        }
    }

    /// Tiling patterns (PatternType 1) carry content streams of their own, painted as a fill. Text in
    /// one is not read yet (nor images or Form XObjects drawn by one), so such a pattern in the resources
    /// makes the page unreadable: declined, never published with text nobody looked at. An inline
    /// image of at most 16 by 16 samples is let through (a hatch or dot texture, as PDFBox's survey
    /// file fills its boxes with: too few samples to spell a word).
    fn check_patterns(&mut self, res: &Dictionary) {
        let Some(pats) = get_dict(self.doc, res, b"Pattern") else {
            return;
        };
        let ids: Vec<ObjectId> = pats
            .iter()
            .filter_map(|(_, v)| v.as_reference().ok())
            .collect();
        for id in ids {
            if self.patterns.contains(&id) || self.patterns.len() > 10_000 {
                continue;
            }
            self.patterns.push(id);
            let Ok(Object::Stream(s)) = self.doc.get_object(id) else {
                continue;
            };
            let ops = super::decode_stream(s, self.lim.max_stream_bytes)
                .ok()
                .and_then(|d| content::parse(&d, &self.lim.parse).ok());
            let texture = |o: &Op| {
                let side = |k: &[&[u8]]| {
                    k.iter()
                        .find_map(|k| o.operands.first()?.dict_get(k)?.num())
                        .is_some_and(|v| (1.0..=16.0).contains(&v))
                };
                side(&[b"W", b"Width"]) && side(&[b"H", b"Height"])
            };
            let draws_text = ops.is_none_or(|ops| {
                ops.iter().any(|o| match o.operator.as_slice() {
                    b"Tj" | b"TJ" | b"'" | b"\"" | b"Do" => true,
                    b"BI" => !texture(o),
                    _ => false,
                })
            });
            if draws_text {
                self.unreadable("text (or a form) inside a tiling pattern is not read yet");
                return;
            }
        }
    }

    fn do_xobject(&mut self, sid: ObjectId, op: usize, res: &Dictionary, name: &[u8], gs: &GState) {
        let Some(xobjs) = get_dict(self.doc, res, b"XObject") else {
            return;
        };
        let Ok(Object::Reference(id)) = xobjs.get(name) else {
            if xobjs.has(name) {
                self.unreadable("an XObject is not an indirect object");
            }
            return;
        };
        let Ok(Object::Stream(s)) = self.doc.get_object(*id) else {
            return;
        };
        match get_name(self.doc, &s.dict, b"Subtype") {
            Some(b"Image") => {
                self.image(sid, op, gs, Some(String::from_utf8_lossy(name).to_string()))
            }
            Some(b"Form") => {
                if self.form_stack.contains(id) || self.form_stack.len() >= self.lim.max_form_depth
                {
                    self.unreadable("Form XObjects nest too deeply or in a cycle");
                    return;
                }
                // A damaged Flate form is read as far as it inflates, as page content is (and written
                // back re-encoded, in this page's copy of the form).
                let data = match super::decode_content(s, self.lim.max_stream_bytes) {
                    Ok((d, repaired)) => {
                        self.out.decoded_bytes += d.len();
                        if repaired && !self.out.repaired.contains(id) {
                            self.out.repaired.push(*id);
                        }
                        d
                    }
                    Err(e) if e.limit => {
                        self.problem(Problem::limit(format!(
                            "a Form XObject cannot be decompressed ({e})"
                        )));
                        return;
                    }
                    Err(_) => {
                        self.unreadable("a Form XObject cannot be decompressed");
                        return;
                    }
                };
                let ops = match content::parse(&data, &self.lim.parse) {
                    Ok(o) => o,
                    Err(e) => {
                        self.problem(Problem::limit_if(e.limit, format!("Form XObject: {e}")));
                        return;
                    }
                };
                let m = get_array(self.doc, &s.dict, b"Matrix")
                    .and_then(|a| nums(self.doc, a))
                    .and_then(|v| Matrix::from_slice(&v))
                    .unwrap_or(Matrix::IDENTITY);
                let form_res = get_dict(self.doc, &s.dict, b"Resources").unwrap_or(res);
                self.check_patterns(form_res);
                let used = crate::model::FormUse {
                    form: *id,
                    parent: sid,
                    name: name.to_vec(),
                };
                if !self.out.forms.contains(&used) && self.out.forms.len() < 10_000 {
                    self.out.forms.push(used);
                }
                let mut inner = gs.clone();
                inner.ctm = m.then(&gs.ctm);
                let mut stack = Vec::new();
                self.form_stack.push(*id);
                let outer =
                    std::mem::replace(&mut self.text_mats, (Matrix::IDENTITY, Matrix::IDENTITY));
                self.run(*id, &ops, form_res, &mut inner, &mut stack);
                self.text_mats = outer;
                self.form_stack.pop();
            }
            _ => {}
        }
    }
}

fn op_matrix(op: &Op) -> Option<Matrix> {
    let v: Option<Vec<f64>> = op.operands.iter().map(Operand::num).collect();
    Matrix::from_slice(&v?)
}

/// Extracts every page of a document (1-based page numbers in order).
pub fn extract_all(doc: &Document, lim: &ExtractLimits) -> Vec<(ObjectId, PageText)> {
    let mut fonts = FontCache::default();
    doc.get_pages()
        .into_iter()
        .map(|(no, id)| (id, extract_page(doc, id, no as usize, &mut fonts, lim)))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    /// A one-page document (612 x 792) whose content stream is `content`, with Helvetica (standard 14,
    /// WinAnsi, no /Widths: the built-in metrics) as `/F1`. Returns it with its page's id.
    pub(crate) fn one_page_doc(content: &str) -> (Document, ObjectId) {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        (doc, page_id)
    }

    pub(crate) fn extract(doc: &Document, page_id: ObjectId) -> PageText {
        extract_page(
            doc,
            page_id,
            1,
            &mut FontCache::default(),
            &ExtractLimits::default(),
        )
    }

    /// Each glyph's text and origin x, y (to a thousandth of a point).
    fn placed(page: &PageText) -> Vec<(String, f64, f64)> {
        let r = |v: f64| (v * 1000.0).round() / 1000.0;
        page.glyphs
            .iter()
            .map(|g| (g.text.to_string(), r(g.origin.0), r(g.origin.1)))
            .collect()
    }

    // Helvetica's widths (thousandths of the size): H 722, i 222, space 278.

    #[test]
    fn a_string_gives_its_glyphs_with_text_positions_and_sources() {
        let (doc, pid) = one_page_doc("BT /F1 10 Tf 100 700 Td (Hi H) Tj ET");
        let page = extract(&doc, pid);
        assert!(page.problems.is_empty(), "{:?}", page.problems);
        assert_eq!(
            placed(&page),
            [
                ("H".into(), 100.0, 700.0),
                ("i".into(), 107.22, 700.0),
                (" ".into(), 109.44, 700.0),
                ("H".into(), 112.22, 700.0),
            ]
        );
        for (k, g) in page.glyphs.iter().enumerate() {
            assert_eq!((g.size, g.dir), (10.0, (1.0, 0.0)));
            assert_eq!(&*g.font, "F1");
            assert!(!g.invisible && !g.ours);
            // The Tj is the fourth operation; each glyph is its own byte of the one string.
            assert_eq!(
                (g.at.op, g.at.item, g.at.byte, g.at.len),
                (3, 0, k as u32, 1)
            );
            assert!(g.bbox.x0 <= g.origin.0 && g.bbox.y0 < 700.0 && g.bbox.y1 > 700.0);
        }
        assert!((page.glyphs[0].advance - 7.22).abs() < 1e-9);
        assert!((page.glyphs[0].tj_units - 722.0).abs() < 1e-9);
    }

    #[test]
    fn character_word_and_horizontal_scaling_move_the_glyphs() {
        // Tc adds 1 after every glyph, Tw 3 after the space; Tz 50 halves all of it.
        let (doc, pid) = one_page_doc("BT /F1 10 Tf 1 Tc 3 Tw 50 Tz 100 700 Td (Hi H) Tj ET");
        let page = extract(&doc, pid);
        let xs: Vec<f64> = placed(&page).into_iter().map(|p| p.1).collect();
        assert_eq!(xs, [100.0, 104.11, 105.72, 109.11]);
        // A glyph's own width leaves the spacing out; its advance and TJ equivalent hold it.
        assert!((page.glyphs[0].natural - 3.61).abs() < 1e-9);
        assert!((page.glyphs[0].advance - 4.11).abs() < 1e-9);
        assert!((page.glyphs[0].tj_units - 822.0).abs() < 1e-9);
    }

    #[test]
    fn tj_numbers_move_the_next_glyph_and_items_are_counted() {
        // -1000 moves the next glyph one em (10 pt) right; the strings are items 0 and 2.
        let (doc, pid) = one_page_doc("BT /F1 10 Tf 100 700 Td [(H) -1000 (iH)] TJ ET");
        let page = extract(&doc, pid);
        assert_eq!(
            placed(&page),
            [
                ("H".into(), 100.0, 700.0),
                ("i".into(), 117.22, 700.0),
                ("H".into(), 119.44, 700.0),
            ]
        );
        let at: Vec<(u32, u32)> = page.glyphs.iter().map(|g| (g.at.item, g.at.byte)).collect();
        assert_eq!(at, [(0, 0), (2, 0), (2, 1)]);
    }

    #[test]
    fn the_text_matrix_ctm_and_line_operators_place_the_lines() {
        // cm doubles everything; T* goes down by the leading; ' does too before it shows.
        let (doc, pid) = one_page_doc(
            "2 0 0 2 0 0 cm BT /F1 10 Tf 12 TL 1 0 0 1 50 300 Tm (H) Tj T* (i) Tj (H) ' 3 Tr (i) Tj ET",
        );
        let page = extract(&doc, pid);
        assert_eq!(
            placed(&page),
            [
                ("H".into(), 100.0, 600.0),
                ("i".into(), 100.0, 576.0),
                ("H".into(), 100.0, 552.0),
                ("i".into(), 114.44, 552.0),
            ]
        );
        assert_eq!(page.glyphs[0].size, 20.0);
        assert!(page.glyphs[3].invisible, "render mode 3 is invisible text");
        assert!(!page.glyphs[2].invisible);
    }

    #[test]
    fn text_without_a_font_is_a_problem_not_a_guess() {
        let (doc, pid) = one_page_doc("BT 100 700 Td (Hi) Tj ET");
        let page = extract(&doc, pid);
        assert!(page.glyphs.is_empty());
        assert_eq!(page.problems.len(), 1, "{:?}", page.problems);
    }
}
