//! Command-line definitions (clap) and their resolution into validated settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Packet captures in, exact traffic metrics out.
#[derive(Debug, Parser)]
#[command(
    name = "netanalyzer",
    version,
    about,
    propagate_version = true,
    after_help = "EXAMPLES:\n  \
        netanalyzer analyze /archive/2026-11 --out reports/nov    # a folder of captures -> reports\n  \
        netanalyzer compare reports/baseline reports/nov --max-change bytes=10% --fail-on new-talkers\n  \
        sudo netanalyzer capture -i eth0 -w /var/cap/office --rotate-size 100MB --ring 48\n\n\
        'netanalyzer help MODE' or 'netanalyzer MODE --help' for a mode's flags."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The modes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze pcap/pcapng files or folders of them (also .gz) and write reports.
    #[command(after_help = "EXAMPLES:\n  \
        netanalyzer analyze capture.pcap\n  \
        netanalyzer analyze /archive/2026-11 --out reports/nov --interval 1s --top 20\n  \
        netanalyzer analyze a.pcapng b.pcap.gz --format json --quiet\n\n\
        EXIT STATUS:\n  \
        0  every input was read whole\n  \
        1  some input was damaged, unreadable or not a capture (reports still written)\n  \
        2  usage error\n  \
        3  nothing could be analyzed, or the reports could not be written")]
    Analyze(Box<AnalyzeArgs>),
    /// Capture live traffic into rotated pcap files (needs the `capture` feature and libpcap).
    #[cfg_attr(
        feature = "capture",
        command(before_help = "This build has live capture (libpcap).")
    )]
    #[cfg_attr(
        not(feature = "capture"),
        command(
            before_help = "This build has NO live capture. To get it: apt-get install libpcap-dev, then\n\
            cargo build --release --features capture (or cargo install --path . --features capture)."
        )
    )]
    #[command(after_help = "EXAMPLES:\n  \
        netanalyzer capture -i eth0 -f \"tcp port 443\" -w /var/cap/web --rotate-size 100MB --ring 48\n  \
        netanalyzer capture -i any -w cap/office --rotate-time 15m --rotate-packets 1000000 --snaplen 256\n  \
        netanalyzer capture -i eth0 -w cap/t --rotate-time 1h --rotate-align --stop-after 1d\n  \
        netanalyzer capture -i eth0 -w cap/z --rotate-size 1GB --compress zstd    # NAME.pcap.zst\n  \
        netanalyzer capture --list-interfaces\n\n\
        Files are named PREFIX-YYYYMMDDTHHMMSSZ-NNNNNN.pcap (.pcap.zst with --compress zstd), written\n\
        as NAME.part and renamed when complete, each with a NAME.json record beside it (the .pcap\n\
        or .pcap.zst dropped). SIGINT/SIGTERM stop cleanly (exit 0);\n\
        SIGUSR1 prints the counters.\n\n\
        EXIT STATUS:\n  \
        0  stopped by a signal or a --stop-after limit\n  \
        1  capture or writing failed (files closed before the failure are complete)\n  \
        2  usage error, or a bad capture filter\n  \
        3  cannot capture (permission, unknown interface)")]
    Capture(CaptureArgs),
    /// Load a line-protocol file into InfluxDB (what --influx-out wrote, or what a failed load kept).
    #[command(after_help = "EXAMPLES:\n  \
        netanalyzer load reports/x/influx-unsent.lp\n  \
        INFLUX_URL=http://127.0.0.1:8086 INFLUX_DB=captures netanalyzer load metrics.lp")]
    Load(LoadArgs),
    /// Compare an analysis with a baseline and fail when a threshold is crossed (for CI).
    #[command(after_help = "EXAMPLES:\n  \
        netanalyzer compare reports/baseline reports/this-run --max-change bytes=10% --max-change tcp.frames=5% --fail-on new-talkers\n  \
        netanalyzer compare base run --thresholds ci/traffic.thresholds --junit compare.xml\n\n\
        THRESHOLDS FILE: one per line, '#' comments:\n  \
        max-change bytes=10%\n  \
        max-change tcp.handshake_rtt.p50=0.005\n  \
        fail-on new-talkers\n\n\
        EVENTS: new-talkers vanished-talkers new-ports vanished-ports new-protocols vanished-protocols errors anomalies\n\n\
        EXIT STATUS:\n  \
        0  every threshold held\n  \
        1  a threshold was crossed\n  \
        2  usage error or a malformed threshold\n  \
        3  a report directory is missing, foreign, or of another schema version")]
    Compare(CompareArgs),
    /// Write the project's deterministic sample captures (or one large capture for benchmarks).
    #[command(after_help = "EXAMPLES:\n  \
        netanalyzer generate --out samples\n  \
        netanalyzer generate --bench 2000000 --out /tmp/bench.pcap")]
    Generate(GenerateArgs),
}

