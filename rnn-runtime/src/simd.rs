//! Which code path the generated forward pass runs: a generated model holds one compilation per
//! path of its target (`__run_portable`, and `__run_avx2` and `__run_avx512` on x86-64 or
//! `__run_neon` on aarch64, or `__run_simd128` on WebAssembly, each with the kernel token of the
//! same name) and picks, per call, the fastest measured for the call's [`Shape`] on the CPU's
//! family ([`for_shape`]). On x86-64 the CPU is probed at run time, once; on aarch64 NEON is part
//! of the target (every aarch64 target but the soft-float ones), so the choice is made at compile
//! time.
//!
//! Without the `std` feature the CPU cannot be probed: the path is the one the compilation
//! targets (`-C target-cpu=native` or `-C target-feature=+avx2,+fma` gets AVX2; the default is
//! the portable path on x86-64, NEON on aarch64), and [`force`] applies to every thread.
//!
//! WebAssembly cannot be probed at all (a module using an instruction its engine lacks does not
//! load): a build with `-C target-feature=+simd128` runs the [`Simd::Simd128`] path
//! (`__run_simd128`), chosen at compile time; any other wasm32 build the portable one.

use std::sync::atomic::{AtomicU8, Ordering};

/// A code path of the generated forward pass. (Not ordered: which paths a CPU runs is
/// [`Simd::runs`]' answer, and the paths of two architectures do not compare.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Simd {
    /// Portable code: separate multiply and add, whatever the target's baseline vectors are
    /// (kernel token [`crate::kernels::Portable`]).
    Portable,
    /// x86-64 AVX2 with FMA (kernel token [`crate::kernels::Avx2`]).
    Avx2,
    /// x86-64 AVX-512F, with AVX2 and FMA (kernel token [`crate::kernels::Avx512`]).
    Avx512,
    /// aarch64 NEON (Advanced SIMD, with fused multiply-add), part of the target: chosen at
    /// compile time (kernel token [`crate::kernels::Neon`]).
    Neon,
    /// WebAssembly's 128-bit SIMD, chosen at compile time (`-C target-feature=+simd128`; kernel
    /// token [`crate::kernels::Simd128`]): separate multiply and add, as the portable path.
    Simd128,
}

impl Simd {
    /// Whether a CPU whose best path is `self` runs `path`: the portable path runs anywhere, AVX2
    /// wherever AVX-512 does (the AVX-512 path needs AVX2 and FMA too), NEON and simd128 only
    /// where they are the best (each is the only SIMD path of its target).
    pub const fn runs(self, path: Simd) -> bool {
        matches!(
            (self, path),
            (_, Simd::Portable)
                | (Simd::Avx2 | Simd::Avx512, Simd::Avx2)
                | (Simd::Avx512, Simd::Avx512)
                | (Simd::Neon, Simd::Neon)
                | (Simd::Simd128, Simd::Simd128)
        )
    }
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
        4 => Some(Simd::Neon),
        5 => Some(Simd::Simd128),
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

/// What the compilation targets, without asking the CPU: NEON on aarch64 with it, simd128 on
/// wasm32 with it, AVX2 or AVX-512 where the build enables them (`-C target-cpu=native`), else
/// the portable path.
fn targeted() -> Simd {
    if cfg!(all(target_arch = "aarch64", target_feature = "neon")) {
        Simd::Neon
    } else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        Simd::Simd128
    } else if cfg!(all(
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

/// Without std: what the compilation targets (the CPU cannot be asked).
#[cfg(not(feature = "std"))]
fn probe() -> Simd {
    targeted()
}

/// Asks an x86-64 CPU which instruction sets it has; elsewhere the target decides (NEON is part
/// of an aarch64 target, simd128 of a wasm32 build for it).
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
    targeted()
}

/// Every path this CPU can run, slowest first.
#[cfg(feature = "alloc")]
pub fn available() -> crate::heap::Vec<Simd> {
    [
        Simd::Portable,
        Simd::Neon,
        Simd::Simd128,
        Simd::Avx2,
        Simd::Avx512,
    ]
    .into_iter()
    .filter(|s| detected().runs(*s))
    .collect()
}

/// The path models on this thread use: the forced one if any (and supported), else the best.
#[inline]
pub fn active() -> Simd {
    let best = detected();
    match forced() {
        Some(s) if best.runs(s) => s,
        _ => best,
    }
}

/// What a call runs, for choosing its path ([`for_shape`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One row: a sequence's `forward`, a streaming `step`.
    Row,
    /// Rows in lockstep (`predict`). `whole_tiles`: every recurrent layer's gate columns
    /// (U, 3U or 4U) are a whole number of the AVX-512 kernels' 4-register tiles (64 floats),
    /// so no product ends in a partly masked tile.
    Group {
        /// The gate columns are multiples of 64.
        whole_tiles: bool,
    },
}

/// The CPU families whose fastest path depends on the shape of the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// AMD Zen 4 (family 19h with AVX-512): it runs a 512-bit operation as two 256-bit halves.
    Zen4,
    /// Any other CPU: the widest path it has is the fastest for every shape.
    Other,
}

