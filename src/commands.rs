//! The subcommands: each turns parsed arguments into a `Config`, runs it, prints, and returns an exit code.

use crate::batch;
use crate::cli::{PublishArgs, PublishOpts, RedactArgs, ReviewArgs, RuleArgs, ScanArgs, TextArgs};
use crate::error::{exit, Result};
use crate::rules::RuleSet;
use std::io::Write;
use std::path::PathBuf;

pub use crate::config::{replaced_rules_note, rules as load_rules};

pub fn redact(a: RedactArgs) -> u8 {
    let crate::config::Redact {
        rules,
        batch: cfg,
        publish,
    } = match crate::config::Redact::try_from(a) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    if cfg.settings.layout == crate::plan::Layout::Exact {
        eprintln!("foiredact: warning: --layout exact keeps the exact width of every redacted text on the page; a name can often be guessed from it");
    }
    let ran = batch::run(&cfg, &rules);
    crate::profile::report();
    let code = match ran {
        Ok((s, code)) => {
            let by: Vec<String> = s
                .exemptions
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            let decided = if cfg.decisions.is_some() {
                format!(
                    "{} proposed, {} kept, {} added, {} without a decision; ",
                    s.proposals, s.kept, s.added, s.no_decision
                )
            } else {
                format!("{} proposed; ", s.proposals)
            };
            eprintln!(
                "foiredact: {} files ({} pages): {} done, {} declined, {} failed; {}{} redactions applied{}; see {}",
                s.files,
                s.pages,
                s.done,
                s.declined,
                s.failed,
                decided,
                s.applied,
                if by.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", by.join(", "))
                },
                cfg.out.join("summary.json").display()
            );
            code
        }
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    match publish {
        Some(p) => code.max(run_publish(&p, &rules)),
        None => code,
    }
}

/// Runs `publish` and reports it; returns the exit code.
fn run_publish(cfg: &crate::publish::Config, rules: &RuleSet) -> u8 {
    match crate::publish::run(cfg, rules) {
        Ok((s, code)) => {
            eprintln!(
                "foiredact: published {} PDFs of {} documents into {} ({} failed, {} without a title found, {} text documents not published, {} with nothing to publish, {} inputs redact did not make); see {}",
                s.published,
                s.documents,
                cfg.site.display(),
                s.failed,
                s.untitled,
                s.text,
                s.skipped,
                s.not_made,
                cfg.site.join("index.html").display()
            );
            code
        }
        Err(e) => {
            eprintln!("foiredact: publish: {e}");
            exit::USAGE
        }
    }
}

pub fn publish(a: PublishArgs) -> u8 {
    let rules = match load_rules(&a.rules) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let PublishOpts {
        include_part2,
        site_title,
        lang,
    } = a.opts;
    let cfg = crate::publish::Config {
        redact_out: a.redact_out,
        site: a.site,
        include_part2,
        overwrite: a.overwrite,
        decisions: a.decisions,
        site_title,
        lang,
    };
    run_publish(&cfg, &rules)
}

pub use crate::error::mask;

/// The rules (`--rules`, `--allow`, `--terms`) and the inputs of a command (folders: PDFs, and text
/// files with `text`); an error means exit code 2.
fn rules_and_inputs(
    r: &RuleArgs,
    inputs: &[PathBuf],
    text: bool,
) -> Result<(RuleSet, Vec<batch::Input>)> {
    Ok((load_rules(r)?, batch::discover(inputs, text)?))
}

