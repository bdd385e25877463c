//! One document through every stage, in memory:
//! load -> extract -> layout -> detect -> plan -> rewrite + sanitise (per part) -> verify.
//! Returns the verified part outputs as bytes; writing them is `output`'s job.

use crate::detect::{self, Finding, SectionMark};
use crate::error::{Error, ErrorKind, Result, Sensitive};
use crate::geom::Rect;
use crate::layout;
use crate::model::PageText;
use crate::pdf::{extract, load, rewrite, sanitize};
use crate::plan::{self, PageInput};
use crate::profile::{self, Stage};
use crate::rules::RuleSet;
use crate::verify;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

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
    /// Which pages are read with OCR.
    pub ocr: OcrMode,
    /// Give OCR'd pages an invisible text layer of the words kept (`--ocr-layer`).
    pub ocr_layer: bool,
    /// Let pages through whose text cannot be read (undecodable fonts, scans OCR cannot read or
    /// trust): what can be read is redacted, the rest is published unchecked (`--allow-unreadable`).
    pub allow_unreadable: bool,
    /// Mean word confidence under which an OCR'd page declines the file (default
    /// [`MIN_OCR_CONFIDENCE`]).
    pub min_ocr_confidence: Option<f64>,
    /// What the boxes show.
    pub label: rewrite::LabelMode,
    /// Keep link annotations to web addresses that hold no finding and lie over no box.
    pub keep_links: bool,
    /// Leave embedded fonts whole, with the glyphs only redacted text used (for comparison only).
    pub keep_unused_glyphs: bool,
    /// Decline a document that has a Part 1 heading or mentions a Part 2 but has no Part 2 heading.
    pub require_parts: bool,
}

/// Declines the file when the process is over its memory limit.
fn memory_check() -> Result<()> {
    crate::memory::over_limit().map_or(Ok(()), |m| Err(Error::limit(m)))
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
    /// The proposed redaction's id (`p<page>-r<n>`; the officer's added rows: `row<N>`, N the row of
    /// the decisions file; an area OCR of the output read again: `p<page>-a<n>`).
    #[serde(default)]
    pub id: String,
    /// What was decided: `redact` (a rule's proposal, accepted), `keep` (the officer kept it: no box),
    /// `added` (the officer's own row), `no decision` (a proposal the decisions file has no row for:
    /// redacted). Set by the batch, which knows the decisions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decision: String,
    /// The officer's note on its row.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
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
    /// Per input page, the parts it belongs to (a page can hold the end of Part 1 and the start of Part 2).
    pub page_parts: Vec<Vec<u8>>,
    /// Where a page changes part: (1-based page, y in PDF points, the part below).
    pub boundaries: Vec<(usize, f64, u8)>,
    /// Pages let through unread (`--allow-unreadable`).
    pub unreadable: Vec<usize>,
    /// The document has a Part 1 heading or mentions a Part 2, but no Part 2 heading was found: all
    /// of it after any Part 1 heading went to Part 1 (a warning; `--require-parts` declines instead).
    pub part2_heading_missing: bool,
    /// Every proposal of the rules, before the officer's decisions.
    pub proposals: Vec<Proposal>,
    /// The proposals the officer kept: where they are (part, page), no box and no text.
    pub kept: Vec<BoxLog>,
    /// What was mended in a damaged input to read it as viewers do (`load::Repair`, as text).
    pub repairs: Vec<String>,
}

/// A text's words, folded ([`crate::text_fold::key`]): the runs of letters and digits.
fn uri_words(t: &str) -> Vec<String> {
    crate::text_fold::fold(t)
        .text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(crate::text_fold::key)
        .collect()
}

/// `%XX` escapes decoded (as UTF-8, lossily); anything malformed left as it is.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which pages OCR reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OcrMode {
    /// Pages without a usable text layer.
    #[default]
    Auto,
    /// Also scans that have a text layer.
    Always,
    /// None: pages that would need it are declined.
    Never,
}

/// A scan with fewer characters of text than this has no usable text layer (a stamped page number or
/// a reference is not the page's text).
const FEW_CHARS: usize = 40;

/// Whether a page is to be read with OCR: it has an image covering most of the page (a scan) or only
/// images, and no usable text layer (`Auto`), or any text layer (`Always`).
pub fn wants_ocr(p: &PageText, mode: OcrMode) -> bool {
    if p.images.is_empty() {
        return false;
    }
    let chars = p
        .glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .count();
    let area = |r: &crate::geom::Rect| r.width().max(0.0) * r.height().max(0.0);
    let scan = p.media_box.is_some_and(|m| {
        p.images
            .iter()
            .any(|i| area(&i.bbox.intersect(&m)) >= 0.5 * area(&m))
    });
    match mode {
        OcrMode::Never => chars == 0,
        OcrMode::Auto => chars == 0 || (scan && chars < FEW_CHARS),
        OcrMode::Always => chars == 0 || scan,
    }
}

