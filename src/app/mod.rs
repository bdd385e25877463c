//! The subcommands, one file each: each turns its parsed arguments into configuration (`config`),
//! runs it, prints what the officer needs, and returns an exit code (`error::exit`).

mod logs;
mod publish;
mod redact;
mod render;
mod review;
mod rules;
mod scan;
mod text;
mod verify;

pub use crate::config::{replaced_rules_note, rules as load_rules};
pub use logs::merge_logs;
pub use publish::publish;
pub use redact::redact;
pub use render::render;
pub use review::review;
pub use rules::{rules_check, rules_list};
pub use scan::scan;
pub use text::text;
pub use verify::verify;

use crate::cli::RuleArgs;
use crate::error::Result;
use crate::rules::RuleSet;
use std::path::PathBuf;

/// The rules (`--rules`, `--allow`, `--terms`) and the inputs of a command (folders: PDFs, and text
/// files with `text`); an error means exit code 2.
pub(crate) fn rules_and_inputs(
    r: &RuleArgs,
    inputs: &[PathBuf],
    text: bool,
) -> Result<(RuleSet, Vec<crate::batch::Input>)> {
    Ok((
        crate::config::rules(r)?,
        crate::batch::discover(inputs, text)?,
    ))
}
