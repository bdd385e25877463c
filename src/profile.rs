//! Stage timings for developers: with `FOIREDACT_PROFILE=1` in the environment, the time spent in each
//! pipeline stage (summed over files and threads, so CPU time rather than wall time) is printed to
//! stderr when a batch ends. Off by default; when off a timer costs one relaxed atomic load.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// A pipeline stage that is timed.
#[derive(Clone, Copy, Debug)]
pub enum Stage {
    Load,
    Extract,
    Layout,
    Detect,
    Plan,
    Clone,
    Rewrite,
    Sanitize,
    Prune,
    Save,
    Verify,
    Write,
}

const NAMES: [&str; 12] = [
    "load", "extract", "layout", "detect", "plan", "clone", "rewrite", "sanitize", "prune", "save",
    "verify", "write",
];

static TOTALS: [AtomicU64; 12] = [const { AtomicU64::new(0) }; 12];
static ON: OnceLock<bool> = OnceLock::new();
static PRINTED: AtomicBool = AtomicBool::new(false);

fn on() -> bool {
    *ON.get_or_init(|| std::env::var_os("FOIREDACT_PROFILE").is_some_and(|v| v != "0"))
}

/// Times `f` as `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    if !on() {
        return f();
    }
    let t = Instant::now();
    let r = f();
    TOTALS[stage as usize].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    r
}

/// Prints the totals (once), when profiling is on.
pub fn report() {
    if !on() || PRINTED.swap(true, Ordering::Relaxed) {
        return;
    }
    let all: u64 = TOTALS.iter().map(|t| t.load(Ordering::Relaxed)).sum();
    let mut line = String::from("foiredact profile (ms):");
    for (n, t) in NAMES.iter().zip(&TOTALS) {
        let v = t.load(Ordering::Relaxed);
        line.push_str(&format!(
            " {n}={} ({:.0}%)",
            v / 1_000_000,
            100.0 * v as f64 / all.max(1) as f64
        ));
    }
    eprintln!("{line}");
}
