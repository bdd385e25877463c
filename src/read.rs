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
        ProblemKind::Unreadable | ProblemKind::Unmapped => Error::unreadable(q.detail.clone()),
    }
    .with_page(q.page)
}

/// Declines the file when the process is over its memory limit.
pub fn memory_check() -> Result<()> {
    crate::memory::over_limit().map_or(Ok(()), |m| Err(Error::limit(m)))
}

/// Pages read by OCR, for the summary.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OcrLog {
    pub page: usize,
    pub mean_confidence: f64,
    pub unsure_words: usize,
    /// A scan with a text layer: the share of OCR words the layer reads alike at the same place (0 to
    /// 1). Both readings are redacted by; a low figure says the layer is not where the ink is, or
    /// reads other words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_agreement: Option<f64>,
    /// The layer agreed too little with the ink ([`LAYER_TRUSTED`]): OCR's reading replaced it, and
    /// the output drops it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub layer_replaced: bool,
}

/// A scan's invisible text layer is kept (and read beside OCR's reading) when at least this share of
/// OCR's words reads alike at the same place; under it, the layer is not where the ink is.
pub const LAYER_TRUSTED: f64 = 0.5;

/// OCR words needed on a page to judge its text layer.
const LAYER_JUDGED: usize = 5;

/// A page part of which was read from its rendered pixels (`pdf::eyes`), for the summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EyesLog {
    pub page: usize,
    /// Why: text drawn as outlines, a picture of text, glyphs with no Unicode.
    pub causes: Vec<crate::pdf::eyes::Cause>,
    pub regions: usize,
    /// Words OCR read there, and those kept (not over text the layer reads already).
    pub words: usize,
    pub kept: usize,
}

/// Time allowed for OCR of one page ([`crate::pdf::ocr::PAGE_TIME`]).
pub use crate::pdf::ocr::PAGE_TIME as OCR_TIME;

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
        // A scan's text layer is a reading of its own (often garbled, shifted or incomplete): the
        // image is read too, and both are redacted by.
        OcrMode::Auto | OcrMode::Always => chars == 0 || scan,
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
                    // A scan's own text layer: how far it reads what OCR reads, where OCR reads it.
                    let layer: Vec<&crate::model::Glyph> = p
                        .glyphs
                        .iter()
                        .filter(|g| !g.is_ocr() && !g.ours && !g.text.trim().is_empty())
                        .collect();
                    let agree = crate::pdf::ocr::agreeing_words(&r, &layer);
                    let agreement = (!layer.is_empty() && !r.words.is_empty()).then(|| {
                        let n = agree.iter().filter(|a| **a).count();
                        (n as f64 / r.words.len() as f64 * 1000.0).round() / 1000.0
                    });
                    let replaced = layer.iter().all(|g| g.invisible)
                        && r.words.len() >= LAYER_JUDGED
                        && agreement.is_some_and(|a| a < LAYER_TRUSTED);
                    // Where the layer is trusted, OCR adds the lines it reads otherwise.
                    let glyphs = if agreement.is_some() && !replaced {
                        crate::pdf::ocr::disagreeing_lines(&r, &agree)
                    } else {
                        r.glyphs
                    };
                    p.layer_replaced = replaced;
                    let log = OcrLog {
                        page: p.page,
                        mean_confidence: (r.mean_confidence * 10.0).round() / 10.0,
                        unsure_words: r.unsure_words,
                        layer_agreement: agreement,
                        layer_replaced: replaced,
                    };
                    p.glyphs.extend(glyphs);
                    p.ocr = true;
                    Ok(log)
                });
            (p.page, r)
        })
        .collect()
}

/// What a page's regions read, by the file's bytes, the password, the page and what the reading
/// depends on of the page's text ([`eyes_key`]). Pass one of a `--consistent` batch and pass two
/// read the same files: the page is rendered and read once. Bounded ([`EYES_REMEMBERED_MAX`] glyphs);
/// once full, nothing more is kept. Rendering and OCR give the same for the same input, so what is
/// read does not depend on whether it was remembered.
type EyesKey = (u64, u64, usize, u64);
/// The glyphs held, and the readings by key.
type EyesRemembered = (
    usize,
    std::collections::HashMap<EyesKey, crate::pdf::eyes::Reading>,
);
static EYES_REMEMBERED: std::sync::OnceLock<std::sync::Mutex<EyesRemembered>> =
    std::sync::OnceLock::new();
