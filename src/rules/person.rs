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
//! are two tables of names, looked up at each word's start, and the rest two small regexes, tried name
//! by name in list order at each start, as the regex's alternation would. `tests::the_same_as_the_regex` compares them.

use super::re::Re;
use std::ops::Range;

const APOS: &str = "'\u{2019}";

#[derive(Debug)]
pub struct Person {
    /// The names as listed, and in capitals, looked up only at a word's start: each prefix of the
    /// text there is looked up in a table of the names (an automaton over thousands of names took
    /// several megabytes and most of the rules' start-up; searching the whole text with it, several
    /// times the time).
    mixed: List,
    upper: List,
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
        let tail = |p: String| Re::new(&p).map_err(|e| format!("names cannot be compiled: {e}"));
        let upper: Vec<String> = names.iter().map(|w| w.to_uppercase()).collect();
        let mut first = [false; 256];
        for w in names.iter().chain(&upper) {
            match w.as_bytes().first() {
                Some(&c) => first[usize::from(c)] = true,
                // (An empty name starts everywhere.)
                None => first = [true; 256],
            }
        }
        Ok(Person {
            mixed: List::new(names, follows_mixed),
            upper: List::new(&upper, follows_upper),
            first,
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
                self.mixed.starts.may_start(b, start),
                self.upper.starts.may_start(b, start),
            );
            if !(m || u) || !text.is_char_boundary(start) || !word_boundary(text, start) {
                start += 1;
                continue;
            }
            // Branches, then names, in the regex's order of preference.
            let found = [
                (m, &self.mixed, &self.tail_mixed),
                (u, &self.upper, &self.tail_upper),
            ]
            .into_iter()
            .filter(|&(may, _, _)| may)
            .find_map(|(_, list, tail)| {
                at.clear();
                list.starting(text, start, &mut at);
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

/// One list of names: each name's number in the list (the first, for a name listed twice), by its
/// text.
#[derive(Debug)]
struct List {
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    /// The longest name, in bytes.
    longest: usize,
    /// Whether every name is made of letters, hyphens and apostrophes (then no name goes on past
    /// another character).
    letters_only: bool,
    starts: Starts,
    /// The bytes that can follow a name: the first bytes its branch's tail can begin with.
    follow: fn(u8) -> bool,
}

/// The first bytes of the mixed branch's tail (`[ \n]`, `[A-Z]`, `Mc`, `Mac`, `O'`, `D'`) and of
/// the capitals branch's (`[ \n]`): a name followed by any other byte has no tail, so it is not looked
/// up.
fn follows_mixed(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'A'..=b'Z')
}

fn follows_upper(b: u8) -> bool {
    matches!(b, b' ' | b'\n')
}

fn name_char(c: char) -> bool {
    c.is_alphabetic() || c == '-' || c == '\''
}

impl List {
    fn new(names: &[String], follow: fn(u8) -> bool) -> List {
        let mut ids: rustc_hash::FxHashMap<Box<str>, u32> = Default::default();
        ids.reserve(names.len());
        for (k, w) in names.iter().enumerate() {
            ids.entry(w.as_str().into()).or_insert(k as u32);
        }
        List {
            ids,
            longest: names.iter().map(String::len).max().unwrap_or(0),
            letters_only: names.iter().all(|w| w.chars().all(name_char)),
            starts: Starts::new(names),
            follow,
        }
    }

    /// Adds (name number, end) for every name that `text` holds at `at`.
    fn starting(&self, text: &str, at: usize, out: &mut Vec<(u32, usize)>) {
        let rest = &text[at..];
        if let Some(&id) = self.ids.get("") {
            out.push((id, at));
        }
        for (i, c) in rest.char_indices() {
            let end = i + c.len_utf8();
            if end > self.longest || (self.letters_only && !name_char(c)) {
                break;
            }
            if !rest.as_bytes().get(end).is_some_and(|&b| (self.follow)(b)) {
                continue;
            }
            if let Some(&id) = self.ids.get(&rest[..end]) {
                out.push((id, at + end));
            }
        }
    }
}

/// The first two bytes of a list's names (and the first byte of its one-byte names), as bit sets: a
/// name can only start where the text's bytes begin with one of them.
#[derive(Debug)]
struct Starts {
    pairs: Vec<u64>,
    single: [bool; 256],
    /// Whether a name is empty (it starts everywhere).
    empty: bool,
}

impl Starts {
    fn new(names: &[String]) -> Starts {
        let mut s = Starts {
            pairs: vec![0; (1 << 16) / 64],
            single: [false; 256],
            empty: false,
        };
        for w in names {
            match *w.as_bytes() {
                [a] => s.single[usize::from(a)] = true,
                [a, b, ..] => {
                    let k = usize::from(a) << 8 | usize::from(b);
                    s.pairs[k / 64] |= 1 << (k % 64);
                }
                [] => s.empty = true,
            }
        }
        s
    }

    /// Whether a name may start at byte `at` of `b`.
    #[inline]
    fn may_start(&self, b: &[u8], at: usize) -> bool {
        let a = b[at];
        self.empty
            || self.single[usize::from(a)]
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
        let mut rnd = super::super::tests::xorshift(0x5eed_1234_abcd);
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
