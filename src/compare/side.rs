//! One report directory read for comparison: summary.json's numbers by dotted name, and the
//! sets of talkers, ports and protocols.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::error::CompareError;
use crate::report::summary::SCHEMA_VERSION;

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
