//! Command-line interface: clap structs and help text. Never opens files.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  foiredact redact decisions/ --out release/
  foiredact redact decision-086.pdf --out release/ --terms names.txt
  foiredact redact decisions/ --out release/ --add-rules our-extra-rules.toml --jobs 4
  foiredact review decisions/ --out review/
  foiredact redact decisions/ --out release/ --decisions review/ --reviewer \"A. Officer\"
  foiredact redact decisions/ --out release/ --publish site/
  parallel -N0 -j3 foiredact redact decisions/ --out release/ --shard auto --shard-count 3 ::: 1 2 3
  foiredact merge-logs release/ --out release/
  foiredact publish release/ --site site/ --decisions review/
  foiredact text decision-086.pdf --page 2
  foiredact rules check rules/

Exit codes:
  0  every file was redacted, verified and written
  1  some file was declined or failed (the reason is in summary.json and on stderr); the others were written
  2  bad arguments, rule files or folders, nothing to do, or outputs of an earlier run in --out (without
     --overwrite or --resume): nothing was written";

const PUBLISH_HELP: &str = "\
Examples:
  foiredact publish release/ --site site/
  foiredact publish release/ --site site/ --decisions review/ --terms names.txt --overwrite
  foiredact publish release/ --site site/ --include-part2 --site-title \"Decisions of the Commissioner\"

Give the same --rules, --terms and --allow as to redact: no title, number or date in which they find
anything is used.

Exit codes:
  0  every document was published
  1  some document could not be read or labelled (the reason is on stderr); the others were published
  2  bad arguments, rule files or folders, or an earlier publication in --site without --overwrite";

