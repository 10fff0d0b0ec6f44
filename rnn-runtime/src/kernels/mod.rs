//! Numeric kernels over compile-time sizes: the fast versions the layers call, and a plain
//! scalar reference beside each one. Tests (here and in tests/) hold the two together.
//!
//! The fast kernels are written so that LLVM vectorises them over the fixed sizes. They are
//! `#[inline(always)]` so that generated code, compiled once plainly and once inside a
//! `#[target_feature(enable = "avx2,fma")]` function chosen at run time, gets the instruction
//! set of its caller. Multiply-add goes through [`MulAdd`]: a fused `mul_add` where the CPU has
//! FMA (where it is one instruction), a separate multiply and add elsewhere (where `mul_add`
//! would be a slow libm call).

use std::mem::MaybeUninit;

#[cfg(target_arch = "x86_64")]
mod x86;
#[cfg(target_arch = "x86_64")]
use x86::{avx2, avx512};

/// A path's kernel set: how a kernel computes `a * b + c`, the grouped matrix-vector products,
/// and tanh, sigmoid and exp over a slice.
///
/// A value of a SIMD path's type is the proof that the CPU has its instruction set: [`Fused`]
/// and [`Avx512`] are made only by `new` (which asks [`crate::simd::detected`], probed once) or
/// by `new_unchecked` (unsafe: the caller vouches, as a `#[target_feature]` function may). So
/// the kernels check nothing per call, and a safe call can never run an instruction the CPU
/// lacks.
pub trait MulAdd: Copy {
    /// How many f32 accumulators a kernel may keep in vector registers on this path (about
    /// three quarters of the register file: 16 SSE2, 16 AVX2 or 32 AVX-512 registers).
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
    /// place and `h_out = σ(z_o) tanh(c)`. Portable body [`lstm_row_generic`]; on a path with
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
        lstm_row_generic(self, x, kernel, h, recurrent, z0, c, h_out)
    }

    /// One row's GRU step (`reset_after = true`, Keras's default activations) from
    /// `a0` (the folded row, or `b_in`) and `b_rec`: `a = a0 + x · kernel`, `b = b_rec + h ·
    /// recurrent`, `z, r = σ(a + b)`, `hh = tanh(a_h + r b_h)`, `h_out = z h + (1 - z) hh`.
    /// Portable body [`gru_row_generic`]; fused as [`MulAdd::lstm_row`].
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
        gru_row_generic(self, x, kernel, h, recurrent, a0, b_rec, h_out)
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
        matvec2_group_init_generic::<Self, G, IN1, IN2, OUT>(x1, w1, x2, w2, init, out)
    }

    /// `acc[g] += x1[g] · w1 + x2[g] · w2`: a recurrent step's two products. The portable
    /// body is [`matvec_acc_group_generic`] for each; the SIMD paths compute both in one pass
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
        matvec_acc_group_generic::<Self, G, IN1, OUT>(x1, w1, acc);
        if IN2 > 0 {
            matvec_acc_group_generic::<Self, G, IN2, OUT>(x2, w2, acc);
        }
    }
}

/// `a * b + c` with two roundings; for CPUs without FMA. Runs anywhere.
#[derive(Clone, Copy, Debug)]
pub struct Separate;

/// `a.mul_add(b, c)` and the AVX2 intrinsics kernels: proof that the CPU has AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub struct Fused(());

/// [`Fused`], plus tanh written with AVX-512 intrinsics: the same rational as [`tanh_fast`]
/// with the division replaced by a 14-bit reciprocal estimate refined by one Newton step (the
/// division is the slowest instruction of the rational). Sigmoid and exp are the template's
/// intrinsics versions of [`sigmoid_fast`] and [`exp_fast`] (16 lanes). Proof that the CPU has
/// AVX-512F, AVX2 and FMA.
#[derive(Clone, Copy, Debug)]
pub struct Avx512(());

impl Fused {
    /// `Some` when the CPU has AVX2 and FMA.
    pub fn new() -> Option<Self> {
        (crate::simd::detected() >= crate::simd::Simd::Avx2).then_some(Fused(()))
    }

    /// # Safety
    /// The CPU must have AVX2 and FMA (a `#[target_feature(enable = "avx2,fma")]` function
    /// may vouch for it).
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Fused(())
    }
}

impl Avx512 {
    /// `Some` when the CPU has AVX-512F, AVX2 and FMA.
    pub fn new() -> Option<Self> {
        (crate::simd::detected() >= crate::simd::Simd::Avx512).then_some(Avx512(()))
    }

    /// # Safety
    /// The CPU must have AVX-512F, AVX2 and FMA.
    #[inline(always)]
    pub unsafe fn new_unchecked() -> Self {
        Avx512(())
    }
}

impl MulAdd for Separate {
    const ACC_FLOATS: usize = 48;
    fn detect() -> Option<Self> {
        Some(Separate)
    }
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

/// Off x86-64 there are no SIMD kernels: the tokens cannot be made (`new` is `None`), and
/// these bodies are the portable ones.
macro_rules! portable_or {
    ($simd:block, $portable:block) => {{
        #[cfg(target_arch = "x86_64")]
        $simd
        #[cfg(not(target_arch = "x86_64"))]
        $portable
    }};
}

/// The `MulAdd` of a SIMD path: its token type, accumulator budget, constructor, and the module
/// of the kernel template's expansion that every kernel goes to (the token proves the CPU has
/// the path's features, so the calls are sound; off x86-64 the portable bodies).
macro_rules! simd_path {
    ($token:ty, $acc:literal, $module:ident, one_row_portable = $one_row_portable:literal,
     fused_row = $fused_row:literal) => {
        impl MulAdd for $token {
            const ACC_FLOATS: usize = $acc;
            const FUSED_ROW: bool = $fused_row;
            fn detect() -> Option<Self> {
                <$token>::new()
            }
            #[inline(always)]
            fn mul_add(a: f32, b: f32, c: f32) -> f32 {
                #[cfg(feature = "std")]
                return a.mul_add(b, c);
                #[cfg(not(feature = "std"))]
                return libm::fmaf(a, b, c);
            }

            // SAFETY (each block): `self` proves the path's features.
            #[inline(always)]
            fn tanh_in_place(self, z: &mut [f32]) {
                portable_or!({ unsafe { $module::tanh(z) } }, {
                    z.iter_mut().for_each(|v| *v = tanh_fast(*v))
                })
            }

            #[inline(always)]
            fn sigmoid_in_place(self, z: &mut [f32]) {
                portable_or!({ unsafe { $module::sigmoid(z) } }, {
                    z.iter_mut().for_each(|v| *v = sigmoid_fast(*v))
                })
            }

            #[inline(always)]
            fn gate_sigmoid_in_place(self, z: &mut [f32]) {
                portable_or!({ unsafe { $module::gate_sigmoid(z) } }, {
                    z.iter_mut().for_each(|v| *v = gate_sigmoid_fast(*v))
                })
            }

            #[inline(always)]
            fn exp_in_place(self, z: &mut [f32]) {
                portable_or!({ unsafe { $module::exp_in_place(z) } }, {
                    z.iter_mut().for_each(|v| *v = exp_fast(*v))
                })
            }

            // The fused one-row kernels need whole registers of units; other widths (and a
            // path without them) take the portable body.
            #[inline(always)]
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
                portable_or!(
                    {
                        if $fused_row && U % $module::LANES == 0 && U4 == 4 * U {
                            // SAFETY: `self` proves the path's features.
                            return unsafe {
                                $module::lstm_row::<IN, U, U4>(
                                    x, kernel, h, recurrent, z0, c, h_out,
                                )
                            };
                        }
                        lstm_row_generic(self, x, kernel, h, recurrent, z0, c, h_out)
                    },
                    { lstm_row_generic(self, x, kernel, h, recurrent, z0, c, h_out) }
                )
            }

            #[inline(always)]
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
                portable_or!(
                    {
                        if $fused_row && U % $module::LANES == 0 && U3 == 3 * U {
                            // SAFETY: `self` proves the path's features.
                            return unsafe {
                                $module::gru_row::<IN, U, U3>(
                                    x, kernel, h, recurrent, a0, b_rec, h_out,
                                )
                            };
                        }
                        gru_row_generic(self, x, kernel, h, recurrent, a0, b_rec, h_out)
                    },
                    { gru_row_generic(self, x, kernel, h, recurrent, a0, b_rec, h_out) }
                )
            }

            #[inline(always)]
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
                // One row as in `matvec2_group`: the portable body. (Called directly, not
                // through a closure: a closure is not inlined into the caller's
                // `#[target_feature]` function, so its `mul_add` became a call to libm's `fmaf`
                // per multiply-add: stack128 2.2x slower from 2026-11-28 00:27 until found.)
                if G == 1 && $one_row_portable {
                    return matvec2_group_init_generic::<Self, G, IN1, IN2, OUT>(
                        x1, w1, x2, w2, init, out,
                    );
                }
                portable_or!(
                    {
                        // SAFETY: `self` proves the path's features; the kernel writes every
                        // value of `out` (full tiles, then the masked tail up to OUT, for every
                        // row), so it is initialised after the call.
                        unsafe {
                            $module::matvec2_group_init::<G, IN1, IN2, OUT>(
                                x1, w1, x2, w2, init, out,
                            );
                            out.assume_init_mut()
                        }
                    },
                    {
                        matvec2_group_init_generic::<Self, G, IN1, IN2, OUT>(
                            x1, w1, x2, w2, init, out,
                        )
                    }
                )
            }

