//! Reading order: glyphs -> page text with a map from every byte back to its glyph.
//!
//! Pure geometry over `model::Glyph`. Glyphs are grouped by baseline direction, then into lines by
//! their distance across the baseline, ordered along it; a gap wider than a fraction of the font size
//! becomes a space, a very wide gap (a table column) a tab, and lines end with `\n`. Our own box labels
//! are left out of the text.

use crate::model::{Glyph, PageText, NO_GLYPH};

/// The text of the stand-in glyph verification puts where a box is (not a letter or digit).
pub const STAND_IN: &str = "█";

/// Gap (in font sizes) above which a space is inserted between two glyphs.
const WORD_GAP: f64 = 0.12;
/// Gap (in font sizes) above which the gap is a column break (tab).
const COLUMN_GAP: f64 = 1.6;

/// The page's second reading ([`PageText::alt`]): its text with those glyphs read the other way, and
/// the glyph of each byte; `None` when every glyph reads one way.
pub fn alternative(page: &PageText) -> Option<(String, Vec<u32>)> {
    if page.alt.is_empty() {
        return None;
    }
    let mut glyphs = page.glyphs.clone();
    for (i, t) in &page.alt {
        if let Some(g) = glyphs.get_mut(*i as usize) {
            g.text = t.clone();
        }
    }
    Some(build(&glyphs))
}

/// Fills `page.text` and `page.glyph_of_byte` from `page.glyphs`.
pub fn layout(page: &mut PageText) {
    let (text, map) = if page.layer_replaced {
        build_with(&page.glyphs, &|g: &Glyph| g.invisible && !g.is_ocr())
    } else {
        build(&page.glyphs)
    };
    page.text = text;
    page.glyph_of_byte = map;
}

fn dir_key(g: &Glyph) -> (i32, i32) {
    (
        (g.dir.0 * 20.0).round() as i32,
        (g.dir.1 * 20.0).round() as i32,
    )
}

/// Position along and across the baseline direction of glyph `g`, in the frame of direction `d`.
fn frame(g: &Glyph, d: (f64, f64)) -> (f64, f64) {
    let (x, y) = g.origin;
    (x * d.0 + y * d.1, -x * d.1 + y * d.0)
}

/// The page text of `glyphs` and the glyph of each byte. Words read by OCR (a scan's image, a rendered
/// region) are a reading of their own, after the text layer's: where both read the same place (a scan
/// with a text layer) neither is woven into the other, and the rules see each whole.
pub fn build(glyphs: &[Glyph]) -> (String, Vec<u32>) {
    build_with(glyphs, &|_| false)
}

/// [`build`] leaving out the glyphs `skip` says (a scan's text layer that OCR's reading replaces).
pub fn build_with(glyphs: &[Glyph], skip: &dyn Fn(&Glyph) -> bool) -> (String, Vec<u32>) {
    let (mut ocr, layer): (Vec<usize>, Vec<usize>) = (0..glyphs.len())
        .filter(|&i| !glyphs[i].ours && glyphs[i].size > 0.0 && !skip(&glyphs[i]))
        .partition(|&i| glyphs[i].is_ocr());
    // A box's stand-in (verification) belongs to both readings: it separates what OCR reads on
    // either side of the box as it does the layer's text.
    if !ocr.is_empty() {
        ocr.extend(
            layer
                .iter()
                .copied()
                .filter(|&i| glyphs[i].text == STAND_IN),
        );
    }
    let mut text = String::new();
    let mut map: Vec<u32> = Vec::new();
    for idx in [layer, ocr] {
        if !idx.is_empty() {
            build_into(glyphs, idx, &mut text, &mut map);
        }
    }
    (text, map)
}

