//! The marked PDF (`<stem>.marked.pdf`), read side: what `review` records about a document before it
//! adds its /Redact annotations ([`page_hashes`], [`original_annots`]), and reading an edited marked
//! PDF back into decisions ([`read`]: the [`MarkedIndex`] from the document information dictionary,
//! every annotation as a plain [`Mark`], then `decisions::from_marked`). Adding the annotations is
//! `rewrite::add_redact_marks` (only rewrite changes a document). Never mutates.
//!
//! [`read_decisions`] is how every command reads a `--decisions` file: a marked PDF (its name ends in
//! `.pdf`, or its bytes start as a PDF's) here, anything else as the decisions CSV.
//!
//! # Decisions
//! The marked PDF is the original with one /Redact annotation per proposal, edited in any PDF editor;
//! [`from_marked`] (plain data: no PDF type) reads the [`MarkedIndex`] and the annotations as
//! [`Mark`]s into the same `decisions::Decisions` the CSV gives. A
//! proposal whose annotation is gone is `keep`; its /OverlayText is its exemption; an annotation the
//! officer added (/Redact, /Square or /Highlight) is a manual redaction of its area (its
//! /QuadPoints, else its /Rect), as is a proposal's annotation moved or resized (the proposal is
//! redacted too). Its "rows" are the annotations in page order (row N is the Nth annotation of the
//! file, which names the boxes of an added area `row<N>`), then the proposals whose annotation is
//! gone; messages name them ("annotation 12 (page 2, p2-r5)"). Refused, naming the file: pages
//! whose content changed since review (the redactions applied in the editor would otherwise read as
//! every proposal kept), an annotation of ours made for another input, any other kind of annotation
//! the officer added (a freehand line says nothing foiredact can apply).
//!
//! # Errors
//! A marked file that is not a PDF, cannot be read, or has no index of ours (not a file `review`
//! wrote, or an editor dropped its document information): a usage error naming the file. The rest
//! (another input, changed pages, unreadable annotations) is `decisions::from_marked`'s.

use super::load::{self, LoadLimits};
use super::{get, get_array, get_name, nums, Rect};
use crate::decisions::{Added, AddedKind, Decisions, IdRow};
use crate::error::{Error, Result};
use crate::formats::{
    parse_mark_name, MarkedIndex, MarkedProposal, OriginalAnnot, MARKED_INDEX_KEY,
};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// Per page (in order), a hash (hex) of what it draws: its decoded content with white space left out
/// (an editor that saves the page again may space it otherwise; one that applies a redaction changes
/// it), and the stream data of every XObject it uses (images, and forms with theirs: an editor that
/// blanks an image's pixels changes only the image).
pub fn page_hashes(doc: &Document, lim: &LoadLimits) -> Result<Vec<String>> {
    doc.get_pages()
        .into_values()
        .map(|pid| {
            let c = doc
                .get_page_content_with_limit(pid, lim.max_decompressed)
                .map_err(|e| Error::limit(format!("page content: {e}")))?;
            let mut data: Vec<u8> = c.into_iter().filter(|b| !b.is_ascii_whitespace()).collect();
            let mut seen = std::collections::HashSet::new();
            if let Some(res) = super::page::page_resources(doc, pid) {
                xobject_data(doc, res, 0, &mut seen, &mut data);
            }
            Ok(format!("{:016x}", crate::hash::fnv64(&data)))
        })
        .collect()
}

/// Forms inside forms deeper than this are not followed (extraction declines such pages anyway).
const MAX_FORM_DEPTH: usize = 12;

/// Appends the stream data (as stored) of every XObject of `res`, in name order, and of the XObjects
/// of the forms among them; each object once.
fn xobject_data(
    doc: &Document,
    res: &Dictionary,
    depth: usize,
    seen: &mut std::collections::HashSet<ObjectId>,
    out: &mut Vec<u8>,
) {
    let Some(xobjects) = super::get_dict(doc, res, b"XObject") else {
        return;
    };
    let mut names: Vec<(&Vec<u8>, &Object)> = xobjects.iter().collect();
    names.sort_by(|a, b| a.0.cmp(b.0));
    for (name, o) in names {
        if let Object::Reference(id) = o {
            if !seen.insert(*id) {
                continue;
            }
        }
        let Object::Stream(st) = super::deref(doc, o) else {
            continue;
        };
        out.extend_from_slice(name);
        out.extend_from_slice(&crate::hash::fnv64(&st.content).to_le_bytes());
        if depth < MAX_FORM_DEPTH && get_name(doc, &st.dict, b"Subtype") == Some(b"Form") {
            if let Some(r) = super::get_dict(doc, &st.dict, b"Resources") {
                xobject_data(doc, r, depth + 1, seen, out);
            }
        }
    }
}

