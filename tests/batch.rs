//! Batches: resume after an interrupted run, shards over machines, merged logs, --jobs determinism.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn inputs(d: &Path) -> PathBuf {
    let inp = d.join("in");
    std::fs::create_dir_all(inp.join("sub")).expect("mkdir");
    for (i, f) in [
        "decision-part1-part2.pdf",
        "decision-part2-only.pdf",
        "letter-contact.pdf",
        "decision-midpage.pdf",
    ]
    .iter()
    .enumerate()
    {
        let dest = if i % 2 == 0 {
            inp.join(f)
        } else {
            inp.join("sub").join(f)
        };
        std::fs::copy(repo().join("samples").join(f), dest).expect("copy");
    }
    inp
}

/// Every output file under `dir` (relative path -> bytes), batch logs aside.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .filter(|(n, _)| {
            !n.starts_with("summary") && !n.starts_with("manifest") && !n.starts_with("redactions.")
        })
        .map(|(n, p)| (n, std::fs::read(p).expect("read")))
        .collect()
}

/// A run killed midway (some outputs missing, a temp file left, a part half-written) and resumed with
/// --resume gives the same outputs as an uninterrupted run; the complete files are not redone.
#[test]
fn resume_after_an_interrupted_run_matches_a_full_run() {
    let d = tempdir();
    let inp = inputs(d.path());
    let full = d.path().join("full");
    run_ok(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        full.to_str().expect("utf8"),
    ]);
    let part = d.path().join("part");
    assert_eq!(
        run(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            part.to_str().expect("utf8")
        ])
        .status
        .code(),
        Some(0)
    );
    // Simulate the kill: one file's outputs gone, one file's log gone (half done), a temp file left.
    std::fs::remove_file(part.join("letter-contact.part1.pdf")).expect("rm");
    std::fs::remove_file(part.join("letter-contact.redactions.json")).expect("rm");
    std::fs::remove_file(part.join("sub/decision-part2-only.redactions.json")).expect("rm");
    std::fs::write(part.join("sub/.foiredact-abc123.tmp"), b"partial").expect("write");
    let kept = std::fs::metadata(part.join("decision-part1-part2.part1.pdf"))
        .expect("meta")
        .modified()
        .expect("mtime");
    run_ok(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        part.to_str().expect("utf8"),
        "--resume",
    ]);
    assert_eq!(
        tree(&full),
        tree(&part),
        "same outputs as the uninterrupted run"
    );
    assert_eq!(
        std::fs::metadata(part.join("decision-part1-part2.part1.pdf"))
            .expect("meta")
            .modified()
            .expect("mtime"),
        kept,
        "complete outputs are not redone"
    );
    let s = summary(&part);
    assert_eq!(s["files"], 4);
    assert_eq!(
        s["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|r| r["resumed"] == true)
            .count(),
        2
    );
    assert_eq!(
        std::fs::read_to_string(part.join("redactions.csv")).expect("csv"),
        std::fs::read_to_string(full.join("redactions.csv")).expect("csv")
    );
    // Other rules make the old outputs stale: everything is redone.
    let terms = d.path().join("t.txt");
    std::fs::write(&terms, "overnight\n").expect("write");
    let o = run(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        part.to_str().expect("utf8"),
        "--resume",
        "--terms",
        terms.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(summary(&part)["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|r| r.get("resumed").is_none()));
}

/// Shards 1/3, 2/3, 3/3 into one tree cover every input exactly once, and merge-logs combines their
/// logs into the same schedule as one unsharded run.
#[test]
fn shards_cover_every_input_once_and_merge() {
    let d = tempdir();
    let inp = inputs(d.path());
    let whole = d.path().join("whole");
    assert_eq!(
        run(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            whole.to_str().expect("utf8")
        ])
        .status
        .code(),
        Some(0)
    );
    let shared = d.path().join("shared");
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        run_ok(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            shared.to_str().expect("utf8"),
            "--shard",
            &format!("{k}/3"),
        ]);
        let s: serde_json::Value = serde_json::from_slice(
            &std::fs::read(shared.join(format!("summary.shard-{k}-of-3.json")))
                .expect("shard summary"),
        )
        .expect("json");
        seen.extend(
            s["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| r["file"].as_str().expect("file").to_string()),
        );
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "decision-part1-part2.pdf",
            "letter-contact.pdf",
            "sub/decision-midpage.pdf",
            "sub/decision-part2-only.pdf"
        ]
    );
    assert_eq!(tree(&whole), tree(&shared));
    let merged = d.path().join("merged");
    run_ok(&[
        "merge-logs",
        shared.to_str().expect("utf8"),
        "--out",
        merged.to_str().expect("utf8"),
    ]);
    assert_eq!(
        std::fs::read_to_string(merged.join("redactions.csv")).expect("csv"),
        std::fs::read_to_string(whole.join("redactions.csv")).expect("csv")
    );
    assert_eq!(summary(&merged)["files"], 4);
    // Totals (pages, redactions by exemption) merge to the unsharded run's.
    for k in ["pages", "redactions", "exemptions"] {
        assert_eq!(summary(&merged)[k], summary(&whole)[k], "{k}");
    }
    assert!(summary(&whole)["exemptions"]["s40(2)"].as_u64() > Some(10));
    assert!(
        run(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            shared.to_str().expect("utf8"),
            "--shard",
            "4/3"
        ])
        .status
        .code()
            == Some(2)
    );
}

/// --jobs 1 and --jobs 2 give byte-identical outputs and logs.
#[test]
fn outputs_do_not_depend_on_jobs() {
    let d = tempdir();
    let inp = inputs(d.path());
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    assert_eq!(
        run(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            a.to_str().expect("utf8"),
            "--jobs",
            "1"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--out",
            b.to_str().expect("utf8"),
            "--jobs",
            "2"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(tree(&a), tree(&b));
    assert_eq!(
        std::fs::read_to_string(a.join("redactions.csv")).expect("csv"),
        std::fs::read_to_string(b.join("redactions.csv")).expect("csv")
    );
}

/// Outputs are written by a thread of their own while the workers go on. A file whose output cannot
/// be written (here a folder stands where its Part 2 goes) fails: its report says so, the exit code
/// says so, nothing of it is left (no Part 1, no log) and the other files are done.
#[test]
fn an_output_that_cannot_be_written_fails_its_file_only() {
    let d = tempdir();
    let inp = inputs(d.path());
    let out = d.path().join("out");
    let blocker = out.join("decision-part1-part2.part2.pdf");
    std::fs::create_dir_all(blocker.join("x")).expect("mkdir");
    let o = run(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--overwrite",
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1), "some files failed");
    let s = summary(&out);
    let r = result(&s, "decision-part1-part2.pdf").expect("reported");
    assert_eq!(r["status"], "failed", "{r}");
    assert!(r["outputs"].as_array().is_none_or(|a| a.is_empty()), "{r}");
    assert!(!out.join("decision-part1-part2.part1.pdf").exists());
    assert!(!out.join("decision-part1-part2.redactions.json").exists());
    assert!(blocker.is_dir());
    assert_eq!(s["done"], 3, "{s}");
    assert_eq!(s["failed"], 1, "{s}");
    let csv = std::fs::read_to_string(out.join("redactions.csv")).expect("schedule");
    assert!(
        !csv.lines()
            .any(|l| l.contains("decision-part1-part2.pdf") && l.contains("s40")),
        "no redaction rows for a failed file"
    );
}
