//! Batch driver: finds the inputs, runs the pipeline on each in parallel (rayon), writes outputs through
//! `output`, and the batch logs (`redactions.csv`, `summary.json`). No PDF knowledge. One file's failure
//! (even a panic) never stops the batch; it sets the exit code.

use crate::decisions::decisions_file;
use crate::error::{exit, Error, ErrorKind, Result};
use crate::formats::{FileLog, LoggedBox, OutputPaths, PartLog, ScheduleRow, Status};
use crate::model::InputKind;
use crate::model::Part;
use crate::output::{self, resolved};
use crate::pipeline::{self, BoxLog, Settings};
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: usize,
    pub overwrite: bool,
    pub log_text: bool,
    pub progress: bool,
    pub settings: Settings,
    /// Skip inputs whose outputs are complete and current (same input, rules and settings).
    pub resume: bool,
    /// Take only share `k` of `n` (1-based) of the inputs, by a hash of their relative path.
    pub shard: Option<(u64, u64)>,
    /// Identifies the rules and settings of this run (a hash): outputs made with others are not current.
    pub run_key: String,
    /// The officer's decisions: one CSV (one input) or a folder of `<stem>.decisions.csv`.
    pub decisions: Option<PathBuf>,
    /// Who decides (`--reviewer`, else the user's login name): recorded with every decision.
    pub reviewer: String,
    /// A text redacted in one file of the batch is redacted in every other (`--consistent`).
    pub consistent: bool,
    /// Only these inputs (by their path relative to the folder given), e.g. the documents reviewed
    /// in the browser; `None`: all.
    pub select: Option<Vec<PathBuf>>,
}

/// The user's login name (`USER`, `LOGNAME` or `USERNAME`, else the process owner's entry in
/// `/etc/passwd`), for the audit trail when `--reviewer` is not given.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .or_else(passwd_name)
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(unix)]
fn passwd_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    std::fs::read_to_string("/etc/passwd")
        .ok()?
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 2 && f[2] == uid)
        .map(|f| f[0].to_string())
        .filter(|n| !n.is_empty())
}

#[cfg(not(unix))]
fn passwd_name() -> Option<String> {
    None
}

/// A time as RFC 3339 in UTC, to the second (`2025-05-09T14:03:07Z`).
pub fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

pub use crate::hash::fnv64;

/// Whether an input belongs to shard `k` of `n`: by its path relative to the folder given, so every
/// machine of a scale-out computes the same split whatever the contents.
pub fn in_shard(rel: &Path, k: u64, n: u64) -> bool {
    n == 0 || fnv64(rel.to_string_lossy().replace('\\', "/").as_bytes()) % n == k - 1
}

/// One input file and where its outputs go (relative to the output folder).
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub rel: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    /// `done`, `declined` (the tool refused to publish it) or `failed` (could not be read or written).
    pub status: Status,
    pub pages: usize,
    /// Boxes drawn (the redactions applied).
    pub redactions: usize,
    /// The rules' proposed redactions.
    pub proposals: usize,
    /// Proposals the officer kept (not redacted).
    pub kept: usize,
    /// Redactions the officer added (`text=` and `rect=` rows; boxes).
    pub added: usize,
    /// Proposals the decisions file has no row for (redacted, to be safe), by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub no_decision: Vec<String>,
    /// Redactions by exemption code.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub exemptions: BTreeMap<String, usize>,
    /// The smallest anonymity set of the file's name boxes (see the README's threat model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_anonymity: Option<u64>,
    pub outputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    #[serde(skip)]
    pub boxes: Vec<BoxLog>,
    /// The proposals the officer kept (no box).
    #[serde(skip)]
    pub kept_boxes: Vec<BoxLog>,
    /// Who decided and when (the decisions file's last change), for the log.
    #[serde(skip)]
    pub reviewer: String,
    #[serde(skip)]
    pub decided_at: String,
    /// The hash of the decisions file applied (empty: none), for `--resume`.
    #[serde(skip)]
    pub decisions_hash: String,
    /// Pages read by OCR: their mean word confidence and how many words were unsure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocr: Vec<pipeline::OcrLog>,
    /// Pages part of which was read from the rendered page: why, and how many words OCR read there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub eyes: Vec<crate::read::EyesLog>,
    /// Output pages rendered and read by OCR to be checked by eye.
    #[serde(skip_serializing_if = "crate::batch::is_zero")]
    pub checked_by_eye: usize,
    /// Pages published with text that could not be read, so not checked (`--allow-unreadable`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable_pages: Vec<usize>,
    /// The document has a Part 1 heading or mentions a Part 2, but no Part 2 heading was found.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub part2_heading_missing: bool,
    /// What was mended in a damaged input to read it as viewers do (the file was damaged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<String>,
    #[serde(skip)]
    pub input_hash: String,
    /// Taken over from an earlier run (`--resume`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub tool: &'static str,
    pub version: &'static str,
    pub files: usize,
    pub done: usize,
    pub declined: usize,
    pub failed: usize,
    pub pages: usize,
    /// Boxes drawn (the redactions applied).
    pub redactions: usize,
    /// The rules' proposals, those the officer kept, the redactions the officer added, the proposals
    /// with no decision (redacted), and the redactions applied (= `redactions`).
    pub proposals: usize,
    pub kept: usize,
    pub added: usize,
    pub no_decision: usize,
    pub applied: usize,
    /// Redactions by exemption code, over the batch.
    pub exemptions: BTreeMap<String, usize>,
    /// The smallest anonymity set of any name box in the batch: how many names of the reference lists
    /// would give a box as wide (see the README's threat model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_anonymity: Option<u64>,
    /// Output pages rendered and read by OCR to be checked by eye (`--verify-visual`), over the batch.
    pub checked_by_eye: usize,
    pub results: Vec<FileReport>,
}

