//! Arithmetic on weights that both the runtime (when a model is built) and the macro (when
//! weights are baked in at compile time) perform: written once, so a baked model equals the
//! loaded one bit for bit (when both fold their Embedding: a model built at run time folds
//! larger tables than the macro bakes, rnn-macros' `plan::fold`).

use alloc::vec::Vec;

use crate::layer::LayerKind;

/// The folded Embedding table: row `v` is `embeddings[v] · kernel + bias` over `u` columns,
/// each sum in f64 rounded once to f32. `embeddings` is `(vocab, d)` row-major, `kernel`
/// `(d, u)`, `bias` `(u,)`; the result is `(vocab, u)` row-major.
#[inline(always)]
pub fn fold_table(
    embeddings: &[f32],
    kernel: &[f32],
    bias: &[f32],
    (vocab, d, u): (usize, usize, usize),
) -> Vec<f32> {
    // Each sum starts from the bias and adds the products in input order, as one would write
    // it. The loops run over a block of 4 rows, then a block of columns, then the inputs, then
    // the columns (contiguous, vectorised, each kernel value converted once for the 4 rows),
    // with the same operations in the same order for each sum: every platform, build and
    // instruction set computes the same table (the runtime compiles this body once more for
    // AVX2 and AVX-512; no multiply-add is fused in Rust).
    const ROWS: usize = 4;
    const COLUMNS: usize = 256;
    let mut data = alloc::vec![0.0f32; vocab * u];
    let mut sums = [[0.0f64; COLUMNS]; ROWS];
    for v0 in (0..vocab).step_by(ROWS) {
        let rows = (vocab - v0).min(ROWS);
        for c0 in (0..u).step_by(COLUMNS) {
            let c1 = (c0 + COLUMNS).min(u);
            let n = c1 - c0;
            for s in &mut sums {
                for (sj, bj) in s[..n].iter_mut().zip(&bias[c0..c1]) {
                    *sj = *bj as f64;
                }
            }
            for i in 0..d {
                let k = &kernel[i * u + c0..i * u + c1];
                // A missing row (the last block) multiplies zeros and is never written.
                let e: [f64; ROWS] = core::array::from_fn(|r| {
                    if r < rows {
                        embeddings[(v0 + r) * d + i] as f64
                    } else {
                        0.0
                    }
                });
                let [s0, s1, s2, s3] = &mut sums;
                let (s0, s1, s2, s3) = (&mut s0[..n], &mut s1[..n], &mut s2[..n], &mut s3[..n]);
                let k = &k[..n];
                for j in 0..n {
                    let kj = k[j] as f64;
                    s0[j] += e[0] * kj;
                    s1[j] += e[1] * kj;
                    s2[j] += e[2] * kj;
                    s3[j] += e[3] * kj;
                }
            }
            for (r, s) in sums.iter().enumerate().take(rows) {
                let out = &mut data[(v0 + r) * u + c0..(v0 + r) * u + c1];
                for (o, x) in out.iter_mut().zip(&s[..n]) {
                    *o = *x as f32;
                }
            }
        }
    }
    data
}

/// A `Conv1D`'s folded Embedding table: row `v` holds, tap after tap, `embeddings[v] · K_j`
/// (block `j` of the full kernel, `(taps · d, out)`, as [`cell_arrays`] lays it out), each
/// tap's part by [`fold_table`] with no bias: the convolution adds its bias once, to the taps
/// inside the sequence. Missing or short arrays give a short table (which the cell refuses).
pub fn fold_conv_table(
    e: &[f32],
    kernel: &[f32],
    (vocab, d, taps, out): (usize, usize, usize, usize),
) -> Vec<f32> {
    let zeros = alloc::vec![0.0; out];
    let per_tap: Vec<Vec<f32>> = (0..taps)
        .filter_map(|j| kernel.get(j * d * out..(j + 1) * d * out))
        .map(|k| fold_table(e, k, &zeros, (vocab, d, out)))
        .collect();
    let mut table = Vec::with_capacity(vocab * taps * out);
    for v in 0..vocab {
        for tap in &per_tap {
            table.extend_from_slice(tap.get(v * out..(v + 1) * out).unwrap_or_default());
        }
    }
    table
}

/// The arrays a layer's runtime cell stores, in the order its `baked` constructor takes them,
/// from the layer's tensors in file order (`LayerKind::tensors`): the one definition of the
/// layout, which the macro bakes and the runtime loads (through [`into_cell_arrays`]);
/// [`file_tensors`] is its inverse, for saving.
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
    into_cell_arrays(kind, tensors.iter().map(|t| t.to_vec()).collect())
}

