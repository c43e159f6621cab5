//! Sorted runs of records on disk, and their k-way merge: how tables larger than memory are
//! kept (flows finished early, the conversation table beyond `Limits::max_conversations`, and
//! the report tables built from it).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;

use super::codec::{decode_exact, encode_into, RunRecord};

/// Writes `records`, already in order, to a new file in `dir`, each after its length.
pub(super) fn write_run<T: RunRecord>(
    dir: &Path,
    name: &str,
    records: &[T],
) -> io::Result<PathBuf> {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let n = RUNS.fetch_add(1, AtomicOrdering::Relaxed);
    let path = dir.join(format!("{name}-{n}.bin"));
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        let mut buf = Vec::with_capacity(256);
        for r in records {
            buf.clear();
            encode_into(r, &mut buf);
            out.write_all(&(buf.len() as u32).to_le_bytes())?;
            out.write_all(&buf)?;
        }
        out.flush()
    })();
    match written {
        Ok(()) => Ok(path),
        Err(e) => {
            // A run cut short is of no use, and on a full disk its bytes are what others need.
            let _ = std::fs::remove_file(&path);
            Err(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        }
    }
}

struct RunReader {
    path: PathBuf,
    input: BufReader<File>,
    buf: Vec<u8>,
}

impl RunReader {
    fn open(path: &Path) -> io::Result<RunReader> {
        Ok(RunReader {
            path: path.to_path_buf(),
            input: BufReader::with_capacity(1 << 16, File::open(path)?),
            buf: Vec::new(),
        })
    }

    fn damaged(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: damaged record", self.path.display()),
        )
    }

    fn next<T: RunRecord>(&mut self) -> io::Result<Option<T>> {
        let mut len = [0u8; 4];
        let mut filled = 0;
        while filled < len.len() {
            match self.input.read(&mut len[filled..]) {
                Ok(0) if filled == 0 => return Ok(None),
                Ok(0) => return Err(self.damaged()),
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.buf.resize(u32::from_le_bytes(len) as usize, 0);
        match self.input.read_exact(&mut self.buf) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(self.damaged()),
            Err(e) => return Err(e),
        }
        decode_exact(&self.buf)
            .map(Some)
            .ok_or_else(|| self.damaged())
    }
}

/// A run's next record in the merge: the heap's least is the smallest record, then the
/// earliest run.
struct Head<'a, T> {
    record: T,
    run: usize,
    order: &'a dyn Fn(&T, &T) -> Ordering,
}

impl<T> Ord for Head<'_, T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: `BinaryHeap` pops its greatest.
        (self.order)(&other.record, &self.record).then(other.run.cmp(&self.run))
    }
}

impl<T> PartialOrd for Head<'_, T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> PartialEq for Head<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T> Eq for Head<'_, T> {}

/// Calls `each` with every record of `runs`, each run sorted by `order`, in `order`; records
/// that compare equal come in run order.
pub(super) fn merge_runs<T: RunRecord>(
    runs: &[PathBuf],
    order: impl Fn(&T, &T) -> Ordering,
    mut each: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let mut readers = runs
        .iter()
        .map(|p| RunReader::open(p))
        .collect::<io::Result<Vec<_>>>()?;
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (run, r) in readers.iter_mut().enumerate() {
        if let Some(record) = r.next()? {
            heap.push(Head {
                record,
                run,
                order: &order,
            });
        }
    }
    while let Some(Head { record, run, .. }) = heap.pop() {
        if let Some(next) = readers[run].next()? {
            heap.push(Head {
                record: next,
                run,
                order: &order,
            });
        }
        each(record)?;
    }
    Ok(())
}

