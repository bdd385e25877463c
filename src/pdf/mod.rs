//! Everything that knows PDF: loading, fonts, the content-stream syntax, extraction, rewriting and
//! sanitising. Stages outside this module see only plain data (`PageText`, plans, bytes).

pub mod content;
pub mod extract;
pub mod eyes;
pub mod fonts;
pub mod images;
pub mod load;
pub mod marks;
pub mod ocr;
pub mod page;
pub mod render;
pub mod rewrite;
pub mod sanitize;
pub mod structure;
pub mod subset;

pub use crate::geom::{Matrix, Rect};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// Follows references (at most a few hops: cycles end as `Null`).
pub fn deref<'a>(doc: &'a Document, mut obj: &'a Object) -> &'a Object {
    for _ in 0..16 {
        match obj {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(o) => obj = o,
                Err(_) => return &Object::Null,
            },
            _ => return obj,
        }
    }
    &Object::Null
}

/// A dictionary entry, dereferenced.
pub fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key)
        .ok()
        .map(|o| deref(doc, o))
        .filter(|o| !matches!(o, Object::Null))
}

pub fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64).filter(|v| v.is_finite()),
        _ => None,
    }
}

pub fn get_num(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<f64> {
    get(doc, dict, key).and_then(num)
}

pub fn get_name<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

pub fn get_array<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Vec<Object>> {
    match get(doc, dict, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

/// The object id a dictionary entry refers to, if it is a reference.
pub fn ref_id(dict: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    match dict.get(key).ok()? {
        Object::Reference(id) => Some(*id),
        _ => None,
    }
}

/// Numbers of an array, dereferenced; `None` if any is not a number.
pub fn nums(doc: &Document, arr: &[Object]) -> Option<Vec<f64>> {
    arr.iter().map(|o| num(deref(doc, o))).collect()
}

/// Why a stream cannot be decoded; `limit` when it decodes to more than it may (never a reason to
/// let a page through unread).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub msg: String,
    pub limit: bool,
}

impl DecodeError {
    fn over(limit: usize) -> DecodeError {
        DecodeError {
            msg: format!("stream decodes to more than {limit} bytes"),
            limit: true,
        }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg)
    }
}

impl From<String> for DecodeError {
    fn from(msg: String) -> DecodeError {
        DecodeError { msg, limit: false }
    }
}

impl From<&str> for DecodeError {
    fn from(msg: &str) -> DecodeError {
        DecodeError::from(msg.to_string())
    }
}

impl From<DecodeError> for String {
    fn from(e: DecodeError) -> String {
        e.msg
    }
}

/// Decodes a content stream. A damaged Flate stream yields what inflates before the damage (as every
/// reader shows it: deflate cannot resynchronise past an error), less a last line cut in the middle,
/// with `true` to say the stream must be written back re-encoded so that the output is valid. Other
/// filters decode strictly.
pub fn decode_content(s: &lopdf::Stream, limit: usize) -> Result<(Vec<u8>, bool), DecodeError> {
    match decode_stream(s, limit) {
        Ok(d) => Ok((d, false)),
        Err(e) => {
            let flate_only = matches!(s.dict.get(b"Filter"), Ok(Object::Name(n)) if n == b"FlateDecode")
                && !s.dict.has(b"DecodeParms");
            if !flate_only {
                return Err(e);
            }
            // Inflated in small steps, so that what came out before the damage is kept (a reader's
            // error drops the whole buffer it was filling).
            let inflate = |data: &[u8], zlib: bool| {
                let mut z = flate2::Decompress::new(zlib);
                let mut out: Vec<u8> = Vec::new();
                loop {
                    let at = (z.total_in() as usize).min(data.len());
                    out.reserve(4096);
                    let before = (z.total_in(), z.total_out());
                    let r = z.decompress_vec(&data[at..], &mut out, flate2::FlushDecompress::None);
                    let stuck = (z.total_in(), z.total_out()) == before;
                    if !matches!(r, Ok(flate2::Status::Ok)) || stuck || out.len() > limit {
                        break;
                    }
                }
                out
            };
            let mut out = inflate(s.content.as_slice(), true);
            if out.is_empty() && s.content.len() > 2 {
                out = inflate(&s.content[2..], false);
            }
            if out.len() > limit {
                return Err(DecodeError::over(limit));
            }
            // Cut off mid-operation, most likely: the broken last line is left out, as for any
            // damaged line (`content::salvage`), so that extraction and rewriting read the same ops.
            let out = match content::salvage(&out, &Default::default()) {
                Some((fixed, _)) => fixed,
                None => out,
            };
            Ok((out, true))
        }
    }
}

/// Decodes a stream's filters strictly: a corrupt Flate stream is an error, never a silently shortened
/// result (lopdf returns what it could inflate, which would let a damaged page's remaining text slip past
/// extraction while another reader recovers more). Output is capped at `limit` bytes.
pub fn decode_stream(s: &lopdf::Stream, limit: usize) -> Result<Vec<u8>, DecodeError> {
    use std::io::Read;
    let filters: Vec<Vec<u8>> = match s.dict.get(b"Filter") {
        Err(_) => vec![],
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .map(|o| {
                o.as_name()
                    .map(|n| n.to_vec())
                    .map_err(|_| "bad /Filter".to_string())
            })
            .collect::<Result<_, String>>()?,
        Ok(_) => return Err("bad /Filter".into()),
    };
    if filters.is_empty() {
        if s.content.len() > limit {
            return Err(DecodeError {
                msg: format!("stream larger than {limit} bytes"),
                limit: true,
            });
        }
        return Ok(s.content.clone());
    }
    if filters.len() > 4 {
        return Err("too many filters".into());
    }
    let parms: Vec<Option<&lopdf::Dictionary>> = match s.dict.get(b"DecodeParms") {
        Ok(Object::Dictionary(d)) => vec![Some(d)],
        Ok(Object::Array(a)) => a.iter().map(|o| o.as_dict().ok()).collect(),
        _ => vec![],
    };
    let mut data = s.content.clone();
    for (i, f) in filters.iter().enumerate() {
        let p = parms.get(i).copied().flatten();
        let predictor = p
            .and_then(|p| p.get(b"Predictor").ok())
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(1);
        data = match f.as_slice() {
            b"FlateDecode" | b"Fl" if predictor <= 1 => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(data.as_slice())
                    .take(limit as u64 + 1)
                    .read_to_end(&mut out)
                    .map_err(|_| "corrupt Flate data".to_string())?;
                out
            }
            _ => {
                // Other filters (and Flate with a predictor) through lopdf, one at a time.
                let mut d = lopdf::Dictionary::new();
                d.set("Filter", Object::Name(f.clone()));
                if let Some(p) = p {
                    d.set("DecodeParms", Object::Dictionary(p.clone()));
                }
                lopdf::Stream::new(d, data)
                    .decompressed_content_with_limit(limit)
                    .map_err(|e| match e {
                        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                            ..
                        }) => DecodeError::over(limit),
                        _ => DecodeError::from("stream cannot be decoded"),
                    })?
            }
        };
        if data.len() > limit {
            return Err(DecodeError::over(limit));
        }
    }
    Ok(data)
}

