//! Fonts: from a font dictionary to "which codes does this string hold, what Unicode does each mean,
//! how wide is each". Read-only over the document.
//!
//! Covered: simple fonts (Type1, TrueType, MMType1, Type3) with /Widths, standard encodings and
//! /Differences (glyph names through the Adobe Glyph List and the TeX fonts' names), the standard-14
//! metrics for fonts without /Widths, the symbol fonts' own encodings (Symbol, ZapfDingbats; the
//! pictograph fonts Wingdings, Webdings, Marlett read as their codes' places in the Private Use Area),
//! ToUnicode CMaps (bfchar, bfrange with strings and arrays, multi-character mappings, and CID
//! mappings taken as code points, as poppler and pdf.js read them), and Type0 fonts with /W widths
//! and /W2, /DW2 vertical metrics by CID, through Identity-H/V, the predefined CMaps of ISO 32000-1
//! (Adobe's, shipped in `fonts/data`, see `cmap`), or a CMap embedded as a stream.
//!
//! What a CID means, for a Type0 font without /ToUnicode (or a code it does not map): the code itself
//! for the predefined Unicode CMaps (`Uni{GB,JIS,KS,CNS}-{UCS2,UTF16}-H/V`); Adobe's table for the
//! descendant's character collection (`Adobe-Japan1/GB1/CNS1/Korea1/KR`); else the embedded program's
//! glyph names or character maps (a CID subset program often has neither); and for an Identity font
//! with no program and no /ToUnicode at all, the code itself, as every reader takes it.
//!
//! From embedded programs (`sfnt`, `cff`): the built-in encoding of a Type 1 program, of a CFF program
//! (FontFile3 /Type1C, or /OpenType with a `CFF ` table) and of a symbolic TrueType program (its (3,0)
//! or (1,0) character map, then each glyph's `post` name or (3,1) code point); advance widths from
//! `hmtx` or CFF charstrings when a font has no /Widths.
//!
//! # Errors
//! A font we cannot model (a predefined CMap outside ISO 32000-1's list, an embedded CMap that cannot
//! be used) is an `Err(reason)`; a code with no Unicode is reported per glyph by `unicode()` returning
//! `None`, and `no_letter()` says whether it certainly draws no letter (.notdef, a pictograph): the
//! caller judges the others by what is around them (`extract`), it never guesses their text.

pub mod cff;
pub mod cmap;
pub mod sfnt;
pub(crate) mod tables;

use super::content::{Operand, Token};
use super::{deref, get, get_array, get_dict, get_name, get_num, nums};
use lopdf::{Dictionary, Document, Object};
use pdf_encoding::Encoding;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// A font ready for decoding strings.
#[derive(Debug, Clone)]
pub struct Font {
    /// BaseFont without a subset prefix; used in reasons (a font name is not personal data).
    pub name: String,
    /// Codes are not single bytes (two bytes, or UTF-16 when `utf16`).
    pub two_byte: bool,
    pub vertical: bool,
    /// Codes are UTF-16BE (a surrogate pair is one four-byte code).
    utf16: bool,
    /// A code with no /ToUnicode entry is its own Unicode (UCS-2 or UTF-16 CMaps).
    unicode_codes: bool,
    /// Some Unicode came from the embedded font program (its glyph names or character maps).
    program_unicode: bool,
    to_unicode: HashMap<u32, String>,
    /// Unicode from the encoding, for simple fonts (index = code).
    simple: Vec<Option<String>>,
    /// Type0: the code -> CID map (`None`: Identity, the two-byte code is the CID).
    cids: Option<Arc<cmap::CMap>>,
    /// Type0: Adobe's CID -> Unicode table of the descendant's character collection.
    cid_unicode: Option<&'static cmap::CidUnicode>,
    /// Type0: the Unicode of CIDs from the embedded program (when there is no such table).
    by_cid: HashMap<u32, String>,
    /// A pictograph font (Wingdings, Webdings, Marlett): no glyph of it is a letter.
    pictograph: bool,
    /// Simple fonts: codes that draw .notdef in every reader (a font without a program whose
    /// encoding names no glyph for the code).
    notdef: Vec<bool>,
    /// Advance widths in glyph units (1/1000 of text space, or FontMatrix units for Type3), by code
    /// (by CID for Type0).
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Vertical writing: (w1y, vx, vy) by code from /W2, and /DW2 as (vy, w1y); glyph units.
    vmetrics: HashMap<u32, (f64, f64, f64)>,
    dw2: (f64, f64),
    /// Glyph space to text space, horizontal scale (0.001 except for Type3).
    pub scale: f64,
    /// Ascent and descent in text space (fractions of the font size).
    pub ascent: f64,
    pub descent: f64,
    /// The glyphs' shapes are in the file (an embedded program, or Type 3 procedures): every reader
    /// draws them alike, so the rendered page shows what any reader shows (a font a reader must
    /// substitute may be drawn otherwise by each).
    pub drawn_by_file: bool,
}

impl Font {
    /// Splits a string operand into (code, byte offset, byte length).
    pub fn codes(&self, bytes: &[u8]) -> Vec<(u32, usize, usize)> {
        if let Some(c) = &self.cids {
            return c.split(bytes);
        }
        if self.utf16 {
            return utf16_codes(bytes);
        }
        if self.two_byte {
            bytes
                .chunks(2)
                .enumerate()
                .map(|(i, c)| {
                    let code = if c.len() == 2 {
                        (c[0] as u32) << 8 | c[1] as u32
                    } else {
                        u32::MAX
                    };
                    (code, i * 2, c.len())
                })
                .collect()
        } else {
            bytes
                .iter()
                .enumerate()
                .map(|(i, &b)| (b as u32, i, 1))
                .collect()
        }
    }

