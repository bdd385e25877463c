//! Mutation harness: damaged copies of real PDFs must each get an answer (done, declined or failed),
//! never a panic, a crash, a hang or a partial output.
//!
//! Seeds: `samples/*.pdf`, plus `../shared/corpus/*.pdf` and `../shared/realworld/pdfs/*.pdf` when
//! present. Each mutant is one seed with 1 to 3 mutations: bit flips, a byte run overwritten, truncation,
//! inserted random bytes, a duplicated slice, two `N 0 obj ... endobj` blocks swapped, a number replaced
//! by an extreme one, or a decompressed FlateDecode stream (page content, form, font, CMap, image)
//! mutated and re-compressed into a valid file (this reaches the content-stream tokenizer, the
//! interpreter and the font code). Everything is deterministic: a tiny xorshift PRNG, a fixed base seed.
//!
//! Mutants are written in batches of 100 and run with `foiredact redact <batch> --out <out> --jobs 2`
//! under a 120 s wall-clock guard. Per batch: exit code 0 or 1, every mutant listed in `summary.json`,
//! no `error: "internal"` (a caught panic), every output of a `done` file present and starting with
//! `%PDF-`, no temporary file left. A crash (killed by a signal) or a batch over its guard is narrowed
//! down by running that batch's mutants one at a time, each checked in full: a mutant hangs when it
//! takes over 60 s alone and over ten times its seed's own time (measured once, when first needed),
//! so that a loaded machine OCRing scans' mutants is slow, not failed. Mutants are redacted with
//! `--no-consistent`: pass one of `--consistent` reads with the code pass two runs. Every offending mutant is copied to `target/mutation-failures/`
//! (with a `.txt` naming its seed file, mutant seed and mutations) and printed.
//!
//! The default (150 mutants) keeps `cargo test` (a debug build, where foiredact takes ~0.2 s per
//! mutant) under a minute on 2 cores: measured ~35 s. The long version:
//!
//! ```text
//! FOIREDACT_MUTANTS=10000 cargo test --release --test mutation -- --nocapture
//! ```
//!
//! `FOIREDACT_MUTATION_SEED=<u64>` picks another base seed (default 0x5eed_f01a).
//! `FOIREDACT_MUTATION_KEEP=verify,limit` also copies the mutants declined with those error codes to
//! `target/mutation-failures/declined-<code>/` (they are not failures: a way to study them).

mod common;
use common::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEFAULT_MUTANTS: usize = 150;
const BATCH: usize = 100;
const BATCH_TIMEOUT: Duration = Duration::from_secs(120);
const ONE_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times its seed's own time a mutant alone may take before it is a hang (when that is
/// over [`ONE_TIMEOUT`]: a scan's mutant OCRs as its seed does, and on a loaded machine that can
/// take longer than a minute without anything hanging).
const SEED_FACTOR: u32 = 10;
const DEFAULT_SEED: u64 = 0x5eed_f01a;

struct Seed {
    name: String,
    bytes: Vec<u8>,
    /// The parsed document, loaded on first use (`None` inside: lopdf cannot load it).
    doc: Option<Option<lopdf::Document>>,
}

fn seeds() -> Vec<Seed> {
    let mut paths = pdfs_in(&repo().join("samples"));
    paths.extend(pdfs_in(&repo().join("../shared/corpus")));
    paths.extend(pdfs_in(&repo().join("../shared/realworld/pdfs")));
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok().filter(|b| !b.is_empty())?;
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            Some(Seed {
                name,
                bytes,
                doc: None,
            })
        })
        .collect()
}

// ------------------------------------------------------------------------------------------ mutations

/// Numbers that break arithmetic: zero, negatives, overflow, huge exponents.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "-0",
    "2147483648",
    "4294967296",
    "-2147483649",
    "99999999999999999999",
    "1e308",
    "0.000000001",
    "-99999.5",
    "65535",
    "3.4028236e38",
    ".",
    "--1",
];

