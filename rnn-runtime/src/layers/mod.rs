//! Layer cells, generic over their compile-time sizes. Weights live on the heap (a model of any
//! size builds without touching the stack), steps write into caller-owned arrays and never
//! allocate.

mod activation;
mod dense;
mod embedding;
mod folded;
mod gru;
mod inert;
mod lstm;
mod masking;
mod norm;
mod rectifier;
mod reshape;
mod simple_rnn;
mod storage;
mod window;
mod wrappers;

pub use activation::ActivationLayer;
pub use dense::Dense;
pub use embedding::Embedding;
pub use folded::{FoldedEmbedding, InputProjection};
pub use gru::{Gru, GruState};
pub use inert::Inert;
pub use lstm::{Lstm, LstmState};
pub use masking::Masking;
pub use norm::{BatchNorm, LayerNorm};
pub use rectifier::{Elu, Rectifier};
pub use reshape::{PRelu, Permute, Reshape, Steps};
pub use simple_rnn::SimpleRnn;
pub use storage::Data;
pub use window::{CausalState, Conv1d, Flatten, GlobalPool, Pool1d};
pub use wrappers::{Bidirectional, TimeDistributed};

#[cfg(feature = "alloc")]
use crate::heap::*;
use crate::kernels::MulAdd;
#[cfg(feature = "alloc")]
use crate::{
    Result,
    info::LayerInfo,
    init::Rng,
    weights::{LayerRecord, TensorRecord},
};

/// What every layer cell does with its weights: built as Keras builds a fresh layer, loaded
/// from a checked weights-file record, and written back. (Without the `alloc` feature a cell
/// is only ever baked: the trait is empty and every type has it.)
///
/// A cell is loaded from, and saved as, its arrays in the layout of
/// `rnn_spec::bake::cell_arrays`, in the order its `baked` constructor takes them: the one
/// definition of how a layer's file tensors become a cell's arrays, for baked and loaded models
/// alike.
#[cfg(feature = "alloc")]
pub trait Cell: Sized {
    /// Every weight zero.
    fn zeros(info: &LayerInfo) -> Self;
    /// Keras's default initializers, deterministic per `rng`.
    fn random(info: &LayerInfo, rng: &mut Rng) -> Self;
    /// From its arrays (`rnn_spec::bake::cell_arrays`' layout), taken in order from `arrays`.
    fn from_arrays(info: &LayerInfo, arrays: &mut Arrays) -> Result<Self>;
    /// Its arrays in that layout, appended to `out`.
    fn to_arrays(&self, out: &mut Vec<Vec<f32>>);

    /// From a record that `WeightsFile::check_against` accepted: its tensors through
    /// `rnn_spec::bake::into_cell_arrays` (moved, not copied), then [`Cell::from_arrays`].
    fn from_record(info: &LayerInfo, rec: LayerRecord) -> Result<Self> {
        Self::from_arrays(info, &mut Arrays::new(info, rec)?)
    }

    /// The record a weights file holds for this layer: [`Cell::to_arrays`] through
    /// `rnn_spec::bake::file_tensors`.
    fn to_record(&self, info: &LayerInfo) -> LayerRecord {
        let mut arrays = Vec::new();
        self.to_arrays(&mut arrays);
        record(info, rnn_spec::bake::file_tensors(&info.kind, arrays))
    }
}

/// A cell without weights (`ActivationLayer`, `Rectifier`, `Elu`, `Masking`, `Inert`): its
/// layer's options alone make it, so that is all it writes; its [`Cell`] follows (built,
/// drawn at random or loaded, it is the same cell: it takes no arrays and gives none). A cell
/// with weights implements [`Cell`] itself, every method, so none is left to a default that
/// would drop its weights.
#[cfg(feature = "alloc")]
pub trait Weightless {
    /// The cell of the layer's options (`info.kind`).
    fn from_info(info: &LayerInfo) -> Self;
}

#[cfg(feature = "alloc")]
impl<T: Weightless> Cell for T {
    fn zeros(info: &LayerInfo) -> Self {
        T::from_info(info)
    }

    fn random(info: &LayerInfo, _rng: &mut Rng) -> Self {
        T::from_info(info)
    }

    fn from_arrays(info: &LayerInfo, _arrays: &mut Arrays) -> Result<Self> {
        Ok(T::from_info(info))
    }

    fn to_arrays(&self, _out: &mut Vec<Vec<f32>>) {}
}

/// Without `alloc`: cells are baked, never built, loaded or saved.
#[cfg(not(feature = "alloc"))]
pub trait Cell {}
#[cfg(not(feature = "alloc"))]
impl<T> Cell for T {}

