//! The grouped matrix-vector product and tanh with AVX-512 intrinsics.
//!
//! Written with intrinsics so that which values live in registers does not depend on LLVM's
//! auto-vectoriser: with the portable kernel it kept the accumulators in memory at some widths
//! (40 or 48 units, or 8 rows) and ran 20-30x slower (measured, docs/PERFORMANCE.md).

use std::arch::x86_64::*;

use super::{
    ALPHA_1, ALPHA_3, ALPHA_5, ALPHA_7, ALPHA_9, ALPHA_11, ALPHA_13, BETA_0, BETA_2, BETA_4,
    BETA_6, TANH_CLAMP,
};

/// The lanes of a 16-lane register that hold outputs when `left` outputs remain.
#[inline(always)]
fn lanes(left: usize) -> u16 {
    if left >= 16 {
        u16::MAX
    } else {
        ((1u32 << left) - 1) as u16
    }
}

/// `acc[g] += x1[g] · w1 + x2[g] · w2` (either product may have no inputs). Outputs go in
/// tiles of `T` registers per row, the last tile masked; with one or two rows each row's sum is
/// also split over even and odd inputs so that enough independent FMA chains are in flight.
#[target_feature(enable = "avx512f")]
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
    if G <= 2 {
        tiles::<G, 4, IN1, IN2, OUT>(x1, w1, x2, w2, acc)
    } else {
        tiles::<G, 2, IN1, IN2, OUT>(x1, w1, x2, w2, acc)
    }
}

/// Loads `16 * T` floats of a row from `j`: plain loads for full registers, masked ones for
/// the last (a masked store cannot be forwarded to a later load of the same bytes). A pointer
/// past a row is formed with `wrapping_add` and only used under an all-false mask, which reads
/// nothing.
#[target_feature(enable = "avx512f")]
#[inline]
fn load<const T: usize>(row: *const f32, j: usize, m: &[u16; T]) -> [__m512; T] {
    std::array::from_fn(|t| {
        let p = row.wrapping_add(j + 16 * t);
        // SAFETY: full registers lie inside the row (16 * t + 16 <= OUT - j); masked lanes are
        // those below OUT.
        unsafe {
            if m[t] == u16::MAX {
                _mm512_loadu_ps(p)
            } else {
                _mm512_maskz_loadu_ps(m[t], p)
            }
        }
    })
}

#[target_feature(enable = "avx512f")]
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
        let m: [u16; T] = std::array::from_fn(|t| lanes(OUT.saturating_sub(j + 16 * t)));
        let mut a: [[__m512; T]; G] = std::array::from_fn(|g| load(acc[g].as_ptr(), j, &m));
        let mut b = [[_mm512_setzero_ps(); T]; G];
        accumulate::<G, T, IN1, OUT>(&mut a, &mut b, x1, w1, j, &m);
        accumulate::<G, T, IN2, OUT>(&mut a, &mut b, x2, w2, j, &m);
        for g in 0..G {
            let p = acc[g].as_mut_ptr();
            for t in 0..T {
                let v = if G <= 2 {
                    _mm512_add_ps(a[g][t], b[g][t])
                } else {
                    a[g][t]
                };
                let q = p.wrapping_add(j + 16 * t);
                // SAFETY: as for the loads: inside the row, or masked to the lanes below OUT.
                unsafe {
                    if m[t] == u16::MAX {
                        _mm512_storeu_ps(q, v);
                    } else {
                        _mm512_mask_storeu_ps(q, m[t], v);
                    }
                }
            }
        }
        j += 16 * T;
    }
}

/// Adds `x · w` for one tile into `a` (and the odd inputs into `b` when G <= 2).
#[target_feature(enable = "avx512f")]
#[inline]
fn accumulate<const G: usize, const T: usize, const IN: usize, const OUT: usize>(
    a: &mut [[__m512; T]; G],
    b: &mut [[__m512; T]; G],
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    j: usize,
    m: &[u16; T],
) {
    let mut i = 0;
    if G <= 2 {
        while i + 1 < IN {
            let (wa, wb) = (load(w[i].as_ptr(), j, m), load(w[i + 1].as_ptr(), j, m));
            for g in 0..G {
                let (xa, xb) = (_mm512_set1_ps(x[g][i]), _mm512_set1_ps(x[g][i + 1]));
                for t in 0..T {
                    if m[t] != 0 {
                        a[g][t] = _mm512_fmadd_ps(xa, wa[t], a[g][t]);
                        b[g][t] = _mm512_fmadd_ps(xb, wb[t], b[g][t]);
                    }
                }
            }
            i += 2;
        }
    }
    while i < IN {
        let wa = load(w[i].as_ptr(), j, m);
        for g in 0..G {
            let xa = _mm512_set1_ps(x[g][i]);
            for t in 0..T {
                if m[t] != 0 {
                    a[g][t] = _mm512_fmadd_ps(xa, wa[t], a[g][t]);
                }
            }
        }
        i += 1;
    }
}

/// [`tanh_fast`] on 16 lanes at a time, the tail through a lane mask.
#[target_feature(enable = "avx512f")]
#[inline]
pub(super) fn tanh(z: &mut [f32]) {
    use std::arch::x86_64::*;
    let c = _mm512_set1_ps;
    let lanes = |x: __m512| -> __m512 {
        let x = _mm512_max_ps(_mm512_min_ps(x, c(TANH_CLAMP)), c(-TANH_CLAMP));
        let x2 = _mm512_mul_ps(x, x);
        let mut p = _mm512_fmadd_ps(x2, c(ALPHA_13), c(ALPHA_11));
        p = _mm512_fmadd_ps(x2, p, c(ALPHA_9));
        p = _mm512_fmadd_ps(x2, p, c(ALPHA_7));
        p = _mm512_fmadd_ps(x2, p, c(ALPHA_5));
        p = _mm512_fmadd_ps(x2, p, c(ALPHA_3));
        p = _mm512_fmadd_ps(x2, p, c(ALPHA_1));
        p = _mm512_mul_ps(p, x);
        let mut q = _mm512_fmadd_ps(x2, c(BETA_6), c(BETA_4));
        q = _mm512_fmadd_ps(x2, q, c(BETA_2));
        q = _mm512_fmadd_ps(x2, q, c(BETA_0));
        // 1/q: estimate (relative error < 2^-14), then r += r * (1 - q r).
        let r = _mm512_rcp14_ps(q);
        let r = _mm512_fmadd_ps(r, _mm512_fnmadd_ps(q, r, c(1.0)), r);
        let y = _mm512_mul_ps(p, r);
        _mm512_max_ps(_mm512_min_ps(y, c(1.0)), c(-1.0))
    };
    let (chunks, tail) = z.as_chunks_mut::<16>();
    for chunk in chunks {
        // SAFETY: `chunk` is 16 f32s; unaligned loads and stores are allowed.
        unsafe {
            let v = _mm512_loadu_ps(chunk.as_ptr());
            _mm512_storeu_ps(chunk.as_mut_ptr(), lanes(v));
        }
    }
    if !tail.is_empty() {
        let mask: __mmask16 = (1u32 << tail.len()).wrapping_sub(1) as __mmask16;
        // SAFETY: the mask covers exactly `tail.len()` < 16 lanes, so only `tail` is touched.
        unsafe {
            let v = _mm512_maskz_loadu_ps(mask, tail.as_ptr());
            _mm512_mask_storeu_ps(tail.as_mut_ptr(), mask, lanes(v));
        }
    }
}
