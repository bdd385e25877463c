//! Detection over a whole document, for PDFs and plain text alike: the rules on every page, every
//! finding's text redacted wherever else it occurs, ids and fingerprints, then the officer's
//! decisions checked and applied. Knows no PDF.

use crate::detect::{self, Finding};
use crate::error::{Error, Result};
use crate::plan;
use crate::rules::RuleSet;
use rayon::prelude::*;
use std::collections::HashMap;

/// One page's text as detection sees it.
#[derive(Debug, Clone)]
pub struct PageSource<'a> {
    /// 1-based page number of the input.
    pub page: usize,
    pub text: &'a str,
    /// The text is an OCR layer: the user's terms are also matched with OCR slips.
    pub ocr: bool,
    /// The glyph of each byte of `text` (empty for plain text).
    pub glyph_of_byte: &'a [u32],
    /// A second reading of the page ([`crate::layout::alternative`]): its text and glyph map.
    pub alt: Option<(String, Vec<u32>)>,
}

/// What detection decided for a document.
#[derive(Debug, Clone, Default)]
pub struct Detected {
    /// Per page: the findings to redact (ids set, the officer's decisions applied).
    pub findings: Vec<Vec<Finding>>,
    /// Texts of findings the officer decided to keep (verification must not look for them).
    pub kept_texts: Vec<String>,
    /// Per page: the areas the officer added (`rect=`).
    pub manual: Vec<Vec<plan::Area>>,
    /// Every proposal of the rules (before the officer's decisions), in page and id order.
    pub proposals: Vec<Proposal>,
    /// Per page: the proposals the officer kept (for where they are: the audit gives no box).
    pub kept: Vec<Vec<Finding>>,
    /// The officer's decisions as applied, when rows followed their proposals to other ids (see
    /// [`crate::decisions::Decisions::with_ids`]): what the logs must read them from.
    pub moved: Option<crate::decisions::Decisions>,
}

use crate::decisions::Proposal;
use crate::detect::spread::{self, BatchTexts};

/// Where a document stands in its batch (`--consistent`).
#[derive(Debug, Clone, Copy)]
pub enum InBatch<'a> {
    /// On its own.
    Alone,
    /// Pass one: what it redacts is being gathered (the officer's rows for proposals that only the
    /// batch's texts make are not known yet, and are not errors).
    PassOne,
    /// Pass two: with the texts the rest of the batch redacts.
    With(&'a BatchTexts),
}

/// The decisions with each row whose id names another proposal (or none) moved to the proposal its
/// fingerprint names, if any row moves.
fn follow_fingerprints(
    d: &crate::decisions::Decisions,
    proposals: &[Proposal],
) -> Option<crate::decisions::Decisions> {
    // Only proposals the batch spreads here move (their numbers come after the rules' own and
    // depend on the rest of the batch), and only on their page: any other row naming another id
    // is the officer's slip, refused below.
    let by_fp: HashMap<&str, &Proposal> = proposals
        .iter()
        .filter(|p| spread::is_spread(&p.why))
        .map(|p| (p.fingerprint.as_str(), p))
        .collect();
    let by_id: HashMap<&str, &str> = proposals
        .iter()
        .map(|p| (p.id.as_str(), p.fingerprint.as_str()))
        .collect();
    let to: HashMap<String, String> = d
        .rows
        .iter()
        .filter(|r| by_id.get(r.id.as_str()) != Some(&r.fingerprint.as_str()))
        .filter_map(|r| {
            let p = by_fp.get(r.fingerprint.as_str())?;
            r.id.starts_with(&format!("p{}-r", p.page))
                .then(|| (r.id.clone(), p.id.clone()))
        })
        .collect();
    if to.is_empty() {
        return None;
    }
    d.with_ids(&to)
}

/// A document on its own, or in pass two of its batch with `texts`.
pub fn in_batch(texts: Option<&BatchTexts>) -> InBatch<'_> {
    texts.map_or(InBatch::Alone, InBatch::With)
}

