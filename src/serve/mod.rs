//! The officer's review in a browser (`foiredact review --serve`): a local web server on 127.0.0.1
//! that shows each document's pages (rendered by `pdf::render`) with its proposals outlined, and
//! saves every decision at once to the document's decisions file, in the format `redact
//! --decisions` reads. "Apply" runs the batch (`batch::run`) on the documents marked reviewed and
//! shows the parts and the schedule.
//!
//! Sits beside `review` and `batch`, and imports only below it; the subcommand (`app::review`)
//! starts it with the review's results and the batch configuration of `redact`.
//!
//! # Invariants
//! - Listens on 127.0.0.1 only; every request must carry the access token (random, 128 bits) as the
//!   first segment of its path after `/t/`, and a `Host` of 127.0.0.1 or localhost (a page of
//!   another site that a DNS trick points at 127.0.0.1 gets 403 too).
//! - The page, its script and style come from the binary; the content security policy forbids any
//!   request to another origin.
//! - A change is checked as `redact --decisions` would check it (`decisions::parse`, then
//!   `pipeline::plan_with` against the document) before it is written; one it would refuse is
//!   answered with a JSON error (422) and nothing is written.
//! - No request, and no proposed text, is ever logged: the texts go only to the officer's page.

mod http;

use crate::batch;
use crate::decisions;
use crate::error::{Error, Result};
use crate::formats::{AddedRow, DecisionRow, OutputPaths, ReviewPaths};
use crate::geom::Rect;
use crate::pdf::render;
use crate::rules::RuleSet;
use crate::settings::Settings;
use http::{Request, Response};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Resolution of the page images (CSS pixels at 100 % zoom).
const DPI: f64 = 96.0;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// One input of the review, as `review` left it.
pub struct Reviewed {
    pub input: batch::Input,
    pub paths: ReviewPaths,
    /// What `review` made of it (`None`: a plain-text input), or why it could not (the document is
    /// declined).
    pub made: std::result::Result<Option<crate::review::Reviewed>, Error>,
}

/// What the server needs besides the documents.
pub struct Setup {
    pub rules: RuleSet,
    /// The settings review planned with (the exact layout), for the pages and the checks.
    pub settings: Settings,
    /// `redact` over the batch with the review folder as its decisions (`select` is set per apply).
    pub apply: batch::Config,
    /// 0: any free port.
    pub port: u16,
}

/// A proposal as the page shows it.
struct Shown {
    id: String,
    page: usize,
    rule: String,
    /// Why a text no rule found here is proposed (`consistent:<file>#<id>`, `surname:<id>`).
    cause: String,
    category: String,
    exemption: String,
    /// The proposed text itself (for the officer's screen only).
    text: String,
    rects: Vec<Rect>,
}

/// What the officer changed, as a snapshot for undo.
#[derive(Clone)]
struct Decided {
    rows: Vec<DecisionRow>,
    added: Vec<AddedRow>,
    /// Ids the officer has decided (the rest are left to review).
    decided: BTreeSet<String>,
    reviewed: bool,
}

/// A page as the browser shows it.
struct PageView {
    png: Option<Vec<u8>>,
    width: u32,
    height: u32,
    /// From pixels to the page's user space (PDF points).
    to_page: crate::geom::Matrix,
    /// The page's words and where they are (pixels), for selecting text.
    words: Vec<(String, Rect)>,
}

struct Doc {
    name: String,
    input: batch::Input,
    paths: ReviewPaths,
    bytes: Arc<Vec<u8>>,
    hash: String,
    /// Why the document cannot be reviewed here (declined by review, or a plain-text input).
    declined: Option<String>,
    /// Why the last "Apply" declined it (it may be changed and applied again).
    apply_declined: Option<String>,
    shown: Vec<Shown>,
    now: Decided,
    history: Vec<Decided>,
    pages: Option<Vec<PageView>>,
}

struct State {
    docs: Vec<Doc>,
    setup: Setup,
    /// The categories of the batch, in name order: a colour each.
    categories: Vec<String>,
}

