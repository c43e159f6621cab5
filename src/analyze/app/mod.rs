//! The application layer: which services each flow speaks, found from its payload (signatures
//! on the first bytes of each direction, confirmed by parsing, as Zeek's dynamic protocol
//! detection does; never from the port alone), and the logs of the protocols it parses: DNS,
//! TLS, QUIC, HTTP and SSH ([`logs`]).
//!
//! Each packet's flow event carries where its payload lies ([`PayloadRef`]); the shard that
//! holds the flow hands the payloads, in record order, to the flow's [`Session`] while it
//! updates the flow, until the flow is done; the session puts TCP segments back in order
//! ([`stream`]), detects the service and parses. A session that has nothing more to learn is
//! dropped, its services kept in the flow's partial; the others are finished with their flow
//! (finished early beyond the flow limit, or at the end of the run), writing their last rows.
//!
//! What a flow costs is bounded: a session holds at most a few KB per direction (detection
//! heads, one HTTP head, the TLS handshake message being read, held-back segments), and only
//! while it is detecting or parsing.

mod dns;
mod http;
pub mod logs;
mod payloads;
mod quic;
mod service;
mod ssh;
mod stream;
mod tls;

pub use logs::{Cell, Log, LogRow};
pub use payloads::{PayloadRef, Payloads, Reassembled, ShardBytes};
pub use service::{Service, Services};

use super::flow_record::{originator, FlowId};
use super::flows::{FlowEvent, FlowKey, FlowPartial, Segment};
use super::shards::Table;
use crate::decode::ip_proto;
use crate::wire;
use stream::{Piece, Stream};

/// Bytes of each direction's start kept for detection.
const DETECT_BYTES: usize = 2048;

/// Payloads of each direction looked at before a flow is declared to speak nothing known.
const DETECT_PAYLOADS: u16 = 8;

/// Datagrams this short (keep-alives such as SIP's `hello`) do not spend the detection budget,
/// up to this many times it.
const KEEPALIVE_BYTES: usize = 16;
const KEEPALIVE_BUDGETS: u16 = 8;

/// Where a session's rows go, made with its flow's identity.
pub struct Emit<'a> {
    rows: &'a mut Vec<LogRow>,
    key: &'a FlowKey,
    partial: &'a FlowPartial,
    id: &'a mut Option<FlowId>,
}

impl Emit<'_> {
    /// Writes a row of `log` at `ts` with `cells`.
    pub fn row(&mut self, (log, ts_ns, cells): (Log, i64, Vec<Cell>)) {
        let flow = self
            .id
            .get_or_insert_with(|| FlowId::of(self.key, self.partial))
            .clone();
        self.rows.push(LogRow {
            log,
            ts_ns,
            flow,
            cells,
        });
    }
}

/// What a session is doing.
#[derive(Debug)]
enum State {
    /// Looking for the service: the first bytes of each direction.
    Detect {
        heads: [Vec<u8>; 2],
        first: Option<usize>,
        /// Bytes of each direction past its head, not kept: a gap when the head is replayed.
        dropped: [u32; 2],
    },
    Dns(dns::DnsFlow),
    Tls(Box<tls::TlsFlow>),
    Quic(Box<quic::QuicFlow>),
    Http(Box<http::HttpFlow>),
    Ssh(Box<ssh::SshFlow>),
    /// A cleartext protocol that can turn into another: STARTTLS (`tunnel` false: only TLS
    /// may follow), or a tunnel (SOCKS, HTTP CONNECT: any protocol may). Each new piece is
    /// looked at as the start of a new stream, a bounded number of them.
    Watch {
        tunnel: bool,
        left: [u8; 2],
    },
    /// HTTP messages in UDP datagrams (SSDP).
    Httpu,
    /// Nothing more to learn.
    Done,
}

/// Pieces of each direction a watched connection is looked at for what follows.
const WATCH_PIECES: u8 = 16;

/// One flow's application-layer state.
#[derive(Debug)]
pub struct Session {
    ts: i64,
    streams: Option<Box<[Stream; 2]>>,
    state: State,
    payloads: [u16; 2],
    services: Services,
    id: Option<FlowId>,
}