/// Whether an input is a plain-text document (`*.txt`), redacted by `text` rather than as a PDF.
pub fn is_text(path: &Path) -> bool {
    InputKind::of(path) == InputKind::Text
}

/// Whether a file given by name is one foiredact reads: `.pdf` or `.txt`, or a PDF by its header.
fn readable_kind(p: &Path) -> bool {
    let ext = p
        .extension()
        .map(|x| x.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("pdf") | Some("txt")) {
        return true;
    }
    use std::io::Read;
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head[..n].windows(5).any(|w| w == b"%PDF-")
}

/// Expands files and folders (recursively, `*.pdf`, and `*.txt` with `text`) into inputs, sorted, each
/// with the path its outputs mirror.
///
/// # Errors
/// An input that does not exist, a file given by name that is neither a PDF nor a `.txt`, nothing to
/// read at all (empty folders, or folders of other files), two inputs that would write the same
/// outputs: exit code 2.
pub fn discover(inputs: &[PathBuf], text: bool) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .follow_links(false)
                .sort_by_file_name()
            {
                let e = e.map_err(|e| {
                    Error::usage(format!("cannot read folder {}: {e}", p.display()))
                })?;
                let is_pdf = e
                    .path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("pdf"))
                    || (text && is_text(e.path()));
                // A link to a file counts (folders of links are how batches are often staged).
                let file = e.file_type().is_file() || (e.path_is_symlink() && e.path().is_file());
                if file && is_pdf {
                    let rel = e.path().strip_prefix(p).unwrap_or(e.path()).to_path_buf();
                    out.push(Input {
                        path: e.path().to_path_buf(),
                        rel,
                    });
                }
            }
        } else if p.is_file() {
            if !readable_kind(p) || (!text && is_text(p)) {
                return Err(Error::usage(format!(
                    "{}: not a PDF{}: foiredact reads PDF files{}",
                    p.display(),
                    if text {
                        " or a plain-text (.txt) file"
                    } else {
                        ""
                    },
                    if text {
                        " and plain-text (.txt) files (UTF-8)"
                    } else {
                        " here"
                    }
                )));
            }
            let rel = PathBuf::from(p.file_name().unwrap_or(p.as_os_str()));
            out.push(Input {
                path: p.clone(),
                rel,
            });
        } else {
            return Err(Error::usage(format!("input not found: {}", p.display())));
        }
    }
    if out.is_empty() {
        let under: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::usage(format!(
            "no PDF{} inputs found under {}: nothing to do",
            if text { " or .txt" } else { "" },
            under.join(", ")
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for i in &out {
        let key = i.rel.with_extension("").to_string_lossy().to_lowercase();
        if !seen.insert(key) {
            return Err(Error::usage(format!(
                "two inputs would write the same outputs: {}",
                i.rel.display()
            )));
        }
    }
    Ok(out)
}

impl FileReport {
    /// A report for `input` before anything is known: done, nothing in it.
    pub fn new(input: &Input) -> FileReport {
        FileReport {
            file: input.rel.to_string_lossy().replace('\\', "/"),
            status: Status::Done,
            pages: 0,
            redactions: 0,
            proposals: 0,
            kept: 0,
            added: 0,
            no_decision: vec![],
            exemptions: BTreeMap::new(),
            min_anonymity: None,
            outputs: vec![],
            reason: None,
            error: None,
            boxes: vec![],
            kept_boxes: vec![],
            reviewer: String::new(),
            decided_at: String::new(),
            decisions_hash: String::new(),
            ocr: vec![],
            eyes: vec![],
            checked_by_eye: 0,
            unreadable_pages: vec![],
            part2_heading_missing: false,
            repairs: vec![],
            input_hash: String::new(),
            resumed: false,
        }
    }
}

/// Processes one input: pipeline, then outputs. Never panics (a panic inside is caught).
pub fn process_one(
    input: &Input,
    cfg: &Config,
    rules: &RuleSet,
    writer: &output::Writer,
    id: usize,
) -> FileReport {
    let paths = OutputPaths::new(&cfg.out, &input.rel);
    let mut rep = FileReport::new(input);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_one(input, cfg, rules, &paths, &mut rep, writer, id)
    }));
    let err = match result {
        Ok(Ok(())) => return rep,
        Ok(Err(e)) => e,
        Err(_) => Error::new(ErrorKind::Internal(
            "the redactor panicked on this file".into(),
        )),
    };
    // Nothing of this file is published: remove what an earlier run (or this one) left.
    if cfg.overwrite {
        output::remove_stale(&paths.all());
    }
    set_error(&mut rep, &err);
    rep
}

