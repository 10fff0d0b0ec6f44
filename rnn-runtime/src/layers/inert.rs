#[cfg(feature = "alloc")]
use super::{Arrays, Cell};
#[cfg(feature = "alloc")]
use crate::Result;
#[cfg(feature = "alloc")]
use crate::heap::Vec;
#[cfg(feature = "alloc")]
use crate::info::LayerInfo;
#[cfg(feature = "alloc")]
use crate::init::Rng;

/// A layer that is the identity at inference (`Dropout`, `SpatialDropout1D`, `GaussianNoise`,
/// `GaussianDropout`, `ActivityRegularization`): no weights, no work; the plan skips it.
#[derive(Clone, Copy, Debug)]
pub struct Inert;

#[cfg(feature = "alloc")]
impl Cell for Inert {
    fn zeros(_info: &LayerInfo) -> Self {
        Inert
    }

    fn random(_info: &LayerInfo, _rng: &mut Rng) -> Self {
        Inert
    }

    fn from_arrays(_info: &LayerInfo, _arrays: &mut Arrays) -> Result<Self> {
        Ok(Inert)
    }

    fn to_arrays(&self, _out: &mut Vec<Vec<f32>>) {}
}
