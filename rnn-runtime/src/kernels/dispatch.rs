//! Each SIMD token's [`MulAdd`]: every kernel goes to the path's expansion of the intrinsics
//! template (kernels/template.rs), or to the [`portable`] body where the path has none (one row on
//! AVX2, widths the fused row kernels do not take). Off its architecture a token cannot be made
//! (`new` is `None`) and its kernels are the portable bodies.

use std::mem::MaybeUninit;

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
use super::aarch64::neon;
use super::approx::{exp_fast, gate_sigmoid_fast, sigmoid_fast, tanh_fast};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::wasm32::simd128;
#[cfg(target_arch = "x86_64")]
use super::x86_64::{avx2, avx512, avx512_256};
use super::{Avx2, Avx512, Avx512At256, MulAdd, Neon, Simd128, portable};

/// `$simd` where the configuration `$cfg` (the path's architecture) holds, else `$portable`:
/// off its architecture a path has no SIMD kernels, and its token cannot be made.
macro_rules! portable_or {
    ($cfg:meta, $simd:block, $portable:block) => {{
        #[cfg($cfg)]
        $simd
        #[cfg(not($cfg))]
        $portable
    }};
}

/// `a * b + c` rounded once: the SIMD paths' `mul_add`. With std, `f32::mul_add`: LLVM's `fma`,
/// one instruction where the path's features are on, vectorised with the loop around it
/// (`vfmadd`, `fmla`). Without std, libm's `fmaf`; but on aarch64 that is an `asm!` block,
/// which LLVM cannot vectorise, so there NEON's `fmla` on lane 0, which LLVM reduces to the
/// same scalar `fma` (one `fmadd`, vectorised as `f32::mul_add` is).
#[inline(always)]
fn fused_mul_add(a: f32, b: f32, c: f32) -> f32 {
    #[cfg(feature = "std")]
    return a.mul_add(b, c);
    #[cfg(all(not(feature = "std"), target_arch = "aarch64", target_feature = "neon"))]
    // SAFETY: the target has NEON.
    return unsafe {
        use std::arch::aarch64::{vdupq_n_f32, vfmaq_f32, vgetq_lane_f32};
        vgetq_lane_f32::<0>(vfmaq_f32(vdupq_n_f32(c), vdupq_n_f32(a), vdupq_n_f32(b)))
    };
    #[cfg(all(
        not(feature = "std"),
        not(all(target_arch = "aarch64", target_feature = "neon"))
    ))]
    return libm::fmaf(a, b, c);
}

/// A SIMD path's elementwise functions: `template`, the expansion's (where `$cfg` holds, else
/// the portable bodies); `portable`, the trait's own bodies (vectorised by the compiler).
macro_rules! simd_activations {
    (template, $cfg:meta, $module:ident) => {
        // SAFETY (each block): `self` proves the path's features.
        #[inline(always)]
        fn tanh_in_place(self, z: &mut [f32]) {
            portable_or!($cfg, { unsafe { $module::tanh(z) } }, {
                z.iter_mut().for_each(|v| *v = tanh_fast(*v))
            })
        }

        #[inline(always)]
        fn sigmoid_in_place(self, z: &mut [f32]) {
            portable_or!($cfg, { unsafe { $module::sigmoid(z) } }, {
                z.iter_mut().for_each(|v| *v = sigmoid_fast(*v))
            })
        }

        #[inline(always)]
        fn gate_sigmoid_in_place(self, z: &mut [f32]) {
            portable_or!($cfg, { unsafe { $module::gate_sigmoid(z) } }, {
                z.iter_mut().for_each(|v| *v = gate_sigmoid_fast(*v))
            })
        }

        #[inline(always)]
        fn exp_in_place(self, z: &mut [f32]) {
            portable_or!($cfg, { unsafe { $module::exp_in_place(z) } }, {
                z.iter_mut().for_each(|v| *v = exp_fast(*v))
            })
        }
    };
    (portable, $cfg:meta, $module:ident) => {};
}

/// `a * b + c` with two roundings: the multiply and add of a path without fused multiply-add
/// (simd128), as the portable path's.
#[inline(always)]
fn separate_mul_add(a: f32, b: f32, c: f32) -> f32 {
    a * b + c
}

