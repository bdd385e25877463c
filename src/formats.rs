//! The files foiredact writes and reads back, each with one owning type (serde), so that a file is
//! written and read by the same definition:
//!
//! - [`Status`]: what became of an input (`done`, `declined`, `failed`), in `summary.json`;
//! - [`FileLog`]: the per-input log `<stem>.redactions.json` (what was redacted where, the decisions
//!   applied, what makes the outputs current for `--resume`), read back by the schedule, `--resume`
//!   and `publish`;
//! - [`DecisionRow`]: a row of the decisions file `review` writes (`decisions::parse` reads it back
//!   by its header, as an officer's spreadsheet may reorder columns);
//! - [`ScheduleRow`]: a row of `redactions.csv`, the schedule of every redaction and its exemption;
//! - [`MarkedIndex`] and [`mark_name`]: what `review` records in a marked PDF (`<stem>.marked.pdf`) so
//!   that `redact --decisions` can read the officer's edits of it back (`pdf::marks` puts them in and
//!   takes them out of the PDF);
//! - [`OutputPaths`] and [`ReviewPaths`]: where an input's outputs go.
//!
//! Knows no PDF. Writing the files is `output`'s job.

use crate::decisions::Proposal;
use crate::error::Sensitive;
use crate::model::{BoxLog, InputKind};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Redacted, verified and written.
    Done,
    /// The tool refused to publish it (a reason is given).
    Declined,
    /// It could not be read or written (a disk or a tool error).
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Declined => "declined",
            Status::Failed => "failed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A redaction box as the per-input log writes it: its text only with `--log-text`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedBox {
    #[serde(flatten)]
    pub b: BoxLog,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl LoggedBox {
    pub fn new(b: &BoxLog, log_text: bool) -> LoggedBox {
        LoggedBox {
            b: b.clone(),
            text: log_text.then(|| b.text.expose().clone()),
        }
    }

    /// The box, with its text when the log has it.
    pub fn into_box(self) -> BoxLog {
        BoxLog {
            text: Sensitive::new(self.text.unwrap_or_default()),
            ..self.b
        }
    }
}

/// A part output and the input pages it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLog {
    pub part: u8,
    pub pages: Vec<usize>,
}

/// The per-input log, `<stem>.redactions.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileLog {
    /// The input, relative to the folder given (`/` separators).
    pub file: String,
    pub pages: usize,
    /// The input's hash (hex), for `--resume`.
    pub input_hash: String,
    /// The run's configuration hash (`config::resume_key`).
    pub run_key: String,
    pub tool_version: String,
    pub parts: Vec<PartLog>,
    /// Who decided and when (the decisions file's last change); empty without decisions.
    #[serde(default)]
    pub reviewer: String,
    #[serde(default)]
    pub decided_at: String,
    /// The hash of the decisions file applied (empty: none; `none`: none found for this input).
    #[serde(default)]
    pub decisions_hash: String,
    #[serde(default)]
    pub proposals: usize,
    /// The proposals the officer kept: where they are, no box and no text (none in an older log).
    #[serde(default)]
    pub kept: Vec<LoggedBox>,
    #[serde(default)]
    pub added: usize,
    #[serde(default)]
    pub no_decision: Vec<String>,
    pub redactions: Vec<LoggedBox>,
    /// `text` for a plain-text input (its parts are `.txt`, its boxes lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl FileLog {
    /// Pretty JSON with its keys in name order (as every log so far), ending in a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = serde_json::to_value(self)
            .and_then(|v| serde_json::to_vec_pretty(&v))
            .unwrap_or_default();
        s.push(b'\n');
        s
    }

    pub fn from_bytes(b: &[u8]) -> Result<FileLog, String> {
        serde_json::from_slice(b).map_err(|e| e.to_string())
    }

    pub fn is_text(&self) -> bool {
        self.format.as_deref() == Some("text")
    }

    /// The redaction boxes (with their texts when logged).
    pub fn boxes(&self) -> Vec<BoxLog> {
        self.redactions
            .iter()
            .cloned()
            .map(LoggedBox::into_box)
            .collect()
    }

    pub fn kept_boxes(&self) -> Vec<BoxLog> {
        self.kept.iter().cloned().map(LoggedBox::into_box).collect()
    }
}