impl Session {
    fn new(ts: i64, tcp: bool) -> Session {
        Session {
            ts,
            streams: tcp.then(|| Box::new([Stream::default(), Stream::default()])),
            state: State::Detect {
                heads: [Vec::new(), Vec::new()],
                first: None,
                dropped: [0; 2],
            },
            payloads: [0; 2],
            services: Services::NONE,
            id: None,
        }
    }

    /// Whether the session has nothing more to learn.
    fn done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// The session's state as the parsers read it, writing rows for flow `key` (partial `p`) to
    /// `rows`; and its TCP streams, apart, so that they can feed it.
    fn parsing<'a>(
        &'a mut self,
        key: &'a FlowKey,
        p: &'a FlowPartial,
        rows: &'a mut Vec<LogRow>,
        spare: &'a mut SpareHeads,
    ) -> (Parsing<'a, 'a>, &'a mut Option<Box<[Stream; 2]>>) {
        let Session {
            ts: first_ts,
            streams,
            state,
            payloads,
            services,
            id,
        } = self;
        let flow = Parsing {
            state,
            services,
            key,
            p,
            first_ts: *first_ts,
            payloads: *payloads,
            spare,
            emit: Emit {
                rows,
                key,
                partial: p,
                id,
            },
        };
        (flow, streams)
    }

    /// Reads the payload `data` of packet `e` of flow `key`, whose partial is `p`.
    fn add(
        &mut self,
        e: &Segment,
        data: &[u8],
        key: &FlowKey,
        p: &FlowPartial,
        rows: &mut Vec<LogRow>,
        spare: &mut SpareHeads,
    ) {
        let dir = usize::from(e.dir);
        self.payloads[dir] = self.payloads[dir].saturating_add(1);
        let (mut flow, streams) = self.parsing(key, p, rows, spare);
        match streams {
            None => flow.datagram(e.ts, dir, data),
            Some(streams) => streams[dir].add(e.tcp_seq, e.payload_len, data, &mut |piece| {
                flow.segment(e.ts, dir, piece)
            }),
        }
    }

    /// Ends the session: what it holds becomes rows; returns the services found.
    fn finish(
        mut self,
        key: &FlowKey,
        p: &FlowPartial,
        rows: &mut Vec<LogRow>,
        spare: &mut SpareHeads,
    ) -> Services {
        let (mut flow, streams) = self.parsing(key, p, rows, spare);
        if let Some(streams) = streams.as_mut() {
            for (dir, stream) in streams.iter_mut().enumerate() {
                stream.flush(&mut |piece| flow.segment(p.last_ts, dir, piece));
            }
        }
        flow.finish_state();
        self.services
    }
}

/// A session's state with what it needs to read a payload.
struct Parsing<'a, 'r> {
    state: &'a mut State,
    services: &'a mut Services,
    key: &'a FlowKey,
    p: &'a FlowPartial,
    /// Time of the session's first payload.
    first_ts: i64,
    /// Payloads read per direction.
    payloads: [u16; 2],
    spare: &'a mut SpareHeads,
    emit: Emit<'r>,
}

/// Detection heads that are done with, kept for the next sessions: most are a first segment,
/// too large for the allocator's fast path.
#[derive(Debug, Default)]
pub struct SpareHeads(Vec<Vec<u8>>);

impl SpareHeads {
    /// Heads kept at most.
    const MAX: usize = 64;

    fn take(&mut self) -> Vec<u8> {
        self.0.pop().unwrap_or_default()
    }

    fn give(&mut self, heads: [Vec<u8>; 2]) {
        for mut head in heads {
            if head.capacity() > 0 && self.0.len() < Self::MAX {
                head.clear();
                self.0.push(head);
            }
        }
    }
}

impl Parsing<'_, '_> {
    /// Ends the protocol's state, writing its rows.
    fn finish_state(&mut self) {
        match std::mem::replace(self.state, State::Done) {
            State::Dns(d) => d.finish(&mut self.emit),
            State::Tls(t) => {
                if t.has_hello() {
                    self.services.insert(Service::Ssl);
                }
                t.finish(&mut self.emit);
            }
            State::Quic(q) => q.finish(&mut self.emit),
            State::Http(h) => h.finish(&mut self.emit),
            State::Ssh(s) => s.finish(&mut self.emit),
            State::Detect { heads, .. } => {
                self.settle(&heads);
                self.spare.give(heads);
            }
            State::Watch { .. } | State::Httpu | State::Done => {}
        }
    }