#[derive(Debug, Parser)]
#[command(name = "foiredact", version, about = "Truly redact personal data from FOI decision PDFs and split them into Part 1 and Part 2", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Redact PDFs (and plain-text .txt files): writes <stem>.part1.pdf, <stem>.part2.pdf (.txt for a
    /// text input) and <stem>.redactions.json per input, and redactions.csv and summary.json for the
    /// batch.
    #[command(after_help = AFTER_HELP)]
    Redact(Box<RedactArgs>),
    /// Make a release folder from the output of `redact`: every Part 1 PDF (with --include-part2, the
    /// Part 2s too) under a stable name (decision number and title), with a clean title, language and
    /// DisplayDocTitle, and index.html, index.csv and index.json listing title, decision number, date,
    /// pages, size and the exemptions applied. Titles, numbers and dates are read from each redacted
    /// document's own text (rules/publish.toml) or set in its decisions file (title=, number=, date=
    /// rows). Never changes the redact folder.
    #[command(after_help = PUBLISH_HELP)]
    Publish(PublishArgs),
    /// Write a review copy for each input: `<stem>.review.pdf` (the original pages, every proposed
    /// redaction outlined with its id and exemption, a REVIEW COPY band; nothing removed: never
    /// publish it; for a .txt input `<stem>.review.txt`, each proposal marked [[...]]{id exemption})
    /// and `<stem>.decisions.csv` (one row per proposed redaction: id p<page>-r<n>, its fingerprint,
    /// decision = redact).
    /// Edit the decisions (keep, another exemption, added text=... or rect=page,x0,y0,x1,y1 rows), then
    /// run `redact --decisions`.
    ///
    /// For a PDF also `<stem>.marked.pdf`: the original document with one /Redact annotation per
    /// proposal (the exemption as its overlay text, the id and category in its comment), shown as
    /// "marked for redaction" by Acrobat, PDF-XChange, Foxit or Okular; nothing is applied. It holds
    /// the personal data of the original (as the review copy does): keep it with the review files,
    /// never publish it. Review in the editor, then `redact INPUT --decisions <stem>.marked.pdf`: a
    /// deleted mark keeps its text; a changed overlay text is another exemption; a redaction mark,
    /// rectangle or highlight you add redacts its area; never apply the redactions in the editor.
    ///
    /// With --serve, review in a browser instead: a local server (127.0.0.1 only) shows each page with
    /// its proposals, saves every decision at once to the decisions file, and "Apply" redacts the
    /// documents marked reviewed into --out.
    #[command(after_help = REVIEW_HELP)]
    Review(ReviewArgs),
    /// Report what would be redacted, without writing any PDF: file, page, part, rule, category,
    /// exemption, and the text masked (first letter and length) unless --log-text.
    Scan(ScanArgs),
    /// Print the text the rules see on each page (like pdftotext), or every glyph with --json; a .txt
    /// file's pages (split at form feeds) as `redact` reads them.
    Text(TextArgs),
    /// Render pages to PNG images as a reader sees them (the renderer the page-as-pixels checks use):
    /// `<stem>-<page>.png` in --out. To look at a page, or at an output, without a PDF viewer.
    #[command(after_help = RENDER_HELP)]
    Render(RenderArgs),
    /// Report every place in PDFs (and .txt files) where any of the terms survives: page text, a
    /// scan's pixels (read by OCR; without tesseract such a file is not checked), any decompressed
    /// stream or string, metadata, annotations, form fields, bookmarks, attachments (a text file: its
    /// lines). Exit code 1 if any term is found, 3 if a file cannot be read (not
    /// checked), 2 for bad arguments.
    Verify {
        /// PDFs or .txt files to check (e.g. the outputs of `redact`).
        #[arg(required = true)]
        pdfs: Vec<PathBuf>,
        /// The words or phrases that must not be there, one per line.
        #[arg(long, value_name = "FILE")]
        terms: PathBuf,
        /// Show the terms found instead of their first letter and length.
        #[arg(long)]
        log_text: bool,
        /// Password for encrypted files.
        #[arg(long, value_name = "PASSWORD")]
        password: Option<String>,
        /// Files checked in parallel (default: the number of cores).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Combine the batch logs (summary, schedule) of several output folders or shards into one.
    MergeLogs {
        /// Output folders of earlier runs (or one folder holding several shards' logs).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged summary.json and redactions.csv.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Check or list rule files.
    #[command(subcommand)]
    Rules(RulesCmd),
}

#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Rule files (TOML) or folders of them, added to the built-in rules (the usual need). Repeatable.
    #[arg(long = "add-rules", value_name = "FILE|DIR")]
    pub add_rules: Vec<PathBuf>,
    /// Rule files (TOML) or folders of them that REPLACE the built-in rules (stderr names the
    /// categories no rule then covers; to add a rule, use --add-rules). Repeatable.
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Words or phrases to redact, one per line (case-insensitive, whole words, any white space between
    /// the words of a phrase, even a line break). Added to the rules.
    #[arg(long, value_name = "FILE")]
    pub terms: Option<PathBuf>,
    /// Words or phrases the rules must never redact, one per line (e.g. the names of senior officials
    /// whose names are published). Added to the allow rules; --terms still redact them.
    #[arg(long, value_name = "FILE")]
    pub allow: Option<PathBuf>,
    /// Keep the signatory of a letter (the line after "Yours sincerely," or "Kind regards"): an officer
    /// signing for the body. Off by default: the signatory is redacted like any other name.
    #[arg(long)]
    pub keep_signatory: bool,
}

/// How a release is published (`publish`, and `redact --publish`).
#[derive(Debug, Args, Clone)]
pub struct PublishOpts {
    /// Also publish each document's Part 2 (released on request), named `...-part-2.pdf`.
    #[arg(long)]
    pub include_part2: bool,
    /// The title and heading of index.html.
    #[arg(long, value_name = "TEXT", default_value = crate::publish::DEFAULT_SITE_TITLE)]
    pub site_title: String,
    /// The documents' language (a BCP 47 tag), set in each published PDF and on index.html.
    #[arg(long, value_name = "TAG", default_value = crate::publish::DEFAULT_LANG)]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The --out folder of an earlier `redact` run (read only).
    #[arg(value_name = "REDACT-OUT")]
    pub redact_out: PathBuf,
    /// The release folder to write.
    #[arg(long, value_name = "DIR")]
    pub site: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Decisions files (as for `redact --decisions`): their title=, number= and date= rows set what the
    /// index shows for their document.
    #[arg(long, value_name = "FILE|DIR")]
    pub decisions: Option<PathBuf>,
    /// Replace an earlier publication in --site (and remove the PDFs its index listed that this one
    /// does not).
    #[arg(long)]
    pub overwrite: bool,
    #[command(flatten)]
    pub opts: PublishOpts,
}

/// Limits for one input; a file over one is declined with the limit named.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct LimitArgs {
    /// Largest input file, in MB.
    #[arg(long, value_name = "MB", default_value_t = 2048)]
    pub max_input_mb: u64,
    /// Largest decompressed stream (page content, Form XObject, object stream), in MB: a
    /// decompression bomb stops here, without allocating the rest.
    #[arg(long, value_name = "MB", default_value_t = 64)]
    pub max_stream_mb: usize,
    /// Most bytes one file's page contents may decompress to in all, in MB.
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    pub max_file_decompressed_mb: usize,
    /// Most objects in one file.
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    pub max_objects: usize,
    /// Most pages in one file.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_pages: usize,
    /// Most operators in one content stream.
    #[arg(long, value_name = "N", default_value_t = 5_000_000)]
    pub max_operators: usize,
    /// Deepest nesting of arrays and dictionaries in a content stream.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_nesting: usize,
    /// Deepest nesting of Form XObjects (a cycle is always declined).
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub max_form_depth: usize,
    /// Most glyphs (and most vector paths) on one page.
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    pub max_glyphs: usize,
    /// Memory the whole run may use, in MB (files in parallel share it; 0: no limit). A file that
    /// finds the run over it is declined with that reason.
    #[arg(long, value_name = "MB", default_value_t = 8192)]
    pub max_memory_mb: usize,
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// PDF or plain-text (.txt) files, or folders searched recursively for *.pdf and *.txt. Outputs
    /// mirror each file's path relative to the folder given.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub consistent: ConsistentArgs,
    /// Files processed in parallel (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Replace existing outputs (and remove stale ones of the same input).
    #[arg(long)]
    pub overwrite: bool,
    /// Put the redacted text itself in the logs (redactions.json, redactions.csv). Off by default: the
    /// logs then hold no personal data.
    #[arg(long)]
    pub log_text: bool,
    /// Password for encrypted inputs.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// How the rest of a redacted line is laid out. `safe` (the default): the box's width is the
    /// redacted text's rounded up to a multiple of --bucket-em ems, and the line is re-set from its
    /// start with the glyphs' own widths, so nothing on the page reveals the redacted text's exact
    /// width. `exact`: every remaining glyph stays where it was -- WARNING: the box and the gap then
    /// keep the exact width of the redacted text, from which a name can often be guessed.
    #[arg(long, value_enum, default_value_t = LayoutArg::Safe)]
    pub layout: LayoutArg,
    /// What each box shows in white: its exemption code (`code`, the default), its category, or nothing.
    #[arg(long, value_enum, default_value_t = LabelArg::Code)]
    pub label: LabelArg,
    /// Keep links to web addresses (http, https) whose address holds nothing personal and that lie over
    /// no redaction. Without it every annotation goes, links included.
    #[arg(long)]
    pub keep_links: bool,
    /// Leave the embedded fonts whole. By default a glyph that only redacted text used leaves them
    /// (its outline, width, name and character-map entry would say which letters the text had); this
    /// is for comparing outputs only.
    #[arg(long, hide_short_help = true)]
    pub keep_unused_glyphs: bool,
    /// Decline a document that has a Part 1 heading, or mentions a Part 2 ("see Part II"), but in
    /// which no Part 2 heading is found (without it: a warning, and `part2_heading_missing` in
    /// summary.json).
    #[arg(long)]
    pub require_parts: bool,
    /// Accepted for scripts that ask for it: outputs are always deterministic (the same inputs, rules
    /// and settings give byte-identical outputs at any --jobs).
    #[arg(long)]
    pub deterministic: bool,
    /// With --layout safe: box widths are rounded up to a multiple of this many ems.
    #[arg(long, value_name = "EMS", default_value_t = 3.0)]
    pub bucket_em: f64,
    /// With --layout safe: a name's box that fewer than N names of the reference lists (first names
    /// and surnames, combined as the names rule combines them) would make as wide, in its font and
    /// size, is widened bucket by bucket until N would. Every name box logs its count (`anonymity`);
    /// summary.json gives the smallest.
    #[arg(long, value_name = "N")]
    pub min_anonymity: Option<u64>,
    /// The officer's decisions (`review` writes them): a decisions CSV or a marked PDF
    /// (`<stem>.marked.pdf`, edited in a PDF editor) for one input, or a folder of
    /// `<stem>.decisions.csv` files mirroring the inputs. Exactly those decisions are applied; a
    /// proposal without a row is redacted and reported as having no decision.
    #[arg(long, value_name = "FILE|DIR")]
    pub decisions: Option<PathBuf>,
    /// Who decided, recorded with every decision in the logs (default: your login name).
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Pages as pixels: `auto` reads with Tesseract OCR (the `tesseract` program must be installed)
    /// every scanned page (a scan's own text layer is read too, and both readings are redacted by),
    /// and the parts of text pages only the image shows (text drawn as outlines, a picture of text
    /// such as a pasted screenshot, glyphs with no Unicode), rendering the page; what the rules find
    /// there is removed by area (glyphs, drawings, pixels) and the output read again. `always` is
    /// `auto` (kept for old scripts); `never` reads nothing from pixels and declines pages that would
    /// need it.
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Check outputs by eye: render output pages and read them with OCR, so that text the text layer
    /// does not carry (a picture of text, text drawn as outlines, glyphs with no Unicode) is proven
    /// gone too. `auto` checks the pages that hold such regions, `all` every page (slow), `never`
    /// none (scans are always read again, and glyphs with no Unicode, which only the eye can prove).
    #[arg(long, value_enum, default_value_t = VisualArg::Auto)]
    pub verify_visual: VisualArg,
    /// Give every page read by OCR an invisible text layer of the words it kept (not the redacted
    /// ones), so that the published scan can be searched, as OCRmyPDF would make it.
    #[arg(long)]
    pub ocr_layer: bool,
    /// A page read by OCR whose mean word confidence (0-100) is under this declines the file rather
    /// than being published unread.
    #[arg(long, value_name = "N", default_value_t = 40.0)]
    pub min_ocr_confidence: f64,
    /// Publish pages whose text cannot be read (a font with no Unicode mapping, a scan OCR cannot read
    /// or trust) instead of declining the file. What can be read is redacted as usual; the rest is
    /// published UNCHECKED, and summary.json lists those pages. Use only after looking at them.
    #[arg(long)]
    pub allow_unreadable: bool,
    /// Skip inputs whose outputs (from an interrupted or earlier run) are complete and current: same
    /// input bytes, rules, terms, settings and tool version. The rest (and any half-done file) is redone.
    #[arg(long)]
    pub resume: bool,
    /// Process only share K of N of the inputs (by a hash of each input's relative path, K from 1 to
    /// N), e.g. `2/8`, so that N machines or jobs can split a batch, into one output folder or
    /// several. Batch logs are then named `summary.shard-K-of-N.json` etc.; `foiredact merge-logs`
    /// combines them.
    ///
    /// `auto` takes K from the scheduler that started the run: a Kubernetes Indexed Job
    /// (JOB_COMPLETION_INDEX + 1), a Slurm job array ((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) /
    /// SLURM_ARRAY_TASK_STEP + 1, N = SLURM_ARRAY_TASK_COUNT), an AWS Batch array job
    /// (AWS_BATCH_JOB_ARRAY_INDEX + 1) or GNU parallel (PARALLEL_SEQ); N from --shard-count where the
    /// scheduler does not say it. None of them set, two of them set, or a value that is not a whole
    /// number in range is refused (exit 2). Examples:
    ///
    ///   parallel -N0 -j3 foiredact redact in --out out --shard auto --shard-count 3 ::: 1 2 3
    ///
    ///   sbatch --array=1-8 ... foiredact redact in --out out --shard auto
    ///
    ///   (Kubernetes, completions: 8) foiredact redact /in --out /out --shard auto --shard-count 8
    #[arg(long, value_name = "K/N|auto", value_parser = parse_shard, verbatim_doc_comment)]
    pub shard: Option<ShardArg>,
    /// With `--shard auto`: how many shares there are (the array's size, the Job's completions, the
    /// number of GNU parallel jobs). A Slurm array says it itself (a count given must agree).
    #[arg(long, value_name = "N", requires = "shard")]
    pub shard_count: Option<u64>,
    /// Wall-clock limit for one file, in seconds; a file over it is declined with that reason.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub time_limit: u64,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// After redacting, publish the release into this folder, as `foiredact publish` does (with the
    /// same rules, terms and decisions).
    #[arg(long, value_name = "DIR")]
    pub publish: Option<PathBuf>,
    #[command(flatten)]
    pub publish_opts: PublishOpts,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--shard`: a share given (`K/N`, 1 <= K <= N) or `auto` (from the scheduler's variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    Fixed { k: u64, n: u64 },
    Auto,
}

fn parse_shard(s: &str) -> Result<ShardArg, String> {
    if s.trim() == "auto" {
        return Ok(ShardArg::Auto);
    }
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 2/8, or auto")?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| "K is not a number")?,
        n.trim().parse().map_err(|_| "N is not a number")?,
    );
    if n == 0 || k == 0 || k > n {
        return Err("need 1 <= K <= N".into());
    }
    Ok(ShardArg::Fixed { k, n })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LabelArg {
    Code,
    Category,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
pub enum VisualArg {
    Auto,
    All,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OcrArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    Safe,
    Exact,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// PDF or plain-text (.txt) files, or folders searched recursively for *.pdf and *.txt.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder for the review copies, decisions files and marked PDFs.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub consistent: ConsistentArgs,
    /// Put the proposed texts themselves in the decisions file (masked by default).
    #[arg(long)]
    pub log_text: bool,
    /// Replace existing review files.
    #[arg(long)]
    pub overwrite: bool,
    /// Password for encrypted inputs.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Files processed in parallel (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// After writing the review files, serve the review in a browser: prints an address on
    /// 127.0.0.1 holding a random key (open it in your browser; Ctrl+C stops). Every decision is
    /// saved at once to the decisions file; "Apply" redacts the documents marked reviewed into --out.
    #[arg(long)]
    pub serve: bool,
    /// The port to serve on with --serve (default: any free port).
    #[arg(long, value_name = "N", requires = "serve")]
    pub port: Option<u16>,
}

/// `--consistent` / `--no-consistent`.
#[derive(Debug, Args, Clone, Copy)]
pub struct ConsistentArgs {
    /// One request, one decision per text (the default for a batch of more than one file): a text
    /// redacted in one file of the batch (found by a rule, a term or the officer's decision) is
    /// redacted wherever it occurs in every other file, and a name's surname with it; the schedule's
    /// `cause` column says why (`consistent:<file>#<id>`). The batch is read twice; with --shard,
    /// every shard reads the whole batch in the first pass (use --no-consistent for a batch of
    /// unrelated requests).
    #[arg(long, overrides_with = "no_consistent")]
    pub consistent: bool,
    /// Treat each file of the batch on its own (for a batch of unrelated requests).
    #[arg(long, overrides_with = "consistent")]
    pub no_consistent: bool,
}

