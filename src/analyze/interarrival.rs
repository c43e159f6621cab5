//! Inter-arrival times: the gaps between consecutive frames and their jitter, merged exactly
//! across batches from each side's first and last gap and the gap at the seam.

use super::hist::Distribution;

/// Inter-arrival times between consecutive frames, in record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterArrival {
    /// Gaps, ns (a frame earlier than its predecessor counts as 0 and in `negative`).
    pub gaps: Distribution,
    /// Frames whose timestamp is earlier than the previous frame's.
    pub negative: u64,
    /// Sum of |gap(i) - gap(i-1)|, ns, for RFC 3550-style jitter.
    pub jitter_sum: u128,
    /// Terms in `jitter_sum`.
    pub jitter_terms: u64,
    first_gap: Option<u64>,
    last_gap: Option<u64>,
}

impl InterArrival {
    #[inline]
    pub(super) fn add_gap(&mut self, prev_ts: i64, ts: i64) {
        let gap = if ts < prev_ts {
            self.negative += 1;
            0
        } else {
            (ts - prev_ts) as u64
        };
        if let Some(last) = self.last_gap {
            self.jitter_sum += u128::from(gap.abs_diff(last));
            self.jitter_terms += 1;
        }
        if self.first_gap.is_none() {
            self.first_gap = Some(gap);
        }
        self.last_gap = Some(gap);
        self.gaps.add(gap);
    }

    /// Forgets every gap, keeping the memory.
    pub(super) fn clear(&mut self) {
        let InterArrival {
            gaps,
            negative,
            jitter_sum,
            jitter_terms,
            first_gap,
            last_gap,
        } = self;
        gaps.clear();
        (*negative, *jitter_sum, *jitter_terms) = (0, 0, 0);
        (*first_gap, *last_gap) = (None, None);
    }

    /// Joins `later` (the gaps after `self`'s), whose first frame comes `seam` after our last.
    pub(super) fn merge(&mut self, later: &InterArrival, seam: Option<(i64, i64)>) {
        if let Some((prev_ts, ts)) = seam {
            self.add_gap(prev_ts, ts);
        }
        if let (Some(last), Some(first)) = (self.last_gap, later.first_gap) {
            self.jitter_sum += u128::from(first.abs_diff(last));
            self.jitter_terms += 1;
        }
        if self.first_gap.is_none() {
            self.first_gap = later.first_gap;
        }
        if later.last_gap.is_some() {
            self.last_gap = later.last_gap;
        }
        self.gaps.merge(&later.gaps);
        self.negative += later.negative;
        self.jitter_sum += later.jitter_sum;
        self.jitter_terms += later.jitter_terms;
    }
}