/// Marks a report as not done, for `err`.
fn set_error(rep: &mut FileReport, err: &Error) {
    rep.status = match err.kind {
        ErrorKind::Io(_)
        | ErrorKind::Internal(_)
        | ErrorKind::Invariant(_)
        | ErrorKind::Write(_)
        | ErrorKind::Log(_) => Status::Failed,
        _ => Status::Declined,
    };
    rep.error = Some(err.code());
    rep.reason = Some(err.reason());
    rep.outputs.clear();
    rep.boxes.clear();
    rep.kept_boxes.clear();
    rep.redactions = 0;
    rep.proposals = 0;
    rep.kept = 0;
    rep.added = 0;
    rep.no_decision.clear();
    rep.exemptions.clear();
}

/// The officer's decisions for one input, with the hash of the file and when it was last changed (for
/// the audit trail): none without `--decisions`; with a folder of them that has none for this input,
/// no proposal has a decision (hash `none`).
fn decisions_for(
    decisions: Option<&Path>,
    rel: &Path,
    s: &Settings,
) -> Result<Option<(crate::decisions::Decisions, String, String)>> {
    Ok(match decisions_file(decisions, rel) {
        Some(f) => {
            let raw = std::fs::read(&f).map_err(|e| Error::from(e).with_path(&f))?;
            let at = std::fs::metadata(&f)
                .and_then(|m| m.modified())
                .map(rfc3339)
                .unwrap_or_default();
            let d = crate::pdf::marks::read_decisions(&f.display().to_string(), &raw, &s.load)?;
            Some((d, format!("{:016x}", fnv64(&raw)), at))
        }
        None if decisions.is_some() => Some((
            crate::decisions::Decisions::none_for("(no decisions file)"),
            "none".into(),
            String::new(),
        )),
        None => None,
    })
}

/// `--consistent` for `review` and `scan`: pass one run over a batch of more than one file, and its
/// texts set in `s` for pass two.
pub fn consistent_settings(
    on: bool,
    inputs: &[Input],
    rules: &RuleSet,
    s: &mut Settings,
    driver: &crate::driver::Driver,
) -> Result<()> {
    if on && inputs.len() > 1 {
        let texts = batch_texts(inputs, rules, s, None, driver)?;
        s.consistent = Some(std::sync::Arc::new(texts));
    }
    Ok(())
}

/// Pass one of a `--consistent` batch: each input read and its detection decided (with its
/// decisions), and the texts it redacts kept, not the document. A file that cannot be read gives
/// none (pass two declines it again, and it publishes nothing).
pub fn batch_texts(
    inputs: &[Input],
    rules: &RuleSet,
    s: &Settings,
    decisions: Option<&Path>,
    driver: &crate::driver::Driver,
) -> Result<crate::detect::spread::BatchTexts> {
    let found = driver.labelled("reading the batch (pass 1 of 2)").run(
        inputs,
        |_, i| {
            let d = decisions_for(decisions, &i.rel, s)?.map(|(d, ..)| d);
            let bytes = std::fs::read(&i.path).map_err(Error::from)?;
            let mut texts = if is_text(&i.path) {
                crate::text::found(&bytes, rules, d.as_ref())?
            } else {
                pipeline::found(&bytes, rules, s, d.as_ref())?
            };
            for t in &mut texts {
                t.at = format!("{}#{}", i.rel.to_string_lossy(), t.at);
            }
            Ok(crate::detect::spread::FileTexts::new(texts))
        },
        |_, _, _| {},
    )?;
    let files: Vec<crate::detect::spread::FileTexts> =
        found.into_iter().filter_map(|r| r.ok()).collect();
    Ok(crate::detect::spread::BatchTexts::new(rules, &files))
}

