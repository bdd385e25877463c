//! The subcommands: each turns parsed arguments into a `Config`, runs it, prints, and returns an exit code.

use crate::batch::{self, Config};
use crate::cli::{RedactArgs, RuleArgs, TextArgs};
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
    let cfg = Config {
        inputs: a.inputs,
        out: a.out,
        jobs,
        overwrite: a.overwrite,
        log_text: a.log_text,
        progress: !a.quiet && std::io::stderr().is_terminal(),
        settings: Settings {
            password: a.password,
            ..Default::default()
        },
    };
    match batch::run(&cfg, &rules) {
        Ok((s, code)) => {
            eprintln!(
                "foiredact: {} files: {} done, {} declined, {} failed; {} redactions; see {}",
                s.files,
                s.done,
                s.declined,
                s.failed,
                s.redactions,
                cfg.out.join("summary.json").display()
            );
            code
        }
        Err(e) => {
            eprintln!("foiredact: {e}");
            exit::USAGE
        }
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
    let doc = match crate::pdf::load::load(&bytes, a.password.as_deref(), &Default::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("foiredact: {}", e.with_path(&a.pdf));
            return exit::SOME_FAILED;
        }
    };
    let mut code = exit::OK;
    let mut pages = crate::pdf::extract::extract_all(&doc, &Default::default());
    let mut json = Vec::new();
    for (_, p) in pages.iter_mut() {
        if a.page.is_some_and(|n| n != p.page) {
            continue;
        }
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
                    "{} rules, {} section rules, {} allow rules: all examples pass",
                    rs.rules.len(),
                    rs.sections.len(),
                    rs.allow.len()
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
    exit::OK
}
