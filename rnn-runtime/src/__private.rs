//! Building blocks for generated code. Not a public API: names and signatures may change.
//!
//! Generated code does not know this crate's features: what needs `alloc` or `std` it wraps in
//! [`if_alloc!`] / [`if_std!`], which expand to their input or to nothing.

#[cfg(feature = "alloc")]
use crate::heap::*;

pub use crate::info::{LayerInfo, LayerKind};
#[cfg(feature = "alloc")]
pub use crate::init::Rng;
pub use crate::kernels::{Avx2, Avx512, MulAdd, Neon, Portable, Simd128};
pub use crate::layers::{
    ActivationLayer, BatchNorm, Bidirectional, CausalState, Cell, Conv1d, Dense, Elu, Embedding,
    Flatten, FoldedEmbedding, GlobalPool, Gru, Inert, LayerNorm, Lstm, Masking, PRelu, PerStep,
    Permute, Pool1d, Rectifier, Recurrent, Reset, Reshape, SimpleRnn, Steps, TimeDistributed,
};
#[cfg(feature = "alloc")]
pub use crate::weights::{LayerRecord, WeightsFile};
pub use crate::{Activation, Error, Result};
#[cfg(feature = "alloc")]
pub use alloc::string::String;
#[cfg(feature = "alloc")]
pub use alloc::vec::Vec;
pub use core::array::from_fn;
pub use core::convert::AsRef;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{Err, Ok};
#[cfg(feature = "std")]
pub use ndarray::{Array2, Array3, ArrayView2, ArrayView3};
pub use rnn_macros::rnn_model_impl;
pub use rnn_spec::{Ints, Merge, Padding, StepMap, Window, class};
#[cfg(feature = "std")]
pub use std::path::Path;

/// The length of the output sequence of `layers` on `steps` input steps (each layer's
/// `LayerKind::output_steps`; 0 when a window leaves none, which `check_length` refuses first).
pub fn out_steps(layers: &[LayerInfo], steps: usize) -> usize {
    layers
        .iter()
        .try_fold(steps, |t, l| l.kind.output_steps(t))
        .unwrap_or(0)
}

/// Its input with the `alloc` feature, nothing without: generated items that need the heap.
#[cfg(feature = "alloc")]
#[doc(hidden)]
#[macro_export]
macro_rules! __rnn_if_alloc {
    ($($item:tt)*) => { $($item)* };
}
/// Its input with the `alloc` feature, nothing without: generated items that need the heap.
#[cfg(not(feature = "alloc"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __rnn_if_alloc {
    ($($item:tt)*) => {};
}
/// Its input with the `std` feature, nothing without: generated items that need files,
/// ndarray or threads.
#[cfg(feature = "std")]
#[doc(hidden)]
#[macro_export]
macro_rules! __rnn_if_std {
    ($($item:tt)*) => { $($item)* };
}
/// Its input with the `std` feature, nothing without: generated items that need files,
/// ndarray or threads.
#[cfg(not(feature = "std"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __rnn_if_std {
    ($($item:tt)*) => {};
}
/// Nothing with the `alloc` feature; without it, a compile error with the macro's message (a
/// model that cannot run without the heap).
#[cfg(feature = "alloc")]
#[doc(hidden)]
#[macro_export]
macro_rules! __rnn_needs_alloc {
    ($message:literal) => {};
}
/// Nothing with the `alloc` feature; without it, a compile error with the macro's message (a
/// model that cannot run without the heap).
#[cfg(not(feature = "alloc"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __rnn_needs_alloc {
    ($message:literal) => {
        ::core::compile_error!($message);
    };
}
pub use crate::{
    __rnn_if_alloc as if_alloc, __rnn_if_std as if_std, __rnn_needs_alloc as needs_alloc,
};

/// One value as a one-element slice: a streaming step's sequence.
#[inline(always)]
pub fn slice_of<T>(x: &T) -> &[T] {
    core::slice::from_ref(x)
}

/// `n` zeroed vectors on the heap (a sequence output).
#[cfg(feature = "alloc")]
pub fn zeros_vec<const W: usize>(n: usize) -> Vec<[f32; W]> {
    vec![[0.0; W]; n]
}

