//! DNS transactions of one flow (UDP datagrams, or TCP's length-prefixed messages): each
//! query joined to its response by transaction id, as rows of the dns log.

use super::logs::{Cell, Log, LogRow};
use super::Emit;
use crate::wire::dns::{self, Message};

/// Queries of one flow waiting for their response at most; beyond, the oldest is written
/// unanswered.
const MAX_PENDING: usize = 64;

/// A query waiting for its response.
#[derive(Debug, Clone)]
struct Pending {
    ts: i64,
    query: Message,
}

/// One flow's DNS state.
#[derive(Debug, Default)]
pub struct DnsFlow {
    pending: Vec<Pending>,
    /// TCP framing, per direction.
    framers: Option<Box<[dns::TcpFramer; 2]>>,
}

impl DnsFlow {
    /// Reads one UDP datagram's payload.
    pub fn datagram(&mut self, ts: i64, payload: &[u8], emit: &mut Emit<'_>) {
        if let Ok(m) = dns::parse(payload) {
            self.message(ts, m, emit);
        }
    }

    /// Reads the next in-order bytes of direction `dir` of a TCP connection.
    pub fn stream(&mut self, dir: usize, ts: i64, bytes: &[u8], emit: &mut Emit<'_>) {
        let framers = self
            .framers
            .get_or_insert_with(|| Box::new([dns::TcpFramer::new(), dns::TcpFramer::new()]));
        let mut messages = Vec::new();
        framers[dir].feed(bytes, &mut |m: &[u8]| {
            if let Ok(m) = dns::parse(m) {
                messages.push(m);
            }
        });
        for m in messages {
            self.message(ts, m, emit);
        }
    }

    fn message(&mut self, ts: i64, m: Message, emit: &mut Emit<'_>) {
        if !m.response {
            if self.pending.len() == MAX_PENDING {
                let oldest = self.pending.remove(0);
                emit.row(row(oldest.ts, Some(&oldest.query), None, None));
            }
            self.pending.push(Pending { ts, query: m });
            return;
        }
        let question = m.questions.first().map(|q| q.name.as_str());
        let matched = self.pending.iter().position(|p| {
            p.query.id == m.id
                && match (p.query.questions.first(), question) {
                    (Some(q), Some(name)) => q.name == name,
                    _ => true,
                }
        });
        match matched {
            Some(i) => {
                let p = self.pending.remove(i);
                emit.row(row(p.ts, Some(&p.query), Some(&m), Some(ts - p.ts)));
            }
            None => emit.row(row(ts, None, Some(&m), None)),
        }
    }

    /// Writes the queries never answered.
    pub fn finish(self, emit: &mut Emit<'_>) {
        for p in self.pending {
            emit.row(row(p.ts, Some(&p.query), None, None));
        }
    }
}

/// The row of a query and its response (either may be missing).
fn row(
    ts: i64,
    query: Option<&Message>,
    response: Option<&Message>,
    rtt: Option<i64>,
) -> (Log, i64, Vec<Cell>) {
    let first = query.or(response);
    let question = first
        .and_then(|m| m.questions.first())
        .or_else(|| response.and_then(|r| r.questions.first()));
    let flag =
        |f: fn(&Message) -> bool, m: Option<&Message>| m.map_or(Cell::Empty, |m| Cell::Bool(f(m)));
    let (answers, ttls) = match response {
        Some(r) => (
            Cell::List(r.answers.iter().map(|a| a.data.clone()).collect()),
            Cell::List(r.answers.iter().map(|a| format!("{}.0", a.ttl)).collect()),
        ),
        None => (Cell::Empty, Cell::Empty),
    };
    let rcode = response.map(|r| r.rcode);
    let rejected = response.is_some_and(|r| r.answers.is_empty() && !matches!(r.rcode, 0 | 3));
    let cells = vec![
        first.map_or(Cell::Empty, |m| Cell::Count(u64::from(m.id))),
        rtt.map_or(Cell::Empty, Cell::Interval),
        Cell::text(question.map(|q| q.name.clone())),
        question.map_or(Cell::Empty, |q| Cell::Count(u64::from(q.qclass))),
        Cell::text(question.and_then(|q| dns::qclass_name(q.qclass))),
        question.map_or(Cell::Empty, |q| Cell::Count(u64::from(q.qtype))),
        Cell::text(question.and_then(|q| dns::qtype_name(q.qtype))),
        rcode.map_or(Cell::Empty, |r| Cell::Count(u64::from(r))),
        Cell::text(rcode.and_then(dns::rcode_name)),
        flag(|m| m.authoritative, response),
        flag(|m| m.truncated, response.or(query)),
        flag(|m| m.recursion_desired, query.or(response)),
        flag(|m| m.recursion_available, response),
        Cell::Count(0),
        answers,
        ttls,
        Cell::Bool(rejected),
    ];
    (Log::Dns, ts, cells)
}

impl LogRow {
    /// Whether this dns row's query was answered.
    pub fn dns_answered(&self) -> bool {
        self.log == Log::Dns && !matches!(self.cell(super::logs::dns::RCODE), Cell::Empty)
    }
}