/// Calls `each` once per key of `runs`, each run sorted by `key` and holding a key at most once,
/// with the records of that key folded into the one from the earliest run by `combine`.
pub(super) fn merge_runs_by_key<T: RunRecord, K: Ord>(
    runs: &[PathBuf],
    key: fn(&T) -> K,
    combine: fn(&mut T, &T),
    mut each: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let mut pending: Option<T> = None;
    merge_runs(
        runs,
        |a: &T, b: &T| key(a).cmp(&key(b)),
        |r| {
            match &mut pending {
                Some(p) if key(p) == key(&r) => combine(p, &r),
                _ => {
                    if let Some(done) = pending.replace(r) {
                        each(done)?;
                    }
                }
            }
            Ok(())
        },
    )?;
    match pending {
        Some(last) => each(last),
        None => Ok(()),
    }
}

/// Records in one order: all in memory, or in runs on disk each in that order, merged as they
/// are read (never both). The report's tables, flows and others, are kept this way.
pub struct SortedRows<T> {
    resident: Vec<T>,
    runs: Vec<PathBuf>,
    order: fn(&T, &T) -> Ordering,
    /// Keeps the runs' folders until the rows are dropped.
    _dirs: Vec<Arc<tempfile::TempDir>>,
}

impl<T: RunRecord> SortedRows<T> {
    /// `rows`, already in `order`, in memory.
    pub fn resident(rows: Vec<T>, order: fn(&T, &T) -> Ordering) -> Self {
        SortedRows {
            resident: rows,
            runs: Vec::new(),
            order,
            _dirs: Vec::new(),
        }
    }

    /// The records of `runs`, each in `order`, in files that `dirs` keep.
    pub fn on_disk(
        runs: Vec<PathBuf>,
        order: fn(&T, &T) -> Ordering,
        dirs: Vec<Arc<tempfile::TempDir>>,
    ) -> Self {
        SortedRows {
            resident: Vec::new(),
            runs,
            order,
            _dirs: dirs,
        }
    }

    /// Hands `each` every record, in order, in slices of at most `max`.
    pub fn for_each_chunk(
        &self,
        max: usize,
        mut each: impl FnMut(&[T]) -> io::Result<()>,
    ) -> io::Result<()> {
        let max = max.max(1);
        if self.runs.is_empty() {
            for chunk in self.resident.chunks(max) {
                each(chunk)?;
            }
            return Ok(());
        }
        let mut chunk = Vec::with_capacity(max.min(1 << 16));
        merge_runs(&self.runs, self.order, |r| {
            chunk.push(r);
            if chunk.len() == max {
                each(&chunk)?;
                chunk.clear();
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            each(&chunk)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::codec::{Decoder, Encoder};
    use super::*;

    impl RunRecord for (u32, u32) {
        fn encode(&self, out: &mut Encoder<'_>) {
            out.u64s(&[self.0.into(), self.1.into()]);
        }
        fn decode(r: &mut Decoder<'_>) -> Option<Self> {
            Some((r.u64()?.try_into().ok()?, r.u64()?.try_into().ok()?))
        }
    }

    #[test]
    fn merges_in_order_with_ties_in_run_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = write_run(dir.path(), "t", &[(1, 0), (3, 0), (5, 0)]).expect("run");
        let b = write_run(dir.path(), "t", &[(2, 1), (3, 1), (6, 1)]).expect("run");
        let mut out = Vec::new();
        merge_runs(
            &[a, b.clone()],
            |x: &(u32, u32), y| x.0.cmp(&y.0),
            |r| {
                out.push(r);
                Ok(())
            },
        )
        .expect("merge");
        assert_eq!(out, [(1, 0), (2, 1), (3, 0), (3, 1), (5, 0), (6, 1)]);
        // A cut run is an error naming the file, not a short table.
        let bytes = std::fs::read(&b).expect("read");
        std::fs::write(&b, &bytes[..bytes.len() - 3]).expect("cut");
        let err =
            merge_runs(&[b], |x: &(u32, u32), y| x.cmp(y), |_| Ok(())).expect_err("a cut run");
        assert!(err.to_string().contains("damaged record"), "{err}");
    }
}
