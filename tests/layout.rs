//! The glyph-position side channel: with the default (safe) layout, the output does not depend on the
//! redacted text beyond its width bucket.

mod common;
use common::*;

/// Glyph texts and positions (rounded to 0.01 pt) of a PDF's first page.
fn glyphs(p: &std::path::Path) -> Vec<(String, i64, i64)> {
    glyph_origins(p)[0]
        .iter()
        .map(|g| (g.0.clone(), g.1, g.2))
        .collect()
}

fn redact_one(
    d: &std::path::Path,
    name: &str,
    content: &str,
    terms: &str,
    layout: &str,
) -> std::path::PathBuf {
    let inp = d.join(format!("{name}.pdf"));
    std::fs::write(&inp, make_pdf(content, vec![("F1", helvetica())], |_| {})).expect("write");
    let t = d.join(format!("{name}.terms"));
    std::fs::write(&t, terms).expect("write");
    let out = d.join(format!("out-{name}"));
    run_ok(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--terms",
        t.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--layout",
        layout,
    ]);
    out.join(format!("{name}.part1.pdf"))
}

/// A justified line (word spacing set by Tw, kerning in TJ) and a `Name:` field line, planted with
/// names of different lengths (and different letters, same length) in the same bucket: the outputs
/// are the same glyph for glyph, position for position.
#[test]
fn safe_layout_output_does_not_depend_on_the_name() {
    let d = tempdir();
    let doc = |name: &str, tw: f64| {
        format!(
            "BT /F1 11 Tf 1 0 0 1 72 700 Tm {tw} Tw [(The claim from )-20({name})30( was paid in full by the council.)] TJ ET \
             BT /F1 11 Tf 72 680 Td (Name: {name}) Tj 0 -20 Td (Occupation: retired) Tj ET"
        )
    };
    // Justification: the word spacing that fills the line depends on the name's width.
    let a = redact_one(d.path(), "a", &doc("Al Bo", 2.4), "Al Bo\n", "safe");
    let b = redact_one(d.path(), "b", &doc("Mo Ky", 2.1), "Mo Ky\n", "safe");
    let c = redact_one(d.path(), "c", &doc("Eve Li", 1.7), "Eve Li\n", "safe");
    let (ga, gb, gc) = (glyphs(&a), glyphs(&b), glyphs(&c));
    assert!(!ga.is_empty());
    assert_eq!(ga, gb, "same length, different letters: identical output");
    assert_eq!(
        ga, gc,
        "different lengths in the same bucket: identical output"
    );
    let t = pdf_text(&a);
    assert!(
        t.contains("The claim from")
            && t.contains("was paid in full by the council.")
            && t.contains("Occupation:"),
        "{t}"
    );
    // The boxes are logged with their bucketed width only: the same for all three.
    let log = |p: &std::path::Path| -> Vec<i64> {
        let v: serde_json::Value = serde_json::from_slice(
            &std::fs::read(p.parent().expect("dir").join(format!(
                    "{}.redactions.json",
                    p.file_stem()
                        .expect("stem")
                        .to_string_lossy()
                        .trim_end_matches(".part1")
                )))
            .expect("log"),
        )
        .expect("json");
        v["redactions"]
            .as_array()
            .expect("boxes")
            .iter()
            .map(|b| {
                ((b["rect"]["x1"].as_f64().expect("x1") - b["rect"]["x0"].as_f64().expect("x0"))
                    * 100.0)
                    .round() as i64
            })
            .collect()
    };
    assert_eq!(log(&a), log(&c));
    // Exact layout differs between the two: that is the leak the safe layout closes.
    let ea = redact_one(d.path(), "ea", &doc("Al Bo", 2.4), "Al Bo\n", "exact");
    let ec = redact_one(d.path(), "ec", &doc("Eve Li", 1.7), "Eve Li\n", "exact");
    assert_ne!(glyphs(&ea), glyphs(&ec));
}