/// [`cell_arrays`] of owned tensors: each tensor the cell stores whole is moved, not copied
/// (an Embedding table, a kernel), and an LSTM's are reordered in place, so loading copies no
/// tensor. Never panics: a tensor that is missing or of another size (a record that was not
/// checked) gives arrays of another size, which the cell refuses.
pub fn into_cell_arrays(kind: &LayerKind, tensors: Vec<Vec<f32>>) -> Vec<Vec<f32>> {
    let (_, units) = kind.sizes();
    let mut tensors = tensors;
    let mut t = match *kind {
        LayerKind::Bidirectional { inner, .. } => {
            let backward = tensors.split_off(tensors.len() / 2);
            let mut out = into_cell_arrays(inner, tensors);
            out.extend(into_cell_arrays(inner, backward));
            return out;
        }
        LayerKind::TimeDistributed { inner } => return into_cell_arrays(inner, tensors),
        _ => tensors.into_iter(),
    };
    let mut next = || t.next().unwrap_or_default();
    // The bias: the next tensor, zeros for a layer without one.
    let bias = |t: &mut alloc::vec::IntoIter<Vec<f32>>, n: usize| {
        t.next().unwrap_or_else(|| alloc::vec![0.0; n])
    };
    match *kind {
        LayerKind::Embedding { .. } | LayerKind::PRelu { .. } => alloc::vec![next()],
        LayerKind::Dense { .. } => {
            let kernel = next();
            alloc::vec![kernel, bias(&mut t, units)]
        }
        LayerKind::SimpleRnn { .. } => {
            let (kernel, recurrent) = (next(), next());
            alloc::vec![kernel, recurrent, bias(&mut t, units)]
        }
        LayerKind::Lstm { .. } => {
            let (kernel, recurrent) = (next(), next());
            let mut arrays = alloc::vec![kernel, recurrent, bias(&mut t, 4 * units)];
            arrays.iter_mut().for_each(|a| swap_c_o(a, units));
            arrays
        }
        LayerKind::Gru { reset_after, .. } => {
            let u3 = 3 * units;
            let (kernel, recurrent) = (next(), next());
            let recurrent_h = recurrent
                .chunks_exact(u3)
                .flat_map(|row| row[2 * units..].iter().copied())
                .collect();
            let mut bias_in = bias(&mut t, if reset_after { 2 * u3 } else { u3 });
            // `reset_after`'s second row is the recurrent bias; without it, zeros.
            let bias_rec = if bias_in.len() > u3 {
                bias_in.split_off(u3)
            } else {
                alloc::vec![0.0; u3]
            };
            alloc::vec![kernel, recurrent, recurrent_h, bias_in, bias_rec]
        }
        LayerKind::Conv1d {
            input,
            kernel_size,
            groups,
            ..
        } => {
            let kernel = expand_groups(next(), (kernel_size, input, units), groups);
            alloc::vec![kernel, bias(&mut t, units)]
        }
        LayerKind::BatchNormalization {
            epsilon,
            center,
            scale,
            ..
        } => {
            let gamma = if scale {
                next()
            } else {
                alloc::vec![1.0; units]
            };
            let beta = if center {
                next()
            } else {
                alloc::vec![0.0; units]
            };
            let (mean, variance) = (next(), next());
            let (s, b) = batch_norm_scale_shift(&gamma, &beta, &mean, &variance, epsilon);
            alloc::vec![s, b, gamma, beta, mean, variance]
        }
        LayerKind::LayerNormalization {
            center,
            scale,
            rms_scaling,
            ..
        } => {
            let gamma = if scale || rms_scaling {
                next()
            } else {
                alloc::vec![1.0; units]
            };
            let beta = if center && !rms_scaling {
                next()
            } else {
                alloc::vec![0.0; units]
            };
            alloc::vec![gamma, beta]
        }
        LayerKind::Bidirectional { .. }
        | LayerKind::TimeDistributed { .. }
        | LayerKind::MaxPooling1d { .. }
        | LayerKind::AveragePooling1d { .. }
        | LayerKind::GlobalMaxPooling1d { .. }
        | LayerKind::GlobalAveragePooling1d { .. }
        | LayerKind::Flatten { .. }
        | LayerKind::RepeatVector { .. }
        | LayerKind::ZeroPadding1d { .. }
        | LayerKind::Cropping1d { .. }
        | LayerKind::UpSampling1d { .. }
        | LayerKind::Reshape { .. }
        | LayerKind::Permute { .. }
        | LayerKind::Activation { .. }
        | LayerKind::Relu { .. }
        | LayerKind::LeakyRelu { .. }
        | LayerKind::Elu { .. }
        | LayerKind::Softmax { .. }
        | LayerKind::Masking { .. }
        | LayerKind::Inert { .. } => Vec::new(),
    }
}

