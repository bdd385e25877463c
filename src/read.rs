//! A document read into pages, once: load (repairs named), filled-in form fields drawn into their
//! pages, every page's glyphs extracted, each page's problems triaged (a limit declines the file, an
//! unreadable page declines it unless `--allow-unreadable`), scans read by OCR, reading order laid
//! out. What `redact`, `scan` and `review` read; `text` and `publish` read without OCR
//! ([`read_pages`]).

use crate::error::{Error, ErrorKind, Result};
use crate::layout;
use crate::model::{PageText, Problem, ProblemKind};
use crate::pdf::{extract, load, sanitize};
use crate::profile::{self, Stage};
use crate::settings::{OcrMode, Settings, MIN_OCR_CONFIDENCE};
use rayon::prelude::*;

/// The error that declines a file for a page's problem: over a limit, or unreadable (the time limit
/// is reported by the caller, which knows the limit given).
pub fn problem_error(q: &Problem) -> Error {
    match q.kind {
        ProblemKind::Limit | ProblemKind::Time => Error::limit(q.detail.clone()),
        ProblemKind::Unreadable => Error::unreadable(q.detail.clone()),
    }
    .with_page(q.page)
}

/// Declines the file when the process is over its memory limit.
pub fn memory_check() -> Result<()> {
    crate::memory::over_limit().map_or(Ok(()), |m| Err(Error::limit(m)))
}

/// Pages read by OCR, for the summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OcrLog {
    pub page: usize,
    pub mean_confidence: f64,
    pub unsure_words: usize,
}

/// Time allowed for OCR of one page ([`crate::pdf::ocr::PAGE_TIME`]).
pub use crate::pdf::ocr::PAGE_TIME as OCR_TIME;

/// A scan with fewer characters of text than this has no usable text layer (a stamped page number or
/// a reference is not the page's text).
const FEW_CHARS: usize = 40;

/// Whether a page is to be read with OCR: it has an image covering most of the page (a scan) or only
/// images, and no usable text layer (`Auto`), or any text layer (`Always`).
pub fn wants_ocr(p: &PageText, mode: OcrMode) -> bool {
    if p.images.is_empty() {
        return false;
    }
    let chars = p
        .glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .count();
    let area = |r: &crate::geom::Rect| r.width().max(0.0) * r.height().max(0.0);
    let scan = p.media_box.is_some_and(|m| {
        p.images
            .iter()
            .any(|i| area(&i.bbox.intersect(&m)) >= 0.5 * area(&m))
    });
    match mode {
        OcrMode::Never => chars == 0,
        OcrMode::Auto => chars == 0 || (scan && chars < FEW_CHARS),
        OcrMode::Always => chars == 0 || scan,
    }
}

/// Reads with OCR the pages that need it (in parallel: one single-threaded Tesseract per page), adding
/// the words to their glyphs. Per page read: its OCR log or why it cannot be read (`Never` names the
/// pages that would need OCR).
pub fn ocr_pages(
    doc: &lopdf::Document,
    pages: &mut [(lopdf::ObjectId, PageText)],
    mode: OcrMode,
    min_confidence: f64,
) -> OcrRead {
    pages
        .par_iter_mut()
        .filter(|(_, p)| p.problems.is_empty() && wants_ocr(p, mode))
        .map(|(pid, p)| {
            if mode == OcrMode::Never {
                let e = Error::unreadable("image only, no text layer (and --ocr never)");
                return (p.page, Err(e.with_page(p.page)));
            }
            let r = crate::pdf::ocr::ocr_page(doc, *pid, p, OCR_TIME)
                .map_err(|e| problem_error(&e.on_page(p.page)))
                .and_then(|r| {
                    if r.mean_confidence < min_confidence {
                        return Err(Error::unreadable(format!(
                            "OCR confidence {:.0} is too low to trust (under {min_confidence:.0}, --min-ocr-confidence)",
                            r.mean_confidence
                        ))
                        .with_page(p.page));
                    }
                    let log = OcrLog {
                        page: p.page,
                        mean_confidence: (r.mean_confidence * 10.0).round() / 10.0,
                        unsure_words: r.unsure_words,
                    };
                    p.glyphs.extend(r.glyphs);
                    p.ocr = true;
                    Ok(log)
                });
            (p.page, r)
        })
        .collect()
}

/// Pages as read and laid out, with their object ids.
pub type Pages = Vec<(lopdf::ObjectId, PageText)>;

/// Per page read by OCR: its log, or why it could not be read.
pub type OcrRead = Vec<(usize, Result<OcrLog>)>;

/// Every page's text as `redact` reads it (filled-in form fields drawn into their pages first), laid
/// out: what `publish` reads titles from. No OCR: a page without a text layer has no text here.
///
/// # Errors
/// A form field cannot be drawn into its page (as `redact` declines such a file).
pub fn read_pages(doc: &mut lopdf::Document) -> Result<Pages> {
    read_pages_with(doc, None, None).map(|(p, _)| p)
}

