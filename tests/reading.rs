//! Text a reader shows one way and a naive extractor reads another (issue #16): decomposed accents,
//! compatibility forms and look-alike letters, words hyphenated at a line end, letter-spaced and
//! Roman-numeral Part headings, a /ToUnicode that lies, terms that can never match.
//!
//! The PDFs in `tests/reading/` are made by `tests/reading/make_cases.py` with reportlab, fpdf2 and
//! LibreOffice; the rest are written object by object here. Every output is read by our extractor,
//! pdftotext and mutool (when installed; a missing one is named on stderr), compared folded (accents,
//! compatibility forms, look-alikes and case aside, white space removed).

mod common;
use common::*;
use lopdf::{dictionary, Object, Stream};
use std::path::{Path, PathBuf};

fn case(name: &str) -> PathBuf {
    repo().join("tests/reading").join(name)
}

fn producers(class: &str) -> Vec<PathBuf> {
    let v: Vec<PathBuf> = ["reportlab", "fpdf2", "libreoffice"]
        .iter()
        .map(|p| case(&format!("{class}-{p}.pdf")))
        .filter(|p| p.exists())
        .collect();
    assert!(v.len() >= 2, "{class}: at least two producers");
    v
}

/// A reader's text folded for comparison.
fn fold(t: &str) -> String {
    foiredact::text_fold::key(t)
}

/// Every reader's folded text of a PDF: ours, pdftotext and mutool.
fn readers(p: &Path) -> Vec<(&'static str, String)> {
    let ours =
        String::from_utf8_lossy(&run_ok(&["text", p.to_str().expect("utf8")]).stdout).to_string();
    let mut v = vec![("foiredact", fold(&ours))];
    for (who, t) in outside_raw(p) {
        v.push((who, fold(&t)));
    }
    v
}

fn outside_raw(p: &Path) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    for (tool, args) in [
        ("pdftotext", vec!["-enc", "UTF-8"]),
        ("mutool", vec!["draw", "-F", "txt"]),
    ] {
        if !require_tool(tool) {
            continue;
        }
        let mut c = std::process::Command::new(tool);
        c.args(&args).arg(p);
        if tool == "pdftotext" {
            c.arg("-");
        }
        let o = c.output().expect("runs");
        v.push((tool, String::from_utf8_lossy(&o.stdout).to_string()));
    }
    v
}

