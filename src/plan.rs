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
use crate::model::{PageText, Why};
use std::collections::HashMap;

mod align;
mod anonymity;

/// Padding (points) around the glyphs of a finding.
const PAD: f64 = 0.6;
/// The top share of a page treated as a running-header margin when deciding page membership.
const TOP_MARGIN: f64 = 0.08;

/// One black box and why it is there.
#[derive(Debug, Clone)]
pub struct RedactionBox {
    pub rect: Rect,
    pub why: Why,
    pub text: Sensitive<String>,
    /// Baseline origin and font size of the text it replaces: where verification puts a stand-in, so
    /// that the stand-in sits on the same text line as its neighbours.
    pub origin: (f64, f64),
    pub size: f64,
    /// The proposed redaction's id (decisions refer to it).
    pub id: String,
    /// A name's box (safe layout): how many names of the reference lists would give a box as wide in
    /// this font and size (`anonymity`).
    pub anonymity: Option<u64>,
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
    /// Vector paths (index into the page's paths) removed: under a box, in a signature block, or in the
    /// other part's region.
    pub drop_paths: Vec<usize>,
    /// Images (index into the page's images) whose pixels under these rectangles are blanked.
    pub blank_images: Vec<(usize, Vec<Rect>)>,
    /// Kept glyphs moved along their baseline by this much (safe layout): every glyph of a re-set
    /// cell, including those that stay where they were.
    pub moves: Vec<(usize, f64)>,
    /// The page's text came from OCR: verification OCRs the output again.
    pub ocr: bool,
    /// Part of the page was read from its rendered pixels (`pdf::eyes`): verification renders the
    /// output and reads it again.
    pub eyes: bool,
    /// The regions read from the input's pixels: read again in the output when nothing of the kind
    /// is left there (a picture removed whole).
    pub eyes_regions: Vec<Rect>,
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
    /// Where a page holding both parts changes part: (1-based page, y in PDF points, the part below).
    pub boundaries: Vec<(usize, f64, u8)>,
}

/// An area redacted whole: the officer's `rect=` decision, or text that OCR of an output page read
/// where OCR of the input page had not (`rule` is then the rule that found it).
#[derive(Debug, Clone)]
pub struct Area {
    pub rect: Rect,
    pub why: Why,
    /// The id its box is logged with (`row<N>` for the officer's row N; empty: `p<page>-a<n>`).
    pub id: String,
}

/// Per page: the text, its findings and its Part headings.
pub struct PageInput<'a> {
    pub text: &'a PageText,
    pub findings: &'a [Finding],
    pub sections: &'a [SectionMark],
    /// Spans of signature blocks: images in them are removed whole.
    pub signature_areas: &'a [std::ops::Range<usize>],
    /// Areas redacted whole (the officer's `rect=`, text read by OCR of an output page).
    pub manual: &'a [Area],
}

/// Rectangles of a finding, one per line fragment (split at line and cell breaks).
pub fn finding_rects(page: &PageText, f: &Finding) -> Vec<Rect> {
    finding_fragments(page, f)
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// A finding's line fragments: the glyphs of each (split at line and cell breaks) and its rectangle.
pub fn finding_fragments(page: &PageText, f: &Finding) -> Vec<(Vec<usize>, Rect)> {
    let mut out = Vec::new();
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
                // widen the box so that no end of the word stays readable in the pixels. (Invisible
                // text over no image has no ink to cover: its box stays as tight as visible text's.)
                if gl.iter().all(|&g| page.glyphs[g].invisible)
                    && page.images.iter().any(|im| im.bbox.intersects(&r))
                {
                    let h = r.height();
                    r = Rect {
                        x0: r.x0 - 0.45 * h,
                        x1: r.x1 + 0.45 * h,
                        y0: r.y0 - 0.12 * h,
                        y1: r.y1 + 0.12 * h,
                    };
                }
                out.push((gl, r));
            }
            start = i + 1;
        }
    }
    out
}

/// How the rest of a line is laid out around a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// Every remaining glyph stays exactly where it was (the box and the gap keep the redacted
    /// text's exact width: that width leaks).
    Exact,
    /// The box is as wide as the redacted text rounded up to a multiple of `bucket_em` ems of its
    /// font, and the rest of the line (cell) is laid out with the glyphs' own widths and placed by its
    /// alignment (`align`: its start, centre or right edge where the original's was, told from the
    /// block and its neighbours, never from its own extent): nothing on the page depends on the
    /// redacted text beyond that bucket.
    /// A name's box below `min_anonymity` (see `anonymity`) is widened bucket by bucket until that
    /// many names of the reference lists would give a box as wide.
    Safe {
        bucket_em: f64,
        min_anonymity: Option<u64>,
    },
}

impl Default for Layout {
    fn default() -> Self {
        Layout::Safe {
            bucket_em: 3.0,
            min_anonymity: None,
        }
    }
}

