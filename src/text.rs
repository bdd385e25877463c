//! Plain-text documents (`.txt` inputs): redacted with the same rules, repeats and decisions as PDFs,
//! with no PDF machinery. Text -> pages (split at form feeds, as `foiredact text` prints them) ->
//! [`pipeline::detect_document`] -> Parts split by the same section rules -> every redaction replaced
//! by `[REDACTED <label>]` -> verified -> [`DocOutput`] whose part bytes are UTF-8 text. Writes nothing.
//!
//! Parts: the text before any heading and under a Part I heading is Part 1, under a Part II heading
//! Part 2; a heading line belongs to the part it opens. A part with no letter or digit is not output.
//! Line ends are written as `\n` (a `\r\n` input is read as `\n`); everything else not redacted is
//! kept byte for byte.
//!
//! # Errors
//! Text that is not UTF-8, a decisions `rect=` row (a text has no pages to draw on), or an output in
//! which verification still finds something: the file is declined.

use crate::decisions::Decisions;
use crate::detect::spread::{BatchTexts, FoundText};
use crate::detect::Finding;
use crate::error::{Error, Result};
use crate::model::LabelMode;
use crate::pipeline::{self, in_batch, BoxLog, DocOutput, InBatch, PageSource, PartOutput};
use crate::rules::RuleSet;
use crate::verify;
use std::ops::Range;

/// What stands where a redaction was: `[REDACTED s40(2)]` (or the category, or nothing).
pub fn marker(label: LabelMode, exemption: &str, category: &str) -> String {
    match label.shown(exemption, category) {
        "" => "[REDACTED]".to_string(),
        shown => format!("[REDACTED {shown}]"),
    }
}

/// The pieces of a finding on single lines and cells (split at `\n` and `\t`), trimmed: each is
/// replaced on its own, so the line structure of the text stays as it was.
fn fragments(text: &str, span: &Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = span.start;
    for (i, c) in text[span.clone()].char_indices() {
        if c == '\n' || c == '\t' {
            out.push(start..span.start + i);
            start = span.start + i + 1;
        }
    }
    out.push(start..span.end);
    out.into_iter()
        .filter_map(|r| {
            let s = &text[r.clone()];
            let lead = s.len() - s.trim_start().len();
            let t = s.trim();
            (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
        })
        .collect()
}

/// One page's slice that belongs to a part.
struct Segment {
    part: u8,
    page: usize,
    range: Range<usize>,
}

/// Splits every page at its Part headings (at the start of the heading's line).
fn segments(rules: &RuleSet, pages: &[&str]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut current = 1u8;
    for (k, text) in pages.iter().enumerate() {
        let mut pos = 0;
        for m in crate::detect::sections(rules, text) {
            if m.part == current {
                continue;
            }
            let at = text[..m.span.start].rfind('\n').map_or(0, |p| p + 1);
            out.push(Segment {
                part: current,
                page: k,
                range: pos..at,
            });
            pos = at;
            current = m.part;
        }
        out.push(Segment {
            part: current,
            page: k,
            range: pos..text.len(),
        });
    }
    out
}

/// What a part output is checked against.
struct Proof<'a> {
    rules: &'a RuleSet,
    /// Texts the officer kept (normalised).
    kept: &'a std::collections::HashSet<Vec<u8>>,
    /// Every finding's text, for the raw scan.
    needles: &'a [Vec<u8>],
}

/// Proves a part output clean, as a PDF's is: the rules find nothing more in `check` (the output with
/// each redaction as a stand-in), page by page, and no finding's text is left anywhere in `body`.
fn prove(p: Proof<'_>, part: u8, pages: &[usize], body: &str, check: &str) -> Result<()> {
    for (k, page_check) in check.split('\u{c}').enumerate() {
        if let Some(f) = verify::still_found(p.rules, page_check, p.kept) {
            return Err(Error::verify(format!(
                "part {part}: rule {} still finds something in the output",
                f.why.rule
            ))
            .with_page(pages.get(k).copied().unwrap_or(0)));
        }
    }
    if verify::text_holds_needle(p.needles, body)? {
        return Err(Error::verify(format!(
            "part {part}: redacted text is still present in the output"
        )));
    }
    Ok(())
}

