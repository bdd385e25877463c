//! Sanitise: flattens form fields before extraction (`flatten_form_fields`), and turns a rewritten
//! document into one part's output (`build_part`). Keeps only that part's pages (in a fresh
//! page tree), drops every channel that can carry text outside the page content (document information,
//! XMP, annotations and form fields, outlines, names and destinations, actions and JavaScript, attachments,
//! thumbnails, page labels, application data), prunes the structure tree to the part, removes
//! unreferenced objects, and proves that no page outside the part is still reachable. For publication,
//! `label_for_publication` gives a part output the little metadata a screen reader needs (a fresh Info
//! with /Title only, /Lang, DisplayDocTitle) and nothing else.

use super::page::inherited;
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
    /// Whether a text outside the page content (alternative text) may stay.
    pub text_ok: &'a dyn Fn(&str) -> bool,
    /// Whether a link's address may stay.
    pub uri_ok: &'a dyn Fn(&str) -> bool,
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
            .map_err(|_| Error::invariant("a page is not a dictionary"))?;
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
            .map_err(|_| Error::invariant("a page is not a dictionary"))?;
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
    if !opts.keep_unused_glyphs {
        // (After the objects of the other part are gone: a font they still named would look shared.)
        crate::profile::time(crate::profile::Stage::Prune, || {
            super::subset::canonical_codes(doc, keep)
        });
        doc.prune_objects();
    }
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
            || !(opts.uri_ok)(&text)
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
        let Some(res) = super::page::page_resources(doc, pid).cloned() else {
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
        let mut no_appearance: Vec<(lopdf::Stream, super::Rect, Option<lopdf::Stream>)> =
            Vec::new();
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
                // A value with no appearance (pypdf, pdftk: /NeedAppearances) is drawn as a viewer
                // would draw it; a field that cannot be drawn so declines the file.
                if let Some(draw) = field_appearance(doc, d)? {
                    no_appearance.push(draw);
                }
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
        for (mut form, r, to_unicode) in no_appearance {
            if let Some(cmap) = to_unicode {
                let cid = doc.add_object(cmap);
                if let Ok(Object::Dictionary(sym)) = form
                    .dict
                    .get_mut(b"Resources")
                    .and_then(|r| r.as_dict_mut())
                    .and_then(|r| r.get_mut(b"Font"))
                    .and_then(|f| f.as_dict_mut())
                    .and_then(|f| f.get_mut(b"FoiRedactSym"))
                {
                    sym.set("ToUnicode", Object::Reference(cid));
                }
            }
            let id = doc.add_object(form);
            draws.push((id, [1.0, 0.0, 0.0, 1.0, r.x0, r.y0]));
        }
        if draws.is_empty() {
            continue;
        }
        let mut resources = super::page::page_resources(doc, pid)
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

/// A field attribute, from the widget or the fields above it (ISO 32000-1 12.7.3.1: /FT, /V, /DA, /Q
/// and /Ff are inheritable), else from the /AcroForm dictionary (/DA, /Q).
fn field_attr<'a>(
    doc: &'a Document,
    widget: &'a lopdf::Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    let mut d = widget;
    for _ in 0..32 {
        if let Some(v) = super::get(doc, d, key) {
            return Some(v);
        }
        match super::get_dict(doc, d, b"Parent") {
            Some(p) => d = p,
            None => break,
        }
    }
    let root = super::get_dict(doc, &doc.trailer, b"Root")?;
    let form = super::get_dict(doc, root, b"AcroForm")?;
    super::get(doc, form, key)
}

