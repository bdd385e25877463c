//! Image pixels: decode an image XObject, blank the pixels that lie under redaction boxes, re-encode.
//!
//! Supported: DCT (JPEG, greyscale or colour), plain samples (Flate, LZW, RunLength, ASCIIHex, ASCII85,
//! chained, with any predictor lopdf decodes) at 1, 2, 4, 8 or 16 bits per component in grey, RGB,
//! CMYK, ICC, Lab or Indexed colour, CCITT G3/G4 (`hayro-ccitt`), JBIG2 with or without globals
//! (`hayro-jbig2`) and JPEG 2000 (`hayro-jpeg2000`), with a soft mask or stencil mask blanked with
//! the image. JPEG is written back as JPEG; everything else as Flate. Anything else (a mask inside
//! JPEG 2000 data, CMYK JPEG, an unknown filter) is an `Err(reason)`: the caller declines the file
//! rather than publish pixels it could not blank.
//!
//! # Invariants
//! A page rectangle is mapped to pixels through the inverse of the image's CTM and rounded outwards, so
//! every pixel any part of which lies under a box is blanked.

use super::content::Operand;
use super::{decode_stream, Matrix, Rect};
use lopdf::{Dictionary, Document, Object, Stream};

/// Largest image (pixels) we decode.
const MAX_PIXELS: usize = 150_000_000;

struct Raw {
    width: usize,
    height: usize,
    /// Components per pixel (0 until decoded for a JPEG 2000 image without /ColorSpace).
    comps: usize,
    bpc: usize,
}

fn image_info(doc: &Document, d: &Dictionary, c: &Codec) -> Result<Raw, String> {
    let width = d
        .get(b"Width")
        .and_then(Object::as_i64)
        .map_err(|_| "image without /Width")? as usize;
    let height = d
        .get(b"Height")
        .and_then(Object::as_i64)
        .map_err(|_| "image without /Height")? as usize;
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_PIXELS {
        return Err("image too large or empty".into());
    }
    if d.get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false)
    {
        // A stencil mask: one bit per pixel, no colour space (ISO 32000-1 8.9.6.2).
        return Ok(Raw {
            width,
            height,
            comps: 1,
            bpc: 1,
        });
    }
    if matches!(c, Codec::Jpx) {
        // Components and depth come from the JPEG 2000 data (ISO 32000-1 7.4.9).
        return Ok(Raw {
            width,
            height,
            comps: 0,
            bpc: 8,
        });
    }
    let bpc = match d.get(b"BitsPerComponent").and_then(Object::as_i64) {
        Ok(b @ (1 | 2 | 4 | 8 | 16)) => b as usize,
        Ok(_) => return Err("image with a bad /BitsPerComponent".into()),
        Err(_) if matches!(c, Codec::Ccitt | Codec::Jbig2) => 1,
        Err(_) => 8,
    };
    let mut cs = d.get(b"ColorSpace").ok().map(|o| super::deref(doc, o));
    // `[/DeviceGray]`: a one-name array, as some producers write it, is that name.
    if let Some(Object::Array(a)) = cs {
        if let [n @ Object::Name(_)] = a.as_slice() {
            cs = Some(n);
        }
    }
    let comps = match cs {
        Some(Object::Name(n)) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => 1,
            b"DeviceRGB" | b"CalRGB" | b"RGB" => 3,
            b"DeviceCMYK" | b"CMYK" => 4,
            _ => return Err("image colour space not supported yet".into()),
        },
        Some(Object::Array(a)) => match a.first().and_then(|o| o.as_name().ok()) {
            Some(b"ICCBased") => a
                .get(1)
                .map(|o| super::deref(doc, o))
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| s.dict.get(b"N").and_then(Object::as_i64).ok())
                .filter(|n| (1..=4).contains(n))
                .ok_or("ICC colour space without /N")? as usize,
            Some(b"Indexed") | Some(b"I") => 1,
            Some(b"CalRGB") | Some(b"Lab") => 3,
            Some(b"CalGray") => 1,
            _ => return Err("image colour space not supported yet".into()),
        },
        // A bi-level scan without a colour space is read as DeviceGray.
        None if matches!(c, Codec::Ccitt | Codec::Jbig2) => 1,
        _ => return Err("image without a colour space".into()),
    };
    Ok(Raw {
        width,
        height,
        comps,
        bpc,
    })
}

