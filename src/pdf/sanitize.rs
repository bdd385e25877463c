//! Sanitise: flattens form fields before extraction (`flatten_form_fields`), and turns a rewritten
//! document into one part's output (`build_part`). Keeps only that part's pages (in a fresh
//! page tree), drops every channel that can carry text outside the page content (document information,
//! XMP, annotations and form fields, outlines, names and destinations, actions and JavaScript, attachments,
//! thumbnails, page labels, application data), prunes the structure tree to the part, removes
//! unreferenced objects, and proves that no page outside the part is still reachable. For publication,
//! `label_for_publication` gives a part output the little metadata a screen reader needs (a fresh Info
//! with /Title only, /Lang, DisplayDocTitle) and nothing else.

use super::extract::inherited;
use super::Rect;
use crate::error::{Error, Result};
use lopdf::{dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// Catalog entries kept; everything else goes.
const CATALOG_KEEP: &[&[u8]] = &[
    b"Type",
    b"Pages",
    b"Version",
    b"Lang",
    b"ViewerPreferences",
    b"PageLayout",
    b"StructTreeRoot",
    b"MarkInfo",
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
    b"StructParents",
    b"Tabs",
];
/// Attributes a page inherits from its ancestors (ISO 32000-1 7.7.3.4).
const INHERITABLE: &[&[u8]] = &[b"Resources", b"MediaBox", b"CropBox", b"Rotate"];
/// Keys removed from every dictionary and stream in the file.
const EVERYWHERE_DROP: &[&[u8]] = &[b"Metadata", b"PieceInfo", b"AA", b"LastModified"];

/// What one part keeps beyond its pages' content.
pub struct PartOptions<'a> {
    /// Kept pages that also hold the other part's content.
    pub shared: &'a [ObjectId],
    /// Whether a text outside the page content (alternative text, a link's address) may stay.
    pub text_ok: &'a dyn Fn(&str) -> bool,
    /// Keep link annotations to web addresses (see [`web_links`]).
    pub keep_links: bool,
    /// Per kept page, the areas removed (boxes, the other part's region): no link over them stays.
    pub covered: &'a HashMap<ObjectId, Vec<Rect>>,
    /// Leave the embedded fonts whole (see [`super::subset`]; for comparison only).
    pub keep_unused_glyphs: bool,
}

