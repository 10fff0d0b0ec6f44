//! The x86-64 expansions of the kernel template (template.rs): `avx2` (AVX2 + FMA, 8-lane
//! `__m256`), `avx512` (AVX-512F, 16-lane `__m512`) and `avx512_256` (AVX-512F and VL at 256
//! bits: 8-lane `__m256` in AVX-512's 32 registers, remainders under mask registers).
//!
//! The only per-path code is the lane-mask helper (`lanes`, and `mask` on AVX2), since the
//! instruction sets represent masks differently: a bit mask on AVX-512 (`u16` at 512 bits, `u8`
//! at 256), a vector of all-ones lanes (built from a lane count) on AVX2.

use super::template::simd_kernels;

simd_kernels! {
    /// AVX2 + FMA: 16 registers of 8 lanes.
    mod avx2;
    feature = "avx2,fma";
    arch = std::arch::x86_64;
    register = __m256, lanes = 8;
    // 16 registers: tiles of 2 per row (with the odd split and two weight rows in flight, 4 per
    // row would spill).
    tiles = (one_row: 2 split 2, few_rows: 2);
    // 3 rows x 4 registers: 12 accumulators, 3 broadcast inputs, one weight register (16);
    // per input, 7 loads for 12 FMAs. Measured on Zen 3 for 8 x 32 x 128: 68 GFLOP/s, against
    // 57 for 8 rows held batch-inner (a register holding one unit of 8 rows, each weight
    // broadcast: 13 loads for 12 FMAs) and 25 for 8 rows x 2 registers (which spills).
    row_block = (3 rows x 4);
    // Wide groups: 3 rows x 4 registers as above, inputs in chunks of 128 (a 16 KiB panel).
    wide = (from 12 rows: 3 rows x 4, chunk 128);
    mask = usize, full = 8;
    helpers = {
        /// How many of a register's 8 lanes hold outputs when `left` outputs remain.
        #[inline(always)]
        fn lanes(left: usize) -> usize {
            left.min(8)
        }

        /// The `maskload`/`maskstore` mask of the first `n` lanes.
        #[target_feature(enable = "avx2")]
        #[inline]
        fn mask(n: usize) -> __m256i {
            _mm256_cmpgt_epi32(
                _mm256_set1_epi32(n as i32),
                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
            )
        }
    }
    setzero = _mm256_setzero_ps, set1 = _mm256_set1_ps, loadu = _mm256_loadu_ps,
    storeu = _mm256_storeu_ps, add = _mm256_add_ps, sub = _mm256_sub_ps, mul = _mm256_mul_ps,
    div = _mm256_div_ps, fmadd = _mm256_fmadd_ps, fnmadd = _mm256_fnmadd_ps, min = _mm256_min_ps,
    max = _mm256_max_ps, as_int = _mm256_castps_si256, as_float = _mm256_castsi256_ps,
    add_i32 = _mm256_add_epi32, sub_i32 = _mm256_sub_epi32, shl_i32 = _mm256_slli_epi32,
    sar_i32 = _mm256_srai_epi32, set1_i32 = _mm256_set1_epi32;
    masked_load = |p, n| _mm256_maskload_ps(p, mask(n));
    masked_store = |p, n, v| _mm256_maskstore_ps(p, mask(n), v);
    rcp = _mm256_rcp_ps;
}

