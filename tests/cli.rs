//! End-to-end tests of `foiredact redact` and its companions, run on the binary in temp folders.

mod common;
use common::*;
use lopdf::dictionary;
use std::path::Path;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// The README's main job: the samples with the default rules. The scan among them is read by OCR;
/// without tesseract (a loud skip, a failure under FOIREDACT_REQUIRE_TOOLS=1) it is declined, saying
/// so, and the run exits 1.
#[test]
fn samples_with_default_rules_are_redacted_and_split() {
    let d = tempdir();
    let out = d.path().join("out");
    // The top-level samples, as the README runs them (samples/broken/ is tested in tests/broken.rs).
    let mut files: Vec<String> = std::fs::read_dir(repo().join("samples"))
        .expect("samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| p.to_string_lossy().to_string())
        .collect();
    files.sort();
    let mut args = vec!["redact".to_string()];
    args.extend(files);
    args.extend(["--out".to_string(), out.to_string_lossy().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ocr = require_tool("tesseract");
    let o = run(&args);
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("samples/expected.json")).expect("expected.json"),
    )
    .expect("json");
    let scans: Vec<&String> = truth
        .as_object()
        .expect("object")
        .iter()
        .filter(|(_, t)| is_scan(t))
        .map(|(f, _)| f)
        .collect();
    assert_eq!(scans.len(), 1, "the samples hold one scan");
    if ocr {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    } else {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let s = summary(&out);
        let r = result(&s, scans[0]).expect("the scan's result");
        assert_eq!(r["status"], "declined");
        assert!(
            r["reason"].as_str().expect("reason").contains("tesseract"),
            "{r}"
        );
    }
    let mut leaks = Vec::new();
    let (mut kt, mut kf) = (0, 0);
    for (file, t) in truth.as_object().expect("object") {
        if is_scan(t) && !ocr {
            continue;
        }
        let c = check_truth(&out, file.trim_end_matches(".pdf"), t, &[]);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        leaks.extend(c.leaks);
        kt += c.keep_total;
        kf += c.keep_found;
    }
    assert!(leaks.is_empty(), "leaked: {leaks:?}");
    assert_eq!(kf, kt, "every keep phrase of the samples survives");
}

/// No personal data in any log unless --log-text.
#[test]
fn logs_hold_no_personal_data_unless_asked() {
    let d = tempdir();
    let out = d.path().join("out");
    let sample = repo().join("samples/decision-part1-part2.pdf");
    let o = run(&[
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo().join("samples/expected.json")).expect("json"))
            .expect("json");
    let t = &truth["decision-part1-part2.pdf"];
    let secrets: Vec<String> = ["part1", "part2"]
        .iter()
        .flat_map(|p| items(t, p, "redact"))
        .map(|(s, _)| norm(&s))
        .collect();
    assert!(!secrets.is_empty());
    for f in [
        "redactions.csv",
        "summary.json",
        "decision-part1-part2.redactions.json",
    ] {
        let text = norm(&std::fs::read_to_string(out.join(f)).expect("log"));
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{f} holds a redacted item");
        }
    }
    let csv = std::fs::read_to_string(out.join("redactions.csv")).expect("csv");
    assert!(csv.starts_with("file,part,page,x0,y0,x1,y1,rule,category,exemption"));
    assert!(csv.lines().count() > 5);
    // With --log-text the texts are there.
    let out2 = d.path().join("out2");
    let o = run(&[
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        out2.to_str().expect("utf8"),
        "--log-text",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let csv = norm(&std::fs::read_to_string(out2.join("redactions.csv")).expect("csv"));
    assert!(secrets.iter().any(|s| csv.contains(s.as_str())));
}

/// Existing outputs are not overwritten without --overwrite: the run stops before it writes anything
/// (exit 2, the first clashing file named), so the logs still describe the outputs.
#[test]
fn existing_outputs_are_kept_without_overwrite() {
    let d = tempdir();
    let out = d.path().join("out");
    let sample = repo().join("samples/letter-contact.pdf");
    let args = [
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ];
    assert_eq!(run(&args).status.code(), Some(0));
    let p1 = out.join("letter-contact.part1.pdf");
    std::fs::write(&p1, b"sentinel").expect("write");
    let logs_before: Vec<Vec<u8>> = ["summary.json", "redactions.csv", "manifest.jsonl"]
        .iter()
        .map(|n| std::fs::read(out.join(n)).expect("log"))
        .collect();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("output exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&p1).expect("read"), b"sentinel");
    let logs_after: Vec<Vec<u8>> = ["summary.json", "redactions.csv", "manifest.jsonl"]
        .iter()
        .map(|n| std::fs::read(out.join(n)).expect("log"))
        .collect();
    assert_eq!(logs_before, logs_after, "nothing was written");
    let mut with = args.to_vec();
    with.push("--overwrite");
    assert_eq!(run(&with).status.code(), Some(0));
    assert!(std::fs::read(&p1).expect("read").starts_with(b"%PDF-"));
}

/// A symbolic font with no encoding and no ToUnicode: its codes mean nothing we can read.
fn mystery_font() -> lopdf::Dictionary {
    dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "MysterySymbols", "FirstChar" => 32, "LastChar" => 126,
        "Widths" => (32..=126).map(|_| lopdf::Object::Integer(500)).collect::<Vec<_>>(),
        "FontDescriptor" => dictionary! { "Type" => "FontDescriptor", "FontName" => "MysterySymbols", "Flags" => 4, "Ascent" => 700, "Descent" => -200 },
    }
}

/// A page whose text cannot be decoded: the file gets no output and exit code 1; the batch goes on.
#[test]
fn undecodable_text_declines_the_file_and_the_batch_goes_on() {
    let d = tempdir();
    let inp = d.path().join("in");
    std::fs::create_dir_all(&inp).expect("mkdir");
    let font = mystery_font();
    let bad = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Jane Smith lives here) Tj ET",
        vec![("F1", font)],
        |_| {},
    );
    std::fs::write(inp.join("bad.pdf"), bad).expect("write");
    std::fs::copy(
        repo().join("samples/letter-contact.pdf"),
        inp.join("good.pdf"),
    )
    .expect("copy");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.join("bad.part1.pdf").exists());
    assert!(!out.join("bad.redactions.json").exists());
    assert!(out.join("good.part1.pdf").exists());
    let s = summary(&out);
    let bad = result(&s, "bad.pdf").expect("bad.pdf reported").clone();
    assert_eq!(bad["status"], "declined");
    let reason = bad["reason"].as_str().expect("reason");
    assert!(
        reason.contains("page 1")
            && reason.contains("MysterySymbols")
            && reason.contains("no Unicode mapping"),
        "{reason}"
    );
    assert!(
        stderr(&o).contains("bad.pdf"),
        "the reason names the file on stderr"
    );
    assert!(!stderr(&o).contains("Jane"), "no personal data on stderr");
}

