//! What of a page only its pixels can tell, and reading it there: the regions where the text layer
//! shows nothing a reader sees (text drawn as vector outlines, a picture of text such as a pasted
//! screenshot, glyphs with no Unicode), each rendered (`pdf::render`) and read by OCR (`pdf::ocr`).
//!
//! The words OCR reads there become glyphs in no content stream (like a scan's OCR words): the rules
//! and terms see them, and a box over them removes what is under it by area (the glyphs, the paths,
//! the image's pixels: `plan`). Words over text the layer already reads (a visible glyph with Unicode)
//! are left out: that text is read from the layer. Regions are found from plain page data, so that
//! `read` looks at an input and `verify` at an output by the same measure.

use super::ocr;
use super::render::Raster;
use crate::geom::Rect;
use crate::model::{Glyph, PageText};
use std::time::Duration;

/// Why a region is read from the page's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cause {
    /// Curved vector paths the size of letters, in lines: text drawn as outlines.
    Outlines,
    /// An image on a text page large enough to hold words (a screenshot, a pasted letterhead).
    Picture,
    /// Glyphs whose font gives no Unicode.
    Unmapped,
}

/// A part of a page to be read from its pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub rect: Rect,
    pub causes: Vec<Cause>,
}

/// The smallest image (in points) that can hold a word worth reading.
const PICTURE_MIN: (f64, f64) = (24.0, 8.0);
/// Height range (points) of a path that may be a glyph's outline.
const GLYPH_HEIGHT: (f64, f64) = (1.5, 72.0);
/// Glyph-sized curved paths on a page from which they are taken for text.
const MIN_OUTLINES: usize = 3;
/// Regions closer than this (points) are read as one.
const JOIN: f64 = 12.0;
/// Margin (points) of white around a region, for OCR.
const MARGIN: f64 = 6.0;

fn area(r: &Rect) -> f64 {
    r.width().max(0.0) * r.height().max(0.0)
}

/// A visible glyph whose text the layer gives (not unmapped, not OCR'd, not white space).
fn read_by_layer(g: &Glyph) -> bool {
    !g.invisible
        && !g.ours
        && !g.is_ocr()
        && g.text != super::extract::UNMAPPED
        && !g.text.trim().is_empty()
}

/// The regions of `page` to read from its pixels (none for a page whose text layer shows all).
/// A page's scan image (half the page or more) is not a picture here: scans are OCR'd whole.
pub fn regions(page: &PageText) -> Vec<Region> {
    let media = page.media_box.unwrap_or(Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 612.0,
        y1: 792.0,
    });
    let mut found: Vec<(Rect, Cause)> = Vec::new();
    let outlines: Vec<Rect> = page
        .paths
        .iter()
        .filter(|p| !p.simple)
        .map(|p| p.bbox)
        .filter(|b| {
            let h = b.height();
            (GLYPH_HEIGHT.0..=GLYPH_HEIGHT.1).contains(&h) && b.width() >= 0.5
        })
        .collect();
    let wide = outlines.iter().any(|b| b.width() >= 2.5 * b.height());
    if outlines.len() >= MIN_OUTLINES || wide {
        found.extend(outlines.into_iter().map(|r| (r, Cause::Outlines)));
    }
    for im in &page.images {
        let b = im.bbox.intersect(&media);
        let scan = area(&b) >= 0.5 * area(&media);
        if !scan && b.width() >= PICTURE_MIN.0 && b.height() >= PICTURE_MIN.1 {
            found.push((b, Cause::Picture));
        }
    }
    // Glyphs with no Unicode that may spell words (the page has that problem: runs that are not one
    // repeated symbol, fonts that are not pictographs).
    if has_unmapped(page) {
        for g in &page.glyphs {
            if !g.invisible && !g.ours && g.text == super::extract::UNMAPPED {
                found.push((g.bbox, Cause::Unmapped));
            }
        }
    }
    // Join what lies close together, so that a line of outlined letters is read as one line.
    let mut regions: Vec<Region> = Vec::new();
    for (r, c) in found {
        let r = r.intersect(&media);
        if area(&r) <= 0.0 && (r.width() <= 0.0 || r.height() <= 0.0) {
            continue;
        }
        regions.push(Region {
            rect: r,
            causes: vec![c],
        });
    }
    loop {
        let mut merged = false;
        let mut k = 0;
        while k < regions.len() {
            let mut j = k + 1;
            while j < regions.len() {
                if regions[k].rect.grow(JOIN).intersects(&regions[j].rect) {
                    let other = regions.swap_remove(j);
                    regions[k].rect = regions[k].rect.union(&other.rect);
                    regions[k].causes.extend(other.causes);
                    merged = true;
                } else {
                    j += 1;
                }
            }
            k += 1;
        }
        if !merged {
            break;
        }
    }
    for r in &mut regions {
        r.rect = r.rect.grow(MARGIN).intersect(&media);
        r.causes.sort_unstable();
        r.causes.dedup();
    }
    regions.sort_by(|a, b| {
        b.rect
            .y1
            .total_cmp(&a.rect.y1)
            .then(a.rect.x0.total_cmp(&b.rect.x0))
    });
    // Most of the page: read it whole, once.
    let total: f64 = regions.iter().map(|r| area(&r.rect)).sum();
    if regions.len() > 1 && total >= 0.4 * area(&media) {
        let mut causes: Vec<Cause> = regions.iter().flat_map(|r| r.causes.clone()).collect();
        causes.sort_unstable();
        causes.dedup();
        return vec![Region {
            rect: media,
            causes,
        }];
    }
    regions
}

