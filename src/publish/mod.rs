//! Publish: the output folder of `redact` -> a release folder an officer can upload as it is.
//!
//! For every document the redact folder holds (found by its `<stem>.redactions.json` log), the Part 1
//! PDF (and with `include_part2` the Part 2, released on request) is copied under a stable name
//! (`<number-slug>-<title-slug>.pdf`, made unique in the order of the logs' paths), labelled for
//! publication (`pdf::sanitize::label_for_publication`: /Title, /Lang, DisplayDocTitle; nothing else),
//! and listed in `index.html`, `index.csv` and `index.json` with its title, decision number, decision
//! date, pages, size and the exemptions applied (codes and counts, from the log).
//!
//! Title, number and date are read by `metadata` from the *redacted* output's own text (the `metadata`
//! rules of `rules/publish.toml`, or of `--rules` when they hold any), never from the file's old
//! metadata, and can be set in the decisions file (`title=`, `number=`, `date=` rows). A value the
//! redaction rules find anything in is not used (a warning names the decisions row, not the text).
//!
//! This is an output stage: it never changes the redact folder (a site folder inside it is refused),
//! every file is written whole or not at all, readable by a web server (`output::write_public`), and the same inputs give the
//! same bytes (no timestamps; entries sorted).
//!
//! # Errors
//! Bad folders or language tag, an existing publication without `overwrite`, or no logs at all: an
//! error (exit code 2), nothing written. One document that cannot be read or labelled is reported,
//! left out of the index, and sets exit code 1; the rest are published.

pub mod index;

use crate::error::{exit, Error, ErrorKind, Result};
use crate::metadata::{self, DocMeta, MetaPage};
use crate::model::BoxLog;
use crate::model::PageText;
use crate::pdf::{load, sanitize};
use crate::rules::{MetaField, MetadataRule, RuleSet};
use index::{Entry, ExemptionCount};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// The heading of the index page unless the user names another.
pub const DEFAULT_SITE_TITLE: &str = "Published decisions";
/// The language of the documents unless the user names another (BCP 47).
pub const DEFAULT_LANG: &str = "en-GB";
const INDEX_FILES: [&str; 3] = ["index.html", "index.csv", "index.json"];

#[derive(Debug, Clone)]
pub struct Config {
    /// The `--out` folder of `redact`.
    pub redact_out: PathBuf,
    /// Where the release goes.
    pub site: PathBuf,
    pub include_part2: bool,
    /// Replace an earlier publication in `site` (and remove the PDFs its index listed that this one
    /// does not).
    pub overwrite: bool,
    /// The officer's decisions: a CSV (one document) or a folder of `<stem>.decisions.csv`.
    pub decisions: Option<PathBuf>,
    pub site_title: String,
    pub lang: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Documents found in the redact folder (their logs).
    pub documents: usize,
    /// PDFs published.
    pub published: usize,
    /// Documents that could not be published.
    pub failed: usize,
    /// Plain-text documents (not published: the release holds PDFs).
    pub text: usize,
    /// Published PDFs whose title was not found (shown as `Decision <number>` or "Untitled document").
    pub untitled: usize,
    /// Documents with nothing to publish (Part 2 only without `include_part2`, or no part at all).
    pub skipped: usize,
    /// Inputs redact declined or failed (its summary says so): they have no output to publish.
    pub not_made: usize,
}

/// The inputs the redact folder's summaries (`summary*.json`) list as declined or failed, with the
/// reason (which holds no personal data).
fn not_made(out: &Path) -> Vec<(String, String)> {
    let Ok(dir) = std::fs::read_dir(out) else {
        return vec![];
    };
    let mut names: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .is_some_and(|n| n.starts_with("summary") && n.ends_with(".json"))
        })
        .collect();
    names.sort();
    let mut v = Vec::new();
    for p in names {
        let Ok(b) = std::fs::read(&p) else { continue };
        let s: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
        for r in s["results"].as_array().into_iter().flatten() {
            if r["status"] != "done" {
                v.push((
                    r["file"].as_str().unwrap_or("?").to_string(),
                    format!(
                        "{}: {}",
                        r["status"].as_str().unwrap_or("not done"),
                        r["reason"].as_str().unwrap_or("see its summary")
                    ),
                ));
            }
        }
    }
    v.sort();
    v.dedup();
    v
}