/// A verification hit (the name survives in a string of the font dictionary, a place no stage reads
/// and sanitising keeps): no output, exit 1, a reason without the text. (Marked-content /ActualText,
/// the earlier example, is now read and redacted: tests/text_state.rs.)
#[test]
fn verification_hit_declines_the_file() {
    let d = tempdir();
    let mut font = helvetica();
    font.set(
        "Comment",
        lopdf::Object::string_literal("Mr Jonathan Quixote"),
    );
    let pdf = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Mr Jonathan Quixote wrote.) Tj ET",
        vec![("F1", font)],
        |_| {},
    );
    let inp = d.path().join("actualtext.pdf");
    std::fs::write(&inp, pdf).expect("write");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.join("actualtext.part1.pdf").exists());
    let reason = summary(&out)["results"][0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("verification failed"), "{reason}");
    assert!(!reason.contains("Quixote"));
}

/// With `--layout exact`, redacting a word in the middle of a Tj keeps every other glyph where it was
/// and selectable.
#[test]
fn redaction_keeps_the_rest_of_the_line_in_place() {
    let d = tempdir();
    let pdf = make_pdf(
        "BT /F1 11 Tf 1 0 0 1 72 700 Tm 0.5 Tc 2 Tw (Dear Mrs Agatha Pennyworth, thank you.) Tj ET",
        vec![("F1", helvetica())],
        |_| {},
    );
    let inp = d.path().join("letter.pdf");
    std::fs::write(&inp, pdf).expect("write");
    let terms = d.path().join("terms.txt");
    std::fs::write(&terms, "Agatha Pennyworth\n").expect("write");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        inp.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--terms",
        terms.to_str().expect("utf8"),
        "--rules",
        repo().join("rules/sections.toml").to_str().expect("utf8"),
        "--layout",
        "exact",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: --layout exact"),
        "exact layout warns"
    );
    let glyphs = |p: &Path| -> Vec<(String, f64)> {
        let o = std::process::Command::new(bin())
            .args(["text", "--json"])
            .arg(p)
            .output()
            .expect("text");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v[0]["glyphs"]
            .as_array()
            .expect("glyphs")
            .iter()
            .filter(|g| g["ours"] == false)
            .map(|g| {
                (
                    g["text"].as_str().expect("t").to_string(),
                    g["origin"][0].as_f64().expect("x"),
                )
            })
            .collect()
    };
    let before = glyphs(&inp);
    let after = glyphs(&out.join("letter.part1.pdf"));
    let text: String = after.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(text, "Dear Mrs , thank you.");
    let kept: Vec<&(String, f64)> = before
        .iter()
        .filter(|(_, x)| after.iter().any(|(_, y)| (x - y).abs() < 0.01))
        .collect();
    assert_eq!(
        kept.len(),
        after.len(),
        "every remaining glyph is exactly where it was"
    );
    let t = pdf_text(&out.join("letter.part1.pdf"));
    assert!(t.contains("Dear Mrs") && t.contains(", thank you."), "{t}");
    assert!(!norm(&t).contains("pennyworth"));
}

