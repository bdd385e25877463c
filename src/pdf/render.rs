//! The page as pixels: a page rendered as a reader sees it, for OCR where the text layer cannot be
//! trusted (text drawn as outlines, a picture of text, glyphs with no Unicode) and to check outputs by
//! eye.
//!
//! The renderer is `hayro` (pure Rust, in process; chosen over poppler's `pdftoppm` by the figures in
//! `benches/README.md`). It reads the file's bytes with its own parser, so a page is named by its
//! 0-based index in the page tree, as lopdf's page order has it; a file whose page count differs
//! between the two readers is not rendered (the caller keeps its problem). Rendering runs on a thread
//! of its own with a time limit, and a panic in the renderer is caught: either is a [`Problem`] for the
//! page, never a crash or a hang of the batch. Pages are rendered at most [`MAX_SIDE`] pixels a side.

use crate::geom::{Matrix, Rect};
use crate::model::Problem;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest side of a rendered page, in pixels (a poster-sized page is rendered at a lower resolution).
pub const MAX_SIDE: f64 = 7000.0;

/// Time allowed to render one page.
pub const PAGE_TIME: Duration = Duration::from_secs(60);

/// Resolution at which pages are rendered to be read by OCR.
pub const OCR_DPI: f64 = 300.0;

/// A rendered page (or a region of one): 8-bit grey, rows top to bottom.
#[derive(Clone)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub gray: Vec<u8>,
    /// From a pixel position (x right, y down, in pixels) to the page's user space.
    pub to_page: Matrix,
    /// The renderer could not decode an image of the page: what it shows there may not be what a
    /// reader shows. (A font it cannot draw shows as no ink, which `pdf::eyes` checks.)
    pub failed: Failed,
}

/// What the renderer could not draw on a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failed {
    pub image: bool,
}

impl Raster {
    /// The part of the raster over `area` (in page space), with `to_page` adjusted; `None` when the
    /// area misses the raster.
    pub fn crop(&self, area: &Rect) -> Option<Raster> {
        let inv = invert(&self.to_page)?;
        let r = area.transform(&inv);
        let x0 = r.x0.floor().max(0.0) as u32;
        let y0 = r.y0.floor().max(0.0) as u32;
        let x1 = (r.x1.ceil().max(0.0) as u32).min(self.width);
        let y1 = (r.y1.ceil().max(0.0) as u32).min(self.height);
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        let mut gray = Vec::with_capacity((w * h) as usize);
        for y in y0..y1 {
            let row = (y * self.width) as usize;
            gray.extend_from_slice(&self.gray[row + x0 as usize..row + x1 as usize]);
        }
        Some(Raster {
            width: w,
            height: h,
            gray,
            to_page: Matrix::translate(x0 as f64, y0 as f64).then(&self.to_page),
            failed: self.failed,
        })
    }

    /// The raster as a binary PGM image (what Tesseract reads).
    pub fn pgm(&self) -> Vec<u8> {
        let mut v = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        v.extend_from_slice(&self.gray);
        v
    }

    /// The raster as a PNG image (what `foiredact render` writes for the officer to look at).
    pub fn png(&self) -> Result<Vec<u8>, Problem> {
        let mut pix = hayro::vello_cpu::Pixmap::new(
            u16::try_from(self.width).map_err(|_| Problem::limit("the page is too large"))?,
            u16::try_from(self.height).map_err(|_| Problem::limit("the page is too large"))?,
        );
        for (p, &g) in pix.data_mut().iter_mut().zip(&self.gray) {
            p.r = g;
            p.g = g;
            p.b = g;
            p.a = 255;
        }
        pix.into_png()
            .map_err(|e| Problem::unreadable(format!("the page image cannot be encoded: {e}")))
    }
}

/// The inverse of an affine matrix (`None` when it is singular).
pub fn invert(m: &Matrix) -> Option<Matrix> {
    let [a, b, c, d, e, f] = m.0;
    let det = a * d - b * c;
    if det.abs() < 1e-12 || !det.is_finite() {
        return None;
    }
    let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
    Some(Matrix([
        ia,
        ib,
        ic,
        id,
        -(e * ia + f * ic),
        -(e * ib + f * id),
    ]))
}

