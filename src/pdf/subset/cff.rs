//! Pruning a CFF program (FontFile3 /Type1C or /CIDFontType0C, or the `CFF ` table of an OpenType
//! file): the glyphs that go keep their place (every glyph id, code and CID of the program stays
//! valid) but lose everything that told what they were: their charstring becomes a bare `endchar`,
//! their charset entry .notdef (SID or CID 0), their code in a custom built-in encoding one no kept
//! glyph has, a glyph name of their own in the String INDEX the empty string, and the subroutines
//! only they called a bare `return`. Kept glyphs keep the accent components they are built from
//! (`endchar` with four arguments, the Type 1 `seac`).
//!
//! The program is written again in the usual order (header, Name, Top DICT, String and global
//! subroutine INDEXes, then charset, encoding, CharStrings, FDSelect, FDArray and Private DICTs with
//! their subroutines), every offset in a DICT as a five-byte integer; everything else (DICT operands,
//! kept charstrings, the Private DICTs) is copied byte for byte. What cannot be read with confidence
//! (another charstring type, arithmetic in a charstring, an INDEX that does not read, a format 1
//! encoding covering a glyph that goes) is `None`: the caller leaves the program whole.

use super::Pruned;
use crate::pdf::fonts::cff::{bias, charset, dict, entry, first, offset, Index};
use crate::pdf::fonts::tables::{STANDARD_ENCODING, STANDARD_STRINGS};
use std::collections::{BTreeMap, BTreeSet};

/// The charstring that replaces a glyph that goes.
const EMPTY_GLYPH: &[u8] = &[14];
/// The body that replaces a subroutine no kept glyph calls.
const EMPTY_SUBR: &[u8] = &[11];
/// Operators read per glyph (through its subroutines) before the walk gives up.
const WALK_BUDGET: usize = 200_000;

/// What a walk through the kept glyphs found.
#[derive(Default)]
struct Reached {
    /// Local subroutines called, per Private DICT.
    local: BTreeMap<usize, BTreeSet<usize>>,
    global: BTreeSet<usize>,
    /// Some subroutine number was computed, not written: every subroutine stays.
    untraceable: bool,
    /// Accent components (standard codes of base and accent), from `endchar` with four arguments.
    seac: Vec<(u8, u8)>,
    /// Follow the outlines too: `bounds` is then the box of every point and control point drawn
    /// (x0, y0, x1, y1, in glyph units), over all glyphs walked.
    trace: bool,
    bounds: Option<[f64; 4]>,
}

/// A copy of a CFF program in which only the glyphs `keep` (with .notdef and their accent
/// components) draw anything, and the glyphs kept. `None` when the program cannot be read with
/// confidence.
pub fn prune(data: &[u8], keep: &BTreeSet<u16>) -> Option<(Pruned, BTreeSet<u16>)> {
    rebuild(data, keep, None)
}

/// A copy of a CFF program with only the glyphs `order` (old glyph ids, .notdef first), renumbered
/// 0, 1, 2, ... in that order, then the accent components they are built from (by name): the
/// charset, CharStrings, FDSelect and a custom built-in encoding follow (the encoding rewritten as
/// code -> glyph name supplements, which do not depend on glyph numbers). `cids`: for a CID-keyed
/// program, the CID of each glyph of `order` (else each keeps its own, or its name). Two programs
/// holding the same glyphs give the same bytes for the same order, whatever numbers their glyphs
/// had. `None` when the program cannot be read with confidence.
pub fn renumber(data: &[u8], order: &[u16], cids: Option<&[u16]>) -> Option<Renumbered> {
    let keep: BTreeSet<u16> = order.iter().copied().collect();
    if keep.len() != order.len() || order.first() != Some(&0) {
        return None;
    }
    let (Pruned::New(bytes), _) = rebuild(data, &keep, Some((order, cids)))? else {
        return None;
    };
    // What the descriptor says of the glyphs: their box, and the dominant vertical stem.
    let hdr = *bytes.get(2)? as usize;
    let names = Index::read(&bytes, hdr)?;
    let top = dict(Index::read(&bytes, names.end)?.get(0)?)?;
    let bbox = entry(&top, 5).and_then(|b| <[f64; 4]>::try_from(b).ok());
    let std_vw = entry(&top, 18).and_then(|p| {
        let [size, at] = <[f64; 2]>::try_from(p).ok()?;
        let (size, at) = (offset(size, bytes.len())?, offset(at, bytes.len())?);
        first(&dict(bytes.get(at..at.checked_add(size)?)?)?, 11)
    });
    Some(Renumbered {
        bytes,
        bbox,
        std_vw,
    })
}

/// How many glyphs a CFF program has.
pub fn glyph_count(data: &[u8]) -> Option<usize> {
    let hdr = *data.get(2)? as usize;
    let names = Index::read(data, hdr)?;
    let tops = Index::read(data, names.end)?;
    let top = dict(tops.get(0)?)?;
    Some(Index::read(data, offset(first(&top, 17)?, data.len())?)?.count)
}

/// A renumbered CFF program, with its FontBBox and (when its Private DICT says) StdVW.
pub struct Renumbered {
    pub bytes: Vec<u8>,
    pub bbox: Option<[f64; 4]>,
    pub std_vw: Option<f64>,
}

/// A glyph order for [`rebuild`], with the CIDs to give the glyphs.
type Order<'a> = (&'a [u16], Option<&'a [u16]>);

