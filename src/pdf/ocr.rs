//! OCR of pages without a text layer: the page's image, decoded at its own resolution, goes through
//! Tesseract (the `tesseract` program, TSV output: every word with its box and confidence). The program
//! rather than a binding: it is the Debian package officers' IT can install and update on its own, the
//! build needs no C toolchain or headers, and a crash or hang in it cannot take the batch down (it runs
//! in its own process with a time limit).
//!
//! The words become glyphs that exist in no content stream (`GlyphRef::stream == VIRTUAL`), marked
//! invisible: the rules see them like an OCR text layer, and a box over them blanks the image's pixels.

use super::images;
use crate::geom::{Matrix, Rect};
use crate::model::{Glyph, GlyphRef, PageText, Problem};
use lopdf::{Document, ObjectId};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::page::VIRTUAL;

/// A gap between two words of one OCR line wider than this (in text sizes) is between table cells.
const CELL_GAP: f64 = 3.0;

/// Time allowed for OCR of one page.
pub const PAGE_TIME: Duration = Duration::from_secs(120);

/// A glyph read by OCR: in no content stream, invisible (like an OCR text layer).
fn virtual_glyph(text: &str, bbox: Rect, baseline: f64, size: f64) -> Glyph {
    Glyph {
        text: text.into(),
        bbox,
        origin: (bbox.x0, baseline),
        dir: (1.0, 0.0),
        size,
        advance: bbox.width(),
        natural: bbox.width(),
        at: GlyphRef {
            stream: VIRTUAL,
            op: 0,
            item: 0,
            byte: 0,
            len: 0,
        },
        tj_units: 0.0,
        font: crate::model::OCR_FONT.into(),
        invisible: true,
        ours: false,
    }
}

/// Whether the `tesseract` program can be run.
pub fn available() -> bool {
    Command::new("tesseract")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Result of OCR on one page.
pub struct PageOcr {
    pub glyphs: Vec<Glyph>,
    /// Each word's glyphs (a range of `glyphs`; the spaces between words are in none).
    pub words: Vec<std::ops::Range<usize>>,
    /// Each word's confidence (0 to 100), as `words`.
    pub word_confidence: Vec<f64>,
    /// Each word's line (numbered from 0 in reading order), as `words`.
    pub word_line: Vec<u32>,
    /// Mean word confidence (0 to 100), and how many words had a confidence under 50.
    pub mean_confidence: f64,
    pub unsure_words: usize,
}

/// OCRs the largest image of a page (it must cover most of the page: a scan).
pub fn ocr_page(
    doc: &Document,
    page_id: ObjectId,
    page: &PageText,
    timeout: Duration,
) -> Result<PageOcr, Problem> {
    let im = page
        .images
        .iter()
        .max_by(|a, b| {
            (a.bbox.width() * a.bbox.height()).total_cmp(&(b.bbox.width() * b.bbox.height()))
        })
        .ok_or_else(|| Problem::unreadable("image only, and its image cannot be read for OCR"))?;
    let stream = images::image_of_use(doc, page_id, im)
        .map_err(|e| Problem::unreadable(format!("the page image cannot be read for OCR: {e}")))?;
    let (w, h, gray) = images::to_gray(doc, &stream).map_err(|e| {
        Problem::unreadable(format!("the page image cannot be decoded for OCR: {e}"))
    })?;
    let (w, h) = (w as f64, h as f64);
    let raster = super::render::Raster {
        width: w as u32,
        height: h as u32,
        gray,
        // Pixel -> the image's unit square (row 0 at the top) -> the page.
        to_page: Matrix([1.0 / w, 0.0, 0.0, -1.0 / h, 0.0, 1.0]).then(&Matrix(im.ctm)),
        failed: Default::default(),
    };
    ocr_raster(&raster, timeout)
}

/// OCRs a raster (a page image, a rendered page or a region of one): every word becomes glyphs on the
/// page, placed through the raster's `to_page`.
pub fn ocr_raster(raster: &super::render::Raster, timeout: Duration) -> Result<PageOcr, Problem> {
    let pgm = raster.pgm();
    let tsv = match remembered(&pgm) {
        Some(t) => t,
        None => {
            let mut tmp = tempfile::Builder::new()
                .prefix("foiredact-ocr-")
                .suffix(".pgm")
                .tempfile()
                .map_err(|e| Problem::unreadable(e.to_string()))?;
            tmp.write_all(&pgm)
                .map_err(|e| Problem::unreadable(e.to_string()))?;
            tmp.flush()
                .map_err(|e| Problem::unreadable(e.to_string()))?;
            let t: std::sync::Arc<str> = run_tesseract(tmp.path(), timeout)?.into();
            remember(&pgm, &t);
            t
        }
    };
    let ctm = raster.to_page;
    let mut glyphs = Vec::new();
    let mut words = Vec::new();
    let mut word_line: Vec<u32> = Vec::new();
    let mut line_no = 0u32;
    let (mut confs, mut unsure) = (Vec::new(), 0usize);
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<&str>>())
        .filter(|f| f.len() >= 12 && f[0] == "5")
        .collect();
    // A word's box is as tall as its letters ("mum" is short, "Judge" tall); the text size is taken
    // from the tallest word of its line (block, paragraph, line), so that the gaps between words are
    // measured against the line's size and a justified line's wide spaces are not read as columns.
    let mut line_px: std::collections::HashMap<(&str, &str, &str), f64> =
        std::collections::HashMap::new();
    for f in &rows {
        let hgt = f[9].trim().parse::<f64>().unwrap_or(0.0);
        let e = line_px.entry((f[2], f[3], f[4])).or_insert(0.0);
        *e = e.max(hgt);
    }
    // The previous word: its line (block, paragraph, line) and where it ends on the page.
    let mut prev: Option<((&str, &str, &str), f64)> = None;
    for f in &rows {
        let text = f[11].trim();
        let n = |i: usize| f[i].trim().parse::<f64>().unwrap_or(0.0);
        let (left, top, width, height, conf) = (n(6), n(7), n(8), n(9), n(10));
        if text.is_empty() || width <= 0.0 || height <= 0.0 {
            continue;
        }
        confs.push(conf);
        if conf < 50.0 {
            unsure += 1;
        }
        // Pixel box -> the page.
        let px = Rect {
            x0: left,
            x1: left + width,
            y0: top,
            y1: top + height,
        };
        let r = px.transform(&ctm);
        let line_h = line_px.get(&(f[2], f[3], f[4])).copied().unwrap_or(height);
        let size = r.height() * (line_h / height).max(1.0);
        let chars: Vec<char> = text.chars().collect();
        let step = r.width() / chars.len() as f64;
        let base = r.y0 + 0.2 * r.height();
        // Tesseract put the two words on one line: the gap between them is a space (a justified
        // line's may be wide), unless it is wider than a justified line's ever is: a table's cells,
        // which tesseract joins into one line, are left apart (the layout makes the gap a column).
        let key = (f[2], f[3], f[4]);
        if let Some((pkey, px1)) = prev {
            if pkey == key && r.x0 > px1 && r.x0 - px1 < CELL_GAP * size {
                let gap = Rect {
                    x0: px1,
                    x1: r.x0,
                    y0: r.y0,
                    y1: r.y1,
                };
                glyphs.push(virtual_glyph(" ", gap, base, size));
            }
        }
        if prev.is_some_and(|(pkey, _)| pkey != key) {
            line_no += 1;
        }
        prev = Some((key, r.x1));
        words.push(glyphs.len()..glyphs.len() + chars.len());
        word_line.push(line_no);
        for (k, c) in chars.iter().enumerate() {
            let x0 = r.x0 + step * k as f64;
            let bbox = Rect {
                x0,
                x1: x0 + step,
                y0: r.y0,
                y1: r.y1,
            };
            glyphs.push(virtual_glyph(&c.to_string(), bbox, base, size));
        }
    }
    let mean_confidence = if confs.is_empty() {
        100.0
    } else {
        confs.iter().sum::<f64>() / confs.len() as f64
    };
    debug_assert_eq!(words.len(), confs.len());
    Ok(PageOcr {
        glyphs,
        words,
        word_confidence: confs,
        word_line,
        mean_confidence,
        unsure_words: unsure,
    })
}