    /// The Unicode text of a code, or `None` if this font gives none we can trust.
    pub fn unicode(&self, code: u32) -> Option<Cow<'_, str>> {
        if let Some(s) = self.to_unicode.get(&code) {
            return Some(Cow::Borrowed(s.as_str()));
        }
        if self.two_byte {
            return self.own_unicode(code);
        }
        self.simple
            .get(code as usize)
            .and_then(|o| o.as_deref())
            .map(Cow::Borrowed)
    }

    /// A simple font's Unicode of a code from its encoding alone (not its /ToUnicode).
    pub fn encoded_unicode(&self, code: u32) -> Option<&str> {
        self.simple.get(code as usize)?.as_deref()
    }

    /// The CID a Type0 font's code selects.
    pub fn cid(&self, code: u32) -> Option<u32> {
        match &self.cids {
            Some(c) => c.cid(code),
            None => (code <= 0xFFFF).then_some(code),
        }
    }

    /// A Type0 font's reading of a code without its /ToUnicode: the code itself for the Unicode
    /// CMaps (and fonts that give nothing else), else its CID through the collection's table or the
    /// embedded program.
    fn own_unicode(&self, code: u32) -> Option<Cow<'_, str>> {
        if self.unicode_codes {
            return code_unicode(code).map(|c| Cow::Owned(c.to_string()));
        }
        let cid = self.cid(code)?;
        if let Some(t) = self.cid_unicode {
            return t.get(cid).map(Cow::Borrowed);
        }
        self.by_cid.get(&cid).map(|s| Cow::Borrowed(s.as_str()))
    }

    /// A second reading of a code, when readers disagree on it: for a simple font, the text its
    /// encoding and glyph names give when its /ToUnicode maps the code to other letters (a /ToUnicode
    /// can lie: readers that trust it and the glyphs drawn then disagree); for a Type0 font, what its
    /// CID means when the /ToUnicode says otherwise, or, for an Identity font read through its program,
    /// the code taken for the Unicode (as readers without the program's maps take it).
    pub fn alt_unicode(&self, code: u32) -> Option<Cow<'_, str>> {
        let differs = |own: &str, mapped: &str| {
            !own.is_empty() && crate::text_fold::key(own) != crate::text_fold::key(mapped)
        };
        if self.two_byte {
            if let Some(mapped) = self.to_unicode.get(&code) {
                let own = self.own_unicode(code)?;
                return differs(&own, mapped).then_some(own);
            }
            if self.cids.is_none() && self.cid_unicode.is_none() && !self.unicode_codes {
                let own = self.own_unicode(code)?;
                let raw = code_unicode(code).filter(|c| !c.is_control())?.to_string();
                return differs(&raw, &own).then_some(Cow::Owned(raw));
            }
            return None;
        }
        let mapped = self.to_unicode.get(&code)?;
        let own = self.simple.get(code as usize)?.as_deref()?;
        differs(own, mapped).then_some(Cow::Borrowed(own))
    }

    /// Whether a code that has no Unicode certainly draws no letter: a glyph of a pictograph font, or
    /// .notdef. (Other glyphs without Unicode may be letters: the caller decides by what is around
    /// them.)
    pub fn no_letter(&self, code: u32) -> bool {
        if self.two_byte {
            // (A code its CMap maps to no CID, or to CID 0, draws .notdef.)
            return self.pictograph || self.cid(code).is_none_or(|c| c == 0);
        }
        self.pictograph || self.notdef.get(code as usize).copied().unwrap_or(false)
    }

    /// Whether some code's Unicode comes from the embedded font program rather than the PDF (a copy of
    /// the program without glyph names then needs a /ToUnicode to be read).
    pub fn unicode_from_program(&self) -> bool {
        self.program_unicode
    }

    /// The horizontal advance of a code in text space (ISO 32000-1 9.4.4, w0 before size and scaling).
    pub fn advance(&self, code: u32) -> f64 {
        let key = if self.two_byte {
            self.cid(code).unwrap_or(0)
        } else {
            code
        };
        self.widths.get(&key).copied().unwrap_or(self.default_width) * self.scale
    }

    /// In vertical writing, a code's vertical displacement w1y (negative: downwards) and the position
    /// vector (vx, vy) from its horizontal origin to its vertical one, in text space (ISO 32000-1
    /// 9.7.4.3; vx defaults to half the horizontal advance).
    pub fn vertical_metrics(&self, code: u32) -> (f64, f64, f64) {
        let cid = self.cid(code).unwrap_or(0);
        let (w1, vx, vy) = self.vmetrics.get(&cid).copied().unwrap_or_else(|| {
            let w0 = self.widths.get(&cid).copied().unwrap_or(self.default_width);
            (self.dw2.1, w0 / 2.0, self.dw2.0)
        });
        (w1 * self.scale, vx * self.scale, vy * self.scale)
    }

    /// Whether a code is the single-byte space that word spacing (Tw) applies to.
    pub fn is_word_space(&self, code: u32) -> bool {
        !self.two_byte && code == 32
    }
}

/// Builds a [`Font`] from a font dictionary. `Err` holds a reason without document text.
pub fn load_font(doc: &Document, dict: &Dictionary) -> Result<Font, String> {
    let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"Type1");
    let base = get_name(doc, dict, b"BaseFont")
        .map(|n| String::from_utf8_lossy(n).to_string())
        .unwrap_or_default();
    let name = match base.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 => rest.to_string(),
        _ => base.clone(),
    };
    let display = if name.is_empty() {
        "(unnamed font)".to_string()
    } else {
        name.clone()
    };
    let to_unicode = match get(doc, dict, b"ToUnicode") {
        Some(Object::Stream(s)) => {
            let data = super::decode_stream(s, 16 << 20)
                .map_err(|_| format!("font {display}: ToUnicode CMap cannot be decompressed"))?;
            parse_to_unicode(&data).map_err(|e| format!("font {display}: ToUnicode CMap: {e}"))?
        }
        _ => HashMap::default(),
    };
    match subtype {
        b"Type0" => load_type0(doc, dict, display, to_unicode),
        _ => load_simple(doc, dict, subtype, &name, display, to_unicode),
    }
}