/// A row of a decisions file, in its columns' order (the field names are the header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRow {
    /// `p<page>-r<n>`.
    pub id: String,
    pub fingerprint: String,
    pub page: usize,
    pub part: u8,
    pub category: String,
    pub rule: String,
    pub exemption: String,
    /// The proposed text, masked unless `--log-text`.
    pub text: String,
    /// `redact` as review writes it; the officer writes `keep`, or adds `text=`/`rect=` rows.
    pub decision: String,
    pub note: String,
    /// The input's hash, `h<hex>` (a spreadsheet reads no number in it).
    pub input_hash: String,
    /// Why a text no rule found on its own is proposed: `consistent:<file>#<id>`, `surname:<id>`.
    #[serde(default)]
    pub cause: String,
}

impl DecisionRow {
    /// The row `review` writes for a proposal: `decision = redact`, no note.
    pub fn proposed(p: &Proposal, part: u8, text: String, input_hash: &str) -> DecisionRow {
        DecisionRow {
            id: p.id.clone(),
            fingerprint: p.fingerprint.clone(),
            page: p.page,
            part,
            category: p.why.category.clone(),
            rule: p.why.rule.clone(),
            exemption: p.why.exemption.clone(),
            cause: p.why.cause.clone(),
            text,
            decision: "redact".into(),
            note: String::new(),
            input_hash: crate::decisions::hash_cell(input_hash),
        }
    }
}

/// A row the officer added to a decisions file (no id): `text=<words>` (on every page, or only on
/// `page`) or `rect=<page>,<x0>,<y0>,<x1>,<y1>`. Written in the columns of [`DecisionRow`], those it
/// does not use empty.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedRow {
    /// The only page of a `text=` row (`None`: every page).
    pub page: Option<usize>,
    pub exemption: String,
    /// `text=<words>` or `rect=<page>,<x0>,<y0>,<x1>,<y1>`.
    pub decision: String,
    pub note: String,
    /// `h<hex>`, as in [`DecisionRow`].
    pub input_hash: String,
}

impl AddedRow {
    /// A `text=` row (`page`: only on that page).
    pub fn text(words: &str, page: Option<usize>, exemption: &str, note: &str, hash: &str) -> Self {
        Self::new(format!("text={words}"), page, exemption, note, hash)
    }

    /// A `rect=` row: an area of a page, in PDF points (to two decimals).
    pub fn rect(
        page: usize,
        r: &crate::geom::Rect,
        exemption: &str,
        note: &str,
        hash: &str,
    ) -> Self {
        let d = format!(
            "rect={page},{:.2},{:.2},{:.2},{:.2}",
            r.x0, r.y0, r.x1, r.y1
        );
        Self::new(d, None, exemption, note, hash)
    }

    fn new(decision: String, page: Option<usize>, exemption: &str, note: &str, hash: &str) -> Self {
        AddedRow {
            page,
            exemption: exemption.to_string(),
            decision,
            note: note.to_string(),
            input_hash: crate::decisions::hash_cell(hash),
        }
    }

    /// The row's cells, in the order of `decisions::COLUMNS`.
    fn cells(&self) -> Vec<String> {
        crate::decisions::COLUMNS
            .iter()
            .map(|c| match *c {
                "page" => self.page.map(|p| p.to_string()).unwrap_or_default(),
                "exemption" => self.exemption.clone(),
                "decision" => self.decision.clone(),
                "note" => self.note.clone(),
                "input_hash" => self.input_hash.clone(),
                _ => String::new(),
            })
            .collect()
    }
}

