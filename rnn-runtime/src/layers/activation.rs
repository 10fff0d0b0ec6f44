use super::PerStep;
#[cfg(feature = "alloc")]
use super::Weightless;
use crate::activation::{Activation, Apply};
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};
use crate::kernels::MulAdd;

/// `Activation(act)` on W features: the activation on the last axis, no weights. `Softmax()`
/// is this layer of `softmax` (the same function over the last axis).
#[derive(Clone, Copy, Debug)]
pub struct ActivationLayer<const W: usize> {
    activation: Activation,
}

impl<const W: usize> ActivationLayer<W> {
    /// The layer of `activation` (baked models are built in a `static`).
    pub const fn baked(activation: Activation) -> Self {
        ActivationLayer { activation }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for ActivationLayer<W> {
    fn from_info(info: &LayerInfo) -> Self {
        let activation = match info.kind {
            LayerKind::Activation { activation, .. } => activation,
            LayerKind::Softmax { .. } => Activation::Softmax,
            _ => Activation::Linear,
        };
        ActivationLayer { activation }
    }
}

impl<const W: usize> PerStep<W, W> for ActivationLayer<W> {
    #[inline(always)]
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
    ) {
        for (yg, xg) in y.iter_mut().zip(x) {
            *yg = **xg;
        }
        self.activation.apply_rows::<M, W>(m, y);
    }
}
