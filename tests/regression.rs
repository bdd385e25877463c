//! One test per bug fixed, named after it.

mod common;
use common::*;
use lopdf::{dictionary, Object, Stream};

fn redact_terms(pdf: Vec<u8>, terms: &str) -> (tempfile::TempDir, std::process::Output) {
    redact_pdf(pdf, terms, &[])
}

/// A text object that spans two content streams of a page: the text matrix set in the first stream
/// applies in the second. The extractor once reset it per stream, so the word was neither seen nor
/// redacted (found by terms_check on a Federal Register PDF).
#[test]
fn text_matrix_carries_across_content_streams() {
    // As the Federal Register file draws it: a unit font size scaled by Tm, the Tm in the first stream.
    let pdf = make_pdf(
        "q 0.1 0 0 0.1 0 0 cm q 10 0 0 10 0 0 cm BT /F1 1 Tf 9 0 0 9 72 700 Tm",
        vec![("F1", helvetica())],
        |doc| {
            let second = doc.add_object(Stream::new(
                dictionary! {},
                // (A colon after the first word: two capitalised words in a row would read as a name.)
                b"(Zanzibar: Quartermaine was here) Tj 9 0 0 9 72 680 Tm (Second line) Tj ET Q Q"
                    .to_vec(),
            ));
            let page_id = *doc.get_pages().values().next().expect("a page");
            let page = doc.get_dictionary_mut(page_id).expect("page");
            let first = page.get(b"Contents").expect("contents").clone();
            page.set(
                "Contents",
                Object::Array(vec![first, Object::Reference(second)]),
            );
        },
    );
    let (d, o) = redact_terms(pdf, "Quartermaine\n");
    assert_ok(&o);
    let text = pdf_text(&d.path().join("out/in.part1.pdf"));
    assert!(text.contains("Zanzibar"), "{text}");
    assert!(!text.contains("Quartermaine"), "{text}");
}

/// The raw scan once matched a term inside a longer word ("Explicit" in "explicitly") and declined a
/// clean file; terms are whole words, and so is the scan now.
#[test]
fn raw_scan_respects_word_boundaries() {
    let pdf = make_pdf("BT /F1 10 Tf 72 700 Td (Explicit is better.) Tj 0 -14 Td (Unless explicitly silenced.) Tj ET", vec![("F1", helvetica())], |_| {});
    let (d, o) = redact_terms(pdf, "Explicit\n");
    assert_ok(&o);
    let text = pdf_text(&d.path().join("out/in.part1.pdf"));
    assert!(
        text.contains("explicitly") && !text.contains("Explicit "),
        "{text}"
    );
}

/// A term that is also a font's name (/BaseFont /Helvetica) is not a leak of the text.
#[test]
fn font_names_are_not_text() {
    let pdf = make_pdf(
        "BT /F1 10 Tf 72 700 Td (Set in Helvetica today.) Tj ET",
        vec![("F1", helvetica())],
        |_| {},
    );
    let (d, o) = redact_terms(pdf, "Helvetica\n");
    assert_ok(&o);
    let text = pdf_text(&d.path().join("out/in.part1.pdf"));
    assert!(
        text.contains("Set in") && !text.contains("Helvetica"),
        "{text}"
    );
}

/// A term glued to digits ("setR6EncryptionParameters") is still that word to a reader's word
/// splitter; it was left in place because the term regex used `\b` (found by terms_check on the qpdf
/// manual). Words are now bounded by anything but a letter.
#[test]
fn terms_next_to_digits_are_redacted() {
    let pdf = make_pdf(
        "BT /F1 10 Tf 72 700 Td (New methods setR6EncryptionParameters and CBJ7Quagmire2x.) Tj ET",
        vec![("F1", helvetica())],
        |_| {},
    );
    let (d, o) = redact_terms(pdf, "EncryptionParameters\nQuagmire\n");
    assert_ok(&o);
    let text = pdf_text(&d.path().join("out/in.part1.pdf"));
    assert!(
        text.contains("New methods")
            && !text.contains("EncryptionParameters")
            && !text.contains("Quagmire"),
        "{text}"
    );
}

/// A content stream whose Flate data is damaged: lopdf handed back what it could inflate as if it were the
/// whole stream, and the damaged bytes went into the output, which failed `qpdf --check` (qpdf's
/// shared-images-errors test file). Now the stream is read as every reader shows it (what inflates
/// before the damage), its text is redacted like any other, and it is written back re-encoded.
#[test]
fn damaged_flate_content_is_read_to_the_damage_and_rewritten() {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::none());
    enc.write_all(b"BT /F1 10 Tf 72 680 Td (Secret Quokka here) Tj ET")
        .expect("write");
    let mut damaged = enc.finish().expect("finish");
    damaged.truncate(damaged.len() - 3); // the checksum is cut short
    let pdf = make_pdf(
        "BT /F1 10 Tf 72 700 Td (page one) Tj ET",
        vec![("F1", helvetica())],
        |doc| {
            let page_id = *doc.get_pages().values().next().expect("a page");
            let bad = doc.add_object(
                Stream::new(dictionary! { "Filter" => "FlateDecode" }, damaged)
                    .with_compression(false),
            );
            let page = doc.get_dictionary_mut(page_id).expect("page");
            let first = page.get(b"Contents").expect("contents").clone();
            page.set(
                "Contents",
                Object::Array(vec![first, Object::Reference(bad)]),
            );
        },
    );
    let (d, o) = redact_terms(pdf, "Quokka\n");
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert_qpdf(&out, "the output");
    let text = pdf_text(&out);
    assert!(
        text.contains("page one") && text.contains("Secret") && !text.contains("Quokka"),
        "{text}"
    );
}

