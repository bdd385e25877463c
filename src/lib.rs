//! foiredact: truly redact personal data from UK FOI decision PDFs and split them into Part 1 and Part 2.
//!
//! The pipeline, one module per stage, plain data between them:
//!
//! ```text
//!  bytes ─ pdf::load ─> Document ─ pdf::sanitize::flatten_form_fields (form fields drawn into pages)
//!        ─ pdf::extract ─> glyphs (+ pdf::ocr for pages without text) ─ layout ─> PageText
//!                                                                        │  (text + byte→glyph map)
//!        rules (TOML, compiled once) ─ detect ─> Findings (+ ids; decisions applied), Part headings
//!                                                                        │
//!                                                            plan ─> DocPlan (per part: glyphs to drop
//!                                                                        │  or move, boxes, images to
//!                                                                        │  blank or remove, other part)
//!          per part: clone ─ pdf::rewrite (glyphs, paths, images, boxes) ─ pdf::sanitize::build_part
//!                    (pages, hidden channels; pdf::structure tags; pdf::subset unused glyphs) ─ save
//!                    ─ verify (reload, re-extract/OCR, prove clean; what OCR of the output reads anew
//!                                                                        │  goes back to plan)
//!      output (atomic writes, on a writer thread) <─ batch (one file per job over --jobs workers, logs, exit code)
//!
//!  .txt ─ text (pages at form feeds) ─ detect ─> Findings ─ Part split, [REDACTED s40(2)] ─ verify ─> output
//!
//!  redact output folder ─ publish: per document log, Part 1 (and Part 2) PDF ─ pipeline::read_pages
//!        ─ metadata (rules/publish.toml, decisions title=/number=/date=) ─> title, number, date
//!        ─ pdf::sanitize::label_for_publication (/Title, /Lang, DisplayDocTitle) ─ proven unchanged
//!        ─ publish::index ─> index.html, index.csv, index.json ─ output (atomic, public) ─> site folder
//! ```
//!
//! `pipeline` chains the stages for one document in memory (and makes review copies); `batch` runs it
//! over many files (a `.txt` input through `text` instead); `publish` turns a finished output folder into
//! a release; `commands` turns each subcommand into calls of those. Only `output` writes files.
//! Only `pdf::rewrite` and `pdf::sanitize` (with its helpers `pdf::structure` and `pdf::subset`) change a
//! document; `detect`, `plan`, `decisions`, `text`, `text_fold` and
//! `metadata` know no PDF types. `text_fold` is the one definition of "the same text" (Unicode forms,
//! look-alike letters, invisible characters, words hyphenated at a line end): rules, terms, Part
//! headings, verification and `verify` all match through it. Personal data travels in `error::Sensitive` and reaches no log or error
//! message unless the user passes `--log-text`. `memory` is the counting allocator behind
//! `--max-memory-mb`; `profile` times the stages for developers (`FOIREDACT_PROFILE=1`).

pub mod batch;
pub mod cli;
pub mod commands;
pub mod config;
pub mod decide;
pub mod decisions;
pub mod detect;
pub mod driver;
pub mod error;
pub mod exemption;
pub mod formats;
pub mod geom;
pub mod hash;
pub mod layout;
pub mod memory;
pub mod metadata;
pub mod model;
pub mod output;
pub mod pdf;
pub mod pipeline;
pub mod plan;
pub mod profile;
pub mod publish;
pub mod read;
pub mod review;
pub mod rules;
pub mod settings;
pub mod text;
pub mod text_fold;
pub mod verify;