/// `analyze` flags.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Capture files or folders (walked recursively; every pcap/pcapng/.gz inside is read), or
    /// `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Directory for the reports [default: reports/<name of the first input>].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Time-series interval: 1s, 100ms, 5m, 1h, …
    #[arg(long, default_value = "1s", value_parser = parse_duration_ns)]
    pub interval: i64,
    /// Entries in the summary's top lists (talkers, ports, conversations).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Outputs to write, comma-separated: json, csv (every CSV table, the logs too), html, or
    /// one application log alone: dns, tls, quic, http, ssh.
    #[arg(long, value_delimiter = ',', default_value = "json,csv,html")]
    pub format: Vec<Format>,
    /// Skip the application layer: no services in flows.csv, no dns/tls/quic/http/ssh logs.
    #[arg(long)]
    pub no_app: bool,
    /// A network of the inside, beside the private ranges (RFC 1918, RFC 4193, loopback,
    /// link-local), for the beacon, DNS tunnel and exfiltration detectors: an address or
    /// ADDRESS/PREFIX. Repeat for more.
    #[arg(long, value_name = "NET")]
    pub internal: Vec<netanalyzer::analyze::Net>,
    /// Also write Parquet tables, comma-separated: flows (flows.parquet), packets
    /// (packets.parquet, one row per frame: large and slower), logs (dns, tls, quic, http and
    /// ssh.parquet). Plain `--parquet` means flows.
    #[arg(long, value_delimiter = ',', num_args = 0.., default_missing_value = "flows")]
    pub parquet: Vec<ParquetTable>,
    /// Follow links to folders inside the input folders (with loop detection). Links to files
    /// are always read, and a file reached under two names is read once.
    #[arg(short = 'L', long)]
    pub follow_links: bool,
    /// Watch the one input folder and analyze each capture file once it is complete (renamed from
    /// .part by `netanalyzer capture`, or unchanged for 5 s), in time order, into one running
    /// report, until SIGINT/SIGTERM. Done files are remembered in the output directory.
    #[arg(long)]
    pub follow: bool,
    /// How often --follow looks for new files.
    #[arg(long, default_value = "1s", value_parser = parse_duration_ns)]
    pub poll: i64,
    /// Load the results into InfluxDB (settings from flags, INFLUX_* variables, or ./.env).
    #[arg(long)]
    pub influx: bool,
    /// Write the line protocol to FILE (`-` for stdout) instead of a server.
    #[arg(long, value_name = "FILE")]
    pub influx_out: Option<PathBuf>,
    /// Also write every frame as a `capture_packets` point (large: one point per frame).
    #[arg(long)]
    pub influx_packets: bool,
    /// The `capture` tag of every point [default: the first input's name].
    #[arg(long)]
    pub capture_name: Option<String>,
    #[command(flatten)]
    pub influx_args: InfluxArgs,
    /// No progress bar and no summary on stdout (errors still go to stderr).
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads [default: one per core].
    #[arg(short = 'j', long, value_parser = at_least_one)]
    pub threads: Option<usize>,
    /// Most flows held in memory at once (each of the 8 shards of the flow table holds an eighth:
    /// 14,000 by default, as many as a 16,384-slot table takes); beyond, a shard's half idle
    /// longest are finished early and written to a temporary folder in the output folder (a later
    /// packet starts a new flow).
    #[arg(long, default_value_t = 112_000)]
    pub max_flows: usize,
    /// A TCP flow ends after this long without a packet, in capture time (Zeek's
    /// tcp_inactivity_timeout); a later packet starts a new flow. 0 never ends one.
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = parse_timeout_ns)]
    pub tcp_timeout: i64,
    /// The same for UDP and IP protocols other than TCP and ICMP (udp_inactivity_timeout).
    #[arg(long, default_value = "1m", value_name = "DURATION", value_parser = parse_timeout_ns)]
    pub udp_timeout: i64,
    /// The same for ICMP and ICMPv6 (icmp_inactivity_timeout).
    #[arg(long, default_value = "1m", value_name = "DURATION", value_parser = parse_timeout_ns)]
    pub icmp_timeout: i64,
    /// Most IP address pairs held in memory at once (an eighth per shard); beyond, a shard's
    /// pairs are written to a temporary folder in the output folder and added back, exactly,
    /// when the report is made (the endpoints counted from them likewise, beyond this many).
    #[arg(long, default_value_t = 200_000, value_parser = at_least_one)]
    pub max_conversations: usize,
    /// Print how long each phase took (read+decode+aggregate, report building, writing) on stderr.
    #[arg(long, hide_short_help = true)]
    pub timings: bool,
}

