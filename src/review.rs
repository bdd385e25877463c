//! The review copy of a PDF: the original pages with every proposed redaction outlined in its
//! category's colour with its id and exemption (nothing removed), the decisions file's rows for
//! the proposals, and the marked copy: the original with one /Redact annotation per proposal, for
//! review in a PDF editor (`pdf::marks` reads it back). Plans as `redact` does (with the exact
//! layout: boxes where the text is) and stops there.

use crate::error::{Error, Result};
use crate::pdf::{load, rewrite};
use crate::pipeline::{self, DocOutput};
use crate::plan;
use crate::rules::RuleSet;
use crate::settings::Settings;

/// The decisions file's rows for a document's proposals (one per proposal, in id order; its part from
/// its first box), `decision = redact`, the text masked unless `log_text`.
pub fn review_rows(
    out: &DocOutput,
    hash: &str,
    log_text: bool,
) -> Vec<crate::formats::DecisionRow> {
    out.proposals
        .iter()
        .map(|p| {
            let first = out.boxes.iter().find(|b| b.id == p.id);
            let part = first.map_or_else(
                || {
                    out.page_parts
                        .get(p.page - 1)
                        .and_then(|v| v.first())
                        .copied()
                        .unwrap_or(1)
                },
                |b| b.part,
            );
            // (Every box of a finding over two lines carries its whole text.)
            let text = first.map_or(String::new(), |b| b.text.expose().clone());
            let text = if log_text {
                text
            } else {
                crate::error::mask(&text)
            };
            crate::formats::DecisionRow::proposed(p, part, text, hash)
        })
        .collect()
}

/// The categories' colours (RGB, 0 to 1), in the order of the categories' names: distinct for up
/// to eight (the browser review uses them too).
pub const PALETTE: [(f64, f64, f64); 8] = [
    (0.1, 0.4, 0.9),
    (0.0, 0.6, 0.3),
    (0.8, 0.45, 0.0),
    (0.6, 0.2, 0.7),
    (0.0, 0.55, 0.65),
    (0.75, 0.1, 0.4),
    (0.45, 0.45, 0.1),
    (0.4, 0.3, 0.2),
];

/// What `review` makes of a PDF.
pub struct Reviewed {
    /// The review copy.
    pub copy: Vec<u8>,
    /// The marked copy (the original with /Redact annotations).
    pub marked: Vec<u8>,
    pub rows: Vec<crate::formats::DecisionRow>,
    /// How many boxes were marked.
    pub boxes: usize,
    /// The proposals' boxes (with their texts, for the officer's screen only: `serve`).
    pub shown: Vec<crate::model::BoxLog>,
    /// Every proposal, in id order.
    pub proposals: Vec<crate::decisions::Proposal>,
}

/// A review copy: the original pages with every proposed redaction marked (nothing removed), the
/// marked copy, and the decisions file rows for them.
pub fn review(bytes: &[u8], rules: &RuleSet, s: &Settings, log_text: bool) -> Result<Reviewed> {
    // Boxes where the text is (the safe layout would move them to where the re-set line puts them).
    let exact = Settings {
        layout: plan::Layout::Exact,
        ..s.clone()
    };
    let out = pipeline::plan_only(bytes, rules, &exact)?;
    let (mut doc, _) = load::load_repaired(bytes, s.password.as_deref(), &s.load)?;
    let original = doc.clone();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    // A colour per category of the document (distinct for up to eight), in the order of their names.
    let mut cats: Vec<&str> = out.boxes.iter().map(|b| b.why.category.as_str()).collect();
    cats.sort_unstable();
    cats.dedup();
    let colour =
        |cat: &str| PALETTE[cats.iter().position(|c| *c == cat).unwrap_or(0) % PALETTE.len()];
    let hash = format!("{:016x}", crate::hash::fnv64(bytes));
    for (n, &pid) in pages.iter().enumerate() {
        let marks: Vec<rewrite::ReviewMark> = out
            .boxes
            .iter()
            .filter(|b| b.page == n + 1)
            .filter_map(|b| {
                Some(rewrite::ReviewMark {
                    rect: b.rect?,
                    rgb: colour(&b.why.category),
                    label: format!("{} {}", b.id, b.why.exemption),
                })
            })
            .collect();
        let parts = &out.page_parts[n];
        let band = format!(
            "REVIEW COPY - NOT FOR RELEASE - page {} - {}",
            n + 1,
            match parts.as_slice() {
                [1] => "Part 1",
                [2] => "Part 2",
                _ => "Part 1 and Part 2",
            }
        );
        let lines: Vec<(f64, u8)> = out
            .boundaries
            .iter()
            .filter(|b| b.0 == n + 1)
            .map(|b| (b.1, b.2))
            .collect();
        let legend: Vec<(String, (f64, f64, f64))> = if n == 0 {
            cats.iter().map(|c| (c.to_string(), colour(c))).collect()
        } else {
            Vec::new()
        };
        rewrite::draw_review(&mut doc, pid, &marks, &band, &lines, &legend)?;
    }
    let rows = review_rows(&out, &hash, log_text);
    let mut copy = Vec::new();
    doc.save_to(&mut copy)
        .map_err(|e| Error::write(format!("the review copy cannot be written: {e}")))?;
    let marked = marked(original, &out, &hash, s, colour)?;
    Ok(Reviewed {
        copy,
        marked,
        rows,
        boxes: out.boxes.len(),
        shown: out.boxes,
        proposals: out.proposals,
    })
}

/// The marked copy: `doc` (the original) with one /Redact annotation per proposal over its boxes, its
/// exemption as /OverlayText, its id and category in /Contents, and what `pdf::marks` needs to read it
/// back (the formats::MarkedIndex).
fn marked(
    mut doc: lopdf::Document,
    out: &DocOutput,
    hash: &str,
    s: &Settings,
    colour: impl Fn(&str) -> (f64, f64, f64),
) -> Result<Vec<u8>> {
    let mut index = crate::formats::MarkedIndex {
        version: crate::formats::MARKED_INDEX_VERSION,
        input_hash: hash.to_string(),
        pages: crate::pdf::marks::page_hashes(&doc, &s.load)?,
        proposals: Vec::new(),
        originals: crate::pdf::marks::original_annots(&doc),
    };
    let mut marks = Vec::new();
    for p in &out.proposals {
        let rects: Vec<crate::geom::Rect> = out
            .boxes
            .iter()
            .filter(|b| b.id == p.id && b.page == p.page)
            .filter_map(|b| b.rect)
            .collect();
        index.proposals.push(crate::formats::MarkedProposal {
            id: p.id.clone(),
            fingerprint: p.fingerprint.clone(),
            page: p.page,
            rect: rects.iter().copied().reduce(|a, b| a.union(&b)),
        });
        if rects.is_empty() {
            continue;
        }
        marks.push(rewrite::RedactMark {
            page: p.page,
            rects,
            name: crate::formats::mark_name(&p.id, &p.fingerprint, hash),
            contents: format!(
                "{} {} ({}, {})",
                p.id, p.why.category, p.why.rule, p.why.exemption
            ),
            overlay: p.why.exemption.clone(),
            rgb: colour(&p.why.category),
        });
    }
    rewrite::add_redact_marks(&mut doc, &marks, &index.to_json())?;
    let mut buf = Vec::new();
    doc.save_to(&mut buf)
        .map_err(|e| Error::write(format!("the marked copy cannot be written: {e}")))?;
    Ok(buf)
}
