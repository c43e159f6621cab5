//! An SSH connection as the ssh log sees it: each side's banner and first KEXINIT, whose
//! algorithm lists give the HASSH fingerprints.

use super::logs::{Cell, Log};
use super::stream::Piece;
use super::Emit;
use crate::wire::ssh::{self, Banner, KexInit, Packet};

/// Bytes of each direction buffered at most while the banner and KEXINIT are read.
const MAX_BUFFER: usize = 40 * 1024;

/// One side of the exchange.
#[derive(Debug, Default)]
struct Side {
    buffer: Vec<u8>,
    banner: Option<String>,
    kexinit: Option<Box<KexInit>>,
    /// Nothing more can be read: a gap, a packet that is no KEXINIT, or the buffer full.
    done: bool,
}

/// One connection's SSH state.
#[derive(Debug)]
pub struct SshFlow {
    ts: i64,
    /// The client's direction.
    client: usize,
    sides: [Side; 2],
}

impl SshFlow {
    /// A connection first seen at `ts` whose client sends in direction `client`.
    pub fn new(ts: i64, client: usize) -> SshFlow {
        SshFlow {
            ts,
            client,
            sides: [Side::default(), Side::default()],
        }
    }

    /// Reads the next piece of direction `dir`; returns whether anything more is worth reading.
    pub fn piece(&mut self, dir: usize, piece: Piece<'_>) -> bool {
        let side = &mut self.sides[dir];
        match piece {
            Piece::Gap(_) => side.done = true,
            Piece::Data(_) if side.done => {}
            Piece::Data(bytes) => {
                let room = MAX_BUFFER.saturating_sub(side.buffer.len());
                side.buffer
                    .extend_from_slice(&bytes[..bytes.len().min(room)]);
                side.read();
            }
        }
        !self.sides.iter().all(|s| s.done)
    }

    /// Writes the connection's row, when a banner was seen.
    pub fn finish(self, emit: &mut Emit<'_>) {
        let [a, b] = self.sides;
        let (client, server) = if self.client == 0 { (a, b) } else { (b, a) };
        if client.banner.is_none() && server.banner.is_none() {
            return;
        }
        let cells = vec![
            Cell::text(client.banner),
            Cell::text(server.banner),
            Cell::text(client.kexinit.as_deref().map(ssh::hassh)),
            Cell::text(server.kexinit.as_deref().map(ssh::hassh_server)),
        ];
        emit.row((Log::Ssh, self.ts, cells));
    }
}

impl Side {
    fn read(&mut self) {
        if self.banner.is_none() {
            match ssh::banner(&self.buffer) {
                Banner::Complete(line, used) => {
                    self.banner = Some(line.to_string());
                    self.buffer.drain(..used);
                }
                Banner::Incomplete => return self.full_is_done(),
                Banner::NotSsh => {
                    self.done = true;
                    return;
                }
            }
        }
        match ssh::kexinit(&self.buffer) {
            Packet::Complete(k, _) => {
                self.kexinit = Some(Box::new(k));
                self.done = true;
            }
            Packet::Incomplete => self.full_is_done(),
            Packet::Invalid => self.done = true,
        }
        if self.done {
            self.buffer = Vec::new();
        }
    }

    fn full_is_done(&mut self) {
        if self.buffer.len() >= MAX_BUFFER {
            self.done = true;
            self.buffer = Vec::new();
        }
    }
}