/// The pixel rectangles (col0, row0, col1, row1; half-open) under page rectangles, for an image drawn
/// with `ctm`.
fn pixel_rects(
    raw: &Raw,
    ctm: &Matrix,
    rects: &[Rect],
) -> Result<Vec<(usize, usize, usize, usize)>, String> {
    let [a, b, c, d, e, f] = ctm.0;
    let det = a * d - b * c;
    if det.abs() < 1e-12 {
        return Err("image drawn with a degenerate matrix".into());
    }
    let inv = Matrix([
        d / det,
        -b / det,
        -c / det,
        a / det,
        (c * f - d * e) / det,
        (b * e - a * f) / det,
    ]);
    let mut out = Vec::new();
    for r in rects {
        let u = r.transform(&inv); // in the unit square of the image
        let (w, h) = (raw.width as f64, raw.height as f64);
        // Image row 0 is the top (v = 1). Round outwards, plus one pixel of margin.
        let c0 = ((u.x0 * w).floor() - 1.0).clamp(0.0, w) as usize;
        let c1 = ((u.x1 * w).ceil() + 1.0).clamp(0.0, w) as usize;
        let r0 = (((1.0 - u.y1) * h).floor() - 1.0).clamp(0.0, h) as usize;
        let r1 = (((1.0 - u.y0) * h).ceil() + 1.0).clamp(0.0, h) as usize;
        if c1 > c0 && r1 > r0 {
            out.push((c0, r0, c1, r1));
        }
    }
    Ok(out)
}

/// How an image's samples are coded: its last filter (those before it are generic ones, decoded first).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Codec {
    Jpeg,
    /// Flate, LZW, RunLength, ASCIIHex, ASCII85 or none, with any predictor: plain samples.
    Flate,
    Ccitt,
    Jbig2,
    Jpx,
}

fn filters(d: &Dictionary) -> Vec<Vec<u8>> {
    match d.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .map(|o| o.as_name().map(<[u8]>::to_vec).unwrap_or_default())
            .collect(),
        _ => vec![],
    }
}

fn codec(d: &Dictionary) -> Result<Codec, String> {
    let fs = filters(d);
    let generic = |f: &[u8]| {
        matches!(
            f,
            b"FlateDecode"
                | b"Fl"
                | b"LZWDecode"
                | b"LZW"
                | b"ASCIIHexDecode"
                | b"AHx"
                | b"ASCII85Decode"
                | b"A85"
                | b"RunLengthDecode"
                | b"RL"
        )
    };
    let Some((last, before)) = fs.split_last() else {
        return Ok(Codec::Flate);
    };
    if fs.len() > 4 || !before.iter().all(|f| generic(f)) {
        return Err("image filter chain not supported".into());
    }
    Ok(match last.as_slice() {
        b"DCTDecode" | b"DCT" => Codec::Jpeg,
        b"CCITTFaxDecode" | b"CCF" => Codec::Ccitt,
        b"JBIG2Decode" => Codec::Jbig2,
        b"JPXDecode" => Codec::Jpx,
        f if generic(f) => Codec::Flate,
        _ => return Err("image compression not supported for blanking yet".into()),
    })
}

/// The data of an image for its last filter (the generic filters before it undone), and that
/// filter's parameters.
fn coded(stream: &Stream) -> Result<(Vec<u8>, Option<Dictionary>), String> {
    let fs = filters(&stream.dict);
    let parms: Vec<Option<Dictionary>> = match stream.dict.get(b"DecodeParms") {
        Ok(Object::Dictionary(d)) => vec![Some(d.clone())],
        Ok(Object::Array(a)) => a.iter().map(|o| o.as_dict().ok().cloned()).collect(),
        _ => vec![],
    };
    let last = fs.len().saturating_sub(1);
    let mine = parms.get(last).cloned().flatten();
    if fs.len() <= 1 {
        return Ok((stream.content.clone(), mine));
    }
    let mut d = Dictionary::new();
    d.set(
        "Filter",
        Object::Array(fs[..last].iter().map(|f| Object::Name(f.clone())).collect()),
    );
    d.set(
        "DecodeParms",
        Object::Array(
            parms
                .iter()
                .take(last)
                .map(|p| p.clone().map_or(Object::Null, Object::Dictionary))
                .collect(),
        ),
    );
    let data = decode_stream(&Stream::new(d, stream.content.clone()), MAX_PIXELS * 8)
        .map_err(|e| format!("image data: {e}"))?;
    Ok((data, mine))
}

/// Decoded samples: rows of `stride` bytes.
struct Pixels {
    data: Vec<u8>,
    stride: usize,
    jpeg_comps: usize,
}

/// Bi-level rows as PDF samples (1 bit per pixel, rows padded to a byte; 0 is black unless a
/// CCITT image says /BlackIs1).
struct Bilevel {
    data: Vec<u8>,
    stride: usize,
    width: usize,
    row: usize,
    col: usize,
    black_bit: bool,
}

impl Bilevel {
    fn new(width: usize, height: usize, black_bit: bool) -> Self {
        let stride = width.div_ceil(8);
        // White everywhere to start: rows a decoder leaves short stay white.
        let white = if black_bit { 0 } else { 0xFF };
        Bilevel {
            data: vec![white; stride * height],
            stride,
            width,
            row: 0,
            col: 0,
            black_bit,
        }
    }
    fn set(&mut self, col: usize, black: bool) {
        if col >= self.width {
            return;
        }
        let Some(b) = self.data.get_mut(self.row * self.stride + col / 8) else {
            return;
        };
        let bit = 0x80 >> (col % 8);
        if black == self.black_bit {
            *b |= bit;
        } else {
            *b &= !bit;
        }
    }
}

