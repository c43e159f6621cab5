//! HTTP/1.x transactions of one connection: requests and responses read from each direction,
//! bodies skipped by their length, pipelined ones paired in order, as rows of the http log.
//! After a gap the direction waits for a segment that starts a new message.

use std::collections::VecDeque;

use super::logs::{Cell, Log};
use super::stream::Piece;
use super::Emit;
use crate::wire::http::{self, BodyLength, BodyReader, Head, Request, Response};

/// Requests waiting for their response at most; beyond, the oldest is written unanswered.
const MAX_PENDING: usize = 32;

/// What a direction is reading.
#[derive(Debug)]
enum Reading {
    /// A message head, its bytes so far.
    Head(Vec<u8>),
    /// A body.
    Body(BodyReader),
    /// Lost after a gap: waiting for a message to start.
    Lost,
    /// Not HTTP any more (an upgrade, a CONNECT tunnel, or bytes that are no message).
    Done,
}

/// A request with what is known of its response.
#[derive(Debug)]
struct Transaction {
    ts: i64,
    depth: u64,
    request: Option<Request>,
    request_body: u64,
    response: Option<Response>,
    response_body: u64,
    /// The last interim (1xx) response: code and message.
    info: Option<(u16, String)>,
}

/// One connection's HTTP state.
#[derive(Debug)]
pub struct HttpFlow {
    /// The direction requests come from.
    client: usize,
    reading: [Reading; 2],
    /// Requests in order; the front one is the one the next response answers.
    transactions: VecDeque<Transaction>,
    /// The response being read, when its body is not finished yet.
    responding: Option<Transaction>,
    /// The request whose body is being read.
    requesting: Option<usize>,
    depth: u64,
    /// The connection became a tunnel (CONNECT, or an upgrade): what follows is another
    /// protocol.
    tunnel: bool,
}

impl HttpFlow {
    /// A connection whose requests come from `client`.
    pub fn new(client: usize) -> HttpFlow {
        HttpFlow {
            client,
            reading: [Reading::Head(Vec::new()), Reading::Head(Vec::new())],
            transactions: VecDeque::new(),
            responding: None,
            requesting: None,
            depth: 0,
            tunnel: false,
        }
    }

    /// Reads the next piece of direction `dir`, seen at `ts`; returns whether anything more is
    /// worth reading.
    pub fn piece(&mut self, dir: usize, ts: i64, piece: Piece<'_>, emit: &mut Emit<'_>) -> bool {
        match piece {
            Piece::Gap(n) => self.gap(dir, n),
            Piece::Data(mut bytes) => {
                // Each step consumes bytes or changes state; bounded by the bytes.
                while !bytes.is_empty() {
                    match self.step(dir, ts, bytes, emit) {
                        Some(used) => bytes = &bytes[used..],
                        None => break,
                    }
                }
            }
        }
        !self.reading.iter().all(|r| matches!(r, Reading::Done))
    }

    fn gap(&mut self, dir: usize, n: u32) {
        let skipped = match &mut self.reading[dir] {
            Reading::Body(body) => body.skip(u64::from(n)),
            Reading::Done => true,
            _ => false,
        };
        if !skipped {
            self.end_body(dir);
            self.reading[dir] = Reading::Lost;
        } else if matches!(&self.reading[dir], Reading::Body(b) if b.done()) {
            self.end_body(dir);
            self.reading[dir] = Reading::Head(Vec::new());
        }
    }