/// A text input as it is read: UTF-8 (a byte order mark dropped), line ends as `\n`.
///
/// # Errors
/// Bytes that are not UTF-8: the text cannot be read.
pub fn decode(bytes: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Error::unreadable("a text input must be UTF-8"))?;
    Ok(text.replace("\r\n", "\n"))
}

/// The pages of a text (split at form feeds) as detection reads them.
fn sources<'a>(pages: &[&'a str]) -> Vec<PageSource<'a>> {
    pages
        .iter()
        .enumerate()
        .map(|(k, t)| PageSource {
            page: k + 1,
            text: t,
            ocr: false,
            glyph_of_byte: &[],
            alt: None,
        })
        .collect()
}

/// Pass one of a `--consistent` batch for a plain-text document: the texts it redacts (see
/// [`pipeline::found`]).
pub fn found(
    bytes: &[u8],
    rules: &RuleSet,
    decisions: Option<&Decisions>,
) -> Result<Vec<FoundText>> {
    let text = decode(bytes)?;
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let found =
        pipeline::detect_document(&sources(&pages), bytes, rules, decisions, InBatch::PassOne)?;
    Ok(found
        .findings
        .into_iter()
        .flatten()
        .map(|f| FoundText {
            text: f.text,
            at: f.id,
            why: f.why,
        })
        .collect())
}

/// Redacts a plain-text document held in memory.
pub fn process(
    bytes: &[u8],
    rules: &RuleSet,
    label: LabelMode,
    decisions: Option<&Decisions>,
    batch: Option<&BatchTexts>,
) -> Result<DocOutput> {
    let text = decode(bytes)?;
    if decisions.is_some_and(|d| d.has_rects()) {
        return Err(Error::usage(
            "a decisions rect= row cannot apply to a text input (use text=)",
        ));
    }
    let pages: Vec<&str> = text.split('\u{c}').collect();
    // 1-based input line of each page's first line.
    let mut first_line = Vec::with_capacity(pages.len());
    let mut line = 1;
    for p in &pages {
        first_line.push(line);
        line += p.matches('\n').count();
    }
    let sources = sources(&pages);
    let found = pipeline::detect_document(&sources, bytes, rules, decisions, in_batch(batch))?;
    let segs = segments(rules, &pages);
    let marks: Vec<_> = pages
        .iter()
        .flat_map(|t| crate::detect::sections(rules, t))
        .collect();
    let mut out = DocOutput {
        ocr: vec![],
        eyes: vec![],
        checked_by_eye: 0,
        pages: pages.len(),
        parts: vec![],
        boxes: vec![],
        page_parts: vec![],
        boundaries: vec![],
        unreadable: vec![],
        part2_heading_missing: crate::detect::part2_heading_missing(&marks, pages.iter().copied()),
        proposals: found.proposals.clone(),
        kept: vec![],
        repairs: vec![],
        moved: found.moved.clone(),
    };
    // The proposals the officer kept: their part and page, no line and no text.
    for (k, fs) in found.kept.iter().enumerate() {
        for f in fs {
            let part = segs
                .iter()
                .find(|s| s.page == k && s.range.contains(&f.span.start))
                .map_or(1, |s| s.part);
            let mut part_pages: Vec<usize> = segs
                .iter()
                .filter(|s| s.part == part)
                .map(|s| s.page)
                .collect();
            part_pages.dedup();
            let part_page = part_pages.iter().position(|&p| p == k).map_or(0, |i| i + 1);
            out.kept.push(pipeline::kept_log(part, k + 1, part_page, f));
        }
    }
    let kept = verify::kept_set(&found.kept_texts);
    let needle_texts: Vec<String> = found
        .findings
        .iter()
        .flatten()
        .filter(|f| !crate::detect::spread::stays_elsewhere(&f.why))
        .map(|f| f.text.expose().clone())
        .filter(|t| !found.kept_texts.contains(t))
        .collect();
    let needles = verify::needles(&needle_texts);
    for part in [1u8, 2] {
        let mine: Vec<&Segment> = segs.iter().filter(|s| s.part == part).collect();
        let has_content = mine.iter().any(|s| {
            pages[s.page][s.range.clone()]
                .chars()
                .any(char::is_alphanumeric)
        });
        if !has_content {
            continue;
        }
        // The output, and the same with every redaction as a stand-in (for the fixed-point check).
        let (mut body, mut check) = (String::new(), String::new());
        let mut part_pages: Vec<usize> = Vec::new();
        for s in &mine {
            let page_text = pages[s.page];
            if part_pages.last() != Some(&(s.page + 1)) {
                if !part_pages.is_empty() {
                    body.push('\u{c}');
                    check.push('\u{c}');
                }
                part_pages.push(s.page + 1);
            }
            let mut pos = s.range.start;
            let fs: &[Finding] = &found.findings[s.page];
            for f in fs {
                for r in fragments(page_text, &f.span) {
                    if r.start < s.range.start || r.end > s.range.end {
                        continue;
                    }
                    body.push_str(&page_text[pos..r.start]);
                    check.push_str(&page_text[pos..r.start]);
                    body.push_str(&marker(label, &f.why.exemption, &f.why.category));
                    check.push_str(crate::layout::STAND_IN);
                    pos = r.end;
                    out.boxes.push(BoxLog {
                        part,
                        page: s.page + 1,
                        part_page: part_pages.len(),
                        rect: None,
                        line: Some(first_line[s.page] + page_text[..r.start].matches('\n').count()),
                        why: f.why.clone(),
                        text: crate::error::Sensitive::new(page_text[r.clone()].to_string()),
                        id: f.id.clone(),
                        decision: String::new(),
                        note: String::new(),
                        anonymity: None,
                    });
                }
            }
            body.push_str(&page_text[pos..s.range.end]);
            check.push_str(&page_text[pos..s.range.end]);
        }
        prove(
            Proof {
                rules,
                kept: &kept,
                needles: &needles,
            },
            part,
            &part_pages,
            &body,
            &check,
        )?;
        out.parts.push(PartOutput {
            part,
            bytes: body.into_bytes(),
            pages: part_pages,
        });
    }
    Ok(out)
}

