//! foiredact: truly redact personal data from UK FOI decision PDFs and split them into Part 1 and Part 2.
//!
//! The pipeline of one document, one module per stage, plain data between them:
//!
//! ```text
//!  bytes ─ read: pdf::load ─> Document ─ pdf::sanitize::flatten_form_fields (form fields drawn into pages)
//!        ─ pdf::extract ─> glyphs + typed problems (triaged: a limit declines, unreadable declines
//!          unless --allow-unreadable) ─ pdf::ocr for scans (a scan's own text layer weighed against
//!          the ink) ─ pdf::eyes: what only the pixels show (text as outlines, pictures of text, glyphs
//!          with no Unicode) rendered (pdf::render) and OCR'd ─ layout ─> PageText (text + byte→glyph
//!          map; OCR's words a reading of their own)
//!                                                                        │
//!        rules (TOML, compiled once) ─ decide: detect ─> Findings, repeats, ids + fingerprints, what
//!                                       spreads (detect::spread: surnames, the batch's texts), the
//!                                       officer's decisions checked and applied; Part headings
//!                                                                        │
//!        pipeline: plan ─> DocPlan (per part: glyphs to drop or move, boxes, images to blank, the other
//!                                   part's region)            (scan and review stop here: plan_only)
//!          build_part: clone ─ pdf::rewrite (glyphs, paths, images, boxes) ─ pdf::sanitize::build_part
//!                    (pages, hidden channels; pdf::structure tags; pdf::subset unused glyphs) ─ save
//!                    ─ verify (reload, re-extract/OCR, prove clean, pages with pictures, outlines or
//!                      unmapped glyphs rendered and read by eye; what OCR of the output reads anew
//!                      goes back to plan)
//!        output (atomic writes, on a writer thread) <─ batch (per file: logs in formats, exit code;
//!          --consistent: pass one, pipeline::found per file -> the batch's texts, then pass two)
//!
//!  .txt ─ text (pages at form feeds) ─ decide ─ Part split, [REDACTED s40(2)] ─ verify ─> output
//!  redact output folder ─ publish: per document log (formats::FileLog), Part 1 (and 2) PDF ─ read_pages
//!        ─ metadata ─ pdf::sanitize::label_for_publication ─ publish::index ─ output ─> site folder
//! ```
//!
//! The layers, each importing only the ones below it (`python3 ../shared/tools/import_cycles.py src`
//! finds no loop):
//!
//! ```text
//!  main (bin) ─ app (one file per subcommand), cli (clap), config (arguments -> configuration once;
//!    shard: `--shard auto`'s share from the scheduler's variables, a pure function of them)
//!  ─ serve (`review --serve`: the review in a browser, on 127.0.0.1 with a key; its decisions saved
//!    through formats, checked by decisions and pipeline, applied by batch)
//!  ─ batch (redact over many files), publish, review (review copies, marked PDFs), driver (--jobs,
//!    progress, a panic caught per file)
//!  ─ text (plain-text inputs) ─ pipeline (one PDF: plan, build and prove its parts)
//!  ─ read (a document into pages once), decide (detection + decisions), verify (proof of an output),
//!    settings
//!  ─ stages: pdf::{load, extract, ocr, render (a page to pixels), eyes (what only pixels show), images,
//!    fonts, content, page, rewrite, sanitize, structure,
//!    subset, marks (the marked PDF read back as decisions)}, layout, detect (detect::spread:
//!    surnames and the batch's texts), plan, rules
//!    (rules::phrases, context, person, re), metadata, decisions (the decisions file read),
//!    formats (every file written: FileLog, Status, DecisionRow, ScheduleRow, MarkedIndex, output
//!    paths), output (atomic writes)
//!  ─ model (plain data: PageText, Problem, Why, BoxLog, Part, InputKind, LabelMode, DEFAULT_EXEMPTION),
//!    geom, error (typed ErrorKind; Sensitive), hash, text_fold, exemption, memory, profile
//! ```
//!
//! Only `pdf::rewrite` and `pdf::sanitize` (with their helpers `pdf::structure` and `pdf::subset`)
//! change a document; only `output` writes files. `detect`, `plan`, `decide`, `decisions`, `text`,
//! `text_fold` and `metadata` know no PDF types. Why a page cannot be read is a typed
//! `model::Problem` made where it is found, and why a file fails a typed `error::ErrorKind`: no
//! message is ever matched. `text_fold` is the one definition of "the same text" (Unicode forms,
//! look-alike letters, invisible characters, words hyphenated at a line end): rules, terms, Part
//! headings, verification and `verify` all match through it. Personal data travels in
//! `error::Sensitive` and reaches no log or error message unless the user passes `--log-text`.
//! `memory` is the counting allocator behind `--max-memory-mb`; `profile` times the stages for
//! developers (`FOIREDACT_PROFILE=1`).

pub mod app;
pub mod batch;
pub mod cli;
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
pub mod serve;
pub mod settings;
pub mod shard;
pub mod text;
pub mod text_fold;
pub mod verify;