    /// The ports of a payload sent in direction `dir`: (source, destination).
    fn ports(&self, dir: usize) -> (u16, u16) {
        let (lo, hi) = (self.key.lo().1, self.key.hi().1);
        if dir == 0 {
            (lo, hi)
        } else {
            (hi, lo)
        }
    }

    /// Reads one UDP datagram sent in direction `dir` at `ts`.
    fn datagram(&mut self, ts: i64, dir: usize, data: &[u8]) {
        match self.state {
            State::Dns(d) => return d.datagram(ts, data, &mut self.emit),
            State::Quic(q) => {
                if !q.datagram(dir, data) {
                    self.finish_state();
                }
                return;
            }
            State::Httpu => {
                if let Some(row) = http::datagram_row(ts, data) {
                    self.emit.row(row);
                }
                return;
            }
            State::Detect { .. } => {}
            _ => return,
        }
        let (sport, dport) = self.ports(dir);
        let has_port = |port: u16| sport == port || dport == port;
        if let Some(q) = quic::QuicFlow::start(ts, dir, data) {
            self.services.insert(Service::Quic);
            *self.state = State::Quic(Box::new(q));
            return;
        }
        // Google QUIC before IETF QUIC: a plaintext CHLO names the service (its log is Zeek's
        // quic.log, which has no Google QUIC rows either).
        if wire::quic::gquic_chlo(data).is_some_and(|(_, message)| message.starts_with(b"CHLO")) {
            self.services.insert(Service::Quic);
            *self.state = State::Done;
            return;
        }
        // Port 53 first: a client's ephemeral port may happen to be 5353 or 5355.
        let dns_family = if has_port(53) {
            Some(Service::Dns)
        } else if has_port(5353) {
            Some(Service::Mdns)
        } else if has_port(5355) {
            Some(Service::Llmnr)
        } else {
            None
        };
        if let Some(service) = dns_family.filter(|_| is_dns(data, false)) {
            return self.start_dns(service, ts, data);
        }
        if let Some(service) =
            wire::probe::udp(data, sport, dport).and_then(|s| Service::from_name(s.zeek_name()))
        {
            self.services.insert(service);
            *self.state = State::Done;
            return;
        }
        if is_dns(data, true) {
            return self.start_dns(Service::Dns, ts, data);
        }
        if wire::http::looks_like_request(data) || wire::http::looks_like_response(data) {
            if let Some(row) = http::datagram_row(ts, data) {
                self.services.insert(Service::Ssdp);
                self.emit.row(row);
                *self.state = State::Httpu;
                return;
            }
        }
        let seen = self.payloads.iter().sum::<u16>();
        let keepalive = data.len() < KEEPALIVE_BYTES && seen < DETECT_PAYLOADS * KEEPALIVE_BUDGETS;
        if seen >= DETECT_PAYLOADS && !keepalive {
            *self.state = State::Done;
        }
    }

    fn start_dns(&mut self, service: Service, ts: i64, data: &[u8]) {
        self.services.insert(service);
        let mut d = dns::DnsFlow::default();
        d.datagram(ts, data, &mut self.emit);
        *self.state = State::Dns(d);
    }

