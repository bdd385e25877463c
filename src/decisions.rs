//! The officer's decisions file: one row per proposed redaction (`review` writes it with
//! `decision = redact`), edited to `keep` a false positive or change an exemption, with rows added for
//! manual redactions: `text=<words>` (every occurrence, or one page) and `rect=<page>,<x0>,<y0>,<x1>,<y1>`
//! (e.g. a photograph). `redact --decisions` applies exactly those. Rows without an id may also set
//! what `publish` shows for the document: `title=<text>`, `number=<text>`, `date=<text>` (each at most
//! once; `redact` ignores them). Knows no PDF.
//!
//! Made to survive a spreadsheet: ids are `p<page>-r<n>` (no spreadsheet reads them as numbers or
//! dates), every id row carries the proposal's `fingerprint` (letters only: a keyed hash of its page,
//! rule, text and place, see [`fingerprint`]), and the input's hash is written `h<hex>`.
//!
//! # Errors
//! A row naming an id in another form (a spreadsheet turned `1.10` into `1.1`), an id twice, an id row
//! without its fingerprint, a decision it cannot read, a `rect=` row split at its commas (not quoted),
//! or rows made for other bytes (`input_hash`): an error naming the file and row. What needs the
//! document (an id it does not have, a fingerprint that does not match its id, a `text=` that matches
//! nothing, a page it does not have, an exemption code not in the table) is checked by
//! `pipeline::detect_document`, naming the row too. No message quotes a cell the officer wrote.

//!
//! The same decisions can come from a marked PDF (`<stem>.marked.pdf`): `pdf::marks` reads them.

use crate::error::{Error, Result};
use crate::geom::Rect;
use crate::rules::MetaField;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The columns `review` writes (the fields of `formats::DecisionRow`, which writes them).
pub const COLUMNS: &[&str] = &[
    "id",
    "fingerprint",
    "page",
    "part",
    "category",
    "rule",
    "exemption",
    "text",
    "decision",
    "note",
    "input_hash",
    "cause",
];

/// A row about one proposed redaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdRow {
    /// 1-based row of the file (the header is row 1).
    pub row: usize,
    /// `p<page>-r<n>`, lower case.
    pub id: String,
    pub fingerprint: String,
    /// `keep` (else `redact`).
    pub keep: bool,
    /// Another exemption code (empty: the rule's).
    pub exemption: String,
    pub note: String,
}

/// An added redaction: `text=` (every occurrence, or only on `page`) or `rect=`.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub row: usize,
    pub what: AddedKind,
    pub exemption: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AddedKind {
    /// The words, and the only page they apply on (1-based).
    Text(String, Option<usize>),
    /// A page (1-based) and a rectangle on it, in PDF points.
    Rect(usize, Rect),
}

/// Decisions for one document.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// The file it was read from, for messages.
    pub source: String,
    /// The input's hash the file was made for (hex, without the `h`).
    pub input_hash: Option<String>,
    /// One row per proposed redaction the file names, in file order (ids are unique).
    pub rows: Vec<IdRow>,
    /// Added redactions, in file order.
    pub added: Vec<Added>,
    /// Publication metadata the officer set (`title=`, `number=`, `date=`), with the row that set it.
    pub meta: Vec<(usize, MetaField, String)>,
    /// What each row is called in messages, by row number - 1 (empty: `row <N>`, a CSV's rows).
    pub places: Vec<String>,
    /// Where each id's row is in `rows`.
    index: HashMap<String, usize>,
}

impl Decisions {
    /// The value the officer set for a metadata field, with its row.
    pub fn meta(&self, f: MetaField) -> Option<(usize, &str)> {
        self.meta
            .iter()
            .find(|(_, g, _)| *g == f)
            .map(|(row, _, v)| (*row, v.as_str()))
    }

    /// The same decisions with rows moved to other ids (`to`: a row's id -> its new id), for
    /// proposals whose numbers moved since review while what they are (their fingerprint) did not:
    /// with `--consistent`, a text another file of the batch spreads here takes a number before
    /// them. `None` when two rows would have one id.
    pub fn with_ids(&self, to: &HashMap<String, String>) -> Option<Decisions> {
        let mut d = self.clone();
        d.index.clear();
        for (k, r) in d.rows.iter_mut().enumerate() {
            if let Some(n) = to.get(&r.id) {
                r.id = n.clone();
            }
            if d.index.insert(r.id.clone(), k).is_some() {
                return None;
            }
        }
        Some(d)
    }

