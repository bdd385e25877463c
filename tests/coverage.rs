//! Issue #20, by class: files that viewers open and that were declined are now read and redacted (one
//! small generated PDF per variant, hand-written objects; the planted name is invented). Each case
//! asserts that the input reads, that the output is made, passes qpdf, and that no extractor finds the
//! name while the words around it stay (`common::check`); repairs are named in `summary.json`.

mod common;
use common::*;
use lopdf::{dictionary, Document, Object, ObjectId, Stream};

/// The first page's object id.
fn first_page(doc: &Document) -> ObjectId {
    *doc.get_pages().values().next().expect("page")
}

/// The planted line: the name between kept words.
const REPORT: &str = "BT /F1 12 Tf 72 700 Td (Report by Quimby today) Tj ET";

/// A one-page PDF whose /Contents is an array of these streams (unfiltered), in order.
fn split(parts: &[&[u8]]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = parts.iter().map(|p| p.to_vec()).collect();
    make_pdf("", vec![("F1", helvetica())], move |doc| {
        let pid = first_page(doc);
        let ids: Vec<Object> = parts
            .into_iter()
            .map(|p| Object::Reference(doc.add_object(Stream::new(dictionary! {}, p))))
            .collect();
        doc.get_dictionary_mut(pid)
            .expect("page")
            .set("Contents", Object::Array(ids));
    })
}

/// Class 1: a page's /Contents array is one stream cut anywhere (inside a string, between a TJ array
/// and its operator, inside an inline image's data, between two operators with no white space).
#[test]
fn contents_split_mid_token_are_joined() {
    check(
        "cut inside a string",
        split(&[
            b"BT /F1 12 Tf 72 700 Td (Report by Qui",
            b"mby today) Tj ET",
        ]),
        &["Report by", "today"],
    );
    check(
        "cut between a TJ array and TJ",
        split(&[
            b"BT /F1 12 Tf 72 700 Td [(Report by ) -20 (Quimby today)]",
            b"TJ ET",
        ]),
        &["Report by", "today"],
    );
    check(
        "cut inside an inline image, operators without white space between streams",
        split(&[
            b"q 10 0 0 10 300 300 cm BI /W 2 /H 1 /BPC 8 /CS /G ID ((",
            b" EI Q",
            b"BT /F1 12 Tf 72 700 Td (Report by ) Tj ET",
            b"BT /F1 12 Tf 72 680 Td (Quimby today) Tj ET",
        ]),
        &["Report by", "today"],
    );
    check(
        "cut inside a hex string, stray operands at the end",
        split(&[
            b"BT /F1 12 Tf 72 700 Td (Report by ) Tj <5175696d",
            b"6279> Tj ( today) Tj ET /Stray",
        ]),
        &["Report by", "today"],
    );
    // The repair is named in the summary.
    let (d, o) = redact_pdf(
        split(&[
            b"BT /F1 12 Tf 72 700 Td (Report by Qui",
            b"mby today) Tj ET",
        ]),
        "Quimby\n",
        &[],
    );
    assert_ok(&o);
    let s = summary(&d.path().join("out"));
    let r = result(&s, "in.pdf").expect("result");
    assert!(
        r["repairs"][0]
            .as_str()
            .is_some_and(|t| t.contains("joined")),
        "{r}"
    );
    // Streams that each parse are left as they are (no repair named).
    let (d, o) = redact_pdf(
        split(&[
            b"BT /F1 12 Tf 72 700 Td (Report by) Tj ET",
            b"BT /F1 12 Tf 72 680 Td (Quimby) Tj ET",
        ]),
        "Quimby\n",
        &[],
    );
    assert_ok(&o);
    let s = summary(&d.path().join("out"));
    assert!(result(&s, "in.pdf")
        .expect("result")
        .get("repairs")
        .is_none());
}

/// A cut that no reading can join (a string never closed) still declines.
#[test]
fn contents_that_cannot_be_joined_still_decline() {
    let (_d, o) = redact_pdf(
        split(&[b"BT /F1 12 Tf 72 700 Td (Report by Qui", b"mby today Tj ET"]),
        "Quimby\n",
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "declined");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unterminated string"), "{err}");
}