/// A word gap where the layout had no space glyph: a quarter em.
const SYNTHETIC_GAP_EM: f64 = 0.25;
/// A gap wider than this (in ems) is a cell or tab stop, kept by the safe layout.
const WIDE_GAP_EM: f64 = 0.8;

/// A re-set position on the 1/100 pt grid: the same in every output whatever rounding the original
/// positions carried.
fn grid(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Safe layout of the line cells that hold boxes: moves the kept glyphs (`pp.moves`) and puts each
/// box at a bucketed width. Cells over an image (a scan: the box must stay over the ink) and cells
/// that are not horizontal keep the exact layout.
fn relayout(
    page: &PageText,
    pp: &mut PagePlan,
    frags: &[(usize, Vec<usize>)],
    (bucket_em, min_anonymity): (f64, Option<u64>),
    media: Rect,
) {
    if frags.is_empty() {
        return; // nothing on the page to re-set
    }
    // Per font (and form: one word or more) on this page, the reference names' widths.
    let mut candidates: HashMap<(std::sync::Arc<str>, bool), anonymity::Candidates> =
        HashMap::new();
    let text = &page.text;
    let bytes = text.as_bytes();
    let mut dropped = vec![false; page.glyphs.len()];
    for &g in &pp.drop {
        dropped[g] = true;
    }
    // Where each glyph's text starts, and whether the layout put a word gap (no space glyph) before it.
    let mut first_byte = vec![usize::MAX; page.glyphs.len()];
    for (i, &g) in page.glyph_of_byte.iter().enumerate() {
        if g != crate::model::NO_GLYPH && first_byte[g as usize] == usize::MAX {
            first_byte[g as usize] = i;
        }
    }
    let gap_before = |g: usize| {
        let b = first_byte[g];
        b != usize::MAX
            && b > 0
            && bytes[b - 1] == b' '
            && page.glyph_of_byte[b - 1] == crate::model::NO_GLYPH
    };
    // Cells: text between line and cell breaks, split again at gaps wider than a word gap (a narrow
    // table gutter the layout did not see as a cell break), so that re-setting a cell never closes one.
    // White space written as glyphs is padding where it is more than one word gap (groff fills a table
    // cell with spaces up to the next one, as many as the cell's text left room for): a cell breaks
    // where the ink does (the gap between inked glyphs, whatever white glyphs are in it), and on a line
    // that holds a box the white glyphs at a cell break, and all but the first of a run inside a cell,
    // go.
    let mut cells: Vec<Vec<usize>> = Vec::new();
    let mut seg_start = 0;
    let (mut padding, mut line_padding, mut line_boxed) = (Vec::new(), Vec::new(), false);
    let white = |g: usize| page.glyphs[g].text.trim().is_empty();
    for i in 0..=bytes.len() {
        if i == bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\t' {
            let gl = page.glyphs_in(seg_start..i);
            line_boxed |= frags
                .iter()
                .any(|(_, fg)| fg.first().is_some_and(|f| gl.contains(f)));
            let mut cur: Vec<usize> = Vec::new();
            for g in gl {
                if white(g) {
                    if cur.last().is_some_and(|&p| white(p)) {
                        line_padding.push(g);
                    } else {
                        cur.push(g);
                    }
                    continue;
                }
                if let Some(&p) = cur.iter().rev().find(|&&p| !white(p)) {
                    let (pg, gg) = (&page.glyphs[p], &page.glyphs[g]);
                    let gap = gg.origin.0 - (pg.origin.0 + pg.advance.max(pg.natural));
                    if gap > WIDE_GAP_EM * gg.size {
                        while cur.last().is_some_and(|&q| white(q)) {
                            line_padding.extend(cur.pop());
                        }
                        cells.push(std::mem::take(&mut cur));
                    }
                }
                cur.push(g);
            }
            if !cur.is_empty() {
                cells.push(cur);
            }
            if i == bytes.len() || bytes[i] == b'\n' {
                if line_boxed {
                    padding.append(&mut line_padding);
                }
                line_padding.clear();
                line_boxed = false;
            }
            if i < bytes.len() && bytes[i] == b'\n' {
                cells.push(Vec::new()); // a line break: the next cell is not on this line
            }
            seg_start = i + 1;
        }
    }
    for g in padding {
        dropped[g] = true;
        pp.drop.push(g);
    }
    // Each cell's extent, for telling how it is aligned (horizontal cells only).
    let horizontal = |gl: &[usize]| {
        gl.iter()
            .all(|&g| page.glyphs[g].dir.0 > 0.999 && !page.glyphs[g].invisible)
    };
    let mut extents: Vec<align::Extent> = Vec::new();
    let mut extent_of: Vec<Option<usize>> = vec![None; cells.len()];
    for (ci, gl) in cells.iter().enumerate() {
        let inked: Vec<&crate::model::Glyph> = gl
            .iter()
            .map(|&g| &page.glyphs[g])
            .filter(|g| !g.text.trim().is_empty())
            .collect();
        let (Some(first), true) = (inked.first(), horizontal(gl)) else {
            continue;
        };
        extent_of[ci] = Some(extents.len());
        extents.push(align::Extent {
            start: first.origin.0,
            end: inked
                .iter()
                .map(|g| g.origin.0 + g.natural.max(0.0))
                .fold(f64::NEG_INFINITY, f64::max),
            y: first.origin.1,
            size: first.size,
            boxed: frags
                .iter()
                .any(|(_, fg)| fg.first().is_some_and(|f| gl.contains(f))),
        });
    }
    let rules = align::vertical_rules(
        &page
            .paths
            .iter()
            .filter(|p| p.simple)
            .map(|p| p.bbox)
            .collect::<Vec<_>>(),
    );
    // Where each re-set cell now ends (the next cell of its line may not start before).
    let mut placed_end: Vec<Option<f64>> = vec![None; cells.len()];
    for (ci, gl) in cells.iter().enumerate() {
        // Boxes whose fragment begins in this cell.
        let here: Vec<(usize, &Vec<usize>)> = frags
            .iter()
            .filter(|(_, fg)| fg.first().is_some_and(|f| gl.contains(f)))
            .map(|(b, fg)| (*b, fg))
            .collect();
        if here.is_empty() {
            continue;
        }
        let cell_box = gl
            .iter()
            .map(|&g| page.glyphs[g].bbox)
            .reduce(|a, b| a.union(&b))
            .expect("cell has glyphs");
        let Some(me) = extent_of[ci] else {
            continue; // not horizontal
        };
        if page.images.iter().any(|im| im.bbox.intersects(&cell_box)) {
            continue;
        }
        // The cell laid out from 0 with the glyphs' own widths and the bucketed boxes.
        let mut cursor = 0.0f64;
        let mut end = 0.0f64;
        let mut targets: Vec<(usize, f64)> = Vec::new();
        let mut new_boxes: Vec<(usize, f64, f64, (f64, f64))> = Vec::new();
        let mut in_box: Vec<usize> = Vec::new();
        for &g in gl {
            let gg = &page.glyphs[g];
            if let Some((b, fg)) = here.iter().find(|(_, fg)| fg.first() == Some(&g)) {
                if gap_before(g) {
                    cursor += SYNTHETIC_GAP_EM * gg.size;
                }
                // The text's own width (no word or character spacing, no kerning: those vary with the
                // justification of the line), rounded up to the bucket.
                let natural: f64 = fg
                    .iter()
                    .map(|&f| page.glyphs[f].natural.max(0.0))
                    .sum::<f64>()
                    + 2.0 * PAD;
                let bucket = (bucket_em * gg.size).max(1.0);
                let mut w = (natural / bucket).ceil().max(1.0) * bucket;
                let rb = &pp.boxes[*b];
                if rb.why.category == "name" && gg.size > 0.0 {
                    let words = rb.text.expose().split_whitespace().count();
                    let c = candidates
                        .entry((gg.font.clone(), words > 1))
                        .or_insert_with(|| {
                            // From the glyphs the output keeps: the figure is what a reader of the
                            // output can work out, and says nothing of the redacted letters itself.
                            let m = anonymity::Metrics::new(
                                page.glyphs
                                    .iter()
                                    .enumerate()
                                    .filter(|(i, o)| {
                                        !dropped[*i] && o.font == gg.font && o.size > 0.0
                                    })
                                    .map(|(_, o)| o)
                                    .filter_map(|o| {
                                        let mut ch = o.text.chars();
                                        match (ch.next(), ch.next()) {
                                            (Some(c), None) => Some((c, o.natural / o.size)),
                                            _ => None,
                                        }
                                    }),
                            );
                            anonymity::Candidates::new(&m, words)
                        });
                    let (wide, n) =
                        anonymity::widen(c, natural, 2.0 * PAD, bucket, gg.size, min_anonymity);
                    w = wide;
                    pp.boxes[*b].anonymity = Some(n);
                }
                new_boxes.push((*b, cursor, w, (gg.origin.1, gg.size)));
                cursor += w;
                end = cursor;
                in_box.extend(fg.iter().copied());
                continue;
            }
            if dropped[g] || in_box.contains(&g) {
                continue;
            }
            if gap_before(g) {
                cursor += SYNTHETIC_GAP_EM * gg.size;
            }
            targets.push((g, cursor));
            cursor += gg.natural.max(0.0);
            if !gg.text.trim().is_empty() {
                end = cursor;
            }
        }
        // Placed by its alignment (never by its original start or width), then kept between the
        // previous cell of its line and the next one, and on the page: compressed if need be.
        let anchor = align::anchor(me, &extents, &rules, media);
        let prev = ci
            .checked_sub(1)
            .and_then(|p| placed_end[p].or_else(|| extent_of[p].map(|e| extents[e].end)));
        let lo = prev.map_or(media.x0 + 4.0, |e| e + 2.0);
        let next_start = cells
            .get(ci + 1)
            .and_then(|c| c.first())
            .map(|&g| page.glyphs[g].origin.0)
            .filter(|&x| x > lo);
        let hi = next_start.map_or(media.x1 - 4.0, |x| x - 2.0);
        let k = if end > hi - lo && end > 0.0 {
            ((hi - lo) / end).clamp(0.3, 1.0)
        } else {
            1.0
        };
        // The start on the grid; the glyphs follow it by their own widths (every one is listed, even
        // where it stays put, so that the whole cell is written out the same way in every output).
        let start = grid(anchor.start(end * k).min(hi - end * k).max(lo));
        for (g, t) in targets {
            pp.moves.push((g, start + t * k - page.glyphs[g].origin.0));
        }
        for (b, x0, w, (base, size)) in new_boxes {
            let r = &mut pp.boxes[b].rect;
            r.x0 = grid(start + x0 * k);
            r.x1 = grid(r.x0 + w * k);
            // Its height in eighths of the font size from the baseline: the glyphs' extent comes
            // from the font's /Ascent and /Descent, which a producer may work out from its subset,
            // the name's letters among them (Ghostscript: 741 with a "Q", 732 without).
            let q = (size / 8.0).max(0.25);
            r.y0 = grid(base - ((base - r.y0) / q - 1e-6).ceil() * q);
            r.y1 = grid(base + ((r.y1 - base) / q - 1e-6).ceil() * q);
        }
        placed_end[ci] = Some(start + end * k);
    }
    // Whatever now lies under a moved box and was not laid out (a line's trailing space, a glyph
    // drawn twice) goes too: nothing is ever left under a box.
    let moved: std::collections::HashSet<usize> = pp.moves.iter().map(|&(g, _)| g).collect();
    for (g, gl) in page.glyphs.iter().enumerate() {
        if gl.ours || dropped[g] || moved.contains(&g) {
            continue;
        }
        if pp.boxes.iter().any(|b| b.rect.contains(gl.bbox.center())) {
            pp.drop.push(g);
        }
    }
    pp.drop.sort_unstable();
    pp.drop.dedup();
}

