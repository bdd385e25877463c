//! Helpers shared by the integration tests: running the binary, reading truth files, extracting text
//! with an independent tool when there is one, and building small PDFs.
#![allow(dead_code)]

use lopdf::{dictionary, Document, Object, Stream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_foiredact")
}

pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Set to 1 (as `.ci/run` does once it has installed them): a missing outside checker fails the test.
pub const REQUIRE_TOOLS: &str = "FOIREDACT_REQUIRE_TOOLS";
/// Set to 1 (as `.ci/run` does when `../shared/corpus` exists): a missing corpus fails the test.
pub const REQUIRE_CORPUS: &str = "FOIREDACT_REQUIRE_CORPUS";

/// The running test's name (the test harness names each test's thread after it).
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_string()
}

/// Says loudly, on stderr (even when the test passes), that (part of) the running test does not run
/// because `missing` is missing: `SKIP: <test>: <missing>`, once per test and reason. Under
/// `require=1` it fails instead.
pub fn skip(require: &str, missing: &str) {
    let test = test_name();
    assert!(
        std::env::var(require).as_deref() != Ok("1"),
        "{test}: {missing}, and {require}=1 makes that a failure"
    );
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let line = format!("SKIP: {test}: {missing}");
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.contains(&line) {
        // Straight to stderr, not through `eprintln!`, which the test harness captures and shows only
        // when the test fails.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "{line}");
        said.push(line);
    }
}

/// `../shared/corpus`, if present; else `None` after a loud skip (a failure under
/// `FOIREDACT_REQUIRE_CORPUS=1`).
pub fn corpus() -> Option<PathBuf> {
    let p = repo().join("../shared/corpus");
    if p.join("README.md").exists() {
        return Some(p);
    }
    skip(REQUIRE_CORPUS, "../shared/corpus is absent");
    None
}

/// Whether a program can be started (no message: see [`require_tool`]).
pub fn have(tool: &str) -> bool {
    Command::new(tool).arg("-v").output().is_ok()
}

/// Whether an outside checker is installed; when it is not, a loud skip (a failure under
/// `FOIREDACT_REQUIRE_TOOLS=1`), and the caller leaves its check out.
pub fn require_tool(tool: &str) -> bool {
    if have(tool) {
        return true;
    }
    skip(REQUIRE_TOOLS, &format!("{tool} not installed"));
    false
}

