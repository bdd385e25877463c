//! A stable-Rust fuzzer per stage that parses file data (cargo-fuzz needs a nightly toolchain, which
//! this workplace cannot install). Each stage's parser is called in process on mutants of real inputs
//! taken from `samples/` (its scan gives a page image), `tests/coverage/seeds/` (images of every
//! coding), `tests/encodings/` (TrueType and CFF programs) and `tests/fuzz/seeds/` (Type 1 programs,
//! made by `tests/fuzz/make_type1.py`), and from `../shared/corpus` and `../shared/realworld` when
//! present. Every fuzzer has seeds in the repo (a test checks it) and fails when it has none: content streams
//! (tokenizer and interpreter input, and the rewriter), ToUnicode CMaps, Type 1 font programs,
//! TrueType programs (reading, glyph lookups and pruning), CFF programs (charset, encoding, widths), and
//! images (decoding, blanking), and the joining of a page's /Contents streams cut mid-token. Every call
//! must return (a value or an error), never panic. Image codings the seed files may lack (CCITT, JBIG2,
//! JPEG 2000, 16-bit, Indexed, CMYK, filter chains, masks) have seeds of their own in
//! `tests/coverage/seeds/` (made by `tests/coverage/make_images.py`).
//! The whole pipeline on mutated files is `tests/mutation.rs`.
//!
//! `FOIREDACT_FUZZ_ITERS=N` sets the mutants per stage (default 300), `FOIREDACT_FUZZ_SEED` the seed.

mod common;
use common::*;
use foiredact::pdf::content::{self, ParseLimits};
use lopdf::Object;
use std::collections::BTreeMap;

/// Streams of the seed files, by kind.
#[derive(Default)]
struct Streams {
    contents: Vec<Vec<u8>>,
    cmaps: Vec<Vec<u8>>,
    type1: Vec<Vec<u8>>,
    truetype: Vec<Vec<u8>>,
    cff: Vec<Vec<u8>>,
    images: Vec<lopdf::Stream>,
}

/// The seeds of the repo and, when present, of `../shared`.
fn collect() -> Streams {
    collect_from(true)
}

/// The seeds: the repo's files (first, so that the caps below keep them), then `../shared`'s if
/// `shared`.
fn collect_from(shared: bool) -> Streams {
    let mut paths = pdfs_in(&repo().join("samples"));
    paths.extend(pdfs_in(&repo().join("tests/coverage/seeds")));
    if shared {
        paths.extend(pdfs_in(&repo().join("../shared/corpus")));
        paths.extend(pdfs_in(&repo().join("../shared/realworld/pdfs")));
    }
    let mut s = Streams::default();
    // The tiny fonts tests/encodings.rs draws with, and the Type 1 programs of tests/fuzz/seeds.
    for dir in ["tests/encodings", "tests/fuzz/seeds"] {
        for f in std::fs::read_dir(repo().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(data) = std::fs::read(f.path()) else {
                continue;
            };
            match f.path().extension().and_then(|e| e.to_str()) {
                Some("ttf") | Some("otf") => s.truetype.push(data),
                Some("cff") => s.cff.push(data),
                Some("t1") | Some("pfa") => s.type1.push(data),
                _ => {}
            }
        }
    }
    for p in paths {
        let Ok(doc) = lopdf::Document::load(&p) else {
            continue;
        };
        for pid in doc.get_pages().values() {
            let c = doc.get_page_content(*pid);
            if !c.is_empty() && s.contents.len() < 200 {
                s.contents.push(c);
            }
        }
        for o in doc.objects.values() {
            let Object::Stream(st) = o else { continue };
            let Ok(data) = st
                .decompressed_content()
                .or_else(|_| Ok::<_, ()>(st.content.clone()))
            else {
                continue;
            };
            if data.windows(9).any(|w| w == b"begincmap") && s.cmaps.len() < 100 {
                s.cmaps.push(data);
            } else if st.dict.has(b"Length1") && data.starts_with(b"%!") && s.type1.len() < 20 {
                s.type1.push(data);
            } else if st.dict.has(b"Length1")
                && (data.starts_with(&[0, 1, 0, 0]) || data.starts_with(b"true"))
                && s.truetype.len() < 20
            {
                s.truetype.push(data);
            } else if matches!(
                st.dict.get(b"Subtype").and_then(Object::as_name).ok(),
                Some(b"Type1C") | Some(b"CIDFontType0C")
            ) && s.cff.len() < 20
            {
                s.cff.push(data);
            } else if st.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image")
                && st.content.len() < 400_000
                && s.images.len() < 30
            {
                s.images.push(st.clone());
            }
        }
    }
    s
}