impl hayro_jbig2::Decoder for Bilevel {
    fn push_pixel(&mut self, black: bool) {
        self.set(self.col, black);
        self.col += 1;
    }
    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        for _ in 0..chunk_count as usize * 8 {
            self.push_pixel(black);
        }
    }
    fn next_line(&mut self) {
        self.row += 1;
        self.col = 0;
    }
}

impl hayro_ccitt::Decoder for Bilevel {
    fn push_row(&mut self, changes: &[u32]) {
        // Each row starts white; pixels from changes[0] to changes[1] are black, and so on.
        let mut black = false;
        let mut at = 0usize;
        for &c in changes.iter().chain(std::iter::once(&(self.width as u32))) {
            let c = (c as usize).min(self.width);
            for col in at..c {
                self.set(col, black);
            }
            at = c.max(at);
            black = !black;
        }
        self.row += 1;
    }
}

fn decode(doc: &Document, stream: &Stream, raw: &mut Raw, c: &Codec) -> Result<Pixels, String> {
    let bilevel = |b: Bilevel| Pixels {
        stride: b.stride,
        data: b.data,
        jpeg_comps: 0,
    };
    match c {
        Codec::Jpeg => {
            use zune_core::bytestream::ZCursor;
            use zune_core::colorspace::ColorSpace;
            use zune_core::options::DecoderOptions;
            let (content, _) = coded(stream)?;
            let mut probe = zune_jpeg::JpegDecoder::new(ZCursor::new(&content));
            probe
                .decode_headers()
                .map_err(|_| "JPEG image cannot be decoded".to_string())?;
            let out_cs = match probe.input_colorspace() {
                Some(ColorSpace::Luma) => ColorSpace::Luma,
                Some(ColorSpace::YCbCr) | Some(ColorSpace::RGB) => ColorSpace::RGB,
                _ => return Err("CMYK JPEG images cannot be blanked yet".into()),
            };
            let opts = DecoderOptions::default()
                .jpeg_set_out_colorspace(out_cs)
                .set_max_width(1 << 16)
                .set_max_height(1 << 16);
            let mut dec = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(&content), opts);
            let data = dec
                .decode()
                .map_err(|_| "JPEG image cannot be decoded".to_string())?;
            let info = dec.info().ok_or("JPEG image cannot be decoded")?;
            let comps = if out_cs == ColorSpace::Luma { 1 } else { 3 };
            if info.width as usize != raw.width
                || info.height as usize != raw.height
                || data.len() < raw.width * raw.height * comps
            {
                return Err("JPEG size does not match the image dictionary".into());
            }
            Ok(Pixels {
                data,
                stride: raw.width * comps,
                jpeg_comps: comps,
            })
        }
        Codec::Flate => {
            let data =
                decode_stream(stream, MAX_PIXELS * 8).map_err(|e| format!("image data: {e}"))?;
            let stride = (raw.width * raw.comps * raw.bpc).div_ceil(8);
            if data.len() < stride * raw.height {
                return Err("image data shorter than its size".into());
            }
            Ok(Pixels {
                data,
                stride,
                jpeg_comps: 0,
            })
        }
        Codec::Ccitt => {
            if raw.bpc != 1 || raw.comps != 1 {
                return Err("CCITT image that is not one bit per pixel".into());
            }
            let (data, p) = coded(stream)?;
            let int = |k: &[u8], dflt: i64| {
                p.as_ref()
                    .and_then(|p| p.get(k).and_then(Object::as_i64).ok())
                    .unwrap_or(dflt)
            };
            let flag = |k: &[u8], dflt: bool| {
                p.as_ref()
                    .and_then(|p| p.get(k).and_then(Object::as_bool).ok())
                    .unwrap_or(dflt)
            };
            // ISO 32000-1 7.4.6, Table 11.
            let k = int(b"K", 0);
            let columns = int(b"Columns", 1728);
            if columns as usize != raw.width {
                return Err("CCITT /Columns differs from the image width".into());
            }
            let settings = hayro_ccitt::DecodeSettings {
                columns: columns as u32,
                rows: raw.height as u32,
                end_of_block: flag(b"EndOfBlock", true),
                end_of_line: flag(b"EndOfLine", false),
                rows_are_byte_aligned: flag(b"EncodedByteAlign", false),
                encoding: match k {
                    k if k < 0 => hayro_ccitt::EncodingMode::Group4,
                    0 => hayro_ccitt::EncodingMode::Group3_1D,
                    _ => hayro_ccitt::EncodingMode::Group3_2D,
                },
                strict: false,
            };
            let mut out = Bilevel::new(raw.width, raw.height, flag(b"BlackIs1", false));
            let mut ctx = hayro_ccitt::DecoderContext::new(settings);
            hayro_ccitt::decode(&data, &mut out, &mut ctx)
                .map_err(|_| "CCITT image cannot be decoded".to_string())?;
            if out.row < raw.height {
                return Err("CCITT image data shorter than its size".into());
            }
            Ok(bilevel(out))
        }
        Codec::Jbig2 => {
            if raw.bpc != 1 || raw.comps != 1 {
                return Err("JBIG2 image that is not one bit per pixel".into());
            }
            let (data, p) = coded(stream)?;
            let settings = hayro_jbig2::DecodeSettings::default();
            let globals_bytes = match p.as_ref().and_then(|p| p.get(b"JBIG2Globals").ok()) {
                Some(o) => match super::deref(doc, o) {
                    Object::Stream(g) => Some(
                        decode_stream(g, 64 << 20).map_err(|e| format!("JBIG2 globals: {e}"))?,
                    ),
                    _ => return Err("JBIG2 globals are not a stream".into()),
                },
                None => None,
            };
            let globals = globals_bytes
                .as_deref()
                .map(|g| hayro_jbig2::Globals::new(g, &settings))
                .transpose()
                .map_err(|_| "JBIG2 globals cannot be decoded".to_string())?;
            let page = hayro_jbig2::Page::new_embedded(&data, globals.as_ref(), &settings)
                .map_err(|_| "JBIG2 image cannot be decoded".to_string())?;
            if page.width() as usize != raw.width || page.height() as usize != raw.height {
                return Err("JBIG2 size does not match the image dictionary".into());
            }
            // JBIG2 codes black as 1; the filter's output, as PDF reads it, has black as 0.
            let mut out = Bilevel::new(raw.width, raw.height, false);
            page.decode(&mut out)
                .map_err(|_| "JBIG2 image cannot be decoded".to_string())?;
            Ok(bilevel(out))
        }
        Codec::Jpx => {
            let (data, _) = coded(stream)?;
            let img = hayro_jpeg2000::Image::new(&data, &hayro_jpeg2000::DecodeSettings::default())
                .map_err(|_| "JPEG 2000 image cannot be decoded".to_string())?;
            if img.width() as usize != raw.width || img.height() as usize != raw.height {
                return Err("JPEG 2000 size does not match the image dictionary".into());
            }
            let channels = img.color_space().num_channels() as usize;
            let alpha = img.has_alpha();
            let mut ctx = hayro_jpeg2000::DecoderContext::default();
            let decoded = img
                .decode(&mut ctx)
                .map_err(|_| "JPEG 2000 image cannot be decoded".to_string())?;
            let all = decoded.data_u8();
            let per = channels + usize::from(alpha);
            if per == 0 || all.len() < raw.width * raw.height * per || channels > 4 {
                return Err("JPEG 2000 image cannot be decoded".into());
            }
            let data: Vec<u8> = if alpha {
                all.chunks_exact(per)
                    .flat_map(|p| p[..channels].iter().copied())
                    .collect()
            } else {
                all
            };
            raw.comps = channels;
            raw.bpc = 8;
            Ok(Pixels {
                data,
                stride: raw.width * channels,
                jpeg_comps: 0,
            })
        }
    }
}