/// One redacted document: what its log says.
struct Source {
    /// The log, relative to the redact folder (for messages and the decisions lookup).
    rel: PathBuf,
    dir: PathBuf,
    stem: String,
    parts: Vec<u8>,
    boxes: Vec<BoxLog>,
    text: bool,
}

/// One part, read and labelled, waiting for its file name.
struct Prepared {
    entry: Entry,
    /// The document's own title was found or set (else the name has no title slug).
    titled: bool,
    bytes: Vec<u8>,
}

/// Publishes a redact folder; returns the summary and the exit code.
pub fn run(cfg: &Config, rules: &RuleSet) -> Result<(Summary, u8)> {
    check_folders(cfg)?;
    if !valid_lang(&cfg.lang) {
        return Err(Error::usage(format!(
            "--lang {} is not a language tag such as en-GB or cy",
            cfg.lang
        )));
    }
    // The user's rules replace the defaults; when they hold no metadata rules, the default ones read.
    let defaults;
    let meta_rules: &[MetadataRule] = if rules.metadata.is_empty() {
        defaults = RuleSet::defaults()?;
        &defaults.metadata
    } else {
        &rules.metadata
    };
    let sources = find_sources(&cfg.redact_out)?;
    // Documents redact did not make: said here, so that a missing document is never a surprise.
    let unmade = not_made(&cfg.redact_out);
    for (file, reason) in &unmade {
        eprintln!("foiredact: publish: not published: {file}: redact did not make it ({reason})");
    }
    if sources.is_empty() {
        return Err(Error::usage(format!(
            "no redaction logs (*.redactions.json) in {}: is it the --out folder of redact?",
            cfg.redact_out.display()
        )));
    }
    if cfg.decisions.as_ref().is_some_and(|d| d.is_file())
        && sources.iter().filter(|s| !s.text).count() != 1
    {
        return Err(Error::usage(
            "--decisions names one file, but the redact folder holds several documents: give a folder of decisions files",
        ));
    }
    if !cfg.overwrite {
        if let Some(p) = INDEX_FILES
            .iter()
            .map(|n| cfg.site.join(n))
            .find(|p| p.exists())
        {
            return Err(Error::new(ErrorKind::Exists(p)));
        }
    }
    let mut summary = Summary {
        documents: sources.len(),
        not_made: unmade.len(),
        ..Default::default()
    };
    let mut prepared: Vec<Prepared> = Vec::new();
    for s in &sources {
        let name = cfg.redact_out.join(&s.rel);
        let name = name.display();
        if s.text {
            summary.text += 1;
            eprintln!("foiredact: publish: not published: {name}: a plain-text document (the release holds PDFs)");
            continue;
        }
        let publishable = s.parts.contains(&1) || (cfg.include_part2 && s.parts.contains(&2));
        if !publishable {
            summary.skipped += 1;
            eprintln!(
                "foiredact: publish: not published: {name}: {}",
                if s.parts.contains(&2) {
                    "it has only Part 2, which is not for publication (--include-part2 publishes it, for a release on request)"
                } else {
                    "it has no Part 1 (nothing was output for it)"
                }
            );
            continue;
        }
        match prepare(s, cfg, rules, meta_rules) {
            Ok(v) => prepared.extend(v),
            Err(e) => {
                eprintln!(
                    "foiredact: publish: not published: {}",
                    e.with_path(cfg.redact_out.join(&s.rel))
                );
                summary.failed += 1;
            }
        }
    }
    assign_names(&mut prepared);
    let old = old_files(&cfg.site);
    for p in &prepared {
        crate::output::write_public(&cfg.site.join(&p.entry.file), &p.bytes, cfg.overwrite)?;
    }
    let mut entries: Vec<Entry> = prepared.iter().map(|p| p.entry.clone()).collect();
    summary.published = entries.len();
    summary.untitled = prepared.iter().filter(|p| !p.titled).count();
    entries.sort_by(|a, b| {
        b.date_iso
            .is_some()
            .cmp(&a.date_iso.is_some())
            .then_with(|| b.date_iso.cmp(&a.date_iso))
            .then_with(|| b.number.cmp(&a.number))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.part.cmp(&b.part))
            .then_with(|| a.file.cmp(&b.file))
    });
    let csv = index::csv(&entries).map_err(|e| Error::new(ErrorKind::Io(e.to_string())))?;
    for (name, bytes) in [
        (
            "index.json",
            index::json(&entries, &cfg.site_title, &cfg.lang),
        ),
        ("index.csv", csv),
        (
            "index.html",
            index::html(&entries, &cfg.site_title, &cfg.lang),
        ),
    ] {
        crate::output::write_public(&cfg.site.join(name), &bytes, cfg.overwrite)?;
    }
    // An earlier publication's PDFs that this one does not list leave the folder.
    let now: HashSet<&str> = entries.iter().map(|e| e.file.as_str()).collect();
    let stale: Vec<PathBuf> = old
        .iter()
        .filter(|f| !now.contains(f.as_str()))
        .map(|f| cfg.site.join(f))
        .collect();
    crate::output::remove_stale(&stale.iter().collect::<Vec<_>>());
    let code = if summary.failed == 0 && summary.not_made == 0 {
        exit::OK
    } else {
        exit::SOME_FAILED
    };
    Ok((summary, code))
}

