//! `analyze --follow DIR`: analyze each capture file of a directory once it is complete, in
//! time order, into one running analysis, and remember which files are done in a state file in
//! the output directory so that a restart neither skips nor double-counts a file.
//!
//! A file is complete when `netanalyzer capture` has renamed it from `.part` and written its
//! `.json` record beside it, or, for files written by other tools, when it has not changed for
//! [`SETTLE`]. A file is known by its name, size and modification time: one a ring rewrites in
//! place under the same name is a new file, analyzed again once complete. A restart rebuilds the running totals by reading the done files again (at disk
//! speed); files a ring has deleted since cannot be read again and drop out of the totals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::analyze::{analyze_file, Aggregate, Analysis, Context, Options};
use crate::read;

/// How long a file without a capture record must stay unchanged before it is taken.
pub const SETTLE: Duration = Duration::from_secs(5);

/// Name of the state file in the output directory.
pub const STATE_FILE: &str = "follow-state.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    schema_version: u32,
    dir: String,
    /// Done files, in the order analyzed.
    files: Vec<DoneFile>,
}

/// A file analyzed: its name relative to the followed directory, and what it was then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum DoneFile {
    Stamped {
        name: String,
        size: u64,
        modified_ns: i64,
    },
    /// Schema 1 kept names only.
    Name(String),
}

impl DoneFile {
    fn name(&self) -> &str {
        match self {
            DoneFile::Stamped { name, .. } | DoneFile::Name(name) => name,
        }
    }

    fn stamp(&self) -> Option<Stamp> {
        match self {
            DoneFile::Stamped {
                size, modified_ns, ..
            } => Some(Stamp {
                size: *size,
                modified_ns: *modified_ns,
            }),
            DoneFile::Name(_) => None,
        }
    }
}

/// What a file was when it was read: a file rewritten in place under its name differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified_ns: i64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        Stamp {
            size: meta.len(),
            modified_ns,
        }
    }
}

/// A running analysis of a directory.
pub struct Follower {
    dir: PathBuf,
    state_path: PathBuf,
    opts: Options,
    ctx: Option<Context>,
    /// The stamp each done file had when it was read (`None`: named by an older state file).
    done: BTreeMap<String, Option<Stamp>>,
    order: Vec<DoneFile>,
    analysis: Analysis,
}

impl Follower {
    /// Starts following `dir`, writing state into `out_dir`; files a previous run finished are
    /// read again to rebuild the totals.
    pub fn new(dir: &Path, out_dir: &Path, opts: Options) -> std::io::Result<Follower> {
        std::fs::create_dir_all(out_dir)?;
        let state_path = out_dir.join(STATE_FILE);
        let state: State = match std::fs::read_to_string(&state_path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", state_path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(e),
        };
        let mut total = Aggregate::default();
        total.app = opts.app;
        let spill_root = opts
            .spill_dir
            .clone()
            .unwrap_or_else(|| out_dir.to_path_buf());
        total.finished.set_root(spill_root.clone());
        total.conv_archive.set_root(spill_root);
        total.conv_archive.set_limit(opts.limits.max_conversations);
        let mut follower = Follower {
            dir: dir.to_path_buf(),
            state_path,
            ctx: None,
            done: BTreeMap::new(),
            order: Vec::new(),
            analysis: Analysis {
                total,
                files: Vec::new(),
                skipped: Vec::new(),
                interval_ns: opts.interval_ns.max(1),
                base_ts: 0,
            },
            opts,
        };
        for done in state.files {
            let path = follower.dir.join(done.name());
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() => follower.ingest(done.name(), &path, Stamp::of(&meta)),
                _ => {
                    // Deleted since (a ring): remembered as done, no longer counted.
                    follower.done.insert(done.name().to_string(), done.stamp());
                    follower.order.push(done);
                }
            }
        }
        Ok(follower)
    }

    /// The running analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Files analyzed so far, in order (a file rewritten in place is named again).
    pub fn done(&self) -> Vec<&str> {
        self.order.iter().map(DoneFile::name).collect()
    }

    fn ingest(&mut self, name: &str, path: &Path, stamp: Stamp) {
        let ctx = *self.ctx.get_or_insert_with(|| {
            let base_ts = read::first_timestamp(path).unwrap_or(0);
            Context {
                base_ts,
                interval_ns: self.opts.interval_ns.max(1),
                collect_packets: false,
                interval_top: self.opts.interval_top,
                app: self.opts.app,
            }
        });
        self.analysis.base_ts = ctx.base_ts;
        let report = analyze_file(
            path,
            &ctx,
            &self.opts,
            &mut self.analysis.total,
            &mut |_| {},
            &mut None,
        );
        self.analysis.files.push(report);
        self.done.insert(name.to_string(), Some(stamp));
        self.order.push(DoneFile::Stamped {
            name: name.to_string(),
            size: stamp.size,
            modified_ns: stamp.modified_ns,
        });
    }

    /// Analyzes the files completed since the last call, in time order; returns how many.
    pub fn poll(&mut self) -> std::io::Result<usize> {
        let mut ready: Vec<(Option<i64>, String, PathBuf, Stamp)> = Vec::new();
        let now = SystemTime::now();
        for entry in std::fs::read_dir(&self.dir)? {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if name.ends_with(".part") || name.ends_with(".json") || name.starts_with('.') {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let stamp = Stamp::of(&meta);
            match self.done.get(&name) {
                // Done, and as it was then (an older state file's names are taken as done).
                Some(None) => continue,
                Some(Some(done)) if *done == stamp => continue,
                _ => {}
            }
            let recorded = crate::capture::rotate::record_path(&path).is_file();
            let settled = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age >= SETTLE);
            if !(recorded || settled) || !read::looks_like_capture(&path) {
                continue;
            }
            ready.push((read::first_timestamp(&path), name, path, stamp));
        }
        ready.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let n = ready.len();
        for (_, name, path, stamp) in ready {
            self.ingest(&name, &path, stamp);
            self.save()?;
        }
        Ok(n)
    }

    fn save(&self) -> std::io::Result<()> {
        let state = State {
            schema_version: 2,
            dir: self.dir.display().to_string(),
            files: self.order.clone(),
        };
        let tmp = self.state_path.with_extension("json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(&state).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&tmp, &self.state_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_files_of_both_schemas_are_read() {
        let v1 = r#"{"schema_version":1,"dir":"/cap","files":["a.pcap","b.pcap"]}"#;
        let state: State = serde_json::from_str(v1).expect("schema 1");
        assert_eq!(state.files[1], DoneFile::Name("b.pcap".into()));
        assert_eq!(state.files[1].stamp(), None);
        let v2 = State {
            schema_version: 2,
            dir: "/cap".into(),
            files: vec![DoneFile::Stamped {
                name: "a.pcap".into(),
                size: 314,
                modified_ns: 1_764_000_000_123_456_789,
            }],
        };
        let text = serde_json::to_string(&v2).expect("json");
        let back: State = serde_json::from_str(&text).expect("schema 2");
        assert_eq!(back.files, v2.files);
        assert_eq!(
            back.files[0].stamp(),
            Some(Stamp {
                size: 314,
                modified_ns: 1_764_000_000_123_456_789
            })
        );
    }
}
