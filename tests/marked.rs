//! Review in a PDF editor (issue #23, part 2): `review` writes `<stem>.marked.pdf`, the original with
//! one /Redact annotation per proposal; the officer edits it in any editor (PyMuPDF plays the editor
//! here) and `redact --decisions <stem>.marked.pdf` reads the edits back as decisions.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether PyMuPDF can be imported (the editor of these tests); a loud skip otherwise (a failure under
/// `FOIREDACT_REQUIRE_TOOLS=1`).
fn have_pymupdf() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import fitz"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(
            REQUIRE_TOOLS,
            "PyMuPDF (python3 -c 'import fitz') not installed",
        );
    }
    ok
}

/// Runs a PyMuPDF script on `pdf` (`doc` is the open document, `fitz` the module); the script's
/// stdout is returned. It must save the document itself.
fn pymupdf(pdf: &Path, script: &str) -> String {
    let prog = format!(
        "import sys, warnings\nwarnings.simplefilter('ignore')\ntry:\n    import pymupdf as fitz\nexcept ImportError:\n    import fitz\ndoc = fitz.open(sys.argv[1])\n{script}\n"
    );
    let o = Command::new("python3")
        .args(["-c", &prog])
        .arg(pdf)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "the PyMuPDF script failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// `review` of a sample into `<d>/review`; returns the marked PDF and the decisions file's rows.
fn review(d: &Path, sample: &str) -> (PathBuf, Vec<Vec<String>>) {
    let pdf = repo().join("samples").join(sample);
    let rv = d.join("review");
    run_ok(&["review", s(&pdf), "--out", s(&rv), "--overwrite"]);
    let stem = sample.trim_end_matches(".pdf");
    let marked = rv.join(format!("{stem}.marked.pdf"));
    assert!(marked.exists(), "review writes {}", marked.display());
    (marked, read_rows(&rv.join(format!("{stem}.decisions.csv"))))
}

/// The /Redact annotations of a PDF (read with lopdf): per annotation its page, /NM, /OverlayText,
/// /Contents, and whether it has /QuadPoints and a /Rect.
fn redact_annots(pdf: &Path) -> Vec<(usize, String, String, String, bool)> {
    let doc = lopdf::Document::load(pdf).expect("loads");
    let text = |d: &lopdf::Dictionary, k: &[u8]| {
        d.get(k)
            .ok()
            .and_then(|o| o.as_str().ok())
            .map(|b| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default()
    };
    let mut v = Vec::new();
    for (n, pid) in doc.get_pages() {
        for a in doc.get_page_annotations(pid).unwrap_or_default() {
            if a.get(b"Subtype").and_then(|o| o.as_name()).ok() != Some(b"Redact".as_slice()) {
                continue;
            }
            assert!(a.get(b"Rect").is_ok(), "an annotation without /Rect");
            v.push((
                n as usize,
                text(a, b"NM"),
                text(a, b"OverlayText"),
                text(a, b"Contents"),
                a.get(b"QuadPoints").is_ok(),
            ));
        }
    }
    v
}

const SAMPLE: &str = "decision-part1-part2.pdf";

/// `redact samples/INPUT --out OUT --decisions DECISIONS`; asserts that it is refused (exit 1, no
/// Part 1 written) and returns its stderr.
fn refused_for(input: &str, out: &Path, decisions: &Path) -> String {
    let sample = repo().join("samples").join(input);
    let o = run(&[
        "redact",
        s(&sample),
        "--out",
        s(out),
        "--decisions",
        s(decisions),
    ]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panic"), "{err}");
    let stem = input.trim_end_matches(".pdf");
    assert!(!out.join(format!("{stem}.part1.pdf")).exists());
    err
}

/// [`refused_for`] the sample.
fn refused(out: &Path, decisions: &Path) -> String {
    refused_for(SAMPLE, out, decisions)
}

#[test]
fn review_writes_one_redact_annotation_per_proposal() {
    let d = tempdir();
    let (marked, rows) = review(d.path(), SAMPLE);
    let annots = redact_annots(&marked);
    assert_eq!(annots.len(), rows.len(), "one annotation per proposal");
    for r in &rows {
        // id, fingerprint, page, part, category, rule, exemption, text, decision, note, input_hash
        let a = annots
            .iter()
            .find(|a| a.1.split_whitespace().any(|w| w == r[0]))
            .unwrap_or_else(|| panic!("no annotation names {}", r[0]));
        assert_eq!(a.0.to_string(), r[2], "{}: on its page", r[0]);
        assert!(
            a.1.contains(&r[10]),
            "{}: /NM {} has the input's hash",
            r[0],
            a.1
        );
        assert_eq!(a.2, r[6], "{}: /OverlayText is the exemption", r[0]);
        assert!(
            a.3.contains(&r[0]) && a.3.contains(&r[4]),
            "{}: /Contents {} has the id and the category",
            r[0],
            a.3
        );
        assert!(a.4, "{}: /QuadPoints over the text", r[0]);
    }
    // Nothing is applied: the original text is all there.
    let text = norm(&pdf_text(&marked));
    for t in [
        "MargueritePemberton-Oyelaran",
        "07700900261",
        "ROSALINDLINDQVIST",
    ] {
        assert!(text.contains(&norm(t)), "{t} is still in the marked file");
    }
    assert_qpdf(&marked, "the marked PDF");
    if require_tool("mutool") {
        // mutool warns as it draws; the marked file adds no warning to the original's.
        let warnings = |p: &Path| {
            let o = Command::new("mutool")
                .args(["draw", "-o", "/dev/null"])
                .arg(p)
                .output()
                .expect("mutool runs");
            assert!(o.status.success(), "mutool draw {}", p.display());
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .filter(|l| !l.starts_with("page "))
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            warnings(&marked),
            warnings(&repo().join("samples").join(SAMPLE)),
            "mutool warns about the marked file"
        );
    }
    // --help says what the file is, and that it holds personal data.
    let help = String::from_utf8_lossy(&run(&["review", "--help"]).stdout).to_string();
    assert!(help.contains("marked.pdf") && help.contains("personal data"));
}

/// The officer's edits, by PyMuPDF: delete the annotation of p1-r2, mark "Continuity" (page 1) with
/// the redaction tool, "Westbury" (page 2) with a highlight and the first "contacted" (page 2) with a
/// rectangle (both on lines the safe layout sets again around proposals), change the exemption of
/// p2-r5 to `code`, save incrementally.
fn edit(marked: &Path, code: &str) {
    pymupdf(
        marked,
        &format!(
            r#"
def ours(page, pid):
    for a in page.annots():
        if pid in a.info.get("id", "").split():
            return a
    raise SystemExit("no annotation for " + pid)
p1, p2 = doc[0], doc[1]
p1.delete_annot(ours(p1, "p1-r2"))
p1.add_redact_annot(p1.search_for("Continuity")[0])
p2.add_highlight_annot(p2.search_for("Westbury")[0])
p2.add_rect_annot(p2.search_for("contacted")[0])
doc.xref_set_key(ours(p2, "p2-r5").xref, "OverlayText", fitz.get_pdf_str("{code}"))
doc.save(doc.name, incremental=True, encryption=fitz.PDF_ENCRYPT_KEEP)
"#
        ),
    );
}

/// A review of the sample, edited by [`edit`] (with `code` as p2-r5's exemption): the folder, the
/// marked PDF before the edits, and the edited marked PDF; `None` without PyMuPDF.
fn edited(code: &str) -> Option<(tempfile::TempDir, Vec<u8>, PathBuf)> {
    if !have_pymupdf() {
        return None;
    }
    let d = tempdir();
    let (marked, _) = review(d.path(), SAMPLE);
    let before = std::fs::read(&marked).expect("read");
    edit(&marked, code);
    Some((d, before, marked))
}

#[test]
fn edits_in_an_editor_are_the_decisions() {
    let Some((d, before, marked)) = edited("s38") else {
        return;
    };
    let after = std::fs::read(&marked).expect("read");
    assert!(
        after.len() > before.len() && after.starts_with(&before),
        "saved incrementally"
    );
    assert_qpdf(&marked, "the edited marked PDF");
    let out = d.path().join("out");
    let sample = repo().join("samples").join(SAMPLE);
    redact_ok(&[&sample], &out, &["--decisions", s(&marked)]);
    let stem = SAMPLE.trim_end_matches(".pdf");
    let part1 = out.join(format!("{stem}.part1.pdf"));
    let part2 = out.join(format!("{stem}.part2.pdf"));
    for (reader, p1, p2) in [
        ("pdftotext", pdf_text(&part1), pdf_text(&part2)),
        (
            "foiredact text",
            String::from_utf8_lossy(&run_ok(&["text", s(&part1)]).stdout).to_string(),
            String::from_utf8_lossy(&run_ok(&["text", s(&part2)]).stdout).to_string(),
        ),
    ] {
        let (p1, p2) = (norm(&p1), norm(&p2));
        // The deleted annotation's proposal is kept; the others are gone.
        assert!(
            p1.contains(&norm("Marguerite Pemberton-Oyelaran")),
            "{reader}: the kept name is in Part 1"
        );
        assert!(
            !p1.contains("01632960418"),
            "{reader}: a proposal is redacted"
        );
        // The areas the officer added are redacted.
        assert!(!p1.contains("continuity"), "{reader}: the added redaction");
        assert!(!p2.contains("westbury"), "{reader}: the added highlight");
        assert_eq!(
            p2.matches("contacted").count(),
            1,
            "{reader}: the added rectangle (the other 'contacted' stays)"
        );
        assert!(p2.contains("exgratiapayment"), "{reader}: the rest stays");
    }
    let schedule = read_rows(&out.join("redactions.csv"));
    let row = |id: &str| {
        schedule
            .iter()
            .find(|r| r[11] == id)
            .unwrap_or_else(|| panic!("no schedule row {id}"))
    };
    assert_eq!(row("p1-r2")[13], "keep");
    assert_eq!(row("p2-r5")[9], "s38", "the changed exemption");
    assert_eq!(row("p2-r4")[9], "s40(2)");
    let added: Vec<&Vec<String>> = schedule.iter().filter(|r| r[13] == "added").collect();
    assert_eq!(added.len(), 3, "three areas added: {added:?}");
    assert!(added.iter().any(|r| r[2] == "1") && added.iter().any(|r| r[2] == "2"));
}

#[test]
fn an_unknown_exemption_in_the_overlay_is_refused() {
    let Some((d, _, marked)) = edited("s99") else {
        return;
    };
    let err = refused(&d.path().join("out"), &marked);
    assert!(
        err.contains(s(&marked)) && err.contains("s99") && err.contains("p2-r5"),
        "{err}"
    );
}

#[test]
fn a_marked_file_of_another_input_or_not_a_pdf_is_refused() {
    let d = tempdir();
    let (other, _) = review(d.path(), "decision-midpage.pdf");
    let not_pdf = d.path().join("x.marked.pdf");
    std::fs::write(&not_pdf, "id,decision\np1-r1,keep\n").expect("write");
    let truncated = d.path().join("t.marked.pdf");
    std::fs::write(&truncated, b"%PDF-1.7\n1 0 obj\n<<").expect("write");
    for (k, (file, says)) in [
        (&other, "another input"),
        (&not_pdf, "not a PDF"),
        (&truncated, "cannot be read"),
    ]
    .into_iter()
    .enumerate()
    {
        let err = refused(&d.path().join(format!("o{k}")), file);
        assert!(err.contains(s(file)) && err.contains(says), "{says}: {err}");
    }
}

#[test]
fn redactions_applied_in_the_editor_or_unknown_marks_are_refused() {
    if !have_pymupdf() {
        return;
    }
    for (k, (input, script, says)) in [
        // Applying the redactions in the editor removes every annotation: read naively, every
        // proposal would be kept.
        (
            SAMPLE,
            "for p in doc:\n    p.apply_redactions()\ndoc.save(doc.name, incremental=True, encryption=fitz.PDF_ENCRYPT_KEEP)",
            "applied",
        ),
        // Pixels blanked in an image (as an editor's redaction of a photograph does), the page's
        // content untouched: the image's own mark is gone with it.
        (
            "decision-scanned.pdf",
            "for x in {i[0] for p in doc for i in p.get_images()}:\n    doc.update_stream(x, bytes(len(doc.xref_stream(x))))\ndoc.save(doc.name, incremental=True, encryption=fitz.PDF_ENCRYPT_KEEP)",
            "changed",
        ),
        // A freehand mark: foiredact cannot tell what it means.
        (
            SAMPLE,
            "doc[0].add_ink_annot([[(100, 100), (200, 120)]])\ndoc.save(doc.name, incremental=True, encryption=fitz.PDF_ENCRYPT_KEEP)",
            "Ink",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let d = tempdir();
        let (marked, _) = review(d.path(), input);
        pymupdf(&marked, script);
        let err = refused_for(input, &d.path().join(format!("o{k}")), &marked);
        assert!(err.contains(s(&marked)) && err.contains(says), "{says}: {err}");
    }
}

/// The same class without an editor: a `rect=` row of the decisions CSV over a word of a line the
/// safe layout sets again around proposals (the rest of the line moved under the fixed box, and the
/// page was declined).
#[test]
fn a_rect_row_over_a_word_of_a_re_set_line_is_redacted() {
    let d = tempdir();
    let (_, rows) = review(d.path(), SAMPLE);
    let csv = d.path().join("d.csv");
    let mut w = csv::Writer::from_path(&csv).expect("csv");
    w.write_record(foiredact::decisions::COLUMNS)
        .expect("header");
    for r in &rows {
        w.write_record(r).expect("row");
    }
    // "Westbury" on page 2, in PDF points (the line also holds an address and a postcode).
    let mut added = vec![String::new(); foiredact::decisions::COLUMNS.len()];
    added[8] = "rect=2,460.0,705.0,502.2,718.7".into();
    w.write_record(&added).expect("row");
    w.flush().expect("flush");
    let out = d.path().join("out");
    let sample = repo().join("samples").join(SAMPLE);
    redact_ok(&[&sample], &out, &["--decisions", s(&csv)]);
    let p2 = norm(&pdf_text(&out.join("decision-part1-part2.part2.pdf")));
    assert!(!p2.contains("westbury") && p2.contains("followingdamage"));
}

/// The words of a text (letters and digits, lower case).
fn words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text files of the shared corpus (three producers; two inputs with annotations of their own): the marked PDF has one mark per proposal and passes qpdf; read back untouched it gives the
/// same schedule as the decisions CSV; edited in PyMuPDF (the first mark deleted, a word that no rule
/// redacts highlighted) the deleted mark's text stays and the word goes.
#[test]
fn marked_round_trip_on_the_corpus() {
    let Some(c) = corpus() else {
        return;
    };
    let pymupdf_ok = have_pymupdf();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&c)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // (Not the scans, nor the 11-13-page dev-004 files, for time: the same producers.)
            n.ends_with(".pdf") && !n.contains("scanned") && !n.starts_with("dev-004")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{} corpus files", files.len());
    let schedule = |out: &Path| -> Vec<Vec<String>> {
        read_rows(&out.join("redactions.csv"))
            .into_iter()
            .map(|mut r| {
                r.truncate(17); // without decided_at (the decisions file's time)
                r
            })
            .collect()
    };
    for pdf in &files {
        let stem = pdf.file_stem().and_then(|s| s.to_str()).expect("stem");
        let d = tempdir();
        let rv = d.path().join("review");
        run_ok(&["review", s(pdf), "--out", s(&rv), "--log-text"]);
        let marked = rv.join(format!("{stem}.marked.pdf"));
        let csv = rv.join(format!("{stem}.decisions.csv"));
        let rows = read_rows(&csv);
        assert_eq!(redact_annots(&marked).len(), rows.len(), "{stem}");
        assert_qpdf(&marked, stem);
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        redact_ok(&[pdf], &a, &["--decisions", s(&csv)]);
        redact_ok(&[pdf], &b, &["--decisions", s(&marked)]);
        assert_eq!(schedule(&a), schedule(&b), "{stem}: marked PDF = CSV");
        if !pymupdf_ok || rows.is_empty() {
            continue;
        }
        // The first mark deleted; a word of six letters or more, once in the document, under no mark,
        // highlighted.
        let said = pymupdf(
            &marked,
            r#"
first = None
marks = []
for page in doc:
    for a in page.annots():
        if a.info.get("id", "").startswith("foiredact "):
            marks.append((page.number, a.rect))
            if first is None:
                first = (page.number, a.info["id"].split()[1])
count = {}
for page in doc:
    for w in page.get_text("words"):
        count[w[4].lower()] = count.get(w[4].lower(), 0) + 1
word = None
for page in doc:
    for w in page.get_text("words"):
        r = fitz.Rect(w[:4])
        t = w[4]
        if word is None and len(t) >= 6 and t.isalpha() and count[t.lower()] == 1 \
                and not any(n == page.number and m.intersects(r) for n, m in marks):
            word = (page.number, t)
            page.add_highlight_annot(r)
p = doc[first[0]]
for a in p.annots():
    if a.info.get("id", "").split()[1:2] == [first[1]]:
        p.delete_annot(a)
        break
doc.save(doc.name, incremental=True, encryption=fitz.PDF_ENCRYPT_KEEP)
print(first[1], word[1])
"#,
        );
        let mut said = said.split_whitespace();
        let (id, word) = (
            said.next().expect("id").to_string(),
            said.next().expect("word").to_lowercase(),
        );
        let kept = &rows.iter().find(|r| r[0] == id).expect("row")[7];
        let out = d.path().join("c");
        redact_ok(&[pdf], &out, &["--decisions", s(&marked)]);
        let mut text = String::new();
        for part in ["part1", "part2"] {
            let p = out.join(format!("{stem}.{part}.pdf"));
            if p.exists() {
                text.push_str(&pdf_text(&p));
            }
        }
        assert!(norm(&text).contains(&norm(kept)), "{stem}: {id} kept");
        assert!(
            !words(&text).contains(&word),
            "{stem}: the highlighted word"
        );
        let sched = read_rows(&out.join("redactions.csv"));
        assert!(
            sched.iter().any(|r| r[11] == id && r[13] == "keep"),
            "{stem}"
        );
        assert_eq!(
            sched.iter().filter(|r| r[13] == "added").count(),
            1,
            "{stem}"
        );
    }
}