/// The layer's tensors in file order from its cell's arrays ([`cell_arrays`]' layout): the
/// inverse of [`into_cell_arrays`], for writing a weights file. The bias of a layer without
/// `use_bias`, a GRU's candidate columns and its recurrent bias without `reset_after` are
/// left out (derived, or zeros).
pub fn file_tensors(kind: &LayerKind, arrays: Vec<Vec<f32>>) -> Vec<Vec<f32>> {
    let (_, units) = kind.sizes();
    let mut arrays = arrays;
    match *kind {
        LayerKind::Embedding { .. } | LayerKind::PRelu { .. } => arrays,
        LayerKind::Dense { use_bias, .. } | LayerKind::SimpleRnn { use_bias, .. } => {
            if !use_bias {
                arrays.pop();
            }
            arrays
        }
        LayerKind::Lstm { use_bias, .. } => {
            if !use_bias {
                arrays.pop();
            }
            arrays.iter_mut().for_each(|a| swap_c_o(a, units));
            arrays
        }
        LayerKind::Gru {
            use_bias,
            reset_after,
            ..
        } => {
            let mut a = arrays.into_iter();
            let (kernel, recurrent) = (a.next(), a.next());
            let (bias_in, bias_rec) = (a.nth(1), a.next());
            let mut out: Vec<Vec<f32>> = [kernel, recurrent].into_iter().flatten().collect();
            if let (true, Some(mut bias)) = (use_bias, bias_in) {
                if reset_after {
                    bias.extend(bias_rec.unwrap_or_default());
                }
                out.push(bias);
            }
            out
        }
        LayerKind::Bidirectional { inner, .. } => {
            let backward = arrays.split_off(arrays.len() / 2);
            let mut out = file_tensors(inner, arrays);
            out.extend(file_tensors(inner, backward));
            out
        }
        LayerKind::TimeDistributed { inner } => file_tensors(inner, arrays),
        LayerKind::Conv1d {
            input,
            kernel_size,
            groups,
            use_bias,
            ..
        } => {
            if !use_bias {
                arrays.pop();
            }
            if let Some(kernel) = arrays.first_mut() {
                *kernel = group_blocks(kernel, (kernel_size, input, units), groups);
            }
            arrays
        }
        LayerKind::BatchNormalization { center, scale, .. } => {
            // The fused scale and shift are derived; then gamma, beta, mean, variance.
            let mut a = arrays.into_iter().skip(2);
            let (gamma, beta) = (a.next(), a.next());
            let kept = [(scale, gamma), (center, beta)];
            let mut out: Vec<Vec<f32>> = kept
                .into_iter()
                .filter_map(|(k, t)| t.filter(|_| k))
                .collect();
            out.extend(a);
            out
        }
        LayerKind::LayerNormalization {
            center,
            scale,
            rms_scaling,
            ..
        } => {
            let mut a = arrays.into_iter();
            let (gamma, beta) = (a.next(), a.next());
            let kept = [
                (scale || rms_scaling, gamma),
                (center && !rms_scaling, beta),
            ];
            kept.into_iter()
                .filter_map(|(k, t)| t.filter(|_| k))
                .collect()
        }
        LayerKind::MaxPooling1d { .. }
        | LayerKind::AveragePooling1d { .. }
        | LayerKind::GlobalMaxPooling1d { .. }
        | LayerKind::GlobalAveragePooling1d { .. }
        | LayerKind::Flatten { .. }
        | LayerKind::RepeatVector { .. }
        | LayerKind::ZeroPadding1d { .. }
        | LayerKind::Cropping1d { .. }
        | LayerKind::UpSampling1d { .. }
        | LayerKind::Reshape { .. }
        | LayerKind::Permute { .. }
        | LayerKind::Activation { .. }
        | LayerKind::Relu { .. }
        | LayerKind::LeakyRelu { .. }
        | LayerKind::Elu { .. }
        | LayerKind::Softmax { .. }
        | LayerKind::Masking { .. }
        | LayerKind::Inert { .. } => Vec::new(),
    }
}

