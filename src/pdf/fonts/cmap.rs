//! CMaps of Type0 fonts (ISO 32000-1 9.7.5): how a string splits into character codes and which CID
//! each code selects, for the predefined CMaps (Adobe's files, shipped compressed in `data/cmaps.bin`,
//! see `data/README.md`) and for CMaps embedded as streams; and the Unicode of a CID in Adobe's
//! character collections (Japan1, GB1, CNS1, Korea1, KR), from Adobe's `-UCS2` tables in the same file.
//!
//! Read-only and pure: no document access here (the caller resolves an embedded CMap's stream).
//!
//! # Invariants
//! A CMap's mappings never overlap (a later `cidrange`/`cidchar` overrides an earlier one for the
//! codes they share, as a reader applies them), so a code has at most one CID. Codes are their bytes as
//! a big-endian number; a CMap whose code space could give one number two lengths (a longer range
//! starting with a zero byte beside a shorter one) is refused, so the number alone says the code.
//!
//! # Errors
//! An embedded CMap that cannot be used (no code space, ambiguous code lengths, too many mappings, a
//! `usecmap` of an unknown CMap or nested too deeply) is an `Err(reason)` without document text.

use super::super::content::{Lexer, Operand, ParseLimits, Token};
use super::code_of;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

/// Mappings one embedded CMap may hold (a predefined one has at most about 30,000).
const MAX_MAPPINGS: usize = 200_000;
/// `usecmap` chains followed at most.
const MAX_USE_DEPTH: usize = 4;

/// A code -> CID map with its code space.
#[derive(Debug)]
pub struct CMap {
    /// WMode 1: vertical writing.
    pub vertical: bool,
    /// Code space ranges: byte count and the lowest and highest byte at each position.
    space: Vec<(u8, [u8; 4], [u8; 4])>,
    /// (byte count, first code) -> (last code, CID of the first code); no two overlap.
    map: BTreeMap<(u8, u32), (u32, u32)>,
    /// The CMap named by `usecmap`: its mappings apply where this one's do not.
    parent: Option<Arc<CMap>>,
}

impl CMap {
    fn new(vertical: bool) -> CMap {
        CMap {
            vertical,
            space: Vec::new(),
            map: BTreeMap::new(),
            parent: None,
        }
    }

    /// Code space ranges, this CMap's or (when it has none) its parent's.
    fn space(&self) -> &[(u8, [u8; 4], [u8; 4])] {
        match (&self.parent, self.space.is_empty()) {
            (Some(p), true) => p.space(),
            _ => &self.space,
        }
    }

    fn add_space(&mut self, lo: &[u8], hi: &[u8]) -> Result<(), String> {
        if lo.len() != hi.len() || lo.is_empty() || lo.len() > 4 {
            return Err("bad code space range".into());
        }
        let (mut l, mut h) = ([0u8; 4], [0u8; 4]);
        l[..lo.len()].copy_from_slice(lo);
        h[..hi.len()].copy_from_slice(hi);
        self.space.push((lo.len() as u8, l, h));
        Ok(())
    }

    /// Maps `lo..=hi` (codes of `n` bytes) to `cid..`, over whatever was mapped there before.
    fn insert(&mut self, n: u8, lo: u32, hi: u32, cid: u32) {
        if hi < lo {
            return;
        }
        // The ranges it overlaps are consecutive, ending with the last one that starts at or before hi.
        let overlapping: Vec<(u32, (u32, u32))> = self
            .map
            .range((n, 0)..=(n, hi))
            .rev()
            .take_while(|(_, &(end, _))| end >= lo)
            .map(|(&(_, start), &v)| (start, v))
            .collect();
        for (start, (end, c)) in overlapping {
            self.map.remove(&(n, start));
            if start < lo {
                self.map.insert((n, start), (lo - 1, c));
            }
            if end > hi {
                self.map
                    .insert((n, hi + 1), (end, c.wrapping_add(hi + 1 - start)));
            }
        }
        self.map.insert((n, lo), (hi, cid));
    }

