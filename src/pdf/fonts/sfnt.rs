//! TrueType and OpenType ("sfnt") font files, read-only: the table directory and the character maps
//! (`cmap`). Shared by `fonts` (reading embedded programs) and `subset` (pruning them).
//!
//! # Invariants
//! Every read is bounds-checked and every loop bounded by the file's own size or a fixed budget: a
//! hostile file gives `None` (or fewer entries), never a panic or an unbounded allocation.

use std::collections::BTreeMap;

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
