//! A page's inherited attributes (ISO 32000-1 7.7.3.4): resources, media box, and the stream id of
//! glyphs read from pixels. The leaf below extraction, OCR, images and rewriting, so that none of
//! them needs another for these.

use super::{get, get_dict, nums, Rect};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// The stream id of glyphs that OCR found: they are in the pixels, not in any content stream.
pub const VIRTUAL: (u32, u16) = (0, 0);

/// The page's resource dictionary, inherited through /Parent (ISO 32000-1 7.7.3.4).
pub fn page_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    inherited(doc, page_id, b"Resources").and_then(|o| o.as_dict().ok())
}

/// A page attribute, from the page or the nearest /Parent that has it.
pub fn inherited<'a>(doc: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    for _ in 0..64 {
        if let Some(o) = get(doc, node, key) {
            return Some(o);
        }
        node = get_dict(doc, node, b"Parent")?;
    }
    None
}

pub fn page_media_box(doc: &Document, page_id: ObjectId) -> Option<Rect> {
    let a = match inherited(doc, page_id, b"MediaBox")? {
        Object::Array(a) => nums(doc, a)?,
        _ => return None,
    };
    (a.len() == 4).then(|| Rect::from_points(&[(a[0], a[1]), (a[2], a[3])]))
}
