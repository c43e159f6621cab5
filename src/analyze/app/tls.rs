//! A TLS connection's handshake as the tls log sees it: the client's ClientHello (server name,
//! ALPN, JA3, JA4), the server's ServerHello (version, cipher, JA3S) and whether the session
//! was established, read from each direction's records.

use super::logs::{Cell, Log};
use super::stream::Piece;
use super::Emit;
use crate::wire::tls::{self, ClientHello, ServerHello, StreamWalker, Transport};

/// Bytes of each direction read at most: the handshake is in the first few KB.
const MAX_BYTES: u64 = 64 * 1024;

const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;

/// One connection's TLS state.
#[derive(Debug)]
pub struct TlsFlow {
    ts: i64,
    walkers: [StreamWalker; 2],
    /// Bytes read per direction.
    read: [u64; 2],
    /// A gap cut the direction's records: nothing more can be read from it.
    lost: [bool; 2],
    /// The direction that sent the ClientHello.
    client: Option<usize>,
    client_hello: Option<Box<ClientHello>>,
    server_hello: Option<Box<ServerHello>>,
}

impl TlsFlow {
    /// A connection whose first bytes were seen at `ts`.
    pub fn new(ts: i64) -> TlsFlow {
        TlsFlow {
            ts,
            walkers: [StreamWalker::new(), StreamWalker::new()],
            read: [0; 2],
            lost: [false; 2],
            client: None,
            client_hello: None,
            server_hello: None,
        }
    }

    /// Reads the next piece of direction `dir`; returns whether anything more is worth reading.
    pub fn piece(&mut self, dir: usize, piece: Piece<'_>) -> bool {
        match piece {
            Piece::Gap(_) => self.lost[dir] = true,
            Piece::Data(bytes) if !self.lost[dir] && self.read[dir] < MAX_BYTES => {
                self.read[dir] += bytes.len() as u64;
                let mut hellos: Vec<(u8, Vec<u8>)> = Vec::new();
                self.walkers[dir].feed(bytes, &mut |kind, body: &[u8]| {
                    if kind == CLIENT_HELLO || kind == SERVER_HELLO {
                        hellos.push((kind, body.to_vec()));
                    }
                });
                for (kind, body) in hellos {
                    self.hello(dir, kind, &body);
                }
            }
            Piece::Data(_) => {}
        }
        !self.complete()
    }

    fn hello(&mut self, dir: usize, kind: u8, body: &[u8]) {
        if kind == CLIENT_HELLO && self.client_hello.is_none() {
            if let Ok(ch) = tls::parse_client_hello(body) {
                self.client = Some(dir);
                self.client_hello = Some(Box::new(ch));
            }
        } else if kind == SERVER_HELLO && self.server_hello.is_none() {
            if let Ok(sh) = tls::parse_server_hello(body) {
                self.client.get_or_insert(1 - dir);
                self.server_hello = Some(Box::new(sh));
            }
        }
    }

    /// Whether both directions went past the handshake into encrypted records.
    fn established(&self) -> bool {
        self.server_hello.is_some()
            && self
                .walkers
                .iter()
                .all(|w| w.saw_change_cipher_spec() || w.application_data_records() > 0)
    }

    /// Whether the row can be written now: everything it shows has been seen.
    fn complete(&self) -> bool {
        let exhausted = (0..2).all(|d| self.lost[d] || self.read[d] >= MAX_BYTES);
        (self.client_hello.is_some() && self.established()) || exhausted
    }

    /// Whether a ClientHello or a ServerHello was read: the connection speaks TLS.
    pub fn has_hello(&self) -> bool {
        self.client_hello.is_some() || self.server_hello.is_some()
    }

    /// Writes the connection's row, when it had a ClientHello or a ServerHello (as Zeek's
    /// ssl.log, one a connection; with only the server's side captured, the client's columns
    /// are empty).
    pub fn finish(self, emit: &mut Emit<'_>) {
        let established = self.established();
        if !self.has_hello() {
            return;
        }
        let ch = self.client_hello.as_deref();
        let sh = self.server_hello.as_deref();
        let version = sh.map(|s| s.selected_version.unwrap_or(s.legacy_version));
        let cells = vec![
            Cell::text(version.map(tls::version_name)),
            Cell::text(sh.map(|s| {
                tls::cipher_name(s.cipher_suite)
                    .map_or_else(|| format!("unknown-{}", s.cipher_suite), str::to_string)
            })),
            Cell::text(ch.and_then(|c| c.server_name.clone())),
            Cell::text(sh.and_then(|s| s.alpn.clone())),
            Cell::text(ch.map(|c| tls::version_name(c.legacy_version))),
            Cell::List(ch.map(|c| c.alpn.clone()).unwrap_or_default()),
            Cell::text(ch.map(tls::ja3)),
            Cell::text(sh.map(tls::ja3s)),
            Cell::text(ch.map(|c| tls::ja4(c, Transport::Tcp))),
            Cell::Bool(established),
        ];
        emit.row((Log::Tls, self.ts, cells));
    }
}