/// Reads with OCR the pages that need it (in parallel: one single-threaded Tesseract per page), adding
/// the words to their glyphs. Per page read: its OCR log or why it cannot be read (`Never` names the
/// pages that would need OCR).
pub fn ocr_pages(
    doc: &lopdf::Document,
    pages: &mut [(lopdf::ObjectId, PageText)],
    mode: OcrMode,
    min_confidence: f64,
) -> Vec<(usize, Result<OcrLog>)> {
    pages
        .par_iter_mut()
        .filter(|(_, p)| p.problems.is_empty() && wants_ocr(p, mode))
        .map(|(pid, p)| {
            if mode == OcrMode::Never {
                let e = Error::unreadable("image only, no text layer (and --ocr never)");
                return (p.page, Err(e.with_page(p.page)));
            }
            let r = crate::pdf::ocr::ocr_page(doc, *pid, p, OCR_TIME)
                .map_err(|e| {
                    if let Some(l) = e.strip_prefix("limit: ") {
                        Error::limit(l)
                    } else {
                        Error::unreadable(e)
                    }
                    .with_page(p.page)
                })
                .and_then(|r| {
                    if r.mean_confidence < min_confidence {
                        return Err(Error::unreadable(format!(
                            "OCR confidence {:.0} is too low to trust (under {min_confidence:.0}, --min-ocr-confidence)",
                            r.mean_confidence
                        ))
                        .with_page(p.page));
                    }
                    let log = OcrLog {
                        page: p.page,
                        mean_confidence: (r.mean_confidence * 10.0).round() / 10.0,
                        unsure_words: r.unsure_words,
                    };
                    p.glyphs.extend(r.glyphs);
                    p.ocr = true;
                    Ok(log)
                });
            (p.page, r)
        })
        .collect()
}

