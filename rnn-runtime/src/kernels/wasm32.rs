//! The WebAssembly expansion of the kernel template (template.rs): `simd128` (128-bit SIMD,
//! 4-lane `v128`), compiled only with `-C target-feature=+simd128` (a WebAssembly module is
//! validated whole, so the choice is made at compile time).
//!
//! simd128 has no fused multiply-add, no masked loads and stores, no reciprocal estimate and no
//! shift by a constant type parameter: the helpers give the template's names their x86
//! meanings from what it has (`fmadd` a multiply then an add, rounded twice, as the portable
//! path; masked loads and stores through a 4-float buffer; `rcp` a true division, which the
//! template's Newton step leaves as it is; `min` and `max` as x86's, returning the second
//! operand when one is NaN: WebAssembly's `pmin`/`pmax` with the operands swapped).

use super::template::simd_kernels;

simd_kernels! {
    /// WebAssembly simd128: 4 lanes; the engine maps it to SSE or NEON registers (16 on an
    /// x86-64 host). The path takes the grouped products and the fused LSTM and GRU rows from
    /// here; its activations over slices are the portable bodies (faster under V8:
    /// docs/PERFORMANCE.md), so this expansion's are compiled and tested but not called.
    #[allow(dead_code)]
    mod simd128;
    feature = "simd128";
    arch = std::arch::wasm32;
    register = v128, lanes = 4;
    // As AVX2's (16 registers): tiles of 2 per row for one or two rows.
    tiles = (one_row: 2 split 2, few_rows: 2);
    row_block = (3 rows x 4);
    wide = (from 12 rows: 3 rows x 4, chunk 128);
    mask = usize, full = 4;
    helpers = {
        /// How many of a register's 4 lanes hold outputs when `left` outputs remain.
        #[inline(always)]
        fn lanes(left: usize) -> usize {
            left.min(4)
        }

        /// All lanes 0.
        #[inline(always)]
        fn setzero() -> v128 {
            f32x4_splat(0.0)
        }

        /// Four floats from `p` (unaligned).
        #[inline(always)]
        unsafe fn loadu(p: *const f32) -> v128 {
            // SAFETY: the caller's: four floats readable at `p`.
            unsafe { v128_load(p.cast()) }
        }

        /// Four floats to `p` (unaligned).
        #[inline(always)]
        unsafe fn storeu(p: *mut f32, v: v128) {
            // SAFETY: the caller's: four floats writable at `p`.
            unsafe { v128_store(p.cast(), v) }
        }

        /// `a b + c`, rounded twice (simd128 has no fused multiply-add).
        #[inline(always)]
        fn fmadd(a: v128, b: v128, c: v128) -> v128 {
            f32x4_add(f32x4_mul(a, b), c)
        }

        /// `c - a b`, rounded twice.
        #[inline(always)]
        fn fnmadd(a: v128, b: v128, c: v128) -> v128 {
            f32x4_sub(c, f32x4_mul(a, b))
        }

        /// x86's `min(a, b)`: `a < b ? a : b`, so `b` when either is NaN.
        #[inline(always)]
        fn min(a: v128, b: v128) -> v128 {
            f32x4_pmin(b, a)
        }

        /// x86's `max(a, b)`: `a > b ? a : b`, so `b` when either is NaN.
        #[inline(always)]
        fn max(a: v128, b: v128) -> v128 {
            f32x4_pmax(b, a)
        }

        /// The same bits (a `v128` holds either).
        #[inline(always)]
        fn same(v: v128) -> v128 {
            v
        }

        /// Shifts each 32-bit lane left by `N`.
        #[inline(always)]
        fn shl<const N: i32>(a: v128) -> v128 {
            i32x4_shl(a, N as u32)
        }

        /// Shifts each 32-bit lane right by `N`, arithmetically.
        #[inline(always)]
        fn sar<const N: i32>(a: v128) -> v128 {
            i32x4_shr(a, N as u32)
        }

        /// The first `n` floats at `p`, zeros in the other lanes; reads only those `n`.
        #[inline(always)]
        unsafe fn load_first(p: *const f32, n: usize) -> v128 {
            let mut buf = [0.0f32; 4];
            // SAFETY: the caller's: `n` (at most 4) floats readable at `p`.
            unsafe { std::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), n) };
            // SAFETY: `buf` holds four floats.
            unsafe { v128_load(buf.as_ptr().cast()) }
        }

        /// The first `n` lanes of `v` to `p`; writes only those `n`.
        #[inline(always)]
        unsafe fn store_first(p: *mut f32, n: usize, v: v128) {
            let mut buf = [0.0f32; 4];
            // SAFETY: `buf` holds four floats.
            unsafe { v128_store(buf.as_mut_ptr().cast(), v) };
            // SAFETY: the caller's: `n` (at most 4) floats writable at `p`.
            unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), p, n) };
        }

        /// `1 / q` (exact: simd128 has no estimate; the template's Newton step keeps it).
        #[inline(always)]
        fn recip(q: v128) -> v128 {
            f32x4_div(f32x4_splat(1.0), q)
        }
    }
    setzero = setzero, set1 = f32x4_splat, loadu = loadu,
    storeu = storeu, add = f32x4_add, sub = f32x4_sub, mul = f32x4_mul,
    div = f32x4_div, fmadd = fmadd, fnmadd = fnmadd, min = min,
    max = max, as_int = same, as_float = same,
    add_i32 = i32x4_add, sub_i32 = i32x4_sub, shl_i32 = shl,
    sar_i32 = sar, set1_i32 = i32x4_splat;
    masked_load = |p, n| load_first(p, n);
    masked_store = |p, n, v| store_first(p, n, v);
    rcp = recip;
}
