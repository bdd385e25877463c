//! Hidden channels: nothing personal survives in metadata, annotations, form fields, outlines, images
//! or earlier revisions.

mod common;
use common::*;
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

/// Every decompressed stream and every string of a PDF, lower-cased, as one haystack.
fn everything(path: &std::path::Path) -> String {
    let doc = Document::load(path).expect("output loads");
    let mut s = String::from_utf8_lossy(&std::fs::read(path).expect("read")).to_lowercase();
    for o in doc.objects.values() {
        if let Object::Stream(st) = o {
            if let Ok(d) = st.decompressed_content() {
                s.push_str(&String::from_utf8_lossy(&d).to_lowercase());
            }
        }
    }
    s
}

/// Metadata, XMP, a comment, a bookmark and a filled-in form field all hold the name; none survives,
/// and the form field's visible text is flattened into the page (and redacted there).
#[test]
fn metadata_annotations_outlines_and_form_fields_are_cleaned() {
    let pdf = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Decision about the depot.) Tj ET",
        vec![("F1", helvetica())],
        |doc| {
            let page_id = *doc.get_pages().values().next().expect("page");
            let info = doc.add_object(dictionary! { "Author" => Object::string_literal("Jemima Quimby"), "Title" => Object::string_literal("Notes by Quimby") });
            doc.trailer.set("Info", info);
            let xmp = doc.add_object(Stream::new(
                dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
                b"<x:xmpmeta><dc:creator>Jemima Quimby</dc:creator></x:xmpmeta>".to_vec(),
            ));
            let ap = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 200.into(), 20.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "Helv" => helvetica() } } },
            b"/Tx BMC BT /Helv 10 Tf 2 6 Td (Applicant Jemima Quimby) Tj ET EMC".to_vec(),
        ));
            let field = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "T" => Object::string_literal("applicant"),
            "V" => Object::string_literal("Jemima Quimby"), "Rect" => vec![72.into(), 600.into(), 272.into(), 620.into()],
            "AP" => dictionary! { "N" => ap }, "P" => page_id,
        });
            let comment = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Text", "Contents" => Object::string_literal("Ask Jemima Quimby"),
            "T" => Object::string_literal("Jemima Quimby"), "Rect" => vec![10.into(), 10.into(), 30.into(), 30.into()],
        });
            let outline_item = doc.new_object_id();
            let outlines = doc.add_object(dictionary! { "Type" => "Outlines", "First" => outline_item, "Last" => outline_item, "Count" => 1 });
            doc.objects.insert(outline_item, Object::Dictionary(dictionary! { "Title" => Object::String(b"Quimby file".to_vec(), StringFormat::Literal), "Parent" => outlines, "Dest" => vec![page_id.into(), "Fit".into()] }));
            let page = doc.get_dictionary_mut(page_id).expect("page");
            page.set(
                "Annots",
                vec![Object::Reference(field), Object::Reference(comment)],
            );
            let root = doc
                .trailer
                .get(b"Root")
                .and_then(Object::as_reference)
                .expect("root");
            let cat = doc.get_dictionary_mut(root).expect("catalog");
            cat.set("Metadata", xmp);
            cat.set("Outlines", outlines);
            cat.set(
                "AcroForm",
                dictionary! { "Fields" => vec![Object::Reference(field)] },
            );
            cat.set("OpenAction", dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert('Quimby')") });
        },
    );
    let (d, o) = redact_pdf(pdf, "Quimby\n", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = d.path().join("out/in.part1.pdf");
    assert!(
        !everything(&out).contains("quimby"),
        "the name survives somewhere in the file"
    );
    let text = pdf_text(&out);
    assert!(
        text.contains("Decision about the depot.") && text.contains("Applicant"),
        "flattened field text is kept: {text}"
    );
    let doc = Document::load(&out).expect("loads");
    assert!(doc.trailer.get(b"Info").is_err());
    let cat = doc.catalog().expect("catalog");
    for k in [&b"Outlines"[..], b"AcroForm", b"OpenAction", b"Metadata"] {
        assert!(!cat.has(k), "{}", String::from_utf8_lossy(k));
    }
}

