//! The officer's decisions file: one row per proposed redaction (`review` writes it with
//! `decision = redact`), edited to `keep` a false positive or change an exemption, with rows added for
//! manual redactions: `text=<words>` (every occurrence, or one page) and `rect=<page>,<x0>,<y0>,<x1>,<y1>`
//! (e.g. a photograph). `redact --decisions` applies exactly those. Rows without an id may also set
//! what `publish` shows for the document: `title=<text>`, `number=<text>`, `date=<text>` (each at most
//! once; `redact` ignores them). Knows no PDF.
//!
//! # Errors
//! A row naming an id the document does not have, a file made for other bytes (`input_hash`), or a
//! decision it cannot read, is an error naming the file and row.

use crate::error::{Error, Result};
use crate::geom::Rect;
use crate::rules::MetaField;
use std::collections::{HashMap, HashSet};

pub const COLUMNS: &[&str] = &[
    "id",
    "page",
    "part",
    "category",
    "rule",
    "exemption",
    "text",
    "decision",
    "note",
    "input_hash",
];

/// Decisions for one document.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub input_hash: Option<String>,
    /// Ids of proposed redactions to keep (false positives).
    pub keep: HashSet<String>,
    /// Ids to redact under another exemption.
    pub exemption: HashMap<String, String>,
    /// Every id the file names (all must exist in the document).
    pub ids: Vec<(usize, String)>,
    /// Added text redactions: text, only this page (1-based), exemption.
    pub texts: Vec<(String, Option<usize>, String)>,
    /// Added area redactions: page (1-based), rectangle in PDF points, exemption.
    pub rects: Vec<(usize, Rect, String)>,
    /// Publication metadata the officer set (`title=`, `number=`, `date=`), with the row that set it.
    pub meta: Vec<(usize, MetaField, String)>,
}

impl Decisions {
    /// The value the officer set for a metadata field, with its row.
    pub fn meta(&self, f: MetaField) -> Option<(usize, &str)> {
        self.meta
            .iter()
            .find(|(_, g, _)| *g == f)
            .map(|(row, _, v)| (*row, v.as_str()))
    }
}

/// Reads a decisions CSV.
pub fn parse(name: &str, data: &[u8]) -> Result<Decisions> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let headers = r
        .headers()
        .map_err(|e| Error::usage(format!("{name}: {e}")))?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h.trim() == n);
    let (id_c, page_c, ex_c, dec_c, hash_c) = (
        col("id"),
        col("page"),
        col("exemption"),
        col("decision").ok_or_else(|| Error::usage(format!("{name}: no 'decision' column")))?,
        col("input_hash"),
    );
    let mut d = Decisions::default();
    for (k, rec) in r.records().enumerate() {
        let row = k + 2;
        let rec = rec.map_err(|e| Error::usage(format!("{name}, row {row}: {e}")))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
        let err = |m: &str| Error::usage(format!("{name}, row {row}: {m}"));
        if let Some(h) = hash_c
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            match &d.input_hash {
                Some(x) if x != h => return Err(err("input_hash differs from the other rows")),
                _ => d.input_hash = Some(h.to_string()),
            }
        }
        let exemption = get(ex_c).to_string();
        let decision = get(Some(dec_c));
        let id = get(id_c).to_string();
        if !id.is_empty() {
            d.ids.push((row, id.clone()));
            match decision.to_ascii_lowercase().as_str() {
                "redact" | "" => {}
                "keep" => {
                    d.keep.insert(id.clone());
                }
                other => return Err(err(&format!("decision '{other}' is not redact or keep"))),
            }
            if !exemption.is_empty() {
                d.exemption.insert(id, exemption);
            }
            continue;
        }
        let exemption = if exemption.is_empty() {
            "s40(2)".to_string()
        } else {
            exemption
        };
        let meta = [
            ("title=", MetaField::Title),
            ("number=", MetaField::Number),
            ("date=", MetaField::Date),
        ]
        .into_iter()
        .find_map(|(p, f)| decision.strip_prefix(p).map(|v| (f, v.trim())));
        if let Some((field, value)) = meta {
            if value.is_empty() {
                return Err(err("title=, number= or date= is empty"));
            }
            if d.meta(field).is_some() {
                return Err(err("this metadata is set twice"));
            }
            d.meta.push((row, field, value.to_string()));
        } else if let Some(t) = decision.strip_prefix("text=") {
            if t.trim().is_empty() {
                return Err(err("text= is empty"));
            }
            let page = get(page_c).parse::<usize>().ok();
            d.texts.push((t.trim().to_string(), page, exemption));
        } else if let Some(r) = decision.strip_prefix("rect=") {
            let v: Vec<f64> = r
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| err("rect= needs page,x0,y0,x1,y1"))?;
            if v.len() != 5 || v[0] < 1.0 || v.iter().any(|x| !x.is_finite()) {
                return Err(err("rect= needs page,x0,y0,x1,y1"));
            }
            d.rects.push((
                v[0] as usize,
                Rect::from_points(&[(v[1], v[2]), (v[3], v[4])]),
                exemption,
            ));
        } else {
            return Err(err(
                "a row without an id needs decision text=..., rect=page,x0,y0,x1,y1, title=..., number=... or date=...",
            ));
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keeps_exemptions_and_additions() {
        let csv = "id,page,part,category,rule,exemption,text,decision,note,input_hash\n\
                   1.1,1,1,name,name.titled,s40(2),J***,keep,published name,abc\n\
                   1.2,1,1,email,contact.email,s31,j***,redact,,abc\n\
                   ,2,,,,,,text=Project Nightjar,,\n\
                   ,,,,,s38,,\"rect=1,10,20,110,220\",photo,\n";
        let d = parse("d.csv", csv.as_bytes()).expect("parses");
        assert!(d.keep.contains("1.1"));
        assert_eq!(d.exemption["1.2"], "s31");
        assert_eq!(
            d.texts,
            vec![("Project Nightjar".into(), Some(2), "s40(2)".into())]
        );
        assert_eq!(d.rects[0].0, 1);
        assert_eq!(d.rects[0].2, "s38");
        assert_eq!(d.input_hash.as_deref(), Some("abc"));
        assert!(parse("d.csv", b"id,decision\n1.1,maybe\n").is_err());
        let d = parse(
            "d.csv",
            b"id,decision\n,title=Fleet replacement\n,number= 2024/086\n,date=3 January 2024\n",
        )
        .expect("metadata rows");
        assert_eq!(d.meta(MetaField::Title), Some((2, "Fleet replacement")));
        assert_eq!(d.meta(MetaField::Number), Some((3, "2024/086")));
        assert_eq!(d.meta(MetaField::Date), Some((4, "3 January 2024")));
        assert!(d.texts.is_empty() && d.ids.is_empty());
        assert!(parse("d.csv", b"id,decision\n,title=A\n,title=B\n")
            .expect_err("twice")
            .to_string()
            .contains("row 3"));
        assert!(parse("d.csv", b"id,decision\n,title=\n").is_err());
        assert!(parse("d.csv", b"id,decision\n,rect=1,2\n")
            .expect_err("bad rect")
            .to_string()
            .contains("row 2"));
    }
}