    /// Reads the next piece of direction `dir` of a TCP connection, seen at `ts`.
    fn segment(&mut self, ts: i64, dir: usize, piece: Piece<'_>) {
        let more = match self.state {
            State::Done => return,
            State::Detect {
                heads,
                first,
                dropped,
            } => {
                if let (Piece::Data(b), None) = (piece, *first) {
                    if let Some(n) = wire::proxy::header_len(b) {
                        // A load balancer's PROXY header: the client's own bytes follow it.
                        let rest = &b[n..];
                        if !rest.is_empty() {
                            self.segment(ts, dir, Piece::Data(rest));
                        }
                        return;
                    }
                }
                if let Piece::Data(b) = piece {
                    if heads[dir].is_empty() {
                        // A direction's first bytes are read in place, beside what the other
                        // has sent: most tell their protocol, and then nothing is copied.
                        return self.detect_first(ts, dir, b);
                    }
                    if b.first() == Some(&22) && wire::tls::looks_like_client_hello(b) {
                        // TLS after a cleartext negotiation that asked for it (Gnutella's and
                        // HTTP's `Upgrade: TLS`, NoMachine's banners): the handshake is read.
                        let heads = std::mem::take(heads);
                        self.spare.give(heads);
                        *self.state = self.start(Detected::Tls);
                        return self.segment(ts, dir, piece);
                    }
                    // A head is the start of its direction: once bytes are dropped, the rest
                    // are too.
                    let head = &mut heads[dir];
                    let room = match dropped[dir] {
                        0 => DETECT_BYTES.saturating_sub(head.len()),
                        _ => 0,
                    };
                    let kept = b.len().min(room);
                    head.extend_from_slice(&b[..kept]);
                    dropped[dir] = dropped[dir].saturating_add(len_u32(b.len() - kept));
                } else if let Piece::Gap(n) = piece {
                    dropped[dir] = dropped[dir].saturating_add(n);
                }
                first.get_or_insert(dir);
                let heads = std::mem::take(heads);
                let first = first.unwrap_or(dir);
                let dropped = *dropped;
                return self.detect(ts, dir, piece, heads, first, dropped);
            }
            State::Dns(d) => {
                if let Piece::Data(b) = piece {
                    d.stream(dir, ts, b, &mut self.emit);
                }
                true
            }
            State::Tls(t) => {
                let more = t.piece(dir, piece);
                if t.has_hello() {
                    self.services.insert(Service::Ssl);
                }
                more
            }
            State::Http(h) => {
                let more = h.piece(dir, ts, piece, &mut self.emit);
                if !more && h.tunnelled() {
                    self.finish_state();
                    *self.state = State::Watch {
                        tunnel: true,
                        left: [WATCH_PIECES; 2],
                    };
                    return;
                }
                more
            }
            State::Ssh(s) => s.piece(dir, piece),
            State::Watch { tunnel, left } => {
                let Piece::Data(b) = piece else {
                    return;
                };
                left[dir] = left[dir].saturating_sub(1);
                let tunnel = *tunnel;
                let spent = left.iter().all(|&n| n == 0);
                let mut heads: [&[u8]; 2] = [&[], &[]];
                heads[dir] = b;
                match detect_tcp(self.key, self.p, &heads) {
                    Detection::Found(found @ Detected::Tls) => {
                        *self.state = self.start(found);
                        self.segment(ts, dir, Piece::Data(b));
                    }
                    Detection::Found(found @ (Detected::Http { .. } | Detected::Ssh)) if tunnel => {
                        *self.state = self.start(found);
                        self.segment(ts, dir, Piece::Data(b));
                    }
                    _ if spent => *self.state = State::Done,
                    _ => {}
                }
                return;
            }
            State::Quic(_) | State::Httpu => false,
        };
        if !more {
            self.finish_state();
        }
    }

    /// Looks for the service in `b`, the first bytes of direction `dir`, and what the other
    /// direction has sent; keeps the start of `b` when that cannot tell yet.
    fn detect_first(&mut self, ts: i64, dir: usize, b: &[u8]) {
        let State::Detect {
            heads,
            first,
            dropped,
        } = self.state
        else {
            return;
        };
        let mut view: [&[u8]; 2] = [&heads[0], &heads[1]];
        view[dir] = b;
        match detect_tcp(self.key, self.p, &view) {
            Detection::Found(found) => {
                let heads = std::mem::take(heads);
                let dropped = *dropped;
                *self.state = self.start(found);
                self.replay(ts, 1 - dir, &heads[1 - dir], dropped[1 - dir]);
                self.segment(ts, dir, Piece::Data(b));
                self.spare.give(heads);
            }
            Detection::Never => self.end_detection(),
            Detection::Undecided => {
                if heads[dir].capacity() == 0 {
                    heads[dir] = self.spare.take();
                }
                let kept = b.len().min(DETECT_BYTES);
                heads[dir].extend_from_slice(&b[..kept]);
                dropped[dir] = dropped[dir].saturating_add(len_u32(b.len() - kept));
                first.get_or_insert(dir);
                let spent = (0..2)
                    .all(|d| heads[d].len() >= DETECT_BYTES || self.payloads[d] >= DETECT_PAYLOADS);
                if spent {
                    self.end_detection();
                }
            }
        }
    }

