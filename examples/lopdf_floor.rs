//! Benchmark floor for `benches/bench.sh`: the least any lopdf-based redactor must do per file.
//!
//! For every input PDF: read the bytes, parse them with lopdf (`Document::load_mem`, as foiredact
//! does), serialise the document again (`save_to` a buffer) and write it to the output folder.
//! Nothing is extracted, searched, rewritten or verified. Prints one JSON line:
//! `{"files":N,"pages":P,"failed":F,"seconds":S,"pages_per_s":R,"threads":T}`.
//!
//! Usage: `lopdf_floor [--threads N] --out DIR FILE...` (or `@LIST` for a file holding one path a line).
//! With N > 1 the files are shared out round-robin over N plain `std::thread`s.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn usage() -> ! {
    eprintln!("usage: lopdf_floor [--threads N] --out DIR FILE|@LIST...");
    std::process::exit(2);
}

/// Loads and saves one file; returns its page count.
fn floor_one(input: &Path, out_dir: &Path, index: usize) -> Result<usize, String> {
    let bytes = std::fs::read(input).map_err(|e| format!("{}: read: {e}", input.display()))?;
    let doc =
        lopdf::Document::load_mem(&bytes).map_err(|e| format!("{}: load: {e}", input.display()))?;
    let pages = doc.get_pages().len();
    let mut doc = doc;
    let mut buf = Vec::with_capacity(bytes.len());
    doc.save_to(&mut buf)
        .map_err(|e| format!("{}: save: {e}", input.display()))?;
    let name = format!(
        "{index:06}-{}",
        input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    std::fs::write(out_dir.join(name), &buf)
        .map_err(|e| format!("{}: write: {e}", input.display()))?;
    Ok(pages)
}

fn main() {
    let mut threads = 1usize;
    let mut out: Option<PathBuf> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| usage())
            }
            "--out" => out = Some(args.next().map(PathBuf::from).unwrap_or_else(|| usage())),
            "-h" | "--help" => usage(),
            _ if a.starts_with('@') => {
                let list = std::fs::read_to_string(&a[1..]).unwrap_or_else(|e| {
                    eprintln!("lopdf_floor: cannot read list {}: {e}", &a[1..]);
                    std::process::exit(2)
                });
                files.extend(
                    list.lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(PathBuf::from),
                );
            }
            _ => files.push(PathBuf::from(a)),
        }
    }
    let out = out.unwrap_or_else(|| usage());
    if files.is_empty() {
        usage();
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("lopdf_floor: cannot create {}: {e}", out.display());
        std::process::exit(2);
    }

    let start = Instant::now();
    let threads = threads.min(files.len());
    let results: Vec<(usize, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let files = &files;
                let out = &out;
                s.spawn(move || {
                    let (mut pages, mut failed) = (0usize, 0usize);
                    for (i, f) in files.iter().enumerate().skip(t).step_by(threads) {
                        match floor_one(f, out, i) {
                            Ok(p) => pages += p,
                            Err(e) => {
                                eprintln!("lopdf_floor: {e}");
                                failed += 1;
                            }
                        }
                    }
                    (pages, failed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    let pages: usize = results.iter().map(|r| r.0).sum();
    let failed: usize = results.iter().map(|r| r.1).sum();
    println!(
        "{{\"files\":{},\"pages\":{},\"failed\":{},\"seconds\":{:.6},\"pages_per_s\":{:.3},\"threads\":{}}}",
        files.len(),
        pages,
        failed,
        seconds,
        pages as f64 / seconds.max(1e-9),
        threads
    );
    if failed > 0 {
        std::process::exit(1);
    }
}
