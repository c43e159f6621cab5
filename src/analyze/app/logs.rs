//! The application layer's logs (dns, tls, quic, http, ssh), Zeek's logs of the same names:
//! one row per transaction or connection, each with its flow's identity so that it joins with
//! flows.csv, Zeek's and Suricata's logs.

use std::fmt::Write as _;

use crate::analyze::flow_record::FlowId;

/// One of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Log {
    /// DNS queries and their responses (Zeek's dns.log).
    Dns,
    /// TLS connections with a ClientHello (Zeek's ssl.log, with JA3, JA3S and JA4).
    Tls,
    /// QUIC connections with a client Initial (Zeek's quic.log, with JA4).
    Quic,
    /// HTTP requests and their responses (Zeek's http.log).
    Http,
    /// SSH connections (banners and HASSH).
    Ssh,
}

impl Log {
    /// Every log, in the order the reports list them.
    pub const ALL: [Log; 5] = [Log::Dns, Log::Tls, Log::Quic, Log::Http, Log::Ssh];

    /// The log's name: its file is `NAME.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Log::Dns => "dns",
            Log::Tls => "tls",
            Log::Quic => "quic",
            Log::Http => "http",
            Log::Ssh => "ssh",
        }
    }

    /// The log called `name`.
    pub fn from_name(name: &str) -> Option<Log> {
        Log::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The columns of the log's own cells, after the flow's identity (see [`ID_COLUMNS`]).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Log::Dns => &dns::COLUMNS,
            Log::Tls => &tls::COLUMNS,
            Log::Quic => &quic::COLUMNS,
            Log::Http => &http::COLUMNS,
            Log::Ssh => &ssh::COLUMNS,
        }
    }
}

/// The columns every row starts with: its time and its flow's identity.
pub const ID_COLUMNS: [&str; 7] = [
    "ts",
    "community_id",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
];

/// Column positions of each log's cells, named for the code that fills and reads them.
pub mod dns {
    /// The cells of a dns row.
    pub const COLUMNS: [&str; 17] = [
        "trans_id",
        "rtt",
        "query",
        "qclass",
        "qclass_name",
        "qtype",
        "qtype_name",
        "rcode",
        "rcode_name",
        "AA",
        "TC",
        "RD",
        "RA",
        "Z",
        "answers",
        "TTLs",
        "rejected",
    ];
    /// The round trip from query to response.
    pub const RTT: usize = 1;
    /// The queried name.
    pub const QUERY: usize = 2;
    /// The query type's number.
    pub const QTYPE: usize = 5;
    /// The response code's number.
    pub const RCODE: usize = 7;
    /// The response code's name.
    pub const RCODE_NAME: usize = 8;
}

/// Column positions of a tls row.
pub mod tls {
    /// The cells of a tls row.
    pub const COLUMNS: [&str; 10] = [
        "version",
        "cipher",
        "server_name",
        "next_protocol",
        "client_version",
        "client_alpn",
        "ja3",
        "ja3s",
        "ja4",
        "established",
    ];
    /// The server name the client asked for.
    pub const SERVER_NAME: usize = 2;
    /// JA3.
    pub const JA3: usize = 6;
    /// JA3S.
    pub const JA3S: usize = 7;
    /// JA4.
    pub const JA4: usize = 8;
}

/// Column positions of a quic row.
pub mod quic {
    /// The cells of a quic row.
    pub const COLUMNS: [&str; 4] = ["version", "server_name", "client_protocol", "ja4"];
    /// The server name the client asked for.
    pub const SERVER_NAME: usize = 1;
    /// JA4.
    pub const JA4: usize = 3;
}

/// Column positions of an http row.
pub mod http {
    /// The cells of an http row.
    pub const COLUMNS: [&str; 13] = [
        "trans_depth",
        "method",
        "host",
        "uri",
        "referrer",
        "version",
        "user_agent",
        "request_body_len",
        "response_body_len",
        "status_code",
        "status_msg",
        "info_code",
        "info_msg",
    ];
    /// The request method.
    pub const METHOD: usize = 1;
    /// The Host header.
    pub const HOST: usize = 2;
    /// The request target.
    pub const URI: usize = 3;
    /// The User-Agent header.
    pub const USER_AGENT: usize = 6;
    /// The response status code.
    pub const STATUS_CODE: usize = 9;
    /// The last interim (1xx) response's code.
    pub const INFO_CODE: usize = 11;
}

/// Column positions of an ssh row.
pub mod ssh {
    /// The cells of an ssh row.
    pub const COLUMNS: [&str; 4] = ["client", "server", "hassh", "hasshServer"];
    /// The client's banner.
    pub const CLIENT: usize = 0;
    /// The server's banner.
    pub const SERVER: usize = 1;
    /// The client's HASSH.
    pub const HASSH: usize = 2;
    /// The server's HASSHServer.
    pub const HASSH_SERVER: usize = 3;
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: `-` in the CSV tables, as Zeek writes it.
    Empty,
    /// Text.
    Text(String),
    /// A count or number.
    Count(u64),
    /// A length of time, ns (written in seconds).
    Interval(i64),
    /// A flag: `T` or `F`, as Zeek writes it.
    Bool(bool),
    /// A list (Zeek's vectors and sets): items joined by commas.
    List(Vec<String>),
}

impl Cell {
    /// `Text` of `s`, `Empty` when `s` is `None`.
    pub fn text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    /// Writes the cell as the CSV tables show it (before quoting).
    pub fn write_to(&self, out: &mut String) {
        match self {
            Cell::Empty => out.push('-'),
            Cell::Text(s) if s.is_empty() => out.push_str("(empty)"),
            Cell::Text(s) => out.push_str(s),
            Cell::Count(n) => {
                let _ = write!(out, "{n}");
            }
            Cell::Interval(ns) => {
                let sign = if *ns < 0 { "-" } else { "" };
                let abs = ns.unsigned_abs();
                let _ = write!(
                    out,
                    "{sign}{}.{:09}",
                    abs / 1_000_000_000,
                    abs % 1_000_000_000
                );
            }
            Cell::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
            Cell::List(items) if items.is_empty() => out.push('-'),
            Cell::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(item);
                }
            }
        }
    }

    /// The text, when the cell holds one.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The number, when the cell holds one.
    pub fn as_count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

/// One row of a log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRow {
    /// Which log.
    pub log: Log,
    /// The row's time, ns.
    pub ts_ns: i64,
    /// The flow it belongs to.
    pub flow: FlowId,
    /// The cells, as [`Log::columns`] names them.
    pub cells: Vec<Cell>,
}

impl LogRow {
    /// The cell at `column` (a position of the log's module), `Empty` when there is none.
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

/// The order rows are written in: by time, then flow, then their cells' text.
pub fn row_order(a: &LogRow, b: &LogRow) -> std::cmp::Ordering {
    a.ts_ns
        .cmp(&b.ts_ns)
        .then_with(|| a.flow.community_id.cmp(&b.flow.community_id))
        .then_with(|| a.flow.orig_p.cmp(&b.flow.orig_p))
        .then_with(|| cells_text(a).cmp(&cells_text(b)))
}

fn cells_text(r: &LogRow) -> String {
    let mut s = String::new();
    for c in &r.cells {
        c.write_to(&mut s);
        s.push('\t');
    }
    s
}