/// The name was on the page in revision 1 and removed by an incremental update: the old bytes are
/// still in the input; the output is a fresh file without them.
#[test]
fn earlier_revisions_do_not_survive() {
    let v1 = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Witness Horatio Fenwick-Blythe signed.) Tj ET",
        vec![("F1", helvetica())],
        |_| {},
    );
    let prev = Document::load_mem(&v1).expect("loads");
    let page_id = *prev.get_pages().values().next().expect("page");
    let content_id = prev.get_page_contents(page_id)[0];
    let mut inc = lopdf::IncrementalDocument::create_from(v1.clone(), prev);
    inc.opt_clone_object_to_new_document(content_id)
        .expect("clone");
    if let Ok(Object::Stream(s)) = inc.new_document.get_object_mut(content_id) {
        s.set_plain_content(b"BT /F1 12 Tf 72 700 Td (Witness signed.) Tj ET".to_vec());
    }
    let mut v2 = Vec::new();
    inc.save_to(&mut v2).expect("incremental save");
    assert!(
        String::from_utf8_lossy(&v2).contains("Fenwick"),
        "the input keeps the old revision"
    );
    let (d, o) = redact_pdf(v2, "Nothing Else\n", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = d.path().join("out/in.part1.pdf");
    assert!(!everything(&out).contains("fenwick"));
    let bytes = std::fs::read(&out).expect("read");
    assert_eq!(
        String::from_utf8_lossy(&bytes).matches("%%EOF").count(),
        1,
        "one revision only"
    );
    assert!(pdf_text(&out).contains("Witness signed."));
}

