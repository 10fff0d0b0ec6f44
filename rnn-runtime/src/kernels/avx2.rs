//! The grouped matrix-vector product with AVX2 and FMA intrinsics (see avx512.rs).
//!
//! This file mirrors avx512.rs line for line with 8-lane registers; keep the two in step. A
//! single macro-templated version, with small per-path wrapper functions around the
//! intrinsics, was measured and dropped: single sequences ran about 40% slower, because the
//! wrappers (target-feature functions cannot be `#[inline(always)]`) were not all inlined.

use std::arch::x86_64::*;

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

/// `acc[g] += x1[g] · w1 + x2[g] · w2` (either product may have no inputs). Outputs go in
/// tiles of `T` registers per row, the last tile masked; with one or two rows each row's sum is
/// also split over even and odd inputs so that enough independent FMA chains are in flight.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub(super) fn matvec2_group<
    const G: usize,
    const IN1: usize,
    const IN2: usize,
    const OUT: usize,
>(
    x1: &[&[f32; IN1]; G],
    w1: &[[f32; OUT]; IN1],
    x2: &[&[f32; IN2]; G],
    w2: &[[f32; OUT]; IN2],
    acc: &mut [[f32; OUT]; G],
) {
    // 16 registers: tiles of 2 per row (with the odd split and two weight rows in flight,
    // 4 per row would spill).
    tiles::<G, 2, IN1, IN2, OUT>(x1, w1, x2, w2, acc)
}

/// Loads `8 * T` floats of a row from `j`: plain loads for full registers, masked ones for
/// the last (a masked store cannot be forwarded to a later load of the same bytes). A pointer
/// past a row is formed with `wrapping_add` and only used under an all-false mask, which reads
/// nothing.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn load<const T: usize>(row: *const f32, j: usize, m: &[usize; T]) -> [__m256; T] {
    std::array::from_fn(|t| {
        let p = row.wrapping_add(j + 8 * t);
        // SAFETY: full registers lie inside the row (8 * t + 16 <= OUT - j); masked lanes are
        // those below OUT.
        unsafe {
            if m[t] == 8 {
                _mm256_loadu_ps(p)
            } else {
                _mm256_maskload_ps(p, mask(m[t]))
            }
        }
    })
}

#[target_feature(enable = "avx2,fma")]
#[inline]
fn tiles<const G: usize, const T: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
    x1: &[&[f32; IN1]; G],
    w1: &[[f32; OUT]; IN1],
    x2: &[&[f32; IN2]; G],
    w2: &[[f32; OUT]; IN2],
    acc: &mut [[f32; OUT]; G],
) {
    let mut j = 0;
    while j < OUT {
        let m: [usize; T] = std::array::from_fn(|t| lanes(OUT.saturating_sub(j + 8 * t)));
        let mut a: [[__m256; T]; G] = std::array::from_fn(|g| load(acc[g].as_ptr(), j, &m));
        let mut b = [[_mm256_setzero_ps(); T]; G];
        accumulate::<G, T, IN1, OUT>(&mut a, &mut b, x1, w1, j, &m);
        accumulate::<G, T, IN2, OUT>(&mut a, &mut b, x2, w2, j, &m);
        for g in 0..G {
            let p = acc[g].as_mut_ptr();
            for t in 0..T {
                let v = if G <= 2 {
                    _mm256_add_ps(a[g][t], b[g][t])
                } else {
                    a[g][t]
                };
                let q = p.wrapping_add(j + 8 * t);
                // SAFETY: as for the loads: inside the row, or masked to the lanes below OUT.
                unsafe {
                    if m[t] == 8 {
                        _mm256_storeu_ps(q, v);
                    } else {
                        _mm256_maskstore_ps(q, mask(m[t]), v);
                    }
                }
            }
        }
        j += 8 * T;
    }
}

/// Adds `x · w` for one tile into `a` (and the odd inputs into `b` when G <= 2).
#[target_feature(enable = "avx2,fma")]
#[inline]
fn accumulate<const G: usize, const T: usize, const IN: usize, const OUT: usize>(
    a: &mut [[__m256; T]; G],
    b: &mut [[__m256; T]; G],
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    j: usize,
    m: &[usize; T],
) {
    let mut i = 0;
    if G <= 2 {
        while i + 1 < IN {
            let (wa, wb) = (load(w[i].as_ptr(), j, m), load(w[i + 1].as_ptr(), j, m));
            for g in 0..G {
                let (xa, xb) = (_mm256_set1_ps(x[g][i]), _mm256_set1_ps(x[g][i + 1]));
                for t in 0..T {
                    if m[t] != 0 {
                        a[g][t] = _mm256_fmadd_ps(xa, wa[t], a[g][t]);
                        b[g][t] = _mm256_fmadd_ps(xb, wb[t], b[g][t]);
                    }
                }
            }
            i += 2;
        }
    }
    while i < IN {
        let wa = load(w[i].as_ptr(), j, m);
        for g in 0..G {
            let xa = _mm256_set1_ps(x[g][i]);
            for t in 0..T {
                if m[t] != 0 {
                    a[g][t] = _mm256_fmadd_ps(xa, wa[t], a[g][t]);
                }
            }
        }
        i += 1;
    }
}