    /// The row about a proposed redaction.
    pub fn row(&self, id: &str) -> Option<&IdRow> {
        self.index.get(id).and_then(|&k| self.rows.get(k))
    }

    /// The added row of a box id `row<N>` (as [`added_id`] makes them).
    pub fn added_row(&self, id: &str) -> Option<&Added> {
        let n: usize = id.strip_prefix("row")?.parse().ok()?;
        self.added.iter().find(|a| a.row == n)
    }

    /// No rows at all, for an input whose decisions folder has no file for it (`source` says so):
    /// every proposal is without a decision.
    pub fn none_for(source: &str) -> Decisions {
        Decisions {
            source: source.to_string(),
            ..Default::default()
        }
    }

    /// What row `row` is called in messages: `row <N>` for a CSV, the annotation for a marked PDF.
    pub fn place(&self, row: usize) -> String {
        match row.checked_sub(1).and_then(|k| self.places.get(k)) {
            Some(p) => p.clone(),
            None => format!("row {row}"),
        }
    }

    /// Adds a row about a proposed redaction (its id not yet in `rows`).
    pub fn push_row(&mut self, r: IdRow) {
        self.index.insert(r.id.clone(), self.rows.len());
        self.rows.push(r);
    }

    /// Whether any `rect=` row is present.
    pub fn has_rects(&self) -> bool {
        self.added
            .iter()
            .any(|a| matches!(a.what, AddedKind::Rect(..)))
    }
}

/// The rule of a `rect=` row's redaction (and of the text under it, `plan::text_areas_to_findings`).
pub const RECT_RULE: &str = "decision.rect";

/// The id of a proposed redaction: `p<page>-r<n>`, which no spreadsheet reads as a number or a date.
pub fn proposal_id(page: usize, n: usize) -> String {
    format!("p{page}-r{n}")
}

/// The id of the boxes an added row made: `row<N>`, its row in the decisions file.
pub fn added_id(row: usize) -> String {
    format!("row{row}")
}

/// Whether `s` is an id as [`proposal_id`] writes it (any case: a spreadsheet may capitalise it).
fn parse_id(s: &str) -> Option<String> {
    let l = s.to_ascii_lowercase();
    let (p, r) = l.strip_prefix('p')?.split_once("-r")?;
    let num = |x: &str| !x.is_empty() && x.len() < 10 && x.bytes().all(|b| b.is_ascii_digit());
    (num(p) && num(r) && !p.starts_with('0') && !r.starts_with('0')).then_some(l)
}

/// Consonants only: no word, number or date can come out of them.
const FP_LETTERS: &[u8; 20] = b"bcdfghjkmnpqrstvwxyz";

/// The key of a document's fingerprints: a hash of the whole input (computed once per document),
/// other than its `input_hash`.
pub fn fingerprint_key(input: &[u8]) -> u64 {
    // FNV-1a over a prefix and the input, without copying the input.
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in b"foiredact fingerprint\0".iter().chain(input) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A proposal's fingerprint: 8 letters of a hash of the page, rule, text and place (byte span in the
/// page's text) of the proposal, keyed by [`fingerprint_key`] of the whole input, so that the
/// decisions file cannot be used to test guesses of a redacted text without the input itself.
pub fn fingerprint(
    key: u64,
    page: usize,
    rule: &str,
    span: &std::ops::Range<usize>,
    text: &str,
) -> String {
    let mut data = Vec::with_capacity(64 + text.len());
    data.extend_from_slice(&key.to_le_bytes());
    data.extend_from_slice(format!("{page}\0{rule}\0{}\0{}\0", span.start, span.end).as_bytes());
    data.extend_from_slice(text.as_bytes());
    let mut h = crate::hash::fnv64(&data);
    // A second round mixes the key into every bit (FNV's last bytes otherwise weigh most).
    h = crate::hash::fnv64(&[h.to_le_bytes(), key.rotate_left(29).to_le_bytes()].concat());
    let mut s = String::with_capacity(8);
    for _ in 0..8 {
        s.push(FP_LETTERS[(h % 20) as usize] as char);
        h /= 20;
    }
    s
}

/// The input's hash as the decisions file writes it: `h` and 16 hex digits (a bare hex number could
/// be read by a spreadsheet as a number, `1234e567...` as one in exponent form).
pub fn hash_cell(hash: &str) -> String {
    format!("h{hash}")
}

/// A cell's value as a spreadsheet would have read a number, for messages: shown only when it is one
/// (never a cell that could hold text the officer wrote).
fn as_number(s: &str) -> Option<&str> {
    (!s.is_empty()
        && s.len() <= 24
        && s.parse::<f64>().is_ok()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b".,eE+-".contains(&b)))
    .then_some(s)
}