/// `n` zeroed groups of G vectors on the heap (a pass's output, read by the next pass).
#[cfg(feature = "alloc")]
pub fn zeros_groups<const W: usize, const G: usize>(n: usize) -> Vec<[[f32; W]; G]> {
    vec![[[0.0; W]; G]; n]
}

/// The body of a stub model's functions: the model did not compile, so this never runs.
#[cold]
pub fn stub() -> ! {
    unreachable!("this model has compile errors; its functions are stubs")
}

/// What the outputs and constants of a model with compile errors are (the error stub):
/// `<[(); compile_error!("..")] as Unbuilt>::Output` is rustc's error type, the array's length
/// being the error, and `<that as Unbuilt>::USIZE` an error constant. Rustc accepts them
/// wherever they are used without a further message, as it does after an error of its own:
/// the model's error stays the only one. No type implements this trait.
pub trait Unbuilt {
    /// What `forward`, `predict`, `step` and `forward_from` return.
    type Output;
    /// The `usize` constants (`PARAMS`, `INPUT_WIDTH`, ...).
    const USIZE: usize;
    /// The `bool` constants (`TAKES_TOKENS`, `RETURNS_SEQUENCES`).
    const BOOL: bool;
    /// `SUMMARY` and `NAME`.
    const STR: &'static str;
    /// `TIMESTEPS`.
    const STEPS: Option<usize>;
    /// `LAYERS`.
    const LAYERS: &'static [LayerInfo];
}

/// The one implementation of a model's `__MCannotStream` trait (hidden from rustc's
/// suggestions with `#[diagnostic::do_not_recommend]`): no value has this type, so a call of
/// a non-streaming model's `step` never compiles, and rustc does not add "this trait has no
/// implementations" to the message that says why.
pub enum CannotStream {}

pub use crate::simd::{Shape, Simd, for_shape as simd_for};

/// Length rules for one input sequence: a fixed-length model takes exactly its length, a
/// model with a recurrent layer refuses an empty sequence, and a model whose windows shorten
/// the sequence refuses one shorter than `min` (its `MIN_STEPS`).
pub fn check_length(
    len: usize,
    fixed: Option<usize>,
    recurrent: bool,
    min: usize,
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
    if len < min {
        return Err(Error::TooShort {
            row,
            min,
            found: len,
        });
    }
    Ok(())
}

#[cfg(feature = "std")]
/// Runs a token batch (rows, steps): checks every row first (all or nothing), then runs rows
/// G at a time through `group`, the remainder S at a time through `small` (S < G for a wide
/// model's large groups), then one at a time through `one`; the groups of G are split
/// over threads ([`crate::threads`]; `work`: the multiply-adds of a row-timestep). Each row's
/// output is `per_row` vectors of width `W`. Returns the (rows * per_row * W) buffer.
#[allow(clippy::too_many_arguments)]
pub fn token_batch<const W: usize, const G: usize, const S: usize>(
    batch: ArrayView2<'_, u32>,
    per_row: usize,
    work: u64,
    check: impl Fn(usize, &[u32]) -> Result<()>,
    group: impl Fn([&[u32]; G], [&mut [[f32; W]]; G]) + Sync,
    small: impl Fn([&[u32]; S], [&mut [[f32; W]]; S]),
    one: impl Fn(&[u32], &mut [[f32; W]]) + Sync,
) -> Result<Vec<f32>> {
    let (rows, steps) = batch.dim();
    let contiguous = batch.as_standard_layout();
    let flat = contiguous.as_slice().unwrap_or(&[]);
    let row = |r: usize| &flat[r * steps..(r + 1) * steps];
    run_batch(rows, steps, per_row, work, row, check, group, small, one)
}