/// Part of a glyph's width (and height) an area must cover for the glyph to be under it, as text.
const AREA_COVERS: f64 = 0.25;

/// Areas the officer drew over words (a highlight, a redaction mark over a name in a PDF editor) are
/// the text under them: each text-only area becomes findings over the glyphs it covers (a quarter of
/// their width and height at least; rule, category, exemption and id the area's), merged with
/// `findings`, and is dropped. Its box is then set as any finding's: a fixed box with the line re-set
/// around it by the safe layout would cover moved glyphs (verification declines the page) and show
/// the words' width. An area over an image or a drawing, over no text, or over a glyph that is not in
/// the page's text, stays an area (everything under it goes, as before).
pub fn text_areas_to_findings(
    page: &PageText,
    findings: &mut Vec<Finding>,
    manual: &mut Vec<Area>,
) {
    let covered = |a: &Rect, g: &Rect| {
        let w = (a.x1.min(g.x1) - a.x0.max(g.x0)).max(0.0);
        let h = (a.y1.min(g.y1) - a.y0.max(g.y0)).max(0.0);
        w > 0.0 && h > 0.0 && w >= AREA_COVERS * g.width() && h >= AREA_COVERS * g.height()
    };
    let mut bytes_of: Vec<Vec<usize>> = vec![Vec::new(); page.glyphs.len()];
    for (i, &g) in page.glyph_of_byte.iter().enumerate() {
        if let Some(b) = bytes_of.get_mut(g as usize) {
            b.push(i);
        }
    }
    let text = page.text.as_bytes();
    let mut added: Vec<Finding> = Vec::new();
    manual.retain(|a| {
        let r = &a.rect;
        let graphics = page.images.iter().any(|im| im.bbox.intersects(r))
            || page.paths.iter().any(|p| {
                if p.simple {
                    r.grow(1.0).contains_rect(&p.bbox)
                } else {
                    p.bbox.intersects(r)
                }
            });
        let under: Vec<usize> = (0..page.glyphs.len())
            .filter(|&g| !page.glyphs[g].ours && r.intersects(&page.glyphs[g].bbox))
            .collect();
        let text_glyphs: Vec<usize> = under
            .iter()
            .copied()
            .filter(|&g| covered(r, &page.glyphs[g].bbox))
            .collect();
        if graphics || text_glyphs.is_empty() || text_glyphs.iter().any(|&g| bytes_of[g].is_empty())
        {
            return true;
        }
        let mut marked = vec![false; text.len()];
        for &g in &text_glyphs {
            for &b in &bytes_of[g] {
                marked[b] = true;
            }
        }
        // Runs of marked bytes, joined over the spaces between them on the same line.
        let mut k = 0;
        while k < text.len() {
            if !marked[k] {
                k += 1;
                continue;
            }
            let start = k;
            let mut end = k;
            while k < text.len() && (marked[k] || text[k] == b' ') {
                if marked[k] {
                    end = k + 1;
                }
                k += 1;
            }
            added.push(Finding {
                id: a.id.clone(),
                why: a.why.clone(),
                span: start..end,
                text: Sensitive::new(page.text[start..end].to_string()),
            });
        }
        false
    });
    if added.is_empty() {
        return;
    }
    let proposed: Vec<(std::ops::Range<usize>, String)> = findings
        .iter()
        .map(|f| (f.span.clone(), f.id.clone()))
        .collect();
    crate::detect::merge_added(findings, added, &page.text, &proposed);
}