/// The first line of a text review copy.
pub const REVIEW_BANNER: &str = "REVIEW COPY - NOT FOR RELEASE: every proposed redaction is marked [[like this]]{id exemption}; nothing is removed";

/// A review copy of a plain-text document: the text (after a banner line) with every proposed
/// redaction marked `[[...]]{<id> <exemption>}`, nothing removed; and the decisions file's rows for
/// its proposals (the text masked unless `log_text`).
pub fn review(
    bytes: &[u8],
    rules: &RuleSet,
    log_text: bool,
    batch: Option<&BatchTexts>,
) -> Result<(Vec<u8>, Vec<crate::formats::DecisionRow>)> {
    let text = decode(bytes)?;
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let sources = sources(&pages);
    let found = pipeline::detect_document(&sources, bytes, rules, None, in_batch(batch))?;
    let segs = segments(rules, &pages);
    let hash = format!("{:016x}", crate::hash::fnv64(bytes));
    let mut copy = format!("{REVIEW_BANNER}\n\n");
    let mut rows = Vec::new();
    let mut proposals = found.proposals.iter();
    for (k, (page, fs)) in pages.iter().zip(&found.findings).enumerate() {
        if k > 0 {
            copy.push('\u{c}');
        }
        let mut pos = 0;
        for f in fs {
            copy.push_str(&page[pos..f.span.start]);
            copy.push_str(&format!(
                "[[{}]]{{{} {}}}",
                &page[f.span.clone()],
                f.id,
                f.why.exemption
            ));
            pos = f.span.end;
            let part = segs
                .iter()
                .find(|s| s.page == k && s.range.contains(&f.span.start))
                .map_or(1, |s| s.part);
            let shown = if log_text {
                f.text.expose().clone()
            } else {
                crate::error::mask(f.text.expose())
            };
            if let Some(p) = proposals.next() {
                rows.push(crate::formats::DecisionRow::proposed(p, part, shown, &hash));
            }
        }
        copy.push_str(&page[pos..]);
    }
    Ok((copy.into_bytes(), rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> DocOutput {
        let rs = RuleSet::defaults().expect("rules");
        process(text.as_bytes(), &rs, LabelMode::Code, None, None).expect("redacts")
    }

    fn part(d: &DocOutput, n: u8) -> Option<String> {
        d.parts
            .iter()
            .find(|p| p.part == n)
            .map(|p| String::from_utf8(p.bytes.clone()).expect("utf8"))
    }

    #[test]
    fn splits_parts_and_replaces_each_line_of_a_finding() {
        let d = run(
            "Title: Fleet\r\nPART I\nSignature: J. Okafor\nDate: 2 April 2025\n\
                     PART II\nContact Ms Agnieszka\nNowak on 01632 960418.\n",
        );
        assert_eq!(
            part(&d, 1).as_deref(),
            Some("Title: Fleet\nPART I\nSignature: [REDACTED s40(2)]\nDate: 2 April 2025\n")
        );
        let p2 = part(&d, 2).expect("part 2");
        assert!(p2.starts_with("PART II\n"), "{p2}");
        assert!(!p2.contains("01632") && !p2.contains("Nowak"), "{p2}");
        assert!(d.boxes.iter().all(|b| b.rect.is_none() && b.line.is_some()));
        let sig = d.boxes.iter().find(|b| b.part == 1).expect("a box");
        assert_eq!((sig.line, sig.page, sig.part_page), (Some(3), 1, 1));
    }

    #[test]
    fn a_part2_only_text_has_no_part1_and_pages_are_form_feeds() {
        let d = run("PART II (Exempt Information)\nNothing personal.\u{c}Page two.\n");
        assert!(part(&d, 1).is_none());
        assert_eq!(d.parts[0].pages, vec![1, 2]);
        assert_eq!(
            part(&d, 2).as_deref(),
            Some("PART II (Exempt Information)\nNothing personal.\u{c}Page two.\n")
        );
    }

    /// The proof fails closed: a finding left in the output, or a redacted text left anywhere in it.
    #[test]
    fn the_proof_refuses_what_is_left() {
        let rs = RuleSet::defaults().expect("rules");
        let kept = verify::kept_set(&[]);
        let needles = verify::needles(&["Ottoline Varga".to_string()]);
        let proof = || Proof {
            rules: &rs,
            kept: &kept,
            needles: &needles,
        };
        let clean = "Contact: [REDACTED s40(2)]\n";
        let stand_in = format!("Contact: {}\n", crate::layout::STAND_IN);
        prove(proof(), 1, &[1], clean, &stand_in).expect("clean");
        let e = prove(proof(), 1, &[1, 2], clean, "ok\u{c}Tel 01632 960418\n")
            .expect_err("a phone number left");
        assert!(
            e.to_string().contains("page 2") && !e.to_string().contains("01632"),
            "{e}"
        );
        let e = prove(proof(), 2, &[1], "an ottoline  VARGA here", &stand_in)
            .expect_err("a redacted name left");
        assert!(e.to_string().contains("still present"), "{e}");
        // A kept text is not a leak.
        let kept = verify::kept_set(&["01632 960418".to_string()]);
        let p = Proof {
            rules: &rs,
            kept: &kept,
            needles: &[],
        };
        prove(p, 1, &[1], "", "Tel 01632 960418\n").expect("kept by the officer");
    }

    #[test]
    fn declines_what_it_cannot_read_or_prove() {
        let rs = RuleSet::defaults().expect("rules");
        let e =
            process(b"Name: \xff\xfe", &rs, LabelMode::Code, None, None).expect_err("not utf-8");
        assert!(e.to_string().contains("UTF-8"), "{e}");
        let d = crate::decisions::parse("d.csv", b"id,decision\n,\"rect=1,0,0,9,9\"\n")
            .expect("decisions");
        assert!(process(b"Text", &rs, LabelMode::Code, Some(&d), None).is_err());
        assert_eq!(marker(LabelMode::None, "s40(2)", "name"), "[REDACTED]");
        assert_eq!(
            marker(LabelMode::Category, "s40(2)", "name"),
            "[REDACTED name]"
        );
    }
}
