//! The page as pixels (issue #19): files whose text layer does not carry what a reader sees, made by
//! `tests/visual/make_visual.py` (two variants of each class: a scan whose text layer is shifted one
//! line, misreads the name, or lacks its line; a page all drawn as outlines; an outlined line on a text
//! page; a screenshot of an e-mail on a text page; a font with no Unicode holding a name, and one
//! holding nothing personal). Each is redacted with its names and address as terms; tesseract's
//! reading of a 300 dpi render of the output and pdftotext must find none of them, the phrases to keep
//! must still be read, and every file is published (none declined). Without the generator's tools
//! (python3 with reportlab, Pillow and fontTools, gs, qpdf) or the checkers (pdftoppm, tesseract,
//! pdftotext), the test skips loudly; under FOIREDACT_REQUIRE_TOOLS=1 that is a failure.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// The generated files and their manifest, or `None` after a loud skip.
fn make(dir: &Path) -> Option<serde_json::Value> {
    if !(require_tool("python3") & require_tool("gs") & require_tool("qpdf")) {
        return None;
    }
    let o = Command::new("python3")
        .arg(repo().join("tests/visual/make_visual.py"))
        .arg(dir)
        .output()
        .expect("python3 runs");
    match o.status.code() {
        Some(0) => Some(read_json(&dir.join("manifest.json"))),
        // Exit 2: a tool or module the generator needs is missing (named on stderr).
        Some(2) => {
            skip(
                REQUIRE_TOOLS,
                &format!(
                    "the test-file generator cannot run: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
            );
            None
        }
        _ => panic!(
            "make_visual.py failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

/// Lowercase words of letters and digits (accents kept).
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn edits(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Whether the words of `term` occur in a row in `hay` (a word of 5 letters or more may differ by one
/// edit, as OCR slips do).
fn reads(hay: &[String], term: &str) -> bool {
    let t = words(term);
    if t.is_empty() {
        return false;
    }
    hay.windows(t.len()).any(|w| {
        w.iter().zip(&t).all(|(a, b)| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            a == b || (b.len() >= 5 && edits(&a, &b) <= 1)
        })
    })
}

#[test]
fn what_only_the_pixels_show_is_read_redacted_and_proven_gone() {
    if !(require_tool("tesseract") & require_tool("pdftoppm") & require_tool("pdftotext")) {
        return;
    }
    let d = tempdir();
    let inputs = d.path().join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let Some(manifest) = make(&inputs) else {
        return;
    };
    let files = manifest["files"].as_array().expect("files");
    assert!(files.len() >= 16, "two variants of eight classes");
    // One batch, every file's terms in one list (a term of another file is simply not there).
    let mut terms: Vec<String> = files
        .iter()
        .flat_map(|f| f["must_go"].as_array().expect("must_go").iter())
        .map(|t| t.as_str().expect("term").to_string())
        .collect();
    terms.sort();
    terms.dedup();
    let terms_file = d.path().join("terms.txt");
    std::fs::write(&terms_file, terms.join("\n")).expect("terms");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        inputs.to_str().expect("path"),
        "--terms",
        terms_file.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
        "-q",
    ]);
    let summary = summary(&out);
    let mut failures = Vec::new();
    for f in files {
        let name = f["file"].as_str().expect("file");
        let stem = name.trim_end_matches(".pdf");
        let class = f["class"].as_str().expect("class");
        let r = result(&summary, name).expect("a result per file");
        if r["status"] != "done" {
            failures.push(format!("{name}: not published: {}", r["reason"]));
            continue;
        }
        let mut ocr = String::new();
        let mut layer = String::new();
        for part in ["part1", "part2"] {
            let p = out.join(format!("{stem}.{part}.pdf"));
            if p.exists() {
                ocr.push_str(&ocr_text_at(&p, 300).expect("checked above"));
                layer.push_str(&pdf_text(&p));
            }
        }
        let (ocr_words, layer_words) = (words(&ocr), words(&layer));
        for t in f["must_go"].as_array().expect("must_go") {
            let t = t.as_str().expect("term");
            if reads(&ocr_words, t) {
                failures.push(format!(
                    "{name}: OCR of the output reads a term ({} letters)",
                    t.len()
                ));
            }
            if reads(&layer_words, t) {
                failures.push(format!(
                    "{name}: the output's text layer holds a term ({} letters)",
                    t.len()
                ));
            }
        }
        for t in f["must_stay"].as_array().expect("must_stay") {
            let t = t.as_str().expect("phrase");
            if !reads(&ocr_words, t) {
                failures.push(format!("{name}: a phrase to keep is no longer read: {t:?}"));
            }
        }
        // The summary says how the page was read.
        let causes = |c: &str| {
            r["eyes"].as_array().is_some_and(|e| {
                e.iter().any(|p| {
                    p["causes"]
                        .as_array()
                        .is_some_and(|cs| cs.iter().any(|x| x == c))
                })
            })
        };
        let ok = match class {
            "a" => r["ocr"]
                .as_array()
                .is_some_and(|o| o.iter().any(|p| p["layer_replaced"] == true)),
            "b" | "c" => r["ocr"]
                .as_array()
                .is_some_and(|o| o.iter().any(|p| p["layer_agreement"].is_number())),
            "d" | "e" => causes("outlines"),
            "f" => causes("picture"),
            "g" | "h" => causes("unmapped"),
            _ => true,
        };
        if !ok {
            failures.push(format!(
                "{name}: the summary does not say how class {class} was read: {r}"
            ));
        }
        if r["checked_by_eye"].as_u64().unwrap_or(0) == 0 && !matches!(class, "a" | "b" | "c") {
            failures.push(format!("{name}: no output page was checked by eye"));
        }
    }
    // The batch counts the pages checked by eye.
    if summary["checked_by_eye"].as_u64().unwrap_or(0) < 10 {
        failures.push(format!(
            "the batch summary counts {} pages checked by eye",
            summary["checked_by_eye"]
        ));
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}\n(redact said: {})",
        failures.len(),
        failures.join("\n"),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Glyphs with no Unicode are read from the pixels; with `--ocr never` nothing reads them, and the
/// file is declined (never published unread), naming the page.
#[test]
fn unmapped_glyphs_with_ocr_never_are_declined_not_published() {
    let d = tempdir();
    let inputs = d.path().join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let Some(_) = make(&inputs) else {
        return;
    };
    let out = d.path().join("out");
    let f = inputs.join("g-unmapped-name-1.pdf");
    let o = run(&[
        "redact",
        f.to_str().expect("path"),
        "--ocr",
        "never",
        "--out",
        out.to_str().expect("path"),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1), "declined: exit 1");
    let s = summary(&out);
    let r = result(&s, "g-unmapped-name-1.pdf").expect("result");
    assert_eq!(r["status"], "declined", "{r}");
    assert!(!out.join("g-unmapped-name-1.part1.pdf").exists());
}

/// `foiredact verify` reads what only the pixels show: the unredacted inputs of the outline,
/// screenshot and unmapped-glyph classes hold their terms (exit 1, found in the page's image); before
/// the page as pixels, it called the outlines and screenshots clean.
#[test]
fn verify_finds_terms_only_the_pixels_show() {
    if !(require_tool("tesseract") & require_tool("pdftoppm")) {
        return;
    }
    let d = tempdir();
    let inputs = d.path().join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let Some(manifest) = make(&inputs) else {
        return;
    };
    for f in manifest["files"].as_array().expect("files") {
        let class = f["class"].as_str().expect("class");
        if !matches!(class, "d" | "e" | "f" | "g") {
            continue;
        }
        let name = f["file"].as_str().expect("file");
        let terms = d.path().join(format!("{name}.terms"));
        let list: Vec<&str> = f["must_go"]
            .as_array()
            .expect("must_go")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        std::fs::write(&terms, list.join("\n")).expect("terms");
        let o = run(&[
            "verify",
            inputs.join(name).to_str().expect("path"),
            "--terms",
            terms.to_str().expect("path"),
        ]);
        let said =
            String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: the terms are found: {said}"
        );
        assert!(
            said.contains("image (OCR)"),
            "{name}: found in the page's image: {said}"
        );
    }
}
