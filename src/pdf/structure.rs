//! The structure tree (tags) of one part's output: a tagged input stays tagged. Elements whose content
//! is on no kept page go; references to annotations (all removed) and to other parts' pages go; the
//! parent tree is rebuilt for the kept pages; text the tree carries (`/Alt`, `/ActualText`, `/E`, `/T`,
//! attribute strings) stays only where the caller proves it clean, and never on a page shared with the
//! other part (the tree cannot say which of that page's elements belong to which part).

use super::text_string;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{HashMap, HashSet};

/// Deepest structure nesting followed (deeper elements are dropped).
const MAX_DEPTH: usize = 64;
/// Most elements visited (a hostile tree beyond that is dropped whole).
const MAX_ELEMENTS: usize = 200_000;
/// Element keys kept; the rest (associated files, element ids, unknown keys) go.
const ELEMENT_KEEP: &[&[u8]] = &[
    b"Type",
    b"S",
    b"P",
    b"Pg",
    b"K",
    b"A",
    b"C",
    b"R",
    b"Lang",
    b"Alt",
    b"E",
    b"ActualText",
    b"T",
];
/// Element keys holding text for people.
const ELEMENT_TEXT: &[&[u8]] = &[b"Alt", b"E", b"ActualText", b"T"];

struct Walk<'a> {
    keep: &'a HashSet<ObjectId>,
    shared: &'a HashSet<ObjectId>,
    text_ok: &'a dyn Fn(&str) -> bool,
    /// Elements kept (object ids), with their rewritten dictionaries.
    kept: HashMap<ObjectId, Dictionary>,
    visited: HashSet<ObjectId>,
    count: usize,
}

/// Prunes the structure tree to the pages `keep`, or removes it (and /MarkInfo) when it cannot be kept.
/// `shared` are kept pages that also hold the other part's content.
pub fn prune(
    doc: &mut Document,
    root_id: ObjectId,
    keep: &[ObjectId],
    shared: &[ObjectId],
    text_ok: &dyn Fn(&str) -> bool,
) {
    let keep_set: HashSet<ObjectId> = keep.iter().copied().collect();
    let shared_set: HashSet<ObjectId> = shared.iter().copied().collect();
    let tree_id = doc
        .get_dictionary(root_id)
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|o| o.as_reference().ok());
    let pruned = tree_id.and_then(|t| {
        let tree = doc.get_dictionary(t).ok()?.clone();
        let mut w = Walk {
            keep: &keep_set,
            shared: &shared_set,
            text_ok,
            kept: HashMap::new(),
            visited: HashSet::new(),
            count: 0,
        };
        let k = w.kids(doc, tree.get(b"K").ok()?, None, 0)?;
        if k.is_empty() {
            return None;
        }
        let parent_tree = parent_tree(doc, &tree, keep, &w.kept)?;
        let mut new_tree = Dictionary::new();
        new_tree.set("Type", "StructTreeRoot");
        new_tree.set("K", Object::Array(k));
        for key in [b"RoleMap".as_slice(), b"ClassMap"] {
            if let Some(d) = super::get_dict(doc, &tree, key) {
                let mut d = d.clone();
                clean_strings(&mut d, text_ok, 0);
                new_tree.set(key, Object::Dictionary(d));
            }
        }
        let next = doc
            .get_dictionary(t)
            .ok()
            .and_then(|d| super::get_num(doc, d, b"ParentTreeNextKey"));
        new_tree.set("ParentTree", parent_tree);
        if let Some(n) = next {
            new_tree.set("ParentTreeNextKey", n as i64);
        }
        Some((t, new_tree, w.kept))
    });
    match pruned {
        Some((t, tree, kept)) => {
            for (id, d) in kept {
                if let Ok(o) = doc.get_object_mut(id) {
                    *o = Object::Dictionary(d);
                }
            }
            if let Ok(o) = doc.get_object_mut(t) {
                *o = Object::Dictionary(tree);
            }
            if let Ok(cat) = doc.get_dictionary_mut(root_id) {
                cat.set("MarkInfo", lopdf::dictionary! { "Marked" => true });
            }
        }
        None => {
            if let Ok(cat) = doc.get_dictionary_mut(root_id) {
                cat.remove(b"StructTreeRoot");
                cat.remove(b"MarkInfo");
            }
            for &p in keep {
                if let Ok(d) = doc.get_dictionary_mut(p) {
                    d.remove(b"StructParents");
                }
            }
        }
    }
}