/// The access token: 16 random bytes from the system, as hex.
fn token() -> Result<String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b))
        .map_err(|e| Error::usage(format!("no random access token can be made: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Binds 127.0.0.1 (`port`, or a free one when 0).
pub fn bind(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| Error::usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))
}

/// Serves the review until the process is stopped: prints the address (with its token) once on
/// stdout, then answers requests.
///
/// # Errors
/// The port cannot be bound, or no token can be made (nothing is served).
pub fn run(docs: Vec<Reviewed>, setup: Setup) -> Result<()> {
    let listener = bind(setup.port)?;
    let token = token()?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::usage(format!("cannot listen: {e}")))?
        .port();
    let state = Arc::new(Mutex::new(State::new(docs, setup)));
    let url = format!("http://127.0.0.1:{port}/t/{token}/");
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "foiredact: review in your browser at {url} (only you can open it: the address holds a key; Ctrl+C stops)"
        );
        let _ = out.flush();
    }
    for conn in listener.incoming() {
        let Ok(stream) = conn else { continue };
        let state = Arc::clone(&state);
        let token = token.clone();
        let _ = std::thread::Builder::new()
            .name("foiredact-serve".into())
            .spawn(move || handle(stream, &state, &token, port));
    }
    Ok(())
}

fn handle(mut stream: TcpStream, state: &Mutex<State>, token: &str, port: u16) {
    let r = match http::read_request(&mut stream) {
        Ok(r) => r,
        Err(Some(status)) => {
            http::write_response(&mut stream, &Response::error(status, "bad request"));
            return;
        }
        Err(None) => return,
    };
    let resp = match authorised(&r, token, port) {
        // The address without its last slash: the page's relative paths need it.
        Some("") if !r.path.ends_with('/') => Response::redirect(format!("{}/", r.path)),
        Some(rest) => {
            let rest = rest.to_string();
            // A panic in one request (a bug) answers 500 and leaves the server running.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                s.route(&r, &rest)
            }))
            .unwrap_or_else(|_| Response::error(500, "internal error"))
        }
        None => Response::new(403, "text/plain; charset=utf-8", "forbidden\n"),
    };
    http::write_response(&mut stream, &resp);
}

/// The path after `/t/<token>/` when the request carries the token and a local `Host`.
fn authorised<'a>(r: &'a Request, token: &str, port: u16) -> Option<&'a str> {
    let host_ok = r
        .host
        .as_deref()
        .is_some_and(|h| h == format!("127.0.0.1:{port}") || h == format!("localhost:{port}"));
    let rest = r.path.strip_prefix("/t/")?;
    let (given, rest) = rest.split_once('/').unwrap_or((rest, ""));
    // Compared in full whatever the first difference (no timing hint of the token).
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    (host_ok && same).then_some(rest)
}

/// `#rrggbb` of the review copy's colour of category number `k`.
fn css_colour(k: usize) -> String {
    let (r, g, b) = crate::review::PALETTE[k % crate::review::PALETTE.len()];
    let c = |x: f64| (x * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b))
}

/// A change the page asks for.
#[derive(serde::Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Change {
    /// `keep` or `redact` a proposal.
    Decide {
        id: String,
        decision: String,
    },
    Exemption {
        id: String,
        exemption: String,
    },
    Note {
        id: String,
        note: String,
    },
    /// Keep (or redact) every proposal with the same text; redacting also adds a `text=` row so
    /// that occurrences no rule found go too.
    KeepAll {
        id: String,
    },
    RedactAll {
        id: String,
    },
    /// A `text=` row: on every page, or only on `page`.
    AddText {
        text: String,
        page: Option<usize>,
        exemption: String,
        #[serde(default)]
        note: String,
    },
    /// A `rect=` row: a box on `page`, in the page image's pixels.
    AddRect {
        page: usize,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        exemption: String,
        #[serde(default)]
        note: String,
    },
    /// Removes an added row (by its index among the added rows).
    Remove {
        index: usize,
    },
    Reviewed {
        reviewed: bool,
    },
    Undo,
}

