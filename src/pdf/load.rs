//! Load: bytes -> `lopdf::Document`, within limits. Decrypts files that open with an empty user password
//! (or the one given); never mutates the input file.

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

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    l.chars().take(200).collect()
}
