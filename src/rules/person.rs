//! The `person` rule's matcher: a known first name (as listed, or in capitals), an optional initial and
//! a capitalised surname. It finds exactly what this regex finds with `find_iter` (leftmost-first):
//!
//! ```text
//! \b(?:(?:NAMES)(?:[ \n]+[A-Z]\.?)?[ \n]*(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?
//!    |(?:UPPER)(?:[ \n]+[A-Z]\.?)?[ \n]+[A-Z][A-Z'’]*(?:-[A-Z][A-Z'’]+)?[A-Z])\b
//! ```
//!
//! with NAMES the sorted list and UPPER the same in capitals. Compiled as one regex, the 5,000-name
//! alternation took most of a run's start-up (and the memory of two copies, see `re`); here the names
//! are two aho-corasick automata and the rest two small regexes, tried name by name in list order at
//! each start, as the regex's alternation would. `tests::the_same_as_the_regex` compares them.

use super::re::Re;
use aho_corasick::{AhoCorasick, MatchKind};
use std::ops::Range;

const APOS: &str = "'\u{2019}";

#[derive(Debug)]
pub struct Person {
    /// The names as listed, and in capitals (pattern ids in list order).
    mixed: AhoCorasick,
    upper: AhoCorasick,
    /// What follows a name in each branch, anchored at the name's end, with the closing `\b`.
    tail_mixed: Re,
    tail_upper: Re,
    #[cfg(test)]
    names: Vec<String>,
}

impl Person {
    /// `names`: sorted, without duplicates.
    pub fn new(names: &[String]) -> Result<Person, String> {
        let ac = |list: Vec<String>| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                // A DFA: thousands of names make the default NFA several times slower to scan with.
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(list)
                .map_err(|e| format!("names cannot be compiled: {e}"))
        };
        let tail = |p: String| Re::new(&p).map_err(|e| format!("names cannot be compiled: {e}"));
        Ok(Person {
            mixed: ac(names.to_vec())?,
            upper: ac(names.iter().map(|w| w.to_uppercase()).collect())?,
            tail_mixed: tail(format!(
                r"^(?:[ \n]+[A-Z]\.?)?[ \n]*(?:Mc|Mac|O[{APOS}]|D[{APOS}])?[A-Z][a-z{APOS}]+(?:-[A-Z][a-z{APOS}]+)?\b"
            ))?,
            tail_upper: tail(format!(
                r"^(?:[ \n]+[A-Z]\.?)?[ \n]+[A-Z][A-Z{APOS}]*(?:-[A-Z][A-Z{APOS}]+)?[A-Z]\b"
            ))?,
            #[cfg(test)]
            names: names.to_vec(),
        })
    }

    /// The matches in `text`, in order, not overlapping; `ascii_words` as for [`Re::get`].
    pub fn find_iter(&self, text: &str, ascii_words: bool) -> Vec<Range<usize>> {
        // Every name at every place where a word starts (the regex's leading `\b`): (start, branch,
        // name number, name end).
        let mut at: Vec<(usize, u8, u32, usize)> = Vec::new();
        for (branch, ac) in [(0u8, &self.mixed), (1, &self.upper)] {
            at.extend(
                ac.find_overlapping_iter(text)
                    .filter(|m| word_boundary(text, m.start()))
                    .map(|m| (m.start(), branch, m.pattern().as_u32(), m.end())),
            );
        }
        at.sort_unstable();
        let mut out = Vec::new();
        let mut from = 0;
        let mut i = 0;
        while i < at.len() {
            let start = at[i].0;
            let mut j = i;
            while j < at.len() && at[j].0 == start {
                j += 1;
            }
            if start >= from {
                // Branches, then names, in the regex's order of preference.
                let found = at[i..j].iter().find_map(|&(_, branch, _, end)| {
                    let tail = if branch == 0 {
                        &self.tail_mixed
                    } else {
                        &self.tail_upper
                    };
                    tail.get(ascii_words)
                        .find(&text[end..])
                        .map(|m| end + m.end())
                });
                if let Some(end) = found {
                    out.push(start..end);
                    from = end;
                }
            }
            i = j;
        }
        out
    }

    /// The regex this matcher stands for (tests only).
    #[cfg(test)]
    fn regex(&self) -> regex::Regex {
        let mixed = self
            .names
            .iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|");
        let upper = self
            .names
            .iter()
            .map(|w| regex::escape(&w.to_uppercase()))
            .collect::<Vec<_>>()
            .join("|");
        regex::RegexBuilder::new(&format!(
            r"\b(?:(?:{mixed})(?:[ \n]+[A-Z]\.?)?[ \n]*(?:Mc|Mac|O[{APOS}]|D[{APOS}])?[A-Z][a-z{APOS}]+(?:-[A-Z][a-z{APOS}]+)?|(?:{upper})(?:[ \n]+[A-Z]\.?)?[ \n]+[A-Z][A-Z{APOS}]*(?:-[A-Z][A-Z{APOS}]+)?[A-Z])\b"
        ))
        .size_limit(512 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .expect("the regex compiles")
    }
}

