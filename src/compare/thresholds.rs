//! The thresholds a comparison checks: how far a metric may move, and which events fail it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::error::CompareError;
use super::side::Side;

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

    pub(super) fn name(self) -> &'static str {
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
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
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