/// Redacts `input` with `terms` (none: the default rules alone) and `extra`; returns the temp folder,
/// the output folder and the process output.
fn redact(
    input: &Path,
    terms: Option<&str>,
    extra: &[&str],
) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let d = tempdir();
    let out = d.path().join("out");
    let mut args = vec![
        "redact".to_string(),
        input.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    if let Some(t) = terms {
        let tp = d.path().join("terms.txt");
        std::fs::write(&tp, t).expect("write");
        args.extend(["--terms".into(), tp.display().to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&a);
    (d, out, o)
}

fn part(out: &Path, input: &Path, n: u8) -> PathBuf {
    let stem = input
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    out.join(format!("{stem}.part{n}.pdf"))
}

/// Asserts that no reader of `pdf` reads any of `gone` and every reader reads each of `kept`.
fn assert_reads(what: &str, pdf: &Path, gone: &[&str], kept: &[&str]) {
    assert_qpdf(pdf, what);
    for (who, t) in readers(pdf) {
        for g in gone {
            assert!(
                !t.contains(&fold(g)),
                "{what}: {who} still reads {g:?}: {t}"
            );
        }
        for k in kept {
            assert!(t.contains(&fold(k)), "{what}: {who} lost {k:?}: {t}");
        }
    }
}

const KEEP: &str = "The budget was approved by the panel.";

#[test]
fn decomposed_accents_are_redacted_in_every_form_of_the_term() {
    for pdf in producers("nfd") {
        // The readers see the names in the input, whatever form they print them in.
        for (who, t) in readers(&pdf) {
            assert!(
                t.contains("reneemuller") && t.contains("josemartinez"),
                "{who}: {t}"
            );
        }
        for terms in [
            "José Martínez\nRenée Müller\n",
            "Jose\u{301} Marti\u{301}nez\nRene\u{301}e Mu\u{308}ller\n",
            "Jose Martinez\nRenee Muller\n",
            "JOSÉ MARTÍNEZ\nrenée müller\n",
        ] {
            let what = format!("{} with {terms:?}", pdf.display());
            let (_d, out, o) = redact(&pdf, Some(terms), &["--rules", "rules/sections.toml"]);
            assert_ok(&o);
            let p1 = part(&out, &pdf, 1);
            assert_reads(
                &what,
                &p1,
                &["Renée", "Müller", "José", "Martínez"],
                &[KEEP],
            );
            // Not a letter of the names is left: the combining marks went with their letters.
            let ours =
                String::from_utf8_lossy(&run_ok(&["text", p1.to_str().expect("utf8")]).stdout)
                    .to_string();
            assert!(
                !ours.contains('\u{301}') && !ours.contains('\u{308}'),
                "{what}: a combining mark is left: {ours}"
            );
        }
        // The default rules find the titled name with its decomposed accents.
        let (_d, out, o) = redact(&pdf, None, &[]);
        assert_ok(&o);
        assert_reads(
            &format!("{} with the default rules", pdf.display()),
            &part(&out, &pdf, 1),
            &["Renée Müller", "José Martínez", "Müller", "Martínez"],
            &[KEEP],
        );
    }
}

#[test]
fn look_alike_and_fullwidth_letters_are_redacted() {
    for pdf in producers("lookalike") {
        let (_d, out, o) = redact(
            &pdf,
            Some("Hewitt\nThornbury\n"),
            &["--rules", "rules/sections.toml"],
        );
        assert_ok(&o);
        assert_reads(
            &pdf.display().to_string(),
            &part(&out, &pdf, 1),
            &["Hewitt", "Thornbury"],
            &[KEEP, "Oskar", "Mia"],
        );
    }
}

#[test]
fn verify_finds_the_decomposed_fullwidth_and_look_alike_forms_of_a_term() {
    for (pdf, term) in [
        (case("nfd-reportlab.pdf"), "Renée Müller"),
        (case("nfd-libreoffice.pdf"), "Renee Muller"),
        (case("lookalike-reportlab.pdf"), "Hewitt"),
        (case("lookalike-fpdf2.pdf"), "Thornbury"),
    ] {
        let d = tempdir();
        let t = d.path().join("terms.txt");
        std::fs::write(&t, format!("{term}\n")).expect("write");
        let o = run(&[
            "verify",
            pdf.to_str().expect("utf8"),
            "--terms",
            t.to_str().expect("utf8"),
        ]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}: verify finds {term}",
            pdf.display()
        );
    }
}

#[test]
fn words_hyphenated_at_a_line_end_are_redacted_whole() {
    for pdf in producers("hyphen") {
        let what = pdf.display().to_string();
        // The default rules: the titled names, both halves.
        let (_d, out, o) = redact(&pdf, None, &[]);
        assert_ok(&o);
        assert_reads(
            &what,
            &part(&out, &pdf, 1),
            &["Wolsten", "holme", "Penhal", "ligon", "Ashby", "Fenwick"],
            &[
                KEEP,
                "who asked for the hedge",
                "of the same road",
                "at the depot",
            ],
        );
        // Terms: the joined word, and the double-barrelled name with its hyphen.
        let (_d, out, o) = redact(
            &pdf,
            Some("Wolstenholme\nPenhalligon\nAshby-Fenwick\n"),
            &["--rules", "rules/sections.toml"],
        );
        assert_ok(&o);
        assert_reads(
            &format!("{what} with terms"),
            &part(&out, &pdf, 1),
            &["Wolsten", "holme", "Penhal", "ligon", "Ashby", "Fenwick"],
            &[KEEP, "Jonah", "Ada"],
        );
    }
}

/// Part 2 text withheld from Part 1, and in Part 2.
fn assert_split(what: &str, input: &Path, out: &Path) {
    let p1 = part(out, input, 1);
    let p2 = part(out, input, 2);
    assert!(p2.exists(), "{what}: no Part 2 was written");
    assert_reads(what, &p1, &["Legal advice on the contract"], &[KEEP]);
    assert_reads(
        what,
        &p2,
        &[KEEP],
        &["Legal advice on the contract is withheld"],
    );
}

#[test]
fn letter_spaced_and_roman_numeral_part_headings_split() {
    let mut inputs = producers("spaced");
    inputs.extend(producers("numeral"));
    for pdf in inputs {
        let what = pdf.display().to_string();
        let (_d, out, o) = redact(&pdf, None, &["--require-parts"]);
        assert_ok(&o);
        assert_split(&what, &pdf, &out);
    }
}

/// A page in Helvetica: each line `(y, operators)`.
fn lines_pdf(lines: &[(i32, &str)]) -> Vec<u8> {
    let mut c = String::new();
    for (y, ops) in lines {
        c.push_str(&format!("BT /F1 11 Tf 72 {y} Td {ops} ET\n"));
    }
    make_pdf(&c, vec![("F1", helvetica())], |_| {})
}

#[test]
fn headings_drawn_with_gaps_between_letters_split() {
    for (label, heading) in [
        (
            "TJ gaps",
            "[(P) -200 (A) -200 (R) -200 (T) -600 (I) -200 (I)] TJ",
        ),
        ("Tc", "3 Tc (PART II) Tj 0 Tc"),
        (
            "Tc and TJ",
            "2 Tc [(P)-150(A)-150(R)-150(T)-500(I)-150(I)] TJ 0 Tc",
        ),
        ("Tz", "150 Tz 4 Tc (PART 2) Tj 0 Tc 100 Tz"),
    ] {
        let pdf = lines_pdf(&[
            (740, "(PART I) Tj"),
            (720, "(The budget was approved by the panel.) Tj"),
            (690, heading),
            (670, "(Legal advice on the contract is withheld.) Tj"),
        ]);
        let d = tempdir();
        let inp = d.path().join("in.pdf");
        std::fs::write(&inp, pdf).expect("write");
        let (_d2, out, o) = redact(&inp, None, &["--require-parts"]);
        assert_ok(&o);
        assert_split(label, &inp, &out);
    }
}

#[test]
fn a_missing_part_2_heading_is_reported_and_declined_on_request() {
    for (label, lines) in [
        (
            "Part 1 heading only",
            vec![
                (740, "(PART I) Tj"),
                (720, "(The budget was approved by the panel.) Tj"),
                (690, "(PART TWO IS NOT SHOWN) Tj"),
                (670, "(Legal advice on the contract is withheld.) Tj"),
            ],
        ),
        (
            "Part 2 announced",
            vec![
                (
                    720,
                    "(The budget was approved by the panel. See Part II for the advice.) Tj",
                ),
                (670, "(Legal advice on the contract is withheld.) Tj"),
            ],
        ),
    ] {
        let d = tempdir();
        let inp = d.path().join("in.pdf");
        std::fs::write(&inp, lines_pdf(&lines)).expect("write");
        let (_d2, out, o) = redact(&inp, None, &[]);
        assert_ok(&o);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("no Part 2 heading"), "{label}: warned: {err}");
        let s = summary(&out);
        assert_eq!(
            s["results"][0]["part2_heading_missing"], true,
            "{label}: {s}"
        );
        let (_d3, out, o) = redact(&inp, None, &["--require-parts"]);
        assert_eq!(o.status.code(), Some(1), "{label}: declined");
        let s = summary(&out);
        assert_eq!(s["results"][0]["status"], "declined", "{label}: {s}");
        assert_eq!(
            s["results"][0]["error"], "part2_heading_missing",
            "{label}: {s}"
        );
        assert!(!part(&out, &inp, 1).exists(), "{label}: no output");
    }
    // A document with both headings, or with neither and no mention, is not warned about.
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(
        &inp,
        lines_pdf(&[(720, "(The budget was approved by the panel.) Tj")]),
    )
    .expect("write");
    let (_d2, out, o) = redact(&inp, None, &["--require-parts"]);
    assert_ok(&o);
    assert!(summary(&out)["results"][0]
        .get("part2_heading_missing")
        .is_none());
}