/// Text of a PDF as a requester would extract it: pdftotext when installed, else our own extractor
/// (after a loud skip; a failure under `FOIREDACT_REQUIRE_TOOLS=1`).
pub fn pdf_text(path: &Path) -> String {
    if require_tool("pdftotext") {
        let o = Command::new("pdftotext")
            .args(["-layout"])
            .arg(path)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        assert!(o.status.success(), "pdftotext failed on {}", path.display());
        return String::from_utf8_lossy(&o.stdout).to_string();
    }
    let o = Command::new(bin())
        .arg("text")
        .arg(path)
        .output()
        .expect("text runs");
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Lower case without white space, typographic quotes and dashes folded (as the shared checker does).
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn page_count(path: &Path) -> usize {
    Document::load(path)
        .expect("output loads")
        .get_pages()
        .len()
}

/// `qpdf --check` of a file: whether it passes, or `None` without qpdf (after a loud skip; a failure
/// under `FOIREDACT_REQUIRE_TOOLS=1`).
pub fn qpdf_check(path: &Path) -> Option<bool> {
    if !require_tool("qpdf") {
        return None;
    }
    let o = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf runs");
    Some(o.status.code() == Some(0))
}

/// Asserts that a file passes `qpdf --check` (skips loudly without qpdf).
pub fn assert_qpdf(path: &Path, what: &str) {
    assert_ne!(
        qpdf_check(path),
        Some(false),
        "{what}: {} fails qpdf --check",
        path.display()
    );
}

/// What OCR reads in a PDF's pages (pdftoppm at 150 dpi, then tesseract), or `None` without those
/// programs (after a loud skip; a failure under `FOIREDACT_REQUIRE_TOOLS=1`).
pub fn ocr_text(pdf: &Path) -> Option<String> {
    ocr_text_at(pdf, 150)
}

/// [`ocr_text`] with the pages rendered at `dpi`.
pub fn ocr_text_at(pdf: &Path, dpi: u32) -> Option<String> {
    if !(require_tool("pdftoppm") & require_tool("tesseract")) {
        return None;
    }
    let dir = tempdir();
    let o = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray"])
        .arg(pdf)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm");
    assert!(o.status.success(), "pdftoppm failed on {}", pdf.display());
    let mut text = String::new();
    for p in files_in(dir.path(), "pgm") {
        let o = Command::new("tesseract")
            .arg(&p)
            .arg("-")
            .output()
            .expect("tesseract");
        assert!(o.status.success(), "tesseract failed on {}", p.display());
        text.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    Some(text)
}

/// Whether a truth describes a scan with no text layer (its outputs are read by OCR).
pub fn is_scan(truth: &serde_json::Value) -> bool {
    truth["variants"]
        .as_array()
        .is_some_and(|v| v.iter().any(|x| x == "no-text-layer"))
}

/// Texts of a truth part.
pub fn items(truth: &serde_json::Value, part: &str, key: &str) -> Vec<(String, String)> {
    truth[part][key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| {
                    (
                        i["text"].as_str().unwrap_or_default().to_string(),
                        i["category"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every personal item of a truth: both parts' redact texts and the hidden ones.
pub fn truth_texts(t: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = ["part1", "part2"]
        .iter()
        .flat_map(|p| items(t, p, "redact"))
        .map(|(s, _)| s)
        .collect();
    v.extend(
        t["hidden"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h["text"].as_str().map(String::from)),
    );
    v
}

pub fn pages_of(truth: &serde_json::Value, part: &str) -> Vec<u64> {
    truth[part]["pages"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_u64()).collect())
        .unwrap_or_default()
}

/// Outcome of checking one redacted document against its truth.
#[derive(Debug, Default)]
pub struct Checked {
    pub leaks: Vec<String>,
    pub keep_total: usize,
    pub keep_found: usize,
    pub problems: Vec<String>,
}

/// Checks the outputs `out/<stem>.partN.pdf` against a truth object. `only` limits the redact
/// categories considered (empty: all).
pub fn check_truth(out: &Path, stem: &str, truth: &serde_json::Value, only: &[&str]) -> Checked {
    let mut c = Checked::default();
    for part in ["part1", "part2"] {
        let path = out.join(format!("{stem}.{part}.pdf"));
        let want = pages_of(truth, part);
        if want.is_empty() {
            if path.exists() {
                c.problems.push(format!("{stem}: unexpected {part}"));
            }
            continue;
        }
        if !path.exists() {
            c.problems.push(format!("{stem}: missing {part}"));
            continue;
        }
        if page_count(&path) != want.len() {
            c.problems.push(format!(
                "{stem}: {part} has {} pages, want {}",
                page_count(&path),
                want.len()
            ));
        }
        if qpdf_check(&path) == Some(false) {
            c.problems
                .push(format!("{stem}: {part} fails qpdf --check"));
        }
        // A scan's output has no text layer (only the boxes' labels): it is read as its pixels.
        let text = if is_scan(truth) {
            match ocr_text(&path) {
                Some(t) => norm(&t),
                None => continue,
            }
        } else {
            norm(&pdf_text(&path))
        };
        for (t, cat) in items(truth, part, "redact") {
            if (only.is_empty() || only.contains(&cat.as_str())) && text.contains(&norm(&t)) {
                c.leaks.push(format!("{stem} {part} {cat}: {t}"));
            }
        }
        for (t, _) in items(truth, part, "keep") {
            c.keep_total += 1;
            if text.contains(&norm(&t)) {
                c.keep_found += 1;
            }
        }
    }
    c
}

/// Builds a one-page PDF with the given content stream and fonts (resource name -> font dictionary).
pub fn make_pdf(
    content: &str,
    fonts: Vec<(&str, lopdf::Dictionary)>,
    extra_objects: impl FnOnce(&mut Document),
) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut font_dict = lopdf::Dictionary::new();
    for (name, f) in fonts {
        let id = doc.add_object(f);
        font_dict.set(name, Object::Reference(id));
    }
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => font_dict },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    extra_objects(&mut doc);
    let mut buf = Vec::new();
    doc.save_to(&mut buf).expect("saves");
    buf
}

/// Makes a font (by reference) the only font of the first page's resources, as `name`.
pub fn set_font(doc: &mut lopdf::Document, name: &str, f: lopdf::ObjectId) {
    set_fonts(doc, dictionary! { name => f });
}

/// Makes `fonts` the /Font dictionary of the first page's resources.
pub fn set_fonts(doc: &mut lopdf::Document, fonts: lopdf::Dictionary) {
    let pid = *doc.get_pages().values().next().expect("page");
    doc.get_dictionary_mut(pid)
        .expect("page")
        .get_mut(b"Resources")
        .and_then(Object::as_dict_mut)
        .expect("resources")
        .set("Font", fonts);
}

pub fn helvetica() -> lopdf::Dictionary {
    dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
}

/// The rows of a CSV file (its header aside), as strings.
pub fn read_rows(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .expect("csv")
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect()
}

/// A CSV file's header and rows.
pub fn read_table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let h = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    (h, read_rows(path))
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary.json"))
        .expect("json")
}

/// One file's result in a batch summary.
pub fn result<'a>(summary: &'a serde_json::Value, file: &str) -> Option<&'a serde_json::Value> {
    summary["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["file"] == file)
}

/// Redacts a PDF held in memory with `--terms` (and `extra` arguments), in a temp folder: the input is
/// `in.pdf`, the outputs are in `out/`.
pub fn redact_pdf(
    pdf: Vec<u8>,
    terms: &str,
    extra: &[&str],
) -> (tempfile::TempDir, std::process::Output) {
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(&inp, pdf).expect("write");
    let t = d.path().join("terms.txt");
    std::fs::write(&t, terms).expect("write");
    let out = d.path().join("out");
    let mut args = vec![
        "redact",
        inp.to_str().expect("utf8"),
        "--terms",
        t.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    (d, o)
}

/// Runs `redact INPUT... --out OUT EXTRA...` and asserts exit code 0.
pub fn redact_ok(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&str> = vec!["redact"];
    args.extend(inputs.iter().map(|p| p.to_str().expect("utf8")));
    args.extend(["--out", out.to_str().expect("utf8")]);
    args.extend_from_slice(extra);
    run_ok(&args)
}

/// Runs `publish OUT --site SITE EXTRA...`.
pub fn publish(out: &Path, site: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "publish",
        out.to_str().expect("utf8"),
        "--site",
        site.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// [`publish`], asserting exit code 0 (showing its stderr otherwise).
pub fn publish_ok(out: &Path, site: &Path, extra: &[&str]) -> Output {
    let o = publish(out, site, extra);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

/// Runs the binary and asserts exit code 0, showing its stderr otherwise.
pub fn run_ok(args: &[&str]) -> Output {
    let o = run(args);
    assert_ok(&o);
    o
}

/// Asserts that a run exited with 0, showing its stderr otherwise.
pub fn assert_ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// xorshift64* (no `rand` crate here): deterministic inputs for the mutation and fuzz tests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(splitmix(seed) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform-ish in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => {
            let v = v.trim();
            let parsed = match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16),
                None => v.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        }
        Err(_) => default,
    }
}

pub fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    files_in(dir, "pdf")
}