/// A decisions file: the header, then the rows.
pub fn decisions_csv(rows: &[DecisionRow]) -> crate::error::Result<Vec<u8>> {
    decisions_csv_with(rows, &[])
}

/// A decisions file with the officer's added rows after the proposals' rows.
pub fn decisions_csv_with(
    rows: &[DecisionRow],
    added: &[AddedRow],
) -> crate::error::Result<Vec<u8>> {
    let io = |e: csv::Error| crate::error::Error::new(crate::error::ErrorKind::Io(e.to_string()));
    let mut w = csv::Writer::from_writer(Vec::new());
    // The header is written with the first row (the fields' names are the columns).
    if rows.is_empty() {
        w.write_record(crate::decisions::COLUMNS).map_err(io)?;
    }
    for r in rows {
        w.serialize(r).map_err(io)?;
    }
    for r in added {
        w.write_record(r.cells()).map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| crate::error::Error::new(crate::error::ErrorKind::Io(e.to_string())))
}

/// The columns of `redactions.csv` (then `text` with `--log-text`).
pub const SCHEDULE_COLUMNS: [&str; 19] = [
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
    "line",
    "note",
    "reviewer",
    "decided_at",
    "cause",
];

/// A row of the schedule, `redactions.csv`: one redaction (or one proposal the officer kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub file: String,
    pub part: u8,
    pub page: usize,
    /// The box in PDF points, two decimals (empty for a plain-text input).
    pub x0: String,
    pub y0: String,
    pub x1: String,
    pub y1: String,
    pub rule: String,
    pub category: String,
    pub exemption: String,
    pub part_page: usize,
    pub id: String,
    /// The exemption's label from the exemptions table (empty if not in it).
    pub exemption_title: String,
    /// `redact`, `keep`, `added` or `no decision`.
    pub decision: String,
    /// 1-based line of a plain-text input (empty for a PDF).
    pub line: String,
    pub note: String,
    pub reviewer: String,
    pub decided_at: String,
    /// Why a text no rule found in this file is redacted: `consistent:<file>#<id>` (redacted in
    /// another file of the batch), `surname:<id>` (the surname of a name found in this file).
    #[serde(default)]
    pub cause: String,
    /// The redacted text: a column only with `--log-text` (empty for a kept proposal).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub text: Option<String>,
}

/// A column that is there is `Some`, even when its cell is empty (an absent one is `None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

impl ScheduleRow {
    /// The row of a logged box of `file`.
    pub fn of_box(
        file: &str,
        b: &BoxLog,
        exemption_title: String,
        log: &FileLog,
        log_text: bool,
    ) -> ScheduleRow {
        let f = |v: fn(&crate::geom::Rect) -> f64| {
            b.rect
                .as_ref()
                .map_or(String::new(), |r| format!("{:.2}", v(r)))
        };
        ScheduleRow {
            file: file.to_string(),
            part: b.part,
            page: b.page,
            x0: f(|r| r.x0),
            y0: f(|r| r.y0),
            x1: f(|r| r.x1),
            y1: f(|r| r.y1),
            rule: b.why.rule.clone(),
            category: b.why.category.clone(),
            exemption: b.why.exemption.clone(),
            part_page: b.part_page,
            id: b.id.clone(),
            exemption_title,
            decision: if !b.decision.is_empty() {
                b.decision.clone()
            } else if b.why.rule.starts_with("decision.") {
                "added".into()
            } else {
                "redact".into()
            },
            cause: b.why.cause.clone(),
            line: b.line.map_or(String::new(), |l| l.to_string()),
            note: b.note.clone(),
            reviewer: log.reviewer.clone(),
            decided_at: log.decided_at.clone(),
            text: log_text.then(|| {
                if b.decision == "keep" {
                    String::new()
                } else {
                    b.text.expose().clone()
                }
            }),
        }
    }
}

