//! Detection: a [`RuleSet`] over page text -> findings (what to redact) and section marks (Part
//! headings). Pure: plain strings in, byte spans out; knows nothing of PDF.
//!
//! # Invariants
//! Every `Finding::span` is a half-open byte range on char boundaries of the text it was found in, holds
//! at least one alphanumeric character, and findings are sorted and non-overlapping (overlaps merged).

use crate::error::Sensitive;
use crate::rules::lexicon::Lexicon;
pub use crate::rules::phrases::{letter_bounded, Phrases};
use crate::rules::{AllowMatcher, AllowRule, FieldKeep, Matcher, RuleSet};
use crate::text_fold::{self, fold_for_fuzzy};
use regex::Regex;
use std::ops::Range;

pub mod spread;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable id within a document, `p<page>-r<n>` (set by the pipeline; empty until then).
    pub id: String,
    /// The rule (`a+b` when overlapping findings of several rules were merged), category, exemption.
    pub why: crate::model::Why,
    pub span: Range<usize>,
    pub text: Sensitive<String>,
}

/// A Part heading found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionMark {
    pub part: u8,
    pub rule: String,
    pub span: Range<usize>,
}

/// All findings of all rules, allow rules applied, overlaps merged.
pub fn detect(rs: &RuleSet, text: &str) -> Vec<Finding> {
    with_folded(text, |t| detect_exact(rs, t))
}

/// Runs `f` on the text folded for matching ([`crate::text_fold`]: accents in any Unicode form,
/// compatibility forms, look-alike letters, invisible characters, words hyphenated at a line end), and
/// maps the findings back to spans of the original text.
fn with_folded(text: &str, f: impl FnOnce(&str) -> Vec<Finding>) -> Vec<Finding> {
    if !text_fold::needs_fold(text) {
        return f(text);
    }
    let fd = text_fold::fold(text);
    let found = f(&fd.text);
    let mapped: Vec<Finding> = found
        .into_iter()
        .filter(|x| x.span.end > x.span.start)
        .map(|mut x| {
            x.span = fd.span(text, x.span);
            x.text = Sensitive::new(text[x.span.clone()].to_string());
            x
        })
        .collect();
    merge(mapped, text)
}

fn detect_exact(rs: &RuleSet, text: &str) -> Vec<Finding> {
    let norm = Normalized::new(text);
    // Each finding with whether allow rules apply to it: when any allowable rule has its rule's id.
    let mut found: Vec<(bool, Finding)> = Vec::new();
    for i in 0..rs.rules.len() {
        let of_rule = run_rule(rs, i, text, &norm);
        if of_rule.is_empty() {
            continue;
        }
        let id = &rs.rules[i].id;
        let allowable =
            rs.rules[i].allowable || rs.rules.iter().any(|r| r.allowable && r.id == *id);
        found.extend(of_rule.into_iter().map(|f| (allowable, f)));
    }
    if found.iter().all(|(allowable, _)| !allowable) {
        return merge(found.into_iter().map(|(_, f)| f).collect(), text);
    }
    // Dictionaries of allowed words over the whole text (they match across lines); allow patterns only
    // around the findings (the finding's line and the lines on either side), which is all a pattern
    // that holds a finding can reach.
    let mut allowed: Vec<Range<usize>> = rs
        .allow
        .iter()
        .filter(|a| matches!(a.matcher, AllowMatcher::Dictionary(_)))
        .flat_map(|a| allow_spans(a, text, &norm))
        .collect();
    if rs.keep_signatory {
        allowed.extend(signatory_lines(text));
    }
    let mut windows: Vec<Range<usize>> = Vec::new();
    let mut kept = Vec::with_capacity(found.len());
    for (allowable, f) in found {
        if !allowable {
            kept.push(f);
            continue;
        }
        if rs.organisation.owns(&f.why.category, &text[f.span.clone()]) {
            continue;
        }
        let inside = |a: &Range<usize>| a.start <= f.span.start && f.span.end <= a.end;
        if allowed.iter().any(inside) {
            continue;
        }
        let w = around(text, &f.span);
        if !windows.contains(&w) {
            for a in &rs.allow {
                if let AllowMatcher::Regex(re) = &a.matcher {
                    allowed.extend(
                        re.get(norm.ascii_words)
                            .find_iter(&text[w.clone()])
                            .map(|m| w.start + m.start()..w.start + m.end()),
                    );
                }
            }
            windows.push(w);
            if allowed.iter().any(inside) {
                continue;
            }
        }
        kept.push(f);
    }
    merge(kept, text)
}

