//! Load: bytes -> `lopdf::Document`, within limits. Decrypts files that open with an empty user password
//! (or the one given); never mutates the input file.
//!
//! [`load_repaired`] then mends what viewers mend in a damaged or unusual file, so that it is read as
//! they read it, and names each [`Repair`] (they go to `summary.json`, so the officer knows the file
//! was damaged). What cannot be mended is left for extraction to report, and the file is declined.

use crate::error::{Error, ErrorKind, Result};
use lopdf::{Document, LoadOptions};

#[derive(Debug, Clone)]
pub struct LoadLimits {
    pub max_input_bytes: u64,
    pub max_decompressed: usize,
    pub max_objects: usize,
    pub max_pages: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_input_bytes: 2 << 30,
            max_decompressed: 256 << 20,
            max_objects: 2_000_000,
            max_pages: 100_000,
        }
    }
}

/// Parses a PDF held in memory, strictly (its cross-reference data must parse): how foiredact reads
/// its own outputs.
pub fn load(bytes: &[u8], password: Option<&str>, lim: &LoadLimits) -> Result<Document> {
    load_with(bytes, password, lim, false).map(|(d, _, _)| d)
}

/// [`load`]; with `rebuild`, a file whose cross-reference data does not parse is read again with a
/// table rebuilt by scanning it for `N G obj` (as qpdf and MuPDF do), and a page tree that lists a
/// page twice is flattened with each page once. Says whether each was done.
fn load_with(
    bytes: &[u8],
    password: Option<&str>,
    lim: &LoadLimits,
    rebuild: bool,
) -> Result<(Document, bool, bool)> {
    if bytes.len() as u64 > lim.max_input_bytes {
        return Err(Error::limit(format!(
            "input is larger than {} bytes",
            lim.max_input_bytes
        )));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Error::load("no %PDF- header"));
    }
    let opts = || LoadOptions {
        max_decompressed_size: Some(lim.max_decompressed),
        password: password.map(str::to_string),
        ..Default::default()
    };
    let (doc, rebuilt) = match Document::load_mem_with_options(bytes, opts()) {
        // lopdf rebuilds a damaged table itself, silently: the repair is named all the same.
        Ok(d) => (d, rebuild && !xref_where_startxref_says(bytes)),
        Err(e) => {
            let msg = e.to_string();
            let lower = msg.to_ascii_lowercase();
            if lower.contains("password") || lower.contains("decrypt") || lower.contains("encrypt")
            {
                return Err(Error::new(ErrorKind::Encrypted));
            }
            match rebuild
                .then(|| rebuilt_xref(bytes))
                .flatten()
                .and_then(|b| Document::load_mem_with_options(&b, opts()).ok())
            {
                Some(d) => (d, true),
                None => return Err(Error::load(first_line(&msg))),
            }
        }
    };
    // lopdf returns Ok with no pages for a file with a real user password (PDF-NOTES.md).
    if doc.is_encrypted() {
        return Err(Error::new(ErrorKind::Encrypted));
    }
    if doc.objects.len() > lim.max_objects {
        return Err(Error::limit(format!(
            "more than {} objects",
            lim.max_objects
        )));
    }
    let mut doc = doc;
    let mut page_ids = doc.get_pages();
    let distinct: std::collections::HashSet<_> = page_ids.values().collect();
    let mut listed_twice = false;
    if distinct.len() != page_ids.len() {
        // A page tree that lists a page twice: as viewers do, the first place counts (in repair
        // mode); strictly, which pages the document has is not certain.
        if !rebuild || !flatten_page_tree(&mut doc) {
            return Err(Error::load("the page tree loops or lists a page twice"));
        }
        listed_twice = true;
        page_ids = doc.get_pages();
    }
    let pages = page_ids.len();
    if pages == 0 {
        if doc.trailer.get(b"Encrypt").is_ok() {
            return Err(Error::new(ErrorKind::Encrypted));
        }
        return Err(Error::load("no pages"));
    }
    if pages > lim.max_pages {
        return Err(Error::limit(format!("more than {} pages", lim.max_pages)));
    }
    if page_ids.values().all(|id| doc.get_dictionary(*id).is_err()) {
        // Every page the tree names is missing (or not a dictionary): nothing to read or publish.
        return Err(Error::load(
            "no pages (the page tree names only missing objects)",
        ));
    }
    Ok((doc, rebuilt, listed_twice))
}

