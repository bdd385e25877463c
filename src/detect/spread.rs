//! How a found text spreads beyond where a rule found it. Pure text, like the rest of `detect`.
//!
//! - **Surnames.** A person's name found once takes its surname with it: "Mrs Gwendolyn
//!   Hartigan-Obi" found means "Hartigan-Obi was told on Monday" is redacted too. A surname that is
//!   also a common word or a place (Baker, Chester) counts alone only with the person context: a
//!   title before it ("Mr Baker") or a verb of speech after it ("Baker said", "Baker was told").
//! - **The batch** (`--consistent`). A batch is usually one FOI request: a text redacted in one
//!   document (by a rule, a term or the officer) is redacted wherever it occurs in another, and the
//!   surnames of the names among them too, each with its cause (`consistent:<file>#<id>`).

use super::{letter_bounded, Finding, Phrases};
use crate::error::Sensitive;
use crate::model::Why;
pub use crate::rules::particles::particle_tail;
use crate::rules::particles::{is_name_word, is_particle};
use crate::rules::{Matcher, RuleSet};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// The rule name of a surname found alone.
pub const SURNAME_RULE: &str = "surname";
/// The rule name of a surname (or a name of one word) that is also a common word or a place, found
/// alone with the person context: the same word stays elsewhere ("Baker Street"), so verification
/// does not look for its text in the output (its box is proven empty, as for an officer's area).
pub const IN_CONTEXT_RULE: &str = "surname.context";

/// Whether a finding's text may rightly stay elsewhere in the output (see [`IN_CONTEXT_RULE`]).
pub fn stays_elsewhere(why: &Why) -> bool {
    why.rule == IN_CONTEXT_RULE
}

/// The rule name of a text redacted because another document of the batch redacts it.
pub const CONSISTENT_RULE: &str = "consistent";

/// Titles before a name (lower case, no full stop).
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "doctor",
    "prof",
    "professor",
    "cllr",
    "councillor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "revd",
    "reverend",
    "fr",
    "father",
    "sister",
    "pc",
    "dc",
    "ds",
    "di",
    "dci",
    "sgt",
    "sergeant",
    "insp",
    "inspector",
    "constable",
    "det",
    "judge",
    "hon",
    "master",
    "madam",
    "mme",
    "mlle",
    "herr",
    "frau",
    "sheikh",
    "imam",
    "rabbi",
    "pastor",
    "canon",
    "capt",
    "captain",
    "maj",
    "major",
    "col",
    "colonel",
    "lt",
    "cpl",
    "pte",
    "mister",
];

/// Letters after a name (lower case, no full stops).
const SUFFIXES: &[&str] = &[
    "jr", "jnr", "sr", "snr", "ii", "iii", "iv", "qc", "kc", "mbe", "obe", "cbe", "kbe", "dbe",
    "phd", "msc", "bsc", "ba", "ma", "mp", "mep", "ms", "jp", "md", "llb", "llm", "frcs", "mrcp",
];

/// Verbs of speech and of what a person does, after a surname that is also a common word.
const SPEECH: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "stated",
    "states",
    "explained",
    "explains",
    "confirmed",
    "confirms",
    "asked",
    "asks",
    "replied",
    "replies",
    "wrote",
    "writes",
    "added",
    "adds",
    "reported",
    "reports",
    "claimed",
    "claims",
    "alleged",
    "alleges",
    "admitted",
    "admits",
    "denied",
    "denies",
    "agreed",
    "agrees",
    "argued",
    "argues",
    "informed",
    "advised",
    "attended",
    "complained",
    "complains",
    "objected",
    "objects",
    "responded",
    "responds",
    "described",
    "describes",
    "noted",
    "commented",
    "mentioned",
    "indicated",
    "suggested",
    "insisted",
    "disclosed",
    "accepted",
    "acknowledged",
    "contacted",
    "phoned",
    "telephoned",
    "emailed",
    "visited",
    "appealed",
    "requested",
    "submitted",
    "recalled",
    "remembered",
    "believed",
    "believes",
    "felt",
    "feels",
    "thought",
    "thinks",
    "saw",
    "heard",
    "witnessed",
    "stated:",
];