/// A JPEG under a redacted word has its pixels blanked (proved by decoding them), and a signature
/// picture beside a "Signed:" line is removed whole.
#[test]
fn images_under_boxes_are_blanked_and_signature_images_removed() {
    let mut jpg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpg, 90)
        .encode(
            &vec![230u8; 300 * 100 * 3],
            300,
            100,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encodes");
    let mut sig = Vec::new();
    jpeg_encoder::Encoder::new(&mut sig, 90)
        .encode(
            &vec![90u8; 120 * 40],
            120,
            40,
            jpeg_encoder::ColorType::Luma,
        )
        .expect("encodes");
    let pdf = make_pdf(
        "q 300 0 0 100 60 650 cm /Scan Do Q BT 3 Tr /F1 12 Tf 72 700 Td (Report by Cornelius Wakefield-Hume today.) Tj ET \
         BT /F1 12 Tf 72 500 Td (Signed: C. Wakefield) Tj ET q 120 0 0 40 300 490 cm /Sig Do Q",
        vec![("F1", helvetica())],
        |doc| {
            let page_id = *doc.get_pages().values().next().expect("page");
            let scan = doc.add_object(Stream::new(dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 300, "Height" => 100, "BitsPerComponent" => 8, "ColorSpace" => "DeviceRGB", "Filter" => "DCTDecode" }, jpg).with_compression(false));
            let sigimg = doc.add_object(Stream::new(dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 120, "Height" => 40, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Filter" => "DCTDecode" }, sig).with_compression(false));
            let page = doc.get_dictionary_mut(page_id).expect("page");
            let res = page.get_mut(b"Resources").and_then(Object::as_dict_mut).expect("resources");
            res.set("XObject", dictionary! { "Scan" => scan, "Sig" => sigimg });
        },
    );
    let (d, o) = redact_pdf(pdf, "Wakefield-Hume\n", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = d.path().join("out/in.part1.pdf");
    let doc = Document::load(&out).expect("loads");
    let page_id = *doc.get_pages().values().next().expect("page");
    let res = doc
        .get_dictionary(page_id)
        .expect("page")
        .get(b"Resources")
        .and_then(Object::as_dict)
        .expect("resources");
    let xo = res
        .get(b"XObject")
        .and_then(Object::as_dict)
        .expect("xobjects");
    let scan_id = xo
        .get(b"Scan")
        .and_then(Object::as_reference)
        .expect("scan");
    let scan = doc
        .get_object(scan_id)
        .and_then(Object::as_stream)
        .expect("stream");
    let log: serde_json::Value = serde_json::from_slice(
        &std::fs::read(d.path().join("out/in.redactions.json")).expect("log"),
    )
    .expect("json");
    let rects: Vec<foiredact::geom::Rect> = log["redactions"]
        .as_array()
        .expect("redactions")
        .iter()
        .map(|b| serde_json::from_value(b["rect"].clone()).expect("rect"))
        .filter(|r: &foiredact::geom::Rect| r.y0 > 650.0)
        .collect();
    assert!(!rects.is_empty(), "a box over the scan: {log}");
    let ctm = foiredact::geom::Matrix([300.0, 0.0, 0.0, 100.0, 60.0, 650.0]);
    assert!(
        foiredact::pdf::images::is_blank_under(&doc, scan, &ctm, &rects).expect("decodes"),
        "{rects:?}"
    );
    let orig = lopdf::Document::load(d.path().join("in.pdf")).expect("input");
    let oscan = orig
        .objects
        .values()
        .find_map(|o| {
            o.as_stream()
                .ok()
                .filter(|s| s.dict.get(b"Width").and_then(Object::as_i64).ok() == Some(300))
        })
        .expect("input scan");
    assert!(
        !foiredact::pdf::images::is_blank_under(&orig, oscan, &ctm, &rects).expect("decodes"),
        "the input's pixels were not blank"
    );
    // The signature image is no longer drawn.
    let o = run(&["text", "--json", out.to_str().expect("utf8")]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let images = v[0]["images"].as_array().expect("images");
    assert_eq!(images.len(), 1, "only the page image is left: {images:?}");
    // ... and its pixels are not in the file at all.
    let greys = doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream()
                .is_ok_and(|s| s.dict.get(b"Width").and_then(Object::as_i64).ok() == Some(120))
        })
        .count();
    assert_eq!(greys, 0, "the signature image object is gone");
    assert!(!pdf_text(&out).contains("Wakefield-Hume"));
}

/// `foiredact verify` finds a term in page text and in hidden places of an input (exit 1), and
/// nothing in the redacted output (exit 0).
#[test]
fn verify_command_reports_where_terms_survive() {
    let pdf = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Report on Ottoline Quarrendon.) Tj ET",
        vec![("F1", helvetica())],
        |doc| {
            let info = doc.add_object(
                dictionary! { "Author" => Object::string_literal("Ottoline Quarrendon") },
            );
            doc.trailer.set("Info", info);
        },
    );
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(&inp, &pdf).expect("write");
    let t = d.path().join("t.txt");
    std::fs::write(&t, "Quarrendon\n").expect("write");
    let o = run(&[
        "verify",
        inp.to_str().expect("utf8"),
        "--terms",
        t.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        out.contains("page 1 text") && out.contains("document information"),
        "{out}"
    );
    assert!(!out.contains("Quarrendon"), "masked: {out}");
    let (d2, o) = redact_pdf(pdf, "Quarrendon\n", &[]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&[
        "verify",
        d2.path().join("out/in.part1.pdf").to_str().expect("utf8"),
        "--terms",
        t.to_str().expect("utf8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// An image under a box that cannot be blanked (here CCITT fax data) declines the file, with the reason.
#[test]
fn undecodable_image_under_a_box_declines_the_file() {
    let pdf = make_pdf(
        "q 300 0 0 60 60 680 cm /Fax Do Q BT 3 Tr /F1 12 Tf 72 700 Td (Scanned note about Wilhelmina Oddfellow.) Tj ET",
        vec![("F1", helvetica())],
        |doc| {
            let page_id = *doc.get_pages().values().next().expect("page");
            let fax = doc.add_object(
                Stream::new(
                    dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 300, "Height" => 60, "BitsPerComponent" => 1, "ColorSpace" => "DeviceGray", "Filter" => "CCITTFaxDecode", "DecodeParms" => dictionary! { "K" => -1, "Columns" => 300 } },
                    vec![0u8; 64],
                )
                .with_compression(false),
            );
            let page = doc.get_dictionary_mut(page_id).expect("page");
            let res = page.get_mut(b"Resources").and_then(Object::as_dict_mut).expect("resources");
            res.set("XObject", dictionary! { "Fax" => fax });
        },
    );
    // By default the picture is read by eye first, and the renderer cannot decode it either: that
    // declines the file (a picture that may hold text, unread). With `--ocr never` (nothing read from
    // pixels) the blanking itself is what declines it.
    for (extra, want) in [
        (&[][..], &["cannot decode an image that may hold text"][..]),
        (&["--ocr", "never"][..], &["cannot be blanked", "CCITT"][..]),
    ] {
        let (d, o) = redact_pdf(pdf.clone(), "Oddfellow\n", extra);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!d.path().join("out/in.part1.pdf").exists());
        let reason = summary(&d.path().join("out"))["results"][0]["reason"]
            .as_str()
            .expect("reason")
            .to_string();
        assert!(want.iter().all(|w| reason.contains(w)), "{reason}");
    }
}

/// A tagged one-page PDF: `elements` are (structure type, MCID, key, text) under one Document element,
/// the page's parent tree entry lists them by MCID. `content` must mark the MCIDs.
fn tagged_pdf(content: &str, elements: &[(&str, i64, &str, &str)]) -> Vec<u8> {
    let elements: Vec<(String, i64, String, String)> = elements
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), *b, c.to_string(), d.to_string()))
        .collect();
    make_pdf(content, vec![("F1", helvetica())], move |doc| {
        let page = *doc.get_pages().values().next().expect("page");
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .expect("root");
        let tree_id = doc.new_object_id();
        let top_id = doc.new_object_id();
        let mut kids = Vec::new();
        let mut by_mcid: Vec<Object> = Vec::new();
        for (s, mcid, key, text) in &elements {
            let mut d = dictionary! {
                "Type" => "StructElem", "S" => s.as_str(), "P" => top_id, "Pg" => page, "K" => *mcid,
            };
            if !key.is_empty() {
                d.set(
                    key.as_bytes(),
                    Object::String(text.as_bytes().to_vec(), StringFormat::Literal),
                );
            }
            let id = doc.add_object(d);
            kids.push(Object::Reference(id));
            by_mcid.push(Object::Reference(id));
        }
        doc.objects.insert(
            top_id,
            Object::Dictionary(dictionary! {
                "Type" => "StructElem", "S" => "Document", "P" => tree_id, "K" => kids,
            }),
        );
        doc.objects.insert(
            tree_id,
            Object::Dictionary(dictionary! {
                "Type" => "StructTreeRoot",
                "K" => top_id,
                "ParentTree" => dictionary! { "Nums" => vec![0.into(), Object::Array(by_mcid)] },
                "ParentTreeNextKey" => 1,
                "RoleMap" => dictionary! { "Heading" => "H1" },
            }),
        );
        let cat = doc.get_dictionary_mut(root).expect("catalog");
        cat.set("StructTreeRoot", tree_id);
        cat.set("MarkInfo", dictionary! { "Marked" => true });
        cat.set("Lang", Object::string_literal("en-GB"));
        doc.get_dictionary_mut(page)
            .expect("page")
            .set("StructParents", 0);
    })
}

