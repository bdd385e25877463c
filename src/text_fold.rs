//! Text folding: the one place that decides which texts are "the same text" for matching.
//!
//! Rules, `--terms`, dictionaries, repeats, Part headings, verification and `foiredact verify` all match
//! on the folded text, so a name cannot pass the tool in a form a reader shows the same way:
//! - **Unicode forms** (NFKC, then marks dropped): decomposed accents ("e" + U+0301, as a Mac pastes
//!   it), precomposed ones, and none at all match each other; a combining mark is part of its word, never a
//!   break. Compatibility forms read as their letters: fullwidth Latin, ligatures (`ﬁ`), the
//!   Roman-numeral signs (`Ⅱ` is `II`), super- and subscripts.
//! - **Look-alike letters** (UTS #39 confusables): a letter of another script that is drawn like a Latin
//!   letter or digit (Cyrillic `Н`, `е`, `о`, Greek `Α`, `ο`) reads as that letter, keeping its case.
//! - **Invisible characters** (default-ignorable code points: soft hyphen, zero-width space and joiners,
//!   BOM) are dropped.
//! - **A word hyphenated at a line end** (`-`, U+2010, U+2011, or a soft hyphen, then the line break)
//!   is joined: "Wolsten-" / "holme" reads "Wolstenholme". A hyphen before a capital stays (a double-barrelled
//!   name "Smith-" / "Jones" reads "Smith-Jones"); only the line break goes.
//! - A few letters without a decomposition (`ł`, `ø`, `đ`, `ı`) and typographic apostrophes are mapped by
//!   hand.
//!
//! [`fold`] keeps, for every byte of the folded text, the offset of the original character it came from,
//! and [`Folded::span`] maps a match back to the original text, whole: it ends after the marks and
//! invisible characters that follow its last letter, so a redaction takes the accent with its letter.
//! Knows no PDF and no rule; `detect`, `rules` and `verify` use it.

use std::ops::Range;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// A folded text with its map back to the original.
#[derive(Debug, Clone)]
pub struct Folded {
    pub text: String,
    /// For each byte of `text`, the byte offset in the original of the character it came from.
    back: Vec<usize>,
}

impl Folded {
    /// The original byte offset of folded byte `i` (the original's length past the end).
    pub fn orig(&self, i: usize, orig_len: usize) -> usize {
        self.back.get(i).copied().unwrap_or(orig_len)
    }

    /// The span of the original text a non-empty span of the folded text came from: from the start of
    /// its first character to the end of its last, with the combining marks and invisible characters
    /// that follow it.
    pub fn span(&self, orig: &str, r: Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let s = self.orig(r.start, orig.len());
            return s..s;
        }
        let start = self.back[r.start];
        let last = self.back[r.end - 1];
        let end = last + orig[last..].chars().next().map_or(0, char::len_utf8);
        start..extend_over_marks(orig, end)
    }
}

/// A text folded for Part headings: [`fold`], then [`close_letter_spacing`]; mapped back to `text`.
pub fn for_headings(text: &str) -> Folded {
    let outer = fold(text);
    let inner = close_letter_spacing(&outer.text);
    let back = inner.back.iter().map(|&j| outer.back[j]).collect();
    Folded {
        text: inner.text,
        back,
    }
}