/// A recurrent cell over IN features with U outputs. The state is the caller's, so one cell
/// serves lockstep batches (G rows), streaming (G = 1, kept between calls) and wrappers.
pub trait Recurrent<const IN: usize, const U: usize>: Cell {
    /// The state of G rows.
    type State<const G: usize>: Reset + Clone + std::fmt::Debug;
    /// Keras's initial state: zeros.
    fn state<const G: usize>(&self) -> Self::State<G>;
    /// One timestep for G rows; a row whose `mask` is false keeps its state (and output).
    fn step_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        state: &mut Self::State<G>,
        mask: [bool; G],
    );
    /// Each row's current output.
    fn output<'s, const G: usize>(&self, state: &'s Self::State<G>) -> [&'s [f32; U]; G];
}

/// A recurrent state that can go back to Keras's initial state (zeros) in place.
pub trait Reset {
    /// Every value zero.
    fn reset(&mut self);
}

impl<const U: usize, const G: usize> Reset for [[f32; U]; G] {
    #[inline]
    fn reset(&mut self) {
        self.iter_mut().for_each(|row| row.fill(0.0));
    }
}

/// A layer on the last axis: per timestep on a sequence, once on a vector.
pub trait PerStep<const IN: usize, const OUT: usize>: Cell {
    /// `y[g] = layer(x[g])` for G rows.
    fn apply_group<M: MulAdd, const G: usize>(
        &self,
        m: M,
        x: &[&[f32; IN]; G],
        y: &mut [[f32; OUT]; G],
    );
}

#[cfg(feature = "alloc")]
/// A `(R, C)` row-major matrix on the heap, moved out of a flat vector without copying.
/// `None` if the vector does not hold exactly `R * C` values.
pub(crate) fn matrix<const R: usize, const C: usize>(v: Vec<f32>) -> Option<Data<[[f32; C]; R]>> {
    if R.checked_mul(C) != Some(v.len()) {
        return None;
    }
    let flat: Box<[f32]> = v.into_boxed_slice();
    // SAFETY: `[[f32; C]; R]` has the size (R*C*4 bytes) and alignment (4) of the `R * C` f32
    // slice checked above, and every bit pattern is a valid f32.
    let b = unsafe { Box::from_raw(Box::into_raw(flat) as *mut [[f32; C]; R]) };
    Some(Data::from_box(b))
}

#[cfg(feature = "alloc")]
/// A `(N,)` vector on the heap, moved out of a flat vector.
pub(crate) fn vector<const N: usize>(v: Vec<f32>) -> Option<Data<[f32; N]>> {
    let b: Box<[f32; N]> = v.into_boxed_slice().try_into().ok()?;
    Some(Data::from_box(b))
}

/// A `(R, C)` weight matrix aligned to 64 bytes (a cache line): the kernels' full 256- or
/// 512-bit loads of a row then never straddle two lines (docs/PERFORMANCE.md, "Levers used").
/// On the heap when built or loaded, in static data when baked ([`Data`]).
pub struct Weights<const R: usize, const C: usize>(Data<[[f32; C]; R]>);

impl<const R: usize, const C: usize> Weights<R, C> {
    #[cfg(feature = "alloc")]
    /// All zeros, allocated zeroed on the heap (never on the stack, whatever the size).
    pub(crate) fn zeros() -> Self {
        // SAFETY: `write_bytes` zeroes the whole array; all-zero bytes are 0.0 everywhere.
        Weights(unsafe { Data::new_with(|p: *mut [[f32; C]; R]| p.write_bytes(0, 1)) })
    }

    /// Baked weights: static data (64-byte aligned by the macro's layout), no heap.
    pub const fn from_static(data: &'static [[f32; C]; R]) -> Self {
        Weights(Data::from_static(data))
    }

    #[cfg(feature = "alloc")]
    /// From R * C row-major values; `None` for another count. (One copy, into aligned memory.)
    pub(crate) fn from_vec(v: Vec<f32>) -> Option<Self> {
        if R.checked_mul(C) != Some(v.len()) {
            return None;
        }
        let mut w = Self::zeros();
        w.as_flattened_mut().copy_from_slice(&v);
        Some(w)
    }
}

impl<const R: usize, const C: usize> std::ops::Deref for Weights<R, C> {
    type Target = [[f32; C]; R];
    #[inline(always)]
    fn deref(&self) -> &[[f32; C]; R] {
        &self.0
    }
}

#[cfg(feature = "alloc")]
impl<const R: usize, const C: usize> std::ops::DerefMut for Weights<R, C> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [[f32; C]; R] {
        &mut self.0
    }
}

impl<const R: usize, const C: usize> Clone for Weights<R, C> {
    /// Heap weights are copied (aligned); baked ones shared.
    fn clone(&self) -> Self {
        Weights(self.0.clone())
    }
}

#[cfg(feature = "alloc")]
/// Zeros of any fixed-size shape, allocated directly on the heap.
pub(crate) fn zero_matrix<const R: usize, const C: usize>() -> Data<[[f32; C]; R]> {
    // `vec!` of zeros is a calloc; its length is R*C by construction, so `matrix` succeeds.
    matrix(vec![0.0; R * C]).unwrap_or_else(|| unreachable!("sizes are fixed at compile time"))
}

