//! The subcommands: each turns parsed arguments into a `Config`, runs it, prints, and returns an exit code.

use crate::batch::{self, Config};
use crate::cli::{PublishArgs, PublishOpts, RedactArgs, ReviewArgs, RuleArgs, ScanArgs, TextArgs};
use crate::error::{exit, Error, Result};
use crate::pipeline::Settings;
use crate::rules::RuleSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Loads `--rules` (or the defaults) and `--terms`.
pub fn load_rules(a: &RuleArgs) -> Result<RuleSet> {
    let mut rs = if a.rules.is_empty() {
        RuleSet::defaults()?
    } else {
        RuleSet::from_paths(&a.rules)?
    };
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

pub fn redact(a: RedactArgs) -> u8 {
    let rules = match load_rules(&a.rules) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("foiredact: {e}");
            return exit::USAGE;
        }
    };
    if let Err(e) = batch::check_out(&a.out) {
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
    if a.rules.rules.is_empty() {
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
        for p in &a.rules.rules {
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
            {
                key.extend(std::fs::read(e.path()).unwrap_or_default());
            }
        }
    }
    for t in a.rules.terms.iter().chain(&a.rules.allow) {
        key.extend(std::fs::read(t).unwrap_or_default());
    }
    if a.rules.keep_signatory {
        key.extend_from_slice(b"keep-signatory");
    }
    key.extend(
        format!(
            "{:?}/{}/{}/{:?}/{:?}/{}/{}/{}/{}/{}/{:?}",
            a.layout,
            a.bucket_em,
            a.log_text,
            a.ocr,
            a.label,
            a.keep_links,
            a.ocr_layer,
            a.keep_unused_glyphs,
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
    let mut cfg = Config {
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
            eprintln!(
                "foiredact: {} files ({} pages): {} done, {} declined, {} failed; {} redactions{}; see {}",
                s.files,
                s.pages,
                s.done,
                s.declined,
                s.failed,
                s.redactions,
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
                "foiredact: published {} PDFs of {} documents into {} ({} failed, {} without a title found, {} text documents not published); see {}",
                s.published,
                s.documents,
                cfg.site.display(),
                s.failed,
                s.untitled,
                s.text,
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

/// `a****` for `alice`: the first character and the length, so a reviewer can tell findings apart
/// without the log holding the text.
pub fn mask(s: &str) -> String {
    let mut it = s.chars();
    match it.next() {
        Some(c) => format!("{c}{}", "*".repeat(it.count())),
        None => String::new(),
    }
}

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
    let (rules, inputs) = match rules_and_inputs(&a.rules, &a.inputs, false) {
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
    let mut code = exit::OK;
    for i in inputs {
        let stem = i
            .rel
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let dir = a
            .out
            .join(i.rel.parent().unwrap_or(std::path::Path::new("")));
        let result = std::fs::read(&i.path)
            .map_err(crate::error::Error::from)
            .and_then(|b| crate::pipeline::review(&b, &rules, &settings, a.log_text))
            .and_then(|(pdf, rows, n)| {
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
                crate::output::write_atomic(
                    &dir.join(format!("{stem}.review.pdf")),
                    &pdf,
                    a.overwrite,
                )?;
                crate::output::write_atomic(
                    &dir.join(format!("{stem}.decisions.csv")),
                    &csvb,
                    a.overwrite,
                )?;
                Ok(n)
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
    for i in inputs {
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
            }
            Ok(doc) => {
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
    let mut doc = match crate::pdf::load::load(&bytes, a.password.as_deref(), &Default::default()) {
        Ok(d) => d,
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
    let mut code = exit::OK;
    let mut out = std::io::stdout().lock();
    for p in pdfs {
        let hits = std::fs::read(p)
            .map_err(crate::error::Error::from)
            .and_then(|b| crate::verify::find_terms(&b, password, &terms));
        match hits {
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(p));
                code = exit::SOME_FAILED;
            }
            Ok(hits) => {
                for h in hits {
                    code = exit::SOME_FAILED;
                    let t = &terms[h.term.min(terms.len().saturating_sub(1))];
                    let shown = if log_text { t.clone() } else { mask(t) };
                    let _ = writeln!(out, "{}\t{}\t{}", p.display(), h.place, shown);
                }
            }
        }
    }
    code
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
            let fails = rs.check_examples();
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
