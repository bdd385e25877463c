//! One document through every stage, in memory:
//! load -> extract -> layout -> detect -> plan -> rewrite + sanitise (per part) -> verify.
//! Returns the verified part outputs as bytes; writing them is `output`'s job.

use crate::detect::{self, Finding, SectionMark};
use crate::error::{Error, Result, Sensitive};
use crate::geom::Rect;
use crate::layout;
use crate::pdf::{extract, load, rewrite, sanitize};
use crate::plan::{self, PageInput};
use crate::rules::RuleSet;
use crate::verify;
use rayon::prelude::*;
use std::collections::HashSet;

/// Settings for processing documents.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub password: Option<String>,
    pub load: load::LoadLimits,
    pub extract: extract::ExtractLimits,
    /// Wall-clock limit for one file (none: no limit).
    pub time_limit: Option<std::time::Duration>,
    /// Stop after planning: report what would be redacted, write nothing (`foiredact scan`).
    pub dry_run: bool,
    /// Safe (width-hiding, the default) or exact layout of the rest of a redacted line.
    pub layout: plan::Layout,
    /// Never OCR pages without a text layer (they are declined instead).
    pub no_ocr: bool,
    /// What the boxes show.
    pub label: rewrite::LabelMode,
}

/// One redaction box as logged.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BoxLog {
    pub part: u8,
    /// 1-based page of the input.
    pub page: usize,
    /// 1-based page of the part output.
    pub part_page: usize,
    /// The box on the page, in PDF points (`None` for a plain-text input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rect: Option<Rect>,
    /// 1-based line of a plain-text input (`None` for a PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub rule: String,
    pub category: String,
    pub exemption: String,
    #[serde(skip)]
    pub text: Sensitive<String>,
    /// The proposed redaction's id (`<page>.<n>`; manual areas: `<page>.r<n>`).
    #[serde(default)]
    pub id: String,
}

/// A verified part output.
#[derive(Debug, Clone)]
pub struct PartOutput {
    pub part: u8,
    pub bytes: Vec<u8>,
    /// 1-based input pages in this part.
    pub pages: Vec<usize>,
}

/// Pages read by OCR, for the summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OcrLog {
    pub page: usize,
    pub mean_confidence: f64,
    pub unsure_words: usize,
}

/// Time allowed for OCR of one page, and the mean word confidence below which a page is not trusted.
pub const OCR_TIME: std::time::Duration = std::time::Duration::from_secs(120);
pub const MIN_OCR_CONFIDENCE: f64 = 40.0;

#[derive(Debug, Clone)]
pub struct DocOutput {
    pub ocr: Vec<OcrLog>,
    pub pages: usize,
    pub parts: Vec<PartOutput>,
    pub boxes: Vec<BoxLog>,
}

/// Runs the whole pipeline on one PDF held in memory.
pub fn process(bytes: &[u8], rules: &RuleSet, s: &Settings) -> Result<DocOutput> {
    process_with(bytes, rules, s, None)
}

