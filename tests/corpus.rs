//! The shared developer corpus (`../shared/corpus`), when present: real producers' PDFs with truth files.
//! Skips loudly when the corpus is absent (fails under `FOIREDACT_REQUIRE_CORPUS=1`, as `.ci/run` sets
//! it when the corpus is there).

mod common;
use common::*;
use std::path::PathBuf;

/// Corpus files of every producer, the scans (with their OCR text layer) included; empty after a
/// loud skip when the corpus is absent.
fn text_producer_files() -> Vec<(PathBuf, serde_json::Value)> {
    let Some(dir) = corpus() else { return vec![] };
    let mut v: Vec<(PathBuf, serde_json::Value)> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter_map(|p| {
            let t: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p.with_extension("truth.json")).ok()?)
                    .ok()?;
            ["reportlab", "fpdf2", "libreoffice", "scanned"]
                .contains(&t["producer"].as_str()?)
                .then_some((p, t))
        })
        .collect();
    assert!(
        v.len() >= 8,
        "the corpus has files of every producer with truth files: {}",
        v.len()
    );
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// `--terms` with every truth item: none survives in the matching part, >= 97% of keep phrases stay,
/// page lists match, every output passes qpdf --check.
#[test]
fn corpus_terms_remove_every_item() {
    let files = text_producer_files();
    if files.is_empty() {
        return;
    }
    let d = tempdir();
    let (mut kt, mut kf) = (0, 0);
    let mut leaks = Vec::new();
    for (pdf, t) in &files {
        let stem = pdf.file_stem().expect("stem").to_string_lossy().to_string();
        let terms = d.path().join(format!("{stem}.terms"));
        std::fs::write(&terms, truth_texts(t).join("\n")).expect("write terms");
        let out = d.path().join("out");
        let o = run(&[
            "redact",
            pdf.to_str().expect("utf8"),
            "--terms",
            terms.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--overwrite",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{stem}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let c = check_truth(&out, &stem, t, &[]);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        leaks.extend(c.leaks);
        kt += c.keep_total;
        kf += c.keep_found;
        // Hidden items (metadata, annotations, outlines ...) are nowhere in either output's raw bytes.
        for part in ["part1", "part2"] {
            let p = out.join(format!("{stem}.{part}.pdf"));
            if let Ok(bytes) = std::fs::read(&p) {
                let raw = norm(&String::from_utf8_lossy(&bytes));
                for h in t["hidden"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h["text"].as_str())
                {
                    assert!(
                        !raw.contains(&norm(h)),
                        "{stem} {part}: hidden item in raw bytes"
                    );
                }
            }
        }
    }
    assert!(leaks.is_empty(), "leaked: {leaks:?}");
    assert!(kf as f64 >= 0.97 * kt as f64, "keep {kf}/{kt}");
}

/// The default rules alone: every signature-block value, postcode, phone number and e-mail address
/// is gone, and no keep phrase is lost.
#[test]
fn corpus_default_rules_remove_structured_items() {
    let files = text_producer_files();
    if files.is_empty() {
        return;
    }
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).expect("mkdir");
    for (pdf, _) in &files {
        std::fs::copy(pdf, inp.join(pdf.file_name().expect("name"))).expect("copy");
    }
    let out = d.path().join("out");
    run_ok(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--jobs",
        "2",
    ]);
    let (mut kt, mut kf) = (0, 0);
    let mut leaks = Vec::new();
    for (pdf, t) in &files {
        let stem = pdf.file_stem().expect("stem").to_string_lossy().to_string();
        let c = check_truth(
            &out,
            &stem,
            t,
            &[
                "signature",
                "postcode",
                "phone",
                "email",
                "address",
                "name",
                "nino",
                "dob",
                "vehicle",
                "bank",
            ],
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        leaks.extend(c.leaks);
        kt += c.keep_total;
        kf += c.keep_found;
    }
    assert!(leaks.is_empty(), "leaked with the default rules: {leaks:?}");
    // (OCR'd scans: a widened box over a scan's ink may take a letter of the next word.)
    assert!(
        kf as f64 >= 0.99 * kt as f64,
        "keep phrases lost: {kf}/{kt}"
    );
}
