//! CFF font programs (Adobe Technical Note #5176; FontFile3 /Type1C, or the `CFF ` table of an OpenType
//! file), read-only: the glyph names (charset and strings), the built-in encoding (predefined Standard
//! or Expert, or a custom one of format 0 or 1 with supplements) and the advance widths (Type 2
//! charstrings, up to their first stack-clearing operator).
//!
//! # Invariants
//! The input is hostile: every read is bounds-checked, every loop is bounded by the data or a fixed
//! budget, and allocations are bounded by the glyph count (at most 65,535). What cannot be read is
//! `None`, never a panic. A CID-keyed program has no glyph names: it gives no encoding here.

use super::sfnt::u16_at;
use super::tables::{
    EXPERT_CHARSET, EXPERT_ENCODING, EXPERT_SUBSET_CHARSET, STANDARD_ENCODING, STANDARD_STRINGS,
};

/// An INDEX: `count` objects, the k-th at `data[base + off(k) .. base + off(k + 1)]`.
#[derive(Clone, Copy)]
pub(crate) struct Index<'a> {
    data: &'a [u8],
    pub(crate) count: usize,
    pub(crate) off_size: usize,
    /// Where the offset array starts.
    pub(crate) offsets: usize,
    /// Where the object data starts, less one (offsets are 1-based).
    base: usize,
    /// The first byte after the INDEX.
    pub(crate) end: usize,
}

impl<'a> Index<'a> {
    pub(crate) fn read(data: &'a [u8], at: usize) -> Option<Index<'a>> {
        let count = u16_at(data, at)? as usize;
        if count == 0 {
            return Some(Index {
                data,
                count,
                off_size: 1,
                offsets: at + 2,
                base: at + 2,
                end: at + 2,
            });
        }
        let off_size = *data.get(at + 2)? as usize;
        if !(1..=4).contains(&off_size) {
            return None;
        }
        let offsets = at + 3;
        let base = offsets + (count + 1) * off_size - 1;
        let mut ix = Index {
            data,
            count,
            off_size,
            offsets,
            base,
            end: 0,
        };
        ix.end = base.checked_add(ix.offset(count)?)?;
        (ix.end <= data.len()).then_some(ix)
    }

    fn offset(&self, k: usize) -> Option<usize> {
        let at = self.offsets + k * self.off_size;
        let b = self.data.get(at..at + self.off_size)?;
        Some(b.iter().fold(0usize, |a, &x| a << 8 | x as usize))
    }

    pub(crate) fn get(&self, k: usize) -> Option<&'a [u8]> {
        let (a, b) = self.range(k)?;
        self.data.get(a..b)
    }

    /// Where the k-th object lies in the data.
    pub(crate) fn range(&self, k: usize) -> Option<(usize, usize)> {
        if k >= self.count {
            return None;
        }
        let (a, b) = (self.offset(k)?, self.offset(k + 1)?);
        if a == 0 || a > b || self.base + b > self.data.len() {
            return None;
        }
        Some((self.base + a, self.base + b))
    }
}

/// A DICT: operator (two-byte operators as 1200 + second byte) -> its operands.
pub(crate) fn dict(d: &[u8]) -> Option<Vec<(u16, Vec<f64>)>> {
    let mut out = Vec::new();
    let mut operands: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let b0 = d[i];
        match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    i += 1;
                    1200 + *d.get(i)? as u16
                } else {
                    b0 as u16
                };
                i += 1;
                out.push((op, std::mem::take(&mut operands)));
                if out.len() > 256 {
                    return None;
                }
                continue;
            }
            28 => {
                operands.push(i16::from_be_bytes([*d.get(i + 1)?, *d.get(i + 2)?]) as f64);
                i += 3;
            }
            29 => {
                operands.push(i32::from_be_bytes(d.get(i + 1..i + 5)?.try_into().ok()?) as f64);
                i += 5;
            }
            30 => {
                let (v, len) = real(d.get(i + 1..)?)?;
                operands.push(v);
                i += 1 + len;
            }
            32..=246 => {
                operands.push(b0 as f64 - 139.0);
                i += 1;
            }
            247..=250 => {
                operands.push(((b0 as f64 - 247.0) * 256.0) + *d.get(i + 1)? as f64 + 108.0);
                i += 2;
            }
            251..=254 => {
                operands.push(-((b0 as f64 - 251.0) * 256.0) - *d.get(i + 1)? as f64 - 108.0);
                i += 2;
            }
            _ => return None,
        }
        if operands.len() > 48 {
            return None;
        }
    }
    Some(out)
}