/// Adds a second page to a one-page document: its /Contents is `contents` (the objects named).
fn add_page(doc: &mut Document, contents: Object) -> ObjectId {
    let (pid, pages_id) = {
        let pid = first_page(doc);
        let parent = doc
            .get_dictionary(pid)
            .expect("page")
            .get(b"Parent")
            .and_then(Object::as_reference)
            .expect("parent");
        (pid, parent)
    };
    let mut page = doc.get_dictionary(pid).expect("page").clone();
    page.set("Contents", contents);
    let id = doc.add_object(page);
    let pages = doc.get_dictionary_mut(pages_id).expect("pages");
    pages.set("Kids", vec![Object::Reference(pid), Object::Reference(id)]);
    pages.set("Count", 2);
    id
}

/// Class 5: a content stream drawn by several pages (what `qpdf --pages` writes when one page is used
/// twice; a letterhead stream shared by every page of a template).
#[test]
fn content_stream_shared_by_pages_is_copied() {
    // The same stream is the whole content of two pages.
    let twice = make_pdf(REPORT, vec![("F1", helvetica())], |doc| {
        let pid = first_page(doc);
        let c = doc
            .get_dictionary(pid)
            .expect("page")
            .get(b"Contents")
            .expect("contents")
            .clone();
        add_page(doc, c);
    });
    check("one stream, two pages", twice, &["Report by", "today"]);
    // A shared letterhead stream plus each page's own stream; the name is in the letterhead and in
    // the first page's own text only.
    let letterhead = make_pdf(
        "BT /F1 10 Tf 72 760 Td (Office of Quimby and partners) Tj ET",
        vec![("F1", helvetica())],
        |doc| {
            let pid = first_page(doc);
            let head = doc
                .get_dictionary(pid)
                .expect("page")
                .get(b"Contents")
                .and_then(Object::as_reference)
                .expect("contents");
            let own1 = doc.add_object(Stream::new(
                dictionary! {},
                b"BT /F1 12 Tf 72 700 Td (Report by Quimby today) Tj ET".to_vec(),
            ));
            let own2 = doc.add_object(Stream::new(
                dictionary! {},
                b"BT /F1 12 Tf 72 700 Td (Second page text) Tj ET".to_vec(),
            ));
            doc.get_dictionary_mut(pid).expect("page").set(
                "Contents",
                vec![Object::Reference(head), Object::Reference(own1)],
            );
            add_page(
                doc,
                Object::Array(vec![Object::Reference(head), Object::Reference(own2)]),
            );
        },
    );
    check(
        "letterhead shared by pages",
        letterhead,
        &[
            "Office of",
            "partners",
            "Report by",
            "today",
            "Second page text",
        ],
    );
}

/// A one-page PDF whose page draws `page` and has Form XObjects `forms` (name, content, the names of
/// the forms it draws itself), each with its own resources (the font, and the forms it draws).
fn with_forms(page: &str, forms: &[(&str, &str, &[&str])]) -> Vec<u8> {
    let forms: Vec<(String, String, Vec<String>)> = forms
        .iter()
        .map(|(n, c, k)| {
            (
                n.to_string(),
                c.to_string(),
                k.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    make_pdf(page, vec![("F1", helvetica())], move |doc| {
        let pid = first_page(doc);
        let font = doc.add_object(helvetica());
        let ids: Vec<ObjectId> = forms.iter().map(|_| doc.new_object_id()).collect();
        let id_of = |n: &str| ids[forms.iter().position(|f| f.0 == n).expect("form")];
        for (k, (_, content, kids)) in forms.iter().enumerate() {
            let mut x = lopdf::Dictionary::new();
            for kid in kids {
                x.set(kid.as_bytes(), Object::Reference(id_of(kid)));
            }
            let s = Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                    "Resources" => dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => x },
                },
                content.as_bytes().to_vec(),
            );
            doc.objects.insert(ids[k], Object::Stream(s));
        }
        let mut x = lopdf::Dictionary::new();
        for (n, _, _) in &forms {
            x.set(n.as_bytes(), Object::Reference(id_of(n)));
        }
        doc.get_dictionary_mut(pid)
            .expect("page")
            .get_mut(b"Resources")
            .and_then(Object::as_dict_mut)
            .expect("resources")
            .set("XObject", x);
    })
}

