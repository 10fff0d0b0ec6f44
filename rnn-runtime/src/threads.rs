//! How many threads `predict` splits a batch over.
//!
//! By default every core the process may use (`std::thread::available_parallelism`), as
//! TensorFlow, ONNX Runtime and PyTorch do; the environment variable `RNN_THREADS` (or, if it
//! is unset, `RAYON_NUM_THREADS`) chooses another count, and [`set`] overrides both at run
//! time. The split never changes a result: every row runs through the same lockstep group
//! and kernels as on one thread, so outputs are bit-identical whatever the count. Without the
//! `parallel` feature (on by default) `predict` stays on the caller's thread.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// 0: not set by [`set`].
static CHOSEN: AtomicUsize = AtomicUsize::new(0);

/// The count from the environment or the machine, read once.
fn default_count() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        ["RNN_THREADS", "RAYON_NUM_THREADS"]
            .iter()
            .find_map(|k| std::env::var(k).ok()?.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// Sets how many threads `predict` may use (`0` goes back to the default: `RNN_THREADS`,
/// `RAYON_NUM_THREADS` or every core).
pub fn set(count: usize) {
    CHOSEN.store(count, Ordering::Relaxed);
}

/// How many threads `predict` may use now (1 without the `parallel` feature).
pub fn get() -> usize {
    if !cfg!(feature = "parallel") {
        return 1;
    }
    match CHOSEN.load(Ordering::Relaxed) {
        0 => default_count(),
        n => n,
    }
}

/// The least work, in row-timesteps, that a thread is given: below it, starting a thread
/// (about 40 us here) costs more than it saves. Measured with the split forced
/// (`examples/threads_cutoff.rs`, 2 cores, docs/PERFORMANCE.md): for the cheapest row-timestep,
/// SimpleRNN(32), two threads lose below about 1,536 row-timesteps in all (0.89-1.05x there)
/// and win from 2,304 (1.13-1.14x); an LSTM(32) row-timestep costs about 4x more and wins from
/// the smallest batch with two groups (2,304: 1.47x). So a thread gets at least 1,152: a batch
/// splits over 2 threads from 2,304 row-timesteps.
pub(crate) const MIN_STEPS_PER_THREAD: usize = 1152;

/// [`MIN_STEPS_PER_THREAD`] unless [`set_min_steps_per_thread`] chose another.
static MIN_STEPS: AtomicUsize = AtomicUsize::new(MIN_STEPS_PER_THREAD);

/// Sets the least work a thread is given, in row-timesteps (`0`: back to the default). For
/// measuring where splitting pays (`examples/threads_cutoff.rs`), not for tuning: results do
/// not depend on it.
#[doc(hidden)]
pub fn set_min_steps_per_thread(steps: usize) {
    let steps = if steps == 0 {
        MIN_STEPS_PER_THREAD
    } else {
        steps
    };
    MIN_STEPS.store(steps, Ordering::Relaxed);
}

/// How many threads to split `groups` lockstep groups of `rows_per_group` rows of `steps`
/// timesteps over: at most one per group, each with at least [`MIN_STEPS_PER_THREAD`].
pub(crate) fn for_batch(groups: usize, rows_per_group: usize, steps: usize) -> usize {
    let work = groups
        .saturating_mul(rows_per_group)
        .saturating_mul(steps.max(1));
    get()
        .min(groups)
        .min(work / MIN_STEPS.load(Ordering::Relaxed))
        .max(1)
}