/// Words allowed between a surname and its verb ("Baker was told", "Baker had also said").
const AUX: &[&str] = &[
    "was",
    "were",
    "had",
    "has",
    "have",
    "is",
    "also",
    "then",
    "later",
    "further",
    "did",
    "does",
    "been",
    "again",
    "first",
    "subsequently",
    "previously",
    "herself",
    "himself",
    "themselves",
];

fn key(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

fn is_title(w: &str) -> bool {
    TITLES.contains(&key(w).as_str())
}

fn is_suffix(w: &str) -> bool {
    SUFFIXES.contains(&key(w).as_str())
}

fn is_caps(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && w.chars().all(|c| !c.is_lowercase())
}

/// The surname of a name as found ("Mrs Gwendolyn Hartigan-Obi" -> "Hartigan-Obi", "Smith, John" ->
/// "Smith", "Ana de la Cruz" -> "de la Cruz", "WANG Xiaoming" -> "WANG", "Mr Okafor" -> "Okafor");
/// `None` when it has none that can be told (one word without a title, initials).
pub fn surname_of(name: &str) -> Option<String> {
    let trim = |w: &str| -> String {
        w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '“' | '”'))
            .trim_end_matches('.')
            .to_string()
    };
    // "Surname, Given" (a table cell, a list).
    if let Some((before, after)) = name.split_once(',') {
        let b: Vec<String> = before
            .split_whitespace()
            .map(trim)
            .filter(|w| !w.is_empty() && !is_title(w))
            .collect();
        let given = after.split_whitespace().map(trim).any(|w| is_name_word(&w));
        if given
            && !b.is_empty()
            && b.len() <= 3
            && b.last().is_some_and(|w| is_name_word(w))
            && b[..b.len() - 1].iter().all(|w| is_particle(w))
        {
            return Some(b.join(" "));
        }
    }
    let mut toks: Vec<String> = name
        .split_whitespace()
        .map(trim)
        .filter(|w| !w.is_empty())
        .collect();
    let mut titled = false;
    while toks.first().is_some_and(|w| is_title(w)) {
        toks.remove(0);
        titled = true;
    }
    while toks.len() > 1 && toks.last().is_some_and(|w| is_suffix(w)) {
        toks.pop();
    }
    // One word in capitals among others: the surname, as many write it (WANG Xiaoming, Li NA).
    if toks.len() >= 2 && !toks.iter().all(|w| is_caps(w)) {
        if let Some(w) = toks.iter().find(|w| is_caps(w) && is_name_word(w)) {
            return Some(w.clone());
        }
    }
    if toks.is_empty() || (toks.len() == 1 && !titled) {
        return None;
    }
    let last = toks.len() - 1;
    if !is_name_word(&toks[last]) {
        return None;
    }
    let mut start = last;
    let floor = usize::from(!titled);
    while start > floor && is_particle(&toks[start - 1]) {
        start -= 1;
    }
    Some(toks[start..].join(" "))
}

/// The word of a name that is one word only (a surname found after a title, a cell of its own).
fn surname_word(name: &str) -> Option<String> {
    let mut words = name.split_whitespace();
    let w = words
        .next()?
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'');
    (words.next().is_none() && is_name_word(w)).then(|| w.to_string())
}

