//! Pages with no text layer are read with OCR: the synthetic scan of `samples/` (in every clone), and
//! the corpus scans with their OCR layer stripped. Without tesseract (or pdftoppm, pdftotext) or the
//! corpus, a test skips loudly; under FOIREDACT_REQUIRE_TOOLS=1 or FOIREDACT_REQUIRE_CORPUS=1 that
//! is a failure.

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

/// Every corpus scan with its text layer stripped, redacted with the default rules and `--ocr auto`:
/// every signature-block value, postcode, phone number and e-mail address is gone from the output's
/// pixels (tesseract on the output reads none of them), and at least 90% of the keep phrases are still
/// readable by tesseract (over all the scans).
#[test]
fn scans_without_a_text_layer_are_read_and_their_pixels_blanked() {
    let Some(corpus) = corpus() else {
        return;
    };
    if !(require_tool("tesseract") & require_tool("pdftoppm")) {
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
            let seen = norm(&ocr_text(&pdf).expect("pdftoppm and tesseract are installed"));
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
        return;
    };
    if !(require_tool("tesseract") & require_tool("pdftotext")) {
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
    assert_qpdf(&pdf, "output");
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

/// The image XObjects of a PDF's first page, with the matrix each is drawn with (the samples' scan
/// draws its one image over the whole page).
fn page_images(doc: &Document) -> Vec<lopdf::Stream> {
    let pid = *doc.get_pages().values().next().expect("a page");
    let (res, _) = doc.get_page_resources(pid).expect("resources");
    let xobjects = res
        .expect("resources")
        .get(b"XObject")
        .and_then(Object::as_dict)
        .expect("XObjects");
    xobjects
        .iter()
        .map(|(_, o)| {
            doc.get_object(o.as_reference().expect("ref"))
                .and_then(Object::as_stream)
                .expect("image")
                .clone()
        })
        .collect()
}

/// `samples/decision-scanned.pdf`, a page that is only a 1-bit image of text, in every clone: with
/// `--ocr never` it is declined; with OCR (default rules) the name, address, postcode and phone are
/// proposed and boxed, tesseract reads none of them in the output's pixels but reads every keep
/// phrase, and the pixels under each box are 0 in the output's image (and were not in the input's).
#[test]
fn the_sample_scan_is_read_and_its_personal_data_blanked() {
    let scan = repo().join("samples/decision-scanned.pdf");
    let truth = read_json(&repo().join("samples/expected.json"))["decision-scanned.pdf"].clone();
    assert!(is_scan(&truth), "expected.json marks it as a scan");
    // No text layer: nothing to read without OCR, so it is declined rather than published unread.
    let o = run(&[
        "text",
        "--json",
        "--ocr",
        "never",
        scan.to_str().expect("utf8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "text says it cannot read the page"
    );
    let pages: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(pages.as_array().expect("pages").len(), 1);
    assert!(
        pages[0]["glyphs"].as_array().expect("glyphs").is_empty(),
        "the scan has no text layer"
    );
    let d = tempdir();
    let never = d.path().join("never");
    let o = run(&[
        "redact",
        scan.to_str().expect("utf8"),
        "--out",
        never.to_str().expect("utf8"),
        "--ocr",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(summary(&never)["results"][0]["status"], "declined");
    assert!(!never.join("decision-scanned.part1.pdf").exists());
    if !require_tool("tesseract") {
        return;
    }
    let out = d.path().join("out");
    redact_ok(&[&scan], &out, &[]);
    let s = summary(&out);
    assert!(
        s["results"][0]["ocr"][0]["mean_confidence"]
            .as_f64()
            .expect("OCR logged")
            > 60.0,
        "{}",
        s["results"][0]
    );
    let log = read_json(&out.join("decision-scanned.redactions.json"));
    let boxes = log["redactions"].as_array().expect("redactions");
    let mut categories: Vec<&str> = boxes
        .iter()
        .map(|r| r["category"].as_str().expect("category"))
        .collect();
    categories.sort();
    let mut want: Vec<String> = items(&truth, "part1", "redact")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    want.sort();
    assert_eq!(categories, want, "one box per personal item of the truth");
    let pdf = out.join("decision-scanned.part1.pdf");
    assert_qpdf(&pdf, "the scan's Part 1");
    // Our pixel check: under each box the output's image is blank, and the input's was not.
    let rects: Vec<foiredact::geom::Rect> = boxes
        .iter()
        .map(|r| {
            let n = |k: &str| r["rect"][k].as_f64().expect("rect");
            foiredact::geom::Rect {
                x0: n("x0"),
                y0: n("y0"),
                x1: n("x1"),
                y1: n("y1"),
            }
        })
        .collect();
    let whole_page = foiredact::geom::Matrix([595.28, 0.0, 0.0, 841.89, 0.0, 0.0]);
    for (file, blank) in [(&scan, false), (&pdf, true)] {
        let doc = Document::load(file).expect("loads");
        let images = page_images(&doc);
        assert_eq!(images.len(), 1, "{}: one page image", file.display());
        for r in &rects {
            assert_eq!(
                foiredact::pdf::images::is_blank_under(&doc, &images[0], &whole_page, &[*r]),
                Ok(blank),
                "{}: blank under {r:?}",
                file.display()
            );
        }
    }
    // An outside reader of the pixels: tesseract on the rendered output page.
    let Some(seen) = ocr_text(&pdf) else { return };
    let seen = norm(&seen);
    for (t, cat) in items(&truth, "part1", "redact") {
        assert!(
            !seen.contains(&norm(&t)),
            "a {cat} is readable in the output"
        );
    }
    for (t, _) in items(&truth, "part1", "keep") {
        assert!(seen.contains(&norm(&t)), "kept: {t}");
    }
    // And in the input they were readable (the check above can fail).
    let before = norm(&ocr_text(&scan).expect("OCR of the input"));
    for (t, cat) in items(&truth, "part1", "redact") {
        assert!(
            before.contains(&norm(&t)),
            "a {cat} is readable in the input"
        );
    }
}

/// `verify` reads a scan's pixels: a term in the image of a scanned page is found (it used to report
/// the unredacted scan clean, having no text to search), the redacted output is clean, and without
/// tesseract the scan is not checked (exit 3), never called clean.
#[test]
fn verify_reads_the_pixels_of_a_scan() {
    let scan = repo().join("samples/decision-scanned.pdf");
    let d = tempdir();
    let terms = d.path().join("terms.txt");
    std::fs::write(&terms, "Rowena Tregarthen\n01632 960884\nHeronsgate\n").expect("write");
    let t = terms.to_str().expect("utf8");
    // Without tesseract (a PATH without it): not checked.
    let no_ocr = d.path().join("bin");
    std::fs::create_dir(&no_ocr).expect("mkdir");
    let o = std::process::Command::new(bin())
        .args(["verify", scan.to_str().expect("utf8"), "--terms", t])
        .env("PATH", &no_ocr)
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(3),
        "a scan that cannot be read is not checked: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    if !require_tool("tesseract") {
        return;
    }
    let o = run(&["verify", scan.to_str().expect("utf8"), "--terms", t]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the terms are in the scan's pixels"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("page 1 image (OCR)"), "{out}");
    assert!(out.lines().count() >= 2, "{out}");
    assert!(
        !out.contains("Tregarthen"),
        "masked without --log-text: {out}"
    );
    // The redacted output: clean.
    let red = d.path().join("out");
    let o = run(&[
        "redact",
        scan.to_str().expect("utf8"),
        "--out",
        red.to_str().expect("utf8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let part1 = red.join("decision-scanned.part1.pdf");
    let o = run(&["verify", part1.to_str().expect("utf8"), "--terms", t]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the redacted scan holds none of them: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}