/// Whether the page has glyphs with no Unicode that may spell words (`ProblemKind::Unmapped`).
fn has_unmapped(page: &PageText) -> bool {
    page.problems
        .iter()
        .any(|q| q.kind == crate::model::ProblemKind::Unmapped)
}

/// Whether a raster shows any ink (a few dark pixels in ten thousand).
fn inked(r: &Raster) -> bool {
    let dark = r.gray.iter().filter(|&&g| g < 160).count();
    dark * 10_000 >= r.gray.len().max(1) * 3
}

/// What OCR read in a page's regions.
#[derive(Debug, Default, Clone)]
pub struct Reading {
    /// The words not read by the text layer already, as glyphs (in no content stream).
    pub glyphs: Vec<Glyph>,
    /// Words read in all, and words kept (not over text the layer reads).
    pub words: usize,
    pub kept: usize,
    /// Mean confidence of the kept words (100 when none).
    pub mean_confidence: f64,
}

/// Reads `regions` of `page` from `raster` (the page rendered) by OCR.
///
/// # Errors
/// OCR cannot be run or fails on a region (the caller declines what it cannot read).
pub fn read_regions(
    raster: &Raster,
    page: &PageText,
    regions: &[Region],
    timeout: Duration,
) -> Result<Reading, crate::model::Problem> {
    // Text read already: the layer's, and a scan's OCR words (read from its image).
    let layer: Vec<Rect> = page
        .glyphs
        .iter()
        .filter(|g| read_by_layer(g) || (g.is_ocr() && !g.text.trim().is_empty()))
        .map(|g| g.bbox.grow(0.5))
        .collect();
    let mut out = Reading {
        mean_confidence: 100.0,
        ..Default::default()
    };
    let mut confs = Vec::new();
    for region in regions {
        let Some(crop) = raster.crop(&region.rect) else {
            continue;
        };
        // Glyphs with no Unicode that the renderer draws as nothing: it may have failed on their font
        // (a reader shows something); nothing read there is not "nothing personal".
        // Glyphs with no Unicode that may spell words, drawn as nothing: the renderer may have failed
        // on their font (a reader shows something); nothing read there is not "nothing personal".
        if region.causes.contains(&Cause::Unmapped) && has_unmapped(page) && !inked(&crop) {
            return Err(crate::model::Problem::unreadable(
                "the renderer cannot draw the glyphs with no Unicode",
            ));
        }
        // A picture the renderer could not decode shows nothing here, whatever it holds.
        if region.causes.contains(&Cause::Picture) && crop.failed.image && !inked(&crop) {
            return Err(crate::model::Problem::unreadable(
                "the renderer cannot decode an image that may hold text",
            ));
        }
        let r = ocr::ocr_raster(&crop, timeout)?;
        out.words += r.words.len();
        for (w, conf) in r.words.iter().zip(&r.word_confidence) {
            let letters = &r.glyphs[w.clone()];
            let covered = letters
                .iter()
                .filter(|g| {
                    let c = g.bbox.center();
                    layer.iter().any(|l| l.contains(c))
                })
                .count();
            if 2 * covered >= letters.len() {
                continue;
            }
            // A space before the word (unless it starts the reading), then its letters.
            if let (Some(prev), Some(first)) = (out.glyphs.last(), letters.first()) {
                let same_line = (prev.origin.1 - first.origin.1).abs() < 0.3 * first.size;
                if same_line && first.bbox.x0 > prev.bbox.x1 {
                    let mut gap = first.clone();
                    gap.text = " ".into();
                    gap.bbox.x0 = prev.bbox.x1;
                    gap.bbox.x1 = first.bbox.x0;
                    gap.advance = gap.bbox.width();
                    gap.natural = gap.advance;
                    out.glyphs.push(gap);
                }
            }
            out.glyphs.extend_from_slice(letters);
            out.kept += 1;
            confs.push(*conf);
        }
    }
    if !confs.is_empty() {
        out.mean_confidence = confs.iter().sum::<f64>() / confs.len() as f64;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PageText, PathUse};

    fn path(x0: f64, y0: f64, w: f64, h: f64, simple: bool) -> PathUse {
        PathUse {
            bbox: Rect {
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + h,
            },
            stream: (1, 0),
            op: 0,
            start: 0,
            clip: false,
            simple,
        }
    }

    fn page() -> PageText {
        PageText {
            page: 1,
            media_box: Some(Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 595.0,
                y1: 842.0,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_blank_render_is_not_ink() {
        let blank = Raster {
            width: 100,
            height: 100,
            gray: vec![255; 10_000],
            to_page: crate::geom::Matrix::IDENTITY,
            failed: Default::default(),
        };
        assert!(!inked(&blank));
        let mut one = blank.clone();
        for g in one.gray.iter_mut().take(20) {
            *g = 0;
        }
        assert!(inked(&one));
    }

    #[test]
    fn a_line_of_outlined_letters_is_one_region() {
        let mut p = page();
        for k in 0..8 {
            p.paths
                .push(path(100.0 + 7.0 * k as f64, 700.0, 6.0, 9.0, false));
        }
        let r = regions(&p);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].causes, vec![Cause::Outlines]);
        assert!(r[0].rect.contains((130.0, 704.0)));
    }

    #[test]
    fn rules_table_lines_and_a_lone_curve_are_not_text() {
        let mut p = page();
        // Table rules (simple), a page-wide frame, and one small curve (a bullet).
        for k in 0..20 {
            p.paths
                .push(path(50.0, 100.0 + 20.0 * k as f64, 500.0, 0.5, true));
        }
        p.paths.push(path(20.0, 20.0, 555.0, 800.0, false));
        p.paths.push(path(60.0, 400.0, 3.0, 3.0, false));
        assert!(regions(&p).is_empty());
    }

    #[test]
    fn a_picture_on_a_text_page_is_read_but_a_scan_is_not_a_picture() {
        let mut p = page();
        let im = |x0: f64, y0: f64, x1: f64, y1: f64| crate::model::ImageUse {
            bbox: Rect { x0, y0, x1, y1 },
            stream: (1, 0),
            op: 0,
            ctm: [x1 - x0, 0.0, 0.0, y1 - y0, x0, y0],
            name: None,
            in_form: false,
        };
        p.images.push(im(100.0, 500.0, 400.0, 560.0));
        assert_eq!(regions(&p).len(), 1);
        assert_eq!(regions(&p)[0].causes, vec![Cause::Picture]);
        // A tiny icon is not; nor is a whole-page scan.
        let mut q = page();
        q.images.push(im(10.0, 10.0, 20.0, 20.0));
        q.images.push(im(0.0, 0.0, 595.0, 842.0));
        assert!(regions(&q).is_empty());
    }
}
