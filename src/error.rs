//! Errors, exit codes and the `Sensitive` wrapper.
//!
//! An [`Error`] names the file (and the page or rule-file line) but never the personal data that led to
//! it: every piece of text that may be personal travels inside [`Sensitive`], whose `Debug` and `Display`
//! print `[redacted]`. Reading it takes an explicit `.expose()`, easy to grep for.

use std::fmt;
use std::path::PathBuf;

/// A value that may hold personal data. Printing it shows `[redacted]`.
#[derive(Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }
    /// The value itself. Every call is a place where personal data can leave: keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: AsRef<str>> Sensitive<T> {
    /// `a****` for `alice`: the first character and the length, so a reviewer can tell findings
    /// apart without a log or a decisions file holding the text.
    pub fn masked(&self) -> String {
        mask(self.0.as_ref())
    }
}

/// `a****` for `alice` (see [`Sensitive::masked`]).
pub fn mask(s: &str) -> String {
    let mut it = s.chars();
    match it.next() {
        Some(c) => format!("{c}{}", "*".repeat(it.count())),
        None => String::new(),
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Why a file or a run failed. Messages never carry document text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read from disk.
    Io(String),
    /// The bytes are not a PDF we can open (corrupt beyond repair, truncated ...).
    Load(String),
    /// The file is encrypted and no working password was given.
    Encrypted,
    /// A configured limit was hit (size, objects, operators, time).
    Limit(String),
    /// Text on a page could not be decoded, so it cannot be proven clean.
    UnreadableText(String),
    /// Something the redactor cannot yet remove safely (e.g. an image under a box).
    Unsupported(String),
    /// The output failed its own verification: something personal, or something the plan removed,
    /// was found in it.
    Verify(String),
    /// A check of the tool's own consistency failed (the plan names a glyph that does not exist, a
    /// stream vanished): a bug, never the document's fault.
    Invariant(String),
    /// An output could not be serialised or written.
    Write(String),
    /// A log of an earlier run (`<stem>.redactions.json`) cannot be read.
    Log(String),
    /// The document has a Part 1 heading or mentions a Part 2, but no Part 2 heading was found, and
    /// `--require-parts` asks for one.
    NoPart2Heading,
    /// A rule file is invalid.
    Rules {
        file: String,
        line: usize,
        msg: String,
    },
    /// Bad command-line arguments.
    Usage(String),
    /// The output exists and `--overwrite` was not given.
    Exists(PathBuf),
    /// A bug: a panic caught while processing this file.
    Internal(String),
    /// `--shard auto` cannot take this run's share from the scheduler's environment.
    Shard(ShardProblem),
}

/// Why `--shard auto` refuses to guess this run's share (see `shard`): every one is an officer's or a
/// scheduler's mistake that would otherwise run some shares twice and others never.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShardProblem {
    /// No scheduler's index variable is set; the variables looked for, with their schedulers.
    NoScheduler {
        looked_for: Vec<(&'static str, &'static str)>,
    },
    /// Index variables of two or more schedulers are set at once.
    Ambiguous { vars: Vec<&'static str> },
    /// A variable is set but is not a whole number (empty, signed, text ...).
    Malformed { var: &'static str, value: String },
    /// The scheduler gives no count of shares and `--shard-count` was not given.
    NoCount { scheduler: &'static str },
    /// The share's number (1-based, as in `--shard K/N`) is not within 1..=count.
    OutOfRange {
        var: &'static str,
        value: u64,
        shard: u64,
        count: u64,
    },
    /// `--shard-count` and the scheduler's own count disagree.
    CountMismatch {
        var: &'static str,
        scheduler: u64,
        given: u64,
    },
    /// A Slurm array whose indices are not evenly spaced from its lowest, so that they cannot be
    /// numbered 1..=count (`--array=1,2,5`), or an index off its step.
    UnevenArray {
        id: u64,
        min: u64,
        max: Option<u64>,
        step: u64,
        count: u64,
    },
    /// `--shard-count` without `--shard auto`, or a count of 0.
    BadCount,
}

impl fmt::Display for ShardProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShardProblem::NoScheduler { looked_for } => write!(
                f,
                "--shard auto: no scheduler's share index is set (looked for {}); give --shard K/N",
                looked_for
                    .iter()
                    .map(|(var, scheduler)| format!("{var} of {scheduler}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ShardProblem::Ambiguous { vars } => write!(
                f,
                "--shard auto: the variables of more than one scheduler are set ({}), so which split \
                 is meant is unclear; give --shard K/N",
                vars.join(", ")
            ),
            ShardProblem::Malformed { var, value } => {
                let shown: String = value.chars().take(40).collect();
                write!(
                    f,
                    "--shard auto: {var} is set but is not a whole number: {shown:?}"
                )
            }
            ShardProblem::NoCount { scheduler } => write!(
                f,
                "--shard auto: {scheduler} does not say how many shares there are; add \
                 --shard-count N (the number of array tasks, completions or jobs)"
            ),
            ShardProblem::OutOfRange {
                var,
                value,
                shard,
                count,
            } => write!(
                f,
                "--shard auto: {var}={value} makes this share {shard}, but there are {count} \
                 (shares are 1 to {count}); check --shard-count and the array's size"
            ),
            ShardProblem::CountMismatch {
                var,
                scheduler,
                given,
            } => write!(
                f,
                "--shard auto: --shard-count {given} disagrees with {var}={scheduler}; give one \
                 that matches, or leave --shard-count out"
            ),
            ShardProblem::UnevenArray {
                id,
                min,
                max,
                step,
                count,
            } => write!(
                f,
                "--shard auto: Slurm array task {id} cannot be numbered as one of {count} shares \
                 (lowest index {min}, highest {}, step {step}): the indices must be evenly spaced, \
                 as in --array=1-{count} or --array=0-{}; or give --shard K/N",
                max.map_or_else(|| "unknown".to_string(), |m| m.to_string()),
                count.saturating_sub(1)
            ),
            ShardProblem::BadCount => f.write_str(
                "--shard-count goes with --shard auto and must be at least 1 (with --shard K/N, N \
                 is the count)",
            ),
        }
    }
}

/// An error with the file and page it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub path: Option<PathBuf>,
    /// 1-based page number of the input, when the error concerns one page.
    pub page: Option<usize>,
}

impl Error {
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            kind,
            path: None,
            page: None,
        }
    }
    pub fn load(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Load(msg.into()))
    }
    pub fn unreadable(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::UnreadableText(msg.into()))
    }
    pub fn unsupported(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unsupported(msg.into()))
    }
    pub fn verify(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Verify(msg.into()))
    }
    pub fn invariant(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Invariant(msg.into()))
    }
    pub fn write(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Write(msg.into()))
    }
    pub fn log(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Log(msg.into()))
    }
    pub fn limit(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Limit(msg.into()))
    }
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage(msg.into()))
    }
    pub fn rules(file: impl Into<String>, line: usize, msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Rules {
            file: file.into(),
            line,
            msg: msg.into(),
        })
    }
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        if self.path.is_none() {
            self.path = Some(path.into());
        }
        self
    }
    pub fn with_page(mut self, page: usize) -> Self {
        if self.page.is_none() {
            self.page = Some(page);
        }
        self
    }
    /// A short machine-readable name of the kind, for the summary.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Io(_) => "io",
            ErrorKind::Load(_) => "load",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::Limit(_) => "limit",
            ErrorKind::UnreadableText(_) => "unreadable-text",
            ErrorKind::Unsupported(_) => "unsupported",
            ErrorKind::Verify(_) => "verify",
            ErrorKind::Invariant(_) => "invariant",
            ErrorKind::Write(_) => "write",
            ErrorKind::Log(_) => "log",
            ErrorKind::NoPart2Heading => "part2_heading_missing",
            ErrorKind::Rules { .. } => "rules",
            ErrorKind::Usage(_) => "usage",
            ErrorKind::Exists(_) => "exists",
            ErrorKind::Internal(_) => "internal",
            ErrorKind::Shard(_) => "shard",
        }
    }
    /// The reason without the path, as written to the summary.
    pub fn reason(&self) -> String {
        let body = match &self.kind {
            ErrorKind::Io(m) => format!("cannot read or write: {m}"),
            ErrorKind::Load(m) => format!("not a readable PDF: {m}"),
            ErrorKind::Encrypted => {
                "encrypted with a password (none given, or the one given is wrong)".into()
            }
            ErrorKind::Limit(m) => format!("limit exceeded: {m}"),
            ErrorKind::UnreadableText(m) => format!("text cannot be decoded: {m}"),
            ErrorKind::Unsupported(m) => format!("cannot redact safely: {m}"),
            ErrorKind::Verify(m) => format!("verification failed: {m}"),
            ErrorKind::Invariant(m) => format!("internal check failed (a bug; please report): {m}"),
            ErrorKind::Write(m) => format!("cannot write the output: {m}"),
            ErrorKind::Log(m) => format!("unreadable log: {m}"),
            ErrorKind::NoPart2Heading => {
                "the document has a Part 1 heading or mentions a Part 2, but no Part 2 heading \
                 was found (--require-parts): check where Part 2 starts"
                    .into()
            }
            ErrorKind::Rules { file, line, msg } => format!("rule file {file}, line {line}: {msg}"),
            ErrorKind::Usage(m) => m.clone(),
            ErrorKind::Exists(p) => format!("output exists (use --overwrite): {}", p.display()),
            ErrorKind::Internal(m) => format!("internal error (a bug; please report): {m}"),
            ErrorKind::Shard(p) => p.to_string(),
        };
        match self.page {
            Some(p) => format!("page {p}: {body}"),
            None => body,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: {}", p.display(), self.reason()),
            None => f.write_str(&self.reason()),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io(e.to_string()))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes: a stable interface, documented in `--help` and the README.
pub mod exit {
    /// Every file was processed and written.
    pub const OK: u8 = 0;
    /// Some file was declined or failed; the others were written.
    pub const SOME_FAILED: u8 = 1;
    /// Bad arguments or rule files: nothing was processed.
    pub const USAGE: u8 = 2;
    /// `verify`: a file could not be read, so it was not checked.
    pub const UNREADABLE: u8 = 3;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_never_prints_its_value() {
        let s = Sensitive::new("Jane Smith".to_string());
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(s.expose(), "Jane Smith");
    }

    #[test]
    fn error_display_names_file_and_page() {
        let e = Error::unreadable("font F12 has no Unicode mapping")
            .with_page(4)
            .with_path("a/b.pdf");
        assert_eq!(
            e.to_string(),
            "a/b.pdf: page 4: text cannot be decoded: font F12 has no Unicode mapping"
        );
    }
}