/// Whole bytes per pixel, for 8- and 16-bit samples and decoded JPEG; 0 for samples packed in bits.
fn bytes_per_pixel(raw: &Raw, px: &Pixels) -> usize {
    if px.jpeg_comps > 0 {
        px.jpeg_comps
    } else if raw.bpc >= 8 {
        raw.comps * raw.bpc / 8
    } else {
        0
    }
}

/// Sample `k` of a row packed at `bpc` (1, 2 or 4) bits.
fn packed(line: &[u8], k: usize, bpc: usize) -> u8 {
    let bit = k * bpc;
    (line[bit / 8] >> (8 - bpc - bit % 8)) & ((1u16 << bpc) - 1) as u8
}

/// Sets every sample under the pixel rectangles to 0.
fn fill(raw: &Raw, px: &mut Pixels, rects: &[(usize, usize, usize, usize)]) {
    let bpp = bytes_per_pixel(raw, px);
    for &(c0, r0, c1, r1) in rects {
        for row in r0..r1 {
            let line = &mut px.data[row * px.stride..(row + 1) * px.stride];
            if bpp == 0 {
                let mask = ((1u16 << raw.bpc) - 1) as u8;
                for k in c0 * raw.comps..c1 * raw.comps {
                    let bit = k * raw.bpc;
                    line[bit / 8] &= !(mask << (8 - raw.bpc - bit % 8));
                }
            } else {
                line[c0 * bpp..c1 * bpp].fill(0);
            }
        }
    }
}