fn build_into(glyphs: &[Glyph], mut idx: Vec<usize>, text: &mut String, map: &mut Vec<u32>) {
    // Groups by direction, largest first (the body text), then by key for determinism.
    let mut groups: Vec<((i32, i32), Vec<usize>)> = Vec::new();
    // (Keys computed once: rounding in the comparator was a fortieth of a whole run.)
    let mut keyed: Vec<((i32, i32), usize)> =
        idx.drain(..).map(|i| (dir_key(&glyphs[i]), i)).collect();
    keyed.sort_unstable();
    for (k, i) in keyed {
        match groups.last_mut() {
            Some((gk, v)) if *gk == k => v.push(i),
            _ => groups.push((k, vec![i])),
        }
    }
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    for (_, members) in groups {
        let d = glyphs[members[0]].dir;
        let mut pos: Vec<(usize, f64, f64)> = members
            .iter()
            .map(|&i| {
                let (along, across) = frame(&glyphs[i], d);
                (i, along, across)
            })
            .collect();
        // Top of the page first (largest `across`), then left to right.
        pos.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.total_cmp(&b.1)));
        let mut lines: Vec<Vec<(usize, f64, f64)>> = Vec::new();
        // The line's baseline is the mean of its glyphs' so far (OCR words each have their own).
        let (mut sum, mut n) = (0.0f64, 0.0f64);
        for p in pos {
            let size = glyphs[p.0].size;
            if lines.is_empty() || (sum / n - p.2).abs() > 0.45 * size {
                lines.push(Vec::new());
                (sum, n) = (0.0, 0.0);
            }
            sum += p.2;
            n += 1.0;
            lines.last_mut().expect("a line was pushed").push(p);
        }
        for line in lines {
            let mut prev: Option<(usize, f64)> = None; // glyph, end along the baseline
            for (i, along, new_cell) in order_line(glyphs, line) {
                let g = &glyphs[i];
                if new_cell {
                    push(text, map, "\t", NO_GLYPH);
                    prev = None;
                }
                if let Some((pi, pend)) = prev {
                    let pg = &glyphs[pi];
                    // Same glyph drawn twice at the same place (fake bold, shadows): keep one in the text.
                    let (palong, _) = frame(pg, d);
                    // (A halo or outline copy may be offset a little: up to a third of the glyph's width.
                    // The copy stays in the PDF; a box over the original covers it too.)
                    if pg.text == g.text
                        && (palong - along).abs() < 0.3 * g.advance.abs().max(0.2 * g.size)
                    {
                        continue;
                    }
                    let gap = along - pend;
                    let size = g.size.max(pg.size);
                    let white = pg.text.chars().all(char::is_whitespace)
                        || g.text.chars().all(char::is_whitespace);
                    // After an explicit space glyph (OCR layers end every word with one and then jump to
                    // the next word's box), only a much wider gap is a column.
                    let column = if white { 3.0 * COLUMN_GAP } else { COLUMN_GAP };
                    if gap > column * size {
                        push(text, map, "\t", NO_GLYPH);
                    } else if (gap > WORD_GAP * size || gap < -0.5 * size) && !white {
                        push(text, map, " ", NO_GLYPH);
                    }
                }
                push(text, map, &g.text, i as u32);
                // The ink ends after the glyph's own width: character spacing (Tc) is white space (Ghostscript
                // makes word gaps with it), and the gap logic must see it.
                prev = Some((i, along + g.natural.max(0.0)));
            }
            // White space at the end of a line carries nothing the rules need and splits values such as a
            // postcode broken over two lines ("PR3 \n7GW") in ways their patterns do not expect.
            while text.ends_with([' ', '\t']) {
                text.pop();
                map.pop();
            }
            push(text, map, "\n", NO_GLYPH);
        }
    }
}

/// Orders one line's glyphs (`(index, along, across)`) for the text. Runs of glyphs that follow each
/// other in drawing order go left to right; a run that starts inside text already placed (a second layer:
/// hidden text drawn over a footer, a stamp) is not interleaved letter by letter with it but put after
/// it as a cell of its own (`true`), unless it is a copy of what is there (fake bold, a halo), which is
/// left out of the text.
fn order_line(glyphs: &[Glyph], mut line: Vec<(usize, f64, f64)>) -> Vec<(usize, f64, bool)> {
    line.sort_by_key(|p| p.0);
    let mut runs: Vec<Vec<(usize, f64, f64)>> = Vec::new();
    for p in line {
        let size = glyphs[p.0].size;
        match runs.last_mut() {
            Some(r) if r.last().is_some_and(|l| p.1 >= l.1 - 0.3 * size) => r.push(p),
            _ => runs.push(vec![p]),
        }
    }
    for r in &mut runs {
        r.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    }
    runs.sort_by(|a, b| a[0].1.total_cmp(&b[0].1).then(a[0].0.cmp(&b[0].0)));
    // Glyphs placed so far, as intervals along the line.
    let mut out: Vec<(usize, f64, bool)> = Vec::new();
    let mut deferred: Vec<Vec<(usize, f64, f64)>> = Vec::new();
    let width = |i: usize| glyphs[i].advance.abs().max(0.2 * glyphs[i].size);
    for r in runs {
        // A box's stand-in (verification) belongs to the line it replaced text in, never a layer.
        if r.iter().all(|(i, _, _)| glyphs[*i].text == STAND_IN) {
            out.extend(r.iter().map(|&(i, a, _)| (i, a, false)));
            continue;
        }
        // A run collides when its glyphs sit on glyphs already placed (more than a third of a width).
        let collisions = r
            .iter()
            .filter(|(i, a, _)| {
                out.iter().any(|(j, b, _)| {
                    let overlap = (a + width(*i)).min(b + width(*j)) - a.max(*b);
                    overlap > 0.33 * width(*i).min(width(*j))
                })
            })
            .count();
        if collisions == 0 {
            out.extend(r.iter().map(|&(i, a, _)| (i, a, false)));
            continue;
        }
        let copies = r
            .iter()
            .filter(|(i, a, _)| {
                let tol = 0.6 * width(*i);
                out.iter()
                    .any(|(j, b, _)| glyphs[*j].text == glyphs[*i].text && (a - b).abs() < tol)
            })
            .count();
        if copies * 10 < r.len() * 8 {
            deferred.push(r);
        }
    }
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    for r in deferred {
        for (k, &(i, a, _)) in r.iter().enumerate() {
            out.push((i, a, k == 0 && !out.is_empty()));
        }
    }
    out
}

