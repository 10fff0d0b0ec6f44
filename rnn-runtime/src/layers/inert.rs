#[cfg(feature = "alloc")]
use super::Weightless;
#[cfg(feature = "alloc")]
use crate::info::LayerInfo;

/// A layer that is the identity at inference (`Dropout`, `SpatialDropout1D`, `GaussianNoise`,
/// `GaussianDropout`, `ActivityRegularization`): no weights, no work; the plan skips it.
#[derive(Clone, Copy, Debug)]
pub struct Inert;

#[cfg(feature = "alloc")]
impl Weightless for Inert {
    fn from_info(_info: &LayerInfo) -> Self {
        Inert
    }
}