fn rebuild(
    data: &[u8],
    keep: &BTreeSet<u16>,
    order: Option<Order>,
) -> Option<(Pruned, BTreeSet<u16>)> {
    let hdr = *data.get(2)? as usize;
    if *data.first()? != 1 || hdr < 4 {
        return None;
    }
    let len = data.len();
    let names = Index::read(data, hdr)?;
    let tops = Index::read(data, names.end)?;
    let strings = Index::read(data, tops.end)?;
    let gsubrs = Index::read(data, strings.end)?;
    let top = dict(tops.get(0)?)?;
    // (One font per program, as PDF embeds them; Type 2 charstrings.)
    if names.count != 1 || tops.count != 1 || first(&top, 1206).unwrap_or(2.0) != 2.0 {
        return None;
    }
    let charstrings = Index::read(data, offset(first(&top, 17)?, len)?)?;
    let n = charstrings.count;
    let cid = entry(&top, 1230).is_some();
    // (A CID-keyed program's Private DICTs are its Font DICTs'; one in its Top DICT is not followed.)
    if cid && entry(&top, 18).is_some() {
        return None;
    }
    // The Private DICTs (one, or one per Font DICT of a CID-keyed program) with their local
    // subroutines, and which one each glyph uses.
    let private_subrs = |p: &[f64]| -> Option<Option<Index>> {
        let [size, at] = <&[f64; 2]>::try_from(p).ok()?;
        let (size, at) = (offset(*size, len)?, offset(*at, len)?);
        let private = dict(data.get(at..at.checked_add(size)?)?)?;
        match first(&private, 19) {
            Some(s) => Some(Some(Index::read(data, at.checked_add(offset(s, len)?)?)?)),
            None => Some(None),
        }
    };
    let mut locals: Vec<Option<Index>> = Vec::new();
    let mut fd_of: Vec<u8> = vec![0; n];
    let mut font_dicts: Vec<Vec<(u16, Vec<f64>)>> = Vec::new();
    if cid {
        let fds = Index::read(data, offset(first(&top, 1236)?, len)?)?;
        for k in 0..fds.count {
            let fd = dict(fds.get(k)?)?;
            locals.push(match entry(&fd, 18) {
                Some(p) => private_subrs(p)?,
                None => None,
            });
            font_dicts.push(fd);
        }
        fd_of = fd_select(data, offset(first(&top, 1237)?, len)?, n)?;
        if fd_of.iter().any(|&f| f as usize >= locals.len()) {
            return None;
        }
    } else {
        locals.push(match entry(&top, 18) {
            Some(p) => private_subrs(p)?,
            None => None,
        });
    }
    let cs_at = offset(first(&top, 15).unwrap_or(0.0), len)?;
    let sids = charset(data, cs_at, n, cid)?;
    // The glyphs kept: those asked for, .notdef, and the accent components of kept ones.
    let mut kept: BTreeSet<usize> = keep
        .iter()
        .map(|&g| g as usize)
        .filter(|&g| g < n)
        .collect();
    kept.insert(0);
    let mut reached = Reached {
        trace: order.is_some(),
        ..Default::default()
    };
    let mut todo: Vec<usize> = kept.iter().copied().collect();
    while let Some(g) = todo.pop() {
        let fd = fd_of[g] as usize;
        let before = reached.seac.len();
        walk(
            charstrings.get(g)?,
            fd,
            locals[fd].as_ref(),
            &gsubrs,
            &mut reached,
        )?;
        let found: Vec<(u8, u8)> = reached.seac[before..].to_vec();
        for (b, a) in found {
            if cid {
                return None;
            }
            for code in [b, a] {
                let sid = STANDARD_ENCODING[code as usize];
                let g = sids.iter().position(|&s| s == sid && sid != 0)?;
                if kept.insert(g) {
                    todo.push(g);
                }
            }
        }
    }
    let subrs_go = !reached.untraceable
        && (locals.iter().enumerate().any(|(k, ix)| {
            ix.is_some_and(|ix| {
                (0..ix.count).any(|s| !reached.local.get(&k).is_some_and(|r| r.contains(&s)))
            })
        }) || (0..gsubrs.count).any(|s| !reached.global.contains(&s)));
    let kept_ids: BTreeSet<u16> = kept.iter().filter_map(|&g| u16::try_from(g).ok()).collect();
    if kept.len() == n && !subrs_go && order.is_none() {
        return Some((Pruned::Whole, kept_ids));
    }
    // The glyphs written, in order: every one in place, or only the kept ones in the order given
    // (accent components not in it after, by name).
    let glyphs: Vec<usize> = match order {
        None => (0..n).collect(),
        Some((o, cids)) => {
            let mut g: Vec<usize> = o.iter().map(|&g| g as usize).collect();
            if g.iter().any(|&x| x >= n) {
                return None;
            }
            let mut rest: Vec<usize> = kept.iter().copied().filter(|x| !g.contains(x)).collect();
            if cids.is_some() && !rest.is_empty() {
                return None;
            }
            rest.sort_by_key(|&x| sids.get(x).copied().unwrap_or(0));
            g.extend(rest);
            g
        }
    };
    let gone: Vec<usize> = (1..n).filter(|g| !kept.contains(g)).collect();
    let keep_local = |k: usize, s: usize| {
        reached.untraceable || reached.local.get(&k).is_some_and(|r| r.contains(&s))
    };
    let keep_gsubr = |s: usize| reached.untraceable || reached.global.contains(&s);
    // Names of their own (in the String INDEX) that only glyphs that went had become empty.
    let mut used_sids: BTreeSet<u16> = kept.iter().filter_map(|&g| sids.get(g).copied()).collect();
    for d in std::iter::once(&top).chain(font_dicts.iter()) {
        for (op, v) in d {
            if matches!(op, 0..=4 | 1200 | 1221 | 1222 | 1230 | 1238) {
                used_sids.extend(v.iter().map(|&x| x as u16));
            }
        }
    }
    let custom = STANDARD_STRINGS.len();
    let gone_sids: BTreeSet<u16> = gone
        .iter()
        .filter_map(|&g| sids.get(g).copied())
        .filter(|s| !used_sids.contains(s))
        .collect();
    let blank: BTreeSet<usize> = if cid {
        BTreeSet::new()
    } else {
        gone_sids
            .iter()
            .filter(|s| **s as usize >= custom)
            .map(|s| *s as usize - custom)
            .collect()
    };
    // The pieces, rebuilt.
    let strings_b = index_bytes(&strings, |k| !blank.contains(&k), &[])?;
    let gsubrs_b = index_bytes(&gsubrs, keep_gsubr, EMPTY_SUBR)?;
    let cs_b = match order {
        None => index_bytes(&charstrings, |g| kept.contains(&g), EMPTY_GLYPH)?,
        Some(_) => make_index(
            &glyphs
                .iter()
                .map(|&g| charstrings.get(g).map(<[u8]>::to_vec))
                .collect::<Option<Vec<_>>>()?,
        ),
    };
    // Charset, format 0: the glyphs that went are .notdef (CID 0).
    let mut charset_b = vec![0u8];
    for (k, &g) in glyphs.iter().enumerate().skip(1) {
        let sid = match order {
            Some((_, Some(cids))) => *cids.get(k)?,
            _ if kept.contains(&g) => sids.get(g).copied().unwrap_or(0),
            _ => 0,
        };
        charset_b.extend(sid.to_be_bytes());
    }
    let enc_at = if cid {
        0
    } else {
        offset(first(&top, 16).unwrap_or(0.0), len)?
    };
    let enc_b: Option<Vec<u8>> = if enc_at <= 1 {
        None
    } else if order.is_some() {
        // Code -> glyph name for the glyphs written, as supplements only.
        let names: BTreeSet<u16> = glyphs
            .iter()
            .filter_map(|&g| sids.get(g).copied())
            .collect();
        let pairs: BTreeMap<u8, u16> = encoding_pairs(data, enc_at, &sids)?
            .into_iter()
            .filter(|(_, sid)| *sid != 0 && names.contains(sid))
            .collect();
        let mut e = vec![0x80u8, 0, u8::try_from(pairs.len()).ok()?];
        for (code, sid) in pairs {
            e.push(code);
            e.extend(sid.to_be_bytes());
        }
        Some(e)
    } else {
        let mut e = data
            .get(enc_at..enc_at + encoding_len(data, enc_at)?)?
            .to_vec();
        rewrite_encoding(&mut e, 0, &kept, &gone_sids, n)?;
        Some(e)
    };
    // A Private DICT as it was, its local subroutines (pruned) at the same distance after it.
    let private_block = |p: &[f64], k: usize| -> Option<(usize, Vec<u8>)> {
        let [size, at] = <&[f64; 2]>::try_from(p).ok()?;
        let (size, at) = (offset(*size, len)?, offset(*at, len)?);
        let pd = data.get(at..at.checked_add(size)?)?;
        let mut b = pd.to_vec();
        if let Some(rel) = first(&dict(pd)?, 19) {
            let rel = offset(rel, len)?;
            if rel < size {
                return None;
            }
            b.resize(rel, 0);
            let ix = Index::read(data, at.checked_add(rel)?)?;
            b.extend(index_bytes(&ix, |s| keep_local(k, s), EMPTY_SUBR)?);
        }
        Some((size, b))
    };
    let mut top_raw = raw_dict(tops.get(0)?)?;
    // A renumbered program's FontBBox is that of the glyphs it keeps (a subset's may be that of a
    // removed name's widest letter).
    // (Each number as a two-byte integer, operator 28: FreeType reads a negative five-byte one,
    // operator 29, as a large positive number.)
    let bbox_bytes: Vec<u8> = match (order, reached.bounds) {
        (Some(_), Some(b)) => [b[0].floor(), b[1].floor(), b[2].ceil(), b[3].ceil()]
            .iter()
            .flat_map(|&v| {
                std::iter::once(28u8).chain((v.clamp(-32768.0, 32767.0) as i16).to_be_bytes())
            })
            .collect(),
        (Some(_), None) => [0u8; 4].iter().flat_map(|_| [28u8, 0, 0]).collect(),
        _ => Vec::new(),
    };
    if order.is_some() {
        for e in top_raw.iter_mut().filter(|e| e.0 == 5) {
            e.1 = &bbox_bytes;
        }
    }
    let names_b = data.get(..names.end)?;
    // The Top DICT with every offset as a five-byte integer: its size does not depend on them.
    let top_with = |offs: &BTreeMap<u16, Vec<usize>>| -> Vec<u8> { write_dict(&top_raw, offs) };
    let mut offs: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    offs.insert(15, vec![0]);
    offs.insert(17, vec![0]);
    if enc_b.is_some() {
        offs.insert(16, vec![0]);
    }
    let mut tail: Vec<u8> = Vec::new();
    if cid {
        offs.insert(1236, vec![0]);
        offs.insert(1237, vec![0]);
    } else if entry(&top, 18).is_some() {
        offs.insert(18, vec![0, 0]);
    }
    let top_len = make_index(&[top_with(&offs)]).len();
    let base = names_b.len() + top_len + strings_b.len() + gsubrs_b.len();
    let mut pos = base;
    offs.insert(15, vec![pos]);
    tail.extend(&charset_b);
    pos += charset_b.len();
    if let Some(e) = &enc_b {
        offs.insert(16, vec![pos]);
        tail.extend(e);
        pos += e.len();
    }
    offs.insert(17, vec![pos]);
    tail.extend(&cs_b);
    pos += cs_b.len();
    if cid {
        let sel_at = offset(first(&top, 1237)?, len)?;
        let sel = match order {
            None => data
                .get(sel_at..sel_at + fd_select_len(data, sel_at, n)?)?
                .to_vec(),
            Some(_) => std::iter::once(0u8)
                .chain(glyphs.iter().map(|&g| fd_of[g]))
                .collect(),
        };
        offs.insert(1237, vec![pos]);
        tail.extend(&sel);
        pos += sel.len();
        let fds = Index::read(data, offset(first(&top, 1236)?, len)?)?;
        let mut raws = Vec::new();
        let mut blocks = Vec::new();
        for k in 0..fds.count {
            let raw = raw_dict(fds.get(k)?)?;
            let fd = dict(fds.get(k)?)?;
            blocks.push(match entry(&fd, 18) {
                Some(p) => Some(private_block(p, k)?),
                None => None,
            });
            raws.push(raw);
        }
        let placeholder = |b: &Option<(usize, Vec<u8>)>| {
            let mut o = BTreeMap::new();
            if b.is_some() {
                o.insert(18u16, vec![0, 0]);
            }
            o
        };
        let fd_len = make_index(
            &raws
                .iter()
                .zip(&blocks)
                .map(|(r, b)| write_dict(r, &placeholder(b)))
                .collect::<Vec<_>>(),
        )
        .len();
        offs.insert(1236, vec![pos]);
        let mut at = pos + fd_len;
        let mut fd_dicts = Vec::new();
        let mut privates: Vec<u8> = Vec::new();
        for (r, b) in raws.iter().zip(&blocks) {
            let mut o = BTreeMap::new();
            if let Some((size, bytes)) = b {
                o.insert(18u16, vec![*size, at]);
                at += bytes.len();
                privates.extend(bytes);
            }
            fd_dicts.push(write_dict(r, &o));
        }
        tail.extend(make_index(&fd_dicts));
        tail.extend(privates);
    } else if let Some(p) = entry(&top, 18) {
        let (size, bytes) = private_block(p, 0)?;
        offs.insert(18, vec![size, pos]);
        tail.extend(bytes);
    }
    let mut out = names_b.to_vec();
    let top_index = make_index(&[top_with(&offs)]);
    if top_index.len() != top_len {
        return None;
    }
    out.extend(top_index);
    out.extend(strings_b);
    out.extend(gsubrs_b);
    out.extend(tail);
    Some((Pruned::New(out), kept_ids))
}

