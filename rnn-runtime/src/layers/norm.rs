//! The normalization layers: `BatchNormalization` at inference ([`BatchNorm`], one
//! multiply-add per feature from a scale and shift fused when the weights are baked or
//! loaded) and `LayerNormalization` ([`LayerNorm`], each row's own mean and variance). Both
//! work on whole groups of rows at once and allocate nothing.

#[cfg(feature = "alloc")]
use super::{Arrays, Cell};
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

/// `BatchNormalization()` on W features at inference: `x * scale + shift`, where `scale =
/// gamma / sqrt(moving_variance + epsilon)` and `shift = beta - moving_mean * scale`
/// (`rnn_spec::bake::batch_norm_scale_shift`, TensorFlow's order). The file's four tensors
/// are kept beside them, to be written back.
#[derive(Clone)]
pub struct BatchNorm<const W: usize> {
    scale: Data<[f32; W]>,
    shift: Data<[f32; W]>,
    /// gamma, beta, moving_mean, moving_variance (ones / zeros for an absent gamma / beta):
    /// only written back (`Cell::to_arrays`), so unread without `alloc`.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    stored: [Data<[f32; W]>; 4],
}

impl<const W: usize> BatchNorm<W> {
    /// A baked BatchNormalization: the fused scale and shift, then gamma, beta, moving mean
    /// and variance, in static data.
    pub const fn baked(
        scale: &'static [f32; W],
        shift: &'static [f32; W],
        gamma: &'static [f32; W],
        beta: &'static [f32; W],
        mean: &'static [f32; W],
        variance: &'static [f32; W],
    ) -> Self {
        BatchNorm {
            scale: Data::from_static(scale),
            shift: Data::from_static(shift),
            stored: [
                Data::from_static(gamma),
                Data::from_static(beta),
                Data::from_static(mean),
                Data::from_static(variance),
            ],
        }
    }
}