            #[inline(always)]
            fn matvec2_group<
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
                acc: &mut [[f32; OUT]; G],
            ) {
                // One row: the portable body, which LLVM vectorises under this path's features,
                // measured faster than the template's tiles for a single row at every width
                // tried (8 to 512 outputs); rows in lockstep go to the template.
                if G == 1 && $one_row_portable {
                    matvec_acc_group_generic::<Self, G, IN1, OUT>(x1, w1, acc);
                    matvec_acc_group_generic::<Self, G, IN2, OUT>(x2, w2, acc);
                    return;
                }
                portable_or!(
                    { unsafe { $module::matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc) } },
                    {
                        matvec_acc_group_generic::<Self, G, IN1, OUT>(x1, w1, acc);
                        matvec_acc_group_generic::<Self, G, IN2, OUT>(x2, w2, acc);
                    }
                )
            }
        }
    };
}

simd_path!(Fused, 96, avx2, one_row_portable = true, fused_row = true);
// The AVX-512 path keeps the separate one-row steps: its fused kernels are the same template
// code, but no host we have can measure (or run) them.
simd_path!(
    Avx512,
    192,
    avx512,
    one_row_portable = false,
    fused_row = false
);

/// `acc += x · w` for a row vector `x` (IN) and a matrix `w` in Keras's (in, out) layout.
///
/// Broadcast-FMA: each `x[i]` scales row `i` of `w` into the accumulator, so the inner loop runs
/// over contiguous outputs and needs no horizontal sums.
#[inline(always)]
pub fn matvec_acc<M: MulAdd, const IN: usize, const OUT: usize>(
    x: &[f32; IN],
    w: &[[f32; OUT]; IN],
    acc: &mut [f32; OUT],
) {
    let mut a = *acc;
    for (xi, row) in x.iter().zip(w.iter()) {
        for (aj, wj) in a.iter_mut().zip(row.iter()) {
            *aj = M::mul_add(*xi, *wj, *aj);
        }
    }
    *acc = a;
}

/// `acc[g] += x[g] · w` for G rows at once: each row of `w` is loaded once and used G times,
/// and the G independent accumulator chains hide the FMA latency that bounds a single row.
/// With fewer than 4 rows there are not enough chains, so each row's sum is split over the
/// inputs into 2 partial sums added at the end, while the accumulators fit the path's register
/// budget ([`MulAdd::ACC_FLOATS`]). Past that LLVM stops keeping the arrays in registers and
/// the kernel gets many times slower (measured), which is also why the macro caps the rows
/// per group.
#[inline(always)]
pub fn matvec_acc_group<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(
    m: M,
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
    m.matvec_group::<G, IN, OUT>(x, w, acc)
}

/// The portable body of [`matvec_acc_group`], vectorised by the compiler.
#[inline(always)]
pub fn matvec_acc_group_generic<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
    if G <= 3 && 2 * G * OUT <= M::ACC_FLOATS {
        split::<M, G, 2, IN, OUT>(x, w, acc)
    } else {
        {
            let mut a = *acc;
            for (i, row) in w.iter().enumerate() {
                for (ag, xg) in a.iter_mut().zip(x.iter()) {
                    let xi = xg[i];
                    for (aj, wj) in ag.iter_mut().zip(row.iter()) {
                        *aj = M::mul_add(xi, *wj, *aj);
                    }
                }
            }
            *acc = a;
        }
    }
}

/// [`matvec_acc_group`] with each row's sum split into `S` partial sums over the inputs
/// (input `i` goes to partial sum `i % S`; a remainder of fewer than `S` inputs to sum 0).
#[inline(always)]
fn split<M: MulAdd, const G: usize, const S: usize, const IN: usize, const OUT: usize>(
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
    let mut parts = [[[0.0f32; OUT]; S]; G];
    for (g, p) in parts.iter_mut().enumerate() {
        p[0] = acc[g];
    }
    let (w_chunks, w_tail) = w.as_chunks::<S>();
    for (c, rows) in w_chunks.iter().enumerate() {
        for (pg, xg) in parts.iter_mut().zip(x.iter()) {
            for (s, (a, row)) in pg.iter_mut().zip(rows.iter()).enumerate() {
                let xi = xg[c * S + s];
                for (aj, wj) in a.iter_mut().zip(row.iter()) {
                    *aj = M::mul_add(xi, *wj, *aj);
                }
            }
        }
    }
    let done = w_chunks.len() * S;
    for (t, row) in w_tail.iter().enumerate() {
        for (pg, xg) in parts.iter_mut().zip(x.iter()) {
            let xi = xg[done + t];
            for (aj, wj) in pg[0].iter_mut().zip(row.iter()) {
                *aj = M::mul_add(xi, *wj, *aj);
            }
        }
    }
    for (ag, pg) in acc.iter_mut().zip(parts.iter()) {
        *ag = pg[0];
        for p in &pg[1..] {
            for (aj, pj) in ag.iter_mut().zip(p.iter()) {
                *aj += *pj;
            }
        }
    }
}

/// The portable body of [`MulAdd::matvec2_group_init`]: the initial rows copied into `out`,
/// then both products added ([`matvec_acc_group_generic`]).
#[inline(always)]
pub fn matvec2_group_init_generic<
    'o,
    M: MulAdd,
    const G: usize,
    const IN1: usize,
    const IN2: usize,
    const OUT: usize,
>(
    x1: &[&[f32; IN1]; G],
    w1: &[[f32; OUT]; IN1],
    x2: &[&[f32; IN2]; G],
    w2: &[[f32; OUT]; IN2],
    init: &[&[f32; OUT]; G],
    out: &'o mut MaybeUninit<[[f32; OUT]; G]>,
) -> &'o mut [[f32; OUT]; G] {
    let out = out.write(std::array::from_fn(|g| *init[g]));
    matvec_acc_group_generic::<M, G, IN1, OUT>(x1, w1, out);
    matvec_acc_group_generic::<M, G, IN2, OUT>(x2, w2, out);
    out
}

