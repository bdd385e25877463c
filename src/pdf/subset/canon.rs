//! Canonical glyph codes and glyph order. A subsetting producer numbers glyphs by first use (fpdf2,
//! cairo, LibreOffice, reportlab), keeps a slot for every glyph its subset had (fpdf2's
//! /CIDToGIDMap, Chromium's retained glyph ids), or orders them by a hash of the glyph set
//! (Ghostscript): the codes of all later text, the glyph ids and the font program's layout then
//! depend on which letters a redacted name held and where it stood. Once the glyphs only the name
//! drew are gone ([`super::prune_fonts`]), this renumbers each font from the output alone:
//!
//! - a Type 0 font with an Identity CMap (CIDFontType2 with TrueType outlines, or CIDFontType0 with a
//!   CID-keyed CFF program), and a symbolic simple TrueType font without an /Encoding: the codes
//!   the part draws become 1, 2, 3, ... in the order they are first drawn (pages in order, forms
//!   where they are drawn), and the strings, /W or /Widths, /CIDToGIDMap, /ToUnicode follow;
//! - a simple font with an /Encoding (TrueType, or CFF: Type1C), whose codes are character codes:
//!   the codes stay;
//!
//! and in every case the program is rebuilt with only its drawn glyphs, in the order their codes are
//! first drawn ([`super::renumber_truetype`], [`super::cff::renumber`]), and the subset tag is
//! made from the new program. Two parts that show the same text in the same fonts then have the same
//! content streams and font programs, byte for byte, whatever name was removed.
//!
//! Only what is certain is renumbered: a font every use of which is in content followed here (page
//! streams and the forms they draw; not patterns, Type 3 glyphs or anything else that names it), whose
//! descendant, descriptor, program and /ToUnicode serve it alone, each of whose drawn codes selects
//! one glyph, and (where codes change) has a Unicode. Anything else (and any stream that does not
//! parse on its own) leaves every font of the part as pruning left it.

use super::super::content::{self, fmt_num, Op, Operand, ParseLimits};
use super::super::fonts::{load_font, Font};
use super::super::{decode_stream, get, get_array, get_dict, get_name, ref_id};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Deepest Form XObject nesting followed.
const MAX_FORM_DEPTH: usize = 12;

/// A font that may be renumbered, and what it needs.
struct Candidate {
    font: Font,
    /// The dictionary that holds the widths and the descriptor: the CIDFont of a Type 0 font, or
    /// the simple font itself.
    holder: ObjectId,
    descriptor: ObjectId,
    program: ObjectId,
    /// The program is CFF (FontFile3), else TrueType (FontFile2).
    cff: bool,
    to_unicode: Option<ObjectId>,
    glyphs: Glyphs,
    /// Codes in the order the part first draws them.
    order: Vec<u32>,
    seen: HashSet<u32>,
}

/// How a font's codes find their glyphs, and whether the codes change.
enum Glyphs {
    /// A Type 0 font over TrueType outlines: CID -> glyph id through this map (`None`: Identity).
    Cid(Option<Vec<u8>>),
    /// A Type 0 font over a CID-keyed CFF program: CID -> glyph through its charset.
    CidCff,
    /// A symbolic simple TrueType font: code -> glyph id through the program's (3, 0) or (1, 0) map.
    Symbolic(HashMap<u32, u16>),
    /// A simple font with an /Encoding: its codes stay.
    Encoded,
}

impl Glyphs {
    /// Codes change (to 1, 2, 3, ...).
    fn renumbered(&self) -> bool {
        !matches!(self, Glyphs::Encoded)
    }
}

/// What the walk over the part's content found.
#[derive(Default)]
struct Walk {
    fonts: BTreeMap<ObjectId, Option<Candidate>>,
    /// Per content stream: the text operations that draw with a candidate, and its font.
    streams: BTreeMap<ObjectId, Vec<(usize, ObjectId)>>,
    /// How often the walked resources name each font.
    named: HashMap<ObjectId, usize>,
    /// Resource dictionaries already counted.
    counted: HashSet<*const Dictionary>,
    /// Word spacing is set somewhere (it moves single-byte code 32 only, so simple fonts keep their
    /// codes).
    word_spacing: bool,
}

