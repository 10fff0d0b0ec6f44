//! The kernel set of each code path: the [`MulAdd`] trait, the path tokens [`Portable`],
//! [`Avx2`], [`Avx512`], [`Neon`] and [`Simd128`] (one per [`crate::simd::Simd`] variant; a SIMD
//! token proves the CPU has its instruction set), [`Avx512At256`] (AVX-512 at 256 bits: a
//! kernel set that is not a path), and the entry points the layers call.
//!
//! Every kernel is `#[inline(always)]`, so generated code compiled inside a path's
//! `#[target_feature]` function gets that path's instructions. The rest of the module, by
//! concern: `dispatch.rs` (each SIMD token's `MulAdd`, routing to the intrinsics), [`portable`]
//! (the bodies any path can run), `approx.rs` (tanh, exp and sigmoid), `template.rs` (the
//! intrinsics template), `x86_64.rs`, `aarch64.rs` and `wasm32.rs` (its expansions) and
//! `tests.rs`.

use std::mem::MaybeUninit;

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
mod aarch64;
mod approx;
mod dispatch;
pub mod portable;
#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "aarch64", target_feature = "neon"),
    all(target_arch = "wasm32", target_feature = "simd128")
))]
mod template;
#[cfg(test)]
mod tests;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wasm32;
#[cfg(target_arch = "x86_64")]
mod x86_64;

pub use approx::{exp_fast, gate_sigmoid_fast, sigmoid_fast, tanh_fast};
#[cfg(feature = "std")]
pub use approx::{exp_reference, sigmoid_reference, tanh_reference};
pub use portable::{matvec_acc, matvec_acc_reference};

/// A path's kernel set: how a kernel computes `a * b + c`, the grouped matrix-vector products,
/// and tanh, sigmoid and exp over a slice.
///
/// A value of a SIMD path's type is the proof that the CPU has its instruction set: [`Avx2`],
/// [`Avx512`] and [`Neon`] are made only by `new` (which asks [`crate::simd::detected`], probed
/// once) or
/// by `new_unchecked` (unsafe: the caller vouches, as a `#[target_feature]` function may). So
/// the kernels check nothing per call, and a safe call can never run an instruction the CPU
/// lacks.
pub trait MulAdd: Copy {
    /// How many f32 accumulators a kernel may keep in vector registers on this path (about
    /// three quarters of the register file: 16 SSE2, 16 AVX2 or 32 AVX-512 registers; half of
    /// NEON's 32, which are 4 floats each: kernels/dispatch.rs).
    const ACC_FLOATS: usize;

    /// `a * b + c`.
    fn mul_add(a: f32, b: f32, c: f32) -> f32;

    /// The path's token when this CPU can run it (the probe is cached: see
    /// [`crate::simd::detected`]).
    fn detect() -> Option<Self>;

    /// `z = tanh(z)` elementwise with [`tanh_fast`] (vectorised by the compiler).
    #[inline(always)]
    fn tanh_in_place(self, z: &mut [f32]) {
        z.iter_mut().for_each(|v| *v = tanh_fast(*v));
    }

    /// `z = sigmoid(z)` elementwise with [`sigmoid_fast`] (vectorised by the compiler).
    #[inline(always)]
    fn sigmoid_in_place(self, z: &mut [f32]) {
        z.iter_mut().for_each(|v| *v = sigmoid_fast(*v));
    }

    /// `z = σ(z)` for LSTM and GRU gates, elementwise with [`gate_sigmoid_fast`] (vectorised by
    /// the compiler).
    #[inline(always)]
    fn gate_sigmoid_in_place(self, z: &mut [f32]) {
        z.iter_mut().for_each(|v| *v = gate_sigmoid_fast(*v));
    }

    /// `z = e^z` elementwise with [`exp_fast`] (vectorised by the compiler).
    #[inline(always)]
    fn exp_in_place(self, z: &mut [f32]) {
        z.iter_mut().for_each(|v| *v = exp_fast(*v));
    }

