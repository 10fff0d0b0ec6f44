#[cfg(feature = "alloc")]
use super::Embedding;
use super::Weights;

/// A recurrent layer whose input projection `x · kernel + bias` (all gates: U columns for a
/// SimpleRNN, 4U for an LSTM, 3U for a GRU, whose bias here is the input bias) can be
/// precomputed per token.
pub trait InputProjection<const D: usize, const U: usize> {
    /// The input kernel and the bias added with it.
    fn input_projection(&self) -> (&[[f32; U]; D], &[f32; U]);
}

/// An Embedding folded into the recurrent layer it feeds: row `v` is
/// `embeddings[v] · kernel + bias`, so a timestep's input projection is one row lookup instead
/// of a (D, U) matrix-vector product. Derived from the two layers whenever they are built;
/// never stored in files.
#[derive(Clone)]
pub struct FoldedEmbedding<const V: usize, const U: usize> {
    table: Weights<V, U>,
}

impl<const V: usize, const U: usize> FoldedEmbedding<V, U> {
    /// A baked table (computed by the macro with `rnn_spec::bake::fold_table`), in static data.
    pub const fn baked(table: &'static [[f32; U]; V]) -> Self {
        FoldedEmbedding {
            table: Weights::from_static(table),
        }
    }

    /// Computes the table in f64 and rounds once (`rnn_spec::bake::fold_table`).
    #[cfg(feature = "alloc")]
    pub fn new<const D: usize>(
        embedding: &Embedding<V, D>,
        layer: &impl InputProjection<D, U>,
    ) -> Self {
        let (k, b) = layer.input_projection();
        let data = rnn_spec::bake::fold_table(
            embedding.table().as_flattened(),
            k.as_flattened(),
            b,
            (V, D, U),
        );
        FoldedEmbedding {
            table: Weights::from_vec(data).unwrap_or_else(Weights::zeros),
        }
    }

    /// The projected row of `id` (ids are checked before a sequence runs; an unchecked
    /// out-of-range id reads row 0 rather than panicking).
    #[inline(always)]
    pub fn row(&self, id: u32) -> &[f32; U] {
        const { assert!(V > 0, "an Embedding needs at least one row") };
        self.table.get(id as usize).unwrap_or(&self.table[0])
    }
}

impl<const V: usize, const U: usize> std::fmt::Debug for FoldedEmbedding<V, U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoldedEmbedding<{V}, {U}>")
    }
}
