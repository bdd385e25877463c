//! Rewrite: carries out a page plan on a document. The only writer of page content; decides nothing.
//!
//! Deleted glyphs are cut out of their strings (Tj, TJ, ' and " become TJ arrays whose numbers keep the
//! remaining glyphs exactly in place), images wholly in a removed Part region are deleted, and the boxes
//! are drawn on top of the page (black, with the exemption code in white where it fits).
//!
//! A content stream that other pages draw too (what `qpdf --pages` writes when one page is used twice,
//! a letterhead template) is copied for the page that needs a change, as Form XObjects are: the other
//! pages keep the original.

use super::content::{self, fmt_num, hex_string, Op, Operand, ParseLimits};
use super::extract::LABEL_FONT;
use super::page::page_resources;
use super::{get_dict, Rect};
use crate::error::{Error, Result};
use crate::model::PageText;
use crate::plan::PagePlan;
use lopdf::{dictionary, Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Applies one page's plan. `edited` collects the streams already rewritten in this document.
pub fn apply(
    doc: &mut Document,
    page_id: ObjectId,
    page: &PageText,
    plan: &PagePlan,
    edited: &mut HashSet<ObjectId>,
    label: LabelMode,
    ocr_layer: bool,
) -> Result<()> {
    // The glyphs of every text operation, in drawing order, and what happens to each.
    let mut by_op: HashMap<(ObjectId, u32), Vec<usize>> = HashMap::new();
    for (gi, g) in page.glyphs.iter().enumerate() {
        by_op.entry((g.at.stream, g.at.op)).or_default().push(gi);
    }
    for v in by_op.values_mut() {
        v.sort_by_key(|&g| (page.glyphs[g].at.item, page.glyphs[g].at.byte));
    }
    let mut dropped = vec![false; page.glyphs.len()];
    for &gi in &plan.drop {
        *dropped
            .get_mut(gi)
            .ok_or_else(|| Error::invariant("plan names a glyph that does not exist"))? = true;
    }
    let mut moved = vec![0.0f64; page.glyphs.len()];
    for &(gi, d) in &plan.moves {
        *moved
            .get_mut(gi)
            .ok_or_else(|| Error::invariant("plan names a glyph that does not exist"))? = d;
    }
    // (Glyphs found by OCR are in no stream: the pixels under their boxes are blanked instead.)
    let touched: BTreeSet<ObjectId> = plan
        .drop
        .iter()
        .chain(plan.moves.iter().map(|(g, _)| g))
        .map(|&g| page.glyphs[g].at.stream)
        .filter(|&s| s != super::page::VIRTUAL)
        .collect();
    let mut reset = vec![false; page.glyphs.len()];
    for &(gi, _) in &plan.moves {
        reset[gi] = true;
    }
    let edits = Edits {
        page,
        by_op: &by_op,
        dropped: &dropped,
        moved: &moved,
        reset: &reset,
    };
    let mut images: BTreeMap<ObjectId, BTreeSet<u32>> = BTreeMap::new();
    for &k in &plan.drop_images {
        if let Some(im) = page.images.get(k) {
            images.entry(im.stream).or_default().insert(im.op);
        }
    }
    // A removed path goes with its construction (its coordinates are the drawing); one that also
    // sets the clip keeps its construction and is ended without painting (`n`).
    let mut paths: BTreeMap<ObjectId, BTreeMap<u32, &'static [u8]>> = BTreeMap::new();
    for &k in &plan.drop_paths {
        if let Some(p) = page.paths.get(k) {
            let ops = paths.entry(p.stream).or_default();
            if p.clip {
                ops.insert(p.op, b" n ");
            } else {
                for i in p.start.min(p.op)..=p.op {
                    ops.insert(i, b"");
                }
            }
        }
    }
    // Marked content whose replacement text (/ActualText) was redacted loses it (and any other text
    // of its property list); its MCID stays.
    let mut marks: BTreeMap<ObjectId, BTreeSet<u32>> = BTreeMap::new();
    for u in &page.actual_text {
        if u.glyphs
            .clone()
            .any(|g| dropped.get(g).copied().unwrap_or(false))
        {
            if !u.inline {
                return Err(Error::unsupported(
                    "redacted text is in a named marked-content property list (not supported yet)",
                )
                .with_page(page.page));
            }
            marks.entry(u.stream).or_default().insert(u.op);
        }
    }
    // Inline images under boxes are blanked in their operation (in the page's stream or a form).
    type ByOp = BTreeMap<u32, Vec<(super::Matrix, Vec<Rect>)>>;
    let mut inline: BTreeMap<ObjectId, ByOp> = BTreeMap::new();
    for (k, rects) in &plan.blank_images {
        if let Some(im) = page.images.get(*k).filter(|im| im.name.is_none()) {
            inline
                .entry(im.stream)
                .or_default()
                .entry(im.op)
                .or_default()
                .push((super::Matrix(im.ctm), rects.clone()));
        }
    }
    // Damaged streams are written back too (re-encoded), so that the output is a valid file.
    let ids: BTreeSet<ObjectId> = touched
        .iter()
        .chain(inline.keys())
        .chain(images.keys())
        .chain(paths.keys())
        .chain(marks.keys())
        .chain(page.repaired.iter())
        .copied()
        .collect();
    let own: Vec<ObjectId> = super::extract::page_streams(doc, page_id, &Default::default())
        .map(|v| v.into_iter().map(|(id, _, _)| id).collect())
        .unwrap_or_default();
    // A page whose text is re-set has every content stream read in drawing order, so that a word
    // spacing set in one stream and used in the next is found and zeroed (see `Edits::text_ops`);
    // a stream is written back only if something in it changes. Forms follow, each on its own.
    let page_moves = plan
        .moves
        .iter()
        .any(|&(g, d)| d != 0.0 && own.contains(&page.glyphs[g].at.stream));
    let order: Vec<ObjectId> = own
        .iter()
        .filter(|s| page_moves || ids.contains(s))
        .chain(ids.iter().filter(|s| !own.contains(s)))
        .copied()
        .collect();
    let mut page_state = TextState {
        tfs: 1.0,
        ..Default::default()
    };
    let mut copies = HashMap::new();
    for sid in order {
        // A page content stream is edited in place (if two pages share one, refuse); a Form XObject is
        // copied for this page first, since other pages (or other parts) may draw it unchanged.
        let is_form = !own.contains(&sid);
        let stream = match doc.get_object(sid) {
            Ok(Object::Stream(s)) => s,
            _ => return Err(Error::invariant("a content stream vanished").with_page(page.page)),
        };
        let (data, _) = super::decode_content(stream, 256 << 20).map_err(|_| {
            Error::unreadable("a content stream cannot be decompressed").with_page(page.page)
        })?;
        let ops = content::parse(&data, &ParseLimits::default())
            .map_err(|e| Error::unreadable(e.to_string()).with_page(page.page))?;
        let mut form_state = TextState {
            tfs: 1.0,
            ..Default::default()
        };
        let (zero_tw, state) = if is_form {
            let moved = edits
                .by_op
                .iter()
                .any(|((s, _), gs)| *s == sid && gs.iter().any(|&g| edits.moved[g] != 0.0));
            (moved, &mut form_state)
        } else {
            (page_moves, &mut page_state)
        };
        let mut rep = edits
            .text_ops(sid, &ops, zero_tw, state)
            .map_err(|m| Error::unsupported(m).with_page(page.page))?;
        if let Some(ims) = images.get(&sid) {
            for &opi in ims {
                rep.insert(opi as usize, Vec::new());
            }
        }
        for (&opi, uses) in inline.get(&sid).into_iter().flatten() {
            let Some(op) = ops.get(opi as usize).filter(|o| o.is("BI")) else {
                return Err(
                    Error::invariant("an inline image is not where it was").with_page(page.page)
                );
            };
            let blanked = op
                .operands
                .first()
                .ok_or_else(|| "inline image without a dictionary".to_string())
                .and_then(|d| super::images::inline_image(&data[op.start..op.end], d))
                .and_then(|st| super::images::blank(doc, &st, uses))
                .and_then(|(st, _)| super::images::inline_bytes(&st))
                .map_err(|e| {
                    Error::unsupported(format!(
                        "an inline image lies under a redaction box and cannot be blanked: {e}"
                    ))
                    .with_page(page.page)
                })?;
            rep.insert(opi as usize, blanked);
        }
        if let Some(ms) = marks.get(&sid) {
            for &opi in ms {
                if let Some(op) = ops.get(opi as usize) {
                    rep.insert(opi as usize, marked_without_text(op));
                }
            }
        }
        if let Some(ps) = paths.get(&sid) {
            for (&opi, &with) in ps {
                rep.insert(opi as usize, with.to_vec());
            }
        }
        if !ids.contains(&sid) && rep.is_empty() {
            continue;
        }
        let new = content::rewrite(&data, &ops, &rep);
        let shared = !is_form && (!edited.insert(sid) || drawn_by_other_page(doc, page_id, sid));
        if is_form {
            copy_form(doc, (page_id, page, &own), sid, Some(new), &mut copies, 0)
                .map_err(|e| e.with_page(page.page))?;
        } else if shared {
            let mut copy = lopdf::Stream::new(Dictionary::new(), new);
            super::compress(&mut copy);
            let new_id = doc.add_object(copy);
            replace_content(doc, page_id, sid, new_id).map_err(|e| e.with_page(page.page))?;
        } else if let Ok(Object::Stream(s)) = doc.get_object_mut(sid) {
            s.set_plain_content(new);
            super::compress(s);
        }
    }
    if !plan.blank_images.is_empty() {
        blank_images(doc, (page_id, page, &own), plan, &mut copies)?;
    }
    if !plan.boxes.is_empty() {
        draw_boxes(doc, page_id, plan, label)?;
    }
    if ocr_layer && plan.ocr {
        draw_ocr_layer(doc, page_id, page, plan, &dropped)?;
    }
    Ok(())
}

/// The page's resources with Helvetica (WinAnsi) added as font `name`, for text foiredact draws.
fn resources_with_helvetica(doc: &Document, page_id: ObjectId, name: &str) -> Dictionary {
    let mut resources = page_resources(doc, page_id).cloned().unwrap_or_default();
    let mut fonts = get_dict(doc, &resources, b"Font")
        .cloned()
        .unwrap_or_default();
    fonts.set(name, dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" });
    resources.set("Font", Object::Dictionary(fonts));
    resources
}

/// Font resource name of the invisible OCR text layer (`--ocr-layer`).
const OCR_FONT: &str = "FoiRedactOcr";

/// Writes the words OCR read on a scanned page, less the redacted ones, as an invisible text layer
/// (render mode 3) over the (blanked) image, so that the published scan can be searched and selected.
/// Each run of kept letters is set in Helvetica, stretched (Tz) to the width OCR measured. A run with a
/// letter Helvetica's WinAnsi encoding cannot show is left out; so is any letter inside a box.
fn draw_ocr_layer(
    doc: &mut Document,
    page_id: ObjectId,
    page: &PageText,
    plan: &PagePlan,
    dropped: &[bool],
) -> Result<()> {
    let keep = |gi: usize| {
        let g = &page.glyphs[gi];
        g.at.stream == super::page::VIRTUAL
            && !dropped[gi]
            && !g.text.trim().is_empty()
            && !plan
                .boxes
                .iter()
                .any(|b| b.rect.grow(0.5).contains(g.bbox.center()))
    };
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for gi in 0..page.glyphs.len() {
        if !keep(gi) {
            if runs.last().is_some_and(|r| !r.is_empty()) {
                runs.push(Vec::new());
            }
            continue;
        }
        let same_line = runs
            .last()
            .and_then(|r| r.last())
            .is_some_and(|&p| (page.glyphs[p].origin.1 - page.glyphs[gi].origin.1).abs() < 0.5);
        match runs.last_mut() {
            Some(r) if same_line => r.push(gi),
            _ => runs.push(vec![gi]),
        }
    }
    let mut s = String::from("Q\nq BT 3 Tr\n");
    let mut any = false;
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let text: String = run.iter().map(|&g| page.glyphs[g].text.as_str()).collect();
        let Some(bytes) = text
            .chars()
            .map(|c| match c as u32 {
                0x20..=0x7E | 0xA0..=0xFF => Some(c as u32 as u8),
                _ => None,
            })
            .collect::<Option<Vec<u8>>>()
        else {
            continue;
        };
        let (first, last) = (&page.glyphs[run[0]], &page.glyphs[run[run.len() - 1]]);
        let size = first.size.max(1.0);
        let natural = label_width(&text, size);
        let width = last.bbox.x1 - first.bbox.x0;
        if natural <= 0.0 || width <= 0.0 {
            continue;
        }
        any = true;
        s.push_str(&format!(
            "/{OCR_FONT} {} Tf {} Tz 1 0 0 1 {} {} Tm {} Tj\n",
            fmt_num(size),
            fmt_num(100.0 * width / natural),
            fmt_num(first.bbox.x0),
            fmt_num(first.origin.1),
            hex_string(&bytes)
        ));
    }
    s.push_str("ET Q\n");
    if !any {
        return Ok(());
    }
    let resources = resources_with_helvetica(doc, page_id, OCR_FONT);
    super::overlay_page(doc, page_id, s.into_bytes(), resources)
}

/// Whether a page other than `page_id` draws content stream `sid` (its /Contents names it).
fn drawn_by_other_page(doc: &Document, page_id: ObjectId, sid: ObjectId) -> bool {
    let names = |o: &Object| match o {
        Object::Reference(id) if *id == sid => true,
        Object::Reference(id) => matches!(doc.get_object(*id), Ok(Object::Array(a))
            if a.iter().any(|o| matches!(o, Object::Reference(r) if *r == sid))),
        Object::Array(a) => a
            .iter()
            .any(|o| matches!(o, Object::Reference(r) if *r == sid)),
        _ => false,
    };
    doc.objects.iter().any(|(id, o)| {
        *id != page_id
            && matches!(o, Object::Dictionary(d)
                if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"Page".as_slice())
                    && d.get(b"Contents").is_ok_and(names))
    })
}