    /// Whether one row's LSTM and GRU steps go through [`MulAdd::lstm_row`] and
    /// [`MulAdd::gru_row`] on this path (the fused intrinsics kernels), rather than through the
    /// products and activations one after the other.
    const FUSED_ROW: bool = false;

    /// One row's LSTM step with Keras's default activations: `z = z0 + x · kernel + h ·
    /// recurrent` over the gate columns i, f, o, c, then `c = σ(z_f) c + σ(z_i) tanh(z_c)` in
    /// place and `h_out = σ(z_o) tanh(c)`. Portable body [`portable::lstm_row`]; on a path with
    /// [`MulAdd::FUSED_ROW`], the template's kernel with the gates in the product's registers.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn lstm_row<const IN: usize, const U: usize, const U4: usize>(
        self,
        x: &[f32; IN],
        kernel: &[[f32; U4]; IN],
        h: &[f32; U],
        recurrent: &[[f32; U4]; U],
        z0: &[f32; U4],
        c: &mut [f32; U],
        h_out: &mut [f32; U],
    ) {
        portable::lstm_row(self, x, kernel, h, recurrent, z0, c, h_out)
    }

    /// One row's GRU step (`reset_after = true`, Keras's default activations) from
    /// `a0` (the folded row, or `b_in`) and `b_rec`: `a = a0 + x · kernel`, `b = b_rec + h ·
    /// recurrent`, `z, r = σ(a + b)`, `hh = tanh(a_h + r b_h)`, `h_out = z h + (1 - z) hh`.
    /// Portable body [`portable::gru_row`]; fused as [`MulAdd::lstm_row`].
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn gru_row<const IN: usize, const U: usize, const U3: usize>(
        self,
        x: &[f32; IN],
        kernel: &[[f32; U3]; IN],
        h: &[f32; U],
        recurrent: &[[f32; U3]; U],
        a0: &[f32; U3],
        b_rec: &[f32; U3],
        h_out: &mut [f32; U],
    ) {
        portable::gru_row(self, x, kernel, h, recurrent, a0, b_rec, h_out)
    }

    /// `acc[g] += x[g] · w` for G rows: [`MulAdd::matvec2_group`] with no second product.
    #[inline(always)]
    fn matvec_group<const G: usize, const IN: usize, const OUT: usize>(
        self,
        x: &[&[f32; IN]; G],
        w: &[[f32; OUT]; IN],
        acc: &mut [[f32; OUT]; G],
    ) {
        self.matvec2_group::<G, IN, 0, OUT>(x, w, &[&[]; G], &[], acc)
    }

    /// `out[g] = init[g] + x[g] · w` for G rows: [`MulAdd::matvec2_group_init`] with no second
    /// product.
    #[inline(always)]
    fn matvec_group_init<'o, const G: usize, const IN: usize, const OUT: usize>(
        self,
        x: &[&[f32; IN]; G],
        w: &[[f32; OUT]; IN],
        init: &[&[f32; OUT]; G],
        out: &'o mut MaybeUninit<[[f32; OUT]; G]>,
    ) -> &'o mut [[f32; OUT]; G] {
        self.matvec2_group_init::<G, IN, 0, OUT>(x, w, &[&[]; G], &[], init, out)
    }

    /// `out[g] = init[g] + x1[g] · w1 + x2[g] · w2` for G rows: [`MulAdd::matvec2_group`]
    /// starting from other rows (a folded row, a bias) than its output, with the same results.
    /// `out` may be uninitialised: every value is written, and returned initialised; the SIMD
    /// paths read `init` into the accumulators directly, so nothing is copied or zeroed first.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn matvec2_group_init<
        'o,
        const G: usize,
        const IN1: usize,
        const IN2: usize,
        const OUT: usize,
    >(
        self,
        x1: &[&[f32; IN1]; G],
        w1: &[[f32; OUT]; IN1],
        x2: &[&[f32; IN2]; G],
        w2: &[[f32; OUT]; IN2],
        init: &[&[f32; OUT]; G],
        out: &'o mut MaybeUninit<[[f32; OUT]; G]>,
    ) -> &'o mut [[f32; OUT]; G] {
        portable::matvec2_group_init::<Self, G, IN1, IN2, OUT>(x1, w1, x2, w2, init, out)
    }

    /// `out[r] = init + x[r] · w` for R rows at constant strides: row `r`'s inputs are
    /// `x[r XS..r XS + IN]` (a convolution's window: the rows overlap when `XS < IN`), its
    /// outputs `out[r ys..r ys + OUT]`, every row from the same `init` (a bias), each row's sum
    /// over the inputs in order (`init`, then input 0, 1, ...). Panics unless `ys >= OUT`, `x`
    /// holds `(R - 1) XS + IN` floats and `out` `(R - 1) ys + OUT`. The portable body is
    /// [`portable::matvec_strided`]; the SIMD paths block the rows by the width of the outputs
    /// (the template's `matvec_strided`).
    #[inline(always)]
    fn matvec_strided<const R: usize, const IN: usize, const OUT: usize, const XS: usize>(
        self,
        x: &[f32],
        w: &[[f32; OUT]; IN],
        init: &[f32; OUT],
        out: &mut [f32],
        ys: usize,
    ) {
        portable::matvec_strided::<Self, R, IN, OUT, XS>(x, w, init, out, ys)
    }

    /// `acc[g] += x1[g] · w1 + x2[g] · w2`: a recurrent step's two products. The portable
    /// body is [`portable::matvec_acc_group`] for each; the SIMD paths compute both in one pass
    /// with the accumulators in registers.
    #[inline(always)]
    fn matvec2_group<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
        self,
        x1: &[&[f32; IN1]; G],
        w1: &[[f32; OUT]; IN1],
        x2: &[&[f32; IN2]; G],
        w2: &[[f32; OUT]; IN2],
        acc: &mut [[f32; OUT]; G],
    ) {
        portable::matvec_acc_group::<Self, G, IN1, OUT>(x1, w1, acc);
        if IN2 > 0 {
            portable::matvec_acc_group::<Self, G, IN2, OUT>(x2, w2, acc);
        }
    }
}

