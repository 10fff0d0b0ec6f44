//! The aarch64 expansion of the kernel template (template.rs): `neon`, 4-lane `float32x4_t`.
//!
//! NEON (Advanced SIMD, with fused multiply-add) is part of every aarch64 target's baseline but
//! the soft-float ones, so this path is chosen at compile time: kernels/mod.rs compiles the
//! module where `target_feature = "neon"` is on, and no CPU is probed.
//!
//! Where NEON's intrinsics have another shape than the template's (which are x86's), a helper
//! here stands in under the template's name: `fmadd`/`fnmadd` (NEON's `vfmaq_f32(c, a, b)` and
//! `vfmsq_f32(c, a, b)` take the addend first), `setzero`, `rcp`, and the masked load and store,
//! which NEON lacks.

use super::template::simd_kernels;

simd_kernels! {
    /// NEON: 32 registers of 4 lanes.
    mod neon;
    feature = "neon";
    arch = std::arch::aarch64;
    register = float32x4_t, lanes = 4;
    // 32 registers. One row: tiles of 8 registers (32 floats) in 2 partial sums, 16 FMA chains
    // (4-cycle FMAs on 2 to 4 pipes want 8 to 16), 16 accumulators and two inputs' weights,
    // no spills; per input 4 `ldp` and one scalar load for 8 `fmla`. Tiles of 4 registers
    // executed 17-20% more instructions from 32 to 256 units, fewer only where the width is
    // not a multiple of 32 (a partial tile checks its lanes at every input). Two rows: 4
    // registers each in 2 sums, 16 chains.
    tiles = (one_row: 8 split 2, few_rows: 4);
    // 6 rows x 4 registers: 24 accumulators, 2 weight registers a pair of loads at a time, 6
    // inputs as scalars (LLVM multiplies by a lane, `fmla v.4s, v.4s, v.s[0]`: no broadcast
    // registers): 32 of 32, no spills; per input 8 loads for 24 `fmla`, and the plan's group of
    // 6 rows is one block. 4 x 4 executed 6-14% more instructions; 4 x 5 (20-float tiles: a
    // partial tile at every power-of-two width) 20-120% more, with an earlier, slower tail
    // (docs/PERFORMANCE.md).
    row_block = (6 rows x 4);
    // Wide groups: the same 6 x 4 block, inputs in chunks of 256 (a 16 KiB panel of 256 inputs
    // x 16 outputs, as AVX2's and AVX-512's; chosen by size, not timed).
    wide = (from 12 rows: 6 rows x 4, chunk 256);
    mask = usize, full = 4;
    helpers = {
        // SAFETY (every `unsafe` block below): this module is compiled only where the target
        // has NEON (kernels/mod.rs), so the intrinsics' feature is the target's.

        /// How many of a register's 4 lanes hold outputs when `left` outputs remain.
        #[inline(always)]
        fn lanes(left: usize) -> usize {
            left.min(4)
        }

        /// A register of zeros.
        #[inline(always)]
        fn setzero() -> float32x4_t {
            unsafe { vdupq_n_f32(0.0) }
        }

        /// `a b + c`, rounded once (`fmla`).
        #[inline(always)]
        fn fmadd(a: float32x4_t, b: float32x4_t, c: float32x4_t) -> float32x4_t {
            unsafe { vfmaq_f32(c, a, b) }
        }

        /// `c - a b`, rounded once (`fmls`).
        #[inline(always)]
        fn fnmadd(a: float32x4_t, b: float32x4_t, c: float32x4_t) -> float32x4_t {
            unsafe { vfmsq_f32(c, a, b) }
        }

        /// `1 / x` to about 16 bits: NEON's estimate (`frecpe`, 8 bits) and one Newton step
        /// (`frecps` gives `2 - x e`), so the template's own Newton step ends near full f32
        /// precision, as after x86's 12- and 14-bit estimates.
        #[inline(always)]
        fn rcp(x: float32x4_t) -> float32x4_t {
            unsafe {
                let e = vrecpeq_f32(x);
                vmulq_f32(e, vrecpsq_f32(x, e))
            }
        }

        /// The first `n` (< 4) floats at `p` in the low lanes, zeros above: NEON has no masked
        /// load, so one or two loads of 1 or 2 lanes (`ld1 {v.s}[0]`, `ldr d`), and no byte past
        /// `p + n` is read.
        ///
        /// # Safety
        /// `p..p + n` must be readable.
        #[inline(always)]
        unsafe fn load_first(p: *const f32, n: usize) -> float32x4_t {
            // SAFETY: each load reads floats below `p + n`.
            unsafe {
                let zero = vdupq_n_f32(0.0);
                match n {
                    0 => zero,
                    1 => vld1q_lane_f32::<0>(p, zero),
                    2 => vcombine_f32(vld1_f32(p), vget_low_f32(zero)),
                    _ => vld1q_lane_f32::<2>(p.add(2), vcombine_f32(vld1_f32(p), vget_low_f32(zero))),
                }
            }
        }

        /// Stores the low `n` (< 4) lanes of `v` at `p` (NEON has no masked store: stores of 1
        /// or 2 lanes); nothing past `p + n` is written.
        ///
        /// # Safety
        /// `p..p + n` must be writable.
        #[inline(always)]
        unsafe fn store_first(p: *mut f32, n: usize, v: float32x4_t) {
            // SAFETY: each store writes floats below `p + n`.
            unsafe {
                match n {
                    0 => {}
                    1 => vst1q_lane_f32::<0>(p, v),
                    2 => vst1_f32(p, vget_low_f32(v)),
                    _ => {
                        vst1_f32(p, vget_low_f32(v));
                        vst1q_lane_f32::<2>(p.add(2), v);
                    }
                }
            }
        }
    }
    setzero = setzero, set1 = vdupq_n_f32, loadu = vld1q_f32,
    storeu = vst1q_f32, add = vaddq_f32, sub = vsubq_f32, mul = vmulq_f32,
    div = vdivq_f32, fmadd = fmadd, fnmadd = fnmadd, min = vminq_f32,
    max = vmaxq_f32, as_int = vreinterpretq_s32_f32, as_float = vreinterpretq_f32_s32,
    add_i32 = vaddq_s32, sub_i32 = vsubq_s32, shl_i32 = vshlq_n_s32,
    sar_i32 = vshrq_n_s32, set1_i32 = vdupq_n_s32;
    masked_load = |p, n| load_first(p, n);
    masked_store = |p, n, v| store_first(p, n, v);
    rcp = rcp;
}
