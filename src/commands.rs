//! The subcommands: each turns parsed arguments into a `Config`, runs it, prints, and returns an exit code.

use crate::batch::{self, Config};
use crate::cli::{PublishArgs, PublishOpts, RedactArgs, ReviewArgs, RuleArgs, ScanArgs, TextArgs};
use crate::error::{exit, Error, Result};
use crate::pipeline::Settings;
use crate::rules::RuleSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Loads `--rules` (or the defaults), `--add-rules`, `--allow` and `--terms`. Rule files of the user's
/// have their examples run, as `rules check` does (a failing one is an error); `--rules` says on
/// stderr what it leaves uncovered.
pub fn load_rules(a: &RuleArgs) -> Result<RuleSet> {
    let mut rs = if a.rules.is_empty() {
        RuleSet::defaults()?
    } else {
        RuleSet::from_paths(&a.rules)?
    };
    if !a.add_rules.is_empty() {
        rs.add(&a.add_rules)?;
    }
    if !a.rules.is_empty() || !a.add_rules.is_empty() {
        let fails = crate::detect::check_examples(&rs);
        if !fails.is_empty() {
            return Err(Error::usage(format!(
                "the rules' examples do not all pass (as `foiredact rules check` reports them):\n  {}",
                fails.join("\n  ")
            )));
        }
    }
    if !a.rules.is_empty() {
        eprintln!("foiredact: note: {}", replaced_rules_note(&rs)?);
    }
    rs.keep_signatory = a.keep_signatory;
    if let Some(f) = &a.allow {
        let src = std::fs::read_to_string(f)
            .map_err(|e| Error::rules(f.display().to_string(), 0, e.to_string()))?;
        rs.add_allow(&f.display().to_string(), &src)?;
    }
    if let Some(t) = &a.terms {
        let src = std::fs::read_to_string(t)
            .map_err(|e| Error::rules(t.display().to_string(), 0, e.to_string()))?;
        rs.add_terms(&t.display().to_string(), &src)?;
    }
    Ok(rs)
}

/// What `--rules` leaves out: the built-in rules' categories no rule of `rs` covers (and the Part
/// headings, without section rules).
pub fn replaced_rules_note(rs: &RuleSet) -> Result<String> {
    let defaults = RuleSet::defaults()?;
    let mut missing: Vec<&str> = defaults
        .rules
        .iter()
        .map(|r| r.category.as_str())
        .filter(|c| !rs.rules.iter().any(|r| r.category == *c))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "no rule now covers {} (personal data of these kinds is NOT redacted)",
            missing.join(", ")
        ));
    }
    if rs.sections.is_empty() {
        parts.push("no section rule finds Part headings (every document is all Part 1)".into());
    }
    Ok(format!(
        "--rules replaces the built-in rules{}; to add rules to them, use --add-rules",
        if parts.is_empty() {
            ": each of their categories is still covered".to_string()
        } else {
            format!(": {}", parts.join("; "))
        }
    ))
}

/// The content key of the rules a run uses (for `--resume`): the built-in rules or `--rules` files,
/// then `--add-rules` files, `--terms` and `--allow`.
fn rules_key(a: &RuleArgs, key: &mut Vec<u8>) {
    let files = |paths: &[PathBuf], key: &mut Vec<u8>| {
        for p in paths {
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
            {
                key.extend(std::fs::read(e.path()).unwrap_or_default());
            }
        }
    };
    if a.rules.is_empty() {
        // The metadata rules shape only what `publish` shows, not the redacted outputs.
        for (n, src) in crate::rules::DEFAULT_RULES
            .iter()
            .chain(crate::rules::DEFAULT_DATA)
            .filter(|(n, _)| *n != crate::rules::PUBLISH_RULES)
        {
            key.extend_from_slice(n.as_bytes());
            key.extend_from_slice(src.as_bytes());
        }
    } else {
        files(&a.rules, key);
    }
    if !a.add_rules.is_empty() {
        key.extend_from_slice(b"\0add-rules\0");
        files(&a.add_rules, key);
    }
    for t in a.terms.iter().chain(&a.allow) {
        key.extend(std::fs::read(t).unwrap_or_default());
    }
}