/// One mutant of `seed`: 1 to 4 edits (bit flip, byte run overwritten, truncation, insertion,
/// a slice copied elsewhere).
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            let n = 1 + rng.below(64);
            b = rng.bytes(n);
            continue;
        }
        let at = rng.below(b.len());
        match rng.below(5) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => {
                let n = (1 + rng.below(16)).min(b.len() - at);
                let r = rng.bytes(n);
                b[at..at + n].copy_from_slice(&r);
            }
            2 => b.truncate(at),
            3 => {
                let n = 1 + rng.below(16);
                let r = rng.bytes(n);
                b.splice(at..at, r);
            }
            _ => {
                let from = rng.below(b.len());
                let n = (1 + rng.below(64)).min(b.len() - from);
                let piece = b[from..from + n].to_vec();
                b.splice(at..at, piece);
            }
        }
    }
    b
}

/// Runs `f` on `iters` mutants of the seeds; returns how many panicked (with the first message).
/// Fails when there are no seeds: a fuzzer that runs nothing must not pass.
fn fuzz(
    name: &str,
    seeds: &[Vec<u8>],
    salt: u64,
    mut f: impl FnMut(&[u8]),
) -> (usize, Option<String>) {
    assert!(
        !seeds.is_empty(),
        "fuzz {name}: no seeds, so nothing would be fuzzed"
    );
    let iters = env_num("FOIREDACT_FUZZ_ITERS", 300) as usize;
    let mut rng = Rng::new(env_num("FOIREDACT_FUZZ_SEED", 0xf022) ^ salt);
    let (mut panics, mut first) = (0, None);
    for _ in 0..iters {
        let seed = &seeds[rng.below(seeds.len())];
        let m = mutate(&mut rng, seed);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&m)));
        if let Err(e) = r {
            panics += 1;
            first.get_or_insert_with(|| {
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
        }
    }
    eprintln!(
        "fuzz {name}: {iters} mutants of {} seeds, {panics} panics",
        seeds.len()
    );
    (panics, first)
}

/// Every fuzzer has seeds in the repo itself, so that each runs in a clone without `../shared`.
#[test]
fn every_fuzzer_has_seeds_in_the_repo() {
    let s = collect_from(false);
    for (kind, n, at_least) in [
        ("content streams", s.contents.len(), 5),
        ("ToUnicode CMaps", s.cmaps.len(), 1),
        ("Type 1 programs (tests/fuzz/seeds)", s.type1.len(), 3),
        ("TrueType programs", s.truetype.len(), 1),
        ("CFF programs", s.cff.len(), 1),
        ("images", s.images.len(), 10),
    ] {
        assert!(
            n >= at_least,
            "{kind}: {n} seeds in the repo, want {at_least}"
        );
    }
    // The Type 1 seeds are what they claim: the reader finds their built-in encoding (a code the
    // standard encoding leaves empty maps to Q) and StandardEncoding.
    let read: Vec<Option<Vec<Option<String>>>> = s
        .type1
        .iter()
        .map(|p| foiredact::pdf::fonts::type1_builtin_encoding(p))
        .collect();
    assert!(read
        .iter()
        .any(|e| e.as_ref().is_some_and(|e| e[200].as_deref() == Some("m"))));
    assert!(read
        .iter()
        .any(|e| e.as_ref().is_some_and(|e| e[65].as_deref() == Some("A"))));
    // The scan of samples/ is among the image seeds.
    assert!(s.images.iter().any(|i| i
        .dict
        .get(b"BitsPerComponent")
        .and_then(Object::as_i64)
        .ok()
        == Some(1)
        && i.dict.get(b"Width").and_then(Object::as_i64).ok() == Some(1654)));
}

/// The fuzz helper fails, rather than passing, when it is given no seeds.
#[test]
fn a_fuzzer_without_seeds_fails() {
    let r = std::panic::catch_unwind(|| fuzz("none", &[], 0, |_| {}));
    assert!(r.is_err(), "fuzz ran nothing and passed");
}