#[cfg(feature = "std")]
/// Runs a float batch (rows, steps, F) like [`token_batch`], after checking the feature axis.
#[allow(clippy::too_many_arguments)]
pub fn float_batch<const F: usize, const W: usize, const G: usize, const S: usize>(
    batch: ArrayView3<'_, f32>,
    per_row: usize,
    work: u64,
    check: impl Fn(usize, &[[f32; F]]) -> Result<()>,
    group: impl Fn([&[[f32; F]]; G], [&mut [[f32; W]]; G]) + Sync,
    small: impl Fn([&[[f32; F]]; S], [&mut [[f32; W]]; S]),
    one: impl Fn(&[[f32; F]], &mut [[f32; W]]) + Sync,
) -> Result<Vec<f32>> {
    let (rows, steps, features) = batch.dim();
    if features != F {
        return Err(Error::BatchShape {
            expected: format!("(batch, timesteps, {F})"),
            found: format!("({rows}, {steps}, {features})"),
        });
    }
    let contiguous = batch.as_standard_layout();
    let flat = contiguous.as_slice().unwrap_or(&[]).as_chunks::<F>().0;
    let row = |r: usize| &flat[r * steps..(r + 1) * steps];
    run_batch(rows, steps, per_row, work, row, check, group, small, one)
}