pub fn review(a: ReviewArgs) -> u8 {
    let (rules, inputs) = match rules_and_inputs(&a.rules, &a.inputs, true)
        .and_then(|x| batch::check_out(&a.out, &a.inputs).map(|_| x))
    {
        Ok(x) => x,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let settings = crate::config::settings(a.password.clone(), &a.limits);
    // Where each input's review copy and decisions file go.
    let targets: Vec<(PathBuf, PathBuf)> = inputs
        .iter()
        .map(|i| {
            let p = crate::formats::ReviewPaths::new(&a.out, &i.rel);
            (p.copy, p.decisions)
        })
        .collect();
    // An earlier review (perhaps with the officer's edits in its decisions files) is never half
    // replaced: without --overwrite, nothing is written when any of its files is there.
    if !a.overwrite {
        if let Some(p) = targets
            .iter()
            .flat_map(|(c, d)| [c, d])
            .find(|p| p.exists())
        {
            eprintln!(
                "foiredact: output exists: {} (nothing was written: --overwrite replaces the earlier review, and any edits in its decisions files)",
                p.display()
            );
            return exit::USAGE;
        }
    }
    let driver = crate::driver::Driver {
        jobs: crate::config::jobs(a.jobs),
        progress: crate::config::progress(a.quiet),
    };
    let work: Vec<(&batch::Input, &PathBuf, &PathBuf)> = inputs
        .iter()
        .zip(&targets)
        .map(|(i, (c, d))| (i, c, d))
        .collect();
    let made = driver.run(
        &work,
        |_, &(i, copy_path, csv_path)| {
            std::fs::read(&i.path)
                .map_err(crate::error::Error::from)
                .and_then(|b| {
                    if batch::is_text(&i.path) {
                        crate::text::review(&b, &rules, a.log_text)
                    } else {
                        crate::review::review(&b, &rules, &settings, a.log_text)
                            .map(|(pdf, rows, _)| (pdf, rows))
                    }
                })
                .and_then(|(copy, rows)| {
                    let csvb = crate::formats::decisions_csv(&rows)?;
                    crate::output::write_atomic(copy_path, &copy, a.overwrite)?;
                    crate::output::write_atomic(csv_path, &csvb, a.overwrite)?;
                    Ok(rows.len())
                })
        },
        |&(i, _, _), r, bar| match r {
            Ok(n) => bar.say(&format!(
                "foiredact: {}: {n} proposed redactions marked",
                i.rel.display()
            )),
            Err(e) => bar.say(&format!("foiredact: {}", e.clone().with_path(&i.path))),
        },
    );
    match made {
        Ok(r) if r.iter().all(|r| r.is_ok()) => exit::OK,
        Ok(_) => exit::SOME_FAILED,
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
    }
}

pub fn scan(a: ScanArgs) -> u8 {
    let (rules, inputs) = match rules_and_inputs(&a.rules, &a.inputs, true) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let settings = crate::config::settings(a.password, &a.limits);
    let mut code = exit::OK;
    let mut out = std::io::stdout().lock();
    if !a.json && writeln!(out, "file\tpage\tpart\trule\tcategory\texemption\ttext").is_err() {
        return code;
    }
    let driver = crate::driver::Driver {
        jobs: crate::config::jobs(a.jobs),
        progress: crate::config::progress(a.quiet),
    };
    let read = match driver.run(
        &inputs,
        |_, i| {
            std::fs::read(&i.path)
                .map_err(crate::error::Error::from)
                .and_then(|b| {
                    if batch::is_text(&i.path) {
                        crate::text::process(&b, &rules, settings.label, None)
                    } else {
                        crate::pipeline::plan_only(&b, &rules, &settings)
                    }
                })
                .map(|doc| doc.boxes)
        },
        |i, r, bar| {
            if let Err(e) = r {
                bar.say(&format!("foiredact: {}", e.clone().with_path(&i.path)));
            }
        },
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    // Printed in input order, whatever finished first.
    let (mut total, mut files, mut unread) = (0usize, 0usize, 0usize);
    for (i, result) in inputs.iter().zip(read) {
        match result {
            Err(_) => {
                code = exit::SOME_FAILED;
                unread += 1;
            }
            Ok(boxes) => {
                files += 1;
                total += boxes.len();
                for b in &boxes {
                    let text = if a.log_text {
                        b.text.expose().clone()
                    } else {
                        mask(b.text.expose())
                    };
                    let line = if a.json {
                        serde_json::json!({"file": i.rel.to_string_lossy(), "page": b.page, "part": b.part, "rule": b.rule, "category": b.category, "exemption": b.exemption, "text": text}).to_string()
                    } else {
                        format!(
                            "{}\tpage {}\tpart {}\t{}\t{}\t{}\t{}",
                            i.rel.display(),
                            b.page,
                            b.part,
                            b.rule,
                            b.category,
                            b.exemption,
                            text
                        )
                    };
                    if writeln!(out, "{line}").is_err() {
                        return code;
                    }
                }
            }
        }
    }
    let _ = out.flush();
    eprintln!(
        "foiredact: {total} proposed redactions in {files} files{}",
        if unread > 0 {
            format!("; {unread} files could not be read")
        } else {
            String::new()
        }
    );
    code
}

pub fn text(a: TextArgs) -> u8 {
    let bytes = match std::fs::read(&a.pdf) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("foiredact: {}: {e}", a.pdf.display());
            return exit::SOME_FAILED;
        }
    };
    if batch::is_text(&a.pdf) {
        return text_of_text(&a, &bytes);
    }
    let mut doc =
        match crate::pdf::load::load_repaired(&bytes, a.password.as_deref(), &Default::default()) {
            Ok((d, _)) => d,
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(&a.pdf));
                return exit::SOME_FAILED;
            }
        };
    let mut code = exit::OK;
    // As `redact` sees it: filled-in form fields drawn into their pages.
    let _ = crate::pdf::sanitize::flatten_form_fields(&mut doc);
    let mut pages = crate::pdf::extract::extract_all(&doc, &Default::default());
    pages.retain(|(_, p)| a.page.is_none_or(|n| n == p.page));
    // Scanned pages as `redact` reads them (pages with problems are not read: they are declined).
    let mode = crate::config::ocr_mode(a.ocr);
    for (page, r) in
        crate::pipeline::ocr_pages(&doc, &mut pages, mode, crate::pipeline::MIN_OCR_CONFIDENCE)
    {
        if let Err(e) = r {
            eprintln!("foiredact: {}: page {page}: {e}", a.pdf.display());
            code = exit::SOME_FAILED;
        }
    }
    let mut json = Vec::new();
    for (_, p) in pages.iter_mut() {
        crate::layout::layout(p);
        for problem in &p.problems {
            eprintln!("foiredact: {}: page {}: {problem}", a.pdf.display(), p.page);
            code = exit::SOME_FAILED;
        }
        if a.json {
            json.push(serde_json::json!({"page": p.page, "text": p.text, "glyphs": p.glyphs, "images": p.images, "problems": p.problems}));
        } else {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = write!(std::io::stdout().lock(), "{}\u{c}", p.text);
        }
    }
    if a.json {
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    }
    code
}

