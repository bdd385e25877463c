//! One document through every stage, in memory: read (`read`: load, extract, OCR, layout) ->
//! detect and decide (`decide`) -> plan -> per part: rewrite + sanitise -> save -> verify
//! (`build_part`). Returns the verified part outputs as bytes; writing them is `output`'s job.
//! `scan` and `review` stop after planning ([`plan_only`]).

use crate::detect::{self, Finding, SectionMark};
use crate::error::{Error, Result, Sensitive};
use crate::model::PageText;
use crate::pdf::{rewrite, sanitize};
use crate::plan::{self, PageInput};
use crate::profile::{self, Stage};
use crate::read::{self, memory_check};
use crate::rules::RuleSet;
use crate::verify;
use std::collections::{HashMap, HashSet};

pub use crate::decide::{detect_document, in_batch, Detected, InBatch, PageSource};
pub use crate::decisions::Proposal;
pub use crate::model::BoxLog;
pub use crate::read::{ocr_pages, read_pages, wants_ocr, OcrLog, OCR_TIME};
pub use crate::settings::{OcrMode, Settings, MIN_OCR_CONFIDENCE};

/// A verified part output.
#[derive(Debug, Clone)]
pub struct PartOutput {
    pub part: u8,
    pub bytes: Vec<u8>,
    /// 1-based input pages in this part.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct DocOutput {
    pub ocr: Vec<OcrLog>,
    /// Pages part of which was read from the rendered page (`pdf::eyes`).
    pub eyes: Vec<read::EyesLog>,
    /// Output pages rendered and read by OCR to be checked by eye (`--verify-visual`).
    pub checked_by_eye: usize,
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
    /// The officer's decisions as applied, when rows followed their proposals to other ids
    /// ([`Detected::moved`]): what the logs read them from.
    pub moved: Option<crate::decisions::Decisions>,
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

/// How many times a document is made again when OCR of its output reads something new.
const MAX_REREADS: usize = 4;

/// Runs the whole pipeline on one PDF held in memory.
pub fn process(bytes: &[u8], rules: &RuleSet, s: &Settings) -> Result<DocOutput> {
    run(bytes, rules, s, None, Stop::Built)
}

/// Plans a document and stops there (`scan`, `review`): what would be redacted, where, in which part;
/// no part is built, so `parts` is empty.
pub fn plan_only(bytes: &[u8], rules: &RuleSet, s: &Settings) -> Result<DocOutput> {
    run(bytes, rules, s, None, Stop::Planned)
}

/// What detection sees of a document's pages. An OCR layer (mostly invisible text) gets fuzzy term
/// matching too.
fn page_sources<D>(pages: &[(D, PageText)]) -> Vec<PageSource<'_>> {
    pages
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
                ocr: p.ocr || p.eyes || count(true) > count(false),
                glyph_of_byte: &p.glyph_of_byte,
                alt: crate::layout::alternative(p),
            }
        })
        .collect()
}

/// Pass one of a `--consistent` batch: the texts a document redacts (the rules', the repeats', the
/// surnames', the officer's `text=` rows and the words under their areas; not what the officer
/// kept), each with its why and its id.
pub fn found(
    bytes: &[u8],
    rules: &RuleSet,
    s: &Settings,
    decisions: Option<&crate::decisions::Decisions>,
) -> Result<Vec<crate::detect::spread::FoundText>> {
    let deadline = s.time_limit.map(|t| std::time::Instant::now() + t);
    let read = read::read(bytes, s, deadline)?;
    let texts = page_sources(&read.pages);
    let Detected {
        mut findings,
        mut manual,
        ..
    } = detect_document(&texts, bytes, rules, decisions, InBatch::PassOne)?;
    for (((_, p), f), m) in read.pages.iter().zip(&mut findings).zip(&mut manual) {
        plan::text_areas_to_findings(p, f, m);
    }
    Ok(findings
        .into_iter()
        .flatten()
        .map(|f| crate::detect::spread::FoundText {
            text: f.text,
            at: f.id,
            why: f.why,
        })
        .collect())
}

/// How far [`run`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Planned,
    Built,
}

/// [`process`] with the officer's decisions for this document applied.
pub fn process_with(
    bytes: &[u8],
    rules: &RuleSet,
    s: &Settings,
    decisions: Option<&crate::decisions::Decisions>,
) -> Result<DocOutput> {
    run(bytes, rules, s, decisions, Stop::Built)
}

/// [`plan_only`] with the officer's decisions checked and applied: what `redact --decisions` would
/// refuse in them is an error here too (the browser review checks every change with it).
pub fn plan_with(
    bytes: &[u8],
    rules: &RuleSet,
    s: &Settings,
    decisions: Option<&crate::decisions::Decisions>,
) -> Result<DocOutput> {
    run(bytes, rules, s, decisions, Stop::Planned)
}

