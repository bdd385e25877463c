//! The `names` rule's matcher: names found by their shape and context, not only by a list.
//!
//! The text is read as words. A *run* is two to four capitalised words (`Morag Ahmed`, `MORAG AHMED`, with an
//! optional initial `Mary J. Smith`) on one line or wrapped over one line break. Each word is classed: a
//! listed first name, a listed surname, a common English word (the vocabulary), a place, an institution
//! word (`heads`: Hospital, Police, Team ... a run holding one is an institution, never a person), or
//! unknown. A run is a name when:
//! - a strong cue stands before it (`Dear`, `spoke to`, `complainant`, `signed by`, a letter's closing on
//!   the line above ...): unless every word is a place;
//! - a weak cue stands before it (`by`, `to`, `with`, `and` ...), a cue follows it (`, who`, `'s`,
//!   ` said`, ` (date of birth`, a house number on the next line ...), or it fills a table cell or a
//!   line on its own: when one of its words is a name word (listed, or unknown: not a common word or a
//!   place);
//! - no cue: when its first word is a listed first name or unknown, its last word a listed surname or
//!   unknown, and neither is a common word (a listed first name that is a common word, such as Rose or
//!   Will, counts with a listed surname after it).
//!
//! Leading common words are dropped first (`Yesterday Morag Ahmed`), and a run is cut at a line break
//! before a common word, even a listed surname (a heading or a sentence on the next line). A cell of the shape `Surname,
//! Firstname` is a name when both words are name words.
//!
//! Two more shapes are read with the same cues:
//! - the family name first, in capitals, then one to three given names in mixed case (`WANG Xiaoming`,
//!   `NGUYEN Van An`, `KIM Min-jun`, `SMITH John`), as UK court, immigration and police papers write them:
//!   the capitals must be a listed surname or a word that is no common word, place, institution word or
//!   acronym (`FOIA`, `DECISION`, `NHS` are not), and every given name a name word; both words listed
//!   (a surname in capitals, a first name after it) is a name without a cue;
//! - a first name, particles and a surname (`Maria de la Cruz`, `Jan van der Berg`, `Abdullah al-Rashid`):
//!   one name, the particles as [`particle_tail`] reads them.

use super::lexicon::{Lexicon, WordList};
use super::particles::particle_tail;
use std::ops::Range;

/// The rule's word lists are lists of the rule set's [`Lexicon`] (one look-up classes a word).
#[derive(Debug)]
pub struct Context {
    pub first: WordList,
    pub last: WordList,
    pub vocab: WordList,
    pub places: WordList,
    pub heads: WordList,
    /// Phrases (lower case, single spaces) whose last words end just before a run.
    pub strong_before: Cues,
    pub weak_before: Cues,
    /// Text that may follow a run (lower case; `#` stands for a digit).
    pub after: Vec<Box<str>>,
}

/// Phrases (lower case, single spaces) whose last words end just before a run, found by their last
/// word.
#[derive(Debug, Default)]
pub struct Cues {
    phrases: Vec<Vec<Box<str>>>,
    /// The phrases by their last word (numbers into `phrases`).
    by_last: rustc_hash::FxHashMap<Box<str>, Vec<usize>>,
    /// Whether one phrase is empty (it ends before any run).
    empty: bool,
}

impl Cues {
    /// `phrases`: each a phrase's words, in lower case.
    pub fn new(phrases: Vec<Vec<Box<str>>>) -> Cues {
        let mut by_last: rustc_hash::FxHashMap<Box<str>, Vec<usize>> = Default::default();
        for (k, p) in phrases.iter().enumerate() {
            if let Some(w) = p.last() {
                by_last.entry(w.clone()).or_default().push(k);
            }
        }
        Cues {
            empty: phrases.iter().any(Vec::is_empty),
            phrases,
            by_last,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Title,
    Caps,
    Lower,
    Initial,
    Other,
}

#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    shape: Shape,
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c == '\'' || c == '’' || c == '-'
}

/// Classes of ASCII bytes in a word: [`GOES_ON`] (a letter, a digit, `'` or `-`), [`DIGIT`], [`LOWER`].
const ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'\'' || c == b'-' {
            t[b] |= GOES_ON;
        }
        if c.is_ascii_digit() {
            t[b] |= DIGIT;
        }
        if c.is_ascii_lowercase() {
            t[b] |= LOWER;
        }
        b += 1;
    }
    t
};
const GOES_ON: u8 = 1;
const DIGIT: u8 = 2;
const LOWER: u8 = 4;