/// [`read_pages`] of one page (`page`) or all, with scans read by OCR as `redact` reads them when
/// `ocr` is given (what `foiredact text` prints): each OCR'd page's log, or why it could not be read.
/// A page's problems are in its `problems`, not an error: the caller shows them.
pub fn read_pages_with(
    doc: &mut lopdf::Document,
    page: Option<usize>,
    ocr: Option<OcrMode>,
) -> Result<(Pages, OcrRead)> {
    sanitize::flatten_form_fields(doc)?;
    let mut pages = extract::extract_all(doc, &Default::default());
    pages.retain(|(_, p)| page.is_none_or(|n| n == p.page));
    let read = match ocr {
        Some(mode) => ocr_pages(doc, &mut pages, mode, MIN_OCR_CONFIDENCE),
        None => Vec::new(),
    };
    for (_, p) in pages.iter_mut() {
        layout::layout(p);
    }
    Ok((pages, read))
}

/// A document read into pages.
pub struct Read {
    pub doc: lopdf::Document,
    /// Every page, laid out (OCR'd words among its glyphs).
    pub pages: Vec<(lopdf::ObjectId, PageText)>,
    /// What was mended in a damaged input to read it as viewers do.
    pub repairs: Vec<String>,
    /// Pages let through with text that cannot be read (`--allow-unreadable`), in order.
    pub unreadable: Vec<usize>,
    /// Pages read by OCR.
    pub ocr: Vec<OcrLog>,
}

/// Reads a document into pages (see the module head). `deadline`: when the file's time is up.
///
/// # Errors
/// The input cannot be loaded; a page over a limit (or the time limit); a page that cannot be read
/// (unless `--allow-unreadable`); the memory limit.
pub fn read(bytes: &[u8], s: &Settings, deadline: Option<std::time::Instant>) -> Result<Read> {
    let over = || deadline.is_some_and(|d| std::time::Instant::now() > d);
    let time_err = || {
        Error::limit(format!(
            "the time limit of {} s for one file was exceeded",
            s.time_limit.map_or(0, |t| t.as_secs())
        ))
    };
    let (mut doc, repairs) = profile::time(Stage::Load, || {
        load::load_repaired(bytes, s.password.as_deref(), &s.load)
    })?;
    let repairs: Vec<String> = repairs.iter().map(ToString::to_string).collect();
    // Filled-in form fields are drawn into their pages first, so that their text is read and redacted.
    sanitize::flatten_form_fields(&mut doc)?;
    let lim = extract::ExtractLimits {
        deadline,
        ..s.extract
    };
    let mut pages = profile::time(Stage::Extract, || extract::extract_all(&doc, &lim));
    if over() {
        return Err(time_err());
    }
    // Pages let through with text that cannot be read (--allow-unreadable).
    let mut unreadable: Vec<usize> = Vec::new();
    for (_, p) in &pages {
        if p.problems.iter().any(|q| q.kind == ProblemKind::Time) {
            return Err(time_err());
        }
        // A limit (a decompression bomb, too many operators, glyphs or paths, nesting too deep, the
        // memory limit) is named as one, never taken for unreadable text.
        if let Some(q) = p
            .problems
            .iter()
            .find(|q| q.kind != ProblemKind::Unreadable)
        {
            return Err(problem_error(q));
        }
        if let Some(problem) = p.problems.first() {
            if s.allow_unreadable {
                unreadable.push(p.page);
                continue;
            }
            return Err(problem_error(problem));
        }
    }
    // Damaged streams read as far as they inflate are repairs too.
    let mut repairs = repairs;
    for (_, p) in &pages {
        if !p.repaired.is_empty() {
            repairs.push(format!(
                "page {}: {} damaged compressed stream(s) read as far as they decompress",
                p.page,
                p.repaired.len()
            ));
        }
        for r in &p.readings {
            repairs.push(format!("page {}: {r}", p.page));
        }
    }
    let decoded: usize = pages.iter().map(|(_, p)| p.decoded_bytes).sum();
    if decoded > s.extract.max_file_decoded {
        return Err(Error::limit(format!(
            "its page contents decompress to more than {} MB in all (--max-file-decompressed-mb)",
            s.extract.max_file_decoded >> 20
        )));
    }
    memory_check()?;
    let mut ocr_log: Vec<OcrLog> = Vec::new();
    let min_conf = s.min_ocr_confidence.unwrap_or(MIN_OCR_CONFIDENCE);
    for (page, r) in ocr_pages(&doc, &mut pages, s.ocr, min_conf) {
        match r {
            Ok(l) => ocr_log.push(l),
            Err(e) if s.allow_unreadable && matches!(e.kind, ErrorKind::UnreadableText(_)) => {
                unreadable.push(page)
            }
            Err(e) => return Err(e),
        }
    }
    unreadable.sort_unstable();
    unreadable.dedup();
    profile::time(Stage::Layout, || {
        for (_, p) in &mut pages {
            layout::layout(p);
        }
    });
    memory_check()?;
    Ok(Read {
        doc,
        pages,
        repairs,
        unreadable,
        ocr: ocr_log,
    })
}