/// Class 3: text in a Form XObject drawn by another Form XObject (the chain is copied per page).
#[test]
fn nested_form_xobjects_are_copied_up_the_chain() {
    check(
        "form in a form",
        with_forms(
            "BT /F1 12 Tf 72 720 Td (Page heading) Tj ET q 1 0 0 1 0 -20 cm /Outer Do Q",
            &[
                (
                    "Outer",
                    "BT /F1 12 Tf 72 700 Td (Outer words) Tj ET /Inner Do",
                    &["Inner"],
                ),
                (
                    "Inner",
                    "BT /F1 12 Tf 72 650 Td (Report by Quimby today) Tj ET",
                    &[],
                ),
            ],
        ),
        &["Page heading", "Outer words", "Report by", "today"],
    );
    check(
        "three levels, text in two of them",
        with_forms(
            "/A Do",
            &[
                (
                    "A",
                    "BT /F1 12 Tf 72 700 Td (Level one Quimby) Tj ET /B Do",
                    &["B"],
                ),
                (
                    "B",
                    "BT /F1 12 Tf 72 680 Td (Level two) Tj ET /C Do",
                    &["C"],
                ),
                (
                    "C",
                    "BT /F1 12 Tf 72 660 Td (Report by Quimby today) Tj ET",
                    &[],
                ),
            ],
        ),
        &["Level one", "Level two", "Report by", "today"],
    );
}

/// A form that draws itself is a cycle: still declined, with its reason.
#[test]
fn form_cycle_still_declines() {
    let pdf = with_forms(
        "/Loop Do",
        &[(
            "Loop",
            "BT /F1 12 Tf 72 700 Td (Report by Quimby) Tj ET /Loop Do",
            &["Loop"],
        )],
    );
    let (_d, o) = redact_pdf(pdf, "Quimby\n", &[]);
    assert_eq!(o.status.code(), Some(1), "declined");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cycle"), "{err}");
}

/// Class 6: a cross-reference table that does not parse is rebuilt by scanning the file for objects
/// (named in the summary); a file whose page tree names only missing objects declines as having no
/// pages (class 7).
#[test]
fn damaged_xref_is_rebuilt() {
    let good = make_pdf(REPORT, vec![("F1", helvetica())], |_| {});
    let at = good
        .windows(5)
        .rposition(|w| w == b"xref\n" || w == b"xref\r")
        .expect("xref table");
    // The table's entries garbled (as a fuzzer or a bad transfer leaves them), and startxref off.
    let mut bad = good.clone();
    for b in bad[at + 5..].iter_mut().take(60) {
        if b.is_ascii_digit() {
            *b = b'x';
        }
    }
    let sx = bad
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("startxref");
    let tail = format!("startxref\n{}\n%%EOF\n", at + 3);
    bad.truncate(sx);
    bad.extend_from_slice(tail.as_bytes());
    check("garbled xref table", bad.clone(), &["Report by", "today"]);
    let (d, o) = redact_pdf(bad, "Quimby\n", &[]);
    assert_ok(&o);
    let s = summary(&d.path().join("out"));
    let r = result(&s, "in.pdf").expect("result");
    assert!(
        r["repairs"][0]
            .as_str()
            .is_some_and(|t| t.contains("cross-reference")),
        "{r}"
    );
    // The page object is missing: no pages.
    let missing = make_pdf("BT ET", vec![("F1", helvetica())], |doc| {
        let pid = first_page(doc);
        doc.objects.remove(&pid);
    });
    let (_d, o) = redact_pdf(missing, "Quimby\n", &[]);
    assert_eq!(o.status.code(), Some(1), "declined");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no pages"), "{err}");
}