/// What spreads from a document's findings (per page, sorted, none overlapping a finding): the
/// surnames of its names and of the batch's (`batch`), and the texts other documents of the batch
/// redact. The findings' ids must be set (a surname's cause names its name's id).
fn spread_findings(
    pages: &[PageSource<'_>],
    findings: &[Vec<Finding>],
    rules: &RuleSet,
    batch: Option<&BatchTexts>,
) -> Vec<Vec<Finding>> {
    let own: Vec<(&str, crate::model::Why)> = findings
        .iter()
        .flatten()
        .flat_map(|f| {
            spread::name_lines(&f.why, f.text.expose())
                .into_iter()
                .map(move |l| {
                    (
                        l,
                        crate::model::Why {
                            rule: spread::SURNAME_RULE.into(),
                            category: f.why.category.clone(),
                            exemption: f.why.exemption.clone(),
                            cause: format!("surname:{}", f.id),
                        },
                    )
                })
        })
        .collect();
    let surnames = spread::Surnames::new(rules, &own, batch.map_or(&[], |b| b.surnames()));
    pages
        .par_iter()
        .zip(findings)
        .map(|(p, fs)| {
            let mut more: Vec<Finding> = Vec::new();
            if let Some(s) = &surnames {
                more.extend(s.find(p.text));
            }
            if let Some(b) = batch {
                more.extend(if p.ocr {
                    b.find_ocr(p.text)
                } else {
                    b.find(p.text)
                });
            }
            if more.is_empty() {
                return more;
            }
            // Longest first where two overlap (a whole name over its surname), then none over a
            // finding of the page's own.
            more.sort_by(|a, b| {
                a.span
                    .start
                    .cmp(&b.span.start)
                    .then(b.span.end.cmp(&a.span.end))
            });
            let mut out: Vec<Finding> = Vec::new();
            for f in more {
                let clash = |g: &Finding| f.span.start < g.span.end && g.span.start < f.span.end;
                if !fs.iter().any(clash) && !out.iter().any(clash) {
                    out.push(f);
                }
            }
            out
        })
        .collect()
}

/// Detection over a whole document, for PDFs and plain text alike: the rules on every page, every
/// finding's text redacted wherever else it occurs, ids `p<page>-r<n>` with their fingerprints, then
/// the officer's decisions (checked against `bytes`, the input, by its hash).
///
/// # Errors
/// A decisions file made for other bytes; a row naming an id the document does not have or whose
/// fingerprint is not that id's; an exemption code not in the table; a `text=` row that matches
/// nothing (on its page, when it gives one); a row for a page the document does not have. The
/// message names the decisions file and the first such row (never its text).
pub fn detect_document(
    pages: &[PageSource<'_>],
    bytes: &[u8],
    rules: &RuleSet,
    decisions: Option<&crate::decisions::Decisions>,
    batch: InBatch<'_>,
) -> Result<Detected> {
    let pass_one = matches!(batch, InBatch::PassOne);
    let batch = match batch {
        InBatch::With(b) => Some(b),
        _ => None,
    };
    // Detection per page, then every finding's text redacted wherever else it occurs.
    // Pages are independent here: detection runs on them in parallel (rules are compiled once, shared).
    let mut findings: Vec<Vec<Finding>> = pages
        .par_iter()
        .map(|p| {
            let found = if p.ocr {
                detect::detect_ocr(rules, p.text)
            } else {
                detect::detect(rules, p.text)
            };
            match &p.alt {
                Some((alt, alt_map)) => {
                    let more =
                        detect::detect_alternative(rules, p.text, p.glyph_of_byte, alt, alt_map);
                    detect::merge(found.into_iter().chain(more).collect(), p.text)
                }
                None => found,
            }
        })
        .collect();
    // A name runs on over a surname with particles the rules stopped before ("Ana María" of "Ana
    // María de la Cruz").
    for (p, fs) in pages.iter().zip(findings.iter_mut()) {
        let mut ran_on = false;
        for f in fs.iter_mut() {
            // (The finding's last line must be a name: it is what runs on.)
            let last = f.text.expose().lines().last().unwrap_or("");
            if !spread::is_name(&f.why, last.trim()) {
                continue;
            }
            if let Some(end) = spread::particle_tail(p.text, f.span.end) {
                f.span.end = end;
                f.text = crate::error::Sensitive::new(p.text[f.span.clone()].to_string());
                ran_on = true;
            }
        }
        // (Over a finding of the surname's own word: one finding.)
        if ran_on {
            *fs = detect::merge(std::mem::take(fs), p.text);
        }
    }
    let found: Vec<&Finding> = findings.iter().flatten().collect();
    if let Some(again) = detect::repeat_rule(&found) {
        drop(found);
        for (p, fs) in pages.iter().zip(findings.iter_mut()) {
            let more = detect::find_repeats(&again, p.text);
            if !more.is_empty() {
                let all: Vec<Finding> = fs.drain(..).chain(more).collect();
                *fs = detect::merge(all, p.text);
            }
        }
    }
    // Every proposed redaction gets an id, `p<page>-r<n>`, the same in `review` and in `redact`, and a
    // fingerprint of what it is, so that a row cannot be applied to another proposal. The rules' own
    // come first, in the order they stand; what spreads from them (surnames, the batch's texts) is
    // numbered after them, so that the rules' ids do not depend on the rest of the batch.
    let mut proposals = Vec::new();
    let key = crate::decisions::fingerprint_key(bytes);
    let propose = |page: usize, f: &Finding| Proposal {
        page,
        id: f.id.clone(),
        fingerprint: crate::decisions::fingerprint(
            key,
            page,
            &f.why.rule,
            &f.span,
            f.text.expose(),
        ),
        why: f.why.clone(),
    };
    for (p, fs) in pages.iter().zip(findings.iter_mut()) {
        for (k, f) in fs.iter_mut().enumerate() {
            f.id = crate::decisions::proposal_id(p.page, k + 1);
        }
    }
    let mut spread = spread_findings(pages, &findings, rules, batch);
    for ((p, fs), more) in pages.iter().zip(findings.iter_mut()).zip(&mut spread) {
        proposals.extend(fs.iter().map(|f| propose(p.page, f)));
        let n = fs.len();
        for (k, f) in more.iter_mut().enumerate() {
            f.id = crate::decisions::proposal_id(p.page, n + k + 1);
            proposals.push(propose(p.page, f));
        }
        if !more.is_empty() {
            fs.append(more);
            fs.sort_by_key(|f| f.span.start);
        }
    }
    let mut kept_texts: Vec<String> = Vec::new();
    let mut kept: Vec<Vec<Finding>> = vec![Vec::new(); pages.len()];
    let mut manual: Vec<Vec<plan::Area>> = vec![Vec::new(); pages.len()];
    // Rows whose proposal's number moved (its fingerprint found under another id) follow it.
    let moved = decisions.and_then(|d| follow_fingerprints(d, &proposals));
    let decisions = moved.as_ref().or(decisions);
    if let Some(d) = decisions {
        use crate::decisions::AddedKind;
        let hash = format!("{:016x}", crate::hash::fnv64(bytes));
        if d.input_hash.as_ref().is_some_and(|h| *h != hash) {
            return Err(Error::usage(format!(
                "{}: the decisions file was made for other contents of this file (input_hash differs: it comes from another input, or the input changed since review): run review again",
                d.source
            )));
        }
        // Every problem, by row; the first is reported (with how many more there are).
        let mut problems: Vec<(usize, String)> = Vec::new();
        let table = &rules.exemptions;
        let code_ok =
            |c: &str| c.is_empty() || table.is_empty() || table.iter().any(|(t, _)| t == c);
        let by_id: HashMap<&str, &Proposal> =
            proposals.iter().map(|p| (p.id.as_str(), p)).collect();
        for r in &d.rows {
            match by_id.get(r.id.as_str()) {
                // Pass one knows no proposal the batch spreads here (pass two checks every row).
                None if pass_one => {}
                None => problems.push((
                    r.row,
                    format!(
                        "id {} is not a proposed redaction of this file (has the file, the rules, --terms or --allow changed since review?)",
                        r.id
                    ),
                )),
                Some(p) if p.fingerprint != r.fingerprint => problems.push((
                    r.row,
                    format!(
                        "the fingerprint does not match proposal {}: the row is not about what review called {} (was the id changed, or the file, the rules, --terms or --allow since review?)",
                        r.id, r.id
                    ),
                )),
                Some(_) => {}
            }
            if !code_ok(&r.exemption) {
                problems.push((r.row, crate::exemption::unknown_code(&r.exemption, table)));
            }
        }
        let npages = pages.len();
        let page_word = |n: usize| if n == 1 { "page" } else { "pages" };
        for a in &d.added {
            if !code_ok(&a.exemption) {
                problems.push((a.row, crate::exemption::unknown_code(&a.exemption, table)));
            }
            let page = match &a.what {
                AddedKind::Text(_, p) => *p,
                AddedKind::Rect(p, _) => Some(*p),
            };
            if let Some(n) = page.filter(|&n| n > npages) {
                problems.push((
                    a.row,
                    format!(
                        "it names page {n}, which the file does not have (it has {npages} {})",
                        page_word(npages)
                    ),
                ));
            }
        }
        // The added texts, compiled once for all pages.
        let added: Vec<(&crate::decisions::Added, Option<detect::Phrases>)> = d
            .added
            .iter()
            .filter_map(|a| match &a.what {
                AddedKind::Text(t, _) => Some((a, detect::Phrases::new(&[t.as_str()]))),
                AddedKind::Rect(..) => None,
            })
            .collect();
        let mut matched = vec![false; added.len()];
        for (p, fs) in pages.iter().zip(findings.iter_mut()) {
            for f in fs.iter_mut() {
                if let Some(r) = d.row(&f.id).filter(|r| !r.exemption.is_empty()) {
                    f.why.exemption = r.exemption.clone();
                }
            }
            let keep = |f: &Finding| d.row(&f.id).is_some_and(|r| r.keep);
            kept_texts.extend(
                fs.iter()
                    .filter(|f| keep(f))
                    .map(|f| f.text.expose().clone()),
            );
            kept[p.page - 1].extend(fs.iter().filter(|f| keep(f)).cloned());
            fs.retain(|f| !keep(f));
            let proposed: Vec<(std::ops::Range<usize>, String)> =
                fs.iter().map(|f| (f.span.clone(), f.id.clone())).collect();
            for (k, (a, ph)) in added.iter().enumerate() {
                let AddedKind::Text(_, page) = &a.what else {
                    continue;
                };
                if page.is_some_and(|n| n != p.page) {
                    continue;
                }
                let Some(ph) = ph else { continue };
                let mut more: Vec<Finding> =
                    detect::find_phrase(ph, p.text, "decision.text", "manual", &a.exemption);
                if more.is_empty() {
                    continue;
                }
                matched[k] = true;
                for f in &mut more {
                    f.id = crate::decisions::added_id(a.row);
                }
                detect::merge_added(fs, more, p.text, &proposed);
            }
        }
        for ((a, _), m) in added.iter().zip(&matched) {
            let AddedKind::Text(_, page) = &a.what else {
                continue;
            };
            if !m && page.is_none_or(|n| n <= npages) {
                problems.push((
                    a.row,
                    match page {
                        Some(n) => format!("text= matches nothing on page {n} (a word must match whole: is it spelt, hyphenated and spaced as in the document?)"),
                        None => "text= matches nothing in the file (a word must match whole: is it spelt, hyphenated and spaced as in the document?)".to_string(),
                    },
                ));
            }
        }
        for a in &d.added {
            let AddedKind::Rect(page, r) = &a.what else {
                continue;
            };
            if let Some(slot) = manual.get_mut(page - 1) {
                slot.push(plan::Area {
                    rect: *r,
                    why: crate::model::Why {
                        rule: crate::decisions::RECT_RULE.into(),
                        category: "manual".into(),
                        exemption: a.exemption.clone(),
                        cause: String::new(),
                    },
                    id: crate::decisions::added_id(a.row),
                });
            }
        }
        problems.sort_by_key(|(row, _)| *row);
        if let Some((row, m)) = problems.first() {
            let more = match problems.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more)".to_string(),
                n => format!(" (and {n} more)"),
            };
            return Err(Error::usage(format!(
                "{}, {}: {m}{more}",
                d.source,
                d.place(*row)
            )));
        }
    }
    Ok(Detected {
        moved,
        findings,
        kept_texts,
        manual,
        proposals,
        kept,
    })
}
