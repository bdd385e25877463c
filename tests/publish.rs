//! `publish`: redact, then publish, on the samples and (when present) the shared corpus; the index
//! against the truth files; no redacted item in any title, file name or index entry; every published
//! PDF labelled (Title, Lang, DisplayDocTitle) and passing `qpdf --check`; the index page checked in
//! headless Chromium with axe-core (tests/a11y) when node, Chromium and `npm ci` are there.

mod common;
use common::*;
use lopdf::{Document, Object};
use std::path::{Path, PathBuf};

/// One input with its truth (`expected.json` entry or `<stem>.truth.json`).
struct Doc {
    pdf: PathBuf,
    truth: serde_json::Value,
}

/// The samples with a text layer. (The scan, `decision-scanned.pdf`, is left out: its Part 1 has no
/// text layer, so `publish` finds no title in it and lists it as "Untitled document".)
fn sample_docs() -> Vec<Doc> {
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("samples/expected.json")).expect("expected.json"),
    )
    .expect("json");
    let mut v: Vec<Doc> = expected
        .as_object()
        .expect("object")
        .iter()
        .filter(|(_, t)| !is_scan(t))
        .map(|(name, t)| Doc {
            pdf: repo().join("samples").join(name),
            truth: t.clone(),
        })
        .collect();
    v.sort_by(|a, b| a.pdf.cmp(&b.pdf));
    v
}

fn corpus_docs() -> Vec<Doc> {
    let Some(dir) = corpus() else { return vec![] };
    let mut v: Vec<Doc> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter_map(|p| {
            let t = serde_json::from_slice(&std::fs::read(p.with_extension("truth.json")).ok()?)
                .ok()?;
            Some(Doc { pdf: p, truth: t })
        })
        .collect();
    assert!(!v.is_empty(), "the corpus has PDFs with truth files");
    v.sort_by(|a, b| a.pdf.cmp(&b.pdf));
    v
}

/// Every file under a folder with its bytes, sorted: to prove a folder unchanged.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).expect("read");
            (p, b)
        })
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The document information and catalog of a published PDF: (Info keys, Title, Lang, DisplayDocTitle).
fn labels(path: &Path) -> (Vec<String>, String, String, bool) {
    let doc = Document::load(path).expect("published PDF loads");
    let text = |o: &Object| match o {
        Object::String(b, _) if b.starts_with(&[0xFE, 0xFF]) => String::from_utf16_lossy(
            &b[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect::<Vec<_>>(),
        ),
        Object::String(b, _) => String::from_utf8_lossy(b).to_string(),
        _ => String::new(),
    };
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|id| doc.get_dictionary(id))
        .expect("an Info dictionary");
    let keys = info
        .iter()
        .map(|(k, _)| String::from_utf8_lossy(k).to_string())
        .collect();
    let title = text(info.get(b"Title").expect("Title"));
    let cat = doc.catalog().expect("catalog");
    let lang = cat.get(b"Lang").map(text).unwrap_or_default();
    let display = cat
        .get(b"ViewerPreferences")
        .ok()
        .and_then(|v| match v {
            Object::Dictionary(d) => Some(d.clone()),
            Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
            _ => None,
        })
        .and_then(|d| d.get(b"DisplayDocTitle").ok().cloned())
        == Some(Object::Boolean(true));
    (keys, title, lang, display)
}

/// Runs the axe-core check of tests/a11y on an index page, if node, Chromium and the node modules
/// are there (skips with a message otherwise; with FOIREDACT_REQUIRE_A11Y=1, as CI sets it, a skip is
/// a failure). The screenshot goes to target/a11y/<name>.png.
fn axe(index: &Path, name: &str) {
    let dir = repo().join("tests/a11y");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (!have("node")).then_some("node"),
        (!Path::new(&chromium).exists()).then_some("chromium"),
        (!dir.join("node_modules/axe-core").exists()).then_some("tests/a11y/node_modules (npm ci)"),
        (!dir.join("node_modules/playwright-core").exists()).then_some("playwright-core"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var("FOIREDACT_REQUIRE_A11Y").as_deref() != Ok("1"),
            "the accessibility check is required but these are missing: {missing:?}"
        );
        println!("skipped the axe-core check of {name}: missing {missing:?}");
        return;
    }
    let shot = repo().join("target/a11y").join(format!("{name}.png"));
    let o = std::process::Command::new("node")
        .arg(dir.join("check.js"))
        .arg(index)
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let out = String::from_utf8_lossy(&o.stdout);
    println!("{name}: {}", out.trim());
    assert_eq!(
        o.status.code(),
        Some(0),
        "axe-core found violations in {}:\n{out}\n{}",
        index.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains(" 0 violations"), "{out}");
    assert!(shot.exists(), "no screenshot at {}", shot.display());
}

