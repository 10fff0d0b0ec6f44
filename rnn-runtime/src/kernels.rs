//! Numeric kernels over compile-time sizes: the fast versions the layers call, and a plain
//! scalar reference beside each one. Tests (here and in tests/) hold the two together.
//!
//! The fast kernels are written so that LLVM vectorises them over the fixed sizes. They are
//! `#[inline(always)]` so that generated code, compiled once plainly and once inside a
//! `#[target_feature(enable = "avx2,fma")]` function chosen at run time, gets the instruction
//! set of its caller. Multiply-add goes through [`MulAdd`]: a fused `mul_add` where the CPU has
//! FMA (where it is one instruction), a separate multiply and add elsewhere (where `mul_add`
//! would be a slow libm call).

/// How a kernel computes `a * b + c`.
pub trait MulAdd: Copy {
    fn mul_add(a: f32, b: f32, c: f32) -> f32;
}

/// `a * b + c` with two roundings; for CPUs without FMA.
#[derive(Clone, Copy, Debug)]
pub struct Separate;

/// `a.mul_add(b, c)`: one rounding, one instruction under `target_feature = "fma"`.
#[derive(Clone, Copy, Debug)]
pub struct Fused;

impl MulAdd for Separate {
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
}

impl MulAdd for Fused {
    #[inline(always)]
    fn mul_add(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
}

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
#[inline(always)]
pub fn matvec_acc_group<M: MulAdd, const G: usize, const IN: usize, const OUT: usize>(
    x: &[&[f32; IN]; G],
    w: &[[f32; OUT]; IN],
    acc: &mut [[f32; OUT]; G],
) {
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

const TANH_CLAMP: f32 = 9.0;
const ALPHA_1: f32 = 4.893_524_6e-3;
const ALPHA_3: f32 = 6.372_619_3e-4;
const ALPHA_5: f32 = 1.485_722_4e-5;
const ALPHA_7: f32 = 5.122_297e-8;
const ALPHA_9: f32 = -8.604_672e-11;
const ALPHA_11: f32 = 2.000_188e-13;
const ALPHA_13: f32 = -2.760_768_5e-16;
const BETA_0: f32 = 4.893_525e-3;
const BETA_2: f32 = 2.268_434_6e-3;
const BETA_4: f32 = 1.185_347e-4;
const BETA_6: f32 = 1.198_258_4e-6;

/// tanh as Eigen's (and TensorFlow's) 13/6-degree rational interpolant on [-9, 9], ±1 outside.
/// Branch-free, so it vectorises. Its largest absolute error over every finite f32 is stated
/// in docs/PERFORMANCE.md (measured by `cargo run --release --example tanh_error`).
#[inline(always)]
pub fn tanh_fast(x: f32) -> f32 {
    // NaN stays NaN: `clamp` propagates it, and so does the arithmetic below.
    let x = x.clamp(-TANH_CLAMP, TANH_CLAMP);
    let x2 = x * x;
    let mut p = x2 * ALPHA_13 + ALPHA_11;
    p = x2 * p + ALPHA_9;
    p = x2 * p + ALPHA_7;
    p = x2 * p + ALPHA_5;
    p = x2 * p + ALPHA_3;
    p = x2 * p + ALPHA_1;
    p *= x;
    let mut q = x2 * BETA_6 + BETA_4;
    q = x2 * q + BETA_2;
    q = x2 * q + BETA_0;
    // The interpolant overshoots 1 by an ulp near the clamp; tanh never does.
    (p / q).clamp(-1.0, 1.0)
}

/// Reference for [`tanh_fast`]: f64 tanh rounded once.
pub fn tanh_reference(x: f32) -> f32 {
    (x as f64).tanh() as f32
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
        let mut group = [[0.5f32; 5]; 2];
        matvec_acc_group::<Fused, 2, 3, 5>(&[&x0, &x1], &w, &mut group);
        for (x, g) in [x0, x1].iter().zip(&group) {
            let mut one = [0.5f32; 5];
            matvec_acc::<Fused, 3, 5>(x, &w, &mut one);
            assert_eq!(&one, g);
        }
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