/// Class 2: an image under a box in each coding (CCITT G4, JBIG2, JPEG 2000, 16-bit, 4-bit Indexed,
/// CMYK, a filter chain, a PNG predictor, a soft mask, a stencil mask), inline (Flate, raw samples) or
/// drawn by a Form XObject (CCITT, Flate), made by
/// `tests/coverage/make_images.py`: the output is made, the name is gone from every reader, and
/// `tests/coverage/check_blank.py` proves with qpdf's decoders (not ours) that the pixels under the box
/// are 0 in the image and its mask, and with mutool that the page looks the same elsewhere.
#[test]
fn images_in_other_codings_are_blanked() {
    let dir = tempdir();
    let made = std::process::Command::new("python3")
        .arg(repo().join("tests/coverage/make_images.py"))
        .arg(dir.path())
        .output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        skip(
            REQUIRE_TOOLS,
            &format!(
                "python3 with Pillow (libtiff, OpenJPEG) and pikepdf is needed: {:?}",
                made.map(|o| String::from_utf8_lossy(&o.stderr).to_string())
            ),
        );
        return;
    }
    let pdfs = pdfs_in(dir.path());
    assert_eq!(pdfs.len(), 15, "{pdfs:?}");
    for p in pdfs {
        let case = p.file_stem().expect("stem").to_string_lossy().to_string();
        let bytes = std::fs::read(&p).expect("read");
        check(&case, bytes.clone(), &["Visible words stay"]);
        let (d, o) = redact_pdf(bytes, "Quimby\n", &[]);
        assert_ok(&o);
        let log = read_json(&d.path().join("out/in.redactions.json"));
        let r = &log["redactions"][0]["rect"];
        let rect: Vec<String> = ["x0", "y0", "x1", "y1"]
            .iter()
            .map(|k| r[k].as_f64().expect("rect").to_string())
            .collect();
        let out = d.path().join("out/in.part1.pdf");
        let c = std::process::Command::new("python3")
            .arg(repo().join("tests/coverage/check_blank.py"))
            .arg(&out)
            .args(&rect)
            .arg(&p)
            .output()
            .expect("python3");
        assert_eq!(
            c.status.code(),
            Some(0),
            "{case}: {}{}",
            String::from_utf8_lossy(&c.stdout),
            String::from_utf8_lossy(&c.stderr)
        );
        // And the input's pixels there were not blank (the check can fail).
        let c = std::process::Command::new("python3")
            .arg(repo().join("tests/coverage/check_blank.py"))
            .arg(&p)
            .args(&rect)
            .output()
            .expect("python3");
        assert_ne!(c.status.code(), Some(0), "{case}: the input is not blank");
    }
}

/// Class 6: a page content stream with lines no tokenizer reads (a stray `)`, an array never closed):
/// those lines are left out of the output (named in the summary), the rest is read and redacted.
#[test]
fn damaged_content_lines_are_dropped() {
    let pdf = one_stream(
        "BT /F1 12 Tf 72 700 Td (Report by Quimby today) Tj ET\n(broken)) Tj\nBT /F1 12 Tf 72 680 Td (More words) Tj ET\n[ /oops\n",
    );
    check(
        "damaged lines",
        pdf.clone(),
        &["Report by", "today", "More words"],
    );
    let (d, o) = redact_pdf(pdf, "Quimby\n", &[]);
    assert_ok(&o);
    let s = summary(&d.path().join("out"));
    let r = result(&s, "in.pdf").expect("result");
    assert!(
        r["repairs"][0]
            .as_str()
            .is_some_and(|t| t.contains("2 damaged line(s)")),
        "{r}"
    );
    let out = d.path().join("out/in.part1.pdf");
    let t = norm(&String::from_utf8_lossy(
        &run_ok(&["text", out.to_str().expect("utf8")]).stdout,
    ));
    assert!(!t.contains("broken"), "the damaged line is left out: {t}");
}

fn one_stream(content: &str) -> Vec<u8> {
    make_pdf(content, vec![("F1", helvetica())], |_| {})
}