/// Makes this page's /Contents name `new` where it named `old` (an indirect array of streams becomes
/// the page's own array).
fn replace_content(
    doc: &mut Document,
    page_id: ObjectId,
    old: ObjectId,
    new: ObjectId,
) -> Result<()> {
    let swap = |o: &Object| match o {
        Object::Reference(id) if *id == old => Object::Reference(new),
        o => o.clone(),
    };
    let contents = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|p| p.get(b"Contents").ok())
        .cloned();
    let replaced = match contents {
        Some(Object::Reference(id)) if id == old => Object::Reference(new),
        Some(Object::Reference(id)) => match doc.get_object(id) {
            Ok(Object::Array(a)) => Object::Array(a.iter().map(swap).collect()),
            _ => return Err(Error::invariant("a page's content stream vanished")),
        },
        Some(Object::Array(a)) => Object::Array(a.iter().map(swap).collect()),
        _ => return Err(Error::invariant("a page's content stream vanished")),
    };
    doc.get_dictionary_mut(page_id)
        .map_err(|_| Error::invariant("page vanished"))?
        .set("Contents", replaced);
    Ok(())
}

/// Gives this page its own copy of Form XObject `sid` (with `content`, when given), in place of the
/// shared one wherever this page draws it: in the page's (copied) resources when a page content stream
/// draws it, else in a copy of each form that draws it, made the same way up the chain (ISO 32000-1
/// 8.10: a form's names are looked up in its own /Resources). `copies` holds this page's copies made so
/// far (original -> copy), so that a form is copied once per page. Extraction bounds how deep forms
/// nest and refuses cycles; `depth` bounds the walk up the chain all the same.
fn copy_form(
    doc: &mut Document,
    at: (ObjectId, &PageText, &[ObjectId]),
    sid: ObjectId,
    content: Option<Vec<u8>>,
    copies: &mut HashMap<ObjectId, ObjectId>,
    depth: usize,
) -> Result<ObjectId> {
    let (page_id, page, own) = at;
    if let Some(&c) = copies.get(&sid) {
        if let (Some(content), Ok(Object::Stream(s))) = (content, doc.get_object_mut(c)) {
            s.set_plain_content(content);
            super::compress(s);
        }
        return Ok(c);
    }
    if depth > 64 {
        return Err(Error::unsupported("Form XObjects nest too deeply"));
    }
    let mut copy = match doc.get_object(sid) {
        Ok(Object::Stream(s)) => s.clone(),
        _ => return Err(Error::invariant("a Form XObject vanished")),
    };
    if let Some(content) = content {
        copy.set_plain_content(content);
        super::compress(&mut copy);
    }
    let new_id = doc.add_object(copy);
    copies.insert(sid, new_id);
    let parents: Vec<(ObjectId, Vec<u8>)> = page
        .forms
        .iter()
        .filter(|f| f.form == sid)
        .map(|f| (f.parent, f.name.clone()))
        .collect();
    if parents.is_empty() {
        return Err(Error::invariant(
            "a Form XObject to change is drawn by nothing on its page",
        ));
    }
    for (parent, name) in parents {
        if own.contains(&parent) {
            let mut resources = page_resources(doc, page_id).cloned().unwrap_or_default();
            let mut xobjects = get_dict(doc, &resources, b"XObject")
                .cloned()
                .unwrap_or_default();
            xobjects.set(name, Object::Reference(new_id));
            resources.set("XObject", Object::Dictionary(xobjects));
            doc.get_dictionary_mut(page_id)
                .map_err(|_| Error::invariant("page vanished"))?
                .set("Resources", Object::Dictionary(resources));
        } else {
            let p = copy_form(doc, at, parent, None, copies, depth + 1)?;
            let Ok(Object::Stream(ps)) = doc.get_object(p) else {
                return Err(Error::invariant("a Form XObject vanished"));
            };
            let Some(mut resources) = get_dict(doc, &ps.dict, b"Resources").cloned() else {
                return Err(Error::unsupported(
                    "a Form XObject without resources of its own draws a form to change (not supported yet)",
                ));
            };
            let mut xobjects = get_dict(doc, &resources, b"XObject")
                .cloned()
                .unwrap_or_default();
            xobjects.set(name, Object::Reference(new_id));
            resources.set("XObject", Object::Dictionary(xobjects));
            if let Ok(Object::Stream(ps)) = doc.get_object_mut(p) {
                ps.dict.set("Resources", Object::Dictionary(resources));
            }
        }
    }
    Ok(new_id)
}

