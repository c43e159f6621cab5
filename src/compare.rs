//! Two analyses side by side, for CI: totals, protocol mix, RTTs, and the talkers, ports and
//! protocols that appeared or vanished, checked against thresholds.
//!
//! Inputs are two report directories written by `analyze` (their `summary.json`, and
//! `endpoints.csv`/`ports.csv` when present). Metrics are `summary.json`'s numbers by dotted
//! name, with protocols shortened to `PROTO.frames`/`PROTO.bytes` and `flows.total` to `flows`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::report::summary::SCHEMA_VERSION;

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A report directory is missing or unreadable.
    #[error("{path}: {why}")]
    Unreadable {
        /// The file that could not be read.
        path: PathBuf,
        /// The operating system's reason.
        why: String,
    },
    /// `summary.json` is not ours or not JSON.
    #[error("{path}: not a netanalyzer summary ({why})")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        why: String,
    },
    /// A summary of another schema version.
    #[error("{path}: schema_version {found}, this netanalyzer reads {SCHEMA_VERSION}")]
    Schema {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u64,
    },
    /// A threshold that cannot be parsed.
    #[error("threshold '{0}': {1}")]
    BadThreshold(String, String),
    /// A threshold names a metric neither summary has.
    #[error("{}", unknown_metric_text(.name, .nearest))]
    UnknownMetric {
        /// The name given.
        name: String,
        /// The closest names the summaries have.
        nearest: Vec<String>,
    },
}

fn unknown_metric_text(name: &str, nearest: &[String]) -> String {
    let mut s = format!("max-change {name}: no such metric");
    if !nearest.is_empty() {
        let _ = write!(s, "; did you mean {}?", nearest.join(", "));
    }
    s.push_str(" (compare.json lists every metric)");
    s
}

/// How far a metric may move.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Limit {
    /// Relative change, percent of the baseline.
    Percent(f64),
    /// Absolute change.
    Absolute(f64),
}

/// Set changes that can fail a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// An address not in the baseline.
    NewTalkers,
    /// A baseline address absent now.
    VanishedTalkers,
    /// A port not in the baseline.
    NewPorts,
    /// A baseline port absent now.
    VanishedPorts,
    /// A protocol not in the baseline.
    NewProtocols,
    /// A baseline protocol absent now.
    VanishedProtocols,
    /// The current run had input errors.
    Errors,
    /// The current run has anomaly findings.
    Anomalies,
}

impl Event {
    const ALL: [(Event, &'static str); 8] = [
        (Event::NewTalkers, "new-talkers"),
        (Event::VanishedTalkers, "vanished-talkers"),
        (Event::NewPorts, "new-ports"),
        (Event::VanishedPorts, "vanished-ports"),
        (Event::NewProtocols, "new-protocols"),
        (Event::VanishedProtocols, "vanished-protocols"),
        (Event::Errors, "errors"),
        (Event::Anomalies, "anomalies"),
    ];

    /// Parses `new-talkers` and the like.
    pub fn parse(s: &str) -> Result<Event, CompareError> {
        Event::ALL
            .iter()
            .find(|e| e.1 == s)
            .map(|e| e.0)
            .ok_or_else(|| {
                let names: Vec<&str> = Event::ALL.iter().map(|e| e.1).collect();
                CompareError::BadThreshold(
                    s.into(),
                    format!("expected one of {}", names.join(", ")),
                )
            })
    }

    fn name(self) -> &'static str {
        Event::ALL.iter().find(|e| e.0 == self).map_or("?", |e| e.1)
    }
}

/// What may change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thresholds {
    /// Metric name to its limit.
    pub max_change: BTreeMap<String, Limit>,
    /// Set changes that fail.
    pub fail_on: BTreeSet<Event>,
}

