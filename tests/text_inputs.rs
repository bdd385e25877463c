//! Plain-text inputs: `.txt` files are redacted with the same rules into `<stem>.part1.txt` and
//! `<stem>.part2.txt`, each redaction shown as `[REDACTED <exemption>]`, and logged like PDFs.
//! The golden files in `tests/golden/txt-decision/` are refreshed with `BLESS=1` (review the diff).

mod common;
use common::*;
use std::path::Path;

const GOLDEN: &str = "tests/golden/txt-decision";

/// Every signature-block (and signature field) value of the golden input: all must be gone.
const SIGNATURE_VALUES: &[&str] = &[
    "H. Vasquez-Thorne",
    "L. Marchbank",
    "P. Oyinlola-Reece",
    "MIRANDA CALLOWAY-SHAH",
    "E. Brackenridge",
    "EDMUND BRACKENRIDGE",
    "22 THISTLE ROW, WESTBURY WB8 4LD",
    "BEEKEEPER",
];

/// The other personal data of the golden input.
const OTHER_PERSONAL: &[&str] = &[
    "Tobias Wrenfield-Oduya",
    "01632 960577",
    "t.wrenfield@example.org",
    "Ambrose Kettleworth",
    "Kettleworth",
    "8 Sorrel Lane",
    "WB6 2QN",
    "07700 900318",
];

fn compare_or_bless(got: &str, want: &Path) {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(want, got).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(want)
        .unwrap_or_else(|_| panic!("{} missing: run with BLESS=1", want.display()));
    assert_eq!(
        got,
        expected,
        "{} differs (BLESS=1 to refresh)",
        want.display()
    );
}

#[test]
fn golden_text_decision() {
    let dir = repo().join(GOLDEN);
    let input = dir.join("input.txt");
    let d = tempdir();
    let out = d.path().join("out");
    let o = redact_ok(&[&input], &out, &["--reviewer", "Golden Test"]);
    let src = std::fs::read_to_string(&input).expect("input");
    let p1 = std::fs::read_to_string(out.join("input.part1.txt")).expect("part 1");
    let p2 = std::fs::read_to_string(out.join("input.part2.txt")).expect("part 2");
    compare_or_bless(&p1, &dir.join("part1.txt"));
    compare_or_bless(&p2, &dir.join("part2.txt"));
    let schedule = std::fs::read_to_string(out.join("redactions.csv")).expect("schedule");
    compare_or_bless(&schedule, &dir.join("redactions.csv"));
    // Every signature value replaced, nothing personal left.
    for v in SIGNATURE_VALUES.iter().chain(OTHER_PERSONAL) {
        assert!(src.contains(v), "the golden input holds {v}");
        assert!(!p1.contains(v) && !p2.contains(v), "{v} survives");
    }
    // The rest unchanged: with every marker taken out of the output and every redacted value out of
    // the input, the two read the same, line for line.
    let mut stripped_src = src.clone();
    let mut values: Vec<&str> = SIGNATURE_VALUES
        .iter()
        .chain(OTHER_PERSONAL)
        .copied()
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in values {
        stripped_src = stripped_src.replace(v, "");
    }
    let stripped_out = format!("{p1}{p2}").replace("[REDACTED s40(2)]", "");
    assert_eq!(stripped_out, stripped_src);
    assert_eq!(p1.lines().count() + p2.lines().count(), src.lines().count());
    assert!(p2.starts_with("PART II - NOT FOR PUBLICATION\n"));
    assert!(p1.contains("Signature: [REDACTED s40(2)]\nDate: 9 May 2025\n"));
    // Logged like a PDF: a log with lines instead of rectangles, and the batch summary.
    let log = read_json(&out.join("input.redactions.json"));
    assert_eq!(log["format"], "text");
    let boxes = log["redactions"].as_array().expect("redactions");
    assert_eq!(boxes.len(), SIGNATURE_VALUES.len() + 8);
    assert!(boxes
        .iter()
        .all(|b| b["line"].as_u64().is_some() && b.get("rect").is_none()));
    assert!(!String::from_utf8_lossy(
        &std::fs::read(out.join("input.redactions.json")).expect("log")
    )
    .contains("Brackenridge"));
    assert_eq!(summary(&out)["done"], 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 done"));
}

/// A folder holding PDFs and text files: both are found, each written in its own kind; `--resume`
/// takes the text outputs over; `publish` lists the PDFs and counts the texts apart.
#[test]
fn folders_mix_pdfs_and_texts() {
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(inp.join("sub")).expect("mkdir");
    std::fs::copy(
        repo().join("samples/decision-midpage.pdf"),
        inp.join("decision-midpage.pdf"),
    )
    .expect("copy");
    std::fs::write(
        inp.join("sub/note.txt"),
        "Decision number: 2025/040\r\nTitle: Note\r\nContact: Peregrine Ashdown, tel 01632 960111\r\n",
    )
    .expect("write");
    let out = d.path().join("out");
    redact_ok(&[&inp], &out, &[]);
    assert!(out.join("decision-midpage.part1.pdf").exists());
    let note = std::fs::read_to_string(out.join("sub/note.part1.txt")).expect("note");
    assert_eq!(
        note,
        "Decision number: 2025/040\nTitle: Note\nContact: [REDACTED s40(2)], tel [REDACTED s40(2)]\n"
    );
    assert!(!out.join("sub/note.part2.txt").exists());
    redact_ok(&[&inp], &out, &["--resume"]);
    let s = summary(&out);
    let note_rep = result(&s, "sub/note.txt").expect("note in summary").clone();
    assert_eq!(note_rep["resumed"], true);
    assert_eq!(note_rep["outputs"][0], "sub/note.part1.txt");
    let schedule = std::fs::read_to_string(out.join("redactions.csv")).expect("csv");
    assert!(schedule.contains("sub/note.txt,1,1,,,,,"), "{schedule}");
    let site = d.path().join("site");
    let o = publish_ok(&out, &site, &[]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 text documents not published"));
    let index = read_json(&site.join("index.json"));
    assert_eq!(index["documents"].as_array().expect("docs").len(), 1);
}

/// Fail closed: a text that is not UTF-8 is declined, with no output, and the batch goes on.
#[test]
fn a_text_that_is_not_utf8_is_declined() {
    let d = tempdir();
    let bad = d.path().join("bad.txt");
    std::fs::write(&bad, b"Name: Ren\xe9e Dupont\n").expect("write");
    let good = d.path().join("good.txt");
    std::fs::write(&good, "Nothing personal here.\n").expect("write");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        bad.to_str().expect("utf8"),
        good.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.join("bad.part1.txt").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("good.part1.txt")).expect("good"),
        "Nothing personal here.\n"
    );
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("UTF-8") && !e.contains("Dupont"), "{e}");
}