/// Replaces each image XObject under boxes with a copy whose pixels under them are blanked (with its
/// mask); the page's own (copied) resources point at the copy, so other pages drawing the same image
/// are untouched. An image drawn by a Form XObject is replaced in this page's copy of the form (made
/// up the chain as for text). Inline images were blanked in their operation already.
fn blank_images(
    doc: &mut Document,
    at: (ObjectId, &PageText, &[ObjectId]),
    plan: &PagePlan,
    copies: &mut HashMap<ObjectId, ObjectId>,
) -> Result<()> {
    let (page_id, page, _) = at;
    // (The form that draws it, or None for the page) -> name -> uses.
    type Uses = Vec<(super::Matrix, Vec<Rect>)>;
    let mut by_name: BTreeMap<(Option<ObjectId>, String), Uses> = BTreeMap::new();
    for (k, rects) in &plan.blank_images {
        let im = page
            .images
            .get(*k)
            .ok_or_else(|| Error::invariant("plan names an image that does not exist"))?;
        let Some(name) = &im.name else { continue };
        let holder = im.in_form.then_some(im.stream);
        by_name
            .entry((holder, name.clone()))
            .or_default()
            .push((super::Matrix(im.ctm), rects.clone()));
    }
    for ((holder, name), uses) in by_name {
        // This page's copy of the form that draws it (its resources are changed, never the original's).
        let holder = match holder {
            None => None,
            Some(form) => Some(
                copy_form(doc, at, form, None, copies, 0).map_err(|e| e.with_page(page.page))?,
            ),
        };
        let res_of = |doc: &Document, h: Option<ObjectId>| -> Option<Dictionary> {
            match h {
                None => page_resources(doc, page_id).cloned(),
                Some(f) => match doc.get_object(f) {
                    Ok(Object::Stream(s)) => get_dict(doc, &s.dict, b"Resources").cloned(),
                    _ => None,
                },
            }
        };
        let Some(mut resources) = res_of(doc, holder) else {
            return Err(Error::unsupported(
                "an image under a redaction box is drawn by a Form XObject without resources of its own (not supported yet)",
            )
            .with_page(page.page));
        };
        let mut xobjects = get_dict(doc, &resources, b"XObject")
            .cloned()
            .unwrap_or_default();
        let id = match xobjects.get(name.as_bytes()) {
            Ok(Object::Reference(id)) => *id,
            _ => return Err(Error::invariant("an image's XObject is missing").with_page(page.page)),
        };
        let stream = match doc.get_object(id) {
            Ok(Object::Stream(s)) => s,
            _ => {
                return Err(
                    Error::invariant("an image's XObject is not a stream").with_page(page.page)
                )
            }
        };
        let blanked = super::images::blank(doc, stream, &uses).map_err(|e| {
            Error::unsupported(format!(
                "an image lies under a redaction box and cannot be blanked: {e}"
            ))
            .with_page(page.page)
        })?;
        let (mut blanked, mask) = blanked;
        if let Some((key, m)) = mask {
            let mask_id = doc.add_object(m);
            blanked.dict.set(key, Object::Reference(mask_id));
        }
        let new_id = doc.add_object(blanked);
        xobjects.set(name.as_bytes().to_vec(), Object::Reference(new_id));
        resources.set("XObject", Object::Dictionary(xobjects));
        match holder {
            None => {
                doc.get_dictionary_mut(page_id)
                    .map_err(|_| Error::invariant("page vanished"))?
                    .set("Resources", Object::Dictionary(resources));
            }
            Some(copy) => {
                if let Ok(Object::Stream(s)) = doc.get_object_mut(copy) {
                    s.dict.set("Resources", Object::Dictionary(resources));
                }
            }
        }
    }
    Ok(())
}

enum Item {
    Str(Vec<u8>),
    Num(f64),
}