/// The lines before, of and after a span.
fn around(text: &str, r: &Range<usize>) -> Range<usize> {
    let s = text[..r.start].rfind('\n').unwrap_or(0);
    let s = text[..s].rfind('\n').map_or(0, |p| p + 1);
    let e = line_end(text, r.end);
    let e = if e < text.len() {
        line_end(text, e + 1)
    } else {
        e
    };
    s..e
}

/// The signatory of a letter: the first line after its closing ("Yours sincerely,", "Kind regards").
pub fn signatory_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut after_closing = false;
    for line in text.split_inclusive('\n') {
        let l = line.trim().trim_end_matches([',', '.']).to_lowercase();
        if after_closing && !l.is_empty() {
            out.push(at..at + line.trim_end().len());
            after_closing = false;
        } else if matches!(
            l.as_str(),
            "yours sincerely"
                | "yours faithfully"
                | "yours truly"
                | "kind regards"
                | "best regards"
                | "regards"
                | "with best wishes"
        ) {
            after_closing = true;
        }
        at += line.len();
    }
    out
}

/// Like [`detect`], for a page whose text is an OCR layer: the user's terms are also matched with a
/// few OCR slips allowed (edit distance 1 for 8 to 13 characters, 2 from 14; white space, case and
/// accents ignored), as a reader searching the scan's text would find them.
pub fn detect_ocr(rs: &RuleSet, text: &str) -> Vec<Finding> {
    let mut all = detect(rs, text);
    let (hay, back) = fold_for_fuzzy(text);
    for (i, r) in rs.rules.iter().enumerate() {
        if let Matcher::Terms { folded, .. } = &r.matcher {
            for t in folded {
                let Some(k) = ocr_slips(t.len()) else {
                    continue;
                };
                for (s, e) in approx_find(t, &hay, k) {
                    let span = back[s]
                        ..back[e - 1]
                            + text[back[e - 1]..].chars().next().map_or(0, char::len_utf8);
                    all.push(finding(rs, i, text, span));
                }
            }
        }
    }
    merge(all, text)
}

/// How many OCR slips (edits) a term of `len` folded characters may have and still match on an OCR
/// reading: none under 8 characters (`None`: exact matches only), one from 8, two from 14.
pub fn ocr_slips(len: usize) -> Option<usize> {
    match len {
        0..=7 => None,
        8..=13 => Some(1),
        _ => Some(2),
    }
}

/// Approximate substring search (Sellers): every non-overlapping occurrence of `pat` in `hay` within
/// `k` edits, as half-open char ranges of `hay`.
pub fn approx_find(pat: &[char], hay: &[char], k: usize) -> Vec<(usize, usize)> {
    let m = pat.len();
    if m == 0 || hay.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    let mut col: Vec<usize> = (0..=m).collect();
    let mut j = 0;
    while j < hay.len() {
        let mut prev_diag = col[0];
        col[0] = 0;
        for i in 1..=m {
            let cost = usize::from(pat[i - 1] != hay[j]);
            let v = (col[i] + 1).min(col[i - 1] + 1).min(prev_diag + cost);
            prev_diag = col[i];
            col[i] = v;
        }
        if col[m] <= k {
            // Extend to the best end nearby, then find the start by matching backwards.
            let mut end = j + 1;
            let mut best = col[m];
            let mut look = col.clone();
            for (jj, &h) in hay
                .iter()
                .enumerate()
                .take((j + 1 + k).min(hay.len()))
                .skip(j + 1)
            {
                let mut pd = look[0];
                look[0] = 0;
                for i in 1..=m {
                    let cost = usize::from(pat[i - 1] != h);
                    let v = (look[i] + 1).min(look[i - 1] + 1).min(pd + cost);
                    pd = look[i];
                    look[i] = v;
                }
                if look[m] < best {
                    best = look[m];
                    end = jj + 1;
                }
            }
            let start = approx_start(pat, hay, end, k);
            out.push((start, end));
            col = (0..=m).collect();
            j = end;
            continue;
        }
        j += 1;
    }
    out
}