/// The anonymity set of a name's box: logged per box and (the smallest) in summary.json; with
/// `--min-anonymity N` a box whose set is smaller is widened until it reaches N.
#[test]
fn name_boxes_log_their_anonymity_set_and_widen_to_a_minimum() {
    let d = tempdir();
    let pdf = make_pdf(
        "BT /F1 11 Tf 1 0 0 1 72 700 Tm (Dear Agatha Pennyworth, thank you.) Tj ET \
         BT /F1 11 Tf 1 0 0 1 72 686 Tm (The quick brown fox jumps over the lazy dog.) Tj ET",
        vec![("F1", helvetica())],
        |_| {},
    );
    let inp = d.path().join("letter.pdf");
    std::fs::write(&inp, pdf).expect("write");
    let boxes = |out: &Path| -> Vec<(f64, u64)> {
        read_json(&out.join("letter.redactions.json"))["redactions"]
            .as_array()
            .expect("redactions")
            .iter()
            .filter(|r| r["category"] == "name")
            .map(|r| {
                (
                    r["rect"]["x1"].as_f64().expect("x1") - r["rect"]["x0"].as_f64().expect("x0"),
                    r["anonymity"]
                        .as_u64()
                        .expect("a name box logs its anonymity"),
                )
            })
            .collect()
    };
    let (o1, o2) = (d.path().join("o1"), d.path().join("o2"));
    redact_ok(&[&inp], &o1, &[]);
    let plain = boxes(&o1);
    assert_eq!(plain.len(), 1, "one name box: {plain:?}");
    let (w, n) = plain[0];
    assert!(n > 0, "some names share the bucket");
    assert_eq!(summary(&o1)["min_anonymity"].as_u64(), Some(n));
    let want = (n + 1).to_string();
    redact_ok(&[&inp], &o2, &["--min-anonymity", &want]);
    let wide = boxes(&o2);
    assert!(
        wide[0].0 > w && wide[0].1 > n,
        "widened: {plain:?} -> {wide:?}"
    );
    assert!(summary(&o2)["min_anonymity"].as_u64() >= Some(n + 1));
    let t = pdf_text(&o2.join("letter.part1.pdf"));
    assert!(!norm(&t).contains("pennyworth"), "{t}");
}