impl Thresholds {
    /// Adds `METRIC=10%` or `METRIC=500`.
    pub fn add_max_change(&mut self, spec: &str) -> Result<(), CompareError> {
        let bad = |why: &str| CompareError::BadThreshold(spec.into(), why.into());
        let (metric, limit) = spec
            .split_once('=')
            .ok_or_else(|| bad("expected METRIC=LIMIT, e.g. bytes=10%"))?;
        let limit = limit.trim();
        let parsed = if let Some(p) = limit.strip_suffix('%') {
            Limit::Percent(p.trim().parse().map_err(|_| bad("not a percentage"))?)
        } else {
            Limit::Absolute(limit.parse().map_err(|_| bad("not a number"))?)
        };
        self.max_change.insert(metric.trim().to_string(), parsed);
        Ok(())
    }

    /// Reads a thresholds file: one `max-change METRIC=LIMIT` or `fail-on EVENT` per line,
    /// `#` comments.
    pub fn add_file(&mut self, path: &Path) -> Result<(), CompareError> {
        let text = std::fs::read_to_string(path).map_err(|e| CompareError::Unreadable {
            path: path.into(),
            why: e.to_string(),
        })?;
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (verb, arg) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            match verb {
                "max-change" => self.add_max_change(arg.trim())?,
                "fail-on" => {
                    self.fail_on.insert(Event::parse(arg.trim())?);
                }
                _ => {
                    return Err(CompareError::BadThreshold(
                        format!("{}:{}: {line}", path.display(), n + 1),
                        "expected 'max-change METRIC=LIMIT' or 'fail-on EVENT'".into(),
                    ))
                }
            }
        }
        Ok(())
    }
}

impl Thresholds {
    /// Checks that every `max-change` metric is a name one of the summaries has; the first
    /// that is not comes back with the nearest names.
    pub fn check_names(&self, sides: &[&Side]) -> Result<(), CompareError> {
        for name in self.max_change.keys() {
            if sides.iter().any(|s| s.names.contains(name)) {
                continue;
            }
            let mut known: Vec<(usize, &String)> = sides
                .iter()
                .flat_map(|s| s.names.iter())
                .map(|k| (edit_distance(name, k), k))
                .collect();
            known.sort();
            known.dedup();
            let limit = (name.len() / 3).max(2);
            let nearest = known
                .iter()
                .filter(|(d, _)| *d <= limit)
                .take(3)
                .map(|(_, k)| (*k).clone())
                .collect();
            return Err(CompareError::UnknownMetric {
                name: name.clone(),
                nearest,
            });
        }
        Ok(())
    }
}

/// Levenshtein distance between `a` and `b`, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// One analysis as the comparison sees it.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// Metrics by name.
    pub metrics: BTreeMap<String, f64>,
    /// Every metric name the summary has, also those without a value in this run (an RTT
    /// with no handshake is null).
    pub names: BTreeSet<String>,
    /// IP addresses.
    pub talkers: BTreeSet<String>,
    /// `proto/port`.
    pub ports: BTreeSet<String>,
    /// Protocols with frames.
    pub protocols: BTreeSet<String>,
    /// Input errors.
    pub errors: u64,
    /// Anomaly findings.
    pub anomalies: u64,
}

fn read(path: &Path) -> Result<String, CompareError> {
    std::fs::read_to_string(path).map_err(|e| CompareError::Unreadable {
        path: path.into(),
        why: e.to_string(),
    })
}

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, f64>, names: &mut BTreeSet<String>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.insert(prefix.to_string(), x);
                names.insert(prefix.to_string());
            }
        }
        Value::Null => {
            names.insert(prefix.to_string());
        }
        Value::Object(map) => {
            for (k, v) in map {
                let key = match prefix {
                    "" => k.clone(),
                    // Protocols are addressed by their own names: tcp.frames.
                    "protocols" => k.clone(),
                    p => format!("{p}.{k}"),
                };
                flatten(&key, v, out, names);
            }
        }
        _ => {}
    }
}