/// The name of the decisions file of an input with this file stem.
pub fn file_name(stem: &str) -> String {
    format!("{stem}.decisions.csv")
}

/// Reads a decisions CSV.
pub fn parse(name: &str, data: &[u8]) -> Result<Decisions> {
    // Spreadsheets add a byte order mark; some locales save with semicolons.
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let first = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if !first.contains(&b',') && first.contains(&b';') {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let headers = r
        .headers()
        .map_err(|e| Error::usage(format!("{name}: {e}")))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let (id_c, fp_c, page_c, ex_c, dec_c, note_c, hash_c) = (
        col("id"),
        col("fingerprint"),
        col("page"),
        col("exemption"),
        col("decision").ok_or_else(|| Error::usage(format!("{name}: no 'decision' column")))?,
        col("note"),
        col("input_hash"),
    );
    let mut d = Decisions {
        source: name.to_string(),
        ..Default::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, rec) in r.records().enumerate() {
        let row = k + 2;
        let rec = rec.map_err(|e| Error::usage(format!("{name}, row {row}: {e}")))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
        let err = |m: &str| Error::usage(format!("{name}, row {row}: {m}"));
        let decision = get(Some(dec_c));
        // `rect=1,50,50,150,100` written without quotes: its commas split it over the next columns.
        if let Some(v) = decision.strip_prefix("rect=") {
            let next_is_number = rec
                .get(dec_c + 1)
                .is_some_and(|c| c.trim().parse::<f64>().is_ok());
            if v.split(',').count() < 5 && (rec.len() > headers.len() || next_is_number) {
                return Err(err(
                    "the rect= value was split at its commas: put it in double quotes, \"rect=page,x0,y0,x1,y1\" (or save the file from a spreadsheet, which quotes it)",
                ));
            }
        }
        if rec.len() > headers.len() && rec.iter().skip(headers.len()).any(|c| !c.trim().is_empty())
        {
            return Err(err(&format!(
                "{} cells, but the header has {} columns: a value with a comma must be in double quotes",
                rec.len(),
                headers.len()
            )));
        }
        if let Some(h) = hash_c
            .and_then(|c| rec.get(c))
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            let h = h.strip_prefix(['h', 'H']).unwrap_or(h).to_ascii_lowercase();
            match &d.input_hash {
                Some(x) if *x != h => return Err(err("input_hash differs from the other rows")),
                _ => d.input_hash = Some(h),
            }
        }
        let exemption = get(ex_c).to_string();
        let note = get(note_c).to_string();
        let id_cell = get(id_c);
        if !id_cell.is_empty() {
            let Some(id) = parse_id(id_cell) else {
                return Err(err(&match as_number(id_cell) {
                    Some(n) => format!(
                        "the id reads as the number {n}, not an id review writes (p<page>-r<n>): a spreadsheet or an older file may have changed it; take the ids from a fresh review"
                    ),
                    None => "the id is not one review writes (p<page>-r<n>): take the ids from a fresh review".into(),
                }));
            };
            if let Some(first) = seen.insert(id.clone(), row) {
                return Err(err(&format!(
                    "id {id} is also on row {first}: each proposed redaction has one row"
                )));
            }
            let fingerprint = get(fp_c).to_ascii_lowercase();
            if fingerprint.is_empty() {
                return Err(err(&format!(
                    "id {id} has no fingerprint: keep the fingerprint column as review wrote it"
                )));
            }
            let keep = match decision.to_ascii_lowercase().as_str() {
                "redact" | "" => false,
                "keep" => true,
                _ => return Err(err("the decision is not redact or keep")),
            };
            d.index.insert(id.clone(), d.rows.len());
            d.rows.push(IdRow {
                row,
                id,
                fingerprint,
                keep,
                exemption,
                note,
            });
            continue;
        }
        let exemption = if exemption.is_empty() {
            crate::model::DEFAULT_EXEMPTION.to_string()
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
            let page = match get(page_c) {
                "" => None,
                p => Some(
                    p.parse::<usize>()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| err("page is not a page number (1, 2, ...)"))?,
                ),
            };
            d.added.push(Added {
                row,
                what: AddedKind::Text(t.trim().to_string(), page),
                exemption,
                note,
            });
        } else if let Some(r) = decision.strip_prefix("rect=") {
            let v: Vec<f64> = r
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|_| err("rect= needs page,x0,y0,x1,y1"))?;
            if v.len() != 5 || v[0] < 1.0 || v[0].fract() != 0.0 || v.iter().any(|x| !x.is_finite())
            {
                return Err(err("rect= needs page,x0,y0,x1,y1"));
            }
            d.added.push(Added {
                row,
                what: AddedKind::Rect(
                    v[0] as usize,
                    Rect::from_points(&[(v[1], v[2]), (v[3], v[4])]),
                ),
                exemption,
                note,
            });
        } else if decision.is_empty() && rec.iter().all(|c| c.trim().is_empty()) {
            // A blank line a spreadsheet left.
            continue;
        } else {
            return Err(err(
                "a row without an id needs decision text=..., rect=page,x0,y0,x1,y1, title=..., number=... or date=...",
            ));
        }
    }
    Ok(d)
}

