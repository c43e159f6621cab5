//! HTTP/1.x message heads (RFC 9112 message syntax, RFC 9110 semantics).
//!
//! A message head is the start line (request line or status line) and the header fields, through
//! the empty line that ends them. [`parse_request_head`] and [`parse_response_head`] take the
//! in-order bytes of one direction of a connection from the start of a message and return the
//! fields Zeek logs (method, target, version, host, referrer, user agent; status code and
//! reason) with the length of the body that follows ([`BodyLength`], RFC 9112 §6.3).
//! [`BodyReader`] skips that body as it arrives in pieces so the next pipelined message can be
//! found, counting its entity bytes.
//!
//! Parsing is lax where RFC 9112 lets a recipient be: bare LF line endings, empty lines before a
//! request line (§2.2), whitespace runs between the request line's words (§3), obs-fold
//! continuation lines (§5.2, joined with one space), header lines without a colon (ignored).
//! Every string is copied out of the head, which is at most [`MAX_HEAD`] bytes, so no allocation
//! grows beyond it.

/// Bytes a head may take, from the first byte through its empty line: a head not complete within
/// this many bytes is [`Head::Invalid`] (Zeek's "headers without end").
pub const MAX_HEAD: usize = 16 * 1024;

/// Bytes a chunk-size line (size, extensions, CR LF) may take before the body is malformed.
const MAX_CHUNK_LINE: usize = 4096;

/// Hex digits a chunk size may have: 16 fill a `u64`.
const MAX_CHUNK_DIGITS: u8 = 16;

/// Request methods [`looks_like_request`] recognises, each with the space that must follow it:
/// RFC 9110's, and the WebDAV and other ones Zeek's HTTP signature and nDPI accept, with SSDP's
/// M-SEARCH, CalDAV's MKCALENDAR, BIND (RFC 5842) and QUERY (which Zeek logs).
const METHODS: [&[u8]; 46] = [
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"CONNECT ",
    b"TRACE ",
    b"PATCH ",
    b"PROPFIND ",
    b"PROPPATCH ",
    b"MKCOL ",
    b"COPY ",
    b"MOVE ",
    b"LOCK ",
    b"UNLOCK ",
    b"VERSION-CONTROL ",
    b"REPORT ",
    b"CHECKOUT ",
    b"CHECKIN ",
    b"UNCHECKOUT ",
    b"MKWORKSPACE ",
    b"UPDATE ",
    b"LABEL ",
    b"MERGE ",
    b"BASELINE-CONTROL ",
    b"MKACTIVITY ",
    b"ORDERPATCH ",
    b"ACL ",
    b"SEARCH ",
    b"BCOPY ",
    b"BDELETE ",
    b"BMOVE ",
    b"BPROPFIND ",
    b"BPROPPATCH ",
    b"NOTIFY ",
    b"POLL ",
    b"SUBSCRIBE ",
    b"UNSUBSCRIBE ",
    b"X-MS-ENUMATTS ",
    b"RPC_IN_DATA ",
    b"RPC_OUT_DATA ",
    b"M-SEARCH ",
    b"MKCALENDAR ",
    b"BIND ",
    b"QUERY ",
];

/// What a head parser found at the start of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head<T> {
    /// A whole head, and its bytes from the first through the empty line that ends it.
    Complete(T, usize),
    /// The bytes so far are a head's beginning; more are needed.
    Incomplete,
    /// The bytes are not a head of this kind, or it is not complete within [`MAX_HEAD`].
    Invalid,
}

/// An HTTP request's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, as sent (methods are case-sensitive).
    pub method: String,
    /// The request target as it appears in the request line.
    pub uri: String,
    /// The version as Zeek writes it: `"1.1"`, `"1.0"`.
    pub version: String,
    /// The first Host field's value.
    pub host: Option<String>,
    /// The first Referer field's value.
    pub referrer: Option<String>,
    /// The first User-Agent field's value.
    pub user_agent: Option<String>,
    /// How the body after the head ends.
    pub body: BodyLength,
}

/// An HTTP response's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The version as Zeek writes it: `"1.1"`, `"1.0"`.
    pub version: String,
    /// The three-digit status code.
    pub status_code: u16,
    /// The reason phrase, possibly empty.
    pub status_msg: String,
    /// How the body after the head ends.
    pub body: BodyLength,
}

/// How a message's body ends (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLength {
    /// There is no body: the next message follows the head.
    None,
    /// Content-Length gives the body's bytes.
    Length(u64),
    /// The body is in chunks (Transfer-Encoding ends with `chunked`).
    Chunked,
    /// The body runs to the end of the connection: a response without a length, or a message
    /// whose framing cannot be trusted (a Transfer-Encoding not ending in `chunked`, an invalid
    /// or conflicting Content-Length), after which no further message can be found.
    UntilClose,
}