impl Walk<'_> {
    /// The kept kids of an element (or of the tree root): MCIDs on kept pages and kept child elements.
    /// `None` when the tree is beyond the limits (it is then dropped whole).
    fn kids(
        &mut self,
        doc: &Document,
        k: &Object,
        page: Option<ObjectId>,
        depth: usize,
    ) -> Option<Vec<Object>> {
        let items: Vec<Object> = match super::deref(doc, k) {
            Object::Array(a) => a.clone(),
            Object::Null => Vec::new(),
            _ if matches!(k, Object::Reference(_)) => vec![k.clone()],
            other => vec![other.clone()],
        };
        let mut out = Vec::new();
        for it in items {
            match &it {
                Object::Integer(_) if page.is_some_and(|p| self.keep.contains(&p)) => {
                    out.push(it.clone());
                }
                Object::Reference(id) if self.element(doc, *id, page, depth + 1)? => {
                    out.push(it.clone());
                }
                Object::Dictionary(d) => {
                    // A marked-content reference (MCR) on a kept page, in the page's own content (one in
                    // a Form XObject, /Stm, is dropped: forms are copied per page). Object references
                    // (OBJR) point at annotations, which are all removed.
                    let ty = super::get_name(doc, d, b"Type");
                    let pg = super::ref_id(d, b"Pg").or(page);
                    if ty == Some(b"MCR")
                        && !d.has(b"Stm")
                        && pg.is_some_and(|p| self.keep.contains(&p))
                    {
                        let mut d = d.clone();
                        d.set("Pg", Object::Reference(pg.expect("checked")));
                        out.push(Object::Dictionary(d));
                    }
                }
                _ => {}
            }
        }
        Some(out)
    }

    /// Visits one element; true if it is kept (it has kept content).
    fn element(
        &mut self,
        doc: &Document,
        id: ObjectId,
        page: Option<ObjectId>,
        depth: usize,
    ) -> Option<bool> {
        self.count += 1;
        if depth > MAX_DEPTH || self.count > MAX_ELEMENTS {
            return None;
        }
        if !self.visited.insert(id) {
            // Shared or cyclic: kept once, where first seen.
            return Some(false);
        }
        let Ok(d) = doc.get_dictionary(id) else {
            return Some(false);
        };
        let own = super::ref_id(d, b"Pg").or(page);
        let kids = match d.get(b"K") {
            Ok(k) => self.kids(doc, k, own, depth)?,
            Err(_) => Vec::new(),
        };
        if kids.is_empty() {
            return Some(false);
        }
        let mut e = Dictionary::new();
        for (k, v) in d.iter() {
            if ELEMENT_KEEP.contains(&k.as_slice()) {
                e.set(k.clone(), v.clone());
            }
        }
        e.set("K", Object::Array(kids));
        match own {
            Some(p) if self.keep.contains(&p) => {}
            _ => {
                e.remove(b"Pg");
            }
        }
        let on_shared = own.is_some_and(|p| self.shared.contains(&p));
        for key in ELEMENT_TEXT {
            let clean = match e.get(key) {
                Ok(Object::String(s, _)) => !on_shared && (self.text_ok)(&text_string(s)),
                Ok(_) => false,
                Err(_) => true,
            };
            if !clean {
                e.remove(key);
            }
        }
        if let Ok(a) = e.get(b"A").cloned() {
            let mut a = super::deref(doc, &a).clone();
            if on_shared {
                clean_strings_obj(&mut a, &|_| false, 0);
            } else {
                clean_strings_obj(&mut a, self.text_ok, 0);
            }
            e.set("A", a);
        }
        self.kept.insert(id, e);
        Some(true)
    }
}