#[test]
fn content_streams_parse_and_rewrite_without_panics() {
    let s = collect();
    assert!(!s.contents.is_empty(), "samples/ give content streams");
    let lim = ParseLimits::default();
    let (p, first) = fuzz("content", &s.contents, 1, |data| {
        // Cut anywhere and joined again (as a /Contents array cut mid-token is).
        let cut = data.len() / 2;
        let joined = content::join_streams(&[&data[..cut], &data[cut..]]);
        let _ = content::parse(&joined, &lim);
        if let Ok(ops) = content::parse(data, &lim) {
            // Rewriting with nothing to change gives the same bytes; with random replacements it
            // still returns, and what it returns parses (or is refused) without a panic.
            assert_eq!(content::rewrite(data, &ops, &BTreeMap::new()), data);
            let mut rep = BTreeMap::new();
            for (i, _) in ops.iter().enumerate().step_by(7) {
                rep.insert(i, b" n ".to_vec());
            }
            let _ = content::parse(&content::rewrite(data, &ops, &rep), &lim);
        }
    });
    assert_eq!(p, 0, "content parser panicked: {first:?}");
}

#[test]
fn cmaps_and_font_programs_parse_without_panics() {
    let s = collect();
    let (p, first) = fuzz("cmap", &s.cmaps, 2, |data| {
        let _ = foiredact::pdf::fonts::parse_to_unicode(data);
        // The same bytes as an embedded (encoding) CMap, alone and over a predefined parent; a code
        // split by what parses.
        for (wmode, parent) in [(None, None), (Some(1), Some("UniJIS-UCS2-H"))] {
            if let Ok(c) = foiredact::pdf::fonts::cmap::parse_embedded(data, wmode, parent) {
                for (code, _, _) in c.split(&data[..data.len().min(64)]) {
                    let _ = c.cid(code);
                }
            }
        }
    });
    assert_eq!(p, 0, "CMap parser panicked: {first:?}");
    let names: std::collections::BTreeSet<String> =
        ["A", "a", "e", "space"].map(String::from).into();
    let (p, first) = fuzz("type1", &s.type1, 3, |data| {
        let _ = foiredact::pdf::fonts::type1_builtin_encoding(data);
        let _ = foiredact::pdf::subset::type1_glyph_names(data);
        if let Some((out, lens)) = foiredact::pdf::subset::prune_type1(data, (None, None), &names) {
            // What it writes reads again.
            assert_eq!(lens.iter().sum::<usize>(), out.len());
            let _ = foiredact::pdf::subset::type1_glyph_names(&out);
        }
    });
    assert_eq!(p, 0, "Type 1 reader or pruning panicked: {first:?}");
    let keep: std::collections::BTreeSet<u16> = (0..40).step_by(3).collect();
    let (p, first) = fuzz("truetype", &s.truetype, 5, |data| {
        let _ = foiredact::pdf::subset::glyphs_with_outlines(data);
        let _ = foiredact::pdf::subset::unicode_cmap_codes(data);
        if let Some(tt) = foiredact::pdf::fonts::sfnt::TrueType::parse(data) {
            for c in 0..=255u8 {
                let g = tt.glyph(c, Some("Q"), Some("a")).unwrap_or(c as u16);
                let _ = (tt.glyph_unicode(g), tt.advance(g), tt.symbolic_glyph(c));
            }
        }
        if let Some(foiredact::pdf::subset::Pruned::New(out)) =
            foiredact::pdf::subset::prune_truetype(data, &keep)
        {
            // What it writes reads again.
            let _ = foiredact::pdf::subset::glyphs_with_outlines(&out);
        }
    });
    assert_eq!(p, 0, "TrueType pruning panicked: {first:?}");
    let (p, first) = fuzz("cff", &s.cff, 6, |data| {
        if let Some(c) = foiredact::pdf::fonts::cff::Cff::parse(data) {
            let _ = c.encoding();
            for g in 0..c.glyph_count().min(300) as u16 {
                let _ = (c.glyph_name(g), c.advance(g));
            }
            let _ = c.glyph_named("Q");
        }
        if let Some(foiredact::pdf::subset::Pruned::New(out)) =
            foiredact::pdf::subset::prune_cff(data, &keep)
        {
            // What it writes reads again.
            if let Some(c) = foiredact::pdf::fonts::cff::Cff::parse(&out) {
                let _ = c.encoding();
            }
        }
    });
    assert_eq!(p, 0, "CFF reader or pruning panicked: {first:?}");
}

#[test]
fn images_decode_and_blank_without_panics() {
    let s = collect();
    let doc = lopdf::Document::with_version("1.5");
    let seeds: Vec<Vec<u8>> = s.images.iter().map(|i| i.content.clone()).collect();
    let mut k = 0usize;
    let (p, first) = fuzz("image", &seeds, 4, |data| {
        let mut st = s.images[k % s.images.len()].clone();
        k += 1;
        st.set_content(data.to_vec());
        let _ = foiredact::pdf::images::to_gray(&doc, &st);
        let unit = foiredact::geom::Matrix([100.0, 0.0, 0.0, 100.0, 0.0, 0.0]);
        let r = foiredact::geom::Rect {
            x0: 10.0,
            y0: 10.0,
            x1: 60.0,
            y1: 40.0,
        };
        let _ = foiredact::pdf::images::blank(&doc, &st, &[(unit, vec![r])]);
        let _ = foiredact::pdf::images::is_blank_under(&doc, &st, &unit, &[r]);
    });
    assert_eq!(p, 0, "image code panicked: {first:?}");
}