/// The portable body of [`MulAdd::lstm_row`] (and the scalar twin the tests hold the fused
/// kernels to): the products, then the path's sigmoid and tanh over the gate columns, then the
/// cell.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn lstm_row_generic<M: MulAdd, const IN: usize, const U: usize, const U4: usize>(
    m: M,
    x: &[f32; IN],
    kernel: &[[f32; U4]; IN],
    h: &[f32; U],
    recurrent: &[[f32; U4]; U],
    z0: &[f32; U4],
    c: &mut [f32; U],
    h_out: &mut [f32; U],
) {
    let mut z = [*z0];
    m.matvec2_group::<1, IN, U, U4>(&[x], kernel, &[h], recurrent, &mut z);
    let z = &mut z[0];
    let (sig, cand) = z.split_at_mut(3 * U);
    m.gate_sigmoid_in_place(sig);
    m.tanh_in_place(cand);
    let mut ac = [0.0f32; U];
    for j in 0..U {
        c[j] = z[U + j] * c[j] + z[j] * z[3 * U + j];
        ac[j] = c[j];
    }
    m.tanh_in_place(&mut ac);
    for j in 0..U {
        h_out[j] = z[2 * U + j] * ac[j];
    }
}

/// The portable body of [`MulAdd::gru_row`] (and the fused kernels' scalar twin).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn gru_row_generic<M: MulAdd, const IN: usize, const U: usize, const U3: usize>(
    m: M,
    x: &[f32; IN],
    kernel: &[[f32; U3]; IN],
    h: &[f32; U],
    recurrent: &[[f32; U3]; U],
    a0: &[f32; U3],
    b_rec: &[f32; U3],
    h_out: &mut [f32; U],
) {
    let (mut a, mut b) = ([*a0], [*b_rec]);
    m.matvec_group::<1, IN, U3>(&[x], kernel, &mut a);
    m.matvec_group::<1, U, U3>(&[h], recurrent, &mut b);
    let (a, b) = (&mut a[0], &b[0]);
    for j in 0..2 * U {
        a[j] += b[j];
    }
    m.gate_sigmoid_in_place(&mut a[..2 * U]);
    for j in 0..U {
        a[2 * U + j] += a[U + j] * b[2 * U + j];
    }
    m.tanh_in_place(&mut a[2 * U..]);
    for j in 0..U {
        let z = a[j];
        h_out[j] = z * h[j] + (1.0 - z) * a[2 * U + j];
    }
}

/// Reference for [`matvec_acc`]: the textbook dot product per output, accumulated in f64.
pub fn matvec_acc_reference(x: &[f32], w: &[f32], out: usize, acc: &mut [f32]) {
    for (j, a) in acc.iter_mut().enumerate().take(out) {
        let mut s = *a as f64;
        for (i, xi) in x.iter().enumerate() {
            s += *xi as f64 * w[i * out + j] as f64;
        }
        *a = s as f32;
    }
}

/// Asks the CPU to bring `x` into cache, a 64-byte line at a time. A hint only: no effect on
/// results, nothing off x86-64. The layers prefetch the next step's folded rows one row at a
/// time between their per-row work: issued all at once, the prefetches of a group's rows
/// (72 lines for 9 LSTM rows) outnumber the core's outstanding misses and stall the loads
/// behind them (measured: docs/PERFORMANCE.md).
#[inline(always)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = (x as *const T).cast::<i8>();
        let size = size_of::<T>();
        // A counted loop over whole lines (fully unrolled for a row's fixed size; an iterator
        // chain compiled to a state machine around each prefetch, measured 2-5% slower on
        // lstm128 and gru128), then the line of the last byte.
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

/// `x P(x²) / Q(x²)` with x held to `[-clamp, clamp]`, the result clamped to `[-bound, bound]`:
/// the form of [`tanh_fast`] and of the gate sigmoid's `tanh(x / 2) / 2`. Coefficients from
/// the constant term up. One evaluation order for every path (Horner in x², the portable path
/// with separate multiplies and adds, the SIMD paths with fused ones).
#[derive(Clone, Copy, Debug)]
pub(crate) struct OddRational {
    pub(crate) clamp: f32,
    pub(crate) p: [f32; 5],
    pub(crate) q: [f32; 4],
    pub(crate) bound: f32,
}

/// tanh: a 9/6-degree rational, minimax (largest absolute error) on [-8, 8] with its value at
/// the clamp pulled up so that tanh saturates to exactly ±1 beyond it (fitted by
/// tools/fit_tanh.py). Its largest error over every f32 (5.4e-7 on AVX2, at most 10 ulp) is
/// within two ulp of that of Eigen's 13/6 interpolant (the one TensorFlow's CPU kernels use,
/// and ours before 2026-11-28), with two multiply-adds fewer: LSTM and GRU batches and single
/// sequences 4-5% faster (docs/PERFORMANCE.md). The fit overshoots 1 near the clamp; tanh never
/// does, hence the bound.
pub(crate) const TANH: OddRational = OddRational {
    clamp: 8.0,
    p: [
        1.0,
        0.126_949_5,
        0.002_678_745_4,
        7.030_679e-6,
        -5.907_988_8e-9,
    ],
    q: [1.0, 0.460_281, 0.022_775_047, 1.944_813_6e-4],
    bound: 1.0,
};

/// `tanh(x / 2) / 2` as [`TANH`] with its coefficients rescaled by powers of two (p_k by
/// 4^-(k+1), q_k by 4^-k, clamp doubled, bound halved): every intermediate is the original's
/// times a power of two, so the result has the same bits as `0.5 * tanh_fast(0.5 * x)` with
/// the two halvings gone. The gate sigmoid adds 0.5.
pub(crate) const HALF_TANH_HALF: OddRational = TANH.half_at_half();

impl OddRational {
    /// `self(x / 2) / 2` (see [`HALF_TANH_HALF`]).
    const fn half_at_half(self) -> OddRational {
        let mut r = self;
        let mut k = 0;
        let mut scale = 1.0f32;
        while k < r.p.len() {
            r.p[k] *= scale * 0.25;
            scale *= 0.25;
            k += 1;
        }
        let (mut k, mut scale) = (0, 1.0f32);
        while k < r.q.len() {
            r.q[k] *= scale;
            scale *= 0.25;
            k += 1;
        }
        r.clamp *= 2.0;
        r.bound *= 0.5;
        r
    }

    /// The rational at `x`, with a true division. Branch-free, so it vectorises; NaN stays NaN
    /// (`clamp` propagates it, and so does the arithmetic).
    #[inline(always)]
    pub(crate) fn eval(&self, x: f32) -> f32 {
        let x = x.clamp(-self.clamp, self.clamp);
        let x2 = x * x;
        let [p_rest @ .., p_top] = self.p;
        let p = p_rest.iter().rev().fold(p_top, |p, &a| x2 * p + a) * x;
        let [q_rest @ .., q_top] = self.q;
        let q = q_rest.iter().rev().fold(q_top, |q, &b| x2 * q + b);
        (p / q).clamp(-self.bound, self.bound)
    }
}

/// tanh as [`TANH`]: a 9/6-degree rational on [-8, 8], ±1 outside. Branch-free, so it
/// vectorises. Its largest absolute error over every finite f32 is stated in
/// docs/PERFORMANCE.md (measured by `cargo run --release --example tanh_error`).
#[inline(always)]
pub fn tanh_fast(x: f32) -> f32 {
    TANH.eval(x)
}