/// The header of `redactions.csv`.
pub fn schedule_header(log_text: bool) -> Vec<&'static str> {
    let mut h = SCHEDULE_COLUMNS.to_vec();
    if log_text {
        h.push("text");
    }
    h
}

/// Where one input's outputs go: `<out>/<rel's folder>/<stem>.part1.pdf`, `.part2.pdf` (`.txt` for a
/// plain-text input) and `<stem>.redactions.json`.
#[derive(Debug, Clone)]
pub struct OutputPaths {
    pub part1: PathBuf,
    pub part2: PathBuf,
    pub log: PathBuf,
}

/// An input's folder under `out` and its file stem.
fn dir_and_stem(out_dir: &Path, rel: &Path) -> (PathBuf, String) {
    let dir = out_dir.join(rel.parent().unwrap_or(Path::new("")));
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    (dir, stem)
}

/// `txt` for a plain-text input, else `pdf`.
fn ext(rel: &Path) -> &'static str {
    match InputKind::of(rel) {
        InputKind::Text => "txt",
        InputKind::Pdf => "pdf",
    }
}

impl OutputPaths {
    pub fn new(out_dir: &Path, rel: &Path) -> Self {
        let (dir, stem) = dir_and_stem(out_dir, rel);
        let ext = ext(rel);
        OutputPaths {
            part1: dir.join(format!("{stem}.part1.{ext}")),
            part2: dir.join(format!("{stem}.part2.{ext}")),
            log: dir.join(format!("{stem}{LOG_SUFFIX}")),
        }
    }
    pub fn all(&self) -> [&PathBuf; 3] {
        [&self.part1, &self.part2, &self.log]
    }
    /// Part 1, or Part 2.
    pub fn part(&self, n: crate::model::Part) -> &PathBuf {
        match n {
            crate::model::Part::One => &self.part1,
            crate::model::Part::Two => &self.part2,
        }
    }
}

/// The end of every per-input log's name.
pub const LOG_SUFFIX: &str = ".redactions.json";

/// Where `review` writes an input's review copy (`<stem>.review.pdf`, `.txt` for a plain-text
/// input), decisions file (`<stem>.decisions.csv`) and, for a PDF, marked copy (`<stem>.marked.pdf`).
pub struct ReviewPaths {
    pub copy: PathBuf,
    pub decisions: PathBuf,
    /// `None` for a plain-text input.
    pub marked: Option<PathBuf>,
}

impl ReviewPaths {
    pub fn new(out_dir: &Path, rel: &Path) -> Self {
        let (dir, stem) = dir_and_stem(out_dir, rel);
        ReviewPaths {
            copy: dir.join(format!("{stem}.review.{}", ext(rel))),
            decisions: dir.join(crate::decisions::file_name(&stem)),
            marked: (InputKind::of(rel) == InputKind::Pdf)
                .then(|| dir.join(format!("{stem}{MARKED_SUFFIX}"))),
        }
    }

    /// Every file review writes for the input.
    pub fn all(&self) -> Vec<&PathBuf> {
        [&self.copy, &self.decisions]
            .into_iter()
            .chain(self.marked.as_ref())
            .collect()
    }
}

/// The end of a marked PDF's name.
pub const MARKED_SUFFIX: &str = ".marked.pdf";

/// The key of the document information dictionary under which a marked PDF holds its [`MarkedIndex`]
/// (as JSON in a text string).
pub const MARKED_INDEX_KEY: &str = "FoiRedactMarks";

/// The version of [`MarkedIndex`] written.
pub const MARKED_INDEX_VERSION: u32 = 1;

/// What `review` records in a marked PDF besides its annotations: the input it was made from, each
/// page's content as it was (an editor that applied the redactions changed it), the proposals it
/// marked (so that a deleted annotation is told from one never written), and the annotations the
/// input already had (so that they are not taken for the officer's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkedIndex {
    pub version: u32,
    /// The input's hash (hex, as `FileLog::input_hash`).
    pub input_hash: String,
    /// Per page (in order), a hash (hex) of its decoded content.
    pub pages: Vec<String>,
    pub proposals: Vec<MarkedProposal>,
    #[serde(default)]
    pub originals: Vec<OriginalAnnot>,
}