/// A ToUnicode CMap mapping the single-byte codes of `from` to the letters of `to`.
fn lying_cmap(from: &str, to: &str) -> Stream {
    let mut body = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Lie def\n\
         1 begincodespacerange <00> <FF> endcodespacerange\n",
    );
    let pairs: Vec<(char, char)> = from.chars().zip(to.chars()).collect();
    body.push_str(&format!("{} beginbfchar\n", pairs.len()));
    for (a, b) in pairs {
        body.push_str(&format!("<{:02X}> <{:04X}>\n", a as u32, b as u32));
    }
    body.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
    Stream::new(dictionary! {}, body.into_bytes())
}

#[test]
fn a_lying_to_unicode_cannot_hide_a_term() {
    // Helvetica draws "Hewitt"; its /ToUnicode says "xyzqkk". Readers that trust the map read
    // "xyzqkk"; the page shows the name, and so does a raw look at the content.
    let content =
        "BT /F1 11 Tf 72 720 Td (The complaint from Mia ) Tj (Hewitt) Tj ( was upheld.) Tj ET\n\
                   BT /F1 11 Tf 72 700 Td (The budget was approved by the panel.) Tj ET\n";
    let pdf = make_pdf(content, vec![], |doc| {
        let cmap = doc.add_object(lying_cmap("Hewit", "xyzqk"));
        let mut f = helvetica();
        f.set("ToUnicode", Object::Reference(cmap));
        let fid = doc.add_object(f);
        set_font(doc, "F1", fid);
    });
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(&inp, &pdf).expect("write");
    let (_d2, out, o) = redact(&inp, Some("Hewitt\n"), &["--rules", "rules/sections.toml"]);
    assert_ok(&o);
    let p1 = part(&out, &inp, 1);
    // Gone from the page (read through the font's encoding) and from the bytes.
    let t = run_ok(&["text", p1.to_str().expect("utf8")]);
    assert!(!String::from_utf8_lossy(&t.stdout).contains("xyzqkk"));
    let doc = lopdf::Document::load(&p1).expect("loads");
    let mut all = String::new();
    for o in doc.objects.values() {
        if let Object::Stream(s) = o {
            let data = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            all.push_str(&String::from_utf8_lossy(&data));
        }
    }
    assert!(
        !all.to_lowercase().contains("hewitt"),
        "the name is in a stream"
    );
    // The rest stays (its codes; the lying map garbles what map-trusting readers show of it).
    assert!(all.contains("approved by the panel"), "the rest is kept");
    let tp = d.path().join("t.txt");
    std::fs::write(&tp, "Hewitt\n").expect("write");
    let v = run(&[
        "verify",
        p1.to_str().expect("utf8"),
        "--terms",
        tp.to_str().expect("utf8"),
    ]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "verify: {}",
        String::from_utf8_lossy(&v.stdout)
    );
    assert_qpdf(&p1, "output");
}

