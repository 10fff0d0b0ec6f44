//! Which instruction set the generated code runs with, chosen at run time.
//!
//! A plain `cargo build` (no `-C target-cpu`) still gets the fast paths: generated models hold
//! three compilations of their forward pass and pick one per call from what the CPU reports.

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

/// A code path of the generated forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Simd {
    /// Portable code: separate multiply and add, whatever the target's baseline vectors are.
    Scalar,
    /// x86-64 AVX2 with FMA.
    Avx2,
    /// x86-64 AVX-512F (with AVX2 and FMA).
    Avx512,
}

thread_local! {
    static FORCED: Cell<Option<Simd>> = const { Cell::new(None) };
}

/// What `probe` found, once: 0 = not probed yet, else `Simd as u8 + 1`.
static DETECTED: AtomicU8 = AtomicU8::new(0);

/// The best path this CPU supports. The CPU is probed on the first call only.
#[inline]
pub fn detected() -> Simd {
    match DETECTED.load(Ordering::Relaxed) {
        1 => Simd::Scalar,
        2 => Simd::Avx2,
        3 => Simd::Avx512,
        _ => {
            let found = probe();
            DETECTED.store(found as u8 + 1, Ordering::Relaxed);
            found
        }
    }
}

/// Asks the CPU which instruction sets it has.
#[cold]
fn probe() -> Simd {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("fma") {
            return if has!("avx512f") {
                Simd::Avx512
            } else {
                Simd::Avx2
            };
        }
    }
    Simd::Scalar
}

/// Every path this CPU can run, slowest first.
pub fn available() -> Vec<Simd> {
    [Simd::Scalar, Simd::Avx2, Simd::Avx512]
        .into_iter()
        .filter(|s| *s <= detected())
        .collect()
}

/// The path models on this thread use: the forced one if any (and supported), else the best.
#[inline]
pub fn active() -> Simd {
    let best = detected();
    match FORCED.with(Cell::get) {
        Some(s) if s <= best => s,
        _ => best,
    }
}

/// Forces a path for models run on the current thread (`None`: back to the best). A path the
/// CPU lacks is ignored. Meant for tests and benchmarks that compare paths.
pub fn force(path: Option<Simd>) {
    FORCED.with(|f| f.set(path));
}
