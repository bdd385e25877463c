//! The index of a published release, three ways: `index.html` (plain, accessible HTML: no script, no
//! external resource, a captioned table with header cells, link texts that name the document and its
//! size), `index.csv` (for spreadsheets: UTF-8 with a byte order mark, cells that a spreadsheet would
//! run as a formula prefixed with `'`) and `index.json`. Pure: entries in, bytes out. Deterministic:
//! the same entries give the same bytes (no timestamps).

use serde::Serialize;

/// How many redactions one exemption accounts for in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionCount {
    pub code: String,
    /// Its label from the exemptions table (empty when the table has none for it).
    pub label: String,
    pub count: usize,
}

/// One published document. Holds no personal data: its texts come from the published document's own
/// text (checked by `metadata`) or the officer's decisions file.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub title: String,
    pub number: Option<String>,
    /// The decision date as the document writes it, and as ISO 8601 when it can be read.
    pub date: Option<String>,
    pub date_iso: Option<String>,
    /// 1 (published) or 2 (released on request).
    pub part: u8,
    /// File name in the site folder.
    pub file: String,
    pub pages: usize,
    pub bytes: u64,
    /// The size as people read it: `120 KB`, `1.4 MB`.
    pub size: String,
    pub exemptions: Vec<ExemptionCount>,
}

impl Entry {
    /// What the document is called (its PDF's /Title): `Decision 2024/086: Fleet telematics`, with
    /// `, Part 2` for a Part 2.
    pub fn document_name(&self) -> String {
        let mut s = match &self.number {
            Some(n) if self.title != format!("Decision {n}") => {
                format!("Decision {n}: {}", self.title)
            }
            _ => self.title.clone(),
        };
        if self.part == 2 {
            s.push_str(", Part 2");
        }
        s
    }

    /// The text of the link to the document: what it is and how big.
    pub fn link_text(&self) -> String {
        format!("{} (PDF, {})", self.document_name(), self.size)
    }

