//! Everything that knows PDF: loading, fonts, the content-stream syntax, extraction, rewriting and
//! sanitising. Stages outside this module see only plain data (`PageText`, plans, bytes).

pub mod content;
pub mod extract;
pub mod fonts;
pub mod load;
pub mod rewrite;
pub mod sanitize;

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
