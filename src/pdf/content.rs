//! Content-stream tokenizer and serializer of our own.
//!
//! Owns: turning a decoded content stream (or CMap) into operations that remember the exact byte range
//! they came from, and writing a stream back with only the changed operations replaced. Everything not
//! changed is copied byte for byte (numbers, inline-image data, unknown operators) but for comments,
//! which are left out (they could hold redacted text); which is why we do not use
//! `lopdf::content::Content` (see `../shared/PDF-NOTES.md`).
//!
//! # Errors
//! Anything it cannot parse (an unterminated string, a stray `)`, an array left open, an inline image
//! without `EI`) is an error: the caller must decline the file rather than guess.
//!
//! # Invariants
//! `ops[i].start..ops[i].end` are increasing, non-overlapping byte ranges of the input; each covers the
//! operands and the operator (for `BI`, the whole inline image through `EI`).

use std::collections::BTreeMap;

/// An operator's or a name's bytes: held inline up to 16 bytes (all of the operators, nearly all
/// names), so that tokenizing a page does not allocate for each of them.
pub type Word = smallvec::SmallVec<[u8; 16]>;

/// An operand as parsed. Strings hold their decoded bytes (escapes resolved).
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Num(f64),
    Name(Word),
    Str(Vec<u8>),
    Array(Vec<Operand>),
    Dict(Vec<(Word, Operand)>),
    Bool(bool),
    Null,
}

impl Operand {
    pub fn num(&self) -> Option<f64> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn dict_get(&self, key: &[u8]) -> Option<&Operand> {
        match self {
            Operand::Dict(items) => items
                .iter()
                .find(|(k, _)| k.as_slice() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// One operation: operands then operator, with its byte range in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub operator: Word,
    pub operands: Vec<Operand>,
    pub start: usize,
    pub end: usize,
}

impl Op {
    pub fn is(&self, name: &str) -> bool {
        self.operator.as_slice() == name.as_bytes()
    }
    pub fn num(&self, i: usize) -> Option<f64> {
        self.operands.get(i).and_then(Operand::num)
    }
}

/// Why a stream could not be tokenized. Carries a byte offset, never content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub msg: &'static str,
    /// A parse limit was hit (too many operators or operands, nesting too deep): the stream may be
    /// well formed, but reading it is refused.
    pub limit: bool,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "content stream syntax error at byte {}: {}",
            self.offset, self.msg
        )
    }
}

/// Limits that keep a hostile stream from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    pub max_ops: usize,
    pub max_depth: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_ops: 5_000_000,
            max_depth: 64,
        }
    }
}

pub fn is_white(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// A token of the PostScript-like syntax shared by content streams and CMaps.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Operand(Operand),
    ArrayStart,
    ArrayEnd,
    DictStart,
    DictEnd,
    Keyword(Word),
}