/// A Flate content stream damaged early (GovDocs1 435321, "invalid distance too far back" 3 KB in):
/// it was read in 8 KB steps and a step that met the damage dropped all it had inflated, so the page
/// read as empty and its text left the output. Now what inflates before the damage is kept.
#[test]
fn damaged_flate_content_keeps_what_inflates_before_the_damage() {
    let text = b"BT /F1 10 Tf 72 700 Td (Report by Quokka today) Tj ET\n";
    // A zlib stream: one stored block (not the last), then a block of the invalid type 3.
    let mut damaged = vec![0x78, 0x01, 0x00];
    let n = text.len() as u16;
    damaged.extend_from_slice(&n.to_le_bytes());
    damaged.extend_from_slice(&(!n).to_le_bytes());
    damaged.extend_from_slice(text);
    damaged.extend_from_slice(&[0x07, 0xFF, 0xFF, 0xFF]);
    let pdf = make_pdf("", vec![("F1", helvetica())], |doc| {
        let page_id = *doc.get_pages().values().next().expect("a page");
        let bad = doc.add_object(
            Stream::new(dictionary! { "Filter" => "FlateDecode" }, damaged).with_compression(false),
        );
        doc.get_dictionary_mut(page_id)
            .expect("page")
            .set("Contents", Object::Reference(bad));
    });
    let (d, o) = redact_terms(pdf, "Quokka\n");
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert_qpdf(&out, "the output");
    let t = pdf_text(&out);
    assert!(
        t.contains("Report by") && t.contains("today") && !t.contains("Quokka"),
        "{t}"
    );
}

/// A Form XObject drawn by several pages (a letterhead): editing it for one page once declined the
/// file ("shared ... would need copying", qpdf's boxes test file). Each page now gets its own copy.
#[test]
fn form_xobject_shared_by_pages_is_copied_per_page() {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(helvetica());
    let form = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } } },
        b"BT /F1 10 Tf 72 750 Td (Letterhead of Ebenezer Scrooge) Tj ET".to_vec(),
    ));
    let mut kids = Vec::new();
    for n in 0..2 {
        let c = doc.add_object(Stream::new(
            dictionary! {},
            format!("/Hd Do BT /F1 10 Tf 72 700 Td (Body of page {n}) Tj ET").into_bytes(),
        ));
        let p = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()], "Contents" => c,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "Hd" => form } },
        });
        kids.push(Object::Reference(p));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }),
    );
    let cat = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", cat);
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).expect("saves");
    let (d, o) = redact_terms(pdf, "Scrooge\n");
    assert_ok(&o);
    let out = d.path().join("out/in.part1.pdf");
    assert_qpdf(&out, "output");
    let text = pdf_text(&out);
    assert!(
        text.contains("Body of page 0") && text.contains("Body of page 1"),
        "{text}"
    );
    assert_eq!(text.matches("Letterhead of").count(), 2, "{text}");
    assert!(!text.contains("Scrooge"), "{text}");
}

/// Ghostscript (ps2pdf) makes word gaps with character spacing: `3.483 Tc (Ac)Tj` draws "A c". The
/// layout measured gaps from the glyphs' advances (Tc included) and read "Aclaim", so a term or a
/// name rule could not match. Gaps are now measured from the glyphs' own widths.
#[test]
fn character_spacing_word_gaps_are_word_gaps() {
    let pdf = make_pdf(
        "BT 3.483 Tc /F1 10 Tf 72 700 Td (Ac) Tj 0 Tc 14.3 0 Td (laim from Mr Percival) Tj 3.483 Tc (T) Tj 0 Tc (histlewood) Tj ET",
        vec![("F1", helvetica())],
        |_| {},
    );
    let d = tempdir();
    let p = d.path().join("gs.pdf");
    std::fs::write(&p, pdf).expect("write");
    let o = run(&["text", p.to_str().expect("utf8")]);
    let t = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(t.starts_with("A claim from Mr Percival"), "{t}");
}

/// A page tree that loops: lopdf lists the page twice, and the Part 1 output listed it twice too,
/// which `qpdf --check` warns about. Such a file was declined; now (issue #20) the page is kept once, at
/// its first place, as viewers show it, the repair is named, and the output passes qpdf.
#[test]
fn looping_page_tree_keeps_the_page_once() {
    let d = tempdir();
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        repo()
            .join("samples/broken/cyclic-pages.pdf")
            .to_str()
            .expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let r = &summary(&out)["results"][0];
    assert_eq!(r["status"], "done");
    assert_eq!(r["pages"], 1, "{r}");
    assert!(
        r["repairs"].to_string().contains("listed a page twice"),
        "{r}"
    );
    assert_qpdf(&out.join("cyclic-pages.part1.pdf"), "cyclic-pages");
}
