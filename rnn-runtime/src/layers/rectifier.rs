//! The parametric activation layers: `ReLU` and `LeakyReLU` (one cell, [`Rectifier`]) and
//! `ELU` ([`Elu`]). `Softmax` is an [`super::ActivationLayer`] of softmax. Their parameters are
//! decided in the plan (the layer's kind) and the arithmetic is here, on whole groups of rows
//! at once, allocating nothing.

use super::PerStep;
#[cfg(feature = "alloc")]
use super::Weightless;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
use crate::kernels::MulAdd;

/// `ReLU(max_value, negative_slope, threshold)` and `LeakyReLU(negative_slope)` on W features:
/// `min(x, max_value)` where `x > threshold` (strictly), `negative_slope * (x - threshold)`
/// elsewhere. A LeakyReLU is the rectifier with threshold 0 and no limit (`x > 0 ? x :
/// slope * x`, TensorFlow's `leaky_relu`): `LayerKind::rectifier` says which parameters a layer
/// has.
#[derive(Clone, Copy, Debug)]
pub struct Rectifier<const W: usize> {
    /// The largest output: infinity for no limit.
    max_value: f32,
    negative_slope: f32,
    threshold: f32,
}

impl<const W: usize> Rectifier<W> {
    /// The rectifier of these parameters (`f32::INFINITY`: no `max_value`); baked models are
    /// built in a `static`.
    pub const fn baked(max_value: f32, negative_slope: f32, threshold: f32) -> Self {
        Rectifier {
            max_value,
            negative_slope,
            threshold,
        }
    }

    /// The rectifier on one value: what [`PerStep::apply_group`] does to every feature.
    #[inline(always)]
    pub fn one(&self, x: f32) -> f32 {
        if x > self.threshold {
            x.min(self.max_value)
        } else {
            self.negative_slope * (x - self.threshold)
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for Rectifier<W> {
    /// The rectifier `LayerKind::rectifier` makes of a `ReLU` or `LeakyReLU` (another kind,
    /// which no model builds this cell for, gets a plain ReLU).
    fn from_info(info: &LayerInfo) -> Self {
        match info.kind.rectifier() {
            Some(r) => Self::baked(r.max_value, r.negative_slope, r.threshold),
            None => Self::baked(f32::INFINITY, 0.0, 0.0),
        }
    }
}

impl<const W: usize> PerStep<W, W> for Rectifier<W> {
    /// One pass over the G rows' features, a compare and a select per value (vectorised by
    /// the compiler).
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        _m: M,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
    ) {
        for (yg, xg) in y.iter_mut().zip(x) {
            for (o, v) in yg.iter_mut().zip(xg.iter()) {
                *o = self.one(*v);
            }
        }
    }
}

/// `ELU(alpha)` on W features: `x` above 0, `alpha * (e^x - 1)` at or below (TensorFlow's
/// `where(x > 0, elu(x), alpha * elu(x))`).
#[derive(Clone, Copy, Debug)]
pub struct Elu<const W: usize> {
    alpha: f32,
}

impl<const W: usize> Elu<W> {
    /// The ELU of `alpha` (baked models are built in a `static`).
    pub const fn baked(alpha: f32) -> Self {
        Elu { alpha }
    }

    /// The ELU on one value.
    #[inline(always)]
    pub fn one(&self, x: f32) -> f32 {
        if x > 0.0 {
            x
        } else {
            self.alpha * libm::expm1f(x)
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for Elu<W> {
    fn from_info(info: &LayerInfo) -> Self {
        match info.kind {
            LayerKind::Elu { alpha, .. } => Self::baked(alpha),
            _ => Self::baked(1.0),
        }
    }
}

impl<const W: usize> PerStep<W, W> for Elu<W> {
    /// Elementwise, as the `elu` activation (libm's `expm1f` below zero).
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        _m: M,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
    ) {
        for (yg, xg) in y.iter_mut().zip(x) {
            for (o, v) in yg.iter_mut().zip(xg.iter()) {
                *o = self.one(*v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keras's formulas (docs/KERAS_LAYERS.md), in f64: the threshold is strict, the limit
    /// applies above it, the slope below.
    #[test]
    fn the_rectifier_follows_keras_at_and_around_its_threshold() {
        let r = Rectifier::<1>::baked(2.5, 0.1, 1.0);
        for (x, want) in [
            (1.0f32, 0.0f32),
            (0.5, -0.05),
            (1.0001, 1.0001),
            (3.0, 2.5),
            (-2.0, -0.3),
        ] {
            assert!((r.one(x) - want).abs() < 1e-7, "{x}: {}", r.one(x));
        }
        // max_value below the threshold: 0 up to it, then the limit.
        let low = Rectifier::<1>::baked(0.5, 0.0, 1.0);
        assert_eq!([low.one(1.0), low.one(1.5)], [0.0, 0.5]);
        let e = Elu::<1>::baked(0.5);
        assert_eq!(e.one(0.0), 0.0);
        assert!((e.one(-1.0) as f64 - 0.5 * (-1.0f64).exp_m1()).abs() < 1e-7);
    }
}