/// The start of the best approximate match of `pat` ending at `end`.
fn approx_start(pat: &[char], hay: &[char], end: usize, k: usize) -> usize {
    let m = pat.len();
    let lo = end.saturating_sub(m + k);
    let window: Vec<char> = hay[lo..end].iter().rev().copied().collect();
    let rpat: Vec<char> = pat.iter().rev().copied().collect();
    // Prefix-anchored DP: the pattern must match a prefix of the reversed window.
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut best = (usize::MAX, end.saturating_sub(m));
    for (j, &c) in window.iter().enumerate() {
        let mut cur = vec![j + 1; m + 1];
        for i in 1..=m {
            let cost = usize::from(rpat[i - 1] != c);
            cur[i] = (prev[i] + 1).min(cur[i - 1] + 1).min(prev[i - 1] + cost);
        }
        if cur[m] <= k && cur[m] < best.0 {
            best = (cur[m], end - (j + 1));
        }
        prev = cur;
    }
    best.1
}

/// The findings of one rule alone (no allow rules), merged; used to check examples.
pub fn detect_rule(rs: &RuleSet, i: usize, text: &str) -> Vec<Finding> {
    with_folded(text, |t| detect_rule_exact(rs, i, t))
}

fn detect_rule_exact(rs: &RuleSet, i: usize, text: &str) -> Vec<Finding> {
    let norm = Normalized::new(text);
    merge(run_rule(rs, i, text, &norm), text)
}

/// Findings in a second reading of a page (the same glyphs, some read another way: `alt` with the
/// glyph of each of its bytes in `alt_map`), moved onto the page's own `text`: each covers the bytes
/// of `text` drawn by the glyphs it holds. A reader that shows either reading finds nothing once they go.
pub fn detect_alternative(
    rs: &RuleSet,
    text: &str,
    glyph_of_byte: &[u32],
    alt: &str,
    alt_map: &[u32],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in detect(rs, alt) {
        let glyphs: std::collections::HashSet<u32> = alt_map
            .get(f.span.clone())
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|&g| g != u32::MAX)
            .collect();
        let mut bytes = glyph_of_byte
            .iter()
            .enumerate()
            .filter(|(_, g)| glyphs.contains(g))
            .map(|(b, _)| b);
        let Some(first) = bytes.next() else { continue };
        let mut end = bytes.next_back().unwrap_or(first) + 1;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut start = first;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        out.push(Finding {
            text: Sensitive::new(text[start..end].to_string()),
            span: start..end,
            ..f
        });
    }
    out
}

/// Signature areas: signature blocks (from the start of a `block` rule to the end of its last labelled
/// line) and the lines of `signature` fields (`Signed:`, `Signature:`). Images in them are signatures
/// and are removed whole.
pub fn signature_areas(rs: &RuleSet, text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let aw = crate::rules::re::ascii_words(text);
    for r in &rs.rules {
        if let Matcher::Field { label, .. } = &r.matcher {
            if r.category == "signature" {
                for c in label.get(aw).captures_iter(text) {
                    // The label itself (group 1): the match may begin with the previous line's newline.
                    let Some(l) = c.get(1) else { continue };
                    let start = text[..l.start()].rfind('\n').map_or(0, |p| p + 1);
                    out.push(start..line_end(text, l.end()));
                }
            }
        }
        if let Matcher::Block {
            start,
            label,
            max_lines,
        } = &r.matcher
        {
            for m in start.get(aw).find_iter(text) {
                let mut end = line_end(text, m.end());
                let mut region_end = end;
                for _ in 0..*max_lines {
                    if region_end >= text.len() {
                        break;
                    }
                    region_end = line_end(text, region_end + 1);
                }
                for lm in label.get(aw).find_iter(&text[m.end()..region_end]) {
                    end = end.max(line_end(text, m.end() + lm.end()));
                }
                out.push(m.start()..end);
            }
        }
    }
    out
}

/// Part headings, in text order. Matched on the text folded ([`text_fold::for_headings`]): a heading
/// set with letter spacing ("P A R T  I I") or with the Roman-numeral sign ("PART Ⅱ") is found.
pub fn sections(rs: &RuleSet, text: &str) -> Vec<SectionMark> {
    let fd = text_fold::for_headings(text);
    let view = fd.text.as_str();
    let mut marks: Vec<SectionMark> = Vec::new();
    let aw = crate::rules::re::ascii_words(view);
    for s in &rs.sections {
        for m in s.re.get(aw).find_iter(view) {
            let lead = m.as_str().len() - m.as_str().trim_start().len();
            let span = m.start() + lead..m.start() + m.as_str().trim_end().len();
            if span.is_empty() {
                continue;
            }
            marks.push(SectionMark {
                part: s.part,
                rule: s.id.clone(),
                span: fd.span(text, span),
            });
        }
    }
    marks.sort_by_key(|m| (m.span.start, m.part));
    marks.dedup_by(|b, a| b.span.start < a.span.end);
    marks
}

