//! Publication metadata: a document's title, decision number and decision date, read from the text of
//! its *redacted* output by the `metadata` rules (`rules/publish.toml`), or set by the officer in the
//! decisions file. Pure: page texts in, strings out; knows no PDF and never reads a file's old
//! metadata (an Info /Author or /Title may hold a name).
//!
//! # Invariants
//! A value this module returns holds no redaction stand-in, comes from a line that no redaction
//! touched (the caller names the touched byte ranges), and the redaction rules find nothing in its
//! line (nor in the value itself): a title never carries what the redaction removed, even a
//! half-removed name ("Claim by Mr" after "Claim by Mr Smith" lost its surname) is not taken.

use crate::detect;
use crate::rules::{MetaField, MetadataRule, RuleSet};
use std::ops::Range;

/// Longest title kept (characters); a longer one is cut at a word.
pub const MAX_TITLE: usize = 160;

/// One page of a redacted output as `publish` sees it.
#[derive(Debug, Clone)]
pub struct MetaPage<'a> {
    pub text: &'a str,
    /// Byte ranges of `text` on lines a redaction box touches (or that hold a stand-in).
    pub tainted: Vec<Range<usize>>,
}

/// Title, number and date of one document. `None`: not found (or only in tainted lines).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocMeta {
    pub title: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
}

impl DocMeta {
    pub fn get(&self, f: MetaField) -> &Option<String> {
        match f {
            MetaField::Title => &self.title,
            MetaField::Number => &self.number,
            MetaField::Date => &self.date,
        }
    }
    pub fn set(&mut self, f: MetaField, v: Option<String>) {
        match f {
            MetaField::Title => self.title = v,
            MetaField::Number => self.number = v,
            MetaField::Date => self.date = v,
        }
    }

    /// The title to show: the document's own, else `Decision <number>`, else "Untitled document".
    pub fn display_title(&self) -> String {
        match (&self.title, &self.number) {
            (Some(t), _) => t.clone(),
            (None, Some(n)) => format!("Decision {n}"),
            (None, None) => "Untitled document".to_string(),
        }
    }
}

/// White space folded to single spaces, trimmed, trailing separators dropped; titles cut at
/// [`MAX_TITLE`] characters on a word.
pub fn clean(field: MetaField, raw: &str) -> String {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s
        .trim_end_matches([',', ';', ':', '-', '\u{2013}', '\u{2014}'])
        .trim()
        .to_string();
    if field != MetaField::Title || s.chars().count() <= MAX_TITLE {
        return s;
    }
    let cut: String = s.chars().take(MAX_TITLE).collect();
    match cut.rfind(' ') {
        Some(p) if p > MAX_TITLE / 2 => format!("{}\u{2026}", &cut[..p]),
        _ => format!("{cut}\u{2026}"),
    }
}

/// Whether a text may be published as metadata: no redaction stand-in, at least one letter or digit,
/// and the redaction rules (with the user's terms) find nothing in it.
pub fn acceptable(rules: &RuleSet, text: &str) -> bool {
    !text.contains(crate::layout::STAND_IN)
        && text.chars().any(char::is_alphanumeric)
        && detect::detect(rules, text).is_empty()
}

fn line_around(text: &str, r: &Range<usize>) -> Range<usize> {
    let start = text[..r.start].rfind('\n').map_or(0, |p| p + 1);
    let end = text[r.end..].find('\n').map_or(text.len(), |p| r.end + p);
    start..end
}

/// Reads title, number and date from the pages with `meta_rules` (per field, earlier rules first, then
/// pages in order, then matches in text order); the first acceptable value of each field is taken.
pub fn find(rules: &RuleSet, meta_rules: &[MetadataRule], pages: &[MetaPage<'_>]) -> DocMeta {
    let mut out = DocMeta::default();
    for field in [MetaField::Title, MetaField::Number, MetaField::Date] {
        'rules: for r in meta_rules.iter().filter(|r| r.field == field) {
            for p in pages {
                for c in r.re.captures_iter(p.text) {
                    let Some(v) = c.get(r.group) else { continue };
                    let line = line_around(p.text, &v.range());
                    let touched = p
                        .tainted
                        .iter()
                        .any(|t| t.start < line.end && line.start < t.end);
                    let value = clean(field, v.as_str());
                    if touched || !acceptable(rules, &p.text[line]) || !acceptable(rules, &value) {
                        continue;
                    }
                    out.set(field, Some(value));
                    break 'rules;
                }
            }
        }
    }
    out
}

