//! Text state, operators, encodings and page geometry, one small generated PDF each: the text is read
//! (`foiredact text` finds the planted name), and after redaction no extractor finds the name while
//! the words around it stay. The name is invented. (Form XObjects shared by pages: tests/regression.rs;
//! form fields and annotations: tests/hidden.rs.)

mod common;
use common::*;
use lopdf::{dictionary, Object, Stream};

fn one(content: &str) -> Vec<u8> {
    make_pdf(content, vec![("F1", helvetica())], |_| {})
}

#[test]
fn text_state_operators() {
    check(
        "Tz",
        one("BT /F1 12 Tf 50 Tz 72 700 Td (Report by Quimby today) Tj ET"),
        &["Report by", "today"],
    );
    check(
        "Ts rise",
        one("BT /F1 12 Tf 72 700 Td (Report by ) Tj 4 Ts (Quimby) Tj 0 Ts ( today) Tj ET"),
        &["Report by", "today"],
    );
    check(
        "Tc and Tw",
        one("BT /F1 12 Tf 1.5 Tc 6 Tw 72 700 Td (Report by Quimby today) Tj ET"),
        &["Report", "today"],
    );
    check(
        "TD T* TL '",
        one("BT /F1 12 Tf 14 TL 72 700 Td (Report by) Tj T* (Quimby today) Tj 0 -14 TD (more) Tj (again) ' ET"),
        &["Report by", "today", "again"],
    );
    check(
        "hex string",
        one("BT /F1 12 Tf 72 700 Td <5265706f7274206279205175696d627920746f646179> Tj ET"),
        &["Report by", "today"],
    );
    check(
        "TJ kerning",
        one("BT /F1 12 Tf 72 700 Td [(Rep) -20 (ort by Qu) 30 (imby tod) 15 (ay)] TJ ET"),
        &["Report by", "today"],
    );
    let split: String = "Report by Quimby today"
        .chars()
        .map(|c| {
            format!(
                "({}) Tj ",
                if c == ' ' {
                    " ".to_string()
                } else {
                    c.to_string()
                }
            )
        })
        .collect();
    check(
        "one Tj per letter",
        one(&format!("BT /F1 12 Tf 72 700 Td {split}ET")),
        &["Report", "today"],
    );
    check(
        "nested q/Q and cm",
        one("q 1 0 0 1 20 10 cm q 2 0 0 2 0 0 cm BT /F1 6 Tf 26 345 Td (Report by Quimby today) Tj ET Q Q"),
        &["Report by", "today"],
    );
}

#[test]
fn render_modes_zero_to_seven_are_read_and_redacted() {
    let mut content = String::new();
    for m in 0..8 {
        content.push_str(&format!(
            "BT /F1 12 Tf {m} Tr 72 {} Td (Mode{m} by Quimby today{m}) Tj ET ",
            700 - 20 * m
        ));
    }
    // (mutool does not extract text drawn only as a clip, mode 7.)
    check_with(
        "render modes",
        one(&content),
        // (An invisible line's box is as tight as a visible one's: no letter of "today" goes.)
        &["Mode0", "Mode3", "Mode7", "today0", "today3", "today7"],
        &["mutool"],
    );
}

#[test]
fn rotated_and_mirrored_text() {
    check(
        "rotated 90",
        one("BT /F1 12 Tf 0 1 -1 0 300 200 Tm (Report by Quimby today) Tj ET"),
        &["Report", "today"],
    );
    // (pdftotext reads text at angles other than multiples of 90 degrees a few letters at a time,
    // the input too.)
    check_with(
        "rotated 30",
        one("BT /F1 12 Tf 0.866 0.5 -0.5 0.866 100 300 Tm (Report by Quimby today) Tj ET"),
        &["Report", "today"],
        &["pdftotext"],
    );
}

#[test]
fn page_geometry_rotate_cropbox_and_userunit() {
    let page_with = |k: &'static str, v: Object| {
        make_pdf(
            "BT /F1 12 Tf 172 700 Td (Report by Quimby today) Tj ET",
            vec![("F1", helvetica())],
            move |doc| {
                let pid = *doc.get_pages().values().next().expect("page");
                doc.get_dictionary_mut(pid).expect("page").set(k, v);
            },
        )
    };
    check(
        "/Rotate 90",
        page_with("Rotate", 90.into()),
        &["Report", "today"],
    );
    check(
        "MediaBox offset",
        page_with(
            "MediaBox",
            vec![100.into(), 100.into(), 712.into(), 892.into()].into(),
        ),
        &["Report", "today"],
    );
    check(
        "CropBox",
        page_with(
            "CropBox",
            vec![50.into(), 50.into(), 600.into(), 780.into()].into(),
        ),
        &["Report", "today"],
    );
    check(
        "UserUnit",
        page_with("UserUnit", 2.into()),
        &["Report", "today"],
    );
}