/// Renumbers the fonts of a part whose pages are `pages` (see the module doc). Does nothing when
/// anything on the way is uncertain.
pub fn canonical_codes(doc: &mut Document, pages: &[ObjectId]) {
    // (Most parts have no such font: their content is not read again.)
    let any = doc.objects.values().any(|o| match o {
        Object::Dictionary(d) => {
            (get_name(doc, d, b"Type") == Some(b"Font") || d.has(b"BaseFont"))
                && match get_name(doc, d, b"Subtype") {
                    Some(b"Type0") => true,
                    Some(b"TrueType" | b"Type1") => d.has(b"FontDescriptor"),
                    _ => false,
                }
        }
        _ => false,
    });
    if !any {
        return;
    }
    let Some(walk) = walk(doc, pages) else {
        return;
    };
    let Some(plan) = plan(doc, &walk) else {
        return;
    };
    apply(doc, plan);
}

/// The new objects and stream contents, all worked out before anything changes.
struct Plan {
    objects: Vec<(ObjectId, Object)>,
    contents: Vec<(ObjectId, Vec<u8>)>,
    /// Keys set in a dictionary (a stream value becomes an object of its own).
    sets: Vec<(ObjectId, Vec<(&'static str, Object)>)>,
    names: Vec<(ObjectId, Vec<u8>)>,
}

fn walk(doc: &Document, pages: &[ObjectId]) -> Option<Walk> {
    let mut w = Walk::default();
    for &p in pages {
        let Some(res) = super::super::page::page_resources(doc, p) else {
            continue;
        };
        let streams = super::super::extract::page_streams(doc, p, &Default::default()).ok()?;
        let mut current: Option<ObjectId> = None;
        let mut stack: Vec<Option<ObjectId>> = Vec::new();
        for (sid, data, _) in streams {
            walk_stream(doc, &mut w, sid, &data, res, &mut current, &mut stack, 0)?;
        }
    }
    Some(w)
}

#[allow(clippy::too_many_arguments)]
fn walk_stream(
    doc: &Document,
    w: &mut Walk,
    sid: ObjectId,
    data: &[u8],
    res: &Dictionary,
    current: &mut Option<ObjectId>,
    stack: &mut Vec<Option<ObjectId>>,
    depth: usize,
) -> Option<()> {
    let ops = content::parse(data, &ParseLimits::default()).ok()?;
    let fonts = get_dict(doc, res, b"Font");
    if w.counted.insert(res as *const Dictionary) {
        for (_, v) in fonts.into_iter().flat_map(|f| f.iter()) {
            if let Object::Reference(id) = v {
                *w.named.entry(*id).or_default() += 1;
                w.fonts.entry(*id).or_insert_with(|| candidate(doc, *id));
            }
        }
    }
    let mut uses: Vec<(usize, ObjectId)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op.operator.as_slice() {
            b"q" => stack.push(*current),
            b"Q" => *current = stack.pop().unwrap_or(*current),
            b"Tf" => {
                *current = op
                    .operands
                    .first()
                    .and_then(Operand::name)
                    .and_then(|n| fonts.and_then(|f| f.get(n).ok()))
                    .and_then(|o| o.as_reference().ok());
            }
            b"Tw" | b"\"" if op.num(0).is_some_and(|v| v != 0.0) => {
                w.word_spacing = true;
            }
            _ => {}
        }
        match op.operator.as_slice() {
            b"Tj" | b"TJ" | b"'" | b"\"" => {
                let Some(fid) = *current else { continue };
                let Some(Some(c)) = w.fonts.get_mut(&fid) else {
                    continue;
                };
                for s in strings(op) {
                    for (code, _, _) in c.font.codes(s) {
                        if c.seen.insert(code) {
                            c.order.push(code);
                        }
                    }
                }
                uses.push((i, fid));
            }
            b"Do" => {
                let name = op.operands.first().and_then(Operand::name)?;
                let id = get_dict(doc, res, b"XObject")?
                    .get(name)
                    .ok()?
                    .as_reference()
                    .ok()?;
                let Ok(Object::Stream(s)) = doc.get_object(id) else {
                    return None;
                };
                if get_name(doc, &s.dict, b"Subtype") != Some(b"Form") {
                    continue;
                }
                if depth >= MAX_FORM_DEPTH {
                    return None;
                }
                let inner = get_dict(doc, &s.dict, b"Resources").unwrap_or(res);
                let d = decode_stream(s, 64 << 20).ok()?;
                // (The form starts from the graphics state where it is drawn, the font with it.)
                let mut cur = *current;
                walk_stream(doc, w, id, &d, inner, &mut cur, &mut Vec::new(), depth + 1)?;
            }
            _ => {}
        }
    }
    // A stream drawn twice (by two pages, or a form drawn twice) must draw with the same fonts.
    match w.streams.get(&sid) {
        Some(before) if *before != uses => None,
        _ => {
            w.streams.insert(sid, uses);
            Some(())
        }
    }
}

/// The string operands of a text operation.
fn strings(op: &Op) -> Vec<&[u8]> {
    match op.operands.last() {
        Some(Operand::Array(a)) if op.is("TJ") => a
            .iter()
            .filter_map(|o| match o {
                Operand::Str(s) => Some(s.as_slice()),
                _ => None,
            })
            .collect(),
        Some(Operand::Str(s)) => vec![s.as_slice()],
        _ => Vec::new(),
    }
}

/// A font of one of the kinds of [`Glyphs`] with an embedded TrueType (glyf) or CFF program, or
/// `None`.
fn candidate(doc: &Document, id: ObjectId) -> Option<Candidate> {
    let d = doc.get_dictionary(id).ok()?;
    let to_unicode = ref_id(d, b"ToUnicode");
    let sub = get_name(doc, d, b"Subtype")?;
    let (holder, kid) = match sub {
        b"Type0" => {
            if !matches!(
                get_name(doc, d, b"Encoding")?,
                b"Identity-H" | b"Identity-V"
            ) {
                return None;
            }
            let kids = get_array(doc, d, b"DescendantFonts")?;
            let [Object::Reference(k)] = kids.as_slice() else {
                return None;
            };
            let kid = doc.get_dictionary(*k).ok()?;
            if kid.has(b"W2") {
                return None;
            }
            (*k, kid)
        }
        b"TrueType" | b"Type1" => (id, d),
        _ => return None,
    };
    let descriptor = ref_id(kid, b"FontDescriptor")?;
    let desc = doc.get_dictionary(descriptor).ok()?;
    let (program, cff) = match (ref_id(desc, b"FontFile2"), ref_id(desc, b"FontFile3")) {
        (Some(p), None) => (p, false),
        (None, Some(p)) => {
            let Ok(Object::Stream(s)) = doc.get_object(p) else {
                return None;
            };
            let want: &[u8] = if sub == b"Type0" {
                b"CIDFontType0C"
            } else {
                b"Type1C"
            };
            (get_name(doc, &s.dict, b"Subtype")? == want).then_some((p, true))?
        }
        _ => return None,
    };
    let glyphs = match (sub, cff) {
        (b"Type0", false) => {
            if get_name(doc, kid, b"Subtype")? != b"CIDFontType2" {
                return None;
            }
            Glyphs::Cid(match get(doc, kid, b"CIDToGIDMap") {
                None => None,
                Some(Object::Name(n)) if n == b"Identity" => None,
                Some(Object::Stream(s)) => Some(decode_stream(s, 1 << 20).ok()?),
                Some(_) => return None,
            })
        }
        (b"Type0", true) => {
            if get_name(doc, kid, b"Subtype")? != b"CIDFontType0" {
                return None;
            }
            Glyphs::CidCff
        }
        (b"TrueType", false) if !d.has(b"Encoding") => {
            // Symbolic (flag 3) and not nonsymbolic (flag 6): readers take the program's maps.
            let flags = super::super::get_num(doc, desc, b"Flags")? as i64;
            if flags & 4 == 0 || flags & 32 != 0 {
                return None;
            }
            let Ok(Object::Stream(s)) = doc.get_object(program) else {
                return None;
            };
            let data = decode_stream(s, 64 << 20).ok()?;
            let t = super::Tables::read(&data)?;
            let maps = super::cmaps(&data, &t)?;
            let pick = |key: (u16, u16)| maps.iter().find(|(k, _)| *k == key).map(|(_, m)| m);
            let mut by_code = HashMap::new();
            for code in 0..256u32 {
                let g = pick((3, 0))
                    .and_then(|m| m.get(&(0xF000 + code)).or_else(|| m.get(&code)))
                    .or_else(|| pick((1, 0)).and_then(|m| m.get(&code)));
                if let Some(&g) = g {
                    by_code.insert(code, g);
                }
            }
            Glyphs::Symbolic(by_code)
        }
        (b"TrueType", false) | (b"Type1", true) if d.has(b"Encoding") => Glyphs::Encoded,
        _ => return None,
    };
    if glyphs.renumbered() && to_unicode.is_none() {
        return None;
    }
    Some(Candidate {
        font: load_font(doc, d).ok()?,
        holder,
        descriptor,
        program,
        cff,
        to_unicode,
        glyphs,
        order: Vec::new(),
        seen: HashSet::new(),
    })
}

/// How many times each object is named anywhere in the document.
fn references(doc: &Document) -> HashMap<ObjectId, usize> {
    fn count(o: &Object, n: &mut HashMap<ObjectId, usize>) {
        match o {
            Object::Reference(id) => *n.entry(*id).or_default() += 1,
            Object::Array(a) => a.iter().for_each(|o| count(o, n)),
            Object::Dictionary(d) => d.iter().for_each(|(_, o)| count(o, n)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, o)| count(o, n)),
            _ => {}
        }
    }
    let mut n = HashMap::new();
    for o in doc.objects.values() {
        count(o, &mut n);
    }
    for (_, o) in doc.trailer.iter() {
        count(o, &mut n);
    }
    n
}