    /// Ends a detection that found nothing.
    fn end_detection(&mut self) {
        if let State::Detect { heads, .. } = std::mem::replace(self.state, State::Done) {
            self.settle(&heads);
            self.undetected(heads);
        }
    }

    /// Takes what the heads of a TCP detection prove when no more bytes will be read.
    fn settle(&mut self, heads: &[Vec<u8>; 2]) {
        if self.key.proto != ip_proto::TCP {
            return;
        }
        let (o, _) = originator(self.key, self.p);
        if let Some(s) = wire::probe::tcp_settled(&heads[o], &heads[1 - o]) {
            if let Some(s) = Service::from_name(s.zeek_name()) {
                self.services.insert(s);
            }
        }
    }

    /// What follows a detection that found nothing in `heads`, which are kept for other
    /// sessions: a cleartext negotiation may still turn into TLS, so its later pieces are
    /// watched; other bytes are done with.
    fn undetected(&mut self, heads: [Vec<u8>; 2]) {
        if heads.iter().any(|h| looks_like_text(h)) {
            *self.state = State::Watch {
                tunnel: false,
                left: [WATCH_PIECES; 2],
            };
        } else {
            *self.state = State::Done;
        }
        self.spare.give(heads);
    }

    /// Looks for the service in the heads; once found, the parser reads them.
    fn detect(
        &mut self,
        ts: i64,
        dir: usize,
        piece: Piece<'_>,
        heads: [Vec<u8>; 2],
        first: usize,
        dropped: [u32; 2],
    ) {
        let found = match detect_tcp(self.key, self.p, &[&heads[0], &heads[1]]) {
            Detection::Found(found) => Some(found),
            Detection::Never => return self.undetected(heads),
            Detection::Undecided => None,
        };
        let Some(found) = found else {
            let spent = (0..2)
                .all(|d| heads[d].len() >= DETECT_BYTES || self.payloads[d] >= DETECT_PAYLOADS);
            let blind = matches!(piece, Piece::Gap(_)) && heads[dir].is_empty();
            if blind {
                *self.state = State::Done;
                self.spare.give(heads);
            } else if spent {
                self.undetected(heads);
            } else {
                *self.state = State::Detect {
                    heads,
                    first: Some(first),
                    dropped,
                };
            }
            return;
        };
        *self.state = self.start(found);
        for d in [first, 1 - first] {
            self.replay(ts, d, &heads[d], dropped[d]);
        }
        self.spare.give(heads);
    }

    /// Gives the parser a direction's head and then the bytes dropped after it, as a gap.
    fn replay(&mut self, ts: i64, dir: usize, head: &[u8], dropped: u32) {
        if !head.is_empty() {
            self.segment(ts, dir, Piece::Data(head));
        }
        if dropped > 0 {
            self.segment(ts, dir, Piece::Gap(dropped));
        }
    }

    /// The state that parses what was detected.
    fn start(&mut self, found: Detected) -> State {
        let (o, _) = originator(self.key, self.p);
        match found {
            Detected::Tls => State::Tls(Box::new(tls::TlsFlow::new(self.first_ts))),
            Detected::TlsRecords => {
                self.services.insert(Service::Ssl);
                State::Tls(Box::new(tls::TlsFlow::new(self.first_ts)))
            }
            Detected::Ssh => {
                self.services.insert(Service::Ssh);
                State::Ssh(Box::new(ssh::SshFlow::new(self.first_ts, o)))
            }
            Detected::Http { client } => {
                self.services.insert(Service::Http);
                State::Http(Box::new(http::HttpFlow::new(client)))
            }
            Detected::Dns => {
                self.services.insert(Service::Dns);
                State::Dns(dns::DnsFlow::default())
            }
            Detected::Other(s) => {
                self.services.insert(s);
                match s {
                    Service::Smtp
                    | Service::Imap
                    | Service::Pop3
                    | Service::Ftp
                    | Service::Mysql
                    | Service::Postgresql
                    | Service::Ldap
                    | Service::Irc
                    | Service::Rdp
                    | Service::Xmpp => State::Watch {
                        tunnel: false,
                        left: [WATCH_PIECES; 2],
                    },
                    Service::Socks => State::Watch {
                        tunnel: true,
                        left: [WATCH_PIECES; 2],
                    },
                    _ => State::Done,
                }
            }
        }
    }
}