/// Where InfluxDB is; each flag falls back to its INFLUX_* variable, then to ./.env.
#[derive(Debug, Args, Clone, Default)]
pub struct InfluxArgs {
    /// Server URL [env: INFLUX_URL].
    #[arg(long)]
    pub influx_url: Option<String>,
    /// API token, 2.x [env: INFLUX_TOKEN]. Never printed.
    #[arg(long)]
    pub influx_token: Option<String>,
    /// Organisation, 2.x [env: INFLUX_ORG].
    #[arg(long)]
    pub influx_org: Option<String>,
    /// Bucket, 2.x [env: INFLUX_BUCKET].
    #[arg(long)]
    pub influx_bucket: Option<String>,
    /// Database, 1.x [env: INFLUX_DB].
    #[arg(long)]
    pub influx_db: Option<String>,
    /// User, 1.x [env: INFLUX_USER].
    #[arg(long)]
    pub influx_user: Option<String>,
    /// Password, 1.x [env: INFLUX_PASSWORD]. Never printed.
    #[arg(long)]
    pub influx_password: Option<String>,
    /// Retention policy, 1.x [env: INFLUX_RP].
    #[arg(long)]
    pub influx_rp: Option<String>,
    /// Write API [default: detected from /ping].
    #[arg(long, value_enum)]
    pub influx_api: Option<InfluxApi>,
    /// Timestamp precision: ns, us, ms or s [env: INFLUX_PRECISION; default: ns].
    #[arg(long)]
    pub influx_precision: Option<String>,
    /// A TOML file with an [influx] table (url, token, org, bucket, db, rp, user, password,
    /// precision, api), the lowest-priority source of settings.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Lines per request.
    #[arg(long, default_value_t = 5000, value_parser = at_least_one)]
    pub influx_batch: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 4, value_parser = at_least_one)]
    pub influx_concurrency: usize,
}

/// `--influx-api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InfluxApi {
    /// InfluxDB 1.x: /write
    V1,
    /// InfluxDB 2.x/3.x and VictoriaMetrics: /api/v2/write
    V2,
}