/// The structure tree of an output: its elements' (type, MCIDs, texts), the kept pages' StructParents,
/// and whether the catalog says it is marked.
/// An element as the tests see it: structure type, MCIDs, texts (Alt, ActualText, E, T).
type Element = (String, Vec<i64>, Vec<String>);

fn tags_of(path: &std::path::Path) -> (Vec<Element>, bool, bool) {
    let doc = Document::load(path).expect("loads");
    let cat = doc.catalog().expect("catalog");
    let marked = cat
        .get(b"MarkInfo")
        .and_then(Object::as_dict)
        .and_then(|m| m.get(b"Marked"))
        .and_then(Object::as_bool)
        .unwrap_or(false);
    let page = *doc.get_pages().values().next().expect("page");
    let sp = doc
        .get_dictionary(page)
        .expect("page")
        .has(b"StructParents");
    let mut out = Vec::new();
    for o in doc.objects.values() {
        let Object::Dictionary(d) = o else { continue };
        if d.get(b"Type").and_then(Object::as_name).ok() != Some(b"StructElem".as_slice()) {
            continue;
        }
        let s =
            String::from_utf8_lossy(d.get(b"S").and_then(Object::as_name).expect("S")).to_string();
        let mcids: Vec<i64> = match d.get(b"K") {
            Ok(Object::Array(a)) => a.iter().filter_map(|k| k.as_i64().ok()).collect(),
            Ok(Object::Integer(i)) => vec![*i],
            _ => vec![],
        };
        let texts: Vec<String> = [b"Alt".as_slice(), b"ActualText", b"E", b"T"]
            .iter()
            .filter_map(|k| d.get(k).ok())
            .filter_map(|v| v.as_str().ok())
            .map(|v| String::from_utf8_lossy(v).to_string())
            .collect();
        out.push((s, mcids, texts));
    }
    out.sort();
    (out, marked, sp)
}

