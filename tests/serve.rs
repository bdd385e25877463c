//! `foiredact review --serve`: the review in a browser. Without a browser: the server listens on
//! 127.0.0.1 only, refuses every request without its key (and a foreign Host), and refuses a change
//! the decisions reader would refuse, writing nothing. With headless Chromium (tests/a11y/serve.js,
//! skipped loudly when node, Chromium or the node modules are missing): an officer keeps a proposal,
//! changes an exemption, draws a box, redacts a selected word and applies; the decisions file and
//! the outputs say so, and axe-core finds no violation; in a batch read as one request, a proposal
//! another document caused says why (tests/a11y/serve_cause.js).

mod common;

use common::{pdf_text, read_rows, read_table, repo, skip, tempdir, REQUIRE_TOOLS};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `review --serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `review <input> --out <out> --serve --port 0`, its stderr to `<out>.stderr`.
    fn start(input: &Path, out: &Path) -> Server {
        let err = std::fs::File::create(out.with_extension("stderr")).expect("stderr file");
        let mut child = Command::new(common::bin())
            .arg("review")
            .arg(input)
            .arg("--out")
            .arg(out)
            .args(["--serve", "--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err))
            .spawn()
            .expect("the binary runs");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the address is printed");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        let rest = url.strip_prefix("http://127.0.0.1:").expect("on 127.0.0.1");
        let (port, path) = rest.split_once('/').expect("a path");
        let token = path
            .strip_prefix("t/")
            .and_then(|t| t.strip_suffix('/'))
            .expect("/t/<token>/");
        Server {
            child,
            port: port.parse().expect("a port"),
            token: token.to_string(),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/t/{}/", self.port, self.token)
    }

    /// One request; the status and the body.
    fn request(&self, method: &str, path: &str, host: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .expect("sends");
        let mut b = Vec::new();
        s.read_to_end(&mut b).expect("reads");
        let r = String::from_utf8_lossy(&b).to_string();
        let status = r
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = r
            .split_once("\r\n\r\n")
            .map(|x| x.1)
            .unwrap_or("")
            .to_string();
        (status, body)
    }
}

/// The listening sockets' local addresses on `port` (from /proc/net/tcp and tcp6).
fn listening_on(port: u16) -> Vec<String> {
    let mut out = Vec::new();
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(t) = std::fs::read_to_string(f) else {
            continue;
        };
        for l in t.lines().skip(1) {
            let c: Vec<&str> = l.split_whitespace().collect();
            // State 0A: LISTEN.
            if c.len() > 3 && c[3] == "0A" && c[1].ends_with(&format!(":{port:04X}")) {
                out.push(c[1].to_string());
            }
        }
    }
    out
}

#[test]
fn serve_listens_on_loopback_and_needs_its_key() {
    let dir = tempdir();
    let out = dir.path().join("review");
    let input = repo().join("samples/letter-contact.pdf");
    let s = Server::start(&input, &out);
    assert_eq!(s.token.len(), 32, "a 128-bit key");
    // Bound to 127.0.0.1 only (0100007F), never to every address.
    if Path::new("/proc/net/tcp").exists() {
        let l = listening_on(s.port);
        assert_eq!(l, vec![format!("0100007F:{:04X}", s.port)], "{l:?}");
    }
    let host = format!("127.0.0.1:{}", s.port);
    let key = format!("/t/{}/", s.token);
    let (st, body) = s.request("GET", &key, &host, "");
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("foiredact review"), "{body}");
    let wrong: String = s.token.chars().rev().collect::<String>();
    for path in [
        "/".to_string(),
        "/api/docs".into(),
        "/t//api/docs".into(),
        format!("/t/{wrong}/api/docs"),
        format!("/t/{}/api/docs", &s.token[..16]),
        "/app.js".into(),
    ] {
        let (st, body) = s.request("GET", &path, &host, "");
        assert_eq!(st, 403, "{path}: {body}");
        assert!(!body.contains("letter-contact"), "{path}: {body}");
    }
    // The address without its last slash is sent to it.
    let (st, _) = s.request("GET", key.trim_end_matches('/'), &host, "");
    assert_eq!(st, 308);
    // The right key from a page of another site (DNS pointed at 127.0.0.1): refused too.
    let (st, _) = s.request("GET", &format!("{key}api/docs"), "evil.example", "");
    assert_eq!(st, 403);
    let decisions = out.join("letter-contact.decisions.csv");
    let before = std::fs::read(&decisions).expect("review wrote the decisions file");
    // A change without the key changes nothing.
    let (st, _) = s.request(
        "POST",
        "/t/x/api/doc/0/change",
        &host,
        r#"{"op":"add_text","text":"Westshire","page":null,"exemption":"s40(2)"}"#,
    );
    assert_eq!(st, 403);
    // Changes the reader would refuse: an exemption not in the table, a text that is nowhere, a
    // page the document does not have. A JSON error each, and the file unchanged.
    let (st, docs) = s.request("GET", &format!("{key}api/doc/0"), &host, "");
    assert_eq!(st, 200, "{docs}");
    let doc: serde_json::Value = serde_json::from_str(&docs).expect("JSON");
    let id = doc["proposals"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_string();
    for (bad, why) in [
        (
            format!(r#"{{"op":"exemption","id":"{id}","exemption":"s99"}}"#),
            "s99",
        ),
        (
            r#"{"op":"add_text","text":"Zzqx Nowhere","page":null,"exemption":"s40(2)"}"#.into(),
            "matches nothing",
        ),
        (
            r#"{"op":"add_rect","page":7,"x0":1,"y0":1,"x1":50,"y1":50,"exemption":"s40(2)"}"#
                .into(),
            "page",
        ),
        (
            r#"{"op":"decide","id":"p9-r9","decision":"keep"}"#.into(),
            "id",
        ),
        (r#"{"op":"undo"}"#.into(), "undo"),
    ] {
        let (st, body) = s.request("POST", &format!("{key}api/doc/0/change"), &host, &bad);
        assert_eq!(st, 422, "{bad}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
        let msg = v["error"].as_str().expect("error");
        assert!(msg.contains(why), "{bad}: {msg}");
        assert_eq!(std::fs::read(&decisions).expect("file"), before, "{bad}");
    }
    // A good change is saved at once, in the format `redact --decisions` reads; undo restores it.
    let (st, body) = s.request(
        "POST",
        &format!("{key}api/doc/0/change"),
        &host,
        &format!(r#"{{"op":"decide","id":"{id}","decision":"keep"}}"#),
    );
    assert_eq!(st, 200, "{body}");
    let rows = read_rows(&decisions);
    assert!(
        rows.iter().any(|r| r[0] == id && r[8] == "keep"),
        "{rows:?}"
    );
    let (st, _) = s.request(
        "POST",
        &format!("{key}api/doc/0/change"),
        &host,
        r#"{"op":"undo"}"#,
    );
    assert_eq!(st, 200);
    assert_eq!(std::fs::read(&decisions).expect("file"), before);
    no_text_logged(&out, &doc);
}

/// No proposed text in what the server wrote on stderr.
fn no_text_logged(out: &Path, doc: &serde_json::Value) {
    let err = std::fs::read_to_string(out.with_extension("stderr")).expect("stderr");
    for p in doc["proposals"].as_array().expect("proposals") {
        let t = p["text"].as_str().expect("text");
        assert!(
            !t.is_empty() && !err.contains(t),
            "a proposed text on stderr: {err}"
        );
    }
}

#[test]
fn apply_redacts_only_the_reviewed_documents() {
    let dir = tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).expect("dir");
    for f in ["letter-contact.pdf", "decision-part2-only.pdf"] {
        std::fs::copy(repo().join("samples").join(f), inputs.join(f)).expect("copy");
    }
    let out = dir.path().join("review");
    let s = Server::start(&inputs, &out);
    let host = format!("127.0.0.1:{}", s.port);
    let key = format!("/t/{}/", s.token);
    let (st, body) = s.request("GET", &format!("{key}api/docs"), &host, "");
    assert_eq!(st, 200);
    let docs: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let names: Vec<&str> = docs["docs"]
        .as_array()
        .expect("docs")
        .iter()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["decision-part2-only.pdf", "letter-contact.pdf"]);
    assert!(docs["docs"][0]["state"] == "to review" && docs["docs"][1]["state"] == "to review");
    // Nothing reviewed: nothing to apply.
    let (st, body) = s.request("POST", &format!("{key}api/apply"), &host, "{}");
    assert_eq!(st, 422, "{body}");
    assert!(body.contains("reviewed"), "{body}");
    let (st, body) = s.request(
        "POST",
        &format!("{key}api/doc/1/change"),
        &host,
        r#"{"op":"reviewed","reviewed":true}"#,
    );
    assert_eq!(st, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(doc["state"], "reviewed");
    let (st, body) = s.request("POST", &format!("{key}api/apply"), &host, "{}");
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let results = v["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{body}");
    assert_eq!(results[0]["name"], "letter-contact.pdf");
    assert_eq!(results[0]["status"], "done", "{body}");
    assert_eq!(results[0]["parts"][0]["pages"], 1, "{body}");
    assert!(v["schedule"]["rows"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    assert!(out.join("letter-contact.part1.pdf").exists());
    assert!(!out.join("decision-part2-only.part2.pdf").exists());
    // Part 1's page, rendered for the page.
    let (st, png) = s.request("GET", &format!("{key}result/1/1/1.png"), &host, "");
    assert_eq!(st, 200);
    // (The body as lossy UTF-8: the signature's first byte is U+FFFD.)
    assert!(png.starts_with("\u{FFFD}PNG\r\n"), "not a PNG");
    no_text_logged(&out, &doc);
}

/// node, Chromium and the node modules of tests/a11y, or what is missing.
fn browser_missing() -> Vec<&'static str> {
    let dir = repo().join("tests/a11y");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    [
        (!common::have("node")).then_some("node"),
        (!Path::new(&chromium).exists()).then_some("chromium"),
        (!dir.join("node_modules/axe-core").exists()).then_some("tests/a11y/node_modules (npm ci)"),
        (!dir.join("node_modules/playwright-core").exists()).then_some("playwright-core"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether the browser tests can run; if not, a loud skip (a failure under
/// `FOIREDACT_REQUIRE_A11Y=1` or `FOIREDACT_REQUIRE_TOOLS=1`).
fn browser_ready() -> bool {
    let missing = browser_missing();
    if !missing.is_empty() {
        let m = format!("the browser review is not tested: missing {missing:?}");
        skip("FOIREDACT_REQUIRE_A11Y", &m);
        skip(REQUIRE_TOOLS, &m);
    }
    missing.is_empty()
}

#[test]
fn an_officer_reviews_in_the_browser_and_applies() {
    if !browser_ready() {
        return;
    }
    let dir = tempdir();
    let out = dir.path().join("review");
    let input = repo().join("samples/letter-contact.pdf");
    let s = Server::start(&input, &out);
    let shots = repo().join("target/a11y");
    let (keep, changed, boxed, text) = (
        "07700 900555",
        "l.abernethy-quist@example.com",
        "Constabulary",
        "Conduct",
    );
    let o = Command::new("node")
        .arg(repo().join("tests/a11y/serve.js"))
        .arg(s.url())
        .arg(&shots)
        .args([keep, changed, boxed, text])
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&o.stdout);
    println!("{said}");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{said}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(said.contains("serve.js: 0 problems"), "{said}");
    for shot in ["serve-app.png", "serve-decided.png", "serve-result.png"] {
        assert!(shots.join(shot).exists(), "no screenshot {shot}");
    }
    // The decisions file, as `redact --decisions` reads it.
    let (header, rows) = read_table(&out.join("letter-contact.decisions.csv"));
    let c = |n: &str| header.iter().position(|h| h == n).expect("column");
    let (dec, ex) = (c("decision"), c("exemption"));
    let kept: Vec<&Vec<String>> = rows.iter().filter(|r| r[dec] == "keep").collect();
    assert_eq!(kept.len(), 1, "one proposal kept: {rows:?}");
    assert!(
        rows.iter().any(|r| r[ex] == "s31" && !r[0].is_empty()),
        "{rows:?}"
    );
    // The mouse's box and the keyboard's.
    assert_eq!(
        rows.iter()
            .filter(|r| r[dec].starts_with("rect=1,"))
            .count(),
        2,
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r[dec] == format!("text={text}")),
        "{rows:?}"
    );
    // The outputs: the kept text is there, every other proposal, the box's word and the text gone.
    let part1 = out.join("letter-contact.part1.pdf");
    assert!(part1.exists(), "apply wrote Part 1");
    let got = common::norm(&pdf_text(&part1));
    assert!(
        got.contains(&common::norm(keep)),
        "the kept text is gone: {got}"
    );
    for gone in [
        changed,
        boxed,
        text,
        "Harriet Castellano",
        "Abernethy-Quist",
        "WB4 6HL",
        "(01632) 960123",
    ] {
        assert!(
            !got.contains(&common::norm(gone)),
            "{gone} is still in Part 1"
        );
    }
    // Text beside them stays.
    assert!(got.contains(&common::norm("Westshire")), "{got}");
    // The schedule records the changed exemption and the officer's additions.
    let (h, sched) = read_table(&out.join("redactions.csv"));
    let (sd, se) = (
        h.iter().position(|x| x == "decision").expect("decision"),
        h.iter().position(|x| x == "exemption").expect("exemption"),
    );
    assert!(sched.iter().any(|r| r[se] == "s31"), "{sched:?}");
    assert!(sched.iter().any(|r| r[sd] == "keep"), "{sched:?}");
    assert!(
        sched.iter().filter(|r| r[sd] == "added").count() >= 2,
        "{sched:?}"
    );
}

#[test]
fn a_proposal_another_document_caused_says_why_in_the_browser() {
    if !browser_ready() {
        return;
    }
    let dir = tempdir();
    let input = dir.path().join("request");
    std::fs::create_dir_all(&input).expect("dir");
    std::fs::write(
        input.join("a.pdf"),
        common::lines_pdf(&[
            "Decision notice",
            "The complainant, Mrs Gwendolyn Hartigan-Obi, objected to the fence.",
        ]),
    )
    .expect("write");
    std::fs::write(
        input.join("b.pdf"),
        common::lines_pdf(&[
            "Appeal outcome",
            "Hartigan-Obi was told on Monday that the appeal had failed.",
        ]),
    )
    .expect("write");
    let out = dir.path().join("review");
    let s = Server::start(&input, &out);
    let shot = repo().join("target/a11y/serve-consistent.png");
    std::fs::create_dir_all(shot.parent().expect("dir")).expect("target/a11y");
    let o = Command::new("node")
        .arg(repo().join("tests/a11y/serve_cause.js"))
        .arg(s.url())
        .arg(&shot)
        .args(["b.pdf", "consistent:a.pdf#p1-r"])
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{said}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(said.contains("serve_cause.js: 0 problems"), "{said}");
    assert!(shot.exists());
}