fn run_one(
    input: &Input,
    cfg: &Config,
    rules: &RuleSet,
    paths: &OutputPaths,
    rep: &mut FileReport,
    writer: &output::Writer,
    id: usize,
) -> Result<()> {
    // With --resume, outputs that are not current (a changed input, other rules, a half-done file) are
    // redone in place.
    if !cfg.overwrite && !cfg.resume {
        if let Some(p) = paths.all().into_iter().find(|p| p.exists()) {
            return Err(Error::new(ErrorKind::Exists(p.clone())));
        }
    }
    let bytes = std::fs::read(&input.path).map_err(Error::from)?;
    rep.input_hash = format!("{:016x}", fnv64(&bytes));
    let decisions = match decisions_for(cfg.decisions.as_deref(), &input.rel, &cfg.settings)? {
        Some((d, hash, at)) => {
            rep.decisions_hash = hash;
            rep.decided_at = at;
            Some(d)
        }
        None => None,
    };
    rep.reviewer = cfg.reviewer.clone();
    let text = is_text(&input.path);
    let doc = if text {
        crate::text::process(
            &bytes,
            rules,
            cfg.settings.label,
            decisions.as_ref(),
            cfg.settings.consistent.as_deref(),
        )?
    } else {
        pipeline::process_with(&bytes, rules, &cfg.settings, decisions.as_ref())?
    };
    if doc.part2_heading_missing && cfg.settings.require_parts {
        return Err(Error::new(ErrorKind::NoPart2Heading));
    }
    // Rows that followed their proposals to other ids are read where they went.
    let decisions = doc.moved.clone().or(decisions);
    rep.part2_heading_missing = doc.part2_heading_missing;
    rep.pages = doc.pages;
    rep.ocr = doc.ocr.clone();
    rep.eyes = doc.eyes.clone();
    rep.checked_by_eye = doc.checked_by_eye;
    rep.unreadable_pages = doc.unreadable.clone();
    rep.repairs = doc.repairs.clone();
    rep.boxes = doc.boxes;
    rep.redactions = rep.boxes.len();
    rep.proposals = doc.proposals.len();
    rep.kept_boxes = doc.kept;
    rep.kept = rep.kept_boxes.len();
    // What was decided for each box, with the officer's note.
    let proposed: std::collections::HashSet<&str> =
        doc.proposals.iter().map(|p| p.id.as_str()).collect();
    for b in rep.boxes.iter_mut() {
        let (decision, note) = match &decisions {
            None => ("redact", ""),
            Some(d) => match (d.added_row(&b.id), d.row(&b.id)) {
                (Some(a), _) => ("added", a.note.as_str()),
                (None, Some(r)) => ("redact", r.note.as_str()),
                (None, None) if proposed.contains(b.id.as_str()) => ("no decision", ""),
                // An area OCR of the output read again: the rules' own.
                (None, None) => ("redact", ""),
            },
        };
        b.decision = decision.into();
        b.note = note.into();
    }
    if let Some(d) = &decisions {
        for k in rep.kept_boxes.iter_mut() {
            k.note = d.row(&k.id).map(|r| r.note.clone()).unwrap_or_default();
        }
        rep.no_decision = doc
            .proposals
            .iter()
            .filter(|p| d.row(&p.id).is_none())
            .map(|p| p.id.clone())
            .collect();
    }
    rep.added = rep.boxes.iter().filter(|b| b.decision == "added").count();
    // The files go to the writer thread (parts first, the log last); a write that fails there turns
    // this report into a failure when the batch ends.
    let log = file_log(rep, &doc.parts, cfg, text);
    let mut files: Vec<(PathBuf, Vec<u8>)> = doc
        .parts
        .into_iter()
        .map(|p| {
            Part::try_from(p.part)
                .map(|n| (paths.part(n).clone(), p.bytes))
                .map_err(|n| Error::invariant(format!("the plan made a part numbered {n}")))
        })
        .collect::<Result<_>>()?;
    files.push((paths.log.clone(), log));
    let written: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let stale: Vec<PathBuf> = if cfg.overwrite || cfg.resume {
        [&paths.part1, &paths.part2]
            .into_iter()
            .filter(|p| !written.contains(p))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    crate::profile::time(crate::profile::Stage::Write, || {
        writer.send(output::Group {
            id,
            files,
            overwrite: cfg.overwrite || cfg.resume,
            stale,
        })
    })?;
    rep.outputs = written
        .iter()
        .map(|p| {
            p.strip_prefix(&cfg.out)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    Ok(())
}

fn file_log(rep: &FileReport, parts: &[pipeline::PartOutput], cfg: &Config, text: bool) -> Vec<u8> {
    FileLog {
        file: rep.file.clone(),
        pages: rep.pages,
        input_hash: rep.input_hash.clone(),
        run_key: cfg.run_key.clone(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        parts: parts
            .iter()
            .map(|p| PartLog {
                part: p.part,
                pages: p.pages.clone(),
            })
            .collect(),
        reviewer: rep.reviewer.clone(),
        decided_at: rep.decided_at.clone(),
        decisions_hash: rep.decisions_hash.clone(),
        proposals: rep.proposals,
        kept: rep
            .kept_boxes
            .iter()
            .map(|b| LoggedBox::new(b, false))
            .collect(),
        added: rep.added,
        no_decision: rep.no_decision.clone(),
        redactions: rep
            .boxes
            .iter()
            .map(|b| LoggedBox::new(b, cfg.log_text))
            .collect(),
        // A plain-text input's parts are `.txt` files, its boxes lines rather than rectangles.
        format: text.then(|| "text".into()),
    }
    .to_bytes()
}

/// Reads a per-input log.
fn read_log(path: &Path) -> Result<FileLog> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).with_path(path))?;
    FileLog::from_bytes(&bytes).map_err(|e| Error::log(format!("{}: {e}", path.display())))
}

/// An earlier run's outputs for this input, if complete and current: its log names the same input
/// hash, run key and version, and every part it lists exists.
fn resumed(input: &Input, cfg: &Config) -> Option<FileReport> {
    let paths = OutputPaths::new(&cfg.out, &input.rel);
    let log = read_log(&paths.log).ok()?;
    let bytes = std::fs::read(&input.path).ok()?;
    let hash = format!("{:016x}", fnv64(&bytes));
    // The decisions applied must be the same file contents (edited decisions are applied again),
    // and the reviewer the same.
    let decisions_hash = match decisions_file(cfg.decisions.as_deref(), &input.rel) {
        Some(f) => format!("{:016x}", fnv64(&std::fs::read(f).ok()?)),
        None if cfg.decisions.is_some() => "none".into(),
        None => String::new(),
    };
    if log.input_hash != hash
        || log.run_key != cfg.run_key
        || log.tool_version != env!("CARGO_PKG_VERSION")
        || log.decisions_hash != decisions_hash
        || log.reviewer != cfg.reviewer
    {
        return None;
    }
    let relative = |p: &Path| {
        p.strip_prefix(&cfg.out)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut outputs = Vec::new();
    for p in &log.parts {
        let path = paths.part(Part::try_from(p.part).ok()?);
        if !path.exists() {
            return None;
        }
        outputs.push(relative(path));
    }
    outputs.push(relative(&paths.log));
    let boxes = log.boxes();
    let kept_boxes = log.kept_boxes();
    Some(FileReport {
        pages: log.pages,
        redactions: boxes.len(),
        proposals: log.proposals,
        kept: kept_boxes.len(),
        added: log.added,
        no_decision: log.no_decision,
        outputs,
        boxes,
        kept_boxes,
        reviewer: cfg.reviewer.clone(),
        decided_at: log.decided_at,
        decisions_hash,
        input_hash: hash,
        resumed: true,
        ..FileReport::new(input)
    })
}

/// The names of the batch files: one set per shard, so that shards can share an output tree.
fn batch_file(cfg: &Config, stem: &str, ext: &str) -> PathBuf {
    match shard_tag(cfg) {
        Some(t) => cfg.out.join(format!("{stem}.{t}.{ext}")),
        None => cfg.out.join(format!("{stem}.{ext}")),
    }
}

/// `shard-K-of-N` for a shard: in its batch logs' names and its temporary files' (shards running at
/// once into one output tree each clean up only their own).
fn shard_tag(cfg: &Config) -> Option<String> {
    cfg.shard.map(|(k, n)| format!("shard-{k}-of-{n}"))
}

pub fn run(cfg: &Config, rules: &RuleSet) -> Result<(Summary, u8)> {
    let mut inputs = discover(&cfg.inputs, true)?;
    // Pass one of --consistent reads the whole batch, whatever the shard or the selection (the
    // documents reviewed in the browser): a name redacted in a file of one shard is redacted in a
    // file of another, and every shard's outputs are a single run's.
    let batch_len = inputs.len();
    let whole = (cfg.consistent && batch_len > 1 && (cfg.shard.is_some() || cfg.select.is_some()))
        .then(|| inputs.clone());
    if let Some((k, n)) = cfg.shard {
        inputs.retain(|i| in_shard(&i.rel, k, n));
    }
    if let Some(only) = &cfg.select {
        inputs.retain(|i| only.contains(&i.rel));
    }
    let logs = [
        batch_file(cfg, "redactions", "csv"),
        batch_file(cfg, "manifest", "jsonl"),
        batch_file(cfg, "summary", "json"),
    ];
    // A run that would overwrite stops before it writes anything: the earlier run's outputs and the
    // logs that describe them stay together.
    if !cfg.overwrite && !cfg.resume {
        let clash = inputs
            .iter()
            .find_map(|i| {
                OutputPaths::new(&cfg.out, &i.rel)
                    .all()
                    .into_iter()
                    .find(|p| p.exists())
                    .cloned()
            })
            .or_else(|| logs.iter().find(|p| p.exists()).cloned());
        if let Some(p) = clash {
            return Err(Error::usage(format!(
                "output exists: {} (nothing was written: --overwrite replaces the earlier run's outputs, --resume redoes only what changed)",
                p.display()
            )));
        }
    }
    if cfg.out.exists() {
        output::remove_temp_files(&cfg.out, shard_tag(cfg).as_deref());
        // The batch logs are replaced whole at the end; until then there are none, so that a run
        // stopped half way leaves no logs describing outputs it has replaced.
        output::remove_stale(&logs.iter().collect::<Vec<_>>());
    }
    let driver = crate::driver::Driver {
        jobs: cfg.jobs,
        progress: cfg.progress,
        label: "",
    };
    // --consistent: pass one reads the batch for the texts it redacts; pass two redacts each file
    // with them. Outputs made with other texts of the batch are not current (--resume).
    let with_texts;
    let cfg = if cfg.consistent && batch_len > 1 {
        let texts = batch_texts(
            whole.as_deref().unwrap_or(&inputs),
            rules,
            &cfg.settings,
            cfg.decisions.as_deref(),
            &driver,
        )?;
        let mut c = cfg.clone();
        c.run_key = format!("{}{:016x}", cfg.run_key, texts.key);
        c.settings.consistent = Some(std::sync::Arc::new(texts));
        with_texts = c;
        &with_texts
    } else {
        cfg
    };
    let writer = output::Writer::new(2 * cfg.jobs.max(1), shard_tag(cfg));
    let driver = if cfg.settings.consistent.is_some() {
        driver.labelled("redacting (pass 2 of 2)")
    } else {
        driver
    };
    let ran = driver.run(
        &inputs,
        |id, i| {
            let mut r = cfg
                .resume
                .then(|| resumed(i, cfg))
                .flatten()
                .unwrap_or_else(|| process_one(i, cfg, rules, &writer, id));
            // Memory stays flat over a long batch: a done file's boxes are read back from its own
            // log when the schedule is written.
            for b in &r.boxes {
                *r.exemptions.entry(b.why.exemption.clone()).or_default() += 1;
            }
            r.min_anonymity = r.boxes.iter().filter_map(|b| b.anonymity).min();
            r.boxes = Vec::new();
            r.kept_boxes = Vec::new();
            Ok(r)
        },
        |i, r, bar| {
            if let Ok(r) = r {
                report_warnings(i, r, cfg, bar);
            }
        },
    )?;
    let mut results: Vec<FileReport> = ran
        .into_iter()
        .zip(&inputs)
        .map(|(r, i)| {
            r.unwrap_or_else(|e| {
                let mut rep = FileReport::new(i);
                set_error(&mut rep, &e);
                rep
            })
        })
        .collect();
    // Files whose outputs could not be written fail now (nothing of them is left on disk).
    for (id, e) in writer.finish() {
        let hit: Vec<&mut FileReport> = if id == usize::MAX {
            results
                .iter_mut()
                .filter(|r| r.status == Status::Done)
                .collect()
        } else {
            results.get_mut(id).into_iter().collect()
        };
        for r in hit {
            eprintln!("failed: {}: {}", r.file, e.reason());
            // (A group that failed removed its own files; when the writer itself stopped, whatever
            // it wrote of the files it reports goes here, so that no failed file leaves an output.)
            if id == usize::MAX {
                let paths: Vec<PathBuf> = r.outputs.iter().map(|o| cfg.out.join(o)).collect();
                output::remove_stale(&paths.iter().collect::<Vec<_>>());
            }
            set_error(r, &e);
        }
    }
    results.sort_by(|a, b| a.file.cmp(&b.file));
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::from(e).with_path(&cfg.out))?;
    let tag = shard_tag(cfg);
    output::write_atomic_with(
        &batch_file(cfg, "redactions", "csv"),
        true,
        tag.as_deref(),
        |w| schedule_csv(w, &results, cfg, &rules.exemptions),
    )?;
    let mut manifest = String::new();
    for r in &results {
        let line = serde_json::json!({"file": r.file, "input_hash": r.input_hash, "run_key": cfg.run_key, "tool_version": env!("CARGO_PKG_VERSION"), "status": r.status});
        manifest.push_str(&line.to_string());
        manifest.push('\n');
    }
    output::write_atomic_tagged(
        &batch_file(cfg, "manifest", "jsonl"),
        manifest.as_bytes(),
        true,
        tag.as_deref(),
    )?;
    let summary = Summary {
        tool: "foiredact",
        version: env!("CARGO_PKG_VERSION"),
        files: results.len(),
        done: results.iter().filter(|r| r.status == Status::Done).count(),
        declined: results
            .iter()
            .filter(|r| r.status == Status::Declined)
            .count(),
        failed: results
            .iter()
            .filter(|r| r.status == Status::Failed)
            .count(),
        pages: results.iter().map(|r| r.pages).sum(),
        redactions: results.iter().map(|r| r.redactions).sum(),
        proposals: results.iter().map(|r| r.proposals).sum(),
        kept: results.iter().map(|r| r.kept).sum(),
        added: results.iter().map(|r| r.added).sum(),
        no_decision: results.iter().map(|r| r.no_decision.len()).sum(),
        applied: results.iter().map(|r| r.redactions).sum(),
        min_anonymity: results.iter().filter_map(|r| r.min_anonymity).min(),
        checked_by_eye: results.iter().map(|r| r.checked_by_eye).sum(),
        exemptions: results.iter().flat_map(|r| &r.exemptions).fold(
            BTreeMap::new(),
            |mut m, (k, v)| {
                *m.entry(k.clone()).or_default() += v;
                m
            },
        ),
        results,
    };
    let mut js = serde_json::to_vec_pretty(&summary).map_err(|e| Error::usage(e.to_string()))?;
    js.push(b'\n');
    output::write_atomic_tagged(
        &batch_file(cfg, "summary", "json"),
        &js,
        true,
        tag.as_deref(),
    )?;
    let code = if summary.done == summary.files {
        exit::OK
    } else {
        exit::SOME_FAILED
    };
    Ok((summary, code))
}

/// Says on stderr (above the progress bar) why a file was not done, and what the officer must
/// look at in a done one.
fn report_warnings(i: &Input, r: &FileReport, cfg: &Config, bar: &crate::driver::Progress) {
    if let Some(reason) = &r.reason {
        bar.say(&format!("{}: {}: {}", r.status, i.path.display(), reason));
    }
    if r.part2_heading_missing {
        bar.say(&format!(
            "warning: {}: a Part 1 heading or a mention of Part 2, but no Part 2 heading: \
             everything went to Part 1; check where Part 2 starts (--require-parts declines such files)",
            i.path.display()
        ));
    }
    if !r.no_decision.is_empty() {
        let ids = if r.no_decision.len() > 8 {
            format!("{}, ...", r.no_decision[..8].join(", "))
        } else {
            r.no_decision.join(", ")
        };
        bar.say(&format!(
            "warning: {}: {} proposed redactions have no decision ({}): redacted; see summary.json",
            i.path.display(),
            r.no_decision.len(),
            if r.decisions_hash == "none" {
                format!(
                    "no decisions file for it in {}",
                    cfg.decisions.as_deref().unwrap_or(Path::new("")).display()
                )
            } else {
                format!("no row for {ids}")
            }
        ));
    }
    if !r.unreadable_pages.is_empty() {
        bar.say(&format!(
            "warning: {}: pages {:?} hold text that could not be read and was not checked (--allow-unreadable)",
            i.path.display(),
            r.unreadable_pages
        ));
    }
}

/// The share of a shard's batch log from its name (`summary.shard-2-of-3.json` -> `(2, 3)`).
fn shard_of_log(name: &str) -> Option<(u64, u64)> {
    let rest = name.split_once(".shard-")?.1;
    let (k, rest) = rest.split_once("-of-")?;
    let n = rest.split_once('.')?.0;
    Some((k.parse().ok()?, n.parse().ok()?))
}

/// The batch logs to merge in one folder: every shard's (all shares of one split, each with its
/// summary and schedule, else an error naming what is missing), and then not the folder's plain
/// `summary.json` and `redactions.csv` (an earlier merge's, which would count every file twice);
/// without shards, the plain ones.
fn logs_to_merge(d: &Path) -> Result<Vec<PathBuf>> {
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(d)
        .map_err(|e| Error::usage(format!("cannot read {}: {e}", d.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), p)))
        .filter(|(n, _)| {
            (n.starts_with("summary") && n.ends_with(".json"))
                || (n.starts_with("redactions") && n.ends_with(".csv"))
        })
        .collect();
    names.sort();
    let shards: Vec<(u64, u64)> = names.iter().filter_map(|(n, _)| shard_of_log(n)).collect();
    if shards.is_empty() {
        return Ok(names.into_iter().map(|(_, p)| p).collect());
    }
    let splits: std::collections::BTreeSet<u64> = shards.iter().map(|(_, n)| *n).collect();
    if splits.len() > 1 {
        return Err(Error::usage(format!(
            "{}: logs of shards of different splits (of {}): remove the stale ones, then merge again",
            d.display(),
            splits.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        )));
    }
    let n = shards[0].1;
    let missing: Vec<String> = (1..=n)
        .flat_map(|k| {
            [("summary", "json"), ("redactions", "csv")]
                .into_iter()
                .map(move |(stem, ext)| format!("{stem}.shard-{k}-of-{n}.{ext}"))
        })
        .filter(|want| !names.iter().any(|(have, _)| have == want))
        .collect();
    if !missing.is_empty() {
        return Err(Error::usage(format!(
            "{}: shards' logs missing: {} (a shard not run, still running, or failed before it \
             wrote its logs): nothing merged",
            d.display(),
            missing.join(", ")
        )));
    }
    Ok(names
        .into_iter()
        .filter(|(n, _)| shard_of_log(n).is_some())
        .map(|(_, p)| p)
        .collect())
}