    /// Reads from the start of `bytes`; the bytes used, or `None` when the rest is not read.
    fn step(&mut self, dir: usize, ts: i64, bytes: &[u8], emit: &mut Emit<'_>) -> Option<usize> {
        match &mut self.reading[dir] {
            Reading::Done => None,
            Reading::Lost => {
                let starts = if dir == self.client {
                    http::looks_like_request(bytes)
                } else {
                    http::looks_like_response(bytes)
                };
                if !starts {
                    return None;
                }
                self.reading[dir] = Reading::Head(Vec::new());
                Some(0)
            }
            Reading::Body(body) => {
                let used = body.feed(bytes);
                if body.done() {
                    self.end_body(dir);
                    self.reading[dir] = Reading::Head(Vec::new());
                    self.flush_answered(emit);
                }
                if used == 0 && matches!(self.reading[dir], Reading::Body(_)) {
                    // A reader that takes nothing of a non-empty input is broken.
                    self.end_body(dir);
                    self.reading[dir] = Reading::Lost;
                }
                Some(used)
            }
            Reading::Head(buffered) => {
                let before = buffered.len();
                let take = bytes
                    .len()
                    .min(http::MAX_HEAD.saturating_sub(before).max(1));
                buffered.extend_from_slice(&bytes[..take]);
                let head = std::mem::take(buffered);
                let used = self.head(dir, ts, &head, emit);
                match used {
                    Some(n) => Some(n.saturating_sub(before).min(take)),
                    None => {
                        if let Reading::Head(b) = &mut self.reading[dir] {
                            *b = head;
                        }
                        Some(take)
                    }
                }
            }
        }
    }

    /// Reads a head from `buf`; the bytes of it the head took, or `None` when it is not whole
    /// yet.
    fn head(&mut self, dir: usize, ts: i64, buf: &[u8], emit: &mut Emit<'_>) -> Option<usize> {
        if dir == self.client {
            match http::parse_request_head(buf) {
                Head::Incomplete => None,
                Head::Invalid => {
                    self.reading[dir] = Reading::Lost;
                    Some(buf.len())
                }
                Head::Complete(req, used) => {
                    let body = req.body;
                    let connect = req.method.eq_ignore_ascii_case("CONNECT");
                    self.request(ts, req, emit);
                    self.start_body(dir, body, connect);
                    Some(used)
                }
            }
        } else {
            let method = self
                .transactions
                .iter()
                .find(|t| t.response.is_none())
                .and_then(|t| t.request.as_ref())
                .map(|r| r.method.clone());
            match http::parse_response_head(buf, method.as_deref()) {
                Head::Incomplete => None,
                Head::Invalid => {
                    self.reading[dir] = Reading::Lost;
                    Some(buf.len())
                }
                Head::Complete(resp, used) => {
                    let body = resp.body;
                    let code = resp.status_code;
                    let switched = code == 101
                        || (method
                            .as_deref()
                            .is_some_and(|m| m.eq_ignore_ascii_case("CONNECT"))
                            && (200..300).contains(&code));
                    self.response(ts, resp, emit);
                    if switched {
                        self.tunnel = true;
                        self.reading = [Reading::Done, Reading::Done];
                    } else {
                        self.start_body(dir, body, false);
                    }
                    Some(used)
                }
            }
        }
    }

    fn request(&mut self, ts: i64, req: Request, emit: &mut Emit<'_>) {
        if self.transactions.len() == MAX_PENDING {
            if let Some(t) = self.transactions.pop_front() {
                emit.row(row(t));
            }
            self.requesting = None;
        }
        self.depth += 1;
        self.transactions.push_back(Transaction {
            ts,
            depth: self.depth,
            request: Some(req),
            request_body: 0,
            response: None,
            response_body: 0,
            info: None,
        });
        self.requesting = Some(self.transactions.len() - 1);
    }

    fn response(&mut self, ts: i64, resp: Response, emit: &mut Emit<'_>) {
        if let Some(done) = self.responding.take() {
            emit.row(row(done));
        }
        // An interim response (100 Continue) answers nothing: it is noted on its request.
        if (100..200).contains(&resp.status_code) && resp.status_code != 101 {
            if let Some(t) = self.transactions.front_mut() {
                t.info = Some((resp.status_code, resp.status_msg));
            }
            return;
        }
        let t = match self.transactions.pop_front() {
            Some(mut t) => {
                t.response = Some(resp);
                t
            }
            None => {
                self.depth += 1;
                Transaction {
                    ts,
                    depth: self.depth,
                    request: None,
                    request_body: 0,
                    response: Some(resp),
                    response_body: 0,
                    info: None,
                }
            }
        };
        self.requesting = self.requesting.and_then(|i| i.checked_sub(1));
        self.responding = Some(t);
    }