/// The value after `Decision number:` in a text, if any.
fn decision_number(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let i = l.find("Decision number:")?;
        l[i + "Decision number:".len()..]
            .split_whitespace()
            .next()
            .map(String::from)
    })
}

/// Redacts `docs` into `out`, publishes into `site`, and checks the release against the truths.
fn redact_publish_check(docs: &[Doc], name: &str) {
    let d = tempdir();
    let out = d.path().join("out");
    let site = d.path().join("site");
    let pdfs: Vec<&Path> = docs.iter().map(|x| x.pdf.as_path()).collect();
    redact_ok(&pdfs, &out, &["-q"]);
    let before = snapshot(&out);
    let o = publish_ok(&out, &site, &[]);
    assert_eq!(snapshot(&out), before, "publish changed the redact folder");
    let index = read_json(&site.join("index.json"));
    let entries = index["documents"].as_array().expect("documents");
    let with_part1: Vec<&Doc> = docs
        .iter()
        .filter(|x| !pages_of(&x.truth, "part1").is_empty())
        .collect();
    assert_eq!(
        entries.len(),
        with_part1.len(),
        "one entry per Part 1: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Every file of the site: the index files and exactly the PDFs the index lists.
    let mut files: Vec<String> = std::fs::read_dir(&site)
        .expect("site")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    files.sort();
    let mut want: Vec<String> = entries
        .iter()
        .map(|e| e["file"].as_str().expect("file").to_string())
        .chain(["index.csv", "index.html", "index.json"].map(String::from))
        .collect();
    want.sort();
    assert_eq!(files, want);

    // Each entry is one Part 1: the published PDF reads as that Part 1 does (only labels added).
    let part1_text = |x: &Doc| {
        let stem = x
            .pdf
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        pdf_text(&out.join(format!("{stem}.part1.pdf")))
    };
    let mut unmatched: Vec<&Doc> = with_part1.clone();
    let all_personal: Vec<String> = docs.iter().flat_map(|x| truth_texts(&x.truth)).collect();
    for e in entries {
        let file = e["file"].as_str().expect("file");
        let path = site.join(file);
        assert_qpdf(&path, file);
        let text = pdf_text(&path);
        let k = unmatched
            .iter()
            .position(|x| part1_text(x) == text)
            .unwrap_or_else(|| panic!("{file} reads as no remaining Part 1"));
        let doc = unmatched.remove(k);
        let source = pdf_text(&doc.pdf);
        let title = e["title"].as_str().expect("title");
        let keep: Vec<String> = items(&doc.truth, "part1", "keep")
            .into_iter()
            .map(|(t, _)| norm(&t))
            .collect();
        // The right title: the document's own words, holding one of its truth keep phrases.
        assert!(
            norm(&source).contains(&norm(title)),
            "{file}: title {title:?} is not in the document's text"
        );
        assert!(
            keep.iter().any(|k| norm(title).contains(k.as_str())),
            "{file}: title {title:?} holds none of the truth's keep phrases"
        );
        // The right number: the one the document states, if it states one.
        assert_eq!(
            e["number"].as_str().map(String::from),
            decision_number(&source),
            "{file}: decision number"
        );
        if let Some(date) = e["date"].as_str() {
            assert!(
                keep.iter().any(|k| k.contains(&norm(date))),
                "{file}: date {date:?} is not a truth keep phrase"
            );
        }
        let (keys, pdf_title, lang, display) = labels(&path);
        assert_eq!(keys, ["Title"], "{file}: Info holds only the title");
        assert_eq!((lang.as_str(), display), ("en-GB", true), "{file}");
        assert!(pdf_title.contains(title), "{file}: /Title {pdf_title:?}");
        // Nothing personal in the names: title, number, date, file name, /Title.
        for item in &all_personal {
            for (what, s) in [
                ("title", title),
                ("file name", file),
                ("/Title", pdf_title.as_str()),
                ("number", e["number"].as_str().unwrap_or("")),
                ("date", e["date"].as_str().unwrap_or("")),
            ] {
                assert!(
                    !norm(s).contains(&norm(item)),
                    "{file}: its {what} holds a redacted item"
                );
            }
        }
    }
    assert!(unmatched.is_empty());
    // Nothing personal in the index files at all.
    for n in ["index.html", "index.csv", "index.json"] {
        let s = norm(&std::fs::read_to_string(site.join(n)).expect("index"));
        for item in &all_personal {
            assert!(!s.contains(&norm(item)), "{n} holds a redacted item");
        }
    }
    // Deterministic: publishing again gives the same bytes.
    let again = d.path().join("again");
    publish_ok(&out, &again, &[]);
    let strip = |v: Vec<(PathBuf, Vec<u8>)>, base: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        v.into_iter()
            .map(|(p, b)| (p.strip_prefix(base).expect("under").to_path_buf(), b))
            .collect()
    };
    assert_eq!(
        strip(snapshot(&site), &site),
        strip(snapshot(&again), &again)
    );
    axe(&site.join("index.html"), name);
}