/// Merges the batch logs (`summary*.json`, `redactions*.csv`) of several output folders (shards run
/// on several machines, or into one tree) into `out`, which may be one of them: merging again gives
/// the same logs.
pub fn merge_logs(dirs: &[PathBuf], out: &Path) -> Result<Summary> {
    let mut results: Vec<serde_json::Value> = Vec::new();
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    for d in dirs {
        for p in logs_to_merge(d)? {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if n.starts_with("summary") && n.ends_with(".json") {
                let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p)?)
                    .map_err(|e| Error::usage(format!("{}: {e}", p.display())))?;
                results.extend(v["results"].as_array().cloned().unwrap_or_default());
            } else if n.starts_with("redactions") && n.ends_with(".csv") {
                let mut r = csv::Reader::from_path(&p)
                    .map_err(|e| Error::usage(format!("{}: {e}", p.display())))?;
                let h = r
                    .headers()
                    .map_err(|e| Error::usage(e.to_string()))?
                    .clone();
                if header.as_ref().is_some_and(|x| *x != h) {
                    return Err(Error::usage(format!(
                        "{}: its columns differ from the other schedules'",
                        p.display()
                    )));
                }
                header = Some(h);
                for rec in r.records() {
                    rows.push(rec.map_err(|e| Error::usage(e.to_string()))?);
                }
            }
        }
    }
    results.sort_by(|a, b| a["file"].as_str().cmp(&b["file"].as_str()));
    results.dedup_by(|a, b| a["file"] == b["file"]);
    // By file, keeping each file's rows in their own order (a stable sort): as one run writes them.
    rows.sort_by(|a, b| a.get(0).cmp(&b.get(0)));
    std::fs::create_dir_all(out)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    if let Some(h) = &header {
        w.write_record(h)
            .map_err(|e| Error::new(ErrorKind::Io(e.to_string())))?;
    }
    for r in &rows {
        w.write_record(r)
            .map_err(|e| Error::new(ErrorKind::Io(e.to_string())))?;
    }
    output::write_atomic(
        &out.join("redactions.csv"),
        &w.into_inner()
            .map_err(|e| Error::new(ErrorKind::Io(e.to_string())))?,
        true,
    )?;
    let count = |s: &str| results.iter().filter(|r| r["status"] == s).count();
    let sum = |k: &str| results.iter().filter_map(|r| r[k].as_u64()).sum::<u64>() as usize;
    let summary = Summary {
        tool: "foiredact",
        version: env!("CARGO_PKG_VERSION"),
        files: results.len(),
        done: count("done"),
        declined: count("declined"),
        failed: count("failed"),
        pages: results
            .iter()
            .filter_map(|r| r["pages"].as_u64())
            .sum::<u64>() as usize,
        redactions: sum("redactions"),
        proposals: sum("proposals"),
        kept: sum("kept"),
        added: sum("added"),
        no_decision: results
            .iter()
            .filter_map(|r| r["no_decision"].as_array())
            .map(Vec::len)
            .sum(),
        applied: sum("redactions"),
        exemptions: results
            .iter()
            .filter_map(|r| r["exemptions"].as_object())
            .flatten()
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                *m.entry(k.clone()).or_default() += v.as_u64().unwrap_or(0) as usize;
                m
            }),
        min_anonymity: results
            .iter()
            .filter_map(|r| r["min_anonymity"].as_u64())
            .min(),
        checked_by_eye: sum("checked_by_eye"),
        results: Vec::new(),
    };
    let mut v = serde_json::to_value(&summary).map_err(|e| Error::usage(e.to_string()))?;
    v["results"] = serde_json::Value::Array(results);
    let mut js = serde_json::to_vec_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    js.push(b'\n');
    output::write_atomic(&out.join("summary.json"), &js, true)?;
    Ok(summary)
}