/// A tagged input stays tagged: the tree, the marked-content ids and the clean alternative texts stay;
/// a text that holds a redacted name does not.
#[test]
fn a_tagged_input_stays_tagged() {
    let content =
        "/P <</MCID 0>> BDC BT /F1 11 Tf 72 700 Td (The budget for 2025 was approved.) Tj ET EMC \
                   /Span <</MCID 1>> BDC BT /F1 11 Tf 72 680 Td (Witness: Archie Yates) Tj ET EMC \
                   /Figure <</MCID 2>> BDC 0 0 1 rg 72 500 100 100 re f EMC";
    let pdf = tagged_pdf(
        content,
        &[
            ("P", 0, "ActualText", "The budget for 2025 was approved."),
            ("Span", 1, "ActualText", "Witness: Archie Yates"),
            ("Figure", 2, "Alt", "A bar chart of the 2025 budget"),
        ],
    );
    let (d, o) = redact_pdf(pdf, "Archie Yates\n", &[]);
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert_qpdf(&out, "output");
    let (elems, marked, sp) = tags_of(&out);
    assert!(marked, "MarkInfo /Marked true");
    assert!(sp, "the page keeps its StructParents");
    let names: Vec<&str> = elems.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["Document", "Figure", "P", "Span"]);
    let find = |s: &str| elems.iter().find(|e| e.0 == s).expect("element");
    assert_eq!(find("P").1, [0]);
    assert_eq!(find("Span").1, [1]);
    assert_eq!(find("P").2, ["The budget for 2025 was approved."]);
    assert_eq!(find("Figure").2, ["A bar chart of the 2025 budget"]);
    assert!(find("Span").2.is_empty(), "the text with the name goes");
    assert!(!everything(&out).contains("archie"));
    // The marked content is still in the page, around the kept text.
    let doc = Document::load(&out).expect("loads");
    let page = *doc.get_pages().values().next().expect("page");
    let c = String::from_utf8_lossy(&doc.get_page_content(page)).to_string();
    assert!(c.contains("/MCID 0") && c.contains("/MCID 1") && c.contains("BDC"));
}