pub fn redact(a: RedactArgs) -> u8 {
    let rules = match load_rules(&a.rules) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    if let Err(e) = batch::check_out(&a.out, &a.inputs) {
        eprintln!("foiredact: {e}");
        return exit::USAGE;
    }
    let jobs = a.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    // What makes outputs current for --resume: the rules, the terms and the settings that shape them.
    let mut key = Vec::new();
    rules_key(&a.rules, &mut key);
    if a.rules.keep_signatory {
        key.extend_from_slice(b"keep-signatory");
    }
    key.extend(
        format!(
            "{:?}/{}/{}/{:?}/{:?}/{}/{}/{}/{}/{}/{}/{:?}",
            a.layout,
            a.bucket_em,
            a.log_text,
            a.ocr,
            a.label,
            a.keep_links,
            a.ocr_layer,
            a.keep_unused_glyphs,
            a.require_parts,
            a.min_ocr_confidence,
            a.allow_unreadable,
            a.limits
        )
        .as_bytes(),
    );
    if a.publish.is_some() && a.shard.is_some() {
        eprintln!("foiredact: --publish needs the whole batch: run `foiredact publish` after merging the shards");
        return exit::USAGE;
    }
    let publish = a.publish.clone().map(|site| crate::publish::Config {
        redact_out: a.out.clone(),
        site,
        include_part2: a.publish_opts.include_part2,
        overwrite: a.overwrite,
        decisions: a.decisions.clone(),
        site_title: a.publish_opts.site_title.clone(),
        lang: a.publish_opts.lang.clone(),
    });
    if let Some(d) = &a.decisions {
        key.extend(d.to_string_lossy().as_bytes());
        if d.is_file() && (a.inputs.len() != 1 || !a.inputs[0].is_file()) {
            eprintln!("foiredact: --decisions names one file: give one input PDF (or a folder of decisions files)");
            return exit::USAGE;
        }
    }
    let reviewer = a
        .reviewer
        .clone()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(batch::os_user);
    let mut cfg = Config {
        reviewer,
        decisions: a.decisions.clone(),
        resume: a.resume,
        shard: a.shard,
        run_key: format!("{:016x}", batch::fnv64(&key)),
        inputs: a.inputs,
        out: a.out,
        jobs,
        overwrite: a.overwrite,
        log_text: a.log_text,
        progress: !a.quiet && std::io::stderr().is_terminal(),
        settings: Settings {
            password: a.password,
            time_limit: (a.time_limit > 0).then(|| std::time::Duration::from_secs(a.time_limit)),
            ocr: ocr_mode(a.ocr),
            ocr_layer: a.ocr_layer,
            min_ocr_confidence: Some(a.min_ocr_confidence.clamp(0.0, 100.0)),
            allow_unreadable: a.allow_unreadable,
            keep_links: a.keep_links,
            keep_unused_glyphs: a.keep_unused_glyphs,
            require_parts: a.require_parts,
            label: match a.label {
                crate::cli::LabelArg::Code => crate::pdf::rewrite::LabelMode::Code,
                crate::cli::LabelArg::Category => crate::pdf::rewrite::LabelMode::Category,
                crate::cli::LabelArg::None => crate::pdf::rewrite::LabelMode::None,
            },
            layout: match a.layout {
                crate::cli::LayoutArg::Exact => crate::plan::Layout::Exact,
                crate::cli::LayoutArg::Safe => crate::plan::Layout::Safe {
                    bucket_em: a.bucket_em.clamp(0.5, 100.0),
                },
            },
            ..Default::default()
        },
    };
    a.limits.apply(&mut cfg.settings);
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
    let mut settings = Settings {
        password: a.password.clone(),
        ..Default::default()
    };
    a.limits.apply(&mut settings);
    // Where each input's review copy and decisions file go.
    let targets: Vec<(PathBuf, PathBuf)> = inputs
        .iter()
        .map(|i| {
            let stem = i
                .rel
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let dir = a
                .out
                .join(i.rel.parent().unwrap_or(std::path::Path::new("")));
            let ext = if batch::is_text(&i.path) {
                "txt"
            } else {
                "pdf"
            };
            (
                dir.join(format!("{stem}.review.{ext}")),
                dir.join(format!("{stem}.decisions.csv")),
            )
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
    let mut code = exit::OK;
    for (i, (copy_path, csv_path)) in inputs.iter().zip(&targets) {
        let result = std::fs::read(&i.path)
            .map_err(crate::error::Error::from)
            .and_then(|b| {
                if batch::is_text(&i.path) {
                    crate::text::review(&b, &rules, a.log_text)
                } else {
                    crate::pipeline::review(&b, &rules, &settings, a.log_text)
                        .map(|(pdf, rows, _)| (pdf, rows))
                }
            })
            .and_then(|(copy, rows)| {
                let mut w = csv::Writer::from_writer(Vec::new());
                let io = |e: csv::Error| {
                    crate::error::Error::new(crate::error::ErrorKind::Io(e.to_string()))
                };
                w.write_record(crate::decisions::COLUMNS).map_err(io)?;
                for r in &rows {
                    w.write_record(r).map_err(io)?;
                }
                let csvb = w.into_inner().map_err(|e| {
                    crate::error::Error::new(crate::error::ErrorKind::Io(e.to_string()))
                })?;
                crate::output::write_atomic(copy_path, &copy, a.overwrite)?;
                crate::output::write_atomic(csv_path, &csvb, a.overwrite)?;
                Ok(rows.len())
            });
        match result {
            Ok(n) => eprintln!(
                "foiredact: {}: {n} proposed redactions marked",
                i.rel.display()
            ),
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(&i.path));
                code = exit::SOME_FAILED;
            }
        }
    }
    code
}

