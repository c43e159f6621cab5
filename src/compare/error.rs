//! Why a comparison could not be made.

use std::fmt::Write as _;
use std::path::PathBuf;

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
