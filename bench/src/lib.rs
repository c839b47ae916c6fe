//! Helpers for the benchmarks in `benches/` (see BENCHMARKS.md at the repository root):
//! an allocation-counting global allocator and small statistics.
//!
//! [`CountingAllocator`] counts only on threads that asked for it ([`count_allocations`]), so a
//! local server running on its own thread in the same process is not counted with the client.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

thread_local! {
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// The system allocator, counting allocations (and reallocations) and the bytes asked for on
/// the threads inside [`count_allocations`]. Install it in a benchmark binary:
///
/// ```ignore
/// #[global_allocator]
/// static ALLOCATOR: bench::CountingAllocator = bench::CountingAllocator;
/// ```
pub struct CountingAllocator;

fn note(size: usize) {
    // `try_with`: the allocator can run while thread-locals are being torn down.
    let tracking = TRACKING.try_with(Cell::get).unwrap_or(false);
    if tracking {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the counters are const-initialised
// thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every path above forwards).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations made on this thread while `f` runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allocations {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    pub count: u64,
    /// Bytes requested by those calls.
    pub bytes: u64,
}

/// Runs `f` with counting on for this thread. Only meaningful when [`CountingAllocator`] is the
/// global allocator; otherwise the counts are zero.
pub fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, Allocations) {
    ALLOCATIONS.with(|c| c.set(0));
    BYTES.with(|c| c.set(0));
    TRACKING.with(|t| t.set(true));
    let result = f();
    TRACKING.with(|t| t.set(false));
    let counted = Allocations {
        count: ALLOCATIONS.with(Cell::get),
        bytes: BYTES.with(Cell::get),
    };
    (result, counted)
}

/// Median, minimum and maximum of some durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The middle value (the mean of the two middle values for an even count).
    pub median: Duration,
    /// The smallest value.
    pub min: Duration,
    /// The largest value.
    pub max: Duration,
}

/// Summarises `values`; `None` when empty.
pub fn summarize(values: &[Duration]) -> Option<Summary> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2
    };
    Some(Summary {
        median,
        min: first,
        max: last,
    })
}

/// The value below which `p` (0..=1) of `values` fall (nearest rank); `None` when empty.
pub fn percentile(values: &[Duration], p: f64) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = ((p.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&x| Duration::from_micros(x)).collect()
    }

    #[test]
    fn summary_of_odd_and_even_counts() {
        let s = summarize(&us(&[5, 1, 3])).unwrap();
        assert_eq!(
            (s.median, s.min, s.max),
            (
                Duration::from_micros(3),
                Duration::from_micros(1),
                Duration::from_micros(5)
            )
        );
        assert_eq!(
            summarize(&us(&[4, 1, 2, 3])).unwrap().median,
            Duration::from_nanos(2500)
        );
        assert_eq!(summarize(&[]), None);
    }

    #[test]
    fn nearest_rank_percentile() {
        let values = us(&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        assert_eq!(percentile(&values, 0.9), Some(Duration::from_micros(90)));
        assert_eq!(percentile(&values, 0.0), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&values, 1.0), Some(Duration::from_micros(100)));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn counts_nothing_without_the_counting_allocator() {
        // The test binary uses the system allocator, so nothing is counted.
        let (v, counted) = count_allocations(|| vec![1u8; 64].len());
        assert_eq!(v, 64);
        assert_eq!(counted, Allocations::default());
    }
}