/// A page holding both parts: each part's output stays tagged, but no text of the tree stays on that
/// page (the tree does not say which part an element belongs to).
#[test]
fn tags_on_a_page_shared_by_both_parts() {
    let content = "/H1 <</MCID 0>> BDC BT /F1 14 Tf 72 720 Td (PART I) Tj ET EMC \
                   /P <</MCID 1>> BDC BT /F1 11 Tf 72 700 Td (The budget was approved.) Tj ET EMC \
                   /H1 <</MCID 2>> BDC BT /F1 14 Tf 72 500 Td (PART II) Tj ET EMC \
                   /P <</MCID 3>> BDC BT /F1 11 Tf 72 480 Td (The tender scores are confidential.) Tj ET EMC";
    let pdf = tagged_pdf(
        content,
        &[
            ("H1", 0, "", ""),
            ("P", 1, "ActualText", "The budget was approved."),
            ("H1", 2, "", ""),
            ("P", 3, "ActualText", "The tender scores are confidential."),
        ],
    );
    let (d, o) = redact_pdf(pdf, "Nobody Atall\n", &[]);
    assert_ok(&o);
    for part in [1, 2] {
        let out = d.path().join(format!("out/in.part{part}.pdf"));
        assert_qpdf(&out, "output");
        let (elems, marked, _) = tags_of(&out);
        assert!(marked && elems.len() == 5, "part {part}: {elems:?}");
        assert!(
            elems.iter().all(|e| e.2.is_empty()),
            "part {part}: {elems:?}"
        );
    }
    let p1 = everything(&d.path().join("out/in.part1.pdf"));
    assert!(
        !p1.contains("tender scores"),
        "Part 2 text is not in Part 1"
    );
}

/// Painting operators of a PDF's first page content, with the path operators before each.
fn path_ops(path: &std::path::Path) -> String {
    let doc = Document::load(path).expect("loads");
    let page = *doc.get_pages().values().next().expect("page");
    String::from_utf8_lossy(&doc.get_page_content(page)).to_string()
}

/// Vector drawings under a box are removed, not covered: text drawn as outlines under a redacted
/// name and a scribbled vector signature beside "Signature:" go; a table rule and a shaded cell that
/// only cross a box stay.
#[test]
fn vector_drawings_under_boxes_are_removed() {
    let content = "BT /F1 11 Tf 72 700 Td (Witness: Archie Yates of Leeds) Tj ET \
                   0.9 g 60 690 400 30 re f 0 g \
                   0 0 1 rg 120 702 m 125 708 l 130 702 l 128 702 l 125 706 l 122 702 l h f 0 g \
                   50 650 m 550 650 l S \
                   BT /F1 11 Tf 72 600 Td (Signature:) Tj ET \
                   1 w 140 598 m 150 620 160 590 170 612 c 180 630 190 595 200 605 c S \
                   BT /F1 11 Tf 72 580 Td (Date: 2 April 2025) Tj ET \
                   BT /F1 11 Tf 72 540 Td (The budget was approved.) Tj ET";
    let pdf = make_pdf(content, vec![("F1", helvetica())], |_| {});
    let (d, o) = redact_pdf(pdf, "Archie Yates\n", &[]);
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert_qpdf(&out, "output");
    let c = path_ops(&out);
    // The outline glyph (a polygon under the name) and the signature curves are gone.
    assert!(!c.contains("125 708"), "outline under the box removed: {c}");
    assert!(
        !c.contains(" c") && !c.contains("140 598"),
        "vector signature removed: {c}"
    );
    // The shaded cell and the rule, which cross the box and show nothing but their extent, stay.
    assert!(c.contains("60 690 400 30 re"), "{c}");
    assert!(c.contains("550 650 l"), "{c}");
    let text = norm(&pdf_text(&out));
    assert!(text.contains("budgetwasapproved") && !text.contains("archie"));
}