/// The portable path: `a * b + c` with two roundings (where `mul_add` would be a slow libm
/// call), every kernel the [`portable`] body. Runs anywhere.
#[derive(Clone, Copy, Debug)]
pub struct Portable;

/// The AVX2 path: fused `mul_add` and the kernels of the template's `avx2` expansion (8 lanes).
/// Proof that the CPU has AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub struct Avx2(());

/// The AVX-512 path: fused `mul_add` and the kernels of the template's `avx512` expansion
/// (16 lanes). Proof that the CPU has AVX-512F, AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub struct Avx512(());

/// AVX-512 at 256 bits: fused `mul_add` and the kernels of the template's `avx512_256`
/// expansion (8-lane `__m256` in AVX-512's 32 registers, remainders under mask registers). Not
/// a path (no [`crate::simd::Simd`] variant, no generated code runs it): a kernel set held to
/// the references as the paths are, and timed against them by examples/avx512_256.rs (the
/// candidate for CPUs that split 512-bit operations in two: docs/PERFORMANCE.md, "AVX-512 at
/// 256 bits"). Proof that the CPU has AVX-512F, AVX-512VL, AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub struct Avx512At256(());

/// The WebAssembly simd128 path: separate multiply and add (simd128 has no FMA) as the
/// portable path, with the template's `simd128` expansion (4 lanes) for the products of rows in
/// lockstep and one row's fused LSTM and GRU steps, where it measured faster; one row's products
/// and the activations are the portable bodies, which LLVM vectorises for simd128 (faster there:
/// docs/PERFORMANCE.md, "WebAssembly"). A value exists only in a build with simd128.
#[derive(Clone, Copy, Debug)]
pub struct Simd128(());