/// A proposal as the marked PDF holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkedProposal {
    /// `p<page>-r<n>`.
    pub id: String,
    pub fingerprint: String,
    /// 1-based.
    pub page: usize,
    /// The /Rect of its annotation (`None`: it has none, as it has no place on the page).
    pub rect: Option<crate::geom::Rect>,
}

/// An annotation the input already had (links, form fields and pop-ups aside).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginalAnnot {
    pub page: usize,
    /// Its /Subtype.
    pub subtype: String,
    pub rect: crate::geom::Rect,
}

impl MarkedIndex {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<MarkedIndex, String> {
        let m: MarkedIndex = serde_json::from_str(s).map_err(|e| e.to_string())?;
        if m.version != MARKED_INDEX_VERSION {
            return Err(format!(
                "version {} (this foiredact reads {MARKED_INDEX_VERSION})",
                m.version
            ));
        }
        Ok(m)
    }
}

/// The /NM (annotation name) of a proposal's annotation in a marked PDF: `foiredact <id>
/// <fingerprint> h<input hash>`.
pub fn mark_name(id: &str, fingerprint: &str, input_hash: &str) -> String {
    format!(
        "foiredact {id} {fingerprint} {}",
        crate::decisions::hash_cell(input_hash)
    )
}

/// The id, fingerprint and input hash (hex) of a [`mark_name`]; `None` for any other name (an
/// annotation an editor made).
pub fn parse_mark_name(nm: &str) -> Option<(String, String, String)> {
    let mut w = nm.split_whitespace();
    if w.next()? != "foiredact" {
        return None;
    }
    let (id, fp, h) = (w.next()?, w.next()?, w.next()?);
    let h = h.strip_prefix('h')?;
    w.next()
        .is_none()
        .then(|| (id.to_string(), fp.to_string(), h.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::Rect;

    fn a_box(k: usize, text: &str) -> BoxLog {
        BoxLog {
            part: if k.is_multiple_of(2) { 1 } else { 2 },
            page: k + 1,
            part_page: 1,
            rect: (k != 2).then_some(Rect {
                x0: 72.0 + k as f64,
                y0: 700.125,
                x1: 140.5,
                y1: 712.0,
            }),
            line: (k == 2).then_some(7),
            why: crate::model::Why {
                rule: "person.name".into(),
                category: "name".into(),
                exemption: "s40(2)".into(),
                cause: String::new(),
            },
            text: Sensitive::new(text.into()),
            id: format!("p{}-r1", k + 1),
            decision: if k == 1 { "keep".into() } else { String::new() },
            note: if k == 0 {
                "a note, with a comma".into()
            } else {
                String::new()
            },
            anonymity: (k == 0).then_some(1234),
        }
    }

    fn a_log(log_text: bool) -> FileLog {
        FileLog {
            file: "sub/decision 1.pdf".into(),
            pages: 3,
            input_hash: "00ff00ff00ff00ff".into(),
            run_key: "0123456789abcdef".into(),
            tool_version: "0.1.0".into(),
            parts: vec![
                PartLog {
                    part: 1,
                    pages: vec![1, 2],
                },
                PartLog {
                    part: 2,
                    pages: vec![2, 3],
                },
            ],
            reviewer: "A. Officer".into(),
            decided_at: "2026-12-07T14:03:07Z".into(),
            decisions_hash: "abcdef0123456789".into(),
            proposals: 3,
            kept: vec![LoggedBox::new(&a_box(1, ""), false)],
            added: 1,
            no_decision: vec!["p3-r1".into()],
            redactions: vec![
                LoggedBox::new(&a_box(0, "Jo Quixote"), log_text),
                LoggedBox::new(&a_box(2, "07700 900123"), log_text),
            ],
            format: None,
        }
    }

    #[test]
    fn a_file_log_reads_back_as_written() {
        for log_text in [false, true] {
            let log = a_log(log_text);
            let bytes = log.to_bytes();
            let back = FileLog::from_bytes(&bytes).expect("reads");
            assert_eq!(back.to_bytes(), bytes);
            assert_eq!(back.boxes().len(), 2);
            assert_eq!(back.kept_boxes()[0].id, "p2-r1");
            let texts: Vec<String> = back
                .boxes()
                .iter()
                .map(|b| b.text.expose().clone())
                .collect();
            if log_text {
                assert_eq!(texts, ["Jo Quixote", "07700 900123"]);
            } else {
                assert_eq!(texts, ["", ""]);
                assert!(!String::from_utf8_lossy(&bytes).contains("Quixote"));
            }
            // Keys in name order, as every earlier log: an older reader sees the same file.
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(keys, sorted);
        }
        // A plain-text input's log says so; an older log without `kept` reads with none.
        let mut t = a_log(false);
        t.format = Some("text".into());
        let back = FileLog::from_bytes(&t.to_bytes()).expect("reads");
        assert!(back.is_text());
        let mut v: serde_json::Value =
            serde_json::from_slice(&a_log(false).to_bytes()).expect("json");
        v.as_object_mut().expect("object").remove("kept");
        let old = FileLog::from_bytes(&serde_json::to_vec(&v).expect("json")).expect("reads");
        assert!(old.kept.is_empty());
        assert!(FileLog::from_bytes(b"{\"file\": 1}").is_err());
    }

    #[test]
    fn status_reads_back_as_written() {
        for s in [Status::Done, Status::Declined, Status::Failed] {
            let j = serde_json::to_string(&s).expect("json");
            assert_eq!(j, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Status>(&j).expect("reads"), s);
        }
        assert_eq!(
            serde_json::to_string(&Status::Done).expect("json"),
            "\"done\""
        );
    }

    #[test]
    fn a_decisions_file_reads_back_as_written() {
        let p = Proposal {
            page: 2,
            id: "p2-r10".into(),
            fingerprint: "abcdefgh".into(),
            why: crate::model::Why {
                rule: "contact.phone".into(),
                category: "phone".into(),
                exemption: "s40(2)".into(),
                cause: String::new(),
            },
        };
        let rows = vec![
            DecisionRow::proposed(&p, 2, "0****".into(), "00ff00ff00ff00ff"),
            DecisionRow {
                id: "p2-r11".into(),
                decision: "keep".into(),
                note: "published elsewhere, \"quoted\"".into(),
                ..DecisionRow::proposed(&p, 1, "J***".into(), "00ff00ff00ff00ff")
            },
        ];
        let bytes = decisions_csv(&rows).expect("csv");
        let header = String::from_utf8_lossy(&bytes)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        assert_eq!(header, crate::decisions::COLUMNS.join(","));
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let back: Vec<DecisionRow> = r.deserialize().collect::<Result<_, _>>().expect("reads");
        assert_eq!(back, rows);
        // And as `redact --decisions` reads it.
        let d = crate::decisions::parse("t.csv", &bytes).expect("parses");
        assert_eq!(d.input_hash.as_deref(), Some("00ff00ff00ff00ff"));
        assert_eq!(d.rows.len(), 2);
        assert!(!d.rows[0].keep && d.rows[1].keep);
        assert_eq!(d.rows[1].note, "published elsewhere, \"quoted\"");
        // No proposals: the header alone.
        let empty = decisions_csv(&[]).expect("csv");
        assert_eq!(
            String::from_utf8_lossy(&empty).trim_end(),
            crate::decisions::COLUMNS.join(",")
        );
    }

    #[test]
    fn a_schedule_reads_back_as_written() {
        for log_text in [false, true] {
            let log = a_log(log_text);
            let rows: Vec<ScheduleRow> = log
                .boxes()
                .iter()
                .chain(&log.kept_boxes())
                .map(|b| {
                    ScheduleRow::of_box(&log.file, b, "Personal information".into(), &log, log_text)
                })
                .collect();
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            w.write_record(schedule_header(log_text)).expect("header");
            for r in &rows {
                w.serialize(r).expect("row");
            }
            let bytes = w.into_inner().expect("csv");
            let mut r = csv::Reader::from_reader(bytes.as_slice());
            let back: Vec<ScheduleRow> = r.deserialize().collect::<Result<_, _>>().expect("reads");
            assert_eq!(back, rows);
            assert_eq!(back[0].x0, "72.00");
            assert_eq!(back[1].line, "7");
            assert_eq!(back[2].decision, "keep");
            assert_eq!(back[0].text.as_deref(), log_text.then_some("Jo Quixote"));
        }
    }

    #[test]
    fn paths_of_an_input() {
        let o = OutputPaths::new(Path::new("out"), Path::new("a/b/d 1.pdf"));
        assert_eq!(o.part1, Path::new("out/a/b/d 1.part1.pdf"));
        assert_eq!(
            o.part(crate::model::Part::Two),
            &PathBuf::from("out/a/b/d 1.part2.pdf")
        );
        assert_eq!(o.log, Path::new("out/a/b/d 1.redactions.json"));
        let t = OutputPaths::new(Path::new("out"), Path::new("n.TXT"));
        assert_eq!(t.part1, Path::new("out/n.part1.txt"));
        let r = ReviewPaths::new(Path::new("rev"), Path::new("x/y.pdf"));
        assert_eq!(r.copy, Path::new("rev/x/y.review.pdf"));
        assert_eq!(r.decisions, Path::new("rev/x/y.decisions.csv"));
        assert_eq!(r.marked.as_deref(), Some(Path::new("rev/x/y.marked.pdf")));
        assert_eq!(r.all().len(), 3);
        assert!(ReviewPaths::new(Path::new("rev"), Path::new("n.txt"))
            .marked
            .is_none());
    }

    #[test]
    fn a_marked_index_reads_back_as_written() {
        let r = Rect {
            x0: 72.0,
            y0: 700.125,
            x1: 140.5,
            y1: 712.0,
        };
        let m = MarkedIndex {
            version: MARKED_INDEX_VERSION,
            input_hash: "00ff00ff00ff00ff".into(),
            pages: vec!["0123456789abcdef".into()],
            proposals: vec![
                MarkedProposal {
                    id: "p1-r1".into(),
                    fingerprint: "bcdfghjk".into(),
                    page: 1,
                    rect: Some(r),
                },
                MarkedProposal {
                    id: "p1-r2".into(),
                    fingerprint: "bcdfghjm".into(),
                    page: 1,
                    rect: None,
                },
            ],
            originals: vec![OriginalAnnot {
                page: 1,
                subtype: "Highlight".into(),
                rect: r,
            }],
        };
        assert_eq!(MarkedIndex::from_json(&m.to_json()), Ok(m.clone()));
        let other = MarkedIndex { version: 9, ..m };
        assert!(MarkedIndex::from_json(&other.to_json())
            .expect_err("version")
            .contains("version 9"));
        assert!(MarkedIndex::from_json("{").is_err());
        let nm = mark_name("p2-r10", "bcdfghjk", "00ff00ff00ff00ff");
        assert_eq!(
            parse_mark_name(&nm),
            Some((
                "p2-r10".into(),
                "bcdfghjk".into(),
                "00ff00ff00ff00ff".into()
            ))
        );
        for other in ["fitz-A0", "", "foiredact p1-r1", "foiredact p1-r1 bcd 00ff"] {
            assert_eq!(parse_mark_name(other), None, "{other}");
        }
    }
}