/// Snippets inserted into decoded content: operators out of place, unbalanced delimiters, inline
/// images, odd strings and names.
const TOKENS: &[&str] = &[
    " Tj ",
    " TJ ",
    " ' ",
    " \" ",
    " Tf ",
    " /F1 0 Tf ",
    " /Nope 12 Tf ",
    " BT ",
    " ET ",
    " q ",
    " Q ",
    " Q Q Q ",
    " cm ",
    " 0 0 0 0 0 0 cm ",
    " 1e30 0 0 1e30 0 0 cm ",
    " Tm ",
    " Td ",
    " TD ",
    " T* ",
    " Tc ",
    " Tw ",
    " Tz ",
    " TL ",
    " Ts ",
    " Tr ",
    " Do ",
    " /Im0 Do ",
    " /Fm0 Do ",
    " BI /W 1 /H 1 /BPC 8 /CS /G ID x EI ",
    " BI /W 100000 /H 100000 ID ",
    " EI ",
    " ID ",
    " BDC ",
    " EMC ",
    " BMC ",
    " gs ",
    " sh ",
    " d0 ",
    " d1 ",
    "[",
    "]",
    "<",
    ">",
    "<<",
    ">>",
    "(",
    ")",
    "\\",
    "/",
    "%",
    "{",
    "}",
    "(\\",
    "<FEFF",
    "<0",
    "(\\377\\376)",
    " (abc) Tj ",
    " [(a) -99999 (b)] TJ ",
    " <00> Tj ",
    " <ffff> Tj ",
    " beginbfchar ",
    " endbfchar ",
    " beginbfrange ",
    " endbfrange ",
    " begincodespacerange ",
    " <0000> <ffff> <0000> ",
    " <00> <ff> [<0041>] ",
    "\u{0}",
    "\r",
    "\n",
];

/// Spans `start..end` of the `N G obj ... endobj` blocks of a file.
fn object_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(k) = find(&b[i..], b" obj").map(|k| k + i) {
        i = k + 4;
        // Walk back over "G" and "N".
        let mut s = k;
        let mut fields = 0;
        while fields < 2 {
            let e = s;
            while s > 0 && b[s - 1].is_ascii_digit() {
                s -= 1;
            }
            if s == e {
                break;
            }
            fields += 1;
            if fields < 2 {
                if s == 0 || b[s - 1] != b' ' {
                    break;
                }
                s -= 1;
            }
        }
        if fields < 2 || (s > 0 && !matches!(b[s - 1], b'\n' | b'\r' | b' ' | b'>')) {
            continue;
        }
        if let Some(e) = find(&b[i..], b"endobj").map(|e| e + i + 6) {
            spans.push((s, e));
            i = e;
        }
    }
    spans
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One byte-level mutation of `b`; returns its description.
fn mutate_bytes(rng: &mut Rng, b: &mut Vec<u8>) -> String {
    if b.is_empty() {
        b.extend(rng.bytes(16));
        return "fill".into();
    }
    let len = b.len();
    match rng.below(8) {
        0 => {
            let n = 1 + rng.below(16);
            for _ in 0..n {
                let at = rng.below(len);
                b[at] ^= 1 << rng.below(8);
            }
            format!("flip {n} bits")
        }
        1 => {
            let at = rng.below(len);
            let n = (1 + rng.below(64)).min(len - at);
            let run: Vec<u8> = match rng.below(3) {
                0 => rng.bytes(n),
                1 => vec![0; n],
                _ => vec![b"0(<[/ \n"[rng.below(7)]; n],
            };
            b[at..at + n].copy_from_slice(&run);
            format!("overwrite {n} bytes at {at}")
        }
        2 => {
            let at = rng.below(len);
            b.truncate(at);
            format!("truncate at {at}")
        }
        3 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(64);
            let ins = rng.bytes(n);
            b.splice(at..at, ins);
            format!("insert {n} bytes at {at}")
        }
        4 => {
            let from = rng.below(len);
            let n = (1 + rng.below(4096)).min(len - from);
            let to = rng.below(len + 1);
            let slice = b[from..from + n].to_vec();
            b.splice(to..to, slice);
            format!("duplicate {n} bytes from {from} at {to}")
        }
        5 => {
            let spans = object_spans(b);
            if spans.len() < 2 {
                return mutate_bytes(rng, b);
            }
            let i = rng.below(spans.len());
            let mut j = rng.below(spans.len() - 1);
            if j >= i {
                j += 1;
            }
            let (a, c) = (spans[i.min(j)], spans[i.max(j)]);
            let mut out = Vec::with_capacity(len);
            out.extend_from_slice(&b[..a.0]);
            out.extend_from_slice(&b[c.0..c.1]);
            out.extend_from_slice(&b[a.1..c.0]);
            out.extend_from_slice(&b[a.0..a.1]);
            out.extend_from_slice(&b[c.1..]);
            *b = out;
            format!("swap objects at {} and {}", a.0, c.0)
        }
        6 => {
            // A number (outside binary streams, with luck) replaced by an extreme one.
            for _ in 0..32 {
                let at = rng.below(len);
                if b[at].is_ascii_digit() {
                    let mut s = at;
                    while s > 0 && (b[s - 1].is_ascii_digit() || b[s - 1] == b'.') {
                        s -= 1;
                    }
                    let mut e = at;
                    while e < len && (b[e].is_ascii_digit() || b[e] == b'.') {
                        e += 1;
                    }
                    let n = NUMBERS[rng.below(NUMBERS.len())];
                    b.splice(s..e, n.bytes());
                    return format!("number at {s} -> {n}");
                }
            }
            mutate_bytes(rng, b)
        }
        _ => {
            let at = rng.below(len + 1);
            let t = TOKENS[rng.below(TOKENS.len())];
            b.splice(at..at, t.bytes());
            format!("insert token {t:?} at {at}")
        }
    }
}

