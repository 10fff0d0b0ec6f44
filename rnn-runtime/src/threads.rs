//! How many threads `predict` splits a batch over.
//!
//! By default every core the process may use (`std::thread::available_parallelism`), as
//! TensorFlow, ONNX Runtime and PyTorch do; the environment variable `RNN_THREADS` (or, if it
//! is unset, `RAYON_NUM_THREADS`) chooses another count, and [`set`] overrides both at run
//! time. The split never changes a result: every row runs through the same lockstep group
//! and kernels as on one thread, so outputs are bit-identical whatever the count. Without the
//! `parallel` feature (on by default) `predict` stays on the caller's thread.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Whether the target can spawn threads at all (std's own condition on WebAssembly).
const HAS_THREADS: bool = !cfg!(all(target_family = "wasm", not(target_feature = "atomics")));

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

/// How many threads `predict` may use now (1 without the `parallel` feature, and on a target
/// without threads: WebAssembly without the `atomics` feature, such as `wasm32-wasip1` and
/// `wasm32-unknown-unknown`, whose `std` refuses to spawn one).
pub fn get() -> usize {
    if !cfg!(feature = "parallel") || !HAS_THREADS {
        return 1;
    }
    match CHOSEN.load(Ordering::Relaxed) {
        0 => default_count(),
        n => n,
    }
}

/// The least work, in multiply-adds, that a thread is given: below it, starting a thread
/// (about 40 us here) costs more than it saves. A model's row-timestep costs the multiply-adds
/// of its per-step weights (the macro counts them: a folded kernel costs nothing). Measured with
/// the split forced (`examples/threads_cutoff.rs`, 2 cores, docs/PERFORMANCE.md): SimpleRNN(32)
/// after an Embedding (1,056 a row-timestep) loses below about 1,536 row-timesteps in all and
/// wins from 2,304 (1.05-1.19x); LSTM(32) (4,224) wins from 768 (1.20-1.39x, break-even at
/// 384). So a thread gets at least 1,152 SimpleRNN(32) row-timesteps' worth: SimpleRNN(32)
/// splits over 2 threads from 2,304 row-timesteps, LSTM(32) from 576.
pub(crate) const MIN_WORK_PER_THREAD: u64 = 1152 * 1056;

/// [`MIN_WORK_PER_THREAD`] unless [`set_min_work_per_thread`] chose another.
static MIN_WORK: AtomicU64 = AtomicU64::new(MIN_WORK_PER_THREAD);

/// Sets the least work a thread is given, in multiply-adds (`0`: back to the default). For
/// measuring where splitting pays (`examples/threads_cutoff.rs`), not for tuning: results do
/// not depend on it.
#[doc(hidden)]
pub fn set_min_work_per_thread(work: u64) {
    let work = if work == 0 { MIN_WORK_PER_THREAD } else { work };
    MIN_WORK.store(work, Ordering::Relaxed);
}

/// How many threads to split `groups` lockstep groups of `rows_per_group` rows of `steps`
/// timesteps over, a row-timestep costing `step_work` multiply-adds: at most one per group,
/// each with at least [`MIN_WORK_PER_THREAD`].
pub(crate) fn for_batch(
    groups: usize,
    rows_per_group: usize,
    steps: usize,
    step_work: u64,
) -> usize {
    let work = (groups as u64)
        .saturating_mul(rows_per_group as u64)
        .saturating_mul(steps.max(1) as u64)
        .saturating_mul(step_work.max(1));
    let threads = work / MIN_WORK.load(Ordering::Relaxed);
    get()
        .min(groups)
        .min(usize::try_from(threads).unwrap_or(usize::MAX))
        .max(1)
}