impl State {
    fn new(docs: Vec<Reviewed>, setup: Setup) -> State {
        let mut categories = BTreeSet::new();
        let docs: Vec<Doc> = docs
            .into_iter()
            .map(|d| {
                // The input as review read it (a file gone since is declined).
                let read = std::fs::read(&d.input.path).map_err(Error::from);
                let made = match (d.made, &read) {
                    (Ok(_), Err(e)) => Err(e.clone()),
                    (m, _) => m,
                };
                let bytes = Arc::new(read.unwrap_or_default());
                let hash = format!("{:016x}", crate::hash::fnv64(&bytes));
                let name = d.input.rel.to_string_lossy().replace('\\', "/");
                let (declined, shown, rows) = match made {
                    Ok(None) => (
                        Some("a plain-text input: review it in its decisions file".to_string()),
                        Vec::new(),
                        Vec::new(),
                    ),
                    Err(e) => (Some(e.reason()), Vec::new(), Vec::new()),
                    Ok(Some(r)) => {
                        let shown: Vec<Shown> = r
                            .proposals
                            .iter()
                            .map(|p| {
                                let boxes: Vec<&crate::model::BoxLog> =
                                    r.shown.iter().filter(|b| b.id == p.id).collect();
                                categories.insert(p.why.category.clone());
                                Shown {
                                    id: p.id.clone(),
                                    page: p.page,
                                    rule: p.why.rule.clone(),
                                    cause: p.why.cause.clone(),
                                    category: p.why.category.clone(),
                                    exemption: p.why.exemption.clone(),
                                    text: boxes
                                        .first()
                                        .map(|b| b.text.expose().clone())
                                        .unwrap_or_default(),
                                    rects: boxes
                                        .iter()
                                        .filter(|b| b.page == p.page)
                                        .filter_map(|b| b.rect)
                                        .collect(),
                                }
                            })
                            .collect();
                        (None, shown, r.rows)
                    }
                };
                Doc {
                    name,
                    input: d.input,
                    paths: d.paths,
                    bytes,
                    hash,
                    declined,
                    apply_declined: None,
                    shown,
                    now: Decided {
                        rows,
                        added: Vec::new(),
                        decided: BTreeSet::new(),
                        reviewed: false,
                    },
                    history: Vec::new(),
                    pages: None,
                }
            })
            .collect();
        State {
            docs,
            setup,
            categories: categories.into_iter().collect(),
        }
    }

    fn route(&mut self, r: &Request, rest: &str) -> Response {
        let parts: Vec<&str> = rest.split('/').collect();
        let get = r.method == "GET";
        let post = r.method == "POST";
        match parts.as_slice() {
            [""] if get => Response::new(200, "text/html; charset=utf-8", INDEX_HTML),
            ["app.js"] if get => Response::new(200, "text/javascript; charset=utf-8", APP_JS),
            ["app.css"] if get => Response::new(200, "text/css; charset=utf-8", APP_CSS),
            ["api", "docs"] if get => Response::json(200, &self.docs_json()),
            ["api", "doc", n] if get => match self.doc_index(n) {
                Some(k) => match self.doc_json(k) {
                    Ok(v) => Response::json(200, &v),
                    Err(e) => Response::error(422, &e.to_string()),
                },
                None => Response::error(404, "no such document"),
            },
            ["api", "doc", n, "change"] if post => match self.doc_index(n) {
                Some(k) => self.change(k, &r.body),
                None => Response::error(404, "no such document"),
            },
            ["api", "apply"] if post => self.apply(),
            ["page", n, p] if get => {
                let png = self.doc_index(n).and_then(|k| {
                    let page: usize = p.strip_suffix(".png")?.parse().ok()?;
                    self.pages(k).ok()?.get(page.checked_sub(1)?)?.png.clone()
                });
                match png {
                    Some(b) => Response::new(200, "image/png", b),
                    None => Response::error(404, "no such page"),
                }
            }
            ["result", n, part, p] if get => {
                let png = self.doc_index(n).and_then(|k| {
                    let page: usize = p.strip_suffix(".png")?.parse().ok()?;
                    self.result_png(k, part, page)
                });
                match png {
                    Some(b) => Response::new(200, "image/png", b),
                    None => Response::error(404, "no such page"),
                }
            }
            [..] if !get && !post => Response::error(405, "method not allowed"),
            _ => Response::error(404, "not found"),
        }
    }

