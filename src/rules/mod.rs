//! Rule files (TOML) -> a compiled [`RuleSet`]. Knows no PDF.
//!
//! A rule file holds `[[rule]]` tables. Every rule has `id`, `kind`, `category`, `exemption` (default
//! `s40(2)`), `why`, `examples` and `non_examples`. In an example, `[[...]]` marks exactly what the rule
//! must redact; an example without marks must produce some finding; a non-example must produce none.
//!
//! Kinds:
//! - `regex`: `pattern`, optional `group` (the capture group to redact), `case_insensitive`,
//!   `min_digits`/`max_digits` (the match must hold that many digits), `unless` (a match that this
//!   pattern matches whole is not a finding), `check` (`luhn` or `nhs`: a checksum the digits must pass).
//! - `dictionary`: `words` (and/or `file`, one entry per line), matched case-insensitively as whole words
//!   with aho-corasick; any run of white space stands between the words of a phrase.
//! - `field`: `labels`; the value after `Label:` to the end of the line or cell is redacted, or the next
//!   line when the label stands alone (`next_line`, default true); `multiline` continues an address
//!   over lines that end with a comma; `colon = false` accepts labels without a colon; `anywhere` accepts
//!   the label after any white space, not only at the start of a line or table cell.
//! - `block`: a signature block: `start` (a regex at the start of a line, e.g. `SIGNED by`), the rest of
//!   the start line is redacted, and within `max_lines` lines after it the values of `labels`.
//! - `section`: `part` (1 or 2) and a `pattern` that must match a whole line: the Part headings.
//! - `allow`: `words` or `pattern`: text that rule findings never redact (`--terms` still do).
//! - `metadata`: `field` (`title`, `number` or `date`) and a `pattern` whose `group` (default 1) is
//!   that field's value: how `publish` reads a document's title, decision number and decision date
//!   from its own text. Earlier rules win; in an example, `[[...]]` marks the value.
//!
//! # Errors
//! Unknown keys, bad regexes, empty dictionaries and failing examples are errors naming the file and line.

use crate::error::{Error, Result};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

pub mod context;
pub mod lexicon;
pub mod particles;
pub mod person;
pub mod phrases;
pub mod re;
use lexicon::{Lexicon, WordList};
pub use re::Re;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Data files the default rules name (`file = ...`, `first_names = [...]`), compiled in as well.
pub const DEFAULT_DATA: &[(&str, &str)] = &[
    (
        "data/first-names.txt",
        include_str!("../../rules/data/first-names.txt"),
    ),
    (
        "data/surnames.txt",
        include_str!("../../rules/data/surnames.txt"),
    ),
    (
        "data/english-words.txt",
        include_str!("../../rules/data/english-words.txt"),
    ),
    (
        "data/places.txt",
        include_str!("../../rules/data/places.txt"),
    ),
];

/// The default rule file of the `metadata` rules (how `publish` reads titles, numbers and dates).
pub const PUBLISH_RULES: &str = "rules/publish.toml";