/// Draws `overlay` on top of a page: the page's content becomes `q`, its original streams, then the
/// overlay (which starts with `Q`, so it draws in the page's own coordinates whatever state the original
/// left), and its resources become `resources`. Used by box drawing, review marks and form flattening.
pub fn overlay_page(
    doc: &mut Document,
    page_id: ObjectId,
    overlay: Vec<u8>,
    resources: Dictionary,
) -> crate::error::Result<()> {
    let head = doc.add_object(lopdf::Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let mut tail_stream = lopdf::Stream::new(Dictionary::new(), overlay);
    compress(&mut tail_stream);
    let tail = doc.add_object(tail_stream);
    let mut contents: Vec<Object> = vec![Object::Reference(head)];
    match doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|p| p.get(b"Contents").ok())
        .cloned()
    {
        Some(Object::Reference(id)) => match doc.get_object(id) {
            Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
            _ => contents.push(Object::Reference(id)),
        },
        Some(Object::Array(a)) => contents.extend(a),
        _ => {}
    }
    contents.push(Object::Reference(tail));
    let page = doc
        .get_dictionary_mut(page_id)
        .map_err(|_| crate::error::Error::load("a page is not a dictionary"))?;
    page.set("Contents", Object::Array(contents));
    page.set("Resources", Object::Dictionary(resources));
    Ok(())
}

/// A PDF text string as Unicode: UTF-16BE or UTF-8 with their byte-order marks, else PDFDocEncoding
/// (read as Latin-1, which it equals for letters, digits and punctuation).
pub fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// Compression level for the streams foiredact writes (rewritten content, pruned fonts, new CMaps).
/// lopdf's `Stream::compress` uses level 9, which took a tenth of a run's time for a few per cent of
/// size; level 6 is zlib's default.
pub const FLATE_LEVEL: u32 = 6;

/// Flate-compresses a stream that has no filter, when that makes it smaller (as `Stream::compress`,
/// at [`FLATE_LEVEL`]).
pub fn compress(s: &mut lopdf::Stream) {
    use std::io::Write;
    if s.dict.get(b"Filter").is_ok() {
        return;
    }
    let mut enc = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(s.content.len() / 2 + 64),
        flate2::Compression::new(FLATE_LEVEL),
    );
    let Ok(packed) = enc.write_all(&s.content).and_then(|()| enc.finish()) else {
        return;
    };
    if packed.len() + 19 < s.content.len() {
        s.dict.set("Filter", "FlateDecode");
        s.set_content(packed);
    }
}