/// A DICT real number (nibbles up to 0xf): its value and how many bytes it took.
fn real(d: &[u8]) -> Option<(f64, usize)> {
    let mut s = String::new();
    for (k, &b) in d.iter().enumerate().take(32) {
        for nib in [b >> 4, b & 15] {
            match nib {
                0..=9 => s.push((b'0' + nib) as char),
                0xa => s.push('.'),
                0xb => s.push('E'),
                0xc => s.push_str("E-"),
                0xe => s.push('-'),
                0xf => return Some((s.parse().ok().filter(|v: &f64| v.is_finite())?, k + 1)),
                _ => return None,
            }
        }
    }
    None
}

pub(crate) fn entry(dict: &[(u16, Vec<f64>)], op: u16) -> Option<&[f64]> {
    dict.iter()
        .find(|(o, _)| *o == op)
        .map(|(_, v)| v.as_slice())
}

pub(crate) fn first(dict: &[(u16, Vec<f64>)], op: u16) -> Option<f64> {
    entry(dict, op)?.first().copied()
}

/// An offset operand, checked to lie in the data.
pub(crate) fn offset(v: f64, len: usize) -> Option<usize> {
    (v >= 0.0 && v <= len as f64).then_some(v as usize)
}

/// What a code of the built-in encoding draws: the glyph's name and the glyph, when the font has it.
pub type Encoded = (Option<String>, Option<u16>);

/// A CFF program's first font.
pub struct Cff<'a> {
    data: &'a [u8],
    strings: Index<'a>,
    gsubrs: Index<'a>,
    charstrings: Index<'a>,
    subrs: Option<Index<'a>>,
    /// Glyph -> SID (name-keyed) or CID (CID-keyed); glyph 0 is .notdef.
    charset: Vec<u16>,
    cid: bool,
    /// 0 Standard, 1 Expert, or the offset of a custom encoding.
    encoding: usize,
    type2: bool,
    default_width: f64,
    nominal_width: f64,
    /// Font units to thousandths of an em (FontMatrix a, times 1000).
    scale: f64,
}

