//! `foiredact rules check` and `rules list`.

use crate::error::exit;
use crate::rules::RuleSet;
use std::path::PathBuf;

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