#[test]
fn glyph_names_ligatures_and_differences() {
    // Codes 1..: Q u i m b y through names of every kind the Adobe Glyph List allows.
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![
                1.into(), "uni0051".into(), "u0075".into(), "i".into(), "uni006D0062".into(), "y".into(),
                10.into(), "f_i".into(),
            ],
        },
    };
    let pdf = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Report by ) Tj <0102030405> Tj ( today, \\012rst) Tj ET",
        vec![("F1", font)],
        |_| {},
    );
    check("glyph names", pdf, &["Report by", "today"]);
}

#[test]
fn type0_identity_h_with_tounicode_ranges_and_ligatures() {
    // Two-byte codes; a ToUnicode with bfchar, bfrange (start value), bfrange (array) entries and a
    // ligature code that maps to two letters.
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        /CMapName /T def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfrange <0003> <0005> <0069> <0010> <0012> [<0052> <0065> <0070>] endbfrange\n\
        11 beginbfchar <0001> <0051> <0002> <0075> <0006> <0062> <0007> <0079> <0020> <00660069>\n\
        <0021> <0020> <0022> <006F> <0023> <0072> <0024> <0074> <0025> <006D> <0026> <0064> endbfchar\n\
        1 beginbfchar <0027> <0061> endbfchar\n\
        endcmap CMapName currentdict /CMap defineresource pop end end"
        .to_vec();
    let pdf = make_pdf(
        // "Report by " "Quimby" " today fi"
        "BT /F2 12 Tf 72 700 Td <00100011001200220023002400210006000700210001000200030025000600070021002400220026002700070021> Tj <0020> Tj ET",
        vec![],
        |doc| {
            let tu = doc.add_object(Stream::new(dictionary! {}, cmap.clone()));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "DejaVuSans",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "DW" => 600,
            });
            let f = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "DejaVuSans",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
            });
            set_font(doc, "F2", f);
        },
    );
    // (mutool has no font program here to read the codes through.)
    check_with(
        "Type0 Identity-H",
        pdf,
        &["Report by", "today", "fi"],
        &["mutool"],
    );
}

#[test]
fn mirrored_text_and_inline_images() {
    // (Mirrored text is read backwards by pdftotext and mutool alike; ours reads it in drawing order.)
    check_with(
        "mirrored",
        one("BT /F1 12 Tf -1 0 0 1 400 600 Tm (Report by Quimby today) Tj ET"),
        &["Report", "today"],
        &["pdftotext", "mutool"],
    );
    check(
        "inline image skipped",
        one(
            "q 20 0 0 20 72 650 cm BI /W 2 /H 2 /BPC 8 /CS /G ID \x01\x02\x03\x04 EI Q \
             BT /F1 12 Tf 72 700 Td (Report by Quimby today) Tj ET",
        ),
        &["Report by", "today"],
    );
}

#[test]
fn type3_font_with_tounicode() {
    let tu = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <00> <FF> endcodespacerange\n\
        1 beginbfrange <41> <5A> <0041> endbfrange 1 beginbfrange <61> <7A> <0061> endbfrange\n\
        1 beginbfchar <20> <0020> endbfchar endcmap end end"
        .to_vec();
    let pdf = make_pdf(
        "BT /T3 12 Tf 72 700 Td (Report by Quimby today) Tj ET",
        vec![],
        |doc| {
            let proc_id = doc.add_object(Stream::new(
                dictionary! {},
                b"500 0 0 0 400 700 d1 0 0 400 700 re f".to_vec(),
            ));
            let names: Vec<Object> = (b' '..=b'z')
                .map(|c| Object::Name(format!("g{c}").into_bytes()))
                .collect();
            let mut procs = lopdf::Dictionary::new();
            for c in b' '..=b'z' {
                procs.set(format!("g{c}"), Object::Reference(proc_id));
            }
            let tu_id = doc.add_object(Stream::new(dictionary! {}, tu.clone()));
            let widths: Vec<Object> = (b' '..=b'z').map(|_| Object::Integer(500)).collect();
            let mut diffs = vec![Object::Integer(b' ' as i64)];
            diffs.extend(names);
            let f = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type3",
                "FontBBox" => vec![0.into(), 0.into(), 500.into(), 700.into()],
                "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
                "CharProcs" => procs,
                "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => diffs },
                "FirstChar" => b' ' as i64, "LastChar" => b'z' as i64, "Widths" => widths,
                "ToUnicode" => tu_id,
            });
            set_font(doc, "T3", f);
        },
    );
    // (mutool draws Type 3 glyphs without reading their ToUnicode here.)
    check_with("Type3", pdf, &["Report by", "today"], &["mutool"]);
}

