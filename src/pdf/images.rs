//! Image pixels: decode an image XObject, blank the pixels that lie under redaction boxes, re-encode.
//!
//! Supported: DCT (JPEG, greyscale or colour) and Flate (any predictor lopdf decodes) with 1 or 8 bits
//! per component, without masks. Anything else is an `Err(reason)`: the caller declines the file rather
//! than publish pixels it could not blank.
//!
//! # Invariants
//! A page rectangle is mapped to pixels through the inverse of the image's CTM and rounded outwards, so
//! every pixel any part of which lies under a box is blanked.

use super::{decode_stream, Matrix, Rect};
use lopdf::{Dictionary, Document, Object, Stream};

/// Largest image (pixels) we decode.
const MAX_PIXELS: usize = 150_000_000;

struct Raw {
    width: usize,
    height: usize,
    /// Components per pixel.
    comps: usize,
    bpc: usize,
}

fn image_info(doc: &Document, d: &Dictionary) -> Result<Raw, String> {
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
        return Err("stencil-mask images cannot be blanked yet".into());
    }
    if d.has(b"SMask") || d.has(b"Mask") || d.has(b"SMaskInData") {
        return Err("images with masks cannot be blanked yet".into());
    }
    let bpc = d
        .get(b"BitsPerComponent")
        .and_then(Object::as_i64)
        .unwrap_or(8) as usize;
    let cs = d.get(b"ColorSpace").ok().map(|o| super::deref(doc, o));
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
                .ok_or("ICC colour space without /N")? as usize,
            Some(b"Indexed") | Some(b"I") => 1,
            Some(b"CalRGB") | Some(b"Lab") => 3,
            Some(b"CalGray") => 1,
            _ => return Err("image colour space not supported yet".into()),
        },
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

enum Codec {
    Jpeg,
    Flate,
}

fn codec(d: &Dictionary) -> Result<Codec, String> {
    let filters: Vec<Vec<u8>> = match d.get(b"Filter") {
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        _ => vec![],
    };
    match filters
        .iter()
        .map(Vec::as_slice)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [b"DCTDecode"] | [b"DCT"] => Ok(Codec::Jpeg),
        [] | [b"FlateDecode"] | [b"Fl"] => Ok(Codec::Flate),
        _ => {
            Err("image compression not supported for blanking yet (e.g. CCITT, JBIG2, JPX)".into())
        }
    }
}

/// Decoded samples: rows of `stride` bytes.
struct Pixels {
    data: Vec<u8>,
    stride: usize,
    jpeg_comps: usize,
}

fn decode(stream: &Stream, raw: &Raw, c: &Codec) -> Result<Pixels, String> {
    match c {
        Codec::Jpeg => {
            use zune_core::bytestream::ZCursor;
            use zune_core::colorspace::ColorSpace;
            use zune_core::options::DecoderOptions;
            let mut probe = zune_jpeg::JpegDecoder::new(ZCursor::new(&stream.content));
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
            let mut dec =
                zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(&stream.content), opts);
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
            if raw.bpc != 8 && raw.bpc != 1 {
                return Err(
                    "images with 2, 4 or 16 bits per component cannot be blanked yet".into(),
                );
            }
            let data =
                decode_stream(stream, MAX_PIXELS * 4).map_err(|e| format!("image data: {e}"))?;
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
    }
}

fn bytes_per_pixel(raw: &Raw, px: &Pixels) -> usize {
    if px.jpeg_comps > 0 {
        px.jpeg_comps
    } else {
        raw.comps * raw.bpc / 8
    }
}

/// Sets every sample under the pixel rectangles to 0.
fn fill(raw: &Raw, px: &mut Pixels, rects: &[(usize, usize, usize, usize)]) {
    let bpp = bytes_per_pixel(raw, px);
    for &(c0, r0, c1, r1) in rects {
        for row in r0..r1 {
            let line = &mut px.data[row * px.stride..(row + 1) * px.stride];
            if raw.bpc == 1 && px.jpeg_comps == 0 {
                for col in c0..c1 {
                    for k in 0..raw.comps {
                        let bit = col * raw.comps + k;
                        line[bit / 8] &= !(0x80 >> (bit % 8));
                    }
                }
            } else {
                line[c0 * bpp..c1 * bpp].fill(0);
            }
        }
    }
}