/// A bad rule file: exit 2, the file and line named, nothing processed.
#[test]
fn bad_rule_file_exits_2_with_its_line() {
    let d = tempdir();
    let rules = d.path().join("bad.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"ok\"\nkind = \"regex\"\ncategory = \"x\"\npattern = \"a\"\n\n[[rule]]\nid = \"broken\"\nkind = \"regex\"\ncategory = \"x\"\npattern = \"(unclosed\"\n").expect("write");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        repo()
            .join("samples/letter-contact.pdf")
            .to_str()
            .expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--rules",
        rules.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml") && e.contains("line 7") && e.contains("broken"),
        "{e}"
    );
    assert!(!out.exists());
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"x\"\nkind = \"regex\"\ncategory = \"x\"\npattern = \"a\"\nbogus = 1\n",
    )
    .expect("write");
    let o = run(&["rules", "check", rules.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bogus") && stderr(&o).contains("line 6"),
        "{}",
        stderr(&o)
    );
}

/// Every rule's examples and non-examples pass (the default rules).
#[test]
fn default_rules_check_passes() {
    let o = run(&[
        "rules",
        "check",
        repo().join("rules").to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Metadata rules (how `publish` reads titles) are checked like the others: a failing example or a
/// missing field is an error naming the rule; `rules list` shows them.
#[test]
fn metadata_rules_are_checked_and_listed() {
    let d = tempdir();
    let rules = d.path().join("meta.toml");
    let rule = |example: &str| {
        format!(
            "[[rule]]\nid = \"my.title\"\nkind = \"metadata\"\nfield = \"title\"\n\
             pattern = '''^Heading: (.+)$'''\nexamples = [\"{example}\"]\n"
        )
    };
    std::fs::write(&rules, rule("Heading: [[Fleet]]")).expect("write");
    let path = rules.to_str().expect("utf8");
    let o = run(&["rules", "check", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 metadata rules"));
    let o = run(&["rules", "list", "--rules", path]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("my.title\tmetadata (Title)"));
    std::fs::write(&rules, rule("Title: [[Fleet]]")).expect("write");
    let o = run(&["rules", "check", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("my.title"), "{}", stderr(&o));
    std::fs::write(
        &rules,
        rule("Heading: [[Fleet]]").replace("field = \"title\"", "field = \"author\""),
    )
    .expect("write");
    let o = run(&["rules", "check", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("title, number or date"),
        "{}",
        stderr(&o)
    );
}

/// The help of `publish` and `redact --publish` names the flags and the exit codes.
#[test]
fn publish_help_names_flags_and_exit_codes() {
    let o = run_ok(&["publish", "--help"]);
    let h = String::from_utf8_lossy(&o.stdout);
    for w in [
        "--site",
        "--include-part2",
        "--decisions",
        "--site-title",
        "--lang",
        "--overwrite",
        "Exit codes:",
        "title=",
    ] {
        assert!(h.contains(w), "publish --help lacks {w}");
    }
    let o = run_ok(&["redact", "--help"]);
    let h = String::from_utf8_lossy(&o.stdout);
    assert!(h.contains("--publish <DIR>") && h.contains("*.txt"), "{h}");
    // --shard auto: the schedulers' variables it reads, and examples.
    for w in [
        "--shard <K/N|auto>",
        "--shard-count <N>",
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "PARALLEL_SEQ",
        "parallel -N0 -j3 foiredact redact",
    ] {
        assert!(h.contains(w), "redact --help lacks {w}");
    }
    let o = run(&[
        "redact",
        "x.pdf",
        "--out",
        "o",
        "--publish",
        "s",
        "--shard",
        "1/2",
    ]);
    assert_eq!(o.status.code(), Some(2), "--publish needs the whole batch");
}

/// `scan` reports what would be redacted, masked (first letter and length) unless --log-text, and
/// writes nothing.
#[test]
fn scan_reports_masked_findings() {
    let sample = repo().join("samples/letter-contact.pdf");
    let o = run(&["scan", sample.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        out.contains("contact.email")
            && out.contains("id.postcode-uk")
            && out.contains("page 1\tpart 1"),
        "{out}"
    );
    assert!(
        !out.contains("example.com") && !out.contains("Abernethy"),
        "masked: {out}"
    );
    let o = run(&[
        "scan",
        sample.to_str().expect("utf8"),
        "--json",
        "--log-text",
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["text"].as_str().is_some_and(|t| t.contains("Abernethy"))));
    assert!(lines.iter().all(|l| l["exemption"] == "s40(2)"));
}

/// `--allow`: names the rules must not redact (a published senior official) stay; others still go.
#[test]
fn allow_list_keeps_published_names() {
    let sample = repo().join("samples/decision-part1-part2.pdf");
    let d = tempdir();
    let allow = d.path().join("allow.txt");
    std::fs::write(&allow, "J. Okafor\n").expect("write");
    let out = d.path().join("out");
    let o = run(&[
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--allow",
        allow.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = pdf_text(&out.join("decision-part1-part2.part1.pdf"));
    assert!(t.contains("J. Okafor"), "{t}");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo().join("samples/expected.json")).expect("json"))
            .expect("json");
    for (item, _) in items(&truth["decision-part1-part2.pdf"], "part1", "redact")
        .into_iter()
        .filter(|(i, _)| i != "J. Okafor")
    {
        assert!(!norm(&t).contains(&norm(&item)), "{item} must still go");
    }
}

/// Box labels: the exemption code by default, nothing with --label none; an exemption missing from
/// the exemptions table is a rule-file error.
#[test]
fn labels_and_exemption_table() {
    let sample = repo().join("samples/letter-contact.pdf");
    let d = tempdir();
    for (mode, want) in [("code", true), ("none", false)] {
        let out = d.path().join(mode);
        let o = run(&[
            "redact",
            sample.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--label",
            mode,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            pdf_text(&out.join("letter-contact.part1.pdf")).contains("s40(2)"),
            want,
            "{mode}"
        );
    }
    let rules = d.path().join("r.toml");
    std::fs::write(&rules, "[[exemption]]\ncode = \"s40(2)\"\nlabel = \"Personal\"\n\n[[rule]]\nid = \"x\"\nkind = \"regex\"\ncategory = \"x\"\nexemption = \"s99\"\npattern = \"a\"\n").expect("write");
    let o = run(&["rules", "check", rules.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("s99") && stderr(&o).contains("line 5"),
        "{}",
        stderr(&o)
    );
}

/// `--allow-unreadable`: the same undecodable page is published, what can be read on it is redacted,
/// and the summary and stderr say which pages went out unchecked.
#[test]
fn allow_unreadable_publishes_with_a_warning() {
    let font = mystery_font();
    let pdf = make_pdf(
        "BT /F1 12 Tf 72 700 Td (Jane Smith lives here) Tj ET BT /F2 12 Tf 72 650 Td (Report by Quimby today) Tj ET",
        vec![("F1", font), ("F2", helvetica())],
        |_| {},
    );
    let (d, o) = redact_pdf(pdf.clone(), "Quimby\n", &[]);
    assert_eq!(o.status.code(), Some(1), "declined by default");
    drop(d);
    let (d, o) = redact_pdf(pdf, "Quimby\n", &["--allow-unreadable"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("not checked"), "{}", stderr(&o));
    let out = d.path().join("out");
    assert_eq!(summary(&out)["results"][0]["unreadable_pages"][0], 1);
    let text = norm(&pdf_text(&out.join("in.part1.pdf")));
    assert!(
        !text.contains("quimby") && text.contains("reportby"),
        "{text}"
    );
}
