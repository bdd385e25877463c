//! Plan: findings and Part headings -> what each part output keeps, drops and boxes. Pure geometry over
//! plain data; decides everything, so that `rewrite` only carries it out.
//!
//! Parts: content before any heading and under a Part I heading is Part 1, under a Part II heading Part 2.
//! A heading splits its page at the top of the heading line; the page goes to each part that has content
//! on it (a part's region holding only a running header in the top margin does not count), and each part's
//! copy of a shared page loses the other part's region by the same glyph removal as a redaction.
//!
//! # Errors
//! An image across a Part boundary cannot be split yet: the plan refuses. Images under boxes are
//! blanked by `rewrite` (which refuses formats it cannot blank).

use crate::detect::{Finding, SectionMark};
use crate::error::{Error, Result, Sensitive};
use crate::geom::Rect;
use crate::model::PageText;

/// Padding (points) around the glyphs of a finding.
const PAD: f64 = 0.6;
/// The top share of a page treated as a running-header margin when deciding page membership.
const TOP_MARGIN: f64 = 0.08;

/// One black box and why it is there.
#[derive(Debug, Clone)]
pub struct RedactionBox {
    pub rect: Rect,
    pub rule: String,
    pub category: String,
    pub exemption: String,
    pub text: Sensitive<String>,
}

/// What to do to one input page in one part's output.
#[derive(Debug, Clone, Default)]
pub struct PagePlan {
    /// 1-based input page number.
    pub page: usize,
    /// Indices into the page's glyphs to delete, sorted.
    pub drop: Vec<usize>,
    pub boxes: Vec<RedactionBox>,
    /// The other part's region removed from this page (no box drawn).
    pub cut: Option<Rect>,
    /// Indices into the page's images to delete (wholly in the other part's region, or signature images).
    pub drop_images: Vec<usize>,
    /// Where the deleted signature images were (verification proves no image is left there).
    pub removed_images: Vec<Rect>,
    /// Images (index into the page's images) whose pixels under these rectangles are blanked.
    pub blank_images: Vec<(usize, Vec<Rect>)>,
}

#[derive(Debug, Clone)]
pub struct PartPlan {
    pub part: u8,
    pub pages: Vec<PagePlan>,
}

/// The plan for one document: its parts in order (only those with pages).
#[derive(Debug, Clone)]
pub struct DocPlan {
    pub parts: Vec<PartPlan>,
}

/// Per page: the text, its findings and its Part headings.
pub struct PageInput<'a> {
    pub text: &'a PageText,
    pub findings: &'a [Finding],
    pub sections: &'a [SectionMark],
    /// Spans of signature blocks: images in them are removed whole.
    pub signature_areas: &'a [std::ops::Range<usize>],
}

/// Rectangles of a finding, one per line fragment (split at line and cell breaks).
pub fn finding_rects(page: &PageText, f: &Finding) -> Vec<Rect> {
    let mut rects = Vec::new();
    let mut start = f.span.start;
    let bytes = page.text.as_bytes();
    for i in f.span.clone().chain(std::iter::once(f.span.end)) {
        let brk = i == f.span.end || matches!(bytes.get(i), Some(b'\n') | Some(b'\t'));
        if brk {
            let gl = page.glyphs_in(start..i);
            let mut r: Option<Rect> = None;
            for &g in &gl {
                let b = page.glyphs[g].bbox;
                r = Some(r.map_or(b, |r| r.union(&b)));
            }
            if let Some(r) = r {
                let mut r = r.grow(PAD);
                // An OCR layer's word boxes are a little narrower than the ink of the scan under them:
                // widen the box so that no end of the word stays readable in the pixels.
                if !gl.is_empty() && gl.iter().all(|&g| page.glyphs[g].invisible) {
                    let h = r.height();
                    r = Rect {
                        x0: r.x0 - 0.45 * h,
                        x1: r.x1 + 0.45 * h,
                        y0: r.y0 - 0.12 * h,
                        y1: r.y1 + 0.12 * h,
                    };
                }
                rects.push(r);
            }
            start = i + 1;
        }
    }
    rects
}

