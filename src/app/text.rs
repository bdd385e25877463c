//! `foiredact text`: the text the rules see on each page, or every glyph as JSON.

use crate::batch;
use crate::cli::TextArgs;
use crate::error::exit;
use std::io::Write;

pub fn text(a: TextArgs) -> u8 {
    let bytes = match std::fs::read(&a.pdf) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("foiredact: {}: {e}", a.pdf.display());
            return exit::SOME_FAILED;
        }
    };
    if batch::is_text(&a.pdf) {
        return text_of_text(&a, &bytes);
    }
    let mut doc =
        match crate::pdf::load::load_repaired(&bytes, a.password.as_deref(), &Default::default()) {
            Ok((d, _)) => d,
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(&a.pdf));
                return exit::SOME_FAILED;
            }
        };
    let mut code = exit::OK;
    // As `redact` reads it: filled-in form fields drawn into their pages, scans read by OCR (pages
    // with problems are not read: they are declined).
    let mode = crate::config::ocr_mode(a.ocr);
    let ocr = Some((mode, &bytes[..], a.password.as_deref()));
    let (mut pages, read) = match crate::read::read_pages_with(&mut doc, a.page, ocr) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {}", e.with_path(&a.pdf));
            return exit::SOME_FAILED;
        }
    };
    for (page, r) in read {
        if let Err(e) = r {
            eprintln!("foiredact: {}: page {page}: {e}", a.pdf.display());
            code = exit::SOME_FAILED;
        }
    }
    let mut json = Vec::new();
    for (_, p) in pages.iter_mut() {
        for problem in &p.problems {
            eprintln!("foiredact: {}: page {}: {problem}", a.pdf.display(), p.page);
            code = exit::SOME_FAILED;
        }
        if a.json {
            json.push(serde_json::json!({"page": p.page, "text": p.text, "glyphs": p.glyphs, "images": p.images, "problems": p.problems}));
        } else {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = write!(std::io::stdout().lock(), "{}\u{c}", p.text);
        }
    }
    if a.json {
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    }
    code
}

/// `text` of a plain-text document: its pages (split at form feeds) as `redact` reads them.
fn text_of_text(a: &TextArgs, bytes: &[u8]) -> u8 {
    let t = match crate::text::decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("foiredact: {}", e.with_path(&a.pdf));
            return exit::SOME_FAILED;
        }
    };
    let pages: Vec<(usize, &str)> = t
        .split('\u{c}')
        .enumerate()
        .map(|(k, p)| (k + 1, p))
        .filter(|(n, _)| a.page.is_none_or(|p| p == *n))
        .collect();
    let mut out = std::io::stdout().lock();
    if a.json {
        let v: Vec<serde_json::Value> = pages
            .iter()
            .map(|(n, p)| serde_json::json!({"page": n, "text": p}))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    } else {
        for (_, p) in pages {
            let _ = write!(out, "{p}\u{c}");
        }
    }
    exit::OK
}