pub fn scan(a: ScanArgs) -> u8 {
    let (rules, inputs) = match rules_and_inputs(&a.rules, &a.inputs, true) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    let mut settings = Settings {
        password: a.password,
        dry_run: true,
        ..Default::default()
    };
    a.limits.apply(&mut settings);
    let mut code = exit::OK;
    let mut out = std::io::stdout().lock();
    if !a.json && writeln!(out, "file\tpage\tpart\trule\tcategory\texemption\ttext").is_err() {
        return code;
    }
    let (mut total, mut files, mut unread) = (0usize, 0usize, 0usize);
    for i in &inputs {
        let result = std::fs::read(&i.path)
            .map_err(crate::error::Error::from)
            .and_then(|b| {
                if batch::is_text(&i.path) {
                    crate::text::process(&b, &rules, settings.label, None)
                } else {
                    crate::pipeline::process(&b, &rules, &settings)
                }
            });
        match result {
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(&i.path));
                code = exit::SOME_FAILED;
                unread += 1;
            }
            Ok(doc) => {
                files += 1;
                total += doc.boxes.len();
                for b in &doc.boxes {
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

fn ocr_mode(a: crate::cli::OcrArg) -> crate::pipeline::OcrMode {
    match a {
        crate::cli::OcrArg::Auto => crate::pipeline::OcrMode::Auto,
        crate::cli::OcrArg::Always => crate::pipeline::OcrMode::Always,
        crate::cli::OcrArg::Never => crate::pipeline::OcrMode::Never,
    }
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
    let mode = ocr_mode(a.ocr);
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
    let (mut found, mut unreadable) = (false, false);
    let mut out = std::io::stdout().lock();
    for p in pdfs {
        let hits = std::fs::read(p)
            .map_err(crate::error::Error::from)
            .and_then(|b| {
                if batch::is_text(p) {
                    text_term_hits(&b, &terms)
                } else {
                    crate::verify::find_terms(&b, password, &terms)
                        .map(|h| h.into_iter().map(|h| (h.term, h.place)).collect())
                }
            });
        match hits {
            Err(e) => {
                eprintln!("foiredact: {}: not checked", e.with_path(p));
                unreadable = true;
            }
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