/// Makes the page tree one /Pages node whose kids are the pages in order, each once (its first
/// place), with what each inherited (ISO 32000-1 7.7.3.4) set on it. False if there is no root node.
fn flatten_page_tree(doc: &mut Document) -> bool {
    use lopdf::Object;
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
    else {
        return false;
    };
    let mut seen = std::collections::HashSet::new();
    let order: Vec<lopdf::ObjectId> = doc
        .get_pages()
        .into_values()
        .filter(|id| seen.insert(*id))
        .collect();
    for &id in &order {
        let mut set = Vec::new();
        for key in [&b"Resources"[..], b"MediaBox", b"CropBox", b"Rotate"] {
            if let Some(v) = super::page::inherited(doc, id, key) {
                set.push((key.to_vec(), v.clone()));
            }
        }
        let Ok(page) = doc.get_dictionary_mut(id) else {
            continue;
        };
        for (k, v) in set {
            page.set(k, v);
        }
        page.set("Parent", Object::Reference(root));
    }
    let Ok(node) = doc.get_dictionary_mut(root) else {
        return false;
    };
    node.set(
        "Kids",
        Object::Array(order.iter().map(|&id| Object::Reference(id)).collect()),
    );
    node.set("Count", order.len() as i64);
    node.remove(b"Parent");
    true
}

/// The file with a cross-reference table and trailer appended that list every `N G obj` found by
/// scanning it (a later definition of a number wins, as an incremental update would), the catalog
/// being the last `/Root` named or else an object of /Type /Catalog. `None` for an encrypted file
/// (its keys need the original trailer) or one without objects or catalog.
fn rebuilt_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let obj = regex::bytes::Regex::new(
        r"(?:^|[\r\n \t\x0c\x00])(\d{1,9})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b",
    )
    .expect("valid pattern");
    if memchr_all(bytes, b"/Encrypt") {
        return None;
    }
    let mut found: std::collections::BTreeMap<u32, (usize, u16)> = Default::default();
    let mut catalog = None;
    let catalog_type = regex::bytes::Regex::new(r"/Type\s*/Catalog\b").expect("valid pattern");
    for c in obj.captures_iter(bytes) {
        let (Some(n), Some(g), Some(all)) = (c.get(1), c.get(2), c.get(0)) else {
            continue;
        };
        let num: u32 = std::str::from_utf8(n.as_bytes()).ok()?.parse().ok()?;
        let gen: u16 = std::str::from_utf8(g.as_bytes()).ok()?.parse().ok()?;
        if num == 0 || num > 10_000_000 {
            continue;
        }
        found.insert(num, (n.start(), gen));
        let body = &bytes[all.end()..bytes.len().min(all.end() + 512)];
        if catalog_type.is_match(body) {
            catalog = Some((num, gen));
        }
    }
    let root_ref =
        regex::bytes::Regex::new(r"/Root\s+(\d{1,9})\s+(\d{1,5})\s+R").expect("valid pattern");
    let root = root_ref
        .captures_iter(bytes)
        .last()
        .and_then(|c| {
            let n: u32 = std::str::from_utf8(c.get(1)?.as_bytes())
                .ok()?
                .parse()
                .ok()?;
            let g: u16 = std::str::from_utf8(c.get(2)?.as_bytes())
                .ok()?
                .parse()
                .ok()?;
            found.contains_key(&n).then_some((n, g))
        })
        .or(catalog)?;
    let size = found.keys().last()? + 1;
    let mut out = bytes.to_vec();
    out.extend_from_slice(b"\n");
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for n in 0..size {
        match found.get(&n) {
            Some((off, gen)) => {
                out.extend_from_slice(format!("{off:010} {gen:05} n \n").as_bytes())
            }
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {} {} R >>\nstartxref\n{xref_at}\n%%EOF\n",
            root.0, root.1
        )
        .as_bytes(),
    );
    Some(out)
}

