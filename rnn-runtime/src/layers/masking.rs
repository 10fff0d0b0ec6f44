#[cfg(feature = "alloc")]
use super::Weightless;
#[cfg(feature = "alloc")]
use crate::info::{LayerInfo, LayerKind};

/// `Masking(mask_value)` on W features: a step whose features ALL equal the value is masked
/// (the mask then flows as an Embedding's `mask_zero` mask does) and its values are zeroed.
#[derive(Clone, Copy, Debug)]
pub struct Masking<const W: usize> {
    value: f32,
}

impl<const W: usize> Masking<W> {
    /// A Masking layer of `value` (baked models are built in a `static`).
    pub const fn baked(value: f32) -> Self {
        Masking { value }
    }

    /// Whether the step is kept (not every feature equals the mask value).
    #[inline(always)]
    pub fn keeps(&self, x: &[f32; W]) -> bool {
        x.iter().any(|v| *v != self.value)
    }

    /// `y[g] = x[g]` where kept, zeros where masked.
    #[inline(always)]
    pub fn apply_group<const G: usize>(
        &self,
        x: &[&[f32; W]; G],
        y: &mut [[f32; W]; G],
        keep: [bool; G],
    ) {
        for ((yg, xg), k) in y.iter_mut().zip(x).zip(keep) {
            *yg = if k { **xg } else { [0.0; W] };
        }
    }
}

#[cfg(feature = "alloc")]
impl<const W: usize> Weightless for Masking<W> {
    fn from_info(info: &LayerInfo) -> Self {
        let value = match info.kind {
            LayerKind::Masking { mask_value, .. } => mask_value,
            _ => 0.0,
        };
        Masking { value }
    }
}