/// The most glyphs of readings remembered (about 200 bytes each).
const EYES_REMEMBERED_MAX: usize = 1 << 18;

/// The key of a page's reading: the file ([`crate::hash`] of its bytes and the password, and its
/// length), the page's place, and a hash of the regions and of the page's glyphs (which words are
/// left out as read already).
fn eyes_key(file: (u64, u64), page: &PageText, regions: &[crate::pdf::eyes::Region]) -> EyesKey {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for r in regions {
        for v in [r.rect.x0, r.rect.y0, r.rect.x1, r.rect.y1] {
            v.to_bits().hash(&mut h);
        }
        r.causes.hash(&mut h);
    }
    for g in &page.glyphs {
        g.text.as_str().hash(&mut h);
        for v in [g.bbox.x0, g.bbox.y0, g.bbox.x1, g.bbox.y1] {
            v.to_bits().hash(&mut h);
        }
        (g.invisible, g.ours, g.at.stream, &*g.font).hash(&mut h);
    }
    (file.0, file.1, page.page, h.finish())
}

/// A page to be read by eye: read before, rendered now, or not renderable.
enum Got {
    Known(crate::pdf::eyes::Reading),
    Rendered(crate::pdf::render::Raster),
    Failed(Problem),
}

fn eyes_remembered(key: &EyesKey) -> Option<crate::pdf::eyes::Reading> {
    let m = EYES_REMEMBERED.get()?.lock().ok()?;
    m.1.get(key).cloned()
}

fn eyes_remember(key: EyesKey, r: &crate::pdf::eyes::Reading) {
    let m = EYES_REMEMBERED.get_or_init(Default::default);
    if let Ok(mut m) = m.lock() {
        if m.0 + r.glyphs.len() <= EYES_REMEMBERED_MAX {
            m.0 += r.glyphs.len();
            m.1.insert(key, r.clone());
        }
    }
}

