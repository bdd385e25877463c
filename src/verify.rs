//! Verify: reloads each output from its bytes and proves it clean, or fails closed.
//!
//! (a) the rules run on the re-extracted output (with each box standing in as a `█`) find nothing: the
//! output is a fixed point of the redactor; (b) no glyph of the output lies inside a redaction box or in
//! the other part's removed region; (c) no finding's text (whitespace and case aside) occurs in any
//! decompressed stream (images aside) or string object, in Latin-1, UTF-16BE or hex form. Also: the page
//! count is the plan's and every page's text decodes.

use crate::detect;
use crate::error::{Error, Result};
use crate::geom::Rect;
use crate::model::{Glyph, GlyphRef};
use crate::pdf::{extract, images, load};
use crate::plan::PartPlan;
use crate::rules::RuleSet;
use aho_corasick::AhoCorasick;
use lopdf::Object;

/// Text a box stands for during the fixed-point check: not a letter or digit, so rules ignore it.
pub const PLACEHOLDER: &str = crate::layout::STAND_IN;

/// Normal form for the raw scan: ASCII-lowercased, NUL bytes dropped (so UTF-16BE text reads as
/// Latin-1), every run of white space folded to one space.
pub fn normalise(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            0 => {}
            9 | 10 | 12 | 13 | 32 => {
                if out.last() != Some(&b' ') {
                    out.push(b' ');
                }
            }
            _ => out.push(b.to_ascii_lowercase()),
        }
    }
    out
}

/// A text as Latin-1 bytes (anything else as `?`), the form the raw scan compares.
fn latin1(t: &str) -> Vec<u8> {
    t.chars()
        .map(|c| {
            if (c as u32) < 256 {
                c as u32 as u8
            } else {
                b'?'
            }
        })
        .collect()
}

/// Whether any needle occurs in a plain text as a whole word: the raw scan (c) for a plain-text output.
pub fn text_holds_needle(needles: &[Vec<u8>], text: &str) -> Result<bool> {
    if needles.is_empty() {
        return Ok(false);
    }
    let ac = AhoCorasick::new(needles).map_err(|e| Error::verify(e.to_string()))?;
    Ok(contains_word(&ac, &normalise(&latin1(text))))
}

