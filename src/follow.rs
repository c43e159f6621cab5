//! `analyze --follow DIR`: analyze each capture file of a directory once it is complete, in
//! time order, into one running analysis, and remember which files are done in a state file in
//! the output directory so that a restart neither skips nor double-counts a file.
//!
//! A file is complete when `netanalyzer capture` has renamed it from `.part` and written its
//! `.json` record beside it, or, for files written by other tools, when it has not changed for
//! [`SETTLE`]. A restart rebuilds the running totals by reading the done files again (at disk
//! speed); files a ring has deleted since cannot be read again and drop out of the totals.

use std::collections::BTreeSet;
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
    /// Done files, by name relative to the followed directory, in the order analyzed.
    files: Vec<String>,
}

/// A running analysis of a directory.
pub struct Follower {
    dir: PathBuf,
    state_path: PathBuf,
    opts: Options,
    ctx: Option<Context>,
    done: BTreeSet<String>,
    order: Vec<String>,
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
            done: BTreeSet::new(),
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
        for name in state.files {
            let path = follower.dir.join(&name);
            if path.is_file() {
                follower.ingest(&name, &path);
            } else {
                // Deleted since (a ring): remembered as done, no longer counted.
                follower.done.insert(name.clone());
                follower.order.push(name);
            }
        }
        Ok(follower)
    }

    /// The running analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Files analyzed so far, in order.
    pub fn done(&self) -> &[String] {
        &self.order
    }

    fn ingest(&mut self, name: &str, path: &Path) {
        let ctx = *self.ctx.get_or_insert_with(|| {
            let base_ts = read::first_timestamp(path).unwrap_or(0);
            Context {
                base_ts,
                interval_ns: self.opts.interval_ns.max(1),
                collect_packets: false,
                interval_top: self.opts.interval_top,
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
        self.done.insert(name.to_string());
        self.order.push(name.to_string());
    }

    /// Analyzes the files completed since the last call, in time order; returns how many.
    pub fn poll(&mut self) -> std::io::Result<usize> {
        let mut ready: Vec<(Option<i64>, String, PathBuf)> = Vec::new();
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
            if self.done.contains(&name) || name.ends_with(".part") || name.ends_with(".json") {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
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
            ready.push((read::first_timestamp(&path), name, path));
        }
        ready.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let n = ready.len();
        for (_, name, path) in ready {
            self.ingest(&name, &path);
            self.save()?;
        }
        Ok(n)
    }

    fn save(&self) -> std::io::Result<()> {
        let state = State {
            schema_version: 1,
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