/// Reads from the rendered page what its text layer does not show (`pdf::eyes`): the pages of `pages`
/// with regions to read (and no problem but glyphs with no Unicode) are rendered from `bytes` and the
/// regions OCR'd; the words read become glyphs of the page and its `Unmapped` problems are resolved.
/// Per page looked at: its log, or why it could not be read (the caller declines it).
pub fn eyes_pages(
    bytes: &[u8],
    password: Option<&str>,
    pages: &mut [(lopdf::ObjectId, PageText)],
    page_count: Option<usize>,
) -> Vec<(usize, Result<EyesLog>)> {
    let todo: Vec<(usize, Vec<crate::pdf::eyes::Region>)> = pages
        .iter()
        .enumerate()
        .filter(|(_, (_, p))| p.problems.iter().all(|q| q.kind == ProblemKind::Unmapped))
        .map(|(k, (_, p))| (k, crate::pdf::eyes::regions(p)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    if todo.is_empty() {
        return Vec::new();
    }
    let file = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        password.hash(&mut h);
        (crate::hash::fnv64(bytes), h.finish() ^ bytes.len() as u64)
    };
    let keys: Vec<EyesKey> = todo
        .iter()
        .map(|(k, r)| eyes_key(file, &pages[*k].1, r))
        .collect();
    let known: Vec<Option<crate::pdf::eyes::Reading>> = keys.iter().map(eyes_remembered).collect();
    // Pages are named by their place in the page tree, as the renderer counts them; those read before
    // are not rendered again.
    let indices: Vec<usize> = todo
        .iter()
        .zip(&known)
        .filter(|(_, r)| r.is_none())
        .map(|((k, _), _)| pages[*k].1.page - 1)
        .collect();
    let rasters = crate::pdf::render::render_pages(
        std::sync::Arc::new(bytes.to_vec()),
        password,
        &indices,
        crate::pdf::render::OCR_DPI,
        page_count,
        crate::pdf::render::PAGE_TIME,
    );
    let mut rasters = rasters.into_iter();
    let jobs: Vec<(usize, Vec<crate::pdf::eyes::Region>, Got, EyesKey)> = todo
        .into_iter()
        .zip(known.into_iter().zip(keys))
        .map(|((k, r), (known, key))| {
            let got = match known {
                Some(reading) => Got::Known(reading),
                None => match rasters.next() {
                    Some(Ok(raster)) => Got::Rendered(raster),
                    Some(Err(q)) => Got::Failed(q),
                    None => Got::Failed(Problem::unreadable("nothing was rendered")),
                },
            };
            (k, r, got, key)
        })
        .collect();
    let read: Vec<(
        usize,
        std::result::Result<crate::pdf::eyes::Reading, Problem>,
    )> = jobs
        .par_iter()
        .map(|(k, regions, got, key)| {
            let p = &pages[*k].1;
            let r = match got {
                Got::Known(known) => Ok(known.clone()),
                Got::Rendered(raster) => {
                    crate::pdf::eyes::read_regions(raster, p, regions, OCR_TIME).inspect(|r| {
                        eyes_remember(*key, r);
                    })
                }
                Got::Failed(q) => Err(q.clone()),
            };
            (*k, r)
        })
        .collect();
    let mut out = Vec::new();
    for ((k, r), (_, regions, ..)) in read.into_iter().zip(&jobs) {
        let p = &mut pages[k].1;
        let mut causes: Vec<crate::pdf::eyes::Cause> =
            regions.iter().flat_map(|r| r.causes.clone()).collect();
        causes.sort_unstable();
        causes.dedup();
        let r = match r {
            Ok(reading) => {
                p.problems.retain(|q| q.kind != ProblemKind::Unmapped);
                p.eyes = true;
                p.eyes_regions = regions.iter().map(|r| r.rect).collect();
                let log = EyesLog {
                    page: p.page,
                    causes,
                    regions: regions.len(),
                    words: reading.words,
                    kept: reading.kept,
                };
                p.glyphs.extend(reading.glyphs);
                Ok(log)
            }
            Err(q) => {
                let what = if causes.contains(&crate::pdf::eyes::Cause::Unmapped) {
                    "glyphs with no Unicode"
                } else {
                    "text drawn as outlines or in a picture"
                };
                Err(Error::unreadable(format!(
                    "{what} must be read from the page's image, which cannot be done: {q}"
                ))
                .with_page(p.page))
            }
        };
        out.push((p.page, r));
    }
    out
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
    ocr: Option<(OcrMode, &[u8], Option<&str>)>,
) -> Result<(Pages, OcrRead)> {
    sanitize::flatten_form_fields(doc)?;
    let mut pages = extract::extract_all(doc, &Default::default());
    let count = pages.len();
    pages.retain(|(_, p)| page.is_none_or(|n| n == p.page));
    let read = match ocr {
        Some((mode, bytes, password)) => {
            let mut read = ocr_pages(doc, &mut pages, mode, MIN_OCR_CONFIDENCE);
            if mode != OcrMode::Never {
                read.extend(
                    eyes_pages(bytes, password, &mut pages, Some(count))
                        .into_iter()
                        .map(|(p, r)| (p, r.map(|_| OcrLog::default()))),
                );
            }
            read
        }
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
    /// Pages part of which was read from the rendered page.
    pub eyes: Vec<EyesLog>,
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
            .find(|q| !matches!(q.kind, ProblemKind::Unreadable | ProblemKind::Unmapped))
        {
            return Err(problem_error(q));
        }
        // Glyphs with no Unicode wait for the page's image to be read (unless --ocr never).
        if let Some(problem) = p
            .problems
            .iter()
            .find(|q| q.kind == ProblemKind::Unreadable || s.ocr == OcrMode::Never)
        {
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
    // What only the rendered page shows (text as outlines, pictures of text, glyphs with no Unicode)
    // is read from it (not with --ocr never: the officer chose no OCR).
    let mut eyes_log: Vec<EyesLog> = Vec::new();
    if s.ocr != OcrMode::Never {
        let count = Some(pages.len());
        for (page, r) in eyes_pages(bytes, s.password.as_deref(), &mut pages, count) {
            match r {
                Ok(l) => eyes_log.push(l),
                Err(_) if s.allow_unreadable => unreadable.push(page),
                Err(e) => return Err(e),
            }
        }
        if over() {
            return Err(time_err());
        }
    }
    // Glyphs with no Unicode that nothing could read (no region to render, or --ocr never).
    for (_, p) in &pages {
        if let Some(q) = p.problems.iter().find(|q| q.kind == ProblemKind::Unmapped) {
            if !s.allow_unreadable {
                return Err(problem_error(q));
            }
            unreadable.push(p.page);
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
        eyes: eyes_log,
    })
}
