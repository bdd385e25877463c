//! Pages with no text layer are read with OCR: the corpus scans with their OCR layer stripped.
//! Skips when the corpus or the tesseract program is absent.

mod common;
use common::*;
use lopdf::{Document, Object};

/// A corpus scan with every text object removed: only the page image is left.
fn strip_text_layer(src: &std::path::Path) -> Vec<u8> {
    let mut doc = Document::load(src).expect("loads");
    let bt_et = regex::bytes::Regex::new(r"(?s)\bBT\b.*?\bET\b").expect("regex");
    for obj in doc.objects.values_mut() {
        if let Object::Stream(s) = obj {
            if s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image") {
                continue;
            }
            if let Ok(d) = s.decompressed_content() {
                if bt_et.is_match(&d) {
                    s.set_plain_content(bt_et.replace_all(&d, &b""[..]).to_vec());
                }
            }
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saves");
    out
}

fn ocr_text(pdf: &std::path::Path, dir: &std::path::Path) -> String {
    let prefix = dir.join("page");
    let o = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-gray"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm");
    assert!(o.status.success());
    let mut text = String::new();
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pages.sort();
    for p in pages {
        let o = std::process::Command::new("tesseract")
            .arg(&p)
            .arg("-")
            .output()
            .expect("tesseract");
        text.push_str(&String::from_utf8_lossy(&o.stdout));
        let _ = std::fs::remove_file(p);
    }
    text
}

/// Every corpus scan with its text layer stripped, redacted with the default rules and `--ocr auto`:
/// every signature-block value, postcode, phone number and e-mail address is gone from the output's
/// pixels (tesseract on the output reads none of them), and at least 90% of the keep phrases are still
/// readable by tesseract (over all the scans).
#[test]
fn scans_without_a_text_layer_are_read_and_their_pixels_blanked() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus not present");
        return;
    };
    if !have("tesseract") || !have("pdftoppm") {
        eprintln!("skipped: tesseract or pdftoppm not installed");
        return;
    }
    let mut scans: Vec<std::path::PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("-scanned.pdf"))
        .collect();
    scans.sort();
    assert!(scans.len() >= 4, "the corpus has its scans");
    let d = tempdir();
    let inputs = d.path().join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    for src in &scans {
        let inp = inputs.join(src.file_name().expect("name"));
        std::fs::write(&inp, strip_text_layer(src)).expect("write");
        assert!(
            pdf_text(&inp).trim().is_empty(),
            "the input has no text layer left"
        );
    }
    let out = d.path().join("out");
    run_ok(&[
        "redact",
        inputs.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let s = summary(&out);
    let (mut keep_total, mut keep_seen) = (0, 0);
    for (k, src) in scans.iter().enumerate() {
        let stem = src.file_stem().expect("stem").to_string_lossy().to_string();
        assert!(
            s["results"][k]["ocr"][0]["mean_confidence"]
                .as_f64()
                .expect("ocr logged")
                > 40.0
        );
        let truth: serde_json::Value = serde_json::from_slice(
            &std::fs::read(corpus.join(format!("{stem}.truth.json"))).expect("truth"),
        )
        .expect("json");
        for part in ["part1", "part2"] {
            let pdf = out.join(format!("{stem}.{part}.pdf"));
            if !pdf.exists() {
                assert!(pages_of(&truth, part).is_empty(), "{stem}: {part} missing");
                continue;
            }
            let pages = d.path().join(format!("ocr-{stem}-{part}"));
            std::fs::create_dir_all(&pages).expect("mkdir");
            let seen = norm(&ocr_text(&pdf, &pages));
            for (t, cat) in items(&truth, part, "redact") {
                if ["postcode", "phone", "email", "signature"].contains(&cat.as_str()) {
                    assert!(
                        !seen.contains(&norm(&t)),
                        "{stem} {part}: a {cat} is still readable in the pixels"
                    );
                }
            }
            let keep = items(&truth, part, "keep");
            keep_total += keep.len();
            keep_seen += keep.iter().filter(|(t, _)| seen.contains(&norm(t))).count();
        }
    }
    eprintln!("scans: keep phrases readable by tesseract on the outputs: {keep_seen}/{keep_total}");
    assert!(
        keep_seen * 10 >= keep_total * 9,
        "keep {keep_seen}/{keep_total}"
    );
    // And with --ocr never the files are declined.
    let o = run(&[
        "redact",
        inputs.to_str().expect("utf8"),
        "--out",
        d.path().join("never").to_str().expect("utf8"),
        "--ocr",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(summary(&d.path().join("never"))["done"], 0);
}

/// `--ocr-layer`: a scan read by OCR gets an invisible text layer of the words kept, so the published
/// scan can be searched; none of the redacted values is in it (nor anywhere in the file).
#[test]
fn ocr_layer_makes_the_scan_searchable_without_the_redacted_words() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus not present");
        return;
    };
    if !have("tesseract") || !have("pdftotext") {
        eprintln!("skipped: tesseract or pdftotext not installed");
        return;
    }
    let d = tempdir();
    let inp = d.path().join("scan.pdf");
    std::fs::write(&inp, strip_text_layer(&corpus.join("dev-005-scanned.pdf"))).expect("write");
    let out = d.path().join("out");
    run_ok(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--ocr-layer",
    ]);
    let pdf = out.join("scan.part1.pdf");
    assert!(qpdf_ok(&pdf));
    let text = norm(&pdf_text(&pdf));
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(corpus.join("dev-005-scanned.truth.json")).expect("truth"),
    )
    .expect("json");
    let keep = items(&truth, "part1", "keep");
    let found = keep.iter().filter(|(t, _)| text.contains(&norm(t))).count();
    assert!(
        found * 10 >= keep.len() * 7,
        "searchable: {found}/{}",
        keep.len()
    );
    for (t, cat) in items(&truth, "part1", "redact") {
        assert!(!text.contains(&norm(&t)), "a {cat} is in the text layer");
    }
    // A confidence threshold above what OCR gives this scan declines it, with that reason.
    let strict = d.path().join("strict");
    let o = run(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        strict.to_str().expect("utf8"),
        "--min-ocr-confidence",
        "99",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let reason = summary(&strict)["results"][0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("too low to trust"), "{reason}");
    // Without the flag there is no text layer (only the boxes' labels).
    let plain = d.path().join("plain");
    run_ok(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        plain.to_str().expect("utf8"),
    ]);
    assert!(pdf_text(&plain.join("scan.part1.pdf"))
        .replace("s40(2)", "")
        .trim()
        .is_empty());
}