/// A BDC operation without its property list's texts: `/Tag <</MCID n>> BDC`, or `/Tag BMC`.
fn marked_without_text(op: &Op) -> Vec<u8> {
    let tag: String = op
        .operands
        .first()
        .and_then(Operand::name)
        .unwrap_or(b"Span")
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("#{b:02X}")
            }
        })
        .collect();
    match op
        .operands
        .get(1)
        .and_then(|p| p.dict_get(b"MCID"))
        .and_then(Operand::num)
    {
        Some(n) => format!("/{tag} <</MCID {}>> BDC", n as i64).into_bytes(),
        None => format!("/{tag} BMC").into_bytes(),
    }
}

/// The first byte of a glyph's code in its text operation's string.
fn glyph_byte(op: &Op, gl: &crate::model::Glyph) -> Option<u8> {
    let s = match op.operands.last()? {
        Operand::Array(a) if op.is("TJ") => a.get(gl.at.item as usize)?,
        o => o,
    };
    match s {
        Operand::Str(b) => b.get(gl.at.byte as usize).copied(),
        _ => None,
    }
}

/// Word spacing, font size and horizontal scaling as the text operations of a page's content streams
/// leave them, and how far the re-set has moved the current text line (`shift`, points along the
/// baseline).
#[derive(Default)]
struct TextState {
    tw: f64,
    tw_stack: Vec<f64>,
    tfs: f64,
    /// Horizontal scaling (Tz / 100); `None`: 1.
    th: Option<f64>,
    shift: f64,
    /// The last known page points per text space unit (for a positioning operation with nothing
    /// shown after it).
    along: Option<f64>,
}

/// The text run after a positioning operation (up to the next one): its showing operations.
struct Run {
    /// Showing operations (index into the stream's operations) in the run.
    shows: Vec<usize>,
    /// The first glyph the run keeps, and the advance of the deleted glyphs before it in its
    /// operation (points).
    kept: Option<(usize, f64)>,
    /// Page points per unscaled text space unit along the baseline (from the run's first glyph).
    along: Option<f64>,
    /// The run ends at another positioning operation (not at the end of the stream).
    closed: bool,
}

/// What to do to the glyphs of one page: delete (`dropped`) or move along the baseline (`moved`).
struct Edits<'a> {
    page: &'a PageText,
    by_op: &'a HashMap<(ObjectId, u32), Vec<usize>>,
    dropped: &'a [bool],
    moved: &'a [f64],
    /// Glyphs of re-set cells (moved or not): their operations are always written out afresh.
    reset: &'a [bool],
}