/// One document: read ([`read::read`]), detect and decide ([`detect_document`]), plan; then, unless
/// `stop` says planned, build and prove each part (`build_part`), planning again with what OCR of an
/// output reads anew.
fn run(
    bytes: &[u8],
    rules: &RuleSet,
    s: &Settings,
    decisions: Option<&crate::decisions::Decisions>,
    stop: Stop,
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
    let read::Read {
        doc,
        pages,
        repairs,
        unreadable,
        ocr: ocr_log,
        eyes: eyes_log,
    } = read::read(bytes, s, deadline)?;
    let texts = page_sources(&pages);
    let Detected {
        mut findings,
        kept_texts,
        moved,
        mut manual,
        proposals,
        kept,
    } = profile::time(Stage::Detect, || {
        detect_document(
            &texts,
            bytes,
            rules,
            decisions,
            in_batch(s.consistent.as_deref()),
        )
    })?;
    // Areas the officer drew over words are those words.
    for (((_, p), f), m) in pages.iter().zip(&mut findings).zip(&mut manual) {
        plan::text_areas_to_findings(p, f, m);
    }
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
    // (Not the text under an officer's area: it is redacted where the area is, and the same words may
    // rightly stay elsewhere; nothing is left under its box, which verification proves.)
    let needle_texts: Vec<String> = findings
        .iter()
        .flatten()
        .filter(|f| {
            f.why.rule != crate::decisions::RECT_RULE
                && !crate::detect::spread::stays_elsewhere(&f.why)
        })
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
            eyes: eyes_log.clone(),
            checked_by_eye: 0,
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
            moved: moved.clone(),
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
                        why: b.why.clone(),
                        text: b.text.clone(),
                        id: b.id.clone(),
                        decision: String::new(),
                        note: String::new(),
                        anonymity: b.anonymity,
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
        if stop == Stop::Planned {
            return Ok(out);
        }
        let mut again: Vec<verify::Reread> = Vec::new();
        for part in &dplan.parts {
            if over() {
                return Err(time_err());
            }
            memory_check()?;
            let proof = Proof {
                rules,
                needles: &needles,
                kept_texts: &kept_texts,
                unreadable: &unreadable,
                text_ok: &text_ok,
                uri_ok: &uri_ok,
            };
            let buf = match build_part(&doc, &pages, part, s, &proof)? {
                Ok((buf, by_eye)) => {
                    out.checked_by_eye += by_eye;
                    buf
                }
                Err(reread) => {
                    if attempt == MAX_REREADS {
                        return Err(Error::verify(format!(
                            "part {}: OCR of the output still reads what rule {} finds, after {MAX_REREADS} more passes",
                            part.part, reread[0].why.rule
                        ))
                        .with_page(reread[0].page));
                    }
                    again = reread;
                    break;
                }
            };
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
                    why: r.why,
                    id: String::new(),
                });
            }
        }
    }
    Err(Error::verify(
        "OCR of the output keeps reading personal data",
    ))
}

/// A part output made and proven: its bytes, and how many of its pages were checked by eye.
type Built = (Vec<u8>, usize);

/// What a part output is proven against.
struct Proof<'a> {
    rules: &'a RuleSet,
    /// Every redacted text (and term), as bytes to look for in the output's objects.
    needles: &'a [Vec<u8>],
    /// Texts the officer kept: not leaks.
    kept_texts: &'a [String],
    /// Pages let through unread (`--allow-unreadable`).
    unreadable: &'a [usize],
    /// Whether a text outside the page content (alternative text) may stay.
    text_ok: &'a dyn Fn(&str) -> bool,
    /// Whether a link's address may stay.
    uri_ok: &'a dyn Fn(&str) -> bool,
}

/// Builds one part: a copy of the document with the part's pages rewritten (glyphs removed, images
/// blanked, boxes drawn), sanitised, saved, and verified. `Ok(Err(areas))` when OCR of the output
/// reads what the rules find there: the document is to be planned again with those areas redacted.
fn build_part(
    doc: &lopdf::Document,
    pages: &[(lopdf::ObjectId, PageText)],
    part: &plan::PartPlan,
    s: &Settings,
    p: &Proof<'_>,
) -> Result<std::result::Result<Built, Vec<verify::Reread>>> {
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
        let rects: Vec<crate::geom::Rect> = pp.boxes.iter().map(|b| b.rect).chain(pp.cut).collect();
        covered.insert(*pid, rects);
    }
    let opts = sanitize::PartOptions {
        shared: &shared,
        text_ok: p.text_ok,
        uri_ok: p.uri_ok,
        keep_links: s.keep_links,
        covered: &covered,
        keep_unused_glyphs: s.keep_unused_glyphs,
    };
    profile::time(Stage::Sanitize, || {
        sanitize::build_part(&mut d, &keep, &opts)
    })?;
    let mut buf = Vec::new();
    profile::time(Stage::Save, || d.save_to(&mut buf))
        .map_err(|e| Error::write(format!("the output cannot be written: {e}")))?;
    // Developers only (debug builds): keep the unverified bytes to see why verification failed.
    #[cfg(debug_assertions)]
    if let Some(dir) = std::env::var_os("FOIREDACT_DEBUG_UNVERIFIED") {
        let _ = std::fs::write(
            std::path::Path::new(&dir).join(format!("unverified.part{}.pdf", part.part)),
            &buf,
        );
    }
    let checked = profile::time(Stage::Verify, || {
        verify::verify_part(
            &buf,
            part,
            p.rules,
            p.needles,
            p.kept_texts,
            p.unreadable,
            s.visual,
        )
    })?;
    if !checked.reread.is_empty() {
        return Ok(Err(checked.reread));
    }
    Ok(Ok((buf, checked.by_eye)))
}

/// The audit entry of a proposal the officer kept: where it is, what it is, and no box or text.
pub fn kept_log(part: u8, page: usize, part_page: usize, f: &Finding) -> BoxLog {
    BoxLog {
        part,
        page,
        part_page,
        rect: None,
        line: None,
        why: f.why.clone(),
        text: Sensitive::new(String::new()),
        id: f.id.clone(),
        decision: "keep".into(),
        note: String::new(),
        anonymity: None,
    }
}
