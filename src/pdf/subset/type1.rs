//! Pruning a Type 1 program (FontFile: a clear-text part, an eexec-encrypted part holding the
//! Private dictionary, /Subrs and /CharStrings, and a trailer of zeros). The glyphs that go leave
//! /CharStrings altogether (outline, width and name), their `dup <code> /<name> put` entries leave
//! the built-in encoding, and the subroutines no kept glyph can call become a bare `return`. Kept
//! glyphs keep the accent components they are built from (`seac`).
//!
//! A subroutine number in a Type 1 charstring is written as a number before `callsubr` (or, for hint
//! replacement, passed through `callothersubr` and `pop`); every number a kept glyph or kept
//! subroutine holds is taken as a subroutine it may call, so none it calls goes. When a `callsubr`
//! follows anything else (a computed number), every subroutine stays.
//!
//! The input is hostile: every read is bounds-checked and every loop bounded; what cannot be read
//! with confidence is `None` and the caller leaves the program whole.

use crate::pdf::fonts::tables::{STANDARD_ENCODING, STANDARD_STRINGS};
use std::collections::{BTreeSet, HashMap};

const EEXEC_KEY: u16 = 55665;
const CHARSTRING_KEY: u16 = 4330;
/// Subroutines 0 to 3 are the flex and hint replacement machinery every font keeps.
const FIXED_SUBRS: usize = 4;

/// Type 1 encryption (eexec and charstrings): decrypts, or encrypts when `encrypting`.
fn crypt(data: &[u8], key: u16, encrypting: bool) -> Vec<u8> {
    let mut r = key;
    data.iter()
        .map(|&b| {
            let x = b ^ (r >> 8) as u8;
            let c = if encrypting { x } else { b };
            r = (c as u16)
                .wrapping_add(r)
                .wrapping_mul(52845)
                .wrapping_add(22719);
            x
        })
        .collect()
}

fn decrypt(data: &[u8], key: u16) -> Vec<u8> {
    crypt(data, key, false)
}

fn encrypt(data: &[u8], key: u16) -> Vec<u8> {
    crypt(data, key, true)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | 0)
}

/// The next white-space-delimited token at or after `p`: (start, end).
fn token(d: &[u8], mut p: usize) -> Option<(usize, usize)> {
    while is_space(*d.get(p)?) {
        p += 1;
    }
    let s = p;
    while p < d.len() && !is_space(d[p]) && !(p > s && matches!(d[p], b'/' | b'[' | b'{')) {
        p += 1;
    }
    Some((s, p))
}

fn int_at(d: &[u8], p: usize) -> Option<(i64, usize)> {
    let (s, e) = token(d, p)?;
    let v = std::str::from_utf8(&d[s..e]).ok()?.parse().ok()?;
    Some((v, e))
}

fn find(d: &[u8], what: &[u8], from: usize) -> Option<usize> {
    d.get(from..)?
        .windows(what.len())
        .position(|w| w == what)
        .map(|p| p + from)
}

/// One binary entry (a subroutine or a charstring): `<len> <RD> <bytes>`.
struct Entry {
    /// Where the entry's `/name` (or `dup`) starts and where the next one may start.
    span: (usize, usize),
    /// Where `<len>` starts, and the RD token.
    len_at: usize,
    rd: Vec<u8>,
    /// The encrypted charstring.
    bin: (usize, usize),
}

/// Reads `<len> <RD> <bytes>` at `p`.
fn binary(d: &[u8], p: usize) -> Option<(usize, Vec<u8>, (usize, usize))> {
    let (ls, _) = token(d, p)?;
    let (len, e) = int_at(d, p)?;
    let (rs, re) = token(d, e)?;
    let len = usize::try_from(len).ok()?;
    let start = re + 1;
    let end = start.checked_add(len)?;
    if end > d.len() {
        return None;
    }
    Some((ls, d[rs..re].to_vec(), (start, end)))
}

/// A Type 1 program, decrypted.
pub struct Type1 {
    clear: Vec<u8>,
    /// The eexec part decrypted (with its four leading random bytes).
    plain: Vec<u8>,
    trailer: Vec<u8>,
    len_iv: i64,
    subrs: Vec<(usize, Entry)>,
    glyphs: Vec<(String, Entry)>,
}