    /// The exemptions as one line: `s40(2) Personal information of third parties: 3; s43: 1`.
    pub fn exemptions_text(&self) -> String {
        if self.exemptions.is_empty() {
            return "None".into();
        }
        self.exemptions
            .iter()
            .map(|e| {
                if e.label.is_empty() {
                    format!("{}: {}", e.code, e.count)
                } else {
                    format!("{} {}: {}", e.code, e.label, e.count)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A file size as people read it: whole KB (rounded up) under 1 MB, else MB with one decimal.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// Text escaped for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `index.json`: the site's title and language, and the entries in index order.
pub fn json(entries: &[Entry], site_title: &str, lang: &str) -> Vec<u8> {
    let v = serde_json::json!({
        "title": site_title,
        "lang": lang,
        "documents": entries,
    });
    let mut s = serde_json::to_vec_pretty(&v).unwrap_or_default();
    s.push(b'\n');
    s
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// `index.csv`: one row per entry, the same fields as `index.json` (exemptions as one cell).
pub fn csv(entries: &[Entry]) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "title",
        "number",
        "date",
        "date_iso",
        "part",
        "file",
        "pages",
        "bytes",
        "size",
        "exemptions",
    ])?;
    for e in entries {
        w.write_record([
            cell(&e.title),
            cell(e.number.as_deref().unwrap_or("")),
            cell(e.date.as_deref().unwrap_or("")),
            e.date_iso.clone().unwrap_or_default(),
            e.part.to_string(),
            cell(&e.file),
            e.pages.to_string(),
            e.bytes.to_string(),
            e.size.clone(),
            cell(&e.exemptions_text()),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Colours: text #1b1b1b on #ffffff (contrast 17:1), links #1d4f91 (8:1), header cells #1b1b1b on
/// #e8ecf1 (15:1); a visible focus outline. Text sizes in rem so that user zoom and font settings work.
const STYLE: &str = "\
body{margin:0;background:#ffffff;color:#1b1b1b;font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5}
main{max-width:72rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}
p{max-width:48rem}
table{border-collapse:collapse;width:100%;margin-top:1rem}
caption{text-align:left;font-weight:bold;font-size:1.2rem;padding:0 0 .5rem}
th,td{text-align:left;vertical-align:top;padding:.5rem .75rem;border-bottom:1px solid #6f777b;overflow-wrap:break-word}
thead th{background:#e8ecf1;border-bottom:2px solid #1b1b1b}
a{color:#1d4f91;text-decoration:underline}
a:visited{color:#4c2c92}
a:focus{outline:3px solid #1b1b1b;outline-offset:2px;background:#ffdd00;color:#1b1b1b}
";

/// `index.html`.
pub fn html(entries: &[Entry], site_title: &str, lang: &str) -> Vec<u8> {
    let t = escape(site_title);
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n");
    s.push_str(&format!("<html lang=\"{}\">\n", escape(lang)));
    s.push_str("<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!(
        "<title>{t}</title>\n<style>\n{STYLE}</style>\n</head>\n"
    ));
    s.push_str(&format!("<body>\n<main>\n<h1>{t}</h1>\n"));
    let n = entries.len();
    s.push_str(&format!(
        "<p>{n} document{}. Each is a PDF. Personal data and other exempt information have been removed; \
         the last column says under which exemptions of the Freedom of Information Act 2000, and how \
         many times.</p>\n",
        if n == 1 { "" } else { "s" }
    ));
    s.push_str(
        "<table>\n<caption>Published documents, newest decision first</caption>\n<thead>\n<tr>",
    );
    for h in [
        "Decision number",
        "Document",
        "Date of decision",
        "Pages",
        "Exemptions applied",
    ] {
        s.push_str(&format!("<th scope=\"col\">{h}</th>"));
    }
    s.push_str("</tr>\n</thead>\n<tbody>\n");
    for e in entries {
        let date = match (&e.date, &e.date_iso) {
            (Some(d), Some(iso)) => {
                format!("<time datetime=\"{}\">{}</time>", escape(iso), escape(d))
            }
            (Some(d), None) => escape(d),
            (None, _) => "Not stated".into(),
        };
        s.push_str(&format!(
            "<tr><td>{}</td><td><a href=\"{}\">{}</a></td><td>{date}</td><td>{}</td><td>{}</td></tr>\n",
            escape(e.number.as_deref().unwrap_or("Not stated")),
            escape(&e.file),
            escape(&e.link_text()),
            e.pages,
            escape(&e.exemptions_text()),
        ));
    }
    s.push_str("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            title: "Fleet <Telematics> & \"Tracking\"".into(),
            number: Some("2024/086".into()),
            date: Some("3 January 2024".into()),
            date_iso: Some("2024-01-03".into()),
            part: 1,
            file: "2024-086-fleet-telematics-tracking.pdf".into(),
            pages: 2,
            bytes: 122_000,
            size: human_size(122_000),
            exemptions: vec![ExemptionCount {
                code: "s40(2)".into(),
                label: "Personal information of third parties".into(),
                count: 3,
            }],
        }
    }

    #[test]
    fn html_is_escaped_and_self_contained() {
        let h = String::from_utf8(html(&[entry()], "Decisions <b>", "en-GB")).expect("utf8");
        assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(h.contains("<title>Decisions &lt;b&gt;</title>"));
        assert!(h.contains(
            ">Decision 2024/086: Fleet &lt;Telematics&gt; &amp; &quot;Tracking&quot; (PDF, 120 KB)</a>"
        ));
        assert!(h.contains("<caption>") && h.contains("<th scope=\"col\">Document</th>"));
        assert!(h.contains("<time datetime=\"2024-01-03\">3 January 2024</time>"));
        for banned in ["<script", "http:", "https:", "src=", "@import", "url("] {
            assert!(!h.contains(banned), "{banned}");
        }
    }

    #[test]
    fn csv_guards_formulas_and_sizes_read_well() {
        let mut e = entry();
        e.title = "=HYPERLINK(\"x\")".into();
        let c = String::from_utf8(csv(&[e]).expect("csv")).expect("utf8");
        assert!(c.starts_with(
            "\u{feff}title,number,date,date_iso,part,file,pages,bytes,size,exemptions\n"
        ));
        assert!(c.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{c}");
        assert!(c.contains("s40(2) Personal information of third parties: 3"));
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(1024), "1 KB");
        assert_eq!(human_size(1025), "2 KB");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MB");
        let mut e = entry();
        e.title = "Decision 2024/086".into();
        e.part = 2;
        assert_eq!(e.link_text(), "Decision 2024/086, Part 2 (PDF, 120 KB)");
    }
}