/// Mutations of decoded stream data: mostly small, so the rest still parses.
fn mutate_decoded(rng: &mut Rng, d: &mut Vec<u8>) -> String {
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let len = d.len();
        let w = match rng.below(6) {
            0 if len > 0 => {
                let at = rng.below(len);
                d[at] ^= 1 << rng.below(8);
                format!("flip@{at}")
            }
            1 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let ins = rng.bytes(n);
                d.splice(at..at, ins);
                format!("insert{n}@{at}")
            }
            2 if len > 0 => {
                let at = rng.below(len);
                let n = (1 + rng.below(32)).min(len - at);
                d.drain(at..at + n);
                format!("delete{n}@{at}")
            }
            3 if len > 0 => {
                let from = rng.below(len);
                let n = (1 + rng.below(256)).min(len - from);
                let to = rng.below(len + 1);
                let s = d[from..from + n].to_vec();
                d.splice(to..to, s);
                format!("dup{n}@{to}")
            }
            4 if len > 0 => {
                let at = rng.below(len);
                if let Some(k) = d[at..].iter().position(|c| c.is_ascii_digit()) {
                    let s = at + k;
                    let mut e = s;
                    while e < len && (d[e].is_ascii_digit() || d[e] == b'.') {
                        e += 1;
                    }
                    let n = NUMBERS[rng.below(NUMBERS.len())];
                    d.splice(s..e, n.bytes());
                    format!("number@{s}={n}")
                } else {
                    "none".into()
                }
            }
            _ => {
                let at = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                d.splice(at..at, t.bytes());
                format!("token@{at}={t:?}")
            }
        };
        what.push(w);
    }
    what.join(",")
}

fn is_flate(dict: &lopdf::Dictionary) -> bool {
    let filter_ok = match dict.get(b"Filter") {
        Ok(lopdf::Object::Name(n)) => n == b"FlateDecode",
        Ok(lopdf::Object::Array(a)) => {
            a.len() == 1 && matches!(&a[0], lopdf::Object::Name(n) if n == b"FlateDecode")
        }
        _ => false,
    };
    filter_ok && !dict.has(b"DecodeParms")
}

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(64 << 20)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("deflate");
    e.finish().expect("deflate")
}

