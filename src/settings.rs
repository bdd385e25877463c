//! How one document is processed: the settings every stage reads (limits, layout, OCR, labels),
//! resolved from the command line by `config`. Plain data.

use crate::pdf::{extract, load};
use crate::plan;

/// Settings for processing documents.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub password: Option<String>,
    pub load: load::LoadLimits,
    pub extract: extract::ExtractLimits,
    /// Wall-clock limit for one file (none: no limit).
    pub time_limit: Option<std::time::Duration>,
    /// Safe (width-hiding, the default) or exact layout of the rest of a redacted line.
    pub layout: plan::Layout,
    /// Which pages are read with OCR.
    pub ocr: OcrMode,
    /// Which output pages are rendered and read by OCR to be checked by eye (`--verify-visual`).
    pub visual: crate::verify::VisualMode,
    /// Give OCR'd pages an invisible text layer of the words kept (`--ocr-layer`).
    pub ocr_layer: bool,
    /// Let pages through whose text cannot be read (undecodable fonts, scans OCR cannot read or
    /// trust): what can be read is redacted, the rest is published unchecked (`--allow-unreadable`).
    pub allow_unreadable: bool,
    /// Mean word confidence under which an OCR'd page declines the file (default
    /// [`MIN_OCR_CONFIDENCE`]).
    pub min_ocr_confidence: Option<f64>,
    /// What the boxes show.
    pub label: crate::model::LabelMode,
    /// Keep link annotations to web addresses that hold no finding and lie over no box.
    pub keep_links: bool,
    /// Leave embedded fonts whole, with the glyphs only redacted text used (for comparison only).
    pub keep_unused_glyphs: bool,
    /// Decline a document that has a Part 1 heading or mentions a Part 2 but has no Part 2 heading.
    pub require_parts: bool,
    /// The texts the rest of the batch redacts, redacted here too (`--consistent`).
    pub consistent: Option<std::sync::Arc<crate::detect::spread::BatchTexts>>,
}

/// Which pages OCR reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OcrMode {
    /// Pages without a usable text layer.
    #[default]
    Auto,
    /// Also scans that have a text layer.
    Always,
    /// None: pages that would need it are declined.
    Never,
}

/// The mean word confidence below which an OCR'd page is not trusted.
pub const MIN_OCR_CONFIDENCE: f64 = 40.0;