/// One proposed redaction, as `review` lists it.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// 1-based page of the input.
    pub page: usize,
    /// `p<page>-r<n>`.
    pub id: String,
    /// See [`fingerprint`].
    pub fingerprint: String,
    /// The rule, category and exemption (before any decision).
    pub why: crate::model::Why,
}

/// The decisions file for an input (its path relative to the folder given): `--decisions` itself when
/// it names a file, else `<dir>/<rel's folder>/<stem>.decisions.csv` if that exists.
pub fn decisions_file(decisions: Option<&Path>, rel: &Path) -> Option<PathBuf> {
    match decisions {
        Some(p) if p.is_dir() => {
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let f = p
                .join(rel.parent().unwrap_or(Path::new("")))
                .join(file_name(&stem));
            f.exists().then_some(f)
        }
        other => other.map(Path::to_path_buf),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exemption::{nearest_codes, unknown_code};

    const HEAD: &str =
        "id,fingerprint,page,part,category,rule,exemption,text,decision,note,input_hash\n";

    #[test]
    fn reads_keeps_exemptions_and_additions() {
        let csv = format!(
            "{HEAD}p1-r1,bcdfghjk,1,1,name,name.titled,s40(2),J***,keep,published name,habc\n\
             P1-R2,bcdfghjm,1,1,email,contact.email,s31,j***,redact,,abc\n\
             ,,2,,,,,,text=Project Nightjar,,\n\
             ,,,,,,s38,,\"rect=1,10,20,110,220\",photo,\n"
        );
        let d = parse("d.csv", csv.as_bytes()).expect("parses");
        assert!(d.row("p1-r1").expect("row").keep);
        assert_eq!(d.row("p1-r1").expect("row").note, "published name");
        assert_eq!(d.row("p1-r2").expect("row").exemption, "s31");
        assert_eq!(
            d.added[0].what,
            AddedKind::Text("Project Nightjar".into(), Some(2))
        );
        assert_eq!(
            (d.added[0].row, d.added[0].exemption.as_str()),
            (4, "s40(2)")
        );
        assert!(matches!(d.added[1].what, AddedKind::Rect(1, _)));
        assert_eq!(d.added[1].exemption, "s38");
        assert_eq!(d.added_row("row5").map(|a| a.note.as_str()), Some("photo"));
        assert_eq!(d.input_hash.as_deref(), Some("abc"));
        let d = parse(
            "d.csv",
            b"id,decision\n,title=Fleet replacement\n,number= 2024/086\n,date=3 January 2024\n",
        )
        .expect("metadata rows");
        assert_eq!(d.meta(MetaField::Title), Some((2, "Fleet replacement")));
        assert_eq!(d.meta(MetaField::Number), Some((3, "2024/086")));
        assert_eq!(d.meta(MetaField::Date), Some((4, "3 January 2024")));
        assert!(d.added.is_empty() && d.rows.is_empty());
        assert!(parse("d.csv", b"id,decision\n,title=A\n,title=B\n")
            .expect_err("twice")
            .to_string()
            .contains("row 3"));
        assert!(parse("d.csv", b"id,decision\n,title=\n").is_err());
        assert!(parse("d.csv", b"id,decision\n,\"rect=1,2\"\n")
            .expect_err("bad rect")
            .to_string()
            .contains("row 2"));
    }

    #[test]
    fn refuses_what_a_spreadsheet_did() {
        let e = |csv: &str| {
            parse("d.csv", format!("{HEAD}{csv}").as_bytes())
                .expect_err("refused")
                .to_string()
        };
        let m = e("p1-r1,bcdfghjk,1,1,phone,r,,,keep,,\n1.1,bcdfghjk,1,1,phone,r,,,redact,,\n");
        assert!(m.contains("row 3") && m.contains("number 1.1"), "{m}");
        let m = e("p1-r1,bcdfghjk,1,1,phone,r,,,keep,,\np1-r1,bcdfghjm,1,1,phone,r,,,redact,,\n");
        assert!(m.contains("row 3") && m.contains("also on row 2"), "{m}");
        let m = e("p1-r1,,1,1,phone,r,,,keep,,\n");
        assert!(m.contains("row 2") && m.contains("no fingerprint"), "{m}");
        let m = e("Jane Smith,bcdfghjk,1,1,phone,r,,,keep,,\n");
        assert!(m.contains("row 2") && !m.contains("Jane"), "{m}");
        let m = e(",,,,,,s38,,rect=1,50,50,150,100,a photo,\n");
        assert!(m.contains("row 2") && m.contains("double quotes"), "{m}");
        let m = e(",,3a,,,,,,text=Nightjar,,\n");
        assert!(m.contains("row 2") && m.contains("page"), "{m}");
        // A byte order mark and semicolons (a spreadsheet's "CSV"), and a blank line.
        let d = parse(
            "d.csv",
            "\u{feff}id;fingerprint;decision\np2-r10;bcdfghjk;keep\n;;\n".as_bytes(),
        )
        .expect("parses");
        assert!(d.row("p2-r10").expect("row").keep);
    }

    #[test]
    fn ids_fingerprints_and_codes() {
        assert_eq!(proposal_id(1, 10), "p1-r10");
        assert_eq!(parse_id("P1-R10").as_deref(), Some("p1-r10"));
        for bad in ["1.10", "1.1", "p1-r", "p01-r1", "p1r1", "p1-r1x"] {
            assert!(parse_id(bad).is_none(), "{bad}");
        }
        let k = fingerprint_key(b"pdf");
        let f = fingerprint(k, 1, "contact.phone", &(10..22), "01632 960418");
        assert_eq!(f.len(), 8);
        assert!(f.bytes().all(|b| FP_LETTERS.contains(&b)));
        assert_ne!(
            f,
            fingerprint(k, 1, "contact.phone", &(10..23), "01632 960418")
        );
        assert_ne!(
            f,
            fingerprint(
                fingerprint_key(b"pdF"),
                1,
                "contact.phone",
                &(10..22),
                "01632 960418"
            )
        );
        let table: Vec<(String, String)> =
            ["s21", "s31", "s38", "s40(1)", "s40(2)", "s43", "reg12(5)"]
                .iter()
                .map(|c| (c.to_string(), String::new()))
                .collect();
        assert_eq!(
            nearest_codes("section 40", &table)[..2],
            ["s40(1)", "s40(2)"]
        );
        assert_eq!(nearest_codes("s99", &table).len(), 3);
        assert_eq!(nearest_codes("s4O(2)", &table)[0], "s40(2)");
        let m = unknown_code("s99", &table);
        assert!(m.contains("'s99'") && m.contains("nearest"), "{m}");
    }
}