/// Whether `text[r]` has the person context: a title right before it, or a verb of speech after it
/// (with at most two words such as "was", "had", "also" between).
pub fn person_context(text: &str, r: &Range<usize>) -> bool {
    let before = text[..r.start].trim_end();
    if before.len() < r.start
        && before
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(is_title)
    {
        return true;
    }
    let after = &text[r.end..];
    // Only white space between the surname and the next word ("Baker, who said" is not enough).
    if !after.starts_with(char::is_whitespace) {
        return false;
    }
    let mut aux = 0;
    for w in after.split_whitespace().take(4) {
        let w = w.trim_end_matches([',', '.', ';', ':']).to_lowercase();
        if SPEECH.contains(&w.as_str()) {
            return true;
        }
        if AUX.contains(&w.as_str()) && aux < 2 {
            aux += 1;
            continue;
        }
        return false;
    }
    false
}

/// Whether a surname's words are also common words, places or institution words (by the rule set's
/// `names` lists; without such a rule, a word under four letters is taken as common).
fn names_rule(rs: &RuleSet) -> Option<&crate::rules::context::Context> {
    rs.rules.iter().find_map(|r| match &r.matcher {
        Matcher::Names(c) => Some(&**c),
        _ => None,
    })
}

/// The surnames of a name: [`surname_of`], and its first word too when the rule set's lists hold it
/// as a surname and not as a first name (the family name written first: "Nguyễn Văn An").
pub fn surnames_of(rs: &RuleSet, name: &str) -> Vec<String> {
    let mut out: Vec<String> = surname_of(name)
        .or_else(|| surname_word(name))
        .into_iter()
        .collect();
    let words: Vec<&str> = name
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\''))
        .filter(|w| !w.is_empty() && !is_title(w))
        .collect();
    if let (Some(ctx), [first, _, ..]) = (names_rule(rs), words.as_slice()) {
        if is_name_word(first)
            && !out.iter().any(|s| s == first)
            && ctx.is_surname_only(&rs.lexicon, &crate::text_fold::key(first))
        {
            out.push(first.to_string());
        }
    }
    out
}

fn common(rs: &RuleSet, surname: &str) -> bool {
    let ctx = names_rule(rs);
    surname
        .split_whitespace()
        .filter(|w| !is_particle(w))
        .any(|w| match ctx {
            // (The word lists are held folded: "Nguyễn" is looked up as "nguyen".)
            Some(c) => c.is_common(&rs.lexicon, &crate::text_fold::key(w)),
            None => w.chars().count() < 4,
        })
}

/// The surnames of a set of names, compiled once.
#[derive(Debug)]
pub struct Surnames {
    phrases: Phrases,
    /// By folded surname: why it is redacted, and whether it needs the person context.
    whys: HashMap<String, (Why, bool)>,
}

/// A surname to look for, made from a name: its folded key, its text, why it is redacted and whether
/// it needs the person context (a common word).
#[derive(Debug, Clone)]
pub struct Surname {
    key: String,
    text: String,
    why: Why,
    needs_context: bool,
}

/// The surnames of `names`, the first name of a surname giving its why, appended to `out` unless
/// `seen` (folded keys) already holds them.
fn surnames_into<'n>(
    rs: &RuleSet,
    names: impl IntoIterator<Item = (&'n str, &'n Why)>,
    seen: &mut HashSet<String>,
    out: &mut Vec<Surname>,
) {
    for (name, why) in names {
        for s in surnames_of(rs, name) {
            let key = crate::text_fold::key(&s);
            if seen.insert(key.clone()) {
                out.push(Surname {
                    key,
                    needs_context: common(rs, &s),
                    text: s,
                    why: why.clone(),
                });
            }
        }
    }
}

