//! `foiredact verify`: every place where a term survives in PDFs or text files.

use crate::batch;
use crate::error::{exit, mask, Result};
use std::io::Write;
use std::path::PathBuf;

pub fn verify(
    pdfs: &[PathBuf],
    terms: &std::path::Path,
    log_text: bool,
    password: Option<&str>,
    driver: crate::driver::Driver,
) -> u8 {
    let terms: Vec<String> = match std::fs::read_to_string(terms) {
        Ok(s) => s
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect(),
        Err(e) => {
            eprintln!("foiredact: {}: {e}", terms.display());
            return exit::USAGE;
        }
    };
    let checked = match driver.run(
        pdfs,
        |_, p| {
            std::fs::read(p)
                .map_err(crate::error::Error::from)
                .and_then(|b| {
                    if batch::is_text(p) {
                        text_term_hits(&b, &terms)
                    } else {
                        crate::verify::find_terms(&b, password, &terms)
                            .map(|h| h.into_iter().map(|h| (h.term, h.place)).collect())
                    }
                })
        },
        |p, r, bar| {
            if let Err(e) = r {
                bar.say(&format!(
                    "foiredact: {}: not checked",
                    e.clone().with_path(p)
                ));
            }
        },
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    // Printed in the order the files were given, whatever finished first.
    let (mut found, mut unreadable) = (false, false);
    let mut out = std::io::stdout().lock();
    for (p, hits) in pdfs.iter().zip(checked) {
        match hits {
            Err(_) => unreadable = true,
            Ok(hits) => {
                for (term, place) in hits {
                    found = true;
                    let t = &terms[term.min(terms.len().saturating_sub(1))];
                    let shown = if log_text { t.clone() } else { mask(t) };
                    let _ = writeln!(out, "{}\t{}\t{}", p.display(), place, shown);
                }
            }
        }
    }
    if found {
        exit::SOME_FAILED
    } else if unreadable {
        exit::UNREADABLE
    } else {
        exit::OK
    }
}

/// Where the terms survive in a plain-text file (UTF-8): (term, `line N`), matched as `--terms` are.
fn text_term_hits(bytes: &[u8], terms: &[String]) -> Result<Vec<(usize, String)>> {
    let text = crate::text::decode(bytes)?;
    let mut hits = Vec::new();
    for (k, t) in terms.iter().enumerate() {
        let Some(ph) = crate::detect::Phrases::new(&[t.as_str()]) else {
            continue;
        };
        for (r, _) in ph.find(&text) {
            let line = text[..r.start].matches('\n').count() + 1;
            hits.push((line, k));
        }
    }
    hits.sort_unstable();
    hits.dedup();
    Ok(hits
        .into_iter()
        .map(|(line, k)| (k, format!("line {line}")))
        .collect())
}