fn plan(doc: &Document, w: &Walk) -> Option<Plan> {
    let refs = references(doc);
    let once = |id: ObjectId| refs.get(&id).copied().unwrap_or(0) == 1;
    let mut p = Plan {
        objects: Vec::new(),
        contents: Vec::new(),
        sets: Vec::new(),
        names: Vec::new(),
    };
    // Font -> old code -> new code.
    let mut maps: HashMap<ObjectId, HashMap<u32, u32>> = HashMap::new();
    let mut changed = false;
    for (&fid, c) in &w.fonts {
        let Some(c) = c else { continue };
        // Named only by the resources walked; its parts serve it alone. (A simple font's codes
        // stay where word spacing is set: it moves whatever code 32 draws.)
        let simple = matches!(c.glyphs, Glyphs::Symbolic(_));
        if refs.get(&fid) != w.named.get(&fid)
            || (c.holder != fid && !once(c.holder))
            || ![c.descriptor, c.program]
                .into_iter()
                .chain(c.to_unicode)
                .all(once)
            || (simple && w.word_spacing)
        {
            continue;
        }
        let Some(new) = renumber(doc, fid, c) else {
            continue;
        };
        if c.glyphs.renumbered() {
            maps.insert(fid, new.codes);
        }
        p.objects.push((c.program, Object::Stream(new.program)));
        if let (Some(id), Some(tu)) = (c.to_unicode, new.to_unicode) {
            p.objects.push((id, Object::Stream(tu)));
        }
        p.sets.push((c.holder, new.sets));
        p.sets.push((c.descriptor, new.descriptor));
        p.names.push((fid, new.tag));
        changed = true;
    }
    if !changed {
        return None;
    }
    for (&sid, uses) in &w.streams {
        let uses: Vec<&(usize, ObjectId)> =
            uses.iter().filter(|(_, f)| maps.contains_key(f)).collect();
        if uses.is_empty() {
            continue;
        }
        let Ok(Object::Stream(s)) = doc.get_object(sid) else {
            return None;
        };
        let (data, _) = super::super::decode_content(s, 256 << 20).ok()?;
        let ops = content::parse(&data, &ParseLimits::default()).ok()?;
        let mut rep = BTreeMap::new();
        for &&(i, fid) in &uses {
            let Some(Some(c)) = w.fonts.get(&fid) else {
                return None;
            };
            rep.insert(i, remap_op(ops.get(i)?, &c.font, maps.get(&fid)?)?);
        }
        p.contents.push((sid, content::rewrite(&data, &ops, &rep)));
    }
    Some(p)
}