/// A length as a stream counts it.
fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether `head`, the first bytes of a direction, reads as text: a banner or a command line.
fn looks_like_text(head: &[u8]) -> bool {
    let start = &head[..head.len().min(32)];
    start.len() >= 4
        && start
            .iter()
            .all(|&c| c.is_ascii_graphic() || matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether `head`, the first bytes of a direction, is a run of TLS records: each header
/// plausible (a content type, version 3.x, a length a record may have), the last possibly cut.
fn tls_records(head: &[u8]) -> bool {
    let mut at = 0;
    let mut records = 0;
    while let Some(h) = head.get(at..at + 5) {
        let len = usize::from(u16::from_be_bytes([h[3], h[4]]));
        if !(20..=24).contains(&h[0]) || h[1] != 3 || h[2] > 4 || len == 0 || len > 18 * 1024 {
            return false;
        }
        records += 1;
        at += 5 + len;
    }
    records > 0 && (at >= head.len() || head.len() - at < 5)
}

/// Whether `data` is a DNS message; `strict`: off the DNS ports, only a message that parses
/// whole with a question.
fn is_dns(data: &[u8], strict: bool) -> bool {
    // On DNS's own ports a message cut short (a first fragment, a snapshot length) or with
    // binary labels (legal: RFC 2181 §11) is still DNS; elsewhere the stricter signature.
    let plausible = if strict {
        wire::dns::looks_like(data)
    } else {
        wire::dns::looks_like(data) || wire::dns::header_looks_like(data)
    };
    if !plausible {
        return false;
    }
    match wire::dns::parse(data) {
        Ok(m) => !strict || (m.malformed.is_none() && !m.questions.is_empty()),
        Err(_) => false,
    }
}

/// What a TCP connection's first bytes are.
enum Detected {
    Tls,
    /// TLS by the shape of its records, without a ClientHello to start with.
    TlsRecords,
    Ssh,
    Http {
        client: usize,
    },
    Dns,
    Other(Service),
}

/// What the first bytes of both directions tell.
enum Detection {
    Found(Detected),
    /// More bytes could still tell.
    Undecided,
    /// Both directions have sent enough to rule out every protocol known here, and more bytes
    /// cannot change that: every check looks at the start of a direction.
    Never,
}

/// Bytes a direction's head needs before its start can rule protocols out.
const DECIDING_BYTES: usize = 24;

/// Looks for the service in the first bytes of a connection's directions (`heads`).
fn detect_tcp(key: &FlowKey, p: &FlowPartial, heads: &[&[u8]; 2]) -> Detection {
    use Detection::Found;
    let (o, _) = originator(key, p);
    for d in [o, 1 - o] {
        let h = heads[d];
        if h.is_empty() {
            continue;
        }
        if wire::tls::looks_like_client_hello(h) {
            return Found(Detected::Tls);
        }
        if wire::ssh::looks_like_banner(h) {
            return Found(Detected::Ssh);
        }
        if wire::http::looks_like_request(h) {
            return Found(Detected::Http { client: d });
        }
    }
    let resp = heads[1 - o];
    if wire::http::looks_like_response(resp) {
        return Found(Detected::Http { client: o });
    }
    // A handshake record first in a direction without a ClientHello: a server that speaks
    // first, or a capture that missed the client's side; TLS by its records, and its
    // handshake is read.
    if heads
        .iter()
        .any(|h| h.first() == Some(&22) && wire::tls::looks_like_record(h))
    {
        return Found(Detected::TlsRecords);
    }
    if wire::tls::looks_like_record(resp) && heads[o].is_empty() {
        // Another record (an alert, application data): a connection seen after its handshake.
        return Found(Detected::Other(Service::Ssl));
    }
    // A connection seen after its handshake: records only, on both sides that sent.
    let mut sent = heads.iter().filter(|h| !h.is_empty()).peekable();
    if sent.peek().is_some() && sent.all(|h| tls_records(h)) {
        return Found(Detected::Other(Service::Ssl));
    }
    let ends = [key.lo().1, key.hi().1];
    let (orig_port, resp_port) = (ends[o], ends[1 - o]);
    if orig_port == 53 || resp_port == 53 {
        let h = if heads[o].is_empty() { resp } else { heads[o] };
        if h.len() > 2 && is_dns(&h[2..], false) {
            return Found(Detected::Dns);
        }
    }
    match wire::probe::tcp(heads[o], resp, orig_port, resp_port) {
        wire::probe::Verdict::Is(s) => match Service::from_name(s.zeek_name()) {
            Some(s) => Found(Detected::Other(s)),
            None => Detection::Undecided,
        },
        wire::probe::Verdict::No if heads.iter().all(|h| h.len() >= DECIDING_BYTES) => {
            Detection::Never
        }
        _ => Detection::Undecided,
    }
}

/// The sessions of one shard's flows, each found by the index its flow's partial holds
/// ([`FlowPartial::session`]): the merge reaches a flow's session through the flow it is
/// updating, with no lookup of its own.
#[derive(Debug, Default)]
pub struct Sessions {
    slots: Vec<Option<Session>>,
    free: Vec<u32>,
    spare: SpareHeads,
}

impl Sessions {
    /// Adds `session`; returns the id its flow keeps (never 0).
    fn insert(&mut self, session: Session) -> u32 {
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize - 1] = Some(session);
                id
            }
            None => {
                self.slots.push(Some(session));
                self.slots.len() as u32
            }
        }
    }

    /// The session `id`, and the heads sessions share.
    fn get_mut(&mut self, id: u32) -> Option<(&mut Session, &mut SpareHeads)> {
        let session = self
            .slots
            .get_mut((id as usize).checked_sub(1)?)?
            .as_mut()?;
        Some((session, &mut self.spare))
    }

    /// Takes out the session `id`, freeing its place.
    fn take(&mut self, id: u32) -> Option<Session> {
        let session = self.slots.get_mut((id as usize).checked_sub(1)?)?.take()?;
        self.free.push(id);
        Some(session)
    }

    /// Sessions held.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads the payload `data` of flow event `e` into the session of its flow, whose partial `p`
