//! The officer's workflow: review copy, decisions (keep, text=, rect=), redact with them.

mod common;
use common::*;

#[test]
fn review_then_redact_with_decisions() {
    let d = tempdir();
    let sample = repo().join("samples/decision-part1-part2.pdf");
    let rv = d.path().join("review");
    run_ok(&[
        "review",
        sample.to_str().expect("utf8"),
        "--out",
        rv.to_str().expect("utf8"),
        "--log-text",
    ]);
    let review_pdf = rv.join("decision-part1-part2.review.pdf");
    let csv_path = rv.join("decision-part1-part2.decisions.csv");
    // The review copy removes nothing and marks every proposed item.
    let text = norm(&pdf_text(&review_pdf));
    let rows: Vec<Vec<String>> = csv::Reader::from_path(&csv_path)
        .expect("csv")
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    assert!(rows.len() > 5);
    for r in &rows {
        assert!(text.contains(&norm(&r[6])), "review copy keeps {}", r[6]);
    }
    assert!(text.contains("reviewcopy-notforrelease"));
    assert!(
        !rv.join("decision-part1-part2.part1.pdf").exists(),
        "never written where Part 1 goes"
    );
    // Keep the e-mail address on page 2 (say the officer decides it is a published team address).
    let keep = rows
        .iter()
        .find(|r| r[1] == "2" && r[3] == "email")
        .expect("an e-mail on page 2")
        .clone();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "page",
        "part",
        "category",
        "rule",
        "exemption",
        "text",
        "decision",
        "note",
        "input_hash",
    ])
    .expect("header");
    for r in &rows {
        let mut r = r.clone();
        if r[0] == keep[0] {
            r[7] = "keep".into();
        }
        r[6] = String::new();
        w.write_record(&r).expect("row");
    }
    w.write_record([
        "",
        "2",
        "",
        "",
        "",
        "s43",
        "",
        "text=ex gratia payment",
        "commercial",
        "",
    ])
    .expect("row");
    w.write_record([
        "",
        "",
        "",
        "",
        "",
        "s38",
        "",
        "rect=3,50,50,150,100",
        "a photograph",
        "",
    ])
    .expect("row");
    let edited = String::from_utf8(w.into_inner().expect("csv")).expect("utf8");
    let dec = d.path().join("decisions.csv");
    std::fs::write(&dec, &edited).expect("write");
    let out = d.path().join("out");
    run_ok(&[
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--decisions",
        dec.to_str().expect("utf8"),
        "--log-text",
    ]);
    let p2 = norm(&pdf_text(&out.join("decision-part1-part2.part2.pdf")));
    assert!(p2.contains(&norm(&keep[6])), "the kept item stays");
    assert!(!p2.contains("exgratiapayment"), "the added text is gone");
    let schedule = std::fs::read_to_string(out.join("redactions.csv")).expect("schedule");
    assert!(
        schedule.contains("decision.text")
            && schedule.contains(",s43,")
            && schedule.contains("decision.rect")
            && schedule.contains(",s38,")
    );
    assert!(
        !schedule.contains(&format!(",{},", keep[0])),
        "the kept item is not in the schedule"
    );
    // A decisions file for other contents, or naming an unknown id, is refused with the row.
    let bad = edited.replacen(&rows[0][0], "9.99", 1);
    std::fs::write(&dec, bad).expect("write");
    let o = run(&[
        "redact",
        sample.to_str().expect("utf8"),
        "--out",
        d.path().join("o2").to_str().expect("utf8"),
        "--decisions",
        dec.to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let reason = summary(&d.path().join("o2"))["results"][0]["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(
        reason.contains("row 2") && reason.contains("9.99"),
        "{reason}"
    );
}