/// A DICT entry as it is written: (operator, operand bytes, operator bytes).
type RawEntry<'a> = (u16, &'a [u8], &'a [u8]);

/// A DICT's entries as they are written.
fn raw_dict(d: &[u8]) -> Option<Vec<RawEntry<'_>>> {
    let mut out = Vec::new();
    let (mut p, mut start) = (0, 0);
    while p < d.len() {
        let b = d[p];
        let len = match b {
            28 => 3,
            29 => 5,
            30 => {
                let mut q = p + 1;
                while q < d.len() && d[q] & 0x0F != 0x0F && d[q] >> 4 != 0x0F {
                    q += 1;
                }
                q + 1 - p
            }
            32..=246 => 1,
            247..=254 => 2,
            _ => {
                let (op, l) = if b == 12 {
                    (1200 + *d.get(p + 1)? as u16, 2)
                } else {
                    (b as u16, 1)
                };
                out.push((op, d.get(start..p)?, d.get(p..p + l)?));
                p += l;
                start = p;
                continue;
            }
        };
        p += len;
    }
    (start == d.len()).then_some(out)
}

/// A DICT from [`raw_dict`] entries, the operands of the operators in `offsets` replaced by
/// five-byte integers.
fn write_dict(raw: &[RawEntry], offsets: &BTreeMap<u16, Vec<usize>>) -> Vec<u8> {
    let mut out = Vec::new();
    for (op, operands, op_bytes) in raw {
        match offsets.get(op) {
            Some(vals) => {
                for &v in vals {
                    out.push(29);
                    out.extend((v as i32).to_be_bytes());
                }
            }
            None => out.extend_from_slice(operands),
        }
        out.extend_from_slice(op_bytes);
    }
    out
}