impl<const W: usize> PerStep<W, W> for BatchNorm<W> {
    /// `y = x * scale + shift` per feature, for G rows.
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        _m: M,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
    ) {
        let (scale, shift) = (&*self.scale, &*self.shift);
        for (yg, xg) in y.iter_mut().zip(x) {
            for (((o, v), s), b) in yg.iter_mut().zip(xg.iter()).zip(scale).zip(shift) {
                *o = v * s + b;
            }
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> BatchNorm<W> {
    /// From the layer's tensors in file order (`into_cell_arrays` fuses them).
    fn from_tensors(info: &LayerInfo, tensors: Vec<Vec<f32>>) -> Result<Self> {
        Self::from_arrays(info, &mut Arrays::from_tensors(info, tensors))
    }

    /// The layer's tensors with every value `gamma`, `beta`, `mean`, `variance`.
    fn filled(info: &LayerInfo, values: [f32; 4]) -> Self {
        let [g, b, m, v] = values;
        let tensors = info
            .tensors()
            .into_iter()
            .map(|(name, _)| {
                let x = match name.as_str() {
                    "gamma" => g,
                    "beta" => b,
                    "moving_mean" => m,
                    _ => v,
                };
                crate::heap::vec![x; W]
            })
            .collect();
        Self::from_tensors(info, tensors)
            .unwrap_or_else(|_| unreachable!("the tensors are the layer's, W wide"))
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Cell for BatchNorm<W> {
    /// Every weight zero (the variance too: the scale is then `gamma / sqrt(epsilon)`, zero).
    fn zeros(info: &LayerInfo) -> Self {
        Self::filled(info, [0.0; 4])
    }

    /// Keras's fresh layer: gamma ones, beta zeros, moving mean zeros, moving variance ones.
    fn random(info: &LayerInfo, _rng: &mut Rng) -> Self {
        Self::filled(info, [1.0, 0.0, 0.0, 1.0])
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        Ok(BatchNorm {
            scale: a.vector(info, "gamma")?,
            shift: a.vector(info, "beta")?,
            stored: [
                a.vector(info, "gamma")?,
                a.vector(info, "beta")?,
                a.vector(info, "moving_mean")?,
                a.vector(info, "moving_variance")?,
            ],
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.extend([self.scale.to_vec(), self.shift.to_vec()]);
        out.extend(self.stored.iter().map(|t| t.to_vec()));
    }
}

impl<const W: usize> core::fmt::Debug for BatchNorm<W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "BatchNorm<{W}>")
    }
}

/// `LayerNormalization()` on W features: per row, `mean` and the biased `variance` of its
/// features (the two-pass form of TensorFlow's `moments`), `inv = gamma / sqrt(variance +
/// epsilon)`, `y = x * inv + (beta - mean * inv)` as Keras 3's `ops.layer_normalization`
/// computes it; with `rms_scaling`, `y = x / sqrt(variance + epsilon) * gamma` (not centred,
/// no beta).
#[derive(Clone)]
pub struct LayerNorm<const W: usize> {
    /// Ones when the layer has no gamma.
    gamma: Data<[f32; W]>,
    /// Zeros when the layer has no beta.
    beta: Data<[f32; W]>,
    epsilon: f32,
    rms_scaling: bool,
}

impl<const W: usize> LayerNorm<W> {
    /// A baked LayerNormalization: gamma and beta (ones / zeros where the layer has none).
    pub const fn baked(
        gamma: &'static [f32; W],
        beta: &'static [f32; W],
        epsilon: f32,
        rms_scaling: bool,
    ) -> Self {
        LayerNorm {
            gamma: Data::from_static(gamma),
            beta: Data::from_static(beta),
            epsilon,
            rms_scaling,
        }
    }

    /// One row: `y = layer_norm(x)`.
    #[inline(always)]
    pub fn row(&self, x: &[f32; W], y: &mut [f32; W]) {
        let n = W as f32;
        let mean = x.iter().sum::<f32>() / n;
        let variance = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
        let inv = 1.0 / libm::sqrtf(variance + self.epsilon);
        let (gamma, beta) = (&*self.gamma, &*self.beta);
        if self.rms_scaling {
            for ((o, v), g) in y.iter_mut().zip(x).zip(gamma) {
                *o = v * inv * g;
            }
        } else {
            for (((o, v), g), b) in y.iter_mut().zip(x).zip(gamma).zip(beta) {
                let scale = inv * g;
                *o = v * scale + (b - mean * scale);
            }
        }
    }
}

impl<const W: usize> PerStep<W, W> for LayerNorm<W> {
    /// Each of the G rows normalised over its own features.
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        _m: M,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
    ) {
        for (yg, xg) in y.iter_mut().zip(x) {
            self.row(xg, yg);
        }
    }
}

#[cfg(feature = "alloc")]
fn layer_norm_options(info: &LayerInfo) -> (f32, bool) {
    match info.kind {
        LayerKind::LayerNormalization {
            epsilon,
            rms_scaling,
            ..
        } => (epsilon, rms_scaling),
        _ => (1e-3, false),
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Cell for LayerNorm<W> {
    fn zeros(info: &LayerInfo) -> Self {
        let tensors = info
            .tensors()
            .iter()
            .map(|_| crate::heap::vec![0.0; W])
            .collect();
        Self::from_arrays(info, &mut Arrays::from_tensors(info, tensors))
            .unwrap_or_else(|_| unreachable!("the tensors are the layer's, W wide"))
    }

    /// Keras's fresh layer: gamma ones, beta zeros.
    fn random(info: &LayerInfo, _rng: &mut Rng) -> Self {
        let tensors = info
            .tensors()
            .iter()
            .map(|(name, _)| crate::heap::vec![if name == "gamma" { 1.0 } else { 0.0 }; W])
            .collect();
        Self::from_arrays(info, &mut Arrays::from_tensors(info, tensors))
            .unwrap_or_else(|_| unreachable!("the tensors are the layer's, W wide"))
    }

    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        let (epsilon, rms_scaling) = layer_norm_options(info);
        Ok(LayerNorm {
            gamma: a.vector(info, "gamma")?,
            beta: a.vector(info, "beta")?,
            epsilon,
            rms_scaling,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.extend([self.gamma.to_vec(), self.beta.to_vec()]);
    }
}

impl<const W: usize> core::fmt::Debug for LayerNorm<W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "LayerNorm<{W}>(epsilon = {}, rms_scaling = {})",
            self.epsilon, self.rms_scaling
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keras's formulas (docs/KERAS_LAYERS.md) in f64 beside the cells' f32.
    #[test]
    fn the_normalizations_follow_keras_s_formulas() {
        static G: [f32; 4] = [1.5, -0.5, 2.0, 1.0];
        static B: [f32; 4] = [0.1, 0.2, -0.3, 0.0];
        let x = [0.3f32, -1.2, 2.5, 0.7];
        let xd: Vec<f64> = x.iter().map(|v| *v as f64).collect();
        let mean = xd.iter().sum::<f64>() / 4.0;
        let var = xd.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 4.0;
        let inv = 1.0 / (var + 1e-3).sqrt();
        let mut y = [0.0; 4];
        LayerNorm::<4>::baked(&G, &B, 1e-3, false).row(&x, &mut y);
        for f in 0..4 {
            let want = G[f] as f64 * (xd[f] - mean) * inv + B[f] as f64;
            assert!((y[f] as f64 - want).abs() < 1e-6, "{f}: {} {want}", y[f]);
        }
        // rms_scaling: not centred, no beta.
        LayerNorm::<4>::baked(&G, &B, 1e-3, true).row(&x, &mut y);
        for f in 0..4 {
            let want = G[f] as f64 * xd[f] * inv;
            assert!((y[f] as f64 - want).abs() < 1e-6, "{f}: {} {want}", y[f]);
        }
    }
}