    /// Refuses a code space in which one number could be codes of two lengths.
    fn check_space(&self) -> Result<(), String> {
        let space = self.space();
        if space.is_empty() {
            return Err("no code space".into());
        }
        for &(n, lo, _) in space {
            if lo[0] == 0 && space.iter().any(|&(m, _, _)| m < n) {
                return Err("code space ranges of different lengths overlap".into());
            }
        }
        Ok(())
    }

    /// Splits a string into (code, byte offset, byte length) by the code space (ISO 32000-1 9.7.6.2:
    /// the shortest range the leading bytes fall in). Bytes no range matches make one code of the
    /// shortest length whose first byte fits (else of the shortest length), which selects CID 0.
    pub fn split(&self, bytes: &[u8]) -> Vec<(u32, usize, usize)> {
        let space = self.space();
        let shortest = space.iter().map(|s| s.0 as usize).min().unwrap_or(1);
        let mut out = Vec::with_capacity(bytes.len() / shortest.max(1));
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let fits = |&&(n, lo, hi): &&(u8, [u8; 4], [u8; 4])| {
                let n = n as usize;
                rest.len() >= n && (0..n).all(|k| lo[k] <= rest[k] && rest[k] <= hi[k])
            };
            let n = match space.iter().filter(fits).map(|s| s.0).min() {
                Some(n) => n as usize,
                None => space
                    .iter()
                    .filter(|s| s.1[0] <= rest[0] && rest[0] <= s.2[0])
                    .map(|s| s.0 as usize)
                    .min()
                    .unwrap_or(shortest),
            };
            let n = n.clamp(1, rest.len());
            let matched = space.iter().any(|s| s.0 as usize == n && fits(&s));
            let code = rest[..n].iter().fold(0u32, |a, &b| a << 8 | b as u32);
            // (An unmatched code is marked by its length beyond the code space: it selects nothing.)
            out.push((if matched { code } else { u32::MAX }, i, n));
            i += n;
        }
        out
    }

    /// The CID a code selects (`None`: no mapping, the glyph is .notdef).
    pub fn cid(&self, code: u32) -> Option<u32> {
        if code == u32::MAX {
            return None;
        }
        // The code's length: the shortest code space length whose range holds it.
        let space = self.space();
        let n = space
            .iter()
            .filter(|&&(n, lo, hi)| {
                let n = n as usize;
                (n == 4 || code >> (8 * n) == 0)
                    && (0..n).all(|k| {
                        let b = (code >> (8 * (n - 1 - k))) as u8;
                        lo[k] <= b && b <= hi[k]
                    })
            })
            .map(|s| s.0)
            .min()?;
        self.lookup(n, code)
    }

    fn lookup(&self, n: u8, code: u32) -> Option<u32> {
        if let Some((&(_, start), &(end, cid))) = self.map.range((n, 0)..=(n, code)).next_back() {
            if code <= end {
                return Some(cid.wrapping_add(code - start));
            }
        }
        self.parent.as_ref().and_then(|p| p.lookup(n, code))
    }
}

/// Parses an embedded CMap (a stream's decoded bytes). `wmode` is the stream's /WMode, if any;
/// `use_cmap` the predefined CMap its /UseCMap names, if any.
pub fn parse_embedded(
    data: &[u8],
    wmode: Option<i64>,
    use_cmap: Option<&str>,
) -> Result<Arc<CMap>, String> {
    let mut c = parse_text(data, 0)?;
    if let Some(w) = wmode {
        c.vertical = w == 1;
    }
    if let (None, Some(u)) = (&c.parent, use_cmap) {
        c.parent = Some(predefined(u).ok_or_else(|| format!("unknown CMap {u}"))?);
    }
    c.check_space()?;
    Ok(Arc::new(c))
}

/// A CMap's text: code space, cidrange, cidchar (and notdefrange, notdefchar), usecmap, WMode.
/// A CMap's tokens (for this parser and the /ToUnicode one).
pub(super) struct Tokens<'a> {
    pub lx: Lexer<'a>,
}

impl<'a> Tokens<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Tokens {
            lx: Lexer::new(data),
        }
    }

    /// The next token; bytes that do not lex (CMaps carry PostScript procedures, `{ }`, in their
    /// headers) are skipped.
    pub fn token(&mut self) -> Option<Token> {
        loop {
            match self.lx.next_token() {
                Ok(t) => return t,
                Err(_) => self.lx.pos += 1,
            }
        }
    }
}