/// `--keep-links` keeps a web link whose address is clean and that lies over no box; a mail link, a
/// web address holding the redacted name, and a link over a redacted text still go. Without the flag,
/// every link goes.
#[test]
fn keep_links_keeps_only_clean_web_links() {
    let pdf = make_pdf(
        "BT /F1 11 Tf 72 700 Td (Guidance: www.gov.uk/foi and the witness Archie Yates.) Tj ET",
        vec![("F1", helvetica())],
        |doc| {
            let page_id = *doc.get_pages().values().next().expect("page");
            let link = |doc: &mut Document, uri: &str, x0: i64| {
                doc.add_object(dictionary! {
                    "Type" => "Annot", "Subtype" => "Link",
                    "Rect" => vec![x0.into(), 20.into(), (x0 + 40).into(), 40.into()],
                    "Contents" => Object::string_literal("Archie Yates"),
                    "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal(uri) },
                })
            };
            let a = link(doc, "https://www.gov.uk/foi", 72);
            let b = link(doc, "mailto:someone@example.org", 150);
            let c = link(doc, "https://example.org/people/archie-yates", 250);
            // Over the redacted name (x 300..400 at y 700).
            let over = doc.add_object(dictionary! {
                "Type" => "Annot", "Subtype" => "Link",
                "Rect" => vec![240.into(), 695.into(), 420.into(), 712.into()],
                "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal("https://example.org/x") },
            });
            doc.get_dictionary_mut(page_id)
                .expect("page")
                .set("Annots", vec![a.into(), b.into(), c.into(), over.into()]);
        },
    );
    let uris = |out: &std::path::Path| -> Vec<String> {
        let doc = Document::load(out).expect("loads");
        let page = *doc.get_pages().values().next().expect("page");
        let Ok(annots) = doc.get_dictionary(page).expect("page").get(b"Annots") else {
            return vec![];
        };
        annots
            .as_array()
            .expect("array")
            .iter()
            .map(|a| {
                let d = doc
                    .get_dictionary(a.as_reference().expect("ref"))
                    .expect("annot");
                let a = d.get(b"A").and_then(Object::as_dict).expect("action");
                String::from_utf8_lossy(a.get(b"URI").and_then(Object::as_str).expect("uri"))
                    .to_string()
            })
            .collect()
    };
    let (d, o) = redact_pdf(pdf.clone(), "Archie Yates\n", &["--keep-links"]);
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert_qpdf(&out, "output");
    assert_eq!(uris(&out), ["https://www.gov.uk/foi"]);
    assert!(!everything(&out).contains("archie"));
    let (d, o) = redact_pdf(pdf, "Archie Yates\n", &[]);
    assert_ok(&o);
    assert!(uris(&d.path().join("out/in.part1.pdf")).is_empty());
}

/// Content in an optional-content layer that is hidden by default is read and redacted like any text.
#[test]
fn hidden_layers_are_redacted_too() {
    let content = "BT /F1 11 Tf 72 700 Td (The budget was approved.) Tj ET \
                   /OC /L1 BDC BT /F1 11 Tf 72 680 Td (Draft note: call Archie Yates) Tj ET EMC";
    let pdf = make_pdf(content, vec![("F1", helvetica())], |doc| {
        let page_id = *doc.get_pages().values().next().expect("page");
        let ocg = doc
            .add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("Notes") });
        let res = doc
            .get_dictionary_mut(page_id)
            .expect("page")
            .get_mut(b"Resources")
            .and_then(Object::as_dict_mut)
            .expect("resources");
        res.set("Properties", dictionary! { "L1" => ocg });
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .expect("root");
        doc.get_dictionary_mut(root).expect("catalog").set(
            "OCProperties",
            dictionary! { "OCGs" => vec![ocg.into()], "D" => dictionary! { "OFF" => vec![ocg.into()] } },
        );
    });
    let (d, o) = redact_pdf(pdf, "Archie Yates\n", &[]);
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert!(!everything(&out).contains("archie"));
    assert!(norm(&pdf_text(&out)).contains("draftnote:call"));
}