/// The annotations of a document (links, form fields, pop-ups and notes aside), to be told from
/// those an officer adds.
pub fn original_annots(doc: &Document) -> Vec<OriginalAnnot> {
    annotations(doc)
        .into_iter()
        .filter(|m| !NOT_MARKS.contains(&m.subtype.as_str()))
        .map(|m| OriginalAnnot {
            page: m.page,
            subtype: m.subtype,
            rect: m.rect,
        })
        .collect()
}

/// Every annotation, in page order, as plain data.
fn annotations(doc: &Document) -> Vec<Mark> {
    let mut v = Vec::new();
    for (n, pid) in doc.get_pages() {
        for a in page_annots(doc, pid) {
            // ISO 32000-1 12.5.6.10: 8 numbers per quadrilateral, x1 y1 ... x4 y4.
            let quads: Vec<Rect> = get_array(doc, a, b"QuadPoints")
                .and_then(|q| nums(doc, q))
                .unwrap_or_default()
                .chunks_exact(8)
                .map(|q| {
                    Rect::from_points(&[(q[0], q[1]), (q[2], q[3]), (q[4], q[5]), (q[6], q[7])])
                })
                .collect();
            // Without a /Rect (a damaged annotation), its quadrilaterals; else an empty rectangle
            // (which `from_marked` refuses for an area to redact).
            let rect = get_array(doc, a, b"Rect")
                .and_then(|r| nums(doc, r))
                .filter(|r| r.len() == 4)
                .map(|r| Rect::from_points(&[(r[0], r[1]), (r[2], r[3])]))
                .or_else(|| quads.iter().copied().reduce(|a, b| a.union(&b)))
                .unwrap_or(Rect {
                    x0: 0.0,
                    y0: 0.0,
                    x1: 0.0,
                    y1: 0.0,
                });
            let text = |k: &[u8]| {
                get(doc, a, k)
                    .and_then(|o| o.as_str().ok())
                    .map(|b| super::text_string(b).trim().to_string())
                    .unwrap_or_default()
            };
            v.push(Mark {
                page: n as usize,
                subtype: get_name(doc, a, b"Subtype")
                    .map(|s| String::from_utf8_lossy(s).to_string())
                    .unwrap_or_default(),
                name: text(b"NM"),
                rect,
                quads,
                overlay: text(b"OverlayText"),
            });
        }
    }
    v
}

