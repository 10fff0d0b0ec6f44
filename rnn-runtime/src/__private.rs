//! Building blocks for generated code. Not a public API: names and signatures may change.

pub use crate::info::{LayerInfo, LayerKind};
pub use crate::init::Rng;
pub use crate::kernels::{Fused, MulAdd, Separate};
pub use crate::layers::{Dense, Embedding, SimpleRnn};
pub use crate::weights::{LayerRecord, WeightsFile};
pub use crate::{Activation, Error, Result};
pub use ndarray::{Array2, Array3, ArrayView2, ArrayView3};
pub use rnn_macros::rnn_model_impl;

/// Whether the AVX2 + FMA code path may run on this CPU (checked once, then cached by std).
#[inline]
pub fn fma_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Length rules for one input sequence: a fixed-length model takes exactly its length, and a
/// model with a recurrent layer refuses an empty sequence.
pub fn check_length(
    len: usize,
    fixed: Option<usize>,
    recurrent: bool,
    row: Option<usize>,
) -> Result<()> {
    if let Some(expected) = fixed.filter(|&t| t != len) {
        return Err(Error::SequenceLength {
            row,
            expected,
            found: len,
        });
    }
    if recurrent && len == 0 {
        return Err(Error::EmptySequence { row });
    }
    Ok(())
}

/// Runs `run(row, ids, out)` for every row of a token batch (rows, steps). `out` holds
/// `per_row` output vectors of width `W`. Returns the filled (rows * per_row * W) buffer.
pub fn token_rows<const W: usize>(
    batch: ArrayView2<'_, u32>,
    per_row: usize,
    mut run: impl FnMut(usize, &[u32], &mut [[f32; W]]) -> Result<()>,
) -> Result<Vec<f32>> {
    let (rows, steps) = batch.dim();
    let mut out = vec![[0.0f32; W]; rows * per_row];
    let mut copy = Vec::new();
    for (r, row) in batch.rows().into_iter().enumerate() {
        let ids = match row.as_slice() {
            Some(s) => s,
            None => {
                copy.clear();
                copy.extend(row.iter().copied());
                &copy[..]
            }
        };
        debug_assert_eq!(ids.len(), steps);
        run(r, ids, &mut out[r * per_row..(r + 1) * per_row])?;
    }
    Ok(out.into_flattened())
}

/// Runs `run(row, xs, out)` for every row of a float batch (rows, steps, F), after checking
/// the feature axis. `out` holds `per_row` output vectors of width `W`.
pub fn float_rows<const F: usize, const W: usize>(
    batch: ArrayView3<'_, f32>,
    per_row: usize,
    mut run: impl FnMut(usize, &[[f32; F]], &mut [[f32; W]]) -> Result<()>,
) -> Result<Vec<f32>> {
    let (rows, steps, features) = batch.dim();
    if features != F {
        return Err(Error::BatchShape {
            expected: format!("(batch, timesteps, {F})"),
            found: format!("({rows}, {steps}, {features})"),
        });
    }
    let mut out = vec![[0.0f32; W]; rows * per_row];
    let mut copy: Vec<[f32; F]> = Vec::new();
    for r in 0..rows {
        let row = batch.index_axis(ndarray::Axis(0), r);
        let xs: &[[f32; F]] = match row.as_slice() {
            Some(s) => s.as_chunks::<F>().0,
            None => {
                copy.clear();
                copy.extend(
                    row.rows()
                        .into_iter()
                        .map(|x| std::array::from_fn(|i| x[i])),
                );
                &copy[..]
            }
        };
        run(r, xs, &mut out[r * per_row..(r + 1) * per_row])?;
    }
    Ok(out.into_flattened())
}

/// Wraps a filled output buffer as `(rows, W)`.
pub fn array2(rows: usize, width: usize, data: Vec<f32>) -> Result<Array2<f32>> {
    Array2::from_shape_vec((rows, width), data).map_err(|e| Error::BatchShape {
        expected: format!("({rows}, {width})"),
        found: e.to_string(),
    })
}

/// Wraps a filled output buffer as `(rows, steps, W)`.
pub fn array3(rows: usize, steps: usize, width: usize, data: Vec<f32>) -> Result<Array3<f32>> {
    Array3::from_shape_vec((rows, steps, width), data).map_err(|e| Error::BatchShape {
        expected: format!("({rows}, {steps}, {width})"),
        found: e.to_string(),
    })
}

/// Loads, checks and hands out the layer records of a weights file in model order.
pub struct Records {
    layers: std::vec::IntoIter<LayerRecord>,
}

impl Records {
    /// Checks the whole file against the model before anything is built: all or nothing.
    pub fn new(file: WeightsFile, model: &[LayerInfo]) -> Result<Self> {
        file.check_against(model)?;
        Ok(Records {
            layers: file.layers.into_iter(),
        })
    }

    /// The next layer's record (present: `new` checked the count).
    pub fn next(&mut self, info: &LayerInfo) -> Result<LayerRecord> {
        self.layers.next().ok_or_else(|| Error::LayerCount {
            expected: 0,
            found: 0,
            expected_names: info.name.to_string(),
            found_names: String::new(),
        })
    }
}

/// Assembles a weights file from a model's layer records, with its checksum.
pub fn weights_file(
    model_name: &str,
    input_shape: Vec<Option<u64>>,
    layers: Vec<LayerRecord>,
) -> WeightsFile {
    let mut file = WeightsFile {
        format: crate::weights::FORMAT.to_string(),
        version: crate::weights::VERSION,
        model: Some(model_name.to_string()),
        producer: Some(concat!("rnn-runtime ", env!("CARGO_PKG_VERSION")).to_string()),
        input_shape: Some(input_shape),
        layers,
        checksum: None,
    };
    file.checksum = Some(file.compute_checksum());
    file
}