impl Simd128 {
    /// `Some` in a build for WebAssembly with simd128 (the build's; no engine is asked).
    pub fn new() -> Option<Self> {
        crate::simd::detected()
            .runs(crate::simd::Simd::Simd128)
            .then_some(Simd128(()))
    }

    /// # Safety
    /// The engine must run simd128 (a build with `-C target-feature=+simd128` may vouch: the
    /// generated `__run_simd128` is compiled only there, and such a module loads nowhere else).
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Simd128(())
    }
}

/// The NEON path (aarch64): fused `mul_add` and the kernels of the template's `neon` expansion
/// (4 lanes). NEON is part of the target wherever this path runs (chosen at compile time): a
/// value exists only in a build for aarch64 with NEON.
#[derive(Clone, Copy, Debug)]
pub struct Neon(());

impl Avx2 {
    /// `Some` when the CPU has AVX2 and FMA.
    pub fn new() -> Option<Self> {
        crate::simd::detected()
            .runs(crate::simd::Simd::Avx2)
            .then_some(Avx2(()))
    }

    /// # Safety
    /// The CPU must have AVX2 and FMA (a `#[target_feature(enable = "avx2,fma")]` function
    /// may vouch for it).
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Avx2(())
    }
}

impl Avx512 {
    /// `Some` when the CPU has AVX-512F, AVX2 and FMA.
    pub fn new() -> Option<Self> {
        crate::simd::detected()
            .runs(crate::simd::Simd::Avx512)
            .then_some(Avx512(()))
    }

    /// # Safety
    /// The CPU must have AVX-512F, AVX2 and FMA.
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Avx512(())
    }
}

impl Avx512At256 {
    /// `Some` when the CPU has AVX-512F, AVX-512VL, AVX2 and FMA.
    pub fn new() -> Option<Self> {
        let avx512 = crate::simd::detected().runs(crate::simd::Simd::Avx512);
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        let vl = std::arch::is_x86_feature_detected!("avx512vl");
        #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
        let vl = cfg!(target_feature = "avx512vl");
        (avx512 && vl).then_some(Avx512At256(()))
    }

    /// # Safety
    /// The CPU must have AVX-512F, AVX-512VL, AVX2 and FMA.
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Avx512At256(())
    }
}

impl Neon {
    /// `Some` in a build for aarch64 with NEON (the target's; no CPU is probed).
    pub fn new() -> Option<Self> {
        crate::simd::detected()
            .runs(crate::simd::Simd::Neon)
            .then_some(Neon(()))
    }

    /// # Safety
    /// The CPU must have NEON (a build for an aarch64 target with it may vouch: the generated
    /// `__run_neon` is compiled only there).
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Neon(())
    }
}

impl MulAdd for Portable {
    const ACC_FLOATS: usize = 48;
    fn detect() -> Option<Self> {
        Some(Portable)
    }
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

/// `acc[g] += x[g] · w` for G rows at once, through the path's kernels: each row of `w` is
/// loaded once and used G times, and the G independent accumulator chains hide the FMA latency
/// that bounds a single row (the portable body: [`portable::matvec_acc_group`]).
#[inline(always)]
pub fn matvec_acc_group<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(
    m: M,
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
    m.matvec_group::<G, IN, OUT>(x, w, acc)
}

/// Asks the CPU to bring `x` into cache, a 64-byte line at a time. A hint only: no effect on
/// results, nothing off x86-64. The layers prefetch the next step's folded rows one row at a
/// time between their per-row work: a whole group's rows at once (48 lines for 6 LSTM rows of
/// 32 units) outnumber the core's outstanding misses and stall the loads behind them.
#[inline(always)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = (x as *const T).cast::<i8>();
        let size = size_of::<T>();
        // A counted loop over whole lines (fully unrolled for a row's fixed size; not an
        // iterator chain, which compiles to a state machine around each prefetch), then the
        // line of the last byte.
        for line in 0..size / 64 {
            // SAFETY (both): a prefetch never faults; the addresses are inside `x` anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64 * line)) };
        }
        if size > 0 {
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(size - 1)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