/// Whether a document's Part split may have missed its Part 2: it has a Part 1 heading, or its text
/// mentions a Part 2 ("Part 2 is not for publication", "see Part II"), yet no Part 2 heading was found.
pub fn part2_heading_missing<'a>(
    marks: impl IntoIterator<Item = &'a SectionMark>,
    pages: impl IntoIterator<Item = &'a str>,
) -> bool {
    static MENTION: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let mention = MENTION
        .get_or_init(|| Regex::new(r"(?i)\bpart[ \t]*(?:ii|2|two)\b").expect("a valid regex"));
    let (mut one, mut two) = (false, false);
    for m in marks {
        one |= m.part == 1;
        two |= m.part == 2;
    }
    !two && (one
        || pages
            .into_iter()
            .any(|t| mention.is_match(&text_fold::for_headings(t).text)))
}

/// Runs every rule's examples and non-examples through detection; one message per failure.
/// (Here, not in `rules`, because an example is checked by detecting in it.)
pub fn check_examples(rs: &RuleSet) -> Vec<String> {
    let mut fails = Vec::new();
    for (i, r) in rs.rules.iter().enumerate() {
        for ex in &r.examples {
            let (text, want) = parse_marked(ex);
            let got: Vec<_> = detect_rule(rs, i, &text)
                .into_iter()
                .map(|f| f.span)
                .collect();
            let ok = if want.is_empty() {
                !got.is_empty()
            } else {
                got == want
            };
            if !ok {
                fails.push(format!(
                    "{}: rule {}: example does not give the marked findings: {ex:?}",
                    r.origin, r.id
                ));
            }
        }
        for ex in &r.non_examples {
            if !detect_rule(rs, i, ex).is_empty() {
                fails.push(format!(
                    "{}: rule {}: non-example matches: {ex:?}",
                    r.origin, r.id
                ));
            }
        }
    }
    for s in &rs.sections {
        for ex in &s.examples {
            if !s.re.unicode().is_match(ex) {
                fails.push(format!(
                    "{}: section rule {}: example is not a heading: {ex:?}",
                    s.origin, s.id
                ));
            }
        }
        for ex in &s.non_examples {
            if s.re.unicode().is_match(ex) {
                fails.push(format!(
                    "{}: section rule {}: non-example is taken as a heading: {ex:?}",
                    s.origin, s.id
                ));
            }
        }
    }
    for m in &rs.metadata {
        for ex in &m.examples {
            let (text, want) = parse_marked(ex);
            let got: Vec<_> =
                m.re.captures_iter(&text)
                    .filter_map(|c| c.get(m.group).map(|g| g.range()))
                    .collect();
            if got.is_empty() || (!want.is_empty() && got != want) {
                fails.push(format!(
                    "{}: metadata rule {}: example does not give the marked value: {ex:?}",
                    m.origin, m.id
                ));
            }
        }
        for ex in &m.non_examples {
            if m.re.is_match(ex) {
                fails.push(format!(
                    "{}: metadata rule {}: non-example matches: {ex:?}",
                    m.origin, m.id
                ));
            }
        }
    }
    for a in &rs.allow {
        for ex in &a.examples {
            if allow_spans_of(a, ex).is_empty() {
                fails.push(format!("allow rule {}: example not allowed: {ex:?}", a.id));
            }
        }
    }
    fails
}

/// Splits an example with `[[...]]` marks into its plain text and the marked spans.
pub fn parse_marked(ex: &str) -> (String, Vec<Range<usize>>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut rest = ex;
    while let Some(open) = rest.find("[[") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("]]") else {
            text.push_str(&rest[open..]);
            return (text, spans);
        };
        let start = text.len();
        text.push_str(&after[..close]);
        spans.push(start..text.len());
        rest = &after[close + 2..];
    }
    text.push_str(rest);
    (text, spans)
}

pub fn allow_spans_of(a: &AllowRule, text: &str) -> Vec<Range<usize>> {
    allow_spans(a, text, &Normalized::new(text))
}

fn allow_spans(a: &AllowRule, text: &str, norm: &Normalized) -> Vec<Range<usize>> {
    match &a.matcher {
        AllowMatcher::Regex(re) => re
            .get(norm.ascii_words)
            .find_iter(text)
            .map(|m| m.range())
            .collect(),
        AllowMatcher::Dictionary(ac) => norm.find_words(ac),
    }
}

