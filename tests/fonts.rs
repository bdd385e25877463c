//! Embedded fonts keep no glyph that only redacted text used (its outline, character-map entry, name,
//! width and /ToUnicode entry would say which letters the redacted text had), and the kept text draws
//! exactly as before. On the corpus files of fpdf2 (CIDFontType2 subsets) and LibreOffice (simple
//! TrueType subsets), and on Type 1 and CFF programs from Ghostscript, groff, reportlab and fpdf2
//! (`tests/fonts/make_programs.py`, read with fontTools by `tests/fonts/glyphs.py`).

mod common;
use common::*;
use lopdf::{Document, Object};
use std::collections::BTreeSet;
use std::path::Path;

/// Per embedded TrueType font of a PDF: (characters its /ToUnicode maps, Unicode characters its
/// program's cmap maps, glyphs with outlines).
/// Runs `tests/fonts/<script>` (fontTools) with `args`; its output, one JSON object a line. A
/// failure fails the test with the script's message.
fn json_lines(script: &str, args: &[&std::ffi::OsStr], what: &str) -> Vec<serde_json::Value> {
    let o = std::process::Command::new("python3")
        .arg(repo().join("tests/fonts").join(script))
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "{what}: {script}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn fonts_of(path: &Path) -> Vec<(BTreeSet<char>, BTreeSet<char>, usize)> {
    let doc = Document::load(path).expect("loads");
    let mut out = Vec::new();
    for o in doc.objects.values() {
        let Object::Dictionary(d) = o else { continue };
        if d.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font".as_slice()) {
            continue;
        }
        let sub = d
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or_default();
        let desc_holder = if sub == b"Type0" {
            let kid = d
                .get(b"DescendantFonts")
                .and_then(Object::as_array)
                .expect("descendants")[0]
                .as_reference()
                .expect("ref");
            doc.get_dictionary(kid).expect("cid font").clone()
        } else if sub == b"TrueType" {
            d.clone()
        } else {
            continue;
        };
        let Ok(desc) = desc_holder
            .get(b"FontDescriptor")
            .and_then(Object::as_reference)
            .and_then(|r| doc.get_dictionary(r))
        else {
            continue;
        };
        let Ok(ff) = desc.get(b"FontFile2").and_then(Object::as_reference) else {
            continue;
        };
        let Ok(Object::Stream(s)) = doc.get_object(ff) else {
            continue;
        };
        let program = s
            .decompressed_content()
            .unwrap_or_else(|_| s.content.clone());
        let tu: BTreeSet<char> = d
            .get(b"ToUnicode")
            .and_then(Object::as_reference)
            .and_then(|r| doc.get_object(r))
            .ok()
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.decompressed_content().ok())
            .and_then(|b| foiredact::pdf::fonts::parse_to_unicode(&b).ok())
            .map(|m| m.values().flat_map(|v| v.chars()).collect())
            .unwrap_or_default();
        let cmap: BTreeSet<char> = foiredact::pdf::subset::unicode_cmap_codes(&program)
            .unwrap_or_default()
            .into_iter()
            .filter_map(char::from_u32)
            .collect();
        let outlines = foiredact::pdf::subset::glyphs_with_outlines(&program)
            .expect("the program reads")
            .len();
        out.push((tu, cmap, outlines));
    }
    out
}