impl ConsistentArgs {
    /// Whether the batch is consistent.
    pub fn on(&self) -> bool {
        !self.no_consistent
    }
}

const REVIEW_HELP: &str = "Examples:
  foiredact review decisions/ --out review/
  foiredact review decision-0412.pdf --out review/ --serve
  foiredact review decisions/ --out review/ --serve --port 8421 --overwrite";

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// PDF or plain-text (.txt) files, or folders searched recursively for *.pdf and *.txt.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub consistent: ConsistentArgs,
    /// One JSON object per finding, one per line.
    #[arg(long)]
    pub json: bool,
    /// Show the text itself instead of its first letter and length.
    #[arg(long)]
    pub log_text: bool,
    /// Password for encrypted inputs.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Files processed in parallel (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    /// The PDF (or .txt file) to read.
    pub pdf: PathBuf,
    /// Only this page (1-based).
    #[arg(long)]
    pub page: Option<usize>,
    /// Print every glyph with its Unicode, bounding box, font and operation, as JSON.
    #[arg(long)]
    pub json: bool,
    /// Read scanned pages with OCR as `redact` does (`auto`, `always`), or not (`never`).
    #[arg(long, value_enum, default_value_t = OcrArg::Auto)]
    pub ocr: OcrArg,
    /// Password for an encrypted input.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
}

const RENDER_HELP: &str = "Examples:
  foiredact render out/decision-0412.part1.pdf --out pages/
  foiredact render decision-0412.pdf --page 3 --dpi 300 --out pages/";

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The PDF to render.
    pub pdf: PathBuf,
    /// Folder for the images (made if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only this page (1-based).
    #[arg(long)]
    pub page: Option<usize>,
    /// Resolution in dots per inch (a page larger than 7000 pixels a side is rendered smaller).
    #[arg(long, default_value_t = 150.0, value_parser = dpi)]
    pub dpi: f64,
    /// Password for an encrypted input.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
}

fn dpi(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (10.0..=1200.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a resolution from 10 to 1200 dpi")),
    }
}

#[derive(Debug, Subcommand)]
pub enum RulesCmd {
    /// Validate rule files: syntax, unknown keys, regexes, and every rule's examples and non-examples.
    Check {
        /// Rule files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List the rules (the built-in defaults unless --rules is given).
    List {
        #[arg(long = "rules", value_name = "FILE|DIR")]
        rules: Vec<PathBuf>,
    },
}
