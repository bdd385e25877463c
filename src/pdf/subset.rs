//! Glyphs that only redacted text used leave the embedded fonts. A subset font holds exactly the
//! glyphs its document drew; once a name is removed, the glyphs only it used (a "Q", a "ž") would
//! still say which letters it had, through the glyph outlines, the font's own character map, the
//! PostScript glyph names, the advance widths and the PDF's /ToUnicode, /Widths, /Differences and
//! /CharSet. For every embedded TrueType, OpenType, CFF and Type 1 program of a part (simple fonts,
//! and Type0 fonts through their CMap), this keeps the glyphs the part's remaining text draws (and the
//! components they are built from) and empties the others in all of those places (`subset/cff.rs`,
//! `subset/type1.rs` for the programs that are not TrueType). A font it cannot read with confidence
//! (another type, an unknown encoding, a damaged program, a code it cannot map) is left as it was.

mod canon;
mod cff;
mod type1;

pub use canon::canonical_codes;

use super::content::{self, Operand};
use super::fonts::sfnt::{cmaps, u16_at, u32_at, Tables};
use super::{get_array, get_dict, get_name};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
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
    let mut kinds: HashMap<ObjectId, Kind> = HashMap::new();
    let mut edits: Vec<(ObjectId, BTreeSet<u32>)> = Vec::new();
    for (font_id, codes) in &used {
        // (An inline font's program is entered under the program's own id, as not followed.)
        let Some(program) = program_of(doc, *font_id)
            .map(|(p, k)| {
                kinds.insert(p, k);
                p
            })
            .or_else(|| {
                matches!(doc.get_object(*font_id), Ok(Object::Stream(_))).then_some(*font_id)
            })
        else {
            continue;
        };
        let font = loaded.get(font_id).and_then(Option::as_ref);
        match codes.as_ref().and_then(|c| {
            font.and_then(|f| glyphs_of(doc, *font_id, c, f))
                .map(|g| (g, c))
        }) {
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
    let mut tags: HashMap<ObjectId, Vec<u8>> = HashMap::new();
    for (program, gids) in keep {
        let Some(gids) = gids else { continue };
        let Ok(Object::Stream(s)) = doc.get_object(program) else {
            continue;
        };
        let Ok(data) = super::decode_stream(s, 64 << 20) else {
            continue;
        };
        let Some(&kind) = kinds.get(&program) else {
            continue;
        };
        let mut dict = program_dict(&s.dict);
        let new = match kind {
            Kind::Sfnt | Kind::Cff => {
                let p = if kind == Kind::Cff {
                    cff::prune(&data, &gids).map(|(p, _)| p)
                } else {
                    prune_truetype(&data, &gids)
                };
                match p {
                    None => continue,
                    Some(Pruned::Whole) => {
                        pruned.insert(program);
                        continue;
                    }
                    Some(Pruned::New(new)) => {
                        if kind == Kind::Sfnt && !dict.has(b"Subtype") {
                            dict.set("Length1", new.len() as i64);
                        }
                        new
                    }
                }
            }
            Kind::Type1 => {
                let len = |k: &[u8]| {
                    super::get_num(doc, &s.dict, k).and_then(|v| (v >= 0.0).then_some(v as usize))
                };
                let Some(t) = type1::Type1::parse(&data, len(b"Length1"), len(b"Length2")) else {
                    continue;
                };
                let names = t.glyph_names();
                let keep: BTreeSet<String> = gids
                    .iter()
                    .filter_map(|&g| names.get(g as usize).map(|n| n.to_string()))
                    .collect();
                match t.prune(&keep) {
                    None => {
                        pruned.insert(program);
                        continue;
                    }
                    Some((new, lens)) => {
                        for (k, v) in [
                            ("Length1", lens[0]),
                            ("Length2", lens[1]),
                            ("Length3", lens[2]),
                        ] {
                            dict.set(k, v as i64);
                        }
                        new
                    }
                }
            }
        };
        tags.insert(program, tag_of(&new));
        let mut st = Stream::new(dict, new);
        super::compress(&mut st);
        if let Ok(o) = doc.get_object_mut(program) {
            *o = Object::Stream(st);
            pruned.insert(program);
        }
    }
    // The PDF's own maps of the fonts whose programs were pruned.
    for (font_id, codes) in edits {
        if program_of(doc, font_id).is_some_and(|(p, _)| pruned.contains(&p)) {
            // (The font as read before its program was pruned: what it said the codes mean.)
            if let Some(Some(font)) = loaded.get(&font_id) {
                prune_font_dict(doc, font_id, &codes, font);
                prune_descriptor(doc, font_id, &codes);
            }
            if let Some(tag) = program_of(doc, font_id).and_then(|(p, _)| tags.get(&p)) {
                retag(doc, font_id, tag);
            }
        }
    }
}

/// A six-letter subset tag made from `bytes` (a program as written): it says nothing the output does
/// not.
fn tag_of(bytes: &[u8]) -> Vec<u8> {
    let h = crate::hash::fnv64(bytes);
    (0..6).map(|i| b'A' + ((h >> (5 * i)) % 26) as u8).collect()
}

/// Gives font `fid` the subset tag `tag` in its /BaseFont (and its descendant's), and its
/// descriptor's /FontName, where they have one (`ABCDEF+Name`); the descriptor's /CIDSet (a list of
/// the subset's glyphs) goes. A producer may derive the tag from the glyphs its subset held
/// (Ghostscript does): after pruning, that would be a hash of the removed name's letters.
fn retag(doc: &mut Document, fid: ObjectId, tag: &[u8]) {
    let retagged = |o: &Object| -> Option<Object> {
        let n = o.as_name().ok()?;
        let plus = n.iter().position(|&b| b == b'+').filter(|&i| i == 6)?;
        let mut v = tag.to_vec();
        v.extend_from_slice(&n[plus..]);
        Some(Object::Name(v))
    };
    let Ok(d) = doc.get_dictionary(fid) else {
        return;
    };
    let kid = get_array(doc, d, b"DescendantFonts")
        .and_then(|a| a.first())
        .and_then(|o| o.as_reference().ok());
    let desc = doc
        .get_dictionary(kid.unwrap_or(fid))
        .ok()
        .and_then(|k| super::ref_id(k, b"FontDescriptor"));
    for (id, key) in [
        (Some(fid), b"BaseFont".as_slice()),
        (kid, b"BaseFont"),
        (desc, b"FontName"),
    ] {
        let Some(id) = id else { continue };
        let Ok(d) = doc.get_dictionary_mut(id) else {
            continue;
        };
        if let Some(new) = d.get(key).ok().and_then(retagged) {
            d.set(key, new);
        }
        d.remove(b"CIDSet");
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
    // What draws with its own resources, apart from the content followed here (a tiling pattern's
    // cells, a Type 3 font's glyphs): their fonts are not followed, so they stay whole.
    for owner in [b"Pattern".as_slice(), b"Font"] {
        for (_, v) in get_dict(doc, res, owner).into_iter().flat_map(|d| d.iter()) {
            let d = match super::deref(doc, v) {
                Object::Stream(s) => &s.dict,
                Object::Dictionary(d) => d,
                _ => continue,
            };
            if owner == b"Font" && get_name(doc, d, b"Subtype") != Some(b"Type3") {
                continue;
            }
            if let Some(inner) = get_dict(doc, d, b"Resources") {
                mark_all_unknown(doc, inner, used);
            }
        }
    }
    // A font the resources name but no text of the part draws (all it drew was a redacted name, in
    // bold, say) keeps no glyph but .notdef: left whole, its program would spell the name's letters.
    for (_, v) in fonts.into_iter().flat_map(|f| f.iter()) {
        if let Object::Reference(id) = v {
            if !used.contains_key(id) {
                let font = loaded.entry(*id).or_insert_with(|| {
                    doc.get_dictionary(*id)
                        .ok()
                        .and_then(|d| super::fonts::load_font(doc, d).ok())
                });
                used.insert(*id, font.is_some().then(BTreeSet::new));
            }
        }
    }
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
                    if let Some((p, _)) = program_of_dict(doc, d) {
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

/// How a font program is stored.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// An OpenType/TrueType file (FontFile2, or FontFile3 /OpenType), with TrueType or CFF outlines.
    Sfnt,
    /// A bare CFF program (FontFile3 /Type1C or /CIDFontType0C).
    Cff,
    /// A Type 1 program (FontFile).
    Type1,
}

/// The embedded program of a font dictionary, and how it is stored.
fn program_of(doc: &Document, font_id: ObjectId) -> Option<(ObjectId, Kind)> {
    program_of_dict(doc, doc.get_dictionary(font_id).ok()?)
}

fn program_of_dict(doc: &Document, d: &Dictionary) -> Option<(ObjectId, Kind)> {
    let holder = match get_name(doc, d, b"Subtype")? {
        b"Type0" => {
            let kid = get_array(doc, d, b"DescendantFonts")?.first()?;
            match super::deref(doc, kid) {
                Object::Dictionary(k) => k,
                _ => return None,
            }
        }
        b"TrueType" | b"Type1" | b"MMType1" => d,
        _ => return None,
    };
    let desc = get_dict(doc, holder, b"FontDescriptor")?;
    if let Some(id) = super::ref_id(desc, b"FontFile2") {
        return Some((id, Kind::Sfnt));
    }
    if let Some(id) = super::ref_id(desc, b"FontFile3") {
        let Ok(Object::Stream(s)) = doc.get_object(id) else {
            return None;
        };
        return match get_name(doc, &s.dict, b"Subtype")? {
            b"Type1C" | b"CIDFontType0C" => Some((id, Kind::Cff)),
            b"OpenType" => Some((id, Kind::Sfnt)),
            _ => None,
        };
    }
    super::ref_id(desc, b"FontFile").map(|id| (id, Kind::Type1))
}

/// The glyph ids a font's `codes` draw (with .notdef), or `None` when a code cannot be mapped with
/// confidence. (For a Type 1 program, a glyph's id is its place in /CharStrings.)
fn glyphs_of(
    doc: &Document,
    font_id: ObjectId,
    codes: &BTreeSet<u32>,
    font: &super::fonts::Font,
) -> Option<BTreeSet<u16>> {
    let (program, kind) = program_of(doc, font_id)?;
    let d = doc.get_dictionary(font_id).ok()?;
    let Ok(Object::Stream(s)) = doc.get_object(program) else {
        return None;
    };
    let data = super::decode_stream(s, 64 << 20).ok()?;
    let tables = match kind {
        Kind::Sfnt => Some(Tables::read(&data)?),
        _ => None,
    };
    let cff_data: Option<&[u8]> = match (kind, &tables) {
        (Kind::Cff, _) => Some(&data),
        (Kind::Sfnt, Some(t)) => t.get(&data, b"CFF "),
        _ => None,
    };
    let cff = match cff_data {
        Some(c) => Some(super::fonts::cff::Cff::parse(c)?),
        None => None,
    };
    let mut gids: BTreeSet<u16> = BTreeSet::from([0]);
    if get_name(doc, d, b"Subtype")? == b"Type0" {
        // The code's CID (through the font's CMap); the CID's glyph: through a CID-keyed CFF
        // program's charset, else the CIDToGIDMap (Identity when absent). Every glyph a reader
        // might take is kept (a CIDToGIDMap beside a CFF program is ignored by the standard but
        // kept here too).
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
        // (Codes to CIDs through Identity or an embedded CMap the font read; a predefined CMap
        // other than Identity is not followed.)
        if kind == Kind::Type1
            || !matches!(
                super::get(doc, d, b"Encoding"),
                Some(Object::Stream(_)) | Some(Object::Name(_))
            )
            || matches!(super::get(doc, d, b"Encoding"), Some(Object::Name(n))
                if n != b"Identity-H" && n != b"Identity-V")
        {
            return None;
        }
        for &c in codes {
            // (A code the CMap maps to no CID draws .notdef.)
            let Some(cid) = font.cid(c) else { continue };
            let by_map = match &map {
                None => u16::try_from(cid).ok(),
                Some(m) => {
                    let i = cid as usize * 2;
                    Some(u16::from_be_bytes([*m.get(i)?, *m.get(i + 1)?]))
                }
            };
            match &cff {
                Some(f) if f.is_cid() => gids.extend(f.glyph_of_cid(cid)),
                _ => gids.extend(by_map),
            }
            if cff.is_some() {
                gids.extend(by_map);
            }
        }
        return Some(gids);
    }
    if let (Kind::Sfnt, None) = (kind, &cff) {
        // A simple TrueType font: every glyph any of the font's own character maps gives the code (as
        // itself, in the symbol area, or as its Unicode) is kept; a code none maps stops the pruning.
        let tables = tables?;
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
        return Some(gids);
    }
    // A simple font over a Type 1 or CFF program: glyphs are named. Every glyph a reader might take
    // for a code is kept: the one /Differences names, the one the program's built-in encoding gives,
    // and those whose names mean the code's Unicode (by the PDF's encoding and by its /ToUnicode).
    let (names, builtin): (Vec<Option<String>>, Vec<Option<u16>>) = match &cff {
        Some(f) => {
            if f.is_cid() {
                return None;
            }
            let names = (0..f.glyph_count().min(65_536))
                .map(|g| f.glyph_name(g as u16))
                .collect();
            let builtin = match f.encoding() {
                Some(e) => e.into_iter().map(|(_, g)| g).collect(),
                None => vec![None; 256],
            };
            (names, builtin)
        }
        None => {
            let len = |k: &[u8]| {
                super::get_num(doc, &s.dict, k).and_then(|v| (v >= 0.0).then_some(v as usize))
            };
            let t = type1::Type1::parse(&data, len(b"Length1"), len(b"Length2"))?;
            let names: Vec<Option<String>> = t
                .glyph_names()
                .iter()
                .map(|n| Some(n.to_string()))
                .collect();
            let at: HashMap<&str, u16> = t
                .glyph_names()
                .into_iter()
                .enumerate()
                .filter_map(|(i, n)| Some((n, u16::try_from(i).ok()?)))
                .collect();
            let builtin = t
                .builtin_names()
                .iter()
                .map(|n| n.as_deref().and_then(|n| at.get(n).copied()))
                .collect();
            (names, builtin)
        }
    };
    let mut by_name: HashMap<&str, Vec<u16>> = HashMap::new();
    let mut by_unicode: HashMap<String, Vec<u16>> = HashMap::new();
    for (g, n) in names.iter().enumerate() {
        let Some(n) = n else { continue };
        let g = u16::try_from(g).ok()?;
        by_name.entry(n.as_str()).or_default().push(g);
        if let Some(u) = super::fonts::glyph_name_to_unicode(n) {
            by_unicode.entry(u).or_default().push(g);
        }
    }
    let diffs = differences(doc, d);
    for &c in codes {
        let mut found: Vec<u16> = Vec::new();
        if let Some(n) = diffs.get(&c) {
            found.extend(by_name.get(n.as_str()).into_iter().flatten());
        }
        found.extend(builtin.get(c as usize).copied().flatten());
        let unicodes = [
            font.unicode(c).map(|u| u.into_owned()),
            font.encoded_unicode(c).map(str::to_string),
        ];
        for u in unicodes.iter().flatten() {
            found.extend(by_unicode.get(u).into_iter().flatten());
        }
        // A code no glyph is found for draws .notdef. That is certain when /Differences names a
        // glyph the program lacks, or the code reads as nothing but white space; otherwise doubtful,
        // and the program stays whole.
        if found.is_empty()
            && diffs
                .get(&c)
                .is_none_or(|n| by_name.contains_key(n.as_str()))
            && unicodes
                .iter()
                .flatten()
                .any(|u| !u.chars().all(char::is_whitespace))
        {
            return None;
        }
        gids.extend(found);
    }
    Some(gids)
}

/// A simple font's /Differences: code -> glyph name.
fn differences(doc: &Document, d: &Dictionary) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    let Some(Object::Dictionary(enc)) = super::get(doc, d, b"Encoding") else {
        return out;
    };
    let Some(diffs) = get_array(doc, enc, b"Differences") else {
        return out;
    };
    let mut code: i64 = -1;
    for o in diffs {
        match super::deref(doc, o) {
            Object::Integer(i) => code = *i,
            Object::Real(r) => code = *r as i64,
            Object::Name(n) => {
                if let Ok(c) = u32::try_from(code) {
                    out.insert(c, String::from_utf8_lossy(n).into_owned());
                }
                code += 1;
            }
            _ => {}
        }
    }
    out
}

/// A font dictionary's /Encoding without the /Differences entries of codes no longer drawn, and its
/// descriptor without /CharSet and /CIDSet (lists of the glyphs the subset had).
fn prune_descriptor(doc: &mut Document, font_id: ObjectId, codes: &BTreeSet<u32>) {
    let Ok(d) = doc.get_dictionary(font_id).cloned() else {
        return;
    };
    let mut d = d;
    if let Some(Object::Dictionary(enc)) = super::get(doc, &d, b"Encoding").cloned() {
        if enc.has(b"Differences") {
            let mut diffs: Vec<Object> = Vec::new();
            let mut last: Option<u32> = None;
            for (c, n) in differences(doc, &d) {
                if !codes.contains(&c) {
                    continue;
                }
                if last.is_none_or(|l| l + 1 != c) {
                    diffs.push(Object::Integer(c as i64));
                }
                diffs.push(Object::Name(n.into_bytes()));
                last = Some(c);
            }
            let mut enc = enc;
            enc.set("Differences", Object::Array(diffs));
            d.set("Encoding", Object::Dictionary(enc));
        }
    }
    let strip = |fd: &mut Dictionary| {
        fd.remove(b"CharSet");
        fd.remove(b"CIDSet");
    };
    let kid = match get_array(doc, &d, b"DescendantFonts").and_then(|a| a.first()) {
        Some(Object::Reference(k)) => Some(*k),
        _ => None,
    };
    let mut refs: Vec<ObjectId> = Vec::new();
    for holder in [Some(&d), kid.and_then(|k| doc.get_dictionary(k).ok())]
        .into_iter()
        .flatten()
    {
        if let Ok(Object::Reference(r)) = holder.get(b"FontDescriptor") {
            refs.push(*r);
        }
    }
    if let Ok(Object::Dictionary(fd)) = d.get_mut(b"FontDescriptor") {
        strip(fd);
    }
    if let Some(Ok(k)) = kid.map(|k| doc.get_dictionary_mut(k)) {
        if let Ok(Object::Dictionary(fd)) = k.get_mut(b"FontDescriptor") {
            strip(fd);
        }
    }
    for r in refs {
        if let Ok(fd) = doc.get_dictionary_mut(r) {
            strip(fd);
        }
    }
    if let Ok(o) = doc.get_object_mut(font_id) {
        *o = Object::Dictionary(d);
    }
}

/// A /ToUnicode CMap for `(code, text)` pairs, one- or two-byte codes, 100 `bfchar` lines to a
/// block (as the standard allows).
fn to_unicode_cmap(entries: &[(u32, String)], two_byte: bool) -> Vec<u8> {
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
    cmap.into_bytes()
}

/// A font program stream's dictionary for new contents: its own keys (FontFile3's /Subtype) without
/// its filters and lengths.
fn program_dict(d: &Dictionary) -> Dictionary {
    let mut dict = d.clone();
    for k in [
        b"Filter".as_slice(),
        b"DecodeParms",
        b"Length",
        b"Length1",
        b"Length2",
        b"Length3",
    ] {
        dict.remove(k);
    }
    dict
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
        let entries: Vec<(u32, String)> = codes
            .iter()
            .filter_map(|&c| font.unicode(c).map(|u| (c, u.to_string())))
            .collect();
        let cmap = to_unicode_cmap(&entries, two_byte);
        let mut st = Stream::new(Dictionary::new(), cmap);
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
        // Only the range of the codes still drawn (the subset's /FirstChar and /LastChar would
        // say which were the lowest and highest codes anything drew, a removed name too).
        let first = first as u32;
        let (lo, hi) = match (codes.first(), codes.last()) {
            (Some(&lo), Some(&hi)) if lo >= first => (lo, hi),
            _ => (first, first),
        };
        let w: Vec<Object> = (lo..=hi)
            .map(|c| match widths.get((c - first) as usize) {
                Some(o) if codes.contains(&c) => o.clone(),
                _ => Object::Integer(0),
            })
            .collect();
        d.set("FirstChar", Object::Integer(lo as i64));
        d.set("LastChar", Object::Integer(hi as i64));
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

/// The components of a composite TrueType glyph, each with the offset of its glyph index in the
/// glyph's data (none for a simple or empty glyph; `None` if the data is cut short).
fn components(data: &[u8]) -> Option<Vec<(usize, u16)>> {
    let mut out = Vec::new();
    if data.len() < 10 || (u16_at(data, 0)? as i16) >= 0 {
        return Some(out);
    }
    let mut p = 10;
    for _ in 0..256 {
        let flags = u16_at(data, p)?;
        out.push((p + 2, u16_at(data, p + 2)?));
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
    Some(out)
}

/// A TrueType file (glyf outlines, or an OpenType file with CFF outlines) with only the glyphs
/// `order` (old glyph ids; the first should be 0, .notdef) renumbered 0, 1, 2, ... in that order,
/// followed by the components they are built from (in the order they are first met): glyf and loca
/// (long) or the CFF program, hmtx, hhea, maxp and the character maps follow the new numbers. Two files that hold the same glyphs give the same bytes for the same
/// `order`, whatever numbers their glyphs had. `symbolic`: for a simple font, the (new code, old glyph)
/// pairs its character maps are rebuilt from (else the file's own maps follow the new numbers).
/// Returns the file and the full new order; `None` when the file cannot be read with confidence.
pub fn renumber_truetype(
    d: &[u8],
    order: &[u16],
    symbolic: Option<&[(u8, u16)]>,
) -> Option<(Vec<u8>, Vec<u16>)> {
    let t = Tables::read(d)?;
    let num_glyphs = u16_at(t.get(d, b"maxp")?, 4)? as usize;
    let mut order: Vec<u16> = order.to_vec();
    let mut index: HashMap<u16, u16> = HashMap::new();
    for (k, &g) in order.iter().enumerate() {
        if g as usize >= num_glyphs || index.insert(g, k as u16).is_some() {
            return None;
        }
    }
    // The outlines: glyf with its composites' components after the glyphs asked for, or (an
    // OpenType file with CFF outlines) the CFF program renumbered alike.
    let mut outlines: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    if let Some(cff) = t.get(d, b"CFF ") {
        if t.0.contains_key(b"glyf") {
            return None;
        }
        let r = cff::renumber(cff, &order, None)?;
        // (Accent components a renumbered CFF would add have no place in the other tables.)
        if cff::glyph_count(&r.bytes)? != order.len() {
            return None;
        }
        outlines.insert(*b"CFF ", r.bytes);
    } else {
        let (_, n, offset) = glyph_offsets(d, &t)?;
        let glyf = t.get(d, b"glyf")?;
        let glyph = |g: usize| -> Option<&[u8]> {
            let (a, b) = (offset(g)?, offset(g + 1)?);
            (a <= b && g < n).then_some(())?;
            glyf.get(a..b)
        };
        let mut k = 0;
        while k < order.len() {
            for (_, comp) in components(glyph(order[k] as usize)?)? {
                if comp as usize >= num_glyphs {
                    return None;
                }
                if let std::collections::hash_map::Entry::Vacant(e) = index.entry(comp) {
                    e.insert(u16::try_from(order.len()).ok()?);
                    order.push(comp);
                }
            }
            k += 1;
        }
        let mut new_glyf = Vec::new();
        let mut loca: Vec<u8> = Vec::with_capacity(4 * (order.len() + 1));
        for &g in &order {
            loca.extend((new_glyf.len() as u32).to_be_bytes());
            let mut data = glyph(g as usize)?.to_vec();
            for (at, comp) in components(&data)? {
                data.get_mut(at..at + 2)?
                    .copy_from_slice(&index.get(&comp)?.to_be_bytes());
            }
            new_glyf.extend(data);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
        loca.extend((new_glyf.len() as u32).to_be_bytes());
        outlines.insert(*b"glyf", new_glyf);
        outlines.insert(*b"loca", loca);
    }
    let n = order.len();
    // Every glyph with a long metric of its own.
    let hhea = t.get(d, b"hhea")?;
    let long = (u16_at(hhea, 34)? as usize).clamp(1, num_glyphs.max(1));
    let hmtx_old = t.get(d, b"hmtx")?;
    let mut hmtx = Vec::with_capacity(4 * n);
    for &g in &order {
        let g = g as usize;
        let (aw, lsb) = if g < long {
            (u16_at(hmtx_old, 4 * g)?, u16_at(hmtx_old, 4 * g + 2)?)
        } else {
            (
                u16_at(hmtx_old, 4 * (long - 1))?,
                u16_at(hmtx_old, 4 * long + 2 * (g - long))?,
            )
        };
        hmtx.extend(aw.to_be_bytes());
        hmtx.extend(lsb.to_be_bytes());
    }
    let set16 = |table: &[u8], at: usize, v: u16| -> Option<Vec<u8>> {
        let mut b = table.to_vec();
        b.get_mut(at..at + 2)?.copy_from_slice(&v.to_be_bytes());
        Some(b)
    };
    let n16 = u16::try_from(n).ok()?;
    let mut tables = outlines;
    tables.extend([
        (*b"hmtx", hmtx),
        (*b"hhea", set16(hhea, 34, n16)?),
        (*b"maxp", set16(t.get(d, b"maxp")?, 4, n16)?),
        (*b"head", set16(t.get(d, b"head")?, 50, 1)?),
    ]);
    let remap = |g: u16| index.get(&g).copied();
    if let Some(codes) = symbolic {
        tables.insert(*b"cmap", symbolic_cmap(codes, &index)?);
    } else if t.0.contains_key(b"cmap") {
        tables.insert(*b"cmap", cmap_with(d, &t, remap)?);
    }
    Some((write_sfnt(d, &t, tables, remap)?, order))
}

/// The cmap of a symbolic simple font: (1, 0) format 0 from code to glyph, and (3, 0) format 4 from
/// 0xF000 + code, for the (code, old glyph) pairs given and the new numbers `index`.
fn symbolic_cmap(codes: &[(u8, u16)], index: &HashMap<u16, u16>) -> Option<Vec<u8>> {
    let mut mac = vec![0u8, 0, 1, 6, 0, 0];
    let mut by_code = [0u8; 256];
    let mut win: BTreeMap<u32, u16> = BTreeMap::new();
    for &(c, g) in codes {
        let new = *index.get(&g)?;
        by_code[c as usize] = u8::try_from(new).ok()?;
        win.insert(0xF000 + c as u32, new);
    }
    mac.extend(by_code);
    let win = cmap_format4(&win);
    let mut cmap = Vec::new();
    for v in [0u16, 2, 1, 0] {
        cmap.extend(v.to_be_bytes());
    }
    cmap.extend(20u32.to_be_bytes());
    for v in [3u16, 0] {
        cmap.extend(v.to_be_bytes());
    }
    cmap.extend(((20 + mac.len()) as u32).to_be_bytes());
    cmap.extend(mac);
    cmap.extend(win);
    Some(cmap)
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
    if !t.0.contains_key(b"glyf") {
        // An OpenType file with CFF outlines: the CFF program is pruned, the rest as below.
        let (p, kept) = cff::prune(t.get(d, b"CFF ")?, keep)?;
        let Pruned::New(new_cff) = p else {
            return Some(Pruned::Whole);
        };
        let n = u16_at(t.get(d, b"maxp")?, 4)? as usize;
        return rebuild_sfnt(d, &t, n, &kept, BTreeMap::from([(*b"CFF ", new_cff)]));
    }
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
        for (_, comp) in components(glyph(g as usize)?)? {
            if (comp as usize) < num_glyphs && keep.insert(comp) {
                todo.push(comp);
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
    rebuild_sfnt(
        d,
        &t,
        num_glyphs,
        &keep,
        BTreeMap::from([(*b"glyf", new_glyf), (*b"loca", loca_bytes)]),
    )
}

/// An OpenType/TrueType file with the outline tables `outlines` in place of its own and, for the
/// glyphs not in `keep`, no advance, no character-map entry and (post format 3) no names.
fn rebuild_sfnt(
    d: &[u8],
    t: &Tables,
    num_glyphs: usize,
    keep: &BTreeSet<u16>,
    outlines: BTreeMap<[u8; 4], Vec<u8>>,
) -> Option<Pruned> {
    // hmtx (and vmtx): no advance or side bearing for the glyphs that went.
    let metrics = |mtx: &[u8], long: usize| {
        let mut mtx = mtx.to_vec();
        for g in (0..num_glyphs).filter(|g| !keep.contains(&(*g as u16))) {
            let (at, len) = if g < long {
                (4 * g, 4)
            } else {
                (4 * long + 2 * (g - long), 2)
            };
            if let Some(s) = mtx.get_mut(at..at + len) {
                s.fill(0);
            }
        }
        mtx
    };
    let mut tables = outlines;
    tables.insert(
        *b"hmtx",
        metrics(t.get(d, b"hmtx")?, u16_at(t.get(d, b"hhea")?, 34)? as usize),
    );
    if let (Some(vhea), Some(vmtx)) = (t.get(d, b"vhea"), t.get(d, b"vmtx")) {
        tables.insert(*b"vmtx", metrics(vmtx, u16_at(vhea, 34)? as usize));
        tables.insert(*b"vhea", vhea.to_vec());
    }
    let same = |g: u16| keep.contains(&g).then_some(g);
    if t.0.contains_key(b"cmap") {
        tables.insert(*b"cmap", cmap_with(d, t, same)?);
    }
    Some(Pruned::New(write_sfnt(d, t, tables, same)?))
}

/// A font's cmap table with every subtable's glyphs passed through `remap` (`None`: the code goes);
/// format 0 stays format 0, the others become format 4.
fn cmap_with(d: &[u8], t: &Tables, remap: impl Fn(u16) -> Option<u16>) -> Option<Vec<u8>> {
    let maps = cmaps(d, t)?;
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
                .filter_map(|(c, g)| Some((*c, remap(*g)?)))
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
    let mut cmap = Vec::new();
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
    Some(cmap)
}

/// The tables a PDF reader draws an embedded TrueType or OpenType font with. Every other table goes
/// from a rebuilt file: layout tables (GSUB, GPOS, GDEF, kern, MATH, JSTF, BASE) list glyphs and
/// pairs of glyphs, device metrics (hdmx, LTSH, VDMX) and bitmaps or colour glyphs (EBDT, CBDT, sbix,
/// SVG, COLR) hold glyphs of their own, and variation data (gvar, HVAR, ...) per-glyph deltas; a
/// reader of a PDF uses none of them (the PDF places every glyph itself), and each would still say
/// which glyphs a removed name drew.
const KEPT_TABLES: [&[u8; 4]; 14] = [
    b"CFF ", b"OS/2", b"cmap", b"cvt ", b"fpgm", b"gasp", b"glyf", b"head", b"hhea", b"hmtx",
    b"loca", b"maxp", b"name", b"prep",
];

/// Writes a TrueType/OpenType file: the tables given, then those of `KEPT_TABLES` that `d` has and
/// were not given (post in format 3, without glyph names; OS/2 with the first and last character of
/// the Unicode character maps as `remap` leaves them), with checksums and head's adjustment.
fn write_sfnt(
    d: &[u8],
    t: &Tables,
    mut tables: BTreeMap<[u8; 4], Vec<u8>>,
    remap: impl Fn(u16) -> Option<u16>,
) -> Option<Vec<u8>> {
    for tag in t.0.keys() {
        if tables.contains_key(tag) || !KEPT_TABLES.contains(&tag) {
            continue;
        }
        let mut body = t.get(d, tag)?.to_vec();
        if tag == b"OS/2" {
            let codes: BTreeSet<u32> = cmaps(d, t)
                .unwrap_or_default()
                .into_iter()
                .filter(|((p, e), _)| *p == 0 || (*p == 3 && (*e == 1 || *e == 10)))
                .flat_map(|(_, m)| m.into_iter().filter(|(_, g)| remap(*g).is_some()))
                .map(|(c, _)| c.min(0xFFFF))
                .collect();
            let first = codes.first().copied().unwrap_or(0) as u16;
            let last = codes.last().copied().unwrap_or(0) as u16;
            if let Some(s) = body.get_mut(64..68) {
                s[..2].copy_from_slice(&first.to_be_bytes());
                s[2..].copy_from_slice(&last.to_be_bytes());
            }
        }
        tables.insert(*tag, body);
    }
    maxima(d, t, &mut tables);
    if let Some(p) = t.get(d, b"post") {
        let mut h = p
            .get(..32)
            .map(<[u8]>::to_vec)
            .unwrap_or_else(|| vec![0; 32]);
        h.resize(32, 0);
        h[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        tables.insert(*b"post", h);
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
    Some(out)
}

/// What [`maxima`] works out: head's box, hhea's widest advance and (smallest left and right side
/// bearings, largest extent), maxp's maxima (points, contours, composite points and contours,
/// instructions, component elements and depth).
struct Figures {
    bbox: [i16; 4],
    aw_max: u16,
    sides: [i16; 3],
    maxp: [u16; 7],
}

/// The figures a producer works out from the glyphs it wrote (head's bounding box; hhea's widest
/// advance, smallest side bearings and largest extent; maxp's largest glyph, composite and
/// instructions), worked out again from the glyphs left: a subset's figures may come from a removed
/// name's widest letter. For glyf outlines only; the tables come from `tables` if there, else `d`.
fn maxima(d: &[u8], t: &Tables, tables: &mut BTreeMap<[u8; 4], Vec<u8>>) {
    let figures = || -> Option<Figures> {
        let table = |tag: &[u8; 4]| tables.get(tag).map(Vec::as_slice).or_else(|| t.get(d, tag));
        let (glyf, loca, head) = (table(b"glyf")?, table(b"loca")?, table(b"head")?);
        let n = u16_at(table(b"maxp")?, 4)? as usize;
        let long_loca = u16_at(head, 50)? == 1;
        let at = |g: usize| -> Option<usize> {
            if long_loca {
                Some(u32_at(loca, 4 * g)? as usize)
            } else {
                Some(u16_at(loca, 2 * g)? as usize * 2)
            }
        };
        let glyph = |g: usize| -> Option<&[u8]> {
            let (a, b) = (at(g)?, at(g + 1)?);
            glyf.get(a..b.max(a))
        };
        let hmtx = table(b"hmtx")?;
        let long = (u16_at(table(b"hhea")?, 34)? as usize).clamp(1, n.max(1));
        let i16_at = |b: &[u8], o: usize| u16_at(b, o).map(|v| v as i16);
        // Points and contours of a glyph, composites flattened; (points, contours, elements, depth).
        fn size<'a>(
            glyph: &dyn Fn(usize) -> Option<&'a [u8]>,
            g: usize,
            depth: usize,
        ) -> Option<(u32, u32, u32, u32)> {
            let data = glyph(g)?;
            if data.len() < 10 || depth > 16 {
                return Some((0, 0, 0, 0));
            }
            let nc = u16_at(data, 0)? as i16;
            if nc >= 0 {
                let pts = if nc == 0 {
                    0
                } else {
                    u16_at(data, 10 + 2 * (nc as usize - 1))? as u32 + 1
                };
                return Some((pts, nc as u32, 0, 0));
            }
            let comps = components(data)?;
            let (mut p, mut c, mut dp) = (0, 0, 0);
            for (_, comp) in &comps {
                let s = size(glyph, *comp as usize, depth + 1)?;
                p += s.0;
                c += s.1;
                dp = dp.max(s.3);
            }
            Some((p, c, comps.len() as u32, dp + 1))
        }
        let mut bbox: Option<[i16; 4]> = None;
        let (mut aw_max, mut lsb_min, mut rsb_min, mut ext_max) =
            (0u16, i16::MAX, i16::MAX, i16::MIN);
        let mut mp = [0u16; 7];
        for g in 0..n {
            let aw = u16_at(hmtx, 4 * g.min(long - 1))?;
            aw_max = aw_max.max(aw);
            let data = glyph(g)?;
            if data.len() < 10 {
                continue;
            }
            let b = [
                i16_at(data, 2)?,
                i16_at(data, 4)?,
                i16_at(data, 6)?,
                i16_at(data, 8)?,
            ];
            bbox = Some(match bbox {
                None => b,
                Some(o) => [
                    o[0].min(b[0]),
                    o[1].min(b[1]),
                    o[2].max(b[2]),
                    o[3].max(b[3]),
                ],
            });
            let lsb = if g < long {
                i16_at(hmtx, 4 * g + 2)?
            } else {
                i16_at(hmtx, 4 * long + 2 * (g - long))?
            };
            let extent = lsb as i32 + (b[2] as i32 - b[0] as i32);
            lsb_min = lsb_min.min(lsb);
            rsb_min = rsb_min.min((aw as i32 - extent).clamp(-32768, 32767) as i16);
            ext_max = ext_max.max(extent.clamp(-32768, 32767) as i16);
            let (p, c, e, dp) = size(&glyph, g, 0)?;
            let nc = u16_at(data, 0)? as i16;
            let clamp = |v: u32| v.min(0xFFFF) as u16;
            if nc >= 0 {
                mp[0] = mp[0].max(clamp(p));
                mp[1] = mp[1].max(clamp(c));
                let ins = 10 + 2 * nc as usize;
                mp[4] = mp[4].max(u16_at(data, ins).unwrap_or(0));
            } else {
                mp[2] = mp[2].max(clamp(p));
                mp[3] = mp[3].max(clamp(c));
                mp[5] = mp[5].max(clamp(e));
                mp[6] = mp[6].max(clamp(dp));
            }
        }
        if bbox.is_none() {
            (lsb_min, rsb_min, ext_max) = (0, 0, 0);
        }
        Some(Figures {
            bbox: bbox.unwrap_or([0; 4]),
            aw_max,
            sides: [lsb_min, rsb_min, ext_max],
            maxp: mp,
        })
    };
    let Some(Figures {
        bbox,
        aw_max,
        sides: [lsb, rsb, ext],
        maxp: mp,
    }) = figures()
    else {
        return;
    };
    let mut set = |tag: &[u8; 4], at: usize, v: u16| {
        if !tables.contains_key(tag) {
            let Some(b) = t.get(d, tag) else { return };
            tables.insert(*tag, b.to_vec());
        }
        if let Some(s) = tables.get_mut(tag).and_then(|b| b.get_mut(at..at + 2)) {
            s.copy_from_slice(&v.to_be_bytes());
        }
    };
    for (k, v) in bbox.iter().enumerate() {
        set(b"head", 36 + 2 * k, *v as u16);
    }
    set(b"hhea", 10, aw_max);
    set(b"hhea", 12, lsb as u16);
    set(b"hhea", 14, rsb as u16);
    set(b"hhea", 16, ext as u16);
    // maxp 1.0: maxPoints, maxContours, maxCompositePoints, maxCompositeContours (6..14),
    // maxSizeOfInstructions (26), maxComponentElements (28), maxComponentDepth (30).
    if t.get(d, b"maxp").is_some_and(|m| m.len() >= 32) {
        for (at, v) in [6, 8, 10, 12, 26, 28, 30].into_iter().zip(mp) {
            set(b"maxp", at, v);
        }
    }
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

/// A copy of a bare CFF program (FontFile3 /Type1C or /CIDFontType0C) in which only the glyphs
/// `keep` (with .notdef and their accent components) draw anything (see `subset/cff.rs`); `None`
/// when it cannot be read with confidence.
pub fn prune_cff(d: &[u8], keep: &BTreeSet<u16>) -> Option<Pruned> {
    cff::prune(d, keep).map(|(p, _)| p)
}

/// A copy of a Type 1 program (FontFile, with its /Length1 and /Length2 when known) with only the
/// glyphs named in `keep` (with .notdef and their accent components), and its new /Length1, /Length2
/// and /Length3 (see `subset/type1.rs`); `None` when nothing goes or it cannot be read with
/// confidence.
pub fn prune_type1(
    d: &[u8],
    lengths: (Option<usize>, Option<usize>),
    keep: &BTreeSet<String>,
) -> Option<(Vec<u8>, [usize; 3])> {
    type1::Type1::parse(d, lengths.0, lengths.1)?.prune(keep)
}

/// The glyph names of a Type 1 program, in the order of its /CharStrings (for tests and checks).
pub fn type1_glyph_names(d: &[u8]) -> Option<Vec<String>> {
    let t = type1::Type1::parse(d, None, None)?;
    Some(t.glyph_names().into_iter().map(str::to_string).collect())
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
