//! Batch driver: finds the inputs, runs the pipeline on each in parallel (rayon), writes outputs through
//! `output`, and the batch logs (`redactions.csv`, `summary.json`). No PDF knowledge. One file's failure
//! (even a panic) never stops the batch; it sets the exit code.

use crate::error::{exit, Error, ErrorKind, Result};
use crate::output::{self, OutputPaths};
use crate::pipeline::{self, BoxLog, Settings};
use crate::rules::RuleSet;
use rayon::prelude::*;
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
}

/// FNV-1a, 64 bits: a stable, fast, non-cryptographic hash for shards and resume checks.
pub fn fnv64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

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
    pub status: &'static str,
    pub pages: usize,
    pub redactions: usize,
    /// Redactions by exemption code.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub exemptions: BTreeMap<String, usize>,
    pub outputs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    #[serde(skip)]
    pub boxes: Vec<BoxLog>,
    /// Pages read by OCR: their mean word confidence and how many words were unsure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocr: Vec<pipeline::OcrLog>,
    /// Pages published with text that could not be read, so not checked (`--allow-unreadable`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable_pages: Vec<usize>,
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
    pub redactions: usize,
    /// Redactions by exemption code, over the batch.
    pub exemptions: BTreeMap<String, usize>,
    pub results: Vec<FileReport>,
}

/// Whether an input is a plain-text document (`*.txt`), redacted by `text` rather than as a PDF.
pub fn is_text(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("txt"))
}

/// Expands files and folders (recursively, `*.pdf`, and `*.txt` with `text`) into inputs, sorted, each
/// with the path its outputs mirror.
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
            let rel = PathBuf::from(p.file_name().unwrap_or(p.as_os_str()));
            out.push(Input {
                path: p.clone(),
                rel,
            });
        } else {
            return Err(Error::usage(format!("input not found: {}", p.display())));
        }
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

/// The decisions file for an input (its path relative to the folder given): `--decisions` itself when
/// it names a file, else `<dir>/<rel's folder>/<stem>.decisions.csv` if that exists.
pub fn decisions_file(decisions: Option<&Path>, rel: &Path) -> Option<PathBuf> {
    match decisions {
        Some(p) if p.is_dir() => {
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let f = p
                .join(rel.parent().unwrap_or(Path::new("")))
                .join(format!("{stem}.decisions.csv"));
            f.exists().then_some(f)
        }
        other => other.map(Path::to_path_buf),
    }
}

/// Reads a decisions file; an error names it.
pub fn read_decisions(f: &Path) -> Result<crate::decisions::Decisions> {
    crate::decisions::parse(
        &f.display().to_string(),
        &std::fs::read(f).map_err(|e| Error::from(e).with_path(f))?,
    )
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
    let mut rep = FileReport {
        file: input.rel.to_string_lossy().replace('\\', "/"),
        status: "done",
        pages: 0,
        redactions: 0,
        exemptions: BTreeMap::new(),
        outputs: vec![],
        reason: None,
        error: None,
        boxes: vec![],
        ocr: vec![],
        unreadable_pages: vec![],
        repairs: vec![],
        input_hash: String::new(),
        resumed: false,
    };
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
        ErrorKind::Io(_) | ErrorKind::Internal(_) => "failed",
        _ => "declined",
    };
    rep.error = Some(err.code());
    rep.reason = Some(err.reason());
    rep.outputs.clear();
    rep.boxes.clear();
    rep.redactions = 0;
    rep.exemptions.clear();
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
    let decisions = decisions_file(cfg.decisions.as_deref(), &input.rel);
    let decisions = match decisions {
        Some(f) => Some(read_decisions(&f)?),
        None => None,
    };
    let text = is_text(&input.path);
    let doc = if text {
        crate::text::process(&bytes, rules, cfg.settings.label, decisions.as_ref())?
    } else {
        pipeline::process_with(&bytes, rules, &cfg.settings, decisions.as_ref())?
    };
    rep.pages = doc.pages;
    rep.ocr = doc.ocr.clone();
    rep.unreadable_pages = doc.unreadable.clone();
    rep.repairs = doc.repairs.clone();
    rep.boxes = doc.boxes;
    rep.redactions = rep.boxes.len();
    // The files go to the writer thread (parts first, the log last); a write that fails there turns
    // this report into a failure when the batch ends.
    let log = file_log(rep, &doc.parts, cfg, text);
    let mut files: Vec<(PathBuf, Vec<u8>)> = doc
        .parts
        .into_iter()
        .map(|p| (paths.part(p.part).clone(), p.bytes))
        .collect();
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