/// The `MulAdd` of a SIMD path: its token type, accumulator budget, constructor, and the module
/// of the kernel template's expansion that every kernel goes to where `$cfg` (the path's
/// architecture) holds (the token proves the CPU has the path's features, so the calls are
/// sound; elsewhere the portable bodies). `narrow = (module below W)`: one row narrower than
/// W (its units for the fused LSTM and GRU rows, its outputs for the products) takes the
/// narrower expansion `module` (whose features the token must prove too) for the fused rows,
/// the portable body for the products; `below 0` for none.
macro_rules! simd_path {
    ($token:ty, $acc:literal, $module:ident, cfg = $cfg:meta,
     one_row_portable = $one_row_portable:literal, fused_row = $fused_row:literal,
     narrow = ($narrow:ident below $narrow_below:literal),
     mul_add = $mul_add:ident, activations = $activations:ident) => {
        impl $token {
            /// Widths below which one row takes the narrow kernels (`narrow`).
            const NARROW_BELOW: usize = $narrow_below;
        }

        // Safe intrinsics (simd128's: no `#[target_feature]` on wasm32) need no `unsafe`.
        #[allow(unused_unsafe)]
        impl MulAdd for $token {
            const ACC_FLOATS: usize = $acc;
            const FUSED_ROW: bool = $fused_row;
            fn detect() -> Option<Self> {
                <$token>::new()
            }
            #[inline(always)]
            fn mul_add(a: f32, b: f32, c: f32) -> f32 {
                $mul_add(a, b, c)
            }

            simd_activations!($activations, $cfg, $module);

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
                    $cfg,
                    {
                        if $fused_row && U % $module::LANES == 0 && U4 == 4 * U {
                            // SAFETY: `self` proves the path's features.
                            return unsafe {
                                $module::lstm_row::<IN, U, U4>(
                                    x, kernel, h, recurrent, z0, c, h_out,
                                )
                            };
                        }
                        if $fused_row
                            && U < Self::NARROW_BELOW
                            && U % $narrow::LANES == 0
                            && U4 == 4 * U
                        {
                            // SAFETY: `self` proves the narrow expansion's features too.
                            return unsafe {
                                $narrow::lstm_row::<IN, U, U4>(
                                    x, kernel, h, recurrent, z0, c, h_out,
                                )
                            };
                        }
                        portable::lstm_row(self, x, kernel, h, recurrent, z0, c, h_out)
                    },
                    { portable::lstm_row(self, x, kernel, h, recurrent, z0, c, h_out) }
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
                    $cfg,
                    {
                        if $fused_row && U % $module::LANES == 0 && U3 == 3 * U {
                            // SAFETY: `self` proves the path's features.
                            return unsafe {
                                $module::gru_row::<IN, U, U3>(
                                    x, kernel, h, recurrent, a0, b_rec, h_out,
                                )
                            };
                        }
                        if $fused_row
                            && U < Self::NARROW_BELOW
                            && U % $narrow::LANES == 0
                            && U3 == 3 * U
                        {
                            // SAFETY: `self` proves the narrow expansion's features too.
                            return unsafe {
                                $narrow::gru_row::<IN, U, U3>(
                                    x, kernel, h, recurrent, a0, b_rec, h_out,
                                )
                            };
                        }
                        portable::gru_row(self, x, kernel, h, recurrent, a0, b_rec, h_out)
                    },
                    { portable::gru_row(self, x, kernel, h, recurrent, a0, b_rec, h_out) }
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
                // One row as in `matvec2_group`: the portable body, called directly. Never
                // through a closure: a closure is not inlined into the caller's
                // `#[target_feature]` function, so its `mul_add` would be a call to libm's
                // `fmaf` per multiply-add (.ci/run checks the bench binary for one).
                if G == 1 && ($one_row_portable || OUT < Self::NARROW_BELOW) {
                    return portable::matvec2_group_init::<Self, G, IN1, IN2, OUT>(
                        x1, w1, x2, w2, init, out,
                    );
                }
                portable_or!(
                    $cfg,
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
                        portable::matvec2_group_init::<Self, G, IN1, IN2, OUT>(
                            x1, w1, x2, w2, init, out,
                        )
                    }
                )
            }

            #[inline(always)]
            fn matvec_strided<
                const R: usize,
                const IN: usize,
                const OUT: usize,
                const XS: usize,
            >(
                self,
                x: &[f32],
                w: &[[f32; OUT]; IN],
                init: &[f32; OUT],
                out: &mut [f32],
                ys: usize,
            ) {
                portable_or!(
                    $cfg,
                    {
                        assert!(portable::strided_fits::<R, IN, OUT, XS>(x, out, ys));
                        // SAFETY: `self` proves the path's features; the rows fit (checked).
                        unsafe {
                            $module::matvec_strided::<R, IN, OUT, XS>(
                                x.as_ptr(),
                                w,
                                init,
                                out.as_mut_ptr(),
                                ys,
                            )
                        }
                    },
                    { portable::matvec_strided::<Self, R, IN, OUT, XS>(x, w, init, out, ys) }
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
                // One row: the portable body, which LLVM vectorises under this path's features
                // and which is faster there than the template's tiles (docs/PERFORMANCE.md);
                // rows in lockstep go to the template.
                if G == 1 && ($one_row_portable || OUT < Self::NARROW_BELOW) {
                    portable::matvec_acc_group::<Self, G, IN1, OUT>(x1, w1, acc);
                    portable::matvec_acc_group::<Self, G, IN2, OUT>(x2, w2, acc);
                    return;
                }
                portable_or!(
                    $cfg,
                    { unsafe { $module::matvec2_group::<G, IN1, IN2, OUT>(x1, w1, x2, w2, acc) } },
                    {
                        portable::matvec_acc_group::<Self, G, IN1, OUT>(x1, w1, acc);
                        portable::matvec_acc_group::<Self, G, IN2, OUT>(x2, w2, acc);
                    }
                )
            }
        }
    };
}