/// A renumbered font.
struct Renumbered {
    codes: HashMap<u32, u32>,
    program: Stream,
    to_unicode: Option<Stream>,
    /// Keys set in the holder (`Null`: removed).
    sets: Vec<(&'static str, Object)>,
    /// Keys set in the font descriptor (`Null`: removed).
    descriptor: Vec<(&'static str, Object)>,
    tag: Vec<u8>,
}

fn renumber(doc: &Document, fid: ObjectId, c: &Candidate) -> Option<Renumbered> {
    let Ok(Object::Stream(s)) = doc.get_object(c.program) else {
        return None;
    };
    let data = decode_stream(s, 64 << 20).ok()?;
    let simple = matches!(c.glyphs, Glyphs::Symbolic(_) | Glyphs::Encoded);
    let renumbered = c.glyphs.renumbered();
    let gid_of = |code: u32| -> Option<u16> {
        match &c.glyphs {
            Glyphs::Cid(None) => u16::try_from(c.font.cid(code)?).ok(),
            Glyphs::Cid(Some(m)) => {
                let at = 2 * c.font.cid(code)? as usize;
                Some(u16::from_be_bytes([*m.get(at)?, *m.get(at + 1)?]))
            }
            Glyphs::Symbolic(m) => m.get(&code).copied(),
            // (As pruning finds them: one glyph besides .notdef, or none.)
            Glyphs::CidCff | Glyphs::Encoded => {
                let g =
                    super::glyphs_of(doc, fid, &std::collections::BTreeSet::from([code]), &c.font)?;
                let mut g = g.into_iter().filter(|&g| g != 0);
                let one = g.next().unwrap_or(0);
                g.next().is_none().then_some(one)
            }
        }
    };
    // (A simple font has codes 1 to 255.)
    if simple && c.order.len() > 255 {
        return None;
    }
    let mut order: Vec<u16> = vec![0];
    let mut gids: Vec<u16> = Vec::with_capacity(c.order.len());
    let mut codes = HashMap::new();
    let mut unicode: Vec<(u32, String)> = Vec::new();
    let mut widths: Vec<Object> = Vec::new();
    for (k, &code) in c.order.iter().enumerate() {
        let new = u32::try_from(k + 1).ok().filter(|&n| n <= 0xFFFF)?;
        let gid = gid_of(code)?;
        if !order.contains(&gid) {
            order.push(gid);
        } else if matches!(c.glyphs, Glyphs::CidCff) {
            // (A CFF glyph has one CID: two codes drawing one glyph cannot both be renumbered.)
            return None;
        }
        gids.push(gid);
        codes.insert(code, new);
        if renumbered {
            let text = c.font.unicode(code).filter(|t| !t.is_empty())?;
            unicode.push((new, text.into_owned()));
            widths.push(number(c.font.advance(code) / c.font.scale));
        }
    }
    // The program, and what the descriptor should say of its glyphs: their box (1000 units to the
    // em) and, for CFF, the dominant vertical stem its Private DICT gives.
    let (program, full, bbox, stem): (Vec<u8>, Vec<u16>, Option<[f64; 4]>, Option<f64>) = if c.cff {
        // (CID-keyed: glyph k of the new order is CID k.)
        let cids: Vec<u16> = (0..order.len() as u16).collect();
        let cids = matches!(c.glyphs, Glyphs::CidCff).then_some(cids.as_slice());
        let r = super::cff::renumber(&data, &order, cids)?;
        (r.bytes, order.clone(), r.bbox, r.std_vw)
    } else {
        let symbolic: Vec<(u8, u16)> = gids
            .iter()
            .enumerate()
            .map(|(k, &g)| (k as u8 + 1, g))
            .collect();
        let symbolic = matches!(c.glyphs, Glyphs::Symbolic(_)).then_some(symbolic.as_slice());
        let (p, full) = super::renumber_truetype(&data, &order, symbolic)?;
        let bbox = truetype_bbox(&p);
        (p, full, bbox, None)
    };
    let index: HashMap<u16, u16> = full
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i as u16))
        .collect();
    let new_gids: Vec<u16> = gids
        .iter()
        .map(|g| index.get(g).copied())
        .collect::<Option<_>>()?;
    let w = || {
        if widths.is_empty() {
            Object::Array(Vec::new())
        } else {
            Object::Array(vec![Object::Integer(1), Object::Array(widths.clone())])
        }
    };
    let sets = match c.glyphs {
        Glyphs::Encoded => Vec::new(),
        Glyphs::Symbolic(_) => vec![
            ("FirstChar", Object::Integer(1)),
            ("LastChar", Object::Integer(widths.len().max(1) as i64)),
            ("Widths", Object::Array(widths.clone())),
        ],
        Glyphs::CidCff => vec![("W", w()), ("CIDToGIDMap", Object::Null)],
        Glyphs::Cid(_) => {
            let map = if new_gids
                .iter()
                .enumerate()
                .all(|(k, &g)| g as usize == k + 1)
            {
                Object::Name(b"Identity".to_vec())
            } else {
                let mut m = vec![0u8, 0];
                m.extend(new_gids.iter().flat_map(|g| g.to_be_bytes()));
                let mut st = Stream::new(Dictionary::new(), m);
                super::super::compress(&mut st);
                Object::Stream(st)
            };
            vec![("W", w()), ("CIDToGIDMap", map)]
        }
    };
    // The subset tag: from what the new font holds, so that it says nothing the output does not.
    let cmap = super::to_unicode_cmap(&unicode, !simple);
    let tag = super::tag_of(&[program.as_slice(), &cmap].concat());
    let mut dict = super::program_dict(&s.dict);
    if !c.cff {
        dict.set("Length1", program.len() as i64);
    }
    let mut prog = Stream::new(dict, program);
    super::super::compress(&mut prog);
    let to_unicode = renumbered.then(|| {
        let mut tu = Stream::new(Dictionary::new(), cmap);
        super::super::compress(&mut tu);
        tu
    });
    let mut descriptor: Vec<(&'static str, Object)> = vec![
        // (Optional figures a producer may have worked out from the subset's glyphs.)
        ("AvgWidth", Object::Null),
        ("MaxWidth", Object::Null),
    ];
    if let Some(b) = bbox {
        descriptor.push((
            "FontBBox",
            Object::Array(
                b.iter()
                    .map(|&v| Object::Integer(v.round() as i64))
                    .collect(),
            ),
        ));
    }
    if let Some(v) = stem {
        descriptor.push(("StemV", Object::Integer(v.round() as i64)));
    }
    Some(Renumbered {
        codes,
        program: prog,
        to_unicode,
        sets,
        descriptor,
        tag,
    })
}