#[derive(Serialize)]
struct LogBox<'a> {
    #[serde(flatten)]
    b: &'a BoxLog,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

fn file_log(rep: &FileReport, parts: &[pipeline::PartOutput], cfg: &Config, text: bool) -> Vec<u8> {
    let log_text = cfg.log_text;
    let parts_json: Vec<serde_json::Value> = parts
        .iter()
        .map(|p| serde_json::json!({"part": p.part, "pages": p.pages}))
        .collect();
    let boxes: Vec<LogBox<'_>> = rep
        .boxes
        .iter()
        .map(|b| LogBox {
            b,
            text: log_text.then(|| b.text.expose().as_str()),
        })
        .collect();
    let mut v = serde_json::json!({
        "file": rep.file,
        "pages": rep.pages,
        "input_hash": rep.input_hash,
        "run_key": cfg.run_key,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "parts": parts_json,
        "redactions": boxes,
    });
    // A plain-text input's parts are `.txt` files, its boxes lines rather than rectangles.
    if text {
        v["format"] = "text".into();
    }
    let mut s = serde_json::to_vec_pretty(&v).unwrap_or_default();
    s.push(b'\n');
    s
}

/// Runs a whole batch; returns the summary and the exit code.
/// The redaction boxes a per-file log (`<stem>.redactions.json`) records.
fn logged_boxes(log: &serde_json::Value) -> Option<Vec<BoxLog>> {
    #[derive(serde::Deserialize)]
    struct Logged {
        #[serde(flatten)]
        b: BoxLog,
        text: Option<String>,
    }
    Some(
        serde_json::from_value::<Vec<Logged>>(log["redactions"].clone())
            .ok()?
            .into_iter()
            .map(|l| BoxLog {
                text: crate::error::Sensitive::new(l.text.unwrap_or_default()),
                ..l.b
            })
            .collect(),
    )
}

/// An earlier run's outputs for this input, if complete and current: its log names the same input
/// hash, run key and version, and every part it lists exists.
fn resumed(input: &Input, cfg: &Config) -> Option<FileReport> {
    let paths = OutputPaths::new(&cfg.out, &input.rel);
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&paths.log).ok()?).ok()?;
    let bytes = std::fs::read(&input.path).ok()?;
    let hash = format!("{:016x}", fnv64(&bytes));
    if log["input_hash"] != hash.as_str()
        || log["run_key"] != cfg.run_key.as_str()
        || log["tool_version"] != env!("CARGO_PKG_VERSION")
    {
        return None;
    }
    let mut outputs = Vec::new();
    for p in log["parts"].as_array()? {
        let path = paths.part(p["part"].as_u64()? as u8);
        if !path.exists() {
            return None;
        }
        outputs.push(
            path.strip_prefix(&cfg.out)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/"),
        );
    }
    outputs.push(
        paths
            .log
            .strip_prefix(&cfg.out)
            .unwrap_or(&paths.log)
            .to_string_lossy()
            .replace('\\', "/"),
    );
    let boxes = logged_boxes(&log)?;
    Some(FileReport {
        file: input.rel.to_string_lossy().replace('\\', "/"),
        status: "done",
        pages: log["pages"].as_u64()? as usize,
        redactions: boxes.len(),
        exemptions: BTreeMap::new(),
        outputs,
        reason: None,
        error: None,
        boxes,
        ocr: vec![],
        unreadable_pages: vec![],
        repairs: vec![],
        input_hash: hash,
        resumed: true,
    })
}