fn load_type0(
    doc: &Document,
    dict: &Dictionary,
    name: String,
    to_unicode: HashMap<u32, String>,
) -> Result<Font, String> {
    // (the CMap's name when it is a predefined Unicode one, and whether its codes are UTF-16)
    let mut unicode_cmap: Option<(String, bool)> = None;
    // The code -> CID map; `None` for Identity-H/V (the code is the CID, two bytes).
    let mut cids: Option<Arc<cmap::CMap>> = None;
    let vertical = match get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) if n == b"Identity-H" => false,
        Some(Object::Name(n)) if n == b"Identity-V" => true,
        Some(Object::Name(n)) => {
            let cm = String::from_utf8_lossy(n).into_owned();
            let c = cmap::predefined(&cm)
                .ok_or_else(|| format!("font {name}: CMap {cm} is not supported yet"))?;
            if let Some(utf16) = unicode_cmap_kind(n) {
                unicode_cmap = Some((cm, utf16));
            }
            let v = c.vertical;
            cids = Some(c);
            v
        }
        Some(Object::Stream(s)) => {
            let data = super::decode_stream(s, 16 << 20)
                .map_err(|_| format!("font {name}: its CMap cannot be decompressed"))?;
            let wmode = get_num(doc, &s.dict, b"WMode").map(|w| w as i64);
            let use_cmap =
                get_name(doc, &s.dict, b"UseCMap").map(|n| String::from_utf8_lossy(n).into_owned());
            let c = cmap::parse_embedded(&data, wmode, use_cmap.as_deref())
                .map_err(|e| format!("font {name}: embedded CMap: {e}"))?;
            let v = c.vertical;
            cids = Some(c);
            v
        }
        _ => return Err(format!("font {name}: no usable /Encoding")),
    };
    let desc = get_array(doc, dict, b"DescendantFonts")
        .and_then(|a| a.first())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
        .ok_or_else(|| format!("font {name}: no descendant font"))?;
    let default_width = get_num(doc, desc, b"DW").unwrap_or(1000.0);
    let widths: HashMap<u32, f64> = match get_array(doc, desc, b"W") {
        Some(w) => cid_metrics(doc, w, 1, &name, "W")?
            .into_iter()
            .map(|(c, v)| (c, v[0]))
            .collect(),
        None => HashMap::default(),
    };
    // Vertical writing (ISO 32000-1 9.7.4.3): /DW2 [vy w1y] (default [880 -1000]) and /W2 entries
    // [w1y vx vy] by CID.
    let (mut vmetrics, mut dw2) = (HashMap::default(), (880.0, -1000.0));
    if vertical {
        if let Some(w2) = get_array(doc, desc, b"W2") {
            vmetrics = cid_metrics(doc, w2, 3, &name, "W2")?
                .into_iter()
                .map(|(c, v)| (c, (v[0], v[1], v[2])))
                .collect();
        }
        if let Some(d) = get_array(doc, desc, b"DW2") {
            match nums(doc, d).as_deref() {
                Some(&[vy, w1y]) => dw2 = (vy, w1y),
                _ => return Err(format!("font {name}: bad /DW2")),
            }
        }
    }
    let fd = get_dict(doc, desc, b"FontDescriptor");
    let (ascent, descent) = descriptor_metrics(doc, fd).unwrap_or((0.8, -0.2));
    // What a CID means: Adobe's table for the character collection the descendant names, else the
    // glyphs of the embedded program (their names, or the character maps that reach them).
    let ordering = get_dict(doc, desc, b"CIDSystemInfo").and_then(|si| {
        let text = |k: &[u8]| match get(doc, si, k) {
            Some(Object::String(b, _)) => Some(String::from_utf8_lossy(b).into_owned()),
            Some(Object::Name(b)) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        };
        (text(b"Registry")? == "Adobe").then(|| text(b"Ordering"))?
    });
    let cid_unicode = ordering.as_deref().and_then(cmap::cid_unicode);
    let program = embedded(doc, fd);
    let by_cid = match (&program, cid_unicode) {
        (Some(p), None) => program_cid_unicode(doc, desc, &name, p),
        _ => HashMap::default(),
    };
    // A font with no program, no /ToUnicode and no collection to read through: every reader takes the
    // code for the Unicode (poppler, pdf.js, PDFium), and so do we.
    let codes_are_unicode =
        program.is_none() && cid_unicode.is_none() && to_unicode.is_empty() && cids.is_none();
    let pictograph = pictograph_font(&name);
    let drawn_by_file = program.is_some();
    Ok(Font {
        drawn_by_file,
        name,
        two_byte: true,
        vertical,
        utf16: unicode_cmap.as_ref().is_some_and(|(_, u)| *u),
        unicode_codes: unicode_cmap.is_some() || codes_are_unicode,
        program_unicode: !by_cid.is_empty(),
        to_unicode,
        simple: Vec::new(),
        pictograph,
        cids,
        cid_unicode,
        by_cid,
        notdef: Vec::new(),
        widths,
        default_width,
        vmetrics,
        dw2,
        scale: 0.001,
        ascent,
        descent,
    })
}

/// The Unicode of each CID from the descendant's embedded program: for TrueType (through
/// /CIDToGIDMap) each glyph's `post` name, else the code point a Unicode character map gives it, else
/// the symbol-font code its (3,0) map gives it read through that font's encoding (Symbol,
/// ZapfDingbats, Wingdings); for a CFF program with glyph names (its glyphs are the CIDs), the names.
fn program_cid_unicode(
    doc: &Document,
    desc: &Dictionary,
    name: &str,
    p: &Embedded,
) -> HashMap<u32, String> {
    let mut out = HashMap::default();
    match p {
        Embedded::TrueType(d) => {
            let Some(tt) = sfnt::TrueType::parse(d) else {
                return out;
            };
            // (A map that does not decompress gives no reading: the codes are then judged as
            // having none.)
            let map: Option<Vec<u8>> = match get(doc, desc, b"CIDToGIDMap") {
                Some(Object::Stream(s)) => match super::decode_stream(s, 1 << 20) {
                    Ok(m) => Some(m),
                    Err(_) => return out,
                },
                _ => None,
            };
            let mut put = |cid: u32, g: u16| {
                let u = tt
                    .glyph_unicode(g)
                    .or_else(|| symbol_code_unicode(name, tt.glyph_symbol_code(g)?));
                if let Some(u) = u.filter(|u| !u.is_empty()) {
                    out.insert(cid, u);
                }
            };
            match map {
                Some(m) => {
                    for (cid, c) in m.chunks_exact(2).enumerate() {
                        let g = u16::from_be_bytes([c[0], c[1]]);
                        if g != 0 {
                            put(cid as u32, g);
                        }
                    }
                }
                None => {
                    for g in 1..tt.glyph_count().min(65_536) as u32 {
                        put(g, g as u16);
                    }
                }
            }
        }
        Embedded::Cff(d) | Embedded::OpenTypeCff(d) => {
            let data = match p {
                Embedded::OpenTypeCff(_) => opentype_cff(d),
                _ => Some(d.as_slice()),
            };
            if let Some(cff) = data.and_then(cff::Cff::parse) {
                for g in 1..cff.glyph_count().min(65_536) {
                    if let Some(u) = cff
                        .glyph_name(g as u16)
                        .and_then(|n| glyph_name_to_unicode(&n))
                    {
                        out.insert(g as u32, u);
                    }
                }
            }
        }
        Embedded::Type1(_) => {}
    }
    out
}