/// [`process`] with the officer's decisions for this document applied.
pub fn process_with(
    bytes: &[u8],
    rules: &RuleSet,
    s: &Settings,
    decisions: Option<&crate::decisions::Decisions>,
) -> Result<DocOutput> {
    let started = std::time::Instant::now();
    let deadline = s.time_limit.map(|t| started + t);
    let over = || deadline.is_some_and(|d| std::time::Instant::now() > d);
    let time_err = || {
        Error::limit(format!(
            "the time limit of {} s for one file was exceeded",
            s.time_limit.map_or(0, |t| t.as_secs())
        ))
    };
    let mut doc = load::load(bytes, s.password.as_deref(), &s.load)?;
    // Filled-in form fields are drawn into their pages first, so that their text is read and redacted.
    sanitize::flatten_form_fields(&mut doc)?;
    let lim = extract::ExtractLimits {
        deadline,
        ..s.extract
    };
    let mut pages = extract::extract_all(&doc, &lim);
    if over() {
        return Err(time_err());
    }
    let mut ocr_log: Vec<OcrLog> = Vec::new();
    for (pid, p) in &mut pages {
        if p.problems.iter().any(|q| q == extract::TIME_LIMIT) {
            return Err(time_err());
        }
        if let Some(problem) = p
            .problems
            .iter()
            .find(|q| q.contains("decodes to more than"))
        {
            // A decompression bomb (or a stream past the size limit): a limit, not unreadable text.
            return Err(Error::limit(problem.clone()).with_page(p.page));
        }
        if let Some(problem) = p.problems.first() {
            return Err(Error::unreadable(problem.clone()).with_page(p.page));
        }
        if p.glyphs.iter().all(|g| g.text.trim().is_empty()) && !p.images.is_empty() {
            if s.no_ocr {
                return Err(
                    Error::unreadable("image only, no text layer (and --ocr never)")
                        .with_page(p.page),
                );
            }
            let r = crate::pdf::ocr::ocr_page(&doc, *pid, p, OCR_TIME).map_err(|e| {
                if let Some(l) = e.strip_prefix("limit: ") {
                    Error::limit(l)
                } else {
                    Error::unreadable(e)
                }
                .with_page(p.page)
            })?;
            if r.mean_confidence < MIN_OCR_CONFIDENCE {
                return Err(Error::unreadable(format!(
                    "OCR confidence {:.0} is too low to trust (under {MIN_OCR_CONFIDENCE})",
                    r.mean_confidence
                ))
                .with_page(p.page));
            }
            ocr_log.push(OcrLog {
                page: p.page,
                mean_confidence: (r.mean_confidence * 10.0).round() / 10.0,
                unsure_words: r.unsure_words,
            });
            p.glyphs.extend(r.glyphs);
            p.ocr = true;
        }
        layout::layout(p);
    }
    // An OCR layer (mostly invisible text) gets fuzzy term matching too.
    let texts: Vec<PageSource<'_>> = pages
        .iter()
        .map(|(_, p)| {
            let count = |hidden: bool| {
                p.glyphs
                    .iter()
                    .filter(|g| g.invisible == hidden && !g.text.trim().is_empty())
                    .count()
            };
            PageSource {
                page: p.page,
                text: &p.text,
                ocr: count(true) > count(false),
            }
        })
        .collect();
    let Detected {
        findings,
        kept_texts,
        manual,
    } = detect_document(&texts, bytes, rules, decisions)?;
    let sections: Vec<Vec<SectionMark>> = pages
        .iter()
        .map(|(_, p)| detect::sections(rules, &p.text))
        .collect();
    let sig_areas: Vec<Vec<std::ops::Range<usize>>> = pages
        .iter()
        .map(|(_, p)| detect::signature_areas(rules, &p.text))
        .collect();
    let inputs: Vec<PageInput<'_>> = pages
        .iter()
        .zip(&findings)
        .zip(&sections)
        .zip(&sig_areas)
        .zip(&manual)
        .map(|(((((_, t), f), s), a), m)| PageInput {
            text: t,
            findings: f,
            sections: s,
            signature_areas: a,
            manual: m,
        })
        .collect();
    let dplan = plan::plan(&inputs, s.layout)?;

    let needle_texts: Vec<String> = findings
        .iter()
        .flatten()
        .map(|f| f.text.expose().clone())
        .collect();
    // Texts the officer chose to keep are not redacted text: the checks must not look for them.
    let needle_texts: Vec<String> = needle_texts
        .into_iter()
        .filter(|t| !kept_texts.contains(t))
        .collect();
    let needles = verify::needles(&needle_texts);
    let mut out = DocOutput {
        ocr: ocr_log,
        pages: pages.len(),
        parts: Vec::new(),
        boxes: Vec::new(),
    };
    for part in &dplan.parts {
        for (k, pp) in part.pages.iter().enumerate() {
            for b in &pp.boxes {
                out.boxes.push(BoxLog {
                    part: part.part,
                    page: pp.page,
                    part_page: k + 1,
                    rect: Some(b.rect),
                    line: None,
                    rule: b.rule.clone(),
                    category: b.category.clone(),
                    exemption: b.exemption.clone(),
                    text: b.text.clone(),
                    id: b.id.clone(),
                });
            }
        }
    }
    if s.dry_run {
        return Ok(out);
    }
    for part in &dplan.parts {
        if over() {
            return Err(time_err());
        }
        let mut d = doc.clone();
        let mut edited = HashSet::new();
        let mut keep = Vec::new();
        for pp in &part.pages {
            let (pid, text) = &pages[pp.page - 1];
            rewrite::apply(&mut d, *pid, text, pp, &mut edited, s.label)?;
            keep.push(*pid);
        }
        sanitize::build_part(&mut d, &keep)?;
        let mut buf = Vec::new();
        d.save_to(&mut buf)
            .map_err(|e| Error::verify(format!("the output cannot be written: {e}")))?;
        // Developers only (debug builds): keep the unverified bytes to see why verification failed.
        #[cfg(debug_assertions)]
        if let Some(dir) = std::env::var_os("FOIREDACT_DEBUG_UNVERIFIED") {
            let _ = std::fs::write(
                std::path::Path::new(&dir).join(format!("unverified.part{}.pdf", part.part)),
                &buf,
            );
        }
        verify::verify_part(&buf, part, rules, &needles, &kept_texts)?;
        out.parts.push(PartOutput {
            part: part.part,
            bytes: buf,
            pages: part.pages.iter().map(|p| p.page).collect(),
        });
    }
    Ok(out)
}