fn parse_text(data: &[u8], depth: usize) -> Result<CMap, String> {
    let mut toks = Tokens::new(data);
    let lim = ParseLimits::default();
    let mut c = CMap::new(false);
    let mut pending: Vec<Operand> = Vec::new();
    // 1 = code space, 2 = ranges, 3 = single codes.
    let mut mode = 0u8;
    let mut count = 0usize;
    while let Some(tok) = toks.token() {
        let Token::Keyword(k) = tok else {
            if let Ok(o) = toks.lx.complete(tok, 0, &lim) {
                pending.push(o);
            }
            if pending.len() > 3 {
                pending.remove(0);
            }
            if mode == 0 {
                continue;
            }
            let want = [0, 2, 3, 2][mode as usize];
            if pending.len() < want {
                continue;
            }
            let ops = std::mem::take(&mut pending);
            count += 1;
            if count > MAX_MAPPINGS {
                return Err("too many mappings".into());
            }
            match (mode, &ops[..]) {
                (1, [Operand::Str(lo), Operand::Str(hi)]) => c.add_space(lo, hi)?,
                (2, [Operand::Str(lo), Operand::Str(hi), Operand::Num(cid)]) => {
                    let (n, lo, hi) = (lo.len(), code_of(lo)?, code_of(hi)?);
                    c.insert(n as u8, lo, hi, *cid as u32);
                }
                (3, [Operand::Str(lo), Operand::Num(cid)]) => {
                    let code = code_of(lo)?;
                    c.insert(lo.len() as u8, code, code, *cid as u32);
                }
                _ => return Err("bad CMap entry".into()),
            }
            continue;
        };
        match k.as_slice() {
            b"begincodespacerange" => mode = 1,
            b"begincidrange" | b"beginnotdefrange" => mode = 2,
            b"begincidchar" | b"beginnotdefchar" => mode = 3,
            b"endcodespacerange" | b"endcidrange" | b"endnotdefrange" | b"endcidchar"
            | b"endnotdefchar" => mode = 0,
            b"usecmap" => {
                if let Some(Operand::Name(n)) = pending.last() {
                    let name = String::from_utf8_lossy(n).into_owned();
                    if depth >= MAX_USE_DEPTH {
                        return Err("usecmap nested too deeply".into());
                    }
                    c.parent =
                        Some(predefined(&name).ok_or_else(|| format!("unknown CMap {name}"))?);
                }
            }
            b"def" => {
                if let [.., Operand::Name(n), Operand::Num(v)] = &pending[..] {
                    if n.as_slice() == b"WMode" {
                        c.vertical = *v == 1.0;
                    }
                }
            }
            _ => {}
        }
        pending.clear();
    }
    Ok(c)
}

// ---------------------------------------------------------------------------------------------------
// The shipped data.

/// `data/cmaps.bin`: zlib-compressed entries (format in `data/make_cmaps.py`).
static DATA: &[u8] = include_bytes!("data/cmaps.bin");

/// The decompressed data and, by name, where each entry starts (after its kind and name).
struct Index {
    bytes: Vec<u8>,
    entries: Vec<(u8, String, usize)>,
}

fn index() -> Option<&'static Index> {
    static INDEX: OnceLock<Option<Index>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut bytes = Vec::new();
            flate2::read::ZlibDecoder::new(DATA)
                .read_to_end(&mut bytes)
                .ok()?;
            let mut r = Reader {
                d: &bytes,
                pos: bytes.get(..8).filter(|m| *m == b"FOICMAP1").map(|_| 8)?,
            };
            let n = r.varint()?;
            let mut entries = Vec::new();
            for _ in 0..n {
                let kind = r.byte()?;
                let name = r.string()?;
                let at = r.pos;
                match kind {
                    0 => {
                        read_code_cmap(&mut r, false)?;
                    }
                    1 => read_unicode(&mut r, None)?,
                    _ => return None,
                }
                entries.push((kind, name, at));
            }
            Some(Index { bytes, entries })
        })
        .as_ref()
}

struct Reader<'a> {
    d: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.d.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7F) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn zigzag(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }
    fn string(&mut self) -> Option<String> {
        let n = self.varint()? as usize;
        let s = self.d.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        String::from_utf8(s.to_vec()).ok()
    }
}