simd_path!(
    Avx2,
    96,
    avx2,
    cfg = target_arch = "x86_64",
    one_row_portable = true,
    fused_row = true,
    narrow = (avx2 below 0),
    mul_add = fused_mul_add,
    activations = template
);
// The AVX-512 path takes one row through the template, one row's LSTM and GRU steps through
// the fused row kernels: measured against the separate steps (2026-12-07, Intel Xeon with
// AVX-512, docs/PERFORMANCE.md "Choosing the path"): lstm1 57.0-60.3 -> 51.4-51.6 us, gru1
// 45.6-45.9 -> 42.9-43.0 us, lstm_step 0.196 -> 0.181 us, gru_step 0.153 -> 0.140 us.
// The width rule (`narrow`): one row narrower than a register of 16 floats takes AVX2's fused
// rows (8 units) and the portable products, as the AVX2 path runs them, where AVX-512 ran half
// masked registers and GRU(8)'s step outside the fused kernel (8 is no multiple of 16):
// conv_step (Conv1D(8), GRU(8), Dense(1)) 135 -> 81 ns, lstm_step and gru_step unchanged
// (2026-12-08, docs/PERFORMANCE.md "Convolutional front ends").
simd_path!(
    Avx512,
    192,
    avx512,
    cfg = target_arch = "x86_64",
    one_row_portable = false,
    fused_row = true,
    narrow = (avx2 below 16),
    mul_add = fused_mul_add,
    activations = template
);
// AVX-512 at 256 bits: every kernel the template's `avx512_256` expansion (one row included,
// as on AVX-512). Not a path: no generated code runs it (docs/PERFORMANCE.md, "AVX-512 at 256
// bits"). Its accumulator budget: three quarters of 32 registers of 8.
simd_path!(
    Avx512At256,
    192,
    avx512_256,
    cfg = target_arch = "x86_64",
    one_row_portable = false,
    fused_row = true,
    narrow = (avx512_256 below 0),
    mul_add = fused_mul_add,
    activations = template
);
// NEON takes one row through the template, whose tiles keep their accumulators in registers at
// every width (the portable body, which executed up to 12% fewer instructions at 32-96 units,
// spilled at 48 units and beyond 96: 1.2-3.1x the template's), and the fused row kernels (as
// many instructions as the separate steps, within 6%; fused as on AVX2 and AVX-512, where that
// measured faster). Its accumulator budget, for the portable bodies: 64 floats, half the 32 registers of
// 4 (at 96, 48 units held 24 accumulators beside a weight row and spilled). Instruction counts
// under qemu: docs/PERFORMANCE.md, "aarch64 (NEON)".
simd_path!(
    Neon,
    64,
    neon,
    cfg = all(target_arch = "aarch64", target_feature = "neon"),
    one_row_portable = false,
    fused_row = true,
    narrow = (neon below 0),
    mul_add = fused_mul_add,
    activations = template
);

// The simd128 path: separate multiply and add (simd128 has no fused multiply-add: a `mul_add`
// would be libm's software `fmaf`), one row's products and the activations the portable bodies
// (LLVM vectorises them for simd128, and they measured faster there than the template's tiles
// and its tanh with a Newton step after a true division), the products of rows in lockstep and
// one row's LSTM and GRU steps the template's `simd128` expansion (docs/PERFORMANCE.md,
// "WebAssembly"). Off WebAssembly every kernel is the portable body.
simd_path!(
    Simd128,
    48,
    simd128,
    cfg = all(target_arch = "wasm32", target_feature = "simd128"),
    one_row_portable = true,
    fused_row = true,
    narrow = (simd128 below 0),
    mul_add = separate_mul_add,
    activations = portable
);