/// The redact folder must be a folder; the site folder must not be it or lie inside it (publish never
/// changes the redact folder).
fn check_folders(cfg: &Config) -> Result<()> {
    if !cfg.redact_out.is_dir() {
        return Err(Error::usage(format!(
            "not a folder: {}",
            cfg.redact_out.display()
        )));
    }
    if cfg.site.exists() && !cfg.site.is_dir() {
        return Err(Error::usage(format!(
            "--site is not a folder: {}",
            cfg.site.display()
        )));
    }
    let out = cfg.redact_out.canonicalize()?;
    let site = crate::output::resolved(&cfg.site)?;
    if site.starts_with(&out) {
        return Err(Error::usage(
            "--site must not be the redact folder or inside it (publish never changes the redact folder)",
        ));
    }
    Ok(())
}

/// A BCP 47 language tag, simply: a 2-3 letter language and subtags of letters and digits.
fn valid_lang(s: &str) -> bool {
    let mut it = s.split('-');
    it.next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))
        && it.all(|t| (1..=8).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Every log in the redact folder, sorted by path (batch logs and shards' logs aside).
fn find_sources(out: &Path) -> Result<Vec<Source>> {
    let mut v = Vec::new();
    for e in walkdir::WalkDir::new(out).sort_by_file_name() {
        let e = e.map_err(|e| Error::usage(format!("cannot read {}: {e}", out.display())))?;
        let name = e.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(crate::formats::LOG_SUFFIX) else {
            continue;
        };
        if !e.file_type().is_file() {
            continue;
        }
        let log = crate::formats::FileLog::from_bytes(&std::fs::read(e.path())?)
            .map_err(|m| Error::log(m).with_path(e.path()))?;
        v.push(Source {
            rel: e.path().strip_prefix(out).unwrap_or(e.path()).to_path_buf(),
            dir: e.path().parent().unwrap_or(out).to_path_buf(),
            stem: stem.to_string(),
            parts: log.parts.iter().map(|p| p.part).collect(),
            boxes: log.boxes(),
            text: log.is_text(),
        });
    }
    Ok(v)
}

/// The PDFs an earlier publication in `site` listed (plain file names only).
fn old_files(site: &Path) -> Vec<String> {
    let Ok(bytes) = std::fs::read(site.join("index.json")) else {
        return vec![];
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    v["documents"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["file"].as_str())
                .filter(|f| f.ends_with(".pdf") && !f.contains(['/', '\\']) && !f.starts_with('.'))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Byte ranges of the lines of a page that a redaction box touches (the box overlaps the line's glyphs
/// across the baseline by a third of the smaller height or more).
fn tainted_lines(page: &PageText, boxes: &[crate::geom::Rect]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in page.text.split_inclusive('\n') {
        let r = start..start + line.len();
        start = r.end;
        let band = page
            .glyphs_in(r.clone())
            .iter()
            .map(|&g| page.glyphs[g].bbox)
            .reduce(|a, b| a.union(&b));
        let Some(band) = band else { continue };
        let touched = boxes.iter().any(|b| {
            let overlap = b.y1.min(band.y1) - b.y0.max(band.y0);
            overlap > 0.0 && overlap >= b.height().min(band.height()) / 3.0
        });
        if touched {
            out.push(r);
        }
    }
    out
}

/// One part output as published: its pages read, and what its log says of its redactions.
struct ReadPart {
    bytes: Vec<u8>,
    pages: Vec<PageText>,
}

fn read_part(s: &Source, part: u8) -> Result<ReadPart> {
    let path = s.dir.join(format!("{}.part{part}.pdf", s.stem));
    let bytes = std::fs::read(&path).map_err(|e| Error::from(e).with_path(&path))?;
    let mut doc = load::load(&bytes, None, &Default::default()).map_err(|e| e.with_path(&path))?;
    let pages: Vec<PageText> = crate::read::read_pages(&mut doc)?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    if let Some(p) = pages.iter().find(|p| !p.problems.is_empty()) {
        return Err(Error::unreadable("its text cannot be read")
            .with_page(p.page)
            .with_path(&path));
    }
    Ok(ReadPart { bytes, pages })
}

/// Title, number and date of a document: from its primary part's text, then the officer's settings.
fn document_meta(
    s: &Source,
    primary: (u8, &ReadPart),
    cfg: &Config,
    rules: &RuleSet,
    meta_rules: &[MetadataRule],
) -> Result<DocMeta> {
    let (part, read) = primary;
    let pages: Vec<MetaPage<'_>> = read
        .pages
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let boxes: Vec<crate::geom::Rect> = s
                .boxes
                .iter()
                .filter(|b| b.part == part && b.part_page == k + 1)
                .filter_map(|b| b.rect)
                .collect();
            MetaPage {
                text: &p.text,
                tainted: tainted_lines(p, &boxes),
            }
        })
        .collect();
    let mut meta = metadata::find(rules, meta_rules, &pages);
    let input = s.rel.with_file_name(format!("{}.pdf", s.stem));
    if let Some(f) = crate::decisions::decisions_file(cfg.decisions.as_deref(), &input) {
        let d = crate::pdf::marks::read_decisions_file(&f, &Default::default())?;
        for field in [MetaField::Title, MetaField::Number, MetaField::Date] {
            let Some((row, v)) = d.meta(field) else {
                continue;
            };
            let v = metadata::clean(field, v);
            if metadata::acceptable(rules, &v) {
                meta.set(field, Some(v));
            } else {
                eprintln!(
                    "foiredact: publish: {}, row {row}: the value set there holds what the redaction rules find; not used",
                    f.display()
                );
            }
        }
    }
    Ok(meta)
}

/// Counts per exemption of one part's redactions (one per redaction id: a finding over two lines is
/// one redaction), with the labels of the exemptions table.
fn exemption_counts(s: &Source, part: u8, rules: &RuleSet) -> Vec<ExemptionCount> {
    let mut by: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (k, b) in s.boxes.iter().enumerate().filter(|(_, b)| b.part == part) {
        let id = if b.id.is_empty() {
            format!("#{k}")
        } else {
            b.id.clone()
        };
        by.entry(b.why.exemption.as_str()).or_default().insert(id);
    }
    by.into_iter()
        .map(|(code, ids)| ExemptionCount {
            code: code.to_string(),
            label: rules
                .exemptions
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, l)| l.clone())
                .unwrap_or_default(),
            count: ids.len(),
        })
        .collect()
}

/// Reads, labels and proves the parts of one document that are published.
fn prepare(
    s: &Source,
    cfg: &Config,
    rules: &RuleSet,
    meta_rules: &[MetadataRule],
) -> Result<Vec<Prepared>> {
    let wanted: Vec<u8> = s
        .parts
        .iter()
        .copied()
        .filter(|&p| p == 1 || (p == 2 && cfg.include_part2))
        .collect();
    let Some(&primary) = s.parts.iter().min() else {
        return Ok(vec![]);
    };
    if wanted.is_empty() {
        return Ok(vec![]);
    }
    let mut read: BTreeMap<u8, ReadPart> = BTreeMap::new();
    for &p in wanted.iter().chain(std::iter::once(&primary)) {
        if let std::collections::btree_map::Entry::Vacant(slot) = read.entry(p) {
            slot.insert(read_part(s, p)?);
        }
    }
    let meta = document_meta(s, (primary, &read[&primary]), cfg, rules, meta_rules)?;
    if meta.title.is_none() {
        eprintln!(
            "foiredact: publish: {}: no title found in its text; set one with a title= row in its decisions file",
            cfg.redact_out.join(&s.rel).display()
        );
    }
    let mut out = Vec::new();
    for p in wanted {
        let r = &read[&p];
        let mut entry = Entry {
            title: meta.display_title(),
            number: meta.number.clone(),
            date: meta.date.clone(),
            date_iso: meta.date.as_deref().and_then(metadata::iso_date),
            part: p,
            file: String::new(),
            pages: r.pages.len(),
            bytes: 0,
            size: String::new(),
            exemptions: exemption_counts(s, p, rules),
        };
        let bytes = label(&r.bytes, &entry.document_name(), &cfg.lang)?;
        entry.bytes = bytes.len() as u64;
        entry.size = index::human_size(entry.bytes);
        out.push(Prepared {
            entry,
            titled: meta.title.is_some(),
            bytes,
        });
    }
    Ok(out)
}

/// The part output labelled for publication, proven to differ from it in nothing but the labels: the
/// same pages with the same text, an Info dictionary holding only the title.
fn label(bytes: &[u8], title: &str, lang: &str) -> Result<Vec<u8>> {
    let mut doc = load::load(bytes, None, &Default::default())?;
    sanitize::label_for_publication(&mut doc, title, lang)?;
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Error::write(format!("the published file cannot be written: {e}")))?;
    let texts = |b: &[u8]| -> Result<Vec<String>> {
        let mut d = load::load(b, None, &Default::default())?;
        Ok(crate::read::read_pages(&mut d)?
            .into_iter()
            .map(|(_, p)| p.text)
            .collect())
    };
    if texts(bytes)? != texts(&out)? {
        return Err(Error::verify(
            "the labelled file does not read as the redacted one did",
        ));
    }
    let reloaded = load::load(&out, None, &Default::default())?;
    let info = reloaded
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|id| reloaded.get_dictionary(id))
        .map_err(|_| Error::verify("the labelled file has no document information"))?;
    let keys: Vec<&[u8]> = info.iter().map(|(k, _)| k.as_slice()).collect();
    if keys != [b"Title".as_slice()]
        || info.get(b"Title").ok() != Some(&sanitize::text_string(title))
    {
        return Err(Error::verify(
            "the labelled file's document information holds more than its title",
        ));
    }
    Ok(out)
}