#[test]
fn a_term_that_can_never_match_is_refused_with_its_line() {
    let pdf = lines_pdf(&[(720, "(The budget was approved by the panel.) Tj")]);
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(&inp, pdf).expect("write");
    for (terms, line) in [
        ("Hewitt\n|\n", 2),
        ("Hewitt\n  \t \n", 2),
        ("# names\nHewitt\n--\n", 3),
        ("\u{a0}\n", 1),
    ] {
        let (_d2, out, o) = redact(&inp, Some(terms), &[]);
        assert_eq!(o.status.code(), Some(2), "{terms:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("terms.txt"),
            "{terms:?}: names the file: {err}"
        );
        assert!(
            err.contains(&format!("line {line}")),
            "{terms:?}: names line {line}: {err}"
        );
        assert!(
            !err.contains("Hewitt"),
            "{terms:?}: no term in the message: {err}"
        );
        assert!(!out.exists(), "{terms:?}: nothing written");
    }
}

/// The web addresses of the links a `--keep-links` output keeps.
fn kept_uris(out: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(out).expect("loads");
    let page = *doc.get_pages().values().next().expect("page");
    let Ok(annots) = doc.get_dictionary(page).expect("page").get(b"Annots") else {
        return vec![];
    };
    annots
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| {
            let d = doc.get_dictionary(a.as_reference().ok()?).ok()?;
            let a = d.get(b"A").and_then(Object::as_dict).ok()?;
            Some(String::from_utf8_lossy(a.get(b"URI").and_then(Object::as_str).ok()?).to_string())
        })
        .collect()
}

