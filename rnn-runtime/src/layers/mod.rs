//! Layer cells, generic over their compile-time sizes. Weights live on the heap (a model of any
//! size builds without touching the stack), steps write into caller-owned arrays and never
//! allocate.

mod dense;
mod embedding;
mod folded;
mod simple_rnn;

pub use dense::Dense;
pub use embedding::Embedding;
pub use folded::FoldedEmbedding;
pub use simple_rnn::SimpleRnn;

use crate::info::LayerInfo;
use crate::weights::{LayerRecord, TensorRecord};

/// A `(R, C)` row-major matrix on the heap, moved out of a flat vector without copying.
/// `None` if the vector does not hold exactly `R * C` values.
pub(crate) fn matrix<const R: usize, const C: usize>(v: Vec<f32>) -> Option<Box<[[f32; C]; R]>> {
    if R.checked_mul(C) != Some(v.len()) {
        return None;
    }
    let flat: Box<[f32]> = v.into_boxed_slice();
    // SAFETY: `[[f32; C]; R]` has the size (R*C*4 bytes) and alignment (4) of the `R * C` f32
    // slice checked above, and every bit pattern is a valid f32.
    Some(unsafe { Box::from_raw(Box::into_raw(flat) as *mut [[f32; C]; R]) })
}

/// A `(N,)` vector on the heap, moved out of a flat vector.
pub(crate) fn vector<const N: usize>(v: Vec<f32>) -> Option<Box<[f32; N]>> {
    v.into_boxed_slice().try_into().ok()
}

/// Zeros of any fixed-size shape, allocated directly on the heap.
pub(crate) fn zero_matrix<const R: usize, const C: usize>() -> Box<[[f32; C]; R]> {
    // `vec!` of zeros is a calloc; its length is R*C by construction, so `matrix` succeeds.
    matrix(vec![0.0; R * C]).unwrap_or_else(|| unreachable!("sizes are fixed at compile time"))
}

pub(crate) fn zero_vector<const N: usize>() -> Box<[f32; N]> {
    vector(vec![0.0; N]).unwrap_or_else(|| unreachable!("sizes are fixed at compile time"))
}

fn flat<const R: usize, const C: usize>(m: &[[f32; C]; R]) -> Vec<f32> {
    m.iter().flatten().copied().collect()
}

/// The weights file record of a layer from its tensors' data (in `info.tensors()` order).
pub(crate) fn record(info: &LayerInfo, data: Vec<Vec<f32>>) -> LayerRecord {
    LayerRecord {
        name: info.name.to_string(),
        class: info.class.to_string(),
        config: info
            .config()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        weights: info
            .tensors()
            .into_iter()
            .zip(data)
            .map(|((name, shape), data)| TensorRecord {
                name: name.to_string(),
                shape: shape.iter().map(|&d| d as u64).collect(),
                data,
            })
            .collect(),
    }
}

/// Moves the tensors out of a record that `WeightsFile::check_against` has accepted.
pub(crate) fn take_tensors(rec: LayerRecord) -> impl Iterator<Item = Vec<f32>> {
    rec.weights.into_iter().map(|t| t.data)
}

/// Error for a tensor that does not fit a cell (only reachable if a record was not checked).
pub(crate) fn shape_error(info: &LayerInfo, tensor: &str) -> crate::Error {
    crate::Error::Tensor {
        layer: info.name.to_string(),
        tensor: tensor.to_string(),
        what: "the number of values".into(),
        expected: format!("{:?}", info.tensors()),
        found: "a tensor of another size".into(),
    }
}