/// Reads a report directory.
pub fn load(dir: &Path) -> Result<Side, CompareError> {
    let path = dir.join("summary.json");
    let summary: Value =
        serde_json::from_str(&read(&path)?).map_err(|e| CompareError::Foreign {
            path: path.clone(),
            why: e.to_string(),
        })?;
    let version = summary["schema_version"]
        .as_u64()
        .ok_or_else(|| CompareError::Foreign {
            path: path.clone(),
            why: "no schema_version".into(),
        })?;
    if version != u64::from(SCHEMA_VERSION) {
        return Err(CompareError::Schema {
            path,
            found: version,
        });
    }
    let mut side = Side::default();
    let mut metrics = BTreeMap::new();
    let mut names = BTreeSet::new();
    flatten("", &summary, &mut metrics, &mut names);
    metrics.retain(|k, _| k != "schema_version");
    names.remove("schema_version");
    if let Some(total) = metrics.remove("flows.total") {
        metrics.insert("flows".into(), total);
    }
    if names.remove("flows.total") {
        names.insert("flows".into());
    }
    names.extend(["errors".to_string(), "anomalies".to_string()]);
    side.metrics = metrics;
    side.names = names;
    side.errors = summary["errors"].as_array().map_or(0, |a| a.len() as u64);
    side.anomalies = summary["anomalies"]
        .as_array()
        .map_or(0, |a| a.len() as u64);
    side.metrics.insert("errors".into(), side.errors as f64);
    side.metrics
        .insert("anomalies".into(), side.anomalies as f64);
    if let Some(protocols) = summary["protocols"].as_object() {
        side.protocols = protocols
            .iter()
            .filter(|(_, c)| c["frames"].as_u64().unwrap_or(0) > 0)
            .map(|(k, _)| k.clone())
            .collect();
    }
    // Full tables when written, else the summary's top lists.
    side.talkers = match std::fs::read_to_string(dir.join("endpoints.csv")) {
        Ok(csv) => csv
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next().map(str::to_string))
            .collect(),
        Err(_) => summary["top_talkers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["address"].as_str().map(str::to_string))
            .collect(),
    };
    side.ports = match std::fs::read_to_string(dir.join("ports.csv")) {
        Ok(csv) => csv
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split(',');
                Some(format!("{}/{}", f.next()?, f.next()?))
            })
            .collect(),
        Err(_) => summary["top_ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some(format!(
                    "{}/{}",
                    p["protocol"].as_str()?,
                    p["port"].as_u64()?
                ))
            })
            .collect(),
    };
    Ok(side)
}

/// One threshold's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `max-change bytes=10%` or `fail-on new-talkers`.
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// Baseline value (max-change).
    pub baseline: Option<f64>,
    /// Current value (max-change).
    pub current: Option<f64>,
    /// Change in percent of the baseline (max-change; null when the baseline is 0).
    pub change_pct: Option<f64>,
    /// What happened, for people.
    pub detail: String,
}

/// Appeared and vanished members of a set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SetDiff {
    /// In the current run only.
    pub new: Vec<String>,
    /// In the baseline only.
    pub vanished: Vec<String>,
}

fn set_diff(a: &BTreeSet<String>, b: &BTreeSet<String>) -> SetDiff {
    SetDiff {
        new: b.difference(a).cloned().collect(),
        vanished: a.difference(b).cloned().collect(),
    }
}

/// Both sides of one metric.
#[derive(Debug, Clone, Serialize)]
pub struct MetricDiff {
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Current value.
    pub current: Option<f64>,
    /// Change in percent of the baseline.
    pub change_pct: Option<f64>,
}

/// `compare.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Schema version of this document.
    pub schema_version: u32,
    /// Baseline directory.
    pub baseline: String,
    /// Current directory.
    pub current: String,
    /// Whether every threshold held.
    pub passed: bool,
    /// Each threshold's verdict.
    pub checks: Vec<Check>,
    /// Every metric of either side.
    pub metrics: BTreeMap<String, MetricDiff>,
    /// Addresses that appeared or vanished.
    pub talkers: SetDiff,
    /// Ports that appeared or vanished.
    pub ports: SetDiff,
    /// Protocols that appeared or vanished.
    pub protocols: SetDiff,
}