/// Whether the last `startxref` points at a cross-reference table (`xref`) or stream (`N G obj`).
fn xref_where_startxref_says(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    let Some(at) = tail.windows(9).rposition(|w| w == b"startxref") else {
        return false;
    };
    let digits: Vec<u8> = tail[at + 9..]
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(u8::is_ascii_digit)
        .collect();
    let Some(off) = std::str::from_utf8(&digits)
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return false;
    };
    let Some(rest) = bytes.get(off..) else {
        return false;
    };
    let rest = &rest[..rest.len().min(64)];
    rest.starts_with(b"xref")
        || regex::bytes::Regex::new(r"^\d+\s+\d+\s+obj")
            .expect("valid pattern")
            .is_match(rest)
}

fn memchr_all(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A repair made to the loaded document. Pages are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// The cross-reference data did not parse: the table was rebuilt by scanning the file for objects.
    XrefRebuilt,
    /// The page tree listed a page more than once: each page is kept at its first place.
    PageListedTwice,
    /// A page's /Contents array is one stream cut in the middle of a token (ISO 32000-1 7.8.2): its
    /// streams were joined into one.
    JoinedContents { page: usize },
    /// A page's content stream has lines no tokenizer reads (a stray `)`, an array never closed):
    /// they were dropped, and the page is written back as the rest (see `content::salvage`).
    DroppedDamagedLines { page: usize, lines: usize },
    /// The page tree's /Count says another number of pages than its kids hold (as mutool reads it,
    /// the pages that are there are the document; poppler counts blank pages up to /Count).
    PageCount { said: i64, found: usize },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Repair::XrefRebuilt => write!(
                f,
                "the cross-reference table was damaged and was rebuilt by scanning the file"
            ),
            Repair::DroppedDamagedLines { page, lines } => write!(
                f,
                "page {page}: {lines} damaged line(s) of its content stream could not be read and were left out"
            ),
            Repair::PageListedTwice => write!(
                f,
                "the page tree listed a page twice: it is kept once, at its first place"
            ),
            Repair::JoinedContents { page } => write!(
                f,
                "page {page}: its content streams were cut inside a token and were joined into one"
            ),
            Repair::PageCount { said, found } => write!(
                f,
                "the page tree says {said} page(s) but holds {found}: the output has the {found}"
            ),
        }
    }
}

/// [`load`], then the repairs viewers make (see [`Repair`]).
pub fn load_repaired(
    bytes: &[u8],
    password: Option<&str>,
    lim: &LoadLimits,
) -> Result<(Document, Vec<Repair>)> {
    let (mut doc, rebuilt, listed_twice) = load_with(bytes, password, lim, true)?;
    let mut repairs = Vec::new();
    if rebuilt {
        repairs.push(Repair::XrefRebuilt);
    }
    if listed_twice {
        repairs.push(Repair::PageListedTwice);
    }
    let found = doc.get_pages().len();
    let said = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
        .and_then(|id| doc.get_dictionary(id).ok())
        .and_then(|d| d.get(b"Count").ok())
        .and_then(|c| c.as_i64().ok());
    if let Some(said) = said.filter(|&n| n != found as i64) {
        repairs.push(Repair::PageCount { said, found });
    }
    join_split_contents(&mut doc, lim, &mut repairs);
    salvage_damaged_contents(&mut doc, lim, &mut repairs);
    Ok((doc, repairs))
}

