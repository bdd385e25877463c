//! `foiredact publish`: a release folder from the output of `redact`.

use crate::cli::{PublishArgs, PublishOpts};
use crate::error::exit;
use crate::rules::RuleSet;

/// Runs `publish` and reports it; returns the exit code.
pub(super) fn run_publish(cfg: &crate::publish::Config, rules: &RuleSet) -> u8 {
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
    let rules = match crate::config::rules(&a.rules) {
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