/// Removes every string in `d` (nested dictionaries and arrays too) that is not clean.
fn clean_strings(d: &mut Dictionary, ok: &dyn Fn(&str) -> bool, depth: usize) {
    let keys: Vec<Vec<u8>> = d.iter().map(|(k, _)| k.clone()).collect();
    for k in keys {
        let Ok(v) = d.get_mut(&k) else { continue };
        if let Object::String(s, _) = v {
            if !ok(&text_string(s)) {
                d.remove(&k);
            }
        } else {
            clean_strings_obj(v, ok, depth + 1);
        }
    }
}

fn clean_strings_obj(o: &mut Object, ok: &dyn Fn(&str) -> bool, depth: usize) {
    if depth > MAX_DEPTH {
        *o = Object::Null;
        return;
    }
    match o {
        Object::Dictionary(d) => clean_strings(d, ok, depth + 1),
        Object::Array(a) => {
            for x in a.iter_mut() {
                if let Object::String(s, _) = x {
                    if !ok(&text_string(s)) {
                        *x = Object::Null;
                    }
                } else {
                    clean_strings_obj(x, ok, depth + 1);
                }
            }
        }
        Object::String(s, _) if !ok(&text_string(s)) => {
            *o = Object::Null;
        }
        _ => {}
    }
}

/// The parent tree for the kept pages: each page's `/StructParents` entry, with references to elements
/// that were not kept replaced by null. `None` if the old tree cannot be read.
fn parent_tree(
    doc: &Document,
    tree: &Dictionary,
    keep: &[ObjectId],
    kept: &HashMap<ObjectId, Dictionary>,
) -> Option<Object> {
    let mut old: HashMap<i64, Object> = HashMap::new();
    if let Some(pt) = super::get(doc, tree, b"ParentTree") {
        let mut budget = MAX_ELEMENTS;
        number_tree(doc, pt, 0, &mut budget, &mut old)?;
    }
    let mut entries: Vec<(i64, Object)> = Vec::new();
    for &p in keep {
        let Some(n) = doc
            .get_dictionary(p)
            .ok()
            .and_then(|d| super::get_num(doc, d, b"StructParents"))
        else {
            continue;
        };
        let n = n as i64;
        let Some(v) = old.get(&n) else { continue };
        let fix = |o: &Object| match o {
            Object::Reference(id) if kept.contains_key(id) => o.clone(),
            _ => Object::Null,
        };
        let v = match super::deref(doc, v) {
            Object::Array(a) => Object::Array(a.iter().map(fix).collect()),
            _ => fix(v),
        };
        entries.push((n, v));
    }
    entries.sort_by_key(|e| e.0);
    entries.dedup_by_key(|e| e.0);
    let nums: Vec<Object> = entries
        .into_iter()
        .flat_map(|(n, v)| [Object::Integer(n), v])
        .collect();
    Some(Object::Dictionary(lopdf::dictionary! { "Nums" => nums }))
}

/// Reads a number tree (ISO 32000-1 7.9.7) into `out`.
fn number_tree(
    doc: &Document,
    node: &Object,
    depth: usize,
    budget: &mut usize,
    out: &mut HashMap<i64, Object>,
) -> Option<()> {
    if depth > MAX_DEPTH || *budget == 0 {
        return None;
    }
    *budget -= 1;
    let Object::Dictionary(d) = super::deref(doc, node) else {
        return Some(());
    };
    if let Some(nums) = super::get_array(doc, d, b"Nums") {
        for pair in nums.chunks(2) {
            if let [k, v] = pair {
                if let Some(k) = super::num(super::deref(doc, k)) {
                    out.insert(k as i64, v.clone());
                }
            }
        }
    }
    if let Some(kids) = super::get_array(doc, d, b"Kids") {
        for k in kids {
            number_tree(doc, k, depth + 1, budget, out)?;
        }
    }
    Some(())
}