impl Surnames {
    /// `names`: each name's text and why its surname is redacted (rule [`SURNAME_RULE`], the name's
    /// category and exemption, the cause); then the batch's surnames ([`BatchTexts::surnames`], worked
    /// out once for the batch). The first name of a surname gives its why.
    pub fn new(rs: &RuleSet, names: &[(&str, Why)], batch: &[Surname]) -> Option<Surnames> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut all: Vec<Surname> = Vec::new();
        surnames_into(rs, names.iter().map(|(n, w)| (*n, w)), &mut seen, &mut all);
        let mut whys: HashMap<String, (Why, bool)> = HashMap::new();
        let mut texts: Vec<&str> = Vec::new();
        for s in all
            .iter()
            .chain(batch.iter().filter(|s| !seen.contains(&s.key)))
        {
            whys.insert(s.key.clone(), (s.why.clone(), s.needs_context));
            texts.push(&s.text);
        }
        Some(Surnames {
            phrases: Phrases::new(&texts)?,
            whys,
        })
    }

    /// The surnames alone in `text`: capitalised (or in capitals), whole words, with the person
    /// context when they are common words.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.phrases
            .find(text)
            .into_iter()
            .filter_map(|(r, k)| {
                let (why, needs_context) = self.whys.get(self.phrases.pattern(k))?;
                let m = &text[r.clone()];
                // The surname as a name is written: its first letter (after any particle) a capital.
                let core = m.split_whitespace().last().unwrap_or(m);
                let capital = core.chars().find(|c| c.is_alphabetic())?.is_uppercase();
                (capital
                    && letter_bounded(text, &r)
                    && (!needs_context || person_context(text, &r)))
                .then(|| Finding {
                    id: String::new(),
                    why: Why {
                        rule: if *needs_context {
                            IN_CONTEXT_RULE.into()
                        } else {
                            why.rule.clone()
                        },
                        ..why.clone()
                    },
                    text: Sensitive::new(m.to_string()),
                    span: r,
                })
            })
            .collect()
    }
}

/// What pass one keeps of one document: the texts it redacts that can spread (not surnames found
/// alone, nor texts that stay only where their context is), each text with its why once (a name found
/// ten times spreads as the first of them would: the first occurrence in the batch gives the why), and
/// a hash of all of them with where they are (for the run key). A batch of ten thousand documents
/// held every occurrence until the last document was read.
#[derive(Debug, Clone)]
pub struct FileTexts {
    pub key: u64,
    pub texts: Vec<FoundText>,
}

impl FileTexts {
    pub fn new(found: Vec<FoundText>) -> FileTexts {
        let mut h: Vec<u8> = Vec::new();
        let mut seen: HashSet<(String, String, String, String)> = HashSet::new();
        let mut texts = Vec::new();
        for f in found {
            if f.why.rule == SURNAME_RULE || stays_elsewhere(&f.why) {
                continue;
            }
            for b in [f.text.expose().as_bytes(), &[0], f.at.as_bytes(), &[0]] {
                h.extend_from_slice(b);
            }
            let k = (
                f.text.expose().clone(),
                f.why.rule.clone(),
                f.why.category.clone(),
                f.why.exemption.clone(),
            );
            if seen.insert(k) {
                texts.push(f);
            }
        }
        texts.shrink_to_fit();
        FileTexts {
            key: crate::hash::fnv64(&h),
            texts,
        }
    }
}

/// A text redacted in one document of the batch, for the others.
#[derive(Debug, Clone)]
pub struct FoundText {
    pub text: Sensitive<String>,
    pub why: Why,
    /// Where: `<file>#<id>`.
    pub at: String,
}

/// Whether a finding was spread here (a surname, the batch's text) rather than found by a rule.
pub fn is_spread(why: &Why) -> bool {
    matches!(
        why.rule.as_str(),
        SURNAME_RULE | CONSISTENT_RULE | IN_CONTEXT_RULE
    )
}

/// Whether a finding is a person's name (for its surname).
pub fn is_name(why: &Why, text: &str) -> bool {
    name_kind(why) && looks_like_name(text)
}

/// Whether a finding's category and rule are those of names (name, term or signature; not a surname
/// found alone).
fn name_kind(why: &Why) -> bool {
    matches!(why.category.as_str(), "name" | "term" | "signature")
        && why.rule != SURNAME_RULE
        && why.rule != IN_CONTEXT_RULE
}