    fn doc_index(&self, n: &str) -> Option<usize> {
        n.parse::<usize>().ok().filter(|&k| k < self.docs.len())
    }

    fn state_name(d: &Doc) -> &'static str {
        if d.declined.is_some() || d.apply_declined.is_some() {
            "declined"
        } else if d.now.reviewed {
            "reviewed"
        } else {
            "to review"
        }
    }

    fn left(d: &Doc) -> usize {
        d.shown
            .iter()
            .filter(|s| !d.now.decided.contains(&s.id))
            .count()
    }

    fn docs_json(&self) -> Value {
        let docs: Vec<Value> = self
            .docs
            .iter()
            .enumerate()
            .map(|(k, d)| {
                json!({
                    "index": k,
                    "name": d.name,
                    "state": Self::state_name(d),
                    "reason": d.declined.as_ref().or(d.apply_declined.as_ref()),
                    "proposals": d.shown.len(),
                    "left": Self::left(d),
                })
            })
            .collect();
        let exemptions: Vec<Value> = self
            .setup
            .rules
            .exemptions
            .iter()
            .map(|(c, l)| json!({"code": c, "label": l}))
            .collect();
        let categories: Vec<Value> = self
            .categories
            .iter()
            .enumerate()
            .map(|(k, c)| json!({"name": c, "colour": css_colour(k)}))
            .collect();
        json!({"docs": docs, "exemptions": exemptions, "categories": categories})
    }

    /// The pages of document `k`, rendered (once) with their words.
    fn pages(&mut self, k: usize) -> Result<&Vec<PageView>> {
        if self.docs[k].pages.is_none() {
            let d = &self.docs[k];
            let (doc, _) = crate::pdf::load::load_repaired(
                &d.bytes,
                self.setup.settings.password.as_deref(),
                &self.setup.settings.load,
            )?;
            let count = doc.get_pages().len();
            let indices: Vec<usize> = (0..count).collect();
            let rasters = render::render_pages(
                Arc::clone(&d.bytes),
                self.setup.settings.password.as_deref(),
                &indices,
                DPI,
                Some(count),
                render::PAGE_TIME,
            );
            // The words of each page, as the rules read them (none when the page cannot be read).
            let read = crate::read::read(&d.bytes, &self.setup.settings, None).ok();
            let mut pages = Vec::with_capacity(count);
            for (n, r) in rasters.into_iter().enumerate() {
                let view = match r {
                    Ok(r) => {
                        let from_page = render::invert(&r.to_page)
                            .unwrap_or(crate::geom::Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]));
                        let words = read
                            .as_ref()
                            .and_then(|rd| rd.pages.get(n))
                            .map(|(_, p)| page_words(p, &from_page))
                            .unwrap_or_default();
                        PageView {
                            png: r.png().ok(),
                            width: r.width,
                            height: r.height,
                            to_page: r.to_page,
                            words,
                        }
                    }
                    Err(_) => PageView {
                        png: None,
                        width: 0,
                        height: 0,
                        to_page: crate::geom::Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
                        words: Vec::new(),
                    },
                };
                pages.push(view);
            }
            self.docs[k].pages = Some(pages);
        }
        Ok(self.docs[k].pages.as_ref().expect("set above"))
    }

    fn doc_json(&mut self, k: usize) -> Result<Value> {
        if self.docs[k].declined.is_some() {
            return Ok(
                json!({"index": k, "name": self.docs[k].name, "state": "declined",
                "reason": self.docs[k].declined, "pages": [], "proposals": [], "added": [], "left": 0}),
            );
        }
        let pages = self.pages(k)?;
        let page_json: Vec<Value> = pages
            .iter()
            .enumerate()
            .map(|(n, p)| {
                let words: Vec<Value> = p
                    .words
                    .iter()
                    .map(|(t, r)| json!({"t": t, "x": r.x0, "y": r.y0, "w": r.width(), "h": r.height()}))
                    .collect();
                json!({"n": n + 1, "width": p.width, "height": p.height, "rendered": p.png.is_some(), "words": words})
            })
            .collect();
        let from: Vec<crate::geom::Matrix> = pages
            .iter()
            .map(|p| render::invert(&p.to_page).unwrap_or(p.to_page))
            .collect();
        let d = &self.docs[k];
        let proposals: Vec<Value> = d
            .shown
            .iter()
            .map(|s| {
                let row = d.now.rows.iter().find(|r| r.id == s.id);
                let rects: Vec<Value> = s
                    .rects
                    .iter()
                    .filter_map(|r| {
                        let m = from.get(s.page - 1)?;
                        let p = r.transform(m);
                        Some(json!({"x": p.x0, "y": p.y0, "w": p.width(), "h": p.height()}))
                    })
                    .collect();
                let colour = self
                    .categories
                    .iter()
                    .position(|c| *c == s.category)
                    .unwrap_or(0);
                json!({
                    "id": s.id, "page": s.page, "rule": s.rule, "cause": s.cause, "category": s.category,
                    "rule_exemption": s.exemption, "text": s.text, "rects": rects,
                    "colour": css_colour(colour),
                    "decision": row.map_or("redact", |r| r.decision.as_str()),
                    "exemption": row.map_or(s.exemption.as_str(), |r| r.exemption.as_str()),
                    "note": row.map_or("", |r| r.note.as_str()),
                    "decided": d.now.decided.contains(&s.id),
                })
            })
            .collect();
        let added: Vec<Value> = d
            .now
            .added
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut v = json!({"index": i, "decision": a.decision, "page": a.page,
                    "exemption": a.exemption, "note": a.note});
                if let Some(AddedRect { page, rect }) = added_rect(&a.decision) {
                    if let Some(m) = from.get(page - 1) {
                        let p = rect.transform(m);
                        v["rect"] = json!({"page": page, "x": p.x0, "y": p.y0, "w": p.width(), "h": p.height()});
                    }
                }
                v
            })
            .collect();
        Ok(json!({
            "index": k, "name": d.name, "state": Self::state_name(d), "reviewable": true,
            "reviewed": d.now.reviewed,
            "reason": d.declined.as_ref().or(d.apply_declined.as_ref()),
            "pages": page_json, "proposals": proposals, "added": added, "left": Self::left(d),
            "decisions_file": d.paths.decisions.file_name().map(|f| f.to_string_lossy().to_string()),
            "can_undo": !d.history.is_empty(),
        }))
    }

    /// Applies a change to document `k`, checks it as `redact --decisions` would and saves it, or
    /// answers why not (nothing saved).
    fn change(&mut self, k: usize, body: &[u8]) -> Response {
        let c: Change = match serde_json::from_slice(body) {
            Ok(c) => c,
            Err(e) => return Response::error(400, &format!("not a change this page sends: {e}")),
        };
        if self.docs[k].declined.is_some() {
            return Response::error(422, "this document cannot be reviewed here");
        }
        let undo = matches!(c, Change::Undo);
        let next = match c {
            Change::Undo => match self.docs[k].history.last() {
                Some(prev) => prev.clone(),
                None => return Response::error(422, "nothing to undo"),
            },
            c => match self.changed(k, c) {
                Ok(n) => n,
                Err(e) => return Response::error(422, &e.to_string()),
            },
        };
        let d = &self.docs[k];
        let csv = match crate::formats::decisions_csv_with(&next.rows, &next.added) {
            Ok(b) => b,
            Err(e) => return Response::error(500, &e.to_string()),
        };
        let name = d.paths.decisions.display().to_string();
        // What `redact --decisions` reads, checked against the document as it would check it.
        let checked = decisions::parse(&name, &csv).and_then(|dec| {
            crate::pipeline::plan_with(
                &d.bytes,
                &self.setup.rules,
                &self.setup.settings,
                Some(&dec),
            )
        });
        if let Err(e) = checked {
            return Response::error(422, &e.to_string());
        }
        if let Err(e) = crate::output::write_atomic(&d.paths.decisions, &csv, true) {
            return Response::error(500, &e.to_string());
        }
        let d = &mut self.docs[k];
        if undo {
            d.history.pop();
        } else {
            d.history.push(d.now.clone());
        }
        d.now = next;
        match self.doc_json(k) {
            Ok(v) => Response::json(200, &v),
            Err(e) => Response::error(500, &e.to_string()),
        }
    }

    /// Document `k`'s decisions with change `c` made (not yet checked).
    fn changed(&mut self, k: usize, c: Change) -> Result<Decided> {
        let mut pages_px: Vec<crate::geom::Matrix> = Vec::new();
        if let Change::AddRect { .. } = c {
            pages_px = self.pages(k)?.iter().map(|p| p.to_page).collect();
        }
        let d = &self.docs[k];
        let mut n = d.now.clone();
        let bad = |m: &str| Error::usage(m.to_string());
        let shown = |id: &str| {
            d.shown
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| bad("no proposal has this id"))
        };
        let row_of = |n: &mut Decided, id: &str| -> Result<usize> {
            n.rows
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| bad("no row of the decisions file has this id"))
        };
        let same_text = |id: &str| -> Result<Vec<String>> {
            let key = crate::text_fold::key(&shown(id)?.text);
            Ok(d.shown
                .iter()
                .filter(|s| crate::text_fold::key(&s.text) == key)
                .map(|s| s.id.clone())
                .collect())
        };
        match c {
            Change::Decide { id, decision } => {
                if decision != "keep" && decision != "redact" {
                    return Err(bad("the decision is not redact or keep"));
                }
                let i = row_of(&mut n, &id)?;
                n.rows[i].decision = decision;
                n.decided.insert(id);
            }
            Change::Exemption { id, exemption } => {
                let i = row_of(&mut n, &id)?;
                n.rows[i].exemption = exemption.trim().to_string();
                n.decided.insert(id);
            }
            Change::Note { id, note } => {
                let i = row_of(&mut n, &id)?;
                n.rows[i].note = note.trim().to_string();
            }
            Change::KeepAll { id } => {
                for other in same_text(&id)? {
                    let i = row_of(&mut n, &other)?;
                    n.rows[i].decision = "keep".into();
                    n.decided.insert(other);
                }
            }
            Change::RedactAll { id } => {
                let s = shown(&id)?;
                let i = row_of(&mut n, &id)?;
                let exemption = n.rows[i].exemption.clone();
                for other in same_text(&id)? {
                    let i = row_of(&mut n, &other)?;
                    n.rows[i].decision = "redact".into();
                    n.decided.insert(other);
                }
                let words = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !words.is_empty() {
                    n.added
                        .push(AddedRow::text(&words, None, &exemption, "", &d.hash));
                }
            }
            Change::AddText {
                text,
                page,
                exemption,
                note,
            } => {
                let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if words.is_empty() {
                    return Err(bad("select or type the text to redact"));
                }
                n.added.push(AddedRow::text(
                    &words,
                    page,
                    exemption.trim(),
                    note.trim(),
                    &d.hash,
                ));
            }
            Change::AddRect {
                page,
                x0,
                y0,
                x1,
                y1,
                exemption,
                note,
            } => {
                let m = page
                    .checked_sub(1)
                    .and_then(|p| pages_px.get(p))
                    .ok_or_else(|| bad("the document has no such page"))?;
                if ![x0, y0, x1, y1].iter().all(|v| v.is_finite())
                    || (x1 - x0).abs() < 2.0
                    || (y1 - y0).abs() < 2.0
                {
                    return Err(bad("draw a box at least 2 pixels wide and high"));
                }
                let r = Rect::from_points(&[m.apply(x0, y0), m.apply(x1, y1)]);
                n.added.push(AddedRow::rect(
                    page,
                    &r,
                    exemption.trim(),
                    note.trim(),
                    &d.hash,
                ));
            }
            Change::Remove { index } => {
                if index >= n.added.len() {
                    return Err(bad("no added row has this number"));
                }
                n.added.remove(index);
            }
            Change::Reviewed { reviewed } => n.reviewed = reviewed,
            Change::Undo => {}
        }
        Ok(n)
    }

    /// Runs `redact` on the documents marked reviewed, with their decisions files; answers what each
    /// became and the schedule.
    fn apply(&mut self) -> Response {
        let chosen: Vec<PathBuf> = self
            .docs
            .iter()
            .filter(|d| d.declined.is_none() && d.now.reviewed)
            .map(|d| d.input.rel.clone())
            .collect();
        if chosen.is_empty() {
            return Response::error(
                422,
                "no document is marked reviewed: mark the documents you have reviewed first",
            );
        }
        let mut cfg = self.setup.apply.clone();
        cfg.select = Some(chosen);
        let summary = match batch::run(&cfg, &self.setup.rules) {
            Ok((s, _)) => s,
            Err(e) => return Response::error(422, &e.to_string()),
        };
        let mut results = Vec::new();
        for r in &summary.results {
            let Some(k) = self.docs.iter().position(|d| d.name == r.file) else {
                continue;
            };
            self.docs[k].apply_declined = (r.status != crate::formats::Status::Done).then(|| {
                r.reason
                    .clone()
                    .unwrap_or_else(|| r.status.as_str().to_string())
            });
            let out = OutputPaths::new(&cfg.out, &self.docs[k].input.rel);
            let parts: Vec<Value> = [(1u8, &out.part1), (2, &out.part2)]
                .into_iter()
                .filter(|(_, p)| p.exists())
                .map(|(n, p)| json!({"part": n, "file": p.file_name().map(|f| f.to_string_lossy().to_string()), "pages": page_count(p, &self.setup.settings)}))
                .collect();
            results.push(json!({
                "index": k, "name": r.file, "status": r.status.as_str(), "reason": r.reason,
                "redactions": r.redactions, "kept": r.kept, "added": r.added, "parts": parts,
            }));
        }
        let schedule = std::fs::read(cfg.out.join("redactions.csv"))
            .ok()
            .map(|b| schedule_json(&b))
            .unwrap_or(Value::Null);
        Response::json(200, &json!({"results": results, "schedule": schedule}))
    }

    /// A page of a part `redact` wrote for document `k`, as PNG.
    fn result_png(&self, k: usize, part: &str, page: usize) -> Option<Vec<u8>> {
        let out = OutputPaths::new(&self.setup.apply.out, &self.docs[k].input.rel);
        let path = match part {
            "1" => out.part1,
            "2" => out.part2,
            _ => return None,
        };
        let bytes = std::fs::read(path).ok()?;
        let r = render::render_pages(
            Arc::new(bytes),
            None,
            &[page.checked_sub(1)?],
            DPI,
            None,
            render::PAGE_TIME,
        )
        .pop()?
        .ok()?;
        r.png().ok()
    }
}