/// The default rule files, compiled into the binary so an installed tool needs no checkout.
pub const DEFAULT_RULES: &[(&str, &str)] = &[
    (
        "rules/sections.toml",
        include_str!("../../rules/sections.toml"),
    ),
    (
        "rules/signature-blocks.toml",
        include_str!("../../rules/signature-blocks.toml"),
    ),
    (
        "rules/contact.toml",
        include_str!("../../rules/contact.toml"),
    ),
    (
        "rules/identifiers.toml",
        include_str!("../../rules/identifiers.toml"),
    ),
    (
        "rules/addresses.toml",
        include_str!("../../rules/addresses.toml"),
    ),
    ("rules/names.toml", include_str!("../../rules/names.toml")),
    ("rules/allow.toml", include_str!("../../rules/allow.toml")),
    (
        "rules/exemptions.toml",
        include_str!("../../rules/exemptions.toml"),
    ),
    (
        "rules/publish.toml",
        include_str!("../../rules/publish.toml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Spanned<RuleSpec>>,
    #[serde(default)]
    exemption: Vec<Spanned<ExemptionSpec>>,
    #[serde(default)]
    organisation: Option<Organisation>,
}

/// The body's own contact details (`[organisation]` in a rule file): rule findings of these are not
/// redacted. `emails`: whole addresses; `domains`: addresses at these domains whose local part is one
/// word (a role mailbox such as `foi@`, not `first.last@`); `phones`: numbers, compared digit by digit.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
}

impl Organisation {
    /// Whether a finding's text is one of the body's own contact details.
    pub fn owns(&self, category: &str, text: &str) -> bool {
        if self.emails.is_empty() && self.domains.is_empty() && self.phones.is_empty() {
            return false;
        }
        let t = text.trim().to_lowercase();
        if t.contains('@') {
            if self.emails.iter().any(|e| e.to_lowercase() == t) {
                return true;
            }
            let (local, domain) = t.split_once('@').unwrap_or_default();
            return !local.contains(['.', '_', '-', ' '])
                && self.domains.iter().any(|d| d.to_lowercase() == domain);
        }
        if category == "phone" {
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            let d = digits(&t);
            return !d.is_empty() && self.phones.iter().any(|p| digits(p) == d);
        }
        false
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionSpec {
    code: String,
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    kind: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    exemption: Option<String>,
    #[serde(default)]
    why: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    non_examples: Vec<String>,
    // regex / section / allow
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    group: Option<usize>,
    #[serde(default)]
    case_insensitive: bool,
    #[serde(default)]
    min_digits: Option<usize>,
    #[serde(default)]
    max_digits: Option<usize>,
    #[serde(default)]
    unless: Option<String>,
    #[serde(default)]
    check: Option<String>,
    // dictionary / allow
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    file: Option<String>,
    // field / block
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    colon: Option<bool>,
    #[serde(default)]
    next_line: Option<bool>,
    #[serde(default)]
    multiline: bool,
    #[serde(default)]
    anywhere: bool,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    max_lines: Option<usize>,
    // section
    #[serde(default)]
    part: Option<u8>,
    // metadata
    #[serde(default)]
    field: Option<String>,
    // person
    #[serde(default)]
    first_names: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    // person / names
    #[serde(default)]
    surnames: Vec<String>,
    #[serde(default)]
    vocabulary: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    heads: Vec<String>,
    #[serde(default)]
    strong_before: Vec<String>,
    #[serde(default)]
    weak_before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    // field
    #[serde(default)]
    keep_values: Vec<String>,
    // regex
    #[serde(default)]
    not_after: Option<String>,
    #[serde(default)]
    max_breaks: Option<usize>,
}

/// Checksums for number rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// Payment card numbers.
    Luhn,
    /// NHS numbers: modulus 11 with weights 10..2 on the first nine digits.
    NhsMod11,
}

impl Checksum {
    pub fn passes(self, digits: &[u32]) -> bool {
        match self {
            Checksum::Luhn => {
                let sum: u32 = digits
                    .iter()
                    .rev()
                    .enumerate()
                    .map(|(i, &d)| {
                        if i % 2 == 1 {
                            let x = d * 2;
                            if x > 9 {
                                x - 9
                            } else {
                                x
                            }
                        } else {
                            d
                        }
                    })
                    .sum();
                digits.len() >= 12 && sum.is_multiple_of(10)
            }
            Checksum::NhsMod11 => {
                if digits.len() != 10 {
                    return false;
                }
                let s: u32 = digits[..9]
                    .iter()
                    .enumerate()
                    .map(|(i, &d)| d * (10 - i as u32))
                    .sum();
                let c = 11 - s % 11;
                let c = if c == 11 { 0 } else { c };
                c != 10 && c == digits[9]
            }
        }
    }
}

/// How a compiled rule matches.
#[derive(Debug)]
pub enum Matcher {
    Regex {
        re: Re,
        group: usize,
        min_digits: usize,
        max_digits: usize,
        /// A match that this matches whole is not a finding.
        unless: Option<Re>,
        /// A checksum the match's digits must pass.
        check: Option<Checksum>,
        /// A match right after text that this matches at its end is not a finding.
        not_after: Option<Re>,
        /// The most line breaks a match may hold.
        max_breaks: usize,
    },
    Dictionary(AhoCorasick),
    /// `label` matches a label (group 1 is the label text) at the start of a line or cell.
    Field {
        label: Re,
        next_line: bool,
        multiline: bool,
        /// A value made of these words (at least one) and common words is a role or a team, kept.
        keep: Option<FieldKeep>,
    },
    Block {
        start: Re,
        label: Re,
        max_lines: usize,
    },
    /// A regex over whole phrases (used for `--terms`).
    Terms {
        phrases: phrases::Phrases,
        /// The terms folded (accents, case, white space removed), for fuzzy matching of OCR text.
        folded: Vec<Vec<char>>,
    },
    /// A first name from a gazetteer, an optional initial, and a capitalised surname not in `exclude`.
    Person {
        names: Box<person::Person>,
        exclude: std::collections::HashSet<String>,
        /// A first name that is also a common word counts only before a listed surname: (common words,
        /// surnames) in [`RuleSet::lexicon`].
        ambiguous: Option<(WordList, WordList)>,
    },
    /// Names by shape and context ([`context`]).
    Names(Box<context::Context>),
}

/// Role and team words of a field rule, and the common words they may stand with (lists of
/// [`RuleSet::lexicon`]).
#[derive(Debug)]
pub struct FieldKeep {
    pub words: WordList,
    pub vocab: WordList,
}

impl FieldKeep {
    /// Whether `value` is a role, a team or an institution's place: every word a role word, a common word
    /// or a place, at least one a role word, and no digit.
    pub fn keeps(&self, lex: &Lexicon, value: &str) -> bool {
        if value.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let (mut role, mut joined, mut other, mut initial) = (false, false, false, false);
        for w in value
            .split(|c: char| !c.is_alphabetic() && c != '\'' && c != '-')
            .filter(|w| !w.is_empty())
        {
            let l = w.to_lowercase();
            let m = lex.get(&l);
            if Lexicon::in_(m, self.words) {
                role = true;
            } else if matches!(l.as_str(), "of" | "for" | "and" | "the" | "to") {
                joined = true;
            } else if w.chars().count() == 1 {
                initial = true;
            } else if !Lexicon::in_(m, self.vocab) {
                other = true;
            }
        }
        // "Parking Services Team"; "Office of the Police and Crime Commissioner for Westshire".
        role && !initial && (!other || joined)
    }

    /// Whether a line is a heading: common words joined by `of`, `for`, `and` or `the`, no digit
    /// ("Record of Meeting", "Summary of Decision").
    pub fn heading(&self, lex: &Lexicon, line: &str) -> bool {
        let ws: Vec<String> = line
            .split(|c: char| !c.is_alphabetic() && c != '\'' && c != '-')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        !line.chars().any(|c| c.is_ascii_digit())
            && ws.len() >= 2
            && ws
                .iter()
                .any(|w| matches!(w.as_str(), "of" | "for" | "and" | "the"))
            && ws
                .iter()
                .all(|w| lex.contains(self.vocab.union(self.words), w))
    }
}

/// A compiled rule that produces findings.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub category: String,
    pub exemption: String,
    pub why: String,
    pub matcher: Matcher,
    /// Whether allow rules may veto this rule's findings (not for the user's own terms).
    pub allowable: bool,
    pub examples: Vec<String>,
    pub non_examples: Vec<String>,
    pub origin: String,
}

#[derive(Debug)]
pub struct SectionRule {
    pub id: String,
    pub part: u8,
    pub re: Re,
    pub examples: Vec<String>,
    pub non_examples: Vec<String>,
    pub origin: String,
}

/// Which piece of a document's publication metadata a `metadata` rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetaField {
    Title,
    Number,
    Date,
}