/// Returns a copy of an image XObject with every pixel under `uses` (each: the CTM it is drawn with and
/// the page rectangles to blank) set to 0.
pub fn blank(
    doc: &Document,
    stream: &Stream,
    uses: &[(Matrix, Vec<Rect>)],
) -> Result<Stream, String> {
    let raw = image_info(doc, &stream.dict)?;
    let c = codec(&stream.dict)?;
    let mut px = decode(stream, &raw, &c)?;
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
                .encode(&px.data, w, h, ct)
                .map_err(|_| "JPEG image cannot be re-encoded".to_string())?;
            dict.set("Filter", "DCTDecode");
            if px.jpeg_comps == 3
                && matches!(dict.get(b"ColorSpace"), Ok(Object::Name(n)) if n.as_slice() != b"DeviceRGB")
            {
                dict.set("ColorSpace", "DeviceRGB");
            }
            buf
        }
        Codec::Flate => {
            use std::io::Write;
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

/// Proof for verification: every pixel under the rectangles is 0 (JPEG: within a small tolerance, as
/// re-encoding leaves ringing at the edges of the blanked area, so the check skips a 2-pixel rim).
pub fn is_blank_under(
    doc: &Document,
    stream: &Stream,
    ctm: &Matrix,
    rects: &[Rect],
) -> Result<bool, String> {
    let raw = image_info(doc, &stream.dict)?;
    let c = codec(&stream.dict)?;
    let px = decode(stream, &raw, &c)?;
    let jpeg = matches!(c, Codec::Jpeg);
    let bpp = bytes_per_pixel(&raw, &px);
    for (c0, r0, c1, r1) in pixel_rects(&raw, ctm, rects)? {
        let rim = if jpeg { 3 } else { 1 };
        let (c0, r0) = (c0 + rim, r0 + rim);
        let (c1, r1) = (c1.saturating_sub(rim), r1.saturating_sub(rim));
        for row in r0..r1.max(r0) {
            let line = &px.data[row * px.stride..(row + 1) * px.stride];
            for col in c0..c1.max(c0) {
                let dark = if raw.bpc == 1 && !jpeg {
                    (0..raw.comps).all(|k| {
                        let bit = col * raw.comps + k;
                        line[bit / 8] & (0x80 >> (bit % 8)) == 0
                    })
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
    let raw = image_info(doc, &stream.dict)?;
    let c = codec(&stream.dict)?;
    let px = decode(stream, &raw, &c)?;
    let mut out = Vec::with_capacity(raw.width * raw.height);
    for row in 0..raw.height {
        let line = &px.data[row * px.stride..(row + 1) * px.stride];
        for col in 0..raw.width {
            let v = if px.jpeg_comps == 1 {
                line[col]
            } else if px.jpeg_comps == 3 {
                let p = &line[col * 3..col * 3 + 3];
                ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8
            } else if raw.bpc == 1 {
                let bit = col * raw.comps;
                if line[bit / 8] & (0x80 >> (bit % 8)) != 0 {
                    255
                } else {
                    0
                }
            } else {
                match raw.comps {
                    3 => {
                        let p = &line[col * 3..col * 3 + 3];
                        ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8
                    }
                    4 => {
                        let p = &line[col * 4..col * 4 + 4];
                        255u8.saturating_sub(
                            ((p[0] as u32 + p[1] as u32 + p[2] as u32) / 3)
                                .saturating_add(p[3] as u32)
                                .min(255) as u8,
                        )
                    }
                    _ => line[col * raw.comps],
                }
            };
            out.push(v);
        }
    }
    // An image mask or a /Decode [1 0] inverts: OCR wants dark text on a light page.
    let inverted = matches!(stream.dict.get(b"Decode"), Ok(Object::Array(a)) if a.first().and_then(|o| o.as_float().ok()) == Some(1.0));
    if inverted {
        out.iter_mut().for_each(|v| *v = 255 - *v);
    }
    Ok((raw.width, raw.height, out))
}

/// The image XObject a page draws under a resource name.
pub fn page_image<'a>(
    doc: &'a Document,
    page_id: lopdf::ObjectId,
    name: &str,
) -> Option<&'a Stream> {
    let res = super::extract::page_resources(doc, page_id)?;
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
        let out = blank(&doc, &img, &[(ctm, vec![box_])]).expect("blanks");
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
        let out = blank(&doc, &img, &[(ctm, vec![box_])]).expect("blanks");
        assert!(is_blank_under(&doc, &out, &ctm, &[box_]).expect("decodes"));
        assert!(!is_blank_under(&doc, &img, &ctm, &[box_]).expect("decodes"));
    }

    #[test]
    fn unsupported_images_are_refused() {
        let doc = Document::new();
        let mut img = gray_flate(10, 10);
        img.dict.set("Filter", "CCITTFaxDecode");
        assert!(blank(&doc, &img, &[]).is_err());
        let mut img = gray_flate(10, 10);
        img.dict.set("SMask", Object::Reference((9, 0)));
        assert!(blank(&doc, &img, &[]).is_err());
    }
}