#[test]
fn actual_text_is_read_and_redacted_with_what_is_drawn() {
    // The replacement text holds the name the page draws as initials: both go.
    check_with(
        "ActualText holds the name",
        one("BT /F1 12 Tf 72 700 Td (Report by ) Tj /Span <</MCID 0 /ActualText (Quimby)>> BDC (Q.) Tj EMC ( today) Tj ET"),
        &["Report by", "today"],
        // (pdftotext and mutool read the drawn text or the replacement text; ours reads both.)
        &[],
    );
    // The replacement text hides the drawn name from readers that use it: the drawn text is read too.
    check(
        "ActualText hides the name",
        one("BT /F1 12 Tf 72 700 Td (Report by ) Tj /Span <</ActualText (someone)>> BDC (Quimby) Tj EMC ( today) Tj ET"),
        &["Report by", "today"],
    );
}

/// A tiling pattern (PatternType 1) has a content stream of its own. Text in one is not read yet, so a
/// page whose resources hold such a pattern is declined with that reason; a pattern of shapes only, or
/// of a texture (an inline image of at most 16 by 16 samples), changes nothing.
#[test]
fn text_inside_a_tiling_pattern_declines_the_page() {
    let pattern = |cell: &str| {
        let cell = cell.to_string();
        make_pdf(
            "BT /F1 12 Tf 72 700 Td (Report by Quimby today) Tj ET /Pattern cs /P0 scn 72 500 200 100 re f",
            vec![("F1", helvetica())],
            move |doc| {
                let font = doc.add_object(helvetica());
                let p = doc.add_object(Stream::new(
                    dictionary! {
                        "Type" => "Pattern", "PatternType" => 1, "PaintType" => 1, "TilingType" => 1,
                        "BBox" => vec![0.into(), 0.into(), 100.into(), 20.into()],
                        "XStep" => 100, "YStep" => 20,
                        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                    },
                    cell.into_bytes(),
                ));
                let pid = *doc.get_pages().values().next().expect("page");
                let res = doc
                    .get_dictionary_mut(pid)
                    .expect("page")
                    .get_mut(b"Resources")
                    .and_then(Object::as_dict_mut)
                    .expect("resources");
                res.set("Pattern", dictionary! { "P0" => p });
            },
        )
    };
    let (d, o) = redact_pdf(
        pattern("BT /F1 10 Tf 2 5 Td (Quimby) Tj ET"),
        &format!("{NAME}\n"),
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "declined");
    let s = summary(&d.path().join("out"));
    let r = &s["results"][0];
    assert_eq!(r["status"], "declined", "{r}");
    assert!(
        r["reason"]
            .as_str()
            .unwrap_or("")
            .contains("tiling pattern"),
        "{r}"
    );
    assert!(!d.path().join("out/in.part1.pdf").exists());
    // Shapes only: redacted as usual.
    check(
        "a tiling pattern of shapes",
        pattern("0 0 50 10 re f"),
        &["Report by", "today"],
    );
    // A texture: an inline image of 8 by 8 samples (as PDFBox's survey file). One larger than 16 by
    // 16 could show a word: declined.
    check(
        "a tiling pattern of a small inline image",
        pattern("q 8 0 0 8 0 0 cm BI /IM true /W 8 /H 8 /BPC 1 ID UUUUUUUU EI Q"),
        &["Report by", "today"],
    );
    let (_d, o) = redact_pdf(
        pattern("q 40 0 0 20 0 0 cm BI /W 40 /H 20 /BPC 8 /CS /G /F /AHx ID 00> EI Q"),
        &format!("{NAME}\n"),
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a larger image in a pattern is declined"
    );
}