#[test]
fn glyphs_only_redacted_text_used_leave_the_fonts() {
    let Some(corpus) = corpus() else {
        return;
    };
    let d = tempdir();
    let mut letters_checked = 0;
    for stem in [
        "dev-001-fpdf2",
        "dev-001-libreoffice",
        "dev-003-fpdf2",
        "dev-003-libreoffice",
    ] {
        let pdf = corpus.join(format!("{stem}.pdf"));
        let truth = read_json(&corpus.join(format!("{stem}.truth.json")));
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        for (out, extra) in [(&a, None), (&b, Some("--keep-unused-glyphs"))] {
            let mut args = vec![
                "redact",
                pdf.to_str().expect("utf8"),
                "--out",
                out.to_str().expect("utf8"),
                "--overwrite",
            ];
            args.extend(extra);
            run_ok(&args);
        }
        let mut pruned_somewhere = false;
        for part in ["part1", "part2"] {
            let (pa, pb) = (
                a.join(format!("{stem}.{part}.pdf")),
                b.join(format!("{stem}.{part}.pdf")),
            );
            if !pa.exists() {
                continue;
            }
            assert_qpdf(&pa, "output");
            // Letters that only the redacted texts of this part had.
            let text = pdf_text(&pa);
            let kept: BTreeSet<char> = text.chars().collect();
            let only_redacted: BTreeSet<char> = items(&truth, part, "redact")
                .iter()
                .flat_map(|(t, _)| t.chars().collect::<Vec<_>>())
                .filter(|c| !c.is_whitespace() && !kept.contains(c))
                .collect();
            letters_checked += only_redacted.len();
            let (fa, fb) = (fonts_of(&pa), fonts_of(&pb));
            assert!(!fa.is_empty(), "{stem} {part}: embedded TrueType fonts");
            for (tu, cmap, _) in &fa {
                let left: Vec<&char> = only_redacted
                    .iter()
                    .filter(|c| tu.contains(c) || cmap.contains(c))
                    .collect();
                assert!(
                    left.is_empty(),
                    "{stem} {part}: a font still maps {} letter(s) only redacted text had",
                    left.len()
                );
            }
            let outlines = |f: &[(BTreeSet<char>, BTreeSet<char>, usize)]| -> usize {
                f.iter().map(|x| x.2).sum()
            };
            assert!(outlines(&fa) <= outlines(&fb));
            pruned_somewhere |= outlines(&fa) < outlines(&fb);
            // The kept text draws exactly as with the fonts left whole.
            if require_tool("pdftoppm") {
                let render = |p: &Path, tag: &str| {
                    let prefix = d.path().join(format!("{stem}-{part}-{tag}"));
                    let o = std::process::Command::new("pdftoppm")
                        .args(["-r", "50", "-gray"])
                        .arg(p)
                        .arg(&prefix)
                        .output()
                        .expect("pdftoppm");
                    assert!(o.status.success());
                    let mut files: Vec<_> = std::fs::read_dir(d.path())
                        .expect("dir")
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| {
                            f.file_name().is_some_and(|n| {
                                n.to_string_lossy()
                                    .starts_with(&format!("{stem}-{part}-{tag}"))
                            })
                        })
                        .collect();
                    files.sort();
                    files
                        .iter()
                        .map(|f| std::fs::read(f).expect("read"))
                        .collect::<Vec<_>>()
                };
                assert!(
                    render(&pa, "a") == render(&pb, "b"),
                    "{stem} {part}: renders differ"
                );
            }
        }
        assert!(pruned_somewhere, "{stem}: some glyph left the fonts");
    }
    eprintln!("fonts: {letters_checked} letters only redacted text had, none left in any font");
    assert!(letters_checked > 0, "the check looked at some letter");
}

