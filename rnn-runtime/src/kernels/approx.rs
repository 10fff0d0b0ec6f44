//! The tanh, exp and sigmoid approximations every path computes: branch-free scalar forms that
//! vectorise (the intrinsics template evaluates the same constants in the same order), each
//! beside an f64 reference rounded once. Their largest errors over every f32:
//! docs/PERFORMANCE.md.

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
/// tools/fit_tanh.py). Its largest error over every f32 and how it compares with Eigen's 13/6
/// interpolant (the one TensorFlow's CPU kernels use): docs/PERFORMANCE.md. The fit overshoots
/// 1 near the clamp; tanh never does, hence the bound.
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
pub(super) const EXP_LO: f32 = -104.0;
pub(super) const EXP_HI: f32 = 89.0;
pub(super) const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// 1.5 * 2^23: adding it to |v| < 2^22 rounds v to an integer held in the low mantissa bits.
pub(super) const ROUND_MAGIC: f32 = 12_582_912.0;
/// ln 2 = EXP_C1 - EXP_C2, EXP_C1 with few enough bits that `n * EXP_C1` is exact (Cephes).
pub(super) const EXP_C1: f32 = 0.693_359_4; // 355/512 exactly
pub(super) const EXP_C2: f32 = -2.121_944_4e-4;
/// exp(r) = 1 + r + r^2 (P2 + P3 r + ... + P6 r^4) on [-ln2/2, ln2/2] (Eigen's `pexp_float`).
pub(super) const EXP_P2: f32 = 0.499_999_88;
pub(super) const EXP_P3: f32 = 0.166_665_18;
pub(super) const EXP_P4: f32 = 4.166_965_2e-2;
pub(super) const EXP_P5: f32 = 8.368_945e-3;
pub(super) const EXP_P6: f32 = 1.374_496_4e-3;

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
/// (as [`HALF_TANH_HALF`], the halvings folded into its coefficients): one rational instead of
/// an exp and a division. Within 3.1e-7 of the logistic function over every f32 (`cargo run
/// --release --example sigmoid_error`; the tests allow 3.5e-7, half the intrinsics tanh's
/// bound): a gate's value multiplies the state, so its absolute error is what counts. Near 0 it
/// is not close in relative terms (below about -17 it is exactly 0), which is why `sigmoid` as
/// a layer's output activation keeps [`sigmoid_fast`].
#[inline(always)]
pub fn gate_sigmoid_fast(x: f32) -> f32 {
    HALF_TANH_HALF.eval(x) + 0.5
}

/// Reference for [`sigmoid_fast`]: `1 / (1 + e^-x)` in f64, rounded once.
#[cfg(feature = "std")]
pub fn sigmoid_reference(x: f32) -> f32 {
    (1.0 / (1.0 + (-(x as f64)).exp())) as f32
}