/// Reads a code -> CID entry; with `build`, returns it (its parent not yet resolved) with the
/// parent's name.
fn read_code_cmap(r: &mut Reader, build: bool) -> Option<Option<(CMap, String)>> {
    let parent = r.string()?;
    let mut c = CMap::new(r.byte()? == 1);
    for _ in 0..r.varint()? {
        let n = r.byte()? as usize;
        let (lo, hi) = (r.varint()? as u32, r.varint()? as u32);
        let bytes = |v: u32| {
            (0..n)
                .map(|k| (v >> (8 * (n - 1 - k))) as u8)
                .collect::<Vec<u8>>()
        };
        c.add_space(&bytes(lo), &bytes(hi)).ok()?;
    }
    let (mut prev_lo, mut prev_cid) = (0i64, 0i64);
    for _ in 0..r.varint()? {
        let n = r.byte()?;
        let lo = prev_lo + r.zigzag()?;
        let len = r.varint()? as i64;
        let cid = prev_cid + r.zigzag()?;
        if build {
            c.insert(n, lo as u32, (lo + len) as u32, cid as u32);
        }
        prev_lo = lo + len + 1;
        prev_cid = cid + len + 1;
    }
    Some(build.then_some((c, parent)))
}

/// Reads a CID -> Unicode entry, into `out` when given.
fn read_unicode(r: &mut Reader, mut out: Option<&mut CidUnicode>) -> Option<()> {
    let (mut end, mut prev) = (0u64, 0i64);
    for _ in 0..r.varint()? {
        let cid = end + r.varint()?;
        let run = r.varint()? + 1;
        let units: Vec<i64> = (0..r.varint()?)
            .map(|_| {
                let u = prev + r.zigzag()?;
                prev = u;
                Some(u)
            })
            .collect::<Option<_>>()?;
        if let Some(t) = out.as_deref_mut() {
            if units.len() == 1 {
                for k in 0..run {
                    let u = units[0] + k as i64;
                    if let Some(ch) = u32::try_from(u).ok().and_then(char::from_u32) {
                        t.set(cid + k, ch.to_string());
                    }
                }
            } else {
                let w: Vec<u16> = units.iter().map(|&u| u as u16).collect();
                if let Ok(s) = String::from_utf16(&w) {
                    t.set(cid, s);
                }
            }
        }
        prev += run as i64 - 1;
        end = cid + run;
    }
    Some(())
}

/// A predefined CMap by name: Identity-H, Identity-V, or one shipped.
pub fn predefined(name: &str) -> Option<Arc<CMap>> {
    static CACHE: OnceLock<Mutex<BTreeMap<String, Arc<CMap>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().ok()?.get(name) {
        return Some(c.clone());
    }
    if let Some(v) = match name {
        "Identity-H" => Some(false),
        "Identity-V" => Some(true),
        _ => None,
    } {
        let mut c = CMap::new(v);
        c.space.push((2, [0; 4], [0xFF, 0xFF, 0, 0]));
        c.map.insert((2, 0), (0xFFFF, 0));
        return Some(Arc::new(c));
    }
    let idx = index()?;
    let &(_, _, at) = idx.entries.iter().find(|e| e.0 == 0 && e.1 == name)?;
    let mut r = Reader {
        d: &idx.bytes,
        pos: at,
    };
    let (mut c, parent) = read_code_cmap(&mut r, true)??;
    if !parent.is_empty() {
        // (The shipped CMaps chain at most three deep and never in a loop.)
        c.parent = Some(predefined(&parent)?);
    }
    let c = Arc::new(c);
    cache.lock().ok()?.insert(name.to_string(), c.clone());
    Some(c)
}

/// The Unicode of the CIDs of one character collection.
#[derive(Debug, Default)]
pub struct CidUnicode {
    by_cid: Vec<Option<Box<str>>>,
}

impl CidUnicode {
    fn set(&mut self, cid: u64, s: String) {
        let i = cid as usize;
        if i >= 1 << 17 {
            return;
        }
        if self.by_cid.len() <= i {
            self.by_cid.resize(i + 1, None);
        }
        self.by_cid[i] = Some(s.into_boxed_str());
    }