/// Where tests/coverage/make_images.py draws its image, and a box over part of it.
fn seed_image_box() -> (foiredact::geom::Matrix, foiredact::geom::Rect) {
    (
        foiredact::geom::Matrix([300.0, 0.0, 0.0, 100.0, 72.0, 500.0]),
        foiredact::geom::Rect {
            x0: 120.0,
            y0: 530.0,
            x1: 190.0,
            y1: 560.0,
        },
    )
}

#[test]
fn image_codings_decode_and_blank_without_panics() {
    let seeds = pdfs_in(&repo().join("tests/coverage/seeds"));
    assert!(
        seeds.len() >= 11,
        "tests/coverage/seeds holds the image seeds (python3 tests/coverage/make_images.py tests/coverage/seeds)"
    );
    let (unit, r) = seed_image_box();
    let mut total = 0;
    for (n, p) in seeds.iter().enumerate() {
        let doc = lopdf::Document::load(p).expect("seed loads");
        let images: Vec<lopdf::Stream> = doc
            .objects
            .values()
            .filter_map(|o| match o {
                Object::Stream(st)
                    if st.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image") =>
                {
                    Some(st.clone())
                }
                _ => None,
            })
            .collect();
        for (k, img) in images.iter().enumerate() {
            // The seed itself decodes and blanks.
            let (blanked, mask) = foiredact::pdf::images::blank(&doc, img, &[(unit, vec![r])])
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(
                foiredact::pdf::images::to_gray(&doc, &blanked).is_ok(),
                "{}",
                p.display()
            );
            total += 1 + usize::from(mask.is_some());
            let (panics, first) = fuzz(
                &format!("image {}", p.display()),
                std::slice::from_ref(&img.content),
                0x1a9e + (n * 16 + k) as u64,
                |data| {
                    let mut st = img.clone();
                    st.set_content(data.to_vec());
                    let _ = foiredact::pdf::images::to_gray(&doc, &st);
                    let _ = foiredact::pdf::images::blank(&doc, &st, &[(unit, vec![r])]);
                    let _ = foiredact::pdf::images::is_blank_under(&doc, &st, &unit, &[r]);
                },
            );
            assert_eq!(panics, 0, "{}: image code panicked: {first:?}", p.display());
        }
    }
    assert!(total >= 13, "images and masks of the seeds: {total}");
}

#[test]
fn inline_images_read_and_blank_without_panics() {
    let lim = ParseLimits::default();
    let (unit, r) = seed_image_box();
    let doc = lopdf::Document::with_version("1.5");
    let mut seeds = Vec::new();
    for p in pdfs_in(&repo().join("tests/coverage/seeds")) {
        let d = lopdf::Document::load(&p).expect("seed loads");
        for pid in d.get_pages().values() {
            let c = d.get_page_content(*pid);
            if let Ok(ops) = content::parse(&c, &lim) {
                for op in ops.iter().filter(|o| o.is("BI")) {
                    seeds.push(c[op.start..op.end].to_vec());
                }
            }
        }
    }
    assert!(
        seeds.len() >= 2,
        "inline image seeds in tests/coverage/seeds"
    );
    let (p, first) = fuzz("inline image", &seeds, 0x1e1, |data| {
        let Ok(ops) = content::parse(data, &lim) else {
            return;
        };
        for op in ops.iter().filter(|o| o.is("BI")) {
            let Some(dict) = op.operands.first() else {
                continue;
            };
            if let Ok(st) = foiredact::pdf::images::inline_image(&data[op.start..op.end], dict) {
                let _ = foiredact::pdf::images::to_gray(&doc, &st);
                if let Ok((b, _)) = foiredact::pdf::images::blank(&doc, &st, &[(unit, vec![r])]) {
                    if let Ok(bytes) = foiredact::pdf::images::inline_bytes(&b) {
                        assert!(
                            content::parse(&bytes, &lim).is_ok(),
                            "written back, it parses"
                        );
                    }
                }
            }
        }
    });
    assert_eq!(p, 0, "inline image code panicked: {first:?}");
}