fn words(text: &str) -> Vec<Word> {
    let b = text.as_bytes();
    let ch = |i: usize| text[i..].chars().next().unwrap_or(' ');
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    while i < b.len() {
        // A word starts at a letter (ASCII bytes are read as bytes: most text is ASCII).
        if b[i] < 128 {
            if !b[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
        } else {
            let c = ch(i);
            if !c.is_alphabetic() {
                i += c.len_utf8();
                continue;
            }
        }
        let start = i;
        let mut j = i;
        // Whether the word holds a digit, a lower-case letter (read as it goes).
        let (mut digit, mut lower) = (false, false);
        while j < b.len() {
            if b[j] < 128 {
                let k = ASCII[usize::from(b[j])];
                if k & GOES_ON == 0 {
                    break;
                }
                digit |= k & DIGIT != 0;
                lower |= k & LOWER != 0;
                j += 1;
            } else {
                let c = ch(j);
                if is_word_char(c) {
                    lower |= c.is_lowercase();
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
        }
        i = j;
        // Trailing apostrophes and hyphens are not part of the word ("Thomas'").
        let w = text[start..j].trim_end_matches(['\'', '’', '-']);
        let end = start + w.len();
        let first = ch(start);
        // (The trailing characters trimmed off are neither digits nor letters.)
        let shape = if digit {
            Shape::Other
        } else if w.len() == first.len_utf8() && first.is_uppercase() {
            Shape::Initial
        } else if first.is_uppercase() && lower {
            Shape::Title
        } else if first.is_uppercase() {
            Shape::Caps
        } else if first.is_lowercase() {
            Shape::Lower
        } else {
            Shape::Other
        };
        out.push(Word { start, end, shape });
    }
    out
}

/// What lies between two words.
#[derive(Debug, PartialEq, Eq)]
enum Gap {
    Space,
    Break,
    Other,
}

fn gap(s: &str) -> Gap {
    // (Three spaces or more are a column gap: a table's next cell, the padding groff writes.)
    if !s.is_empty() && s.chars().count() <= 2 && s.chars().all(|c| c == ' ' || c == '\u{a0}') {
        Gap::Space
    } else if s.chars().filter(|&c| c == '\n').count() == 1
        && s.chars().all(|c| c == ' ' || c == '\n')
    {
        Gap::Break
    } else {
        Gap::Other
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Class {
    first: bool,
    last: bool,
    vocab: bool,
    place: bool,
    head: bool,
}

impl Class {
    /// A word that names people: listed, or unknown (not a common word, a place or an institution word).
    fn namey(self) -> bool {
        !self.head && (self.first || self.last || (!self.vocab && !self.place))
    }
    /// A word that is only a common word or a place (not listed as a name).
    fn plain(self) -> bool {
        (self.vocab || self.place) && !self.first && !self.last
    }
}

fn lower_key(w: &str, buf: &mut String) {
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
        return;
    }
    for c in w.chars() {
        if c == '’' {
            buf.push('\'');
        } else {
            buf.extend(c.to_lowercase());
        }
    }
}

/// The classes of a text's words, each looked up once, when first asked for.
struct Classes<'a> {
    ctx: &'a Context,
    lex: &'a Lexicon,
    text: &'a str,
    ws: &'a [Word],
    memo: Vec<Option<Class>>,
    buf: String,
}

impl Classes<'_> {
    fn get(&mut self, k: usize) -> Class {
        if let Some(c) = self.memo[k] {
            return c;
        }
        let w = &self.ws[k];
        let c = self
            .ctx
            .class(self.lex, &self.text[w.start..w.end], &mut self.buf);
        self.memo[k] = Some(c);
        c
    }
}

impl Context {
    /// Whether a word is a common English word, a place or an institution word.
    pub fn is_common(&self, lex: &Lexicon, w: &str) -> bool {
        let c = self.class(lex, w, &mut String::new());
        c.vocab || c.place || c.head
    }

    /// Whether a word is a listed surname and no listed first name (the family name written first:
    /// "Nguyễn Văn An", "Wang Xiaoming").
    pub fn is_surname_only(&self, lex: &Lexicon, w: &str) -> bool {
        let c = self.class(lex, w, &mut String::new());
        c.last && !c.first && !c.vocab && !c.place && !c.head
    }

    fn class(&self, lex: &Lexicon, w: &str, buf: &mut String) -> Class {
        lower_key(w, buf);
        let k = buf.as_str();
        let m = lex.get(k);
        let mut c = Class {
            first: Lexicon::in_(m, self.first),
            last: Lexicon::in_(m, self.last),
            vocab: Lexicon::in_(m, self.vocab),
            place: Lexicon::in_(m, self.places),
            head: Lexicon::in_(m, self.heads),
        };
        // Hyphenated: a name word if any part is one ("Smith-Jones", "Al-Hashimi"); a common word
        // if every part is one.
        if k.contains('-') {
            let mut all_vocab = true;
            for p in k.split('-') {
                let pm = lex.get(p);
                c.first |= Lexicon::in_(pm, self.first);
                c.last |= Lexicon::in_(pm, self.last);
                all_vocab &= Lexicon::in_(pm, self.vocab);
            }
            c.vocab |= all_vocab;
        }
        // Mc/Mac/O' surnames and possessives stay name words.
        c
    }

    /// Whether the words before `at` end with one of `phrases`.
    fn ends_with(&self, text: &str, at: usize, cues: &Cues) -> bool {
        // The last four words before the run, punctuation off, last first.
        let before = &text[floor(text, at.saturating_sub(60))..at];
        let mut last: [&str; 4] = [""; 4];
        let mut n = 0;
        for w in before.split(char::is_whitespace).rev() {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            if w.is_empty() {
                continue;
            }
            last[n] = w;
            n += 1;
            if n == last.len() {
                break;
            }
        }
        if cues.empty {
            return true;
        }
        if n == 0 {
            return false;
        }
        // (The phrases are in lower case: a word equals one but for ASCII case when its ASCII
        // lower case is the same.)
        let mut key = [0u8; 32];
        let long;
        let l = last[0].as_bytes();
        let k: &[u8] = if l.len() <= key.len() {
            key[..l.len()].copy_from_slice(l);
            key[..l.len()].make_ascii_lowercase();
            &key[..l.len()]
        } else {
            long = last[0].to_ascii_lowercase();
            long.as_bytes()
        };
        let Some(ps) = std::str::from_utf8(k)
            .ok()
            .and_then(|k| cues.by_last.get(k))
        else {
            return false;
        };
        ps.iter().any(|&k| {
            let p = &cues.phrases[k];
            p.len() <= n
                && p.iter()
                    .rev()
                    .zip(&last[..n])
                    .all(|(a, b)| b.eq_ignore_ascii_case(a))
        })
    }

    fn followed_by(&self, text: &str, at: usize) -> bool {
        let rest = &text[at..ceil(text, text.len().min(at + 40))];
        if self.after.iter().any(|a| matches_after(rest, a)) {
            return true;
        }
        // A house number (or Flat) at the start of the next line: a letter's address block.
        if let Some(nl) = rest.strip_prefix('\n').or_else(|| rest.strip_prefix(",\n")) {
            let nl = nl.trim_start_matches(' ');
            if nl.starts_with(|c: char| c.is_ascii_digit()) || nl.starts_with("Flat ") {
                return true;
            }
        }
        false
    }

    /// Name spans in `text` (folded: accents off), in order; `lex` is the rule set's lexicon.
    pub fn find_iter(&self, lex: &Lexicon, text: &str) -> Vec<Range<usize>> {
        let ws = words(text);
        let mut cls = Classes {
            ctx: self,
            lex,
            text,
            ws: &ws,
            memo: vec![None; ws.len()],
            buf: String::new(),
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            let sh = ws[i].shape;
            if sh != Shape::Title && sh != Shape::Caps {
                i += 1;
                continue;
            }
            // The run: words of the same shape (initials allowed inside a Title run).
            let mut j = i + 1;
            while j < ws.len() {
                let s = ws[j].shape;
                let ok = s == sh || (sh == Shape::Title && s == Shape::Initial && j + 1 < ws.len());
                if !ok {
                    break;
                }
                let g = if ws[j - 1].shape == Shape::Initial
                    && text[ws[j - 1].end..].starts_with('.')
                {
                    gap(&text[ws[j - 1].end + 1..ws[j].start])
                } else {
                    gap(&text[ws[j - 1].end..ws[j].start])
                };
                if g == Gap::Other {
                    break;
                }
                // Over a line break only to a name word: not to a heading or a sentence below.
                if g == Gap::Break {
                    let c = cls.get(j);
                    let p = cls.get(j - 1);
                    // (A common word on the next line, even a listed surname such as "Deed" or
                    // "Rose", starts a heading or a sentence more often than it ends a name.)
                    if c.vocab || c.place || c.head || p.plain() || p.head {
                        break;
                    }
                }
                j += 1;
            }
            if j - i >= 2 {
                self.run(&mut cls, i..j, &mut out);
            }
            i = j;
        }
        self.inverted(&mut cls, &mut out);
        self.family_first(&mut cls, &mut out);
        self.particled(&mut cls, &mut out);
        out.sort_by_key(|r| r.start);
        // Overlapping spans are one name ("Pieter Jan" and "Jan van der Berg").
        out.dedup_by(|b, a| {
            let overlap = b.start < a.end;
            if overlap {
                a.end = a.end.max(b.end);
            }
            overlap
        });
        out
    }

    /// The run of words `r` (indexes into the text's words).
    fn run(&self, cls: &mut Classes, r: Range<usize>, out: &mut Vec<Range<usize>>) {
        let (text, ws) = (cls.text, cls.ws);
        let run = &ws[r.clone()];
        let mut c: smallvec::SmallVec<[Class; 8]> = smallvec::SmallVec::with_capacity(run.len());
        for (k, w) in r.zip(run) {
            c.push(if w.shape == Shape::Initial {
                Class::default()
            } else {
                cls.get(k)
            });
        }
        let cls = c;
        // Split at institution words and at words too short to be names in capitals (acronyms).
        let mut s = 0;
        for k in 0..=run.len() {
            let stop = k == run.len()
                || cls[k].head
                || (run[k].shape == Shape::Caps && is_acronym(&text[run[k].start..run[k].end]));
            if stop {
                // A piece directly before an institution word is part of its name ("Westshire Police").
                let next_head = k < run.len() && cls[k].head;
                if k > s && !next_head {
                    self.piece(text, &run[s..k], &cls[s..k], out);
                }
                s = k + 1;
            }
        }
    }

    fn piece(&self, text: &str, run: &[Word], cls: &[Class], out: &mut Vec<Range<usize>>) {
        let mut a = 0;
        let mut b = run.len();
        // Cut at a line break before a common word (the next line is a heading or a sentence).
        for k in 1..b {
            if text[run[k - 1].end..run[k].start].contains('\n') && (cls[k].vocab || cls[k].place) {
                b = k;
                break;
            }
        }
        // Leading common words ("Yesterday", "The", "Both") are not part of the name.
        while b - a > 2 && (cls[a].plain() || (cls[a].vocab && !cls[a].first)) {
            a += 1;
        }
        let n = b - a;
        if !(2..=4).contains(&n)
            || run[a].shape == Shape::Initial
            || run[b - 1].shape == Shape::Initial
        {
            return;
        }
        let (run, cls) = (&run[a..b], &cls[a..b]);
        let start = run[0].start;
        let end = run[n - 1].end;
        if cls.iter().all(|c| c.place && !c.first && !c.last) {
            return;
        }
        // After a house number: a street, not a name.
        if text[..start]
            .trim_end_matches([' ', ','])
            .ends_with(|c: char| c.is_ascii_digit())
        {
            return;
        }
        let middle_ok = cls[1..n - 1]
            .iter()
            .zip(&run[1..n - 1])
            .all(|(c, w)| w.shape == Shape::Initial || c.namey());
        if self.named(text, start..end, cls, (cls[0], cls[n - 1]), middle_ok) {
            out.push(start..end);
        }
    }

    /// Whether the run `span` of words classed `cls` is a name, by its words and its cues; `first` and
    /// `last` are the classes of its first given name and of its surname (the last word but for a
    /// family name written first), `middle_ok` whether the words between are name words or initials.
    fn named(
        &self,
        text: &str,
        span: Range<usize>,
        cls: &[Class],
        (first, last): (Class, Class),
        middle_ok: bool,
    ) -> bool {
        let (start, end, n) = (span.start, span.end, cls.len());
        // Words that only a name is made of: not common words, places or institution words.
        let names = cls
            .iter()
            .filter(|c| !c.head && !c.place && !c.vocab)
            .count();
        let f_ok = if first.vocab {
            first.first && last.last && !last.vocab
        } else {
            first.first || (!first.place && !first.head)
        };
        let l_ok = if last.vocab {
            last.last && first.first && !first.vocab
        } else {
            last.last || (!last.place && !last.head)
        };
        let bare = f_ok && l_ok && middle_ok;
        let all_plain = cls.iter().all(|c| c.plain());
        let weak = || {
            let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
            let lead = &text[line_start..start];
            let cell_start = lead.trim_matches(' ').is_empty() || lead.ends_with('\t');
            let tail = text[end..].trim_start_matches(' ');
            let cell = cell_start && (tail.is_empty() || tail.starts_with(['\t', '\n']));
            cell || self.followed_by(text, end) || self.ends_with(text, start, &self.weak_before)
        };
        bare || (names >= 1 && !all_plain && weak())
            || (!(all_plain && n > 2) && self.ends_with(text, start, &self.strong_before))
    }

    /// The family name first, in capitals, then one to three given names in mixed case on the same line
    /// ("WANG Xiaoming", "NGUYEN Van An", "KIM Min-jun").
    fn family_first(&self, cls: &mut Classes, out: &mut Vec<Range<usize>>) {
        let (text, ws) = (cls.text, cls.ws);
        let spaced = |a: &Word, b: &Word| gap(&text[a.end..b.start]) == Gap::Space;
        for k in 0..ws.len().saturating_sub(1) {
            if ws[k].shape != Shape::Caps
                || ws[k + 1].shape != Shape::Title
                || !spaced(&ws[k], &ws[k + 1])
            {
                continue;
            }
            // The capitals start the run: after other capitals they end a heading ("FOR OFFICIAL Use"),
            // but for a title ("MR WANG Xiaoming").
            if k > 0
                && ws[k - 1].shape == Shape::Caps
                && spaced(&ws[k - 1], &ws[k])
                && !matches!(
                    &text[ws[k - 1].start..ws[k - 1].end],
                    "MR" | "MRS" | "MS" | "MISS" | "MX" | "DR" | "PROF" | "CLLR"
                )
            {
                continue;
            }
            let mut j = k + 1;
            while j < ws.len()
                && j - k <= 4
                && ws[j].shape == Shape::Title
                && spaced(&ws[j - 1], &ws[j])
            {
                j += 1;
            }
            // One to three given names: more is a heading or a sentence in title case.
            if j - k > 4 {
                continue;
            }
            let family = cls.get(k);
            let caps = &text[ws[k].start..ws[k].end];
            // Never an institution word or an abbreviation without a vowel (NHS, CCTV).
            if family.head
                || !caps
                    .chars()
                    .any(|c| matches!(c, 'A' | 'E' | 'I' | 'O' | 'U' | 'Y'))
            {
                continue;
            }
            let mut c: smallvec::SmallVec<[Class; 4]> = smallvec::SmallVec::new();
            c.push(family);
            for g in k + 1..j {
                c.push(cls.get(g));
            }
            // Every given name a name word (not "FOIA Request", "PERSONAL Data").
            if !c[1..].iter().all(|g| g.namey()) {
                continue;
            }
            // A listed surname ("KIM", "SMITH"), or a word of four letters or more that is no common
            // word or place, is a family name by its words too; any other word ("KO", "PRICE") only by a
            // cue, and then only before given names that are no common words.
            let plain_family = family.last || (!family.vocab && !family.place && !is_acronym(caps));
            if !plain_family && !c[1..].iter().all(|g| g.first || !g.vocab) {
                continue;
            }
            let span = ws[k].start..ws[j - 1].end;
            // (A listed surname in capitals and a listed first name after it: a name as it stands.)
            let listed = family.last && c[1].first;
            if listed || self.named(text, span.clone(), &c, (c[1], family), plain_family) {
                out.push(span);
            }
        }
    }

    /// A first name, particles and a surname ("Maria de la Cruz", "Jan van der Berg", "Abdullah
    /// al-Rashid"), with up to two more given names before it.
    fn particled(&self, cls: &mut Classes, out: &mut Vec<Range<usize>>) {
        let (text, ws) = (cls.text, cls.ws);
        for k in 0..ws.len().saturating_sub(1) {
            if ws[k].shape != Shape::Title || ws[k + 1].shape != Shape::Lower {
                continue;
            }
            let Some(end) = particle_tail(text, ws[k].end) else {
                continue;
            };
            // The surname: the word that ends where the particles' surname ends.
            let Some(m) = (k + 1..ws.len()).find(|&m| ws[m].end >= end) else {
                continue;
            };
            let family = cls.get(m);
            // The given names: this word and up to two more in mixed case before it, leading common
            // words off ("Yesterday", "The").
            let mut s = k;
            while s > 0
                && k - s < 2
                && ws[s - 1].shape == Shape::Title
                && gap(&text[ws[s - 1].end..ws[s].start]) == Gap::Space
            {
                s -= 1;
            }
            while s < k && {
                let c = cls.get(s);
                c.plain() || (c.vocab && !c.first)
            } {
                s += 1;
            }
            let mut c: smallvec::SmallVec<[Class; 4]> = smallvec::SmallVec::new();
            for g in s..=k {
                c.push(cls.get(g));
            }
            if family.head || c.iter().any(|g| g.head) {
                continue;
            }
            let middle_ok = c[1..].iter().all(|g| g.namey());
            let given = c[0];
            c.push(family);
            if self.named(text, ws[s].start..end, &c, (given, family), middle_ok) {
                out.push(ws[s].start..end);
            }
        }
    }

    /// `Surname, Firstname` filling a table cell or a line.
    fn inverted(&self, cls: &mut Classes, out: &mut Vec<Range<usize>>) {
        let (text, ws) = (cls.text, cls.ws);
        for k in 1..ws.len() {
            let (a, b) = (&ws[k - 1], &ws[k]);
            if a.shape != Shape::Title || b.shape != Shape::Title || &text[a.end..b.start] != ", " {
                continue;
            }
            let line_start = text[..a.start].rfind('\n').map_or(0, |p| p + 1);
            let lead = &text[line_start..a.start];
            if !(lead.trim_matches(' ').is_empty() || lead.ends_with('\t')) {
                continue;
            }
            let tail = text[b.end..].trim_start_matches(' ');
            if !(tail.is_empty() || tail.starts_with(['\t', '\n'])) {
                continue;
            }
            let (ca, cb) = (cls.get(k - 1), cls.get(k));
            let only_name = |c: &Class| !c.vocab && !c.place && !c.head;
            let fits = |c: &Class| (c.last || c.first || !c.place) && !c.head;
            if fits(&ca) && fits(&cb) && (only_name(&ca) || only_name(&cb) || (ca.last && cb.first))
            {
                out.push(a.start..b.end);
            }
        }
    }
}

/// An all-capitals word that is an abbreviation, not a name: no vowel (NHS, PCC), or up to three letters
/// that are not a plausible short name.
fn is_acronym(w: &str) -> bool {
    !w.chars()
        .any(|c| matches!(c, 'A' | 'E' | 'I' | 'O' | 'U' | 'Y'))
        || (w.len() <= 3
            && !matches!(
                w,
                "LI" | "WU"
                    | "XU"
                    | "HU"
                    | "MA"
                    | "OM"
                    | "LEE"
                    | "ALI"
                    | "AMY"
                    | "EVA"
                    | "IAN"
                    | "ANN"
                    | "SUE"
                    | "KAY"
                    | "RAY"
                    | "JOE"
                    | "TOM"
                    | "BEN"
                    | "DAN"
                    | "SAM"
                    | "ZOE"
                    | "ABU"
                    | "ODE"
                    | "NUR"
                    | "LIU"
                    | "HUANG"
                    | "YAN"
                    | "FEI"
                    | "WEI"
                    | "HAO"
                    | "ADE"
            ))
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn matches_after(rest: &str, pat: &str) -> bool {
    let mut r = rest.chars();
    for p in pat.chars() {
        match r.next() {
            Some(c) if p == '#' && c.is_ascii_digit() => {}
            Some(c) if c.to_ascii_lowercase() == p => {}
            Some('’') if p == '\'' => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words and shapes the one-pass reading gives are those of reading each word again for its
    /// digits and lower-case letters: on random texts of letters of every case (ASCII, accented,
    /// Greek, German ß), digits, apostrophes, hyphens, white space and punctuation.
    /// A run of capitalised words stops at a column gap: "Evangeline Marsh", then the padding of a
    /// table cell, then "Seen by ..." in the next cell (groff writes the padding as spaces).
    #[test]
    fn a_name_does_not_run_on_over_a_column_gap() {
        let rs = crate::rules::RuleSet::defaults().expect("default rules");
        let text = "Appellant      Evangeline Marsh                   Seen by Evangeline Marsh\n";
        let found: Vec<&str> = crate::detect::detect(&rs, text)
            .into_iter()
            .map(|f| &text[f.span])
            .collect();
        assert!(
            found.iter().all(|f| !f.contains("Seen")),
            "{found:?} runs on into the next cell"
        );
        assert!(found.contains(&"Evangeline Marsh"), "{found:?}");
    }

    #[test]
    fn words_read_in_one_pass() {
        let slow = |text: &str| -> Vec<(usize, usize, Shape)> {
            let ch = |i: usize| text[i..].chars().next().unwrap_or(' ');
            let mut out = Vec::new();
            let mut i = 0;
            while i < text.len() {
                let c = ch(i);
                if !c.is_alphabetic() {
                    i += c.len_utf8();
                    continue;
                }
                let start = i;
                let mut j = i;
                while j < text.len() {
                    let c = ch(j);
                    if (c.is_ascii() && c.is_ascii_alphanumeric()) || is_word_char(c) {
                        j += c.len_utf8();
                    } else {
                        break;
                    }
                }
                i = j;
                let w = text[start..j].trim_end_matches(['\'', '’', '-']);
                let first = ch(start);
                let shape = if w.bytes().any(|c| c.is_ascii_digit()) {
                    Shape::Other
                } else if w.len() == first.len_utf8() && first.is_uppercase() {
                    Shape::Initial
                } else if first.is_uppercase() && w.chars().any(char::is_lowercase) {
                    Shape::Title
                } else if first.is_uppercase() {
                    Shape::Caps
                } else if first.is_lowercase() {
                    Shape::Lower
                } else {
                    Shape::Other
                };
                out.push((start, start + w.len(), shape));
            }
            out
        };
        let pool: Vec<char> = "aZbYmM09'’-- \n\t.,:é\u{c9}ßΣσ\u{2588}\u{a0}ǅ1"
            .chars()
            .collect();
        let mut rnd = super::super::tests::xorshift(0x2a2a_1234);
        let mut words_seen = 0;
        for _ in 0..5000 {
            let t: String = (0..rnd(40)).map(|_| pool[rnd(pool.len())]).collect();
            let got: Vec<(usize, usize, Shape)> = words(&t)
                .into_iter()
                .map(|w| (w.start, w.end, w.shape))
                .collect();
            assert_eq!(got, slow(&t), "{t:?}");
            words_seen += got.len();
        }
        assert!(words_seen > 10_000, "the texts hold words: {words_seen}");
    }
}