/// The schedule: one row per box, by file, then one per proposal the officer kept (no box, no text).
/// `decision` is `redact` for a rule's proposal, `no decision` for one the decisions file has no row
/// for (redacted), `added` for the officer's own rows (`text=`, `rect=`) and `keep`;
/// `exemption_title` comes from the exemptions table; `line` is a text input's line; `note`,
/// `reviewer` and `decided_at` record the officer's decision.
fn schedule_csv(
    out: &mut dyn std::io::Write,
    results: &[FileReport],
    cfg: &Config,
    exemptions: &[(String, String)],
) -> Result<()> {
    let log_text = cfg.log_text;
    // The header is written here (with `text` only under --log-text), not from the row's fields.
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    let io = |e: csv::Error| Error::new(ErrorKind::Io(e.to_string()));
    w.write_record(crate::formats::schedule_header(log_text))
        .map_err(io)?;
    for r in results.iter().filter(|r| r.status == Status::Done) {
        let log_path = cfg.out.join(
            r.outputs
                .iter()
                .find(|o| o.ends_with(crate::formats::LOG_SUFFIX))
                .ok_or_else(|| Error::log("a done file has no log"))?,
        );
        let log = read_log(&log_path)?;
        // Every box, then every proposal the officer kept (no box, no text).
        for b in log.boxes().iter().chain(&log.kept_boxes()) {
            let title = exemptions
                .iter()
                .find(|(c, _)| *c == b.why.exemption)
                .map_or_else(String::new, |(_, l)| l.clone());
            w.serialize(ScheduleRow::of_box(&r.file, b, title, &log, log_text))
                .map_err(io)?;
        }
    }
    w.flush()
        .map_err(|e| Error::new(ErrorKind::Io(e.to_string())))
}