#[cfg(feature = "std")]
#[allow(clippy::too_many_arguments)]
fn run_batch<'a, R: ?Sized + Sync + 'a, const W: usize, const G: usize, const S: usize>(
    rows: usize,
    steps: usize,
    per_row: usize,
    work: u64,
    row: impl Fn(usize) -> &'a R + Sync,
    check: impl Fn(usize, &R) -> Result<()>,
    group: impl Fn([&'a R; G], [&mut [[f32; W]]; G]) + Sync,
    small: impl Fn([&'a R; S], [&mut [[f32; W]]; S]),
    one: impl Fn(&'a R, &mut [[f32; W]]) + Sync,
) -> Result<Vec<f32>> {
    // Rows of no timesteps are all alike: checking one is checking all (a (2^40, 0) view must
    // not take 2^40 checks).
    let rows_to_check = if steps == 0 { rows.min(1) } else { rows };
    for r in 0..rows_to_check {
        check(r, row(r))?;
    }
    let total = rows.checked_mul(per_row).filter(|n| {
        n.checked_mul(W * 4)
            .is_some_and(|b| b <= isize::MAX as usize)
    });
    let Some(total) = total else {
        return Err(Error::BatchShape {
            expected: format!("an output of at most {} bytes", isize::MAX),
            found: format!("{rows} rows x {per_row} steps x {W} units"),
        });
    };
    let mut out = vec![[0.0f32; W]; total];
    if per_row == 0 {
        return Ok(out.into_flattened());
    }
    let g = G.max(1);
    let groups = rows / g;
    // Rows `first..` in groups of G, into `dst` (their outputs, in order).
    let run_groups = |first: usize, dst: &mut [[f32; W]]| {
        let n = dst.len() / per_row;
        let mut outs = dst.chunks_exact_mut(per_row);
        for r0 in (first..first + n).step_by(g) {
            let srcs = std::array::from_fn(|i| row(r0 + i));
            let dsts = std::array::from_fn(|_| outs.next().unwrap_or_default());
            group(srcs, dsts);
        }
    };
    let (grouped, rest) = out.split_at_mut(groups * g * per_row);
    // Whole groups split over threads: each row runs in the same group, with the same kernels,
    // as on one thread, so the outputs are bit-identical whatever the thread count.
    let threads = crate::threads::for_batch(groups, g, steps, work);
    if threads <= 1 {
        run_groups(0, grouped);
    } else {
        let per_thread = groups.div_ceil(threads) * g * per_row;
        std::thread::scope(|scope| {
            let mut chunks = grouped.chunks_mut(per_thread).enumerate();
            // The caller's thread takes the first chunk; the others get a thread each.
            let first = chunks.next();
            for (i, chunk) in chunks {
                let run_groups = &run_groups;
                scope.spawn(move || run_groups(i * per_thread / per_row, chunk));
            }
            if let Some((_, chunk)) = first {
                run_groups(0, chunk);
            }
        });
    }
    // The rest: S rows at a time (a wide model's groups are larger than S), then one by one.
    let s = S.max(1);
    let (smalls, ones) = rest.split_at_mut((rest.len() / per_row / s) * s * per_row);
    let mut outs = smalls.chunks_exact_mut(per_row);
    let mut r = groups * g;
    while let Some(first) = outs.next() {
        let mut first = Some(first);
        let srcs = std::array::from_fn(|i| row(r + i));
        let dsts =
            std::array::from_fn(|_| first.take().or_else(|| outs.next()).unwrap_or_default());
        small(srcs, dsts);
        r += s;
    }
    for (r, dst) in (r..rows).zip(ones.chunks_exact_mut(per_row)) {
        one(row(r), dst);
    }
    Ok(out.into_flattened())
}

#[cfg(feature = "std")]
/// Wraps a filled output buffer as `(rows, W)`.
pub fn array2(rows: usize, width: usize, data: Vec<f32>) -> Result<Array2<f32>> {
    Array2::from_shape_vec((rows, width), data).map_err(|e| Error::BatchShape {
        expected: format!("({rows}, {width})"),
        found: e.to_string(),
    })
}

#[cfg(feature = "std")]
/// Wraps a filled output buffer as `(rows, steps, W)`.
pub fn array3(rows: usize, steps: usize, width: usize, data: Vec<f32>) -> Result<Array3<f32>> {
    Array3::from_shape_vec((rows, steps, width), data).map_err(|e| Error::BatchShape {
        expected: format!("({rows}, {steps}, {width})"),
        found: e.to_string(),
    })
}

#[cfg(feature = "alloc")]
/// Loads, checks and hands out the layer records of a weights file in model order.
pub struct Records {
    layers: alloc::vec::IntoIter<LayerRecord>,
}

#[cfg(feature = "alloc")]
impl Records {
    /// Checks the whole file against the model before anything is built: all or nothing.
    pub fn new(file: WeightsFile, model: &[LayerInfo]) -> Result<Self> {
        file.check_against(model)?;
        Ok(Records {
            layers: file.layers.into_iter(),
        })
    }

    /// The next layer's record (present: `new` checked the count; an `Err` names the layer
    /// should that ever not hold).
    pub fn next(&mut self, info: &LayerInfo) -> Result<LayerRecord> {
        self.layers.next().ok_or_else(|| Error::Tensor {
            layer: info.name.to_string(),
            tensor: "*".into(),
            what: "the layer record".into(),
            expected: "a record for every layer".into(),
            found: "none left".into(),
        })
    }
}

#[cfg(feature = "alloc")]
/// Assembles a weights file from a model's layer records, with its checksum.
pub fn weights_file(
    model_name: &str,
    input_shape: &[Option<usize>],
    layers: impl IntoIterator<Item = LayerRecord>,
) -> WeightsFile {
    let mut file = WeightsFile {
        format: crate::weights::FORMAT.to_string(),
        version: crate::weights::VERSION,
        model: Some(model_name.to_string()),
        producer: Some(concat!("rnn-runtime ", env!("CARGO_PKG_VERSION")).to_string()),
        input_shape: Some(input_shape.iter().map(|d| d.map(|n| n as u64)).collect()),
        layers: layers.into_iter().collect(),
        checksum: None,
    };
    file.checksum = Some(file.compute_checksum());
    file
}

pub use crate::layers::Data;

/// The bytes of a baked model's weights, 64-byte aligned: little-endian f32 arrays at 64-byte
/// aligned offsets (the macro's layout).
#[repr(C, align(64))]
pub struct Blob<const N: usize>(pub [u8; N]);

impl<const N: usize> Blob<N> {
    /// The array of type `T` (`[f32; N]` or `[[f32; C]; R]`) at `offset`.
    pub const fn at<T>(&'static self, offset: usize) -> &'static T {
        assert!(
            offset.is_multiple_of(64) && offset + size_of::<T>() <= N,
            "a baked array lies within the blob, aligned"
        );
        // SAFETY: the range is inside the blob (asserted), 64-byte aligned (the blob is, and so
        // is the offset), initialised, and every bit pattern is a valid f32.
        unsafe { &*self.0.as_ptr().add(offset).cast::<T>() }
    }
}