/// `end` moved past the combining marks and invisible characters that follow it in `text`.
pub fn extend_over_marks(text: &str, mut end: usize) -> usize {
    for c in text[end..].chars() {
        if is_combining_mark(c) || is_invisible(c) {
            end += c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Whether a text needs folding at all: plain ASCII without a hyphen at a line end reads as it is.
pub fn needs_fold(text: &str) -> bool {
    !text.is_ascii() || hyphen_breaks(text.as_bytes())
}

fn hyphen_breaks(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'-') {
        let h = i + p;
        let mut j = h + 1;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < b.len() && (b[j] == b'\n' || b[j] == b'\r') {
            return true;
        }
        i = h + 1;
    }
    false
}

/// A character a reader does not show (default-ignorable: soft hyphen, zero-width space and joiners,
/// word joiner, BOM, variation selectors ...).
pub fn is_invisible(c: char) -> bool {
    if c < '\u{300}' {
        // (The only default-ignorable code point below the combining marks.)
        return c == '\u{AD}';
    }
    unicode_security::skeleton(c.encode_utf8(&mut [0; 4]))
        .next()
        .is_none()
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{00AD}')
}

/// The text folded for matching (see the module doc).
pub fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut back = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut prev_letter = false;
    while let Some((i, c)) = chars.next() {
        if is_hyphen(c) && prev_letter {
            // A hyphen at the end of a line, after a letter: look past blanks and the line break.
            let rest = &text[i + c.len_utf8()..];
            let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let after = &rest[blanks..];
            let brk = if after.starts_with("\r\n") {
                2
            } else if after.starts_with(['\n', '\r']) {
                1
            } else {
                0
            };
            if brk > 0 {
                let next_line = &after[brk..];
                let lead = next_line.len() - next_line.trim_start_matches([' ', '\t']).len();
                if let Some(n) = next_line[lead..].chars().next() {
                    if n.is_alphabetic() {
                        // The hyphen stays before a capital (unless it is a soft one); the break goes.
                        if n.is_uppercase() && c != '\u{00AD}' {
                            out.push('-');
                            back.push(i);
                        }
                        let skip_to = i + c.len_utf8() + blanks + brk + lead;
                        while chars.peek().is_some_and(|&(j, _)| j < skip_to) {
                            chars.next();
                        }
                        continue;
                    }
                }
            }
        }
        if c.is_ascii() {
            out.push(c);
            back.push(i);
            prev_letter = c.is_ascii_alphabetic();
            continue;
        }
        let before = out.len();
        fold_char(c, &mut |d| {
            out.push(d);
            back.extend(std::iter::repeat_n(i, d.len_utf8()));
        });
        if out.len() > before {
            prev_letter = out[before..]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
        }
    }
    Folded { text: out, back }
}

/// One character folded (see the module doc): none, one or several characters.
pub fn fold_char(c: char, push: &mut impl FnMut(char)) {
    if c.is_ascii() {
        push(c);
        return;
    }
    match c {
        'ł' => push('l'),
        'Ł' => push('L'),
        'ø' => push('o'),
        'Ø' => push('O'),
        'đ' => push('d'),
        'Đ' => push('D'),
        'ı' => push('i'),
        'ß' => {
            push('s');
            push('s')
        }
        '\u{2019}' | '\u{2018}' | '\u{02BC}' => push('\''),
        _ if is_invisible(c) => {}
        _ => decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            if d.is_ascii() {
                push(d);
            } else if let Some(a) = look_alike(d) {
                push(a);
            } else {
                push(d);
            }
        }),
    }
}

/// The ASCII letter or digit a letter of another script is drawn like (UTS #39 confusables), in the
/// letter's own case.
fn look_alike(c: char) -> Option<char> {
    if !c.is_alphanumeric() {
        return None;
    }
    let proto: String = unicode_security::skeleton(c.encode_utf8(&mut [0; 4])).collect();
    let cands = prototypes().get(&proto)?;
    let pick = |want: fn(&char) -> bool| cands.iter().copied().find(want);
    let a = if c.is_uppercase() {
        pick(char::is_ascii_uppercase)
    } else if c.is_lowercase() {
        pick(char::is_ascii_lowercase)
    } else {
        None
    }
    .or_else(|| pick(char::is_ascii_alphabetic))
    .or_else(|| cands.first().copied())?;
    Some(if c.is_lowercase() {
        a.to_ascii_lowercase()
    } else if c.is_uppercase() {
        a.to_ascii_uppercase()
    } else {
        a
    })
}

/// The confusable prototype of each ASCII letter and digit, and the characters that have it
/// (`l` is the prototype of `l`, `I` and `1`).
fn prototypes() -> &'static std::collections::HashMap<String, Vec<char>> {
    static P: std::sync::OnceLock<std::collections::HashMap<String, Vec<char>>> =
        std::sync::OnceLock::new();
    P.get_or_init(|| {
        let mut m: std::collections::HashMap<String, Vec<char>> = Default::default();
        for a in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
            let p: String = unicode_security::skeleton(a.encode_utf8(&mut [0; 4])).collect();
            m.entry(p).or_default().push(a);
        }
        m
    })
}

/// A phrase's matching key: folded, lower case, without white space (how `--terms` and repeated
/// findings are compared).
pub fn key(s: &str) -> String {
    fold(s)
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Letter-spaced runs closed up, for Part headings: in each line, a run of three or more single letters
/// or digits separated by blanks ("P A R T  I I", as Word's expanded spacing or a `TJ` with gaps between
/// the letters is read) becomes one word ("PARTII"; the heading rules allow no space between "PART" and
/// its numeral). With the map back to `text`'s bytes.
pub fn close_letter_spacing(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut back = Vec::with_capacity(text.len());
    let toks: Vec<(usize, &str)> = split_keep(text);
    let single = |t: &str| {
        let mut cs = t.chars();
        cs.next().is_some_and(char::is_alphanumeric) && cs.next().is_none()
    };
    let mut k = 0;
    while k < toks.len() {
        // A run: single, blank, single, blank, single ... (blanks of spaces or tabs only).
        let mut end = k;
        if single(toks[k].1) {
            while end + 2 < toks.len()
                && toks[end + 1].1.chars().all(|c| c == ' ' || c == '\t')
                && single(toks[end + 2].1)
            {
                end += 2;
            }
        }
        let run_len = (end - k) / 2 + 1;
        for (j, &(at, t)) in toks.iter().enumerate().take(end + 1).skip(k) {
            if run_len >= 3 && (j - k) % 2 == 1 {
                continue;
            }
            out.push_str(t);
            back.extend(at..at + t.len());
        }
        k = end + 1;
    }
    Folded { text: out, back }
}

/// `text` cut into words, runs of blanks (spaces, tabs) and line breaks, with their offsets.
fn split_keep(text: &str) -> Vec<(usize, &str)> {
    let mut v = Vec::new();
    let mut start = 0;
    let kind = |c: char| match c {
        ' ' | '\t' => 1,
        '\n' | '\r' => 2,
        _ => 0,
    };
    let mut prev: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let k = kind(c);
        if prev.is_some_and(|p| p != k || k == 2) {
            v.push((start, &text[start..i]));
            start = i;
        }
        prev = Some(k);
    }
    if start < text.len() {
        v.push((start, &text[start..]));
    }
    v
}

