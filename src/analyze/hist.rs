//! Fixed-size histograms that merge by addition, so per-batch partials combine in any order.

use serde::Serialize;

/// `len` zeros, written rather than asked of the allocator zeroed: the fresh pages of a zeroed
/// allocation that is read before it is written map the shared zero page and fault again on the
/// first write, and in a process running on several cores that fault interrupts the others to
/// flush their TLBs.
#[allow(clippy::slow_vector_initialization)] // deliberately not `vec![0; len]`, as above
pub(crate) fn written_zeros(len: usize) -> Vec<u64> {
    let mut zeros = Vec::with_capacity(len);
    zeros.resize(len, 0);
    zeros
}

/// `counts`, given `len` zeros first if it has none yet: histograms allocate at their first
/// value, so an empty one (most of a batch's) costs nothing.
#[inline]
fn allocated(counts: &mut Vec<u64>, len: usize) -> &mut [u64] {
    if counts.is_empty() {
        *counts = written_zeros(len);
    }
    counts
}

/// Adds the counts of `from` to those of `into` (`len` of them once allocated).
fn add_counts(into: &mut Vec<u64>, from: &[u64], len: usize) {
    if from.is_empty() {
        return;
    }
    for (a, b) in allocated(into, len).iter_mut().zip(from) {
        *a += b;
    }
}

/// Whether two lists of counts are equal, missing counts being zero.
fn same_counts(a: &[u64], b: &[u64]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long[..short.len()] == *short && long[short.len()..].iter().all(|&c| c == 0)
}

/// Exact counts of values below [`LinearHist::EXACT`], log-spaced buckets above.
///
/// Packet sizes: exact percentiles for every Ethernet-sized frame, within 1.6% beyond.
/// The counts are allocated at the first value.
#[derive(Clone, Default)]
pub struct LinearHist {
    exact: Vec<u64>,
    above: LogHist,
}

impl PartialEq for LinearHist {
    fn eq(&self, other: &Self) -> bool {
        same_counts(&self.exact, &other.exact) && self.above == other.above
    }
}

impl Eq for LinearHist {}

/// The counted values and their counts, whether or not the counts were ever allocated.
impl std::fmt::Debug for LinearHist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let exact = self.exact.iter().enumerate().filter(|(_, &c)| c > 0);
        f.debug_map()
            .entries(exact.map(|(v, c)| (v as u64, *c)))
            .entries(self.above.iter())
            .finish()
    }
}

impl LinearHist {
    /// Values below this are counted exactly.
    pub const EXACT: u64 = 2048;

    /// Counts one value.
    #[inline]
    pub fn add(&mut self, v: u64) {
        if v < Self::EXACT {
            allocated(&mut self.exact, Self::EXACT as usize)[v as usize] += 1;
        } else {
            self.above.add(v);
        }
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &LinearHist) {
        add_counts(&mut self.exact, &other.exact, Self::EXACT as usize);
        self.above.merge(&other.above);
    }

    /// Forgets every value, keeping the memory.
    pub fn clear(&mut self) {
        self.exact.fill(0);
        self.above.clear();
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.exact.iter().sum::<u64>() + self.above.count()
    }

    /// The smallest value `v` such that at least `q` of the values are `<= v`.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = rank_for(q, n);
        let mut seen = 0;
        for (v, c) in self.exact.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(v as u64);
            }
        }
        self.above.quantile_from(rank - seen)
    }

    /// Counts of values falling in `[edges[i], edges[i+1])`, the last bucket open-ended.
    pub fn buckets(&self, edges: &[u64]) -> Vec<u64> {
        let mut out = vec![0; edges.len()];
        let slot = |v: u64| edges.iter().rposition(|&e| v >= e);
        for (v, &c) in self.exact.iter().enumerate() {
            if c > 0 {
                if let Some(i) = slot(v as u64) {
                    out[i] += c;
                }
            }
        }
        for (v, c) in self.above.iter() {
            if let Some(i) = slot(v) {
                out[i] += c;
            }
        }
        out
    }
}

/// Log-linear buckets: exact below 1024, then 64 buckets per power of two (1.6% wide).
/// The buckets are allocated at the first value.
#[derive(Clone, Default)]
pub struct LogHist {
    counts: Vec<u64>,
}

impl PartialEq for LogHist {
    fn eq(&self, other: &Self) -> bool {
        same_counts(&self.counts, &other.counts)
    }
}

impl Eq for LogHist {}

/// Bucket values and their counts, whether or not the buckets were ever allocated.
impl std::fmt::Debug for LogHist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