/// Decompresses one FlateDecode stream of the seed, mutates the decoded bytes, re-compresses it and
/// saves the document (so /Length and the xref are right). `None` when the seed has no such stream.
fn mutate_stream(rng: &mut Rng, seed: &mut Seed) -> Option<(Vec<u8>, String)> {
    let doc = seed
        .doc
        .get_or_insert_with(|| lopdf::Document::load_mem(&seed.bytes).ok())
        .as_ref()?;
    let is_image = |s: &lopdf::Stream| matches!(s.dict.get(b"Subtype"), Ok(lopdf::Object::Name(n)) if n == b"Image");
    let all: Vec<(lopdf::ObjectId, bool)> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| match o {
            lopdf::Object::Stream(s) if is_flate(&s.dict) => Some((*id, is_image(s))),
            _ => None,
        })
        .collect();
    let text: Vec<lopdf::ObjectId> = all.iter().filter(|x| !x.1).map(|x| x.0).collect();
    let pick: Vec<lopdf::ObjectId> = if !text.is_empty() && rng.chance(85) {
        text
    } else {
        all.iter().map(|x| x.0).collect()
    };
    if pick.is_empty() {
        return None;
    }
    let id = pick[rng.below(pick.len())];
    let mut doc = doc.clone();
    let lopdf::Object::Stream(s) = doc.objects.get_mut(&id)? else {
        return None;
    };
    let mut data = inflate(&s.content)?;
    let what = mutate_decoded(rng, &mut data);
    s.set_content(deflate(&data));
    doc.trailer.remove(b"Encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some((out, format!("stream {} {}: {what}", id.0, id.1)))
}

struct Mutant {
    index: usize,
    seed_name: String,
    mutant_seed: u64,
    what: Vec<String>,
    file: String,
    bytes: Vec<u8>,
}

fn make_mutant(index: usize, base: u64, seeds: &mut [Seed]) -> Mutant {
    let mutant_seed = splitmix(base ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut rng = Rng::new(mutant_seed);
    let si = rng.below(seeds.len());
    let seed = &mut seeds[si];
    let mut what = Vec::new();
    // A third of the mutants go through the stream decoder; the rest are byte-level.
    let mut bytes = if rng.chance(35) {
        match mutate_stream(&mut rng, seed) {
            Some((b, w)) => {
                what.push(w);
                b
            }
            None => seed.bytes.clone(),
        }
    } else {
        seed.bytes.clone()
    };
    let extra = if what.is_empty() {
        1 + usize::from(rng.chance(30)) + usize::from(rng.chance(10))
    } else {
        usize::from(rng.chance(10))
    };
    for _ in 0..extra {
        what.push(mutate_bytes(&mut rng, &mut bytes));
    }
    Mutant {
        index,
        seed_name: seed.name.clone(),
        mutant_seed,
        what,
        file: format!("m{index:06}-{}.pdf", seed.name),
        bytes,
    }
}

// ---------------------------------------------------------------------------------------- running

/// The memory limit the runs are given (`--max-memory-mb`); the largest peak RSS of any run must
/// stay under it.
const MEMORY_LIMIT_MB: u64 = 1024;

/// The largest peak resident set of the child processes that have ended, in MB.
#[allow(unsafe_code)] // (getrusage is a C call.)
fn children_peak_rss_mb() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a zeroed rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(rc, 0, "getrusage");
    ru.ru_maxrss as u64 / 1024
}

/// How a child run ended.
enum Ran {
    Exited(Option<i32>, Duration),
    TimedOut,
}