/// Renders pages (0-based indices in page order) of the PDF in `bytes` at `dpi` (lowered for a page
/// larger than [`MAX_SIDE`] pixels a side). One result per index, in order: the raster, or why the
/// page could not be rendered (the file does not open, the page count differs from `expected_pages`
/// when given, the time limit, a fault in the renderer).
pub fn render_pages(
    bytes: Arc<Vec<u8>>,
    password: Option<&str>,
    indices: &[usize],
    dpi: f64,
    expected_pages: Option<usize>,
    page_time: Duration,
) -> Vec<Result<Raster, Problem>> {
    if indices.is_empty() {
        return Vec::new();
    }
    let (tx, rx) = mpsc::channel::<(usize, Result<Raster, Problem>)>();
    let wanted: Vec<usize> = indices.to_vec();
    let password = password.unwrap_or("").to_string();
    // The renderer's types are not Send: everything is made and used on this one thread.
    let spawned = std::thread::Builder::new()
        .name("foiredact-render".into())
        .spawn(move || {
            let run = || {
                let pdf = match hayro::hayro_syntax::Pdf::new_with_password(bytes, &password) {
                    Ok(p) => p,
                    Err(_) => {
                        for (k, _) in wanted.iter().enumerate() {
                            let e = Problem::unreadable("the renderer cannot open the file");
                            if tx.send((k, Err(e))).is_err() {
                                return;
                            }
                        }
                        return;
                    }
                };
                let pages = pdf.pages();
                let count_ok = expected_pages.is_none_or(|n| n == pages.len());
                let cache = hayro::RenderCache::new();
                // What the renderer could not draw, page by page.
                let failed = Arc::new(std::sync::Mutex::new(Failed::default()));
                let sink = failed.clone();
                let settings = hayro::hayro_interpret::InterpreterSettings {
                    warning_sink: Arc::new(move |w| {
                        use hayro::hayro_interpret::InterpreterWarning as W;
                        let mut f = sink.lock().unwrap_or_else(|e| e.into_inner());
                        if let W::ImageDecodeFailure = w {
                            f.image = true;
                        }
                    }),
                    ..Default::default()
                };
                for (k, &i) in wanted.iter().enumerate() {
                    let r = if !count_ok {
                        Err(Problem::unreadable(
                            "the renderer reads a different number of pages than the text reader",
                        ))
                    } else if let Some(page) = pages.get(i) {
                        *failed.lock().unwrap_or_else(|e| e.into_inner()) = Failed::default();
                        let one = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            render_one(page, &cache, &settings, dpi)
                        }));
                        one.unwrap_or_else(|_| {
                            Err(Problem::unreadable("the renderer failed on the page"))
                        })
                        .map(|mut r| {
                            r.failed = *failed.lock().unwrap_or_else(|e| e.into_inner());
                            r
                        })
                    } else {
                        Err(Problem::unreadable("the renderer has no such page"))
                    };
                    if tx.send((k, r)).is_err() {
                        return;
                    }
                }
            };
            // A fault while opening the file is a problem for every page asked for.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
        });
    let mut out: Vec<Result<Raster, Problem>> = (0..indices.len())
        .map(|_| Err(Problem::unreadable("the renderer failed on the page")))
        .collect();
    if spawned.is_err() {
        return out;
    }
    let mut deadline = Instant::now() + page_time;
    let mut got = 0;
    while got < indices.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((k, r)) => {
                out[k] = r;
                got += 1;
                deadline = Instant::now() + page_time;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // The thread is left to finish on its own (it cannot be stopped); its results are
                // no longer read. The pages not rendered by now are over the time limit.
                for slot in out.iter_mut().skip(got) {
                    *slot = Err(Problem::limit(
                        "rendering the page took longer than its time limit",
                    ));
                }
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    out
}

fn render_one<'a>(
    page: &'a hayro::hayro_syntax::page::Page<'a>,
    cache: &hayro::RenderCache<'a>,
    settings: &hayro::hayro_interpret::InterpreterSettings,
    dpi: f64,
) -> Result<Raster, Problem> {
    use hayro::hayro_interpret::util::TransformExt;
    let (w, h) = page.render_dimensions();
    let (w, h) = (f64::from(w), f64::from(h));
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Err(Problem::unreadable("the page has no size to render"));
    }
    let scale = (dpi / 72.0).min(MAX_SIDE / w.max(h)) as f32;
    let pix = hayro::render(
        page,
        cache,
        settings,
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let to_pixels =
        hayro::kurbo::Affine::scale(f64::from(scale)) * page.initial_transform(true).to_kurbo();
    let to_page = invert(&Matrix(to_pixels.as_coeffs()))
        .ok_or_else(|| Problem::unreadable("the page's transform cannot be inverted"))?;
    let (pw, ph) = (u32::from(pix.width()), u32::from(pix.height()));
    // Pixels over a white background: alpha is 255, so premultiplied values are the colour.
    let gray = pix
        .data()
        .iter()
        .map(|p| {
            ((u32::from(p.r) * 299 + u32::from(p.g) * 587 + u32::from(p.b) * 114) / 1000) as u8
        })
        .collect();
    Ok(Raster {
        width: pw,
        height: ph,
        gray,
        to_page,
        failed: Failed::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invert_undoes_the_matrix() {
        let m = Matrix([2.0, 0.5, -0.25, 3.0, 10.0, -4.0]);
        let i = invert(&m).expect("invertible");
        let (x, y) = m.then(&i).apply(7.0, 11.0);
        assert!((x - 7.0).abs() < 1e-9 && (y - 11.0).abs() < 1e-9);
        assert!(invert(&Matrix([1.0, 2.0, 2.0, 4.0, 0.0, 0.0])).is_none());
    }

    #[test]
    fn crop_keeps_the_page_position() {
        // 100 x 50 pixels, 2 px per point, y down from the top of a 25 pt high page.
        let r = Raster {
            width: 100,
            height: 50,
            gray: (0..5000).map(|i| (i % 251) as u8).collect(),
            to_page: Matrix([0.5, 0.0, 0.0, -0.5, 0.0, 25.0]),
            failed: Failed::default(),
        };
        let c = r
            .crop(&Rect {
                x0: 10.0,
                y0: 5.0,
                x1: 20.0,
                y1: 15.0,
            })
            .expect("inside");
        assert_eq!((c.width, c.height), (20, 20));
        // The crop's pixel (0, 0) is the page point (10, 15); its first byte is the source's (20, 20).
        let (x, y) = c.to_page.apply(0.0, 0.0);
        assert!((x - 10.0).abs() < 1e-9 && (y - 15.0).abs() < 1e-9);
        assert_eq!(c.gray[0], r.gray[20 * 100 + 20]);
        assert!(r
            .crop(&Rect {
                x0: 500.0,
                y0: 500.0,
                x1: 600.0,
                y1: 600.0
            })
            .is_none());
    }
}
