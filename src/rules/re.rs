//! Rule regexes, compiled twice when they hold Unicode word boundaries (`\b`, `\B`, `\b{start}`, ...).
//!
//! The regex crate's fast engine (a lazy DFA) cannot follow a Unicode word boundary past a non-ASCII
//! byte, and falls back to engines ten times slower for the whole search. Most decision text is ASCII
//! apart from characters that are not word characters in any sense (`£`, curly quotes, dashes, the `█`
//! that stands for a box in verification). For such text an ASCII word boundary (`(?-u:\b)`) decides
//! exactly as the Unicode one does: the word characters of both are then the same characters. So each
//! pattern is also compiled with its boundaries made ASCII, and [`Re::get`] takes that copy only for a
//! text in which no non-ASCII character is a word character ([`ascii_words`]). Both copies are
//! compiled at once, side by side (the names rule is large: compiling its copy on first use held up
//! every worker waiting for it, and compiling the two one after the other doubled the start-up).

use regex::{Regex, RegexBuilder};
use regex_syntax::ast::{self, Ast};

/// A rule regex and, when it has Unicode word boundaries, its copy with ASCII ones.
#[derive(Debug, Clone)]
pub struct Re {
    unicode: Regex,
    ascii: Option<Regex>,
}

impl Re {
    /// Compiles `pattern`, with `opts` applied to the builder of both copies.
    pub fn build(
        pattern: &str,
        opts: impl Fn(&mut RegexBuilder) -> &mut RegexBuilder,
    ) -> Result<Re, regex::Error> {
        let mut u = RegexBuilder::new(pattern);
        opts(&mut u);
        let Some(p) = ascii_boundaries(pattern) else {
            return Ok(Re {
                unicode: u.build()?,
                ascii: None,
            });
        };
        let mut a = RegexBuilder::new(&p);
        opts(&mut a);
        let (unicode, ascii) = rayon::join(|| u.build(), || a.build());
        // (Should the copy not compile, the regex as written is as right, only slower.)
        Ok(Re {
            unicode: unicode?,
            ascii: ascii.ok(),
        })
    }

    /// [`Re::build`] with the default options.
    pub fn new(pattern: &str) -> Result<Re, regex::Error> {
        Re::build(pattern, |b| b)
    }

    /// The regex to run on a text; `ascii_words` is [`ascii_words`] of that text (or of a text it is
    /// part of).
    #[inline]
    pub fn get(&self, ascii_words: bool) -> &Regex {
        match &self.ascii {
            Some(a) if ascii_words => a,
            _ => &self.unicode,
        }
    }

    /// The regex as written (Unicode word boundaries).
    pub fn unicode(&self) -> &Regex {
        &self.unicode
    }
}

/// Whether no non-ASCII character of `text` is a word character (letter, digit, mark, connector):
/// then ASCII and Unicode word boundaries agree everywhere in it.
pub fn ascii_words(text: &str) -> bool {
    text.is_ascii()
        || !text
            .chars()
            .any(|c| !c.is_ascii() && regex_syntax::is_word_character(c))
}

/// The pattern with every word-boundary assertion wrapped in `(?-u:...)`, or `None` when it has none
/// (or does not parse; the compile of the pattern itself then reports the error).
fn ascii_boundaries(pattern: &str) -> Option<String> {
    let ast = ast::parse::Parser::new().parse(pattern).ok()?;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    collect(&ast, &mut spans);
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(pattern.len() + spans.len() * 6);
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(&pattern[at..s]);
        out.push_str("(?-u:");
        out.push_str(&pattern[s..e]);
        out.push(')');
        at = e;
    }
    out.push_str(&pattern[at..]);
    Some(out)
}

fn collect(ast: &Ast, spans: &mut Vec<(usize, usize)>) {
    use ast::AssertionKind as K;
    match ast {
        Ast::Assertion(a)
            if !matches!(
                a.kind,
                K::StartLine | K::EndLine | K::StartText | K::EndText
            ) =>
        {
            spans.push((a.span.start.offset, a.span.end.offset));
        }
        Ast::Repetition(r) => collect(&r.ast, spans),
        Ast::Group(g) => collect(&g.ast, spans),
        Ast::Alternation(a) => a.asts.iter().for_each(|x| collect(x, spans)),
        Ast::Concat(c) => c.asts.iter().for_each(|x| collect(x, spans)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_wrapped_and_nothing_else() {
        assert_eq!(
            ascii_boundaries(r"\bab\B[b]?(?:x|\b{start}y)^$").as_deref(),
            Some(r"(?-u:\b)ab(?-u:\B)[b]?(?:x|(?-u:\b{start})y)^$")
        );
        assert_eq!(ascii_boundaries(r"[a-z]+\\b"), None);
        assert_eq!(ascii_boundaries(r"(?i)\d+"), None);
    }

    #[test]
    fn the_ascii_copy_finds_what_the_unicode_one_does_on_ascii_word_text() {
        let re = Re::build(r"\b[A-Z][a-z]+\b(?: \w+)?", |b| b.case_insensitive(true)).unwrap();
        for text in [
            "Mr Quimby – paid £40 to “Alden Fry” █ █ today",
            "a_b c9 ’quoted’ ‐ x",
            "",
        ] {
            assert!(ascii_words(text));
            let a: Vec<_> = re.get(true).find_iter(text).map(|m| m.range()).collect();
            let u: Vec<_> = re.unicode().find_iter(text).map(|m| m.range()).collect();
            assert_eq!(a, u, "{text}");
        }
        // A word character outside ASCII: the Unicode copy is the one used.
        assert!(!ascii_words("Chloë"));
        assert!(std::ptr::eq(re.get(false), re.unicode()));
    }
}
