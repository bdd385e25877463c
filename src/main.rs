//! `foiredact`: parses the command line and dispatches. No PDF code here.

use clap::Parser;
use foiredact::cli::{Cli, Command, RulesCmd};
use std::process::ExitCode;

/// Counts the bytes in use, for `--max-memory-mb`.
#[global_allocator]
static ALLOC: foiredact::memory::Counting = foiredact::memory::Counting;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Redact(a) => foiredact::app::redact(*a),
        Command::Publish(a) => foiredact::app::publish(a),
        Command::Text(a) => foiredact::app::text(a),
        Command::Render(a) => foiredact::app::render(a),
        Command::Scan(a) => foiredact::app::scan(a),
        Command::Review(a) => foiredact::app::review(a),
        Command::MergeLogs { dirs, out } => foiredact::app::merge_logs(&dirs, &out),
        Command::Verify {
            pdfs,
            terms,
            log_text,
            password,
            jobs,
            quiet,
        } => foiredact::app::verify(
            &pdfs,
            &terms,
            log_text,
            password.as_deref(),
            foiredact::driver::Driver {
                jobs: foiredact::config::jobs(jobs),
                progress: foiredact::config::progress(quiet),
                label: "",
            },
        ),
        Command::Rules(RulesCmd::Check { paths }) => foiredact::app::rules_check(&paths),
        Command::Rules(RulesCmd::List { rules }) => foiredact::app::rules_list(&rules),
    };
    ExitCode::from(code)
}