/// This CPU's family (probed once; `Other` without `std` or off x86-64).
pub fn family() -> Family {
    static FAMILY: AtomicU8 = AtomicU8::new(0);
    match FAMILY.load(Ordering::Relaxed) {
        1 => Family::Zen4,
        2 => Family::Other,
        _ => {
            let found = probe_family();
            FAMILY.store(if found == Family::Zen4 { 1 } else { 2 }, Ordering::Relaxed);
            found
        }
    }
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[cold]
fn probe_family() -> Family {
    use std::arch::x86_64::__cpuid;
    // SAFETY: CPUID leaves 0 and 1 exist on every x86-64 CPU. (A safe function in newer
    // Rust; `unsafe` for the declared rust-version.)
    #[allow(unused_unsafe)]
    let (vendor, signature) = unsafe { (__cpuid(0), __cpuid(1).eax) };
    let amd = (vendor.ebx, vendor.edx, vendor.ecx) == (0x6874_7541, 0x6974_6e65, 0x444d_4163);
    let base = (signature >> 8) & 0xf;
    let family = if base == 0xf {
        base + ((signature >> 20) & 0xff)
    } else {
        base
    };
    // Family 19h is Zen 3 and Zen 4; only Zen 4 has AVX-512.
    if amd && family == 0x19 && std::arch::is_x86_feature_detected!("avx512f") {
        Family::Zen4
    } else {
        Family::Other
    }
}

#[cfg(not(all(feature = "std", target_arch = "x86_64")))]
fn probe_family() -> Family {
    Family::Other
}

/// The fastest path for a call of `shape` on a CPU of `family` whose best path is `best`,
/// by measurement (docs/PERFORMANCE.md, "Choosing the path"). On Zen 4, AVX2 runs one row
/// (seed, lstm1, gru1, gru_step: 8-20% faster there than AVX-512) and groups that end in a
/// partly masked tile (gru128, GRU(32)'s 96 columns: 14%); AVX-512 runs groups of whole
/// tiles (lstm128 and bidir128, 128 columns: 3-8% faster than AVX2). Elsewhere the widest.
pub fn rule(family: Family, best: Simd, shape: Shape) -> Simd {
    match (family, best, shape) {
        (Family::Zen4, Simd::Avx512, Shape::Row)
        | (Family::Zen4, Simd::Avx512, Shape::Group { whole_tiles: false }) => Simd::Avx2,
        _ => best,
    }
}

/// The path a call of `shape` runs on this thread: the forced one if any (and supported), else
/// [`rule`]'s for this CPU.
#[inline]
pub fn for_shape(shape: Shape) -> Simd {
    let best = detected();
    match forced() {
        Some(s) if best.runs(s) => s,
        _ => rule(family(), best, shape),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zen4_runs_rows_and_partial_tiles_on_avx2_and_whole_tiles_on_avx512() {
        let row = Shape::Row;
        let (whole, partial) = (
            Shape::Group { whole_tiles: true },
            Shape::Group { whole_tiles: false },
        );
        assert_eq!(rule(Family::Zen4, Simd::Avx512, row), Simd::Avx2);
        assert_eq!(rule(Family::Zen4, Simd::Avx512, partial), Simd::Avx2);
        assert_eq!(rule(Family::Zen4, Simd::Avx512, whole), Simd::Avx512);
        // Any other CPU runs its widest path whatever the shape; a CPU without AVX-512 too.
        for shape in [row, whole, partial] {
            assert_eq!(rule(Family::Other, Simd::Avx512, shape), Simd::Avx512);
            assert_eq!(rule(Family::Zen4, Simd::Avx2, shape), Simd::Avx2);
            assert_eq!(rule(Family::Other, Simd::Portable, shape), Simd::Portable);
            assert_eq!(rule(Family::Other, Simd::Neon, shape), Simd::Neon);
        }
    }

    #[test]
    fn a_cpu_runs_its_best_path_and_those_it_implies_on_its_architecture() {
        for best in [
            Simd::Portable,
            Simd::Avx2,
            Simd::Avx512,
            Simd::Neon,
            Simd::Simd128,
        ] {
            assert!(best.runs(Simd::Portable) && best.runs(best), "{best:?}");
        }
        assert!(Simd::Avx512.runs(Simd::Avx2));
        assert!(!Simd::Avx2.runs(Simd::Avx512));
        // No order across architectures: x86-64 runs no NEON, aarch64 no AVX.
        assert!(!Simd::Avx512.runs(Simd::Neon) && !Simd::Avx2.runs(Simd::Neon));
        assert!(!Simd::Neon.runs(Simd::Avx2) && !Simd::Neon.runs(Simd::Avx512));
        assert!(!Simd::Portable.runs(Simd::Neon) && !Simd::Portable.runs(Simd::Avx2));
        assert!(!Simd::Simd128.runs(Simd::Neon) && !Simd::Avx2.runs(Simd::Simd128));
    }

    #[test]
    fn a_forced_path_overrides_the_rule_on_this_thread() {
        force(Some(Simd::Portable));
        assert_eq!(for_shape(Shape::Row), Simd::Portable);
        assert_eq!(
            for_shape(Shape::Group { whole_tiles: true }),
            Simd::Portable
        );
        force(None);
        assert_eq!(for_shape(Shape::Group { whole_tiles: true }), detected());
    }
}
