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
pub mod person;
pub mod phrases;
pub mod re;
pub use re::Re;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
        names: person::Person,
        exclude: std::collections::HashSet<String>,
        /// A first name that is also a common word counts only before a listed surname.
        ambiguous: Option<(Arc<context::WordSet>, Arc<context::WordSet>)>,
    },
    /// Names by shape and context ([`context`]).
    Names(Box<context::Context>),
}

/// Role and team words of a field rule, and the common words they may stand with.
#[derive(Debug)]
pub struct FieldKeep {
    pub words: context::WordSet,
    pub vocab: Arc<context::WordSet>,
}

impl FieldKeep {
    /// Whether `value` is a role, a team or an institution's place: every word a role word, a common word
    /// or a place, at least one a role word, and no digit.
    pub fn keeps(&self, value: &str) -> bool {
        if value.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let (mut role, mut joined, mut other, mut initial) = (false, false, false, false);
        for w in value
            .split(|c: char| !c.is_alphabetic() && c != '\'' && c != '-')
            .filter(|w| !w.is_empty())
        {
            let l = w.to_lowercase();
            if self.words.contains(l.as_str()) {
                role = true;
            } else if matches!(l.as_str(), "of" | "for" | "and" | "the" | "to") {
                joined = true;
            } else if w.chars().count() == 1 {
                initial = true;
            } else if !self.vocab.contains(l.as_str()) {
                other = true;
            }
        }
        // "Parking Services Team"; "Office of the Police and Crime Commissioner for Westshire".
        role && !initial && (!other || joined)
    }

    /// Whether a line is a heading: common words joined by `of`, `for`, `and` or `the`, no digit
    /// ("Record of Meeting", "Summary of Decision").
    pub fn heading(&self, line: &str) -> bool {
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
                .all(|w| self.vocab.contains(w.as_str()) || self.words.contains(w.as_str()))
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
    /// Word lists loaded so far, by folder and file names (the names rules share them).
    word_sets: std::collections::HashMap<(Option<PathBuf>, Vec<String>), Arc<context::WordSet>>,
}

/// Reads a word-list data file: relative to the rule file's folder, or from the compiled-in defaults.
fn read_list(dir: Option<&Path>, f: &str) -> std::result::Result<Vec<String>, String> {
    let text = match dir {
        Some(d) => std::fs::read_to_string(d.join(f))
            .map_err(|e| format!("cannot read {}: {e}", d.join(f).display()))?,
        None => DEFAULT_DATA
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| format!("no built-in data file {f}"))?,
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or(l).trim().to_string())
        .collect())
}

/// Folded, lower-case words of the files `files` and of `words`.
fn word_set(
    cache: &mut std::collections::HashMap<(Option<PathBuf>, Vec<String>), Arc<context::WordSet>>,
    dir: Option<&Path>,
    files: &[String],
) -> std::result::Result<Arc<context::WordSet>, String> {
    let key = (dir.map(Path::to_path_buf), files.to_vec());
    if let Some(s) = cache.get(&key) {
        return Ok(s.clone());
    }
    let mut set = context::WordSet::default();
    for f in files {
        for line in read_list(dir, f)? {
            for w in line.split_whitespace() {
                set.insert(fold_lower(w).into_boxed_str());
            }
        }
    }
    let set = Arc::new(set);
    cache.insert(key, set.clone());
    Ok(set)
}

fn fold_lower(w: &str) -> String {
    if w.is_ascii() {
        return w.to_ascii_lowercase();
    }
    crate::text_fold::fold(w).text.to_lowercase()
}

fn words_set(words: &[String]) -> context::WordSet {
    words
        .iter()
        .map(|w| fold_lower(w).into_boxed_str())
        .collect()
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
                            words: words_set(&spec.keep_values),
                            vocab: word_set(&mut self.word_sets, dir, &spec.vocabulary).map_err(err)?,
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
                    let names = person::Person::new(&first).map_err(err)?;
                    let exclude = spec.exclude.iter().map(|w| w.to_lowercase()).collect();
                    let ambiguous = if spec.vocabulary.is_empty() {
                        None
                    } else {
                        Some((
                            word_set(&mut self.word_sets, dir, &spec.vocabulary).map_err(err)?,
                            word_set(&mut self.word_sets, dir, &spec.surnames).map_err(err)?,
                        ))
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
                    let mut ws = |files: &[String]| word_set(&mut self.word_sets, dir, files).map_err(err);
                    let ctx = context::Context {
                        first: ws(&spec.first_names)?,
                        last: ws(&spec.surnames)?,
                        vocab: ws(&spec.vocabulary)?,
                        places: ws(&spec.places)?,
                        heads: words_set(&spec.heads),
                        strong_before: phrases(&spec.strong_before),
                        weak_before: phrases(&spec.weak_before),
                        after: spec.after.iter().map(|a| a.to_lowercase().into_boxed_str()).collect(),
                    };
                    if ctx.first.is_empty() || ctx.last.is_empty() {
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