/// A `metadata` rule: capture group `group` of `re` is the value of `field`.
#[derive(Debug)]
pub struct MetadataRule {
    pub id: String,
    pub field: MetaField,
    pub re: Regex,
    pub group: usize,
    pub examples: Vec<String>,
    pub non_examples: Vec<String>,
    pub origin: String,
}

#[derive(Debug)]
pub enum AllowMatcher {
    Regex(Re),
    Dictionary(AhoCorasick),
}

#[derive(Debug)]
pub struct AllowRule {
    pub id: String,
    pub matcher: AllowMatcher,
    pub examples: Vec<String>,
    pub non_examples: Vec<String>,
}

/// Everything detection needs, compiled once per run and shared between threads.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub sections: Vec<SectionRule>,
    pub allow: Vec<AllowRule>,
    /// How `publish` reads titles, decision numbers and dates (in file order: earlier rules win).
    pub metadata: Vec<MetadataRule>,
    /// Every field/block label of every rule, as one regex: a line that starts with one of these is
    /// never taken as another field's value.
    pub any_label: Option<Regex>,
    labels: Vec<String>,
    /// Exemption codes and their labels (`[[exemption]]` tables); when any are loaded, every rule's
    /// exemption must be one of them.
    pub exemptions: Vec<(String, String)>,
    rule_lines: Vec<(String, usize, String)>,
    /// The user's `--terms` as written: verification also looks for each of them in the raw objects
    /// of an output, whether or not a reading of the text found it.
    pub term_texts: Vec<String>,
    /// The body's own contact details (`[organisation]`), never redacted by rule findings.
    pub organisation: Organisation,
    /// Keep the signatory of a letter (the name lines after its closing): `--keep-signatory`.
    pub keep_signatory: bool,
    /// The words of every word list the rules read (data files, institution and role words).
    pub lexicon: Lexicon,
    /// The list of each data file loaded so far, by folder and file name, and of each word list
    /// written in a rule, by its words (rules that name the same file or words share its list).
    word_files: std::collections::HashMap<(Option<PathBuf>, String), WordList>,
    word_lists: std::collections::HashMap<Vec<String>, WordList>,
}