/// Text after a safe redaction on the same line stays on the page and in reading order.
#[test]
fn safe_layout_keeps_the_rest_of_the_line_in_order_on_the_page() {
    let d = tempdir();
    let long = "Bartholomew Featherstonehaugh-Cholmondeley";
    let p = redact_one(
        d.path(),
        "l",
        &format!("BT /F1 11 Tf 72 700 Td (Signed for {long} and the rest of the line here.) Tj ET"),
        &format!("{long}\n"),
        "safe",
    );
    let t = pdf_text(&p);
    let line = t.lines().find(|l| l.contains("Signed for")).expect("line");
    assert!(line.contains("and the rest of the line here."), "{t}");
    for (_, x, _) in glyphs(&p) {
        assert!(x > 0 && x < 612 * 100, "on the page");
    }
}

/// `--layout exact`: every glyph left in the output is where it was in the input (to 0.01 pt). On
/// corpus files of every producer whose Part 1 is their first pages (and on the samples).
#[test]
fn exact_layout_keeps_every_kept_glyph_in_place() {
    let mut files: Vec<std::path::PathBuf> = vec![repo().join("samples/letter-contact.pdf")];
    if let Some(c) = corpus() {
        for p in ["reportlab", "fpdf2", "libreoffice"] {
            files.push(c.join(format!("dev-001-{p}.pdf")));
            files.push(c.join(format!("dev-003-{p}.pdf")));
        }
    }
    let d = tempdir();
    let mut checked = 0usize;
    for f in &files {
        let stem = f.file_stem().expect("stem").to_string_lossy().to_string();
        let out = d.path().join(&stem);
        run_ok(&[
            "redact",
            f.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--layout",
            "exact",
        ]);
        let input = glyph_origins(f);
        let output = glyph_origins(&out.join(format!("{stem}.part1.pdf")));
        for (n, (inp, outp)) in input.iter().zip(&output).enumerate() {
            // The output's glyphs are the input's, some removed, in the same drawing order.
            let mut it = inp.iter();
            for g in outp.iter().filter(|g| !g.3) {
                let same =
                    it.find(|i| i.0 == g.0 && (i.1 - g.1).abs() <= 1 && (i.2 - g.2).abs() <= 1);
                assert!(
                    same.is_some(),
                    "{stem} page {}: a glyph moved (or is not the input's) at ({}, {})",
                    n + 1,
                    g.1,
                    g.2
                );
                checked += 1;
            }
        }
    }
    eprintln!("exact layout: {checked} glyphs in place");
    assert!(checked > 1000);
}

/// Word spacing set in one content stream and used by a re-set line in the next: it is zeroed there
/// too, so two pages that differ only in that value (the original justification) give the same output.
#[test]
fn word_spacing_from_an_earlier_stream_leaves_no_trace() {
    let d = tempdir();
    let make = |tw: &str| {
        let first = format!("BT /F1 12 Tf {tw} Tw ET");
        make_pdf(
            "BT /F1 12 Tf 72 700 Td (Report by Quimby for the panel today) Tj ET",
            vec![("F1", helvetica())],
            move |doc| {
                let pid = *doc.get_pages().values().next().expect("page");
                let s1 = doc.add_object(lopdf::Stream::new(
                    lopdf::Dictionary::new(),
                    first.clone().into_bytes(),
                ));
                let page = doc.get_dictionary_mut(pid).expect("page");
                let c = page.get(b"Contents").expect("contents").clone();
                page.set("Contents", vec![lopdf::Object::Reference(s1), c]);
            },
        )
    };
    let mut outs = Vec::new();
    for (name, tw) in [("a", "5"), ("b", "2.5")] {
        let inp = d.path().join(format!("{name}.pdf"));
        std::fs::write(&inp, make(tw)).expect("write");
        let out = d.path().join(format!("out-{name}"));
        std::fs::write(d.path().join("t.txt"), "Quimby\n").expect("write");
        run_ok(&[
            "redact",
            inp.to_str().expect("utf8"),
            "--terms",
            d.path().join("t.txt").to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ]);
        let p = out.join(format!("{name}.part1.pdf"));
        let doc = lopdf::Document::load(&p).expect("loads");
        let page = *doc.get_pages().values().next().expect("page");
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).to_string();
        assert!(!content.contains(&format!("{tw} Tw")), "{name}: {content}");
        outs.push((glyphs(&p), content));
    }
    assert_eq!(outs[0].0, outs[1].0, "glyph positions");
    assert_eq!(outs[0].1, outs[1].1, "content streams");
}
