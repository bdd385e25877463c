//! Sanitise: turns a rewritten document into one part's output. Keeps only that part's pages (in a fresh
//! page tree), drops every channel that can carry text outside the page content (document information,
//! XMP, annotations and form fields, outlines, names and destinations, actions and JavaScript, attachments,
//! thumbnails, page labels, structure tree, application data), removes unreferenced objects, and proves
//! that no page outside the part is still reachable.

use super::extract::inherited;
use crate::error::{Error, Result};
use lopdf::{dictionary, Document, Object, ObjectId};

/// Catalog entries kept; everything else goes.
const CATALOG_KEEP: &[&[u8]] = &[
    b"Type",
    b"Pages",
    b"Version",
    b"Lang",
    b"ViewerPreferences",
    b"PageLayout",
];
/// Page entries kept; everything else (Annots, Thumb, PieceInfo, Metadata, AA, B, StructParents ...) goes.
const PAGE_KEEP: &[&[u8]] = &[
    b"Type",
    b"Parent",
    b"Resources",
    b"MediaBox",
    b"CropBox",
    b"BleedBox",
    b"TrimBox",
    b"ArtBox",
    b"Rotate",
    b"Contents",
    b"Group",
    b"UserUnit",
];
/// Attributes a page inherits from its ancestors (ISO 32000-1 7.7.3.4).
const INHERITABLE: &[&[u8]] = &[b"Resources", b"MediaBox", b"CropBox", b"Rotate"];
/// Keys removed from every dictionary and stream in the file.
const EVERYWHERE_DROP: &[&[u8]] = &[b"Metadata", b"PieceInfo", b"AA", b"LastModified"];

/// Reduces `doc` to the pages `keep` (in that order) and strips hidden channels.
pub fn build_part(doc: &mut Document, keep: &[ObjectId]) -> Result<()> {
    // Copy inherited attributes into each kept page before the old tree goes.
    for &pid in keep {
        let inh: Vec<(&[u8], Object)> = INHERITABLE
            .iter()
            .filter_map(|k| inherited(doc, pid, k).map(|o| (*k, o.clone())))
            .collect();
        let page = doc
            .get_dictionary_mut(pid)
            .map_err(|_| Error::verify("a page is not a dictionary"))?;
        for (k, o) in inh {
            page.set(k, o);
        }
    }
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| Error::load("no document catalog"))?;
    let kids: Vec<Object> = keep.iter().map(|&id| Object::Reference(id)).collect();
    let pages_id = doc.add_object(
        dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => keep.len() as i64 },
    );
    for &pid in keep {
        let page = doc
            .get_dictionary_mut(pid)
            .map_err(|_| Error::verify("a page is not a dictionary"))?;
        let keys: Vec<Vec<u8>> = page.iter().map(|(k, _)| k.clone()).collect();
        for k in keys {
            if !PAGE_KEEP.contains(&k.as_slice()) {
                page.remove(&k);
            }
        }
        page.set("Parent", Object::Reference(pages_id));
        page.set("Type", "Page");
    }
    {
        let cat = doc
            .get_dictionary_mut(root_id)
            .map_err(|_| Error::load("no document catalog"))?;
        let keys: Vec<Vec<u8>> = cat.iter().map(|(k, _)| k.clone()).collect();
        for k in keys {
            if !CATALOG_KEEP.contains(&k.as_slice()) {
                cat.remove(&k);
            }
        }
        cat.set("Pages", Object::Reference(pages_id));
        cat.set("Type", "Catalog");
    }
    let tkeys: Vec<Vec<u8>> = doc.trailer.iter().map(|(k, _)| k.clone()).collect();
    for k in tkeys {
        if !matches!(k.as_slice(), b"Root" | b"Size") {
            doc.trailer.remove(&k);
        }
    }
    for obj in doc.objects.values_mut() {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        for k in EVERYWHERE_DROP {
            dict.remove(k);
        }
    }
    doc.prune_objects();
    // Proof: the only page objects left are the kept ones.
    for (id, obj) in &doc.objects {
        if let Object::Dictionary(d) = obj {
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"Page")
                && !keep.contains(id)
            {
                return Err(Error::verify(
                    "a page of the other part is still referenced from a kept object",
                ));
            }
        }
    }
    Ok(())
}