/// The page count of an output (0 when it cannot be read).
fn page_count(p: &std::path::Path, s: &Settings) -> usize {
    std::fs::read(p)
        .ok()
        .and_then(|b| crate::pdf::load::load_repaired(&b, None, &s.load).ok())
        .map_or(0, |(d, _)| d.get_pages().len())
}

/// The schedule (`redactions.csv`) as columns and rows.
fn schedule_json(b: &[u8]) -> Value {
    let mut r = csv::Reader::from_reader(b);
    let columns: Vec<String> = r
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = r
        .records()
        .filter_map(|x| x.ok())
        .map(|x| x.iter().map(str::to_string).collect())
        .collect();
    json!({"columns": columns, "rows": rows})
}

struct AddedRect {
    page: usize,
    rect: Rect,
}

/// The page and box of a `rect=` decision.
fn added_rect(decision: &str) -> Option<AddedRect> {
    let v: Vec<f64> = decision
        .strip_prefix("rect=")?
        .split(',')
        .map(|x| x.trim().parse().ok())
        .collect::<Option<_>>()?;
    match v.as_slice() {
        [p, x0, y0, x1, y1] if *p >= 1.0 => Some(AddedRect {
            page: *p as usize,
            rect: Rect::from_points(&[(*x0, *y0), (*x1, *y1)]),
        }),
        _ => None,
    }
}