/// Reference for [`tanh_fast`]: f64 tanh rounded once.
#[cfg(feature = "std")]
pub fn tanh_reference(x: f32) -> f32 {
    (x as f64).tanh() as f32
}

/// Inputs of [`exp_fast`] are clamped to [EXP_LO, EXP_HI]: e^-104 is below half the smallest
/// subnormal (so 0), e^89 above `f32::MAX` (so inf); both ends round to what exp does.
const EXP_LO: f32 = -104.0;
const EXP_HI: f32 = 89.0;
const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// 1.5 * 2^23: adding it to |v| < 2^22 rounds v to an integer held in the low mantissa bits.
const ROUND_MAGIC: f32 = 12_582_912.0;
/// ln 2 = EXP_C1 - EXP_C2, EXP_C1 with few enough bits that `n * EXP_C1` is exact (Cephes).
const EXP_C1: f32 = 0.693_359_4; // 355/512 exactly
const EXP_C2: f32 = -2.121_944_4e-4;
/// exp(r) = 1 + r + r^2 (P2 + P3 r + ... + P6 r^4) on [-ln2/2, ln2/2] (Eigen's `pexp_float`).
const EXP_P2: f32 = 0.499_999_88;
const EXP_P3: f32 = 0.166_665_18;
const EXP_P4: f32 = 4.166_965_2e-2;
const EXP_P5: f32 = 8.368_945e-3;
const EXP_P6: f32 = 1.374_496_4e-3;

/// e^x as Cephes and Eigen compute it: x = n ln2 + r with |r| <= ln2/2 (ln 2 in two parts so
/// that r is nearly exact), a degree-6 polynomial for e^r, then scaling by 2^n through the
/// exponent bits (in two halves, so that subnormal results and overflow to inf round once).
/// Branch-free and without libm, so it vectorises. Inputs past the f32 range saturate to 0 or
/// inf; NaN stays NaN. Its largest relative error over every finite f32 is stated in
/// docs/PERFORMANCE.md (`cargo run --release --example sigmoid_error`).
#[inline(always)]
pub fn exp_fast(x: f32) -> f32 {
    // NaN stays NaN: `clamp` propagates it, and so does the arithmetic below.
    let x = x.clamp(EXP_LO, EXP_HI);
    let k = x * LOG2_E + ROUND_MAGIC;
    let n = k - ROUND_MAGIC;
    let r = x - n * EXP_C1;
    let r = r - n * EXP_C2;
    let r2 = r * r;
    let even = (r2 * EXP_P6 + EXP_P4) * r2 + EXP_P2;
    let odd = r2 * EXP_P5 + EXP_P3;
    let y = r * odd + even;
    let y = r2 * y + (r + 1.0);
    // n in [-150, 129] (any integer for NaN: the product stays NaN), split n = n1 + n2 with
    // both 2^n1 and 2^n2 normal.
    let n = (k.to_bits() as i32).wrapping_sub(ROUND_MAGIC.to_bits() as i32);
    let n1 = n >> 1;
    let n2 = n.wrapping_sub(n1);
    let s1 = f32::from_bits((n1.wrapping_add(127) << 23) as u32);
    let s2 = f32::from_bits((n2.wrapping_add(127) << 23) as u32);
    y * s1 * s2
}

/// Reference for [`exp_fast`]: f64 exp rounded once.
#[cfg(feature = "std")]
pub fn exp_reference(x: f32) -> f32 {
    (x as f64).exp() as f32
}

/// The logistic function `1 / (1 + e^-x)` with [`exp_fast`] and a true division: exactly 0
/// below about -88.7 (e^-x overflows to inf), exactly 1 above about 16.7 (1 + e^-x rounds to
/// 1), NaN for NaN. Largest absolute error over every finite f32: docs/PERFORMANCE.md.
#[inline(always)]
pub fn sigmoid_fast(x: f32) -> f32 {
    1.0 / (1.0 + exp_fast(-x))
}

/// The sigmoid of LSTM and GRU gates: `0.5 tanh(x / 2) + 0.5` with [`tanh_fast`]'s rational
/// (as [`HALF_TANH_HALF`], the halvings folded into its coefficients), one rational instead of
/// an exp and a division (gated batches 2-4% faster, measured in one process
/// against [`sigmoid_fast`]: docs/PERFORMANCE.md). Within 3.1e-7 of the logistic function
/// over every f32 (`cargo run --release --example sigmoid_error`; the tests allow 3.5e-7, half
/// the intrinsics tanh's bound): a gate's value multiplies the state, so its absolute error is
/// what counts. Near
/// 0 it is not close in relative terms (below about -17 it is exactly 0), which is why
/// `sigmoid` as a layer's output activation keeps [`sigmoid_fast`].
#[inline(always)]
pub fn gate_sigmoid_fast(x: f32) -> f32 {
    HALF_TANH_HALF.eval(x) + 0.5
}

