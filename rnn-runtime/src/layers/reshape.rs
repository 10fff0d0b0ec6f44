//! The layers that move values between steps without arithmetic: `ZeroPadding1D`,
//! `Cropping1D` and `UpSampling1D` ([`Steps`], one cell, the spec's [`StepMap`] saying where
//! each output step comes from), `Reshape` ([`Reshape`]; to a vector it is a [`Flatten`]),
//! `Permute` ([`Permute`]); and `PReLU` ([`PRelu`]), whose alpha may differ per step. Each
//! reads the input's steps through a function of the position and writes caller-owned arrays:
//! no allocation.
//!
//! [`Flatten`]: super::Flatten

#[cfg(feature = "alloc")]
use super::{Arrays, Cell, Weightless};
use super::{Data, PerStep};
#[cfg(feature = "alloc")]
use crate::Result;
#[cfg(feature = "alloc")]
use crate::heap::Vec;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
use crate::init::Rng;
use crate::kernels::MulAdd;
use rnn_spec::StepMap;

/// `ZeroPadding1D`, `Cropping1D` or `UpSampling1D` on W features: output step `j` is a copy of
/// the input step its [`StepMap`] names, or zeros.
#[derive(Clone, Copy, Debug)]
pub struct Steps<const W: usize> {
    map: StepMap,
}

impl<const W: usize> Steps<W> {
    /// The layer of this map.
    pub const fn baked(map: StepMap) -> Self {
        Steps { map }
    }

    /// The output length on `n` input steps (0: none, refused by the length check before).
    #[inline(always)]
    pub fn steps(&self, n: usize) -> usize {
        self.map.out_len(n).unwrap_or(0)
    }

    /// The output steps of `n` input steps into `out` (its length: [`Steps::steps`], zeros).
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; W]; G],
        out: &mut [[[f32; W]; G]],
    ) {
        for (j, y) in out.iter_mut().enumerate() {
            match self.map.source(n, j).filter(|i| *i < n) {
                Some(i) => *y = x(i).map(|xg| *xg),
                None => *y = [[0.0; W]; G],
            }
        }
    }
}

/// `Reshape` of a sequence of IN features into steps of OUT (or of a vector of IN values into
/// a sequence): each row's values in order, `k`-th value to step `k / OUT`, feature `k % OUT`.
#[derive(Clone, Copy, Debug)]
pub struct Reshape<const IN: usize, const OUT: usize>;

impl<const IN: usize, const OUT: usize> Reshape<IN, OUT> {
    /// The output length on `n` input steps (the model checked that the values divide).
    #[inline(always)]
    pub fn steps(&self, n: usize) -> usize {
        n * IN / OUT.max(1)
    }

    /// The reshaped sequence of `n` input steps into `out` (its length: [`Reshape::steps`]).
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; IN]; G],
        out: &mut [[[f32; OUT]; G]],
    ) {
        for i in 0..n {
            let xs = x(i);
            for (f, k) in (i * IN..(i + 1) * IN).enumerate() {
                let Some(y) = out.get_mut(k / OUT.max(1)) else {
                    return;
                };
                for (yg, xg) in y.iter_mut().zip(&xs) {
                    yg[k % OUT] = xg[f];
                }
            }
        }
    }

    /// A vector of IN values per row as a sequence of `IN / OUT` steps into `out`.
    #[inline(always)]
    pub fn split<const G: usize>(&self, v: [&[f32; IN]; G], out: &mut [[[f32; OUT]; G]]) {
        for (t, y) in out.iter_mut().enumerate() {
            for (yg, vg) in y.iter_mut().zip(v) {
                yg.copy_from_slice(&vg[t * OUT..(t + 1) * OUT]);
            }
        }
    }
}

/// `Permute` of a sequence of IN features: `(2, 1)` (`swap`) makes a sequence of IN steps of
/// OUT features (OUT: the fixed input length), output step `f`, feature `t` being input step
/// `t`, feature `f`; `(1, 2)` copies (IN = OUT).
#[derive(Clone, Copy, Debug)]
pub struct Permute<const IN: usize, const OUT: usize> {
    swap: bool,
}

impl<const IN: usize, const OUT: usize> Permute<IN, OUT> {
    /// The permutation: `swap` for `(2, 1)`.
    pub const fn baked(swap: bool) -> Self {
        Permute { swap }
    }