/// Whether `b` starts like a request line: a known method, one or more spaces, and a visible
/// character starting the request target.
pub fn looks_like_request(b: &[u8]) -> bool {
    if !b.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    METHODS.iter().any(|m| {
        b.strip_prefix(*m).is_some_and(|target| {
            target
                .iter()
                .find(|&&c| c != b' ')
                .is_some_and(u8::is_ascii_graphic)
        })
    })
}

/// Whether `b` starts like a status line: `HTTP/1.x NNN`.
pub fn looks_like_response(b: &[u8]) -> bool {
    match b.get(..12) {
        Some([b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor, b' ', code @ ..]) => {
            minor.is_ascii_digit() && code.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// Parses the request head at the start of `b`.
pub fn parse_request_head(b: &[u8]) -> Head<Request> {
    let Some(start) = skip_empty_lines(b) else {
        return incomplete_or_invalid(b);
    };
    let Some(line_end) = line_end(b, start) else {
        return if could_be_request_line(&b[start..]) {
            incomplete_or_invalid(b)
        } else {
            Head::Invalid
        };
    };
    let Some(line) = request_line(trim_cr(&b[start..line_end - 1])) else {
        return Head::Invalid;
    };
    let (fields, end) = match fields(b, line_end) {
        Head::Complete(fields, end) => (fields, end),
        Head::Incomplete => return Head::Incomplete,
        Head::Invalid => return Head::Invalid,
    };
    let (major, minor) = line.version;
    let request = Request {
        method: text(line.method),
        uri: text(line.uri),
        version: version_text(major, minor),
        body: fields.request_body(),
        host: fields.host.map(|v| text(&v)),
        referrer: fields.referrer.map(|v| text(&v)),
        user_agent: fields.user_agent.map(|v| text(&v)),
    };
    Head::Complete(request, end)
}

/// Parses the response head at the start of `b`; `request_method` is the method of the request it
/// answers, if known, which decides whether a body follows (RFC 9112 §6.3: none after HEAD, nor
/// after a 2xx to CONNECT).
pub fn parse_response_head(b: &[u8], request_method: Option<&str>) -> Head<Response> {
    let Some(line_end) = line_end(b, 0) else {
        return if looks_like_response_prefix(b) {
            incomplete_or_invalid(b)
        } else {
            Head::Invalid
        };
    };
    let Some((major, minor, status_code, status_msg)) = status_line(trim_cr(&b[..line_end - 1]))
    else {
        return Head::Invalid;
    };
    let (fields, end) = match fields(b, line_end) {
        Head::Complete(fields, end) => (fields, end),
        Head::Incomplete => return Head::Incomplete,
        Head::Invalid => return Head::Invalid,
    };
    Head::Complete(
        Response {
            version: version_text(major, minor),
            status_code,
            status_msg: text(status_msg),
            body: fields.response_body(status_code, request_method),
        },
        end,
    )
}

/// Where the first line after any empty lines starts, if `b` holds that line's first byte within
/// [`MAX_HEAD`].
fn skip_empty_lines(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at < MAX_HEAD {
        match b.get(at..)? {
            [b'\n', ..] => at += 1,
            [b'\r', b'\n', ..] => at += 2,
            [b'\r'] | [] => return None,
            _ => return Some(at),
        }
    }
    None
}

/// The offset just past the LF ending the line that starts at `start`, if within [`MAX_HEAD`].
fn line_end(b: &[u8], start: usize) -> Option<usize> {
    let window = b.get(start..b.len().min(MAX_HEAD))?;
    window
        .iter()
        .position(|&c| c == b'\n')
        .map(|i| start + i + 1)
}

/// [`Head::Incomplete`], or [`Head::Invalid`] once `b` holds [`MAX_HEAD`] bytes without a whole
/// head.
fn incomplete_or_invalid<T>(b: &[u8]) -> Head<T> {
    if b.len() >= MAX_HEAD {
        Head::Invalid
    } else {
        Head::Incomplete
    }
}

/// Whether `b`, shorter than a status line's first line, could still become one.
fn looks_like_response_prefix(b: &[u8]) -> bool {
    let n = b.len().min(5);
    b[..n] == b"HTTP/"[..n]
}

/// `line` without one trailing CR.
fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `b` without leading and trailing spaces and tabs (RFC 9110's OWS).
fn trim_ows(b: &[u8]) -> &[u8] {
    let is_ows = |c: &u8| *c == b' ' || *c == b'\t';
    let start = b.iter().position(|c| !is_ows(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_ows(c)).map_or(start, |i| i + 1);
    &b[start..end]
}

/// Text of header bytes: not UTF-8 is replaced, as the fields are for display.
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `"1.1"` for version 1.1.
fn version_text(major: u8, minor: u8) -> String {
    format!("{major}.{minor}")
}

/// RFC 9110's tchar: the characters of a token such as a method.
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// `HTTP/d.d` as (major, minor).
fn version(b: &[u8]) -> Option<(u8, u8)> {
    match b {
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            Some((major - b'0', minor - b'0'))
        }
        _ => None,
    }
}

/// A request line's words.
struct RequestLine<'a> {
    method: &'a [u8],
    uri: &'a [u8],
    version: (u8, u8),
}

/// Splits a request line on whitespace (RFC 9112 §3 lets a recipient), so that a target holding
/// spaces is still whole.
fn request_line(line: &[u8]) -> Option<RequestLine<'_>> {
    let line = line.trim_ascii();
    let method_end = line.iter().position(u8::is_ascii_whitespace)?;
    let method = &line[..method_end];
    if !method.iter().all(|&c| is_tchar(c)) {
        return None;
    }
    let rest = line[method_end..].trim_ascii();
    let version_start = rest.iter().rposition(u8::is_ascii_whitespace)?;
    let version = version(&rest[version_start + 1..])?;
    let uri = rest[..version_start].trim_ascii();
    if uri.is_empty() {
        return None;
    }
    Some(RequestLine {
        method,
        uri,
        version,
    })
}

/// Whether a request line's first bytes, before its LF has come, could start a request: a method
/// token, then anything.
fn could_be_request_line(b: &[u8]) -> bool {
    let method_end = b
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(b.len());
    b[..method_end].iter().all(|&c| is_tchar(c))
}

/// A status line's version, status code and reason phrase.
fn status_line(line: &[u8]) -> Option<(u8, u8, u16, &[u8])> {
    let (major, minor) = version(line.get(..8)?)?;
    let rest = line.get(8..)?;
    let rest = rest.strip_prefix(b" ")?.trim_ascii_start();
    let (code, reason) = rest.split_at_checked(3)?;
    if !code.iter().all(u8::is_ascii_digit)
        || reason.first().is_some_and(|c| !c.is_ascii_whitespace())
    {
        return None;
    }
    let status_code = code.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    Some((major, minor, status_code, reason.trim_ascii()))
}

/// The header fields a head's parser keeps, with their raw values.
#[derive(Default)]
struct Fields {
    host: Option<Vec<u8>>,
    referrer: Option<Vec<u8>>,
    user_agent: Option<Vec<u8>>,
    /// Every Content-Length value, joined with commas.
    content_length: Option<Vec<u8>>,
    /// Every Transfer-Encoding value, joined with commas.
    transfer_encoding: Option<Vec<u8>>,
}

/// Which kept field a header line was, so that an obs-fold continuation line can extend it.
#[derive(Clone, Copy)]
enum Kept {
    Host,
    Referrer,
    UserAgent,
    ContentLength,
    TransferEncoding,
}

impl Fields {
    fn value(&mut self, kept: Kept) -> &mut Option<Vec<u8>> {
        match kept {
            Kept::Host => &mut self.host,
            Kept::Referrer => &mut self.referrer,
            Kept::UserAgent => &mut self.user_agent,
            Kept::ContentLength => &mut self.content_length,
            Kept::TransferEncoding => &mut self.transfer_encoding,
        }
    }

    /// Takes one field line; returns the field that a continuation line would extend.
    fn add(&mut self, name: &[u8], value: &[u8]) -> Option<Kept> {
        let kept = match name {
            n if n.eq_ignore_ascii_case(b"host") => Kept::Host,
            n if n.eq_ignore_ascii_case(b"referer") => Kept::Referrer,
            n if n.eq_ignore_ascii_case(b"user-agent") => Kept::UserAgent,
            n if n.eq_ignore_ascii_case(b"content-length") => Kept::ContentLength,
            n if n.eq_ignore_ascii_case(b"transfer-encoding") => Kept::TransferEncoding,
            _ => return None,
        };
        let list = matches!(kept, Kept::ContentLength | Kept::TransferEncoding);
        match self.value(kept) {
            Some(v) if list => {
                v.push(b',');
                v.extend_from_slice(value);
            }
            // A repeated singleton: the first one counts.
            Some(_) => return None,
            slot @ None => *slot = Some(value.to_vec()),
        }
        Some(kept)
    }

    /// Extends the value of `kept` with an obs-fold continuation line.
    fn fold(&mut self, kept: Kept, more: &[u8]) {
        if let Some(v) = self.value(kept) {
            if !more.is_empty() {
                v.push(b' ');
                v.extend_from_slice(more);
            }
        }
    }

    /// How the body ends by Transfer-Encoding and Content-Length (RFC 9112 §6.3 rules 3 to 5),
    /// if either is present.
    fn framed_body(&self) -> Option<BodyLength> {
        if let Some(te) = self.transfer_encoding.as_deref() {
            let last = te
                .split(|&c| c == b',')
                .map(trim_ows)
                .rfind(|c| !c.is_empty())
                .unwrap_or_default();
            return Some(if last.eq_ignore_ascii_case(b"chunked") {
                BodyLength::Chunked
            } else {
                BodyLength::UntilClose
            });
        }
        let content_length = self.content_length.as_deref()?;
        let mut values = content_length
            .split(|&c| c == b',')
            .map(trim_ows)
            .filter(|n| !n.is_empty())
            .map(decimal);
        Some(match values.next().flatten() {
            Some(n) if values.all(|m| m == Some(n)) => BodyLength::Length(n),
            _ => BodyLength::UntilClose,
        })
    }

    fn request_body(&self) -> BodyLength {
        self.framed_body().unwrap_or(BodyLength::None)
    }

    fn response_body(&self, status_code: u16, request_method: Option<&str>) -> BodyLength {
        let bodiless = matches!(status_code, 100..=199 | 204 | 304)
            || request_method == Some("HEAD")
            || (request_method == Some("CONNECT") && (200..300).contains(&status_code));
        if bodiless {
            return BodyLength::None;
        }
        self.framed_body().unwrap_or(BodyLength::UntilClose)
    }
}

/// A decimal number of one or more digits that fits a `u64`.
fn decimal(b: &[u8]) -> Option<u64> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0u64, |n, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// The header fields from `start` through the empty line, and the offset past it.
fn fields(b: &[u8], start: usize) -> Head<Fields> {
    let mut fields = Fields::default();
    let mut last = None;
    let mut at = start;
    loop {
        let Some(end) = line_end(b, at) else {
            return incomplete_or_invalid(b);
        };
        let line = trim_cr(&b[at..end - 1]);
        at = end;
        match line {
            [] => return Head::Complete(fields, at),
            [b' ' | b'\t', ..] => {
                if let Some(kept) = last {
                    fields.fold(kept, trim_ows(line));
                }
            }
            _ => {
                last = line
                    .iter()
                    .position(|&c| c == b':')
                    .and_then(|colon| fields.add(&line[..colon], trim_ows(&line[colon + 1..])));
            }
        }
    }
}

/// Skips one message body fed in pieces, counting its length as Zeek's `request_body_len` and
/// `response_body_len` do: the entity bytes, which for a chunked body are the chunks' data without
/// the chunk framing.
#[derive(Debug, Clone)]
pub struct BodyReader {
    state: State,
    body_len: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Done,
    Remaining(u64),
    UntilClose,
    /// In a chunk-size line: the size so far, its digits, and the line's bytes so far.
    ChunkSize {
        size: u64,
        digits: u8,
        line: usize,
    },
    /// After the chunk size, in its extensions or CR, until the LF.
    ChunkExt {
        size: u64,
        line: usize,
    },
    ChunkData(u64),
    /// After a chunk's data, before the CR LF that ends it; whether the CR was seen.
    ChunkEnd {
        cr: bool,
    },
    /// In the trailer section after the last chunk: whether at a line's start, and its bytes so
    /// far.
    Trailer {
        line_start: bool,
        len: usize,
    },
    /// The chunk framing is broken: the rest of the connection is taken as the body's.
    Malformed,
}

impl BodyReader {
    /// A reader for a body of `len`.
    pub fn new(len: BodyLength) -> Self {
        let state = match len {
            BodyLength::None | BodyLength::Length(0) => State::Done,
            BodyLength::Length(n) => State::Remaining(n),
            BodyLength::Chunked => State::ChunkSize {
                size: 0,
                digits: 0,
                line: 0,
            },
            BodyLength::UntilClose => State::UntilClose,
        };
        BodyReader { state, body_len: 0 }
    }

    /// Takes the next bytes of the connection and returns how many belong to the body: all of
    /// them unless the body ends within `b`, when the rest is the next message's.
    pub fn feed(&mut self, b: &[u8]) -> usize {
        let mut at = 0;
        while let Some(rest) = b.get(at..).filter(|rest| !rest.is_empty()) {
            match self.state {
                State::Done => break,
                State::Remaining(n) => {
                    let left = self.take(n, rest, &mut at);
                    self.state = if left == 0 {
                        State::Done
                    } else {
                        State::Remaining(left)
                    };
                }
                State::ChunkData(n) => {
                    let left = self.take(n, rest, &mut at);
                    self.state = if left == 0 {
                        State::ChunkEnd { cr: false }
                    } else {
                        State::ChunkData(left)
                    };
                }
                State::UntilClose => {
                    self.take(u64::MAX, rest, &mut at);
                }
                State::Malformed => at = b.len(),
                _ => {
                    self.state = self.chunk_framing(rest[0]);
                    at += 1;
                }
            }
        }
        at
    }

    /// Counts up to `n` bytes of `rest` as the body's, moves `at` past them, and returns how many
    /// of the `n` are left.
    fn take(&mut self, n: u64, rest: &[u8], at: &mut usize) -> u64 {
        let take = n.min(rest.len() as u64);
        *at += take as usize;
        self.body_len = self.body_len.saturating_add(take);
        n - take
    }

    /// The state after one byte of chunk framing.
    fn chunk_framing(&self, c: u8) -> State {
        match self.state {
            State::ChunkSize { digits: 0, .. } if c == b'\n' => State::Malformed,
            State::ChunkSize { size, .. } | State::ChunkExt { size, .. } if c == b'\n' => {
                if size == 0 {
                    State::Trailer {
                        line_start: true,
                        len: 0,
                    }
                } else {
                    State::ChunkData(size)
                }
            }
            State::ChunkSize { size, digits, line } => {
                let line = line + 1;
                if line > MAX_CHUNK_LINE {
                    return State::Malformed;
                }
                match (c as char).to_digit(16) {
                    Some(d) if digits < MAX_CHUNK_DIGITS => State::ChunkSize {
                        size: size << 4 | u64::from(d),
                        digits: digits + 1,
                        line,
                    },
                    Some(_) => State::Malformed,
                    None if digits > 0 && matches!(c, b';' | b' ' | b'\t' | b'\r') => {
                        State::ChunkExt { size, line }
                    }
                    None => State::Malformed,
                }
            }
            State::ChunkExt { size, line } => {
                if line + 1 > MAX_CHUNK_LINE {
                    State::Malformed
                } else {
                    State::ChunkExt {
                        size,
                        line: line + 1,
                    }
                }
            }
            State::ChunkEnd { cr } => match c {
                b'\n' => State::ChunkSize {
                    size: 0,
                    digits: 0,
                    line: 0,
                },
                b'\r' if !cr => State::ChunkEnd { cr: true },
                _ => State::Malformed,
            },
            State::Trailer { line_start, len } => {
                let len = len + 1;
                match c {
                    b'\n' if line_start => State::Done,
                    _ if len > MAX_HEAD => State::Malformed,
                    b'\n' => State::Trailer {
                        line_start: true,
                        len,
                    },
                    b'\r' => State::Trailer { line_start, len },
                    _ => State::Trailer {
                        line_start: false,
                        len,
                    },
                }
            }
            state => state,
        }
    }

    /// Whether the body has ended (never, for a body that runs until the connection closes).
    pub fn done(&self) -> bool {
        self.state == State::Done
    }

    /// Whether the chunk framing was broken, so that the body cannot end and no later message can
    /// be found.
    pub fn malformed(&self) -> bool {
        self.state == State::Malformed
    }

    /// The body's entity bytes so far.
    pub fn body_len(&self) -> u64 {
        self.body_len
    }

    /// Skips `n` bytes of the body that were not seen; whether the body goes on past them
    /// (a length or connection close delimits it still; a chunk's framing would be lost).
    pub fn skip(&mut self, n: u64) -> bool {
        match self.state {
            State::Remaining(left) if n <= left => {
                self.body_len += n;
                self.state = if n == left {
                    State::Done
                } else {
                    State::Remaining(left - n)
                };
                true
            }
            State::ChunkData(left) if n < left => {
                self.body_len += n;
                self.state = State::ChunkData(left - n);
                true
            }
            State::UntilClose => {
                self.body_len += n;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A request of the corpus's conncheck.pcap (frame 6).
    static GENERATE_204: &[u8] = b"GET /generate_204 HTTP/1.1\r\n\
        Connection: close\r\n\
        User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.32 Safari/537.36\r\n\
        Host: www.google.eu\r\n\
        Accept-Encoding: gzip\r\n\
        \r\n";

    /// Its response's head (frame 8), and the body's first bytes.
    static FOUND: &[u8] = b"HTTP/1.1 302 Found\r\n\
        Server: ntopng 6.1.240606 (x86_64)\r\n\
        Expires: 0\r\n\
        Cache-Control: no-store, no-cache, must-revalidate\r\n\
        Pragma: no-cache\r\n\
        Content-Type: text/html; charset=UTF-8\r\n\
        Content-Length: 553\r\n\
        Location: https://portal.seafy.com/landing/?referer=www.google.eu%2Fgenerate_204\r\n\
        \r\n\
        <HTML>\n";

    /// A chunked response of dotenv.pcap (frame 6), followed by the next message's first bytes.
    static CHUNKED: &[u8] = b"HTTP/1.1 406 Not Acceptable\r\n\
        Server: openresty\r\n\
        Date: Wed, 03 Apr 2024 13:07:05 GMT\r\n\
        Content-Type: application/octet-stream\r\n\
        Transfer-Encoding: chunked\r\n\
        Connection: keep-alive\r\n\
        \r\n\
        29\r\n\
        Not Acceptable - block_uri_equal : /.env\n\
        \r\n\
        0\r\n\
        \r\n\
        HTTP/1.1";

    /// A CONNECT of http_connect.pcap (frame 4) and its answer (frame 11).
    static CONNECT: &[u8] = b"CONNECT apache.org:443 HTTP/1.1\r\n\
        User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:92.0) Gecko/20100101 Firefox/92.0\r\n\
        Proxy-Connection: keep-alive\r\n\
        Connection: keep-alive\r\n\
        Host: apache.org:443\r\n\
        \r\n";
    static ESTABLISHED: &[u8] =
        b"HTTP/1.0 200 Connection Established\r\nProxy-agent: Apache/2.4.41 (Ubuntu)\r\n\r\n";

    fn request(b: &[u8]) -> (Request, usize) {
        match parse_request_head(b) {
            Head::Complete(r, n) => (r, n),
            other => panic!("not a complete request: {other:?}"),
        }
    }

    fn response(b: &[u8], method: Option<&str>) -> (Response, usize) {
        match parse_response_head(b, method) {
            Head::Complete(r, n) => (r, n),
            other => panic!("not a complete response: {other:?}"),
        }
    }

    #[test]
    fn deconstruct_request() {
        let (r, n) = request(GENERATE_204);
        assert_eq!(n, GENERATE_204.len());
        assert_eq!(
            (r.method.as_str(), r.uri.as_str()),
            ("GET", "/generate_204")
        );
        assert_eq!(r.version, "1.1");
        assert_eq!(r.host.as_deref(), Some("www.google.eu"));
        assert_eq!(r.referrer, None);
        let ua = r.user_agent.expect("a user agent");
        assert!(ua.starts_with("Mozilla/5.0 (X11;") && ua.ends_with("Safari/537.36"));
        assert_eq!(r.body, BodyLength::None);
        assert!(looks_like_request(GENERATE_204));
    }

    #[test]
    fn deconstruct_response() {
        let (r, n) = response(FOUND, Some("GET"));
        assert_eq!(&FOUND[n..], b"<HTML>\n");
        assert_eq!((r.version.as_str(), r.status_code), ("1.1", 302));
        assert_eq!(r.status_msg, "Found");
        assert_eq!(r.body, BodyLength::Length(553));
        assert!(looks_like_response(FOUND));
        // The same head answering HEAD has no body.
        assert_eq!(response(FOUND, Some("HEAD")).0.body, BodyLength::None);
    }

    #[test]
    fn chunked_body() {
        let (r, n) = response(CHUNKED, None);
        assert_eq!(
            (r.status_code, r.status_msg.as_str()),
            (406, "Not Acceptable")
        );
        assert_eq!(r.body, BodyLength::Chunked);
        let body = &CHUNKED[n..];
        let whole = body.len() - b"HTTP/1.1".len();
        // Byte by byte and all at once give the same end and length.
        let mut reader = BodyReader::new(r.body);
        let mut used = 0;
        for i in 0..body.len() {
            used += reader.feed(&body[i..=i]);
        }
        assert!(reader.done() && !reader.malformed());
        assert_eq!((used, reader.body_len()), (whole, 0x29));
        let mut reader = BodyReader::new(r.body);
        assert_eq!(reader.feed(body), whole);
        assert_eq!(reader.body_len(), 0x29);
        assert_eq!(reader.feed(b"more"), 0);
    }

    #[test]
    fn connect_tunnel() {
        let (r, _) = request(CONNECT);
        assert_eq!(
            (r.method.as_str(), r.uri.as_str()),
            ("CONNECT", "apache.org:443")
        );
        let (s, n) = response(ESTABLISHED, Some("CONNECT"));
        assert_eq!((s.version.as_str(), s.status_code), ("1.0", 200));
        assert_eq!(s.status_msg, "Connection Established");
        assert_eq!((s.body, n), (BodyLength::None, ESTABLISHED.len()));
        // Without the request, a response without a length runs to the close.
        assert_eq!(response(ESTABLISHED, None).0.body, BodyLength::UntilClose);
    }

    #[test]
    fn length_body_in_pieces() {
        let mut reader = BodyReader::new(BodyLength::Length(10));
        assert_eq!(reader.feed(b"0123"), 4);
        assert!(!reader.done());
        assert_eq!(reader.feed(b"456789GET /"), 6);
        assert!(reader.done());
        assert_eq!(reader.body_len(), 10);
        let mut until_close = BodyReader::new(BodyLength::UntilClose);
        assert_eq!(until_close.feed(b"abc"), 3);
        assert_eq!((until_close.done(), until_close.body_len()), (false, 3));
        assert!(BodyReader::new(BodyLength::None).done());
    }

    #[test]
    fn chunk_extensions_trailers_and_bare_lf() {
        let body = b"4;name=value\r\nWiki\n5\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\nNEXT";
        let mut reader = BodyReader::new(BodyLength::Chunked);
        assert_eq!(reader.feed(body), body.len() - 4);
        assert!(reader.done());
        assert_eq!(reader.body_len(), 4 + 5 + 14);
    }

    #[test]
    fn malformed_chunks() {
        for body in [
            &b"x\r\n"[..],
            b"\r\n",
            b"4\r\nWikiX\r\n",
            b"11111111111111111\r\n",
        ] {
            let mut reader = BodyReader::new(BodyLength::Chunked);
            assert_eq!(reader.feed(body), body.len());
            assert!(reader.malformed() && !reader.done(), "{body:?}");
        }
        let mut long_ext = BodyReader::new(BodyLength::Chunked);
        long_ext.feed(b"1;");
        long_ext.feed(&[b'a'; MAX_CHUNK_LINE]);
        assert!(long_ext.malformed());
        // The largest size that fits is not malformed.
        let mut big = BodyReader::new(BodyLength::Chunked);
        big.feed(b"ffffffffffffffff\r\nab");
        assert!(!big.malformed() && !big.done());
        assert_eq!(big.body_len(), 2);
    }

    #[test]
    fn lax_request_lines() {
        let (r, n) = request(b"\r\n\nGET   /a%20b  HTTP/1.0\nhOsT:wwww.lan:8080\n\nrest");
        assert_eq!((r.uri.as_str(), r.version.as_str()), ("/a%20b", "1.0"));
        assert_eq!(r.host.as_deref(), Some("wwww.lan:8080"));
        assert_eq!(n, 46);
        let (r, _) = request(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n");
        assert_eq!((r.method.as_str(), r.uri.as_str()), ("M-SEARCH", "*"));
    }

    #[test]
    fn folding_and_repeats() {
        let (r, _) = request(
            b"GET / HTTP/1.1\r\nHost: first\r\nUser-Agent: a\r\n \t b \r\nHost: second\r\n c\r\n\
              Referer: http://x/\r\nbogus line\r\n more\r\n\r\n",
        );
        assert_eq!(r.host.as_deref(), Some("first"));
        assert_eq!(r.user_agent.as_deref(), Some("a b"));
        assert_eq!(r.referrer.as_deref(), Some("http://x/"));
    }

    #[test]
    fn body_length_rules() {
        let body = |fields: &str| {
            let head = format!("POST / HTTP/1.1\r\n{fields}\r\n");
            request(head.as_bytes()).0.body
        };
        assert_eq!(body("Content-Length: 5\r\n"), BodyLength::Length(5));
        assert_eq!(
            body("Content-Length: 5, 5\r\nContent-Length: 5\r\n"),
            BodyLength::Length(5)
        );
        assert_eq!(
            body("Content-Length: 5\r\nContent-Length: 6\r\n"),
            BodyLength::UntilClose
        );
        assert_eq!(body("Content-Length: -1\r\n"), BodyLength::UntilClose);
        assert_eq!(
            body("Content-Length: 18446744073709551616\r\n"),
            BodyLength::UntilClose
        );
        assert_eq!(body("Content-Length: 007\r\n"), BodyLength::Length(7));
        assert_eq!(
            body("Transfer-Encoding: gzip, Chunked\r\nContent-Length: 5\r\n"),
            BodyLength::Chunked
        );
        assert_eq!(
            body("Transfer-Encoding: chunked\r\n gzip\r\n"),
            BodyLength::UntilClose
        );
        assert_eq!(
            body("Transfer-Encoding: chunked, gzip\r\n"),
            BodyLength::UntilClose
        );
        assert_eq!(body(""), BodyLength::None);
        let status = |code: u16, method| {
            let head = format!("HTTP/1.1 {code} X\r\nContent-Length: 3\r\n\r\n");
            response(head.as_bytes(), method).0.body
        };
        for code in [100, 101, 204, 304] {
            assert_eq!(status(code, Some("GET")), BodyLength::None, "{code}");
        }
        assert_eq!(status(200, Some("CONNECT")), BodyLength::None);
        assert_eq!(status(407, Some("CONNECT")), BodyLength::Length(3));
        assert_eq!(status(200, None), BodyLength::Length(3));
    }

    #[test]
    fn status_lines() {
        let (r, _) = response(b"HTTP/1.1 200\r\n\r\n", None);
        assert_eq!((r.status_code, r.status_msg.as_str()), (200, ""));
        for bad in [
            &b"HTTP/1.1 20\r\n\r\n"[..],
            b"HTTP/1.1 2000 OK\r\n\r\n",
            b"HTTP/11 200 OK\r\n\r\n",
            b"HTTP/1.1\r\n\r\n",
            b"SSH-2.0-OpenSSH\r\n",
        ] {
            assert_eq!(parse_response_head(bad, None), Head::Invalid, "{bad:?}");
        }
        assert!(!looks_like_response(b"HTTP/2 200"));
        assert!(!looks_like_response(b"HTTP/1.1 20"));
    }

    #[test]
    fn truncated_heads() {
        for n in 0..GENERATE_204.len() {
            assert_eq!(
                parse_request_head(&GENERATE_204[..n]),
                Head::Incomplete,
                "{n}"
            );
        }
        for n in 0..FOUND.len() - 7 {
            assert_eq!(
                parse_response_head(&FOUND[..n], None),
                Head::Incomplete,
                "{n}"
            );
        }
        assert_eq!(parse_response_head(b"HTTX", None), Head::Invalid);
    }

    #[test]
    fn head_without_end() {
        let mut b = b"GET / HTTP/1.1\r\n".to_vec();
        while b.len() < MAX_HEAD - 8 {
            b.extend_from_slice(b"X-A: b\r\n");
        }
        assert_eq!(parse_request_head(&b), Head::Incomplete);
        let mut ended = b.clone();
        ended.extend_from_slice(b"\r\n");
        assert!(matches!(parse_request_head(&ended), Head::Complete(_, n) if n == ended.len()));
        b.extend_from_slice(b"X-A: b\r\n\r\n");
        assert_eq!(parse_request_head(&b), Head::Invalid);
        let mut empty_lines = b"\r\n".repeat(MAX_HEAD / 2);
        empty_lines.extend_from_slice(GENERATE_204);
        assert_eq!(parse_request_head(&empty_lines), Head::Invalid);
        assert!(matches!(
            parse_request_head(&empty_lines[GENERATE_204.len() + 1..]),
            Head::Complete(..)
        ));
    }

    #[test]
    fn not_requests() {
        for bad in [
            &b"GET\r\n\r\n"[..],
            b"GET  \r\n\r\n",
            b"GET / HTTP/x.y\r\n\r\n",
            b"GET / b HTTP\r\n\r\n",
            b"GET /\r\nHost: x\r\n\r\n",
            b"RCPT To:<x@y.z>\r\n",
            b"G(T / HTTP/1.1\r\n\r\n",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n",
        ] {
            assert_eq!(parse_request_head(bad), Head::Invalid, "{bad:?}");
        }
        for bad in [
            &b"GET"[..],
            b"GET ",
            b"GET   ",
            b"GET \t/",
            b"get / HTTP/1.1",
            b"GETS /",
            b"\x16\x03",
        ] {
            assert!(!looks_like_request(bad), "{bad:?}");
        }
        assert!(looks_like_request(b"PROPFIND /dav"));
        assert!(looks_like_request(b"GET    /aaa"));
        assert!(looks_like_request(b"RPC_IN_DATA /rpc"));
    }

    proptest! {
        #[test]
        fn no_input_panics(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_request_head(&b);
            let _ = parse_response_head(&b, Some("HEAD"));
            let _ = looks_like_request(&b);
            let _ = looks_like_response(&b);
            for len in [BodyLength::Chunked, BodyLength::Length(7), BodyLength::UntilClose] {
                let mut reader = BodyReader::new(len);
                let used = reader.feed(&b);
                prop_assert!(used <= b.len());
                prop_assert!(used == b.len() || reader.done());
            }
        }

        #[test]
        fn mutations_do_not_panic(at in 0..CHUNKED.len(), byte in any::<u8>(), cut in 0..CHUNKED.len()) {
            let mut b = CHUNKED.to_vec();
            b[at] = byte;
            b.truncate(cut.max(at));
            if let Head::Complete(r, n) = parse_response_head(&b, None) {
                prop_assert!(n <= b.len());
                let mut reader = BodyReader::new(r.body);
                prop_assert!(reader.feed(&b[n..]) <= b.len() - n);
            }
            let mut request = GENERATE_204.to_vec();
            let i = at % request.len();
            request[i] = byte;
            if let Head::Complete(_, n) = parse_request_head(&request) {
                prop_assert!(n <= request.len());
            }
        }
    }
}