fn run_guarded(input: &Path, out: &Path, log: &Path, timeout: Duration) -> Ran {
    let log_file = std::fs::File::create(log).expect("log file");
    let t = Instant::now();
    let mut child = Command::new(bin())
        .arg("redact")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args([
            // Each mutant on its own: pass one of --consistent reads with the same code as pass two,
            // so a batch read twice would double the time for nothing new.
            "--no-consistent",
            "--jobs",
            "2",
            "--quiet",
            "--max-memory-mb",
            &MEMORY_LIMIT_MB.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log_file))
        .spawn()
        .expect("the binary starts");
    loop {
        match child.try_wait().expect("try_wait") {
            Some(status) => return Ran::Exited(status.code(), t.elapsed()),
            None if t.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Ran::TimedOut;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[derive(Default)]
struct Tally {
    mutants: usize,
    done: usize,
    declined: usize,
    failed: usize,
    codes: BTreeMap<String, usize>,
    reasons: BTreeMap<String, usize>,
    /// Error codes whose mutants are kept although they are not failures (FOIREDACT_MUTATION_KEEP).
    keep_codes: Vec<String>,
    /// (mutant file, error code, reason) of those mutants, for the current batch.
    kept: Vec<(String, String, String)>,
}

/// A reason with its numbers blanked, to group similar ones.
fn gist(reason: &str) -> String {
    let mut s = String::new();
    for c in reason.chars() {
        if c.is_ascii_digit() {
            if !s.ends_with('#') {
                s.push('#');
            }
        } else {
            s.push(c);
        }
    }
    s.chars().take(120).collect()
}

fn leftover_tmp(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name.starts_with(".foiredact-") && name.ends_with(".tmp") {
                found.push(p);
            }
        }
    }
    found
}

/// Checks one finished run; returns the problems, each with the mutant file it concerns (if known).
fn check_run(
    code: Option<i32>,
    out: &Path,
    mutants: &[&Mutant],
    tally: &mut Tally,
) -> Vec<(Option<String>, String)> {
    let mut problems = Vec::new();
    if !matches!(code, Some(0) | Some(1)) {
        problems.push((None, format!("exit code {code:?}")));
        return problems;
    }
    let s: serde_json::Value = match std::fs::read(out.join("summary.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(s) => s,
        None => {
            problems.push((None, "no readable summary.json".into()));
            return problems;
        }
    };
    let results = s["results"].as_array().cloned().unwrap_or_default();
    let by_file: BTreeMap<&str, &serde_json::Value> = results
        .iter()
        .filter_map(|r| Some((r["file"].as_str()?, r)))
        .collect();
    let all_done = results.iter().all(|r| r["status"] == "done");
    if (code == Some(0)) != all_done {
        problems.push((
            None,
            format!("exit code {code:?} but all done = {all_done}"),
        ));
    }
    for m in mutants {
        let Some(r) = by_file.get(m.file.as_str()) else {
            problems.push((Some(m.file.clone()), "not in summary.json".into()));
            continue;
        };
        tally.mutants += 1;
        let status = r["status"].as_str().unwrap_or_default();
        let error = r["error"].as_str().unwrap_or_default();
        let reason = r["reason"].as_str().unwrap_or_default();
        match status {
            "done" => tally.done += 1,
            "declined" => tally.declined += 1,
            "failed" => tally.failed += 1,
            _ => {}
        }
        if status != "done" {
            *tally.codes.entry(error.to_string()).or_default() += 1;
            *tally
                .reasons
                .entry(format!("{error}: {}", gist(reason)))
                .or_default() += 1;
            if tally.keep_codes.iter().any(|c| c == error) {
                tally
                    .kept
                    .push((m.file.clone(), error.to_string(), reason.to_string()));
            }
        }
        if error == "internal" {
            problems.push((Some(m.file.clone()), format!("internal error: {reason}")));
        }
        match status {
            "done" => {
                let outputs: Vec<&str> = r["outputs"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                    .unwrap_or_default();
                if outputs.is_empty() {
                    problems.push((Some(m.file.clone()), "done without outputs".into()));
                }
                for f in outputs {
                    match std::fs::read(out.join(f)) {
                        Err(e) => problems.push((Some(m.file.clone()), format!("output {f}: {e}"))),
                        Ok(b) if f.ends_with(".pdf") && !b.starts_with(b"%PDF-") => problems
                            .push((Some(m.file.clone()), format!("output {f} is not a PDF"))),
                        Ok(_) => {}
                    }
                }
            }
            "declined" | "failed" => {
                if reason.trim().is_empty() {
                    problems.push((Some(m.file.clone()), format!("{status} without a reason")));
                }
                let stem = m.file.trim_end_matches(".pdf");
                for suffix in ["part1.pdf", "part2.pdf", "redactions.json"] {
                    if out.join(format!("{stem}.{suffix}")).exists() {
                        problems.push((
                            Some(m.file.clone()),
                            format!("{status} but {stem}.{suffix} exists"),
                        ));
                    }
                }
            }
            other => problems.push((Some(m.file.clone()), format!("status {other:?}"))),
        }
    }
    if by_file.len() != mutants.len() {
        problems.push((
            None,
            format!(
                "summary.json lists {} files, the batch has {}",
                by_file.len(),
                mutants.len()
            ),
        ));
    }
    for t in leftover_tmp(out) {
        problems.push((None, format!("temporary file left: {}", t.display())));
    }
    problems
}

fn failures_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    target.join("mutation-failures")
}

/// Copies a mutant to `target/mutation-failures/` with a note; returns the message to print.
fn keep_failure(m: &Mutant, problem: &str) -> String {
    keep_in(&failures_dir(), m, problem)
}

fn keep_in(dir: &Path, m: &Mutant, problem: &str) -> String {
    let dir = dir.to_path_buf();
    std::fs::create_dir_all(&dir).expect("target/mutation-failures");
    let path = dir.join(&m.file);
    std::fs::write(&path, &m.bytes).expect("copy of the mutant");
    let note = format!(
        "mutant {}\nseed file: {}\nmutant seed: {:#018x}\nmutations: {}\nproblem: {problem}\n",
        m.index,
        m.seed_name,
        m.mutant_seed,
        m.what.join("; ")
    );
    std::fs::write(path.with_extension("txt"), &note).expect("note");
    format!(
        "{}: {problem} (mutant {}, seed file {}, mutant seed {:#018x}, mutations: {})",
        path.display(),
        m.index,
        m.seed_name,
        m.mutant_seed,
        m.what.join("; ")
    )
}

/// How long a seed takes alone (measured once, on first need): what a mutant of it may take.
fn seed_time(
    name: &str,
    seeds: &[Seed],
    times: &mut BTreeMap<String, Duration>,
    work: &Path,
) -> Duration {
    if let Some(t) = times.get(name) {
        return *t;
    }
    let t = seeds
        .iter()
        .find(|s| s.name == name)
        .map(|s| {
            let dir = work.join("seed");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("dir");
            let input = dir.join(format!("{name}.pdf"));
            std::fs::write(&input, &s.bytes).expect("seed");
            let limit = ONE_TIMEOUT * SEED_FACTOR;
            let t = match run_guarded(&input, &dir.join("out"), &dir.join("stderr.txt"), limit) {
                Ran::Exited(_, took) => took,
                Ran::TimedOut => limit,
            };
            let _ = std::fs::remove_dir_all(&dir);
            t
        })
        .unwrap_or(Duration::ZERO);
    times.insert(name.to_string(), t);
    t
}

/// Runs each mutant of a batch alone, to find the one(s) that crash or hang it. A mutant hangs when
/// it takes over [`ONE_TIMEOUT`] and over [`SEED_FACTOR`] times its seed's own time.
fn isolate(
    batch: &[Mutant],
    work: &Path,
    seeds: &[Seed],
    times: &mut BTreeMap<String, Duration>,
) -> Vec<String> {
    let mut found = Vec::new();
    for m in batch {
        let limit = ONE_TIMEOUT.max(seed_time(&m.seed_name, seeds, times, work) * SEED_FACTOR);
        let dir = work.join(format!("alone-{}", m.index));
        let input = dir.join(&m.file);
        let out = dir.join("out");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(&input, &m.bytes).expect("mutant");
        let problem = match run_guarded(&input, &out, &dir.join("stderr.txt"), limit) {
            Ran::TimedOut => Some(format!("hang (> {limit:?} alone)")),
            Ran::Exited(code, _) => {
                let mut t = Tally::default();
                let p = check_run(code, &out, &[m], &mut t);
                (!p.is_empty()).then(|| {
                    let stderr =
                        std::fs::read_to_string(dir.join("stderr.txt")).unwrap_or_default();
                    let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
                    let p: Vec<String> = p.into_iter().map(|x| x.1).collect();
                    format!("{} [stderr: {tail}]", p.join("; "))
                })
            }
        };
        if let Some(p) = problem {
            found.push(keep_failure(m, &p));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    found
}

#[test]
fn mutants_get_an_answer() {
    let started = Instant::now();
    let total = env_num("FOIREDACT_MUTANTS", DEFAULT_MUTANTS as u64) as usize;
    let base = env_num("FOIREDACT_MUTATION_SEED", DEFAULT_SEED);
    let mut seeds = seeds();
    assert!(!seeds.is_empty(), "no seed PDFs in samples/");
    eprintln!(
        "mutation: {total} mutants of {} seeds, base seed {base:#x}, batches of {BATCH}",
        seeds.len()
    );
    let mut tally = Tally {
        keep_codes: std::env::var("FOIREDACT_MUTATION_KEEP")
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        ..Tally::default()
    };
    let mut kept = 0;
    let mut failures: Vec<String> = Vec::new();
    let mut slowest = (Duration::ZERO, 0usize);
    let (mut gen_time, mut run_time) = (Duration::ZERO, Duration::ZERO);
    let mut stream_mutants = 0;
    let mut seed_times: BTreeMap<String, Duration> = BTreeMap::new();
    let mut slow_batches = 0;
    for (b, first) in (0..total).step_by(BATCH).enumerate() {
        let tg = Instant::now();
        let batch: Vec<Mutant> = (first..(first + BATCH).min(total))
            .map(|i| make_mutant(i, base, &mut seeds))
            .collect();
        gen_time += tg.elapsed();
        stream_mutants += batch
            .iter()
            .filter(|m| m.what.first().is_some_and(|w| w.starts_with("stream ")))
            .count();
        let work = tempdir();
        let input = work.path().join("in");
        let out = work.path().join("out");
        std::fs::create_dir_all(&input).expect("batch folder");
        for m in &batch {
            std::fs::write(input.join(&m.file), &m.bytes).expect("mutant written");
        }
        let name = format!("batch {b} (mutants {first}..{})", first + batch.len() - 1);
        match run_guarded(&input, &out, &work.path().join("stderr.txt"), BATCH_TIMEOUT) {
            Ran::TimedOut => {
                // Slow is not hung: each mutant is run alone and checked in full, and one that
                // hangs alone is the failure (the batch guard only says where to look).
                let found = isolate(&batch, work.path(), &seeds, &mut seed_times);
                eprintln!(
                    "mutation: {name} took over {BATCH_TIMEOUT:?}; alone, {} of its mutants failed",
                    found.len()
                );
                slow_batches += 1;
                failures.extend(found);
            }
            Ran::Exited(code, took) => {
                run_time += took;
                if took > slowest.0 {
                    slowest = (took, b);
                }
                let refs: Vec<&Mutant> = batch.iter().collect();
                let problems = check_run(code, &out, &refs, &mut tally);
                let whole_batch = problems.iter().any(|p| p.0.is_none());
                for (file, p) in &problems {
                    match file
                        .as_ref()
                        .and_then(|f| batch.iter().find(|m| &m.file == f))
                    {
                        Some(m) => failures.push(format!("{name}: {}", keep_failure(m, p))),
                        None => failures.push(format!("{name}: {p}")),
                    }
                }
                for (file, code, reason) in std::mem::take(&mut tally.kept) {
                    if let Some(m) = batch.iter().find(|m| m.file == file) {
                        let dir = failures_dir().join(format!("declined-{code}"));
                        eprintln!("kept {}", keep_in(&dir, m, &reason));
                        kept += 1;
                    }
                }
                if whole_batch {
                    // A crash or a broken summary: find the mutant(s) responsible.
                    failures.extend(isolate(&batch, work.path(), &seeds, &mut seed_times));
                }
            }
        }
    }
    eprintln!(
        "mutation: {} mutants checked in {:?} (making them {:?}, foiredact {:?}): {} done, {} declined, {} failed; slowest batch {} took {:?}; {slow_batches} batches over {BATCH_TIMEOUT:?} run alone",
        tally.mutants,
        started.elapsed(),
        gen_time,
        run_time,
        tally.done,
        tally.declined,
        tally.failed,
        slowest.1,
        slowest.0
    );
    eprintln!(
        "mutation: {stream_mutants} mutants have a decoded stream mutated; error codes {:?}",
        tally.codes
    );
    let peak = children_peak_rss_mb();
    eprintln!("mutation: peak memory of a run {peak} MB (limit {MEMORY_LIMIT_MB} MB)");
    assert!(
        peak < MEMORY_LIMIT_MB,
        "a run used {peak} MB, over its limit"
    );
    let mut reasons: Vec<(&String, &usize)> = tally.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if kept > 0 {
        eprintln!(
            "mutation: {kept} declined mutants kept in {}/declined-*",
            failures_dir().display()
        );
    }
    for (r, n) in reasons.iter().take(60) {
        eprintln!("  {n:5}  {r}");
    }
    for f in &failures {
        eprintln!("FAILURE {f}");
    }
    assert!(
        failures.is_empty(),
        "{} problem(s); reproducers in {}:\n{}",
        failures.len(),
        failures_dir().display(),
        failures.join("\n")
    );
}
