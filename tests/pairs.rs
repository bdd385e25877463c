//! The glyph-position side channel on real producers' files: pairs of documents identical except for
//! one planted name (in a justified paragraph and a `Name:` field line), made by reportlab, fpdf2 and
//! LibreOffice (`tests/pairs/make_pairs.py`; the names are invented): names of different lengths, and
//! of the same length with different letters. Whenever the two inputs break their lines identically and
//! the names fall in the same width bucket, the two Part 1 outputs must be identical in extracted text
//! and in every glyph position (to 0.01 pt), and their content streams may differ only in the bytes of
//! strings (the glyph codes a subsetting producer numbers by first use).

mod common;
use common::*;
use foiredact::pdf::content::{self, Operand};
use std::path::{Path, PathBuf};

fn pairs_dir() -> PathBuf {
    repo().join("tests/pairs")
}

/// `foiredact text` of a PDF.
fn text_of(p: &Path) -> String {
    String::from_utf8(run_ok(&["text", p.to_str().expect("utf8")]).stdout).expect("utf8")
}

/// Every glyph of every page: text and origin in hundredths of a point.
fn positions(p: &Path) -> Vec<(String, i64, i64)> {
    glyph_origins(p)
        .into_iter()
        .flatten()
        .map(|g| (g.0, g.1, g.2))
        .collect()
}

/// An operand with the bytes of its strings left out (their lengths kept).
fn shape(o: &Operand) -> String {
    match o {
        Operand::Str(b) => format!("S{}", b.len()),
        Operand::Array(a) => format!("[{}]", a.iter().map(shape).collect::<Vec<_>>().join(" ")),
        Operand::Dict(d) => format!(
            "<<{}>>",
            d.iter()
                .map(|(k, v)| format!("/{} {}", String::from_utf8_lossy(k), shape(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => format!("{other:?}"),
    }
}

/// The content streams of every page, each operation as its operator and operand shapes.
fn content_shapes(p: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(p).expect("loads");
    doc.get_pages()
        .values()
        .flat_map(|&pid| {
            let data = doc.get_page_content(pid);
            content::parse(&data, &Default::default())
                .expect("parses")
                .iter()
                .map(|op| {
                    let args: Vec<String> = op.operands.iter().map(shape).collect();
                    format!(
                        "{} {}",
                        args.join(" "),
                        String::from_utf8_lossy(&op.operator)
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The widths of the logged boxes (hundredths of a point), sorted.
fn box_widths(log: &Path) -> Vec<i64> {
    let v = read_json(log);
    let mut w: Vec<i64> = v["redactions"]
        .as_array()
        .expect("redactions")
        .iter()
        .map(|r| {
            ((r["rect"]["x1"].as_f64().expect("x1") - r["rect"]["x0"].as_f64().expect("x0"))
                * 100.0)
                .round() as i64
        })
        .collect();
    w.sort();
    w
}

#[test]
fn planted_names_leave_no_trace_in_glyph_positions_across_producers() {
    let names = std::fs::read_to_string(pairs_dir().join("names.txt")).expect("names");
    let name_list: Vec<&str> = names.lines().filter(|l| !l.is_empty()).collect();
    let d = tempdir();
    let mut compared: Vec<String> = Vec::new();
    for producer in ["reportlab", "fpdf2", "libreoffice"] {
        for pair in ["lengths", "letters"] {
            let stem = |t: &str| format!("{producer}-{pair}-{t}");
            let (ia, ib) = (
                pairs_dir().join(format!("{}.pdf", stem("a"))),
                pairs_dir().join(format!("{}.pdf", stem("b"))),
            );
            // Same line breaks: the inputs' texts are the same once the name is blanked.
            let blank = |t: String| name_list.iter().fold(t, |t, n| t.replace(n, "NAME"));
            let same_breaks = blank(text_of(&ia)) == blank(text_of(&ib));
            let out = d.path().join(producer).join(pair);
            let (pa, pb, la, lb) = (
                out.join(format!("{}.part1.pdf", stem("a"))),
                out.join(format!("{}.part1.pdf", stem("b"))),
                out.join(format!("{}.redactions.json", stem("a"))),
                out.join(format!("{}.redactions.json", stem("b"))),
            );
            run_ok(&[
                "redact",
                ia.to_str().expect("utf8"),
                ib.to_str().expect("utf8"),
                "--terms",
                pairs_dir().join("names.txt").to_str().expect("utf8"),
                "--out",
                out.to_str().expect("utf8"),
            ]);
            let same_bucket = box_widths(&la) == box_widths(&lb);
            if !(same_breaks && same_bucket) {
                eprintln!("pairs: {producer} {pair}: not compared (same line breaks {same_breaks}, same bucket {same_bucket})");
                continue;
            }
            assert_qpdf(&pa, "a");
            assert_qpdf(&pb, "b");
            assert_eq!(
                text_of(&pa),
                text_of(&pb),
                "{producer} {pair}: extracted text"
            );
            let (ga, gb) = (positions(&pa), positions(&pb));
            assert_eq!(ga.len(), gb.len(), "{producer} {pair}: glyphs");
            for (x, y) in ga.iter().zip(&gb) {
                assert!(
                    x.0 == y.0 && (x.1 - y.1).abs() <= 1 && (x.2 - y.2).abs() <= 1,
                    "{producer} {pair}: glyph {x:?} is at {y:?} in the other"
                );
            }
            let (ca, cb) = (content_shapes(&pa), content_shapes(&pb));
            assert_eq!(
                ca.len(),
                cb.len(),
                "{producer} {pair}: content stream operations"
            );
            for (x, y) in ca.iter().zip(&cb) {
                assert_eq!(
                    x, y,
                    "{producer} {pair}: content streams differ beyond glyph codes"
                );
            }
            compared.push(format!("{producer}-{pair}"));
        }
    }
    eprintln!("pairs: compared {compared:?}");
    for producer in ["reportlab", "fpdf2", "libreoffice"] {
        assert!(
            compared.iter().any(|c| c.starts_with(producer)),
            "no {producer} pair could be compared"
        );
    }
}