impl Type1 {
    /// Reads a FontFile stream's data with its /Length1 and /Length2 (when given).
    pub fn parse(data: &[u8], len1: Option<usize>, len2: Option<usize>) -> Option<Type1> {
        let eexec = find(data, b"eexec", 0)?;
        // Where the encrypted part starts: /Length1, or (as readers do when /Length1 is off, as
        // groff's is by one) past the white space after `eexec`.
        let mut after = eexec + 5;
        while after < data.len() && matches!(data[after], b' ' | b'\t' | b'\r' | b'\n') {
            after += 1;
        }
        let given = len1.filter(|&l| l > eexec && l <= data.len());
        let end = match len2 {
            Some(l)
                if given
                    .unwrap_or(after)
                    .checked_add(l)
                    .is_some_and(|e| e <= data.len())
                    && l > 4 =>
            {
                given.unwrap_or(after) + l
            }
            _ => data.len(),
        };
        let mut starts = vec![];
        starts.extend(given);
        if given != Some(after) {
            starts.push(after);
        }
        starts
            .into_iter()
            .filter(|&s| s < end)
            .find_map(|s| Self::parse_at(data, s, end))
    }

    fn parse_at(data: &[u8], len1: usize, end: usize) -> Option<Type1> {
        let enc = &data[len1..end];
        // An eexec part in hexadecimal (as in a .pfa) is read as such and written back binary.
        let hex = enc.len() >= 4 && enc[..4].iter().all(u8::is_ascii_hexdigit);
        let (bin, used) = if hex {
            let mut out = Vec::with_capacity(enc.len() / 2);
            let mut nib: Option<u8> = None;
            let mut used = enc.len();
            for (i, &b) in enc.iter().enumerate() {
                let v = match b {
                    b'0'..=b'9' => b - b'0',
                    b'a'..=b'f' => b - b'a' + 10,
                    b'A'..=b'F' => b - b'A' + 10,
                    _ if is_space(b) => continue,
                    _ => {
                        used = i;
                        break;
                    }
                };
                match nib.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => nib = Some(v),
                }
            }
            (out, used)
        } else {
            (enc.to_vec(), enc.len())
        };
        let plain = decrypt(&bin, EEXEC_KEY);
        let len_iv = match find(&plain, b"/lenIV", 0) {
            Some(p) => int_at(&plain, p + 6)?.0,
            None => 4,
        };
        if !(-1..=16).contains(&len_iv) {
            return None;
        }
        let mut t = Type1 {
            clear: data[..len1].to_vec(),
            trailer: data[len1 + used..].to_vec(),
            plain,
            len_iv,
            subrs: Vec::new(),
            glyphs: Vec::new(),
        };
        let d = &t.plain;
        // /Subrs <n> array, then `dup <i> <len> <RD> <bytes> <NP>`.
        if let Some(s) = find(d, b"/Subrs", 0) {
            let (count, mut p) = int_at(d, s + 6)?;
            if !(0..=65_535).contains(&count) {
                return None;
            }
            // Past `array`.
            p = token(d, p)?.1;
            let mut left = count;
            for _ in 0..4 * count + 4 {
                if left == 0 {
                    break;
                }
                let (ts, te) = token(d, p)?;
                match &d[ts..te] {
                    b"dup" => left -= 1,
                    // The NP after each entry (`NP`, `|`, `noaccess put`).
                    b"NP" | b"|" | b"noaccess" | b"put" => {
                        p = te;
                        continue;
                    }
                    _ => break,
                }
                let (i, e) = int_at(d, te)?;
                let (len_at, rd, bin) = binary(d, e)?;
                t.subrs.push((
                    usize::try_from(i).ok()?,
                    Entry {
                        span: (ts, bin.1),
                        len_at,
                        rd,
                        bin,
                    },
                ));
                p = bin.1;
            }
        }
        // /CharStrings <n> dict dup begin, then `/<name> <len> <RD> <bytes> <ND>` up to `end`.
        let s = find(d, b"/CharStrings", 0)?;
        let (count, mut p) = int_at(d, s + 12)?;
        if !(0..=65_535).contains(&count) {
            return None;
        }
        // Past `dict dup begin`.
        p = find(d, b"begin", p)? + 5;
        loop {
            let (ts, te) = token(d, p)?;
            match d[ts] {
                b'/' => {
                    let name = String::from_utf8_lossy(&d[ts + 1..te]).into_owned();
                    let (len_at, rd, bin) = binary(d, te)?;
                    // The ND token(s): up to the next name or `end`.
                    let mut q = bin.1;
                    let stop = loop {
                        let (s2, e2) = token(d, q)?;
                        if d[s2] == b'/' || &d[s2..e2] == b"end" {
                            break s2;
                        }
                        q = e2;
                    };
                    t.glyphs.push((
                        name,
                        Entry {
                            span: (ts, stop),
                            len_at,
                            rd,
                            bin,
                        },
                    ));
                    p = stop;
                }
                _ => break,
            }
            if t.glyphs.len() > 65_535 {
                return None;
            }
        }
        Some(t)
    }

    /// The glyph names, in the order of /CharStrings.
    pub fn glyph_names(&self) -> Vec<&str> {
        self.glyphs.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The built-in encoding's glyph names by code (`dup <code> /<name> put`), or `None` when the
    /// font uses StandardEncoding.
    pub fn builtin_names(&self) -> Vec<Option<String>> {
        let mut out = vec![None; 256];
        if find(&self.clear, b"/Encoding StandardEncoding", 0).is_some() {
            for (code, slot) in out.iter_mut().enumerate() {
                *slot = standard_name(code as u8).map(str::to_string);
            }
            return out;
        }
        for (code, name, _) in self.encoding_entries() {
            out[code as usize] = Some(name);
        }
        out
    }

    /// `dup <code> /<name> put` entries of the clear text: (code, name, byte span).
    fn encoding_entries(&self) -> Vec<(u8, String, (usize, usize))> {
        let d = &self.clear;
        let mut out = Vec::new();
        let Some(start) = find(d, b"/Encoding", 0) else {
            return out;
        };
        let mut p = start + 9;
        for _ in 0..4096 {
            let Some((s, e)) = token(d, p) else { break };
            let tok = &d[s..e];
            if tok == b"readonly" || tok == b"def" {
                if !out.is_empty() {
                    break;
                }
            } else if tok == b"dup" {
                let entry = (|| {
                    let (code, e1) = int_at(d, e)?;
                    let (ns, ne) = token(d, e1)?;
                    let (ps, pe) = token(d, ne)?;
                    (d.get(ns) == Some(&b'/') && &d[ps..pe] == b"put" && (0..256).contains(&code))
                        .then(|| {
                            (
                                code as u8,
                                String::from_utf8_lossy(&d[ns + 1..ne]).into_owned(),
                                (s, pe),
                            )
                        })
                })();
                if let Some(x) = entry {
                    p = x.2 .1;
                    out.push(x);
                    continue;
                }
            }
            p = e;
        }
        out
    }

    fn charstring(&self, e: &Entry) -> Vec<u8> {
        let raw = &self.plain[e.bin.0..e.bin.1];
        if self.len_iv < 0 {
            return raw.to_vec();
        }
        decrypt(raw, CHARSTRING_KEY)
            .get(self.len_iv as usize..)
            .unwrap_or_default()
            .to_vec()
    }

    fn encrypted(&self, body: &[u8]) -> Vec<u8> {
        if self.len_iv < 0 {
            return body.to_vec();
        }
        let mut plain = vec![0u8; self.len_iv as usize];
        plain.extend_from_slice(body);
        encrypt(&plain, CHARSTRING_KEY)
    }

    /// A copy of the program with only the glyphs named in `keep` (with .notdef and their accent
    /// components): the new data and its /Length1, /Length2 and /Length3. `None` when nothing goes.
    pub fn prune(&self, keep: &BTreeSet<String>) -> Option<(Vec<u8>, [usize; 3])> {
        let by_name: HashMap<&str, usize> = self
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.as_str(), i))
            .collect();
        let mut kept: BTreeSet<usize> = keep
            .iter()
            .chain(std::iter::once(&".notdef".to_string()))
            .filter_map(|n| by_name.get(n.as_str()).copied())
            .collect();
        let mut numbers: BTreeSet<usize> = (0..FIXED_SUBRS).collect();
        let mut untraceable = false;
        let mut todo: Vec<usize> = kept.iter().copied().collect();
        while let Some(g) = todo.pop() {
            let cs = self.charstring(&self.glyphs[g].1);
            let scan = scan(&cs);
            untraceable |= scan.untraceable;
            numbers.extend(scan.numbers);
            for code in scan.seac {
                let name = standard_name(code)?;
                if let Some(&c) = by_name.get(name) {
                    if kept.insert(c) {
                        todo.push(c);
                    }
                }
            }
        }
        // Subroutines reached from the kept glyphs, through the numbers they hold.
        let subr_at: HashMap<usize, usize> = self
            .subrs
            .iter()
            .enumerate()
            .map(|(k, (i, _))| (*i, k))
            .collect();
        let mut subrs: BTreeSet<usize> = BTreeSet::new();
        let mut todo: Vec<usize> = numbers.iter().copied().collect();
        while let Some(i) = todo.pop() {
            let Some(&k) = subr_at.get(&i) else { continue };
            if !subrs.insert(i) {
                continue;
            }
            let s = scan(&self.charstring(&self.subrs[k].1));
            untraceable |= s.untraceable;
            todo.extend(s.numbers.into_iter().filter(|n| !subrs.contains(n)));
        }
        let subrs_go = !untraceable && self.subrs.iter().any(|(i, _)| !subrs.contains(i));
        if kept.len() == self.glyphs.len() && !subrs_go {
            return None;
        }
        // The decrypted part, rewritten: subroutines that go become `return`, glyphs that go leave.
        let mut edits: Vec<((usize, usize), Vec<u8>)> = Vec::new();
        if !untraceable {
            for (i, e) in &self.subrs {
                if !subrs.contains(i) {
                    let bin = self.encrypted(&[11]);
                    let mut b = format!("{} ", bin.len()).into_bytes();
                    b.extend_from_slice(&e.rd);
                    b.push(b' ');
                    b.extend(bin);
                    edits.push(((e.len_at, e.bin.1), b));
                }
            }
        }
        for (g, (_, e)) in self.glyphs.iter().enumerate() {
            if !kept.contains(&g) {
                edits.push((e.span, Vec::new()));
            }
        }
        edits.sort_by_key(|(s, _)| s.0);
        let mut plain = Vec::with_capacity(self.plain.len());
        let mut at = 0;
        for ((s, e), b) in edits {
            plain.extend_from_slice(self.plain.get(at..s)?);
            plain.extend(b);
            at = e;
        }
        plain.extend_from_slice(self.plain.get(at..)?);
        // `/CharStrings <n> dict`: the number of glyphs kept (the subset's would say how many went).
        let cs = find(&plain, b"/CharStrings", 0)?;
        let (n, n_end) = token(&plain, cs + 12)?;
        if plain.get(n..n_end)?.iter().all(u8::is_ascii_digit) {
            plain.splice(n..n_end, kept.len().to_string().into_bytes());
        }
        // The clear text: the built-in encoding's entries for glyphs that went leave, with the
        // white space after them (blanked, their places in the code order would say which codes
        // they were).
        let names: BTreeSet<&str> = kept.iter().map(|&g| self.glyphs[g].0.as_str()).collect();
        let mut clear = self.clear.clone();
        let mut gone: Vec<(usize, usize)> = self
            .encoding_entries()
            .into_iter()
            .filter(|(_, name, _)| !names.contains(name.as_str()))
            .map(|(_, _, span)| span)
            .collect();
        gone.sort();
        for (s, mut e) in gone.into_iter().rev() {
            while clear
                .get(e)
                .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            {
                e += 1;
            }
            clear.drain(s..e);
        }
        let enc = encrypt(&plain, EEXEC_KEY);
        let lens = [clear.len(), enc.len(), self.trailer.len()];
        let mut out = clear;
        out.extend(enc);
        out.extend_from_slice(&self.trailer);
        Some((out, lens))
    }
}