impl InfluxArgs {
    /// The settings the flags give, as one source among the environment's and the files'.
    pub fn sources(&self) -> netanalyzer::sinks::settings::Sources {
        netanalyzer::sinks::settings::Sources {
            url: self.influx_url.clone(),
            api: self.influx_api.map(|a| {
                match a {
                    InfluxApi::V1 => "v1",
                    InfluxApi::V2 => "v2",
                }
                .to_string()
            }),
            token: self.influx_token.clone(),
            org: self.influx_org.clone(),
            bucket: self.influx_bucket.clone(),
            db: self.influx_db.clone(),
            rp: self.influx_rp.clone(),
            user: self.influx_user.clone(),
            password: self.influx_password.clone(),
            precision: self.influx_precision.clone(),
        }
    }

    /// The writer's configuration: these flags, then the environment, `./.env` and `--config`.
    pub fn config(
        &self,
    ) -> Result<netanalyzer::sinks::influx::InfluxConfig, netanalyzer::sinks::settings::SettingsError>
    {
        netanalyzer::sinks::settings::from_flags_and_environment(
            self.sources(),
            self.config.as_deref(),
            netanalyzer::sinks::settings::Transfer {
                batch_lines: self.influx_batch,
                concurrency: self.influx_concurrency,
            },
        )
    }
}

/// `load` flags.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// A line-protocol file (from --influx-out, or the file kept when a load failed).
    pub file: PathBuf,
    #[command(flatten)]
    pub influx_args: InfluxArgs,
    /// No progress line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// summary.json
    Json,
    /// timeseries, protocols, conversations, flows, endpoints, ports and the dns, tls, quic,
    /// http and ssh logs as CSV
    Csv,
    /// report.html, a self-contained page with charts and tables
    Html,
    /// dns.csv alone: DNS queries and their responses (Zeek's dns.log)
    Dns,
    /// tls.csv alone: TLS connections with JA3, JA3S and JA4 (Zeek's ssl.log)
    Tls,
    /// quic.csv alone: QUIC connections (Zeek's quic.log)
    Quic,
    /// http.csv alone: HTTP requests and responses (Zeek's http.log)
    Http,
    /// ssh.csv alone: SSH banners and HASSH
    Ssh,
}

/// `capture` flags.
#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// Interface to capture on (`any` for all on Linux).
    #[arg(short, long, required_unless_present = "list_interfaces")]
    pub interface: Option<String>,
    /// BPF capture filter, as for tcpdump.
    #[arg(short, long)]
    pub filter: Option<String>,
    /// Where to write: DIR/PREFIX (the directory must exist).
    #[arg(
        short = 'w',
        long,
        value_name = "DIR/PREFIX",
        required_unless_present = "list_interfaces"
    )]
    pub write: Option<PathBuf>,
    /// Bytes kept of each frame.
    #[arg(short, long, default_value_t = 262_144)]
    pub snaplen: u32,
    /// Do not put the interface in promiscuous mode.
    #[arg(long)]
    pub no_promisc: bool,
    /// libpcap buffer size (e.g. 64MB).
    #[arg(short = 'B', long, value_parser = parse_size)]
    pub buffer_size: Option<u64>,
    /// Deliver frames as they arrive (lower latency, more wakeups).
    #[arg(long)]
    pub immediate: bool,
    /// Write nanosecond timestamps.
    #[arg(long)]
    pub nanosecond: bool,
    /// Start a new file after this many bytes (100MB, 1GiB).
    #[arg(long, value_parser = parse_size)]
    pub rotate_size: Option<u64>,
    /// Start a new file after this long (15m, 1h).
    #[arg(long, value_parser = parse_duration_ns)]
    pub rotate_time: Option<i64>,
    /// Rotate on wall-clock multiples of --rotate-time (like tcpdump -G).
    #[arg(long, requires = "rotate_time")]
    pub rotate_align: bool,
    /// Start a new file after this many frames.
    #[arg(long)]
    pub rotate_packets: Option<u64>,
    /// Keep only the newest N files (and their records).
    #[arg(long)]
    pub ring: Option<usize>,
    /// Compress each file as it is written: NAME.pcap.zst (zstd level 3, with checksums;
    /// `zstd -dc NAME.pcap.zst | tshark -r -` reads it). --rotate-size counts the bytes before
    /// compression.
    #[arg(long, value_name = "FORMAT")]
    pub compress: Option<CaptureCompression>,
    /// Stop by itself: a duration (10m), a frame count (5000packets) or a file count (6files).
    #[arg(long, value_name = "LIMIT", value_parser = parse_stop_after)]
    pub stop_after: Vec<StopLimit>,
    /// List the interfaces libpcap can capture on, and exit.
    #[arg(short = 'D', long)]
    pub list_interfaces: bool,
    /// No status lines.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `capture --compress` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CaptureCompression {
    /// Zstandard
    Zstd,
}