/// A page's words (runs of non-space characters of its text) and their boxes in pixels.
fn page_words(p: &crate::model::PageText, from_page: &crate::geom::Matrix) -> Vec<(String, Rect)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in p.text.char_indices().chain([(p.text.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let boxes: Vec<Rect> = p
                    .glyphs_in(s..i)
                    .into_iter()
                    .filter_map(|g| p.glyphs.get(g))
                    .filter(|g| !g.ours)
                    .map(|g| g.bbox)
                    .collect();
                if let Some(r) = boxes.into_iter().reduce(|a, b| a.union(&b)) {
                    out.push((p.text[s..i].to_string(), r.transform(from_page)));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_and_a_local_host_are_needed() {
        let req = |path: &str, host: &str| Request {
            method: "GET".into(),
            path: path.into(),
            host: Some(host.into()),
            body: Vec::new(),
        };
        let t = "0123456789abcdef0123456789abcdef";
        let ok = format!("/t/{t}/api/docs");
        assert_eq!(
            authorised(&req(&ok, "127.0.0.1:8080"), t, 8080),
            Some("api/docs")
        );
        assert_eq!(
            authorised(&req(&ok, "localhost:8080"), t, 8080),
            Some("api/docs")
        );
        assert_eq!(authorised(&req(&ok, "evil.example:8080"), t, 8080), None);
        assert_eq!(authorised(&req(&ok, "127.0.0.1:9"), t, 8080), None);
        for bad in [
            "/",
            "/api/docs",
            "/t/",
            "/t/0123456789abcdef0123456789abcdee/api/docs",
            "/t/0123456789abcdef/api/docs",
        ] {
            assert_eq!(
                authorised(&req(bad, "127.0.0.1:8080"), t, 8080),
                None,
                "{bad}"
            );
        }
        let a = token().expect("token");
        assert_eq!(a.len(), 32);
        assert_ne!(a, token().expect("token"));
    }

    #[test]
    fn rect_rows_read_back() {
        let r = AddedRow::rect(
            2,
            &Rect::from_points(&[(10.0, 20.0), (110.5, 220.25)]),
            "s40(2)",
            "",
            "00",
        );
        let a = added_rect(&r.decision).expect("reads");
        assert_eq!((a.page, a.rect.x0, a.rect.y1), (2, 10.0, 220.25));
        let csv = crate::formats::decisions_csv_with(&[], &[r]).expect("csv");
        let d = decisions::parse("d.csv", &csv).expect("the reader takes it");
        assert!(matches!(d.added[0].what, decisions::AddedKind::Rect(2, _)));
        let t = AddedRow::text("Project Nightjar", None, "s43", "a note", "00");
        let csv = crate::formats::decisions_csv_with(&[], &[t]).expect("csv");
        let d = decisions::parse("d.csv", &csv).expect("the reader takes it");
        assert_eq!(
            d.added[0].what,
            decisions::AddedKind::Text("Project Nightjar".into(), None)
        );
        assert_eq!(d.added[0].note, "a note");
    }
}
