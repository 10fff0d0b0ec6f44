//! Which code path the generated forward pass runs, chosen at run time: a generated model holds
//! one compilation per path (`__run_portable`, `__run_avx2`, `__run_avx512`, each with the
//! kernel token of the same name) and picks the best the CPU has, probed once.
//!
//! Without the `std` feature the CPU cannot be probed: the path is the one the compilation
//! targets (`-C target-cpu=native` or `-C target-feature=+avx2,+fma` gets AVX2; the default is
//! the portable path), and [`force`] applies to every thread.

use std::sync::atomic::{AtomicU8, Ordering};

/// A code path of the generated forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Simd {
    /// Portable code: separate multiply and add, whatever the target's baseline vectors are
    /// (kernel token [`crate::kernels::Portable`]).
    Portable,
    /// x86-64 AVX2 with FMA (kernel token [`crate::kernels::Avx2`]).
    Avx2,
    /// x86-64 AVX-512F, with AVX2 and FMA (kernel token [`crate::kernels::Avx512`]).
    Avx512,
}

#[cfg(feature = "std")]
std::thread_local! {
    static FORCED: std::cell::Cell<Option<Simd>> = const { std::cell::Cell::new(None) };
}

/// Without std, no thread-locals: the forced path is global (0 = none, else `Simd as u8 + 1`).
#[cfg(not(feature = "std"))]
static FORCED: AtomicU8 = AtomicU8::new(0);

/// The forced path, if any.
#[inline]
fn forced() -> Option<Simd> {
    #[cfg(feature = "std")]
    return FORCED.with(std::cell::Cell::get);
    #[cfg(not(feature = "std"))]
    return from_code(FORCED.load(Ordering::Relaxed));
}

/// `Simd as u8 + 1` back to the path (0: none).
#[inline]
fn from_code(code: u8) -> Option<Simd> {
    match code {
        1 => Some(Simd::Portable),
        2 => Some(Simd::Avx2),
        3 => Some(Simd::Avx512),
        _ => None,
    }
}

/// What `probe` found, once: 0 = not probed yet, else `Simd as u8 + 1`.
static DETECTED: AtomicU8 = AtomicU8::new(0);

/// The best path this CPU supports. The CPU is probed on the first call only.
#[inline]
pub fn detected() -> Simd {
    match from_code(DETECTED.load(Ordering::Relaxed)) {
        Some(found) => found,
        None => {
            let found = probe();
            DETECTED.store(found as u8 + 1, Ordering::Relaxed);
            found
        }
    }
}

/// Without std: what the compilation targets (the CPU cannot be asked).
#[cfg(not(feature = "std"))]
fn probe() -> Simd {
    if cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    )) {
        if cfg!(target_feature = "avx512f") {
            Simd::Avx512
        } else {
            Simd::Avx2
        }
    } else {
        Simd::Portable
    }
}

/// Asks the CPU which instruction sets it has.
#[cfg(feature = "std")]
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
    Simd::Portable
}

/// Every path this CPU can run, slowest first.
#[cfg(feature = "alloc")]
pub fn available() -> crate::heap::Vec<Simd> {
    [Simd::Portable, Simd::Avx2, Simd::Avx512]
        .into_iter()
        .filter(|s| *s <= detected())
        .collect()
}

/// The path models on this thread use: the forced one if any (and supported), else the best.
#[inline]
pub fn active() -> Simd {
    let best = detected();
    match forced() {
        Some(s) if s <= best => s,
        _ => best,
    }
}

/// Forces a path for models run on the current thread (`None`: back to the best). A path the
/// CPU lacks is ignored. Meant for tests and benchmarks that compare paths. (Without `std`:
/// for every thread.)
pub fn force(path: Option<Simd>) {
    #[cfg(feature = "std")]
    FORCED.with(|f| f.set(path));
    #[cfg(not(feature = "std"))]
    FORCED.store(path.map_or(0, |s| s as u8 + 1), Ordering::Relaxed);
}
