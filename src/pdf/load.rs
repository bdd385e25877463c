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

/// Parses a PDF held in memory.
pub fn load(bytes: &[u8], password: Option<&str>, lim: &LoadLimits) -> Result<Document> {
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
    let mut opts = LoadOptions {
        max_decompressed_size: Some(lim.max_decompressed),
        ..Default::default()
    };
    if let Some(p) = password {
        opts.password = Some(p.to_string());
    }
    let doc = match Document::load_mem_with_options(bytes, opts) {
        Ok(d) => d,
        Err(e) => {
            let msg = e.to_string();
            let lower = msg.to_ascii_lowercase();
            if lower.contains("password") || lower.contains("decrypt") || lower.contains("encrypt")
            {
                return Err(Error::new(ErrorKind::Encrypted));
            }
            return Err(Error::load(first_line(&msg)));
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
    let page_ids = doc.get_pages();
    let distinct: std::collections::HashSet<_> = page_ids.values().collect();
    if distinct.len() != page_ids.len() {
        // A page tree that loops or lists a page twice: which pages the document has is not certain.
        return Err(Error::load("the page tree loops or lists a page twice"));
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
    Ok(doc)
}

/// A repair made to the loaded document. Pages are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// A page's /Contents array is one stream cut in the middle of a token (ISO 32000-1 7.8.2): its
    /// streams were joined into one.
    JoinedContents { page: usize },
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Repair::JoinedContents { page } => write!(
                f,
                "page {page}: its content streams were cut inside a token and were joined into one"
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
    let mut doc = load(bytes, password, lim)?;
    let mut repairs = Vec::new();
    join_split_contents(&mut doc, lim, &mut repairs);
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

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    l.chars().take(200).collect()
}
