//! Phrases matched the way a reader's search finds them (one automaton over the folded text): the
//! matcher of `--terms`, of repeated findings and of decisions' `text=` rows.

use crate::text_fold::{self, fold_for_fuzzy};
use std::ops::Range;

/// Words or phrases matched the way a reader's search finds them: accents folded, case ignored, and white
/// space ignored anywhere (OCR splits and joins words: "MiaHewitt", "0\n7768523986"); a match must
/// still stand as a whole word ([`letter_bounded`]: digits split words, as in `setR6EncryptionParameters`).
/// One aho-corasick automaton over the folded text: linear in the text whatever the number of phrases.
#[derive(Debug)]
pub struct Phrases {
    ac: aho_corasick::AhoCorasick,
    pats: Vec<String>,
}

impl Phrases {
    /// `None` when no phrase has a letter or digit.
    pub fn new(phrases: &[&str]) -> Option<Phrases> {
        let mut pats: Vec<String> = phrases
            .iter()
            .map(|t| text_fold::key(t))
            .filter(|p| p.chars().any(char::is_alphanumeric))
            .collect();
        pats.sort();
        pats.dedup();
        if pats.is_empty() {
            return None;
        }
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&pats)
            .ok()?;
        Some(Phrases { ac, pats })
    }

    /// The phrase (folded) of a match index.
    pub fn pattern(&self, i: usize) -> &str {
        &self.pats[i]
    }

    /// Matches in `text`, as byte ranges of `text`, with the index of the phrase matched.
    pub fn find(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let (chars, back) = fold_for_fuzzy(text);
        let mut s = String::with_capacity(chars.len());
        let mut char_of_byte: Vec<usize> = Vec::with_capacity(chars.len());
        for (k, c) in chars.iter().enumerate() {
            s.push(*c);
            char_of_byte.extend(std::iter::repeat_n(k, c.len_utf8()));
        }
        self.ac
            .find_iter(&s)
            .filter_map(|m| {
                let (c0, c1) = (char_of_byte[m.start()], char_of_byte[m.end() - 1]);
                let (b0, b1) = (back[c0], back[c1]);
                let end = b1 + text[b1..].chars().next().map_or(0, char::len_utf8);
                let r = b0..text_fold::extend_over_marks(text, end);
                letter_bounded(text, &r).then_some((r, m.pattern().as_usize()))
            })
            .collect()
    }
}

/// Whether `text[r]` stands as a whole word: no letter glued to a letter at either end.
pub fn letter_bounded(text: &str, r: &Range<usize>) -> bool {
    let m = &text[r.clone()];
    let glued_before = m.chars().next().is_some_and(char::is_alphabetic)
        && text[..r.start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
    let glued_after = m.chars().next_back().is_some_and(char::is_alphabetic)
        && text[r.end..]
            .chars()
            .next()
            .is_some_and(char::is_alphabetic);
    !glued_before && !glued_after
}
