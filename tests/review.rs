//! The officer's workflow: review copy, decisions (keep, text=, rect=), redact with them.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use foiredact::decisions::COLUMNS as HEADER;

/// Stroked rectangles (`re S`) per page of a PDF.
fn stroked_rects(path: &Path) -> Vec<usize> {
    let doc = lopdf::Document::load(path).expect("loads");
    doc.get_pages()
        .values()
        .map(|&pid| {
            let c = doc.get_page_content(pid);
            String::from_utf8_lossy(&c).matches(" re S").count()
        })
        .collect()
}

/// review -> flip one proposed item to keep, add a text and an area -> redact with the decisions, and
/// check every promise of the workflow on `pdf`. `added` is a phrase of the document that no rule
/// redacts; `rect_page` a page that has an output; `shared` how many pages hold both parts.
fn review_cycle(
    pdf: &Path,
    added: &str,
    rect_page: usize,
    shared: usize,
) -> (tempfile::TempDir, Vec<Vec<String>>) {
    let d = tempdir();
    let stem = pdf.file_stem().expect("stem").to_str().expect("utf8");
    let rv = d.path().join("review");
    run_ok(&[
        "review",
        pdf.to_str().expect("utf8"),
        "--out",
        rv.to_str().expect("utf8"),
        "--log-text",
    ]);
    let review_pdf = rv.join(format!("{stem}.review.pdf"));
    let rows = read_rows(&rv.join(format!("{stem}.decisions.csv")));
    assert!(rows.len() > 3, "{stem}: {} rows", rows.len());
    assert!(
        !rv.join(format!("{stem}.part1.pdf")).exists(),
        "never written where Part 1 goes"
    );
    // The review copy removes nothing: every proposed item's text is still there, with its id label.
    let text = norm(&pdf_text(&review_pdf));
    assert!(text.contains("reviewcopy-notforrelease"));
    for r in &rows {
        // (An item over a line break is checked line by line: the labels sit between the lines.)
        for line in r[7].lines() {
            assert!(
                text.contains(&norm(line)),
                "{stem}: review copy keeps {}",
                r[0]
            );
        }
        assert!(
            text.contains(&norm(&format!("{} {}", r[0], r[6]))),
            "{stem}: label of {}",
            r[0]
        );
    }
    // It shows each box: one stroked rectangle per box of the (exact-layout) plan, page by page.
    let rules = foiredact::rules::RuleSet::defaults().expect("rules");
    let settings = foiredact::pipeline::Settings {
        layout: foiredact::plan::Layout::Exact,
        ..Default::default()
    };
    let plan =
        foiredact::pipeline::plan_only(&std::fs::read(pdf).expect("read"), &rules, &settings)
            .expect("plans");
    let before = stroked_rects(pdf);
    let after = stroked_rects(&review_pdf);
    for (n, (b, a)) in before.iter().zip(&after).enumerate() {
        let boxes = plan.boxes.iter().filter(|x| x.page == n + 1).count();
        assert_eq!(a - b, boxes, "{stem}: page {} shows each box", n + 1);
    }
    assert_eq!(
        plan.boxes
            .iter()
            .map(|b| &b.id)
            .collect::<BTreeSet<_>>()
            .len(),
        rows.len(),
        "{stem}: one decisions row per proposed item"
    );
    // A page holding both parts shows where Part 2 begins (and the plan has as many as the caller
    // knows the file has, so that the two counts are not both 0 by accident).
    assert_eq!(
        plan.page_parts.iter().filter(|p| p.len() == 2).count(),
        shared,
        "{stem}: pages shared by both parts"
    );
    assert_eq!(
        text.matches("part2below").count(),
        shared,
        "{stem}: a Part 2 marker per shared page"
    );

    // Keep one item whose text no other item shares (say the officer finds it is not personal).
    let keep = rows
        .iter()
        .find(|r| {
            ["email", "phone", "name"].contains(&r[4].as_str())
                && rows
                    .iter()
                    .filter(|o| {
                        norm(&o[7]).contains(&norm(&r[7])) || norm(&r[7]).contains(&norm(&o[7]))
                    })
                    .count()
                    == 1
        })
        .unwrap_or_else(|| panic!("{stem}: an item to keep"))
        .clone();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("header");
    for r in &rows {
        let mut r = r.clone();
        if r[0] == keep[0] {
            r[8] = "keep".into();
        }
        r[7] = String::new();
        w.write_record(&r).expect("row");
    }
    let text_row = format!("text={added}");
    w.write_record([
        "",
        "",
        "",
        "",
        "",
        "",
        "s43",
        "",
        &text_row,
        "commercial",
        "",
        "",
    ])
    .expect("row");
    let rect_row = format!("rect={rect_page},50,50,150,100");
    w.write_record([
        "",
        "",
        "",
        "",
        "",
        "",
        "s38",
        "",
        &rect_row,
        "a photograph",
        "",
        "",
    ])
    .expect("row");
    let edited = String::from_utf8(w.into_inner().expect("csv")).expect("utf8");
    let dec = d.path().join("decisions.csv");
    std::fs::write(&dec, &edited).expect("write");
    let out = d.path().join("out");
    run_ok(&[
        "redact",
        pdf.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--decisions",
        dec.to_str().expect("utf8"),
        "--log-text",
    ]);
    let part_text = |p: &str| {
        let f = out.join(format!("{stem}.part{p}.pdf"));
        if f.exists() {
            norm(&pdf_text(&f))
        } else {
            String::new()
        }
    };
    assert!(
        part_text(&keep[3]).contains(&norm(&keep[7])),
        "{stem}: the kept item {} stays in Part {}",
        keep[0],
        keep[3]
    );
    for p in ["1", "2"] {
        assert!(
            !part_text(p).contains(&norm(added)),
            "{stem}: the added text is gone"
        );
    }
    // The schedule lists exactly the applied redactions, with their exemptions, and the kept one
    // with its decision and no box or text.
    let schedule = read_rows(&out.join("redactions.csv"));
    let applied: BTreeMap<String, String> = schedule
        .iter()
        .filter(|r| r[13] == "redact")
        .map(|r| (r[11].clone(), r[9].clone()))
        .collect();
    let wanted: BTreeMap<String, String> = rows
        .iter()
        .filter(|r| r[0] != keep[0])
        .map(|r| (r[0].clone(), r[6].clone()))
        .collect();
    assert_eq!(applied, wanted, "{stem}: schedule = proposed - kept");
    let kept: Vec<&Vec<String>> = schedule.iter().filter(|r| r[13] == "keep").collect();
    assert_eq!(kept.len(), 1, "{stem}: the kept proposal is recorded");
    assert_eq!(kept[0][11], keep[0]);
    assert!(
        kept[0][3..7].iter().all(String::is_empty) && kept[0][18].is_empty(),
        "{stem}: a kept row has no box and no text, even with --log-text"
    );
    for r in &schedule {
        let added = r[11].starts_with("row");
        assert_eq!(
            r[13] == "added",
            added,
            "{stem}: decision column of {}",
            r[11]
        );
        assert!(!r[12].is_empty(), "{stem}: exemption title of {}", r[9]);
        assert!(
            !r[16].is_empty() && !r[17].is_empty(),
            "{stem}: who and when"
        );
    }
    assert!(schedule
        .iter()
        .any(|r| r[7] == "decision.text" && r[9] == "s43" && r[15] == "commercial"));
    assert!(schedule.iter().any(|r| r[7] == "decision.rect"
        && r[9] == "s38"
        && r[2] == rect_page.to_string()
        && r[15] == "a photograph"));
    (d, rows)
}