#[test]
fn samples_redact_then_publish() {
    let docs: Vec<Doc> = sample_docs();
    assert_eq!(docs.len(), 4);
    redact_publish_check(&docs, "samples");
}

#[test]
fn corpus_redact_then_publish() {
    let docs = corpus_docs();
    if docs.is_empty() {
        return;
    }
    redact_publish_check(&docs, "corpus");
}

/// The sample decision record: known number, title and date; names stable across runs.
#[test]
fn sample_entry_fields_and_names() {
    let d = tempdir();
    let out = d.path().join("out");
    let site = d.path().join("site");
    let sample = repo().join("samples/decision-part1-part2.pdf");
    redact_ok(
        &[&sample],
        &out,
        &["--publish", site.to_str().expect("utf8"), "--include-part2"],
    );
    let index = read_json(&site.join("index.json"));
    assert_eq!(index["lang"], "en-GB");
    assert_eq!(index["title"], "Published decisions");
    let e = &index["documents"][0];
    assert_eq!(e["title"], "Custody Healthcare Contract Extension");
    assert_eq!(e["number"], "2025/014");
    assert_eq!(e["date"], "17 March 2025");
    assert_eq!(e["date_iso"], "2025-03-17");
    assert_eq!(e["part"], 1);
    assert_eq!(
        e["file"],
        "2025-014-custody-healthcare-contract-extension.pdf"
    );
    assert_eq!(e["pages"], 1);
    // Part 1 of this sample: a typed signature, a name, a phone number and an e-mail address.
    assert_eq!(
        e["exemptions"],
        serde_json::json!([{"code": "s40(2)", "label": "Personal information of third parties", "count": 4}])
    );
    let p2 = &index["documents"][1];
    assert_eq!(p2["part"], 2);
    assert_eq!(
        p2["file"],
        "2025-014-custody-healthcare-contract-extension-part-2.pdf"
    );
    assert_eq!(p2["pages"], 2);
    let html = std::fs::read_to_string(site.join("index.html")).expect("html");
    let size = e["size"].as_str().expect("size");
    assert!(html.contains(&format!(
        ">Decision 2025/014: Custody Healthcare Contract Extension (PDF, {size})</a>"
    )));
    assert!(html.contains("Custody Healthcare Contract Extension, Part 2 (PDF, "));
    let (_, title, _, _) = labels(&site.join(e["file"].as_str().expect("file")));
    assert_eq!(
        title,
        "Decision 2025/014: Custody Healthcare Contract Extension"
    );
    let csv = std::fs::read_to_string(site.join("index.csv")).expect("csv");
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains(",2025/014,17 March 2025,2025-03-17,1,2025-014-custody"));
}