/// A TrueType file's bounding box (head), in units of 1/1000 em.
fn truetype_bbox(d: &[u8]) -> Option<[f64; 4]> {
    let t = super::Tables::read(d)?;
    let head = t.get(d, b"head")?;
    let upem = super::u16_at(head, 18)? as f64;
    if upem <= 0.0 {
        return None;
    }
    let v = |o: usize| super::u16_at(head, o).map(|x| x as i16 as f64 * 1000.0 / upem);
    Some([v(36)?, v(38)?, v(40)?, v(42)?])
}

/// A width as the PDF writes it: whole numbers as integers.
fn number(v: f64) -> Object {
    let r = (v * 1000.0).round() / 1000.0;
    if r == r.trunc() && r.abs() < 1e9 {
        Object::Integer(r as i64)
    } else {
        Object::Real(r as f32)
    }
}

/// A text operation with its strings in the new codes (hex strings), its numbers as they were.
fn remap_op(op: &Op, font: &Font, map: &HashMap<u32, u32>) -> Option<Vec<u8>> {
    let string = |b: &[u8]| -> Option<String> {
        let mut out = Vec::new();
        for (code, _, _) in font.codes(b) {
            let new = *map.get(&code)?;
            if font.two_byte {
                out.extend((new as u16).to_be_bytes());
            } else {
                out.push(u8::try_from(new).ok()?);
            }
        }
        Some(content::hex_string(&out))
    };
    let mut parts: Vec<String> = Vec::new();
    for o in &op.operands {
        parts.push(match o {
            Operand::Num(n) => exact(*n),
            Operand::Str(b) => string(b)?,
            Operand::Array(a) if op.is("TJ") => {
                let items: Vec<String> = a
                    .iter()
                    .map(|o| match o {
                        Operand::Num(n) => Some(exact(*n)),
                        Operand::Str(b) => string(b),
                        _ => None,
                    })
                    .collect::<Option<_>>()?;
                format!("[{}]", items.join(" "))
            }
            _ => return None,
        });
    }
    parts.push(String::from_utf8(op.operator.to_vec()).ok()?);
    Some(parts.join(" ").into_bytes())
}

