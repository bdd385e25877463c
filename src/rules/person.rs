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
use aho_corasick::automaton::OverlappingState;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use std::ops::Range;

const APOS: &str = "'\u{2019}";

#[derive(Debug)]
pub struct Person {
    /// The names as listed, and in capitals (pattern ids in list order), searched only anchored at
    /// a word's start: walking the trie of names from a capitalised word's first letter is all the
    /// search there is (an unanchored search over the whole text, or a DFA, took several times the
    /// time and, for thousands of names, tens of megabytes).
    mixed: AhoCorasick,
    upper: AhoCorasick,
    /// Where a search of each list may start: the first two bytes of its names.
    starts_mixed: Starts,
    starts_upper: Starts,
    /// The first bytes of the names of both lists (a quick first test).
    first: [bool; 256],
    /// What follows a name in each branch, anchored at the name's end, with the closing `\b`.
    tail_mixed: Re,
    tail_upper: Re,
    #[cfg(test)]
    names: Vec<String>,
}

impl Person {
    /// `names`: sorted, without duplicates.
    pub fn new(names: &[String]) -> Result<Person, String> {
        let ac = |list: &[String]| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Anchored)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(list)
                .map_err(|e| format!("names cannot be compiled: {e}"))
        };
        let tail = |p: String| Re::new(&p).map_err(|e| format!("names cannot be compiled: {e}"));
        let upper: Vec<String> = names.iter().map(|w| w.to_uppercase()).collect();
        Ok(Person {
            mixed: ac(names)?,
            upper: ac(&upper)?,
            starts_mixed: Starts::new(names),
            starts_upper: Starts::new(&upper),
            first: {
                let mut f = [false; 256];
                for w in names.iter().chain(&upper) {
                    if let Some(&c) = w.as_bytes().first() {
                        f[usize::from(c)] = true;
                    }
                }
                f
            },
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
        let b = text.as_bytes();
        let mut out = Vec::new();
        // The names that start at one place: (name number, name end).
        let mut at: Vec<(u32, usize)> = Vec::new();
        let mut start = 0;
        while start < b.len() {
            // Every place where a word starts (the regex's leading `\b`) and a name may start, left to
            // right; a match resumes the search at its end.
            if !self.first[usize::from(b[start])] {
                start += 1;
                continue;
            }
            let (m, u) = (
                self.starts_mixed.may_start(b, start),
                self.starts_upper.may_start(b, start),
            );
            if !(m || u) || !text.is_char_boundary(start) || !word_boundary(text, start) {
                start += 1;
                continue;
            }
            let input = Input::new(text)
                .span(start..text.len())
                .anchored(Anchored::Yes);
            // Branches, then names, in the regex's order of preference.
            let found = [
                (m, &self.mixed, &self.tail_mixed),
                (u, &self.upper, &self.tail_upper),
            ]
            .into_iter()
            .filter(|&(may, _, _)| may)
            .find_map(|(_, ac, tail)| {
                at.clear();
                let mut state = OverlappingState::start();
                loop {
                    ac.try_find_overlapping(input.clone(), &mut state)
                        .expect("an anchored search of a Standard automaton built anchored");
                    let Some(m) = state.get_match() else { break };
                    at.push((m.pattern().as_u32(), m.end()));
                }
                at.sort_unstable();
                at.iter().find_map(|&(_, end)| {
                    tail.get(ascii_words)
                        .find(&text[end..])
                        .map(|m| end + m.end())
                })
            });
            match found {
                Some(end) => {
                    out.push(start..end);
                    start = end;
                }
                None => start += 1,
            }
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

/// The first two bytes of a list's names (and the first byte of its one-byte names), as bit sets: a
/// name can only start where the text's bytes begin with one of them.
#[derive(Debug)]
struct Starts {
    pairs: Vec<u64>,
    single: [bool; 256],
}

impl Starts {
    fn new(names: &[String]) -> Starts {
        let mut s = Starts {
            pairs: vec![0; (1 << 16) / 64],
            single: [false; 256],
        };
        for w in names {
            match *w.as_bytes() {
                [a] => s.single[usize::from(a)] = true,
                [a, b, ..] => {
                    let k = usize::from(a) << 8 | usize::from(b);
                    s.pairs[k / 64] |= 1 << (k % 64);
                }
                [] => {}
            }
        }
        s
    }

    /// Whether a name may start at byte `at` of `b`.
    #[inline]
    fn may_start(&self, b: &[u8], at: usize) -> bool {
        let a = b[at];
        self.single[usize::from(a)]
            || b.get(at + 1).is_some_and(|&n| {
                let k = usize::from(a) << 8 | usize::from(n);
                self.pairs[k / 64] & (1 << (k % 64)) != 0
            })
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