    /// The output length on `n` input steps.
    #[inline(always)]
    pub fn steps(&self, n: usize) -> usize {
        if self.swap { IN } else { n }
    }

    /// The permuted sequence of `n` input steps into `out` (its length: [`Permute::steps`]).
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; IN]; G],
        out: &mut [[[f32; OUT]; G]],
    ) {
        for t in 0..n.min(if self.swap { OUT } else { out.len() }) {
            let xs = x(t);
            for g in 0..G {
                for f in 0..IN.min(if self.swap { out.len() } else { OUT }) {
                    if self.swap {
                        out[f][g][t] = xs[g][f];
                    } else {
                        out[t][g][f] = xs[g][f];
                    }
                }
            }
        }
    }
}

/// `PReLU` on W features, its alpha A values: `x` above 0, `alpha · x` at or below (Keras's
/// `relu(x) - alpha · relu(-x)`, the same values). Alpha is `(steps, width)` row-major, the
/// width W or 1 (shared features), the steps 1 (shared time: a per-step layer) or the
/// sequence's length (each step its own row: [`PRelu::apply`] over the whole sequence).
pub struct PRelu<const W: usize, const A: usize> {
    alpha: Data<[f32; A]>,
    /// Alpha's values per step: W, or 1 when the features share one.
    row: usize,
}

impl<const W: usize, const A: usize> PRelu<W, A> {
    /// A baked PReLU: its alpha in static data, `row` values per step (W, or 1 when the
    /// features share one).
    pub const fn baked(alpha: &'static [f32; A], row: usize) -> Self {
        PRelu {
            alpha: Data::from_static(alpha),
            row,
        }
    }

    /// One step of G rows with alpha's row `t` (0 when alpha has one row).
    #[inline(always)]
    fn at<const G: usize>(&self, t: usize, x: &[&[f32; W]; G], y: &mut [[f32; W]; G]) {
        let row = self.row.clamp(1, A.max(1));
        let alpha = &self.alpha[(t * row).min(A - row)..][..row];
        for (yg, xg) in y.iter_mut().zip(x) {
            for (f, (o, v)) in yg.iter_mut().zip(xg.iter()).enumerate() {
                let a = alpha[if row == 1 { 0 } else { f }];
                *o = if *v > 0.0 { *v } else { a * *v };
            }
        }
    }

    /// The sequence length (always `n`: every step's alpha row applies to its step).
    #[inline(always)]
    pub fn steps(&self, n: usize) -> usize {
        n
    }

    /// Every step `t` of `n` with alpha's row `t` into `out`.
    #[inline(always)]
    pub fn apply<'x, const G: usize>(
        &self,
        n: usize,
        x: impl Fn(usize) -> [&'x [f32; W]; G],
        out: &mut [[[f32; W]; G]],
    ) {
        for (t, y) in out.iter_mut().enumerate().take(n) {
            self.at(t, &x(t), y);
        }
    }
}

impl<const W: usize, const A: usize> PerStep<W, W> for PRelu<W, A> {
    /// Alpha's one row, elementwise.
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        _m: M,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
    ) {
        self.at(0, x, y);
    }
}

impl<const W: usize, const A: usize> Clone for PRelu<W, A> {
    fn clone(&self) -> Self {
        PRelu {
            alpha: self.alpha.clone(),
            row: self.row,
        }
    }
}