/// Joins the streams of each page whose /Contents array does not tokenise stream by stream but does
/// as one (see `content::join_streams`). A page whose streams each parse is left as it is (its
/// streams are rewritten in place); one that parses neither way is left for extraction to decline.
fn join_split_contents(doc: &mut Document, lim: &LoadLimits, repairs: &mut Vec<Repair>) {
    use super::content;
    use lopdf::Object;
    let parse_lim = content::ParseLimits::default();
    for (no, page_id) in doc.get_pages() {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        let arr = match page.get(b"Contents") {
            Ok(Object::Array(a)) => a,
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(a)) => a,
                _ => continue,
            },
            _ => continue,
        };
        if arr.len() < 2 {
            continue;
        }
        let mut parts = Vec::with_capacity(arr.len());
        for o in arr {
            let Ok(Object::Stream(s)) = o.as_reference().and_then(|id| doc.get_object(id)) else {
                parts.clear();
                break;
            };
            match super::decode_content(s, lim.max_decompressed) {
                Ok((d, false)) => parts.push(d),
                _ => {
                    parts.clear();
                    break;
                }
            }
        }
        if parts.is_empty() || parts.iter().all(|p| content::parse(p, &parse_lim).is_ok()) {
            continue;
        }
        let slices: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let mut joined = content::join_streams(&slices);
        match content::parse(&joined, &parse_lim) {
            Ok(_) => {}
            // Operands after the page's last operator are drawn by nothing in any reader: dropped.
            Err(e) if e.msg == content::TRAILING_OPERANDS => {
                joined.truncate(e.offset);
                if content::parse(&joined, &parse_lim).is_err() {
                    continue;
                }
            }
            Err(_) => continue,
        }
        let mut s = lopdf::Stream::new(lopdf::Dictionary::new(), joined);
        super::compress(&mut s);
        let id = doc.add_object(s);
        if let Ok(p) = doc.get_dictionary_mut(page_id) {
            p.set("Contents", Object::Reference(id));
            repairs.push(Repair::JoinedContents { page: no as usize });
        }
    }
}

/// Makes each page content stream that does not tokenise readable by dropping its damaged lines
/// (`content::salvage`); the page gets its own copy of the stream (others may share it).
fn salvage_damaged_contents(doc: &mut Document, lim: &LoadLimits, repairs: &mut Vec<Repair>) {
    use super::content;
    use lopdf::Object;
    let parse_lim = content::ParseLimits::default();
    for (no, page_id) in doc.get_pages() {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        let (ids, direct): (Vec<lopdf::ObjectId>, bool) = match page.get(b"Contents") {
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(a)) => (
                    a.iter().filter_map(|o| o.as_reference().ok()).collect(),
                    false,
                ),
                _ => (vec![*id], true),
            },
            Ok(Object::Array(a)) => (
                a.iter().filter_map(|o| o.as_reference().ok()).collect(),
                false,
            ),
            _ => continue,
        };
        let mut new_ids = ids.clone();
        let mut lines = 0;
        for (k, id) in ids.iter().enumerate() {
            let Ok(Object::Stream(s)) = doc.get_object(*id) else {
                continue;
            };
            let Ok((data, _)) = super::decode_content(s, lim.max_decompressed) else {
                continue;
            };
            if let Some((fixed, n)) = content::salvage(&data, &parse_lim) {
                let mut st = lopdf::Stream::new(lopdf::Dictionary::new(), fixed);
                super::compress(&mut st);
                new_ids[k] = doc.add_object(st);
                lines += n;
            }
        }
        if lines == 0 {
            continue;
        }
        let contents = if direct {
            Object::Reference(new_ids[0])
        } else {
            Object::Array(new_ids.into_iter().map(Object::Reference).collect())
        };
        if let Ok(p) = doc.get_dictionary_mut(page_id) {
            p.set("Contents", contents);
            repairs.push(Repair::DroppedDamagedLines {
                page: no as usize,
                lines,
            });
        }
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    l.chars().take(200).collect()
}