/// the event has just updated; starts the session at the flow's first payload, and ends it
/// once it has nothing more to learn.
#[inline]
pub(super) fn read_payload(
    sessions: &mut Sessions,
    p: &mut FlowPartial,
    e: &FlowEvent,
    data: &[u8],
    rows: &mut Vec<LogRow>,
) {
    if p.app_done() || data.is_empty() {
        return;
    }
    if p.session == 0 {
        p.session = sessions.insert(Session::new(e.segment.ts, e.key.proto == ip_proto::TCP));
    }
    let id = p.session;
    let Some((session, spare)) = sessions.get_mut(id) else {
        return;
    };
    session.add(&e.segment, data, &e.key, p, rows, spare);
    p.services = p.services.union(session.services);
    if session.done() {
        if let Some(s) = sessions.take(id) {
            p.services = p
                .services
                .union(s.finish(&e.key, p, rows, &mut sessions.spare));
        }
        p.session = 0;
        p.set_app_done();
    }
}

/// Finishes the sessions of `finished` flows (taken out of the flow table), setting their
/// services.
pub(super) fn finish_flows(
    finished: &mut [(FlowKey, FlowPartial)],
    sessions: &mut Sessions,
    rows: &mut Vec<LogRow>,
) {
    if sessions.is_empty() {
        return;
    }
    for (key, p) in finished.iter_mut() {
        if let Some(s) = sessions.take(std::mem::take(&mut p.session)) {
            p.services = p
                .services
                .union(s.finish(key, p, rows, &mut sessions.spare));
        }
    }
}

/// Finishes every session of the flows still open, at the end of the run.
pub(super) fn finish_all(
    flows: &mut Table<FlowKey, FlowPartial>,
    sessions: &mut Sessions,
    rows: &mut Vec<LogRow>,
) {
    if sessions.is_empty() {
        return;
    }
    for (key, p) in flows.iter_mut() {
        if let Some(s) = sessions.take(std::mem::take(&mut p.session)) {
            p.services = p
                .services
                .union(s.finish(key, p, rows, &mut sessions.spare));
        }
    }
}
