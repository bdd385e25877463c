//! One driver for every per-file subcommand: `review`, `scan` and `verify` take `--jobs` like
//! `redact`, and give the same outputs, in the same order, at any number of jobs (a file's panic is
//! caught per file: see `driver`'s own test).

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).expect("under").to_path_buf(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

/// The samples (good and broken), so that some files fail.
fn inputs() -> Vec<String> {
    let s = repo().join("samples");
    vec![s.display().to_string()]
}

#[test]
fn scan_prints_the_same_lines_in_input_order_at_any_jobs() {
    let mut outs = Vec::new();
    for jobs in ["1", "2", "4"] {
        let mut a = vec!["scan".to_string()];
        a.extend(inputs());
        a.extend(["--jobs".into(), jobs.into(), "--quiet".into()]);
        let args: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&args);
        outs.push((
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        ));
    }
    assert!(outs[0].1.lines().count() > 5, "{}", outs[0].1);
    // Files in order: each file's lines together, files sorted as discovered.
    let files: Vec<&str> = outs[0]
        .1
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for f in &files {
        if seen.last() != Some(f) {
            assert!(!seen.contains(f), "{f} printed in two places");
            seen.push(f);
        }
    }
    assert!(seen.len() >= 3, "{seen:?}");
    for o in &outs[1..] {
        assert_eq!(o, &outs[0]);
    }
}

#[test]
fn review_writes_the_same_files_at_any_jobs() {
    let d = tempdir();
    let mut trees = Vec::new();
    for jobs in ["1", "2"] {
        let out = d.path().join(format!("review-{jobs}"));
        let mut a = vec!["review".to_string()];
        a.extend(inputs());
        a.extend([
            "--out".into(),
            out.display().to_string(),
            "--jobs".into(),
            jobs.into(),
        ]);
        let args: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&args);
        trees.push((o.status.code(), tree(&out)));
    }
    assert!(
        trees[0]
            .1
            .iter()
            .filter(|(p, _)| p.to_string_lossy().ends_with(".decisions.csv"))
            .count()
            >= 3,
        "{:?}",
        trees[0].1.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    assert_eq!(trees[0], trees[1]);
}

#[test]
fn verify_reports_the_same_at_any_jobs() {
    let d = tempdir();
    let terms = d.path().join("terms.txt");
    // Words of the samples (so that some are found) and one that is nowhere.
    std::fs::write(&terms, "Part\ndecision\nZyxwvut Qponm\n").expect("write");
    let pdfs: Vec<String> = pdfs_in(&repo().join("samples"))
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert!(pdfs.len() >= 3);
    let mut outs = Vec::new();
    for jobs in ["1", "2"] {
        let mut a = vec!["verify".to_string()];
        a.extend(pdfs.iter().cloned());
        a.extend([
            "--terms".into(),
            terms.display().to_string(),
            "--jobs".into(),
            jobs.into(),
        ]);
        let args: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&args);
        outs.push((
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        ));
    }
    assert_eq!(outs[0].0, Some(1), "terms are in the samples");
    assert!(outs[0].1.lines().count() >= 3, "{}", outs[0].1);
    assert_eq!(outs[0], outs[1]);
}

#[test]
fn every_per_file_subcommand_takes_jobs() {
    for cmd in ["redact", "review", "scan", "verify"] {
        let o = run(&[cmd, "--help"]);
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("--jobs"), "{cmd} --help has no --jobs");
        assert!(help.contains("--quiet"), "{cmd} --help has no --quiet");
    }
}