/// Builds the plan. `pages` are in input order.
pub fn plan(pages: &[PageInput<'_>]) -> Result<DocPlan> {
    let mut p1: Vec<PagePlan> = Vec::new();
    let mut p2: Vec<PagePlan> = Vec::new();
    let mut current = 1u8;
    for pi in pages {
        let page = pi.text;
        let height = page.media_box.map_or(792.0, |m| m.height());
        let top = page.media_box.map_or(792.0, |m| m.y1);
        // Regions of this page: (part, y_top, y_bottom), top to bottom.
        let mut regions: Vec<(u8, f64, f64)> = Vec::new();
        let mut y_top = f64::INFINITY;
        for s in pi.sections {
            let gl = page.glyphs_in(s.span.clone());
            let Some(h) = gl.iter().map(|&g| page.glyphs[g].bbox.y1).reduce(f64::max) else {
                continue;
            };
            if s.part == current {
                continue;
            }
            regions.push((current, y_top, h + PAD));
            current = s.part;
            y_top = h + PAD;
        }
        regions.push((current, y_top, f64::NEG_INFINITY));
        // A region counts if it holds content outside the top margin (or is the page's only region).
        let margin_y = top - TOP_MARGIN * height;
        let content = |(_, yt, yb): &(u8, f64, f64)| {
            page.glyphs.iter().any(|g| {
                let (_, cy) = g.bbox.center();
                !g.ours && !g.text.trim().is_empty() && cy < *yt && cy >= *yb && cy < margin_y
            })
        };
        let live: Vec<(u8, f64, f64)> = if regions.len() == 1 {
            regions.clone()
        } else {
            regions.iter().copied().filter(content).collect()
        };
        let live = if live.is_empty() {
            vec![*regions.last().expect("at least one region")]
        } else {
            live
        };

        for part in [1u8, 2u8] {
            let mine: Vec<&(u8, f64, f64)> = live.iter().filter(|r| r.0 == part).collect();
            if mine.is_empty() {
                continue;
            }
            // A page wholly of this part (the other part's region holds nothing but, at most, a running
            // header) is kept whole: nothing of the other part is on it.
            let alone = live.iter().all(|r| r.0 == part);
            let keep_top = if alone {
                f64::INFINITY
            } else {
                mine.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max)
            };
            let keep_bottom = if alone {
                f64::NEG_INFINITY
            } else {
                mine.iter().map(|r| r.2).fold(f64::INFINITY, f64::min)
            };
            let mut pp = PagePlan {
                page: page.page,
                ..Default::default()
            };
            let mut drop = vec![false; page.glyphs.len()];
            // The other part's region: everything above keep_top and below keep_bottom.
            let mut cut: Option<Rect> = None;
            if keep_top.is_finite() {
                cut = Some(Rect {
                    x0: f64::MIN / 4.0,
                    y0: keep_top,
                    x1: f64::MAX / 4.0,
                    y1: f64::MAX / 4.0,
                });
            }
            if keep_bottom.is_finite() {
                let below = Rect {
                    x0: f64::MIN / 4.0,
                    y0: f64::MIN / 4.0,
                    x1: f64::MAX / 4.0,
                    y1: keep_bottom,
                };
                cut = Some(cut.map_or(below, |c| c.union(&below)));
            }
            let in_cut = |y: f64| y >= keep_top || y < keep_bottom;
            if cut.is_some() {
                for (i, g) in page.glyphs.iter().enumerate() {
                    if !g.ours && in_cut(g.bbox.center().1) {
                        drop[i] = true;
                    }
                }
                for (k, im) in page.images.iter().enumerate() {
                    let in_band = im.bbox.y1 > keep_bottom + 1.0 && im.bbox.y0 < keep_top - 1.0;
                    let outside = im.bbox.y0 < keep_bottom - 1.0 || im.bbox.y1 > keep_top + 1.0;
                    if in_band && outside {
                        return Err(Error::unsupported(
                            "an image lies across the Part I / Part II boundary",
                        )
                        .with_page(page.page));
                    }
                    if !in_band {
                        pp.drop_images.push(k);
                    }
                }
            }
            pp.cut = cut;
            // Redactions of findings whose glyphs lie in this part's region.
            for f in pi.findings {
                for rect in finding_rects(page, f) {
                    let (_, cy) = rect.center();
                    if in_cut(cy) {
                        continue;
                    }
                    for (i, g) in page.glyphs.iter().enumerate() {
                        if !g.ours && rect.contains(g.bbox.center()) {
                            drop[i] = true;
                        }
                    }
                    pp.boxes.push(RedactionBox {
                        rect,
                        rule: f.rule.clone(),
                        category: f.category.clone(),
                        exemption: f.exemption.clone(),
                        text: f.text.clone(),
                    });
                }
                // Every glyph of the finding goes, whatever its geometry.
                for g in page.glyphs_in(f.span.clone()) {
                    let (_, cy) = page.glyphs[g].bbox.center();
                    if !in_cut(cy) {
                        drop[g] = true;
                    }
                }
            }
            // Images: a signature image (one that is not a whole-page scan) in a signature block goes
            // whole, whatever it shows; any other image under a box has the pixels under it blanked.
            let media = page.media_box.unwrap_or(Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 612.0,
                y1: 792.0,
            });
            let sig_rects: Vec<Rect> = pi
                .signature_areas
                .iter()
                .filter_map(|span| {
                    let gl = page.glyphs_in(span.clone());
                    let r = gl
                        .iter()
                        .map(|&g| page.glyphs[g].bbox)
                        .reduce(|a, b| a.union(&b))?;
                    Some(Rect {
                        x0: media.x0,
                        x1: media.x1,
                        y0: r.y0 - 4.0,
                        y1: r.y1 + 4.0,
                    })
                })
                .filter(|r| !in_cut(r.center().1))
                .collect();
            for (k, im) in page.images.iter().enumerate() {
                if pp.drop_images.contains(&k) {
                    continue;
                }
                let page_scan =
                    im.bbox.width() * im.bbox.height() >= 0.5 * media.width() * media.height();
                if !page_scan && sig_rects.iter().any(|r| r.intersects(&im.bbox)) {
                    pp.drop_images.push(k);
                    pp.removed_images.push(im.bbox);
                    continue;
                }
                let under: Vec<Rect> = pp
                    .boxes
                    .iter()
                    .map(|b| b.rect)
                    .filter(|r| r.intersects(&im.bbox))
                    .collect();
                if !under.is_empty() {
                    pp.blank_images.push((k, under));
                }
            }
            pp.drop = drop
                .iter()
                .enumerate()
                .filter(|(_, d)| **d)
                .map(|(i, _)| i)
                .collect();
            if part == 1 {
                p1.push(pp);
            } else {
                p2.push(pp);
            }
        }
    }
    let mut parts = Vec::new();
    for (n, pages) in [(1u8, p1), (2u8, p2)] {
        if !pages.is_empty() {
            parts.push(PartPlan { part: n, pages });
        }
    }
    Ok(DocPlan { parts })
}