/// Reads a word-list data file: relative to the rule file's folder, or from the compiled-in defaults.
fn read_list(dir: Option<&Path>, f: &str) -> std::result::Result<Vec<String>, String> {
    Ok(data_lines(&read_data(dir, f)?).map(String::from).collect())
}

/// A data file's text: relative to the rule file's folder, or compiled in.
fn read_data(
    dir: Option<&Path>,
    f: &str,
) -> std::result::Result<std::borrow::Cow<'static, str>, String> {
    match dir {
        Some(d) => std::fs::read_to_string(d.join(f))
            .map(std::borrow::Cow::Owned)
            .map_err(|e| format!("cannot read {}: {e}", d.join(f).display())),
        None => DEFAULT_DATA
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, t)| std::borrow::Cow::Borrowed(*t))
            .ok_or_else(|| format!("no built-in data file {f}")),
    }
}

/// The entries of a data file: its lines without `#` comments and empty lines, each up to a tab (what
/// follows a tab is a note, such as a name's origins), trimmed.
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or(l).trim())
}

/// Calls `f` with each word of the entries of a data file ([`data_lines`], split at white space), in
/// order. The same words as `data_lines(text).flat_map(str::split_whitespace)`; ASCII lines (nearly
/// all) are read byte by byte, which makes the start-up several times quicker than the iterators.
fn data_words<'t>(
    text: &'t str,
    mut f: impl FnMut(&'t str) -> std::result::Result<(), String>,
) -> std::result::Result<(), String> {
    // char::is_whitespace in ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
    let ws = |b: u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| at + p);
        let line = &text[at..end];
        at = end + 1;
        if !line.is_ascii() {
            for entry in data_lines(line) {
                for w in entry.split_whitespace() {
                    f(w)?;
                }
            }
            continue;
        }
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i == b.len() || b[i] == b'#' {
            continue;
        }
        // Words up to the first tab after the entry's start.
        loop {
            let start = i;
            while i < b.len() && !ws(b[i]) {
                i += 1;
            }
            f(&line[start..i])?;
            while i < b.len() && ws(b[i]) && b[i] != b'\t' {
                i += 1;
            }
            if i == b.len() || b[i] == b'\t' {
                break;
            }
        }
    }
    Ok(())
}

/// The list of the words of the data files `files` ([`read_data`]; each file is read once), folded and in
/// lower case, in `lex`.
fn word_list(
    lex: &mut Lexicon,
    cache: &mut std::collections::HashMap<(Option<PathBuf>, String), WordList>,
    dir: Option<&Path>,
    files: &[String],
) -> std::result::Result<WordList, String> {
    let mut list = WordList::default();
    let mut buf = String::new();
    for f in files {
        let key = (dir.map(Path::to_path_buf), f.clone());
        if let Some(&l) = cache.get(&key) {
            list = list.union(l);
            continue;
        }
        let l = lex.new_list()?;
        let text = read_data(dir, f)?;
        // (At most a word a line for most lists: more words grow the table as they come.)
        lex.reserve(text.len(), text.bytes().filter(|&b| b == b'\n').count() + 1);
        data_words(&text, |w| lex.insert(fold_lower(w, &mut buf), l))?;
        cache.insert(key, l);
        list = list.union(l);
    }
    Ok(list)
}

/// The list of `words` (each folded and in lower case, as a whole), in `lex`.
fn literal_list(
    lex: &mut Lexicon,
    cache: &mut std::collections::HashMap<Vec<String>, WordList>,
    words: &[String],
) -> std::result::Result<WordList, String> {
    if let Some(&l) = cache.get(words) {
        return Ok(l);
    }
    let l = lex.new_list()?;
    let mut buf = String::new();
    for w in words {
        lex.insert(fold_lower(w, &mut buf), l)?;
    }
    cache.insert(words.to_vec(), l);
    Ok(l)
}

/// `w` folded (accents off) and in lower case: `w` itself when it already is (an ASCII word without
/// capitals), else in `buf`.
fn fold_lower<'a>(w: &'a str, buf: &'a mut String) -> &'a str {
    if !w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        return w;
    }
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&crate::text_fold::fold(w).text.to_lowercase());
    }
    buf
}

