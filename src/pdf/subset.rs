//! Glyphs that only redacted text used leave the embedded fonts. A subset font holds exactly the
//! glyphs its document drew; once a name is removed, the glyphs only it used (a "Q", a "ž") would
//! still say which letters it had, through the glyph outlines, the font's own character map, the
//! PostScript glyph names, the advance widths and the PDF's /ToUnicode and /Widths. For every embedded
//! TrueType font (simple or CIDFontType2 with Identity encoding) of a part, this keeps the glyphs the
//! part's remaining text draws (and the components they are built from) and empties the others in all
//! of those places. A font it cannot read with confidence (another type, an unknown encoding, a damaged
//! program, a code it cannot map) is left as it was.

use super::content::{self, Operand};
use super::fonts::sfnt::{cmaps, u16_at, u32_at, Tables};
use super::{get_array, get_dict, get_name};
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Deepest Form XObject nesting followed when collecting the codes drawn.
const MAX_FORM_DEPTH: usize = 12;

/// Codes drawn per font dictionary (`None`: the font is used in a way not followed; leave it).
type Used = BTreeMap<ObjectId, Option<BTreeSet<u32>>>;

/// Prunes the fonts of a part whose pages are `pages`.
pub fn prune_fonts(doc: &mut Document, pages: &[ObjectId]) {
    let mut used: Used = BTreeMap::new();
    // Fonts are read once for the whole part, whichever pages and forms draw them.
    let mut loaded: HashMap<ObjectId, Option<super::fonts::Font>> = HashMap::new();
    for &p in pages {
        let Some(res) = super::page::page_resources(doc, p).cloned() else {
            continue;
        };
        let Ok(streams) = super::extract::page_streams(doc, p, &Default::default()) else {
            mark_all_unknown(doc, &res, &mut used);
            continue;
        };
        let data: Vec<u8> = streams
            .into_iter()
            .flat_map(|(_, d, _)| d.into_iter().chain([b'\n']))
            .collect();
        collect(
            doc,
            &data,
            &res,
            0,
            &mut HashSet::new(),
            &mut used,
            &mut loaded,
        );
    }
    // Glyphs to keep per font program (a program may serve several font dictionaries; `None`: one of
    // them is used in a way not followed, so the program stays whole).
    let mut keep: BTreeMap<ObjectId, Option<BTreeSet<u16>>> = BTreeMap::new();
    let mut edits: Vec<(ObjectId, BTreeSet<u32>)> = Vec::new();
    for (font_id, codes) in &used {
        // (An inline font's program is entered under the program's own id, as not followed.)
        let Some(program) = program_of(doc, *font_id).or_else(|| {
            matches!(doc.get_object(*font_id), Ok(Object::Stream(_))).then_some(*font_id)
        }) else {
            continue;
        };
        match codes
            .as_ref()
            .and_then(|c| glyphs_of(doc, *font_id, c).map(|g| (g, c)))
        {
            Some((g, c)) => {
                let e = keep.entry(program).or_insert_with(|| Some(BTreeSet::new()));
                if let Some(k) = e {
                    k.extend(g);
                }
                edits.push((*font_id, c.clone()));
            }
            None => {
                keep.insert(program, None);
            }
        }
    }
    let mut pruned: HashSet<ObjectId> = HashSet::new();
    for (program, gids) in keep {
        let Some(gids) = gids else { continue };
        let Ok(Object::Stream(s)) = doc.get_object(program) else {
            continue;
        };
        let Ok(data) = super::decode_stream(s, 64 << 20) else {
            continue;
        };
        let new = match prune_truetype(&data, &gids) {
            None => continue,
            Some(Pruned::Whole) => {
                pruned.insert(program);
                continue;
            }
            Some(Pruned::New(new)) => new,
        };
        let mut st = Stream::new(dictionary! { "Length1" => new.len() as i64 }, new);
        super::compress(&mut st);
        if let Ok(o) = doc.get_object_mut(program) {
            *o = Object::Stream(st);
            pruned.insert(program);
        }
    }
    // The PDF's own maps of the fonts whose programs were pruned.
    for (font_id, codes) in edits {
        if program_of(doc, font_id).is_some_and(|p| pruned.contains(&p)) {
            // (The font as read before its program was pruned: what it said the codes mean.)
            if let Some(Some(font)) = loaded.get(&font_id) {
                prune_font_dict(doc, font_id, &codes, font);
            }
        }
    }
}