/// The appearance a viewer draws for a text or choice field that has a value but no /AP: the value
/// in Helvetica at the size and colour of its /DA (size 0: fitted to the box), aligned by /Q, one line
/// per line of a multiline field. `None` for other fields and empty values; an error for a value that
/// cannot be drawn so (characters Helvetica's encoding does not have).
fn field_appearance(
    doc: &Document,
    w: &lopdf::Dictionary,
) -> Result<Option<(lopdf::Stream, super::Rect, Option<lopdf::Stream>)>> {
    let ft = field_attr(doc, w, b"FT").and_then(|o| o.as_name().ok());
    if !matches!(ft, Some(b"Tx") | Some(b"Ch")) {
        return Ok(None);
    }
    let value = match field_attr(doc, w, b"V").map(|o| super::deref(doc, o)) {
        Some(Object::String(s, _)) => super::text_string(s),
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| match super::deref(doc, o) {
                Object::String(s, _) => Some(super::text_string(s)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => return Ok(None),
    };
    // (Control characters show nothing; a tab shows as a space.)
    let value: String = value
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r'))
        .collect();
    if value.trim().is_empty() {
        return Ok(None);
    }
    let Some(r) = super::get_array(doc, w, b"Rect")
        .and_then(|a| super::nums(doc, a))
        .filter(|v| v.len() == 4 && v.iter().all(|x| x.is_finite()))
    else {
        return Ok(None);
    };
    let rect = super::Rect::from_points(&[(r[0], r[1]), (r[2], r[3])]);
    let (width, height) = (rect.width(), rect.height());
    if width <= 0.0 || height <= 0.0 {
        return Ok(None);
    }
    // /DA: the font size and the colour operators.
    let da = match field_attr(doc, w, b"DA").map(|o| super::deref(doc, o)) {
        Some(Object::String(s, _)) => String::from_utf8_lossy(s).to_string(),
        _ => String::new(),
    };
    let toks: Vec<&str> = da.split_whitespace().collect();
    let mut size: f64 = 0.0;
    let mut colour = "0 g".to_string();
    for (k, t) in toks.iter().enumerate() {
        let args = |n: usize| (k >= n).then(|| toks[k - n..k].join(" "));
        match *t {
            "Tf" => {
                size = toks
                    .get(k.wrapping_sub(1))
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0.0)
            }
            "g" | "G" => colour = args(1).map_or(colour, |a| format!("{a} g")),
            "rg" | "RG" => colour = args(3).map_or(colour, |a| format!("{a} rg")),
            "k" | "K" => colour = args(4).map_or(colour, |a| format!("{a} k")),
            _ => {}
        }
    }
    let multiline = field_attr(doc, w, b"Ff")
        .and_then(|o| o.as_i64().ok())
        .is_some_and(|f| f & 4096 != 0);
    let lines: Vec<&str> = if multiline {
        value.split(['\r', '\n']).collect()
    } else {
        vec![value.as_str()]
    };
    if !(size > 0.0 && size.is_finite()) {
        size = (height * 0.7 / lines.len() as f64).clamp(4.0, 12.0);
    }
    let q = field_attr(doc, w, b"Q")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    let afm = super::fonts::standard14("Helvetica").expect("Helvetica is a standard font");
    let fmt = super::content::fmt_num;
    let mut ops = format!("/Tx BMC q BT {colour}\n");
    // Characters WinAnsi has no code for are drawn in a second font whose codes name them (glyph names
    // `uniXXXX`, and a /ToUnicode): a viewer without such a glyph shows a blank, but every reader
    // reads the character, so the rules see the value as it is.
    let mut other: Vec<char> = Vec::new();
    let mut to_unicode = None;
    for (k, line) in lines.iter().enumerate() {
        let mut runs: Vec<(bool, Vec<u8>)> = Vec::new();
        let mut adv = 0.0;
        for c in line.chars() {
            let (sym, code) = match win_ansi(c) {
                Some(code) => (false, code),
                None => {
                    let i = match other.iter().position(|&o| o == c) {
                        Some(i) => i,
                        None => {
                            other.push(c);
                            other.len() - 1
                        }
                    };
                    if i >= 255 {
                        return Err(Error::unsupported(
                            "a form field's value has too many characters to draw without its appearance",
                        ));
                    }
                    (true, i as u8 + 1)
                }
            };
            let w = if sym {
                556.0
            } else {
                afm.by_unicode.get(&c.to_string()).copied().unwrap_or(556.0)
            };
            adv += w * size / 1000.0;
            match runs.last_mut() {
                Some((s, codes)) if *s == sym => codes.push(code),
                _ => runs.push((sym, vec![code])),
            }
        }
        let x = match q {
            1 => (width - adv) / 2.0,
            2 => width - 2.0 - adv,
            _ => 2.0,
        };
        let y = if lines.len() == 1 {
            (height - size) / 2.0 + 0.22 * size
        } else {
            height - 2.0 - size * (k as f64 + 1.0) * 1.15 + 0.22 * size
        };
        ops.push_str(&format!("1 0 0 1 {} {} Tm", fmt(x), fmt(y)));
        for (sym, codes) in runs {
            let f = if sym { "FoiRedactSym" } else { "FoiRedactHelv" };
            ops.push_str(&format!(
                " /{f} {} Tf {} Tj",
                fmt(size),
                super::content::hex_string(&codes)
            ));
        }
        ops.push('\n');
    }
    ops.push_str("ET Q EMC\n");
    let mut fonts = dictionary! {
        "FoiRedactHelv" => dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
        },
    };
    if !other.is_empty() {
        let mut diffs: Vec<Object> = vec![1.into()];
        let mut cmap = format!(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /FoiRedactSym def\n\
             1 begincodespacerange <00> <FF> endcodespacerange\n{} beginbfchar\n",
            other.len()
        );
        for (i, c) in other.iter().enumerate() {
            let name = if (*c as u32) <= 0xFFFF {
                format!("uni{:04X}", *c as u32)
            } else {
                format!("u{:X}", *c as u32)
            };
            diffs.push(Object::Name(name.into_bytes()));
            let utf16: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:02X}> <{utf16}>\n", i + 1));
        }
        cmap.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
        fonts.set(
            "FoiRedactSym",
            dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
                "FirstChar" => 1, "LastChar" => other.len() as i64,
                "Widths" => vec![Object::Integer(556); other.len()],
                "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => diffs },
            },
        );
        to_unicode = Some(lopdf::Stream::new(dictionary! {}, cmap.into_bytes()));
    }
    let form = lopdf::Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), width.into(), height.into()],
            "Resources" => dictionary! { "Font" => fonts },
        },
        ops.into_bytes(),
    );
    Ok(Some((form, rect, to_unicode)))
}

/// A character's code in WinAnsiEncoding (ISO 32000-1 D.2), if it has one.
fn win_ansi(c: char) -> Option<u8> {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    match c as u32 {
        0x20..=0x7E | 0xA0..=0xFF => Some(c as u32 as u8),
        _ => HIGH.iter().find(|(h, _)| *h == c).map(|(_, b)| *b),
    }
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