/// An INDEX of `items` with the smallest offset size.
fn make_index(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = (items.len() as u16).to_be_bytes().to_vec();
    if items.is_empty() {
        return out;
    }
    let total: usize = items.iter().map(Vec::len).sum::<usize>() + 1;
    let off_size = match total {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(off_size as u8);
    let mut off = 1usize;
    out.extend(&(off as u32).to_be_bytes()[4 - off_size..]);
    for it in items {
        off += it.len();
        out.extend(&(off as u32).to_be_bytes()[4 - off_size..]);
    }
    for it in items {
        out.extend_from_slice(it);
    }
    out
}

/// A custom built-in encoding as (code, SID of the glyph it selects) pairs: formats 0 and 1 through
/// the charset `sids`, and the supplements.
fn encoding_pairs(d: &[u8], at: usize, sids: &[u16]) -> Option<Vec<(u8, u16)>> {
    let format = *d.get(at)?;
    let count = *d.get(at + 1)? as usize;
    let mut out = Vec::new();
    let sup_at = match format & 0x7F {
        0 => {
            for (i, &c) in d.get(at + 2..at + 2 + count)?.iter().enumerate() {
                out.push((c, *sids.get(i + 1)?));
            }
            at + 2 + count
        }
        1 => {
            let mut g = 1;
            for r in 0..count {
                let first = *d.get(at + 2 + 2 * r)? as usize;
                let left = *d.get(at + 3 + 2 * r)? as usize;
                for c in first..=first + left {
                    out.push((u8::try_from(c).ok()?, *sids.get(g)?));
                    g += 1;
                }
            }
            at + 2 + 2 * count
        }
        _ => return None,
    };
    if format & 0x80 != 0 {
        let sups = *d.get(sup_at)? as usize;
        for k in 0..sups {
            let p = sup_at + 1 + 3 * k;
            out.push((
                *d.get(p)?,
                u16::from_be_bytes([*d.get(p + 1)?, *d.get(p + 2)?]),
            ));
        }
    }
    Some(out)
}

/// The bytes a custom encoding takes (formats 0 and 1, with supplements).
fn encoding_len(d: &[u8], at: usize) -> Option<usize> {
    let format = *d.get(at)?;
    let count = *d.get(at + 1)? as usize;
    let mut l = 2 + if format & 0x7F == 0 { count } else { 2 * count };
    if format & 0x80 != 0 {
        l += 1 + 3 * *d.get(at + l)? as usize;
    }
    Some(l)
}

/// The bytes an FDSelect takes (formats 0 and 3).
fn fd_select_len(d: &[u8], at: usize, n: usize) -> Option<usize> {
    match *d.get(at)? {
        0 => Some(1 + n),
        3 => Some(3 + 3 * u16::from_be_bytes([*d.get(at + 1)?, *d.get(at + 2)?]) as usize + 2),
        _ => None,
    }
}

/// FDSelect (formats 0 and 3): the Font DICT of each glyph.
fn fd_select(d: &[u8], at: usize, n: usize) -> Option<Vec<u8>> {
    match *d.get(at)? {
        0 => Some(d.get(at + 1..at + 1 + n)?.to_vec()),
        3 => {
            let ranges = u16::from_be_bytes([*d.get(at + 1)?, *d.get(at + 2)?]) as usize;
            let mut out = vec![0u8; n];
            for r in 0..ranges {
                let p = at + 3 + 3 * r;
                let from = u16::from_be_bytes([*d.get(p)?, *d.get(p + 1)?]) as usize;
                let fd = *d.get(p + 2)?;
                let to = u16::from_be_bytes([*d.get(p + 3)?, *d.get(p + 4)?]) as usize;
                if from > to || to > n {
                    return None;
                }
                out[from..to].fill(fd);
            }
            Some(out)
        }
        _ => None,
    }
}

/// The bytes of an INDEX like `ix` (same offset size) whose entries `keep` refuses are `empty`.
fn index_bytes(ix: &Index, keep: impl Fn(usize) -> bool, empty: &[u8]) -> Option<Vec<u8>> {
    let mut out = (ix.count as u16).to_be_bytes().to_vec();
    if ix.count == 0 {
        return Some(out);
    }
    let bodies: Vec<&[u8]> = (0..ix.count)
        .map(|k| {
            let b = ix.get(k)?;
            // (An entry already shorter than the stand-in stays: the INDEX never grows.)
            Some(if keep(k) || b.len() <= empty.len() {
                b
            } else {
                empty
            })
        })
        .collect::<Option<_>>()?;
    out.push(ix.off_size as u8);
    let mut off = 1usize;
    let put = |out: &mut Vec<u8>, v: usize| {
        out.extend(&(v as u32).to_be_bytes()[4 - ix.off_size..]);
    };
    put(&mut out, off);
    for b in &bodies {
        off += b.len();
        put(&mut out, off);
    }
    for b in &bodies {
        out.extend_from_slice(b);
    }
    Some(out)
}

/// A custom built-in encoding: in format 0, a glyph that went is given a code no kept glyph has;
/// a format 1 encoding (ranges) cannot be rewritten in place, so when a glyph it covers went it is
/// `None`. Supplements (code -> SID) naming a glyph that went then name .notdef.
fn rewrite_encoding(
    out: &mut [u8],
    at: usize,
    kept: &BTreeSet<usize>,
    gone_sids: &BTreeSet<u16>,
    n: usize,
) -> Option<()> {
    let format = *out.get(at)?;
    let count = *out.get(at + 1)? as usize;
    let sup_at = match format & 0x7F {
        0 => {
            let codes: Vec<u8> = out.get(at + 2..at + 2 + count)?.to_vec();
            let kept_codes: BTreeSet<u8> = codes
                .iter()
                .enumerate()
                .filter(|(i, _)| kept.contains(&(i + 1)))
                .map(|(_, &c)| c)
                .collect();
            let free = (0..=255u8).find(|c| !kept_codes.contains(c))?;
            for (i, c) in out.get_mut(at + 2..at + 2 + count)?.iter_mut().enumerate() {
                if !kept.contains(&(i + 1)) {
                    *c = free;
                }
            }
            at + 2 + count
        }
        1 => {
            let mut covered = 0usize;
            for r in 0..count {
                covered += 1 + *out.get(at + 3 + 2 * r)? as usize;
            }
            if !(1..n.min(covered + 1)).all(|g| kept.contains(&g)) {
                return None;
            }
            at + 2 + 2 * count
        }
        _ => return None,
    };
    if format & 0x80 != 0 {
        let sups = *out.get(sup_at)? as usize;
        for k in 0..sups {
            let p = sup_at + 1 + 3 * k + 1;
            let sid = u16::from_be_bytes([*out.get(p)?, *out.get(p + 1)?]);
            if gone_sids.contains(&sid) {
                out.get_mut(p..p + 2)?.fill(0);
            }
        }
    }
    Some(())
}

impl Reached {
    fn extend(&mut self, pts: &[(f64, f64)]) {
        for &(x, y) in pts {
            let b = self.bounds.get_or_insert([x, y, x, y]);
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    }
}

/// The points (and control points) a Type 2 path operator draws from the current point `at`, which
/// it moves (operators 1234 to 1237 are the flex operators, 12 34 to 12 37). `None` when its
/// operands do not fit it.
fn path(op: u16, s: &[f64], at: &mut (f64, f64), out: &mut Vec<(f64, f64)>) -> Option<()> {
    let mut put = |dx: f64, dy: f64| {
        *at = (at.0 + dx, at.1 + dy);
        out.push(*at);
    };
    let n = s.len();
    match op {
        21 => put(*s.first()?, *s.get(1)?),
        22 => put(*s.first()?, 0.0),
        4 => put(0.0, *s.first()?),
        5 => s.chunks_exact(2).for_each(|c| put(c[0], c[1])),
        6 | 7 => {
            for (i, &v) in s.iter().enumerate() {
                if (i % 2 == 0) == (op == 6) {
                    put(v, 0.0);
                } else {
                    put(0.0, v);
                }
            }
        }
        8 | 1235 => {
            let take = if op == 8 { n - n % 6 } else { 12 };
            for p in s.get(..take)?.chunks_exact(2) {
                put(p[0], p[1]);
            }
        }
        24 => {
            let curves = n.checked_sub(2)? / 6;
            for c in s.chunks_exact(6).take(curves) {
                put(c[0], c[1]);
                put(c[2], c[3]);
                put(c[4], c[5]);
            }
            put(*s.get(n - 2)?, *s.get(n - 1)?);
        }
        25 => {
            let lines = n.checked_sub(6)? / 2;
            for c in s.chunks_exact(2).take(lines) {
                put(c[0], c[1]);
            }
            let c = s.get(2 * lines..2 * lines + 6)?;
            put(c[0], c[1]);
            put(c[2], c[3]);
            put(c[4], c[5]);
        }
        26 | 27 => {
            // vvcurveto (dx1? {dya dxb dyb dyc}+), hhcurveto (dy1? {dxa dxb dyb dxc}+).
            let (first, rest) = if n % 4 == 1 {
                (s[0], &s[1..])
            } else {
                (0.0, s)
            };
            for (k, c) in rest.chunks_exact(4).enumerate() {
                let f = if k == 0 { first } else { 0.0 };
                if op == 26 {
                    put(f, c[0]);
                    put(c[1], c[2]);
                    put(0.0, c[3]);
                } else {
                    put(c[0], f);
                    put(c[1], c[2]);
                    put(c[3], 0.0);
                }
            }
        }
        30 | 31 => {
            // vhcurveto, hvcurveto: curves alternating in direction, the last with an extra df.
            let mut horizontal = op == 31;
            let mut i = 0;
            while i + 4 <= n {
                let extra = if n - i == 5 { s[i + 4] } else { 0.0 };
                if horizontal {
                    put(s[i], 0.0);
                    put(s[i + 1], s[i + 2]);
                    put(extra, s[i + 3]);
                } else {
                    put(0.0, s[i]);
                    put(s[i + 1], s[i + 2]);
                    put(s[i + 3], extra);
                }
                horizontal = !horizontal;
                i += 4;
            }
        }
        1234 => {
            let c = s.get(..7)?;
            for (x, y) in [
                (c[0], 0.0),
                (c[1], c[2]),
                (c[3], 0.0),
                (c[4], 0.0),
                (c[5], -c[2]),
                (c[6], 0.0),
            ] {
                put(x, y);
            }
        }
        1236 => {
            let c = s.get(..9)?;
            for (x, y) in [
                (c[0], c[1]),
                (c[2], c[3]),
                (c[4], 0.0),
                (c[5], 0.0),
                (c[6], c[7]),
                (c[8], -(c[1] + c[3] + c[7])),
            ] {
                put(x, y);
            }
        }
        1237 => {
            let c = s.get(..11)?;
            let (mut dx, mut dy) = (0.0, 0.0);
            for p in c[..10].chunks_exact(2) {
                dx += p[0];
                dy += p[1];
                put(p[0], p[1]);
            }
            if dx.abs() > dy.abs() {
                put(c[10], -dy);
            } else {
                put(-dx, c[10]);
            }
        }
        _ => {}
    }
    Some(())
}

/// Follows a Type 2 charstring through its subroutines, noting which it calls and any accent
/// components. `None` when it cannot be read with confidence.
fn walk(
    cs: &[u8],
    fd: usize,
    local: Option<&Index>,
    global: &Index,
    reached: &mut Reached,
) -> Option<()> {
    let mut stack: Vec<f64> = Vec::new();
    let mut last_literal = false;
    let mut stems = 0usize;
    let mut frames: Vec<(&[u8], usize)> = vec![(cs, 0)];
    // The current point, and whether the advance width (an optional first operand of the first
    // stack-clearing operator) has been passed.
    let mut at = (0.0, 0.0);
    let mut width_done = false;
    for _ in 0..WALK_BUDGET {
        let Some(&(data, pos)) = frames.last() else {
            return Some(());
        };
        let Some(&b0) = data.get(pos) else {
            // Ran off the end of a subroutine without `return`, or of the glyph without `endchar`.
            frames.pop();
            continue;
        };
        let num_len = match b0 {
            32..=246 => 1,
            247..=254 => 2,
            28 => 3,
            255 => 5,
            _ => 0,
        };
        if num_len > 0 {
            let v = match b0 {
                32..=246 => b0 as f64 - 139.0,
                247..=250 => (b0 as f64 - 247.0) * 256.0 + *data.get(pos + 1)? as f64 + 108.0,
                251..=254 => -(b0 as f64 - 251.0) * 256.0 - *data.get(pos + 1)? as f64 - 108.0,
                28 => i16::from_be_bytes([*data.get(pos + 1)?, *data.get(pos + 2)?]) as f64,
                _ => {
                    i32::from_be_bytes(data.get(pos + 1..pos + 5)?.try_into().ok()?) as f64
                        / 65536.0
                }
            };
            frames.last_mut()?.1 = pos + num_len;
            if stack.len() >= 48 {
                return None;
            }
            stack.push(v);
            last_literal = true;
            continue;
        }
        frames.last_mut()?.1 = pos + 1;
        let was_literal = last_literal;
        last_literal = false;
        if !width_done && matches!(b0, 1 | 3 | 4 | 14 | 18..=23) {
            width_done = true;
            let with_width = match b0 {
                21 => stack.len() > 2,
                22 | 4 => stack.len() > 1,
                14 => stack.len() == 1 || stack.len() == 5,
                _ => stack.len() % 2 == 1,
            };
            if with_width && !stack.is_empty() {
                stack.remove(0);
            }
        }
        if reached.trace && matches!(b0, 4..=8 | 21 | 22 | 24..=27 | 30 | 31) {
            let mut pts = Vec::new();
            path(b0 as u16, &stack, &mut at, &mut pts)?;
            reached.extend(&pts);
            stack.clear();
            continue;
        }
        match b0 {
            1 | 3 | 18 | 23 => {
                stems += stack.len() / 2;
                stack.clear();
            }
            19 | 20 => {
                stems += stack.len() / 2;
                stack.clear();
                frames.last_mut()?.1 = pos + 1 + stems.div_ceil(8);
            }
            10 | 29 => {
                let v = stack.pop()?;
                if !was_literal {
                    reached.untraceable = true;
                    return Some(());
                }
                let index = if b0 == 10 { local? } else { global };
                let k = usize::try_from(v as i64 + bias(index.count)).ok()?;
                let sub = index.get(k)?;
                if b0 == 10 {
                    reached.local.entry(fd).or_default().insert(k);
                } else {
                    reached.global.insert(k);
                }
                if frames.len() > 10 {
                    return None;
                }
                frames.push((sub, 0));
            }
            11 => {
                frames.pop();
            }
            14 => {
                if stack.len() >= 4 {
                    let l = stack.len();
                    let (b, a) = (stack[l - 2], stack[l - 1]);
                    if !(0.0..256.0).contains(&b) || !(0.0..256.0).contains(&a) {
                        return None;
                    }
                    reached.seac.push((b as u8, a as u8));
                }
                return Some(());
            }
            12 => {
                let b1 = *data.get(pos + 1)?;
                frames.last_mut()?.1 = pos + 2;
                // Flex (35 to 37, and 34) and the deprecated dotsection clear the stack; the
                // arithmetic and storage operators could compute a subroutine number.
                if matches!(b1, 0 | 34..=37) {
                    if reached.trace && b1 != 0 {
                        let mut pts = Vec::new();
                        path(1200 + b1 as u16, &stack, &mut at, &mut pts)?;
                        reached.extend(&pts);
                    }
                    stack.clear();
                } else {
                    return None;
                }
            }
            _ => stack.clear(),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::cff::tests::{i32op, index, int};

    /// A name-keyed CFF of .notdef, A (SID 34), Q (SID 50), a glyph named "Quimby" (SID 391) and
    /// Aacute (SID 171), with a format 0 charset and encoding, and a global and a local subroutine
    /// each used only by Q. With `with_seac`, Aacute is built (`endchar` with four arguments) from
    /// A twice.
    fn font(with_seac: bool) -> Vec<u8> {
        let strings = index(&[b"Quimby"]);
        // Global subr 0 (number -107): a line; local subr 0 (-107): another.
        let gsubrs = index(&[&[int(5), int(5), 5, 11]]);
        let subrs = index(&[&[int(7), int(7), 5, 11]]);
        let seac: Vec<u8> = if with_seac {
            vec![int(0), int(0), int(65), int(65), 14]
        } else {
            vec![int(1), int(2), 21, 14]
        };
        let charstrings = index(&[
            &[14],
            &[int(10), int(20), 21, int(30), int(40), 5, 14],
            &[int(10), int(20), 21, int(-107), 29, int(-107), 10, 14],
            &[int(50), int(60), 21, int(70), int(80), 5, 14],
            &seac,
        ]);
        let charset: Vec<u8> = vec![0, 0, 34, 0, 50, 1, 135, 0, 171];
        let encoding: Vec<u8> = vec![0, 4, 0x41, 0x51, 0x52, 0xC1];
        let private_body = [int(0), 19]; // Subrs right after the Private DICT (patched below)
        let (header, name) = ([1u8, 0, 4, 1], index(&[b"T"]));
        // (The Top DICT: six five-byte operands and five operators.)
        let top_len = 6 * 5 + 5;
        let cs_at = header.len() + name.len() + (5 + top_len) + strings.len() + gsubrs.len();
        let charset_at = cs_at + charstrings.len();
        let enc_at = charset_at + charset.len();
        let priv_at = enc_at + encoding.len();
        let private: Vec<u8> = vec![int(private_body.len() as i32), 19];
        let mut top = Vec::new();
        top.extend(i32op(cs_at));
        top.push(17);
        top.extend(i32op(charset_at));
        top.push(15);
        top.extend(i32op(enc_at));
        top.push(16);
        top.extend(i32op(private.len()));
        top.extend(i32op(priv_at));
        top.push(18);
        top.extend(i32op(0));
        top.push(2); // FullName: SID 0 (a standard string)
        assert_eq!(top.len(), top_len);
        let top = index(&[&top]);
        let parts = [&header[..], &name, &top, &strings, &gsubrs, &charstrings];
        let f: Vec<u8> = parts
            .into_iter()
            .chain([&charset[..], &encoding, &private, &subrs])
            .flatten()
            .copied()
            .collect();
        f
    }

    #[test]
    fn glyphs_that_go_lose_outline_name_code_and_subroutines() {
        let data = font(false);
        let cff = crate::pdf::fonts::cff::Cff::parse(&data).expect("parses");
        assert_eq!(cff.glyph_name(2).as_deref(), Some("Q"));
        assert_eq!(cff.glyph_name(3).as_deref(), Some("Quimby"));
        let Some((Pruned::New(out), _)) = prune(&data, &BTreeSet::from([1])) else {
            panic!("pruned");
        };
        let p = crate::pdf::fonts::cff::Cff::parse(&out).expect("still parses");
        assert_eq!(p.glyph_count(), 5);
        assert_eq!(p.glyph_name(1).as_deref(), Some("A"));
        for g in 2..5 {
            assert_eq!(p.glyph_name(g).as_deref(), Some(".notdef"), "glyph {g}");
        }
        let enc = p.encoding().expect("encoding");
        assert_eq!(enc[0x41].1, Some(1));
        assert!(enc[0x51].1.is_none() && enc[0x52].1.is_none());
        assert!(!out.windows(6).any(|w| w == b"Quimby"));
        // The outlines: every charstring but A's and .notdef's is a bare endchar, and the
        // subroutines only Q called are a bare return.
        let names = Index::read(&out, 4).expect("names");
        let tops = Index::read(&out, names.end).expect("tops");
        let strings = Index::read(&out, tops.end).expect("strings");
        let gs = Index::read(&out, strings.end).expect("gsubrs");
        assert_eq!(gs.get(0), Some(EMPTY_SUBR));
        let top = dict(tops.get(0).expect("top")).expect("dict");
        let cs = Index::read(&out, first(&top, 17).expect("cs") as usize).expect("cs");
        assert_eq!(
            cs.get(1),
            Some(&[int(10), int(20), 21, int(30), int(40), 5, 14][..])
        );
        for g in 2..5 {
            assert_eq!(cs.get(g), Some(EMPTY_GLYPH));
        }
        assert!(!out.windows(4).any(|w| w == [int(7), int(7), 5, 11]));
        // Keeping Q keeps its subroutines.
        let Some((Pruned::New(out), _)) = prune(&data, &BTreeSet::from([2])) else {
            panic!("pruned");
        };
        assert!(out.windows(4).any(|w| w == [int(7), int(7), 5, 11]));
        assert!(out.windows(4).any(|w| w == [int(5), int(5), 5, 11]));
    }

    #[test]
    fn accent_components_stay() {
        let data = font(true);
        let Some((Pruned::New(out), _)) = prune(&data, &BTreeSet::from([4])) else {
            panic!("pruned");
        };
        let p = crate::pdf::fonts::cff::Cff::parse(&out).expect("parses");
        assert_eq!(p.glyph_name(1).as_deref(), Some("A"), "the base stays");
        assert_eq!(p.glyph_name(4).as_deref(), Some("Aacute"));
        assert_eq!(p.glyph_name(2).as_deref(), Some(".notdef"));
    }

    #[test]
    fn all_kept_is_whole() {
        let data = font(false);
        assert!(matches!(
            prune(&data, &BTreeSet::from([1, 2, 3, 4])),
            Some((Pruned::Whole, _))
        ));
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let data = font(true);
        for cut in 0..data.len() {
            for flip in [0u8, 0xFF, 0x80, 0x0C] {
                let mut d = data[..cut].to_vec();
                d.extend(data[cut..].iter().map(|b| b ^ flip));
                let _ = prune(&d, &BTreeSet::from([1, 4]));
            }
        }
    }
}
