//! One request, one decision per name (`--consistent`, the default for a batch): a text redacted in
//! one file of the batch is redacted in every other, a found name takes its surname with it, and the
//! schedule's `cause` column says why. PDFs (built here, Helvetica, one line per text) and plain-text
//! inputs, which go through the same detection.

mod common;
use common::*;
use std::path::Path;

/// The batch: the name is found by the rules in `a` only (a title and a first name); `b` and `c`
/// hold its surname alone and a line the rules do not take for a name.
fn batch(dir: &Path, ext: &str) {
    std::fs::create_dir_all(dir).expect("dir");
    let files: [(&str, &[&str]); 3] = [
        (
            "a",
            &[
                "Decision notice",
                "The complainant, Mrs Gwendolyn Hartigan-Obi, objected to the fence.",
                "Mr Arthur Baker, a neighbour, supported it.",
            ],
        ),
        (
            "b",
            &[
                "Appeal outcome",
                "Hartigan-Obi was told on Monday that the appeal had failed.",
                "Baker said the fence was too high. The shop on Baker Street is closed.",
            ],
        ),
        (
            "c",
            &[
                "File note",
                "A copy of the plan of the fence went to Hartigan-Obi and to the parish council.",
            ],
        ),
    ];
    for (stem, lines) in files {
        let path = dir.join(format!("{stem}.{ext}"));
        if ext == "pdf" {
            std::fs::write(path, lines_pdf(lines)).expect("write");
        } else {
            std::fs::write(path, lines.join("\n") + "\n").expect("write");
        }
    }
}

fn text_of(out: &Path, stem: &str, ext: &str) -> String {
    let p = out.join(format!("{stem}.part1.{ext}"));
    if ext == "pdf" {
        pdf_text(&p)
    } else {
        std::fs::read_to_string(p).expect("part 1")
    }
}

/// A CSV file's header.
fn header(path: &Path) -> Vec<String> {
    csv::Reader::from_path(path)
        .expect("csv")
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect()
}

/// The schedule's rows of one file: (rule, cause).
fn causes(out: &Path, file: &str) -> Vec<(String, String)> {
    let rows = read_rows(&out.join("redactions.csv"));
    let h = header(&out.join("redactions.csv"));
    let c = |n: &str| h.iter().position(|x| x == n).expect(n);
    rows.iter()
        .filter(|r| r[c("file")] == file)
        .map(|r| (r[c("rule")].clone(), r[c("cause")].clone()))
        .collect()
}

#[test]
fn a_name_found_in_one_file_is_gone_from_all_three_and_the_schedule_says_why() {
    for ext in ["pdf", "txt"] {
        let d = tempdir();
        let inp = d.path().join("in");
        batch(&inp, ext);
        // Each file on its own: the rules find the name in `a` only.
        let alone = d.path().join("alone");
        redact_ok(&[&inp], &alone, &["--no-consistent", "-q"]);
        assert!(!norm(&text_of(&alone, "a", ext)).contains("gwendolyn"));
        for stem in ["b", "c"] {
            assert!(
                norm(&text_of(&alone, stem, ext)).contains("hartigan-obi"),
                "{ext}: without --consistent the rules alone leave the surname in {stem} (else this test proves nothing)"
            );
        }
        // The batch as one request (the default).
        let out = d.path().join("out");
        redact_ok(&[&inp], &out, &["-q"]);
        for stem in ["a", "b", "c"] {
            let t = norm(&text_of(&out, stem, ext));
            assert!(
                !t.contains("hartigan"),
                "{ext}: the surname left in {stem}: {t}"
            );
            assert!(!t.contains("gwendolyn"), "{ext}: the name left in {stem}");
        }
        // In `a`, the surname alone is the found name's ("Hartigan-Obi" of p1-r1 is not there, but
        // the rows say which rule found each); in `b` and `c` the cause names `a`'s finding.
        for stem in ["b", "c"] {
            let file = format!("{stem}.{ext}");
            let rows = causes(&out, &file);
            assert!(
                rows.iter()
                    .any(|(_, c)| c.starts_with(&format!("consistent:a.{ext}#p1-r"))),
                "{ext}: {file}'s schedule rows give no cause in a: {rows:?}"
            );
        }
        assert!(
            causes(&alone, &format!("b.{ext}")).is_empty(),
            "{ext}: without --consistent nothing is redacted in b"
        );
    }
}