/// For each OCR word, whether the text-layer glyphs `layer` read it alike where OCR read it: the
/// glyphs whose centres lie in the word's box (grown by a fifth of its height) spell it, letters and
/// digits only, case and accents aside.
pub fn agreeing_words(r: &PageOcr, layer: &[&Glyph]) -> Vec<bool> {
    let key = |s: &str| -> String {
        crate::text_fold::fold_for_fuzzy(s)
            .0
            .into_iter()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    r.words
        .iter()
        .map(|w| {
            let letters = &r.glyphs[w.clone()];
            let Some(bbox) = letters.iter().map(|g| g.bbox).reduce(|a, b| a.union(&b)) else {
                return false;
            };
            let area = bbox.grow(0.2 * bbox.height());
            let mut under: Vec<&&Glyph> = layer
                .iter()
                .filter(|g| area.contains(g.bbox.center()))
                .collect();
            under.sort_by(|a, b| a.origin.0.total_cmp(&b.origin.0));
            let said: String = under.iter().map(|g| g.text.as_str()).collect();
            let read: String = letters.iter().map(|g| g.text.as_str()).collect();
            let (a, b) = (key(&said), key(&read));
            !b.is_empty() && a == b
        })
        .collect()
}

/// The OCR reading less its lines that the text layer reads alike word for word (`agree`, from
/// [`agreeing_words`]): they add nothing to the layer's reading but a worse order (tesseract joins a
/// table's cells into one line). A line with one word read otherwise (a misread name, a line the layer
/// lacks) is kept whole, so that the rules see its context.
pub fn disagreeing_lines(r: &PageOcr, agree: &[bool]) -> Vec<Glyph> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < r.words.len() {
        let line = r.word_line[k];
        let mut end = k;
        while end + 1 < r.words.len() && r.word_line[end + 1] == line {
            end += 1;
        }
        if (k..=end).any(|i| !agree.get(i).copied().unwrap_or(false)) {
            // The line's glyphs: its words and the spaces between them.
            out.extend_from_slice(&r.glyphs[r.words[k].start..r.words[end].end]);
        }
        k = end + 1;
    }
    out
}

