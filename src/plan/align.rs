//! How a line (or table cell) that holds a box is aligned, so that the safe layout can re-set it
//! without its original width showing. A centred or right-aligned line starts where the original
//! total width put it: re-set from its own start, every glyph of it (and its box) would still say how
//! wide the redacted text was. So the re-set line is placed by an anchor that does not depend on the
//! redacted text: the block edge or neighbour edge its start (or end) sits on, the axis its centre
//! sits on, or a table cell's edges drawn on the page.
//!
//! Evidence, in order (each within [`TOL`]):
//! 1. another line (cell) without a box starts where it starts: left-aligned from that start;
//! 2. it lies between two vertical rules (a table cell, a frame): centred on the cell's middle when its
//!    pads are equal, else right- or left-aligned on the smaller pad (rounded to 0.1 pt);
//! 3. it ends at the block's right edge and the next line starts at the block's left edge (a justified
//!    paragraph's first, indented line): left-aligned from its start;
//! 4. its centre is the block's, the page's, or another line's centre: centred on that axis;
//! 5. it ends where the block or another line ends: right-aligned on that edge;
//! 6. otherwise it cannot be told: left-aligned from the block's left edge (the leftmost start of the
//!    other lines), never from its own start.
//!
//! Pure geometry over the extents the safe layout computes; knows no PDF.

use crate::geom::Rect;

/// Tolerance (points) when matching an edge or an axis.
const TOL: f64 = 1.0;

/// A line's cell as the safe layout sees it: where its first glyph starts, where its last inked glyph
/// ends, its baseline and font size, and whether it holds a box.
#[derive(Debug, Clone, Copy)]
pub(super) struct Extent {
    pub start: f64,
    pub end: f64,
    pub y: f64,
    pub size: f64,
    pub boxed: bool,
}

impl Extent {
    fn centre(&self) -> f64 {
        (self.start + self.end) / 2.0
    }
}

/// Where a re-set cell is placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Anchor {
    /// Its start at this x.
    Left(f64),
    /// Its centre at this x.
    Centre(f64),
    /// Its end at this x.
    Right(f64),
}

impl Anchor {
    /// The start of a cell `width` wide placed by this anchor.
    pub fn start(self, width: f64) -> f64 {
        match self {
            Anchor::Left(x) => x,
            Anchor::Centre(x) => x - width / 2.0,
            Anchor::Right(x) => x - width,
        }
    }
}

/// A vertical rule on the page: its x and the y range it spans.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rule {
    pub x: f64,
    pub y0: f64,
    pub y1: f64,
}

/// The vertical rules of simple paths (rectangles' sides, vertical segments).
pub(super) fn vertical_rules(paths: &[Rect]) -> Vec<Rule> {
    let mut out = Vec::new();
    for b in paths {
        if b.height() < 1.0 {
            continue; // a horizontal rule
        }
        if b.width() < 1.0 {
            out.push(Rule {
                x: (b.x0 + b.x1) / 2.0,
                y0: b.y0,
                y1: b.y1,
            });
        } else {
            for x in [b.x0, b.x1] {
                out.push(Rule {
                    x,
                    y0: b.y0,
                    y1: b.y1,
                });
            }
        }
    }
    out
}

/// Of the values in `candidates` within [`TOL`] of `v`, the smallest (`outer` < 0) or the largest
/// (`outer` > 0): the outermost edge, not the nearest one, so that the choice does not follow the
/// line's own position (which carries the producer's rounding) among close candidates.
fn matching(v: f64, candidates: impl Iterator<Item = f64>, outer: f64) -> Option<f64> {
    candidates
        .filter(|c| (c - v).abs() <= TOL)
        .max_by(|a, b| (a * outer).total_cmp(&(b * outer)))
}

