//! Arithmetic on weights that both the runtime (when a model is built) and the macro (when
//! weights are baked in at compile time) perform: written once, so a baked model equals the
//! loaded one bit for bit.

use alloc::vec::Vec;

use crate::layer::LayerKind;

/// The folded Embedding table: row `v` is `embeddings[v] · kernel + bias` over `u` columns,
/// each sum in f64 rounded once to f32. `embeddings` is `(vocab, d)` row-major, `kernel`
/// `(d, u)`, `bias` `(u,)`; the result is `(vocab, u)` row-major.
pub fn fold_table(
    embeddings: &[f32],
    kernel: &[f32],
    bias: &[f32],
    (vocab, d, u): (usize, usize, usize),
) -> Vec<f32> {
    let mut data = Vec::with_capacity(vocab * u);
    for v in 0..vocab {
        let row = &embeddings[v * d..(v + 1) * d];
        for j in 0..u {
            let mut s = bias[j] as f64;
            for (i, e) in row.iter().enumerate() {
                s += *e as f64 * kernel[i * u + j] as f64;
            }
            data.push(s as f32);
        }
    }
    data
}

/// The arrays a layer's runtime cell stores, in the order its `baked` constructor takes them,
/// from the layer's tensors in file order (`LayerKind::tensors`): what the macro bakes.
///
/// - `Embedding`: the table; `Dense`, `SimpleRNN`: kernel(s), then the bias (zeros without
///   `use_bias`);
/// - `LSTM`: kernel, recurrent kernel and bias with each row's gate blocks in the cell's order
///   i, f, o, c (Keras's c and o swapped: the three sigmoid gates side by side);
/// - `GRU`: kernel, recurrent kernel, the recurrent kernel's candidate columns (`[U, U]`), the
///   input bias and the recurrent bias (zeros where the layer has none);
/// - `Bidirectional`: the forward copy's arrays, then the backward copy's;
///   `TimeDistributed`: the inner layer's; the rest: none.
pub fn cell_arrays(kind: &LayerKind, tensors: &[&[f32]]) -> Vec<Vec<f32>> {
    let (_, units) = kind.sizes();
    let bias = |i: usize, n: usize| {
        tensors
            .get(i)
            .map_or_else(|| alloc::vec![0.0; n], |t| t.to_vec())
    };
    match *kind {
        LayerKind::Embedding { .. } => alloc::vec![tensors[0].to_vec()],
        LayerKind::Dense { .. } => alloc::vec![tensors[0].to_vec(), bias(1, units)],
        LayerKind::SimpleRnn { .. } => {
            alloc::vec![tensors[0].to_vec(), tensors[1].to_vec(), bias(2, units)]
        }
        LayerKind::Lstm { .. } => [tensors[0].to_vec(), tensors[1].to_vec(), bias(2, 4 * units)]
            .into_iter()
            .map(|mut t| {
                swap_c_o(&mut t, units);
                t
            })
            .collect(),
        LayerKind::Gru { reset_after, .. } => {
            let u3 = 3 * units;
            let recurrent_h = tensors[1]
                .chunks_exact(u3)
                .flat_map(|row| row[2 * units..].iter().copied())
                .collect();
            let b = bias(2, if reset_after { 2 * u3 } else { u3 });
            let bias_in = b[..u3].to_vec();
            let bias_rec = match b.get(u3..) {
                Some(rec) if !rec.is_empty() => rec.to_vec(),
                _ => alloc::vec![0.0; u3],
            };
            alloc::vec![
                tensors[0].to_vec(),
                tensors[1].to_vec(),
                recurrent_h,
                bias_in,
                bias_rec
            ]
        }
        LayerKind::Bidirectional { inner, .. } => {
            let (forward, backward) = tensors.split_at(tensors.len() / 2);
            let mut out = cell_arrays(inner, forward);
            out.extend(cell_arrays(inner, backward));
            out
        }
        LayerKind::TimeDistributed { inner } => cell_arrays(inner, tensors),
        LayerKind::Activation { .. } | LayerKind::Masking { .. } | LayerKind::Inert { .. } => {
            Vec::new()
        }
    }
}

/// Keras's LSTM gate order i, f, c, o to the cell's i, f, o, c in every row of `4 * units`
/// columns (and back: the same swap).
pub fn swap_c_o(data: &mut [f32], units: usize) {
    for row in data.chunks_exact_mut(4 * units) {
        let (c, o) = row[2 * units..].split_at_mut(units);
        c.swap_with_slice(o);
    }
}

/// The input projection (`kernel`, `bias`) of a recurrent layer's cell arrays
/// ([`cell_arrays`]): what a folded Embedding multiplies by.
pub fn input_projection<'a>(
    kind: &LayerKind,
    arrays: &'a [Vec<f32>],
) -> Option<(&'a [f32], &'a [f32])> {
    match kind {
        LayerKind::SimpleRnn { .. } | LayerKind::Lstm { .. } => Some((&arrays[0], &arrays[2])),
        LayerKind::Gru { .. } => Some((&arrays[0], &arrays[3])),
        _ => None,
    }
}