/// One `--stop-after` limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopLimit {
    /// Nanoseconds of capturing.
    Duration(i64),
    /// Frames captured.
    Packets(u64),
    /// Files completed.
    Files(u64),
}

/// Parses `10m`, `5000packets` or `6files`.
pub fn parse_stop_after(s: &str) -> Result<StopLimit, String> {
    let count = |n: &str, what: &str| {
        n.trim()
            .parse()
            .map_err(|_| format!("'{s}': expected a whole number of {what}"))
    };
    if let Some(n) = s.strip_suffix("packets") {
        Ok(StopLimit::Packets(count(n, "packets")?))
    } else if let Some(n) = s.strip_suffix("files") {
        Ok(StopLimit::Files(count(n, "files")?))
    } else {
        parse_duration_ns(s)
            .map(StopLimit::Duration)
            .map_err(|e| format!("{e}; or NNNpackets, NNNfiles"))
    }
}

/// A count that must be at least 1.
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

/// Parses `100MB`, `1GiB`, `500k`, `4096` into bytes (decimal and binary units).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (try 100MB, 1GiB)"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0f64.powi(4),
        other => {
            return Err(format!(
                "unknown unit '{other}' in '{s}' (B, kB, MB, GB, KiB, MiB, GiB)"
            ))
        }
    };
    let bytes = value * scale;
    if !(1.0..=1.8e19).contains(&bytes) {
        return Err(format!("'{s}' is out of range"));
    }
    Ok(bytes as u64)
}

/// `compare` flags.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The baseline report directory (written by `analyze`).
    pub baseline: PathBuf,
    /// The report directory to check.
    pub current: PathBuf,
    /// METRIC=LIMIT: the most METRIC may change, `10%` of the baseline or an absolute `500`.
    /// Metrics are summary.json's numbers by dotted name (bytes, tcp.frames, icmp.rtt.p50, …).
    #[arg(long = "max-change", value_name = "METRIC=LIMIT")]
    pub max_change: Vec<String>,
    /// Fail when this happens (repeatable): new-talkers, vanished-ports, errors, …
    #[arg(long = "fail-on", value_name = "EVENT")]
    pub fail_on: Vec<String>,
    /// Thresholds kept in a file in your repository (see below).
    #[arg(long, value_name = "FILE")]
    pub thresholds: Option<PathBuf>,
    /// Also write the result as JUnit XML, which CI systems show as test results.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Where to write compare.json [default: CURRENT/compare.json].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print only failures.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Parquet tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ParquetTable {
    /// flows.parquet: the columns of flows.csv
    Flows,
    /// packets.parquet: one row per frame
    Packets,
    /// dns.parquet, tls.parquet, quic.parquet, http.parquet, ssh.parquet: the columns of the
    /// application logs
    Logs,
}

