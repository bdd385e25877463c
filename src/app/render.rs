//! `foiredact render`: pages as PNG images, drawn by the renderer the page-as-pixels checks use.

use crate::cli::RenderArgs;
use crate::error::exit;
use crate::pdf::render;
use std::sync::Arc;

pub fn render(a: RenderArgs) -> u8 {
    let bytes = match std::fs::read(&a.pdf) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("foiredact: {}: {e}", a.pdf.display());
            return exit::SOME_FAILED;
        }
    };
    // The page count as the text reader sees it: pages are named alike by both readers.
    let count =
        match crate::pdf::load::load_repaired(&bytes, a.password.as_deref(), &Default::default()) {
            Ok((d, _)) => d.get_pages().len(),
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(&a.pdf));
                return exit::SOME_FAILED;
            }
        };
    let pages: Vec<usize> = match a.page {
        Some(n) if n == 0 || n > count => {
            eprintln!(
                "foiredact: {}: there is no page {n} (the file has {count})",
                a.pdf.display()
            );
            return exit::USAGE;
        }
        Some(n) => vec![n],
        None => (1..=count).collect(),
    };
    if let Err(e) = std::fs::create_dir_all(&a.out) {
        eprintln!("foiredact: {}: {e}", a.out.display());
        return exit::USAGE;
    }
    let stem = a
        .pdf
        .file_stem()
        .map_or_else(|| "page".into(), |s| s.to_string_lossy().into_owned());
    let indices: Vec<usize> = pages.iter().map(|n| n - 1).collect();
    let rasters = render::render_pages(
        Arc::new(bytes),
        a.password.as_deref(),
        &indices,
        a.dpi,
        Some(count),
        render::PAGE_TIME,
    );
    let mut code = exit::OK;
    for (n, r) in pages.iter().zip(rasters) {
        let png = r.and_then(|r| r.png());
        let path = a.out.join(format!("{stem}-{n}.png"));
        match png.map_err(|p| crate::read::problem_error(&p.on_page(*n))) {
            Ok(png) => {
                if let Err(e) = crate::output::write_atomic(&path, &png, true) {
                    eprintln!("foiredact: {}: {e}", path.display());
                    code = exit::SOME_FAILED;
                }
            }
            Err(e) => {
                eprintln!("foiredact: {}", e.with_path(&a.pdf));
                code = exit::SOME_FAILED;
            }
        }
    }
    code
}