/// Text folded for fuzzy matching: folded ([`fold`]), lower case, white space removed; with, for each
/// char, the byte offset of the original character.
pub fn fold_for_fuzzy(text: &str) -> (Vec<char>, Vec<usize>) {
    let fd = fold(text);
    let mut chars = Vec::new();
    let mut map = Vec::new();
    for (i, c) in fd.text.char_indices() {
        if !c.is_whitespace() {
            for l in c.to_lowercase() {
                chars.push(l);
                map.push(fd.orig(i, text.len()));
            }
        }
    }
    (chars, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        fold(s).text
    }

    #[test]
    fn forms_of_one_name_fold_alike() {
        // (decomposed, precomposed, none; fullwidth; Cyrillic look-alikes; invisible characters)
        for (a, b) in [
            ("Rene\u{301}e Mu\u{308}ller", "Renee Muller"),
            ("Renée Müller", "Renee Muller"),
            ("Jose\u{301} Marti\u{301}nez", "Jose Martinez"),
            ("\u{FF28}\u{FF45}\u{FF57}\u{FF49}\u{FF54}\u{FF54}", "Hewitt"),
            ("\u{41D}\u{435}witt", "Hewitt"),
            ("\u{397}\u{3BF}pe", "Hope"),
            ("Hew\u{200B}itt", "Hewitt"),
            ("PART \u{2161}", "PART II"),
            ("\u{FB01}eld", "field"),
            ("Wałęsa", "Walesa"),
            ("x\u{00B2}", "x2"),
        ] {
            assert_eq!(f(a), b, "{a:?}");
        }
    }

    #[test]
    fn hyphens_at_line_ends_join() {
        for (a, b) in [
            (
                "Mr Jonah Wolsten-\nholme, who",
                "Mr Jonah Wolstenholme, who",
            ),
            ("Wolsten\u{2010}  \n  holme", "Wolstenholme"),
            ("Wolsten\u{AD}\nholme", "Wolstenholme"),
            ("Wolsten\u{AD}\nHolme", "WolstenHolme"),
            ("Ann Smith-\nJones", "Ann Smith-Jones"),
            ("Smith-Jones", "Smith-Jones"),
            ("2019-\n2020", "2019-\n2020"),
            ("see -\nbelow", "see -\nbelow"),
            ("end-\n\nNext", "end-\n\nNext"),
        ] {
            assert_eq!(f(a), b, "{a:?}");
        }
        assert!(needs_fold("Wolsten- \nholme"));
        assert!(!needs_fold("Plain text - and more\n"));
    }

    #[test]
    fn spans_map_back_whole() {
        let t = "Dr Rene\u{301}e Mu\u{308}ller said";
        let fd = fold(t);
        let s = fd.text.find("Muller").expect("found");
        let r = fd.span(t, s..s + 6);
        assert_eq!(&t[r], "Mu\u{308}ller");
        let s = fd.text.find("Renee").expect("found");
        let r = fd.span(t, s..s + 5);
        assert_eq!(&t[r], "Rene\u{301}e");
        let t = "Jonah Wolsten-\nholme, who";
        let fd = fold(t);
        let s = fd.text.find("Wolstenholme").expect("found");
        let r = fd.span(t, s..s + 12);
        assert_eq!(&t[r], "Wolsten-\nholme");
        // A trailing mark goes with its letter.
        let t = "Jose\u{301} said";
        let fd = fold(t);
        assert_eq!(&t[fd.span(t, 0..4)], "Jose\u{301}");
    }

    #[test]
    fn letter_spacing_closes_up() {
        for (a, b) in [
            ("P A R T  I I", "PARTII"),
            ("P A R T I I - N O T", "PARTII - NOT"),
            ("Part I\nA B\nx", "Part I\nA B\nx"),
            ("a P A R T 2\nnext", "aPART2\nnext"),
        ] {
            assert_eq!(close_letter_spacing(a).text, b, "{a:?}");
        }
        let t = "x\nP A R T  I I\n";
        let c = close_letter_spacing(t);
        let s = c.text.find("PARTII").expect("found");
        assert_eq!(c.orig(s, t.len()), 2);
        assert_eq!(c.orig(s + 5, t.len()), t.rfind('I').expect("I"));
    }
}