/// The files of a folder (not below it) whose extension is `ext` (any case), sorted.
pub fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext)))
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, at any depth: its path relative to `dir` (with `/`) and its path, sorted.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under the folder walked");
            (
                rel.to_string_lossy().replace('\\', "/"),
                e.path().to_path_buf(),
            )
        })
        .collect();
    v.sort();
    v
}

/// `foiredact text --json` of a PDF (no OCR): per page, its text and glyphs.
pub fn text_json(p: &Path) -> serde_json::Value {
    let o = run_ok(&[
        "text",
        "--json",
        "--ocr",
        "never",
        p.to_str().expect("utf8"),
    ]);
    serde_json::from_slice(&o.stdout).expect("json")
}

/// Every page's glyphs via `foiredact text --json` (no OCR): text, origin x and y in hundredths of a
/// point, and whether foiredact drew it (a box label).
pub fn glyph_origins(p: &Path) -> Vec<Vec<(String, i64, i64, bool)>> {
    let v = text_json(p);
    v.as_array()
        .expect("pages")
        .iter()
        .map(|page| {
            page["glyphs"]
                .as_array()
                .expect("glyphs")
                .iter()
                .map(|g| {
                    let r = |x: &serde_json::Value| {
                        (x.as_f64().expect("number") * 100.0).round() as i64
                    };
                    (
                        g["text"].as_str().expect("text").to_string(),
                        r(&g["origin"][0]),
                        r(&g["origin"][1]),
                        g["ours"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .collect()
}

/// The invented name the text-state and encoding tests plant and redact.
pub const NAME: &str = "Quimby";

/// Redacts `pdf` with the name as a term and checks: the input reads with the name; the output
/// passes qpdf, holds no trace of the name (our extractor, pdftotext, mutool, a raw scan) and keeps
/// `keep` (read by ours, pdftotext and mutool, less the readers `blind` names for this case).
pub fn check(case: &str, pdf: Vec<u8>, keep: &[&str]) {
    check_with(case, pdf, keep, &[]);
}

/// Outside readers: their name and their text of a PDF, when installed.
pub fn outside(p: &std::path::Path) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    if require_tool("pdftotext") {
        v.push(("pdftotext", norm(&pdf_text(p))));
    }
    if require_tool("mutool") {
        let o = std::process::Command::new("mutool")
            .args(["draw", "-F", "txt"])
            .arg(p)
            .output()
            .expect("mutool");
        v.push(("mutool", norm(&String::from_utf8_lossy(&o.stdout))));
    }
    v
}

pub fn check_with(case: &str, pdf: Vec<u8>, keep: &[&str], blind: &[&str]) {
    let d = tempdir();
    let inp = d.path().join("in.pdf");
    std::fs::write(&inp, &pdf).expect("write");
    let seen = norm(&String::from_utf8_lossy(
        &run_ok(&["text", inp.to_str().expect("utf8")]).stdout,
    ));
    assert!(seen.contains("quimby"), "{case}: the input reads: {seen}");
    let (d2, o) = redact_pdf(pdf, &format!("{NAME}\n"), &[]);
    assert_ok(&o);
    let out = d2.path().join("out/in.part1.pdf");
    assert_qpdf(&out, case);
    let ours = norm(&String::from_utf8_lossy(
        &run_ok(&["text", out.to_str().expect("utf8")]).stdout,
    ));
    let mut readers = vec![("foiredact", ours)];
    readers.extend(outside(&out));
    for (who, t) in &readers {
        assert!(
            !t.contains("quimby"),
            "{case}: {who} still reads the name: {t}"
        );
        if blind.contains(who) {
            continue;
        }
        for k in keep {
            assert!(t.contains(&norm(k)), "{case}: {who}: {k} is kept: {t}");
        }
    }
    let doc = Document::load(&out).expect("loads");
    for o in doc.objects.values() {
        if let Object::Stream(s) = o {
            let data = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            // (As bytes and as UTF-16, the form two-byte Unicode codes spell it in.)
            let text = String::from_utf8_lossy(&data).to_lowercase();
            assert!(
                !text.contains("quimby") && !text.contains("\0q\0u\0i\0m\0b\0y"),
                "{case}: the name is in a stream"
            );
        }
    }
}

/// A one-page Helvetica PDF with one line of text per entry (`(`, `)` and `\\` escaped).
pub fn lines_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 72 720 Td 14 TL\n");
    for l in lines {
        let esc = l
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({esc}) Tj T*\n"));
    }
    content.push_str("ET\n");
    make_pdf(&content, vec![("F1", helvetica())], |_| {})
}

/// Runs Ghostscript with `args` on `input`, writing `out`; a failure fails the test with its message.
#[allow(dead_code)]
pub fn run_gs(args: &[&str], out: &Path, input: &Path) {
    let o = std::process::Command::new("gs")
        .args(["-q", "-dNOPAUSE", "-dBATCH"])
        .args(args)
        .arg(format!("-sOutputFile={}", out.display()))
        .arg(input)
        .output()
        .expect("gs runs");
    assert!(
        o.status.success(),
        "gs: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