impl<const W: usize, const A: usize> core::fmt::Debug for PRelu<W, A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PRelu<{W}, {A}>(row = {})", self.row)
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize, const A: usize> Cell for PRelu<W, A> {
    /// Alpha zeros: Keras's fresh layer too (`alpha_initializer = zeros`).
    fn zeros(info: &LayerInfo) -> Self {
        Self::from_arrays(
            info,
            &mut Arrays::from_tensors(info, crate::heap::vec![crate::heap::vec![0.0; A]]),
        )
        .unwrap_or_else(|_| unreachable!("alpha is A values"))
    }

    fn random(info: &LayerInfo, _rng: &mut Rng) -> Self {
        Self::zeros(info)
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let row = match info.kind {
            LayerKind::PRelu { alpha_width, .. } => alpha_width,
            _ => W,
        };
        Ok(PRelu {
            alpha: a.vector(info, "alpha")?,
            row,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.push(self.alpha.to_vec());
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for Steps<W> {
    fn from_info(info: &LayerInfo) -> Self {
        Steps {
            map: info.kind.step_map().unwrap_or(StepMap::Repeat { size: 1 }),
        }
    }
}

#[cfg(feature = "alloc")]
impl<const IN: usize, const OUT: usize> Weightless for Reshape<IN, OUT> {
    fn from_info(_info: &LayerInfo) -> Self {
        Reshape
    }
}

#[cfg(feature = "alloc")]
impl<const IN: usize, const OUT: usize> Weightless for Permute<IN, OUT> {
    fn from_info(info: &LayerInfo) -> Self {
        let swap =
            matches!(info.kind, LayerKind::Permute { dims, .. } if dims.as_slice() == [2, 1]);
        Permute { swap }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq<const W: usize>(n: usize) -> crate::heap::Vec<[f32; W]> {
        (0..n)
            .map(|t| core::array::from_fn(|f| (10 * t + f) as f32))
            .collect()
    }

    /// Keras's results (docs/KERAS_LAYERS.md): padding adds zero steps around, cropping drops
    /// steps at both ends, upsampling repeats each step in place.
    #[test]
    fn steps_pad_crop_and_repeat_as_keras() {
        let x = seq::<2>(3);
        let run = |map: StepMap| {
            let cell = Steps::<2>::baked(map);
            let mut out = crate::heap::vec![[[9.0f32; 2]; 1]; cell.steps(3)];
            cell.apply::<1>(3, |i| [&x[i]], &mut out);
            out.iter().map(|y| y[0]).collect::<crate::heap::Vec<_>>()
        };
        let z = [0.0, 0.0];
        assert_eq!(
            run(StepMap::Pad { left: 1, right: 2 }),
            [z, x[0], x[1], x[2], z, z]
        );
        assert_eq!(run(StepMap::Crop { left: 1, right: 1 }), [x[1]]);
        assert_eq!(
            run(StepMap::Repeat { size: 2 }),
            [x[0], x[0], x[1], x[1], x[2], x[2]]
        );
    }

    /// numpy's reshape of each row (row-major), and its transpose.
    #[test]
    fn reshape_and_permute_are_numpys() {
        let x = seq::<3>(2); // [[0, 1, 2], [10, 11, 12]]
        let r = Reshape::<3, 2>;
        let mut out = crate::heap::vec![[[0.0f32; 2]; 1]; r.steps(2)];
        r.apply::<1>(2, |i| [&x[i]], &mut out);
        let got: crate::heap::Vec<[f32; 2]> = out.iter().map(|y| y[0]).collect();
        assert_eq!(got, [[0.0, 1.0], [2.0, 10.0], [11.0, 12.0]]);
        let v = [0.0f32, 1.0, 2.0, 3.0];
        let mut split = [[[0.0f32; 2]; 1]; 2];
        Reshape::<4, 2>.split::<1>([&v], &mut split);
        assert_eq!(split, [[[0.0, 1.0]], [[2.0, 3.0]]]);
        let p = Permute::<3, 2>::baked(true);
        let mut t = crate::heap::vec![[[0.0f32; 2]; 1]; p.steps(2)];
        p.apply::<1>(2, |i| [&x[i]], &mut t);
        let got: crate::heap::Vec<[f32; 2]> = t.iter().map(|y| y[0]).collect();
        assert_eq!(got, [[0.0, 10.0], [1.0, 11.0], [2.0, 12.0]]);
    }

    /// `relu(x) - alpha · relu(-x)`: per feature, and per step with an alpha row each.
    #[test]
    fn prelu_scales_the_negative_part_by_its_alpha() {
        static ALPHA: [f32; 4] = [0.5, -1.0, 2.0, 0.0];
        let per_step = PRelu::<2, 4>::baked(&ALPHA, 2);
        let x = [[-2.0f32, -3.0], [4.0, -1.0]];
        let mut out = [[[0.0f32; 2]; 1]; 2];
        per_step.apply::<1>(2, |i| [&x[i]], &mut out);
        assert_eq!(out, [[[-1.0, 3.0]], [[4.0, -0.0]]]);
        static SHARED: [f32; 1] = [0.25];
        let shared = PRelu::<2, 1>::baked(&SHARED, 1);
        let mut y = [[0.0f32; 2]; 1];
        shared.apply_group(crate::kernels::Portable, &[&x[0]], &mut y);
        assert_eq!(y, [[-0.5, -0.75]]);
    }
}
