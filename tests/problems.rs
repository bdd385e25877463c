//! Why a page cannot be read decides whether the file fails closed: a limit is always declined (as
//! `limit`), unreadable text is declined (as `unreadable-text`) unless `--allow-unreadable` lets the
//! page through. Each kind is produced here by a real input through the real binary (or, for the time
//! limit, the real extractor), and the mapping is read from `summary.json`'s error code, so that no
//! message can be reworded into the other kind.

mod common;
use common::*;
use foiredact::model::ProblemKind;
use lopdf::dictionary;

/// Runs `redact` on one PDF (with `extra` arguments, terms "Quixote") and returns the file's result.
fn outcome(pdf: Vec<u8>, extra: &[&str]) -> (Option<i32>, serde_json::Value, bool) {
    let (d, o) = redact_pdf(pdf, "Quixote\n", extra);
    let s = summary(&d.path().join("out"));
    let r = s["results"][0].clone();
    let written = d.path().join("out/in.part1.pdf").exists();
    (o.status.code(), r, written)
}

fn flate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("deflate");
    e.finish().expect("deflate")
}

/// A page whose one content stream is `data` with `filter`, drawing Helvetica text.
fn page_with_stream(data: Vec<u8>, filter: Option<&str>) -> Vec<u8> {
    make_pdf("", vec![("F1", helvetica())], |doc| {
        let pid = *doc.get_pages().values().next().expect("page");
        let mut dict = lopdf::Dictionary::new();
        if let Some(f) = filter {
            dict.set("Filter", lopdf::Object::Name(f.as_bytes().to_vec()));
        }
        let sid = doc.add_object(lopdf::Stream::new(dict, data));
        doc.get_dictionary_mut(pid)
            .expect("page")
            .set("Contents", lopdf::Object::Reference(sid));
    })
}

const TEXT: &str = "BT /F1 12 Tf 72 700 Td (Mr Quixote wrote to the council.) Tj ET\n";

/// Inputs over a limit, each with the arguments that set it: (case, pdf, args).
fn over_limits() -> Vec<(&'static str, Vec<u8>, Vec<&'static str>)> {
    let many_ops: String = "q Q\n".repeat(50) + TEXT;
    let nested = format!("[[[[[[1]]]]]] pop\n{TEXT}");
    // 2 MB of white space and text, stored raw and compressed: a stream over --max-stream-mb 1.
    let big: Vec<u8> = [TEXT.as_bytes(), &vec![b' '; 2 << 20]].concat();
    vec![
        (
            "operators",
            make_pdf(&many_ops, vec![("F1", helvetica())], |_| {}),
            vec!["--max-operators", "10"],
        ),
        (
            "nesting",
            make_pdf(&nested, vec![("F1", helvetica())], |_| {}),
            vec!["--max-nesting", "3"],
        ),
        (
            "glyphs",
            make_pdf(&TEXT.repeat(3), vec![("F1", helvetica())], |_| {}),
            vec!["--max-glyphs", "5"],
        ),
        (
            "raw stream size",
            page_with_stream(big.clone(), None),
            vec!["--max-stream-mb", "1"],
        ),
        (
            "decompression bomb",
            page_with_stream(flate(&big), Some("FlateDecode")),
            vec!["--max-stream-mb", "1"],
        ),
        (
            "form decompression bomb",
            make_pdf("q /Fm1 Do Q\n", vec![("F1", helvetica())], |doc| {
                let font = doc.add_object(helvetica());
                let form = lopdf::Stream::new(
                    dictionary! {
                        "Type" => "XObject", "Subtype" => "Form", "Filter" => "FlateDecode",
                        "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                    },
                    flate(&big),
                );
                let fid = doc.add_object(form);
                let pid = *doc.get_pages().values().next().expect("page");
                let res = doc
                    .get_dictionary_mut(pid)
                    .expect("page")
                    .get_mut(b"Resources")
                    .and_then(lopdf::Object::as_dict_mut)
                    .expect("resources");
                res.set("XObject", dictionary! { "Fm1" => fid });
            }),
            vec!["--max-stream-mb", "1"],
        ),
    ]
}

#[test]
fn limits_are_declined_as_limits_even_with_allow_unreadable() {
    for (case, pdf, args) in over_limits() {
        for allow in [false, true] {
            let mut a = args.clone();
            if allow {
                a.push("--allow-unreadable");
            }
            let (code, r, written) = outcome(pdf.clone(), &a);
            assert_eq!(code, Some(1), "{case} (allow {allow}): {r}");
            assert_eq!(r["status"], "declined", "{case} (allow {allow}): {r}");
            assert_eq!(r["error"], "limit", "{case} (allow {allow}): {r}");
            assert!(!written, "{case} (allow {allow}): an output was written");
        }
        // Without the limit the same file is redacted: the limit, not the file, declined it.
        let (code, r, written) = outcome(pdf, &[]);
        assert_eq!(code, Some(0), "{case} without the limit: {r}");
        assert!(written, "{case} without the limit");
    }
}

#[test]
fn unreadable_text_is_declined_as_unreadable_and_let_through_when_asked() {
    // Text shown before any font is set, and a font whose codes have no Unicode (a Type 3 font with
    // glyph names no table knows and no /ToUnicode).
    let type3 = dictionary! {
        "Type" => "Font", "Subtype" => "Type3",
        "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()],
        "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
        "FirstChar" => 65, "LastChar" => 66,
        "Widths" => vec![500.into(), 500.into()],
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => vec![65.into(), "g17x".into(), "g18x".into()] },
        "CharProcs" => dictionary! {},
        "Resources" => dictionary! {},
    };
    let cases = vec![
        (
            "no font",
            make_pdf(
                &format!("BT 72 650 Td (AB) Tj ET\n{TEXT}"),
                vec![("F1", helvetica())],
                |_| {},
            ),
        ),
        (
            "no Unicode",
            make_pdf(
                &format!("BT /T3 12 Tf 72 650 Td (AB) Tj ET\n{TEXT}"),
                vec![("F1", helvetica()), ("T3", type3)],
                |_| {},
            ),
        ),
    ];
    for (case, pdf) in cases {
        let (code, r, written) = outcome(pdf.clone(), &[]);
        assert_eq!(code, Some(1), "{case}: {r}");
        assert_eq!(r["error"], "unreadable-text", "{case}: {r}");
        assert!(!written, "{case}");
        let (code, r, written) = outcome(pdf, &["--allow-unreadable"]);
        assert_eq!(code, Some(0), "{case} with --allow-unreadable: {r}");
        assert!(written, "{case} with --allow-unreadable");
    }
}