const SUB_BITS: u32 = 6;
const LINEAR: u64 = 1024;
const BUCKETS: usize = LINEAR as usize + (64 - 10) * (1 << SUB_BITS);

impl LogHist {
    #[inline]
    fn index(v: u64) -> usize {
        if v < LINEAR {
            return v as usize;
        }
        let exp = 63 - v.leading_zeros(); // >= 10
        let sub = (v >> (exp - SUB_BITS)) & ((1 << SUB_BITS) - 1);
        LINEAR as usize + (exp as usize - 10) * (1 << SUB_BITS) + sub as usize
    }

    /// The middle of bucket `i`.
    fn value(i: usize) -> u64 {
        if i < LINEAR as usize {
            return i as u64;
        }
        let j = i - LINEAR as usize;
        let exp = (j >> SUB_BITS) as u32 + 10;
        let sub = (j & ((1 << SUB_BITS) - 1)) as u64;
        let low = (1u64 << exp) | (sub << (exp - SUB_BITS));
        low + (1u64 << (exp - SUB_BITS)) / 2
    }

    /// Counts one value.
    #[inline]
    pub fn add(&mut self, v: u64) {
        allocated(&mut self.counts, BUCKETS)[Self::index(v)] += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &LogHist) {
        add_counts(&mut self.counts, &other.counts, BUCKETS);
    }