impl<'a> Cff<'a> {
    /// Reads the header, the INDEXes and the first font's Top and Private DICTs.
    pub fn parse(data: &'a [u8]) -> Option<Cff<'a>> {
        let hdr_size = *data.get(2)? as usize;
        if *data.first()? != 1 || hdr_size < 4 {
            return None;
        }
        let names = Index::read(data, hdr_size)?;
        let tops = Index::read(data, names.end)?;
        let strings = Index::read(data, tops.end)?;
        let gsubrs = Index::read(data, strings.end)?;
        let top = dict(tops.get(0)?)?;
        let len = data.len();
        let charstrings = Index::read(data, offset(first(&top, 17)?, len)?)?;
        let n = charstrings.count;
        let cid = entry(&top, 1230).is_some();
        let mut cff = Cff {
            data,
            strings,
            gsubrs,
            charstrings,
            subrs: None,
            charset: Vec::new(),
            cid,
            encoding: offset(first(&top, 16).unwrap_or(0.0), len)?,
            type2: first(&top, 1206).unwrap_or(2.0) == 2.0,
            default_width: 0.0,
            nominal_width: 0.0,
            scale: 1.0,
        };
        let fm = entry(&top, 1207).unwrap_or(&[0.001]);
        cff.scale = fm.first().copied().unwrap_or(0.001) * 1000.0;
        if !(cff.scale.is_finite() && cff.scale > 0.0 && cff.scale < 100.0) {
            return None;
        }
        cff.charset = charset(data, offset(first(&top, 15).unwrap_or(0.0), len)?, n, cid)?;
        if let Some([size, at]) = entry(&top, 18).and_then(|v| <&[f64; 2]>::try_from(v).ok()) {
            let (size, at) = (offset(*size, len)?, offset(*at, len)?);
            let private = dict(data.get(at..at.checked_add(size)?)?)?;
            cff.default_width = first(&private, 20).unwrap_or(0.0);
            cff.nominal_width = first(&private, 21).unwrap_or(0.0);
            if let Some(s) = first(&private, 19) {
                cff.subrs = Some(Index::read(data, at.checked_add(offset(s, len)?)?)?);
            }
        }
        Some(cff)
    }

    /// Whether the program is CID-keyed (its charset gives CIDs, not names).
    pub fn is_cid(&self) -> bool {
        self.cid
    }

    /// The glyph a CID-keyed program draws for a CID (`None` when it has none).
    pub fn glyph_of_cid(&self, cid: u32) -> Option<u16> {
        if !self.cid {
            return None;
        }
        let cid = u16::try_from(cid).ok()?;
        if cid == 0 {
            return Some(0);
        }
        self.glyph_of_sid(cid)
    }

    /// The number of glyphs.
    pub fn glyph_count(&self) -> usize {
        self.charstrings.count
    }

    /// A glyph's name (`None` for a CID-keyed program or a glyph the charset does not name).
    pub fn glyph_name(&self, g: u16) -> Option<String> {
        if self.cid {
            return None;
        }
        self.sid_name(*self.charset.get(g as usize)?)
    }

    fn sid_name(&self, sid: u16) -> Option<String> {
        match (sid as usize).checked_sub(STANDARD_STRINGS.len()) {
            None => Some(STANDARD_STRINGS[sid as usize].to_string()),
            Some(k) => Some(String::from_utf8_lossy(self.strings.get(k)?).into_owned()),
        }
    }

    /// The glyph with a name.
    pub fn glyph_named(&self, name: &str) -> Option<u16> {
        if self.cid {
            return None;
        }
        let g = (0..self.charset.len())
            .find(|&g| self.glyph_name(g as u16).as_deref() == Some(name))?;
        u16::try_from(g).ok()
    }

    fn glyph_of_sid(&self, sid: u16) -> Option<u16> {
        let g = self.charset.iter().position(|&s| s == sid)?;
        u16::try_from(g).ok()
    }

    /// The built-in encoding: per code, the glyph name and the glyph (when the font has it). `None`
    /// for a CID-keyed program or an encoding that cannot be read.
    pub fn encoding(&self) -> Option<Vec<Encoded>> {
        if self.cid {
            return None;
        }
        let mut out: Vec<Encoded> = vec![(None, None); 256];
        let by_sid = |table: &[u16; 256], out: &mut Vec<Encoded>| {
            for (code, &sid) in table.iter().enumerate() {
                if sid != 0 {
                    out[code] = (self.sid_name(sid), self.glyph_of_sid(sid));
                }
            }
        };
        match self.encoding {
            0 => by_sid(&STANDARD_ENCODING, &mut out),
            1 => by_sid(&EXPERT_ENCODING, &mut out),
            at => {
                let d = self.data;
                let format = *d.get(at)?;
                let mut p = at + 1;
                let set = |code: usize, g: usize, out: &mut Vec<Encoded>| {
                    if let (Some(slot), Ok(g)) = (out.get_mut(code), u16::try_from(g)) {
                        if g < self.charset.len() as u16 {
                            *slot = (self.glyph_name(g), Some(g));
                        }
                    }
                };
                match format & 0x7F {
                    0 => {
                        let n = *d.get(p)? as usize;
                        for g in 1..=n {
                            set(*d.get(p + g)? as usize, g, &mut out);
                        }
                        p += 1 + n;
                    }
                    1 => {
                        let ranges = *d.get(p)? as usize;
                        let mut g = 1;
                        for r in 0..ranges {
                            let first = *d.get(p + 1 + 2 * r)? as usize;
                            let left = *d.get(p + 2 + 2 * r)? as usize;
                            for code in first..=first + left {
                                set(code, g, &mut out);
                                g += 1;
                            }
                        }
                        p += 1 + 2 * ranges;
                    }
                    _ => return None,
                }
                if format & 0x80 != 0 {
                    let sups = *d.get(p)? as usize;
                    for k in 0..sups {
                        let at = p + 1 + 3 * k;
                        let code = *d.get(at)? as usize;
                        let sid = u16_at(d, at + 1)?;
                        out[code] = (self.sid_name(sid), self.glyph_of_sid(sid));
                    }
                }
            }
        }
        Some(out)
    }

    /// A glyph's advance width in thousandths of an em, from its Type 2 charstring (`None` when the
    /// charstring cannot be read up to its first stack-clearing operator).
    pub fn advance(&self, g: u16) -> Option<f64> {
        if self.cid || !self.type2 {
            return None;
        }
        let cs = self.charstrings.get(g as usize)?;
        let w = match t2_width(cs, &self.gsubrs, self.subrs.as_ref())? {
            Some(v) => self.nominal_width + v,
            None => self.default_width,
        };
        Some(w * self.scale)
    }
}

/// The charset: glyph -> SID (or CID). Predefined 0 (ISOAdobe), 1 (Expert), 2 (ExpertSubset), or
/// formats 0, 1, 2 at an offset. Shorter than `n` when the charset names fewer glyphs.
pub(crate) fn charset(d: &[u8], at: usize, n: usize, cid: bool) -> Option<Vec<u16>> {
    let mut out: Vec<u16> = vec![0];
    if n == 0 {
        return Some(Vec::new());
    }
    let predefined: Option<&[u16]> = match at {
        1 => Some(&EXPERT_CHARSET),
        2 => Some(&EXPERT_SUBSET_CHARSET),
        _ => None,
    };
    if at == 0 {
        if cid {
            return None;
        }
        out.extend((1..n.min(229)).map(|g| g as u16));
        return Some(out);
    }
    if let Some(p) = predefined {
        out.extend(p.iter().skip(1).take(n - 1));
        return Some(out);
    }
    let format = *d.get(at)?;
    let mut p = at + 1;
    match format {
        0 => {
            for _ in 1..n {
                out.push(u16_at(d, p)?);
                p += 2;
            }
        }
        1 | 2 => {
            while out.len() < n {
                let first = u16_at(d, p)? as usize;
                let left = if format == 1 {
                    p += 3;
                    *d.get(p - 1)? as usize
                } else {
                    p += 4;
                    u16_at(d, p - 2)? as usize
                };
                for k in 0..=left {
                    if out.len() >= n {
                        break;
                    }
                    out.push(u16::try_from(first + k).ok()?);
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

/// The subroutine number bias of Type 2 charstrings.
pub(crate) fn bias(count: usize) -> i64 {
    if count < 1240 {
        107
    } else if count < 33900 {
        1131
    } else {
        32768
    }
}

/// The width operand of a Type 2 charstring: `Some(Some(w))` when it gives one (w is then added to
/// nominalWidthX), `Some(None)` when it gives none (defaultWidthX), `None` when it cannot be told.
fn t2_width(cs: &[u8], gsubrs: &Index, subrs: Option<&Index>) -> Option<Option<f64>> {
    let mut stack: Vec<f64> = Vec::new();
    // (charstring, position) of the routine being read and those that called it.
    let mut frames: Vec<(&[u8], usize)> = vec![(cs, 0)];
    for _ in 0..65_536 {
        let (data, pos) = *frames.last()?;
        let b0 = *data.get(pos)?;
        let (num, len): (Option<f64>, usize) = match b0 {
            32..=246 => (Some(b0 as f64 - 139.0), 1),
            247..=250 => (
                Some((b0 as f64 - 247.0) * 256.0 + *data.get(pos + 1)? as f64 + 108.0),
                2,
            ),
            251..=254 => (
                Some(-(b0 as f64 - 251.0) * 256.0 - *data.get(pos + 1)? as f64 - 108.0),
                2,
            ),
            28 => (
                Some(i16::from_be_bytes([*data.get(pos + 1)?, *data.get(pos + 2)?]) as f64),
                3,
            ),
            255 => (
                Some(
                    i32::from_be_bytes(data.get(pos + 1..pos + 5)?.try_into().ok()?) as f64
                        / 65536.0,
                ),
                5,
            ),
            _ => (None, 1),
        };
        frames.last_mut()?.1 = pos + len;
        if let Some(v) = num {
            if stack.len() >= 48 {
                return None;
            }
            stack.push(v);
            continue;
        }
        let odd = stack.len() % 2 == 1;
        let width = |has: bool| Some(has.then(|| stack[0]));
        match b0 {
            // hstem vstem hstemhm vstemhm hintmask cntrmask: pairs of numbers, and the width first.
            1 | 3 | 18 | 23 | 19 | 20 => return width(odd),
            // rmoveto (2), hmoveto and vmoveto (1), endchar (0, or 4 for an accented character).
            21 => return width(stack.len() > 2),
            4 | 22 => return width(stack.len() > 1),
            14 => return width(odd),
            10 | 29 => {
                let index = if b0 == 10 { subrs? } else { gsubrs };
                let k = stack.pop()? as i64 + bias(index.count);
                let sub = index.get(usize::try_from(k).ok()?)?;
                if frames.len() > 10 {
                    return None;
                }
                frames.push((sub, 0));
            }
            11 => {
                frames.pop();
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An INDEX of `items` with one-byte offsets.
    pub(crate) fn index(items: &[&[u8]]) -> Vec<u8> {
        let mut v = (items.len() as u16).to_be_bytes().to_vec();
        if items.is_empty() {
            return v;
        }
        v.push(1);
        let mut off = 1u8;
        v.push(off);
        for it in items {
            off += it.len() as u8;
            v.push(off);
        }
        for it in items {
            v.extend_from_slice(it);
        }
        v
    }

    /// A five-byte DICT integer (as an offset is written so that its size is known in advance).
    pub(crate) fn i32op(v: usize) -> Vec<u8> {
        let mut b = vec![29u8];
        b.extend((v as i32).to_be_bytes());
        b
    }

    /// A one-byte DICT or charstring integer (-107 to 107).
    pub(crate) fn int(v: i32) -> u8 {
        assert!((-107..=107).contains(&v));
        (v + 139) as u8
    }

    /// A two-byte DICT or charstring integer (108 to 1131).
    fn int2(v: i32) -> [u8; 2] {
        assert!((108..=1131).contains(&v));
        [(247 + (v - 108) / 256) as u8, ((v - 108) % 256) as u8]
    }

    /// A CFF with four glyphs (.notdef, A, b, and a non-standard name), a charset of format `cs_fmt`,
    /// the encoding bytes `enc` (or a predefined encoding when `enc` is a single number), and
    /// charstrings whose widths are: the default; 100 + nominal; 77 + nominal through a global
    /// subroutine; 250 + nominal (before an rmoveto).
    fn font(cs_fmt: u8, enc: &[u8]) -> Vec<u8> {
        let strings = index(&[b"Quimbyglyph"]);
        let gsubrs = index(&[&[int(77), 14]]);
        let charstrings = index(&[
            &[14],
            &[int(100), 14],
            &[int(-107), 29],
            &[int2(250)[0], int2(250)[1], int(10), int(0), 21, 14],
        ]);
        let charset: Vec<u8> = match cs_fmt {
            0 => vec![0, 0, 34, 0, 67, 1, 135], // A (34), b (67), SID 391
            1 => vec![1, 0, 34, 0, 0, 67, 0, 1, 135, 0],
            _ => vec![2, 0, 34, 0, 0, 0, 67, 0, 0, 1, 135, 0, 0],
        };
        let private = [
            int2(500)[0],
            int2(500)[1],
            20,
            int2(300)[0],
            int2(300)[1],
            21,
        ];
        // Layout: header, name, top (fixed size: offsets as 5-byte ints), strings, gsubrs, then data.
        let header = [1u8, 0, 4, 1];
        let name = index(&[b"T"]);
        let top_len = 5 * 5 + 4;
        let top_index_len = 2 + 1 + 2 + top_len;
        let start = header.len() + name.len() + top_index_len + strings.len() + gsubrs.len();
        let cs_at = start;
        let charset_at = cs_at + charstrings.len();
        let enc_at = charset_at + charset.len();
        let priv_at = enc_at + if enc.len() > 1 { enc.len() } else { 0 };
        let mut top = Vec::new();
        top.extend(i32op(cs_at));
        top.push(17);
        top.extend(i32op(charset_at));
        top.push(15);
        let enc_off = if enc.len() == 1 {
            enc[0] as usize
        } else {
            enc_at
        };
        top.extend(i32op(enc_off));
        top.push(16);
        top.extend(i32op(private.len()));
        top.extend(i32op(priv_at));
        top.push(18);
        assert_eq!(top.len(), top_len);
        let mut f = header.to_vec();
        f.extend(name);
        f.extend(index(&[&top]));
        f.extend(strings);
        f.extend(gsubrs);
        f.extend(charstrings);
        f.extend(charset);
        if enc.len() > 1 {
            f.extend(enc);
        }
        f.extend(private);
        f
    }

    #[test]
    fn charsets_and_custom_encodings() {
        // Format 0 encoding: codes 0x41 0x62 0x51 for glyphs 1 2 3; format 1: a range 0x30-0x32;
        // format 0 with a supplement: code 0x20 -> SID 1 (space, not in the font).
        type Row<'a> = (u8, Option<&'a str>, Option<u16>);
        let encodings: [(&[u8], [Row; 3]); 3] = [
            (
                &[0, 3, 0x41, 0x62, 0x51],
                [
                    (0x41, Some("A"), Some(1)),
                    (0x62, Some("b"), Some(2)),
                    (0x51, Some("Quimbyglyph"), Some(3)),
                ],
            ),
            (
                &[1, 1, 0x30, 2],
                [
                    (0x30, Some("A"), Some(1)),
                    (0x32, Some("Quimbyglyph"), Some(3)),
                    (0x33, None, None),
                ],
            ),
            (
                &[0x80, 1, 0x41, 1, 0x20, 0, 1],
                [
                    (0x41, Some("A"), Some(1)),
                    (0x20, Some("space"), None),
                    (0x62, None, None),
                ],
            ),
        ];
        for cs_fmt in [0, 1, 2] {
            for (enc, rows) in &encodings {
                let data = font(cs_fmt, enc);
                let cff = Cff::parse(&data).expect("parses");
                assert_eq!(cff.glyph_count(), 4);
                let e = cff.encoding().expect("encoding");
                for (code, name, g) in rows {
                    assert_eq!(
                        e[*code as usize].0.as_deref(),
                        *name,
                        "charset {cs_fmt} code {code:#x}"
                    );
                    assert_eq!(e[*code as usize].1, *g, "charset {cs_fmt} code {code:#x}");
                }
                assert_eq!(cff.glyph_named("b"), Some(2));
            }
        }
    }

    #[test]
    fn predefined_encodings() {
        let cff_std = font(0, &[0]);
        let e = Cff::parse(&cff_std)
            .expect("parses")
            .encoding()
            .expect("encoding");
        assert_eq!(e[0x41], (Some("A".into()), Some(1)));
        assert_eq!(e[0x62], (Some("b".into()), Some(2)));
        assert_eq!(e[0x61], (Some("a".into()), None));
        assert_eq!(e[0xAE].0.as_deref(), Some("fi"));
        let cff_exp = font(0, &[1]);
        let e = Cff::parse(&cff_exp)
            .expect("parses")
            .encoding()
            .expect("encoding");
        assert_eq!(e[0x24].0.as_deref(), Some("dollaroldstyle"));
        assert_eq!(e[0x41].0.as_deref(), Some("asuperior"));
        assert_eq!(e[0x40].0, None);
    }

    #[test]
    fn widths_from_charstrings() {
        let data = font(0, &[0]);
        let cff = Cff::parse(&data).expect("parses");
        // .notdef has no width operand (default 500); the others add theirs to nominal 300.
        let got: Vec<Option<f64>> = (0..5).map(|g| cff.advance(g)).collect();
        assert_eq!(
            got,
            [Some(500.0), Some(400.0), Some(377.0), Some(550.0), None]
        );
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let data = font(1, &[0x80, 1, 0x41, 1, 0x20, 0, 1]);
        for cut in 0..data.len() {
            for flip in [0u8, 0xFF, 0x80] {
                let mut d = data[..cut].to_vec();
                d.extend(data[cut..].iter().map(|b| b ^ flip));
                if let Some(c) = Cff::parse(&d) {
                    let _ = c.encoding();
                    for g in 0..5 {
                        let _ = (c.advance(g), c.glyph_name(g));
                    }
                }
            }
        }
    }
}