/// Type 1 and CFF programs (issue 21): files from Ghostscript (Type 1 subset, bare CFF, CID-keyed
/// CFF), groff and reportlab (whole Type 1 fonts) and fpdf2 (OpenType with CFF outlines, in FontFile2
/// as it writes it and in FontFile3 /OpenType), made by `tests/fonts/make_programs.py`. A name whose
/// letters Q, Z, x and z no kept text has is redacted; read by fontTools (`tests/fonts/glyphs.py`),
/// every font drew those letters before and draws none of them after, while the kept text reads and
/// renders exactly as with the fonts left whole (`--keep-unused-glyphs`).
#[test]
fn type1_and_cff_programs_keep_no_glyph_only_redacted_text_used() {
    if !require_tool("python3") || !require_tool("gs") || !require_tool("groff") {
        return;
    }
    let d = tempdir();
    let inputs = d.path().join("in");
    let gen = std::process::Command::new("python3")
        .arg(repo().join("tests/fonts/make_programs.py"))
        .arg(&inputs)
        .output()
        .expect("python3 runs");
    if gen.status.code() == Some(2) {
        skip(REQUIRE_TOOLS, String::from_utf8_lossy(&gen.stderr).trim());
        return;
    }
    assert!(
        gen.status.success(),
        "make_programs.py: {}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let manifest = read_json(&inputs.join("manifest.json"));
    let files = manifest["files"].as_array().expect("files");
    let mut programs: BTreeSet<String> = BTreeSet::new();
    for f in files {
        let name = f["file"].as_str().expect("file");
        let stem = name.trim_end_matches(".pdf");
        let letters: String = f["only_redacted"]
            .as_array()
            .expect("letters")
            .iter()
            .map(|l| l.as_str().expect("letter"))
            .collect();
        let input = inputs.join(name);
        let terms = d.path().join("terms.txt");
        std::fs::write(&terms, format!("{}\n", f["redact"].as_str().expect("name")))
            .expect("write");
        let (a, b) = (
            d.path().join(format!("a-{stem}")),
            d.path().join(format!("b-{stem}")),
        );
        let t = terms.to_str().expect("utf8");
        redact_ok(&[&input], &a, &["--terms", t]);
        redact_ok(&[&input], &b, &["--terms", t, "--keep-unused-glyphs"]);
        let (pa, pb) = (
            a.join(format!("{stem}.part1.pdf")),
            b.join(format!("{stem}.part1.pdf")),
        );
        assert_qpdf(&pa, name);
        // The fonts, read by fontTools.
        let rows = json_lines(
            "glyphs.py",
            &[
                input.as_os_str(),
                pa.as_os_str(),
                std::ffi::OsStr::new(&letters),
            ],
            name,
        );
        let want = f["program"].as_str().expect("program");
        let row = rows
            .iter()
            .find(|r| r["program"] == want)
            .unwrap_or_else(|| panic!("{name}: no {want} font in {rows:?}"));
        programs.insert(want.to_string());
        let drawn = |k: &str| -> Vec<String> {
            row[k]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: {k} in {row}"))
                .iter()
                .map(|v| v.as_str().expect("letter").to_string())
                .collect()
        };
        assert_eq!(
            drawn("drawn_in").concat(),
            letters,
            "{name}: the input's font draws the letters"
        );
        assert!(
            drawn("drawn_out").is_empty(),
            "{name}: the output's {want} font still draws {:?}",
            drawn("drawn_out")
        );
        assert!(row["glyphs_out"].as_u64() < row["glyphs_in"].as_u64());
        // The kept text reads and renders as with the fonts left whole.
        assert_eq!(pdf_text(&pa), pdf_text(&pb), "{name}: pdftotext");
        let ours = |p: &Path| run_ok(&["text", p.to_str().expect("utf8")]).stdout;
        assert_eq!(ours(&pa), ours(&pb), "{name}: foiredact text");
        let text = norm(&pdf_text(&pa));
        for k in f["kept"].as_array().expect("kept") {
            assert!(
                text.contains(&norm(k.as_str().expect("kept"))),
                "{name}: kept text"
            );
        }
        // Renders, pixel for pixel, by MuPDF and by poppler (whose FreeType reads the rebuilt
        // program's FontBBox: a negative number written as a five-byte integer once read as a
        // large positive one, and moved glyphs by a pixel).
        for (tool, args) in [
            (
                "mutool",
                &[
                    "draw", "-q", "-r", "72", "-c", "gray", "-F", "pgm", "-o", "-",
                ][..],
            ),
            ("pdftoppm", &["-r", "72", "-gray", "-singlefile"][..]),
        ] {
            if !require_tool(tool) {
                continue;
            }
            let render = |p: &Path| {
                let o = std::process::Command::new(tool)
                    .args(args)
                    .arg(p)
                    .output()
                    .expect("renderer runs");
                assert!(o.status.success(), "{name}: {tool}");
                o.stdout
            };
            assert!(render(&pa) == render(&pb), "{name}: {tool} renders differ");
        }
    }
    assert_eq!(
        programs.into_iter().collect::<Vec<_>>(),
        ["CIDFontType0C", "OpenType", "Type1", "Type1C"]
    );
}

/// Tables and figures beyond the glyphs (issue 21): a subset keeps layout tables (GPOS kerning pairs,
/// GSUB ligatures, GDEF classes) that list the glyphs a removed name drew, and head, hhea and maxp
/// figures a producer worked out from them (the widest advance, the bounding box). On the pairs'
/// Chromium, fpdf2 and LibreOffice files (Chromium keeps GDEF, GPOS, GSUB and MATH, and the whole
/// font's figures), read by fontTools (`tests/fonts/tables.py`): every TrueType program of the output
/// holds only the tables a PDF reader draws with, and every figure is what its own glyphs give.
#[test]
fn pruned_programs_keep_no_layout_table_and_no_figure_of_glyphs_gone() {
    if !require_tool("python3") {
        return;
    }
    let d = tempdir();
    let tables = |pdf: &Path| json_lines("tables.py", &[pdf.as_os_str()], "tables");
    let allowed = [
        "OS/2", "cmap", "cvt ", "fpgm", "gasp", "glyf", "head", "hhea", "hmtx", "loca", "maxp",
        "name", "post", "prep",
    ];
    let mut extra_in_inputs = 0;
    let mut checked = 0;
    for producer in ["chromium", "fpdf2", "libreoffice"] {
        let input = repo().join(format!("tests/pairs/{producer}-aligned-a.pdf"));
        if !input.exists() {
            skip(
                "FOIREDACT_REQUIRE_PAIRS",
                &format!("tests/pairs has no {producer} aligned pair"),
            );
            continue;
        }
        for f in tables(&input) {
            let t = f["tables"].as_array().expect("tables");
            extra_in_inputs += t
                .iter()
                .filter(|t| !allowed.contains(&t.as_str().unwrap_or("")))
                .count();
            extra_in_inputs += f["figures"].as_array().expect("figures").len();
        }
        let out = d.path().join(producer);
        run_ok(&[
            "redact",
            input.to_str().expect("utf8"),
            "--terms",
            repo().join("tests/pairs/names.txt").to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ]);
        let output = out.join(format!("{producer}-aligned-a.part1.pdf"));
        for f in tables(&output) {
            for t in f["tables"].as_array().expect("tables") {
                assert!(
                    allowed.contains(&t.as_str().unwrap_or("")),
                    "{producer}: {} keeps table {t}",
                    f["font"]
                );
            }
            assert!(
                f["figures"].as_array().expect("figures").is_empty(),
                "{producer}: {} has figures its glyphs do not give: {}",
                f["font"],
                f["figures"]
            );
            // No more glyphs with outlines than codes drawn, and .notdef.
            assert!(
                f["outlined"].as_i64() <= f["codes"].as_i64().map(|c| c + 1),
                "{producer}: {} keeps glyphs no code draws: {f}",
                f["font"]
            );
            checked += 1;
        }
    }
    assert!(checked > 0 || std::env::var("FOIREDACT_REQUIRE_PAIRS").as_deref() != Ok("1"));
    if checked > 0 {
        assert!(
            extra_in_inputs > 0,
            "the inputs have no table or figure to remove: the test would prove nothing"
        );
    }
}

/// The subset tag (issue 21): Ghostscript names a subset after a hash of the glyphs it holds, so
/// after pruning the tag of `ABCDEF+NimbusSans-Regular` would still be a hash of the removed name's
/// letters. Two Ghostscript files (Type 1 and CFF programs) that differ only in a name give outputs
/// whose fonts have the same /BaseFont and byte-identical programs.
#[test]
fn subset_tags_and_programs_say_nothing_of_a_removed_name() {
    if !require_tool("gs") {
        return;
    }
    let d = tempdir();
    let names = ["Quazex Zyx", "Jovik Wumb"];
    std::fs::write(d.path().join("names.txt"), names.join("\n")).expect("write");
    for (kind, args) in [
        ("type1", &["-dCompatibilityLevel=1.1"][..]),
        ("cff", &[][..]),
    ] {
        let mut outs = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let ps = d.path().join(format!("{kind}-{k}.ps"));
            std::fs::write(
                &ps,
                format!(
                    "%!PS\n/NimbusSans-Regular findfont 11 scalefont setfont\n\
                     72 760 moveto (Appeal by {name} about the fee) show\n\
                     72 740 moveto (The request was refused under section 40.) show\nshowpage\n"
                ),
            )
            .expect("write");
            let pdf = d.path().join(format!("{kind}-{k}.pdf"));
            run_gs(
                &[&["-dSAFER", "-sDEVICE=pdfwrite"][..], args].concat(),
                &pdf,
                &ps,
            );
            let out = d.path().join(format!("out-{kind}-{k}"));
            run_ok(&[
                "redact",
                pdf.to_str().expect("utf8"),
                "--terms",
                d.path().join("names.txt").to_str().expect("utf8"),
                "--out",
                out.to_str().expect("utf8"),
            ]);
            outs.push((pdf, out.join(format!("{kind}-{k}.part1.pdf"))));
        }
        let fonts = |p: &Path| -> Vec<(String, Vec<u8>)> {
            let doc = Document::load(p).expect("loads");
            let mut v = Vec::new();
            for o in doc.objects.values() {
                let Object::Dictionary(f) = o else { continue };
                let Ok(desc) = f
                    .get(b"FontDescriptor")
                    .and_then(Object::as_reference)
                    .and_then(|r| doc.get_dictionary(r))
                else {
                    continue;
                };
                let base = String::from_utf8_lossy(
                    f.get(b"BaseFont").and_then(Object::as_name).expect("name"),
                )
                .into_owned();
                for key in [b"FontFile".as_slice(), b"FontFile3"] {
                    if let Ok(Object::Stream(s)) = desc
                        .get(key)
                        .and_then(Object::as_reference)
                        .and_then(|r| doc.get_object(r))
                    {
                        v.push((base.clone(), s.decompressed_content().expect("inflates")));
                    }
                }
            }
            v.sort();
            v
        };
        let (ia, ib) = (fonts(&outs[0].0), fonts(&outs[1].0));
        assert_eq!(ia.len(), 1, "{kind}: one embedded font");
        assert_ne!(
            ia[0].0, ib[0].0,
            "{kind}: the inputs' subset tags differ (the test proves nothing)"
        );
        let (oa, ob) = (fonts(&outs[0].1), fonts(&outs[1].1));
        assert_eq!(oa.len(), 1, "{kind}: one embedded font in the output");
        assert_eq!(oa[0].0, ob[0].0, "{kind}: the outputs' /BaseFont");
        assert!(
            oa[0].1 == ob[0].1,
            "{kind}: the outputs' font programs differ"
        );
    }
}