/// A blanked mask and the key (`SMask` or `Mask`) the image names it by.
pub type Mask = (&'static str, Stream);

/// A copy of an image XObject with every pixel under `uses` (each: the CTM it is drawn with and the
/// page rectangles to blank) set to 0, and of its soft mask or stencil mask (/SMask, a /Mask stream),
/// which would otherwise still show the shapes: `(image, mask)`, the mask (when there is one) to be
/// added as an object of its own and named by the image's /SMask or /Mask. JPEG stays JPEG; every
/// other coding is written back as Flate (bi-level scans at one bit per pixel).
pub fn blank(
    doc: &Document,
    stream: &Stream,
    uses: &[(Matrix, Vec<Rect>)],
) -> Result<(Stream, Option<Mask>), String> {
    let image = blank_one(doc, stream, uses)?;
    let mask = match mask_of(doc, stream)? {
        Some((key, m)) => Some((key, blank_one(doc, m, uses)?)),
        None => None,
    };
    Ok((image, mask))
}

/// The image's soft mask or stencil mask stream, with its key. A colour-key /Mask (an array) is not
/// a picture: none.
fn mask_of<'a>(
    doc: &'a Document,
    stream: &'a Stream,
) -> Result<Option<(&'static str, &'a Stream)>, String> {
    if stream
        .dict
        .get(b"SMaskInData")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        != 0
    {
        return Err("images with a mask in their JPEG 2000 data cannot be blanked yet".into());
    }
    for key in ["SMask", "Mask"] {
        match stream
            .dict
            .get(key.as_bytes())
            .map(|o| super::deref(doc, o))
        {
            Ok(Object::Stream(m)) => return Ok(Some((key, m))),
            Ok(Object::Array(_)) if key == "Mask" => {}
            Ok(Object::Name(n)) if key == "SMask" && n.as_slice() == b"None" => {}
            Ok(Object::Null) | Err(_) => {}
            Ok(_) => return Err("image with a mask that is not a stream".into()),
        }
    }
    Ok(None)
}

fn blank_one(
    doc: &Document,
    stream: &Stream,
    uses: &[(Matrix, Vec<Rect>)],
) -> Result<Stream, String> {
    let c = codec(&stream.dict)?;
    let mut raw = image_info(doc, &stream.dict, &c)?;
    let mut px = decode(doc, stream, &mut raw, &c)?;
    for (ctm, rects) in uses {
        let pr = pixel_rects(&raw, ctm, rects)?;
        fill(&raw, &mut px, &pr);
    }
    let mut dict = stream.dict.clone();
    dict.remove(b"DecodeParms");
    dict.remove(b"Length");
    let content = match c {
        Codec::Jpeg => {
            let mut buf = Vec::new();
            let ct = if px.jpeg_comps == 1 {
                jpeg_encoder::ColorType::Luma
            } else {
                jpeg_encoder::ColorType::Rgb
            };
            let (w, h) = (
                u16::try_from(raw.width).map_err(|_| "image too wide")?,
                u16::try_from(raw.height).map_err(|_| "image too tall")?,
            );
            jpeg_encoder::Encoder::new(&mut buf, 90)
                .encode(&px.data[..raw.width * raw.height * px.jpeg_comps], w, h, ct)
                .map_err(|_| "JPEG image cannot be re-encoded".to_string())?;
            dict.set("Filter", "DCTDecode");
            if px.jpeg_comps == 3
                && matches!(dict.get(b"ColorSpace"), Ok(Object::Name(n)) if n.as_slice() != b"DeviceRGB")
            {
                dict.set("ColorSpace", "DeviceRGB");
            }
            buf
        }
        _ => {
            use std::io::Write;
            if c == Codec::Jpx {
                // Written as plain samples: the colour space and depth JPEG 2000 carried inside
                // become the dictionary's; its /Decode, ignored for JPEG 2000, must not start to count.
                if !dict.has(b"ColorSpace") {
                    let cs = match raw.comps {
                        1 => "DeviceGray",
                        3 => "DeviceRGB",
                        4 => "DeviceCMYK",
                        _ => {
                            return Err(
                                "JPEG 2000 image with an unusual number of components".into()
                            )
                        }
                    };
                    dict.set("ColorSpace", cs);
                }
                dict.set("BitsPerComponent", 8);
                dict.remove(b"Decode");
            }
            let mut enc =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&px.data[..px.stride * raw.height])
                .map_err(|e| e.to_string())?;
            dict.set("Filter", "FlateDecode");
            enc.finish().map_err(|e| e.to_string())?
        }
    };
    Ok(Stream::new(dict, content))
}

/// Proof for verification: every pixel under the rectangles is 0, in the image and in its soft or
/// stencil mask (JPEG: within a small tolerance, as re-encoding leaves ringing at the edges of the
/// blanked area, so the check skips a 2-pixel rim). Decodes what was written, whatever its coding.
pub fn is_blank_under(
    doc: &Document,
    stream: &Stream,
    ctm: &Matrix,
    rects: &[Rect],
) -> Result<bool, String> {
    if !one_blank_under(doc, stream, ctm, rects)? {
        return Ok(false);
    }
    match mask_of(doc, stream)? {
        Some((_, m)) => one_blank_under(doc, m, ctm, rects),
        None => Ok(true),
    }
}