#[test]
fn a_surname_that_is_a_common_word_needs_the_person_context() {
    for ext in ["pdf", "txt"] {
        let d = tempdir();
        let inp = d.path().join("in");
        batch(&inp, ext);
        let out = d.path().join("out");
        redact_ok(&[&inp], &out, &["-q"]);
        let b = norm(&text_of(&out, "b", ext));
        // "Baker said" is the person; "Baker Street" is a street.
        assert!(!b.contains("bakersaid"), "{ext}: {b}");
        assert!(
            b.contains("bakerstreet"),
            "{ext}: the street was redacted: {b}"
        );
        assert!(b.contains("said"), "{ext}: {b}");
    }
}

#[test]
fn a_surname_alone_in_the_same_document_goes_with_its_name() {
    for ext in ["pdf", "txt"] {
        let d = tempdir();
        let inp = d.path().join("one");
        std::fs::create_dir_all(&inp).expect("dir");
        let lines = [
            "Decision notice",
            "The complainant, Mrs Gwendolyn Hartigan-Obi, objected.",
            "Hartigan-Obi was told on Monday.",
            "Ms Oluwaseun Adeyemi-Thornbury attended. Adeyemi-Thornbury agreed.",
        ];
        let p = inp.join(format!("one.{ext}"));
        if ext == "pdf" {
            std::fs::write(&p, lines_pdf(&lines)).expect("write");
        } else {
            std::fs::write(&p, lines.join("\n")).expect("write");
        }
        let out = d.path().join("out");
        redact_ok(&[&p], &out, &["-q"]);
        let t = norm(&text_of(&out, "one", ext));
        assert!(!t.contains("hartigan"), "{ext}: {t}");
        assert!(!t.contains("thornbury"), "{ext}: {t}");
        assert!(t.contains("wastoldonmonday"), "{ext}: {t}");
        let rows = causes(&out, &format!("one.{ext}"));
        assert!(
            rows.iter()
                .any(|(r, c)| r == "surname" && c.starts_with("surname:p1-r")),
            "{ext}: {rows:?}"
        );
    }
}

#[test]
fn review_proposes_what_the_batch_redacts_and_an_officers_text_spreads() {
    let d = tempdir();
    let inp = d.path().join("in");
    batch(&inp, "pdf");
    // Review: b's decisions file proposes the surname, with its cause.
    let rev = d.path().join("review");
    run_ok(&[
        "review",
        inp.to_str().unwrap(),
        "--out",
        rev.to_str().unwrap(),
        "-q",
    ]);
    let b_csv = std::fs::read_to_string(rev.join("b.decisions.csv")).expect("b decisions");
    assert!(b_csv.lines().next().unwrap().contains("cause"), "{b_csv}");
    assert!(b_csv.contains("consistent:a.pdf#p1-r"), "{b_csv}");
    // The officer adds a text in c ("the fence", say): the batch redacts it in a and b too.
    let c_csv = rev.join("c.decisions.csv");
    let header: Vec<String> = csv::Reader::from_path(&c_csv)
        .expect("csv")
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let mut row = vec![String::new(); header.len()];
    row[header
        .iter()
        .position(|h| h == "decision")
        .expect("decision")] = "text=the fence".into();
    let mut c = std::fs::read_to_string(&c_csv).expect("c decisions");
    c.push_str(&row.join(","));
    c.push('\n');
    std::fs::write(&c_csv, c).expect("write");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        inp.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--decisions",
        rev.to_str().unwrap(),
        "-q",
    ]);
    assert_ok(&o);
    for stem in ["a", "b"] {
        let t = norm(&text_of(&out, stem, "pdf"));
        assert!(!t.contains("thefence"), "{stem}: {t}");
    }
}