#[test]
fn kept_links_hold_no_word_of_a_redacted_name() {
    let uris = [
        "https://www.gov.uk/foi",
        "https://www.example.org/staff/Mia%20Hewitt/profile",
        "https://www.example.org/correspondence/pritchard-2023.html",
        "https://www.example.org/p?name=ffion+pritchard",
        "https://www.example.org/people/FFION_PRITCHARD#top",
        "https://www.example.org/m/hewitt.pdf",
        "https://www.example.org/m/%48%65%77%69%74%74",
    ];
    let content =
        "BT /F1 11 Tf 72 700 Td (Letters from Mrs Ffion Pritchard and Ms Mia Hewitt.) Tj ET\n\
                   BT /F1 11 Tf 72 680 Td (The budget was approved by the panel.) Tj ET";
    let pdf = make_pdf(content, vec![("F1", helvetica())], |doc| {
        let page_id = *doc.get_pages().values().next().expect("page");
        let mut refs: Vec<Object> = Vec::new();
        for (k, u) in uris.iter().enumerate() {
            let x0 = 72 + 60 * k as i64;
            refs.push(
                doc.add_object(dictionary! {
                    "Type" => "Annot", "Subtype" => "Link",
                    "Rect" => vec![x0.into(), 20.into(), (x0 + 40).into(), 40.into()],
                    "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal(*u) },
                })
                .into(),
            );
        }
        doc.get_dictionary_mut(page_id)
            .expect("page")
            .set("Annots", refs);
    });
    // By the default rules (the titled names) and by terms.
    for terms in [None, Some("Ffion Pritchard\nMia Hewitt\n")] {
        let d = tempdir();
        let inp = d.path().join("in.pdf");
        std::fs::write(&inp, &pdf).expect("write");
        let (_d2, out, o) = redact(&inp, terms, &["--keep-links"]);
        assert_ok(&o);
        let p1 = part(&out, &inp, 1);
        assert_eq!(kept_uris(&p1), ["https://www.gov.uk/foi"], "{terms:?}");
        assert_reads("links", &p1, &["Pritchard", "Hewitt"], &[KEEP]);
    }
}

/// A PDF text string: PDFDocEncoding for ASCII, else UTF-16BE with its byte-order mark.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::string_literal(s);
    }
    let mut b = vec![0xFE, 0xFF];
    b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(b, lopdf::StringFormat::Hexadecimal)
}