/// Every page's text as `redact` reads it (filled-in form fields drawn into their pages first), laid
/// out: what `foiredact text` prints and what `publish` reads titles from. No OCR: a page without a text
/// layer has no text here.
pub fn read_pages(doc: &mut lopdf::Document) -> Vec<(lopdf::ObjectId, crate::model::PageText)> {
    let _ = sanitize::flatten_form_fields(doc);
    let mut pages = extract::extract_all(doc, &Default::default());
    for (_, p) in pages.iter_mut() {
        layout::layout(p);
    }
    pages
}

/// One page's text as detection sees it.
#[derive(Debug, Clone, Copy)]
pub struct PageSource<'a> {
    /// 1-based page number of the input.
    pub page: usize,
    pub text: &'a str,
    /// The text is an OCR layer: the user's terms are also matched with OCR slips.
    pub ocr: bool,
}

/// What detection decided for a document.
#[derive(Debug, Clone, Default)]
pub struct Detected {
    /// Per page: the findings to redact (ids set, the officer's decisions applied).
    pub findings: Vec<Vec<Finding>>,
    /// Texts of findings the officer decided to keep (verification must not look for them).
    pub kept_texts: Vec<String>,
    /// Per page: the areas the officer added (`rect=`), with their exemption.
    pub manual: Vec<Vec<(crate::geom::Rect, String)>>,
}