fn one_blank_under(
    doc: &Document,
    stream: &Stream,
    ctm: &Matrix,
    rects: &[Rect],
) -> Result<bool, String> {
    let c = codec(&stream.dict)?;
    let mut raw = image_info(doc, &stream.dict, &c)?;
    let px = decode(doc, stream, &mut raw, &c)?;
    let jpeg = matches!(c, Codec::Jpeg);
    let bpp = bytes_per_pixel(&raw, &px);
    for (c0, r0, c1, r1) in pixel_rects(&raw, ctm, rects)? {
        let rim = if jpeg { 3 } else { 1 };
        let (c0, r0) = (c0 + rim, r0 + rim);
        let (c1, r1) = (c1.saturating_sub(rim), r1.saturating_sub(rim));
        for row in r0..r1.max(r0) {
            let line = &px.data[row * px.stride..(row + 1) * px.stride];
            for col in c0..c1.max(c0) {
                let dark = if bpp == 0 {
                    (0..raw.comps).all(|k| packed(line, col * raw.comps + k, raw.bpc) == 0)
                } else {
                    line[col * bpp..(col + 1) * bpp]
                        .iter()
                        .all(|&v| v <= if jpeg { 40 } else { 0 })
                };
                if !dark {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// The image as 8-bit greyscale rows (for OCR): width, height, pixels.
pub fn to_gray(doc: &Document, stream: &Stream) -> Result<(usize, usize, Vec<u8>), String> {
    let c = codec(&stream.dict)?;
    let mut raw = image_info(doc, &stream.dict, &c)?;
    let px = decode(doc, stream, &mut raw, &c)?;
    let bpp = bytes_per_pixel(&raw, &px);
    let comps = if px.jpeg_comps > 0 {
        px.jpeg_comps
    } else {
        raw.comps
    };
    // One sample as 8 bits (the high byte of 16-bit samples; packed samples scaled up).
    let sample = |line: &[u8], col: usize, k: usize| -> u32 {
        if bpp == 0 {
            let v = packed(line, col * comps + k, raw.bpc) as u32;
            v * 255 / ((1u32 << raw.bpc) - 1)
        } else {
            line[col * bpp + k * (bpp / comps)] as u32
        }
    };
    let mut out = Vec::with_capacity(raw.width * raw.height);
    for row in 0..raw.height {
        let line = &px.data[row * px.stride..(row + 1) * px.stride];
        for col in 0..raw.width {
            let v = match comps {
                3 => {
                    (sample(line, col, 0) * 299
                        + sample(line, col, 1) * 587
                        + sample(line, col, 2) * 114)
                        / 1000
                }
                4 => 255u32.saturating_sub(
                    ((sample(line, col, 0) + sample(line, col, 1) + sample(line, col, 2)) / 3
                        + sample(line, col, 3))
                    .min(255),
                ),
                _ => sample(line, col, 0),
            };
            out.push(v as u8);
        }
    }
    // An image mask or a /Decode [1 0] inverts: OCR wants dark text on a light page.
    let inverted = c != Codec::Jpx
        && matches!(stream.dict.get(b"Decode"), Ok(Object::Array(a)) if a.first().and_then(|o| o.as_float().ok()) == Some(1.0));
    if inverted {
        out.iter_mut().for_each(|v| *v = 255 - *v);
    }
    Ok((raw.width, raw.height, out))
}

/// An inline image (the bytes of its `BI ... ID ... EI` operation, and the dictionary the tokenizer
/// read) as an image XObject stream: abbreviated keys, colour spaces and filters expanded (ISO 32000-1
/// 8.9.7, Tables 92 and 93). Its data runs from the byte after `ID` and its white space to just before
/// `EI`: decoders stop at their own end, and plain samples are read only as far as the size needs.
pub fn inline_image(op_bytes: &[u8], dict: &Operand) -> Result<Stream, String> {
    let mut lx = super::content::Lexer::new(op_bytes);
    loop {
        match lx.next_token() {
            Ok(Some(super::content::Token::Keyword(k))) if k.as_slice() == b"ID" => break,
            Ok(Some(_)) => {}
            _ => return Err("inline image without ID".into()),
        }
    }
    let start = lx.pos + 1;
    let end = op_bytes.len().saturating_sub(2);
    if start > end || !op_bytes.ends_with(b"EI") {
        return Err("inline image without data".into());
    }
    let Operand::Dict(items) = dict else {
        return Err("inline image without a dictionary".into());
    };
    let mut d = Dictionary::new();
    for (k, v) in items {
        let key: &str = match k.as_slice() {
            b"BPC" | b"BitsPerComponent" => "BitsPerComponent",
            b"CS" | b"ColorSpace" => "ColorSpace",
            b"D" | b"Decode" => "Decode",
            b"DP" | b"DecodeParms" => "DecodeParms",
            b"F" | b"Filter" => "Filter",
            b"H" | b"Height" => "Height",
            b"W" | b"Width" => "Width",
            b"IM" | b"ImageMask" => "ImageMask",
            b"I" | b"Interpolate" => "Interpolate",
            _ => continue,
        };
        d.set(key, inline_value(v, key == "ColorSpace" || key == "Filter"));
    }
    d.set("Subtype", "Image");
    Ok(Stream::new(d, op_bytes[start..end].to_vec()))
}

fn inline_value(v: &Operand, expand: bool) -> Object {
    match v {
        Operand::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Object::Integer(*n as i64),
        Operand::Num(n) => Object::Real(*n as f32),
        Operand::Name(n) if expand => Object::Name(
            match n.as_slice() {
                b"G" => &b"DeviceGray"[..],
                b"RGB" => b"DeviceRGB",
                b"CMYK" => b"DeviceCMYK",
                b"I" => b"Indexed",
                b"AHx" => b"ASCIIHexDecode",
                b"A85" => b"ASCII85Decode",
                b"LZW" => b"LZWDecode",
                b"Fl" => b"FlateDecode",
                b"RL" => b"RunLengthDecode",
                b"CCF" => b"CCITTFaxDecode",
                b"DCT" => b"DCTDecode",
                other => other,
            }
            .to_vec(),
        ),
        Operand::Name(n) => Object::Name(n.to_vec()),
        Operand::Str(b) => Object::String(b.clone(), lopdf::StringFormat::Hexadecimal),
        Operand::Array(a) => Object::Array(a.iter().map(|o| inline_value(o, expand)).collect()),
        Operand::Dict(items) => {
            let mut d = Dictionary::new();
            for (k, v) in items {
                d.set(k.to_vec(), inline_value(v, false));
            }
            Object::Dictionary(d)
        }
        Operand::Bool(b) => Object::Boolean(*b),
        Operand::Null => Object::Null,
    }
}

/// An image stream written back as an inline image, its data as ASCIIHex (so that no byte of it can
/// be taken for `EI`): `BI ... ID <hex> EI`.
pub fn inline_bytes(s: &Stream) -> Result<Vec<u8>, String> {
    let mut out = b"BI".to_vec();
    for (k, v) in s.dict.iter() {
        let key: &[u8] = match k.as_slice() {
            b"Width" => b"W",
            b"Height" => b"H",
            b"BitsPerComponent" => b"BPC",
            b"ColorSpace" => b"CS",
            b"Decode" => b"D",
            b"ImageMask" => b"IM",
            b"Interpolate" => b"I",
            _ => continue,
        };
        out.push(b'/');
        out.extend_from_slice(key);
        out.push(b' ');
        write_object(&mut out, v)?;
    }
    let last = match s.dict.get(b"Filter") {
        Ok(Object::Name(n)) => n.clone(),
        _ => return Err("an inline image to write has no single filter".into()),
    };
    out.extend_from_slice(b" /F [/AHx /");
    out.extend_from_slice(&last);
    out.extend_from_slice(b"] ID\n");
    for (i, b) in s.content.iter().enumerate() {
        out.extend_from_slice(format!("{b:02X}").as_bytes());
        if i % 64 == 63 {
            out.push(b'\n');
        }
    }
    out.extend_from_slice(b">\nEI");
    Ok(out)
}

fn write_object(out: &mut Vec<u8>, o: &Object) -> Result<(), String> {
    match o {
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(super::content::fmt_num(*r as f64).as_bytes()),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Name(n) if n.iter().all(|c| c.is_ascii_alphanumeric()) => {
            out.push(b'/');
            out.extend_from_slice(n);
        }
        Object::String(b, _) => out.extend_from_slice(super::content::hex_string(b).as_bytes()),
        Object::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, x)?;
            }
            out.push(b']');
        }
        _ => return Err("an inline image's dictionary cannot be written back".into()),
    }
    Ok(())
}

/// The image a page draws in one of its uses: an image XObject named in the page's resources or, when
/// a Form XObject draws it, in that form's (else the page's); or an inline image, read from its
/// operation.
pub fn image_of_use<'a>(
    doc: &'a Document,
    page_id: lopdf::ObjectId,
    im: &crate::model::ImageUse,
) -> Result<std::borrow::Cow<'a, Stream>, String> {
    let Some(name) = &im.name else {
        let Ok(Object::Stream(s)) = doc.get_object(im.stream) else {
            return Err("the stream that draws an inline image is missing".into());
        };
        let (data, _) = super::decode_content(s, 256 << 20)?;
        let ops = super::content::parse(&data, &Default::default()).map_err(|e| e.to_string())?;
        let op = ops
            .get(im.op as usize)
            .filter(|o| o.is("BI"))
            .ok_or("an inline image is not where it was")?;
        let dict = op
            .operands
            .first()
            .ok_or("inline image without a dictionary")?;
        return inline_image(&data[op.start..op.end], dict).map(std::borrow::Cow::Owned);
    };
    let in_form = if im.in_form {
        match doc.get_object(im.stream) {
            Ok(Object::Stream(f)) => super::get_dict(doc, &f.dict, b"Resources")
                .and_then(|r| super::get_dict(doc, r, b"XObject"))
                .and_then(|x| super::get(doc, x, name.as_bytes())),
            _ => None,
        }
    } else {
        None
    };
    match in_form {
        Some(Object::Stream(s)) => Ok(std::borrow::Cow::Borrowed(s)),
        _ => page_image(doc, page_id, name)
            .map(std::borrow::Cow::Borrowed)
            .ok_or_else(|| "the image is missing".into()),
    }
}

