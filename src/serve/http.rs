//! The smallest HTTP/1.1 the review page needs, over `std::net`: one request per connection (the
//! response closes it), a request line, headers and a body of a bounded size, read with a time limit.
//! No TLS: the server listens on 127.0.0.1 only, and the access token in the path keeps other local
//! users out. Nothing here logs a request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Longest request head (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// Longest request body (a change is a small JSON object).
pub const MAX_BODY: usize = 256 * 1024;
/// How long a client may take to send its request.
const READ_TIME: Duration = Duration::from_secs(10);

/// A request as the server needs it.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Host` header, if any.
    pub host: Option<String>,
    pub body: Vec<u8>,
}

/// A response: a status, a content type and a body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Where a redirect points (a path of this server).
    pub location: Option<String>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            body: body.into(),
            location: None,
        }
    }

    /// A permanent redirect to `path` (on this server).
    pub fn redirect(path: String) -> Response {
        Response {
            location: Some(path),
            ..Response::new(308, "text/plain; charset=utf-8", "")
        }
    }

    /// A JSON body.
    pub fn json(status: u16, v: &serde_json::Value) -> Response {
        Response::new(status, "application/json", v.to_string())
    }

    /// A JSON error: `{"error": message}`.
    pub fn error(status: u16, message: &str) -> Response {
        Response::json(status, &serde_json::json!({ "error": message }))
    }
}

/// Why a request could not be read: the status to answer with (`None`: the client went away).
pub fn read_request(s: &mut TcpStream) -> Result<Request, Option<u16>> {
    s.set_read_timeout(Some(READ_TIME)).map_err(|_| None)?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(k) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break k;
        }
        if buf.len() > MAX_HEAD {
            return Err(Some(431));
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| Some(400))?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (method, target) = match (first.next(), first.next()) {
        (Some(m), Some(t)) if !m.is_empty() && t.starts_with('/') => (m.to_string(), t),
        _ => return Err(Some(400)),
    };
    let path = target
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string();
    let mut host = None;
    let mut length = 0usize;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("host") {
            host = Some(v.to_string());
        } else if k.eq_ignore_ascii_case("content-length") {
            length = v.parse().map_err(|_| Some(400))?;
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            // The page never sends a chunked body.
            return Err(Some(411));
        }
    }
    if length > MAX_BODY {
        return Err(Some(413));
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(None),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    Ok(Request {
        method,
        path,
        host,
        body,
    })
}

/// The reason phrase of a status the server uses.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    }
}

/// Writes a response and closes the connection. Every response forbids caching (pages show personal
/// data) and, by its content security policy, any request to another origin.
pub fn write_response(s: &mut TcpStream, r: &Response) {
    let location = r
        .location
        .as_ref()
        .map(|l| format!("Location: {l}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {} {}\r\n{location}Content-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'\r\n\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    // A client that went away is no error of the server's.
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(&r.body);
    let _ = s.flush();
}