/// `text` of a plain-text document: its pages (split at form feeds) as `redact` reads them.
fn text_of_text(a: &TextArgs, bytes: &[u8]) -> u8 {
    let t = match crate::text::decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("foiredact: {}", e.with_path(&a.pdf));
            return exit::SOME_FAILED;
        }
    };
    let pages: Vec<(usize, &str)> = t
        .split('\u{c}')
        .enumerate()
        .map(|(k, p)| (k + 1, p))
        .filter(|(n, _)| a.page.is_none_or(|p| p == *n))
        .collect();
    let mut out = std::io::stdout().lock();
    if a.json {
        let v: Vec<serde_json::Value> = pages
            .iter()
            .map(|(n, p)| serde_json::json!({"page": n, "text": p}))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    } else {
        for (_, p) in pages {
            let _ = write!(out, "{p}\u{c}");
        }
    }
    exit::OK
}

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

pub fn merge_logs(dirs: &[PathBuf], out: &std::path::Path) -> u8 {
    match batch::merge_logs(dirs, out) {
        Ok(s) => {
            eprintln!(
                "foiredact: merged {} files: {} done, {} declined, {} failed; {} redactions",
                s.files, s.done, s.declined, s.failed, s.redactions
            );
            if s.done == s.files {
                exit::OK
            } else {
                exit::SOME_FAILED
            }
        }
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
    }
}

pub fn rules_check(paths: &[PathBuf]) -> u8 {
    match RuleSet::from_paths(paths) {
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
        Ok(rs) => {
            let fails = crate::detect::check_examples(&rs);
            for f in &fails {
                eprintln!("foiredact: {f}");
            }
            if fails.is_empty() {
                println!(
                    "{} rules, {} section rules, {} allow rules, {} metadata rules: all examples pass",
                    rs.rules.len(),
                    rs.sections.len(),
                    rs.allow.len(),
                    rs.metadata.len()
                );
                exit::OK
            } else {
                exit::USAGE
            }
        }
    }
}

pub fn rules_list(paths: &[PathBuf]) -> u8 {
    let rs = match if paths.is_empty() {
        RuleSet::defaults()
    } else {
        RuleSet::from_paths(paths)
    } {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    for r in &rs.rules {
        println!("{}\t{}\t{}\t{}", r.id, r.category, r.exemption, r.why);
    }
    for s in &rs.sections {
        println!("{}\tsection (part {})", s.id, s.part);
    }
    for a in &rs.allow {
        println!("{}\tallow", a.id);
    }
    for m in &rs.metadata {
        println!("{}\tmetadata ({:?})", m.id, m.field);
    }
    exit::OK
}