/// Reduces `doc` to the pages `keep` (in that order) and strips hidden channels. The structure tree is
/// pruned to those pages (see [`super::structure`]).
pub fn build_part(doc: &mut Document, keep: &[ObjectId], opts: &PartOptions<'_>) -> Result<()> {
    let links: Vec<(ObjectId, Vec<Object>)> = if opts.keep_links {
        keep.iter().map(|&p| (p, web_links(doc, p, opts))).collect()
    } else {
        Vec::new()
    };
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
    for (p, annots) in links {
        if annots.is_empty() {
            continue;
        }
        let ids: Vec<Object> = annots
            .into_iter()
            .map(|a| Object::Reference(doc.add_object(a)))
            .collect();
        if let Ok(page) = doc.get_dictionary_mut(p) {
            page.set("Annots", Object::Array(ids));
        }
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
    super::structure::prune(doc, root_id, keep, opts.shared, opts.text_ok);
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
    drop_unused_xobjects(doc, keep);
    if !opts.keep_unused_glyphs {
        crate::profile::time(crate::profile::Stage::Prune, || {
            super::subset::prune_fonts(doc, keep)
        });
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

/// The link annotations of a page that may stay (`--keep-links`), rebuilt with nothing but their area
/// and address: web addresses (http, https) in which `text_ok` finds nothing, over no removed area.
/// Every other annotation (comments, mail links, links inside the document) goes.
fn web_links(doc: &Document, page: ObjectId, opts: &PartOptions<'_>) -> Vec<Object> {
    let Some(annots) = doc
        .get_dictionary(page)
        .ok()
        .and_then(|p| super::get_array(doc, p, b"Annots"))
    else {
        return Vec::new();
    };
    let covered = opts.covered.get(&page).map_or(&[][..], |v| v.as_slice());
    let mut out = Vec::new();
    for a in annots.iter().take(10_000) {
        let Object::Dictionary(d) = super::deref(doc, a) else {
            continue;
        };
        if super::get_name(doc, d, b"Subtype") != Some(b"Link") {
            continue;
        }
        let Some(action) = super::get_dict(doc, d, b"A") else {
            continue;
        };
        if super::get_name(doc, action, b"S") != Some(b"URI") {
            continue;
        }
        let Some(Object::String(uri, _)) = super::get(doc, action, b"URI") else {
            continue;
        };
        let text = String::from_utf8_lossy(uri).to_string();
        let lower = text.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || text.chars().any(|c| c.is_control())
            || !(opts.text_ok)(&text)
        {
            continue;
        }
        let Some(r) = super::get_array(doc, d, b"Rect")
            .and_then(|a| super::nums(doc, a))
            .filter(|v| v.len() == 4 && v.iter().all(|x| x.is_finite()))
        else {
            continue;
        };
        let rect = Rect::from_points(&[(r[0], r[1]), (r[2], r[3])]);
        if covered.iter().any(|c| c.intersects(&rect)) {
            continue;
        }
        out.push(Object::Dictionary(dictionary! {
            "Type" => "Annot",
            "Subtype" => "Link",
            "Rect" => r.iter().map(|&x| Object::Real(x as f32)).collect::<Vec<_>>(),
            "Border" => vec![0.into(), 0.into(), 0.into()],
            "A" => dictionary! {
                "S" => "URI",
                "URI" => Object::String(uri.clone(), lopdf::StringFormat::Literal),
            },
        }));
    }
    out
}

/// A PDF text string (ISO 32000-1 7.9.2.2): printable ASCII as itself, anything else as UTF-16BE with
/// a byte order mark.
pub fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), lopdf::StringFormat::Literal)
    } else {
        let mut b = vec![0xFE, 0xFF];
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(b, lopdf::StringFormat::Hexadecimal)
    }
}

/// Labels a (redacted, sanitised) output for publication: a fresh document information dictionary
/// holding only /Title, the catalog's /Lang, and /ViewerPreferences /DisplayDocTitle true (so readers
/// and screen readers announce the title, not the file name; ISO 32000-1 12.2). Everything else stays
/// as it is (a structure tree and /MarkInfo included); page content is not touched.
pub fn label_for_publication(doc: &mut Document, title: &str, lang: &str) -> Result<()> {
    let info = doc.add_object(dictionary! { "Title" => text_string(title) });
    doc.trailer.set("Info", Object::Reference(info));
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| Error::load("no document catalog"))?;
    let prefs = {
        let cat = doc
            .get_dictionary(root_id)
            .map_err(|_| Error::load("no document catalog"))?;
        let mut prefs = super::get_dict(doc, cat, b"ViewerPreferences")
            .cloned()
            .unwrap_or_default();
        prefs.set("DisplayDocTitle", true);
        prefs
    };
    let cat = doc
        .get_dictionary_mut(root_id)
        .map_err(|_| Error::load("no document catalog"))?;
    cat.set("Lang", text_string(lang));
    cat.set("ViewerPreferences", Object::Dictionary(prefs));
    // An earlier Info or preferences object, now unreferenced, leaves the file.
    doc.prune_objects();
    Ok(())
}

