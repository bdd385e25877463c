//! `foiredact redact`: the batch (and `--publish`), reported on stderr.

use crate::batch;
use crate::cli::RedactArgs;
use crate::error::exit;

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
        Some(p) => code.max(super::publish::run_publish(&p, &rules)),
        None => code,
    }
}