/// `--out` must be a folder (or not exist yet), and neither an input folder nor inside one (the next
/// run would read its own outputs as inputs).
pub fn check_out(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::usage(format!(
            "--out is not a folder: {}",
            out.display()
        )));
    }
    let resolved_out = resolved(out)?;
    for i in inputs.iter().filter(|i| i.is_dir()) {
        if resolved_out.starts_with(i.canonicalize()?) {
            return Err(Error::usage(format!(
                "--out {} is inside the input folder {}: the next run would read its outputs as inputs; put it elsewhere",
                out.display(),
                i.display()
            )));
        }
    }
    Ok(())
}

/// For `skip_serializing_if`: a count of zero is left out of the logs.
pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        let at = |s: u64| rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn out_paths_resolve_through_dotdot() {
        let d = tempfile::tempdir().expect("tempdir");
        let base = d.path().canonicalize().expect("canonical");
        assert_eq!(
            resolved(&d.path().join("a/../b/c")).expect("resolves"),
            base.join("b/c")
        );
        std::fs::create_dir(d.path().join("in")).expect("mkdir");
        let e =
            check_out(&d.path().join("in/x/../out"), &[d.path().join("in")]).expect_err("inside");
        assert!(e.to_string().contains("inside the input folder"), "{e}");
        check_out(&d.path().join("out"), &[d.path().join("in")]).expect("beside");
    }
}