    pub fn get(&self, cid: u32) -> Option<&str> {
        self.by_cid.get(cid as usize)?.as_deref()
    }
}

/// The CID -> Unicode table of Adobe's character collection `ordering` (`Japan1`, `GB1`, `CNS1`,
/// `Korea1`, `KR`), if shipped.
pub fn cid_unicode(ordering: &str) -> Option<&'static CidUnicode> {
    static TABLES: OnceLock<Vec<(String, OnceLock<Option<CidUnicode>>)>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        ["Japan1", "GB1", "CNS1", "Korea1", "KR"]
            .iter()
            .map(|o| (o.to_string(), OnceLock::new()))
            .collect()
    });
    let (_, cell) = tables.iter().find(|(o, _)| o == ordering)?;
    cell.get_or_init(|| {
        let idx = index()?;
        let want = format!("Adobe-{ordering}-UCS2");
        let &(_, _, at) = idx.entries.iter().find(|e| e.0 == 1 && e.1 == want)?;
        let mut t = CidUnicode::default();
        read_unicode(
            &mut Reader {
                d: &idx.bytes,
                pos: at,
            },
            Some(&mut t),
        )?;
        Some(t)
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_cmaps_split_and_map() {
        let rksj = predefined("90ms-RKSJ-H").expect("shipped");
        assert!(!rksj.vertical);
        // One byte for ASCII and half-width katakana, two for a lead byte 0x81-0x9F or 0xE0-0xFC.
        let codes = rksj.split(b"A\x82\xa0\xb1\x88\x9f");
        assert_eq!(
            codes,
            [(0x41, 0, 1), (0x82a0, 1, 2), (0xb1, 3, 1), (0x889f, 4, 2)]
        );
        let j = cid_unicode("Japan1").expect("shipped");
        let text: String = codes
            .iter()
            .map(|&(c, _, _)| j.get(rksj.cid(c).expect("mapped")).expect("unicode"))
            .collect();
        assert_eq!(text, "Aあｱ亜");
        // The vertical CMap uses the horizontal one and overrides some codes (the long vowel mark).
        let v = predefined("90ms-RKSJ-V").expect("shipped");
        assert!(v.vertical);
        assert_eq!(v.cid(0x41), rksj.cid(0x41));
        assert_ne!(v.cid(0x815b), rksj.cid(0x815b));
        // A UCS-2 CMap (stored over its UTF-16 sibling) and a UTF-16 one with a surrogate pair.
        let ucs2 = predefined("UniJIS-UCS2-H").expect("shipped");
        assert_eq!(j.get(ucs2.cid(0x4e9c).expect("mapped")), Some("亜"));
        let utf16 = predefined("UniJIS-UTF16-H").expect("shipped");
        let cid = utf16.cid(0xD840_DC0B).expect("mapped");
        assert_eq!(j.get(cid), Some("\u{2000B}"));
        for (ordering, cid, want) in [
            ("GB1", 1, " "),
            ("CNS1", 1, " "),
            ("Korea1", 41, "H"),
            ("KR", 1, " "),
        ] {
            assert_eq!(cid_unicode(ordering).and_then(|t| t.get(cid)), Some(want));
        }
        assert!(predefined("No-Such-H").is_none());
    }

    #[test]
    fn embedded_cmaps() {
        let text = b"%!PS-Adobe-3.0 Resource-CMap\n/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            /CIDSystemInfo 3 dict dup begin /Registry (Adobe) def /Ordering (Korea1) def /Supplement 2 def end def
            /CMapName /Test def /WMode 1 def
            2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange
            2 begincidrange <20> <7E> 1 <8000> <80FF> 1000 endcidrange
            1 begincidchar <8010> 5 endcidchar
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let c = parse_embedded(text, None, None).expect("parses");
        assert!(c.vertical);
        assert_eq!(
            c.split(b"A\x80\x10\x80\x11"),
            [(0x41, 0, 1), (0x8010, 1, 2), (0x8011, 3, 2)]
        );
        assert_eq!(c.cid(0x41), Some(34));
        assert_eq!(c.cid(0x8010), Some(5));
        assert_eq!(c.cid(0x8011), Some(1017));
        assert_eq!(c.cid(0x800F), Some(1015));
        assert_eq!(c.cid(0x10), None);
        // The stream's /WMode wins; usecmap of a predefined CMap.
        let c = parse_embedded(
            b"/90ms-RKSJ-H usecmap 1 begincidchar <41> 7 endcidchar",
            Some(0),
            None,
        )
        .expect("parses");
        assert!(!c.vertical);
        assert_eq!(c.cid(0x41), Some(7));
        assert_eq!(
            c.cid(0x42),
            predefined("90ms-RKSJ-H").and_then(|p| p.cid(0x42))
        );
        let refused = [
            &b"1 begincidrange <00> <FF> 0 endcidrange"[..],
            b"2 begincodespacerange <00> <7F> <0000> <FFFF> endcodespacerange",
            b"/No-Such usecmap",
        ];
        for t in refused {
            assert!(
                parse_embedded(t, None, None).is_err(),
                "{}",
                String::from_utf8_lossy(t)
            );
        }
    }

    /// The shipped data reads as Adobe's files do (read here by the embedded-CMap parser and the
    /// /ToUnicode parser) for every code, where poppler-data is installed.
    #[test]
    fn shipped_data_matches_adobes_files() {
        let root = std::path::Path::new("/usr/share/poppler/cMap");
        if !root.exists() {
            assert!(
                std::env::var_os("FOIREDACT_REQUIRE_TOOLS").is_none(),
                "poppler-data is not installed (FOIREDACT_REQUIRE_TOOLS is set)"
            );
            eprintln!("SKIP: shipped_data_matches_adobes_files: poppler-data is not installed");
            return;
        }
        let file = |dir: &str, name: &str| std::fs::read(root.join(dir).join(name)).expect("file");
        for (dir, name) in [
            ("Adobe-Japan1", "90ms-RKSJ-V"),
            ("Adobe-Japan1", "UniJIS-UCS2-H"),
            ("Adobe-GB1", "UniGB-UCS2-H"),
            ("Adobe-GB1", "GBK2K-H"),
            ("Adobe-CNS1", "UniCNS-UCS2-V"),
            ("Adobe-Korea1", "KSCms-UHC-H"),
        ] {
            let text = parse_embedded(&file(dir, name), None, None).expect("parses");
            let shipped = predefined(name).expect("shipped");
            assert_eq!(text.vertical, shipped.vertical, "{name}");
            for code in (0..=0xFFFFu32).chain((0x8130_8130..0x8130_9000).step_by(7)) {
                // (CID 0 is .notdef, as a code with no mapping: the UCS-2 CMaps are shipped as their
                // UTF-16 siblings with CID 0 where they map nothing.)
                let (a, b) = (text.cid(code), shipped.cid(code));
                assert_eq!(
                    a.filter(|&c| c != 0),
                    b.filter(|&c| c != 0),
                    "{name} {code:#x}"
                );
            }
        }
        for ordering in ["Japan1", "GB1", "CNS1", "Korea1", "KR"] {
            let name = format!("Adobe-{ordering}");
            let text = crate::pdf::fonts::parse_to_unicode(&file(&name, &format!("{name}-UCS2")))
                .expect("parses");
            let shipped = cid_unicode(ordering).expect("shipped");
            for cid in 0..=0xFFFF {
                assert_eq!(
                    text.get(&cid).map(String::as_str),
                    shipped.get(cid),
                    "{ordering} {cid}"
                );
            }
        }
    }

    #[test]
    fn later_mappings_override_earlier_ones() {
        let mut c = CMap::new(false);
        c.add_space(&[0, 0], &[0xFF, 0xFF]).expect("space");
        c.insert(2, 10, 20, 100);
        c.insert(2, 15, 16, 5);
        c.insert(2, 5, 11, 50);
        let got: Vec<Option<u32>> = (4..22).map(|k| c.cid(k)).collect();
        let want = [
            None,
            Some(50),
            Some(51),
            Some(52),
            Some(53),
            Some(54),
            Some(55),
            Some(56),
            Some(102),
            Some(103),
            Some(104),
            Some(5),
            Some(6),
            Some(107),
            Some(108),
            Some(109),
            Some(110),
            None,
        ];
        assert_eq!(got, want);
    }
}
