//! Two analyses side by side, for CI: totals, protocol mix, RTTs, and the talkers, ports and
//! protocols that appeared or vanished, checked against thresholds.
//!
//! Inputs are two report directories written by `analyze` (their `summary.json`, and
//! `endpoints.csv`/`ports.csv` when present). Metrics are `summary.json`'s numbers by dotted
//! name, with protocols shortened to `PROTO.frames`/`PROTO.bytes` and `flows.total` to `flows`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::report::summary::SCHEMA_VERSION;

mod error;
mod side;
mod thresholds;

pub use error::CompareError;
pub use side::{load, Side};
pub use thresholds::{Event, Limit, Thresholds};

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
    use super::thresholds::edit_distance;
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