impl Edits<'_> {
    /// Replacement bytes for the text operations of one stream. A deleted glyph becomes a TJ number of
    /// its own displacement (the rest stays in place); a moved glyph gets a TJ number that takes it to
    /// its new place. `carry` is the shift already applied in the current run of text (until the next
    /// Td, TD, Tm, T*, ' or " sets a new position), so that later operations in the same run are
    /// corrected too.
    fn text_ops(
        &self,
        sid: ObjectId,
        ops: &[Op],
        zero_tw: bool,
        state: &mut TextState,
    ) -> std::result::Result<BTreeMap<usize, Vec<u8>>, String> {
        let mut rep = BTreeMap::new();
        let mut carry = 0.0f64;
        // With `zero_tw` (a page, or form, whose text is re-set), word spacing (Tw) is set to 0: its
        // value is the original line's justification, from which the redacted text's width can be
        // worked out. The glyphs keep their new places: each one's shift grows by the word spacing the
        // spaces before it on its run no longer get (`lost`, in text space units; `ratio` turns it into
        // points on the page). `state` carries Tw and the font size from one content stream of the page
        // to the next, as the graphics state does.
        //
        // With `zero_tw`, the positioning operations are re-set too (`position`): a line placed by its
        // original width (centred, right-aligned, or per glyph) would otherwise keep that width in
        // its Td or Tm operands, and the TJ numbers that correct it.
        let TextState {
            tw,
            tw_stack,
            tfs,
            th,
            shift,
            along,
        } = state;
        let (mut lost, mut ratio) = (0.0f64, 0.0f64);
        for (i, op) in ops.iter().enumerate() {
            match op.operator.as_slice() {
                b"q" if zero_tw => tw_stack.push(*tw),
                b"Q" if zero_tw => *tw = tw_stack.pop().unwrap_or(*tw),
                b"Tw" if zero_tw => {
                    *tw = op.num(0).unwrap_or(0.0);
                    rep.insert(i, b"0 Tw".to_vec());
                }
                b"Tf" => *tfs = op.num(1).filter(|v| v.abs() > 1e-9).unwrap_or(*tfs),
                b"Tz" => *th = op.num(0).map(|v| v / 100.0).filter(|v| v.abs() > 1e-9),
                b"BT" => {
                    carry = 0.0;
                    lost = 0.0;
                    *shift = 0.0;
                }
                b"Td" | b"TD" | b"Tm" | b"T*" => {
                    lost = 0.0;
                    carry = 0.0;
                    if zero_tw {
                        let mut run = self.run(sid, ops, i, *tfs, th.unwrap_or(1.0));
                        if run.along.is_some() {
                            *along = run.along;
                        } else if run.shows.is_empty() {
                            run.along = *along;
                        }
                        let (bytes, want) = self.position(op, &run, *shift);
                        if let Some(b) = bytes {
                            rep.insert(i, b);
                        }
                        *shift = want;
                        carry = want;
                    }
                }
                b"Tj" | b"TJ" | b"'" | b"\"" => {
                    let mut prefix = String::new();
                    if op.is("'") || op.is("\"") {
                        carry = 0.0;
                        lost = 0.0;
                        if zero_tw {
                            // A T* of its own (the line keeps its shift), then the line start moves to
                            // where the first kept glyph goes.
                            carry = *shift;
                            let run =
                                self.run(sid, ops, i.wrapping_sub(1), *tfs, th.unwrap_or(1.0));
                            if let (Some((k, lead)), Some(a)) = (run.kept, run.along) {
                                *along = Some(a);
                                let want = self.moved[k] + lead;
                                if (want - *shift).abs() > 1e-6 {
                                    prefix = format!("{} 0 Td ", fmt_num((want - *shift) / a));
                                }
                                *shift = want;
                                carry = want;
                            }
                        }
                    }
                    if op.is("\"") && zero_tw {
                        *tw = op.num(0).unwrap_or(0.0);
                    }
                    let glyphs: &[usize] =
                        self.by_op.get(&(sid, i as u32)).map_or(&[], Vec::as_slice);
                    let mut extra: HashMap<usize, f64> = HashMap::new();
                    if zero_tw && (*tw != 0.0 || lost != 0.0) {
                        for &g in glyphs {
                            let gl = &self.page.glyphs[g];
                            if gl.tj_units.abs() > 1e-9 {
                                ratio = gl.advance * 1000.0 / (gl.tj_units * *tfs);
                            }
                            if lost != 0.0 {
                                extra.insert(g, lost * ratio);
                            }
                            if !self.dropped[g] && gl.at.len == 1 && glyph_byte(op, gl) == Some(32)
                            {
                                lost += *tw;
                            }
                        }
                    }
                    let touched = glyphs
                        .iter()
                        .any(|&g| self.dropped[g] || self.moved[g] != 0.0 || self.reset[g])
                        || !extra.is_empty()
                        || (zero_tw && op.is("\""))
                        || !prefix.is_empty();
                    if touched || carry.abs() > 1e-6 {
                        let (bytes, c) = self.rebuild(op, glyphs, carry, &extra, zero_tw)?;
                        let mut b = prefix.into_bytes();
                        b.extend(bytes);
                        rep.insert(i, b);
                        carry = c;
                    }
                }
                _ => {}
            }
        }
        Ok(rep)
    }

    /// The run after positioning operation `at` (up to the next positioning operation or the end of
    /// the stream), with the font size and horizontal scaling in effect as it starts.
    fn run(&self, sid: ObjectId, ops: &[Op], at: usize, mut tfs: f64, mut th: f64) -> Run {
        let mut run = Run {
            shows: Vec::new(),
            kept: None,
            along: None,
            closed: false,
        };
        let mut lead = 0.0;
        for (j, op) in ops.iter().enumerate().skip(at.wrapping_add(1)) {
            match op.operator.as_slice() {
                b"Tf" => tfs = op.num(1).filter(|v| v.abs() > 1e-9).unwrap_or(tfs),
                b"Tz" => th = op.num(0).map_or(1.0, |v| v / 100.0),
                b"BT" | b"ET" | b"Td" | b"TD" | b"Tm" | b"T*" => {
                    run.closed = true;
                    break;
                }
                b"'" | b"\"" if j != at.wrapping_add(1) => {
                    run.closed = true;
                    break;
                }
                b"Tj" | b"TJ" | b"'" | b"\"" => {
                    run.shows.push(j);
                    let glyphs = self
                        .by_op
                        .get(&(sid, j as u32))
                        .map_or(&[][..], Vec::as_slice);
                    if run.along.is_none() {
                        // (Only text that runs left to right on the page: the re-set moves along x.)
                        run.along = glyphs
                            .iter()
                            .map(|&g| &self.page.glyphs[g])
                            .find(|g| g.tj_units.abs() > 1e-9 && g.advance.abs() > 1e-9)
                            .filter(|g| g.dir.0 > 0.999)
                            .map(|g| g.advance * 1000.0 / (g.tj_units * tfs * th))
                            .filter(|a| a.is_finite() && *a > 1e-9);
                    }
                    // What comes before the first kept glyph (deleted glyphs and the TJ numbers
                    // among them, in this operation or in earlier ones of the run, which go whole)
                    // does not move the re-set line: `lead` is how far it took the original.
                    if run.kept.is_some() {
                        continue;
                    }
                    // Page points per TJ unit, from a glyph of this operation.
                    let per_unit = glyphs
                        .iter()
                        .map(|&g| &self.page.glyphs[g])
                        .find(|g| g.tj_units.abs() > 1e-9)
                        .map_or(0.0, |g| g.advance / g.tj_units);
                    let items: Vec<&Operand> = match op.operands.last() {
                        Some(Operand::Array(a)) if op.is("TJ") => a.iter().collect(),
                        Some(o) => vec![o],
                        None => Vec::new(),
                    };
                    'items: for (idx, it) in items.iter().enumerate() {
                        match it {
                            // ISO 32000-1 9.4.3: a TJ number n moves the next glyph by -n/1000 em.
                            Operand::Num(n) => lead -= n * per_unit,
                            Operand::Str(_) => {
                                for &g in glyphs
                                    .iter()
                                    .filter(|&&g| self.page.glyphs[g].at.item == idx as u32)
                                {
                                    if !self.dropped[g] {
                                        run.kept = Some((g, lead));
                                        break 'items;
                                    }
                                    lead += self.page.glyphs[g].advance;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        run
    }

    /// A positioning operation (Td, TD, Tm, T*) re-set so that the line it starts begins where its
    /// first kept glyph goes (`shift`: how far the current line is already moved, in points along
    /// the baseline). Returns the replacement (if any) and the new line's shift. A run that keeps no
    /// glyph is positioned by a constant (a relative move of 0, a matrix at 0), or its Td goes when it
    /// only showed deleted glyphs: nothing in the operands then depends on them.
    fn position(&self, op: &Op, run: &Run, shift: f64) -> (Option<Vec<u8>>, f64) {
        let Some(along) = run.along else {
            // Nothing is shown in the run (or its scale is unknown): a relative move stays relative.
            return match op.operator.as_slice() {
                b"Tm" => (None, 0.0),
                _ => (None, shift),
            };
        };
        let rel = |tx: f64, ty: f64, want: f64, name: &str| {
            if (want - shift).abs() < 1e-9 {
                return (None, want);
            }
            let tx2 = tx + (want - shift) / along;
            (
                Some(format!("{} {} {name}", fmt_num(tx2), fmt_num(ty)).into_bytes()),
                want,
            )
        };
        let (tx, ty) = (op.num(0).unwrap_or(0.0), op.num(1).unwrap_or(0.0));
        match (op.operator.as_slice(), run.kept) {
            (b"Td" | b"TD", Some((k, lead))) => rel(
                tx,
                ty,
                self.moved[k] + lead,
                if op.is("Td") { "Td" } else { "TD" },
            ),
            (b"Td", None) if ty.abs() < 1e-9 && run.closed && !run.shows.is_empty() => {
                // Shows only deleted glyphs (one Td per glyph, as Chromium writes): gone with them.
                (Some(Vec::new()), shift - tx * along)
            }
            (b"Td" | b"TD", None) => {
                let want = shift - tx * along;
                rel(tx, ty, want, if op.is("Td") { "Td" } else { "TD" })
            }
            (b"T*", Some((k, lead))) => {
                let want = self.moved[k] + lead;
                if (want - shift).abs() <= 1e-6 {
                    return (None, shift);
                }
                (
                    Some(format!("{} 0 Td T*", fmt_num((want - shift) / along)).into_bytes()),
                    want,
                )
            }
            (b"T*", None) => (None, shift),
            (b"Tm", _) if run.shows.is_empty() => (None, 0.0),
            (b"Tm", kept) => {
                let m: Vec<f64> = (0..6).filter_map(|n| op.num(n)).collect();
                if m.len() != 6 || m[1].abs() > 1e-9 || m[2].abs() > 1e-9 || m[0] <= 0.0 {
                    return (None, 0.0);
                }
                // Page points per unit of the matrix's own translation.
                let per = along / m[0];
                let want = match kept {
                    Some((k, lead)) => self.moved[k] + lead,
                    None => -m[4] * per,
                };
                let e = m[4] + want / per;
                let s = format!(
                    "{} {} {} {} {} {} Tm",
                    fmt_num(m[0]),
                    fmt_num(m[1]),
                    fmt_num(m[2]),
                    fmt_num(m[3]),
                    fmt_num(e),
                    fmt_num(m[5])
                );
                (Some(s.into_bytes()), want)
            }
            _ => (None, shift),
        }
    }

    fn rebuild(
        &self,
        op: &Op,
        glyphs: &[usize],
        mut carry: f64,
        extra: &HashMap<usize, f64>,
        zero_tw: bool,
    ) -> std::result::Result<(Vec<u8>, f64), String> {
        let tj = op.is("TJ");
        let items: Vec<&Operand> = match op.operands.last() {
            Some(Operand::Array(a)) if tj => a.iter().collect(),
            Some(o) if !tj => vec![o],
            _ => return Err("a text operation has unexpected operands".into()),
        };
        let mut out: Vec<Item> = Vec::new();
        for (k, it) in items.into_iter().enumerate() {
            match it {
                Operand::Str(bytes) => {
                    let mut pos = 0usize;
                    for &g in glyphs
                        .iter()
                        .filter(|&&g| self.page.glyphs[g].at.item == k as u32)
                    {
                        let gl = &self.page.glyphs[g];
                        let (b, l) = (gl.at.byte as usize, gl.at.len as usize);
                        if b > pos && b <= bytes.len() {
                            out.push(Item::Str(bytes[pos..b].to_vec()));
                        }
                        if self.dropped[g] {
                            // ISO 32000-1 9.4.3: a TJ number n moves the next glyph by -n/1000 of the font size.
                            out.push(Item::Num(-gl.tj_units));
                        } else {
                            let moved = self.moved[g] + extra.get(&g).copied().unwrap_or(0.0);
                            let shift = moved - carry;
                            if shift.abs() > 1e-6 && gl.advance.abs() > 1e-9 {
                                // TJ units per point on the page, from the glyph's own advance.
                                out.push(Item::Num(-shift * gl.tj_units / gl.advance));
                                carry = moved;
                            }
                            out.push(Item::Str(
                                bytes[b.min(bytes.len())..(b + l).min(bytes.len())].to_vec(),
                            ));
                        }
                        pos = (b + l).min(bytes.len()).max(pos);
                    }
                    if pos < bytes.len() {
                        out.push(Item::Str(bytes[pos..].to_vec()));
                    }
                }
                Operand::Num(n) => out.push(Item::Num(*n)),
                _ => return Err("a TJ array holds something other than strings and numbers".into()),
            }
        }
        let mut merged: Vec<Item> = Vec::new();
        for it in out {
            match (merged.last_mut(), it) {
                (Some(Item::Num(a)), Item::Num(b)) => *a += b,
                (_, Item::Str(s)) if s.is_empty() => {}
                // Glyphs that follow each other stay one string (readers join words within one).
                (Some(Item::Str(a)), Item::Str(b)) => a.extend(b),
                (_, it) => merged.push(it),
            }
        }
        // A number that cancels out (a re-set line start already put the glyph there) is rounding
        // noise: written, it would differ between documents that differ only in the redacted text.
        merged.retain(|it| !matches!(it, Item::Num(n) if n.abs() < 1e-3));
        // A number at the end moves no glyph of this operation: written out, it would be the width
        // of the text deleted at the end of the line. It goes, and the run's carry takes it over (a
        // later operation of the same run is put where it belongs from there).
        let ratio = glyphs
            .iter()
            .rev()
            .map(|&g| &self.page.glyphs[g])
            .find(|g| g.tj_units.abs() > 1e-9 && g.advance.abs() > 1e-9)
            .map(|g| g.advance / g.tj_units);
        if let (Some(r), Some(Item::Num(n))) = (ratio, merged.last()) {
            carry += n * r;
            merged.pop();
        }
        // An operation that showed only deleted glyphs goes whole (an empty one per deleted glyph
        // would say how many there were).
        if merged.is_empty() && (op.is("Tj") || op.is("TJ")) {
            return Ok((Vec::new(), carry));
        }
        let mut s = String::new();
        if op.is("'") {
            s.push_str("T* ");
        } else if op.is("\"") {
            let (aw, ac) = (op.num(0).unwrap_or(0.0), op.num(1).unwrap_or(0.0));
            let aw = if zero_tw { 0.0 } else { aw };
            s.push_str(&format!("{} Tw {} Tc T* ", fmt_num(aw), fmt_num(ac)));
        }
        s.push('[');
        let parts: Vec<String> = merged
            .iter()
            .map(|it| match it {
                Item::Str(b) => hex_string(b),
                Item::Num(n) => fmt_num(*n),
            })
            .collect();
        s.push_str(&parts.join(" "));
        s.push_str("] TJ");
        Ok((s.into_bytes(), carry))
    }
}

/// Helvetica advance widths for the label (standard 14, WinAnsi).
fn label_width(text: &str, size: f64) -> f64 {
    let afm = super::fonts::standard14("Helvetica").expect("Helvetica is a standard-14 font");
    text.chars()
        .map(|c| afm.by_unicode.get(&c.to_string()).copied().unwrap_or(556.0))
        .sum::<f64>()
        * size
        / 1000.0
}

pub use crate::model::LabelMode;

fn draw_boxes(
    doc: &mut Document,
    page_id: ObjectId,
    plan: &PagePlan,
    mode: LabelMode,
) -> Result<()> {
    let mut s = String::from("Q\nq 0 g\n");
    for b in &plan.boxes {
        let r: Rect = b.rect;
        s.push_str(&format!(
            "{} {} {} {} re f\n",
            fmt_num(r.x0),
            fmt_num(r.y0),
            fmt_num(r.width()),
            fmt_num(r.height())
        ));
    }
    s.push_str("Q\n");
    let mut labels = false;
    for b in &plan.boxes {
        let r = b.rect;
        let size = (r.height() * 0.62).min(7.0);
        let shown = mode.shown(&b.why.exemption, &b.why.category);
        let label: String = shown.chars().filter(|c| c.is_ascii_graphic()).collect();
        let w = label_width(&label, size);
        if size < 3.0 || label.is_empty() || w > r.width() - 2.0 {
            continue;
        }
        labels = true;
        let x = r.x0 + (r.width() - w) / 2.0;
        let y = r.y0 + (r.height() - size * 0.7) / 2.0;
        s.push_str(&format!(
            "q BT 1 g /{LABEL_FONT} {} Tf {} {} Td {} Tj ET Q\n",
            fmt_num(size),
            fmt_num(x),
            fmt_num(y),
            hex_string(label.as_bytes())
        ));
    }
    let resources = if labels {
        resources_with_helvetica(doc, page_id, LABEL_FONT)
    } else {
        page_resources(doc, page_id).cloned().unwrap_or_default()
    };
    super::overlay_page(doc, page_id, s.into_bytes(), resources)
}

/// A box to outline on a review copy: its rectangle, colour (RGB 0..1) and small-print label.
pub struct ReviewMark {
    pub rect: Rect,
    pub rgb: (f64, f64, f64),
    pub label: String,
}

/// Size (points) of the review copy's margin labels and legend.
const REVIEW_LABEL_PT: f64 = 7.0;

/// Draws a review copy's marks on a page, over the original content (nothing removed): each proposed
/// redaction outlined and lightly shaded in its colour with its label (id and exemption) in the left
/// margin beside it, one label per line, a band across the top saying what this copy is, and, when
/// `legend` is not empty (the first page), which colour is which category, under the band.
pub fn draw_review(
    doc: &mut Document,
    page_id: ObjectId,
    marks: &[ReviewMark],
    band: &str,
    boundaries: &[(f64, u8)],
    legend: &[(String, (f64, f64, f64))],
) -> Result<()> {
    let media = super::page::page_media_box(doc, page_id).unwrap_or(Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 612.0,
        y1: 792.0,
    });
    let mut s = String::from("Q\nq /FoiRedactShade gs\n");
    for m in marks {
        let (r, g, b) = m.rgb;
        let x = &m.rect;
        s.push_str(&format!(
            "{} {} {} rg {} {} {} {} re f\n",
            fmt_num(r),
            fmt_num(g),
            fmt_num(b),
            fmt_num(x.x0),
            fmt_num(x.y0),
            fmt_num(x.width()),
            fmt_num(x.height())
        ));
    }
    s.push_str("Q\nq 0.8 w\n");
    for m in marks {
        let (r, g, b) = m.rgb;
        let x = &m.rect;
        s.push_str(&format!(
            "{} {} {} RG {} {} {} {} re S\n",
            fmt_num(r),
            fmt_num(g),
            fmt_num(b),
            fmt_num(x.x0),
            fmt_num(x.y0),
            fmt_num(x.width()),
            fmt_num(x.height())
        ));
    }
    // Labels in the left margin, one per box on a line of its own, beside the box (lower when the
    // line above is taken by the label of a box on the same text line), so that they never break
    // the text of the page when it is extracted (the review copy must read like the original).
    let mut order: Vec<&ReviewMark> = marks.iter().collect();
    order.sort_by(|a, b| {
        b.rect
            .y0
            .total_cmp(&a.rect.y0)
            .then(a.rect.x0.total_cmp(&b.rect.x0))
    });
    let step = REVIEW_LABEL_PT + 1.0;
    let mut floor = f64::INFINITY;
    for m in order {
        let y = (m.rect.y0 + 1.0).min(floor).max(media.y0 + 2.0);
        floor = y - step;
        let label: String = m
            .label
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .collect();
        let (r, g, b) = m.rgb;
        s.push_str(&format!(
            "BT {} {} {} rg /{LABEL_FONT} {} Tf {} {} Td {} Tj ET\n",
            fmt_num(r),
            fmt_num(g),
            fmt_num(b),
            fmt_num(REVIEW_LABEL_PT),
            fmt_num(media.x0 + 3.0),
            fmt_num(y),
            hex_string(label.as_bytes())
        ));
    }
    // The colour legend: a filled swatch and the category's name for each, on one line under the
    // band (filled, not stroked: the outlines stay the boxes').
    if !legend.is_empty() {
        let y = media.y1 - 14.0 - REVIEW_LABEL_PT - 3.0;
        let mut x = media.x0 + 8.0;
        let title = "Colours of the proposed redactions:";
        s.push_str(&format!(
            "BT 0 g /{LABEL_FONT} {} Tf {} {} Td {} Tj ET\n",
            fmt_num(REVIEW_LABEL_PT),
            fmt_num(x),
            fmt_num(y),
            hex_string(title.as_bytes())
        ));
        // Helvetica's average width is about half an em.
        x += title.len() as f64 * REVIEW_LABEL_PT * 0.5 + 6.0;
        for (name, (r, g, b)) in legend {
            let name: String = name
                .chars()
                .filter(|c| c.is_ascii_graphic() || *c == ' ')
                .collect();
            s.push_str(&format!(
                "{} {} {} rg {} {} {} {} re f BT 0 g /{LABEL_FONT} {} Tf {} {} Td {} Tj ET\n",
                fmt_num(*r),
                fmt_num(*g),
                fmt_num(*b),
                fmt_num(x),
                fmt_num(y - 0.5),
                fmt_num(REVIEW_LABEL_PT),
                fmt_num(REVIEW_LABEL_PT),
                fmt_num(REVIEW_LABEL_PT),
                fmt_num(x + REVIEW_LABEL_PT + 2.0),
                fmt_num(y),
                hex_string(name.as_bytes())
            ));
            x += REVIEW_LABEL_PT + 2.0 + name.len() as f64 * REVIEW_LABEL_PT * 0.55 + 8.0;
        }
    }
    // Where the page changes part: a dashed rule across the page, named in the left margin (small,
    // so that it stays clear of the page's own text).
    for (y, below) in boundaries {
        s.push_str(&format!(
            "q 0.85 0 0 RG 1 w [6 3] 0 d {} {} m {} {} l S Q \
             BT 0.85 0 0 rg /{LABEL_FONT} 5 Tf {} {} Td {} Tj ET\n",
            fmt_num(media.x0),
            fmt_num(*y),
            fmt_num(media.x1),
            fmt_num(*y),
            fmt_num(media.x0 + 3.0),
            fmt_num(y + 1.5),
            hex_string(format!("PART {below} BELOW").as_bytes())
        ));
    }
    s.push_str(&format!(
        "0.85 0 0 rg {} {} {} 14 re f BT 1 g /{LABEL_FONT} 9 Tf {} {} Td {} Tj ET Q\n",
        fmt_num(media.x0),
        fmt_num(media.y1 - 14.0),
        fmt_num(media.width()),
        fmt_num(media.x0 + 8.0),
        fmt_num(media.y1 - 10.5),
        hex_string(band.as_bytes())
    ));
    let mut resources = resources_with_helvetica(doc, page_id, LABEL_FONT);
    let mut gstates = get_dict(doc, &resources, b"ExtGState")
        .cloned()
        .unwrap_or_default();
    gstates.set(
        "FoiRedactShade",
        dictionary! { "Type" => "ExtGState", "ca" => 0.25 },
    );
    resources.set("ExtGState", Object::Dictionary(gstates));
    super::overlay_page(doc, page_id, s.into_bytes(), resources)
}

/// A /Redact annotation for a marked PDF (ISO 32000-1 12.5.6.23): where the text is (one rectangle per
/// line fragment), the /NM, /Contents and /OverlayText review chose, and its outline colour.
pub struct RedactMark {
    /// 1-based page.
    pub page: usize,
    pub rects: Vec<Rect>,
    pub name: String,
    pub contents: String,
    pub overlay: String,
    pub rgb: (f64, f64, f64),
}

/// Marks proposals for redaction without applying anything: adds one /Redact annotation per mark to
/// its page's /Annots (page content is not touched), and `index` (JSON) to the document information
/// dictionary under `formats::MARKED_INDEX_KEY`.
pub fn add_redact_marks(doc: &mut Document, marks: &[RedactMark], index: &str) -> Result<()> {
    let pages = doc.get_pages();
    let num = |v: f64| Object::Real((v * 100.0).round() as f32 / 100.0);
    for m in marks {
        let Some(&pid) = pages.get(&(m.page as u32)) else {
            return Err(Error::invariant(format!(
                "a mark names page {}, which the document does not have",
                m.page
            )));
        };
        let Some(rect) = m.rects.iter().copied().reduce(|a, b| a.union(&b)) else {
            continue;
        };
        // Each rectangle as a quadrilateral: upper left, upper right, lower left, lower right (the
        // order Acrobat writes, which every reader takes).
        let quads: Vec<Object> = m
            .rects
            .iter()
            .flat_map(|r| [r.x0, r.y1, r.x1, r.y1, r.x0, r.y0, r.x1, r.y0])
            .map(num)
            .collect();
        let (r, g, b) = m.rgb;
        let annot = dictionary! {
            "Type" => "Annot",
            "Subtype" => "Redact",
            "Rect" => vec![num(rect.x0), num(rect.y0), num(rect.x1), num(rect.y1)],
            "QuadPoints" => quads,
            "NM" => super::sanitize::text_string(&m.name),
            "Contents" => super::sanitize::text_string(&m.contents),
            "T" => super::sanitize::text_string("foiredact"),
            "Subj" => super::sanitize::text_string("Redact"),
            "OverlayText" => super::sanitize::text_string(&m.overlay),
            "DA" => Object::string_literal("/Helv 9 Tf 1 g"),
            "Q" => 1,
            "Repeat" => false,
            "C" => vec![num(r), num(g), num(b)],
            "IC" => vec![0.into(), 0.into(), 0.into()],
            "F" => 4,
            "P" => pid,
        };
        let aid = doc.add_object(annot);
        let page = doc
            .get_dictionary(pid)
            .map_err(|_| Error::invariant("a page is not a dictionary"))?;
        // The page's own array, with the earlier entries (an indirect /Annots may be shared).
        let mut list: Vec<Object> = super::get_array(doc, page, b"Annots")
            .cloned()
            .unwrap_or_default();
        list.push(Object::Reference(aid));
        doc.get_dictionary_mut(pid)
            .map_err(|_| Error::invariant("a page is not a dictionary"))?
            .set("Annots", list);
    }
    let info_id = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) if doc.get_dictionary(*id).is_ok() => *id,
        other => {
            // A direct dictionary (kept as it was), or none.
            let info = match other {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            let id = doc.add_object(info);
            doc.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    doc.get_dictionary_mut(info_id)
        .map_err(|_| Error::invariant("the document information is not a dictionary"))?
        .set(
            crate::formats::MARKED_INDEX_KEY,
            Object::string_literal(index),
        );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::extract::tests::{extract, one_page_doc};

    /// Applies a plan that drops glyphs `drop` (no boxes) to a one-page document drawn by `content`;
    /// returns the glyphs before, the page text after, and the page's content stream after.
    fn drop_glyphs(content: &str, drop: &[usize]) -> (PageText, PageText, Vec<u8>) {
        let (mut doc, pid) = one_page_doc(content);
        let before = extract(&doc, pid);
        let plan = PagePlan {
            page: 1,
            drop: drop.to_vec(),
            ..Default::default()
        };
        apply_plan(&mut doc, pid, &before, &plan);
        let after = extract(&doc, pid);
        let stream = doc.get_page_content(pid);
        (before, after, stream)
    }

    /// Applies `plan` to the page (code labels, no OCR layer).
    fn apply_plan(doc: &mut Document, pid: ObjectId, page: &PageText, plan: &PagePlan) {
        apply(
            doc,
            pid,
            page,
            plan,
            &mut HashSet::new(),
            LabelMode::Code,
            false,
        )
        .expect("applies");
    }

    /// Every string shown by the stream's text operations, joined.
    fn shown(stream: &[u8]) -> Vec<u8> {
        let ops = content::parse(stream, &ParseLimits::default()).expect("parses");
        let mut out = Vec::new();
        for op in ops.iter().filter(|o| o.is("Tj") || o.is("TJ") || o.is("'")) {
            for o in &op.operands {
                match o {
                    Operand::Str(s) => out.extend_from_slice(s),
                    Operand::Array(a) => a.iter().for_each(|x| {
                        if let Operand::Str(s) = x {
                            out.extend_from_slice(s)
                        }
                    }),
                    _ => {}
                }
            }
        }
        out
    }

    /// Each kept glyph's text and origin, to a thousandth of a point.
    fn kept(page: &PageText, skip: &[usize]) -> Vec<(String, i64, i64)> {
        page.glyphs
            .iter()
            .enumerate()
            .filter(|(k, g)| !skip.contains(k) && !g.ours)
            .map(|(_, g)| {
                let r = |v: f64| (v * 1000.0).round() as i64;
                (g.text.to_string(), r(g.origin.0), r(g.origin.1))
            })
            .collect()
    }

    #[test]
    fn dropping_a_glyph_of_a_tj_removes_its_byte_and_nothing_moves() {
        let (before, after, stream) = drop_glyphs("BT /F1 10 Tf 100 700 Td (Hello) Tj ET", &[1]);
        assert_eq!(
            shown(&stream),
            b"Hllo",
            "{}",
            String::from_utf8_lossy(&stream)
        );
        assert_eq!(kept(&after, &[]), kept(&before, &[1]));
        assert!(after.problems.is_empty(), "{:?}", after.problems);
    }

    #[test]
    fn dropping_glyphs_across_tj_items_keeps_the_others_in_place() {
        // The kerning numbers and the second line stay as they were around the cut.
        let content = "BT /F1 10 Tf 100 700 Td [(He) -250 (llo) 120 (W)] TJ 0 -14 Td (ab) Tj ET";
        for drop in [vec![0], vec![2], vec![1, 2, 3], vec![5], vec![6]] {
            let (before, after, stream) = drop_glyphs(content, &drop);
            let want: Vec<u8> = b"HelloWab"
                .iter()
                .enumerate()
                .filter(|(k, _)| !drop.contains(k))
                .map(|(_, c)| *c)
                .collect();
            assert_eq!(shown(&stream), want, "drop {drop:?}");
            assert_eq!(kept(&after, &[]), kept(&before, &drop), "drop {drop:?}");
        }
    }

    #[test]
    fn dropping_nothing_leaves_the_text_alone() {
        let content = "BT /F1 10 Tf 100 700 Td [(He) -250 (llo)] TJ ET";
        let (before, after, stream) = drop_glyphs(content, &[]);
        assert_eq!(shown(&stream), b"Hello");
        assert_eq!(kept(&after, &[]), kept(&before, &[]));
    }

    #[test]
    fn re_set_lines_land_where_planned_and_their_operands_forget_the_original_start() {
        // "ab XY cd": XY (glyphs 3, 4) deleted, the rest of the line re-set from x = 60 (a plain
        // layout: each kept glyph after the previous one by its own width). Drawn as producers do:
        // a relative Td from the margin and back (reportlab), an absolute Td (fpdf2), a Td per glyph
        // (Chromium), a Tm under a cm, and with ' .
        let cases = [
            "BT 14 TL /F1 10 Tf 137.5 700 Td (ab XY cd) Tj T* -137.5 0 Td ET",
            "BT /F1 10 Tf 137.5 700 Td (ab XY cd) Tj ET",
            "BT /F1 10 Tf 137.5 700 Td (a) Tj 5.56 0 Td (b) Tj 5.56 0 Td ( ) Tj 2.78 0 Td (X) Tj \
             6.67 0 Td (Y) Tj 6.67 0 Td ( ) Tj 2.78 0 Td (c) Tj 5 0 Td (d) Tj ET",
            "q 1 0 0 1 7.5 0 cm BT /F1 10 Tf 1 0 0 1 130 700 Tm (ab XY cd) Tj ET Q",
            "BT 14 TL /F1 10 Tf 137.5 714 Td (ab XY cd) ' ET",
        ];
        for content in cases {
            let (mut doc, pid) = one_page_doc(content);
            let before = extract(&doc, pid);
            assert_eq!(before.glyphs.len(), 8, "{content}");
            let mut x = 60.0;
            let mut moves = Vec::new();
            for (g, gl) in before.glyphs.iter().enumerate() {
                if g == 3 || g == 4 {
                    continue;
                }
                moves.push((g, x - gl.origin.0));
                x += gl.natural;
            }
            let plan = PagePlan {
                page: 1,
                drop: vec![3, 4],
                moves: moves.clone(),
                ..Default::default()
            };
            apply_plan(&mut doc, pid, &before, &plan);
            let after = extract(&doc, pid);
            let stream = String::from_utf8_lossy(&doc.get_page_content(pid)).to_string();
            let got: Vec<i64> = after
                .glyphs
                .iter()
                .map(|g| (g.origin.0 * 1000.0).round() as i64)
                .collect();
            let want: Vec<i64> = moves
                .iter()
                .map(|&(g, d)| ((before.glyphs[g].origin.0 + d) * 1000.0).round() as i64)
                .collect();
            assert_eq!(got, want, "{content}\n-> {stream}");
            // The original start (137.5, or 130 in the matrix) is written nowhere.
            assert!(
                !stream.contains("137.5") && !stream.contains(" 130 "),
                "{content}\n-> {stream}"
            );
        }
    }

    #[test]
    fn a_plan_naming_a_glyph_that_does_not_exist_is_refused() {
        let (mut doc, pid) = one_page_doc("BT /F1 10 Tf 100 700 Td (Hi) Tj ET");
        let page = extract(&doc, pid);
        let plan = PagePlan {
            page: 1,
            drop: vec![7],
            ..Default::default()
        };
        let r = apply(
            &mut doc,
            pid,
            &page,
            &plan,
            &mut HashSet::new(),
            LabelMode::Code,
            false,
        );
        assert!(r.is_err());
    }
}