    fn start_body(&mut self, dir: usize, len: BodyLength, tunnel: bool) {
        if tunnel && dir == self.client {
            self.reading[dir] = Reading::Head(Vec::new());
            return;
        }
        self.reading[dir] = match len {
            BodyLength::None => {
                self.end_body(dir);
                Reading::Head(Vec::new())
            }
            len => Reading::Body(BodyReader::new(len)),
        };
    }

    /// Notes the body length of the message direction `dir` was reading.
    fn end_body(&mut self, dir: usize) {
        let Reading::Body(body) = &self.reading[dir] else {
            return;
        };
        let len = body.body_len();
        if dir == self.client {
            if let Some(t) = self.requesting.and_then(|i| self.transactions.get_mut(i)) {
                t.request_body = len;
            }
        } else if let Some(t) = self.responding.as_mut() {
            t.response_body = len;
        }
    }

    /// Writes the transaction whose response is complete.
    fn flush_answered(&mut self, emit: &mut Emit<'_>) {
        if matches!(self.reading[1 - self.client], Reading::Head(_)) {
            if let Some(t) = self.responding.take() {
                emit.row(row(t));
            }
        }
    }

    /// Whether the connection became a tunnel.
    pub fn tunnelled(&self) -> bool {
        self.tunnel
    }

    /// Writes every transaction still open.
    pub fn finish(mut self, emit: &mut Emit<'_>) {
        self.end_body(self.client);
        self.end_body(1 - self.client);
        if let Some(t) = self.responding.take() {
            emit.row(row(t));
        }
        for t in self.transactions.drain(..) {
            emit.row(row(t));
        }
    }
}

fn row(t: Transaction) -> (Log, i64, Vec<Cell>) {
    let req = t.request.as_ref();
    let resp = t.response.as_ref();
    let cells = vec![
        Cell::Count(t.depth),
        Cell::text(req.map(|r| r.method.clone())),
        Cell::text(req.and_then(|r| r.host.clone())),
        Cell::text(req.map(|r| r.uri.clone())),
        Cell::text(req.and_then(|r| r.referrer.clone())),
        Cell::text(
            req.map(|r| r.version.clone())
                .or_else(|| resp.map(|r| r.version.clone())),
        ),
        Cell::text(req.and_then(|r| r.user_agent.clone())),
        Cell::Count(t.request_body),
        Cell::Count(t.response_body),
        resp.map_or(Cell::Empty, |r| Cell::Count(u64::from(r.status_code))),
        Cell::text(resp.map(|r| r.status_msg.clone())),
        t.info
            .as_ref()
            .map_or(Cell::Empty, |(code, _)| Cell::Count(u64::from(*code))),
        Cell::text(t.info.map(|(_, msg)| msg)),
    ];
    (Log::Http, t.ts, cells)
}

/// The row of an HTTP message carried whole in one UDP datagram (SSDP's discovery), when
/// `data` is one.
pub fn datagram_row(ts: i64, data: &[u8]) -> Option<(Log, i64, Vec<Cell>)> {
    let mut t = Transaction {
        ts,
        depth: 1,
        request: None,
        request_body: 0,
        response: None,
        response_body: 0,
        info: None,
    };
    if let Head::Complete(req, _) = http::parse_request_head(data) {
        t.request = Some(req);
    } else if let Head::Complete(resp, _) = http::parse_response_head(data, None) {
        t.response = Some(resp);
    } else {
        return None;
    }
    Some(row(t))
}
