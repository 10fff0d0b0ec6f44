use super::{Cell, Data, flat, matrix, record, shape_error, take_tensors, zero_matrix};
use crate::info::LayerInfo;
use crate::init::{Rng, embedding_uniform};
use crate::weights::LayerRecord;
use crate::{Error, Result};

/// `Embedding(V, D)`: a `(V, D)` table; a token id selects a row.
#[derive(Clone)]
pub struct Embedding<const V: usize, const D: usize> {
    table: Data<[[f32; D]; V]>,
}

impl<const V: usize, const D: usize> Embedding<V, D> {
    /// A baked Embedding: the table in static data (no heap).
    pub const fn baked(table: &'static [[f32; D]; V]) -> Self {
        Embedding {
            table: Data::from_static(table),
        }
    }

    /// The row of `id`. Ids are checked by [`Embedding::check_ids`] before a sequence runs; an
    /// unchecked out-of-range id reads row 0 rather than panicking.
    #[inline(always)]
    pub fn row(&self, id: u32) -> &[f32; D] {
        const { assert!(V > 0, "an Embedding needs at least one row") };
        self.table.get(id as usize).unwrap_or(&self.table[0])
    }

    /// `Err` for the first id that is not below `V`.
    pub fn check_ids(ids: &[u32], row: Option<usize>) -> Result<()> {
        match ids.iter().position(|&id| id as usize >= V) {
            None => Ok(()),
            Some(step) => Err(Error::TokenOutOfRange {
                row,
                step,
                id: ids[step],
                input_dim: V,
            }),
        }
    }

    /// The whole table, row-major (for kernels that fold it into the next layer).
    pub fn table(&self) -> &[[f32; D]; V] {
        &self.table
    }
}

impl<const V: usize, const D: usize> Cell for Embedding<V, D> {
    fn zeros(_info: &LayerInfo) -> Self {
        Embedding {
            table: zero_matrix(),
        }
    }

    /// Keras's default: `RandomUniform(-0.05, 0.05)`.
    fn random(_info: &LayerInfo, rng: &mut Rng) -> Self {
        Embedding {
            table: matrix(embedding_uniform(rng, V * D)).unwrap_or_else(zero_matrix),
        }
    }

    fn from_record(info: &LayerInfo, rec: LayerRecord) -> Result<Self> {
        let mut t = take_tensors(rec);
        let table = t
            .next()
            .and_then(matrix)
            .ok_or_else(|| shape_error(info, "embeddings"))?;
        Ok(Embedding { table })
    }

    fn to_record(&self, info: &LayerInfo) -> LayerRecord {
        record(info, vec![flat(&self.table)])
    }
}

impl<const V: usize, const D: usize> std::fmt::Debug for Embedding<V, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Embedding<{V}, {D}>")
    }
}