#[cfg(feature = "alloc")]
pub(crate) fn zero_vector<const N: usize>() -> Data<[f32; N]> {
    vector(vec![0.0; N]).unwrap_or_else(|| unreachable!("sizes are fixed at compile time"))
}

#[cfg(feature = "alloc")]
fn flat<const R: usize, const C: usize>(m: &[[f32; C]; R]) -> Vec<f32> {
    m.iter().flatten().copied().collect()
}

#[cfg(feature = "alloc")]
/// The weights file record of a layer from its tensors' data (in `info.tensors()` order).
pub(crate) fn record(info: &LayerInfo, data: Vec<Vec<f32>>) -> LayerRecord {
    LayerRecord {
        name: info.name.to_string(),
        class: info.class.to_string(),
        config: info
            .kind
            .config_values()
            .into_iter()
            .map(|(k, v)| (k.to_string(), crate::info::json(v)))
            .collect(),
        weights: info
            .tensors()
            .into_iter()
            .zip(data)
            .map(|((name, shape), data)| TensorRecord {
                name,
                shape: shape.iter().map(|&d| d as u64).collect(),
                data,
            })
            .collect(),
    }
}

#[cfg(feature = "alloc")]
/// A layer's arrays as its cell stores them (`rnn_spec::bake::cell_arrays`' layout, which
/// baked cells are built from too), handed to [`Cell::from_arrays`] one at a time. A
/// wrapper's inner cells take theirs in turn (a `Bidirectional`'s forward copy first).
pub struct Arrays {
    arrays: alloc::vec::IntoIter<Vec<f32>>,
}

#[cfg(feature = "alloc")]
impl Arrays {
    /// The arrays of a checked record's tensors (moved: `into_cell_arrays` copies none that a
    /// cell stores whole). A record with another number of tensors is refused.
    pub(crate) fn new(info: &LayerInfo, rec: LayerRecord) -> Result<Self> {
        let expected = info.tensors().len();
        if rec.weights.len() != expected {
            return Err(crate::Error::Tensor {
                layer: info.name.to_string(),
                tensor: "*".into(),
                what: "the number of tensors".into(),
                expected: expected.to_string(),
                found: rec.weights.len().to_string(),
            });
        }
        let tensors = rec.weights.into_iter().map(|t| t.data).collect();
        Ok(Self::from_tensors(info, tensors))
    }

    /// The arrays of a layer's tensors in file order (`into_cell_arrays`): how a cell whose
    /// layout differs from the file's (LSTM, GRU) is initialised too.
    pub(crate) fn from_tensors(info: &LayerInfo, tensors: Vec<Vec<f32>>) -> Self {
        Arrays {
            arrays: rnn_spec::bake::into_cell_arrays(&info.kind, tensors).into_iter(),
        }
    }

    /// The next array, `None` when none is left.
    fn next(&mut self) -> Option<Vec<f32>> {
        self.arrays.next()
    }

    /// The next array as a `(R, C)` weight matrix (one copy, into aligned memory), or the
    /// error naming `tensor`.
    pub(crate) fn weights<const R: usize, const C: usize>(
        &mut self,
        info: &LayerInfo,
        tensor: &str,
    ) -> Result<Weights<R, C>> {
        self.next()
            .and_then(Weights::from_vec)
            .ok_or_else(|| shape_error(info, tensor))
    }

    /// The next array as a `(R, C)` table on the heap, moved (not copied).
    pub(crate) fn matrix<const R: usize, const C: usize>(
        &mut self,
        info: &LayerInfo,
        tensor: &str,
    ) -> Result<Data<[[f32; C]; R]>> {
        self.next()
            .and_then(matrix)
            .ok_or_else(|| shape_error(info, tensor))
    }

    /// The next array as a `(N,)` vector on the heap, moved.
    pub(crate) fn vector<const N: usize>(
        &mut self,
        info: &LayerInfo,
        tensor: &str,
    ) -> Result<Data<[f32; N]>> {
        self.next()
            .and_then(vector)
            .ok_or_else(|| shape_error(info, tensor))
    }
}

#[cfg(feature = "alloc")]
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

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::Weights;

    #[test]
    fn weights_are_cache_line_aligned_and_hold_their_values() {
        let w = Weights::<3, 5>::from_vec((0..15).map(|i| i as f32).collect()).unwrap();
        assert_eq!(w.as_ptr() as usize % 64, 0);
        assert_eq!(w[2][4], 14.0);
        let c = w.clone();
        assert_eq!(c.as_ptr() as usize % 64, 0);
        assert_eq!(*c, *w);
        assert!(Weights::<3, 5>::from_vec(vec![0.0; 14]).is_none());
        assert_eq!(*Weights::<2, 2>::zeros(), [[0.0; 2]; 2]);
    }
}