/// A grouped `Conv1D` kernel `(taps, in / groups, filters)` as the full `(taps, in, filters)`
/// the cell multiplies by: filter `f` of group `g = f / (filters / groups)` reads channels
/// `g · in/groups ..`; the other channels' weights are zeros. With one group, the kernel as it
/// is (moved). A kernel of another size is returned as it is (the cell refuses it).
fn expand_groups(
    kernel: Vec<f32>,
    (taps, input, filters): (usize, usize, usize),
    groups: usize,
) -> Vec<f32> {
    let (cg, fg) = (input / groups.max(1), filters / groups.max(1));
    if groups <= 1 || kernel.len() != taps * cg * filters {
        return kernel;
    }
    let mut full = alloc::vec![0.0; taps * input * filters];
    for j in 0..taps {
        for c in 0..cg {
            for f in 0..filters {
                let g = f / fg;
                full[(j * input + g * cg + c) * filters + f] = kernel[(j * cg + c) * filters + f];
            }
        }
    }
    full
}

/// The inverse of [`expand_groups`]: each filter's own group's channels.
fn group_blocks(
    full: &[f32],
    (taps, input, filters): (usize, usize, usize),
    groups: usize,
) -> Vec<f32> {
    let (cg, fg) = (input / groups.max(1), filters / groups.max(1));
    if groups <= 1 || full.len() != taps * input * filters {
        return full.to_vec();
    }
    let mut kernel = alloc::vec![0.0; taps * cg * filters];
    for j in 0..taps {
        for c in 0..cg {
            for f in 0..filters {
                let g = f / fg;
                kernel[(j * cg + c) * filters + f] = full[(j * input + g * cg + c) * filters + f];
            }
        }
    }
    kernel
}

/// BatchNormalization's inference form as one multiply-add per feature, computed as
/// TensorFlow's `tf.nn.batch_normalization` does in float32 (Keras 3 and tf_keras call it):
/// `scale = gamma * rsqrt(variance + epsilon)`, `shift = beta - mean * scale`; the layer is
/// then `x * scale + shift`.
pub fn batch_norm_scale_shift(
    gamma: &[f32],
    beta: &[f32],
    mean: &[f32],
    variance: &[f32],
    epsilon: f32,
) -> (Vec<f32>, Vec<f32>) {
    let scale: Vec<f32> = gamma
        .iter()
        .zip(variance)
        .map(|(g, v)| g * (1.0 / libm::sqrtf(v + epsilon)))
        .collect();
    let shift = beta
        .iter()
        .zip(mean)
        .zip(&scale)
        .map(|((b, m), s)| b - m * s)
        .collect();
    (scale, shift)
}

/// Keras's LSTM gate order i, f, c, o to the cell's i, f, o, c in every row of `4 * units`
/// columns (and back: the same swap).
fn swap_c_o(data: &mut [f32], units: usize) {
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

#[cfg(test)]
mod tests {
    use super::fold_table;
    use alloc::vec::Vec;

    /// The definition, written plainly: each sum in f64 from the bias, the products added in
    /// input order, rounded once.
    fn fold_plain(
        e: &[f32],
        k: &[f32],
        b: &[f32],
        (vocab, d, u): (usize, usize, usize),
    ) -> Vec<f32> {
        let mut out = Vec::new();
        for v in 0..vocab {
            for j in 0..u {
                let mut s = b[j] as f64;
                for i in 0..d {
                    s += e[v * d + i] as f64 * k[i * u + j] as f64;
                }
                out.push(s as f32);
            }
        }
        out
    }

    #[test]
    fn the_blocked_fold_is_the_plain_sum_bit_for_bit() {
        // Vocabularies and widths that leave partial blocks of rows and of columns.
        for (vocab, d, u) in [(1, 1, 1), (7, 5, 300), (10, 33, 256), (9, 64, 513)] {
            // In u64: the product passes a 32-bit usize (wasm32).
            let val =
                |i: usize, seed: u64| ((i as u64 * 2654435761 + seed) % 2001) as f32 / 1000.0 - 1.0;
            let e: Vec<f32> = (0..vocab * d).map(|i| val(i, 1)).collect();
            let k: Vec<f32> = (0..d * u).map(|i| val(i, 2) * 0.37).collect();
            let b: Vec<f32> = (0..u).map(|i| val(i, 3)).collect();
            let got = fold_table(&e, &k, &b, (vocab, d, u));
            let want = fold_plain(&e, &k, &b, (vocab, d, u));
            assert_eq!(got.len(), want.len());
            let same = got
                .iter()
                .zip(&want)
                .all(|(g, w)| g.to_bits() == w.to_bits());
            assert!(same, "{vocab} x {d} x {u}");
        }
    }
}
