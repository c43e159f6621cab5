//! A report table in a fixed order, held in memory or, when it was built from more rows than
//! memory should hold, as runs on disk each in that order, merged as it is read.

use std::cmp::Ordering;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::codec::RunRecord;
use super::runs::{write_run, SortedRows};

/// Rows per run written while building a table on disk.
const RUN_ROWS: usize = 1 << 16;

/// Rows in `order`, and the first few at hand.
pub struct SortedTable<T> {
    rows: SortedRows<T>,
    len: u64,
    top: Vec<T>,
}

impl<T: RunRecord + Clone + Send + Sync> SortedTable<T> {
    /// The table of `rows`, all in memory; the first `top` kept at hand. `order` must tell
    /// any two rows apart (the rows are sorted on all cores, not stably).
    pub fn from_vec(mut rows: Vec<T>, order: fn(&T, &T) -> Ordering, top: usize) -> Self {
        rows.par_sort_unstable_by(order);
        SortedTable {
            top: rows.iter().take(top).cloned().collect(),
            len: rows.len() as u64,
            rows: SortedRows::resident(rows, order),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first rows, as many as asked for when the table was built.
    pub fn top(&self) -> &[T] {
        &self.top
    }

    /// Calls `each` with consecutive slices of at most `max` rows, all in order.
    pub fn for_each_chunk(
        &self,
        max: usize,
        each: impl FnMut(&[T]) -> io::Result<()>,
    ) -> io::Result<()> {
        self.rows.for_each_chunk(max, each)
    }
}

/// The first `n` in `order` of the rows offered, kept without holding the others.
pub struct Top<T> {
    rows: Vec<T>,
    n: usize,
    order: fn(&T, &T) -> Ordering,
}

impl<T> Top<T> {
    /// Keeps the first `n` rows in `order`.
    pub fn new(n: usize, order: fn(&T, &T) -> Ordering) -> Self {
        Top {
            rows: Vec::new(),
            n,
            order,
        }
    }

    /// The row a newcomer must come before to be kept, once `n` are held; `None` before.
    pub fn bar(&self) -> Option<&T> {
        self.rows.get(self.n.checked_sub(1)?)
    }

    /// Whether `row` would be among the first `n` of the rows offered so far.
    pub fn wants(&self, row: &T) -> bool {
        self.n > 0 && self.bar().is_none_or(|bar| (self.order)(row, bar).is_lt())
    }

    /// Takes `row`, which [`Top::wants`].
    pub fn push(&mut self, row: T) {
        self.rows.push(row);
        // Sorted as soon as it is full, so `rows[n - 1]` is the least of the first `n`: a bar
        // no lower than the true one, which lets no contender through wrongly.
        if self.rows.len() == self.n || self.rows.len() >= 2 * self.n {
            self.rows.sort_by(self.order);
            self.rows.truncate(self.n);
        }
    }

    /// The rows kept, in order.
    pub fn into_sorted(mut self) -> Vec<T> {
        self.rows.sort_by(self.order);
        self.rows.truncate(self.n);
        self.rows
    }
}

/// Builds a [`SortedTable`] on disk from rows in any order, a run at a time.
pub struct SortedBuilder<T> {
    dir: Arc<tempfile::TempDir>,
    chunk: Vec<T>,
    runs: Vec<PathBuf>,
    len: u64,
    top: Top<T>,
    order: fn(&T, &T) -> Ordering,
}

impl<T: RunRecord + Clone + Send + Sync> SortedBuilder<T> {
    /// A builder writing its runs into `dir`, keeping the first `top` rows at hand.
    pub fn new(dir: Arc<tempfile::TempDir>, order: fn(&T, &T) -> Ordering, top: usize) -> Self {
        SortedBuilder {
            dir,
            chunk: Vec::new(),
            runs: Vec::new(),
            len: 0,
            top: Top::new(top, order),
            order,
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: T) -> io::Result<()> {
        self.len += 1;
        if self.top.wants(&row) {
            self.top.push(row.clone());
        }
        self.chunk.push(row);
        if self.chunk.len() == RUN_ROWS {
            self.write_chunk()?;
        }
        Ok(())
    }

    fn write_chunk(&mut self) -> io::Result<()> {
        self.chunk.sort_by(self.order);
        self.runs
            .push(write_run(self.dir.path(), "rows", &self.chunk)?);
        self.chunk.clear();
        Ok(())
    }

    /// The table of every row pushed.
    pub fn finish(mut self) -> io::Result<SortedTable<T>> {
        if !self.chunk.is_empty() {
            self.write_chunk()?;
        }
        Ok(SortedTable {
            rows: SortedRows::on_disk(self.runs, self.order, vec![self.dir]),
            len: self.len,
            top: self.top.into_sorted(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::codec::{Decoder, Encoder};
    use super::*;

    impl RunRecord for u32 {
        fn encode(&self, out: &mut Encoder<'_>) {
            out.u64((*self).into());
        }
        fn decode(r: &mut Decoder<'_>) -> Option<Self> {
            r.u64()?.try_into().ok()
        }
    }

    #[test]
    fn the_top_rows_are_the_first_in_order_whatever_order_they_came_in() {
        let most_first = |a: &u32, b: &u32| b.cmp(a);
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        let mut b = SortedBuilder::new(dir, most_first, 3);
        // The first three pushed hold the largest: the later ones must still displace the rest.
        for v in [1, 2, 100, 50, 60, 3, 70_000] {
            b.push(v).expect("push");
        }
        for v in 0..100_000u32 {
            b.push(v % 40).expect("push");
        }
        let table = b.finish().expect("finish");
        assert_eq!(table.top(), [70_000, 100, 60]);
        assert_eq!(table.len(), 100_007);
        let mut all = Vec::new();
        table
            .for_each_chunk(1000, |c| {
                all.extend_from_slice(c);
                Ok(())
            })
            .expect("read back");
        assert_eq!(all.len(), 100_007);
        assert!(all.windows(2).all(|w| w[0] >= w[1]), "in order across runs");
        assert_eq!(&all[..3], table.top());
    }
}