/// A lexer over content-stream or CMap bytes.
pub struct Lexer<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    fn err(&self, msg: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            msg,
            limit: false,
        }
    }

    fn limit_err(&self, msg: &'static str) -> ParseError {
        ParseError {
            limit: true,
            ..self.err(msg)
        }
    }

    fn skip_white_and_comments(&mut self) {
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < self.data.len() && !matches!(self.data[self.pos], b'\n' | b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end of the data.
    pub fn next_token(&mut self) -> Result<Option<Token>, ParseError> {
        self.skip_white_and_comments();
        let Some(&b) = self.data.get(self.pos) else {
            return Ok(None);
        };
        match b {
            b'(' => self
                .literal_string()
                .map(|s| Some(Token::Operand(Operand::Str(s)))),
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Ok(Some(Token::DictStart))
                } else {
                    self.hex_string()
                        .map(|s| Some(Token::Operand(Operand::Str(s))))
                }
            }
            b'>' => {
                if self.data.get(self.pos + 1) == Some(&b'>') {
                    self.pos += 2;
                    Ok(Some(Token::DictEnd))
                } else {
                    Err(self.err("stray '>'"))
                }
            }
            b'[' => {
                self.pos += 1;
                Ok(Some(Token::ArrayStart))
            }
            b']' => {
                self.pos += 1;
                Ok(Some(Token::ArrayEnd))
            }
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.pos < self.data.len()
                    && !is_white(self.data[self.pos])
                    && !is_delim(self.data[self.pos])
                {
                    self.pos += 1;
                }
                Ok(Some(Token::Operand(Operand::Name(decode_name(
                    &self.data[start..self.pos],
                )))))
            }
            b')' => Err(self.err("stray ')'")),
            b'{' | b'}' => Err(self.err("unexpected brace")),
            _ => {
                let start = self.pos;
                while self.pos < self.data.len()
                    && !is_white(self.data[self.pos])
                    && !is_delim(self.data[self.pos])
                {
                    self.pos += 1;
                }
                let word = &self.data[start..self.pos];
                if let Some(n) = parse_number(word) {
                    return Ok(Some(Token::Operand(Operand::Num(n))));
                }
                let first = word[0];
                if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
                    // Malformed numbers such as `--5` or `1.2.3`: readers disagree on them, so we refuse.
                    if word
                        .iter()
                        .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.'))
                    {
                        return Err(ParseError {
                            offset: start,
                            msg: "malformed number",
                            limit: false,
                        });
                    }
                }
                Ok(Some(match word {
                    b"true" => Token::Operand(Operand::Bool(true)),
                    b"false" => Token::Operand(Operand::Bool(false)),
                    b"null" => Token::Operand(Operand::Null),
                    _ => Token::Keyword(Word::from_slice(word)),
                }))
            }
        }
    }

    fn literal_string(&mut self) -> Result<Vec<u8>, ParseError> {
        // ISO 32000-1 7.3.4.2: balanced parentheses, backslash escapes, EOL normalised to \n.
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        let d = self.data;
        while self.pos < d.len() {
            let b = d[self.pos];
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(&e) = d.get(self.pos) else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v: u32 = (e - b'0') as u32;
                            for _ in 0..2 {
                                match d.get(self.pos) {
                                    Some(&c @ b'0'..=b'7') => {
                                        v = v * 8 + (c - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        b'\r' => {
                            if d.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    if d.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
        Err(ParseError {
            offset: start,
            msg: "unterminated string",
            limit: false,
        })
    }

    fn hex_string(&mut self) -> Result<Vec<u8>, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while self.pos < self.data.len() {
            let b = self.data[self.pos];
            self.pos += 1;
            if b == b'>' {
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                return Ok(out);
            }
            if is_white(b) {
                continue;
            }
            let v = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    return Err(ParseError {
                        offset: self.pos - 1,
                        msg: "bad hex string",
                        limit: false,
                    })
                }
            };
            match hi.take() {
                Some(h) => out.push((h << 4) | v),
                None => hi = Some(v),
            }
        }
        Err(ParseError {
            offset: start,
            msg: "unterminated hex string",
            limit: false,
        })
    }

    /// Reads one complete operand starting with `tok` (arrays and dictionaries nest).
    pub fn complete(
        &mut self,
        tok: Token,
        depth: usize,
        lim: &ParseLimits,
    ) -> Result<Operand, ParseError> {
        if depth > lim.max_depth {
            return Err(self.limit_err("nesting too deep"));
        }
        match tok {
            Token::Operand(o) => Ok(o),
            Token::ArrayStart => {
                let mut items = Vec::new();
                loop {
                    match self.next_token()? {
                        None => return Err(self.err("unterminated array")),
                        Some(Token::ArrayEnd) => return Ok(Operand::Array(items)),
                        Some(Token::Keyword(_)) => return Err(self.err("operator inside array")),
                        Some(t) => items.push(self.complete(t, depth + 1, lim)?),
                    }
                }
            }
            Token::DictStart => {
                let mut items = Vec::new();
                loop {
                    match self.next_token()? {
                        None => return Err(self.err("unterminated dictionary")),
                        Some(Token::DictEnd) => return Ok(Operand::Dict(items)),
                        Some(Token::Operand(Operand::Name(k))) => {
                            let Some(t) = self.next_token()? else {
                                return Err(self.err("unterminated dictionary"));
                            };
                            items.push((k, self.complete(t, depth + 1, lim)?));
                        }
                        Some(_) => return Err(self.err("dictionary key is not a name")),
                    }
                }
            }
            Token::ArrayEnd => Err(self.err("stray ']'")),
            Token::DictEnd => Err(self.err("stray '>>'")),
            Token::Keyword(_) => Err(self.err("operator where an operand was expected")),
        }
    }
}

fn decode_name(raw: &[u8]) -> Word {
    // ISO 32000-1 7.3.5: #xx escapes in names.
    if !raw.contains(&b'#') {
        return Word::from_slice(raw);
    }
    let mut out = Word::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() {
            if let Some(v) = std::str::from_utf8(&raw[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Parses a PDF number (`12`, `-3.5`, `.5`, `+4.`). Exponents are not PDF syntax.
pub fn parse_number(word: &[u8]) -> Option<f64> {
    if word.is_empty() || word.len() > 64 {
        return None;
    }
    let mut i = 0;
    if matches!(word[0], b'+' | b'-') {
        i = 1;
    }
    let mut digits = 0;
    let mut dot = false;
    for &c in &word[i..] {
        match c {
            b'0'..=b'9' => digits += 1,
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let s = std::str::from_utf8(word).ok()?;
    let s = s.strip_prefix('+').unwrap_or(s);
    let v: f64 = s.strip_suffix('.').unwrap_or(s).parse().ok()?;
    v.is_finite().then_some(v)
}

/// The error of a stream that ends with operands and no operator; its offset is the first of them.
pub const TRAILING_OPERANDS: &str = "operands without an operator at the end of the stream";

/// Tokenizes a whole content stream into operations.
pub fn parse(data: &[u8], lim: &ParseLimits) -> Result<Vec<Op>, ParseError> {
    let mut lx = Lexer::new(data);
    let mut ops = Vec::new();
    let mut operands: Vec<Operand> = Vec::new();
    let mut start: Option<usize> = None;
    loop {
        lx.skip_white_and_comments();
        let tok_start = lx.pos;
        let Some(tok) = lx.next_token()? else { break };
        let op_start = *start.get_or_insert(tok_start);
        match tok {
            Token::Keyword(kw) => {
                if ops.len() >= lim.max_ops {
                    return Err(ParseError {
                        offset: tok_start,
                        msg: "too many operators",
                        limit: true,
                    });
                }
                if kw.as_slice() == b"BI" {
                    // Operands before BI belong to no operator: readers drop them, and so do we (they
                    // stay in this operation's byte range).
                    operands.clear();
                    let (dict, end) = inline_image(&mut lx, lim)?;
                    ops.push(Op {
                        operator: kw,
                        operands: vec![dict],
                        start: op_start,
                        end,
                    });
                } else {
                    ops.push(Op {
                        operator: kw,
                        operands: std::mem::take(&mut operands),
                        start: op_start,
                        end: lx.pos,
                    });
                }
                start = None;
            }
            t => {
                let o = lx.complete(t, 0, lim)?;
                if operands.len() > 10_000 {
                    return Err(ParseError {
                        offset: tok_start,
                        msg: "too many operands",
                        limit: true,
                    });
                }
                operands.push(o);
            }
        }
    }
    if let (false, Some(at)) = (operands.is_empty(), start) {
        return Err(ParseError {
            offset: at,
            msg: TRAILING_OPERANDS,
            limit: false,
        });
    }
    Ok(ops)
}

/// Reads an inline image after `BI`: its dictionary, `ID`, the data, and `EI`. Returns the dictionary
/// and the end offset (just after `EI`).
fn inline_image(lx: &mut Lexer<'_>, lim: &ParseLimits) -> Result<(Operand, usize), ParseError> {
    let mut items = Vec::new();
    loop {
        match lx.next_token()? {
            None => return Err(lx.err("inline image without ID")),
            Some(Token::Keyword(k)) if k.as_slice() == b"ID" => break,
            Some(Token::Operand(Operand::Name(k))) => {
                let Some(t) = lx.next_token()? else {
                    return Err(lx.err("inline image without ID"));
                };
                items.push((k, lx.complete(t, 1, lim)?));
            }
            Some(_) => return Err(lx.err("bad inline image dictionary")),
        }
    }
    // One white-space byte follows ID (ISO 32000-1 8.9.7).
    let data_start = lx.pos + 1;
    let d = lx.data;
    let dict = Operand::Dict(items);
    let len = dict
        .dict_get(b"L")
        .or_else(|| dict.dict_get(b"Length"))
        .and_then(Operand::num);
    if let Some(len) = len {
        if len >= 0.0 {
            let after = data_start.saturating_add(len as usize);
            let mut p = after;
            while p < d.len() && is_white(d[p]) {
                p += 1;
            }
            if d.get(p..p + 2) == Some(b"EI")
                && d.get(p + 2).is_none_or(|&c| is_white(c) || is_delim(c))
            {
                lx.pos = p + 2;
                return Ok((dict, lx.pos));
            }
        }
    }
    // Without a length: the first `EI` between white space that is followed by plausible content.
    let mut i = data_start;
    while i + 1 < d.len() {
        if d[i] == b'E'
            && d[i + 1] == b'I'
            && i > data_start
            && is_white(d[i - 1])
            && d.get(i + 2).is_none_or(|&c| is_white(c))
            && plausible_after(&d[i + 2..])
        {
            lx.pos = i + 2;
            return Ok((dict, lx.pos));
        }
        i += 1;
    }
    Err(ParseError {
        offset: data_start,
        msg: "inline image without EI",
        limit: false,
    })
}

fn plausible_after(rest: &[u8]) -> bool {
    rest.iter()
        .take(64)
        .all(|&c| c == b'\t' || c == b'\n' || c == b'\r' || (32..127).contains(&c))
}

/// Joins the decoded streams of a page's /Contents array into one stream, as readers concatenate them
/// (ISO 32000-1 7.8.2). A stream that ends inside a string (a producer that cut one stream anywhere)
/// is continued by the next with nothing between; any other boundary is a token boundary and gets a
/// newline, so that `Q` ending one stream and `q` starting the next stay two operators.
pub fn join_streams(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    let mut state = JoinState::Normal;
    for (k, p) in parts.iter().enumerate() {
        if k > 0
            && !matches!(
                state,
                JoinState::Literal { .. } | JoinState::Hex | JoinState::InlineData
            )
        {
            out.push(b'\n');
            state = JoinState::Normal;
        }
        state = scan_state(p, state);
        out.extend_from_slice(p);
    }
    out
}

/// A damaged content stream made readable by dropping each line on which the tokenizer fails (a stray
/// `)`, an operator inside an array, an array or string never closed), until the rest parses: the
/// stream is then written back as that rest, so that every reader of the output sees exactly what was
/// read and redacted (what was dropped is in no output at all). Returns the stream and how many lines
/// were dropped; `None` when more than three quarters of the stream would go, or after 500 lines.
pub fn salvage(data: &[u8], lim: &ParseLimits) -> Option<(Vec<u8>, usize)> {
    let mut buf = data.to_vec();
    let mut dropped = 0;
    loop {
        let e = match parse(&buf, lim) {
            Ok(_) => return (dropped > 0).then_some((buf, dropped)),
            Err(e) => e,
        };
        if e.limit {
            return None;
        }
        let at = e.offset.min(buf.len().saturating_sub(1));
        let eol = |b: &u8| matches!(b, b'\n' | b'\r');
        let start = buf[..at].iter().rposition(eol).map_or(0, |p| p + 1);
        let end = buf[at..].iter().position(eol).map_or(buf.len(), |p| at + p);
        if start >= end && end >= buf.len() {
            return None;
        }
        // The line and its end of line.
        buf.drain(start..(end + 1).min(buf.len()));
        dropped += 1;
        if dropped > 500 || buf.len() * 4 < data.len() {
            return None;
        }
    }
}

/// Where the lexer stands at the end of a stream: in ordinary tokens, a comment, a literal string
/// (its parenthesis depth, and whether a backslash is pending), a hex string, or an inline image's data
/// (after `ID`, until `EI`).
#[derive(Clone, Copy)]
enum JoinState {
    Normal,
    Comment,
    Literal { depth: usize, escape: bool },
    Hex,
    InlineData,
}

fn scan_state(data: &[u8], mut state: JoinState) -> JoinState {
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        state = match state {
            JoinState::Normal => match b {
                b'%' => JoinState::Comment,
                b'(' => JoinState::Literal {
                    depth: 1,
                    escape: false,
                },
                b'<' if data.get(i + 1) == Some(&b'<') => {
                    i += 1;
                    JoinState::Normal
                }
                b'<' => JoinState::Hex,
                b'I' if data.get(i + 1) == Some(&b'D')
                    && (i == 0 || is_white(data[i - 1]))
                    && data.get(i + 2).is_some_and(|&c| is_white(c)) =>
                {
                    // `ID` and the one white-space byte after it.
                    i += 2;
                    JoinState::InlineData
                }
                _ => JoinState::Normal,
            },
            JoinState::InlineData => {
                if b == b'E'
                    && data.get(i + 1) == Some(&b'I')
                    && i > 0
                    && is_white(data[i - 1])
                    && data.get(i + 2).is_none_or(|&c| is_white(c) || is_delim(c))
                {
                    i += 1;
                    JoinState::Normal
                } else {
                    JoinState::InlineData
                }
            }
            JoinState::Comment => match b {
                b'\n' | b'\r' => JoinState::Normal,
                _ => JoinState::Comment,
            },
            JoinState::Literal {
                depth,
                escape: true,
            } => JoinState::Literal {
                depth,
                escape: false,
            },
            JoinState::Literal { depth, .. } => match b {
                b'\\' => JoinState::Literal {
                    depth,
                    escape: true,
                },
                b'(' => JoinState::Literal {
                    depth: depth + 1,
                    escape: false,
                },
                b')' if depth == 1 => JoinState::Normal,
                b')' => JoinState::Literal {
                    depth: depth - 1,
                    escape: false,
                },
                _ => JoinState::Literal {
                    depth,
                    escape: false,
                },
            },
            JoinState::Hex => match b {
                b'>' => JoinState::Normal,
                _ => JoinState::Hex,
            },
        };
        i += 1;
    }
    state
}

/// Writes the stream back: bytes outside replaced operations are copied unchanged, but for comments,
/// which are left out (a comment can hold any text, redacted text too: pdf.js's knockout test file
/// names its cases in comments). `replace` maps an op index to the bytes that take its place (empty =
/// delete it); with nothing to replace, the stream comes back as it was.
pub fn rewrite(data: &[u8], ops: &[Op], replace: &BTreeMap<usize, Vec<u8>>) -> Vec<u8> {
    if replace.is_empty() {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(data.len() + 64);
    // Copies from `pos` to `end`, the ops from `next` up to `until` among them.
    let copy = |out: &mut Vec<u8>, pos: &mut usize, next: &mut usize, until: usize, end: usize| {
        for op in ops.get(*next..until).into_iter().flatten() {
            push_without_comments(out, &data[*pos..op.start]);
            if op.is("BI") {
                // (Inline image data is binary: copied as it is.)
                out.extend_from_slice(&data[op.start..op.end]);
            } else {
                push_without_comments(out, &data[op.start..op.end]);
            }
            *pos = op.end;
        }
        push_without_comments(out, &data[*pos..end.max(*pos)]);
        *pos = end.max(*pos);
        *next = until.max(*next);
    };
    let (mut pos, mut next) = (0, 0);
    for (&i, bytes) in replace {
        let Some(op) = ops.get(i) else { continue };
        // A deleted operation takes the space before it along: otherwise each one would leave a
        // blank (a producer that draws a glyph per operation would leave one per letter of a
        // redacted name, its length in the stream). The space after it still parts its neighbours,
        // since every operator ends in a regular character.
        let gap_to = if bytes.is_empty() { 0 } else { op.start };
        copy(&mut out, &mut pos, &mut next, i, gap_to);
        out.extend_from_slice(bytes);
        pos = op.end;
        next = i + 1;
    }
    copy(&mut out, &mut pos, &mut next, ops.len(), data.len());
    out
}

/// Copies content bytes without their comments (each `%` outside a string to the end of its line;
/// the line end stays). Literal and hex strings are copied as they are.
fn push_without_comments(out: &mut Vec<u8>, bytes: &[u8]) {
    if !bytes.contains(&b'%') {
        out.extend_from_slice(bytes);
        return;
    }
    let (mut i, mut depth, mut hex) = (0, 0usize, false);
    while i < bytes.len() {
        let b = bytes[i];
        if depth > 0 {
            out.push(b);
            match b {
                b'\\' => {
                    if let Some(&n) = bytes.get(i + 1) {
                        out.push(n);
                        i += 1;
                    }
                }
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ => {}
            }
        } else if hex {
            out.push(b);
            hex = b != b'>';
        } else {
            match b {
                b'%' => {
                    while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                        i += 1;
                    }
                    continue;
                }
                b'(' => depth = 1,
                b'<' if bytes.get(i + 1) == Some(&b'<') => {
                    out.push(b);
                    i += 1;
                }
                b'<' => hex = true,
                _ => {}
            }
            out.push(bytes[i]);
        }
        i += 1;
    }
}

/// Writes a byte string as a PDF hex string.
pub fn hex_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2 + 2);
    s.push('<');
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s.push('>');
    s
}

/// Formats a number compactly and exactly enough for positions (4 decimals).
pub fn fmt_num(v: f64) -> String {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r == r.trunc() && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(s: &str) -> Vec<Op> {
        parse(s.as_bytes(), &ParseLimits::default()).expect("parses")
    }

    #[test]
    fn parses_text_operations_with_ranges() {
        let src = "BT /F1 12 Tf 72 700 Td (Hello \\(world\\)) Tj [(A) -120 (B)] TJ ET";
        let o = ops(src);
        let names: Vec<_> = o
            .iter()
            .map(|o| String::from_utf8_lossy(&o.operator).to_string())
            .collect();
        assert_eq!(names, ["BT", "Tf", "Td", "Tj", "TJ", "ET"]);
        assert_eq!(o[3].operands[0], Operand::Str(b"Hello (world)".to_vec()));
        assert_eq!(&src[o[1].start..o[1].end], "/F1 12 Tf");
        match &o[4].operands[0] {
            Operand::Array(a) => assert_eq!(a.len(), 3),
            _ => panic!("array expected"),
        }
    }

    #[test]
    fn escapes_and_hex() {
        let o = ops("(a\\101\\n\\\nb) Tj <48 65 6c6C6> Tj");
        assert_eq!(o[0].operands[0], Operand::Str(b"aA\nb".to_vec()));
        assert_eq!(
            o[1].operands[0],
            Operand::Str(vec![0x48, 0x65, 0x6c, 0x6c, 0x60])
        );
    }

    #[test]
    fn inline_image_is_one_op_and_kept_verbatim() {
        let src = b"q BI /W 2 /H 1 /BPC 8 /CS /G /F /AHx ID 00ff> EI Q (x) Tj";
        let o = parse(src, &ParseLimits::default()).expect("parses");
        assert_eq!(o[1].operator.as_slice(), b"BI");
        assert_eq!(
            &src[o[1].start..o[1].end],
            b"BI /W 2 /H 1 /BPC 8 /CS /G /F /AHx ID 00ff> EI"
        );
        assert!(o[2].is("Q"));
        let out = rewrite(src, &o, &BTreeMap::new());
        assert_eq!(out, src.to_vec());
    }

    #[test]
    fn errors_fail_closed() {
        for bad in [
            "(unterminated Tj",
            "BT ) ET",
            "[(a) 1 TJ",
            "<zz> Tj",
            "BI /W 1 ID xxxx",
            "1 2",
            "BT (a) Tj ET [(b)]",
        ] {
            assert!(
                parse(bad.as_bytes(), &ParseLimits::default()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn rewrite_replaces_only_named_ops() {
        let src = b"BT 1.000001 0 0 1 0 0 Tm (abc) Tj % comment\nET";
        let o = parse(src, &ParseLimits::default()).expect("parses");
        let mut rep = BTreeMap::new();
        rep.insert(2, b"[(a) -500 (c)] TJ".to_vec());
        let out = rewrite(src, &o, &rep);
        assert_eq!(
            out,
            b"BT 1.000001 0 0 1 0 0 Tm [(a) -500 (c)] TJ \nET".to_vec()
        );
    }

    #[test]
    fn deleted_ops_leave_no_space_behind_so_their_number_does_not_show() {
        // One glyph per operation (Chromium's way): deleting three or four of them must leave the
        // same bytes, and the stream must still parse to the operations kept.
        let src = |n: usize| {
            let mut s = b"BT /F1 9 Tf\n1 0 Td [<0041>] TJ".to_vec();
            for _ in 0..n {
                s.extend_from_slice(b"\n9.3 0 Td [<0042>] TJ");
            }
            s.extend_from_slice(b"\n4.6 0 Td [<0043>] TJ\nET");
            s
        };
        let out = |n: usize| {
            let d = src(n);
            let o = parse(&d, &ParseLimits::default()).expect("parses");
            let rep: BTreeMap<usize, Vec<u8>> = (4..4 + 2 * n).map(|i| (i, Vec::new())).collect();
            rewrite(&d, &o, &rep)
        };
        assert_eq!(out(3), out(4));
        assert_eq!(
            String::from_utf8_lossy(&out(3)),
            "BT /F1 9 Tf\n1 0 Td [<0041>] TJ\n4.6 0 Td [<0043>] TJ\nET"
        );
        // Next to delimiters, with nothing between: still the same operations.
        let d = b"q(a)Tj(b)Tj(c)Tj Q";
        let o = parse(d, &ParseLimits::default()).expect("parses");
        let r = rewrite(d, &o, &BTreeMap::from([(2, Vec::new())]));
        assert_eq!(String::from_utf8_lossy(&r), "q(a)Tj(c)Tj Q");
        assert_eq!(parse(&r, &ParseLimits::default()).expect("parses").len(), 4);
    }

    #[test]
    fn rewrite_leaves_comments_out() {
        // Comments between and inside operations go; a % in a string, a hex string, a dictionary
        // or an inline image's data stays.
        let src: &[u8] =
            b"%head Quimby\nq 1 0 0 % mid Quimby\r1 0 0 cm (50% (a%b) \\) %) Tj <41> Tj\n\
            BI /W 1 /H 1 /BPC 8 /CS /G ID %\nEI /P <</MCID 0>> BDC EMC Q % tail";
        let o = parse(src, &ParseLimits::default()).expect("parses");
        let mut rep = BTreeMap::new();
        rep.insert(o.len() - 1, b"Q".to_vec());
        let out = rewrite(src, &o, &rep);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "\nq 1 0 0 \r1 0 0 cm (50% (a%b) \\) %) Tj <41> Tj\n\
             BI /W 1 /H 1 /BPC 8 /CS /G ID %\nEI /P <</MCID 0>> BDC EMC Q "
        );
        let again = parse(&out, &ParseLimits::default()).expect("parses");
        assert_eq!(again.len(), o.len());
    }

    #[test]
    fn joins_streams_cut_inside_a_string_or_between_tokens() {
        // Cut inside a string: continued with nothing between.
        let j = join_streams(&[b"BT /F1 24 Tf (Pot", b"ato) Tj ET"]);
        let o = parse(&j, &ParseLimits::default()).expect("parses");
        assert_eq!(o[2].operands[0], Operand::Str(b"Potato".to_vec()));
        // Cut between a TJ array and its operator, and between two operators with no white space.
        let j = join_streams(&[b"BT [(a) 5 (b)]", b"TJ ET Q", b"q"]);
        let o = parse(&j, &ParseLimits::default()).expect("parses");
        let names: Vec<_> = o.iter().map(|o| o.operator.to_vec()).collect();
        assert_eq!(
            names,
            [
                b"BT".to_vec(),
                b"TJ".to_vec(),
                b"ET".to_vec(),
                b"Q".to_vec(),
                b"q".to_vec()
            ]
        );
        // A comment at the end of a stream ends there; an escaped parenthesis does not close a string;
        // a hex string and a dictionary start are told apart.
        let j = join_streams(&[b"% note", b"(a\\)) <</MCID 1>> <41", b"42> Tj"]);
        let o = parse(&j, &ParseLimits::default()).expect("parses");
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].operands[2], Operand::Str(b"AB".to_vec()));
        // Cut inside an inline image's data, which holds parentheses: continued as it is.
        let j = join_streams(&[b"q BI /W 2 /H 1 /BPC 8 /CS /G ID (\x00", b"\x01 EI", b"Q"]);
        let o = parse(&j, &ParseLimits::default()).expect("parses");
        assert_eq!(
            &j[o[1].start..o[1].end],
            b"BI /W 2 /H 1 /BPC 8 /CS /G ID (\x00\x01 EI"
        );
        assert!(o[2].is("Q"));
    }

    #[test]
    fn salvage_drops_only_the_damaged_lines() {
        let lim = ParseLimits::default();
        let (s, n) = salvage(
            b"BT /F1 12 Tf (Kept) Tj\n(bad)) Tj\n(Also kept) Tj ET\n[ /oops\n",
            &lim,
        )
        .expect("salvaged");
        assert_eq!(n, 2);
        let o = parse(&s, &lim).expect("parses");
        let strings: Vec<_> = o
            .iter()
            .filter(|o| o.is("Tj"))
            .map(|o| o.operands[0].clone())
            .collect();
        assert_eq!(
            strings,
            [
                Operand::Str(b"Kept".to_vec()),
                Operand::Str(b"Also kept".to_vec())
            ]
        );
        // A stream that parses is not "salvaged"; one mostly garbage is not either.
        assert!(salvage(b"BT (a) Tj ET", &lim).is_none());
        assert!(salvage(b"(a) Tj\n)\n)\n)\n)\n)\n)\n)\n)\n)\n)\n)\n)\n", &lim).is_none());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(b"-.5"), Some(-0.5));
        assert_eq!(parse_number(b"+4."), Some(4.0));
        assert_eq!(parse_number(b"1.2.3"), None);
        assert_eq!(fmt_num(-2556.0), "-2556");
        assert_eq!(fmt_num(12.34567), "12.3457");
    }
}