#[test]
fn review_then_redact_with_decisions() {
    let sample = repo().join("samples/decision-part1-part2.pdf");
    let (d, rows) = review_cycle(&sample, "ex gratia payment", 3, 0);
    // A decisions file naming an unknown id is refused with its row.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("header");
    for (k, r) in rows.iter().enumerate() {
        let mut r = r.clone();
        if k == 0 {
            r[0] = "9.99".into();
        }
        w.write_record(&r).expect("row");
    }
    let dec = d.path().join("bad.csv");
    let csv = String::from_utf8(w.into_inner().expect("csv")).expect("utf8");
    // Refused with the row and the id named: a number (an old id a spreadsheet read), and a
    // well-formed id the file does not have.
    for (k, id) in ["9.99", "p9-r99"].into_iter().enumerate() {
        std::fs::write(&dec, csv.replace("9.99", id)).expect("write");
        let out = d.path().join(format!("o{k}"));
        let o = run(&[
            "redact",
            sample.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--decisions",
            dec.to_str().expect("utf8"),
        ]);
        assert_eq!(o.status.code(), Some(1));
        let reason = summary(&out)["results"][0]["reason"]
            .as_str()
            .expect("reason")
            .to_string();
        assert!(reason.contains("row 2") && reason.contains(id), "{reason}");
    }
}

#[test]
fn review_shows_the_part_boundary_on_a_shared_page() {
    // decision-midpage has PART II starting half way down its only page.
    review_cycle(
        &repo().join("samples/decision-midpage.pdf"),
        "overnight",
        1,
        1,
    );
}

#[test]
fn review_cycle_on_a_corpus_file() {
    let Some(c) = corpus() else {
        return;
    };
    // Both parts, a page each; "settlement" style keep phrases are not redacted by any rule.
    let pdf = c.join("dev-001-reportlab.pdf");
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(c.join("dev-001-reportlab.truth.json")).expect("truth"),
    )
    .expect("json");
    let added = items(&truth, "part1", "keep")
        .into_iter()
        .map(|(t, _)| t)
        .find(|t| t.split_whitespace().count() >= 2 && t.len() < 40)
        .expect("a keep phrase");
    review_cycle(&pdf, &added, 2, 0);
}