/// Members of a new or vanished set shown in the text; compare.json has them all.
const LISTED: usize = 10;

fn pct(a: f64, b: f64) -> Option<f64> {
    (a != 0.0).then(|| (b - a) / a.abs() * 100.0)
}

/// A number for people: integers as they are, fractions to six significant places.
fn short(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = (6 - v.abs().log10().floor() as i32 - 1).clamp(0, 12) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Compares `current` with `baseline` under `thresholds`.
pub fn compare(
    baseline_dir: &Path,
    baseline: &Side,
    current_dir: &Path,
    current: &Side,
    thresholds: &Thresholds,
) -> Comparison {
    let mut metrics = BTreeMap::new();
    for k in baseline.metrics.keys().chain(current.metrics.keys()) {
        let (a, b) = (
            baseline.metrics.get(k).copied(),
            current.metrics.get(k).copied(),
        );
        metrics.insert(
            k.clone(),
            MetricDiff {
                baseline: a,
                current: b,
                change_pct: a.zip(b).and_then(|(a, b)| pct(a, b)),
            },
        );
    }
    let mut checks = Vec::new();
    for (metric, limit) in &thresholds.max_change {
        let limit_text = match limit {
            Limit::Percent(p) => format!("{p}%"),
            Limit::Absolute(a) => format!("{a}"),
        };
        let name = format!("max-change {metric}={limit_text}");
        let (a, b) = (
            baseline.metrics.get(metric).copied(),
            current.metrics.get(metric).copied(),
        );
        let (passed, detail, change) = match (a, b) {
            (Some(a), Some(b)) => {
                let change = pct(a, b);
                let passed = match limit {
                    Limit::Percent(p) => match change {
                        Some(c) => c.abs() <= *p,
                        None => b == 0.0,
                    },
                    Limit::Absolute(x) => (b - a).abs() <= *x,
                };
                let how = match change {
                    Some(c) => format!("{} -> {} ({c:+.2}%)", short(a), short(b)),
                    None => format!("{} -> {}", short(a), short(b)),
                };
                (
                    passed,
                    format!("{metric}: {how}, limit {limit_text}"),
                    change,
                )
            }
            _ => (
                false,
                format!("{metric}: not a metric of both analyses (see compare.json for names)"),
                None,
            ),
        };
        checks.push(Check {
            name,
            passed,
            baseline: a,
            current: b,
            change_pct: change,
            detail,
        });
    }
    let talkers = set_diff(&baseline.talkers, &current.talkers);
    let ports = set_diff(&baseline.ports, &current.ports);
    let protocols = set_diff(&baseline.protocols, &current.protocols);
    let list = |v: &[String]| {
        let mut s = v
            .iter()
            .take(LISTED)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if v.len() > LISTED {
            let _ = write!(s, " and {} more, see compare.json", v.len() - LISTED);
        }
        s
    };
    for &event in &thresholds.fail_on {
        let (count, what) = match event {
            Event::NewTalkers => (talkers.new.len(), list(&talkers.new)),
            Event::VanishedTalkers => (talkers.vanished.len(), list(&talkers.vanished)),
            Event::NewPorts => (ports.new.len(), list(&ports.new)),
            Event::VanishedPorts => (ports.vanished.len(), list(&ports.vanished)),
            Event::NewProtocols => (protocols.new.len(), list(&protocols.new)),
            Event::VanishedProtocols => (protocols.vanished.len(), list(&protocols.vanished)),
            Event::Errors => (current.errors as usize, "input errors in this run".into()),
            Event::Anomalies => (
                current.anomalies as usize,
                "anomaly findings in this run".into(),
            ),
        };
        checks.push(Check {
            name: format!("fail-on {}", event.name()),
            passed: count == 0,
            baseline: None,
            current: None,
            change_pct: None,
            detail: if count == 0 {
                format!("no {}", event.name())
            } else {
                format!("{count} {}: {what}", event.name())
            },
        });
    }
    Comparison {
        schema_version: SCHEMA_VERSION,
        baseline: baseline_dir.display().to_string(),
        current: current_dir.display().to_string(),
        passed: checks.iter().all(|c| c.passed),
        checks,
        metrics,
        talkers,
        ports,
        protocols,
    }
}

impl Comparison {
    /// The readable diff.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "baseline: {}\ncurrent:  {}", self.baseline, self.current);
        let _ = writeln!(
            s,
            "{:<28} {:>16} {:>16} {:>10}",
            "metric", "baseline", "current", "change"
        );
        for key in [
            "packets",
            "bytes",
            "duration_s",
            "packets_per_s",
            "bits_per_s",
            "flows",
            "conversations_total",
            "endpoints_total",
            "tcp.handshakes",
            "tcp.handshake_rtt.p50",
            "icmp.rtt.p50",
            "errors",
            "anomalies",
        ] {
            if let Some(m) = self.metrics.get(key) {
                let f = |v: Option<f64>| v.map_or("-".to_string(), short);
                let c = m.change_pct.map_or("".into(), |c| format!("{c:+.2}%"));
                let _ = writeln!(
                    s,
                    "{key:<28} {:>16} {:>16} {c:>10}",
                    f(m.baseline),
                    f(m.current)
                );
            }
        }
        for (name, d) in [
            ("talkers", &self.talkers),
            ("ports", &self.ports),
            ("protocols", &self.protocols),
        ] {
            if !d.new.is_empty() || !d.vanished.is_empty() {
                let _ = writeln!(
                    s,
                    "{name}: {} new, {} vanished",
                    d.new.len(),
                    d.vanished.len()
                );
                for (sign, list) in [('+', &d.new), ('-', &d.vanished)] {
                    for n in list.iter().take(LISTED) {
                        let _ = writeln!(s, "  {sign} {n}");
                    }
                    if list.len() > LISTED {
                        let _ = writeln!(
                            s,
                            "  {sign} … and {} more, see compare.json",
                            list.len() - LISTED
                        );
                    }
                }
            }
        }
        for c in &self.checks {
            let _ = writeln!(
                s,
                "{} {}: {}",
                if c.passed { "PASS" } else { "FAIL" },
                c.name,
                c.detail
            );
        }
        let failed = self.checks.iter().filter(|c| !c.passed).count();
        let total = self.checks.len();
        let checks = if total == 1 { "check" } else { "checks" };
        let _ = if total == 0 {
            writeln!(s, "passed: no thresholds set (--max-change, --fail-on)")
        } else if self.passed {
            writeln!(s, "passed: {total} of {total} {checks}")
        } else {
            writeln!(s, "FAILED: {failed} of {total} {checks} failed")
        };
        s
    }

    /// JUnit XML, one test case per check.
    pub fn junit(&self) -> String {
        let failures = self.checks.iter().filter(|c| !c.passed).count();
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            r#"<testsuites><testsuite name="netanalyzer compare" tests="{}" failures="{failures}" errors="0">"#,
            self.checks.len()
        );
        for c in &self.checks {
            let name = crate::text::escape::esc(&c.name);
            let detail = crate::text::escape::esc(&c.detail);
            if c.passed {
                let _ = writeln!(
                    s,
                    r#"<testcase classname="netanalyzer.compare" name="{name}"><system-out>{detail}</system-out></testcase>"#
                );
            } else {
                let _ = writeln!(
                    s,
                    r#"<testcase classname="netanalyzer.compare" name="{name}"><failure message="{detail}">{detail}</failure></testcase>"#
                );
            }
        }
        s.push_str("</testsuite></testsuites>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(bytes: f64, talkers: &[&str]) -> Side {
        Side {
            metrics: [("bytes".to_string(), bytes)].into_iter().collect(),
            talkers: talkers.iter().map(|t| t.to_string()).collect(),
            ..Side::default()
        }
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(short(243_989.67), "243990");
        assert_eq!(short(46.130_265_7), "46.1303");
        assert_eq!(short(0.018_481_152), "0.0184812");
        assert_eq!(short(314.0), "314");
    }

    #[test]
    fn percent_and_absolute_limits() {
        let mut t = Thresholds::default();
        t.add_max_change("bytes=10%").expect("valid");
        let p = Path::new("x");
        assert!(compare(p, &side(100.0, &[]), p, &side(109.0, &[]), &t).passed);
        assert!(!compare(p, &side(100.0, &[]), p, &side(111.0, &[]), &t).passed);
        assert!(!compare(p, &side(100.0, &[]), p, &side(85.0, &[]), &t).passed);
        let mut abs = Thresholds::default();
        abs.add_max_change("bytes=5").expect("valid");
        assert!(compare(p, &side(100.0, &[]), p, &side(104.0, &[]), &abs).passed);
        assert!(!compare(p, &side(0.0, &[]), p, &side(6.0, &[]), &abs).passed);
        assert!(Thresholds::default().add_max_change("bytes").is_err());
        assert!(Thresholds::default().add_max_change("bytes=ten%").is_err());
    }

    #[test]
    fn unknown_metrics_are_named_with_the_nearest() {
        let mut a = side(1.0, &[]);
        a.names = ["bytes", "packets", "tcp.handshake_rtt.p50"]
            .map(String::from)
            .into();
        let mut t = Thresholds::default();
        t.add_max_change("tcp.handshake_rtt.p50=5%").expect("valid");
        assert!(t.check_names(&[&a]).is_ok());
        t.add_max_change("byts=10%").expect("valid");
        match t.check_names(&[&a]) {
            Err(CompareError::UnknownMetric { name, nearest }) => {
                assert_eq!(name, "byts");
                assert_eq!(nearest, ["bytes"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn long_lists_say_how_many_more() {
        let p = Path::new("x");
        let many: Vec<String> = (0..27).map(|i| format!("10.0.0.{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let c = compare(
            p,
            &side(1.0, &[]),
            p,
            &side(1.0, &many),
            &Thresholds::default(),
        );
        let text = c.text();
        assert!(text.contains("talkers: 27 new"), "{text}");
        assert!(text.contains("… and 17 more, see compare.json"), "{text}");
        assert_eq!(text.matches("  + ").count(), 11, "{text}");
    }

    #[test]
    fn the_closing_line_counts_checks() {
        let p = Path::new("x");
        let mut t = Thresholds::default();
        t.add_max_change("bytes=10%").expect("valid");
        let pass = compare(p, &side(100.0, &[]), p, &side(101.0, &[]), &t).text();
        assert!(pass.ends_with("passed: 1 of 1 check\n"), "{pass}");
        let fail = compare(p, &side(100.0, &[]), p, &side(200.0, &[]), &t).text();
        assert!(fail.ends_with("FAILED: 1 of 1 check failed\n"), "{fail}");
    }

    #[test]
    fn new_talkers_fail_only_when_asked() {
        let p = Path::new("x");
        let (a, b) = (
            side(1.0, &["10.0.0.1"]),
            side(1.0, &["10.0.0.1", "10.0.0.9"]),
        );
        assert!(compare(p, &a, p, &b, &Thresholds::default()).passed);
        let mut t = Thresholds::default();
        t.fail_on.insert(Event::NewTalkers);
        let c = compare(p, &a, p, &b, &t);
        assert!(!c.passed);
        assert_eq!(c.talkers.new, ["10.0.0.9"]);
        assert!(c.junit().contains("<failure"));
    }
}