/// Class 6: a page tree that lists a page twice keeps it once, at its first place (named in the
/// summary); a Form XObject whose Flate data is cut is read as far as it inflates.
#[test]
fn page_listed_twice_and_cut_form() {
    let twice = make_pdf(REPORT, vec![("F1", helvetica())], |doc| {
        let pid = first_page(doc);
        let parent = doc
            .get_dictionary(pid)
            .expect("page")
            .get(b"Parent")
            .and_then(Object::as_reference)
            .expect("parent");
        let pages = doc.get_dictionary_mut(parent).expect("pages");
        pages.set("Kids", vec![Object::Reference(pid), Object::Reference(pid)]);
        pages.set("Count", 2);
    });
    check("page listed twice", twice.clone(), &["Report by", "today"]);
    let (d, o) = redact_pdf(twice, "Quimby\n", &[]);
    assert_ok(&o);
    let s = summary(&d.path().join("out"));
    let r = result(&s, "in.pdf").expect("result");
    assert_eq!(r["pages"], 1, "{r}");
    assert!(
        r["repairs"].to_string().contains("listed a page twice"),
        "{r}"
    );
    // A form whose Flate data stops short: what inflates is read (the name in it is redacted).
    let text = b"BT /F1 12 Tf 72 650 Td (Report by Quimby today) Tj ET\n".repeat(40);
    let mut packed = {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&text).expect("deflate");
        e.finish().expect("deflate")
    };
    packed.truncate(packed.len() - 6);
    let cut = make_pdf("/Fm1 Do", vec![("F1", helvetica())], move |doc| {
        let pid = first_page(doc);
        let font = doc.add_object(helvetica());
        let form = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form", "Filter" => "FlateDecode",
                "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            },
            packed,
        ));
        doc.get_dictionary_mut(pid)
            .expect("page")
            .get_mut(b"Resources")
            .and_then(Object::as_dict_mut)
            .expect("resources")
            .set("XObject", dictionary! { "Fm1" => form });
    });
    check("form cut short", cut, &["Report by", "today"]);
}

/// Class 6: a content stream with a filter no reader knows makes that page unreadable (a typed page
/// reason, which `--allow-unreadable` lets through), not the file broken.
#[test]
fn bad_filter_name_is_an_unreadable_page() {
    let pdf = make_pdf("BT ET", vec![("F1", helvetica())], |doc| {
        let s = doc.add_object(Stream::new(
            dictionary! { "Filter" => "NoSuchDecode" },
            b"garbage".to_vec(),
        ));
        let pid = first_page(doc);
        doc.get_dictionary_mut(pid)
            .expect("page")
            .set("Contents", Object::Reference(s));
    });
    let (d, o) = redact_pdf(pdf.clone(), "Quimby\n", &[]);
    assert_eq!(o.status.code(), Some(1), "declined");
    let s = summary(&d.path().join("out"));
    let r = result(&s, "in.pdf").expect("result");
    let reason = r["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("page 1: text cannot be decoded"), "{r}");
    let (_d, o) = redact_pdf(pdf, "Quimby\n", &["--allow-unreadable"]);
    assert_ok(&o);
}

/// A content stream whose comments hold the redacted text (pdf.js's knockout test file names its
/// cases in `%` comments): the raw scan of the output found it and the file was declined. Comments
/// are left out of every stream that is rewritten; a `%` in a string stays.
#[test]
fn comments_in_content_are_left_out() {
    check(
        "comments",
        make_pdf(
            "% Report by Quimby today\nBT /F1 12 Tf 72 700 Td (Report by Quimby today) Tj % Quimby\n\
             0 -20 Td (100% kept) Tj ET %Quimby",
            vec![("F1", helvetica())],
            |_| {},
        ),
        &["Report by", "today", "100% kept"],
    );
}

/// A page tree whose /Count says more pages than its kids hold (openpreserve's page-tree-wrong-count:
/// 9 said, 1 there): the page that is there is redacted, and the repair is named.
#[test]
fn page_tree_count_that_is_wrong_is_named() {
    let pdf = make_pdf(REPORT, vec![("F1", helvetica())], |doc| {
        let root = doc
            .catalog()
            .and_then(|c| c.get(b"Pages"))
            .and_then(Object::as_reference)
            .expect("pages");
        doc.get_dictionary_mut(root).expect("pages").set("Count", 9);
    });
    check("/Count 9, one page", pdf.clone(), &["Report by", "today"]);
    let (d, o) = redact_pdf(pdf, "Quimby\n", &[]);
    assert_ok(&o);
    let s = summary(&d.path().join("out"));
    let r = result(&s, "in.pdf").expect("result");
    assert!(
        r["repairs"].as_array().is_some_and(|a| a.iter().any(|t| t
            .as_str()
            .is_some_and(|t| t.contains("says 9 page(s) but holds 1")))),
        "{r}"
    );
}