/// A page's annotation dictionaries (entries that are not dictionaries skipped).
fn page_annots(doc: &Document, pid: ObjectId) -> Vec<&Dictionary> {
    let Ok(page) = doc.get_dictionary(pid) else {
        return Vec::new();
    };
    get_array(doc, page, b"Annots")
        .map(|a| {
            a.iter()
                .filter_map(|o| match super::deref(doc, o) {
                    Object::Dictionary(d) => Some(d),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An annotation of a marked PDF, as `pdf::marks` reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// 1-based.
    pub page: usize,
    /// Its /Subtype (`Redact`, `Square`, `Link` ...).
    pub subtype: String,
    /// Its /NM (empty if none).
    pub name: String,
    pub rect: Rect,
    /// Its /QuadPoints, one rectangle per quadrilateral.
    pub quads: Vec<Rect>,
    /// Its /OverlayText, trimmed (empty if none).
    pub overlay: String,
}

/// Annotation types that never mean a redaction and that an officer may add or an input may hold:
/// links, form fields, pop-ups and notes.
pub const NOT_MARKS: &[&str] = &["Link", "Widget", "Popup", "Text"];

/// Annotation types read as an area to redact.
const AREA_MARKS: &[&str] = &["Redact", "Square", "Highlight"];

/// Within this many points a proposal's annotation is where review put it.
const MOVED_PT: f64 = 1.0;

/// The decisions a marked PDF holds (see the module's doc): `index` is what review recorded,
/// `marks` every annotation in page order, `pages` the hash (hex) of each page's decoded content now.
pub fn from_marked(
    name: &str,
    index: &MarkedIndex,
    marks: &[Mark],
    pages: &[String],
) -> Result<Decisions> {
    let err = |m: String| Error::usage(format!("{name}: {m}"));
    if pages.len() != index.pages.len() {
        return Err(err(format!(
            "it has {} page(s), but review marked {}: mark the proposals on a fresh review (or use the decisions CSV)",
            pages.len(),
            index.pages.len()
        )));
    }
    if let Some(n) = pages.iter().zip(&index.pages).position(|(a, b)| a != b) {
        return Err(err(format!(
            "the content of page {} changed since review (were the redactions applied in the editor, or the page edited?): foiredact reads only annotations; mark the proposals on a fresh review, and do not apply them in the editor",
            n + 1
        )));
    }
    let near = |a: &Rect, b: &Rect| {
        (a.x0 - b.x0).abs() <= MOVED_PT
            && (a.y0 - b.y0).abs() <= MOVED_PT
            && (a.x1 - b.x1).abs() <= MOVED_PT
            && (a.y1 - b.y1).abs() <= MOVED_PT
    };
    let listed: HashMap<&str, &MarkedProposal> =
        index.proposals.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut d = Decisions::none_for(name);
    d.input_hash = Some(index.input_hash.clone());
    // The proposals whose annotation is there: id -> (its row, its /OverlayText).
    let mut present: HashMap<String, (usize, String)> = HashMap::new();
    let mut originals: Vec<&OriginalAnnot> = index.originals.iter().collect();
    let default_code = || crate::model::DEFAULT_EXEMPTION.to_string();
    for (k, m) in marks.iter().enumerate() {
        let row = k + 1;
        let mut place = format!("annotation {row} (page {}", m.page);
        let areas = |m: &Mark| {
            if m.quads.is_empty() || m.subtype == "Square" {
                vec![m.rect]
            } else {
                m.quads.clone()
            }
        };
        let mut added = Vec::new();
        if let Some((id, fp, hash)) = parse_mark_name(&m.name) {
            place.push_str(&format!(", {id}"));
            if hash != index.input_hash {
                return Err(err(format!(
                    "{place}) was made for another input (its hash is not the one review recorded): mark the proposals on a fresh review of this input"
                )));
            }
            let Some(p) = listed.get(id.as_str()).filter(|p| p.fingerprint == fp) else {
                return Err(err(format!(
                    "{place}) is not one review wrote (its name was changed): delete it, or mark the proposals on a fresh review"
                )));
            };
            let moved = p.page != m.page || p.rect.is_none_or(|r| !near(&r, &m.rect));
            if present.contains_key(&id) || moved {
                // A copy of a proposal's annotation, or one moved or resized: its area is redacted
                // (the proposal is, too).
                added = areas(m);
            }
            present
                .entry(id)
                .or_insert_with(|| (row, m.overlay.clone()));
        } else if NOT_MARKS.contains(&m.subtype.as_str()) {
        } else if let Some(o) = originals
            .iter()
            .position(|o| o.page == m.page && o.subtype == m.subtype && near(&o.rect, &m.rect))
        {
            // The input's own annotation.
            originals.swap_remove(o);
        } else if AREA_MARKS.contains(&m.subtype.as_str()) {
            added = areas(m);
            if added.iter().all(|r| r.width() <= 0.0 || r.height() <= 0.0) {
                return Err(err(format!(
                    "{place}) covers no area (its /Rect cannot be read): draw it again, and delete this one"
                )));
            }
        } else {
            return Err(err(format!(
                "{place}) is a /{} annotation, which foiredact does not read as a decision: mark a redaction with the redaction tool, a rectangle or a highlight, and delete this one",
                m.subtype
            )));
        }
        place.push(')');
        d.places.push(place);
        let exemption = if m.subtype == "Redact" && !m.overlay.is_empty() {
            m.overlay.clone()
        } else {
            default_code()
        };
        for r in added {
            d.added.push(Added {
                row,
                what: AddedKind::Rect(m.page, r),
                exemption: exemption.clone(),
                note: String::new(),
            });
        }
    }
    for p in &index.proposals {
        let (row, keep, exemption) = match present.get(&p.id) {
            Some((row, overlay)) => (*row, false, overlay.clone()),
            // No annotation was written for it: nothing could be deleted.
            None if p.rect.is_none() => {
                d.places.push(format!("{} (no annotation)", p.id));
                (d.places.len(), false, String::new())
            }
            None => {
                d.places
                    .push(format!("{} (its annotation was deleted)", p.id));
                (d.places.len(), true, String::new())
            }
        };
        d.push_row(IdRow {
            row,
            id: p.id.clone(),
            fingerprint: p.fingerprint.clone(),
            keep,
            exemption,
            note: String::new(),
        });
    }
    Ok(d)
}

/// Reads a marked PDF into decisions; `name` is how messages call it.
pub fn read(name: &str, bytes: &[u8], lim: &LoadLimits) -> Result<Decisions> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Error::usage(format!(
            "{name}: not a PDF: a decisions file named .pdf must be the <stem>.marked.pdf review wrote (edited in a PDF editor)"
        )));
    }
    let doc = load::load(bytes, None, lim).map_err(|e| {
        Error::usage(format!(
            "{name}: the marked PDF cannot be read ({}): save it again from the editor, or mark the proposals on a fresh review",
            e.reason()
        ))
    })?;
    let index = doc
        .trailer
        .get(b"Info")
        .ok()
        .map(|o| super::deref(&doc, o))
        .and_then(|o| o.as_dict().ok())
        .and_then(|info| get(&doc, info, MARKED_INDEX_KEY.as_bytes()))
        .and_then(|o| o.as_str().ok())
        .map(super::text_string)
        .ok_or_else(|| {
            Error::usage(format!(
                "{name}: no record of foiredact's proposals in the document information (not a marked PDF review wrote, or the editor dropped it when saving): save edits incrementally, or use the decisions CSV"
            ))
        })?;
    let index = MarkedIndex::from_json(&index).map_err(|e| {
        Error::usage(format!(
            "{name}: the record of foiredact's proposals cannot be read ({e}): mark the proposals on a fresh review"
        ))
    })?;
    let pages = page_hashes(&doc, lim).map_err(|e| e.with_path(name))?;
    from_marked(name, &index, &annotations(&doc), &pages)
}

/// Reads a `--decisions` file: a marked PDF when its name ends in `.pdf` or its bytes start as a
/// PDF's, else the decisions CSV.
pub fn read_decisions(name: &str, bytes: &[u8], lim: &LoadLimits) -> Result<Decisions> {
    let pdf_name = name.to_ascii_lowercase().ends_with(".pdf");
    if pdf_name || bytes.starts_with(b"%PDF-") {
        read(name, bytes, lim)
    } else {
        crate::decisions::parse(name, bytes)
    }
}

/// [`read_decisions`] of a file; an error names it.
pub fn read_decisions_file(f: &std::path::Path, lim: &LoadLimits) -> Result<Decisions> {
    let raw = std::fs::read(f).map_err(|e| Error::from(e).with_path(f))?;
    read_decisions(&f.display().to_string(), &raw, lim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{mark_name, MARKED_INDEX_VERSION};

    const H: &str = "00ff00ff00ff00ff";

    fn r(x0: f64, y0: f64) -> Rect {
        Rect {
            x0,
            y0,
            x1: x0 + 50.0,
            y1: y0 + 10.0,
        }
    }

    fn index() -> MarkedIndex {
        let p = |id: &str, fp: &str, rect: Option<Rect>| MarkedProposal {
            id: id.into(),
            fingerprint: fp.into(),
            page: 1,
            rect,
        };
        MarkedIndex {
            version: MARKED_INDEX_VERSION,
            input_hash: H.into(),
            pages: vec!["aa".into()],
            proposals: vec![
                p("p1-r1", "bcdfghjk", Some(r(72.0, 700.0))),
                p("p1-r2", "bcdfghjm", Some(r(72.0, 600.0))),
                p("p1-r3", "bcdfghjn", None),
            ],
            originals: vec![OriginalAnnot {
                page: 1,
                subtype: "Highlight".into(),
                rect: r(300.0, 300.0),
            }],
        }
    }

    fn mark(subtype: &str, name: &str, rect: Rect, overlay: &str) -> Mark {
        Mark {
            page: 1,
            subtype: subtype.into(),
            name: name.into(),
            rect,
            quads: Vec::new(),
            overlay: overlay.into(),
        }
    }

    fn ours(id: &str, fp: &str, rect: Rect, overlay: &str) -> Mark {
        mark("Redact", &mark_name(id, fp, H), rect, overlay)
    }

    #[test]
    fn annotations_are_decisions() {
        let idx = index();
        let pages = vec!["aa".to_string()];
        // As review wrote it, with the input's own highlight and a link: every proposal redacted.
        let untouched = vec![
            ours("p1-r1", "bcdfghjk", r(72.0, 700.0), "s40(2)"),
            ours("p1-r2", "bcdfghjm", r(72.2, 600.0), "s40(2)"),
            mark("Highlight", "", r(300.3, 300.0), ""),
            mark("Link", "", r(10.0, 10.0), ""),
        ];
        let d = from_marked("m.pdf", &idx, &untouched, &pages).expect("reads");
        assert_eq!(d.input_hash.as_deref(), Some(H));
        assert!(d.rows.iter().all(|r| !r.keep) && d.rows.len() == 3);
        assert!(d.added.is_empty());
        assert_eq!(d.row("p1-r1").map(|r| r.exemption.as_str()), Some("s40(2)"));
        // p1-r2 deleted, p1-r1's exemption changed, a square and a highlight (two lines) added, and a
        // copy of p1-r1's mark moved elsewhere.
        let mut hl = mark("Highlight", "fitz-A1", r(100.0, 100.0), "");
        hl.quads = vec![r(100.0, 100.0), r(72.0, 88.0)];
        let edited = vec![
            ours("p1-r1", "bcdfghjk", r(72.0, 700.0), "s38"),
            mark("Square", "", r(200.0, 200.0), ""),
            hl,
            ours("p1-r1", "bcdfghjk", r(72.0, 500.0), "s38"),
            mark("Redact", "", r(400.0, 400.0), "s43"),
        ];
        let d = from_marked("m.pdf", &idx, &edited, &pages).expect("reads");
        assert!(d.row("p1-r2").expect("row").keep);
        assert!(!d.row("p1-r3").expect("row").keep, "never marked: redacted");
        let r1 = d.row("p1-r1").expect("row");
        assert_eq!((r1.keep, r1.exemption.as_str(), r1.row), (false, "s38", 1));
        let added: Vec<(usize, String)> = d
            .added
            .iter()
            .map(|a| (a.row, a.exemption.clone()))
            .collect();
        let d40 = crate::model::DEFAULT_EXEMPTION.to_string();
        assert_eq!(
            added,
            [
                (2, d40.clone()),
                (3, d40.clone()),
                (3, d40),
                (4, "s38".into()),
                (5, "s43".into())
            ]
        );
        assert_eq!(d.place(3), "annotation 3 (page 1)");
        assert_eq!(
            d.place(d.row("p1-r2").expect("row").row),
            "p1-r2 (its annotation was deleted)"
        );
    }

    #[test]
    fn what_cannot_be_read_is_refused() {
        let idx = index();
        let pages = vec!["aa".to_string()];
        let e = |marks: Vec<Mark>, pages: &[String]| {
            from_marked("m.pdf", &idx, &marks, pages)
                .expect_err("refused")
                .to_string()
        };
        let other = mark(
            "Redact",
            &mark_name("p1-r1", "bcdfghjk", "1111"),
            r(72.0, 700.0),
            "",
        );
        let m = e(vec![other], &pages);
        assert!(
            m.starts_with("m.pdf: annotation 1 (page 1, p1-r1)") && m.contains("another input"),
            "{m}"
        );
        let m = e(vec![], &["bb".to_string()]);
        assert!(m.contains("page 1 changed") && m.contains("applied"), "{m}");
        let m = e(vec![], &[]);
        assert!(m.contains("0 page(s), but review marked 1"), "{m}");
        let m = e(vec![mark("Ink", "", r(1.0, 1.0), "")], &pages);
        assert!(
            m.contains("annotation 1 (page 1)") && m.contains("/Ink"),
            "{m}"
        );
        let m = e(vec![ours("p1-r1", "zzzzzzzz", r(72.0, 700.0), "")], &pages);
        assert!(m.contains("not one review wrote"), "{m}");
        let flat = Rect {
            x0: 5.0,
            y0: 5.0,
            x1: 5.0,
            y1: 5.0,
        };
        let m = e(vec![mark("Square", "", flat, "")], &pages);
        assert!(m.contains("covers no area"), "{m}");
    }

    #[test]
    fn a_decisions_file_is_read_by_its_kind() {
        let lim = LoadLimits::default();
        let csv = read_decisions(
            "d.csv",
            b"id,fingerprint,decision\np1-r1,bcdfghjk,keep\n",
            &lim,
        )
        .expect("a CSV");
        assert!(csv.row("p1-r1").expect("row").keep);
        let m = read_decisions("d.marked.pdf", b"id,decision\n", &lim)
            .expect_err("not a PDF")
            .to_string();
        assert!(m.starts_with("d.marked.pdf: not a PDF"), "{m}");
        let m = read_decisions("d.csv", b"%PDF-1.7\n%%EOF", &lim)
            .expect_err("a PDF by its bytes")
            .to_string();
        assert!(m.contains("cannot be read"), "{m}");
    }
}
