//! A QUIC connection as the quic log sees it: the client's Initial packets decrypted (their keys
//! come from the connection ID the client chose, RFC 9001 §5.2), their CRYPTO frames put in
//! order, and the ClientHello they carry read for the server name, ALPN and JA4.

use super::logs::{Cell, Log};
use super::Emit;
use crate::wire::quic::{self, CryptoStream};
use crate::wire::tls::{self, Transport};

/// Client datagrams read at most for the ClientHello.
const MAX_DATAGRAMS: u8 = 8;

/// One connection's QUIC state.
#[derive(Debug)]
pub struct QuicFlow {
    ts: i64,
    version: u32,
    /// The client's direction.
    client: usize,
    /// The destination connection ID of the client's first Initial: the Initial keys' secret.
    original_dcid: Vec<u8>,
    crypto: CryptoStream,
    datagrams: u8,
    /// The row, once the ClientHello was read.
    row: Option<Vec<Cell>>,
}

impl QuicFlow {
    /// The connection whose client sent, at `ts` in direction `dir`, `datagram`; `None` when
    /// it holds no client Initial that decrypts.
    pub fn start(ts: i64, dir: usize, datagram: &[u8]) -> Option<QuicFlow> {
        let initials = quic::client_initials(datagram, None);
        let first = initials.first()?;
        let mut flow = QuicFlow {
            ts,
            version: first.version,
            client: dir,
            original_dcid: first.dcid.clone(),
            crypto: CryptoStream::new(),
            datagrams: 0,
            row: None,
        };
        flow.add(&initials);
        Some(flow)
    }

    /// Reads a datagram sent in direction `dir`; returns whether anything more is worth reading.
    pub fn datagram(&mut self, dir: usize, datagram: &[u8]) -> bool {
        if dir == self.client && self.row.is_none() && self.datagrams < MAX_DATAGRAMS {
            let initials = quic::client_initials(datagram, Some(&self.original_dcid));
            self.add(&initials);
        }
        self.row.is_none() && self.datagrams < MAX_DATAGRAMS
    }

    fn add(&mut self, initials: &[quic::Initial]) {
        self.datagrams = self.datagrams.saturating_add(1);
        for initial in initials {
            for (offset, data) in &initial.crypto {
                self.crypto.add(*offset, data);
            }
        }
        let hello = self.crypto.contiguous();
        let Some(header) = hello.get(..4) else { return };
        let len =
            (usize::from(header[1]) << 16) | (usize::from(header[2]) << 8) | usize::from(header[3]);
        let Some(body) = hello.get(4..4 + len) else {
            return;
        };
        if header[0] != 1 {
            self.datagrams = MAX_DATAGRAMS;
            return;
        }
        if let Ok(ch) = tls::parse_client_hello(body) {
            self.row = Some(vec![
                Cell::Text(quic::version_name(self.version)),
                Cell::text(ch.server_name.clone()),
                Cell::text(ch.alpn.first().cloned()),
                Cell::Text(tls::ja4(&ch, Transport::Quic)),
            ]);
        }
    }

    /// Writes the connection's row: the ClientHello's when it was read, else the version alone.
    pub fn finish(self, emit: &mut Emit<'_>) {
        let cells = self.row.unwrap_or_else(|| {
            vec![
                Cell::Text(quic::version_name(self.version)),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]
        });
        emit.row((Log::Quic, self.ts, cells));
    }
}
