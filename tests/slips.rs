//! No officer's slip passes silently (issue 17): each test makes an ordinary mistake an officer makes
//! (a spreadsheet that mangles ids, a manual row that matches nothing, an unknown exemption code, a
//! re-run into the same folder, ...) and asserts the refusal or the record: the exit code, the row or
//! file named in the message, and no personal data in it. On `samples/` and, when present, on a
//! `../shared/corpus` file (those parts skip loudly when it is absent).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn out_text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The personal data of `samples/letter-contact.pdf` (no message may hold any of it).
const LETTER_SECRETS: &[&str] = &[
    "Abernethy",
    "Farthingale",
    "960123",
    "900555",
    "example.com",
    "Castellano",
    "WB4 6HL",
];

fn letter() -> PathBuf {
    repo().join("samples/letter-contact.pdf")
}

/// The corpus file and the texts its truth says are personal, or `None` (after a loud skip).
fn corpus_doc() -> Option<(PathBuf, Vec<String>)> {
    let c = corpus()?;
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(c.join("dev-001-reportlab.truth.json")).expect("truth"),
    )
    .expect("json");
    let secrets = ["part1", "part2"]
        .iter()
        .flat_map(|p| items(&truth, p, "redact"))
        .map(|(t, _)| t)
        .filter(|t| t.len() >= 5)
        .collect();
    Some((c.join("dev-001-reportlab.pdf"), secrets))
}

fn assert_no_secrets(what: &str, msg: &str, secrets: &[impl AsRef<str>]) {
    let m = norm(msg);
    for t in secrets {
        assert!(
            !m.contains(&norm(t.as_ref())),
            "{what} holds personal data: {msg}"
        );
    }
}

use common::read_table as read_rows;