fn push(text: &mut String, map: &mut Vec<u32>, s: &str, g: u32) {
    text.push_str(s);
    map.extend(std::iter::repeat_n(g, s.len()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;
    use crate::model::GlyphRef;

    fn g(t: &str, x: f64, y: f64, adv: f64) -> Glyph {
        Glyph {
            text: t.into(),
            bbox: Rect {
                x0: x,
                y0: y - 2.0,
                x1: x + adv,
                y1: y + 8.0,
            },
            origin: (x, y),
            dir: (1.0, 0.0),
            size: 10.0,
            advance: adv,
            natural: adv,
            at: GlyphRef {
                stream: (1, 0),
                op: 0,
                item: 0,
                byte: 0,
                len: 1,
            },
            tj_units: adv * 100.0,
            font: "F1".into(),
            invisible: false,
            ours: false,
        }
    }

    #[test]
    fn lines_words_and_columns() {
        let glyphs = vec![
            g("b", 105.0, 700.0, 5.0),
            g("a", 100.0, 700.0, 5.0),
            g("c", 112.0, 700.0, 5.0), // gap 2 = 0.2 size: a space
            g("d", 200.0, 700.0, 5.0), // a column gap
            g("e", 100.0, 686.0, 5.0), // next line
        ];
        let (text, map) = build(&glyphs);
        assert_eq!(text, "ab c\td\ne\n");
        assert_eq!(map[0], 1);
        assert_eq!(map[1], 0);
        assert_eq!(map[2], NO_GLYPH);
    }

    /// A scan's text layer and OCR's reading of the same line are two readings, each whole: a misread
    /// name in the layer is not woven letter by letter into OCR's, nor OCR's left out as a copy.
    #[test]
    fn ocr_words_are_a_reading_of_their_own() {
        let ocr = |t: &str, x: f64| {
            let mut o = g(t, x, 700.0, 5.0);
            o.at.stream = (0, 0);
            o.font = crate::model::OCR_FONT.into();
            o.invisible = true;
            o
        };
        let mut glyphs: Vec<Glyph> = "Mia Hevvitt"
            .chars()
            .enumerate()
            .map(|(k, c)| g(&c.to_string(), 100.0 + 5.0 * k as f64, 700.0, 5.0))
            .collect();
        glyphs.extend(
            "Mia Hewitt"
                .chars()
                .enumerate()
                .map(|(k, c)| ocr(&c.to_string(), 100.0 + 5.5 * k as f64)),
        );
        let (text, map) = build(&glyphs);
        assert_eq!(text, "Mia Hevvitt\nMia Hewitt\n");
        // The second reading's bytes map to the OCR glyphs.
        let at = text.find("Hewitt").expect("OCR reading");
        assert!(map[at] as usize >= 11 && glyphs[map[at] as usize].is_ocr());
    }

    #[test]
    fn ocr_word_gaps_after_a_space_glyph_are_not_columns() {
        let (text, _) = build(&[
            g("a", 100.0, 700.0, 5.0),
            g(" ", 105.0, 700.0, 5.0),
            g("b", 127.0, 700.0, 5.0),
            g("c", 300.0, 700.0, 5.0),
        ]);
        assert_eq!(text, "a b\tc\n");
    }

    #[test]
    fn offset_copies_appear_once_but_double_letters_stay() {
        let (text, _) = build(&[
            g("M", 100.0, 700.0, 8.0),
            g("M", 101.0, 700.0, 8.0),
            g("l", 108.0, 700.0, 3.0),
            g("l", 111.0, 700.0, 3.0),
        ]);
        assert_eq!(text, "Mll\n");
    }

    #[test]
    fn a_second_layer_over_a_line_is_not_interleaved() {
        // "OFFICIAL" drawn first, then hidden text over the same place, in drawing order.
        let mut v: Vec<Glyph> = "OFFICIAL"
            .chars()
            .enumerate()
            .map(|(k, c)| g(&c.to_string(), 100.0 + 6.0 * k as f64, 50.0, 6.0))
            .collect();
        v.extend(
            "Home X"
                .chars()
                .enumerate()
                .map(|(k, c)| g(&c.to_string(), 103.0 + 5.0 * k as f64, 50.0, 5.0)),
        );
        let (text, _) = build(&v);
        assert_eq!(text, "OFFICIAL\tHome X\n");
    }

    #[test]
    fn a_line_with_jittered_baselines_stays_one_line() {
        // OCR words sit a little above or below each other; the last glyph is 4.2 pt below the first.
        let v = vec![
            g("a", 100.0, 704.0, 5.0),
            g("b", 110.0, 701.0, 5.0),
            g("c", 120.0, 700.0, 5.0),
            g("d", 130.0, 699.8, 5.0),
        ];
        assert_eq!(build(&v).0, "a b c d\n");
    }

    #[test]
    fn duplicate_glyphs_appear_once() {
        let (text, _) = build(&[g("a", 100.0, 700.0, 5.0), g("a", 100.2, 700.0, 5.0)]);
        assert_eq!(text, "a\n");
    }
}