/// A title line that lost a name to a redaction is never used: the index falls back to the decision
/// number, and nothing of the name is anywhere in the release.
#[test]
fn a_redacted_title_falls_back_to_the_number() {
    let content = "BT /F1 11 Tf 72 720 Td (Decision number: 2024/077) Tj 0 -16 Td \
                   (Title: Compensation claim of Rosalind Quillfeather) Tj 0 -16 Td \
                   (Date of decision: 3 January 2024) Tj ET";
    let pdf = make_pdf(content, vec![("F1", helvetica())], |_| {});
    let (d, o) = redact_pdf(pdf, "Quillfeather\nRosalind Quillfeather", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = d.path().join("out");
    let site = d.path().join("site");
    let terms = d.path().join("terms.txt");
    let o = publish_ok(&out, &site, &["--terms", terms.to_str().expect("utf8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no title found"), "{err}");
    assert!(!err.contains("Quillfeather"), "{err}");
    let index = read_json(&site.join("index.json"));
    let e = &index["documents"][0];
    assert_eq!(e["title"], "Decision 2024/077");
    assert_eq!(e["number"], "2024/077");
    assert_eq!(e["date"], "3 January 2024");
    assert_eq!(e["file"], "2024-077.pdf");
    for f in walk(&site) {
        let b = String::from_utf8_lossy(&std::fs::read(&f).expect("read")).to_lowercase();
        assert!(!b.contains("quillfeather"), "{}", f.display());
    }
}

/// The decisions file sets title, number and date; a value holding what the rules redact is not used
/// (and the warning does not repeat it).
#[test]
fn decisions_set_title_number_and_date() {
    let d = tempdir();
    let out = d.path().join("out");
    redact_ok(&[&repo().join("samples/letter-contact.pdf")], &out, &[]);
    let decisions = d.path().join("letter.decisions.csv");
    std::fs::write(
        &decisions,
        "id,page,part,category,rule,exemption,text,decision,note,input_hash\n\
         ,,,,,,,title=Complaint outcome: burglary report,,\n\
         ,,,,,,,number=CR/2025/0331,,\n\
         ,,,,,,,date=Contact l.abernethy-quist@example.com,,\n",
    )
    .expect("write");
    let site = d.path().join("site");
    let o = publish_ok(
        &out,
        &site,
        &["--decisions", decisions.to_str().expect("utf8")],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("row 4") && err.contains("not used"), "{err}");
    assert!(!err.contains("abernethy"), "{err}");
    let e = &read_json(&site.join("index.json"))["documents"][0];
    assert_eq!(e["title"], "Complaint outcome: burglary report");
    assert_eq!(e["number"], "CR/2025/0331");
    // The date found in the letter stays.
    assert_eq!(e["date"], "12 March 2025");
    assert_eq!(
        e["file"],
        "cr-2025-0331-complaint-outcome-burglary-report.pdf"
    );
}

/// An output stage: it refuses a site folder inside the redact folder, never replaces an earlier
/// publication without --overwrite, and with it removes the PDFs no longer listed.
#[test]
fn publish_guards_its_folders() {
    let d = tempdir();
    let out = d.path().join("out");
    let samples: Vec<PathBuf> = ["decision-midpage.pdf", "letter-contact.pdf"]
        .iter()
        .map(|n| repo().join("samples").join(n))
        .collect();
    redact_ok(&[&samples[0], &samples[1]], &out, &[]);
    let inside = out.join("site");
    assert_eq!(publish(&out, &inside, &[]).status.code(), Some(2));
    assert!(!inside.exists());
    let o = publish(&d.path().join("nowhere"), &d.path().join("s"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let site = d.path().join("site");
    publish_ok(&out, &site, &[]);
    assert_eq!(std::fs::read_dir(&site).expect("site").count(), 5);
    let o = publish(&out, &site, &[]);
    assert_eq!(o.status.code(), Some(2), "an earlier publication is kept");
    let o = publish(&out, &site, &["--overwrite", "--lang", "english"]);
    assert_eq!(o.status.code(), Some(2), "a bad language tag");
    // One document fewer: with --overwrite its PDF leaves the site.
    std::fs::remove_file(out.join("letter-contact.redactions.json")).expect("rm");
    publish_ok(&out, &site, &["--overwrite", "--lang", "cy"]);
    let names: Vec<String> = std::fs::read_dir(&site)
        .expect("site")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("outcome-of")),
        "{names:?}"
    );
    let html = std::fs::read_to_string(site.join("index.html")).expect("html");
    assert!(html.contains("<html lang=\"cy\">"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(site.join("index.html"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "a web server can read the release");
    }
}
