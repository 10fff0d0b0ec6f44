use super::Data;
#[cfg(feature = "alloc")]
use super::{Arrays, Cell, flat, matrix, zero_matrix};
#[cfg(feature = "alloc")]
use crate::heap::Vec;
#[cfg(feature = "alloc")]
use crate::info::LayerInfo;
#[cfg(feature = "alloc")]
use crate::init::{Rng, embedding_uniform};
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

#[cfg(feature = "alloc")]
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

    /// The table, moved out of the loaded vector (not copied).
    fn from_arrays(info: &LayerInfo, a: &mut Arrays) -> Result<Self> {
        Ok(Embedding {
            table: a.matrix(info, "embeddings")?,
        })
    }

    fn to_arrays(&self, out: &mut Vec<Vec<f32>>) {
        out.push(flat(&self.table));
    }
}

impl<const V: usize, const D: usize> std::fmt::Debug for Embedding<V, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Embedding<{V}, {D}>")
    }
}