/// A scan in the batch: the name found in a text PDF is found on the scan's OCR reading too, with a
/// slip or two allowed (as for `--terms`), and its pixels go.
#[test]
fn a_name_redacted_in_a_text_file_is_found_on_a_scan_of_the_batch() {
    if !(require_tool("gs") & require_tool("tesseract") & require_tool("pdftoppm")) {
        return;
    }
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).expect("dir");
    std::fs::write(
        inp.join("a.pdf"),
        lines_pdf(&[
            "Decision notice",
            "The complainant, Mrs Gwendolyn Hartigan-Obi, objected to the fence.",
        ]),
    )
    .expect("write");
    // The page as a copier makes it: an image only (Ghostscript's pdfimage8 device, 200 dpi).
    let text = d.path().join("b-text.pdf");
    std::fs::write(
        &text,
        lines_pdf(&[
            "Appeal outcome",
            "The appeal of Hartigan-Obi about the fence was heard on Monday.",
        ]),
    )
    .expect("write");
    run_gs(&["-sDEVICE=pdfimage8", "-r200"], &inp.join("b.pdf"), &text);
    assert!(
        pdf_text(&inp.join("b.pdf")).trim().is_empty(),
        "b is a scan"
    );
    let alone = d.path().join("alone");
    redact_ok(&[&inp], &alone, &["--no-consistent", "-q"]);
    let before = norm(&ocr_text(&alone.join("b.part1.pdf")).expect("ocr"));
    assert!(
        before.contains("hartigan"),
        "on its own the scan keeps the surname (else this proves nothing): {before}"
    );
    let out = d.path().join("out");
    redact_ok(&[&inp], &out, &["-q"]);
    let after = norm(&ocr_text(&out.join("b.part1.pdf")).expect("ocr"));
    assert!(!after.contains("hartigan"), "{after}");
    assert!(after.contains("fence"), "{after}");
    assert!(
        causes(&out, "b.pdf")
            .iter()
            .any(|(_, c)| c.starts_with("consistent:a.pdf#p1-r")),
        "{:?}",
        causes(&out, "b.pdf")
    );
}

/// Names of many origins found in one file: each surname alone in another file of the batch goes
/// (family name first, particles, hyphens, accents, Irish and Polish spellings).
#[test]
fn surnames_of_every_origin_spread_across_the_batch() {
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).expect("dir");
    std::fs::write(
        inp.join("a.txt"),
        "Decision notice\n\nComplainant: Nguyễn Thị Hương\nWitness: Oluwaseun Adeyemi\n\
         Witness: Siobhán Ní Bhriain\nNeighbour: Mohammed Al-Rashid\n\
         Resident: Ana María de la Cruz\nResident: Priya Raghunathan\nResident: Krzysztof Wójcik\n",
    )
    .expect("write");
    std::fs::write(
        inp.join("b.txt"),
        "Appeal outcome\n\nThe panel wrote to Nguyễn about the fence. Adeyemi attended the visit.\n\
         A reply came from Ní Bhriain in May. Al-Rashid was told on Monday.\n\
         A copy went to de la Cruz.\nRaghunathan and Wójcik signed the petition.\n",
    )
    .expect("write");
    let out = d.path().join("out");
    redact_ok(&[&inp], &out, &["-q"]);
    let b = std::fs::read_to_string(out.join("b.part1.txt")).expect("b");
    for s in [
        "Nguyễn",
        "Adeyemi",
        "Bhriain",
        "Al-Rashid",
        "Cruz",
        "Raghunathan",
        "Wójcik",
    ] {
        assert!(!b.contains(s), "{s} left in b: {b}");
    }
    for kept in ["the fence", "the petition", "on Monday", "Appeal outcome"] {
        assert!(b.contains(kept), "{kept} lost: {b}");
    }
    let a = std::fs::read_to_string(out.join("a.part1.txt")).expect("a");
    assert!(
        !a.contains("Cruz"),
        "the name runs on over its particles: {a}"
    );
}

/// Shards of one request: every shard reads the whole batch in pass one, so the name found in one
/// shard's file is gone from the files of the others, and the schedule rows are a single run's.
#[test]
fn shards_of_one_request_are_consistent_across_shards() {
    let d = tempdir();
    let inp = d.path().join("in");
    batch(&inp, "txt");
    let whole = d.path().join("whole");
    redact_ok(&[&inp], &whole, &["-q"]);
    let out = d.path().join("out");
    for k in 1..=3 {
        redact_ok(&[&inp], &out, &["-q", "--shard", &format!("{k}/3")]);
    }
    for stem in ["a", "b", "c"] {
        let t = norm(&text_of(&out, stem, "txt"));
        assert!(!t.contains("hartigan"), "{stem}: {t}");
        assert_eq!(
            std::fs::read(out.join(format!("{stem}.part1.txt"))).expect("shard's"),
            std::fs::read(whole.join(format!("{stem}.part1.txt"))).expect("single run's"),
            "{stem}"
        );
    }
}