/// Removes temporary files a killed run left in the output tree.
fn clean_temp_files(out: &Path) {
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let n = e.file_name().to_string_lossy();
        if e.file_type().is_file() && n.starts_with(".foiredact-") && n.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The names of the batch files: one set per shard, so that shards can share an output tree.
fn batch_file(cfg: &Config, stem: &str, ext: &str) -> PathBuf {
    match cfg.shard {
        Some((k, n)) => cfg.out.join(format!("{stem}.shard-{k}-of-{n}.{ext}")),
        None => cfg.out.join(format!("{stem}.{ext}")),
    }
}

pub fn run(cfg: &Config, rules: &RuleSet) -> Result<(Summary, u8)> {
    let mut inputs = discover(&cfg.inputs, true)?;
    if let Some((k, n)) = cfg.shard {
        inputs.retain(|i| in_shard(&i.rel, k, n));
    }
    if cfg.out.exists() {
        clean_temp_files(&cfg.out);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs.max(1))
        .build()
        .map_err(|e| Error::usage(e.to_string()))?;
    let bar = if cfg.progress && inputs.len() > 1 {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files  {elapsed_precise} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let writer = output::Writer::new(2 * cfg.jobs.max(1));
    let mut results: Vec<FileReport> = pool.install(|| {
        inputs
            .par_iter()
            // One file per job: a worker that runs out steals single files, so both end together (in
            // halves, one worker sat idle while the other finished its last several files).
            .with_max_len(1)
            .enumerate()
            .map(|(id, i)| {
                let r = cfg
                    .resume
                    .then(|| resumed(i, cfg))
                    .flatten()
                    .unwrap_or_else(|| process_one(i, cfg, rules, &writer, id));
                if let Some(reason) = &r.reason {
                    bar.suspend(|| eprintln!("{}: {}: {}", r.status, i.path.display(), reason));
                }
                if !r.unreadable_pages.is_empty() {
                    bar.suspend(|| {
                        eprintln!(
                            "warning: {}: pages {:?} hold text that could not be read and was not checked (--allow-unreadable)",
                            i.path.display(),
                            r.unreadable_pages
                        )
                    });
                }
                // Memory stays flat over a long batch: a done file's boxes are read back from its own
                // log when the schedule is written.
                let mut r = r;
                for b in &r.boxes {
                    *r.exemptions.entry(b.exemption.clone()).or_default() += 1;
                }
                r.boxes = Vec::new();
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    // Files whose outputs could not be written fail now (nothing of them is left on disk).
    for (id, e) in writer.finish() {
        let hit: Vec<&mut FileReport> = if id == usize::MAX {
            results.iter_mut().filter(|r| r.status == "done").collect()
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
    output::write_atomic_with(&batch_file(cfg, "redactions", "csv"), true, |w| {
        schedule_csv(w, &results, cfg, &rules.exemptions)
    })?;
    let mut manifest = String::new();
    for r in &results {
        let line = serde_json::json!({"file": r.file, "input_hash": r.input_hash, "run_key": cfg.run_key, "tool_version": env!("CARGO_PKG_VERSION"), "status": r.status});
        manifest.push_str(&line.to_string());
        manifest.push('\n');
    }
    output::write_atomic(
        &batch_file(cfg, "manifest", "jsonl"),
        manifest.as_bytes(),
        true,
    )?;
    let summary = Summary {
        tool: "foiredact",
        version: env!("CARGO_PKG_VERSION"),
        files: results.len(),
        done: results.iter().filter(|r| r.status == "done").count(),
        declined: results.iter().filter(|r| r.status == "declined").count(),
        failed: results.iter().filter(|r| r.status == "failed").count(),
        pages: results.iter().map(|r| r.pages).sum(),
        redactions: results.iter().map(|r| r.redactions).sum(),
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
    output::write_atomic(&batch_file(cfg, "summary", "json"), &js, true)?;
    let code = if summary.done == summary.files {
        exit::OK
    } else {
        exit::SOME_FAILED
    };
    Ok((summary, code))
}

/// Merges the batch logs (`summary*.json`, `redactions*.csv`) of several output folders (shards run
/// on several machines, or into one tree) into `out`.
pub fn merge_logs(dirs: &[PathBuf], out: &Path) -> Result<Summary> {
    let mut results: Vec<serde_json::Value> = Vec::new();
    let mut header: Option<csv::StringRecord> = None;
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    for d in dirs {
        let mut names: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", d.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        for p in names {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if n.starts_with("summary") && n.ends_with(".json") && p.parent() != Some(out) {
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
        redactions: results
            .iter()
            .filter_map(|r| r["redactions"].as_u64())
            .sum::<u64>() as usize,
        exemptions: results
            .iter()
            .filter_map(|r| r["exemptions"].as_object())
            .flatten()
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                *m.entry(k.clone()).or_default() += v.as_u64().unwrap_or(0) as usize;
                m
            }),
        results: Vec::new(),
    };
    let mut v = serde_json::to_value(&summary).map_err(|e| Error::usage(e.to_string()))?;
    v["results"] = serde_json::Value::Array(results);
    let mut js = serde_json::to_vec_pretty(&v).map_err(|e| Error::usage(e.to_string()))?;
    js.push(b'\n');
    output::write_atomic(&out.join("summary.json"), &js, true)?;
    Ok(summary)
}

/// The schedule: one row per box, by file. `decision` is `redact` for a rule's proposal and `added` for
/// the officer's own rows (`text=`, `rect=`); `exemption_title` comes from the exemptions table.
fn schedule_csv(
    out: &mut dyn std::io::Write,
    results: &[FileReport],
    cfg: &Config,
    exemptions: &[(String, String)],
) -> Result<()> {
    let log_text = cfg.log_text;
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "file",
        "part",
        "page",
        "x0",
        "y0",
        "x1",
        "y1",
        "rule",
        "category",
        "exemption",
        "part_page",
        "id",
        "exemption_title",
        "decision",
    ];
    if log_text {
        header.push("text");
    }
    let io = |e: csv::Error| Error::new(ErrorKind::Io(e.to_string()));
    w.write_record(&header).map_err(io)?;
    for r in results.iter().filter(|r| r.status == "done") {
        let log_path = cfg.out.join(
            r.outputs
                .iter()
                .find(|o| o.ends_with(".redactions.json"))
                .ok_or_else(|| Error::verify("a done file has no log"))?,
        );
        let log: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&log_path).map_err(|e| Error::from(e).with_path(&log_path))?,
        )
        .map_err(|e| Error::verify(format!("{}: {e}", log_path.display())))?;
        let boxes = logged_boxes(&log)
            .ok_or_else(|| Error::verify(format!("{}: unreadable log", log_path.display())))?;
        for b in &boxes {
            // A plain-text input has no coordinates (its log gives the line).
            let f = |v: fn(&crate::geom::Rect) -> f64| {
                b.rect
                    .as_ref()
                    .map_or(String::new(), |r| format!("{:.2}", v(r)))
            };
            let mut row = vec![
                r.file.clone(),
                b.part.to_string(),
                b.page.to_string(),
                f(|r| r.x0),
                f(|r| r.y0),
                f(|r| r.x1),
                f(|r| r.y1),
                b.rule.clone(),
                b.category.clone(),
                b.exemption.clone(),
                b.part_page.to_string(),
                b.id.clone(),
                exemptions
                    .iter()
                    .find(|(c, _)| *c == b.exemption)
                    .map_or_else(String::new, |(_, l)| l.clone()),
                if b.rule.starts_with("decision.") {
                    "added"
                } else {
                    "redact"
                }
                .to_string(),
            ];
            if log_text {
                row.push(b.text.expose().clone());
            }
            w.write_record(&row).map_err(io)?;
        }
    }
    w.flush()
        .map_err(|e| Error::new(ErrorKind::Io(e.to_string())))
}

/// `--out` must be a folder (or not exist yet).
pub fn check_out(out: &Path) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::usage(format!(
            "--out is not a folder: {}",
            out.display()
        )));
    }
    Ok(())
}
