//! Embedded fonts keep no glyph that only redacted text used (its outline, character-map entry, name,
//! width and /ToUnicode entry would say which letters the redacted text had), and the kept text draws
//! exactly as before. On the corpus files of fpdf2 (CIDFontType2 subsets) and LibreOffice (simple
//! TrueType subsets).

mod common;
use common::*;
use lopdf::{Document, Object};
use std::collections::BTreeSet;
use std::path::Path;

/// Per embedded TrueType font of a PDF: (characters its /ToUnicode maps, Unicode characters its
/// program's cmap maps, glyphs with outlines).
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
