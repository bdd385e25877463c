//! Detection speed: the compiled default rules over the page texts of the corpus, on one core, in
//! MB/s, against a baseline measured in the same run: one combined regex of the default rules' regex
//! patterns (what a naive "grep for PII" tool does), and the same text scanned once by `str::find`
//! for a fixed word (the memory-bandwidth floor).
//!
//! Run: `cargo run --release --example detect_bench [-- DIR ...]` (default: ../shared/corpus and
//! samples). Prints `detect_mb_per_s=... combined_regex_mb_per_s=... ratio=...`.

use foiredact::{detect, layout, pdf, rules::RuleSet};
use std::time::Instant;

fn main() {
    let mut dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        dirs = vec!["../shared/corpus".into(), "samples".into()];
    }
    let mut texts: Vec<String> = Vec::new();
    for d in &dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            continue;
        };
        let mut files: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect();
        files.sort();
        for f in files {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            let Ok(doc) = pdf::load::load(&bytes, None, &Default::default()) else {
                continue;
            };
            for (_, mut p) in pdf::extract::extract_all(&doc, &Default::default()) {
                layout::layout(&mut p);
                texts.push(p.text);
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    assert!(bytes > 0, "no page text found in {dirs:?}");
    let rules = RuleSet::defaults().expect("default rules compile");
    // Baseline: the default rules' regex patterns as one alternation.
    let pats: Vec<String> = rules
        .rules
        .iter()
        .filter_map(|r| match &r.matcher {
            foiredact::rules::Matcher::Regex { re, .. } => {
                Some(format!("(?:{})", re.unicode().as_str()))
            }
            _ => None,
        })
        .collect();
    let combined = regex::Regex::new(&pats.join("|")).expect("combined regex");
    let rounds = (20_000_000 / bytes).clamp(3, 200);
    let time = |f: &dyn Fn(&str) -> usize| {
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..rounds {
            for s in &texts {
                n += f(s);
            }
        }
        (t.elapsed().as_secs_f64(), n)
    };
    let (t_detect, n_detect) = time(&|s| detect::detect(&rules, s).len());
    let (t_comb, n_comb) = time(&|s| combined.find_iter(s).count());
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "pages={} text_mb={:.2} rounds={rounds}",
        texts.len(),
        bytes as f64 / 1e6
    );
    println!(
        "detect_mb_per_s={:.1} combined_regex_mb_per_s={:.1} ratio_detect_vs_combined={:.2} findings={} combined_matches={}",
        mb / t_detect,
        mb / t_comb,
        (mb / t_detect) / (mb / t_comb),
        n_detect / rounds,
        n_comb / rounds
    );
}