fn finding(rs: &RuleSet, i: usize, text: &str, span: Range<usize>) -> Finding {
    let r = &rs.rules[i];
    Finding {
        id: String::new(),
        why: crate::model::Why {
            rule: r.id.clone(),
            category: r.category.clone(),
            exemption: r.exemption.clone(),
            cause: String::new(),
        },
        text: Sensitive::new(text[span.clone()].to_string()),
        span,
    }
}

fn run_rule(rs: &RuleSet, i: usize, text: &str, norm: &Normalized) -> Vec<Finding> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    match &rs.rules[i].matcher {
        Matcher::Regex {
            re,
            group,
            min_digits,
            max_digits,
            unless,
            check,
            not_after,
            max_breaks,
        } => {
            let aw = norm.ascii_words;
            for c in re.get(aw).captures_iter(text) {
                if let Some(m) = c.get(*group) {
                    let ds: Vec<u32> = m.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
                    let digits = ds.len();
                    let vetoed = unless
                        .as_ref()
                        .is_some_and(|u| u.get(aw).is_match(m.as_str()));
                    let checked = check.is_none_or(|c| c.passes(&ds));
                    let breaks = m.as_str().matches('\n').count();
                    let after = not_after.as_ref().is_some_and(|u| {
                        u.get(aw).is_match(
                            &text[floor_char(text, m.start().saturating_sub(40))..m.start()],
                        )
                    });
                    if digits >= *min_digits
                        && digits <= *max_digits
                        && !vetoed
                        && checked
                        && breaks <= *max_breaks
                        && !after
                    {
                        spans.push(m.range());
                    }
                }
            }
        }
        Matcher::Terms { phrases, .. } => {
            spans.extend(phrases.find(text).into_iter().map(|(r, _)| r))
        }
        Matcher::Person {
            names,
            exclude,
            ambiguous,
        } => {
            for m in names.find_iter(text, norm.ascii_words) {
                // A name starts no second name inside a double-barrelled one ("Reece" in
                // "Oyinlola-Reece" is no first name, and the line below is no surname).
                if text[..m.start].ends_with('-') {
                    continue;
                }
                let words: Vec<&str> = text[m.clone()].split_whitespace().collect();
                let last = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
                let first = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
                // A first name that is also a common word (Will, May, Rose) needs a listed surname.
                let vague = ambiguous.is_some_and(|(vocab, surnames)| {
                    words.len() >= 2
                        && rs.lexicon.contains(vocab, &first)
                        && !rs.lexicon.contains(surnames, &last)
                });
                // A surname wrapped onto the next line ("Evie\nBriggs"), but no role, heading or
                // institution word starting that line ("Cruz\nResident", "Jane\nChair": a common word
                // and no listed surname), and no label of a form ("Evie\nPosition:").
                let next_line = text[m.clone()].rsplit('\n').next().map(str::trim);
                let wrapped = text[m.clone()].contains('\n')
                    && next_line == words.last().copied()
                    && (text[m.end..].starts_with(':')
                        || ambiguous.is_some_and(|(vocab, surnames)| {
                            rs.lexicon.contains(vocab, &last)
                                && !rs.lexicon.contains(surnames, &last)
                        }));
                if !exclude.contains(&last) && !exclude.contains(&first) && !vague && !wrapped {
                    spans.push(m);
                }
            }
        }
        Matcher::Names(ctx) => spans.extend(ctx.find_iter(&rs.lexicon, text)),
        Matcher::Dictionary(ac) => spans.extend(norm.find_words(ac)),
        Matcher::Field {
            label,
            next_line,
            multiline,
            keep,
        } => {
            for m in label.get(norm.ascii_words).captures_iter(text) {
                let end = m.get(0).map_or(0, |m| m.end());
                spans.extend(
                    field_value(
                        rs.any_label.as_ref(),
                        text,
                        end,
                        *next_line,
                        *multiline,
                        keep.as_ref().map(|k| (k, &rs.lexicon)),
                    )
                    .into_iter()
                    .filter(|v| {
                        !keep
                            .as_ref()
                            .is_some_and(|k| k.keeps(&rs.lexicon, &text[v.clone()]))
                    }),
                );
            }
        }
        Matcher::Block {
            start,
            label,
            max_lines,
        } => {
            for m in start.get(norm.ascii_words).find_iter(text) {
                let rest_end = cell_end(text, m.end());
                spans.extend(trimmed(text, m.end()..rest_end));
                // The block's region: the lines after the start line.
                let mut region_end = line_end(text, m.end());
                for _ in 0..*max_lines {
                    if region_end >= text.len() {
                        break;
                    }
                    region_end = line_end(text, region_end + 1);
                }
                for lm in label
                    .get(norm.ascii_words)
                    .captures_iter(&text[m.end()..region_end])
                {
                    let end = m.end() + lm.get(0).map_or(0, |x| x.end());
                    spans.extend(field_value(
                        rs.any_label.as_ref(),
                        text,
                        end,
                        true,
                        false,
                        None,
                    ));
                }
            }
        }
    }
    spans.into_iter().map(|s| finding(rs, i, text, s)).collect()
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |p| from + p)
}