/// The lines of a finding that are persons' names (a finding can run over a line end: "Ana María de
/// la Cruz" and a label below it).
pub fn name_lines<'t>(why: &Why, text: &'t str) -> Vec<&'t str> {
    if !name_kind(why) {
        return Vec::new();
    }
    text.lines()
        .map(str::trim)
        .filter(|l| looks_like_name(l))
        .collect()
}

/// Whether a text has the shape of a person's name: one line of one to six words, each a name word,
/// an initial, a title, a particle or letters after a name ("Mrs Gwendolyn Hartigan-Obi", "J. Smith
/// QC", "Smith, John"; not "Head of Legal Services", "01632 960577", a signature block's lines).
fn looks_like_name(text: &str) -> bool {
    if text.contains(['\n', '\r']) {
        return false;
    }
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '(' | ')')))
        .filter(|w| !w.is_empty())
        .collect();
    let initial = |w: &str| {
        let w = w.trim_end_matches('.');
        w.chars().count() == 1 && w.chars().all(char::is_uppercase)
    };
    (1..=6).contains(&words.len())
        && words.iter().any(|w| is_name_word(w))
        && words.iter().all(|w| {
            is_name_word(w.trim_end_matches('.'))
                || initial(w)
                || is_title(w)
                || is_suffix(w)
                || is_particle(w)
        })
}

/// Every text redacted in the batch (`--consistent`), compiled once for all its documents.
#[derive(Debug, Default)]
pub struct BatchTexts {
    phrases: Option<Phrases>,
    /// By folded text: why it is redacted elsewhere (rule [`CONSISTENT_RULE`], the first finding's
    /// category and exemption, cause `consistent:<file>#<id>`).
    origin: HashMap<String, Why>,
    /// The texts folded for fuzzy matching (as `--terms` are), with their folded key: on a page read
    /// by OCR, they are also found with a few OCR slips ([`super::ocr_slips`]).
    fuzzy: Vec<(Vec<char>, String)>,
    /// The surnames of the names among them (cause `consistent:<file>#<id>`, rule
    /// [`SURNAME_RULE`]), each once (the first name of a surname gives its why): worked out once here
    /// rather than for every document of the batch.
    surnames: Vec<Surname>,
    /// Whether any of the texts is a name.
    has_names: bool,
    /// A hash of the texts and causes: outputs made with other batch texts are not current.
    pub key: u64,
}

impl BatchTexts {
    /// From pass one's texts, in batch order (the first occurrence of a text gives its cause). A
    /// surname found alone is not spread as a text (it needs its context where it stands); its name
    /// is, with its surname.
    pub fn new(rs: &RuleSet, files: &[FileTexts]) -> BatchTexts {
        let mut origin: HashMap<String, Why> = HashMap::new();
        let mut texts: Vec<&str> = Vec::new();
        let mut names = Vec::new();
        let mut h: Vec<u8> = Vec::new();
        for file in files {
            h.extend_from_slice(&file.key.to_le_bytes());
        }
        for f in files.iter().flat_map(|f| &f.texts) {
            let t = f.text.expose();
            let lines = name_lines(&f.why, t);
            // A name of one word (a surname after a title: "Mr Baker") spreads as a surname: alone
            // where it is no common word, with the person context where it is one.
            let one_word = lines.len() == 1 && lines[0] == t.trim() && surname_word(t).is_some();
            for l in lines {
                names.push((
                    l,
                    Why {
                        rule: if one_word {
                            CONSISTENT_RULE
                        } else {
                            SURNAME_RULE
                        }
                        .into(),
                        category: f.why.category.clone(),
                        exemption: f.why.exemption.clone(),
                        cause: format!("consistent:{}", f.at),
                    },
                ));
            }
            if one_word {
                continue;
            }
            if t.chars().filter(|c| c.is_alphanumeric()).count() < 4 {
                continue;
            }
            let k = crate::text_fold::key(t);
            if let std::collections::hash_map::Entry::Vacant(e) = origin.entry(k) {
                e.insert(Why {
                    rule: CONSISTENT_RULE.into(),
                    category: f.why.category.clone(),
                    exemption: f.why.exemption.clone(),
                    cause: format!("consistent:{}", f.at),
                });
                texts.push(t);
            }
        }
        let fuzzy = texts
            .iter()
            .map(|t| {
                (
                    crate::text_fold::fold_for_fuzzy(t).0,
                    crate::text_fold::key(t),
                )
            })
            .filter(|(f, _)| super::ocr_slips(f.len()).is_some())
            .collect();
        let mut surnames = Vec::new();
        surnames_into(
            rs,
            names.iter().map(|(n, w)| (*n, w)),
            &mut HashSet::new(),
            &mut surnames,
        );
        BatchTexts {
            fuzzy,
            phrases: Phrases::new(&texts),
            origin,
            surnames,
            has_names: !names.is_empty(),
            key: crate::hash::fnv64(&h),
        }
    }