fn standard_name(code: u8) -> Option<&'static str> {
    let sid = STANDARD_ENCODING[code as usize];
    (sid != 0).then(|| STANDARD_STRINGS[sid as usize])
}

struct Scan {
    numbers: Vec<usize>,
    seac: Vec<u8>,
    untraceable: bool,
}

/// The numbers a Type 1 charstring holds (those that could be subroutine numbers), the standard codes
/// its `seac` names, and whether a `callsubr` takes a number it computed.
fn scan(cs: &[u8]) -> Scan {
    let mut s = Scan {
        numbers: Vec::new(),
        seac: Vec::new(),
        untraceable: false,
    };
    let mut stack: Vec<i64> = Vec::new();
    // Whether the last token was a number, or `pop` (hint replacement's subroutine number).
    let mut traced = false;
    let mut p = 0;
    while p < cs.len() {
        let b = cs[p];
        let (num, len) = match b {
            32..=246 => (Some(b as i64 - 139), 1),
            247..=250 => (
                cs.get(p + 1)
                    .map(|&w| (b as i64 - 247) * 256 + w as i64 + 108),
                2,
            ),
            251..=254 => (
                cs.get(p + 1)
                    .map(|&w| -(b as i64 - 251) * 256 - w as i64 - 108),
                2,
            ),
            255 => (
                cs.get(p + 1..p + 5)
                    .map(|w| i32::from_be_bytes([w[0], w[1], w[2], w[3]]) as i64),
                5,
            ),
            _ => (None, if b == 12 { 2 } else { 1 }),
        };
        p += len;
        if let Some(v) = num {
            if let Ok(u) = usize::try_from(v) {
                s.numbers.push(u);
            }
            stack.push(v);
            traced = true;
            continue;
        }
        match (b, cs.get(p - 1).copied().filter(|_| b == 12)) {
            (10, _) => {
                if !traced {
                    s.untraceable = true;
                }
                stack.pop();
            }
            // seac: asb adx ady bchar achar.
            (12, Some(6)) => {
                let l = stack.len();
                if l >= 2 {
                    for v in [stack[l - 2], stack[l - 1]] {
                        if let Ok(c) = u8::try_from(v) {
                            s.seac.push(c);
                        }
                    }
                }
                stack.clear();
            }
            // pop: a number from callothersubr, as hint replacement passes a subroutine number.
            (12, Some(17)) => {
                traced = true;
                continue;
            }
            // callothersubr: its arguments stay for the `pop`s after it.
            (12, Some(16)) => {}
            _ => stack.clear(),
        }
        traced = false;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cs(body: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 4];
        p.extend_from_slice(body);
        encrypt(&p, CHARSTRING_KEY)
    }

    /// A Type 1 program with glyphs .notdef, A, Q, Aacute (seac of A and acute) and acute, and
    /// subroutines 0-3 (fixed), 4 (used by Q) and 5 (used by A).
    fn font() -> Vec<u8> {
        let clear = b"%!PS-AdobeFont-1.0: Test\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 65 /A put\ndup 81 /Q put\ndup 193 /Aacute put\nreadonly def\ncurrentfile eexec\n".to_vec();
        let n = |v: i64| (v + 139) as u8;
        let mut private = b"dup /Private 8 dict dup begin /lenIV 4 def /Subrs 6 array\n".to_vec();
        let subrs: [Vec<u8>; 6] = [
            vec![11],
            vec![11],
            vec![11],
            vec![11],
            vec![n(40), n(41), 5, 11],
            vec![n(50), n(51), 5, 11],
        ];
        for (i, s) in subrs.iter().enumerate() {
            let b = cs(s);
            private.extend(format!("dup {i} {} RD ", b.len()).as_bytes());
            private.extend(b);
            private.extend(b" NP\n");
        }
        private.extend(b"ND\n2 index /CharStrings 5 dict dup begin\n");
        let glyphs: [(&str, Vec<u8>); 5] = [
            (".notdef", vec![n(0), n(0), 13, 14]),
            ("A", vec![n(0), n(99), 13, n(5), 10, 14]),
            ("Q", vec![n(0), n(98), 13, n(4), 10, 14]),
            ("Aacute", vec![n(0), n(0), n(0), n(65), 247, 86, 12, 6]),
            ("acute", vec![n(0), n(97), 13, 14]),
        ];
        for (name, body) in &glyphs {
            let b = cs(body);
            private.extend(format!("/{name} {} RD ", b.len()).as_bytes());
            private.extend(b);
            private.extend(b" ND\n");
        }
        private.extend(b"end\nend\nreadonly put\nnoaccess put\ndup /FontName get exch definefont pop\nmark currentfile closefile\n");
        let mut plain = vec![1u8, 2, 3, 4];
        plain.extend(private);
        let mut out = clear;
        out.extend(encrypt(&plain, EEXEC_KEY));
        out.extend(b"\n0000000000\ncleartomark\n");
        out
    }

    #[test]
    fn glyphs_that_go_leave_with_their_names_codes_and_subroutines() {
        let data = font();
        let t = Type1::parse(&data, None, None).expect("parses");
        assert_eq!(t.glyph_names(), [".notdef", "A", "Q", "Aacute", "acute"]);
        assert_eq!(t.builtin_names()[81].as_deref(), Some("Q"));
        let (out, lens) = t
            .prune(&BTreeSet::from(["Aacute".to_string()]))
            .expect("pruned");
        assert_eq!(lens.iter().sum::<usize>(), out.len());
        let p = Type1::parse(&out, Some(lens[0]), Some(lens[1])).expect("reads again");
        assert_eq!(p.glyph_names(), [".notdef", "A", "Aacute", "acute"]);
        let b = p.builtin_names();
        assert_eq!(b[65].as_deref(), Some("A"));
        assert_eq!(b[81], None);
        assert_eq!(b[193].as_deref(), Some("Aacute"));
        // Subroutine 4 (Q's) is a bare return; 5 (A's) is whole.
        let body = |k: usize| p.charstring(&p.subrs[k].1);
        assert_eq!(body(4), [11]);
        assert_eq!(body(5), [(50 + 139) as u8, (51 + 139) as u8, 5, 11]);
        assert!(t
            .prune(&BTreeSet::from(["A".into(), "Q".into(), "Aacute".into()]))
            .is_none());
    }

    #[test]
    fn eexec_part_found_when_length1_is_off_or_hexadecimal() {
        let data = font();
        let clear = find(&data, b"eexec", 0).expect("eexec") + 6;
        // groff's /Length1 stops before the white space after `eexec`.
        let t = Type1::parse(&data, Some(clear - 1), None).expect("parses");
        assert_eq!(t.glyph_names().len(), 5);
        // Ghostscript's eexec part in hexadecimal: read, and written back binary.
        let trailer = find(&data, b"\n0000000000", clear).expect("trailer");
        let mut hex = data[..clear].to_vec();
        for (i, b) in data[clear..trailer].iter().enumerate() {
            hex.extend(format!("{b:02X}").as_bytes());
            if i % 32 == 31 {
                hex.push(b'\n');
            }
        }
        let len2 = hex.len() - clear;
        hex.extend(&data[trailer..]);
        let t = Type1::parse(&hex, Some(clear), Some(len2)).expect("parses");
        let (out, lens) = t.prune(&BTreeSet::from(["A".to_string()])).expect("pruned");
        let p = Type1::parse(&out, Some(lens[0]), Some(lens[1])).expect("reads again");
        assert_eq!(p.glyph_names(), [".notdef", "A"]);
        assert!(lens[1] < len2 / 2, "written back binary");
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let data = font();
        let eexec = find(&data, b"eexec", 0).expect("eexec") + 6;
        for cut in (0..data.len()).step_by(3) {
            for flip in [0u8, 0xFF, 0x20] {
                let mut d = data[..cut].to_vec();
                d.extend(data[cut..].iter().map(|b| b ^ flip));
                if let Some(t) = Type1::parse(&d, Some(eexec), None) {
                    let _ = t.builtin_names();
                    let _ = t.prune(&BTreeSet::from(["A".to_string()]));
                }
            }
        }
    }
}