/// A form filled by pypdf or pdftk: values (/V) but no appearance streams, /NeedAppearances true.
fn form_without_appearances(fields: &[(&str, &str, i64, i64)]) -> Vec<u8> {
    let content = "BT /F1 11 Tf 72 740 Td (Application form) Tj ET";
    make_pdf(content, vec![("F1", helvetica())], |doc| {
        let page_id = *doc.get_pages().values().next().expect("page");
        let helv = doc.add_object(helvetica());
        let mut refs: Vec<Object> = Vec::new();
        for (k, (name, value, q, ff)) in fields.iter().enumerate() {
            let y = 680 - 60 * k as i64;
            refs.push(
                doc.add_object(dictionary! {
                    "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx",
                    "T" => Object::string_literal(*name),
                    "V" => text_string(value),
                    "DA" => Object::string_literal("/Helv 0 Tf 0 0 1 rg"),
                    "Q" => *q, "Ff" => *ff,
                    "Rect" => vec![72.into(), y.into(), 400.into(), (y + 40).into()],
                    "P" => page_id,
                })
                .into(),
            );
        }
        doc.get_dictionary_mut(page_id)
            .expect("page")
            .set("Annots", refs.clone());
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .expect("root");
        doc.get_dictionary_mut(root).expect("catalog").set(
            "AcroForm",
            dictionary! {
                "Fields" => refs, "NeedAppearances" => true,
                "DA" => Object::string_literal("/Helv 0 Tf 0 g"),
                "DR" => dictionary! { "Font" => dictionary! { "Helv" => helv } },
            },
        );
    })
}

#[test]
fn form_values_without_appearances_are_drawn_and_redacted() {
    let pdf = form_without_appearances(&[
        ("decision", "Refused under section 43", 0, 0),
        ("applicant", "Mia Hewitt", 1, 0),
        (
            "notes",
            "Reviewed by the panel\nPassed to Mia Hewitt for reply",
            2,
            4096,
        ),
    ]);
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(&inp, &pdf).expect("write");
    let (_d2, out, o) = redact(&inp, Some("Hewitt\n"), &["--rules", "rules/sections.toml"]);
    assert_ok(&o);
    let p1 = part(&out, &inp, 1);
    assert_reads(
        "form values",
        &p1,
        &["Hewitt"],
        &[
            "Refused under section 43",
            "Reviewed by the panel",
            "Passed to Mia",
            "Application form",
        ],
    );
    // Characters Helvetica's encoding lacks are read all the same (and redacted by a term).
    let pdf = form_without_appearances(&[
        (
            "applicant",
            "salad \u{3c0}\u{2ac} ! \u{41c}\u{438}\u{44f} Hewitt",
            0,
            0,
        ),
        (
            "other",
            "\u{412}\u{430}\u{43d}\u{44f} \u{41a}\u{43e}\u{432}\u{430}\u{43b}\u{44c}",
            0,
            0,
        ),
    ]);
    std::fs::write(&inp, pdf).expect("write");
    let (_d2, out, o) = redact(
        &inp,
        Some("Hewitt\n\u{41a}\u{43e}\u{432}\u{430}\u{43b}\u{44c}\n"),
        &["--rules", "rules/sections.toml"],
    );
    assert_ok(&o);
    assert_reads(
        "form values in other scripts",
        &part(&out, &inp, 1),
        &["Hewitt", "\u{41a}\u{43e}\u{432}\u{430}\u{43b}\u{44c}"],
        &[
            "salad \u{3c0}",
            "\u{41c}\u{438}\u{44f}",
            "\u{412}\u{430}\u{43d}\u{44f}",
        ],
    );
    // A value with more characters than one font can name declines the file.
    let many: String = (0..300u32)
        .filter_map(|k| char::from_u32(0x4E00 + k))
        .collect();
    let pdf = form_without_appearances(&[("applicant", many.as_str(), 0, 0)]);
    std::fs::write(&inp, pdf).expect("write");
    let (_d2, out, o) = redact(&inp, Some("Hewitt\n"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(summary(&out)["results"][0]["status"], "declined");
    assert!(!part(&out, &inp, 1).exists());
}