/// The time limit, met while a page's operators are read: a `Time` problem (declined as a limit by
/// the pipeline, which names the limit given).
#[test]
fn the_time_limit_is_a_time_problem() {
    let content = "q Q\n".repeat(10_000) + TEXT;
    let pdf = make_pdf(&content, vec![("F1", helvetica())], |_| {});
    let doc = foiredact::pdf::load::load(&pdf, None, &Default::default()).expect("loads");
    let lim = foiredact::pdf::extract::ExtractLimits {
        deadline: Some(std::time::Instant::now()),
        ..Default::default()
    };
    std::thread::sleep(std::time::Duration::from_millis(5));
    let pages = foiredact::pdf::extract::extract_all(&doc, &lim);
    let kinds: Vec<ProblemKind> = pages[0].1.problems.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, vec![ProblemKind::Time]);
    assert_eq!(pages[0].1.problems[0].page, 1);
    // Without a deadline, the same page reads cleanly.
    let pages = foiredact::pdf::extract::extract_all(&doc, &Default::default());
    assert!(pages[0].1.problems.is_empty());
}

/// `verify` cannot search text it cannot read: a page drawn in a Type 3 font whose glyphs have no
/// Unicode (what they spell, only the page's image tells) leaves the file unchecked (exit 3). It was
/// reported clean (exit 0): no reading of the text, and no raw byte, holds the term.
#[test]
fn verify_does_not_call_unreadable_text_clean() {
    let type3 = dictionary! {
        "Type" => "Font", "Subtype" => "Type3",
        "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()],
        "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
        "FirstChar" => 128, "LastChar" => 134,
        "Widths" => vec![500.into(); 7],
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => vec![128.into(), "g17x".into(), "g18x".into(), "g19x".into(), "g20x".into(), "g21x".into(), "g22x".into(), "g23x".into()] },
        "CharProcs" => dictionary! {},
        "Resources" => dictionary! {},
    };
    let pdf = make_pdf(
        &format!("BT /T3 12 Tf 72 650 Td <80818283848586> Tj ET\n{TEXT}"),
        vec![("F1", helvetica()), ("T3", type3)],
        |_| {},
    );
    let d = tempdir();
    let f = d.path().join("in.pdf");
    std::fs::write(&f, pdf).expect("write");
    let terms = d.path().join("terms.txt");
    std::fs::write(&terms, "Tregarthen\n").expect("write");
    let o = run(&[
        "verify",
        f.to_str().expect("utf8"),
        "--terms",
        terms.to_str().expect("utf8"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "not checked: {err}");
    assert!(err.contains("not checked"), "{err}");
}