/// A number written back as it was read (the shortest form that reads back the same).
fn exact(n: f64) -> String {
    if n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else if n.is_finite() {
        format!("{n}")
    } else {
        fmt_num(0.0)
    }
}

fn apply(doc: &mut Document, p: Plan) {
    for (id, o) in p.objects {
        if let Ok(slot) = doc.get_object_mut(id) {
            *slot = o;
        }
    }
    for (sid, data) in p.contents {
        if let Ok(Object::Stream(s)) = doc.get_object_mut(sid) {
            s.set_plain_content(data);
            super::super::compress(s);
        }
    }
    let mut tags: HashMap<ObjectId, Vec<u8>> = HashMap::new();
    for (fid, tag) in p.names {
        tags.insert(fid, tag);
    }
    for (id, sets) in p.sets {
        for (key, value) in sets {
            let value = match value {
                Object::Stream(s) => Object::Reference(doc.add_object(s)),
                o => o,
            };
            if let Ok(d) = doc.get_dictionary_mut(id) {
                if matches!(value, Object::Null) {
                    d.remove(key.as_bytes());
                } else {
                    d.set(key, value);
                }
            }
        }
    }
    // The subset tag of the font's names (a producer may derive it from the glyphs it held).
    for (fid, tag) in tags {
        super::retag(doc, fid, &tag);
    }
}
