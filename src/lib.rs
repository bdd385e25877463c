//! foiredact: truly redact personal data from UK FOI decision PDFs and split them into Part 1 and Part 2.
//!
//! The pipeline, one module per stage, plain data between them:
//!
//! ```text
//!  bytes ─ pdf::load ─> Document ─ pdf::extract ─> glyphs ─ layout ─> PageText (text + byte→glyph map)
//!                                                                        │
//!                                rules (TOML, compiled once) ─ detect ─> Findings, Part headings
//!                                                                        │
//!                                                            plan ─> DocPlan (per part: glyphs to drop,
//!                                                                        │     boxes, other part's region)
//!          per part: clone ─ pdf::rewrite ─ pdf::sanitize ─ save ─ verify (reload, re-extract, prove clean)
//!                                                                        │
//!                                         output (atomic writes) <─ batch (files in parallel, logs, exit code)
//! ```
//!
//! `pipeline` chains the stages for one document in memory; `batch` runs it over many files and is the
//! only caller of `output`. Only `pdf::rewrite` and `pdf::sanitize` change a document; `detect` and `plan`
//! know no PDF types. Personal data travels in `error::Sensitive` and reaches no log or error message
//! unless the user passes `--log-text`.

pub mod batch;
pub mod cli;
pub mod commands;
pub mod decisions;
pub mod detect;
pub mod error;
pub mod geom;
pub mod layout;
pub mod model;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod plan;
pub mod rules;
pub mod verify;