/// Removes from each kept page's resources the XObjects its content no longer draws (a removed
/// signature image would otherwise stay in the file, undrawn but extractable).
fn drop_unused_xobjects(doc: &mut Document, keep: &[ObjectId]) {
    'pages: for &pid in keep {
        let Ok(streams) = super::extract::page_streams(doc, pid, &Default::default()) else {
            continue;
        };
        let mut used: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
        for (_, data, _) in &streams {
            let Ok(ops) = super::content::parse(data, &Default::default()) else {
                continue 'pages;
            };
            for op in ops.iter().filter(|o| o.is("Do")) {
                if let Some(n) = op.operands.first().and_then(super::content::Operand::name) {
                    used.insert(n.to_vec());
                }
            }
        }
        let Some(res) = super::extract::page_resources(doc, pid).cloned() else {
            continue;
        };
        let Some(xo) = super::get_dict(doc, &res, b"XObject").cloned() else {
            continue;
        };
        let kept: lopdf::Dictionary = xo
            .iter()
            .filter(|(k, _)| used.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if kept.len() != xo.len() {
            let mut res = res;
            res.set("XObject", Object::Dictionary(kept));
            if let Ok(page) = doc.get_dictionary_mut(pid) {
                page.set("Resources", Object::Dictionary(res));
            }
        }
    }
}