/// The file name stem of an entry: `<number-slug>-<title-slug>` (`-part-2` for a Part 2), or
/// `untitled-document`.
fn base_name(p: &Prepared) -> String {
    let mut bits: Vec<String> = Vec::new();
    if let Some(n) = &p.entry.number {
        bits.push(metadata::slug(n, 24));
    }
    if p.titled {
        bits.push(metadata::slug(&p.entry.title, 60));
    }
    bits.retain(|b| !b.is_empty());
    if bits.is_empty() {
        bits.push("untitled-document".into());
    }
    if p.entry.part == 2 {
        bits.push("part-2".into());
    }
    bits.join("-")
}

/// Gives every entry a unique file name, in the order of `prepared` (the logs' paths, then part): a
/// name already taken gets `-2`, `-3` ...
fn assign_names(prepared: &mut [Prepared]) {
    let mut used: HashSet<String> = HashSet::new();
    for p in prepared.iter_mut() {
        let base = base_name(p);
        let mut name = format!("{base}.pdf");
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}-{k}.pdf");
            k += 1;
        }
        p.entry.file = name;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en-GB", "cy", "en", "gd-GB", "en-GB-oxendict"] {
            assert!(valid_lang(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en_GB", "en-", "<x>", "en-GB\"x"] {
            assert!(!valid_lang(bad), "{bad}");
        }
    }
}