/// A written date as ISO 8601 (`2024-01-03`), for sorting and `<time datetime>`: "3 January 2024",
/// "3rd Jan. 2024", "03/01/2024" and "03.01.2024" (day first, as in the UK), "2024-01-03".
pub fn iso_date(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '.' | ',' | '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let num =
        |w: &str| -> Option<u32> { w.trim_end_matches(|c: char| c.is_alphabetic()).parse().ok() };
    let (y, m, d) = match words.as_slice() {
        [y, m, d] if y.len() == 4 => (num(y)?, num(m)?, num(d)?),
        [d, m, y] => {
            let month = match num(m) {
                Some(n) => n,
                None => MONTHS.iter().position(|p| m.starts_with(p))? as u32 + 1,
            };
            (num(y)?, month, num(d)?)
        }
        _ => return None,
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let ok = (1000..=9999).contains(&y)
        && (1..=12).contains(&m)
        && d >= 1
        && d <= days[(m - 1) as usize];
    ok.then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A file-name slug: ASCII letters and digits in lower case, every other run of characters one `-`,
/// at most `max` characters, cut at a `-`.
pub fn slug(s: &str, max: usize) -> String {
    let folded = crate::text_fold::fold(s).text;
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > max {
        let cut = &out[..max];
        out = match cut.rfind('-') {
            Some(p) if p > max / 2 => cut[..p].to_string(),
            _ => cut.trim_end_matches('-').to_string(),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::defaults().expect("default rules")
    }

    fn page(text: &str) -> MetaPage<'_> {
        MetaPage {
            text,
            tainted: vec![],
        }
    }

    #[test]
    fn reads_a_decision_record() {
        let rs = rules();
        let text = "Police and Crime Commissioner for Derbyshire\nDECISION RECORD\nDecision number: 2024/086\n\
                    Title: Firearms Licensing Collaboration\nPart I\nSignature:\nDate: 26 February 2023\n";
        let m = find(&rs, &rs.metadata, &[page(text)]);
        assert_eq!(
            m,
            DocMeta {
                title: Some("Firearms Licensing Collaboration".into()),
                number: Some("2024/086".into()),
                date: Some("26 February 2023".into()),
            }
        );
    }

    #[test]
    fn an_explicit_decision_date_beats_a_plain_date_field() {
        let rs = rules();
        let text = "Date: 1 March 2024\nSubject: Estates\nDate of decision: 3 January 2024\n";
        let m = find(&rs, &rs.metadata, &[page(text)]);
        assert_eq!(m.date.as_deref(), Some("3 January 2024"));
        assert_eq!(m.title.as_deref(), Some("Estates"));
    }

    #[test]
    fn a_touched_or_personal_line_is_never_taken() {
        let rs = rules();
        // The title line lost a name to a redaction: it is tainted, so the next rule or nothing.
        let text = "Title: Claim by Mr\nDecision number: 2024/001\n";
        let tainted = std::iter::once(0..18).collect();
        let m = find(&rs, &rs.metadata, &[MetaPage { text, tainted }]);
        assert_eq!(m.title, None);
        assert_eq!(m.number.as_deref(), Some("2024/001"));
        assert_eq!(m.display_title(), "Decision 2024/001");
        // A name the rules know, or a stand-in, in the line: not taken either.
        let text = "Title: Compensation claim, tel 01632 960418\nSubject: Fleet\n";
        let m = find(&rs, &rs.metadata, &[page(text)]);
        assert_eq!(m.title.as_deref(), Some("Fleet"));
        let text = format!("Title: Claim by {}\n", crate::layout::STAND_IN);
        assert_eq!(find(&rs, &rs.metadata, &[page(&text)]).title, None);
        assert_eq!(DocMeta::default().display_title(), "Untitled document");
    }

    #[test]
    fn dates_and_slugs() {
        for (s, want) in [
            ("3 January 2024", Some("2024-01-03")),
            ("3rd Jan. 2024", Some("2024-01-03")),
            ("26 February 2023", Some("2023-02-26")),
            ("03/01/2024", Some("2024-01-03")),
            ("29.02.2023", None),
            ("2024-12-31", Some("2024-12-31")),
            ("31 Smarch 2024", None),
        ] {
            assert_eq!(iso_date(s).as_deref(), want, "{s}");
        }
        assert_eq!(
            slug("Firearms Licensing – Collaboration!", 60),
            "firearms-licensing-collaboration"
        );
        assert_eq!(slug("Chloë's review", 60), "chloe-s-review");
        assert_eq!(slug("2024/086", 60), "2024-086");
        assert_eq!(slug("aaaa bbbb cccc", 11), "aaaa-bbbb");
        assert_eq!(
            clean(MetaField::Title, "  Fleet   replacement , "),
            "Fleet replacement"
        );
        let long = "word ".repeat(60);
        assert!(clean(MetaField::Title, &long).chars().count() <= MAX_TITLE + 1);
    }
}
