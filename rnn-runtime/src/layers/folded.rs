use super::Weights;
#[cfg(feature = "alloc")]
use super::{Conv1d, Embedding};

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
        let data = fold(
            embedding.table().as_flattened(),
            k.as_flattened(),
            b,
            (V, D, U),
        );
        FoldedEmbedding {
            table: Weights::from_vec(data).unwrap_or_else(Weights::zeros),
        }
    }

    /// The table of an Embedding folded into the `Conv1D` after it: row `v` is, tap after tap,
    /// `embeddings[v] · K_j` (`rnn_spec::bake::fold_conv_table`); the convolution adds its
    /// bias.
    #[cfg(feature = "alloc")]
    pub fn of_conv<const D: usize, const KIN: usize, const OUT: usize>(
        embedding: &Embedding<V, D>,
        conv: &Conv1d<D, KIN, OUT>,
    ) -> Self {
        let data = fold_conv(
            embedding.table().as_flattened(),
            conv.kernel().as_flattened(),
            (V, D, KIN / D.max(1), OUT),
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

/// [`rnn_spec::bake::fold_table`] compiled for the widest vectors the CPU has: the same
/// operations in the same order (Rust fuses no multiply-add), so the same table as the
/// macro's baked one bit for bit, several times faster (an `LSTM(256)` on 10000 tokens:
/// docs/PERFORMANCE.md, "Folding").
#[cfg(feature = "alloc")]
fn fold(e: &[f32], k: &[f32], b: &[f32], dims: (usize, usize, usize)) -> crate::heap::Vec<f32> {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx512f,avx2")]
        fn avx512(
            e: &[f32],
            k: &[f32],
            b: &[f32],
            d: (usize, usize, usize),
        ) -> crate::heap::Vec<f32> {
            rnn_spec::bake::fold_table(e, k, b, d)
        }
        #[target_feature(enable = "avx2")]
        fn avx2(
            e: &[f32],
            k: &[f32],
            b: &[f32],
            d: (usize, usize, usize),
        ) -> crate::heap::Vec<f32> {
            rnn_spec::bake::fold_table(e, k, b, d)
        }
        match crate::simd::detected() {
            // SAFETY (both): `detected` reports only instruction sets the CPU has.
            crate::simd::Simd::Avx512 => return unsafe { avx512(e, k, b, dims) },
            crate::simd::Simd::Avx2 => return unsafe { avx2(e, k, b, dims) },
            _ => {}
        }
    }
    rnn_spec::bake::fold_table(e, k, b, dims)
}

/// [`rnn_spec::bake::fold_conv_table`] compiled as [`fold`] is: the macro's baked table bit for
/// bit.
#[cfg(feature = "alloc")]
fn fold_conv(e: &[f32], k: &[f32], dims: (usize, usize, usize, usize)) -> crate::heap::Vec<f32> {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx512f,avx2")]
        fn avx512(e: &[f32], k: &[f32], d: (usize, usize, usize, usize)) -> crate::heap::Vec<f32> {
            rnn_spec::bake::fold_conv_table(e, k, d)
        }
        #[target_feature(enable = "avx2")]
        fn avx2(e: &[f32], k: &[f32], d: (usize, usize, usize, usize)) -> crate::heap::Vec<f32> {
            rnn_spec::bake::fold_conv_table(e, k, d)
        }
        match crate::simd::detected() {
            // SAFETY (both): `detected` reports only instruction sets the CPU has.
            crate::simd::Simd::Avx512 => return unsafe { avx512(e, k, dims) },
            crate::simd::Simd::Avx2 => return unsafe { avx2(e, k, dims) },
            _ => {}
        }
    }
    rnn_spec::bake::fold_conv_table(e, k, dims)
}

impl<const V: usize, const U: usize> std::fmt::Debug for FoldedEmbedding<V, U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoldedEmbedding<{V}, {U}>")
    }
}