/// What tesseract read in images already seen, by the image's bytes (two independent 64-bit hashes
/// and its length): pass one of a `--consistent` batch and pass two read the same scans, and
/// tesseract is most of their cost. Bounded ([`REMEMBERED_MAX`] bytes of output); once full, nothing
/// more is kept. Tesseract's output for the same image and settings is the same, so what is read
/// does not depend on whether it was remembered.
type ImageKey = (u64, u64, usize);
/// The bytes held, and the output by image.
type Remembered = (
    usize,
    std::collections::HashMap<ImageKey, std::sync::Arc<str>>,
);
static REMEMBERED: std::sync::OnceLock<std::sync::Mutex<Remembered>> = std::sync::OnceLock::new();

/// The most bytes of tesseract output remembered.
const REMEMBERED_MAX: usize = 64 << 20;

fn image_key(pgm: &[u8]) -> ImageKey {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    pgm.hash(&mut h);
    (crate::hash::fnv64(pgm), h.finish(), pgm.len())
}

fn remembered(pgm: &[u8]) -> Option<std::sync::Arc<str>> {
    let m = REMEMBERED.get()?.lock().ok()?;
    m.1.get(&image_key(pgm)).cloned()
}

fn remember(pgm: &[u8], tsv: &std::sync::Arc<str>) {
    let m = REMEMBERED.get_or_init(Default::default);
    if let Ok(mut m) = m.lock() {
        if m.0 + tsv.len() <= REMEMBERED_MAX {
            m.0 += tsv.len();
            m.1.insert(image_key(pgm), tsv.clone());
        }
    }
}

fn run_tesseract(img: &std::path::Path, timeout: Duration) -> Result<String, Problem> {
    let mut child = Command::new("tesseract")
        .arg(img)
        .arg("stdout")
        .args(["-l", "eng", "--psm", "3", "tsv"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| {
            Problem::unreadable("OCR is needed but the tesseract program is not installed")
        })?;
    let mut out = child
        .stdout
        .take()
        .ok_or_else(|| Problem::unreadable("tesseract gave no output"))?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) => return Err(Problem::unreadable("tesseract failed on the page image")),
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Problem::limit("OCR took longer than its time limit"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(Problem::unreadable(e.to_string())),
        }
    }
    reader
        .join()
        .map_err(|_| Problem::unreadable("tesseract output could not be read"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(t: &str, x: f64, y: f64, ocr: bool) -> Glyph {
        let mut g = virtual_glyph(
            t,
            Rect {
                x0: x,
                y0: y,
                x1: x + 5.0,
                y1: y + 9.0,
            },
            y + 2.0,
            10.0,
        );
        if !ocr {
            g.font = "F1".into();
            g.at.stream = (7, 0);
        }
        g
    }

    /// OCR of two lines: "Mia Hewitt" and "Head of Estates"; each word's letters 5 pt apart.
    fn reading() -> PageOcr {
        let mut glyphs = Vec::new();
        let mut words = Vec::new();
        let mut word_line = Vec::new();
        for (line, (y, ws)) in [
            (700.0, ["Mia", "Hewitt"].as_slice()),
            (680.0, ["Head", "of", "Estates"].as_slice()),
        ]
        .iter()
        .enumerate()
        {
            let mut x = 100.0;
            for w in *ws {
                if x > 100.0 {
                    glyphs.push(letter(" ", x - 5.0, *y, true));
                }
                let start = glyphs.len();
                for c in w.chars() {
                    glyphs.push(letter(&c.to_string(), x, *y, true));
                    x += 5.0;
                }
                words.push(start..glyphs.len());
                word_line.push(line as u32);
                x += 5.0;
            }
        }
        let n = words.len();
        PageOcr {
            glyphs,
            words,
            word_confidence: vec![90.0; n],
            word_line,
            mean_confidence: 90.0,
            unsure_words: 0,
        }
    }

    #[test]
    fn lines_the_layer_reads_alike_are_left_to_it() {
        let r = reading();
        // The layer reads the second line alike, and misreads the name on the first.
        let layer: Vec<Glyph> = r
            .glyphs
            .iter()
            .map(|g| {
                let t = if g.text == "w" { "vv" } else { g.text.as_str() };
                letter(t, g.bbox.x0, g.bbox.y0, false)
            })
            .collect();
        let refs: Vec<&Glyph> = layer.iter().collect();
        let agree = agreeing_words(&r, &refs);
        assert_eq!(agree, vec![true, false, true, true, true]);
        let kept: String = disagreeing_lines(&r, &agree)
            .iter()
            .map(|g| g.text.as_str())
            .collect();
        assert_eq!(
            kept, "Mia Hewitt",
            "the misread line whole, the other left out"
        );
        // No layer at all: every word disagrees, every line is kept.
        let none = agreeing_words(&r, &[]);
        assert!(none.iter().all(|a| !a));
        assert_eq!(disagreeing_lines(&r, &none).len(), r.glyphs.len());
    }
}