fn col(h: &[String], name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn write_rows(path: &Path, h: &[String], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).expect("csv");
    w.write_record(h).expect("header");
    for r in rows {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flush");
}

/// Reviews `input` into `dir`; returns the decisions file, its header and rows.
fn review(input: &Path, dir: &Path) -> (PathBuf, Vec<String>, Vec<Vec<String>>) {
    run_ok(&["review", s(input), "--out", s(dir)]);
    let stem = input.file_stem().expect("stem").to_string_lossy();
    let f = dir.join(format!("{stem}.decisions.csv"));
    let (h, rows) = read_rows(&f);
    (f, h, rows)
}

fn redact_with(input: &Path, out: &Path, decisions: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "redact",
        s(input),
        "--out",
        s(out),
        "--decisions",
        s(decisions),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The reason the only file of a batch was declined.
fn reason(out: &Path) -> String {
    summary(out)["results"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Python's csv module reads the file with every cell that looks like a number read as one (as a
/// spreadsheet does), applies `edits` (JSON: id -> {column: value}; "+": rows to append) and writes
/// it back. `None` when python3 is missing (skipped loudly).
fn spreadsheet(src: &Path, dst: &Path, edits: &serde_json::Value) -> Option<()> {
    const SCRIPT: &str = r#"
import csv, json, sys
src, dst, edits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
def num(s):
    for f in (int, float):
        try:
            return f(s)
        except ValueError:
            pass
    return s
with open(src, newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
head, body = rows[0], [[num(c) for c in r] for r in rows[1:]]
i = {h: k for k, h in enumerate(head)}
for r in body:
    for k, v in edits.get(str(r[i['id']]), {}).items():
        r[i[k]] = v
body.extend(edits.get('+', []))
with open(dst, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(head)
    w.writerows(body)
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", SCRIPT, s(src), s(dst), &edits.to_string()])
        .output();
    match o {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => panic!("python3 failed: {}", err(&o)),
        Err(_) => {
            skip(
                REQUIRE_TOOLS,
                "python3 is not installed (the spreadsheet round trip needs it)",
            );
            None
        }
    }
}

/// The id of the first proposal of a category.
fn id_of(h: &[String], rows: &[Vec<String>], category: &str) -> String {
    rows.iter()
        .find(|r| r[col(h, "category")] == category)
        .unwrap_or_else(|| panic!("a {category} proposal"))[0]
        .clone()
}

/// Point 1, the full cycle: review -> the CSV written back by Python's csv module with numbers read
/// as numbers -> redact -> publish. A keep survives the round trip and is published; a mangled id
/// (a keep row whose id now names another proposal, or old-style `1.10` ids a spreadsheet read as
/// `1.1`) declines the file, names the row, and publishes nothing.
fn full_cycle(input: &Path, phone_category: &str, secrets: &[String]) {
    let d = tempdir();
    let (dec, h, rows) = review(input, &d.path().join("review"));
    assert!(rows.iter().all(|r| {
        let id = &r[0];
        id.starts_with('p') && id.contains("-r") && r[1].len() == 8
    }));
    let phone = id_of(&h, &rows, phone_category);
    // 1. A keep, through the spreadsheet: ids are not numbers, so nothing changes them.
    let edited = d.path().join("edited.csv");
    let keep = serde_json::json!({ phone.as_str(): {"decision": "keep", "note": "switchboard, published"} });
    if spreadsheet(&dec, &edited, &keep).is_none() {
        return;
    }
    let out = d.path().join("out");
    let o = redact_with(input, &out, &edited, &["--reviewer", "Casework Officer 4"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let sm = summary(&out);
    assert_eq!(sm["kept"], 1);
    assert_eq!(sm["proposals"].as_u64(), Some(rows.len() as u64));
    let site = d.path().join("site");
    let p = publish(&out, &site, &[]);
    assert_eq!(p.status.code(), Some(0), "{}", err(&p));
    let stem = input
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    let published: Vec<PathBuf> = pdfs_in(&site);
    assert_eq!(published.len(), 1, "{stem}: one Part 1 published");
    // 2. The keep row's id mangled into another proposal's id: declined, named, nothing published.
    let other = rows
        .iter()
        .map(|r| r[0].clone())
        .find(|id| *id != phone)
        .expect("another id");
    let mangled = d.path().join("mangled.csv");
    let edits = serde_json::json!({ phone.as_str(): {"decision": "keep", "id": other} });
    spreadsheet(&dec, &mangled, &edits).expect("python3");
    let out2 = d.path().join("out2");
    let o = redact_with(input, &out2, &mangled, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let r = reason(&out2);
    let row = rows.iter().position(|r| r[0] == phone).expect("row") + 2;
    assert!(
        r.contains(&format!("row {row}")) || r.contains(&format!("on row {row}")),
        "{stem}: the mangled row is named: {r}"
    );
    assert_no_secrets("the reason", &r, secrets);
    assert_no_secrets("stderr", &err(&o), secrets);
    assert!(
        pdfs_in(&out2).is_empty(),
        "{stem}: no output of a declined file"
    );
    let site2 = d.path().join("site2");
    let p = publish(&out2, &site2, &[]);
    assert_eq!(p.status.code(), Some(2), "{}", err(&p));
    assert!(
        err(&p).contains(&format!("not published: {stem}.pdf")),
        "{}",
        err(&p)
    );
    assert!(!site2.exists() || pdfs_in(&site2).is_empty());
    // 3. Old-style ids `1.<n>`, as a spreadsheet reads them: `1.10` becomes `1.1`, a duplicate.
    let old = d.path().join("old.csv");
    let old_rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let mut r = r.clone();
            r[0] = format!("1.{}", k + 1);
            r
        })
        .collect();
    write_rows(&old, &h, &old_rows);
    let old_read = d.path().join("old-read.csv");
    spreadsheet(&old, &old_read, &serde_json::json!({})).expect("python3");
    let out3 = d.path().join("out3");
    let o = redact_with(input, &out3, &old_read, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let r = reason(&out3);
    assert!(r.contains("row 2") && r.contains("number"), "{stem}: {r}");
    assert!(pdfs_in(&out3).is_empty());
    // 4. A deleted row: that proposal is redacted anyway, and reported as without a decision.
    let fewer = d.path().join("fewer.csv");
    write_rows(
        &fewer,
        &h,
        &rows
            .iter()
            .filter(|r| r[0] != phone)
            .cloned()
            .collect::<Vec<_>>(),
    );
    let out4 = d.path().join("out4");
    let o = redact_with(input, &out4, &fewer, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("no decision") && err(&o).contains(&phone),
        "{}",
        err(&o)
    );
    let sm = summary(&out4);
    assert_eq!(sm["no_decision"], 1);
    assert_eq!(sm["results"][0]["no_decision"][0], phone.as_str());
    let (sh, sched) = read_rows(&out4.join("redactions.csv"));
    assert!(sched
        .iter()
        .any(|r| r[col(&sh, "id")] == phone && r[col(&sh, "decision")] == "no decision"));
}

#[test]
fn p1_spreadsheet_cycle_sample() {
    let secrets: Vec<String> = LETTER_SECRETS.iter().map(|s| s.to_string()).collect();
    full_cycle(&letter(), "phone", &secrets);
}

#[test]
fn p1_spreadsheet_cycle_corpus() {
    let Some((pdf, secrets)) = corpus_doc() else {
        return;
    };
    full_cycle(&pdf, "phone", &secrets);
}

/// Point 1: a fingerprint that does not match its id, an id row without a fingerprint.
#[test]
fn p1_fingerprints_are_checked() {
    let d = tempdir();
    let (dec, h, mut rows) = review(&letter(), &d.path().join("rv"));
    rows[2][1] = "bbbbbbbb".into();
    write_rows(&dec, &h, &rows);
    let o = redact_with(&letter(), &d.path().join("o1"), &dec, &[]);
    assert_eq!(o.status.code(), Some(1));
    let r = reason(&d.path().join("o1"));
    assert!(r.contains("row 4") && r.contains("fingerprint"), "{r}");
    rows[2][1] = String::new();
    write_rows(&dec, &h, &rows);
    let o = redact_with(&letter(), &d.path().join("o2"), &dec, &[]);
    assert_eq!(o.status.code(), Some(1));
    let r = reason(&d.path().join("o2"));
    assert!(r.contains("row 4") && r.contains("no fingerprint"), "{r}");
    assert_no_secrets("the reason", &r, LETTER_SECRETS);
}

/// Rows added to a fresh review of `input`, applied: the reason of the decline.
fn added_rows_reason(input: &Path, added: &[[&str; 3]]) -> (Output, String) {
    let d = tempdir();
    let (dec, h, mut rows) = review(input, &d.path().join("rv"));
    for [page, exemption, decision] in added {
        let mut r = vec![String::new(); h.len()];
        r[col(&h, "page")] = page.to_string();
        r[col(&h, "exemption")] = exemption.to_string();
        r[col(&h, "decision")] = decision.to_string();
        rows.push(r);
    }
    write_rows(&dec, &h, &rows);
    let out = d.path().join("out");
    let o = redact_with(input, &out, &dec, &[]);
    let r = reason(&out);
    assert!(pdfs_in(&out).is_empty(), "a declined file has no output");
    (o, r)
}

/// Point 2: manual rows that match nothing, or name a page the file does not have.
#[test]
fn p2_manual_rows_that_match_nothing() {
    let n = {
        let d = tempdir();
        review(&letter(), d.path()).2.len() + 2
    };
    for (row, want) in [
        (
            ["", "", "text=Abernethy Quist"],
            "matches nothing in the file",
        ),
        (
            ["", "", "text=Nightjar Project"],
            "matches nothing in the file",
        ),
        (
            ["3", "", "text=burglary"],
            "page 3, which the file does not have",
        ),
        (
            ["", "", "rect=2,50,50,150,100"],
            "page 2, which the file does not have",
        ),
        (["1", "", "text=Westbury Lane"], "matches nothing on page 1"),
    ] {
        let (o, r) = added_rows_reason(&letter(), &[row]);
        assert_eq!(o.status.code(), Some(1), "{row:?}: {}", err(&o));
        assert!(
            r.contains(&format!("row {n}")) && r.contains(want),
            "{row:?}: {r}"
        );
        assert_no_secrets("the reason", &r, LETTER_SECRETS);
        assert_no_secrets("stderr", &err(&o), LETTER_SECRETS);
    }
}

#[test]
fn p2_manual_rows_that_match_nothing_corpus() {
    let Some((pdf, secrets)) = corpus_doc() else {
        return;
    };
    let (o, r) = added_rows_reason(&pdf, &[["", "", "text=Nightjar Project"]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(r.contains("matches nothing"), "{r}");
    let (o, r) = added_rows_reason(&pdf, &[["9", "", "text=firearms"]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(r.contains("page 9"), "{r}");
    assert_no_secrets("stderr", &err(&o), &secrets);
}

/// Point 3: an exemption code not in the table, in a decisions file (row named, nearest codes) and
/// in a rule file (file and line named, nearest codes): nothing is stamped or published with it.
#[test]
fn p3_unknown_exemption_codes() {
    let (o, r) = added_rows_reason(&letter(), &[["", "section 40", "text=burglary"]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        r.contains("'section 40' is not in the exemptions table")
            && r.contains("nearest: s40(1), s40(2)"),
        "{r}"
    );
    // On a proposal's row.
    let d = tempdir();
    let (dec, h, mut rows) = review(&letter(), &d.path().join("rv"));
    rows[0][col(&h, "exemption")] = "s99".into();
    write_rows(&dec, &h, &rows);
    let out = d.path().join("out");
    let o = redact_with(&letter(), &out, &dec, &[]);
    assert_eq!(o.status.code(), Some(1));
    let r = reason(&out);
    assert!(
        r.contains("row 2") && r.contains("'s99'") && r.contains("nearest"),
        "{r}"
    );
    assert_no_secrets("the reason", &r, LETTER_SECRETS);
    // In a rule file (added to the defaults, or replacing them): exit 2, file and line named.
    let rules = d.path().join("mine.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"my.ref\"\nkind = \"regex\"\ncategory = \"reference\"\nexemption = \"section 40\"\npattern = 'CR/\\d{4}/\\d{4}'\nexamples = [\"ref [[CR/2025/0331]]\"]\n",
    )
    .expect("write");
    for flag in ["--add-rules", "--rules"] {
        let o = run(&[
            "redact",
            s(&letter()),
            "--out",
            s(&d.path().join("o2")),
            flag,
            s(&rules),
        ]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        let e = err(&o);
        assert!(
            e.contains("mine.toml")
                && e.contains("line 1")
                && e.contains("nearest: s40(1), s40(2)"),
            "{flag}: {e}"
        );
        assert!(!d.path().join("o2").exists());
    }
}

#[test]
fn p3_unknown_exemption_codes_corpus() {
    let Some((pdf, secrets)) = corpus_doc() else {
        return;
    };
    let (o, r) = added_rows_reason(&pdf, &[["", "s99", "text=firearms licensing"]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(r.contains("'s99'") && r.contains("nearest"), "{r}");
    assert_no_secrets("stderr", &err(&o), &secrets);
}

/// Point 4: the audit trail. Every proposal with its decision (redact, keep, added, no decision),
/// exemption, note, who (--reviewer, else the login name) and when; kept rows have no box or text;
/// the summary counts proposals, kept, added and applied.
fn audit_trail(input: &Path, keep_category: &str, added_text: &str, secrets: &[String]) {
    let d = tempdir();
    let (dec, h, mut rows) = review(input, &d.path().join("rv"));
    let keep = id_of(&h, &rows, keep_category);
    for r in rows.iter_mut() {
        if r[0] == keep {
            r[col(&h, "decision")] = "keep".into();
            r[col(&h, "note")] = "published contact".into();
        }
    }
    let dropped = rows.pop().expect("a row")[0].clone();
    let mut add = vec![String::new(); h.len()];
    add[col(&h, "decision")] = format!("text={added_text}");
    add[col(&h, "exemption")] = "s43".into();
    add[col(&h, "note")] = "commercial".into();
    rows.push(add);
    write_rows(&dec, &h, &rows);
    let out = d.path().join("out");
    let o = std::process::Command::new(bin())
        .args([
            "redact",
            s(input),
            "--out",
            s(&out),
            "--decisions",
            s(&dec),
            "--log-text",
        ])
        .env("USER", "clerk7")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let (sh, sched) = read_rows(&out.join("redactions.csv"));
    let c = |n: &str| col(&sh, n);
    assert_eq!(
        &sh[13..18],
        ["decision", "line", "note", "reviewer", "decided_at"],
        "the README's column order"
    );
    let kept: Vec<&Vec<String>> = sched
        .iter()
        .filter(|r| r[c("decision")] == "keep")
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0][c("id")], keep);
    assert_eq!(kept[0][c("note")], "published contact");
    assert!(kept[0][c("x0")].is_empty() && kept[0][c("text")].is_empty());
    assert!(sched.iter().all(|r| r[c("reviewer")] == "clerk7"));
    assert!(sched
        .iter()
        .all(|r| r[c("decided_at")].len() == 20 && r[c("decided_at")].ends_with('Z')));
    assert!(sched.iter().any(|r| r[c("decision")] == "added"
        && r[c("note")] == "commercial"
        && r[c("exemption")] == "s43"));
    assert!(sched
        .iter()
        .any(|r| r[c("id")] == dropped && r[c("decision")] == "no decision"));
    let stem = input
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    let log = read_json(&out.join(format!("{stem}.redactions.json")));
    assert_eq!(log["kept"][0]["id"], keep.as_str());
    assert!(log["kept"][0].get("rect").is_none() && log["kept"][0].get("text").is_none());
    assert_eq!(log["reviewer"], "clerk7");
    let sm = summary(&out);
    // (one row was dropped and one added: as many rows as proposals)
    assert_eq!(sm["proposals"].as_u64(), Some(rows.len() as u64));
    assert_eq!(sm["kept"], 1);
    assert!(sm["added"].as_u64() >= Some(1));
    assert_eq!(sm["applied"], sm["redactions"]);
    assert_eq!(
        sm["applied"].as_u64(),
        Some(sched.iter().filter(|r| r[c("decision")] != "keep").count() as u64)
    );
    // --reviewer names who decided.
    let out2 = d.path().join("out2");
    let o = redact_with(input, &out2, &dec, &["--reviewer", "A. Officer"]);
    assert_eq!(o.status.code(), Some(0));
    let (sh, sched) = read_rows(&out2.join("redactions.csv"));
    assert!(sched
        .iter()
        .all(|r| r[col(&sh, "reviewer")] == "A. Officer"));
    // Without --log-text nothing personal is in the schedule or the log (notes are the officer's).
    for f in [
        out2.join("redactions.csv"),
        out2.join(format!("{stem}.redactions.json")),
        out2.join("summary.json"),
    ] {
        assert_no_secrets(
            &f.display().to_string(),
            &std::fs::read_to_string(&f).expect("read"),
            secrets,
        );
    }
}

#[test]
fn p4_audit_trail_sample() {
    let secrets: Vec<String> = LETTER_SECRETS.iter().map(|s| s.to_string()).collect();
    audit_trail(&letter(), "phone", "burglary", &secrets);
}

#[test]
fn p4_audit_trail_corpus() {
    let Some((pdf, secrets)) = corpus_doc() else {
        return;
    };
    audit_trail(&pdf, "email", "firearms licensing", &secrets);
}

/// Point 5: running the same command twice: the second run stops before it writes anything (exit 2,
/// the first clashing file named), the logs still describe the outputs; --overwrite and --resume
/// leave logs that match the outputs on disk.
fn rerun(input: &Path) {
    let d = tempdir();
    let out = d.path().join("out");
    let args = ["redact", s(input), "--out", s(&out)];
    run_ok(&args);
    let snapshot = || -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().display().to_string(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let stem = input
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    assert!(
        err(&o).contains(&format!(
            "output exists: {}",
            s(&out.join(format!("{stem}.part1.pdf")))
        )),
        "the first clashing file named: {}",
        err(&o)
    );
    assert_eq!(before, snapshot(), "nothing written");
    for flag in ["--overwrite", "--resume"] {
        let mut a = args.to_vec();
        a.push(flag);
        run_ok(&a);
        let sm = summary(&out);
        assert_eq!(sm["done"], 1, "{flag}");
        for o in sm["results"][0]["outputs"].as_array().expect("outputs") {
            assert!(out.join(o.as_str().expect("name")).exists(), "{flag}: {o}");
        }
        let (h, sched) = read_rows(&out.join("redactions.csv"));
        assert_eq!(
            sched
                .iter()
                .filter(|r| r[col(&h, "decision")] != "keep")
                .count() as u64,
            sm["redactions"].as_u64().expect("n"),
            "{flag}: the schedule matches the outputs"
        );
    }
}

#[test]
fn p5_rerun_into_the_same_out() {
    rerun(&letter());
    // review too: an earlier review (perhaps edited) is not half replaced.
    let d = tempdir();
    let rv = d.path().join("rv");
    review(&letter(), &rv);
    let o = run(&["review", s(&letter()), "--out", s(&rv)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("letter-contact.review.pdf"), "{}", err(&o));
}

#[test]
fn p5_rerun_into_the_same_out_corpus() {
    let Some((pdf, _)) = corpus_doc() else {
        return;
    };
    rerun(&pdf);
}

/// Point 6: --out inside an input folder (or the folder itself) is refused, for redact and review.
#[test]
fn p6_out_inside_an_input_folder() {
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).expect("mkdir");
    std::fs::copy(letter(), inp.join("letter.pdf")).expect("copy");
    if let Some((pdf, _)) = corpus_doc() {
        std::fs::copy(pdf, inp.join("corpus.pdf")).expect("copy");
    }
    for out in [inp.join("out"), inp.clone(), inp.join("a/../out")] {
        for cmd in ["redact", "review"] {
            let o = run(&[cmd, s(&inp), "--out", s(&out)]);
            assert_eq!(o.status.code(), Some(2), "{cmd} {}", out.display());
            assert!(err(&o).contains("inside the input folder"), "{}", err(&o));
        }
    }
    assert!(!inp.join("out").exists());
    assert_eq!(
        std::fs::read_dir(&inp).expect("dir").count(),
        pdfs_in(&inp).len()
    );
}

/// Point 7: nothing to do is exit 2, and a file given by name that is not read says which are.
#[test]
fn p7_nothing_to_do() {
    let d = tempdir();
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let other = d.path().join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(other.join("decision.docx"), b"PK\x03\x04 not a pdf").expect("write");
    std::fs::write(other.join("photo.png"), b"\x89PNG\r\n").expect("write");
    if let Some(c) = corpus() {
        std::fs::copy(
            c.join("dev-001-reportlab.truth.json"),
            other.join("truth.json"),
        )
        .expect("copy");
    }
    for dir in [&empty, &other] {
        for cmd in ["redact", "review"] {
            let o = run(&[cmd, s(dir), "--out", s(&d.path().join("out"))]);
            assert_eq!(o.status.code(), Some(2), "{cmd}");
            assert!(
                err(&o).contains("no PDF or .txt inputs found under") && err(&o).contains(s(dir)),
                "{}",
                err(&o)
            );
        }
        let o = run(&["scan", s(dir)]);
        assert_eq!(o.status.code(), Some(2));
    }
    let o = run(&[
        "redact",
        s(&other.join("decision.docx")),
        "--out",
        s(&d.path().join("out")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("decision.docx") && err(&o).contains("PDF") && err(&o).contains(".txt"),
        "{}",
        err(&o)
    );
    assert!(!d.path().join("out").exists());
    // A PDF with another extension is still read (by its header).
    let renamed = d.path().join("letter.bin");
    std::fs::copy(letter(), &renamed).expect("copy");
    run_ok(&["redact", s(&renamed), "--out", s(&d.path().join("out"))]);
}

/// Point 8: --add-rules adds to the built-in rules; --rules replaces them and says so, naming the
/// categories no rule covers; a rule whose example fails stops redact as it stops `rules check`.
#[test]
fn p8_rules_replaced_or_added() {
    let d = tempdir();
    let rules = d.path().join("ref.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"my.ref\"\nkind = \"regex\"\ncategory = \"reference\"\nwhy = \"our case references\"\npattern = 'CR/\\d{4}/\\d{4}'\nexamples = [\"ref [[CR/2025/0331]]\"]\nnon_examples = [\"CR/25\"]\n",
    )
    .expect("write");
    let out = d.path().join("add");
    let o = run(&[
        "redact",
        s(&letter()),
        "--out",
        s(&out),
        "--add-rules",
        s(&rules),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!err(&o).contains("replaces"), "{}", err(&o));
    let text = norm(&pdf_text(&out.join("letter-contact.part1.pdf")));
    for t in LETTER_SECRETS.iter().chain(&["CR/2025/0331"]) {
        assert!(
            !text.contains(&norm(t)),
            "--add-rules keeps the built-in rules: {t}"
        );
    }
    let out = d.path().join("replace");
    let o = run(&[
        "redact",
        s(&letter()),
        "--out",
        s(&out),
        "--rules",
        s(&rules),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("--rules replaces the built-in rules")
            && ["address", "name", "postcode", "phone", "email"]
                .iter()
                .all(|c| e.contains(c))
            && e.contains("Part headings")
            && e.contains("--add-rules"),
        "{e}"
    );
    // A rule whose non-example matches: redact refuses it as `rules check` does.
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"my.ref\"\nkind = \"regex\"\ncategory = \"reference\"\npattern = 'CR/\\d+'\nexamples = [\"ref [[CR/2025]]\"]\nnon_examples = [\"CR/25\"]\n",
    )
    .expect("write");
    let o = run(&["rules", "check", s(&rules)]);
    assert_eq!(o.status.code(), Some(2));
    for flag in ["--add-rules", "--rules"] {
        let out = d.path().join("bad");
        let o = run(&["redact", s(&letter()), "--out", s(&out), flag, s(&rules)]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(
            err(&o).contains("my.ref") && err(&o).contains("non-example"),
            "{}",
            err(&o)
        );
        assert!(!out.exists());
    }
    // The corpus file too: --add-rules keeps what the defaults redact.
    if let Some((pdf, secrets)) = corpus_doc() {
        std::fs::write(
            &rules,
            "[[rule]]\nid = \"my.word\"\nkind = \"dictionary\"\ncategory = \"project\"\nwords = [\"Nottinghamshire\"]\nexamples = [\"with [[Nottinghamshire]]\"]\n",
        )
        .expect("write");
        let out = d.path().join("corpus");
        let o = run(&[
            "redact",
            s(&pdf),
            "--out",
            s(&out),
            "--add-rules",
            s(&rules),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let text = norm(&pdf_text(&out.join("dev-001-reportlab.part1.pdf")));
        assert!(!text.contains("nottinghamshire"));
        let truth: serde_json::Value = serde_json::from_slice(
            &std::fs::read(pdf.with_extension("truth.json")).expect("truth"),
        )
        .expect("json");
        for (t, cat) in items(&truth, "part1", "redact") {
            if ["email", "phone"].contains(&cat.as_str()) {
                assert!(!text.contains(&norm(&t)), "{cat} left with --add-rules");
            }
        }
        assert_no_secrets("stderr", &err(&o), &secrets);
    }
}

/// Point 9: plain text in review (a marked copy and a decisions file), text, verify and scan; the
/// schedule's line column; verify's exit codes (1 found, 3 unreadable).
#[test]
fn p9_plain_text_documents() {
    let d = tempdir();
    let txt = d.path().join("note.txt");
    std::fs::write(
        &txt,
        "Decision number: 2025/040\nTitle: Note\nContact: Peregrine Ashdown, tel 01632 960111\n\u{c}PART II\nMs Ottoline Varga of 4 Sorrel Lane\n",
    )
    .expect("write");
    let rv = d.path().join("rv");
    let (dec, h, mut rows) = review(&txt, &rv);
    let copy = std::fs::read_to_string(rv.join("note.review.txt")).expect("review copy");
    assert!(copy.starts_with("REVIEW COPY - NOT FOR RELEASE"), "{copy}");
    assert!(
        copy.contains("[[Peregrine Ashdown]]{p1-r") && copy.contains("{p2-r"),
        "{copy}"
    );
    assert!(rows.len() >= 3);
    let phone = id_of(&h, &rows, "phone");
    for r in rows.iter_mut() {
        if r[0] == phone {
            r[col(&h, "decision")] = "keep".into();
        }
    }
    write_rows(&dec, &h, &rows);
    let out = d.path().join("out");
    let o = redact_with(&txt, &out, &dec, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let p1 = std::fs::read_to_string(out.join("note.part1.txt")).expect("part 1");
    assert!(
        p1.contains("01632 960111") && !p1.contains("Ashdown"),
        "{p1}"
    );
    let (sh, sched) = read_rows(&out.join("redactions.csv"));
    let line = col(&sh, "line");
    assert!(sched
        .iter()
        .filter(|r| r[col(&sh, "decision")] != "keep")
        .all(|r| !r[line].is_empty()));
    assert!(
        sched.iter().any(|r| r[line] == "5"),
        "the line of the Part 2 name"
    );
    // text, scan
    let o = run_ok(&["text", s(&txt), "--page", "2"]);
    assert!(out_text(&o).starts_with("PART II\n"), "{}", out_text(&o));
    let o = run_ok(&["scan", s(&txt)]);
    assert!(
        out_text(&o).contains("note.txt\tpage 2\tpart 2"),
        "{}",
        out_text(&o)
    );
    // verify: found (1), clean (0), unreadable (3)
    let terms = d.path().join("terms.txt");
    std::fs::write(&terms, "Ottoline Varga\nPeregrine\n").expect("write");
    let o = run(&["verify", s(&txt), "--terms", s(&terms)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out_text(&o).contains("line 3") && out_text(&o).contains("line 5"),
        "{}",
        out_text(&o)
    );
    assert!(!out_text(&o).contains("Varga"), "masked");
    let o = run(&[
        "verify",
        s(&out.join("note.part1.txt")),
        s(&out.join("note.part2.txt")),
        "--terms",
        s(&terms),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let bad = d.path().join("bad.txt");
    std::fs::write(&bad, b"\xff\xfe\x00not utf-8").expect("write");
    let garbage = d.path().join("garbage.pdf");
    std::fs::write(&garbage, b"not a pdf at all").expect("write");
    for f in [&bad, &garbage] {
        let o = run(&["verify", s(f), "--terms", s(&terms)]);
        assert_eq!(o.status.code(), Some(3), "{}: {}", f.display(), err(&o));
    }
}

/// Point 10: publish says why a document is not published; scan has a header and a total; the
/// review copy's labels are 7 pt, one per box, with a legend; an unquoted rect= row is a quoting
/// problem.
#[test]
fn p10_smaller_slips() {
    let d = tempdir();
    let out = d.path().join("out");
    run_ok(&[
        "redact",
        s(&repo().join("samples/decision-part2-only.pdf")),
        s(&letter()),
        "--out",
        s(&out),
    ]);
    let o = publish(&out, &d.path().join("site"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("not published")
            && err(&o).contains("decision-part2-only")
            && err(&o).contains("only Part 2"),
        "{}",
        err(&o)
    );
    // scan
    let o = run_ok(&["scan", s(&letter())]);
    let t = out_text(&o);
    assert!(
        t.starts_with("file\tpage\tpart\trule\tcategory\texemption\ttext\n"),
        "{t}"
    );
    assert!(
        err(&o).contains(&format!(
            "{} proposed redactions in 1 files",
            t.lines().count() - 1
        )),
        "{}",
        err(&o)
    );
    // review copy: 7 pt labels, one per box, a legend on page 1
    let rv = d.path().join("rv");
    let (dec, h, rows) = review(&letter(), &rv);
    let doc = lopdf::Document::load(rv.join("letter-contact.review.pdf")).expect("loads");
    let page = *doc.get_pages().values().next().expect("page");
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).to_string();
    let mut cats: Vec<&str> = rows
        .iter()
        .map(|r| r[col(&h, "category")].as_str())
        .collect();
    cats.sort_unstable();
    cats.dedup();
    assert_eq!(
        content.matches(" 7 Tf").count(),
        rows.len() + 1 + cats.len(),
        "a label per box, the legend's title and an entry per category"
    );
    assert!(!content.contains(" 4 Tf"));
    let text = norm(&pdf_text(&rv.join("letter-contact.review.pdf")));
    assert!(text.contains("coloursoftheproposedredactions"), "{text}");
    // an unquoted rect= row (a hand edit): a quoting problem, not "input_hash differs"
    let mut csv = std::fs::read_to_string(&dec).expect("read");
    let blank = ",".repeat(h.len() - 5);
    csv.push_str(&format!(",,,,,,s38,,rect=1,50,50,150,100{blank}\n"));
    std::fs::write(&dec, csv).expect("write");
    let out = d.path().join("out2");
    let o = redact_with(&letter(), &out, &dec, &[]);
    assert_eq!(o.status.code(), Some(1));
    let r = reason(&out);
    assert!(
        r.contains(&format!("row {}", rows.len() + 2))
            && r.contains("double quotes")
            && !r.contains("input_hash"),
        "{r}"
    );
}