/// Whether a Unicode word boundary (`\b`) lies at byte `at` of `text`.
fn word_boundary(text: &str, at: usize) -> bool {
    let before = text[..at]
        .chars()
        .next_back()
        .is_some_and(regex_syntax::is_word_character);
    let after = text[at..]
        .chars()
        .next()
        .is_some_and(regex_syntax::is_word_character);
    before != after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        let mut v: Vec<String> = include_str!("../../rules/data/first-names.txt")
            .lines()
            .map(|l| l.split('\t').next().unwrap_or("").trim().to_string())
            .filter(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            })
            .collect();
        v.extend(
            [
                "Ann", "Anna", "Annabel", "Jo", "Jo-Ann", "D'Arcy", "May", "Will",
            ]
            .map(String::from),
        );
        v.sort();
        v.dedup();
        v
    }

    /// Random texts of names (as listed and in capitals), surnames of every shape the regex knows
    /// (initials, Mc/Mac/O'/D', hyphens, apostrophes, capitals), ordinary words, accented letters,
    /// punctuation, spaces and line breaks: the matcher finds exactly what the regex finds.
    #[test]
    fn the_same_as_the_regex() {
        let names = names();
        let p = Person::new(&names).expect("builds");
        let re = p.regex();
        let mut seed: u64 = 0x5eed_1234_abcd;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let pieces = [
            "Smith",
            "SMITH",
            "McAdam",
            "MacLeod",
            "O'Neil",
            "O\u{2019}Hara",
            "D'Arcy",
            "Smith-Jones",
            "SMITH-JONES",
            "J.",
            "J",
            "K",
            "van",
            "de",
            "the",
            "Council",
            "Road",
            "Zo\u{eb}",
            "\u{c9}lise",
            "Ren\u{e9}e",
            "Ann",
            "anna",
            "ANNA",
            "x",
            "Q",
            "A.",
            "Mary's",
            "QUIMBY",
            "Quimby",
            "a'b",
            "\u{2588}",
            "\u{a3}40",
            "\u{2013}",
            "42",
            "_",
            "Tel:",
            "-",
            "'",
            ".",
        ];
        let seps = [
            " ", " ", " ", "\n", "  ", ", ", "", "-", " \n", "\t", "'", ".",
        ];
        let mut compared = 0;
        let mut found = 0;
        for _ in 0..6000 {
            let mut t = String::new();
            for _ in 0..(3 + rnd(14)) {
                match rnd(4) {
                    0 => t.push_str(&names[rnd(names.len())]),
                    1 => t.push_str(&names[rnd(names.len())].to_uppercase()),
                    _ => t.push_str(pieces[rnd(pieces.len())]),
                }
                t.push_str(seps[rnd(seps.len())]);
            }
            let want: Vec<Range<usize>> = re.find_iter(&t).map(|m| m.range()).collect();
            let got = p.find_iter(&t, super::super::re::ascii_words(&t));
            assert_eq!(got, want, "text: {t:?}");
            compared += 1;
            found += want.len();
        }
        assert!(
            found > compared / 2,
            "the texts hold names: {found} in {compared}"
        );
    }
}
