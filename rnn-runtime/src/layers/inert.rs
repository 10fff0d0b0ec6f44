#[cfg(feature = "alloc")]
use super::{Cell, record};
#[cfg(feature = "alloc")]
use crate::Result;
#[cfg(feature = "alloc")]
use crate::info::LayerInfo;
#[cfg(feature = "alloc")]
use crate::init::Rng;
#[cfg(feature = "alloc")]
use crate::weights::LayerRecord;

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

    fn from_record(_info: &LayerInfo, _rec: LayerRecord) -> Result<Self> {
        Ok(Inert)
    }

    fn to_record(&self, info: &LayerInfo) -> LayerRecord {
        record(info, vec![])
    }
}