/// How many times a document is made again when OCR of its output reads something new.
const MAX_REREADS: usize = 4;

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
    let (mut doc, repairs) = profile::time(Stage::Load, || {
        load::load_repaired(bytes, s.password.as_deref(), &s.load)
    })?;
    let repairs: Vec<String> = repairs.iter().map(ToString::to_string).collect();
    // Filled-in form fields are drawn into their pages first, so that their text is read and redacted.
    sanitize::flatten_form_fields(&mut doc)?;
    let lim = extract::ExtractLimits {
        deadline,
        ..s.extract
    };
    let mut pages = profile::time(Stage::Extract, || extract::extract_all(&doc, &lim));
    if over() {
        return Err(time_err());
    }
    // Pages let through with text that cannot be read (--allow-unreadable).
    let mut unreadable: Vec<usize> = Vec::new();
    for (_, p) in &pages {
        if p.problems.iter().any(|q| q == extract::TIME_LIMIT) {
            return Err(time_err());
        }
        // A decompression bomb (a stream past the size limit), too many operators, glyphs or paths,
        // nesting too deep: a limit (named), not unreadable text.
        let limits = [
            "decodes to more than",
            "too many operators",
            "nesting too deep",
            "glyphs on the page",
            "paths on the page",
        ];
        if let Some(problem) = p
            .problems
            .iter()
            .find(|q| limits.iter().any(|l| q.contains(l)))
        {
            return Err(Error::limit(problem.clone()).with_page(p.page));
        }
        if let Some(problem) = p
            .problems
            .iter()
            .find_map(|q| q.strip_prefix(extract::LIMIT_PREFIX))
        {
            return Err(Error::limit(problem).with_page(p.page));
        }
        if let Some(problem) = p.problems.first() {
            if s.allow_unreadable {
                unreadable.push(p.page);
                continue;
            }
            return Err(Error::unreadable(problem.clone()).with_page(p.page));
        }
    }
    // Damaged streams read as far as they inflate are repairs too.
    let mut repairs = repairs;
    for (_, p) in &pages {
        if !p.repaired.is_empty() {
            repairs.push(format!(
                "page {}: {} damaged compressed stream(s) read as far as they decompress",
                p.page,
                p.repaired.len()
            ));
        }
        for r in &p.readings {
            repairs.push(format!("page {}: {r}", p.page));
        }
    }
    let decoded: usize = pages.iter().map(|(_, p)| p.decoded_bytes).sum();
    if decoded > s.extract.max_file_decoded {
        return Err(Error::limit(format!(
            "its page contents decompress to more than {} MB in all (--max-file-decompressed-mb)",
            s.extract.max_file_decoded >> 20
        )));
    }
    memory_check()?;
    let mut ocr_log: Vec<OcrLog> = Vec::new();
    let min_conf = s.min_ocr_confidence.unwrap_or(MIN_OCR_CONFIDENCE);
    for (page, r) in ocr_pages(&doc, &mut pages, s.ocr, min_conf) {
        match r {
            Ok(l) => ocr_log.push(l),
            Err(e) if s.allow_unreadable && matches!(e.kind, ErrorKind::UnreadableText(_)) => {
                unreadable.push(page)
            }
            Err(e) => return Err(e),
        }
    }
    unreadable.sort_unstable();
    unreadable.dedup();
    profile::time(Stage::Layout, || {
        for (_, p) in &mut pages {
            layout::layout(p);
        }
    });
    memory_check()?;
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
                glyph_of_byte: &p.glyph_of_byte,
                alt: crate::layout::alternative(p),
            }
        })
        .collect();
    let Detected {
        findings,
        kept_texts,
        mut manual,
        proposals,
        kept,
    } = profile::time(Stage::Detect, || {
        detect_document(&texts, bytes, rules, decisions)
    })?;
    let sections: Vec<Vec<SectionMark>> = pages
        .iter()
        .map(|(_, p)| detect::sections(rules, &p.text))
        .collect();
    let part2_heading_missing = detect::part2_heading_missing(
        sections.iter().flatten(),
        pages.iter().map(|(_, p)| p.text.as_str()),
    );

    let sig_areas: Vec<Vec<std::ops::Range<usize>>> = pages
        .iter()
        .map(|(_, p)| detect::signature_areas(rules, &p.text))
        .collect();
    // Every finding's text, and every term as the user wrote it: a term the extractor did not read
    // where a reader does (a font whose /ToUnicode lies) is still looked for in the output's bytes.
    let needle_texts: Vec<String> = findings
        .iter()
        .flatten()
        .map(|f| f.text.expose().clone())
        .chain(rules.term_texts.iter().cloned())
        .collect();
    // Texts the officer chose to keep are not redacted text: the checks must not look for them.
    let kept_norm = verify::kept_set(&kept_texts);
    let needle_texts: Vec<String> = needle_texts
        .into_iter()
        .filter(|t| {
            !kept_texts.contains(t) && !kept_norm.contains(&verify::normalise(t.as_bytes()))
        })
        .collect();
    let needles = verify::needles(&needle_texts);
    // A text that stays in an output outside the page content (alternative texts of the structure
    // tree, kept link addresses) must be one in which no rule finds anything and that holds no redacted
    // text, compared on letters and digits alone ("archie-yates" holds "Archie Yates").
    let alnum = |t: &str| -> String {
        t.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let redacted_alnum: Vec<String> = needle_texts
        .iter()
        .map(|t| alnum(t))
        .filter(|n| n.chars().count() >= 4)
        .collect();
    let text_ok = |t: &str| {
        let n = alnum(t);
        detect::detect(rules, t).is_empty()
            && !redacted_alnum.iter().any(|r| n.contains(r.as_str()))
    };
    // A link's address is read as a reader would show it (percent-decoded) and cut into words at every
    // character that is not a letter or digit (`/ . - _ + = & ? #` ...): it stays only when the rules
    // find nothing in it and none of its words is a word (of three letters or more) of a redacted text,
    // so a surname alone ("/pritchard-2023.html") drops it.
    let redacted_words: HashSet<String> = needle_texts
        .iter()
        .flat_map(|t| uri_words(t))
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .collect();
    let uri_ok = |u: &str| {
        let decoded = percent_decode(u);
        let words = uri_words(&decoded);
        text_ok(&decoded)
            && text_ok(&words.join(" "))
            && !words.iter().any(|w| redacted_words.contains(w))
    };
    // OCR of an output page can read what OCR of the input page did not (a name read whole once the
    // words around it are gone): the rules find it in verification; it is then redacted as an area
    // and the document made again, a few times at most.
    for attempt in 0..=MAX_REREADS {
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
        let dplan = profile::time(Stage::Plan, || plan::plan(&inputs, s.layout))?;
        let mut out = DocOutput {
            ocr: ocr_log.clone(),
            pages: pages.len(),
            parts: Vec::new(),
            boxes: Vec::new(),
            page_parts: vec![Vec::new(); pages.len()],
            boundaries: dplan.boundaries.clone(),
            unreadable: unreadable.clone(),
            part2_heading_missing,
            proposals: proposals.clone(),
            kept: Vec::new(),
            repairs: repairs.clone(),
        };
        for part in &dplan.parts {
            for pp in &part.pages {
                if let Some(v) = out.page_parts.get_mut(pp.page - 1) {
                    v.push(part.part);
                }
            }
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
                        decision: String::new(),
                        note: String::new(),
                    });
                }
            }
        }
        // The proposals the officer kept: their part and page (by where they are on a shared page).
        for ((_, text), fs) in pages.iter().zip(&kept) {
            for f in fs {
                let y = plan::finding_rects(text, f).first().map(|r| r.center().1);
                let parts = &out.page_parts[text.page - 1];
                let part = match (parts.as_slice(), y) {
                    ([one], _) => *one,
                    ([a, b], Some(y)) => match out.boundaries.iter().find(|x| x.0 == text.page) {
                        Some(&(_, by, below)) if y < by => below,
                        Some(&(_, _, below)) => {
                            if below == *a {
                                *b
                            } else {
                                *a
                            }
                        }
                        None => *a,
                    },
                    ([a, ..], _) => *a,
                    ([], _) => 1,
                };
                let part_page = dplan
                    .parts
                    .iter()
                    .find(|p| p.part == part)
                    .and_then(|p| p.pages.iter().position(|pp| pp.page == text.page))
                    .map_or(0, |k| k + 1);
                out.kept.push(kept_log(part, text.page, part_page, f));
            }
        }
        if s.dry_run {
            return Ok(out);
        }
        let mut again: Vec<verify::Reread> = Vec::new();
        for part in &dplan.parts {
            if over() {
                return Err(time_err());
            }
            memory_check()?;
            let mut d = profile::time(Stage::Clone, || doc.clone());
            let mut edited = HashSet::new();
            let mut keep = Vec::new();
            let mut shared = Vec::new();
            let mut covered = HashMap::new();
            for pp in &part.pages {
                let (pid, text) = &pages[pp.page - 1];
                profile::time(Stage::Rewrite, || {
                    rewrite::apply(&mut d, *pid, text, pp, &mut edited, s.label, s.ocr_layer)
                })?;
                keep.push(*pid);
                if pp.cut.is_some() {
                    shared.push(*pid);
                }
                let rects: Vec<crate::geom::Rect> =
                    pp.boxes.iter().map(|b| b.rect).chain(pp.cut).collect();
                covered.insert(*pid, rects);
            }
            let opts = sanitize::PartOptions {
                shared: &shared,
                text_ok: &text_ok,
                uri_ok: &uri_ok,
                keep_links: s.keep_links,
                covered: &covered,
                keep_unused_glyphs: s.keep_unused_glyphs,
            };
            profile::time(Stage::Sanitize, || {
                sanitize::build_part(&mut d, &keep, &opts)
            })?;
            let mut buf = Vec::new();
            profile::time(Stage::Save, || d.save_to(&mut buf))
                .map_err(|e| Error::verify(format!("the output cannot be written: {e}")))?;
            // Developers only (debug builds): keep the unverified bytes to see why verification failed.
            #[cfg(debug_assertions)]
            if let Some(dir) = std::env::var_os("FOIREDACT_DEBUG_UNVERIFIED") {
                let _ = std::fs::write(
                    std::path::Path::new(&dir).join(format!("unverified.part{}.pdf", part.part)),
                    &buf,
                );
            }
            let reread = profile::time(Stage::Verify, || {
                verify::verify_part(&buf, part, rules, &needles, &kept_texts, &unreadable)
            })?;
            if !reread.is_empty() {
                if attempt == MAX_REREADS {
                    return Err(Error::verify(format!(
                        "part {}: OCR of the output still reads what rule {} finds, after {MAX_REREADS} more passes",
                        part.part, reread[0].rule
                    ))
                    .with_page(reread[0].page));
                }
                again = reread;
                break;
            }
            out.parts.push(PartOutput {
                part: part.part,
                bytes: buf,
                pages: part.pages.iter().map(|p| p.page).collect(),
            });
        }

        if again.is_empty() {
            return Ok(out);
        }
        for r in again {
            if let Some(slot) = manual.get_mut(r.page - 1) {
                slot.push(plan::Area {
                    rect: r.rect,
                    exemption: r.exemption,
                    rule: r.rule,
                    category: r.category,
                    id: String::new(),
                });
            }
        }
    }
    Err(Error::verify(
        "OCR of the output keeps reading personal data",
    ))
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