fn cell_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(['\n', '\t'])
        .map_or(text.len(), |p| from + p)
}

/// The span without surrounding white space; `None` if only white space is left.
fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn starts_with_label(any_label: Option<&Regex>, text: &str, at: usize) -> bool {
    let line = &text[at..cell_end(text, at)];
    any_label
        .and_then(|re| re.find(line))
        .is_some_and(|m| line[..m.start()].trim().is_empty())
        || label_like(line)
}

/// Whether a line starts with a form label of its own: one to four capitalised words and a colon
/// ("Date:", "Our ref:", "Job title:").
fn label_like(line: &str) -> bool {
    let Some((head, _)) = line.split_once(':') else {
        return false;
    };
    let ws: Vec<&str> = head.split_whitespace().collect();
    (1..=4).contains(&ws.len())
        && ws[0].chars().next().is_some_and(char::is_uppercase)
        && ws.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '/' | '(' | ')'))
        })
}

/// Whether the line taken as a label's value on the next line is not one: a sentence (it ends with a
/// full stop and has five words or more, or has ten or more), or a heading (every word a common word,
/// and one of them `of`, `for`, `and` or `the`, or a role word of the rule).
fn not_a_value(line: &str, keep: Option<(&FieldKeep, &Lexicon)>) -> bool {
    let ws: Vec<&str> = line.split_whitespace().collect();
    if (line.trim_end().ends_with('.') && ws.len() >= 5) || ws.len() >= 10 {
        return true;
    }
    keep.is_some_and(|(k, lex)| k.keeps(lex, line) || k.heading(lex, line))
}

/// The value of a field whose label ends at `at`: the rest of the cell; else the next cell on the line;
/// else (with `next_line`) the next line, unless that is blank or itself starts with a label.
fn field_value(
    any_label: Option<&Regex>,
    text: &str,
    at: usize,
    next_line: bool,
    multiline: bool,
    keep: Option<(&FieldKeep, &Lexicon)>,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let end = cell_end(text, at);
    if let Some(v) = trimmed(text, at..end) {
        out.push(v);
    } else if text[end..].starts_with('\t') || (next_line && end < text.len()) {
        // The next cell on the line, or (with `next_line`) the next line, unless that is a label, a
        // heading or a sentence of its own.
        let s = end + 1;
        let next = &text[s..cell_end(text, s)];
        let own_line = !text[end..].starts_with('\t');
        let taken = starts_with_label(any_label, text, s) || (own_line && not_a_value(next, keep));
        if !taken {
            out.extend(trimmed(text, s..cell_end(text, s)));
        }
    }
    // An address continues over lines that end with a comma.
    while multiline && !out.is_empty() {
        let Some(last) = out.last().cloned() else {
            break;
        };
        if !text[..last.end].ends_with(',') {
            break;
        }
        let le = line_end(text, last.end);
        if le >= text.len() {
            break;
        }
        let s = le + 1;
        if starts_with_label(any_label, text, s) {
            break;
        }
        match trimmed(text, s..cell_end(text, s)) {
            Some(v) => out.push(v),
            None => break,
        }
    }
    out
}

/// Sorts findings, merges overlapping ones, and drops those without any letter or digit.
pub fn merge(mut all: Vec<Finding>, text: &str) -> Vec<Finding> {
    all.retain(|f| text[f.span.clone()].chars().any(char::is_alphanumeric));
    all.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut out: Vec<Finding> = Vec::new();
    for f in all {
        match out.last_mut() {
            Some(cur) if f.span.start < cur.span.end => {
                if f.span.end > cur.span.end {
                    cur.span.end = f.span.end;
                    cur.text = Sensitive::new(text[cur.span.clone()].to_string());
                }
                for r in f.why.rule.split('+') {
                    if !cur.why.rule.split('+').any(|c| c == r) {
                        cur.why.rule = format!("{}+{r}", cur.why.rule);
                    }
                }
            }
            _ => out.push(f),
        }
    }
    out
}