/// `generate` flags.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory for the samples, or the file for `--bench`.
    #[arg(short, long, value_name = "PATH")]
    pub out: PathBuf,
    /// Write one capture of this many packets of a realistic mix instead of the samples.
    #[arg(long, value_name = "PACKETS")]
    pub bench: Option<u64>,
    /// Seed for the generator (the same seed gives the same bytes).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The traffic of `--bench`: `mixed` (mostly TCP connections, ~100,000 flows in 2M packets),
    /// `many-flows` (DNS, NTP, scans and short connections, ~4 packets a flow) or `flood` (a
    /// SYN and DNS flood from spoofed sources over the mixed traffic, most packets a flow).
    #[arg(long, value_enum, default_value_t = BenchMix::Mixed, requires = "bench")]
    pub mix: BenchMix,
    /// Write one capture of office traffic with labelled anomalies (scans, a sweep, a beacon,
    /// a DNS tunnel, an upload; sizes, rates and jitter drawn from the seed) and hard
    /// negatives (NTP, telemetry, CDN names, downloads, a backup), and its labels as JSON.
    #[arg(long, value_enum, conflicts_with = "bench")]
    pub scenario: Option<Scenario>,
    /// The scenario's length.
    #[arg(long, default_value = "1h", value_parser = parse_duration_ns, requires = "scenario")]
    pub duration: i64,
    /// Leave the scenario's injections out: its traffic, clean.
    #[arg(long, requires = "scenario")]
    pub clean: bool,
    /// Where the scenario's labels go [default: the capture's path with .labels.json].
    #[arg(long, value_name = "FILE", requires = "scenario")]
    pub labels: Option<PathBuf>,
}

/// A labelled scenario (`generate --scenario`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// An office network of 20 hosts.
    Office,
}

/// The traffic of a benchmark capture (`generate --bench --mix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchMix {
    /// Mostly TCP connections.
    Mixed,
    /// Short exchanges: DNS, NTP, scans.
    ManyFlows,
    /// Spoofed sources.
    Flood,
}

/// Parses a human duration (`1s`, `250ms`, `1.5m`, `2h`, `100us`, `10ns`) into nanoseconds.
pub fn parse_duration_ns(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (try 1s, 100ms, 5m)"))?;
    let scale = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "" | "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        "d" => 86_400e9,
        other => {
            return Err(format!(
                "unknown unit '{other}' in '{s}' (ns, us, ms, s, m, h, d)"
            ))
        }
    };
    let ns = value * scale;
    if !(1.0..=9.2e18).contains(&ns) {
        return Err(format!("'{s}' is out of range (1ns to 292 years)"));
    }
    Ok(ns as i64)
}

/// A timeout: a duration, or 0 for none.
fn parse_timeout_ns(s: &str) -> Result<i64, String> {
    if s.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic()) == "0" {
        return Ok(0);
    }
    parse_duration_ns(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_take_zero_for_none() {
        assert_eq!(parse_timeout_ns("0"), Ok(0));
        assert_eq!(parse_timeout_ns("0s"), Ok(0));
        assert_eq!(parse_timeout_ns("5m"), Ok(300_000_000_000));
        assert!(parse_timeout_ns("-1s").is_err());
    }

    #[test]
    fn stop_limits_and_counts() {
        assert_eq!(
            parse_stop_after("5000packets"),
            Ok(StopLimit::Packets(5000))
        );
        assert_eq!(parse_stop_after("6files"), Ok(StopLimit::Files(6)));
        assert_eq!(
            parse_stop_after("10m"),
            Ok(StopLimit::Duration(600_000_000_000))
        );
        assert!(parse_stop_after("xpackets").is_err());
        assert!(parse_stop_after("soon").is_err());
        assert_eq!(at_least_one("4"), Ok(4));
        assert!(at_least_one("0").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ns("1s"), Ok(1_000_000_000));
        assert_eq!(parse_duration_ns("250ms"), Ok(250_000_000));
        assert_eq!(parse_duration_ns("1.5m"), Ok(90_000_000_000));
        assert_eq!(parse_duration_ns("2"), Ok(2_000_000_000));
        assert!(parse_duration_ns("0s").is_err());
        assert!(parse_duration_ns("5 parsecs").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100MB"), Ok(100_000_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn the_cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