/// Needles for the raw scan from finding texts: normalised, at least 5 letters or digits (shorter ones
/// would match by chance inside binary data; the fixed-point check covers them).
/// Each text is looked for as written and folded ([`crate::text_fold`]: without accents, compatibility
/// forms and look-alike letters read as their Latin letters).
pub fn needles(texts: &[String]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = texts
        .iter()
        .flat_map(|t| [t.clone(), crate::text_fold::fold(t).text])
        .map(|t| normalise(&latin1(&t)).trim_ascii().to_vec())
        .filter(|n| {
            n.iter().filter(|b| b.is_ascii_alphanumeric()).count() >= 5 && !n.contains(&b'?')
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Whether raw data holds a needle: as bytes (Latin-1, and UTF-16 by its low bytes), as hex digits, and
/// as text decoded (UTF-16 with a byte-order mark, UTF-8, else Latin-1) and folded
/// ([`crate::text_fold`]), so that a decomposed, fullwidth or look-alike form of the text is found too.
fn raw_holds(ac: &AhoCorasick, data: &[u8]) -> bool {
    let n = normalise(data);
    if contains_word(ac, &n) || contains_word(ac, &hex_decoded(&n)) {
        return true;
    }
    decoded_folded(data).is_some_and(|t| contains_word(ac, &normalise(&latin1(&t))))
}

/// Raw data read as text and folded; `None` for plain ASCII (the byte scan reads that already).
fn decoded_folded(data: &[u8]) -> Option<String> {
    let text = if let Some(body) = data.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = body
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if data.is_ascii() {
        return None;
    } else {
        match std::str::from_utf8(data) {
            Ok(s) => s.to_string(),
            Err(_) => data.iter().map(|&b| b as char).collect(),
        }
    };
    Some(crate::text_fold::fold(&text).text)
}

/// Whether a needle occurs in the haystack as a whole word, as findings and terms are matched: a needle
/// glued to letters ("explicit" in "explicitly") is not that text; digits never glue.
fn contains_word(ac: &AhoCorasick, hay: &[u8]) -> bool {
    let letter = |i: Option<&u8>| i.is_some_and(|b| b.is_ascii_alphabetic());
    ac.find_overlapping_iter(hay).any(|m| {
        let (s, e) = (m.start(), m.end());
        let glued_before = letter(hay.get(s)) && s > 0 && letter(hay.get(s - 1));
        let glued_after = letter(hay.get(e - 1)) && letter(hay.get(e));
        !glued_before && !glued_after
    })
}

/// Texts the officer decided to keep, normalised: findings of them are not leaks.
pub fn kept_set(kept: &[String]) -> std::collections::HashSet<Vec<u8>> {
    kept.iter().map(|t| normalise(t.as_bytes())).collect()
}

/// The fixed-point check (a): the first finding of the rules in an output's text (boxes standing in as
/// [`PLACEHOLDER`]) that is not a kept text.
pub fn still_found(
    rules: &RuleSet,
    text: &str,
    kept: &std::collections::HashSet<Vec<u8>>,
) -> Option<detect::Finding> {
    detect::detect(rules, text)
        .into_iter()
        .find(|f| !kept.contains(&normalise(f.text.expose().as_bytes())))
}

/// What OCR of an output page read and the rules found, where OCR of the input page had not: the
/// pipeline redacts it as an area and makes the document again.
#[derive(Debug, Clone)]
pub struct Reread {
    /// 1-based input page.
    pub page: usize,
    pub rect: Rect,
    pub why: crate::model::Why,
}

/// Which output pages are rendered and read by OCR to be checked by eye (`--verify-visual`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VisualMode {
    /// Pages where the text layer does not show everything: a page part of which was read from its
    /// pixels in the input, and any output page with regions only pixels show (`pdf::eyes`: a
    /// picture, text as outlines, glyphs with no Unicode). Scans are read again by OCR as always.
    #[default]
    Auto,
    /// Every page, whole.
    All,
    /// None (scans are still read again by OCR).
    Never,
}

/// A part output proved clean, or what OCR of it read that must go too.
#[derive(Debug, Default)]
pub struct Checked {
    /// What OCR of the output reads and the rules find, where the input's reading had not: to be
    /// redacted as areas, the document made again (empty: clean).
    pub reread: Vec<Reread>,
    /// Pages rendered and read by OCR to be checked by eye.
    pub by_eye: usize,
}

/// Proves one part output clean (pages in `unreadable` were let through with text that cannot be
/// decoded: their decoding problems are not failures), or returns what OCR of its scanned pages reads that must go too
/// (empty: clean). `rules` must include the user's terms.
pub fn verify_part(
    bytes: &[u8],
    plan: &PartPlan,
    rules: &RuleSet,
    needles: &[Vec<u8>],
    kept: &[String],
    unreadable: &[usize],
    visual: VisualMode,
) -> Result<Checked> {
    // Findings of text the officer decided to keep are not leaks.
    let kept = kept_set(kept);
    let doc = load::load(bytes, None, &load::LoadLimits::default())
        .map_err(|e| Error::verify(format!("the output does not reload: {}", e.reason())))?;
    let page_ids: Vec<(u32, lopdf::ObjectId)> = doc.get_pages().into_iter().collect();
    if page_ids.len() != plan.pages.len() {
        return Err(Error::verify(format!(
            "part {} has {} pages, planned {}",
            plan.part,
            page_ids.len(),
            plan.pages.len()
        )));
    }
    // The pages to look at by eye, rendered once (0-based indices of this output).
    let mut by_eye = 0usize;
    let mut looks: std::collections::HashMap<usize, Looked> = std::collections::HashMap::new();
    // The output's bytes for the renderer, copied once for all the pages looked at.
    let shared: std::cell::OnceCell<std::sync::Arc<Vec<u8>>> = std::cell::OnceCell::new();
    // Page by page (fonts read once): a long part's glyphs are never all in memory at once.
    let mut fonts = extract::FontCache::default();
    let lim = extract::ExtractLimits::default();
    for (&(no, page_id), pp) in page_ids.iter().zip(&plan.pages) {
        let mut pt = extract::extract_page(&doc, page_id, no as usize, &mut fonts, &lim);
        let page_err = |m: String| Error::verify(m).with_page(pp.page);
        // (A page the user let through unread, --allow-unreadable, keeps the text it could not read;
        // glyphs with no Unicode are read by eye below.)
        if let Some(p) = pt
            .problems
            .iter()
            .find(|q| q.kind != crate::model::ProblemKind::Unmapped)
            .filter(|_| !unreadable.contains(&pp.page))
        {
            return Err(page_err(format!(
                "part {} output text cannot be decoded: {p}",
                plan.part
            )));
        }
        // Images: none where a signature image was removed; under every box, blank pixels.
        for im in &pt.images {
            if pp.removed_images.iter().any(|r| {
                (r.x0 - im.bbox.x0).abs() < 1.0
                    && (r.y0 - im.bbox.y0).abs() < 1.0
                    && (r.x1 - im.bbox.x1).abs() < 1.0
                    && (r.y1 - im.bbox.y1).abs() < 1.0
            }) {
                return Err(page_err(format!(
                    "part {}: a removed signature image is still drawn",
                    plan.part
                )));
            }
            let under: Vec<Rect> = pp
                .boxes
                .iter()
                .map(|b| b.rect)
                .filter(|r| r.intersects(&im.bbox))
                .collect();
            if under.is_empty() {
                continue;
            }
            // Decoded from what was written, whatever its coding, inline or in a form.
            let blank = images::image_of_use(&doc, page_id, im).and_then(|s| {
                images::is_blank_under(&doc, &s, &crate::geom::Matrix(im.ctm), &under)
            });
            if !matches!(blank, Ok(true)) {
                return Err(page_err(format!(
                    "part {}: an image under a redaction box still shows its pixels",
                    plan.part
                )));
            }
        }
        // (b) nothing inside a box or in the removed region.
        for g in pt.glyphs.iter().filter(|g| !g.ours) {
            let c = g.bbox.center();
            if let Some(b) = pp.boxes.iter().find(|b| b.rect.grow(-0.3).contains(c)) {
                let r = b.rect;
                return Err(page_err(format!(
                    "part {}: a glyph remains inside the redaction box at ({:.1}, {:.1}, {:.1}, {:.1})",
                    plan.part, r.x0, r.y0, r.x1, r.y1
                )));
            }
            if pp.cut.is_some_and(|r| r.contains(c)) && !g.text.trim().is_empty() {
                return Err(page_err(format!(
                    "part {}: text of the other part remains on the page",
                    plan.part
                )));
            }
        }
        // (c) vector paths: none that can draw a shape under a box or in the removed region, none
        // inside a box but the box itself.
        for path in &pt.paths {
            let b = path.bbox;
            let is_box = pp.boxes.iter().any(|x| {
                (x.rect.x0 - b.x0).abs() < 0.05
                    && (x.rect.y0 - b.y0).abs() < 0.05
                    && (x.rect.x1 - b.x1).abs() < 0.05
                    && (x.rect.y1 - b.y1).abs() < 0.05
            });
            if path.simple && is_box {
                continue;
            }
            let bad = if path.simple {
                pp.boxes.iter().any(|x| x.rect.grow(1.0).contains_rect(&b))
                    || pp.cut.is_some_and(|r| r.contains(b.center()))
            } else {
                pp.boxes.iter().any(|x| x.rect.intersects(&b))
                    || pp.cut.is_some_and(|r| r.intersects(&b))
            };
            if bad {
                return Err(page_err(format!(
                    "part {}: a vector drawing remains under a redaction box or in the other part's region",
                    plan.part
                )));
            }
        }
        // An OCR'd page is read again from its (blanked) pixels, as a requester's OCR would read it.
        // (Its words are checked by the rules below; the box labels it may read are not findings.)
        if pp.ocr {
            let r = crate::pdf::ocr::ocr_page(&doc, page_id, &pt, crate::pdf::ocr::PAGE_TIME)
                .map_err(|e| {
                    page_err(format!("part {}: OCR of the output failed: {e}", plan.part))
                })?;
            // Lines the output's own text layer reads alike add nothing (as when reading the input).
            let layer: Vec<&Glyph> = pt
                .glyphs
                .iter()
                .filter(|g| !g.is_ocr() && !g.ours && !g.text.trim().is_empty())
                .collect();
            let glyphs = if layer.is_empty() {
                r.glyphs
            } else {
                let agree = crate::pdf::ocr::agreeing_words(&r, &layer);
                crate::pdf::ocr::disagreeing_lines(&r, &agree)
            };
            pt.glyphs.extend(glyphs);
        }
        // By eye: what the page shows where its text layer does not (or the whole page with
        // --verify-visual all), read from the rendered output; the box labels are not read.
        let whole = || {
            vec![crate::pdf::eyes::Region {
                rect: pt.media_box.unwrap_or(Rect {
                    x0: 0.0,
                    y0: 0.0,
                    x1: 612.0,
                    y1: 792.0,
                }),
                causes: Vec::new(),
            }]
        };
        let regions = match visual {
            VisualMode::Never => Vec::new(),
            VisualMode::All => whole(),
            VisualMode::Auto => crate::pdf::eyes::regions(&pt),
        };
        let unmapped = pt
            .problems
            .iter()
            .find(|q| q.kind == crate::model::ProblemKind::Unmapped)
            .filter(|_| !unreadable.contains(&pp.page));
        // Glyphs with no Unicode are proven only by eye (not with --verify-visual never).
        let regions = if unmapped.is_some() && regions.is_empty() {
            crate::pdf::eyes::regions(&pt)
        } else if pp.eyes && regions.is_empty() && visual != VisualMode::Never {
            // Read by eye in the input, and nothing of the kind left in the output (all of it was
            // redacted, or a picture removed whole): the input's regions are read again, to prove what
            // is left around the boxes.
            pp.eyes_regions
                .iter()
                .map(|r| crate::pdf::eyes::Region {
                    rect: *r,
                    causes: Vec::new(),
                })
                .collect()
        } else {
            regions
        };
        let look = !regions.is_empty()
            && (visual == VisualMode::All || pp.eyes || !pp.ocr || unmapped.is_some());
        if let (Some(p), false) = (unmapped, look) {
            return Err(page_err(format!(
                "part {} output text cannot be decoded: {p}",
                plan.part
            )));
        }
        if look {
            let raster = crate::pdf::render::render_pages(
                shared
                    .get_or_init(|| std::sync::Arc::new(bytes.to_vec()))
                    .clone(),
                None,
                &[no as usize - 1],
                crate::pdf::render::OCR_DPI,
                Some(page_ids.len()),
                crate::pdf::render::PAGE_TIME,
            )
            .pop()
            .unwrap_or_else(|| Err(crate::model::Problem::unreadable("nothing was rendered")));
            let reading = raster.and_then(|r| {
                crate::pdf::eyes::read_regions(&r, &pt, &regions, crate::pdf::ocr::PAGE_TIME)
            });
            // (A page let through unread, --allow-unreadable, is published unchecked: what the eye
            // cannot read on it is no failure either.)
            let reading = match reading {
                Err(_) if unreadable.contains(&pp.page) => Default::default(),
                r => r.map_err(|e| {
                    page_err(format!(
                        "part {}: the page cannot be checked by eye (rendered and read by OCR): {e}",
                        plan.part
                    ))
                })?,
            };
            by_eye += 1;
            let from = pt.glyphs.len();
            pt.glyphs.extend(reading.glyphs.into_iter().filter(|g| {
                !pp.boxes
                    .iter()
                    .any(|b| b.rect.grow(1.0).contains(g.bbox.center()))
            }));
            looks.insert(no as usize, Looked { from });
        }
        let seen = looks.get(&(no as usize)).map(|l| l.from);
        // (a) the rules find nothing more.
        for b in &pp.boxes {
            pt.glyphs.push(placeholder(b));
        }
        crate::layout::layout(&mut pt);
        // The second reading of glyphs whose font's encoding and /ToUnicode disagree: nothing either.
        if let Some((alt, _)) = crate::layout::alternative(&pt) {
            if let Some(f) = still_found(rules, &alt, &kept) {
                return Err(page_err(format!(
                    "part {}: rule {} still finds something in the output, read through its fonts' encodings",
                    plan.part, f.why.rule
                )));
            }
        }
        let mut reread = Vec::new();
        let found = if pp.ocr || seen.is_some() {
            detect::detect_ocr(rules, &pt.text)
        } else {
            detect::detect(rules, &pt.text)
        };
        for f in found
            .iter()
            .filter(|f| !kept.contains(&normalise(f.text.expose().as_bytes())))
        {
            // On a scanned page, text that OCR reads now but did not read in the input is redacted
            // too (by the caller); anywhere else a finding here is a failure.
            let area = pt
                .glyphs_in(f.span.clone())
                .iter()
                .map(|&g| pt.glyphs[g].bbox)
                .reduce(|a, b| a.union(&b));
            // Found in what the eye read (words in no content stream) is redacted as an area too.
            let by_ocr = seen.is_some_and(|from| {
                pt.glyphs_in(f.span.clone())
                    .iter()
                    .any(|&g| g >= from && pt.glyphs[g].is_ocr())
            });
            if let (true, Some(rect)) = (pp.ocr || by_ocr, area) {
                #[cfg(debug_assertions)]
                if std::env::var_os("FOIREDACT_DEBUG_UNVERIFIED").is_some() {
                    eprintln!("reread: {:?} at {rect:?}", f.text.expose());
                }
                reread.push(Reread {
                    page: pp.page,
                    // OCR word boxes are tight and handwriting is not: a margin for the ink around.
                    rect: Rect {
                        x0: rect.x0 - 4.0,
                        x1: rect.x1 + 4.0,
                        y0: rect.y0 - 1.5,
                        y1: rect.y1 + 1.5,
                    },
                    why: f.why.clone(),
                });
                continue;
            }
            // Developers only (debug builds): what the rule found, and in which text.
            #[cfg(debug_assertions)]
            if std::env::var_os("FOIREDACT_DEBUG_UNVERIFIED").is_some() {
                eprintln!("unverified: {:?} in:\n{}", f.text.expose(), pt.text);
            }
            return Err(page_err(format!(
                "part {}: rule {} still finds something in the output",
                plan.part, f.why.rule
            )));
        }
        if !reread.is_empty() {
            return Ok(Checked { reread, by_eye });
        }
    }
    // (c) raw scan of every string and decompressed stream.
    if !needles.is_empty() {
        let ac = AhoCorasick::new(needles).map_err(|e| Error::verify(e.to_string()))?;
        let fonts = font_programs(&doc);
        for (id, obj) in &doc.objects {
            if fonts.contains(id) {
                continue;
            }
            let mut hit = false;
            scan_object(obj, &mut |data: &[u8]| {
                if !hit {
                    hit = raw_holds(&ac, data);
                }
            });
            if hit {
                let what = match obj {
                    Object::Stream(s) if s.dict.has(b"Type") => format!(
                        "a {} stream",
                        String::from_utf8_lossy(
                            s.dict
                                .get(b"Type")
                                .and_then(|t| t.as_name())
                                .unwrap_or(b"?")
                        )
                    ),
                    Object::Stream(_) => "a stream".to_string(),
                    _ => "a string".to_string(),
                };
                return Err(Error::verify(format!(
                    "part {}: redacted text is still present in {what} (object {} {})",
                    plan.part, id.0, id.1
                )));
            }
        }
    }
    Ok(Checked {
        reread: Vec::new(),
        by_eye,
    })
}

/// An output page read by eye: where the words OCR read begin among its glyphs.
struct Looked {
    from: usize,
}

/// Embedded font programs: they hold glyph names and the font's own names, never the document's text,
/// and a word that is also a font name ("Arial") would otherwise fail every file that uses the font.
fn font_programs(doc: &lopdf::Document) -> std::collections::HashSet<lopdf::ObjectId> {
    let mut ids = std::collections::HashSet::new();
    for obj in doc.objects.values() {
        if let Object::Dictionary(d) = obj {
            for k in [&b"FontFile"[..], b"FontFile2", b"FontFile3"] {
                if let Ok(Object::Reference(id)) = d.get(k) {
                    ids.insert(*id);
                }
            }
        }
    }
    ids
}

/// Feeds every string and decompressed stream (images aside) of an object to `check`. Names are not
/// text and are skipped (font names such as /Arial would otherwise collide with ordinary words).
fn scan_object(obj: &Object, check: &mut dyn FnMut(&[u8])) {
    match obj {
        Object::String(s, _) => check(s),
        Object::Array(a) => a.iter().for_each(|o| scan_object(o, check)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| scan_object(o, check)),
        Object::Stream(s) => {
            s.dict.iter().for_each(|(_, o)| scan_object(o, check));
            let image =
                s.dict.get(b"Subtype").ok().and_then(|t| t.as_name().ok()) == Some(b"Image");
            if !image {
                match s.decompressed_content_with_limit(256 << 20) {
                    Ok(d) => {
                        check(&d);
                        // UTF-16BE text shows as its low bytes once NULs are dropped by `normalise`.
                    }
                    Err(_) => check(&s.content),
                }
            }
        }
        _ => {}
    }
}

/// Decodes runs of hex digits (as in `<48656C6C6F>` strings) so that hex-encoded text is scanned too.
fn hex_decoded(n: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut run: Vec<u8> = Vec::new();
    let flush = |run: &mut Vec<u8>, out: &mut Vec<u8>| {
        if run.len() >= 10 {
            for pair in run.chunks(2) {
                if pair.len() == 2 {
                    let v = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                    out.push((v(pair[0]) << 4 | v(pair[1])).to_ascii_lowercase());
                }
            }
            out.push(b'|');
        }
        run.clear();
    };
    for &b in n {
        if b.is_ascii_hexdigit() {
            run.push(b);
        } else if b != b' ' {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    normalise(&out)
}

fn placeholder(b: &crate::plan::RedactionBox) -> Glyph {
    let r = b.rect;
    let size = b.size.max(1.0);
    Glyph {
        text: PLACEHOLDER.into(),
        bbox: r,
        // On the baseline of the text it replaces (moved with the box along the line).
        origin: (r.x0, b.origin.1),
        dir: (1.0, 0.0),
        size,
        advance: r.width(),
        natural: r.width(),
        at: GlyphRef {
            stream: (0, 0),
            op: 0,
            item: 0,
            byte: 0,
            len: 0,
        },
        tj_units: 0.0,
        font: "".into(),
        invisible: false,
        ours: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needles_and_hex() {
        let n = needles(&["Max  Parry".into(), "JS".into()]);
        assert_eq!(n, vec![b"max parry".to_vec()]);
        let h = hex_decoded(b"<4d6178205061727279>");
        assert!(h.windows(9).any(|w| w == b"max parry"));
        let ac = AhoCorasick::new(needles(&["Explicit".into()])).expect("builds");
        assert!(contains_word(&ac, &normalise(b"(Explicit is better) Tj")));
        assert!(contains_word(&ac, &normalise(b"\0E\0x\0p\0l\0i\0c\0i\0t")));
        assert!(!contains_word(
            &ac,
            &normalise(b"(Unless explicitly silenced.)")
        ));
    }
}

/// Where a term was found by [`find_terms`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    /// "page 3 text", "page 2 image (OCR)", "document information", "annotation (object 12)", "stream
    /// (object 40)" ...
    pub place: String,
    /// Index into the terms searched for.
    pub term: usize,
}

/// Every place in a file where one of `terms` survives: the text of each page (as the rules see it,
/// form fields flattened), a scan's pixels (OCR, with the slips `--terms` allow on an OCR layer), and
/// every string and decompressed stream, whole words, case, accents and white space aside. The check
/// `foiredact verify` runs on any PDF.
///
/// # Errors
/// The file cannot be loaded, a page's text cannot be decoded, or a scanned page cannot be read by OCR
/// (no tesseract): not checked.
pub fn find_terms(bytes: &[u8], password: Option<&str>, terms: &[String]) -> Result<Vec<Hit>> {
    let mut doc = load::load(bytes, password, &load::LoadLimits::default())?;
    let mut hits = Vec::new();
    let raw_doc = doc.clone();
    crate::pdf::sanitize::flatten_form_fields(&mut doc)?;
    let phrases: Vec<&str> = terms.iter().map(String::as_str).collect();
    if let Some(ph) = detect::Phrases::new(&phrases) {
        let mut pages = extract::extract_all(&doc, &extract::ExtractLimits::default());
        // Text that cannot be read cannot be searched: the file is not checked, never "clean" (glyphs
        // with no Unicode are read from the rendered page below).
        let unmapped = crate::model::ProblemKind::Unmapped;
        if let Some(q) = pages
            .iter()
            .find_map(|(_, p)| p.problems.iter().find(|q| q.kind != unmapped))
        {
            return Err(crate::read::problem_error(q));
        }
        // A scan's pixels are read too, by OCR, as a reader of the page would read them: a term in
        // them is found. A page that needs OCR and cannot have it (no tesseract) leaves the file
        // unchecked, never "clean".
        let mode = crate::settings::OcrMode::Always;
        if let Some((_, Err(e))) = crate::read::ocr_pages(&doc, &mut pages, mode, 0.0)
            .into_iter()
            .find(|(_, r)| r.is_err())
        {
            return Err(e);
        }
        // What only the rendered page shows (text as outlines, pictures of text, glyphs with no
        // Unicode) is read too; what cannot be read there leaves the file unchecked.
        let count = Some(pages.len());
        if let Some((_, Err(e))) = crate::read::eyes_pages(bytes, password, &mut pages, count)
            .into_iter()
            .find(|(_, r)| r.is_err())
        {
            return Err(e);
        }
        if let Some(q) = pages.iter().find_map(|(_, p)| p.problems.first()) {
            return Err(crate::read::problem_error(q));
        }
        // The term each phrase pattern came from (the first that folds to it), worked out once.
        let keys: Vec<Option<String>> = phrases
            .iter()
            .map(|t| detect::Phrases::new(&[t]).map(|x| x.pattern(0).to_string()))
            .collect();
        let term_of = |k: usize| {
            keys.iter()
                .position(|x| x.as_deref() == Some(ph.pattern(k)))
                .unwrap_or(0)
        };
        // The terms folded for OCR slips (as `--terms` are matched on an OCR layer).
        let folded: Vec<Vec<char>> = phrases
            .iter()
            .map(|t| crate::text_fold::fold_for_fuzzy(t).0)
            .collect();
        for (_, mut p) in pages {
            crate::layout::layout(&mut p);
            // (And the page's second reading, where fonts' encodings and /ToUnicode disagree.)
            let alt = crate::layout::alternative(&p).map(|(t, _)| t);
            let found = ph
                .find(&p.text)
                .into_iter()
                .chain(alt.iter().flat_map(|t| ph.find(t)));
            let place = if p.ocr || p.eyes {
                format!("page {} image (OCR)", p.page)
            } else {
                format!("page {} text", p.page)
            };
            for (_, k) in found {
                let term = term_of(k);
                hits.push(Hit {
                    place: place.clone(),
                    term,
                });
            }
            if p.ocr || p.eyes {
                let hay = crate::text_fold::fold_for_fuzzy(&p.text).0;
                for (term, t) in folded.iter().enumerate() {
                    let Some(k) = detect::ocr_slips(t.len()) else {
                        continue;
                    };
                    if !detect::approx_find(t, &hay, k).is_empty() {
                        hits.push(Hit {
                            place: place.clone(),
                            term,
                        });
                    }
                }
            }
        }
    }
    // Each term as written and folded.
    let ndl: Vec<Vec<Vec<u8>>> = terms
        .iter()
        .map(|t| {
            let mut v: Vec<Vec<u8>> = [t.clone(), crate::text_fold::fold(t).text]
                .iter()
                .map(|t| normalise(&latin1(t)).trim_ascii().to_vec())
                .filter(|n| !n.is_empty() && !n.contains(&b'?'))
                .collect();
            v.dedup();
            v
        })
        .collect();
    let info = raw_doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| o.as_reference().ok());
    for (id, obj) in &raw_doc.objects {
        for (k, n) in ndl.iter().enumerate() {
            if n.is_empty() {
                continue;
            }
            let ac = AhoCorasick::new(n).map_err(|e| Error::verify(e.to_string()))?;
            let mut hit = false;
            scan_object(obj, &mut |data: &[u8]| {
                if !hit {
                    hit = raw_holds(&ac, data);
                }
            });
            if hit {
                hits.push(Hit {
                    place: describe(obj, *id, info),
                    term: k,
                });
            }
        }
    }
    // One line per term and place (a term both read exactly and with an OCR slip is one hit).
    let mut seen = std::collections::HashSet::new();
    hits.retain(|h| seen.insert((h.place.clone(), h.term)));
    Ok(hits)
}

fn describe(obj: &Object, id: lopdf::ObjectId, info: Option<lopdf::ObjectId>) -> String {
    let dict = match obj {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    };
    let name = |k: &[u8]| {
        dict.and_then(|d| d.get(k).ok())
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).to_string())
    };
    let what = if Some(id) == info {
        "document information".to_string()
    } else if dict.is_some_and(|d| d.has(b"FT") || d.has(b"Kids") && d.has(b"T")) {
        "form field".into()
    } else if name(b"Type").as_deref() == Some("Annot")
        || dict.is_some_and(|d| d.has(b"Subtype") && d.has(b"Rect"))
    {
        format!("annotation ({})", name(b"Subtype").unwrap_or_default())
    } else if name(b"Type").as_deref() == Some("Metadata") {
        "XMP metadata".into()
    } else if dict.is_some_and(|d| d.has(b"Title") && (d.has(b"Parent") || d.has(b"First"))) {
        "bookmark".into()
    } else if matches!(
        name(b"Type").as_deref(),
        Some("Filespec") | Some("EmbeddedFile")
    ) {
        "attachment".into()
    } else if let Object::Stream(_) = obj {
        match name(b"Subtype") {
            Some(s) => format!("{s} stream"),
            None => "stream".into(),
        }
    } else {
        "string".into()
    };
    format!("{what} (object {} {})", id.0, id.1)
}