/// The image XObject a page draws under a resource name.
pub fn page_image<'a>(
    doc: &'a Document,
    page_id: lopdf::ObjectId,
    name: &str,
) -> Option<&'a Stream> {
    let res = super::page::page_resources(doc, page_id)?;
    let xo = super::get_dict(doc, res, b"XObject")?;
    match super::get(doc, xo, name.as_bytes())? {
        Object::Stream(s) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn gray_flate(w: usize, h: usize) -> Stream {
        use std::io::Write;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![200u8; w * h]).expect("write");
        Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Filter" => "FlateDecode" },
            enc.finish().expect("finish"),
        )
    }

    #[test]
    fn flate_pixels_under_a_box_are_blanked_and_others_kept() {
        let doc = Document::new();
        let img = gray_flate(100, 100);
        // Drawn as a 100x100 pt square at (0, 0): one pixel per point.
        let ctm = Matrix([100.0, 0.0, 0.0, 100.0, 0.0, 0.0]);
        let box_ = Rect {
            x0: 10.0,
            y0: 80.0,
            x1: 30.0,
            y1: 90.0,
        };
        assert!(!is_blank_under(&doc, &img, &ctm, &[box_]).expect("decodes"));
        let (out, _) = blank(&doc, &img, &[(ctm, vec![box_])]).expect("blanks");
        assert!(is_blank_under(&doc, &out, &ctm, &[box_]).expect("decodes"));
        let data = decode_stream(&out, 1 << 20).expect("decodes");
        // Page y 80..90 is image rows 10..20; x 10..30 is columns 10..30.
        assert_eq!(data[15 * 100 + 20], 0);
        assert_eq!(data[50 * 100 + 50], 200);
        assert_eq!(data[15 * 100 + 60], 200);
    }

    #[test]
    fn jpeg_pixels_under_a_box_are_blanked() {
        let doc = Document::new();
        let mut jpg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpg, 90)
            .encode(
                &vec![220u8; 64 * 64 * 3],
                64,
                64,
                jpeg_encoder::ColorType::Rgb,
            )
            .expect("encodes");
        let img = Stream::new(
            dictionary! { "Subtype" => "Image", "Width" => 64, "Height" => 64, "BitsPerComponent" => 8, "ColorSpace" => "DeviceRGB", "Filter" => "DCTDecode" },
            jpg,
        );
        let ctm = Matrix([64.0, 0.0, 0.0, 64.0, 100.0, 100.0]);
        let box_ = Rect {
            x0: 110.0,
            y0: 110.0,
            x1: 140.0,
            y1: 130.0,
        };
        let (out, _) = blank(&doc, &img, &[(ctm, vec![box_])]).expect("blanks");
        assert!(is_blank_under(&doc, &out, &ctm, &[box_]).expect("decodes"));
        assert!(!is_blank_under(&doc, &img, &ctm, &[box_]).expect("decodes"));
    }

    #[test]
    fn a_one_name_colour_space_array_is_that_name() {
        let doc = Document::new();
        let mut img = gray_flate(20, 20);
        img.dict.set(
            "ColorSpace",
            Object::Array(vec![Object::Name(b"DeviceGray".to_vec())]),
        );
        let ctm = Matrix([20.0, 0.0, 0.0, 20.0, 0.0, 0.0]);
        let r = Rect {
            x0: 2.0,
            y0: 2.0,
            x1: 12.0,
            y1: 12.0,
        };
        let (out, _) = blank(&doc, &img, &[(ctm, vec![r])]).expect("blanks");
        assert!(is_blank_under(&doc, &out, &ctm, &[r]).expect("decodes"));
    }

    #[test]
    fn unsupported_images_are_refused() {
        let doc = Document::new();
        let mut img = gray_flate(10, 10);
        img.dict.set("Filter", "NoSuchDecode");
        assert!(blank(&doc, &img, &[]).is_err());
        let mut img = gray_flate(10, 10);
        img.dict.set("SMaskInData", 1);
        assert!(blank(&doc, &img, &[]).is_err());
        let mut img = gray_flate(10, 10);
        img.dict.set("SMask", 5);
        assert!(blank(&doc, &img, &[]).is_err());
    }
}