simd_kernels! {
    /// AVX-512F: 32 registers of 16 lanes.
    mod avx512;
    feature = "avx512f";
    arch = std::arch::x86_64;
    register = __m512, lanes = 16;
    tiles = (one_row: 4 split 2, few_rows: 4);
    // 4 rows x 4 registers: 16 accumulators, 4 broadcasts, one weight register of 32 (chosen
    // by register count, not by measurement).
    row_block = (4 rows x 4);
    // Wide groups: 6 rows x 4 registers (24 accumulators, 6 broadcasts, one weight register of
    // 32), inputs in chunks of 64 (a 16 KiB panel beside the rows' inputs in L1; measured
    // against 4 x 4, 8 x 3 and 12 x 2 blocks and chunks of 32 to 512: docs/PERFORMANCE.md).
    wide = (from 12 rows: 6 rows x 4, chunk 64);
    mask = u16, full = u16::MAX;
    helpers = {
        /// The lanes of a 16-lane register that hold outputs when `left` outputs remain.
        #[inline(always)]
        fn lanes(left: usize) -> u16 {
            if left >= 16 {
                u16::MAX
            } else {
                ((1u32 << left) - 1) as u16
            }
        }
    }
    setzero = _mm512_setzero_ps, set1 = _mm512_set1_ps, loadu = _mm512_loadu_ps,
    storeu = _mm512_storeu_ps, add = _mm512_add_ps, sub = _mm512_sub_ps, mul = _mm512_mul_ps,
    div = _mm512_div_ps, fmadd = _mm512_fmadd_ps, fnmadd = _mm512_fnmadd_ps, min = _mm512_min_ps,
    max = _mm512_max_ps, as_int = _mm512_castps_si512, as_float = _mm512_castsi512_ps,
    add_i32 = _mm512_add_epi32, sub_i32 = _mm512_sub_epi32, shl_i32 = _mm512_slli_epi32,
    sar_i32 = _mm512_srai_epi32, set1_i32 = _mm512_set1_epi32;
    masked_load = |p, m| _mm512_maskz_loadu_ps(m, p);
    masked_store = |p, m, v| _mm512_mask_storeu_ps(p, m, v);
    rcp = _mm512_rcp14_ps;
}

simd_kernels! {
    /// AVX-512F and AVX-512VL at 256 bits: 32 registers of 8 lanes, k-mask remainders (masked
    /// loads and stores, `vrcp14ps`). For CPUs that run a 512-bit operation as two 256-bit
    /// halves (AMD Zen 4), where AVX-512's registers and masks may pay without its width.
    /// Measured on Sapphire Rapids: docs/PERFORMANCE.md, "AVX-512 at 256 bits".
    mod avx512_256;
    feature = "avx512f,avx512vl,avx2,fma";
    arch = std::arch::x86_64;
    register = __m256, lanes = 8;
    // 32 registers: AVX-512's blocking at half the width (tiles of 4 per row, the row's sum
    // split in 2: 8 accumulators).
    tiles = (one_row: 4 split 2, few_rows: 4);
    // 6 rows x 4 registers: 24 accumulators, 6 broadcasts, one weight register (31 of 32); per
    // input, 10 loads for 24 FMAs (a group of 6 rows is one block).
    row_block = (6 rows x 4);
    // Wide groups: 6 rows x 4 registers as above, inputs in chunks of 128 (a 16 KiB panel, as
    // AVX2's and AVX-512's).
    wide = (from 12 rows: 6 rows x 4, chunk 128);
    mask = u8, full = u8::MAX;
    helpers = {
        /// The lanes of an 8-lane register that hold outputs when `left` outputs remain.
        #[inline(always)]
        fn lanes(left: usize) -> u8 {
            if left >= 8 {
                u8::MAX
            } else {
                ((1u32 << left) - 1) as u8
            }
        }
    }
    setzero = _mm256_setzero_ps, set1 = _mm256_set1_ps, loadu = _mm256_loadu_ps,
    storeu = _mm256_storeu_ps, add = _mm256_add_ps, sub = _mm256_sub_ps, mul = _mm256_mul_ps,
    div = _mm256_div_ps, fmadd = _mm256_fmadd_ps, fnmadd = _mm256_fnmadd_ps, min = _mm256_min_ps,
    max = _mm256_max_ps, as_int = _mm256_castps_si256, as_float = _mm256_castsi256_ps,
    add_i32 = _mm256_add_epi32, sub_i32 = _mm256_sub_epi32, shl_i32 = _mm256_slli_epi32,
    sar_i32 = _mm256_srai_epi32, set1_i32 = _mm256_set1_epi32;
    masked_load = |p, m| _mm256_maskz_loadu_ps(m, p);
    masked_store = |p, m, v| _mm256_mask_storeu_ps(p, m, v);
    rcp = _mm256_rcp14_ps;
}