/// Builds the plan. `pages` are in input order.
pub fn plan(pages: &[PageInput<'_>], layout: Layout) -> Result<DocPlan> {
    let mut p1: Vec<PagePlan> = Vec::new();
    let mut p2: Vec<PagePlan> = Vec::new();
    let mut current = 1u8;
    let mut boundaries = Vec::new();
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
        for w in live.windows(2) {
            if w[0].0 != w[1].0 {
                boundaries.push((page.page, w[1].1, w[1].0));
            }
        }

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
                ocr: page.ocr,
                eyes: page.eyes,
                eyes_regions: page.eyes_regions.clone(),
                ..Default::default()
            };
            // A scan's text layer far from its ink goes whole: OCR's reading replaced it.
            let mut drop: Vec<bool> = page
                .glyphs
                .iter()
                .map(|g| page.layer_replaced && g.invisible && !g.ours && !g.is_ocr())
                .collect();
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
            let mut frags: Vec<(usize, Vec<usize>)> = Vec::new();
            for f in pi.findings {
                for (fglyphs, rect) in finding_fragments(page, f) {
                    let (_, cy) = rect.center();
                    if in_cut(cy) {
                        continue;
                    }
                    for (i, g) in page.glyphs.iter().enumerate() {
                        if !g.ours && rect.contains(g.bbox.center()) {
                            drop[i] = true;
                        }
                    }
                    let first = fglyphs.first().map(|&g| &page.glyphs[g]);
                    pp.boxes.push(RedactionBox {
                        rect,
                        why: f.why.clone(),
                        text: f.text.clone(),
                        origin: first.map_or((rect.x0, rect.y0), |g| g.origin),
                        size: first.map_or(rect.height(), |g| g.size),
                        id: f.id.clone(),
                        anonymity: None,
                    });
                    frags.push((pp.boxes.len() - 1, fglyphs));
                }
                // Every glyph of the finding goes, whatever its geometry.
                for g in page.glyphs_in(f.span.clone()) {
                    let (_, cy) = page.glyphs[g].bbox.center();
                    if !in_cut(cy) {
                        drop[g] = true;
                    }
                }
            }
            // Areas the officer added: everything under them goes (images blanked below).
            for (k, area) in pi.manual.iter().enumerate() {
                let rect = &area.rect;
                if in_cut(rect.center().1) {
                    continue;
                }
                for (i, g) in page.glyphs.iter().enumerate() {
                    if !g.ours && rect.intersects(&g.bbox) {
                        drop[i] = true;
                    }
                }
                pp.boxes.push(RedactionBox {
                    rect: *rect,
                    why: area.why.clone(),
                    text: Sensitive::new(String::new()),
                    origin: (rect.x0, rect.y0),
                    size: rect.height().min(12.0),
                    id: if area.id.is_empty() {
                        format!("p{}-a{}", page.page, k + 1)
                    } else {
                        area.id.clone()
                    },
                    anonymity: None,
                });
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
            let first_rects: Vec<Rect> = pp.boxes.iter().map(|b| b.rect).collect();
            if let Layout::Safe {
                bucket_em,
                min_anonymity,
            } = layout
            {
                relayout(page, &mut pp, &frags, (bucket_em, min_anonymity), media);
            }
            // Vector paths: one that can draw a shape (curves, polygons) goes if it touches a box, a
            // signature block or the other part's region; one that shows only its own extent (a rule,
            // a table line, a shaded cell) goes if it lies inside a box or mostly in the other part. Boxes
            // are taken where the text was and where the box is drawn (the safe layout moves them).
            for (k, path) in page.paths.iter().enumerate() {
                let b = path.bbox;
                let boxes = || {
                    pp.boxes
                        .iter()
                        .map(|x| x.rect)
                        .chain(first_rects.iter().copied())
                };
                let under_box = boxes().any(|r| r.intersects(&b));
                let inside_box = boxes().any(|r| r.grow(1.0).contains_rect(&b));
                let in_sig = sig_rects.iter().any(|r| r.intersects(&b));
                let touches_cut = b.y1 > keep_top || b.y0 < keep_bottom;
                let drop_it = if path.simple {
                    inside_box || in_cut(b.center().1)
                } else {
                    under_box || in_sig || touches_cut
                };
                if drop_it {
                    pp.drop_paths.push(k);
                }
            }

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
    Ok(DocPlan { parts, boundaries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Glyph, GlyphRef};

    /// A Letter page whose lines are `(text, baseline y)`: each character a glyph 6 pt wide, size 10,
    /// from x = 100; the reading-order text built by `crate::layout`.
    fn page(lines: &[(&str, f64)]) -> PageText {
        let at: Vec<(&str, f64, f64)> = lines.iter().map(|&(t, y)| (t, 100.0, y)).collect();
        page_at(&at)
    }

    /// As [`page`], each line `(text, x, baseline y)` starting at its own x.
    fn page_at(lines: &[(&str, f64, f64)]) -> PageText {
        let mut p = PageText {
            page: 1,
            media_box: Some(Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 612.0,
                y1: 792.0,
            }),
            ..Default::default()
        };
        for (op, (text, x0, y)) in lines.iter().enumerate() {
            for (k, c) in text.chars().enumerate() {
                let x = x0 + 6.0 * k as f64;
                p.glyphs.push(Glyph {
                    text: c.to_string().into(),
                    bbox: Rect {
                        x0: x,
                        y0: y - 2.0,
                        x1: x + 6.0,
                        y1: y + 7.0,
                    },
                    origin: (x, *y),
                    dir: (1.0, 0.0),
                    size: 10.0,
                    advance: 6.0,
                    natural: 6.0,
                    at: GlyphRef {
                        stream: (1, 0),
                        op: op as u32,
                        item: 0,
                        byte: k as u32,
                        len: 1,
                    },
                    tj_units: 600.0,
                    font: "F1".into(),
                    invisible: false,
                    ours: false,
                });
            }
        }
        crate::layout::layout(&mut p);
        p
    }

    /// A finding over the first occurrence of `what` in the page's text.
    fn finding(p: &PageText, what: &str) -> Finding {
        let at = p.text.find(what).expect("in the text");
        Finding {
            id: "p1-r1".into(),
            why: Why {
                rule: "test".into(),
                category: "name".into(),
                exemption: "s40(2)".into(),
                cause: String::new(),
            },
            span: at..at + what.len(),
            text: Sensitive::new(what.to_string()),
        }
    }

    /// Indices of the glyphs of the first occurrence of `what`.
    fn glyphs_of(p: &PageText, what: &str) -> Vec<usize> {
        let at = p.text.find(what).expect("in the text");
        p.glyphs_in(at..at + what.len())
    }

    fn plan_one(
        p: &PageText,
        findings: &[Finding],
        sections: &[SectionMark],
        l: Layout,
    ) -> DocPlan {
        let input = PageInput {
            text: p,
            findings,
            sections,
            signature_areas: &[],
            manual: &[],
        };
        plan(&[input], l).expect("plans")
    }

    /// The safe layout's plan of a one-page document with one finding (`what`).
    fn safe_page(p: &PageText, what: &str) -> PagePlan {
        let doc = plan_one(p, &[finding(p, what)], &[], Layout::default());
        doc.parts[0].pages[0].clone()
    }

    #[test]
    fn a_findings_glyphs_are_dropped_and_its_box_covers_them() {
        let p = page(&[("Call Ann Bee today", 700.0), ("Second line", 680.0)]);
        let f = finding(&p, "Ann Bee");
        let doc = plan_one(&p, &[f], &[], Layout::Exact);
        assert_eq!(doc.parts.len(), 1);
        assert_eq!(doc.parts[0].part, 1);
        assert!(doc.boundaries.is_empty());
        let pp = &doc.parts[0].pages[0];
        let want = glyphs_of(&p, "Ann Bee");
        assert_eq!(want.len(), 7);
        assert_eq!(pp.drop, want, "exactly the finding's glyphs go");
        assert_eq!(pp.boxes.len(), 1);
        let b = &pp.boxes[0];
        for &g in &want {
            assert!(
                b.rect.contains_rect(&p.glyphs[g].bbox),
                "the box covers glyph {g}"
            );
        }
        // Every glyph outside the finding is kept, and none of them is under the box.
        for (g, gl) in p
            .glyphs
            .iter()
            .enumerate()
            .filter(|(g, _)| !want.contains(g))
        {
            assert!(
                !b.rect.contains(gl.bbox.center()),
                "glyph {g} is not under the box"
            );
        }
        assert_eq!((b.origin, b.size), (p.glyphs[want[0]].origin, 10.0));
        assert_eq!((b.why.category.as_str(), b.id.as_str()), ("name", "p1-r1"));
        assert!(pp.moves.is_empty() && pp.cut.is_none());
    }

    #[test]
    fn the_safe_layout_moves_the_rest_of_the_line_but_never_under_the_box() {
        let p = page(&[("Call Ann Bee today", 700.0)]);
        let pp = safe_page(&p, "Ann Bee");
        let pp = &pp;
        let gone = glyphs_of(&p, "Ann Bee");
        assert!(gone.iter().all(|g| pp.drop.contains(g)));
        // The box is a whole number of 3-em buckets (30 pt) wide, whatever the name's width.
        let w = pp.boxes[0].rect.x1 - pp.boxes[0].rect.x0;
        assert!(
            ((w / 30.0).round() * 30.0 - w).abs() < 1e-6 && w >= 30.0,
            "{w}"
        );
        // "today" moves by the same amount for every glyph and ends clear of the box.
        let today = glyphs_of(&p, "today");
        let moves: Vec<f64> = today
            .iter()
            .map(|g| pp.moves.iter().find(|m| m.0 == *g).expect("moved").1)
            .collect();
        assert!(
            moves.windows(2).all(|m| (m[0] - m[1]).abs() < 1e-9),
            "{moves:?}"
        );
        let x = p.glyphs[today[0]].origin.0 + moves[0];
        assert!(x >= pp.boxes[0].rect.x1, "{x} after the box");
        // "Call" stays where it was (the line starts where the next line does: left-aligned).
        for g in glyphs_of(&p, "Call") {
            assert!(!pp.drop.contains(&g));
            assert!(pp.moves.iter().all(|m| m.0 != g || m.1.abs() < 1e-9));
        }
    }

    #[test]
    fn an_area_over_words_is_their_text_and_moves_with_the_line() {
        // "Westbury" under an officer's area (its glyphs' box, a little larger), on a line re-set
        // around a finding: the area becomes a finding over exactly that word, and no kept glyph ends
        // under any box.
        let p = page(&[("Mr Ann Bee of Westbury, today", 700.0)]);
        let west = glyphs_of(&p, "Westbury");
        let rect = west
            .iter()
            .map(|&g| p.glyphs[g].bbox)
            .reduce(|a, b| a.union(&b))
            .expect("glyphs")
            .grow(0.5);
        let area = |rect: Rect| Area {
            rect,
            why: Why {
                rule: crate::decisions::RECT_RULE.into(),
                category: "manual".into(),
                exemption: "s40(2)".into(),
                cause: String::new(),
            },
            id: "row3".into(),
        };
        let mut findings = vec![finding(&p, "Ann Bee")];
        let mut manual = vec![area(rect)];
        text_areas_to_findings(&p, &mut findings, &mut manual);
        assert!(manual.is_empty());
        let texts: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f.text.expose().as_str(), f.id.as_str()))
            .collect();
        assert_eq!(texts, [("Ann Bee", "p1-r1"), ("Westbury", "row3")]);
        let doc = plan_one(&p, &findings, &[], Layout::default());
        let pp = &doc.parts[0].pages[0];
        for (g, gl) in p.glyphs.iter().enumerate() {
            if pp.drop.contains(&g) {
                continue;
            }
            let dx = pp.moves.iter().find(|m| m.0 == g).map_or(0.0, |m| m.1);
            let (cx, cy) = gl.bbox.center();
            assert!(
                !pp.boxes.iter().any(|b| b.rect.contains((cx + dx, cy))),
                "glyph {g} under a box"
            );
        }
        assert!(west.iter().all(|g| pp.drop.contains(g)));
        // Over an image, over no text, or barely touching a glyph: it stays an area.
        let mut with_image = p.clone();
        with_image.images.push(crate::model::ImageUse {
            bbox: rect,
            stream: (1, 0),
            op: 0,
            ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            name: None,
            in_form: false,
        });
        let empty = Rect {
            x0: 10.0,
            y0: 10.0,
            x1: 50.0,
            y1: 50.0,
        };
        let comma = glyphs_of(&p, ",")[0];
        let sliver = Rect {
            x1: p.glyphs[comma].bbox.x0 + 1.0,
            ..p.glyphs[comma].bbox
        };
        for (page, r) in [(&with_image, rect), (&p, empty), (&p, sliver)] {
            let mut findings = Vec::new();
            let mut manual = vec![area(r)];
            text_areas_to_findings(page, &mut findings, &mut manual);
            assert_eq!((findings.len(), manual.len()), (0, 1));
        }
    }

    #[test]
    fn a_centred_or_right_aligned_line_keeps_its_centre_or_right_edge_whatever_the_name() {
        // A block from 100 to 400 (50 glyphs of 6 pt), and a line centred on 250 or ending at 400
        // holding a name of 7 or 9 letters (both in one 30 pt bucket with the padding).
        let block = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx";
        for name in ["Ann Bee", "Ann Beebe"] {
            let line = format!("Call {name} today");
            let w = 6.0 * line.chars().count() as f64;
            for (x0, want, how) in [(250.0 - w / 2.0, 250.0, 'c'), (400.0 - w, 400.0, 'r')] {
                let p = page_at(&[
                    (block, 100.0, 720.0),
                    (&line, x0, 700.0),
                    (block, 100.0, 680.0),
                ]);
                let pp = safe_page(&p, name);
                let pp = &pp;
                let at = |g: usize| {
                    p.glyphs[g].origin.0 + pp.moves.iter().find(|m| m.0 == g).map_or(0.0, |m| m.1)
                };
                let (first, last) = (glyphs_of(&p, "Call")[0], glyphs_of(&p, "today")[4]);
                let (s, e) = (at(first), at(last) + 6.0);
                let got = if how == 'c' { (s + e) / 2.0 } else { e };
                assert!((got - want).abs() < 1e-6, "{name} {how}: {got}");
                // The same place for both names: "Call " 30 pt, the box 60, " today" 36.
                assert!(
                    (s - if how == 'c' { 187.0 } else { 274.0 }).abs() < 1e-6,
                    "{name} {how}: {s}"
                );
            }
        }
    }

    #[test]
    fn padding_spaces_on_a_boxed_line_go_and_split_the_cells() {
        // A cell padded with spaces up to the next (as groff writes tables): how many there are
        // depends on the name's width. A word gap (one space glyph) stays.
        let p = page(&[
            ("Call Ann Bee     today ok", 700.0),
            ("Call Ann Bee     today", 680.0),
        ]);
        let pp = safe_page(&p, "Ann Bee");
        let line = p.text.find("Bee").expect("in the text") + 3;
        let pad: Vec<usize> = p.glyphs_in(line..line + 5);
        assert_eq!(pad.len(), 5);
        assert!(pad.iter().all(|g| pp.drop.contains(g)), "{:?}", pp.drop);
        for gap in [p.text.find(" Ann"), p.text.find(" ok")] {
            let at = gap.expect("in the text");
            assert!(p.glyphs_in(at..at + 1).iter().all(|g| !pp.drop.contains(g)));
        }
        // The other line holds no box: its padding stays.
        let other = p.text.rfind("Bee").expect("in the text") + 3;
        assert!(p
            .glyphs_in(other..other + 5)
            .iter()
            .all(|g| !pp.drop.contains(g)));
    }

    #[test]
    fn a_line_whose_alignment_cannot_be_told_starts_at_the_blocks_left_edge() {
        let p = page_at(&[
            (
                "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx",
                100.0,
                720.0,
            ),
            ("Call Ann Bee today", 130.0, 700.0),
        ]);
        let pp = safe_page(&p, "Ann Bee");
        let pp = &pp;
        let g = glyphs_of(&p, "Call")[0];
        let m = pp.moves.iter().find(|m| m.0 == g).expect("re-set").1;
        assert!((p.glyphs[g].origin.0 + m - 100.0).abs() < 1e-6, "{m}");
    }

    #[test]
    fn parts_split_at_the_heading_on_a_shared_page() {
        let p = page(&[
            ("Summary of the decision", 700.0),
            ("PART II", 600.0),
            ("Exempt detail", 580.0),
        ]);
        let at = p.text.find("PART II").expect("heading");
        let heading = SectionMark {
            part: 2,
            rule: "test".into(),
            span: at..at + "PART II".len(),
        };
        let secret = finding(&p, "Exempt");
        let doc = plan_one(&p, &[secret], &[heading], Layout::Exact);
        let parts: Vec<u8> = doc.parts.iter().map(|x| x.part).collect();
        assert_eq!(parts, [1, 2], "the page goes to both parts");
        // The boundary is at the top of the heading line.
        assert_eq!(doc.boundaries.len(), 1);
        let (pg, y, below) = doc.boundaries[0];
        assert_eq!((pg, below), (1, 2));
        assert!((y - (607.0 + PAD)).abs() < 1e-9, "{y}");
        let (one, two) = (&doc.parts[0].pages[0], &doc.parts[1].pages[0]);
        let top = glyphs_of(&p, "Summary of the decision");
        let bottom: Vec<usize> = (0..p.glyphs.len()).filter(|g| !top.contains(g)).collect();
        // Part 1 keeps the summary and loses the heading and all below it, without a box; Part 2
        // the other way round, with the box of the finding in its region.
        assert_eq!(one.drop, bottom);
        assert!(one.boxes.is_empty());
        assert!(one.cut.is_some_and(|c| c.y1 <= y + 1e-9));
        assert!(two
            .drop
            .iter()
            .all(|g| top.contains(g) || glyphs_of(&p, "Exempt").contains(g)));
        assert!(top.iter().all(|g| two.drop.contains(g)));
        assert!(!glyphs_of(&p, "PART II")
            .iter()
            .any(|g| two.drop.contains(g)));
        assert_eq!(two.boxes.len(), 1);
        assert!(two.cut.is_some_and(|c| c.y0 >= y - 1e-9));
    }

    #[test]
    fn a_running_header_alone_above_the_heading_does_not_share_the_page() {
        // Above the "PART II" heading only a running header in the top margin: the whole page is
        // Part 2 (header included), nothing cut.
        let p = page(&[
            ("Westshire PCC", 775.0),
            ("PART II", 740.0),
            ("Exempt detail", 700.0),
        ]);
        let at = p.text.find("PART II").expect("heading");
        let heading = SectionMark {
            part: 2,
            rule: "test".into(),
            span: at..at + 7,
        };
        let doc = plan_one(&p, &[], &[heading], Layout::Exact);
        assert_eq!(doc.parts.len(), 1);
        assert_eq!(doc.parts[0].part, 2);
        assert!(doc.parts[0].pages[0].drop.is_empty() && doc.parts[0].pages[0].cut.is_none());
        assert!(doc.boundaries.is_empty());
    }
}