    /// How many distinct texts.
    pub fn len(&self) -> usize {
        self.origin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origin.is_empty() && !self.has_names
    }

    /// The batch's texts in `text`.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let Some(ph) = &self.phrases else {
            return Vec::new();
        };
        ph.find(text)
            .into_iter()
            .filter_map(|(r, k)| {
                let why = self.origin.get(ph.pattern(k))?.clone();
                Some(Finding {
                    id: String::new(),
                    why,
                    text: Sensitive::new(text[r.clone()].to_string()),
                    span: r,
                })
            })
            .collect()
    }

    /// [`BatchTexts::find`] on a page read by OCR: also with a few OCR slips, as `--terms` are.
    pub fn find_ocr(&self, text: &str) -> Vec<Finding> {
        let mut out = self.find(text);
        if self.fuzzy.is_empty() {
            return out;
        }
        let (hay, back) = crate::text_fold::fold_for_fuzzy(text);
        for (pat, k) in &self.fuzzy {
            let Some(slips) = super::ocr_slips(pat.len()) else {
                continue;
            };
            let Some(why) = self.origin.get(k) else {
                continue;
            };
            for (s, e) in super::approx_find(pat, &hay, slips) {
                let span = back[s]
                    ..back[e - 1] + text[back[e - 1]..].chars().next().map_or(0, char::len_utf8);
                out.push(Finding {
                    id: String::new(),
                    why: why.clone(),
                    text: Sensitive::new(text[span.clone()].to_string()),
                    span,
                });
            }
        }
        out
    }

    /// The surnames of the names found in the batch, each once.
    pub fn surnames(&self) -> &[Surname] {
        &self.surnames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_surname_of_a_name_in_every_shape() {
        for (name, want) in [
            ("Mrs Gwendolyn Hartigan-Obi", Some("Hartigan-Obi")),
            ("Gwendolyn Hartigan-Obi", Some("Hartigan-Obi")),
            ("Mr Okafor", Some("Okafor")),
            ("Dr. Siobhán Ní Bhriain", Some("Bhriain")),
            ("Ana María de la Cruz", Some("de la Cruz")),
            ("Pieter van der Berg", Some("van der Berg")),
            ("Smith, John", Some("Smith")),
            ("van Dijk, Anneke", Some("van Dijk")),
            ("WANG Xiaoming", Some("WANG")),
            ("Xiaoming WANG", Some("WANG")),
            ("Mohammed bin Salman Al-Saud", Some("Al-Saud")),
            ("John Smith QC", Some("Smith")),
            ("Nguyễn Văn An", Some("An")),
            ("Siân O'Connell", Some("O'Connell")),
            ("Li Na", Some("Na")),
            ("Hewitt", None),
            ("J. S.", None),
            ("Mr", None),
        ] {
            assert_eq!(surname_of(name).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn only_texts_shaped_as_names_give_surnames() {
        for t in [
            "Mrs Gwendolyn Hartigan-Obi",
            "J. Smith QC",
            "Smith, John",
            "Ana de la Cruz",
            "Mr Baker",
        ] {
            assert!(looks_like_name(t), "{t}");
        }
        for t in [
            "Head of Legal Services",
            "01632 960577",
            "Gwen Obi\nChief Executive",
            "a.b@example.org",
        ] {
            assert!(!looks_like_name(t), "{t}");
        }
    }

    #[test]
    fn the_person_context_is_a_title_before_or_a_verb_of_speech_after() {
        let yes = [
            "Mr Baker arrived",
            "Baker said that",
            "Baker was told on Monday",
            "then Baker had also said",
        ];
        for t in yes {
            let s = t.find("Baker").unwrap();
            assert!(person_context(t, &(s..s + 5)), "{t}");
        }
        for t in [
            "Baker Street",
            "the Baker, who said",
            "Baker was at home",
            "a Baker's shop",
        ] {
            let s = t.find("Baker").unwrap();
            assert!(!person_context(t, &(s..s + 5)), "{t}");
        }
    }

    /// The batch's surnames are worked out once for the batch; a document's own names still give the
    /// why of a surname they share with the batch, and among the batch's names the first gives it.
    #[test]
    fn a_documents_own_name_gives_the_why_of_a_surname_before_the_batchs() {
        let rs = RuleSet::defaults().expect("default rules");
        let found = |text: &str, at: &str| FoundText {
            text: Sensitive::new(text.into()),
            why: Why::new("person", "name", "s40(2)"),
            at: at.into(),
        };
        let b = BatchTexts::new(
            &rs,
            &[
                FileTexts::new(vec![found("Tobiah Quennell", "a.pdf#p1-r1")]),
                FileTexts::new(vec![
                    found("Marta Quennell", "b.pdf#p1-r1"),
                    found("Ines Varga", "b.pdf#p1-r2"),
                ]),
            ],
        );
        // Once each, the first name of the batch giving its why.
        let keys: Vec<&str> = b.surnames().iter().map(|s| s.text.as_str()).collect();
        assert_eq!(keys, ["Quennell", "Varga"]);
        assert_eq!(b.surnames()[0].why.cause, "consistent:a.pdf#p1-r1");
        let own = Why {
            rule: SURNAME_RULE.into(),
            category: "name".into(),
            exemption: "s40(2)".into(),
            cause: "surname:p1-r3".into(),
        };
        let s = Surnames::new(&rs, &[("Kit Varga", own)], b.surnames()).expect("surnames");
        let page = "Then Varga wrote to Quennell.";
        let f = s.find(page);
        let cause = |w: &str| {
            f.iter()
                .find(|f| f.text.expose() == w)
                .map(|f| f.why.cause.clone())
        };
        assert_eq!(cause("Varga").as_deref(), Some("surname:p1-r3"));
        assert_eq!(cause("Quennell").as_deref(), Some("consistent:a.pdf#p1-r1"));
    }

    #[test]
    fn the_batchs_texts_are_found_with_ocr_slips_on_an_ocr_page_only() {
        let found = [FoundText {
            text: Sensitive::new("Tobiah Quennell-Varga".into()),
            why: Why::new("terms", "term", "s40(2)"),
            at: "a.pdf#p1-r1".into(),
        }];
        let b = BatchTexts::new(
            &crate::rules::RuleSet::default(),
            &[FileTexts::new(found.to_vec())],
        );
        let page = "A letter to Tobiah Quenne11-Varga was sent.";
        assert!(b.find(page).is_empty(), "no slip on a text layer");
        let f = b.find_ocr(page);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].text.expose(), "Tobiah Quenne11-Varga");
        assert_eq!(f[0].why.cause, "consistent:a.pdf#p1-r1");
        assert_eq!(f[0].why.rule, CONSISTENT_RULE);
    }
}