/// Flattens form fields: the visible appearance of every widget annotation (a filled-in form field) is
/// drawn into its page's content, so that extraction sees its text and redaction treats it like any
/// other text; the field dictionaries and values go later with the annotations and /AcroForm. Hidden
/// widgets are not drawn. Runs before extraction, on the document that every part is cut from.
pub fn flatten_form_fields(doc: &mut Document) -> Result<()> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for pid in pages {
        let annots: Vec<Object> = match doc
            .get_dictionary(pid)
            .ok()
            .and_then(|p| p.get(b"Annots").ok())
        {
            Some(Object::Array(a)) => a.clone(),
            Some(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(a)) => a.clone(),
                _ => continue,
            },
            _ => continue,
        };
        let mut draws: Vec<(ObjectId, [f64; 6])> = Vec::new();
        for a in annots.iter().take(10_000) {
            let Some(d) = (match super::deref(doc, a) {
                Object::Dictionary(d) => Some(d),
                _ => None,
            }) else {
                continue;
            };
            if super::get_name(doc, d, b"Subtype") != Some(b"Widget") {
                continue;
            }
            let flags = super::get_num(doc, d, b"F").unwrap_or(0.0) as i64;
            if flags & (2 | 32) != 0 {
                continue; // Hidden or NoView (ISO 32000-1 12.5.3)
            }
            let Some(ap) = super::get_dict(doc, d, b"AP") else {
                continue;
            };
            // /N is a stream, or a dictionary of states chosen by /AS (check boxes, radio buttons).
            let normal = match ap.get(b"N") {
                Ok(Object::Reference(id)) => match doc.get_object(*id) {
                    Ok(Object::Stream(_)) => Some(*id),
                    Ok(Object::Dictionary(states)) => {
                        super::get_name(doc, d, b"AS").and_then(|s| super::ref_id(states, s))
                    }
                    _ => None,
                },
                Ok(Object::Dictionary(states)) => {
                    super::get_name(doc, d, b"AS").and_then(|s| super::ref_id(states, s))
                }
                _ => None,
            };
            let Some(form_id) = normal else { continue };
            let Some(rect) = super::get_array(doc, d, b"Rect")
                .and_then(|a| super::nums(doc, a))
                .filter(|v| v.len() == 4)
            else {
                continue;
            };
            let Ok(Object::Stream(form)) = doc.get_object(form_id) else {
                continue;
            };
            let bbox = super::get_array(doc, &form.dict, b"BBox")
                .and_then(|a| super::nums(doc, a))
                .filter(|v| v.len() == 4);
            let Some(bbox) = bbox else { continue };
            let m = super::get_array(doc, &form.dict, b"Matrix")
                .and_then(|a| super::nums(doc, a))
                .and_then(|v| super::Matrix::from_slice(&v))
                .unwrap_or(super::Matrix::IDENTITY);
            // ISO 32000-1 12.5.5: the transformed BBox is mapped onto the annotation's Rect.
            let tb =
                super::Rect::from_points(&[(bbox[0], bbox[1]), (bbox[2], bbox[3])]).transform(&m);
            let r = super::Rect::from_points(&[(rect[0], rect[1]), (rect[2], rect[3])]);
            if tb.width() <= 0.0 || tb.height() <= 0.0 {
                continue;
            }
            let (sx, sy) = (r.width() / tb.width(), r.height() / tb.height());
            draws.push((
                form_id,
                [sx, 0.0, 0.0, sy, r.x0 - tb.x0 * sx, r.y0 - tb.y0 * sy],
            ));
        }
        if draws.is_empty() {
            continue;
        }
        let mut resources = super::extract::page_resources(doc, pid)
            .cloned()
            .unwrap_or_default();
        let mut xobjects = super::get_dict(doc, &resources, b"XObject")
            .cloned()
            .unwrap_or_default();
        let mut ops = String::from("Q\n");
        for (k, (form_id, a)) in draws.iter().enumerate() {
            // Appearance streams may omit /Subtype; readers draw them as forms all the same.
            if let Ok(Object::Stream(s)) = doc.get_object_mut(*form_id) {
                s.dict.set("Type", "XObject");
                s.dict.set("Subtype", "Form");
            }
            let name = format!("FoiRedactField{k}");
            xobjects.set(name.as_bytes().to_vec(), Object::Reference(*form_id));
            let nums: Vec<String> = a.iter().map(|v| super::content::fmt_num(*v)).collect();
            ops.push_str(&format!("q {} cm /{name} Do Q\n", nums.join(" ")));
        }
        resources.set("XObject", Object::Dictionary(xobjects));
        super::overlay_page(doc, pid, ops.into_bytes(), resources)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalog with a structure tree and an old Info naming someone: the labels replace the Info
    /// whole and keep the tags.
    #[test]
    fn labels_replace_info_and_keep_tags() {
        let mut doc = Document::with_version("1.7");
        let pages =
            doc.add_object(dictionary! { "Type" => "Pages", "Kids" => vec![], "Count" => 0 });
        let tree = doc.add_object(dictionary! { "Type" => "StructTreeRoot" });
        let root = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages,
            "MarkInfo" => dictionary! { "Marked" => true },
            "StructTreeRoot" => tree,
            "ViewerPreferences" => dictionary! { "FitWindow" => true },
        });
        let old = doc.add_object(dictionary! { "Author" => Object::string_literal("Jane Roe") });
        doc.trailer.set("Root", root);
        doc.trailer.set("Info", old);
        label_for_publication(
            &mut doc,
            "Decision 2024/086: Fleet \u{2013} telematics",
            "en-GB",
        )
        .expect("labels");
        let info_id = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .expect("Info");
        assert!(doc.get_object(old).is_err(), "the old Info left the file");
        let info = doc.get_dictionary(info_id).expect("dict");
        assert_eq!(info.len(), 1);
        let mut want = vec![0xFE, 0xFF];
        want.extend(
            "Decision 2024/086: Fleet \u{2013} telematics"
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        );
        assert_eq!(
            info.get(b"Title").and_then(Object::as_str).expect("Title"),
            want.as_slice()
        );
        let cat = doc.get_dictionary(root).expect("catalog");
        assert_eq!(
            cat.get(b"Lang").and_then(Object::as_str).expect("Lang"),
            b"en-GB"
        );
        assert!(cat.has(b"MarkInfo") && cat.has(b"StructTreeRoot"));
        let prefs = cat
            .get(b"ViewerPreferences")
            .and_then(Object::as_dict)
            .expect("prefs");
        assert_eq!(
            prefs.get(b"DisplayDocTitle").and_then(Object::as_bool).ok(),
            Some(true)
        );
        assert_eq!(
            prefs.get(b"FitWindow").and_then(Object::as_bool).ok(),
            Some(true)
        );
        assert!(doc.get_object(tree).is_ok());
    }
}