/// Merges the officer's additions `more` into a page's findings `fs` (see [`merge`]); a proposal
/// (`proposed`: its span and id, before any addition) merged into an addition keeps its own id (its
/// decision is recorded).
pub fn merge_added(
    fs: &mut Vec<Finding>,
    more: Vec<Finding>,
    text: &str,
    proposed: &[(Range<usize>, String)],
) {
    let all: Vec<Finding> = fs.drain(..).chain(more).collect();
    *fs = merge(all, text);
    for f in fs.iter_mut() {
        if let Some((_, id)) = proposed
            .iter()
            .find(|(span, _)| span.start >= f.span.start && span.end <= f.span.end)
        {
            f.id = id.clone();
        }
    }
}

/// A matcher for the texts already found (at least 4 letters or digits each), so that a name found
/// in one place (a field, a signature block) is also redacted wherever else it occurs.
pub fn repeat_rule(found: &[&Finding]) -> Option<Repeats> {
    let mut origin = std::collections::HashMap::new();
    for f in found {
        origin
            .entry(fold(f.text.expose()))
            .or_insert_with(|| f.why.clone());
    }
    let texts: Vec<&str> = found
        .iter()
        .map(|f| f.text.expose().as_str())
        .filter(|t| t.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
        .collect();
    let phrases = Phrases::new(&texts)?;
    Some(Repeats { phrases, origin })
}

/// Texts already found, with the why of their first finding.
pub struct Repeats {
    phrases: Phrases,
    origin: std::collections::HashMap<String, crate::model::Why>,
}

fn fold(s: &str) -> String {
    text_fold::key(s)
}

/// Findings of [`Phrases`] in a text, as the given rule.
pub fn find_phrase(
    phrases: &Phrases,
    text: &str,
    rule: &str,
    category: &str,
    exemption: &str,
) -> Vec<Finding> {
    phrases
        .find(text)
        .into_iter()
        .map(|(r, _)| Finding {
            id: String::new(),
            why: crate::model::Why {
                rule: rule.into(),
                category: category.into(),
                exemption: exemption.into(),
                cause: String::new(),
            },
            text: Sensitive::new(text[r.clone()].to_string()),
            span: r,
        })
        .collect()
}

/// Findings of [`repeat_rule`] in a text.
pub fn find_repeats(rep: &Repeats, text: &str) -> Vec<Finding> {
    rep.phrases
        .find(text)
        .into_iter()
        .map(|(r, k)| {
            let why = rep
                .origin
                .get(rep.phrases.pattern(k))
                .cloned()
                .unwrap_or_else(|| {
                    crate::model::Why::new("repeat", "repeat", crate::model::DEFAULT_EXEMPTION)
                });
            Finding {
                id: String::new(),
                why,
                text: Sensitive::new(text[r.clone()].to_string()),
                span: r,
            }
        })
        .collect()
}

/// The text with every run of white space folded to one space, and a map back to the original bytes,
/// so that dictionary phrases match across line breaks.
struct Normalized {
    text: String,
    /// For each byte of `text`, the original byte offset.
    back: Vec<usize>,
    orig_len: usize,
    /// [`crate::rules::re::ascii_words`] of the source text: which copy of each rule regex runs.
    ascii_words: bool,
}

impl Normalized {
    fn new(src: &str) -> Self {
        let mut text = String::with_capacity(src.len());
        let mut back = Vec::with_capacity(src.len());
        let mut in_space = false;
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII (most of any text) a run of bytes at a time; char::is_whitespace in ASCII is
            // tab, line feed, vertical tab, form feed, carriage return and space.
            let plain =
                |b: u8| b < 0x80 && !matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
            if plain(bytes[i]) {
                let mut j = i + 1;
                while j < bytes.len() && plain(bytes[j]) {
                    j += 1;
                }
                text.push_str(&src[i..j]);
                back.extend(i..j);
                in_space = false;
                i = j;
                continue;
            }
            let (space, n) = match bytes[i] {
                b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => (true, 1),
                b if b < 0x80 => (false, 1),
                _ => {
                    let c = src[i..].chars().next().unwrap_or(' ');
                    (c.is_whitespace(), c.len_utf8())
                }
            };
            if space {
                if !in_space {
                    text.push(' ');
                    back.push(i);
                }
                in_space = true;
            } else {
                in_space = false;
                text.push_str(&src[i..i + n]);
                back.extend(i..i + n);
            }
            i += n;
        }
        Normalized {
            text,
            back,
            orig_len: src.len(),
            ascii_words: crate::rules::re::ascii_words(src),
        }
    }

    fn orig(&self, i: usize) -> usize {
        self.back.get(i).copied().unwrap_or(self.orig_len)
    }

    /// Whole-word matches of a dictionary, as spans of the original text.
    fn find_words(&self, ac: &aho_corasick::AhoCorasick) -> Vec<Range<usize>> {
        let t = &self.text;
        ac.find_iter(t)
            .filter(|m| {
                let before = t[..m.start()].chars().next_back();
                let after = t[m.end()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
            .map(|m| {
                let last = m.end() - 1;
                self.orig(m.start())..self.orig(last) + 1
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_terms_find_ocr_slips() {
        let f = |s: &str| fold_for_fuzzy(s).0;
        let hay = f("Phoebe Wallace Chief 7768523986 sn");
        let hits = approx_find(&f("07768 523986"), &hay, 1);
        assert_eq!(hits.len(), 1);
        let (s, e) = hits[0];
        assert_eq!(hay[s..e].iter().collect::<String>(), "7768523986");
        assert!(approx_find(&f("07768 523986"), &f("Phone 01234 999999"), 1).is_empty());
        let hay = f("Ms Chloé Turncr of");
        let hits = approx_find(&f("Chloë Turner"), &hay, 1);
        assert_eq!(
            hits.iter()
                .map(|&(s, e)| hay[s..e].iter().collect::<String>())
                .collect::<Vec<_>>(),
            ["chloeturncr"]
        );
    }

    /// The ASCII copies of the rule regexes (taken for text whose non-ASCII characters are none of them
    /// word characters) find exactly what the regexes as written find: the same decision text is
    /// detected once as it is (£, curly quotes, dashes, box stand-ins: the ASCII copies) and once with
    /// an accented word after it (the regexes as written), and the findings in the text agree.
    #[test]
    fn ascii_copies_of_rule_regexes_find_the_same() {
        let rs = RuleSet::defaults().expect("default rules");
        let input = include_str!("../tests/golden/txt-decision/input.txt");
        let spiced = input
            .replace(". ", ".\u{2019} \u{2013} ")
            .replace("Date:", "Date \u{2588}:")
            .replace(", ", " \u{201c}\u{00a3}, ");
        for text in [input.to_string(), spiced] {
            assert!(crate::rules::re::ascii_words(&text));
            let fast: Vec<(String, Range<usize>)> = detect(&rs, &text)
                .into_iter()
                .map(|f| (f.why.rule, f.span))
                .collect();
            let slow_text = format!("{text}\n\nR\u{00e9}sum\u{00e9}");
            assert!(!crate::rules::re::ascii_words(&slow_text));
            let slow: Vec<(String, Range<usize>)> = detect(&rs, &slow_text)
                .into_iter()
                .filter(|f| f.span.end <= text.len())
                .map(|f| (f.why.rule, f.span))
                .collect();
            assert!(fast.len() >= 5, "the decision has findings: {}", fast.len());
            assert_eq!(fast, slow);
        }
    }

    #[test]
    fn marked_examples() {
        let (t, s) = parse_marked("Tel [[01632 960000]] or [[x]].");
        assert_eq!(t, "Tel 01632 960000 or x.");
        assert_eq!(s, vec![4..16, 20..21]);
    }

    /// The byte-wise folding of white space gives the text and map of the char-wise one.
    #[test]
    fn normalized_is_the_char_wise_fold() {
        let char_wise = |src: &str| {
            let (mut text, mut back, mut in_space) = (String::new(), Vec::new(), false);
            for (i, c) in src.char_indices() {
                if c.is_whitespace() {
                    if !in_space {
                        text.push(' ');
                        back.push(i);
                    }
                    in_space = true;
                } else {
                    in_space = false;
                    text.push(c);
                    back.extend((0..c.len_utf8()).map(|k| i + k));
                }
            }
            (text, back)
        };
        let mut all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        all.push_str("\u{1680}\u{2000}\u{200a}\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}\u{feff} a  b\r\n\tc\u{a0}\u{85}d ");
        for src in [
            all.as_str(),
            "",
            " ",
            "Mrs Agnieszka\nNowak said",
            "\u{a0}\u{a0}x\u{2588} \u{2013}\n",
        ] {
            let n = Normalized::new(src);
            assert_eq!((n.text, n.back), char_wise(src), "{src:?}");
        }
    }

    #[test]
    fn normalized_maps_back_over_line_breaks() {
        let n = Normalized::new("Mrs Agnieszka\nNowak said");
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(["agnieszka nowak"])
            .expect("builds");
        assert_eq!(n.find_words(&ac), vec![4..19]);
    }
}