fn load_simple(
    doc: &Document,
    dict: &Dictionary,
    subtype: &[u8],
    base: &str,
    name: String,
    to_unicode: HashMap<u32, String>,
) -> Result<Font, String> {
    let type3 = subtype == b"Type3";
    let std14 = standard14(base);
    let fd = get_dict(doc, dict, b"FontDescriptor");
    let flags = fd.and_then(|fd| get_num(doc, fd, b"Flags")).unwrap_or(0.0) as u32;
    let symbolic = flags & 4 != 0;

    // Base encoding (ISO 32000-1 9.6.6).
    let (base_enc, diffs) = match get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) => (named_encoding(n), None),
        Some(Object::Dictionary(d)) => (
            get_name(doc, d, b"BaseEncoding").and_then(named_encoding),
            get_array(doc, d, b"Differences"),
        ),
        _ => (None, None),
    };
    let builtin: Option<Encoding> = match std14.map(|m| m.name) {
        Some("Symbol") => Some(Encoding::AdobeSymbol),
        Some("ZapfDingbats") => Some(Encoding::AdobeZdingbat),
        _ => None,
    };
    // The embedded program, read only when something below needs it.
    let program_cell = std::cell::OnceCell::new();
    let program = || program_cell.get_or_init(|| embedded(doc, fd)).as_ref();
    // An embedded font without /Encoding (or with /Differences on no /BaseEncoding) uses the encoding
    // of its own program (ISO 32000-1 9.6.6): a Type 1 program's `dup <code> /<name> put` lines, a CFF
    // program's built-in encoding, a symbolic TrueType program's character map (9.6.6.4) with its
    // glyph names. (A nonsymbolic TrueType font keeps the WinAnsi default below.)
    // (Programs the match below would not use are not decoded: a nonsymbolic TrueType font is common.)
    let may_use_program = fd.is_some_and(|fd| {
        (fd.has(b"FontFile") && subtype == b"Type1")
            || fd.has(b"FontFile3")
            || (fd.has(b"FontFile2") && symbolic && std14.is_none())
    });
    let builtin_unicode: Option<Vec<Option<String>>> =
        if base_enc.is_none() && builtin.is_none() && may_use_program {
            match program() {
                Some(Embedded::Type1(p)) if subtype == b"Type1" => type1_builtin_encoding(p),
                Some(Embedded::Cff(d)) => cff_builtin_unicode(d),
                Some(Embedded::OpenTypeCff(d)) => opentype_cff(d).and_then(cff_builtin_unicode),
                Some(Embedded::TrueType(d)) if symbolic && std14.is_none() => {
                    truetype_symbolic_unicode(d)
                }
                _ => None,
            }
        } else {
            None
        };
    let program_unicode = builtin_unicode.is_some();
    let enc = base_enc.or(builtin).or_else(|| {
        if builtin_unicode.is_some() {
            return None;
        }
        if type3 || (symbolic && std14.is_none()) {
            None // the font program's own encoding: not readable here
        } else if subtype == b"TrueType" {
            Some(Encoding::WinAnsiEncoding)
        } else {
            Some(Encoding::AdobeStandard)
        }
    });
    let uses_builtin = builtin_unicode.is_some();
    let mut simple: Vec<Option<String>> = builtin_unicode.unwrap_or_else(|| vec![None; 256]);
    if let Some(e) = enc {
        for (code, slot) in simple.iter_mut().enumerate() {
            *slot = encoded(e, code as u8);
        }
    }
    // The glyph names /Differences gives, by code.
    let mut diff_names: Vec<Option<String>> = vec![None; 256];
    if let Some(diffs) = diffs {
        let mut code: i64 = -1;
        for o in diffs {
            match deref(doc, o) {
                Object::Integer(i) => code = *i,
                Object::Real(r) => code = *r as i64,
                Object::Name(n) => {
                    if (0..256).contains(&code) {
                        let n = String::from_utf8_lossy(n).into_owned();
                        simple[code as usize] = glyph_name_to_unicode(&n);
                        diff_names[code as usize] = Some(n);
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    // Without a program, a code whose encoding names no glyph draws .notdef (a reader looks glyphs
    // up by name in the font it substitutes).
    let no_program = !type3
        && !fd
            .is_some_and(|fd| fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3"));
    let notdef: Vec<bool> = if no_program && enc.is_some() {
        (0..256)
            .map(|c| simple[c].is_none() && diff_names[c].as_deref().is_none_or(|n| n == ".notdef"))
            .collect()
    } else {
        Vec::new()
    };
    // A pictograph font read through no encoding: its codes' places in the Private Use Area.
    if base_enc.is_none() && builtin.is_none() && pictograph_font(base) {
        for (code, slot) in simple.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = symbol_code_unicode(base, code as u8);
            }
        }
    }
    // Widths.
    let mut widths = HashMap::default();
    let mut default_width = fd
        .and_then(|fd| get_num(doc, fd, b"MissingWidth"))
        .unwrap_or(0.0);
    if let Some(w) = get_array(doc, dict, b"Widths") {
        let first = get_num(doc, dict, b"FirstChar").unwrap_or(0.0).max(0.0) as u32;
        for (i, o) in w.iter().enumerate() {
            if let Some(v) = super::num(deref(doc, o)) {
                widths.insert(first + i as u32, v);
            }
        }
    } else if let Some(m) = std14 {
        for (code, uni) in simple.iter().enumerate() {
            let w = uni
                .as_deref()
                .and_then(|u| m.by_unicode.get(u))
                .copied()
                .or_else(|| m.by_code[code]);
            if let Some(w) = w {
                widths.insert(code as u32, w);
            }
        }
        default_width = 0.0;
    } else if let Some(w) = program().and_then(|p| {
        let glyphs = CodeGlyphs {
            symbolic,
            unicode: &simple,
            names: &diff_names,
            builtin: uses_builtin,
        };
        program_widths(p, &glyphs)
    }) {
        // No /Widths: the advances of the embedded program, as viewers draw them.
        widths = w;
        default_width = 0.0;
    } else if !type3 {
        return Err(format!("font {name}: no /Widths and not a standard font"));
    }
    let mut scale = 0.001;
    let (mut ascent, mut descent) = descriptor_metrics(doc, fd)
        .or_else(|| std14.map(|m| (m.ascent / 1000.0, m.descent / 1000.0)))
        .unwrap_or((0.8, -0.2));
    if type3 {
        let fm = get_array(doc, dict, b"FontMatrix")
            .and_then(|a| nums(doc, a))
            .filter(|v| v.len() == 6);
        let fm = fm.ok_or_else(|| format!("font {name}: Type3 font without FontMatrix"))?;
        if fm[1] != 0.0 || fm[2] != 0.0 || fm[0] <= 0.0 || fm[3] == 0.0 {
            return Err(format!(
                "font {name}: rotated or skewed Type3 FontMatrix is not supported yet"
            ));
        }
        scale = fm[0];
        if let Some(bb) = get_array(doc, dict, b"FontBBox")
            .and_then(|a| nums(doc, a))
            .filter(|v| v.len() == 4)
        {
            let (lo, hi) = (bb[1].min(bb[3]) * fm[3], bb[1].max(bb[3]) * fm[3]);
            if hi > lo {
                ascent = hi;
                descent = lo;
            }
        }
    }
    let drawn_by_file = type3
        || fd.is_some_and(|fd| fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3"));
    Ok(Font {
        drawn_by_file,
        name,
        two_byte: false,
        vertical: false,
        utf16: false,
        unicode_codes: false,
        program_unicode,
        to_unicode,
        simple,
        cids: None,
        cid_unicode: None,
        by_cid: HashMap::default(),
        pictograph: pictograph_font(base),
        notdef,
        widths,
        default_width,
        vmetrics: HashMap::default(),
        dw2: (880.0, -1000.0),
        scale,
        ascent,
        descent,
    })
}

/// A CID metrics array: /W (`n` = 1 number per CID) or /W2 (`n` = 3), entries `c [v ...]` or
/// `c_first c_last v...` (ISO 32000-1 9.7.4.3), as CID -> its `n` numbers. At most 2^17 CIDs are
/// looked at in all, twice as many as a font can have (a hostile array could name billions).
fn cid_metrics(
    doc: &Document,
    arr: &[Object],
    n: usize,
    name: &str,
    key: &str,
) -> Result<HashMap<u32, Vec<f64>>, String> {
    let bad = || format!("font {name}: bad /{key}");
    let cid = |c: i64| c.clamp(0, u32::MAX as i64) as u32;
    let mut out = HashMap::default();
    let mut budget: i64 = 1 << 17;
    let mut i = 0;
    while i < arr.len() {
        let first = super::num(deref(doc, &arr[i])).ok_or_else(bad)? as i64;
        match arr.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                let list = nums(doc, list).ok_or_else(bad)?;
                if list.len() % n != 0 {
                    return Err(bad());
                }
                budget -= (list.len() / n) as i64;
                for (k, v) in list.chunks(n).enumerate() {
                    out.insert(cid(first + k as i64), v.to_vec());
                }
                i += 2;
            }
            Some(o) => {
                let last = super::num(o).ok_or_else(bad)? as i64;
                let v: Vec<f64> = (0..n)
                    .map(|k| arr.get(i + 2 + k).and_then(|o| super::num(deref(doc, o))))
                    .collect::<Option<_>>()
                    .ok_or_else(bad)?;
                if last - first > 70_000 || last < first {
                    return Err(format!("font {name}: bad /{key} range"));
                }
                budget -= last - first + 1;
                for c in first..=last {
                    out.insert(cid(c), v.clone());
                }
                i += 2 + n;
            }
            None => return Err(bad()),
        }
        if budget < 0 {
            return Err(format!("font {name}: /{key} names too many glyphs"));
        }
    }
    Ok(out)
}

/// An embedded font program, decoded.
enum Embedded {
    /// FontFile.
    Type1(Vec<u8>),
    /// FontFile2, or FontFile3 /OpenType with TrueType outlines.
    TrueType(Vec<u8>),
    /// FontFile3 /Type1C.
    Cff(Vec<u8>),
    /// FontFile3 /OpenType with a `CFF ` table.
    OpenTypeCff(Vec<u8>),
}

/// The embedded program of a font descriptor, if there is one that decodes.
fn embedded(doc: &Document, fd: Option<&Dictionary>) -> Option<Embedded> {
    let fd = fd?;
    let stream = |key: &[u8]| match get(doc, fd, key) {
        Some(Object::Stream(s)) => Some(s),
        _ => None,
    };
    let decode = |s: &lopdf::Stream| super::decode_stream(s, 16 << 20).ok();
    if let Some(s) = stream(b"FontFile2") {
        return decode(s).map(Embedded::TrueType);
    }
    if let Some(s) = stream(b"FontFile3") {
        let data = decode(s)?;
        return match get_name(doc, &s.dict, b"Subtype") {
            Some(b"Type1C") => Some(Embedded::Cff(data)),
            Some(b"OpenType") => {
                let t = sfnt::Tables::read(&data)?;
                if t.0.contains_key(b"CFF ") {
                    Some(Embedded::OpenTypeCff(data))
                } else if t.0.contains_key(b"glyf") {
                    Some(Embedded::TrueType(data))
                } else {
                    None
                }
            }
            _ => None,
        };
    }
    stream(b"FontFile").and_then(decode).map(Embedded::Type1)
}

/// The `CFF ` table of an OpenType file.
fn opentype_cff(d: &[u8]) -> Option<&[u8]> {
    sfnt::Tables::read(d)?.get(d, b"CFF ")
}

/// Unicode by code from a CFF program's built-in encoding and glyph names.
fn cff_builtin_unicode(d: &[u8]) -> Option<Vec<Option<String>>> {
    let enc = cff::Cff::parse(d)?.encoding()?;
    Some(
        enc.into_iter()
            .map(|(n, _)| {
                n.filter(|n| n != ".notdef")
                    .and_then(|n| glyph_name_to_unicode(&n))
            })
            .collect(),
    )
}

/// Whether a font is one of pictographs (Wingdings, Webdings, Marlett): none of its glyphs is a letter.
fn pictograph_font(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace([' ', '-', ','], "");
    ["wingdings", "webdings", "marlett"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// The Unicode of a code of a symbol font's own encoding: Symbol's and ZapfDingbats' (their Adobe
/// encodings), and for the pictograph fonts the code's place in the Private Use Area (U+F020 to
/// U+F0FF, as the fonts' own (3,0) character maps name their glyphs: no letter, so nothing a name
/// can be spelt with). `None` for other fonts.
fn symbol_code_unicode(name: &str, code: u8) -> Option<String> {
    if pictograph_font(name) {
        return match code {
            0x20 => Some(" ".into()),
            0x21.. => char::from_u32(0xF000 + code as u32).map(String::from),
            _ => None,
        };
    }
    let enc = match standard14(name).map(|m| m.name) {
        Some("Symbol") => Encoding::AdobeSymbol,
        Some("ZapfDingbats") => Encoding::AdobeZdingbat,
        _ => return None,
    };
    encoded(enc, code)
}

/// The Unicode of a code in a named encoding, as its glyph name's first Adobe Glyph List value
/// (pdf_encoding's tables give some names another one: `space` U+00A0, `hyphen` U+00AD, `fraction`
/// U+2215, `periodcentered` U+2219, which split words where every reader reads one).
fn encoded(enc: Encoding, code: u8) -> Option<String> {
    let c = enc.forward_map()?.get(code)?;
    let c = match (code, c) {
        (0x20, '\u{00A0}') => ' ',
        (0x2D, '\u{00AD}') => '-',
        (_, '\u{2215}') => '\u{2044}',
        (_, '\u{2219}') if enc == Encoding::AdobeStandard => '\u{00B7}',
        (_, c) => c,
    };
    Some(c.to_string())
}

/// Unicode by code from a symbolic TrueType program: the glyph its (3,0) or (1,0) map gives the code,
/// and that glyph's name or (3,1) code point. `None` if it gives none at all.
fn truetype_symbolic_unicode(d: &[u8]) -> Option<Vec<Option<String>>> {
    let tt = sfnt::TrueType::parse(d)?;
    let v: Vec<Option<String>> = (0..=255u8)
        .map(|c| tt.symbolic_glyph(c).and_then(|g| tt.glyph_unicode(g)))
        .collect();
    v.iter().any(Option::is_some).then_some(v)
}

/// What picks a simple font's glyph for a code in its program.
struct CodeGlyphs<'a> {
    symbolic: bool,
    /// Unicode by code (from the encoding).
    unicode: &'a [Option<String>],
    /// Glyph names by code, from /Differences.
    names: &'a [Option<String>],
    /// The encoding is the program's built-in one.
    builtin: bool,
}

/// The advance of every single-byte code in thousandths of an em, from an embedded TrueType (`hmtx`)
/// or CFF program (`hmtx` of an OpenType file, else the charstrings). A code with no glyph draws
/// .notdef and advances by its width. `None` if some advance cannot be read.
fn program_widths(p: &Embedded, how: &CodeGlyphs) -> Option<HashMap<u32, f64>> {
    let mut out = HashMap::default();
    match p {
        Embedded::TrueType(d) => {
            let tt = sfnt::TrueType::parse(d)?;
            for code in 0..=255u8 {
                let i = code as usize;
                let uni = if how.symbolic {
                    None
                } else {
                    how.unicode[i].as_deref()
                };
                let g = tt.glyph(code, how.names[i].as_deref(), uni).unwrap_or(0);
                out.insert(code as u32, tt.advance(g)?);
            }
        }
        Embedded::Cff(_) | Embedded::OpenTypeCff(_) => {
            let (data, hmtx) = match p {
                Embedded::OpenTypeCff(d) => {
                    let t = sfnt::Tables::read(d)?;
                    (t.get(d, b"CFF ")?, sfnt::advances(d, &t))
                }
                Embedded::Cff(d) => (d.as_slice(), None),
                _ => return None,
            };
            let cff = cff::Cff::parse(data)?;
            let enc = if how.builtin { cff.encoding() } else { None };
            let mut by_name: HashMap<String, u16> = HashMap::default();
            let mut by_unicode: HashMap<String, u16> = HashMap::default();
            for g in (0..cff.glyph_count().min(65_536)).rev() {
                let g = g as u16;
                if let Some(n) = cff.glyph_name(g) {
                    if let Some(u) = glyph_name_to_unicode(&n) {
                        by_unicode.insert(u, g);
                    }
                    by_name.insert(n, g);
                }
            }
            for code in 0..256usize {
                let g = how.names[code]
                    .as_ref()
                    .and_then(|n| by_name.get(n).copied())
                    .or_else(|| enc.as_ref().and_then(|e| e[code].1))
                    .or_else(|| {
                        how.unicode[code]
                            .as_ref()
                            .and_then(|u| by_unicode.get(u).copied())
                    })
                    .unwrap_or(0);
                let w = match &hmtx {
                    Some(a) => a.get(g as usize).copied(),
                    None => cff.advance(g),
                };
                out.insert(code as u32, w?);
            }
        }
        Embedded::Type1(_) => return None,
    }
    Some(out)
}

/// Whether a CMap name is one of the predefined Unicode CMaps whose codes are their own Unicode:
/// `Some(false)` for UCS-2 (two-byte codes), `Some(true)` for UTF-16 (surrogate pairs as four bytes).
fn unicode_cmap_kind(name: &[u8]) -> Option<bool> {
    let name = std::str::from_utf8(name).ok()?;
    let rest = ["UniGB-", "UniJIS-", "UniKS-", "UniCNS-"]
        .iter()
        .find_map(|p| name.strip_prefix(p))?;
    match rest {
        "UCS2-H" => Some(false),
        "UTF16-H" => Some(true),
        _ => None,
    }
}

/// Splits UTF-16BE bytes into codes: a high surrogate followed by a low one is one four-byte code
/// (ISO 32000-1 9.7.6.2: the longest code in the CMap's code space ranges); anything else is two bytes
/// (a lone surrogate then has no Unicode), and an odd last byte is a code of its own with none.
fn utf16_codes(bytes: &[u8]) -> Vec<(u32, usize, usize)> {
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut i = 0;
    while i < bytes.len() {
        let (Some(&a), Some(&b)) = (bytes.get(i), bytes.get(i + 1)) else {
            out.push((u32::MAX, i, bytes.len() - i));
            break;
        };
        let unit = u16::from_be_bytes([a, b]);
        let low = bytes
            .get(i + 2..i + 4)
            .map(|s| u16::from_be_bytes([s[0], s[1]]))
            .filter(|l| (0xDC00..0xE000).contains(l));
        match low {
            Some(l) if (0xD800..0xDC00).contains(&unit) => {
                out.push(((unit as u32) << 16 | l as u32, i, 4));
                i += 4;
            }
            _ => {
                out.push((unit as u32, i, 2));
                i += 2;
            }
        }
    }
    out
}

/// The character a UCS-2 or UTF-16 code stands for (a four-byte code is a surrogate pair).
fn code_unicode(code: u32) -> Option<char> {
    if code > 0xFFFF {
        let units = [(code >> 16) as u16, code as u16];
        let mut it = char::decode_utf16(units);
        return it.next()?.ok().filter(|_| it.next().is_none());
    }
    char::from_u32(code)
}

/// The built-in encoding of a Type 1 font program: `/Encoding StandardEncoding def`, or the
/// `dup <code> /<glyph> put` entries of an `/Encoding 256 array` in its clear-text part. `None` if the
/// program says neither.
pub fn type1_builtin_encoding(program: &[u8]) -> Option<Vec<Option<String>>> {
    let clear_end = program
        .windows(6)
        .position(|w| w == b"eexec")
        .unwrap_or(program.len());
    let clear = String::from_utf8_lossy(&program[..clear_end.min(1 << 20)]);
    let at = clear.find("/Encoding")?;
    let rest = &clear[at..];
    if rest.starts_with("/Encoding StandardEncoding") {
        return Some(
            (0..256)
                .map(|c| encoded(Encoding::AdobeStandard, c as u8))
                .collect(),
        );
    }
    let mut out: Vec<Option<String>> = vec![None; 256];
    let mut any = false;
    let words: Vec<&str> = rest.split_whitespace().take(4096).collect();
    for w in words.windows(4) {
        if w[0] == "dup" && w[3].starts_with("put") && w[2].starts_with('/') {
            if let Ok(code) = w[1].parse::<usize>() {
                if code < 256 {
                    out[code] = glyph_name_to_unicode(&w[2][1..]);
                    any = true;
                }
            }
        }
        if (w[0] == "readonly" || w[0] == "def") && any {
            break;
        }
    }
    any.then_some(out)
}

fn descriptor_metrics(doc: &Document, fd: Option<&Dictionary>) -> Option<(f64, f64)> {
    let fd = fd?;
    let a = get_num(doc, fd, b"Ascent")?;
    let d = get_num(doc, fd, b"Descent").unwrap_or(-200.0);
    (a > 0.0 && a < 3000.0 && d <= 0.0 && d > -3000.0).then_some((a / 1000.0, d.min(-1.0) / 1000.0))
}

fn named_encoding(n: &[u8]) -> Option<Encoding> {
    match n {
        b"WinAnsiEncoding" => Some(Encoding::WinAnsiEncoding),
        b"MacRomanEncoding" => Some(Encoding::MacRomanEncoding),
        b"StandardEncoding" => Some(Encoding::AdobeStandard),
        b"MacExpertEncoding" => Some(Encoding::AdobeExpert),
        _ => None,
    }
}

/// Unicode for a glyph name: the Adobe Glyph List, `uniXXXX`, `uXXXX[XX]`, ligature names `f_f_i`,
/// suffixes (`a.sc`).
pub fn glyph_name_to_unicode(name: &str) -> Option<String> {
    if let Some(s) = pdf_encoding::glyphname_to_unicode(name) {
        return Some(s.to_string());
    }
    if let Ok(i) = tables::TEX_GLYPHS.binary_search_by(|(n, _)| (*n).cmp(name)) {
        return Some(tables::TEX_GLYPHS[i].1.to_string());
    }
    // TeX's big delimiters and operators (cmex): `parenleftBig`, `summationdisplay`, `hatwide` ...
    for suffix in [
        "bigg", "Bigg", "big", "Big", "text", "display", "widest", "wider", "wide",
    ] {
        if let Some(base) = name.strip_suffix(suffix).filter(|b| b.len() > 1) {
            let base = if base == "hat" { "circumflex" } else { base };
            if let Some(u) = pdf_encoding::glyphname_to_unicode(base) {
                return Some(u.to_string());
            }
            if let Ok(i) = tables::TEX_GLYPHS.binary_search_by(|(n, _)| (*n).cmp(base)) {
                return Some(tables::TEX_GLYPHS[i].1.to_string());
            }
        }
    }
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base != name {
        return glyph_name_to_unicode(base);
    }
    if base.contains('_') {
        let parts: Option<Vec<String>> = base.split('_').map(glyph_name_to_unicode).collect();
        return parts.map(|p| p.concat());
    }
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
                .collect();
            return String::from_utf16(&units).ok().filter(|s| !s.is_empty());
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(|c| c.to_string());
        }
    }
    None
}

/// Parses a ToUnicode CMap: code -> Unicode string.
pub fn parse_to_unicode(data: &[u8]) -> Result<HashMap<u32, String>, String> {
    let mut toks = cmap::Tokens::new(data);
    let mut map = HashMap::default();
    let mut pending: Vec<Operand> = Vec::new();
    let lim = super::content::ParseLimits::default();
    let mut mode = 0u8; // 1 = bfchar, 2 = bfrange
    while let Some(tok) = toks.token() {
        match tok {
            Token::Keyword(k) => {
                match k.as_slice() {
                    // (A CID mapping in a /ToUnicode is taken as mapping to the code point of the CID
                    // number, as poppler and pdf.js read it: Word writes Identity-H as a /ToUnicode.)
                    b"beginbfchar" | b"begincidchar" => mode = 1,
                    b"beginbfrange" | b"begincidrange" => mode = 2,
                    b"endbfchar" | b"endbfrange" | b"endcidchar" | b"endcidrange" => mode = 0,
                    _ => {}
                }
                pending.clear();
            }
            t => {
                let o = match toks.lx.complete(t, 0, &lim) {
                    Ok(o) => o,
                    Err(_) => continue,
                };
                if mode == 0 {
                    continue;
                }
                pending.push(o);
                if mode == 1 && pending.len() == 2 {
                    if let (Operand::Str(src), dst) = (&pending[0], &pending[1]) {
                        if let Some(d) = dst_string(dst) {
                            map.insert(code_of(src)?, d);
                        }
                    }
                    pending.clear();
                } else if mode == 2 && pending.len() == 3 {
                    if let (Operand::Str(lo), Operand::Str(hi)) = (&pending[0], &pending[1]) {
                        let (lo, hi) = (code_of(lo)?, code_of(hi)?);
                        if hi < lo || hi - lo > 65_535 || map.len() > 1_000_000 {
                            return Err("bfrange too large".into());
                        }
                        match &pending[2] {
                            Operand::Str(dst) => {
                                for (k, code) in (lo..=hi).enumerate() {
                                    let mut d = dst.clone();
                                    // ISO 32000-1 9.10.3 increments the last byte; producers (tesseract's
                                    // `<0000> <FFFF> <0000>`) rely on readers carrying into the byte before,
                                    // as poppler and pdf.js do: increment the last UTF-16 unit.
                                    if d.len() >= 2 {
                                        let n = d.len();
                                        let unit = (d[n - 2] as usize) << 8 | d[n - 1] as usize;
                                        let v = unit + k;
                                        if v > 0xFFFF {
                                            break;
                                        }
                                        d[n - 2] = (v >> 8) as u8;
                                        d[n - 1] = v as u8;
                                    } else if let Some(last) = d.last_mut() {
                                        let v = *last as usize + k;
                                        if v > 255 {
                                            break;
                                        }
                                        *last = v as u8;
                                    }
                                    if let Some(s) = utf16(&d) {
                                        map.insert(code, s);
                                    }
                                }
                            }
                            Operand::Array(items) => {
                                for (k, it) in items.iter().enumerate() {
                                    if let Some(s) = dst_string(it) {
                                        map.insert(lo + k as u32, s);
                                    }
                                }
                            }
                            Operand::Num(cid) if *cid >= 0.0 => {
                                for (k, code) in (lo..=hi).enumerate() {
                                    if let Some(c) = char::from_u32(*cid as u32 + k as u32) {
                                        map.insert(code, c.to_string());
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    pending.clear();
                }
            }
        }
    }
    Ok(map)
}

fn code_of(b: &[u8]) -> Result<u32, String> {
    if b.is_empty() || b.len() > 4 {
        return Err("bad source code".into());
    }
    Ok(b.iter().fold(0u32, |a, &x| a << 8 | x as u32))
}

fn dst_string(o: &Operand) -> Option<String> {
    match o {
        Operand::Str(d) => utf16(d),
        Operand::Num(n) if *n >= 0.0 => char::from_u32(*n as u32).map(String::from),
        Operand::Name(n) => glyph_name_to_unicode(&String::from_utf8_lossy(n)),
        _ => None,
    }
}

fn utf16(b: &[u8]) -> Option<String> {
    if !b.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| (c[0] as u16) << 8 | c[1] as u16)
        .collect();
    String::from_utf16(&units).ok()
}

/// Metrics of one standard-14 font, from its AFM.
pub struct Afm {
    pub name: &'static str,
    pub by_unicode: HashMap<String, f64>,
    /// Widths by code in the font's built-in encoding.
    pub by_code: [Option<f64>; 256],
    pub ascent: f64,
    pub descent: f64,
}

fn parse_afm(name: &'static str, text: &str) -> Afm {
    let mut by_unicode = HashMap::default();
    let mut by_code = [None; 256];
    let (mut ascent, mut descent) = (800.0, -200.0);
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("Ascender ") {
            ascent = v.trim().parse().unwrap_or(ascent);
        } else if let Some(v) = line.strip_prefix("Descender ") {
            descent = v.trim().parse().unwrap_or(descent);
        } else if line.starts_with("C ") {
            let (mut code, mut wx, mut gname) = (-1i64, None, None);
            for part in line.split(';') {
                let mut it = part.split_whitespace();
                match (it.next(), it.next()) {
                    (Some("C"), Some(v)) => code = v.parse().unwrap_or(-1),
                    (Some("WX"), Some(v)) => wx = v.parse::<f64>().ok(),
                    (Some("N"), Some(v)) => gname = Some(v),
                    _ => {}
                }
            }
            if let Some(w) = wx {
                if (0..256).contains(&code) {
                    by_code[code as usize] = Some(w);
                }
                if let Some(u) = gname.and_then(glyph_name_to_unicode) {
                    by_unicode.insert(u, w);
                }
            }
        }
    }
    Afm {
        name,
        by_unicode,
        by_code,
        ascent,
        descent,
    }
}

fn afms() -> &'static Vec<Afm> {
    static AFMS: OnceLock<Vec<Afm>> = OnceLock::new();
    AFMS.get_or_init(|| {
        use pdf_core_14_font_afms as a;
        [
            ("Courier", a::COURIER),
            ("Courier-Bold", a::COURIER_BOLD),
            ("Courier-Oblique", a::COURIER_OBLIQUE),
            ("Courier-BoldOblique", a::COURIER_BOLD_OBLIQUE),
            ("Helvetica", a::HELVETICA),
            ("Helvetica-Bold", a::HELVETICA_BOLD),
            ("Helvetica-Oblique", a::HELVETICA_OBLIQUE),
            ("Helvetica-BoldOblique", a::HELVETICA_BOLD_OBLIQUE),
            ("Times-Roman", a::TIMES_ROMAN),
            ("Times-Bold", a::TIMES_BOLD),
            ("Times-Italic", a::TIMES_ITALIC),
            ("Times-BoldItalic", a::TIMES_BOLD_ITALIC),
            ("Symbol", a::SYMBOL),
            ("ZapfDingbats", a::ZAPF_DINGBATS),
        ]
        .into_iter()
        .map(|(n, t)| parse_afm(n, t))
        .collect()
    })
}

/// The standard-14 metrics for a base font name, including the usual aliases (Arial, TimesNewRoman ...).
pub fn standard14(base: &str) -> Option<&'static Afm> {
    let lower = base.to_ascii_lowercase().replace([' ', '-', ','], "");
    let bold = lower.contains("bold");
    let italic = lower.contains("italic") || lower.contains("oblique");
    let family = if lower.starts_with("helvetica") || lower.starts_with("arial") {
        "Helvetica"
    } else if lower.starts_with("times") {
        "Times"
    } else if lower.starts_with("courier") {
        "Courier"
    } else if lower.starts_with("symbol") {
        return afms().iter().find(|a| a.name == "Symbol");
    } else if lower.starts_with("zapfdingbats") {
        return afms().iter().find(|a| a.name == "ZapfDingbats");
    } else {
        return None;
    };
    let want = match (family, bold, italic) {
        ("Times", false, false) => "Times-Roman".to_string(),
        ("Times", true, false) => "Times-Bold".into(),
        ("Times", false, true) => "Times-Italic".into(),
        ("Times", true, true) => "Times-BoldItalic".into(),
        (f, false, false) => f.to_string(),
        (f, true, false) => format!("{f}-Bold"),
        (f, false, true) => format!("{f}-Oblique"),
        (f, true, true) => format!("{f}-BoldOblique"),
    };
    afms().iter().find(|a| a.name == want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_program_encoding() {
        let prog = b"%!PS-AdobeFont-1.0: CMBX12\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 67 /C put\ndup 97 /a put\ndup 12 /fi put\nreadonly def\ncurrentfile eexec\x00\x01";
        let enc = type1_builtin_encoding(prog).expect("has an encoding");
        assert_eq!(enc[67].as_deref(), Some("C"));
        assert_eq!(enc[97].as_deref(), Some("a"));
        assert_eq!(enc[12].as_deref(), Some("ﬁ"));
        assert_eq!(enc[66], None);
        assert_eq!(
            type1_builtin_encoding(b"/Encoding StandardEncoding def").expect("standard")[65]
                .as_deref(),
            Some("A")
        );
    }

    #[test]
    fn glyph_names() {
        let rows = [
            ("a", Some("a")),
            ("uni0041", Some("A")),
            ("u1F600", Some("😀")),
            ("f_i", Some("fi")),
            ("fi", Some("ﬁ")),
            ("a.sc", Some("a")),
            ("g123", None),
        ];
        for (name, want) in rows {
            assert_eq!(glyph_name_to_unicode(name).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn to_unicode_cmap() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0001> <0041> <0002> <00660069> endbfchar
            2 beginbfrange <0010> <0012> <0061> <0020> <0021> [<0058> <0059>] endbfrange
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let m = parse_to_unicode(cmap).expect("parses");
        assert_eq!(m[&1], "A");
        assert_eq!(m[&2], "fi");
        assert_eq!(m[&0x11], "b");
        assert_eq!(m[&0x12], "c");
        assert_eq!(m[&0x21], "Y");
        // A range over the whole code space carries past the last byte (tesseract's GlyphLessFont).
        let ident =
            parse_to_unicode(b"1 beginbfrange <0000> <FFFF> <0000> endbfrange").expect("parses");
        assert_eq!(ident[&0x2019], "\u{2019}");
        assert_eq!(ident[&0x41], "A");
    }

    #[test]
    fn utf16_codes_and_their_unicode() {
        type Row<'a> = (&'a [u8], &'a [(u32, usize, usize)]);
        let rows: [Row; 5] = [
            (
                &[0, 0x41, 0xD8, 0x35, 0xDC, 0x9C, 0, 0x42],
                &[(0x41, 0, 2), (0xD835_DC9C, 2, 4), (0x42, 6, 2)],
            ),
            // A high surrogate not followed by a low one, a lone low one, an odd last byte.
            (&[0xD8, 0x35, 0, 0x41], &[(0xD835, 0, 2), (0x41, 2, 2)]),
            (&[0xDC, 0x9C], &[(0xDC9C, 0, 2)]),
            (&[0, 0x41, 0x42], &[(0x41, 0, 2), (u32::MAX, 2, 1)]),
            (&[0xD8, 0x35, 0xDC], &[(0xD835, 0, 2), (u32::MAX, 2, 1)]),
        ];
        for (bytes, want) in rows {
            assert_eq!(utf16_codes(bytes), want, "{bytes:02X?}");
        }
        let uni = [
            (0x41, Some('A')),
            (0xD835_DC9C, Some('\u{1D49C}')),
            (0xD835, None),
            (0xDC9C, None),
            (0x0041_0042, None),
            (u32::MAX, None),
        ];
        for (code, want) in uni {
            assert_eq!(code_unicode(code), want, "{code:#x}");
        }
        let names = [
            ("UniGB-UCS2-H", Some(false)),
            ("UniJIS-UCS2-H", Some(false)),
            ("UniKS-UTF16-H", Some(true)),
            ("UniCNS-UTF16-H", Some(true)),
            ("UniGB-UCS2-V", None),
            ("UniJIS-UCS2-HW-H", None),
            ("UniGB-UTF8-H", None),
            ("GBK-EUC-H", None),
        ];
        for (name, want) in names {
            assert_eq!(unicode_cmap_kind(name.as_bytes()), want, "{name}");
        }
    }

    #[test]
    fn cid_metrics_arrays() {
        let doc = Document::new();
        let i = |v: i64| Object::Integer(v);
        // /W2: `c [w1 vx vy ...]` and `first last w1 vx vy`.
        let w2 = vec![
            i(5),
            Object::Array(vec![i(-1000), i(500), i(880), i(-500), i(250), i(440)]),
            i(10),
            i(12),
            i(-900),
            i(300),
            i(800),
        ];
        let m = cid_metrics(&doc, &w2, 3, "F", "W2").expect("reads");
        assert_eq!(m[&5], [-1000.0, 500.0, 880.0]);
        assert_eq!(m[&6], [-500.0, 250.0, 440.0]);
        assert_eq!(m[&12], [-900.0, 300.0, 800.0]);
        assert_eq!(m.len(), 5);
        let rows: [(Vec<Object>, &str); 4] = [
            (vec![i(1), Object::Array(vec![i(1), i(2)])], "bad /W2"),
            (vec![i(1), i(2), i(3)], "bad /W2"),
            (vec![i(9), i(2), i(1), i(1), i(1)], "bad /W2 range"),
            (
                (0..3)
                    .flat_map(|k| [i(k * 70_000), i(k * 70_000 + 70_000), i(1), i(1), i(1)])
                    .collect(),
                "too many glyphs",
            ),
        ];
        for (arr, want) in rows {
            let e = cid_metrics(&doc, &arr, 3, "F", "W2").expect_err("refused");
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn standard14_widths_and_aliases() {
        let h = standard14("Helvetica").expect("helvetica");
        assert_eq!(h.by_unicode.get("a"), Some(&556.0));
        assert_eq!(
            standard14("Arial,Bold").map(|a| a.name),
            Some("Helvetica-Bold")
        );
        assert_eq!(
            standard14("TimesNewRomanPSMT").map(|a| a.name),
            Some("Times-Roman")
        );
        assert!(standard14("DejaVuSans").is_none());
    }
}