fn phrases(words: &[String]) -> Vec<Vec<Box<str>>> {
    words
        .iter()
        .map(|p| {
            p.split_whitespace()
                .map(|w| w.to_lowercase().into_boxed_str())
                .collect()
        })
        .collect()
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// A label list as a regex alternation: words escaped, any white space between them.
fn label_alternation(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| {
            l.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn field_label_regex(
    labels: &[String],
    colon: bool,
    anywhere: bool,
) -> std::result::Result<Re, regex::Error> {
    let alt = label_alternation(labels);
    let tail = if colon { r"[ ]*[:;]" } else { r"\b" };
    // At the start of a line or table cell; with `anywhere`, after any white space (narrow table gutters
    // are not always seen as cell breaks).
    let lead = if anywhere { r"(?:^|\s)" } else { r"(?:^|\t)" };
    Re::build(&format!(r"(?m){lead}[ ]*((?:{alt}){tail})[ ]*"), |b| {
        b.case_insensitive(true)
    })
}

/// A phrase list as one case-insensitive aho-corasick automaton (leftmost-longest).
fn dictionary(words: &[String]) -> std::result::Result<AhoCorasick, String> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(words)
        .map_err(|e| e.to_string())
}

impl RuleSet {
    /// Loads the built-in default rules.
    pub fn defaults() -> Result<RuleSet> {
        let mut rs = RuleSet::default();
        for (name, src) in DEFAULT_RULES {
            rs.add_source(name, src, None)?;
        }
        rs.finish()?;
        Ok(rs)
    }

    /// Loads rule files or folders of them (`*.toml`, sorted by name). Without any `[[exemption]]`
    /// table of their own, the built-in exemptions table applies.
    pub fn from_paths(paths: &[PathBuf]) -> Result<RuleSet> {
        let mut rs = RuleSet::default();
        rs.add_paths(paths)?;
        if rs.exemptions.is_empty() {
            if let Some((name, src)) = DEFAULT_RULES
                .iter()
                .find(|(n, _)| n.ends_with("exemptions.toml"))
            {
                rs.add_source(name, src, None)?;
            }
        }
        rs.finish()?;
        Ok(rs)
    }

    /// Adds rule files or folders of them (`*.toml`, sorted by name) to this set (`--add-rules`).
    pub fn add(&mut self, paths: &[PathBuf]) -> Result<()> {
        self.add_paths(paths)?;
        self.finish()
    }

    fn add_paths(&mut self, paths: &[PathBuf]) -> Result<()> {
        let rs = self;
        for p in paths {
            let files: Vec<PathBuf> = if p.is_dir() {
                let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                    .map_err(|e| Error::rules(p.display().to_string(), 0, e.to_string()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                    .collect();
                v.sort();
                v
            } else {
                vec![p.clone()]
            };
            for f in files {
                let src = std::fs::read_to_string(&f)
                    .map_err(|e| Error::rules(f.display().to_string(), 0, e.to_string()))?;
                rs.add_source(&f.display().to_string(), &src, f.parent())?;
            }
        }
        Ok(())
    }

    /// Adds the user's `--allow` list: one word or phrase per line that rule findings never redact.
    pub fn add_allow(&mut self, name: &str, src: &str) -> Result<()> {
        let words: Vec<String> = src
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        if words.is_empty() {
            return Ok(());
        }
        let ac = dictionary(&words).map_err(|e| Error::rules(name, 0, e))?;
        self.allow.push(AllowRule {
            id: "allow.user".into(),
            matcher: AllowMatcher::Dictionary(ac),
            examples: vec![],
            non_examples: vec![],
        });
        Ok(())
    }

    /// Adds the user's `--terms`: one word or phrase per line, `#` comments and empty lines ignored.
    ///
    /// # Errors
    /// A line that can never match is the officer's slip, refused with its line number: one of white
    /// space only, or without any letter or digit (`|`, `-`). A file without any term is only warned
    /// about (an empty list is a list).
    pub fn add_terms(&mut self, name: &str, src: &str) -> Result<()> {
        let mut terms: Vec<&str> = Vec::new();
        for (k, raw) in src.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            let t = line.trim();
            if line.is_empty() || t.starts_with('#') {
                continue;
            }
            if t.is_empty() {
                return Err(Error::rules(
                    name,
                    k + 1,
                    "this terms line holds only white space: remove it, or put the term back",
                ));
            }
            if !crate::text_fold::key(t).chars().any(char::is_alphanumeric) {
                return Err(Error::rules(
                    name,
                    k + 1,
                    "this term has no letter or digit, so it can never match",
                ));
            }
            terms.push(t);
        }
        if terms.is_empty() {
            eprintln!("warning: {name}: the terms file holds no terms");
            return Ok(());
        }
        self.term_texts.extend(terms.iter().map(|t| t.to_string()));
        let Some(phrases) = phrases::Phrases::new(&terms) else {
            return Ok(());
        };
        self.rules.push(Rule {
            id: "terms".into(),
            category: "term".into(),
            exemption: crate::model::DEFAULT_EXEMPTION.into(),
            why: "listed by the user with --terms".into(),
            matcher: Matcher::Terms {
                phrases,
                folded: terms
                    .iter()
                    .map(|t| crate::text_fold::fold_for_fuzzy(t).0)
                    .collect(),
            },
            allowable: false,
            examples: vec![],
            non_examples: vec![],
            origin: name.into(),
        });
        Ok(())
    }

    fn add_source(&mut self, name: &str, src: &str, dir: Option<&Path>) -> Result<()> {
        let file: RuleFile = toml::from_str(src).map_err(|e| {
            let line = e.span().map(|s| line_of(src, s.start)).unwrap_or(0);
            Error::rules(name, line, e.message().to_string())
        })?;
        for e in file.exemption {
            let line = line_of(src, e.span().start);
            let e = e.into_inner();
            if e.code.trim().is_empty() {
                return Err(Error::rules(name, line, "exemption without a code"));
            }
            self.exemptions.push((e.code, e.label));
        }
        if let Some(o) = file.organisation {
            self.organisation.emails.extend(o.emails);
            self.organisation.domains.extend(o.domains);
            self.organisation.phones.extend(o.phones);
        }
        for spanned in file.rule {
            let line = line_of(src, spanned.span().start);
            let spec = spanned.into_inner();
            let err = |msg: String| Error::rules(name, line, format!("rule {}: {msg}", spec.id));
            if spec.id.trim().is_empty() {
                return Err(Error::rules(name, line, "rule without an id"));
            }
            let category = spec.category.clone().unwrap_or_default();
            let exemption = spec
                .exemption
                .clone()
                .unwrap_or_else(|| crate::model::DEFAULT_EXEMPTION.into());
            let origin = format!("{name}:{line}");
            self.rule_lines
                .push((name.to_string(), line, exemption.clone()));
            let need_category = || {
                if category.is_empty() {
                    Err(err("needs a category".into()))
                } else {
                    Ok(())
                }
            };
            match spec.kind.as_str() {
                "regex" => {
                    need_category()?;
                    let pat = spec
                        .pattern
                        .as_deref()
                        .ok_or_else(|| err("needs a pattern".into()))?;
                    let re = Re::build(pat, |b| b.case_insensitive(spec.case_insensitive))
                        .map_err(|e| err(format!("bad pattern: {e}")))?;
                    let group = spec.group.unwrap_or(0);
                    if group >= re.unicode().captures_len() {
                        return Err(err(format!("group {group} does not exist in the pattern")));
                    }
                    let unless = match &spec.unless {
                        Some(u) => Some(
                            Re::new(&format!("^(?:{u})$"))
                                .map_err(|e| err(format!("bad unless: {e}")))?,
                        ),
                        None => None,
                    };
                    let check = match spec.check.as_deref() {
                        None => None,
                        Some("luhn") => Some(Checksum::Luhn),
                        Some("nhs") => Some(Checksum::NhsMod11),
                        Some(other) => {
                            return Err(err(format!("unknown check '{other}' (luhn, nhs)")))
                        }
                    };
                    let not_after = match &spec.not_after {
                        Some(u) => Some(
                            Re::new(&format!("(?:{u})$"))
                                .map_err(|e| err(format!("bad not_after: {e}")))?,
                        ),
                        None => None,
                    };
                    let matcher = Matcher::Regex {
                        re,
                        group,
                        min_digits: spec.min_digits.unwrap_or(0),
                        max_digits: spec.max_digits.unwrap_or(usize::MAX),
                        unless,
                        check,
                        not_after,
                        max_breaks: spec.max_breaks.unwrap_or(usize::MAX),
                    };
                    self.push_rule(&spec, category, exemption, matcher, origin);
                }
                "dictionary" => {
                    need_category()?;
                    let mut words = spec.words.clone();
                    if let Some(f) = &spec.file {
                        words.extend(read_list(dir, f).map_err(err)?);
                    }
                    if words.is_empty() {
                        return Err(err("dictionary is empty".into()));
                    }
                    let ac = dictionary(&words).map_err(err)?;
                    self.push_rule(&spec, category, exemption, Matcher::Dictionary(ac), origin);
                }
                "field" => {
                    need_category()?;
                    if spec.labels.is_empty() {
                        return Err(err("field rule needs labels".into()));
                    }
                    let label =
                        field_label_regex(&spec.labels, spec.colon.unwrap_or(true), spec.anywhere)
                            .map_err(|e| err(format!("bad label: {e}")))?;
                    self.labels.extend(spec.labels.iter().cloned());
                    let keep = if spec.keep_values.is_empty() {
                        None
                    } else {
                        Some(FieldKeep {
                            words: literal_list(&mut self.lexicon, &mut self.word_lists, &spec.keep_values)
                                .map_err(err)?,
                            vocab: word_list(&mut self.lexicon, &mut self.word_files, dir, &spec.vocabulary)
                                .map_err(err)?,
                        })
                    };
                    let matcher = Matcher::Field {
                        label,
                        next_line: spec.next_line.unwrap_or(true),
                        multiline: spec.multiline,
                        keep,
                    };
                    self.push_rule(&spec, category, exemption, matcher, origin);
                }
                "block" => {
                    need_category()?;
                    let start = spec
                        .start
                        .as_deref()
                        .ok_or_else(|| err("block rule needs start".into()))?;
                    let start = Re::new(&format!(r"(?m)^[ ]*(?:{start})"))
                        .map_err(|e| err(format!("bad start: {e}")))?;
                    if spec.labels.is_empty() {
                        return Err(err("block rule needs labels".into()));
                    }
                    let label = field_label_regex(&spec.labels, spec.colon.unwrap_or(true), false)
                        .map_err(|e| err(format!("bad label: {e}")))?;
                    self.labels.extend(spec.labels.iter().cloned());
                    let matcher = Matcher::Block {
                        start,
                        label,
                        max_lines: spec.max_lines.unwrap_or(10),
                    };
                    self.push_rule(&spec, category, exemption, matcher, origin);
                }
                "person" => {
                    need_category()?;
                    let mut first: Vec<String> = spec.words.clone();
                    for f in &spec.first_names {
                        first.extend(read_list(dir, f).map_err(err)?);
                    }
                    // Text is matched with its accents folded, so the names are folded too.
                    let mut first: Vec<String> = first
                        .iter()
                        .map(|w| crate::text_fold::fold(w).text)
                        .collect();
                    first.retain(|w| {
                        w.chars()
                            .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                    });
                    if first.is_empty() {
                        return Err(err("person rule needs first_names or words".into()));
                    }
                    first.sort();
                    first.dedup();
                    let names = Box::new(person::Person::new(&first).map_err(err)?);
                    let exclude = spec.exclude.iter().map(|w| w.to_lowercase()).collect();
                    let ambiguous = if spec.vocabulary.is_empty() {
                        None
                    } else {
                        let mut ws = |files: &[String]| {
                            word_list(&mut self.lexicon, &mut self.word_files, dir, files).map_err(err)
                        };
                        Some((ws(&spec.vocabulary)?, ws(&spec.surnames)?))
                    };
                    self.push_rule(
                        &spec,
                        category,
                        exemption,
                        Matcher::Person {
                            names,
                            exclude,
                            ambiguous,
                        },
                        origin,
                    );
                }
                "names" => {
                    need_category()?;
                    let mut ws = |files: &[String]| {
                        word_list(&mut self.lexicon, &mut self.word_files, dir, files).map_err(err)
                    };
                    let ctx = context::Context {
                        first: ws(&spec.first_names)?,
                        last: ws(&spec.surnames)?,
                        vocab: ws(&spec.vocabulary)?,
                        places: ws(&spec.places)?,
                        heads: literal_list(&mut self.lexicon, &mut self.word_lists, &spec.heads)
                            .map_err(err)?,
                        strong_before: context::Cues::new(phrases(&spec.strong_before)),
                        weak_before: context::Cues::new(phrases(&spec.weak_before)),
                        after: spec.after.iter().map(|a| a.to_lowercase().into_boxed_str()).collect(),
                    };
                    if self.lexicon.is_empty(ctx.first) || self.lexicon.is_empty(ctx.last) {
                        return Err(err("names rule needs first_names and surnames".into()));
                    }
                    self.push_rule(&spec, category, exemption, Matcher::Names(Box::new(ctx)), origin);
                }
                "section" => {
                    let part = spec
                        .part
                        .filter(|p| *p == 1 || *p == 2)
                        .ok_or_else(|| err("section rule needs part = 1 or 2".into()))?;
                    let pat = spec
                        .pattern
                        .as_deref()
                        .ok_or_else(|| err("needs a pattern".into()))?;
                    let re = Re::build(&format!(r"(?m)^[ \t]*(?:{pat})[ \t]*$"), |b| {
                        b.case_insensitive(spec.case_insensitive)
                    })
                        .map_err(|e| err(format!("bad pattern: {e}")))?;
                    self.sections.push(SectionRule {
                        id: spec.id.clone(),
                        part,
                        re,
                        examples: spec.examples.clone(),
                        non_examples: spec.non_examples.clone(),
                        origin,
                    });
                }
                "metadata" => {
                    let field = match spec.field.as_deref() {
                        Some("title") => MetaField::Title,
                        Some("number") => MetaField::Number,
                        Some("date") => MetaField::Date,
                        _ => return Err(err("metadata rule needs field = title, number or date".into())),
                    };
                    let pat = spec
                        .pattern
                        .as_deref()
                        .ok_or_else(|| err("needs a pattern".into()))?;
                    let re = RegexBuilder::new(pat)
                        .multi_line(true)
                        .case_insensitive(spec.case_insensitive)
                        .build()
                        .map_err(|e| err(format!("bad pattern: {e}")))?;
                    let group = spec.group.unwrap_or(1);
                    if group >= re.captures_len() {
                        return Err(err(format!("group {group} does not exist in the pattern")));
                    }
                    self.metadata.push(MetadataRule {
                        id: spec.id.clone(),
                        field,
                        re,
                        group,
                        examples: spec.examples.clone(),
                        non_examples: spec.non_examples.clone(),
                        origin,
                    });
                }
                "allow" => {
                    let matcher = if let Some(p) = &spec.pattern {
                        AllowMatcher::Regex(
                            Re::build(p, |b| b.case_insensitive(spec.case_insensitive))
                                .map_err(|e| err(format!("bad pattern: {e}")))?,
                        )
                    } else if !spec.words.is_empty() {
                        AllowMatcher::Dictionary(dictionary(&spec.words).map_err(err)?)
                    } else {
                        return Err(err("allow rule needs words or a pattern".into()));
                    };
                    self.allow.push(AllowRule {
                        id: spec.id.clone(),
                        matcher,
                        examples: spec.examples.clone(),
                        non_examples: spec.non_examples.clone(),
                    });
                }
                other => {
                    return Err(err(format!(
                        "unknown kind '{other}' (regex, dictionary, person, names, field, block, section, allow, metadata)"
                    )))
                }
            }
            if self.rules.iter().filter(|r| r.id == spec.id).count() > 1 {
                return Err(err("duplicate rule id".into()));
            }
        }
        Ok(())
    }

    fn push_rule(
        &mut self,
        spec: &RuleSpec,
        category: String,
        exemption: String,
        matcher: Matcher,
        origin: String,
    ) {
        self.rules.push(Rule {
            id: spec.id.clone(),
            category,
            exemption,
            why: spec.why.clone().unwrap_or_default(),
            matcher,
            allowable: true,
            examples: spec.examples.clone(),
            non_examples: spec.non_examples.clone(),
            origin,
        });
    }

    fn finish(&mut self) -> Result<()> {
        if !self.exemptions.is_empty() {
            if let Some((file, line, ex)) = self
                .rule_lines
                .iter()
                .find(|(_, _, ex)| !self.exemptions.iter().any(|(c, _)| c == ex))
            {
                return Err(Error::rules(
                    file.clone(),
                    *line,
                    crate::exemption::unknown_code(ex, &self.exemptions),
                ));
            }
        }
        if !self.labels.is_empty() {
            self.any_label = Some(
                field_label_regex(&self.labels, true, false)
                    .map_err(|e| Error::rules("(all labels)", 0, e.to_string()))?
                    .unicode()
                    .clone(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repeatable random number below `n` (xorshift), for the rules' randomised tests.
    pub(crate) fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    /// The byte-wise reading of a data file gives the words the iterators give: on every built-in
    /// data file and on lines of every shape (comments, tabs before and after the entry, white space
    /// of every ASCII kind, accented and non-ASCII white space, carriage returns, no final line break).
    #[test]
    fn data_words_are_the_words_of_the_entries() {
        let mut texts: Vec<String> = DEFAULT_DATA.iter().map(|(_, t)| t.to_string()).collect();
        texts.push(
            "# a comment\n  # an indented comment\n\tAaron\tgb,us\nAnne Marie \t note\r\n\x0bBo\x0cCy\r\n\
             Zo\u{eb}\tx\n\u{a0}Jos\u{e9}\u{2003}Ana\u{a0}\tpt\n\n \n\t\nde la Cruz\nLast"
                .to_string(),
        );
        for t in &texts {
            let want: Vec<&str> = data_lines(t).flat_map(str::split_whitespace).collect();
            let mut got: Vec<&str> = Vec::new();
            data_words(t, |w| {
                got.push(w);
                Ok(())
            })
            .expect("no error");
            assert_eq!(got, want);
            assert!(!want.is_empty());
        }
    }
}