    /// Forgets every value, keeping the memory.
    pub fn clear(&mut self) {
        self.counts.fill(0);
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The value at quantile `q` (bucket middle), `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        self.quantile_from(rank_for(q, n))
    }

    fn quantile_from(&self, rank: u64) -> Option<u64> {
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Self::value(i));
            }
        }
        None
    }

    /// Non-empty buckets as (representative value, count).
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (Self::value(i), c))
    }

    /// Counts in `[edges[i], edges[i+1])`, the last bucket open-ended.
    pub fn buckets(&self, edges: &[u64]) -> Vec<u64> {
        let mut out = vec![0; edges.len()];
        for (v, c) in self.iter() {
            if let Some(i) = edges.iter().rposition(|&e| v >= e) {
                out[i] += c;
            }
        }
        out
    }
}

/// 1-based rank of quantile `q` among `n` values (nearest-rank method).
fn rank_for(q: f64, n: u64) -> u64 {
    ((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).clamp(1, n)
}

/// Summary statistics of a distribution, in the unit of its values.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Values counted.
    pub count: u64,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
}

/// Running min, max, sum and count beside a [`LogHist`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Bucketed values.
    pub hist: LogHist,
    /// Values counted.
    pub count: u64,
    /// Sum of values.
    pub sum: u128,
    /// Smallest value.
    pub min: u64,
    /// Largest value.
    pub max: u64,
}

impl Distribution {
    /// Counts one value.
    #[inline]
    pub fn add(&mut self, v: u64) {
        if self.count == 0 || v < self.min {
            self.min = v;
        }
        self.max = self.max.max(v);
        self.count += 1;
        self.sum += u128::from(v);
        self.hist.add(v);
    }

    /// Adds another distribution.
    pub fn merge(&mut self, other: &Distribution) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 || other.min < self.min {
            self.min = other.min;
        }
        self.max = self.max.max(other.max);
        self.count += other.count;
        self.sum += other.sum;
        self.hist.merge(&other.hist);
    }

    /// Forgets every value, keeping the memory.
    pub fn clear(&mut self) {
        let Distribution {
            hist,
            count,
            sum,
            min,
            max,
        } = self;
        hist.clear();
        (*count, *sum, *min, *max) = (0, 0, 0, 0);
    }

    /// Statistics in a unit `per_unit` times the counted one (1e9 for nanoseconds counted and
    /// seconds shown).
    ///
    /// Quantiles come from bucket middles and are held within the true minimum and maximum.
    /// Values are divided, not multiplied by a reciprocal, and the mean is kept to the counted
    /// unit, so a value of whole nanoseconds prints as its decimal (0.000294, not
    /// 0.00029400000000000004).
    pub fn stats(&self, per_unit: f64) -> Stats {
        if self.count == 0 {
            return Stats::default();
        }
        let (min, max) = (self.min, self.max);
        let q = |p| {
            self.hist
                .quantile(p)
                .map(|v| v.clamp(min, max) as f64 / per_unit)
        };
        let mean = self.sum as f64 / self.count as f64;
        let mean = if per_unit == 1.0 { mean } else { mean.round() };
        Stats {
            count: self.count,
            min: Some(min as f64 / per_unit),
            max: Some(max as f64 / per_unit),
            mean: Some(mean / per_unit),
            p50: q(0.5),
            p90: q(0.9),
            p99: q(0.99),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_cleared_histogram_is_a_new_one() {
        let mut sizes = LinearHist::default();
        let mut gaps = Distribution::default();
        for v in [0, 60, 1514, 2047, 2048, 9000, 1 << 40] {
            sizes.add(v);
            gaps.add(v);
        }
        assert_ne!(sizes, LinearHist::default());
        sizes.clear();
        gaps.clear();
        assert_eq!(sizes, LinearHist::default());
        assert_eq!(gaps, Distribution::default());
        // Printed alike too (tests compare aggregates by their printed form).
        assert_eq!(format!("{sizes:?}"), format!("{:?}", LinearHist::default()));
        assert_eq!(
            format!("{gaps:?}"),
            format!("{:?}", Distribution::default())
        );
        assert_eq!((sizes.count(), sizes.quantile(0.5)), (0, None));
        assert_eq!(gaps.stats(1.0), Stats::default());
        // Counts again from nothing, with the memory it had.
        let mut fresh = LinearHist::default();
        for v in [70, 3000] {
            sizes.add(v);
            fresh.add(v);
        }
        assert_eq!(sizes, fresh);
        assert_eq!(sizes.buckets(&[0, 100, 2048]), vec![1, 0, 1]);
        // An empty histogram merged in changes nothing, and one merged into an empty one is
        // copied whole.
        let mut empty = LinearHist::default();
        fresh.merge(&LinearHist::default());
        empty.merge(&fresh);
        assert_eq!((empty.count(), fresh.count()), (2, 2));
        assert_eq!(empty, sizes);
    }

    #[test]
    fn exact_quantiles_for_small_values() {
        let mut h = LinearHist::default();
        for v in 1..=100 {
            h.add(v);
        }
        assert_eq!(h.quantile(0.5), Some(50));
        assert_eq!(h.quantile(0.99), Some(99));
        assert_eq!(h.quantile(0.0), Some(1));
        assert_eq!(h.buckets(&[0, 50, 90]), vec![49, 40, 11]);
    }

    #[test]
    fn log_buckets_are_within_two_percent() {
        for v in [
            1_023u64,
            1_024,
            5_000,
            1_000_000,
            123_456_789_012,
            u64::MAX / 3,
        ] {
            let mut h = LogHist::default();
            h.add(v);
            let got = h.quantile(0.5).expect("one value") as f64;
            assert!((got - v as f64).abs() / v as f64 <= 0.016, "{v} -> {got}");
        }
    }

    #[test]
    fn quantiles_stay_within_min_and_max() {
        // The office sample's RTTs: a bucket middle above the largest value.
        let mut rtt = Distribution::default();
        for v in [294_000, 1_250_000, 39_340_000] {
            rtt.add(v);
        }
        let s = rtt.stats(1e9);
        assert_eq!(s.max, Some(0.03934));
        assert_eq!(s.p99, s.max);
        assert_eq!(s.min, Some(0.000294));
        assert_eq!(s.min.map(|v| v.to_string()), Some("0.000294".into()));
        assert_eq!(s.mean, Some(0.013628));
    }

    proptest! {
        #[test]
        fn merging_partials_equals_one_pass(values in proptest::collection::vec(0u64..10_000_000, 0..200), split in 0usize..200) {
            let split = split.min(values.len());
            let (mut a, mut b, mut whole) = (Distribution::default(), Distribution::default(), Distribution::default());
            for &v in &values[..split] { a.add(v); }
            for &v in &values[split..] { b.add(v); }
            for &v in &values { whole.add(v); }
            let mut ba = b.clone();
            ba.merge(&a);
            a.merge(&b);
            prop_assert_eq!(&a, &whole);
            prop_assert_eq!(&ba, &whole);
        }

        #[test]
        fn stats_are_ordered(values in proptest::collection::vec(0u64..u64::MAX / 4, 1..200)) {
            let mut d = Distribution::default();
            for &v in &values { d.add(v); }
            let s = d.stats(1e9);
            let order = [s.min, s.p50, s.p90, s.p99, s.max].map(|v| v.unwrap_or(f64::NAN));
            prop_assert!(order.windows(2).all(|w| w[0] <= w[1]), "{:?}", order);
            prop_assert!(s.min <= s.mean && s.mean <= s.max);
        }
    }
}