/// Reference for [`sigmoid_fast`]: `1 / (1 + e^-x)` in f64, rounded once.
#[cfg(feature = "std")]
pub fn sigmoid_reference(x: f32) -> f32 {
    (1.0 / (1.0 + (-(x as f64)).exp())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_fast_is_within_two_millionths_everywhere_sampled() {
        let mut worst = 0.0f32;
        let mut x = -20.0f32;
        while x < 20.0 {
            worst = worst.max((tanh_fast(x) - tanh_reference(x)).abs());
            x += 1.0e-4;
        }
        for x in [
            0.0f32,
            -0.0,
            1e-30,
            -1e-30,
            9.0,
            -9.0,
            100.0,
            f32::MAX,
            f32::MIN,
        ] {
            worst = worst.max((tanh_fast(x) - tanh_reference(x)).abs());
        }
        assert!(worst < 2e-6, "worst error {worst}");
        assert!(tanh_fast(f32::INFINITY) == 1.0 && tanh_fast(f32::NEG_INFINITY) == -1.0);
    }

    fn check_group<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>() {
        let Some(m) = M::detect() else {
            return;
        };
        let mut s = (G * 1000 + IN * 100 + OUT) as u32;
        let mut next = || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let xs: [[f32; IN]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let w: Box<[[f32; OUT]; IN]> =
            Box::new(std::array::from_fn(|_| std::array::from_fn(|_| next())));
        let start: [[f32; OUT]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let refs: [&[f32; IN]; G] = std::array::from_fn(|g| &xs[g]);
        let mut got = start;
        matvec_acc_group::<M, G, IN, OUT>(m, &refs, &w, &mut got);
        let flat: Vec<f32> = w.iter().flatten().copied().collect();
        for g in 0..G {
            let mut want = start[g];
            matvec_acc_reference(&xs[g], &flat, OUT, &mut want);
            for (a, b) in got[g].iter().zip(&want) {
                assert!((a - b).abs() < 1e-5, "G={G} IN={IN} OUT={OUT}: {a} vs {b}");
            }
        }
    }

    macro_rules! group_cases {
        ($m:ty: $($g:literal, $i:literal, $o:literal);*) => { $( check_group::<$m, $g, $i, $o>(); )* };
    }

    #[test]
    fn grouped_kernels_match_the_reference_at_every_width_and_group() {
        // Widths around the 16-lane tiles and their masked tails, odd input counts.
        group_cases!(Avx512: 1, 1, 1; 1, 3, 5; 1, 32, 32; 1, 48, 48; 1, 40, 40; 1, 17, 33; 2, 33, 17;
            2, 48, 64; 3, 24, 24; 4, 40, 40; 6, 32, 32; 6, 7, 100; 5, 64, 48; 1, 100, 128);
        group_cases!(Fused: 1, 48, 48; 2, 33, 17; 6, 32, 32; 3, 7, 100);
        group_cases!(Separate: 1, 48, 48; 2, 33, 17; 6, 32, 32);
    }

    /// One implementation of `acc[g] += x1[g] · w1 + x2[g] · w2`, for [`two_products`].
    trait TwoProducts {
        fn name() -> &'static str;
        /// Whether this CPU can run it.
        fn available() -> bool {
            true
        }
        fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
            x1: &[&[f32; IN1]; G],
            w1: &[[f32; OUT]; IN1],
            x2: &[&[f32; IN2]; G],
            w2: &[[f32; OUT]; IN2],
            acc: &mut [[f32; OUT]; G],
        );
    }

    /// Through the trait, as layers call it.
    struct ViaTrait<M>(M);

    impl<M: MulAdd> TwoProducts for ViaTrait<M> {
        fn name() -> &'static str {
            std::any::type_name::<M>()
        }
        fn available() -> bool {
            M::detect().is_some()
        }
        fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
            x1: &[&[f32; IN1]; G],
            w1: &[[f32; OUT]; IN1],
            x2: &[&[f32; IN2]; G],
            w2: &[[f32; OUT]; IN2],
            acc: &mut [[f32; OUT]; G],
        ) {
            if let Some(m) = M::detect() {
                m.matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc)
            }
        }
    }

    /// The template's expansions, called directly (so neither hides behind a fallback).
    #[cfg(target_arch = "x86_64")]
    struct TemplateAvx2;
    #[cfg(target_arch = "x86_64")]
    struct TemplateAvx512;

    #[cfg(target_arch = "x86_64")]
    impl TwoProducts for TemplateAvx2 {
        fn name() -> &'static str {
            "template avx2"
        }
        fn available() -> bool {
            std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
        }
        fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
            x1: &[&[f32; IN1]; G],
            w1: &[[f32; OUT]; IN1],
            x2: &[&[f32; IN2]; G],
            w2: &[[f32; OUT]; IN2],
            acc: &mut [[f32; OUT]; G],
        ) {
            // SAFETY: only called when `available()` (AVX2 and FMA present).
            unsafe { avx2::matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc) }
        }
    }

    #[cfg(target_arch = "x86_64")]
    impl TwoProducts for TemplateAvx512 {
        fn name() -> &'static str {
            "template avx512"
        }
        fn available() -> bool {
            std::arch::is_x86_feature_detected!("avx512f")
        }
        fn run<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
            x1: &[&[f32; IN1]; G],
            w1: &[[f32; OUT]; IN1],
            x2: &[&[f32; IN2]; G],
            w2: &[[f32; OUT]; IN2],
            acc: &mut [[f32; OUT]; G],
        ) {
            // SAFETY: only called when `available()` (AVX-512F present).
            unsafe { avx512::matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc) }
        }
    }

    /// `K` against the f64 reference for both products at once, to a tolerance relative to the
    /// sum of the terms' magnitudes.
    fn check_two<
        K: TwoProducts,
        const G: usize,
        const IN1: usize,
        const IN2: usize,
        const OUT: usize,
    >() {
        let mut s = (G * 100_000 + IN1 * 1000 + IN2 * 10 + OUT) as u32;
        let mut next = || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let x1: [[f32; IN1]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let x2: [[f32; IN2]; G] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let w1: Vec<[f32; OUT]> = (0..IN1).map(|_| std::array::from_fn(|_| next())).collect();
        let w2: Vec<[f32; OUT]> = (0..IN2).map(|_| std::array::from_fn(|_| next())).collect();
        let w1: &[[f32; OUT]; IN1] = w1.as_slice().try_into().unwrap();
        let w2: &[[f32; OUT]; IN2] = w2.as_slice().try_into().unwrap();
        // Guard values past each row: a tail load or store outside the row would show.
        let mut rows: Vec<[f32; OUT]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
        rows.push([f32::NAN; OUT]);
        let start: [[f32; OUT]; G] = std::array::from_fn(|g| rows[g]);
        let r1: [&[f32; IN1]; G] = std::array::from_fn(|g| &x1[g]);
        let r2: [&[f32; IN2]; G] = std::array::from_fn(|g| &x2[g]);
        let acc: &mut [[f32; OUT]; G] = (&mut rows[..G]).try_into().unwrap();
        K::run::<G, IN1, IN2, OUT>(&r1, w1, &r2, w2, acc);
        for g in 0..G {
            for j in 0..OUT {
                let (mut want, mut size) = (start[g][j] as f64, start[g][j].abs() as f64);
                for (x, w) in [(&x1[g][..], &w1[..]), (&x2[g][..], &w2[..])] {
                    for (xi, row) in x.iter().zip(w) {
                        want += *xi as f64 * row[j] as f64;
                        size += (*xi as f64 * row[j] as f64).abs();
                    }
                }
                let got = rows[g][j] as f64;
                assert!(
                    (got - want).abs() <= 1e-6 * (size + 1.0),
                    "{} G={G} IN1={IN1} IN2={IN2} OUT={OUT} [{g}][{j}]: {got} vs {want}",
                    K::name()
                );
            }
        }
        assert!(
            rows[G].iter().all(|v| v.is_nan()),
            "{}: wrote past the rows",
            K::name()
        );
    }

    /// Every width from 1 to 17 and around 32, 48, 64 and 128 (full tiles, masked tails, a
    /// tile of which only some registers hold outputs), 1 to 12 rows (split sums for 1-2, row
    /// blocks of 3 and 2 on AVX2, of 4 and 2 on AVX-512, for more), odd
    /// and even input counts, and either product empty.
    fn all_widths<K: TwoProducts>() {
        if !K::available() {
            eprintln!("{}: not on this CPU, skipped", K::name());
            return;
        }
        macro_rules! cases {
            ($($g:literal, $i1:literal, $i2:literal, $o:literal);* $(;)?) => {
                $( check_two::<K, $g, $i1, $i2, $o>(); )*
            };
        }
        cases!(
            1, 1, 0, 1; 1, 0, 3, 2; 1, 2, 3, 3; 1, 3, 3, 4; 1, 5, 5, 5; 1, 4, 1, 6; 1, 7, 7, 7;
            1, 8, 8, 8; 1, 9, 9, 9; 1, 3, 10, 10; 1, 11, 11, 11; 1, 12, 12, 12; 1, 6, 13, 13;
            1, 14, 0, 14; 1, 15, 15, 15; 1, 16, 16, 16; 1, 17, 17, 17;
            1, 31, 31, 31; 1, 32, 32, 32; 1, 33, 33, 33; 1, 40, 40, 40; 1, 47, 48, 48;
            1, 49, 49, 49; 1, 63, 64, 64; 1, 65, 1, 65; 1, 100, 128, 128; 1, 5, 129, 129;
            2, 1, 1, 1; 2, 7, 9, 9; 2, 16, 16, 16; 2, 33, 17, 17; 2, 32, 32, 32; 2, 48, 64, 64;
            2, 5, 65, 65; 2, 0, 40, 40; 2, 31, 0, 100;
            3, 3, 5, 5; 3, 24, 24, 24; 3, 16, 16, 16; 3, 7, 33, 33; 3, 9, 48, 48;
            4, 40, 40, 40; 4, 1, 8, 8; 4, 17, 31, 31; 4, 32, 64, 64;
            5, 64, 48, 48; 5, 3, 3, 13;
            6, 32, 32, 32; 6, 7, 100, 100; 6, 16, 17, 17; 6, 0, 64, 64; 6, 33, 0, 33;
            7, 5, 9, 9; 7, 32, 32, 32;
            8, 8, 8, 8; 8, 48, 48, 48; 8, 3, 65, 65; 8, 0, 32, 128;
            9, 0, 32, 128; 9, 32, 32, 96; 10, 5, 7, 33; 11, 16, 16, 40; 12, 3, 9, 130;
        );
    }

    /// `matvec_group_init` and `matvec2_group_init` on one path at one size: bit for bit
    /// `matvec_group` and `matvec2_group` on a copy of the initial rows, and `init` untouched.
    fn check_init<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(m: M) {
        let mut s = (G * 7 + IN * 3 + OUT) as u32;
        let mut next = || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let x: Vec<[f32; IN]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
        let x: [&[f32; IN]; G] = std::array::from_fn(|g| &x[g]);
        let w: Vec<[f32; OUT]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
        let w: &[[f32; OUT]; IN] = w.as_slice().try_into().unwrap();
        let init: Vec<[f32; OUT]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
        let before = init.clone();
        let refs: [&[f32; OUT]; G] = std::array::from_fn(|g| &init[g]);
        let mut want: [[f32; OUT]; G] = std::array::from_fn(|g| init[g]);
        m.matvec_group::<G, IN, OUT>(&x, w, &mut want);
        let mut got = MaybeUninit::new([[f32::NAN; OUT]; G]);
        let got = m.matvec_group_init::<G, IN, OUT>(&x, w, &refs, &mut got);
        assert_eq!(*got, want, "matvec_group_init G={G} IN={IN} OUT={OUT}");
        // Two products (a recurrent step's x · kernel + h · recurrent): the second with its
        // own inputs and weights.
        let x2: Vec<[f32; IN]> = (0..G).map(|_| std::array::from_fn(|_| next())).collect();
        let x2: [&[f32; IN]; G] = std::array::from_fn(|g| &x2[g]);
        let w2: Vec<[f32; OUT]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
        let w2: &[[f32; OUT]; IN] = w2.as_slice().try_into().unwrap();
        let mut want2: [[f32; OUT]; G] = std::array::from_fn(|g| init[g]);
        m.matvec2_group::<G, IN, IN, OUT>(&x, w, &x2, w2, &mut want2);
        let mut got2 = MaybeUninit::new([[f32::NAN; OUT]; G]);
        let got2 = m.matvec2_group_init::<G, IN, IN, OUT>(&x, w, &x2, w2, &refs, &mut got2);
        assert_eq!(*got2, want2, "matvec2_group_init G={G} IN={IN} OUT={OUT}");
        assert_eq!(init, before);
    }

    fn init_sizes<M: MulAdd>(m: M) {
        check_init::<M, 1, 32, 128>(m);
        check_init::<M, 2, 5, 13>(m);
        check_init::<M, 3, 32, 96>(m);
        check_init::<M, 6, 7, 33>(m);
        check_init::<M, 8, 32, 128>(m);
        check_init::<M, 9, 32, 128>(m);
        check_init::<M, 9, 16, 100>(m);
    }

    #[test]
    fn matvec_group_init_and_its_two_product_form_match_on_a_copy_on_every_path() {
        init_sizes(Separate);
        Fused::new().into_iter().for_each(init_sizes);
        Avx512::new().into_iter().for_each(init_sizes);
    }

    #[test]
    fn both_template_expansions_and_every_path_match_the_reference() {
        #[cfg(target_arch = "x86_64")]
        {
            all_widths::<TemplateAvx2>();
            all_widths::<TemplateAvx512>();
        }
        all_widths::<ViaTrait<Separate>>();
        all_widths::<ViaTrait<Fused>>();
        all_widths::<ViaTrait<Avx512>>();
    }

    /// The path's [`MulAdd::lstm_row`] and [`MulAdd::gru_row`] (the fused kernels where the
    /// path has them) against their portable twins on the same path, over a few steps with
    /// the state carried: every tile size (units in 1, 2 and 4 registers, and a width that
    /// is not a multiple of the lanes, which takes the portable body), with and without an
    /// input product.
    fn check_rows<M: MulAdd, const IN: usize, const U: usize, const U3: usize, const U4: usize>(
        m: M,
    ) {
        let mut s = (IN * 1000 + U) as u32;
        let mut next = || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((s >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 1.5
        };
        let x: [f32; IN] = std::array::from_fn(|_| next());
        let k4: Vec<[f32; U4]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
        let r4: Vec<[f32; U4]> = (0..U).map(|_| std::array::from_fn(|_| next())).collect();
        let k3: Vec<[f32; U3]> = (0..IN).map(|_| std::array::from_fn(|_| next())).collect();
        let r3: Vec<[f32; U3]> = (0..U).map(|_| std::array::from_fn(|_| next())).collect();
        let (k4, r4): (&[[f32; U4]; IN], &[[f32; U4]; U]) = (
            k4.as_slice().try_into().unwrap(),
            r4.as_slice().try_into().unwrap(),
        );
        let (k3, r3): (&[[f32; U3]; IN], &[[f32; U3]; U]) = (
            k3.as_slice().try_into().unwrap(),
            r3.as_slice().try_into().unwrap(),
        );
        let z0: [f32; U4] = std::array::from_fn(|_| next());
        let (a0, b_rec): ([f32; U3], [f32; U3]) = (
            std::array::from_fn(|_| next()),
            std::array::from_fn(|_| next()),
        );
        let close = |a: &[f32], b: &[f32], what: &str| {
            for (j, (p, q)) in a.iter().zip(b).enumerate() {
                assert!(
                    (p - q).abs() <= 2e-6,
                    "{what} IN={IN} U={U} [{j}]: {p} vs {q}"
                );
            }
        };
        let (mut h, mut c) = ([0.1f32; U], [-0.2f32; U]);
        let (mut h2, mut c2) = (h, c);
        let (mut g, mut g2) = ([0.3f32; U], [0.3f32; U]);
        for _ in 0..4 {
            let mut out = [0.0f32; U];
            m.lstm_row::<IN, U, U4>(&x, k4, &h, r4, &z0, &mut c, &mut out);
            h = out;
            lstm_row_generic::<M, IN, U, U4>(m, &x, k4, &h2, r4, &z0, &mut c2, &mut out);
            h2 = out;
            close(&h, &h2, "lstm_row h");
            close(&c, &c2, "lstm_row c");
            m.gru_row::<IN, U, U3>(&x, k3, &g, r3, &a0, &b_rec, &mut out);
            g = out;
            gru_row_generic::<M, IN, U, U3>(m, &x, k3, &g2, r3, &a0, &b_rec, &mut out);
            g2 = out;
            close(&g, &g2, "gru_row h");
        }
    }

    #[test]
    fn fused_rows_match_their_portable_twins_on_every_path() {
        fn sizes<M: MulAdd>(m: M) {
            check_rows::<M, 0, 8, 24, 32>(m);
            check_rows::<M, 0, 16, 48, 64>(m);
            check_rows::<M, 0, 24, 72, 96>(m);
            check_rows::<M, 0, 32, 96, 128>(m);
            check_rows::<M, 0, 40, 120, 160>(m);
            check_rows::<M, 0, 6, 18, 24>(m);
            check_rows::<M, 5, 8, 24, 32>(m);
            check_rows::<M, 32, 32, 96, 128>(m);
            check_rows::<M, 3, 48, 144, 192>(m);
            check_rows::<M, 14, 64, 192, 256>(m);
        }
        sizes(Separate);
        Fused::new().into_iter().for_each(sizes);
        Avx512::new().into_iter().for_each(sizes);
    }

    #[test]
    fn avx512_tanh_is_as_accurate_as_tanh_fast() {
        let Some(m) = Avx512::detect() else {
            eprintln!("Avx512: not on this CPU, skipped");
            return;
        };
        simd_tanh_is_as_accurate_as_tanh_fast(m);
    }

    #[test]
    fn avx2_tanh_is_as_accurate_as_tanh_fast() {
        let Some(m) = Fused::detect() else {
            eprintln!("Fused: not on this CPU, skipped");
            return;
        };
        simd_tanh_is_as_accurate_as_tanh_fast(m);
    }

    /// The intrinsics tanh (a reciprocal estimate and one Newton step for the division) within
    /// 6.5e-7 of the f64 tanh on a dense sample, with and without masked tails.
    fn simd_tanh_is_as_accurate_as_tanh_fast<M: MulAdd>(m: M) {
        // Lengths with and without a masked tail.
        for len in [1usize, 5, 16, 32, 37] {
            let xs: Vec<f32> = (0..20_000 * len)
                .map(|i| (i as f32 * 7.3e-4) - 12.0)
                .collect();
            let mut ours = xs.clone();
            for chunk in ours.chunks_mut(len) {
                m.tanh_in_place(chunk);
            }
            for (x, y) in xs.iter().zip(&ours) {
                let want = tanh_reference(*x);
                assert!(
                    (y - want).abs() <= 6.5e-7,
                    "tanh({x}) = {y}, reference {want}"
                );
            }
        }
    }

    /// Every 9973rd f32 bit pattern (about 430,000, all signs and exponents) and a fine grid
    /// over the range where exp and sigmoid are neither 0, 1 nor inf.
    fn dense_sample() -> Vec<f32> {
        let mut xs: Vec<f32> = (0..=u32::MAX / 9973)
            .map(|i| f32::from_bits(i * 9973))
            .collect();
        xs.extend((0..400_000).map(|i| -105.0 + i as f32 * 4.9e-4));
        xs.extend([
            0.0, -0.0, 88.72, 88.73, -87.33, -103.97, -104.0, 17.0, -17.0,
        ]);
        xs.extend([
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            1e-45,
            -1e-45,
        ]);
        xs.retain(|x| x.is_finite());
        xs
    }

    /// `f(chunk)` over the sample in chunks of `len` (lengths with and without masked tails).
    fn in_chunks(xs: &[f32], len: usize, f: impl Fn(&mut [f32])) -> Vec<f32> {
        let mut ys = xs.to_vec();
        ys.chunks_mut(len).for_each(f);
        ys
    }

    /// Largest relative error of `ys = exp(xs)` where e^x is a normal f32, and checks the rest:
    /// within one subnormal step (2^-149) below, inf above `f32::MAX`.
    fn exp_error(name: &str, xs: &[f32], ys: &[f32]) -> f64 {
        let mut worst = 0.0f64;
        for (x, y) in xs.iter().zip(ys) {
            let want = (*x as f64).exp();
            let (y, rounded) = (*y as f64, want as f32);
            if rounded.is_infinite() {
                assert!(y == f64::INFINITY, "{name}: exp({x}) = {y}, want inf");
            } else if want < f32::MIN_POSITIVE as f64 {
                assert!(
                    (y - want).abs() <= 1.5e-45,
                    "{name}: exp({x}) = {y:e}, want {want:e}"
                );
            } else {
                worst = worst.max((y - want).abs() / want);
            }
        }
        worst
    }

    fn sigmoid_error(xs: &[f32], ys: &[f32]) -> f64 {
        let reference = |x: f64| 1.0 / (1.0 + (-x).exp());
        (xs.iter().zip(ys))
            .map(|(x, y)| (*y as f64 - reference(*x as f64)).abs())
            .fold(0.0, f64::max)
    }

    /// Every exp and sigmoid of every path (the portable functions, each MulAdd type, each
    /// template expansion called directly), held to f64 on the dense sample: relative error of
    /// exp <= 2.5e-7 (about 2 ulp), absolute error of sigmoid <= 2e-7 (the largest over every f32
    /// is measured by examples/sigmoid_error.rs and stated in docs/PERFORMANCE.md).
    #[test]
    fn exp_and_sigmoid_match_f64_on_every_path() {
        let xs = dense_sample();
        type InPlace = fn(&mut [f32]);
        let mut paths: Vec<(&str, InPlace, InPlace)> = vec![
            (
                "portable",
                |z| z.iter_mut().for_each(|v| *v = exp_fast(*v)),
                |z| z.iter_mut().for_each(|v| *v = sigmoid_fast(*v)),
            ),
            (
                "Separate",
                |z| Separate.exp_in_place(z),
                |z| Separate.sigmoid_in_place(z),
            ),
        ];
        if Fused::new().is_some() {
            paths.push((
                "Fused",
                |z| Fused::new().into_iter().for_each(|m| m.exp_in_place(z)),
                |z| Fused::new().into_iter().for_each(|m| m.sigmoid_in_place(z)),
            ));
        }
        if Avx512::new().is_some() {
            paths.push((
                "Avx512",
                |z| Avx512::new().into_iter().for_each(|m| m.exp_in_place(z)),
                |z| {
                    Avx512::new()
                        .into_iter()
                        .for_each(|m| m.sigmoid_in_place(z))
                },
            ));
        }
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx2") && has!("fma") {
                // SAFETY (both): AVX2 and FMA are present (checked just above).
                paths.push((
                    "template avx2",
                    |z| unsafe { avx2::exp_in_place(z) },
                    |z| unsafe { avx2::sigmoid(z) },
                ));
            }
            if has!("avx512f") {
                // SAFETY (both): AVX-512F is present (checked just above).
                paths.push((
                    "template avx512",
                    |z| unsafe { avx512::exp_in_place(z) },
                    |z| unsafe { avx512::sigmoid(z) },
                ));
            } else {
                eprintln!("template avx512: not on this CPU, skipped");
            }
        }
        for (name, exp, sigmoid) in paths {
            for len in [1usize, 7, 16, 37, 128] {
                let e = exp_error(name, &xs, &in_chunks(&xs, len, exp));
                assert!(
                    e <= 2.5e-7,
                    "{name} (chunks of {len}): exp relative error {e:e}"
                );
                let s = sigmoid_error(&xs, &in_chunks(&xs, len, sigmoid));
                assert!(s <= 2e-7, "{name} (chunks of {len}): sigmoid error {s:e}");
            }
            // Saturation is exact, and NaN stays NaN.
            let mut z = [
                f32::INFINITY,
                f32::NEG_INFINITY,
                100.0,
                -200.0,
                f32::NAN,
                30.0,
            ];
            exp(&mut z);
            assert_eq!(&z[..4], &[f32::INFINITY, 0.0, f32::INFINITY, 0.0], "{name}");
            assert!(z[4].is_nan(), "{name}");
            assert_sigmoid_saturates(name, sigmoid);
            let mut z = [17.0];
            sigmoid(&mut z);
            assert_eq!(z[0], 1.0, "{name}: 1 + e^-17 rounds to 1");
        }
    }

    /// `sigmoid` is exactly 1 and 0 far out at both ends, 0.5 at 0, and NaN for NaN.
    fn assert_sigmoid_saturates(name: &str, sigmoid: impl Fn(&mut [f32])) {
        let mut z = [
            f32::INFINITY,
            f32::NEG_INFINITY,
            100.0,
            -100.0,
            0.0,
            f32::NAN,
        ];
        sigmoid(&mut z);
        assert_eq!(&z[..5], &[1.0, 0.0, 1.0, 0.0, 0.5], "{name}");
        assert!(z[5].is_nan(), "{name}");
    }

    /// The gate sigmoid of every path (the portable function, each MulAdd type, each template
    /// expansion called directly) within 3.5e-7 of the f64 logistic function on the dense sample,
    /// saturating exactly at both ends; NaN stays NaN.
    /// The gate sigmoid folds `0.5 tanh(x / 2) + 0.5`'s two halvings into the rational's
    /// coefficients ([`HALF_TANH_HALF`]); that changes no bit on any path.
    #[test]
    fn gate_sigmoid_has_the_bits_of_half_tanh_of_half_plus_half_on_every_path() {
        /// `0.5 tanh(x / 2) + 0.5` with `tanh`, as bits.
        fn by_tanh(xs: &[f32], tanh: impl Fn(&mut [f32])) -> Vec<u32> {
            let mut t: Vec<f32> = xs.iter().map(|x| 0.5 * x).collect();
            tanh(&mut t);
            t.iter().map(|t| (0.5 * t + 0.5).to_bits()).collect()
        }
        fn path<M: MulAdd>(xs: &[f32]) {
            let Some(m) = M::detect() else { return };
            let mut z = xs.to_vec();
            m.gate_sigmoid_in_place(&mut z);
            let got: Vec<u32> = z.iter().map(|v| v.to_bits()).collect();
            let want = by_tanh(xs, |z| m.tanh_in_place(z));
            assert!(got == want, "{}", std::any::type_name::<M>());
        }
        let xs = dense_sample();
        let portable: Vec<u32> = xs.iter().map(|&x| gate_sigmoid_fast(x).to_bits()).collect();
        let want = by_tanh(&xs, |z| z.iter_mut().for_each(|v| *v = tanh_fast(*v)));
        assert!(portable == want, "portable");
        path::<Fused>(&xs);
        path::<Avx512>(&xs);
    }

    #[test]
    fn gate_sigmoid_is_within_3_5e_minus_7_on_every_path() {
        let xs = dense_sample();
        type InPlace = fn(&mut [f32]);
        let mut paths: Vec<(&str, InPlace)> = vec![
            ("portable", |z| {
                z.iter_mut().for_each(|v| *v = gate_sigmoid_fast(*v))
            }),
            ("Separate", |z| Separate.gate_sigmoid_in_place(z)),
        ];
        if Fused::new().is_some() {
            paths.push(("Fused", |z| {
                Fused::new()
                    .into_iter()
                    .for_each(|m| m.gate_sigmoid_in_place(z))
            }));
        }
        if Avx512::new().is_some() {
            paths.push(("Avx512", |z| {
                Avx512::new()
                    .into_iter()
                    .for_each(|m| m.gate_sigmoid_in_place(z))
            }));
        }
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx2") && has!("fma") {
                // SAFETY: AVX2 and FMA are present (checked just above).
                paths.push(("template avx2", |z| unsafe { avx2::gate_sigmoid(z) }));
            }
            if has!("avx512f") {
                // SAFETY: AVX-512F is present (checked just above).
                paths.push(("template avx512", |z| unsafe { avx512::gate_sigmoid(z) }));
            }
        }
        for (name, sigmoid) in paths {
            for len in [1usize, 7, 16, 37, 128] {
                let s = sigmoid_error(&xs, &in_chunks(&xs, len, sigmoid));
                assert!(
                    s <= 3.5e-7,
                    "{name} (chunks of {len}): gate sigmoid error {s:e}"
                );
            }
            assert_sigmoid_saturates(name, sigmoid);
        }
    }

    #[test]
    fn references_are_f64_rounded_once() {
        assert_eq!(exp_reference(1.0), std::f32::consts::E);
        assert_eq!(sigmoid_reference(0.0), 0.5);
        assert_eq!(exp_fast(0.0), 1.0);
        assert_eq!(sigmoid_fast(0.0), 0.5);
        // n * EXP_C1 is exact for the n of any finite input (|n| <= 150).
        assert_eq!(EXP_C1, 355.0 / 512.0);
    }

    #[test]
    fn tanh_of_nan_is_nan_on_every_path() {
        type InPlace = Box<dyn Fn(&mut [f32])>;
        let mut paths: Vec<InPlace> = vec![Box::new(|z| Separate.tanh_in_place(z))];
        if let Some(m) = Fused::new() {
            paths.push(Box::new(move |z| m.tanh_in_place(z)));
        }
        if let Some(m) = Avx512::new() {
            paths.push(Box::new(move |z| m.tanh_in_place(z)));
        }
        for tanh in paths {
            // Full registers and a masked tail.
            for len in [1usize, 16, 19] {
                let mut z = vec![f32::NAN; len];
                tanh(&mut z);
                assert!(z.iter().all(|v| v.is_nan()), "{z:?}");
            }
        }
    }

    #[test]
    fn tanh_fast_is_odd_and_bounded() {
        for i in 0..10_000 {
            let x = i as f32 * 1.7e-3;
            assert_eq!(tanh_fast(-x), -tanh_fast(x));
            assert!(tanh_fast(x).abs() <= 1.0);
        }
    }

    fn check_matvec<M: MulAdd, const IN: usize, const OUT: usize>(seed: u32) {
        let mut s = seed;
        let mut next = || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let x: [f32; IN] = std::array::from_fn(|_| next());
        let w: [[f32; OUT]; IN] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let start: [f32; OUT] = std::array::from_fn(|_| next());
        let mut fast = start;
        matvec_acc::<M, IN, OUT>(&x, &w, &mut fast);
        let mut reference = start;
        let flat: Vec<f32> = w.iter().flatten().copied().collect();
        matvec_acc_reference(&x, &flat, OUT, &mut reference);
        for (f, r) in fast.iter().zip(&reference) {
            assert!((f - r).abs() < 1e-5, "{f} vs {r}");
        }
    }

    #[test]
    fn grouped_matvec_equals_one_row_at_a_time() {
        let w: [[f32; 5]; 3] =
            std::array::from_fn(|i| std::array::from_fn(|j| (i * 5 + j) as f32 * 0.1 - 0.7));
        let x0 = [0.3f32, -1.0, 2.0];
        let x1 = [1.5f32, 0.25, -0.5];
        // Every grouping (split partial sums for 1-3 rows, plain for more) agrees with the
        // one-row kernel, to rounding.
        let xs = [
            x0,
            x1,
            [-0.7f32, 0.1, 0.9],
            [2.0f32, 2.0, -3.0],
            [0.0f32, 1.0, 0.0],
        ];
        let one = |x: &[f32; 3]| {
            let mut a = [0.5f32; 5];
            matvec_acc::<Fused, 3, 5>(x, &w, &mut a);
            a
        };
        fn check<const G: usize>(
            xs: &[[f32; 3]; 5],
            w: &[[f32; 5]; 3],
            one: &dyn Fn(&[f32; 3]) -> [f32; 5],
        ) {
            let refs: [&[f32; 3]; G] = std::array::from_fn(|g| &xs[g]);
            let mut group = [[0.5f32; 5]; G];
            matvec_acc_group::<Separate, G, 3, 5>(Separate, &refs, w, &mut group);
            for (g, got) in group.iter().enumerate() {
                for (a, b) in got.iter().zip(one(&xs[g])) {
                    assert!((a - b).abs() < 1e-6, "G={G} row {g}: {a} vs {b}");
                }
            }
        }
        check::<1>(&xs, &w, &one);
        check::<2>(&xs, &w, &one);
        check::<3>(&xs, &w, &one);
        check::<5>(&xs, &w, &one);
    }

    #[test]
    fn matvec_matches_reference_for_both_multiply_adds_and_odd_sizes() {
        check_matvec::<Fused, 32, 64>(1);
        check_matvec::<Separate, 32, 64>(2);
        check_matvec::<Fused, 7, 3>(3);
        check_matvec::<Separate, 1, 1>(4);
        check_matvec::<Fused, 33, 17>(5);
    }
}