/// The decisions file's rows for a document's proposals (one per proposal, in id order; its part from
/// its first box), `decision = redact`, the text masked unless `log_text`.
pub fn review_rows(out: &DocOutput, hash: &str, log_text: bool) -> Vec<Vec<String>> {
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
                crate::commands::mask(&text)
            };
            crate::decisions::review_row(p, part, text, hash)
        })
        .collect()
}

/// The audit entry of a proposal the officer kept: where it is, what it is, and no box or text.
pub fn kept_log(part: u8, page: usize, part_page: usize, f: &Finding) -> BoxLog {
    BoxLog {
        part,
        page,
        part_page,
        rect: None,
        line: None,
        rule: f.rule.clone(),
        category: f.category.clone(),
        exemption: f.exemption.clone(),
        text: Sensitive::new(String::new()),
        id: f.id.clone(),
        decision: "keep".into(),
        note: String::new(),
    }
}

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
}

pub use crate::decisions::Proposal;

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
) -> Result<Detected> {
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
    // fingerprint of what it is, so that a row cannot be applied to another proposal.
    let mut proposals = Vec::new();
    let key = crate::decisions::fingerprint_key(bytes);
    for (p, fs) in pages.iter().zip(findings.iter_mut()) {
        for (k, f) in fs.iter_mut().enumerate() {
            f.id = crate::decisions::proposal_id(p.page, k + 1);
            proposals.push(Proposal {
                page: p.page,
                id: f.id.clone(),
                fingerprint: crate::decisions::fingerprint(
                    key,
                    p.page,
                    &f.rule,
                    &f.span,
                    f.text.expose(),
                ),
                rule: f.rule.clone(),
                category: f.category.clone(),
                exemption: f.exemption.clone(),
            });
        }
    }
    let mut kept_texts: Vec<String> = Vec::new();
    let mut kept: Vec<Vec<Finding>> = vec![Vec::new(); pages.len()];
    let mut manual: Vec<Vec<plan::Area>> = vec![Vec::new(); pages.len()];
    if let Some(d) = decisions {
        use crate::decisions::AddedKind;
        let hash = format!("{:016x}", crate::batch::fnv64(bytes));
        if d.input_hash.as_ref().is_some_and(|h| *h != hash) {
            return Err(Error::usage(format!(
                "{}: the decisions file was made for other contents of this file (input_hash differs): run review again",
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
                    f.exemption = r.exemption.clone();
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
                let all: Vec<Finding> = fs.drain(..).chain(more).collect();
                *fs = detect::merge(all, p.text);
                // A proposal merged into an added text keeps its own id (its decision is recorded).
                for f in fs.iter_mut() {
                    if let Some((_, id)) = proposed
                        .iter()
                        .find(|(span, _)| span.start >= f.span.start && span.end <= f.span.end)
                    {
                        f.id = id.clone();
                    }
                }
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
                    exemption: a.exemption.clone(),
                    rule: "decision.rect".into(),
                    category: "manual".into(),
                    id: crate::decisions::added_id(a.row),
                });
            }
        }
        problems.sort_by_key(|(row, _)| *row);
        if let Some((row, m)) = problems.first() {
            let more = match problems.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more row)".to_string(),
                n => format!(" (and {n} more rows)"),
            };
            return Err(Error::usage(format!("{}, row {row}: {m}{more}", d.source)));
        }
    }
    Ok(Detected {
        findings,
        kept_texts,
        manual,
        proposals,
        kept,
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
    let (mut doc, _) = load::load_repaired(bytes, s.password.as_deref(), &s.load)?;
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    // A colour per category of the document (distinct for up to eight), in the order of their names.
    let mut cats: Vec<&str> = out.boxes.iter().map(|b| b.category.as_str()).collect();
    cats.sort_unstable();
    cats.dedup();
    let colour = |cat: &str| {
        let palette = [
            (0.1, 0.4, 0.9),
            (0.0, 0.6, 0.3),
            (0.8, 0.45, 0.0),
            (0.6, 0.2, 0.7),
            (0.0, 0.55, 0.65),
            (0.75, 0.1, 0.4),
            (0.45, 0.45, 0.1),
            (0.4, 0.3, 0.2),
        ];
        palette[cats.iter().position(|c| *c == cat).unwrap_or(0) % palette.len()]
    };
    let hash = format!("{:016x}", crate::batch::fnv64(bytes));
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
    let mut buf = Vec::new();
    doc.save_to(&mut buf)
        .map_err(|e| Error::verify(format!("the review copy cannot be written: {e}")))?;
    Ok((buf, rows, out.boxes.len()))
}