fn round_tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// How cell `me` of `cells` (all horizontal cells of the page) is placed when re-set; `media` is the
/// page.
pub(super) fn anchor(me: usize, cells: &[Extent], rules: &[Rule], media: Rect) -> Anchor {
    let x = cells[me];
    // Neighbours: the page's other cells without boxes (their extents say nothing about a name).
    let others: Vec<&Extent> = cells
        .iter()
        .enumerate()
        .filter(|(i, c)| *i != me && !c.boxed)
        .map(|(_, c)| c)
        .collect();
    // 1. A shared start.
    if let Some(s) = matching(x.start, others.iter().map(|c| c.start), -1.0) {
        return Anchor::Left(s);
    }
    // 2. Between two vertical rules that span the baseline.
    let spans = |r: &&Rule| r.y0 <= x.y && r.y1 >= x.y;
    let left = rules
        .iter()
        .filter(spans)
        .map(|r| r.x)
        .filter(|&r| r <= x.start + 0.5)
        .reduce(f64::max);
    let right = rules
        .iter()
        .filter(spans)
        .map(|r| r.x)
        .filter(|&r| r >= x.end - 0.5)
        .reduce(f64::min);
    if let (Some(l), Some(r)) = (left, right) {
        let (lp, rp) = (x.start - l, r - x.end);
        if (lp - rp).abs() <= 2.0 * TOL {
            return Anchor::Centre((l + r) / 2.0);
        }
        return if rp < lp {
            Anchor::Right(r - round_tenth(rp))
        } else {
            Anchor::Left(l + round_tenth(lp))
        };
    }
    // The text block: the other cells' leftmost start and rightmost end.
    let block_left = others.iter().map(|c| c.start).reduce(f64::min);
    let block_right = others.iter().map(|c| c.end).reduce(f64::max);
    // 3. A justified paragraph's indented first line.
    if let (Some(l), Some(r)) = (block_left, block_right) {
        let next_at_left = others
            .iter()
            .any(|c| c.y < x.y && x.y - c.y < 2.0 * x.size && (c.start - l).abs() <= TOL);
        if (x.end - r).abs() <= TOL && next_at_left && x.start - l < 4.0 * x.size {
            return Anchor::Left(x.start);
        }
    }
    // 4. A shared centre: the block's first, then the page's, then another line's.
    let block_axis = block_left.zip(block_right).map(|(l, r)| (l + r) / 2.0);
    let page_axis = (media.x0 + media.x1) / 2.0;
    let near = |a: &f64| (a - x.centre()).abs() <= TOL;
    if let Some(a) = block_axis
        .filter(near)
        .or(Some(page_axis).filter(near))
        .or_else(|| matching(x.centre(), others.iter().map(|c| c.centre()), -1.0))
    {
        return Anchor::Centre(a);
    }
    // 5. A shared end.
    if let Some(e) = matching(x.end, others.iter().map(|c| c.end), 1.0) {
        return Anchor::Right(e);
    }
    // 6. Unknown: from the block's left edge.
    Anchor::Left(
        block_left.unwrap_or_else(|| cells.iter().map(|c| c.start).fold(f64::INFINITY, f64::min)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: Rect = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 600.0,
        y1: 800.0,
    };

    fn ext(start: f64, end: f64, y: f64, boxed: bool) -> Extent {
        Extent {
            start,
            end,
            y,
            size: 10.0,
            boxed,
        }
    }

    /// A justified paragraph from 72 to 528, and the line under test.
    fn page_with(line: Extent) -> Vec<Extent> {
        vec![
            ext(72.0, 528.0, 700.0, false),
            ext(72.0, 528.2, 688.0, false),
            ext(72.0, 300.0, 676.0, false),
            line,
        ]
    }

    #[test]
    fn anchors_come_from_the_block_never_from_the_lines_own_extent() {
        let rows: [(Extent, Anchor); 6] = [
            // Left-aligned: the paragraph's start.
            (ext(72.3, 200.0, 650.0, true), Anchor::Left(72.0)),
            // Centred on the block's axis (300), whatever its width.
            (ext(250.4, 349.9, 650.0, true), Anchor::Centre(300.1)),
            (ext(220.0, 380.3, 650.0, true), Anchor::Centre(300.1)),
            // Right-aligned on the block's right edge (the outermost end near its own).
            (ext(400.0, 527.7, 650.0, true), Anchor::Right(528.2)),
            // Indented first line of a justified paragraph (the next line starts at the left).
            (ext(90.0, 528.0, 712.0, true), Anchor::Left(90.0)),
            // Nothing matches: the block's left edge.
            (ext(130.0, 200.0, 650.0, true), Anchor::Left(72.0)),
        ];
        for (line, want) in rows {
            let cells = page_with(line);
            assert_eq!(anchor(3, &cells, &[], PAGE), want, "{line:?}");
        }
    }

    #[test]
    fn a_table_cell_is_aligned_in_its_rules() {
        let rules = vertical_rules(&[
            Rect {
                x0: 100.0,
                y0: 600.0,
                x1: 100.5,
                y1: 640.0,
            },
            Rect {
                x0: 250.0,
                y0: 600.0,
                x1: 400.0,
                y1: 640.0,
            },
        ]);
        let cells = page_with(ext(0.0, 0.0, 0.0, false));
        let at = |s: f64, e: f64| {
            let mut c = cells.clone();
            c[3] = ext(s, e, 620.0, true);
            anchor(3, &c, &rules, PAGE)
        };
        // The rules are at 100.25 and 250 (and 400).
        assert_eq!(at(150.0, 200.0), Anchor::Centre(175.125));
        assert_eq!(at(160.0, 247.02), Anchor::Right(247.0));
        assert_eq!(at(103.04, 200.0), Anchor::Left(100.25 + 2.8));
        assert_eq!(Anchor::Centre(300.0).start(100.0), 250.0);
        assert_eq!(Anchor::Right(300.0).start(100.0), 200.0);
    }
}
