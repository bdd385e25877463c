//! TrueType and OpenType ("sfnt") font files, read-only: the table directory, the character maps
//! (`cmap`), the glyph names (`post`), the advance widths (`hmtx`, `head`), and how a simple PDF font
//! picks a glyph for a code and a Unicode for a glyph. Shared by `fonts` (reading embedded programs)
//! and `subset` (pruning them).
//!
//! # Invariants
//! Every read is bounds-checked and every loop bounded by the file's own size or a fixed budget: a
//! hostile file gives `None` (or fewer entries), never a panic or an unbounded allocation.

use std::collections::{BTreeMap, HashMap};

pub fn u16_at(d: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(i)?, *d.get(i.checked_add(1)?)?]))
}

pub fn u32_at(d: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        d.get(i..i.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The table directory of a TrueType file: tag -> (offset, length), checked against the file's size.
pub struct Tables(pub BTreeMap<[u8; 4], (usize, usize)>);

impl Tables {
    pub fn read(d: &[u8]) -> Option<Tables> {
        let n = u16_at(d, 4)? as usize;
        let mut t = BTreeMap::new();
        for k in 0..n.min(64) {
            let e = 12 + 16 * k;
            let tag: [u8; 4] = d.get(e..e + 4)?.try_into().ok()?;
            let off = u32_at(d, e + 8)? as usize;
            let len = u32_at(d, e + 12)? as usize;
            if off.checked_add(len)? > d.len() {
                return None;
            }
            t.insert(tag, (off, len));
        }
        Some(Tables(t))
    }
    pub fn get<'a>(&self, d: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
        let &(o, l) = self.0.get(tag)?;
        d.get(o..o + l)
    }
}

/// One character map of a font: (platform, encoding) and code -> glyph.
pub type CharMap = ((u16, u16), BTreeMap<u32, u16>);

/// Codes looked at in all the character maps of one file, at most (a hostile table could name
/// billions).
const CMAP_BUDGET: u32 = 1 << 20;

/// The character maps of a font: (platform, encoding) -> code -> glyph. Formats 0, 4, 6 and 12; `None`
/// if any subtable cannot be read (pruning rewrites them all, so it must read them all).
pub fn cmaps(d: &[u8], t: &Tables) -> Option<Vec<CharMap>> {
    let c = t.get(d, b"cmap")?;
    let n = u16_at(c, 2)? as usize;
    let mut budget = CMAP_BUDGET;
    let mut out = Vec::new();
    for k in 0..n.min(32) {
        let e = 4 + 8 * k;
        let key = (u16_at(c, e)?, u16_at(c, e + 2)?);
        let off = u32_at(c, e + 4)? as usize;
        out.push((key, subtable(c.get(off..)?, &mut budget)?));
    }
    Some(out)
}

/// The first character map for (platform, encoding) that can be read, if any.
pub fn cmap(d: &[u8], t: &Tables, platform: u16, encoding: u16) -> Option<BTreeMap<u32, u16>> {
    let c = t.get(d, b"cmap")?;
    let n = u16_at(c, 2)? as usize;
    let mut budget = CMAP_BUDGET;
    (0..n.min(32)).find_map(|k| {
        let e = 4 + 8 * k;
        if (u16_at(c, e)?, u16_at(c, e + 2)?) != (platform, encoding) {
            return None;
        }
        subtable(c.get(u32_at(c, e + 4)? as usize..)?, &mut budget)
    })
}

/// One cmap subtable (formats 0, 4, 6, 12): code -> glyph, without the codes that give glyph 0.
fn subtable(s: &[u8], budget: &mut u32) -> Option<BTreeMap<u32, u16>> {
    let mut m = BTreeMap::new();
    let mut spend = |n: u32| -> Option<()> {
        *budget = budget.checked_sub(n)?;
        Some(())
    };
    match u16_at(s, 0)? {
        0 => {
            for code in 0..256usize {
                let g = *s.get(6 + code)? as u16;
                if g != 0 {
                    m.insert(code as u32, g);
                }
            }
        }
        4 => {
            let segs = u16_at(s, 6)? as usize / 2;
            let (ends, starts, deltas, ranges) = (14, 16 + 2 * segs, 16 + 4 * segs, 16 + 6 * segs);
            for i in 0..segs {
                let end = u16_at(s, ends + 2 * i)? as u32;
                let start = u16_at(s, starts + 2 * i)? as u32;
                let delta = u16_at(s, deltas + 2 * i)?;
                let ro = u16_at(s, ranges + 2 * i)? as usize;
                if start > end || end - start > 0xFFFF {
                    continue;
                }
                spend(end - start + 1)?;
                for code in start..=end {
                    let g = if ro == 0 {
                        (code as u16).wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * i + ro + 2 * (code - start) as usize;
                        match u16_at(s, at)? {
                            0 => 0,
                            g => g.wrapping_add(delta),
                        }
                    };
                    if g != 0 && code != 0xFFFF {
                        m.insert(code, g);
                    }
                }
            }
        }
        6 => {
            let first = u16_at(s, 6)? as u32;
            let count = u16_at(s, 8)? as usize;
            for i in 0..count {
                let g = u16_at(s, 10 + 2 * i)?;
                if g != 0 {
                    m.insert(first + i as u32, g);
                }
            }
        }
        12 => {
            let groups = u32_at(s, 12)? as usize;
            for i in 0..groups.min(65_536) {
                let g = 16 + 12 * i;
                let (a, b, gid) = (u32_at(s, g)?, u32_at(s, g + 4)?, u32_at(s, g + 8)?);
                if a > b || b - a > 0xFFFF {
                    return None;
                }
                spend(b - a + 1)?;
                for code in a..=b {
                    let glyph = u16::try_from(gid.checked_add(code - a)?).ok()?;
                    if glyph != 0 {
                        m.insert(code, glyph);
                    }
                }
            }
        }
        _ => return None,
    }
    Some(m)
}

/// The number of glyphs (`maxp`).
pub fn glyph_count(d: &[u8], t: &Tables) -> Option<usize> {
    Some(u16_at(t.get(d, b"maxp")?, 4)? as usize)
}

/// The glyph names of a `post` table (formats 1 and 2), by glyph; `None` for format 3 (no names) or a
/// table that cannot be read.
pub fn glyph_names(d: &[u8], t: &Tables) -> Option<Vec<Option<String>>> {
    let p = t.get(d, b"post")?;
    let n = glyph_count(d, t)?;
    match u32_at(p, 0)? {
        0x0001_0000 => Some(
            (0..n)
                .map(|g| super::tables::MAC_GLYPHS.get(g).map(|s| s.to_string()))
                .collect(),
        ),
        0x0002_0000 => {
            let count = (u16_at(p, 32)? as usize).min(n);
            let index: Vec<usize> = (0..count)
                .map(|g| u16_at(p, 34 + 2 * g).map(usize::from))
                .collect::<Option<_>>()?;
            // The Pascal strings that follow, in order: index 258 + k names the k-th.
            let mut extra: Vec<String> = Vec::new();
            let mut at = 34 + 2 * count;
            let wanted = index.iter().filter(|&&i| i >= 258).map(|i| i - 257).max();
            while extra.len() < wanted.unwrap_or(0) {
                let len = *p.get(at)? as usize;
                let s = p.get(at + 1..at + 1 + len)?;
                extra.push(String::from_utf8_lossy(s).into_owned());
                at += 1 + len;
            }
            let mut names: Vec<Option<String>> = index
                .iter()
                .map(|&i| match i.checked_sub(258) {
                    None => super::tables::MAC_GLYPHS.get(i).map(|s| s.to_string()),
                    Some(k) => extra.get(k).cloned(),
                })
                .collect();
            names.resize(n, None);
            Some(names)
        }
        _ => None,
    }
}

/// The advance width of every glyph (`hmtx`), in thousandths of an em (`head` unitsPerEm).
pub fn advances(d: &[u8], t: &Tables) -> Option<Vec<f64>> {
    let upem = u16_at(t.get(d, b"head")?, 18)?;
    if !(16..=16384).contains(&upem) {
        return None;
    }
    let n = glyph_count(d, t)?;
    let long = (u16_at(t.get(d, b"hhea")?, 34)? as usize).min(n);
    let hmtx = t.get(d, b"hmtx")?;
    let mut out = Vec::with_capacity(n);
    let mut last = 0u16;
    for g in 0..n {
        if g < long {
            last = u16_at(hmtx, 4 * g)?;
        }
        out.push(last as f64 * 1000.0 / upem as f64);
    }
    // A font with no long metrics has no widths at all.
    (long > 0 || n == 0).then_some(out)
}

/// An embedded TrueType program as a simple PDF font uses it (ISO 32000-1 9.6.6.4): the character maps
/// that pick glyphs for codes, and what each glyph means and measures.
pub struct TrueType {
    /// (3,0) Microsoft symbol, (1,0) Macintosh Roman, (3,1) Microsoft Unicode.
    symbol: Option<BTreeMap<u32, u16>>,
    mac: Option<BTreeMap<u32, u16>>,
    unicode: Option<BTreeMap<u32, u16>>,
    names: Option<Vec<Option<String>>>,
    advances: Option<Vec<f64>>,
    /// Glyph -> the lowest code point the (3,1) map gives it.
    reverse: HashMap<u16, u32>,
    /// Glyph -> the lowest code the (3,0) map gives it (0xF0xx, 0xF1xx, 0xF2xx as xx).
    reverse_symbol: HashMap<u16, u8>,
    glyphs: usize,
}

impl TrueType {
    /// Reads a TrueType (or OpenType) file; `None` if it has no table directory.
    pub fn parse(d: &[u8]) -> Option<TrueType> {
        let t = Tables::read(d)?;
        let unicode = cmap(d, &t, 3, 1);
        let mut reverse: HashMap<u16, u32> = HashMap::new();
        for (&code, &g) in unicode.iter().flatten() {
            reverse.entry(g).or_insert(code);
        }
        let symbol = cmap(d, &t, 3, 0);
        let mut reverse_symbol: HashMap<u16, u8> = HashMap::new();
        for (&code, &g) in symbol.iter().flatten() {
            if code < 0x100 || (0xF000..0xF300).contains(&code) {
                reverse_symbol.entry(g).or_insert(code as u8);
            }
        }
        Some(TrueType {
            glyphs: glyph_count(d, &t).unwrap_or(0),
            reverse_symbol,
            symbol,
            mac: cmap(d, &t, 1, 0),
            unicode,
            names: glyph_names(d, &t),
            advances: advances(d, &t),
            reverse,
        })
    }

    /// The glyph a symbolic font draws for a code: the (3,0) map at the code or in one of the symbol
    /// areas 0xF000, 0xF100, 0xF200, else the (1,0) map at the code.
    pub fn symbolic_glyph(&self, code: u8) -> Option<u16> {
        let c = code as u32;
        if let Some(m) = &self.symbol {
            if let Some(&g) = [c, 0xF000 | c, 0xF100 | c, 0xF200 | c]
                .iter()
                .find_map(|k| m.get(k))
            {
                return Some(g);
            }
        }
        self.mac.as_ref().and_then(|m| m.get(&c)).copied()
    }

    /// The glyph for a code: by the glyph name the PDF gives it (in `post`), by its Unicode through the
    /// (3,1) map, else as a symbolic font would.
    pub fn glyph(&self, code: u8, name: Option<&str>, unicode: Option<&str>) -> Option<u16> {
        if let Some(g) = name.and_then(|n| self.glyph_named(n)) {
            return Some(g);
        }
        let single = unicode.and_then(|u| {
            let mut it = u.chars();
            it.next().filter(|_| it.next().is_none())
        });
        if let Some(g) = single.and_then(|c| self.unicode.as_ref()?.get(&(c as u32))) {
            return Some(*g);
        }
        self.symbolic_glyph(code)
    }

    fn glyph_named(&self, name: &str) -> Option<u16> {
        let names = self.names.as_ref()?;
        let g = names.iter().position(|n| n.as_deref() == Some(name))?;
        u16::try_from(g).ok()
    }

    /// The Unicode of a glyph: its `post` name through the Adobe Glyph List, else the code point the
    /// (3,1) map gives it.
    pub fn glyph_unicode(&self, g: u16) -> Option<String> {
        let by_name = self
            .names
            .as_ref()
            .and_then(|n| n.get(g as usize))
            .and_then(|n| n.as_deref())
            .filter(|n| *n != ".notdef")
            .and_then(super::glyph_name_to_unicode);
        by_name.or_else(|| {
            self.reverse
                .get(&g)
                .and_then(|&c| char::from_u32(c))
                .map(String::from)
        })
    }

    /// The single-byte code the (3,0) symbol map gives a glyph (its symbol-font encoding's code).
    pub fn glyph_symbol_code(&self, g: u16) -> Option<u8> {
        self.reverse_symbol.get(&g).copied()
    }

    /// The number of glyphs (`maxp`; 0 if unknown).
    pub fn glyph_count(&self) -> usize {
        self.glyphs
    }

    /// The advance width of a glyph in thousandths of an em, if the file has widths.
    pub fn advance(&self, g: u16) -> Option<f64> {
        self.advances.as_ref()?.get(g as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-subtable cmap (format 4, one segment `start..=end` -> glyphs from `first`) in a file with
    /// just that table.
    fn file_with_cmap(platform: u16, encoding: u16, start: u16, end: u16, first: u16) -> Vec<u8> {
        let mut sub = Vec::new();
        let delta = first.wrapping_sub(start);
        for v in [
            4u16, 32, 0, 4, 4, 1, 0, end, 0xFFFF, 0, start, 0xFFFF, delta, 1, 0, 0,
        ] {
            sub.extend(v.to_be_bytes());
        }
        let mut cmap = Vec::new();
        for v in [0u16, 1, platform, encoding] {
            cmap.extend(v.to_be_bytes());
        }
        cmap.extend(12u32.to_be_bytes());
        cmap.extend(sub);
        let mut f = Vec::new();
        f.extend(0x0001_0000u32.to_be_bytes());
        for v in [1u16, 16, 0, 0] {
            f.extend(v.to_be_bytes());
        }
        f.extend(b"cmap");
        f.extend(0u32.to_be_bytes());
        f.extend(28u32.to_be_bytes());
        f.extend((cmap.len() as u32).to_be_bytes());
        f.extend(cmap);
        f
    }

    #[test]
    fn symbolic_glyph_lookups() {
        // (platform, encoding, first code mapped, code asked, glyph expected)
        let rows = [
            (3, 0, 0xF041, 0x41u8, Some(5)),
            (3, 0, 0xF141, 0x41, Some(5)),
            (3, 0, 0xF241, 0x42, Some(6)),
            (3, 0, 0x0041, 0x41, Some(5)),
            (3, 0, 0xF341, 0x41, None),
            (1, 0, 0x0041, 0x43, Some(7)),
            (3, 1, 0x0041, 0x41, None),
        ];
        for (p, e, start, code, want) in rows {
            let f = file_with_cmap(p, e, start, start + 10, 5);
            let tt = TrueType::parse(&f).expect("parses");
            assert_eq!(
                tt.symbolic_glyph(code),
                want,
                "({p},{e}) from {start:#x}: {code:#x}"
            );
        }
    }

    #[test]
    fn unicode_from_the_31_map_when_there_are_no_names() {
        let f = file_with_cmap(3, 1, 0x61, 0x7A, 3);
        let tt = TrueType::parse(&f).expect("parses");
        assert_eq!(tt.glyph_unicode(3).as_deref(), Some("a"));
        assert_eq!(tt.glyph_unicode(28).as_deref(), Some("z"));
        assert_eq!(tt.glyph_unicode(29), None);
        assert_eq!(tt.glyph(0, None, Some("b")), Some(4));
        assert_eq!(tt.advance(3), None);
    }
}