/// Detection over a whole document, for PDFs and plain text alike: the rules on every page, every
/// finding's text redacted wherever else it occurs, ids `<page>.<n>`, then the officer's decisions
/// (checked against `bytes`, the input, by its hash).
///
/// # Errors
/// A decisions file made for other bytes, naming an id the document does not have, or a page it does
/// not have.
pub fn detect_document(
    pages: &[PageSource<'_>],
    bytes: &[u8],
    rules: &RuleSet,
    decisions: Option<&crate::decisions::Decisions>,
) -> Result<Detected> {
    // Detection per page, then every finding's text redacted wherever else it occurs.
    // Pages are independent here: detection runs on them in parallel (rules are compiled once, shared).
    let mut findings: Vec<Vec<Finding>> = pages
        .par_iter()
        .map(|p| {
            if p.ocr {
                detect::detect_ocr(rules, p.text)
            } else {
                detect::detect(rules, p.text)
            }
        })
        .collect();
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
    // Every proposed redaction gets an id, `<page>.<n>`, the same in `review` and in `redact`.
    for fs in findings.iter_mut() {
        for f in fs.iter_mut() {
            f.id.clear();
        }
    }
    for (p, fs) in pages.iter().zip(findings.iter_mut()) {
        for (k, f) in fs.iter_mut().enumerate() {
            f.id = format!("{}.{}", p.page, k + 1);
        }
    }
    let mut kept_texts: Vec<String> = Vec::new();
    let mut manual: Vec<Vec<(crate::geom::Rect, String)>> = vec![Vec::new(); pages.len()];
    if let Some(d) = decisions {
        let hash = format!("{:016x}", crate::batch::fnv64(bytes));
        if d.input_hash.as_ref().is_some_and(|h| *h != hash) {
            return Err(Error::usage(
                "the decisions file was made for other contents of this file (input_hash differs)",
            ));
        }
        let known: HashSet<&str> = findings.iter().flatten().map(|f| f.id.as_str()).collect();
        // The added texts, compiled once for all pages.
        let added: Vec<Option<detect::Phrases>> = d
            .texts
            .iter()
            .map(|(t, _, _)| detect::Phrases::new(&[t.as_str()]))
            .collect();
        if let Some((row, id)) = d.ids.iter().find(|(_, id)| !known.contains(id.as_str())) {
            return Err(Error::usage(format!("decisions row {row}: id {id} is not a proposed redaction of this file (has it changed?)")));
        }
        for (p, fs) in pages.iter().zip(findings.iter_mut()) {
            for f in fs.iter_mut() {
                if let Some(e) = d.exemption.get(&f.id) {
                    f.exemption = e.clone();
                }
            }
            kept_texts.extend(
                fs.iter()
                    .filter(|f| d.keep.contains(&f.id))
                    .map(|f| f.text.expose().clone()),
            );
            fs.retain(|f| !d.keep.contains(&f.id));
            for ((_, page, ex), ph) in d.texts.iter().zip(&added) {
                if page.is_some_and(|n| n != p.page) {
                    continue;
                }
                if let Some(ph) = ph {
                    let more: Vec<Finding> =
                        detect::find_phrase(ph, p.text, "decision.text", "manual", ex);
                    if !more.is_empty() {
                        let all: Vec<Finding> = fs.drain(..).chain(more).collect();
                        *fs = detect::merge(all, p.text);
                    }
                }
            }
        }
        for (page, r, ex) in &d.rects {
            let slot = manual.get_mut(page - 1).ok_or_else(|| {
                Error::usage(format!(
                    "a decisions rect names page {page}, which the file does not have"
                ))
            })?;
            slot.push((*r, ex.clone()));
        }
    }
    Ok(Detected {
        findings,
        kept_texts,
        manual,
    })
}

/// A review copy: the original pages with every proposed redaction marked (nothing removed), and the
/// decisions file rows for them.
pub fn review(
    bytes: &[u8],
    rules: &RuleSet,
    s: &Settings,
    log_text: bool,
) -> Result<(Vec<u8>, Vec<Vec<String>>, usize)> {
    // Boxes where the text is (the safe layout would move them to where the re-set line puts them).
    let dry = Settings {
        dry_run: true,
        layout: plan::Layout::Exact,
        ..s.clone()
    };
    let out = process(bytes, rules, &dry)?;
    let mut doc = load::load(bytes, s.password.as_deref(), &s.load)?;
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let colour = |cat: &str| {
        let palette = [
            (0.1, 0.4, 0.9),
            (0.0, 0.6, 0.3),
            (0.8, 0.45, 0.0),
            (0.6, 0.2, 0.7),
            (0.0, 0.55, 0.65),
            (0.75, 0.1, 0.4),
        ];
        palette[(crate::batch::fnv64(cat.as_bytes()) % palette.len() as u64) as usize]
    };
    let hash = format!("{:016x}", crate::batch::fnv64(bytes));
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for (n, &pid) in pages.iter().enumerate() {
        let marks: Vec<rewrite::ReviewMark> = out
            .boxes
            .iter()
            .filter(|b| b.page == n + 1)
            .filter_map(|b| {
                Some(rewrite::ReviewMark {
                    rect: b.rect?,
                    rgb: colour(&b.category),
                    label: format!("{} {}", b.id, b.exemption),
                })
            })
            .collect();
        let parts: Vec<u8> = out
            .boxes
            .iter()
            .filter(|b| b.page == n + 1)
            .map(|b| b.part)
            .collect();
        let band = format!(
            "REVIEW COPY - NOT FOR RELEASE - page {}{}",
            n + 1,
            if parts.contains(&2) && parts.contains(&1) {
                " (Part 1 and Part 2)"
            } else {
                ""
            }
        );
        rewrite::draw_review(&mut doc, pid, &marks, &band)?;
    }
    for b in &out.boxes {
        // One row per proposed redaction (a finding over two lines has two boxes, one id).
        if !seen.insert(b.id.clone()) {
            continue;
        }
        let text = if log_text {
            b.text.expose().clone()
        } else {
            crate::commands::mask(b.text.expose())
        };
        rows.push(vec![
            b.id.clone(),
            b.page.to_string(),
            b.part.to_string(),
            b.category.clone(),
            b.rule.clone(),
            b.exemption.clone(),
            text,
            "redact".into(),
            String::new(),
            hash.clone(),
        ]);
    }
    let mut buf = Vec::new();
    doc.save_to(&mut buf)
        .map_err(|e| Error::verify(format!("the review copy cannot be written: {e}")))?;
    Ok((buf, rows, out.boxes.len()))
}