/// Every font of `res` is used in a way not followed.
fn mark_all_unknown(doc: &Document, res: &Dictionary, used: &mut Used) {
    if let Some(fonts) = get_dict(doc, res, b"Font") {
        for (_, v) in fonts.iter() {
            if let Object::Reference(id) = v {
                used.insert(*id, None);
            }
        }
    }
}

/// Collects the codes each font draws in a content stream (and the Form XObjects it draws).
fn collect(
    doc: &Document,
    data: &[u8],
    res: &Dictionary,
    depth: usize,
    forms: &mut HashSet<ObjectId>,
    used: &mut Used,
    loaded: &mut HashMap<ObjectId, Option<super::fonts::Font>>,
) {
    let Ok(ops) = content::parse(data, &Default::default()) else {
        mark_all_unknown(doc, res, used);
        return;
    };
    let fonts = get_dict(doc, res, b"Font");
    let font_id = |name: &[u8]| match fonts.and_then(|f| f.get(name).ok()) {
        Some(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let mut stack: Vec<Option<ObjectId>> = Vec::new();
    let mut current: Option<ObjectId> = None;
    for op in &ops {
        match op.operator.as_slice() {
            b"q" => stack.push(current),
            b"Q" => current = stack.pop().unwrap_or(current),
            b"Tf" => {
                let name = op.operands.first().and_then(Operand::name);
                current = name.and_then(font_id);
                // A font given inline (foiredact's own labels): not followed; a program it shares
                // with other fonts stays whole.
                if let (None, Some(Object::Dictionary(d))) = (
                    current,
                    name.and_then(|n| fonts.and_then(|f| f.get(n).ok())),
                ) {
                    if let Some(p) = program_of_dict(doc, d) {
                        used.insert(p, None);
                    }
                }
            }
            b"Tj" | b"'" | b"\"" | b"TJ" => {
                let Some(fid) = current else { continue };
                let font = loaded.entry(fid).or_insert_with(|| {
                    doc.get_dictionary(fid)
                        .ok()
                        .and_then(|d| super::fonts::load_font(doc, d).ok())
                });
                let Some(font) = font else {
                    used.insert(fid, None);
                    continue;
                };
                let items: Vec<&Operand> = match op.operands.last() {
                    Some(Operand::Array(a)) if op.is("TJ") => a.iter().collect(),
                    Some(o) => vec![o],
                    None => vec![],
                };
                let entry = used.entry(fid).or_insert_with(|| Some(BTreeSet::new()));
                if let Some(set) = entry {
                    for it in items {
                        if let Operand::Str(b) = it {
                            set.extend(font.codes(b).into_iter().map(|(c, _, _)| c));
                        }
                    }
                }
            }
            b"Do" => {
                let Some(name) = op.operands.first().and_then(Operand::name) else {
                    continue;
                };
                let Some(Object::Reference(id)) = get_dict(doc, res, b"XObject")
                    .and_then(|x| x.get(name).ok())
                    .cloned()
                else {
                    continue;
                };
                let Ok(Object::Stream(s)) = doc.get_object(id) else {
                    continue;
                };
                if get_name(doc, &s.dict, b"Subtype") != Some(b"Form") {
                    continue;
                }
                let inner = get_dict(doc, &s.dict, b"Resources").unwrap_or(res).clone();
                if depth >= MAX_FORM_DEPTH || !forms.insert(id) {
                    mark_all_unknown(doc, &inner, used);
                    continue;
                }
                match super::decode_stream(s, 64 << 20) {
                    Ok(d) => collect(doc, &d, &inner, depth + 1, forms, used, loaded),
                    Err(_) => mark_all_unknown(doc, &inner, used),
                }
            }
            _ => {}
        }
    }
}

/// The TrueType program (FontFile2 stream) of a font dictionary.
fn program_of(doc: &Document, font_id: ObjectId) -> Option<ObjectId> {
    program_of_dict(doc, doc.get_dictionary(font_id).ok()?)
}

fn program_of_dict(doc: &Document, d: &Dictionary) -> Option<ObjectId> {
    let cid = match get_name(doc, d, b"Subtype")? {
        b"Type0" => {
            let kid = get_array(doc, d, b"DescendantFonts")?.first()?;
            match super::deref(doc, kid) {
                Object::Dictionary(k) => k,
                _ => return None,
            }
        }
        b"TrueType" => d,
        _ => return None,
    };
    let desc = get_dict(doc, cid, b"FontDescriptor")?;
    super::ref_id(desc, b"FontFile2")
}

/// The glyph ids a font's `codes` draw (with .notdef), or `None` when a code cannot be mapped with
/// confidence.
fn glyphs_of(doc: &Document, font_id: ObjectId, codes: &BTreeSet<u32>) -> Option<BTreeSet<u16>> {
    let program = program_of(doc, font_id)?;
    let d = doc.get_dictionary(font_id).ok()?;
    let mut gids: BTreeSet<u16> = BTreeSet::from([0]);
    if get_name(doc, d, b"Subtype")? == b"Type0" {
        // Identity encoding: code = CID; CIDToGIDMap maps CID to glyph (Identity, or a table).
        if !matches!(
            get_name(doc, d, b"Encoding")?,
            b"Identity-H" | b"Identity-V"
        ) {
            return None;
        }
        let kid = match super::deref(doc, get_array(doc, d, b"DescendantFonts")?.first()?) {
            Object::Dictionary(k) => k,
            _ => return None,
        };
        let map: Option<Vec<u8>> = match super::get(doc, kid, b"CIDToGIDMap") {
            None => None,
            Some(Object::Name(n)) if n == b"Identity" => None,
            Some(Object::Stream(s)) => Some(super::decode_stream(s, 1 << 20).ok()?),
            Some(_) => return None,
        };
        for &c in codes {
            let gid = match &map {
                None => u16::try_from(c).ok()?,
                Some(m) => {
                    let i = c as usize * 2;
                    u16::from_be_bytes([*m.get(i)?, *m.get(i + 1)?])
                }
            };
            gids.insert(gid);
        }
    } else {
        // A simple TrueType font: every glyph any of the font's own character maps gives the code (as
        // itself, in the symbol area, or as its Unicode) is kept; a code none maps stops the pruning.
        let Ok(Object::Stream(s)) = doc.get_object(program) else {
            return None;
        };
        let data = super::decode_stream(s, 64 << 20).ok()?;
        let font = super::fonts::load_font(doc, d).ok()?;
        let tables = Tables::read(&data)?;
        let maps = cmaps(&data, &tables)?;
        for &c in codes {
            let mut found = false;
            let uni = font
                .unicode(c)
                .and_then(|u| u.chars().next())
                .map(|u| u as u32);
            for (_, m) in &maps {
                for key in [
                    Some(c),
                    Some(0xF000 | c),
                    Some(0xF100 | c),
                    Some(0xF200 | c),
                    uni,
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(&g) = m.get(&key) {
                        gids.insert(g);
                        found = true;
                    }
                }
            }
            if !found {
                return None;
            }
        }
    }
    Some(gids)
}

/// The /ToUnicode and widths of a font dictionary, down to the codes still drawn.
fn prune_font_dict(
    doc: &mut Document,
    font_id: ObjectId,
    codes: &BTreeSet<u32>,
    font: &super::fonts::Font,
) {
    let Ok(d) = doc.get_dictionary(font_id).cloned() else {
        return;
    };
    let two_byte = get_name(doc, &d, b"Subtype") == Some(b"Type0");
    let mut d = d;
    // (A font read through its program's glyph names loses them with the pruning: it gets a
    // /ToUnicode in their place.)
    if d.has(b"ToUnicode") || font.unicode_from_program() {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n",
        );
        cmap.push_str(if two_byte {
            "<0000> <FFFF>\n"
        } else {
            "<00> <FF>\n"
        });
        cmap.push_str("endcodespacerange\n");
        let entries: Vec<(u32, String)> = codes
            .iter()
            .filter_map(|&c| font.unicode(c).map(|u| (c, u.to_string())))
            .collect();
        for chunk in entries.chunks(100) {
            cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
            for (c, u) in chunk {
                let hex: String = u.encode_utf16().map(|w| format!("{w:04X}")).collect();
                if two_byte {
                    cmap.push_str(&format!("<{c:04X}> <{hex}>\n"));
                } else {
                    cmap.push_str(&format!("<{c:02X}> <{hex}>\n"));
                }
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        let mut st = Stream::new(Dictionary::new(), cmap.into_bytes());
        super::compress(&mut st);
        let id = doc.add_object(st);
        d.set("ToUnicode", Object::Reference(id));
    }
    if two_byte {
        if let Some(Object::Reference(kid_id)) = get_array(doc, &d, b"DescendantFonts")
            .and_then(|a| a.first())
            .cloned()
        {
            let w: Vec<Object> = codes
                .iter()
                .flat_map(|&c| {
                    let width = (font.advance(c) / font.scale).round() as i64;
                    [
                        Object::Integer(c as i64),
                        Object::Array(vec![Object::Integer(width)]),
                    ]
                })
                .collect();
            // Vertical metrics too, where the font gives its own (else /DW2 and half the width
            // apply, as before).
            let unit = |v: f64| {
                let v = v / font.scale;
                if (v - v.round()).abs() < 1e-6 {
                    Object::Integer(v.round() as i64)
                } else {
                    Object::Real(v as f32)
                }
            };
            if let Ok(kid) = doc.get_dictionary_mut(kid_id) {
                kid.set("W", Object::Array(w));
                if font.vertical && kid.has(b"W2") {
                    let w2: Vec<Object> = codes
                        .iter()
                        .flat_map(|&c| {
                            let (w1, vx, vy) = font.vertical_metrics(c);
                            [
                                Object::Integer(c as i64),
                                Object::Array(vec![unit(w1), unit(vx), unit(vy)]),
                            ]
                        })
                        .collect();
                    kid.set("W2", Object::Array(w2));
                }
            }
        }
    } else if let (Some(first), Some(widths)) = (
        super::get_num(doc, &d, b"FirstChar"),
        get_array(doc, &d, b"Widths").cloned(),
    ) {
        let w: Vec<Object> = widths
            .iter()
            .enumerate()
            .map(|(i, o)| {
                if codes.contains(&(first as u32 + i as u32)) {
                    o.clone()
                } else {
                    Object::Integer(0)
                }
            })
            .collect();
        d.set("Widths", Object::Array(w));
    }
    if let Ok(o) = doc.get_object_mut(font_id) {
        *o = Object::Dictionary(d);
    }
}

// ------------------------------------------------------------------------------- TrueType files

/// A format 4 subtable (codes above 0xFFFF are dropped) for a code -> glyph map.
fn cmap_format4(m: &BTreeMap<u32, u16>) -> Vec<u8> {
    let mut segs: Vec<(u16, u16, Vec<u16>)> = Vec::new();
    for (&c, &g) in m.iter().filter(|(c, _)| **c < 0xFFFF) {
        let c = c as u16;
        match segs.last_mut() {
            Some((_, end, gl)) if *end + 1 == c => {
                *end = c;
                gl.push(g);
            }
            _ => segs.push((c, c, vec![g])),
        }
    }
    segs.push((0xFFFF, 0xFFFF, vec![0]));
    let n = segs.len();
    // Glyphs through idRangeOffset (delta 0) for every segment but the last.
    let mut glyph_array: Vec<u16> = Vec::new();
    let mut range_offsets = Vec::new();
    for (i, (_, _, gl)) in segs.iter().enumerate() {
        if i == n - 1 {
            range_offsets.push(0u16);
        } else {
            range_offsets.push((2 * (n - i) + 2 * glyph_array.len()) as u16);
            glyph_array.extend(gl);
        }
    }
    let mut log = 0;
    while (2usize << log) <= n {
        log += 1;
    }
    let search = 2u16 << log;
    let mut out = Vec::new();
    let len = 16 + 8 * n + 2 * glyph_array.len();
    for v in [
        4u16,
        len as u16,
        0,
        (2 * n) as u16,
        search,
        log as u16,
        (2 * n) as u16 - search,
    ] {
        out.extend(v.to_be_bytes());
    }
    for (_, end, _) in &segs {
        out.extend(end.to_be_bytes());
    }
    out.extend(0u16.to_be_bytes());
    for (start, _, _) in &segs {
        out.extend(start.to_be_bytes());
    }
    for (i, _) in segs.iter().enumerate() {
        let delta: u16 = if i == n - 1 { 1 } else { 0 };
        out.extend(delta.to_be_bytes());
    }
    for r in &range_offsets {
        out.extend(r.to_be_bytes());
    }
    for g in &glyph_array {
        out.extend(g.to_be_bytes());
    }
    out
}

/// Whether `loca` is in the long format, the number of glyphs, and where each glyph starts in `glyf`.
fn glyph_offsets<'a>(
    d: &'a [u8],
    t: &Tables,
) -> Option<(bool, usize, impl Fn(usize) -> Option<usize> + 'a)> {
    let long_loca = u16_at(t.get(d, b"head")?, 50)? == 1;
    let n = u16_at(t.get(d, b"maxp")?, 4)? as usize;
    let loca = t.get(d, b"loca")?;
    let offset = move |g: usize| -> Option<usize> {
        if long_loca {
            Some(u32_at(loca, 4 * g)? as usize)
        } else {
            Some(u16_at(loca, 2 * g)? as usize * 2)
        }
    };
    Some((long_loca, n, offset))
}

/// What [`prune_truetype`] makes of a font file.
pub enum Pruned {
    /// Every glyph stays (drawn, or a component of one drawn): the file need not change.
    Whole,
    /// The file without the glyphs that went.
    New(Vec<u8>),
}

/// A copy of a TrueType file with only the glyphs `keep` (and their components): the others get no
/// outline, no advance, no place in the character maps, and the glyph names go (post format 3).
/// `None` when the file cannot be read with confidence.
pub fn prune_truetype(d: &[u8], keep: &BTreeSet<u16>) -> Option<Pruned> {
    let t = Tables::read(d)?;
    let (long_loca, num_glyphs, offset) = glyph_offsets(d, &t)?;
    let glyf = t.get(d, b"glyf")?;
    let glyph = |g: usize| -> Option<&[u8]> {
        let (a, b) = (offset(g)?, offset(g + 1)?);
        if a > b {
            return None;
        }
        glyf.get(a..b)
    };
    // Close over composite glyphs' components.
    let mut keep: BTreeSet<u16> = keep
        .iter()
        .copied()
        .filter(|&g| (g as usize) < num_glyphs)
        .collect();
    let mut todo: Vec<u16> = keep.iter().copied().collect();
    while let Some(g) = todo.pop() {
        let data = glyph(g as usize)?;
        if data.len() < 10 || (u16_at(data, 0)? as i16) >= 0 {
            continue;
        }
        let mut p = 10;
        for _ in 0..256 {
            let flags = u16_at(data, p)?;
            let comp = u16_at(data, p + 2)?;
            if (comp as usize) < num_glyphs && keep.insert(comp) {
                todo.push(comp);
            }
            p += 4 + if flags & 1 != 0 { 4 } else { 2 };
            p += if flags & 8 != 0 {
                2
            } else if flags & 0x40 != 0 {
                4
            } else if flags & 0x80 != 0 {
                8
            } else {
                0
            };
            if flags & 0x20 == 0 {
                break;
            }
        }
    }
    // Nothing goes (the part draws every glyph the subset has): the file stays as it is, and is not
    // compressed again (a tenth of a run went into deflating fonts).
    if (0..num_glyphs).all(|g| keep.contains(&(g as u16))) {
        return Some(Pruned::Whole);
    }
    // glyf and loca.
    let mut new_glyf = Vec::new();
    let mut new_loca: Vec<usize> = Vec::with_capacity(num_glyphs + 1);
    for g in 0..num_glyphs {
        new_loca.push(new_glyf.len());
        if keep.contains(&(g as u16)) {
            new_glyf.extend_from_slice(glyph(g)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.push(new_glyf.len());
    let loca_bytes: Vec<u8> = if long_loca {
        new_loca
            .iter()
            .flat_map(|&o| (o as u32).to_be_bytes())
            .collect()
    } else {
        if new_glyf.len() / 2 > 0xFFFF {
            return None;
        }
        new_loca
            .iter()
            .flat_map(|&o| ((o / 2) as u16).to_be_bytes())
            .collect()
    };
    // hmtx: no advance or side bearing for the glyphs that went.
    let hmetrics = u16_at(t.get(d, b"hhea")?, 34)? as usize;
    let mut hmtx = t.get(d, b"hmtx")?.to_vec();
    for g in (0..num_glyphs).filter(|g| !keep.contains(&(*g as u16))) {
        let (at, len) = if g < hmetrics {
            (4 * g, 4)
        } else {
            (4 * hmetrics + 2 * (g - hmetrics), 2)
        };
        if let Some(s) = hmtx.get_mut(at..at + len) {
            s.fill(0);
        }
    }
    // cmap: each subtable without the glyphs that went (format 0 stays format 0, others become 4).
    let mut cmap = Vec::new();
    if t.0.contains_key(b"cmap") {
        let maps = cmaps(d, &t)?;
        let c = t.get(d, b"cmap")?;
        let formats: Vec<u16> = (0..maps.len())
            .map(|k| {
                let off = u32_at(c, 4 + 8 * k + 4).unwrap_or(0) as usize;
                u16_at(c, off).unwrap_or(4)
            })
            .collect();
        let subs: Vec<((u16, u16), Vec<u8>)> = maps
            .iter()
            .zip(&formats)
            .map(|((key, m), f)| {
                let m: BTreeMap<u32, u16> = m
                    .iter()
                    .filter(|(_, g)| keep.contains(g))
                    .map(|(c, g)| (*c, *g))
                    .collect();
                let body = if *f == 0 {
                    let mut b = vec![0u8, 0, 1, 6, 0, 0];
                    b.extend((0..256u32).map(|c| *m.get(&c).unwrap_or(&0) as u8));
                    b
                } else {
                    cmap_format4(&m)
                };
                (*key, body)
            })
            .collect();
        cmap.extend(0u16.to_be_bytes());
        cmap.extend((subs.len() as u16).to_be_bytes());
        let mut off = 4 + 8 * subs.len();
        for (key, body) in &subs {
            cmap.extend(key.0.to_be_bytes());
            cmap.extend(key.1.to_be_bytes());
            cmap.extend((off as u32).to_be_bytes());
            off += body.len();
        }
        for (_, body) in &subs {
            cmap.extend(body);
        }
    }
    // post: format 3 (no glyph names), the header kept.
    let post = t.get(d, b"post").map(|p| {
        let mut h = p
            .get(..32)
            .map(<[u8]>::to_vec)
            .unwrap_or_else(|| vec![0; 32]);
        h.resize(32, 0);
        h[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        h
    });
    // Write the file: the same tables, the changed ones replaced, checksums and head adjusted.
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for tag in t.0.keys() {
        let body = match tag {
            b"glyf" => new_glyf.clone(),
            b"loca" => loca_bytes.clone(),
            b"hmtx" => hmtx.clone(),
            b"cmap" => cmap.clone(),
            b"post" => post.clone().unwrap_or_default(),
            // Digital signatures would no longer match.
            b"DSIG" => continue,
            _ => t.get(d, tag)?.to_vec(),
        };
        tables.insert(*tag, body);
    }
    if let Some(h) = tables.get_mut(b"head") {
        if let Some(s) = h.get_mut(8..12) {
            s.fill(0);
        }
    }
    let n = tables.len();
    let mut log = 0;
    while (2usize << log) <= n {
        log += 1;
    }
    let search = 16u16 << log;
    let mut out = Vec::new();
    out.extend(u32_at(d, 0)?.to_be_bytes());
    for v in [n as u16, search, log as u16, (16 * n) as u16 - search] {
        out.extend(v.to_be_bytes());
    }
    let mut off = 12 + 16 * n;
    let mut head_at = None;
    for (tag, body) in &tables {
        out.extend(tag);
        out.extend(checksum(body).to_be_bytes());
        out.extend((off as u32).to_be_bytes());
        out.extend((body.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(off);
        }
        off += body.len().div_ceil(4) * 4;
    }
    for body in tables.values() {
        out.extend(body);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(h) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out.get_mut(h + 8..h + 12)?
            .copy_from_slice(&adj.to_be_bytes());
    }
    Some(Pruned::New(out))
}

fn checksum(b: &[u8]) -> u32 {
    b.chunks(4).fold(0u32, |s, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        s.wrapping_add(u32::from_be_bytes(w))
    })
}

/// The codes a TrueType file's Unicode character maps (platform 0, or 3 with encoding 1 or 10) give a
/// glyph (for tests and checks).
pub fn unicode_cmap_codes(d: &[u8]) -> Option<BTreeSet<u32>> {
    let t = Tables::read(d)?;
    Some(
        cmaps(d, &t)?
            .into_iter()
            .filter(|((p, e), _)| *p == 0 || (*p == 3 && (*e == 1 || *e == 10)))
            .flat_map(|(_, m)| m.into_keys())
            .collect(),
    )
}

/// Which glyphs of a TrueType file have an outline (for tests and checks).
pub fn glyphs_with_outlines(d: &[u8]) -> Option<BTreeSet<u16>> {
    let t = Tables::read(d)?;
    let (_, n, off) = glyph_offsets(d, &t)?;
    let mut out = BTreeSet::new();
    for g in 0..n {
        if off(g + 1)? > off(g)? {
            out.insert(g as u16);
        }
    }
    Some(out)
}
